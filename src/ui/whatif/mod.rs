//! The state behind every what-if analysis and what changes it: many simulated futures
//! from this week (or the start) following a plan, with their spread on the charts, the
//! chance of meeting each goal and each outcome's distribution; plans compared, a choice or
//! an indicator explained, the uncertain parameters weighed. No drawing here.
//!
//! The state and the commands are in one place ([`WhatIf`], [`WhatIfAction`], applied by
//! [`WhatIf::apply`]); the views read the state and queue commands. The layout:
//!
//! - [`settings`]: what the user chose and asks for ([`Settings`], [`WhatIfAction`]), over
//!   one [`Analysis`] enum for the four analyses;
//! - this module: the state with the four jobs, the reducer ([`WhatIf::apply`]) and which
//!   job each analysis wants ([`WhatIf::update`]); cancel, run again, poll and repaint are
//!   written once over [`Analysis`];
//! - [`jobs`]: the requests and the work done on the worker ([`super::worker`]), results
//!   arriving ready to draw (plot points, sentences), so a frame only borrows them;
//! - [`words`]: what the analyses say (plans, percentages, differences);
//! - [`widgets`]: what the sections share, and the other panels borrow (the settings row,
//!   a job's progress, the plan's checkboxes);
//! - one file per section, [`futures`], [`compare`], [`explain`], [`sensitivity`], and
//!   [`tab`] which shows the one picked. The sections import the state, the jobs' results,
//!   the words and the widgets, never each other.
//!
//! Every analysis recomputes by itself when what it depends on changes: the choices
//! selected, the week, the branch, a parameter, the plan or the number of runs, and with
//! very many runs the charts shown (only their bands are kept then,
//! [`crate::sim::ensemble::bands_within_budget`]). The job for the inputs left behind is
//! cancelled at once and the new one starts at the next frame.

pub mod compare;
pub mod explain;
pub mod futures;
pub mod jobs;
pub mod sensitivity;
pub mod settings;
pub mod tab;
pub mod widgets;
pub mod words;

use super::worker::{Recompute, Recomputed, Status, Wake};
pub use crate::plan::PlanKind;
use crate::scenario::Model;
use crate::session::Session;
use jobs::{
    Breakdown, ChoiceExplained, CompareRequest, CompareResult, ExplainRequest, Futures,
    FuturesRequest, SensitivityRequest, SensitivityResult,
};
pub use settings::{
    Analysis, Compared, RUN_CHOICES, SENSITIVITY_MAX_RUNS, Settings, Shown, StartAt, WhatIfAction,
    charted_indicators, plan_kinds,
};

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
            WhatIfAction::Cancel(analysis) => self.job_mut(analysis).cancel(),
            WhatIfAction::Rerun(analysis) => self.job_mut(analysis).rerun(),
            WhatIfAction::PlanWeek(week) => s.plan_week = week.min(model.turns()),
            WhatIfAction::PlanEdited(week) => {
                s.plan = PlanKind::Weekly;
                s.plan_week = week.min(model.turns());
            }
            WhatIfAction::ChartIndicator(i) => s.chart_indicator = i,
            WhatIfAction::ExplainChoice(c) => {
                s.explain_choice = Some(c);
                s.section = Analysis::Explain;
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

    /// The job of an analysis, whichever it is.
    pub fn job(&self, analysis: Analysis) -> &dyn Recompute {
        match analysis {
            Analysis::Futures => &self.futures,
            Analysis::Compare => &self.compare,
            Analysis::Explain => &self.explain,
            Analysis::Sensitivity => &self.sensitivity,
        }
    }

    fn job_mut(&mut self, analysis: Analysis) -> &mut dyn Recompute {
        match analysis {
            Analysis::Futures => &mut self.futures,
            Analysis::Compare => &mut self.compare,
            Analysis::Explain => &mut self.explain,
            Analysis::Sensitivity => &mut self.sensitivity,
        }
    }

    /// Where an analysis' job is.
    pub fn status(&self, analysis: Analysis) -> Status {
        self.job(analysis).status()
    }

    /// Once a frame: takes the results that came, and asks the analyses on screen for
    /// their current inputs (each starts again at the next frame if they changed, the job
    /// of the old inputs cancelled at once). Returns in how many seconds the app should
    /// draw again to move a job on, if it should. `wake` asks for a frame when a job ends.
    pub fn update(
        &mut self,
        now: f64,
        session: &Session,
        shown: Shown<'_>,
        wake: Option<&Wake>,
    ) -> Option<f64> {
        for analysis in Analysis::ALL {
            self.job_mut(analysis).poll(now, wake);
        }
        let s = &self.settings;
        let model = session.model();
        let section = shown.whatif_tab.then_some(s.section);
        let want_futures = matches!(section, Some(Analysis::Futures | Analysis::Explain))
            || (shown.indicators_tab && s.show_bands);
        if want_futures {
            let request = FuturesRequest::new(
                session,
                s,
                &charted_indicators(s, shown),
                section == Some(Analysis::Explain),
            );
            let plan_name = words::plan_label(model, &s.plan);
            let total = request.basis.runs;
            self.futures.want(now, request, total, move |r, control| {
                jobs::run_futures(r, &plan_name, control)
            });
        }
        if section == Some(Analysis::Explain)
            && let Some(request) = ExplainRequest::new(session, s)
        {
            let total = 2 * request.basis.runs;
            self.explain
                .want(now, request, total, jobs::run_explain_choice);
        }
        if section == Some(Analysis::Compare)
            && let Some(request) = CompareRequest::new(session, s)
        {
            let total = request.plans.len() * request.runs;
            self.compare.want(now, request, total, jobs::run_compare);
        }
        if section == Some(Analysis::Sensitivity) {
            let request = SensitivityRequest::new(session, s);
            let total = crate::sim::analysis::sensitivity_runs(model, request.basis.runs);
            self.sensitivity
                .want(now, request, total, jobs::run_sensitivity);
        }
        self.update_breakdown(session);
        Analysis::ALL
            .into_iter()
            .filter_map(|analysis| self.job(analysis).repaint_after(now))
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
            jobs::breakdown(
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
