//! The loading seam: every directory, exclusion list and ledger is read as a
//! table of text cells through [`RowSource`], whatever the file format.
//!
//! Today the only source is UTF-8 CSV ([`CsvRows`]); Excel and GBK readers
//! plug in here later without touching the directory code. Rows are handed
//! out one at a time into a reused buffer so that a 10-million-row file is
//! never held as cells in memory.

use crate::{Error, ErrorKind, Location, Result};
use std::io::Read;

/// A table of text cells read row by row.
pub trait RowSource {
    /// The name of the file (or other source) for error messages.
    fn source(&self) -> &str;
    /// The header row's cells, as written in the file.
    fn headers(&self) -> &[String];
    /// Reads the next non-empty data row into `row` (cleared first) and
    /// returns its 1-based row number as a spreadsheet shows it (the header
    /// is row 1), or `None` at the end.
    ///
    /// # Errors
    /// `Csv` when the row is malformed (bad quoting, not UTF-8, wrong
    /// number of cells).
    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>>;
}

/// A UTF-8 CSV file (comma-separated, with or without a byte-order mark).
pub struct CsvRows<R: Read> {
    source: String,
    headers: Vec<String>,
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
}

impl<'a> CsvRows<&'a [u8]> {
    /// Opens CSV text held in memory.
    ///
    /// # Errors
    /// `Csv` when the header row cannot be read; `EmptyDirectory` when the
    /// file has no header row at all.
    pub fn from_bytes(bytes: &'a [u8], source: &str) -> Result<Self> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        CsvRows::new(bytes, source)
    }
}

impl<R: Read> CsvRows<R> {
    /// Opens CSV from a reader. A UTF-8 byte-order mark must already be
    /// stripped (see [`CsvRows::from_bytes`]).
    ///
    /// # Errors
    /// As [`CsvRows::from_bytes`].
    pub fn new(reader: R, source: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut record = csv::ByteRecord::new();
        let mut headers = Vec::new();
        let mut line = 0u64;
        loop {
            line += 1;
            let more = reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(e, source, line))?;
            if !more {
                return Err(Error::new(
                    ErrorKind::EmptyDirectory,
                    "the file is empty: it needs a header row (e.g. 统一社会信用代码,企业名称,…) and data rows",
                )
                .at(Location { file: Some(source.into()), ..Location::default() }));
            }
            if record
                .iter()
                .all(|c| c.iter().all(|b| b.is_ascii_whitespace()))
            {
                continue;
            }
            for (i, cell) in record.iter().enumerate() {
                headers.push(cell_text(cell, source, line, &format!("column {}", i + 1))?);
            }
            break;
        }
        Ok(CsvRows {
            source: source.to_string(),
            headers,
            reader,
            record,
        })
    }
}

fn csv_error(e: csv::Error, source: &str, row: u64) -> Error {
    let row = e.position().map(|p| p.line()).unwrap_or(row);
    Error::new(
        ErrorKind::Csv,
        format!("the CSV cannot be read ({e}); check the quotes on this row, or save the file again as CSV from Excel"),
    )
    .at(Location { file: Some(source.into()), row: Some(row), column: None })
}

fn cell_text(cell: &[u8], source: &str, row: u64, column: &str) -> Result<String> {
    String::from_utf8(cell.to_vec()).map_err(|_| {
        Error::new(
            ErrorKind::Csv,
            "this cell is not UTF-8 text; save the file as \"CSV UTF-8\" (in Excel: Save As → CSV UTF-8)",
        )
        .at(Location { file: Some(source.into()), row: Some(row), column: Some(column.into()) })
    })
}

impl<R: Read> RowSource for CsvRows<R> {
    fn source(&self) -> &str {
        &self.source
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>> {
        loop {
            row.clear();
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(e, &self.source, 0))?;
            if !more {
                return Ok(None);
            }
            let line = self.record.position().map(|p| p.line()).unwrap_or(0);
            if self
                .record
                .iter()
                .all(|c| c.iter().all(|b| b.is_ascii_whitespace()))
            {
                continue;
            }
            if self.record.len() > self.headers.len()
                && self
                    .record
                    .iter()
                    .skip(self.headers.len())
                    .any(|c| !c.iter().all(|b| b.is_ascii_whitespace()))
            {
                return Err(Error::new(
                    ErrorKind::Csv,
                    format!(
                        "this row has {} cells but the header has {} columns; a value probably contains an unquoted comma",
                        self.record.len(),
                        self.headers.len()
                    ),
                )
                .at(Location { file: Some(self.source.clone()), row: Some(line), column: None }));
            }
            for i in 0..self.headers.len() {
                let cell = self.record.get(i).unwrap_or(b"");
                row.push(cell_text(cell, &self.source, line, &self.headers[i])?);
            }
            return Ok(Some(line));
        }
    }
}
