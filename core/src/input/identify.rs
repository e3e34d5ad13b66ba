//! What is this file? Every file a user gives enters a slot (the entity
//! directory, the exclusion list, the task file, …), and the commonest
//! mistake is the right kind of file in the wrong slot: last quarter's
//! result table as the entity directory, the entity directory as the
//! exclusion list, a screenshot as the announcement. [`identify`] tells the
//! kind of a file from its content first (the header row by the rules of
//! SPEC.md §3.3 and the ledger's and calendar's own headers, a JSON
//! document's protocol, a page's title, an image's signature) and its name
//! second; [`check_slot`] refuses a file that is recognizably another kind
//! than the slot takes, saying what it is and where it belongs.
//!
//! A file whose kind cannot be told is never refused here: its reader then
//! says what is wrong with it. A directory with extra columns, an unusual
//! header mapped by the task, a title row above the header: all are
//! [`FileKind::Unknown`] or their own kind, never another one.

use crate::input::table::{is_blank, is_workbook, sniff_delimiter};
use crate::spec::headers::{entity_column, inspector_column, is_known_attribute};
use crate::spec::headers::{EntityColumn, InspectorColumn};
use crate::spec::layout::HEADER_SEARCH_ROWS;
use crate::{Error, ErrorKind, Location, Result};

/// The kind of a file, as [`identify`] tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// An entity directory (检查对象名录库): an entity id, a name and
    /// further columns.
    EntityDirectory,
    /// An inspector directory (执法检查人员名录库).
    InspectorDirectory,
    /// An exclusion list (排除名单): an entity id column without a name
    /// column, or an id and a name only.
    ExclusionList,
    /// The draw's result table (result.csv or result.xlsx).
    ResultTable,
    /// A draw record (record.json).
    Record,
    /// An announcement (announcement.json).
    Announcement,
    /// The announcement as a web page (announcement.html).
    AnnouncementPage,
    /// The public notice of the result (notice.html).
    Notice,
    /// Another web page.
    WebPage,
    /// A task file (task.toml).
    Task,
    /// A case ledger (案件台账).
    Ledger,
    /// A working-day calendar file.
    Calendar,
    /// An image (PNG, JPEG, GIF, BMP, WebP, TIFF).
    Image,
    /// A PDF document.
    Pdf,
    /// A Word document (.docx or .doc).
    Word,
    /// A zip archive that is not a workbook.
    Zip,
    /// An empty file (nothing but white space).
    Empty,
    /// None of these, or not sure: the slot's reader decides.
    Unknown,
}

impl FileKind {
    /// What the file is, in English words (`the result table`).
    pub fn en(self) -> &'static str {
        match self {
            FileKind::EntityDirectory => "an entity directory",
            FileKind::InspectorDirectory => "an inspector directory",
            FileKind::ExclusionList => "an exclusion list",
            FileKind::ResultTable => "the result table of a draw",
            FileKind::Record => "a draw record (record.json)",
            FileKind::Announcement => "an announcement (announcement.json)",
            FileKind::AnnouncementPage => "the web page of an announcement (announcement.html)",
            FileKind::Notice => "the public notice of a result (notice.html)",
            FileKind::WebPage => "a web page",
            FileKind::Task => "a task file (task.toml)",
            FileKind::Ledger => "a ledger (a case ledger or a results ledger)",
            FileKind::Calendar => "a working-day calendar file",
            FileKind::Image => "an image",
            FileKind::Pdf => "a PDF document",
            FileKind::Word => "a Word document",
            FileKind::Zip => "a zip archive",
            FileKind::Empty => "an empty file",
            FileKind::Unknown => "a file of unknown kind",
        }
    }

    /// What the file is, in Chinese (`抽取结果表`).
    pub fn zh(self) -> &'static str {
        match self {
            FileKind::EntityDirectory => "检查对象名录库",
            FileKind::InspectorDirectory => "执法检查人员名录库",
            FileKind::ExclusionList => "排除名单",
            FileKind::ResultTable => "抽取结果表",
            FileKind::Record => "抽取记录（record.json）",
            FileKind::Announcement => "抽查公告（announcement.json）",
            FileKind::AnnouncementPage => "抽查公告网页（announcement.html）",
            FileKind::Notice => "抽查结果公告网页（notice.html）",
            FileKind::WebPage => "网页",
            FileKind::Task => "抽查任务文件（task.toml）",
            FileKind::Ledger => "台账（案件台账或抽查结果台账）",
            FileKind::Calendar => "工作日日历文件",
            FileKind::Image => "图片",
            FileKind::Pdf => "PDF 文档",
            FileKind::Word => "Word 文档",
            FileKind::Zip => "zip 压缩包",
            FileKind::Empty => "空文件",
            FileKind::Unknown => "无法识别的文件",
        }
    }

    /// The slot this kind of file goes into, if any.
    pub fn slot(self) -> Option<Slot> {
        Some(match self {
            FileKind::EntityDirectory => Slot::Entities,
            FileKind::InspectorDirectory => Slot::Inspectors,
            FileKind::ExclusionList => Slot::Exclusions,
            // The notice carries its record (SPEC §13.3).
            FileKind::Record | FileKind::Notice => Slot::Record,
            FileKind::Announcement => Slot::Announcement,
            FileKind::Task => Slot::Task,
            FileKind::Ledger => Slot::Ledger,
            FileKind::Calendar => Slot::Calendar,
            _ => return None,
        })
    }
}

/// Where a file is given: a box of the page, an option of the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Slot {
    /// The entity directory (检查对象名录库, `--entities`).
    Entities,
    /// The inspector directory (执法检查人员名录库, `--inspectors`).
    Inspectors,
    /// An exclusion list (排除名单, `--exclusions`).
    Exclusions,
    /// The task file (抽查任务文件, `--task`).
    Task,
    /// A published announcement (抽查公告, `--announcement`).
    Announcement,
    /// A draw record (抽取记录, `--record`).
    Record,
    /// A case ledger (案件台账, `ledger FILE`).
    Ledger,
    /// A working-day calendar file (补充日历文件, `--calendar`).
    Calendar,
}

/// Who shows the message: it names the slot as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The web page: its boxes, by their labels.
    Page,
    /// The command line: its options.
    CommandLine,
}

impl Slot {
    /// Every slot.
    pub const ALL: &'static [Slot] = &[
        Slot::Entities,
        Slot::Inspectors,
        Slot::Exclusions,
        Slot::Task,
        Slot::Announcement,
        Slot::Record,
        Slot::Ledger,
        Slot::Calendar,
    ];

    /// The slot's name as the page (its label) or the command line (its
    /// option) shows it, in English.
    pub fn label_en(self, via: Via) -> &'static str {
        match (via, self) {
            (Via::Page, Slot::Entities) => "“Entity directory”",
            (Via::Page, Slot::Inspectors) => "“Inspector directory”",
            (Via::Page, Slot::Exclusions) => "“Exclusion list”",
            (Via::Page, Slot::Task) => "“Task file”",
            (Via::Page, Slot::Announcement) => "“Announcement”",
            (Via::Page, Slot::Record) => "“Draw record”",
            (Via::Page, Slot::Ledger) => "“Ledger”",
            (Via::Page, Slot::Calendar) => "“Extra calendar files”",
            (Via::CommandLine, s) => s.option(),
        }
    }

    /// The slot's name as the page or the command line shows it, in
    /// Chinese.
    pub fn label_zh(self, via: Via) -> &'static str {
        match (via, self) {
            (Via::Page, Slot::Entities) => "「检查对象名录库」",
            (Via::Page, Slot::Inspectors) => "「执法检查人员名录库」",
            (Via::Page, Slot::Exclusions) => "「排除名单」",
            (Via::Page, Slot::Task) => "「任务文件」",
            (Via::Page, Slot::Announcement) => "「抽查公告」",
            (Via::Page, Slot::Record) => "「抽取记录」",
            (Via::Page, Slot::Ledger) => "「台账」",
            (Via::Page, Slot::Calendar) => "「补充日历文件」",
            (Via::CommandLine, s) => s.option(),
        }
    }

    fn option(self) -> &'static str {
        match self {
            Slot::Entities => "--entities",
            Slot::Inspectors => "--inspectors",
            Slot::Exclusions => "--exclusions",
            Slot::Task => "--task",
            Slot::Announcement => "--announcement",
            Slot::Record => "--record",
            Slot::Ledger => "ledger",
            Slot::Calendar => "--calendar",
        }
    }

    /// What the slot takes.
    fn wants(self) -> FileKind {
        match self {
            Slot::Entities => FileKind::EntityDirectory,
            Slot::Inspectors => FileKind::InspectorDirectory,
            Slot::Exclusions => FileKind::ExclusionList,
            Slot::Task => FileKind::Task,
            Slot::Announcement => FileKind::Announcement,
            Slot::Record => FileKind::Record,
            Slot::Ledger => FileKind::Ledger,
            Slot::Calendar => FileKind::Calendar,
        }
    }
}

/// What [`identify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    /// The kind of file.
    pub kind: FileKind,
    /// For a table: its header row, as written.
    pub headers: Vec<String>,
}

/// Bytes of a text file looked at (a header row lies in its first rows).
const HEAD: usize = 64 * 1024;

/// Tells what kind of file `bytes` is; `name` (the file name) decides only
/// what the content leaves open (a compound file named `.doc` is a Word
/// document, not a workbook). Never fails and never panics, whatever the
/// bytes; a file it is not sure of is [`FileKind::Unknown`].
pub fn identify(bytes: &[u8], name: &str) -> Identified {
    let kind = |kind| Identified {
        kind,
        headers: Vec::new(),
    };
    if let Some(k) = signature(bytes, name) {
        return kind(k);
    }
    if is_workbook(bytes) {
        return workbook(bytes, name);
    }
    let Some(text) = head_text(bytes) else {
        return kind(FileKind::Unknown);
    };
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.is_empty() {
        return kind(FileKind::Empty);
    }
    if body.starts_with('{') {
        return kind(json(bytes));
    }
    if body.starts_with('<') {
        return kind(html(&text));
    }
    if crate::calendar::is_calendar_text(&text) {
        return kind(FileKind::Calendar);
    }
    if is_task(bytes, &text) {
        return kind(FileKind::Task);
    }
    let rows = csv_rows(&text);
    table(rows)
}

/// Binary formats told by their first bytes.
fn signature(bytes: &[u8], name: &str) -> Option<FileKind> {
    let starts = |p: &[u8]| bytes.starts_with(p);
    if starts(b"\x89PNG\r\n\x1a\n")
        || starts(&[0xFF, 0xD8, 0xFF])
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || starts(b"BM") && bytes.len() > 14 && bytes[6..10] == [0, 0, 0, 0]
        || starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP")
        || starts(b"II*\0")
        || starts(b"MM\0*")
    {
        return Some(FileKind::Image);
    }
    if starts(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        // The names of a zip's entries are stored as they are, in the local
        // headers at the start and the central directory at the end.
        let has = |needle: &[u8]| {
            let head = &bytes[..bytes.len().min(HEAD)];
            let tail = &bytes[bytes.len().saturating_sub(HEAD)..];
            memchr::memmem::find(head, needle).is_some()
                || memchr::memmem::find(tail, needle).is_some()
        };
        if has(b"xl/workbook") {
            return None;
        }
        if has(b"word/document.xml") {
            return Some(FileKind::Word);
        }
        return Some(FileKind::Zip);
    }
    let lower = name.to_lowercase();
    if starts(&[0xD0, 0xCF, 0x11, 0xE0]) && (lower.ends_with(".doc") || lower.ends_with(".docx")) {
        return Some(FileKind::Word);
    }
    None
}

/// A workbook: its first sheet's header row, read from its first rows.
fn workbook(bytes: &[u8], name: &str) -> Identified {
    match crate::input::excel::read_sheet_head(bytes, name, HEADER_SEARCH_ROWS as u32 + 10) {
        Ok(rows) => table(rows),
        Err(_) => Identified {
            kind: FileKind::Unknown,
            headers: Vec::new(),
        },
    }
}

/// The start of a text file as text: UTF-8 (a character cut at the end
/// of the head is dropped), else GB18030; `None` for bytes that are not
/// text (a NUL byte, or not decodable).
fn head_text(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if head.contains(&0) {
        return None;
    }
    match std::str::from_utf8(head) {
        Ok(s) => Some(s.to_string()),
        Err(e) if e.error_len().is_none() => Some(
            std::str::from_utf8(&head[..e.valid_up_to()])
                .unwrap_or_default()
                .to_string(),
        ),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(head);
            // A character cut at the end of the head decodes as one
            // replacement character; more means the bytes are not GBK text.
            let bad = text.matches('\u{FFFD}').count();
            (!had_errors || bad <= 1).then(|| text.into_owned())
        }
    }
}

/// A JSON document: a record or an announcement by its protocol.
fn json(bytes: &[u8]) -> FileKind {
    #[derive(serde::Deserialize)]
    struct Probe {
        protocol: Option<String>,
        draws: Option<serde::de::IgnoredAny>,
        announcement_digest: Option<serde::de::IgnoredAny>,
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(p) = serde_json::from_slice::<Probe>(text) else {
        return FileKind::Unknown;
    };
    let ours = p
        .protocol
        .as_deref()
        .is_some_and(|v| v == crate::record::PROTOCOL || v == crate::record::PROTOCOL_V1);
    match (ours, p.draws.is_some(), p.announcement_digest.is_some()) {
        (true, true, _) => FileKind::Record,
        (true, false, true) => FileKind::Announcement,
        _ => FileKind::Unknown,
    }
}

/// A web page: the notice or the announcement page by their titles.
fn html(text: &str) -> FileKind {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("<html") && !lower.contains("<!doctype html") {
        return FileKind::Unknown;
    }
    let title = text
        .find("<title>")
        .and_then(|i| text[i..].find("</title>").map(|j| &text[i + 7..i + j]))
        .unwrap_or("");
    if title.ends_with(crate::publish::NOTICE_TITLE) {
        FileKind::Notice
    } else if title.ends_with(crate::publish::ANNOUNCEMENT_TITLE) {
        FileKind::AnnouncementPage
    } else {
        FileKind::WebPage
    }
}

/// A task file: TOML with the keys every task has (SPEC §5.3).
fn is_task(bytes: &[u8], head: &str) -> bool {
    let first = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    if !(first.contains('=') || first.starts_with('[')) {
        return false;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    match text.parse::<toml::Table>() {
        Ok(t) => t.contains_key("draw_date") || t.contains_key("item"),
        // A task with a mistake is still a task: its reader says which.
        Err(_) => ["name", "item", "draw_date"].iter().any(|k| {
            head.lines()
                .any(|l| l.trim_start().starts_with(k) && l.contains('='))
        }),
    }
}

/// The first rows of a text table, with the separator of SPEC §3.0.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = sniff_delimiter(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map_while(|r| r.ok())
        .map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| !is_blank(cells))
        .take(HEADER_SEARCH_ROWS)
        .collect()
}

/// A table by its header row: the first of its first rows that is a
/// ledger's, the result table's, or names an id column (SPEC §3.0, §3.3).
fn table(rows: Vec<Vec<String>>) -> Identified {
    for cells in rows.into_iter().take(HEADER_SEARCH_ROWS) {
        if let Some(kind) = header_kind(&cells) {
            return Identified {
                kind,
                headers: cells,
            };
        }
    }
    Identified {
        kind: FileKind::Unknown,
        headers: Vec::new(),
    }
}

/// The kind of table a header row is the header of, if it is one.
fn header_kind(cells: &[String]) -> Option<FileKind> {
    if crate::calendar::is_ledger_header(cells) || crate::calendar::is_results_header(cells) {
        return Some(FileKind::Ledger);
    }
    let has = |h: &str| cells.iter().any(|c| c.trim() == h);
    if crate::publish::RESULT_COLUMNS.iter().all(|h| has(h)) {
        return Some(FileKind::ResultTable);
    }
    let entity: Vec<EntityColumn> = cells.iter().map(|c| entity_column(c)).collect();
    let inspector: Vec<InspectorColumn> = cells.iter().map(|c| inspector_column(c)).collect();
    let entity_id = |i: usize| matches!(entity[i], EntityColumn::Id | EntityColumn::LegacyId);
    let inspector_id = |i: usize| inspector[i] == InspectorColumn::Id;
    let n = cells.len();
    // An id header that only one kind of directory has (统一社会信用代码,
    // 执法证号), not one both have (`id`).
    let entity_own = (0..n).any(|i| entity_id(i) && !inspector_id(i));
    let inspector_own = (0..n).any(|i| inspector_id(i) && !entity_id(i))
        || inspector.iter().any(|r| {
            matches!(
                r,
                InspectorColumn::Department
                    | InspectorColumn::Fields
                    | InspectorColumn::Status
                    | InspectorColumn::Expiry
            )
        });
    match (entity_own, inspector_own) {
        (true, false) => Some(entity_table(cells, &entity)),
        (false, true) if (0..n).any(inspector_id) => Some(FileKind::InspectorDirectory),
        _ => None,
    }
}

/// Words of the columns an exclusion list carries beside its ids: the
/// reason, the basis, a note, a date (排除原因, 检查日期 …).
const EXCLUSION_NOTES: &[&str] = &["原因", "理由", "依据", "备注", "说明", "日期", "时间"];

/// An entity table: a directory, or a list of ids (with their names).
fn entity_table(cells: &[String], roles: &[EntityColumn]) -> FileKind {
    let named: Vec<usize> = (0..cells.len())
        .filter(|&i| !cells[i].trim().is_empty())
        .collect();
    let has_name = roles.contains(&EntityColumn::Name);
    // An exclusion list may say why and when (SPEC §4: other columns are
    // ignored), so such columns do not make it a directory.
    let says_why = |h: &str| EXCLUSION_NOTES.iter().any(|w| h.contains(w));
    let others = named
        .iter()
        .filter(|&&i| matches!(roles[i], EntityColumn::Attribute(_)) && !says_why(&cells[i]))
        .count();
    let known = cells.iter().any(|c| is_known_attribute(c));
    if has_name && (others > 0 || known) {
        FileKind::EntityDirectory
    } else {
        FileKind::ExclusionList
    }
}

/// Whether a slot takes a file of this kind, with these headers.
fn fits(slot: Slot, found: &Identified) -> bool {
    let kind = found.kind;
    if kind == FileKind::Unknown || kind == slot.wants() || kind.slot() == Some(slot) {
        return true;
    }
    match slot {
        // A list of ids with their names is also the smallest directory;
        // one column of ids is not a directory.
        Slot::Entities => {
            kind == FileKind::ExclusionList
                && found
                    .headers
                    .iter()
                    .filter(|h| !h.trim().is_empty())
                    .count()
                    > 1
        }
        // A ledger may be any table with its three columns.
        _ => false,
    }
}

/// Refuses a file that is recognizably not what `slot` takes, naming the
/// slot as `via` shows it, what the file is (with its rows) and where it
/// belongs. `bytes` is the whole file.
///
/// # Errors
/// `WrongFile`, with the file's name as its location.
pub fn check_slot(bytes: &[u8], name: &str, slot: Slot, via: Via) -> Result<()> {
    let found = identify(bytes, name);
    if fits(slot, &found) {
        return Ok(());
    }
    Err(wrong_file(bytes, name, slot, via, &found))
}

/// The message of a file in the wrong slot.
fn wrong_file(bytes: &[u8], name: &str, slot: Slot, via: Via, found: &Identified) -> Error {
    let (detail_en, detail_zh) = detail(bytes, name, found);
    let kind = found.kind;
    let wants = slot.wants();
    let (label_en, label_zh) = (slot.label_en(via), slot.label_zh(via));
    let (what_en, what_zh) = match via {
        Via::Page => (
            format!(
                "The file put into {label_en} is {}{detail_en}, not {}",
                kind.en(),
                wants.en()
            ),
            format!(
                "{label_zh}处放入的文件是{}{detail_zh}，不是{}",
                kind.zh(),
                bare_zh(wants)
            ),
        ),
        Via::CommandLine => (
            format!(
                "the file given with {label_en} is {}{detail_en}, not {}",
                kind.en(),
                wants.en()
            ),
            format!(
                "{label_zh} 给出的文件是{}{detail_zh}，不是{}",
                kind.zh(),
                bare_zh(wants)
            ),
        ),
    };
    let (home_en, home_zh) = match kind.slot() {
        Some(home) if via == Via::Page => (
            format!("; put it into {} instead", home.label_en(via)),
            format!("；请把它放入{}处", home.label_zh(via)),
        ),
        Some(home) => (
            format!("; give it with {} instead", home.label_en(via)),
            format!("；请用 {} 给出它", home.label_zh(via)),
        ),
        None => advice(kind, slot, via),
    };
    let (want_en, want_zh) = wanted(slot, via);
    Error::new(
        ErrorKind::WrongFile,
        format!("{what_en}{home_en}. {want_en}"),
        format!("{what_zh}{home_zh}。{want_zh}"),
    )
    .at(Location {
        file: Some(name.to_string()),
        ..Location::default()
    })
}

/// A kind's Chinese name without the file name in brackets.
fn bare_zh(kind: FileKind) -> &'static str {
    let zh = kind.zh();
    zh.split('（').next().unwrap_or(zh)
}

/// What a file that belongs in no slot is for.
fn advice(kind: FileKind, slot: Slot, via: Via) -> (String, String) {
    let excl = Slot::Exclusions;
    let (en, zh) = match kind {
        FileKind::ResultTable => {
            let (give_en, give_zh) = match via {
                Via::Page => (
                    format!("put that into {}", excl.label_en(via)),
                    format!("放入{}处", excl.label_zh(via)),
                ),
                Via::CommandLine => (
                    format!("give that with {}", excl.label_en(via)),
                    format!("用 {} 给出", excl.label_zh(via)),
                ),
            };
            return (
                format!("; it is what a draw writes, not an input (to exclude the entities it lists, keep only its 统一社会信用代码 column and {give_en})"),
                format!("；它是抽取后输出的结果，不能作为输入（如要排除其中的企业，请只保留“统一社会信用代码”一列，另存后{give_zh}）"),
            );
        }
        FileKind::Notice | FileKind::AnnouncementPage
            if matches!(slot, Slot::Record | Slot::Announcement) =>
        {
            (
                "; the page is for people to read; the program reads the .json file published with it",
                "；网页供人阅读，程序读取的是与它一同公布的 .json 文件",
            )
        }
        FileKind::Notice | FileKind::AnnouncementPage | FileKind::WebPage => (
            "; a web page is for people to read, not an input",
            "；网页供人阅读，不能作为输入",
        ),
        FileKind::Empty => (
            "; the file holds nothing: choose the file again (it may not have been saved)",
            "；文件中没有任何内容：请重新选择文件（可能未保存成功）",
        ),
        _ => ("", ""),
    };
    (en.to_string(), zh.to_string())
}

/// What the slot takes, said to the user.
fn wanted(slot: Slot, via: Via) -> (String, String) {
    let label_en = slot.label_en(via);
    let label_zh = slot.label_zh(via);
    let (en, zh) = match slot {
        Slot::Entities => (
            "a table of entities with the columns 统一社会信用代码 and 企业名称",
            "含“统一社会信用代码”“企业名称”等列的检查对象表格",
        ),
        Slot::Inspectors => (
            "a table of inspectors with the columns 执法证号 and 姓名",
            "含“执法证号”“姓名”等列的执法检查人员表格",
        ),
        Slot::Exclusions => (
            "a table with the one column 统一社会信用代码 (the column 企业名称 may be added)",
            "只有“统一社会信用代码”一列的表格（可另加“企业名称”一列）",
        ),
        Slot::Task => (
            "a task file (task.toml), as the page or `shuangsui` writes it",
            "抽查任务文件（task.toml，由本页或 shuangsui 命令生成）",
        ),
        Slot::Announcement => (
            "the announcement.json published before the draw",
            "抽取前公布的 announcement.json",
        ),
        Slot::Record => (
            "the record.json published with the result, or the notice.html that carries it",
            "与结果一同公布的 record.json，或载有记录的结果公告 notice.html",
        ),
        Slot::Ledger => (
            "a case ledger with the columns 案件编号, 决定日期 and 生效日期, or the results ledger a draw wrote (台账.xlsx: 统一社会信用代码, 检查日期, 检查结果), as CSV or Excel",
            "含“案件编号”“决定日期”“生效日期”列的案件台账，或抽取时生成的抽查结果台账（台账.xlsx：统一社会信用代码、检查日期、检查结果），CSV 或 Excel 均可",
        ),
        Slot::Calendar => (
            "a calendar file: a `# covers: year` line, then `date,kind,name` rows",
            "日历文件：一行 `# covers: 年份`，再按 `date,kind,name` 逐行列出",
        ),
    };
    match via {
        Via::Page => (
            format!("{label_en} takes {en}."),
            format!("{label_zh}应放入{zh}。"),
        ),
        Via::CommandLine => (
            format!("{label_en} takes {en}."),
            format!("{label_zh} 应给出{zh}。"),
        ),
    }
}

/// What the file looks like: some of its columns and its number of rows.
fn detail(bytes: &[u8], name: &str, found: &Identified) -> (String, String) {
    let shown: Vec<&str> = match found.kind {
        FileKind::ResultTable => vec!["分层", "抽签值", "检查组长"],
        _ => found
            .headers
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .take(3)
            .collect(),
    };
    if shown.is_empty() {
        return (String::new(), String::new());
    }
    let rows = data_rows(bytes, name, &found.headers);
    let cols_en = shown.join(", ");
    let cols_zh = shown.join("、");
    match rows {
        Some(n) => (
            format!(" (columns {cols_en}…, {n} rows)"),
            format!("（含{cols_zh}等列，{n} 行）"),
        ),
        None => (
            format!(" (columns {cols_en}…)"),
            format!("（含{cols_zh}等列）"),
        ),
    }
}

/// The number of rows below the header row of a table, when it can be
/// counted.
fn data_rows(bytes: &[u8], name: &str, headers: &[String]) -> Option<u64> {
    if is_workbook(bytes) {
        let sheet = crate::input::excel::read_sheet(bytes.to_vec(), name, None).ok()?;
        let at = sheet
            .rows
            .iter()
            .position(|(_, cells, _)| cells == headers)?;
        return Some((sheet.rows.len() - at - 1) as u64);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text.as_bytes()))
        .from_reader(text.as_bytes());
    let mut seen_header = false;
    let mut n = 0u64;
    for r in reader.records() {
        let cells: Vec<String> = r.ok()?.iter().map(str::to_string).collect();
        if is_blank(&cells) {
            continue;
        }
        if seen_header {
            n += 1;
        } else if cells == headers {
            seen_header = true;
        }
    }
    seen_header.then_some(n)
}

#[cfg(test)]
mod tests;
