//! The menu bar: files, views, help, where the game stands, and the theme switch.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, FilePurpose, Screen, Tab};
use super::reports::ReportAction;
use super::text::week_title;
use super::workbench::WorkbenchAction;
use crate::platform;
use crate::session::Session;

/// The menu bar.
pub fn menu_bar_ui(
    ui: &mut egui::Ui,
    session: &Session,
    recent: &[PathBuf],
    screen: Screen,
    history_early: bool,
    actions: &mut Vec<Action>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open…").clicked() {
                actions.push(Action::AskFile(FilePurpose::Open));
            }
            if ui.button("Open a path…").clicked() {
                actions.push(Action::FileWindow(Some(FilePurpose::Open)));
            }
            if !recent.is_empty() {
                ui.menu_button("Open recent", |ui| {
                    for path in recent {
                        if ui.button(path.display().to_string()).clicked() {
                            actions.push(Action::Open(path.clone()));
                        }
                    }
                });
            }
            if ui.button("New game on the built-in scenario").clicked() {
                actions.push(Action::OpenDefault);
            }
            if ui.button("Restart this scenario").clicked() {
                actions.push(Action::Restart);
            }
            ui.separator();
            if ui.button("Save").clicked() {
                actions.push(Action::Save);
            }
            if ui.button("Save as…").clicked() {
                actions.push(Action::AskFile(FilePurpose::Save));
            }
            ui.separator();
            if ui
                .button("Edit the scenario…")
                .on_hover_text("The author's workbench: the scenario's text, checked as you type")
                .clicked()
            {
                actions.push(Action::Workbench(WorkbenchAction::Open));
            }
            if ui.button("Recover an autosave…").clicked() {
                actions.push(Action::ShowRecover(true));
            }
            if ui.button("Export report…").clicked() {
                actions.push(Action::Report(ReportAction::AskExport));
            }
            if ui.button("Class debrief…").clicked() {
                actions.push(Action::Report(ReportAction::AskClass));
            }
            ui.separator();
            if platform::IN_BROWSER {
                if ui
                    .button("Forget the work kept in this browser")
                    .on_hover_text("For a shared computer: removes the autosaves and settings")
                    .clicked()
                {
                    actions.push(Action::ForgetBrowserStorage);
                }
            } else if ui.button("Quit").clicked() {
                actions.push(Action::Quit);
            }
        });
        ui.menu_button("View", |ui| {
            if ui.button("Briefing").clicked() {
                actions.push(Action::ShowBriefing);
            }
            for tab in [Tab::News, Tab::Indicators, Tab::Why, Tab::WhatIf] {
                if ui.button(tab.label()).clicked() {
                    actions.push(Action::Begin);
                    actions.push(Action::SetTab(tab));
                }
            }
            ui.separator();
            let mut early = history_early;
            let ruled = session.exercise().is_some();
            let response = ui
                .add_enabled(
                    !ruled,
                    egui::Checkbox::new(
                        &mut early,
                        "Show what was actually decided from the start",
                    ),
                )
                .on_hover_text(
                    "Off: the real decisions and their outcome appear only once the scenario \
                     is over, in the debrief, so that they do not decide for you.",
                )
                .on_disabled_hover_text("The exercise decides when this is shown.");
            if response.changed() {
                actions.push(Action::ShowHistoryEarly(early));
            }
        });
        super::student::class_menu_ui(ui, session, actions);
        if ui.button("Help").clicked() {
            actions.push(Action::ToggleHelp);
        }
        ui.separator();
        let model = session.model();
        label(ui, RichText::new(&model.scenario.title).strong());
        if screen == Screen::Play {
            label(ui, week_title(model, session.cursor()));
            label(ui, format!("branch “{}”", session.active_branch().name));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let dark = ui.visuals().dark_mode;
            let label = if dark { "Light theme" } else { "Dark theme" };
            if ui
                .button(label)
                .on_hover_text("Switch between the dark and the light theme (Ctrl+T).")
                .clicked()
            {
                actions.push(Action::ToggleTheme);
            }
            if screen == Screen::Play && ui.button("Briefing").clicked() {
                actions.push(Action::ShowBriefing);
            }
        });
    });
}
