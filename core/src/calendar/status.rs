//! What the calendar covers, and what that means near its end (SPEC §16.1,
//! §16.4): `calendar status` and the note a deadline near the end carries.
//!
//! Each year's holidays come from a notice published late in the year
//! before (2022-12-08, 2023-10-25, 2024-11-12, 2025-11-04), so the
//! calendar always ends about a year ahead: from November of its last year
//! the next notice is due, and a deadline that ends in that December may
//! still move when it is added (the 2019 notice made 2018-12-29 a working
//! day and 2018-12-30/31 days off).

use std::collections::BTreeSet;

use serde::Serialize;

use super::count::Deadline;
use super::data::{parse_calendar_file, source_directive, NATIONAL, REGIONS, SHIPPED};
use super::date::Date;
use super::days::{UserCalendar, WorkingDayCalendar};
use crate::Result;

/// A deadline near the end of the calendar (SPEC §16.4): its due date lies
/// in December of a covered year whose next year the calendar does not
/// cover, so the next year's notice can still move it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeNote {
    /// The year whose notice can move the deadline.
    pub next_year: i32,
    /// The note in English.
    pub en: String,
    /// The note in Chinese.
    pub zh: String,
}

impl WorkingDayCalendar {
    /// The note of a deadline near the end of the covered range, `None`
    /// for a deadline well inside it (SPEC §16.4): the due date in
    /// December of a year after which the calendar covers nothing.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, Period, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?; // 2018–2026
    /// let late = cal.deadline(Date::parse("2026-12-14")?, Period::WorkingDays(7))?;
    /// assert_eq!(cal.edge_note(&late).unwrap().next_year, 2027);
    /// let june = cal.deadline(Date::parse("2026-06-01")?, Period::WorkingDays(7))?;
    /// assert!(cal.edge_note(&june).is_none());
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn edge_note(&self, deadline: &Deadline) -> Option<EdgeNote> {
        let due = deadline.due;
        let next_year = due.year() + 1;
        if due.month() != 12 || self.covers(next_year) {
            return None;
        }
        Some(EdgeNote {
            next_year,
            en: format!(
                "This deadline is near the end of the calendar's range: once the holiday notice for \
                 {next_year} is published (usually between October and December), the deadline may \
                 change; compute it again then."
            ),
            zh: format!(
                "该期限临近日历覆盖范围末尾：{next_year}年的节假日安排通知发布后（通常在10月至12月），\
                 期限可能改变，请届时重新计算"
            ),
        })
    }
}

/// One file that states a year, as `calendar status` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearSource {
    /// The file's name (`cn-2026.csv`, or the user's file as given).
    pub file: String,
    /// True for a file shipped with shuangsui, false for the user's.
    pub shipped: bool,
    /// The file's `# source:` line: the notice it was written from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One covered year of a layer and the files that state it, in layer
/// order (a later file's rows win).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveredYear {
    /// The year.
    pub year: i32,
    /// The files that cover it.
    pub sources: Vec<YearSource>,
}

/// A layer of the calendar: the national arrangement or one region's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerStatus {
    /// `cn` or the region id.
    pub region: String,
    /// The layer's name in Chinese (`全国`, `新疆维吾尔自治区`).
    pub name_zh: String,
    /// The layer's name in English.
    pub name_en: String,
    /// The years it covers, ascending.
    pub years: Vec<CoveredYear>,
}

/// What `calendar status` says about a layer on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusNoteKind {
    /// From 1 November of the last covered year (and in any later year):
    /// the next year's notice is due or published and should be imported.
    ImportNext,
    /// Today lies in a year the layer does not cover: every deadline that
    /// touches it fails (待补日历 in the ledger) until it is imported.
    TodayUncovered,
}

/// A line of `calendar status` about what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusNote {
    /// Which note.
    pub kind: StatusNoteKind,
    /// The layer it is about (`cn` or a region id).
    pub region: String,
    /// The year to import.
    pub year: i32,
    /// The note in English; where to give the file is the adapter's.
    pub en: String,
    /// The note in Chinese.
    pub zh: String,
}

/// The calendar's coverage on a day (`shuangsui calendar status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarStatus {
    /// The day the status is for.
    pub today: Date,
    /// The layers: national first, then the chosen region or, with none
    /// chosen, every region that has data.
    pub layers: Vec<LayerStatus>,
    /// What to do, in layer order.
    pub notes: Vec<StatusNote>,
}

/// The coverage of the shipped calendar files and the user's on `today`,
/// for `region` (`None`: the national layer and every region that has
/// data). User files are checked as [`WorkingDayCalendar::load`] checks
/// them.
///
/// # Errors
///
/// As [`WorkingDayCalendar::load`]: a malformed user file, an unknown
/// region, a user file of another region.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::{calendar_status, Date};
/// let s = calendar_status(None, &[], Date::parse("2026-12-03")?)?;
/// assert_eq!(s.layers[0].region, "cn");
/// assert_eq!(s.layers[0].years.last().unwrap().year, 2026);
/// assert_eq!(s.notes[0].year, 2027); // from 1 November: import 2027
/// assert!(calendar_status(None, &[], Date::parse("2026-06-01")?)?.notes.is_empty());
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn calendar_status(
    region: Option<&str>,
    user: &[UserCalendar<'_>],
    today: Date,
) -> Result<CalendarStatus> {
    // The same checks as a calendar in use (files, region).
    WorkingDayCalendar::load(region, user)?;
    let region = region
        .map(|r| r.trim().to_ascii_lowercase())
        .filter(|r| r != NATIONAL && !r.is_empty());
    let mut files = Vec::new();
    for (name, text) in SHIPPED {
        files.push((
            parse_calendar_file(name, text)?,
            true,
            source_directive(text),
        ));
    }
    for u in user {
        files.push((
            parse_calendar_file(u.name, u.text)?,
            false,
            source_directive(u.text),
        ));
    }
    let mut ids: Vec<String> = vec![NATIONAL.to_string()];
    match &region {
        Some(r) => ids.push(r.clone()),
        None => {
            let with_data: BTreeSet<&str> = files
                .iter()
                .map(|(f, _, _)| f.region.as_str())
                .filter(|r| *r != NATIONAL)
                .collect();
            ids.extend(with_data.into_iter().map(str::to_string));
        }
    }
    let mut layers = Vec::new();
    let mut notes = Vec::new();
    for id in ids {
        let mine: Vec<_> = files.iter().filter(|(f, _, _)| f.region == id).collect();
        let covered: BTreeSet<i32> = mine.iter().flat_map(|(f, _, _)| f.covers.clone()).collect();
        let years = covered
            .iter()
            .map(|&year| CoveredYear {
                year,
                sources: mine
                    .iter()
                    .filter(|(f, _, _)| f.covers.contains(&year))
                    .map(|(f, shipped, source)| YearSource {
                        file: f.source.clone(),
                        shipped: *shipped,
                        source: source.clone(),
                    })
                    .collect(),
            })
            .collect();
        let info = REGIONS.iter().find(|r| r.id == id);
        let (name_zh, name_en) = if id == NATIONAL {
            ("全国".to_string(), "National".to_string())
        } else {
            (
                info.map_or(id.clone(), |i| i.name_zh.to_string()),
                info.map_or(id.clone(), |i| i.name_en.to_string()),
            )
        };
        notes.extend(layer_notes(&id, &name_zh, &name_en, &covered, today));
        layers.push(LayerStatus {
            region: id,
            name_zh,
            name_en,
            years,
        });
    }
    Ok(CalendarStatus {
        today,
        layers,
        notes,
    })
}

/// The notes of one layer: import the next year from 1 November of the
/// last covered year; today in an uncovered year.
fn layer_notes(
    id: &str,
    name_zh: &str,
    name_en: &str,
    covered: &BTreeSet<i32>,
    today: Date,
) -> Vec<StatusNote> {
    let Some(&last) = covered.last() else {
        return Vec::new();
    };
    let next = last + 1;
    let mut notes = Vec::new();
    let national = id == NATIONAL;
    let from_november = today.year() > last || (today.year() == last && today.month() >= 11);
    if from_november {
        let (en, zh) = if national {
            (
                format!(
                    "The State Council's holiday notice for {next} is usually published between October \
                     and December; once it is, import it into the calendar."
                ),
                format!("{next}年的节假日安排通知通常在10月至12月发布；发布后请导入日历。"),
            )
        } else {
            (
                format!(
                    "The {name_en} holidays of {next} are fixed by the regional government's holiday \
                     notice, usually at the end of the year before; once it is published, add them to \
                     the calendar."
                ),
                format!(
                    "{name_zh}{next}年的地方节日放假日期由当地政府的节假日安排通知确定，通常在上一年年底发布；\
                     发布后请补充到日历中。"
                ),
            )
        };
        notes.push(StatusNote {
            kind: StatusNoteKind::ImportNext,
            region: id.to_string(),
            year: next,
            en,
            zh,
        });
    }
    let year = today.year();
    if !covered.contains(&year) && year > covered.first().copied().unwrap_or(year) {
        let (en, zh) = if national {
            (
                format!(
                    "Today ({today}) is in {year}, which the calendar does not cover: every deadline \
                     that reaches {year} fails, and such ledger cases wait for the calendar, \
                     until the notice for {year} is imported."
                ),
                format!(
                    "今天（{today}）在{year}年，日历尚未包含该年：导入{year}年的节假日安排通知之前，\
                     凡涉及{year}年的期限都无法计算，台账中的相应案件显示为待补日历。"
                ),
            )
        } else {
            (
                format!(
                    "Today ({today}) is in {year}, which the {name_en} calendar does not cover: every \
                     deadline there that reaches {year} fails until its holidays of {year} are added."
                ),
                format!(
                    "今天（{today}）在{year}年，{name_zh}日历尚未包含该年：补充该年的地方节日之前，\
                     凡涉及{year}年的期限都无法计算。"
                ),
            )
        };
        notes.push(StatusNote {
            kind: StatusNoteKind::TodayUncovered,
            region: id.to_string(),
            year,
            en,
            zh,
        });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Period;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn edge_note_only_in_the_last_december() {
        let cal = WorkingDayCalendar::national().unwrap();
        let due = |start: &str, n: u32| cal.deadline(d(start), Period::WorkingDays(n)).unwrap();
        // Due 2026-12-01: the first day of the last December.
        let first = due("2026-11-20", 7);
        assert_eq!(first.due, d("2026-12-01"));
        let note = cal.edge_note(&first).unwrap();
        assert_eq!(note.next_year, 2027);
        assert!(note
            .zh
            .starts_with("该期限临近日历覆盖范围末尾：2027年的节假日安排通知发布后"));
        // Due 2026-11-30: not near.
        let before = due("2026-11-19", 7);
        assert_eq!(before.due, d("2026-11-30"));
        assert!(cal.edge_note(&before).is_none());
        // December 2025 is followed by a covered 2026: not near.
        assert!(cal.edge_note(&due("2025-12-20", 5)).is_none());
        // A user file covering 2027 moves the edge a year on.
        let next = "# covers: 2027\ndate,kind,name\n2027-01-01,off,元旦\n";
        let cal27 = WorkingDayCalendar::load(
            None,
            &[UserCalendar {
                name: "cn-2027.csv",
                text: next,
            }],
        )
        .unwrap();
        let dl = cal27
            .deadline(d("2026-12-14"), Period::WorkingDays(7))
            .unwrap();
        assert!(cal27.edge_note(&dl).is_none());
    }

    #[test]
    fn status_notes_by_day() {
        let kinds = |today: &str| -> Vec<(StatusNoteKind, String, i32)> {
            calendar_status(None, &[], d(today))
                .unwrap()
                .notes
                .into_iter()
                .map(|n| (n.kind, n.region, n.year))
                .collect()
        };
        assert!(kinds("2026-10-31").is_empty());
        assert_eq!(
            kinds("2026-11-01"),
            [
                (StatusNoteKind::ImportNext, "cn".to_string(), 2027),
                (StatusNoteKind::ImportNext, "xinjiang".to_string(), 2027)
            ]
        );
        assert_eq!(
            kinds("2027-01-04"),
            [
                (StatusNoteKind::ImportNext, "cn".to_string(), 2027),
                (StatusNoteKind::TodayUncovered, "cn".to_string(), 2027),
                (StatusNoteKind::ImportNext, "xinjiang".to_string(), 2027),
                (StatusNoteKind::TodayUncovered, "xinjiang".to_string(), 2027)
            ]
        );
        // Before the first covered year there is nothing to import next.
        assert!(kinds("2017-06-01").is_empty());
    }

    #[test]
    fn status_lists_years_with_their_sources() {
        let next = "# covers: 2027\n# source: 测试通知\ndate,kind,name\n2027-01-01,off,元旦\n";
        let s = calendar_status(
            None,
            &[UserCalendar {
                name: "cn-2027.csv",
                text: next,
            }],
            d("2026-12-03"),
        )
        .unwrap();
        let cn = &s.layers[0];
        let years: Vec<i32> = cn.years.iter().map(|y| y.year).collect();
        assert_eq!(years, (2018..=2027).collect::<Vec<_>>());
        let y26 = &cn.years[8].sources[0];
        assert_eq!((y26.file.as_str(), y26.shipped), ("cn-2026.csv", true));
        assert!(y26
            .source
            .as_deref()
            .unwrap()
            .contains("国办发明电〔2025〕7号"));
        let y27 = &cn.years[9].sources[0];
        assert_eq!(
            (y27.file.as_str(), y27.shipped, y27.source.as_deref()),
            ("cn-2027.csv", false, Some("测试通知"))
        );
        assert_eq!(s.layers[1].region, "xinjiang");
        // 2027 imported: only Xinjiang's 2027 is still to come.
        assert_eq!(s.notes.len(), 1);
        assert_eq!(s.notes[0].region, "xinjiang");
        // With a region chosen: national and that region only.
        let ningxia = "# region: ningxia\n# covers: 2026\ndate,kind,name\n2026-03-20,off,开斋节\n";
        let s = calendar_status(
            Some("ningxia"),
            &[UserCalendar {
                name: "ningxia-2026.csv",
                text: ningxia,
            }],
            d("2026-06-01"),
        )
        .unwrap();
        let ids: Vec<&str> = s.layers.iter().map(|l| l.region.as_str()).collect();
        assert_eq!(ids, ["cn", "ningxia"]);
        assert_eq!(s.layers[1].name_zh, "宁夏回族自治区");
    }
}
