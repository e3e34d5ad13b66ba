//! Plans (年度抽查计划) of batches (批次) of tasks (SPEC.md §17): the plan
//! file, the batch announcement, the draw of a batch with its visit list
//! (joint visits, 优化营商环境条例 第五十四条) and the verification of a
//! whole batch. Every task of a batch is an ordinary `shuangsui-draw/2`
//! draw under its own announcement, which the batch announcement contains,
//! so each task's record verifies alone with [`crate::verify`].

mod batch;
mod publish;

pub use batch::{
    announce_batch, draw_batch, verify_batch, visits, BatchAnnouncement, BatchCheck, BatchDraw,
    BatchRecord, BatchTask, TaskCheck, TaskInputs, TaskOutcome, Visit, VisitMember, PLAN_PROTOCOL,
};
pub use publish::{
    batch_announcement_html, visits_csv, visits_html, visits_table, visits_xlsx, VISIT_COLUMNS,
};

use crate::spec::seed::SeedForm;
use crate::spec::task::TaskFile;
use crate::spec::text::normalize_text;
use crate::{Error, ErrorKind, Result};

/// A plan file (SPEC §17.1), read.
#[derive(Debug, Clone)]
pub struct PlanFile {
    /// The plan's name (`plan`).
    pub name: String,
    /// The batches, in the file's order.
    pub batches: Vec<BatchPlan>,
}

/// One batch of a plan file: its name, its seed forms and its tasks.
#[derive(Debug, Clone)]
pub struct BatchPlan {
    /// The batch's name (`name`), distinct within the plan.
    pub name: String,
    /// The batch's seed forms (`[[batch.seed]]`, SPEC §6.2), in order.
    pub seed_forms: Vec<SeedForm>,
    /// The tasks, in the file's order.
    pub tasks: Vec<PlannedTask>,
}

/// A task of a batch, with the files it is drawn over.
#[derive(Debug, Clone)]
pub struct PlannedTask {
    /// The task, read as a task file (SPEC §5.3) with the batch's
    /// `draw_date` and seed forms and the plan's reading options.
    pub file: TaskFile,
    /// The entity directory (the task's `entities_file`, else the plan's).
    pub entities_file: String,
    /// The inspector directory.
    pub inspectors_file: String,
    /// The exclusion lists (the task's `exclusions_files`, else the plan's).
    pub exclusions_files: Vec<String>,
}

/// Keys of the plan file's top level (SPEC §17.1).
const PLAN_KEYS: &[&str] = &[
    "plan",
    "entities_file",
    "inspectors_file",
    "exclusions_files",
    "invalid_codes",
    "columns",
    "batch",
];

/// The keys of a task table that belong to the plan, not to the task.
const FILE_KEYS: &[&str] = &["entities_file", "inspectors_file", "exclusions_files"];

/// Keys a task table may not have: they are the batch's or the plan's.
const NOT_IN_TASK: &[(&str, &str, &str)] = &[
    (
        "draw_date",
        "it is the batch's: write it once in [[batch]]",
        "抽取日期属于批次：请在 [[batch]] 中写一次",
    ),
    (
        "seed",
        "the seed is the batch's: write [[batch.seed]]",
        "随机种子属于批次：请写在 [[batch.seed]] 中",
    ),
    (
        "invalid_codes",
        "it is the plan's: write it at the top of the plan file",
        "它属于整个计划：请写在计划文件开头",
    ),
    (
        "columns",
        "they are the plan's: write [columns.*] at the top of the plan file",
        "列映射属于整个计划：请把 [columns.*] 写在计划文件开头",
    ),
];

fn invalid(source: &str, en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidTask, en, zh).in_file(source)
}

fn text_of(source: &str, key: &str, v: &toml::Value) -> Result<String> {
    match v {
        toml::Value::String(s) => {
            let t = normalize_text(s)?;
            if t.is_empty() {
                return Err(invalid(
                    source,
                    format!("`{key}` is empty"),
                    format!("`{key}` 为空"),
                ));
            }
            Ok(t)
        }
        _ => Err(invalid(
            source,
            format!("`{key}` must be a text in quotes"),
            format!("`{key}` 应为加引号的文字"),
        )),
    }
}

fn files_of(source: &str, key: &str, v: &toml::Value) -> Result<Vec<String>> {
    match v {
        toml::Value::String(_) => Ok(vec![text_of(source, key, v)?]),
        toml::Value::Array(a) => a.iter().map(|x| text_of(source, key, x)).collect(),
        _ => Err(invalid(
            source,
            format!("`{key}` must be a file name or a list of file names"),
            format!("`{key}` 应为文件名或文件名列表"),
        )),
    }
}

fn tables_of<'v>(source: &str, key: &str, v: &'v toml::Value) -> Result<Vec<&'v toml::Table>> {
    let list = match v {
        toml::Value::Array(a) => a,
        _ => {
            return Err(invalid(
                source,
                format!("`{key}` must be a list of tables, written [[{key}]]"),
                format!("`{key}` 应写成表的列表 [[{key}]]"),
            ))
        }
    };
    list.iter()
        .map(|x| match x {
            toml::Value::Table(t) => Ok(t),
            _ => Err(invalid(
                source,
                format!("each entry of `{key}` must be a table, written [[{key}]]"),
                format!("`{key}` 的每一项都应是表，写成 [[{key}]]"),
            )),
        })
        .collect()
}

impl PlanFile {
    /// Reads a plan file (TOML 1.0.0, SPEC §17.1).
    ///
    /// # Errors
    /// `InvalidTask` naming the key, the batch and the task that is wrong.
    pub fn parse(text: &str, source: &str) -> Result<PlanFile> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let top: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            invalid(
                source,
                format!("the plan file is not valid TOML: {}", e.message().trim()),
                format!("抽查计划文件不是有效的 TOML：{}", e.message().trim()),
            )
        })?;
        if let Some(k) = top.keys().find(|k| !PLAN_KEYS.contains(&k.as_str())) {
            return Err(invalid(
                source,
                format!("unknown key `{k}` in the plan file; the keys are {} (a task's keys go into a [[batch.task]] table)", PLAN_KEYS.join(", ")),
                format!("抽查计划文件中有未知的键 `{k}`；可用的键为 {}（任务的键应写在 [[batch.task]] 表中）", PLAN_KEYS.join("、")),
            ));
        }
        let name = match top.get("plan") {
            Some(v) => text_of(source, "plan", v)?,
            None => {
                return Err(invalid(
                    source,
                    "the plan file needs `plan`, the plan's name (e.g. plan = \"2027年度双随机抽查计划\")",
                    "抽查计划文件缺少 `plan`，即计划名称（例如 plan = \"2027年度双随机抽查计划\"）",
                ))
            }
        };
        let shared = |k: &str| top.get(k).map(|v| text_of(source, k, v)).transpose();
        let entities_file = shared("entities_file")?;
        let inspectors_file = shared("inspectors_file")?;
        let exclusions_files = match top.get("exclusions_files") {
            Some(v) => files_of(source, "exclusions_files", v)?,
            None => Vec::new(),
        };
        let batches = match top.get("batch") {
            Some(v) => tables_of(source, "batch", v)?,
            None => Vec::new(),
        };
        if batches.is_empty() {
            return Err(invalid(
                source,
                "the plan has no batch: add a [[batch]] table with its name, draw_date, [[batch.seed]] and [[batch.task]] tables",
                "抽查计划没有批次：请加入 [[batch]] 表，写明批次名称、抽取日期 draw_date、[[batch.seed]] 和 [[batch.task]]",
            ));
        }
        let mut plan = PlanFile {
            name,
            batches: Vec::new(),
        };
        for (b, table) in batches.into_iter().enumerate() {
            let batch = read_batch(
                source,
                b,
                table,
                &top,
                &entities_file,
                &inspectors_file,
                &exclusions_files,
            )?;
            if plan.batches.iter().any(|x| x.name == batch.name) {
                return Err(invalid(
                    source,
                    format!(
                        "two batches are named \"{}\"; give each batch its own name",
                        batch.name
                    ),
                    format!("有两个批次都名为“{}”；请为每个批次另起名称", batch.name),
                ));
            }
            plan.batches.push(batch);
        }
        plan.check_fresh_seeds(source)?;
        Ok(plan)
    }

    /// SPEC §17.1: no two batches share a seed source — one seed reused
    /// across rounds lets whoever sets the later round steer it.
    fn check_fresh_seeds(&self, source: &str) -> Result<()> {
        for (i, a) in self.batches.iter().enumerate() {
            for b in &self.batches[..i] {
                for f in &a.seed_forms {
                    if let Some(g) = b.seed_forms.iter().find(|g| same_event(f, g)) {
                        return Err(invalid(
                            source,
                            format!("batches \"{}\" and \"{}\" both take their seed from {}: each batch needs its own fresh seed, announced before it exists (a seed reused across batches lets whoever sets the later batch choose it knowing the result)", b.name, a.name, g.describe()),
                            format!("批次“{}”和“{}”都以 {} 为随机种子：每个批次都须使用在公告之后才产生的新种子（跨批次重复使用同一种子，后一批次的设定者可在已知结果的情况下安排抽取）", b.name, a.name, g.describe()),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The batch a user names, by its number (1, 2, …) or its name; the
    /// only batch when `which` is `None` and there is one.
    ///
    /// # Errors
    /// `InvalidValue` naming the batches there are.
    pub fn batch(&self, which: Option<&str>) -> Result<(usize, &BatchPlan)> {
        let listed = || {
            self.batches
                .iter()
                .enumerate()
                .map(|(i, b)| format!("{} {}", i + 1, b.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let found = match which {
            None if self.batches.len() == 1 => Some(0),
            None => None,
            Some(w) => {
                let w = normalize_text(w).unwrap_or_default();
                w.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=self.batches.len()).contains(n))
                    .map(|n| n - 1)
                    .or_else(|| self.batches.iter().position(|b| b.name == w))
            }
        };
        match found {
            Some(i) => Ok((i, &self.batches[i])),
            None => Err(Error::new(
                ErrorKind::InvalidValue,
                format!("say which batch, by its number or name: {}", listed()),
                format!("请用编号或名称指明批次：{}", listed()),
            )),
        }
    }
}

/// Whether two seed forms name the same public event: the same lottery
/// issue, the same beacon round, or the same text event on the same day.
fn same_event(a: &SeedForm, b: &SeedForm) -> bool {
    match (a, b) {
        (
            SeedForm::Lottery {
                game: g1,
                issue: i1,
                ..
            },
            SeedForm::Lottery {
                game: g2,
                issue: i2,
                ..
            },
        ) => g1 == g2 && i1 == i2,
        (
            SeedForm::Beacon {
                beacon: b1,
                round: r1,
                ..
            },
            SeedForm::Beacon {
                beacon: b2,
                round: r2,
                ..
            },
        ) => b1 == b2 && r1 == r2,
        (
            SeedForm::Text {
                event: e1,
                date: d1,
                ..
            },
            SeedForm::Text {
                event: e2,
                date: d2,
                ..
            },
        ) => e1 == e2 && d1 == d2,
        _ => false,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_batch(
    source: &str,
    b: usize,
    table: &toml::Table,
    top: &toml::Table,
    entities_file: &Option<String>,
    inspectors_file: &Option<String>,
    exclusions_files: &[String],
) -> Result<BatchPlan> {
    let at = format!("{source} [[batch]] {}", b + 1);
    if let Some(k) = table
        .keys()
        .find(|k| !["name", "draw_date", "seed", "task"].contains(&k.as_str()))
    {
        return Err(invalid(
            &at,
            format!("unknown key `batch.{k}`; a batch has name, draw_date, [[batch.seed]] and [[batch.task]] (a task's keys go into its [[batch.task]] table)"),
            format!("未知的键 `batch.{k}`；批次只有 name、draw_date、[[batch.seed]] 和 [[batch.task]]（任务的键应写在 [[batch.task]] 表中）"),
        ));
    }
    let name = match table.get("name") {
        Some(v) => text_of(&at, "batch.name", v)?,
        None => {
            return Err(invalid(
                &at,
                "the batch needs `name` (e.g. name = \"第一批次\")",
                "批次缺少 `name`（例如 name = \"第一批次\"）",
            ))
        }
    };
    let at = format!("{source} [{name}]");
    let Some(draw_date) = table.get("draw_date") else {
        return Err(invalid(
            &at,
            "the batch needs `draw_date` (e.g. draw_date = 2027-03-15)",
            "批次缺少 `draw_date`（例如 draw_date = 2027-03-15）",
        ));
    };
    let Some(seed) = table.get("seed") else {
        return Err(invalid(
            &at,
            "the batch needs its own seed: add a [[batch.seed]] table (e.g. lottery = \"福彩3D\", issue = \"2027068\", date = 2027-03-14)",
            "批次须有自己的随机种子：请加入 [[batch.seed]] 表（例如 lottery = \"福彩3D\"、issue = \"2027068\"、date = 2027-03-14）",
        ));
    };
    let tasks = match table.get("task") {
        Some(v) => tables_of(&at, "batch.task", v)?,
        None => Vec::new(),
    };
    if tasks.is_empty() {
        return Err(invalid(
            &at,
            "the batch has no task: add a [[batch.task]] table with the task's keys (SPEC.md §5.3)",
            "批次没有抽查任务：请加入 [[batch.task]] 表，写明任务的各项（见 SPEC.md §5.3）",
        ));
    }
    let mut planned: Vec<PlannedTask> = Vec::new();
    for (t, task) in tasks.into_iter().enumerate() {
        let at = format!("{source} [{name}] 任务 {} / task {}", t + 1, t + 1);
        let mut table = task.clone();
        for (k, en, zh) in NOT_IN_TASK {
            if table.contains_key(*k) {
                return Err(invalid(
                    &at,
                    format!("a task of a plan has no `{k}`: {en}"),
                    format!("计划中的任务不写 `{k}`：{zh}"),
                ));
            }
        }
        let mut own = |k: &str| table.remove(k);
        let ent = own("entities_file")
            .map(|v| text_of(&at, "entities_file", &v))
            .transpose()?;
        let insp = own("inspectors_file")
            .map(|v| text_of(&at, "inspectors_file", &v))
            .transpose()?;
        let excl = own("exclusions_files")
            .map(|v| files_of(&at, "exclusions_files", &v))
            .transpose()?;
        debug_assert!(FILE_KEYS.iter().all(|k| !table.contains_key(*k)));
        table.insert("draw_date".into(), draw_date.clone());
        table.insert("seed".into(), seed.clone());
        for k in ["invalid_codes", "columns"] {
            if let Some(v) = top.get(k) {
                table.insert(k.into(), v.clone());
            }
        }
        let written = toml::to_string(&table).map_err(|e| {
            invalid(
                &at,
                format!("the task cannot be read: {e}"),
                format!("无法读取该任务：{e}"),
            )
        })?;
        let file = TaskFile::parse(&written, &at)?;
        let need = |own: Option<String>, shared: &Option<String>, key: &str, what: (&str, &str)| {
            own.or_else(|| shared.clone()).ok_or_else(|| {
                invalid(
                    &at,
                    format!("no {} for this task: give `{key}` at the top of the plan file (shared by every task) or in the task", what.0),
                    format!("该任务没有{}：请在计划文件开头（所有任务共用）或在任务中写明 `{key}`", what.1),
                )
            })
        };
        let entities_file = need(
            ent,
            entities_file,
            "entities_file",
            ("entity directory", "检查对象名录库"),
        )?;
        let inspectors_file = need(
            insp,
            inspectors_file,
            "inspectors_file",
            ("inspector directory", "执法检查人员名录库"),
        )?;
        if planned.iter().any(|p| p.file.task.name == file.task.name) {
            return Err(invalid(
                &at,
                format!("two tasks of the batch are named \"{}\"; give each task its own name (the name tells their records apart and enters each task's key)", file.task.name),
                format!("本批次有两个任务都名为“{}”；请为每个任务另起名称（名称用于区分各任务的抽取记录，并参与各任务的密钥）", file.task.name),
            ));
        }
        planned.push(PlannedTask {
            file,
            entities_file,
            inspectors_file,
            exclusions_files: excl.unwrap_or_else(|| exclusions_files.to_vec()),
        });
    }
    let seed_forms = planned[0].file.seed_forms.clone();
    Ok(BatchPlan {
        name,
        seed_forms,
        tasks: planned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: &str = "[[batch]]\nname = \"一\"\ndraw_date = 2027-03-16\n[[batch.seed]]\nlottery = \"福彩3D\"\nissue = \"2027066\"\ndate = 2027-03-15\n";

    fn parse(extra_top: &str, task: &str) -> Result<PlanFile> {
        let text = format!(
            "plan = \"计划\"\nentities_file = \"e.csv\"\ninspectors_file = \"i.csv\"\n{extra_top}\n{BATCH}[[batch.task]]\nname = \"甲\"\nitem = \"检查\"\n{task}\n"
        );
        PlanFile::parse(&text, "plan.toml")
    }

    #[test]
    fn a_task_of_a_plan_is_a_task_file_with_the_batch_date_and_seed() {
        let p = parse(
            "",
            "strata_by = { attribute = \"信用风险等级\", ratios = { A = \"3%\" } }",
        )
        .unwrap();
        let t = &p.batches[0].tasks[0];
        assert_eq!(t.file.task.draw_date, "2027-03-16");
        assert_eq!(t.file.seed_forms.len(), 1);
        assert_eq!(t.entities_file, "e.csv");
        let alone = TaskFile::parse(
            "name = \"甲\"\nitem = \"检查\"\ndraw_date = 2027-03-16\nstrata_by = { attribute = \"信用风险等级\", ratios = { A = \"3%\" } }\n",
            "task.toml",
        )
        .unwrap();
        assert_eq!(t.file.task, alone.task);
    }

    #[test]
    fn keys_of_the_batch_or_plan_in_a_task_are_refused_by_name() {
        for (line, key) in [
            ("draw_date = 2027-01-01", "draw_date"),
            ("invalid_codes = \"warn\"", "invalid_codes"),
            ("seed = []", "seed"),
        ] {
            let e = parse("", line).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidTask);
            assert!(e.message().contains(key), "{e}");
            assert!(
                e.message_zh().contains("计划中的任务不写"),
                "{}",
                e.message_zh()
            );
        }
        let e = parse("", "nmae = \"x\"").unwrap_err();
        assert!(e.message().contains("nmae"), "{e}");
        let e = parse("colour = 1", "").unwrap_err();
        assert!(e.message().contains("colour"), "{e}");
    }

    #[test]
    fn task_names_are_distinct_within_a_batch() {
        let e = parse("", "[[batch.task]]\nname = \"甲\"\nitem = \"另一检查\"").unwrap_err();
        assert!(
            e.message_zh().contains("两个任务都名为“甲”"),
            "{}",
            e.message_zh()
        );
    }

    #[test]
    fn a_task_without_directories_says_where_to_give_them() {
        let text =
            format!("plan = \"计划\"\n{BATCH}[[batch.task]]\nname = \"甲\"\nitem = \"检查\"\n");
        let e = PlanFile::parse(&text, "plan.toml").unwrap_err();
        assert!(
            e.message_zh().contains("检查对象名录库"),
            "{}",
            e.message_zh()
        );
    }

    #[test]
    fn batches_are_chosen_by_number_or_name() {
        let p = parse("", "").unwrap();
        assert_eq!(p.batch(None).unwrap().0, 0);
        assert_eq!(p.batch(Some("1")).unwrap().0, 0);
        assert_eq!(p.batch(Some("一")).unwrap().0, 0);
        let e = p.batch(Some("2")).unwrap_err();
        assert!(e.message_zh().contains("1 一"), "{}", e.message_zh());
    }
}
