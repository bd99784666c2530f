//! One turn, written once: the phases every run goes through, for `N` runs in lockstep.
//!
//! A played run is one lane that keeps a ledger ([`Sim`](super::Sim)); an ensemble plays
//! [`LANES`](crate::scenario::expr::LANES) lanes at a time and keeps none
//! ([`Batch`](super::batch::Batch)). Both hold a [`Lockstep`] and play their turns with
//! [`Lockstep::play_turn`], so the order of the phases, the scheduling of effects and the
//! derived quantities exist once. What differs comes in from outside: which lanes take
//! which choice (decided before the turn, strictly for a played run and leniently for an
//! ensemble), the random streams ([`Streams`]) and what is written down ([`Ledger`]).
//!
//! The state is stored slot by slot with the lanes side by side, and every expression is
//! evaluated once for all of them ([`Program::eval_lanes`]). Each lane does the same
//! operations in the same order on its own numbers and draws its own streams in the same
//! order, so lane `l` of a batch is, to the last bit, the run played alone. Where runs part
//! ways (a choice one run cannot afford, an event that fires in some runs only) the work
//! carries a mask of the lanes it applies to.

use crate::scenario::expr::{LaneDraws, LaneStack, NoDraws, Program};
use crate::scenario::{CompiledEffect, Layout, Model, Op, RuleOrigin};

use super::Cause;
use super::rng::Purpose;

/// An effect waiting for its turns in some of the lanes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub origin: Origin,
    pub effect: usize,
    pub first: usize,
    pub last: usize,
    pub lanes: u64,
}

/// What scheduled an effect.
#[derive(Debug, Clone, Copy)]
pub(super) enum Origin {
    Choice(usize),
    Event(usize),
}

/// The random streams of the lanes: lane `l` draws from its own run's stream for the
/// purpose and turn last opened.
pub(super) trait Streams<const N: usize>: LaneDraws {
    /// Starts every lane's stream for `purpose` on `turn`.
    fn open(&mut self, purpose: Purpose, turn: usize);
    /// One number for each of the first `lanes` lanes.
    fn uniform01_each(&mut self, lanes: usize, out: &mut [f64; N]);
    /// Passes over one number in each of the first `lanes` lanes, as
    /// [`Streams::uniform01_each`] would, when no lane needs it.
    fn skip_each(&mut self, lanes: usize);
}

/// What a turn writes down besides its numbers: changes and their causes, news and
/// warnings. Only a single run keeps them, so every call reads lane 0.
pub(super) trait Ledger {
    /// Whether anything is kept; when not, every call and what it would be told is
    /// compiled away.
    const KEEPS: bool;
    /// `slot` changed by `delta` because of `cause`.
    fn note(&mut self, slot: usize, cause: Cause, delta: f64);
    /// Something odd the run did to keep going.
    fn warn(&mut self, message: impl FnOnce() -> String);
    /// `event` fires on `state` (lane 0), before its effects.
    fn fired(&mut self, event: usize, state: &[f64]);
}

/// Keeps nothing: the ensembles' ledger.
pub(super) struct NoLedger;

impl Ledger for NoLedger {
    const KEEPS: bool = false;
    fn note(&mut self, _slot: usize, _cause: Cause, _delta: f64) {}
    fn warn(&mut self, _message: impl FnOnce() -> String) {}
    fn fired(&mut self, _event: usize, _state: &[f64]) {}
}

/// The lanes of `mask`, in order.
pub(super) fn lanes_of<const N: usize>(mask: u64) -> impl Iterator<Item = usize> + Clone {
    (0..N).filter(move |&l| mask >> l & 1 == 1)
}

/// The mask of the lanes, of all `N`, where `f` holds.
#[inline(always)]
pub(super) fn lanes_where<const N: usize>(f: impl Fn(usize) -> bool) -> u64 {
    // A plain loop rather than a fold, which is not inlined and costs a call per mask.
    let mut mask = 0;
    for l in 0..N {
        mask |= u64::from(f(l)) << l;
    }
    mask
}

/// `on` in the lanes of `mask`, `off` in the others.
#[inline(always)]
fn lane_values<const N: usize>(mask: u64, on: f64, off: f64) -> [f64; N] {
    std::array::from_fn(|l| if mask >> l & 1 == 1 { on } else { off })
}

/// `f64::clamp` in every lane, written as two selections so that it runs on all lanes at
/// once; like `f64::clamp`, it refuses bounds the wrong way round.
#[inline(always)]
fn clamp_lanes<const N: usize>(x: &mut [f64; N], lo: f64, hi: f64) {
    assert!(
        lo <= hi,
        "min > max, or either was NaN. min = {lo:?}, max = {hi:?}"
    );
    for x in x.iter_mut() {
        let y = if *x < lo { lo } else { *x };
        *x = if y > hi { hi } else { y };
    }
}

/// What a rule or an effect with operation `op` and value `value` makes of `old`.
#[inline(always)]
pub(super) fn combine(op: Op, old: f64, value: f64) -> f64 {
    match op {
        Op::Set => value,
        Op::Multiply => old * value,
        Op::Add => old + value,
    }
}

/// The numbers of `N` runs of one model, stepped together.
#[derive(Clone)]
pub(super) struct Lockstep<'m, const N: usize> {
    pub model: &'m Model,
    /// Lane `l` of slot `s` at `s * N + l`.
    pub state: Vec<f64>,
    /// Turns played so far.
    pub turn: usize,
    /// The lanes in use, the first `lanes` of `N`.
    pub lanes: usize,
    pub pending: Vec<Pending>,
    /// Per choice, the lanes that take it this turn: set before [`Lockstep::play_turn`].
    pub taking: Vec<u64>,
    /// Per event, the lanes where it fired on the turn just played.
    pub firing: Vec<u64>,
    /// The choices whose `chosen` rows are set (taken last turn in some lane): the rows
    /// to clear at the start of a turn.
    chosen_rows: Vec<usize>,
    pub stack: LaneStack<N>,
    /// The values of the programs of `Model::rule_programs`, one row each.
    rule_values: Vec<[f64; N]>,
    /// The slots whose values are wanted (see [`Lockstep::new`]).
    wanted: Option<Vec<bool>>,
    points: Vec<Point<N>>,
    /// Where each round of the sort of `points` writes them.
    sorted: Vec<Point<N>>,
    /// The order to read `points` in (see [`Lockstep::sort_points`]).
    order: Vec<usize>,
}

impl<'m, const N: usize> Lockstep<'m, N> {
    /// `lanes` runs of `model`, every slot 0. Approvals and pressure points outside
    /// `wanted` (all of them if `None`) are not computed, and their values are meaningless.
    pub fn new(model: &'m Model, lanes: usize, wanted: Option<Vec<bool>>) -> Self {
        Self {
            model,
            state: vec![0.0; model.layout.len() * N],
            turn: 0,
            lanes: lanes.min(N),
            pending: Vec::new(),
            taking: vec![0; model.choices.len()],
            firing: vec![0; model.events.len()],
            chosen_rows: Vec::new(),
            stack: LaneStack::with_shared(model.rule_programs.rows()),
            rule_values: vec![[0.0; N]; model.rule_programs.programs().len()],
            wanted,
            points: Vec::new(),
            sorted: Vec::new(),
            order: Vec::new(),
        }
    }

    /// The mask of the lanes in use.
    pub fn all(&self) -> u64 {
        (1u64 << self.lanes) - 1
    }

    /// Puts `lanes` copies of the run `from` in the lanes: its state, turn and scheduled
    /// effects.
    pub fn spread(&mut self, from: &Lockstep<'m, 1>, lanes: usize) {
        self.lanes = lanes.min(N);
        for (row, &value) in self.state.chunks_exact_mut(N).zip(&from.state) {
            row.fill(value);
        }
        self.turn = from.turn;
        self.chosen_rows.clone_from(&from.chosen_rows);
        let all = self.all();
        self.pending.clear();
        self.pending
            .extend(from.pending.iter().map(|&p| Pending { lanes: all, ..p }));
    }

    /// A slot's lanes.
    // A slice of N values always converts to an array of N; no input reaches this.
    #[allow(clippy::expect_used)]
    #[inline(always)]
    pub fn row(&self, slot: usize) -> &[f64; N] {
        let row = &self.state[slot * N..(slot + 1) * N];
        row.try_into().expect("a row is N long")
    }

    // A slice of N values always converts to an array of N; no input reaches this.
    #[allow(clippy::expect_used)]
    #[inline(always)]
    pub fn row_mut(&mut self, slot: usize) -> &mut [f64; N] {
        let row = &mut self.state[slot * N..(slot + 1) * N];
        row.try_into().expect("a row is N long")
    }

    /// Evaluates a program that cannot draw, in every lane.
    pub fn eval(&mut self, program: &Program) -> [f64; N] {
        let mut out = [0.0; N];
        program.eval_lanes(&self.state, &mut self.stack, &mut NoDraws, 0, &mut out);
        out
    }

    /// Plays one turn in every lane, each taking the choices [`Lockstep::taking`] gives
    /// it, with the events of `injected` forced to fire after those that fire by themselves.
    #[inline(always)]
    pub fn play_turn<S: Streams<N>, L: Ledger>(
        &mut self,
        streams: &mut S,
        ledger: &mut L,
        injected: &[usize],
    ) {
        let model = self.model;
        let layout = &model.layout;
        let t = self.turn;
        let all = self.all();
        self.row_mut(Layout::TURN).fill(t as f64);

        // 1. Costs.
        // Only the rows of last turn's choices can be other than 0.
        for i in 0..self.chosen_rows.len() {
            let c = self.chosen_rows[i];
            self.row_mut(layout.chosen + c).fill(0.0);
        }
        self.chosen_rows.clear();
        for (c, choice) in model.choices.iter().enumerate() {
            let lanes = self.taking[c];
            if lanes == 0 {
                continue;
            }
            // Written for every lane, so that each is a plain loop over the lanes: adding
            // -0.0 and taking away 0.0 leave any number as it is.
            *self.row_mut(layout.chosen + c) = lane_values(lanes, 1.0, 0.0);
            self.chosen_rows.push(c);
            let once: [f64; N] = lane_values(lanes, 1.0, -0.0);
            for (x, once) in self.row_mut(layout.times_chosen + c).iter_mut().zip(once) {
                *x += once;
            }
            for &(slot, amount) in &choice.cost {
                let amounts: [f64; N] = lane_values(lanes, amount, 0.0);
                for (x, amount) in self.row_mut(slot).iter_mut().zip(amounts) {
                    *x -= amount;
                }
                if L::KEEPS {
                    ledger.note(slot, Cause::Cost { choice: c }, -amount);
                }
            }
            for (e, effect) in choice.effects.iter().enumerate() {
                let first = t + effect.delay as usize;
                self.pending.push(Pending {
                    origin: Origin::Choice(c),
                    effect: e,
                    first,
                    last: first + effect.duration as usize - 1,
                    lanes,
                });
            }
        }

        // 2. Effects due this turn, in the order they were scheduled.
        streams.open(Purpose::Effects, t);
        for i in 0..self.pending.len() {
            let p = self.pending[i];
            if p.first <= t && t <= p.last {
                let (effect, cause) = match p.origin {
                    Origin::Choice(c) => (
                        &model.choices[c].effects[p.effect],
                        Cause::Choice {
                            choice: c,
                            effect: p.effect,
                        },
                    ),
                    Origin::Event(e) => (
                        &model.events[e].effects[p.effect],
                        Cause::Event {
                            event: e,
                            effect: p.effect,
                        },
                    ),
                };
                self.apply_effect(effect, cause, p.lanes, streams, ledger);
            }
        }
        self.pending.retain(|p| p.last > t);

        // 3. Dynamics, all computed from the same state, in every lane: the rules' programs
        // share what they compute alike (`Model::rule_programs`), so each of them runs, all
        // in one pass of the interpreter.
        streams.open(Purpose::Rules, t);
        model.rule_programs.eval_lanes(
            &self.state,
            &mut self.stack,
            streams,
            all,
            &mut self.rule_values,
        );
        for (rule, &(when, value)) in model.rules.iter().zip(&model.rule_rows) {
            let active = when.map(|w| self.rule_values[w]);
            let value = &mut self.rule_values[value];
            if L::KEEPS && active.is_none_or(|a| a[0] != 0.0) && !value[0].is_finite() {
                let v = value[0];
                ledger.warn(|| {
                    format!(
                        "rule `{}` gave {v} for `{}`; the value was left unchanged",
                        rule_name(model, rule.origin),
                        layout.names[rule.target]
                    )
                });
            }
            if let Some(active) = active {
                for (v, active) in value.iter_mut().zip(active) {
                    if active == 0.0 {
                        *v = f64::NAN;
                    }
                }
            }
        }
        let order = &model.rule_order;
        let mut i = 0;
        while i < order.len() {
            let target = model.rules[order[i]].target;
            let (lo, hi) = layout.bounds[target];
            let mut x = *self.row(target);
            while i < order.len() && model.rules[order[i]].target == target {
                let rule = &model.rules[order[i]];
                let v = &self.rule_values[model.rule_rows[order[i]].1];
                let before = x[0];
                // One loop per operation, so that each is a plain loop over the lanes. A
                // value that is not finite leaves `x` as it is: adding -0.0 and multiplying
                // by 1 leave any number unchanged.
                match rule.op {
                    Op::Set => {
                        for (x, &v) in x.iter_mut().zip(v) {
                            *x = if v.is_finite() { v } else { *x };
                        }
                    }
                    Op::Multiply => {
                        for (x, &v) in x.iter_mut().zip(v) {
                            *x *= if v.is_finite() { v } else { 1.0 };
                        }
                    }
                    Op::Add => {
                        for (x, &v) in x.iter_mut().zip(v) {
                            *x += if v.is_finite() { v } else { -0.0 };
                        }
                    }
                }
                if L::KEEPS && v[0].is_finite() {
                    ledger.note(target, Cause::Rule(rule.origin), x[0] - before);
                }
                i += 1;
            }
            let unclamped = x[0];
            clamp_lanes(&mut x, lo, hi);
            if L::KEEPS && x[0] != unclamped {
                ledger.note(target, Cause::Bounds, x[0] - unclamped);
            }
            *self.row_mut(target) = x;
        }

        // 4. Events, their conditions all read on the state the dynamics produced.
        streams.open(Purpose::Events, t);
        let (mut condition, mut probability, mut draw) = ([0.0; N], [0.0; N], [0.0; N]);
        for (e, event) in model.events.iter().enumerate() {
            let spec = &model.scenario.events[e];
            let eligible = self.eligible(e, spec.repeat);
            self.firing[e] = 0;
            // What is not needed is not computed, but the streams move on as if it had been:
            // every event takes the same numbers in every run whatever it does.
            if eligible == 0 && !event.condition.draws() && !event.probability.draws() {
                streams.skip_each(self.lanes);
                continue;
            }
            event
                .condition
                .eval_lanes(&self.state, &mut self.stack, streams, all, &mut condition);
            // An event for injecting only fires when an exercise or the teacher fires it.
            let live = if spec.inject {
                0
            } else {
                eligible & lanes_where::<N>(|l| condition[l] != 0.0)
            };
            if live == 0 && !event.probability.draws() {
                streams.skip_each(self.lanes);
                continue;
            }
            event.probability.eval_lanes(
                &self.state,
                &mut self.stack,
                streams,
                all,
                &mut probability,
            );
            if live == 0 {
                streams.skip_each(self.lanes);
                continue;
            }
            streams.uniform01_each(self.lanes, &mut draw);
            self.firing[e] = live & lanes_where::<N>(|l| draw[l] < probability[l]);
        }
        for &e in injected {
            self.firing[e] |= self.eligible(e, model.scenario.events[e].repeat);
        }
        streams.open(Purpose::EventEffects, t);
        for (e, event) in model.events.iter().enumerate() {
            let lanes = self.firing[e];
            if lanes == 0 {
                continue;
            }
            if L::KEEPS {
                ledger.fired(e, &self.state);
            }
            for l in lanes_of::<N>(lanes) {
                self.state[(layout.fired + e) * N + l] += 1.0;
            }
            for (i, effect) in event.effects.iter().enumerate() {
                let duration = effect.duration as usize;
                let later = if effect.delay == 0 {
                    let cause = Cause::Event {
                        event: e,
                        effect: i,
                    };
                    self.apply_effect(effect, cause, lanes, streams, ledger);
                    (duration > 1).then(|| (t + 1, t + duration - 1))
                } else {
                    let first = t + effect.delay as usize;
                    Some((first, first + duration - 1))
                };
                if let Some((first, last)) = later {
                    self.pending.push(Pending {
                        origin: Origin::Event(e),
                        effect: i,
                        first,
                        last,
                        lanes,
                    });
                }
            }
        }

        // 5. Derived quantities of the new state.
        self.turn += 1;
        let turn = self.turn as f64;
        self.row_mut(Layout::TURN).fill(turn);
        self.derive();
    }

    /// The lanes where event `e` may fire: all of them if it repeats, else those where it
    /// has not fired yet.
    #[inline(always)]
    fn eligible(&self, e: usize, repeat: bool) -> u64 {
        if repeat {
            return self.all();
        }
        let fired = self.row(self.model.layout.fired + e);
        self.all() & lanes_where::<N>(|l| fired[l] == 0.0)
    }

    /// Applies `effect` in the lanes of `lanes`: a value that is not finite leaves the
    /// target as it is (with a warning), the rest is clamped to the target's bounds.
    #[inline(always)]
    fn apply_effect<S: Streams<N>, L: Ledger>(
        &mut self,
        effect: &CompiledEffect,
        cause: Cause,
        lanes: u64,
        streams: &mut S,
        ledger: &mut L,
    ) {
        let layout = &self.model.layout;
        let mut value = [0.0; N];
        effect
            .value
            .eval_lanes(&self.state, &mut self.stack, streams, lanes, &mut value);
        let slot = effect.target;
        let (lo, hi) = layout.bounds[slot];
        for l in lanes_of::<N>(lanes) {
            let x = &mut self.state[slot * N + l];
            let old = *x;
            let new = combine(effect.op, old, value[l]);
            if !new.is_finite() {
                if L::KEEPS {
                    ledger.warn(|| {
                        format!(
                            "an effect gave {new} for `{}`; the value was left unchanged",
                            layout.names[slot]
                        )
                    });
                }
                continue;
            }
            let clamped = new.clamp(lo, hi);
            *x = clamped;
            if L::KEEPS {
                ledger.note(slot, cause, new - old);
                if clamped != new {
                    ledger.note(slot, Cause::Bounds, clamped - new);
                }
            }
        }
    }

    /// Whether `slot`'s value is wanted (see [`Lockstep::new`]).
    fn wanted(&self, slot: usize) -> bool {
        self.wanted.as_ref().is_none_or(|w| w[slot])
    }

    /// Policies, capabilities, approvals and pressure points of the current state; the
    /// approvals and pressure points that are not wanted are left out.
    #[inline(always)]
    pub fn derive(&mut self) {
        let model = self.model;
        let layout = &model.layout;
        for (i, issue) in model.issues.iter().enumerate() {
            let p = self.eval(&issue.policy);
            for (x, p) in self.row_mut(layout.policy(i)).iter_mut().zip(p) {
                *x = if p.is_finite() {
                    p.clamp(0.0, 1.0)
                } else {
                    0.5
                };
            }
        }
        for (a, actor) in model.actors.iter().enumerate() {
            let c = self.eval(&actor.capability);
            for (x, c) in self.row_mut(layout.capabilities + a).iter_mut().zip(c) {
                *x = if c.is_finite() { c.max(0.0) } else { 0.0 };
            }
        }
        for (a, actor) in model.actors.iter().enumerate() {
            if !self.wanted(layout.approval(a)) {
                continue;
            }
            let (mut distance, mut total) = ([0.0; N], [0.0; N]);
            for i in (0..model.issues.len()).filter(|&i| actor.has_stance[i]) {
                let s = self.row(layout.salience(a, i));
                let p = self.row(layout.policy(i));
                let x = self.row(layout.position(a, i));
                for l in 0..N {
                    distance[l] += s[l] * (p[l] - x[l]).abs();
                    total[l] += s[l];
                }
            }
            let approval = self.row_mut(layout.approval(a));
            for l in 0..N {
                approval[l] = if total[l] > 0.0 {
                    100.0 * (1.0 - distance[l] / total[l])
                } else {
                    50.0
                };
            }
        }
        for i in 0..model.issues.len() {
            if self.wanted(layout.pressure(i)) {
                self.pressure(i);
            }
        }
    }

    /// The pressure point of issue `i` in every lane: what `sim::weighted_median` gives for
    /// the actors' positions weighted by salience × capability, computed for all lanes at
    /// once. The points are put in the stable order of their positions as `total_cmp`
    /// orders them ([`Lockstep::sort_points`]), which is the order the stable sort of
    /// `weighted_median` gives, so every sum is taken in the same order and the result is
    /// the same to the last bit.
    #[inline(always)]
    pub fn pressure(&mut self, i: usize) {
        let model = self.model;
        let layout = &model.layout;
        self.points.clear();
        for (a, actor) in model.actors.iter().enumerate() {
            if !actor.has_stance[i] {
                continue;
            }
            let (x, s, c) = (
                self.row(layout.position(a, i)),
                self.row(layout.salience(a, i)),
                self.row(layout.capabilities + a),
            );
            let mut point = Point {
                x: *x,
                w: [0.0; N],
                key: [0; N],
            };
            for l in 0..N {
                point.w[l] = s[l] * c[l];
                point.key[l] = super::order_key(x[l]);
            }
            self.points.push(point);
        }
        let m = self.points.len();
        if m == 0 {
            self.row_mut(layout.pressure(i)).fill(0.5);
            return;
        }
        // Sums start at -0.0, as `Iterator::sum` does.
        let (mut total, mut mean) = ([-0.0; N], [-0.0; N]);
        for p in &self.points {
            for l in 0..N {
                total[l] += p.w[l].max(0.0);
                mean[l] += p.x[l];
            }
        }
        self.sort_points();
        let mut result = self.points[self.order[m - 1]].x;
        let mut found = [false; N];
        let mut cumulative = [0.0; N];
        for &k in &self.order {
            let p = &self.points[k];
            for l in 0..N {
                cumulative[l] += p.w[l].max(0.0);
                if !found[l] && cumulative[l] >= total[l] / 2.0 {
                    result[l] = p.x[l];
                    found[l] = true;
                }
            }
        }
        let row = self.row_mut(layout.pressure(i));
        for l in 0..N {
            row[l] = if total[l] <= 0.0 {
                mean[l] / m as f64
            } else {
                result[l]
            };
        }
    }

    /// Puts `points` in order in every lane, `order` giving the order to read them in:
    /// lane 0's order, when it is every lane's (positions differ from lane to lane but
    /// seldom cross), else the points are sorted lane by lane and read as they are. The
    /// stable order is the one order of the points by position with ties kept in the
    /// actors' order, so either way every lane gets its own.
    #[inline(always)]
    fn sort_points(&mut self) {
        // Lane 0's stable order, by insertion.
        self.order.clear();
        for i in 0..self.points.len() {
            let key = self.points[i].key[0];
            let mut j = self.order.len();
            while j > 0 && self.points[self.order[j - 1]].key[0] > key {
                j -= 1;
            }
            self.order.insert(j, i);
        }
        let mut in_order = true;
        for pair in self.order.windows(2) {
            let (p, q) = (&self.points[pair[0]], &self.points[pair[1]]);
            let tie_in_order = pair[0] < pair[1];
            // Without short circuits, so that it runs on all lanes at once.
            for l in 0..N {
                in_order &= (p.key[l] < q.key[l]) | (tie_in_order & (p.key[l] == q.key[l]));
            }
        }
        if !in_order {
            self.sort_points_by_lane();
            self.order.clear();
            self.order.extend(0..self.points.len());
        }
    }

    /// Puts `points` in order in every lane, each lane on its own.
    #[inline(always)]
    fn sort_points_by_lane(&mut self) {
        // Odd-even transposition sort: m rounds of neighbours compared and exchanged. Each
        // round reads one buffer and writes every point into the other, so that no point is
        // read just after a partial write: exchanged in place, lane by lane, the points are
        // written with masked stores, which are slow to read back.
        // Every point of `sorted` is written in each round before it is read.
        let m = self.points.len();
        self.sorted.resize(m, Point::ZERO);
        for round in 0..m {
            let (from, to) = (&self.points, &mut self.sorted);
            let first = round % 2;
            if first == 1 {
                to[0] = from[0];
            }
            let mut k = first;
            while k + 1 < m {
                let (p, q) = (&from[k], &from[k + 1]);
                let (low, high) = to[k..k + 2].split_at_mut(1);
                // Branch-free, so that it runs on all lanes at once. Only neighbours are
                // exchanged, and only when strictly out of order, so equal positions keep
                // their actors' order: the sort is stable.
                for l in 0..N {
                    let swap = 0u64.wrapping_sub(u64::from(p.key[l] > q.key[l]));
                    let (x, y) = (p.x[l].to_bits(), q.x[l].to_bits());
                    low[0].x[l] = f64::from_bits(x ^ (x ^ y) & swap);
                    high[0].x[l] = f64::from_bits(y ^ (x ^ y) & swap);
                    let (v, w) = (p.w[l].to_bits(), q.w[l].to_bits());
                    low[0].w[l] = f64::from_bits(v ^ (v ^ w) & swap);
                    high[0].w[l] = f64::from_bits(w ^ (v ^ w) & swap);
                    let (j, k) = (p.key[l] as u64, q.key[l] as u64);
                    low[0].key[l] = (j ^ (j ^ k) & swap) as i64;
                    high[0].key[l] = (k ^ (j ^ k) & swap) as i64;
                }
                k += 2;
            }
            if k < m {
                to[k] = from[k];
            }
            std::mem::swap(&mut self.points, &mut self.sorted);
        }
    }
}

/// The id of the rule `origin` names, for warnings.
fn rule_name(model: &Model, origin: RuleOrigin) -> &str {
    let s = &model.scenario;
    match origin {
        RuleOrigin::Dynamics(i) => &s.dynamics[i].id,
        RuleOrigin::Actor { actor, rule } => &s.actors[actor].rules[rule].id,
    }
}

/// One actor's point on an issue, in every lane (see [`Lockstep::pressure`]).
#[derive(Clone, Copy)]
struct Point<const N: usize> {
    x: [f64; N],
    w: [f64; N],
    key: [i64; N],
}

impl<const N: usize> Point<N> {
    const ZERO: Self = Self {
        x: [0.0; N],
        w: [0.0; N],
        key: [0; N],
    };
}
