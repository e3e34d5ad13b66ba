use super::*;
use crate::calendar::WorkingDayCalendar;

fn demo() -> DrawRecord {
    crate::synth::demo().unwrap().record
}

/// The blank ledger with the fill-in columns of row `i` set by `fill`.
fn filled(record: &DrawRecord, fill: &[(usize, [&str; 8])]) -> String {
    let mut rows = results_ledger_table(record);
    for (i, cells) in fill {
        for (k, v) in cells.iter().enumerate() {
            rows[*i][RESULTS_LEDGER_DRAW_COLUMNS + k] = v.to_string();
        }
    }
    let mut out = String::new();
    crate::publish::csv::row(&mut out, RESULTS_LEDGER_COLUMNS);
    for r in &rows {
        crate::publish::csv::row(&mut out, r);
    }
    out
}

fn check(text: &str, record: Option<&DrawRecord>) -> ResultsReport {
    let cal = WorkingDayCalendar::national().unwrap();
    let today = Date::parse("2026-12-31").unwrap();
    check_results_file(
        &cal,
        "台账.csv",
        text.as_bytes(),
        &ReadOptions::default(),
        today,
        record,
    )
    .unwrap()
}

#[test]
fn the_blank_ledger_is_the_draw_and_checks_clean() {
    let record = demo();
    let r = check(&results_ledger_csv(&record), Some(&record));
    assert_eq!(r.rows.len(), record.draws.len());
    assert!(r
        .rows
        .iter()
        .all(|x| x.result_clock.status == ClockStatus::NotStarted
            && x.penalty_clock.status == ClockStatus::NotStarted
            && !x.closed
            && x.errors.is_empty()));
    assert_eq!(r.record_check.unwrap().problems, vec![]);
    assert_eq!(r.figures[0].figures.drawn, record.draws.len());
    assert_eq!(r.figures[0].figures.inspected, 0);
    assert_eq!(r.figures[0].figures.on_time_rate(), "—");
    assert!(is_ledger_kind_results(&results_ledger_csv(&record)));
}

fn is_ledger_kind_results(text: &str) -> bool {
    let cal = WorkingDayCalendar::national().unwrap();
    let today = Date::parse("2026-12-31").unwrap();
    matches!(
        read_ledger_file(
            &cal,
            "x.csv",
            text.as_bytes(),
            &ReadOptions::default(),
            today,
            None,
            None
        ),
        Ok(AnyLedger::Results(_))
    )
}

#[test]
fn both_clocks_and_closed() {
    let record = demo();
    let text = filled(
        &record,
        &[
            // on time (due 2026-12-29), no problem: closed
            (
                0,
                ["2026-12-01", "未发现问题", "", "", "", "2026-12-20", "", ""],
            ),
            // late by 1, problem with follow-up: closed
            (
                1,
                [
                    "2026-12-01",
                    "未按规定公示年报信息",
                    "列入经营异常名录",
                    "",
                    "",
                    "2026-12-30",
                    "",
                    "",
                ],
            ),
            // overdue by 2 (12-30, 12-31)
            (
                2,
                ["2026-12-01", "发现问题已责令整改", "", "", "", "", "", ""],
            ),
            // due in 2027: calendar missing
            (3, ["2026-12-28", "", "", "", "", "", "", ""]),
            // penalty from the decision (no effective date): due 12-21, overdue 8
            (
                4,
                [
                    "2026-12-02",
                    "发现违法行为已立案",
                    "立案",
                    "2026-12-10",
                    "",
                    "2026-12-15",
                    "",
                    "",
                ],
            ),
            // penalty effective 12-22: due 12-31, today
            (
                5,
                [
                    "2026-12-02",
                    "发现违法行为已立案",
                    "立案",
                    "2026-12-15",
                    "2026-12-22",
                    "2026-12-15",
                    "",
                    "",
                ],
            ),
            // a bad date and an unknown result
            (6, ["2026-13-01", "还行", "", "", "", "", "", ""]),
            // full-width brackets in the result are the same category
            (
                7,
                [
                    "2026-12-01",
                    "通过登记的住所(经营场所)无法联系",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
            ),
        ],
    );
    let r = check(&text, None);
    let s = |i: usize| {
        (
            r.rows[i].result_clock.status,
            r.rows[i].penalty_clock.status,
        )
    };
    assert_eq!(s(0), (ClockStatus::OnTime, ClockStatus::NotStarted));
    assert_eq!(
        r.rows[0].result_clock.due.unwrap().to_string(),
        "2026-12-29"
    );
    assert!(r.rows[0].closed && r.rows[1].closed && !r.rows[2].closed);
    assert_eq!(s(1).0, ClockStatus::Late { working_days: 1 });
    assert_eq!(s(2).0, ClockStatus::Overdue { working_days: 2 });
    assert_eq!(s(3).0, ClockStatus::CalendarMissing { year: 2027 });
    assert_eq!(s(4).1, ClockStatus::Overdue { working_days: 8 });
    assert_eq!(
        r.rows[4].penalty_clock.rule.as_deref(),
        Some("penalty-publicity-decision")
    );
    assert_eq!(
        s(5).1,
        ClockStatus::Pending {
            working_days_left: 0
        }
    );
    assert_eq!(
        r.rows[5].penalty_clock.rule.as_deref(),
        Some("penalty-publicity")
    );
    assert_eq!(s(6).0, ClockStatus::Error);
    let cols: Vec<&str> = r.rows[6]
        .errors
        .iter()
        .filter_map(|e| e.location().and_then(|l| l.column.as_deref()))
        .collect();
    assert_eq!(cols, ["检查日期", "检查结果"]);
    assert!(r.rows[7].problem && r.rows[7].errors.is_empty());
    assert_eq!(r.summary.overdue, 3); // rows 2 and 7 (results), 4 (penalty)
    assert_eq!(r.summary.calendar_missing, 1);
    assert_eq!(r.summary.errors, 1);
    let total = &r.figures[0].figures;
    assert_eq!(
        (
            total.inspected,
            total.published,
            total.published_on_time,
            total.published_late,
            total.overdue
        ),
        (7, 4, 3, 1, 2)
    );
    assert_eq!(
        (
            total.problems,
            total.penalties,
            total.penalties_on_time,
            total.closed
        ),
        (5, 2, 0, 2)
    );
    // on time 3 of 6 due (3 on time, 1 late, 2 overdue)
    assert_eq!(total.on_time_rate(), "50.0%");
}

#[test]
fn record_check_finds_dropped_added_duplicate_and_changed_teams() {
    let record = demo();
    let mut rows = results_ledger_table(&record);
    let dropped = rows.remove(3);
    let dup = rows[0].clone();
    rows.push(dup);
    rows[1][7] = "ZF00000000000".into(); // the leader's certificate
    let mut added = rows[2].clone();
    added[4] = "91652302MA000000X1".into();
    rows.insert(5, added);
    let mut text = String::new();
    crate::publish::csv::row(&mut text, RESULTS_LEDGER_COLUMNS);
    for r in &rows {
        crate::publish::csv::row(&mut text, r);
    }
    let r = check(&text, Some(&record));
    let p = r.record_check.unwrap().problems;
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(matches!(&p[0], RecordProblem::Missing { code, .. } if *code == dropped[4]));
    assert!(
        matches!(&p[1], RecordProblem::Duplicate { rows, .. } if *rows == vec![2, rows.last().copied().unwrap()])
    );
    assert!(
        matches!(&p[2], RecordProblem::TeamChanged { row: 3, ledger, .. } if ledger[0] == "ZF00000000000")
    );
    assert!(matches!(&p[3], RecordProblem::Added { row: 7, .. }));
    assert!(p[0].text_zh().contains("不在台账中"));
}

#[test]
fn the_dropdown_lists_every_category() {
    let record = demo();
    let bytes = crate::xlsx::results_ledger_xlsx(&record).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let dv = &sheet[sheet.find("<dataValidation ").unwrap()..];
    assert!(dv.contains("type=\"list\""));
    for c in RESULT_CATEGORIES {
        assert!(dv.contains(c.name), "{}", c.name);
    }
    // The codes are text cells (inline or shared strings), not numbers.
    assert!(!sheet.contains("<v>91652302"));
}

/// The draw's columns of the blank ledger are the result table's (SPEC
/// §16.8), 抽签值 left out: the two lists are written out as constants, so
/// this is what keeps them one.
#[test]
fn the_ledger_names_the_draw_columns_as_the_result_table_does() {
    let result = crate::publish::RESULT_COLUMNS;
    assert_eq!(RESULTS_LEDGER_COLUMNS[0], "抽查任务");
    assert_eq!(
        RESULTS_LEDGER_COLUMNS[1..RESULTS_LEDGER_DRAW_COLUMNS],
        result[..result.len() - 1]
    );
    assert_eq!(result[result.len() - 1], "抽签值");
}
