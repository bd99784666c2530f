//! Files from the app: opening scenarios and sessions, the system file dialog (with the
//! app's own file window when there is none), recent files, and the offer to restore a
//! session autosaved by a run that crashed (the autosaves themselves are
//! [`crate::autosave`]'s).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use web_time::{Instant, SystemTime};

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, FilePurpose};
use crate::autosave::AutosaveStore;
use crate::platform::Dialog;
use crate::scenario::{self, FileError, load};
use crate::session::{Dropped, Session};

/// Most recent files remembered.
pub const MAX_RECENT: usize = 8;

/// What a file turned out to be.
#[derive(Debug)]
pub enum Opened {
    /// A scenario: a new session at its first week.
    Scenario(Session),
    /// A saved session, where it was left.
    Session(Session),
}

/// Whether a file is a session (by its name, or by its first word for renamed files).
fn is_session(path: &Path, text: &str) -> bool {
    crate::files::is_file_of(path, text, ".session.ron", "Session")
}

/// Opens a scenario or a session file. Nothing outside is changed on error.
pub fn open_path(path: &Path) -> Result<Opened, FileError> {
    open_text(path, &load::read_text(path)?, None)
}

/// Opens the text of a scenario, session or exercise file named `path`. An exercise's
/// scenario is looked for among the files given with it (`beside`, by name, in a browser),
/// or else in the exercise's folder.
pub fn open_text(
    path: &Path,
    text: &str,
    beside: Option<&[(String, String)]>,
) -> Result<Opened, FileError> {
    let name = path.display().to_string();
    if crate::exercise::is_exercise(path, text) {
        let loaded = match beside {
            Some(beside) => crate::exercise::load_str_beside(&name, text, beside)?,
            None => crate::exercise::load_str(&name, text, path.parent())?,
        };
        let model = std::sync::Arc::new(loaded.model);
        return Ok(Opened::Scenario(Session::with_exercise(
            model,
            loaded.exercise,
        )));
    }
    if is_session(path, text) {
        Session::from_ron(&name, text).map(Opened::Session)
    } else {
        let mut model = scenario::load_str(&name, text)?;
        if let Some(file_name) = path.file_name() {
            model.file_name = file_name.to_string_lossy().into_owned();
        }
        Ok(Opened::Scenario(Session::new(model)))
    }
}

/// Opens a session file, leaving out what no longer fits its scenario; returns what was
/// left out too.
pub fn open_session_lenient(path: &Path) -> Result<(Session, Vec<Dropped>), FileError> {
    let text = load::read_text(path)?;
    Session::from_ron_lenient(&path.display().to_string(), &text)
}

/// Puts `path` first in the recent files.
pub fn remember(recent: &mut Vec<PathBuf>, path: &Path) {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| p != &path);
    recent.insert(0, path);
    recent.truncate(MAX_RECENT);
}

/// A suggested file name for saving a session.
pub fn suggested_session_path(session: &Session, current: Option<&Path>) -> PathBuf {
    if let Some(p) = current {
        return p.to_path_buf();
    }
    let id = &session.model().scenario.id;
    let dir = std::env::home_dir()
        .filter(|h| h.is_dir())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    dir.join(format!("{id}.session.ron"))
}

/// Adds `.session.ron` to a path typed without it.
pub fn with_session_extension(path: PathBuf) -> PathBuf {
    let name = path.to_string_lossy().to_lowercase();
    if name.ends_with(".ron") {
        path
    } else {
        let mut s = path.into_os_string();
        s.push(".session.ron");
        PathBuf::from(s)
    }
}

/// The system file dialog, run on its own thread so the window keeps drawing.
pub struct NativeDialog {
    purpose: FilePurpose,
    started: Instant,
    receiver: Receiver<Vec<PathBuf>>,
}

/// Whether a system file dialog can be expected to open: the desktop portal (over the
/// session bus) or zenity.
pub fn native_dialogs_available() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    let bus = std::env::var_os("XDG_RUNTIME_DIR").map(|d| PathBuf::from(d).join("bus"));
    if bus.is_some_and(|b| b.exists()) {
        return true;
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()))
}

/// A dialog that answers "nothing" faster than this did not open at all.
const TOO_FAST_TO_BE_A_CHOICE: Duration = Duration::from_millis(700);

impl NativeDialog {
    /// Opens the system dialog. `start` is the folder or file it starts at.
    pub fn spawn(purpose: FilePurpose, start: Option<PathBuf>, ctx: &egui::Context) -> Self {
        let kind = match purpose {
            FilePurpose::Open => Dialog::Open,
            FilePurpose::Save => Dialog::SaveSession,
        };
        let receiver = crate::platform::dialog(kind, start, ctx);
        Self {
            purpose,
            started: Instant::now(),
            receiver,
        }
    }

    /// What the dialog answered, once it has: `Ok(Some(action))` when a file was chosen,
    /// `Ok(None)` when cancelled, `Err(purpose)` when no dialog could be shown.
    pub fn poll(&self) -> Option<Result<Option<Action>, FilePurpose>> {
        match self.receiver.try_recv() {
            Ok(chosen) => match chosen.into_iter().next() {
                Some(path) => Some(Ok(Some(match self.purpose {
                    FilePurpose::Open => Action::Open(path),
                    FilePurpose::Save => Action::SaveTo(with_session_extension(path)),
                }))),
                None if self.started.elapsed() < TOO_FAST_TO_BE_A_CHOICE => Some(Err(self.purpose)),
                None => Some(Ok(None)),
            },
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(self.purpose)),
        }
    }
}

/// The app's own file window: a path field, the recent files, and a button for the system
/// dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct FileWindow {
    pub purpose: FilePurpose,
    pub path: String,
    /// Why this window is shown instead of the system dialog, if it is.
    pub message: Option<String>,
    /// Give the path field the keyboard focus on the next frame.
    pub focus: bool,
}

impl FileWindow {
    pub fn new(purpose: FilePurpose, path: String, message: Option<String>) -> Self {
        Self {
            purpose,
            path,
            message,
            focus: true,
        }
    }
}

/// Draws the file window; returns false when it should close.
pub fn file_window_ui(
    ctx: &egui::Context,
    window: &mut FileWindow,
    recent: &[PathBuf],
    native: bool,
    actions: &mut Vec<Action>,
) {
    let title = match window.purpose {
        FilePurpose::Open => "Open a file",
        FilePurpose::Save => "Save the session",
    };
    let mut open = true;
    egui::Window::new(title)
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(520.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            if let Some(message) = &window.message {
                label(ui, RichText::new(message).color(ui.visuals().warn_fg_color));
                ui.add_space(4.0);
            }
            let prompt = match window.purpose {
                FilePurpose::Open => "Path of a scenario (.ron) or a session (.session.ron):",
                FilePurpose::Save => "Save the session as (.session.ron):",
            };
            let prompt = label(ui, prompt);
            let field = ui.add(
                egui::TextEdit::singleline(&mut window.path)
                    .desired_width(f32::INFINITY)
                    .hint_text("/home/you/mali.session.ron"),
            );
            let field = field.labelled_by(prompt.id);
            if std::mem::take(&mut window.focus) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                let go = match window.purpose {
                    FilePurpose::Open => "Open this file",
                    FilePurpose::Save => "Save to this file",
                };
                let path = window.path.trim();
                let clicked = ui
                    .add_enabled(!path.is_empty(), egui::Button::new(go))
                    .clicked();
                if (clicked || entered) && !path.is_empty() {
                    let path = expand_home(path);
                    actions.push(match window.purpose {
                        FilePurpose::Open => Action::Open(path),
                        FilePurpose::Save => Action::SaveTo(with_session_extension(path)),
                    });
                }
                if native && ui.button("Browse…").clicked() {
                    actions.push(Action::AskFile(window.purpose));
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::FileWindow(None));
                }
            });
            if window.purpose == FilePurpose::Open && !recent.is_empty() {
                ui.separator();
                label(ui, RichText::new("Recent files").strong());
                for path in recent {
                    let name = path.display().to_string();
                    if ui.button(&name).clicked() {
                        actions.push(Action::Open(path.clone()));
                    }
                }
            }
        });
    if !open {
        actions.push(Action::FileWindow(None));
    }
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => std::env::home_dir().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None => PathBuf::from(path),
    }
}

/// The autosave store's folder: `$XDG_DATA_HOME/sandtable/autosaves` (or the platform's
/// equivalent).
pub fn default_autosave_dir() -> Option<PathBuf> {
    crate::platform::autosave_dir()
}

/// The offer to restore a session that a crashed run of the app autosaved.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreOffer {
    /// The autosave file.
    pub path: PathBuf,
    /// What it holds, e.g. "Mali 2013: one plane, or more?, week 5 of 18".
    pub description: String,
    pub saved: Option<SystemTime>,
    /// How many other crashed sessions wait in File > Recover.
    pub more: usize,
}

/// The newest session left by a crash that can be read, if any.
pub fn restore_offer(store: &AutosaveStore) -> Option<RestoreOffer> {
    let crashed = store.crashed();
    let more = crashed.len().saturating_sub(1);
    crashed.iter().find_map(|entry| {
        let (summary, session) = AutosaveStore::summary(entry).ok()?;
        Some(RestoreOffer {
            path: entry.path.clone(),
            description: format!(
                "{}, {}",
                summary.scenario,
                super::text::week_title(session.model(), summary.cursor)
            ),
            saved: entry.saved,
            more,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_told_from_scenarios() {
        assert!(is_session(Path::new("a.session.ron"), ""));
        assert!(is_session(
            Path::new("a.ron"),
            "// saved\nSession(\n format: 1"
        ));
        assert!(!is_session(Path::new("a.ron"), "Scenario(format: 1"));
    }

    #[test]
    fn recent_files_are_unique_and_bounded() {
        let mut recent = Vec::new();
        for i in 0..12 {
            remember(&mut recent, Path::new(&format!("/tmp/{i}.ron")));
        }
        remember(&mut recent, Path::new("/tmp/5.ron"));
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent[0], Path::new("/tmp/5.ron"));
        assert_eq!(recent.iter().filter(|p| p.ends_with("5.ron")).count(), 1);
    }

    #[test]
    fn session_paths_get_their_extension() {
        assert_eq!(
            with_session_extension(PathBuf::from("/tmp/x")),
            PathBuf::from("/tmp/x.session.ron")
        );
        assert_eq!(
            with_session_extension(PathBuf::from("/tmp/x.session.ron")),
            PathBuf::from("/tmp/x.session.ron")
        );
    }
}
