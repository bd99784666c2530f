//! The desktop: threads, the system file dialog, and files on disk.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use web_time::SystemTime;

use super::{Dialog, GivenFiles};

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

/// Opens the system file dialog on a thread of its own, so that the window keeps drawing;
/// the paths chosen (none when cancelled, or when no dialog could open) come through the
/// receiver, and `ctx` is woken then. `start` is the folder or file it starts at.
pub fn dialog(
    kind: Dialog,
    start: Option<PathBuf>,
    ctx: &eframe::egui::Context,
) -> Receiver<Vec<PathBuf>> {
    let (sender, receiver) = channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let _ = sender.send(run_dialog(kind, start));
        ctx.request_repaint();
    });
    receiver
}

fn run_dialog(kind: Dialog, start: Option<PathBuf>) -> Vec<PathBuf> {
    let mut dialog = rfd::FileDialog::new();
    let (folder, file_name) = match &start {
        Some(p) if p.is_dir() => (Some(p.clone()), None),
        Some(p) => (
            p.parent().map(Path::to_path_buf),
            p.file_name().map(|n| n.to_string_lossy().into_owned()),
        ),
        None => (None, None),
    };
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    if let Some(name) = file_name.filter(|_| matches!(kind, Dialog::SaveSession)) {
        dialog = dialog.set_file_name(name);
    }
    let chosen = match kind {
        Dialog::Open => dialog
            .set_title("Open a scenario or a session")
            .add_filter("Scenarios and sessions", &["ron"])
            .add_filter("All files", &["*"])
            .pick_file(),
        Dialog::SaveSession => dialog
            .set_title("Save the session")
            .add_filter("Sessions", &["ron"])
            .save_file(),
        Dialog::Sessions => {
            return dialog
                .set_title("Students' session files")
                .add_filter("Sessions", &["ron"])
                .pick_files()
                .unwrap_or_default();
        }
        Dialog::Folder(title) => dialog.set_title(title).pick_folder(),
        Dialog::SaveReport => dialog
            .set_title("Write the report to")
            .add_filter("Web page", &["html"])
            .add_filter("Markdown", &["md"])
            .add_filter("CSV", &["csv"])
            .save_file(),
    };
    chosen.into_iter().collect()
}

/// In a browser, asks the user for files; on the desktop the system dialog does that.
pub fn pick_files() {}

/// Files given since the last call (in a browser; none on the desktop).
pub fn take_given_files() -> Vec<GivenFiles> {
    Vec::new()
}

/// In a browser, offers `bytes` as a download named `name`.
pub fn download(name: &str, _bytes: &[u8]) -> Result<(), String> {
    Err(format!("{name}: downloads are for the app in a browser"))
}

/// The folder of the autosave: under eframe's storage folder (e.g.
/// `~/.local/share/sandtable/autosaves`).
pub fn autosave_dir() -> Option<PathBuf> {
    eframe::storage_dir(crate::ui::APP_ID).map(|d| d.join("autosaves"))
}

/// This run of the app, as the autosave's locks name it.
pub fn process_id() -> u32 {
    std::process::id()
}

/// Whether the run of the app with this id is still running
/// ([`crate::files::process_is_running`]).
pub fn process_running(pid: u32) -> bool {
    crate::files::process_is_running(pid)
}

/// In a browser, tells other pages this one still runs; nothing to do on the desktop,
/// where the system knows its processes.
pub fn heartbeat() {}

/// In a browser, forgets everything the app keeps there; nothing to do on the desktop.
pub fn wipe_storage() -> usize {
    0
}

/// The autosave's files: on disk here, in the browser's storage on the web.
pub mod storage {
    use super::*;
    use crate::scenario::FileError;

    /// The files in `dir`, by path (none if it cannot be read).
    pub fn list(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|files| files.flatten().map(|f| f.path()).collect())
            .unwrap_or_default()
    }

    pub fn read_to_string(path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    /// A session or other text file, within the limits every file opened is held to.
    pub fn read_text(path: &Path) -> Result<String, FileError> {
        crate::scenario::load::read_text(path)
    }

    /// Writes the file whole or not at all ([`crate::files::atomic_write`]), making its
    /// folder first.
    pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::files::atomic_write(path, bytes)
    }

    /// Makes a new file holding `bytes`; fails with [`io::ErrorKind::AlreadyExists`] if
    /// there is one, so that two apps never claim the same name.
    pub fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        io::Write::write_all(&mut file, bytes)
    }

    pub fn remove(path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
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
