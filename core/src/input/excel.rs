//! Reading Excel workbooks (`.xlsx`, `.xls`) without trusting them.
//!
//! Workbooks are parsed by `calamine`, which trusts the sizes a file
//! declares: a 2 KB `.xlsx` with cells at A1 and XFD1048576 makes its dense
//! range allocate hundreds of GiB, a zip entry may inflate a thousandfold,
//! and a damaged `.xls` can make its compound-file reader panic, allocate
//! 4 GiB from one header field or follow a sector chain that loops for
//! ever. This module therefore checks every size calamine will act on
//! *before* calling it, so that memory stays proportional to the file:
//!
//! - `.xlsx` (and other zip workbooks): every entry is inflated once, counted
//!   and thrown away; an entry that inflates to more than
//!   [`ZIP_RATIO`] × its compressed size (and more than [`ZIP_FLOOR`]), or
//!   entries that together exceed [`ZIP_FLOOR`] + [`ZIP_RATIO`] × the file,
//!   are refused. The sizes the zip declares are not trusted: they are what
//!   a bomb lies about. The sheet is then read cell by cell (calamine's
//!   streaming cell reader, never its dense range), so neither a declared
//!   `<dimension>` nor far-apart cells allocate anything; the rows kept,
//!   padded to their last cell, may hold at most [`xlsx_cell_cap`] cells.
//! - `.xls`: the compound file's header, FAT, directory and stream chains
//!   are walked here first — every sector inside the file, no chain looping,
//!   no stream longer than the file — and the BIFF records of each sheet are
//!   scanned for the rows and columns they declare or use, which bound the
//!   dense range calamine builds to [`xls_cell_cap`] cells.
//! - Any panic left in calamine is caught (where panics unwind: natively;
//!   in the browser a panic aborts, which the checks above exist to
//!   prevent) and reported as a damaged file, with nothing printed.
//!
//! A cell longer than [`MAX_CELL_BYTES`] is refused in every format.

use crate::{Error, ErrorKind, Location, Result};
use std::io::{Cursor, Read};

/// The longest cell accepted, in bytes of UTF-8: Excel holds at most 32,767
/// characters in a cell, at most 4 bytes each.
pub(crate) const MAX_CELL_BYTES: usize = 32_767 * 4;

/// A zip entry may inflate to this many times its compressed size…
pub(crate) const ZIP_RATIO: u64 = 100;
/// …or to this many bytes, whichever is more (small, very regular parts
/// such as styles compress far better than 100×).
pub(crate) const ZIP_FLOOR: u64 = 16 << 20;

/// The most cells (rows × columns, counted to each row's last cell) that
/// the rows read from an `.xlsx` sheet may hold: 16 per byte of the file,
/// at least a million.
pub(crate) fn xlsx_cell_cap(file_len: usize) -> u64 {
    (16 * file_len as u64).max(1_000_000)
}

/// The most cells of the dense range calamine builds for an `.xls` sheet
/// (its bounding box): 4 per byte of the file, at least a million. A BIFF
/// cell record takes at least 6 bytes, so a real sheet needs a box at most a
/// few times its stored cells.
pub(crate) fn xls_cell_cap(file_len: usize) -> u64 {
    (4 * file_len as u64).max(1_000_000)
}

/// The cells of one sheet: its name and its non-blank rows, each with its
/// 1-based row number, its cells up to the last one and which were numbers.
pub(crate) struct SheetCells {
    pub(crate) sheet: String,
    pub(crate) rows: Vec<SheetRow>,
}

/// A row's 1-based number, its cells up to the last one, and which of them
/// were numbers.
pub(crate) type SheetRow = (u64, Vec<String>, Vec<bool>);

fn at(source: &str) -> Location {
    Location {
        file: Some(source.to_string()),
        row: None,
        column: None,
    }
}

/// The workbook is damaged: `what` says how, in English.
fn damaged(source: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::Csv,
        format!(
            "the workbook is damaged ({what}); open it in Excel and save it again, or export it as CSV"
        ), format!(
        "该 Excel 文件已损坏（{what}）；请用 Excel 打开后重新保存，或导出为 CSV"
    ))
    .at(at(source))
}

/// The workbook declares or holds more than its size allows.
fn too_large(source: &str, what: &str, zh: &str) -> Error {
    Error::new(
        ErrorKind::Csv,
        format!(
            "{what}; the workbook is damaged or not a directory — open it in Excel and save it again, or export it as CSV"
        ), format!(
        "{zh}；该文件已损坏或不是名录 —— 请用 Excel 打开后重新保存，或导出为 CSV"
    ))
    .at(at(source))
}

/// A cell longer than [`MAX_CELL_BYTES`]: the error quotes only its start.
pub(crate) fn cell_too_long(text: &str, location: Location) -> Error {
    Error::new(
        ErrorKind::Csv,
        format!(
            "this cell holds {} bytes, more than the {MAX_CELL_BYTES} a cell may hold ({}); the file is damaged or not a directory",
            text.len(),
            crate::spec::text::quote_short(text)
        ), format!(
        "该单元格长 {} 字节，超过单元格上限 {MAX_CELL_BYTES} 字节（{}）；文件已损坏或不是名录",
        text.len(),
        crate::spec::text::quote_short(text)
    ))
    .at(location)
}

/// Reads the sheet `wanted` (the first when `None`) of a workbook: a zip
/// (`.xlsx`; `.xlsb`, `.ods` through calamine's generic reader) or a
/// compound file (`.xls`).
pub(crate) fn read_sheet(bytes: Vec<u8>, source: &str, wanted: Option<&str>) -> Result<SheetCells> {
    let len = bytes.len();
    if bytes.starts_with(b"PK\x03\x04") {
        check_zip(&bytes, source)?;
        let is_xlsx = zip::ZipArchive::new(Cursor::new(&bytes[..]))
            .map(|z| z.index_for_name("xl/workbook.xml").is_some())
            .unwrap_or(false);
        if is_xlsx {
            return contained(source, move || read_xlsx(bytes, source, wanted, None));
        }
    } else {
        check_cfb(&bytes, source)?;
    }
    contained(source, move || read_dense(bytes, source, wanted, len))
}

/// Runs `f`, turning a panic into a "damaged" error; the panic hook is kept
/// silent for this thread meanwhile, so that nothing is printed.
fn contained<T>(source: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    #[cfg(panic = "unwind")]
    {
        let _quiet = quiet::Quiet::new();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let what = crate::spec::text::quote_short(&what);
                Err(damaged(
                    source,
                    &format!("the Excel reader failed on it: {what}"),
                ))
            }
        }
    }
    #[cfg(not(panic = "unwind"))]
    {
        let _ = source;
        f()
    }
}

#[cfg(panic = "unwind")]
mod quiet {
    //! Silences the panic hook on the threads that are inside
    //! [`super::contained`], and only there. The hook in place (the default
    //! one, or an adapter's) is wrapped while any thread is inside and put
    //! back when the last one leaves; other threads' panics reach it as
    //! before.
    use std::cell::Cell;
    use std::panic::PanicHookInfo;
    use std::sync::{Arc, Mutex};

    type Hook = Arc<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

    thread_local! {
        static QUIET: Cell<u32> = const { Cell::new(0) };
    }

    /// How many threads are inside, and the hook that was in place.
    static STATE: Mutex<(usize, Option<Hook>)> = Mutex::new((0, None));

    pub(super) struct Quiet;

    impl Quiet {
        pub(super) fn new() -> Quiet {
            let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
            if state.0 == 0 {
                let previous: Hook = Arc::from(std::panic::take_hook());
                let inner = previous.clone();
                std::panic::set_hook(Box::new(move |info| {
                    if QUIET.with(|q| q.get()) == 0 {
                        inner(info);
                    }
                }));
                state.1 = Some(previous);
            }
            state.0 += 1;
            QUIET.with(|q| q.set(q.get() + 1));
            Quiet
        }
    }

    impl Drop for Quiet {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(q.get() - 1));
            let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
            state.0 -= 1;
            if state.0 == 0 {
                if let Some(previous) = state.1.take() {
                    std::panic::set_hook(Box::new(move |info| previous(info)));
                }
            }
        }
    }
}

/// Inflates every entry of a zip once, counting (see the module
/// documentation).
fn check_zip(bytes: &[u8], source: &str) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| damaged(source, &format!("its zip directory cannot be read: {e}")))?;
    let total_cap = ZIP_FLOOR + ZIP_RATIO * bytes.len() as u64;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| damaged(source, &format!("part {i} cannot be read: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let cap = (ZIP_RATIO * entry.compressed_size()).max(ZIP_FLOOR);
        let name = crate::spec::text::quote_short(
            &entry.name().map(|n| n.into_owned()).unwrap_or_default(),
        );
        let mut size = 0u64;
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    return Err(damaged(
                        source,
                        &format!("its part {name} cannot be read: {e}"),
                    ));
                }
            };
            size += n as u64;
            if size > cap || total + size > total_cap {
                return Err(too_large(
                    source,
                    &format!(
                        "the workbook's part {name} inflates to more than {} bytes from {} (a zip bomb: at most {ZIP_RATIO} times, or {ZIP_FLOOR} bytes, per part, and {total_cap} bytes in all, are read)",
                        size.min(cap.min(total_cap)),
                        entry.compressed_size()
                    ),
                    &format!(
                        "工作簿中的部件 {name} 从 {} 字节解压后超过 {} 字节（压缩炸弹：每个部件至多解压为 {ZIP_RATIO} 倍或 {ZIP_FLOOR} 字节，总计至多 {total_cap} 字节）",
                        entry.compressed_size(),
                        size.min(cap.min(total_cap))
                    ),
                ));
            }
        }
        total += size;
    }
    Ok(())
}

/// The text of a cell, refused when longer than [`MAX_CELL_BYTES`].
fn cell_text(
    data: &calamine::Data,
    source: &str,
    sheet: &str,
    row: u32,
    col: u32,
) -> Result<(String, bool)> {
    let (text, number) = crate::input::table::excel_cell_text(data);
    if text.len() > MAX_CELL_BYTES {
        return Err(cell_too_long(
            &text,
            Location {
                file: Some(format!("{source}, sheet \"{sheet}\"")),
                row: Some(u64::from(row) + 1),
                column: Some(column_name(col)),
            },
        ));
    }
    Ok((text, number))
}

/// A column's letters as Excel shows them (0 → A, 26 → AA).
fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        s.push(b'A' + r);
        n = (n - 1) / 26;
    }
    s.reverse();
    format!("column {}", String::from_utf8(s).unwrap_or_default())
}

/// Collects sparse cells `(row, col, text, number)`, in any order, into
/// rows padded to their last cell, refusing more than `cap` padded cells.
struct RowBuilder {
    cells: Vec<(u32, u32, String, bool)>,
}

impl RowBuilder {
    fn finish(mut self, source: &str, sheet: &str, cap: u64) -> Result<Vec<SheetRow>> {
        self.cells.sort_by_key(|c| (c.0, c.1));
        let mut padded = 0u64;
        let mut i = 0;
        while i < self.cells.len() {
            let row = self.cells[i].0;
            let mut j = i;
            while j < self.cells.len() && self.cells[j].0 == row {
                j += 1;
            }
            padded += u64::from(self.cells[j - 1].1) + 1;
            if padded > cap {
                return Err(too_large(
                    source,
                    &format!(
                        "the sheet \"{sheet}\" spreads its cells over more than {cap} cells (rows × columns) by row {}, more than a file of this size may hold",
                        u64::from(row) + 1
                    ),
                    &format!(
                        "工作表“{sheet}”至第 {} 行的单元格范围（行数 × 列数）超过 {cap} 个，超出该大小文件可能容纳的数量",
                        u64::from(row) + 1
                    ),
                ));
            }
            i = j;
        }
        let mut rows = Vec::new();
        let mut cells = std::mem::take(&mut self.cells).into_iter().peekable();
        while let Some((row, col, text, number)) = cells.next() {
            let mut texts = Vec::new();
            let mut numeric = Vec::new();
            let mut put = |col: u32, text: String, number: bool| {
                let c = col as usize;
                if texts.len() <= c {
                    texts.resize(c + 1, String::new());
                    numeric.resize(c + 1, false);
                }
                texts[c] = text;
                numeric[c] = number;
            };
            put(col, text, number);
            while let Some((_, col, text, number)) = cells.next_if(|c| c.0 == row) {
                put(col, text, number);
            }
            rows.push((u64::from(row) + 1, texts, numeric));
        }
        Ok(rows)
    }
}

fn choose_sheet(names: &[String], wanted: Option<&str>, source: &str) -> Result<String> {
    match wanted {
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
                    format!(
                        "工作簿中没有名为“{wanted}”的工作表；现有工作表：{}",
                        names.join("、")
                    ),
                )
                .at(at(source))
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| crate::input::table::empty_file(source)),
    }
}

/// A workbook that cannot be opened: an `.xlsx` is saved again from Excel
/// (it already is one), an older workbook saved as `.xlsx`.
fn cannot_open(source: &str, xlsx: bool, e: impl std::fmt::Display) -> Error {
    let e = crate::spec::text::quote_short(&e.to_string());
    let (en, zh) = if xlsx {
        (
            format!("the .xlsx workbook cannot be opened ({e}): it is damaged or was not saved by a spreadsheet program; open it in Excel or WPS and save it again, or export it as CSV"),
            format!("无法打开该 .xlsx 工作簿（{e}）：文件已损坏，或不是由表格软件保存的；请用 Excel 或 WPS 打开后重新保存，或导出为 CSV 后重试"),
        )
    } else {
        (
            format!("the workbook cannot be opened ({e}); save it again from Excel as .xlsx, or export it as CSV"),
            format!("无法打开该 Excel 文件（{e}）；请用 Excel 另存为 .xlsx 或导出为 CSV 后重试"),
        )
    };
    Error::new(ErrorKind::Csv, en, zh).at(at(source))
}

fn cannot_read_sheet(source: &str, sheet: &str, e: impl std::fmt::Display) -> Error {
    let e = crate::spec::text::quote_short(&e.to_string());
    Error::new(
        ErrorKind::Csv,
        format!("the sheet \"{sheet}\" cannot be read ({e}); open the file in Excel and save it again, or export it as CSV"), format!(
        "无法读取工作表“{sheet}”（{e}）；请用 Excel 打开后重新保存，或导出为 CSV"
    ))
    .at(at(source))
}

/// The first `rows` rows (by row number) of a workbook's first sheet, as
/// text cells: enough to find its header row (`input::identify`). An
/// `.xlsx` is read only that far; another workbook whole.
///
/// # Errors
/// As [`read_sheet`].
pub(crate) fn read_sheet_head(bytes: &[u8], source: &str, rows: u32) -> Result<Vec<Vec<String>>> {
    let sheet = if bytes.starts_with(b"PK\x03\x04") {
        check_zip(bytes, source)?;
        let bytes = bytes.to_vec();
        contained(source, move || read_xlsx(bytes, source, None, Some(rows)))?
    } else {
        read_sheet(bytes.to_vec(), source, None)?
    };
    Ok(sheet
        .rows
        .into_iter()
        .take(rows as usize)
        .map(|(_, cells, _)| cells)
        .collect())
}

/// An `.xlsx` sheet read cell by cell; with `limit`, only its rows above
/// that row number.
fn read_xlsx(
    bytes: Vec<u8>,
    source: &str,
    wanted: Option<&str>,
    limit: Option<u32>,
) -> Result<SheetCells> {
    use calamine::Reader;
    let len = bytes.len();
    let mut book =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| cannot_open(source, true, e))?;
    let sheet = choose_sheet(&book.sheet_names(), wanted, source)?;
    let mut reader = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| cannot_read_sheet(source, &sheet, e))?;
    let cap = xlsx_cell_cap(len);
    let mut builder = RowBuilder { cells: Vec::new() };
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| cannot_read_sheet(source, &sheet, e))?
    {
        let (row, col) = cell.get_position();
        if limit.is_some_and(|l| row >= l) {
            break;
        }
        let data = calamine::Data::from(cell.get_value().clone());
        if matches!(data, calamine::Data::Empty) {
            continue;
        }
        let (text, number) = cell_text(&data, source, &sheet, row, col)?;
        if text.trim().is_empty() {
            continue;
        }
        if builder.cells.len() as u64 >= cap {
            return Err(too_large(
                source,
                &format!("the sheet \"{sheet}\" holds more than {cap} cells, more than a file of this size may hold"),
                &format!("工作表“{sheet}”的单元格超过 {cap} 个，超出该大小文件可能容纳的数量"),
            ));
        }
        builder.cells.push((row, col, text, number));
    }
    let rows = builder.finish(source, &sheet, cap)?;
    Ok(SheetCells { sheet, rows })
}

/// A sheet of another workbook (`.xls`, checked by [`check_cfb`] first;
/// `.xlsb`, `.ods`) read through calamine's dense range.
fn read_dense(
    bytes: Vec<u8>,
    source: &str,
    wanted: Option<&str>,
    len: usize,
) -> Result<SheetCells> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| cannot_open(source, false, e))?;
    let sheet = choose_sheet(&book.sheet_names(), wanted, source)?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| cannot_read_sheet(source, &sheet, e))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut builder = RowBuilder { cells: Vec::new() };
    for (r, c, data) in range.used_cells() {
        let (row, col) = (row0 + r as u32, col0 + c as u32);
        let (text, number) = cell_text(data, source, &sheet, row, col)?;
        if !text.trim().is_empty() {
            builder.cells.push((row, col, text, number));
        }
    }
    let rows = builder.finish(source, &sheet, xlsx_cell_cap(len).max(xls_cell_cap(len)))?;
    Ok(SheetCells { sheet, rows })
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// MS-CFB walked as calamine's `Cfb::new` and `get_stream` will walk it,
/// refusing whatever would make them panic, allocate beyond the file or
/// loop; then the workbook stream's sheets are checked by [`check_biff`].
fn check_cfb(bytes: &[u8], source: &str) -> Result<()> {
    walk_cfb(bytes)
        .map_err(|what| damaged(source, what))
        .and_then(|stream| check_biff(&stream, bytes.len(), source))
}

fn walk_cfb(bytes: &[u8]) -> std::result::Result<Vec<u8>, &'static str> {
    const SHORT: &str = "its compound-file header is cut short";
    let len = bytes.len();
    if len < 512 {
        return Err(SHORT);
    }
    let ssz: usize = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err("its sector size is invalid"),
    };
    if len < ssz {
        return Err(SHORT);
    }
    // Sector `id` starts at byte (id + 1) × ssz; only whole sectors count.
    let nsec = len / ssz - 1;
    let sector = |id: u32| -> std::result::Result<&[u8], &'static str> {
        let id = id as usize;
        if id >= nsec {
            return Err("a sector lies beyond the end of the file");
        }
        Ok(&bytes[(id + 1) * ssz..(id + 2) * ssz])
    };
    let words = |s: &[u8]| -> Vec<u32> {
        s.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    // DIFAT: 109 entries in the header, then a chain whose sectors end with
    // the next one's id.
    let mut difat = words(&bytes[76..512]);
    let mut id = u32_at(bytes, 68).ok_or(SHORT)?;
    let mut seen = vec![false; nsec];
    while id < RESERVED {
        if std::mem::replace(
            seen.get_mut(id as usize)
                .ok_or("a sector lies beyond the end of the file")?,
            true,
        ) {
            return Err("its sector table chain loops");
        }
        difat.extend(words(sector(id)?));
        id = difat.pop().ok_or(SHORT)?;
    }
    let mut fats = Vec::new();
    let mut seen = vec![false; nsec];
    for &id in difat.iter().filter(|&&id| id < DIFSECT) {
        if std::mem::replace(
            seen.get_mut(id as usize)
                .ok_or("a sector lies beyond the end of the file")?,
            true,
        ) {
            return Err("its sector table lists a sector twice");
        }
        fats.extend(words(sector(id)?));
    }
    // A chain of whole sectors from `start`, read up to `limit` bytes, as
    // calamine's `get_chain`: every id inside the file and the table, no
    // sector twice.
    let chain = |start: u32,
                 table: &[u32],
                 units: usize,
                 data: &dyn Fn(u32) -> std::result::Result<Vec<u8>, &'static str>,
                 limit: usize|
     -> std::result::Result<Vec<u8>, &'static str> {
        let mut out = Vec::new();
        let mut seen = vec![false; units];
        let mut id = start;
        while id != ENDOFCHAIN {
            if id as usize >= units {
                return Err("a stream's chain leaves the file");
            }
            if std::mem::replace(&mut seen[id as usize], true) {
                return Err("a stream's chain loops");
            }
            let s = data(id)?;
            let take = s.len().min(limit - out.len());
            out.extend_from_slice(&s[..take]);
            if out.len() >= limit {
                break;
            }
            id = *table
                .get(id as usize)
                .ok_or("a stream's chain leaves its sector table")?;
        }
        Ok(out)
    };
    let big = |id: u32| sector(id).map(|s| s.to_vec());
    let dirs = chain(
        u32_at(bytes, 48).ok_or(SHORT)?,
        &fats,
        nsec,
        &big,
        usize::MAX,
    )?;
    struct Entry {
        name: String,
        start: u32,
        len: u64,
    }
    let mut entries = Vec::new();
    for e in dirs.chunks_exact(128) {
        let units: Vec<u16> = e[..64]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let mut name = String::from_utf16_lossy(&units);
        if let Some(l) = name.find('\0') {
            name.truncate(l);
        }
        let start = u32_at(e, 116).ok_or(SHORT)?;
        let len = if ssz == 512 {
            u64::from(u32_at(e, 120).ok_or(SHORT)?)
        } else {
            u64::from_le_bytes(e[120..128].try_into().map_err(|_| SHORT)?)
        };
        if len > bytes.len() as u64 {
            return Err("a stream is declared longer than the file");
        }
        entries.push(Entry { name, start, len });
    }
    let root = entries.first().ok_or("its root directory is empty")?;
    let mini_fat_len = u32_at(bytes, 64).ok_or(SHORT)? as usize;
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let ministream = chain(root.start, &fats, nsec, &big, root.len as usize)?;
        let minifat = chain(
            u32_at(bytes, 60).ok_or(SHORT)?,
            &fats,
            nsec,
            &big,
            mini_fat_len.saturating_mul(ssz),
        )?;
        (words(&minifat), ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let workbook = entries
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case("Workbook"))
        .or_else(|| entries.iter().find(|d| d.name.eq_ignore_ascii_case("Book")))
        .ok_or("it has no workbook stream")?;
    if workbook.len < 4096 {
        let units = ministream.len() / 64;
        let mini = |id: u32| -> std::result::Result<Vec<u8>, &'static str> {
            let i = id as usize * 64;
            ministream
                .get(i..i + 64)
                .map(|s| s.to_vec())
                .ok_or("a mini sector lies beyond the mini stream")
        };
        chain(
            workbook.start,
            &mini_fats,
            units,
            &mini,
            workbook.len as usize,
        )
    } else {
        chain(workbook.start, &fats, nsec, &big, workbook.len as usize)
    }
}

/// The BIFF records of each sheet, scanned for the dense range calamine will
/// allocate: the declared dimensions and the rows and columns cells use.
fn check_biff(stream: &[u8], file_len: usize, source: &str) -> Result<()> {
    let records = |from: usize| {
        let mut at = from;
        std::iter::from_fn(move || {
            let typ = u16_at(stream, at)?;
            let len = u16_at(stream, at + 2)? as usize;
            let data = stream.get(at + 4..at + 4 + len)?;
            at += 4 + len;
            Some((typ, data))
        })
    };
    let mut sheets = Vec::new();
    for (typ, data) in records(0) {
        match typ {
            0x0085 => {
                let pos = u32_at(data, 0).unwrap_or(u32::MAX) as usize;
                if pos > stream.len() {
                    return Err(damaged(source, "a sheet lies beyond the workbook stream"));
                }
                sheets.push(pos);
            }
            0x000A => break,
            _ => {}
        }
    }
    let cap = xls_cell_cap(file_len);
    for pos in sheets {
        // (first row, last row, first column, last column) of the cells.
        let mut used: Option<(u32, u32, u32, u32)> = None;
        let mut add = |row: u32, c0: u32, c1: u32| {
            let u = used.get_or_insert((row, row, c0, c1));
            *u = (u.0.min(row), u.1.max(row), u.2.min(c0), u.3.max(c1));
        };
        let mut declared = 0u128;
        let (mut seen_bof, mut depth) = (false, 0usize);
        for (typ, data) in records(pos) {
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let cell = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => {
                    // As calamine's parse_dimensions, with its arithmetic
                    // done without wrapping.
                    let (rf, rl, mut cf, cl) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0).unwrap_or(0)),
                            u32::from(u16_at(data, 2).unwrap_or(0)),
                            u32::from(u16_at(data, 4).unwrap_or(0)),
                            u32::from(u16_at(data, 6).unwrap_or(0)),
                        ),
                        14 | 16 => (
                            u32_at(data, 0).unwrap_or(0),
                            u32_at(data, 4).unwrap_or(0),
                            u32::from(u16_at(data, 8).unwrap_or(0)),
                            u32::from(u16_at(data, 10).unwrap_or(0)),
                        ),
                        _ => continue,
                    };
                    if 0xFF < cf || cl < cf {
                        cf = 0;
                    }
                    let (rows, cols) = if 1 <= rl && 1 <= cl {
                        if rl - 1 < rf {
                            (u128::MAX, 1)
                        } else {
                            (u128::from(rl - rf), u128::from(cl - cf))
                        }
                    } else {
                        (1, 1)
                    };
                    declared = declared.max(rows.saturating_mul(cols));
                }
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let Some((r, c)) = cell(data) {
                        add(r, c, c);
                    }
                }
                0x00BD => {
                    if let (Some((r, c)), Some(last)) = (
                        cell(data),
                        data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                    ) {
                        add(r, c, u32::from(last).max(c));
                    }
                }
                _ => {}
            }
        }
        let box_cells = used
            .map(|(r0, r1, c0, c1)| u128::from(r1 - r0 + 1) * u128::from(c1 - c0 + 1))
            .unwrap_or(0);
        let n = declared.max(box_cells);
        if n > u128::from(cap) {
            let shown = if n == u128::MAX {
                "more than 2^64".to_string()
            } else {
                n.to_string()
            };
            return Err(too_large(
                source,
                &format!(
                    "a sheet of the workbook declares or spreads its cells over {shown} cells (rows × columns), more than the {cap} a file of this size may hold"
                ),
                &format!(
                    "工作簿中某工作表声明或占用的单元格范围（行数 × 列数）为 {shown} 个，超过该大小文件可容纳的 {cap} 个"
                ),
            ));
        }
    }
    Ok(())
}
