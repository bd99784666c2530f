//! Explain: what difference a choice makes (the same futures with and without it, the
//! change in each outcome and in each goal's chance), and what moves an indicator (the
//! ledger of causes averaged over the futures).

use std::collections::BTreeMap;

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::compare::{difference_text, points_text};
use super::text::{cause_label, signed, with_unit};
use super::whatif::act;
use super::whatif::{
    self, Analysis, Basis, WhatIf, WhatIfAction, outcome_value, percent, settings_ui,
    stale_note_ui, status_ui,
};
use super::worker::JobError;
use crate::scenario::{Model, format_number};
use crate::session::Session;
use crate::sim::Cause;
use crate::sim::analysis::{ChoiceEffect, explain_choice};
use crate::sim::ensemble::{Bands, Control, Ensemble};

/// The inputs of a choice's explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainRequest {
    /// The futures from this week.
    pub basis: Basis,
    pub choice: usize,
    /// The plan in words.
    pub plan_name: String,
}

/// One row of an explanation: without the choice, with it, and the change.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectRow {
    pub name: String,
    pub without: String,
    pub with: String,
    pub change: String,
}

/// A choice's explanation, ready to show.
#[derive(Debug, Clone)]
pub struct ChoiceExplained {
    pub effect: ChoiceEffect,
    pub headline: String,
    /// Why the choice cannot be taken this week, if it cannot.
    pub refusal: Option<String>,
    pub outcome_rows: Vec<EffectRow>,
    pub goal_rows: Vec<EffectRow>,
}

/// Runs the paired ensembles with and without the choice.
pub fn run_explain_choice(
    request: &ExplainRequest,
    control: Control<'_>,
) -> Result<ChoiceExplained, JobError> {
    let basis = &request.basis;
    let model = &*basis.model;
    let start = basis.start()?;
    let effect = explain_choice(
        &start,
        &basis.plan,
        request.choice,
        &basis.options(Bands::None, false),
        &control,
    )?;
    let outcome_rows = model
        .scenario
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, outcome)| EffectRow {
            name: outcome.name.clone(),
            without: outcome_value(model, o, effect.without().outcomes[o].p50),
            with: outcome_value(model, o, effect.with().outcomes[o].p50),
            change: difference_text(model, o, &effect.outcome_changes()[o]),
        })
        .collect();
    let goal_rows = model
        .scenario
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| EffectRow {
            name: goal.name.clone(),
            without: percent(effect.without().goals[g]),
            with: percent(effect.with().goals[g]),
            change: points_text(effect.goal_changes()[g]),
        })
        .collect();
    let choice = &model.scenario.choices[request.choice].label;
    let headline = format!(
        "Taking “{choice}” in week {} ({}), against not taking it, in the same {} simulated \
         futures; otherwise: {}.",
        effect.turn + 1,
        model.date(effect.turn).human(),
        format_number(basis.runs as f64, 0),
        request.plan_name.to_lowercase()
    );
    Ok(ChoiceExplained {
        refusal: effect.refusal.as_ref().map(|r| r.to_string()),
        effect,
        headline,
        outcome_rows,
        goal_rows,
    })
}

/// What moved an indicator, averaged over the futures.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub title: String,
    /// Each cause in words with its mean change, largest first.
    pub rows: Vec<(String, String)>,
}

/// The mean change of `indicator` by cause over `week` (a turn index), or over every
/// week simulated; `None` without an averaged ledger.
pub fn breakdown(
    model: &Model,
    ensemble: &Ensemble,
    indicator: usize,
    week: Option<usize>,
) -> Option<Breakdown> {
    let ledger = ensemble.ledger.as_ref()?;
    let ind = model.scenario.indicators.get(indicator)?;
    let (first, last) = match week {
        Some(w) if (ensemble.start_turn..ensemble.turns).contains(&w) => (w, w + 1),
        Some(_) => return None,
        None => (ensemble.start_turn, ensemble.turns),
    };
    let mut sums: BTreeMap<Cause, f64> = BTreeMap::new();
    for t in first..last {
        for (cause, delta) in ledger.breakdown(t, indicator) {
            *sums.entry(cause).or_insert(0.0) += delta;
        }
    }
    let mut causes: Vec<(Cause, f64)> = sums.into_iter().filter(|(_, d)| *d != 0.0).collect();
    causes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let precision = Some(ind.precision as usize);
    let value = |v: f64| with_unit(format_number(v, ind.precision as usize), &ind.unit);
    // Among very many futures only some indicators are banded: no means to show then.
    let means = ensemble
        .band(indicator, first)
        .zip(ensemble.band(indicator, last))
        .map(|(before, after)| (before.mean, after.mean));
    let when = match week {
        Some(w) => format!(
            "in week {} ({} to {})",
            w + 1,
            model.date(w).human(),
            model.date(w + 1).human()
        ),
        None => format!(
            "from {} to {}",
            model.date(first).human(),
            model.date(last).human()
        ),
    };
    let runs = format_number(ensemble.runs as f64, 0);
    let title = match means {
        Some((before, after)) => format!(
            "{} {when}, on average over {runs} futures: from {} to {}.",
            ind.name,
            value(before),
            value(after)
        ),
        None => format!("{} {when}, on average over {runs} futures.", ind.name),
    };
    Some(Breakdown {
        title,
        rows: causes
            .into_iter()
            .map(|(cause, d)| (cause_label(model, cause), signed(d, precision)))
            .collect(),
    })
}

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
        .width(320.0)
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
        status_ui(
            ui,
            &whatif.explain.status(),
            Analysis::Explain,
            "Explaining the choice",
            actions,
        );
        if let Some(e) = whatif.explain.result() {
            stale_note_ui(ui, whatif.explain.is_current(), true);
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
        let names = whatif::indicator_names(model);
        if let Some(i) = whatif::pick_ui(
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
    status_ui(
        ui,
        &whatif.futures.status(),
        Analysis::Futures,
        "Simulating futures",
        actions,
    );
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
    egui::Grid::new("choice_goals")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ensemble::{Options, Plan, Start, run_ensemble};

    #[test]
    fn an_indicator_breakdown_adds_up_to_its_mean_change() {
        let model = crate::scenario::default_model().unwrap();
        let overrides = vec![None; model.parameters.len()];
        let start = Start::beginning(&model, 3, &overrides);
        let options = Options {
            runs: 64,
            threads: 1,
            ledger: true,
            ..Options::default()
        };
        let plan = Plan::path(&model, "history").unwrap();
        let e = run_ensemble(&start, &plan, &options, &Control::default()).unwrap();
        let refugees = model.indicator_index("refugees").unwrap();
        let all = breakdown(&model, &e, refugees, None).unwrap();
        assert!(
            all.title
                .starts_with("Refugees in neighbouring countries from 15 Jan 2013")
        );
        assert!(!all.rows.is_empty());
        // The causes' mean changes add up to the change of the mean.
        let ledger = e.ledger.as_ref().unwrap();
        let total: f64 = (0..e.turns)
            .flat_map(|t| ledger.breakdown(t, refugees))
            .map(|(_, d)| d)
            .sum();
        let change = e.band(refugees, e.turns).unwrap().mean - e.band(refugees, 0).unwrap().mean;
        assert!(
            (total - change).abs() < 1e-6 * change.abs().max(1.0),
            "{total} {change}"
        );
        let week = breakdown(&model, &e, refugees, Some(2)).unwrap();
        assert!(week.title.contains("in week 3 (29 Jan 2013 to 5 Feb 2013)"));
        assert!(breakdown(&model, &e, refugees, Some(99)).is_none());
    }
}
