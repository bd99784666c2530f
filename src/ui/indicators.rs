//! The Indicators tab: the charts of the indicators ticked in its list ([`super::charts`]),
//! and, if asked, the spread of the simulated futures under their lines.

use eframe::egui::{self, RichText};

use super::a11y::label;
use super::actions::{Action, Tab};
use super::charts::{
    ChartView, IndicatorChart, active_fan_style, indicator_chart_ui, legend_ui, values_table_ui,
};
use super::fan::{FanSeries, FanStyle};
use super::whatif::widgets::status_ui;
use super::whatif::{Analysis, WhatIf, WhatIfAction};
use crate::session::Session;

/// The Indicators tab.
/// Below this width the list of indicators moves into a menu.
const NARROW: f32 = 560.0;

pub fn indicators_ui(
    ui: &mut egui::Ui,
    session: &Session,
    view: &ChartView,
    charts: &[IndicatorChart],
    reference_name: Option<&str>,
    whatif: &WhatIf,
    actions: &mut Vec<Action>,
) {
    let model = session.model();
    let cursor = session.cursor();
    let s = &model.scenario;
    let futures = whatif.bands();
    let list = |ui: &mut egui::Ui, actions: &mut Vec<Action>| {
        for (i, ind) in s.indicators.iter().enumerate() {
            let mut on = view.selected.get(i).copied().unwrap_or(false);
            let response = ui.checkbox(&mut on, &ind.name);
            let response = if ind.description.is_empty() {
                response.on_hover_text(format!("Unit: {}", ind.unit))
            } else {
                response.on_hover_text(format!("{} Unit: {}.", ind.description, ind.unit))
            };
            if response.changed() {
                actions.push(Action::ToggleChart(i));
            }
        }
    };
    // Beside the charts when there is room; on a narrow screen (a small window, a
    // projector's zoom) in a menu above them, so that the charts keep the width.
    let narrow = ui.available_width() < NARROW;
    if !narrow {
        egui::Panel::left("indicator_list")
            .default_size(175.0)
            .size_range(130.0..=320.0)
            .show(ui, |ui| {
                label(ui, RichText::new("Show indicators").strong());
                egui::ScrollArea::vertical().show(ui, |ui| list(ui, actions));
            });
    }
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE.inner_margin(egui::Margin::symmetric(6, 0)))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                if narrow {
                    let count = view.selected.iter().filter(|&&on| on).count();
                    ui.menu_button(format!("Show indicators ({count})"), |ui| {
                        egui::ScrollArea::vertical()
                            .max_height(ui.ctx().content_rect().height() * 0.7)
                            .show(ui, |ui| list(ui, actions));
                    });
                    ui.separator();
                }
                if let Some(name) = reference_name {
                    let mut on = view.show_reference;
                    if ui
                        .checkbox(&mut on, format!("Show “{name}”"))
                        .on_hover_text("Draw the reference path as a grey dashed line.")
                        .changed()
                    {
                        actions.push(Action::ToggleReference);
                    }
                    ui.separator();
                }
                let mut on = whatif.settings.show_bands;
                if ui
                    .checkbox(&mut on, "Show simulated futures")
                    .on_hover_text(
                        "Draw the spread of many simulated futures under the lines: the \
                         middle half of them, 8 in 10 of them, and their median. Set the \
                         plan and the number of futures on the What if tab.",
                    )
                    .changed()
                {
                    actions.push(Action::WhatIf(WhatIfAction::ShowBands(on)));
                }
                if whatif.settings.show_bands && ui.button("Futures settings").clicked() {
                    actions.push(Action::SetTab(Tab::WhatIf));
                }
                ui.separator();
                if let Some(first) = charts.first() {
                    legend_ui(ui, &first.series, futures.is_some());
                }
            });
            if whatif.settings.show_bands {
                status_ui(ui, whatif, Analysis::Futures, actions);
                if let Some(f) = futures {
                    label(ui, RichText::new(&f.headline).small());
                    if let Some(note) = &f.bands_note {
                        label(ui, RichText::new(note).small().weak());
                    }
                }
            }
            let shown: Vec<&IndicatorChart> = charts
                .iter()
                .filter(|c| view.selected.get(c.indicator).copied().unwrap_or(false))
                .collect();
            if shown.is_empty() {
                label(
                    ui,
                    if narrow {
                        "No indicator selected: tick one under “Show indicators”."
                    } else {
                        "No indicator selected: tick one in the list on the left."
                    },
                );
                return;
            }
            let step = s.clock.step_days as f64;
            let x_range = (0.0, model.turns() as f64 * step);
            let cursor_x = cursor as f64 * step;
            let per_chart = ((ui.available_height() - 8.0) / shown.len() as f32 - 64.0).max(170.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for chart in shown {
                    ui.push_id(chart.indicator, |ui| {
                        label(
                            ui,
                            RichText::new(format!("{} ({})", chart.title, chart.unit)).strong(),
                        );
                        let fan = futures
                            .and_then(|f| f.fans.get(chart.indicator))
                            .and_then(Option::as_ref);
                        let fans: Vec<(&FanSeries, FanStyle<'_>)> = fan
                            .map(|fan| (fan, active_fan_style(ui)))
                            .into_iter()
                            .collect();
                        indicator_chart_ui(
                            ui,
                            s.clock.start,
                            step,
                            chart,
                            &fans,
                            x_range,
                            cursor_x,
                            per_chart,
                        );
                        label(ui, RichText::new(&chart.summary).small());
                        if let Some(fan) = fan {
                            label(ui, RichText::new(&fan.summary).small());
                        }
                        values_table_ui(ui, chart);
                        ui.add_space(6.0);
                    });
                }
            });
        });
}
