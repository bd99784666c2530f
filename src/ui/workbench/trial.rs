//! Trying the text as it stands: futures of a reference path (or of no choices) and a
//! balance check, run in the background on the scenario the text loads as, and shown as
//! the same tables `sandtable ensemble` and `sandtable balance` print.

use std::sync::Arc;

use eframe::egui::{self, RichText};

use crate::report::tables::{balance_table, ensemble_table};
use crate::scenario::{Model, format_number};
use crate::session::DEFAULT_SEED;
use crate::sim::Overrides;
use crate::sim::balance::{BalanceControl, BalanceOptions, check_balance, evaluations_for_budget};
use crate::sim::ensemble::{Bands, DEFAULT_RUNS, Options, Plan, Start, run_ensemble};
use crate::ui::a11y::label;
use crate::ui::actions::Action;
use crate::ui::worker::{JobError, Status, Wake, Worker};

use super::WorkbenchAction;

/// What to try.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialKind {
    /// Futures of the reference path with this id, or of no choices.
    Futures(Option<String>),
    Balance,
}

/// Futures per plan in the workbench's balance check: fewer than `sandtable balance`'s, so
/// that it answers in seconds while the author works.
pub const BALANCE_RUNS: usize = 200;

/// The time budget of the workbench's balance check, in seconds at the nominal speed.
pub const BALANCE_SECONDS: f64 = 10.0;

/// The trial being run or last run, and its answer as text.
#[derive(Default)]
pub struct Trial {
    worker: Worker<String>,
    /// What was asked for, not yet started.
    asked: Option<(Arc<Model>, TrialKind)>,
    /// What the answer shown (or coming) is of.
    pub kind: Option<TrialKind>,
    /// The path picked for futures.
    pub path: Option<String>,
}

impl std::fmt::Debug for Trial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trial")
            .field("kind", &self.kind)
            .field("status", &self.worker.status())
            .finish_non_exhaustive()
    }
}

impl Trial {
    /// A trial with no threads (in a browser): each job runs in slices, one a frame.
    pub fn sliced() -> Self {
        Self {
            worker: Worker::sliced(),
            ..Self::default()
        }
    }

    /// Asks for `kind` on `model`; it starts at the next frame, cancelling the one running.
    pub fn ask(&mut self, model: Arc<Model>, kind: TrialKind) {
        self.asked = Some((model, kind));
    }

    /// Starts what was asked for and takes answers; the seconds to the next frame needed.
    pub fn update(&mut self, now: f64, wake: Option<&Wake>) -> Option<f64> {
        if let Some((model, kind)) = self.asked.take() {
            let total = match &kind {
                TrialKind::Futures(_) => DEFAULT_RUNS,
                TrialKind::Balance => 0,
            };
            self.kind = Some(kind.clone());
            self.worker
                .schedule(now, 0.0, total, move |control| run(&model, &kind, control));
        }
        self.worker.poll(now, wake);
        self.worker.repaint_after(now)
    }

    /// The answer, if one has come for the last thing asked.
    pub fn answer(&self) -> Option<&str> {
        (!self.worker.is_busy())
            .then(|| self.worker.result().map(String::as_str))
            .flatten()
    }

    pub fn status(&self) -> Status {
        self.worker.status()
    }
}

/// Runs a trial: the table it prints.
pub fn run(
    model: &Model,
    kind: &TrialKind,
    control: crate::sim::ensemble::Control<'_>,
) -> Result<String, JobError> {
    match kind {
        TrialKind::Futures(path) => {
            let (plan, label) = match path {
                Some(id) => {
                    let missing = || JobError::Failed(format!("no path `{id}` in the text"));
                    let path = model.scenario.paths.iter().find(|p| &p.id == id);
                    let name = path.ok_or_else(missing)?.name.clone();
                    let plan = Plan::path(model, id).ok_or_else(missing)?;
                    (plan, format!("futures of {name}"))
                }
                None => (Plan::hold_course(), "futures with no choices".to_string()),
            };
            let overrides = Overrides::none(model);
            let start = Start::beginning(model, DEFAULT_SEED, &overrides);
            let options = Options {
                runs: DEFAULT_RUNS,
                threads: crate::sim::ensemble::default_threads(),
                bands: Bands::None,
                ..Options::default()
            };
            let ensemble = run_ensemble(&start, &plan, &options, &control)?;
            Ok(ensemble_table(model, &ensemble, &label))
        }
        TrialKind::Balance => {
            let options = BalanceOptions {
                runs: BALANCE_RUNS,
                seed: DEFAULT_SEED,
                threads: crate::sim::ensemble::default_threads(),
                evaluations: evaluations_for_budget(model, BALANCE_RUNS, BALANCE_SECONDS),
            };
            let balance = BalanceControl {
                evaluations: control.progress,
                stop: control.cancel,
            };
            let report = check_balance(model, &options, &balance)?;
            if control
                .cancel
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
            {
                return Err(JobError::Cancelled);
            }
            Ok(balance_table(model, &report))
        }
    }
}

/// The "Try it" side of the workbench.
pub fn trial_ui(
    ui: &mut egui::Ui,
    trial: &mut Trial,
    model: Option<&Model>,
    loads: bool,
    in_browser: bool,
    actions: &mut Vec<Action>,
) {
    let act = |actions: &mut Vec<Action>, kind| {
        actions.push(Action::Workbench(WorkbenchAction::Try(kind)))
    };
    label(
        ui,
        RichText::new("Try the text as it stands, before you save or play it.").small(),
    );
    let paths: Vec<(String, String)> = model
        .map(|m| {
            m.scenario
                .paths
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    if trial
        .path
        .as_ref()
        .is_some_and(|id| !paths.iter().any(|(p, _)| p == id))
    {
        trial.path = None;
    }
    let shown = |id: &Option<String>| match id {
        Some(id) => paths
            .iter()
            .find(|(p, _)| p == id)
            .map_or_else(|| id.clone(), |(_, name)| name.clone()),
        None => "No choices".to_string(),
    };
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_label("plan to try")
            .selected_text(shown(&trial.path))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut trial.path, None, shown(&None));
                for (id, name) in &paths {
                    ui.selectable_value(&mut trial.path, Some(id.clone()), name);
                }
            });
        let futures = format!("{} futures", format_number(DEFAULT_RUNS as f64, 0));
        if ui
            .add_enabled(loads, egui::Button::new(futures))
            .on_hover_text("The spread of every outcome and the chance of each goal, as `sandtable ensemble` prints them")
            .clicked()
        {
            act(actions, TrialKind::Futures(trial.path.clone()));
        }
        let balance = ui
            .add_enabled(loads && !in_browser, egui::Button::new("Balance check"))
            .on_hover_text(format!(
                "The plans that meet the most goals, and defects such as dominant plans, dead \
                 choices and goals that cannot fail ({BALANCE_RUNS} futures a plan; \
                 `sandtable balance` checks with more)"
            ))
            .on_disabled_hover_text(if in_browser {
                "The balance check runs in the desktop app (`sandtable balance`)"
            } else {
                "Fix the problems first"
            });
        if balance.clicked() {
            act(actions, TrialKind::Balance);
        }
    });
    match trial.status() {
        Status::Running { done, total } => {
            let what = match trial.kind {
                Some(TrialKind::Balance) => format!(
                    "Checking the balance: {} plans so far…",
                    format_number(done as f64, 0)
                ),
                _ => format!(
                    "Running futures: {} of {}…",
                    format_number(done as f64, 0),
                    format_number(total as f64, 0)
                ),
            };
            ui.horizontal(|ui| {
                ui.spinner();
                label(ui, what);
            });
        }
        Status::Failed(message) => {
            label(
                ui,
                RichText::new(format!("It did not run: {message}"))
                    .color(ui.visuals().error_fg_color),
            );
        }
        _ => {}
    }
    if let Some(answer) = trial.answer() {
        egui::ScrollArea::both()
            .id_salt("workbench_trial_answer")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                crate::ui::layout::scrolls_sideways(ui);
                ui.add(egui::Label::new(RichText::new(answer).monospace()).extend());
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ensemble::Control;

    #[test]
    fn futures_of_the_text_are_the_tables_the_command_line_prints() {
        let model =
            crate::scenario::load_str("tiny.ron", include_str!("../../../tests/data/tiny.ron"))
                .unwrap();
        let table = run(
            &model,
            &TrialKind::Futures(Some("history".into())),
            Control::default(),
        )
        .unwrap();
        assert!(
            table.starts_with("Tiny crisis — futures of What the mayor did: 1,000 runs"),
            "{table}"
        );
        assert!(table.contains("No damage"), "{table}");
        let none = run(&model, &TrialKind::Futures(None), Control::default()).unwrap();
        assert!(none.contains("futures with no choices"), "{none}");
        assert_ne!(table, none);
        let balance = run(&model, &TrialKind::Balance, Control::default()).unwrap();
        let options = BalanceOptions {
            runs: BALANCE_RUNS,
            seed: DEFAULT_SEED,
            threads: 1,
            evaluations: evaluations_for_budget(&model, BALANCE_RUNS, BALANCE_SECONDS),
        };
        let report = check_balance(&model, &options, &BalanceControl::default()).unwrap();
        assert_eq!(
            balance,
            balance_table(&model, &report),
            "as `sandtable balance` says it"
        );
        let missing = run(
            &model,
            &TrialKind::Futures(Some("nope".into())),
            Control::default(),
        );
        assert!(matches!(missing, Err(JobError::Failed(m)) if m.contains("nope")));
    }
}
