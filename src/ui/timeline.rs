//! The timeline: the weeks played as steps (go back to any of them), undo, and the tree of
//! branches: switch, rename, and compare one with the active branch on the charts.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::charts::ChartView;
use super::text::short_date;
use crate::session::{Command, Session};

/// A branch name being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    pub branch: usize,
    /// The text typed so far.
    pub text: String,
    /// Give the name field the keyboard focus on the next frame.
    pub focus: bool,
}

/// The timeline panel.
pub fn timeline_ui(
    ui: &mut egui::Ui,
    session: &Session,
    charts: &ChartView,
    rename: &mut Option<Rename>,
    actions: &mut Vec<Action>,
) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        weeks_ui(ui, session, actions);
    });
    ui.add_space(2.0);
    ui.separator();
    branches_ui(ui, session, charts, rename, actions);
}

fn weeks_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    let turns = model.turns();
    let cursor = session.cursor();
    let played = session.played();
    label(ui, RichText::new("Weeks").strong());
    if ui
        .add_enabled(cursor > 0, egui::Button::new("Previous week"))
        .on_hover_text("Look at the week before (Alt+Left).")
        .clicked()
    {
        actions.push(Action::Session(Command::GoTo(cursor - 1)));
    }
    if ui
        .add_enabled(cursor < played, egui::Button::new("Next week"))
        .on_hover_text("Look at the week after (Alt+Right).")
        .clicked()
    {
        actions.push(Action::Session(Command::GoTo(cursor + 1)));
    }
    if ui
        .add_enabled(played > 0, egui::Button::new("Undo last week"))
        .on_hover_text("Take back the last week played on this branch (Ctrl+Z).")
        .clicked()
    {
        actions.push(Action::Session(Command::Undo));
    }
    ui.separator();
    egui::ScrollArea::horizontal()
        .id_salt("weeks")
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.x = 3.0;
            for t in 0..=turns {
                let text = if t == turns {
                    "End".to_string()
                } else {
                    (t + 1).to_string()
                };
                let name = if t == turns {
                    "End of the scenario".to_string()
                } else {
                    format!("Week {}", t + 1)
                };
                let state = if t < played {
                    let labels: Vec<&str> = session.active_branch().decisions[t]
                        .iter()
                        .map(|&c| model.scenario.choices[c].label.as_str())
                        .collect();
                    if labels.is_empty() {
                        "played, no new choices".to_string()
                    } else {
                        format!("played: {}", labels.join("; "))
                    }
                } else if t == played && t < turns {
                    "to be decided now".to_string()
                } else if t == turns {
                    "the final state".to_string()
                } else {
                    "not played yet".to_string()
                };
                let button = egui::Button::new(RichText::new(text).strong_if(t < played))
                    .selected(t == cursor)
                    .min_size(egui::vec2(30.0, 24.0));
                let response = ui
                    .add_enabled(t <= played, button)
                    .accessible_name(name.clone())
                    .on_hover_text(format!("{name}, {}: {state}", short_date(model.date(t))));
                if response.clicked() && t != cursor {
                    actions.push(Action::Session(Command::GoTo(t)));
                }
            }
        });
}

trait StrongIf {
    fn strong_if(self, strong: bool) -> Self;
}

impl StrongIf for RichText {
    fn strong_if(self, strong: bool) -> Self {
        if strong { self.strong() } else { self }
    }
}

/// Branches in tree order (each after its parent) with their depth.
pub fn branch_tree(session: &Session) -> Vec<(usize, usize)> {
    fn visit(session: &Session, b: usize, depth: usize, out: &mut Vec<(usize, usize)>) {
        out.push((b, depth));
        for (c, child) in session.branches().iter().enumerate() {
            if child.parent.map(|p| p.0) == Some(b) && c != b {
                visit(session, c, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    for (b, branch) in session.branches().iter().enumerate() {
        if branch.parent.is_none() {
            visit(session, b, 0, &mut out);
        }
    }
    out
}

fn branches_ui(
    ui: &mut egui::Ui,
    session: &Session,
    charts: &ChartView,
    rename: &mut Option<Rename>,
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    let turns = model.turns();
    ui.horizontal(|ui| {
        label(ui, RichText::new("Branches").strong());
        label(
            ui,
            RichText::new(
                "Go back to a week and choose differently to start a new branch. \
                 Tick compare to draw a branch on the charts.",
            )
            .small()
            .weak(),
        );
    });
    egui::ScrollArea::vertical()
        .id_salt("branches")
        .auto_shrink([false, true])
        .max_height(ui.available_height().max(40.0))
        .show(ui, |ui| {
            for (b, depth) in branch_tree(session) {
                let branch = &session.branches()[b];
                ui.horizontal(|ui| {
                    ui.add_space(depth as f32 * 18.0);
                    let active = b == session.active();
                    let editing = rename.as_ref().is_some_and(|r| r.branch == b);
                    if editing {
                        if let Some(Rename { text, focus, .. }) = rename.as_mut() {
                            let field = ui.add(
                                egui::TextEdit::singleline(text)
                                    .desired_width(160.0)
                                    .hint_text("branch name"),
                            );
                            let field =
                                field.accessible_name(format!("New name for “{}”", branch.name));
                            if std::mem::take(focus) {
                                field.request_focus();
                            }
                            let enter =
                                field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                            if ui.button("Save name").clicked() || enter {
                                actions
                                    .push(Action::Session(Command::RenameBranch(b, text.clone())));
                                actions.push(Action::EditBranchName(None));
                            }
                            if ui.button("Cancel").clicked() {
                                actions.push(Action::EditBranchName(None));
                            }
                        }
                    } else {
                        let response = ui
                            .selectable_label(active, RichText::new(&branch.name).strong_if(active))
                            .on_hover_text(if active {
                                "The branch being played."
                            } else {
                                "Switch to this branch."
                            });
                        if response.clicked() && !active {
                            actions.push(Action::Session(Command::SwitchBranch(b)));
                        }
                        if ui
                            .small_button("Rename")
                            .accessible_name(format!("Rename “{}”", branch.name))
                            .clicked()
                        {
                            actions.push(Action::EditBranchName(Some(b)));
                        }
                    }
                    let weeks = branch.decisions.len();
                    let mut info = if weeks >= turns {
                        "finished".to_string()
                    } else {
                        format!("{weeks} of {turns} weeks played")
                    };
                    if let Some((parent, week)) = branch.parent
                        && let Some(p) = session.branches().get(parent)
                    {
                        info.push_str(&format!(", from “{}” at week {}", p.name, week + 1));
                    }
                    label(ui, RichText::new(info).small());
                    if !active {
                        let mut on = charts.overlay == Some(b);
                        if ui
                            .checkbox(&mut on, "compare")
                            .accessible_name(format!("Compare “{}” on the charts", branch.name))
                            .on_hover_text("Draw this branch on the indicator charts, in orange.")
                            .changed()
                        {
                            actions.push(Action::SetOverlay(on.then_some(b)));
                        }
                    }
                });
            }
        });
}
