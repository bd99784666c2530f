//! The debrief at the end of the scenario: outcomes and goals of the path played, side by
//! side with the reference path (what was actually decided) and the other branches, and a
//! short summary in plain words.

use eframe::egui::{self, Color32, RichText};

use super::a11y::label;
use super::actions::Action;
use crate::report::words::{VERDICT_RULE, difference_text, verdict};
use crate::scenario::{Better, Model, format_number};
use crate::session::Session;
use crate::sim::Run;
use crate::sim::analysis;
use crate::sim::ensemble::{Bands, Control, Options, Plan, Start, Summary};

/// How many futures of the player's path and of the reference path are compared, with
/// the same luck, before the debrief calls one better than the other.
pub const DEBRIEF_FUTURES: usize = 200;

/// One path compared at the debrief.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// What the path is: "your path", "what was decided", "after week 7".
    pub note: String,
    pub outcomes: Vec<f64>,
    pub goals: Vec<bool>,
}

/// The debrief's numbers and words, computed once per change of the session.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DebriefData {
    /// The active branch first, then the reference path, then the other branches.
    pub columns: Vec<Column>,
    /// Plain-language paragraphs.
    pub summary: Vec<String>,
    /// Per outcome, the player's path minus the reference path over [`DEBRIEF_FUTURES`]
    /// futures with the same luck (empty when there is no reference path, or the game is
    /// not over): whether a difference is more than luck.
    pub paired: Vec<Summary>,
    /// The weeks in which the player's path or the reference path took a choice.
    pub weeks: Vec<WeekRow>,
}

/// One week of the debrief's week-by-week table.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekRow {
    /// 0-based.
    pub turn: usize,
    /// The choices the player's path took, in words ("nothing new" if none).
    pub mine: String,
    /// The "why I chose this" line, if one was written.
    pub reason: Option<String>,
    /// What the reference path took that week.
    pub reference: String,
}

/// Builds the comparison. `runs` holds each branch's run, by branch index.
pub fn build_debrief(
    session: &Session,
    runs: &[Option<Run>],
    reference: Option<(&str, &Run)>,
) -> DebriefData {
    let model = session.model();
    let turns = model.turns();
    let column = |name: &str, note: String, run: &Run| Column {
        name: name.to_string(),
        note,
        outcomes: session.outcome_values(run.last()),
        goals: session.goals_met(run.last()),
    };
    let progress = |run: &Run| {
        if run.turns.len() >= turns {
            "to the end".to_string()
        } else {
            format!("after week {} of {turns}", run.turns.len())
        }
    };
    let active = session.active();
    let mut columns = vec![column(
        &session.active_branch().name,
        format!("your path, {}", progress(session.run())),
        session.run(),
    )];
    if let Some((name, run)) = reference {
        columns.push(column(name, "what was actually decided".into(), run));
    }
    for (i, b) in session.branches().iter().enumerate() {
        if i == active {
            continue;
        }
        if let Some(Some(run)) = runs.get(i) {
            columns.push(column(
                &b.name,
                format!("another branch, {}", progress(run)),
                run,
            ));
        }
    }
    let paired = match reference {
        Some((_, run)) if session.is_finished() => paired_futures(session, run),
        _ => Vec::new(),
    };
    let summary = summarize(model, &columns, &paired, reference.is_some());
    let weeks = week_rows(session, reference.map(|(_, run)| run));
    DebriefData {
        columns,
        summary,
        paired,
        weeks,
    }
}

/// The weeks in which something was decided, on the player's path or the reference path.
fn week_rows(session: &Session, reference: Option<&Run>) -> Vec<WeekRow> {
    let model = session.model();
    let words = |choices: &[usize]| {
        let labels = super::text::choice_labels(model, choices);
        if labels.is_empty() {
            "nothing new".to_string()
        } else {
            labels.join("; ")
        }
    };
    let branch = session.active();
    let mine = &session.run().turns;
    (0..mine.len())
        .filter_map(|t| {
            let taken = &mine[t].choices;
            let theirs = reference
                .and_then(|r| r.turns.get(t))
                .map_or(&[][..], |r| &r.choices[..]);
            let reason = session.reason(branch, t).map(str::to_string);
            (!taken.is_empty() || !theirs.is_empty() || reason.is_some()).then(|| WeekRow {
                turn: t,
                mine: words(taken),
                reason,
                reference: words(theirs),
            })
        })
        .collect()
}

/// The player's path minus `reference`, outcome by outcome, over [`DEBRIEF_FUTURES`]
/// futures from the first week with common random numbers (empty if they cannot be run).
fn paired_futures(session: &Session, reference: &Run) -> Vec<Summary> {
    let model = session.model();
    let start = Start::beginning(model, session.seed(), session.overrides());
    let injects = session.active_injects();
    let plans = [
        Plan::weekly(reference.decisions()).with_injects(injects.clone()),
        Plan::weekly(session.run().decisions()).with_injects(injects),
    ];
    let options = Options {
        runs: DEBRIEF_FUTURES,
        bands: Bands::None,
        ..Options::default()
    };
    analysis::compare(&start, &plans, &options, &Control::default())
        .ok()
        .and_then(|c| c.differences.into_iter().nth(1))
        .unwrap_or_default()
}

fn outcome_text(model: &Model, o: usize, value: f64) -> String {
    let outcome = &model.scenario.outcomes[o];
    super::text::with_unit(
        format_number(value, outcome.precision as usize),
        &outcome.unit,
    )
}

/// How outcome `o` of the player's path (`a`) compares with the reference path (`b`):
/// positive when it is better. With `paired` futures, only a difference beyond luck counts
/// ([`VERDICT_RULE`]); without them, a difference that shows in the digits given.
fn compare(model: &Model, paired: &[Summary], o: usize, a: f64, b: f64) -> i8 {
    if let Some(d) = paired.get(o) {
        return match verdict(model, o, d) {
            Some(true) => 1,
            Some(false) => -1,
            None => 0,
        };
    }
    let outcome = &model.scenario.outcomes[o];
    let p = outcome.precision as usize;
    if format_number(a, p) == format_number(b, p) {
        return 0;
    }
    let higher = a > b;
    match (outcome.better, higher) {
        (Better::Higher, true) | (Better::Lower, false) => 1,
        _ => -1,
    }
}

fn summarize(
    model: &Model,
    columns: &[Column],
    paired: &[Summary],
    has_reference: bool,
) -> Vec<String> {
    let s = &model.scenario;
    let Some(mine) = columns.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let met = mine.goals.iter().filter(|&&g| g).count();
    let n_goals = s.goals.len();
    let mut first = format!(
        "By {}, your path “{}” met {met} of {n_goals} goals.",
        model.date(model.turns()).human(),
        mine.name
    );
    if has_reference && let Some(reference) = columns.get(1) {
        let theirs = reference.goals.iter().filter(|&&g| g).count();
        first.push_str(&format!(" “{}” met {theirs}.", reference.name));
    }
    out.push(first);
    let names = |pred: &dyn Fn(usize) -> bool| -> Vec<String> {
        s.goals
            .iter()
            .enumerate()
            .filter(|&(g, _)| pred(g))
            .map(|(_, goal)| goal.name.clone())
            .collect()
    };
    let met_names = names(&|g| mine.goals[g]);
    let missed_names = names(&|g| !mine.goals[g]);
    if !met_names.is_empty() {
        out.push(format!("Met: {}.", met_names.join("; ")));
    }
    if !missed_names.is_empty() {
        out.push(format!("Missed: {}.", missed_names.join("; ")));
    }
    if has_reference && let Some(reference) = columns.get(1) {
        let mut better = Vec::new();
        let mut worse = Vec::new();
        let mut same = Vec::new();
        // The outcome that differs most, relative to its size.
        let mut biggest: Option<(f64, usize)> = None;
        for (o, outcome) in s.outcomes.iter().enumerate() {
            let (a, b) = (mine.outcomes[o], reference.outcomes[o]);
            match compare(model, paired, o, a, b) {
                1 => better.push(outcome.name.as_str()),
                -1 => worse.push(outcome.name.as_str()),
                _ => {
                    same.push(outcome.name.as_str());
                    continue;
                }
            }
            let relative = (a - b).abs() / a.abs().max(b.abs()).max(1e-9);
            if biggest.is_none_or(|(r, _)| relative > r) {
                biggest = Some((relative, o));
            }
        }
        let mut parts = Vec::new();
        if !better.is_empty() {
            parts.push(format!("better on {}", better.join(", ")));
        }
        if !worse.is_empty() {
            parts.push(format!("worse on {}", worse.join(", ")));
        }
        if !same.is_empty() {
            parts.push(format!("about the same on {}", same.join(", ")));
        }
        let luck = if paired.is_empty() {
            String::new()
        } else {
            format!(" (over {DEBRIEF_FUTURES} futures with the same luck)")
        };
        out.push(format!(
            "Against “{}”, your path did {}{luck}.",
            reference.name,
            parts.join("; ")
        ));
        if let Some((_, o)) = biggest {
            let (a, b) = (mine.outcomes[o], reference.outcomes[o]);
            let word = if compare(model, paired, o, a, b) > 0 {
                "better"
            } else {
                "worse"
            };
            out.push(format!(
                "The biggest difference: {}, {} on your path against {} ({word} for you).",
                s.outcomes[o].name,
                outcome_text(model, o, a),
                outcome_text(model, o, b)
            ));
        }
    }
    let others = columns.iter().skip(if has_reference { 2 } else { 1 });
    if let Some(best) = others.max_by_key(|c| c.goals.iter().filter(|&&g| g).count()) {
        out.push(format!(
            "Of your other branches, “{}” ({}) met the most goals: {}.",
            best.name,
            best.note,
            best.goals.iter().filter(|&&g| g).count()
        ));
    }
    out
}

/// The Debrief tab.
pub fn debrief_ui(ui: &mut egui::Ui, model: &Model, data: &DebriefData, actions: &mut Vec<Action>) {
    let s = &model.scenario;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            label(ui, RichText::new(format!("Debrief: {}", s.title)).heading());
            ui.add_space(4.0);
            for paragraph in &data.summary {
                label(ui, paragraph);
                ui.add_space(2.0);
            }
            ui.add_space(8.0);
            label(ui, RichText::new("Outcomes").strong());
            let n = data.columns.len();
            egui::ScrollArea::horizontal()
                .id_salt("debrief_outcomes_scroll")
                .show(ui, |ui| {
                    super::layout::scrolls_sideways(ui);
                    egui::Grid::new("debrief_outcomes")
                        .striped(true)
                        .num_columns(n + 2)
                        .show(ui, |ui| outcomes_grid_ui(ui, model, data));
                });
            if let (false, Some(reference)) = (data.paired.is_empty(), data.columns.get(1)) {
                label(
                    ui,
                    RichText::new(format!(
                        "“Your path against “{0}”” plays your path and “{0}” in the same \
                         {DEBRIEF_FUTURES} futures (the same luck for both) and gives the \
                         median difference with the range of 9 futures in 10. {VERDICT_RULE}",
                        reference.name
                    ))
                    .small()
                    .weak(),
                );
            }
            ui.add_space(10.0);
            label(ui, RichText::new("Goals").strong());
            egui::ScrollArea::horizontal()
                .id_salt("debrief_goals_scroll")
                .show(ui, |ui| {
                    super::layout::scrolls_sideways(ui);
                    egui::Grid::new("debrief_goals")
                        .striped(true)
                        .num_columns(n + 1)
                        .show(ui, |ui| {
                            label(ui, RichText::new("Goal").strong());
                            for c in &data.columns {
                                let met = c.goals.iter().filter(|&&g| g).count();
                                label(
                                    ui,
                                    RichText::new(format!(
                                        "{} ({met} of {})",
                                        c.name,
                                        c.goals.len()
                                    ))
                                    .strong(),
                                );
                            }
                            ui.end_row();
                            for (g, goal) in s.goals.iter().enumerate() {
                                let name = label(ui, &goal.name);
                                if !goal.description.is_empty() {
                                    name.on_hover_text(&goal.description);
                                }
                                for c in &data.columns {
                                    let (text, color) = if c.goals[g] {
                                        ("met", Color32::from_rgb(40, 160, 70))
                                    } else {
                                        ("missed", Color32::from_rgb(210, 60, 50))
                                    };
                                    label(ui, RichText::new(text).color(color));
                                }
                                ui.end_row();
                            }
                        });
                });
            ui.add_space(10.0);
            weeks_ui(ui, model, data);
            super::lesson::debrief_questions_ui(ui, &s.lesson);
            ui.add_space(10.0);
            label(
                ui,
                "To try another path, pick a past week in the timeline below and choose \
             differently: it becomes a new branch, compared here.",
            );
            if ui.button("Save the session…").clicked() {
                actions.push(Action::Save);
            }
        });
}

/// Week by week: what the player's path took, why, and what the reference path took.
fn weeks_ui(ui: &mut egui::Ui, model: &Model, data: &DebriefData) {
    if data.weeks.is_empty() {
        return;
    }
    let reference = data.columns.get(1).filter(|_| data.columns.len() > 1);
    label(ui, RichText::new("Week by week").strong());
    egui::ScrollArea::horizontal()
        .id_salt("debrief_weeks_scroll")
        .show(ui, |ui| {
            super::layout::scrolls_sideways(ui);
            egui::Grid::new("debrief_weeks")
                .striped(true)
                .num_columns(if reference.is_some() { 3 } else { 2 })
                .show(ui, |ui| {
                    label(ui, RichText::new("Week").strong());
                    label(ui, RichText::new("Your choices, and why").strong());
                    if let Some(r) = reference {
                        label(ui, RichText::new(&r.name).strong());
                    }
                    ui.end_row();
                    for w in &data.weeks {
                        label(
                            ui,
                            format!(
                                "{} ({})",
                                w.turn + 1,
                                super::text::short_date(model.date(w.turn))
                            ),
                        );
                        let mine = match &w.reason {
                            Some(r) => format!("{}. Why: “{r}”", w.mine),
                            None => w.mine.clone(),
                        };
                        ui.add(egui::Label::new(mine).wrap_mode(egui::TextWrapMode::Wrap));
                        if reference.is_some() {
                            ui.add(
                                egui::Label::new(&w.reference).wrap_mode(egui::TextWrapMode::Wrap),
                            );
                        }
                        ui.end_row();
                    }
                });
        });
    ui.add_space(10.0);
}

fn outcomes_grid_ui(ui: &mut egui::Ui, model: &Model, data: &DebriefData) {
    let s = &model.scenario;
    let n = data.columns.len();
    label(ui, RichText::new("Outcome").strong());
    for (k, c) in data.columns.iter().enumerate() {
        label(ui, RichText::new(&c.name).strong()).on_hover_text(&c.note);
        if k == 0 && n > 1 {
            let head = if data.paired.is_empty() {
                "Your path is".to_string()
            } else {
                format!("Your path against “{}”", data.columns[1].name)
            };
            label(ui, RichText::new(head).strong())
                .on_hover_text(format!("compared with “{}”", data.columns[1].name));
        }
    }
    ui.end_row();
    for (o, outcome) in s.outcomes.iter().enumerate() {
        let better = match outcome.better {
            Better::Higher => "higher is better",
            Better::Lower => "lower is better",
        };
        let hover = if outcome.description.is_empty() {
            better.to_string()
        } else {
            format!("{} ({better})", outcome.description)
        };
        label(ui, &outcome.name).on_hover_text(hover);
        for (k, c) in data.columns.iter().enumerate() {
            label(ui, outcome_text(model, o, c.outcomes[o]));
            if k == 0 && n > 1 {
                let (a, b) = (data.columns[0].outcomes[o], data.columns[1].outcomes[o]);
                let (word, color) = match compare(model, &data.paired, o, a, b) {
                    1 => ("better", Color32::from_rgb(40, 160, 70)),
                    -1 => ("worse", Color32::from_rgb(210, 60, 50)),
                    _ => ("about the same", ui.visuals().weak_text_color()),
                };
                // The margin: the paired difference over the futures, or none at all.
                let text = match data.paired.get(o) {
                    Some(d) => difference_text(model, o, d),
                    None => word.to_string(),
                };
                label(ui, RichText::new(text).color(color));
            }
        }
        ui.end_row();
    }
}
