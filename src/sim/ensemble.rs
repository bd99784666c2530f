//! Ensembles: many futures of a scenario from one starting point, following one plan.
//!
//! An ensemble of N runs starts either at the beginning of the scenario or at the current
//! week of a played path ([`Start`]), and follows a [`Plan`] for the remaining turns. Run `i`
//! is a pure function of (model, overrides, start, plan, seed, `i`):
//!
//! - from the beginning, run `i` is `Sim::new(model, RunKey::new(seed, i), overrides)`;
//! - from a played week, the played decisions are replayed with the session key
//!   `RunKey::new(seed, 0)`, and run `i` is that run forked with `RunKey::new(seed, i + 1)`:
//!   the same past, its own future, the parameters redrawn (see [`Sim::fork`]).
//!
//! Runs are played 32 at a time in lockstep (`sim/batch.rs`), each giving exactly what it
//! gives played alone; with the averaged ledger they are played one at a time.
//!
//! Runs are cut into blocks whose size depends only on N; worker threads take whole blocks
//! and write into that block's part of preallocated arrays, and every sum is taken over a
//! block in run order and then over blocks in block order. So the result is the same to the
//! last bit whatever the number of threads. Two ensembles with the same seed and start use
//! the same random numbers for run `i` whatever their plans: common random numbers, the
//! basis of [`super::analysis`]'s paired comparisons.
//!
//! # Quantiles
//!
//! Every quantile here is Hyndman and Fan's type 7 (the default of R and NumPy): for a
//! sample of n values sorted as x₀ ≤ … ≤ xₙ₋₁ and 0 ≤ p ≤ 1, with h = (n − 1)·p,
//! Q(p) = x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋): linear interpolation between the two order
//! statistics around h. Order statistics are found by selection (a few linear passes per
//! column, see `select_ranks`), not by sorting.
//!
//! # Memory
//!
//! Fan-chart bands need every run's value of every banded indicator at every state, until
//! the quantiles are taken. They are kept as `f32` (quantiles are exact order statistics of
//! the `f32`-rounded values, about 7 significant digits; means are summed in `f64` from the
//! unrounded values): runs × states × banded indicators × 4 bytes, e.g. 21 MB for 10,000
//! runs of the Mali scenario with every indicator, 213 MB for 100,000. Ask for bands of
//! fewer indicators ([`Bands::Indicators`]) or none ([`Bands::None`]: comparisons and
//! sensitivity need only outcomes) to keep large ensembles small. Outcomes take runs ×
//! outcomes × 8 bytes, goals runs × goals bytes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::scenario::{Model, SlotKind};

use crate::scenario::expr::LANES;

use super::batch::{Batch, read_slots};
use super::rng::RunKey;
use super::slices::{self, Resume};
use super::{Cause, Decisions, Injects, Overrides, Refusal, Sim};

/// Runs in an ensemble unless asked otherwise.
pub const DEFAULT_RUNS: usize = 1_000;
/// The most runs one ensemble may have.
pub const MAX_RUNS: usize = 100_000;

/// The probabilities of the quantiles in a [`Summary`].
pub const QUANTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Why an ensemble gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnsembleError {
    /// The cancel flag was raised.
    #[error("cancelled")]
    Cancelled,
    #[error("the number of runs must be between 1 and {MAX_RUNS}, not {0}")]
    Runs(usize),
    #[error("the number of threads must be at least 1")]
    Threads,
    #[error("there is no indicator number {0}")]
    Indicator(usize),
    #[error("there is no choice number {0}")]
    Choice(usize),
    #[error("a comparison needs at least one plan")]
    NoPlans,
    /// Running in slices ([`super::slices`]), the slice's budget is spent: run the
    /// analysis again to go on.
    #[error("paused until the next slice")]
    Paused,
}

/// Where the runs of an ensemble start, with the seed and parameter overrides they use.
#[derive(Clone)]
pub struct Start<'m> {
    model: &'m Model,
    seed: u64,
    overrides: Overrides,
    /// The played run at its current week; `None` for the beginning.
    at: Option<Sim<'m>>,
}

impl<'m> Start<'m> {
    /// The beginning of the scenario: run `i` is a fresh run with `RunKey::new(seed, i)`.
    pub fn beginning(model: &'m Model, seed: u64, overrides: &Overrides) -> Self {
        Self {
            model,
            seed,
            overrides: overrides.clone(),
            at: None,
        }
    }

    /// The week after `played`: the decisions are replayed with the session key
    /// `RunKey::new(seed, 0)` and the overrides, as the session played them. Fails with the
    /// turn and the reason if a decision is refused.
    pub fn played(
        model: &'m Model,
        seed: u64,
        overrides: &Overrides,
        played: &[Vec<usize>],
    ) -> Result<Self, (usize, Refusal)> {
        Self::played_injected(model, seed, overrides, played, &Injects::new())
    }

    /// [`Start::played`] with the events `injects` fired at their turns, as an exercise or
    /// the teacher fired them in the session.
    pub fn played_injected(
        model: &'m Model,
        seed: u64,
        overrides: &Overrides,
        played: &[Vec<usize>],
        injects: &Injects,
    ) -> Result<Self, (usize, Refusal)> {
        let mut sim = Sim::new(model, RunKey::new(seed, 0), overrides);
        for (t, choices) in played.iter().enumerate() {
            if let Some(events) = injects.get(&t) {
                sim.inject(events);
            }
            sim.step(choices).map_err(|r| (t, r))?;
        }
        Ok(Self::from_sim(sim, seed, overrides))
    }

    /// The beginning when nothing was played, else the week after `played`
    /// ([`Start::played`]).
    pub fn after(
        model: &'m Model,
        seed: u64,
        overrides: &Overrides,
        played: &[Vec<usize>],
    ) -> Result<Self, (usize, Refusal)> {
        if played.is_empty() {
            Ok(Self::beginning(model, seed, overrides))
        } else {
            Self::played(model, seed, overrides, played)
        }
    }

    /// The current week of a run the caller already has, played with `RunKey::new(seed, 0)`.
    /// Its recording is switched off and its warnings dropped; runs fork from it.
    pub fn from_sim(mut sim: Sim<'m>, seed: u64, overrides: &Overrides) -> Self {
        sim.record = false;
        let _ = sim.take_record();
        sim.warnings.clear();
        Self {
            model: sim.model(),
            seed,
            overrides: overrides.clone(),
            at: Some(sim),
        }
    }

    /// The same start with other overrides for the runs' parameters (the played past is
    /// kept as it was played).
    pub fn with_overrides(&self, overrides: &Overrides) -> Self {
        Self {
            overrides: overrides.clone(),
            ..self.clone()
        }
    }

    /// The same start with another seed (independent random numbers, for checks of common
    /// random numbers). From a played week, the past is kept and only the futures change.
    pub fn with_seed(&self, seed: u64) -> Self {
        Self {
            seed,
            ..self.clone()
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// The turn the runs start at (0 from the beginning).
    pub fn turn(&self) -> usize {
        self.at.as_ref().map_or(0, Sim::turn)
    }

    /// The state the runs start from as the session sees it: the played run, or run 0 of
    /// an ensemble from the beginning.
    pub fn session_sim(&self) -> Sim<'m> {
        match &self.at {
            Some(sim) => sim.clone(),
            None => Sim::new(self.model, RunKey::new(self.seed, 0), &self.overrides),
        }
    }

    /// Run `run`'s key.
    fn run_key(&self, run: usize) -> RunKey {
        match &self.at {
            None => RunKey::new(self.seed, run as u64),
            Some(_) => RunKey::new(self.seed, run as u64 + 1),
        }
    }

    /// Run `run`'s simulator at the start.
    pub fn run_sim(&self, run: usize) -> Sim<'m> {
        match &self.at {
            None => Sim::new(self.model, self.run_key(run), &self.overrides),
            Some(sim) => sim.fork(self.run_key(run), &self.overrides),
        }
    }
}

/// What the player does in the remaining turns: the choices of each turn, indexed by the
/// turn's number from the start of the scenario (not from the start of the ensemble).
/// Turns past the end of `weeks` take no choice. Each turn is played with
/// [`Sim::step_lenient`]: choices that cannot be taken in some future are dropped there,
/// and counted in [`Ensemble::dropped_choices`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub weeks: Decisions,
    /// Events forced to fire at their turns in every future (an exercise's injects, or
    /// the teacher's), whatever their conditions.
    pub injects: Injects,
}

impl Plan {
    /// Hold the current course: no further choices (what was decided goes on).
    pub fn hold_course() -> Self {
        Self::default()
    }

    /// The same choices every turn from `from_turn` to the end (e.g. this week's choices).
    pub fn repeat(model: &Model, from_turn: usize, choices: &[usize]) -> Self {
        Self {
            injects: Injects::new(),
            weeks: (0..model.turns())
                .map(|t| {
                    if t >= from_turn {
                        choices.to_vec()
                    } else {
                        Vec::new()
                    }
                })
                .collect(),
        }
    }

    /// A reference path of the scenario, e.g. `history`.
    pub fn path(model: &Model, id: &str) -> Option<Self> {
        model.path_decisions(id).map(Self::weekly)
    }

    /// An explicit plan, week by week.
    pub fn weekly(weeks: Decisions) -> Self {
        Self {
            weeks,
            injects: Injects::new(),
        }
    }

    /// The choices planned for `turn`.
    pub fn choices(&self, turn: usize) -> &[usize] {
        self.weeks.get(turn).map_or(&[], Vec::as_slice)
    }

    /// This plan with `injects` fired in every future.
    pub fn with_injects(mut self, injects: Injects) -> Self {
        self.injects = injects;
        self
    }

    /// The events fired on `turn` whatever their conditions.
    pub fn injected(&self, turn: usize) -> &[usize] {
        self.injects.get(&turn).map_or(&[], Vec::as_slice)
    }

    /// This plan with `choice` taken on `turn`, before the other choices of that turn (so it
    /// is the one kept if they conflict).
    pub fn with_choice(&self, turn: usize, choice: usize) -> Self {
        let mut plan = self.without_choice(turn, choice);
        if plan.weeks.len() <= turn {
            plan.weeks.resize(turn + 1, Vec::new());
        }
        plan.weeks[turn].insert(0, choice);
        plan
    }

    /// This plan without `choice` on `turn`.
    pub fn without_choice(&self, turn: usize, choice: usize) -> Self {
        let mut plan = self.clone();
        if let Some(week) = plan.weeks.get_mut(turn) {
            week.retain(|&c| c != choice);
        }
        plan
    }
}

/// Which indicators get fan-chart bands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Bands {
    /// No bands: outcomes and goals only (cheapest in time and memory).
    None,
    /// Every indicator.
    #[default]
    All,
    /// These indicators (indices into the scenario's indicators).
    Indicators(Vec<usize>),
}

/// The most values one ensemble may keep for its bands. Every run's value of every banded
/// indicator at every state is kept (4 bytes each) until the quantiles are taken, so bands
/// of every indicator grow with the runs: 213 MB for 100,000 runs of the Mali scenario,
/// when the app itself takes about 115 MB of a 200 MB budget. 8 million values are 32 MB:
/// every Mali indicator up to 10,000 runs (5.3 million values), and the four charts shown
/// by default up to 100,000 (7.6 million). A comparison keeps one ensemble's values at a
/// time, so the budget holds for each of its plans.
pub const BAND_VALUES_BUDGET: usize = 8_000_000;

/// The bands of an ensemble of `runs` runs from `start_turn`, within
/// [`BAND_VALUES_BUDGET`]: every indicator when they all fit (so that showing another needs
/// no new run), else the indicators in `shown` (the most visible first), as many as fit,
/// in order. Indicators out of range are left out.
pub fn bands_within_budget(
    model: &Model,
    start_turn: usize,
    runs: usize,
    shown: &[usize],
) -> Bands {
    let indicators = model.scenario.indicators.len();
    let fit = bands_that_fit(model, start_turn, runs);
    if indicators <= fit {
        return Bands::All;
    }
    let mut banded: Vec<usize> = Vec::with_capacity(fit);
    for &i in shown {
        if banded.len() >= fit {
            break;
        }
        if i < indicators && !banded.contains(&i) {
            banded.push(i);
        }
    }
    // In order, so that the same indicators make the same request.
    banded.sort_unstable();
    Bands::Indicators(banded)
}

/// How many indicators an ensemble of `runs` runs from `start_turn` may band within
/// [`BAND_VALUES_BUDGET`].
pub fn bands_that_fit(model: &Model, start_turn: usize, runs: usize) -> usize {
    let states = model.turns().max(start_turn) - start_turn + 1;
    BAND_VALUES_BUDGET / runs.saturating_mul(states).max(1)
}

/// How to run an ensemble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Number of runs, 1 to [`MAX_RUNS`].
    pub runs: usize,
    /// Worker threads (at least 1); results do not depend on it.
    pub threads: usize,
    pub bands: Bands,
    /// Average the ledger over the runs (for "why did this change"); costs time.
    pub ledger: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            runs: DEFAULT_RUNS,
            threads: default_threads(),
            bands: Bands::All,
            ledger: false,
        }
    }
}

/// The number of cores, or 1 if unknown.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Progress and cancellation, shared with the caller (e.g. the UI thread).
#[derive(Debug, Clone, Copy, Default)]
pub struct Control<'a> {
    /// Increased by one for every run done (over all the ensembles of a comparison or a
    /// sensitivity analysis).
    pub progress: Option<&'a AtomicUsize>,
    /// When raised, the work stops within a run per thread and returns
    /// [`EnsembleError::Cancelled`].
    pub cancel: Option<&'a AtomicBool>,
}

impl Control<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn tick(&self) {
        self.tick_by(1);
    }

    fn tick_by(&self, runs: usize) {
        if let Some(p) = self.progress {
            p.fetch_add(runs, Ordering::Relaxed);
        }
    }
}

/// Quantiles, mean and range of a sample. Quantiles are type 7 (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// The summary of `values` (in any order; NaN sorts above every number). All zeros for
    /// an empty sample.
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let keys: Vec<u64> = values.iter().map(|&v| f64::key(v)).collect();
        summarize::<f64>(&keys, mean)
    }

    /// The quantile of probability `p`, one of [`QUANTILES`], else the nearest of them.
    pub fn quantile(&self, p: f64) -> f64 {
        let q = [
            self.p5, self.p10, self.p25, self.p50, self.p75, self.p90, self.p95,
        ];
        let k = QUANTILES
            .iter()
            .enumerate()
            .min_by(|a, b| (a.1 - p).abs().total_cmp(&(b.1 - p).abs()))
            .map_or(3, |(k, _)| k);
        q[k]
    }
}

/// The type 7 quantile of probability `p` (clamped to 0..=1) of `values`; 0 for an empty
/// sample.
pub fn quantile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut keys: Vec<u64> = values.iter().map(|&v| f64::key(v)).collect();
    keys.sort_unstable();
    let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
    quantile_by_rank(keys.len(), p, |rank| f64::value(keys[rank]))
}

/// ⌊h⌋ and h − ⌊h⌋ for h = (n − 1)·p.
fn position(n: usize, p: f64) -> (usize, f64) {
    let h = (n - 1) as f64 * p;
    let lo = (h.floor() as usize).min(n - 1);
    (lo, h - lo as f64)
}

/// The type 7 quantile of a non-empty sample of `n` values, given the value of each rank
/// (0 for the smallest).
fn quantile_by_rank(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    let (lo, frac) = position(n, p);
    let a = at(lo);
    if frac == 0.0 {
        a
    } else {
        a + frac * (at((lo + 1).min(n - 1)) - a)
    }
}

/// A stored sample value (`f64`, or `f32` for trajectories) and an unsigned integer key that
/// sorts like the value's `total_cmp` (NaN above every number): integers sort several times
/// faster than floats compared with `total_cmp`.
trait Sample: Copy {
    type Key: Copy + Ord + Into<u64>;
    fn key(self) -> Self::Key;
    fn value(key: Self::Key) -> f64;
}

impl Sample for f64 {
    type Key = u64;
    fn key(self) -> u64 {
        let bits = self.to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | 1 << 63
        }
    }
    fn value(key: u64) -> f64 {
        f64::from_bits(if key >> 63 == 1 {
            key & !(1 << 63)
        } else {
            !key
        })
    }
}

impl Sample for f32 {
    type Key = u32;
    fn key(self) -> u32 {
        let bits = self.to_bits();
        if bits >> 31 == 1 {
            !bits
        } else {
            bits | 1 << 31
        }
    }
    fn value(key: u32) -> f64 {
        f64::from(f32::from_bits(if key >> 31 == 1 {
            key & !(1 << 31)
        } else {
            !key
        }))
    }
}

/// Bits of the buckets [`select_ranks`] sorts keys into.
const BUCKET_BITS: u32 = 10;

/// Pushes onto `out` the keys of ranks `ranks` (ascending, distinct, each below
/// `keys.len()`) in the sorted order of `keys`: exact order statistics in a few passes.
/// Keys are spread over 2¹⁰ buckets by their leading bits above the smallest key, which
/// keeps their order between buckets; only the buckets holding a wanted rank are looked
/// into, the same way, until they are small enough to sort.
fn select_ranks<K: Copy + Ord + Into<u64>>(keys: &[K], ranks: &[usize], out: &mut Vec<K>) {
    if keys.len() <= 64 {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        out.extend(ranks.iter().map(|&r| sorted[r]));
        return;
    }
    let (min, max) = keys
        .iter()
        .fold((keys[0], keys[0]), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    if min == max {
        out.extend(ranks.iter().map(|_| min));
        return;
    }
    let lo: u64 = min.into();
    let span = max.into() - lo;
    let shift = (u64::BITS - span.leading_zeros()).saturating_sub(BUCKET_BITS);
    let bucket = |k: K| ((k.into() - lo) >> shift) as usize;
    // Counted in four tables, key by key in turn, then added up: many keys fall in the
    // same bucket as the one before, and each count would wait for the last.
    let mut tables = vec![[0u32; 4]; 1 << BUCKET_BITS];
    let quads = keys.chunks_exact(4);
    for &k in quads.remainder() {
        tables[bucket(k)][0] += 1;
    }
    for quad in quads {
        for (t, &k) in quad.iter().enumerate() {
            tables[bucket(k)][t] += 1;
        }
    }
    let counts: Vec<usize> = tables
        .iter()
        .map(|t| t.iter().map(|&c| c as usize).sum())
        .collect();
    // The bucket of each rank, and the first rank in that bucket.
    let mut wanted: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut b, mut below) = (0, 0);
    for &r in ranks {
        while below + counts[b] <= r {
            below += counts[b];
            b += 1;
        }
        wanted.push((b, below));
    }
    let mut groups: Vec<(usize, Vec<K>)> = Vec::new();
    let mut group_of = vec![usize::MAX; 1 << BUCKET_BITS];
    for &(b, _) in &wanted {
        if group_of[b] == usize::MAX {
            group_of[b] = groups.len();
            groups.push((b, Vec::with_capacity(counts[b])));
        }
    }
    for &k in keys {
        let g = group_of[bucket(k)];
        if g != usize::MAX {
            groups[g].1.push(k);
        }
    }
    let mut inner = Vec::new();
    for (g, (b, members)) in groups.iter().enumerate() {
        let first = wanted.iter().position(|&(wb, _)| wb == *b).unwrap_or(0);
        let below = wanted[first].1;
        inner.clear();
        inner.extend(
            ranks
                .iter()
                .zip(&wanted)
                .filter(|(_, (wb, _))| *wb == *b)
                .map(|(&r, _)| r - below),
        );
        debug_assert_eq!(group_of[*b], g);
        select_ranks(members, &inner, out);
    }
}

/// The summary of a non-empty sample given as keys, whose mean is known.
fn summarize<T: Sample>(keys: &[T::Key], mean: f64) -> Summary {
    let n = keys.len();
    // The order statistics the quantiles need, found by selection, smallest first: each
    // selection leaves the larger keys to its right, where the next one is looked for.
    let mut ranks = vec![0, n - 1];
    for p in QUANTILES {
        let (lo, frac) = position(n, p);
        ranks.push(lo);
        if frac != 0.0 {
            ranks.push((lo + 1).min(n - 1));
        }
    }
    ranks.sort_unstable();
    ranks.dedup();
    let mut found = Vec::with_capacity(ranks.len());
    select_ranks(keys, &ranks, &mut found);
    let at = |rank: usize| T::value(found[ranks.partition_point(|&r| r < rank)]);
    let q = |p: f64| quantile_by_rank(n, p, at);
    Summary {
        p5: q(QUANTILES[0]),
        p10: q(QUANTILES[1]),
        p25: q(QUANTILES[2]),
        p50: q(QUANTILES[3]),
        p75: q(QUANTILES[4]),
        p90: q(QUANTILES[5]),
        p95: q(QUANTILES[6]),
        mean,
        min: at(0),
        max: at(n - 1),
    }
}

/// Counts of a sample in equal bins between `low` and `high`.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub low: f64,
    pub high: f64,
    pub counts: Vec<usize>,
}

impl Histogram {
    /// `bins` equal bins (at least 1) spanning the sample's range; one bin when every
    /// value is the same.
    pub fn of(values: &[f64], bins: usize) -> Self {
        let finite = || values.iter().copied().filter(|v| v.is_finite());
        let low = finite().fold(f64::INFINITY, f64::min);
        let high = finite().fold(f64::NEG_INFINITY, f64::max);
        if low > high {
            return Self {
                low: 0.0,
                high: 0.0,
                counts: vec![0],
            };
        }
        let bins = if high > low { bins.max(1) } else { 1 };
        let mut counts = vec![0; bins];
        let width = (high - low) / bins as f64;
        for v in finite() {
            let b = if width > 0.0 {
                (((v - low) / width) as usize).min(bins - 1)
            } else {
                0
            };
            counts[b] += 1;
        }
        Self { low, high, counts }
    }

    /// The lower and upper edge of bin `b`.
    pub fn edges(&self, b: usize) -> (f64, f64) {
        let width = (self.high - self.low) / self.counts.len() as f64;
        (
            self.low + width * b as f64,
            self.low + width * (b + 1) as f64,
        )
    }
}

/// The ledger of "why", averaged over an ensemble's runs: for each turn played and each
/// (indicator, cause), the mean change that cause made to the indicator on that turn.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerMean {
    /// The first turn played by the runs.
    pub start_turn: usize,
    /// The (indicator, cause) pairs that can occur, in a fixed order.
    pub pairs: Vec<(usize, Cause)>,
    /// `mean[(turn - start_turn) * pairs.len() + k]`.
    mean: Vec<f64>,
}

impl LedgerMean {
    /// The mean change of `indicator` on `turn` (the turn from state `turn` to `turn + 1`)
    /// by cause, largest in size first; causes that never changed it are left out.
    pub fn breakdown(&self, turn: usize, indicator: usize) -> Vec<(Cause, f64)> {
        let Some(offset) = turn.checked_sub(self.start_turn) else {
            return Vec::new();
        };
        let n = self.pairs.len();
        let Some(row) = self.mean.get(offset * n..(offset + 1) * n) else {
            return Vec::new();
        };
        let mut out: Vec<(Cause, f64)> = self
            .pairs
            .iter()
            .zip(row)
            .filter(|((ind, _), v)| *ind == indicator && **v != 0.0)
            .map(|((_, cause), v)| (*cause, *v))
            .collect();
        out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        out
    }
}

/// The (indicator slot, cause) pairs a run's ledger can hold for indicators, sorted, with
/// the indicator index of each.
struct LedgerIndex {
    keys: Vec<(usize, Cause)>,
    indicators: Vec<usize>,
}

impl LedgerIndex {
    fn new(model: &Model) -> Self {
        let layout = &model.layout;
        let indicator_of = |slot: usize| match layout.kinds.get(slot) {
            Some(SlotKind::Indicator(i)) => Some(*i),
            _ => None,
        };
        let mut pairs: Vec<(usize, Cause)> = Vec::new();
        for rule in &model.rules {
            pairs.push((rule.target, Cause::Rule(rule.origin)));
        }
        for (c, choice) in model.choices.iter().enumerate() {
            for &(slot, _) in &choice.cost {
                pairs.push((slot, Cause::Cost { choice: c }));
            }
            for (e, effect) in choice.effects.iter().enumerate() {
                pairs.push((
                    effect.target,
                    Cause::Choice {
                        choice: c,
                        effect: e,
                    },
                ));
            }
        }
        for (ev, event) in model.events.iter().enumerate() {
            for (e, effect) in event.effects.iter().enumerate() {
                pairs.push((
                    effect.target,
                    Cause::Event {
                        event: ev,
                        effect: e,
                    },
                ));
            }
        }
        for i in 0..model.scenario.indicators.len() {
            pairs.push((layout.indicator(i), Cause::Bounds));
        }
        pairs.retain(|(slot, _)| indicator_of(*slot).is_some());
        pairs.sort_unstable();
        pairs.dedup();
        let indicators = pairs
            .iter()
            .map(|(slot, _)| indicator_of(*slot).unwrap_or(0))
            .collect();
        Self {
            keys: pairs,
            indicators,
        }
    }

    fn find(&self, slot: usize, cause: Cause) -> Option<usize> {
        self.keys.binary_search(&(slot, cause)).ok()
    }
}

/// The result of an ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    pub runs: usize,
    pub seed: u64,
    /// The turn the runs started at; bands cover states `start_turn..=turns`.
    pub start_turn: usize,
    /// The scenario's number of turns.
    pub turns: usize,
    /// Planned choices dropped because they could not be taken, over all runs.
    pub dropped_choices: u64,
    /// Per outcome, the distribution of its final value.
    pub outcomes: Vec<Summary>,
    /// Per goal, the share of runs (0..1) that meet it at the end.
    pub goals: Vec<f64>,
    /// The averaged ledger, when asked for.
    pub ledger: Option<LedgerMean>,
    band_indicators: Vec<usize>,
    /// `bands[k * states + s]` for banded indicator `k` and state `start_turn + s`.
    bands: Vec<Summary>,
    /// Per outcome, its value in each run, in run order.
    outcome_values: Vec<Vec<f64>>,
    /// `goals_met[run * goals + g]`.
    goals_met: Vec<bool>,
}

impl Ensemble {
    /// Number of states banded: `turns - start_turn + 1`.
    pub fn states(&self) -> usize {
        self.turns - self.start_turn + 1
    }

    /// The indicators that have bands.
    pub fn band_indicators(&self) -> &[usize] {
        &self.band_indicators
    }

    /// The bands of an indicator at states `start_turn..=turns`, if it was banded.
    pub fn band_series(&self, indicator: usize) -> Option<&[Summary]> {
        let k = self.band_indicators.iter().position(|&i| i == indicator)?;
        let states = self.states();
        self.bands.get(k * states..(k + 1) * states)
    }

    /// The band of an indicator at the state after `turn` turns.
    pub fn band(&self, indicator: usize, turn: usize) -> Option<&Summary> {
        self.band_series(indicator)?
            .get(turn.checked_sub(self.start_turn)?)
    }

    /// An outcome's final value in every run, in run order (run `i` pairs with run `i` of
    /// any ensemble with the same start).
    pub fn outcome_values(&self, outcome: usize) -> &[f64] {
        self.outcome_values.get(outcome).map_or(&[], Vec::as_slice)
    }

    /// An outcome's distribution in `bins` equal bins.
    pub fn histogram(&self, outcome: usize, bins: usize) -> Histogram {
        Histogram::of(self.outcome_values(outcome), bins)
    }

    /// Whether run `run` meets goal `goal` at the end.
    pub fn goal_met(&self, goal: usize, run: usize) -> bool {
        let goals = self.goals.len();
        goal < goals && self.goals_met.get(run * goals + goal) == Some(&true)
    }

    /// The share of runs (0..1) that meet every goal together; 0 when there are no goals.
    pub fn all_goals(&self) -> f64 {
        let goals = self.goals.len();
        if goals == 0 || self.runs == 0 {
            return 0.0;
        }
        let met = self
            .goals_met
            .chunks(goals)
            .filter(|run| run.iter().all(|&m| m))
            .count();
        met as f64 / self.runs as f64
    }
}

/// The part of the result arrays one block of runs writes.
struct BlockOut<'a> {
    first_run: usize,
    len: usize,
    /// `traj[col * len + r]`, col = k * states + s.
    traj: &'a mut [f32],
    /// Per column, the sum over the block's runs.
    sums: &'a mut [f64],
    /// `outcomes[r * outcomes + o]`.
    outcomes: &'a mut [f64],
    goals: &'a mut [bool],
    dropped: &'a mut u64,
    /// `ledger[s * pairs + k]`, summed over the block's runs.
    ledger: &'a mut [f64],
}

/// Runs per block: a function of the number of runs only, so that results do not depend
/// on the threads; at most 256 blocks, each a whole number of batches of [`LANES`] runs.
fn block_len(runs: usize) -> usize {
    runs.div_ceil(256).next_multiple_of(LANES)
}

/// What every block's runs share.
struct Job<'a, 'm> {
    start: &'a Start<'m>,
    plan: &'a Plan,
    band_slots: Vec<usize>,
    states: usize,
    ledger: Option<LedgerIndex>,
    /// The run the batches start from ([`Start::session_sim`]).
    template: Sim<'m>,
    /// The slots batches compute ([`read_slots`]).
    wanted: Vec<bool>,
}

impl<'m> Job<'_, 'm> {
    /// Runs the block; false if cancelled. `batch` is the worker's, made on its first
    /// block and reused for the others (a batch is large, and every run resets it).
    fn run_block(
        &self,
        out: &mut BlockOut,
        control: &Control,
        batch: &mut Option<Batch<'m>>,
    ) -> bool {
        if self.ledger.is_some() {
            self.run_block_alone(out, control)
        } else {
            let batch = batch.get_or_insert_with(|| Batch::new(self.start.model, &self.wanted));
            self.run_block_in_lanes(out, control, batch)
        }
    }

    /// Runs the block [`LANES`] runs at a time (see [`Batch`]): the same numbers as
    /// [`Job::run_block_alone`], several times faster.
    fn run_block_in_lanes(
        &self,
        out: &mut BlockOut,
        control: &Control,
        batch: &mut Batch<'m>,
    ) -> bool {
        let model = self.start.model;
        let start_turn = self.start.turn();
        let n_out = model.outcomes.len();
        let n_goals = model.goals.len();
        let mut keys = Vec::with_capacity(LANES);
        for first in (0..out.len).step_by(LANES) {
            if control.cancelled() {
                return false;
            }
            let lanes = LANES.min(out.len - first);
            keys.clear();
            keys.extend((0..lanes).map(|l| self.start.run_key(out.first_run + first + l)));
            batch.reset(&self.template, &keys, &self.start.overrides);
            for s in 0..self.states {
                if s > 0 {
                    let turn = start_turn + s - 1;
                    *out.dropped += batch.step(self.plan.choices(turn), self.plan.injected(turn));
                }
                for (k, &slot) in self.band_slots.iter().enumerate() {
                    let col = k * self.states + s;
                    let values = &batch.row(slot)[..lanes];
                    let traj = &mut out.traj[col * out.len + first..][..lanes];
                    for (t, &v) in traj.iter_mut().zip(values) {
                        *t = v as f32;
                    }
                    // Summed in run order, as a run at a time does, in a local: kept in
                    // memory, every addition would wait for the store of the one before.
                    out.sums[col] = values.iter().fold(out.sums[col], |sum, &v| sum + v);
                }
            }
            for (o, program) in model.outcomes.iter().enumerate() {
                let values = batch.eval(program);
                for (l, v) in values.iter().take(lanes).enumerate() {
                    out.outcomes[(first + l) * n_out + o] = *v;
                }
            }
            for (g, program) in model.goals.iter().enumerate() {
                let values = batch.eval(program);
                for (l, v) in values.iter().take(lanes).enumerate() {
                    out.goals[(first + l) * n_goals + g] = *v != 0.0;
                }
            }
            control.tick_by(lanes);
        }
        true
    }

    /// Runs the block one run at a time, with the ledger if asked.
    fn run_block_alone(&self, out: &mut BlockOut, control: &Control) -> bool {
        let model = self.start.model;
        let start_turn = self.start.turn();
        let n_out = model.outcomes.len();
        let n_goals = model.goals.len();
        let pairs = self.ledger.as_ref().map_or(0, |l| l.keys.len());
        for r in 0..out.len {
            if control.cancelled() {
                return false;
            }
            let mut sim = self.start.run_sim(out.first_run + r);
            sim.record = self.ledger.is_some();
            for s in 0..self.states {
                if s > 0 {
                    let turn = start_turn + s - 1;
                    sim.inject(self.plan.injected(turn));
                    if let Ok(dropped) = sim.step_lenient(self.plan.choices(turn)) {
                        *out.dropped += dropped as u64;
                    }
                    if let Some(index) = &self.ledger {
                        let record = sim.take_record();
                        let row = &mut out.ledger[(s - 1) * pairs..s * pairs];
                        for entry in &record.ledger {
                            if let Some(k) = index.find(entry.slot, entry.cause) {
                                row[k] += entry.delta;
                            }
                        }
                    }
                }
                let state = sim.state();
                for (k, &slot) in self.band_slots.iter().enumerate() {
                    let col = k * self.states + s;
                    let v = state[slot];
                    out.traj[col * out.len + r] = v as f32;
                    out.sums[col] += v;
                }
            }
            for (o, program) in model.outcomes.iter().enumerate() {
                out.outcomes[r * n_out + o] = sim.eval(program);
            }
            for (g, program) in model.goals.iter().enumerate() {
                out.goals[r * n_goals + g] = sim.eval(program) != 0.0;
            }
            control.tick();
        }
        true
    }
}

/// The result arrays of an ensemble under way, and how many of its blocks are done (see
/// [`super::slices`]).
pub(super) struct Partial {
    /// Runs, columns, outcomes, goals and ledger entries, to tell a different ensemble.
    shape: [usize; 5],
    traj: Vec<f32>,
    sums: Vec<f64>,
    outcomes: Vec<f64>,
    goals: Vec<bool>,
    dropped: Vec<u64>,
    ledger: Vec<f64>,
    next_block: usize,
}

impl Partial {
    fn new(shape: [usize; 5], blocks: usize) -> Self {
        let [runs, columns, n_out, n_goals, ledger_len] = shape;
        Self {
            shape,
            traj: vec![0f32; runs * columns],
            sums: vec![0f64; blocks * columns],
            outcomes: vec![0f64; runs * n_out],
            goals: vec![false; runs * n_goals],
            dropped: vec![0u64; blocks],
            ledger: vec![0f64; blocks * ledger_len],
            next_block: 0,
        }
    }

    /// Every block's part of the arrays, in run order.
    fn blocks(&mut self, block: usize) -> Vec<BlockOut<'_>> {
        let [runs, columns, n_out, n_goals, ledger_len] = self.shape;
        let mut work: Vec<BlockOut> = Vec::with_capacity(self.dropped.len());
        let mut traj = self.traj.as_mut_slice();
        let mut sums = self.sums.as_mut_slice();
        let mut outcomes = self.outcomes.as_mut_slice();
        let mut goals = self.goals.as_mut_slice();
        let mut ledger = self.ledger.as_mut_slice();
        for (b, dropped) in self.dropped.iter_mut().enumerate() {
            let first_run = b * block;
            let len = block.min(runs - first_run);
            let (t, rest) = std::mem::take(&mut traj).split_at_mut(len * columns);
            traj = rest;
            let (s, rest) = std::mem::take(&mut sums).split_at_mut(columns);
            sums = rest;
            let (o, rest) = std::mem::take(&mut outcomes).split_at_mut(len * n_out);
            outcomes = rest;
            let (g, rest) = std::mem::take(&mut goals).split_at_mut(len * n_goals);
            goals = rest;
            let (l, rest) = std::mem::take(&mut ledger).split_at_mut(ledger_len);
            ledger = rest;
            work.push(BlockOut {
                first_run,
                len,
                traj: t,
                sums: s,
                outcomes: o,
                goals: g,
                dropped,
                ledger: l,
            });
        }
        work
    }
}

/// Runs an ensemble of `options.runs` futures from `start` following `plan`.
pub fn run_ensemble(
    start: &Start,
    plan: &Plan,
    options: &Options,
    control: &Control,
) -> Result<Ensemble, EnsembleError> {
    let model = start.model;
    let runs = options.runs;
    if runs == 0 || runs > MAX_RUNS {
        return Err(EnsembleError::Runs(runs));
    }
    if options.threads == 0 {
        return Err(EnsembleError::Threads);
    }
    let n_ind = model.scenario.indicators.len();
    let band_indicators: Vec<usize> = match &options.bands {
        Bands::None => Vec::new(),
        Bands::All => (0..n_ind).collect(),
        Bands::Indicators(list) => {
            if let Some(&bad) = list.iter().find(|&&i| i >= n_ind) {
                return Err(EnsembleError::Indicator(bad));
            }
            list.clone()
        }
    };
    if control.cancelled() {
        return Err(EnsembleError::Cancelled);
    }
    let start_turn = start.turn();
    let turns = model.turns().max(start_turn);
    let states = turns - start_turn + 1;
    let job = Job {
        start,
        plan,
        band_slots: band_indicators
            .iter()
            .map(|&i| model.layout.indicator(i))
            .collect(),
        states,
        ledger: options.ledger.then(|| LedgerIndex::new(model)),
        template: start.session_sim(),
        wanted: read_slots(model),
    };
    let columns = job.band_slots.len() * states;
    let n_out = model.outcomes.len();
    let n_goals = model.goals.len();
    let pairs = job.ledger.as_ref().map_or(0, |l| l.keys.len());
    let ledger_len = (states - 1) * pairs;

    let block = block_len(runs);
    let blocks = runs.div_ceil(block);
    let shape = [runs, columns, n_out, n_goals, ledger_len];
    let sliced = slices::active();
    let (call, resume) = if sliced {
        slices::resume()
    } else {
        (0, Resume::New)
    };
    let mut partial = match resume {
        Resume::Done(ensemble) => return Ok(ensemble),
        Resume::Partial(partial) if partial.shape == shape => partial,
        Resume::Partial(_) | Resume::New => Partial::new(shape, blocks),
    };
    if sliced {
        // One block after another on this thread, until the slice's budget is spent.
        let mut next = partial.next_block;
        let mut paused = false;
        let mut batch = None;
        for mut out in partial.blocks(block).into_iter().skip(next) {
            if !job.run_block(&mut out, control, &mut batch) {
                break;
            }
            next += 1;
            if slices::spend(out.len) && next < blocks {
                paused = true;
                break;
            }
        }
        partial.next_block = next;
        if paused && !control.cancelled() {
            slices::pause(call, partial);
            return Err(EnsembleError::Paused);
        }
    } else {
        let mut work = partial.blocks(block);
        // Blocks are taken in run order, so progress moves through the runs roughly in order.
        work.reverse();
        let queue = Mutex::new(work);
        let worker = || {
            let mut batch = None;
            loop {
                let next = queue.lock().map(|mut q| q.pop()).unwrap_or(None);
                let Some(mut out) = next else { return };
                if !job.run_block(&mut out, control, &mut batch) {
                    return;
                }
            }
        };
        let threads = options.threads.min(blocks);
        if threads == 1 {
            worker();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(worker);
                }
            });
        }
    }
    let Partial {
        traj,
        sums,
        outcomes,
        goals,
        dropped,
        ledger,
        ..
    } = partial;
    if control.cancelled() {
        return Err(EnsembleError::Cancelled);
    }

    // Bands, one column at a time, the columns shared out among the threads.
    let mut bands = vec![Summary::default(); columns];
    // In slices, on the calling thread alone (it may have no others).
    let threads = if sliced { 1 } else { options.threads.max(1) };
    let per_thread = columns.div_ceil(threads).max(1);
    let summarize_columns = |first: usize, out: &mut [Summary]| {
        let mut scratch: Vec<u32> = Vec::with_capacity(runs);
        for (j, summary) in out.iter_mut().enumerate() {
            let col = first + j;
            scratch.clear();
            let mut sum = 0.0;
            for b in 0..blocks {
                let first_run = b * block;
                let len = block.min(runs - first_run);
                let base = first_run * columns + col * len;
                scratch.extend(traj[base..base + len].iter().map(|&v| v.key()));
                sum += sums[b * columns + col];
            }
            *summary = summarize::<f32>(&scratch, sum / runs as f64);
        }
    };
    if columns > 0 && per_thread >= columns {
        summarize_columns(0, &mut bands);
    } else if columns > 0 {
        std::thread::scope(|scope| {
            for (c, chunk) in bands.chunks_mut(per_thread).enumerate() {
                let f = &summarize_columns;
                if c + 1 == columns.div_ceil(per_thread) {
                    f(c * per_thread, chunk);
                } else {
                    scope.spawn(move || f(c * per_thread, chunk));
                }
            }
        });
    }
    drop(traj);

    let outcome_values: Vec<Vec<f64>> = (0..n_out)
        .map(|o| (0..runs).map(|r| outcomes[r * n_out + o]).collect())
        .collect();
    let outcome_summaries = outcome_values.iter().map(|v| Summary::of(v)).collect();
    let goal_shares = (0..n_goals)
        .map(|g| (0..runs).filter(|&r| goals[r * n_goals + g]).count() as f64 / runs as f64)
        .collect();
    let ledger = job.ledger.map(|index| {
        let mut mean = vec![0.0; ledger_len];
        for b in 0..blocks {
            for (m, v) in mean
                .iter_mut()
                .zip(&ledger[b * ledger_len..(b + 1) * ledger_len])
            {
                *m += v;
            }
        }
        for m in &mut mean {
            *m /= runs as f64;
        }
        LedgerMean {
            start_turn,
            pairs: index
                .indicators
                .iter()
                .zip(&index.keys)
                .map(|(&i, &(_, cause))| (i, cause))
                .collect(),
            mean,
        }
    });
    let ensemble = Ensemble {
        runs,
        seed: start.seed,
        start_turn,
        turns,
        dropped_choices: dropped.iter().sum(),
        outcomes: outcome_summaries,
        goals: goal_shares,
        ledger,
        band_indicators,
        bands,
        outcome_values,
        goals_met: goals,
    };
    if sliced {
        slices::finish(call, &ensemble);
    }
    Ok(ensemble)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Type 7 by sorting, the definition itself.
    fn by_sorting(values: &[f64], p: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    }

    #[test]
    fn quantiles_of_an_evenly_spaced_sample_are_exact() {
        // 0, 1, ..., 100 shuffled: type 7 gives Q(p) = 100 p.
        let values: Vec<f64> = (0..=100).map(|i| ((i * 37) % 101) as f64).collect();
        let s = Summary::of(&values);
        assert_eq!(
            (s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95),
            (5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0)
        );
        assert_eq!((s.min, s.max, s.mean), (0.0, 100.0, 50.0));
        assert!((quantile(&values, 0.333) - 33.3).abs() < 1e-12);
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        // n = 4: h = 3 p. p = 0.1 gives h = 0.3: 1 + 0.3 * (2 - 1).
        let values = [4.0, 1.0, 3.0, 2.0];
        assert!((quantile(&values, 0.1) - 1.3).abs() < 1e-12);
        assert_eq!(quantile(&values, 0.5), 2.5);
        assert_eq!(quantile(&values, 0.0), 1.0);
        assert_eq!(quantile(&values, 1.0), 4.0);
        assert_eq!(quantile(&[7.0], 0.9), 7.0);
        let s = Summary::of(&[7.0]);
        assert_eq!((s.p5, s.p95, s.min, s.max), (7.0, 7.0, 7.0, 7.0));
    }

    #[test]
    fn quantiles_of_a_normal_sample_approach_the_normal_quantiles() {
        // The standard normal at 20,001 evenly spaced probabilities.
        let n = 20_001;
        let values: Vec<f64> = (0..n)
            .map(|i| super::super::params::normal_quantile((i as f64 + 0.5) / n as f64))
            .rev()
            .collect();
        let s = Summary::of(&values);
        assert!((s.p50).abs() < 1e-9, "{}", s.p50);
        assert!((s.p10 + 1.281_551_565_5).abs() < 2e-4, "{}", s.p10);
        assert!((s.p90 - 1.281_551_565_5).abs() < 2e-4, "{}", s.p90);
        assert!((s.p5 + 1.644_853_626_9).abs() < 3e-4, "{}", s.p5);
        assert!((s.p75 - 0.674_489_750_2).abs() < 2e-4, "{}", s.p75);
    }

    #[test]
    fn key_sorting_agrees_with_the_definition_on_awkward_samples() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in [1usize, 2, 3, 5, 10, 11, 99, 1000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Many ties: only 7 distinct values.
                    (x % 7) as f64 - 3.0
                })
                .collect();
            let s = Summary::of(&values);
            for (p, got) in QUANTILES
                .iter()
                .zip([s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95])
            {
                assert_eq!(got, by_sorting(&values, *p), "n {n} p {p}");
            }
            let keys: Vec<u32> = values.iter().map(|&v| (v as f32).key()).collect();
            let s32 = summarize::<f32>(&keys, 0.0);
            assert_eq!(s32.p25, s.p25);
        }
    }

    #[test]
    fn keys_sort_like_total_cmp_and_give_the_value_back() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            3.5e10,
            f64::INFINITY,
            f64::NAN,
        ];
        for w in values.windows(2) {
            assert!(f64::key(w[0]) < f64::key(w[1]), "{} {}", w[0], w[1]);
            let (a, b) = (w[0] as f32, w[1] as f32);
            assert!(a.key() <= b.key(), "{a} {b}");
        }
        for v in values {
            assert_eq!(f64::value(v.key()).to_bits(), v.to_bits());
            assert_eq!(
                f32::value((v as f32).key()).to_bits(),
                f64::from(v as f32).to_bits()
            );
        }
    }

    #[test]
    fn histograms_count_every_value_once() {
        let h = Histogram::of(&[0.0, 1.0, 2.0, 3.0, 4.0], 4);
        assert_eq!(h.counts, vec![1, 1, 1, 2]);
        assert_eq!(h.edges(1), (1.0, 2.0));
        assert_eq!(Histogram::of(&[2.0, 2.0], 10).counts, vec![2]);
        assert_eq!(Histogram::of(&[], 3).counts, vec![0]);
    }

    /// `select_ranks` against sorting.
    fn check<K: Copy + Ord + Into<u64> + std::fmt::Debug>(keys: Vec<K>, ranks: &[usize]) {
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        let mut found = Vec::new();
        select_ranks(&keys, ranks, &mut found);
        let want: Vec<K> = ranks.iter().map(|&r| sorted[r]).collect();
        assert_eq!(found, want, "n = {}", keys.len());
    }

    #[test]
    fn ranks_are_selected_as_sorting_finds_them() {
        let mut seed = 12345u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 11
        };
        let samples: Vec<Vec<f64>> = vec![
            (0..10_000).map(|_| next() as f64).collect(),
            // Two clusters far apart, many ties, signed zeros, infinities and NaN.
            (0..5_000)
                .map(|i| match i % 7 {
                    0 => 1e9 + (next() % 100) as f64,
                    1 => 0.0,
                    2 => -0.0,
                    3 => f64::NAN,
                    4 => f64::NEG_INFINITY,
                    _ => (next() % 1000) as f64 * 1e-3,
                })
                .collect(),
            vec![3.5; 1_000],
            (0..70).map(|i| i as f64).collect(),
        ];
        for values in samples {
            let n = values.len();
            let ranks: Vec<usize> = [0, 1, n / 20, n / 2, n / 2 + 1, n - 2, n - 1]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            check(values.iter().map(|&v| f64::key(v)).collect(), &ranks);
            check(values.iter().map(|&v| (v as f32).key()).collect(), &ranks);
        }
    }

    #[test]
    fn blocks_depend_only_on_the_number_of_runs() {
        assert_eq!(block_len(1), LANES);
        assert_eq!(block_len(1_000), LANES);
        for runs in [1, 999, 10_000, 12_345, MAX_RUNS] {
            assert_eq!(block_len(runs) % LANES, 0, "whole batches");
            assert!(runs.div_ceil(block_len(runs)) <= 256);
        }
    }

    #[test]
    fn plans_add_and_remove_a_choice() {
        let plan = Plan::weekly(vec![vec![1, 2], vec![3]]);
        assert_eq!(plan.with_choice(0, 2).weeks[0], vec![2, 1]);
        assert_eq!(plan.without_choice(0, 2).weeks[0], vec![1]);
        assert_eq!(plan.with_choice(4, 5).choices(4), &[5]);
        assert_eq!(plan.choices(9), &[] as &[usize]);
    }

    /// Values an ensemble of `runs` runs from `start_turn` keeps for `bands`.
    fn stored(model: &Model, start_turn: usize, runs: usize, bands: &Bands) -> usize {
        let banded = match bands {
            Bands::None => 0,
            Bands::All => model.scenario.indicators.len(),
            Bands::Indicators(list) => list.len(),
        };
        runs * (model.turns() - start_turn + 1) * banded
    }

    #[test]
    fn bands_stay_within_the_budget_and_cover_the_charts_shown_first() {
        let model = crate::scenario::default_model().unwrap();
        assert_eq!(model.scenario.indicators.len(), 39);
        let shown = [9, 2, 9, 27, 5];
        // Every indicator while they all fit, whatever is shown: no new run for a new chart.
        for runs in [200, 1_000, 5_000] {
            assert_eq!(bands_within_budget(&model, 0, runs, &shown), Bands::All);
            assert_eq!(bands_within_budget(&model, 0, runs, &[]), Bands::All);
        }
        // 20,000 runs would keep 27.3 million values with every indicator: the shown ones.
        assert_eq!(
            bands_within_budget(&model, 0, 20_000, &shown),
            Bands::Indicators(vec![2, 5, 9, 27])
        );
        // 100,000 runs: two indicators fit (7 million values), the first two shown.
        let most = bands_within_budget(&model, 0, MAX_RUNS, &shown);
        assert_eq!(most, Bands::Indicators(vec![2, 9]));
        assert_eq!(bands_that_fit(&model, 0, MAX_RUNS), 2);
        let crowded = [1, 3, 5, 7, 11, 13];
        let bands = bands_within_budget(&model, 0, MAX_RUNS, &crowded);
        assert_eq!(bands, Bands::Indicators(vec![1, 3]));
        for start_turn in [0, 2, 17] {
            for runs in [10_000, 20_000, 50_000, MAX_RUNS] {
                let bands = bands_within_budget(&model, start_turn, runs, &crowded);
                let values = stored(&model, start_turn, runs, &bands);
                assert!(values <= BAND_VALUES_BUDGET, "{runs} runs: {values} values");
            }
        }
        // Fewer weeks left, fewer values: 100,000 runs of the last week band everything.
        assert_eq!(bands_within_budget(&model, 33, MAX_RUNS, &[]), Bands::All);
        // Out-of-range indicators are left out, not passed to the engine.
        assert_eq!(
            bands_within_budget(&model, 0, MAX_RUNS, &[39, 3]),
            Bands::Indicators(vec![3])
        );
    }
}
