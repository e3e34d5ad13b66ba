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

use crate::spec::layout::HEADER_SEARCH_ROWS;
use crate::{Error, ErrorKind, Location, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Cursor, Read};

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
                format!("未知的编码“{other}”；请使用 auto、utf-8 或 gbk"),
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
        reader: CsvParser<Box<dyn BufRead + 'a>>,
        record: Vec<Vec<u8>>,
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

fn at(source: &str, row: Option<u64>, column: Option<String>) -> Location {
    Location {
        file: Some(source.to_string()),
        row,
        column,
    }
}

pub(crate) fn empty_file(source: &str) -> Error {
    Error::new(
        ErrorKind::EmptyDirectory,
        "the file is empty: it needs a header row (e.g. 统一社会信用代码,企业名称,…) and data rows",
        "文件为空：需要一行表头（如 统一社会信用代码,企业名称,…）和数据行",
    )
    .at(at(source, None, None))
}

/// Whether a row is blank (SPEC §3.0: all its cells empty or whitespace),
/// so that it is skipped.
pub(crate) fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// Whether a file's first bytes are an Excel workbook's: a zip archive
/// (`.xlsx`) or a compound file (`.xls`). Anything else is read as CSV.
pub(crate) fn is_workbook(first: &[u8]) -> bool {
    first.starts_with(b"PK\x03\x04") || first.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// What the search for the header row found (SPEC §3.0).
pub(crate) enum HeaderSearch<R> {
    /// The header row (the rows above it are titles and notes, dropped).
    Found(R),
    /// No row of the search window names the id column: the non-blank rows
    /// read, in order (none when the table has no rows).
    NotFound(Vec<R>),
}

/// SPEC §3.0: the header row is the first of the first
/// [`HEADER_SEARCH_ROWS`] non-blank rows for which `is_header` holds.
/// `next` reads the next row (`None` at the end) and `cells` gives a row's
/// cells; blank rows are skipped and do not count. The loader and the fast
/// scan each read rows their own way and search them with this.
pub(crate) fn search_header<R, E>(
    mut next: impl FnMut() -> std::result::Result<Option<R>, E>,
    cells: impl Fn(&R) -> &[String],
    is_header: &dyn Fn(&[String]) -> bool,
) -> std::result::Result<HeaderSearch<R>, E> {
    let mut seen = Vec::new();
    while seen.len() < HEADER_SEARCH_ROWS {
        let Some(row) = next()? else { break };
        if is_blank(cells(&row)) {
            continue;
        }
        if is_header(cells(&row)) {
            return Ok(HeaderSearch::Found(row));
        }
        seen.push(row);
    }
    Ok(HeaderSearch::NotFound(seen))
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
        // 64 KiB after a byte-order mark: what the separator is sniffed from.
        let mut peek = Vec::with_capacity(64 * 1024 + 3);
        (&mut reader)
            .take(64 * 1024 + 3)
            .read_to_end(&mut peek)
            .map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("cannot read the file: {e}"),
                    format!("无法读取文件：{e}"),
                )
                .at(at(source, None, None))
            })?;
        if is_workbook(&peek) {
            let mut all = peek;
            reader.read_to_end(&mut all).map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("cannot read the file: {e}"),
                    format!("无法读取文件：{e}"),
                )
                .at(at(source, None, None))
            })?;
            return Table::from_workbook(all, source, options, is_header);
        }
        // SPEC §3.0: the encoding and the separator.
        let bom = peek.starts_with(b"\xEF\xBB\xBF");
        let start = if bom && options.encoding != TextEncoding::Gb18030 {
            3
        } else {
            0
        };
        let delimiter = sniff_delimiter(&peek[start..]);
        let mut chained: Box<dyn Read + 'a> = Box::new(Cursor::new(peek).chain(reader));
        if start > 0 {
            let mut skip = [0u8; 3];
            chained.read_exact(&mut skip).map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("cannot read the file: {e}"),
                    format!("无法读取文件：{e}"),
                )
                .at(at(source, None, None))
            })?;
        }
        let input = decoded(chained, bom, options.encoding);
        let reader = CsvParser::new(
            Box::new(BufReader::with_capacity(64 * 1024, input)) as Box<dyn BufRead + 'a>,
            delimiter,
        );
        let mut table = Table {
            source: source.to_string(),
            headers: Vec::new(),
            body: Body::Csv {
                reader,
                record: Vec::new(),
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
        let sheet = crate::input::excel::read_sheet(bytes, source, options.sheet.as_deref())?;
        let rows: Vec<RawRow> = sheet
            .rows
            .into_iter()
            .map(|(line, cells, numeric)| RawRow {
                line,
                cells,
                numeric,
            })
            .collect();
        let mut table = Table {
            source: format!("{source}, sheet \"{}\"", sheet.sheet),
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
                    let headers = &self.headers;
                    let source = &self.source;
                    let column_name = |c: usize| match headers.get(c) {
                        Some(h) if !h.trim().is_empty() => h.trim().to_string(),
                        _ => format!("column {}", c + 1),
                    };
                    match reader.read_record(record) {
                        Err(CsvProblem::Io(line, io)) => {
                            // A decoding problem travels inside the I/O
                            // error as our own error, both languages ready.
                            let decoding = io
                                .get_ref()
                                .and_then(|inner| inner.downcast_ref::<Error>())
                                .cloned();
                            return Err(match decoding {
                                Some(e) => e,
                                None => Error::new(
                                    ErrorKind::Io,
                                    format!("cannot read the file: {io}"),
                                    format!("无法读取文件：{io}"),
                                ),
                            }
                            .at(at(source, Some(line), None)));
                        }
                        Err(CsvProblem::Unclosed { line, column }) => {
                            return Err(Error::new(
                                ErrorKind::Csv,
                                "a quote (\") opens this cell and is never closed, so it swallows every row after it; remove the quote, or close it (a value with a quote inside is written in quotes with the quote doubled: \"5\"\"\")", "该单元格以引号（\"）开头但引号始终未闭合，吞并了其后的所有行；请删除该引号或补全它（值中含引号时，整个值加引号并把引号写两遍：\"5\"\"\"）")
                            .at(at(source, Some(line), Some(column_name(column)))));
                        }
                        Err(CsvProblem::TooLong {
                            line,
                            column,
                            start,
                        }) => {
                            let max = crate::input::excel::MAX_CELL_BYTES;
                            return Err(Error::new(
                                ErrorKind::Csv,
                                format!("this cell is longer than {max} bytes, more than a cell may hold (it starts \"{start}…\"); the file is damaged or not a directory — check that this is the right file"), format!("该单元格超过 {max} 字节，超出单元格上限（开头为“{start}…”）；文件已损坏或不是名录，请确认所选文件是否正确"))
                            .at(at(source, Some(line), Some(column_name(column)))));
                        }
                        Err(CsvProblem::TooWide { line }) => {
                            return Err(Error::new(
                                ErrorKind::Csv,
                                format!("this row has more than {MAX_CELLS_PER_ROW} cells, more than Excel's columns; the file is damaged or not a directory — check that this is the right file"), format!("该行超过 {MAX_CELLS_PER_ROW} 个单元格（超出 Excel 的列数）；文件已损坏或不是名录，请确认所选文件是否正确"))
                            .at(at(source, Some(line), None)));
                        }
                        Err(CsvProblem::AfterQuote { line, column }) => {
                            return Err(Error::new(
                                ErrorKind::Csv,
                                "this cell has text after its closing quote (\"); put the whole value in quotes with any quote inside doubled (\"a\"\"b\"), or remove the quotes", "该单元格的闭合引号（\"）之后还有文字；请把整个值加引号并把其中的引号写两遍（\"a\"\"b\"），或删除引号")
                            .at(at(source, Some(line), Some(column_name(column)))));
                        }
                        Ok(None) => None,
                        Ok(Some(line)) => {
                            let mut cells = Vec::with_capacity(record.len());
                            for (i, cell) in record.iter().enumerate() {
                                cells.push(String::from_utf8(cell.clone()).map_err(|_| {
                                    Error::new(
                                        ErrorKind::Csv,
                                        "this cell is not UTF-8 text",
                                        "该单元格不是 UTF-8 编码",
                                    )
                                    .at(at(
                                        source,
                                        Some(line),
                                        Some(column_name(i)),
                                    ))
                                })?);
                            }
                            Some(RawRow {
                                line,
                                numeric: Vec::new(),
                                cells,
                            })
                        }
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
        let seen = match search_header(|| self.next_raw(), |r| &r.cells[..], is_header)? {
            HeaderSearch::Found(r) => {
                self.headers = r.cells;
                return Ok(());
            }
            HeaderSearch::NotFound(seen) => seen,
        };
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

/// SPEC §3.0: the separator is decided by the first line (of the first
/// 64 KiB, after a byte-order mark) that holds a comma or a tab: tab when it
/// has more tabs than commas, else comma; comma when no line has either.
/// Lines end at LF or CR. A title line above the header (which usually has
/// neither) therefore does not decide.
pub(crate) fn sniff_delimiter(peek: &[u8]) -> u8 {
    // Both separators and both line ends are ASCII, and GB18030 never uses
    // these bytes inside a multi-byte character, so counting bytes is safe
    // in both encodings.
    let peek = &peek[..peek.len().min(64 * 1024)];
    for line in peek.split(|&b| b == b'\n' || b == b'\r') {
        let tabs = line.iter().filter(|&&b| b == b'\t').count();
        let commas = line.iter().filter(|&&b| b == b',').count();
        if tabs + commas > 0 {
            return if tabs > commas { b'\t' } else { b',' };
        }
    }
    b','
}

/// The text of an Excel cell as a user sees it, and whether it was a number.
pub(crate) fn excel_cell_text(c: &calamine::Data) -> (String, bool) {
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
                ), format!("该行有 {} 个单元格，而表头只有 {n} 列；可能某个值含有未加引号的逗号", raw.cells.len()))
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

/// A decoding error of [`Utf8Checked`], [`AutoText`] or
/// [`Gb18030Reader`], carried inside the [`std::io::Error`] their `Read`
/// returns, so that the table reader hands it on with both languages.
fn decoding_error(en: &str, zh: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        Error::new(ErrorKind::Csv, en, zh),
    )
}

/// How many bytes from the first non-ASCII byte decide the encoding.
pub(crate) const ENCODING_WINDOW: usize = 64 * 1024;

/// SPEC §3.0: whether the window starting at a file's first non-ASCII byte
/// is UTF-8. `at_eof` says the window reaches the end of the file; otherwise
/// a multi-byte sequence cut off at the window's end still counts as UTF-8.
pub(crate) fn window_is_utf8(window: &[u8], at_eof: bool) -> bool {
    match simdutf8::compat::from_utf8(window) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && !at_eof,
    }
}

/// Passes UTF-8 through, checking it: a byte sequence that is not UTF-8 is
/// an `InvalidData` error (after the valid bytes before it were read).
struct Utf8Checked<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    valid_end: usize,
    filled: usize,
    bad: bool,
    /// Whether the file was found to be UTF-8 by its first non-ASCII text
    /// (the message then says that it mixes encodings).
    sniffed: bool,
}

impl<R: Read> Utf8Checked<R> {
    fn new(inner: R, sniffed: bool) -> Self {
        Utf8Checked {
            inner,
            buf: vec![0; 64 * 1024 + 4],
            pos: 0,
            valid_end: 0,
            filled: 0,
            bad: false,
            sniffed,
        }
    }

    fn invalid(&self) -> std::io::Error {
        if self.sniffed {
            decoding_error(
                "the file is not UTF-8 text from this row on, though its first non-ASCII text is UTF-8: the file mixes encodings — save it again as \"CSV UTF-8\", or read it with the encoding gbk",
                "文件从此行起不是 UTF-8 编码，而文件中首段非 ASCII 文字是 UTF-8：文件混用了编码；请用 Excel 另存为“CSV UTF-8”，或按 GBK 编码读取",
            )
        } else {
            decoding_error(
                "the file is not UTF-8 text from this row on; save it again as \"CSV UTF-8\", or read it with the encoding gbk",
                "文件从此行起不是 UTF-8 编码的文本；请用 Excel 另存为“CSV UTF-8”，或按 GBK 编码读取",
            )
        }
    }
}

impl<R: Read> Read for Utf8Checked<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.valid_end {
                let n = out.len().min(self.valid_end - self.pos);
                out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.bad {
                return Err(self.invalid());
            }
            // Keep the incomplete sequence at the end (at most 3 bytes).
            self.buf.copy_within(self.valid_end..self.filled, 0);
            self.filled -= self.valid_end;
            self.pos = 0;
            self.valid_end = 0;
            let n = self.inner.read(&mut self.buf[self.filled..])?;
            if n == 0 {
                if self.filled > 0 {
                    self.bad = true;
                    continue;
                }
                return Ok(0);
            }
            self.filled += n;
            match simdutf8::compat::from_utf8(&self.buf[..self.filled]) {
                Ok(_) => self.valid_end = self.filled,
                Err(e) => {
                    self.valid_end = e.valid_up_to();
                    self.bad = e.error_len().is_some();
                }
            }
        }
    }
}

/// SPEC §3.0, encoding `auto` without a byte-order mark: ASCII passes
/// through (it reads the same in UTF-8 and GB18030) up to the file's first
/// non-ASCII byte; the 64 KiB from there decide — UTF-8 when they are UTF-8
/// (then the whole file must be), GB18030 otherwise. So a GBK file whose
/// first megabytes are ASCII is still read as GBK, and the file is streamed.
struct AutoText<'a> {
    inner: Option<Box<dyn Read + 'a>>,
    buf: Vec<u8>,
    pos: usize,
    decided: Option<Box<dyn Read + 'a>>,
}

impl<'a> AutoText<'a> {
    fn new(inner: Box<dyn Read + 'a>) -> Self {
        AutoText {
            inner: Some(inner),
            buf: Vec::new(),
            pos: 0,
            decided: None,
        }
    }
}

impl Read for AutoText<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(d) = &mut self.decided {
                return d.read(out);
            }
            let Some(inner) = self.inner.as_mut() else {
                return Ok(0);
            };
            if self.pos == self.buf.len() {
                self.buf.clear();
                self.pos = 0;
                self.buf.resize(64 * 1024, 0);
                let n = inner.read(&mut self.buf)?;
                self.buf.truncate(n);
                if n == 0 {
                    return Ok(0);
                }
            }
            let rest = &self.buf[self.pos..];
            let ascii = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
            if ascii > 0 {
                let n = ascii.min(out.len());
                out[..n].copy_from_slice(&rest[..n]);
                self.pos += n;
                return Ok(n);
            }
            // The first non-ASCII byte: read its window and decide.
            let mut window = self.buf.split_off(self.pos);
            self.buf.clear();
            self.pos = 0;
            let mut at_eof = false;
            while window.len() < ENCODING_WINDOW {
                let have = window.len();
                window.resize(ENCODING_WINDOW, 0);
                let n = inner.read(&mut window[have..])?;
                window.truncate(have + n);
                if n == 0 {
                    at_eof = true;
                    break;
                }
            }
            let utf8 = window_is_utf8(&window[..window.len().min(ENCODING_WINDOW)], at_eof);
            let inner = self
                .inner
                .take()
                .unwrap_or_else(|| Box::new(std::io::empty()));
            let rest: Box<dyn Read + '_> = Box::new(Cursor::new(window).chain(inner));
            // The reader's lifetime is the struct's; the box only ties them.
            self.decided = Some(if utf8 {
                Box::new(Utf8Checked::new(rest, true))
            } else {
                Box::new(Gb18030Reader::new(rest))
            });
        }
    }
}

/// SPEC §3.0: the text of a file's bytes, the byte-order mark (if any)
/// already skipped, as UTF-8 whatever the file's encoding.
fn decoded<'a>(bytes: Box<dyn Read + 'a>, bom: bool, encoding: TextEncoding) -> Box<dyn Read + 'a> {
    match encoding {
        TextEncoding::Auto if bom => Box::new(Utf8Checked::new(bytes, false)),
        TextEncoding::Auto => Box::new(AutoText::new(bytes)),
        TextEncoding::Utf8 => Box::new(Utf8Checked::new(bytes, false)),
        TextEncoding::Gb18030 => Box::new(Gb18030Reader::new(bytes)),
    }
}

/// A whole text file's contents decoded the way a CSV table is (SPEC
/// §3.0): UTF-8 with or without a byte-order mark, or GBK/GB18030, by
/// `encoding` (`Auto`: decided from the bytes). Used for the files that
/// are read as text rather than as a table, such as calendar files.
///
/// # Errors
/// `Csv` when the bytes are not text in that encoding (the message says
/// how to save the file again), naming `source`.
///
/// # Example
///
/// ```
/// use shuangsui::{decode_text, TextEncoding};
/// // 元旦 in GBK.
/// let gbk = b"2027-01-01,off,\xd4\xaa\xb5\xa9\n";
/// assert_eq!(decode_text(gbk, "cn-2027.csv", TextEncoding::Auto)?, "2027-01-01,off,元旦\n");
/// assert!(decode_text(b"\xff\xfe\x00", "x.csv", TextEncoding::Auto).is_err());
/// # Ok::<(), shuangsui::Error>(())
/// ```
pub fn decode_text(bytes: &[u8], source: &str, encoding: TextEncoding) -> Result<String> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let start = if bom && encoding != TextEncoding::Gb18030 {
        3
    } else {
        0
    };
    let mut text = String::new();
    decoded(Box::new(&bytes[start..]), bom, encoding)
        .read_to_string(&mut text)
        .map_err(|io| {
            io.get_ref()
                .and_then(|inner| inner.downcast_ref::<Error>())
                .cloned()
                .unwrap_or_else(|| {
                    Error::new(
                        ErrorKind::Io,
                        format!("cannot read the file: {io}"),
                        format!("无法读取文件：{io}"),
                    )
                })
                .in_file(source)
        })?;
    Ok(text)
}

/// Why a CSV record could not be read.
enum CsvProblem {
    /// The reader failed (or the text could not be decoded) on this line.
    Io(u64, std::io::Error),
    /// A quoted cell that opened on `line` in column `column` (0-based) is
    /// never closed.
    Unclosed { line: u64, column: usize },
    /// Text follows the closing quote of the cell.
    AfterQuote { line: u64, column: usize },
    /// A cell grew beyond [`crate::input::excel::MAX_CELL_BYTES`]; its start.
    TooLong {
        line: u64,
        column: usize,
        start: String,
    },
    /// A record has more than [`MAX_CELLS_PER_ROW`] cells.
    TooWide { line: u64 },
}

/// The most cells a CSV record may have: Excel's 16,384 columns. Beyond it
/// a line of separators would make millions of empty cells.
pub(crate) const MAX_CELLS_PER_ROW: usize = 16_384;

/// The problem for a cell that has grown too long, quoting its start.
fn too_long(cell: &[u8], line: u64, column: usize) -> CsvProblem {
    let start: String = String::from_utf8_lossy(&cell[..cell.len().min(256)])
        .chars()
        .take(60)
        .collect();
    CsvProblem::TooLong {
        line,
        column,
        start,
    }
}

/// SPEC §3.0: the CSV reader. A record ends at a line end (LF, CR LF or a
/// lone CR) outside quotes. A cell whose first character is `"` is quoted:
/// it runs to the next `"` that is not doubled (`""` stands for one `"`),
/// may hold separators and line breaks, and its closing quote must be
/// followed by the separator, a line end or the end of the file. In a cell
/// that does not start with `"`, a `"` is an ordinary character. Row numbers
/// are line numbers: each line end counts one.
struct CsvParser<R> {
    input: R,
    delimiter: u8,
    /// The line the reader is on, 1-based.
    line: u64,
    /// A cell or a record was too large: the file ends there, since what
    /// follows (perhaps endless, as `/dev/zero`) cannot be trusted.
    stopped: bool,
}

impl<R: BufRead> CsvParser<R> {
    fn new(input: R, delimiter: u8) -> Self {
        CsvParser {
            input,
            delimiter,
            line: 1,
            stopped: false,
        }
    }

    fn peek(&mut self) -> std::result::Result<Option<u8>, CsvProblem> {
        let line = self.line;
        let buf = self.input.fill_buf().map_err(|e| CsvProblem::Io(line, e))?;
        Ok(buf.first().copied())
    }

    /// Reads the next record into `cells`; its first line, or `None` at the
    /// end of the file.
    fn read_record(
        &mut self,
        cells: &mut Vec<Vec<u8>>,
    ) -> std::result::Result<Option<u64>, CsvProblem> {
        let mut n = 0;
        let start = self.line;
        if self.stopped || self.peek()?.is_none() {
            return Ok(None);
        }
        loop {
            if n >= MAX_CELLS_PER_ROW {
                self.stopped = true;
                return Err(CsvProblem::TooWide { line: start });
            }
            if cells.len() <= n {
                cells.push(Vec::new());
            }
            let mut cell = std::mem::take(&mut cells[n]);
            cell.clear();
            let column = n;
            let end = self.read_cell(&mut cell, column).inspect_err(|e| {
                if matches!(e, CsvProblem::TooLong { .. }) {
                    self.stopped = true;
                }
            })?;
            cells[n] = cell;
            n += 1;
            if end {
                break;
            }
        }
        cells.truncate(n);
        Ok(Some(start))
    }

    /// Reads one cell; true when it ended the record.
    fn read_cell(
        &mut self,
        cell: &mut Vec<u8>,
        column: usize,
    ) -> std::result::Result<bool, CsvProblem> {
        let d = self.delimiter;
        if self.peek()? == Some(b'"') {
            self.input.consume(1);
            let opened = self.line;
            loop {
                let line = self.line;
                let buf = self.input.fill_buf().map_err(|e| CsvProblem::Io(line, e))?;
                if buf.is_empty() {
                    return Err(CsvProblem::Unclosed {
                        line: opened,
                        column,
                    });
                }
                let i = memchr::memchr3(b'"', b'\n', b'\r', buf).unwrap_or(buf.len());
                cell.extend_from_slice(&buf[..i]);
                if cell.len() > crate::input::excel::MAX_CELL_BYTES {
                    return Err(too_long(cell, opened, column));
                }
                if i == buf.len() {
                    self.input.consume(i);
                    continue;
                }
                let b = buf[i];
                self.input.consume(i + 1);
                match b {
                    b'\n' => {
                        cell.push(b'\n');
                        self.line += 1;
                    }
                    b'\r' => {
                        cell.push(b'\r');
                        if self.peek()? != Some(b'\n') {
                            self.line += 1;
                        }
                    }
                    _ => {
                        if self.peek()? == Some(b'"') {
                            self.input.consume(1);
                            cell.push(b'"');
                            continue;
                        }
                        break;
                    }
                }
            }
            return match self.peek()? {
                None => Ok(true),
                Some(b) if b == d => {
                    self.input.consume(1);
                    Ok(false)
                }
                Some(b'\n') | Some(b'\r') => self.line_end(),
                Some(_) => {
                    let line = self.line;
                    // Go on at the next line, so that the rows after this
                    // one are read (and their problems reported) as usual.
                    self.skip_line()?;
                    Err(CsvProblem::AfterQuote { line, column })
                }
            };
        }
        loop {
            let line = self.line;
            let buf = self.input.fill_buf().map_err(|e| CsvProblem::Io(line, e))?;
            if buf.is_empty() {
                return Ok(true);
            }
            match memchr::memchr3(d, b'\n', b'\r', buf) {
                None => {
                    cell.extend_from_slice(buf);
                    let n = buf.len();
                    self.input.consume(n);
                    if cell.len() > crate::input::excel::MAX_CELL_BYTES {
                        return Err(too_long(cell, line, column));
                    }
                }
                Some(i) => {
                    cell.extend_from_slice(&buf[..i]);
                    let b = buf[i];
                    if b == d {
                        self.input.consume(i + 1);
                        return Ok(false);
                    }
                    self.input.consume(i);
                    return self.line_end();
                }
            }
        }
    }

    /// Consumes the rest of the line and its line end.
    fn skip_line(&mut self) -> std::result::Result<(), CsvProblem> {
        loop {
            let line = self.line;
            let buf = self.input.fill_buf().map_err(|e| CsvProblem::Io(line, e))?;
            if buf.is_empty() {
                return Ok(());
            }
            if let Some(i) = memchr::memchr2(b'\n', b'\r', buf) {
                self.input.consume(i);
                self.line_end()?;
                return Ok(());
            }
            let n = buf.len();
            self.input.consume(n);
        }
    }

    /// Consumes a line end (LF, CR LF or CR) at the reader's position.
    fn line_end(&mut self) -> std::result::Result<bool, CsvProblem> {
        if self.peek()? == Some(b'\r') {
            self.input.consume(1);
            if self.peek()? == Some(b'\n') {
                self.input.consume(1);
            }
        } else {
            self.input.consume(1);
        }
        self.line += 1;
        Ok(true)
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
    /// The decoder was given the last input and has flushed everything:
    /// encoding_rs forbids using it again (it panics), so reads end here.
    finished: bool,
    /// Decoded bytes a small `out` could not take yet.
    pending: Vec<u8>,
    pending_at: usize,
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
            finished: false,
            pending: Vec::new(),
            pending_at: 0,
        }
    }

    /// Decodes into `out` (at least 4 bytes, the longest character).
    fn decode(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
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
            match result {
                encoding_rs::DecoderResult::Malformed(_, _) => {
                    return Err(decoding_error(
                        "the file is neither UTF-8 nor GBK/GB18030 text",
                        "文件既不是 UTF-8 也不是 GBK/GB18030 编码的文本；请用 Excel 另存为“CSV UTF-8”",
                    ));
                }
                // With the last input consumed, the decoder is done.
                encoding_rs::DecoderResult::InputEmpty if self.eof => {
                    self.finished = true;
                    return Ok(written);
                }
                _ => {}
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending_at < self.pending.len() {
            let n = (self.pending.len() - self.pending_at).min(out.len());
            out[..n].copy_from_slice(&self.pending[self.pending_at..self.pending_at + n]);
            self.pending_at += n;
            return Ok(n);
        }
        if out.len() < 4 {
            // A decoded character takes up to 4 bytes: decode into a
            // buffer and hand it out in pieces, losing nothing.
            let mut tmp = [0u8; 16];
            let n = self.decode(&mut tmp)?;
            if n == 0 {
                return Ok(0);
            }
            self.pending.clear();
            self.pending.extend_from_slice(&tmp[..n]);
            self.pending_at = 0;
            return self.read(out);
        }
        self.decode(out)
    }
}

#[cfg(test)]
mod tests {
    /// GBK text without a final line break, or ending in an open quote,
    /// reads to its end (encoding_rs panics if its decoder is used after
    /// it has finished), and small reads lose nothing.
    #[test]
    fn gbk_reader_ends_cleanly_and_serves_small_reads() {
        use std::io::Read;
        for bytes in [
            &b"\xd6\xd0,id\n1,\xb0\xa1"[..],
            b"id,name\n\"abc",
            b"",
            b"\xd6\xd0",
        ] {
            let mut r = super::Gb18030Reader::new(bytes);
            let mut all = Vec::new();
            r.read_to_end(&mut all).unwrap();
            let mut again = [0u8; 8];
            assert_eq!(
                r.read(&mut again).unwrap(),
                0,
                "reads after the end are empty"
            );
            let expected = encoding_rs::GB18030.decode_without_bom_handling(bytes).0;
            assert_eq!(String::from_utf8(all).unwrap(), expected);
            let mut r = super::Gb18030Reader::new(bytes);
            let mut small = Vec::new();
            let mut one = [0u8; 1];
            while r.read(&mut one).unwrap() == 1 {
                small.push(one[0]);
            }
            assert_eq!(String::from_utf8(small).unwrap(), expected);
        }
    }

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

    fn open(bytes: &[u8]) -> Result<Vec<(u64, Vec<String>)>> {
        let mut t = Table::from_bytes(bytes, "t.csv", &ReadOptions::default(), &|_| true)?;
        let mut out = Vec::new();
        let mut row = Vec::new();
        while let Some(line) = t.next_row(&mut row)? {
            out.push((line, row.clone()));
        }
        Ok(out)
    }

    #[test]
    fn gbk_after_64_kib_of_ascii_is_read_as_gbk() {
        // SPEC §3.0: the window starts at the first non-ASCII byte, so a
        // long ASCII head does not make a GBK file "UTF-8".
        let mut text = String::from("id,name\n");
        let mut i = 0;
        while text.len() < 200 * 1024 {
            text.push_str(&format!("A{i},ascii company {i}\n"));
            i += 1;
        }
        text.push_str("B1,阜康市天池商贸有限公司\n");
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let rows = open(&bytes).unwrap();
        assert_eq!(rows.len(), i + 1);
        let last = rows.last().unwrap();
        assert_eq!(last.1, ["B1", "阜康市天池商贸有限公司"]);
        assert_eq!(last.0, i as u64 + 2);
    }

    #[test]
    fn a_utf8_file_with_gbk_later_mixes_encodings() {
        let mut bytes = "id,name\nA1,甲\n".as_bytes().to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 70 * 1024));
        bytes.extend_from_slice(b"\nA2,");
        bytes.extend_from_slice(&encoding_rs::GBK.encode("乙").0);
        bytes.push(b'\n');
        let e = open(&bytes).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csv);
        assert_eq!(e.location().and_then(|l| l.row), Some(4));
        assert!(e.to_string().contains("mixes encodings"), "{e}");
        assert!(e.message_zh().contains("混用了编码"), "{e}");
    }

    #[test]
    fn the_first_line_with_a_separator_decides() {
        assert_eq!(sniff_delimiter(b"Title\r\nid\tname\tx,y\n"), b'\t');
        assert_eq!(sniff_delimiter(b"id,name\ta\n"), b',');
        assert_eq!(sniff_delimiter(b"id\tname,a\n"), b',');
        assert_eq!(sniff_delimiter(b"nothing here\n"), b',');
        let is_header = |cells: &[String]| cells.iter().any(|c| c == "id");
        let mut t = Table::from_bytes(
            "名录\nid\tname\nA1\t甲\n".as_bytes(),
            "t.tsv",
            &ReadOptions::default(),
            &is_header,
        )
        .unwrap();
        let rows = read_all(&mut t);
        assert_eq!(rows, [(3, vec!["A1".to_string(), "甲".to_string()])]);
    }

    #[test]
    fn quoting_rules() {
        // A quote inside an unquoted cell is a character; doubled quotes in
        // a quoted cell are one quote; a quoted cell may span lines.
        let rows = open(b"a,b\n5\",\"x\"\"y\"\n\"l1\nl2\",z\r\nlast,\"q\"").unwrap();
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.1.clone()).collect();
        assert_eq!(
            cells,
            [vec!["5\"", "x\"y"], vec!["l1\nl2", "z"], vec!["last", "q"]]
        );
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 5]);
        // A lone CR ends a line.
        let rows = open(b"a,b\rc,d\r").unwrap();
        assert_eq!(rows, [(2, vec!["c".to_string(), "d".to_string()])]);
    }

    #[test]
    fn text_after_a_closing_quote_is_an_error() {
        let e = open(b"id,name\nA1,\"x\"y\n").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csv);
        let l = e.location().unwrap();
        assert_eq!((l.row, l.column.as_deref()), (Some(2), Some("name")));
        assert!(e.to_string().contains("after its closing quote"), "{e}");
        assert!(e.message_zh().contains("闭合引号"), "{e}");
    }

    #[test]
    fn a_quote_left_open_is_an_error_naming_where_it_opened() {
        let mut text = String::from("id,name,note\n");
        for i in 0..20 {
            let note = if i == 3 { "\"open" } else { "ok" };
            text.push_str(&format!("A{i},n{i},{note}\n"));
        }
        let e = open(text.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Csv);
        let l = e.location().unwrap();
        assert_eq!((l.row, l.column.as_deref()), (Some(5), Some("note")));
        assert!(e.to_string().contains("never closed"), "{e}");
        assert!(e.message_zh().contains("未闭合"), "{e}");
    }

    #[test]
    fn excel_numbers_print_as_excel_shows_them() {
        assert_eq!(format_number(65230200.0), "65230200");
        assert_eq!(format_number(9.14403e17), "914403000000000000");
        assert_eq!(format_number(0.5), "0.5");
    }
}
