//! Words and numbers as the player reads them: dates, weeks, quantities with units, and
//! what a ledger cause means. Every number the app paints is also written out with these,
//! so a screen reader can read it.

pub use crate::report::words::{amount, cost_text, with_unit};
use crate::scenario::{Date, Model, SlotKind, format_number};
use crate::sim::Cause;

/// The label of the button that plays the week (also what tests and screen readers press).
pub const COMMIT: &str = "Commit week";

/// The name of the switch, in menus and for screen readers.
pub const PRESENTER: &str = "Presenter mode";

/// The labels of `choices` (indices into the scenario's choices), in order.
pub fn choice_labels<'m>(model: &'m Model, choices: &[usize]) -> Vec<&'m str> {
    choices
        .iter()
        .map(|&c| model.scenario.choices[c].label.as_str())
        .collect()
}

/// `22 Jan`.
pub fn short_date(date: Date) -> String {
    let human = date.human();
    match human.rsplit_once(' ') {
        Some((day_month, _year)) => day_month.to_string(),
        None => human,
    }
}

/// The week being decided at `cursor`, e.g. `Week 3 of 18 · 29 Jan 2013`, or the end.
pub fn week_title(model: &Model, cursor: usize) -> String {
    let turns = model.turns();
    if cursor >= turns {
        format!("End of the scenario · {}", model.date(turns).human())
    } else {
        format!(
            "Week {} of {turns} · {}",
            cursor + 1,
            model.date(cursor).human()
        )
    }
}

/// A signed change: `+1,200`, `-0.05`.
pub fn signed(value: f64, precision: Option<usize>) -> String {
    let text = match precision {
        Some(p) => format_number(value.abs(), p),
        None => amount(value.abs()),
    };
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("-{text}")
    } else if value > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// What a slot is, in words: `Refugees in neighbouring countries`, `France: Political
/// resolve`, `France: position on “Canada's military involvement”`.
pub fn slot_label(model: &Model, slot: usize) -> String {
    let s = &model.scenario;
    match model.layout.kinds.get(slot) {
        Some(SlotKind::Indicator(i)) => s.indicators[*i].name.clone(),
        Some(SlotKind::Resource { actor, resource }) => format!(
            "{}: {}",
            s.actors[*actor].name, s.actors[*actor].resources[*resource].name
        ),
        Some(SlotKind::Position { actor, issue }) => format!(
            "{}: position on “{}”",
            s.actors[*actor].name, s.issues[*issue].name
        ),
        Some(SlotKind::Salience { actor, issue }) => format!(
            "{}: salience of “{}”",
            s.actors[*actor].name, s.issues[*issue].name
        ),
        Some(SlotKind::Approval(a)) => format!("{}: approval", s.actors[*a].name),
        Some(SlotKind::Policy(i)) => format!("Your policy on {}", s.issues[*i].name),
        Some(SlotKind::Pressure(i)) => format!("Pressure point of {}", s.issues[*i].name),
        _ => model.layout.names.get(slot).cloned().unwrap_or_default(),
    }
}

/// The unit of a slot, if it has one.
pub fn slot_unit(model: &Model, slot: usize) -> &str {
    let s = &model.scenario;
    match model.layout.kinds.get(slot) {
        Some(SlotKind::Indicator(i)) => &s.indicators[*i].unit,
        Some(SlotKind::Resource { actor, resource }) => &s.actors[*actor].resources[*resource].unit,
        _ => "",
    }
}

/// Display precision of a slot's values.
pub fn slot_precision(model: &Model, slot: usize) -> Option<usize> {
    match model.layout.kinds.get(slot) {
        Some(SlotKind::Indicator(i)) => Some(model.scenario.indicators[*i].precision as usize),
        Some(SlotKind::Position { .. } | SlotKind::Salience { .. }) => Some(2),
        _ => None,
    }
}

/// A slot's value with its unit: `2,300 soldiers`, `0.45 index 0-1`.
pub fn slot_value(model: &Model, slot: usize, value: f64) -> String {
    let number = match slot_precision(model, slot) {
        Some(p) => format_number(value, p),
        None => amount(value),
    };
    with_unit(number, slot_unit(model, slot))
}

/// What a ledger cause is, in words.
pub fn cause_label(model: &Model, cause: Cause) -> String {
    let s = &model.scenario;
    match cause {
        Cause::Cost { choice } => format!("Cost of your choice “{}”", s.choices[choice].label),
        Cause::Choice { choice, .. } => format!("Your choice “{}”", s.choices[choice].label),
        Cause::Event { event, .. } => format!("News: {}", s.events[event].title),
        Cause::Rule(crate::scenario::RuleOrigin::Dynamics(i)) => {
            let rule = &s.dynamics[i];
            if rule.description.is_empty() {
                format!("The world moves on ({})", rule.id)
            } else {
                rule.description.clone()
            }
        }
        Cause::Rule(crate::scenario::RuleOrigin::Actor { actor, rule }) => {
            let r = &s.actors[actor].rules[rule];
            let what = if r.description.is_empty() {
                r.id.clone()
            } else {
                r.description.clone()
            };
            format!("{}: {what}", s.actors[actor].name)
        }
        Cause::Bounds => "Held within its limits".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(amount(250.0), "250");
        assert_eq!(amount(4.2), "4.2");
        assert_eq!(amount(0.354), "0.35");
        assert_eq!(amount(147_000.4), "147,000");
        assert_eq!(signed(1200.0, Some(0)), "+1,200");
        assert_eq!(signed(-0.05, Some(2)), "-0.05");
        assert_eq!(signed(0.001, Some(1)), "0.0");
        assert_eq!(with_unit("5".into(), "%"), "5 %");
        assert_eq!(with_unit("1".into(), "points"), "1 point");
        assert_eq!(with_unit("+1".into(), "cases a week"), "+1 case a week");
        assert_eq!(with_unit("2".into(), "points"), "2 points");
        assert_eq!(with_unit("1".into(), "CAD M"), "1 CAD M");
        assert_eq!(with_unit("1".into(), "people"), "1 person");
        assert_eq!(with_unit("1".into(), "class"), "1 class");
    }

    #[test]
    fn dates_and_weeks() {
        let model = crate::scenario::default_model().unwrap();
        assert_eq!(short_date(model.date(1)), "22 Jan");
        assert_eq!(week_title(&model, 0), "Week 1 of 34 · 15 Jan 2013");
        assert!(week_title(&model, 34).starts_with("End of the scenario"));
    }
}
