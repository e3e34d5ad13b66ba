//! Real-world directories (issue 6): Excel and GBK in, check characters,
//! all problems of a file at once, Excel out and back.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use shuangsui::{
    draw, xlsx, CodeCheck, DrawInputs, EntityDirectory, ErrorKind, Exclusions, InspectorDirectory,
    LoadOptions, ReadOptions, RowSource, SeedSource, Table, TaskFile, TextEncoding,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn load(name: &str, bytes: &[u8]) -> shuangsui::Result<EntityDirectory> {
    EntityDirectory::load(bytes, name, &LoadOptions::default())
}

/// The fixture directory as a UTF-8 table, for building the xlsx versions.
fn rows() -> Vec<Vec<String>> {
    let text = String::from_utf8(fixture("entities-utf8.csv")).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// An xlsx as a registration system exports it: a title row, then the
/// header, codes as text cells.
fn xlsx_with_title(mangle_row: Option<usize>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("市场主体名录").unwrap();
    ws.write_string(0, 0, "阜康市市场主体名录（2026年11月导出）")
        .unwrap();
    for (r, row) in rows().iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if Some(r) == mangle_row && c == 0 {
                // What Excel does to an 18-digit code typed into a General cell.
                ws.write_number(r as u32 + 2, 0, 9.16523e17).unwrap();
            } else {
                ws.write_string(r as u32 + 2, c as u16, v).unwrap();
            }
        }
    }
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "本表由登记系统导出").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn every_shape_of_the_same_directory_has_the_same_digest() {
    let reference = load("entities-utf8.csv", &fixture("entities-utf8.csv")).unwrap();
    assert_eq!(reference.len(), 12);
    for name in [
        "entities-utf8-bom.csv",
        "entities-gbk.csv",
        "entities-fullwidth.tsv",
        "entities.xls",
    ] {
        let dir = load(name, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(dir.digest_hex(), reference.digest_hex(), "{name}");
    }
    let dir = load("entities.xlsx", &xlsx_with_title(None)).unwrap();
    assert_eq!(dir.digest_hex(), reference.digest_hex(), "xlsx");
}

#[test]
fn gbk_is_detected_and_can_be_forced() {
    let gbk = fixture("entities-gbk.csv");
    let dir = load("entities-gbk.csv", &gbk).unwrap();
    assert!(dir.entities().iter().any(|e| e.name.starts_with("阜康市")));
    // Forcing UTF-8 on a GBK file is an error naming the encoding, not garbage.
    let forced = LoadOptions {
        read: ReadOptions {
            encoding: TextEncoding::Utf8,
            sheet: None,
        },
        ..LoadOptions::default()
    };
    let e = EntityDirectory::load(&gbk, "entities-gbk.csv", &forced).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csv);
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

/// Issue 13, case 1: a GBK file whose last row has no line break (as
/// Chinese Excel saves it), or that ends inside an open quote, gives its
/// UTF-8 copy's digest or a clean error — never a panic.
#[test]
fn gbk_without_a_final_line_break_reads_like_its_utf8_copy() {
    let utf8 = "统一社会信用代码,企业名称\n91652302MAYYDYBDX3,阜康市万悦家政服务有限公司";
    let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
    let a = load("u.csv", utf8.as_bytes()).unwrap();
    for encoding in [TextEncoding::Auto, TextEncoding::Gb18030] {
        let options = LoadOptions {
            read: ReadOptions {
                encoding,
                sheet: None,
            },
            ..LoadOptions::default()
        };
        let b = EntityDirectory::load(&gbk, "g.csv", &options).unwrap();
        assert_eq!(a.digest(), b.digest());
        let mut open = gbk.to_vec();
        open.extend_from_slice(b"\n\"91652302MA");
        let e = EntityDirectory::load(&open, "g.csv", &options).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csv, "{e}");
    }
}

#[test]
fn a_sheet_is_chosen_by_name() {
    let xlsx = xlsx_with_title(None);
    let notes = LoadOptions {
        read: ReadOptions {
            sheet: Some("说明".into()),
            ..ReadOptions::default()
        },
        ..LoadOptions::default()
    };
    let e = EntityDirectory::load(&xlsx, "entities.xlsx", &notes).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingColumn);
    assert!(e.to_string().contains("sheet \"说明\""), "{e}");
    let missing = LoadOptions {
        read: ReadOptions {
            sheet: Some("Sheet9".into()),
            ..ReadOptions::default()
        },
        ..LoadOptions::default()
    };
    let e = EntityDirectory::load(&xlsx, "entities.xlsx", &missing).unwrap_err();
    assert!(
        e.to_string().contains("市场主体名录"),
        "lists the sheets: {e}"
    );
}

#[test]
fn a_code_excel_turned_into_a_number_is_an_error_that_says_how_to_fix_it() {
    let e = load("entities.xlsx", &xlsx_with_title(Some(3))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidId);
    let loc = e.location().unwrap();
    assert_eq!(
        loc.row,
        Some(6),
        "title row 1, blank row… the code sits on spreadsheet row 6: {e}"
    );
    assert!(
        e.to_string().contains("文本") && e.to_string().contains("sheet \"市场主体名录\""),
        "{e}"
    );
    let e = load("entities-mangled.csv", &fixture("entities-mangled.csv")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidId);
    assert!(
        e.to_string().contains("9.16523E+17") && e.to_string().contains("stored as a number"),
        "{e}"
    );
    assert!(
        e.message_zh().contains("设置单元格格式"),
        "{}",
        e.message_zh()
    );
}

#[test]
fn all_problems_of_a_file_are_reported_together() {
    let e = load("entities-problems.csv", &fixture("entities-problems.csv")).unwrap_err();
    let details: Vec<String> = e.details().iter().map(|d| d.to_string()).collect();
    assert_eq!(details.len(), 4, "{e}");
    assert!(
        details[0].contains("row 2") && details[0].contains("check character"),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("row 4") && d.contains("10 characters")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("row 5") && d.contains("name")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("rows 6 and 7")),
        "{details:?}"
    );
    for d in e.details() {
        assert_eq!(
            d.location().unwrap().file.as_deref(),
            Some("entities-problems.csv")
        );
    }
    // Wrong check characters only warn when the task says so.
    let text = String::from_utf8(fixture("entities-problems.csv")).unwrap();
    let only_check: String = text
        .lines()
        .take(2)
        .chain(text.lines().skip(6))
        .map(|l| format!("{l}\n"))
        .collect();
    let warn = LoadOptions {
        codes: CodeCheck::Warn,
        ..LoadOptions::default()
    };
    let dir = EntityDirectory::load(only_check.as_bytes(), "e.csv", &warn).unwrap();
    assert_eq!(dir.warnings().len(), 1);
    assert!(
        dir.warnings()[0].to_string().contains("should be"),
        "{}",
        dir.warnings()[0]
    );
}

#[test]
fn an_unusual_header_can_be_mapped() {
    let text = "纳税人识别号,单位全称,监管片区\n91350100M000100Y43,甲公司,博峰街道\n";
    assert_eq!(
        load("e.csv", text.as_bytes()).unwrap_err().kind(),
        ErrorKind::MissingColumn
    );
    let task = TaskFile::parse(
        "name='t'\nitem='i'\ndraw_date=2026-12-01\n[columns.entities]\n\"纳税人识别号\" = \"id\"\n\"单位全称\" = \"企业名称\"\n\"监管片区\" = \"所属区域\"\n",
        "task.toml",
    )
    .unwrap();
    let dir = EntityDirectory::load(
        text.as_bytes(),
        "e.csv",
        &task.entity_options(ReadOptions::default()),
    )
    .unwrap();
    assert_eq!(dir.entities()[0].attribute("所属区域"), Some("博峰街道"));
    assert_eq!(dir.entities()[0].name, "甲公司");
}

#[test]
fn excel_dates_and_inspector_workbooks() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["执法证号", "姓名", "部门", "执法领域", "状态", "有效期"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "65010012345").unwrap();
    ws.write_string(1, 1, "王伟").unwrap();
    ws.write_string(1, 3, "食品安全").unwrap();
    ws.write_datetime_with_format(1, 5, ExcelDateTime::from_ymd(2027, 6, 30).unwrap(), &date)
        .unwrap();
    let dir = InspectorDirectory::load(
        &wb.save_to_buffer().unwrap(),
        "i.xlsx",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(dir.inspectors()[0].expiry.as_deref(), Some("2027-06-30"));
}

#[test]
fn xlsx_in_draw_xlsx_out_and_read_back() {
    let entities = load("entities.xlsx", &xlsx_with_title(None)).unwrap();
    let inspectors = InspectorDirectory::from_csv(
        "执法证号,姓名,部门,执法领域\nZF1,王伟,市场监管局,食品安全\nZF2,李娜,市场监管局,食品安全\nZF3,古丽,市场监管局,食品安全\n"
            .as_bytes(),
        "i.csv",
    )
    .unwrap();
    let task = TaskFile::parse(
        "name='t'\nitem='i'\ndraw_date=2026-12-01\n[[strata]]\nratio='50%'\n",
        "t.toml",
    )
    .unwrap();
    let record = draw(&DrawInputs {
        task: &task.task,
        entities: &entities,
        inspectors: &inspectors,
        exclusions: &Exclusions::none(),
        seed: &[SeedSource::parse("lottery:1 2 3").unwrap()],
        announcement: shuangsui::Announced::V1,
    })
    .unwrap();
    let bytes = xlsx::result_xlsx(&record).unwrap();
    assert_eq!(
        bytes,
        xlsx::result_xlsx(&record).unwrap(),
        "the same record gives the same bytes"
    );
    let is_header = |cells: &[String]| cells.iter().any(|c| c == "统一社会信用代码");
    let mut table =
        Table::from_bytes(&bytes, "result.xlsx", &ReadOptions::default(), &is_header).unwrap();
    let code_col = table
        .headers()
        .iter()
        .position(|h| h == "统一社会信用代码")
        .unwrap();
    let mut row = Vec::new();
    let mut codes = Vec::new();
    while table.next_row(&mut row).unwrap().is_some() {
        assert!(!table.cell_is_number(code_col), "codes are stored as text");
        codes.push(row[code_col].clone());
    }
    let drawn: Vec<String> = record.draws.iter().map(|d| d.entity.id.clone()).collect();
    assert_eq!(codes, drawn);
    // The result workbook can itself be read back as a directory of the drawn entities.
    let back = EntityDirectory::load(&bytes, "result.xlsx", &LoadOptions::default()).unwrap();
    assert_eq!(back.len(), record.draws.len());
}

/// SPEC §3.0: a number in scientific notation in an id cell is refused for
/// entity ids, inspector ids and exclusion ids alike, after §2 folding;
/// without a point or a sign (`12E345`) it is an ordinary id.
#[test]
fn scientific_ids_are_refused_everywhere() {
    let e = load(
        "e.csv",
        "统一社会信用代码,企业名称\n９．１４４０３Ｅ＋１７,甲\n".as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidId);
    let l = e.location().unwrap();
    assert_eq!(
        (l.row, l.column.as_deref()),
        (Some(2), Some("统一社会信用代码"))
    );
    assert!(e.message().contains("Text"), "{e}");
    assert!(e.message_zh().contains("文本"), "{e}");

    for id in ["1E-5", "９Ｅ＋１７", "6.5E+10"] {
        let text = format!("执法证号,姓名\n{id},王伟\n");
        let e = InspectorDirectory::load(text.as_bytes(), "i.csv", &LoadOptions::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidId, "{id}");
        assert_eq!(e.location().and_then(|l| l.row), Some(2), "{id}");
    }
    let ok = InspectorDirectory::load(
        "执法证号,姓名\n12E345,王伟\n".as_bytes(),
        "i.csv",
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(ok.len(), 1);

    let e = Exclusions::load(
        "统一社会信用代码\n9.14403E+17\n".as_bytes(),
        "x.csv",
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidId);
    assert_eq!(e.location().and_then(|l| l.row), Some(2));
    let e = TaskFile::parse(
        "name='a'\nitem='b'\ndraw_date=2026-01-01\n[team]\nconflicts=[{inspector='1E-5', entity='91350100M000100Y43'}]\n",
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTask);
    assert!(e.message().contains("scientific"), "{e}");
}

/// SPEC §4: two id columns of the same kind in an exclusion list are
/// `DuplicateColumn` (the second used to be ignored, so the entities listed
/// there were drawn); a line break in an id cell is `Csv`.
#[test]
fn exclusion_lists_refuse_a_second_id_column_and_multi_line_ids() {
    let e = Exclusions::load(
        "统一社会信用代码,原因,信用代码\n91350100M000100Y43,已检查,91652302MA7XXXXXXX\n".as_bytes(),
        "x.csv",
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateColumn);
    assert!(
        e.message()
            .contains("columns 1 (\"统一社会信用代码\") and 3 (\"信用代码\")"),
        "{e}"
    );
    assert!(e.message_zh().contains("第 1 列"), "{e}");
    assert_eq!(e.location().and_then(|l| l.file.as_deref()), Some("x.csv"));

    let e = Exclusions::load(
        "注册号,统一社会信用代码,regno\n1,,2\n".as_bytes(),
        "x.csv",
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateColumn);

    let e = Exclusions::load(
        "统一社会信用代码,注册号\n\"91350100M000100Y43\n\",\n".as_bytes(),
        "x.csv",
        &LoadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csv);
    let l = e.location().unwrap();
    assert_eq!(
        (l.row, l.column.as_deref()),
        (Some(2), Some("统一社会信用代码"))
    );
    assert!(e.message_zh().contains("引号"), "{e}");
}

/// SPEC §14 precedence: a row's problem is reported before a duplicate id
/// (kind of the first problem, rows in file order, then duplicates);
/// overlapping strata before a quota above a stratum; and the same input
/// gives the same error every time.
#[test]
fn errors_follow_the_documented_precedence() {
    let c = "91350100M000100Y43";
    let text = format!("统一社会信用代码,企业名称,信用风险等级\n{c},甲,A\nX-1,乙,A\n{c},丙,A\n");
    let first = load("e.csv", text.as_bytes()).unwrap_err();
    assert_eq!(first.kind(), ErrorKind::InvalidId);
    let kinds: Vec<ErrorKind> = first.details().iter().map(|d| d.kind()).collect();
    assert_eq!(kinds, [ErrorKind::InvalidId, ErrorKind::DuplicateId]);
    for _ in 0..3 {
        assert_eq!(
            load("e.csv", text.as_bytes()).unwrap_err().to_string(),
            first.to_string()
        );
    }

    let dir = load(
        "e.csv",
        format!("统一社会信用代码,企业名称,信用风险等级\n{c},甲,A\n").as_bytes(),
    )
    .unwrap();
    let inspectors = InspectorDirectory::load(
        "执法证号,姓名\nZF1,王伟\nZF2,李娜\n".as_bytes(),
        "i.csv",
        &LoadOptions::default(),
    )
    .unwrap();
    let task = TaskFile::parse(
        "name='a'\nitem='b'\ndraw_date=2026-01-01\n[[strata]]\nname='s1'\nwhere={'风险等级'='A'}\ncount=5\n[[strata]]\nname='s2'\nwhere={'风险等级'=['A','B']}\ncount=5\n",
        "t.toml",
    )
    .unwrap()
    .task;
    let e = draw(&DrawInputs {
        task: &task,
        entities: &dir,
        inspectors: &inspectors,
        exclusions: &Exclusions::none(),
        seed: &[SeedSource::parse("lottery:1 2 3").unwrap()],
        announcement: shuangsui::Announced::V1,
    })
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::OverlappingStrata);
}
