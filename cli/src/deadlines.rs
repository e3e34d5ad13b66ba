//! The deadline commands (`deadline`, `rules`, `ledger`, `calendar`): read
//! the files and flags, make one call into `shuangsui::calendar`, and lay
//! the result out for a terminal. Counting, rules and the ledger check live
//! in the core; the only thing computed here is today's date, from the
//! system clock, because the core never reads the clock.

use crate::commands::{file_name, io_error, name, read_text, Report};
use crate::flags::{
    CalendarAction, CalendarArgs, CalendarFlags, CalendarImportArgs, CalendarStatusArgs,
    DeadlineArgs, Format, LedgerArgs,
};
use crate::output::Outputs;
use crate::term::{colour_stdout, pad, paint, truncate, width, Style};
use serde_json::json;
use shuangsui::calendar::{
    import_notices, read_ledger_file, AnyLedger, CaseStatus, ClockStatus, Date, Day, DayKind,
    LedgerReport, MonthGrid, Period, ResultsReport, Rule, StartEvent, UserCalendar,
    WorkingDayCalendar,
};
use shuangsui::{decode_text, Error, ErrorKind, ReadOptions, Result, TextEncoding};
use std::fmt::Write as _;

/// The `--calendar` files as (name, text), each decoded as a table is
/// (UTF-8 with or without a byte-order mark, or GBK: SPEC §3.0).
fn calendar_files(flags: &CalendarFlags) -> Result<Vec<(String, String)>> {
    flags
        .calendar
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| io_error(p, "read", e))?;
            let n = name(p);
            let text = decode_text(&bytes, &n, TextEncoding::Auto)?;
            Ok((n, text))
        })
        .collect()
}

/// The calendar of `--region` with the `--calendar` files laid over it.
fn load_calendar(flags: &CalendarFlags) -> Result<WorkingDayCalendar> {
    let files = calendar_files(flags)?;
    let user: Vec<UserCalendar<'_>> = files
        .iter()
        .map(|(n, t)| UserCalendar { name: n, text: t })
        .collect();
    WorkingDayCalendar::load(flags.region.as_deref(), &user)
}

/// Adds the command-line way to supply a missing year to the core's
/// message, which describes the file but not the flag.
fn with_calendar_hint(e: Error) -> Error {
    if e.kind() == ErrorKind::CalendarUncovered {
        e.hint(
            " Import with `shuangsui calendar import NOTICE.txt --out FILE`; give the file with --calendar FILE.",
            "导入：shuangsui calendar import 通知.txt --out 文件；请用 --calendar 文件 指定该文件。",
        )
    } else {
        e
    }
}

fn date_flag(flag: &str, value: &str) -> Result<Date> {
    Date::parse(value)
        .map_err(|e| e.context(&format!("{flag} {value}"), &format!("{flag} {value}")))
}

/// Today's date in China (Asia/Shanghai, UTC+8 all year, no summer time).
pub(crate) fn today_in_china() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days((secs + 8 * 3600).div_euclid(86_400))
}

fn region_label(cal: &WorkingDayCalendar) -> String {
    match cal.region() {
        None => "national calendar (全国)".to_string(),
        Some(r) => {
            let zh = shuangsui::calendar::REGIONS
                .iter()
                .find(|i| i.id == r)
                .map_or(r, |i| i.name_zh);
            format!("{r} calendar ({zh})")
        }
    }
}

/// Runs of consecutive days with the same name (weekends unnamed):
/// (first, last, name, count).
fn runs(days: &[&Day]) -> Vec<(Date, Date, Option<String>, usize)> {
    let mut out: Vec<(Date, Date, Option<String>, usize)> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some((_, last, n, count)) if last.succ() == d.date && *n == d.name => {
                *last = d.date;
                *count += 1;
            }
            _ => out.push((d.date, d.date, d.name.clone(), 1)),
        }
    }
    out
}

fn span(first: Date, last: Date) -> String {
    if first == last {
        format!("{first} ({})", first.weekday().short_en())
    } else {
        format!("{first} – {last}")
    }
}

/// `shuangsui deadline`.
pub fn deadline(args: &DeadlineArgs) -> Result<Report> {
    let start = date_flag("--start", &args.start)?;
    let rule = match (&args.rule, args.working_days, args.days) {
        (Some(r), _, _) => Rule::find(r)?,
        (None, Some(n), _) => Rule::custom(Period::WorkingDays(n), StartEvent::Event),
        (None, None, Some(n)) => Rule::custom(Period::NaturalDays(n), StartEvent::Event),
        // clap requires one of the three.
        (None, None, None) => Rule::default_rule(),
    };
    let cal = load_calendar(&args.calendar)?;
    let d = cal.apply_rule(&rule, start).map_err(with_calendar_hint)?;

    let mut t = String::new();
    let due_what = if rule.minimum {
        "earliest end (最短期限届满日)"
    } else {
        "due date (截止日期)"
    };
    let _ = writeln!(
        t,
        "{due_what}: {} ({}, 星期{})",
        d.due,
        d.due.weekday().short_en(),
        d.due.weekday().short_zh()
    );
    let custom = Rule::all().iter().all(|r| r.id != rule.id);
    if custom {
        let _ = writeln!(t, "  period (期限): {}", rule.period);
    } else {
        let _ = writeln!(
            t,
            "  rule (规则): {} — {} from {}",
            rule.name_zh, rule.period, rule.start_label
        );
    }
    let _ = writeln!(
        t,
        "  start (起算日): {} ({}), not counted (民法典 第二百零一条)",
        d.start,
        d.start.weekday().short_en()
    );
    if let Some(m) = d.moved_from {
        let why = cal
            .day(m)
            .ok()
            .and_then(|day| day.name)
            .unwrap_or_else(|| "weekend, 周末".to_string());
        let _ = writeln!(
            t,
            "  the period's last day {m} is a day off ({why}): moved to the next working day (民法典 第二百零三条)"
        );
    }
    let skipped: Vec<&Day> = d.skipped.iter().collect();
    if skipped.is_empty() {
        let _ = writeln!(t, "  days off on the way (期间休息日): none");
    } else {
        let _ = writeln!(t, "  days off on the way (期间休息日): {}", skipped.len());
        for (first, last, n, count) in runs(&skipped) {
            let what = n.unwrap_or_else(|| "weekend (周末)".to_string());
            let days = if count == 1 {
                String::new()
            } else {
                format!(", {count} days")
            };
            let _ = writeln!(t, "    {}  {what}{days}", pad(&span(first, last), 23));
        }
    }
    if !custom {
        let _ = writeln!(t, "  basis (依据): {}", rule.basis);
    }
    if rule.minimum {
        let _ = writeln!(
            t,
            "  this period is a minimum: it may not end before {}",
            d.due
        );
    } else {
        let _ = writeln!(t, "  an act on {} is in time (期限最后一日当日有效)", d.due);
    }
    let _ = writeln!(t, "  calendar: {}", region_label(&cal));
    let edge = cal.edge_note(&d);
    if let Some(note) = &edge {
        let _ = writeln!(t, "\n  {}\n  {}", note.zh, note.en);
    }

    let json = json!({
        "start": d.start,
        "due": d.due,
        "period": d.period,
        "moved_from": d.moved_from,
        "minimum": rule.minimum,
        "rule": rule,
        "skipped": d.skipped,
        "skipped_holidays": d.skipped_holidays(),
        "region": cal.region(),
        "edge_note": edge,
    });
    Ok(Report::ok(t, json))
}

/// `shuangsui rules`.
pub fn rules() -> Result<Report> {
    let all = Rule::all();
    let mut t = String::from("Deadline rules (期限规则); use the id or the Chinese name with --rule, or a period such as 7wd / 30d:\n");
    for r in &all {
        let _ = writeln!(t, "\n  {}  {} ({})", r.id, r.name_zh, r.name_en);
        let min = if r.minimum {
            " (a minimum: the earliest end)"
        } else {
            ""
        };
        let _ = writeln!(t, "      {} from {}{min}", r.period, r.start_label);
        let _ = writeln!(t, "      basis (依据): {}", r.basis);
    }
    Ok(Report::ok(t, json!({ "rules": all })))
}

fn status_style(s: CaseStatus) -> Option<Style> {
    match s {
        CaseStatus::Overdue { .. } => Some(Style::Alarm),
        CaseStatus::Error => Some(Style::Dim),
        CaseStatus::CalendarMissing { .. } => Some(Style::Warn),
        CaseStatus::Pending {
            working_days_left: 0..=2,
        } => Some(Style::Warn),
        CaseStatus::Pending { .. } => None,
        CaseStatus::Late { .. } => Some(Style::Warn),
        CaseStatus::OnTime => Some(Style::Good),
    }
}

fn summary_line(r: &LedgerReport) -> String {
    let s = &r.summary;
    let missing = if s.calendar_missing > 0 {
        format!(
            ", {} waiting for a year's calendar (待补日历)",
            s.calendar_missing
        )
    } else {
        String::new()
    };
    format!(
        "{} cases: {} overdue (逾期未公示), {} could not be checked (数据有误){missing}, {} pending (待公示), {} published late (逾期公示), {} on time (按时公示)",
        s.total, s.overdue, s.errors, s.pending, s.late, s.on_time
    )
}

/// What to do about the 待补日历 rows, one line per missing year: how to
/// supply it on the command line, and that these rows are not overdue.
fn calendar_missing_lines(r: &LedgerReport) -> Vec<String> {
    r.missing_years()
        .into_iter()
        .map(|(year, regional)| {
            let what = if regional {
                format!("the region's holidays of {year} (地方节假日日历) are not in the calendar: write them into a calendar file and give it with --calendar FILE")
            } else {
                format!(
                    "the State Council's holiday notice for {year} (国务院办公厅关于{year}年部分节假日安排的通知) is not in the calendar: \
                     import it with `shuangsui calendar import NOTICE --out cn-{year}.csv`, then give --calendar cn-{year}.csv"
                )
            };
            format!("{year}: {what}; the rows waiting for it (待补日历) are not overdue and do not make the exit code 1, check again then.")
        })
        .collect()
}

/// The report as a terminal table, most urgent first.
fn ledger_table(r: &LedgerReport, colour: bool) -> String {
    let mut t = format!(
        "Ledger check (台账核查) of {} on {}\n{}\n\n",
        r.source,
        r.today,
        summary_line(r)
    );
    let header = ["状态", "案件编号", "当事人", "规则", "截止日期", "说明"];
    let rows: Vec<[String; 6]> = r
        .cases
        .iter()
        .map(|c| {
            [
                c.status.label_zh().to_string(),
                c.case_number.clone(),
                truncate(&c.entity, 24),
                c.rule_name.clone().unwrap_or_default(),
                c.due.map(|d| d.to_string()).unwrap_or_default(),
                c.explanation(),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let last = cells.len() - 1;
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c.clone()
                } else {
                    pad(c, widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(t, "{}", line(&header.map(str::to_string)));
    for (c, row) in r.cases.iter().zip(&rows) {
        let _ = writeln!(t, "{}", paint(colour, status_style(c.status), &line(row)));
    }
    let missing = calendar_missing_lines(r);
    if !missing.is_empty() {
        t.push('\n');
        for l in missing {
            let _ = writeln!(t, "{l}");
        }
    }
    if r.has_overdue() {
        let _ = writeln!(
            t,
            "\n{} overdue: publish them now (exit code 1).",
            r.summary.overdue
        );
    }
    t
}

/// `shuangsui ledger`.
pub fn ledger(args: &LedgerArgs, format: Format) -> Result<Report> {
    let today = match &args.today {
        Some(d) => date_flag("--today", d)?,
        None => today_in_china(),
    };
    let default_rule = args.rule.as_deref().map(Rule::find).transpose()?;
    let cal = load_calendar(&args.calendar)?;
    let read = ReadOptions {
        encoding: TextEncoding::parse(&args.read.encoding)
            .map_err(|e| e.context("--encoding", "--encoding"))?,
        sheet: args.read.sheet.clone(),
    };
    if let Some(out) = &args.out {
        let same = match (
            std::fs::canonicalize(out),
            std::fs::canonicalize(&args.file),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(Error::new(
                ErrorKind::Io,
                "--out names the ledger itself; the ledger is never overwritten: choose another file", "--out 指向台账文件本身；台账不会被覆盖：请另选一个文件")
            .in_file(&name(out)));
        }
    }
    // Refused before any work when the report exists and no --force.
    let staged = match &args.out {
        Some(out) => Some(Outputs::files(&[out], args.force)?),
        None => None,
    };
    let bytes = std::fs::read(&args.file).map_err(|e| io_error(&args.file, "read", e))?;
    let record = match &args.record {
        Some(p) => Some(
            shuangsui::DrawRecord::from_published(&read_text(p)?)
                .map_err(|e| e.in_file(&name(p)))?,
        ),
        None => None,
    };
    let report = match read_ledger_file(
        &cal,
        &name(&args.file),
        &bytes,
        &read,
        today,
        default_rule.as_ref(),
        record.as_ref(),
    )
    .map_err(with_calendar_hint)?
    {
        AnyLedger::Cases(r) => r,
        AnyLedger::Results(r) => return results_ledger(args, format, &r, staged),
    };
    // Rows that could not be checked go to stderr too, so that a scheduled
    // job's log (or cron's mail) shows them even when nothing is overdue.
    let mut warnings: Vec<Error> = report
        .cases
        .iter()
        .flat_map(|c| {
            c.errors.iter().map(|e| {
                e.clone().context(
                    &format!("case {} could not be checked (数据有误)", c.case_number),
                    &format!("案件 {} 无法核对（数据有误）", c.case_number),
                )
            })
        })
        .collect();
    // And one line per year the 待补日历 rows wait for, for the same log.
    if report.summary.calendar_missing > 0 {
        let years: Vec<String> = report
            .missing_years()
            .iter()
            .map(|(y, _)| y.to_string())
            .collect();
        warnings.push(Error::new(
            ErrorKind::CalendarUncovered,
            format!(
                "{} case(s) wait for the calendar of {} (待补日历): their periods run into a year the calendar does not cover; supply it with --calendar FILE (see `shuangsui calendar status`) and check again",
                report.summary.calendar_missing,
                years.join(", ")
            ),
            format!(
                "{} 个案件待补日历（{} 年）：期限延伸到日历尚未包含的年份；请用 --calendar 文件 补充该年日历（见 shuangsui calendar status）后重新核查",
                report.summary.calendar_missing,
                years.join("、")
            ),
        ));
    }
    let code = u8::from(report.has_overdue());
    // The report as a JSON tree only when it is printed as JSON: for a
    // ledger of a million cases the tree takes gigabytes.
    let json_value = if format == Format::Json && args.out.is_none() {
        serde_json::to_value(&report).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("could not write JSON: {e}"),
                format!("无法写出 JSON：{e}"),
            )
        })?
    } else {
        serde_json::Value::Null
    };

    let report_out = match &args.out {
        None => {
            let text = match format {
                Format::Csv => report.to_csv()?,
                _ => ledger_table(&report, colour_stdout()),
            };
            Report {
                text,
                json: json_value,
                code,
                warnings,
            }
        }
        Some(out) => {
            let bytes = match format {
                Format::Xlsx => shuangsui::xlsx::ledger_xlsx(&report)?,
                // A byte-order mark makes Excel open the file as UTF-8.
                Format::Csv => format!("\u{feff}{}", report.to_csv()?).into_bytes(),
                Format::Json => format!("{}\n", report.to_json()?).into_bytes(),
                Format::Text => ledger_table(&report, false).into_bytes(),
            };
            if let Some(staged) = staged {
                staged.write_bytes(&file_name(out), &bytes)?;
                staged.commit()?;
            }
            let text = format!(
                "{} on {}: {}\nwrote the report to {}\n",
                report.source,
                report.today,
                summary_line(&report),
                name(out)
            );
            Report {
                text,
                json: json!({ "file": name(out), "today": report.today, "summary": report.summary }),
                code,
                warnings,
            }
        }
    };
    Ok(report_out)
}

fn clock_style(s: ClockStatus) -> Option<Style> {
    match s {
        ClockStatus::Overdue { .. } => Some(Style::Alarm),
        ClockStatus::Error | ClockStatus::CalendarMissing { .. } => Some(Style::Dim),
        ClockStatus::Pending {
            working_days_left: 0..=2,
        }
        | ClockStatus::Late { .. } => Some(Style::Warn),
        ClockStatus::OnTime => Some(Style::Good),
        ClockStatus::Pending { .. } | ClockStatus::NotStarted => None,
    }
}

fn results_summary_line(r: &ResultsReport) -> String {
    let s = &r.summary;
    format!(
        "{} rows (行): {} overdue (逾期未公示), {} could not be checked (数据有误), {} calendar missing (待补日历), {} closed (已办结)",
        s.total, s.overdue, s.errors, s.calendar_missing, s.closed
    )
}

/// The record check in words, one line each.
fn record_lines(r: &ResultsReport) -> Vec<String> {
    let Some(c) = &r.record_check else {
        return Vec::new();
    };
    let mut out = vec![format!(
        "record check (与抽取记录核对): {} ({} drawn, record digest {})",
        c.task, c.drawn, c.record_digest
    )];
    if c.problems.is_empty() {
        out.push(format!(
            "  matches the draw (与抽取结果一致): all {} drawn entities present once, none added, teams unchanged",
            c.drawn
        ));
    }
    for p in &c.problems {
        out.push(format!("  ✗ {} ({})", p.text_zh(), p.text_en()));
    }
    out
}

/// A results ledger's report as a terminal text: the summary, the record
/// check, the rows, the figures.
fn results_text(r: &ResultsReport, colour: bool) -> String {
    let mut t = format!(
        "Results ledger check (抽查结果台账核查) of {} on {}\n{}\n",
        r.source,
        r.today,
        results_summary_line(r)
    );
    for l in record_lines(r) {
        let _ = writeln!(t, "{l}");
    }
    t.push('\n');
    let header = [
        "行",
        "统一社会信用代码",
        "企业名称",
        "检查结果",
        "结果公示",
        "处罚公示",
        "办结",
        "说明",
    ];
    // The 说明 column is the report table's last (the row's errors).
    let (_, table) = r.table();
    let rows: Vec<[String; 8]> = r
        .rows
        .iter()
        .zip(&table)
        .map(|(x, full)| {
            [
                x.row.to_string(),
                x.code.clone(),
                truncate(&x.name, 20),
                truncate(&x.result, 16),
                x.result_clock.status.text_zh("未检查"),
                x.penalty_clock.status.text_zh("无处罚"),
                if x.closed { "是" } else { "否" }.to_string(),
                full.last().cloned().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let last = cells.len() - 1;
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c.clone()
                } else {
                    pad(c, widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(t, "{}", line(&header.map(str::to_string)));
    for (x, row) in r.rows.iter().zip(&rows) {
        let worst = if matches!(x.penalty_clock.status, ClockStatus::Overdue { .. }) {
            x.penalty_clock.status
        } else {
            x.result_clock.status
        };
        let _ = writeln!(t, "{}", paint(colour, clock_style(worst), &line(row)));
    }
    let _ = writeln!(t, "\nfigures (统计):");
    let figures = r.figures_table();
    let head: Vec<String> = shuangsui::calendar::FIGURE_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut fw: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for row in &figures {
        for (w, c) in fw.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let fline = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, fw[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(t, "{}", fline(&head));
    for row in &figures {
        let _ = writeln!(t, "{}", fline(row));
    }
    if r.has_overdue() {
        let _ = writeln!(
            t,
            "\n{} row(s) overdue: publish them now (exit code 1).",
            r.summary.overdue
        );
    }
    if r.has_record_problems() {
        let _ = writeln!(
            t,
            "\nthe ledger does not match the draw record (台账与抽取记录不符, exit code 1)."
        );
    }
    t
}

/// `shuangsui ledger` on a results ledger (SPEC §16.8).
fn results_ledger(
    args: &LedgerArgs,
    format: Format,
    report: &ResultsReport,
    staged: Option<Outputs>,
) -> Result<Report> {
    let warnings: Vec<Error> = report
        .rows
        .iter()
        .flat_map(|x| {
            x.errors.iter().map(|e| {
                e.clone().context(
                    &format!("entity {} could not be checked (数据有误)", x.code),
                    &format!("检查对象 {} 无法核对（数据有误）", x.code),
                )
            })
        })
        .collect();
    let code = u8::from(report.has_overdue() || report.has_record_problems());
    let csv = || {
        if args.figures {
            report.figures_csv()
        } else {
            report.to_csv()
        }
    };
    let json_value = || {
        serde_json::to_value(report).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("could not write JSON: {e}"),
                format!("无法写出 JSON：{e}"),
            )
        })
    };
    match &args.out {
        None => Ok(Report {
            text: match format {
                Format::Csv => csv(),
                _ => results_text(report, colour_stdout()),
            },
            json: if format == Format::Json {
                json_value()?
            } else {
                serde_json::Value::Null
            },
            code,
            warnings,
        }),
        Some(out) => {
            let bytes = match format {
                Format::Xlsx => shuangsui::xlsx::results_report_xlsx(report)?,
                Format::Csv => format!("\u{feff}{}", csv()).into_bytes(),
                Format::Json => format!("{}\n", report.to_json()?).into_bytes(),
                Format::Text => results_text(report, false).into_bytes(),
            };
            if let Some(staged) = staged {
                staged.write_bytes(&file_name(out), &bytes)?;
                staged.commit()?;
            }
            let mut text = format!(
                "{} on {}: {}\n",
                report.source,
                report.today,
                results_summary_line(report)
            );
            for l in record_lines(report) {
                let _ = writeln!(text, "{l}");
            }
            let _ = writeln!(text, "wrote the report to {}", name(out));
            Ok(Report {
                text,
                json: json!({ "file": name(out), "today": report.today, "summary": report.summary, "record_check": report.record_check }),
                code,
                warnings,
            })
        }
    }
}

/// The mark of a day in the plain calendar and its colour.
fn day_mark(d: &Day) -> (&'static str, Option<Style>) {
    match d.kind {
        DayKind::HolidayOff => ("休", Some(Style::Alarm)),
        DayKind::MakeUpWorking => ("班", Some(Style::MakeUp)),
        DayKind::Weekend => ("  ", Some(Style::Rest)),
        DayKind::Working => ("  ", None),
    }
}

/// Width of one month block: seven cells of four columns and a space.
const MONTH_WIDTH: usize = 7 * 5 - 1;

/// One month as lines of exactly `MONTH_WIDTH` terminal columns.
fn month_lines(g: &MonthGrid, colour: bool) -> Vec<String> {
    let mut lines = vec![pad(&format!("{}年{}月", g.year, g.month), MONTH_WIDTH)];
    let head: Vec<String> = ["一", "二", "三", "四", "五", "六", "日"]
        .iter()
        .map(|d| format!(" {d} "))
        .collect();
    lines.push(head.join(" "));
    for week in &g.weeks {
        let cells: Vec<String> = week
            .iter()
            .map(|cell| match cell {
                None => "    ".to_string(),
                Some(d) => {
                    let (mark, style) = day_mark(d);
                    paint(colour, style, &format!("{:>2}{mark}", d.date.day()))
                }
            })
            .collect();
        lines.push(cells.join(" "));
    }
    lines
}

/// The holiday notice days of the grids: one line per run of days off or
/// make-up working days with the same name.
fn named_days(grids: &[MonthGrid]) -> Vec<String> {
    let notice: Vec<&Day> = grids
        .iter()
        .flat_map(|g| g.days())
        .filter(|d| matches!(d.kind, DayKind::HolidayOff | DayKind::MakeUpWorking))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < notice.len() {
        let d = notice[i];
        let mut j = i;
        while j + 1 < notice.len()
            && notice[j + 1].kind == d.kind
            && notice[j + 1].name == d.name
            && notice[j + 1].date == notice[j].date.succ()
        {
            j += 1;
        }
        let (mark, what) = match d.kind {
            DayKind::HolidayOff => ("休", "days off (放假)"),
            _ => ("班", "make-up working day (调休上班)"),
        };
        let n = j - i + 1;
        let count = if n > 1 {
            format!(", {n} days")
        } else {
            String::new()
        };
        out.push(format!(
            "  {mark} {}  {} — {what}{count}",
            pad(&span(d.date, notice[j].date), 23),
            d.name.as_deref().unwrap_or("")
        ));
        i = j + 1;
    }
    out
}

/// `shuangsui calendar status`.
fn calendar_status(args: &CalendarStatusArgs) -> Result<Report> {
    let today = match &args.today {
        Some(d) => date_flag("--today", d)?,
        None => today_in_china(),
    };
    let files = calendar_files(&args.calendar)?;
    let user: Vec<UserCalendar<'_>> = files
        .iter()
        .map(|(n, t)| UserCalendar { name: n, text: t })
        .collect();
    let status =
        shuangsui::calendar::calendar_status(args.calendar.region.as_deref(), &user, today)?;
    let mut t = format!("Working-day calendar (工作日历) on {today}\n");
    for layer in &status.layers {
        let years: Vec<i32> = layer.years.iter().map(|y| y.year).collect();
        let covered = match (years.first(), years.last()) {
            (None, _) | (_, None) => "none (无)".to_string(),
            (Some(a), Some(b)) if (b - a) as usize + 1 == years.len() && a != b => {
                format!("{a}–{b}")
            }
            _ => years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        };
        let _ = writeln!(
            t,
            "\n{} ({}, {}): covers {covered}",
            layer.name_zh, layer.name_en, layer.region
        );
        for y in &layer.years {
            for s in &y.sources {
                let whose = if s.shipped { "shipped" } else { "your file" };
                let source = s.source.as_deref().unwrap_or("(no `# source:` line)");
                let _ = writeln!(t, "  {}  {source}  [{}, {whose}]", y.year, s.file);
            }
        }
    }
    if !status.notes.is_empty() {
        t.push('\n');
    }
    for n in &status.notes {
        let _ = writeln!(t, "{}\n{}", n.zh, n.en);
        if n.kind == shuangsui::calendar::StatusNoteKind::ImportNext {
            let _ = writeln!(
                t,
                "  → shuangsui calendar import 通知.txt --out {r}-{y}.csv，然后在 deadline、ledger 中加 --calendar {r}-{y}.csv\n    (then give --calendar {r}-{y}.csv to deadline and ledger)",
                r = n.region,
                y = n.year
            );
        }
    }
    let json = serde_json::to_value(&status).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("could not write JSON: {e}"),
            format!("无法写出 JSON：{e}"),
        )
    })?;
    Ok(Report::ok(t, json))
}

/// Months side by side, three to a row.
fn grid_rows(t: &mut String, grids: &[MonthGrid], colour: bool) {
    for row in grids.chunks(3) {
        let blocks: Vec<Vec<String>> = row.iter().map(|g| month_lines(g, colour)).collect();
        let height = blocks.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..height {
            let line: Vec<String> = blocks
                .iter()
                .map(|b| b.get(i).cloned().unwrap_or_else(|| " ".repeat(MONTH_WIDTH)))
                .collect();
            let _ = writeln!(t, "{}", line.join("    ").trim_end());
        }
        t.push('\n');
    }
}

/// `shuangsui calendar`.
pub fn calendar(args: &CalendarArgs) -> Result<Report> {
    match &args.action {
        Some(CalendarAction::Import(a)) => return calendar_import(a),
        Some(CalendarAction::Status(a)) => return calendar_status(a),
        None => {}
    }
    // clap requires YEAR when no subcommand is given.
    let year = args.year.unwrap_or_default();
    let cal = load_calendar(&args.calendar)?;
    let grids = match args.month {
        Some(m) => cal.month_grid(year, m).map(|g| vec![g]),
        None => cal.year_grid(year),
    }
    .map_err(with_calendar_hint)?;
    let colour = colour_stdout();
    let mut t = format!(
        "Working-day calendar (工作日历) {}, {}\n\n",
        year,
        region_label(&cal)
    );
    grid_rows(&mut t, &grids, colour);
    let named = named_days(&grids);
    if named.is_empty() {
        let _ = writeln!(t, "No holiday notice days (no 休 or 班) in this period.");
    } else {
        let _ = writeln!(t, "Holiday notice days (节假日安排):");
        for l in named {
            let _ = writeln!(t, "{l}");
        }
    }
    let _ = writeln!(
        t,
        "\nLegend: 休 day off by the holiday notice (放假) · 班 weekend day made a working day (调休上班) · columns 六 日 are Saturday and Sunday (周末)"
    );
    // The files that speak about this year: shipped ones by their year,
    // and every file the user gave.
    let year_text = year.to_string();
    let shipped = shuangsui::calendar::shipped_files();
    let from: Vec<&str> = cal
        .sources()
        .iter()
        .map(String::as_str)
        .filter(|s| s.contains(&year_text) || shipped.iter().all(|(f, _)| f != s))
        .collect();
    if !from.is_empty() {
        let _ = writeln!(t, "From: {}", from.join(", "));
    }
    let json = json!({
        "year": year,
        "region": cal.region(),
        "months": grids,
        "sources": cal.sources(),
    });
    Ok(Report::ok(t, json))
}

/// Reads a notice from a file, or from stdin for `-`.
fn read_notice_text(path: &std::path::Path) -> Result<(String, String)> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| shuangsui::io_error("stdin", "read", &e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorKind::Io,
                "the text on stdin is not UTF-8",
                "标准输入的文字不是 UTF-8 编码",
            )
        })?;
        return Ok(("stdin".to_string(), text));
    }
    Ok((name(path), read_text(path)?))
}

/// `shuangsui calendar import`: the notice's text read by the core into a
/// calendar file; grids and a summary to check it by eye.
fn calendar_import(args: &CalendarImportArgs) -> Result<Report> {
    if args.notices.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            "`-` (stdin) can be given only once",
            "`-`（标准输入）只能给一次",
        ));
    }
    // Refused before any work when --out exists and no --force.
    let staged = match &args.out {
        Some(out) => Some(Outputs::files(&[out], args.force)?),
        None => None,
    };
    let texts = args
        .notices
        .iter()
        .map(|p| read_notice_text(p))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
    let cal = import_notices(&refs).map_err(|e| match texts.as_slice() {
        [(n, _)] => e.in_file(n),
        _ => e,
    })?;
    let file_text = cal.to_file_text();

    let mut t = String::new();
    let region = match cal.region.as_str() {
        shuangsui::calendar::NATIONAL => "national (全国)".to_string(),
        r => format!("region {r}"),
    };
    let _ = writeln!(
        t,
        "Read {} notice(s) for {}, {region}:",
        cal.notices.len(),
        cal.year
    );
    for n in &cal.notices {
        let number = n.number.as_deref().unwrap_or("no 文号");
        let date = n
            .date
            .map_or_else(|| "no 落款 date".to_string(), |d| d.to_string());
        let _ = writeln!(t, "  {} ({number}, {date})", n.title);
    }
    t.push('\n');
    match cal.month_grids() {
        Ok(grids) => grid_rows(&mut t, &grids, colour_stdout() && args.out.is_some()),
        Err(e) => {
            let _ = writeln!(
                t,
                "(no month grids: {} / {})\n",
                e.message(),
                e.message_zh()
            );
        }
    }
    let _ = writeln!(t, "Per holiday (逐项核对):");
    let (mut off, mut work, mut cancel) = (0, 0, 0);
    for h in cal.holidays() {
        off += h.off;
        work += h.work;
        cancel += h.cancel;
        let mut parts = vec![format!("{} off (休)", h.off)];
        if h.work > 0 {
            parts.push(format!("{} make-up working (班)", h.work));
        }
        if h.cancel > 0 {
            parts.push(format!(
                "{} national make-up day(s) cancelled (取消调休)",
                h.cancel
            ));
        }
        let _ = writeln!(
            t,
            "  {}  {}  {}",
            pad(&h.name, 14),
            pad(&span(h.first, h.last), 23),
            parts.join(", ")
        );
    }
    let _ = writeln!(
        t,
        "Total: {off} days off, {work} make-up working days{}.",
        if cancel > 0 {
            format!(", {cancel} cancelled make-up days")
        } else {
            String::new()
        }
    );
    for i in &cal.ignored {
        let _ = writeln!(
            t,
            "  not about days, not used (与日期无关，未采用): {}",
            truncate(i, 60)
        );
    }
    let region_flag = if cal.region == shuangsui::calendar::NATIONAL {
        String::new()
    } else {
        format!(" --region {}", cal.region)
    };
    let json = json!({
        "region": cal.region,
        "year": cal.year,
        "notices": cal.notices,
        "holidays": cal.holidays(),
        "ignored": cal.ignored,
        "file": args.out.as_deref().map(name),
    });
    match (&args.out, staged) {
        (Some(out), Some(staged)) => {
            staged.write_bytes(&file_name(out), file_text.as_bytes())?;
            staged.commit()?;
            let _ = writeln!(
                t,
                "\nWrote {}. Check the grids against the notice, then use it: shuangsui deadline --start DATE --rule RULE{region_flag} --calendar {}",
                name(out),
                name(out)
            );
            Ok(Report::ok(t, json))
        }
        _ => {
            // The file itself on stdout (to redirect); the check goes to
            // stderr so that the redirected file stays clean.
            let _ = writeln!(
                t,
                "\nThe calendar file is on stdout; save it (or use --out FILE) and give it to deadline/ledger/calendar with{region_flag} --calendar FILE."
            );
            eprint!("{t}");
            let mut json = json;
            json["calendar_file"] = json!(file_text);
            Ok(Report::ok(file_text, json))
        }
    }
}
