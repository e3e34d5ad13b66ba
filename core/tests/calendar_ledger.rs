//! The case ledger check (台账核查), golden: one ledger with on-time, late,
//! pending, overdue and bad rows, checked on 2026-10-14.

use shuangsui::calendar::{check_ledger, CaseStatus, Date, WorkingDayCalendar};
use shuangsui::ErrorKind;

const LEDGER: &str = "\u{feff}案件编号,当事人,决定日期,生效日期,公示日期,规则,备注
A-001,阜康市某商贸有限公司,2026-09-25,2026-09-28,2026-10-12,,按时
A-002,阜康市某餐饮店,2026-09-25,2026-09-28,2026/10/16,,晚了
A-003,阜康市某超市,2026-10-09,2026-10-09,,,待办
A-004,阜康市某药店,2026-09-18,2026-09-21,,,\"逾期, 需催办\"
A-005,阜康市某加油站,2026-09-18,2026-13-01,,,日期写错
A-006,阜康市某建材店,2026-09-21,2026-09-21,,行政处罚信息公示,国家公示系统
A-007,阜康市某酒店,2026-09-01,2026-09-05,,7个工作日,自定义
";

const EXPECTED_CSV: &str = "案件编号,当事人,决定日期,生效日期,公示日期,规则,备注,适用规则,期限,起算日期,截止日期,状态,status,工作日数,说明
A-007,阜康市某酒店,2026-09-01,2026-09-05,,7个工作日,自定义,7个工作日,7个工作日,2026-09-01,2026-09-10,逾期未公示,overdue,20,已超过截止日期2026-09-10 20个工作日，尚未公示
A-004,阜康市某药店,2026-09-18,2026-09-21,,,\"逾期, 需催办\",处罚结果公示,7个工作日,2026-09-21,2026-10-08,逾期未公示,overdue,5,已超过截止日期2026-10-08 5个工作日，尚未公示（期间含中秋节、国庆节）
A-005,阜康市某加油站,2026-09-18,2026-13-01,,,日期写错,处罚结果公示,7个工作日,,,数据有误,error,,生效日期：“2026-13-01”不是存在的日期：没有 13 月（月份为 1–12）
A-003,阜康市某超市,2026-10-09,2026-10-09,,,待办,处罚结果公示,7个工作日,2026-10-09,2026-10-19,待公示,pending,3,截止2026-10-19，还有3个工作日
A-006,阜康市某建材店,2026-09-21,2026-09-21,,行政处罚信息公示,国家公示系统,行政处罚信息公示,20个工作日,2026-09-21,2026-10-26,待公示,pending,8,截止2026-10-26，还有8个工作日（期间含中秋节、国庆节）
A-002,阜康市某餐饮店,2026-09-25,2026-09-28,2026/10/16,,晚了,处罚结果公示,7个工作日,2026-09-28,2026-10-13,逾期公示,late,3,截止2026-10-13，晚3个工作日公示（期间含国庆节）
A-001,阜康市某商贸有限公司,2026-09-25,2026-09-28,2026-10-12,,按时,处罚结果公示,7个工作日,2026-09-28,2026-10-13,按时公示,on_time,,截止2026-10-13，已按时公示（期间含国庆节）
";

fn today() -> Date {
    Date::parse("2026-10-14").unwrap()
}

#[test]
fn golden_csv() {
    let cal = WorkingDayCalendar::national().unwrap();
    let report = check_ledger(&cal, "台账.csv", LEDGER, today(), None).unwrap();
    let csv = report.to_csv().unwrap();
    // Written as every CSV of shuangsui is: CRLF line ends.
    let expected = EXPECTED_CSV.replace('\n', "\r\n");
    assert_eq!(csv, expected, "\n--- got ---\n{csv}");
    let s = report.summary;
    assert_eq!(
        (s.total, s.overdue, s.errors, s.pending, s.late, s.on_time),
        (7, 2, 1, 2, 1, 1)
    );
    assert!(report.has_overdue());
}

#[test]
fn formulas_in_a_ledger_are_written_as_text() {
    // A ledger cell that a spreadsheet would run (a link to anywhere, a
    // sum) comes back in the report's CSV prefixed with `'`, as in the
    // result table: the report copies the ledger's own columns.
    let ledger = "案件编号,当事人,决定日期,生效日期,公示日期,规则,备注
A-001,\"=HYPERLINK(\"\"http://example.com\"\",\"\"点此\"\")\",2026-09-25,2026-09-28,2026-10-12,,+1
";
    let cal = WorkingDayCalendar::national().unwrap();
    let report = check_ledger(&cal, "台账.csv", ledger, today(), None).unwrap();
    let csv = report.to_csv().unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.starts_with(
            "A-001,\"'=HYPERLINK(\"\"http://example.com\"\",\"\"点此\"\")\",2026-09-25,"
        ),
        "{row}"
    );
    assert!(row.contains(",\"'+1\","), "{row}");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}

#[test]
fn bad_row_names_its_row_and_column() {
    let cal = WorkingDayCalendar::national().unwrap();
    let report = check_ledger(&cal, "台账.csv", LEDGER, today(), None).unwrap();
    let bad = report
        .cases
        .iter()
        .find(|c| c.case_number == "A-005")
        .unwrap();
    assert_eq!(bad.status, CaseStatus::Error);
    assert_eq!(bad.errors.len(), 1);
    let e = &bad.errors[0];
    assert_eq!(e.kind(), ErrorKind::InvalidDate);
    let loc = e.location().unwrap();
    assert_eq!(loc.file.as_deref(), Some("台账.csv"));
    assert_eq!(loc.row, Some(6));
    assert_eq!(loc.column.as_deref(), Some("生效日期"));
    assert_eq!(e.to_string(), "台账.csv, row 6, column \"生效日期\": \"2026-13-01\": month 13 does not exist (months are 1–12)");
}

#[test]
fn json_form() {
    let cal = WorkingDayCalendar::national().unwrap();
    let report = check_ledger(&cal, "台账.csv", LEDGER, today(), None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&report.to_json().unwrap()).unwrap();
    assert_eq!(v["today"], "2026-10-14");
    assert_eq!(v["summary"]["overdue"], 2);
    let first = &v["cases"][0];
    assert_eq!(first["case_number"], "A-007");
    assert_eq!(first["status"], "overdue");
    assert_eq!(first["working_days"], 20);
    assert_eq!(first["due"], "2026-09-10");
    let bad = &v["cases"][2];
    assert_eq!(bad["status"], "error");
    assert_eq!(bad["errors"][0]["kind"], "InvalidDate");
    assert_eq!(bad["errors"][0]["row"], 6);
    assert_eq!(bad["errors"][0]["column"], "生效日期");
    let pending = &v["cases"][3];
    assert_eq!(
        (
            pending["status"].as_str(),
            pending["working_days_left"].as_i64()
        ),
        (Some("pending"), Some(3))
    );
}

#[test]
fn english_headers_and_whole_file_errors() {
    let cal = WorkingDayCalendar::national().unwrap();
    let csv = "case_number,entity,decision_date,effective_date,published_date\nB-1,X,2026-09-25,2026-09-28,2026-10-13\n";
    let r = check_ledger(&cal, "l.csv", csv, today(), None).unwrap();
    assert_eq!(r.cases[0].status, CaseStatus::OnTime);

    let e = check_ledger(&cal, "l.csv", "case_number,entity\nB-1,X\n", today(), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingColumn);
    let e = check_ledger(
        &cal,
        "l.csv",
        "案件编号,case_number,决定日期,生效日期\n",
        today(),
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateColumn);
}

#[test]
fn uncovered_today_and_publication_on_a_day_off() {
    let cal = WorkingDayCalendar::national().unwrap();
    // Published on Sunday 10-18 after a 10-13 due date: late by the working
    // days after the due date up to the publication, 10-14..16 → 3.
    let csv = "案件编号,决定日期,生效日期,公示日期\nC-1,2026-09-28,2026-09-28,2026-10-18\nC-2,2026-12-28,2026-12-28,\n";
    let r = check_ledger(&cal, "l.csv", csv, today(), None).unwrap();
    let c1 = r.cases.iter().find(|c| c.case_number == "C-1").unwrap();
    assert_eq!(c1.status, CaseStatus::Late { working_days: 3 });
    // Published on Saturday 10-17 after a Friday 10-16 due date: no working
    // day in between, still late by at least 1.
    let csv1 = "案件编号,决定日期,生效日期,公示日期\nC-3,2026-10-08,2026-10-08,2026-10-17\n";
    let r1 = check_ledger(&cal, "l.csv", csv1, today(), None).unwrap();
    assert_eq!(r1.cases[0].due, Some(Date::parse("2026-10-16").unwrap()));
    assert_eq!(r1.cases[0].status, CaseStatus::Late { working_days: 1 });
    // C-2's period runs into 2027, which is not covered: waiting for the
    // calendar (待补日历), not a row error.
    let c2 = r.cases.iter().find(|c| c.case_number == "C-2").unwrap();
    assert_eq!(c2.status.code(), "calendar_missing");
    assert!(c2.errors.is_empty());
}

/// Issue 16: a period that runs into the next, not yet imported year is
/// 待补日历 with the working days counted so far, not 数据有误; other rows
/// are unaffected; the year's file turns it into an ordinary status.
#[test]
fn calendar_missing_rows() {
    let cal = WorkingDayCalendar::national().unwrap();
    let csv = "案件编号,决定日期,生效日期,公示日期,规则\n\
               M-1,2026-12-28,2026-12-28,,\n\
               M-2,2027-01-05,2027-01-05,,\n\
               M-3,2026-12-25,2026-12-25,,10日\n\
               M-4,2062-01-05,2062-01-05,,\n\
               M-5,2026-12-01,2026-12-01,,\n\
               M-6,2026-12-29,2026-12-28,,\n";
    let today = Date::parse("2026-12-03").unwrap();
    let r = check_ledger(&cal, "l.csv", csv, today, None).unwrap();
    let case = |n: &str| r.cases.iter().find(|c| c.case_number == n).unwrap();
    // 12-29, 12-30, 12-31 counted; 4 more in 2027.
    let m1 = case("M-1");
    assert_eq!(
        m1.status,
        CaseStatus::CalendarMissing {
            year: 2027,
            regional: false,
            counted: Some(3),
            remaining: Some(4)
        }
    );
    assert_eq!(m1.status.label_zh(), "待补日历");
    assert_eq!(m1.status.label_en(), "calendar missing");
    assert_eq!(m1.due, None);
    assert_eq!(
        m1.explanation(),
        "已计3个工作日（截至2026-12-31），还差4个；日历尚未包含2027年，请导入2027年国务院节假日安排通知后重新核查"
    );
    assert_eq!(
        m1.explanation_en(),
        "3 working days counted (to 2026-12-31), 4 still to count; the calendar does not cover 2027 yet: import the State Council's holiday notice for 2027 into the calendar, then check again"
    );
    // A start in the next year itself: nothing counted yet; the date is
    // not wrong, the year is only not imported.
    let m2 = case("M-2");
    assert_eq!(
        m2.status,
        CaseStatus::CalendarMissing {
            year: 2027,
            regional: false,
            counted: Some(0),
            remaining: Some(7)
        }
    );
    assert!(
        m2.explanation().starts_with("起算日期在2027年"),
        "{}",
        m2.explanation()
    );
    // Natural days: no working days to count; the end lies in 2027.
    let m3 = case("M-3");
    assert_eq!(
        m3.status,
        CaseStatus::CalendarMissing {
            year: 2027,
            regional: false,
            counted: None,
            remaining: None
        }
    );
    assert!(
        m3.explanation().starts_with("期限延伸到2027年"),
        "{}",
        m3.explanation()
    );
    // 2062 is far beyond the next notice: more likely a typing error.
    assert_eq!(case("M-4").status, CaseStatus::Error);
    assert_eq!(case("M-4").errors[0].kind(), ErrorKind::CalendarUncovered);
    assert_eq!(
        case("M-5").status,
        CaseStatus::Pending {
            working_days_left: 5
        }
    );
    // A row with another problem stays an error, whatever its year.
    assert_eq!(case("M-6").status, CaseStatus::Error);
    let s = r.summary;
    assert_eq!(
        (s.total, s.errors, s.calendar_missing, s.pending),
        (6, 2, 3, 1)
    );
    assert!(!r.has_overdue());
    assert_eq!(r.missing_years(), vec![(2027, false)]);
    // Order: errors, then calendar missing (fewest still to count first),
    // then pending.
    let order: Vec<&str> = r.cases.iter().map(|c| c.case_number.as_str()).collect();
    assert_eq!(order, ["M-4", "M-6", "M-1", "M-2", "M-3", "M-5"]);
    let table = r.to_csv().unwrap();
    assert!(
        table.contains(",待补日历,calendar_missing,3,已计3个工作日"),
        "{table}"
    );
    let json = r.to_json().unwrap();
    assert!(json.contains("\"status\": \"calendar_missing\""), "{json}");
    assert!(json.contains("\"calendar_missing\": 3"), "{json}");

    // With the year imported, the same row has a due date.
    let next = "# covers: 2027\ndate,kind,name\n2027-01-01,off,元旦\n";
    let cal = WorkingDayCalendar::load(
        None,
        &[shuangsui::calendar::UserCalendar {
            name: "cn-2027.csv",
            text: next,
        }],
    )
    .unwrap();
    let r = check_ledger(&cal, "l.csv", csv, today, None).unwrap();
    let m1 = r.cases.iter().find(|c| c.case_number == "M-1").unwrap();
    assert_eq!(m1.due, Some(Date::parse("2027-01-07").unwrap()));
    assert_eq!(m1.status.code(), "pending");
}

/// A region whose own holidays of a year are missing (Xinjiang ships
/// 2022–2026) says so: the national notice is there.
#[test]
fn calendar_missing_in_a_region() {
    let cal = WorkingDayCalendar::load(Some("xinjiang"), &[]).unwrap();
    let csv = "案件编号,决定日期,生效日期,公示日期\nX-1,2021-06-01,2021-06-01,\n";
    let r = check_ledger(&cal, "l.csv", csv, Date::parse("2026-12-03").unwrap(), None).unwrap();
    let x = &r.cases[0];
    assert_eq!(
        x.status,
        CaseStatus::CalendarMissing {
            year: 2021,
            regional: true,
            counted: Some(0),
            remaining: Some(7)
        }
    );
    assert!(
        x.explanation().contains("地方节假日日历"),
        "{}",
        x.explanation()
    );
}

/// Issue 15: the page in English shows each case's explanation in English,
/// holidays included, and nothing of it in Chinese.
#[test]
fn explanations_in_english() {
    let cal = WorkingDayCalendar::national().unwrap();
    let report = check_ledger(&cal, "台账.csv", LEDGER, today(), None).unwrap();
    let en = |case: &str| {
        report
            .cases
            .iter()
            .find(|c| c.case_number == case)
            .unwrap()
            .explanation_en()
    };
    assert_eq!(
        en("A-004"),
        "5 working days past the due date 2026-10-08, not published (the period includes Mid-Autumn Festival, National Day)"
    );
    assert_eq!(en("A-003"), "due 2026-10-19, 3 working days left");
    assert_eq!(
        en("A-002"),
        "due 2026-10-13, published 3 working days late (the period includes National Day)"
    );
    assert_eq!(
        en("A-001"),
        "due 2026-10-13, published in time (the period includes National Day)"
    );
    let bad = en("A-005");
    assert!(bad.starts_with("生效日期: "), "{bad}"); // the ledger's own header
    assert!(
        !bad["生效日期: ".len()..]
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{bad}"
    );
}
