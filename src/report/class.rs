//! The class debrief: many students' sessions of one scenario side by side. One row per
//! student, every path on the key charts with the reference path and the band of the
//! futures, where the class split and what each split did (with the paired difference of
//! the futures, so that luck is told from choice), the most different paths, and the
//! debrief questions.
//!
//! Files of another scenario version are kept apart; a damaged file is listed with its
//! error and the others still load.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::html::{self, td, td_num};
use super::student::observed;
use super::svg::{Band, Chart, Line, LineStyle};
use super::words::{
    self, csv_field, escape_html, markdown_cell, outcome_value, percent, signed, today,
};
use super::{GENERAL_QUESTIONS, SessionReport, Settings, key_indicators, reference_path};
use crate::scenario::{Model, format_number};
use crate::session::Session;
use crate::sim::Run;
use crate::sim::analysis::{Comparison, compare};
use crate::sim::ensemble::{Bands, Control, Ensemble, Options, Plan, Start, run_ensemble};

/// The most splits shown.
const MAX_SPLITS: usize = 3;

/// A file that could not be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Damaged {
    pub source: String,
    pub error: String,
}

/// One student's session in the class.
#[derive(Debug, Clone)]
pub struct Student {
    pub input: SessionReport,
    /// The scenario version of the session.
    pub version: String,
}

impl Student {
    pub fn run(&self) -> &Run {
        self.input.session.run()
    }

    pub fn decisions(&self) -> &[Vec<usize>] {
        &self.input.session.active_branch().decisions
    }

    pub fn outcomes(&self) -> Vec<f64> {
        self.input.session.outcome_values(self.run().last())
    }

    pub fn goals(&self) -> Vec<bool> {
        self.input.session.goals_met(self.run().last())
    }

    /// Each week the student decided something: its 0-based turn, and "Week 3: Extend the
    /// C-17 for four more weeks; … — why: …" with the reason they wrote, if any.
    pub fn decided_weeks(&self) -> Vec<(usize, String)> {
        let choices = &self.input.session.model().scenario.choices;
        let branch = self.input.session.active();
        self.decisions()
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_empty())
            .map(|(t, w)| {
                let labels: Vec<&str> = w.iter().map(|&c| choices[c].label.as_str()).collect();
                let mut line = format!("Week {}: {}", t + 1, labels.join("; "));
                if let Some(r) = self.input.reason(branch, t) {
                    line.push_str(&format!(" — why: {r}"));
                }
                (t, line)
            })
            .collect()
    }

    /// Whether the student's path takes `choice` in any week.
    pub fn took(&self, choice: usize) -> bool {
        self.decisions().iter().any(|w| w.contains(&choice))
    }
}

/// A decision on which the class split: those who took a choice and those who did not.
#[derive(Debug, Clone)]
pub struct Split {
    pub choice: usize,
    /// The weeks (0-based) in which those who took it took it first, sorted, one per
    /// student.
    pub first_weeks: Vec<usize>,
    /// The week the choice is added to the class's common plan for the paired comparison:
    /// the median of `first_weeks` (the lower one of two).
    pub week: usize,
    /// Indices into [`ClassDebrief::students`].
    pub took: Vec<usize>,
    pub did_not: Vec<usize>,
    /// Per outcome, the mean over each group.
    pub mean_took: Vec<f64>,
    pub mean_did_not: Vec<f64>,
    /// The class's common plan without the choice and with it, in the same futures:
    /// `differences[1]` is the choice's own effect.
    pub paired: Option<Comparison>,
}

/// The whole class debrief, computed.
#[derive(Debug, Clone)]
pub struct ClassDebrief {
    /// The scenario of most sessions.
    pub model: Option<Arc<Model>>,
    pub version: String,
    /// Sessions of that scenario version, in the order given.
    pub students: Vec<Student>,
    /// Sessions of other scenario versions, by version.
    pub other_versions: Vec<Student>,
    pub damaged: Vec<Damaged>,
    pub keys: Vec<usize>,
    /// The reference path's index and run (with the first student's seed).
    pub reference: Option<(usize, Run)>,
    /// The futures of the reference path from week 1 (or of no decision), banded.
    pub futures: Option<Ensemble>,
    /// The class's common plan: in each week, the choices most students took.
    pub common_plan: Vec<Vec<usize>>,
    pub splits: Vec<Split>,
    /// The two students whose decisions differ most, and in how many week-choices.
    pub most_different: Option<(usize, usize, usize)>,
    pub questions: Vec<String>,
}

/// The session files named: files as given, folders as the `*.session.ron` files in them
/// (sorted by name, not recursive).
pub fn session_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Damaged>) {
    let mut files = Vec::new();
    let mut damaged = Vec::new();
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| {
                            p.is_file()
                                && p.file_name()
                                    .and_then(|n| n.to_str())
                                    .is_some_and(|n| n.ends_with(".session.ron"))
                        })
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => damaged.push(Damaged {
                    source: path.display().to_string(),
                    error: format!("cannot read the folder: {e}"),
                }),
            }
        } else {
            files.push(path.clone());
        }
    }
    (files, damaged)
}

/// Reads every session named (see [`session_files`]); a file that does not load is
/// returned with its error, and the others still load.
pub fn load(paths: &[PathBuf]) -> (Vec<SessionReport>, Vec<Damaged>) {
    let (files, mut damaged) = session_files(paths);
    let mut loaded = Vec::new();
    for file in files {
        let source = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match SessionReport::load(&file) {
            Ok(report) => loaded.push(report),
            Err(e) => damaged.push(Damaged::new(source, &e)),
        }
    }
    (loaded, damaged)
}

/// Reads sessions given by their (name, text), as a browser gets them; undated.
pub fn load_texts(files: &[(String, String)]) -> (Vec<SessionReport>, Vec<Damaged>) {
    let mut loaded = Vec::new();
    let mut damaged = Vec::new();
    for (name, text) in files {
        match Session::from_ron(name, text) {
            Ok(session) => loaded.push(SessionReport::from_session(session, name, None)),
            Err(e) => damaged.push(Damaged::new(name.clone(), &e)),
        }
    }
    (loaded, damaged)
}

impl Damaged {
    fn new(source: String, e: &crate::scenario::FileError) -> Self {
        Self {
            source,
            error: e
                .short()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Computes the class debrief from the sessions read.
pub fn build(
    sessions: Vec<SessionReport>,
    damaged: Vec<Damaged>,
    settings: &Settings,
) -> ClassDebrief {
    let mut count: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let all: Vec<Student> = sessions
        .into_iter()
        .enumerate()
        .map(|(k, input)| {
            let version = super::scenario_version(&input.session.model().source);
            count.entry(version.clone()).or_insert((0, k)).0 += 1;
            Student { input, version }
        })
        .collect();
    // The version of most sessions; on a tie, the one met first.
    let version = count
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(v, _)| v.clone())
        .unwrap_or_default();
    let (students, other_versions): (Vec<Student>, Vec<Student>) =
        all.into_iter().partition(|s| s.version == version);
    let mut debrief = ClassDebrief {
        model: students
            .first()
            .map(|s| Arc::clone(s.input.session.model())),
        version,
        students,
        other_versions,
        damaged,
        keys: Vec::new(),
        reference: None,
        futures: None,
        common_plan: Vec::new(),
        splits: Vec::new(),
        most_different: None,
        questions: Vec::new(),
    };
    let Some(model) = debrief.model.clone() else {
        return debrief;
    };
    let first = &debrief.students[0].input;
    debrief.questions = if first.debrief_questions.is_empty() {
        GENERAL_QUESTIONS.iter().map(|q| q.to_string()).collect()
    } else {
        first.debrief_questions.clone()
    };
    debrief.keys = key_indicators(&model);
    let seed = first.session.seed();
    let overrides = crate::sim::Overrides::none(&model);
    let reference = reference_path(&model);
    debrief.reference = reference.and_then(|p| {
        let decisions = &model.paths[p];
        crate::sim::run(&model, seed, &overrides, decisions)
            .ok()
            .map(|run| (p, run))
    });
    let start = Start::beginning(&model, seed, &overrides);
    let plan = reference.map_or_else(Plan::hold_course, |p| Plan::weekly(model.paths[p].clone()));
    let options = Options {
        runs: settings.runs,
        threads: settings.threads,
        bands: Bands::Indicators(debrief.keys.clone()),
        ledger: false,
    };
    debrief.futures = run_ensemble(&start, &plan, &options, &Control::default()).ok();
    debrief.common_plan = common_plan(&model, &debrief.students);
    debrief.splits = splits(
        &model,
        &debrief.students,
        &debrief.common_plan,
        &start,
        settings,
    );
    debrief.most_different = most_different(&debrief.students);
    debrief
}

/// In each week, the choices more than half of the students took.
fn common_plan(model: &Model, students: &[Student]) -> Vec<Vec<usize>> {
    (0..model.turns())
        .map(|t| {
            let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
            for s in students {
                for &c in s.decisions().get(t).into_iter().flatten() {
                    *counts.entry(c).or_insert(0) += 1;
                }
            }
            counts
                .into_iter()
                .filter(|&(_, n)| 2 * n > students.len())
                .map(|(c, _)| c)
                .collect()
        })
        .collect()
}

fn mean_outcomes(students: &[Student], group: &[usize], outcomes: usize) -> Vec<f64> {
    let mut sums = vec![0.0; outcomes];
    for &k in group {
        for (o, v) in students[k].outcomes().iter().enumerate() {
            sums[o] += v;
        }
    }
    sums.iter().map(|s| s / group.len().max(1) as f64).collect()
}

/// The choices that split the class most evenly, with each group's outcomes and the
/// choice's own effect in the same futures.
fn splits(
    model: &Model,
    students: &[Student],
    common: &[Vec<usize>],
    start: &Start,
    settings: &Settings,
) -> Vec<Split> {
    let n = students.len();
    let mut candidates: Vec<(usize, usize)> = (0..model.choices.len())
        .filter_map(|c| {
            let k = students.iter().filter(|s| s.took(c)).count();
            (k > 0 && k < n).then_some((k.min(n - k), c))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let outcomes = model.scenario.outcomes.len();
    candidates
        .into_iter()
        .take(MAX_SPLITS)
        .map(|(_, choice)| {
            let (took, did_not): (Vec<usize>, Vec<usize>) =
                (0..n).partition(|&k| students[k].took(choice));
            let mut first_weeks: Vec<usize> = took
                .iter()
                .filter_map(|&k| {
                    students[k]
                        .decisions()
                        .iter()
                        .position(|w| w.contains(&choice))
                })
                .collect();
            first_weeks.sort_unstable();
            let week = first_weeks
                .get(first_weeks.len().saturating_sub(1) / 2)
                .copied()
                .unwrap_or(0);
            let base = Plan::weekly(common.to_vec());
            let in_common = common.iter().any(|w| w.contains(&choice));
            let without = Plan::weekly(
                common
                    .iter()
                    .map(|w| w.iter().copied().filter(|&c| c != choice).collect())
                    .collect(),
            );
            let with = if in_common {
                base
            } else {
                base.with_choice(week, choice)
            };
            let options = Options {
                runs: settings.runs,
                threads: settings.threads,
                bands: Bands::None,
                ledger: false,
            };
            let paired = compare(start, &[without, with], &options, &Control::default()).ok();
            Split {
                choice,
                first_weeks,
                week,
                mean_took: mean_outcomes(students, &took, outcomes),
                mean_did_not: mean_outcomes(students, &did_not, outcomes),
                took,
                did_not,
                paired,
            }
        })
        .collect()
}

/// How many week-choices two paths do not share.
pub fn path_distance(a: &[Vec<usize>], b: &[Vec<usize>]) -> usize {
    let weeks = a.len().max(b.len());
    (0..weeks)
        .map(|t| {
            let x = a.get(t).map_or(&[][..], Vec::as_slice);
            let y = b.get(t).map_or(&[][..], Vec::as_slice);
            x.iter().filter(|c| !y.contains(c)).count()
                + y.iter().filter(|c| !x.contains(c)).count()
        })
        .sum()
}

fn most_different(students: &[Student]) -> Option<(usize, usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None;
    for i in 0..students.len() {
        for j in i + 1..students.len() {
            let d = path_distance(students[i].decisions(), students[j].decisions());
            if best.is_none_or(|(_, _, b)| d > b) {
                best = Some((i, j, d));
            }
        }
    }
    best.filter(|&(_, _, d)| d > 0)
}

/// A short code for each choice, `A`, `B`, … `Z`, `AA`…, for compact decision lists.
pub fn choice_code(choice: usize) -> String {
    let mut n = choice;
    let mut code = String::new();
    loop {
        code.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    code
}

/// A student's decisions, compact: `1 AB · 2 C · 5 A` (week and choice codes).
pub fn compact_decisions(decisions: &[Vec<usize>]) -> String {
    let parts: Vec<String> = decisions
        .iter()
        .enumerate()
        .filter(|(_, w)| !w.is_empty())
        .map(|(t, w)| {
            format!(
                "{} {}",
                t + 1,
                w.iter().map(|&c| choice_code(c)).collect::<String>()
            )
        })
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(" · ")
    }
}

const SORT_SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function (table) {
  var body = table.tBodies[0];
  table.querySelectorAll('th button').forEach(function (button, col) {
    button.addEventListener('click', function () {
      var up = button.getAttribute('data-up') !== 'true';
      button.setAttribute('data-up', up);
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
        var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
var filter = document.getElementById('filter');
if (filter) {
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    document.querySelectorAll('table.sortable tbody tr').forEach(function (r) {
      r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
}
"#;

impl ClassDebrief {
    /// The chart of a key indicator: every student's path, the reference, the band.
    pub fn chart(&self, indicator: usize) -> Option<Chart> {
        let model = self.model.as_ref()?;
        let ind = &model.scenario.indicators[indicator];
        let slot = model.layout.indicator(indicator);
        let mut lines: Vec<Line> = self
            .students
            .iter()
            .enumerate()
            .map(|(k, s)| Line {
                label: s.input.who(),
                values: s.run().series(slot),
                style: LineStyle::Class(k),
            })
            .collect();
        if let Some((p, run)) = &self.reference {
            lines.push(Line {
                label: model.scenario.paths[*p].name.clone(),
                values: run.series(slot),
                style: LineStyle::Reference,
            });
        }
        let band = self.futures.as_ref().and_then(|e| {
            let series = e.band_series(indicator)?;
            Some(Band {
                label: match &self.reference {
                    Some((p, _)) => {
                        format!("80 % of the futures of “{}”", model.scenario.paths[*p].name)
                    }
                    None => "80 % of the futures with no decision".to_string(),
                },
                start: e.start_turn,
                p10: series.iter().map(|q| q.p10).collect(),
                p50: series.iter().map(|q| q.p50).collect(),
                p90: series.iter().map(|q| q.p90).collect(),
            })
        });
        Some(Chart {
            title: ind.name.clone(),
            unit: ind.unit.clone(),
            precision: ind.precision as usize,
            dates: (0..=model.turns()).map(|t| model.date(t)).collect(),
            lines,
            band,
            points: observed(model, indicator),
        })
    }

    /// One outcome of a split in words: each group's mean, and the paired difference the
    /// choice alone makes in the same futures, with its 5-95 % range.
    pub fn split_outcome(&self, split: &Split, outcome: usize) -> String {
        let Some(model) = self.model.as_deref() else {
            return String::new();
        };
        let p = model.scenario.outcomes[outcome].precision as usize;
        let alone = split
            .paired
            .as_ref()
            .and_then(|c| c.differences.get(1))
            .and_then(|d| d.get(outcome))
            .map_or(String::new(), |d| {
                format!(
                    "; the choice alone, in the same futures: {} ({} to {})",
                    signed(d.p50, p),
                    signed(d.p5, p),
                    signed(d.p95, p)
                )
            });
        format!(
            "took it {}, did not {}{alone}",
            outcome_value(model, outcome, split.mean_took[outcome]),
            outcome_value(model, outcome, split.mean_did_not[outcome])
        )
    }

    /// A split in words: who took what, and how the groups' outcomes differ.
    pub fn split_sentence(&self, split: &Split) -> String {
        let Some(model) = &self.model else {
            return String::new();
        };
        let mut weeks: Vec<usize> = split.first_weeks.iter().map(|t| t + 1).collect();
        weeks.dedup();
        let weeks: Vec<String> = weeks.iter().map(usize::to_string).collect();
        format!(
            "{} of {} students took “{}” (first in {} {}); {} did not. In the same futures, the choice alone is taken in week {} of the class's common plan.",
            split.took.len(),
            self.students.len(),
            model.scenario.choices[split.choice].label,
            if weeks.len() == 1 { "week" } else { "weeks" },
            weeks.join(", "),
            split.did_not.len(),
            split.week + 1
        )
    }

    /// The rows of the class table as plain cells: name, class, decisions, goals met, then
    /// each outcome.
    pub fn row_cells(&self, student: &Student) -> Vec<String> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let (_, group) = student.input.student.clone().unwrap_or_default();
        let goals = student.goals();
        let mut cells = vec![
            student.input.who(),
            group,
            compact_decisions(student.decisions()),
            format!(
                "{} of {}",
                goals.iter().filter(|&&g| g).count(),
                goals.len()
            ),
        ];
        for (o, v) in student.outcomes().iter().enumerate() {
            cells.push(outcome_value(model, o, *v));
        }
        cells
    }

    /// The class debrief as one HTML page.
    pub fn html(&self) -> String {
        let mut out = String::new();
        let Some(model) = &self.model else {
            out.push_str("<h1>Class debrief</h1><p>No session could be read.</p>");
            out += &self.damaged_html();
            return html::page("Class debrief", "en", &out, None);
        };
        let s = &model.scenario;
        let _ = write!(
            out,
            "<style>@media print {{ @page {{ size: landscape; }} }}</style><section class=\"page\"><p class=\"muted\">Sandtable class debrief</p><h1>{}</h1>",
            escape_html(&s.title)
        );
        let groups: Vec<String> = {
            let mut g: Vec<String> = self
                .students
                .iter()
                .filter_map(|st| st.input.student.as_ref().map(|(_, g)| g.trim().to_string()))
                .filter(|g| !g.is_empty())
                .collect();
            g.sort();
            g.dedup();
            g
        };
        out.push_str("<dl class=\"facts\">");
        let mut fact = |k: &str, v: &str| {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                escape_html(k),
                escape_html(v)
            );
        };
        fact(
            "Scenario",
            &format!("{} ({}), version {}", s.title, s.id, self.version),
        );
        fact("Students", &self.students.len().to_string());
        if !groups.is_empty() {
            fact("Class", &groups.join(", "));
        }
        if !self.other_versions.is_empty() {
            fact(
                "Other versions",
                &format!(
                    "{}, shown apart below",
                    words::count(self.other_versions.len(), "file", "files")
                ),
            );
        }
        if !self.damaged.is_empty() {
            fact(
                "Not read",
                &format!(
                    "{}, listed below",
                    words::count(self.damaged.len(), "file", "files")
                ),
            );
        }
        if let Some(d) = today() {
            fact("Made on", &d.human());
        }
        out.push_str("</dl>");
        out += &self.damaged_html();

        out.push_str("<h2>The students' paths</h2>");
        out.push_str(
            "<p class=\"no-print\"><label>Show only rows with <input id=\"filter\" type=\"search\" placeholder=\"a name, a class, a code\"></label> · click a column's heading to sort.</p>",
        );
        out += &self.students_table(&self.students);
        out += &self.legend_html();
        out.push_str("</section>");

        out.push_str("<section class=\"page\"><h2>Every path on the key charts</h2>");
        if let Some(e) = &self.futures {
            let _ = write!(
                out,
                "<p>Each coloured line is one student's path. The dashed line is what was actually decided, and the shaded band holds 80 % of {} simulated futures of it: a path outside the band is the students' choices, not luck.</p>",
                format_number(e.runs as f64, 0)
            );
        }
        for &i in &self.keys {
            if let Some(chart) = self.chart(i) {
                let svg = chart.to_svg(&format!("class-chart-{i}"));
                let rows: Vec<String> = self
                    .students
                    .iter()
                    .map(|st| {
                        let v = st.run().last()[model.layout.indicator(i)];
                        td(&st.input.who()) + &td_num(&super::words::indicator_value(model, i, v))
                    })
                    .collect();
                let table = html::table("", &[("Student", false), ("At the end", true)], &rows);
                out += &html::figure(&svg, &chart.description(), &table);
            }
        }
        out.push_str("</section>");

        out.push_str("<section class=\"page\"><h2>How the class split</h2>");
        if self.splits.is_empty() {
            out.push_str("<p>Every student took the same decisions.</p>");
        }
        for split in &self.splits {
            let _ = write!(
                out,
                "<h3>{}</h3><p>{}</p>",
                escape_html(&s.choices[split.choice].label),
                escape_html(&self.split_sentence(split))
            );
            let rows: Vec<String> = s
                .outcomes
                .iter()
                .enumerate()
                .map(|(o, outcome)| {
                    let p = outcome.precision as usize;
                    let gap = split.mean_took[o] - split.mean_did_not[o];
                    let effect = split
                        .paired
                        .as_ref()
                        .and_then(|c| c.differences.get(1))
                        .map_or(String::new(), |d| {
                            format!(
                                "{} ({} to {})",
                                signed(d[o].p50, p),
                                signed(d[o].p5, p),
                                signed(d[o].p95, p)
                            )
                        });
                    html::th_row(&outcome.name)
                        + &td_num(&outcome_value(model, o, split.mean_took[o]))
                        + &td_num(&outcome_value(model, o, split.mean_did_not[o]))
                        + &td_num(&signed(gap, p))
                        + &td_num(&effect)
                })
                .collect();
            out += &html::table(
                "split",
                &[
                    ("Outcome", false),
                    ("Took it (mean)", true),
                    ("Did not (mean)", true),
                    ("Gap between the groups", true),
                    ("The choice alone, same futures: median (90 %)", true),
                ],
                &rows,
            );
        }
        if !self.splits.is_empty() {
            out.push_str(
                "<p class=\"muted\">The gap between the groups mixes the choice, the students' other decisions and luck. The last column takes the class's common plan (in each week, what most students did) with and without the choice, in the same simulated futures, so that only the choice differs.</p>",
            );
        }
        if let Some((i, j, d)) = self.most_different {
            let (a, b) = (&self.students[i], &self.students[j]);
            let _ = write!(
                out,
                "<h3>The most different paths</h3><p>{} and {} differ in {} week-decisions.</p>",
                escape_html(&a.input.who()),
                escape_html(&b.input.who()),
                d
            );
            out += &self.students_table(&[a.clone(), b.clone()]);
        }
        out.push_str("</section>");

        if !self.other_versions.is_empty() {
            out.push_str("<section class=\"page\"><h2>Files of another scenario version</h2>");
            let _ = write!(
                out,
                "<p class=\"notice\">These sessions were played on another version of the scenario than the {} above (version {}); their numbers are not comparable and are not in the charts or the splits.</p>",
                self.students.len(),
                self.version
            );
            for st in &self.other_versions {
                let m = st.input.session.model();
                let _ = write!(
                    out,
                    "<p>{}: “{}”, version {}, {} of {} weeks played.</p>",
                    escape_html(&st.input.source),
                    escape_html(&m.scenario.title),
                    st.version,
                    st.input.session.played(),
                    m.turns()
                );
            }
            out.push_str("</section>");
        }

        out.push_str("<section class=\"page\"><h2>Debrief questions</h2>");
        out += &html::questions(&self.questions);
        out.push_str("</section>");
        html::page(
            &format!("Class debrief — {}", s.title),
            "en",
            &out,
            Some(SORT_SCRIPT),
        )
    }

    fn damaged_html(&self) -> String {
        if self.damaged.is_empty() {
            return String::new();
        }
        let mut out =
            String::from("<div class=\"error\"><p>These files could not be read:</p><ul>");
        for d in &self.damaged {
            let _ = write!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape_html(&d.source),
                escape_html(&d.error)
            );
        }
        out.push_str("</ul></div>");
        out
    }

    fn legend_html(&self) -> String {
        let Some(model) = &self.model else {
            return String::new();
        };
        let used: Vec<usize> = (0..model.choices.len())
            .filter(|&c| self.students.iter().any(|s| s.took(c)))
            .collect();
        if used.is_empty() {
            return String::new();
        }
        let mut out = String::from("<p><strong>Codes:</strong> ");
        let parts: Vec<String> = used
            .iter()
            .map(|&c| {
                format!(
                    "<b>{}</b> {}",
                    choice_code(c),
                    escape_html(&model.scenario.choices[c].label)
                )
            })
            .collect();
        out.push_str(&parts.join("; "));
        out.push_str(". A number is the week.</p>");
        out
    }

    fn students_table(&self, students: &[Student]) -> String {
        let Some(model) = &self.model else {
            return String::new();
        };
        let s = &model.scenario;
        let mut head: Vec<String> = vec![
            "Student".into(),
            "Class".into(),
            "Decisions".into(),
            "Goals met".into(),
        ];
        head.extend(
            s.outcomes
                .iter()
                .map(|o| format!("{} ({})", o.name, o.unit)),
        );
        let mut out = String::from("<div class=\"scroll\"><table class=\"sortable\"><thead><tr>");
        for (k, h) in head.iter().enumerate() {
            let _ = write!(
                out,
                "<th scope=\"col\"{}><button type=\"button\">{}</button></th>",
                if k >= 3 { " class=\"num\"" } else { "" },
                escape_html(h)
            );
        }
        out.push_str("</tr></thead><tbody>");
        for st in students {
            let branch = st.input.session.active();
            let (_, group) = st.input.student.clone().unwrap_or_default();
            let goals = st.goals();
            let met = goals.iter().filter(|&&g| g).count();
            let decisions: Vec<String> = st
                .decided_weeks()
                .into_iter()
                .map(|(t, hover)| {
                    let w = &st.decisions()[t];
                    format!(
                        "<span title=\"{}\"{}>{} {}</span>",
                        escape_html(&hover),
                        if st.input.reason(branch, t).is_some() {
                            " class=\"reason\""
                        } else {
                            ""
                        },
                        t + 1,
                        w.iter().map(|&c| choice_code(c)).collect::<String>()
                    )
                })
                .collect();
            let _ = write!(
                out,
                "<tr><th scope=\"row\" title=\"{}\">{}</th><td>{}</td><td>{}</td><td class=\"num\" data-sort=\"{met}\">{met} of {}</td>",
                escape_html(&st.input.source),
                escape_html(&st.input.who()),
                escape_html(group.trim()),
                if decisions.is_empty() {
                    "none".to_string()
                } else {
                    decisions.join(" · ")
                },
                goals.len()
            );
            for (o, v) in st.outcomes().iter().enumerate() {
                let _ = write!(
                    out,
                    "<td class=\"num\" data-sort=\"{v}\">{}</td>",
                    escape_html(&format_number(*v, s.outcomes[o].precision as usize))
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>\n");
        out
    }

    /// The class as CSV: one row per file (damaged and other versions included, with their
    /// status), goals met, each goal, each outcome, the decisions and the reasons.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("file,student,class,status,scenario_version,weeks_played,goals_met");
        if let Some(model) = &self.model {
            for g in &model.scenario.goals {
                let _ = write!(out, ",goal.{}", csv_field(&g.id));
            }
            for o in &model.scenario.outcomes {
                let _ = write!(out, ",{}", csv_field(&o.id));
            }
        }
        out.push_str(",decisions,reasons,error\n");
        let row = |out: &mut String, st: &Student, status: &str, same: bool| {
            let (_, group) = st.input.student.clone().unwrap_or_default();
            let goals = st.goals();
            let _ = write!(
                out,
                "{},{},{},{status},{},{},{}",
                csv_field(&st.input.source),
                csv_field(&st.input.who()),
                csv_field(group.trim()),
                st.version,
                st.input.session.played(),
                goals.iter().filter(|&&g| g).count()
            );
            if let Some(model) = &self.model {
                let (g_n, o_n) = (model.scenario.goals.len(), model.scenario.outcomes.len());
                if same {
                    for g in goals {
                        let _ = write!(out, ",{}", u8::from(g));
                    }
                    for v in st.outcomes() {
                        let _ = write!(out, ",{v}");
                    }
                } else {
                    out.push_str(&",".repeat(g_n + o_n));
                }
            }
            let m = st.input.session.model();
            let branch = st.input.session.active();
            let decisions: Vec<String> = st
                .decisions()
                .iter()
                .enumerate()
                .filter(|(_, w)| !w.is_empty())
                .map(|(t, w)| {
                    let ids: Vec<&str> = w
                        .iter()
                        .map(|&c| m.scenario.choices[c].id.as_str())
                        .collect();
                    format!("{}:{}", t + 1, ids.join("+"))
                })
                .collect();
            let reasons: Vec<String> = (0..st.decisions().len())
                .filter_map(|t| {
                    st.input
                        .reason(branch, t)
                        .map(|r| format!("{}: {r}", t + 1))
                })
                .collect();
            let _ = writeln!(
                out,
                ",{},{},",
                csv_field(&decisions.join(" ")),
                csv_field(&reasons.join(" | "))
            );
        };
        for st in &self.students {
            row(&mut out, st, "ok", true);
        }
        for st in &self.other_versions {
            row(&mut out, st, "other version", false);
        }
        let blanks = self
            .model
            .as_ref()
            .map_or(0, |m| m.scenario.goals.len() + m.scenario.outcomes.len());
        for d in &self.damaged {
            let _ = writeln!(
                out,
                "{},,,damaged,,,{},,,{}",
                csv_field(&d.source),
                ",".repeat(blanks),
                csv_field(&d.error)
            );
        }
        out
    }

    /// The class debrief as Markdown, for the terminal.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let Some(model) = &self.model else {
            out.push_str("# Class debrief\n\nNo session could be read.\n");
            for d in &self.damaged {
                let _ = writeln!(out, "- not read: {}: {}", d.source, d.error);
            }
            return out;
        };
        let s = &model.scenario;
        let _ = writeln!(
            out,
            "# Class debrief — {}\n\n{} students, scenario {} version {}\n",
            s.title,
            self.students.len(),
            s.id,
            self.version
        );
        for d in &self.damaged {
            let _ = writeln!(out, "- not read: {}: {}", d.source, d.error);
        }
        for st in &self.other_versions {
            let _ = writeln!(
                out,
                "- another scenario version ({}), shown apart: {}",
                st.version, st.input.source
            );
        }
        out.push_str("\n| Student | Class | Decisions | Goals met |");
        for o in &s.outcomes {
            let _ = write!(out, " {} |", markdown_cell(&o.name));
        }
        out.push_str("\n|---|---|---|---:|");
        out.push_str(&"---:|".repeat(s.outcomes.len()));
        out.push('\n');
        for st in &self.students {
            let cells: Vec<String> = self
                .row_cells(st)
                .iter()
                .map(|c| markdown_cell(c))
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push_str("\nCodes: ");
        let used: Vec<String> = (0..model.choices.len())
            .filter(|&c| self.students.iter().any(|st| st.took(c)))
            .map(|c| format!("{} {}", choice_code(c), s.choices[c].label))
            .collect();
        out.push_str(&used.join("; "));
        out.push_str("\n\n## How the class split\n");
        for split in &self.splits {
            let _ = writeln!(out, "\n{}\n", self.split_sentence(split));
            for (o, outcome) in s.outcomes.iter().enumerate() {
                let _ = writeln!(out, "- {}: {}", outcome.name, self.split_outcome(split, o));
            }
        }
        if let Some((i, j, d)) = self.most_different {
            let _ = writeln!(
                out,
                "\nMost different paths: {} and {} ({d} week-decisions apart).",
                self.students[i].input.who(),
                self.students[j].input.who()
            );
        }
        if let Some(e) = &self.futures {
            let goals: Vec<String> = s
                .goals
                .iter()
                .enumerate()
                .map(|(g, goal)| {
                    let met = self.students.iter().filter(|st| st.goals()[g]).count();
                    format!(
                        "- {}: met by {met} of {} students; chance {} in the futures of the reference path",
                        goal.name,
                        self.students.len(),
                        percent(e.goals[g])
                    )
                })
                .collect();
            let _ = write!(out, "\n## Goals\n\n{}\n", goals.join("\n"));
        }
        out.push_str("\n## Debrief questions\n\n");
        for (k, q) in self.questions.iter().enumerate() {
            let _ = writeln!(out, "{}. {q}", k + 1);
        }
        out
    }
}

/// Whether `path` looks like a session file by its name.
pub fn is_session_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".session.ron"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_distances() {
        assert_eq!(choice_code(0), "A");
        assert_eq!(choice_code(25), "Z");
        assert_eq!(choice_code(26), "AA");
        assert_eq!(
            compact_decisions(&[vec![0, 1], vec![], vec![2]]),
            "1 AB · 3 C"
        );
        assert_eq!(compact_decisions(&[vec![], vec![]]), "none");
        assert_eq!(
            path_distance(&[vec![0], vec![1]], &[vec![0], vec![2], vec![3]]),
            3
        );
        assert_eq!(path_distance(&[vec![0]], &[vec![0]]), 0);
    }
}
