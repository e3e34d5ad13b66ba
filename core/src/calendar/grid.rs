//! Month grids for calendar views.
//!
//! The terminal calendar and the web page draw the same weeks; this module
//! computes them so that neither adapter knows about holidays. Weeks start on
//! Monday, as Chinese wall calendars and the notices' 周一…周日 do.

use serde::Serialize;

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

impl WorkingDayCalendar {
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
