//! Writing files safely: a save either replaces the old file whole or leaves it untouched.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

mod read;
pub use read::{ReadError, read_bounded};

/// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk,
/// then renamed over the target. On any failure (a full disk, a missing folder) the old file
/// is left as it was and the temporary file is removed.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole() {
        let dir = std::env::temp_dir().join(format!("sandtable-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        atomic_write(&path, b"first").unwrap();
        atomic_write(&path, b"second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = std::env::temp_dir().join(format!("sandtable-files-fail-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keep.txt");
        fs::write(&path, "old").unwrap();
        // Writing into a folder that does not exist fails before touching the target.
        assert!(atomic_write(&dir.join("missing").join("keep.txt"), b"new").is_err());
        // /dev/full reports a full disk on every write.
        if Path::new("/dev/full").exists() {
            let err = File::create("/dev/full")
                .and_then(|mut f| f.write_all(b"x").and_then(|_| f.sync_all()));
            assert!(err.is_err());
        }
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        fs::remove_dir_all(&dir).unwrap();
    }
}
