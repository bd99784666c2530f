//! Line charts as inline SVG: paths over the weeks, the 10–90 % band of the futures, and
//! observed points, with dates, units and a text alternative (`<title>` and `<desc>`).

use std::fmt::Write;

use super::words::{escape_html, short_date};
use crate::scenario::{Date, format_number};

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    /// The path being reported: a strong solid line.
    Student,
    /// A reference path of the scenario (what was actually decided): dashed.
    Reference,
    /// One of many paths of a class, coloured by its place in the list.
    Class(usize),
}

/// A value per week, from the scenario's start (turn 0); shorter lines stop early.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub values: Vec<f64>,
    pub style: LineStyle,
}

/// The spread of the futures: 10th, 50th and 90th percentile per week from `start`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub label: String,
    /// The turn of the first value.
    pub start: usize,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
}

/// A value observed in the real world on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub date: Date,
    pub value: f64,
    pub note: String,
}

/// One chart of an indicator over the weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub unit: String,
    /// Decimals of the indicator.
    pub precision: usize,
    /// The date of each turn, 0 to the end.
    pub dates: Vec<Date>,
    pub lines: Vec<Line>,
    pub band: Option<Band>,
    pub points: Vec<Point>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 290.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 52.0;
const BOTTOM: f64 = 30.0;

/// Colours of a class's paths, distinguishable for most kinds of colour blindness.
const PALETTE: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999933", "#882255",
];
const STUDENT: &str = "#0b5fa5";
const REFERENCE: &str = "#222222";
const BAND: &str = "#7aa6d6";

/// The colour of a class path.
pub fn class_colour(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

impl Chart {
    /// The chart's text alternative: what it shows and how each line ends.
    pub fn description(&self) -> String {
        let (Some(first), Some(last)) = (self.dates.first(), self.dates.last()) else {
            return self.title.clone();
        };
        let f = |v: f64| format_number(v, self.precision);
        let mut parts = vec![format!(
            "{} in {}, from {} to {}.",
            self.title,
            self.unit,
            first.human(),
            last.human()
        )];
        let class_lines = self
            .lines
            .iter()
            .filter(|l| matches!(l.style, LineStyle::Class(_)))
            .count();
        for line in &self.lines {
            if matches!(line.style, LineStyle::Class(_)) && class_lines > 3 {
                continue;
            }
            if let (Some(a), Some(b)) = (line.values.first(), line.values.last()) {
                parts.push(format!(
                    "{}: {} at the start, {} at the end.",
                    line.label,
                    f(*a),
                    f(*b)
                ));
            }
        }
        if class_lines > 3 {
            let ends: Vec<f64> = self
                .lines
                .iter()
                .filter(|l| matches!(l.style, LineStyle::Class(_)))
                .filter_map(|l| l.values.last().copied())
                .collect();
            let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ends.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            parts.push(format!(
                "{class_lines} paths of the class end between {} and {}.",
                f(lo),
                f(hi)
            ));
        }
        if let Some(band) = &self.band
            && let (Some(lo), Some(hi)) = (band.p10.last(), band.p90.last())
        {
            parts.push(format!(
                "{}: {} to {} at the end.",
                band.label,
                f(*lo),
                f(*hi)
            ));
        }
        if !self.points.is_empty() {
            parts.push(format!("{} observed values.", self.points.len()));
        }
        parts.join(" ")
    }

    /// The chart as an `<svg>` element; `id` makes its title and description referable.
    pub fn to_svg(&self, id: &str) -> String {
        let mut out = String::new();
        let id = escape_html(id);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart">"#
        );
        let _ = write!(
            out,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            escape_html(&format!("{} ({})", self.title, self.unit)),
            escape_html(&self.description())
        );
        let Some(&start) = self.dates.first() else {
            out.push_str("</svg>");
            return out;
        };
        let end = self.dates.last().copied().unwrap_or(start);
        let span_days = end.days_since(start).max(1) as f64;
        let (lo, hi) = self.value_range(start, end);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x_days = |days: f64| LEFT + plot_w * days / span_days;
        let x_turn = |t: usize| {
            let date = self.dates.get(t).copied().unwrap_or(end);
            x_days(date.days_since(start) as f64)
        };
        let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo));

        // Grid and axes.
        let step = nice_step((hi - lo) / 4.0);
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10()).ceil() as usize
        }
        .max(self.precision.min(3));
        out.push_str(r##"<g class="grid" stroke="#d0d0d0" stroke-width="1">"##);
        let mut tick = (lo / step).ceil() * step;
        let mut labels = String::new();
        while tick <= hi + step * 1e-9 {
            let ty = y(tick);
            let _ = write!(
                out,
                r#"<line x1="{LEFT}" x2="{:.1}" y1="{ty:.1}" y2="{ty:.1}"/>"#,
                WIDTH - RIGHT
            );
            let _ = write!(
                labels,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LEFT - 6.0,
                ty + 4.0,
                format_number(tick, decimals)
            );
            tick += step;
        }
        out.push_str("</g>");
        let weeks = self.dates.len().saturating_sub(1).max(1);
        let every = weeks.div_ceil(6).max(1);
        for t in (0..self.dates.len()).step_by(every) {
            // The last date ends at the right edge rather than running over it.
            let anchor = if t + every >= self.dates.len() && t > 0 {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                labels,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
                x_turn(t),
                HEIGHT - BOTTOM + 16.0,
                short_date(self.dates[t])
            );
        }
        let _ = write!(
            out,
            r##"<g class="labels" font-size="11" fill="#333">{labels}<text x="{LEFT}" y="{:.1}" font-size="11" fill="#555">{}</text></g>"##,
            TOP - 8.0,
            escape_html(&self.unit)
        );
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{:.1}" stroke="#888"/><line x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#888"/>"##,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM
        );

        // The band, then the lines, then the points on top.
        if let Some(band) = &self.band {
            let n = band.p10.len().min(band.p90.len());
            if n > 0 {
                let mut points = String::new();
                for k in 0..n {
                    let _ = write!(
                        points,
                        "{:.1},{:.1} ",
                        x_turn(band.start + k),
                        y(band.p90[k])
                    );
                }
                for k in (0..n).rev() {
                    let _ = write!(
                        points,
                        "{:.1},{:.1} ",
                        x_turn(band.start + k),
                        y(band.p10[k])
                    );
                }
                let _ = write!(
                    out,
                    r#"<polygon class="band" points="{}" fill="{BAND}" fill-opacity="0.35" stroke="none"/>"#,
                    points.trim_end()
                );
                let median: Vec<(f64, f64)> = band
                    .p50
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| (x_turn(band.start + k), y(v)))
                    .collect();
                let _ = write!(
                    out,
                    r#"<polyline class="median" points="{}" fill="none" stroke="{BAND}" stroke-width="1.5" stroke-dasharray="2 3"/>"#,
                    polyline(&median)
                );
            }
        }
        let mut order: Vec<&Line> = self.lines.iter().collect();
        // Class paths underneath, the reference and the student's path on top.
        order.sort_by_key(|l| match l.style {
            LineStyle::Class(_) => 0,
            LineStyle::Reference => 1,
            LineStyle::Student => 2,
        });
        for line in order {
            let coords: Vec<(f64, f64)> = line
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(t, &v)| (x_turn(t), y(v)))
                .collect();
            let (colour, width, dash, opacity) = match line.style {
                LineStyle::Student => (STUDENT, 2.5, "", 1.0),
                LineStyle::Reference => (REFERENCE, 2.0, r#" stroke-dasharray="6 4""#, 1.0),
                LineStyle::Class(k) => (class_colour(k), 1.6, "", 0.8),
            };
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-opacity="{opacity}"{dash}><title>{}</title></polyline>"#,
                polyline(&coords),
                escape_html(&line.label)
            );
        }
        for p in &self.points {
            let days = p.date.days_since(start) as f64;
            if !(0.0..=span_days).contains(&days) || !p.value.is_finite() {
                continue;
            }
            let label = if p.note.is_empty() {
                format!(
                    "Observed on {}: {}",
                    p.date.human(),
                    format_number(p.value, self.precision)
                )
            } else {
                format!(
                    "Observed on {}: {} ({})",
                    p.date.human(),
                    format_number(p.value, self.precision),
                    p.note
                )
            };
            let _ = write!(
                out,
                r##"<circle class="observed" cx="{:.1}" cy="{:.1}" r="4" fill="#111" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>"##,
                x_days(days),
                y(p.value),
                escape_html(&label)
            );
        }
        out.push_str(&self.legend());
        out.push_str("</svg>");
        out
    }

    /// The legend along the top: one entry per kind of mark shown.
    fn legend(&self) -> String {
        let mut entries: Vec<(String, String)> = Vec::new();
        let class_lines = self
            .lines
            .iter()
            .filter(|l| matches!(l.style, LineStyle::Class(_)))
            .count();
        if class_lines > 0 {
            entries.push((
                format!(
                    r#"<line x1="0" x2="18" y1="0" y2="0" stroke="{}" stroke-width="2"/>"#,
                    class_colour(0)
                ),
                if class_lines == 1 {
                    "one student".to_string()
                } else {
                    format!("each student ({class_lines})")
                },
            ));
        }
        for line in &self.lines {
            let mark = match line.style {
                LineStyle::Student => format!(
                    r#"<line x1="0" x2="18" y1="0" y2="0" stroke="{STUDENT}" stroke-width="2.5"/>"#
                ),
                LineStyle::Reference => format!(
                    r#"<line x1="0" x2="18" y1="0" y2="0" stroke="{REFERENCE}" stroke-width="2" stroke-dasharray="6 4"/>"#
                ),
                LineStyle::Class(_) => continue,
            };
            entries.push((mark, line.label.clone()));
        }
        if let Some(band) = &self.band {
            entries.push((
                format!(r#"<rect x="0" y="-5" width="18" height="10" fill="{BAND}" fill-opacity="0.35"/>"#),
                band.label.clone(),
            ));
        }
        if !self.points.is_empty() {
            entries.push((
                r##"<circle cx="9" cy="0" r="4" fill="#111"/>"##.to_string(),
                "observed".to_string(),
            ));
        }
        let mut out = String::from(r##"<g class="legend" font-size="11" fill="#222">"##);
        let (mut x, mut y) = (LEFT, 12.0);
        for (mark, label) in entries {
            let label: String = label.chars().take(48).collect();
            // An estimate of the label's width at 11 px.
            let width = 30.0 + 6.2 * label.chars().count() as f64;
            if x > LEFT && x + width > WIDTH - RIGHT {
                (x, y) = (LEFT, y + 15.0);
            }
            let _ = write!(
                out,
                r#"<g transform="translate({x:.1},{y:.1})">{mark}<text x="22" y="4">{}</text></g>"#,
                escape_html(&label)
            );
            x += width;
        }
        out.push_str("</g>");
        out
    }

    /// The range of values on the y axis, from 0 when the values are all positive and near.
    fn value_range(&self, start: Date, end: Date) -> (f64, f64) {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut take = |v: f64| {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        };
        for line in &self.lines {
            line.values.iter().copied().for_each(&mut take);
        }
        if let Some(band) = &self.band {
            band.p10
                .iter()
                .chain(&band.p90)
                .copied()
                .for_each(&mut take);
        }
        for p in &self.points {
            if p.date >= start && p.date <= end {
                take(p.value);
            }
        }
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        if lo >= 0.0 && lo < (hi - lo) {
            lo = 0.0;
        }
        if hi - lo < 1e-9 {
            let pad = if hi.abs() > 1e-9 { hi.abs() * 0.1 } else { 1.0 };
            return (lo - pad, hi + pad);
        }
        let pad = (hi - lo) * 0.05;
        (if lo == 0.0 { 0.0 } else { lo - pad }, hi + pad)
    }
}

/// A round step near `raw`: 1, 2 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let m = raw / power;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

fn polyline(points: &[(f64, f64)]) -> String {
    let mut out = String::new();
    for (x, y) in points {
        let _ = write!(out, "{x:.1},{y:.1} ");
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.23), 0.5);
        assert_eq!(nice_step(37_000.0), 50_000.0);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn a_chart_describes_itself_and_escapes_its_labels() {
        let start = Date::parse("2013-01-15").unwrap();
        let chart = Chart {
            title: "Troops <in> Mali".into(),
            unit: "soldiers".into(),
            precision: 0,
            dates: (0..3).map(|t| start.plus_days(7 * t)).collect(),
            lines: vec![Line {
                label: "Ana & Ben".into(),
                values: vec![100.0, 200.0, 3000.0],
                style: LineStyle::Student,
            }],
            band: None,
            points: vec![Point {
                date: start.plus_days(3),
                value: 150.0,
                note: String::new(),
            }],
        };
        let svg = chart.to_svg("c1");
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("Troops &lt;in&gt; Mali"));
        assert!(svg.contains("Ana &amp; Ben: 100 at the start, 3,000 at the end."));
        assert_eq!(svg.matches("<circle class=\"observed\"").count(), 1);
        assert!(svg.contains(">3,000<"), "{svg}");
    }
}
