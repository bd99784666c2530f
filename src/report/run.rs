//! One run as people and spreadsheets read it: a turn-by-turn account (what `sandtable
//! run` prints, and what the engine's golden test keeps) and a CSV of its trajectory.

use crate::scenario::{Model, format_number};
use crate::sim::Run;

/// A readable turn-by-turn account of a run.
pub fn summary(model: &Model, run: &Run, label: &str) -> String {
    let s = &model.scenario;
    let layout = &model.layout;
    let mut out = format!("{} — {label}, seed {}\n", s.title, run.seed);
    let indicators_line = |state: &[f64]| {
        s.indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                format!(
                    "{} {}",
                    ind.id,
                    model.format_indicator(i, state[layout.indicator(i)])
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "Start {}: {}\n",
        model.date(0),
        indicators_line(&run.initial)
    ));
    for (t, turn) in run.turns.iter().enumerate() {
        out.push_str(&format!(
            "\n{} ({})\n",
            model.turn_name(t),
            model.turn_dates(t)
        ));
        if turn.choices.is_empty() {
            out.push_str("  choices: none\n");
        }
        for &c in &turn.choices {
            out.push_str(&format!("  chose: {}\n", s.choices[c].label));
        }
        for fired in &turn.events {
            out.push_str(&format!(
                "  news: {}: {}\n",
                s.events[fired.event].title, fired.text
            ));
        }
        out.push_str(&format!("  {}\n", indicators_line(&turn.state)));
    }
    let last = run.last();
    if !s.outcomes.is_empty() {
        out.push_str("\nOutcomes\n");
        for (o, outcome) in s.outcomes.iter().enumerate() {
            let v = model.outcomes[o].eval(last, &mut crate::scenario::expr::NoDraws);
            out.push_str(&format!(
                "  {}: {} {}\n",
                outcome.name,
                format_number(v, outcome.precision as usize),
                outcome.unit
            ));
        }
    }
    if !s.goals.is_empty() {
        out.push_str("Goals\n");
        for (g, goal) in s.goals.iter().enumerate() {
            let met = model.goals[g].eval(last, &mut crate::scenario::expr::NoDraws) != 0.0;
            out.push_str(&format!(
                "  [{}] {}\n",
                if met { "met" } else { "missed" },
                goal.name
            ));
        }
    }
    for w in &run.warnings {
        out.push_str(&format!("warning (turn {}): {}\n", w.turn, w.message));
    }
    out
}

/// The trajectory as CSV: `turn,date,` every indicator, then every actor's approval.
pub fn csv(model: &Model, run: &Run) -> String {
    let s = &model.scenario;
    let layout = &model.layout;
    let mut out = String::from("turn,date");
    for ind in &s.indicators {
        out.push(',');
        out.push_str(&ind.id);
    }
    for actor in &s.actors {
        out.push_str(&format!(",{}.approval", actor.id));
    }
    out.push('\n');
    for t in 0..=run.turns.len() {
        let state = run.state(t);
        out.push_str(&format!("{t},{}", model.date(t)));
        for i in 0..s.indicators.len() {
            out.push_str(&format!(",{}", state[layout.indicator(i)]));
        }
        for a in 0..s.actors.len() {
            out.push_str(&format!(",{}", state[layout.approval(a)]));
        }
        out.push('\n');
    }
    out
}
