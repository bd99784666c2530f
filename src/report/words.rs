//! Numbers, quantities, dates and costs as people read them, and escaping for HTML, CSV
//! and Markdown.

use crate::scenario::{Better, Date, Model, format_number};
use crate::sim::ensemble::Summary;

/// A number with a precision that suits its size: `250`, `4.2`, `0.35`.
pub fn amount(value: f64) -> String {
    let v = value.abs();
    let precision = if (value - value.round()).abs() < 1e-9 || v >= 100.0 {
        0
    } else if v >= 1.0 {
        1
    } else {
        2
    };
    format_number(value, precision)
}

/// A signed number with `precision` decimals: `+1,200`, `-0.5`, `0.0`.
pub fn signed(value: f64, precision: usize) -> String {
    let text = format_number(value, precision);
    if value > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// `number unit`, or the number alone when there is no unit.
pub fn with_unit(number: String, unit: &str) -> String {
    if unit.is_empty() {
        number
    } else if unit == "%" {
        format!("{number} %")
    } else if number.trim_start_matches(['+', '-']) == "1" {
        format!("{number} {}", singular(unit))
    } else {
        format!("{number} {unit}")
    }
}

/// A unit after the number 1: its first word without a plural `s` (`points` → `point`,
/// `cases a week` → `case a week`); units that are not plain plural words are kept.
fn singular(unit: &str) -> String {
    let (first, rest) = unit.split_once(' ').unwrap_or((unit, ""));
    if first == "people" {
        return format!("person{}", unit.strip_prefix("people").unwrap_or_default());
    }
    let plural = first.len() > 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && first.ends_with('s')
        && !first.ends_with("ss");
    match (plural, rest.is_empty()) {
        (false, _) => unit.to_string(),
        (true, true) => first[..first.len() - 1].to_string(),
        (true, false) => format!("{} {rest}", &first[..first.len() - 1]),
    }
}

/// An indicator's value with its precision and unit: `2,300 soldiers`.
pub fn indicator_value(model: &Model, indicator: usize, value: f64) -> String {
    let unit = &model.scenario.indicators[indicator].unit;
    with_unit(model.format_indicator(indicator, value), unit)
}

/// An outcome's value with its precision and unit.
pub fn outcome_value(model: &Model, outcome: usize, value: f64) -> String {
    let o = &model.scenario.outcomes[outcome];
    with_unit(format_number(value, o.precision as usize), &o.unit)
}

/// The cost of a choice in the player's resources: `4.2 CAD M, 1 points`, or `free`.
pub fn cost_text(model: &Model, choice: usize) -> String {
    let role = model.role();
    let start = model.layout.resources[role].start;
    let resources = &model.scenario.actors[role].resources;
    let parts: Vec<String> = model.choices[choice]
        .cost
        .iter()
        .filter_map(|&(slot, value)| {
            let r = resources.get(slot.checked_sub(start)?)?;
            Some(with_unit(amount(value), &r.unit))
        })
        .collect();
    if parts.is_empty() {
        "free".to_string()
    } else {
        parts.join(", ")
    }
}

/// `22 Jan`.
pub fn short_date(date: Date) -> String {
    let human = date.human();
    match human.rsplit_once(' ') {
        Some((day_month, _year)) => day_month.to_string(),
        None => human,
    }
}

/// A share 0..1 as a percentage: `42 %`.
pub fn percent(share: f64) -> String {
    format!("{} %", format_number(100.0 * share, 0))
}

/// Text made safe inside HTML or XML elements and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML; a file could hold them.
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Text made safe in a Markdown table cell: no line breaks, pipes escaped.
pub fn markdown_cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// Today's date from the system clock (for "made on" lines; the engine never reads it).
pub fn today() -> Option<Date> {
    let since = web_time::SystemTime::now().duration_since(web_time::UNIX_EPOCH);
    date_after_epoch(since.ok()?.as_secs())
}

/// The calendar date (UTC) of a moment.
pub fn date_of(time: std::time::SystemTime) -> Option<Date> {
    date_after_epoch(time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs())
}

/// The calendar date (UTC) `seconds` after 1 January 1970.
fn date_after_epoch(seconds: u64) -> Option<Date> {
    Some(Date::from_ymd(1970, 1, 1)?.plus_days((seconds / 86_400) as i64))
}

/// `1 file`, `2 files`: a count with its noun, singular or plural.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// When a paired difference counts as better or worse, in words for the people reading it.
pub const VERDICT_RULE: &str = "A plan is called better or worse only when 9 futures in 10 \
    differ in the same direction (the range of the run-by-run differences between 5 % and \
    95 % leaves out zero) and the median difference shows in the digits given; otherwise \
    the two are about the same.";

/// Whether a paired difference of an outcome is beyond noise, by [`VERDICT_RULE`]:
/// `Some(true)` if better, `Some(false)` if worse, `None` if about the same.
pub fn verdict(model: &Model, outcome: usize, d: &Summary) -> Option<bool> {
    let o = &model.scenario.outcomes[outcome];
    let smallest_shown = 0.5 * 10f64.powi(-i32::from(o.precision.min(12)));
    let clear = (d.p5 > 0.0 || d.p95 < 0.0) && d.p50.abs() >= smallest_shown;
    clear.then(|| {
        let higher = d.p50 > 0.0;
        matches!(
            (o.better, higher),
            (Better::Higher, true) | (Better::Lower, false)
        )
    })
}

/// `-5,000 (-8,000 to -2,000), better`: the median difference, its 90 % interval, and
/// whether it is better or worse beyond noise ([`verdict`]), else `about the same`.
pub fn difference_text(model: &Model, outcome: usize, d: &Summary) -> String {
    let o = &model.scenario.outcomes[outcome];
    let p = o.precision as usize;
    let signed = |v: f64| crate::report::words::signed(v, p);
    if d.min == 0.0 && d.max == 0.0 {
        return "no change in any future".into();
    }
    let verdict = match verdict(model, outcome, d) {
        Some(true) => "better",
        Some(false) => "worse",
        None => "about the same",
    };
    if signed(d.min) == signed(d.max) {
        format!("{} in every future, {verdict}", signed(d.p50))
    } else if signed(d.p5) == signed(d.p95) {
        format!("{} in 9 futures in 10, {verdict}", signed(d.p50))
    } else {
        format!(
            "{} ({} to {}), {verdict}",
            signed(d.p50),
            signed(d.p5),
            signed(d.p95)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(escape_html("x\u{0}y"), "x y");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(markdown_cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(amount(147_000.4), "147,000");
        assert_eq!(signed(1200.0, 0), "+1,200");
        assert_eq!(signed(-0.5, 1), "-0.5");
        assert_eq!(signed(0.01, 1), "0.0");
        assert_eq!(percent(0.426), "43 %");
        let day = std::time::UNIX_EPOCH + std::time::Duration::from_secs(86_400 * 365 + 5);
        assert_eq!(
            date_of(day).map(|d| d.to_string()).as_deref(),
            Some("1971-01-01")
        );
    }
}
