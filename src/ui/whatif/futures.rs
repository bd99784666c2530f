//! The Futures section: many futures simulated from here following a plan, one
//! indicator's fan under the played path, each goal's chance and each outcome's spread;
//! and the editor of the user's own plan.

use eframe::egui::{self, RichText};

use super::widgets::{
    act, edit_plan, histogram_ui, indicator_names, pick_ui, planned_choices_ui, result_head_ui,
    settings_ui, share_bar_ui, status_ui, table_ui,
};
use super::{Analysis, PlanKind, Settings, WhatIf, WhatIfAction};
use crate::session::{Command, Session};
use crate::ui::a11y::label;
use crate::ui::actions::{Action, Tab};
use crate::ui::charts::{IndicatorChart, active_fan_style, fan_legend_ui, indicator_chart_ui};
use crate::ui::text::choice_labels;

/// The Futures section.
pub fn futures_ui(
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
    ui.horizontal_wrapped(|ui| {
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
    status_ui(ui, whatif, Analysis::Futures, actions);
    let Some(futures) = whatif.futures.result() else {
        return;
    };
    result_head_ui(
        ui,
        whatif,
        Analysis::Futures,
        &futures.headline,
        futures.bands_note.as_deref(),
    );
    ui.add_space(6.0);

    // One indicator's fan, with the played path on top.
    ui.horizontal_wrapped(|ui| {
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
            fan_legend_ui(ui);
        }
        let fans: Vec<_> = fan
            .map(|fan| (fan, active_fan_style(ui)))
            .into_iter()
            .collect();
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
        if let Some(fan) = fan {
            label(ui, RichText::new(&fan.summary).small());
        }
    }

    ui.add_space(8.0);
    label(ui, RichText::new("Chance of meeting each goal").strong());
    table_ui(ui, "goal_chances", 3, |ui| {
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
