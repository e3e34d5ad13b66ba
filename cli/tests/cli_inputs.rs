//! Real-world input files through the real binary (issue 6): GBK CSV and
//! Excel directories give the same digest as UTF-8 CSV, a code Excel
//! mangled into a number is refused with row, column and the fix, header
//! mappings from flags and the task file, invalid codes as warnings, and
//! the draw's result.xlsx.

mod common;

use common::{demo, demo_in, draw, draw_args, fixture, run, s, scratch, Sheet};
use std::path::{Path, PathBuf};

fn digest_of(args: &[&str]) -> String {
    let r = run(&[&["--format", "json", "digest", "entities"], args].concat());
    assert_eq!(r.code, 0, "{args:?}: {r:?}");
    r.json()["digest"].as_str().unwrap().to_string()
}

/// CSV text as a workbook the way exported reports look: a title row, an
/// empty row, then the header; codes stored as text. With `mangle`, the
/// second entity's code is a number cell, as Excel makes it.
fn xlsx_directory(path: &Path, text: &str, mangle: bool) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("检查对象名录").unwrap();
    ws.write_string(0, 0, "阜康市市场主体名录（2026年12月导出）")
        .unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (row, col) = (r as u32 + 2, c as u16);
            if mangle && r == 2 && c == 0 {
                ws.write_number(row, col, 9.16523e17).unwrap();
            } else {
                ws.write_string(row, col, cell).unwrap();
            }
        }
    }
    wb.add_worksheet().set_name("说明").unwrap();
    std::fs::write(path, wb.save_to_buffer().unwrap()).unwrap();
}

/// The UTF-8 fixture as such a workbook.
fn fixture_xlsx(path: &Path, mangle: bool) {
    let text = std::fs::read_to_string(fixture("entities-utf8.csv")).unwrap();
    xlsx_directory(path, &text, mangle);
}

#[test]
fn gbk_csv_and_excel_directories_give_the_utf8_digest() {
    let dir = scratch("formats");
    let utf8 = digest_of(&[&s(&fixture("entities-utf8.csv"))]);
    // Chinese Excel's "CSV (逗号分隔)": GBK, CRLF, a title row.
    assert_eq!(digest_of(&[&s(&fixture("entities-gbk.csv"))]), utf8);
    assert_eq!(
        digest_of(&[&s(&fixture("entities-gbk.csv")), "--encoding", "gbk"]),
        utf8
    );
    assert_eq!(digest_of(&[&s(&fixture("entities-utf8-bom.csv"))]), utf8);
    assert_eq!(digest_of(&[&s(&fixture("entities-fullwidth.tsv"))]), utf8);
    assert_eq!(digest_of(&[&s(&fixture("entities.xls"))]), utf8);
    let xlsx = dir.join("名录.xlsx");
    fixture_xlsx(&xlsx, false);
    assert_eq!(digest_of(&[&s(&xlsx)]), utf8);
    assert_eq!(digest_of(&[&s(&xlsx), "--sheet", "检查对象名录"]), utf8);

    // A sheet that is not there names the sheets that are.
    let r = run(&["digest", "entities", &s(&xlsx), "--sheet", "Sheet1"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("检查对象名录, 说明"), "{r:?}");
    // A forced wrong encoding is an input error, not a silent misread.
    let r = run(&[
        "digest",
        "entities",
        &s(&fixture("entities-gbk.csv")),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(&[
        "digest",
        "entities",
        &s(&fixture("entities-utf8.csv")),
        "--encoding",
        "latin1",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--encoding"), "{r:?}");
}

#[test]
fn a_code_excel_turned_into_a_number_is_refused_with_the_fix() {
    let r = run(&["digest", "entities", &s(&fixture("entities-mangled.csv"))]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "{}, row 3, column \"统一社会信用代码\"",
            s(&fixture("entities-mangled.csv"))
        )),
        "{r:?}"
    );
    assert!(r.stderr.contains("9.16523E+17"), "{r:?}");
    assert!(r.stderr.contains("format it as Text"), "{r:?}");

    // The same in a workbook: the row as Excel shows it (title row 1,
    // blank row 2, header row 3, the mangled code on row 5).
    let dir = scratch("mangled");
    let xlsx = dir.join("mangled.xlsx");
    fixture_xlsx(&xlsx, true);
    let r = run(&["digest", "entities", &s(&xlsx)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("row 5"), "{r:?}");
    assert!(r.stderr.contains("统一社会信用代码"), "{r:?}");
    assert!(r.stderr.contains("Text"), "{r:?}");
}

#[test]
fn every_problem_of_a_file_is_listed_at_once() {
    let r = run(&["digest", "entities", &s(&fixture("entities-problems.csv"))]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("4 problem(s)"), "{r:?}");
    for row in ["row 2", "row 4", "row 5", "row 7"] {
        assert!(r.stderr.contains(row), "{row}: {r:?}");
    }
    // Chinese first (the summary and one line per problem), then English.
    assert!(r.stderr.starts_with("错误："), "{r:?}");
    assert!(r.stderr.contains("发现 4 处问题"), "{r:?}");
    assert!(r.stderr.contains("第 7 行"), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 10, "{r:?}");
    // As JSON: one object with the problems as details.
    let r = run(&[
        "--format",
        "json",
        "digest",
        "entities",
        &s(&fixture("entities-problems.csv")),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    let e: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(e["error"]["details"].as_array().unwrap().len(), 4);
    assert_eq!(e["error"]["details"][0]["row"], 2);
}

#[test]
fn map_reads_an_unusual_header() {
    let dir = scratch("map");
    let text = std::fs::read_to_string(fixture("entities-utf8.csv")).unwrap();
    let file = dir.join("纳税人.csv");
    std::fs::write(&file, text.replacen("统一社会信用代码", "纳税人识别号", 1)).unwrap();
    let r = run(&["digest", "entities", &s(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("map your column"), "{r:?}");
    let utf8 = digest_of(&[&s(&fixture("entities-utf8.csv"))]);
    assert_eq!(
        digest_of(&[&s(&file), "--map", "纳税人识别号=统一社会信用代码"]),
        utf8
    );
    let r = run(&["digest", "entities", &s(&file), "--map", "纳税人识别号"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("HEADER=FIELD"), "{r:?}");
}

/// The demo's files with the entity directory's code column renamed to
/// 纳税人识别号 and one code given a wrong check character; the task says
/// how to read it (`[columns.entities]`, `invalid_codes = "warn"`).
fn unusual_demo(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = scratch(name);
    let demo = demo_in(&dir);
    let text = std::fs::read_to_string(demo.join("entities.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[0] = lines[0].replacen("统一社会信用代码", "纳税人识别号", 1);
    let (code, rest) = lines[5].split_once(',').unwrap();
    let last = code.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong}", &code[..code.len() - 1]);
    lines[5] = format!("{bad},{rest}");
    std::fs::write(demo.join("entities-tax.csv"), lines.join("\n") + "\n").unwrap();
    let task = std::fs::read_to_string(demo.join("task.toml")).unwrap();
    // These directories differ from the announced ones: drawn unannounced,
    // so without the demo's [[seed]] form.
    let (head, rest) = task.split_once("[[seed]]").unwrap();
    let task = format!("{head}{}", &rest[rest.find("[team]").unwrap()..]);
    let task = format!(
        "invalid_codes = \"warn\"\n{task}\n[columns.entities]\n\"纳税人识别号\" = \"统一社会信用代码\"\n"
    );
    std::fs::write(demo.join("task-tax.toml"), task).unwrap();
    (dir, demo, bad)
}

#[test]
fn draw_applies_the_task_mappings_and_verify_takes_the_same_flags() {
    let (dir, demo, bad) = unusual_demo("task_columns");
    let out = dir.join("result");
    let (entities, inspectors) = (demo.join("entities-tax.csv"), demo.join("inspectors.csv"));
    let r = draw(
        &demo.join("task-tax.toml"),
        &entities,
        &inspectors,
        &out,
        &["--unannounced", "--seed", "lottery:3 0 7"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // The invalid code is accepted under `warn`, and said on stderr.
    assert!(
        r.stderr.starts_with("警告：")
            && r.stderr.contains("\nwarning: ")
            && r.stderr.contains(&bad),
        "{r:?}"
    );
    assert!(r.stderr.contains("row 6"), "{r:?}");
    // The verify command printed carries the mapping.
    assert!(
        r.stdout
            .contains("--map-entities 纳税人识别号=统一社会信用代码"),
        "{r:?}"
    );
    for f in ["record.json", "result.csv", "result.xlsx", "notice.html"] {
        assert!(out.join(f).is_file(), "{f}");
    }

    let verify =
        |extra: &[&str]| common::verify(&out.join("record.json"), &entities, &inspectors, extra);
    // Without the mapping the code column is not found.
    let r = verify(&[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no id"), "{r:?}");
    // With it, the record is reproduced, the invalid code only a warning
    // (verify accepts whatever the draw accepted).
    let r = verify(&["--map-entities", "纳税人识别号=统一社会信用代码"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("reproduced"), "{r:?}");
    assert!(r.stderr.contains(&bad), "{r:?}");

    // Without the task's `warn`, the same directory is refused.
    let r = run(&[
        "digest",
        "entities",
        &s(&demo.join("entities-tax.csv")),
        "--map",
        "纳税人识别号=统一社会信用代码",
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("check character"), "{r:?}");
    // `digest --task` reads it as the task does, giving the draw's digest.
    let r = run(&[
        "--format",
        "json",
        "digest",
        "entities",
        &s(&demo.join("entities-tax.csv")),
        "--task",
        &s(&demo.join("task-tax.toml")),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("record.json")).unwrap()).unwrap();
    assert_eq!(r.json()["digest"], record["entities"]["digest"]);
}

#[test]
fn draw_and_demo_write_result_xlsx_that_reads_back() {
    let demo = demo("result_xlsx");
    let dir = demo.parent().unwrap();
    let record = shuangsui::DrawRecord::from_json(
        &std::fs::read_to_string(demo.join("record.json")).unwrap(),
    )
    .unwrap();
    let sheet = Sheet::read(&demo.join("result.xlsx"), "统一社会信用代码");
    let code = sheet.column("统一社会信用代码");
    let mut codes = Vec::new();
    for (row, numbers) in sheet.rows.iter().zip(&sheet.numbers) {
        assert!(!numbers[code], "codes are stored as text");
        if !row[code].is_empty() && !codes.contains(&row[code]) {
            codes.push(row[code].clone());
        }
    }
    let drawn: Vec<String> = record.draws.iter().map(|d| d.entity.id.clone()).collect();
    assert_eq!(codes, drawn);

    // The demo's entity directory as a workbook with a title row: its
    // digest is the CSV's, so it matches the demo's announcement, and the
    // draw from it reproduces the demo's record.
    let xlsx = dir.join("entities.xlsx");
    let text = std::fs::read_to_string(demo.join("entities.csv")).unwrap();
    xlsx_directory(&xlsx, &text, false);

    let out = dir.join("draw");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("result.xlsx"), b"keep").unwrap();
    let inspectors = demo.join("inspectors.csv");
    let announcement = s(&demo.join("announcement.json"));
    let args = draw_args(
        &demo.join("task.toml"),
        &xlsx,
        &inspectors,
        &out,
        &["--announcement", &announcement, "--seed", "3 0 7"],
    );
    // An existing result.xlsx is protected like the other outputs.
    let r = run(&args);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("result.xlsx") && r.stderr.contains("--force"),
        "{r:?}"
    );
    assert_eq!(std::fs::read(out.join("result.xlsx")).unwrap(), b"keep");
    let mut forced = args.to_vec();
    forced.push("--force".into());
    let r = run(&forced);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("matches the announcement"), "{r:?}");
    let ours = shuangsui::DrawRecord::from_json(
        &std::fs::read_to_string(out.join("record.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(ours.draws, record.draws);
    assert!(std::fs::read(out.join("result.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    // Anyone verifies it with the CSV or the workbook alike.
    for entities in [demo.join("entities.csv"), xlsx] {
        let r = common::verify(&out.join("record.json"), &entities, &inspectors, &[]);
        assert_eq!(r.code, 0, "{r:?}");
    }
}

#[test]
fn a_result_table_or_the_other_directory_given_as_a_directory_is_refused_saying_what_it_is() {
    let demo = demo("wrong_files");
    let out = demo.parent().unwrap().join("draw");
    let task = demo.join("task.toml");
    let inspectors = demo.join("inspectors.csv");
    for result in ["result.csv", "result.xlsx"] {
        let r = draw(
            &task,
            &demo.join(result),
            &inspectors,
            &out,
            &["--seed", "lottery:3 0 7", "--unannounced"],
        );
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stderr
                .contains("--entities 给出的文件是抽取结果表（含分层、抽签值、检查组长等列，"),
            "{r:?}"
        );
        assert!(r.stderr.contains(&format!("{result}：--entities")), "{r:?}");
        assert!(r.stderr.contains("用 --exclusions 给出"), "{r:?}");
        assert!(
            r.stderr
                .contains("the file given with --entities is the result table of a draw"),
            "{r:?}"
        );
        assert!(!out.join("record.json").exists(), "nothing is written");
    }
    // The entity directory as the inspectors: what it is, and its option.
    let entities = demo.join("entities.csv");
    let r = draw(
        &task,
        &entities,
        &entities,
        &out,
        &["--seed", "lottery:3 0 7", "--unannounced"],
    );
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("--inspectors 给出的文件是检查对象名录库（含统一社会信用代码、企业名称、信用风险等级等列，300 行），不是执法检查人员名录库；请用 --entities 给出它"),
        "{r:?}"
    );
    // The JSON form names the kind.
    let mut args = draw_args(
        &task,
        &demo.join("result.csv"),
        &inspectors,
        &out,
        &["--seed", "lottery:3 0 7", "--unannounced"],
    );
    args.splice(0..0, ["--format".to_string(), "json".to_string()]);
    let r = run(&args);
    let e: serde_json::Value = serde_json::from_str(&r.stderr).unwrap();
    assert_eq!(e["error"]["kind"], "WrongFile", "{r:?}");
}
