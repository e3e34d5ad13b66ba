//! Reading a holiday notice's text into a calendar file (SPEC §16.7).
//!
//! The State Council General Office's notice 国务院办公厅关于YYYY年部分节假日安排的通知
//! is the one source of a year's days off and make-up working days; the
//! clerk who needs next year's calendar has its text, not a CSV. This
//! module reads the text as published — title, 文号, numbered items such as
//! `二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。`,
//! 落款 date — and writes the calendar file of SPEC §16.2. It reads
//! completely or not at all: a sentence it does not understand, a weekday
//! that does not match its date, a `共N天` that does not match the span, a
//! missing item or a missing 落款 is an error naming the item, and no file
//! is produced.
//!
//! Three kinds of notice are read:
//!
//! - the yearly national notice (关于YYYY年部分节假日安排的通知);
//! - an amendment of it (关于调整YYYY年劳动节假期安排的通知, 关于延长YYYY年春节假期的通知),
//!   applied to the yearly notice given before it ([`import_notices`]);
//! - a regional government's notice (新疆维吾尔自治区人民政府办公厅关于…的通知),
//!   whose own festivals (肉孜节, 古尔邦节) become a `# region:` file, and
//!   whose departures from the national arrangement become `off`, `work`
//!   and `cancel` (取消调休) rows.

use std::collections::BTreeMap;

use serde::Serialize;

use super::data::{CalendarEntry, EntryKind, NATIONAL, REGIONS};
use super::date::{Date, Weekday};
use super::days::{UserCalendar, WorkingDayCalendar};
use super::grid::MonthGrid;
use crate::{Error, ErrorKind, Result};

/// What a notice is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "form", content = "holiday")]
pub enum NoticeForm {
    /// 关于YYYY年部分节假日安排的通知: every day off and make-up day of a year.
    Yearly,
    /// 关于调整YYYY年X假期安排的通知: replaces holiday X's days.
    Adjustment(String),
    /// 关于延长YYYY年X假期的通知: makes the days after X's last day off,
    /// up to a date, days off (`X（延长）`).
    Extension(String),
    /// A regional government's holiday notice.
    Regional,
}

/// The heading facts of one notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeInfo {
    /// The title (`国务院办公厅关于2024年部分节假日安排的通知`).
    pub title: String,
    /// The 文号 (`国办发明电〔2023〕7号`); regional copies often lack it.
    pub number: Option<String>,
    /// The 落款 date.
    pub date: Option<Date>,
    /// The year the notice arranges.
    pub year: i32,
    /// Yearly, amendment or regional.
    pub form: NoticeForm,
}

impl NoticeInfo {
    /// The `notice` column of its rows: the 文号, else (regional copies
    /// without one) `ISSUER YYYY年节假日安排`.
    fn reference(&self) -> String {
        match &self.number {
            Some(n) => n.clone(),
            None => {
                let issuer = self.title.split("关于").next().unwrap_or("");
                format!("{issuer}{}年节假日安排", self.year)
            }
        }
    }

    /// The `# source:` line: title（文号，date）.
    fn source_line(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.number {
            parts.push(n.clone());
        }
        if let Some(d) = self.date {
            parts.push(format!("{}年{}月{}日", d.year(), d.month(), d.day()));
        }
        if parts.is_empty() {
            self.title.clone()
        } else {
            format!("{}（{}）", self.title, parts.join("，"))
        }
    }
}

/// One holiday's days in an imported calendar, for the summary a clerk
/// checks against the notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidaySummary {
    /// The holiday as the notice names it.
    pub name: String,
    /// Days off.
    pub off: usize,
    /// Make-up working days.
    pub work: usize,
    /// National make-up days cancelled (取消调休).
    pub cancel: usize,
    /// First and last day named.
    pub first: Date,
    /// Last day named.
    pub last: Date,
}

/// A calendar read from notices: the rows of a calendar file and where they
/// came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedCalendar {
    /// `cn` or a region id.
    pub region: String,
    /// The year covered.
    pub year: i32,
    /// The notices, in the order applied.
    pub notices: Vec<NoticeInfo>,
    /// The rows, by date.
    pub entries: Vec<CalendarEntry>,
    /// Sentences and items read but not about days (say so to the clerk).
    pub ignored: Vec<String>,
}

/// Reads one notice (SPEC §16.7). Same as [`import_notices`] with one text.
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] for a text that is not a holiday notice, or
/// is not read completely; the message names the item and the words.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::import_notice;
/// let text = "国务院办公厅关于2027年部分节假日安排的通知\n国办发明电〔2026〕9号\n\
///   一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n国务院办公厅\n2026年11月4日\n";
/// let cal = import_notice(text)?;
/// assert_eq!(cal.entries.len(), 3);
/// assert!(cal.to_file_text().contains("2027-01-03,off,元旦,国办发明电〔2026〕9号"));
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn import_notice(text: &str) -> Result<ImportedCalendar> {
    import_notices(&[text])
}

/// Reads a yearly notice (national or regional) and the amendments of the
/// same year that follow it, in the order given, into one calendar.
///
/// # Errors
///
/// As for [`import_notice`]; also an amendment first, or of another year.
pub fn import_notices(texts: &[&str]) -> Result<ImportedCalendar> {
    let Some((first, rest)) = texts.split_first() else {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "no notice text was given",
            "没有提供通知文字",
        ));
    };
    let base = read_notice(first)?;
    if !matches!(base.info.form, NoticeForm::Yearly | NoticeForm::Regional) {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!(
                "“{}” changes an earlier notice; give the notice of {} (关于{}年部分节假日安排的通知) first, then this one",
                base.info.title, base.info.year, base.info.year
            ),
            format!(
                "“{}”是对已发布安排的调整；请先给出 {} 年的节假日安排通知（关于{}年部分节假日安排的通知），再给出这份调整通知",
                base.info.title, base.info.year, base.info.year
            ),
        ));
    }
    let mut cal = ImportedCalendar {
        region: base.region.clone(),
        year: base.info.year,
        notices: vec![base.info.clone()],
        entries: base.rows,
        ignored: base.ignored,
    };
    for text in rest {
        let amendment = read_notice(text)?;
        cal.apply(amendment)?;
    }
    cal.entries.sort_by_key(|e| e.date);
    Ok(cal)
}

impl ImportedCalendar {
    /// The calendar file (SPEC §16.2): `# region`, `# covers: YEAR`, one
    /// `# source:` line per notice, then the rows by date.
    pub fn to_file_text(&self) -> String {
        let mut t = String::from("# shuangsui calendar 1\n");
        t.push_str(&format!("# region: {}\n", self.region));
        t.push_str(&format!("# covers: {}\n", self.year));
        for n in &self.notices {
            t.push_str(&format!("# source: {}\n", n.source_line()));
        }
        t.push_str("# 由 shuangsui calendar import 从通知原文读出；请对照通知逐日核对\n");
        t.push_str("date,kind,name,notice\n");
        for e in &self.entries {
            let kind = match e.kind {
                EntryKind::Off => "off",
                EntryKind::Work => "work",
                EntryKind::Cancel => "cancel",
            };
            t.push_str(&format!(
                "{},{kind},{},{}\n",
                e.date,
                csv_cell(&e.name),
                csv_cell(&e.notice)
            ));
        }
        t
    }

    /// A file name for it: `cn-2027.csv`, `xinjiang-2025.csv`.
    pub fn file_name(&self) -> String {
        format!("{}-{}.csv", self.region, self.year)
    }

    /// Days off, make-up days and cancelled make-up days per holiday, in
    /// the order the holidays first appear in the year.
    pub fn holidays(&self) -> Vec<HolidaySummary> {
        let mut out: Vec<HolidaySummary> = Vec::new();
        for e in &self.entries {
            let i = match out.iter().position(|h| h.name == e.name) {
                Some(i) => i,
                None => {
                    out.push(HolidaySummary {
                        name: e.name.clone(),
                        off: 0,
                        work: 0,
                        cancel: 0,
                        first: e.date,
                        last: e.date,
                    });
                    out.len() - 1
                }
            };
            let h = &mut out[i];
            match e.kind {
                EntryKind::Off => h.off += 1,
                EntryKind::Work => h.work += 1,
                EntryKind::Cancel => h.cancel += 1,
            }
            h.first = h.first.min(e.date);
            h.last = h.last.max(e.date);
        }
        out
    }

    /// The month grids of the months the rows touch, on the shipped
    /// calendar with this file laid over it (as `--calendar` would).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CalendarUncovered`] when a month lies in a year the
    /// layers below do not cover (a regional file for a year without
    /// national data); any error of loading the file (a `cancel` row
    /// without a national make-up day under it).
    pub fn month_grids(&self) -> Result<Vec<MonthGrid>> {
        let text = self.to_file_text();
        let name = self.file_name();
        let region = (self.region != NATIONAL).then_some(self.region.as_str());
        let cal = WorkingDayCalendar::load(
            region,
            &[UserCalendar {
                name: &name,
                text: &text,
            }],
        )?;
        let mut months: Vec<(i32, u32)> = self
            .entries
            .iter()
            .map(|e| (e.date.year(), e.date.month()))
            .collect();
        months.dedup();
        months
            .into_iter()
            .map(|(y, m)| cal.month_grid(y, m))
            .collect()
    }

    /// Applies an amendment of the same year.
    fn apply(&mut self, a: Notice) -> Result<()> {
        let title = a.info.title.clone();
        if a.info.year != self.year || a.region != self.region {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!(
                    "“{title}” is about {} but the notice before it arranges {}: give amendments after the notice of their own year",
                    a.info.year, self.year
                ),
                format!(
                    "“{title}”针对 {} 年，而前面的通知安排的是 {} 年：调整通知须跟在同一年的安排通知之后",
                    a.info.year, self.year
                ),
            ));
        }
        let notice = a.info.reference();
        match &a.info.form {
            NoticeForm::Adjustment(holiday) => {
                // The holiday's days are replaced as a whole.
                self.entries.retain(|e| !names_holiday(&e.name, holiday));
                for row in a.rows {
                    if let Some(clash) = self.entries.iter().find(|e| e.date == row.date) {
                        return Err(Error::new(
                            ErrorKind::InvalidValue,
                            format!(
                                "“{title}” names {} for {holiday}, which the yearly notice gives to {}",
                                row.date, clash.name
                            ),
                            format!(
                                "“{title}”把 {} 安排给{holiday}，但年度通知已把这一天安排给{}",
                                row.date, clash.name
                            ),
                        ));
                    }
                    self.entries.push(row);
                }
            }
            NoticeForm::Extension(holiday) => {
                let end = a.extension_end.ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("“{title}” does not say up to which day {holiday} is extended (延长…假期至M月D日)"),
                        format!("“{title}”没有写明{holiday}假期延长到哪一天（延长…假期至M月D日）"),
                    )
                })?;
                let last = self
                    .entries
                    .iter()
                    .filter(|e| e.kind == EntryKind::Off && names_holiday(&e.name, holiday))
                    .map(|e| e.date)
                    .max()
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidValue,
                            format!("“{title}” extends {holiday}, which the yearly notice does not name"),
                            format!("“{title}”延长{holiday}假期，但年度通知中没有{holiday}"),
                        )
                    })?;
                if end <= last {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!(
                            "“{title}” extends {holiday} to {end}, but it already ends on {last}"
                        ),
                        format!("“{title}”把{holiday}假期延长至 {end}，但假期本已到 {last}"),
                    ));
                }
                let mut d = last.succ();
                while d <= end {
                    self.entries.retain(|e| e.date != d);
                    self.entries.push(CalendarEntry {
                        date: d,
                        kind: EntryKind::Off,
                        name: format!("{holiday}（延长）"),
                        notice: notice.clone(),
                    });
                    d = d.succ();
                }
            }
            NoticeForm::Yearly | NoticeForm::Regional => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "“{title}” is a yearly notice of its own; import it separately (only amendments — 关于调整…/关于延长… — follow a yearly notice)"
                    ),
                    format!(
                        "“{title}”本身是一份年度安排通知，请单独导入（跟在年度通知后面的只能是“关于调整…”“关于延长…”这类调整通知）"
                    ),
                ));
            }
        }
        self.ignored.extend(a.ignored);
        self.notices.push(a.info);
        Ok(())
    }
}

/// `中秋节、国庆节` names 国庆节; `春节（延长）` names 春节.
fn names_holiday(name: &str, holiday: &str) -> bool {
    name.split('、')
        .any(|p| p == holiday || p.strip_suffix("（延长）") == Some(holiday))
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One notice read.
struct Notice {
    info: NoticeInfo,
    region: String,
    rows: Vec<CalendarEntry>,
    ignored: Vec<String>,
    /// For an extension: the last day of the extended holiday.
    extension_end: Option<Date>,
}

/// The error for a text that is read only in part.
fn unreadable(item: &str, words: &str, en_why: &str, zh_why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidValue,
        format!(
            "item “{item}” of the notice cannot be used: {en_why} (at “{words}”); no calendar was made — check that the pasted text is the whole notice, as published"
        ),
        format!(
            "通知第“{item}”项无法采用：{zh_why}（在“{words}”处）；没有生成日历——请核对粘贴的文字是否为通知全文、与原文一致"
        ),
    )
}

fn whole_notice_error(en: String, zh: String) -> Error {
    Error::new(ErrorKind::InvalidValue, en, zh)
}

/// Full-width forms of the punctuation web copies write half-width, ASCII
/// digits, and no whitespace (copies indent and wrap freely; the notices'
/// words never need a space).
fn normalize_line(line: &str) -> String {
    line.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            ':' => '：',
            ',' => '，',
            '(' => '（',
            ')' => '）',
            ';' => '；',
            '[' | '【' => '〔',
            ']' | '】' => '〕',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
}

const NUMERALS: &str = "一二三四五六七八九十";

/// The longest span of days off one clause may name.
const MAX_SPAN: i64 = 31;

/// `三` → 3, `十二` → 12 (items never reach twenty).
fn numeral_value(s: &str) -> Option<u32> {
    let digit = |c: char| NUMERALS.chars().position(|n| n == c).map(|i| i as u32 + 1);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        [a] => digit(*a),
        ['十', b] => Some(10 + digit(*b)?),
        _ => None,
    }
}

/// An item heading at the start of a line: `三、` (level 1) or `（三）` (level 2).
fn item_marker(line: &str) -> Option<(u8, u32, usize)> {
    if let Some(rest) = line.strip_prefix('（') {
        let end = rest.find('）')?;
        let n = numeral_value(&rest[..end])?;
        return Some((2, n, '（'.len_utf8() + end + '）'.len_utf8()));
    }
    let end = line.find('、')?;
    let n = numeral_value(&line[..end])?;
    Some((1, n, end + '、'.len_utf8()))
}

/// The 落款 date line: `2023年10月25日`, or `国务院办公厅2023年10月25日` as one line.
fn signature_date(line: &str) -> Option<Date> {
    let start = line.char_indices().find(|(_, c)| c.is_ascii_digit())?.0;
    let (head, tail) = line.split_at(start);
    if !(head.is_empty() || head.ends_with("办公厅")) {
        return None;
    }
    let mut p = Cursor::new(tail);
    let y = p.number()?;
    p.eat("年").then_some(())?;
    let m = p.number()?;
    p.eat("月").then_some(())?;
    let d = p.number()?;
    (p.eat("日") && p.rest().is_empty()).then_some(())?;
    Date::new(y as i32, m, d).ok()
}

/// A tiny cursor over one normalized sentence.
struct Cursor<'a> {
    s: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Cursor<'a> {
        Cursor { s }
    }
    fn rest(&self) -> &'a str {
        self.s
    }
    fn eat(&mut self, w: &str) -> bool {
        match self.s.strip_prefix(w) {
            Some(r) => {
                self.s = r;
                true
            }
            None => false,
        }
    }
    fn number(&mut self) -> Option<u32> {
        let n = self.s.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 4 {
            return None;
        }
        let v = self.s[..n].parse().ok()?;
        self.s = &self.s[n..];
        Some(v)
    }
    fn peek_number_then(&self, w: &str) -> bool {
        let n = self.s.bytes().take_while(u8::is_ascii_digit).count();
        n > 0 && self.s[n..].starts_with(w)
    }
}

/// The heading: issuer, title, year and form. The title is the first
/// `…关于…的通知` outside 《》 (a regional notice cites the national one in
/// its body as 《国务院办公厅关于…的通知》).
fn read_title(flat: &str) -> Result<(String, i32, NoticeForm, String)> {
    let mut depth = 0i32;
    let mut found = None;
    for (i, c) in flat.char_indices() {
        match c {
            '《' => depth += 1,
            '》' => depth -= 1,
            '关' if depth == 0 && flat[i..].starts_with("关于") => {
                if let Some(end) = flat[i..].find("的通知") {
                    let core = &flat[i + "关于".len()..i + end];
                    if !core.contains('。') && core.chars().count() <= 40 {
                        found = Some((i, core.to_string()));
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    let not_notice = || {
        whole_notice_error(
            "this text is not a holiday notice: no title of the form “…关于YYYY年部分节假日安排的通知” was found; paste the whole notice, title included".into(),
            "这段文字不是节假日安排通知：没有找到“……关于YYYY年部分节假日安排的通知”这样的标题；请粘贴通知全文（含标题）".into(),
        )
    };
    let (at, core) = found.ok_or_else(not_notice)?;
    let before = &flat[..at];
    let issuer = ["国务院办公厅".to_string()]
        .into_iter()
        .chain(
            REGIONS
                .iter()
                .map(|r| format!("{}人民政府办公厅", r.name_zh)),
        )
        .find(|i| before.ends_with(i.as_str()))
        .or_else(|| {
            // A copy without the issuer before 关于: the 落款 names it.
            REGIONS
                .iter()
                .map(|r| format!("{}人民政府办公厅", r.name_zh))
                .find(|i| flat.contains(i.as_str()))
        })
        .unwrap_or_else(|| "国务院办公厅".to_string());
    let year_at = core.find('年').ok_or_else(not_notice)?;
    let lead: String = core[..year_at].chars().rev().take(4).collect();
    let year_text: String = lead.chars().rev().collect();
    let year: i32 = year_text
        .parse()
        .ok()
        .filter(|y| (1900..=9999).contains(y) && year_text.len() == 4)
        .ok_or_else(not_notice)?;
    let region = if issuer == "国务院办公厅" {
        NATIONAL.to_string()
    } else {
        REGIONS
            .iter()
            .find(|r| issuer.starts_with(r.name_zh))
            .map_or(NATIONAL, |r| r.id)
            .to_string()
    };
    let after_year = &core[year_at + '年'.len_utf8()..];
    let form = if region != NATIONAL {
        NoticeForm::Regional
    } else if core.starts_with(&year_text) && after_year == "部分节假日安排" {
        NoticeForm::Yearly
    } else if let Some(h) = core
        .strip_prefix("调整")
        .and_then(|c| c.strip_prefix(year_text.as_str()))
        .and_then(|c| c.strip_prefix('年'))
        .and_then(|c| {
            c.strip_suffix("假期安排")
                .or_else(|| c.strip_suffix("放假安排"))
        })
    {
        NoticeForm::Adjustment(h.to_string())
    } else if let Some(h) = core
        .strip_prefix("延长")
        .and_then(|c| c.strip_prefix(year_text.as_str()))
        .and_then(|c| c.strip_prefix('年'))
        .and_then(|c| c.strip_suffix("假期"))
    {
        NoticeForm::Extension(h.to_string())
    } else {
        return Err(not_notice());
    };
    let title = format!("{issuer}关于{core}的通知");
    Ok((title, year, form, region))
}

/// The 文号 before the salutation (`各省、自治区……：`): the body may cite
/// other notices' numbers.
fn read_number(head: &str) -> Option<String> {
    let open = head.find('〔')?;
    let prefix: String = head[..open]
        .chars()
        .rev()
        .take_while(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .take(10)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // The title ends right before the number on a one-line copy.
    let prefix = prefix.rsplit("通知").next().unwrap_or("").to_string();
    let mut p = Cursor::new(&head[open + '〔'.len_utf8()..]);
    let y = p.number()?;
    p.eat("〕").then_some(())?;
    let n = p.number()?;
    p.eat("号").then_some(())?;
    (!prefix.is_empty() && y >= 1000).then(|| format!("{prefix}〔{y}〕{n}号"))
}

/// Reads one notice's text.
fn read_notice(text: &str) -> Result<Notice> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = normalize_line(raw);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // A copy that lost its line breaks: items start after a 。.
        let mut rest = line.as_str();
        loop {
            let split = rest
                .match_indices('。')
                .map(|(i, _)| i + '。'.len_utf8())
                .find(|&i| {
                    item_marker(&rest[i..]).is_some_and(|(_, _, len)| len < rest.len() - i)
                        || signature_date(&rest[i..]).is_some()
                });
            match split {
                Some(i) => {
                    lines.push(rest[..i].to_string());
                    rest = &rest[i..];
                }
                None => {
                    lines.push(rest.to_string());
                    break;
                }
            }
        }
    }
    let flat: String = lines.concat();
    let (title, year, form, region) = read_title(&flat)?;

    // The salutation ends the heading; the items follow it.
    let first_item = lines.iter().position(|l| item_marker(l).is_some());
    let salutation = lines[..first_item.unwrap_or(lines.len())]
        .iter()
        .position(|l| l.contains('各') && l.ends_with('：'));
    let head_end = salutation.or(first_item).unwrap_or(0);
    let number = read_number(&lines[..head_end].concat());
    let date = lines.iter().rev().find_map(|l| signature_date(l));
    let national = region == NATIONAL;
    if national && number.is_none() {
        return Err(whole_notice_error(
            format!("“{title}”: the document number (文号, e.g. 国办发明电〔2025〕7号) was not found; copy the notice with the line under its title (e.g. from www.gov.cn)"),
            format!("“{title}”：没有找到文号（如 国办发明电〔2025〕7号）；请连同标题下方的文号一起复制通知（例如从中国政府网 www.gov.cn 复制）"),
        ));
    }
    if national && date.is_none() {
        return Err(whole_notice_error(
            format!("“{title}”: the date under 国务院办公厅 at the end (落款, e.g. 2025年11月4日) was not found — the text seems cut off; copy the whole notice"),
            format!("“{title}”：没有找到文末“国务院办公厅”下方的日期（落款，如 2025年11月4日）——文字似乎不完整；请复制通知全文"),
        ));
    }
    let info = NoticeInfo {
        title: title.clone(),
        number,
        date,
        year,
        form: form.clone(),
    };

    let items = collect_items(&lines[head_end.min(lines.len())..]);
    let mut reader = ItemReader {
        year,
        form: &form,
        notice: info.reference(),
        rows: Vec::new(),
        owner: BTreeMap::new(),
        ignored: Vec::new(),
        extension_end: None,
        regional_holidays: REGIONS
            .iter()
            .find(|r| r.id == region)
            .map(|r| r.holidays.split('、').collect())
            .unwrap_or_default(),
        national: if national {
            None
        } else {
            WorkingDayCalendar::national()
                .ok()
                .filter(|c| c.covers(year))
        },
    };
    let mut expected = 1;
    let mut level = None;
    for item in &items {
        if level.is_none() {
            level = Some(item.level);
        }
        if Some(item.level) != level {
            continue;
        }
        if item.number != expected {
            return Err(whole_notice_error(
                format!("“{title}”: item {} follows item {}; an item is missing — copy the whole notice", item.label, expected - 1),
                format!("“{title}”：第“{}”项前缺了一项（上一项是第 {} 项）——请复制通知全文", item.label, expected - 1),
            ));
        }
        expected += 1;
        reader.read_item(item)?;
    }
    if items.is_empty() || reader.rows.is_empty() && matches!(form, NoticeForm::Yearly) {
        return Err(whole_notice_error(
            format!(
                "“{title}”: no numbered item (一、元旦：…) was found; paste the notice's body too"
            ),
            format!("“{title}”：没有找到编号条目（如“一、元旦：……”）；请连同通知正文一起粘贴"),
        ));
    }
    if form == NoticeForm::Yearly {
        check_announced_holidays(&flat, &title, year, &reader.rows)?;
    }
    if form == NoticeForm::Regional && reader.rows.is_empty() {
        return Err(whole_notice_error(
            format!("“{title}”: no day of the region's own holidays was found"),
            format!("“{title}”：没有读到本地区节日的放假安排"),
        ));
    }
    let mut rows = reader.rows;
    rows.sort_by_key(|e| e.date);
    Ok(Notice {
        info,
        region,
        rows,
        ignored: reader.ignored,
        extension_end: reader.extension_end,
    })
}

/// The preamble (现将2024年元旦、春节……和国庆节放假调休日期……) lists the
/// holidays; each must have its item, so that a copy cut short is refused.
fn check_announced_holidays(
    flat: &str,
    title: &str,
    year: i32,
    rows: &[CalendarEntry],
) -> Result<()> {
    let lead = format!("现将{year}年");
    let Some(at) = flat.find(&lead) else {
        return Ok(());
    };
    let rest = &flat[at + lead.len()..];
    let Some(end) = rest.find("放假") else {
        return Ok(());
    };
    for name in rest[..end].split(['、', '和']).filter(|n| !n.is_empty()) {
        if !rows.iter().any(|r| names_holiday(&r.name, name)) {
            return Err(whole_notice_error(
                format!("“{title}” announces {name} but no item gives its days — the text seems cut off; copy the whole notice"),
                format!("“{title}”开头列出了{name}，但没有读到{name}的放假安排——文字似乎不完整；请复制通知全文"),
            ));
        }
    }
    Ok(())
}

struct Item {
    level: u8,
    number: u32,
    label: String,
    /// Text after the marker, continuation lines appended.
    body: String,
    /// The level-1 heading this level-2 item sits under.
    section: String,
}

/// Items and their continuation lines; the lines after the last item up to
/// the signature belong to it (a closing paragraph is ended by its first
/// sentence, see [`ItemReader::read_item`]).
fn collect_items(lines: &[String]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut section = String::new();
    for line in lines {
        if signature_date(line).is_some() || line.ends_with("办公厅") || line == "（此件公开发布）"
        {
            break;
        }
        match item_marker(line) {
            Some((level, number, len)) => {
                let body = line[len..].to_string();
                if level == 1 {
                    section = body.clone();
                }
                items.push(Item {
                    level,
                    number,
                    label: line[..len].trim_end_matches('、').to_string(),
                    body,
                    section: section.clone(),
                });
            }
            None => {
                if let Some(last) = items.last_mut() {
                    last.body.push_str(line);
                }
            }
        }
    }
    // A regional notice nests its holidays under 一、节假日放假安排: read
    // those, and only those.
    if items.iter().any(|i| i.level == 2) {
        items.retain(|i| {
            i.level == 2 && (i.section.contains("节假日") || i.section.contains("放假"))
        });
    }
    items
}

/// Reads items into rows.
struct ItemReader<'a> {
    year: i32,
    form: &'a NoticeForm,
    notice: String,
    rows: Vec<CalendarEntry>,
    /// Which item named each date (for the error on a date named twice).
    owner: BTreeMap<Date, String>,
    ignored: Vec<String>,
    extension_end: Option<Date>,
    /// A regional notice: the region's own holidays.
    regional_holidays: Vec<&'static str>,
    /// A regional notice: the national calendar of its year, when shipped,
    /// to keep only the departures from it.
    national: Option<WorkingDayCalendar>,
}

/// What a clause of an item says.
#[derive(Default)]
struct ItemDays {
    off: Vec<Date>,
    work: Vec<Date>,
    cancel: Vec<Date>,
    /// Holidays named by `M月D日是X节`.
    festivals: Vec<String>,
}

/// A date as written, before its year is settled.
#[derive(Clone, Copy)]
struct Written {
    year: Option<i32>,
    month: u32,
    day: u32,
    weekday: Option<Weekday>,
}

impl ItemReader<'_> {
    fn read_item(&mut self, item: &Item) -> Result<()> {
        let label = item.label.as_str();
        let (name, body) = split_name(&item.body);
        let mut days = ItemDays::default();
        let mut any_date = false;
        for sentence in body.split('。').filter(|s| !s.is_empty()) {
            // Advice, not days: 鼓励各单位……安排职工在除夕（2月9日）休息.
            if sentence.starts_with("鼓励") {
                self.ignored.push(format!("{label}、{sentence}。"));
                continue;
            }
            // The closing paragraph (节假日期间……, 劳动节期间……) ends the items.
            if sentence.contains("期间") && !has_date(sentence) {
                break;
            }
            if !has_date(sentence) {
                // An amendment's or a regional notice's other provisions
                // (推迟开学, 值班) are not about days; a holiday item must be.
                if name.is_some() && !matches!(self.form, NoticeForm::Regional) {
                    return Err(unreadable(
                        label,
                        sentence,
                        "this sentence gives no day",
                        "这句话没有给出日期",
                    ));
                }
                self.ignored.push(format!("{label}、{sentence}。"));
                continue;
            }
            any_date = true;
            self.read_sentence(label, name.unwrap_or(""), sentence, &mut days)?;
        }
        if !any_date {
            if name.is_some() && !matches!(self.form, NoticeForm::Regional) {
                return Err(unreadable(
                    label,
                    body,
                    "the item gives no day off",
                    "该项没有给出放假日期",
                ));
            }
            return Ok(());
        }
        let holiday = match (name, self.form) {
            (Some(n), _) => n.to_string(),
            (None, NoticeForm::Adjustment(h) | NoticeForm::Extension(h)) => h.clone(),
            (None, _) if !days.festivals.is_empty() => days.festivals.join("、"),
            (None, _) => {
                return Err(unreadable(
                    label,
                    body,
                    "the item does not say which holiday it is about (write it as “元旦：…”)",
                    "该项没有写明是哪个节日（应写成“元旦：……”）",
                ))
            }
        };
        if matches!(self.form, NoticeForm::Yearly) && days.off.is_empty() {
            return Err(unreadable(
                label,
                body,
                "the item gives no day off",
                "该项没有给出放假日期",
            ));
        }
        let regional_own = holiday
            .split('、')
            .any(|h| self.regional_holidays.contains(&h));
        let push = |kind: EntryKind, dates: &[Date], this: &mut Self| -> Result<()> {
            for &d in dates {
                if matches!(this.form, NoticeForm::Regional) && !regional_own {
                    // The national arrangement repeated: keep departures only.
                    if let Some(nat) = &this.national {
                        let k = nat.day(d)?.kind;
                        let same = match kind {
                            EntryKind::Off => !k.is_working(),
                            EntryKind::Work => k.is_working(),
                            EntryKind::Cancel => false,
                        };
                        if same {
                            continue;
                        }
                    }
                }
                if let Some(other) = this.owner.get(&d) {
                    return Err(unreadable(
                        label,
                        &d.to_string(),
                        &format!("{d} is also named by item “{other}”"),
                        &format!("{d} 在第“{other}”项中也出现了"),
                    ));
                }
                this.owner.insert(d, label.to_string());
                this.rows.push(CalendarEntry {
                    date: d,
                    kind,
                    name: holiday.clone(),
                    notice: this.notice.clone(),
                });
            }
            Ok(())
        };
        push(EntryKind::Off, &days.off, self)?;
        push(EntryKind::Work, &days.work, self)?;
        push(EntryKind::Cancel, &days.cancel, self)?;
        Ok(())
    }

    /// One sentence: clauses separated by `，` outside parentheses.
    fn read_sentence(
        &mut self,
        label: &str,
        name: &str,
        sentence: &str,
        days: &mut ItemDays,
    ) -> Result<()> {
        let mut last_span: Option<(Date, Date)> = None;
        for clause in split_clauses(sentence) {
            let bad = |en: &str, zh: &str| unreadable(label, clause, en, zh);
            let not_understood = || bad("these words are not understood", "这几个字读不懂");
            let mut p = Cursor::new(clause);
            if p.eat("共") {
                let n = p.number().ok_or_else(not_understood)?;
                if !(p.eat("天") && p.rest().is_empty()) {
                    return Err(not_understood());
                }
                let (a, b) = last_span.ok_or_else(|| {
                    bad(
                        "“共N天” follows no span of days off",
                        "“共N天”前面没有放假日期",
                    )
                })?;
                check_count(a, b, n).map_err(|(en, zh)| bad(&en, &zh))?;
                continue;
            }
            if ["与周末连休", "与周六连休", "与周日连休", "不调休"].contains(&clause)
            {
                continue;
            }
            if p.eat("延长") {
                // 延长2020年春节假期至2月2日（农历正月初九，星期日）
                let NoticeForm::Extension(h) = self.form else {
                    return Err(not_understood());
                };
                let h = h.clone();
                if p.peek_number_then("年") {
                    p.number();
                    p.eat("年");
                }
                if !(p.eat(&h) && p.eat("假期至")) {
                    return Err(not_understood());
                }
                let w = self.written(&mut p, None, label, clause)?;
                let d = self.settle(w, name, label, clause)?;
                if !p.rest().is_empty() {
                    return Err(not_understood());
                }
                self.extension_end = Some(d);
                continue;
            }
            // Everything else starts with a date or a list of dates.
            let mut list = vec![self.written(&mut p, None, label, clause)?];
            let mut span_end = None;
            if p.eat("至") {
                span_end = Some(self.written(&mut p, Some(list[0]), label, clause)?);
            } else {
                while p.eat("、") {
                    list.push(self.written(&mut p, None, label, clause)?);
                }
            }
            let rest = p.rest();
            let dates = |this: &Self| -> Result<Vec<Date>> {
                list.iter()
                    .map(|w| this.settle(*w, name, label, clause))
                    .collect()
            };
            if let Some(fest) = rest.strip_prefix('是') {
                // 4月22日是肉孜节; 3月31日（周一）是少数民族习惯节日肉孜节
                let fest = fest.strip_prefix("少数民族习惯节日").unwrap_or(fest);
                if fest.is_empty() || fest.chars().any(|c| c.is_ascii_digit()) || span_end.is_some()
                {
                    return Err(not_understood());
                }
                dates(self)?;
                days.festivals.push(fest.to_string());
                continue;
            }
            if rest == "上班" {
                if span_end.is_some() {
                    return Err(not_understood());
                }
                days.work.extend(dates(self)?);
                continue;
            }
            if rest == "正常休息" {
                if span_end.is_some() {
                    return Err(not_understood());
                }
                days.cancel.extend(dates(self)?);
                continue;
            }
            if rest == "起正常上班" {
                // The day work resumes after an extension: the day after its end.
                let d = dates(self)?[0];
                if self.extension_end.map(Date::succ) != Some(d) {
                    return Err(bad(
                        "work resumes on a day that does not follow the extended holiday's last day",
                        "恢复上班的日期不是延长假期最后一天的次日",
                    ));
                }
                continue;
            }
            if list.len() > 1 {
                return Err(not_understood());
            }
            let start = self.settle(list[0], name, label, clause)?;
            let end = match span_end {
                Some(w) => {
                    let mut w = w;
                    if w.year.is_none() {
                        // 12月30日至1月1日: the end is in the next year.
                        let start_year = list[0].year.unwrap_or(start.year());
                        w.year = Some(if w.month < start.month() {
                            start_year + 1
                        } else {
                            start_year
                        });
                    }
                    self.settle(w, name, label, clause)?
                }
                None => start,
            };
            if end < start {
                return Err(bad(
                    "the span ends before it starts",
                    "日期范围的结束早于开始",
                ));
            }
            // The longest holiday so far is 9 days (春节 2026); a month is
            // a typing error, not a holiday.
            if end.days_since(start) >= MAX_SPAN {
                return Err(bad(
                    &format!("a holiday of more than {MAX_SPAN} days is not plausible"),
                    &format!("放假超过 {MAX_SPAN} 天，不合常理"),
                ));
            }
            let mut q = Cursor::new(rest);
            let off = q.eat("放假") || q.eat("补休");
            if !off {
                return Err(not_understood());
            }
            q.eat("调休");
            if !q.rest().is_empty() {
                // 放假1天 / 放假调休1天
                let n = q.number().ok_or_else(not_understood)?;
                if !(q.eat("天") && q.rest().is_empty()) {
                    return Err(not_understood());
                }
                check_count(start, end, n).map_err(|(en, zh)| bad(&en, &zh))?;
            }
            let mut d = start;
            while d <= end {
                days.off.push(d);
                d = d.succ();
            }
            last_span = Some((start, end));
        }
        Ok(())
    }

    /// `2018年12月29日（星期六）`, `2月4日`, `17日` (month from `after`).
    fn written(
        &self,
        p: &mut Cursor<'_>,
        after: Option<Written>,
        label: &str,
        clause: &str,
    ) -> Result<Written> {
        let not_date = || {
            unreadable(
                label,
                clause,
                "a date (M月D日) was expected here",
                "这里应当是日期（M月D日）",
            )
        };
        let mut year = None;
        if p.peek_number_then("年") {
            year = Some(p.number().ok_or_else(not_date)? as i32);
            p.eat("年");
        }
        let first = p.number().ok_or_else(not_date)?;
        let (month, day) = if p.eat("月") {
            let d = p.number().ok_or_else(not_date)?;
            (first, d)
        } else {
            let m = after.map(|a| a.month).ok_or_else(not_date)?;
            (m, first)
        };
        if !p.eat("日") {
            return Err(not_date());
        }
        // 2018年12月30日至2019年1月1日 names both years; 2021年1月1日至3日
        // the first only (the end takes it); 2月10日至17日 neither.
        let year = year.or(match after {
            Some(a) if a.month == month => a.year,
            _ => None,
        });
        let weekday = if p.s.starts_with('（') {
            let close = p.s.find('）').ok_or_else(not_date)?;
            let inner = &p.s['（'.len_utf8()..close];
            p.s = &p.s[close + '）'.len_utf8()..];
            read_annotation(inner).map_err(|()| {
                unreadable(
                    label,
                    inner,
                    "the words in brackets are neither a weekday (周四, 星期日) nor a lunar date (农历…)",
                    "括号中的文字既不是星期（周四、星期日）也不是农历日期（农历……）",
                )
            })?
        } else {
            None
        };
        Ok(Written {
            year,
            month,
            day,
            weekday,
        })
    }

    /// The date of a written date: the notice's year unless written; a
    /// December date of the 元旦 item is in the year before.
    fn settle(&self, w: Written, name: &str, label: &str, clause: &str) -> Result<Date> {
        let year = w.year.unwrap_or(if w.month == 12 && name == "元旦" {
            self.year - 1
        } else {
            self.year
        });
        let d = Date::new(year, w.month, w.day).map_err(|e| {
            unreadable(
                label,
                clause,
                &format!("the date does not exist ({})", e.message()),
                &format!("日期不存在（{}）", e.message_zh()),
            )
        })?;
        if let Some(wd) = w.weekday {
            if wd != d.weekday() {
                return Err(unreadable(
                    label,
                    clause,
                    &format!(
                        "{d} is a {} but the notice says {}",
                        d.weekday().short_en(),
                        wd.short_en()
                    ),
                    &format!(
                        "{d} 是星期{}，通知却写作星期{}",
                        d.weekday().short_zh(),
                        wd.short_zh()
                    ),
                ));
            }
        }
        Ok(d)
    }
}

/// `（周四）`, `（星期日）`, `（农历除夕、周二）`, `（农历正月初九，星期日）`:
/// the weekday to check, if any. Lunar dates are not checked.
fn read_annotation(inner: &str) -> std::result::Result<Option<Weekday>, ()> {
    let mut weekday = None;
    for part in inner.split(['、', '，']) {
        if part.starts_with("农历") {
            continue;
        }
        let w = part
            .strip_prefix("星期")
            .or_else(|| part.strip_prefix("周"))
            .ok_or(())?;
        let i = ["一", "二", "三", "四", "五", "六", "日"]
            .iter()
            .position(|d| *d == w)
            .or((w == "天").then_some(6))
            .ok_or(())?;
        weekday = Some(Weekday::from_index(i as i64));
    }
    Ok(weekday)
}

fn check_count(a: Date, b: Date, n: u32) -> std::result::Result<(), (String, String)> {
    let len = b.days_since(a) + 1;
    if len == i64::from(n) {
        Ok(())
    } else {
        Err((
            format!("the notice says {n} days but {a} to {b} is {len} days"),
            format!("通知写共 {n} 天，但 {a} 至 {b} 是 {len} 天"),
        ))
    }
}

/// `元旦：…` → (Some("元旦"), "…"); an item without a name (an amendment's
/// `一、2019年5月1日至4日…`) → (None, whole).
fn split_name(body: &str) -> (Option<&str>, &str) {
    if let Some(i) = body.find('：') {
        let name = &body[..i];
        if !name.is_empty()
            && name.chars().count() <= 16
            && name
                .chars()
                .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '、' || c == '·')
        {
            return (Some(name), &body[i + '：'.len_utf8()..]);
        }
    }
    (None, body)
}

fn has_date(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i].is_ascii_digit() && (s[i + 1..].starts_with('日') || s[i + 1..].starts_with('月'))
    })
}

/// Clauses of a sentence: split at `，` and `；` outside （）.
fn split_clauses(sentence: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in sentence.char_indices() {
        match c {
            '（' => depth += 1,
            '）' => depth -= 1,
            '，' | '；' if depth == 0 => {
                out.push(&sentence[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&sentence[start..]);
    out.into_iter().filter(|c| !c.is_empty()).collect()
}
