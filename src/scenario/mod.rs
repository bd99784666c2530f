//! Scenarios: the file format, loading and validation, and the compiled [`Model`] the
//! simulator runs.
//!
//! Every quantity of the world lives in one flat slot vector (see [`Layout`]); every
//! expression is compiled to a [`expr::Program`] that reads slots by index.

pub mod balance;
pub mod date;
pub mod diag;
pub mod expr;
pub mod lesson;
pub mod limits;
pub mod load;
pub mod model;
pub mod ron_errors;
pub mod spans;

use std::ops::Range;

pub use date::Date;
pub use diag::{Diagnostic, DiagnosticKind, FileError, FileErrorKind};
pub use load::{MAX_FILE_BYTES, MAX_NESTING, load_file, load_str};
pub use model::*;

use expr::Program;

/// The Mali 2013 scenario, embedded in the binary as the default.
pub const MALI_2013: &str = include_str!("../../scenarios/mali-2013.ron");
/// File name shown for the embedded scenario.
pub const MALI_2013_NAME: &str = "mali-2013.ron";

/// Loads the embedded default scenario.
pub fn default_model() -> Result<Model, FileError> {
    load_str(MALI_2013_NAME, MALI_2013)
}

/// A validated scenario, compiled for running.
#[derive(Debug, Clone)]
pub struct Model {
    /// The scenario as written.
    pub scenario: Scenario,
    /// The file's text, kept so a session can embed it unchanged.
    pub source: String,
    /// The file name it was loaded from.
    pub file_name: String,
    pub layout: Layout,
    pub issues: Vec<CompiledIssue>,
    pub actors: Vec<CompiledActor>,
    /// Dynamics first, then each actor's own rules.
    pub rules: Vec<CompiledRule>,
    /// Rule indices in the order they are applied: grouped by target, `Set` before
    /// `Multiply` before `Add`, then in file order.
    pub rule_order: Vec<usize>,
    /// Every rule's `when`, if it has one, then its value, rule by rule: what a turn
    /// evaluates on one state, with what they compute alike computed once.
    pub rule_programs: expr::Group,
    /// Per rule, where its `when` (if it has one) and its value are in `rule_programs`.
    pub rule_rows: Vec<(Option<usize>, usize)>,
    pub choices: Vec<CompiledChoice>,
    pub events: Vec<CompiledEvent>,
    pub outcomes: Vec<Program>,
    pub goals: Vec<Program>,
    /// Per reference path: choice indices per turn.
    pub paths: Vec<Vec<Vec<usize>>>,
    /// Parameter distributions, in slot order.
    pub parameters: Vec<Distribution>,
}

impl Model {
    /// The player's actor index.
    pub fn role(&self) -> usize {
        self.scenario
            .actors
            .iter()
            .position(|a| a.id == self.scenario.role)
            .unwrap_or(0)
    }

    /// Number of turns the player plays.
    pub fn turns(&self) -> usize {
        self.scenario.clock.turns as usize
    }

    /// The date of the state after `turn` turns.
    pub fn date(&self, turn: usize) -> Date {
        let clock = &self.scenario.clock;
        clock.start.plus_days(turn as i64 * clock.step_days as i64)
    }

    /// A turn as people count it, from 1, in the clock's unit: `Week 3`, `Day 12`, `Turn 4`.
    pub fn turn_name(&self, turn: usize) -> String {
        let mut unit = self.scenario.clock.unit().chars();
        let name: String = unit
            .next()
            .map(|first| first.to_uppercase().chain(unit).collect())
            .unwrap_or_default();
        format!("{name} {}", turn + 1)
    }

    /// The dates a turn covers, for people: one date for a daily turn, else `start to end`.
    pub fn turn_dates(&self, turn: usize) -> String {
        if self.scenario.clock.step_days == 1 {
            self.date(turn).to_string()
        } else {
            format!("{} to {}", self.date(turn), self.date(turn + 1))
        }
    }

    /// Index of a choice by id.
    pub fn choice_index(&self, id: &str) -> Option<usize> {
        self.scenario.choices.iter().position(|c| c.id == id)
    }

    /// Index of an indicator by id.
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        self.scenario.indicators.iter().position(|c| c.id == id)
    }

    /// Index of a reference path by id.
    pub fn path_index(&self, id: &str) -> Option<usize> {
        self.scenario.paths.iter().position(|p| p.id == id)
    }

    /// The decisions of a reference path, turn by turn (padded to the horizon).
    pub fn path_decisions(&self, id: &str) -> Option<Vec<Vec<usize>>> {
        self.path_index(id).map(|i| self.paths[i].clone())
    }

    /// Formats a value of an indicator with its precision.
    pub fn format_indicator(&self, indicator: usize, value: f64) -> String {
        let precision = self.scenario.indicators[indicator].precision as usize;
        format_number(value, precision)
    }
}

/// A number with thousands separators and `precision` decimals: `147,000`, `0.35`.
pub fn format_number(value: f64, precision: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{:.*}", precision, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// What a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Turn,
    Turns,
    Indicator(usize),
    Parameter(usize),
    Resource { actor: usize, resource: usize },
    Position { actor: usize, issue: usize },
    Salience { actor: usize, issue: usize },
    Approval(usize),
    Capability(usize),
    Policy(usize),
    Pressure(usize),
    Chosen(usize),
    TimesChosen(usize),
    Fired(usize),
}

/// Where every quantity lives in the state vector.
#[derive(Debug, Clone)]
pub struct Layout {
    pub kinds: Vec<SlotKind>,
    /// Lower and upper bound of each slot (infinite where there is none).
    pub bounds: Vec<(f64, f64)>,
    /// Each slot's name as written in expressions (`france.troops`).
    pub names: Vec<String>,
    pub indicators: Range<usize>,
    pub parameters: Range<usize>,
    /// Per actor, the first slot of its resources.
    pub resources: Vec<Range<usize>>,
    /// Position of actor `a` on issue `i` is at `positions + a * issues + i`.
    pub positions: usize,
    pub saliences: usize,
    pub approvals: usize,
    pub capabilities: usize,
    pub policies: usize,
    pub pressures: usize,
    pub chosen: usize,
    pub times_chosen: usize,
    pub fired: usize,
    pub issue_count: usize,
}

impl Layout {
    pub const TURN: usize = 0;
    pub const TURNS: usize = 1;

    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    pub fn indicator(&self, i: usize) -> usize {
        self.indicators.start + i
    }

    pub fn position(&self, actor: usize, issue: usize) -> usize {
        self.positions + actor * self.issue_count + issue
    }

    pub fn salience(&self, actor: usize, issue: usize) -> usize {
        self.saliences + actor * self.issue_count + issue
    }

    pub fn approval(&self, actor: usize) -> usize {
        self.approvals + actor
    }

    pub fn policy(&self, issue: usize) -> usize {
        self.policies + issue
    }

    pub fn pressure(&self, issue: usize) -> usize {
        self.pressures + issue
    }

    /// Whether effects and rules may write this slot.
    pub fn writable(&self, slot: usize) -> bool {
        matches!(
            self.kinds.get(slot),
            Some(
                SlotKind::Indicator(_)
                    | SlotKind::Resource { .. }
                    | SlotKind::Position { .. }
                    | SlotKind::Salience { .. }
            )
        )
    }
}

/// An issue, compiled.
#[derive(Debug, Clone)]
pub struct CompiledIssue {
    pub policy: Program,
}

/// An actor, compiled.
#[derive(Debug, Clone)]
pub struct CompiledActor {
    pub capability: Program,
    /// Whether the actor has a stance on each issue.
    pub has_stance: Vec<bool>,
}

/// Where a rule came from, for the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleOrigin {
    Dynamics(usize),
    Actor { actor: usize, rule: usize },
}

/// A rule, compiled.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub origin: RuleOrigin,
    pub target: usize,
    pub op: Op,
    pub value: Program,
    pub when: Option<Program>,
}

/// An effect, compiled.
#[derive(Debug, Clone)]
pub struct CompiledEffect {
    pub target: usize,
    pub op: Op,
    pub value: Program,
    pub delay: u32,
    pub duration: u32,
}

/// A choice, compiled.
#[derive(Debug, Clone)]
pub struct CompiledChoice {
    /// Index into the scenario's distinct groups.
    pub group: Option<usize>,
    pub condition: Option<Program>,
    /// (slot of the player's resource, amount).
    pub cost: Vec<(usize, f64)>,
    pub effects: Vec<CompiledEffect>,
    /// Events any of which must have fired before the choice is available.
    pub opened_by: Vec<usize>,
}

/// Part of a news text.
#[derive(Debug, Clone, PartialEq)]
pub enum TextPart {
    Literal(String),
    /// A value to interpolate, with its display precision.
    Value {
        slot: usize,
        precision: usize,
    },
}

/// An event, compiled.
#[derive(Debug, Clone)]
pub struct CompiledEvent {
    pub condition: Program,
    pub probability: Program,
    pub effects: Vec<CompiledEffect>,
    pub text: Vec<TextPart>,
}

/// The closest of `candidates` to `name`, if close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // A name longer than any id is no typo of one; measuring it would cost its length
    // squared for every candidate.
    if name.chars().nth(limits::MAX_ID_CHARS).is_some() {
        return None;
    }
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment), since that is the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["french_troops", "refugees", "idps"];
        assert_eq!(suggest("frenchtroops", names), Some("french_troops"));
        assert_eq!(suggest("refugee", names), Some("refugees"));
        assert_eq!(suggest("budget", names), None);
        assert_eq!(suggest("rian", ["rain", "luck"]), Some("rain"));
    }

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(format_number(147_000.4, 0), "147,000");
        assert_eq!(format_number(1234.567, 2), "1,234.57");
        assert_eq!(format_number(-1500.0, 0), "-1,500");
        assert_eq!(format_number(-0.001, 1), "0.0");
        assert_eq!(format_number(12.0, 0), "12");
    }
}
