//! The indicators' charts, shown on the Indicators tab ([`super::indicators`]) and by the
//! What-if sections: one chart per indicator, dates on the x axis and the indicator's unit
//! on the y axis; the active branch, the reference path (what was actually decided),
//! another branch overlaid, and the real-world observations as points with their source on
//! hover.
//!
//! The series are built once when the session changes ([`build_charts`]); drawing a frame
//! only borrows them. [`indicator_chart_ui`] draws one indicator and takes fans (the spread
//! of the indicator over many simulated futures, [`super::fan`]) drawn under its lines.

use std::ops::RangeInclusive;

use eframe::egui::{self, Color32, RichText};
use egui_plot::{
    GridInput, GridMark, HoverPosition, Line, LineStyle, MarkerShape, Plot, PlotPoint, Points,
    VLine,
};

use super::a11y::label;
use super::fan::{FanSeries, FanStyle, INNER, MEDIAN, OUTER, fan_ui, item_name};
use super::text::{short_date, with_unit};
use crate::scenario::{Date, Model, format_number};
use crate::sim::Run;

/// What the charts show besides the active branch. Transient view state.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    /// Per indicator: whether its chart is shown.
    pub selected: Vec<bool>,
    /// Draw the reference path (`history`).
    pub show_reference: bool,
    /// Another branch drawn over the active one.
    pub overlay: Option<usize>,
}

impl ChartView {
    /// By default the indicators with real-world observations (up to four), else the first
    /// four.
    pub fn new(model: &Model) -> Self {
        let s = &model.scenario;
        let mut selected = vec![false; s.indicators.len()];
        let mut n = 0;
        for (i, ind) in s.indicators.iter().enumerate() {
            if n < 4 && s.observations.iter().any(|o| o.indicator == ind.id) {
                selected[i] = true;
                n += 1;
            }
        }
        for flag in selected.iter_mut().take(4) {
            if n >= 4 {
                break;
            }
            if !*flag {
                *flag = true;
                n += 1;
            }
        }
        Self {
            selected,
            show_reference: true,
            overlay: None,
        }
    }
}

/// Which line a series is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// The branch being played.
    Active,
    /// A reference path of the scenario, e.g. what was actually decided.
    Reference,
    /// Another branch, overlaid to compare.
    Overlay,
}

impl SeriesKind {
    fn color(self, dark: bool) -> Color32 {
        match (self, dark) {
            (SeriesKind::Active, true) => Color32::from_rgb(90, 160, 255),
            (SeriesKind::Active, false) => Color32::from_rgb(20, 90, 200),
            (SeriesKind::Reference, true) => Color32::from_rgb(170, 170, 170),
            (SeriesKind::Reference, false) => Color32::from_rgb(100, 100, 100),
            (SeriesKind::Overlay, _) => Color32::from_rgb(230, 126, 34),
        }
    }
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub kind: SeriesKind,
    /// x: days since the scenario's start; y: the value.
    pub points: Vec<PlotPoint>,
}

/// Everything one indicator's chart draws, computed once per change of the session.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChart {
    pub indicator: usize,
    pub title: String,
    pub unit: String,
    pub precision: usize,
    pub series: Vec<Series>,
    /// Real-world observations (x in days since the start).
    pub observed: Vec<PlotPoint>,
    /// Per observation: its date, value, source and note, shown on hover.
    pub observed_notes: Vec<String>,
    /// The values at the week being viewed, as a sentence (what a screen reader reads).
    pub summary: String,
    /// Per week: date and each series' value, for the table under the chart.
    pub table: Vec<(String, Vec<String>)>,
}

/// Name of the observations' series in every chart.
const OBSERVED: &str = "Observed";

/// The lines to draw, by kind, with the name each has in the legend.
pub struct ChartRuns<'a> {
    pub active: (&'a str, &'a Run),
    pub reference: Option<(&'a str, &'a Run)>,
    pub overlay: Option<(&'a str, &'a Run)>,
}

/// Builds every indicator's chart data. Real observations dated after the week shown are
/// left out unless `future_observed` (what happened must not be seen before it is decided).
pub fn build_charts(
    model: &Model,
    runs: &ChartRuns<'_>,
    cursor: usize,
    future_observed: bool,
) -> Vec<IndicatorChart> {
    let s = &model.scenario;
    let start = s.clock.start;
    let step = s.clock.step_days as f64;
    let horizon_days = model.turns() as f64 * step;
    let mut lines: Vec<(&str, SeriesKind, &Run)> =
        vec![(runs.active.0, SeriesKind::Active, runs.active.1)];
    if let Some((name, run)) = runs.reference {
        lines.push((name, SeriesKind::Reference, run));
    }
    if let Some((name, run)) = runs.overlay {
        lines.push((name, SeriesKind::Overlay, run));
    }
    s.indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let slot = model.layout.indicator(i);
            let precision = ind.precision as usize;
            let series: Vec<Series> = lines
                .iter()
                .map(|&(name, kind, run)| Series {
                    name: name.to_string(),
                    kind,
                    points: run
                        .series(slot)
                        .into_iter()
                        .enumerate()
                        .map(|(t, y)| PlotPoint::new(t as f64 * step, y))
                        .collect(),
                })
                .collect();
            let mut observed = Vec::new();
            let mut observed_notes = Vec::new();
            for o in s.observations.iter().filter(|o| o.indicator == ind.id) {
                let x = o.date.days_since(start) as f64;
                // Keep what falls within the scenario's weeks (and a week either side).
                if x < -2.0 * step || x > horizon_days + step {
                    continue;
                }
                if !future_observed && x > cursor as f64 * step {
                    continue;
                }
                observed.push(PlotPoint::new(x, o.value));
                let source = s
                    .sources
                    .iter()
                    .find(|src| src.id == o.source)
                    .map_or(o.source.clone(), |src| src.title.clone());
                let mut note = format!(
                    "Observed on {}: {}\nSource: {source}",
                    o.date.human(),
                    with_unit(format_number(o.value, precision), &ind.unit)
                );
                if !o.note.is_empty() {
                    note.push_str(&format!("\nNote: {}", o.note));
                }
                observed_notes.push(note);
            }
            let value_at = |run: &Run, t: usize| -> Option<String> {
                (t <= run.turns.len())
                    .then(|| with_unit(format_number(run.state(t)[slot], precision), &ind.unit))
            };
            let mut summary = format!("{}: ", model.date(cursor).human());
            let parts: Vec<String> = lines
                .iter()
                .filter_map(|&(name, _, run)| value_at(run, cursor).map(|v| format!("{name} {v}")))
                .collect();
            summary.push_str(&parts.join("; "));
            summary.push_str(&format!(
                " (at the start: {})",
                with_unit(format_number(ind.initial, precision), &ind.unit)
            ));
            let table = (0..=model.turns())
                .map(|t| {
                    let values = lines
                        .iter()
                        .map(|&(_, _, run)| value_at(run, t).unwrap_or_else(|| "–".into()))
                        .collect();
                    (model.date(t).human(), values)
                })
                .collect();
            IndicatorChart {
                indicator: i,
                title: ind.name.clone(),
                unit: ind.unit.clone(),
                precision,
                series,
                observed,
                observed_notes,
                summary,
                table,
            }
        })
        .collect()
}

/// How the fan of the futures followed by the active branch is drawn.
pub fn active_fan_style(ui: &egui::Ui) -> FanStyle<'static> {
    FanStyle {
        color: SeriesKind::Active.color(ui.visuals().dark_mode),
        prefix: None,
        inner: true,
    }
}

/// Draws one indicator's chart, with fans (the spread over many simulated futures) under
/// its lines; hovering a fan tells what it means in words.
#[allow(clippy::too_many_arguments)]
pub fn indicator_chart_ui(
    ui: &mut egui::Ui,
    start: Date,
    step_days: f64,
    chart: &IndicatorChart,
    fans: &[(&FanSeries, FanStyle<'_>)],
    x_range: (f64, f64),
    cursor_x: f64,
    height: f32,
) {
    let dark = ui.visuals().dark_mode;
    let precision = chart.precision;
    let unit = chart.unit.clone();
    let notes = &chart.observed_notes;
    let series = &chart.series;
    let date_at = move |x: f64| start.plus_days(x.round() as i64);
    let label_unit = unit.clone();
    Plot::new(("indicator_chart", chart.indicator))
        .height(height)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(x_range.0)
        .include_x(x_range.1)
        .y_axis_label(RichText::new(&chart.unit).small())
        .y_axis_min_width(58.0)
        .x_grid_spacer(move |input| step_marks(input, step_days))
        .x_axis_formatter(move |mark: GridMark, range: &RangeInclusive<f64>| {
            // A date centred on a mark by the chart's edge would be cut in half.
            let margin = 0.05 * (range.end() - range.start());
            if mark.value < range.start() + margin || mark.value > range.end() - margin {
                String::new()
            } else {
                short_date(date_at(mark.value))
            }
        })
        .y_grid_spacer(nice_marks)
        .y_axis_formatter(move |mark: GridMark, _range: &RangeInclusive<f64>| {
            // As many decimals as the grid step needs, at least as many as the indicator has.
            let p = if mark.step_size >= 1.0 {
                0
            } else {
                ((-mark.step_size.log10()).ceil() as usize).max(precision)
            };
            format_number(mark.value, p)
        })
        .label_formatter(move |pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                index,
                position,
            } => {
                if *plot_name == OBSERVED {
                    notes.get(*index).cloned()
                } else if let Some((fan, style)) = fans
                    .iter()
                    .find(|(_, style)| item_name(style.prefix, MEDIAN) == *plot_name)
                {
                    fan.sentences
                        .get(*index)
                        .map(|text| fan_hover(style.prefix, text))
                } else {
                    Some(format!(
                        "{plot_name}\n{}: {}",
                        date_at(position.x).human(),
                        with_unit(format_number(position.y, precision), &label_unit)
                    ))
                }
            }
            HoverPosition::Elsewhere { position } => fans.iter().find_map(|(fan, style)| {
                fan.sentence_at(position.x, position.y, step_days)
                    .map(|text| fan_hover(style.prefix, text))
            }),
        })
        .show(ui, |plot_ui| {
            for &(fan, style) in fans {
                fan_ui(plot_ui, fan, style);
            }
            plot_ui.vline(
                VLine::new("Week shown", cursor_x)
                    .color(ui_weak(dark))
                    .style(LineStyle::dashed_loose()),
            );
            for s in series.iter().rev() {
                let mut line = Line::new(s.name.as_str(), &s.points[..])
                    .color(s.kind.color(dark))
                    .width(if s.kind == SeriesKind::Active {
                        2.5
                    } else {
                        1.8
                    });
                if s.kind == SeriesKind::Reference {
                    line = line.style(LineStyle::dashed_dense());
                }
                plot_ui.line(line);
            }
            if !chart.observed.is_empty() {
                plot_ui.points(
                    Points::new(OBSERVED, &chart.observed[..])
                        .shape(MarkerShape::Diamond)
                        .radius(4.5)
                        .filled(true)
                        .color(OBSERVED_COLOR),
                );
            }
        })
        .response
        .widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, text_alternative(chart))
        });
}

/// What a screen reader reads for a chart: its title, the values at the week shown, and
/// every series' value week by week.
pub fn text_alternative(chart: &IndicatorChart) -> String {
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    let weeks: Vec<String> = chart
        .table
        .iter()
        .filter(|(_, values)| values.iter().any(|v| v != "–"))
        .map(|(date, values)| {
            let values: Vec<String> = names
                .iter()
                .zip(values)
                .map(|(name, value)| format!("{name} {value}"))
                .collect();
            format!("{date}: {}", values.join(", "))
        })
        .collect();
    format!(
        "Chart of {} ({}). {} Week by week: {}.",
        chart.title,
        chart.unit,
        chart.summary,
        weeks.join("; ")
    )
}

/// A fan's hover sentence, with the plan's name when fans are overlaid.
fn fan_hover(prefix: Option<&str>, text: &str) -> String {
    match prefix {
        Some(p) => format!("{p}\n{text}"),
        None => text.to_string(),
    }
}

/// The chart's numbers as a table, for reading rather than looking.
pub fn values_table_ui(ui: &mut egui::Ui, chart: &IndicatorChart) {
    egui::CollapsingHeader::new(format!("Values by week: {}", chart.title))
        .default_open(false)
        .show(ui, |ui| {
            egui::Grid::new("values")
                .striped(true)
                .num_columns(chart.series.len() + 1)
                .show(ui, |ui| {
                    label(ui, RichText::new("Date").strong());
                    for s in &chart.series {
                        label(ui, RichText::new(&s.name).strong());
                    }
                    ui.end_row();
                    for (date, values) in &chart.table {
                        label(ui, date);
                        for v in values {
                            label(ui, v);
                        }
                        ui.end_row();
                    }
                });
        });
}

/// What the lines and marks mean (one legend for all the charts), the fans' parts with
/// them when `fans`.
pub fn legend_ui(ui: &mut egui::Ui, series: &[Series], fans: bool) {
    let dark = ui.visuals().dark_mode;
    let mut items: Vec<(Mark, &str)> = series
        .iter()
        .map(|s| {
            let mark = if s.kind == SeriesKind::Reference {
                Mark::Dashed(s.kind.color(dark))
            } else {
                Mark::Solid(s.kind.color(dark))
            };
            (mark, s.name.as_str())
        })
        .collect();
    items.push((Mark::Diamond, "observed (hover a point for its source)"));
    items.push((Mark::Dashed(ui_weak(dark)), "the week shown"));
    if fans {
        items.extend(fan_legend_items(dark));
    }
    legend_items_ui(ui, items);
}

/// The legend of a fan of the active plan: its two bands and its median.
pub fn fan_legend_ui(ui: &mut egui::Ui) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| legend_items_ui(ui, fan_legend_items(dark)));
}

fn fan_legend_items(dark: bool) -> [(Mark, &'static str); 3] {
    let color = SeriesKind::Active.color(dark);
    [
        (Mark::Band(color.gamma_multiply(0.28)), OUTER),
        (Mark::Band(color.gamma_multiply(0.55)), INNER),
        (Mark::Dashed(color.gamma_multiply(0.9)), MEDIAN),
    ]
}

/// A small square of a colour, as in a legend.
pub fn swatch_ui(ui: &mut egui::Ui, color: Color32) {
    Mark::Band(color).ui(ui);
}

fn legend_items_ui<'a>(ui: &mut egui::Ui, items: impl IntoIterator<Item = (Mark, &'a str)>) {
    for (mark, text) in items {
        // Each item moves to the next row whole when it does not fit.
        let galley = egui::WidgetText::from(text).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        );
        let width = 26.0 + ui.spacing().item_spacing.x * 2.0 + galley.size().x;
        if ui.available_size_before_wrap().x < width {
            ui.end_row();
        }
        ui.horizontal(|ui| {
            mark.ui(ui);
            // Wider than a whole row, on a narrow screen: the words wrap.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
            label(ui, text);
        });
    }
}

/// A line or point sample in the legend.
#[derive(Clone, Copy)]
enum Mark {
    Solid(Color32),
    Dashed(Color32),
    Diamond,
    /// A filled area.
    Band(Color32),
}

impl Mark {
    fn ui(self, ui: &mut egui::Ui) {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(26.0, 12.0), egui::Sense::hover());
        let points = [rect.left_center(), rect.right_center()];
        match self {
            Mark::Solid(color) => {
                ui.painter()
                    .line_segment(points, egui::Stroke::new(2.5, color));
            }
            Mark::Dashed(color) => {
                ui.painter().extend(egui::Shape::dashed_line(
                    &points,
                    egui::Stroke::new(2.5, color),
                    5.0,
                    3.0,
                ));
            }
            Mark::Band(color) => {
                ui.painter()
                    .rect_filled(rect.shrink2(egui::vec2(2.0, 0.0)), 2.0, color);
            }
            Mark::Diamond => {
                let c = rect.center();
                ui.painter().add(egui::Shape::convex_polygon(
                    vec![
                        c + egui::vec2(0.0, -5.0),
                        c + egui::vec2(5.0, 0.0),
                        c + egui::vec2(0.0, 5.0),
                        c + egui::vec2(-5.0, 0.0),
                    ],
                    OBSERVED_COLOR,
                    egui::Stroke::NONE,
                ));
            }
        }
    }
}

const OBSERVED_COLOR: Color32 = Color32::from_rgb(214, 39, 40);

fn ui_weak(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(120)
    } else {
        Color32::from_gray(150)
    }
}

/// About five grid lines at round values (1, 2 or 5 times a power of ten).
fn nice_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = power
        * match raw / power {
            m if m <= 1.0 => 1.0,
            m if m <= 2.0 => 2.0,
            m if m <= 5.0 => 5.0,
            _ => 10.0,
        };
    let first = (lo.min(hi) / step).ceil() as i64;
    let last = (lo.max(hi) / step).floor() as i64;
    (first..=last)
        .map(|k| GridMark {
            value: k as f64 * step,
            step_size: step,
        })
        .collect()
}

/// Grid marks every turn, stronger every four turns.
fn step_marks(input: GridInput, step: f64) -> Vec<GridMark> {
    let step = step.max(1.0);
    let (lo, hi) = input.bounds;
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last)
        .map(|w| GridMark {
            value: w as f64 * step,
            step_size: if w % 4 == 0 { 4.0 * step } else { step },
        })
        .collect()
}

/// A chart of the class debrief: each student's path (hover a line for the name), the
/// reference path dashed, and the band of 8 futures in 10 of the reference path.
pub fn class_chart_ui(ui: &mut egui::Ui, chart: &crate::report::svg::Chart) {
    use crate::report::svg::LineStyle as Style;
    let dark = ui.visuals().dark_mode;
    let dates = chart.dates.clone();
    let date_at = move |x: f64| {
        let t = (x.round().max(0.0) as usize).min(dates.len().saturating_sub(1));
        dates.get(t).copied()
    };
    let hover_date = date_at.clone();
    let precision = chart.precision;
    let unit = chart.unit.clone();
    let last = chart.dates.len().saturating_sub(1) as f64;
    label(
        ui,
        RichText::new(format!("{} ({})", chart.title, chart.unit)).strong(),
    );
    let response = Plot::new(("class_chart", chart.title.as_str()))
        .height(240.0)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(0.0)
        .include_x(last)
        .y_axis_min_width(58.0)
        .x_axis_formatter(move |mark: GridMark, range: &RangeInclusive<f64>| {
            let margin = 0.05 * (range.end() - range.start());
            if mark.value < range.start() + margin || mark.value > range.end() - margin {
                return String::new();
            }
            date_at(mark.value).map(short_date).unwrap_or_default()
        })
        .label_formatter(move |pos: &HoverPosition<'_>| {
            let (name, position) = match pos {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, position),
                HoverPosition::Elsewhere { .. } => return None,
            };
            Some(format!(
                "{name}\n{}: {}",
                hover_date(position.x)
                    .map(|d| d.human())
                    .unwrap_or_default(),
                with_unit(format_number(position.y, precision), &unit)
            ))
        })
        .show(ui, |plot_ui| {
            if let Some(band) = &chart.band {
                let xs: Vec<f64> = (0..band.p10.len())
                    .map(|k| (band.start + k) as f64)
                    .collect();
                plot_ui.add(
                    egui_plot::FilledArea::new(band.label.as_str(), &xs, &band.p10, &band.p90)
                        .fill_color(ui_weak(dark).gamma_multiply(0.35))
                        .allow_hover(false),
                );
            }
            for line in &chart.lines {
                let points: Vec<[f64; 2]> = line
                    .values
                    .iter()
                    .enumerate()
                    .map(|(t, &v)| [t as f64, v])
                    .collect();
                let drawn = Line::new(line.label.as_str(), points);
                let drawn = match line.style {
                    Style::Class(k) => drawn.color(super::fan::palette(k, dark)).width(1.6),
                    Style::Reference => drawn
                        .color(ui_weak(dark))
                        .width(1.8)
                        .style(LineStyle::dashed_dense()),
                    Style::Student => drawn.color(SeriesKind::Active.color(dark)).width(2.5),
                };
                plot_ui.line(drawn);
            }
        })
        .response;
    // For a screen reader: each path's value at the end.
    let ends: Vec<String> = chart
        .lines
        .iter()
        .filter_map(|l| {
            let v = l.values.last()?;
            Some(format!(
                "{} {}",
                l.label,
                with_unit(format_number(*v, chart.precision), &chart.unit)
            ))
        })
        .collect();
    let alternative = format!(
        "Chart of {} ({}) for the class. At the end: {}.",
        chart.title,
        chart.unit,
        ends.join("; ")
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, alternative.clone())
    });
    label(
        ui,
        RichText::new("Hover a line for the student's name and value.")
            .small()
            .weak(),
    );
}
