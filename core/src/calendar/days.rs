//! The working-day calendar: which days are working days (工作日).
//!
//! A [`WorkingDayCalendar`] stacks layers of [`CalendarFile`]s: the shipped
//! national arrangement, the shipped overlay of one region if one is chosen,
//! then the user's own files in the order given. A later layer's row for a
//! date replaces an earlier one. A day no row names is a working day from
//! Monday to Friday and a day off on Saturday and Sunday, but only in a year
//! the calendar *covers*: every other year is an error, never a guess.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::data::{
    parse_calendar_file, CalendarFile, EntryKind, RegionInfo, NATIONAL, REGIONS, SHIPPED,
};
use super::date::{Date, Weekday};
use crate::{Error, ErrorKind, Result};

/// What kind of day a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day, Monday to Friday.
    Working,
    /// An ordinary Saturday or Sunday (公休日).
    Weekend,
    /// A day off by a holiday notice (放假), on any weekday.
    HolidayOff,
    /// A Saturday or Sunday made a working day by a notice (调休上班).
    MakeUpWorking,
}

impl DayKind {
    /// True for [`DayKind::Working`] and [`DayKind::MakeUpWorking`].
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Working | DayKind::MakeUpWorking)
    }
}

/// One date with its kind and, for notice days, the holiday's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// The date.
    pub date: Date,
    /// The weekday.
    pub weekday: Weekday,
    /// Working, weekend, holiday off or make-up working day.
    pub kind: DayKind,
    /// The holiday (`国庆节`) for holiday-off and make-up days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The notice that fixed the day (`国办发明电〔2025〕7号`), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl Day {
    /// True when people work that day.
    pub fn is_working(&self) -> bool {
        self.kind.is_working()
    }
}

/// A user's calendar file handed in as text: its name (for messages) and
/// its contents, in the format of SPEC.md §16.
#[derive(Debug, Clone, Copy)]
pub struct UserCalendar<'a> {
    /// The file name as the user gave it.
    pub name: &'a str,
    /// The file's contents.
    pub text: &'a str,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: EntryKind,
    name: String,
    notice: String,
}

/// The official working-day calendar (工作日历) of China, or of one region.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::{Date, DayKind, WorkingDayCalendar};
///
/// let cal = WorkingDayCalendar::national()?;
/// let day = cal.day(Date::parse("2026-02-14")?)?;
/// assert_eq!(day.kind, DayKind::MakeUpWorking);
/// assert_eq!(day.name.as_deref(), Some("春节"));
///
/// // 2017 is not shipped: an error, not a weekends-only guess.
/// assert!(cal.day(Date::parse("2017-06-01")?).is_err());
/// # Ok::<(), shuangsui::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct WorkingDayCalendar {
    region: Option<String>,
    entries: BTreeMap<Date, Entry>,
    national_covers: BTreeSet<i32>,
    region_covers: BTreeSet<i32>,
    sources: Vec<String>,
    /// Working days counted from `first` (a day number, SPEC §16.3 rule 3
    /// and the entries) through each day of the covered span: the count
    /// between two dates is a subtraction, not a walk over every day (a
    /// ledger of a million cases asks it a million times).
    prefix: Vec<u32>,
    first: i64,
}

impl WorkingDayCalendar {
    /// The shipped national calendar (years 2018–2026).
    ///
    /// # Errors
    ///
    /// None in practice: the shipped files are checked by the test suite.
    /// The `Result` is kept so that a damaged build reports rather than
    /// panics.
    pub fn national() -> Result<WorkingDayCalendar> {
        WorkingDayCalendar::load(None, &[])
    }

    /// The calendar of `region` (`None` or `Some("cn")` for the national
    /// one), with the user's calendar files laid over the shipped data in
    /// the order given.
    ///
    /// A user file without a `# region:` line belongs to the national layer;
    /// one with `# region: ID` must name the chosen region. A region that no
    /// shipped file has (e.g. `ningxia`) is accepted when a user file
    /// supplies it.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidValue`] for an unknown region, a user file
    ///   of another region than the chosen one, or a `cancel` row (取消调休)
    ///   on a date where the layers below have no make-up working day;
    /// - any error of [`parse_calendar_file`](super::parse_calendar_file)
    ///   for a malformed user file.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, UserCalendar, WorkingDayCalendar};
    ///
    /// let next_year = "# covers: 2027\ndate,kind,name\n2027-01-01,off,元旦\n";
    /// let cal = WorkingDayCalendar::load(
    ///     Some("xinjiang"),
    ///     &[UserCalendar { name: "cn-2027.csv", text: next_year }],
    /// )?;
    /// // The national 2027 file alone does not cover Xinjiang's 2027.
    /// assert!(cal.day(Date::parse("2027-03-01")?).is_err());
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn load(region: Option<&str>, user: &[UserCalendar<'_>]) -> Result<WorkingDayCalendar> {
        let region = region
            .map(|r| r.trim().to_ascii_lowercase())
            .filter(|r| r != NATIONAL && !r.is_empty());
        let user_files = user
            .iter()
            .map(|u| parse_calendar_file(u.name, u.text))
            .collect::<Result<Vec<_>>>()?;
        for f in &user_files {
            if f.region != NATIONAL && Some(&f.region) != region.as_ref() {
                let (chosen, chosen_zh) = match &region {
                    Some(r) => (
                        format!("the calendar is for region `{r}`"),
                        format!("所选日历为地区 `{r}`"),
                    ),
                    None => (
                        "no region was chosen".to_string(),
                        "没有选择地区".to_string(),
                    ),
                };
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "this file is for region `{}` but {chosen}; choose region `{}` or remove its `# region:` line",
                        f.region, f.region
                    ), format!(
                        "该文件适用于地区 `{}`，但{chosen_zh}；请选择地区 `{}`，或删除文件中的 `# region:` 行",
                        f.region, f.region
                    ))
                .in_file(&f.source));
            }
        }
        let shipped = SHIPPED
            .iter()
            .map(|(name, text)| parse_calendar_file(name, text))
            .collect::<Result<Vec<_>>>()?;
        if let Some(r) = &region {
            let known = REGIONS.iter().any(|k| k.id == r)
                || shipped.iter().chain(&user_files).any(|f| &f.region == r);
            if !known {
                let ids: Vec<&str> = REGIONS.iter().map(|k| k.id).collect();
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "unknown region `{r}`; known regions: {} (or supply a calendar file with `# region: {r}`)",
                        ids.join(", ")
                    ), format!(
                        "未知的地区 `{r}`；已知地区：{}（或提供含 `# region: {r}` 的日历文件）",
                        ids.join("、")
                    )));
            }
        }
        let mut cal = WorkingDayCalendar {
            region: region.clone(),
            entries: BTreeMap::new(),
            national_covers: BTreeSet::new(),
            region_covers: BTreeSet::new(),
            sources: Vec::new(),
            prefix: Vec::new(),
            first: 0,
        };
        let layers = shipped
            .iter()
            .filter(|f| f.region == NATIONAL)
            .chain(
                shipped
                    .iter()
                    .filter(|f| Some(&f.region) == region.as_ref()),
            )
            .chain(&user_files);
        for f in layers {
            cal.add_layer(f)?;
        }
        cal.count_working_days();
        Ok(cal)
    }

    /// Fills `prefix` over the years from the first covered to the last.
    fn count_working_days(&mut self) {
        let years = self.covered_years();
        let (Some(&lo), Some(&hi)) = (years.first(), years.last()) else {
            return;
        };
        let (Ok(from), Ok(to)) = (Date::new(lo, 1, 1), Date::new(hi, 12, 31)) else {
            return;
        };
        self.first = from.to_days();
        let mut n = 0u32;
        let mut d = from;
        self.prefix = Vec::with_capacity((to.to_days() - self.first + 1).max(0) as usize);
        loop {
            if self.kind_of(d).is_working() {
                n += 1;
            }
            self.prefix.push(n);
            if d >= to {
                break;
            }
            d = d.succ();
        }
    }

    /// The kind of a day of a covered year, without its names.
    fn kind_of(&self, date: Date) -> DayKind {
        let weekday = date.weekday();
        match self.entries.get(&date).map(|e| e.kind) {
            Some(EntryKind::Off) => DayKind::HolidayOff,
            Some(EntryKind::Work) if weekday.is_weekend() => DayKind::MakeUpWorking,
            Some(EntryKind::Work) => DayKind::Working,
            // Cancel rows are taken out when their layer is added.
            Some(EntryKind::Cancel) | None if weekday.is_weekend() => DayKind::Weekend,
            Some(EntryKind::Cancel) | None => DayKind::Working,
        }
    }

    /// Working days d with `a` < d ≤ `b` (`a` < `b`), by the prefix counts
    /// when both lie in the span they cover; `None` otherwise. The caller
    /// has checked that the years of those days are covered.
    pub(crate) fn counted_between(&self, a: Date, b: Date) -> Option<i64> {
        let at = |d: Date| -> Option<i64> {
            let i = d.to_days() - self.first;
            if i == -1 {
                Some(0)
            } else {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.prefix.get(i))
                    .map(|&n| i64::from(n))
            }
        };
        Some(at(b)? - at(a)?)
    }

    fn add_layer(&mut self, f: &CalendarFile) -> Result<()> {
        if f.region == NATIONAL {
            self.national_covers.extend(&f.covers);
        } else {
            self.region_covers.extend(&f.covers);
        }
        for e in &f.entries {
            if e.kind == EntryKind::Cancel {
                // 取消调休 (SPEC §16.2): only a make-up working day below can
                // be cancelled; the day reverts to its weekday.
                if self.entries.get(&e.date).map(|x| x.kind) != Some(EntryKind::Work) {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!(
                            "{} is marked `cancel` (取消调休), but the calendar under this file has no make-up working day on that date; remove the row, or load the national file that has it first",
                            e.date
                        ),
                        format!(
                            "{} 标为 `cancel`（取消调休），但下层日历在这一天没有调休上班日；请删除该行，或先加载含有该调休上班日的全国日历文件",
                            e.date
                        ),
                    )
                    .in_file(&f.source));
                }
                self.entries.remove(&e.date);
                continue;
            }
            self.entries.insert(
                e.date,
                Entry {
                    kind: e.kind,
                    name: e.name.clone(),
                    notice: e.notice.clone(),
                },
            );
        }
        self.sources.push(f.source.clone());
        Ok(())
    }

    /// The chosen region's id, `None` for the national calendar.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The names of the files the calendar was built from, in layer order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The years this calendar covers, ascending.
    pub fn covered_years(&self) -> Vec<i32> {
        match &self.region {
            None => self.national_covers.iter().copied().collect(),
            Some(_) => self
                .national_covers
                .intersection(&self.region_covers)
                .copied()
                .collect(),
        }
    }

    /// True when every day of `year` is known.
    pub fn covers(&self, year: i32) -> bool {
        self.national_covers.contains(&year)
            && (self.region.is_none() || self.region_covers.contains(&year))
    }

    /// True when the national layer covers `year` (whatever the region).
    pub(crate) fn national_covers_year(&self, year: i32) -> bool {
        self.national_covers.contains(&year)
    }

    /// The last year the national layer covers, if any.
    pub(crate) fn last_national_year(&self) -> Option<i32> {
        self.national_covers.last().copied()
    }

    /// Fails unless the calendar covers `year`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`], naming the year and saying how to
    /// supply it.
    pub fn check_covered(&self, year: i32) -> Result<()> {
        if self.covers(year) {
            return Ok(());
        }
        // Where to get the year and how to write it down; where to give the
        // file is the adapter's (the command line's option, the page's box).
        let how = format!(
            "The State Council's General Office publishes that notice each year, near the end of \
             the year before (www.gov.cn); write its days into a calendar file: a line \
             `# covers: {year}`, then one `date,kind,name,notice` row per day off and per make-up \
             working day. Working days are never guessed from weekends alone."
        );
        let how_zh = format!(
            "该通知由国务院办公厅每年年底前发布（可在中国政府网 www.gov.cn 查到）；请按通知写一个日历文件：\
             先写一行 `# covers: {year}`，再按 `date,kind,name,notice` 每个放假日和调休上班日写一行。\
             本程序不会只按周末推算工作日。"
        );
        let (en, zh) = if !self.national_covers.contains(&year) {
            let covered = year_list(&self.national_covers);
            (
                format!(
                    "the working-day calendar does not cover {year}: the State Council's holiday notice \
                     for {year} (国务院办公厅关于{year}年部分节假日安排的通知) is not in the calendar \
                     (covered: {covered}). {how}"
                ),
                format!(
                    "工作日日历不含 {year} 年：日历中没有《国务院办公厅关于{year}年部分节假日安排的通知》\
                     （已含年份：{}）。{how_zh}",
                    covered_zh(&covered)
                ),
            )
        } else {
            let r = self.region.as_deref().unwrap_or_default();
            let info = REGIONS.iter().find(|k| k.id == r);
            let (name, holidays) = info
                .map(|k: &RegionInfo| (k.name_zh, k.holidays))
                .unwrap_or((r, "regional holidays"));
            let holidays_zh = info.map_or("地方节日", |k| k.holidays);
            let covered = year_list(&self.region_covers);
            (
                format!(
                    "the {r} ({name}) calendar does not cover {year}: the dates of {holidays} that the \
                     regional government fixed for {year} are not in the calendar (covered: {covered}). \
                     Write them into a calendar file with `# region: {r}` and `# covers: {year}` then \
                     `date,kind,name,notice` rows."
                ),
                format!(
                    "{name}（{r}）日历不含 {year} 年：日历中没有当地政府确定的 {year} 年{holidays_zh}日期\
                     （已含年份：{}）。请写一个日历文件，写明 `# region: {r}` 和 `# covers: {year}`，\
                     再按 `date,kind,name,notice` 逐行列出。",
                    covered_zh(&covered)
                ),
            )
        };
        Err(Error::new(ErrorKind::CalendarUncovered, en, zh))
    }

    /// The kind of `date`, with the holiday's name on notice days.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] when the calendar does not cover the
    /// date's year.
    pub fn day(&self, date: Date) -> Result<Day> {
        self.check_covered(date.year())?;
        let weekday = date.weekday();
        Ok(match self.entries.get(&date) {
            Some(e) => Day {
                date,
                weekday,
                kind: self.kind_of(date),
                name: Some(e.name.clone()).filter(|n| !n.is_empty()),
                notice: Some(e.notice.clone()).filter(|n| !n.is_empty()),
            },
            None => Day {
                date,
                weekday,
                kind: if weekday.is_weekend() {
                    DayKind::Weekend
                } else {
                    DayKind::Working
                },
                name: None,
                notice: None,
            },
        })
    }

    /// True when `date` is a working day.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] as for [`WorkingDayCalendar::day`].
    pub fn is_working_day(&self, date: Date) -> Result<bool> {
        self.check_covered(date.year())?;
        Ok(self.kind_of(date).is_working())
    }
}

/// "2018–2026" or "2022, 2023, 2025" or "none".
/// [`year_list`]'s text for a Chinese sentence.
fn covered_zh(list: &str) -> String {
    if list == "none" {
        "无".to_string()
    } else {
        list.replace(", ", "、")
    }
}

fn year_list(years: &BTreeSet<i32>) -> String {
    let v: Vec<i32> = years.iter().copied().collect();
    if v.is_empty() {
        return "none".to_string();
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        parts.push(if j > i + 1 {
            format!("{}–{}", v[i], v[j])
        } else if j == i + 1 {
            format!("{}, {}", v[i], v[j])
        } else {
            v[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_lists() {
        assert_eq!(year_list(&BTreeSet::from([2018, 2019, 2020])), "2018–2020");
        assert_eq!(
            year_list(&BTreeSet::from([2022, 2023, 2025])),
            "2022, 2023, 2025"
        );
        assert_eq!(year_list(&BTreeSet::new()), "none");
    }

    #[test]
    fn prefix_counts_equal_a_walk_over_the_days() {
        for region in [None, Some("xinjiang")] {
            let cal = WorkingDayCalendar::load(region, &[]).unwrap();
            let years = cal.covered_years();
            let lo = Date::new(years[0], 1, 1).unwrap().to_days() - 3;
            let hi = Date::new(*years.last().unwrap(), 12, 31).unwrap().to_days() + 3;
            let mut x: u64 = 12345;
            let mut next = || {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                lo + ((x >> 33) as i64).rem_euclid(hi - lo + 1)
            };
            for _ in 0..3000 {
                let (a, b) = (Date::from_days(next()), Date::from_days(next()));
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                let walked: Result<i64> = (|| {
                    let mut n = 0;
                    let mut d = a;
                    while d < b {
                        d = d.succ();
                        if cal.day(d)?.is_working() {
                            n += 1;
                        }
                    }
                    Ok(n)
                })();
                let counted = cal.working_days_between(a, b);
                assert_eq!(counted.is_ok(), walked.is_ok(), "{a} {b}");
                if let (Ok(c), Ok(w)) = (counted, walked) {
                    assert_eq!(c, w, "{a} {b} {region:?}");
                    assert_eq!(cal.working_days_between(b, a).unwrap(), -w);
                }
            }
        }
    }

    #[test]
    fn later_layers_override() {
        let local = "# covers: none\ndate,kind,name\n2026-10-09,off,本地调整\n";
        let cal = WorkingDayCalendar::load(
            None,
            &[UserCalendar {
                name: "l.csv",
                text: local,
            }],
        )
        .unwrap();
        let d = cal.day(Date::new(2026, 10, 9).unwrap()).unwrap();
        assert_eq!(d.kind, DayKind::HolidayOff);
        assert_eq!(d.name.as_deref(), Some("本地调整"));
    }
}
