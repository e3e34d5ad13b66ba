//! # shuangsui-wasm — the browser's adapter over the `shuangsui` core
//!
//! The web page (`web/`) makes draws, verifies records and counts deadlines
//! in a web worker through this module. Each exported function parses its
//! input, makes one core call and converts the result; no rule of the draw
//! or of the calendar lives here (STYLE.md, principle 1).
//!
//! - Documents go out as the JSON text the core writes, so a record
//!   downloaded from the page is, byte for byte, the record the command line
//!   writes for the same inputs.
//! - Every error goes out through one helper, [`problem`], as a plain JS
//!   object in the core's one JSON form of an error (`Error::to_json`:
//!   `{kind, kind_zh, message, message_zh, file, row, column, details}`)
//!   that survives `postMessage`; the messages are the core's own.
//! - Directories, exclusion lists and tasks are parsed once into handles
//!   ([`Entities`], [`Inspectors`], [`ExclusionList`], [`Task`]) that the
//!   worker keeps: a provincial directory takes seconds to read, and the page
//!   announces, draws and verifies against the same files. A [`Reading`]
//!   says how files are read: as the task file says for a draw, as
//!   `shuangsui verify` does for a verification.
//! - There is no clock here: on `wasm32-unknown-unknown` the standard
//!   library's clock panics, so "today" always comes from JavaScript.

#![forbid(unsafe_code)]

use serde_json::{json, Value};
use shuangsui::calendar::{self, Date, Rule, UserCalendar, WorkingDayCalendar};
use shuangsui::RowSource as _;
use shuangsui::{
    Directory, DrawInputs, EntityDirectory, Fallback, ForTask, Input, InspectorDirectory,
    LoadOptions, ReadOptions, SeedSource, Slot, TaskFile, TextEncoding, Verification, VerifyInputs,
    Via,
};
use std::borrow::Cow;
use std::sync::Mutex;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;

    /// A JS function `(rows) => void`, called while a directory is read.
    #[wasm_bindgen(typescript_type = "(rows: number) => void")]
    pub type Progress;

    #[wasm_bindgen(method, js_name = call)]
    fn call(this: &Progress, this_arg: &JsValue, rows: f64);
}

/// The one error conversion of the boundary: a core error becomes the plain
/// object of its JSON form (`Error::to_json`: `{kind, kind_zh, message,
/// message_zh, file, row, column, details}`).
fn problem(e: shuangsui::Error) -> JsValue {
    json_parse(&on_the_page(e).to_json().to_string())
}

/// The page's way to supply what a core error says is missing, added to
/// the core's message as the command line adds its option: a year of the
/// working-day calendar is given in the 期限 tab's 「补充日历文件」 box.
fn on_the_page(e: shuangsui::Error) -> shuangsui::Error {
    if e.kind() == shuangsui::ErrorKind::CalendarUncovered {
        e.hint(
            " Choose the file in “Extra calendar files” above (or paste that year's holiday notice under “No calendar file for the year? Paste the holiday notice”), then press “Compute” or “Check” again.",
            "请在上方「补充日历文件」处选择该文件（或在「没有该年的日历文件？粘贴节假日安排通知」处粘贴该年的通知全文），然后再点「计算」或「核查」。",
        )
    } else {
        e
    }
}

/// Warnings of a loaded file (e.g. codes that fail the check digit) as a
/// JSON list in the form of [`problem`].
fn warnings_json(warnings: &[shuangsui::Error]) -> String {
    Value::Array(warnings.iter().map(shuangsui::Error::to_json).collect()).to_string()
}

type Out<T> = Result<T, JsValue>;

fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// Keeps the message of a panic (a bug, never an input problem), so that
/// the worker can report it after the trap instead of "unreachable".
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut m) = LAST_PANIC.lock() {
            *m = info.to_string();
        }
    }));
}

/// The message of the last panic, empty when there was none.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|m| m.clone()).unwrap_or_default()
}

/// Readies `bytes` bytes of the module's memory for a file about to be
/// read: allocates them, writes one byte in every 4 KiB page and frees
/// them. The worker calls it while the page is still reading the file, so
/// that the copy of the file into the module (the next allocation of that
/// size) writes into memory the system has already mapped, instead of
/// taking a page fault every 4 KiB (about 0.1 s for 166 MB). Changes no
/// result: the memory is only touched (and not at all when it cannot be
/// had: the read itself then says so).
#[wasm_bindgen]
pub fn reserve(bytes: usize) {
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(bytes).is_err() {
        return;
    }
    let spare = v.spare_capacity_mut();
    for i in (0..spare.len()).step_by(4096) {
        spare[i].write(0);
    }
    std::hint::black_box(&mut v);
}

/// The protocol this build implements (`shuangsui-draw/1`).
#[wasm_bindgen]
pub fn protocol() -> String {
    shuangsui::PROTOCOL.to_string()
}

/// The core's progress reports as calls of a JS progress function with the
/// number of rows read.
struct Rows(Option<Progress>);

impl shuangsui::Progress for Rows {
    fn rows(&self, rows: u64) {
        if let Some(p) = &self.0 {
            p.call(&JsValue::NULL, rows as f64);
        }
    }
}

/// How the files of a draw are read (SPEC §3.0): the code check
/// (`invalid_codes`) and the column mappings (`[columns.*]`) of each kind of
/// file, and the encoding and worksheet (detected, UTF-8 or GBK, and the
/// first sheet, unless [`Reading::set_file`] says otherwise).
#[wasm_bindgen]
pub struct Reading {
    entities: LoadOptions,
    inspectors: LoadOptions,
    exclusions: LoadOptions,
}

#[wasm_bindgen]
impl Reading {
    /// The defaults: a code that is not a valid 统一社会信用代码 is an error.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Reading {
        Reading {
            entities: LoadOptions::default(),
            inspectors: LoadOptions::default(),
            exclusions: LoadOptions::default(),
        }
    }

    /// As the task file says, as `shuangsui draw` reads.
    #[wasm_bindgen(js_name = forTask)]
    pub fn for_task(task: &Task) -> Reading {
        Reading {
            entities: task.0.entity_options(ReadOptions::default()),
            inspectors: task.0.inspector_options(ReadOptions::default()),
            exclusions: task.0.exclusion_options(ReadOptions::default()),
        }
    }

    /// For verifying a published record, as `shuangsui verify` reads: an
    /// invalid code is a warning, because the record must be reproduced
    /// with whatever its draw accepted.
    #[wasm_bindgen(js_name = forVerify)]
    pub fn for_verify() -> Reading {
        Reading {
            entities: LoadOptions::default().for_verify(),
            inspectors: LoadOptions::default().for_verify(),
            exclusions: LoadOptions::default().for_verify(),
        }
    }

    /// How the page reads one kind of file (`entities`, `inspectors` or
    /// `exclusions`): the encoding (`auto`, `utf-8`, `gbk`), the worksheet
    /// (the first when undefined or empty), and column mappings chosen on
    /// the page, `headers[i]` read as `fields[i]`. The mappings are added
    /// after the task file's own `[columns.*]`, as the command line's
    /// `--map-entities` / `--map-inspectors` / `--map-exclusions` are.
    ///
    /// # Errors
    /// `InvalidValue` for an unknown kind or encoding.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(
        &mut self,
        kind: &str,
        encoding: &str,
        sheet: Option<String>,
        headers: Vec<String>,
        fields: Vec<String>,
    ) -> Out<()> {
        let options = self.options_mut(kind)?;
        options.read = ReadOptions {
            encoding: TextEncoding::parse(encoding).map_err(problem)?,
            sheet: sheet.filter(|s| !s.trim().is_empty()),
        };
        options.columns.extend(headers.into_iter().zip(fields));
        Ok(())
    }

    fn options_mut(&mut self, kind: &str) -> Out<&mut LoadOptions> {
        match kind {
            "entities" => Ok(&mut self.entities),
            "inspectors" => Ok(&mut self.inspectors),
            "exclusions" => Ok(&mut self.exclusions),
            other => Err(unknown_kind(other)),
        }
    }

    /// The options as an opaque text, for the page to tell whether a file
    /// must be read again.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> String {
        format!("{:?}", (&self.entities, &self.inspectors, &self.exclusions))
    }
}

impl Default for Reading {
    fn default() -> Reading {
        Reading::new()
    }
}

fn unknown_kind(kind: &str) -> JsValue {
    problem(shuangsui::Error::new(
        shuangsui::ErrorKind::InvalidValue,
        format!("unknown kind of file \"{kind}\"; use entities, inspectors or exclusions"),
        format!("未知的文件类型“{kind}”；请使用 entities、inspectors 或 exclusions"),
    ))
}

/// The header row of a file as the core finds it (rows above it skipped),
/// read as `kind` (`entities`, `inspectors` or `exclusions`) with `reading`:
/// the headers the page offers for a column mapping. An exclusion list's
/// header row is found by the entity id headers (SPEC §4).
#[wasm_bindgen]
pub fn headers(bytes: &[u8], name: &str, kind: &str, reading: &Reading) -> Out<Vec<String>> {
    let table = match kind {
        "entities" => EntityDirectory::table(bytes, name, &reading.entities),
        "inspectors" => InspectorDirectory::table(bytes, name, &reading.inspectors),
        "exclusions" => EntityDirectory::table(bytes, name, &reading.exclusions),
        other => return Err(unknown_kind(other)),
    };
    table.map(|t| t.headers().to_vec()).map_err(problem)
}

/// The entity directory (检查对象名录库), read once: a clean UTF-8 CSV
/// scanned into the compact index (holding the file's bytes, so that it can
/// be scanned again for another task), anything else read in full; with the
/// options it was read with and why it was read in full, if it was.
#[wasm_bindgen]
pub struct Entities {
    directory: Directory<'static>,
    options: LoadOptions,
    fallback: Option<Fallback>,
}

impl Entities {
    /// The directory stratified for `task`.
    fn source(&self, task: &shuangsui::Task) -> shuangsui::Result<ForTask<'_>> {
        self.directory.for_task(&self.options, task)
    }

    fn read(
        bytes: Vec<u8>,
        name: &str,
        reading: &Reading,
        task: &shuangsui::Task,
        progress: Option<Progress>,
    ) -> Out<Entities> {
        let options = reading.entities.clone();
        check_slot(&bytes, name, Slot::Entities)?;
        let opened =
            shuangsui::open_entities(Input::Owned(bytes), name, &options, task, &Rows(progress))
                .map_err(problem)?;
        Ok(Entities {
            directory: opened.directory,
            options,
            fallback: opened.fallback,
        })
    }
}

#[wasm_bindgen]
impl Entities {
    /// Reads a directory file (CSV in UTF-8 or GBK, or Excel); `name` is
    /// the file name for messages.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        bytes: Vec<u8>,
        name: &str,
        reading: &Reading,
        progress: Option<Progress>,
    ) -> Out<Entities> {
        let whole = shuangsui::Task::whole_directory().map_err(problem)?;
        Entities::read(bytes, name, reading, &whole, progress)
    }

    /// As `fromBytes`, when the task is already known: a clean CSV is then
    /// scanned once, for both the digest shown and the task's strata.
    #[wasm_bindgen(js_name = fromBytesForTask)]
    pub fn from_bytes_for_task(
        bytes: Vec<u8>,
        name: &str,
        reading: &Reading,
        task: &Task,
        progress: Option<Progress>,
    ) -> Out<Entities> {
        Entities::read(bytes, name, reading, &task.0.task, progress)
    }

    /// Number of entities.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.directory.len() as f64
    }

    /// The directory digest (SPEC §3.4), hex.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        self.directory.digest_hex()
    }

    /// What was accepted with a warning, as JSON.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> String {
        warnings_json(self.directory.warnings())
    }

    /// Why the file was read in full rather than by the quick scan, as JSON
    /// `{en, zh}`, or `null` when it was scanned.
    #[wasm_bindgen(getter)]
    pub fn fallback(&self) -> String {
        match self.fallback {
            Some(f) => json!({ "en": f.en(), "zh": f.zh() }).to_string(),
            None => "null".into(),
        }
    }
}

/// The inspector directory (执法检查人员名录库), read once.
#[wasm_bindgen]
pub struct Inspectors(InspectorDirectory);

#[wasm_bindgen]
impl Inspectors {
    /// Reads a directory file as [`Entities::from_bytes`] does.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        bytes: &[u8],
        name: &str,
        reading: &Reading,
        progress: Option<Progress>,
    ) -> Out<Inspectors> {
        check_slot(bytes, name, Slot::Inspectors)?;
        shuangsui::open_inspectors(
            Input::Bytes(bytes),
            name,
            &reading.inspectors,
            &Rows(progress),
        )
        .map(Inspectors)
        .map_err(problem)
    }

    /// Number of inspectors.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.0.len() as f64
    }

    /// The directory digest (SPEC §3.4), hex.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        self.0.digest_hex()
    }
}

/// An exclusion list (排除名单, SPEC §4).
#[wasm_bindgen]
pub struct ExclusionList(shuangsui::Exclusions);

#[wasm_bindgen]
impl ExclusionList {
    /// The empty list.
    #[wasm_bindgen(constructor)]
    pub fn none() -> ExclusionList {
        ExclusionList(shuangsui::Exclusions::none())
    }

    /// Reads an exclusion file (CSV or Excel with an id column).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8], name: &str, reading: &Reading) -> Out<ExclusionList> {
        check_slot(bytes, name, Slot::Exclusions)?;
        shuangsui::open_exclusions([(Input::Bytes(bytes), name)], &reading.exclusions)
            .map(ExclusionList)
            .map_err(problem)
    }

    /// A list from ids typed by hand.
    #[wasm_bindgen(js_name = fromIds)]
    pub fn from_ids(ids: Vec<String>) -> Out<ExclusionList> {
        shuangsui::Exclusions::from_ids(ids)
            .map(ExclusionList)
            .map_err(problem)
    }

    /// The union of two lists.
    pub fn union(&self, other: &ExclusionList) -> ExclusionList {
        ExclusionList(self.0.union(&other.0))
    }

    /// Number of distinct ids.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.0.len() as f64
    }

    /// The exclusions digest (SPEC §4), hex.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        self.0.digest_hex()
    }

    /// The normalized ids, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.0.ids().map(str::to_string).collect()
    }

    /// Codes kept with a warning (possible typos), as JSON.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> String {
        warnings_json(self.0.warnings())
    }
}

/// A task file (抽查任务, SPEC §5.3), read and validated.
#[wasm_bindgen]
pub struct Task(TaskFile);

#[wasm_bindgen]
impl Task {
    /// Reads TOML text; `name` is the file name for messages.
    pub fn parse(toml: &str, name: &str) -> Out<Task> {
        TaskFile::parse(toml, name).map(Task).map_err(problem)
    }

    /// The canonical task (SPEC §5) as pretty JSON.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        pretty(&self.0.task)
    }

    /// The task digest, hex.
    #[wasm_bindgen(getter)]
    pub fn digest(&self) -> String {
        shuangsui::hex(&self.0.task.digest())
    }

    /// The task file's `[[seed]]` tables (SPEC §6.2) as a JSON list of seed
    /// forms, as `announce` would fix them (empty when it has none).
    #[wasm_bindgen(getter, js_name = seedForms)]
    pub fn seed_forms(&self) -> String {
        serde_json::to_string(&self.0.seed_forms).unwrap_or_else(|_| "[]".into())
    }
}

/// The sample data of `shuangsui demo` (演示数据): JSON `{entities_csv,
/// inspectors_csv, task_toml, announcement, seed}`, the announcement as
/// published and the seed one source a line.
#[wasm_bindgen]
pub fn demo() -> Out<String> {
    let d = shuangsui::synth::demo().map_err(problem)?;
    Ok(json!({
        "entities_csv": d.entities_csv,
        "inspectors_csv": d.inspectors_csv,
        "task_toml": d.task_toml,
        "announcement": d.announcement.to_json_pretty(),
        "seed": d.seed_args.join("\n"),
    })
    .to_string())
}

/// One seed source as written (`lottery:3 0 7`) in canonical form, as JSON
/// `{kind, value, description}`.
#[wasm_bindgen(js_name = seedSource)]
pub fn seed_source(line: &str) -> Out<String> {
    SeedSource::parse(line).map(|s| pretty(&s)).map_err(problem)
}

/// One seed source of an unannounced draw as written (`lottery:3 0 7`, the
/// kind prefix required, SPEC §6.1) in canonical form, as JSON `{kind,
/// value, description}`: what `draw` with `unannounced` reads.
#[wasm_bindgen(js_name = seedSourceUnannounced)]
pub fn seed_source_unannounced(line: &str) -> Out<String> {
    SeedSource::parse_unannounced(line)
        .map(|s| pretty(&s))
        .map_err(problem)
}

/// The announcement (抽查公告, SPEC §12) as published JSON. `forms` is a
/// JSON list of seed forms (SPEC §6.2, e.g. `[{"kind":"lottery","game":
/// "福彩3D","issue":"2026318","date":"2026-11-30","groups":[…]}]`), or
/// empty for the task file's own `[[seed]]` tables; `published` the day it
/// is published.
#[wasm_bindgen]
pub fn announce(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    forms: &str,
    published: &str,
) -> Out<String> {
    let forms: Vec<shuangsui::SeedForm> = if forms.trim().is_empty() {
        task.0.seed_forms.clone()
    } else {
        serde_json::from_str(forms).map_err(|e| {
            problem(shuangsui::Error::new(
                shuangsui::ErrorKind::InvalidTask,
                format!("the seed forms are malformed: {e}"),
                format!("随机种子来源的写法有误：{e}"),
            ))
        })?
    };
    let source = entities.source(&task.0.task).map_err(problem)?;
    shuangsui::announce(
        &task.0.task,
        source.source(),
        &inspectors.0,
        &exclusions.0,
        &forms,
        published,
    )
    .map(|a| a.to_json_pretty())
    .map_err(problem)
}

/// The announcement as a printable page (抽查公告, HTML).
#[wasm_bindgen(js_name = announcementHtml)]
pub fn announcement_html(announcement: &str) -> Out<String> {
    shuangsui::Announcement::from_json(announcement)
        .map(|a| shuangsui::announcement_html(&a))
        .map_err(problem)
}

/// What an announcement fixes, for the page: JSON `{protocol, published,
/// task_toml, task_name, draw_date, entropy_bits, sources: [{form,
/// describe, expects_en, expects_zh}]}` (a v1 announcement has no forms).
#[wasm_bindgen(js_name = announcementInfo)]
pub fn announcement_info(announcement: &str) -> Out<String> {
    let a = shuangsui::Announcement::from_json(announcement).map_err(problem)?;
    let forms = a.forms();
    let sources: Vec<Value> = forms
        .iter()
        .map(|f| {
            let (en, zh) = f.expects();
            json!({ "form": f, "describe": f.describe(), "expects_en": en, "expects_zh": zh })
        })
        .collect();
    Ok(json!({
        "protocol": a.protocol,
        "published": a.published,
        "task_name": a.task.name,
        "draw_date": a.task.draw_date,
        "task_toml": a.task.to_toml(),
        "announcement_digest": a.announcement_digest,
        "entropy_bits": f64::from(shuangsui::entropy_tenths(&forms)) / 10.0,
        "sources": sources,
    })
    .to_string())
}

/// The preset lottery games (SPEC §6.2) as JSON `[{game, groups}]`.
#[wasm_bindgen(js_name = lotteryPresets)]
pub fn lottery_presets() -> String {
    let list: Vec<Value> = shuangsui::lottery_presets()
        .into_iter()
        .filter_map(shuangsui::lottery_preset)
        .map(|(game, groups)| json!({ "game": game, "groups": groups }))
        .collect();
    pretty(&list)
}

/// The entropy in bits of a JSON list of seed forms (SPEC §6.4).
#[wasm_bindgen]
pub fn entropy(forms: &str) -> Out<f64> {
    let forms: Vec<shuangsui::SeedForm> = serde_json::from_str(forms).map_err(|e| {
        problem(shuangsui::Error::new(
            shuangsui::ErrorKind::InvalidTask,
            format!("the seed forms are malformed: {e}"),
            format!("随机种子的形式数据有误：{e}"),
        ))
    })?;
    let refs: Vec<&shuangsui::SeedForm> = forms.iter().collect();
    Ok(f64::from(shuangsui::entropy_tenths(&refs)) / 10.0)
}

/// Makes the draw (SPEC §7–§11) and returns the record as published JSON.
/// `seed` holds one source a line, as entered; `announcement` is the
/// published announcement's JSON (each line is then read under its form),
/// or undefined with `unannounced` true for a draw made without one.
#[wasm_bindgen]
pub fn draw(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    seed: &str,
    announcement: Option<String>,
    unannounced: bool,
) -> Out<String> {
    draw_record(
        task,
        entities,
        inspectors,
        exclusions,
        seed,
        announcement,
        unannounced,
    )
    .map(|r| r.to_json_pretty())
}

fn draw_record(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    seed: &str,
    announcement: Option<String>,
    unannounced: bool,
) -> Out<shuangsui::DrawRecord> {
    let announcement = announcement
        .filter(|a| !a.trim().is_empty())
        .map(|a| shuangsui::Announcement::from_json(&a))
        .transpose()
        .map_err(problem)?;
    let lines: Vec<String> = seed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let announced = shuangsui::Announced::choose(announcement.as_ref(), unannounced).map_err(|e| {
        problem(e.hint(
            " (load or make the announcement, or tick the confirmation that this draw is unannounced)",
            "（请载入或生成抽查公告，或勾选“本次抽取未经事先公告”的确认）",
        ))
    })?;
    let seed = match announced {
        shuangsui::Announced::By(a) => shuangsui::read_seed(a, &lines).map_err(problem)?,
        _ => lines
            .iter()
            .map(|l| SeedSource::parse_unannounced(l))
            .collect::<shuangsui::Result<_>>()
            .map_err(problem)?,
    };
    let source = entities.source(&task.0.task).map_err(problem)?;
    shuangsui::draw(&DrawInputs {
        task: &task.0.task,
        entities: source.source(),
        inspectors: &inspectors.0,
        exclusions: &exclusions.0,
        seed: &seed,
        announcement: announced,
    })
    .map_err(problem)
}

/// A `shuangsui-draw/1` draw (SPEC §7–§11 as of version 1), for the
/// version 1 golden vectors only: `seed` one source a line in the v1
/// notation. The page never draws under version 1.
#[wasm_bindgen(js_name = drawV1)]
pub fn draw_v1(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    seed: &str,
) -> Out<String> {
    let seed: Vec<SeedSource> = seed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(SeedSource::parse)
        .collect::<shuangsui::Result<_>>()
        .map_err(problem)?;
    let source = entities.source(&task.0.task).map_err(problem)?;
    shuangsui::draw(&DrawInputs {
        task: &task.0.task,
        entities: source.source(),
        inspectors: &inspectors.0,
        exclusions: &exclusions.0,
        seed: &seed,
        announcement: shuangsui::Announced::V1,
    })
    .map(|r| r.to_json_pretty())
    .map_err(problem)
}

/// A draw's record held for the page, so that a large result reaches the
/// screen without the page parsing the whole record: its published JSON as
/// bytes (the same text as [`draw`] returns), a summary, and the drawn rows
/// a page at a time.
#[wasm_bindgen]
pub struct Drawing(shuangsui::DrawRecord);

/// As [`draw`], the record held as a [`Drawing`].
#[wasm_bindgen(js_name = drawHeld)]
pub fn draw_held(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    seed: &str,
    announcement: Option<String>,
    unannounced: bool,
) -> Out<Drawing> {
    draw_record(
        task,
        entities,
        inspectors,
        exclusions,
        seed,
        announcement,
        unannounced,
    )
    .map(Drawing)
}

#[wasm_bindgen]
impl Drawing {
    /// Holds a record read from its JSON text (as published).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(text: &str) -> Out<Drawing> {
        record(text).map(Drawing)
    }

    /// The record as published (UTF-8 bytes of [`draw`]'s text), as the
    /// command line writes it.
    pub fn json(&self) -> Vec<u8> {
        self.0.json_pretty_bytes()
    }

    /// JSON `{drawn, strata, unstratified, draw_key, record_digest}`: the
    /// record's fields of the same names, and the number of draws.
    pub fn summary(&self) -> String {
        let r = &self.0;
        json!({
            "drawn": r.draws.len(),
            "strata": r.strata,
            "unstratified": r.unstratified,
            "draw_key": r.draw_key,
            "record_digest": r.record_digest,
        })
        .to_string()
    }

    /// JSON list of the record's draws `from..from + count` (fewer at the
    /// end), each as in the record.
    pub fn rows(&self, from: u32, count: u32) -> String {
        let draws = &self.0.draws;
        let from = (from as usize).min(draws.len());
        let to = from.saturating_add(count as usize).min(draws.len());
        serde_json::to_string(&draws[from..to]).unwrap_or_default()
    }
}

/// Re-runs the draw of a record (SPEC §13) and, with the announcement
/// (its JSON, or undefined), checks that it fixed this draw's inputs: JSON
/// `{"reproduced", "difference", "difference_zh", "assurance",
/// "assurance_zh", "assurance_en"}` — the assurance (SPEC §13.2) as data
/// and as lines of text.
#[wasm_bindgen]
pub fn verify(
    record: &str,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
    announcement: Option<String>,
) -> Out<String> {
    let announcement = announcement
        .filter(|a| !a.trim().is_empty())
        .map(|a| shuangsui::Announcement::from_json(&a))
        .transpose()
        .map_err(problem)?;
    let v = shuangsui::verify_inputs(VerifyInputs {
        record: Cow::Borrowed(record),
        record_name: "",
        read_again: &|| Ok(record.to_string()),
        entities: &|task| entities.source(task),
        inspectors: &inspectors.0,
        exclusions: &exclusions.0,
        announcement: announcement.as_ref(),
    })
    .map_err(problem)?;
    let assurance = v.assurance;
    let (reproduced, en, zh) = match v.verification {
        Verification::Reproduced => (true, Value::Null, Value::Null),
        Verification::Differs(d) => (false, Value::String(d.en), Value::String(d.zh)),
    };
    Ok(json!({
        "reproduced": reproduced,
        "difference": en,
        "difference_zh": zh,
        "assurance": assurance,
        "assurance_zh": assurance.lines(true),
        "assurance_en": assurance.lines(false),
    })
    .to_string())
}

fn record(json: &str) -> Out<shuangsui::DrawRecord> {
    shuangsui::DrawRecord::from_json(json).map_err(problem)
}

/// The result table (抽查结果) for Excel, from a record.
#[wasm_bindgen(js_name = resultCsv)]
pub fn result_csv(record_json: &str) -> Out<String> {
    record(record_json).map(|r| shuangsui::result_csv(&r))
}

/// The printable public notice (抽查结果公告), HTML, from a record.
#[wasm_bindgen(js_name = noticeHtml)]
pub fn notice_html(record_json: &str) -> Out<String> {
    record(record_json).map(|r| shuangsui::notice_html(&r))
}

/// The result table as an Excel workbook (`.xlsx`), from a record.
#[wasm_bindgen(js_name = resultXlsx)]
pub fn result_xlsx(record_json: &str) -> Out<Vec<u8>> {
    shuangsui::xlsx::result_xlsx(&record(record_json)?).map_err(problem)
}

/// The named deadline rules (SPEC §16.4) as JSON.
#[wasm_bindgen]
pub fn rules() -> String {
    pretty(&Rule::all())
}

/// The regions with a calendar overlay as JSON `[{id, name_zh, name_en,
/// holidays}]`.
#[wasm_bindgen]
pub fn regions() -> String {
    let list: Vec<Value> = calendar::REGIONS
        .iter()
        .map(|r| json!({ "id": r.id, "name_zh": r.name_zh, "name_en": r.name_en, "holidays": r.holidays }))
        .collect();
    pretty(&list)
}

/// The working-day calendar of `region` ("" for national) with the user's
/// calendar files, given as JSON `[{name, text}]` ("" for none).
fn working_calendar(region: &str, calendars: &str) -> Out<WorkingDayCalendar> {
    let files = calendar_files(calendars)?;
    let user: Vec<UserCalendar> = files
        .iter()
        .map(|(name, text)| UserCalendar { name, text })
        .collect();
    let region = Some(region.trim()).filter(|r| !r.is_empty());
    WorkingDayCalendar::load(region, &user).map_err(problem)
}

/// The user's calendar files, given as JSON `[{name, text}]` ("" for
/// none), as (name, text).
fn calendar_files(calendars: &str) -> Out<Vec<(String, String)>> {
    Ok(if calendars.trim().is_empty() {
        Vec::new()
    } else {
        let v: Vec<Value> = serde_json::from_str(calendars).map_err(|e| {
            problem(shuangsui::Error::new(
                shuangsui::ErrorKind::InvalidValue,
                format!("the calendar files must be a JSON list of {{name, text}}: {e}"),
                format!("日历文件必须是 {{name, text}} 组成的 JSON 列表：{e}"),
            ))
        })?;
        v.iter()
            .map(|f| {
                let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                (s("name"), s("text"))
            })
            .collect()
    })
}

/// The due date of `rule` (an id, a name, or `7wd` / `30日`) from `start`:
/// JSON `{rule, deadline}`, the deadline with the days off passed over.
#[wasm_bindgen]
pub fn deadline(start: &str, rule: &str, region: &str, calendars: &str) -> Out<String> {
    let cal = working_calendar(region, calendars)?;
    let rule = Rule::find(rule).map_err(problem)?;
    let start = Date::parse(start).map_err(problem)?;
    let d = cal.apply_rule(&rule, start).map_err(problem)?;
    Ok(pretty(&json!({ "rule": rule, "deadline": d })))
}

/// One month, Monday first, each day with its kind (SPEC §16.6), as JSON.
#[wasm_bindgen(js_name = monthGrid)]
pub fn month_grid(year: i32, month: u32, region: &str, calendars: &str) -> Out<String> {
    let cal = working_calendar(region, calendars)?;
    cal.month_grid(year, month)
        .map(|g| pretty(&g))
        .map_err(problem)
}

/// A checked case ledger (台账核查, SPEC §16.5).
#[wasm_bindgen]
pub struct Ledger(calendar::LedgerReport);

/// Checks a case ledger on `today` (from JS).
#[wasm_bindgen(js_name = checkLedger)]
pub fn check_ledger(
    text: &str,
    name: &str,
    today: &str,
    region: &str,
    calendars: &str,
) -> Out<Ledger> {
    let cal = working_calendar(region, calendars)?;
    let today = Date::parse(today).map_err(problem)?;
    calendar::check_ledger(&cal, name, text, today, None)
        .map(Ledger)
        .map_err(problem)
}

#[wasm_bindgen]
impl Ledger {
    /// The report as the core writes it (JSON), with each case's one-line
    /// explanation added as `explanation`.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        let mut v = serde_json::to_value(&self.0).unwrap_or(Value::Null);
        if let Some(cases) = v.get_mut("cases").and_then(Value::as_array_mut) {
            for (c, r) in cases.iter_mut().zip(&self.0.cases) {
                c["explanation"] = Value::String(r.explanation());
                // The page in English: the rule's and the explanation's
                // English forms.
                c["explanation_en"] = Value::String(r.explanation_en());
                if let Some(rule) = r.rule.as_deref().and_then(|id| Rule::find(id).ok()) {
                    c["rule_name_en"] = Value::String(rule.name_en);
                }
            }
        }
        v.to_string()
    }

    /// The report as CSV: the ledger's columns and the check's.
    pub fn csv(&self) -> Out<String> {
        self.0.to_csv().map_err(problem)
    }

    /// The report as an Excel workbook (`.xlsx`).
    pub fn xlsx(&self) -> Out<Vec<u8>> {
        shuangsui::xlsx::ledger_xlsx(&self.0).map_err(problem)
    }
}

// ---------------------------------------------------------------------
// The page's rules, in the core (issue 14): one-line forwards, kept
// together at the end of the file.

fn page_json<T: serde::de::DeserializeOwned>(json: &str, what: &str, what_zh: &str) -> Out<T> {
    serde_json::from_str(json).map_err(|e| {
        problem(shuangsui::Error::new(
            shuangsui::ErrorKind::InvalidValue,
            format!("the page sent {what} that cannot be read: {e}"),
            format!("页面传来的{what_zh}无法读取：{e}"),
        ))
    })
}

/// The task form (JSON of a [`shuangsui::TaskForm`]) as a task file's text.
#[wasm_bindgen(js_name = taskFormToml)]
pub fn task_form_toml(form: &str) -> Out<String> {
    page_json::<shuangsui::TaskForm>(form, "task form", "任务表单")?
        .to_toml()
        .map_err(problem)
}

/// A task file's text with the page's column mappings (JSON of a
/// [`shuangsui::FormColumns`]) added as `[columns.*]` tables.
#[wasm_bindgen(js_name = taskWithColumns)]
pub fn task_with_columns(toml: &str, name: &str, columns: &str) -> Out<String> {
    shuangsui::with_columns(
        toml,
        name,
        &page_json(columns, "column mappings", "列对应")?,
    )
    .map_err(problem)
}

/// The due date of `rule` from `start` (as [`deadline`]) with the months of
/// its period, each day marked as counted or not (JSON `{rule, deadline,
/// skipped_holidays, due_weekday: {zh, en}, months}`), at most
/// `max_months` months.
#[wasm_bindgen(js_name = deadlineMonths)]
pub fn deadline_months(
    start: &str,
    rule: &str,
    region: &str,
    calendars: &str,
    max_months: u32,
) -> Out<String> {
    let cal = working_calendar(region, calendars)?;
    let rule = Rule::find(rule).map_err(problem)?;
    let d = cal
        .apply_rule(&rule, Date::parse(start).map_err(problem)?)
        .map_err(problem)?;
    let months = cal.period_months(&d, max_months).map_err(problem)?;
    let w = d.due.weekday();
    Ok(pretty(&json!({
        "rule": rule, "deadline": d, "months": months,
        "edge_note": cal.edge_note(&d),
        "skipped_holidays": d.skipped_holidays(),
        "due_weekday": { "zh": w.short_zh(), "en": w.short_en() },
    })))
}

/// The command line's flags for a file read as the page reads it (JSON of
/// a [`shuangsui::ReadingFlags`]): `--map-entities …`, `--encoding …`,
/// `--sheet …`, quoted for a shell.
#[wasm_bindgen(js_name = readingFlags)]
pub fn reading_flags(reading: &str) -> Out<String> {
    Ok(page_json::<shuangsui::ReadingFlags>(reading, "reading options", "读取设置")?.to_string())
}

/// An exclusion list's ids as the CSV file that reads back as the list.
#[wasm_bindgen(js_name = exclusionsCsv)]
pub fn exclusions_csv(ids: Vec<String>) -> String {
    shuangsui::exclusions_csv(ids.iter().map(String::as_str))
}

// ---------------------------------------------------------------- owner

/// What the page shows of a published record it was given, record.json or
/// the notice that carries it (SPEC §13.3): JSON `{task_name, drawn,
/// record_digest, strata: [{index, name}], notice}`. Read without the
/// digest check, so that a record changed by hand still loads and its
/// verification says what was changed; an unreadable file is the core's
/// error.
#[wasm_bindgen(js_name = publishedSummary)]
pub fn published_summary(text: &str) -> Out<String> {
    let inner = shuangsui::record_json(text).map_err(problem)?;
    // Not JSON, or JSON that is no record at all: the core says why.
    let unreadable = || {
        problem(
            shuangsui::DrawRecord::from_json(inner)
                .err()
                .unwrap_or_else(|| {
                    shuangsui::Error::new(
                        shuangsui::ErrorKind::InvalidRecord,
                        "the record cannot be read",
                        "无法读取抽取记录",
                    )
                }),
        )
    };
    let v = serde_json::from_str::<Value>(inner).map_err(|_| unreadable())?;
    if !v["draws"].is_array() || !v["strata"].is_array() {
        return Err(unreadable());
    }
    let strata: Vec<Value> = v["strata"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| json!({ "index": s["index"], "name": s["name"] }))
        .collect();
    Ok(json!({
        "task_name": v["task"]["name"],
        "drawn": v["draws"].as_array().map_or(0, Vec::len),
        "record_digest": v["record_digest"],
        "strata": strata,
        "notice": inner.len() != text.len(),
    })
    .to_string())
}

/// A company's own check (企业自查, SPEC §13.3) from a published record
/// (record.json or notice.html) and its code: the core's
/// [`shuangsui::SelfCheck`] as JSON (verdict, headline, each stratum in
/// words, notes).
#[wasm_bindgen(js_name = selfCheckReport)]
pub fn self_check_report(published: &str, id: &str, stratum: Option<u32>) -> Out<String> {
    let r = shuangsui::DrawRecord::from_published(published).map_err(problem)?;
    let report = shuangsui::self_check(&r, id, stratum.map(u64::from)).map_err(problem)?;
    Ok(pretty(&report))
}

// ---------------------------------------------------------------- preflight

/// The pre-flight (预检, SPEC §12.1) of the task and the directories, as
/// JSON of [`shuangsui::Preflight`]: `{strata: [{name, condition_en,
/// condition_zh, population, excluded, eligible, quota_en, quota_zh,
/// to_draw}], unstratified, qualified_inspectors, findings: [{level, code,
/// control, en, zh}]}`. The seed forms are checked by `seedFormFindings`.
#[wasm_bindgen]
pub fn preflight(
    task: &Task,
    entities: &Entities,
    inspectors: &Inspectors,
    exclusions: &ExclusionList,
) -> Out<String> {
    let source = entities.source(&task.0.task).map_err(problem)?;
    shuangsui::Prepared::new(&task.0.task, source.source(), &inspectors.0, &exclusions.0)
        .map(|p| pretty(&p.preflight_inputs()))
        .map_err(problem)
}

/// The seed forms (a JSON list of SeedForm, as `announce` takes) and the
/// publication date checked as announcing checks them: a JSON list of
/// findings as in `preflight`.
#[wasm_bindgen(js_name = seedFormFindings)]
pub fn seed_form_findings(forms: &str, published: &str, draw_date: &str) -> Out<String> {
    let forms: Vec<shuangsui::SeedForm> = page_json(forms, "seed forms", "随机种子来源")?;
    Ok(pretty(&shuangsui::seed_form_findings(
        &forms, published, draw_date,
    )))
}

// ---------------------------------------------------------------- day2

/// An announcement's task for the page's day 2 (SPEC §12): JSON `{task,
/// task_toml, form, difference}`: the canonical task, as a task file, as
/// the task form that writes exactly it (`null` when the form cannot say
/// it: the page shows it read-only), and how the task now on the page
/// (`current`, a task file's text, if any) differs from it (`{en, zh}` or
/// `null`).
#[wasm_bindgen(js_name = announcedTask)]
pub fn announced_task(announcement: &str, current: Option<String>) -> Out<String> {
    let a = shuangsui::Announcement::from_json(announcement).map_err(problem)?;
    let difference = match current.as_deref().map(|t| TaskFile::parse(t, "task.toml")) {
        Some(Ok(f)) => f.task.difference_from(&a.task),
        _ => None,
    };
    Ok(json!({
        "task": a.task,
        "task_toml": a.task.to_toml(),
        "form": shuangsui::TaskForm::of_task(&a.task),
        "difference": difference.map(|d| json!({ "en": d.en, "zh": d.zh })),
    })
    .to_string())
}

/// Whether a loaded file (`kind`: `entities`, `inspectors`, `exclusions`;
/// its row count and digest) is the one the announcement names: `{en, zh}`
/// saying how it differs, or undefined when it matches.
#[wasm_bindgen(js_name = announcementLoaded)]
pub fn announcement_loaded(
    announcement: &str,
    kind: &str,
    count: f64,
    digest: &str,
) -> Out<Option<String>> {
    let a = shuangsui::Announcement::from_json(announcement).map_err(problem)?;
    let given = shuangsui::DigestSummary {
        count: count as u64,
        digest: digest.to_string(),
    };
    Ok(a.loaded_difference(kind, &given)
        .map(|d| json!({ "en": d.en, "zh": d.zh }).to_string()))
}

// ---------------------------------------------------------------- files

/// Refuses a file that is recognizably not what the page's box `slot`
/// takes, in the page's words (core `check_slot`).
fn check_slot(bytes: &[u8], name: &str, slot: Slot) -> Out<()> {
    shuangsui::check_slot(bytes, name, slot, Via::Page).map_err(problem)
}

/// The core's slot of a page box's kind (`entities`, `inspectors`,
/// `exclusions`, `task`, `announcement`, `record`, `ledger`, `calendar`).
fn slot_of(kind: &str) -> Out<Slot> {
    Ok(match kind {
        "entities" => Slot::Entities,
        "inspectors" => Slot::Inspectors,
        "exclusions" => Slot::Exclusions,
        "task" => Slot::Task,
        "announcement" => Slot::Announcement,
        "record" => Slot::Record,
        "ledger" => Slot::Ledger,
        "calendar" => Slot::Calendar,
        other => return Err(unknown_kind(other)),
    })
}

/// What a file put into the page's box `kind` is: `{kind}` (the core's
/// [`shuangsui::FileKind`] name) when the box takes it; the `WrongFile`
/// error, saying what it is and which box it belongs in, when not.
#[wasm_bindgen(js_name = checkFile)]
pub fn check_file(bytes: &[u8], name: &str, kind: &str) -> Out<String> {
    check_slot(bytes, name, slot_of(kind)?)?;
    let found = shuangsui::identify(bytes, name);
    Ok(json!({ "kind": format!("{:?}", found.kind) }).to_string())
}

/// Checks a case ledger file (CSV in UTF-8 or GBK, or Excel) on `today`,
/// as `shuangsui ledger` reads it (core `check_ledger_file`).
#[wasm_bindgen(js_name = checkLedgerFile)]
pub fn check_ledger_file(
    bytes: &[u8],
    name: &str,
    today: &str,
    region: &str,
    calendars: &str,
) -> Out<Ledger> {
    check_slot(bytes, name, Slot::Ledger)?;
    let cal = working_calendar(region, calendars)?;
    let today = Date::parse(today).map_err(problem)?;
    calendar::check_ledger_file(&cal, name, bytes, &ReadOptions::default(), today, None)
        .map(Ledger)
        .map_err(problem)
}

// ---------------------------------------------------------------- layout

/// The result as the page shows it (core [`shuangsui::ResultView`]): each
/// drawn entity's area and strata attributes beside its row, and a search
/// over the rows, a page at a time, so that a result of 100,000 draws never
/// reaches the page whole.
#[wasm_bindgen]
pub struct ResultView {
    view: shuangsui::ResultView,
    /// The record the view was made for (its digest).
    record: String,
    /// The last search and the draws it found.
    query: String,
    found: Vec<u32>,
}

#[wasm_bindgen]
impl ResultView {
    /// The view of the draw held, with the attributes read back from the
    /// directory it was drawn from.
    #[wasm_bindgen(constructor)]
    pub fn new(drawing: &Drawing, entities: &Entities) -> Out<ResultView> {
        let view =
            shuangsui::ResultView::new(&drawing.0, entities.directory.source()).map_err(problem)?;
        Ok(ResultView::of(drawing, view))
    }

    /// The view of the draw held without its directory (no attribute
    /// columns), as after a record is given back to a fresh worker.
    #[wasm_bindgen(js_name = withoutDirectory)]
    pub fn without_directory(drawing: &Drawing) -> ResultView {
        ResultView::of(
            drawing,
            shuangsui::ResultView::without_directory(&drawing.0),
        )
    }

    /// JSON list of the attribute columns (canonical keys, e.g. 所属区域).
    pub fn columns(&self) -> String {
        serde_json::to_string(self.view.columns()).unwrap_or_default()
    }

    /// The draws `query` finds (all for an empty one), rows `from..from +
    /// count` of them: JSON `{total, rows: [{n, stratum, position, entity,
    /// team, values}]}`, `n` the draw's place in the record (0-based),
    /// `values` its attributes in the order of `columns`.
    pub fn page(&mut self, drawing: &Drawing, query: &str, from: u32, count: u32) -> Out<String> {
        let record = &drawing.0;
        if record.record_digest != self.record {
            return Err(problem(shuangsui::Error::new(
                shuangsui::ErrorKind::InvalidValue,
                "the result view belongs to another draw; draw again",
                "结果视图属于另一次抽取；请重新抽取",
            )));
        }
        if query != self.query {
            self.found = self.view.search(query);
            self.query = query.to_string();
        }
        let from = (from as usize).min(self.found.len());
        let to = from.saturating_add(count as usize).min(self.found.len());
        let rows: Vec<Value> = self.found[from..to]
            .iter()
            .map(|&n| {
                let d = &record.draws[n as usize];
                json!({
                    "n": n, "stratum": d.stratum, "position": d.position,
                    "entity": d.entity, "team": d.team, "values": self.view.values(n as usize),
                })
            })
            .collect();
        Ok(json!({ "total": self.found.len(), "rows": rows }).to_string())
    }
}

impl ResultView {
    fn of(drawing: &Drawing, view: shuangsui::ResultView) -> ResultView {
        ResultView {
            found: (0..drawing.0.draws.len() as u32).collect(),
            view,
            record: drawing.0.record_digest.clone(),
            query: String::new(),
        }
    }
}

/// The English name of a holiday as a calendar names it (`春节` →
/// `Spring Festival`), or the name itself when it has none.
#[wasm_bindgen(js_name = holidayNameEn)]
pub fn holiday_name_en(name: &str) -> String {
    calendar::holiday_name_en(name).unwrap_or_else(|| name.to_string())
}

// ---------------------------------------------------------------- results

/// The blank inspection-results ledger of a draw (台账.csv, SPEC §16.8),
/// from a record, without a byte-order mark.
#[wasm_bindgen(js_name = resultsLedgerCsv)]
pub fn results_ledger_csv(record_json: &str) -> Out<String> {
    record(record_json).map(|r| calendar::results_ledger_csv(&r))
}

/// The blank results ledger as a workbook with the 检查结果 dropdown
/// (台账.xlsx), from a record.
#[wasm_bindgen(js_name = resultsLedgerXlsx)]
pub fn results_ledger_xlsx(record_json: &str) -> Out<Vec<u8>> {
    shuangsui::xlsx::results_ledger_xlsx(&record(record_json)?).map_err(problem)
}

/// A ledger of either kind as the core read it (core `read_ledger_file`):
/// a case ledger (§16.5) or a results ledger (§16.8).
#[wasm_bindgen]
pub struct AnyLedger(calendar::AnyLedger);

/// Reads a ledger file (CSV in UTF-8 or GBK, or Excel) of either kind on
/// `today`, as `shuangsui ledger` does; a results ledger is checked
/// against `record` (record.json or notice.html text) unless it is empty.
#[wasm_bindgen(js_name = readLedgerFile)]
pub fn read_ledger_file(
    bytes: &[u8],
    name: &str,
    today: &str,
    region: &str,
    calendars: &str,
    record_text: &str,
) -> Out<AnyLedger> {
    check_slot(bytes, name, Slot::Ledger)?;
    let cal = working_calendar(region, calendars)?;
    let today = Date::parse(today).map_err(problem)?;
    let record = if record_text.trim().is_empty() {
        None
    } else {
        Some(shuangsui::DrawRecord::from_published(record_text).map_err(problem)?)
    };
    calendar::read_ledger_file(
        &cal,
        name,
        bytes,
        &ReadOptions::default(),
        today,
        None,
        record.as_ref(),
    )
    .map(AnyLedger)
    .map_err(problem)
}

#[wasm_bindgen]
impl AnyLedger {
    /// `cases` or `results`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        match &self.0 {
            calendar::AnyLedger::Cases(_) => "cases",
            calendar::AnyLedger::Results(_) => "results",
        }
        .to_string()
    }

    /// The report as JSON: a case ledger's as [`Ledger::json`]; a results
    /// ledger's as the core writes it, with each clock's text in both
    /// languages (`text_zh`, `text_en`), each row's errors on one line
    /// (`note_zh`, `note_en`), each record problem's text, and each figure
    /// group's table row (`cells`, as the figures CSV) and English value.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        let r = match &self.0 {
            calendar::AnyLedger::Cases(c) => return Ledger(c.clone()).json(),
            calendar::AnyLedger::Results(r) => r,
        };
        let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
        let (_, table) = r.table();
        if let Some(rows) = v.get_mut("rows").and_then(Value::as_array_mut) {
            for ((j, x), cells) in rows.iter_mut().zip(&r.rows).zip(&table) {
                for (key, clock, none_zh, none_en) in [
                    ("result_clock", &x.result_clock, "未检查", "not inspected"),
                    ("penalty_clock", &x.penalty_clock, "无处罚", "no penalty"),
                ] {
                    j[key]["text_zh"] = Value::String(clock.status.text_zh(none_zh));
                    j[key]["text_en"] = Value::String(clock.status.text_en(none_en));
                }
                j["note_zh"] = Value::String(cells.last().cloned().unwrap_or_default());
                j["note_en"] = Value::String(r.row_text_en(x));
            }
        }
        if let (Some(problems), Some(check)) = (
            v.pointer_mut("/record_check/problems")
                .and_then(Value::as_array_mut),
            &r.record_check,
        ) {
            for (j, p) in problems.iter_mut().zip(&check.problems) {
                j["text_zh"] = Value::String(p.text_zh());
                j["text_en"] = Value::String(p.text_en());
            }
        }
        let cells = r.figures_table();
        if let Some(groups) = v.get_mut("figures").and_then(Value::as_array_mut) {
            for ((j, g), row) in groups.iter_mut().zip(&r.figures).zip(cells) {
                j["value_en"] = Value::String(g.value_en());
                j["rate"] = Value::String(g.figures.on_time_rate());
                j["permille"] = json!(g.figures.on_time_permille());
                j["cells"] = json!(row);
            }
        }
        v.to_string()
    }

    /// The report as CSV (without a byte-order mark).
    pub fn csv(&self) -> Out<String> {
        match &self.0 {
            calendar::AnyLedger::Cases(c) => c.to_csv().map_err(problem),
            calendar::AnyLedger::Results(r) => Ok(r.to_csv()),
        }
    }

    /// A results ledger's figures as CSV; empty for a case ledger.
    #[wasm_bindgen(js_name = figuresCsv)]
    pub fn figures_csv(&self) -> String {
        match &self.0 {
            calendar::AnyLedger::Cases(_) => String::new(),
            calendar::AnyLedger::Results(r) => r.figures_csv(),
        }
    }

    /// The report as an Excel workbook (`.xlsx`).
    pub fn xlsx(&self) -> Out<Vec<u8>> {
        match &self.0 {
            calendar::AnyLedger::Cases(c) => shuangsui::xlsx::ledger_xlsx(c).map_err(problem),
            calendar::AnyLedger::Results(r) => {
                shuangsui::xlsx::results_report_xlsx(r).map_err(problem)
            }
        }
    }
}

// ---------------------------------------------------------------- edge

/// The calendar's coverage on `today` (core `calendar_status`, SPEC
/// §16.1): JSON `{today, layers: [{region, name_zh, name_en, years:
/// [{year, sources: [{file, shipped, source}]}]}], notes: [{kind, region,
/// year, en, zh}]}`, for `region` ("" for the national layer and every
/// region with data) with the user's calendar files as JSON `[{name,
/// text}]`.
#[wasm_bindgen(js_name = calendarStatus)]
pub fn calendar_status(region: &str, calendars: &str, today: &str) -> Out<String> {
    let files = calendar_files(calendars)?;
    let user: Vec<UserCalendar> = files
        .iter()
        .map(|(name, text)| UserCalendar { name, text })
        .collect();
    let region = Some(region.trim()).filter(|r| !r.is_empty());
    let today = Date::parse(today).map_err(problem)?;
    calendar::calendar_status(region, &user, today)
        .map(|s| pretty(&s))
        .map_err(problem)
}

/// A calendar file's text from its bytes, decoded as the command line
/// decodes it (core `decode_text`: UTF-8 with or without a byte-order
/// mark, or GBK).
#[wasm_bindgen(js_name = calendarText)]
pub fn calendar_text(bytes: &[u8], name: &str) -> Out<String> {
    shuangsui::decode_text(bytes, name, shuangsui::TextEncoding::Auto).map_err(problem)
}

// ---------------------------------------------------------------- import

/// A holiday notice's text (国务院办公厅关于YYYY年部分节假日安排的通知, or a
/// regional government's) read by the core (SPEC §16.7), as JSON:
/// `{region, year, notices, holidays, ignored, file_name, file_text,
/// months}`; `months` are the month grids the rows touch (SPEC §16.6), or
/// `months_error` (the error form of [`problem`]) when they cannot be drawn
/// (a regional file of a year without national data). Several notices (a
/// yearly one and its amendments) are given as a JSON list of texts when
/// `text` starts with `[`.
#[wasm_bindgen(js_name = importNotice)]
pub fn import_notice(text: &str) -> Out<String> {
    let texts: Vec<String> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| {
            problem(shuangsui::Error::new(
                shuangsui::ErrorKind::InvalidValue,
                format!("the notices must be a JSON list of texts: {e}"),
                format!("通知须为文字的 JSON 列表：{e}"),
            ))
        })?
    } else {
        vec![text.to_string()]
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let cal = calendar::import_notices(&refs).map_err(problem)?;
    let mut v = json!({
        "region": cal.region,
        "year": cal.year,
        "notices": cal.notices,
        "holidays": cal.holidays(),
        "ignored": cal.ignored,
        "file_name": cal.file_name(),
        "file_text": cal.to_file_text(),
    });
    match cal.month_grids() {
        Ok(g) => v["months"] = json!(g),
        Err(e) => {
            v["months"] = json!([]);
            v["months_error"] = e.to_json();
        }
    }
    Ok(pretty(&v))
}
