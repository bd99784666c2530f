//! The simulator: one run of a scenario, a turn at a time.
//!
//! A run is a pure function of (model, parameter values, seed, decisions). [`Sim`] steps a
//! run; [`run`] plays a whole decision sequence and records every turn; the ensemble module
//! runs many futures at once.
//!
//! Rules on numbers that go wrong: division by zero yields 0; a value that is not finite
//! leaves its target unchanged and a warning is kept in the run's log; a value outside its
//! target's bounds is clamped, the clamp appearing in the ledger as `Bounds`.

pub mod analysis;
pub mod balance;
mod batch;
pub mod ensemble;
pub mod params;
pub mod rng;
pub mod slices;
mod turn;

use std::fmt;

use crate::scenario::expr::{NoDraws, Program};
use crate::scenario::{Layout, Model, RuleOrigin, TextPart, format_number};

pub use params::{Overrides, draw_parameters};
use rng::{LazyStream, Purpose, RunKey};
use turn::{Ledger, Lockstep};

/// Choice indices taken on each turn.
pub type Decisions = Vec<Vec<usize>>;

/// What changed a value, for "why did this change".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// The cost of a choice.
    Cost { choice: usize },
    /// An effect of a choice (possibly chosen on an earlier turn).
    Choice { choice: usize, effect: usize },
    /// An effect of an event.
    Event { event: usize, effect: usize },
    /// A dynamics rule or an actor's rule.
    Rule(RuleOrigin),
    /// Clamping to the target's bounds.
    Bounds,
}

/// One change in the ledger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LedgerEntry {
    pub slot: usize,
    pub cause: Cause,
    pub delta: f64,
}

/// An event that fired, with its rendered text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub event: usize,
    pub text: String,
}

/// Something odd the run did to keep going.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub turn: usize,
    pub message: String,
}

/// Most warnings kept per run.
const MAX_WARNINGS: usize = 100;

/// Why choices were refused. The state is unchanged when a turn is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The run is over.
    Finished,
    /// No choice has this index.
    Unknown(usize),
    /// The same choice twice in one turn.
    Repeated(usize),
    /// Not available now, with the reason shown to the player.
    Unavailable { choice: usize, reason: String },
    /// Two choices of one group.
    Conflict {
        first: usize,
        second: usize,
        group: String,
    },
    /// The player does not hold enough of a resource.
    Unaffordable {
        resource: String,
        need: f64,
        have: f64,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Finished => write!(f, "the scenario is over"),
            Refusal::Unknown(c) => write!(f, "there is no choice number {c}"),
            Refusal::Repeated(_) => write!(f, "a choice can be taken once a turn"),
            Refusal::Unavailable { reason, .. } => write!(f, "{reason}"),
            Refusal::Conflict { group, .. } => {
                write!(
                    f,
                    "only one choice of the group \"{group}\" can be taken in a turn"
                )
            }
            Refusal::Unaffordable {
                resource,
                need,
                have,
            } => write!(
                f,
                "not enough {resource}: needs {}, holds {}",
                format_number(*need, 1),
                format_number(*have, 1)
            ),
        }
    }
}

/// A turn as played.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRecord {
    /// Choices taken, in index order.
    pub choices: Vec<usize>,
    pub events: Vec<Fired>,
    pub ledger: Vec<LedgerEntry>,
    /// The state after the turn.
    pub state: Vec<f64>,
}

/// A whole run, recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub seed: u64,
    /// Parameter values used.
    pub parameters: Vec<f64>,
    pub initial: Vec<f64>,
    pub turns: Vec<TurnRecord>,
    pub warnings: Vec<Warning>,
}

impl Run {
    /// The state after `turn` turns (0 is the initial state).
    pub fn state(&self, turn: usize) -> &[f64] {
        if turn == 0 {
            &self.initial
        } else {
            &self.turns[(turn - 1).min(self.turns.len().saturating_sub(1))].state
        }
    }

    /// The latest state.
    pub fn last(&self) -> &[f64] {
        self.turns.last().map_or(&self.initial, |t| &t.state)
    }

    /// A slot's value at every state, initial included.
    pub fn series(&self, slot: usize) -> Vec<f64> {
        std::iter::once(&self.initial)
            .chain(self.turns.iter().map(|t| &t.state))
            .map(|s| s[slot])
            .collect()
    }

    /// The decisions taken so far.
    pub fn decisions(&self) -> Decisions {
        self.turns.iter().map(|t| t.choices.clone()).collect()
    }
}

/// Plays `decisions` from the start, recording every turn.
pub fn run(
    model: &Model,
    seed: u64,
    overrides: &Overrides,
    decisions: &[Vec<usize>],
) -> Result<Run, (usize, Refusal)> {
    run_injected(model, seed, overrides, decisions, &Injects::new())
}

/// Events forced to fire, by turn (0-based): an exercise's injects.
pub type Injects = std::collections::BTreeMap<usize, Vec<usize>>;

/// Plays `decisions` from the start with `injects` fired at their turns, recording every
/// turn.
pub fn run_injected(
    model: &Model,
    seed: u64,
    overrides: &Overrides,
    decisions: &[Vec<usize>],
    injects: &Injects,
) -> Result<Run, (usize, Refusal)> {
    let mut sim = Sim::new(model, RunKey::new(seed, 0), overrides);
    sim.record = true;
    let initial = sim.state().to_vec();
    let mut turns = Vec::with_capacity(decisions.len());
    for (t, choices) in decisions.iter().enumerate() {
        if let Some(events) = injects.get(&t) {
            sim.inject(events);
        }
        sim.step(choices).map_err(|r| (t, r))?;
        turns.push(sim.take_record());
    }
    Ok(Run {
        seed,
        parameters: sim.parameters().to_vec(),
        initial,
        turns,
        warnings: std::mem::take(&mut sim.warnings),
    })
}

/// One run in progress. Cloning it branches the run: both go on from the same state.
#[derive(Clone)]
pub struct Sim<'m> {
    /// The run's numbers: one lane, played by the turn every run plays.
    runs: Lockstep<'m, 1>,
    key: RunKey,
    /// The stream of the phase being played, opened by the turn.
    stream: LazyStream,
    fired_now: Vec<usize>,
    /// Events forced to fire on the next turn.
    injected: Vec<usize>,
    parameters: Vec<f64>,
    /// Whether to keep the ledger and render news texts.
    pub record: bool,
    ledger: Vec<LedgerEntry>,
    events: Vec<Fired>,
    choices: Vec<usize>,
    pub warnings: Vec<Warning>,
}

impl<'m> Sim<'m> {
    /// Starts a run: parameters drawn (or overridden), initial values set, stances derived.
    pub fn new(model: &'m Model, key: RunKey, overrides: &Overrides) -> Self {
        let layout = &model.layout;
        let s = &model.scenario;
        let mut runs = Lockstep::new(model, 1, None);
        let state = &mut runs.state;
        state[Layout::TURNS] = model.turns() as f64;
        for (i, ind) in s.indicators.iter().enumerate() {
            state[layout.indicator(i)] = ind.initial;
        }
        let parameters = draw_parameters(model, &key, overrides);
        state[layout.parameters.clone()].copy_from_slice(&parameters);
        for (a, actor) in s.actors.iter().enumerate() {
            for (r, res) in actor.resources.iter().enumerate() {
                state[layout.resources[a].start + r] = res.initial;
            }
            for (i, issue) in s.issues.iter().enumerate() {
                if let Some(stance) = actor.stances.get(&issue.id) {
                    state[layout.position(a, i)] = stance.position;
                    state[layout.salience(a, i)] = stance.salience;
                } else {
                    state[layout.position(a, i)] = 0.5;
                }
            }
        }
        runs.derive();
        Self {
            runs,
            key,
            stream: key.lazy_stream(Purpose::Effects, 0),
            fired_now: Vec::with_capacity(s.events.len()),
            injected: Vec::new(),
            parameters,
            record: false,
            ledger: Vec::new(),
            events: Vec::new(),
            choices: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn model(&self) -> &'m Model {
        self.runs.model
    }

    /// The current state.
    pub fn state(&self) -> &[f64] {
        &self.runs.state
    }

    /// Turns played so far.
    pub fn turn(&self) -> usize {
        self.runs.turn
    }

    /// The run's numbers, for a batch to start from.
    fn runs(&self) -> &Lockstep<'m, 1> {
        &self.runs
    }

    /// Parameter values of this run.
    pub fn parameters(&self) -> &[f64] {
        &self.parameters
    }

    pub fn is_finished(&self) -> bool {
        self.turn() >= self.model().turns()
    }

    /// Whether one choice can be taken now on its own, and if not, why.
    pub fn available(&self, choice: usize) -> Result<(), Refusal> {
        if self.is_finished() {
            return Err(Refusal::Finished);
        }
        let Some(spec) = self.runs.model.scenario.choices.get(choice) else {
            return Err(Refusal::Unknown(choice));
        };
        let get = |slot: usize| self.runs.state[slot];
        let condition = |p: &Program| p.eval(&self.runs.state, &mut NoDraws);
        if let Some(why) = blocked(self.runs.model, self.runs.turn, choice, get, condition) {
            let unavailable = |reason: String| Refusal::Unavailable { choice, reason };
            let or_default = |default: &str| {
                if spec.unavailable.is_empty() {
                    default.to_string()
                } else {
                    spec.unavailable.clone()
                }
            };
            return Err(unavailable(match why {
                Blocked::NotYet => format!(
                    "Not before the week of {}.",
                    self.runs.model.date(spec.from_turn as usize).human()
                ),
                Blocked::NoLonger => "No longer possible.".into(),
                Blocked::Done => match spec.max_times {
                    Some(1) => "Already done.".into(),
                    _ => "Already done as often as it can be.".into(),
                },
                Blocked::NotOpen => or_default("Not on the table yet."),
                Blocked::Condition => or_default("Not possible in the present situation."),
            }));
        }
        self.affordable(self.runs.model.choices[choice].cost.iter().copied())
    }

    fn affordable(&self, costs: impl Iterator<Item = (usize, f64)> + Clone) -> Result<(), Refusal> {
        let layout = &self.runs.model.layout;
        let Some((slot, need, have)) = shortfall(layout, costs, |slot| self.runs.state[slot])
        else {
            return Ok(());
        };
        let resource = match layout.kinds[slot] {
            crate::scenario::SlotKind::Resource { actor, resource } => {
                let r = &self.runs.model.scenario.actors[actor].resources[resource];
                format!("{} ({})", r.name, r.unit)
            }
            _ => layout.names[slot].clone(),
        };
        Err(Refusal::Unaffordable {
            resource,
            need,
            have: have.max(0.0),
        })
    }

    /// Whether a set of choices can be taken together this turn.
    pub fn check(&self, choices: &[usize]) -> Result<(), Refusal> {
        if self.is_finished() {
            return Err(Refusal::Finished);
        }
        for (i, &c) in choices.iter().enumerate() {
            if c >= self.runs.model.choices.len() {
                return Err(Refusal::Unknown(c));
            }
            if choices[..i].contains(&c) {
                return Err(Refusal::Repeated(c));
            }
            self.available(c)?;
            if let Some(g) = self.runs.model.choices[c].group
                && let Some(&first) = choices[..i]
                    .iter()
                    .find(|&&o| self.runs.model.choices[o].group == Some(g))
            {
                return Err(Refusal::Conflict {
                    first,
                    second: c,
                    group: self.runs.model.scenario.choices[c]
                        .group
                        .clone()
                        .unwrap_or_default(),
                });
            }
        }
        self.affordable(
            choices
                .iter()
                .flat_map(|&c| self.runs.model.choices[c].cost.iter().copied()),
        )
    }

    /// A copy of this run that goes on as another future: the same state and scheduled
    /// effects, the random streams of `key` from now on, and the parameters redrawn with
    /// `key` (our uncertainty about the world), except those overridden.
    pub fn fork(&self, key: RunKey, overrides: &Overrides) -> Self {
        let mut sim = self.clone();
        sim.key = key;
        sim.stream = key.lazy_stream(Purpose::Effects, 0);
        sim.parameters = draw_parameters(self.runs.model, &key, overrides);
        let params = self.runs.model.layout.parameters.clone();
        sim.runs.state[params].copy_from_slice(&sim.parameters);
        sim.runs.derive();
        sim
    }

    /// Plays one turn taking those of `choices` that can be taken, in order, and dropping
    /// the rest (for plans that meet a future where a choice is no longer possible).
    /// Returns how many were dropped.
    pub fn step_lenient(&mut self, choices: &[usize]) -> Result<usize, Refusal> {
        let mut taken: Vec<usize> = Vec::with_capacity(choices.len());
        for &c in choices {
            taken.push(c);
            if self.check(&taken).is_err() {
                taken.pop();
            }
        }
        let dropped = choices.len() - taken.len();
        self.step(&taken)?;
        Ok(dropped)
    }

    /// Forces `events` to fire on the next turn, after the events that fire by themselves
    /// (an event that does not repeat fires only once all the same). Draws nothing, so the
    /// rest of the run's randomness is unchanged.
    pub fn inject(&mut self, events: &[usize]) {
        let n = self.runs.model.events.len();
        self.injected.extend(events.iter().filter(|&&e| e < n));
    }

    /// Plays one turn with `choices`. On refusal nothing changes.
    pub fn step(&mut self, choices: &[usize]) -> Result<(), Refusal> {
        self.check(choices)?;
        self.choices.clear();
        self.choices.extend_from_slice(choices);
        self.choices.sort_unstable();
        let Self {
            runs,
            stream,
            fired_now,
            injected,
            record,
            ledger,
            events,
            warnings,
            ..
        } = self;
        runs.taking.fill(0);
        for &c in choices {
            runs.taking[c] = 1;
        }
        let mut recorder = Recorder {
            model: runs.model,
            turn: runs.turn,
            record: *record,
            ledger,
            events,
            warnings,
        };
        runs.play_turn(stream, &mut recorder, injected);
        injected.clear();
        fired_now.clear();
        fired_now.extend((0..runs.firing.len()).filter(|&e| runs.firing[e] != 0));
        Ok(())
    }

    /// The ledger, news and choices of the turn just played, and its state.
    pub fn take_record(&mut self) -> TurnRecord {
        TurnRecord {
            choices: std::mem::take(&mut self.choices),
            events: std::mem::take(&mut self.events),
            ledger: std::mem::take(&mut self.ledger),
            state: self.runs.state.clone(),
        }
    }

    /// Indices of the events that fired on the turn just played.
    pub fn fired_now(&self) -> &[usize] {
        &self.fired_now
    }

    /// Evaluates a deterministic program (outcome, goal) on the current state.
    pub fn eval(&self, program: &Program) -> f64 {
        program.eval(&self.runs.state, &mut NoDraws)
    }
}

/// The ledger, news and warnings of a played run, as the turn writes them.
struct Recorder<'a> {
    model: &'a Model,
    /// The turn being played, for warnings.
    turn: usize,
    /// Whether to keep the ledger and render news texts (warnings are always kept).
    record: bool,
    ledger: &'a mut Vec<LedgerEntry>,
    events: &'a mut Vec<Fired>,
    warnings: &'a mut Vec<Warning>,
}

impl Ledger for Recorder<'_> {
    const KEEPS: bool = true;

    fn note(&mut self, slot: usize, cause: Cause, delta: f64) {
        if self.record && delta != 0.0 {
            self.ledger.push(LedgerEntry { slot, cause, delta });
        }
    }

    fn warn(&mut self, message: impl FnOnce() -> String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning {
                turn: self.turn,
                message: message(),
            });
        }
    }

    fn fired(&mut self, event: usize, state: &[f64]) {
        if self.record {
            let text = render(&self.model.events[event].text, state);
            self.events.push(Fired { event, text });
        }
    }
}

/// Why a choice cannot be taken, before it is put in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Blocked {
    NotYet,
    NoLonger,
    Done,
    NotOpen,
    Condition,
}

/// What blocks `choice` (a valid index) on turn `turn`, costs aside, for a state read
/// through `get`; `condition` evaluates the choice's condition on that state.
fn blocked(
    model: &Model,
    turn: usize,
    choice: usize,
    get: impl Fn(usize) -> f64,
    condition: impl FnOnce(&Program) -> f64,
) -> Option<Blocked> {
    let values = |slot: usize| [get(slot)];
    let blocks = blocked_lanes::<1>(model, turn, choice, values, |c| [condition(c)]);
    blocks
        .iter()
        .find(|(_, lanes)| *lanes != 0)
        .map(|&(why, _)| why)
}

/// What blocks `choice` (a valid index) on turn `turn`, costs aside, in `N` states at once,
/// read through `row`: each rule, in the order they are checked, with the lanes where it is
/// the first to block the choice. `condition` evaluates the choice's condition in every
/// lane, and is only called if some lane is still open when it comes to be checked.
pub(super) fn blocked_lanes<const N: usize>(
    model: &Model,
    turn: usize,
    choice: usize,
    row: impl Fn(usize) -> [f64; N],
    condition: impl FnOnce(&Program) -> [f64; N],
) -> [(Blocked, u64); 5] {
    let spec = &model.scenario.choices[choice];
    let compiled = &model.choices[choice];
    let layout = &model.layout;
    let t = turn as u32;
    let all = turn::lanes_where::<N>(|_| true);
    let mut open = all;
    // The lanes still open that `lanes` blocks, which are then no longer open.
    let block = |open: &mut u64, why: Blocked, lanes: u64| {
        let first = *open & lanes;
        *open &= !lanes;
        (why, first)
    };
    let early = if t < spec.from_turn { all } else { 0 };
    let not_yet = block(&mut open, Blocked::NotYet, early);
    let late = if spec.to_turn.is_some_and(|to| t > to) {
        all
    } else {
        0
    };
    let no_longer = block(&mut open, Blocked::NoLonger, late);
    let done = spec.max_times.map_or(0, |m| {
        let times = row(layout.times_chosen + choice);
        turn::lanes_where::<N>(|l| times[l] >= m as f64)
    });
    let done = block(&mut open, Blocked::Done, done);
    let shut = if compiled.opened_by.is_empty() {
        0
    } else {
        let opened = compiled.opened_by.iter().fold(0, |opened, &e| {
            let fired = row(layout.fired + e);
            opened | turn::lanes_where::<N>(|l| fired[l] > 0.0)
        });
        !opened
    };
    let not_open = block(&mut open, Blocked::NotOpen, shut);
    let unmet = match &compiled.condition {
        Some(c) if open != 0 => {
            let value = condition(c);
            turn::lanes_where::<N>(|l| value[l] == 0.0)
        }
        _ => 0,
    };
    let condition = block(&mut open, Blocked::Condition, unmet);
    [not_yet, no_longer, done, not_open, condition]
}

/// The first resource `costs` need more of than the state holds above its lower bound, as
/// (slot, amount needed, amount held).
fn shortfall(
    layout: &Layout,
    costs: impl Iterator<Item = (usize, f64)> + Clone,
    get: impl Fn(usize) -> f64,
) -> Option<(usize, f64, f64)> {
    totals(costs).find_map(|(slot, need)| short(layout, slot, need, &get))
}

/// Each resource `costs` use, with the total they need of it, in the order of first mention.
fn totals(costs: impl Iterator<Item = (usize, f64)> + Clone) -> impl Iterator<Item = (usize, f64)> {
    // Costs are few: total each resource at its first mention, without allocating.
    let all = costs.clone();
    costs.enumerate().filter_map(move |(k, (slot, _))| {
        if all.clone().take(k).any(|(s, _)| s == slot) {
            return None;
        }
        let amount: f64 = all
            .clone()
            .filter(|&(s, _)| s == slot)
            .map(|(_, a)| a)
            .sum();
        Some((slot, amount))
    })
}

/// `Some((slot, need, held))` if the state holds less than `need` of `slot` above its lower
/// bound.
fn short(
    layout: &Layout,
    slot: usize,
    need: f64,
    get: impl Fn(usize) -> f64,
) -> Option<(usize, f64, f64)> {
    let have = get(slot) - layout.bounds[slot].0;
    lacks(need, have).then_some((slot, need, have))
}

/// Whether holding `have` above the lower bound falls short of `need`.
#[inline(always)]
fn lacks(need: f64, have: f64) -> bool {
    need > have + 1e-9
}

/// The lanes of `N` states, read through `row`, that hold what `needs` need, each
/// `(slot, amount)`, above the slot's lower bound (as [`short`] tells for one state).
pub(super) fn affords_lanes<const N: usize>(
    layout: &Layout,
    needs: &[(usize, f64)],
    row: impl Fn(usize) -> [f64; N],
) -> u64 {
    let all = turn::lanes_where::<N>(|_| true);
    needs.iter().fold(all, |ok, &(slot, need)| {
        let (held, lo) = (row(slot), layout.bounds[slot].0);
        ok & !turn::lanes_where::<N>(|l| lacks(need, held[l] - lo))
    })
}

/// The weighted median of (value, weight) pairs; the plain mean when all weights are 0.
pub fn weighted_median(points: &mut [(f64, f64)]) -> f64 {
    if points.is_empty() {
        return 0.5;
    }
    let total: f64 = points.iter().map(|p| p.1.max(0.0)).sum();
    if total <= 0.0 {
        return points.iter().map(|p| p.0).sum::<f64>() / points.len() as f64;
    }
    // A stable insertion sort by `total_cmp`: the points are one per actor, a handful.
    for i in 1..points.len() {
        let point = points[i];
        let key = order_key(point.0);
        let mut j = i;
        while j > 0 && order_key(points[j - 1].0) > key {
            points[j] = points[j - 1];
            j -= 1;
        }
        points[j] = point;
    }
    let mut cumulative = 0.0;
    for &(value, weight) in points.iter() {
        cumulative += weight.max(0.0);
        if cumulative >= total / 2.0 {
            return value;
        }
    }
    points[points.len() - 1].0
}

/// An integer that orders numbers as `f64::total_cmp` does.
pub(crate) fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// Renders a news text on a state.
pub fn render(parts: &[TextPart], state: &[f64]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            TextPart::Literal(s) => out.push_str(s),
            TextPart::Value { slot, precision } => {
                out.push_str(&format_number(state[*slot], *precision))
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_median_is_the_balancing_position() {
        let mut pts = [(0.1, 1.0), (0.9, 1.0), (0.5, 3.0)];
        assert_eq!(weighted_median(&mut pts), 0.5);
        let mut pts = [(0.1, 5.0), (0.9, 1.0), (0.5, 1.0)];
        assert_eq!(weighted_median(&mut pts), 0.1);
        let mut pts = [(0.2, 0.0), (0.6, 0.0)];
        assert!((weighted_median(&mut pts) - 0.4).abs() < 1e-12);
        // Ties keep their order: the first of two equal values carries its own weight.
        let mut pts = [(0.7, 1.0), (0.3, 1.0), (0.3, 1.0), (0.9, 1.0)];
        assert_eq!(weighted_median(&mut pts), 0.3);
        assert_eq!(pts.map(|p| p.0), [0.3, 0.3, 0.7, 0.9]);
        // Signed zeros, infinities and NaN sort as total_cmp sorts them.
        let mut pts = [
            (f64::NAN, 0.0),
            (0.0, 0.0),
            (-0.0, 0.0),
            (f64::INFINITY, 0.0),
            (-1.0, 0.0),
            (f64::NEG_INFINITY, 1.0),
        ];
        weighted_median(&mut pts);
        let mut want = pts.map(|p| p.0);
        want.sort_by(f64::total_cmp);
        assert_eq!(pts.map(|p| p.0.to_bits()), want.map(f64::to_bits));
    }
}
