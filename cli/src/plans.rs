//! `shuangsui plan announce|draw|verify`: a batch (批次) of a plan file at
//! once (SPEC.md §17). Reads each directory once for the whole batch,
//! makes one call into the core per step, and writes one folder per batch
//! (whole or not at all, see `output.rs`) with one folder per task.

use crate::commands::{name, read_text, Report};
use crate::flags::{
    Format, PlanAnnounceArgs, PlanCommand, PlanDrawArgs, PlanFiles, PlanVerifyArgs,
};
use crate::output::Outputs;
use serde_json::json;
use shuangsui::{
    BatchAnnouncement, BatchPlan, EntityDirectory, Error, ErrorKind, Exclusions, Input,
    InspectorDirectory, PlanFile, ReadOptions, Result, TaskCheck, TaskInputs, TaskOutcome,
    TextEncoding,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// `shuangsui plan …`.
pub fn plan(cmd: &PlanCommand, format: Format) -> Result<Report> {
    match cmd {
        PlanCommand::Announce(a) => announce(a),
        PlanCommand::Draw(a) => draw(a, format),
        PlanCommand::Verify(a) => verify(a),
    }
}

/// A batch's tasks with their inputs, each directory read once.
struct Loaded {
    plan: PlanFile,
    index: usize,
    entities: BTreeMap<PathBuf, EntityDirectory>,
    inspectors: BTreeMap<PathBuf, InspectorDirectory>,
    /// Per task: its entity and inspector paths and its united exclusions.
    tasks: Vec<(PathBuf, PathBuf, Exclusions)>,
    warnings: Vec<Error>,
}

impl Loaded {
    fn batch(&self) -> &BatchPlan {
        &self.plan.batches[self.index]
    }

    fn inputs(&self) -> Vec<TaskInputs<'_>> {
        self.batch()
            .tasks
            .iter()
            .zip(&self.tasks)
            .map(|(t, (e, i, x))| TaskInputs {
                task: &t.file.task,
                entities: &self.entities[e],
                inspectors: &self.inspectors[i],
                exclusions: x,
            })
            .collect()
    }
}

fn read_options(files: &PlanFiles) -> Result<ReadOptions> {
    let encoding = TextEncoding::parse(&files.read.encoding)
        .map_err(|e| e.context("--encoding", "--encoding"))?;
    Ok(ReadOptions {
        encoding,
        sheet: files.read.sheet.clone(),
    })
}

fn load(files: &PlanFiles) -> Result<Loaded> {
    let plan = PlanFile::parse(&read_text(&files.plan)?, &name(&files.plan))?;
    let (index, _) = plan
        .batch(files.batch.as_deref())
        .map_err(|e| e.hint(" with --batch", "（用 --batch 指定）"))?;
    let read = read_options(files)?;
    let home = files
        .plan
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut l = Loaded {
        plan,
        index,
        entities: BTreeMap::new(),
        inspectors: BTreeMap::new(),
        tasks: Vec::new(),
        warnings: Vec::new(),
    };
    let batch = l.plan.batches[index].clone();
    for t in &batch.tasks {
        let e = home.join(&t.entities_file);
        if !l.entities.contains_key(&e) {
            let bytes = std::fs::read(&e).map_err(|x| crate::commands::io_error(&e, "read", x))?;
            let d = EntityDirectory::load(&bytes, &name(&e), &t.file.entity_options(read.clone()))?;
            l.warnings.extend_from_slice(d.warnings());
            l.entities.insert(e.clone(), d);
        }
        let i = home.join(&t.inspectors_file);
        if !l.inspectors.contains_key(&i) {
            let d = shuangsui::open_inspectors(
                Input::Path(&i),
                &name(&i),
                &t.file.inspector_options(read.clone()),
                &shuangsui::Quiet,
            )?;
            l.inspectors.insert(i.clone(), d);
        }
        let paths: Vec<PathBuf> = t.exclusions_files.iter().map(|x| home.join(x)).collect();
        let names: Vec<String> = paths.iter().map(|p| name(p)).collect();
        let listed = shuangsui::open_exclusions(
            paths
                .iter()
                .zip(&names)
                .map(|(p, n)| (Input::Path(p), n.as_str())),
            &t.file.exclusion_options(read.clone()),
        )?;
        l.warnings.extend_from_slice(listed.warnings());
        l.tasks.push((e, i, t.file.exclusions.union(&listed)));
    }
    Ok(l)
}

/// The folder of task `i` (from 0) within a batch's folder: its number and
/// its name, with the characters a file system refuses replaced.
pub(crate) fn task_folder(i: usize, task_name: &str) -> String {
    let clean: String = task_name
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_whitespace() || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(60)
        .collect();
    format!("{:02}-{clean}", i + 1)
}

fn in_task(e: Error, task: &str) -> Error {
    e.context(&format!("task \"{task}\""), &format!("任务“{task}”"))
}

fn announce(args: &PlanAnnounceArgs) -> Result<Report> {
    let l = load(&args.files)?;
    let published = match &args.published {
        Some(d) => d.clone(),
        None => crate::deadlines::today_in_china().to_string(),
    };
    let batch = l.batch();
    // The pre-flight of SPEC §12.1, task by task, before anything is
    // announced: errors refuse, warnings refuse until accepted.
    let mut checked = String::new();
    let mut problems = Vec::new();
    let mut warned = 0;
    for (t, input) in batch.tasks.iter().zip(l.inputs()) {
        let p = shuangsui::preflight(
            input.task,
            input.entities,
            input.inspectors,
            input.exclusions,
            &batch.seed_forms,
            &published,
        )
        .map_err(|e| in_task(e, &t.file.task.name))?;
        let _ = writeln!(checked, "== 任务 / task: {}", t.file.task.name);
        checked.push_str(&crate::commands::preflight_text(&p));
        warned += p.count(shuangsui::Level::Warning);
        for f in p
            .findings
            .iter()
            .filter(|f| f.level == shuangsui::Level::Error)
        {
            problems.push(in_task(
                Error::new(ErrorKind::InvalidTask, f.en.clone(), f.zh.clone()),
                &t.file.task.name,
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::problems(&name(&args.files.plan), problems, false).hint(
            "; nothing was announced (the pre-flight, 预检, checks each task against its directories before announcing)",
            "；未生成公告（预检在公告之前逐个核对任务与名录库）",
        ));
    }
    if warned > 0 && !args.accept_warnings {
        let refusal = format!("\n未生成批次公告：预检共发现 {warned} 个警告。请逐条核对；确认无误后加 --accept-warnings 重新运行即可公告。\nnot announced: the pre-flight found {warned} warning(s). Check each; if the tasks are meant so, run again with --accept-warnings to announce.\n");
        return Ok(Report {
            text: checked + &refusal,
            json: json!({ "announced": false }),
            code: 1,
            warnings: l.warnings,
        });
    }
    let a = shuangsui::announce_batch(
        &l.plan.name,
        &batch.name,
        &l.inputs(),
        &batch.seed_forms,
        &published,
    )?;
    let mut names = vec![
        "announcement.json".to_string(),
        "announcement.html".to_string(),
    ];
    for (i, t) in a.tasks.iter().enumerate() {
        let f = task_folder(i, &t.task.name);
        names.push(format!("{f}/announcement.json"));
        names.push(format!("{f}/announcement.html"));
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = Outputs::folder(&args.out, &refs, args.force)?;
    out.write_bytes("announcement.json", a.to_json_pretty().as_bytes())?;
    out.write_bytes(
        "announcement.html",
        shuangsui::batch_announcement_html(&a).as_bytes(),
    )?;
    for (i, t) in a.tasks.iter().enumerate() {
        let f = task_folder(i, &t.task.name);
        out.write_bytes(
            &format!("{f}/announcement.json"),
            t.to_json_pretty().as_bytes(),
        )?;
        out.write_bytes(
            &format!("{f}/announcement.html"),
            shuangsui::announcement_html(t).as_bytes(),
        )?;
    }
    out.commit()?;
    let mut t = checked;
    let _ = writeln!(
        t,
        "batch announced (批次抽查公告): {} · {} — {} tasks (抽查任务), published {}",
        a.plan,
        a.batch,
        a.tasks.len(),
        a.published
    );
    let _ = writeln!(
        t,
        "seed to come from (随机种子来源): {}",
        a.tasks[0].source_lines().join("; ")
    );
    for (i, task) in a.tasks.iter().enumerate() {
        let _ = writeln!(
            t,
            "  {}. {}  announcement {}",
            i + 1,
            task.task.name,
            task.announcement_digest
        );
    }
    let _ = writeln!(
        t,
        "batch announcement digest (批次公告摘要): {}",
        a.batch_announcement_digest
    );
    let _ = writeln!(
        t,
        "wrote {0}/announcement.json, {0}/announcement.html (to print or post) and one folder per task: publish them now, before the seed exists",
        name(&args.out)
    );
    Ok(Report::ok(t, json!({ "announcement": a })).with_warnings(l.warnings))
}

fn draw(args: &PlanDrawArgs, format: Format) -> Result<Report> {
    let a = BatchAnnouncement::from_json(&read_text(&args.announcement)?)
        .map_err(|e| e.in_file(&name(&args.announcement)))?;
    let l = load(&args.files)?;
    let inputs = l.inputs();
    let total = inputs.len();
    // Progress across tasks, on a terminal only (stderr holds warnings and
    // errors, as JSON with --format json).
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |i: usize, task: &str| {
        if terminal {
            eprintln!("[{}/{total}] 抽取 / drawing: {task}", i + 1);
        }
    };
    let d =
        shuangsui::draw_batch(&a, &inputs, &args.seed, &progress).map_err(|e| match e.kind() {
            ErrorKind::AnnouncementMismatch => e.in_file(&name(&args.announcement)),
            _ => e,
        })?;
    let mut names: Vec<String> = [
        "announcement.json",
        "batch.json",
        "visits.csv",
        "visits.html",
    ]
    .map(String::from)
    .to_vec();
    for (i, o) in d.outcomes.iter().enumerate() {
        let f = task_folder(i, &d.record.tasks[i].name);
        names.push(format!("{f}/announcement.json"));
        match o {
            TaskOutcome::Drawn(_) => {
                for n in ["record.json", "result.csv", "result.xlsx", "notice.html"] {
                    names.push(format!("{f}/{n}"));
                }
            }
            TaskOutcome::Failed(_) => names.push(format!("{f}/error.txt")),
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = Outputs::folder(&args.out, &refs, args.force)?;
    out.write_bytes("announcement.json", a.to_json_pretty().as_bytes())?;
    out.write_bytes("batch.json", d.record.to_json_pretty().as_bytes())?;
    out.write_bytes("visits.csv", shuangsui::visits_csv(&d.record).as_bytes())?;
    out.write_bytes("visits.html", shuangsui::visits_html(&d.record).as_bytes())?;
    out.write_bytes("visits.xlsx", &shuangsui::visits_xlsx(&d.record)?)?;
    for (i, (o, ann)) in d.outcomes.iter().zip(&a.tasks).enumerate() {
        let f = task_folder(i, &ann.task.name);
        out.write_bytes(
            &format!("{f}/announcement.json"),
            ann.to_json_pretty().as_bytes(),
        )?;
        match o {
            TaskOutcome::Drawn(r) => {
                out.write(&format!("{f}/record.json"), &|w| r.write_json_pretty(w))?;
                out.write(&format!("{f}/result.csv"), &|w| {
                    shuangsui::write_result_csv(r, w)
                })?;
                let xlsx = shuangsui::xlsx::result_xlsx(r)?;
                out.write_bytes(&format!("{f}/result.xlsx"), &xlsx)?;
                out.write(&format!("{f}/notice.html"), &|w| {
                    shuangsui::write_notice_html(r, w)
                })?;
            }
            TaskOutcome::Failed(e) => {
                let text = format!(
                    "本任务抽取失败：{}\nthe draw of this task failed: {e}\n",
                    e.display_zh()
                );
                out.write_bytes(&format!("{f}/error.txt"), text.as_bytes())?;
            }
        }
    }
    out.commit()?;

    let b = &d.record;
    let joint = b.visits.iter().filter(|v| v.tasks.len() > 1).count();
    let mut t = format!(
        "batch drawn (批次抽取完成): {} · {} — {} of {} tasks drawn; {} visits (检查), {} of them joint (联合检查)\n",
        b.plan,
        b.batch,
        total - d.failures().len(),
        total,
        b.visits.len(),
        joint
    );
    for (i, task) in b.tasks.iter().enumerate() {
        let f = task_folder(i, &task.name);
        match &d.outcomes[i] {
            TaskOutcome::Drawn(r) => {
                let _ = writeln!(
                    t,
                    "  {}. {} — {} entities drawn → {}/{f}/",
                    i + 1,
                    task.name,
                    r.draws.len(),
                    name(&args.out)
                );
            }
            TaskOutcome::Failed(e) => {
                let _ = writeln!(
                    t,
                    "  {}. {} — FAILED (抽取失败): {} → {}/{f}/error.txt",
                    i + 1,
                    task.name,
                    e.kind().name_zh(),
                    name(&args.out)
                );
            }
        }
    }
    let _ = writeln!(
        t,
        "batch record (批次抽取汇总): {}/batch.json, digest {}",
        name(&args.out),
        b.batch_digest
    );
    let _ = writeln!(
        t,
        "visit list (检查安排): {0}/visits.csv, {0}/visits.xlsx, {0}/visits.html",
        name(&args.out)
    );
    let _ = writeln!(
        t,
        "anyone can check it:\n  shuangsui plan verify {} --plan {}{}",
        name(&args.out),
        name(&args.files.plan),
        args.files
            .batch
            .as_deref()
            .map(|b| format!(" --batch {b}"))
            .unwrap_or_default()
    );
    let mut warnings = l.warnings.clone();
    for (_, _, e) in d.failures() {
        warnings.push(e.clone());
    }
    let json = if format == Format::Json {
        json!({ "batch": b, "failed": d.failures().iter().map(|(i, n, e)| json!({"task": i, "name": n, "error": e.to_json()})).collect::<Vec<_>>() })
    } else {
        serde_json::Value::Null
    };
    Ok(Report {
        text: t,
        json,
        code: if d.failures().is_empty() { 0 } else { 3 },
        warnings,
    })
}

fn verify(args: &PlanVerifyArgs) -> Result<Report> {
    let ann_path = args
        .announcement
        .clone()
        .unwrap_or_else(|| args.dir.join("announcement.json"));
    let a = BatchAnnouncement::from_json(&read_text(&ann_path)?)
        .map_err(|e| e.in_file(&name(&ann_path)))?;
    let batch_path = args.dir.join("batch.json");
    let batch_json = read_text(&batch_path)?;
    let l = load(&args.files)?;
    let records: Vec<Option<String>> = a
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let p = args
                .dir
                .join(task_folder(i, &t.task.name))
                .join("record.json");
            p.exists().then(|| read_text(&p)).transpose()
        })
        .collect::<Result<_>>()?;
    let check = shuangsui::verify_batch(&a, &batch_json, &records, &l.inputs())
        .map_err(|e| e.in_file(&name(&batch_path)))?;
    let mut t = format!(
        "{} (批次核验): {} · {}\n",
        if check.reproduced {
            "batch reproduced"
        } else {
            "batch does NOT verify"
        },
        a.plan,
        a.batch
    );
    for (i, (n, c)) in check.tasks.iter().enumerate() {
        let line = match c {
            TaskCheck::Reproduced => "reproduced (复现一致)".to_string(),
            TaskCheck::FailedAsRecorded { error } => {
                format!("fails again as recorded (抽取失败，与汇总一致): {error}")
            }
            TaskCheck::Differs { en, zh } => format!("DIFFERS (不一致): {zh} / {en}"),
        };
        let _ = writeln!(t, "  {}. {n}: {line}", i + 1);
    }
    if let Some((en, zh)) = &check.batch_difference {
        let _ = writeln!(t, "  batch record (批次抽取汇总): {zh} / {en}");
    } else if check.reproduced {
        let _ = writeln!(t, "  visit list (检查安排): reproduced from the tasks' records (由各任务抽取记录复现一致)");
    }
    let _ = writeln!(
        t,
        "batch announcement (批次公告) {}: check that this is the one published before {}",
        a.batch_announcement_digest,
        a.tasks[0].source_lines().join("; ")
    );
    Ok(Report {
        text: t,
        json: json!({ "reproduced": check.reproduced, "check": check }),
        code: if check.reproduced { 0 } else { 1 },
        warnings: l.warnings,
    })
}

/// `shuangsui demo --plan`: the demo's plan, end to end — the inputs
/// written, then each batch announced, drawn with its seed and verified
/// with the commands a user runs.
pub fn demo_plan(args: &crate::flags::DemoArgs) -> Result<Report> {
    use shuangsui::synth::{
        csv, Kind, DEMO_DATA_SEED, DEMO_ENTITIES, DEMO_INSPECTORS, DEMO_PLAN_BATCHES,
        DEMO_PLAN_TOML,
    };
    let scratch = args.out.is_none();
    let dir = match &args.out {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("shuangsui-demo-plan-{}", std::process::id())),
    };
    let result = demo_plan_in(
        &dir,
        args.force || scratch,
        &|| {
            Ok([
                (
                    "entities.csv",
                    csv(Kind::Entities, DEMO_DATA_SEED, DEMO_ENTITIES)?,
                ),
                (
                    "inspectors.csv",
                    csv(Kind::Inspectors, DEMO_DATA_SEED, DEMO_INSPECTORS)?,
                ),
                ("plan.toml", DEMO_PLAN_TOML.to_string()),
            ])
        },
        &DEMO_PLAN_BATCHES,
    );
    if scratch {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let (mut text, code, json) = result?;
    if scratch {
        text.push_str(
            "\nTo keep the files and check them yourself: shuangsui demo --plan --out demo-plan\n",
        );
    }
    Ok(Report {
        text,
        json,
        code,
        warnings: Vec::new(),
    })
}

type Inputs = [(&'static str, String); 3];

fn demo_plan_in(
    dir: &Path,
    force: bool,
    inputs: &dyn Fn() -> Result<Inputs>,
    batches: &[(&str, &str)],
) -> Result<(String, u8, serde_json::Value)> {
    let files = inputs()?;
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let out = Outputs::folder(dir, &names, force)?;
    for (n, text) in &files {
        out.write_bytes(n, text.as_bytes())?;
    }
    out.commit()?;
    let plan = dir.join("plan.toml");
    let mut t = String::from("shuangsui demo --plan — a year's plan (年度抽查计划) in two batches (批次) on sample data\n\n");
    let mut code = 0u8;
    let mut verified = Vec::new();
    for (b, (published, seed)) in batches.iter().enumerate() {
        let files = |batch: &str| PlanFiles {
            plan: plan.clone(),
            batch: Some(batch.to_string()),
            read: crate::flags::ReadFlags {
                encoding: "auto".into(),
                sheet: None,
            },
        };
        let n = (b + 1).to_string();
        let announced = dir.join(format!("batch{n}-announcement"));
        let drawn = dir.join(format!("batch{n}-draw"));
        let a = announce(&PlanAnnounceArgs {
            files: files(&n),
            published: Some(published.to_string()),
            out: announced.clone(),
            force,
            accept_warnings: false,
        })?;
        let _ = writeln!(
            t,
            "== {n}. announce (公告), published {published}:\n{}",
            a.text
        );
        let d = draw(
            &PlanDrawArgs {
                files: files(&n),
                announcement: announced.join("announcement.json"),
                seed: vec![seed.to_string()],
                out: drawn.clone(),
                force,
            },
            Format::Text,
        )?;
        let _ = writeln!(t, "== {n}. draw (抽取) with --seed \"{seed}\":\n{}", d.text);
        let v = verify(&PlanVerifyArgs {
            dir: drawn.clone(),
            files: files(&n),
            announcement: None,
        })?;
        let _ = writeln!(t, "== {n}. verify (核验):\n{}", v.text);
        code = code.max(d.code).max(v.code);
        verified.push(v.json);
    }
    let _ = writeln!(
        t,
        "Wrote the plan, the directories and each batch's folders to {}/.",
        name(dir)
    );
    Ok((
        t,
        if code == 0 { 0 } else { 1 },
        json!({ "batches": verified }),
    ))
}
