//! The report of one session: who played, the decisions week by week with their costs and
//! reasons, the outcomes and goals against the reference path and against the spread of the
//! futures of the same plan, and charts of the key indicators.

use std::fmt::Write;

use super::html::{self, td, td_goal, td_num, th_row};
use super::svg::{Band, Chart, Line, LineStyle, Point};
use super::words::{
    cost_text, csv_field, escape_html, indicator_value, markdown_cell, outcome_value, percent,
    short_date, today,
};
use super::{GENERAL_QUESTIONS, SessionReport, Settings, key_indicators, reference_path};
use crate::scenario::{Better, Model, format_number};
use crate::sim::Run;
use crate::sim::ensemble::{Bands, Control, Ensemble, Options, Plan, Start, run_ensemble};

/// A session's report, computed: every branch's run, the reference path's run and the
/// futures of the student's plan.
#[derive(Debug, Clone)]
pub struct StudentReport<'a> {
    pub input: &'a SessionReport,
    /// The scenario version (see [`super::scenario_version`]).
    pub version: String,
    /// Each branch's run, by branch index (`None` if it no longer replays).
    pub runs: Vec<Option<Run>>,
    /// The reference path's index and run.
    pub reference: Option<(usize, Run)>,
    /// The futures of the active branch's decisions from the first week, banded on the key
    /// indicators.
    pub futures: Option<Ensemble>,
    pub keys: Vec<usize>,
}

/// Computes a session's report.
pub fn build<'a>(input: &'a SessionReport, settings: &Settings) -> StudentReport<'a> {
    let session = &input.session;
    let model = session.model();
    let keys = key_indicators(model);
    let runs = (0..session.branches().len())
        .map(|b| session.branch_run(b))
        .collect();
    let reference = reference_path(model).and_then(|p| {
        let id = &model.scenario.paths[p].id;
        session.reference_run(id).map(|run| (p, run))
    });
    let start = Start::beginning(model, session.seed(), session.overrides());
    let plan = Plan::weekly(session.active_branch().decisions.clone());
    let options = Options {
        runs: settings.runs,
        threads: settings.threads,
        bands: Bands::Indicators(keys.clone()),
        ledger: false,
    };
    let futures = run_ensemble(&start, &plan, &options, &Control::default()).ok();
    StudentReport {
        input,
        version: super::scenario_version(&model.source),
        runs,
        reference,
        futures,
        keys,
    }
}

impl StudentReport<'_> {
    fn model(&self) -> &Model {
        self.input.session.model()
    }

    /// The active branch's run.
    pub fn run(&self) -> &Run {
        self.input.session.run()
    }

    /// The reference path's name, e.g. "What Canada did".
    pub fn reference_name(&self) -> Option<&str> {
        self.reference
            .as_ref()
            .map(|(p, _)| self.model().scenario.paths[*p].name.as_str())
    }

    /// The questions of the debrief: the lesson's, else general ones.
    pub fn questions(&self) -> Vec<String> {
        if self.input.debrief_questions.is_empty() {
            GENERAL_QUESTIONS.iter().map(|q| q.to_string()).collect()
        } else {
            self.input.debrief_questions.clone()
        }
    }

    /// The share of the futures of the student's plan in which the outcome came out worse
    /// than on the student's own path.
    pub fn share_worse(&self, outcome: usize, value: f64) -> Option<f64> {
        let values = self.futures.as_ref()?.outcome_values(outcome);
        if values.is_empty() {
            return None;
        }
        let worse = match self.model().scenario.outcomes[outcome].better {
            Better::Higher => values.iter().filter(|&&v| v < value).count(),
            Better::Lower => values.iter().filter(|&&v| v > value).count(),
        };
        Some(worse as f64 / values.len() as f64)
    }

    /// The rows of the decision log: week, dates, choices, cost, reason, news.
    pub fn decision_log(&self) -> Vec<[String; 6]> {
        let model = self.model();
        let s = &model.scenario;
        let branch = self.input.session.active();
        self.run()
            .turns
            .iter()
            .enumerate()
            .map(|(t, turn)| {
                let choices: Vec<&str> = turn
                    .choices
                    .iter()
                    .map(|&c| s.choices[c].label.as_str())
                    .collect();
                let costs: Vec<String> = turn
                    .choices
                    .iter()
                    .map(|&c| cost_text(model, c))
                    .filter(|c| c != "free")
                    .collect();
                let news: Vec<&str> = turn
                    .events
                    .iter()
                    .map(|f| s.events[f.event].title.as_str())
                    .collect();
                [
                    format!("{}", t + 1),
                    format!(
                        "{} – {}",
                        short_date(model.date(t)),
                        short_date(model.date(t + 1))
                    ),
                    if choices.is_empty() {
                        "no new decision".to_string()
                    } else {
                        choices.join("; ")
                    },
                    if costs.is_empty() {
                        "—".to_string()
                    } else {
                        costs.join("; ")
                    },
                    self.input.reason(branch, t).unwrap_or("").to_string(),
                    news.join("; "),
                ]
            })
            .collect()
    }

    /// The chart of a key indicator: the student's path, the reference path, the band of
    /// the futures and the observed values.
    pub fn chart(&self, indicator: usize) -> Chart {
        let model = self.model();
        let s = &model.scenario;
        let ind = &s.indicators[indicator];
        let slot = model.layout.indicator(indicator);
        let mut lines = vec![Line {
            label: format!("path of {}", self.input.who()),
            values: self.run().series(slot),
            style: LineStyle::Student,
        }];
        if let (Some((_, run)), Some(name)) = (&self.reference, self.reference_name()) {
            lines.push(Line {
                label: name.to_string(),
                values: run.series(slot),
                style: LineStyle::Reference,
            });
        }
        let band = self.futures.as_ref().and_then(|e| {
            let series = e.band_series(indicator)?;
            Some(Band {
                label: "80 % of the futures of this plan".to_string(),
                start: e.start_turn,
                p10: series.iter().map(|q| q.p10).collect(),
                p50: series.iter().map(|q| q.p50).collect(),
                p90: series.iter().map(|q| q.p90).collect(),
            })
        });
        Chart {
            title: ind.name.clone(),
            unit: ind.unit.clone(),
            precision: ind.precision as usize,
            dates: (0..=model.turns()).map(|t| model.date(t)).collect(),
            lines,
            band,
            points: observed(model, indicator),
        }
    }

    fn chart_table(&self, chart: &Chart) -> String {
        let f = |v: Option<&f64>| v.map_or(String::new(), |v| format_number(*v, chart.precision));
        let mut head: Vec<(&str, bool)> = vec![("Week", false), ("Date", false)];
        for line in &chart.lines {
            head.push((line.label.as_str(), true));
        }
        if chart.band.is_some() {
            head.extend([
                ("10 % of futures", true),
                ("median", true),
                ("90 % of futures", true),
            ]);
        }
        let rows: Vec<String> = chart
            .dates
            .iter()
            .enumerate()
            .map(|(t, date)| {
                let mut row = td(&t.to_string()) + &td(&date.human());
                for line in &chart.lines {
                    row += &td_num(&f(line.values.get(t)));
                }
                if let Some(band) = &chart.band {
                    let k = t.checked_sub(band.start);
                    for q in [&band.p10, &band.p50, &band.p90] {
                        row += &td_num(&f(k.and_then(|k| q.get(k))));
                    }
                }
                row
            })
            .collect();
        let mut out = html::table("", &head, &rows);
        if !chart.points.is_empty() {
            let rows: Vec<String> = chart
                .points
                .iter()
                .map(|p| {
                    td(&p.date.human())
                        + &td_num(&format_number(p.value, chart.precision))
                        + &td(&p.note)
                })
                .collect();
            out += &html::table(
                "",
                &[("Observed on", false), ("Value", true), ("Note", false)],
                &rows,
            );
        }
        out
    }

    /// The report as one HTML `<section>` (several can share a page).
    pub fn html_section(&self, index: usize) -> String {
        let model = self.model();
        let s = &model.scenario;
        let session = &self.input.session;
        let who = self.input.who();
        let mut out = String::new();
        let _ = write!(
            out,
            "<section class=\"report\" id=\"report-{index}\"><section class=\"page\"><p class=\"muted\">Sandtable report</p><h1>{} — {}</h1>",
            escape_html(&s.title),
            escape_html(&who)
        );
        out.push_str("<dl class=\"facts\">");
        let mut fact = |k: &str, v: &str| {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                escape_html(k),
                escape_html(v)
            );
        };
        let (name, group) = self.input.student.clone().unwrap_or_default();
        fact(
            "Student",
            if name.trim().is_empty() {
                "(not given)"
            } else {
                name.trim()
            },
        );
        fact(
            "Class",
            if group.trim().is_empty() {
                "(not given)"
            } else {
                group.trim()
            },
        );
        fact(
            "Date",
            &self
                .input
                .date
                .map_or_else(|| "(not known)".to_string(), |d| d.human()),
        );
        fact("Scenario", &format!("{} ({})", s.title, s.id));
        fact(
            "Scenario version",
            &format!("{} (file {})", self.version, model.file_name),
        );
        fact("Seed", &session.seed().to_string());
        let branch = session.active_branch();
        fact(
            "Path",
            &format!(
                "branch “{}”, {} of {} weeks played{}",
                branch.name,
                session.played(),
                model.turns(),
                if session.branches().len() > 1 {
                    format!(" ({} branches in the session)", session.branches().len())
                } else {
                    String::new()
                }
            ),
        );
        fact("Session file", &self.input.source);
        out.push_str("</dl>");
        let goals = session.goals_met(self.run().last());
        let met = goals.iter().filter(|&&g| g).count();
        let _ = write!(out, "<p>{} goals of {} met on this path.", met, goals.len());
        if session.played() < model.turns() {
            let _ = write!(
                out,
                " The path stops after week {}; the numbers below are at that week, and the futures take no further decision.",
                session.played()
            );
        }
        out.push_str("</p>");
        if !session.notes.trim().is_empty() {
            let _ = write!(
                out,
                "<h3>Notes</h3><p>{}</p>",
                escape_html(session.notes.trim()).replace('\n', "<br>")
            );
        }

        // The decision log.
        out.push_str("<h2>Decisions week by week</h2>");
        let rows: Vec<String> = self
            .decision_log()
            .iter()
            .map(|[week, dates, choices, cost, reason, news]| {
                th_row(week)
                    + &format!("<td class=\"nowrap\">{}</td>", escape_html(dates))
                    + &td(choices)
                    + &td(cost)
                    + &format!("<td class=\"reason\">{}</td>", escape_html(reason))
                    + &td(news)
            })
            .collect();
        if rows.is_empty() {
            out.push_str("<p>No week has been played yet.</p>");
        } else {
            out += &html::table(
                "log",
                &[
                    ("Week", false),
                    ("Dates", false),
                    ("Decisions", false),
                    ("Cost", false),
                    ("Reason", false),
                    ("News", false),
                ],
                &rows,
            );
        }
        out.push_str("</section>");

        // Outcomes and goals.
        out.push_str("<section class=\"page\"><h2>Outcomes and goals</h2>");
        let reference = self
            .reference_name()
            .unwrap_or("reference path")
            .to_string();
        let runs = self.futures.as_ref().map_or(0, |e| e.runs);
        let _ = write!(
            out,
            "<p>Your path against {} and against {} simulated futures of the same decisions from week 1: the same choices, with the uncertain numbers of the scenario drawn again in each future.</p>",
            escape_html(&format!("“{reference}”")),
            format_number(runs as f64, 0)
        );
        let values = session.outcome_values(self.run().last());
        let ref_values = self
            .reference
            .as_ref()
            .map(|(_, run)| session.outcome_values(run.last()));
        let rows: Vec<String> = s
            .outcomes
            .iter()
            .enumerate()
            .map(|(o, outcome)| {
                let spread = self.futures.as_ref().map_or(String::new(), |e| {
                    let q = &e.outcomes[o];
                    format!(
                        "{} to {}",
                        format_number(q.p10, outcome.precision as usize),
                        format_number(q.p90, outcome.precision as usize)
                    )
                });
                let luck = self.share_worse(o, values[o]).map_or(String::new(), |w| {
                    format!("better than {} of them", percent(w))
                });
                th_row(&format!(
                    "{} ({} is better)",
                    outcome.name,
                    match outcome.better {
                        Better::Higher => "higher",
                        Better::Lower => "lower",
                    }
                )) + &td_num(&outcome_value(model, o, values[o]))
                    + &td_num(
                        &ref_values
                            .as_ref()
                            .map_or(String::new(), |r| outcome_value(model, o, r[o])),
                    )
                    + &td_num(&spread)
                    + &td(&luck)
            })
            .collect();
        out += &html::table(
            "outcomes",
            &[
                ("Outcome", false),
                ("Your path", true),
                (reference.as_str(), true),
                ("Futures, 10–90 %", true),
                ("Your result", false),
            ],
            &rows,
        );
        let ref_goals = self
            .reference
            .as_ref()
            .map(|(_, run)| session.goals_met(run.last()));
        let rows: Vec<String> = s
            .goals
            .iter()
            .enumerate()
            .map(|(g, goal)| {
                th_row(&goal.name)
                    + &td_goal(goals[g])
                    + &ref_goals.as_ref().map_or_else(|| td(""), |r| td_goal(r[g]))
                    + &td_num(
                        &self
                            .futures
                            .as_ref()
                            .map_or(String::new(), |e| percent(e.goals[g])),
                    )
                    + &td(&goal.description)
            })
            .collect();
        if !rows.is_empty() {
            out += &html::table(
                "goals",
                &[
                    ("Goal", false),
                    ("Your path", false),
                    (reference.as_str(), false),
                    ("Chance in the futures", true),
                    ("What it means", false),
                ],
                &rows,
            );
        }
        out.push_str("</section>");

        // Charts.
        out.push_str("<section class=\"page\"><h2>Key indicators</h2>");
        for &i in &self.keys {
            let chart = self.chart(i);
            let svg = chart.to_svg(&format!("r{index}-chart-{i}"));
            out += &html::figure(&svg, &chart.description(), &self.chart_table(&chart));
        }
        out.push_str("</section>");

        // Other branches.
        if session.branches().len() > 1 {
            out.push_str("<section class=\"page\"><h2>Other branches of the session</h2>");
            let mut head: Vec<(&str, bool)> = vec![("Branch", false), ("Weeks", true)];
            for o in &s.outcomes {
                head.push((o.name.as_str(), true));
            }
            head.push(("Goals met", true));
            let rows: Vec<String> = session
                .branches()
                .iter()
                .enumerate()
                .filter_map(|(b, branch)| {
                    let run = self.runs.get(b)?.as_ref()?;
                    let values = session.outcome_values(run.last());
                    let met = session.goals_met(run.last()).iter().filter(|&&g| g).count();
                    let mut row = th_row(&if b == session.active() {
                        format!("{} (reported)", branch.name)
                    } else {
                        branch.name.clone()
                    }) + &td_num(&branch.decisions.len().to_string());
                    for (o, v) in values.iter().enumerate() {
                        row += &td_num(&outcome_value(model, o, *v));
                    }
                    row += &td_num(&format!("{met} of {}", s.goals.len()));
                    Some(row)
                })
                .collect();
            out += &html::table("branches", &head, &rows);
            out.push_str("</section>");
        }

        out.push_str("<section class=\"page\"><h2>Debrief questions</h2>");
        out += &html::questions(&self.questions());
        let _ = writeln!(
            out,
            "<p class=\"muted\">Made with Sandtable {}{}.</p></section></section>",
            env!("CARGO_PKG_VERSION"),
            today().map_or(String::new(), |d| format!(" on {}", d.human()))
        );
        out
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let model = self.model();
        let s = &model.scenario;
        let session = &self.input.session;
        let mut out = format!("# {} — {}\n\n", s.title, self.input.who());
        let (name, group) = self.input.student.clone().unwrap_or_default();
        let or = |v: &str, none: &str| {
            if v.trim().is_empty() {
                none.to_string()
            } else {
                v.trim().to_string()
            }
        };
        let _ = writeln!(out, "- Student: {}", or(&name, "(not given)"));
        let _ = writeln!(out, "- Class: {}", or(&group, "(not given)"));
        let _ = writeln!(
            out,
            "- Date: {}",
            self.input
                .date
                .map_or("(not known)".to_string(), |d| d.human())
        );
        let _ = writeln!(
            out,
            "- Scenario: {} ({}), version {}",
            s.title, s.id, self.version
        );
        let _ = writeln!(out, "- Seed: {}", session.seed());
        let _ = writeln!(
            out,
            "- Path: branch “{}”, {} of {} weeks played",
            session.active_branch().name,
            session.played(),
            model.turns()
        );
        let _ = writeln!(out, "- Session file: {}\n", self.input.source);

        out.push_str("## Decisions week by week\n\n| Week | Dates | Decisions | Cost | Reason | News |\n|---:|---|---|---|---|---|\n");
        for row in self.decision_log() {
            let cells: Vec<String> = row.iter().map(|c| markdown_cell(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        let reference = self
            .reference_name()
            .unwrap_or("reference path")
            .to_string();
        let _ = write!(
            out,
            "\n## Outcomes and goals\n\n| Outcome | Your path | {} | Futures, 10–90 % | Your result |\n|---|---:|---:|---:|---|\n",
            markdown_cell(&reference)
        );
        let values = session.outcome_values(self.run().last());
        let ref_values = self
            .reference
            .as_ref()
            .map(|(_, run)| session.outcome_values(run.last()));
        for (o, outcome) in s.outcomes.iter().enumerate() {
            let p = outcome.precision as usize;
            let spread = self.futures.as_ref().map_or(String::new(), |e| {
                format!(
                    "{} to {}",
                    format_number(e.outcomes[o].p10, p),
                    format_number(e.outcomes[o].p90, p)
                )
            });
            let luck = self.share_worse(o, values[o]).map_or(String::new(), |w| {
                format!("better than {} of them", percent(w))
            });
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                markdown_cell(&outcome.name),
                outcome_value(model, o, values[o]),
                ref_values
                    .as_ref()
                    .map_or(String::new(), |r| outcome_value(model, o, r[o])),
                spread,
                luck
            );
        }
        let goals = session.goals_met(self.run().last());
        let ref_goals = self
            .reference
            .as_ref()
            .map(|(_, run)| session.goals_met(run.last()));
        if !s.goals.is_empty() {
            let _ = write!(
                out,
                "\n| Goal | Your path | {} | Chance in the futures |\n|---|---|---|---:|\n",
                markdown_cell(&reference)
            );
            let word = |m: bool| if m { "met" } else { "missed" };
            for (g, goal) in s.goals.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    markdown_cell(&goal.name),
                    word(goals[g]),
                    ref_goals.as_ref().map_or("", |r| word(r[g])),
                    self.futures
                        .as_ref()
                        .map_or(String::new(), |e| percent(e.goals[g]))
                );
            }
        }
        out.push_str("\n## Key indicators\n\n");
        for &i in &self.keys {
            let chart = self.chart(i);
            let _ = writeln!(out, "- {}", chart.description());
            let end = self.run().last()[model.layout.indicator(i)];
            let _ = writeln!(
                out,
                "  (your path ends at {})",
                indicator_value(model, i, end)
            );
        }
        out.push_str("\n## Debrief questions\n\n");
        for (k, q) in self.questions().iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {q}\n\n   ______________________________________\n",
                k + 1
            );
        }
        out
    }

    /// Every branch's trajectory as CSV rows (no header): file, student, branch, branch
    /// name, turn, date, choice ids, every indicator, every actor's approval.
    pub fn csv_rows(&self, out: &mut String) {
        let model = self.model();
        let s = &model.scenario;
        let layout = &model.layout;
        let session = &self.input.session;
        for (b, branch) in session.branches().iter().enumerate() {
            let Some(Some(run)) = self.runs.get(b) else {
                continue;
            };
            for t in 0..=run.turns.len() {
                let state = run.state(t);
                let choices: Vec<&str> = if t == 0 {
                    Vec::new()
                } else {
                    run.turns[t - 1]
                        .choices
                        .iter()
                        .map(|&c| s.choices[c].id.as_str())
                        .collect()
                };
                let _ = write!(
                    out,
                    "{},{},{},{},{t},{},{}",
                    csv_field(&self.input.source),
                    csv_field(&self.input.who()),
                    b + 1,
                    csv_field(&branch.name),
                    model.date(t),
                    csv_field(&choices.join(" "))
                );
                for i in 0..s.indicators.len() {
                    let _ = write!(out, ",{}", state[layout.indicator(i)]);
                }
                for a in 0..s.actors.len() {
                    let _ = write!(out, ",{}", state[layout.approval(a)]);
                }
                out.push('\n');
            }
        }
    }
}

/// The header of [`StudentReport::csv_rows`] for a model.
pub fn csv_header(model: &Model) -> String {
    let s = &model.scenario;
    let mut out = String::from("file,student,branch,branch_name,turn,date,choices");
    for ind in &s.indicators {
        out.push(',');
        out.push_str(&csv_field(&ind.id));
    }
    for actor in &s.actors {
        let _ = write!(out, ",{}.approval", csv_field(&actor.id));
    }
    out.push('\n');
    out
}

/// The observed values of an indicator.
pub fn observed(model: &Model, indicator: usize) -> Vec<Point> {
    let id = &model.scenario.indicators[indicator].id;
    model
        .scenario
        .observations
        .iter()
        .filter(|o| &o.indicator == id)
        .map(|o| Point {
            date: o.date,
            value: o.value,
            note: o.note.clone(),
        })
        .collect()
}

/// Several sessions' reports as one HTML page, each starting on a new page when printed.
pub fn html_document(reports: &[StudentReport]) -> String {
    let title = match reports {
        [one] => format!("{} — {}", one.model().scenario.title, one.input.who()),
        _ => format!("Sandtable reports ({})", reports.len()),
    };
    let body: String = reports
        .iter()
        .enumerate()
        .map(|(k, r)| r.html_section(k))
        .collect();
    html::page(&title, "en", &body, None)
}

/// Several sessions' reports as one Markdown text.
pub fn markdown_document(reports: &[StudentReport]) -> String {
    reports
        .iter()
        .map(StudentReport::markdown)
        .collect::<Vec<_>>()
        .join("\n---\n\n")
}

/// Several sessions' trajectories as one CSV; sessions of other scenarios than the first
/// get their own header line.
pub fn csv_document(reports: &[StudentReport]) -> String {
    let mut out = String::new();
    let mut header = String::new();
    for r in reports {
        let h = csv_header(r.model());
        if h != header {
            out.push_str(&h);
            header = h;
        }
        r.csv_rows(&mut out);
    }
    out
}
