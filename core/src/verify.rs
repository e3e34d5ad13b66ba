//! Verification (核验, SPEC.md §13): re-running a published draw and naming
//! the first difference in plain words; and the single-entity self-check.

use crate::directory::InspectorDirectory;
use crate::draw::{all_exclusions, draw_with, stratum_key, ticket, DrawInputs};
use crate::exclusions::Exclusions;
use crate::hash::{hex, parse_digest};
use crate::population::EntitySource;
use crate::record::{DigestSummary, DrawRecord, Drawn};
use crate::{Error, ErrorKind, Result};

/// The first difference found, in English (with the Chinese term beside
/// each domain word) and in Chinese, for the command line and the page.
/// It reads as its English text (`Display`, `Deref<Target = str>`, and it
/// serializes as that string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// In English.
    pub en: String,
    /// 中文.
    pub zh: String,
}

impl std::ops::Deref for Difference {
    type Target = str;
    fn deref(&self) -> &str {
        &self.en
    }
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl serde::Serialize for Difference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

fn d(en: String, zh: String) -> Difference {
    Difference { en, zh }
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The draw was re-run and gave exactly the record.
    Reproduced,
    /// The record does not match; the first difference in plain words.
    Differs(Difference),
}

fn differs(diff: Difference) -> Result<Verification> {
    Ok(Verification::Differs(diff))
}

fn summary_differs(
    what: (&str, &str),
    recorded: &DigestSummary,
    count: usize,
    digest: String,
) -> Option<Difference> {
    (recorded.digest != digest || recorded.count != count as u64).then(|| {
        d(
            format!(
                "the {} you gave is not the one the draw used: the record says {} rows with digest {}, the file you gave has {count} rows with digest {digest}. A single changed, added or removed row changes the digest",
                what.0, recorded.count, recorded.digest
            ),
            format!(
                "您提供的{}不是抽取时所用的那一份：抽取记录中为 {} 行、摘要 {}，您的文件为 {count} 行、摘要 {digest}。改动、增加或删除任何一行都会改变摘要",
                what.1, recorded.count, recorded.digest
            ),
        )
    })
}

fn describe(d: &Drawn) -> String {
    format!("{} ({})", d.entity.id, d.entity.name)
}

fn role_zh(r: crate::record::Role) -> &'static str {
    match r {
        crate::record::Role::Leader => "组长",
        crate::record::Role::Member => "组员",
    }
}

/// Re-runs the draw of `record_json` on the given directories and exclusion
/// list and compares (SPEC §13).
///
/// A record whose digest does not match its content (edited by hand) is
/// reported as [`Verification::Differs`], as are different directories; a
/// record that cannot be read at all is an error.
///
/// # Errors
/// `InvalidRecord` when the text is not a record of this protocol; the
/// task-rule errors when the recorded task is itself invalid.
pub fn verify(
    record_json: &str,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
) -> Result<Verification> {
    let record = match DrawRecord::from_json(record_json) {
        Ok(r) => r,
        Err(e) if e.message().starts_with("the record was changed") => {
            return differs(d(
                e.message().to_string(),
                "抽取记录在生成后被改动过：其 record_digest 与内容的摘要不符".to_string(),
            ));
        }
        Err(e) => return Err(e),
    };
    verify_read(&record, entities, inspectors, exclusions)
}

/// As [`verify`], for a record already read (its digest is recomputed).
///
/// # Errors
/// As [`verify`].
pub fn verify_record(
    record: &DrawRecord,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
) -> Result<Verification> {
    let computed = record.compute_digest();
    if computed == record.record_digest {
        verify_read(record, entities, inspectors, exclusions)
    } else {
        differs(d(
            format!(
                "the record was changed after it was made: its record_digest is {} but its content hashes to {computed}",
                record.record_digest
            ),
            format!(
                "抽取记录在生成后被改动过：其 record_digest 为 {}，而内容的摘要为 {computed}",
                record.record_digest
            ),
        ))
    }
}

/// As [`verify_record`], for a record read with [`DrawRecord::from_json`],
/// which has already checked its digest (at provincial scale, hashing the
/// record again costs half a second).
///
/// The re-run is compared with the record by digest first, so a record
/// whose `draws` were set aside to save memory is still verified; if the
/// digests differ, call again with the full record to learn where.
///
/// # Errors
/// As [`verify`].
pub fn verify_read(
    record: &DrawRecord,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
) -> Result<Verification> {
    if let Some(m) = summary_differs(
        ("entity directory (检查对象名录库)", "检查对象名录库"),
        &record.entities,
        entities.count(),
        hex(&entities.directory_digest()),
    ) {
        return differs(m);
    }
    if let Some(m) = summary_differs(
        (
            "inspector directory (执法检查人员名录库)",
            "执法检查人员名录库",
        ),
        &record.inspectors,
        inspectors.len(),
        inspectors.digest_hex(),
    ) {
        return differs(m);
    }
    let all = match all_exclusions(&record.task, exclusions) {
        Ok(all) => all,
        Err(e) => {
            return differs(d(
                format!("the recorded task's exclusions are malformed: {e}"),
                format!("抽取记录中任务的排除名单格式有误：{}", e.message_zh()),
            ))
        }
    };
    if let Some(m) = summary_differs(
        (
            "exclusion list (排除名单, the task's own ids and the list you gave, united)",
            "排除名单（任务自带的与您提供的合并后）",
        ),
        &record.exclusions,
        all.len(),
        all.digest_hex(),
    ) {
        return differs(m);
    }
    let inputs = DrawInputs {
        task: &record.task,
        entities,
        inspectors,
        exclusions,
        seed: &record.seed.sources,
        announcement: None,
    };
    let mut again = match draw_with(
        &inputs,
        record.seed.sources.clone(),
        record.announcement_digest.clone(),
    ) {
        Ok(r) => r,
        Err(e) => {
            return differs(d(
                format!("re-running the recorded draw fails, so the record cannot be right: {e}"),
                format!(
                    "按记录重新抽取时出错，因此记录不可能正确：{}",
                    e.message_zh()
                ),
            ))
        }
    };
    // The published digest was checked against the record's content: a
    // re-run with the same digest is the same record (SPEC §13). Only when
    // they differ are the records compared field by field, to say where.
    again.record_digest = again.compute_digest();
    if again.record_digest == record.record_digest {
        return Ok(Verification::Reproduced);
    }
    Ok(first_difference(record, &again).map_or(Verification::Reproduced, Verification::Differs))
}

/// The first difference between a published record and the re-run, in
/// plain words; `None` when they are equal.
fn first_difference(published: &DrawRecord, again: &DrawRecord) -> Option<Difference> {
    if published.task != again.task || published.task_digest != again.task_digest {
        return Some(d(
            format!(
                "the recorded task is not in canonical form (its digest is {}, recomputed {})",
                published.task_digest, again.task_digest
            ),
            format!(
                "记录中的抽查任务不是规范形式（摘要为 {}，重算为 {}）",
                published.task_digest, again.task_digest
            ),
        ));
    }
    if published.seed != again.seed {
        return Some(d(
            format!(
                "the seed digest is {} but the seed sources hash to {}",
                published.seed.digest, again.seed.digest
            ),
            format!(
                "随机种子摘要为 {}，而种子来源算得 {}",
                published.seed.digest, again.seed.digest
            ),
        ));
    }
    if published.draw_key != again.draw_key {
        return Some(d(
            format!(
                "the draw key is {} but the inputs give {}",
                published.draw_key, again.draw_key
            ),
            format!(
                "抽取密钥为 {}，而输入算得 {}",
                published.draw_key, again.draw_key
            ),
        ));
    }
    if published.unstratified != again.unstratified {
        return Some(d(
            format!(
                "the record says {} entities match no stratum; re-running gives {}",
                published.unstratified, again.unstratified
            ),
            format!(
                "记录称有 {} 户不属于任何分层；重算为 {} 户",
                published.unstratified, again.unstratified
            ),
        ));
    }
    for (p, a) in published.strata.iter().zip(&again.strata) {
        if p != a {
            let (en, zh) = if p.population != a.population {
                (
                    format!("population {} (re-run: {})", p.population, a.population),
                    format!("户数 {}（重算：{}）", p.population, a.population),
                )
            } else if p.excluded != a.excluded {
                (
                    format!("excluded {} (re-run: {})", p.excluded, a.excluded),
                    format!("排除 {}（重算：{}）", p.excluded, a.excluded),
                )
            } else if p.quota != a.quota {
                (
                    format!("quota {} (re-run: {})", p.quota, a.quota),
                    format!("抽取数 {}（重算：{}）", p.quota, a.quota),
                )
            } else if p.threshold != a.threshold {
                (
                    format!("threshold {:?} (re-run: {:?})", p.threshold, a.threshold),
                    format!("阈值 {:?}（重算：{:?}）", p.threshold, a.threshold),
                )
            } else {
                (
                    "its name, key or counts".to_string(),
                    "名称、密钥或计数".to_string(),
                )
            };
            return Some(d(
                format!("stratum {} \"{}\" differs: {en}", p.index, p.name),
                format!("分层 {}“{}”不同：{zh}", p.index, p.name),
            ));
        }
    }
    if published.strata.len() != again.strata.len() {
        return Some(d(
            format!(
                "the record has {} strata; the task has {}",
                published.strata.len(),
                again.strata.len()
            ),
            format!(
                "记录有 {} 个分层，任务有 {} 个",
                published.strata.len(),
                again.strata.len()
            ),
        ));
    }
    for (p, a) in published.draws.iter().zip(&again.draws) {
        let stratum = again
            .strata
            .get(a.stratum as usize)
            .map(|s| s.name.as_str())
            .unwrap_or("?");
        let place = format!("stratum \"{stratum}\", position {}", a.position);
        let place_zh = format!("分层“{stratum}”第 {} 位", a.position);
        if p.entity != a.entity || p.stratum != a.stratum || p.position != a.position {
            return Some(d(
                format!(
                    "{place}: the record names {}, the re-run draws {}",
                    describe(p),
                    describe(a)
                ),
                format!(
                    "{place_zh}：记录为 {}，重新抽取得到 {}",
                    describe(p),
                    describe(a)
                ),
            ));
        }
        if p.ticket != a.ticket {
            return Some(d(
                format!(
                    "{place}: the ticket of {} is recorded as {}, recomputed {}",
                    describe(a),
                    p.ticket,
                    a.ticket
                ),
                format!(
                    "{place_zh}：{} 的抽签值记录为 {}，重算为 {}",
                    describe(a),
                    p.ticket,
                    a.ticket
                ),
            ));
        }
        for (slot, (pm, am)) in p.team.iter().zip(&a.team).enumerate() {
            if pm != am {
                return Some(d(
                    format!(
                        "{place}, entity {}: team member {} is recorded as {} {} ({}, {:?}), the re-run gives {} {} ({}, {:?})",
                        describe(a),
                        slot + 1,
                        pm.id,
                        pm.name,
                        pm.department,
                        pm.role,
                        am.id,
                        am.name,
                        am.department,
                        am.role
                    ),
                    format!(
                        "{place_zh}，企业 {}：检查组第 {} 人记录为 {} {}（{}，{}），重新抽取得到 {} {}（{}，{}）",
                        describe(a),
                        slot + 1,
                        pm.id,
                        pm.name,
                        pm.department,
                        role_zh(pm.role),
                        am.id,
                        am.name,
                        am.department,
                        role_zh(am.role)
                    ),
                ));
            }
        }
        if p.team.len() != a.team.len() {
            return Some(d(
                format!(
                    "{place}: the team has {} members; the re-run gives {}",
                    p.team.len(),
                    a.team.len()
                ),
                format!(
                    "{place_zh}：检查组有 {} 人，重新抽取为 {} 人",
                    p.team.len(),
                    a.team.len()
                ),
            ));
        }
    }
    if published.draws.len() != again.draws.len() {
        return Some(d(
            format!(
                "the record lists {} drawn entities; the re-run draws {}",
                published.draws.len(),
                again.draws.len()
            ),
            format!(
                "记录列出 {} 户被抽中，重新抽取为 {} 户",
                published.draws.len(),
                again.draws.len()
            ),
        ));
    }
    if published.announcement_digest != again.announcement_digest {
        return Some(d(
            "the announcement digest differs".to_string(),
            "公告摘要不同".to_string(),
        ));
    }
    if published != again {
        return Some(d(
            "the record differs from the re-run in a field not covered above".to_string(),
            "记录与重新抽取的结果在上述以外的字段不同".to_string(),
        ));
    }
    None
}

/// A single entity's own check against a published record (SPEC §13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfCheck {
    /// The stratum index checked.
    pub stratum: u64,
    /// The entity's ticket in that stratum, hex.
    pub ticket: String,
    /// The stratum's threshold, hex, if anything was drawn.
    pub threshold: Option<String>,
    /// Whether the ticket is at or below the threshold.
    pub below_threshold: bool,
    /// Whether the record lists the entity among the drawn.
    pub listed: bool,
}

/// Computes an entity's ticket for stratum `stratum` of a record from its id
/// alone and compares it with the threshold. With `stratum` = None every
/// stratum is checked (an entity usually knows its own class, 信用风险等级,
/// but need not).
///
/// # Errors
/// `InvalidRecord` when the record's key is malformed or the stratum does
/// not exist; `InvalidId` for a malformed id.
pub fn self_check(record: &DrawRecord, id: &str, stratum: Option<u64>) -> Result<Vec<SelfCheck>> {
    let id = crate::text::normalize_entity_id(id)?;
    let key = parse_digest(&record.draw_key).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidRecord,
            "the record's draw_key is not 64 hex digits",
        )
    })?;
    let strata: Vec<u64> = match stratum {
        Some(s) if (s as usize) < record.strata.len() => vec![s],
        Some(s) => {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                format!("the record has no stratum {s}"),
            ))
        }
        None => (0..record.strata.len() as u64).collect(),
    };
    Ok(strata
        .into_iter()
        .map(|s| {
            let t = hex(&ticket(&stratum_key(&key, s), &id));
            let threshold = record.strata[s as usize].threshold.clone();
            SelfCheck {
                stratum: s,
                below_threshold: threshold.as_deref().is_some_and(|th| t.as_str() <= th),
                ticket: t,
                threshold,
                listed: record
                    .draws
                    .iter()
                    .any(|d| d.stratum == s && d.entity.id == id),
            }
        })
        .collect())
}
