//! The What-if tab and the state behind every what-if analysis: many simulated futures
//! from this week (or the start) following a plan, with their spread on the charts, the
//! chance of meeting each goal and each outcome's distribution; and the sections that
//! compare plans ([`super::compare`]), explain a choice or an indicator
//! ([`super::explain`]) and weigh the uncertain parameters ([`super::sensitivity`]).
//!
//! Every analysis runs on a worker thread ([`super::worker`]) and recomputes by itself,
//! debounced, when what it depends on changes: the choices selected, the week, the branch,
//! a parameter, the plan or the number of runs, and with very many runs the charts shown
//! (only their bands are kept then, [`crate::sim::ensemble::bands_within_budget`]). Results arrive
//! ready to draw (plot points, sentences), so a frame only borrows them.

use std::sync::Arc;

use eframe::egui::{self, Color32, RichText};

use super::a11y::label;
use super::actions::{Action, Tab};
use super::charts::IndicatorChart;
use super::compare::{self, CompareRequest, CompareResult, Compared};
use super::explain::{self, Breakdown, ChoiceExplained, ExplainRequest};
use super::fan::{FanSeries, bands_note};
use super::sensitivity::{self, SensitivityRequest, SensitivityResult};
use super::text::{choice_labels, with_unit};
use super::worker::{JobError, Recomputed, Status};
pub use crate::plan::PlanKind;
use crate::scenario::{Model, format_number};
use crate::session::{Command, Session};
use crate::sim::analysis::Statistic;
use crate::sim::ensemble::{
    Bands, Control, DEFAULT_RUNS, Ensemble, Histogram, Options, Plan, Start, Summary,
    bands_within_budget, default_threads, run_ensemble,
};
use crate::sim::{Decisions, Overrides};

/// The numbers of futures offered.
pub const RUN_CHOICES: [usize; 9] = [
    200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/// Most runs per ensemble in a sensitivity analysis, which runs one ensemble per
/// parameter value (the slowest analysis).
pub const SENSITIVITY_MAX_RUNS: usize = 10_000;

/// Bins of an outcome's histogram.
const HISTOGRAM_BINS: usize = 24;

/// The parts of the What-if tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Futures,
    Compare,
    Explain,
    Sensitivity,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Futures,
        Section::Compare,
        Section::Explain,
        Section::Sensitivity,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Futures => "Futures",
            Section::Compare => "Compare plans",
            Section::Explain => "Explain",
            Section::Sensitivity => "Sensitivity",
        }
    }
}

/// Where the simulated futures start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// The week being decided: the weeks before it as played on the branch.
    ThisWeek,
    /// The scenario's first week: the weeks already played are replayed in every future.
    Beginning,
}

/// Which analysis an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Futures,
    Compare,
    Explain,
    Sensitivity,
}

/// What the user chose on the What-if tab. Transient view state.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub section: Section,
    pub start: StartAt,
    pub plan: PlanKind,
    pub runs: usize,
    /// Draw the futures' bands on the Indicators charts.
    pub show_bands: bool,
    /// The week shown in the plan editor (the plan itself is the session's).
    pub plan_week: usize,
    /// The indicator charted in the Futures section.
    pub chart_indicator: usize,
    /// The choice whose difference is explained.
    pub explain_choice: Option<usize>,
    /// The indicator whose changes are explained.
    pub explain_indicator: usize,
    /// The week whose changes are explained; `None` for every week simulated.
    pub explain_week: Option<usize>,
    /// What is compared, the first as the baseline.
    pub compared: Vec<Compared>,
    pub compare_indicator: usize,
    pub tornado_outcome: usize,
    pub statistic: Statistic,
    /// A parameter's slider being dragged and its value, applied when released.
    pub dragging: Option<(usize, f64)>,
}

impl Settings {
    pub fn new(model: &Model) -> Self {
        let first_charted = model
            .scenario
            .indicators
            .iter()
            .position(|ind| {
                model
                    .scenario
                    .observations
                    .iter()
                    .any(|o| o.indicator == ind.id)
            })
            .unwrap_or(0);
        let mut compared = vec![Compared::Plan(PlanKind::HoldCourse)];
        match model.scenario.paths.first() {
            Some(path) => compared.push(Compared::Plan(PlanKind::Path(path.id.clone()))),
            None => compared.push(Compared::Plan(PlanKind::Repeat)),
        }
        Self {
            section: Section::Futures,
            start: StartAt::ThisWeek,
            plan: PlanKind::HoldCourse,
            runs: DEFAULT_RUNS,
            show_bands: false,
            plan_week: 0,
            chart_indicator: first_charted,
            explain_choice: None,
            explain_indicator: first_charted,
            explain_week: None,
            compared,
            compare_indicator: first_charted,
            tornado_outcome: 0,
            statistic: Statistic::Mean,
            dragging: None,
        }
    }
}

/// What the What-if panels ask for; applied by [`WhatIf::apply`].
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIfAction {
    Section(Section),
    Start(StartAt),
    Plan(PlanKind),
    Runs(usize),
    ShowBands(bool),
    Cancel(Analysis),
    /// Run again with the same inputs (after a cancel).
    Rerun(Analysis),
    PlanWeek(usize),
    /// The user's own plan changed at this week: the analyses follow that plan, and its
    /// editor shows that week.
    PlanEdited(usize),
    ChartIndicator(usize),
    /// Explain this choice (and show the Explain section).
    ExplainChoice(usize),
    ExplainIndicator(usize),
    ExplainWeek(Option<usize>),
    ToggleCompared(Compared),
    CompareIndicator(usize),
    TornadoOutcome(usize),
    Statistic(Statistic),
    /// A parameter's slider moves (`Some`) or is let go (`None`).
    Drag(Option<(usize, f64)>),
}

/// Which parts of the app are on screen this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shown<'a> {
    pub whatif_tab: bool,
    pub indicators_tab: bool,
    /// Per indicator, whether its chart is ticked on the Indicators tab.
    pub charts: &'a [bool],
}

/// The indicators whose spread the app draws, those on screen first: the Futures
/// section's chart or the indicator explained on the What-if tab, the charts ticked on the
/// Indicators tab; then the others, so that going from one tab to the other needs no new
/// run when they all fit (see [`bands_within_budget`]).
pub fn charted_indicators(settings: &Settings, shown: Shown<'_>) -> Vec<usize> {
    let ticked = || {
        shown
            .charts
            .iter()
            .enumerate()
            .filter(|(_, on)| **on)
            .map(|(i, _)| i)
    };
    let mut charted = Vec::new();
    if shown.whatif_tab {
        match settings.section {
            Section::Futures => charted.push(settings.chart_indicator),
            Section::Explain => charted.push(settings.explain_indicator),
            Section::Compare | Section::Sensitivity => {}
        }
    }
    if shown.indicators_tab {
        charted.extend(ticked());
    }
    charted.extend([settings.chart_indicator, settings.explain_indicator]);
    charted.extend(ticked());
    charted
}

/// The inputs of an ensemble, taken from the session and the settings. Two equal bases
/// give the same ensemble.
#[derive(Debug, Clone)]
pub struct Basis {
    pub model: Arc<Model>,
    pub seed: u64,
    pub overrides: Overrides,
    /// The weeks played before the futures start; empty for the beginning.
    pub past: Decisions,
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
            plan: Plan::weekly(weeks),
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
        start_after(&self.model, self.seed, &self.overrides, &self.past)
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

/// A plan in words, e.g. `hold course`.
pub fn plan_label(model: &Model, kind: &PlanKind) -> String {
    match kind {
        PlanKind::HoldCourse => "Hold course: this week's choices, then no new ones".into(),
        PlanKind::Repeat => "Repeat this week's choices every week".into(),
        PlanKind::Path(id) => {
            let name = model
                .path_index(id)
                .map_or(id.as_str(), |p| model.scenario.paths[p].name.as_str());
            format!("From this week, do as “{name}”")
        }
        PlanKind::BranchAhead => "This branch's later weeks, as played".into(),
        PlanKind::Weekly => "My own plan, week by week".into(),
    }
}

/// The plans on offer for the session as it is.
pub fn plan_kinds(session: &Session) -> Vec<PlanKind> {
    let paths = session
        .model()
        .scenario
        .paths
        .iter()
        .map(|p| PlanKind::Path(p.id.clone()));
    if session.cursor() >= session.model().turns() {
        // The scenario is over: the path played, and the reference paths from the first
        // week; every other plan would be the path played again.
        return std::iter::once(PlanKind::HoldCourse).chain(paths).collect();
    }
    let mut kinds = vec![PlanKind::HoldCourse, PlanKind::Repeat];
    kinds.extend(paths);
    if session.cursor() < session.played() {
        kinds.push(PlanKind::BranchAhead);
    }
    kinds.push(PlanKind::Weekly);
    kinds
}

/// Where the futures start, in words: `from week 4 (5 Feb 2013)`.
pub fn start_label(model: &Model, start_turn: usize) -> String {
    if start_turn == 0 {
        format!("from the first week ({})", model.date(0).human())
    } else {
        format!(
            "from week {} ({})",
            start_turn + 1,
            model.date(start_turn).human()
        )
    }
}

/// `34 %`, `under 1 %`, `over 99 %`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.5 {
        "under 1 %".into()
    } else if (99.5..100.0).contains(&p) {
        "over 99 %".into()
    } else {
        format!("{} %", format_number(p, 0))
    }
}

/// An outcome's value with its precision and unit.
pub fn outcome_value(model: &Model, outcome: usize, value: f64) -> String {
    let o = &model.scenario.outcomes[outcome];
    with_unit(format_number(value, o.precision as usize), &o.unit)
}

/// `median 150,000 people; in 8 of 10 futures between 140,000 and 160,000`.
pub fn outcome_spread_text(model: &Model, outcome: usize, s: &Summary) -> String {
    let o = &model.scenario.outcomes[outcome];
    let n = |v: f64| format_number(v, o.precision as usize);
    if n(s.min) == n(s.max) {
        format!("{} in every future", outcome_value(model, outcome, s.p50))
    } else if n(s.p10) == n(s.p90) {
        format!(
            "{} in 8 of 10 futures (all between {} and {})",
            outcome_value(model, outcome, s.p50),
            n(s.min),
            n(s.max)
        )
    } else {
        format!(
            "median {}; in 8 of 10 futures between {} and {}",
            outcome_value(model, outcome, s.p50),
            n(s.p10),
            n(s.p90)
        )
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

/// Every what-if analysis with its settings.
#[derive(Debug)]
pub struct WhatIf {
    pub settings: Settings,
    pub futures: Recomputed<FuturesRequest, Futures>,
    pub compare: Recomputed<CompareRequest, CompareResult>,
    pub explain: Recomputed<ExplainRequest, ChoiceExplained>,
    pub sensitivity: Recomputed<SensitivityRequest, SensitivityResult>,
    /// The indicator's changes averaged over the futures, for the Explain section.
    pub breakdown: Option<Breakdown>,
    /// What `breakdown` was computed from: futures generation, indicator, week.
    breakdown_key: Option<(u64, usize, Option<usize>)>,
}

impl WhatIf {
    pub fn new(model: &Model) -> Self {
        Self {
            settings: Settings::new(model),
            futures: Recomputed::default(),
            compare: Recomputed::default(),
            explain: Recomputed::default(),
            sensitivity: Recomputed::default(),
            breakdown: None,
            breakdown_key: None,
        }
    }

    /// Applies a what-if action.
    pub fn apply(&mut self, action: WhatIfAction, session: &Session) {
        let s = &mut self.settings;
        let model = session.model();
        match action {
            WhatIfAction::Section(section) => s.section = section,
            WhatIfAction::Start(start) => s.start = start,
            WhatIfAction::Plan(plan) => s.plan = plan,
            WhatIfAction::Runs(runs) => {
                s.runs = runs.clamp(1, crate::sim::ensemble::MAX_RUNS);
            }
            WhatIfAction::ShowBands(on) => s.show_bands = on,
            WhatIfAction::Cancel(analysis) => match analysis {
                Analysis::Futures => self.futures.cancel(),
                Analysis::Compare => self.compare.cancel(),
                Analysis::Explain => self.explain.cancel(),
                Analysis::Sensitivity => self.sensitivity.cancel(),
            },
            WhatIfAction::Rerun(analysis) => match analysis {
                Analysis::Futures => self.futures.rerun(),
                Analysis::Compare => self.compare.rerun(),
                Analysis::Explain => self.explain.rerun(),
                Analysis::Sensitivity => self.sensitivity.rerun(),
            },
            WhatIfAction::PlanWeek(week) => s.plan_week = week.min(model.turns()),
            WhatIfAction::PlanEdited(week) => {
                s.plan = PlanKind::Weekly;
                s.plan_week = week.min(model.turns());
            }
            WhatIfAction::ChartIndicator(i) => s.chart_indicator = i,
            WhatIfAction::ExplainChoice(c) => {
                s.explain_choice = Some(c);
                s.section = Section::Explain;
            }
            WhatIfAction::ExplainIndicator(i) => s.explain_indicator = i,
            WhatIfAction::ExplainWeek(week) => s.explain_week = week,
            WhatIfAction::ToggleCompared(item) => {
                if let Some(k) = s.compared.iter().position(|c| *c == item) {
                    s.compared.remove(k);
                } else {
                    s.compared.push(item);
                }
            }
            WhatIfAction::CompareIndicator(i) => s.compare_indicator = i,
            WhatIfAction::TornadoOutcome(o) => s.tornado_outcome = o,
            WhatIfAction::Statistic(statistic) => s.statistic = statistic,
            WhatIfAction::Drag(drag) => s.dragging = drag,
        }
    }

    /// Once a frame: takes the results that came, and asks the analyses on screen for
    /// their current inputs (each starts again, debounced, if they changed). Returns in
    /// how many seconds the app should draw again to move a job on, if it should.
    pub fn update(
        &mut self,
        now: f64,
        session: &Session,
        shown: Shown<'_>,
        ctx: Option<&egui::Context>,
    ) -> Option<f64> {
        self.futures.poll(now, ctx);
        self.compare.poll(now, ctx);
        self.explain.poll(now, ctx);
        self.sensitivity.poll(now, ctx);
        let s = &self.settings;
        let model = session.model();
        let section = shown.whatif_tab.then_some(s.section);
        let want_futures = matches!(section, Some(Section::Futures | Section::Explain))
            || (shown.indicators_tab && s.show_bands);
        if want_futures {
            let basis = Basis::new(session, s);
            let bands = bands_within_budget(
                model,
                basis.start_turn(),
                basis.runs,
                &charted_indicators(s, shown),
            );
            let request = FuturesRequest {
                basis,
                ledger: section == Some(Section::Explain),
                bands,
            };
            let plan_name = plan_label(model, &s.plan);
            let total = request.basis.runs;
            self.futures.want(now, request, total, move |r, control| {
                run_futures(r, &plan_name, control)
            });
        }
        if section == Some(Section::Explain)
            && let Some(choice) = s.explain_choice
            && choice < model.choices.len()
        {
            let request = ExplainRequest {
                basis: Basis::this_week(session, s),
                choice,
                plan_name: plan_label(model, &s.plan),
            };
            let total = 2 * request.basis.runs;
            self.explain
                .want(now, request, total, explain::run_explain_choice);
        }
        if section == Some(Section::Compare)
            && let Some(request) = compare::request(session, s)
        {
            let total = request.plans.len() * request.runs;
            self.compare.want(now, request, total, compare::run_compare);
        }
        if section == Some(Section::Sensitivity) {
            let mut basis = Basis::new(session, s);
            basis.runs = basis.runs.min(SENSITIVITY_MAX_RUNS);
            let total = crate::sim::analysis::sensitivity_runs(model, basis.runs);
            self.sensitivity.want(
                now,
                SensitivityRequest { basis },
                total,
                sensitivity::run_sensitivity,
            );
        }
        self.update_breakdown(session);
        [
            self.futures.repaint_after(now),
            self.compare.repaint_after(now),
            self.explain.repaint_after(now),
            self.sensitivity.repaint_after(now),
        ]
        .into_iter()
        .flatten()
        .reduce(f64::min)
    }

    fn update_breakdown(&mut self, session: &Session) {
        let s = &self.settings;
        let key = (
            self.futures.generation(),
            s.explain_indicator,
            s.explain_week,
        );
        if self.breakdown_key == Some(key) {
            return;
        }
        self.breakdown_key = Some(key);
        self.breakdown = self.futures.result().and_then(|f| {
            explain::breakdown(
                session.model(),
                &f.ensemble,
                s.explain_indicator,
                s.explain_week,
            )
        });
    }

    /// The latest futures, if the bands are to be drawn on the Indicators charts.
    pub fn bands(&self) -> Option<&Futures> {
        self.settings
            .show_bands
            .then(|| self.futures.result())
            .flatten()
    }
}

/// Where futures start: the beginning when nothing was played, else after `past` (replayed,
/// so call it on the worker).
pub fn start_after<'m>(
    model: &'m Model,
    seed: u64,
    overrides: &Overrides,
    past: &Decisions,
) -> Result<Start<'m>, JobError> {
    if past.is_empty() {
        Ok(Start::beginning(model, seed, overrides))
    } else {
        Start::played(model, seed, overrides, past).map_err(|(turn, refusal)| {
            JobError::Failed(format!("week {} cannot be replayed: {refusal}", turn + 1))
        })
    }
}

/// Queues a what-if action.
pub fn act(actions: &mut Vec<Action>, action: WhatIfAction) {
    actions.push(Action::WhatIf(action));
}

/// Queues a change to the user's plan at `week`; the analyses then follow that plan.
pub fn edit_plan(actions: &mut Vec<Action>, week: usize, command: Command) {
    actions.push(Action::Session(command));
    act(actions, WhatIfAction::PlanEdited(week));
}

/// The What-if tab.
pub fn whatif_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    charts: &[IndicatorChart],
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    ui.horizontal_wrapped(|ui| {
        for section in Section::ALL {
            if ui
                .selectable_label(s.section == section, section.label())
                .clicked()
            {
                act(actions, WhatIfAction::Section(section));
            }
        }
    });
    ui.separator();
    // Both ways, so that nothing is out of reach in a narrow window.
    egui::ScrollArea::both()
        .id_salt(("whatif_section", s.section.label()))
        .auto_shrink([false, false])
        .show(ui, |ui| match s.section {
            Section::Futures => futures_ui(ui, whatif, session, charts, actions),
            Section::Compare => compare::compare_ui(ui, whatif, session, charts, actions),
            Section::Explain => explain::explain_ui(ui, whatif, session, actions),
            Section::Sensitivity => sensitivity::sensitivity_ui(ui, whatif, session, actions),
        });
}

/// The settings every analysis shares: start, plan and number of futures.
pub fn settings_ui(
    ui: &mut egui::Ui,
    settings: &Settings,
    session: &Session,
    actions: &mut Vec<Action>,
    with_plan: bool,
) {
    let model = session.model();
    ui.horizontal_wrapped(|ui| {
        let this_week = if session.cursor() < model.turns() {
            format!("This week (week {})", session.cursor() + 1)
        } else {
            "This week (the scenario is over: from the first week)".to_string()
        };
        let start_text = match settings.start {
            StartAt::ThisWeek => this_week.clone(),
            StartAt::Beginning => "The first week".to_string(),
        };
        egui::ComboBox::from_label("Start from")
            .selected_text(start_text)
            .show_ui(ui, |ui| {
                for (start, text) in [
                    (StartAt::ThisWeek, this_week.as_str()),
                    (StartAt::Beginning, "The first week"),
                ] {
                    if ui.selectable_label(settings.start == start, text).clicked() {
                        act(actions, WhatIfAction::Start(start));
                    }
                }
            })
            .response
            .on_hover_text(
                "This week: the weeks already played stay as they were, only the future \
                 varies. The first week: the whole scenario is simulated again each time, \
                 with the weeks you played replayed.",
            );
        ui.add_space(12.0);
        if with_plan {
            egui::ComboBox::from_label("Plan")
                .selected_text(plan_label(model, &settings.plan))
                .width(300.0)
                .show_ui(ui, |ui| {
                    for kind in plan_kinds(session) {
                        if ui
                            .selectable_label(settings.plan == kind, plan_label(model, &kind))
                            .clicked()
                        {
                            act(actions, WhatIfAction::Plan(kind));
                        }
                    }
                });
            ui.add_space(12.0);
        }
        egui::ComboBox::from_label("Simulated futures")
            .selected_text(format_number(settings.runs as f64, 0))
            .show_ui(ui, |ui| {
                for runs in RUN_CHOICES {
                    if ui
                        .selectable_label(settings.runs == runs, format_number(runs as f64, 0))
                        .clicked()
                    {
                        act(actions, WhatIfAction::Runs(runs));
                    }
                }
            })
            .response
            .on_hover_text(
                "More futures give smoother bands and surer percentages, and take longer.",
            );
    });
}

/// A job's progress with Cancel, or how it ended, with Run again. Shows nothing once done.
pub fn status_ui(
    ui: &mut egui::Ui,
    status: &Status,
    analysis: Analysis,
    what: &str,
    actions: &mut Vec<Action>,
) {
    match status {
        Status::Idle | Status::Done => {}
        Status::Waiting => {
            label(ui, RichText::new(format!("{what}: starting…")).weak());
        }
        Status::Running { done, total } => {
            ui.horizontal(|ui| {
                let fraction = *done as f32 / (*total).max(1) as f32;
                let text = format!(
                    "{what}: {} of {} runs",
                    format_number(*done as f64, 0),
                    format_number(*total as f64, 0)
                );
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(380.0)
                        .text(text.clone()),
                )
                .accessible_name(text);
                if ui
                    .button("Cancel")
                    .accessible_name(format!("Cancel: {what}"))
                    .on_hover_text("Stop this simulation; the previous results stay.")
                    .clicked()
                {
                    act(actions, WhatIfAction::Cancel(analysis));
                }
            });
        }
        Status::Cancelled { done, total } => {
            ui.horizontal(|ui| {
                label(
                    ui,
                    RichText::new(format!(
                        "{what}: cancelled after {} of {} runs.",
                        format_number(*done as f64, 0),
                        format_number(*total as f64, 0)
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
                if ui
                    .button("Run again")
                    .accessible_name(format!("Run again: {what}"))
                    .clicked()
                {
                    act(actions, WhatIfAction::Rerun(analysis));
                }
            });
        }
        Status::Failed(message) => {
            ui.horizontal(|ui| {
                label(
                    ui,
                    RichText::new(format!("{what} could not be computed: {message}"))
                        .color(ui.visuals().error_fg_color),
                );
                if ui
                    .button("Try again")
                    .accessible_name(format!("Try again: {what}"))
                    .clicked()
                {
                    act(actions, WhatIfAction::Rerun(analysis));
                }
            });
        }
    }
}

/// A drop-down of `names` labelled `label`; returns the index picked this frame, if any.
pub fn pick_ui(
    ui: &mut egui::Ui,
    label: &str,
    width: f32,
    names: &[String],
    selected: usize,
) -> Option<usize> {
    let mut picked = None;
    egui::ComboBox::from_label(label)
        .selected_text(names.get(selected).cloned().unwrap_or_default())
        .width(width)
        .show_ui(ui, |ui| {
            for (i, name) in names.iter().enumerate() {
                if ui.selectable_label(selected == i, name).clicked() {
                    picked = Some(i);
                }
            }
        });
    picked
}

/// The names of the scenario's indicators, for [`pick_ui`].
pub fn indicator_names(model: &Model) -> Vec<String> {
    model
        .scenario
        .indicators
        .iter()
        .map(|i| i.name.clone())
        .collect()
}

/// A note shown when the results on screen are for earlier inputs.
pub fn stale_note_ui(ui: &mut egui::Ui, current: bool, has_result: bool) {
    if has_result && !current {
        label(
            ui,
            RichText::new("These results are for the previous settings; new ones are on the way.")
                .small()
                .italics()
                .weak(),
        );
    }
}

fn futures_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    charts: &[IndicatorChart],
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    let model = session.model();
    label(ui, RichText::new("What could happen from here?").heading());
    label(
        ui,
        "Many futures simulated with the same choices: the uncertain numbers of the model \
         are drawn again in each, and chance events fall differently. The path you played \
         is one possible future, so the spread need not be centred on it.",
    );
    settings_ui(ui, s, session, actions, true);
    if s.plan == PlanKind::Weekly {
        plan_editor_ui(ui, s, session, actions);
    }
    ui.horizontal(|ui| {
        let mut on = s.show_bands;
        if ui
            .checkbox(&mut on, "Show the futures on the Indicators charts")
            .changed()
        {
            act(actions, WhatIfAction::ShowBands(on));
        }
        if ui.button("Open the Indicators tab").clicked() {
            if !s.show_bands {
                act(actions, WhatIfAction::ShowBands(true));
            }
            actions.push(Action::SetTab(Tab::Indicators));
        }
    });
    status_ui(
        ui,
        &whatif.futures.status(),
        Analysis::Futures,
        "Simulating futures",
        actions,
    );
    let Some(futures) = whatif.futures.result() else {
        return;
    };
    stale_note_ui(ui, whatif.futures.is_current(), true);
    label(ui, RichText::new(&futures.headline).strong());
    if let Some(note) = &futures.bands_note {
        label(ui, RichText::new(note).small().weak());
    }
    ui.add_space(6.0);

    // One indicator's fan, with the played path on top.
    ui.horizontal(|ui| {
        let names = indicator_names(model);
        if let Some(i) = pick_ui(ui, "Indicator charted", 280.0, &names, s.chart_indicator) {
            act(actions, WhatIfAction::ChartIndicator(i));
        }
    });
    // Without a fan (not banded among many futures, or another indicator's result), the
    // chart shows the played path alone.
    let fan = futures.fans.get(s.chart_indicator).and_then(Option::as_ref);
    if let Some(chart) = charts.get(s.chart_indicator) {
        if fan.is_some() {
            super::charts::fan_legend_ui(ui);
        }
        let fans: Vec<_> = fan
            .map(|fan| (fan, super::charts::active_fan_style(ui)))
            .into_iter()
            .collect();
        let step = model.scenario.clock.step_days as f64;
        super::charts::indicator_chart_ui(
            ui,
            model.scenario.clock.start,
            step,
            chart,
            &fans,
            (0.0, model.turns() as f64 * step),
            session.cursor() as f64 * step,
            240.0,
        );
        if let Some(fan) = fan {
            label(ui, RichText::new(&fan.summary).small());
        }
    }

    ui.add_space(8.0);
    label(ui, RichText::new("Chance of meeting each goal").strong());
    egui::Grid::new("goal_chances")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for goal in &futures.goals {
                label(ui, &goal.name);
                share_bar_ui(ui, goal.share);
                label(ui, &goal.text);
                ui.end_row();
            }
        });

    ui.add_space(8.0);
    label(ui, RichText::new("Outcomes at the end").strong());
    label(
        ui,
        RichText::new(
            "Each bar counts the futures that ended in that range; the line marks the \
             median, the shaded part the middle 8 of 10 futures.",
        )
        .small()
        .weak(),
    );
    for spread in &futures.outcomes {
        ui.horizontal_top(|ui| {
            histogram_ui(ui, &spread.histogram, &spread.summary);
            ui.vertical(|ui| {
                label(ui, RichText::new(&spread.name).strong());
                label(ui, &spread.text);
            });
        });
        ui.add_space(4.0);
    }
}

/// The user's own plan: pick a week, tick its choices.
fn plan_editor_ui(
    ui: &mut egui::Ui,
    settings: &Settings,
    session: &Session,
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    let turns = model.turns();
    let first = session.cursor() + 1;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        label(ui, RichText::new("My plan, week by week").strong());
        if first >= turns {
            label(ui, "There are no weeks left to plan after this one.");
            return;
        }
        label(
            ui,
            RichText::new(
                "This week uses the choices ticked on the right. Pick a later week and tick \
                 what you would do then.",
            )
            .small()
            .weak(),
        );
        let week = settings.plan_week.clamp(first, turns - 1);
        ui.horizontal(|ui| {
            egui::ComboBox::from_label("Week to plan")
                .selected_text(format!("Week {} · {}", week + 1, model.date(week).human()))
                .show_ui(ui, |ui| {
                    for t in first..turns {
                        let text = format!("Week {} · {}", t + 1, model.date(t).human());
                        if ui.selectable_label(week == t, text).clicked() {
                            act(actions, WhatIfAction::PlanWeek(t));
                        }
                    }
                });
            if ui.button("Clear my plan").clicked() {
                edit_plan(actions, week, Command::ClearPlan);
            }
        });
        ui.horizontal_wrapped(|ui| {
            planned_choices_ui(
                ui,
                session,
                week,
                |choice| format!("Plan “{choice}” in week {}", week + 1),
                actions,
            );
        });
        let weeks: Vec<String> = session
            .plan()
            .planned_from(first)
            .map(|(t, planned)| {
                let names = choice_labels(model, planned);
                format!("week {}: {}", t + 1, names.join("; "))
            })
            .collect();
        let text = if weeks.is_empty() {
            "Nothing planned after this week yet.".to_string()
        } else {
            format!("Planned: {}.", weeks.join(" · "))
        };
        label(ui, RichText::new(text).small());
    });
}

/// A checkbox per choice of the scenario, ticked if the user's plan has it in `week`;
/// ticking one adds it to the plan or takes it out. A choice that cannot be taken that
/// week if the plan is followed says why, in its text and its accessible name. `name`
/// gives a checkbox's accessible name from the choice's label.
pub(super) fn planned_choices_ui(
    ui: &mut egui::Ui,
    session: &Session,
    week: usize,
    name: impl Fn(&str) -> String,
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    let planned = session.plan().choices(week);
    for (c, choice) in model.scenario.choices.iter().enumerate() {
        let mut on = planned.contains(&c);
        let why_not = match session.planned_availability(week, c) {
            Some(Err(refusal)) => Some(refusal.to_string()),
            _ => None,
        };
        let (text, accessible) = match &why_not {
            None => (RichText::new(&choice.label), name(&choice.label)),
            Some(why) => (
                RichText::new(format!("{} (not possible then: {why})", choice.label)).weak(),
                format!("{}, not possible then: {why}", name(&choice.label)),
            ),
        };
        let response = ui.checkbox(&mut on, text).accessible_name(accessible);
        if response.changed() {
            edit_plan(actions, week, Command::Plan { week, choice: c });
        }
    }
}

/// A horizontal bar filled to `share` (0..1).
pub fn share_bar_ui(ui: &mut egui::Ui, share: f64) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 14.0), egui::Sense::hover());
    let visuals = ui.visuals();
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    let mut filled = rect;
    filled.set_width(rect.width() * share.clamp(0.0, 1.0) as f32);
    painter.rect_filled(filled, 2.0, accent(visuals.dark_mode));
}

/// A small histogram of an outcome, its 10–90 % range shaded and its median marked.
pub fn histogram_ui(ui: &mut egui::Ui, histogram: &Histogram, summary: &Summary) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(220.0, 36.0), egui::Sense::hover());
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter();
    let bins = histogram.counts.len().max(1);
    let most = histogram.counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let span = histogram.high - histogram.low;
    let x_of = |v: f64| {
        if span > 0.0 {
            rect.left() + rect.width() * ((v - histogram.low) / span).clamp(0.0, 1.0) as f32
        } else {
            rect.center().x
        }
    };
    let band = egui::Rect::from_x_y_ranges(x_of(summary.p10)..=x_of(summary.p90), rect.y_range());
    painter.rect_filled(band, 0.0, accent(dark).gamma_multiply(0.15));
    // Every future the same: one thin bar, not a bin as wide as the chart.
    let width = if span > 0.0 {
        rect.width() / bins as f32
    } else {
        4.0
    };
    let rect = if span > 0.0 {
        rect
    } else {
        egui::Rect::from_center_size(rect.center(), egui::vec2(width, rect.height()))
    };
    for (b, &count) in histogram.counts.iter().enumerate() {
        let h = rect.height() * count as f32 / most;
        let x = rect.left() + width * b as f32;
        let bar = egui::Rect::from_min_max(
            egui::pos2(x + 0.5, rect.bottom() - h),
            egui::pos2(x + width - 0.5, rect.bottom()),
        );
        painter.rect_filled(bar, 0.0, accent(dark).gamma_multiply(0.8));
    }
    let median = x_of(summary.p50);
    painter.line_segment(
        [
            egui::pos2(median, rect.top()),
            egui::pos2(median, rect.bottom()),
        ],
        egui::Stroke::new(2.0, ui.visuals().strong_text_color()),
    );
}

/// The colour of the What-if tab's bars, and of the marks of planned weeks on the timeline.
pub(super) fn accent(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(90, 160, 255)
    } else {
        Color32::from_rgb(20, 90, 200)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Command;

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
    fn percentages_read_well_at_the_edges() {
        assert_eq!(percent(0.34), "34 %");
        assert_eq!(percent(0.001), "under 1 %");
        assert_eq!(percent(0.998), "over 99 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.0), "0 %");
    }
}
