//! The calendar file format and the shipped holiday data.
//!
//! One format serves the shipped data (`core/data/calendar/*.csv`, embedded
//! at build time) and the user's own calendar files loaded at run time, so
//! that a user can copy a shipped file as a template for next year's notice.
//!
//! ```text
//! # shuangsui calendar 1
//! # region: cn
//! # covers: 2027
//! # source: 国务院办公厅关于2027年部分节假日安排的通知（…）
//! date,kind,name,notice
//! 2027-01-01,off,元旦,国办发明电〔2026〕…号
//! 2027-02-06,work,春节,国办发明电〔2026〕…号
//! ```
//!
//! Lines starting with `#` are comments; a comment of the form
//! `# key: value` (ASCII key, ASCII colon) is a directive. `region` says
//! which layer the file belongs to (`cn` for the national arrangement, else
//! a region id such as `xinjiang`); `covers` lists the years whose every day
//! off and make-up working day the file states (or `none`). The table has the
//! columns `date`, `kind` (`off` = 放假, `work` = 调休上班, `cancel` =
//! 取消调休: a regional file takes back a national make-up working day, the
//! day reverts to its weekday) and `name`, and an optional `notice`. See
//! SPEC.md §16. `shuangsui calendar import` writes such a file from the
//! text of the notice itself (SPEC §16.7).

use std::collections::BTreeSet;

use serde::Serialize;

use super::date::Date;
use crate::{Error, ErrorKind, Location, Result};

/// Whether an entry makes a day a day off or a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// 放假: a day off, whatever its weekday.
    Off,
    /// 调休上班: a working day, whatever its weekday.
    Work,
    /// 取消调休: a regional file cancels the national make-up working day
    /// of that date, which reverts to its weekday (SPEC §16.2). Loading it
    /// over a layer without a make-up working day there is an error.
    Cancel,
}

/// One row of a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarEntry {
    /// The day.
    pub date: Date,
    /// Off or working.
    pub kind: EntryKind,
    /// The holiday the row belongs to (`春节`, `古尔邦节`).
    pub name: String,
    /// The notice that fixed it (`国办发明电〔2025〕7号`); may be empty.
    pub notice: String,
}

/// The directives of a calendar file's text: (0-based line, lower-case
/// key, trimmed value) of each comment `# key: value` with an ASCII key.
fn directives(text: &str) -> impl Iterator<Item = (usize, String, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let comment = line.trim_start().strip_prefix('#')?;
        let (key, value) = comment.split_once(':')?;
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        Some((i, key.to_ascii_lowercase(), value.trim()))
    })
}

/// The `# source:` directive of a calendar file's text (the notice it
/// was written from), if it has one.
pub(crate) fn source_directive(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    directives(text)
        .find(|(_, key, value)| key == "source" && !value.is_empty())
        .map(|(_, _, value)| value.to_string())
}

/// A parsed calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    /// The name the file was loaded under (for messages).
    pub source: String,
    /// `cn` for the national arrangement, else a region id (lower case).
    pub region: String,
    /// The years this file states completely.
    pub covers: BTreeSet<i32>,
    /// The rows, in file order.
    pub entries: Vec<CalendarEntry>,
}

/// The national layer's region id.
pub const NATIONAL: &str = "cn";

macro_rules! shipped {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../../data/calendar/", $file)))),*]
    };
}

/// The shipped calendar files: (file name, contents).
pub(crate) const SHIPPED: &[(&str, &str)] = shipped!(
    "cn-2018.csv",
    "cn-2019.csv",
    "cn-2020.csv",
    "cn-2021.csv",
    "cn-2022.csv",
    "cn-2023.csv",
    "cn-2024.csv",
    "cn-2025.csv",
    "cn-2026.csv",
    "xinjiang-2022.csv",
    "xinjiang-2023.csv",
    "xinjiang-2024.csv",
    "xinjiang-2025.csv",
    "xinjiang-2026.csv",
);

/// A region the shipped data or the documentation knows by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionInfo {
    /// The id used in files and on the command line (`xinjiang`).
    pub id: &'static str,
    /// The Chinese name (`新疆维吾尔自治区`).
    pub name_zh: &'static str,
    /// The English name, for the page in English.
    pub name_en: &'static str,
    /// The regional holidays the overlay adds.
    pub holidays: &'static str,
}

/// The English names of the holidays the shipped calendars and the regions
/// name (SPEC §16.1), for the page in English.
const HOLIDAYS_EN: &[(&str, &str)] = &[
    ("元旦", "New Year's Day"),
    ("春节", "Spring Festival"),
    ("清明节", "Qingming Festival"),
    ("劳动节", "Labour Day"),
    ("端午节", "Dragon Boat Festival"),
    ("中秋节", "Mid-Autumn Festival"),
    ("国庆节", "National Day"),
    ("肉孜节", "Eid al-Fitr (Rozi)"),
    ("开斋节", "Eid al-Fitr"),
    ("古尔邦节", "Eid al-Adha (Corban)"),
    ("藏历新年", "Tibetan New Year"),
    ("雪顿节", "Shoton Festival"),
    ("壮族三月三", "Zhuang Sanyuesan Festival"),
];

/// A holiday's name in English: `春节` → `Spring Festival`, a joint name
/// `中秋节、国庆节` → `Mid-Autumn Festival, National Day`, `春节（延长）` →
/// `Spring Festival (extended)`. None for a name not known here (a user's
/// calendar file may name any holiday: it is then shown as written).
pub fn holiday_name_en(name: &str) -> Option<String> {
    let parts = name.split('、').map(|part| {
        let (base, extended) = match part.trim().strip_suffix("（延长）") {
            Some(b) => (b, true),
            None => (part.trim(), false),
        };
        let en = HOLIDAYS_EN.iter().find(|(zh, _)| *zh == base)?.1;
        Some(if extended {
            format!("{en} (extended)")
        } else {
            en.to_string()
        })
    });
    parts.collect::<Option<Vec<_>>>().map(|v| v.join(", "))
}

/// Regions with an overlay. Xinjiang ships data; the others are known names
/// whose data a user supplies in a calendar file with `# region: ID`.
pub const REGIONS: &[RegionInfo] = &[
    RegionInfo {
        id: "xinjiang",
        name_zh: "新疆维吾尔自治区",
        name_en: "Xinjiang Uygur Autonomous Region",
        holidays: "肉孜节、古尔邦节",
    },
    RegionInfo {
        id: "ningxia",
        name_zh: "宁夏回族自治区",
        name_en: "Ningxia Hui Autonomous Region",
        holidays: "开斋节、古尔邦节",
    },
    RegionInfo {
        id: "xizang",
        name_zh: "西藏自治区",
        name_en: "Tibet Autonomous Region",
        holidays: "藏历新年、雪顿节",
    },
    RegionInfo {
        id: "guangxi",
        name_zh: "广西壮族自治区",
        name_en: "Guangxi Zhuang Autonomous Region",
        holidays: "壮族三月三",
    },
];

/// Whether a text is a calendar file, as [`parse_calendar_file`] reads
/// one: its first line that is not a comment is a header naming the
/// `date` and `kind` columns.
pub(crate) fn is_calendar_text(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(header) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let cells: Vec<&str> = header.split(',').map(str::trim).collect();
    let has = |name: &str| cells.iter().any(|c| c.eq_ignore_ascii_case(name));
    has("date") && has("kind")
}

/// Reads a calendar file.
///
/// `source` is the name used in error messages (the file name as the user
/// gave it).
///
/// # Errors
///
/// - [`ErrorKind::Csv`] when the table is malformed;
/// - [`ErrorKind::MissingColumn`] when `date`, `kind` or `name` is missing;
/// - [`ErrorKind::InvalidValue`] for a bad `kind`, a bad or missing
///   `covers`/`region` directive, or the same date twice;
/// - [`ErrorKind::InvalidDate`] for a bad date.
///
/// Each error names the file, and the row (1-based, counting every line of
/// the file) and column where the problem sits.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::parse_calendar_file;
/// let f = parse_calendar_file(
///     "my-2027.csv",
///     "# covers: 2027\ndate,kind,name\n2027-01-01,off,元旦\n",
/// )?;
/// assert_eq!(f.region, "cn");
/// assert!(f.covers.contains(&2027));
/// assert_eq!(f.entries.len(), 1);
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn parse_calendar_file(source: &str, text: &str) -> Result<CalendarFile> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut region: Option<String> = None;
    let mut covers: Option<BTreeSet<i32>> = None;
    let at_line = |line: usize| Location {
        file: Some(source.to_string()),
        row: Some(line as u64),
        column: None,
    };
    for (i, key, value) in directives(text) {
        match key.as_str() {
            "region" => {
                let id = value.to_ascii_lowercase();
                if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!(
                            "region \"{value}\" is not a region id; write `# region: cn` for the national arrangement or a lower-case id such as `xinjiang`"
                        ), format!(
                            "地区“{value}”不是地区代号；全国安排请写 `# region: cn`，地方安排请写小写代号，如 `xinjiang`"
                        ))
                    .at(at_line(i + 1)));
                }
                region = Some(id);
            }
            "covers" => {
                let mut years = BTreeSet::new();
                if !value.eq_ignore_ascii_case("none") {
                    for part in value
                        .split([',', ' ', '，', '、'])
                        .filter(|p| !p.is_empty())
                    {
                        let year: i32 = part
                            .parse()
                            .ok()
                            .filter(|y| (1..=9999).contains(y))
                            .ok_or_else(|| {
                                Error::new(
                                    ErrorKind::InvalidValue,
                                    format!(
                                        "`# covers:` lists \"{part}\", which is not a year; write e.g. `# covers: 2027` or `# covers: none`"
                                    ), format!(
                                        "`# covers:` 中的“{part}”不是年份；请写成 `# covers: 2027` 或 `# covers: none`"
                                    ))
                                .at(at_line(i + 1))
                            })?;
                        years.insert(year);
                    }
                }
                covers = Some(years);
            }
            _ => {}
        }
    }
    let covers = covers.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidValue,
            "the calendar file does not say which years it covers: add a line `# covers: YEAR` \
             (the years whose every day off and make-up working day the file lists), \
             or `# covers: none` for a file that only changes single days", "日历文件没有写明覆盖哪些年份：请加一行 `# covers: 年份`（该文件列出了这些年份的全部放假日和调休上班日），\
             只修改个别日期的文件请写 `# covers: none`")
        .in_file(source)
    })?;
    let region = region.unwrap_or_else(|| NATIONAL.to_string());

    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line());
        Error::new(
            ErrorKind::Csv,
            format!("the calendar table is malformed: {e}"),
            format!("日历表格式有误：{e}"),
        )
        .at(Location {
            file: Some(source.to_string()),
            row: line,
            column: None,
        })
    };
    let headers = reader.headers().map_err(csv_err)?.clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let missing = |name: &str| {
        Error::new(
            ErrorKind::MissingColumn,
            format!("the calendar table has no `{name}` column; its header must be `date,kind,name,notice`"), format!("日历表缺少 `{name}` 列；表头应为 `date,kind,name,notice`"))
        .in_file(source)
    };
    let col_date = find("date").ok_or_else(|| missing("date"))?;
    let col_kind = find("kind").ok_or_else(|| missing("kind"))?;
    let col_name = find("name").ok_or_else(|| missing("name"))?;
    let col_notice = find("notice");

    let mut entries: Vec<CalendarEntry> = Vec::new();
    let mut seen = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let at = |column: &str| Location {
            file: Some(source.to_string()),
            row: Some(line),
            column: Some(column.to_string()),
        };
        let get = |i: usize| record.get(i).unwrap_or("");
        let date = Date::parse(get(col_date)).map_err(|e| e.at(at("date")))?;
        let kind = match get(col_kind).to_ascii_lowercase().as_str() {
            "off" | "休" | "放假" => EntryKind::Off,
            "work" | "班" | "上班" => EntryKind::Work,
            "cancel" | "取消调休" => EntryKind::Cancel,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("kind \"{other}\" is neither `off` (放假), `work` (调休上班) nor `cancel` (取消调休)"),
                    format!("类型“{other}”既不是 `off`（放假）、`work`（调休上班），也不是 `cancel`（取消调休）"),
                )
                .at(at("kind")))
            }
        };
        if !seen.insert(date) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("{date} is listed twice"),
                format!("{date} 列出了两次"),
            )
            .at(at("date")));
        }
        entries.push(CalendarEntry {
            date,
            kind,
            name: get(col_name).to_string(),
            notice: col_notice.map(get).unwrap_or("").to_string(),
        });
    }
    Ok(CalendarFile {
        source: source.to_string(),
        region,
        covers,
        entries,
    })
}

#[cfg(test)]
mod tests {
    /// Every holiday name the shipped files use has an English name.
    #[test]
    fn every_shipped_holiday_has_an_english_name() {
        for (name, text) in SHIPPED {
            for e in parse_calendar_file(name, text).unwrap().entries {
                assert!(super::holiday_name_en(&e.name).is_some(), "{}", e.name);
            }
        }
        for r in REGIONS {
            for h in r.holidays.split('、') {
                assert!(super::holiday_name_en(h).is_some(), "{h}");
            }
        }
        assert_eq!(
            super::holiday_name_en("中秋节、国庆节").as_deref(),
            Some("Mid-Autumn Festival, National Day")
        );
        assert_eq!(
            super::holiday_name_en("春节（延长）").as_deref(),
            Some("Spring Festival (extended)")
        );
        assert_eq!(super::holiday_name_en("本地节日"), None);
    }

    use super::*;

    #[test]
    fn every_shipped_file_parses_and_covers_its_year() {
        for (name, text) in SHIPPED {
            let f = parse_calendar_file(name, text).unwrap();
            let year: i32 = name
                .trim_end_matches(".csv")
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(f.covers, BTreeSet::from([year]), "{name}");
            assert!(name.starts_with(&format!("{}-", f.region)), "{name}");
            for e in &f.entries {
                assert!(
                    !e.name.is_empty() && !e.notice.is_empty(),
                    "{name} {}",
                    e.date
                );
                // A file may reach into late December of the year before
                // (元旦 spans), never further.
                assert!(
                    e.date.year() == year || (e.date.year() == year - 1 && e.date.month() == 12),
                    "{name} {}",
                    e.date
                );
                // Only weekend days can be make-up working days, and a day
                // off listed on a weekend is always inside a holiday span.
                if e.kind == EntryKind::Work {
                    assert!(e.date.weekday().is_weekend(), "{name} {}", e.date);
                }
            }
        }
    }

    #[test]
    fn errors_name_file_row_and_column() {
        let e = parse_calendar_file(
            "u.csv",
            "# covers: 2027\ndate,kind,name\n2027-01-01,off,元旦\n2027-02-30,off,春节\n",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidDate);
        let loc = e.location().unwrap();
        assert_eq!(loc.file.as_deref(), Some("u.csv"));
        assert_eq!(loc.row, Some(4));
        assert_eq!(loc.column.as_deref(), Some("date"));

        let e = parse_calendar_file("u.csv", "date,kind,name\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e.message().contains("# covers:"));

        let e = parse_calendar_file(
            "u.csv",
            "# covers: 2027\ndate,kind,name\n2027-01-01,rest,元旦\n",
        )
        .unwrap_err();
        assert_eq!(e.location().unwrap().column.as_deref(), Some("kind"));

        let e = parse_calendar_file("u.csv", "# covers: 2027\ndate,name\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingColumn);

        let e = parse_calendar_file(
            "u.csv",
            "# covers: 2027\ndate,kind,name\n2027-01-01,off,a\n2027-01-01,work,b\n",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert_eq!(e.location().unwrap().row, Some(4));
    }
}
