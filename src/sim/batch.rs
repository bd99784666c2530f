//! Many runs of one plan stepped in lockstep: how ensembles play their futures.
//!
//! A [`Batch`] holds up to [`LANES`] runs that start from the same point and are asked to
//! take the same choices, and steps them together. The state is stored slot by slot with
//! the runs side by side, and every expression is evaluated once for all of them
//! ([`Program::eval_lanes`]), so the cost of interpreting it is shared. Each lane gives, to
//! the last bit, what [`Sim::step_lenient`] gives for that run alone: the same operations
//! in the same order on its own numbers, and the same random streams drawn in the same
//! order. Where runs part ways (a choice one run cannot afford, an event that fires in some
//! runs only) the work carries a mask of the lanes it applies to.
//!
//! A batch keeps no ledger, news or warnings; runs that need them are played with [`Sim`].

use crate::scenario::expr::{LANES, LaneStack, Lanes, NoDraws, Program};
use crate::scenario::{CompiledEffect, Layout, Model, Op};

use super::params::draw_parameters_lanes;
use super::rng::{LaneStreams, Purpose, RunKey};
use super::{Origin, Overrides, Sim, blocked, combine, short, totals};

/// An effect waiting for its turns in some of the lanes.
#[derive(Debug, Clone, Copy)]
struct Pending {
    due: super::Pending,
    lanes: u64,
}

/// Up to [`LANES`] runs in lockstep.
pub(super) struct Batch<'m> {
    model: &'m Model,
    /// Each lane's run key; the number of lanes in use.
    keys: Vec<RunKey>,
    /// Lane `l` of slot `s` at `s * LANES + l`.
    state: Vec<f64>,
    turn: usize,
    pending: Vec<Pending>,
    rule_values: Vec<Lanes>,
    /// Per choice, the lanes that take it this turn.
    taking: Vec<u64>,
    /// Per event, the lanes where it fires this turn.
    firing: Vec<u64>,
    /// Per planned choice of this turn, its condition's value.
    conditions: Vec<Lanes>,
    streams: LaneStreams,
    stack: LaneStack,
    /// What a choice needs of each resource: alone, and with those taken before it.
    alone: Vec<(usize, f64)>,
    together: Vec<(usize, f64)>,
    /// The slots whose values are wanted: all of them, or those some expression reads.
    wanted: Vec<bool>,
    /// Per issue, the actors with a stance on it.
    stances: Vec<Vec<usize>>,
    points: Vec<Point>,
    /// Where each round of the sort of `points` writes them.
    sorted: Vec<Point>,
}

/// The lanes of `mask`, in order.
fn lanes_of(mask: u64) -> impl Iterator<Item = usize> + Clone {
    (0..LANES).filter(move |&l| mask >> l & 1 == 1)
}

/// The mask of the lanes, of all [`LANES`], where `f` holds.
#[inline(always)]
fn lanes_where(f: impl Fn(usize) -> bool) -> u64 {
    (0..LANES).fold(0, |mask, l| mask | u64::from(f(l)) << l)
}

/// `on` in the lanes of `mask`, `off` in the others.
#[inline(always)]
fn lane_values(mask: u64, on: f64, off: f64) -> Lanes {
    std::array::from_fn(|l| if mask >> l & 1 == 1 { on } else { off })
}

/// `f64::clamp` in every lane, written as two selections so that it runs on all lanes at
/// once; like `f64::clamp`, it refuses bounds the wrong way round.
#[inline(always)]
fn clamp_lanes(x: &mut Lanes, lo: f64, hi: f64) {
    assert!(
        lo <= hi,
        "min > max, or either was NaN. min = {lo:?}, max = {hi:?}"
    );
    for x in x.iter_mut() {
        let y = if *x < lo { lo } else { *x };
        *x = if y > hi { hi } else { y };
    }
}

impl<'m> Batch<'m> {
    /// A batch for `model`; [`Batch::reset`] puts runs in it. Approvals and pressure
    /// points outside `wanted` (see [`read_slots`]) are not computed, and [`Batch::value`]
    /// of them is meaningless.
    pub fn new(model: &'m Model, wanted: &[bool]) -> Self {
        Self::with_wanted(model, wanted.to_vec())
    }

    /// A batch that computes every slot.
    #[cfg(test)]
    fn complete(model: &'m Model) -> Self {
        Self::with_wanted(model, vec![true; model.layout.len()])
    }

    fn with_wanted(model: &'m Model, wanted: Vec<bool>) -> Self {
        Self {
            wanted,
            model,
            keys: Vec::with_capacity(LANES),
            state: vec![0.0; model.layout.len() * LANES],
            turn: 0,
            pending: Vec::new(),
            rule_values: vec![[0.0; LANES]; model.rules.len()],
            taking: vec![0; model.choices.len()],
            firing: vec![0; model.events.len()],
            conditions: Vec::new(),
            streams: LaneStreams::new(&[]),
            stack: LaneStack::default(),
            alone: Vec::new(),
            together: Vec::new(),
            stances: (0..model.issues.len())
                .map(|i| {
                    (0..model.actors.len())
                        .filter(|&a| model.actors[a].has_stance[i])
                        .collect()
                })
                .collect(),
            points: Vec::new(),
            sorted: Vec::new(),
        }
    }

    /// Starts one run per key (at most [`LANES`]) from `template`'s state and scheduled
    /// effects, each with its parameters drawn with its key (bar the overrides): what
    /// [`Sim::fork`] does for one run, and what [`Sim::new`] gives when `template` is a
    /// fresh run.
    pub fn reset(&mut self, template: &Sim<'m>, keys: &[RunKey], overrides: &Overrides) {
        let layout = &self.model.layout;
        self.keys.clear();
        self.keys.extend(keys.iter().take(LANES));
        self.streams = LaneStreams::new(&self.keys);
        for (slot, &value) in template.state.iter().enumerate() {
            self.state[slot * LANES..(slot + 1) * LANES].fill(value);
        }
        let parameters =
            &mut self.state[layout.parameters.start * LANES..][..layout.parameters.len() * LANES];
        let lanes = self.keys.len();
        draw_parameters_lanes(self.model, &mut self.streams, lanes, overrides, parameters);
        self.turn = template.turn;
        let all = self.all();
        self.pending.clear();
        self.pending.extend(
            template
                .pending
                .iter()
                .map(|&due| Pending { due, lanes: all }),
        );
        self.derive();
    }

    /// The mask of the lanes in use.
    fn all(&self) -> u64 {
        (1u64 << self.keys.len()) - 1
    }

    /// The value of `slot` in lane `lane`.
    #[cfg(test)]
    fn value(&self, slot: usize, lane: usize) -> f64 {
        self.state[slot * LANES + lane]
    }

    /// Evaluates a program that cannot draw, in every lane.
    pub fn eval(&mut self, program: &Program) -> Lanes {
        let mut out = [0.0; LANES];
        program.eval_lanes(&self.state, &mut self.stack, &mut NoDraws, 0, &mut out);
        out
    }

    fn open_streams(&mut self, purpose: Purpose) {
        self.streams.open(purpose, self.turn);
    }

    /// Plays one turn in every lane, each taking those of `choices` it can, in order, as
    /// [`Sim::step_lenient`] does. Returns how many choices were dropped over the lanes.
    pub fn step(&mut self, choices: &[usize]) -> u64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.step_avx2(choices) };
        }
        self.step_portable(choices)
    }

    /// [`Batch::step`] compiled for processors with AVX2, so that the loops over the lanes
    /// take four of them per instruction. Rust never fuses a multiply and an add by itself,
    /// so the numbers are the same either way.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn step_avx2(&mut self, choices: &[usize]) -> u64 {
        self.step_portable(choices)
    }

    #[inline(always)]
    fn step_portable(&mut self, choices: &[usize]) -> u64 {
        let model = self.model;
        let layout = &model.layout;
        let t = self.turn;
        if t >= model.turns() {
            return 0;
        }
        let all = self.all();
        for l in 0..LANES {
            self.state[Layout::TURN * LANES + l] = t as f64;
        }
        let dropped = self.choose(choices);

        // 1. Costs.
        let chosen = layout.chosen * LANES;
        self.state[chosen..chosen + model.choices.len() * LANES].fill(0.0);
        for (c, choice) in model.choices.iter().enumerate() {
            let lanes = self.taking[c];
            if lanes == 0 {
                continue;
            }
            // Written for every lane, so that each is a plain loop over the lanes: adding
            // -0.0 and taking away 0.0 leave any number as it is.
            *self.row_mut(layout.chosen + c) = lane_values(lanes, 1.0, 0.0);
            let once = lane_values(lanes, 1.0, -0.0);
            for (x, once) in self.row_mut(layout.times_chosen + c).iter_mut().zip(once) {
                *x += once;
            }
            for &(slot, amount) in &choice.cost {
                let amount = lane_values(lanes, amount, 0.0);
                for (x, amount) in self.row_mut(slot).iter_mut().zip(amount) {
                    *x -= amount;
                }
            }
            for (e, effect) in choice.effects.iter().enumerate() {
                let first = t + effect.delay as usize;
                self.pending.push(Pending {
                    due: super::Pending {
                        origin: Origin::Choice(c),
                        effect: e,
                        first,
                        last: first + effect.duration as usize - 1,
                    },
                    lanes,
                });
            }
        }

        // 2. Effects due this turn.
        self.open_streams(Purpose::Effects);
        for i in 0..self.pending.len() {
            let Pending { due, lanes } = self.pending[i];
            if due.first <= t && t <= due.last {
                let effect = match due.origin {
                    Origin::Choice(c) => &model.choices[c].effects[due.effect],
                    Origin::Event(e) => &model.events[e].effects[due.effect],
                };
                self.apply_effect(effect, lanes);
            }
        }
        self.pending.retain(|p| p.due.last > t);

        // 3. Dynamics, all computed from the same state.
        self.open_streams(Purpose::Rules);
        let mut active = [0.0; LANES];
        for (rule, value) in model.rules.iter().zip(&mut self.rule_values) {
            if let Some(when) = &rule.when {
                when.eval_lanes(
                    &self.state,
                    &mut self.stack,
                    &mut self.streams,
                    all,
                    &mut active,
                );
            }
            rule.value
                .eval_lanes(&self.state, &mut self.stack, &mut self.streams, all, value);
            if rule.when.is_some() {
                for (v, active) in value.iter_mut().zip(active) {
                    if active == 0.0 {
                        *v = f64::NAN;
                    }
                }
            }
        }
        let mut i = 0;
        while i < model.rule_order.len() {
            let target = model.rules[model.rule_order[i]].target;
            let (lo, hi) = layout.bounds[target];
            let mut x: Lanes = [0.0; LANES];
            x.copy_from_slice(&self.state[target * LANES..(target + 1) * LANES]);
            while i < model.rule_order.len() && model.rules[model.rule_order[i]].target == target {
                let r = model.rule_order[i];
                let op = model.rules[r].op;
                let v = &self.rule_values[r];
                // One loop per operation, so that each is a plain loop over the lanes. A
                // value that is not finite leaves `x` as it is: adding -0.0 and multiplying
                // by 1 leave any number unchanged.
                match op {
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
                i += 1;
            }
            clamp_lanes(&mut x, lo, hi);
            self.row_mut(target).copy_from_slice(&x);
        }

        // 4. Events, their conditions all read on the state the dynamics produced.
        self.open_streams(Purpose::Events);
        let mut condition = [0.0; LANES];
        let mut probability = [0.0; LANES];
        for (e, event) in model.events.iter().enumerate() {
            let fired = (layout.fired + e) * LANES;
            let eligible = if model.scenario.events[e].repeat {
                all
            } else {
                all & lanes_where(|l| self.state[fired + l] == 0.0)
            };
            self.firing[e] = 0;
            if eligible == 0 && !event.condition.draws() && !event.probability.draws() {
                // Nothing to evaluate, but the streams move on as if it had been.
                let mut draw = [0.0; LANES];
                self.streams.uniform01_each(self.keys.len(), &mut draw);
                continue;
            }
            event.condition.eval_lanes(
                &self.state,
                &mut self.stack,
                &mut self.streams,
                all,
                &mut condition,
            );
            event.probability.eval_lanes(
                &self.state,
                &mut self.stack,
                &mut self.streams,
                all,
                &mut probability,
            );
            let mut draw = [0.0; LANES];
            self.streams.uniform01_each(self.keys.len(), &mut draw);
            self.firing[e] =
                eligible & lanes_where(|l| (condition[l] != 0.0) & (draw[l] < probability[l]));
            if model.scenario.events[e].inject {
                // Only an exercise or the teacher fires it.
                self.firing[e] = 0;
            }
        }
        self.open_streams(Purpose::EventEffects);
        for (e, event) in model.events.iter().enumerate() {
            let lanes = self.firing[e];
            if lanes == 0 {
                continue;
            }
            for l in lanes_of(lanes) {
                self.state[(layout.fired + e) * LANES + l] += 1.0;
            }
            for (i, effect) in event.effects.iter().enumerate() {
                let duration = effect.duration as usize;
                let later = if effect.delay == 0 {
                    self.apply_effect(effect, lanes);
                    (duration > 1).then(|| (t + 1, t + duration - 1))
                } else {
                    let first = t + effect.delay as usize;
                    Some((first, first + duration - 1))
                };
                if let Some((first, last)) = later {
                    self.pending.push(Pending {
                        due: super::Pending {
                            origin: Origin::Event(e),
                            effect: i,
                            first,
                            last,
                        },
                        lanes,
                    });
                }
            }
        }

        // 5. Derived quantities of the new state.
        self.turn += 1;
        for l in 0..LANES {
            self.state[Layout::TURN * LANES + l] = self.turn as f64;
        }
        self.derive();
        dropped
    }

    /// Decides, lane by lane, which of `choices` each lane takes (`self.taking`), as
    /// [`Sim::step_lenient`] does; returns how many were dropped.
    fn choose(&mut self, choices: &[usize]) -> u64 {
        let model = self.model;
        let layout = &model.layout;
        self.taking.fill(0);
        self.conditions.clear();
        for &c in choices {
            let mut values = [1.0; LANES];
            if let Some(condition) = model.choices.get(c).and_then(|c| c.condition.as_ref()) {
                condition.eval_lanes(&self.state, &mut self.stack, &mut NoDraws, 0, &mut values);
            }
            self.conditions.push(values);
        }
        // Lanes that have taken the same choices so far go through the rest together: what
        // their choices cost in total is the same for all of them, and only what each
        // lane holds is checked lane by lane. Usually every lane is in the one group.
        let mut dropped = 0;
        let mut groups = vec![Group {
            taken: Vec::new(),
            lanes: self.all(),
        }];
        for (k, &c) in choices.iter().enumerate() {
            let Some(choice) = model.choices.get(c) else {
                dropped += u64::from(self.all().count_ones());
                continue;
            };
            for g in 0..groups.len() {
                let Group { taken, lanes } = &groups[g];
                // Checked as `Sim::check` does; costs are skipped when there are none.
                let free = !taken.contains(&c)
                    && !choice
                        .group
                        .is_some_and(|g| taken.iter().any(|&o| model.choices[o].group == Some(g)));
                let mut ok = 0;
                if free {
                    self.alone.clear();
                    self.together.clear();
                    if !choice.cost.is_empty() {
                        self.alone.extend(totals(choice.cost.iter().copied()));
                        self.together.extend(totals(
                            taken
                                .iter()
                                .chain([&c])
                                .flat_map(|&o| model.choices[o].cost.iter().copied()),
                        ));
                    }
                    for l in lanes_of(*lanes) {
                        let get = |slot: usize| self.state[slot * LANES + l];
                        let condition = self.conditions[k][l];
                        let affords = |needs: &[(usize, f64)]| {
                            needs
                                .iter()
                                .all(|&(slot, need)| short(layout, slot, need, get).is_none())
                        };
                        if blocked(model, self.turn, c, get, |_| condition).is_none()
                            && affords(&self.alone)
                            && affords(&self.together)
                        {
                            ok |= 1 << l;
                        }
                    }
                }
                dropped += u64::from((lanes & !ok).count_ones());
                self.taking[c] |= ok;
                if ok == *lanes {
                    groups[g].taken.push(c);
                } else if ok != 0 {
                    let mut taken = taken.clone();
                    taken.push(c);
                    groups[g].lanes &= !ok;
                    groups.push(Group { taken, lanes: ok });
                }
            }
        }
        dropped
    }

    #[inline(always)]
    fn apply_effect(&mut self, effect: &CompiledEffect, lanes: u64) {
        let mut value = [0.0; LANES];
        effect.value.eval_lanes(
            &self.state,
            &mut self.stack,
            &mut self.streams,
            lanes,
            &mut value,
        );
        let slot = effect.target;
        let (lo, hi) = self.model.layout.bounds[slot];
        for l in lanes_of(lanes) {
            let x = &mut self.state[slot * LANES + l];
            let new = combine(effect.op, *x, value[l]);
            if new.is_finite() {
                *x = new.clamp(lo, hi);
            }
        }
    }

    /// A slot's lanes (see [`Batch::new`] for the slots not computed).
    // A slice of LANES values always converts to an array of LANES; no input reaches this.
    #[allow(clippy::expect_used)]
    pub fn row(&self, slot: usize) -> &Lanes {
        let row = &self.state[slot * LANES..(slot + 1) * LANES];
        row.try_into().expect("a row is LANES long")
    }

    // A slice of LANES values always converts to an array of LANES; no input reaches this.
    #[allow(clippy::expect_used)]
    fn row_mut(&mut self, slot: usize) -> &mut Lanes {
        let row = &mut self.state[slot * LANES..(slot + 1) * LANES];
        row.try_into().expect("a row is LANES long")
    }

    /// Policies, capabilities, approvals and pressure points, as [`Sim::derive`] does; the
    /// approvals and pressure points that nothing reads are left out.
    #[inline(always)]
    fn derive(&mut self) {
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
            if !self.wanted[layout.approval(a)] {
                continue;
            }
            let (mut distance, mut total) = ([0.0; LANES], [0.0; LANES]);
            for i in (0..model.issues.len()).filter(|&i| actor.has_stance[i]) {
                let s = self.row(layout.salience(a, i));
                let p = self.row(layout.policy(i));
                let x = self.row(layout.position(a, i));
                for l in 0..LANES {
                    distance[l] += s[l] * (p[l] - x[l]).abs();
                    total[l] += s[l];
                }
            }
            let approval = self.row_mut(layout.approval(a));
            for l in 0..LANES {
                approval[l] = if total[l] > 0.0 {
                    100.0 * (1.0 - distance[l] / total[l])
                } else {
                    50.0
                };
            }
        }
        for i in 0..model.issues.len() {
            if self.wanted[layout.pressure(i)] {
                self.pressure(i);
            }
        }
    }

    /// The pressure point of issue `i` in every lane: what `sim::weighted_median` gives for
    /// the actors' positions weighted by salience × capability, computed for all lanes at
    /// once. The points are put in order by a stable sorting network on the position as
    /// `total_cmp` orders it, which is the order the stable sort of `weighted_median` gives,
    /// so every sum is taken in the same order and the result is the same to the last bit.
    #[inline(always)]
    fn pressure(&mut self, i: usize) {
        let model = self.model;
        let layout = &model.layout;
        let members = &self.stances[i];
        let m = members.len();
        if m == 0 {
            self.row_mut(layout.pressure(i)).fill(0.5);
            return;
        }
        self.points.clear();
        for &a in members {
            let (x, s, c) = (
                self.row(layout.position(a, i)),
                self.row(layout.salience(a, i)),
                self.row(layout.capabilities + a),
            );
            let mut point = Point {
                x: *x,
                w: [0.0; LANES],
                key: [0; LANES],
            };
            for l in 0..LANES {
                point.w[l] = s[l] * c[l];
                point.key[l] = super::order_key(x[l]);
            }
            self.points.push(point);
        }
        // Sums start at -0.0, as `Iterator::sum` does.
        let (mut total, mut mean) = ([-0.0; LANES], [-0.0; LANES]);
        for p in &self.points {
            for l in 0..LANES {
                total[l] += p.w[l].max(0.0);
                mean[l] += p.x[l];
            }
        }
        // Odd-even transposition sort: m rounds of neighbours compared and exchanged. Each
        // round reads one buffer and writes every point into the other, so that no point is
        // read just after a partial write: exchanged in place, lane by lane, the points are
        // written with masked stores, which are slow to read back.
        // Every point of `sorted` is written in each round before it is read.
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
                for l in 0..LANES {
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
        let mut result = self.points[m - 1].x;
        let mut found = [false; LANES];
        let mut cumulative = [0.0; LANES];
        for p in &self.points {
            for l in 0..LANES {
                cumulative[l] += p.w[l].max(0.0);
                if !found[l] && cumulative[l] >= total[l] / 2.0 {
                    result[l] = p.x[l];
                    found[l] = true;
                }
            }
        }
        let row = self.row_mut(layout.pressure(i));
        for l in 0..LANES {
            row[l] = if total[l] <= 0.0 {
                mean[l] / m as f64
            } else {
                result[l]
            };
        }
    }
}

/// Lanes that have taken the same choices so far this turn (see [`Batch::choose`]).
struct Group {
    taken: Vec<usize>,
    lanes: u64,
}

/// One actor's point on an issue, in every lane (see [`Batch::pressure`]).
#[derive(Clone, Copy)]
struct Point {
    x: Lanes,
    w: Lanes,
    key: [i64; LANES],
}

impl Point {
    const ZERO: Self = Self {
        x: [0.0; LANES],
        w: [0.0; LANES],
        key: [0; LANES],
    };
}

/// Which slots some expression of `model` reads: the derived quantities worth computing.
pub(super) fn read_slots(model: &Model) -> Vec<bool> {
    let mut read = vec![false; model.layout.len()];
    let effects = model
        .choices
        .iter()
        .flat_map(|c| &c.effects)
        .chain(model.events.iter().flat_map(|e| &e.effects))
        .map(|e| &e.value);
    let programs = model
        .rules
        .iter()
        .flat_map(|r| r.when.iter().chain([&r.value]))
        .chain(effects)
        .chain(model.choices.iter().filter_map(|c| c.condition.as_ref()))
        .chain(
            model
                .events
                .iter()
                .flat_map(|e| [&e.condition, &e.probability]),
        )
        .chain(model.issues.iter().map(|i| &i.policy))
        .chain(model.actors.iter().map(|a| &a.capability))
        .chain(&model.outcomes)
        .chain(&model.goals);
    for program in programs {
        for slot in program.reads() {
            if let Some(r) = read.get_mut(slot) {
                *r = true;
            }
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, Model};
    use crate::sim::ensemble::Plan;

    /// Every lane against its run played alone, state by state, bit for bit. Returns the
    /// choices dropped and whether the lanes' histories of events parted ways.
    fn lanes_match_runs(model: &Model, start: &Sim, plan: &Plan, first: u64) -> (u64, bool) {
        let overrides = Overrides::none(model);
        let keys: Vec<RunKey> = (0..LANES as u64)
            .map(|i| RunKey::new(7, first + i))
            .collect();
        let mut alone: Vec<Sim> = keys.iter().map(|&k| start.fork(k, &overrides)).collect();
        let mut batch = Batch::complete(model);
        batch.reset(start, &keys, &overrides);
        let same = |batch: &Batch, alone: &[Sim], turn: usize| {
            for (l, sim) in alone.iter().enumerate() {
                for (slot, &want) in sim.state().iter().enumerate() {
                    let got = batch.value(slot, l);
                    assert!(
                        got.to_bits() == want.to_bits(),
                        "lane {l}, turn {turn}, slot {}: {got} != {want}",
                        model.layout.names[slot]
                    );
                }
            }
        };
        same(&batch, &alone, start.turn());
        let mut total = 0;
        for turn in start.turn()..model.turns() {
            let choices = plan.choices(turn);
            let dropped: u64 = alone
                .iter_mut()
                .map(|sim| sim.step_lenient(choices).expect("plays") as u64)
                .sum();
            assert_eq!(batch.step(choices), dropped, "dropped on turn {turn}");
            total += dropped;
            same(&batch, &alone, turn + 1);
        }
        let fired = model.layout.fired..model.layout.fired + model.events.len();
        let parted = alone
            .iter()
            .any(|sim| sim.state()[fired.clone()] != alone[0].state()[fired.clone()]);
        (total, parted)
    }

    /// A plan that asks for many choices, some of which some runs cannot take.
    fn greedy(model: &Model) -> Plan {
        let n = model.choices.len();
        Plan::weekly(
            (0..model.turns())
                .map(|t| (0..n).filter(|c| (c + t) % 3 != 0).collect())
                .collect(),
        )
    }

    #[test]
    fn lanes_play_as_runs_alone_from_the_start() {
        let model = scenario::default_model().expect("Mali");
        let overrides = Overrides::none(&model);
        let start = Sim::new(&model, RunKey::new(7, 0), &overrides);
        let (_, parted) = lanes_match_runs(
            &model,
            &start,
            &Plan::path(&model, "history").expect("history"),
            0,
        );
        assert!(parted, "events fire in some futures and not others");
        lanes_match_runs(
            &model,
            &start,
            &Plan::path(&model, "escalation").expect("escalation"),
            0,
        );
        let (dropped, _) = lanes_match_runs(&model, &start, &greedy(&model), 0);
        assert!(dropped > 0, "some futures cannot take every choice");
    }

    #[test]
    fn lanes_play_as_runs_alone_from_a_played_week() {
        let model = scenario::default_model().expect("Mali");
        let overrides = Overrides::none(&model);
        let history = model.path_decisions("history").expect("history");
        let mut start = Sim::new(&model, RunKey::new(7, 0), &overrides);
        for choices in &history[..5] {
            start.step(choices).expect("history plays");
        }
        let (dropped, parted) = lanes_match_runs(&model, &start, &greedy(&model), 100);
        assert!(dropped > 0 && parted);
    }

    #[test]
    fn pressure_points_are_the_weighted_median_of_each_lane() {
        let model = scenario::default_model().expect("Mali");
        let layout = &model.layout;
        let overrides = Overrides::none(&model);
        let keys: Vec<RunKey> = (0..LANES as u64).map(|i| RunKey::new(3, i)).collect();
        let mut batch = Batch::complete(&model);
        batch.reset(&Sim::new(&model, keys[0], &overrides), &keys, &overrides);
        // Ties, signed zeros, zero and negative weights, lane by lane.
        let values = [0.0, -0.0, 0.25, 0.25, 0.5, 1.0, f64::NAN];
        let weights = [0.0, 1.0, 2.0, -1.0, 0.5];
        let mut seed = 9u64;
        let mut pick = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for i in 0..model.issues.len() {
            for l in 0..LANES {
                for &a in &batch.stances[i] {
                    let all_zero = l % 5 == 0;
                    batch.state[layout.position(a, i) * LANES + l] = values[pick(values.len())];
                    batch.state[layout.salience(a, i) * LANES + l] = if all_zero {
                        0.0
                    } else {
                        weights[pick(weights.len())]
                    };
                    batch.state[(layout.capabilities + a) * LANES + l] = 1.0;
                }
            }
            batch.pressure(i);
            for l in 0..LANES {
                let mut points: Vec<(f64, f64)> = batch.stances[i]
                    .iter()
                    .map(|&a| {
                        (
                            batch.value(layout.position(a, i), l),
                            batch.value(layout.salience(a, i), l),
                        )
                    })
                    .collect();
                let want = crate::sim::weighted_median(&mut points);
                let got = batch.value(layout.pressure(i), l);
                assert_eq!(got.to_bits(), want.to_bits(), "issue {i}, lane {l}");
            }
        }
    }

    #[test]
    fn lanes_play_as_runs_alone_in_another_scenario() {
        let text = include_str!("../../scenarios/flood-relief.ron");
        let model = scenario::load_str("flood-relief.ron", text).expect("flood relief");
        let overrides = Overrides::none(&model);
        let start = Sim::new(&model, RunKey::new(7, 0), &overrides);
        let (dropped, _) = lanes_match_runs(&model, &start, &greedy(&model), 0);
        assert!(dropped > 0);
    }
}
