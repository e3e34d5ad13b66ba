//! Month grids for calendar views.
//!
//! The terminal calendar and the web page draw the same weeks; this module
//! computes them so that neither adapter knows about holidays. Weeks start on
//! Monday, as Chinese wall calendars and the notices' 周一…周日 do.

use serde::Serialize;

use super::count::{Deadline, Period};
use super::date::{days_in_month, Date};
use super::days::{Day, WorkingDayCalendar};
use crate::{Error, ErrorKind, Result};

/// One month laid out in weeks, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthGrid {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The weeks; cells outside the month are `None`.
    pub weeks: Vec<[Option<Day>; 7]>,
}

impl MonthGrid {
    /// The days of the month in order.
    pub fn days(&self) -> impl Iterator<Item = &Day> {
        self.weeks.iter().flatten().flatten()
    }
}

/// A day of a [`PeriodMonth`]: the day, and where it stands in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodDay {
    /// The day with its kind.
    #[serde(flatten)]
    pub day: Day,
    /// The day counts towards the period ([`Deadline::counts`]).
    pub counted: bool,
    /// The day the period runs from (not counted, SPEC §16.3).
    pub start: bool,
    /// The last day of the period.
    pub due: bool,
}

/// One month of a deadline's period laid out in weeks, Monday first; cells
/// outside the month are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodMonth {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The weeks.
    pub weeks: Vec<[Option<PeriodDay>; 7]>,
}

impl Deadline {
    /// Whether `day` counts towards this period (SPEC §16.3): it is after
    /// the start day and not after the due date, and, unless the period is
    /// in natural days, a working day (a make-up working day included).
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// let d = cal.add_working_days(Date::parse("2026-09-28")?, 7)?;
    /// let day = |s| cal.day(Date::parse(s).unwrap()).unwrap();
    /// assert!(!d.counts(&day("2026-09-28"))); // the start day is not counted
    /// assert!(!d.counts(&day("2026-10-01"))); // 国庆节
    /// assert!(d.counts(&day("2026-10-10"))); // Saturday, 调休上班
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn counts(&self, day: &Day) -> bool {
        day.date > self.start
            && day.date <= self.due
            && (matches!(self.period, Period::NaturalDays(_)) || day.is_working())
    }
}

impl WorkingDayCalendar {
    /// The months of a deadline's period, from the start day's month to the
    /// due date's, at most `max_months` of them, each day marked as the
    /// start, the due date, or counted in the period (SPEC §16.3, §16.6):
    /// the calendar the page shows under a due date.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] when a month shown is in a year the
    /// calendar does not cover.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// let d = cal.add_working_days(Date::parse("2026-09-28")?, 7)?;
    /// let months = cal.period_months(&d, 4)?;
    /// assert_eq!(months.iter().map(|m| m.month).collect::<Vec<_>>(), [9, 10]);
    /// let counted = months.iter().flat_map(|m| m.weeks.iter().flatten().flatten())
    ///     .filter(|d| d.counted).count();
    /// assert_eq!(counted, 7);
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn period_months(&self, deadline: &Deadline, max_months: u32) -> Result<Vec<PeriodMonth>> {
        let (mut y, mut m) = (deadline.start.year(), deadline.start.month());
        let last = (deadline.due.year(), deadline.due.month());
        let mut out = Vec::new();
        while (y, m) <= last && out.len() < max_months as usize {
            let g = self.month_grid(y, m)?;
            let weeks = g
                .weeks
                .into_iter()
                .map(|week| {
                    week.map(|cell| {
                        cell.map(|day| PeriodDay {
                            counted: deadline.counts(&day),
                            start: day.date == deadline.start,
                            due: day.date == deadline.due,
                            day,
                        })
                    })
                })
                .collect();
            out.push(PeriodMonth {
                year: y,
                month: m,
                weeks,
            });
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        Ok(out)
    }

    /// The grid of `month` (1–12) of `year`, each day with its kind and,
    /// on notice days, the holiday's name.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidDate`] for a month outside 1–12 or a year
    ///   outside 1–9999;
    /// - [`ErrorKind::CalendarUncovered`] when the year is not covered.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{DayKind, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// let g = cal.month_grid(2026, 10)?;
    /// // 2026-10-01 is a Thursday: the first week has three empty cells.
    /// assert!(g.weeks[0][2].is_none());
    /// assert_eq!(g.weeks[0][3].as_ref().unwrap().kind, DayKind::HolidayOff);
    /// assert_eq!(g.days().filter(|d| d.kind == DayKind::MakeUpWorking).count(), 1);
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn month_grid(&self, year: i32, month: u32) -> Result<MonthGrid> {
        let first = Date::new(year, month, 1)?;
        self.check_covered(year)?;
        let mut weeks: Vec<[Option<Day>; 7]> = Vec::new();
        let mut week: [Option<Day>; 7] = Default::default();
        let last = u32::from(days_in_month(year, month as u8));
        for d in 0..last {
            let date = first.add_days(i64::from(d));
            let idx = date.weekday().index();
            week[idx] = Some(self.day(date)?);
            if idx == 6 || d + 1 == last {
                weeks.push(std::mem::take(&mut week));
            }
        }
        Ok(MonthGrid { year, month, weeks })
    }

    /// The twelve month grids of `year`.
    ///
    /// # Errors
    ///
    /// As for [`WorkingDayCalendar::month_grid`].
    pub fn year_grid(&self, year: i32) -> Result<Vec<MonthGrid>> {
        if !(1..=9999).contains(&year) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                format!("year {year} is outside 1–9999"),
                format!("年份 {year} 不在 1–9999 之内"),
            ));
        }
        (1..=12).map(|m| self.month_grid(year, m)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayKind;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_spring_festival_week_of_2026_in_a_period() {
        let cal = WorkingDayCalendar::national().unwrap();
        // SPEC §16.3: 2026-02-13 + 7 working days = 2026-03-02.
        let d = cal.add_working_days(date("2026-02-13"), 7).unwrap();
        let months = cal.period_months(&d, 4).unwrap();
        assert_eq!(
            months.iter().map(|m| (m.year, m.month)).collect::<Vec<_>>(),
            [(2026, 2), (2026, 3)]
        );
        let days: Vec<&PeriodDay> = months
            .iter()
            .flat_map(|m| m.weeks.iter().flatten().flatten())
            .collect();
        let at = |s: &str| *days.iter().find(|p| p.day.date == date(s)).unwrap();
        // The week of 2-09: Monday to Friday working, Saturday 2-14 a
        // make-up working day (调休上班), Sunday 2-15 春节 off.
        let week = &months[0].weeks[2]; // 2026-02-01 is a Sunday
        let kinds: Vec<DayKind> = week.iter().map(|c| c.as_ref().unwrap().day.kind).collect();
        assert_eq!(
            kinds,
            [
                DayKind::Working,
                DayKind::Working,
                DayKind::Working,
                DayKind::Working,
                DayKind::Working,
                DayKind::MakeUpWorking,
                DayKind::HolidayOff
            ]
        );
        assert_eq!(at("2026-02-15").day.name.as_deref(), Some("春节"));
        assert!(at("2026-02-13").start && !at("2026-02-13").counted);
        assert!(at("2026-02-14").counted);
        assert!((15..=23).all(|n| !at(&format!("2026-02-{n}")).counted));
        assert!(at("2026-02-28").counted); // Saturday, 调休上班
        assert!(!at("2026-03-01").counted); // Sunday
        assert!(at("2026-03-02").due && at("2026-03-02").counted);
        assert!(!at("2026-03-03").counted);
        assert_eq!(days.iter().filter(|p| p.counted).count(), 7);
        assert_eq!(days.iter().filter(|p| p.due || p.start).count(), 2);
    }

    #[test]
    fn natural_days_count_every_day_and_the_months_are_capped() {
        let cal = WorkingDayCalendar::national().unwrap();
        // SPEC §16.3: 2026-09-21 + 10 days lands on 国庆节 10-01 and moves
        // to 10-08; every day from 9-22 to 10-08 is in the period.
        let d = cal.add_natural_days(date("2026-09-21"), 10).unwrap();
        let months = cal.period_months(&d, 4).unwrap();
        let counted = months
            .iter()
            .flat_map(|m| m.weeks.iter().flatten().flatten())
            .filter(|p| p.counted)
            .count();
        assert_eq!(counted, 17);
        // A long period shows its first months only.
        let long = cal.add_working_days(date("2026-01-05"), 200).unwrap();
        let months = cal.period_months(&long, 4).unwrap();
        assert_eq!(months.len(), 4);
        assert_eq!(months[3].month, 4);
        // December to January: the year turns.
        let d = cal.add_working_days(date("2025-12-29"), 5).unwrap();
        let months = cal.period_months(&d, 4).unwrap();
        assert_eq!(
            months.iter().map(|m| (m.year, m.month)).collect::<Vec<_>>(),
            [(2025, 12), (2026, 1)]
        );
    }
}
