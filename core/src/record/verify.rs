//! Verification (核验, SPEC.md §13): re-running a published draw and naming
//! the first difference in plain words.

use crate::draw::{all_exclusions, draw_with, Prepared};
use crate::input::directory::InspectorDirectory;
use crate::input::exclusions::Exclusions;
use crate::input::open::ForTask;
use crate::input::population::EntitySource;
use crate::record::{AnnouncedSource, Announcement, DigestSummary, DrawRecord, Drawn, Protocol};
use crate::spec::hash::hex;
use crate::spec::task::Task;
use crate::{Error, ErrorKind, Result};
use std::borrow::Cow;

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
        let rows = recorded.count as i128 - count as i128;
        let (rows_en, rows_zh) = match rows {
            0 => (
                "as many rows, but at least one row differs".to_string(),
                "行数相同，但至少有一行内容不同".to_string(),
            ),
            n if n > 0 => (
                format!("{n} row(s) fewer than the draw used"),
                format!("比抽取时少了 {n} 行"),
            ),
            n => (
                format!("{} row(s) more than the draw used", -n),
                format!("比抽取时多了 {} 行", -n),
            ),
        };
        d(
            format!(
                "the {} you gave is not the one the draw used: it has {rows_en}. Either the file was changed after the draw, or it is not the file the draw used; ask the inspecting authority for the file as it was published. (The record says {} rows with digest {}, the file you gave has {count} rows with digest {digest}; a single changed, added or removed row changes the digest.)",
                what.0, recorded.count, recorded.digest
            ),
            format!(
                "您提供的{}不是抽取时所用的那一份：{rows_zh}。或者该文件在抽取之后被改动过，或者它不是抽取时所用的文件；请向抽查机关索取其公布的那一份。（抽取记录中为 {} 行、摘要 {}，您的文件为 {count} 行、摘要 {digest}；改动、增加或删除任何一行都会改变摘要。）",
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

/// A record whose own digest does not match its content: said in words,
/// with what the re-run finds changed (the record read without its digest
/// check, re-run, and compared), the digests as supporting detail.
fn explain_edit(
    e: &Error,
    edited: &DrawRecord,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
) -> Difference {
    let actual = edited.compute_digest();
    if edited.record_digest == actual {
        // Its digest holds: another rule is broken (the seed's form…).
        return d(e.message().to_string(), e.message_zh().to_string());
    }
    // Compared field by field: with its own digest, the edited record
    // reads as published, and the re-run says where it differs.
    let mut content = edited.clone();
    content.record_digest = actual.clone();
    let original = again_digest(edited, entities, inspectors, exclusions)
        .is_some_and(|again| again == edited.record_digest);
    let (what_en, what_zh) = match verify_read(&content, entities, inspectors, exclusions) {
        Ok(Verification::Differs(diff)) => (
            format!(" Compared with the re-run: {}", sentence(&diff.en, '.')),
            format!("与重新抽取的结果相比：{}", sentence(&diff.zh, '。')),
        ),
        Ok(Verification::Reproduced) => (
            " Its content agrees with the re-run: only the record digest itself was changed."
                .to_string(),
            "记录的内容与重新抽取的结果一致：只有记录摘要本身被改动过。".to_string(),
        ),
        Err(_) => (String::new(), String::new()),
    };
    let (was_en, was_zh) = if original {
        (
            " The digest written in it is the one the re-run gives, that of the draw as it was made.",
            "记录中写明的记录摘要正是重新抽取所得的摘要，即抽取当时的记录摘要。",
        )
    } else {
        ("", "")
    };
    d(
        format!(
            "the record was changed after it was made: the record digest written in it does not match its content, so someone changed the record after the draw.{what_en}{was_en} (Its record_digest is {}, its content hashes to {actual}.)",
            edited.record_digest
        ),
        format!(
            "抽取记录在生成后被改动过：记录中写明的记录摘要与按其内容算出的摘要不符，说明抽取之后有人改动了记录。{what_zh}{was_zh}（记录中的记录摘要为 {}，按内容算得 {actual}。）",
            edited.record_digest
        ),
    )
}

/// A text ending as a sentence does (with `stop`, or a closing bracket
/// after one), for joining sentences.
fn sentence(text: &str, stop: char) -> String {
    let t = text.trim_end();
    if t.ends_with(stop) || t.ends_with([')', '）']) {
        t.to_string()
    } else {
        format!("{t}{stop}")
    }
}

/// The record digest of the draw re-run from a record's task and seed, or
/// `None` when it cannot be re-run.
fn again_digest(
    record: &DrawRecord,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
) -> Option<String> {
    let all = all_exclusions(&record.task, exclusions).ok()?;
    let p = Prepared::united(&record.task, entities, inspectors, all).ok()?;
    let again = draw_with(
        &p,
        record.seed.sources.clone(),
        record.version(),
        record.announcement_digest.clone(),
    )
    .ok()?;
    Some(again.compute_digest())
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
        // A document shaped as a record that breaks a rule (its digest, a
        // seed that does not fit its form) is a record that does not
        // verify, not an unreadable file.
        Err(e) if e.kind() == ErrorKind::InvalidRecord => {
            match serde_json::from_str::<DrawRecord>(record_json) {
                Ok(edited) => {
                    return differs(explain_edit(&e, &edited, entities, inspectors, exclusions))
                }
                Err(_) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    verify_read(&record, entities, inspectors, exclusions)
}

/// As [`verify`], for a record read with [`DrawRecord::from_json`],
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
    // SPEC §13.1 step 2: the task as recorded is the task applied.
    if let Some((en, zh)) = record.task_problem().or_else(|| record.shape_problem()) {
        return differs(d(en, zh));
    }
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
                format!("抽取记录中任务的排除名单格式有误：{}", e.display_zh()),
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
    let again = Prepared::united(&record.task, entities, inspectors, all).and_then(|p| {
        draw_with(
            &p,
            record.seed.sources.clone(),
            record.version(),
            record.announcement_digest.clone(),
        )
    });
    let mut again = match again {
        Ok(r) => r,
        Err(e) => {
            return differs(d(
                format!("re-running the recorded draw fails, so the record cannot be right: {e}"),
                format!(
                    "按记录重新抽取时出错，因此记录不可能正确：{}",
                    e.display_zh()
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
        let shown: Vec<String> = published.seed.sources.iter().map(|s| s.shown()).collect();
        return Some(d(
            format!(
                "the seed written in the record ({}) does not give the seed digest written beside it: the seed or its digest was changed after the draw; compare the seed with the announcement and the published result. (Recorded seed digest {}, the seed gives {}.)",
                shown.join("; "), published.seed.digest, again.seed.digest
            ),
            format!(
                "记录中的随机种子（{}）与记录中的种子摘要不符：种子或其摘要在抽取之后被改动过；请将种子与公告和公布的开奖结果核对。（记录中的种子摘要为 {}，按种子算得 {}。）",
                shown.join("；"), published.seed.digest, again.seed.digest
            ),
        ));
    }
    if published.draw_key != again.draw_key {
        return Some(d(
            format!(
                "the draw key in the record is not the one its inputs give. The key is computed from the task, the directories, the exclusion list, the seed and the announcement; the task and the directories were checked against the files, so the seed, the announcement digest or the key itself was changed in the record after the draw. (Recorded draw key {}, the inputs give {}.)",
                published.draw_key, again.draw_key
            ),
            format!(
                "记录中的抽取密钥与按记录中的输入重算的不符。抽取密钥由抽查任务、名录库、排除名单、随机种子和公告算出；任务和名录库已与所给文件核对一致，因此是记录中的随机种子、公告摘要或抽取密钥本身在抽取之后被改动过。（记录中的抽取密钥为 {}，按输入算得 {}。）",
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
                {
                    let or_none = |t: &Option<String>, none: &'static str| {
                        t.clone().unwrap_or_else(|| none.to_string())
                    };
                    (
                        format!(
                            "its threshold is recorded as {}, the re-run gives {}",
                            or_none(&p.threshold, "none"),
                            or_none(&a.threshold, "none")
                        ),
                        format!(
                            "阈值记录为 {}，重新抽取为 {}",
                            or_none(&p.threshold, "（无）"),
                            or_none(&a.threshold, "（无）")
                        ),
                    )
                }
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
                    "{place}: the record names {}, the re-run draws {}. The list in the record is not the one its task and seed draw: it was changed after the draw, or made some other way",
                    describe(p),
                    describe(a)
                ),
                format!(
                    "{place_zh}：记录为 {}，重新抽取得到 {}。记录中的抽查名单不是按记录中的任务和随机种子抽出的：或在抽取之后被改动过，或另有来历",
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
                        "{place}, entity {}: team member {} is recorded as {} {} ({}, {:?}), the re-run gives {} {} ({}, {:?}). The team in the record is not the one its task and seed draw: it was changed after the draw, or made some other way",
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
                        "{place_zh}，企业 {}：检查组第 {} 人记录为 {} {}（{}，{}），重新抽取得到 {} {}（{}，{}）。记录中的检查组不是按记录中的任务和随机种子抽出的：或在抽取之后被改动过，或另有来历",
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

/// One line of the assurance statement, in English and Chinese.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    /// In English.
    pub en: String,
    /// 中文.
    pub zh: String,
}

/// What a verification proved, and what a person must still check by hand
/// (SPEC §13.2). The same statement ends the command line's report, its
/// JSON (`"assurance"`), the page's verification and the published notice.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assurance {
    /// The record's protocol, `shuangsui-draw/2`.
    pub protocol: String,
    /// Whether the draw was re-run and gave exactly the record.
    pub reproduced: bool,
    /// `Some(true)`: an announcement was given and matches; `Some(false)`:
    /// the draw was made without one; `None`: the record names an
    /// announcement that was not given, so this was not checked.
    pub committed_before_seed: Option<bool>,
    /// Whether the seed's exact form was fixed by the announcement (v2).
    pub seed_form_bound: bool,
    /// What a person must compare with the public events, one line each.
    pub sources_to_check: Vec<Line>,
    /// The seed's entropy in bits (SPEC §6.4), when the forms are bound.
    pub entropy_bits: Option<f64>,
    /// The warning of SPEC §6.4 when the entropy is below 20 bits.
    pub entropy_warning: Option<Line>,
    /// The announcement's stated publication day, when it was given.
    pub announcement_published: Option<String>,
}

/// SPEC §13.1 step 5: does this announcement belong to this record? The
/// first difference, or `None`.
pub(crate) fn announcement_difference(record: &DrawRecord, a: &Announcement) -> Option<Difference> {
    let ad = &a.announcement_digest;
    match &record.announcement_digest {
        None => {
            return Some(d(
                format!("the record says its draw was made without an announcement, but an announcement ({ad}) was given: it is not this draw's"),
                format!("抽取记录表明本次抽取未经公告，但提供了公告（摘要 {ad}）：它不属于本次抽取"),
            ))
        }
        Some(rd) if rd != ad => {
            return Some(d(
                format!("the announcement you gave is not the one the draw was made under: either it is not the announcement published before the seed, or the draw did not follow the published announcement. Check which announcement was published, and when, where it was published (website, notice board); if it is the one you gave, this draw was not made as announced. (The announcement you gave has digest {ad}, the record names {rd}.)"),
                format!("您提供的抽查公告不是本次抽取所依据的公告：或者它不是在随机种子产生之前公布的那一份，或者本次抽取没有依据已公布的公告。请在公告的发布处（网站、公告栏）核对公布的是哪一份、何时公布；如果公布的正是您提供的这一份，那么本次抽取没有按事先公告进行。（您提供的公告摘要为 {ad}，抽取记录所依据的为 {rd}。）"),
            ))
        }
        Some(_) => {}
    }
    let pairs = [
        (
            "task digest",
            "任务摘要",
            &a.task_digest,
            &record.task_digest,
        ),
        (
            "entity directory digest",
            "检查对象名录库摘要",
            &a.entities.digest,
            &record.entities.digest,
        ),
        (
            "inspector directory digest",
            "执法检查人员名录库摘要",
            &a.inspectors.digest,
            &record.inspectors.digest,
        ),
        (
            "exclusion list digest",
            "排除名单摘要",
            &a.exclusions.digest,
            &record.exclusions.digest,
        ),
    ];
    for (en, zh, x, y) in pairs {
        if x != y {
            return Some(d(
                format!("the announcement fixed another {en} than the draw used: the draw's inputs are not the ones announced before the seed. (The announcement's {en} is {x}, the record's {y}.)"),
                format!("公告固定的{zh}与抽取所用的不同：抽取所用的输入不是在随机种子产生之前公告的那些。（公告中的{zh}为 {x}，抽取记录中为 {y}。）"),
            ));
        }
    }
    if (a.entities.count, a.inspectors.count, a.exclusions.count)
        != (
            record.entities.count,
            record.inspectors.count,
            record.exclusions.count,
        )
    {
        return Some(d(
            "the announcement's row counts differ from the record's".into(),
            "公告中的行数与抽取记录不同".into(),
        ));
    }
    if a.seed_sources.len() != record.seed.sources.len() {
        return Some(d(
            format!(
                "the announcement names {} seed source(s), the record {}",
                a.seed_sources.len(),
                record.seed.sources.len()
            ),
            format!(
                "公告列出 {} 个随机种子来源，抽取记录为 {} 个",
                a.seed_sources.len(),
                record.seed.sources.len()
            ),
        ));
    }
    for (i, (x, s)) in a.seed_sources.iter().zip(&record.seed.sources).enumerate() {
        if let (AnnouncedSource::Form(f), Some(Some(g))) = (x, &s.form) {
            if f != g {
                return Some(d(
                    format!(
                        "seed source {}: the announcement fixed {}, the record says {}",
                        i + 1,
                        f.describe(),
                        g.describe()
                    ),
                    format!(
                        "第 {} 个随机种子来源：公告为 {}，抽取记录为 {}",
                        i + 1,
                        f.describe(),
                        g.describe()
                    ),
                ));
            }
        }
    }
    None
}

/// SPEC §13.1 step 5 and §13.2 after a re-run: checks the announcement if
/// one is given (a mismatch makes the verification fail) and states what
/// the verification proved.
pub fn conclude(
    record: &DrawRecord,
    verification: Verification,
    announcement: Option<&Announcement>,
) -> (Verification, Assurance) {
    let verification = match (verification, announcement) {
        (Verification::Reproduced, Some(a)) => match announcement_difference(record, a) {
            Some(diff) => Verification::Differs(diff),
            None => Verification::Reproduced,
        },
        (v, _) => v,
    };
    let reproduced = verification == Verification::Reproduced;
    let checked = announcement.is_some() && reproduced;
    let assurance = assurance(
        record,
        reproduced,
        if checked { announcement } else { None },
    );
    (verification, assurance)
}

/// The statement of SPEC §13.2 for a record; `announcement` is the one
/// checked against it (step 5), if any.
pub fn assurance(
    record: &DrawRecord,
    reproduced: bool,
    announcement: Option<&Announcement>,
) -> Assurance {
    if !reproduced {
        return Assurance::not_reproduced(&record.protocol);
    }
    let v2 = record.version() == Protocol::V2;
    let committed = match (&record.announcement_digest, announcement) {
        (None, _) => Some(false),
        (Some(_), Some(_)) => Some(true),
        (Some(_), None) => None,
    };
    let forms: Vec<&crate::spec::seed::SeedForm> = record
        .seed
        .sources
        .iter()
        .filter_map(|s| s.form.as_ref().and_then(|f| f.as_ref()))
        .collect();
    let bound = v2 && !forms.is_empty() && forms.len() == record.seed.sources.len();
    let mut lines = Vec::new();
    for s in &record.seed.sources {
        let shown = s.shown();
        match s.form.as_ref().and_then(|f| f.as_ref()) {
            Some(f) if bound => {
                let (what_en, what_zh) = match f {
                    crate::spec::seed::SeedForm::Lottery { .. } => {
                        ("the drawn numbers", "开奖号码")
                    }
                    crate::spec::seed::SeedForm::Beacon { .. } => ("the output", "输出值"),
                    crate::spec::seed::SeedForm::Text { .. } => ("the text read out", "宣读的文字"),
                };
                lines.push(Line {
                    en: format!("{}: {what_en} must have been {shown}: compare with the result its organiser published", f.describe()),
                    zh: format!("{}：{what_zh}应为 {shown}：请与主办方公布的结果核对", f.describe()),
                });
            }
            _ => {
                let about = if s.description.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.description)
                };
                lines.push(Line {
                    en: format!("{}:{shown}{about}: its form was not announced, so the same public result could have been written in other ways, each giving another draw; check that this is the result and the only reading of it", s.kind.name()),
                    zh: format!("{}“{shown}”{about}：其形式未经事先公告，同一公开结果可以有多种写法、各得不同的抽取结果；请核对它确为公开结果，且只有这一种读法", s.kind.zh()),
                });
            }
        }
    }
    let published = announcement.and_then(|a| a.published.clone());
    match (&record.announcement_digest, announcement) {
        (Some(ad), Some(a)) => {
            let first = forms.iter().map(|f| f.date()).min().map(str::to_string);
            let (en, zh) = match (&a.published, first) {
                (Some(p), Some(first)) => (
                    format!("the announcement ({ad}) must have been public on {p}, before {first}, the day of the first seed source: check its date where it was published"),
                    format!("公告（摘要 {ad}）应已于 {p} 公开发布，早于第一个随机种子来源的日期 {first}：请在其发布处核对发布日期"),
                ),
                _ => (
                    format!("the announcement ({ad}) must have been public before the seed existed: check its date where it was published"),
                    format!("公告（摘要 {ad}）应在随机种子产生之前公开发布：请在其发布处核对发布日期"),
                ),
            };
            lines.push(Line { en, zh });
        }
        (Some(ad), None) => lines.push(Line {
            en: format!("the record names the announcement {ad}, which was not given: get it from where it was published and verify again with it"),
            zh: format!("抽取记录依据公告 {ad}，但未提供该公告：请从其发布处取得，再连同公告核验"),
        }),
        (None, _) => lines.push(Line {
            en: "the draw was made without an announcement (本次抽取未经事先公告): nothing shows that the task, the directories and the seed were fixed before the seed was known".into(),
            zh: "本次抽取未经事先公告：没有任何证据表明抽查任务、名录库和随机种子在种子产生之前已经固定".into(),
        }),
    }
    let (entropy_bits, entropy_warning) = if bound {
        let tenths = crate::spec::seed::entropy_tenths(&forms);
        let warn = (tenths < 200).then(|| Line {
            en: format!("the seed has only {} bits of entropy (fewer than 20): an office able to redraw in secret would need few tries to find a result it likes; several independent sources are safer (RFC 3797 §4)", crate::spec::seed::entropy_text(tenths)),
            zh: format!("随机种子的熵只有 {} 比特（少于 20）：若能暗中重抽，只需不多的尝试就能得到中意的结果；采用多个相互独立的来源更为稳妥（RFC 3797 第4节）", crate::spec::seed::entropy_text(tenths)),
        });
        (Some(f64::from(tenths) / 10.0), warn)
    } else {
        (None, None)
    };
    Assurance {
        protocol: record.protocol.clone(),
        reproduced,
        committed_before_seed: committed,
        seed_form_bound: bound,
        sources_to_check: lines,
        entropy_bits,
        entropy_warning,
        announcement_published: published,
    }
}

impl Assurance {
    /// The statement of a verification that did not reproduce the draw: it
    /// proves nothing (SPEC §13.2).
    pub fn not_reproduced(protocol: &str) -> Assurance {
        Assurance {
            protocol: protocol.to_string(),
            reproduced: false,
            committed_before_seed: Some(false),
            seed_form_bound: false,
            sources_to_check: vec![Line {
                en: "the draw was not reproduced, so nothing about it is shown: see the difference above".into(),
                zh: "抽取结果未能复现，因此不能证明任何事项：见上面的差异".into(),
            }],
            entropy_bits: None,
            entropy_warning: None,
            announcement_published: None,
        }
    }

    /// The statement as lines of text, in English with Chinese beside
    /// (`zh` false) or in Chinese (`zh` true), for a terminal or a notice.
    pub fn lines(&self, zh: bool) -> Vec<String> {
        let yes_no = |b: bool| match (b, zh) {
            (true, false) => "yes",
            (false, false) => "no",
            (true, true) => "是",
            (false, true) => "否",
        };
        let label = Protocol::of(&self.protocol).map_or("?", |p| p.label());
        let mut out = Vec::new();
        if zh {
            out.push(format!("协议版本：{}（{label}）", self.protocol));
            out.push(format!("结果可复现：{}", yes_no(self.reproduced)));
            out.push(format!(
                "输入在种子产生前已固定：{}",
                match self.committed_before_seed {
                    Some(true) => "是（已核对公告）",
                    Some(false) => "否（本次抽取未经事先公告）",
                    None => "未核对（未提供公告）",
                }
            ));
            out.push(format!(
                "随机种子的形式已由公告固定：{}",
                if self.seed_form_bound { "是" } else { "否" }
            ));
            if let Some(e) = self.entropy_bits {
                out.push(format!("随机种子的熵：{e:.1} 比特"));
            }
            if let Some(w) = &self.entropy_warning {
                out.push(format!("注意：{}", w.zh));
            }
            out.push("仍需人工核对：".into());
            for l in &self.sources_to_check {
                out.push(format!("  - {}", l.zh));
            }
        } else {
            out.push(format!("protocol (协议): {} ({label})", self.protocol));
            out.push(format!(
                "reproduced (结果可复现): {}",
                yes_no(self.reproduced)
            ));
            out.push(format!(
                "inputs fixed before the seed (输入在种子产生前已固定): {}",
                match self.committed_before_seed {
                    Some(true) => "yes — the announcement was checked",
                    Some(false) => "no — the draw was not announced (未经事先公告)",
                    None => "not checked — no announcement given (--announcement)",
                }
            ));
            out.push(format!(
                "seed form bound by the announcement (种子形式已事先公告): {}",
                yes_no(self.seed_form_bound)
            ));
            if let Some(e) = self.entropy_bits {
                out.push(format!("seed entropy (熵): {e:.1} bits"));
            }
            if let Some(w) = &self.entropy_warning {
                out.push(format!("warning: {}", w.en));
            }
            out.push("still to check by hand (需人工核对):".into());
            for l in &self.sources_to_check {
                out.push(format!("  - {}", l.en));
            }
        }
        out
    }
}

/// What a published document (the notice, the workbook) may say of its
/// own draw, in Chinese paragraphs (SPEC §13.2): whether it was announced,
/// whether the seed's form was bound, the entropy, and what a reader must
/// check by hand. Only what is true of this record is said.
pub(crate) fn trust_statement_zh(record: &DrawRecord) -> Vec<String> {
    let a = assurance(record, true, None);
    let mut out = Vec::new();
    let v1 = record.version() == Protocol::V1;
    match (&record.announcement_digest, a.seed_form_bound) {
        (None, _) => {
            out.push("本次抽取未经事先公告。".to_string());
            out.push("这意味着：没有任何公开的证据表明抽查任务、两个名录库、排除名单和随机种子的写法是在种子产生之前确定的；抽取单位在得知种子之后，仍可能更改这些输入或换一种写法重新抽取，而不留痕迹。任何人仍可按本公告重算并得到相同结果，但这只说明结果按规则算出，不能说明结果未被挑选。".to_string());
        }
        (Some(ad), true) => {
            let forms: Vec<String> = record
                .seed
                .sources
                .iter()
                .filter_map(|s| s.form.as_ref().and_then(|f| f.as_ref()))
                .map(|f| format!("{}（{}）", f.describe(), f.expects().1))
                .collect();
            out.push(format!("本次抽取依据事先发布的抽查公告（公告摘要 {ad}）进行。该公告固定了抽查任务、两个名录库和排除名单的摘要，以及随机种子的确切来源与写法：{}。抽取时程序核对了所用文件与公告一致，并拒绝任何不符合公告写法的种子；抽取密钥包含公告摘要，因此本结果只能出自该公告。", forms.join("；")));
        }
        (Some(ad), false) => {
            out.push(format!("本次抽取依据事先发布的抽查公告（公告摘要 {ad}）进行：公告固定了抽查任务、两个名录库和排除名单的摘要。{}", if v1 { "但本记录采用协议 shuangsui-draw/1（v1），公告只以文字说明随机种子的来源，未固定其确切写法：同一开奖结果可以有多种写法、各得不同的抽取结果。" } else { "" }));
        }
    }
    if let Some(e) = a.entropy_bits {
        out.push(format!("随机种子的熵为 {e:.1} 比特。"));
    }
    if let Some(w) = &a.entropy_warning {
        out.push(format!("注意：{}", w.zh));
    }
    // One line per source; the line about the announcement is the
    // verifier's (it speaks of one given or not), so the notice says its own.
    let mut check: Vec<String> = a
        .sources_to_check
        .iter()
        .take(record.seed.sources.len())
        .map(|l| l.zh.clone())
        .collect();
    if record.announcement_digest.is_some() {
        check.push("公告应在随机种子产生之前公开发布：请在公告的发布处（网站、公告栏）核对其发布日期，并用公告文件核验本次抽取".to_string());
    }
    if !check.is_empty() {
        out.push(format!(
            "本公告本身不能证明以下事项，请读者自行核对：{}。",
            check.join("；")
        ));
    }
    out
}

/// What [`verify_inputs`] needs: the record's text and the files it is
/// verified against. The entity directory is asked for by task, because
/// the record's task says how it is stratified.
pub struct VerifyInputs<'a, 'd> {
    /// The record's text, as published; freed as soon as it is read when
    /// owned (190 MB at provincial scale).
    pub record: Cow<'a, str>,
    /// The record's file name, for messages (empty for none).
    pub record_name: &'a str,
    /// Reads the record's text again: called only when the re-run differs,
    /// to name the first difference from the full list of draws.
    pub read_again: &'a dyn Fn() -> Result<String>,
    /// The entity directory stratified for a task (read, or held).
    pub entities: &'a dyn Fn(&Task) -> Result<ForTask<'d>>,
    /// The inspector directory.
    pub inspectors: &'a InspectorDirectory,
    /// The exclusion lists given, united (the task's own ids are added).
    pub exclusions: &'a Exclusions,
    /// The announcement the record names, when given (SPEC §13.1 step 5).
    pub announcement: Option<&'a Announcement>,
}

/// The outcome of [`verify_inputs`].
#[derive(Debug)]
pub struct Verified {
    /// Reproduced, or the first difference.
    pub verification: Verification,
    /// What the verification proved (SPEC §13.2).
    pub assurance: Assurance,
    /// The number of drawn entities in the record.
    pub drawn: usize,
    /// The record's `record_digest` as written in it.
    pub record_digest: String,
    /// Problems of the entity directory that did not stop its reading.
    pub warnings: Vec<Error>,
}

/// Verifies a published record against its inputs (SPEC §13), as the
/// command line and the page both do: the record's task is read from the
/// start of its text, so that the directory is read for it while the rest
/// of the record is read on another thread (where there are threads); the
/// record is read without keeping its list of draws (hundreds of megabytes
/// at provincial scale), and read again in full only when the re-run
/// differs, to say where; then the announcement is checked and the
/// assurance stated. A record that cannot be read is reported by the
/// verification itself, against the whole directory.
///
/// # Errors
/// Errors reading the directory; `InvalidRecord` (in the record's file)
/// when the text is not a record of this protocol.
pub fn verify_inputs(inputs: VerifyInputs<'_, '_>) -> Result<Verified> {
    let VerifyInputs {
        record,
        record_name,
        read_again,
        entities,
        inspectors,
        exclusions,
        announcement,
    } = inputs;
    crate::timing::mark("  read the record's text");
    // The notice carries the record: either file will do (SPEC §13.3).
    let in_file = |e: Error| match record_name {
        "" => e,
        name => e.in_file(name),
    };
    let record = match record {
        Cow::Borrowed(text) => Cow::Borrowed(crate::record::record_json(text).map_err(in_file)?),
        Cow::Owned(text) => match crate::record::record_json(&text).map_err(in_file)? {
            inner if inner.len() == text.len() => Cow::Owned(text),
            inner => Cow::Owned(inner.to_string()),
        },
    };
    let ahead = DrawRecord::task_ahead(&record);
    let ((lean, text), scanned) = read_beside(record, ahead.as_ref(), entities);
    let (read, drawn) = match lean {
        Some((r, n)) => (Some(r), n),
        None => (None, 0),
    };
    crate::timing::mark("read the record");
    // Read again only when the record's task is not the one read ahead. A
    // record that cannot be read as published (changed by hand) is re-run
    // with the task written in it, to say what was changed; failing that,
    // against the whole directory.
    let directory = match (scanned, &read) {
        (Some(scanned), Some(r)) if ahead.as_ref() == Some(&r.task) => scanned?,
        (_, Some(r)) => entities(&r.task)?,
        (Some(Ok(scanned)), None) => scanned,
        (_, None) => match ahead.as_ref().map(entities) {
            Some(Ok(scanned)) => scanned,
            _ => entities(&Task::whole_directory()?)?,
        },
    };
    crate::timing::mark("read the directories");
    let source = directory.source();
    let v = match &read {
        Some(r) => match verify_read(r, source, inspectors, exclusions) {
            Ok(Verification::Differs(_)) => {
                let full = DrawRecord::from_published(&read_again()?)?;
                verify_read(&full, source, inspectors, exclusions)
            }
            v => v,
        },
        None => verify(&text, source, inspectors, exclusions),
    }
    .map_err(in_file)?;
    crate::timing::mark("verified");
    let warnings = directory.directory().warnings().to_vec();
    Ok(match &read {
        Some(r) => {
            let (verification, assurance) = conclude(r, v, announcement);
            Verified {
                verification,
                assurance,
                drawn,
                record_digest: r.record_digest.clone(),
                warnings,
            }
        }
        // A record changed by hand: the summary from the text as it is.
        None => {
            let record: serde_json::Value =
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
            Verified {
                verification: v,
                assurance: Assurance::not_reproduced(record["protocol"].as_str().unwrap_or("")),
                drawn: record["draws"].as_array().map_or(0, |d| d.len()),
                record_digest: record["record_digest"].as_str().unwrap_or("").to_string(),
                warnings,
            }
        }
    })
}

/// A record read without its draws and the number of draws, or `None` and
/// the text (kept only then, to say why it could not be read).
type Lean<'a> = (Option<(DrawRecord, usize)>, Cow<'a, str>);

fn read_lean(text: Cow<'_, str>) -> Lean<'_> {
    let lean = DrawRecord::read_without_draws(&text);
    if lean.is_some() {
        (lean, Cow::Borrowed(""))
    } else {
        (lean, text)
    }
}

/// Reads the record, and meanwhile on this thread the directory for the
/// task read ahead (if any).
#[cfg(not(target_arch = "wasm32"))]
fn read_beside<'a, 'd>(
    text: Cow<'a, str>,
    ahead: Option<&Task>,
    entities: &dyn Fn(&Task) -> Result<ForTask<'d>>,
) -> (Lean<'a>, Option<Result<ForTask<'d>>>) {
    match ahead {
        Some(task) => std::thread::scope(|s| {
            let read = s.spawn(move || read_lean(text));
            let scanned = entities(task);
            let read = read.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            (read, Some(scanned))
        }),
        None => (read_lean(text), None),
    }
}

/// In the browser there is one thread: the record is read first, then the
/// directory for its task.
#[cfg(target_arch = "wasm32")]
fn read_beside<'a, 'd>(
    text: Cow<'a, str>,
    _ahead: Option<&Task>,
    _entities: &dyn Fn(&Task) -> Result<ForTask<'d>>,
) -> (Lean<'a>, Option<Result<ForTask<'d>>>) {
    (read_lean(text), None)
}
