//! The Sensitivity section: which uncertain numbers of the model matter most for an
//! outcome (a tornado chart, largest swing first), and what-if sliders that fix a number's
//! value in the session (every analysis then runs again with it).

use eframe::egui::{self, Color32, RichText};

use super::jobs::{STATISTICS, Tornado, statistic_index};
use super::widgets::{act, pick_ui, settings_ui, stale_note_ui, status_ui};
use super::words::outcome_value;
use super::{Analysis, WhatIf, WhatIfAction};
use crate::scenario::{Distribution, Model};
use crate::session::{Command, Session};
use crate::sim::analysis::{HIGH, LOW};
use crate::sim::params::quantile;
use crate::ui::a11y::label;
use crate::ui::actions::Action;
use crate::ui::charts::swatch_ui;
use crate::ui::fan::palette;
use crate::ui::text::{amount, with_unit};

/// The range a parameter's slider covers, or `None` for a fixed number.
pub fn slider_range(dist: &Distribution) -> Option<(f64, f64)> {
    match *dist {
        Distribution::Fixed(_) => None,
        Distribution::Uniform { low, high } | Distribution::Triangular { low, high, .. } => {
            (high > low).then_some((low, high))
        }
        Distribution::Normal { mean, sd } => {
            (sd > 0.0).then_some((mean - 3.0 * sd, mean + 3.0 * sd))
        }
    }
}

/// The Sensitivity section.
pub fn sensitivity_ui(
    ui: &mut egui::Ui,
    whatif: &WhatIf,
    session: &Session,
    actions: &mut Vec<Action>,
) {
    let s = &whatif.settings;
    let model = session.model();
    label(
        ui,
        RichText::new("Which uncertain numbers matter most?").heading(),
    );
    label(
        ui,
        "How far an outcome moves when one uncertain number of the model goes from its low \
         to its high value. Below, fix a number to see what follows if you knew it.",
    );
    settings_ui(ui, s, session, actions, true);
    ui.horizontal_wrapped(|ui| {
        let names: Vec<String> = model
            .scenario
            .outcomes
            .iter()
            .map(|o| o.name.clone())
            .collect();
        if let Some(o) = pick_ui(ui, "Outcome", 260.0, &names, s.tornado_outcome) {
            act(actions, WhatIfAction::TornadoOutcome(o));
        }
        ui.add_space(12.0);
        let k = statistic_index(s.statistic);
        egui::ComboBox::from_label("Statistic")
            .selected_text(STATISTICS[k].1)
            .show_ui(ui, |ui| {
                for (statistic, name) in STATISTICS {
                    if ui
                        .selectable_label(s.statistic == statistic, name)
                        .clicked()
                    {
                        act(actions, WhatIfAction::Statistic(statistic));
                    }
                }
            });
    });
    status_ui(ui, whatif, Analysis::Sensitivity, actions);
    if let Some(result) = whatif.sensitivity.result() {
        stale_note_ui(ui, whatif, Analysis::Sensitivity);
        label(ui, RichText::new(&result.headline).small());
        if let Some(tornado) = result
            .tornados
            .get(s.tornado_outcome)
            .map(|t| &t[statistic_index(s.statistic)])
        {
            tornado_ui(ui, model, s.tornado_outcome, tornado);
        }
    }
    ui.add_space(12.0);
    ui.separator();
    sliders_ui(ui, whatif, session, actions);
}

fn tornado_ui(ui: &mut egui::Ui, model: &Model, outcome: usize, tornado: &Tornado) {
    let dark = ui.visuals().dark_mode;
    let (low_color, high_color) = colors(dark);
    label(
        ui,
        format!(
            "{}: {} with every number drawn as usual.",
            model.scenario.outcomes[outcome].name,
            outcome_value(model, outcome, tornado.baseline)
        ),
    );
    ui.horizontal(|ui| {
        swatch_ui(ui, low_color);
        label(ui, "at the number's low value");
        ui.add_space(8.0);
        swatch_ui(ui, high_color);
        label(ui, "at its high value");
    });
    if tornado.rows.is_empty() {
        label(ui, "The scenario has no uncertain numbers.");
        return;
    }
    let (lo, hi) = tornado
        .rows
        .iter()
        .fold((tornado.baseline, tornado.baseline), |(lo, hi), r| {
            (
                lo.min(r.at_low).min(r.at_high),
                hi.max(r.at_low).max(r.at_high),
            )
        });
    // The names take up to two fifths of the width, right-aligned against the bars and
    // wrapped when long; the bars share one scale in the rest.
    let spacing = ui.spacing().item_spacing.x;
    let name_width = (0.4 * ui.available_width()).clamp(110.0, 260.0);
    let bar_width = (ui.available_width() - name_width - spacing).clamp(100.0, 420.0);
    for row in &tornado.rows {
        ui.horizontal(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(name_width, 16.0),
                egui::Layout::top_down(egui::Align::Max),
                |ui| {
                    ui.set_width(name_width);
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                    label(ui, &row.parameter);
                },
            );
            let (rect, _) =
                ui.allocate_exact_size(egui::vec2(bar_width, 16.0), egui::Sense::hover());
            let x = |v: f64| {
                if hi > lo {
                    rect.left() + rect.width() * ((v - lo) / (hi - lo)) as f32
                } else {
                    rect.center().x
                }
            };
            let base = x(tornado.baseline);
            let painter = ui.painter();
            for (v, color) in [(row.at_low, low_color), (row.at_high, high_color)] {
                let end = x(v);
                let bar = egui::Rect::from_x_y_ranges(
                    base.min(end)..=base.max(end).max(base.min(end) + 1.0),
                    rect.y_range().shrink(2.0),
                );
                painter.rect_filled(bar, 0.0, color);
            }
            painter.line_segment(
                [
                    egui::pos2(base, rect.top()),
                    egui::pos2(base, rect.bottom()),
                ],
                egui::Stroke::new(1.5, ui.visuals().strong_text_color()),
            );
        });
        ui.horizontal(|ui| {
            ui.add_space(name_width + spacing);
            ui.vertical(|ui| label(ui, RichText::new(&row.text).small()));
        });
    }
}

fn colors(dark: bool) -> (Color32, Color32) {
    (palette(0, dark), palette(1, dark))
}

/// A slider per uncertain number; moving one fixes it in the session.
fn sliders_ui(ui: &mut egui::Ui, whatif: &WhatIf, session: &Session, actions: &mut Vec<Action>) {
    let model = session.model();
    let overrides = session.overrides();
    label(ui, RichText::new("What if you knew the number?").strong());
    label(
        ui,
        RichText::new(
            "Set a number and every analysis runs again with it; Reset lets it vary again.",
        )
        .small()
        .weak(),
    );
    for (p, param) in model.scenario.parameters.iter().enumerate() {
        ui.add_space(4.0);
        let fixed = overrides.get(p).copied().flatten();
        let name = label(ui, RichText::new(&param.name).strong());
        if !param.description.is_empty() {
            name.on_hover_text(&param.description);
        }
        let dist = &model.parameters[p];
        ui.horizontal(|ui| {
            ui.spacing_mut().slider_width = 220.0;
            match slider_range(dist) {
                Some((lo, hi)) => {
                    let dragged = whatif
                        .settings
                        .dragging
                        .filter(|(q, _)| *q == p)
                        .map(|(_, v)| v);
                    let decimals = if hi - lo >= 100.0 {
                        0
                    } else if hi - lo >= 1.0 {
                        2
                    } else {
                        3
                    };
                    // Rounded as the slider rounds, or it would report a change (and fix
                    // the number) on every frame without the user touching it.
                    let shown = egui::emath::round_to_decimals(
                        dragged.or(fixed).unwrap_or_else(|| quantile(dist, 0.5)),
                        decimals,
                    );
                    let mut value = shown;
                    let response = ui
                        .add(
                            egui::Slider::new(&mut value, lo..=hi)
                                .max_decimals(decimals)
                                .suffix(if param.unit.is_empty() {
                                    String::new()
                                } else {
                                    format!(" {}", param.unit)
                                }),
                        )
                        .accessible_name(format!("Set “{}”", param.name));
                    if response.drag_stopped() {
                        act(actions, WhatIfAction::Drag(None));
                        actions.push(Action::Session(Command::SetParameter(p, Some(value))));
                    } else if response.changed() && value != shown {
                        if response.dragged() {
                            act(actions, WhatIfAction::Drag(Some((p, value))));
                        } else {
                            actions.push(Action::Session(Command::SetParameter(p, Some(value))));
                        }
                    }
                }
                None => {
                    label(ui, "fixed by the scenario");
                }
            }
            if ui
                .add_enabled(fixed.is_some(), egui::Button::new("Reset"))
                .accessible_name(format!("Reset “{}”", param.name))
                .on_hover_text("Let this number vary from future to future again.")
                .clicked()
            {
                actions.push(Action::Session(Command::SetParameter(p, None)));
            }
        });
        let state = match fixed {
            Some(v) => format!("Set to {}.", with_unit(amount(v), &param.unit)),
            None => format!(
                "Drawn in each future: 8 in 10 between {} and {}.",
                amount(quantile(dist, LOW)),
                with_unit(amount(quantile(dist, HIGH)), &param.unit)
            ),
        };
        label(ui, RichText::new(state).small());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliders_cover_the_distribution() {
        assert_eq!(slider_range(&Distribution::Fixed(3.0)), None);
        assert_eq!(
            slider_range(&Distribution::Uniform {
                low: 0.2,
                high: 0.6
            }),
            Some((0.2, 0.6))
        );
        assert_eq!(
            slider_range(&Distribution::Normal {
                mean: 10.0,
                sd: 1.0
            }),
            Some((7.0, 13.0))
        );
    }
}
