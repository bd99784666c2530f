//! For authors: the workbench's actions, and the scenario file watched for changes made to
//! it elsewhere (live reload). A change reloads the scenario and replays the session's
//! decisions on it, saying what could not be kept; a change that does not load is shown
//! with its errors, and the game goes on with the version before.

use std::path::{Path, PathBuf};
use std::time::Duration;

use eframe::egui;
use web_time::SystemTime;

use super::SandtableApp;
use crate::platform;
use crate::scenario::{self, FileError};
use crate::session::{Dropped, Session};
use crate::ui::actions::Screen;
use crate::ui::notice::Notice;
use crate::ui::workbench::{Workbench, WorkbenchAction};

/// A scenario file watched for changes.
#[derive(Debug, Clone)]
pub struct Watch {
    pub path: PathBuf,
    modified: Option<SystemTime>,
    /// The file's text as last read or written by the app.
    text: String,
    /// When to look at the file next (the app's clock, in seconds).
    next: f64,
}

/// How often the watched file is looked at.
const WATCH_EVERY: f64 = 1.0;

fn modified(path: &Path) -> Option<SystemTime> {
    platform::storage::modified(path)
}

fn read(path: &Path) -> Result<String, FileError> {
    scenario::load::read_text(path)
}

/// What a replay on a new version of the scenario left out, as a notice's lines.
fn dropped_lines(dropped: &[Dropped]) -> Vec<String> {
    dropped.iter().map(ToString::to_string).collect()
}

impl SandtableApp {
    /// Watches `path` (a scenario file just opened), or stops watching.
    pub(super) fn watch_scenario(&mut self, path: Option<PathBuf>) {
        self.watch = path.filter(|_| !platform::IN_BROWSER).and_then(|path| {
            let text = read(&path).ok()?;
            Some(Watch {
                modified: modified(&path),
                path,
                text,
                next: 0.0,
            })
        });
    }

    /// The scenario file watched, if any.
    pub fn watched_scenario(&self) -> Option<&Path> {
        self.watch.as_ref().map(|w| w.path.as_path())
    }

    /// Looks at the watched file now and then; takes a change made to it.
    pub(super) fn poll_watch(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(watch) = &mut self.watch else {
            return;
        };
        if now < watch.next {
            return;
        }
        watch.next = now + WATCH_EVERY;
        ctx.request_repaint_after(Duration::from_secs_f64(WATCH_EVERY));
        self.check_watched_file();
    }

    /// Takes a change to the watched file, if there is one (live reload).
    pub fn check_watched_file(&mut self) {
        let Some(watch) = &mut self.watch else {
            return;
        };
        let stamp = modified(&watch.path);
        if stamp == watch.modified {
            return;
        }
        watch.modified = stamp;
        let Ok(text) = read(&watch.path) else {
            // Gone or being written: looked at again next time.
            watch.modified = None;
            return;
        };
        if text == watch.text {
            return;
        }
        let playing_it = self.session.model().source == watch.text;
        let path = watch.path.clone();
        watch.text = text.clone();
        let name = path.display().to_string();
        if let Some(workbench) = &mut self.view.workbench
            && workbench.path.as_deref() == Some(path.as_path())
        {
            if workbench.unsaved() {
                // The author's edits here are not replaced: the workbench asks.
                workbench.changed_on_disk = true;
                return;
            }
            workbench.take_from_disk(text.clone());
        }
        if !playing_it {
            return;
        }
        self.play_version(&name, &text, "changed on disk and is reloaded");
    }

    /// The game goes on with another version of its scenario: every branch replays its
    /// decisions on it. `why` says what happened, after the file's name.
    fn play_version(&mut self, name: &str, text: &str, why: &str) {
        let short = Path::new(name)
            .file_name()
            .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
        match self.session.rebased(name, text) {
            Ok((session, dropped)) => {
                self.retire_session();
                let path = self.session_path.clone();
                let screen = self.view.screen;
                self.replace_session(session, path);
                self.view.screen = screen;
                let mut notice = if dropped.is_empty() {
                    Notice::info(format!(
                        "{short} {why}: every decision of the session still applies."
                    ))
                } else {
                    Notice::info(format!(
                        "{short} {why}; what no longer fits it is left out:"
                    ))
                };
                notice.lines = dropped_lines(&dropped);
                self.view.notice = Some(notice);
                self.autosave();
            }
            Err(e) => {
                self.view.notice = Some(Notice::file_error(
                    format!("{short} {why}, but it does not load; the game goes on as it was"),
                    &e,
                ));
            }
        }
    }

    /// Carries out a workbench action.
    pub(super) fn workbench(&mut self, action: WorkbenchAction) {
        match action {
            WorkbenchAction::Open => {
                self.view.workbench_hidden = false;
                if self.view.workbench.is_none() {
                    let model = self.session.model();
                    let path = self.watch.as_ref().map(|w| w.path.clone());
                    self.view.workbench =
                        Some(Workbench::new(model.source.clone(), path, &model.file_name));
                }
            }
            WorkbenchAction::Close => {
                let kept = self.view.workbench.as_ref().is_some_and(Workbench::unsaved);
                if kept {
                    self.view.notice = Some(Notice::info(
                        "The workbench is closed with edits not saved: File > Edit the \
                         scenario… shows them again.",
                    ));
                    self.view.workbench_hidden = true;
                } else {
                    self.view.workbench = None;
                }
            }
            WorkbenchAction::Save => {
                let Some(workbench) = &self.view.workbench else {
                    return;
                };
                if platform::IN_BROWSER {
                    let name = Path::new(&workbench.path_field).file_name().map_or_else(
                        || "scenario.ron".into(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    self.view.notice =
                        Some(match platform::download(&name, workbench.text.as_bytes()) {
                            Ok(()) => Notice::info(format!(
                                "The scenario is saved as {name} in your downloads."
                            )),
                            Err(e) => Notice::error("The scenario was not saved", e),
                        });
                    return;
                }
                if let Some(path) = workbench.path.clone() {
                    self.save_scenario(path);
                }
            }
            WorkbenchAction::SaveTo(path) => {
                let replaces_another = self
                    .view
                    .workbench
                    .as_ref()
                    .is_some_and(|w| w.path.as_deref() != Some(path.as_path()))
                    && path.exists();
                if replaces_another {
                    self.view.notice = Some(Notice::error(
                        "The scenario was not saved",
                        format!(
                            "{} is another file already: choose a new name, or open that \
                             file to edit it",
                            path.display()
                        ),
                    ));
                } else {
                    self.save_scenario(path);
                }
            }
            WorkbenchAction::Play => {
                let Some(workbench) = &self.view.workbench else {
                    return;
                };
                let (name, text) = (workbench.name(), workbench.text.clone());
                self.play_version(&name, &text, "as written in the workbench is played");
                if self.view.screen == Screen::Briefing && self.session.cursor() > 0 {
                    self.view.screen = Screen::Play;
                }
            }
            WorkbenchAction::NewGame => {
                let Some(workbench) = &self.view.workbench else {
                    return;
                };
                let name = workbench.name();
                match scenario::load_str(&name, &workbench.text) {
                    Ok(mut model) => {
                        if let Some(file) = Path::new(&name).file_name() {
                            model.file_name = file.to_string_lossy().into_owned();
                        }
                        let path = workbench.path.clone();
                        self.new_game(
                            Session::new(model),
                            "start a new game on the edited scenario",
                        );
                        if path.is_some() && self.watch.is_none() {
                            self.watch_scenario(path);
                        }
                    }
                    Err(e) => {
                        self.view.notice =
                            Some(Notice::file_error("The scenario does not load", &e))
                    }
                }
            }
            WorkbenchAction::ReloadFromDisk => {
                let Some(path) = self.view.workbench.as_ref().and_then(|w| w.path.clone()) else {
                    return;
                };
                match read(&path) {
                    Ok(text) => {
                        if let Some(workbench) = &mut self.view.workbench {
                            workbench.take_from_disk(text);
                        }
                    }
                    Err(e) => {
                        self.view.notice = Some(Notice::file_error(
                            format!("Could not read {}", path.display()),
                            &e,
                        ))
                    }
                }
            }
            action @ (WorkbenchAction::Jump(_)
            | WorkbenchAction::Fix(_)
            | WorkbenchAction::Set { .. }
            | WorkbenchAction::Undo
            | WorkbenchAction::Redo
            | WorkbenchAction::Try(_)) => {
                if let Some(workbench) = &mut self.view.workbench {
                    workbench.apply(&action);
                }
            }
        }
    }

    /// Writes the workbench's text to `path`, whole or not at all.
    fn save_scenario(&mut self, path: PathBuf) {
        let Some(workbench) = &mut self.view.workbench else {
            return;
        };
        match crate::files::atomic_write(&path, workbench.text.as_bytes()) {
            Ok(()) => {
                workbench.saved_as(path.clone());
                let text = workbench.text.clone();
                self.view.notice = Some(Notice::info(format!(
                    "The scenario is saved to {}.",
                    path.display()
                )));
                match &mut self.watch {
                    Some(watch) if watch.path == path => {
                        watch.text = text;
                        watch.modified = modified(&path);
                    }
                    _ => self.watch_scenario(Some(path)),
                }
            }
            Err(e) => {
                self.view.notice = Some(Notice::error(
                    "The scenario was not saved",
                    format!("{}: {e}", path.display()),
                ))
            }
        }
    }
}
