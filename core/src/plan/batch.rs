//! A batch (批次) of a plan (SPEC §17.2–§17.5): its announcement, its
//! draw (one ordinary draw per task), its visit list and its
//! verification.

use crate::draw::{read_seed, Announced, Prepared};
use crate::input::directory::InspectorDirectory;
use crate::input::exclusions::Exclusions;
use crate::input::population::EntitySource;
use crate::record::{
    canonical_json, Announcement, DrawRecord, EntityRef, Role, SeedRecord, TeamMember,
};
use crate::spec::hash::{hex, tagged};
use crate::spec::seed::{seed_digest, SeedForm, SeedSource};
use crate::spec::task::Task;
use crate::{Error, ErrorKind, Result, Verification};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol of the batch documents (SPEC §17).
pub const PLAN_PROTOCOL: &str = "shuangsui-plan/1";

/// One task of a batch and the inputs it is drawn over.
#[derive(Clone, Copy)]
pub struct TaskInputs<'a> {
    /// The canonical task.
    pub task: &'a Task,
    /// Its entity directory (shared by the tasks that name the same file).
    pub entities: &'a dyn EntitySource,
    /// Its inspector directory.
    pub inspectors: &'a InspectorDirectory,
    /// Its exclusion list: the task's own ids and the lists given, united.
    pub exclusions: &'a Exclusions,
}

/// The batch announcement (批次抽查公告, SPEC §17.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchAnnouncement {
    /// `shuangsui-plan/1`.
    pub protocol: String,
    /// The plan's name.
    pub plan: String,
    /// The batch's name.
    pub batch: String,
    /// The day the office publishes it.
    pub published: String,
    /// The batch's seed forms, in order (every task's).
    pub seed_sources: Vec<SeedForm>,
    /// Each task's own `shuangsui-draw/2` announcement, in the batch's order.
    pub tasks: Vec<Announcement>,
    /// The digest of everything above.
    pub batch_announcement_digest: String,
}

/// What became of one task of a batch (SPEC §17.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchTask {
    /// The task's name.
    pub name: String,
    /// The digest of its record, or null when the draw failed.
    pub record_digest: Option<String>,
    /// The kind of the error it failed with (SPEC §14), or null.
    pub error: Option<String>,
}

/// One member of a joint visit's team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitMember {
    /// 执法证号.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 部门.
    pub department: String,
    /// 组长 (the first task's leader) or member.
    pub role: Role,
    /// The tasks (indices into the batch's tasks) whose team drew them.
    pub tasks: Vec<u64>,
}

/// One visit (检查) of the visit list: an entity and every task of the
/// batch that drew it, with one joint team (SPEC §17.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The entity.
    pub entity: EntityRef,
    /// The tasks that drew it (indices, ascending).
    pub tasks: Vec<u64>,
    /// The joint team: the union of the tasks' drawn teams.
    pub team: Vec<VisitMember>,
}

/// The batch record (批次抽取汇总, SPEC §17.4): what each task became, and
/// the visit list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRecord {
    /// `shuangsui-plan/1`.
    pub protocol: String,
    /// The plan's name.
    pub plan: String,
    /// The batch's name.
    pub batch: String,
    /// The batch announcement's digest.
    pub batch_announcement_digest: String,
    /// The published seed, as every task's record holds it.
    pub seed: SeedRecord,
    /// Each task, in the batch's order.
    pub tasks: Vec<BatchTask>,
    /// The visit list.
    pub visits: Vec<Visit>,
    /// The digest of everything above.
    pub batch_digest: String,
}

/// The outcome of one task's draw.
#[derive(Debug)]
pub enum TaskOutcome {
    /// Drawn: its record.
    Drawn(Box<DrawRecord>),
    /// Failed with this error (an infeasible team, a quota larger than its
    /// stratum…); the other tasks were drawn.
    Failed(Error),
}

/// A batch drawn: every task's outcome and the batch record.
#[derive(Debug)]
pub struct BatchDraw {
    /// Each task's outcome, in the batch's order.
    pub outcomes: Vec<TaskOutcome>,
    /// The batch record with the visit list.
    pub record: BatchRecord,
}

impl BatchDraw {
    /// The tasks that failed: (index, name, error).
    pub fn failures(&self) -> Vec<(usize, &str, &Error)> {
        self.outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                TaskOutcome::Failed(e) => Some((i, self.record.tasks[i].name.as_str(), e)),
                TaskOutcome::Drawn(_) => None,
            })
            .collect()
    }
}

fn digest_of(v: &impl Serialize, tag: &str, key: &str) -> String {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove(key);
    }
    hex(&tagged(tag, &[canonical_json(&v).as_bytes()]))
}

fn pretty(v: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn bad(en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidRecord, en, zh)
}

impl BatchAnnouncement {
    /// `batch_announcement_digest` (SPEC §17.2).
    pub fn compute_digest(&self) -> String {
        digest_of(
            self,
            "shuangsui/1/plan-batch-announcement",
            "batch_announcement_digest",
        )
    }

    /// As published: pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        pretty(self)
    }

    /// Reads a batch announcement and checks it (SPEC §17.2).
    ///
    /// # Errors
    /// `InvalidRecord` naming what is wrong.
    pub fn from_json(text: &str) -> Result<BatchAnnouncement> {
        let a: BatchAnnouncement = serde_json::from_str(text).map_err(|e| {
            bad(
                format!("the batch announcement is malformed: {e}"),
                format!("批次抽查公告格式有误（不是本程序生成的批次公告？）：{e}"),
            )
        })?;
        a.check()?;
        Ok(a)
    }

    fn check(&self) -> Result<()> {
        if self.protocol != PLAN_PROTOCOL {
            return Err(bad(
                format!("the batch announcement's protocol is \"{}\"; this program reads {PLAN_PROTOCOL}", self.protocol),
                format!("批次抽查公告的协议为“{}”；本程序读取 {PLAN_PROTOCOL}", self.protocol),
            ));
        }
        if self.compute_digest() != self.batch_announcement_digest {
            return Err(bad(
                "the batch announcement's digest does not match its content: it was edited after it was made",
                "批次抽查公告的摘要与内容不符：公告在生成后被修改过",
            ));
        }
        if self.tasks.is_empty() {
            return Err(bad(
                "the batch announcement lists no task",
                "批次抽查公告没有列出任何抽查任务",
            ));
        }
        for (i, t) in self.tasks.iter().enumerate() {
            // Each task's announcement is read as a published one (SPEC §12).
            Announcement::from_json(&t.to_json_pretty()).map_err(|e| {
                e.context(
                    &format!("task {} of the batch announcement", i + 1),
                    &format!("批次抽查公告的第 {} 个任务", i + 1),
                )
            })?;
            let forms: Vec<&SeedForm> = t.forms();
            if t.published.as_deref() != Some(self.published.as_str())
                || forms.len() != self.seed_sources.len()
                || forms.iter().zip(&self.seed_sources).any(|(a, b)| *a != b)
            {
                return Err(bad(
                    format!("task {} (\"{}\") of the batch announcement is not announced with the batch's publication date and seed", i + 1, t.task.name),
                    format!("批次抽查公告的第 {} 个任务（“{}”）的发布日期或随机种子与批次的不一致", i + 1, t.task.name),
                ));
            }
            if self.tasks[..i].iter().any(|x| x.task.name == t.task.name) {
                return Err(bad(
                    format!(
                        "two tasks of the batch announcement are named \"{}\"",
                        t.task.name
                    ),
                    format!("批次抽查公告中有两个任务都名为“{}”", t.task.name),
                ));
            }
        }
        Ok(())
    }
}

impl BatchRecord {
    /// `batch_digest` (SPEC §17.4).
    pub fn compute_digest(&self) -> String {
        digest_of(self, "shuangsui/1/plan-batch", "batch_digest")
    }

    /// As published: pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        pretty(self)
    }

    /// Reads a batch record; its digest is checked by [`verify_batch`].
    ///
    /// # Errors
    /// `InvalidRecord` when it is not a batch record.
    pub fn from_json(text: &str) -> Result<BatchRecord> {
        let r: BatchRecord = serde_json::from_str(text).map_err(|e| {
            bad(
                format!("the batch record is malformed: {e}"),
                format!("批次抽取汇总格式有误（不是本程序生成的 batch.json？）：{e}"),
            )
        })?;
        if r.protocol != PLAN_PROTOCOL {
            return Err(bad(
                format!(
                    "the batch record's protocol is \"{}\"; this program reads {PLAN_PROTOCOL}",
                    r.protocol
                ),
                format!(
                    "批次抽取汇总的协议为“{}”；本程序读取 {PLAN_PROTOCOL}",
                    r.protocol
                ),
            ));
        }
        Ok(r)
    }
}

/// Announces a batch (SPEC §17.2): each task's own announcement, with the
/// batch's seed forms and publication date, gathered in one document.
///
/// # Errors
/// As [`crate::announce`] for any task, naming it.
pub fn announce_batch(
    plan: &str,
    batch: &str,
    tasks: &[TaskInputs],
    seed_forms: &[SeedForm],
    published: &str,
) -> Result<BatchAnnouncement> {
    let mut announced = Vec::with_capacity(tasks.len());
    for t in tasks {
        let a = Prepared::new(t.task, t.entities, t.inspectors, t.exclusions)
            .and_then(|p| p.announce(seed_forms, published))
            .map_err(|e| in_task(e, &t.task.name))?;
        announced.push(a);
    }
    let mut a = BatchAnnouncement {
        protocol: PLAN_PROTOCOL.to_string(),
        plan: plan.to_string(),
        batch: batch.to_string(),
        published: announced
            .first()
            .and_then(|a| a.published.clone())
            .unwrap_or_default(),
        seed_sources: seed_forms.to_vec(),
        tasks: announced,
        batch_announcement_digest: String::new(),
    };
    a.check_names(tasks)?;
    a.batch_announcement_digest = a.compute_digest();
    Ok(a)
}

impl BatchAnnouncement {
    fn check_names(&self, tasks: &[TaskInputs]) -> Result<()> {
        for (i, t) in tasks.iter().enumerate() {
            if tasks[..i].iter().any(|x| x.task.name == t.task.name) {
                return Err(Error::new(
                    ErrorKind::InvalidTask,
                    format!(
                        "two tasks of the batch are named \"{}\"; give each its own name",
                        t.task.name
                    ),
                    format!(
                        "本批次有两个任务都名为“{}”；请为每个任务另起名称",
                        t.task.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn in_task(e: Error, name: &str) -> Error {
    e.context(&format!("task \"{name}\""), &format!("任务“{name}”"))
}

/// Whether a task's draw failing with this kind is the task's own failure
/// (the others are still drawn) rather than a wrong input of the batch.
fn task_failure(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::OverlappingStrata
            | ErrorKind::QuotaExceedsStratum
            | ErrorKind::NoQualifiedInspector
            | ErrorKind::Infeasible
    )
}

/// Draws a batch (SPEC §17.3): each task an ordinary `shuangsui-draw/2`
/// draw under its own announcement with the batch's seed; then the visit
/// list. `progress` is told each task before it is drawn.
///
/// # Errors
/// `AnnouncementMismatch` when the tasks are not the announced ones or an
/// input differs; `InvalidSeed` for a seed that does not fit the forms. A
/// task that fails on its own (SPEC §17.3) is not an error: it is in
/// [`BatchDraw::outcomes`].
pub fn draw_batch(
    a: &BatchAnnouncement,
    tasks: &[TaskInputs],
    seed_texts: &[String],
    progress: &dyn Fn(usize, &str),
) -> Result<BatchDraw> {
    a.check()?;
    same_tasks(a, tasks)?;
    let seed = read_seed(&a.tasks[0], seed_texts)?;
    draw_with_seed(a, tasks, &seed, progress)
}

fn same_tasks(a: &BatchAnnouncement, tasks: &[TaskInputs]) -> Result<()> {
    let announced: Vec<&str> = a.tasks.iter().map(|t| t.task.name.as_str()).collect();
    let given: Vec<&str> = tasks.iter().map(|t| t.task.name.as_str()).collect();
    if announced != given {
        return Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!("the batch announcement lists the tasks {announced:?}, the plan gives {given:?}; draw with the plan file that was announced"),
            format!("批次抽查公告列出的任务为 {announced:?}，计划文件给出的为 {given:?}；请使用公告时的计划文件"),
        ));
    }
    Ok(())
}

fn draw_with_seed(
    a: &BatchAnnouncement,
    tasks: &[TaskInputs],
    seed: &[SeedSource],
    progress: &dyn Fn(usize, &str),
) -> Result<BatchDraw> {
    let mut outcomes = Vec::with_capacity(tasks.len());
    for (i, (t, ann)) in tasks.iter().zip(&a.tasks).enumerate() {
        progress(i, &t.task.name);
        let drawn = Prepared::new(t.task, t.entities, t.inspectors, t.exclusions)
            .and_then(|p| p.draw(seed, Announced::By(ann)));
        match drawn {
            Ok(r) => outcomes.push(TaskOutcome::Drawn(Box::new(r))),
            Err(e) if task_failure(e.kind()) => {
                outcomes.push(TaskOutcome::Failed(in_task(e, &t.task.name)))
            }
            Err(e) => return Err(in_task(e, &t.task.name)),
        }
    }
    let record = batch_record(a, seed, &outcomes);
    Ok(BatchDraw { outcomes, record })
}

/// The seed as the records hold it: each source with its announced form
/// and description (SPEC §11).
fn seed_record(a: &BatchAnnouncement, seed: &[SeedSource]) -> SeedRecord {
    let sources: Vec<SeedSource> = seed
        .iter()
        .zip(&a.seed_sources)
        .map(|(s, f)| SeedSource {
            description: f.describe(),
            form: Some(Some(f.clone())),
            ..s.clone()
        })
        .collect();
    SeedRecord {
        digest: hex(&seed_digest(&sources)),
        sources,
    }
}

fn batch_record(
    a: &BatchAnnouncement,
    seed: &[SeedSource],
    outcomes: &[TaskOutcome],
) -> BatchRecord {
    let records: Vec<Option<&DrawRecord>> = outcomes
        .iter()
        .map(|o| match o {
            TaskOutcome::Drawn(r) => Some(&**r),
            TaskOutcome::Failed(_) => None,
        })
        .collect();
    let tasks = a
        .tasks
        .iter()
        .zip(outcomes)
        .map(|(t, o)| BatchTask {
            name: t.task.name.clone(),
            record_digest: match o {
                TaskOutcome::Drawn(r) => Some(r.record_digest.clone()),
                TaskOutcome::Failed(_) => None,
            },
            error: match o {
                TaskOutcome::Drawn(_) => None,
                TaskOutcome::Failed(e) => Some(e.kind().name().to_string()),
            },
        })
        .collect();
    let mut r = BatchRecord {
        protocol: PLAN_PROTOCOL.to_string(),
        plan: a.plan.clone(),
        batch: a.batch.clone(),
        batch_announcement_digest: a.batch_announcement_digest.clone(),
        seed: seed_record(a, seed),
        tasks,
        visits: visits(&records),
        batch_digest: String::new(),
    };
    r.batch_digest = r.compute_digest();
    r
}

/// The visit list of a batch (SPEC §17.4) from its tasks' records, in the
/// batch's order (`None` for a task that failed): one visit per entity
/// drawn by any task, in the order entities are first met (task by task,
/// each in draw order); its tasks ascending; its team the union of those
/// tasks' teams, task by task in pick order, each inspector once, the
/// first task's leader leading.
pub fn visits(records: &[Option<&DrawRecord>]) -> Vec<Visit> {
    let mut out: Vec<Visit> = Vec::new();
    let mut at: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (t, r) in records.iter().enumerate() {
        let Some(r) = r else { continue };
        for d in &r.draws {
            let v = *at.entry(d.entity.id.as_str()).or_insert_with(|| {
                out.push(Visit {
                    entity: d.entity.clone(),
                    tasks: Vec::new(),
                    team: Vec::new(),
                });
                out.len() - 1
            });
            let visit = &mut out[v];
            visit.tasks.push(t as u64);
            for m in &d.team {
                add_member(visit, m, t as u64);
            }
        }
    }
    out
}

fn add_member(visit: &mut Visit, m: &TeamMember, task: u64) {
    match visit.team.iter_mut().find(|x| x.id == m.id) {
        Some(x) => x.tasks.push(task),
        None => {
            let role = if visit.team.is_empty() {
                Role::Leader
            } else {
                Role::Member
            };
            visit.team.push(VisitMember {
                id: m.id.clone(),
                name: m.name.clone(),
                department: m.department.clone(),
                role,
                tasks: vec![task],
            });
        }
    }
}

/// The verification of one task of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum TaskCheck {
    /// Its record was reproduced, with its announcement from the batch's.
    Reproduced,
    /// It failed again with the kind the batch record names.
    FailedAsRecorded {
        /// The kind (SPEC §14).
        error: String,
    },
    /// It does not verify: the first difference, in English and Chinese.
    Differs {
        /// In English.
        en: String,
        /// 中文.
        zh: String,
    },
}

/// The verification of a whole batch (SPEC §17.5).
#[derive(Debug, Clone, Serialize)]
pub struct BatchCheck {
    /// Every check passed: each task's record reproduced (or its failure
    /// repeated), the batch record's digests, and the visit list.
    pub reproduced: bool,
    /// Each task: its name and how it verified.
    pub tasks: Vec<(String, TaskCheck)>,
    /// The first difference of the batch record itself (its digest, its
    /// announcement, its tasks, its visit list), in English and Chinese.
    pub batch_difference: Option<(String, String)>,
}

/// Verifies a batch (SPEC §17.5): the batch announcement read, each task's
/// record verified alone under its announcement (§13), a failed task failed
/// again with the same kind, the batch record's digests and tasks, and its
/// visit list recomputed from the records. `records` holds each task's
/// record.json text, `None` where the batch record says the task failed
/// or the file is missing.
///
/// # Errors
/// `InvalidRecord` for an unreadable document; `AnnouncementMismatch` when
/// the tasks given are not the announced ones.
pub fn verify_batch(
    a: &BatchAnnouncement,
    batch_json: &str,
    records: &[Option<String>],
    tasks: &[TaskInputs],
) -> Result<BatchCheck> {
    a.check()?;
    same_tasks(a, tasks)?;
    let b = BatchRecord::from_json(batch_json)?;
    let mut check = BatchCheck {
        reproduced: true,
        tasks: Vec::new(),
        batch_difference: None,
    };
    let differ = |en: String, zh: String, check: &mut BatchCheck| {
        if check.batch_difference.is_none() {
            check.batch_difference = Some((en, zh));
        }
        check.reproduced = false;
    };
    if b.compute_digest() != b.batch_digest {
        differ(
            "the batch record's digest does not match its content: it was edited after the draw"
                .into(),
            "批次抽取汇总的摘要与内容不符：抽取后被修改过".into(),
            &mut check,
        );
    }
    if b.batch_announcement_digest != a.batch_announcement_digest
        || b.plan != a.plan
        || b.batch != a.batch
    {
        differ(
            format!(
                "the batch record names the batch announcement {} ({} / {}), not the one given, {}",
                b.batch_announcement_digest, b.plan, b.batch, a.batch_announcement_digest
            ),
            format!(
                "批次抽取汇总所依据的批次公告为 {}（{} / {}），不是所给的 {}",
                b.batch_announcement_digest, b.plan, b.batch, a.batch_announcement_digest
            ),
            &mut check,
        );
    }
    if b.tasks.len() != a.tasks.len() || records.len() != a.tasks.len() {
        return Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!("the batch announcement has {} tasks, the batch record {} and {} records were given", a.tasks.len(), b.tasks.len(), records.len()),
            format!("批次抽查公告有 {} 个任务，批次抽取汇总有 {} 个，给出的抽取记录为 {} 份", a.tasks.len(), b.tasks.len(), records.len()),
        ));
    }
    // The seed as the batch record holds it, re-read under the forms: a
    // seed that does not fit them is refused by each task's draw.
    let seed: Vec<SeedSource> = b.seed.sources.clone();
    let again = match draw_with_seed(a, tasks, &seed, &|_, _| {}) {
        Ok(d) => d,
        // A directory that is not the announced one, or a seed that does
        // not fit the forms: the batch does not verify, and this says why.
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::AnnouncementMismatch | ErrorKind::InvalidSeed
            ) =>
        {
            differ(
                e.message().to_string(),
                e.message_zh().to_string(),
                &mut check,
            );
            return Ok(check);
        }
        Err(e) => return Err(e),
    };
    for (i, ((t, ann), given)) in tasks.iter().zip(&a.tasks).zip(records).enumerate() {
        let listed = &b.tasks[i];
        let outcome = match (&again.outcomes[i], given) {
            (TaskOutcome::Failed(e), None) => {
                if listed.error.as_deref() == Some(e.kind().name())
                    && listed.record_digest.is_none()
                {
                    TaskCheck::FailedAsRecorded {
                        error: e.kind().name().to_string(),
                    }
                } else {
                    TaskCheck::Differs {
                        en: format!(
                            "the draw fails ({}: {}), but the batch record says {}",
                            e.kind().name(),
                            e.message(),
                            listed.error.as_deref().unwrap_or("it was drawn")
                        ),
                        zh: format!(
                            "重新抽取失败（{}：{}），而批次抽取汇总记为{}",
                            e.kind().name_zh(),
                            e.message_zh(),
                            listed.error.as_deref().unwrap_or("已抽取")
                        ),
                    }
                }
            }
            (TaskOutcome::Failed(e), Some(_)) => TaskCheck::Differs {
                en: format!("a record was given, but the draw fails: {}", e.message()),
                zh: format!("给出了抽取记录，但重新抽取失败：{}", e.message_zh()),
            },
            (TaskOutcome::Drawn(_), None) => TaskCheck::Differs {
                en: "the task draws, but its record.json is missing".into(),
                zh: "该任务可以抽取，但缺少其抽取记录 record.json".into(),
            },
            (TaskOutcome::Drawn(r), Some(text)) => {
                let v = crate::verify(text, t.entities, t.inspectors, t.exclusions)?;
                // Step 5 of SPEC §13.1: the record's announcement is the
                // task's announcement in the batch announcement.
                let v = match DrawRecord::from_json(text) {
                    Ok(rec) => crate::conclude(&rec, v, Some(ann)).0,
                    Err(_) => v,
                };
                match v {
                    Verification::Differs(d) => {
                        TaskCheck::Differs { en: d.en, zh: d.zh }
                    }
                    Verification::Reproduced if listed.record_digest.as_deref() != Some(r.record_digest.as_str()) => {
                        TaskCheck::Differs {
                            en: format!("the record verifies, but the batch record lists another record digest ({})", listed.record_digest.as_deref().unwrap_or("none")),
                            zh: format!("抽取记录核验通过，但批次抽取汇总中记录的摘要不同（{}）", listed.record_digest.as_deref().unwrap_or("无")),
                        }
                    }
                    Verification::Reproduced => {
                        TaskCheck::Reproduced
                    }
                }
            }
        };
        if !matches!(
            outcome,
            TaskCheck::Reproduced | TaskCheck::FailedAsRecorded { .. }
        ) {
            check.reproduced = false;
        }
        check.tasks.push((t.task.name.clone(), outcome));
    }
    if check.reproduced && again.record != b {
        let (en, zh) = if again.record.visits != b.visits {
            let at = again
                .record
                .visits
                .iter()
                .zip(&b.visits)
                .position(|(x, y)| x != y)
                .unwrap_or(again.record.visits.len().min(b.visits.len()));
            (
                format!("the visit list differs from the one the records give, first at visit {} (expected {} visits, found {})", at + 1, again.record.visits.len(), b.visits.len()),
                format!("检查安排与各任务抽取记录得出的不一致，首处不同在第 {} 项（应为 {} 项，实为 {} 项）", at + 1, again.record.visits.len(), b.visits.len()),
            )
        } else {
            (
                "the batch record differs from the one the draw gives (its seed or its list of tasks)".into(),
                "批次抽取汇总与重新抽取得出的不一致（随机种子或任务列表不同）".into(),
            )
        };
        differ(en, zh, &mut check);
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{csv, Kind, DEMO_DATA_SEED, DEMO_PLAN_BATCHES, DEMO_PLAN_TOML};
    use crate::{EntityDirectory, PlanFile};

    struct Demo {
        plan: PlanFile,
        entities: EntityDirectory,
        inspectors: InspectorDirectory,
    }

    fn demo() -> Demo {
        let e = csv(Kind::Entities, DEMO_DATA_SEED, 300).unwrap();
        let i = csv(Kind::Inspectors, DEMO_DATA_SEED, 24).unwrap();
        Demo {
            plan: PlanFile::parse(DEMO_PLAN_TOML, "plan.toml").unwrap(),
            entities: EntityDirectory::from_csv(e.as_bytes(), "entities.csv").unwrap(),
            inspectors: InspectorDirectory::from_csv(i.as_bytes(), "inspectors.csv").unwrap(),
        }
    }

    fn inputs<'a>(d: &'a Demo, b: usize) -> Vec<TaskInputs<'a>> {
        d.plan.batches[b]
            .tasks
            .iter()
            .map(|t| TaskInputs {
                task: &t.file.task,
                entities: &d.entities,
                inspectors: &d.inspectors,
                exclusions: &t.file.exclusions,
            })
            .collect()
    }

    fn drawn(d: &Demo) -> (BatchAnnouncement, BatchDraw) {
        let b = &d.plan.batches[0];
        let (published, seed) = DEMO_PLAN_BATCHES[0];
        let a = announce_batch(
            &d.plan.name,
            &b.name,
            &inputs(d, 0),
            &b.seed_forms,
            published,
        )
        .unwrap();
        let r = draw_batch(&a, &inputs(d, 0), &[seed.to_string()], &|_, _| {}).unwrap();
        (a, r)
    }

    fn records(r: &BatchDraw) -> Vec<Option<String>> {
        r.outcomes
            .iter()
            .map(|o| match o {
                TaskOutcome::Drawn(r) => Some(r.to_json_pretty()),
                TaskOutcome::Failed(_) => None,
            })
            .collect()
    }

    #[test]
    fn each_task_is_the_draw_it_would_be_alone_under_its_announcement() {
        let d = demo();
        let (a, r) = drawn(&d);
        for ((t, ann), o) in inputs(&d, 0).iter().zip(&a.tasks).zip(&r.outcomes) {
            let seed = read_seed(ann, &[DEMO_PLAN_BATCHES[0].1.to_string()]).unwrap();
            let alone = crate::draw(&crate::DrawInputs {
                task: t.task,
                entities: t.entities,
                inspectors: t.inspectors,
                exclusions: t.exclusions,
                seed: &seed,
                announcement: Announced::By(ann),
            })
            .unwrap();
            let TaskOutcome::Drawn(rec) = o else {
                panic!("drawn")
            };
            assert_eq!(**rec, alone);
        }
        // Two tasks, one seed: different keys.
        let keys: Vec<&str> = r
            .outcomes
            .iter()
            .map(|o| match o {
                TaskOutcome::Drawn(r) => r.draw_key.as_str(),
                TaskOutcome::Failed(_) => "",
            })
            .collect();
        assert_ne!(keys[0], keys[1]);
    }

    #[test]
    fn visits_merge_an_entity_drawn_twice_with_the_union_of_teams() {
        let d = demo();
        let (_, r) = drawn(&d);
        let recs: Vec<&DrawRecord> = r
            .outcomes
            .iter()
            .map(|o| match o {
                TaskOutcome::Drawn(r) => &**r,
                TaskOutcome::Failed(_) => unreachable!(),
            })
            .collect();
        let v = &r.record.visits;
        let both: Vec<&Visit> = v.iter().filter(|v| v.tasks == [0, 1]).collect();
        assert!(!both.is_empty());
        for visit in both {
            let team_of = |t: usize| {
                recs[t]
                    .draws
                    .iter()
                    .find(|d| d.entity.id == visit.entity.id)
                    .unwrap()
                    .team
                    .clone()
            };
            let (a, b) = (team_of(0), team_of(1));
            // The first task's team in order, then the second's.
            let ids: Vec<&str> = visit.team.iter().map(|m| m.id.as_str()).collect();
            let want: Vec<&str> = a.iter().chain(&b).map(|m| m.id.as_str()).collect();
            assert_eq!(ids, want);
            assert_eq!(visit.team[0].id, a[0].id);
            assert_eq!(visit.team[0].role, Role::Leader);
        }
        // Every draw of every task is in exactly one visit.
        let draws: usize = recs.iter().map(|r| r.draws.len()).sum();
        let listed: usize = v.iter().map(|v| v.tasks.len()).sum();
        assert_eq!(draws, listed);
    }

    #[test]
    fn a_visit_list_edited_with_its_digest_recomputed_does_not_verify() {
        let d = demo();
        let (a, r) = drawn(&d);
        let texts = records(&r);
        let ok = verify_batch(&a, &r.record.to_json_pretty(), &texts, &inputs(&d, 0)).unwrap();
        assert!(ok.reproduced, "{ok:?}");
        let mut edited = r.record.clone();
        let j = edited
            .visits
            .iter()
            .position(|v| v.tasks.len() > 1)
            .unwrap();
        edited.visits[j].team.swap(0, 1);
        edited.batch_digest = edited.compute_digest();
        let bad = verify_batch(&a, &edited.to_json_pretty(), &texts, &inputs(&d, 0)).unwrap();
        assert!(!bad.reproduced);
        let (en, zh) = bad.batch_difference.unwrap();
        assert!(en.contains(&format!("visit {}", j + 1)), "{en}");
        assert!(zh.contains("检查安排"), "{zh}");
    }

    #[test]
    fn another_directory_does_not_verify_and_says_which() {
        let d = demo();
        let (a, r) = drawn(&d);
        let fewer = csv(Kind::Entities, DEMO_DATA_SEED, 299).unwrap();
        let fewer = EntityDirectory::from_csv(fewer.as_bytes(), "entities.csv").unwrap();
        let mut given = inputs(&d, 0);
        for t in &mut given {
            t.entities = &fewer;
        }
        let c = verify_batch(&a, &r.record.to_json_pretty(), &records(&r), &given).unwrap();
        assert!(!c.reproduced);
        assert!(c.batch_difference.unwrap().1.contains("检查对象名录库"));
    }

    #[test]
    fn an_edited_batch_announcement_is_refused() {
        let d = demo();
        let (a, _) = drawn(&d);
        let text = a.to_json_pretty().replacen("第一批次", "第三批次", 1);
        let e = BatchAnnouncement::from_json(&text).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRecord);
        assert!(e.message_zh().contains("被修改过"));
    }
}
