//! Writing files safely: a save either replaces the old file whole or leaves it untouched.
//!
//! A save goes into a temporary file beside the target (named `.sandtable-PID-N.tmp`, short
//! whatever the target's name), flushed to disk, renamed over the target, and the folder is
//! flushed after the rename. A symbolic link is written through to its target, the target's
//! permissions are kept, and anything that is not a regular file (a device, a FIFO, a folder)
//! is refused rather than replaced. Temporary files left by a write that was killed are
//! removed by [`remove_stale_temporaries`], which the app runs when it starts and every save
//! runs on its own folder.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Every temporary file of a save starts with this.
const TEMP_PREFIX: &str = ".sandtable-";
/// And ends with this.
const TEMP_SUFFIX: &str = ".tmp";
/// Symbolic links followed to reach a save's target, at most (as the kernel does).
const MAX_LINKS: usize = 40;

mod read;
pub use read::{ReadError, read_bounded};

/// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk,
/// then renamed over the target. On any failure (a full disk, a missing folder) the old file
/// is left as it was and the temporary file is removed. A symbolic link is written through
/// to its target, and the target keeps its permissions; a target that is not a regular file
/// is refused with an error of kind [`io::ErrorKind::InvalidInput`].
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    let permissions = match fs::metadata(&target) {
        Ok(meta) if meta.is_file() => Some(meta.permissions()),
        Ok(meta) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is {}, not a regular file; it is not replaced",
                    target.display(),
                    describe_file_type(&meta.file_type())
                ),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if target.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the path names no file",
        ));
    }
    let dir = folder_of(&target);
    remove_stale_temporaries(dir);
    let (tmp, mut file) = create_temporary(dir)?;
    let result = (|| {
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        // Closed before the rename (a browser's `File` has nothing to close).
        #[cfg_attr(target_arch = "wasm32", allow(clippy::drop_non_drop))]
        drop(file);
        fs::rename(&tmp, &target)?;
        sync_folder(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The file a path finally names, following symbolic links (a link to a file that does not
/// exist yet names that file).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = if link.is_absolute() {
                    link
                } else {
                    folder_of(&current).join(link)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a chain of more than {MAX_LINKS} symbolic links",
            path.display()
        ),
    ))
}

fn describe_file_type(kind: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// A new temporary file in `dir`, with a name no other write uses.
fn create_temporary(dir: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!(
            "{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}",
            crate::platform::process_id()
        );
        let tmp = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            // Left by an earlier process with the same id: try the next number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Flushes a folder's entries (the rename) to disk, where the system allows it.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// The process that wrote a temporary file, if `name` is one of a save's temporary files.
fn temporary_owner(name: &OsStr) -> Option<u32> {
    let name = name.to_str()?;
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Removes from `dir` the temporary files of saves whose process is gone (killed in the
/// middle of a write); returns how many were removed. Those of running processes, this one
/// included, are left alone.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let Some(pid) = temporary_owner(&entry.file_name()) else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !process_is_running(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this id is running. This process always is; where that cannot be
/// checked (no `/proc`), every process is taken to be running, so that nothing another
/// process may still use is removed.
pub fn process_is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    pid == crate::platform::process_id() || !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Whether a file holds a record of `kind` (`"Session"`, `"Exercise"`): by its name's
/// ending (`.session.ron`), or by its first word for a file that was renamed.
pub fn is_file_of(path: &Path, text: &str, suffix: &str, kind: &str) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if name.ends_with(suffix) {
        return true;
    }
    let body = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    body.strip_prefix(kind)
        .is_some_and(|rest| rest.trim_start().starts_with('('))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sandtable-files-{name}-{}",
            crate::platform::process_id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn temporaries(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn replaces_the_file_whole() {
        let dir = temp_dir("whole");
        let path = dir.join("out.txt");
        atomic_write(&path, b"first").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(temporaries(&dir), Vec::<String>::new());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = temp_dir("fail");
        let path = dir.join("keep.txt");
        fs::write(&path, "old").unwrap();
        // Writing into a folder that does not exist fails before touching the target.
        assert!(atomic_write(&dir.join("missing").join("keep.txt"), b"new").is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(temporaries(&dir), Vec::<String>::new());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through_and_permissions_are_kept() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = temp_dir("link");
        fs::create_dir(dir.join("real")).unwrap();
        let target = dir.join("real").join("class.session.ron");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.join("link.session.ron");
        symlink(Path::new("real").join("class.session.ron"), &link).unwrap();

        atomic_write(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(temporaries(&dir.join("real")), Vec::<String>::new());

        // A link to a file not yet there creates that file, not a file in the link's place.
        let dangling = dir.join("later.ron");
        symlink(dir.join("real").join("later.ron"), &dangling).unwrap();
        atomic_write(&dangling, b"made").unwrap();
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(dir.join("real").join("later.ron")).unwrap(),
            "made"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn devices_pipes_and_folders_are_refused() {
        use std::os::unix::fs::FileTypeExt;
        let dir = temp_dir("special");
        let fifo = dir.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = atomic_write(&fifo, b"x").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert!(e.to_string().contains("named pipe"), "{e}");
            assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        }
        let e = atomic_write(Path::new("/dev/null"), b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("a device"), "{e}");
        assert!(
            fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let folder = dir.join("folder");
        fs::create_dir(&folder).unwrap();
        let e = atomic_write(&folder, b"x").unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        assert!(folder.is_dir());
        assert_eq!(temporaries(&dir), Vec::<String>::new());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_long_file_name_is_saved() {
        let dir = temp_dir("long");
        let name = format!("{}.session.ron", "n".repeat(251 - ".session.ron".len()));
        assert_eq!(name.len(), 251);
        let path = dir.join(&name);
        atomic_write(&path, b"long").unwrap();
        atomic_write(&path, b"longer").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "longer");
        assert_eq!(temporaries(&dir), Vec::<String>::new());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_are_removed_and_live_ones_kept() {
        let dir = temp_dir("stale");
        // u32::MAX is above any process id the system hands out.
        let stale = dir.join(format!("{TEMP_PREFIX}{}-3{TEMP_SUFFIX}", u32::MAX));
        let live = dir.join(format!(
            "{TEMP_PREFIX}{}-7{TEMP_SUFFIX}",
            crate::platform::process_id()
        ));
        let other = dir.join(".notes.txt.tmp");
        for path in [&stale, &live, &other] {
            fs::write(path, "partial").unwrap();
        }
        if Path::new("/proc").is_dir() {
            assert_eq!(remove_stale_temporaries(&dir), 1);
            assert!(!stale.exists());
        }
        assert!(live.exists() && other.exists());
        // A save in the folder cleans up too.
        fs::write(&stale, "partial").unwrap();
        atomic_write(&dir.join("out.txt"), b"x").unwrap();
        assert_eq!(!stale.exists(), Path::new("/proc").is_dir());
        fs::remove_dir_all(&dir).unwrap();
    }
}
