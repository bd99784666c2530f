//! The balance check: a search for the plans that meet the most goals, and the defects of
//! a scenario's design (plans that win too easily, choices that change nothing or cost
//! nothing, goals that cannot fail or cannot be met, outcomes that are never uncertain).
//!
//! Everything is measured on ensembles from the beginning of the scenario with common random
//! numbers ([`super::ensemble`]): run `i` of every plan is the same future, so two plans are
//! compared run by run, and the whole report is a pure function of (scenario, seed, runs,
//! evaluation limit), whatever the machine or the number of threads. The only thing that can
//! make it depend on the machine is the caller's stop flag (a wall-clock cap), and the
//! report says when it was raised.
//!
//! # Plans
//!
//! A plan gives the choices of each week; each future takes those that can be taken there
//! ([`Sim::step_lenient`]), so groups, turn windows, conditions, events that open choices,
//! `max_times` and costs are respected in every future. A plan's *score* is the expected
//! number of goals met (the sum of the goals' chances); ties go to the lower *listed cost*
//! (the sum of the planned choices' costs in every resource), then to fewer choices.
//!
//! The search is a steepest-ascent local search, started in turn from "no choices" and
//! from each of the scenario's reference paths, each start with its share of half the
//! evaluation limit. It tries, week by week and choice by choice, one change at a time: take the choice that week (instead of another of its group), drop it, or, when it
//! is already planned as often as `max_times` allows, move the nearest planned one to that
//! week. A change that adds a choice at a week where no future of the current plan can take
//! it (the state before that week is the same with the change) is not tried. Of a whole
//! round of changes, the best is kept if it raises the score, or keeps it
//! and improves the outcomes (each outcome's mean scaled by its size, signed by its
//! direction, averaged), so that steps towards a goal that needs several choices count; a
//! start's search ends when a round improves nothing, or at its share of the limit. The plan reported is the
//! best by score of all plans tried, pruned: its choices dropped one by one while that
//! keeps the goals met and so lowers the cost. Then, for each goal, the same search
//! from the best plan tried so far for that goal finds the plan that maximises its chance
//! (ties: the score, then the cost).
//!
//! # Defects and their thresholds
//!
//! A change is *beyond noise* when the mean of its paired differences (plan with minus plan
//! without, run by run) exceeds [`NOISE_SE`] standard errors of that mean; an outcome's
//! change must also be *material*: at least [`MATERIAL`] of the outcome's size (the larger
//! of its mean's magnitude and its 5–95 % range without the choice). A goal's chance moves
//! when the paired mean of met (1) or missed (0) moves beyond noise.
//!
//! - **Trivial win**: a plan tried meets every goal together in more than half the futures,
//!   by more than [`NOISE_SE`] binomial standard errors.
//! - **Dead choice**: a choice that, taken at any week it is open (available in at least one
//!   future of the base plan), moves no outcome and no goal chance beyond noise, under each
//!   base plan: "no choices" and the best plan. It is judged on a copy of the scenario where
//!   the choice is free, so that what its price crowds out (later choices the money no
//!   longer pays for) does not count as an effect. A choice never open is dead too.
//! - **Free lunch**: a choice that, at some week it is open, under a base plan, improves at
//!   least one outcome or goal chance beyond noise and worsens none, counting as outcomes
//!   what is left at the end of every resource it costs (less is worse).
//! - **Fixed goal**: met in at least [`FIXED_HIGH`] of the futures under every plan tried,
//!   or in at most [`FIXED_LOW`] under every plan tried (the per-goal search tries hard to
//!   raise it).
//! - **No spread**: an outcome whose 5–95 % range is zero (within 10⁻⁹ of its size) under
//!   every plan checked (no choices, the reference paths, the best and the per-goal plans):
//!   nine futures in ten give the same value, whatever the scenario's uncertainty.
//!
//! In both with and without plans of a (choice, week) pair, the choice and the others of its
//! group are taken out of that week of the base plan; the with plan then adds the choice.
//! Each plan the checks need is run once (the base plan without a choice serves every choice
//! it does not contain).
//!
//! # Budget
//!
//! A time budget becomes an evaluation limit at a fixed nominal speed
//! ([`NOMINAL_RUN_WEEKS_PER_SECOND`]) for the search's share of it ([`SEARCH_SHARE`]); the
//! rest is for the checks, which are not bounded. So the report is the same on every
//! machine, and a check at the default 60 s fits in it on 2 cores.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::scenario::balance::{DefectKind, Intended};
use crate::scenario::expr::{self, NameError, Query, Resolve};
use crate::scenario::{Better, Model};

use super::ensemble::{
    Bands, Control, Ensemble, EnsembleError, Options, Plan, Start, run_ensemble,
};
use super::{Overrides, Sim};

/// Standard errors a paired mean must exceed to be beyond noise.
pub const NOISE_SE: f64 = 3.0;
/// The smallest material change of an outcome, as a share of its size.
pub const MATERIAL: f64 = 0.01;
/// A goal met at least this often under every plan tried is fixed.
pub const FIXED_HIGH: f64 = 0.95;
/// A goal met at most this often under every plan tried is fixed.
pub const FIXED_LOW: f64 = 0.05;

/// How to check a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceOptions {
    /// Futures per plan.
    pub runs: usize,
    pub seed: u64,
    /// Worker threads; results do not depend on it.
    pub threads: usize,
    /// The most plans the search evaluates (the defect checks come on top).
    pub evaluations: usize,
}

/// Nominal speed used to turn a time budget into an evaluation limit: run-weeks simulated
/// per second. A fixed number, so that the limit (and the report) is the same on every
/// machine; about half of what 2 cores manage on the Mali scenario in a release build.
pub const NOMINAL_RUN_WEEKS_PER_SECOND: f64 = 1.5e6;

/// The share of a time budget the search gets; the defect checks, which run after it and
/// are not bounded by the evaluation limit, get the rest.
pub const SEARCH_SHARE: f64 = 0.5;

/// The evaluation limit that fits the search's share ([`SEARCH_SHARE`]) of `seconds` at the
/// nominal speed, at least 1.
pub fn evaluations_for_budget(model: &Model, runs: usize, seconds: f64) -> usize {
    let per_plan = (runs.max(1) * model.turns().max(1)) as f64;
    let n = (seconds.max(0.0) * SEARCH_SHARE * NOMINAL_RUN_WEEKS_PER_SECOND / per_plan).floor();
    if n.is_finite() {
        (n as usize).max(1)
    } else {
        1
    }
}

/// Progress and the caller's stop flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct BalanceControl<'a> {
    /// Increased by one for every plan evaluated.
    pub evaluations: Option<&'a AtomicUsize>,
    /// When raised, the search stops after the plan it is evaluating; the defect checks
    /// still run, on what was found.
    pub stop: Option<&'a AtomicBool>,
}

impl BalanceControl<'_> {
    fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// A plan and how it does.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanResult {
    pub plan: Plan,
    /// Per goal, the share of futures that meet it.
    pub goal_chances: Vec<f64>,
    /// The sum of the goal chances.
    pub expected_goals: f64,
    /// The share of futures that meet every goal.
    pub all_goals: f64,
    /// The sum of the planned choices' listed costs.
    pub listed_cost: f64,
    /// Per outcome, its mean.
    pub outcome_means: Vec<f64>,
    /// Planned choices that could not be taken, over all futures.
    pub dropped_choices: u64,
}

/// A defect and its evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// `plan` meets every goal in `share` of the futures.
    TrivialWin { plan: PlanResult },
    /// `choice` moves nothing at any of `open_weeks` (turn indices; empty: never open).
    DeadChoice {
        choice: usize,
        open_weeks: Vec<usize>,
    },
    /// `choice` taken on `turn` over `base` (a plan name: `none` or `best`) improves
    /// `improves` and worsens nothing.
    FreeLunch {
        choice: usize,
        turn: usize,
        base: &'static str,
        improves: Vec<Measure>,
    },
    /// `goal`'s chance stays between `lowest` and `highest` under all `plans` tried.
    FixedGoal {
        goal: usize,
        lowest: f64,
        highest: f64,
        plans: usize,
    },
    /// `outcome` has a zero 5–95 % range, at `value` under the best plan, under all `plans`
    /// checked.
    NoSpread {
        outcome: usize,
        value: f64,
        plans: usize,
    },
}

/// Something a choice can move, and by how much (paired mean).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Outcome {
        outcome: usize,
        change: f64,
    },
    Goal {
        goal: usize,
        change: f64,
    },
    /// What is left at the end of a resource of the player (`slot`).
    Resource {
        slot: usize,
        change: f64,
    },
}

impl Finding {
    pub fn kind(&self) -> DefectKind {
        match self {
            Finding::TrivialWin { .. } => DefectKind::TrivialWin,
            Finding::DeadChoice { .. } => DefectKind::DeadChoice,
            Finding::FreeLunch { .. } => DefectKind::FreeLunch,
            Finding::FixedGoal { .. } => DefectKind::FixedGoal,
            Finding::NoSpread { .. } => DefectKind::NoSpread,
        }
    }

    /// The id of what it is about, as a declaration names it (empty for a trivial win).
    pub fn target<'m>(&self, model: &'m Model) -> &'m str {
        let s = &model.scenario;
        match self {
            Finding::TrivialWin { .. } => "",
            Finding::DeadChoice { choice, .. } | Finding::FreeLunch { choice, .. } => {
                &s.choices[*choice].id
            }
            Finding::FixedGoal { goal, .. } => &s.goals[*goal].id,
            Finding::NoSpread { outcome, .. } => &s.outcomes[*outcome].id,
        }
    }
}

/// A defect found, and the author's declaration of it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Defect {
    pub finding: Finding,
    /// Declared intended, with this reason.
    pub declared: Option<Intended>,
}

/// The report of a balance check.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceReport {
    pub runs: usize,
    pub seed: u64,
    /// The plan with the highest score.
    pub best: PlanResult,
    /// Per goal, the plan found that maximises its chance.
    pub per_goal: Vec<PlanResult>,
    /// No choices, then each reference path, for comparison.
    pub references: Vec<(String, PlanResult)>,
    /// Every defect found, declared or not, in the order of [`DefectKind::ALL`].
    pub defects: Vec<Defect>,
    /// Declarations that match no defect found.
    pub unmatched: Vec<Intended>,
    /// Plans the search evaluated (distinct plans), and its limit.
    pub evaluations: usize,
    pub evaluation_limit: usize,
    /// Ensembles run to check defects, on top of the search.
    pub check_evaluations: usize,
    /// Whether the caller's stop flag cut the search short: the report may then differ on
    /// another machine.
    pub stopped: bool,
}

impl BalanceReport {
    /// The defects not declared intended.
    pub fn undeclared(&self) -> impl Iterator<Item = &Defect> {
        self.defects.iter().filter(|d| d.declared.is_none())
    }
}

/// How a plan does, as the search keeps it.
#[derive(Debug, Clone, PartialEq)]
struct Eval {
    /// Per goal, the futures that meet it.
    met: Vec<u32>,
    all_met: u32,
    cost: f64,
    choices: usize,
    /// The mean of every outcome, each scaled by its size without choices and signed so
    /// that higher is better, averaged over the outcomes.
    index: f64,
}

/// A plan in canonical form: one sorted list per turn, no trailing empty weeks.
type Key = Vec<Vec<usize>>;

fn canonical(plan: &Plan) -> Key {
    let mut weeks = plan.weeks.clone();
    for w in &mut weeks {
        w.sort_unstable();
        w.dedup();
    }
    while weeks.last().is_some_and(Vec::is_empty) {
        weeks.pop();
    }
    weeks
}

/// What a plan is judged by: goal futures met (the chosen goal's, or 0), then all goals'
/// futures met, then the lower cost, then fewer choices.
#[derive(Debug, Clone, Copy)]
enum Objective {
    Score,
    Goal(usize),
}

impl Objective {
    /// Whether `a` is better than `b`.
    fn better(self, a: &Eval, b: &Eval) -> bool {
        self.compare(a, b, false).is_gt()
    }

    /// Whether `a` is better than `b` as the search climbs: between plans that meet the
    /// goals equally often, the better outcomes first, then the cost. Steps towards a goal
    /// that needs several choices (two digs before the dike is high enough) then count as
    /// progress; the plans reported are pruned back to the cheapest (see `prune`).
    fn climbs(self, a: &Eval, b: &Eval) -> bool {
        self.compare(a, b, true).is_gt()
    }

    fn compare(self, a: &Eval, b: &Eval, smooth: bool) -> std::cmp::Ordering {
        let total = |e: &Eval| e.met.iter().map(|&m| u64::from(m)).sum::<u64>();
        let first = |e: &Eval| match self {
            Objective::Score => 0,
            Objective::Goal(g) => e.met.get(g).copied().unwrap_or(0),
        };
        let ordering = (first(a), total(a)).cmp(&(first(b), total(b)));
        let ordering = if smooth {
            ordering.then_with(|| a.index.total_cmp(&b.index))
        } else {
            ordering
        };
        ordering
            .then_with(|| b.cost.total_cmp(&a.cost))
            .then_with(|| b.choices.cmp(&a.choices))
    }
}

/// Resolves the name of one slot, to read a player's resource as an extra outcome.
struct OneSlot<'a> {
    name: &'a str,
    slot: usize,
}

impl Resolve for OneSlot<'_> {
    fn name(&self, name: &str) -> Result<u32, NameError> {
        if name == self.name {
            Ok(self.slot as u32)
        } else {
            Err(NameError {
                kind: crate::scenario::DiagnosticKind::UnknownName,
                message: format!("unknown name `{name}`"),
                hint: None,
            })
        }
    }

    fn query(&self, _: Query, id: &str) -> Result<u32, NameError> {
        Err(NameError {
            kind: crate::scenario::DiagnosticKind::UnknownName,
            message: format!("unknown id `{id}`"),
            hint: None,
        })
    }
}

/// The model with, after its outcomes, what is left of every resource a choice costs, and
/// those resources' slots.
fn with_resource_outcomes(model: &Model) -> (Model, Vec<usize>) {
    let mut slots: Vec<usize> = model
        .choices
        .iter()
        .flat_map(|c| c.cost.iter().map(|&(slot, _)| slot))
        .collect();
    slots.sort_unstable();
    slots.dedup();
    let mut augmented = model.clone();
    slots.retain(|&slot| {
        let name = &model.layout.names[slot];
        match expr::compile(name, &OneSlot { name, slot }, false) {
            Ok(program) => {
                augmented.outcomes.push(program);
                true
            }
            Err(_) => false,
        }
    });
    (augmented, slots)
}

/// The search and the checks, over one start.
struct Search<'a, 'm> {
    model: &'m Model,
    start: Start<'m>,
    options: Options,
    control: &'a BalanceControl<'a>,
    tried: BTreeMap<Key, Eval>,
    limit: usize,
    stopped: bool,
    checks: usize,
    /// Every (turn, choice) a plan may take by the choice's turn window.
    moves: Vec<(usize, usize)>,
    /// Per outcome of the scenario, +1 or -1 (higher or lower is better) and its size.
    scales: Vec<(f64, f64)>,
    /// The ensembles of the plans the defect checks may ask for, by plan exactly as run
    /// (the order of a week's choices decides which of two conflicting ones is kept): no
    /// choices, the plans of one choice the search tried, and those the checks ran.
    cache: BTreeMap<Key, Rc<Ensemble>>,
}

impl<'m> Search<'_, 'm> {
    fn ensemble(&self, plan: &Plan) -> Result<Ensemble, EnsembleError> {
        run_ensemble(&self.start, plan, &self.options, &Control::default())
    }

    /// The ensemble of `plan` for the checks, run once: the checks ask for the same plan
    /// many times (the base plan without a choice, for every choice that is not in it).
    fn checked(&mut self, plan: &Plan) -> Result<Rc<Ensemble>, EnsembleError> {
        let mut key = plan.weeks.clone();
        while key.last().is_some_and(Vec::is_empty) {
            key.pop();
        }
        if let Some(e) = self.cache.get(&key) {
            return Ok(Rc::clone(e));
        }
        let e = Rc::new(self.ensemble(plan)?);
        self.checks += 1;
        self.cache.insert(key, Rc::clone(&e));
        Ok(e)
    }

    fn listed_cost(&self, plan: &Plan) -> (f64, usize) {
        let choices = &self.model.scenario.choices;
        let mut cost = 0.0;
        let mut n = 0;
        for &c in plan.weeks.iter().flatten() {
            cost += choices[c].cost.values().sum::<f64>();
            n += 1;
        }
        (cost, n)
    }

    fn summarize(&self, plan: &Plan, e: &Ensemble) -> Eval {
        let index = self
            .scales
            .iter()
            .enumerate()
            .map(|(o, &(sign, scale))| sign * e.outcomes[o].mean / scale)
            .sum::<f64>()
            / self.scales.len().max(1) as f64;
        let goals = self.model.goals.len();
        let mut met = vec![0u32; goals];
        let mut all_met = 0;
        for run in 0..e.runs {
            let mut all = true;
            for (g, m) in met.iter_mut().enumerate() {
                if e.goal_met(g, run) {
                    *m += 1;
                } else {
                    all = false;
                }
            }
            all_met += u32::from(all);
        }
        let (cost, choices) = self.listed_cost(plan);
        Eval {
            met,
            all_met,
            cost,
            choices,
            index: if index.is_finite() { index } else { 0.0 },
        }
    }

    /// How `plan` does, from memory if it was tried; `None` past the limit or when stopped.
    fn evaluate(&mut self, plan: &Plan) -> Result<Option<Eval>, EnsembleError> {
        self.evaluate_bounded(plan, true)
    }

    /// As [`Search::evaluate`]; unbounded, past the limit and the stop flag.
    fn evaluate_bounded(
        &mut self,
        plan: &Plan,
        bounded: bool,
    ) -> Result<Option<Eval>, EnsembleError> {
        let key = canonical(plan);
        if let Some(e) = self.tried.get(&key) {
            return Ok(Some(e.clone()));
        }
        if bounded && (self.tried.len() >= self.limit || self.stopped) {
            return Ok(None);
        }
        if bounded && self.control.stopped() {
            self.stopped = true;
            return Ok(None);
        }
        let plan = Plan::weekly(key.clone());
        let ensemble = self.ensemble(&plan)?;
        let eval = self.summarize(&plan, &ensemble);
        // A plan of one choice is what the checks compare with no choices: keep it for them.
        if eval.choices == 1 {
            self.cache.insert(key.clone(), Rc::new(ensemble));
        }
        self.tried.insert(key, eval.clone());
        if let Some(p) = self.control.evaluations {
            p.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Some(eval))
    }

    /// `plan` with `choice` on `turn` taken out, and the others of its group too.
    fn without_group(&self, plan: &Plan, turn: usize, choice: usize) -> Plan {
        let group = self.model.choices[choice].group;
        let mut plan = plan.clone();
        if let Some(week) = plan.weeks.get_mut(turn) {
            week.retain(|&c| {
                c != choice && (group.is_none() || self.model.choices[c].group != group)
            });
        }
        plan
    }

    /// Whether the change at (turn, choice) to `plan` can change what happens, given
    /// `open` (the weeks each choice is open in some future of `plan`): a choice added at a
    /// week where no future of `plan` can take it is dropped in every future (the state
    /// before that week is the same with the change), unless the change also moves one of
    /// its earlier weeks (`max_times`).
    fn can_take(&self, plan: &Plan, open: &[Vec<bool>], turn: usize, choice: usize) -> bool {
        if plan.choices(turn).contains(&choice) || open[choice][turn] {
            return true;
        }
        let planned: Vec<usize> = (0..plan.weeks.len())
            .filter(|&t| t != turn && plan.choices(t).contains(&choice))
            .collect();
        let full = self.model.scenario.choices[choice]
            .max_times
            .is_some_and(|max| planned.len() >= max as usize);
        full && planned.iter().any(|&t| t < turn)
    }

    /// The change at (turn, choice) to `plan`, or `None` if there is none to make.
    fn changed(&self, plan: &Plan, turn: usize, choice: usize) -> Option<Plan> {
        if plan.choices(turn).contains(&choice) {
            return Some(plan.without_choice(turn, choice));
        }
        let mut next = self.without_group(plan, turn, choice);
        let max = self.model.scenario.choices[choice].max_times;
        let planned: Vec<usize> = (0..next.weeks.len())
            .filter(|&t| next.choices(t).contains(&choice))
            .collect();
        if let Some(max) = max
            && planned.len() >= max as usize
        {
            // Move the nearest planned one here (none planned: the choice can never be taken).
            let &from = planned.iter().min_by_key(|&&t| t.abs_diff(turn))?;
            next = next.without_choice(from, choice);
        }
        Some(next.with_choice(turn, choice))
    }

    /// Steepest-ascent local search from `plan` for `objective`: every change of a round
    /// is tried and the best kept, until a round improves nothing or the evaluation count
    /// reaches `until`.
    fn climb(
        &mut self,
        mut plan: Plan,
        objective: Objective,
        until: usize,
    ) -> Result<Plan, EnsembleError> {
        let saved = self.limit;
        self.limit = until.min(saved);
        let Some(mut current) = self.evaluate(&plan)? else {
            self.limit = saved;
            return Ok(plan);
        };
        'rounds: loop {
            let mut best: Option<(Plan, Eval)> = None;
            let open = self.open_weeks(&plan);
            for k in 0..self.moves.len() {
                let (turn, choice) = self.moves[k];
                if !self.can_take(&plan, &open, turn, choice) {
                    continue;
                }
                let Some(next) = self.changed(&plan, turn, choice) else {
                    continue;
                };
                let Some(e) = self.evaluate(&next)? else {
                    break 'rounds;
                };
                let against = best.as_ref().map_or(&current, |(_, b)| b);
                if objective.climbs(&e, against) {
                    best = Some((next, e));
                }
            }
            match best {
                Some((next, e)) => {
                    plan = Plan::weekly(canonical(&next));
                    current = e;
                }
                None => break,
            }
        }
        self.limit = saved;
        Ok(Plan::weekly(canonical(&plan)))
    }

    /// The best plan tried for `objective`, then pruned: each choice dropped in turn while
    /// that makes the plan no worse (so cheaper). Pruning is not bounded by the limit (it
    /// tries at most as many plans as the plan has choices, each round).
    fn best_tried(&mut self, objective: Objective) -> Result<Plan, EnsembleError> {
        let Some((key, eval)) = self
            .tried
            .iter()
            .fold(None::<(&Key, &Eval)>, |best, (k, e)| match best {
                Some((_, b)) if !objective.better(e, b) => best,
                _ => Some((k, e)),
            })
            .map(|(k, e)| (k.clone(), e.clone()))
        else {
            return Ok(Plan::hold_course());
        };
        let mut plan = Plan::weekly(key);
        let mut current = eval;
        loop {
            let mut changed = false;
            let planned: Vec<(usize, usize)> = plan
                .weeks
                .iter()
                .enumerate()
                .flat_map(|(t, w)| w.iter().map(move |&c| (t, c)))
                .collect();
            for (t, c) in planned {
                let next = plan.without_choice(t, c);
                if let Some(e) = self.evaluate_bounded(&next, false)?
                    && objective.better(&e, &current)
                {
                    plan = Plan::weekly(canonical(&next));
                    current = e;
                    changed = true;
                }
            }
            if !changed {
                return Ok(plan);
            }
        }
    }

    fn result(&mut self, plan: &Plan) -> Result<PlanResult, EnsembleError> {
        let plan = Plan::weekly(canonical(plan));
        let e = self.ensemble(&plan)?;
        self.checks += 1;
        Ok(self.result_of(&plan, &e))
    }

    fn result_of(&self, plan: &Plan, e: &Ensemble) -> PlanResult {
        let eval = self.summarize(plan, e);
        let runs = e.runs.max(1) as f64;
        let goal_chances: Vec<f64> = eval.met.iter().map(|&m| f64::from(m) / runs).collect();
        PlanResult {
            plan: plan.clone(),
            expected_goals: goal_chances.iter().sum(),
            goal_chances,
            all_goals: f64::from(eval.all_met) / runs,
            listed_cost: eval.cost,
            outcome_means: e
                .outcomes
                .iter()
                .take(self.model.scenario.outcomes.len())
                .map(|s| s.mean)
                .collect(),
            dropped_choices: e.dropped_choices,
        }
    }

    /// Per (choice, turn), whether the choice is available in at least one future of `plan`
    /// before that turn is played.
    fn open_weeks(&self, plan: &Plan) -> Vec<Vec<bool>> {
        let n = self.model.choices.len();
        let turns = self.model.turns();
        let mut open = vec![vec![false; turns]; n];
        for run in 0..self.options.runs {
            let mut sim: Sim = self.start.run_sim(run);
            for t in 0..turns {
                for (c, o) in open.iter_mut().enumerate() {
                    if !o[t] && sim.available(c).is_ok() {
                        o[t] = true;
                    }
                }
                if sim.step_lenient(plan.choices(t)).is_err() {
                    break;
                }
            }
        }
        open
    }
}

/// Paired comparison of two ensembles of the same futures.
struct Paired<'a> {
    with: &'a Ensemble,
    without: &'a Ensemble,
}

impl Paired<'_> {
    /// The mean paired difference of outcome `o` if it is beyond noise and material.
    fn outcome(&self, o: usize) -> Option<f64> {
        let a = self.with.outcome_values(o);
        let b = self.without.outcome_values(o);
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        let (mean, se) = mean_se(&d);
        let base = &self.without.outcomes[o];
        let size = base.mean.abs().max(base.p95 - base.p5);
        let floor = (MATERIAL * size).max(1e-9 * (1.0 + base.mean.abs()));
        (mean.is_finite() && mean.abs() > NOISE_SE * se && mean.abs() >= floor).then_some(mean)
    }

    /// The change in goal `g`'s chance if it is beyond noise.
    fn goal(&self, g: usize) -> Option<f64> {
        let d: Vec<f64> = (0..self.with.runs)
            .map(|r| {
                f64::from(u8::from(self.with.goal_met(g, r)))
                    - f64::from(u8::from(self.without.goal_met(g, r)))
            })
            .collect();
        let (mean, se) = mean_se(&d);
        (mean != 0.0 && mean.abs() > NOISE_SE * se).then_some(mean)
    }
}

/// Mean and standard error of the mean.
fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, (var / n as f64).sqrt())
}

/// Checks the balance of `model` (see the module docs).
pub fn check_balance(
    model: &Model,
    options: &BalanceOptions,
    control: &BalanceControl,
) -> Result<BalanceReport, EnsembleError> {
    let (augmented, resource_slots) = with_resource_outcomes(model);
    let overrides: Overrides = Overrides::none(model);
    let start = Start::beginning(&augmented, options.seed, &overrides);
    let turns = model.turns();
    let moves = (0..turns)
        .flat_map(|t| (0..model.choices.len()).map(move |c| (t, c)))
        .filter(|&(t, c)| {
            let spec = &model.scenario.choices[c];
            t as u32 >= spec.from_turn && spec.to_turn.is_none_or(|to| t as u32 <= to)
        })
        .collect();
    let ensemble_options = Options {
        runs: options.runs,
        threads: options.threads.max(1),
        bands: Bands::None,
        ledger: false,
    };
    let none = run_ensemble(
        &start,
        &Plan::hold_course(),
        &ensemble_options,
        &Control::default(),
    )?;
    let scales = model
        .scenario
        .outcomes
        .iter()
        .zip(&none.outcomes)
        .map(|(o, q)| {
            let sign = match o.better {
                Better::Higher => 1.0,
                Better::Lower => -1.0,
            };
            let size = q.mean.abs().max(q.p95 - q.p5);
            (sign, if size > 1e-12 { size } else { 1.0 })
        })
        .collect();
    let mut search = Search {
        model: &augmented,
        start,
        options: ensemble_options,
        control,
        tried: BTreeMap::new(),
        limit: options.evaluations.max(1),
        stopped: false,
        checks: 1,
        moves,
        scales,
        cache: BTreeMap::from([(Vec::new(), Rc::new(none))]),
    };
    let n_goals = model.goals.len();
    let n_out = model.scenario.outcomes.len();

    // The search: the best start, then the score, then each goal.
    let mut seeds = vec![("none".to_string(), Plan::hold_course())];
    for (p, path) in model.scenario.paths.iter().enumerate() {
        seeds.push((path.id.clone(), Plan::weekly(model.paths[p].clone())));
    }
    // Every start is tried whatever the budget, so the plan found is never worse than a
    // reference path, and no goal is called fixed that a reference path moves.
    for (_, plan) in &seeds {
        search.evaluate_bounded(plan, false)?;
    }
    // Each start gets its share of half the limit: a good start (a reference path) must
    // not keep the search from a better plan it cannot reach one change at a time.
    let limit = search.limit;
    for (k, (_, plan)) in seeds.iter().enumerate() {
        let used = search.tried.len();
        let share = (limit.div_ceil(2).saturating_sub(used)).div_ceil(seeds.len() - k);
        search.climb(plan.clone(), Objective::Score, used + share)?;
    }
    let mut goal_plans = Vec::with_capacity(n_goals);
    for g in 0..n_goals {
        let used = search.tried.len();
        let share = (limit.saturating_sub(used)).div_ceil(n_goals - g);
        let objective = Objective::Goal(g);
        let from = search
            .tried
            .iter()
            .fold(None::<(&Key, &Eval)>, |best, (k, e)| match best {
                Some((_, b)) if !objective.better(e, b) => best,
                _ => Some((k, e)),
            })
            .map_or_else(Plan::hold_course, |(k, _)| Plan::weekly(k.clone()));
        search.climb(from, objective, used + share)?;
        goal_plans.push(search.best_tried(objective)?);
    }
    // The per-goal searches may have found a plan with a better score.
    let best_plan = search.best_tried(Objective::Score)?;
    let evaluations = search.tried.len();

    // Results of the plans found and the references, with every outcome.
    let best_ensemble = search.ensemble(&best_plan)?;
    search.checks += 1;
    let best = search.result_of(&best_plan, &best_ensemble);
    let mut per_goal = Vec::with_capacity(n_goals);
    for plan in &goal_plans {
        per_goal.push(search.result(plan)?);
    }
    let mut references = Vec::new();
    let mut reference_ensembles = Vec::new();
    for (name, plan) in &seeds {
        let plan = Plan::weekly(canonical(plan));
        let e = search.ensemble(&plan)?;
        search.checks += 1;
        references.push((name.clone(), search.result_of(&plan, &e)));
        reference_ensembles.push(e);
    }

    let mut findings = Vec::new();

    // Trivial win: the plan tried that meets every goal most often.
    if n_goals > 0 {
        let runs = options.runs as f64;
        let winner = search
            .tried
            .iter()
            .fold(None::<(&Key, &Eval)>, |best, (k, e)| match best {
                Some((_, b)) if (e.all_met, b.cost) <= (b.all_met, e.cost) => best,
                _ => Some((k, e)),
            });
        if let Some((key, e)) = winner {
            let share = f64::from(e.all_met) / runs;
            let se = (share * (1.0 - share) / runs).sqrt();
            if share - 0.5 > NOISE_SE * se && share > 0.5 {
                let plan = Plan::weekly(key.clone());
                findings.push(Finding::TrivialWin {
                    plan: search.result(&plan)?,
                });
            }
        }
    }

    // Dead choices and free lunches, over no choices and the best plan.
    let bases = [("none", Plan::hold_course()), ("best", best_plan.clone())];
    let n_choices = model.choices.len();
    let mut open_anywhere = vec![Vec::new(); n_choices];
    let mut moves_something = vec![false; n_choices];
    let mut lunch: Vec<Option<Finding>> = vec![None; n_choices];
    // Whether a choice is dead is judged on what it does, not on what its price crowds out
    // (the money it takes from later choices): on a copy of the model where it is free.
    let free_models: Vec<Option<Model>> = (0..n_choices)
        .map(|c| {
            (!augmented.choices[c].cost.is_empty()).then(|| {
                let mut free = augmented.clone();
                free.choices[c].cost.clear();
                free.scenario.choices[c].cost.clear();
                free
            })
        })
        .collect();
    for (base_name, base) in &bases {
        let open = search.open_weeks(base);
        for (c, open) in open.iter().enumerate() {
            for t in (0..turns).filter(|&t| open[t]) {
                if !open_anywhere[c].contains(&t) {
                    open_anywhere[c].push(t);
                }
                if moves_something[c] && lunch[c].is_some() {
                    continue;
                }
                let without = search.without_group(base, t, c);
                let with = without.with_choice(t, c);
                if !moves_something[c] {
                    // A plan without the choice runs the same on the free copy.
                    let b = if without.weeks.iter().flatten().any(|&x| x == c) {
                        None
                    } else {
                        Some(search.checked(&without)?)
                    };
                    let (a, b) = match &free_models[c] {
                        Some(free) => {
                            let start = Start::beginning(free, options.seed, &overrides);
                            let run = |plan: &Plan| {
                                run_ensemble(&start, plan, &search.options, &Control::default())
                            };
                            let a = Rc::new(run(&with)?);
                            search.checks += 1;
                            let b = match b {
                                Some(b) => b,
                                None => {
                                    search.checks += 1;
                                    Rc::new(run(&without)?)
                                }
                            };
                            (a, b)
                        }
                        None => (search.checked(&with)?, search.checked(&without)?),
                    };
                    let paired = Paired {
                        with: &a,
                        without: &b,
                    };
                    moves_something[c] = (0..n_out).any(|o| paired.outcome(o).is_some())
                        || (0..n_goals).any(|g| paired.goal(g).is_some());
                }
                if lunch[c].is_some() {
                    continue;
                }
                let a = search.checked(&with)?;
                let b = search.checked(&without)?;
                let paired = Paired {
                    with: &a,
                    without: &b,
                };
                let mut better = Vec::new();
                let mut worse = false;
                for o in 0..n_out {
                    if let Some(change) = paired.outcome(o) {
                        let good = match model.scenario.outcomes[o].better {
                            Better::Higher => change > 0.0,
                            Better::Lower => change < 0.0,
                        };
                        if good {
                            better.push(Measure::Outcome { outcome: o, change });
                        } else {
                            worse = true;
                        }
                    }
                }
                for g in 0..n_goals {
                    if let Some(change) = paired.goal(g) {
                        if change > 0.0 {
                            better.push(Measure::Goal { goal: g, change });
                        } else {
                            worse = true;
                        }
                    }
                }
                for (k, &slot) in resource_slots.iter().enumerate() {
                    let spends = model.choices[c]
                        .cost
                        .iter()
                        .any(|&(s, v)| s == slot && v != 0.0);
                    match paired.outcome(n_out + k) {
                        Some(change) if spends && change < 0.0 => worse = true,
                        Some(change) if spends => better.push(Measure::Resource { slot, change }),
                        _ => {}
                    }
                }
                if !better.is_empty() && !worse && lunch[c].is_none() {
                    lunch[c] = Some(Finding::FreeLunch {
                        choice: c,
                        turn: t,
                        base: base_name,
                        improves: better,
                    });
                }
            }
        }
    }
    for c in 0..n_choices {
        if !moves_something[c] {
            let mut weeks = open_anywhere[c].clone();
            weeks.sort_unstable();
            findings.push(Finding::DeadChoice {
                choice: c,
                open_weeks: weeks,
            });
        }
    }
    findings.extend(lunch.into_iter().flatten());

    // Fixed goals, over every plan tried.
    let runs = options.runs.max(1) as f64;
    for g in 0..n_goals {
        let (lowest, highest) = search.tried.values().fold((1.0f64, 0.0f64), |(lo, hi), e| {
            let p = f64::from(e.met[g]) / runs;
            (lo.min(p), hi.max(p))
        });
        if !search.tried.is_empty() && (lowest >= FIXED_HIGH || highest <= FIXED_LOW) {
            findings.push(Finding::FixedGoal {
                goal: g,
                lowest,
                highest,
                plans: search.tried.len(),
            });
        }
    }

    // Outcomes with no spread, over the plans checked.
    let mut checked: Vec<&Ensemble> = vec![&best_ensemble];
    checked.extend(&reference_ensembles);
    let goal_ensembles = goal_plans
        .iter()
        .map(|p| search.ensemble(&Plan::weekly(canonical(p))))
        .collect::<Result<Vec<_>, _>>()?;
    search.checks += goal_ensembles.len();
    checked.extend(&goal_ensembles);
    for o in 0..n_out {
        let flat = checked.iter().all(|e| {
            let s = &e.outcomes[o];
            s.p95 - s.p5 <= 1e-9 * (1.0 + s.p50.abs())
        });
        if flat {
            findings.push(Finding::NoSpread {
                outcome: o,
                value: best_ensemble.outcomes[o].p50,
                plans: checked.len(),
            });
        }
    }

    findings.sort_by_key(|f| DefectKind::ALL.iter().position(|&k| k == f.kind()));
    let declarations = &model.scenario.balance;
    let defects: Vec<Defect> = findings
        .into_iter()
        .map(|finding| Defect {
            declared: declarations
                .declared(finding.kind(), finding.target(model))
                .cloned(),
            finding,
        })
        .collect();
    let unmatched = declarations
        .intended
        .iter()
        .filter(|i| {
            !defects
                .iter()
                .any(|d| d.finding.kind() == i.defect && d.finding.target(model) == i.target)
        })
        .cloned()
        .collect();
    Ok(BalanceReport {
        runs: options.runs,
        seed: options.seed,
        best,
        per_goal,
        references,
        defects,
        unmatched,
        evaluations,
        evaluation_limit: limit,
        check_evaluations: search.checks,
        stopped: search.stopped,
    })
}
