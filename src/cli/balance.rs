//! `sandtable balance`: the balance check of a scenario, as a table or JSON, with a
//! wall-clock cap and an exit code for CI.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use web_time::Instant;

use anyhow::{Result, anyhow};
use clap::Args;

use super::{AnalysisArgs, ensemble_error, output};
pub use crate::report::tables::balance_table;
use crate::scenario::{Model, format_number};
use crate::sim::balance::{
    BalanceControl, BalanceOptions, BalanceReport, Finding, Measure, PlanResult, check_balance,
    evaluations_for_budget,
};
use crate::sim::ensemble::Bands;

#[derive(Debug, Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pub common: AnalysisArgs,
    /// Time budget in seconds. The search does a fixed amount of work for this budget
    /// (the same on every machine); the budget is also a wall-clock cap on the search,
    /// reported when it is reached.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub budget: f64,
    /// Print a JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Exit with status 1 if any defect is found that the scenario does not declare
    /// intended.
    #[arg(long)]
    pub strict: bool,
}

pub fn balance_cmd(args: &BalanceArgs) -> Result<ExitCode> {
    if !(args.budget.is_finite() && args.budget > 0.0 && args.budget <= 86_400.0) {
        return Err(anyhow!(
            "the budget must be a number of seconds above 0 and at most 86,400, not {}",
            args.budget
        ));
    }
    let model = args.common.scenario.load()?;
    let ensemble = args.common.options(Bands::None);
    let options = BalanceOptions {
        runs: ensemble.runs,
        seed: args.common.seed.seed,
        threads: ensemble.threads,
        evaluations: evaluations_for_budget(&model, ensemble.runs, args.budget),
    };
    let started = Instant::now();
    let report = with_cap(args.budget, options.evaluations, |control| {
        check_balance(&model, &options, control)
    })
    .map_err(ensemble_error)?;
    let text = if args.json {
        balance_json(&model, &report)
    } else {
        balance_table(&model, &report)
    };
    output::print(&text)?;
    eprintln!(
        "balance: {} plans searched and {} ensembles for the checks in {:.1} s",
        format_number(report.evaluations as f64, 0),
        format_number(report.check_evaluations as f64, 0),
        started.elapsed().as_secs_f64()
    );
    let failed = args.strict && report.undeclared().next().is_some();
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `work` on another thread, raising its stop flag after `seconds`, with progress on
/// stderr when it is a terminal.
fn with_cap<T: Send>(
    seconds: f64,
    limit: usize,
    work: impl FnOnce(&BalanceControl) -> T + Send,
) -> T {
    use std::io::IsTerminal;
    let evaluations = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let control = BalanceControl {
        evaluations: Some(&evaluations),
        stop: Some(&stop),
    };
    let terminal = std::io::stderr().is_terminal();
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut printed = false;
    let value = super::work::watch(
        Duration::from_millis(50),
        || work(&control),
        || {
            if Instant::now() >= deadline {
                stop.store(true, Ordering::Relaxed);
            }
            if terminal {
                let n = evaluations.load(Ordering::Relaxed);
                let what = if n >= limit || stop.load(Ordering::Relaxed) {
                    "checking defects".to_string()
                } else {
                    format!(
                        "{} of at most {} plans",
                        format_number(n as f64, 0),
                        format_number(limit as f64, 0)
                    )
                };
                eprint!("\r{what:50}");
                printed = true;
            }
        },
    );
    if printed {
        eprint!("\r{:50}\r", "");
    }
    value
}

fn plan_json(model: &Model, result: &PlanResult) -> serde_json::Value {
    use serde_json::json;
    let s = &model.scenario;
    let weeks: serde_json::Map<String, serde_json::Value> = result
        .plan
        .weeks
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.is_empty())
        .map(|(t, w)| {
            (
                t.to_string(),
                json!(w.iter().map(|&c| &s.choices[c].id).collect::<Vec<_>>()),
            )
        })
        .collect();
    let goals: serde_json::Map<String, serde_json::Value> = s
        .goals
        .iter()
        .zip(&result.goal_chances)
        .map(|(g, p)| (g.id.clone(), json!(p)))
        .collect();
    let outcomes: serde_json::Map<String, serde_json::Value> = s
        .outcomes
        .iter()
        .zip(&result.outcome_means)
        .map(|(o, m)| (o.id.clone(), json!(m)))
        .collect();
    json!({
        "decisions": weeks,
        "goal_chances": goals,
        "expected_goals": result.expected_goals,
        "all_goals": result.all_goals,
        "listed_cost": result.listed_cost,
        "outcome_means": outcomes,
        "dropped_choices": result.dropped_choices,
    })
}

fn finding_json(model: &Model, finding: &Finding) -> serde_json::Value {
    use serde_json::json;
    let s = &model.scenario;
    match finding {
        Finding::TrivialWin { plan } => json!({ "plan": plan_json(model, plan) }),
        Finding::DeadChoice { open_weeks, .. } => json!({ "open_turns": open_weeks }),
        Finding::FreeLunch {
            turn,
            base,
            improves,
            ..
        } => {
            let improves: Vec<serde_json::Value> = improves
                .iter()
                .map(|m| match *m {
                    Measure::Outcome { outcome, change } => {
                        json!({"outcome": s.outcomes[outcome].id, "change": change})
                    }
                    Measure::Goal { goal, change } => {
                        json!({"goal": s.goals[goal].id, "change": change})
                    }
                    Measure::Resource { slot, change } => {
                        json!({"resource": model.layout.names[slot], "change": change})
                    }
                })
                .collect();
            json!({ "turn": turn, "base": base, "improves": improves })
        }
        Finding::FixedGoal {
            lowest,
            highest,
            plans,
            ..
        } => json!({ "lowest": lowest, "highest": highest, "plans": plans }),
        Finding::NoSpread { value, plans, .. } => json!({ "value": value, "plans": plans }),
    }
}

/// The report as a JSON object: scenario, seed, runs, evaluations, evaluation_limit,
/// check_evaluations, stopped, best (a plan), per_goal (goal id → plan), references
/// (name → plan; `none` is no choices), defects (each with defect, target, declared,
/// reason, and its evidence), unmatched_declarations. A plan has decisions (turn → choice
/// ids, as `run --decisions` reads them), goal_chances, expected_goals, all_goals,
/// listed_cost, outcome_means and dropped_choices.
pub fn balance_json(model: &Model, report: &BalanceReport) -> String {
    use serde_json::json;
    let s = &model.scenario;
    let per_goal: serde_json::Map<String, serde_json::Value> = s
        .goals
        .iter()
        .zip(&report.per_goal)
        .map(|(g, r)| (g.id.clone(), plan_json(model, r)))
        .collect();
    let references: serde_json::Map<String, serde_json::Value> = report
        .references
        .iter()
        .map(|(name, r)| (name.clone(), plan_json(model, r)))
        .collect();
    let defects: Vec<serde_json::Value> = report
        .defects
        .iter()
        .map(|d| {
            json!({
                "defect": d.finding.kind().id(),
                "target": d.finding.target(model),
                "declared": d.declared.is_some(),
                "reason": d.declared.as_ref().map(|i| i.reason.clone()),
                "evidence": finding_json(model, &d.finding),
            })
        })
        .collect();
    let unmatched: Vec<serde_json::Value> = report
        .unmatched
        .iter()
        .map(|i| json!({"defect": i.defect.id(), "target": i.target, "reason": i.reason}))
        .collect();
    let document = json!({
        "scenario": s.id,
        "seed": report.seed,
        "runs": report.runs,
        "evaluations": report.evaluations,
        "evaluation_limit": report.evaluation_limit,
        "check_evaluations": report.check_evaluations,
        "stopped": report.stopped,
        "best": plan_json(model, &report.best),
        "per_goal": per_goal,
        "references": references,
        "defects": defects,
        "undeclared_defects": report.undeclared().count(),
        "unmatched_declarations": unmatched,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
