//! Hostile inputs (issue 13): damaged and malicious workbooks, a zip bomb,
//! far-apart cells, endless and oversized cells. Every one must end in a
//! clean error (or a table) quickly, without a panic and without memory
//! beyond a small multiple of the file.
//!
//! Inputs found to crash or exhaust calamine are kept as files under
//! `tests/fixtures/hostile/` and replayed by one loop: adding a case means
//! adding a file.

use rust_xlsxwriter::Workbook;
use shuangsui::{EntityDirectory, ErrorKind, LoadOptions};
use std::io::Write;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The process's peak resident memory so far, in bytes (Linux), or 0.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Loads `bytes` as an entity directory, asserting that it does not panic
/// and ends within `limit`; the error, if any.
fn load(name: &str, bytes: &[u8], limit: Duration) -> Option<shuangsui::Error> {
    let start = Instant::now();
    let result =
        std::panic::catch_unwind(|| EntityDirectory::load(bytes, name, &LoadOptions::default()));
    let took = start.elapsed();
    let result = result.unwrap_or_else(|_| panic!("{name}: the load panicked"));
    assert!(took < limit, "{name}: took {took:?}");
    result.err()
}

/// An error of the kind a broken input file gets, with a message that fits
/// on a screen.
fn assert_clean(name: &str, e: &shuangsui::Error) {
    let text = e.to_string();
    assert!(text.len() < 2000, "{name}: a {}-byte message", text.len());
    assert!(
        !e.message_zh().is_empty(),
        "{name}: no Chinese message: {e}"
    );
}

/// A zip built by hand, one deflated entry per part.
fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
    out.into_inner()
}

/// A minimal xlsx whose one sheet has the XML `sheet_data` (the inside of
/// `<worksheet>`).
fn xlsx_with_sheet(sheet_xml: &[u8]) -> Vec<u8> {
    let ct = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let wb = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    zip(&[
        ("[Content_Types].xml", ct),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ])
}

fn sheet(dimension: Option<&str>, cells: &str) -> Vec<u8> {
    let dim = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{cells}</sheetData></worksheet>"#).into_bytes()
}

const FAR_CELLS: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>统一社会信用代码</t></is></c><c r="B1" t="inlineStr"><is><t>企业名称</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;

#[test]
fn cells_at_a1_and_xfd1048576_are_read_without_the_dense_range() {
    // Calamine's dense range would be 2^34 cells (512 GiB); with and without
    // a declared dimension the load ends at once, in little memory.
    for dim in [Some("A1:XFD1048576"), None] {
        let bytes = xlsx_with_sheet(&sheet(dim, FAR_CELLS));
        assert!(bytes.len() < 4096, "{}", bytes.len());
        let before = peak_rss();
        let e = load("far.xlsx", &bytes, Duration::from_secs(1)).expect("an error");
        assert!(peak_rss() - before < 200 << 20, "peak memory grew");
        assert_clean("far.xlsx", &e);
        // The last row has a cell beyond the header's one column.
        assert_eq!(e.kind(), ErrorKind::Csv, "{e}");
        assert!(e.to_string().contains("row 1048576"), "{e}");
    }
}

#[test]
fn cells_spread_wider_than_the_file_allows_are_refused() {
    // Each of 200 rows with a cell at column XFD: 3.3 million padded cells
    // from a few kilobytes.
    let mut cells =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>"#);
    for r in 2..=200 {
        cells.push_str(&format!(
            r#"<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>"#
        ));
    }
    let bytes = xlsx_with_sheet(&sheet(None, &cells));
    let e = load("wide.xlsx", &bytes, Duration::from_secs(1)).expect("an error");
    assert_eq!(e.kind(), ErrorKind::Csv);
    assert!(e.to_string().contains("rows × columns"), "{e}");
    assert_clean("wide.xlsx", &e);
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    // 64 MiB of spaces inside one cell's text: the part inflates ~1000×.
    let mut xml = sheet(None, "").to_vec();
    let at = xml.windows(11).position(|w| w == b"</sheetData").unwrap();
    let mut spaces = b"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>".to_vec();
    spaces.extend(std::iter::repeat_n(b' ', 64 << 20));
    spaces.extend_from_slice(b"</t></is></c></row>");
    xml.splice(at..at, spaces);
    let bytes = xlsx_with_sheet(&xml);
    assert!(bytes.len() < 200 << 10, "{}", bytes.len());
    let before = peak_rss();
    let e = load("bomb.xlsx", &bytes, Duration::from_secs(2)).expect("an error");
    assert!(peak_rss() - before < 200 << 20, "peak memory grew");
    assert_eq!(e.kind(), ErrorKind::Csv);
    assert!(e.to_string().contains("zip bomb"), "{e}");
    assert_clean("bomb.xlsx", &e);
}

/// A small xlsx entity directory, as the byte mutations' starting point.
fn small_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let rows = [
        ["统一社会信用代码", "企业名称", "信用风险等级"],
        ["91652302MA7N4JQK3W", "阜康市天池商贸有限公司", "A"],
        ["91652302MA78DGYL4M", "阜康市博峰建材有限公司", "B"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A deterministic xorshift generator, so that every run mutates alike.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `count` copies of `original`, each with a few bytes overwritten (words
/// set to 0, 0xFF.., small or random values, as length fields break), some
/// also cut short.
fn mutations(original: &[u8], seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let mut b = original.to_vec();
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(b.len());
                let end = (i + 4).min(b.len());
                match rng.below(4) {
                    0 => b[i] = rng.next() as u8,
                    1 => b[i..end].fill(0xFF),
                    2 => b[i..end].fill(0),
                    _ => {
                        let v = (rng.next() as u32).to_le_bytes();
                        let n = 4.min(b.len() - i);
                        b[i..i + n].copy_from_slice(&v[..n]);
                    }
                }
            }
            if rng.below(8) == 0 {
                let keep = rng.below(b.len());
                b.truncate(keep.max(1));
            }
            b
        })
        .collect()
}

fn mutate_and_load(name: &str, original: &[u8], seed: u64) {
    let start = Instant::now();
    let before = peak_rss();
    for (i, bytes) in mutations(original, seed, 250).iter().enumerate() {
        if let Some(e) = load(&format!("{name} #{i}"), bytes, Duration::from_secs(2)) {
            assert_clean(&format!("{name} #{i}"), &e);
        }
    }
    assert!(peak_rss() - before < 200 << 20, "{name}: peak memory grew");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn byte_mutations_of_an_xls_never_panic_nor_run_away() {
    mutate_and_load("entities.xls", &fixture("entities.xls"), 0x5eed_0001);
}

#[test]
fn byte_mutations_of_an_xlsx_never_panic_nor_run_away() {
    mutate_and_load("small.xlsx", &small_xlsx(), 0x5eed_0002);
}

#[test]
fn the_kept_hostile_inputs_all_end_in_a_clean_error() {
    let dir = format!("{}/tests/fixtures/hostile", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xls" || x == "xlsx"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let before = peak_rss();
    for p in files {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&p).unwrap();
        let e =
            load(&name, &bytes, Duration::from_secs(2)).unwrap_or_else(|| panic!("{name}: loaded"));
        assert_clean(&name, &e);
    }
    assert!(peak_rss() - before < 200 << 20, "peak memory grew");
}

#[test]
fn an_endless_cell_is_refused_with_a_short_message() {
    // A 50 MB id cell, as CSV, ends at the cell limit with its start quoted.
    let mut csv = b"\xe7\xbb\x9f\xe4\xb8\x80\xe7\xa4\xbe\xe4\xbc\x9a\xe4\xbf\xa1\xe7\x94\xa8\xe4\xbb\xa3\xe7\xa0\x81,name\n".to_vec();
    csv.extend(std::iter::repeat_n(b'9', 50 << 20));
    csv.extend_from_slice(b",x\n");
    let e = load("long.csv", &csv, Duration::from_secs(2)).expect("an error");
    assert_eq!(e.kind(), ErrorKind::Csv, "{e}");
    assert!(e.to_string().contains("longer than"), "{e}");
    assert!(e.to_string().len() < 600, "{e}");
    assert!(e.to_string().contains("row 2"), "{e}");
    assert_clean("long.csv", &e);
    // What /dev/zero gives: no line end at all.
    let zeros = vec![0u8; 8 << 20];
    let e = load("zeros", &zeros, Duration::from_secs(2)).expect("an error");
    assert!(e.to_string().contains("longer than"), "{e}");
    // A line of 10 million separators.
    let commas = vec![b','; 10 << 20];
    let e = load("commas.csv", &commas, Duration::from_secs(2)).expect("an error");
    assert!(e.to_string().contains("cells"), "{e}");
}

#[test]
fn a_long_id_is_quoted_by_its_start() {
    // Under the cell limit but far longer than a code: the message quotes
    // 60 characters and says how long the id is.
    let id = "9".repeat(100_000);
    let csv = format!("统一社会信用代码,企业名称\n{id},甲\n");
    let e = load("long-id.csv", csv.as_bytes(), Duration::from_secs(2)).expect("an error");
    let text = e.to_string();
    assert!(text.len() < 2000, "{}", text.len());
    assert!(text.contains("[100000 characters]"), "{text}");
}
