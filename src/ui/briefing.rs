//! The briefing: what the crisis is, who the player is, the goals and the actors, and a
//! clear way to begin.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, FilePurpose};
use super::text::{amount, with_unit};
use crate::session::Session;

/// The briefing screen.
pub fn briefing_ui(
    ui: &mut egui::Ui,
    session: &Session,
    recent: &[PathBuf],
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    let s = &model.scenario;
    let role = model.role();
    egui::Panel::bottom("begin_bar").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let begin_text = if session.played() == 0 {
                "Begin"
            } else {
                "Back to the game"
            };
            let begin = ui
                .add(
                    egui::Button::new(
                        RichText::new(begin_text)
                            .size(20.0)
                            .strong()
                            .color(egui::Color32::WHITE),
                    )
                    .fill(egui::Color32::from_rgb(30, 110, 200))
                    .min_size(egui::vec2(160.0, 36.0)),
                )
                .on_hover_text("Start playing the first week (Enter).");
            if begin.clicked() {
                actions.push(Action::Begin);
            }
            ui.add_space(12.0);
            label(
                ui,
                format!(
                    "{} weeks, one turn a week, from {}.",
                    model.turns(),
                    model.date(0).human()
                ),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Open another scenario or session…").clicked() {
                    actions.push(Action::AskFile(FilePurpose::Open));
                }
                if !recent.is_empty() {
                    ui.menu_button("Recent files", |ui| {
                        for path in recent {
                            if ui.button(path.display().to_string()).clicked() {
                                actions.push(Action::Open(path.clone()));
                            }
                        }
                    });
                }
            });
        });
        ui.add_space(6.0);
    });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let width = ui.available_width().min(860.0);
                let margin = ((ui.available_width() - width) / 2.0).max(0.0);
                ui.horizontal(|ui| {
                    ui.add_space(margin);
                    ui.vertical(|ui| {
                        ui.set_max_width(width);
                        ui.add_space(8.0);
                        label(ui, RichText::new(&s.title).size(28.0).strong());
                        label(
                            ui,
                            RichText::new(format!(
                                "{} · {} weeks",
                                model.date(0).human(),
                                model.turns()
                            ))
                            .size(15.0),
                        );
                        if !s.summary.is_empty() {
                            ui.add_space(6.0);
                            label(ui, RichText::new(&s.summary).italics());
                        }
                        section(ui, "The situation");
                        for paragraph in s.briefing.split("\n\n").filter(|p| !p.trim().is_empty()) {
                            label(ui, paragraph.trim());
                            ui.add_space(4.0);
                        }
                        section(ui, "Your role");
                        let me = &s.actors[role];
                        label(ui, RichText::new(&me.name).strong());
                        label(ui, &me.description);
                        let start = session.run().state(0);
                        for (r, res) in me.resources.iter().enumerate() {
                            let value = start[model.layout.resources[role].start + r];
                            label(
                                ui,
                                format!("{}: {}", res.name, with_unit(amount(value), &res.unit)),
                            );
                        }
                        if !s.goals.is_empty() {
                            section(ui, "Your goals");
                            for goal in &s.goals {
                                if goal.description.is_empty() {
                                    label(ui, format!("• {}", goal.name));
                                } else {
                                    label(ui, format!("• {}: {}", goal.name, goal.description));
                                }
                            }
                        }
                        section(ui, "The actors at a glance");
                        egui::Grid::new("briefing_actors")
                            .num_columns(2)
                            .spacing([16.0, 6.0])
                            .striped(true)
                            .show(ui, |ui| {
                                for actor in &s.actors {
                                    label(ui, RichText::new(&actor.name).strong());
                                    label(ui, &actor.description);
                                    ui.end_row();
                                }
                            });
                        section(ui, "The issues");
                        for issue in &s.issues {
                            label(
                                ui,
                                format!(
                                    "• {}: from 0 ({}) to 1 ({}).",
                                    issue.name, issue.low, issue.high
                                ),
                            );
                        }
                        super::lesson::briefing_lesson_ui(ui, session);
                        ui.add_space(16.0);
                    });
                });
            });
    });
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(12.0);
    label(ui, RichText::new(title).size(19.0).strong());
    ui.add_space(2.0);
}
