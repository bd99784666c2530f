//! Calendar dates as ISO 8601 strings (`2013-01-15`), with day arithmetic.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01.
    days: i64,
}

impl Date {
    /// The date for a year, month (1..12) and day (1..31), if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self {
            days: days_from_civil(year as i64, month as i64, day as i64),
        })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Self::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    /// The date `days` later (or earlier, if negative).
    pub fn plus_days(self, days: i64) -> Self {
        Self {
            days: self.days + days,
        }
    }

    /// Days from `other` to `self`.
    pub fn days_since(self, other: Date) -> i64 {
        self.days - other.days
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        self.days
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    /// Short human form, e.g. `15 Jan 2013`.
    pub fn human(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", MONTHS[(m - 1) as usize])
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Date::parse(&text).ok_or_else(|| {
            format!("`{text}` is not a date: expected YYYY-MM-DD, e.g. \"2013-01-15\"")
        })
    }
}

impl From<Date> for String {
    fn from(date: Date) -> Self {
        date.to_string()
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((if m <= 2 { y + 1 } else { y }) as i32, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d = Date::parse("2013-01-15").unwrap();
        assert_eq!(d.to_string(), "2013-01-15");
        assert_eq!(d.ymd(), (2013, 1, 15));
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
    }

    #[test]
    fn adds_days_across_months_and_leap_years() {
        let d = Date::parse("2013-01-15").unwrap();
        assert_eq!(d.plus_days(7 * 5).to_string(), "2013-02-19");
        assert_eq!(
            Date::parse("2012-02-28").unwrap().plus_days(1).to_string(),
            "2012-02-29"
        );
        assert_eq!(
            Date::parse("2013-02-28").unwrap().plus_days(1).to_string(),
            "2013-03-01"
        );
        assert_eq!(d.plus_days(30).days_since(d), 30);
        assert_eq!(d.human(), "15 Jan 2013");
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2013-02-29",
            "2013-13-01",
            "2013-1-5",
            "15/01/2013",
            "",
            "2013-00-10",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad} should not parse");
        }
    }
}
