//! The case ledger check (台账核查): which publications are due, late or
//! overdue.
//!
//! The input is the text of a CSV table with one case a row. The check
//! never fails because of one bad row: each row gets its own result, with
//! its errors, and the other rows are still checked. Only a table that
//! cannot be read at all (malformed CSV, a required column missing) is an
//! error of the whole check. The input text is only read; the report keeps
//! every original cell so that the CSV output passes unknown columns through
//! untouched.

use serde::Serialize;

use super::count::Period;
use super::date::Date;
use super::days::WorkingDayCalendar;
use super::rules::{Rule, StartEvent};
use crate::input::table::{ReadOptions, RowSource, Table};
use crate::{Error, ErrorKind, Location, Result};

/// Where a case stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CaseStatus {
    /// Not yet published and `today` is after the due date.
    Overdue {
        /// Working days past the due date (at least 1).
        working_days: i64,
    },
    /// The row could not be checked; see its errors.
    Error,
    /// 待补日历: the period runs into a year the calendar does not cover
    /// yet (typically next year, before its holiday notice is imported);
    /// nothing is wrong with the row. Counted again once the year is added.
    CalendarMissing {
        /// The first year the period needs that the calendar lacks.
        year: i32,
        /// True when only the region's holidays of `year` are missing.
        regional: bool,
        /// Working days counted up to the end of the year before `year`
        /// (periods of working days only).
        #[serde(skip_serializing_if = "Option::is_none")]
        counted: Option<u32>,
        /// Working days still to count (periods of working days only).
        #[serde(skip_serializing_if = "Option::is_none")]
        remaining: Option<u32>,
    },
    /// Not yet published and still in time.
    Pending {
        /// Working days from today (exclusive) to the due date (inclusive);
        /// 0 means due today.
        working_days_left: i64,
    },
    /// Published after the due date.
    Late {
        /// Working days past the due date (at least 1).
        working_days: i64,
    },
    /// Published on or before the due date.
    OnTime,
}

impl CaseStatus {
    /// The stable code: `overdue`, `error`, `calendar_missing`, `pending`,
    /// `late`, `on_time`.
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Overdue { .. } => "overdue",
            CaseStatus::Error => "error",
            CaseStatus::CalendarMissing { .. } => "calendar_missing",
            CaseStatus::Pending { .. } => "pending",
            CaseStatus::Late { .. } => "late",
            CaseStatus::OnTime => "on_time",
        }
    }

    /// The Chinese label shown to officials.
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseStatus::Overdue { .. } => "逾期未公示",
            CaseStatus::Error => "数据有误",
            CaseStatus::CalendarMissing { .. } => "待补日历",
            CaseStatus::Pending { .. } => "待公示",
            CaseStatus::Late { .. } => "逾期公示",
            CaseStatus::OnTime => "按时公示",
        }
    }

    /// The English label (`calendar missing`).
    pub fn label_en(self) -> &'static str {
        match self {
            CaseStatus::Overdue { .. } => "overdue",
            CaseStatus::Error => "cannot be checked",
            CaseStatus::CalendarMissing { .. } => "calendar missing",
            CaseStatus::Pending { .. } => "pending",
            CaseStatus::Late { .. } => "published late",
            CaseStatus::OnTime => "on time",
        }
    }

    /// SPEC §16.5 order: overdue, errors, calendar missing (fewest working
    /// days still to count first), pending, late, on time.
    fn rank(self) -> (u8, i64) {
        match self {
            CaseStatus::Overdue { working_days } => (0, -working_days),
            CaseStatus::Error => (1, 0),
            CaseStatus::CalendarMissing { remaining, .. } => {
                (2, remaining.map_or(i64::MAX, i64::from))
            }
            CaseStatus::Pending { working_days_left } => (3, working_days_left),
            CaseStatus::Late { working_days } => (4, -working_days),
            CaseStatus::OnTime => (5, 0),
        }
    }
}

/// The result for one row of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The row in the file (1-based, the header is row 1).
    pub row: u64,
    /// 案件编号.
    pub case_number: String,
    /// 当事人 / 企业名称 (empty when the ledger has no such column).
    pub entity: String,
    /// The rule id applied (`penalty-publicity`), if it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The rule's Chinese name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
    /// The day the period runs from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// The due date (last day in time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// The publication date, if the case was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Where the case stands.
    #[serde(flatten)]
    pub status: CaseStatus,
    /// Names of the holidays inside the period.
    pub holidays_in_period: Vec<String>,
    /// What is wrong with the row (empty unless the status is `error`).
    /// (Each in the one JSON form of an error, see [`Error`].)
    pub errors: Vec<Error>,
    /// Every cell of the row as read, in the file's column order.
    #[serde(skip)]
    pub cells: Vec<String>,
}

/// Counts of cases by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LedgerSummary {
    /// All rows.
    pub total: usize,
    /// Overdue, not published.
    pub overdue: usize,
    /// Rows with errors.
    pub errors: usize,
    /// Rows waiting for a year's calendar (待补日历).
    pub calendar_missing: usize,
    /// Pending, in time.
    pub pending: usize,
    /// Published late.
    pub late: usize,
    /// Published in time.
    pub on_time: usize,
}

/// The outcome of a ledger check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerReport {
    /// The ledger's name as given.
    pub source: String,
    /// The date the check was made for.
    pub today: Date,
    /// The calendar's region, `None` for national.
    pub region: Option<String>,
    /// Counts by status.
    pub summary: LedgerSummary,
    /// One result per row, most urgent first: overdue (most overdue first),
    /// rows with errors, rows waiting for a year's calendar, pending
    /// (soonest due first), late, on time.
    pub cases: Vec<CaseResult>,
    /// The ledger's header row as read.
    #[serde(skip)]
    pub headers: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CaseNumber,
    Entity,
    Decision,
    Effective,
    Published,
    Rule,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::CaseNumber => "案件编号 (case number)",
            Field::Entity => "当事人 (entity)",
            Field::Decision => "决定日期 (decision date)",
            Field::Effective => "生效日期 (effective date)",
            Field::Published => "公示日期 (published date)",
            Field::Rule => "规则 (rule)",
        }
    }

    fn label_zh(self) -> &'static str {
        match self {
            Field::CaseNumber => "案件编号",
            Field::Entity => "当事人",
            Field::Decision => "决定日期",
            Field::Effective => "生效日期",
            Field::Published => "公示日期",
            Field::Rule => "规则",
        }
    }

    fn from_header(h: &str) -> Option<Field> {
        let key: String = h
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '　'))
            .flat_map(|c| c.to_lowercase())
            .collect();
        Some(match key.as_str() {
            "案件编号"
            | "案号"
            | "编号"
            | "处罚决定书文号"
            | "决定书文号"
            | "文号"
            | "case"
            | "casenumber"
            | "caseno"
            | "caseid" => Field::CaseNumber,
            "当事人" | "当事人名称" | "企业名称" | "名称" | "市场主体" | "市场主体名称"
            | "entity" | "party" | "company" | "name" => Field::Entity,
            "决定日期" | "处罚决定日期" | "作出决定日期" | "决定作出日期" | "作出日期"
            | "decision" | "decisiondate" | "decided" => Field::Decision,
            "生效日期" | "决定生效日期" | "生效时间" | "effective" | "effectivedate" => {
                Field::Effective
            }
            "公示日期" | "公开日期" | "发布日期" | "公示时间" | "published" | "publisheddate"
            | "publicationdate" => Field::Published,
            "规则" | "期限规则" | "公示规则" | "rule" => Field::Rule,
            _ => return None,
        })
    }
}

/// Whether a row is a ledger's header: it names the three columns a ledger
/// must have (case number, decision date, effective date).
pub(crate) fn is_ledger_header(cells: &[String]) -> bool {
    let has = |want: Field| cells.iter().any(|c| Field::from_header(c) == Some(want));
    has(Field::CaseNumber) && has(Field::Decision) && has(Field::Effective)
}

/// Checks a case ledger (台账) on `today`.
///
/// `source` is the ledger's name for messages; `text` its contents (UTF-8
/// CSV, a leading byte-order mark is ignored). Columns are found by header,
/// Chinese or English (`案件编号`/`case_number`, `当事人`/`企业名称`/`entity`,
/// `决定日期`/`decision_date`, `生效日期`/`effective_date`,
/// `公示日期`/`published_date`, `规则`/`rule`); other columns are kept as
/// they are. A row's `rule` cell names a rule as [`Rule::find`] reads it;
/// empty means `default_rule` (处罚结果公示 when `None`).
///
/// # Errors
///
/// Only for the ledger as a whole:
/// - [`ErrorKind::Csv`] when the text is not a CSV table;
/// - [`ErrorKind::MissingColumn`] when the case number, decision date or
///   effective date column is missing;
/// - [`ErrorKind::DuplicateColumn`] when two columns mean the same field.
///
/// A bad row is reported in its [`CaseResult::errors`] (status `error`)
/// with the row and column; the other rows are still checked.
///
/// # Example
///
/// ```
/// use shuangsui::calendar::{check_ledger, Date, WorkingDayCalendar};
///
/// let cal = WorkingDayCalendar::national()?;
/// let csv = "案件编号,当事人,决定日期,生效日期,公示日期\n\
///            A-1,某商贸公司,2026-09-25,2026-09-28,2026-10-16\n\
///            A-2,某餐饮店,2026-09-25,2026-09-28,\n";
/// let report = check_ledger(&cal, "台账.csv", csv, Date::parse("2026-10-14")?, None)?;
/// let a1 = report.cases.iter().find(|c| c.case_number == "A-1").unwrap();
/// assert_eq!(a1.due.unwrap().to_string(), "2026-10-13");
/// assert_eq!(a1.status.code(), "late");
/// assert_eq!(report.cases[0].case_number, "A-2"); // overdue comes first
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn check_ledger(
    cal: &WorkingDayCalendar,
    source: &str,
    text: &str,
    today: Date,
    default_rule: Option<&Rule>,
) -> Result<LedgerReport> {
    check_ledger_file(
        cal,
        source,
        text.as_bytes(),
        &ReadOptions::default(),
        today,
        default_rule,
    )
}

/// As [`check_ledger`], for a ledger file's bytes in any format the
/// directories accept: CSV in UTF-8 or GBK (comma or tab), or an Excel
/// workbook (`.xlsx`, `.xls`; the sheet chosen in `read`), with title rows
/// above the header skipped (SPEC §3.0).
///
/// # Errors
/// As [`check_ledger`]; also `Csv` when the file cannot be decoded.
pub fn check_ledger_file(
    cal: &WorkingDayCalendar,
    source: &str,
    bytes: &[u8],
    read: &ReadOptions,
    today: Date,
    default_rule: Option<&Rule>,
) -> Result<LedgerReport> {
    let is_header = |cells: &[String]| {
        cells
            .iter()
            .any(|c| Field::from_header(c) == Some(Field::CaseNumber))
    };
    let mut table = Table::from_bytes(bytes, source, read, &is_header)?;
    let source_name = table.source().to_string();
    let source = source_name.as_str();
    let headers: Vec<String> = table.headers().to_vec();
    let mut columns: Vec<(Field, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(f) = Field::from_header(h) {
            if let Some((_, j)) = columns.iter().find(|(g, _)| *g == f) {
                return Err(Error::new(
                    ErrorKind::DuplicateColumn,
                    format!(
                        "columns \"{}\" and \"{h}\" both mean {}; keep one",
                        headers[*j],
                        f.label()
                    ),
                    format!(
                        "“{}”和“{h}”两列都表示{}；请只保留一列",
                        headers[*j],
                        f.label_zh()
                    ),
                )
                .at(Location {
                    file: Some(source.to_string()),
                    row: Some(1),
                    column: Some(h.clone()),
                }));
            }
            columns.push((f, i));
        }
    }
    let col = |f: Field| columns.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    for f in [Field::CaseNumber, Field::Decision, Field::Effective] {
        if col(f).is_none() {
            return Err(Error::new(
                ErrorKind::MissingColumn,
                format!(
                    "the ledger has no {} column; its header must name at least 案件编号, 决定日期 and 生效日期 (or case_number, decision_date, effective_date)",
                    f.label()
                ), format!(
                    "台账缺少{}列；表头至少要有 案件编号、决定日期 和 生效日期（或 case_number、decision_date、effective_date）",
                    f.label_zh()
                ))
            .in_file(source));
        }
    }
    let default_rule = default_rule.cloned().unwrap_or_else(Rule::default_rule);

    let mut cases = Vec::new();
    let mut cells_buf = Vec::new();
    while let Some(row) = table.next_row(&mut cells_buf)? {
        let cells: Vec<String> = cells_buf.clone();
        cases.push(check_row(
            cal,
            source,
            &headers,
            &col,
            row,
            cells,
            today,
            &default_rule,
        ));
    }
    cases.sort_by(|a, b| {
        a.status
            .rank()
            .cmp(&b.status.rank())
            .then(a.due.cmp(&b.due))
            .then(a.row.cmp(&b.row))
    });
    let mut summary = LedgerSummary {
        total: cases.len(),
        ..LedgerSummary::default()
    };
    for c in &cases {
        match c.status {
            CaseStatus::Overdue { .. } => summary.overdue += 1,
            CaseStatus::Error => summary.errors += 1,
            CaseStatus::CalendarMissing { .. } => summary.calendar_missing += 1,
            CaseStatus::Pending { .. } => summary.pending += 1,
            CaseStatus::Late { .. } => summary.late += 1,
            CaseStatus::OnTime => summary.on_time += 1,
        }
    }
    Ok(LedgerReport {
        source: source.to_string(),
        today,
        region: cal.region().map(str::to_string),
        summary,
        cases,
        headers,
    })
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    cal: &WorkingDayCalendar,
    source: &str,
    headers: &[String],
    col: &dyn Fn(Field) -> Option<usize>,
    row: u64,
    cells: Vec<String>,
    today: Date,
    default_rule: &Rule,
) -> CaseResult {
    let mut errors: Vec<Error> = Vec::new();
    let at = |i: Option<usize>| Location {
        file: Some(source.to_string()),
        row: Some(row),
        column: i.and_then(|i| headers.get(i)).cloned(),
    };
    let cell = |f: Field| -> &str {
        col(f)
            .and_then(|i| cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    if cells.len() != headers.len() {
        errors.push(
            Error::new(
                ErrorKind::Csv,
                format!(
                    "this row has {} cells but the header has {}",
                    cells.len(),
                    headers.len()
                ),
                format!(
                    "这一行有 {} 个单元格，但表头有 {} 列",
                    cells.len(),
                    headers.len()
                ),
            )
            .at(at(None)),
        );
    }
    let case_number = cell(Field::CaseNumber).to_string();
    if case_number.is_empty() {
        errors.push(
            Error::new(
                ErrorKind::InvalidValue,
                "the case number (案件编号) is empty",
                "案件编号为空",
            )
            .at(at(col(Field::CaseNumber))),
        );
    }
    let mut date_of = |f: Field| -> Option<Date> {
        let v = cell(f);
        if v.is_empty() {
            return None;
        }
        match Date::parse(v) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e.at(at(col(f))));
                None
            }
        }
    };
    let decision = date_of(Field::Decision);
    let effective = date_of(Field::Effective);
    let published = date_of(Field::Published);
    if let (Some(d), Some(e)) = (decision, effective) {
        if e < d {
            errors.push(
                Error::new(
                    ErrorKind::InvalidDate,
                    format!("the decision takes effect ({e}) before it is made ({d})"),
                    format!("生效日期（{e}）早于决定日期（{d}）"),
                )
                .at(at(col(Field::Effective))),
            );
        }
    }
    let rule = match cell(Field::Rule) {
        "" => Some(default_rule.clone()),
        name => match Rule::find(name) {
            Ok(r) if r.minimum => {
                errors.push(
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!(
                            "{} is a minimum period (the earliest end), not a publication deadline; check it with the deadline command",
                            r.name_zh
                        ), format!(
                            "{}是最短期限（最早届满日），不是公示期限；请用 deadline 命令计算",
                            r.name_zh
                        ))
                    .at(at(col(Field::Rule))),
                );
                None
            }
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(e.at(at(col(Field::Rule))));
                None
            }
        },
    };
    let mut gap: Option<CaseStatus> = None;
    let mut result = CaseResult {
        row,
        case_number,
        entity: cell(Field::Entity).to_string(),
        rule: rule.as_ref().map(|r| r.id.clone()),
        rule_name: rule.as_ref().map(|r| r.name_zh.clone()),
        start: None,
        due: None,
        published,
        status: CaseStatus::Error,
        holidays_in_period: Vec::new(),
        errors: Vec::new(),
        cells: Vec::new(),
    };
    if let Some(rule) = &rule {
        let (start_field, start) = match rule.start {
            StartEvent::Effective => (Field::Effective, effective),
            StartEvent::Decision | StartEvent::Event => (Field::Decision, decision),
        };
        let start_col = col(start_field);
        match start {
            None if cell(start_field).is_empty() => errors.push(
                Error::new(
                    ErrorKind::InvalidDate,
                    format!(
                        "{} is empty; rule {} counts from it ({})",
                        start_field.label(),
                        rule.name_zh,
                        rule.start_label
                    ),
                    format!(
                        "{}为空；规则“{}”从该日期起算（{}）",
                        start_field.label_zh(),
                        rule.name_zh,
                        rule.start_label
                    ),
                )
                .at(at(start_col)),
            ),
            None => {}
            Some(start) => {
                result.start = Some(start);
                match cal.apply_rule(rule, start) {
                    Err(e) if e.kind() == ErrorKind::CalendarUncovered => {
                        match calendar_missing(cal, rule, start) {
                            Some(status) => gap = Some(status),
                            None => errors.push(e.at(at(start_col))),
                        }
                    }
                    Ok(d) => {
                        result.due = Some(d.due);
                        result.holidays_in_period = d
                            .skipped_holidays()
                            .into_iter()
                            .map(str::to_string)
                            .collect();
                    }
                    Err(e) => errors.push(e.at(at(start_col))),
                }
            }
        }
    }
    if let (true, Some(status)) = (errors.is_empty(), gap) {
        result.status = status;
    }
    if errors.is_empty() {
        if let Some(due) = result.due {
            let column = if published.is_some() {
                col(Field::Published)
            } else {
                None
            };
            match publication_status(cal, due, published, today) {
                Ok(s) => result.status = s,
                Err(e) => errors.push(e.at(at(column))),
            }
        }
    }
    result.errors = errors;
    result.cells = cells;
    result
}

/// Where a publication due on `due` stands on `today`: on time, late or
/// overdue by N working days, or pending with N left (SPEC §16.5). The
/// case ledger and the results ledger (§16.8) both count this way.
///
/// # Errors
/// `CalendarUncovered` when the days between fall in a year the calendar
/// does not cover.
pub(crate) fn publication_status(
    cal: &WorkingDayCalendar,
    due: Date,
    published: Option<Date>,
    today: Date,
) -> Result<CaseStatus> {
    let late_by = |x: Date| cal.working_days_between(due, x).map(|n| n.max(1));
    match published {
        Some(p) if p <= due => Ok(CaseStatus::OnTime),
        Some(p) => late_by(p).map(|working_days| CaseStatus::Late { working_days }),
        None if today <= due => cal
            .working_days_between(today, due)
            .map(|working_days_left| CaseStatus::Pending { working_days_left }),
        None => late_by(today).map(|working_days| CaseStatus::Overdue { working_days }),
    }
}

/// The 待补日历 status of a period from `start` that runs into a year the
/// calendar lacks (SPEC §16.5), or `None` when the year lacking is beyond
/// the next notice (after the year following the last national year): a
/// date such as 2062 is more likely mistyped than waiting for a calendar.
pub(crate) fn calendar_missing(
    cal: &WorkingDayCalendar,
    rule: &Rule,
    start: Date,
) -> Option<CaseStatus> {
    let gap = cal.calendar_gap(start, rule.period)?;
    let next = cal.last_national_year()? + 1;
    (gap.year <= next).then_some(CaseStatus::CalendarMissing {
        year: gap.year,
        regional: gap.regional,
        counted: gap.counted,
        remaining: gap.remaining,
    })
}

fn period_text(p: Period) -> String {
    match p {
        Period::WorkingDays(n) => format!("{n}个工作日"),
        Period::NaturalDays(n) => format!("{n}日"),
        Period::QuarterlyBy10th => "季后10日前".to_string(),
    }
}

impl CaseResult {
    /// The row's errors on one line, each after its column, in Chinese
    /// (`zh`) or English.
    fn errors_text(&self, zh: bool) -> String {
        errors_text(&self.errors, zh)
    }

    /// What a 待补日历 row has counted and what it waits for, in Chinese
    /// (`zh`) or English; where to give the year's file is the adapter's.
    fn calendar_missing_text(&self, zh: bool) -> String {
        let CaseStatus::CalendarMissing {
            year,
            regional,
            counted,
            remaining,
        } = self.status
        else {
            return String::new();
        };
        let what = match (regional, zh) {
            (false, true) => format!("请导入{year}年国务院节假日安排通知后重新核查"),
            (true, true) => format!("请补充{year}年的地方节假日日历后重新核查"),
            (false, false) => format!(
                "import the State Council's holiday notice for {year} into the calendar, then check again"
            ),
            (true, false) => {
                format!("add the region's holidays of {year} to the calendar, then check again")
            }
        };
        let before_year = self.start.is_some_and(|s| s.year() < year);
        match (counted, remaining) {
            (Some(n), Some(m)) if before_year => {
                let end = year - 1;
                if zh {
                    format!("已计{n}个工作日（截至{end}-12-31），还差{m}个；日历尚未包含{year}年，{what}")
                } else {
                    format!(
                        "{n} working day{} counted (to {end}-12-31), {m} still to count; the calendar does not cover {year} yet: {what}",
                        if n == 1 { "" } else { "s" }
                    )
                }
            }
            _ if !before_year => {
                if zh {
                    format!("起算日期在{year}年，日历尚未包含该年，{what}")
                } else {
                    format!("the period starts in {year}, which the calendar does not cover yet: {what}")
                }
            }
            _ => {
                if zh {
                    format!("期限延伸到{year}年，日历尚未包含该年，{what}")
                } else {
                    format!("the period runs into {year}, which the calendar does not cover yet: {what}")
                }
            }
        }
    }

    /// A one-line explanation in Chinese, as the CSV's 说明 column shows it.
    pub fn explanation(&self) -> String {
        let due = self.due.map(|d| d.to_string()).unwrap_or_default();
        let mut s = match self.status {
            CaseStatus::Overdue { working_days } => {
                format!("已超过截止日期{due} {working_days}个工作日，尚未公示")
            }
            CaseStatus::Error => self.errors_text(true),
            CaseStatus::CalendarMissing { .. } => self.calendar_missing_text(true),
            CaseStatus::Pending {
                working_days_left: 0,
            } => format!("今天（{due}）是最后一天"),
            CaseStatus::Pending { working_days_left } => {
                format!("截止{due}，还有{working_days_left}个工作日")
            }
            CaseStatus::Late { working_days } => {
                format!("截止{due}，晚{working_days}个工作日公示")
            }
            CaseStatus::OnTime => format!("截止{due}，已按时公示"),
        };
        if !self.holidays_in_period.is_empty() && self.status != CaseStatus::Error {
            s.push_str(&format!("（期间含{}）", self.holidays_in_period.join("、")));
        }
        s
    }

    /// The same explanation in English, for the page in English (the
    /// holidays keep the names the calendar gives them).
    pub fn explanation_en(&self) -> String {
        let due = self.due.map(|d| d.to_string()).unwrap_or_default();
        let days = |n: i64| {
            if n == 1 {
                "1 working day".to_string()
            } else {
                format!("{n} working days")
            }
        };
        let mut s = match self.status {
            CaseStatus::Overdue { working_days } => {
                format!(
                    "{} past the due date {due}, not published",
                    days(working_days)
                )
            }
            CaseStatus::Error => self.errors_text(false),
            CaseStatus::CalendarMissing { .. } => self.calendar_missing_text(false),
            CaseStatus::Pending {
                working_days_left: 0,
            } => format!("today ({due}) is the last day"),
            CaseStatus::Pending { working_days_left } => {
                format!("due {due}, {} left", days(working_days_left))
            }
            CaseStatus::Late { working_days } => {
                format!("due {due}, published {} late", days(working_days))
            }
            CaseStatus::OnTime => format!("due {due}, published in time"),
        };
        if !self.holidays_in_period.is_empty() && self.status != CaseStatus::Error {
            let names: Vec<String> = self
                .holidays_in_period
                .iter()
                .map(|h| super::data::holiday_name_en(h).unwrap_or_else(|| h.clone()))
                .collect();
            s.push_str(&format!(" (the period includes {})", names.join(", ")));
        }
        s
    }
}

impl LedgerReport {
    /// True when any case is overdue (the CLI exits 1 then).
    pub fn has_overdue(&self) -> bool {
        self.summary.overdue > 0
    }

    /// The years the 待补日历 rows wait for, ascending, each with whether
    /// only a region's holidays are missing.
    pub fn missing_years(&self) -> Vec<(i32, bool)> {
        let mut years: Vec<(i32, bool)> = self
            .cases
            .iter()
            .filter_map(|c| match c.status {
                CaseStatus::CalendarMissing { year, regional, .. } => Some((year, regional)),
                _ => None,
            })
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// The report as a table: the ledger's own columns untouched, then the
    /// report's (适用规则, 期限, 起算日期, 截止日期, 状态, status, 工作日数,
    /// 说明), one row per case in urgency order. [`LedgerReport::to_csv`]
    /// and the Excel report write exactly this.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header: Vec<String> = self.headers.clone();
        header.extend(
            [
                "适用规则",
                "期限",
                "起算日期",
                "截止日期",
                "状态",
                "status",
                "工作日数",
                "说明",
            ]
            .map(str::to_string),
        );
        let rows =
            self.cases
                .iter()
                .map(|c| {
                    let mut rec = c.cells.clone();
                    rec.resize(self.headers.len().max(rec.len()), String::new());
                    let days = match c.status {
                        CaseStatus::Overdue { working_days }
                        | CaseStatus::Late { working_days } => working_days.to_string(),
                        CaseStatus::Pending { working_days_left } => working_days_left.to_string(),
                        // The days counted so far; the explanation says so.
                        CaseStatus::CalendarMissing {
                            counted: Some(n), ..
                        } => n.to_string(),
                        _ => String::new(),
                    };
                    let period = c
                        .rule
                        .as_deref()
                        .and_then(|id| Rule::find(id).ok())
                        .map(|r| period_text(r.period))
                        .unwrap_or_default();
                    rec.extend([
                        c.rule_name.clone().unwrap_or_default(),
                        period,
                        c.start.map(|d| d.to_string()).unwrap_or_default(),
                        c.due.map(|d| d.to_string()).unwrap_or_default(),
                        c.status.label_zh().to_string(),
                        c.status.code().to_string(),
                        days,
                        c.explanation(),
                    ]);
                    rec
                })
                .collect();
        (header, rows)
    }

    /// The report as CSV: every original column, then
    /// `适用规则,期限,起算日期,截止日期,状态,status,工作日数,说明`, rows in
    /// the report's order (most urgent first). It is written as every CSV
    /// of shuangsui is (CRLF line ends; a cell that a spreadsheet would
    /// take for a formula, such as a ledger's `=HYPERLINK(…)`, prefixed
    /// with `'`), without a byte-order mark: a caller writing a file for
    /// Excel puts one in front.
    ///
    /// # Errors
    ///
    /// None in practice: the text is built in memory.
    pub fn to_csv(&self) -> Result<String> {
        let (header, rows) = self.table();
        let mut out = String::new();
        crate::publish::csv::row(&mut out, &header);
        for rec in &rows {
            crate::publish::csv::row(&mut out, rec);
        }
        Ok(out)
    }

    /// The report as pretty-printed JSON (the serde form of this struct).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] only if serialization fails, which does not happen
    /// in practice.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("could not write JSON: {e}"),
                format!("无法写出 JSON：{e}"),
            )
        })
    }
}

/// A row's errors on one line, each after its column: the case ledger's
/// and the results ledger's (one wording for both).
pub(crate) fn errors_text(errors: &[crate::Error], zh: bool) -> String {
    let (after_column, between) = if zh { ("：", "；") } else { (": ", "; ") };
    errors
        .iter()
        .map(|e| {
            let col = e
                .location()
                .and_then(|l| l.column.as_deref())
                .map(|c| format!("{c}{after_column}"))
                .unwrap_or_default();
            let message = if zh { e.message_zh() } else { e.message() };
            format!("{col}{message}")
        })
        .collect::<Vec<_>>()
        .join(between)
}
