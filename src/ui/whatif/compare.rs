//! The Compare section: two or more plans or branches simulated in the same futures
//! (common random numbers), their bands overlaid on a chart, and a table of outcomes and
//! goals with each plan's median and 10–90 % range and the run-by-run difference from the
//! first plan with its 90 % interval.

use eframe::egui::{self, RichText};

use super::widgets::{
    act, indicator_names, pick_ui, result_head_ui, settings_ui, status_ui, table_ui,
};
use super::words::{VERDICT_RULE, compared_name};
use super::{Analysis, Compared, WhatIf, WhatIfAction, plan_kinds};
use crate::session::Session;
use crate::ui::a11y::label;
use crate::ui::actions::Action;
use crate::ui::charts::{IndicatorChart, indicator_chart_ui, swatch_ui};
use crate::ui::fan::{FanSeries, FanStyle, palette};

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
    status_ui(ui, whatif, Analysis::Compare, actions);
    if s.compared.len() < 2 {
        label(ui, "Tick at least two plans or branches to compare them.");
        return;
    }
    let Some(result) = whatif.compare.result() else {
        return;
    };
    result_head_ui(
        ui,
        whatif,
        Analysis::Compare,
        &result.headline,
        result.bands_note.as_deref(),
    );

    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let names = indicator_names(model);
        if let Some(i) = pick_ui(ui, "Indicator compared", 280.0, &names, s.compare_indicator) {
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
            swatch_ui(ui, style.color);
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
    table_ui(ui, "compare_outcomes", 2, |ui| {
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
    table_ui(
        ui,
        "compare_goals",
        1 + plans + plans.saturating_sub(1),
        |ui| {
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
        },
    );
}
