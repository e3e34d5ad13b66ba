//! The inspection-results ledger (抽查结果台账, SPEC §16.8): the third part
//! of 双随机、一公开, 抽查情况及查处结果及时向社会公开.
//!
//! A draw gives the blank ledger ([`results_ledger_table`]): one row per
//! drawn entity with its task, stratum, code, name and team, and the
//! columns the clerk fills in (检查日期, 检查结果, 后续处置, 处罚决定日期,
//! 处罚决定生效日期, 结果公示日期, 处罚公示日期, 备注). Reading it back
//! ([`check_results_file`]) puts every row on two clocks — the inspection
//! result within 20 working days of the inspection, the penalty within 7
//! working days of the decision taking effect — checks the rows against
//! the draw record when one is given (every drawn entity once, none added,
//! the teams unchanged), and counts the figures a department reports per
//! task, department, stratum and month.
//!
//! As for the case ledger (§16.5), one bad row never stops the check: it
//! gets its own errors, with the cell, and the other rows are counted.

use serde::Serialize;

use super::date::Date;
use super::days::WorkingDayCalendar;
use super::ledger::{calendar_missing, publication_status, CaseStatus};
use super::rules::Rule;
use crate::input::table::{ReadOptions, RowSource, Table};
use crate::record::{DrawRecord, Role};
use crate::{Error, ErrorKind, Location, Result};

/// One category of inspection result (检查结果) offered in the ledger's
/// dropdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResultCategory {
    /// The text written in the cell.
    pub name: &'static str,
    /// The English name, for the page in English.
    pub name_en: &'static str,
    /// True when the result counts as a problem found (发现问题).
    pub problem: bool,
}

/// The inspection result categories (SPEC §16.8), in the order of the
/// dropdown: the 抽查检查结果 categories that 国家企业信用信息公示系统
/// publishes for 企业公示信息抽查 (企业公示信息抽查暂行办法, 原国家工商总局令
/// 第67号, 2025年市场监管总局令第101号修订; the four grounds of 经营异常名录
/// in 企业信息公示暂行条例 and 企业经营异常名录管理暂行办法), and the
/// outcomes of a 双随机 inspection of other matters.
pub const RESULT_CATEGORIES: &[ResultCategory] = &[
    ResultCategory {
        name: "未发现问题",
        name_en: "no problem found",
        problem: false,
    },
    ResultCategory {
        name: "未按规定公示年报信息",
        name_en: "annual report not published as required",
        problem: true,
    },
    ResultCategory {
        name: "未按规定公示即时信息",
        name_en: "current information not published as required",
        problem: true,
    },
    ResultCategory {
        name: "公示信息隐瞒真实情况、弄虚作假",
        name_en: "published information concealed or falsified",
        problem: true,
    },
    ResultCategory {
        name: "通过登记的住所（经营场所）无法联系",
        name_en: "cannot be reached at the registered address",
        problem: true,
    },
    ResultCategory {
        name: "不予配合情节严重",
        name_en: "refused to cooperate, serious",
        problem: true,
    },
    ResultCategory {
        name: "发现问题已责令整改",
        name_en: "problem found, ordered to correct",
        problem: true,
    },
    ResultCategory {
        name: "发现违法行为已立案",
        name_en: "violation found, case opened",
        problem: true,
    },
    ResultCategory {
        name: "发现问题已移送有关部门",
        name_en: "problem found, referred to another authority",
        problem: true,
    },
    ResultCategory {
        name: "已注销",
        name_en: "deregistered",
        problem: false,
    },
    ResultCategory {
        name: "已吊销营业执照",
        name_en: "business licence revoked",
        problem: false,
    },
];

/// The category a cell names, spaces and half- or full-width brackets and
/// commas ignored (`通过登记的住所(经营场所)无法联系`).
pub fn result_category(text: &str) -> Option<&'static ResultCategory> {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                ',' | '，' => '、',
                _ => c,
            })
            .collect()
    };
    let key = fold(text);
    RESULT_CATEGORIES.iter().find(|c| fold(c.name) == key)
}

/// The columns of the blank ledger, in order: the draw's (抽查任务 to
/// 组员单位, as the result table names them) then the ones to fill in.
pub const RESULTS_LEDGER_COLUMNS: [&str; 20] = [
    "抽查任务",
    "序号",
    "分层",
    "分层内序号",
    "统一社会信用代码",
    "企业名称",
    "检查组长",
    "组长执法证号",
    "组长单位",
    "组员",
    "组员执法证号",
    "组员单位",
    "检查日期",
    "检查结果",
    "后续处置",
    "处罚决定日期",
    "处罚决定生效日期",
    "结果公示日期",
    "处罚公示日期",
    "备注",
];

/// How many of [`RESULTS_LEDGER_COLUMNS`] come from the draw.
pub const RESULTS_LEDGER_DRAW_COLUMNS: usize = 12;

/// The blank results ledger of a draw: [`RESULTS_LEDGER_COLUMNS`] and one
/// row per drawn entity in draw order, the columns to fill in empty.
pub fn results_ledger_table(record: &DrawRecord) -> Vec<Vec<String>> {
    record
        .draws
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let result = crate::publish::result_row(record, n, d);
            let mut row = Vec::with_capacity(RESULTS_LEDGER_COLUMNS.len());
            row.push(record.task.name.clone());
            // The result row without its last cell, the ticket (抽签值).
            row.extend(
                result[..RESULTS_LEDGER_DRAW_COLUMNS - 1]
                    .iter()
                    .map(|c| c.to_string()),
            );
            row.resize(RESULTS_LEDGER_COLUMNS.len(), String::new());
            row
        })
        .collect()
}

/// The blank results ledger as CSV (CRLF, formula guard, no byte-order
/// mark: a caller writing a file for Excel puts one in front).
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let csv = shuangsui::calendar::results_ledger_csv(&demo.record);
/// assert!(csv.starts_with("抽查任务,序号,分层,"));
/// assert_eq!(csv.lines().count(), demo.record.draws.len() + 1);
/// ```
pub fn results_ledger_csv(record: &DrawRecord) -> String {
    let mut out = String::new();
    crate::publish::csv::row(&mut out, RESULTS_LEDGER_COLUMNS);
    for row in results_ledger_table(record) {
        crate::publish::csv::row(&mut out, &row);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Task,
    Stratum,
    Code,
    Name,
    LeaderId,
    Department,
    MemberIds,
    Inspected,
    Result,
    FollowUp,
    Decision,
    Effective,
    ResultPublished,
    PenaltyPublished,
}

impl Field {
    fn from_header(h: &str) -> Option<Field> {
        let key: String = h
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '　'))
            .collect();
        Some(match key.as_str() {
            "抽查任务" | "任务名称" | "任务" => Field::Task,
            "分层" => Field::Stratum,
            "统一社会信用代码" | "社会信用代码" | "信用代码" => Field::Code,
            "企业名称" | "名称" | "市场主体名称" => Field::Name,
            "组长执法证号" => Field::LeaderId,
            "组长单位" | "实施部门" | "检查部门" => Field::Department,
            "组员执法证号" => Field::MemberIds,
            "检查日期" | "检查时间" | "实施检查日期" => Field::Inspected,
            "检查结果" | "抽查结果" | "抽查检查结果" => Field::Result,
            "后续处置" | "后续处理" | "处置情况" => Field::FollowUp,
            "处罚决定日期" | "处罚日期" => Field::Decision,
            "处罚决定生效日期" | "处罚生效日期" => Field::Effective,
            "结果公示日期" | "检查结果公示日期" | "抽查结果公示日期" => {
                Field::ResultPublished
            }
            "处罚公示日期" | "处罚结果公示日期" => Field::PenaltyPublished,
            _ => return None,
        })
    }

    fn label_zh(self) -> &'static str {
        match self {
            Field::Task => "抽查任务",
            Field::Stratum => "分层",
            Field::Code => "统一社会信用代码",
            Field::Name => "企业名称",
            Field::LeaderId => "组长执法证号",
            Field::Department => "组长单位",
            Field::MemberIds => "组员执法证号",
            Field::Inspected => "检查日期",
            Field::Result => "检查结果",
            Field::FollowUp => "后续处置",
            Field::Decision => "处罚决定日期",
            Field::Effective => "处罚决定生效日期",
            Field::ResultPublished => "结果公示日期",
            Field::PenaltyPublished => "处罚公示日期",
        }
    }

    fn label_en(self) -> &'static str {
        match self {
            Field::Task => "task (抽查任务)",
            Field::Stratum => "stratum (分层)",
            Field::Code => "entity code (统一社会信用代码)",
            Field::Name => "entity name (企业名称)",
            Field::LeaderId => "leader's certificate (组长执法证号)",
            Field::Department => "leader's department (组长单位)",
            Field::MemberIds => "members' certificates (组员执法证号)",
            Field::Inspected => "inspection date (检查日期)",
            Field::Result => "inspection result (检查结果)",
            Field::FollowUp => "follow-up (后续处置)",
            Field::Decision => "penalty decision date (处罚决定日期)",
            Field::Effective => "penalty effective date (处罚决定生效日期)",
            Field::ResultPublished => "result publication date (结果公示日期)",
            Field::PenaltyPublished => "penalty publication date (处罚公示日期)",
        }
    }
}

/// Whether a header row is a results ledger's: it names 统一社会信用代码,
/// 检查日期 and 检查结果.
pub(crate) fn is_results_header(cells: &[String]) -> bool {
    let has = |want: Field| cells.iter().any(|c| Field::from_header(c) == Some(want));
    has(Field::Code) && has(Field::Inspected) && has(Field::Result)
}

/// Where one of a row's two publications stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ClockStatus {
    /// The clock has not started: not inspected yet (inspection result), or
    /// no penalty decided (penalty).
    NotStarted,
    /// Published on or before the due date.
    OnTime,
    /// Not yet published and still in time.
    Pending {
        /// Working days from today to the due date; 0 means due today.
        working_days_left: i64,
    },
    /// Published after the due date.
    Late {
        /// Working days past the due date (at least 1).
        working_days: i64,
    },
    /// Not yet published and today is after the due date.
    Overdue {
        /// Working days past the due date (at least 1).
        working_days: i64,
    },
    /// 待补日历: the period runs into the next year, which the working-day
    /// calendar does not cover yet (SPEC §16.5).
    CalendarMissing {
        /// The year the calendar lacks.
        year: i32,
    },
    /// The row's dates for this clock cannot be read; see the row's errors.
    Error,
}

impl ClockStatus {
    /// The stable code: `not_started`, `on_time`, `pending`, `late`,
    /// `overdue`, `calendar_missing`, `error`.
    pub fn code(self) -> &'static str {
        match self {
            ClockStatus::NotStarted => "not_started",
            ClockStatus::OnTime => "on_time",
            ClockStatus::Pending { .. } => "pending",
            ClockStatus::Late { .. } => "late",
            ClockStatus::Overdue { .. } => "overdue",
            ClockStatus::CalendarMissing { .. } => "calendar_missing",
            ClockStatus::Error => "error",
        }
    }

    /// The Chinese text of the status, with its working days.
    pub fn text_zh(self, not_started: &str) -> String {
        match self {
            ClockStatus::NotStarted => not_started.to_string(),
            ClockStatus::OnTime => "按时公示".to_string(),
            ClockStatus::Pending { working_days_left } => {
                format!("待公示 还有{working_days_left}个工作日")
            }
            ClockStatus::Late { working_days } => format!("逾期公示 晚{working_days}个工作日"),
            ClockStatus::Overdue { working_days } => {
                format!("逾期未公示 {working_days}个工作日")
            }
            ClockStatus::CalendarMissing { year } => format!("待补日历 缺{year}年日历"),
            ClockStatus::Error => "数据有误".to_string(),
        }
    }

    /// The English text of the status.
    pub fn text_en(self, not_started: &str) -> String {
        let days = |n: i64| {
            if n == 1 {
                "1 working day".to_string()
            } else {
                format!("{n} working days")
            }
        };
        match self {
            ClockStatus::NotStarted => not_started.to_string(),
            ClockStatus::OnTime => "published in time".to_string(),
            ClockStatus::Pending { working_days_left } => {
                format!("to publish, {} left", days(working_days_left))
            }
            ClockStatus::Late { working_days } => {
                format!("published {} late", days(working_days))
            }
            ClockStatus::Overdue { working_days } => {
                format!("overdue by {}, not published", days(working_days))
            }
            ClockStatus::CalendarMissing { year } => format!("calendar missing: {year}"),
            ClockStatus::Error => "data error".to_string(),
        }
    }

    fn of(s: CaseStatus) -> ClockStatus {
        match s {
            CaseStatus::OnTime => ClockStatus::OnTime,
            CaseStatus::Pending { working_days_left } => ClockStatus::Pending { working_days_left },
            CaseStatus::Late { working_days } => ClockStatus::Late { working_days },
            CaseStatus::Overdue { working_days } => ClockStatus::Overdue { working_days },
            CaseStatus::Error => ClockStatus::Error,
            CaseStatus::CalendarMissing { year, .. } => ClockStatus::CalendarMissing { year },
        }
    }
}

/// One publication of a row: its rule, period and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// The rule's id (`inspection-results`, `penalty-publicity`,
    /// `penalty-publicity-decision`), when the clock runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The day the period runs from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// The due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// The publication date, if published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Where it stands.
    #[serde(flatten)]
    pub status: ClockStatus,
}

impl Clock {
    fn not_started(published: Option<Date>) -> Clock {
        Clock {
            rule: None,
            start: None,
            due: None,
            published,
            status: ClockStatus::NotStarted,
        }
    }
}

/// The result for one row of a results ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultsRow {
    /// The row in the file (1-based, the header is row 1).
    pub row: u64,
    /// 抽查任务.
    pub task: String,
    /// 分层.
    pub stratum: String,
    /// 统一社会信用代码 as written.
    pub code: String,
    /// 企业名称.
    pub name: String,
    /// 组长单位: the department the figures count the row under.
    pub department: String,
    /// 检查日期.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspected: Option<Date>,
    /// 检查结果 as written.
    pub result: String,
    /// True when the result counts as a problem found.
    pub problem: bool,
    /// True when a penalty was decided (处罚决定日期 filled in).
    pub penalty: bool,
    /// The inspection result's publication (20 working days).
    pub result_clock: Clock,
    /// The penalty's publication (7 working days).
    pub penalty_clock: Clock,
    /// True when nothing is left to do for the row (SPEC §16.8).
    pub closed: bool,
    /// The team's certificate numbers as the ledger gives them, leader
    /// first; `None` when the ledger has no team columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Vec<String>>,
    /// What is wrong with the row's cells, each naming its column.
    pub errors: Vec<Error>,
    /// Every cell of the row as read.
    #[serde(skip)]
    pub cells: Vec<String>,
}

impl ResultsRow {
    /// True when either publication is overdue.
    pub fn overdue(&self) -> bool {
        matches!(self.result_clock.status, ClockStatus::Overdue { .. })
            || matches!(self.penalty_clock.status, ClockStatus::Overdue { .. })
    }

    /// The row's errors on one line, each after its column.
    fn errors_text(&self, zh: bool) -> String {
        super::ledger::errors_text(&self.errors, zh)
    }
}

/// A difference between the ledger and the draw record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RecordProblem {
    /// A drawn entity no row names.
    Missing {
        /// Its code.
        code: String,
        /// Its name in the record.
        name: String,
    },
    /// An entity that was not drawn.
    Added {
        /// The row.
        row: u64,
        /// The code as written.
        code: String,
    },
    /// A drawn entity named by more than one row.
    Duplicate {
        /// Its code.
        code: String,
        /// The rows naming it.
        rows: Vec<u64>,
    },
    /// A row whose team is not the team drawn.
    TeamChanged {
        /// The row.
        row: u64,
        /// The entity's code.
        code: String,
        /// The certificate numbers drawn, leader first.
        drawn: Vec<String>,
        /// The certificate numbers in the ledger, leader first.
        ledger: Vec<String>,
    },
}

impl RecordProblem {
    /// One line in Chinese.
    pub fn text_zh(&self) -> String {
        match self {
            RecordProblem::Missing { code, name } => {
                format!("抽中的检查对象 {code}（{name}）不在台账中")
            }
            RecordProblem::Added { row, code } => {
                format!("第 {row} 行的 {code} 不是本次抽中的检查对象")
            }
            RecordProblem::Duplicate { code, rows } => format!(
                "检查对象 {code} 在台账中出现 {} 次（第 {} 行）",
                rows.len(),
                join_rows(rows, "、")
            ),
            RecordProblem::TeamChanged {
                row,
                code,
                drawn,
                ledger,
            } => format!(
                "第 {row} 行 {code} 的检查组与抽取结果不同：抽取为 {}，台账为 {}",
                drawn.join("、"),
                if ledger.is_empty() {
                    "（空）".to_string()
                } else {
                    ledger.join("、")
                }
            ),
        }
    }

    /// One line in English.
    pub fn text_en(&self) -> String {
        match self {
            RecordProblem::Missing { code, name } => {
                format!("drawn entity {code} ({name}) is not in the ledger")
            }
            RecordProblem::Added { row, code } => {
                format!("row {row}: {code} was not drawn in this draw")
            }
            RecordProblem::Duplicate { code, rows } => format!(
                "entity {code} is in the ledger {} times (rows {})",
                rows.len(),
                join_rows(rows, ", ")
            ),
            RecordProblem::TeamChanged {
                row,
                code,
                drawn,
                ledger,
            } => format!(
                "row {row}: the team of {code} is not the team drawn: drawn {}, ledger {}",
                drawn.join(", "),
                if ledger.is_empty() {
                    "(empty)".to_string()
                } else {
                    ledger.join(", ")
                }
            ),
        }
    }
}

fn join_rows(rows: &[u64], sep: &str) -> String {
    rows.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// The check of a ledger against its draw record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordCheck {
    /// The record's task name.
    pub task: String,
    /// The record's digest (抽取记录摘要).
    pub record_digest: String,
    /// Entities drawn.
    pub drawn: usize,
    /// Every difference, missing entities first (in draw order), then by
    /// row.
    pub problems: Vec<RecordProblem>,
}

/// The counts of one group of rows (SPEC §16.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Rows (entities drawn).
    pub drawn: usize,
    /// Rows with an inspection date.
    pub inspected: usize,
    /// Rows whose inspection result is published.
    pub published: usize,
    /// Of those, in time.
    pub published_on_time: usize,
    /// Of those, late.
    pub published_late: usize,
    /// Results due and not published.
    pub overdue: usize,
    /// Results counting as a problem found.
    pub problems: usize,
    /// Rows with a penalty decision.
    pub penalties: usize,
    /// Penalties published in time.
    pub penalties_on_time: usize,
    /// Rows closed.
    pub closed: usize,
}

impl Figures {
    fn add(&mut self, r: &ResultsRow) {
        self.drawn += 1;
        self.inspected += usize::from(r.inspected.is_some());
        self.published += usize::from(r.result_clock.published.is_some());
        match r.result_clock.status {
            ClockStatus::OnTime => self.published_on_time += 1,
            ClockStatus::Late { .. } => self.published_late += 1,
            ClockStatus::Overdue { .. } => self.overdue += 1,
            _ => {}
        }
        self.problems += usize::from(r.problem);
        self.penalties += usize::from(r.penalty);
        self.penalties_on_time += usize::from(r.penalty_clock.status == ClockStatus::OnTime);
        self.closed += usize::from(r.closed);
    }

    /// The on-time rate of inspection results whose due date has come or
    /// that are published, in tenths of a percent: on time ÷ (on time +
    /// late + overdue); `None` when none is.
    pub fn on_time_permille(&self) -> Option<u32> {
        let due = self.published_on_time + self.published_late + self.overdue;
        (due > 0).then(|| ((self.published_on_time * 1000 + due / 2) / due) as u32)
    }

    /// The rate as text (`87.5%`, `—`).
    pub fn on_time_rate(&self) -> String {
        match self.on_time_permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".to_string(),
        }
    }
}

/// The figures of one group: a dimension (`task`, `department`, `stratum`,
/// `month`, or `total`) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureGroup {
    /// The dimension.
    pub by: &'static str,
    /// The group's value (a task's name, a department, a stratum, a month
    /// `YYYY-MM`, `未检查` for rows without an inspection date; `合计`).
    pub value: String,
    /// The counts.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The dimensions of the figures, with their Chinese and English names.
pub const FIGURE_DIMENSIONS: [(&str, &str, &str); 5] = [
    ("total", "合计", "total"),
    ("task", "抽查任务", "task"),
    ("department", "部门", "department"),
    ("stratum", "分层", "stratum"),
    ("month", "检查月份", "month inspected"),
];

impl FigureGroup {
    /// The group's value in English: the dimension's own words (`total`,
    /// `not inspected`, `(empty)`) translated, data values as they are.
    pub fn value_en(&self) -> String {
        match self.value.as_str() {
            "合计" if self.by == "total" => "total".to_string(),
            "未检查" if self.by == "month" => "not inspected".to_string(),
            "（未填）" => "(empty)".to_string(),
            v => v.to_string(),
        }
    }
}

/// The headers of the figures table.
pub const FIGURE_COLUMNS: [&str; 13] = [
    "维度",
    "分组",
    "抽取",
    "已检查",
    "结果已公示",
    "按时公示",
    "逾期公示",
    "逾期未公示",
    "按时公示率",
    "发现问题",
    "处罚",
    "处罚按时公示",
    "已办结",
];

/// Counts of one clock's statuses over the rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    /// Not started (not inspected, no penalty).
    pub not_started: usize,
    /// Published in time.
    pub on_time: usize,
    /// To publish, still in time.
    pub pending: usize,
    /// Published late.
    pub late: usize,
    /// Overdue, not published.
    pub overdue: usize,
    /// 待补日历.
    pub calendar_missing: usize,
    /// 数据有误.
    pub error: usize,
}

impl StatusCounts {
    fn add(&mut self, s: ClockStatus) {
        *match s {
            ClockStatus::NotStarted => &mut self.not_started,
            ClockStatus::OnTime => &mut self.on_time,
            ClockStatus::Pending { .. } => &mut self.pending,
            ClockStatus::Late { .. } => &mut self.late,
            ClockStatus::Overdue { .. } => &mut self.overdue,
            ClockStatus::CalendarMissing { .. } => &mut self.calendar_missing,
            ClockStatus::Error => &mut self.error,
        } += 1;
    }
}

/// Counts of rows by the state of their inspection result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ResultsSummary {
    /// Rows.
    pub total: usize,
    /// Rows with an overdue publication (either clock).
    pub overdue: usize,
    /// Rows with errors.
    pub errors: usize,
    /// Rows whose period runs into an uncovered year.
    pub calendar_missing: usize,
    /// Rows closed.
    pub closed: usize,
    /// The inspection results' statuses.
    pub results: StatusCounts,
    /// The penalties' statuses.
    pub penalties: StatusCounts,
}

/// The outcome of a results ledger check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultsReport {
    /// The ledger's name.
    pub source: String,
    /// The date the check was made for.
    pub today: Date,
    /// The calendar's region, `None` for national.
    pub region: Option<String>,
    /// Counts.
    pub summary: ResultsSummary,
    /// The check against the draw record, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_check: Option<RecordCheck>,
    /// One result per row, in the file's order.
    pub rows: Vec<ResultsRow>,
    /// The figures: the total, then per task, department, stratum and
    /// month, each group in order of its value.
    pub figures: Vec<FigureGroup>,
    /// The header row as read.
    #[serde(skip)]
    pub headers: Vec<String>,
}

/// Checks a results ledger (CSV in UTF-8 or GBK, or Excel; title rows
/// above the header skipped) on `today`, and against `record` when given.
///
/// # Errors
/// Only for the file as a whole: `Csv` when it cannot be read;
/// `MissingColumn` without 统一社会信用代码, 检查日期 or 检查结果;
/// `DuplicateColumn` when two columns mean the same field. A bad cell is
/// an error of its row (status `数据有误`), the other rows are checked.
///
/// # Example
/// ```
/// use shuangsui::calendar::{check_results_file, Date, WorkingDayCalendar};
/// let cal = WorkingDayCalendar::national()?;
/// let csv = "统一社会信用代码,企业名称,检查日期,检查结果,结果公示日期\n\
///            91652302MA7XXXXXX1,某商贸公司,2026-09-01,未发现问题,2026-09-20\n";
/// let r = check_results_file(&cal, "台账.csv", csv.as_bytes(), &Default::default(),
///     Date::parse("2026-10-14")?, None)?;
/// assert_eq!(r.rows[0].result_clock.due.unwrap().to_string(), "2026-09-29");
/// assert_eq!(r.rows[0].result_clock.status.code(), "on_time");
/// assert!(r.rows[0].closed);
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn check_results_file(
    cal: &WorkingDayCalendar,
    source: &str,
    bytes: &[u8],
    read: &ReadOptions,
    today: Date,
    record: Option<&DrawRecord>,
) -> Result<ResultsReport> {
    let mut table = Table::from_bytes(bytes, source, read, &is_results_header)?;
    let source = table.source().to_string();
    let headers: Vec<String> = table.headers().to_vec();
    let mut columns: Vec<(Field, usize)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let Some(f) = Field::from_header(h) else {
            continue;
        };
        if let Some((_, j)) = columns.iter().find(|(g, _)| *g == f) {
            return Err(Error::new(
                ErrorKind::DuplicateColumn,
                format!(
                    "columns \"{}\" and \"{h}\" both mean {}; keep one",
                    headers[*j],
                    f.label_en()
                ),
                format!(
                    "“{}”和“{h}”两列都表示{}；请只保留一列",
                    headers[*j],
                    f.label_zh()
                ),
            )
            .at(Location {
                file: Some(source.clone()),
                row: Some(1),
                column: Some(h.clone()),
            }));
        }
        columns.push((f, i));
    }
    let col = |f: Field| columns.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    for f in [Field::Code, Field::Inspected, Field::Result] {
        if col(f).is_none() {
            return Err(Error::new(
                ErrorKind::MissingColumn,
                format!(
                    "the results ledger has no {} column; its header must name at least 统一社会信用代码, 检查日期 and 检查结果 (start from the 台账.xlsx the draw wrote)",
                    f.label_en()
                ),
                format!(
                    "抽查结果台账缺少“{}”列；表头至少要有 统一社会信用代码、检查日期 和 检查结果（请从抽取时生成的 台账.xlsx 开始填写）",
                    f.label_zh()
                ),
            )
            .in_file(&source));
        }
    }
    let mut rows = Vec::new();
    let mut buf = Vec::new();
    while let Some(n) = table.next_row(&mut buf)? {
        let ctx = RowContext {
            cal,
            source: &source,
            headers: &headers,
            col: &col,
            today,
        };
        rows.push(ctx.check(n, buf.clone()));
    }
    let record_check = record.map(|r| check_against_record(r, &rows));
    let mut summary = ResultsSummary {
        total: rows.len(),
        ..ResultsSummary::default()
    };
    for r in &rows {
        summary.overdue += usize::from(r.overdue());
        summary.errors += usize::from(!r.errors.is_empty());
        summary.calendar_missing += usize::from(
            matches!(r.result_clock.status, ClockStatus::CalendarMissing { .. })
                || matches!(r.penalty_clock.status, ClockStatus::CalendarMissing { .. }),
        );
        summary.closed += usize::from(r.closed);
        summary.results.add(r.result_clock.status);
        summary.penalties.add(r.penalty_clock.status);
    }
    let figures = figures(&rows);
    Ok(ResultsReport {
        source,
        today,
        region: cal.region().map(str::to_string),
        summary,
        record_check,
        rows,
        figures,
        headers,
    })
}

struct RowContext<'a> {
    cal: &'a WorkingDayCalendar,
    source: &'a str,
    headers: &'a [String],
    col: &'a dyn Fn(Field) -> Option<usize>,
    today: Date,
}

impl RowContext<'_> {
    fn at(&self, row: u64, f: Option<Field>) -> Location {
        Location {
            file: Some(self.source.to_string()),
            row: Some(row),
            column: f
                .and_then(|f| (self.col)(f))
                .and_then(|i| self.headers.get(i))
                .cloned(),
        }
    }

    fn check(&self, row: u64, cells: Vec<String>) -> ResultsRow {
        let cell = |f: Field| -> String {
            (self.col)(f)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let mut errors: Vec<Error> = Vec::new();
        let date = |f: Field, errors: &mut Vec<Error>| -> Option<Date> {
            let v = cell(f);
            if v.is_empty() {
                return None;
            }
            match Date::parse(&v) {
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e.at(self.at(row, Some(f))));
                    None
                }
            }
        };
        let inspected = date(Field::Inspected, &mut errors);
        let decision = date(Field::Decision, &mut errors);
        let effective = date(Field::Effective, &mut errors);
        let result_published = date(Field::ResultPublished, &mut errors);
        let penalty_published = date(Field::PenaltyPublished, &mut errors);
        let bad_dates = !errors.is_empty();
        let problem = |f: Field, en: String, zh: String, errors: &mut Vec<Error>| {
            errors.push(Error::new(ErrorKind::InvalidValue, en, zh).at(self.at(row, Some(f))));
        };
        let code = cell(Field::Code);
        if code.is_empty() {
            problem(
                Field::Code,
                "the entity code is empty".into(),
                "统一社会信用代码为空".into(),
                &mut errors,
            );
        }
        let result = cell(Field::Result);
        let category = result_category(&result);
        if !result.is_empty() && category.is_none() {
            let names: Vec<&str> = RESULT_CATEGORIES.iter().map(|c| c.name).collect();
            problem(
                Field::Result,
                format!(
                    "\"{result}\" is not one of the result categories: {}",
                    names.join(", ")
                ),
                format!(
                    "“{result}”不是规定的检查结果；请从下拉列表中选择：{}",
                    names.join("；")
                ),
                &mut errors,
            );
        }
        if inspected.is_none() && cell(Field::Inspected).is_empty() {
            if !result.is_empty() {
                problem(
                    Field::Inspected,
                    "a result is filled in but the inspection date is empty".into(),
                    "已填检查结果，但检查日期为空".into(),
                    &mut errors,
                );
            }
            if result_published.is_some() {
                problem(
                    Field::Inspected,
                    "a result publication date is filled in but the inspection date is empty"
                        .into(),
                    "已填结果公示日期，但检查日期为空".into(),
                    &mut errors,
                );
            }
        }
        if result_published.is_some() && result.is_empty() {
            problem(
                Field::Result,
                "the result is published but the result (检查结果) is empty".into(),
                "已填结果公示日期，但检查结果为空".into(),
                &mut errors,
            );
        }
        if let (Some(i), Some(p)) = (inspected, result_published) {
            if p < i {
                problem(
                    Field::ResultPublished,
                    format!("the result is published ({p}) before the inspection ({i})"),
                    format!("结果公示日期（{p}）早于检查日期（{i}）"),
                    &mut errors,
                );
            }
        }
        if decision.is_none()
            && cell(Field::Decision).is_empty()
            && (effective.is_some() || penalty_published.is_some())
        {
            problem(
                Field::Decision,
                "a penalty's effective or publication date is filled in but the decision date is empty".into(),
                "已填处罚决定生效日期或处罚公示日期，但处罚决定日期为空".into(),
                &mut errors,
            );
        }
        if let (Some(d), Some(e)) = (decision, effective) {
            if e < d {
                problem(
                    Field::Effective,
                    format!("the penalty takes effect ({e}) before it is decided ({d})"),
                    format!("处罚决定生效日期（{e}）早于处罚决定日期（{d}）"),
                    &mut errors,
                );
            }
        }
        if let (Some(i), Some(d)) = (inspected, decision) {
            if d < i {
                problem(
                    Field::Decision,
                    format!("the penalty is decided ({d}) before the inspection ({i})"),
                    format!("处罚决定日期（{d}）早于检查日期（{i}）"),
                    &mut errors,
                );
            }
        }
        let row_ok = errors.is_empty();
        let mut clock_errors = Vec::new();
        // The inspection result: 20 working days from the inspection.
        let result_clock = match inspected {
            None if bad_dates && !cell(Field::Inspected).is_empty() => Clock {
                status: ClockStatus::Error,
                ..Clock::not_started(result_published)
            },
            None => Clock::not_started(result_published),
            Some(start) => self
                .clock(
                    Rule::find("inspection-results").ok(),
                    start,
                    result_published,
                    row_ok,
                )
                .unwrap_or_else(|(c, e)| {
                    clock_errors.push(e.at(self.at(row, Some(Field::Inspected))));
                    c
                }),
        };
        // The penalty: 7 working days from the day the decision takes
        // effect, or, while that is not known, from the decision itself.
        let penalty_clock = match (decision, effective) {
            (None, _) if !row_ok && !cell(Field::Decision).is_empty() => Clock {
                status: ClockStatus::Error,
                ..Clock::not_started(penalty_published)
            },
            (None, _) => Clock::not_started(penalty_published),
            (Some(_), Some(e)) => self
                .clock(
                    Rule::find("penalty-publicity").ok(),
                    e,
                    penalty_published,
                    row_ok,
                )
                .unwrap_or_else(|(c, e)| {
                    clock_errors.push(e.at(self.at(row, Some(Field::Effective))));
                    c
                }),
            (Some(d), None) => self
                .clock(
                    Rule::find("penalty-publicity-decision").ok(),
                    d,
                    penalty_published,
                    row_ok,
                )
                .unwrap_or_else(|(c, e)| {
                    clock_errors.push(e.at(self.at(row, Some(Field::Decision))));
                    c
                }),
        };
        errors.extend(clock_errors);
        let row_ok = errors.is_empty();
        let penalty = decision.is_some();
        let team = ((self.col)(Field::LeaderId).is_some()
            || (self.col)(Field::MemberIds).is_some())
        .then(|| {
            let leader = split_ids(&cell(Field::LeaderId));
            let members = split_ids(&cell(Field::MemberIds));
            leader
                .iter()
                .chain(&members)
                .map(|s| norm_inspector(s))
                .collect()
        });
        let problem_found = category.is_some_and(|c| c.problem);
        let follow_up = !cell(Field::FollowUp).is_empty();
        let closed = row_ok
            && category.is_some()
            && result_published.is_some()
            && (!problem_found || follow_up)
            && (!penalty || penalty_published.is_some());
        ResultsRow {
            row,
            task: cell(Field::Task),
            stratum: cell(Field::Stratum),
            code,
            name: cell(Field::Name),
            department: cell(Field::Department),
            inspected,
            result,
            problem: problem_found,
            penalty,
            result_clock,
            penalty_clock,
            closed,
            team,
            errors,
            cells,
        }
    }

    /// One publication's clock from `start`: `Error` when the row has
    /// errors (its dates are not to be trusted), `CalendarMissing` when the
    /// period runs into the next year, not yet covered; `Err` with the
    /// clock in `Error` when it cannot be counted (a year far beyond the
    /// calendar, more likely a mistyped date).
    fn clock(
        &self,
        rule: Option<Rule>,
        start: Date,
        published: Option<Date>,
        row_ok: bool,
    ) -> std::result::Result<Clock, (Clock, Error)> {
        let mut clock = Clock {
            rule: rule.as_ref().map(|r| r.id.clone()),
            start: Some(start),
            due: None,
            published,
            status: ClockStatus::Error,
        };
        let Some(rule) = rule else { return Ok(clock) };
        if !row_ok {
            return Ok(clock);
        }
        let status = self.cal.apply_rule(&rule, start).and_then(|d| {
            clock.due = Some(d.due);
            publication_status(self.cal, d.due, published, self.today)
        });
        match status {
            Ok(s) => {
                clock.status = ClockStatus::of(s);
                Ok(clock)
            }
            Err(e) => match calendar_missing(self.cal, &rule, start) {
                Some(s) if clock.due.is_none() => {
                    clock.status = ClockStatus::of(s);
                    Ok(clock)
                }
                _ => Err((clock, e)),
            },
        }
    }
}

/// The normalized form of a code or certificate for comparing (full-width
/// folded, case ignored); the text itself when it does not normalize.
fn norm_entity(s: &str) -> String {
    crate::normalize_entity_id(s).unwrap_or_else(|_| s.trim().to_string())
}

fn norm_inspector(s: &str) -> String {
    crate::normalize_inspector_id(s).unwrap_or_else(|_| s.trim().to_string())
}

fn check_against_record(record: &DrawRecord, rows: &[ResultsRow]) -> RecordCheck {
    let mut problems = Vec::new();
    let mut by_code: std::collections::BTreeMap<String, Vec<&ResultsRow>> = Default::default();
    for r in rows {
        if !r.code.is_empty() {
            by_code.entry(norm_entity(&r.code)).or_default().push(r);
        }
    }
    let mut drawn_codes = std::collections::BTreeSet::new();
    for d in &record.draws {
        drawn_codes.insert(d.entity.id.clone());
        if !by_code.contains_key(&d.entity.id) {
            problems.push(RecordProblem::Missing {
                code: d.entity.id.clone(),
                name: d.entity.name.clone(),
            });
        }
    }
    let mut later = Vec::new();
    for r in rows {
        if r.code.is_empty() {
            continue;
        }
        let key = norm_entity(&r.code);
        if !drawn_codes.contains(&key) {
            later.push((
                r.row,
                RecordProblem::Added {
                    row: r.row,
                    code: r.code.clone(),
                },
            ));
            continue;
        }
        let same = &by_code[&key];
        if same.len() > 1 && same[0].row == r.row {
            later.push((
                r.row,
                RecordProblem::Duplicate {
                    code: key.clone(),
                    rows: same.iter().map(|x| x.row).collect(),
                },
            ));
        }
        if let Some(d) = record.draws.iter().find(|d| d.entity.id == key) {
            let drawn: Vec<String> = d
                .team
                .iter()
                .filter(|m| m.role == Role::Leader)
                .chain(d.team.iter().filter(|m| m.role != Role::Leader))
                .map(|m| m.id.clone())
                .collect();
            if let Some(ledger) = r.team.clone() {
                if ledger != drawn {
                    later.push((
                        r.row,
                        RecordProblem::TeamChanged {
                            row: r.row,
                            code: key.clone(),
                            drawn,
                            ledger,
                        },
                    ));
                }
            }
        }
    }
    later.sort_by_key(|(row, _)| *row);
    problems.extend(later.into_iter().map(|(_, p)| p));
    RecordCheck {
        task: record.task.name.clone(),
        record_digest: record.record_digest.clone(),
        drawn: record.draws.len(),
        problems,
    }
}

/// Certificate numbers in a cell, as the draw joins them (、) or a clerk
/// might (comma, semicolon, space).
fn split_ids(v: &str) -> Vec<String> {
    v.split(['、', ',', '，', ';', '；', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn figures(rows: &[ResultsRow]) -> Vec<FigureGroup> {
    let mut out = Vec::new();
    let mut total = Figures::default();
    for r in rows {
        total.add(r);
    }
    out.push(FigureGroup {
        by: "total",
        value: "合计".to_string(),
        figures: total,
    });
    type Key<'a> = &'a dyn Fn(&ResultsRow) -> String;
    let keys: [(&'static str, Key<'_>); 4] = [
        ("task", &|r| r.task.clone()),
        ("department", &|r| r.department.clone()),
        ("stratum", &|r| r.stratum.clone()),
        ("month", &|r| {
            r.inspected.map_or_else(
                || "未检查".to_string(),
                |d| format!("{:04}-{:02}", d.year(), d.month()),
            )
        }),
    ];
    for (by, key) in keys {
        let mut groups: std::collections::BTreeMap<String, Figures> = Default::default();
        for r in rows {
            groups.entry(key(r)).or_default().add(r);
        }
        for (value, figures) in groups {
            out.push(FigureGroup {
                by,
                value: if value.is_empty() {
                    "（未填）".to_string()
                } else {
                    value
                },
                figures,
            });
        }
    }
    out
}

impl ResultsReport {
    /// True when a publication is overdue (the CLI exits 1 then).
    pub fn has_overdue(&self) -> bool {
        self.summary.overdue > 0
    }

    /// True when the record check found a difference (the CLI exits 1).
    pub fn has_record_problems(&self) -> bool {
        self.record_check
            .as_ref()
            .is_some_and(|c| !c.problems.is_empty())
    }

    /// The report as a table: the ledger's own columns untouched, then
    /// 结果截止日期, 结果公示状态, 处罚截止日期, 处罚公示状态, 是否办结, 说明,
    /// one row per ledger row in the file's order.
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut header = self.headers.clone();
        header.extend(
            [
                "结果截止日期",
                "结果公示状态",
                "处罚截止日期",
                "处罚公示状态",
                "是否办结",
                "说明",
            ]
            .map(str::to_string),
        );
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut rec = r.cells.clone();
                rec.resize(self.headers.len().max(rec.len()), String::new());
                let due = |c: &Clock| c.due.map(|d| d.to_string()).unwrap_or_default();
                rec.extend([
                    due(&r.result_clock),
                    r.result_clock.status.text_zh("未检查"),
                    due(&r.penalty_clock),
                    r.penalty_clock.status.text_zh("无处罚"),
                    if r.closed { "已办结" } else { "未办结" }.to_string(),
                    r.errors_text(true),
                ]);
                rec
            })
            .collect();
        (header, rows)
    }

    /// The row's explanation in English (the page in English).
    pub fn row_text_en(&self, r: &ResultsRow) -> String {
        r.errors_text(false)
    }

    /// The figures as a table: [`FIGURE_COLUMNS`], one row per group.
    pub fn figures_table(&self) -> Vec<Vec<String>> {
        self.figures
            .iter()
            .map(|g| {
                let f = &g.figures;
                let by = FIGURE_DIMENSIONS
                    .iter()
                    .find(|(id, _, _)| *id == g.by)
                    .map_or(g.by, |(_, zh, _)| zh);
                vec![
                    by.to_string(),
                    g.value.clone(),
                    f.drawn.to_string(),
                    f.inspected.to_string(),
                    f.published.to_string(),
                    f.published_on_time.to_string(),
                    f.published_late.to_string(),
                    f.overdue.to_string(),
                    f.on_time_rate(),
                    f.problems.to_string(),
                    f.penalties.to_string(),
                    f.penalties_on_time.to_string(),
                    f.closed.to_string(),
                ]
            })
            .collect()
    }

    /// The record check as lines in Chinese (empty without a record).
    pub fn record_lines_zh(&self) -> Vec<String> {
        self.record_check
            .iter()
            .flat_map(|c| c.problems.iter().map(RecordProblem::text_zh))
            .collect()
    }

    /// The report as CSV (see [`ResultsReport::table`]), without a
    /// byte-order mark.
    pub fn to_csv(&self) -> String {
        let (header, rows) = self.table();
        let mut out = String::new();
        crate::publish::csv::row(&mut out, &header);
        for r in &rows {
            crate::publish::csv::row(&mut out, r);
        }
        out
    }

    /// The figures as CSV ([`FIGURE_COLUMNS`]), without a byte-order mark.
    pub fn figures_csv(&self) -> String {
        let mut out = String::new();
        crate::publish::csv::row(&mut out, FIGURE_COLUMNS);
        for r in self.figures_table() {
            crate::publish::csv::row(&mut out, &r);
        }
        out
    }

    /// The report as pretty-printed JSON.
    ///
    /// # Errors
    /// `Io` only if serialization fails, which does not happen in practice.
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

/// Either kind of ledger, as [`read_ledger_file`] recognized it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnyLedger {
    /// A case ledger (台账核查, SPEC §16.5).
    Cases(super::LedgerReport),
    /// A results ledger (抽查结果台账, SPEC §16.8).
    Results(ResultsReport),
}

/// Reads a ledger file of either kind — one reading for both: a header
/// with 统一社会信用代码, 检查日期 and 检查结果 makes it a results ledger
/// ([`check_results_file`], checked against `record` when given), anything
/// else is read as a case ledger ([`super::check_ledger_file`] with
/// `default_rule`).
///
/// # Errors
/// As the two checks; `InvalidValue` when a record is given with a case
/// ledger (it has no drawn entities to compare).
pub fn read_ledger_file(
    cal: &WorkingDayCalendar,
    source: &str,
    bytes: &[u8],
    read: &ReadOptions,
    today: Date,
    default_rule: Option<&Rule>,
    record: Option<&DrawRecord>,
) -> Result<AnyLedger> {
    let results = {
        let table = Table::from_bytes(bytes, source, read, &is_results_header)?;
        is_results_header(table.headers())
    };
    if results {
        return check_results_file(cal, source, bytes, read, today, record).map(AnyLedger::Results);
    }
    if record.is_some() {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "a draw record was given, but this ledger is a case ledger (案件编号, 决定日期, 生效日期), not the results ledger of a draw (统一社会信用代码, 检查日期, 检查结果): give the 台账.xlsx the draw wrote, or leave the record out",
            "给出了抽取记录，但该台账是案件台账（案件编号、决定日期、生效日期），不是抽取生成的抽查结果台账（统一社会信用代码、检查日期、检查结果）：请放入抽取时生成的 台账.xlsx，或不放抽取记录",
        )
        .in_file(source));
    }
    super::check_ledger_file(cal, source, bytes, read, today, default_rule).map(AnyLedger::Cases)
}

#[cfg(test)]
mod tests;
