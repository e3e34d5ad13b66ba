//! The inspection-results ledger (抽查结果台账, issue 17, SPEC §16.8) end to
//! end: the demo's draw writes 台账.csv and 台账.xlsx; a copy is filled in
//! with mixed statuses — on time, late, overdue, 待补日历 (a period running
//! into 2027), a penalty on each of its clocks, a bad date — and tampered
//! with (an entity dropped, one added, a team changed); `ledger --record`
//! reports each row as stated and every figure matches the hand count
//! written here. The same ledger as an Excel workbook, rows reversed and a
//! column added, gives the same report.

mod common;

use common::{demo, run, s, scratch};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const TODAY: &str = "2026-12-31";

/// The fill-in cells (检查日期, 检查结果, 后续处置, 处罚决定日期,
/// 处罚决定生效日期, 结果公示日期, 处罚公示日期, 备注) of the demo's draws
/// by index in draw order. Strata: 0–2 A, 3–10 B, 11–15 C, 16–30 D.
fn fills() -> Vec<(usize, [&'static str; 8])> {
    vec![
        // on time: due 2026-12-29; closed
        (
            0,
            ["2026-12-01", "未发现问题", "", "", "", "2026-12-20", "", ""],
        ),
        // late by 1 working day; problem with its follow-up: closed
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
        // overdue by 2 working days (12-30, 12-31)
        (
            2,
            ["2026-12-01", "发现问题已责令整改", "", "", "", "", "", ""],
        ),
        // due in 2027, which the calendar does not cover: 待补日历
        (3, ["2026-12-28", "", "", "", "", "", "", ""]),
        // penalty without an effective date: from the decision (国办发〔2018〕118号),
        // due 12-21, overdue by 8; the result itself on time
        (
            4,
            [
                "2026-12-02",
                "发现违法行为已立案",
                "立案调查",
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
                "立案调查",
                "2026-12-15",
                "2026-12-22",
                "2026-12-15",
                "",
                "",
            ],
        ),
        // a date that does not exist
        (6, ["2026-13-01", "未发现问题", "", "", "", "", "", ""]),
        // penalty published in time (due 12-21); closed
        (
            7,
            [
                "2026-12-03",
                "发现违法行为已立案",
                "罚款",
                "2026-12-10",
                "2026-12-10",
                "2026-12-16",
                "2026-12-18",
                "",
            ],
        ),
        // due in 2027: 待补日历
        (11, ["2026-12-15", "未发现问题", "", "", "", "", "", ""]),
        // on the due date itself; half-width brackets; closed
        (
            12,
            [
                "2026-12-01",
                "通过登记的住所(经营场所)无法联系",
                "列入经营异常名录",
                "",
                "",
                "2026-12-29",
                "",
                "已电话核实",
            ],
        ),
    ]
}

const DROPPED: usize = 9;
const TEAM_CHANGED: usize = 10;
const ADDED_CODE: &str = "91652302MA000000X1";

/// The demo's blank ledger (台账.csv) as rows, filled in and tampered with:
/// entity 9 dropped, entity 10's leader replaced, a copy of entity 30 with
/// another code added at the end.
fn filled_rows(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("台账.csv")).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    assert!(!text.contains('"'), "the demo's ledger needs no quoting");
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
    let header = lines.next().unwrap();
    assert_eq!(
        header.join(","),
        "抽查任务,序号,分层,分层内序号,统一社会信用代码,企业名称,检查组长,组长执法证号,组长单位,组员,组员执法证号,组员单位,检查日期,检查结果,后续处置,处罚决定日期,处罚决定生效日期,结果公示日期,处罚公示日期,备注"
    );
    let mut rows: Vec<Vec<String>> = lines.collect();
    assert_eq!(rows.len(), 31);
    assert!(rows
        .iter()
        .all(|r| r.len() == 20 && r[12..].iter().all(String::is_empty)));
    for (i, cells) in fills() {
        for (k, v) in cells.iter().enumerate() {
            rows[i][12 + k] = v.to_string();
        }
    }
    rows[TEAM_CHANGED][7] = "ZF65230299999".into();
    let mut added = rows[30].clone();
    added[4] = ADDED_CODE.into();
    rows.push(added);
    rows.remove(DROPPED);
    (header, rows)
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut text = String::from("\u{feff}");
    for r in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        text.push_str(&r.join(","));
        text.push_str("\r\n");
    }
    std::fs::write(path, text).unwrap();
}

fn write_xlsx(path: &Path, header: &[String], rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "阜康市抽查结果台账（填报中）")
        .unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, h).unwrap();
    }
    // Dates as Excel keeps what a clerk types into a date cell: a serial
    // number formatted as a date (a date that does not exist stays text).
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c16) = (r as u32 + 2, c as u16);
            match rust_xlsxwriter::ExcelDateTime::parse_from_str(v) {
                Ok(d) if header[c].ends_with("日期") => {
                    ws.write_datetime_with_format(r, c16, &d, &date).unwrap();
                }
                _ if !v.is_empty() => {
                    ws.write_string(r, c16, v).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save(path).unwrap();
}

fn ledger_json(ledger: &Path, record: &Path) -> (i32, Value) {
    let r = run(&[
        "--format",
        "json",
        "ledger",
        &s(ledger),
        "--record",
        &s(record),
        "--today",
        TODAY,
    ]);
    assert!(r.code == 1, "{r:?}");
    (r.code, r.json())
}

/// Each row's (result status, penalty status, closed), by code.
fn statuses(report: &Value) -> BTreeMap<String, (String, String, bool)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                (
                    r["result_clock"]["status"].as_str().unwrap().to_string(),
                    r["penalty_clock"]["status"].as_str().unwrap().to_string(),
                    r["closed"].as_bool().unwrap(),
                ),
            )
        })
        .collect()
}

fn figures(report: &Value, by: &str, value: &str) -> [u64; 10] {
    let g = report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["by"] == by && g["value"] == value)
        .unwrap_or_else(|| panic!("no group {by}={value}"));
    [
        "drawn",
        "inspected",
        "published",
        "published_on_time",
        "published_late",
        "overdue",
        "problems",
        "penalties",
        "penalties_on_time",
        "closed",
    ]
    .map(|k| g[k].as_u64().unwrap())
}

/// Everything a hand count of the filled ledger gives.
fn check_report(report: &Value, codes: &[String]) {
    let st = statuses(report);
    let is = |i: usize, result: &str, penalty: &str, closed: bool| {
        assert_eq!(
            st[&codes[i]],
            (result.to_string(), penalty.to_string(), closed),
            "entity {i}"
        );
    };
    is(0, "on_time", "not_started", true);
    is(1, "late", "not_started", true);
    is(2, "overdue", "not_started", false);
    is(3, "calendar_missing", "not_started", false);
    is(4, "on_time", "overdue", false);
    is(5, "on_time", "pending", false);
    is(6, "error", "not_started", false);
    is(7, "on_time", "on_time", true);
    is(8, "not_started", "not_started", false);
    is(11, "calendar_missing", "not_started", false);
    is(12, "on_time", "not_started", true);
    let row = |i: usize| {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == codes[i].as_str())
            .unwrap()
            .clone()
    };
    assert_eq!(row(0)["result_clock"]["due"], "2026-12-29");
    assert_eq!(row(1)["result_clock"]["working_days"], 1);
    assert_eq!(row(2)["result_clock"]["working_days"], 2);
    assert_eq!(row(3)["result_clock"]["year"], 2027);
    assert_eq!(
        row(4)["penalty_clock"]["rule"],
        "penalty-publicity-decision"
    );
    assert_eq!(row(4)["penalty_clock"]["due"], "2026-12-21");
    assert_eq!(row(4)["penalty_clock"]["working_days"], 8);
    assert_eq!(row(5)["penalty_clock"]["rule"], "penalty-publicity");
    assert_eq!(row(5)["penalty_clock"]["working_days_left"], 0);
    assert_eq!(row(12)["result_clock"]["due"], "2026-12-29");
    let errors = row(6)["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["column"], "检查日期");

    let summary = &report["summary"];
    let counts = ["total", "overdue", "errors", "calendar_missing", "closed"]
        .map(|f| summary[f].as_u64().unwrap());
    assert_eq!(counts, [31, 2, 1, 2, 4]);
    let clock = |c: &str| {
        [
            "not_started",
            "on_time",
            "pending",
            "late",
            "overdue",
            "calendar_missing",
            "error",
        ]
        .map(|f| summary[c][f].as_u64().unwrap())
    };
    assert_eq!(clock("results"), [21, 5, 0, 1, 1, 2, 1]);
    assert_eq!(clock("penalties"), [28, 1, 1, 0, 1, 0, 0]);
    // drawn, inspected, published, on time, late, overdue, problems,
    // penalties, penalties on time, closed
    assert_eq!(
        figures(report, "total", "合计"),
        [31, 9, 6, 5, 1, 1, 6, 3, 1, 4]
    );
    assert_eq!(
        figures(report, "stratum", "信用风险等级=A"),
        [3, 3, 2, 1, 1, 1, 2, 0, 0, 2]
    );
    assert_eq!(
        figures(report, "stratum", "信用风险等级=B"),
        [7, 4, 3, 3, 0, 0, 3, 3, 1, 1]
    );
    assert_eq!(
        figures(report, "stratum", "信用风险等级=C"),
        [5, 2, 1, 1, 0, 0, 1, 0, 0, 1]
    );
    assert_eq!(
        figures(report, "stratum", "信用风险等级=D"),
        [16, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        figures(report, "month", "2026-12"),
        [9, 9, 6, 5, 1, 1, 6, 3, 1, 4]
    );
    assert_eq!(
        figures(report, "month", "未检查"),
        [22, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        figures(report, "department", "阜康市市场监督管理局"),
        [31, 9, 6, 5, 1, 1, 6, 3, 1, 4]
    );
    let task = report["record_check"]["task"].as_str().unwrap();
    assert_eq!(figures(report, "task", task)[0], 31);
    let groups = report["figures"].as_array().unwrap().len();
    assert_eq!(
        groups,
        1 + 1 + 1 + 4 + 2,
        "total, task, department, 4 strata, 2 months"
    );
}

#[test]
fn a_filled_ledger_is_checked_against_the_draw() {
    let dir = scratch("results_ledger");
    let demo = demo_dir(&dir);
    let (header, rows) = filled_rows(&demo);
    let codes: Vec<String> = {
        let text = std::fs::read_to_string(demo.join("台账.csv")).unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').nth(4).unwrap().to_string())
            .collect()
    };
    let csv = dir.join("填报.csv");
    write_csv(&csv, &header, &rows);
    let (_, report) = ledger_json(&csv, &demo.join("record.json"));
    check_report(&report, &codes);
    let problems = report["record_check"]["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(problems[0]["problem"], "missing");
    assert_eq!(problems[0]["code"], codes[DROPPED].as_str());
    assert_eq!(problems[1]["problem"], "team_changed");
    assert_eq!(problems[1]["row"], 11); // header + entities 0..8, then 10
    assert_eq!(problems[1]["ledger"][0], "ZF65230299999");
    assert_eq!(problems[2]["problem"], "added");
    assert_eq!(problems[2]["row"], 32);
    assert_eq!(problems[2]["code"], ADDED_CODE);

    // The text report says each of them, in Chinese first.
    let r = run(&[
        "ledger",
        &s(&csv),
        "--record",
        &s(&demo.join("record.json")),
        "--today",
        TODAY,
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    for want in [
        &format!("抽中的检查对象 {} （", codes[DROPPED]).replace(" （", "（"),
        "第 11 行",
        "的检查组与抽取结果不同",
        &format!("第 32 行的 {ADDED_CODE} 不是本次抽中的检查对象"),
        "逾期未公示 2个工作日",
        "逾期公示 晚1个工作日",
        "待补日历 缺2027年日历",
        "待公示 还有0个工作日",
        "逾期未公示 8个工作日",
        "数据有误",
        "71.4%",
    ] {
        assert!(r.stdout.contains(want), "{want}\n{}", r.stdout);
    }
    // The bad date is reported on stderr with its row and column.
    assert!(
        r.stderr.contains("第 8 行") && r.stderr.contains("检查日期"),
        "{r:?}"
    );

    // The same ledger as a workbook, rows reversed, a title row above the
    // header, a column the clerk added and the dates as date cells, checks
    // the same.
    let xlsx = dir.join("填报.xlsx");
    let mut header2 = header.clone();
    header2.push("联系人".into());
    let rows2: Vec<Vec<String>> = rows
        .iter()
        .rev()
        .map(|r| {
            let mut r = r.clone();
            r.push("李四".into());
            r
        })
        .collect();
    write_xlsx(&xlsx, &header2, &rows2);
    let (_, report2) = ledger_json(&xlsx, &demo.join("record.json"));
    check_report(&report2, &codes);
    assert_eq!(
        report2["record_check"]["problems"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(report2["figures"], report["figures"]);

    // The CSV report keeps the added column and appends the statuses; the
    // figures come as their own CSV.
    let r = run(&["--format", "csv", "ledger", &s(&xlsx), "--today", TODAY]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.starts_with("抽查任务,序号,"), "{}", r.stdout);
    assert!(r
        .stdout
        .lines()
        .next()
        .unwrap()
        .ends_with("联系人,结果截止日期,结果公示状态,处罚截止日期,处罚公示状态,是否办结,说明"));
    let r = run(&[
        "--format",
        "csv",
        "ledger",
        &s(&xlsx),
        "--today",
        TODAY,
        "--figures",
    ]);
    assert!(
        r.stdout.contains("合计,合计,31,9,6,5,1,1,71.4%,6,3,1,4"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("分层,信用风险等级=A,3,3,2,1,1,1,33.3%,2,0,0,2"),
        "{}",
        r.stdout
    );

    // The Excel report has the rows, the figures and the record check.
    let out = dir.join("核查.xlsx");
    let r = run(&[
        "--format",
        "xlsx",
        "ledger",
        &s(&xlsx),
        "--record",
        &s(&demo.join("record.json")),
        "--today",
        TODAY,
        "--out",
        &s(&out),
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let names = sheet_names(&out);
    assert_eq!(names, ["台账核查", "统计", "名单核对"]);
}

/// A ledger that matches the draw and has nothing overdue exits 0; the
/// case ledger of SPEC §16.5 is still read as before, and refuses a record.
#[test]
fn the_blank_ledger_matches_and_case_ledgers_are_unchanged() {
    let dir = scratch("results_blank");
    let demo = demo_dir(&dir);
    for f in ["台账.csv", "台账.xlsx"] {
        let r = run(&[
            "ledger",
            &s(&demo.join(f)),
            "--record",
            &s(&demo.join("notice.html")),
            "--today",
            TODAY,
        ]);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout.contains("all 31 drawn entities present once"),
            "{r:?}"
        );
    }
    let cases = common::write(
        &dir,
        "cases.csv",
        "案件编号,当事人,决定日期,生效日期,公示日期\nA-1,某公司,2026-09-25,2026-09-28,2026-10-16\n"
            .as_bytes(),
    );
    let r = run(&["ledger", &s(&cases), "--today", "2026-10-14"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Ledger check (台账核查)") && r.stdout.contains("逾期公示"),
        "{r:?}"
    );
    let r = run(&[
        "ledger",
        &s(&cases),
        "--record",
        &s(&demo.join("record.json")),
        "--today",
        "2026-10-14",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("案件台账"), "{r:?}");
}

/// 台账.xlsx opens with the 检查结果 dropdown, codes stored as text.
#[test]
fn the_workbook_has_the_dropdown() {
    let dir = scratch("results_dropdown");
    let demo = demo_dir(&dir);
    let sheet = zip_part(&demo.join("台账.xlsx"), "xl/worksheets/sheet1.xml");
    let at = sheet
        .find("<dataValidation ")
        .expect("a dataValidation element");
    let dv = &sheet[at..sheet[at..].find("</dataValidation>").unwrap() + at];
    assert!(
        dv.contains("type=\"list\"") && dv.contains("sqref=\"N2:N32\""),
        "{dv}"
    );
    for c in shuangsui::calendar::RESULT_CATEGORIES {
        assert!(dv.contains(c.name), "{} not in {dv}", c.name);
    }
    let sheet = common::Sheet::read(&demo.join("台账.xlsx"), "统一社会信用代码");
    let c = sheet.column("统一社会信用代码");
    assert_eq!(sheet.rows.len(), 31);
    for (r, numbers) in sheet.rows.iter().zip(&sheet.numbers) {
        assert!(!numbers[c] && r[c].len() == 18, "{r:?} {numbers:?}");
    }
}

fn demo_dir(dir: &Path) -> std::path::PathBuf {
    let _ = dir;
    demo(&format!(
        "{}_demo",
        dir.file_name().unwrap().to_string_lossy()
    ))
}

fn zip_part(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut text).unwrap();
    text
}

fn sheet_names(path: &Path) -> Vec<String> {
    let wb = zip_part(path, "xl/workbook.xml");
    wb.split("<sheet ")
        .skip(1)
        .map(|s| {
            let a = s.find("name=\"").unwrap() + 6;
            s[a..a + s[a..].find('"').unwrap()].to_string()
        })
        .collect()
}
