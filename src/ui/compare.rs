//! Compare plans: two or more plans or branches simulated in the same futures (common
//! random numbers), their bands overlaid on a chart, and a table of outcomes and goals with
//! each plan's median and 10–90 % range and the run-by-run difference from the first plan
//! with its 90 % interval.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::Action;
use super::charts::{IndicatorChart, indicator_chart_ui};
use super::fan::{FanSeries, FanStyle, bands_note, palette};
use super::whatif::act;
use super::whatif::{
    self, Analysis, PlanKind, Settings, StartAt, WhatIf, WhatIfAction, percent, plan_kinds,
    settings_ui, stale_note_ui, start_label, status_ui,
};
use super::worker::JobError;
use crate::plan::shared_past;
use crate::scenario::{Better, Model, format_number};
use crate::session::Session;
use crate::sim::analysis::{Comparison, compare};
use crate::sim::ensemble::{
    Bands, Control, Options, Plan, Summary, bands_within_budget, default_threads,
};
use crate::sim::{Decisions, Overrides};

/// Something to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compared {
    /// A plan from the week being decided on the active branch.
    Plan(PlanKind),
    /// A whole branch as played (no new choices after its last week).
    Branch(usize),
}

/// A compared item's name.
pub fn compared_name(session: &Session, item: &Compared) -> String {
    let model = session.model();
    let over = session.cursor() >= model.turns();
    match item {
        Compared::Plan(PlanKind::HoldCourse) if over => "Your path as played".into(),
        Compared::Plan(PlanKind::Path(id)) if over => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("“{name}”")
        }
        Compared::Plan(PlanKind::HoldCourse) => "Hold course".into(),
        Compared::Plan(PlanKind::Repeat) => "Repeat this week's choices".into(),
        Compared::Plan(PlanKind::Path(id)) => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("“{name}” from this week")
        }
        Compared::Plan(PlanKind::BranchAhead) => "This branch's later weeks".into(),
        Compared::Plan(PlanKind::Weekly) => "My plan".into(),
        Compared::Branch(b) => session
            .branches()
            .get(*b)
            .map_or_else(|| "A branch".into(), |br| format!("Branch “{}”", br.name)),
    }
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

/// The comparison the settings ask for, if at least two things are ticked. From this
/// week, the plans start at the latest week they all share (this week, unless a branch
/// parted earlier).
pub fn request(session: &Session, settings: &Settings) -> Option<CompareRequest> {
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
            .map(|(item, w)| (compared_name(session, item), Plan::weekly(w)))
            .collect(),
        runs: settings.runs,
        bands,
    })
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
    let start = whatif::start_after(model, request.seed, &request.overrides, &request.past)?;
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

/// `150,000 (140,000 to 160,000)`: the median and the 10–90 % range.
fn range_text(model: &Model, outcome: usize, s: &Summary) -> String {
    let p = model.scenario.outcomes[outcome].precision as usize;
    format!(
        "{} ({} to {})",
        format_number(s.p50, p),
        format_number(s.p10, p),
        format_number(s.p90, p)
    )
}

/// When a paired difference counts as better or worse, in words for the people reading it.
pub const VERDICT_RULE: &str = "A plan is called better or worse only when 9 futures in 10 \
    differ in the same direction (the range of the run-by-run differences between 5 % and \
    95 % leaves out zero) and the median difference shows in the digits given; otherwise \
    the two are about the same.";

/// Whether a paired difference of an outcome is beyond noise, by [`VERDICT_RULE`]:
/// `Some(true)` if better, `Some(false)` if worse, `None` if about the same.
pub fn verdict(model: &Model, outcome: usize, d: &Summary) -> Option<bool> {
    let o = &model.scenario.outcomes[outcome];
    let smallest_shown = 0.5 * 10f64.powi(-i32::from(o.precision.min(12)));
    let clear = (d.p5 > 0.0 || d.p95 < 0.0) && d.p50.abs() >= smallest_shown;
    clear.then(|| {
        let higher = d.p50 > 0.0;
        matches!(
            (o.better, higher),
            (Better::Higher, true) | (Better::Lower, false)
        )
    })
}

/// `-5,000 (-8,000 to -2,000), better`: the median difference, its 90 % interval, and
/// whether it is better or worse beyond noise ([`verdict`]), else `about the same`.
pub(super) fn difference_text(model: &Model, outcome: usize, d: &Summary) -> String {
    let o = &model.scenario.outcomes[outcome];
    let p = o.precision as usize;
    let signed = |v: f64| {
        let text = format_number(v, p);
        if v > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("+{text}")
        } else {
            text
        }
    };
    if d.min == 0.0 && d.max == 0.0 {
        return "no change in any future".into();
    }
    let verdict = match verdict(model, outcome, d) {
        Some(true) => "better",
        Some(false) => "worse",
        None => "about the same",
    };
    if signed(d.min) == signed(d.max) {
        format!("{} in every future, {verdict}", signed(d.p50))
    } else if signed(d.p5) == signed(d.p95) {
        format!("{} in 9 futures in 10, {verdict}", signed(d.p50))
    } else {
        format!(
            "{} ({} to {}), {verdict}",
            signed(d.p50),
            signed(d.p5),
            signed(d.p95)
        )
    }
}

/// A change of probability in percentage points: `+18 points`.
pub(super) fn points_text(d: f64) -> String {
    let p = (d * 100.0).round();
    if p > 0.0 {
        format!("+{p} points")
    } else if p < 0.0 {
        format!("{p} points")
    } else {
        "no change".into()
    }
}

/// The Compare section.
pub fn compare_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    charts: &[IndicatorChart],
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    let model = session.model();
    label(ui, RichText::new("Compare plans").heading());
    label(
        ui,
        "Tick two or more. Each is simulated in the same futures (the same uncertain numbers \
         and the same luck), so a difference between them is theirs, not chance.",
    );
    settings_ui(ui, s, session, actions, false);
    let mut items: Vec<Compared> = plan_kinds(session)
        .into_iter()
        .map(Compared::Plan)
        .collect();
    items.extend((0..session.branches().len()).map(Compared::Branch));
    ui.horizontal_wrapped(|ui| {
        for item in items {
            let name = compared_name(session, &item);
            let position = s.compared.iter().position(|c| *c == item);
            let mut on = position.is_some();
            let (text, accessible) = match position {
                Some(0) => (
                    format!("{name} (baseline)"),
                    format!("Compare “{name}” (the baseline)"),
                ),
                _ => (name.clone(), format!("Compare “{name}”")),
            };
            if ui
                .checkbox(&mut on, text)
                .accessible_name(accessible)
                .changed()
            {
                act(actions, WhatIfAction::ToggleCompared(item));
            }
        }
    });
    status_ui(
        ui,
        &whatif.compare.status(),
        Analysis::Compare,
        "Comparing plans",
        actions,
    );
    if s.compared.len() < 2 {
        label(ui, "Tick at least two plans or branches to compare them.");
        return;
    }
    let Some(result) = whatif.compare.result() else {
        return;
    };
    stale_note_ui(ui, whatif.compare.is_current(), true);
    label(ui, RichText::new(&result.headline).strong());
    if let Some(note) = &result.bands_note {
        label(ui, RichText::new(note).small().weak());
    }

    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let names = whatif::indicator_names(model);
        if let Some(i) =
            whatif::pick_ui(ui, "Indicator compared", 280.0, &names, s.compare_indicator)
        {
            act(actions, WhatIfAction::CompareIndicator(i));
        }
    });
    let dark = ui.visuals().dark_mode;
    let fans: Vec<(&FanSeries, FanStyle<'_>)> = result
        .fans
        .iter()
        .zip(&result.names)
        .enumerate()
        .filter_map(|(k, (fans, name))| {
            let fan = fans.get(s.compare_indicator)?.as_ref()?;
            Some((
                fan,
                FanStyle {
                    color: palette(k, dark),
                    prefix: Some(name.as_str()),
                    inner: false,
                },
            ))
        })
        .collect();
    ui.horizontal_wrapped(|ui| {
        for (_, style) in &fans {
            super::charts::swatch_ui(ui, style.color);
            label(
                ui,
                format!(
                    "{}: 10–90 % of futures and median",
                    style.prefix.unwrap_or("")
                ),
            );
        }
    });
    if let Some(chart) = charts.get(s.compare_indicator) {
        let step = model.scenario.clock.step_days as f64;
        indicator_chart_ui(
            ui,
            model.scenario.clock.start,
            step,
            chart,
            &fans,
            (0.0, model.turns() as f64 * step),
            session.cursor() as f64 * step,
            240.0,
        );
    }
    for (fan, style) in &fans {
        label(
            ui,
            RichText::new(format!("{}: {}", style.prefix.unwrap_or(""), fan.summary)).small(),
        );
    }

    ui.add_space(8.0);
    label(ui, RichText::new("Outcomes at the end").strong());
    label(
        ui,
        RichText::new(
            "Each plan: the median, and in brackets the range of 8 futures in 10. \
             Difference: the median change from the baseline, run by run in the same \
             futures, and in brackets the range of 9 futures in 10.",
        )
        .small()
        .weak(),
    );
    label(ui, RichText::new(VERDICT_RULE).small().weak());
    egui::Grid::new("compare_outcomes")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for row in &result.outcome_rows {
                label(ui, RichText::new(&row.name).strong());
                ui.end_row();
                for (name, cell) in result.names.iter().zip(&row.cells) {
                    label(ui, name);
                    label(ui, cell);
                    ui.end_row();
                }
                for (name, d) in result.names.iter().skip(1).zip(&row.differences) {
                    label(ui, format!("Difference, {name}"));
                    label(ui, d);
                    ui.end_row();
                }
            }
        });
    ui.add_space(8.0);
    label(ui, RichText::new("Chance of meeting each goal").strong());
    // A column per plan, then one per plan's change from the baseline, each headed by
    // the plan's name.
    let plans = result.names.len();
    egui::Grid::new("compare_goals")
        .num_columns(1 + plans + plans.saturating_sub(1))
        .striped(true)
        .show(ui, |ui| {
            label(ui, RichText::new("Goal").strong());
            for name in &result.names {
                label(ui, RichText::new(name).strong());
            }
            for name in result.names.iter().skip(1) {
                label(ui, RichText::new(format!("Change, {name}")).strong());
            }
            ui.end_row();
            for row in &result.goal_rows {
                label(ui, &row.name);
                for cell in row.cells.iter().chain(&row.differences) {
                    label(ui, cell);
                }
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Command;

    #[test]
    fn identical_plans_differ_by_nothing_and_the_table_says_so() {
        let s = Session::new(crate::scenario::default_model().unwrap());
        let mut settings = Settings::new(s.model());
        settings.runs = 64;
        settings.compared = vec![Compared::Plan(PlanKind::HoldCourse), Compared::Branch(0)];
        let request = request(&s, &settings).unwrap();
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
            request(
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
        settings.runs = crate::sim::ensemble::MAX_RUNS;
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
        let r = request(&s, &settings).unwrap();
        assert_eq!(r.past, vec![Vec::<usize>::new()], "they part in week 2");
        settings.compared = vec![
            Compared::Plan(PlanKind::HoldCourse),
            Compared::Plan(PlanKind::Repeat),
        ];
        let r = request(&s, &settings).unwrap();
        assert_eq!(
            r.past.len(),
            2,
            "plans from this week share the weeks played"
        );
        settings.start = StartAt::Beginning;
        assert!(request(&s, &settings).unwrap().past.is_empty());
        settings.compared.truncate(1);
        assert!(request(&s, &settings).is_none());
    }

    #[test]
    fn differences_say_better_or_worse_only_when_clear() {
        let model = crate::scenario::default_model().unwrap();
        let refugees = model
            .scenario
            .outcomes
            .iter()
            .position(|o| o.id == "refugees_abroad")
            .unwrap();
        let fewer = Summary {
            min: -400.0,
            p5: -300.0,
            p50: -200.0,
            p95: -100.0,
            max: -50.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &fewer),
            "-200 (-300 to -100), better"
        );
        let unclear = Summary {
            min: -400.0,
            p5: -300.0,
            p50: 10.0,
            p95: 100.0,
            max: 200.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &unclear),
            "+10 (-300 to +100), about the same"
        );
        // Under the last digit shown, even in every future: about the same, not better.
        let tiny = Summary {
            min: 0.3,
            p5: 0.3,
            p50: 0.3,
            p95: 0.3,
            max: 0.3,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, refugees, &tiny),
            "0 in every future, about the same"
        );
        assert_eq!(verdict(&model, refugees, &tiny), None);
        assert_eq!(verdict(&model, refugees, &fewer), Some(true));
        let cost = model
            .scenario
            .outcomes
            .iter()
            .position(|o| o.id == "cost")
            .unwrap();
        let always = Summary {
            min: 10.0,
            p5: 10.0,
            p50: 10.0,
            p95: 10.0,
            max: 10.0,
            ..Summary::default()
        };
        assert_eq!(
            difference_text(&model, cost, &always),
            "+10.0 in every future, worse"
        );
        assert_eq!(
            difference_text(&model, cost, &Summary::default()),
            "no change in any future"
        );
        assert_eq!(points_text(0.183), "+18 points");
        assert_eq!(points_text(-0.05), "-5 points");
    }
}
