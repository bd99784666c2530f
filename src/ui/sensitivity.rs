//! Sensitivity: which uncertain numbers of the model matter most for an outcome (a
//! tornado chart, largest swing first), and what-if sliders that fix a number's value in
//! the session (every analysis then runs again with it).

use eframe::egui::{self, Color32, RichText};

use super::a11y::label;
use super::actions::Action;
use super::text::{amount, with_unit};
use super::whatif::act;
use super::whatif::{
    self, Analysis, Basis, WhatIf, WhatIfAction, outcome_value, settings_ui, stale_note_ui,
    status_ui,
};
use super::worker::JobError;
use crate::scenario::{Distribution, Model, format_number};
use crate::session::{Command, Session};
use crate::sim::analysis::{HIGH, LOW, Sensitivity, Statistic, sensitivity};
use crate::sim::ensemble::{Bands, Control};
use crate::sim::params::quantile;

/// The inputs of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRequest {
    pub basis: Basis,
}

/// One bar of a tornado chart, with its words.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoRow {
    pub parameter: String,
    pub at_low: f64,
    pub at_high: f64,
    pub text: String,
}

/// A tornado chart of one outcome for one statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    /// The outcome's statistic with every parameter drawn as usual.
    pub baseline: f64,
    /// Largest swing first.
    pub rows: Vec<TornadoRow>,
}

/// A sensitivity analysis with its charts ready to draw.
#[derive(Debug, Clone)]
pub struct SensitivityResult {
    pub sensitivity: Sensitivity,
    /// `tornados[outcome][statistic]`, the statistic as in [`statistic_index`].
    pub tornados: Vec<[Tornado; 2]>,
    pub headline: String,
}

/// The statistics a tornado can show, in the order of [`SensitivityResult::tornados`].
pub const STATISTICS: [(Statistic, &str); 2] =
    [(Statistic::Mean, "average"), (Statistic::Median, "median")];

pub fn statistic_index(statistic: Statistic) -> usize {
    STATISTICS
        .iter()
        .position(|(s, _)| *s == statistic)
        .unwrap_or(0)
}

/// Runs every parameter at its low and high value and prepares the tornado charts.
pub fn run_sensitivity(
    request: &SensitivityRequest,
    control: Control<'_>,
) -> Result<SensitivityResult, JobError> {
    let basis = &request.basis;
    let model = &*basis.model;
    let start = basis.start()?;
    let result = sensitivity(
        &start,
        &basis.plan,
        &basis.options(Bands::None, false),
        &control,
    )?;
    let tornados = (0..model.scenario.outcomes.len())
        .map(|o| STATISTICS.map(|(statistic, _)| tornado(model, &result, o, statistic)))
        .collect();
    let headline = format!(
        "Each uncertain number set to its low value (10th percentile) and then to its high \
         value (90th percentile), the others drawn as usual: {} simulated futures each.",
        format_number(result.runs as f64, 0)
    );
    Ok(SensitivityResult {
        sensitivity: result,
        tornados,
        headline,
    })
}

fn tornado(model: &Model, s: &Sensitivity, outcome: usize, statistic: Statistic) -> Tornado {
    let baseline = s.baseline.get(outcome).map_or(0.0, |b| statistic.of(b));
    let rows = s
        .tornado(outcome, statistic)
        .into_iter()
        .map(|bar| {
            let p = &model.scenario.parameters[bar.parameter];
            let value = |v: f64| with_unit(amount(v), &p.unit);
            let o = &model.scenario.outcomes[outcome];
            let swing = bar.swing();
            let moved = format_number(swing.abs(), o.precision as usize);
            let moved = if moved.chars().all(|c| !c.is_ascii_digit() || c == '0') {
                "no change".to_string()
            } else if swing > 0.0 {
                format!("up by {moved}")
            } else {
                format!("down by {moved}")
            };
            TornadoRow {
                parameter: p.name.clone(),
                at_low: bar.at_low,
                at_high: bar.at_high,
                text: format!(
                    "at {}: {}; at {}: {} ({moved})",
                    value(bar.low_value),
                    outcome_value(model, outcome, bar.at_low),
                    value(bar.high_value),
                    outcome_value(model, outcome, bar.at_high),
                ),
            }
        })
        .collect();
    Tornado { baseline, rows }
}

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
        if let Some(o) = whatif::pick_ui(ui, "Outcome", 260.0, &names, s.tornado_outcome) {
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
    status_ui(
        ui,
        &whatif.sensitivity.status(),
        Analysis::Sensitivity,
        "Weighing the uncertain numbers",
        actions,
    );
    if let Some(result) = whatif.sensitivity.result() {
        stale_note_ui(ui, whatif.sensitivity.is_current(), true);
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
        super::charts::swatch_ui(ui, low_color);
        label(ui, "at the number's low value");
        ui.add_space(8.0);
        super::charts::swatch_ui(ui, high_color);
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
    for row in &tornado.rows {
        ui.horizontal(|ui| {
            ui.allocate_ui_with_layout(
                egui::vec2(250.0, 16.0),
                egui::Layout::right_to_left(egui::Align::Center),
                |ui| {
                    ui.set_min_width(250.0);
                    label(ui, &row.parameter);
                },
            );
            let (rect, _) = ui.allocate_exact_size(egui::vec2(300.0, 16.0), egui::Sense::hover());
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
            ui.add_space(238.0);
            ui.vertical(|ui| label(ui, RichText::new(&row.text).small()));
        });
    }
}

fn colors(dark: bool) -> (Color32, Color32) {
    (super::fan::palette(0, dark), super::fan::palette(1, dark))
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
    use crate::ui::whatif::Settings;

    #[test]
    fn tornados_are_ready_for_every_outcome_largest_swing_first() {
        let s = Session::new(crate::scenario::default_model().unwrap());
        let mut settings = Settings::new(s.model());
        settings.runs = 32;
        let request = SensitivityRequest {
            basis: Basis::new(&s, &settings),
        };
        let r = run_sensitivity(&request, Control::default()).unwrap();
        assert_eq!(r.tornados.len(), s.model().outcomes.len());
        for pair in &r.tornados {
            for t in pair {
                for w in t.rows.windows(2) {
                    assert!(
                        (w[0].at_high - w[0].at_low).abs() >= (w[1].at_high - w[1].at_low).abs()
                    );
                }
            }
        }
        let row = &r.tornados[0][0].rows[0];
        assert!(row.text.starts_with("at "), "{}", row.text);
        assert!(
            row.text.contains(" by ") || row.text.ends_with("(no change)"),
            "{}",
            row.text
        );
    }

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
