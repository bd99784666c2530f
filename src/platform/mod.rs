//! What differs between the desktop and the browser, in one place: threads, the clock,
//! file dialogs, files the user hands the app, downloads, and where the autosave is kept.
//!
//! Both `native.rs` and `web.rs` give the same names; the rest of the app calls them and
//! does not ask where it runs. The web build is the same crate built for
//! `wasm32-unknown-unknown` (see `web/build.sh`).

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::*;

/// A file the user gave the app in the browser (picked, dropped on the page, or named in
/// the page's `?open=` link), by its name and text.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenFile {
    /// The file's name, or the link's path.
    pub name: String,
    /// Its text, or why it could not be read.
    pub text: Result<String, String>,
}

impl GivenFile {
    /// A dropped or picked file's bytes, which must be UTF-8 text.
    pub fn from_bytes(name: String, bytes: &[u8]) -> Self {
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
            format!("{name} is not a text file (scenarios and sessions are RON text)")
        });
        Self { name, text }
    }
}

/// Files given together (picked or dropped at once, or a link's file with the scenario it
/// names), to open as one: an exercise and its scenario, or a class's sessions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GivenFiles {
    pub files: Vec<GivenFile>,
}

impl GivenFiles {
    /// The (name, text) of every file that could be read.
    pub fn texts(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .filter_map(|f| Some((f.name.clone(), f.text.clone().ok()?)))
            .collect()
    }
}

/// What a system file dialog is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    /// A scenario, session or exercise to open.
    Open,
    /// Where to save the session.
    SaveSession,
    /// Students' session files, several at once.
    Sessions,
    /// A folder, with the dialog's title.
    Folder(&'static str),
    /// Where to write a report (`.html`, `.md` or `.csv`).
    SaveReport,
}

/// The key under which the browser keeps a file of the autosave folder.
pub fn storage_key(path: &std::path::Path) -> String {
    format!("{}:{}", crate::ui::APP_ID, path.display())
}
