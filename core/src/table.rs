//! The loading seam: every directory, exclusion list and ledger is read as a
//! table of text cells through [`RowSource`], whatever the file format.
//!
//! [`Table`] reads what users really have: CSV in UTF-8 (with or without a
//! byte-order mark) or GBK/GB18030 (what Chinese Excel writes), comma- or
//! tab-separated, and Excel workbooks (`.xlsx`, `.xls`). The format and the
//! encoding are detected from the bytes, with an override; a title or note
//! rows above the header (common in exported reports) are skipped by finding
//! the header row. CSV is streamed row by row into a reused buffer, so a
//! 10-million-row file is never held as cells in memory.

use crate::{Error, ErrorKind, Location, Result};
use std::collections::VecDeque;
use std::io::{Cursor, Read};

/// A table of text cells read row by row.
pub trait RowSource {
    /// The name of the file (and sheet) for error messages.
    fn source(&self) -> &str;
    /// The header row's cells, as written in the file.
    fn headers(&self) -> &[String];
    /// Reads the next non-empty data row into `row` (cleared first, then
    /// exactly one cell per header) and returns its 1-based row number as a
    /// spreadsheet shows it, or `None` at the end.
    ///
    /// # Errors
    /// `Csv` when the row is malformed (bad quoting, undecodable text, more
    /// cells than headers).
    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>>;
    /// Whether cell `col` of the row last read was stored as a number (an
    /// Excel numeric cell): a code stored so has lost digits.
    fn cell_is_number(&self, _col: usize) -> bool {
        false
    }
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 when the start of the file is valid UTF-8, else GB18030.
    #[default]
    Auto,
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// GBK / GB18030, as Chinese Excel saves "CSV (逗号分隔)".
    Gb18030,
}

impl TextEncoding {
    /// Parses `auto`, `utf-8`/`utf8`, `gbk`/`gb18030`/`gb2312`.
    ///
    /// # Errors
    /// `InvalidValue` for another name.
    pub fn parse(s: &str) -> Result<TextEncoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(TextEncoding::Auto),
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "gb-18030" => Ok(TextEncoding::Gb18030),
            other => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("unknown encoding \"{other}\"; use auto, utf-8 or gbk"),
            )),
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The CSV text encoding.
    pub encoding: TextEncoding,
    /// The worksheet of a workbook to read; the first one when `None`.
    pub sheet: Option<String>,
}

/// One row as read, before the header is known.
struct RawRow {
    line: u64,
    cells: Vec<String>,
    numeric: Vec<bool>,
}

enum Body<'a> {
    Csv {
        reader: csv::Reader<Box<dyn Read + 'a>>,
        record: csv::ByteRecord,
    },
    Sheet {
        rows: std::vec::IntoIter<RawRow>,
    },
}

/// A table read from CSV or Excel, with its header row found.
pub struct Table<'a> {
    source: String,
    headers: Vec<String>,
    body: Body<'a>,
    pending: VecDeque<RawRow>,
    numeric: Vec<bool>,
}

/// How many rows at the top of a file are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 30;

fn at(source: &str, row: Option<u64>, column: Option<String>) -> Location {
    Location {
        file: Some(source.to_string()),
        row,
        column,
    }
}

fn empty_file(source: &str) -> Error {
    Error::new(
        ErrorKind::EmptyDirectory,
        "the file is empty: it needs a header row (e.g. 统一社会信用代码,企业名称,…) and data rows",
    )
    .zh("文件为空：需要一行表头（如 统一社会信用代码,企业名称,…）和数据行")
    .at(at(source, None, None))
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

impl<'a> Table<'a> {
    /// Opens a table held in memory. See [`Table::from_reader`].
    ///
    /// # Errors
    /// As [`Table::from_reader`].
    pub fn from_bytes(
        bytes: &'a [u8],
        source: &str,
        options: &ReadOptions,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Table<'a>> {
        Table::from_reader(bytes, source, options, is_header)
    }

    /// Opens a table from a reader: detects Excel (`.xlsx`, `.xls`) by the
    /// file's first bytes, otherwise reads CSV, detecting the encoding and
    /// the separator (comma or tab). The header row is the first of the
    /// first 30 non-empty rows for which `is_header` is true (rows above it
    /// — titles, notes — are skipped), or the first non-empty row when none
    /// is.
    ///
    /// # Errors
    /// `Io` when the reader fails; `Csv` when the file cannot be decoded or
    /// the workbook cannot be opened or has no such sheet; `EmptyDirectory`
    /// when the file has no rows.
    pub fn from_reader(
        reader: impl Read + 'a,
        source: &str,
        options: &ReadOptions,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Table<'a>> {
        let mut reader = reader;
        let mut peek = Vec::with_capacity(64 * 1024);
        (&mut reader)
            .take(64 * 1024)
            .read_to_end(&mut peek)
            .map_err(|e| {
                Error::new(ErrorKind::Io, format!("cannot read the file: {e}"))
                    .at(at(source, None, None))
            })?;
        let is_zip = peek.starts_with(b"PK\x03\x04");
        let is_ole = peek.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
        if is_zip || is_ole {
            let mut all = peek;
            reader.read_to_end(&mut all).map_err(|e| {
                Error::new(ErrorKind::Io, format!("cannot read the file: {e}"))
                    .at(at(source, None, None))
            })?;
            return Table::from_workbook(all, source, options, is_header);
        }
        let bom = peek.starts_with(b"\xEF\xBB\xBF");
        let encoding = match options.encoding {
            TextEncoding::Auto if bom => TextEncoding::Utf8,
            TextEncoding::Auto => match std::str::from_utf8(&peek) {
                Ok(_) => TextEncoding::Utf8,
                // A sequence cut off by the 64 KiB window is still UTF-8.
                Err(e) if e.error_len().is_none() => TextEncoding::Utf8,
                Err(_) => TextEncoding::Gb18030,
            },
            forced => forced,
        };
        let start = if bom && encoding == TextEncoding::Utf8 {
            3
        } else {
            0
        };
        let delimiter = sniff_delimiter(&peek[start..]);
        let chained: Box<dyn Read + 'a> = Box::new(Cursor::new(peek).chain(reader));
        let mut chained = chained;
        if start > 0 {
            let mut skip = [0u8; 3];
            chained.read_exact(&mut skip).map_err(|e| {
                Error::new(ErrorKind::Io, format!("cannot read the file: {e}"))
                    .at(at(source, None, None))
            })?;
        }
        let input: Box<dyn Read + 'a> = match encoding {
            TextEncoding::Gb18030 => Box::new(Gb18030Reader::new(chained)),
            _ => chained,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(input);
        let mut table = Table {
            source: source.to_string(),
            headers: Vec::new(),
            body: Body::Csv {
                reader,
                record: csv::ByteRecord::new(),
            },
            pending: VecDeque::new(),
            numeric: Vec::new(),
        };
        table.find_header(is_header)?;
        Ok(table)
    }

    fn from_workbook(
        bytes: Vec<u8>,
        source: &str,
        options: &ReadOptions,
        is_header: &dyn Fn(&[String]) -> bool,
    ) -> Result<Table<'a>> {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
            Error::new(
                ErrorKind::Csv,
                format!("the workbook cannot be opened ({e}); save it again from Excel as .xlsx"),
            )
            .zh(format!(
                "无法打开该 Excel 文件（{e}）；请用 Excel 另存为 .xlsx 后重试"
            ))
            .at(at(source, None, None))
        })?;
        let names = book.sheet_names();
        let sheet = match &options.sheet {
            Some(wanted) => names
                .iter()
                .find(|n| n.trim() == wanted.trim())
                .cloned()
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::Csv,
                        format!(
                            "the workbook has no sheet \"{wanted}\"; its sheets are: {}",
                            names.join(", ")
                        ),
                    )
                    .zh(format!(
                        "工作簿中没有名为“{wanted}”的工作表；现有工作表：{}",
                        names.join("、")
                    ))
                    .at(at(source, None, None))
                })?,
            None => names.first().cloned().ok_or_else(|| empty_file(source))?,
        };
        let range = book.worksheet_range(&sheet).map_err(|e| {
            Error::new(
                ErrorKind::Csv,
                format!("the sheet \"{sheet}\" cannot be read ({e})"),
            )
            .at(at(source, None, None))
        })?;
        let (row0, _col0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let mut cells = Vec::with_capacity(r.len());
            let mut numeric = Vec::with_capacity(r.len());
            for c in r {
                let (text, number) = excel_cell_text(c);
                cells.push(text);
                numeric.push(number);
            }
            // Columns before the range's first column are empty in Excel.
            let pad = range.start().map(|s| s.1 as usize).unwrap_or(0);
            if pad > 0 {
                cells.splice(0..0, std::iter::repeat_n(String::new(), pad));
                numeric.splice(0..0, std::iter::repeat_n(false, pad));
            }
            rows.push(RawRow {
                line: u64::from(row0) + i as u64 + 1,
                cells,
                numeric,
            });
        }
        let mut table = Table {
            source: format!("{source}, sheet \"{sheet}\""),
            headers: Vec::new(),
            body: Body::Sheet {
                rows: rows.into_iter(),
            },
            pending: VecDeque::new(),
            numeric: Vec::new(),
        };
        table.find_header(is_header)?;
        Ok(table)
    }

    /// Reads the next non-blank raw row.
    fn next_raw(&mut self) -> Result<Option<RawRow>> {
        loop {
            let row = match &mut self.body {
                Body::Sheet { rows } => rows.next(),
                Body::Csv { reader, record } => {
                    let more = reader.read_byte_record(record).map_err(|e| {
                        let line = e.position().map(|p| p.line());
                        let detail = match e.kind() {
                            csv::ErrorKind::Io(io) => io.to_string(),
                            _ => e.to_string(),
                        };
                        Error::new(
                            ErrorKind::Csv,
                            format!("the CSV cannot be read ({detail}); check the quotes near this row, or save the file again as CSV from Excel"),
                        )
                        .zh(format!("CSV 文件无法读取（{detail}）；请检查该行附近的引号，或用 Excel 重新另存为 CSV"))
                        .at(at(&self.source, line, None))
                    })?;
                    if !more {
                        None
                    } else {
                        let line = record.position().map(|p| p.line()).unwrap_or(0);
                        let mut cells = Vec::with_capacity(record.len());
                        for (i, cell) in record.iter().enumerate() {
                            cells.push(String::from_utf8(cell.to_vec()).map_err(|_| {
                                Error::new(
                                    ErrorKind::Csv,
                                    "this cell is not UTF-8 text although the start of the file is; the file mixes encodings — save it again as \"CSV UTF-8\", or read it with the encoding gbk",
                                )
                                .zh("该单元格不是 UTF-8 编码，而文件开头是；文件混用了编码，请另存为“CSV UTF-8”，或按 GBK 编码读取")
                                .at(at(&self.source, Some(line), Some(format!("column {}", i + 1))))
                            })?);
                        }
                        Some(RawRow {
                            line,
                            numeric: Vec::new(),
                            cells,
                        })
                    }
                }
            };
            match row {
                None => return Ok(None),
                Some(r) if is_blank(&r.cells) => continue,
                Some(r) => return Ok(Some(r)),
            }
        }
    }

    fn find_header(&mut self, is_header: &dyn Fn(&[String]) -> bool) -> Result<()> {
        let mut seen = Vec::new();
        while seen.len() < HEADER_SEARCH_ROWS {
            match self.next_raw()? {
                None => break,
                Some(r) => {
                    if is_header(&r.cells) {
                        self.headers = r.cells;
                        return Ok(());
                    }
                    seen.push(r);
                }
            }
        }
        if seen.is_empty() {
            return Err(empty_file(&self.source));
        }
        // No recognizable header: take the first row, so that the loader
        // reports which column is missing.
        let mut rows = seen.into_iter();
        if let Some(first) = rows.next() {
            self.headers = first.cells;
        }
        self.pending.extend(rows);
        Ok(())
    }
}

/// Picks tab when the first line has more tabs than commas.
pub(crate) fn sniff_delimiter(peek: &[u8]) -> u8 {
    // Both separators are ASCII and GB18030 never uses ASCII bytes inside a
    // multi-byte character's first byte, so counting bytes is safe in both
    // encodings.
    let line = peek.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let tabs = line.iter().filter(|&&b| b == b'\t').count();
    let commas = line.iter().filter(|&&b| b == b',').count();
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

/// The text of an Excel cell as a user sees it, and whether it was a number.
fn excel_cell_text(c: &calamine::Data) -> (String, bool) {
    use calamine::Data;
    match c {
        Data::Empty => (String::new(), false),
        Data::String(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), true),
        Data::Float(f) => (format_number(*f), true),
        Data::Bool(b) => ((if *b { "TRUE" } else { "FALSE" }).to_string(), false),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                (format!("{y:04}-{m:02}-{d:02}"), false)
            } else {
                (format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"), false)
            }
        }
        Data::DateTime(dt) => (format_number(dt.as_f64()), true),
        Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Error(e) => (format!("#{e:?}"), false),
    }
}

/// A number as Excel shows it in a General cell: integers without `.0`.
fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

impl RowSource for Table<'_> {
    fn source(&self) -> &str {
        &self.source
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>> {
        row.clear();
        let raw = match self.pending.pop_front() {
            Some(r) => r,
            None => match self.next_raw()? {
                Some(r) => r,
                None => return Ok(None),
            },
        };
        let n = self.headers.len();
        if raw.cells.len() > n && raw.cells[n..].iter().any(|c| !c.trim().is_empty()) {
            return Err(Error::new(
                ErrorKind::Csv,
                format!(
                    "this row has {} cells but the header has {n} columns; a value probably contains an unquoted comma",
                    raw.cells.len()
                ),
            )
            .zh(format!("该行有 {} 个单元格，而表头只有 {n} 列；可能某个值含有未加引号的逗号", raw.cells.len()))
            .at(at(&self.source, Some(raw.line), None)));
        }
        let RawRow {
            line,
            cells,
            numeric,
        } = raw;
        row.extend(cells.into_iter().take(n));
        row.resize(n, String::new());
        self.numeric = numeric;
        Ok(Some(line))
    }

    fn cell_is_number(&self, col: usize) -> bool {
        self.numeric.get(col).copied().unwrap_or(false)
    }
}

/// A CSV table streamed from a reader, the header being the first non-empty
/// row. Kept for callers that stream plain CSV; [`Table`] does everything
/// this does and more.
pub struct CsvRows<R> {
    table: Table<'static>,
    _reader: std::marker::PhantomData<R>,
}

impl<R: Read + 'static> CsvRows<R> {
    /// Opens CSV (UTF-8 or GBK, detected) from a reader.
    ///
    /// # Errors
    /// As [`Table::from_reader`].
    pub fn new(reader: R, source: &str) -> Result<Self> {
        Ok(CsvRows {
            table: Table::from_reader(reader, source, &ReadOptions::default(), &|_| true)?,
            _reader: std::marker::PhantomData,
        })
    }
}

impl<R> RowSource for CsvRows<R> {
    fn source(&self) -> &str {
        self.table.source()
    }
    fn headers(&self) -> &[String] {
        self.table.headers()
    }
    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>> {
        self.table.next_row(row)
    }
    fn cell_is_number(&self, col: usize) -> bool {
        self.table.cell_is_number(col)
    }
}

/// Decodes GB18030 (a superset of GBK and GB2312) into UTF-8 while reading,
/// so that a GBK file is streamed like a UTF-8 one. Malformed bytes are an
/// error, never replaced silently.
struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
}

impl<R: Read> Gb18030Reader<R> {
    fn new(inner: R) -> Self {
        Gb18030Reader {
            inner,
            decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            in_start: 0,
            in_end: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.len() < 4 {
            // A decoded character takes up to 4 bytes; callers of csv use
            // large buffers, but keep the contract for small ones.
            let mut tmp = [0u8; 8];
            let n = self.read(&mut tmp)?;
            let k = n.min(out.len());
            out[..k].copy_from_slice(&tmp[..k]);
            return Ok(k);
        }
        loop {
            if self.in_start == self.in_end && !self.eof {
                self.in_start = 0;
                self.in_end = self.inner.read(&mut self.input)?;
                if self.in_end == 0 {
                    self.eof = true;
                }
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                out,
                self.eof,
            );
            self.in_start += read;
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the file is neither UTF-8 nor GBK/GB18030 text",
                ));
            }
            if written > 0 || (self.eof && self.in_start == self.in_end) {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(t: &mut Table) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        let mut row = Vec::new();
        while let Some(line) = t.next_row(&mut row).unwrap() {
            out.push((line, row.clone()));
        }
        out
    }

    #[test]
    fn gbk_csv_is_detected_and_decoded() {
        let (bytes, _, _) =
            encoding_rs::GBK.encode("统一社会信用代码,企业名称\nA1,阜康市天池商贸有限公司\n");
        let mut t =
            Table::from_bytes(&bytes, "gbk.csv", &ReadOptions::default(), &|_| true).unwrap();
        assert_eq!(t.headers(), ["统一社会信用代码", "企业名称"]);
        assert_eq!(
            read_all(&mut t),
            [(
                2,
                vec!["A1".to_string(), "阜康市天池商贸有限公司".to_string()]
            )]
        );
    }

    #[test]
    fn title_rows_are_skipped_and_tabs_detected() {
        let text =
            "阜康市市场主体名录\t\t\n导出时间：2026-11-29\n\n统一社会信用代码\t企业名称\nA1\t甲\n";
        let is_header = |cells: &[String]| cells.iter().any(|c| c == "统一社会信用代码");
        let mut t = Table::from_bytes(
            text.as_bytes(),
            "t.tsv",
            &ReadOptions::default(),
            &is_header,
        )
        .unwrap();
        assert_eq!(t.headers(), ["统一社会信用代码", "企业名称"]);
        assert_eq!(
            read_all(&mut t),
            [(5, vec!["A1".to_string(), "甲".to_string()])]
        );
    }

    #[test]
    fn malformed_gbk_is_an_error() {
        let bytes = b"id,name\nA1,\xff\xff\xff\n";
        // The decoder reads ahead, so the error may surface while the header
        // is searched for or at the row itself; either way it is an error.
        let e = match Table::from_bytes(bytes, "bad.csv", &ReadOptions::default(), &|_| true) {
            Err(e) => e,
            Ok(mut t) => t.next_row(&mut Vec::new()).unwrap_err(),
        };
        assert_eq!(e.kind(), ErrorKind::Csv);
        assert!(e.to_string().contains("neither UTF-8 nor GBK"), "{e}");
    }

    #[test]
    fn excel_numbers_print_as_excel_shows_them() {
        assert_eq!(format_number(65230200.0), "65230200");
        assert_eq!(format_number(9.14403e17), "914403000000000000");
        assert_eq!(format_number(0.5), "0.5");
    }
}
