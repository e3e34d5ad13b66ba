//! Civil dates (proleptic Gregorian) without a date library.
//!
//! The calendar needs only whole days: parse, print, compare, step by days
//! and tell the weekday. That is a few lines of integer arithmetic (Howard
//! Hinnant's `days_from_civil`), so the crate carries no date dependency and
//! never reads the clock: "today" is always a value the caller passes in.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::{Error, ErrorKind, Result};

/// A calendar date (year, month, day) in the proleptic Gregorian calendar,
/// years 1 to 9999.
///
/// Dates order chronologically, print as `YYYY-MM-DD` and serialize to JSON
/// as that string.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::{Date, Weekday};
///
/// let d: Date = "2026年2月13日".parse()?;
/// assert_eq!(d.to_string(), "2026-02-13");
/// assert_eq!(d.weekday(), Weekday::Friday);
/// assert_eq!(d.add_days(16).to_string(), "2026-03-01");
/// # Ok::<(), shuangsui::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// 星期一
    Monday,
    /// 星期二
    Tuesday,
    /// 星期三
    Wednesday,
    /// 星期四
    Thursday,
    /// 星期五
    Friday,
    /// 星期六
    Saturday,
    /// 星期日
    Sunday,
}

impl Weekday {
    /// Monday = 0 … Sunday = 6.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for Saturday and Sunday, the ordinary rest days (公休日).
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }

    /// The one-character Chinese name used in calendars: 一 … 六, 日.
    pub fn short_zh(self) -> &'static str {
        ["一", "二", "三", "四", "五", "六", "日"][self.index()]
    }

    /// The English three-letter abbreviation: Mon … Sun.
    pub fn short_en(self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self.index()]
    }

    pub(crate) fn from_index(i: i64) -> Weekday {
        const ALL: [Weekday; 7] = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
        ];
        ALL[i.rem_euclid(7) as usize]
    }
}

/// Number of days in `month` of `year`.
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

impl Date {
    /// The earliest date this type holds, 0001-01-01.
    pub const MIN: Date = Date {
        year: 1,
        month: 1,
        day: 1,
    };
    /// The latest date this type holds, 9999-12-31.
    pub const MAX: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// The date `year`-`month`-`day`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDate`] when the year is outside 1–9999 or the day
    /// does not exist (2026-02-29, 2026-13-01).
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::Date;
    /// assert!(Date::new(2024, 2, 29).is_ok());
    /// assert!(Date::new(2026, 2, 29).is_err());
    /// ```
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date> {
        if !(1..=9999).contains(&year) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                format!("year {year} is outside 1–9999"),
                format!("年份 {year} 不在 1–9999 之内"),
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                format!("month {month} does not exist (months are 1–12)"),
                format!("没有 {month} 月（月份为 1–12）"),
            ));
        }
        let month = month as u8;
        let last = days_in_month(year, month);
        if day < 1 || day > u32::from(last) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                format!("{year}-{month:02} has no day {day} (it has {last} days)"),
                format!("{year} 年 {month} 月没有 {day} 日（该月有 {last} 天）"),
            ));
        }
        Ok(Date {
            year,
            month,
            day: day as u8,
        })
    }

    /// Reads a date written as `YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D` or
    /// `YYYY年M月D日` (SPEC §3.2, the one date grammar of the crate; the
    /// directories' expiry dates and the task's draw date are read by it
    /// too). The text is normalized first (SPEC §2: full-width digits and
    /// separators fold, surrounding whitespace goes); the year has four
    /// digits (0001–9999), month and day one or two; one kind of separator
    /// per date, each optionally with one space on either side; the day must
    /// exist (leap years included).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidDate`] when the text is in none of these forms or
    /// names a day that does not exist.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::Date;
    /// for s in ["2026-10-08", "2026/10/8", "2026.10.8", "2026年10月8日"] {
    ///     assert_eq!(Date::parse(s)?.to_string(), "2026-10-08");
    /// }
    /// assert!(Date::parse("2026-10/08").is_err());
    /// assert!(Date::parse("2026月10年8日").is_err());
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Date> {
        let shown = text.trim();
        let bad = || {
            Error::new(
                ErrorKind::InvalidDate,
                format!(
                    "\"{shown}\" is not a date; write it as YYYY-MM-DD (also accepted: YYYY/M/D, YYYY.M.D, YYYY年M月D日)"
                ), format!(
                "“{shown}”不是日期；请写成 YYYY-MM-DD（也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日）"
            ))
        };
        let t = crate::spec::text::normalize_text(text).map_err(|_| bad())?;
        let (y, m, d) = date_parts(&t).ok_or_else(bad)?;
        Date::new(y as i32, m, d)
            .map_err(|e| e.context(&format!("\"{shown}\""), &format!("“{shown}”不是存在的日期")))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        // Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01, clamped to
    /// [`Date::MIN`]..=[`Date::MAX`].
    pub fn from_days(days: i64) -> Date {
        if days <= Date::MIN.to_days() {
            return Date::MIN;
        }
        if days >= Date::MAX.to_days() {
            return Date::MAX;
        }
        // Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date {
            year: y as i32,
            month: m as u8,
            day: d as u8,
        }
    }

    /// The date `n` days later (earlier for negative `n`), clamped to
    /// [`Date::MIN`]..=[`Date::MAX`].
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.to_days().saturating_add(n))
    }

    /// The next day.
    pub fn succ(self) -> Date {
        self.add_days(1)
    }

    /// Days from `earlier` to `self` (negative if `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.to_days() - earlier.to_days()
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        Weekday::from_index(self.to_days() + 3)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = Error;
    fn from_str(s: &str) -> Result<Date> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// SPEC §3.2: the digits of a normalized date text, or `None` when it is
/// not in one of the forms `Y S M S D` (S one of `-` `/` `.`, the same
/// twice) or `Y年M月D日`, where Y has 4 ASCII digits, M and D 1 or 2, and
/// each separator may have one space on either side.
fn date_parts(t: &str) -> Option<(u32, u32, u32)> {
    let mut numbers = Vec::with_capacity(3);
    let mut seps = Vec::with_capacity(3);
    let mut rest = t;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        numbers.push(&rest[..digits]);
        rest = &rest[digits..];
        if rest.is_empty() {
            break;
        }
        let s = rest.strip_prefix(' ').unwrap_or(rest);
        let c = s.chars().next()?;
        let s = &s[c.len_utf8()..];
        let s = s.strip_prefix(' ').unwrap_or(s);
        seps.push(c);
        rest = s;
        if rest.is_empty() {
            break;
        }
    }
    let ok = match (numbers.len(), seps.as_slice()) {
        (3, [a, b]) => a == b && matches!(a, '-' | '/' | '.'),
        (3, ['年', '月', '日']) => true,
        _ => false,
    };
    if !ok || numbers[0].len() != 4 || numbers[1].len() > 2 || numbers[2].len() > 2 {
        return None;
    }
    Some((
        numbers[0].parse().ok()?,
        numbers[1].parse().ok()?,
        numbers[2].parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::new(1900, 1, 1).unwrap().to_days();
        let mut prev: Option<Date> = None;
        for n in start..start + 146_097 {
            let d = Date::from_days(n);
            assert_eq!(d.to_days(), n);
            assert!(Date::new(d.year, d.month(), d.day()).is_ok());
            if let Some(p) = prev {
                assert!(p < d);
            }
            prev = Some(d);
        }
    }

    #[test]
    fn known_weekdays() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().weekday(), Weekday::Thursday);
        assert_eq!(Date::new(2026, 10, 1).unwrap().weekday(), Weekday::Thursday);
        assert_eq!(Date::new(2000, 2, 29).unwrap().weekday(), Weekday::Tuesday);
        assert_eq!(Date::new(1, 1, 1).unwrap().weekday(), Weekday::Monday);
    }

    #[test]
    fn parse_forms_and_rejections() {
        let want = Date::new(2026, 3, 2).unwrap();
        for s in [
            "2026-03-02",
            " 2026-3-2 ",
            "2026/3/2",
            "2026.03.02",
            "2026年3月2日",
            "２０２６年３月２日",
        ] {
            assert_eq!(Date::parse(s).unwrap(), want, "{s}");
        }
        for s in [
            "",
            "2026",
            "26-03-02",
            "2026-3",
            "2026-02-30",
            "2026-13-01",
            "2026-1-1-1",
            "2026年3月2",
            "2026-03-02x",
            "+2026-03-02",
        ] {
            let e = Date::parse(s).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidDate, "{s}");
        }
    }

    #[test]
    fn clamps_at_the_ends() {
        assert_eq!(Date::MAX.add_days(10), Date::MAX);
        assert_eq!(Date::MIN.add_days(-10), Date::MIN);
    }
}
