//! The pre-flight (预检, SPEC.md §12.1): a task run against the loaded
//! directories before any seed exists, so that a mistake is found before
//! the announcement makes it public — a stratum value that matches nobody,
//! a misspelt department, a 回避 pair naming someone in neither directory,
//! team rules that cannot be met, an unfilled seed form. It reads the
//! inputs with the draw's own rules (the strata of `EntitySource::strata`,
//! `Condition::holds`, the quota of `stratum_quota`, the draw itself for
//! the team rules) and is advisory: nothing of it enters the announcement
//! or the record.

use crate::draw::{
    draw_with, excluded_in, excluded_positions, qualification, stratum_quota, Prepared,
};
use crate::input::directory::InspectorDirectory;
use crate::input::exclusions::Exclusions;
use crate::input::population::EntitySource;
use crate::record::Protocol;
use crate::spec::seed::{SeedForm, SeedKind, SeedSource};
use crate::spec::task::{Condition, Stratum, Task};
use crate::spec::task_toml::ratio_text;
use crate::{Error, ErrorKind, Result};
use serde::Serialize;
use std::collections::BTreeSet;

/// How many examples a finding lists.
const EXAMPLES: usize = 5;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Announcing would fail, or announce a task that cannot be drawn.
    Error,
    /// The draw would silently draw less, or otherwise than meant: to be
    /// acknowledged before announcing.
    Warning,
    /// Information (the trial draw's outcome).
    Note,
}

/// One thing the pre-flight found, in both languages, with the control
/// that fixes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error, warning or note.
    pub level: Level,
    /// A stable name for programs and tests, e.g. `department-unmatched`.
    pub code: &'static str,
    /// What fixes it, as the page names its controls: `entities`,
    /// `inspectors`, `exclusions` (the files); `task.strata`,
    /// `task.fields`, `task.departments`, `task.team`, `task.conflicts`,
    /// `task.exclusions` (the task); `seed.forms`, `seed.published` (the
    /// announcement's seed sources and date).
    pub control: &'static str,
    /// In English.
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

/// One stratum as the pre-flight reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumPreflight {
    /// The stratum's name.
    pub name: String,
    /// Its conditions in words.
    pub condition_en: String,
    /// 其条件。
    pub condition_zh: String,
    /// Entities that match it (SPEC §5.1).
    pub population: u64,
    /// Of those, on the exclusion list.
    pub excluded: u64,
    /// Population − excluded.
    pub eligible: u64,
    /// How the quota is read: "at least 3% (4 entities)", "3 entities".
    pub quota_en: String,
    /// 配额的读法：“不少于 3%（即 4 户）”“3 户”。
    pub quota_zh: String,
    /// What will be drawn; `None` when the quota cannot be met.
    pub to_draw: Option<u64>,
}

/// What the pre-flight found (SPEC §12.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preflight {
    /// Each stratum, in task order (empty when the strata overlap).
    pub strata: Vec<StratumPreflight>,
    /// Entities that match no stratum.
    pub unstratified: u64,
    /// Inspectors qualified for the task (SPEC §10).
    pub qualified_inspectors: u64,
    /// Errors, warnings and notes, in the order checked.
    pub findings: Vec<Finding>,
}

impl Preflight {
    /// How many findings are of `level`.
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

fn finding(
    level: Level,
    code: &'static str,
    control: &'static str,
    en: String,
    zh: String,
) -> Finding {
    Finding {
        level,
        code,
        control,
        en,
        zh,
    }
}

/// Runs the pre-flight of a task and its inputs (SPEC §12.1); `seed_forms`
/// and `published` are checked as announcing would check them.
///
/// # Errors
/// As [`Prepared::new`]: a task that breaks a rule, an exclusion that is
/// not an id. Everything else is a [`Finding`].
pub fn preflight(
    task: &Task,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
    seed_forms: &[SeedForm],
    published: &str,
) -> Result<Preflight> {
    Ok(Prepared::new(task, entities, inspectors, exclusions)?.preflight(seed_forms, published))
}

/// An attribute key in words (the id and name conditions, SPEC §5.1).
fn key_words(key: &str) -> (&str, &str) {
    match key {
        "id" => ("id", "统一社会信用代码"),
        "name" => ("name", "企业名称"),
        k => (k, k),
    }
}

/// A stratum's conditions in words (English, Chinese).
fn condition_words(s: &Stratum) -> (String, String) {
    if s.conditions.is_empty() {
        return ("every entity".into(), "全部检查对象".into());
    }
    let en: Vec<String> = s
        .conditions
        .iter()
        .map(|c| format!("{} = {}", key_words(&c.attribute).0, c.values.join(" or ")))
        .collect();
    let zh: Vec<String> = s
        .conditions
        .iter()
        .map(|c| format!("{}为{}", key_words(&c.attribute).1, c.values.join("或")))
        .collect();
    (en.join("; "), zh.join("；"))
}

/// How a stratum's quota is read (English, Chinese), with `k` drawn.
fn quota_words(s: &Stratum, k: Option<u64>) -> (String, String) {
    match (s.count, s.ratio_ppm, k) {
        (Some(c), _, _) => (format!("{c} entities"), format!("{c} 户")),
        (None, Some(r), Some(k)) => (
            format!("at least {} ({k} entities)", ratio_text(r)),
            format!("不少于 {}（即 {k} 户）", ratio_text(r)),
        ),
        _ => (String::new(), String::new()),
    }
}

/// Up to [`EXAMPLES`] items joined, with "…" when there are more.
fn some(items: &[String], sep: &str) -> String {
    let mut out = items
        .iter()
        .take(EXAMPLES)
        .cloned()
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > EXAMPLES {
        out.push_str(sep);
        out.push('…');
    }
    out
}

/// The seed forms and the publication date, checked as announcing checks
/// them (SPEC §6.2, §12): one error per problem, naming the source.
pub fn seed_form_findings(
    seed_forms: &[SeedForm],
    published: &str,
    draw_date: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if seed_forms.is_empty() {
        out.push(finding(
            Level::Error,
            "seed-none",
            "seed.forms",
            "no seed source is named: say exactly which public result will be the seed".into(),
            "没有写明随机种子来源：请写明将以哪一个公开结果作为随机种子".into(),
        ));
    }
    let mut all_valid = true;
    for (i, f) in seed_forms.iter().enumerate() {
        if let Err(e) = f.validate().and_then(|()| f.check_filled()) {
            all_valid = false;
            out.push(finding(
                Level::Error,
                "seed-form",
                "seed.forms",
                format!("seed source {}: {}", i + 1, e.message()),
                format!("第 {} 个随机种子来源：{}", i + 1, e.message_zh()),
            ));
        }
    }
    if all_valid && !seed_forms.is_empty() {
        let forms: Vec<&SeedForm> = seed_forms.iter().collect();
        let published = crate::spec::text::canonical_date(published).unwrap_or_default();
        if let Some((en, zh)) = crate::record::dates_problem(Some(&published), &forms, draw_date) {
            out.push(finding(
                Level::Error,
                "seed-dates",
                "seed.published",
                en,
                zh,
            ));
        }
    }
    out
}

impl Prepared<'_> {
    /// The pre-flight of this task and its inputs (SPEC §12.1), with the
    /// seed forms and publication date checked as announcing checks them.
    pub fn preflight(&self, seed_forms: &[SeedForm], published: &str) -> Preflight {
        let mut p = self.preflight_inputs();
        p.findings.extend(seed_form_findings(
            seed_forms,
            published,
            &self.task.draw_date,
        ));
        p
    }

    /// The pre-flight of the task and the directories alone (what the page
    /// computes again only when they change; the seed forms are checked
    /// on their own by [`seed_form_findings`]).
    pub fn preflight_inputs(&self) -> Preflight {
        let mut p = Preflight {
            strata: Vec::new(),
            unstratified: 0,
            qualified_inspectors: 0,
            findings: Vec::new(),
        };
        self.check_strata(&mut p);
        self.check_inspectors(&mut p);
        self.check_lists(&mut p);
        // The trial says something only about a task the checks above found
        // drawable; their errors would make it fail for the same reason.
        if p.count(Level::Error) == 0 {
            p.findings.push(self.trial());
        }
        p
    }

    /// Per stratum: how many match, how its quota reads, what is drawn; a
    /// value that no entity has; the entities no stratum takes.
    fn check_strata(&self, p: &mut Preflight) {
        let task = self.task;
        let strata = match self.entities.strata(task) {
            Ok(s) => s,
            Err(e) => {
                p.findings
                    .push(from_error(Level::Error, "overlap", "task.strata", &e));
                return;
            }
        };
        let excluded = excluded_positions(self.entities, &self.exclusions);
        for (stratum, members) in task.strata.iter().zip(&strata.members) {
            let population = members.len() as u64;
            let excluded_here = excluded_in(&excluded, members);
            let eligible = population - excluded_here;
            let k = match stratum_quota(stratum, population, excluded_here) {
                Ok(k) => Some(k),
                Err(e) => {
                    p.findings
                        .push(from_error(Level::Error, "quota-exceeds", "task.strata", &e));
                    None
                }
            };
            let (condition_en, condition_zh) = condition_words(stratum);
            let (quota_en, quota_zh) = quota_words(stratum, k);
            self.check_values(p, stratum, population, &condition_en, &condition_zh);
            if population > 0 && eligible == 0 {
                p.findings.push(finding(
                    Level::Warning,
                    "stratum-all-excluded",
                    "exclusions",
                    format!("stratum \"{}\": all {population} matching entities are on the exclusion list, so none will be drawn from it", stratum.name),
                    format!("分层“{}”符合条件的 {population} 户全部在排除名单中，该分层不会抽取任何检查对象", stratum.name),
                ));
            }
            p.strata.push(StratumPreflight {
                name: stratum.name.clone(),
                condition_en,
                condition_zh,
                population,
                excluded: excluded_here,
                eligible,
                quota_en,
                quota_zh,
                to_draw: k,
            });
        }
        p.unstratified = strata.unstratified;
        if strata.unstratified > 0 {
            self.unstratified(p, &strata.members);
        }
    }

    /// A stratum that matches nobody, and the values of its conditions
    /// that no entity has (read only when the directory is in memory).
    fn check_values(
        &self,
        p: &mut Preflight,
        stratum: &Stratum,
        population: u64,
        condition_en: &str,
        condition_zh: &str,
    ) {
        let mut dead: Vec<(String, String)> = Vec::new();
        if let Some(all) = self.entities.in_memory() {
            for c in &stratum.conditions {
                for v in &c.values {
                    let probe = Condition {
                        attribute: c.attribute.clone(),
                        values: vec![v.clone()],
                    };
                    let key = &c.attribute;
                    if !all
                        .iter()
                        .any(|e| probe.holds(e.attribute(key).unwrap_or("").as_bytes()))
                    {
                        let (en, zh) = key_words(key);
                        dead.push((format!("{en} = {v}"), format!("{zh}为“{v}”")));
                    }
                }
            }
        }
        let dead_en: Vec<String> = dead.iter().map(|d| d.0.clone()).collect();
        let dead_zh: Vec<String> = dead.iter().map(|d| d.1.clone()).collect();
        let no_one_en = if dead.is_empty() {
            String::new()
        } else {
            format!(" No entity of the directory has {}.", some(&dead_en, "; "))
        };
        let no_one_zh = if dead.is_empty() {
            String::new()
        } else {
            format!("名录库中没有任何检查对象{}。", some(&dead_zh, "；"))
        };
        if population == 0 {
            p.findings.push(finding(
                Level::Warning,
                "stratum-empty",
                "task.strata",
                format!("stratum \"{}\" ({condition_en}) matches no entity of the directory, so nothing will be drawn from it.{no_one_en} Check the spelling of its values against the directory", stratum.name),
                format!("分层“{}”（{condition_zh}）在检查对象名录库中没有符合条件的检查对象，不会抽取任何对象。{no_one_zh}请对照名录库核对分层的取值", stratum.name),
            ));
        } else if !dead.is_empty() {
            p.findings.push(finding(
                Level::Warning,
                "value-unmatched",
                "task.strata",
                format!("stratum \"{}\":{no_one_en} That value adds nothing to the stratum; check its spelling against the directory", stratum.name),
                format!("分层“{}”：{no_one_zh}该取值不起作用，请对照名录库核对", stratum.name),
            ));
        }
    }

    /// The entities no stratum takes: how many, and a few of them with the
    /// values the strata look at.
    fn unstratified(&self, p: &mut Preflight, members: &[Vec<u32>]) {
        let mut taken = vec![false; self.entities.count()];
        for &pos in members.iter().flatten() {
            taken[pos as usize] = true;
        }
        let first: Vec<u32> = (0..taken.len() as u32)
            .filter(|&pos| !taken[pos as usize])
            .take(EXAMPLES)
            .collect();
        let keys: BTreeSet<&str> = self
            .task
            .strata
            .iter()
            .flat_map(|s| s.conditions.iter().map(|c| c.attribute.as_str()))
            .collect();
        let examples = self
            .entities
            .entities_at(&first, &|k| keys.contains(k))
            .unwrap_or_default();
        let (mut en, mut zh) = (Vec::new(), Vec::new());
        for e in &examples {
            let values: Vec<String> = keys
                .iter()
                .filter(|k| !matches!(**k, "id" | "name"))
                .map(|k| format!("{k}={}", e.attribute(k).unwrap_or("")))
                .collect();
            en.push(format!("{} {} ({})", e.id, e.name, values.join(", ")));
            zh.push(format!("{} {}（{}）", e.id, e.name, values.join("，")));
        }
        let n = p.unstratified;
        p.findings.push(finding(
            Level::Warning,
            "unstratified",
            "task.strata",
            format!("{n} entities of the directory match no stratum and will not be drawn, e.g. {}. If they should be drawn, add their value to the strata", en.join("; ")),
            format!("检查对象名录库中有 {n} 户不符合任何分层的条件，不会被抽取，例如：{}。如应参加抽取，请在分层中加入它们的取值", zh.join("；")),
        ));
    }

    /// The task's fields and departments that no inspector has.
    fn check_inspectors(&self, p: &mut Preflight) {
        let task = self.task;
        let inspectors = self.inspectors.inspectors();
        p.qualified_inspectors = inspectors
            .iter()
            .filter(|i| qualification(task, i).is_ok())
            .count() as u64;
        let known_fields: BTreeSet<&str> = inspectors
            .iter()
            .flat_map(|i| i.fields.iter().map(String::as_str))
            .collect();
        for f in &task.fields {
            if !known_fields.contains(f.as_str()) {
                let listed: Vec<String> = known_fields.iter().map(|x| x.to_string()).collect();
                p.findings.push(finding(
                    Level::Error,
                    "field-unmatched",
                    "task.fields",
                    format!("enforcement field \"{f}\": no inspector of the directory holds it, and every team member must, so no team can be formed. Fields in the directory: {}", some(&listed, ", ")),
                    format!("执法领域“{f}”：执法检查人员名录库中没有任何人员具备该执法领域，而每名组员都必须具备，因此无法组成检查组。名录库中的执法领域有：{}", some(&listed, "、")),
                ));
            }
        }
        let known: BTreeSet<&str> = inspectors.iter().map(|i| i.department.as_str()).collect();
        let listed: Vec<String> = known
            .iter()
            .filter(|d| !d.is_empty())
            .map(|d| d.to_string())
            .collect();
        for d in &task.departments {
            if known.contains(d.as_str()) {
                continue;
            }
            let joint = task.team.per_department.iter().any(|q| &q.department == d);
            let (level, code, en_then, zh_then) = if joint {
                (
                    Level::Error,
                    "department-empty-joint",
                    "every team needs members from it, so no team can be formed",
                    "而每个检查组都须有该部门人员，因此无法组成检查组",
                )
            } else {
                (
                    Level::Warning,
                    "department-unmatched",
                    "no one from it will be drawn",
                    "该部门不会有人被抽中",
                )
            };
            p.findings.push(finding(
                level,
                code,
                "task.departments",
                format!("department \"{d}\" has no inspector in the inspector directory: {en_then}. Check its spelling; departments in the directory: {}", some(&listed, ", ")),
                format!("实施部门“{d}”在执法检查人员名录库中没有任何人员，{zh_then}。请核对部门名称；名录库中的部门有：{}", some(&listed, "、")),
            ));
        }
    }

    /// 回避 pairs and exclusion ids that name someone in neither directory.
    fn check_lists(&self, p: &mut Preflight) {
        let inspectors = self.inspectors.inspectors();
        let known_inspector = |id: &str| {
            inspectors
                .binary_search_by(|i| i.id.as_bytes().cmp(id.as_bytes()))
                .is_ok()
        };
        for c in &self.task.team.conflicts {
            let entity = self.entities.position(&c.entity).is_some();
            let inspector = known_inspector(&c.inspector);
            let (en, zh) = match (entity, inspector) {
                (true, true) => continue,
                (true, false) => (
                    format!(
                        "the 执法证号 {} is not in the inspector directory",
                        c.inspector
                    ),
                    format!("执法证号 {} 不在执法检查人员名录库中", c.inspector),
                ),
                (false, true) => (
                    format!("the entity {} is not in the entity directory", c.entity),
                    format!("检查对象 {} 不在检查对象名录库中", c.entity),
                ),
                (false, false) => (
                    "neither is in its directory".to_string(),
                    "两者都不在名录库中".to_string(),
                ),
            };
            p.findings.push(finding(
                Level::Warning,
                "conflict-unknown",
                "task.conflicts",
                format!("conflict pair (回避) entity {} / 执法证号 {}: {en}, so the pair does nothing. Check the ids", c.entity, c.inspector),
                format!("回避名单中的一对（检查对象 {}，执法证号 {}）：{zh}，这条回避不起作用。请核对代码和证号", c.entity, c.inspector),
            ));
        }
        let unknown: Vec<String> = self
            .exclusions
            .ids()
            .filter(|id| self.entities.position(id).is_none())
            .map(str::to_string)
            .collect();
        if !unknown.is_empty() {
            let n = unknown.len();
            p.findings.push(finding(
                Level::Warning,
                "exclusion-unknown",
                "exclusions",
                format!("{n} id(s) of the exclusion list are not in the entity directory, so excluding them changes nothing: {}. Check them against the directory", some(&unknown, ", ")),
                format!("排除名单中有 {n} 个代码不在检查对象名录库中，排除它们不起作用：{}。请对照名录库核对", some(&unknown, "、")),
            ));
        }
    }

    /// The draw made once with a throw-away key (SPEC §12.1): its failure
    /// in words, or what its success does and does not show.
    fn trial(&self) -> Finding {
        let seed = vec![SeedSource {
            kind: SeedKind::Text,
            value: "shuangsui pre-flight trial, not a seed (预检试抽，非随机种子)".into(),
            description: String::new(),
            form: Some(None),
        }];
        let team = &self.task.team;
        match draw_with(self, seed, Protocol::V2, None) {
            Err(e) => {
                let control = match e.kind() {
                    ErrorKind::NoQualifiedInspector => "inspectors",
                    ErrorKind::QuotaExceedsStratum | ErrorKind::OverlappingStrata => "task.strata",
                    _ => "task.team",
                };
                finding(
                    Level::Error,
                    "trial-failed",
                    control,
                    format!("A trial draw with a throw-away key (no seed exists yet; nothing of it is kept) failed: {}. A failure with this key means the task is wrong as it stands: the real draw could fail the same way. Fix it before announcing.", e.message()),
                    format!("用临时密钥试抽（此时还没有随机种子，试抽结果不保存）失败：{}。试抽失败说明任务本身有问题，公告后正式抽取也可能同样失败，请在公告前修改。", e.message_zh()),
                )
            }
            Ok(record) => {
                let n = record.draws.len();
                if team.conflicts.is_empty() && team.avoid_same.is_empty() {
                    // No rule tells entities apart: the quotas and, within
                    // each department, the inspectors are the same for any
                    // seed up to their order, so the outcome is too.
                    finding(
                        Level::Note,
                        "trial-ok",
                        "task.team",
                        format!("A trial draw with a throw-away key drew {n} entities and gave each a full team. With these rules (no conflict pairs, no cross-area rule) whether a draw succeeds does not depend on the seed: the real draw will succeed too."),
                        format!("用临时密钥试抽：抽出 {n} 户，均配齐了检查组。本任务没有回避名单和异地交叉检查规则，能否抽取成功与随机种子无关，正式抽取同样能够完成。"),
                    )
                } else {
                    finding(
                        Level::Note,
                        "trial-ok-seed-dependent",
                        "task.team",
                        format!("A trial draw with a throw-away key drew {n} entities and gave each a full team. With conflict pairs or a cross-area rule, which teams can be formed depends on the entities drawn, that is on the seed: this trial does not guarantee that every seed succeeds (SPEC §10)."),
                        format!("用临时密钥试抽：抽出 {n} 户，均配齐了检查组。但本任务有回避名单或异地交叉检查规则，能否配齐检查组取决于抽中哪些检查对象，也就取决于随机种子：试抽成功并不保证任何种子都能成功。"),
                    )
                }
            }
        }
    }
}

fn from_error(level: Level, code: &'static str, control: &'static str, e: &Error) -> Finding {
    finding(
        level,
        code,
        control,
        e.message().to_string(),
        e.message_zh().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::directory::EntityDirectory;
    use crate::synth::{csv, Kind};
    use crate::TaskFile;

    fn inputs(n: u64, insp: u64) -> (EntityDirectory, InspectorDirectory) {
        let e = csv(Kind::Entities, "预检", n).unwrap();
        let i = csv(Kind::Inspectors, "预检", insp).unwrap();
        (
            EntityDirectory::from_csv(e.as_bytes(), "e.csv").unwrap(),
            InspectorDirectory::from_csv(i.as_bytes(), "i.csv").unwrap(),
        )
    }

    fn task(team: &str) -> TaskFile {
        TaskFile::parse(
            &format!("name = \"t\"\nitem = \"i\"\ndraw_date = 2026-12-01\nstrata_by = {{ attribute = \"信用风险等级\", ratios = {{ A = \"10%\", B = \"10%\", C = \"10%\", D = \"50%\" }} }}\n[team]\n{team}\n"),
            "t.toml",
        )
        .unwrap()
    }

    /// Without 回避 pairs and cross-area rules, the trial's outcome is
    /// every seed's: the claim the pre-flight makes, checked on many seeds.
    #[test]
    fn without_rules_that_tell_entities_apart_the_trial_speaks_for_every_seed() {
        let (e, i) = inputs(120, 10);
        let mut outcomes = BTreeSet::new();
        for cap in [1, 3, 5, 6, 7, 8, 10, 40] {
            let t = task(&format!("size = 3\nmax_per_inspector = {cap}"));
            let p = preflight(&t.task, &e, &i, &Exclusions::none(), &[], "").unwrap();
            let trial = p
                .findings
                .iter()
                .find(|f| f.code.starts_with("trial"))
                .unwrap();
            outcomes.insert(trial.code);
            for n in 0..20 {
                let seed = [SeedSource::parse_unannounced(&format!("text:{n}")).unwrap()];
                let drawn = crate::draw(&crate::DrawInputs {
                    task: &t.task,
                    entities: &e,
                    inspectors: &i,
                    exclusions: &Exclusions::none(),
                    seed: &seed,
                    announcement: crate::Announced::Unannounced,
                });
                assert_eq!(
                    drawn.is_ok(),
                    trial.code == "trial-ok",
                    "cap {cap}, seed {n}"
                );
            }
        }
        assert_eq!(outcomes.len(), 2, "both outcomes are tried: {outcomes:?}");
    }

    #[test]
    fn findings_name_the_control_and_speak_both_languages() {
        let (e, i) = inputs(60, 6);
        let t = TaskFile::parse(
            "name = \"t\"\nitem = \"i\"\ndraw_date = 2026-12-01\ndepartments = [\"没有这个局\"]\nstrata_by = { attribute = \"信用风险等级\", counts = { A = 1, E = 2 } }\n",
            "t.toml",
        )
        .unwrap();
        let p = preflight(&t.task, &e, &i, &Exclusions::none(), &[], "").unwrap();
        let codes: Vec<&str> = p.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"quota-exceeds"), "{codes:?}");
        assert!(codes.contains(&"department-unmatched"), "{codes:?}");
        assert!(codes.contains(&"unstratified"), "{codes:?}");
        assert!(codes.contains(&"seed-none"), "{codes:?}");
        // An error found before the trial: no trial.
        assert!(!codes.iter().any(|c| c.starts_with("trial")), "{codes:?}");
        let empty = p
            .findings
            .iter()
            .find(|f| f.code == "stratum-empty")
            .unwrap();
        assert_eq!(empty.control, "task.strata");
        assert!(empty.zh.contains("信用风险等级为“E”"), "{}", empty.zh);
        assert!(empty.en.contains("信用风险等级 = E"), "{}", empty.en);
        assert_eq!(p.strata[1].to_draw, None);
        assert_eq!(p.strata[1].quota_zh, "2 户");
    }

    #[test]
    fn templates_are_refused_and_real_names_are_not() {
        for t in ["第____期", "＿＿", "XXXX", "待定", "2026××期", "TBD", "…"] {
            assert!(crate::spec::seed::is_template(t), "{t}");
        }
        for t in ["2026318", "福彩3D", "drand quicknet", "公开摇号会", "3x"] {
            assert!(!crate::spec::seed::is_template(t), "{t}");
        }
    }
}
