//! What the panels need that takes a simulation to compute: the other branches' runs, the
//! reference path's run, the chart series, the approval trends and the debrief. Rebuilt
//! when the session or the chart options change, never per frame.

use super::charts::{ChartRuns, ChartView, IndicatorChart, build_charts};
use super::debrief::{DebriefData, build_debrief};
use crate::session::Session;
use crate::sim::Run;

/// The reference path shown against the player's (the scenario's `history` path).
pub const REFERENCE_PATH: &str = "history";

/// Caches derived from the session.
#[derive(Debug, Default)]
pub struct Derived {
    /// Each branch's run, by branch index (`None` if it cannot be replayed).
    pub branch_runs: Vec<Option<Run>>,
    /// The reference path's name and run.
    pub reference: Option<(String, Run)>,
    pub charts: Vec<IndicatorChart>,
    /// Per actor: approval of the player's policy at each state of the active branch.
    pub approvals: Vec<Vec<f64>>,
    pub debrief: DebriefData,
}

impl Derived {
    /// Computes everything for `session` as shown with `view`; `history_early` is the
    /// user's wish to see what was actually decided before the end.
    pub fn build(session: &Session, view: &ChartView, history_early: bool) -> Self {
        let model = session.model();
        let branch_runs: Vec<Option<Run>> = (0..session.branches().len())
            .map(|b| {
                if b == session.active() {
                    Some(session.run().clone())
                } else {
                    session.branch_run(b)
                }
            })
            .collect();
        let history = super::classroom::history_shown(session, history_early);
        let reference = model
            .path_index(REFERENCE_PATH)
            .or_else(|| (!model.scenario.paths.is_empty()).then_some(0))
            .filter(|_| history)
            .and_then(|p| {
                let path = &model.scenario.paths[p];
                session
                    .reference_run(&path.id)
                    .map(|run| (path.name.clone(), run))
            });
        let active_name = session.active_branch().name.as_str();
        let overlay = view
            .overlay
            .filter(|&b| b != session.active())
            .and_then(|b| {
                let run = branch_runs.get(b)?.as_ref()?;
                Some((session.branches()[b].name.as_str(), run))
            });
        let charts = build_charts(
            model,
            &ChartRuns {
                active: (active_name, session.run()),
                reference: if view.show_reference {
                    reference.as_ref().map(|(n, r)| (n.as_str(), r))
                } else {
                    None
                },
                overlay,
            },
            session.cursor(),
            history,
        );
        let approvals = (0..model.scenario.actors.len())
            .map(|a| session.run().series(model.layout.approval(a)))
            .collect();
        let debrief = build_debrief(
            session,
            &branch_runs,
            reference.as_ref().map(|(n, r)| (n.as_str(), r)),
        );
        Self {
            branch_runs,
            reference,
            charts,
            approvals,
            debrief,
        }
    }
}
