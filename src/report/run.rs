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

/// The trajectory as CSV: `turn,date`, every indicator, every actor's resources, positions
/// and saliences (on the issues it has a stance on), every issue's policy and pressure
/// point, then every actor's approval. Columns are named as expressions name them.
pub fn csv(model: &Model, run: &Run) -> String {
    let s = &model.scenario;
    let layout = &model.layout;
    let mut slots: Vec<usize> = (0..s.indicators.len())
        .map(|i| layout.indicator(i))
        .collect();
    for (a, _) in s.actors.iter().enumerate() {
        slots.extend(layout.resources[a].clone());
        for i in 0..s.issues.len() {
            if model.actors[a].has_stance[i] {
                slots.push(layout.position(a, i));
                slots.push(layout.salience(a, i));
            }
        }
    }
    for i in 0..s.issues.len() {
        slots.push(layout.policy(i));
        slots.push(layout.pressure(i));
    }
    slots.extend((0..s.actors.len()).map(|a| layout.approval(a)));
    let mut out = String::from("turn,date");
    for &slot in &slots {
        out.push(',');
        out.push_str(&super::words::csv_field(&layout.names[slot]));
    }
    out.push('\n');
    for t in 0..=run.turns.len() {
        let state = run.state(t);
        out.push_str(&format!("{t},{}", model.date(t)));
        for &slot in &slots {
            out.push_str(&format!(",{}", state[slot]));
        }
        out.push('\n');
    }
    out
}

/// What moved every quantity each turn, for an author checking a scenario: each changed
/// quantity (as expressions name it) with its change, then every cause of it by id, in the
/// order they acted.
pub fn ledger(model: &Model, run: &Run) -> String {
    use crate::scenario::RuleOrigin;
    use crate::sim::Cause;
    let s = &model.scenario;
    let layout = &model.layout;
    let precision = |slot: usize| match layout.kinds.get(slot) {
        Some(crate::scenario::SlotKind::Indicator(i)) => s.indicators[*i].precision as usize,
        _ => 3,
    };
    let cause = |c: Cause| match c {
        Cause::Cost { choice } => format!("cost of choice {}", s.choices[choice].id),
        Cause::Choice { choice, effect } => {
            format!("choice {} (effect {})", s.choices[choice].id, effect + 1)
        }
        Cause::Event { event, effect } => {
            format!("event {} (effect {})", s.events[event].id, effect + 1)
        }
        Cause::Rule(RuleOrigin::Dynamics(r)) => format!("rule {}", s.dynamics[r].id),
        Cause::Rule(RuleOrigin::Actor { actor, rule }) => format!(
            "rule {} of {}",
            s.actors[actor].rules[rule].id, s.actors[actor].id
        ),
        Cause::Bounds => "held within its bounds".to_string(),
    };
    let mut out = String::new();
    for (t, turn) in run.turns.iter().enumerate() {
        out.push_str(&format!(
            "{} ({})\n",
            model.turn_name(t),
            model.turn_dates(t)
        ));
        // Slots in the order they first changed, each with its causes.
        let mut order: Vec<usize> = Vec::new();
        for e in &turn.ledger {
            if !order.contains(&e.slot) {
                order.push(e.slot);
            }
        }
        if order.is_empty() {
            out.push_str("  nothing changed\n");
        }
        for slot in order {
            let p = precision(slot);
            let entries: Vec<_> = turn.ledger.iter().filter(|e| e.slot == slot).collect();
            let total: f64 = entries.iter().map(|e| e.delta).sum();
            out.push_str(&format!(
                "  {} {} (from {} to {})\n",
                layout.names[slot],
                super::words::signed(total, p),
                format_number(run.state(t)[slot], p),
                format_number(turn.state[slot], p)
            ));
            for e in entries {
                out.push_str(&format!(
                    "    {} {}\n",
                    super::words::signed(e.delta, p),
                    cause(e.cause)
                ));
            }
        }
    }
    out
}
