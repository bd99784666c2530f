//! What-if analysis on top of ensembles: comparing plans, the difference one choice makes,
//! and which uncertain parameters matter most.
//!
//! Every comparison uses common random numbers: run `i` of every ensemble compared has the
//! same run key, so the same parameter draws (apart from a parameter deliberately
//! overridden) and the same random streams. A difference between two plans is then taken
//! run by run, and is the plans' difference rather than the noise of two samples; two
//! identical plans differ by exactly zero.

use crate::scenario::Model;

use super::Refusal;
use super::ensemble::{
    Bands, Control, Ensemble, EnsembleError, Options, Plan, Start, Summary, run_ensemble,
};
use super::params::quantile as parameter_quantile;

/// Two or more plans from the same start, run with common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// One ensemble per plan, in the order given.
    pub ensembles: Vec<Ensemble>,
    /// `differences[k][o]`: outcome `o` of plan `k` minus that of plan 0, run by run.
    /// Row 0 is plan 0 against itself (all zeros).
    pub differences: Vec<Vec<Summary>>,
    /// `goal_differences[k][g]`: the probability of goal `g` under plan `k` minus under
    /// plan 0.
    pub goal_differences: Vec<Vec<f64>>,
}

/// Runs each plan from `start` with the same seed (`options.runs` runs each, so progress
/// goes to `plans.len() × runs`) and takes the paired differences against the first plan.
pub fn compare(
    start: &Start,
    plans: &[Plan],
    options: &Options,
    control: &Control,
) -> Result<Comparison, EnsembleError> {
    if plans.is_empty() {
        return Err(EnsembleError::NoPlans);
    }
    let ensembles = plans
        .iter()
        .map(|plan| run_ensemble(start, plan, options, control))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(paired(ensembles))
}

/// The paired differences of ensembles that share their seed and start.
pub fn paired(ensembles: Vec<Ensemble>) -> Comparison {
    let Some(base) = ensembles.first() else {
        return Comparison {
            ensembles,
            differences: Vec::new(),
            goal_differences: Vec::new(),
        };
    };
    let differences = ensembles
        .iter()
        .map(|e| {
            (0..e.outcomes.len())
                .map(|o| Summary::of(&difference(e.outcome_values(o), base.outcome_values(o))))
                .collect()
        })
        .collect();
    let goal_differences = ensembles
        .iter()
        .map(|e| {
            e.goals
                .iter()
                .zip(&base.goals)
                .map(|(a, b)| a - b)
                .collect()
        })
        .collect();
    Comparison {
        ensembles,
        differences,
        goal_differences,
    }
}

/// `a[i] - b[i]` for every run.
pub fn difference(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

/// The difference one choice makes: the plan with the choice taken on the start's turn
/// against the plan without it, paired.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceEffect {
    pub choice: usize,
    /// The turn it is taken on (the start's).
    pub turn: usize,
    /// Why the choice cannot be taken on the session's run at the start, if it cannot
    /// (it may still be taken in some futures where it can; see the dropped choices).
    pub refusal: Option<Refusal>,
    /// Plan 0 without the choice, plan 1 with it.
    pub comparison: Comparison,
}

impl ChoiceEffect {
    /// The ensemble without the choice.
    pub fn without(&self) -> &Ensemble {
        &self.comparison.ensembles[0]
    }

    /// The ensemble with the choice.
    pub fn with(&self) -> &Ensemble {
        &self.comparison.ensembles[1]
    }

    /// Per outcome, the change the choice makes (with − without, run by run).
    pub fn outcome_changes(&self) -> &[Summary] {
        &self.comparison.differences[1]
    }

    /// Per goal, the change in the probability of meeting it.
    pub fn goal_changes(&self) -> &[f64] {
        &self.comparison.goal_differences[1]
    }
}

/// What difference `choice` taken this week (the start's turn) makes to `plan`. Progress
/// goes to 2 × runs.
pub fn explain_choice(
    start: &Start,
    plan: &Plan,
    choice: usize,
    options: &Options,
    control: &Control,
) -> Result<ChoiceEffect, EnsembleError> {
    let model = start.model();
    if choice >= model.choices.len() {
        return Err(EnsembleError::Choice(choice));
    }
    let turn = start.turn();
    let refusal = start.session_sim().available(choice).err();
    let plans = [
        plan.without_choice(turn, choice),
        plan.with_choice(turn, choice),
    ];
    let comparison = compare(start, &plans, options, control)?;
    Ok(ChoiceEffect {
        choice,
        turn,
        refusal,
        comparison,
    })
}

/// The probabilities of a parameter's low and high values in a sensitivity analysis.
pub const LOW: f64 = 0.10;
pub const HIGH: f64 = 0.90;

/// How the outcomes move when one parameter goes from its low to its high value.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSwing {
    pub parameter: usize,
    /// The parameter's p10 and p90.
    pub low_value: f64,
    pub high_value: f64,
    /// Per outcome, its distribution with the parameter at its low and high value.
    pub at_low: Vec<Summary>,
    pub at_high: Vec<Summary>,
}

/// Which statistic of an outcome a tornado chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Statistic {
    #[default]
    Mean,
    Median,
}

impl Statistic {
    pub fn of(self, summary: &Summary) -> f64 {
        match self {
            Statistic::Mean => summary.mean,
            Statistic::Median => summary.p50,
        }
    }
}

/// One bar of a tornado chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TornadoBar {
    pub parameter: usize,
    pub low_value: f64,
    pub high_value: f64,
    /// The outcome's statistic with the parameter at its low and its high value.
    pub at_low: f64,
    pub at_high: f64,
}

impl TornadoBar {
    /// How far the outcome moves: `at_high − at_low`.
    pub fn swing(&self) -> f64 {
        self.at_high - self.at_low
    }
}

/// A sensitivity analysis: every uncertain parameter at its low and high value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub runs: usize,
    /// Per outcome, with every parameter drawn as usual.
    pub baseline: Vec<Summary>,
    /// One per parameter whose low and high values differ, in the scenario's order.
    pub parameters: Vec<ParameterSwing>,
}

impl Sensitivity {
    /// The tornado chart of an outcome: one bar per parameter, the largest swing first.
    pub fn tornado(&self, outcome: usize, statistic: Statistic) -> Vec<TornadoBar> {
        let mut bars: Vec<TornadoBar> = self
            .parameters
            .iter()
            .filter(|p| outcome < p.at_low.len())
            .map(|p| TornadoBar {
                parameter: p.parameter,
                low_value: p.low_value,
                high_value: p.high_value,
                at_low: statistic.of(&p.at_low[outcome]),
                at_high: statistic.of(&p.at_high[outcome]),
            })
            .collect();
        bars.sort_by(|a, b| {
            b.swing()
                .abs()
                .total_cmp(&a.swing().abs())
                .then(a.parameter.cmp(&b.parameter))
        });
        bars
    }
}

/// The parameters a sensitivity analysis varies: those whose low and high values differ.
pub fn varied_parameters(model: &Model) -> Vec<usize> {
    (0..model.parameters.len())
        .filter(|&p| {
            let d = &model.parameters[p];
            parameter_quantile(d, LOW) != parameter_quantile(d, HIGH)
        })
        .collect()
}

/// Runs in total (for progress) of a sensitivity analysis of `runs` runs per ensemble.
pub fn sensitivity_runs(model: &Model, runs: usize) -> usize {
    runs * (1 + 2 * varied_parameters(model).len())
}

/// For each uncertain parameter, the ensemble with it overridden at its p10 and at its p90
/// (other parameters drawn, or overridden as in `start`), with common random numbers
/// across all the ensembles. Outcomes only: `options.bands` and `options.ledger` are
/// ignored.
pub fn sensitivity(
    start: &Start,
    plan: &Plan,
    options: &Options,
    control: &Control,
) -> Result<Sensitivity, EnsembleError> {
    let model = start.model();
    let options = Options {
        bands: Bands::None,
        ledger: false,
        ..options.clone()
    };
    let baseline = run_ensemble(start, plan, &options, control)?.outcomes;
    let mut parameters = Vec::new();
    for p in varied_parameters(model) {
        let dist = &model.parameters[p];
        let (low_value, high_value) = (
            parameter_quantile(dist, LOW),
            parameter_quantile(dist, HIGH),
        );
        let at = |value: f64| {
            let mut overrides = start.overrides().clone();
            if overrides.len() <= p {
                overrides.resize(model.parameters.len(), None);
            }
            overrides[p] = Some(value);
            run_ensemble(&start.with_overrides(&overrides), plan, &options, control)
                .map(|e| e.outcomes)
        };
        let at_low = at(low_value)?;
        let at_high = at(high_value)?;
        parameters.push(ParameterSwing {
            parameter: p,
            low_value,
            high_value,
            at_low,
            at_high,
        });
    }
    Ok(Sensitivity {
        runs: options.runs,
        baseline,
        parameters,
    })
}
