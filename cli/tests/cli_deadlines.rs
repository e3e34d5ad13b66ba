//! The deadline commands (`deadline`, `rules`, `ledger`, `calendar`) run as
//! a real binary (issue 4): the pinned examples of SPEC.md §16 in text and
//! JSON, uncovered years, the ledger's statuses and exit code, its CSV and
//! Excel outputs, and the month grid.

mod common;

use common::{run, s, scratch, Run, Sheet};
use std::path::PathBuf;

fn due(args: &[&str]) -> (Run, Run) {
    let text = run(&[&["deadline"], args].concat());
    let json = run(&[&["deadline", "--format", "json"], args].concat());
    (text, json)
}

#[test]
fn pinned_examples_in_text_and_json() {
    // 国庆节 2026: 10-01..10-07 off; 10-10 (Saturday) a make-up working day.
    let (t, j) = due(&["--start", "2026-09-28", "--working-days", "7"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert!(
        t.stdout.starts_with("due date (截止日期): 2026-10-13"),
        "{t:?}"
    );
    assert!(
        t.stdout.contains("2026-10-01 – 2026-10-07  国庆节, 7 days"),
        "{t:?}"
    );
    assert!(t.stderr.is_empty(), "{t:?}");
    assert_eq!(j.code, 0, "{j:?}");
    let v = j.json();
    assert_eq!(v["due"], "2026-10-13");
    assert_eq!(v["start"], "2026-09-28");
    assert_eq!(v["skipped_holidays"], serde_json::json!(["国庆节"]));

    // 春节 2026 by the named rule, with its legal basis.
    let (t, j) = due(&["--start", "2026-02-13", "--rule", "处罚结果公示"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert!(
        t.stdout.starts_with("due date (截止日期): 2026-03-02"),
        "{t:?}"
    );
    assert!(t.stdout.contains("春节"), "{t:?}");
    assert!(t.stdout.contains("basis (依据): "), "{t:?}");
    assert!(t.stdout.contains("7个工作日内"), "{t:?}");
    assert!(t.stdout.contains("处罚决定生效之日"), "{t:?}");
    assert_eq!(j.json()["due"], "2026-03-02");
    assert_eq!(j.json()["rule"]["id"], "penalty-publicity");

    // A start on a day off: the first working day after it is day 1.
    let (t, j) = due(&["--start", "2026-10-03", "--working-days", "7"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert!(
        t.stdout.starts_with("due date (截止日期): 2026-10-15"),
        "{t:?}"
    );
    assert_eq!(j.json()["due"], "2026-10-15");

    // Natural days whose end falls on a day off are moved (第二百零三条).
    let (t, j) = due(&["--start", "2026-09-21", "--days", "10"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert!(
        t.stdout.contains("2026-10-01 is a day off (国庆节)"),
        "{t:?}"
    );
    assert_eq!(j.json()["moved_from"], "2026-10-01");
    assert_eq!(j.json()["due"], "2026-10-08");
}

#[test]
fn rules_are_listed_with_their_basis() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0, "{r:?}");
    for name in [
        "处罚结果公示",
        "抽查结果公示",
        "撤销后撤下",
        "征求意见",
        "发文目录季度报送",
    ] {
        assert!(r.stdout.contains(name), "{name}: {r:?}");
    }
    assert!(r.stdout.contains("国办发〔2018〕118号"), "{r:?}");
    let j = run(&["rules", "--format", "json"]).json();
    assert!(j["rules"].as_array().unwrap().len() >= 9);
}

#[test]
fn an_uncovered_year_is_an_input_error_that_says_how_to_supply_it() {
    let r = run(&["deadline", "--start", "2027-03-01", "--working-days", "7"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.starts_with("错误："), "{r:?}");
    assert!(r.stderr.contains("工作日日历不含 2027 年"), "{r:?}");
    assert!(
        r.stderr.contains("请用 --calendar 文件 指定该文件"),
        "{r:?}"
    );
    assert!(r.stderr.contains("\nerror: "), "{r:?}");
    assert!(r.stderr.contains("does not cover 2027"), "{r:?}");
    assert!(r.stderr.contains("--calendar FILE"), "{r:?}");
    assert!(r.stderr.contains("# covers: 2027"), "{r:?}");

    // Counting into an uncovered year fails too: late December 2026 + 7.
    let r = run(&["deadline", "--start", "2026-12-28", "--working-days", "7"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("2027"), "{r:?}");

    // … and a calendar file for 2027 supplies it.
    let dir = scratch("uncovered");
    let file = dir.join("cn-2027.csv");
    std::fs::write(
        &file,
        "# covers: 2027\ndate,kind,name,notice\n2027-01-01,off,元旦,test\n",
    )
    .unwrap();
    let r = run(&[
        "deadline",
        "--start",
        "2026-12-28",
        "--working-days",
        "7",
        "--calendar",
        &s(&file),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    // 12-29, 12-30, 12-31, (01-01 元旦), 01-04 … 01-07.
    assert_eq!(r.json()["due"], "2027-01-07");

    // Xinjiang ships 2022–2026: 2021 is an error, naming it.
    let r = run(&[
        "deadline",
        "--start",
        "2021-03-01",
        "--days",
        "30",
        "--region",
        "xinjiang",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("xinjiang"), "{r:?}");
    assert!(r.stderr.contains("2021"), "{r:?}");
    assert!(r.stderr.contains("# region: xinjiang"), "{r:?}");
    // The national calendar covers 2021.
    let r = run(&["deadline", "--start", "2021-03-01", "--days", "30"]);
    assert_eq!(r.code, 0, "{r:?}");
    // The current year in Xinjiang (issue 16): 2026's 肉孜节 (03-20..03-22)
    // moves a penalty published from 03-16 to 03-26; nationally 03-25.
    for (region, due) in [(Some("xinjiang"), "2026-03-26"), (None, "2026-03-25")] {
        let mut args = vec![
            "deadline",
            "--start",
            "2026-03-16",
            "--rule",
            "处罚结果公示",
            "--format",
            "json",
        ];
        if let Some(region) = region {
            args.extend(["--region", region]);
        }
        let r = run(&args);
        assert_eq!(r.code, 0, "{r:?}");
        assert_eq!(r.json()["due"], due, "{region:?}");
    }

    // Usage errors: no period, two periods, a bad date.
    assert_eq!(run(&["deadline", "--start", "2026-01-05"]).code, 2);
    let r = run(&[
        "deadline",
        "--start",
        "2026-01-05",
        "--days",
        "3",
        "--working-days",
        "3",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(&["deadline", "--start", "2026-13-01", "--days", "3"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--start 2026-13-01"), "{r:?}");
}

const LEDGER: &str = "\u{feff}案件编号,当事人,决定日期,生效日期,公示日期,规则,承办人
A-001,阜康市某商贸有限公司,2026-09-25,2026-09-28,2026-10-12,,张三
A-002,阜康市某餐饮店,2026-09-25,2026-09-28,2026/10/16,,李四
A-003,阜康市某超市,2026-10-09,2026-10-09,,,王五
A-004,阜康市某药店,2026-09-18,2026-09-21,,,\"赵六, 钱七\"
A-005,阜康市某加油站,2026-09-18,2026-13-01,,,孙八
";

fn ledger_file(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let file = dir.join("台账.csv");
    std::fs::write(&file, LEDGER).unwrap();
    (dir, file)
}

#[test]
fn ledger_gives_each_case_its_status_and_exit_1_when_overdue() {
    let (_dir, file) = ledger_file("ledger_table");
    let r = run(&["ledger", &s(&file), "--today", "2026-10-14"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("5 cases: 1 overdue (逾期未公示), 1 could not be checked (数据有误), 1 pending (待公示), 1 published late (逾期公示), 1 on time (按时公示)"),
        "{r:?}"
    );
    // Most urgent first.
    let order: Vec<usize> = ["A-004", "A-005", "A-003", "A-002", "A-001"]
        .iter()
        .map(|c| r.stdout.find(c).unwrap_or_else(|| panic!("{c}: {r:?}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{r:?}");
    assert!(r.stdout.contains("晚3个工作日公示"), "{r:?}");
    assert!(r.stdout.contains("还有3个工作日"), "{r:?}");
    // Not a terminal: no colour.
    assert!(!r.stdout.contains('\x1b'), "{r:?}");
    // The bad row is named on stderr, with its row and column.
    assert!(
        r.stderr.contains(&format!(
            "warning: {}, row 6, column \"生效日期\": case A-005 could not be checked",
            s(&file)
        )),
        "{r:?}"
    );

    // JSON: the statuses, and the same exit code.
    let r = run(&[
        "ledger",
        &s(&file),
        "--today",
        "2026-10-14",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = r.json();
    let statuses: Vec<&str> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["overdue", "error", "pending", "late", "on_time"]);
    assert_eq!(v["cases"][0]["working_days"], 5);
    assert_eq!(v["cases"][1]["errors"][0]["row"], 6);

    // Before anything is overdue, exit 0.
    let r = run(&["ledger", &s(&file), "--today", "2026-10-08"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("0 overdue"), "{r:?}");

    // The ledger was only read.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), LEDGER);
}

#[test]
fn ledger_csv_keeps_unknown_columns_and_xlsx_reads_back() {
    let (dir, file) = ledger_file("ledger_out");
    let r = run(&[
        "ledger",
        &s(&file),
        "--today",
        "2026-10-14",
        "--format",
        "csv",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "案件编号,当事人,决定日期,生效日期,公示日期,规则,承办人,适用规则,期限,起算日期,截止日期,状态,status,工作日数,说明"
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("A-004,阜康市某药店,2026-09-18,2026-09-21,,,\"赵六, 钱七\",处罚结果公示,7个工作日,2026-09-21,2026-10-08,逾期未公示,overdue,5,"),
        "{first}"
    );

    // xlsx needs --out.
    let r = run(&[
        "ledger",
        &s(&file),
        "--today",
        "2026-10-14",
        "--format",
        "xlsx",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--out"), "{r:?}");
    // csv and xlsx are for the ledger alone.
    let r = run(&["demo", "--format", "csv"]);
    assert_eq!(r.code, 2, "{r:?}");

    let out = dir.join("核查.xlsx");
    let args = common::ledger_xlsx_args(&file, &out);
    let r = run(&args);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("1 overdue"), "{r:?}");
    assert!(r.stdout.contains(&s(&out)), "{r:?}");
    let sheet = Sheet::read(&out, "案件编号");
    assert_eq!(sheet.headers[6], "承办人");
    let status = sheet.column("status");
    let statuses: Vec<&str> = sheet.rows.iter().map(|r| r[status].as_str()).collect();
    assert_eq!(statuses, ["overdue", "error", "pending", "late", "on_time"]);

    // The report is not overwritten without --force; the ledger never.
    let r = run(&args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--force"), "{r:?}");
    let mut forced = args.to_vec();
    forced.push("--force".into());
    assert_eq!(run(&forced).code, 1);
    let r = run(&[
        "ledger",
        &s(&file),
        "--today",
        "2026-10-14",
        "--format",
        "csv",
        "--out",
        &s(&file),
        "--force",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("never overwritten"), "{r:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), LEDGER);
}

#[test]
fn ledger_help_documents_exit_1_for_overdue() {
    let r = run(&["ledger", "--help"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Exits 1 when any case is overdue"),
        "{r:?}"
    );
    assert!(r.stdout.contains("Asia/Shanghai"), "{r:?}");
    let r = run(&["--help"]);
    assert!(r.stdout.contains("`ledger` found an overdue case"), "{r:?}");
}

#[test]
fn calendar_month_marks_days_off_and_make_up_days() {
    let r = run(&["calendar", "2026", "--month", "10"]);
    assert_eq!(r.code, 0, "{r:?}");
    let out = &r.stdout;
    assert!(out.contains("2026年10月"), "{r:?}");
    assert!(out.contains(" 一   二   三   四   五   六   日"), "{r:?}");
    // 2026-10-01 is a Thursday; 10-01..10-07 off, 10-10 a working Saturday.
    assert!(out.contains("                1休  2休  3休  4休"), "{r:?}");
    assert!(out.contains(" 5休  6休  7休  8    9   10班 11"), "{r:?}");
    assert!(
        out.contains("休 2026-10-01 – 2026-10-07  国庆节 — days off (放假), 7 days"),
        "{r:?}"
    );
    assert!(
        out.contains("班 2026-10-10 (Sat)         国庆节 — make-up working day (调休上班)"),
        "{r:?}"
    );
    assert!(out.contains("Legend: 休"), "{r:?}");
    assert!(!out.contains('\x1b'), "plain when not a terminal: {r:?}");

    let j = run(&["calendar", "2026", "--month", "10", "--format", "json"]).json();
    assert_eq!(j["months"][0]["month"], 10);
    assert_eq!(j["months"][0]["weeks"][0][3]["kind"], "holiday_off");

    // A whole year: twelve months.
    let r = run(&["calendar", "2026"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2026年1月") && r.stdout.contains("2026年12月"));
    assert!(r.stdout.contains("春节"), "{r:?}");

    // Xinjiang adds 肉孜节; an uncovered year is an error.
    let r = run(&["calendar", "2025", "--month", "3", "--region", "xinjiang"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("肉孜节"), "{r:?}");
    let r = run(&["calendar", "2027"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("does not cover 2027"), "{r:?}");
    assert_eq!(run(&["calendar", "2026", "--month", "13"]).code, 2);
}

/// Issue 15: a period in Chinese numerals, as a notice writes it, is the
/// same period as in digits.
#[test]
fn a_period_in_chinese_numerals() {
    let (digits, _) = due(&["--start", "2026-09-28", "--rule", "7个工作日"]);
    let (t, j) = due(&["--start", "2026-09-28", "--rule", "七个工作日"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert!(
        t.stdout.starts_with("due date (截止日期): 2026-10-13"),
        "{t:?}"
    );
    assert_eq!(t.stdout, digits.stdout);
    assert_eq!(j.json()["rule"]["id"], "7wd");
    let (t, j) = due(&["--start", "2026-09-28", "--rule", "十五日"]);
    assert_eq!(t.code, 0, "{t:?}");
    assert_eq!(j.json()["rule"]["id"], "15d");
    let (bad, _) = due(&["--start", "2026-09-28", "--rule", "七七日"]);
    assert_ne!(bad.code, 0, "{bad:?}");
}
