//! Counting periods the way Chinese law counts them.
//!
//! - The day the period starts is not counted (民法典 第二百零一条).
//! - "N working days" (N个工作日) end on the Nth working day after the
//!   start day. A start on a day off changes nothing: the first working day
//!   after it is day 1.
//! - "N days" (N日) end N days after the start day; when that day is a day
//!   off, the period ends on the next working day (民法典 第二百零三条).
//! - "Within" a period includes its last day: an act on the due date is in
//!   time.

use serde::Serialize;

use super::date::Date;
use super::days::{Day, WorkingDayCalendar};
use crate::{Error, ErrorKind, Result};

/// How a period is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// N working days (N个工作日).
    WorkingDays(u32),
    /// N natural days (N日, N个自然日), the end moved off a day off.
    NaturalDays(u32),
    /// By the 10th of the first month of the next quarter (4-10, 7-10,
    /// 10-10, 1-10), a fixed date that is not moved.
    QuarterlyBy10th,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::WorkingDays(n) => write!(f, "{n} working days (个工作日)"),
            Period::NaturalDays(n) => write!(f, "{n} days (日)"),
            Period::QuarterlyBy10th => f.write_str("by the 10th after the quarter (季后10日前)"),
        }
    }
}

/// A computed due date and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The day the period runs from (not counted).
    pub start: Date,
    /// The period.
    pub period: Period,
    /// The last day of the period: an act on this day is in time.
    pub due: Date,
    /// For natural days: the end before it was moved off a day off
    /// (present only when it was moved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Date>,
    /// The days off passed over: for working days every day off after the
    /// start and before the due date; for natural days the days off the end
    /// was moved across.
    pub skipped: Vec<Day>,
}

impl Deadline {
    /// The distinct holiday names among the skipped days, in date order
    /// (weekends have no name and are left out).
    pub fn skipped_holidays(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for d in &self.skipped {
            if let Some(n) = d.name.as_deref() {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names
    }
}

/// How far a period gets on a calendar that ends before the period does
/// (SPEC §16.5, 待补日历): the first year it needs that the calendar does
/// not cover and, for working days, how many were counted before that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalendarGap {
    /// The first year the period needs that the calendar does not cover.
    pub year: i32,
    /// True when the national calendar covers `year` and only the region's
    /// holidays of that year are missing.
    pub regional: bool,
    /// For a period of working days: those counted from the start up to
    /// the end of the year before `year` (0 when the period starts in or
    /// at the very end before `year`); `None` for other periods.
    pub counted: Option<u32>,
    /// For a period of working days: those still to count in `year` and
    /// after; `None` for other periods.
    pub remaining: Option<u32>,
}

fn positive(n: u32, what: &str, what_zh: &str) -> Result<()> {
    if n == 0 {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("a period of 0 {what} has no last day; give at least 1"),
            format!("期限为 0 {what_zh}，没有最后一天；请至少填 1"),
        ));
    }
    Ok(())
}

impl WorkingDayCalendar {
    /// The due date `n` working days after `start`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidValue`] when `n` is 0;
    /// - [`ErrorKind::CalendarUncovered`] when the count runs into a year
    ///   the calendar does not cover.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// // 国庆节 2026: 10-01..10-07 off, 10-10 (Saturday) a working day.
    /// let d = cal.add_working_days(Date::parse("2026-09-28")?, 7)?;
    /// assert_eq!(d.due.to_string(), "2026-10-13");
    /// assert_eq!(d.skipped_holidays(), ["国庆节"]);
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Deadline> {
        positive(n, "working days", "个工作日")?;
        let mut skipped = Vec::new();
        let mut count = 0;
        let mut d = start;
        loop {
            d = next_day(d)?;
            let day = self.day(d)?;
            if day.is_working() {
                count += 1;
                if count == n {
                    break;
                }
            } else {
                skipped.push(day);
            }
        }
        Ok(Deadline {
            start,
            period: Period::WorkingDays(n),
            due: d,
            moved_from: None,
            skipped,
        })
    }

    /// The due date `n` natural days after `start`, moved to the next
    /// working day when it falls on a day off (民法典 第二百零三条).
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidValue`] when `n` is 0;
    /// - [`ErrorKind::CalendarUncovered`] when the end lies in a year the
    ///   calendar does not cover.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// // 2026-09-21 + 10 days = 10-01, a day off; the first working day
    /// // after the holiday is 10-08.
    /// let d = cal.add_natural_days(Date::parse("2026-09-21")?, 10)?;
    /// assert_eq!(d.due.to_string(), "2026-10-08");
    /// assert_eq!(d.moved_from.map(|m| m.to_string()).as_deref(), Some("2026-10-01"));
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn add_natural_days(&self, start: Date, n: u32) -> Result<Deadline> {
        positive(n, "days", "日")?;
        let nominal = start.add_days(i64::from(n));
        let mut d = nominal;
        let mut skipped = Vec::new();
        loop {
            let day = self.day(d)?;
            if day.is_working() {
                break;
            }
            skipped.push(day);
            d = next_day(d)?;
        }
        Ok(Deadline {
            start,
            period: Period::NaturalDays(n),
            due: d,
            moved_from: (d != nominal).then_some(nominal),
            skipped,
        })
    }

    /// The filing date for a quarter: the 10th of the month after the
    /// quarter that contains `start` (4-10, 7-10, 10-10, next year's 1-10).
    /// The plan names fixed dates, so a date that is a day off is not moved.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] when the filing date lies in a year
    /// the calendar does not cover.
    pub fn quarterly_filing(&self, start: Date) -> Result<Deadline> {
        let due = self.quarterly_filing_date(start)?;
        self.day(due)?;
        Ok(Deadline {
            start,
            period: Period::QuarterlyBy10th,
            due,
            moved_from: None,
            skipped: Vec::new(),
        })
    }

    /// The 10th of the month after the quarter of `start`.
    fn quarterly_filing_date(&self, start: Date) -> Result<Date> {
        let q = (start.month() - 1) / 3;
        if q == 3 {
            Date::new(start.year() + 1, 1, 10)
        } else {
            Date::new(start.year(), 3 * (q + 1) + 1, 10)
        }
    }

    /// The due date of `period` counted from `start`.
    ///
    /// # Errors
    ///
    /// As for [`WorkingDayCalendar::add_working_days`],
    /// [`WorkingDayCalendar::add_natural_days`] and
    /// [`WorkingDayCalendar::quarterly_filing`].
    pub fn deadline(&self, start: Date, period: Period) -> Result<Deadline> {
        match period {
            Period::WorkingDays(n) => self.add_working_days(start, n),
            Period::NaturalDays(n) => self.add_natural_days(start, n),
            Period::QuarterlyBy10th => self.quarterly_filing(start),
        }
    }

    /// Where counting `period` from `start` stops for want of a year the
    /// calendar does not cover, or `None` when that is not why the period
    /// cannot be counted (it can, or it fails for another reason).
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, Period, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?; // 2018–2026
    /// let gap = cal
    ///     .calendar_gap(Date::parse("2026-12-28")?, Period::WorkingDays(7))
    ///     .unwrap();
    /// // 12-29, 12-30, 12-31 counted; four more are in 2027.
    /// assert_eq!((gap.year, gap.counted, gap.remaining), (2027, Some(3), Some(4)));
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn calendar_gap(&self, start: Date, period: Period) -> Option<CalendarGap> {
        let gap = |year: i32| CalendarGap {
            year,
            regional: self.region().is_some() && self.national_covers_year(year),
            counted: None,
            remaining: None,
        };
        match period {
            Period::WorkingDays(n) => {
                let first = start.succ();
                if first == start {
                    return None;
                }
                let mut year = first.year();
                while self.covers(year) {
                    year += 1;
                }
                let counted = match Date::new(year - 1, 12, 31) {
                    Ok(end) if end > start => {
                        u32::try_from(self.working_days_between(start, end).ok()?).ok()?
                    }
                    _ => 0,
                };
                (counted < n).then(|| CalendarGap {
                    counted: Some(counted),
                    remaining: Some(n - counted),
                    ..gap(year)
                })
            }
            Period::NaturalDays(n) => {
                // The end and the days off it is moved across.
                let mut d = start.add_days(i64::from(n));
                loop {
                    if !self.covers(d.year()) {
                        return Some(gap(d.year()));
                    }
                    if self.is_working_day(d).ok()? {
                        return None;
                    }
                    let next = d.succ();
                    if next == d {
                        return None;
                    }
                    d = next;
                }
            }
            Period::QuarterlyBy10th => {
                let due = self.quarterly_filing_date(start).ok()?;
                (!self.covers(due.year())).then(|| gap(due.year()))
            }
        }
    }

    /// The number of working days after `from` up to and including `to`;
    /// negative when `to` is before `from`, 0 when they are equal.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] when a day in between lies in a year
    /// the calendar does not cover.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// let due = Date::parse("2026-10-13")?;
    /// assert_eq!(cal.working_days_between(due, Date::parse("2026-10-16")?)?, 3);
    /// assert_eq!(cal.working_days_between(Date::parse("2026-09-28")?, due)?, 7);
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<i64> {
        let (a, b, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        if a == b {
            return Ok(0);
        }
        // The days counted are a+1 ..= b: their years must be covered.
        for year in a.succ().year()..=b.year() {
            self.check_covered(year)?;
        }
        if let Some(n) = self.counted_between(a, b) {
            return Ok(sign * n);
        }
        let mut n = 0i64;
        let mut d = a;
        while d < b {
            d = d.succ();
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(sign * n)
    }

    /// The first working day on or after `date`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] as for
    /// [`WorkingDayCalendar::day`].
    pub fn next_working_day_from(&self, date: Date) -> Result<Date> {
        let mut d = date;
        while !self.is_working_day(d)? {
            let next = d.succ();
            if next == d {
                return Err(Error::new(
                    ErrorKind::InvalidDate,
                    "no working day before 9999-12-31",
                    "9999-12-31 之前没有工作日",
                ));
            }
            d = next;
        }
        Ok(d)
    }
}

/// The day after `d` in a period being counted; a period cannot run past
/// the last date the calendar type holds.
fn next_day(d: Date) -> Result<Date> {
    let next = d.succ();
    if next == d {
        return Err(Error::new(
            ErrorKind::InvalidDate,
            "the period runs past 9999-12-31",
            "期限超出了 9999-12-31",
        ));
    }
    Ok(next)
}
