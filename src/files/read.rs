//! Bounded reads: whatever a path names (a file, a device, a pipe, a FIFO with no writer,
//! stdin), reading it takes a bounded amount of memory and time.

#![deny(clippy::indexing_slicing)]

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use web_time::Instant;

/// Why a bounded read gave no bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    #[error("this is a folder, not a file")]
    Folder,
    /// Over `max` bytes; `len` is the size when the file reports one.
    #[error("the file is over {max} bytes")]
    TooLarge { max: usize, len: Option<u64> },
    /// A pipe or device that did not finish within the wait.
    #[error("the file did not finish arriving within {} seconds", .0.as_secs())]
    Slow(Duration),
}

/// `open(2)`'s flag for a non-blocking open, so that opening a FIFO with no writer returns at
/// once instead of waiting for one.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    )
))]
const O_NONBLOCK: Option<i32> = Some(0o4000);
#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
))]
const O_NONBLOCK: Option<i32> = Some(0x0004);
#[cfg(not(any(
    all(
        target_os = "linux",
        any(
            target_arch = "x86",
            target_arch = "x86_64",
            target_arch = "arm",
            target_arch = "aarch64",
            target_arch = "riscv64",
            target_arch = "powerpc64",
            target_arch = "s390x",
            target_arch = "loongarch64"
        )
    ),
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
)))]
#[cfg_attr(not(unix), allow(dead_code))]
const O_NONBLOCK: Option<i32> = None;

/// Reads at most `max_bytes` from `path`, whatever it names. A regular file over the limit
/// is refused from its size before reading; anything else (a device such as `/dev/zero`, a
/// pipe, a FIFO, stdin as `/dev/stdin`) is read until it ends, refused as soon as it passes
/// the limit, and given up on after `wait`. A FIFO with no writer reads as empty at once.
pub fn read_bounded(path: &Path, max_bytes: usize, wait: Duration) -> Result<Vec<u8>, ReadError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if let Some(flag) = O_NONBLOCK {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(flag);
    }
    #[cfg(unix)]
    if O_NONBLOCK.is_none() {
        // Without a non-blocking open, only regular files are safe to open.
        let meta = fs::metadata(path)?;
        if meta.is_dir() {
            return Err(ReadError::Folder);
        }
        if !meta.is_file() {
            return Err(ReadError::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(ReadError::Folder);
    }
    let regular = meta.is_file();
    if regular && meta.len() > max_bytes as u64 {
        return Err(ReadError::TooLarge {
            max: max_bytes,
            len: Some(meta.len()),
        });
    }
    let expected = if regular { meta.len() as usize } else { 0 };
    let mut bytes = Vec::with_capacity(expected.min(max_bytes).saturating_add(1));
    let mut chunk = vec![0u8; 64 * 1024];
    let start = Instant::now();
    loop {
        if !regular && start.elapsed() > wait {
            return Err(ReadError::Slow(wait));
        }
        match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let got = chunk.get(..n).unwrap_or_default();
                if bytes.len() + got.len() > max_bytes {
                    return Err(ReadError::TooLarge {
                        max: max_bytes,
                        len: regular.then_some(meta.len()),
                    });
                }
                bytes.extend_from_slice(got);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAIT: Duration = Duration::from_secs(2);

    #[test]
    fn reads_a_file_within_the_limit_and_refuses_a_larger_one() {
        let dir = std::env::temp_dir().join(format!("sandtable-read-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ten.txt");
        fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_bounded(&path, 10, WAIT).unwrap(), b"0123456789");
        assert!(matches!(
            read_bounded(&path, 9, WAIT),
            Err(ReadError::TooLarge { len: Some(10), .. })
        ));
        assert!(matches!(
            read_bounded(&dir, 10, WAIT),
            Err(ReadError::Folder)
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn endless_devices_stop_at_the_limit() {
        for device in ["/dev/zero", "/dev/urandom"] {
            if Path::new(device).exists() {
                let r = read_bounded(Path::new(device), 1 << 20, WAIT);
                assert!(
                    matches!(r, Err(ReadError::TooLarge { len: None, .. })),
                    "{device}: {r:?}"
                );
            }
        }
        if Path::new("/dev/null").exists() {
            assert!(
                read_bounded(Path::new("/dev/null"), 10, WAIT)
                    .unwrap()
                    .is_empty()
            );
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_with_no_writer_does_not_block() {
        let dir = std::env::temp_dir().join(format!("sandtable-fifo-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let start = Instant::now();
            let r = read_bounded(&fifo, 1024, WAIT);
            assert!(r.is_ok_and(|b| b.is_empty()));
            assert!(start.elapsed() < WAIT);
        }
        fs::remove_dir_all(&dir).unwrap();
    }
}
