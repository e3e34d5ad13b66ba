use super::*;
use std::path::{Path, PathBuf};

fn kind(bytes: &[u8], name: &str) -> FileKind {
    identify(bytes, name).kind
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn demo() -> &'static crate::synth::Demo {
    static DEMO: std::sync::OnceLock<crate::synth::Demo> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| crate::synth::demo().unwrap())
}

/// A workbook of one sheet: a title row, then `rows`.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "名录（导出）").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn every_golden_vector_file_is_its_own_kind() {
    let mut seen = 0;
    for root in ["seeds", "seeds/v2"] {
        for dir in std::fs::read_dir(repo().join(root)).unwrap() {
            let dir = dir.unwrap().path();
            if !dir.is_dir() || dir.ends_with("v2") {
                continue;
            }
            for (file, want) in [
                ("entities.csv", Slot::Entities),
                ("inspectors.csv", Slot::Inspectors),
                ("exclusions.csv", Slot::Exclusions),
                ("task.toml", Slot::Task),
                ("announcement.json", Slot::Announcement),
            ] {
                let Ok(bytes) = std::fs::read(dir.join(file)) else {
                    continue;
                };
                seen += 1;
                for via in [Via::Page, Via::CommandLine] {
                    check_slot(&bytes, file, want, via)
                        .unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()));
                }
            }
        }
    }
    assert!(seen > 80, "{seen} files");
}

#[test]
fn fixtures_gbk_xlsx_and_the_demo_are_directories() {
    let fixtures = repo().join("core/tests/fixtures");
    for f in [
        "entities-fullwidth.tsv",
        "entities-gbk.csv",
        "entities-mangled.csv",
        "entities-problems.csv",
        "entities-utf8-bom.csv",
        "entities-utf8.csv",
        "entities.xls",
    ] {
        let bytes = std::fs::read(fixtures.join(f)).unwrap();
        let found = identify(&bytes, f);
        assert_eq!(found.kind, FileKind::EntityDirectory, "{f}: {found:?}");
        check_slot(&bytes, f, Slot::Entities, Via::Page).unwrap();
    }
    let d = demo();
    assert_eq!(
        kind(d.entities_csv.as_bytes(), "e.csv"),
        FileKind::EntityDirectory
    );
    assert_eq!(
        kind(d.inspectors_csv.as_bytes(), "i.csv"),
        FileKind::InspectorDirectory
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&d.inspectors_csv);
    assert_eq!(kind(&gbk, "i.csv"), FileKind::InspectorDirectory);
    let book = xlsx(&[
        &["统一社会信用代码", "企业名称", "行业"],
        &["91652302MAYYDYBDX3", "甲", "零售"],
    ]);
    assert_eq!(kind(&book, "e.xlsx"), FileKind::EntityDirectory);
    // A directory with columns nobody expects, and one whose name column
    // a task maps, are still taken.
    let odd = "统一社会信用代码,单位全称,成立日期\n91652302MAYYDYBDX3,甲,2020-01-01\n";
    check_slot(odd.as_bytes(), "e.csv", Slot::Entities, Via::Page).unwrap();
    let english = "id,name,region\nZF1,王伟,城关镇\n";
    for slot in [Slot::Entities, Slot::Inspectors] {
        check_slot(english.as_bytes(), "x.csv", slot, Via::Page).unwrap();
    }
}

#[test]
fn published_files_are_told_apart() {
    let d = demo();
    assert_eq!(
        kind(d.result_csv.as_bytes(), "result.csv"),
        FileKind::ResultTable
    );
    let book = crate::xlsx::result_xlsx(&d.record).unwrap();
    assert_eq!(kind(&book, "result.xlsx"), FileKind::ResultTable);
    assert_eq!(
        kind(&d.record.json_pretty_bytes(), "record.json"),
        FileKind::Record
    );
    let ann = d.announcement.to_json_pretty();
    assert_eq!(
        kind(ann.as_bytes(), "announcement.json"),
        FileKind::Announcement
    );
    assert_eq!(
        kind(d.notice_html.as_bytes(), "notice.html"),
        FileKind::Notice
    );
    let page = crate::publish::announcement_html(&d.announcement);
    assert_eq!(kind(page.as_bytes(), "a.html"), FileKind::AnnouncementPage);
    assert_eq!(kind(d.task_toml.as_bytes(), "task.toml"), FileKind::Task);
    let ledger = "案件编号,当事人,统一社会信用代码,决定日期,生效日期\nA-1,甲,91652302MAYYDYBDX3,2026-09-25,2026-09-28\n";
    assert_eq!(kind(ledger.as_bytes(), "l.csv"), FileKind::Ledger);
    let (cal_name, cal) = crate::calendar::shipped_files()[0];
    assert_eq!(kind(cal.as_bytes(), cal_name), FileKind::Calendar);
    assert_eq!(kind(b"\xEF\xBB\xBF  \r\n", "x.csv"), FileKind::Empty);
    assert_eq!(
        kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "shot.png"),
        FileKind::Image
    );
    assert_eq!(kind(b"%PDF-1.7\n", "a.pdf"), FileKind::Pdf);
    assert_eq!(
        kind(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "a.doc"),
        FileKind::Word
    );
    assert_eq!(
        kind(b"PK\x03\x04\x14\0\0\0word/document.xml", "a.docx"),
        FileKind::Word
    );
    assert_eq!(
        kind(b"PK\x03\x04\x14\0\0\0photos/1.jpg", "a.zip"),
        FileKind::Zip
    );
    assert_eq!(kind(b"just some words", "a.txt"), FileKind::Unknown);
    assert_eq!(kind(b"{\"a\": 1}", "a.json"), FileKind::Unknown);
}

#[test]
fn a_file_in_the_wrong_slot_is_refused_saying_what_it_is_and_where_it_goes() {
    let d = demo();
    let e = check_slot(
        d.entities_csv.as_bytes(),
        "entities.csv",
        Slot::Exclusions,
        Via::Page,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongFile);
    assert!(
        e.message_zh().starts_with("「排除名单」处放入的文件是检查对象名录库（含统一社会信用代码、企业名称、信用风险等级等列，300 行），不是排除名单；请把它放入「检查对象名录库」处。"),
        "{}",
        e.message_zh()
    );
    assert_eq!(e.location().unwrap().file.as_deref(), Some("entities.csv"));
    let e = check_slot(
        d.result_csv.as_bytes(),
        "result.csv",
        Slot::Entities,
        Via::CommandLine,
    )
    .unwrap_err();
    assert!(
        e.message_zh().starts_with(&format!(
            "--entities 给出的文件是抽取结果表（含分层、抽签值、检查组长等列，{} 行），不是检查对象名录库；它是抽取后输出的结果",
            d.record.draws.len()
        )),
        "{}",
        e.message_zh()
    );
    assert!(
        e.message()
            .starts_with("the file given with --entities is the result table of a draw"),
        "{e}"
    );
    let e = check_slot(
        d.entities_csv.as_bytes(),
        "e.csv",
        Slot::Inspectors,
        Via::Page,
    )
    .unwrap_err();
    assert!(
        e.message_zh().contains("请把它放入「检查对象名录库」处"),
        "{}",
        e.message_zh()
    );
    let book = crate::xlsx::result_xlsx(&d.record).unwrap();
    let e = check_slot(&book, "result.xlsx", Slot::Entities, Via::Page).unwrap_err();
    assert!(
        e.message_zh()
            .contains("抽取结果表（含分层、抽签值、检查组长等列，"),
        "{}",
        e.message_zh()
    );
    let e = check_slot(b"", "task.toml", Slot::Task, Via::Page).unwrap_err();
    assert!(
        e.message_zh()
            .starts_with("「任务文件」处放入的文件是空文件，不是抽查任务文件；文件中没有任何内容"),
        "{}",
        e.message_zh()
    );
    // One column of ids is not a directory; an id and a name is both.
    let ids = "统一社会信用代码\n91652302MAYYDYBDX3\n";
    let e = check_slot(ids.as_bytes(), "x.csv", Slot::Entities, Via::Page).unwrap_err();
    assert!(
        e.message_zh()
            .contains("排除名单（含统一社会信用代码等列，1 行）"),
        "{}",
        e.message_zh()
    );
    let named = "统一社会信用代码,企业名称\n91652302MAYYDYBDX3,甲\n";
    for slot in [Slot::Entities, Slot::Exclusions] {
        check_slot(named.as_bytes(), "x.csv", slot, Via::Page).unwrap();
    }
    // An exclusion list that says why and when is still one (SPEC §4).
    let why = "统一社会信用代码,企业名称,排除原因,检查日期\n91652302MAYYDYBDX3,甲,近一年已检查,2026-05-01\n";
    assert_eq!(
        identify(why.as_bytes(), "x.csv").kind,
        FileKind::ExclusionList
    );
    check_slot(why.as_bytes(), "x.csv", Slot::Exclusions, Via::Page).unwrap();
    // A directory with an address column is not.
    let dir = "统一社会信用代码,企业名称,注册地址\n91652302MAYYDYBDX3,甲,阜康市\n";
    assert_eq!(
        identify(dir.as_bytes(), "x.csv").kind,
        FileKind::EntityDirectory
    );
    // Every kind in every other slot: refused with both languages, or taken.
    let samples: Vec<(&str, Vec<u8>)> = vec![
        ("entities.csv", d.entities_csv.clone().into_bytes()),
        ("inspectors.csv", d.inspectors_csv.clone().into_bytes()),
        ("result.csv", d.result_csv.clone().into_bytes()),
        ("record.json", d.record.json_pretty_bytes()),
        ("notice.html", d.notice_html.clone().into_bytes()),
        ("shot.png", b"\x89PNG\r\n\x1a\n\0\0".to_vec()),
        ("empty.csv", Vec::new()),
    ];
    for (name, bytes) in &samples {
        let found = identify(bytes, name).kind;
        for &slot in Slot::ALL {
            let r = check_slot(bytes, name, slot, Via::Page);
            if found.slot() == Some(slot) {
                assert!(r.is_ok(), "{name} in {slot:?}: {r:?}");
            } else {
                let e = r.expect_err(&format!("{name} in {slot:?}"));
                assert!(
                    e.message_zh().starts_with(slot.label_zh(Via::Page)),
                    "{}",
                    e.message_zh()
                );
                assert!(!e.message_zh().contains("the "), "{}", e.message_zh());
            }
        }
    }
}

#[test]
fn any_bytes_are_told_without_panicking() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in 0..600 {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        let _ = identify(&bytes, "x");
        for prefix in [
            &b"PK\x03\x04"[..],
            b"\xD0\xCF\x11\xE0",
            b"{",
            b"<html>",
            b"\xEF\xBB\xBF",
        ] {
            let mut b = prefix.to_vec();
            b.extend_from_slice(&bytes);
            for &slot in Slot::ALL {
                let _ = check_slot(&b, "x", slot, Via::Page);
            }
        }
    }
}
