//! The Explain section: what difference a choice makes (the same futures with and
//! without it, the change in each outcome and in each goal's chance), and what moves an
//! indicator (the ledger of causes averaged over the futures).

use eframe::egui::{self, RichText};

use super::jobs::EffectRow;
use super::widgets::{
    act, indicator_names, pick_ui, settings_ui, stale_note_ui, status_ui, table_ui,
};
use super::{Analysis, WhatIf, WhatIfAction};
use crate::session::Session;
use crate::ui::a11y::label;
use crate::ui::actions::Action;

/// The Explain section.
pub fn explain_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    let model = session.model();
    label(
        ui,
        RichText::new("What difference does a choice make?").heading(),
    );
    label(
        ui,
        "The same futures from this week, once with the choice and once without it, every \
         other choice as in the plan.",
    );
    settings_ui(ui, s, session, actions, true);
    let choice_name = |c: usize| model.scenario.choices[c].label.clone();
    egui::ComboBox::from_label("Choice to explain")
        .selected_text(s.explain_choice.map_or("Pick a choice".into(), choice_name))
        .width((ui.available_width() - 170.0).clamp(120.0, 320.0))
        .show_ui(ui, |ui| {
            for c in 0..model.scenario.choices.len() {
                if ui
                    .selectable_label(s.explain_choice == Some(c), choice_name(c))
                    .clicked()
                {
                    act(actions, WhatIfAction::ExplainChoice(c));
                }
            }
        });
    if s.explain_choice.is_some() {
        status_ui(ui, whatif, Analysis::Explain, actions);
        if let Some(e) = whatif.explain.result() {
            stale_note_ui(ui, whatif, Analysis::Explain);
            label(ui, RichText::new(&e.headline).strong());
            if let Some(reason) = &e.refusal {
                label(
                    ui,
                    RichText::new(format!(
                        "It cannot be taken this week ({reason}), so it makes no difference \
                         now."
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
            } else {
                outcome_effects_ui(ui, &e.outcome_rows);
                ui.add_space(6.0);
                goal_effects_ui(ui, &e.goal_rows);
            }
        }
    }

    ui.add_space(12.0);
    ui.separator();
    label(ui, RichText::new("What moves an indicator?").heading());
    label(
        ui,
        "The rules, choices and events that changed it, averaged over the futures.",
    );
    ui.horizontal_wrapped(|ui| {
        let names = indicator_names(model);
        if let Some(i) = pick_ui(
            ui,
            "Indicator explained",
            280.0,
            &names,
            s.explain_indicator,
        ) {
            act(actions, WhatIfAction::ExplainIndicator(i));
        }
        ui.add_space(12.0);
        let (first, last) = whatif.futures.result().map_or((0, model.turns()), |f| {
            (f.ensemble.start_turn, f.ensemble.turns)
        });
        let week_name = |w: Option<usize>| match w {
            Some(w) => format!("Week {} · {}", w + 1, model.date(w).human()),
            None => "Every week simulated".to_string(),
        };
        egui::ComboBox::from_label("Weeks explained")
            .selected_text(week_name(s.explain_week))
            .show_ui(ui, |ui| {
                for w in std::iter::once(None).chain((first..last).map(Some)) {
                    if ui
                        .selectable_label(s.explain_week == w, week_name(w))
                        .clicked()
                    {
                        act(actions, WhatIfAction::ExplainWeek(w));
                    }
                }
            });
    });
    status_ui(ui, whatif, Analysis::Futures, actions);
    match &whatif.breakdown {
        Some(b) => {
            label(ui, RichText::new(&b.title).strong());
            if b.rows.is_empty() {
                label(ui, "Nothing changed it in these weeks.");
            }
            for (cause, change) in &b.rows {
                ui.horizontal_top(|ui| {
                    ui.allocate_ui_with_layout(
                        egui::vec2(90.0, 0.0),
                        egui::Layout::right_to_left(egui::Align::Min),
                        |ui| {
                            ui.set_min_width(90.0);
                            label(ui, RichText::new(change).monospace());
                        },
                    );
                    ui.vertical(|ui| label(ui, cause));
                });
            }
        }
        None if !whatif.futures.is_busy() && whatif.futures.result().is_some() => {
            label(ui, "Pick a week among those simulated.");
        }
        None => {}
    }
}

/// Each outcome: its median without and with the choice, and the change run by run.
fn outcome_effects_ui(ui: &mut egui::Ui, rows: &[EffectRow]) {
    label(ui, RichText::new("Outcomes at the end").strong());
    label(
        ui,
        RichText::new(
            "The medians without and with the choice; the change is taken future by future, \
             in brackets the range of 9 futures in 10.",
        )
        .small()
        .weak(),
    );
    for row in rows {
        label(
            ui,
            format!(
                "{}: {} without, {} with. Change: {}.",
                row.name, row.without, row.with, row.change
            ),
        );
    }
}

fn goal_effects_ui(ui: &mut egui::Ui, rows: &[EffectRow]) {
    table_ui(ui, "choice_goals", 3, |ui| {
        for header in ["Chance of the goal", "Without / with", "Change"] {
            label(ui, RichText::new(header).strong());
        }
        ui.end_row();
        for row in rows {
            label(ui, &row.name);
            label(ui, format!("{} / {}", row.without, row.with));
            label(ui, &row.change);
            ui.end_row();
        }
    });
}
