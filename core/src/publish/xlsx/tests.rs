//! The result workbook against rust_xlsxwriter: every XML part byte for
//! byte as rust_xlsxwriter's constant-memory mode writes the same workbook
//! (the module's implementation before it was written by hand, kept here
//! as the reference), the zip readable by the zip crate with every CRC
//! right, the cells read back by calamine, and the bytes the same on one,
//! two or three threads.

use super::*;
use crate::record::{Drawn, TeamMember};
use calamine::{Data, Reader, Xlsx};
use std::io::{Cursor, Read};

/// The workbook as rust_xlsxwriter writes it with inline strings.
fn reference(record: &DrawRecord) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(
        &format!("抽查结果 {}", record.task.name),
        &record.task.draw_date,
    )?);
    let (header, rows) = result_table(record);
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("抽查结果").map_err(xerr)?;
    ws.set_header(format!("&C{}", record.task.name.replace('&', "&&")));
    ws.set_footer("&C第 &P 页 / 共 &N 页");
    write_table(ws, &header, &rows)?;
    let facts = facts(record);
    let ws = wb.add_worksheet_with_constant_memory().map_err(xerr)?;
    ws.set_name("公告信息").map_err(xerr)?;
    write_table(ws, &["项目", "内容"], &facts)?;
    wb.save_to_buffer().map_err(xerr)
}

/// The parts of a zip file, in order, checked (the zip crate verifies each
/// CRC-32 as a part is read to its end).
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            assert_eq!(data.len() as u64, f.size());
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn cells(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::String(s) => s.clone(),
                            Data::Empty => String::new(),
                            other => panic!("a cell that is not text: {other:?}"),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The workbook of `record` is rust_xlsxwriter's, part by part, on any
/// number of threads; and the rows it writes are [`result_table`]'s.
fn same_as_reference(record: &DrawRecord) {
    let rows = ResultRows(record);
    let mine: Vec<Vec<String>> = (0..book::Rows::count(&rows))
        .map(|i| {
            let mut row = book::Row::default();
            book::Rows::row(&rows, i, &mut row);
            row.cells().map(String::from).collect()
        })
        .collect();
    assert!(
        mine == result_table(record).1,
        "the rows differ from result_table's"
    );

    let mine = result_xlsx(record).unwrap();
    for threads in [1, 2, 3] {
        assert!(
            result_xlsx_on(record, threads).unwrap() == mine,
            "the bytes differ on {threads} threads"
        );
    }
    let theirs = reference(record).unwrap();
    let (mine_parts, their_parts) = (parts(&mine), parts(&theirs));
    let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&mine_parts), names(&their_parts));
    for ((name, a), (_, b)) in mine_parts.iter().zip(&their_parts) {
        if a != b {
            let at = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let show = |x: &[u8]| {
                String::from_utf8_lossy(&x[at.saturating_sub(80)..(at + 80).min(x.len())])
                    .into_owned()
            };
            panic!(
                "part {name} differs at byte {at}:\n mine:   {}\n theirs: {}",
                show(a),
                show(b)
            );
        }
    }
    assert_eq!(cells(&mine), cells(&theirs));
}

fn demo() -> DrawRecord {
    crate::synth::demo().unwrap().record
}

#[test]
fn demo_is_rust_xlsxwriters_workbook() {
    let record = demo();
    same_as_reference(&record);
    // And it holds the result table, text for text.
    let (header, rows) = result_table(&record);
    let sheets = cells(&result_xlsx(&record).unwrap());
    assert_eq!(sheets[0].0, "抽查结果");
    assert_eq!(sheets[0].1[0], header.map(String::from).to_vec());
    assert_eq!(sheets[0].1[1..], rows[..]);
    assert_eq!(sheets[1].0, "公告信息");
    assert_eq!(sheets[1].1[1..], facts(&record)[..]);
}

#[test]
fn text_that_needs_escaping() {
    let mut record = demo();
    let nasty = "A&B <c> \"d\" 'e' _x0041_ _x00zz_ _X0041_ \u{1}\u{1f}\t\n\u{7f} \u{fffe}\u{ffff}\u{ffef} 😀 （全角） _";
    record.task.name = format!("&[Page] {nasty}");
    record.task.item = format!(" {nasty} ");
    record.task.departments = vec!["\tleading tab".into(), "trailing newline\n".into()];
    record.draws[0].entity.name = nasty.into();
    record.draws[1].entity.name = " starts with a space".into();
    record.draws[2].entity.name = "ends with a space ".into();
    record.draws[3].entity.id = "_x0000_".into();
    record.draws[4].team.clear(); // no leader, no members: blank cells
    let leader: Vec<TeamMember> = record.draws[5].team.drain(..1).collect();
    record.draws[6].team = leader; // a leader alone: blank member cells
    record.strata[0].name = "<分层>&".into();
    same_as_reference(&record);
    let sheets = cells(&result_xlsx(&record).unwrap());
    assert_eq!(sheets[0].1[1][4], nasty);
    assert_eq!(sheets[0].1[5][5], "");
}

#[test]
fn empty_result() {
    let mut record = demo();
    record.draws.clear();
    same_as_reference(&record);
    assert_eq!(cells(&result_xlsx(&record).unwrap())[0].1.len(), 1);
}

#[test]
fn a_task_name_too_long_for_the_page_header() {
    let mut record = demo();
    // 253 characters make a header of 255 with "&C": still written.
    record.task.name = "检".repeat(253);
    same_as_reference(&record);
    // One more and rust_xlsxwriter, as Excel, leaves the header out.
    record.task.name = "检".repeat(254);
    same_as_reference(&record);
    // Doubled ampersands count.
    record.task.name = format!("{}&", "检".repeat(252));
    same_as_reference(&record);
}

#[test]
fn widths_at_their_bounds() {
    let mut record = demo();
    for d in &mut record.draws {
        d.ticket = "x".into(); // narrower than the header: the header sets the width
        d.entity.name = "很长的名称".repeat(20); // wider than 60: capped
    }
    record.draws[0].entity.id = "a".into();
    same_as_reference(&record);
    // Each row one wider than the one before (in two columns, one a row
    // behind), so that the last row alone sets the width; and CJK.
    let mut record = demo();
    for (i, d) in record.draws.iter_mut().enumerate() {
        d.entity.id = "x".repeat(20 + i);
        d.entity.name = "x".repeat(if i == 0 { 1 } else { 20 + i });
        d.team[0].name = format!("{}{}", "检".repeat(i / 2), "x".repeat(i % 2 + 5));
    }
    same_as_reference(&record);
}

/// Enough rows for several pieces, with widths set by rows in late pieces.
fn big(rows: usize) -> DrawRecord {
    let mut record = demo();
    let first: Vec<Drawn> = record.draws.clone();
    record.draws = (0..rows)
        .map(|i| {
            let mut d = first[i % first.len()].clone();
            d.position = i as u64 + 1;
            d
        })
        .collect();
    let last = record.draws.len() - 1;
    record.draws[last].entity.name = "最后一块里最宽的企业名称".repeat(2);
    record
}

#[test]
fn many_pieces_on_any_number_of_threads() {
    let record = big(3 * book::ROWS_PER_PIECE + 17);
    same_as_reference(&record);
}

#[test]
fn excel_cell_limit() {
    let mut record = demo();
    // 32,767 UTF-16 units fit (a character outside the BMP counts two)...
    record.draws[0].entity.name = format!("{}😀", "x".repeat(32_765));
    same_as_reference(&record);
    // ... one more does not: an error that says where, not a broken file.
    record.draws[2].entity.name = format!("{}😀", "x".repeat(32_766));
    let e = result_xlsx(&record).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("32767"), "{}", e.message());
    let at = e.location().unwrap();
    assert_eq!((at.row, at.column.as_deref()), (Some(4), Some("企业名称")));
    assert!(reference(&record).is_err());
}

#[test]
fn excel_row_limit() {
    let header = ["a"];
    let rows = vec![vec!["x".to_string()]; 1_048_575];
    let sheet = |rows| book::Sheet {
        name: "抽查结果",
        header: &header,
        rows,
        page_header: None,
        page_footer: None,
    };
    // A full sheet (the header and 1,048,575 rows) is written ...
    let full = book::workbook(&[sheet(&rows)], "t", "2026-12-01T00:00:00Z", 2).unwrap();
    assert_eq!(cells(&full)[0].1.len(), 1_048_576);
    // ... one row more is an error.
    let rows = vec![vec!["x".to_string()]; 1_048_576];
    let e = book::workbook(&[sheet(&rows)], "t", "2026-12-01T00:00:00Z", 2).unwrap_err();
    assert!(e.message().contains("1048575"), "{}", e.message());
}

#[test]
fn a_draw_date_that_is_not_a_date() {
    let mut record = demo();
    record.task.draw_date = "tomorrow".into();
    assert_eq!(result_xlsx(&record).unwrap_err().kind(), ErrorKind::Io);
    assert!(reference(&record).is_err());
    // Read as rust_xlsxwriter reads it, time and all.
    record.task.draw_date = "2026-12-01T08:30:00".into();
    same_as_reference(&record);
}

/// Text from the characters escaping is about, mixed with ordinary ones.
fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    let chars: Vec<char> =
        "&<>\"'_xX05AaFf \t\n\r\u{0}\u{1}\u{1f}\u{7f}\u{fffe}\u{ffff}\u{ffef}\u{ff08}检😀"
            .chars()
            .collect();
    proptest::collection::vec(proptest::sample::select(chars), 0..24)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Whatever the text, every part is what rust_xlsxwriter writes.
    #[test]
    fn any_text_is_written_as_rust_xlsxwriter_writes_it(
        texts in proptest::collection::vec(tricky_text(), 6),
    ) {
        let mut record = demo();
        record.task.name = texts[0].clone();
        record.draws[0].entity.name = texts[1].clone();
        record.draws[1].entity.id = texts[2].clone();
        record.draws[2].ticket = texts[3].clone();
        record.draws[3].team[0].name = texts[4].clone();
        record.strata[0].name = texts[5].clone();
        same_as_reference(&record);
    }
}

/// A real record, part by part against rust_xlsxwriter (slow: about ten
/// seconds a 300,000-row record):
/// `SHUANGSUI_XLSX_RECORD=record.json cargo test -p shuangsui --release --lib -- --ignored xlsx`
#[test]
#[ignore]
fn a_real_record_is_rust_xlsxwriters_workbook() {
    let Some(path) = std::env::var_os("SHUANGSUI_XLSX_RECORD") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let record: DrawRecord = serde_json::from_str(&text).unwrap();
    drop(text);
    let mine = parts(&result_xlsx(&record).unwrap());
    let theirs = parts(&reference(&record).unwrap());
    assert_eq!(mine.len(), theirs.len());
    for ((name, a), (their_name, b)) in mine.iter().zip(&theirs) {
        assert_eq!(name, their_name);
        assert!(a == b, "part {name} differs");
    }
}
