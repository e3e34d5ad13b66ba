//! One entry for each kind of input file, used by the command line and the
//! browser alike: [`open_entities`] decides between the fast scan and the
//! full loader for a task and says why it fell back, [`open_inspectors`]
//! and [`open_exclusions`] read the other two kinds. Progress is reported
//! through the [`Progress`] trait, which each adapter implements in its own
//! way (a bar on a terminal, a message to the page).

use crate::input::directory::{CodeCheck, EntityDirectory, InspectorDirectory, LoadOptions};
use crate::input::exclusions::Exclusions;
use crate::input::identify::{check_slot, Slot, Via};
use crate::input::population::EntitySource;
use crate::input::scan::{Directory, EntityIndex};
use crate::input::table::{RowSource, TextEncoding};
use crate::spec::task::Task;
use crate::{Error, ErrorKind, Location, Result};
use std::io::{BufReader, Read};
use std::path::Path;

/// Where a file is read from. A directory may be read twice (scanned, then
/// loaded in full when the scan declines), so a source is one that can be
/// read more than once.
pub enum Input<'a> {
    /// A file on disk, streamed (a provincial directory is never held in
    /// memory as a table).
    Path(&'a Path),
    /// A file held in memory, borrowed.
    Bytes(&'a [u8]),
    /// A file held in memory, handed over: an index made from it keeps it
    /// (the browser holds its files so).
    Owned(Vec<u8>),
}

/// What a long read reports while it goes. Every method does nothing by
/// default; an adapter implements the ones it shows.
pub trait Progress {
    /// A new phase of the work begins, said in English and in Chinese.
    fn phase(&self, _en: &str, _zh: &str) {}
    /// `done` of `total` bytes of a file on disk have been read.
    fn bytes(&self, _done: u64, _total: u64) {}
    /// `rows` rows have been read.
    fn rows(&self, _rows: u64) {}
}

/// Progress that nobody watches.
pub struct Quiet;

impl Progress for Quiet {}

/// Why an entity directory was read in full instead of scanned into the
/// compact index: said to the user, because at provincial scale the full
/// read takes much longer and much more memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fallback {
    /// The file is GBK (chosen with the encoding option or detected).
    Gbk,
    /// The file is an Excel workbook.
    Workbook,
    /// Some rows were accepted with a warning (e.g. a code that fails its
    /// check digit under `invalid_codes = "warn"`).
    Warnings,
    /// Something the scan does not handle: quotes inside a field, an entity
    /// that two strata match, a layout it is not sure of.
    Unusual,
}

impl Fallback {
    /// The reason in English.
    pub fn en(self) -> &'static str {
        match self {
            Fallback::Gbk => "the file is in GBK, which only the full reader reads",
            Fallback::Workbook => "the file is an Excel workbook, which only the full reader reads",
            Fallback::Warnings => "some rows were accepted with a warning, which only the full reader reports",
            Fallback::Unusual => "the file holds something the quick read does not handle (quotes inside a field, an entity two strata match, an unusual layout)",
        }
    }

    /// The reason in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Fallback::Gbk => "文件为 GBK 编码，只能逐行完整读取",
            Fallback::Workbook => "文件为 Excel 工作簿，只能逐行完整读取",
            Fallback::Warnings => "有些行带着提醒被接受，须逐行完整读取才能一一列出",
            Fallback::Unusual => "文件中有快速读取不处理的内容（字段内的引号、同时属于两个分层的检查对象、少见的表格格式），须逐行完整读取",
        }
    }
}

/// An entity directory as [`open_entities`] read it.
pub struct Opened<'a> {
    /// The directory, scanned or loaded in full.
    pub directory: Directory<'a>,
    /// Why it was loaded in full; `None` when it was scanned.
    pub fallback: Option<Fallback>,
}

/// The error of a file that cannot be opened, read or written, with what
/// to do; `what` says what could not be done (`"read"`, `"open"`…).
pub fn io_error(file: &str, what: &str, e: &std::io::Error) -> Error {
    let (hint, hint_zh) = match e.kind() {
        std::io::ErrorKind::NotFound => ("; check the path", "；请检查路径"),
        std::io::ErrorKind::PermissionDenied => {
            ("; check the file's permissions", "；请检查文件的访问权限")
        }
        _ => ("", ""),
    };
    Error::new(
        ErrorKind::Io,
        format!("cannot {what} the file: {e}{hint}"),
        format!("{}：{e}{hint_zh}", cannot_zh(what)),
    )
    .at(Location {
        file: Some(file.to_string()),
        ..Location::default()
    })
}

/// The Chinese for `cannot {what} the file`, for the `what`s the adapters use.
fn cannot_zh(what: &str) -> &'static str {
    match what {
        "read" => "无法读取文件",
        "write" => "无法写入文件",
        "open" => "无法打开文件",
        "create" => "无法创建文件",
        "find" => "找不到文件",
        "read the folder" => "无法读取文件夹",
        "create the folder" => "无法创建文件夹",
        "create the folder for" => "无法为文件创建文件夹",
        "create a staging folder beside" => "无法在文件旁创建临时文件夹",
        "commit the outputs in" => "无法在此处保存输出文件",
        "move into place" => "无法把文件移到位",
        "finish moving into place" => "无法完成把文件移到位",
        _ => "无法处理文件",
    }
}

impl LoadOptions {
    /// The options for verifying a published record: a code that is not a
    /// valid 统一社会信用代码 is a warning, not an error, because the record
    /// must be reproduced with whatever its draw accepted, whether its task
    /// said `invalid_codes = "warn"` or not.
    pub fn for_verify(self) -> LoadOptions {
        LoadOptions {
            codes: CodeCheck::Warn,
            ..self
        }
    }
}

/// Reads an entity directory for `task`. A well-formed UTF-8 CSV is scanned
/// into a compact index on all cores (a provincial directory of 10 million
/// rows takes a few hundred megabytes); anything else — a workbook, GBK, a
/// file with problems — is read in full by the ordinary loader, which also
/// reports every problem with its row and column, and the result says why
/// ([`Opened::fallback`]). The two give the same results, byte for byte.
///
/// # Errors
/// `Io` when the file cannot be read; otherwise as
/// [`EntityDirectory::load`].
pub fn open_entities<'a>(
    input: Input<'a>,
    name: &str,
    options: &LoadOptions,
    task: &Task,
    progress: &dyn Progress,
) -> Result<Opened<'a>> {
    progress.phase("reading and hashing entities", "读取检查对象并计算摘要");
    check_input(&input, name, Slot::Entities)?;
    match input {
        Input::Path(path) => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let on_block = |read: u64| progress.bytes(read, size);
            if let Some(index) = EntityIndex::scan_file(path, name, options, task, Some(&on_block))?
            {
                return Ok(scanned(index));
            }
            let mut head = Vec::with_capacity(HEAD);
            std::fs::File::open(path)
                .and_then(|f| f.take(HEAD as u64).read_to_end(&mut head))
                .map_err(|e| io_error(name, "read", &e))?;
            let known = declined_because(&head, size <= HEAD as u64, options);
            announce_full_read(progress, known);
            let file = std::fs::File::open(path).map_err(|e| io_error(name, "open", &e))?;
            let reader = Counting {
                inner: BufReader::with_capacity(1 << 20, file),
                read: 0,
                reported: 0,
                total: size,
                progress,
            };
            let mut table = EntityDirectory::table_from_reader(reader, name, options)?;
            let full = load_counted(&mut table, progress, |rows| {
                EntityDirectory::from_rows(rows, options)
            })?;
            Ok(loaded(full, known))
        }
        Input::Bytes(bytes) => {
            if let Some(index) = EntityIndex::scan_bytes(bytes, name, options, task)? {
                progress.rows(index.len() as u64);
                return Ok(scanned(index));
            }
            let known = declined_because(bytes, true, options);
            announce_full_read(progress, known);
            Ok(loaded(load_bytes(bytes, name, options, progress)?, known))
        }
        Input::Owned(bytes) => {
            let on_rows = |rows: u64| progress.rows(rows);
            let bytes = match EntityIndex::scan_owned(bytes, name, options, task, Some(&on_rows))? {
                Ok(index) => {
                    progress.rows(index.len() as u64);
                    return Ok(scanned(index));
                }
                Err(bytes) => bytes,
            };
            let known = declined_because(&bytes, true, options);
            announce_full_read(progress, known);
            Ok(loaded(load_bytes(&bytes, name, options, progress)?, known))
        }
    }
}

/// Refuses a file that is recognizably not what `slot` takes (SPEC §14
/// `WrongFile`), in the command line's words (the page checks its boxes
/// first, in its own). A file on disk is judged by its start, and read
/// whole only when it is a workbook or is refused (to count its rows).
fn check_input(input: &Input<'_>, name: &str, slot: Slot) -> Result<()> {
    let via = Via::CommandLine;
    match input {
        Input::Bytes(b) => check_slot(b, name, slot, via),
        Input::Owned(b) => check_slot(b, name, slot, via),
        Input::Path(path) => {
            let mut head = Vec::with_capacity(HEAD);
            std::fs::File::open(path)
                .map_err(|e| io_error(name, "open", &e))?
                .take(HEAD as u64)
                .read_to_end(&mut head)
                .map_err(|e| io_error(name, "read", &e))?;
            if !crate::input::table::is_workbook(&head)
                && check_slot(&head, name, slot, via).is_ok()
            {
                return Ok(());
            }
            let whole = std::fs::read(path).map_err(|e| io_error(name, "read", &e))?;
            check_slot(&whole, name, slot, via)
        }
    }
}

/// Bytes looked at to tell why the scan declined.
const HEAD: usize = 1 << 20;

fn scanned(index: EntityIndex<'_>) -> Opened<'_> {
    Opened {
        directory: Directory::Indexed(index),
        fallback: None,
    }
}

/// The reason the start of the file shows (an encoding, a workbook), when
/// it shows one; the rest is learnt from the full read. `whole` says that
/// `bytes` is the whole file, not its start.
fn declined_because(bytes: &[u8], whole: bool, options: &LoadOptions) -> Option<Fallback> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(Fallback::Workbook);
    }
    if options.read.encoding == TextEncoding::Gb18030 {
        return Some(Fallback::Gbk);
    }
    match std::str::from_utf8(head) {
        // A character cut at the end of the head is not a reason.
        Err(e) if e.error_len().is_some() || (whole && bytes.len() <= HEAD) => Some(Fallback::Gbk),
        _ => None,
    }
}

fn announce_full_read(progress: &dyn Progress, known: Option<Fallback>) {
    match known {
        Some(f) => progress.phase(
            &format!("reading entities in full: {}", f.en()),
            &format!("逐行完整读取检查对象：{}", f.zh()),
        ),
        None => progress.phase(
            "reading entities in full: the quick read found something to check row by row (a problem in a row, a duplicate id, an unusual layout)",
            "逐行完整读取检查对象：快速读取发现须逐行核对的内容（某行有问题、重复的代码或少见的表格格式）",
        ),
    }
}

fn loaded(full: EntityDirectory, known: Option<Fallback>) -> Opened<'static> {
    let fallback = known.unwrap_or(if full.warnings().is_empty() {
        Fallback::Unusual
    } else {
        Fallback::Warnings
    });
    Opened {
        directory: Directory::Full(full),
        fallback: Some(fallback),
    }
}

fn load_bytes(
    bytes: &[u8],
    name: &str,
    options: &LoadOptions,
    progress: &dyn Progress,
) -> Result<EntityDirectory> {
    let mut table = EntityDirectory::table(bytes, name, options)?;
    load_counted(&mut table, progress, |rows| {
        EntityDirectory::from_rows(rows, options)
    })
}

/// Runs a loader over `rows`, reporting every 4096th row read.
fn load_counted<T>(
    rows: &mut dyn RowSource,
    progress: &dyn Progress,
    load: impl FnOnce(&mut dyn RowSource) -> Result<T>,
) -> Result<T> {
    load(&mut CountedRows {
        rows,
        progress,
        read: 0,
    })
}

impl<'a> Directory<'a> {
    /// This directory stratified for `task`: itself when it is (a directory
    /// held whole serves every task, an index the task it was made for);
    /// else its file, kept in memory by the index, read again for `task`
    /// with `options`.
    ///
    /// # Errors
    /// As [`open_entities`]; `Io` for an index of a file on disk, which
    /// must be opened again with [`open_entities`].
    pub fn for_task(&self, options: &LoadOptions, task: &Task) -> Result<ForTask<'_>> {
        match self {
            Directory::Full(_) => Ok(ForTask::Same(self)),
            Directory::Indexed(i) if i.is_for(task) => Ok(ForTask::Same(self)),
            Directory::Indexed(i) => match i.bytes() {
                Some(bytes) => {
                    open_entities(Input::Bytes(bytes), i.source_name(), options, task, &Quiet)
                        .map(|o| ForTask::Again(Box::new(o.directory)))
                }
                None => Err(Error::new(
                    ErrorKind::Io,
                    "the directory was scanned for another task; read its file again for this one",
                    "名录库是按另一抽查任务读取的，请为本任务重新读取该文件",
                )
                .in_file(i.source_name())),
            },
        }
    }
}

/// A directory stratified for one task ([`Directory::for_task`]).
pub enum ForTask<'b> {
    /// The directory itself.
    Same(&'b Directory<'b>),
    /// Its file read (again) for the task.
    Again(Box<Directory<'b>>),
}

impl<'b> ForTask<'b> {
    /// The directory.
    pub fn directory(&self) -> &Directory<'b> {
        match self {
            ForTask::Same(d) => d,
            ForTask::Again(d) => d,
        }
    }

    /// The draw's view of it.
    pub fn source(&self) -> &dyn EntitySource {
        self.directory().source()
    }
}

/// Reads an inspector directory.
///
/// # Errors
/// `Io` when the file cannot be read; otherwise as
/// [`InspectorDirectory::load`].
pub fn open_inspectors(
    input: Input<'_>,
    name: &str,
    options: &LoadOptions,
    progress: &dyn Progress,
) -> Result<InspectorDirectory> {
    progress.phase("reading inspectors", "读取执法检查人员");
    check_input(&input, name, Slot::Inspectors)?;
    let load = |rows: &mut dyn RowSource| InspectorDirectory::from_rows(rows, options);
    match input {
        Input::Path(path) => {
            let file = std::fs::File::open(path).map_err(|e| io_error(name, "open", &e))?;
            let total = file.metadata().map(|m| m.len()).unwrap_or(0);
            let reader = Counting {
                inner: BufReader::with_capacity(1 << 20, file),
                read: 0,
                reported: 0,
                total,
                progress,
            };
            let mut table = InspectorDirectory::table_from_reader(reader, name, options)?;
            load_counted(&mut table, progress, load)
        }
        Input::Bytes(bytes) => {
            let mut table = InspectorDirectory::table(bytes, name, options)?;
            load_counted(&mut table, progress, load)
        }
        Input::Owned(bytes) => {
            let mut table = InspectorDirectory::table(&bytes, name, options)?;
            load_counted(&mut table, progress, load)
        }
    }
}

/// Reads exclusion lists and unites them (SPEC §4); the result keeps each
/// list's warnings ([`Exclusions::warnings`]). No list is no exclusion.
///
/// # Errors
/// `Io` when a file cannot be read; otherwise as [`Exclusions::load`].
pub fn open_exclusions<'i>(
    lists: impl IntoIterator<Item = (Input<'i>, &'i str)>,
    options: &LoadOptions,
) -> Result<Exclusions> {
    let mut all = Exclusions::none();
    for (input, name) in lists {
        check_input(&input, name, Slot::Exclusions)?;
        let list = match input {
            Input::Path(path) => {
                let bytes = std::fs::read(path).map_err(|e| io_error(name, "read", &e))?;
                Exclusions::load(&bytes, name, options)?
            }
            Input::Bytes(bytes) => Exclusions::load(bytes, name, options)?,
            Input::Owned(bytes) => Exclusions::load(&bytes, name, options)?,
        };
        all = all.union(&list);
    }
    Ok(all)
}

/// A reader that reports the bytes read, every megabyte.
struct Counting<'p, R> {
    inner: R,
    read: u64,
    reported: u64,
    total: u64,
    progress: &'p dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read - self.reported >= 1 << 20 || n == 0 {
            self.reported = self.read;
            self.progress.bytes(self.read, self.total);
        }
        Ok(n)
    }
}

/// Rows that report every 4096th row read.
struct CountedRows<'r, 'p> {
    rows: &'r mut dyn RowSource,
    progress: &'p dyn Progress,
    read: u64,
}

impl RowSource for CountedRows<'_, '_> {
    fn source(&self) -> &str {
        self.rows.source()
    }

    fn headers(&self) -> &[String] {
        self.rows.headers()
    }

    fn next_row(&mut self, row: &mut Vec<String>) -> Result<Option<u64>> {
        let next = self.rows.next_row(row)?;
        self.read += 1;
        if self.read % 4096 == 0 {
            self.progress.rows(self.read);
        }
        Ok(next)
    }

    fn cell_is_number(&self, col: usize) -> bool {
        self.rows.cell_is_number(col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "统一社会信用代码,名称\n91652302MAYYDYBDX3,甲公司\n";

    fn whole() -> Task {
        Task::whole_directory().unwrap()
    }

    #[test]
    fn a_clean_csv_is_scanned_and_gbk_is_read_in_full_saying_why() {
        let o = LoadOptions::default();
        let scanned =
            open_entities(Input::Bytes(CSV.as_bytes()), "e.csv", &o, &whole(), &Quiet).unwrap();
        assert!(matches!(scanned.directory, Directory::Indexed(_)));
        assert_eq!(scanned.fallback, None);
        let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
        let full = open_entities(
            Input::Owned(gbk.into_owned()),
            "e.csv",
            &o,
            &whole(),
            &Quiet,
        )
        .unwrap();
        assert!(matches!(full.directory, Directory::Full(_)));
        assert_eq!(full.fallback, Some(Fallback::Gbk));
        // The same directory either way.
        assert_eq!(full.directory.digest_hex(), scanned.directory.digest_hex());
    }

    #[test]
    fn a_duplicate_id_is_named_by_the_full_reader() {
        let twice = format!("{CSV}91652302MAYYDYBDX3,乙公司\n");
        let e = open_entities(
            Input::Bytes(twice.as_bytes()),
            "e.csv",
            &LoadOptions::default(),
            &whole(),
            &Quiet,
        )
        .err()
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::DuplicateId, "{e}");
    }

    #[test]
    fn exclusion_lists_are_united_with_their_warnings() {
        let a = "统一社会信用代码\n91652302MAYYDYBDX3\n".as_bytes();
        let b = "统一社会信用代码\n91652302MAYYDYBDX4\n".as_bytes();
        let o = LoadOptions {
            codes: CodeCheck::Warn,
            ..LoadOptions::default()
        };
        let x =
            open_exclusions([(Input::Bytes(a), "a.csv"), (Input::Bytes(b), "b.csv")], &o).unwrap();
        assert_eq!(x.len(), 2);
        assert_eq!(x.warnings().len(), 1, "{:?}", x.warnings());
    }

    #[test]
    fn a_missing_file_says_to_check_the_path() {
        let e = open_inspectors(
            Input::Path(Path::new("/nonexistent/i.csv")),
            "i.csv",
            &LoadOptions::default(),
            &Quiet,
        )
        .err()
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.message().ends_with("check the path"), "{e}");
        assert!(e.message_zh().ends_with("请检查路径"), "{}", e.message_zh());
    }
}
