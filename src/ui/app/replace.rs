//! Replacing the session without losing it: every new game, restart, file opened, autosave
//! recovered or quit goes through [`SandtableApp::replace`], which asks first when the
//! session has work not saved to a file, and puts the session being replaced in the
//! autosave history whatever the answer.

use std::path::{Path, PathBuf};

use eframe::egui;

use super::SandtableApp;
use crate::autosave::AutosaveStore;
use crate::platform::GivenFiles;
use crate::scenario::{self, FileErrorKind};
use crate::session::Session;
use crate::ui::actions::{Action, FilePurpose, Screen};
use crate::ui::confirm::{Incoming, Replacement, UnsavedAnswer};
use crate::ui::files::{self, Opened};
use crate::ui::notice::Notice;
use crate::ui::recover;
use crate::ui::reports::ReportAction;

impl SandtableApp {
    /// Whether the session has changed since it was last opened from or saved to a file
    /// (or, for a new game, since it began).
    pub fn has_unsaved_work(&self) -> bool {
        self.session.to_ron() != self.saved_text
    }

    /// The question asked before the session is replaced, while it is asked.
    pub fn pending_replacement(&self) -> Option<&Replacement> {
        self.view.confirm.as_ref()
    }

    /// Whether the app has agreed to close (the window may go).
    pub fn quitting(&self) -> bool {
        self.quit_confirmed
    }

    /// The autosave store, when the autosave is on.
    pub fn autosave_store(&self) -> Option<&AutosaveStore> {
        self.autosave.as_ref()
    }

    /// Replaces the session, asking first if it has unsaved work.
    pub(super) fn replace(&mut self, replacement: Replacement) {
        if self.has_unsaved_work() {
            self.view.confirm = Some(replacement);
        } else {
            self.carry_out(replacement);
        }
    }

    /// Replaces the session now: the old one goes to the autosave history first.
    fn carry_out(&mut self, replacement: Replacement) {
        self.retire_session();
        match replacement {
            Replacement::Quit => {
                self.quit_confirmed = true;
                if let Some(ctx) = &self.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Replacement::Session(incoming) => {
                let Incoming {
                    session,
                    path,
                    remember,
                    screen,
                    notice,
                    unsaved,
                    recovered,
                    what: _,
                } = *incoming;
                if let (Some(store), Some(recovered)) = (&self.autosave, &recovered) {
                    store.resolve(recovered);
                }
                self.saved_text = if unsaved {
                    String::new()
                } else {
                    session.to_ron()
                };
                // A scenario file opened as it is (not a session, not an exercise) is
                // watched for changes, for an author editing it elsewhere.
                let scenario_file = remember
                    .clone()
                    .filter(|_| path.is_none() && session.exercise().is_none());
                self.replace_session(session, path);
                self.view.screen = screen;
                self.view.notice = notice;
                if let Some(path) = remember {
                    files::remember(&mut self.prefs.recent, &path);
                }
                self.watch_scenario(scenario_file);
                if recovered.is_some() {
                    self.view.restore = None;
                    self.view.recover = None;
                    // The recovered session gets an autosave of its own at once.
                    self.autosave();
                }
            }
        }
    }

    /// The session is about to go: its last state is autosaved (when it has anything worth
    /// keeping) and its autosave released to the history.
    pub(super) fn retire_session(&mut self) {
        let keep = self.has_unsaved_work()
            || self
                .autosave
                .as_ref()
                .is_some_and(|store| store.current().is_some());
        if keep {
            self.autosave();
        }
        if let Some(store) = &mut self.autosave {
            store.release();
        }
    }

    /// The answer to the unsaved-work question.
    pub(super) fn answer_unsaved(&mut self, answer: UnsavedAnswer) {
        let Some(pending) = self.view.confirm.take() else {
            return;
        };
        match answer {
            UnsavedAnswer::Cancel => {}
            UnsavedAnswer::DontSave => self.carry_out(pending),
            UnsavedAnswer::Save => match self.session_path.clone() {
                Some(path) => {
                    if self.save_to(path) {
                        self.carry_out(pending);
                    }
                }
                None => {
                    self.after_save = Some(pending);
                    self.ask_file(FilePurpose::Save);
                }
            },
        }
    }

    /// Called after every save: a replacement waiting for it goes on.
    pub(super) fn saved(&mut self) {
        self.saved_text = self.session.to_ron();
        if let Some(pending) = self.after_save.take() {
            self.carry_out(pending);
        }
    }

    /// The window is being closed from outside (the window manager): a normal quit, asked
    /// about like any other.
    pub(super) fn close_requested(&mut self, ctx: &egui::Context) {
        if self.quit_confirmed {
            return;
        }
        if self.has_unsaved_work() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.view.confirm = Some(Replacement::Quit);
        } else {
            self.retire_session();
            self.quit_confirmed = true;
        }
    }

    /// Opens a scenario or a session file, to replace the session once the user agrees.
    pub(super) fn open(&mut self, path: &Path) {
        let (session, session_path, screen) = match files::open_path(path) {
            Ok(Opened::Scenario(session)) => (session, None, Screen::Briefing),
            Ok(Opened::Session(session)) => (session, Some(path.to_path_buf()), Screen::Play),
            Err(e) => {
                let notice = Notice::file_error(format!("Could not open {}", path.display()), &e);
                self.view.notice = Some(match e.kind {
                    FileErrorKind::NoLongerFits => notice.with_offer(
                        "Open the rest of the session",
                        Action::OpenRest(path.to_path_buf()),
                    ),
                    _ => notice,
                });
                return;
            }
        };
        self.view.file_window = None;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        self.replace(Replacement::Session(Box::new(Incoming {
            session,
            path: session_path,
            remember: Some(path.to_path_buf()),
            screen,
            notice: None,
            unsaved: false,
            recovered: None,
            what: format!("open {name}"),
        })));
    }

    /// Opens files given together in a browser: sessions for the class debrief when it
    /// asked for them (or when several sessions come at once), else the first exercise,
    /// scenario or session, with the scenario an exercise names found among the others.
    pub(super) fn open_given(&mut self, given: GivenFiles) {
        let texts = given.texts();
        let sessions = texts
            .iter()
            .filter(|(name, text)| {
                crate::files::is_file_of(Path::new(name), text, ".session.ron", "Session")
            })
            .count();
        if self.view.reports.class_wanted() || (sessions > 1 && sessions == given.files.len()) {
            self.apply(Action::Report(ReportAction::OpenClassGiven(texts)));
            return;
        }
        let main = given
            .files
            .iter()
            .find(|f| {
                f.text
                    .as_ref()
                    .is_ok_and(|t| crate::exercise::is_exercise(Path::new(&f.name), t))
            })
            .or_else(|| given.files.first());
        let Some(file) = main else { return };
        let text = match &file.text {
            Ok(text) => text,
            Err(message) => {
                self.view.notice = Some(Notice::error(
                    format!("Could not open {}", file.name),
                    message.clone(),
                ));
                return;
            }
        };
        let path = Path::new(&file.name);
        let (session, screen) = match files::open_text(path, text, Some(&texts)) {
            Ok(Opened::Scenario(session)) => (session, Screen::Briefing),
            Ok(Opened::Session(session)) => (session, Screen::Play),
            Err(e) => {
                let notice = Notice::file_error(format!("Could not open {}", file.name), &e);
                self.view.notice = Some(match e.kind {
                    FileErrorKind::NoLongerFits => notice.with_offer(
                        "Open the rest of the session",
                        Action::OpenGivenRest(file.name.clone(), text.clone()),
                    ),
                    _ => notice,
                });
                return;
            }
        };
        self.replace(Replacement::Session(Box::new(Incoming {
            session,
            path: None,
            remember: None,
            screen,
            notice: None,
            unsaved: false,
            recovered: None,
            what: format!("open {}", file.name),
        })));
    }

    /// Opens a session file without what no longer fits its scenario, once the user has
    /// seen what that is and asked for it. It is not tied to its file, so that saving does
    /// not overwrite what was left out.
    pub(super) fn open_rest(&mut self, path: PathBuf) {
        match crate::scenario::load::read_text(&path) {
            Ok(text) => self.open_rest_of(&path.display().to_string(), &text),
            Err(e) => {
                self.view.notice = Some(Notice::file_error(
                    format!("Could not open {}", path.display()),
                    &e,
                ))
            }
        }
    }

    /// [`Self::open_rest`] for the text of a session file named `name`.
    pub(super) fn open_rest_of(&mut self, name: &str, text: &str) {
        let (session, dropped) = match Session::from_ron_lenient(name, text) {
            Ok(opened) => opened,
            Err(e) => {
                self.view.notice = Some(Notice::file_error(format!("Could not open {name}"), &e));
                return;
            }
        };
        let mut notice = Notice::info(format!(
            "Opened {name} without what no longer fits its scenario:"
        ));
        notice.lines = dropped.iter().map(ToString::to_string).collect();
        notice
            .lines
            .push("Save it under a new name to keep the original file as it was.".into());
        let short = Path::new(name)
            .file_name()
            .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into());
        self.replace(Replacement::Session(Box::new(Incoming {
            session,
            path: None,
            remember: None,
            screen: Screen::Play,
            notice: Some(notice),
            unsaved: true,
            recovered: None,
            what: format!("open the rest of {short}"),
        })));
    }

    /// A new game on `model` (the built-in scenario, or this one again).
    pub(super) fn new_game(&mut self, session: Session, what: &str) {
        self.replace(Replacement::Session(Box::new(Incoming {
            session,
            path: None,
            remember: None,
            screen: Screen::Briefing,
            notice: None,
            unsaved: false,
            recovered: None,
            what: what.into(),
        })));
    }

    /// The built-in scenario, as a new game.
    pub(super) fn open_default(&mut self) {
        match scenario::default_model() {
            Ok(model) => self.new_game(Session::new(model), "start a new game"),
            Err(e) => {
                self.view.notice = Some(Notice::file_error(
                    "The built-in scenario does not load",
                    &e,
                ))
            }
        }
    }

    /// Opens an autosave (offered after a crash, or picked in File > Recover).
    pub(super) fn recover(&mut self, path: PathBuf) {
        let session = match AutosaveStore::load(&path) {
            Ok(session) => session,
            Err(e) => {
                self.view.notice = Some(Notice::file_error("The autosave could not be opened", &e));
                return;
            }
        };
        let what = format!("open the autosave of “{}”", session.model().scenario.title);
        self.replace(Replacement::Session(Box::new(Incoming {
            session,
            path: None,
            remember: None,
            screen: Screen::Play,
            notice: Some(Notice::info(
                "The autosaved session is open again. Save it to a file to keep it (Ctrl+S).",
            )),
            unsaved: true,
            recovered: Some(path),
            what,
        })));
    }

    /// The answer to the offer made after a crash.
    pub(super) fn restore_autosave(&mut self, restore: bool) {
        let Some(offer) = self.view.restore.clone() else {
            return;
        };
        if restore {
            // The offer stays up until the session is actually replaced.
            self.recover(offer.path);
        } else if let Some(store) = &self.autosave {
            self.view.restore = None;
            store.resolve(&offer.path);
            self.view.notice = Some(Notice::info(
                "The autosaved session is kept in File > Recover an autosave….",
            ));
        }
    }

    /// Shows or hides the list of autosaves.
    pub(super) fn show_recover(&mut self, show: bool) {
        self.view.recover = match (&self.autosave, show) {
            (Some(store), true) => Some(recover::recover_items(store)),
            (None, true) => Some(Vec::new()),
            (_, false) => None,
        };
    }

    /// Switches the autosave on with a store; the offer to restore a crashed run's session
    /// is shown in the app.
    pub(super) fn start_autosave(&mut self, store: AutosaveStore) {
        self.view.restore = files::restore_offer(&store);
        self.autosave = Some(store);
    }
}
