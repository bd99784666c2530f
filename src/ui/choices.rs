//! This week's choices: grouped, each with its cost and description; those that cannot be
//! taken are greyed with the reason; the total cost of the selection against what the
//! player holds; and the Commit week button.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, Tab};
use super::text::{amount, cost_text, week_title, with_unit};
use super::whatif::WhatIfAction;
use crate::session::{Command, Session};

pub use super::text::COMMIT;

/// The label of the button that plays on to the next week with something new to decide.
pub const PLAY_ON: &str = "Play on to the next decision";

/// The choices panel.
pub fn choices_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    let s = &model.scenario;
    label(ui, RichText::new("This week's choices").heading());
    label(ui, week_title(model, session.cursor()));
    if !session.at_head() {
        label(
            ui,
            RichText::new(format!(
                "You are looking back at week {}. Commit the same choices to move on along \
                 this branch, or different ones to start a new branch from here.",
                session.cursor() + 1
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    egui::Panel::bottom("commit_bar")
        .resizable(false)
        .show(ui, |ui| commit_bar_ui(ui, session, actions));
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(ui, |ui| {
            if session.cursor() >= model.turns() {
                ui.add_space(8.0);
                label(ui, "The scenario is over: no more choices.");
                return;
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let mut groups: Vec<Option<&str>> = Vec::new();
                    for choice in &s.choices {
                        let g = choice.group.as_deref();
                        if !groups.contains(&g) {
                            groups.push(g);
                        }
                    }
                    for group in groups {
                        let members: Vec<usize> = (0..s.choices.len())
                            .filter(|&c| s.choices[c].group.as_deref() == group)
                            .collect();
                        ui.add_space(4.0);
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            let title = if group.is_some() && members.len() > 1 {
                                "Choose at most one of these:"
                            } else if group.is_some() {
                                "Choose this or not:"
                            } else {
                                "Choose any of these:"
                            };
                            label(ui, RichText::new(title).small().weak());
                            for c in members {
                                choice_ui(ui, session, c, actions);
                            }
                        });
                    }
                });
        });
}

fn choice_ui(ui: &mut egui::Ui, session: &Session, c: usize, actions: &mut Vec<Action>) {
    let model = session.model();
    let choice = &model.scenario.choices[c];
    let availability = session.availability(c);
    let selected = session.selection().contains(&c);
    // A selected choice can always be unselected.
    let enabled = availability.is_ok() || selected;
    // A toggle button (not a check box) so that screen readers, and tools driving them,
    // can press it by name like every other action; it looks like a check box.
    let mark = egui::IdSalt::new("mark");
    let button = egui::Button::selectable(
        selected,
        (
            egui::Atom::custom(mark, egui::vec2(16.0, 16.0)),
            RichText::new(&choice.label),
        ),
    )
    .wrap()
    .right_text("")
    .min_size(egui::vec2(ui.available_width(), 22.0));
    let atoms = ui.add_enabled_ui(enabled, |ui| button.atom_ui(ui)).inner;
    if let Some(rect) = atoms.rect(mark) {
        paint_check_box(ui, rect, selected, enabled);
    }
    let response = atoms.response.accessible_name(choice.label.clone());
    // The cost and the reason on the button itself, so that a screen reader has them even
    // when the lines below it are scrolled out of view.
    let mut spoken = format!("Cost: {}.", cost_text(model, c));
    if let Err(reason) = availability {
        spoken.push_str(&format!(" Not possible now: {reason}"));
    }
    ui.ctx()
        .accesskit_node_builder(response.id, |node| node.set_description(spoken));
    let description = if choice.description.is_empty() {
        choice.label.clone()
    } else {
        choice.description.clone()
    };
    let response = match availability {
        Ok(()) => response.on_hover_text(&description),
        Err(reason) => response
            .on_hover_text(format!("{description} Not possible now: {reason}"))
            .on_disabled_hover_text(format!("{description}\n\nNot possible now: {reason}")),
    };
    if response.clicked() {
        actions.push(Action::Session(Command::Toggle(c)));
    }
    ui.indent(("choice_details", c), |ui| {
        ui.horizontal_wrapped(|ui| {
            label(
                ui,
                RichText::new(format!("Cost: {}", cost_text(model, c))).small(),
            );
            // Same line as the cost, so the list of choices does not grow.
            if ui
                .link(RichText::new("What difference?").small())
                .accessible_name(format!("What difference does “{}” make?", choice.label))
                .on_hover_text(
                    "Simulate many futures from this week with and without this choice, \
                     and see how the outcomes and the chances of the goals change.",
                )
                .clicked()
            {
                actions.push(Action::WhatIf(WhatIfAction::ExplainChoice(c)));
            }
        });
        let planned = session.at_head() && session.plan().choices(session.cursor()).contains(&c);
        match availability {
            Err(reason) if planned => {
                label(
                    ui,
                    RichText::new(format!(
                        "In your plan for this week, but not possible now: {reason}"
                    ))
                    .small()
                    .color(ui.visuals().warn_fg_color),
                );
            }
            Err(reason) => {
                label(
                    ui,
                    RichText::new(reason.to_string()).small().italics().weak(),
                );
            }
            Ok(()) if planned => {
                label(
                    ui,
                    RichText::new(if selected {
                        "Ticked from your plan for this week."
                    } else {
                        "In your plan for this week."
                    })
                    .small()
                    .weak(),
                );
            }
            Ok(()) => {}
        }
    });
}

fn paint_check_box(ui: &egui::Ui, rect: egui::Rect, checked: bool, enabled: bool) {
    let visuals = ui.visuals();
    let color = if enabled {
        visuals.strong_text_color()
    } else {
        visuals.weak_text_color()
    };
    let rect = egui::Rect::from_center_size(rect.center(), egui::vec2(14.0, 14.0));
    let painter = ui.painter();
    painter.rect_stroke(
        rect,
        2.0,
        egui::Stroke::new(1.5, color),
        egui::StrokeKind::Inside,
    );
    if checked {
        painter.line(
            vec![
                egui::pos2(rect.left() + 3.0, rect.center().y),
                egui::pos2(rect.center().x - 1.0, rect.bottom() - 3.5),
                egui::pos2(rect.right() - 3.0, rect.top() + 3.0),
            ],
            egui::Stroke::new(2.0, color),
        );
    }
}

fn commit_bar_ui(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    let role = model.role();
    let me = &model.scenario.actors[role];
    let state = session.state();
    let cost = session.selection_cost();
    ui.add_space(4.0);
    if session.cursor() >= model.turns() {
        label(ui, "The scenario is over.");
        if ui.button("Open the debrief").clicked() {
            actions.push(Action::SetTab(Tab::Debrief));
        }
        ui.add_space(4.0);
        return;
    }
    label(ui, RichText::new("Cost of what you selected").strong());
    for (r, res) in me.resources.iter().enumerate() {
        let need = cost.get(&r).copied().unwrap_or(0.0);
        let have = state[model.layout.resources[role].start + r];
        let text = format!(
            "{}: {} of {}",
            res.name,
            amount(need),
            with_unit(amount(have), &res.unit)
        );
        if need > have + 1e-9 {
            label(ui, RichText::new(text).color(ui.visuals().error_fg_color));
        } else {
            label(ui, text);
        }
    }
    if let Err(refusal) = session.selection_check() {
        label(
            ui,
            RichText::new(format!("Cannot commit: {refusal}")).color(ui.visuals().error_fg_color),
        );
    }
    ui.add_space(4.0);
    super::student::reason_ui(ui, session, actions);
    let can = session.selection_check().is_ok();
    // Commit and play on side by side, so that the list of choices keeps its height.
    ui.horizontal(|ui| {
        let play_on_width = 78.0;
        let text = RichText::new(COMMIT).size(18.0).strong();
        let button = if can {
            egui::Button::new(text.color(egui::Color32::WHITE))
                .fill(egui::Color32::from_rgb(30, 110, 200))
        } else {
            egui::Button::new(text)
        }
        .min_size(egui::vec2(
            (ui.available_width() - play_on_width - ui.spacing().item_spacing.x).max(80.0),
            34.0,
        ));
        let response = ui
            .add_enabled(can, button)
            .on_hover_text("Play this week with the selected choices (Enter).");
        if response.clicked() {
            actions.push(Action::Session(Command::Commit));
        }
        let play_on = egui::Button::new(RichText::new("Play on »").strong())
            .min_size(egui::vec2(play_on_width, 34.0));
        if ui
            .add_enabled(can, play_on)
            .accessible_name(PLAY_ON)
            .on_hover_text(
                "Play on to the next decision: commit this week, then play the weeks after \
                 it with the choices of your plan (or none) until a week where something new \
                 can be decided, a choice that opens or one you planned (Ctrl+Enter).",
            )
            .clicked()
        {
            actions.push(Action::Session(Command::PlayOn));
        }
    });
    if !session.at_head() {
        let same = session
            .active_branch()
            .decisions
            .get(session.cursor())
            .is_some_and(|d| d.iter().copied().eq(session.selection().iter().copied()));
        label(
            ui,
            RichText::new(if same {
                "Same choices as before: moves on along this branch."
            } else {
                "Different choices: starts a new branch from this week."
            })
            .small(),
        );
    }
    ui.add_space(4.0);
}
