//! Working-day calendar (工作日) and publication deadlines (公示期限).
//!
//! This module answers "by which day must this be published?" the way
//! Chinese law counts, on the official calendar of days off and make-up
//! working days (调休上班) that the State Council General Office fixes each
//! year, with regional overlays (Xinjiang's 肉孜节 and 古尔邦节) and the
//! user's own calendar files on top. It is specified in SPEC.md §16.
//!
//! - [`Date`]: civil dates, parsed from `YYYY-MM-DD` and Chinese forms.
//! - [`WorkingDayCalendar`]: which days are working days, year by year; a
//!   year the calendar does not cover is an error
//!   ([`ErrorKind::CalendarUncovered`](crate::ErrorKind::CalendarUncovered)),
//!   never a weekends-only guess.
//! - [`WorkingDayCalendar::add_working_days`],
//!   [`WorkingDayCalendar::add_natural_days`],
//!   [`WorkingDayCalendar::working_days_between`]: counting periods
//!   (民法典 第二百零一条、第二百零三条).
//! - [`Rule`]: named deadline rules with their legal basis.
//! - [`check_ledger`]: the case ledger check (台账核查).
//! - [`check_results_file`]: the inspection-results ledger of a draw
//!   (抽查结果台账); [`read_ledger_file`] reads either kind.
//! - [`calendar_status`]: the years covered, layer by layer, and when the
//!   next notice is due; [`WorkingDayCalendar::edge_note`]: a deadline
//!   that the next notice can still move.
//! - [`import_notice`]: a holiday notice's text read into a calendar file.
//! - [`MonthGrid`]: month views for the terminal and the web page;
//!   [`PeriodMonth`]: the same with a deadline's period marked.
//!
//! Nothing here reads the clock or the file system: "today" and every file's
//! contents are arguments.
//!
//! # Example
//!
//! ```
//! use shuangsui::calendar::{Date, Rule, WorkingDayCalendar};
//!
//! let cal = WorkingDayCalendar::national()?;
//! let rule = Rule::find("处罚结果公示")?;
//! let d = cal.apply_rule(&rule, Date::parse("2026-02-13")?)?;
//! assert_eq!(d.due.to_string(), "2026-03-02");
//! assert_eq!(d.skipped_holidays(), ["春节"]);
//! # Ok::<(), shuangsui::Error>(())
//! ```

mod count;
mod data;
mod date;
mod days;
mod grid;
mod import;
mod ledger;
mod results;
mod rules;
mod status;

pub use count::{CalendarGap, Deadline, Period};
pub(crate) use data::is_calendar_text;
pub use data::{
    holiday_name_en, parse_calendar_file, CalendarEntry, CalendarFile, EntryKind, RegionInfo,
    NATIONAL, REGIONS,
};
pub use date::{Date, Weekday};
pub use days::{Day, DayKind, UserCalendar, WorkingDayCalendar};
pub use grid::{MonthGrid, PeriodDay, PeriodMonth};
pub use import::{
    import_notice, import_notices, HolidaySummary, ImportedCalendar, NoticeForm, NoticeInfo,
};
pub(crate) use ledger::is_ledger_header;
pub use ledger::{
    check_ledger, check_ledger_file, CaseResult, CaseStatus, LedgerReport, LedgerSummary,
};
pub(crate) use results::is_results_header;
pub use results::{
    check_results_file, read_ledger_file, result_category, results_ledger_csv,
    results_ledger_table, AnyLedger, Clock, ClockStatus, FigureGroup, Figures, RecordCheck,
    RecordProblem, ResultCategory, ResultsReport, ResultsRow, ResultsSummary, StatusCounts,
    FIGURE_COLUMNS, FIGURE_DIMENSIONS, RESULTS_LEDGER_COLUMNS, RESULTS_LEDGER_DRAW_COLUMNS,
    RESULT_CATEGORIES,
};
pub use rules::{Rule, StartEvent};
pub use status::{
    calendar_status, CalendarStatus, CoveredYear, EdgeNote, LayerStatus, StatusNote,
    StatusNoteKind, YearSource,
};

/// The shipped calendar files, (file name, contents), e.g. for an adapter
/// that offers them as templates or lists their sources.
pub fn shipped_files() -> &'static [(&'static str, &'static str)] {
    data::SHIPPED
}
