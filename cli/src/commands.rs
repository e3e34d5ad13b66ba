//! One function per command: read the files named on the command line,
//! make one call into the core, and turn the result into a [`Report`].
//! No rule of the draw lives here.

use crate::flags::{
    AnnounceArgs, DemoArgs, DigestArgs, DigestKind, DrawArgs, DrawFiles, Format, GenArgs, GenKind,
    MapFlags, ReadFlags, VerifyArgs,
};
use crate::output::Outputs;
use crate::progress::{Bar, Progress};
use serde_json::{json, Value};
use shuangsui::{
    Announcement, Directory, DrawInputs, DrawRecord, Error, ErrorKind, Exclusions, ForTask, Input,
    InspectorDirectory, LoadOptions, Location, ReadOptions, Result, Role, SeedSource, Task,
    TaskFile, TextEncoding, Verification, VerifyInputs,
};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a command produced: text for people, JSON for programs, the exit
/// code (0 ok, 1 a check failed), and problems that did not stop it
/// (printed on stderr).
pub struct Report {
    pub text: String,
    pub json: Value,
    pub code: u8,
    pub warnings: Vec<Error>,
}

impl Report {
    pub(crate) fn ok(text: String, json: Value) -> Report {
        Report {
            text,
            json,
            code: 0,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn with_warnings(mut self, warnings: Vec<Error>) -> Report {
        self.warnings = warnings;
        self
    }
}

pub(crate) fn name(path: &Path) -> String {
    path.display().to_string()
}

/// The last component of an output path, as [`Outputs`] names its files.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| name(path), |n| n.to_string_lossy().into_owned())
}

pub(crate) fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    shuangsui::io_error(&name(path), what, &e)
}

pub(crate) fn read_text(path: &Path) -> Result<String> {
    let mut bytes = std::fs::read(path).map_err(|e| io_error(path, "read", e))?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // SIMD validation: a provincial record is 190 MB of mostly Chinese
    // text, which std's validator reads at about 0.6 GB/s.
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return Err(Error::new(
            ErrorKind::Io,
            "the file is not UTF-8 text; save it as UTF-8",
            "文件不是 UTF-8 编码的文字；请另存为 UTF-8",
        )
        .at(Location {
            file: Some(name(path)),
            ..Location::default()
        }));
    }
    // The crate's one unsafe block (`#![deny(unsafe_code)]` in main.rs).
    // `String::from_utf8` would validate the bytes a second time with
    // std's slower validator: 150–220 ms more for a 190 MB provincial
    // record (simdutf8 takes about 30 ms), before verify can start.
    // SAFETY: simdutf8 validated these very bytes as UTF-8 just above.
    #[allow(unsafe_code)]
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    Ok(text)
}

/// How a command's input tables are read: one [`LoadOptions`] per kind
/// of file.
struct InputOptions {
    entities: LoadOptions,
    inspectors: LoadOptions,
    exclusions: LoadOptions,
}

fn read_options(r: &ReadFlags) -> Result<ReadOptions> {
    let encoding =
        TextEncoding::parse(&r.encoding).map_err(|e| e.context("--encoding", "--encoding"))?;
    Ok(ReadOptions {
        encoding,
        sheet: r.sheet.clone(),
    })
}

/// Reads `HEADER=FIELD` values of a mapping flag.
fn mappings(flag: &str, values: &[String]) -> Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|v| {
            let (header, field) = v
                .split_once('=')
                .or_else(|| v.split_once('＝'))
                .map(|(h, f)| (h.trim(), f.trim()))
                .filter(|(h, f)| !h.is_empty() && !f.is_empty())
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidValue,
                        format!("{flag} \"{v}\": write HEADER=FIELD, the header as it is in the file and the field it holds, e.g. {flag} 纳税人识别号=统一社会信用代码"), format!("{flag} “{v}”：请写成 表头=字段，即文件中的表头原文和它对应的字段，例如 {flag} 纳税人识别号=统一社会信用代码"))
                })?;
            Ok((header.to_string(), field.to_string()))
        })
        .collect()
}

/// The options of the task file (its `invalid_codes` and `[columns.*]`),
/// or the defaults without one, with the flags' mappings added.
fn input_options(
    task: Option<&TaskFile>,
    read: &ReadFlags,
    map: &MapFlags,
) -> Result<InputOptions> {
    let read = read_options(read)?;
    let (mut entities, mut inspectors, mut exclusions) = match task {
        Some(t) => (
            t.entity_options(read.clone()),
            t.inspector_options(read.clone()),
            t.exclusion_options(read),
        ),
        None => {
            let o = LoadOptions {
                read,
                ..LoadOptions::default()
            };
            (o.clone(), o.clone(), o)
        }
    };
    entities
        .columns
        .extend(mappings("--map-entities", &map.map_entities)?);
    inspectors
        .columns
        .extend(mappings("--map-inspectors", &map.map_inspectors)?);
    exclusions
        .columns
        .extend(mappings("--map-exclusions", &map.map_exclusions)?);
    Ok(InputOptions {
        entities,
        inspectors,
        exclusions,
    })
}

/// Reads an entity directory for `task` (scanned, or read in full when the
/// scan declines: see [`shuangsui::open_entities`]).
fn load_entities<'p>(path: &'p Path, options: &LoadOptions, task: &Task) -> Result<Directory<'p>> {
    shuangsui::open_entities(Input::Path(path), &name(path), options, task, &Bar::new())
        .map(|o| o.directory)
}

fn load_inspectors(path: &Path, options: &LoadOptions) -> Result<InspectorDirectory> {
    shuangsui::open_inspectors(Input::Path(path), &name(path), options, &Bar::new())
}

/// Reads and unites exclusion lists, with the warnings of each file.
fn load_exclusions(paths: &[PathBuf], options: &LoadOptions) -> Result<Exclusions> {
    let names: Vec<String> = paths.iter().map(|p| name(p)).collect();
    shuangsui::open_exclusions(
        paths
            .iter()
            .zip(&names)
            .map(|(p, n)| (Input::Path(p), n.as_str())),
        options,
    )
}

/// Refuses to overwrite any of `paths` unless `force`.
pub(crate) fn check_new(paths: &[&Path], force: bool) -> Result<()> {
    if force {
        return Ok(());
    }
    for p in paths {
        if p.exists() {
            return Err(Error::new(
                ErrorKind::Io,
                "the file already exists; pass --force to overwrite it, or choose another --out",
                "文件已存在；如要覆盖请加 --force，或用 --out 另选位置",
            )
            .at(Location {
                file: Some(name(p)),
                ..Location::default()
            }));
        }
    }
    Ok(())
}

/// The seed as entered: under the announcement's forms (SPEC §6.3), or in
/// the `kind:value` notation for an explicitly unannounced draw.
fn seeds(args: &[String], announcement: Option<&Announcement>) -> Result<Vec<SeedSource>> {
    let flag = |s: &str, e: Error| e.context(&format!("--seed \"{s}\""), &format!("--seed “{s}”"));
    match announcement {
        Some(a) => shuangsui::read_seed(a, args).map_err(|e| {
            // read_seed names the source; say which flag it came from.
            match args
                .iter()
                .find(|s| a.forms().iter().any(|f| f.read(s).is_err()))
            {
                Some(s) if e.kind() == ErrorKind::InvalidSeed => flag(s, e),
                _ => e,
            }
        }),
        None => args
            .iter()
            .map(|s| SeedSource::parse_unannounced(s).map_err(|e| flag(s, e)))
            .collect(),
    }
}

/// The task, the directories, the united exclusion list, and the
/// warnings found reading them.
struct Loaded<'p> {
    task: TaskFile,
    entities: Directory<'p>,
    inspectors: InspectorDirectory,
    exclusions: Exclusions,
    warnings: Vec<Error>,
}

fn load(files: &DrawFiles) -> Result<Loaded<'_>> {
    let task = TaskFile::parse(&read_text(&files.task)?, &name(&files.task))?;
    let options = input_options(Some(&task), &files.read, &files.map)?;
    let entities = load_entities(&files.entities, &options.entities, &task.task)?;
    let inspectors = load_inspectors(&files.inspectors, &options.inspectors)?;
    let listed = load_exclusions(&files.exclude, &options.exclusions)?;
    let mut warnings = entities.warnings().to_vec();
    warnings.extend_from_slice(listed.warnings());
    let exclusions = task.exclusions.union(&listed);
    Ok(Loaded {
        task,
        entities,
        inspectors,
        exclusions,
        warnings,
    })
}

fn member(m: &shuangsui::TeamMember) -> String {
    if m.department.is_empty() {
        format!("{} ({})", m.name, m.id)
    } else {
        format!("{} ({}, {})", m.name, m.id, m.department)
    }
}

/// The strata and the drawn entities with their teams, as text; at most
/// `limit` drawn entities are listed.
fn draw_table(record: &DrawRecord, limit: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Strata (分层):");
    for s in &record.strata {
        let _ = writeln!(
            t,
            "  {}: {} entities, {} excluded, {} eligible, {} drawn",
            s.name, s.population, s.excluded, s.eligible, s.quota
        );
    }
    if record.unstratified > 0 {
        let _ = writeln!(
            t,
            "  ({} entities match no stratum and were not drawn)",
            record.unstratified
        );
    }
    let _ = writeln!(
        t,
        "\nDrawn entities (抽查名单) with their teams (检查组), leader (组长) first:"
    );
    for (n, d) in record.draws.iter().take(limit).enumerate() {
        let stratum = record
            .strata
            .get(d.stratum as usize)
            .map_or("", |s| s.name.as_str());
        let _ = writeln!(
            t,
            "  {:>3}. [{stratum}] {} {}",
            n + 1,
            d.entity.id,
            d.entity.name
        );
        let leader: Vec<String> = d
            .team
            .iter()
            .filter(|m| m.role == Role::Leader)
            .map(member)
            .collect();
        let members: Vec<String> = d
            .team
            .iter()
            .filter(|m| m.role != Role::Leader)
            .map(member)
            .collect();
        let _ = writeln!(
            t,
            "       组长 {}; 组员 {}",
            leader.join(", "),
            members.join(", ")
        );
    }
    if record.draws.len() > limit {
        let _ = writeln!(
            t,
            "  … and {} more: see result.csv",
            record.draws.len() - limit
        );
    }
    if record.draws.is_empty() {
        let _ = writeln!(t, "  (none)");
    }
    t
}

/// `shuangsui demo`.
pub fn demo(args: &DemoArgs) -> Result<Report> {
    if args.plan {
        return crate::plans::demo_plan(args);
    }
    let d = shuangsui::synth::demo()?;
    let mut files = Vec::new();
    if let Some(dir) = &args.out {
        let xlsx = shuangsui::xlsx::result_xlsx(&d.record)?;
        let announcement_html = shuangsui::announcement_html(&d.announcement);
        let ledger_csv = format!(
            "\u{feff}{}",
            shuangsui::calendar::results_ledger_csv(&d.record)
        );
        let ledger_xlsx = shuangsui::xlsx::results_ledger_xlsx(&d.record)?;
        let contents: [(&str, &[u8]); 11] = [
            ("entities.csv", d.entities_csv.as_bytes()),
            ("inspectors.csv", d.inspectors_csv.as_bytes()),
            ("task.toml", d.task_toml.as_bytes()),
            ("announcement.json", &[]),
            ("announcement.html", announcement_html.as_bytes()),
            ("record.json", &[]),
            ("result.csv", d.result_csv.as_bytes()),
            ("result.xlsx", &xlsx),
            ("notice.html", d.notice_html.as_bytes()),
            ("台账.csv", ledger_csv.as_bytes()),
            ("台账.xlsx", &ledger_xlsx),
        ];
        let names: Vec<&str> = contents.iter().map(|(f, _)| *f).collect();
        let out = Outputs::folder(dir, &names, args.force)?;
        let announcement = d.announcement.to_json_pretty();
        let record = d.record.to_json_pretty();
        for (file, bytes) in &contents {
            let bytes = match *file {
                "announcement.json" => announcement.as_bytes(),
                "record.json" => record.as_bytes(),
                _ => bytes,
            };
            out.write_bytes(file, bytes)?;
            files.push(name(&dir.join(file)));
        }
        out.commit()?;
    }
    let (verification, assurance) =
        shuangsui::conclude(&d.record, d.verification.clone(), Some(&d.announcement));
    let reproduced = verification == Verification::Reproduced;
    let dir = args.out.as_deref().map(name);
    let command = shuangsui::VerifyCommand::for_record(&d.record, dir.as_deref().unwrap_or("demo"))
        .to_string();
    let r = &d.record;

    let mut t = String::new();
    let _ = writeln!(
        t,
        "shuangsui demo — a verifiable double-random draw (双随机、一公开) on sample data\n"
    );
    let _ = writeln!(
        t,
        "1. Directories (名录库): {} market entities (检查对象) of 阜康市 with credit classes A–D, {} inspectors (执法检查人员) in three departments (one certificate expired, one inactive).",
        r.entities.count, r.inspectors.count
    );
    let _ = writeln!(
        t,
        "2. Task (抽查任务): {} — {}, draw date {}; strata by 信用风险等级 (A 3%, B 5%, C 10%, D 100%); teams of {} from two departments (跨部门联合), nobody from the entity's own area (异地交叉), {} declared conflicts (回避).",
        r.task.name,
        r.task.item,
        r.task.draw_date,
        r.task.team.size,
        r.task.team.conflicts.len()
    );
    let _ = writeln!(
        t,
        "3. Announcement (抽查公告) before the seed exists: digest {}\n   seed to come from: {}",
        d.announcement.announcement_digest,
        d.announcement.source_lines().join("; ")
    );
    let _ = writeln!(
        t,
        "4. Draw (抽取) with the published seed (随机种子) --seed \"{}\" → {} of {} entities drawn.\n",
        d.seed_args.join(" "),
        r.draws.len(),
        r.entities.count
    );
    t.push_str(&draw_table(r, usize::MAX));
    let _ = writeln!(
        t,
        "\n5. Verification (核验): {}",
        match &verification {
            Verification::Reproduced =>
                "reproduced — re-running the draw gives exactly this record".to_string(),
            Verification::Differs(why) => format!("DIFFERS: {why}"),
        }
    );
    for line in assurance.lines(false) {
        let _ = writeln!(t, "   {line}");
    }
    let _ = writeln!(t, "   record digest (抽取记录摘要): {}", r.record_digest);
    if let Some(dir) = &dir {
        let _ = writeln!(
            t,
            "\nWrote {} files to {dir}/. Check the draw yourself:\n  {command}",
            files.len()
        );
    } else {
        let _ = writeln!(
            t,
            "\nTo check it yourself, write the files and verify them:\n  shuangsui demo --out demo\n  {command}"
        );
    }
    let json = json!({
        "reproduced": reproduced,
        "verify_command": command,
        "files": files,
        "announcement": d.announcement,
        "record": d.record,
        "assurance": assurance,
    });
    Ok(Report {
        text: t,
        json,
        code: if reproduced { 0 } else { 1 },
        warnings: Vec::new(),
    })
}

/// `shuangsui gen`.
pub fn gen(args: &GenArgs) -> Result<Report> {
    let kind = match args.kind {
        GenKind::Entities => shuangsui::synth::Kind::Entities,
        GenKind::Inspectors => shuangsui::synth::Kind::Inspectors,
    };
    let what = match args.kind {
        GenKind::Entities => "entities (检查对象)",
        GenKind::Inspectors => "inspectors (执法检查人员)",
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let progress = Progress::new(&format!("generating {what}"), args.count, false);
    let start = std::time::Instant::now();
    match &args.out {
        Some(path) => {
            check_new(&[path], args.force)?;
            let file = std::fs::File::create(path).map_err(|e| io_error(path, "create", e))?;
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            shuangsui::synth::write(kind, &args.seed, args.count, threads, &mut out, &mut |n| {
                progress.set(n)
            })
            .map_err(|e| e.in_file(&name(path)))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            shuangsui::synth::write(kind, &args.seed, args.count, threads, &mut out, &mut |n| {
                progress.set(n)
            })?;
            out.flush().map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    e.to_string(),
                    format!("无法写出到标准输出：{e}"),
                )
            })?;
        }
    }
    progress.finish();
    let seconds = start.elapsed().as_secs_f64();
    match &args.out {
        // The CSV itself went to stdout: print nothing else there.
        None => Ok(Report::ok(String::new(), Value::Null)),
        Some(path) => Ok(Report::ok(
            format!(
                "wrote {} {what} to {} (seed \"{}\") in {seconds:.1} s\n",
                args.count,
                name(path),
                args.seed
            ),
            json!({
                "kind": match args.kind { GenKind::Entities => "entities", GenKind::Inspectors => "inspectors" },
                "file": name(path),
                "rows": args.count,
                "seed": args.seed,
                "seconds": seconds,
            }),
        )),
    }
}

/// `shuangsui digest`.
pub fn digest(args: &DigestArgs) -> Result<Report> {
    shuangsui::timing::mark("start");
    let task = match &args.task {
        Some(p) => Some(TaskFile::parse(&read_text(p)?, &name(p))?),
        None => None,
    };
    // `--map` belongs to the one file being digested.
    let map = |kind: DigestKind| MapFlags {
        map_entities: if kind == DigestKind::Entities {
            args.map.clone()
        } else {
            Vec::new()
        },
        map_inspectors: if kind == DigestKind::Inspectors {
            args.map.clone()
        } else {
            Vec::new()
        },
        map_exclusions: if kind == DigestKind::Exclusions {
            args.map.clone()
        } else {
            Vec::new()
        },
    };
    let options = input_options(task.as_ref(), &args.read, &map(args.kind))?;
    let (kind, what, count, digest, warnings) = match args.kind {
        DigestKind::Entities => {
            let d = load_entities(
                &args.file,
                &options.entities,
                &shuangsui::Task::whole_directory()?,
            )?;
            (
                "entities",
                "entities (检查对象)",
                d.len(),
                d.digest_hex(),
                d.warnings().to_vec(),
            )
        }
        DigestKind::Inspectors => {
            let d = load_inspectors(&args.file, &options.inspectors)?;
            (
                "inspectors",
                "inspectors (执法检查人员)",
                d.len(),
                d.digest_hex(),
                Vec::new(),
            )
        }
        DigestKind::Exclusions => {
            let files = std::slice::from_ref(&args.file);
            let d = load_exclusions(files, &options.exclusions)?;
            (
                "exclusions",
                "excluded ids (排除名单)",
                d.len(),
                d.digest_hex(),
                d.warnings().to_vec(),
            )
        }
    };
    Ok(Report::ok(
        format!(
            "{}: {count} {what}\ndigest (摘要): {digest}\n",
            name(&args.file)
        ),
        json!({ "kind": kind, "file": name(&args.file), "count": count, "digest": digest, "warnings": warnings.len() }),
    )
    .with_warnings(warnings))
}

fn summary_lines(t: &mut String, a: &Announcement) {
    let _ = writeln!(
        t,
        "task (抽查任务): {}  digest {}",
        a.task.name, a.task_digest
    );
    let _ = writeln!(
        t,
        "entities (检查对象): {} rows, digest {}",
        a.entities.count, a.entities.digest
    );
    let _ = writeln!(
        t,
        "inspectors (执法检查人员): {} rows, digest {}",
        a.inspectors.count, a.inspectors.digest
    );
    let _ = writeln!(
        t,
        "exclusions (排除名单): {} ids, digest {}",
        a.exclusions.count, a.exclusions.digest
    );
}

/// The pre-flight (预检) as text, Chinese first: the strata as they will
/// be drawn, then each finding.
pub(crate) fn preflight_text(p: &shuangsui::Preflight) -> String {
    let mut t = String::from("预检 (pre-flight): the task read against the directories before announcing\n分层 (strata):\n");
    for s in &p.strata {
        let to_draw = s.to_draw.map_or("—".to_string(), |k| k.to_string());
        let _ = writeln!(
            t,
            "  {}：{}；符合 {} 户，排除 {} 户，可抽 {} 户；抽取数 {}；将抽取 {to_draw} 户\n    ({}: {} matching, {} excluded, {} eligible; quota {}; to draw {to_draw})",
            s.name, s.condition_zh, s.population, s.excluded, s.eligible, s.quota_zh,
            s.condition_en, s.population, s.excluded, s.eligible, s.quota_en,
        );
    }
    if p.unstratified > 0 {
        let _ = writeln!(
            t,
            "  另有 {} 户不属于任何分层 ({} match no stratum)",
            p.unstratified, p.unstratified
        );
    }
    let _ = writeln!(
        t,
        "  符合条件的检查人员 {} 名 ({} qualified inspectors)",
        p.qualified_inspectors, p.qualified_inspectors
    );
    for f in &p.findings {
        let (zh, en) = match f.level {
            shuangsui::Level::Error => ("错误", "error"),
            shuangsui::Level::Warning => ("警告", "warning"),
            shuangsui::Level::Note => ("说明", "note"),
        };
        let _ = writeln!(t, "{zh}：{}\n  {en}: {}", f.zh, f.en);
    }
    t
}

/// `shuangsui announce`.
pub fn announce(args: &AnnounceArgs) -> Result<Report> {
    let html_path = args.out.with_extension("html");
    let out = Outputs::files(&[&args.out, &html_path], args.force)?;
    let published = match &args.published {
        Some(d) => d.clone(),
        None => crate::deadlines::today_in_china().to_string(),
    };
    let l = load(&args.files)?;
    let check = shuangsui::preflight(
        &l.task.task,
        l.entities.source(),
        &l.inspectors,
        &l.exclusions,
        &l.task.seed_forms,
        &published,
    )
    .map_err(|e| e.in_file(&name(&args.files.task)))?;
    let checked = preflight_text(&check);
    let (errors, warnings) = (
        check.count(shuangsui::Level::Error),
        check.count(shuangsui::Level::Warning),
    );
    if errors > 0 {
        // A task that cannot be announced as it stands is an input error
        // (exit 2), each of its problems listed.
        let problems = check
            .findings
            .iter()
            .filter(|f| f.level == shuangsui::Level::Error)
            .map(|f| Error::new(ErrorKind::InvalidTask, f.en.clone(), f.zh.clone()))
            .collect();
        return Err(Error::problems(&name(&args.files.task), problems, false).hint(
            "; nothing was announced (the pre-flight, 预检, checks the task against the directories before announcing)",
            "；未生成公告（预检在公告之前核对任务与名录库）",
        ));
    }
    if warnings > 0 && !args.accept_warnings {
        let refusal = format!("\n未生成公告：预检发现 {warnings} 个警告。请逐条核对；确认无误后加 --accept-warnings 重新运行即可公告。\nnot announced: the pre-flight found {warnings} warning(s). Check each; if the task is meant so, run again with --accept-warnings to announce.\n");
        return Ok(Report {
            text: checked + &refusal,
            json: json!({ "announced": false, "preflight": check }),
            code: 1,
            warnings: l.warnings,
        });
    }
    let a = shuangsui::announce(
        &l.task.task,
        l.entities.source(),
        &l.inspectors,
        &l.exclusions,
        &l.task.seed_forms,
        &published,
    )
    .map_err(|e| e.in_file(&name(&args.files.task)))?;
    out.write_bytes(&file_name(&args.out), a.to_json_pretty().as_bytes())?;
    out.write_bytes(
        &file_name(&html_path),
        shuangsui::announcement_html(&a).as_bytes(),
    )?;
    out.commit()?;
    let mut t = checked;
    let _ = writeln!(
        t,
        "announcement (抽查公告) written to {} and, to print or post, {}",
        name(&args.out),
        name(&html_path)
    );
    summary_lines(&mut t, &a);
    let _ = writeln!(t, "published (发布日期): {published}");
    let _ = writeln!(
        t,
        "seed sources (随机种子来源), exactly as they will be read:"
    );
    for (i, line) in a.source_lines().iter().enumerate() {
        let _ = writeln!(t, "  {}. {line}", i + 1);
    }
    let forms = a.forms();
    let tenths = shuangsui::entropy_tenths(&forms);
    let _ = writeln!(
        t,
        "seed entropy (熵): {} bits",
        shuangsui::entropy_text(tenths)
    );
    if tenths < 200 {
        let _ = writeln!(
            t,
            "warning: fewer than 20 bits — an office able to redraw in secret would need few tries to find a result it likes; add a second independent source (another lottery issue, a beacon) to the task's [[seed]] tables (RFC 3797 §4)\n注意：熵少于 20 比特，建议增加一个相互独立的种子来源"
        );
    }
    let _ = writeln!(
        t,
        "announcement digest (公告摘要): {}",
        a.announcement_digest
    );
    let example: Vec<String> = forms
        .iter()
        .map(|f| match f {
            shuangsui::SeedForm::Lottery { groups, .. } => {
                let nums: Vec<String> = groups
                    .iter()
                    .map(|g| vec!["N"; g.count as usize].join(" "))
                    .collect();
                format!("--seed \"{}\"", nums.join(" + "))
            }
            shuangsui::SeedForm::Beacon { .. } => "--seed <hex>".into(),
            shuangsui::SeedForm::Text { .. } => "--seed \"<text>\"".into(),
        })
        .collect();
    let first = forms.iter().map(|f| f.date()).min().unwrap_or("");
    let _ = writeln!(
        t,
        "\nPublish {} (and {}) now — before {first}, when the first seed source is drawn: it is what shows that nothing could be chosen after the seed was known. 请立即发布公告（须早于 {first}）。\nWhen the seed is public: shuangsui draw … --announcement {} {}",
        name(&args.out),
        name(&html_path),
        name(&args.out),
        example.join(" ")
    );
    Ok(Report::ok(
        t,
        json!({ "announced": true, "file": name(&args.out), "html": name(&html_path), "announcement": a, "entropy_bits": f64::from(tenths) / 10.0, "preflight": check }),
    )
    .with_warnings(l.warnings))
}

/// The files `draw` writes, as one set (SPEC §11, §16.8).
const DRAW_OUTPUTS: [&str; 6] = [
    "record.json",
    "result.csv",
    "result.xlsx",
    "notice.html",
    "台账.csv",
    "台账.xlsx",
];

/// Stages the blank results ledger of `record` (台账.csv with a byte-order
/// mark for Excel, 台账.xlsx with the 检查结果 dropdown) beside the draw's
/// other outputs in `dir`.
fn write_results_ledger(out: &Outputs, record: &shuangsui::DrawRecord, dir: &Path) -> Result<()> {
    let csv = format!(
        "\u{feff}{}",
        shuangsui::calendar::results_ledger_csv(record)
    );
    out.write_bytes("台账.csv", csv.as_bytes())?;
    let xlsx = shuangsui::xlsx::results_ledger_xlsx(record)
        .map_err(|e| e.in_file(&name(&dir.join("台账.xlsx"))))?;
    out.write_bytes("台账.xlsx", &xlsx)
}

/// `shuangsui draw`.
pub fn draw(args: &DrawArgs, format: Format) -> Result<Report> {
    let record_path = args.out.join("record.json");
    let result_path = args.out.join("result.csv");
    let xlsx_path = args.out.join("result.xlsx");
    let notice_path = args.out.join("notice.html");
    let out = Outputs::folder(&args.out, &DRAW_OUTPUTS, args.force)?;
    let announcement = match &args.announcement {
        Some(p) => Some(Announcement::from_json(&read_text(p)?).map_err(|e| e.in_file(&name(p)))?),
        None => None,
    };
    let announced = shuangsui::Announced::choose(announcement.as_ref(), args.unannounced).map_err(|e| {
        e.hint(
            " (give it with --announcement announcement.json, made by `shuangsui announce`, or draw without one with --unannounced)",
            "（用 --announcement announcement.json 指定，该文件由 shuangsui announce 生成；或加 --unannounced 不经公告抽取）",
        )
    })?;
    let seed = seeds(&args.seed, announcement.as_ref())?;
    shuangsui::timing::mark("start");
    let l = load(&args.files)?;
    if announcement.is_none() && !l.task.seed_forms.is_empty() {
        return Err(Error::new(
            ErrorKind::Unannounced,
            format!("{} declares the seed's form ([[seed]]) but the draw was asked for --unannounced: announce it (shuangsui announce) and draw with --announcement, or remove the [[seed]] tables", name(&args.files.task)), format!("{} 中写明了随机种子的形式（[[seed]]），却要求不经公告抽取：请先公告（shuangsui announce）再用 --announcement 抽取，或删去 [[seed]]", name(&args.files.task))));
    }
    shuangsui::timing::mark("read the directories");
    let record = shuangsui::draw(&DrawInputs {
        task: &l.task.task,
        entities: l.entities.source(),
        inspectors: &l.inspectors,
        exclusions: &l.exclusions,
        seed: &seed,
        announcement: announced,
    })
    .map_err(|e| match (&args.announcement, e.kind()) {
        (Some(p), ErrorKind::AnnouncementMismatch) => e.in_file(&name(p)),
        _ => e,
    })?;
    // The directory index is no longer needed; free it before the outputs,
    // which at provincial scale hold hundreds of thousands of rows.
    drop(l.entities);
    shuangsui::timing::mark("freed the index");
    // Two lines of work, about even: the record and the notice on one
    // core; the table and the workbook (which also compresses on every
    // core) on the other. Each output is freed once written. They are
    // staged, and moved into place only when all four are complete.
    std::thread::scope(|s| {
        let other = s.spawn(|| {
            out.write("record.json", &|w| record.write_json_pretty(w))?;
            out.write("notice.html", &|w| shuangsui::write_notice_html(&record, w))
        });
        let mine = out
            .write("result.csv", &|w| shuangsui::write_result_csv(&record, w))
            .and_then(|()| {
                let xlsx = shuangsui::xlsx::result_xlsx(&record)
                    .map_err(|e| e.in_file(&name(&xlsx_path)))?;
                out.write_bytes("result.xlsx", &xlsx)
            })
            .and_then(|()| write_results_ledger(&out, &record, &args.out));
        let theirs = other.join().unwrap_or_else(|_| {
            Err(Error::new(
                ErrorKind::Io,
                "writing record.json failed",
                "写出 record.json 失败",
            ))
        });
        mine.and(theirs)
    })?;
    out.commit()?;
    shuangsui::timing::mark("wrote the outputs");

    let mut t = format!(
        "draw made (抽取完成): {} of {} entities (检查对象) drawn, teams of {}\n",
        record.draws.len(),
        record.entities.count,
        record.task.team.size
    );
    let _ = writeln!(
        t,
        "seed (随机种子): {}",
        record
            .seed
            .sources
            .iter()
            .map(|s| if s.description.is_empty() {
                format!("{}:{}", s.kind.name(), s.shown())
            } else {
                format!("{} {}", s.description, s.shown())
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    match &record.announcement_digest {
        Some(a) => {
            let _ = writeln!(
                t,
                "matches the announcement (抽查公告) {a}: task, directories and the seed's form as announced"
            );
        }
        None => {
            let _ = writeln!(
                t,
                "UNANNOUNCED (本次抽取未经事先公告): the record and the notice say so; nothing shows that the inputs or the seed's form were fixed before the seed"
            );
        }
    }
    t.push('\n');
    t.push_str(&draw_table(&record, 30));
    let _ = writeln!(
        t,
        "\nrecord digest (抽取记录摘要): {}",
        record.record_digest
    );
    let _ = writeln!(t, "wrote:");
    let _ = writeln!(
        t,
        "  {}  抽取记录 (draw record): publish it",
        name(&record_path)
    );
    let _ = writeln!(
        t,
        "  {}  抽查结果 (result table for Excel)",
        name(&result_path)
    );
    let _ = writeln!(
        t,
        "  {}  抽查结果 (the same as a workbook, ready to print)",
        name(&xlsx_path)
    );
    let _ = writeln!(
        t,
        "  {}  抽查结果公告 (public notice, print or post)",
        name(&notice_path)
    );
    let _ = writeln!(
        t,
        "  {}, {}  抽查结果台账 (results ledger to fill in: inspection date, result, follow-up, penalty, publication; check it with `shuangsui ledger {} --record {}`)",
        name(&args.out.join("台账.xlsx")),
        name(&args.out.join("台账.csv")),
        name(&args.out.join("台账.xlsx")),
        name(&record_path)
    );
    // Mappings are not in the record: whoever verifies needs them too, the
    // task file's first, then the flags' (as the draw read the files).
    let maps = |task: &[(String, String)], flag: &str, values: &[String]| {
        let mut all = task.to_vec();
        all.extend(mappings(flag, values).unwrap_or_default());
        all
    };
    let check = shuangsui::VerifyCommand {
        record: name(&record_path),
        entities: name(&args.files.entities),
        inspectors: name(&args.files.inspectors),
        exclusions: args.files.exclude.iter().map(|x| name(x)).collect(),
        announcement: args.announcement.as_ref().map(|a| name(a)),
        reading: shuangsui::ReadingFlags {
            entities: maps(
                &l.task.entity_columns,
                "--map-entities",
                &args.files.map.map_entities,
            ),
            inspectors: maps(
                &l.task.inspector_columns,
                "--map-inspectors",
                &args.files.map.map_inspectors,
            ),
            exclusions: maps(
                &l.task.exclusion_columns,
                "--map-exclusions",
                &args.files.map.map_exclusions,
            ),
            encoding: args.files.read.encoding.clone(),
            sheet: args.files.read.sheet.clone().unwrap_or_default(),
        },
    }
    .to_string();
    let _ = writeln!(t, "anyone can check it:\n  {check}");
    // The record as a JSON tree only when asked for: at provincial scale it
    // is a gigabyte of values and two seconds to build.
    let json = if format == Format::Json {
        json!({
            "files": {
                "record": name(&record_path),
                "result": name(&result_path),
                "result_xlsx": name(&xlsx_path),
                "notice": name(&notice_path),
                "ledger": name(&args.out.join("台账.csv")),
                "ledger_xlsx": name(&args.out.join("台账.xlsx")),
            },
            "verify_command": check,
            "record": record,
        })
    } else {
        Value::Null
    };
    Ok(Report::ok(t, json).with_warnings(l.warnings))
}

/// `shuangsui verify`.
pub fn verify(args: &VerifyArgs) -> Result<Report> {
    shuangsui::timing::mark("start");
    let text = read_text(&args.record)?;
    let options = input_options(None, &args.read, &args.map)?;
    let (entities, inspectors, exclusions) = (
        options.entities.for_verify(),
        options.inspectors.for_verify(),
        options.exclusions.for_verify(),
    );
    let inspectors = load_inspectors(&args.inspectors, &inspectors)?;
    let exclusions = load_exclusions(&args.exclude, &exclusions)?;
    let announcement = match &args.announcement {
        Some(p) => Some(Announcement::from_json(&read_text(p)?).map_err(|e| e.in_file(&name(p)))?),
        None => None,
    };
    let record_name = name(&args.record);
    let verified = shuangsui::verify_inputs(VerifyInputs {
        record: Cow::Owned(text),
        record_name: &record_name,
        read_again: &|| read_text(&args.record),
        entities: &|task| {
            load_entities(&args.entities, &entities, task).map(|d| ForTask::Again(Box::new(d)))
        },
        inspectors: &inspectors,
        exclusions: &exclusions,
        announcement: announcement.as_ref(),
    })?;
    let mut warnings = verified.warnings;
    warnings.extend_from_slice(exclusions.warnings());
    let (v, assurance, drawn, digest) = (
        verified.verification,
        verified.assurance,
        verified.drawn,
        verified.record_digest,
    );
    let label = shuangsui::Protocol::of(&assurance.protocol).map_or("?", |p| p.label());
    let mut statement = String::from("\nassurance (可信度说明):\n");
    for line in assurance.lines(false) {
        let _ = writeln!(statement, "  {line}");
    }
    let required = args.require_announcement && assurance.committed_before_seed != Some(true);
    if required {
        statement.push_str("--require-announcement: the inputs are not shown to be fixed before the seed (未能证明输入在种子产生前已固定), so this verification fails\n");
    }
    Ok(match v {
        Verification::Reproduced => Report {
            text: format!(
                "reproduced (核验通过): re-running the draw gives exactly {} ({drawn} drawn entities; protocol {label})\nrecord digest (抽取记录摘要): {digest}\n{statement}",
                name(&args.record)
            ),
            json: json!({ "reproduced": true, "difference": null, "record": name(&args.record), "record_digest": digest, "drawn": drawn, "assurance": assurance }),
            code: if required { 1 } else { 0 },
            warnings,
        },
        Verification::Differs(why) => Report {
            text: format!(
                "NOT reproduced (核验不通过): {}\n第一处差异：{}\nfirst difference: {why}\n{statement}",
                name(&args.record),
                why.zh
            ),
            json: json!({ "reproduced": false, "difference": why, "difference_zh": why.zh, "record": name(&args.record), "record_digest": digest, "drawn": drawn, "assurance": assurance }),
            code: 1,
            warnings,
        },
    })
}
