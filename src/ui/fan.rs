//! Fan charts: the spread of an indicator over many simulated futures, drawn under the
//! played path as a 10–90 % band, a 25–75 % band and the median line.
//!
//! A [`FanSeries`] is built once when an ensemble arrives (on the worker thread), holding
//! the plot points and the plain-words sentences for hovering; drawing a frame only
//! borrows it ([`fan_ui`]).

use eframe::egui::Color32;
use egui_plot::{FilledArea, Line, LineStyle, PlotPoint, PlotUi};

use super::text::with_unit;
use crate::scenario::{Model, format_number};
use crate::sim::ensemble::{Ensemble, Summary, bands_that_fit};

/// What to say when `ensemble` has bands for some indicators only (see
/// [`crate::sim::ensemble::bands_within_budget`]), so that a chart without a spread is not a puzzle.
pub fn bands_note(model: &Model, ensemble: &Ensemble) -> Option<String> {
    if ensemble.band_indicators().len() >= model.scenario.indicators.len() {
        return None;
    }
    let fit = bands_that_fit(model, ensemble.start_turn, ensemble.runs);
    let limit = match fit {
        0 => {
            return Some(format!(
                "With {} futures, the spread is not drawn, to save memory.",
                format_number(ensemble.runs as f64, 0)
            ));
        }
        1 => "one at a time".to_string(),
        n => format!("up to {n} at a time"),
    };
    Some(format!(
        "With {} futures, the spread is computed only for the indicators shown ({limit}), \
         to save memory; showing another computes it again.",
        format_number(ensemble.runs as f64, 0)
    ))
}

/// Legend and hover name of the outer band.
pub const OUTER: &str = "10–90 % of futures";
/// Legend and hover name of the inner band.
pub const INNER: &str = "25–75 % of futures";
/// Legend and hover name of the median line.
pub const MEDIAN: &str = "median of futures";

/// One indicator's spread over an ensemble's futures, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct FanSeries {
    pub indicator: usize,
    /// Days since the scenario's start of each state banded.
    pub xs: Vec<f64>,
    pub p10: Vec<f64>,
    pub p25: Vec<f64>,
    pub p75: Vec<f64>,
    pub p90: Vec<f64>,
    pub median: Vec<PlotPoint>,
    /// Per state, what the bands mean in plain words (shown on hover).
    pub sentences: Vec<String>,
    /// The spread at the scenario's end, as a sentence (what a screen reader reads).
    pub summary: String,
}

impl FanSeries {
    /// The fan of `indicator` in `ensemble`, if it was banded.
    pub fn build(model: &Model, ensemble: &Ensemble, indicator: usize) -> Option<Self> {
        let bands = ensemble.band_series(indicator)?;
        let step = model.scenario.clock.step_days as f64;
        let turns = ensemble.start_turn..=ensemble.turns;
        let xs: Vec<f64> = turns.clone().map(|t| t as f64 * step).collect();
        let column = |f: fn(&Summary) -> f64| bands.iter().map(f).collect::<Vec<f64>>();
        let sentences: Vec<String> = turns
            .clone()
            .zip(bands)
            .map(|(t, b)| {
                spread_sentence(
                    model,
                    indicator,
                    b,
                    &format!("On {}", model.date(t).human()),
                )
            })
            .collect();
        let summary = bands.last().map_or_else(String::new, |b| {
            format!(
                "Over {} simulated futures: {}",
                format_number(ensemble.runs as f64, 0),
                spread_sentence(
                    model,
                    indicator,
                    b,
                    &format!("at the end ({})", model.date(ensemble.turns).human())
                )
            )
        });
        Some(Self {
            indicator,
            median: xs
                .iter()
                .zip(bands)
                .map(|(&x, b)| PlotPoint::new(x, b.p50))
                .collect(),
            p10: column(|b| b.p10),
            p25: column(|b| b.p25),
            p75: column(|b| b.p75),
            p90: column(|b| b.p90),
            xs,
            sentences,
            summary,
        })
    }

    /// The hover sentence for a point of the plot: on the median line, or inside the
    /// outer band at a week's x.
    pub fn sentence_at(&self, x: f64, y: f64, step_days: f64) -> Option<&str> {
        let first = self.xs.first()?;
        let k = ((x - first) / step_days.max(1.0)).round();
        if k < 0.0 {
            return None;
        }
        let k = k as usize;
        let (low, high) = (*self.p10.get(k)?, *self.p90.get(k)?);
        let slack = (high - low).abs() * 0.05;
        (y >= low - slack && y <= high + slack).then(|| self.sentences[k].as_str())
    }
}

/// `On 22 Jan 2013, Refugees in neighbouring countries: between 140,000 and 160,000
/// people in 8 of 10 simulated futures (between … and … in half of them; median …).`
/// (`when` is `On 22 Jan 2013`.)
pub fn spread_sentence(model: &Model, indicator: usize, b: &Summary, when: &str) -> String {
    let ind = &model.scenario.indicators[indicator];
    let p = ind.precision as usize;
    let v = |x: f64| format_number(x, p);
    let name = &ind.name;
    if v(b.min) == v(b.max) {
        return format!(
            "{when}, {name}: {} in every simulated future.",
            with_unit(v(b.p50), &ind.unit)
        );
    }
    if v(b.p10) == v(b.p90) {
        return format!(
            "{when}, {name}: {} in 8 of 10 simulated futures.",
            with_unit(v(b.p50), &ind.unit)
        );
    }
    format!(
        "{when}, {name}: between {} and {} in 8 of 10 simulated futures (between {} and {} \
         in half of them; median {}).",
        v(b.p10),
        with_unit(v(b.p90), &ind.unit),
        v(b.p25),
        v(b.p75),
        v(b.p50)
    )
}

/// How a fan is drawn.
#[derive(Debug, Clone, Copy)]
pub struct FanStyle<'a> {
    pub color: Color32,
    /// Put before the item names (e.g. a plan's name when several fans share a chart).
    pub prefix: Option<&'a str>,
    /// Draw the 25–75 % band too (off when several fans overlap).
    pub inner: bool,
}

/// The name of a fan's item in a plot: `10–90 % of futures` or `Hold course: 10–90 % …`.
pub fn item_name(prefix: Option<&str>, name: &str) -> String {
    match prefix {
        Some(p) => format!("{p}: {name}"),
        None => name.to_string(),
    }
}

/// Draws a fan: the bands first, then the median; the caller draws its lines on top.
pub fn fan_ui<'a>(plot_ui: &mut PlotUi<'a>, fan: &'a FanSeries, style: FanStyle<'_>) {
    let FanStyle {
        color,
        prefix,
        inner,
    } = style;
    plot_ui.add(
        FilledArea::new(item_name(prefix, OUTER), &fan.xs, &fan.p10, &fan.p90)
            .fill_color(color.gamma_multiply(0.28))
            .allow_hover(false),
    );
    if inner {
        plot_ui.add(
            FilledArea::new(item_name(prefix, INNER), &fan.xs, &fan.p25, &fan.p75)
                .fill_color(color.gamma_multiply(0.32))
                .allow_hover(false),
        );
    }
    plot_ui.line(
        Line::new(item_name(prefix, MEDIAN), &fan.median[..])
            .color(color.gamma_multiply(0.9))
            .width(1.5)
            .style(LineStyle::dashed_dense()),
    );
}

/// Colours of fans overlaid on one chart, one per plan.
pub fn palette(k: usize, dark: bool) -> Color32 {
    const DARK: [Color32; 5] = [
        Color32::from_rgb(90, 160, 255),
        Color32::from_rgb(240, 150, 60),
        Color32::from_rgb(110, 200, 120),
        Color32::from_rgb(210, 120, 210),
        Color32::from_rgb(220, 200, 80),
    ];
    const LIGHT: [Color32; 5] = [
        Color32::from_rgb(20, 90, 200),
        Color32::from_rgb(200, 100, 10),
        Color32::from_rgb(30, 140, 60),
        Color32::from_rgb(150, 50, 150),
        Color32::from_rgb(150, 130, 0),
    ];
    if dark {
        DARK[k % DARK.len()]
    } else {
        LIGHT[k % LIGHT.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ensemble::{Bands, Control, Options, Plan, Start, run_ensemble};

    #[test]
    fn a_note_says_when_only_some_indicators_have_a_spread() {
        let model = crate::scenario::default_model().unwrap();
        let overrides = crate::sim::Overrides::none(&model);
        let start = Start::beginning(&model, 7, &overrides);
        let run = |bands: Bands| {
            let options = Options {
                runs: 20,
                threads: 1,
                bands,
                ..Options::default()
            };
            run_ensemble(&start, &Plan::hold_course(), &options, &Control::default()).unwrap()
        };
        assert_eq!(bands_note(&model, &run(Bands::All)), None);
        let some = run(Bands::Indicators(vec![3]));
        assert!(FanSeries::build(&model, &some, 3).is_some());
        assert!(FanSeries::build(&model, &some, 4).is_none());
        let note = bands_note(&model, &some).expect("a note");
        assert!(note.contains("only for the indicators shown"), "{note}");
    }

    #[test]
    fn a_fan_holds_the_ensemble_quantiles_and_says_them_in_words() {
        let model = crate::scenario::default_model().unwrap();
        let overrides = crate::sim::Overrides::none(&model);
        let start = Start::beginning(&model, 7, &overrides);
        let options = Options {
            runs: 200,
            threads: 1,
            ..Options::default()
        };
        let ensemble =
            run_ensemble(&start, &Plan::hold_course(), &options, &Control::default()).unwrap();
        let refugees = model.indicator_index("refugees").unwrap();
        let fan = FanSeries::build(&model, &ensemble, refugees).unwrap();
        let bands = ensemble.band_series(refugees).unwrap();
        assert_eq!(fan.xs.len(), model.turns() + 1);
        assert_eq!(fan.xs[1], 7.0);
        let last = bands.last().unwrap();
        assert_eq!(fan.p10.last(), Some(&last.p10));
        assert_eq!(fan.median.last().map(|p| p.y), Some(last.p50));
        assert!(last.p10 < last.p90, "the futures differ");
        let p = model.scenario.indicators[refugees].precision as usize;
        assert!(fan.summary.contains("Over 200 simulated futures"));
        assert!(fan.summary.contains(&format!(
            "at the end ({}), Refugees in neighbouring countries: between {} and",
            model.date(model.turns()).human(),
            format_number(last.p10, p)
        )));
        assert!(fan.sentences[1].starts_with("On 22 Jan 2013, Refugees"));
        // Hovering inside the band at the end gives that week's sentence; far above, none.
        let x = *fan.xs.last().unwrap();
        assert_eq!(
            fan.sentence_at(x, last.p50, 7.0),
            fan.sentences.last().map(|s| s.as_str())
        );
        assert_eq!(fan.sentence_at(x, last.p90 * 10.0 + 1e6, 7.0), None);
        assert_eq!(fan.sentence_at(-30.0, last.p50, 7.0), None);
    }
}
