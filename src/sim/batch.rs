//! Many runs of one plan stepped in lockstep: how ensembles play their futures.
//!
//! A [`Batch`] holds up to [`LANES`] runs that start from the same point and are asked to
//! take the same choices, and plays them with the turn every run plays
//! ([`Lockstep::play_turn`]), so each lane gives, to the last bit, what
//! [`Sim::step_lenient`] gives for that run alone. What is the batch's own is the lenient
//! choice, lane by lane, of the choices each run can take.
//!
//! A batch keeps no ledger, news or warnings; runs that need them are played with [`Sim`].

use crate::scenario::Model;
use crate::scenario::expr::{LANES, Lanes, NoDraws, Program};

use super::params::draw_parameters_lanes;
use super::rng::{LaneStreams, RunKey};
use super::turn::{Lockstep, NoLedger};
use super::{Overrides, Sim, affords_lanes, blocked_lanes, totals};

/// Up to [`LANES`] runs in lockstep.
pub(super) struct Batch<'m> {
    runs: Lockstep<'m, LANES>,
    /// Each lane's run key; the number of lanes in use.
    keys: Vec<RunKey>,
    streams: LaneStreams,
    /// Per planned choice of this turn, its condition's value.
    conditions: Vec<Lanes>,
    /// What a choice needs of each resource: alone, and with those taken before it.
    alone: Vec<(usize, f64)>,
    together: Vec<(usize, f64)>,
}

impl<'m> Batch<'m> {
    /// A batch for `model`; [`Batch::reset`] puts runs in it. Approvals and pressure
    /// points outside `wanted` (see [`read_slots`]) are not computed, and [`Batch::row`]
    /// of them is meaningless.
    pub fn new(model: &'m Model, wanted: &[bool]) -> Self {
        Self::with_wanted(model, Some(wanted.to_vec()))
    }

    /// A batch that computes every slot.
    #[cfg(test)]
    fn complete(model: &'m Model) -> Self {
        Self::with_wanted(model, None)
    }

    fn with_wanted(model: &'m Model, wanted: Option<Vec<bool>>) -> Self {
        Self {
            runs: Lockstep::new(model, 0, wanted),
            keys: Vec::with_capacity(LANES),
            streams: LaneStreams::new(&[]),
            conditions: Vec::new(),
            alone: Vec::new(),
            together: Vec::new(),
        }
    }

    /// Starts one run per key (at most [`LANES`]) from `template`'s state and scheduled
    /// effects, each with its parameters drawn with its key (bar the overrides): what
    /// [`Sim::fork`] does for one run, and what [`Sim::new`] gives when `template` is a
    /// fresh run.
    pub fn reset(&mut self, template: &Sim<'m>, keys: &[RunKey], overrides: &Overrides) {
        let model = self.runs.model;
        let layout = &model.layout;
        self.keys.clear();
        self.keys.extend(keys.iter().take(LANES));
        self.streams = LaneStreams::new(&self.keys);
        self.runs.spread(template.runs(), self.keys.len());
        let parameters = &mut self.runs.state[layout.parameters.start * LANES..]
            [..layout.parameters.len() * LANES];
        let lanes = self.keys.len();
        draw_parameters_lanes(model, &mut self.streams, lanes, overrides, parameters);
        self.runs.derive();
    }

    /// The mask of the lanes in use.
    fn all(&self) -> u64 {
        self.runs.all()
    }

    /// The value of `slot` in lane `lane`.
    #[cfg(test)]
    fn value(&self, slot: usize, lane: usize) -> f64 {
        self.runs.row(slot)[lane]
    }

    /// Evaluates a program that cannot draw, in every lane.
    pub fn eval(&mut self, program: &Program) -> Lanes {
        self.runs.eval(program)
    }

    /// A slot's lanes (see [`Batch::new`] for the slots not computed).
    pub fn row(&self, slot: usize) -> &Lanes {
        self.runs.row(slot)
    }

    /// Plays one turn in every lane, each taking those of `choices` it can, in order, as
    /// [`Sim::step_lenient`] does. Returns how many choices were dropped over the lanes.
    pub fn step(&mut self, choices: &[usize], injected: &[usize]) -> u64 {
        if self.runs.turn >= self.runs.model.turns() {
            return 0;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.step_avx2(choices, injected) };
        }
        self.step_portable(choices, injected)
    }

    /// [`Batch::step`] compiled for processors with AVX2, so that the loops over the lanes
    /// take four of them per instruction. Rust never fuses a multiply and an add by itself,
    /// so the numbers are the same either way.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn step_avx2(&mut self, choices: &[usize], injected: &[usize]) -> u64 {
        self.step_portable(choices, injected)
    }

    #[inline(always)]
    fn step_portable(&mut self, choices: &[usize], injected: &[usize]) -> u64 {
        let dropped = self.choose(choices);
        // Injected events that are not events of the scenario are ignored, as `Sim` does.
        let n = self.runs.model.scenario.events.len();
        if injected.iter().all(|&e| e < n) {
            self.runs
                .play_turn(&mut self.streams, &mut NoLedger, injected);
        } else {
            let known: Vec<usize> = injected.iter().copied().filter(|&e| e < n).collect();
            self.runs
                .play_turn(&mut self.streams, &mut NoLedger, &known);
        }
        dropped
    }

    /// Decides, lane by lane, which of `choices` each lane takes (`self.runs.taking`), as
    /// [`Sim::step_lenient`] does; returns how many were dropped.
    fn choose(&mut self, choices: &[usize]) -> u64 {
        let model = self.runs.model;
        let layout = &model.layout;
        self.runs.taking.fill(0);
        self.conditions.clear();
        for &c in choices {
            let mut values = [1.0; LANES];
            if let Some(condition) = model.choices.get(c).and_then(|c| c.condition.as_ref()) {
                condition.eval_lanes(
                    &self.runs.state,
                    &mut self.runs.stack,
                    &mut NoDraws,
                    0,
                    &mut values,
                );
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
            // Checked as `Sim::check` does, lanes at once; costs are skipped when there
            // are none.
            let state = &self.runs.state;
            let row = |slot: usize| -> Lanes { std::array::from_fn(|l| state[slot * LANES + l]) };
            let condition = self.conditions[k];
            let blocked = blocked_lanes::<LANES>(model, self.runs.turn, c, row, |_| condition);
            let mut open = blocked.iter().fold(self.all(), |open, &(_, b)| open & !b);
            if !choice.cost.is_empty() {
                self.alone.clear();
                self.alone.extend(totals(choice.cost.iter().copied()));
                open &= affords_lanes(layout, &self.alone, row);
            }
            for g in 0..groups.len() {
                let Group { taken, lanes } = &groups[g];
                let free = !taken.contains(&c)
                    && !choice
                        .group
                        .is_some_and(|g| taken.iter().any(|&o| model.choices[o].group == Some(g)));
                let mut ok = 0;
                if free {
                    ok = lanes & open;
                    if !choice.cost.is_empty() && ok != 0 {
                        self.together.clear();
                        self.together.extend(totals(
                            taken
                                .iter()
                                .chain([&c])
                                .flat_map(|&o| model.choices[o].cost.iter().copied()),
                        ));
                        ok &= affords_lanes(layout, &self.together, row);
                    }
                }
                dropped += u64::from((lanes & !ok).count_ones());
                self.runs.taking[c] |= ok;
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
}

/// Lanes that have taken the same choices so far this turn (see [`Batch::choose`]).
struct Group {
    taken: Vec<usize>,
    lanes: u64,
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
            let injected = plan.injected(turn);
            let dropped: u64 = alone
                .iter_mut()
                .map(|sim| {
                    sim.inject(injected);
                    sim.step_lenient(choices).expect("plays") as u64
                })
                .sum();
            assert_eq!(
                batch.step(choices, injected),
                dropped,
                "dropped on turn {turn}"
            );
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
    fn lanes_fire_injected_events_as_runs_alone_do() {
        // An exercise's injects: every event of the scenario forced in some week, and one
        // index that is no event (ignored by both).
        let model = scenario::default_model().expect("Mali");
        let overrides = Overrides::none(&model);
        let start = Sim::new(&model, RunKey::new(7, 0), &overrides);
        let mut injects = crate::sim::Injects::new();
        for e in 0..model.events.len() {
            injects.entry(e % model.turns()).or_default().push(e);
        }
        injects.entry(2).or_default().push(model.events.len() + 5);
        let plan = Plan::path(&model, "history")
            .expect("history")
            .with_injects(injects);
        lanes_match_runs(&model, &start, &plan, 0);
        // And the injects change the futures.
        let base = Sim::new(&model, RunKey::new(7, 1), &overrides);
        let mut with = base.fork(RunKey::new(7, 1), &overrides);
        let mut without = base.fork(RunKey::new(7, 1), &overrides);
        for turn in 0..model.turns() {
            with.inject(plan.injected(turn));
            with.step_lenient(plan.choices(turn)).expect("plays");
            without.step_lenient(plan.choices(turn)).expect("plays");
        }
        assert_ne!(with.state(), without.state());
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
        let stances: Vec<Vec<usize>> = (0..model.issues.len())
            .map(|i| {
                (0..model.actors.len())
                    .filter(|&a| model.actors[a].has_stance[i])
                    .collect()
            })
            .collect();
        for (i, stance) in stances.iter().enumerate() {
            for l in 0..LANES {
                for &a in stance {
                    let all_zero = l % 5 == 0;
                    batch.runs.state[layout.position(a, i) * LANES + l] =
                        values[pick(values.len())];
                    batch.runs.state[layout.salience(a, i) * LANES + l] = if all_zero {
                        0.0
                    } else {
                        weights[pick(weights.len())]
                    };
                    batch.runs.state[(layout.capabilities + a) * LANES + l] = 1.0;
                }
            }
            batch.runs.pressure(i);
            for l in 0..LANES {
                let mut points: Vec<(f64, f64)> = stance
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
