//! The work of the what-if analyses, done on the worker ([`crate::ui::worker`]): each
//! analysis' request, taken from the session and the settings (two equal requests give the
//! same result), and the job that answers it with everything the sections show, plot
//! points and sentences ready to draw. No drawing here.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::settings::{Compared, SENSITIVITY_MAX_RUNS, Settings, StartAt, plan_kinds};
use super::words::{
    compared_name, difference_text, outcome_spread_text, outcome_value, percent, plan_label,
    points_text, range_text, start_label,
};
use crate::plan::shared_past;
use crate::scenario::{Model, format_number};
use crate::session::Session;
use crate::sim::Cause;
use crate::sim::analysis::{
    ChoiceEffect, Comparison, Sensitivity, Statistic, compare, explain_choice, sensitivity,
};
use crate::sim::ensemble::{
    Bands, Control, Ensemble, Histogram, Options, Plan, Start, Summary, bands_within_budget,
    default_threads, run_ensemble,
};
use crate::sim::{Decisions, Injects, Overrides};
use crate::ui::fan::{FanSeries, bands_note};
use crate::ui::text::{amount, cause_label, signed, with_unit};
use crate::ui::worker::JobError;

/// Bins of an outcome's histogram.
const HISTOGRAM_BINS: usize = 24;

/// The inputs of an ensemble, taken from the session and the settings. Two equal bases
/// give the same ensemble.
#[derive(Debug, Clone)]
pub struct Basis {
    pub model: Arc<Model>,
    pub seed: u64,
    pub overrides: Overrides,
    /// The weeks played before the futures start; empty for the beginning.
    pub past: Decisions,
    /// The plan, with the events the exercise or the teacher fires in the session's weeks
    /// (they fire in the past replayed and in every future alike).
    pub plan: Plan,
    pub runs: usize,
}

impl PartialEq for Basis {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.model, &other.model)
            && self.seed == other.seed
            && self.overrides == other.overrides
            && self.past == other.past
            && self.plan == other.plan
            && self.runs == other.runs
    }
}

impl Basis {
    /// The futures the settings ask for. At the end of the scenario there is no future
    /// left from this week, so they start from the first week.
    pub fn new(session: &Session, settings: &Settings) -> Self {
        let weeks = session.plan_weeks(&settings.plan);
        let cursor = session.cursor();
        let past = match settings.start {
            StartAt::ThisWeek if cursor < session.model().turns() => {
                session.active_branch().decisions[..cursor].to_vec()
            }
            StartAt::ThisWeek | StartAt::Beginning => Vec::new(),
        };
        Self {
            model: session.model().clone(),
            seed: session.seed(),
            overrides: session.overrides().clone(),
            past,
            plan: Plan::weekly(weeks).with_injects(session.active_injects()),
            runs: settings.runs,
        }
    }

    /// The same futures from this week whatever the settings say.
    pub fn this_week(session: &Session, settings: &Settings) -> Self {
        Self::new(
            session,
            &Settings {
                start: StartAt::ThisWeek,
                ..settings.clone()
            },
        )
    }

    /// The start of the runs (replays the weeks played, so call it on the worker).
    pub fn start(&self) -> Result<Start<'_>, JobError> {
        start_after(
            &self.model,
            self.seed,
            &self.overrides,
            &self.past,
            &self.plan.injects,
        )
    }

    /// The turn the futures start at.
    pub fn start_turn(&self) -> usize {
        self.past.len()
    }

    pub fn options(&self, bands: Bands, ledger: bool) -> Options {
        Options {
            runs: self.runs,
            threads: default_threads(),
            bands,
            ledger,
        }
    }
}

/// Where futures start: the beginning when nothing was played, else after `past` (replayed,
/// so call it on the worker).
pub fn start_after<'m>(
    model: &'m Model,
    seed: u64,
    overrides: &Overrides,
    past: &Decisions,
    injects: &Injects,
) -> Result<Start<'m>, JobError> {
    if past.is_empty() {
        Ok(Start::beginning(model, seed, overrides))
    } else {
        Start::played_injected(model, seed, overrides, past, injects).map_err(|(turn, refusal)| {
            JobError::Failed(format!("week {} cannot be replayed: {refusal}", turn + 1))
        })
    }
}

/// The request of the main ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct FuturesRequest {
    pub basis: Basis,
    /// Average the ledger too (for the Explain section).
    pub ledger: bool,
    /// The indicators banded ([`bands_within_budget`]): all of them unless there are too
    /// many futures, so that a new choice of charts runs again only then.
    pub bands: Bands,
}

impl FuturesRequest {
    /// The main ensemble the settings ask for, banding `charted` first if not every
    /// indicator fits the memory budget ([`bands_within_budget`]), with the ledger
    /// averaged if `ledger` (for the Explain section).
    pub fn new(session: &Session, settings: &Settings, charted: &[usize], ledger: bool) -> Self {
        let basis = Basis::new(session, settings);
        let bands = bands_within_budget(session.model(), basis.start_turn(), basis.runs, charted);
        Self {
            basis,
            ledger,
            bands,
        }
    }
}

/// One outcome's distribution over the futures, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpread {
    pub name: String,
    pub summary: Summary,
    /// In words, for reading.
    pub text: String,
    pub histogram: Histogram,
}

/// One goal's chance over the futures.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalChance {
    pub name: String,
    pub share: f64,
    pub text: String,
}

/// An ensemble with everything the panels show of it.
#[derive(Debug, Clone)]
pub struct Futures {
    pub ensemble: Ensemble,
    /// Per indicator, its fan (`None` if it was not banded).
    pub fans: Vec<Option<FanSeries>>,
    /// Why some indicators have no fan, if some have none ([`bands_note`]).
    pub bands_note: Option<String>,
    pub outcomes: Vec<OutcomeSpread>,
    pub goals: Vec<GoalChance>,
    /// What was simulated, in words.
    pub headline: String,
}

/// Runs the main ensemble and prepares what is drawn of it.
pub fn run_futures(
    request: &FuturesRequest,
    plan_name: &str,
    control: Control<'_>,
) -> Result<Futures, JobError> {
    let basis = &request.basis;
    let model = &*basis.model;
    let start = basis.start()?;
    let ensemble = run_ensemble(
        &start,
        &basis.plan,
        &basis.options(request.bands.clone(), request.ledger),
        &control,
    )?;
    let fans = (0..model.scenario.indicators.len())
        .map(|i| FanSeries::build(model, &ensemble, i))
        .collect();
    let outcomes = model
        .scenario
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, outcome)| {
            let summary = ensemble.outcomes[o];
            OutcomeSpread {
                name: outcome.name.clone(),
                summary,
                text: outcome_spread_text(model, o, &summary),
                histogram: ensemble.histogram(o, HISTOGRAM_BINS),
            }
        })
        .collect();
    let goals = model
        .scenario
        .goals
        .iter()
        .zip(&ensemble.goals)
        .map(|(goal, &share)| GoalChance {
            name: goal.name.clone(),
            share,
            text: format!("met in {} of futures", percent(share)),
        })
        .collect();
    let mut headline = format!(
        "{} simulated futures {} to the end, following: {}.",
        format_number(ensemble.runs as f64, 0),
        start_label(model, ensemble.start_turn),
        plan_name.to_lowercase()
    );
    if ensemble.dropped_choices > 0 {
        headline.push_str(&format!(
            " {} planned choices could not be taken in some futures and were left out there.",
            format_number(ensemble.dropped_choices as f64, 0)
        ));
    }
    Ok(Futures {
        bands_note: bands_note(model, &ensemble),
        ensemble,
        fans,
        outcomes,
        goals,
        headline,
    })
}

/// The inputs of a comparison.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    pub model: Arc<Model>,
    pub seed: u64,
    pub overrides: Overrides,
    /// The weeks all the plans share, played before the futures start.
    pub past: Decisions,
    /// Each plan's name and choices; the first is the baseline.
    pub plans: Vec<(String, Plan)>,
    pub runs: usize,
    /// The indicators banded in each plan's futures ([`bands_within_budget`]).
    pub bands: Bands,
}

impl PartialEq for CompareRequest {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.model, &other.model)
            && self.seed == other.seed
            && self.overrides == other.overrides
            && self.past == other.past
            && self.plans == other.plans
            && self.runs == other.runs
            && self.bands == other.bands
    }
}

impl CompareRequest {
    /// The comparison the settings ask for, if at least two things are ticked. From this
    /// week, the plans start at the latest week they all share (this week, unless a branch
    /// parted earlier).
    pub fn new(session: &Session, settings: &Settings) -> Option<Self> {
        let offered = plan_kinds(session);
        let items: Vec<&Compared> = settings
            .compared
            .iter()
            .filter(|item| match item {
                Compared::Plan(kind) => offered.contains(kind),
                Compared::Branch(b) => *b < session.branches().len(),
            })
            .collect();
        if items.len() < 2 {
            return None;
        }
        let weeks: Vec<Decisions> = items
            .iter()
            .map(|item| match item {
                Compared::Plan(kind) => session.plan_weeks(kind),
                Compared::Branch(b) => session.branches()[*b].decisions.clone(),
            })
            .collect();
        let over = session.cursor() >= session.model().turns();
        let past = match settings.start {
            StartAt::Beginning => Vec::new(),
            StartAt::ThisWeek if over => Vec::new(),
            StartAt::ThisWeek => shared_past(&weeks, session.cursor()),
        };
        let bands = bands_within_budget(
            session.model(),
            past.len(),
            settings.runs,
            &[settings.compare_indicator],
        );
        Some(CompareRequest {
            model: session.model().clone(),
            seed: session.seed(),
            overrides: session.overrides().clone(),
            past,
            plans: items
                .iter()
                .zip(weeks)
                .map(|(item, w)| {
                    let plan = Plan::weekly(w).with_injects(session.active_injects());
                    (compared_name(session, item), plan)
                })
                .collect(),
            runs: settings.runs,
            bands,
        })
    }
}

/// One outcome or goal of the comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    /// The outcome with its unit, or the goal.
    pub name: String,
    /// Per plan, its value in words.
    pub cells: Vec<String>,
    /// Per plan after the first, its difference from the first in words.
    pub differences: Vec<String>,
}

/// A comparison with everything shown of it.
#[derive(Debug, Clone)]
pub struct CompareResult {
    pub names: Vec<String>,
    pub comparison: Comparison,
    pub outcome_rows: Vec<CompareRow>,
    pub goal_rows: Vec<CompareRow>,
    /// `fans[plan][indicator]` (`None` if it was not banded).
    pub fans: Vec<Vec<Option<FanSeries>>>,
    /// Why some indicators have no fan, if some have none.
    pub bands_note: Option<String>,
    pub headline: String,
}

/// Runs the comparison and prepares what is drawn of it.
pub fn run_compare(
    request: &CompareRequest,
    control: Control<'_>,
) -> Result<CompareResult, JobError> {
    let model = &*request.model;
    let injects = request
        .plans
        .first()
        .map(|(_, p)| p.injects.clone())
        .unwrap_or_default();
    let start = start_after(
        model,
        request.seed,
        &request.overrides,
        &request.past,
        &injects,
    )?;
    let plans: Vec<Plan> = request.plans.iter().map(|(_, p)| p.clone()).collect();
    let options = Options {
        runs: request.runs,
        threads: default_threads(),
        bands: request.bands.clone(),
        ledger: false,
    };
    let comparison = compare(&start, &plans, &options, &control)?;
    let names: Vec<String> = request.plans.iter().map(|(n, _)| n.clone()).collect();
    let outcome_rows = model
        .scenario
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, outcome)| CompareRow {
            name: if outcome.unit.is_empty() {
                outcome.name.clone()
            } else {
                format!("{} ({})", outcome.name, outcome.unit)
            },
            cells: comparison
                .ensembles
                .iter()
                .map(|e| range_text(model, o, &e.outcomes[o]))
                .collect(),
            differences: comparison.differences[1..]
                .iter()
                .map(|d| difference_text(model, o, &d[o]))
                .collect(),
        })
        .collect();
    let goal_rows = model
        .scenario
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| CompareRow {
            name: goal.name.clone(),
            cells: comparison
                .ensembles
                .iter()
                .map(|e| percent(e.goals[g]))
                .collect(),
            differences: comparison.goal_differences[1..]
                .iter()
                .map(|d| points_text(d[g]))
                .collect(),
        })
        .collect();
    let fans = comparison
        .ensembles
        .iter()
        .map(|e| {
            (0..model.scenario.indicators.len())
                .map(|i| FanSeries::build(model, e, i))
                .collect()
        })
        .collect();
    let headline = format!(
        "{} plans in the same {} simulated futures {}.",
        names.len(),
        format_number(request.runs as f64, 0),
        start_label(model, request.past.len())
    );
    let bands_note = comparison
        .ensembles
        .first()
        .and_then(|e| bands_note(model, e));
    Ok(CompareResult {
        names,
        comparison,
        outcome_rows,
        goal_rows,
        fans,
        bands_note,
        headline,
    })
}

/// The inputs of a choice's explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainRequest {
    /// The futures from this week.
    pub basis: Basis,
    pub choice: usize,
    /// The plan in words.
    pub plan_name: String,
}

impl ExplainRequest {
    /// The explanation the settings ask for, if they name a choice of the scenario: the
    /// futures from this week, with and without it.
    pub fn new(session: &Session, settings: &Settings) -> Option<Self> {
        let model = session.model();
        let choice = settings
            .explain_choice
            .filter(|&c| c < model.choices.len())?;
        Some(Self {
            basis: Basis::this_week(session, settings),
            choice,
            plan_name: plan_label(model, &settings.plan),
        })
    }
}

/// One row of an explanation: without the choice, with it, and the change.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectRow {
    pub name: String,
    pub without: String,
    pub with: String,
    pub change: String,
}

/// A choice's explanation, ready to show.
#[derive(Debug, Clone)]
pub struct ChoiceExplained {
    pub effect: ChoiceEffect,
    pub headline: String,
    /// Why the choice cannot be taken this week, if it cannot.
    pub refusal: Option<String>,
    pub outcome_rows: Vec<EffectRow>,
    pub goal_rows: Vec<EffectRow>,
}

/// Runs the paired ensembles with and without the choice.
pub fn run_explain_choice(
    request: &ExplainRequest,
    control: Control<'_>,
) -> Result<ChoiceExplained, JobError> {
    let basis = &request.basis;
    let model = &*basis.model;
    let start = basis.start()?;
    let effect = explain_choice(
        &start,
        &basis.plan,
        request.choice,
        &basis.options(Bands::None, false),
        &control,
    )?;
    let outcome_rows = model
        .scenario
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, outcome)| EffectRow {
            name: outcome.name.clone(),
            without: outcome_value(model, o, effect.without().outcomes[o].p50),
            with: outcome_value(model, o, effect.with().outcomes[o].p50),
            change: difference_text(model, o, &effect.outcome_changes()[o]),
        })
        .collect();
    let goal_rows = model
        .scenario
        .goals
        .iter()
        .enumerate()
        .map(|(g, goal)| EffectRow {
            name: goal.name.clone(),
            without: percent(effect.without().goals[g]),
            with: percent(effect.with().goals[g]),
            change: points_text(effect.goal_changes()[g]),
        })
        .collect();
    let choice = &model.scenario.choices[request.choice].label;
    let headline = format!(
        "Taking “{choice}” in week {} ({}), against not taking it, in the same {} simulated \
         futures; otherwise: {}.",
        effect.turn + 1,
        model.date(effect.turn).human(),
        format_number(basis.runs as f64, 0),
        request.plan_name.to_lowercase()
    );
    Ok(ChoiceExplained {
        refusal: effect.refusal.as_ref().map(|r| r.to_string()),
        effect,
        headline,
        outcome_rows,
        goal_rows,
    })
}

/// What moved an indicator, averaged over the futures.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub title: String,
    /// Each cause in words with its mean change, largest first.
    pub rows: Vec<(String, String)>,
}

/// The mean change of `indicator` by cause over `week` (a turn index), or over every
/// week simulated; `None` without an averaged ledger.
pub fn breakdown(
    model: &Model,
    ensemble: &Ensemble,
    indicator: usize,
    week: Option<usize>,
) -> Option<Breakdown> {
    let ledger = ensemble.ledger.as_ref()?;
    let ind = model.scenario.indicators.get(indicator)?;
    let (first, last) = match week {
        Some(w) if (ensemble.start_turn..ensemble.turns).contains(&w) => (w, w + 1),
        Some(_) => return None,
        None => (ensemble.start_turn, ensemble.turns),
    };
    let mut sums: BTreeMap<Cause, f64> = BTreeMap::new();
    for t in first..last {
        for (cause, delta) in ledger.breakdown(t, indicator) {
            *sums.entry(cause).or_insert(0.0) += delta;
        }
    }
    let mut causes: Vec<(Cause, f64)> = sums.into_iter().filter(|(_, d)| *d != 0.0).collect();
    causes.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let precision = Some(ind.precision as usize);
    let value = |v: f64| with_unit(format_number(v, ind.precision as usize), &ind.unit);
    // Among very many futures only some indicators are banded: no means to show then.
    let means = ensemble
        .band(indicator, first)
        .zip(ensemble.band(indicator, last))
        .map(|(before, after)| (before.mean, after.mean));
    let when = match week {
        Some(w) => format!(
            "in week {} ({} to {})",
            w + 1,
            model.date(w).human(),
            model.date(w + 1).human()
        ),
        None => format!(
            "from {} to {}",
            model.date(first).human(),
            model.date(last).human()
        ),
    };
    let runs = format_number(ensemble.runs as f64, 0);
    let title = match means {
        Some((before, after)) => format!(
            "{} {when}, on average over {runs} futures: from {} to {}.",
            ind.name,
            value(before),
            value(after)
        ),
        None => format!("{} {when}, on average over {runs} futures.", ind.name),
    };
    Some(Breakdown {
        title,
        rows: causes
            .into_iter()
            .map(|(cause, d)| (cause_label(model, cause), signed(d, precision)))
            .collect(),
    })
}

/// The inputs of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRequest {
    pub basis: Basis,
}

impl SensitivityRequest {
    /// The analysis the settings ask for, at most [`SENSITIVITY_MAX_RUNS`] runs per
    /// ensemble.
    pub fn new(session: &Session, settings: &Settings) -> Self {
        let mut basis = Basis::new(session, settings);
        basis.runs = basis.runs.min(SENSITIVITY_MAX_RUNS);
        Self { basis }
    }
}

/// One bar of a tornado chart, with its words.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    pub parameter: String,
    pub at_low: f64,
    pub at_high: f64,
    pub text: String,
}

/// A tornado chart of one outcome for one statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// The outcome's statistic with every parameter drawn as usual.
    pub baseline: f64,
    /// Largest swing first.
    pub rows: Vec<TornadoRow>,
}

/// A sensitivity analysis with its charts ready to draw.
#[derive(Debug, Clone)]
pub struct SensitivityResult {
    pub sensitivity: Sensitivity,
    /// `tornados[outcome][statistic]`, the statistic as in [`statistic_index`].
    pub tornados: Vec<[Tornado; 2]>,
    pub headline: String,
}

/// The statistics a tornado can show, in the order of [`SensitivityResult::tornados`].
pub const STATISTICS: [(Statistic, &str); 2] =
    [(Statistic::Mean, "average"), (Statistic::Median, "median")];

pub fn statistic_index(statistic: Statistic) -> usize {
    STATISTICS
        .iter()
        .position(|(s, _)| *s == statistic)
        .unwrap_or(0)
}

/// Runs every parameter at its low and high value and prepares the tornado charts.
pub fn run_sensitivity(
    request: &SensitivityRequest,
    control: Control<'_>,
) -> Result<SensitivityResult, JobError> {
    let basis = &request.basis;
    let model = &*basis.model;
    let start = basis.start()?;
    let result = sensitivity(
        &start,
        &basis.plan,
        &basis.options(Bands::None, false),
        &control,
    )?;
    let tornados = (0..model.scenario.outcomes.len())
        .map(|o| STATISTICS.map(|(statistic, _)| tornado(model, &result, o, statistic)))
        .collect();
    let headline = format!(
        "Each uncertain number set to its low value (10th percentile) and then to its high \
         value (90th percentile), the others drawn as usual: {} simulated futures each.",
        format_number(result.runs as f64, 0)
    );
    Ok(SensitivityResult {
        sensitivity: result,
        tornados,
        headline,
    })
}

fn tornado(model: &Model, s: &Sensitivity, outcome: usize, statistic: Statistic) -> Tornado {
    let baseline = s.baseline.get(outcome).map_or(0.0, |b| statistic.of(b));
    let rows = s
        .tornado(outcome, statistic)
        .into_iter()
        .map(|bar| {
            let p = &model.scenario.parameters[bar.parameter];
            let value = |v: f64| with_unit(amount(v), &p.unit);
            let o = &model.scenario.outcomes[outcome];
            let swing = bar.swing();
            let moved = format_number(swing.abs(), o.precision as usize);
            let moved = if moved.chars().all(|c| !c.is_ascii_digit() || c == '0') {
                "no change".to_string()
            } else if swing > 0.0 {
                format!("up by {moved}")
            } else {
                format!("down by {moved}")
            };
            TornadoRow {
                parameter: p.name.clone(),
                at_low: bar.at_low,
                at_high: bar.at_high,
                text: format!(
                    "at {}: {}; at {}: {} ({moved})",
                    value(bar.low_value),
                    outcome_value(model, outcome, bar.at_low),
                    value(bar.high_value),
                    outcome_value(model, outcome, bar.at_high),
                ),
            }
        })
        .collect();
    Tornado { baseline, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Command;
    use crate::sim::ensemble::MAX_RUNS;
    use crate::ui::whatif::PlanKind;

    fn mali() -> Session {
        Session::new(crate::scenario::default_model().unwrap())
    }

    #[test]
    fn plans_keep_the_weeks_played_and_differ_after_this_week() {
        let mut s = mali();
        let aid = s.model().choice_index("humanitarian_aid").unwrap();
        let push = s.model().choice_index("election_push").unwrap();
        s.apply(Command::Toggle(push)).unwrap();
        s.apply(Command::Commit).unwrap();
        s.apply(Command::Toggle(aid)).unwrap();
        let turns = s.model().turns();
        let hold = s.plan_weeks(&PlanKind::HoldCourse);
        assert_eq!(hold, vec![vec![push], vec![aid]]);
        let repeat = s.plan_weeks(&PlanKind::Repeat);
        assert_eq!(repeat.len(), turns);
        assert!(repeat[1..].iter().all(|w| *w == vec![aid]));
        let history = s.plan_weeks(&PlanKind::Path("history".into()));
        let path = s.model().path_decisions("history").unwrap();
        assert_eq!(history[0], vec![push]);
        assert_eq!(history[1..], path[1..turns]);
        s.apply(Command::Plan {
            week: 5,
            choice: aid,
        })
        .unwrap();
        let mine = s.plan_weeks(&PlanKind::Weekly);
        assert_eq!(
            (mine[1].clone(), mine[5].clone(), mine[4].clone()),
            (vec![aid], vec![aid], vec![])
        );

        let settings = Settings::new(s.model());
        let basis = Basis::new(&s, &settings);
        assert_eq!(basis.past, vec![vec![push]]);
        assert_eq!(basis.start_turn(), 1);
        let from_start = Basis::new(
            &s,
            &Settings {
                start: StartAt::Beginning,
                ..settings.clone()
            },
        );
        assert!(from_start.past.is_empty());
        assert_eq!(from_start.plan, basis.plan);
        assert_ne!(from_start, basis);
    }

    #[test]
    fn futures_come_with_fans_goals_and_outcomes_in_words() {
        let s = mali();
        let mut settings = Settings::new(s.model());
        settings.runs = 100;
        let request = FuturesRequest {
            basis: Basis::new(&s, &settings),
            ledger: false,
            bands: Bands::All,
        };
        let f = run_futures(&request, "Hold course", Control::default()).unwrap();
        assert_eq!(f.ensemble.runs, 100);
        assert!(f.fans.iter().all(Option::is_some));
        assert_eq!(f.goals.len(), s.model().goals.len());
        assert!(f.goals[0].text.starts_with("met in "));
        assert!(
            f.outcomes[2].text.starts_with("median "),
            "{}",
            f.outcomes[2].text
        );
        assert_eq!(f.outcomes[2].histogram.counts.iter().sum::<usize>(), 100);
        assert!(
            f.headline
                .starts_with("100 simulated futures from the first week")
        );
    }

    #[test]
    fn identical_plans_differ_by_nothing_and_the_table_says_so() {
        let s = Session::new(crate::scenario::default_model().unwrap());
        let mut settings = Settings::new(s.model());
        settings.runs = 64;
        settings.compared = vec![Compared::Plan(PlanKind::HoldCourse), Compared::Branch(0)];
        let request = CompareRequest::new(&s, &settings).unwrap();
        assert_eq!(request.plans.len(), 2);
        let result = run_compare(&request, Control::default()).unwrap();
        assert_eq!(result.names, vec!["Hold course", "Branch “Main”"]);
        for row in &result.outcome_rows {
            assert_eq!(row.cells[0], row.cells[1]);
            assert_eq!(row.differences[0], "no change in any future", "{row:?}");
        }
        assert!(
            result
                .goal_rows
                .iter()
                .all(|r| r.differences[0] == "no change")
        );
    }

    #[test]
    fn many_futures_band_only_the_indicator_compared_and_rerun_for_another() {
        let s = Session::new(crate::scenario::default_model().unwrap());
        let mut settings = Settings::new(s.model());
        let other = (settings.compare_indicator + 1) % s.model().scenario.indicators.len();
        let with = |settings: &Settings, indicator: usize| {
            CompareRequest::new(
                &s,
                &Settings {
                    compare_indicator: indicator,
                    ..settings.clone()
                },
            )
            .unwrap()
        };
        // Every indicator fits: the indicator compared is not part of the request.
        let few = with(&settings, settings.compare_indicator);
        assert_eq!(few.bands, Bands::All);
        assert!(
            few == with(&settings, other),
            "no new run for another indicator"
        );
        // Each plan's futures band the indicator compared only; another one runs again.
        settings.runs = MAX_RUNS;
        let many = with(&settings, settings.compare_indicator);
        assert_eq!(
            many.bands,
            Bands::Indicators(vec![settings.compare_indicator])
        );
        assert!(many != with(&settings, other));
    }

    #[test]
    fn branches_are_compared_from_the_last_week_they_share() {
        let mut s = Session::new(crate::scenario::default_model().unwrap());
        let aid = s.model().choice_index("humanitarian_aid").unwrap();
        for _ in 0..3 {
            s.apply(Command::Commit).unwrap();
        }
        s.apply(Command::GoTo(1)).unwrap();
        s.apply(Command::Toggle(aid)).unwrap();
        s.apply(Command::Commit).unwrap();
        assert_eq!((s.active(), s.cursor()), (1, 2));
        let mut settings = Settings::new(s.model());
        settings.compared = vec![Compared::Branch(0), Compared::Branch(1)];
        let r = CompareRequest::new(&s, &settings).unwrap();
        assert_eq!(r.past, vec![Vec::<usize>::new()], "they part in week 2");
        settings.compared = vec![
            Compared::Plan(PlanKind::HoldCourse),
            Compared::Plan(PlanKind::Repeat),
        ];
        let r = CompareRequest::new(&s, &settings).unwrap();
        assert_eq!(
            r.past.len(),
            2,
            "plans from this week share the weeks played"
        );
        settings.start = StartAt::Beginning;
        assert!(CompareRequest::new(&s, &settings).unwrap().past.is_empty());
        settings.compared.truncate(1);
        assert!(CompareRequest::new(&s, &settings).is_none());
    }

    #[test]
    fn an_indicator_breakdown_adds_up_to_its_mean_change() {
        let model = crate::scenario::default_model().unwrap();
        let overrides = Overrides::none(&model);
        let start = Start::beginning(&model, 3, &overrides);
        let options = Options {
            runs: 64,
            threads: 1,
            ledger: true,
            ..Options::default()
        };
        let plan = Plan::path(&model, "history").unwrap();
        let e = run_ensemble(&start, &plan, &options, &Control::default()).unwrap();
        let refugees = model.indicator_index("refugees").unwrap();
        let all = breakdown(&model, &e, refugees, None).unwrap();
        assert!(
            all.title
                .starts_with("Refugees in neighbouring countries from 15 Jan 2013")
        );
        assert!(!all.rows.is_empty());
        // The causes' mean changes add up to the change of the mean.
        let ledger = e.ledger.as_ref().unwrap();
        let total: f64 = (0..e.turns)
            .flat_map(|t| ledger.breakdown(t, refugees))
            .map(|(_, d)| d)
            .sum();
        let change = e.band(refugees, e.turns).unwrap().mean - e.band(refugees, 0).unwrap().mean;
        assert!(
            (total - change).abs() < 1e-6 * change.abs().max(1.0),
            "{total} {change}"
        );
        let week = breakdown(&model, &e, refugees, Some(2)).unwrap();
        assert!(week.title.contains("in week 3 (29 Jan 2013 to 5 Feb 2013)"));
        assert!(breakdown(&model, &e, refugees, Some(99)).is_none());
    }

    #[test]
    fn tornados_are_ready_for_every_outcome_largest_swing_first() {
        let s = Session::new(crate::scenario::default_model().unwrap());
        let mut settings = Settings::new(s.model());
        settings.runs = 32;
        let request = SensitivityRequest {
            basis: Basis::new(&s, &settings),
        };
        let r = run_sensitivity(&request, Control::default()).unwrap();
        assert_eq!(r.tornados.len(), s.model().outcomes.len());
        for pair in &r.tornados {
            for t in pair {
                for w in t.rows.windows(2) {
                    assert!(
                        (w[0].at_high - w[0].at_low).abs() >= (w[1].at_high - w[1].at_low).abs()
                    );
                }
            }
        }
        let row = &r.tornados[0][0].rows[0];
        assert!(row.text.starts_with("at "), "{}", row.text);
        assert!(
            row.text.contains(" by ") || row.text.ends_with("(no change)"),
            "{}",
            row.text
        );
    }
}
