//! The classroom's state in the app: who the student is, handing in, the teacher's window,
//! and the actions for them. Panels queue [`ClassAction`]s inside [`Action::Class`]; the
//! app hands them to [`ClassView::apply`].

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};

use eframe::egui;

use super::actions::{Action, Tab};
pub use super::actions::{ClassAction, TimerAction};
use super::notice::Notice;
use crate::exercise::TabName;
use crate::platform;
use crate::session::{Session, Student};

/// The student's name and group as typed in a window, not yet set on the session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StudentForm {
    pub name: String,
    pub group: String,
    /// Give the name field the keyboard focus on the next frame.
    pub focus: bool,
}

impl StudentForm {
    pub fn new(session: &Session) -> Self {
        let student = session.student().cloned().unwrap_or_default();
        Self {
            name: student.name,
            group: student.group,
            focus: true,
        }
    }

    pub fn student(&self) -> Student {
        Student {
            name: self.name.clone(),
            group: self.group.clone(),
        }
    }
}

/// The hand-in window's state.
#[derive(Debug)]
pub struct HandIn {
    pub form: StudentForm,
    /// The folder typed or chosen.
    pub folder: String,
    /// The system's folder dialog, while it is open.
    dialog: Option<Receiver<Vec<PathBuf>>>,
}

/// The classroom windows' transient state.
#[derive(Debug, Default)]
pub struct ClassView {
    /// The window asking who plays, while open.
    pub student: Option<StudentForm>,
    pub hand_in: Option<HandIn>,
    pub teacher: bool,
    /// The folder of the last hand-in, offered again.
    pub last_folder: Option<PathBuf>,
    /// The week's countdown, in an exercise with a time limit.
    pub timer: Option<WeekTimer>,
    /// The presenter view (large type for the projector) and its controls.
    pub presenter: bool,
    /// Whether the student was asked for their name already.
    asked: bool,
}

/// The file a session is handed in as: `Lovelace-Ada-mali-2013.session.ron`.
pub fn hand_in_file_name(student: Option<&Student>, scenario_id: &str) -> String {
    let stem = student.map_or_else(|| "student".to_string(), Student::file_stem);
    let id = crate::session::sanitize(scenario_id);
    format!("{stem}-{id}.session.ron")
}

/// Whether `path` is a file with something else in it than this session as it is now
/// (handing in again what was handed in replaces nothing).
pub fn holds_other_work(path: &Path, session: &Session) -> bool {
    path.exists()
        && crate::scenario::load::read_text(path).map_or(true, |text| text != session.to_ron())
}

impl ClassView {
    /// Carries out an action; returns what to tell the user, if anything.
    pub fn apply(
        &mut self,
        action: ClassAction,
        session: &Session,
        ctx: Option<&egui::Context>,
    ) -> Option<Notice> {
        match action {
            ClassAction::AskStudent(open) => {
                self.student = open.then(|| StudentForm::new(session));
                None
            }
            ClassAction::HandInWindow(open) => {
                self.hand_in = open.then(|| HandIn {
                    form: StudentForm::new(session),
                    folder: self
                        .last_folder
                        .clone()
                        .or_else(default_folder)
                        .map(|f| f.display().to_string())
                        .unwrap_or_default(),
                    dialog: None,
                });
                None
            }
            ClassAction::ChooseFolder => {
                let (Some(window), Some(ctx)) = (&mut self.hand_in, ctx) else {
                    return None;
                };
                let start = PathBuf::from(&window.folder);
                let receiver = platform::dialog(
                    platform::Dialog::Folder("Choose the folder to hand in to"),
                    Some(start),
                    ctx,
                );
                window.dialog = Some(receiver);
                None
            }
            ClassAction::SetFolder(folder) => {
                if let Some(window) = &mut self.hand_in {
                    window.folder = folder.display().to_string();
                }
                None
            }
            ClassAction::HandIn(folder) => Some(self.hand_in(session, &folder, false)),
            ClassAction::HandInReplacing(folder) => Some(self.hand_in(session, &folder, true)),
            ClassAction::TeacherWindow(open) => {
                self.teacher = open;
                None
            }
            ClassAction::TogglePresenter => {
                self.presenter = !self.presenter;
                None
            }
            ClassAction::Timer(action) => {
                let now = ctx.map_or(0.0, |c| c.input(|i| i.time));
                if let Some(timer) = &mut self.timer {
                    match action {
                        TimerAction::Pause => {
                            timer.paused_at.get_or_insert(now);
                        }
                        TimerAction::Resume => {
                            if let Some(at) = timer.paused_at.take() {
                                timer.started += now - at;
                            }
                        }
                        TimerAction::Restart => {
                            timer.started = now;
                            timer.paused_at = None;
                        }
                    }
                }
                None
            }
        }
    }

    fn hand_in(&mut self, session: &Session, folder: &Path, replace: bool) -> Notice {
        if session.student().is_none() {
            return Notice::error(
                "Not handed in",
                "Write your name first: the file is named after you.",
            );
        }
        if platform::IN_BROWSER {
            let name = hand_in_file_name(session.student(), &session.model().scenario.id);
            return match platform::download(&name, session.to_ron().as_bytes()) {
                Ok(()) => {
                    self.hand_in = None;
                    Notice::info(format!(
                        "Handed in as {name} in your downloads: give that file to your teacher."
                    ))
                }
                Err(e) => Notice::error("Not handed in", e),
            };
        }
        if !folder.is_dir() {
            return Notice::error(
                "Not handed in",
                format!(
                    "{} is not a folder. Choose the folder your teacher gave you.",
                    folder.display()
                ),
            );
        }
        let path = folder.join(hand_in_file_name(
            session.student(),
            &session.model().scenario.id,
        ));
        if !replace && holds_other_work(&path, session) {
            return Notice::error(
                "Not handed in",
                format!(
                    "{} is there already, with other work in it: it is kept. Choose \
                     “Replace it and hand in” to replace it, or another folder.",
                    path.display()
                ),
            );
        }
        match session.save(&path) {
            Ok(()) => {
                self.hand_in = None;
                self.last_folder = Some(folder.to_path_buf());
                Notice::info(format!("Handed in as {}", path.display()))
            }
            Err(e) => Notice::error("Not handed in", e.to_string()),
        }
    }

    /// Takes the folder dialog's answer, if it has come.
    pub fn poll(&mut self) {
        let Some(window) = &mut self.hand_in else {
            return;
        };
        let Some(receiver) = &window.dialog else {
            return;
        };
        match receiver.try_recv() {
            Ok(chosen) => {
                if let Some(folder) = chosen.first() {
                    window.folder = folder.display().to_string();
                }
                window.dialog = None;
            }
            Err(TryRecvError::Disconnected) => window.dialog = None,
            Err(TryRecvError::Empty) => {}
        }
    }

    /// Whether the system's folder dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.hand_in.as_ref().is_some_and(|h| h.dialog.is_some())
    }

    /// Whether a classroom window wants the keyboard (so that Enter does not commit).
    pub fn modal(&self) -> bool {
        self.student.is_some() || self.hand_in.is_some()
    }
}

fn default_folder() -> Option<PathBuf> {
    let home = std::env::home_dir().filter(|h| h.is_dir())?;
    let documents = home.join("Documents");
    Some(if documents.is_dir() { documents } else { home })
}

/// Shorthand for panels.
pub fn act(actions: &mut Vec<Action>, action: ClassAction) {
    actions.push(Action::Class(action));
}

/// Whether the exercise shows `tab` now (every tab is shown outside an exercise).
pub fn tab_shown(session: &Session, tab: Tab) -> bool {
    let name = match tab {
        Tab::News | Tab::Debrief => return true,
        Tab::Indicators => TabName::Indicators,
        Tab::Why => TabName::Why,
        Tab::WhatIf => TabName::WhatIf,
    };
    session
        .exercise()
        .is_none_or(|e| e.tab_shown(name, session.cursor(), session.is_finished()))
}

/// Whether what was actually decided (the history line, the debrief's column) may be
/// shown now: as the exercise rules, or without one, once the scenario is over unless the
/// user asked to see it from the start (`early`).
pub fn history_shown(session: &Session, early: bool) -> bool {
    match session.exercise() {
        Some(e) => e
            .settings
            .history
            .at(session.cursor(), session.is_finished()),
        None => early || session.is_finished(),
    }
}

/// The week's countdown: the week it counts for and when it started (in the UI's seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekTimer {
    pub turn: usize,
    pub started: f64,
    /// Seconds already counted while paused.
    pub paused_at: Option<f64>,
}

impl WeekTimer {
    /// Seconds left of `minutes`, at `now`.
    pub fn left(&self, minutes: u32, now: f64) -> f64 {
        let at = self.paused_at.unwrap_or(now);
        f64::from(minutes) * 60.0 - (at - self.started)
    }
}

impl ClassView {
    /// At Begin: an exercise asks who plays, once.
    pub fn on_begin(&mut self, session: &Session) {
        if !self.asked && session.exercise().is_some() && session.student().is_none() {
            self.student = Some(StudentForm::new(session));
        }
        self.asked = true;
    }

    /// Starts the countdown when a new week comes up; returns the seconds left, if the
    /// exercise has a time limit.
    pub fn tick(&mut self, session: &Session, now: f64) -> Option<f64> {
        let minutes = session.exercise()?.settings.week_minutes;
        if minutes == 0 || !session.at_head() || session.is_finished() {
            return None;
        }
        let turn = session.cursor();
        let timer = self.timer.get_or_insert(WeekTimer {
            turn,
            started: now,
            paused_at: None,
        });
        if timer.turn != turn {
            *timer = WeekTimer {
                turn,
                started: now,
                paused_at: None,
            };
        }
        Some(timer.left(minutes, now))
    }
}

/// `4:05`, or `-0:30` past the limit.
pub fn clock_text(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "-" } else { "" };
    let s = seconds.abs().ceil() as u64;
    format!("{sign}{}:{:02}", s / 60, s % 60)
}

/// A bar over the play screen in an exercise: its title and the week's countdown.
pub fn exercise_bar_ui(
    ui: &mut egui::Ui,
    session: &Session,
    class: &mut ClassView,
    actions: &mut Vec<Action>,
) {
    let Some(exercise) = session.exercise() else {
        return;
    };
    let now = ui.input(|i| i.time);
    let left = class.tick(session, now);
    egui::Panel::top("exercise_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            super::a11y::label(ui, egui::RichText::new(&exercise.title).strong());
            if let Some(student) = session.student() {
                super::a11y::label(ui, format!("· {}", student.name));
            } else if ui.small_button("Write your name").clicked() {
                act(actions, ClassAction::AskStudent(true));
            }
            if let Some(left) = left {
                ui.separator();
                let text = if left > 0.0 {
                    egui::RichText::new(format!("Time left this week: {}", clock_text(left)))
                } else {
                    egui::RichText::new("Time is up for this week: commit your decision.")
                        .color(ui.visuals().error_fg_color)
                        .strong()
                };
                super::a11y::label(ui, text);
                if class.timer.is_some_and(|t| t.paused_at.is_none()) {
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(500));
                }
            }
        });
    });
}
