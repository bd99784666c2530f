//! The student's side of a class: the "why I chose this" line above Commit week, the
//! window asking who plays, the hand-in window, and the Class menu.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::classroom::{ClassAction, ClassView, HandIn, StudentForm, act, hand_in_file_name};
use crate::session::{Command, Session};

/// The accessible name of the reason field.
pub const REASON: &str = "Why I chose this";

/// The one line of reason for the week being decided, kept with it at Commit week.
pub fn reason_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    if session.cursor() >= session.model().turns() {
        return;
    }
    let mut text = session.draft_reason().to_string();
    let hint = if session.reasons_required() {
        "Why I chose this (required)"
    } else {
        "Why I chose this (optional)"
    };
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .hint_text(hint)
                .char_limit(300)
                .desired_width(ui.available_width()),
        )
        .accessible_name(REASON)
        .on_hover_text("One line on why you chose this, kept with the week for the debrief and for your teacher.");
    if response.changed() {
        actions.push(Action::Session(Command::SetReason(text.clone())));
    }
    if session.reasons_required() && text.trim().is_empty() {
        label(
            ui,
            RichText::new("Write a reason to commit this week.")
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
}

/// The name and group fields of a form.
fn student_fields_ui(ui: &mut egui::Ui, form: &mut StudentForm) {
    egui::Grid::new("student_fields")
        .num_columns(2)
        .show(ui, |ui| {
            label(ui, "Name:");
            let name = ui
                .add(egui::TextEdit::singleline(&mut form.name).char_limit(120))
                .accessible_name("Your name");
            if form.focus {
                name.request_focus();
                form.focus = false;
            }
            ui.end_row();
            label(ui, "Class or group:");
            ui.add(egui::TextEdit::singleline(&mut form.group).char_limit(60))
                .accessible_name("Class or group");
            ui.end_row();
        });
}

/// The window asking who plays (at the start of an exercise, or from the Class menu).
pub fn student_window_ui(ctx: &egui::Context, class: &mut ClassView, actions: &mut Vec<Action>) {
    let Some(form) = &mut class.student else {
        return;
    };
    let mut open = true;
    egui::Window::new("Who is playing?")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            label(
                ui,
                "Your name goes on your session file and on the report your teacher reads. \
                 Playing in a pair? Write both names.",
            );
            ui.add_space(4.0);
            student_fields_ui(ui, form);
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = !form.name.trim().is_empty();
                if ui.add_enabled(ok, egui::Button::new("Save name")).clicked() {
                    actions.push(Action::Session(Command::SetStudent(form.student())));
                    act(actions, ClassAction::AskStudent(false));
                }
                if ui.button("Later").clicked() {
                    act(actions, ClassAction::AskStudent(false));
                }
            });
        });
    if !open {
        act(actions, ClassAction::AskStudent(false));
    }
}

/// File > Hand in…: the student's name (if not given yet), the folder, and the file name.
pub fn hand_in_window_ui(
    ctx: &egui::Context,
    session: &Session,
    class: &mut ClassView,
    actions: &mut Vec<Action>,
) {
    let dialog_open = class.dialog_open();
    let Some(HandIn { form, folder, .. }) = &mut class.hand_in else {
        return;
    };
    let mut open = true;
    egui::Window::new("Hand in")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            label(
                ui,
                "Saves your whole session (every branch, your reasons and notes) as one file \
                 for your teacher: e-mail it or put it in the class's shared folder.",
            );
            ui.add_space(4.0);
            student_fields_ui(ui, form);
            ui.add_space(4.0);
            let in_browser = crate::platform::IN_BROWSER;
            if !in_browser {
                ui.horizontal(|ui| {
                    label(ui, "Folder");
                    ui.add(
                        egui::TextEdit::singleline(folder)
                            .desired_width(300.0)
                            .char_limit(1000),
                    )
                    .accessible_name("Folder to hand in to");
                    if ui
                        .add_enabled(!dialog_open, egui::Button::new("Choose…"))
                        .clicked()
                    {
                        act(actions, ClassAction::ChooseFolder);
                    }
                });
            }
            let student = form.student();
            let name = hand_in_file_name(
                (!student.name.trim().is_empty()).then_some(&student),
                &session.model().scenario.id,
            );
            label(
                ui,
                RichText::new(if in_browser {
                    format!("File: {name}, saved in your downloads")
                } else {
                    format!("File: {name}")
                })
                .small(),
            );
            let path = PathBuf::from(folder.trim()).join(&name);
            let taken = !in_browser && super::classroom::holds_other_work(&path, session);
            if taken {
                label(
                    ui,
                    RichText::new(
                        "A file of this name with other work in it is in the folder already.",
                    )
                    .small()
                    .color(ui.visuals().warn_fg_color),
                );
            }
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let ok = !form.name.trim().is_empty() && (in_browser || !folder.trim().is_empty());
                let (button, action): (_, fn(PathBuf) -> ClassAction) = if taken {
                    ("Replace it and hand in", ClassAction::HandInReplacing)
                } else {
                    ("Hand in now", ClassAction::HandIn)
                };
                if ui.add_enabled(ok, egui::Button::new(button)).clicked() {
                    actions.push(Action::Session(Command::SetStudent(form.student())));
                    act(actions, action(PathBuf::from(folder.trim())));
                }
                if ui.button("Cancel").clicked() {
                    act(actions, ClassAction::HandInWindow(false));
                }
            });
        });
    if !open {
        act(actions, ClassAction::HandInWindow(false));
    }
}

/// The Class menu: the student's name, hand-in, the lesson's glossary and the teacher's window.
pub fn class_menu_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    ui.menu_button("Class", |ui| {
        let who = match session.student() {
            Some(s) if s.group.is_empty() => format!("Student: {}…", s.name),
            Some(s) => format!("Student: {} ({})…", s.name, s.group),
            None => "Student name…".to_string(),
        };
        if ui.button(who).clicked() {
            act(actions, ClassAction::AskStudent(true));
        }
        if ui
            .button("Hand in…")
            .on_hover_text("Save the session for your teacher, named after you.")
            .clicked()
        {
            act(actions, ClassAction::HandInWindow(true));
        }
        ui.separator();
        if ui.button("For the teacher…").clicked() {
            act(actions, ClassAction::TeacherWindow(true));
        }
        if ui
            .button(format!("{} (F5)", super::text::PRESENTER))
            .on_hover_text("Large type for the projector, with the teacher's controls.")
            .clicked()
        {
            actions.push(Action::Begin);
            act(actions, ClassAction::TogglePresenter);
        }
    });
}
