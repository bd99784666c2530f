//! The question asked before the session is replaced (a new game, a restart, another file,
//! a recovered autosave, quitting) while it has work not saved to a file: Save, Don't save
//! or Cancel. Whatever the answer, the session being replaced stays in the autosave history.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::a11y::label;
pub use super::actions::UnsavedAnswer;
use super::actions::{Action, Screen};
use super::notice::Notice;
use super::text::week_title;
use crate::session::Session;

/// What replaces the session once the user has answered.
#[derive(Debug)]
pub enum Replacement {
    /// Another session takes its place.
    Session(Box<Incoming>),
    /// The app closes.
    Quit,
}

/// A session about to replace the current one.
#[derive(Debug)]
pub struct Incoming {
    pub session: Session,
    /// The file it was opened from, if it is a session file.
    pub path: Option<PathBuf>,
    /// The file to put first in the recent files (a scenario or a session).
    pub remember: Option<PathBuf>,
    pub screen: Screen,
    /// Shown once it has replaced the current session.
    pub notice: Option<Notice>,
    /// Whether it has work of its own not saved to any file (a recovered autosave).
    pub unsaved: bool,
    /// The autosave it comes from, which the user has now chosen.
    pub recovered: Option<PathBuf>,
    /// What the user is doing, for the question: "open class.session.ron".
    pub what: String,
}

impl Replacement {
    /// What the user is doing, for the question's title.
    fn what(&self) -> &str {
        match self {
            Replacement::Session(incoming) => &incoming.what,
            Replacement::Quit => "quit",
        }
    }
}

/// The modal question. `session` is the one with unsaved work.
pub fn unsaved_ui(
    ctx: &egui::Context,
    pending: &Replacement,
    session: &Session,
    actions: &mut Vec<Action>,
) {
    let modal = egui::Modal::new(egui::Id::unique("unsaved_work")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        label(
            ui,
            RichText::new(format!("Save this game before you {}?", pending.what()))
                .heading()
                .strong(),
        );
        ui.add_space(6.0);
        let model = session.model();
        label(
            ui,
            format!(
                "“{}” has changes that are not saved to a file ({}, branch “{}”).",
                model.scenario.title,
                week_title(model, session.cursor()),
                session.active_branch().name
            ),
        );
        label(
            ui,
            "If you do not save it, it is still kept among the autosaves (File > Recover \
             an autosave…).",
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                actions.push(Action::Unsaved(UnsavedAnswer::Save));
            }
            if ui.button("Don't save").clicked() {
                actions.push(Action::Unsaved(UnsavedAnswer::DontSave));
            }
            if ui.button("Cancel").clicked() {
                actions.push(Action::Unsaved(UnsavedAnswer::Cancel));
            }
        });
    });
    if modal.should_close() {
        actions.push(Action::Unsaved(UnsavedAnswer::Cancel));
    }
}
