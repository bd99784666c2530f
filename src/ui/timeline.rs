//! The timeline: the weeks played as steps (go back to any of them), the later weeks (plan
//! their choices for the What-if analyses), undo, and the tree of branches: switch, rename,
//! and compare one with the active branch on the charts.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::charts::ChartView;
use super::text::{choice_labels, short_date};
use super::whatif::widgets::{accent, edit_plan, planned_choices_ui};
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

/// The timeline panel. The user's own plan of the later weeks (the session's) is shown
/// and edited on the weeks not played yet.
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

/// The weeks as buttons: a week played (or the one being decided) is looked at when
/// clicked; a later week opens a menu to plan its choices ([`plan_menu_ui`]).
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
            super::layout::scrolls_sideways(ui);
            ui.spacing_mut().item_spacing.x = 3.0;
            for t in 0..=turns {
                week_button_ui(ui, session, t, actions);
            }
        });
}

/// One week's button (`t == turns` is the end of the scenario), with what was played or
/// is planned then in its hover text.
fn week_button_ui(ui: &mut egui::Ui, session: &Session, t: usize, actions: &mut Vec<Action>) {
    let model = session.model();
    let turns = model.turns();
    let cursor = session.cursor();
    let played = session.played();
    let plannable = played < t && t < turns;
    let planned = planned_labels(session, t);
    let (text, title) = if t == turns {
        ("End".to_string(), "End of the scenario".to_string())
    } else {
        ((t + 1).to_string(), format!("Week {}", t + 1))
    };
    let mut state = week_state(session, t);
    let blocked = blocked_plan(session, t);
    let mut name = match planned.len() {
        0 => title.clone(),
        1 => format!("{title}, 1 choice planned"),
        n => format!("{title}, {n} choices planned"),
    };
    if !blocked.is_empty() {
        name.push_str(&format!(", {} not possible then", blocked.len()));
    }
    if !planned.is_empty() {
        state.push_str(&format!("; planned: {}", planned.join("; ")));
    }
    if !blocked.is_empty() {
        state.push_str(&format!("; not possible then: {}", blocked.join("; ")));
    }
    if plannable {
        state.push_str(". Click to plan this week.");
    }
    // Played weeks stand out, later ones stay faint until something is planned.
    let number = RichText::new(text).strong_if(t < played);
    let number = if plannable && planned.is_empty() {
        number.weak()
    } else {
        number
    };
    let button = if planned.is_empty() {
        egui::Button::new(number)
    } else {
        let color = if blocked.is_empty() {
            accent(ui.visuals().dark_mode)
        } else {
            ui.visuals().warn_fg_color
        };
        let mark = if blocked.is_empty() { "•" } else { "!" };
        let marker = RichText::new(format!("{mark}{}", planned.len()))
            .small()
            .color(color);
        egui::Button::new((number, marker))
    };
    let response = ui
        .add_enabled(
            t <= played || plannable,
            button
                .selected(t == cursor)
                .min_size(egui::vec2(30.0, 24.0)),
        )
        .accessible_name(name)
        .on_hover_text(format!("{title}, {}: {state}", short_date(model.date(t))));
    if plannable {
        egui::Popup::menu(&response)
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
            .accessible_name(format!("Plan for week {}", t + 1))
            .show(|ui| plan_menu_ui(ui, session, t, actions));
    } else if response.clicked() && t != cursor {
        actions.push(Action::Session(Command::GoTo(t)));
    }
}

/// What a week is, in words: played (and with which choices), being decided, or ahead.
fn week_state(session: &Session, t: usize) -> String {
    let model = session.model();
    let turns = model.turns();
    let played = session.played();
    if t < played {
        let labels = choice_labels(model, &session.active_branch().decisions[t]);
        let text = if labels.is_empty() {
            "played, no new choices".to_string()
        } else {
            format!("played: {}", labels.join("; "))
        };
        match session.reason(session.active(), t) {
            Some(reason) => format!("{text}; why: “{reason}”"),
            None => text,
        }
    } else if t == played && t < turns {
        "to be decided now".to_string()
    } else if t == turns {
        "the final state".to_string()
    } else {
        "not played yet".to_string()
    }
}

/// The choices of the user's own plan in week `t`, if that week is one the plan covers
/// (after the week being decided).
fn planned_labels(session: &Session, t: usize) -> Vec<&str> {
    let model = session.model();
    if t <= session.cursor() || t >= model.turns() {
        return Vec::new();
    }
    choice_labels(model, session.plan().choices(t))
}

/// The choices planned in week `t` that cannot be taken then if the plan is followed, each
/// with the reason: `Fund AFISMA (Not before the week of 4 Mar 2013.)`.
fn blocked_plan(session: &Session, t: usize) -> Vec<String> {
    if t <= session.cursor() {
        return Vec::new();
    }
    let model = session.model();
    session
        .plan()
        .choices(t)
        .iter()
        .filter_map(|&c| match session.planned_availability(t, c) {
            Some(Err(refusal)) => Some(format!("{} ({refusal})", model.scenario.choices[c].label)),
            _ => None,
        })
        .collect()
}

/// The menu of a later week: a checkbox per choice of the scenario, and clearing the week.
/// Planning a choice makes the What-if analyses follow the user's own plan, and shows
/// that week in the What-if plan editor.
fn plan_menu_ui(ui: &mut egui::Ui, session: &Session, week: usize, actions: &mut Vec<Action>) {
    let model = session.model();
    let planned = session.plan().choices(week);
    label(
        ui,
        RichText::new(format!(
            "Plan week {} · {}",
            week + 1,
            model.date(week).human()
        ))
        .strong(),
    );
    planned_choices_ui(
        ui,
        session,
        week,
        |choice| format!("Week {}: plan “{choice}”", week + 1),
        actions,
    );
    ui.separator();
    if ui
        .add_enabled(!planned.is_empty(), egui::Button::new("Clear this week"))
        .accessible_name(format!("Clear the plan of week {}", week + 1))
        .clicked()
    {
        edit_plan(actions, week, Command::ClearPlannedWeek(week));
        ui.close();
    }
    label(
        ui,
        RichText::new("The What if tab simulates this plan.")
            .small()
            .weak(),
    );
}

trait StrongIf {
    fn strong_if(self, strong: bool) -> Self;
}

impl StrongIf for RichText {
    fn strong_if(self, strong: bool) -> Self {
        if strong { self.strong() } else { self }
    }
}

/// Branches in tree order (each after its parent) with their depth. Linear in the number
/// of branches and without recursion, so a session at the branch limit, even one long chain
/// of branches, costs little per frame.
pub fn branch_tree(session: &Session) -> Vec<(usize, usize)> {
    let branches = session.branches();
    let mut children = vec![Vec::new(); branches.len()];
    let mut roots = Vec::new();
    for (b, branch) in branches.iter().enumerate() {
        match branch.parent {
            Some((p, _)) if p != b && p < branches.len() => children[p].push(b),
            _ => roots.push(b),
        }
    }
    let mut out = Vec::with_capacity(branches.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|b| (b, 0)).collect();
    while let Some((b, depth)) = stack.pop() {
        out.push((b, depth));
        stack.extend(children[b].iter().rev().map(|&c| (c, depth + 1)));
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
    // Only the rows in view are laid out.
    let rows = branch_tree(session);
    egui::ScrollArea::vertical()
        .id_salt("branches")
        .auto_shrink([false, true])
        .max_height(ui.available_height().max(40.0))
        .show_rows(ui, ui.spacing().interact_size.y, rows.len(), |ui, shown| {
            for &(b, depth) in rows.get(shown).unwrap_or_default() {
                let branch = &session.branches()[b];
                ui.horizontal(|ui| {
                    ui.add_space(depth.min(12) as f32 * 18.0);
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
