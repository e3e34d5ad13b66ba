//! Near the end of the calendar (issue 16), run as a real binary: the
//! ledger's 待补日历 rows, `calendar status`, the near-the-edge note of
//! `deadline`, and calendar files in GBK.

mod common;

use common::{run, s, scratch, write};

/// A 2027 calendar file's text; `元旦` in it is written by the caller.
fn cn_2027(holiday: &[u8]) -> Vec<u8> {
    let mut t = b"# covers: 2027\n# source: test 2027\ndate,kind,name,notice\n".to_vec();
    for day in ["2027-01-01", "2027-01-02", "2027-01-03"] {
        t.extend_from_slice(day.as_bytes());
        t.extend_from_slice(b",off,");
        t.extend_from_slice(holiday);
        t.extend_from_slice(b",test\n");
    }
    t
}

#[test]
fn ledger_case_into_next_year_waits_for_the_calendar() {
    let dir = scratch("edge_ledger");
    let ledger = write(
        &dir,
        "台账.csv",
        "案件编号,当事人,决定日期,生效日期,公示日期\n\
         E-1,某公司,2026-12-28,2026-12-28,\n\
         E-2,某店,2026-12-01,2026-12-01,\n"
            .as_bytes(),
    );
    let r = run(&["ledger", &s(&ledger), "--today", "2026-12-03"]);
    // Not overdue, not a failure.
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("0 could not be checked (数据有误), 1 waiting for a year's calendar (待补日历), 1 pending (待公示)"),
        "{r:?}"
    );
    let line = r.stdout.lines().find(|l| l.contains("E-1")).unwrap();
    assert!(line.starts_with("待补日历"), "{line}");
    assert!(
        line.contains("已计3个工作日（截至2026-12-31），还差4个"),
        "{line}"
    );
    assert!(!r.stdout.contains("数据有误  "), "{r:?}");
    // What to do, on stdout and in the log.
    assert!(
        r.stdout
            .contains("2027: the State Council's holiday notice for 2027"),
        "{r:?}"
    );
    assert!(r.stderr.contains("1 个案件待补日历（2027 年）"), "{r:?}");
    // JSON and CSV carry the status and the counts.
    let j = run(&[
        "ledger",
        &s(&ledger),
        "--today",
        "2026-12-03",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(j["summary"]["calendar_missing"], 1);
    let e1 = &j["cases"][0];
    assert_eq!(e1["case_number"], "E-1");
    assert_eq!(e1["status"], "calendar_missing");
    assert_eq!(
        (&e1["year"], &e1["counted"], &e1["remaining"]),
        (&2027.into(), &3.into(), &4.into())
    );
    let csv = run(&[
        "ledger",
        &s(&ledger),
        "--today",
        "2026-12-03",
        "--format",
        "csv",
    ]);
    assert!(
        csv.stdout
            .contains(",待补日历,calendar_missing,3,已计3个工作日"),
        "{csv:?}"
    );

    // After the import the case has its due date.
    let cal = write(&dir, "cn-2027.csv", &cn_2027("元旦".as_bytes()));
    let r = run(&[
        "ledger",
        &s(&ledger),
        "--today",
        "2026-12-03",
        "--calendar",
        &s(&cal),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("待补日历"), "{r:?}");
    assert!(r.stdout.contains("截止2027-01-07"), "{r:?}");
}

#[test]
fn calendar_status_says_when_to_import_next_year() {
    let r = run(&["calendar", "status", "--today", "2026-12-03"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("全国 (National, cn): covers 2018–2026"),
        "{r:?}"
    );
    assert!(r.stdout.contains("国办发明电〔2025〕7号"), "{r:?}");
    assert!(
        r.stdout.contains(
            "新疆维吾尔自治区 (Xinjiang Uygur Autonomous Region, xinjiang): covers 2022–2026"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("2027年的节假日安排通知通常在10月至12月发布；发布后请导入日历。"),
        "{r:?}"
    );
    assert!(r.stdout.contains("shuangsui calendar import"), "{r:?}");

    let r = run(&["calendar", "status", "--today", "2026-06-01"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("covers 2018–2026"), "{r:?}");
    assert!(!r.stdout.contains("2027"), "{r:?}");

    // In an uncovered year: deadlines fail until it is imported.
    let r = run(&["calendar", "status", "--today", "2027-01-04"]);
    assert!(
        r.stdout
            .contains("今天（2027-01-04）在2027年，日历尚未包含该年"),
        "{r:?}"
    );

    // JSON; a user file is listed as the user's; --region chooses.
    let dir = scratch("edge_status");
    let cal = write(&dir, "cn-2027.csv", &cn_2027("元旦".as_bytes()));
    let j = run(&[
        "calendar",
        "status",
        "--today",
        "2026-12-03",
        "--region",
        "xinjiang",
        "--calendar",
        &s(&cal),
        "--format",
        "json",
    ])
    .json();
    let layers = j["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    let cn_years = layers[0]["years"].as_array().unwrap();
    let last = cn_years.last().unwrap();
    assert_eq!(last["year"], 2027);
    assert!(
        last["sources"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("cn-2027.csv"),
        "{last}"
    );
    assert_eq!(last["sources"][0]["shipped"], false);
    assert_eq!(last["sources"][0]["source"], "test 2027");
    let notes = j["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["region"], "xinjiang");
    assert_eq!(notes[0]["kind"], "import_next");

    // `calendar YEAR` is unchanged.
    let r = run(&["calendar", "2026", "--month", "10"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2026年10月"), "{r:?}");
}

#[test]
fn deadline_near_the_end_of_the_calendar_says_it_may_move() {
    let r = run(&["deadline", "--start", "2026-12-14", "--working-days", "7"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.starts_with("due date (截止日期): 2026-12-23"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("该期限临近日历覆盖范围末尾：2027年的节假日安排通知发布后（通常在10月至12月），期限可能改变，请届时重新计算"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("once the holiday notice for 2027 is published"),
        "{r:?}"
    );
    let j = run(&[
        "deadline",
        "--start",
        "2026-12-14",
        "--working-days",
        "7",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(j["edge_note"]["next_year"], 2027);

    let r = run(&["deadline", "--start", "2026-06-01", "--working-days", "7"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("临近"), "{r:?}");
    let j = run(&[
        "deadline",
        "--start",
        "2026-06-01",
        "--working-days",
        "7",
        "--format",
        "json",
    ])
    .json();
    assert!(j["edge_note"].is_null(), "{j}");
}

#[test]
fn gbk_calendar_file_reads_as_its_utf8_copy() {
    let dir = scratch("edge_gbk");
    // 元旦 in GBK.
    let gbk = write(&dir, "cn-2027-gbk.csv", &cn_2027(b"\xd4\xaa\xb5\xa9"));
    let utf8 = write(&dir, "cn-2027.csv", &cn_2027("元旦".as_bytes()));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(cn_2027("元旦".as_bytes()));
    let with_bom = write(&dir, "cn-2027-bom.csv", &bom);
    let grid = |file: &std::path::Path| {
        let r = run(&[
            "calendar",
            "2027",
            "--month",
            "1",
            "--calendar",
            &s(file),
            "--format",
            "json",
        ]);
        assert_eq!(r.code, 0, "{r:?}");
        r.json()["months"].clone()
    };
    let expected = grid(&utf8);
    assert!(expected.to_string().contains("元旦"), "{expected}");
    assert_eq!(grid(&gbk), expected);
    assert_eq!(grid(&with_bom), expected);
    let r = run(&[
        "deadline",
        "--start",
        "2026-12-28",
        "--working-days",
        "7",
        "--calendar",
        &s(&gbk),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("元旦"), "{r:?}");

    // Neither UTF-8 nor GBK: a clear error naming the file.
    let bad = write(&dir, "bad.csv", &cn_2027(b"\xff\xfe\xff"));
    let r = run(&["calendar", "2027", "--calendar", &s(&bad)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("bad.csv"), "{r:?}");
    assert!(
        r.stderr
            .contains("文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本"),
        "{r:?}"
    );
}
