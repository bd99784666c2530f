//! What the user chose on the What-if tab and what they ask of it: the settings, the four
//! analyses, the actions applied by [`super::WhatIf::apply`]. Plain data, no drawing.

use crate::plan::PlanKind;
use crate::scenario::Model;
use crate::session::Session;
use crate::sim::analysis::Statistic;
use crate::sim::ensemble::DEFAULT_RUNS;

/// The numbers of futures offered.
pub const RUN_CHOICES: [usize; 9] = [
    200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/// Most runs per ensemble in a sensitivity analysis, which runs one ensemble per
/// parameter value (the slowest analysis).
pub const SENSITIVITY_MAX_RUNS: usize = 10_000;

/// The four analyses, each a section of the What-if tab with its own job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Futures,
    Compare,
    Explain,
    Sensitivity,
}

impl Analysis {
    pub const ALL: [Analysis; 4] = [
        Analysis::Futures,
        Analysis::Compare,
        Analysis::Explain,
        Analysis::Sensitivity,
    ];

    /// The section's name on the What-if tab.
    pub fn label(self) -> &'static str {
        match self {
            Analysis::Futures => "Futures",
            Analysis::Compare => "Compare plans",
            Analysis::Explain => "Explain",
            Analysis::Sensitivity => "Sensitivity",
        }
    }

    /// What its job does, in words: `Simulating futures`.
    pub fn doing(self) -> &'static str {
        match self {
            Analysis::Futures => "Simulating futures",
            Analysis::Compare => "Comparing plans",
            Analysis::Explain => "Explaining the choice",
            Analysis::Sensitivity => "Weighing the uncertain numbers",
        }
    }
}

/// Something to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compared {
    /// A plan from the week being decided on the active branch.
    Plan(PlanKind),
    /// A whole branch as played (no new choices after its last week).
    Branch(usize),
}

/// Where the simulated futures start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// The week being decided: the weeks before it as played on the branch.
    ThisWeek,
    /// The scenario's first week: the weeks already played are replayed in every future.
    Beginning,
}

/// What the user chose on the What-if tab. Transient view state.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The section shown, one per analysis.
    pub section: Analysis,
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
            section: Analysis::Futures,
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

/// What the What-if panels ask for; applied by [`super::WhatIf::apply`].
#[derive(Debug, Clone, PartialEq)]
pub enum WhatIfAction {
    Section(Analysis),
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
/// run when they all fit (see [`crate::sim::ensemble::bands_within_budget`]).
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
            Analysis::Futures => charted.push(settings.chart_indicator),
            Analysis::Explain => charted.push(settings.explain_indicator),
            Analysis::Compare | Analysis::Sensitivity => {}
        }
    }
    if shown.indicators_tab {
        charted.extend(ticked());
    }
    charted.extend([settings.chart_indicator, settings.explain_indicator]);
    charted.extend(ticked());
    charted
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
