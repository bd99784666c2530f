//! What the What-if sections share, and the other panels borrow: queuing what-if actions,
//! the settings row, a job's progress, pickers, the plan's checkboxes, bars and histograms.

use eframe::egui::{self, Color32, RichText};

use super::words::plan_label;
use super::{Analysis, RUN_CHOICES, Settings, StartAt, WhatIf, WhatIfAction, plan_kinds};
use crate::scenario::{Model, format_number};
use crate::session::{Command, Session};
use crate::sim::ensemble::{Histogram, Summary};
use crate::ui::a11y::label;
use crate::ui::actions::Action;
use crate::ui::worker::Status;

/// Queues a what-if action.
pub fn act(actions: &mut Vec<Action>, action: WhatIfAction) {
    actions.push(Action::WhatIf(action));
}

/// Queues a change to the user's plan at `week`; the analyses then follow that plan.
pub fn edit_plan(actions: &mut Vec<Action>, week: usize, command: Command) {
    actions.push(Action::Session(command));
    act(actions, WhatIfAction::PlanEdited(week));
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
            // The plans' names are long: on a narrow panel they are a list whose lines
            // wrap, not a box that would run off the side.
            if ui.available_width() < 520.0 {
                ui.end_row();
                ui.vertical(|ui| {
                    label(ui, "Plan:");
                    for kind in plan_kinds(session) {
                        if ui
                            .radio(settings.plan == kind, plan_label(model, &kind))
                            .clicked()
                        {
                            act(actions, WhatIfAction::Plan(kind));
                        }
                    }
                });
                ui.end_row();
            } else {
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

/// An analysis' progress with Cancel, or how its job ended, with Run again. Shows nothing
/// once done.
pub fn status_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    analysis: Analysis,
    actions: &mut Vec<Action>,
) {
    let what = analysis.doing();
    let status = whatif.status(analysis);
    match &status {
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
        .width((ui.available_width() - 180.0).clamp(120.0, width.max(120.0)))
        .wrap()
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

/// A note shown when the analysis' results on screen are for earlier inputs.
pub fn stale_note_ui(ui: &mut egui::Ui, whatif: &WhatIf, analysis: Analysis) {
    let job = whatif.job(analysis);
    if job.has_result() && !job.is_current() {
        label(
            ui,
            RichText::new("These results are for the previous settings; new ones are on the way.")
                .small()
                .italics()
                .weak(),
        );
    }
}

/// The head of a result with fan charts: the note when it is out of date, its headline,
/// and which charts have a spread when not all can.
pub fn result_head_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    analysis: Analysis,
    headline: &str,
    bands_note: Option<&str>,
) {
    stale_note_ui(ui, whatif, analysis);
    label(ui, RichText::new(headline).strong());
    if let Some(note) = bands_note {
        label(ui, RichText::new(note).small().weak());
    }
}

/// A checkbox per choice of the scenario, ticked if the user's plan has it in `week`;
/// ticking one adds it to the plan or takes it out. A choice that cannot be taken that
/// week if the plan is followed says why, in its text and its accessible name. `name`
/// gives a checkbox's accessible name from the choice's label.
pub fn planned_choices_ui(
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
pub fn accent(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(90, 160, 255)
    } else {
        Color32::from_rgb(20, 90, 200)
    }
}

/// A striped table of `columns` columns that scrolls sideways when it is wider than the
/// panel, so that a narrow screen cuts nothing off.
pub fn table_ui<R>(
    ui: &mut egui::Ui,
    id: &str,
    columns: usize,
    add: impl FnOnce(&mut egui::Ui) -> R,
) -> R {
    egui::ScrollArea::horizontal()
        .id_salt((id, "scroll"))
        .show(ui, |ui| {
            crate::ui::layout::scrolls_sideways(ui);
            egui::Grid::new(id)
                .num_columns(columns)
                .striped(true)
                .show(ui, add)
                .inner
        })
        .inner
}
