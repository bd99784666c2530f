//! The tables `sandtable ensemble` and `sandtable balance` print, for people to read: the
//! command line prints them and the author's workbench shows them for the text being
//! edited, so both say the same.

use crate::report::words::signed;
use crate::scenario::{Model, format_number};
use crate::sim::balance::{
    BalanceReport, Defect, FIXED_HIGH, FIXED_LOW, Finding, Measure, NOISE_SE, PlanResult,
};
use crate::sim::ensemble::{Ensemble, Plan};

/// A readable account of an ensemble's outcomes and goals.
pub fn ensemble_table(model: &Model, ensemble: &Ensemble, label: &str) -> String {
    let s = &model.scenario;
    let mut out = format!(
        "{} — {label}: {} runs from {}, seed {}\n\n",
        s.title,
        format_number(ensemble.runs as f64, 0),
        model.date(ensemble.start_turn),
        ensemble.seed
    );
    let width = s
        .outcomes
        .iter()
        .map(|o| o.name.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    out.push_str(&format!(
        "{:width$}  {:>12} {:>12} {:>12} {:>12}  unit\n",
        "Outcome", "p10", "median", "p90", "mean"
    ));
    for (o, outcome) in s.outcomes.iter().enumerate() {
        let q = &ensemble.outcomes[o];
        let f = |v: f64| format_number(v, outcome.precision as usize);
        out.push_str(&format!(
            "{:width$}  {:>12} {:>12} {:>12} {:>12}  {}\n",
            outcome.name,
            f(q.p10),
            f(q.p50),
            f(q.p90),
            format_number(q.mean, outcome.precision as usize + 1),
            outcome.unit
        ));
    }
    if !s.goals.is_empty() {
        let width = s
            .goals
            .iter()
            .map(|g| g.name.chars().count())
            .max()
            .unwrap_or(5)
            .max("Every goal together".len());
        out.push_str(&format!("\n{:width$}  {:>7}\n", "Goal", "chance"));
        for (g, goal) in s.goals.iter().enumerate() {
            out.push_str(&format!(
                "{:width$}  {:>5.1} %\n",
                goal.name,
                100.0 * ensemble.goals[g]
            ));
        }
        if s.goals.len() > 1 {
            out.push_str(&format!(
                "{:width$}  {:>5.1} %\n",
                "Every goal together",
                100.0 * ensemble.all_goals()
            ));
        }
    }
    if ensemble.dropped_choices > 0 {
        out.push_str(&format!(
            "\n{} planned choices could not be taken in the futures where they came up and were dropped.\n",
            format_number(ensemble.dropped_choices as f64, 0)
        ));
    }
    out
}

fn percent(p: f64) -> String {
    format!("{:.1} %", 100.0 * p)
}

/// The weeks of a plan, one line each: `Week 3 (2013-01-29): label; label`.
fn plan_lines(model: &Model, plan: &Plan, indent: &str) -> String {
    let s = &model.scenario;
    let mut out = String::new();
    for (t, week) in plan.weeks.iter().enumerate() {
        if week.is_empty() {
            continue;
        }
        let labels: Vec<&str> = week.iter().map(|&c| s.choices[c].label.as_str()).collect();
        out.push_str(&format!(
            "{indent}Week {} ({}): {}\n",
            t + 1,
            model.date(t),
            labels.join("; ")
        ));
    }
    if out.is_empty() {
        out.push_str(&format!("{indent}No choices at all.\n"));
    }
    out
}

/// A plan's weeks and its goal chances.
fn plan_block(model: &Model, title: &str, result: &PlanResult) -> String {
    let s = &model.scenario;
    let mut out = format!(
        "{title}: {} of {} goals met on average, all of them in {} of futures, listed cost {}\n",
        format_number(result.expected_goals, 2),
        s.goals.len(),
        percent(result.all_goals),
        format_number(result.listed_cost, 1)
    );
    out.push_str(&plan_lines(model, &result.plan, "  "));
    let width = s
        .goals
        .iter()
        .map(|g| g.name.chars().count())
        .max()
        .unwrap_or(0);
    for (goal, p) in s.goals.iter().zip(&result.goal_chances) {
        out.push_str(&format!("    {:width$}  {:>7}\n", goal.name, percent(*p)));
    }
    if result.dropped_choices > 0 {
        out.push_str(&format!(
            "  ({} planned choices could not be taken in some futures and were dropped there.)\n",
            format_number(result.dropped_choices as f64, 0)
        ));
    }
    out
}

fn measure_words(model: &Model, m: &Measure) -> String {
    let s = &model.scenario;
    match *m {
        Measure::Outcome { outcome, change } => {
            let o = &s.outcomes[outcome];
            format!(
                "{} {} {}",
                o.name,
                signed(change, o.precision as usize + 1),
                o.unit
            )
        }
        Measure::Goal { goal, change } => format!(
            "the chance of \u{201c}{}\u{201d} {} points",
            s.goals[goal].name,
            signed(100.0 * change, 1)
        ),
        Measure::Resource { slot, change } => {
            format!("{} left {}", model.layout.names[slot], signed(change, 1))
        }
    }
}

fn weeks_words(weeks: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < weeks.len() {
        let mut j = i;
        while j + 1 < weeks.len() && weeks[j + 1] == weeks[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            format!("{}", weeks[i] + 1)
        } else {
            format!("{}–{}", weeks[i] + 1, weeks[j] + 1)
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// One defect in a sentence.
pub fn defect_words(model: &Model, finding: &Finding) -> String {
    let s = &model.scenario;
    let choice = |c: usize| format!("`{}` ({})", s.choices[c].id, s.choices[c].label);
    match finding {
        Finding::TrivialWin { plan } => format!(
            "trivial win: a plan meets every goal in {} of futures (more than half by over {NOISE_SE} standard errors):\n{}",
            percent(plan.all_goals),
            plan_lines(model, &plan.plan, "      ").trim_end()
        ),
        Finding::DeadChoice {
            choice: c,
            open_weeks,
        } if open_weeks.is_empty() => format!(
            "dead choice {}: never open in any future of no choices or the best plan",
            choice(*c)
        ),
        Finding::DeadChoice {
            choice: c,
            open_weeks,
        } => format!(
            "dead choice {}: taken in any week it is open (weeks {}), it moves no outcome and no goal chance beyond noise",
            choice(*c),
            weeks_words(open_weeks)
        ),
        Finding::FreeLunch {
            choice: c,
            turn,
            base,
            improves,
        } => format!(
            "free lunch {}: taken in week {} {}, it improves {} and worsens nothing, its cost included",
            choice(*c),
            turn + 1,
            if *base == "none" {
                "with no other choices".to_string()
            } else {
                "on top of the best plan".to_string()
            },
            improves
                .iter()
                .map(|m| measure_words(model, m))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Finding::FixedGoal {
            goal,
            lowest,
            highest,
            plans,
        } => format!(
            "fixed goal `{}` ({}): met in {} to {} of futures under every one of {} plans tried ({} under all of them)",
            s.goals[*goal].id,
            s.goals[*goal].name,
            percent(*lowest),
            percent(*highest),
            format_number(*plans as f64, 0),
            if *lowest >= FIXED_HIGH {
                format!("at least {}", percent(FIXED_HIGH))
            } else {
                format!("at most {}", percent(FIXED_LOW))
            }
        ),
        Finding::NoSpread {
            outcome,
            value,
            plans,
        } => {
            let o = &s.outcomes[*outcome];
            format!(
                "outcome with no spread `{}` ({}): nine futures in ten give the same value under each of {} plans checked ({} {} under the best plan)",
                o.id,
                o.name,
                plans,
                format_number(*value, o.precision as usize),
                o.unit
            )
        }
    }
}

/// The report in words: the plans found, then the defects.
pub fn balance_table(model: &Model, report: &BalanceReport) -> String {
    let s = &model.scenario;
    let mut out = format!(
        "{} — balance check: {} runs per plan, seed {}, common random numbers\n",
        s.title,
        format_number(report.runs as f64, 0),
        report.seed
    );
    out.push_str(&format!(
        "Searched {} plans (limit {}){}.\n\n",
        format_number(report.evaluations as f64, 0),
        format_number(report.evaluation_limit as f64, 0),
        if report.stopped {
            "; the time budget ran out first, so another machine may find other plans"
        } else {
            ""
        }
    ));
    out.push_str(&plan_block(model, "Best plan found", &report.best));
    for (g, result) in report.per_goal.iter().enumerate() {
        let title = format!("Best plan for \u{201c}{}\u{201d}", s.goals[g].name);
        if result.plan == report.best.plan {
            out.push_str(&format!(
                "\n{title}: the best plan found ({} of futures)\n",
                percent(result.goal_chances[g])
            ));
        } else {
            out.push('\n');
            out.push_str(&plan_block(model, &title, result));
        }
    }
    out.push_str("\nFor comparison\n");
    for (name, result) in &report.references {
        let label = if name == "none" {
            "no choices".to_string()
        } else {
            format!("path {name}")
        };
        out.push_str(&format!(
            "  {label}: {} goals met on average, all of them in {} of futures\n",
            format_number(result.expected_goals, 2),
            percent(result.all_goals)
        ));
    }
    let undeclared: Vec<&Defect> = report.undeclared().collect();
    let declared: Vec<&Defect> = report
        .defects
        .iter()
        .filter(|d| d.declared.is_some())
        .collect();
    out.push_str(&format!("\nDefects: {}\n", undeclared.len()));
    if undeclared.is_empty() {
        out.push_str("  none found\n");
    }
    for d in &undeclared {
        out.push_str(&format!("  {}\n", defect_words(model, &d.finding)));
    }
    if !declared.is_empty() {
        out.push_str(&format!("\nDeclared intended: {}\n", declared.len()));
        for d in &declared {
            let reason = d.declared.as_ref().map_or("", |i| i.reason.as_str());
            out.push_str(&format!(
                "  {}\n    reason: {reason}\n",
                defect_words(model, &d.finding)
            ));
        }
    }
    for i in &report.unmatched {
        out.push_str(&format!(
            "\nDeclared but not found: {} {}\n",
            i.defect.words(),
            if i.target.is_empty() {
                String::new()
            } else {
                format!("`{}`", i.target)
            }
        ));
    }
    out
}
