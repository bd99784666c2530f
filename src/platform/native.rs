//! The desktop: threads, the system file dialog, and files on disk.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

use super::GivenFile;

/// Whether analyses may run on threads of their own.
pub const THREADS: bool = true;

/// Whether the app runs in a browser (files are picked, dropped and downloaded, not named
/// by path).
pub const IN_BROWSER: bool = false;

/// Seconds since the app started, for timing slices of work.
pub fn now_seconds() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// The system file dialog, to open a file (`save` false) or save one. Blocks until the
/// user answers: call it off the UI thread. `None` when cancelled or when none could open.
pub fn file_dialog(
    save: bool,
    folder: Option<PathBuf>,
    file_name: Option<String>,
) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new();
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    if save {
        if let Some(name) = file_name {
            dialog = dialog.set_file_name(name);
        }
        dialog
            .set_title("Save the session")
            .add_filter("Sessions", &["ron"])
            .save_file()
    } else {
        dialog
            .set_title("Open a scenario or a session")
            .add_filter("Scenarios and sessions", &["ron"])
            .add_filter("All files", &["*"])
            .pick_file()
    }
}

/// In a browser, asks the user for files; on the desktop the system dialog does that.
pub fn pick_files() {}

/// Files given since the last call (in a browser; none on the desktop).
pub fn take_given_files() -> Vec<GivenFile> {
    Vec::new()
}

/// In a browser, offers `bytes` as a download named `name`.
pub fn download(name: &str, _bytes: &[u8]) -> Result<(), String> {
    Err(format!("{name}: downloads are for the app in a browser"))
}

/// The folder of the autosave: eframe's storage folder (e.g. `~/.local/share/sandtable`).
pub fn autosave_dir() -> Option<PathBuf> {
    eframe::storage_dir(crate::ui::APP_ID)
}

/// This run of the app, as the autosave marks it.
pub fn process_id() -> u32 {
    std::process::id()
}

/// Whether another process with this id is running (always false where that cannot be
/// checked, so a stale marker is taken for a crash).
pub fn process_running(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
}

/// In a browser, forgets everything the app keeps there; nothing to do on the desktop.
pub fn wipe_storage() -> usize {
    0
}

/// The autosave's files: on disk here, in the browser's storage on the web.
pub mod storage {
    use super::*;

    pub fn read_to_string(path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    /// Writes the file whole or not at all ([`crate::files::atomic_write`]).
    pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::files::atomic_write(path, bytes)
    }

    pub fn remove(path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }

    pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }

    pub fn exists(path: &Path) -> bool {
        path.exists()
    }

    pub fn modified(path: &Path) -> Option<SystemTime> {
        std::fs::metadata(path).and_then(|m| m.modified()).ok()
    }
}

/// The files dropped on the window, by path.
pub fn dropped_paths(files: &[eframe::egui::DroppedFileHandle]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| f.path().to_path_buf())
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

/// Whether the app's state should also be given as text ([`show_status`]): not on the
/// desktop, where AccessKit gives a screen reader every widget.
pub const SHOWS_STATUS: bool = false;

/// In a browser, puts the app's state in words on the page for screen readers.
pub fn show_status(_status: &str, _values: &str) {}
