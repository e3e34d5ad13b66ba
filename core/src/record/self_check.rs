//! A single entity's own check (企业自查, SPEC.md §13.3): from its code and
//! the published record alone (record.json, or the notice that carries it),
//! whether it was drawn, in words a company owner reads.
//!
//! An owner rarely knows their stratum: a credit class (信用风险等级) is
//! assessed inside the regulator. So every stratum is checked, and a ticket
//! under a stratum's threshold without a listing is not a mismatch: the
//! entity may simply not belong to that stratum (or be excluded, or not be
//! in the directory). Only what the record contradicts is a ✗.

use crate::draw::{stratum_key, ticket};
use crate::record::verify::Line;
use crate::record::DrawRecord;
use crate::spec::hash::{hex, parse_digest};
use crate::{Error, ErrorKind, Result};
use serde::Serialize;

/// What the check says of one stratum, or of the entity overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Listed in the record, and the ticket is under the threshold: drawn ✓.
    Drawn,
    /// Not listed, and the ticket is over the threshold (or the stratum drew
    /// nobody): not drawn ✓.
    NotDrawn,
    /// Not listed, but an entity of the stratum with this ticket would have
    /// been drawn: whether that is right depends on facts the record does
    /// not hold (the entity's stratum, the exclusion list, the directory).
    /// Not an error; the owner is asked to enquire.
    Ask,
    /// The entity cannot be in the stratum: a condition on the code (`id`)
    /// leaves it out, or the task excludes it.
    NotInStratum,
    /// The record contradicts itself about this entity (listed but over
    /// the threshold, listed in a stratum that does not exist, a recorded
    /// ticket that is not the computed one): ✗.
    Contradiction,
}

/// One stratum of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StratumCheck {
    /// The stratum's index in the record.
    pub stratum: u64,
    /// Its name, e.g. `信用风险等级=A`.
    pub name: String,
    /// Which entities it takes, in words (`信用风险等级为 A 的企业`).
    pub condition: Line,
    /// The entity's ticket in it, hex (SPEC §8).
    pub ticket: String,
    /// Its threshold, hex; `None` when it drew nobody.
    pub threshold: Option<String>,
    /// Whether the ticket is at or below the threshold.
    pub below_threshold: bool,
    /// Whether the record lists the entity as drawn in it.
    pub listed: bool,
    /// What this means.
    pub outcome: Outcome,
    /// The same in a sentence.
    pub says: Line,
}

/// The whole check of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfCheck {
    /// The code checked, normalized.
    pub id: String,
    /// The verdict: [`Outcome::Drawn`], [`Outcome::NotDrawn`],
    /// [`Outcome::Ask`] or [`Outcome::Contradiction`].
    pub verdict: Outcome,
    /// The verdict in a sentence, the first thing the owner reads.
    pub headline: Line,
    /// For [`Outcome::Ask`]: which strata, and what the owner should do.
    pub detail: Option<Line>,
    /// Each stratum checked, in the record's order.
    pub strata: Vec<StratumCheck>,
    /// What else the owner should know (a contradiction outside the
    /// strata, a code the record lists although it fails its check).
    pub notes: Vec<Line>,
}

fn line(en: String, zh: String) -> Line {
    Line { en, zh }
}

/// The code an owner typed, checked before anything is computed: empty,
/// characters a code never has, not 18 characters (nor a 15-digit 注册号,
/// SPEC §3.1), a wrong check character. Returns the normalized code and,
/// for a code the record lists although it fails its check (a directory
/// read with `invalid_codes = "warn"`), the problem as a note.
fn checked_code(record: &DrawRecord, typed: &str) -> Result<(String, Option<Line>)> {
    // What is wrong with the code, then where to fix it (once: some
    // messages already send the reader to the licence).
    let about = |e: Error| {
        let (en, zh) = (e.message(), e.message_zh());
        let en = if en.contains("business licence") {
            format!("{en}, and type it again in the code field")
        } else {
            format!("{en}: check the code against the business licence and type it again in the code field")
        };
        let zh = if zh.contains("营业执照") {
            format!("{zh}，并在“统一社会信用代码”一栏重新填写")
        } else {
            format!("{zh}：请对照营业执照核对，在“统一社会信用代码”一栏重新填写")
        };
        Error::new(ErrorKind::InvalidId, en, zh)
    };
    let id = crate::spec::text::normalize_entity_id(typed).map_err(about)?;
    match crate::spec::uscc::code_problem(&id) {
        None => Ok((id, None)),
        Some((en, zh)) if record.draws.iter().any(|d| d.entity.id == id) => Ok((
            id,
            Some(line(
                format!("{en}; the record lists this code nevertheless, so the draw's directory had it as written"),
                format!("{zh}；但抽取记录中列有此代码，说明名录库中就是这样登记的"),
            )),
        )),
        Some((en, zh)) => Err(about(Error::new(ErrorKind::InvalidId, en, zh))),
    }
}

/// Checks one entity against a published record (SPEC §13.3), from its
/// code alone: its ticket in each stratum (or in `stratum` only, when the
/// owner knows it), compared with the threshold and with the list of the
/// drawn, and the verdict in words.
///
/// # Errors
/// `InvalidId` for a code that is not one (with what is wrong with it);
/// `InvalidRecord` when the record's key is malformed or `stratum` does
/// not exist.
pub fn self_check(record: &DrawRecord, typed: &str, stratum: Option<u64>) -> Result<SelfCheck> {
    let (id, note) = checked_code(record, typed)?;
    let key = parse_digest(&record.draw_key).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidRecord,
            "the record's draw key (抽取密钥) is not 64 hex digits",
            "抽取记录中的抽取密钥不是 64 位十六进制数",
        )
    })?;
    let chosen: Vec<u64> = match stratum {
        Some(s) if (s as usize) < record.strata.len() => vec![s],
        Some(s) => {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                format!("the record has no stratum {s}"),
                format!("抽取记录中没有第 {s} 个分层"),
            ))
        }
        None => (0..record.strata.len() as u64).collect(),
    };
    let excluded = record.task.exclusions.contains(&id);
    let strata: Vec<StratumCheck> = chosen
        .into_iter()
        .map(|s| stratum_check(record, &key, &id, s, excluded))
        .collect();
    let mut notes: Vec<Line> = note.into_iter().collect();
    // Listed in a stratum the record does not have: nothing to compare.
    for d in &record.draws {
        if d.entity.id == id && d.stratum as usize >= record.strata.len() {
            notes.push(line(
                format!("✗ the record lists this code as drawn in stratum {}, which the record does not have: the record contradicts itself; report it to the inspecting authority", d.stratum),
                format!("✗ 抽取记录把此代码列为第 {} 个分层的抽中企业，但记录中没有这个分层：记录自相矛盾，请向抽查机关反映", d.stratum),
            ));
        }
    }
    if excluded {
        notes.push(line(
            "the task's own exclusion list (排除名单) names this code, so it took part in no stratum".into(),
            "抽查任务自带的排除名单中有此代码，因此不参加任何分层的抽取".into(),
        ));
    }
    let stray = notes.iter().any(|n| n.zh.starts_with('✗'));
    let verdict = if stray || strata.iter().any(|c| c.outcome == Outcome::Contradiction) {
        Outcome::Contradiction
    } else if strata.iter().any(|c| c.outcome == Outcome::Drawn) {
        Outcome::Drawn
    } else if strata.iter().any(|c| c.outcome == Outcome::Ask) {
        Outcome::Ask
    } else {
        Outcome::NotDrawn
    };
    let headline = headline(verdict, &strata, stratum.is_some(), excluded);
    let detail = (verdict == Outcome::Ask).then(|| ask_detail(record, &strata, stratum.is_some()));
    Ok(SelfCheck {
        id,
        verdict,
        headline,
        detail,
        strata,
        notes,
    })
}

fn stratum_check(
    record: &DrawRecord,
    key: &crate::spec::hash::Digest32,
    id: &str,
    s: u64,
    excluded: bool,
) -> StratumCheck {
    let outcome = &record.strata[s as usize];
    let t = hex(&ticket(&stratum_key(key, s), id));
    let threshold = outcome.threshold.clone();
    let below = threshold.as_deref().is_some_and(|th| t.as_str() <= th);
    let listed = record
        .draws
        .iter()
        .find(|d| d.stratum == s && d.entity.id == id);
    let (cond_en, cond_zh) = record
        .task
        .strata
        .get(s as usize)
        .map(crate::spec::task::Stratum::condition_words)
        .unwrap_or_else(|| (outcome.name.clone(), outcome.name.clone()));
    // A condition on the code itself settles membership (SPEC §5.1).
    let outside = record.task.strata.get(s as usize).is_some_and(|st| {
        st.conditions
            .iter()
            .any(|c| c.attribute == "id" && !c.holds(id.as_bytes()))
    });
    let name = &outcome.name;
    let (kind, en, zh) = match (listed, below) {
        (Some(d), _) if d.ticket != t => (
            Outcome::Contradiction,
            format!("✗ the record lists this code in “{name}” with the ticket {}, but the published key gives {t}: the record contradicts itself; report it to the inspecting authority", d.ticket),
            format!("✗ 抽取记录在“{name}”中列出此代码，抽签值记为 {}，但按公布的密钥算得 {t}：记录自相矛盾，请向抽查机关反映", d.ticket),
        ),
        (Some(_), _) if excluded || outside => (
            Outcome::Contradiction,
            format!("✗ the record lists this code as drawn in “{name}”, although the task leaves it out of that stratum: the record contradicts itself; report it to the inspecting authority"),
            format!("✗ 抽取记录在“{name}”中列出此代码，而抽查任务本已把它排除在该分层之外：记录自相矛盾，请向抽查机关反映"),
        ),
        (Some(_), true) => (
            Outcome::Drawn,
            format!("drawn ✓: the record lists this code in “{name}” ({cond_en}), and its ticket is at or below the stratum's threshold"),
            format!("已被抽中 ✓：抽取记录在“{name}”（{cond_zh}）中列出此代码，抽签值不大于该分层的阈值"),
        ),
        (Some(_), false) => (
            Outcome::Contradiction,
            format!("✗ the record lists this code as drawn in “{name}”, but its ticket is above the stratum's threshold, so it cannot have been drawn there: the record contradicts itself; report it to the inspecting authority"),
            format!("✗ 抽取记录在“{name}”中列出此代码，但其抽签值大于该分层的阈值，按规则不可能被抽中：记录自相矛盾，请向抽查机关反映"),
        ),
        (None, _) if excluded || outside => (
            Outcome::NotInStratum,
            format!("not in this stratum: “{name}” takes {cond_en}, and the task leaves this code out of it"),
            format!("不属于该分层：“{name}”只含{cond_zh}，抽查任务未把此代码列入"),
        ),
        (None, false) => (
            Outcome::NotDrawn,
            if threshold.is_none() {
                format!("not drawn ✓: “{name}” ({cond_en}) drew nobody this time")
            } else {
                format!("not drawn ✓: if the entity is among {cond_en}, its ticket is above the threshold, and the record does not list it")
            },
            if threshold.is_none() {
                format!("未被抽中 ✓：“{name}”（{cond_zh}）本次未抽取任何企业")
            } else {
                format!("未被抽中 ✓：若本企业属于{cond_zh}，其抽签值大于该分层的阈值，记录中也没有列出")
            },
        ),
        (None, true) if outcome.quota == outcome.eligible => (
            Outcome::Ask,
            format!("not listed, but note: this stratum ({cond_en}) drew every one of its {} entities. If the entity belongs to this stratum, is in the entity directory and was not excluded, it should be on the list: ask the inspecting authority. If it does not belong to it, this line does not concern it", outcome.quota),
            format!("名单中没有本企业，但请留意：该分层（{cond_zh}）的 {} 户企业全部被抽中。若本企业属于该分层、在检查对象名录库中且未被排除，就应在名单中，请向抽查机关询问；若不属于该分层，此条与本企业无关", outcome.quota),
        ),
        (None, true) => (
            Outcome::Ask,
            format!("not listed, but note: among {cond_en}, an entity with this ticket would have been drawn. If the entity belongs to this stratum, is in the entity directory and was not excluded, it should have been drawn: ask the inspecting authority. If it does not belong to it, this line does not concern it"),
            format!("名单中没有本企业，但请留意：在{cond_zh}中，抽签值为此值的企业应被抽中。若本企业属于该分层、在检查对象名录库中且未被排除，则本应被抽中，请向抽查机关询问；若不属于该分层，此条与本企业无关"),
        ),
    };
    StratumCheck {
        stratum: s,
        name: name.clone(),
        condition: line(cond_en, cond_zh),
        ticket: t,
        threshold,
        below_threshold: below,
        listed: listed.is_some(),
        outcome: kind,
        says: line(en, zh),
    }
}

/// What an owner reads when the ticket is under a stratum's threshold but
/// the record does not list the code: whether that concerns the entity
/// depends on its stratum, which the record does not say.
fn ask_detail(record: &DrawRecord, strata: &[StratumCheck], one: bool) -> Line {
    let ask: Vec<&StratumCheck> = strata
        .iter()
        .filter(|c| c.outcome == Outcome::Ask)
        .collect();
    let names = |sep: &str| {
        ask.iter()
            .map(|c| format!("“{}”", c.name))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let everyone = ask.iter().all(|c| {
        let o = &record.strata[c.stratum as usize];
        o.quota == o.eligible
    });
    let (what_en, what_zh) = if everyone {
        (
            format!("{} drew every one of its entities", names(", ")),
            format!("{}的企业全部被抽中", names("、")),
        )
    } else {
        (
            format!(
                "in {}, an entity with this ticket would have been drawn",
                names(", ")
            ),
            format!("在{}中，抽签值为此值的企业应被抽中", names("、")),
        )
    };
    let (class_en, class_zh) = if one {
        ("", "")
    } else {
        (
            " (a credit risk class is assessed by the regulator, and a company may not know its own)",
            "（信用风险等级由监管部门评定，企业往往不知道本企业的等级）",
        )
    };
    line(
        format!("Note: {what_en}. Whether that concerns this entity depends on its stratum, which the record does not say{class_en}. If it belongs there, is in the entity directory and was not excluded, it should be on the list: ask the inspecting authority. If it does not belong there, nothing is wrong."),
        format!("说明：{what_zh}。这是否与本企业有关，取决于本企业属于哪个分层，而抽取记录中没有这一信息{class_zh}。若本企业属于该分层、在检查对象名录库中且未被排除，就应在名单中，请向抽查机关询问；若不属于该分层，则没有问题。"),
    )
}

fn headline(verdict: Outcome, strata: &[StratumCheck], one: bool, excluded: bool) -> Line {
    let names = |o: Outcome, sep: &str| {
        strata
            .iter()
            .filter(|c| c.outcome == o)
            .map(|c| format!("“{}”", c.name))
            .collect::<Vec<_>>()
            .join(sep)
    };
    match verdict {
        Outcome::Contradiction => line(
            "✗ The record contradicts itself about this code (see below): report it to the inspecting authority".into(),
            "✗ 抽取记录关于此代码的内容自相矛盾（见下）：请向抽查机关反映".into(),
        ),
        Outcome::Drawn => line(
            format!("✓ Drawn: the record lists this code in {}, and the computation agrees", names(Outcome::Drawn, ", ")),
            format!("✓ 已被抽中：抽取记录在{}中列出此代码，计算结果与记录一致", names(Outcome::Drawn, "、")),
        ),
        Outcome::Ask => line(
            format!("Not drawn: the record does not list this code (but see the note on {} below)", names(Outcome::Ask, ", ")),
            format!("未被抽中：抽取记录中没有此代码（但请看下面关于{}的说明）", names(Outcome::Ask, "、")),
        ),
        _ if excluded => line(
            "✓ Not drawn: the task's exclusion list names this code, so it took part in no stratum, and the record does not list it".into(),
            "✓ 未被抽中：抽查任务的排除名单中有此代码，不参加抽取，抽取记录中也没有列出".into(),
        ),
        _ => {
            if one {
                line(
                    "✓ Not drawn: the record does not list this code, and in this stratum it would not have been drawn".into(),
                    "✓ 未被抽中：抽取记录中没有此代码，在该分层中也不应被抽中".into(),
                )
            } else {
                line(
                    "✓ Not drawn: the record does not list this code, and in every stratum it could belong to its ticket is above the threshold (or the stratum drew nobody), so whichever stratum it belongs to, it was not drawn".into(),
                    "✓ 未被抽中：抽取记录中没有此代码，且在它可能所属的每个分层中，抽签值都大于阈值（或该分层本次未抽取）：无论本企业属于哪个分层，都不应被抽中".into(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> DrawRecord {
        crate::synth::demo().unwrap().record
    }

    /// The demo's task has a stratum that draws everyone (D, 100%).
    fn not_drawn(record: &DrawRecord) -> String {
        let demo = crate::synth::demo().unwrap();
        let e = crate::EntityDirectory::from_csv(demo.entities_csv.as_bytes(), "e.csv").unwrap();
        e.entities()
            .iter()
            .map(|e| e.id.clone())
            .find(|id| record.draws.iter().all(|d| d.entity.id != *id))
            .unwrap()
    }

    #[test]
    fn drawn_and_not_drawn_in_words() {
        let r = demo();
        let d = &r.draws[0];
        let c = self_check(&r, &d.entity.id.to_lowercase(), None).unwrap();
        assert_eq!(c.verdict, Outcome::Drawn);
        assert!(c.headline.zh.starts_with("✓ 已被抽中"), "{c:?}");
        assert!(c.headline.zh.contains(&r.strata[d.stratum as usize].name));
        let own = &c.strata[d.stratum as usize];
        assert!(own.listed && own.below_threshold);
        assert!(own.says.zh.contains("信用风险等级为 "), "{own:?}");
        let id = not_drawn(&r);
        let c = self_check(&r, &id, None).unwrap();
        assert!(
            matches!(c.verdict, Outcome::NotDrawn | Outcome::Ask),
            "{c:?}"
        );
        assert!(!c.headline.zh.contains('✗'));
        // D draws everyone: under its threshold, not listed, and said so.
        let everyone = r.strata.iter().position(|s| s.quota == s.eligible).unwrap();
        let d_line = &c.strata[everyone];
        if d_line.below_threshold {
            assert_eq!(d_line.outcome, Outcome::Ask);
            assert!(d_line.says.zh.contains("全部被抽中"), "{d_line:?}");
            let detail = c.detail.as_ref().unwrap();
            assert!(
                detail.zh.contains("企业往往不知道本企业的等级"),
                "{detail:?}"
            );
            assert!(detail.zh.contains("全部被抽中"), "{detail:?}");
        }
        // Over every threshold: not drawn, whatever the stratum.
        let over = (0..5000)
            .map(|n| {
                let code = crate::uscc::complete(format!("9165230200{n:06}").as_bytes()).unwrap();
                String::from_utf8(code.to_vec()).unwrap()
            })
            .find(|id| {
                self_check(&r, id, None)
                    .unwrap()
                    .strata
                    .iter()
                    .all(|s| !s.below_threshold)
            })
            .unwrap();
        let c = self_check(&r, &over, None).unwrap();
        assert_eq!(c.verdict, Outcome::NotDrawn);
        assert!(c.headline.zh.starts_with("✓ 未被抽中"));
    }

    #[test]
    fn a_code_is_checked_first() {
        let r = demo();
        let mut wrong = r.draws[0].entity.id.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        for (typed, says) in [
            ("", "为空"),
            ("   ", "为空"),
            ("hello", "共 5 位"),
            ("91652302-MA7", "含有“-”"),
            ("9165230200000000000", "共 19 位"),
            (wrong.as_str(), "第 18 位校验码应为"),
        ] {
            let e = self_check(&r, typed, None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidId, "{typed}");
            assert!(e.message_zh().contains(says), "{typed}: {}", e.message_zh());
            assert!(
                e.message_zh().contains("营业执照"),
                "{typed}: {}",
                e.message_zh()
            );
            assert!(e.message().contains("business licence"), "{typed}");
        }
        // A legacy 注册号 (15 digits) is a code (SPEC §3.1).
        let c = self_check(&r, "652302526365107", None).unwrap();
        assert_ne!(c.verdict, Outcome::Contradiction);
    }

    #[test]
    fn only_a_contradiction_is_a_cross() {
        let r = demo();
        let d = r.draws[0].clone();
        // A threshold lowered below the drawn ticket.
        let mut low = r.clone();
        low.strata[d.stratum as usize].threshold = Some("0".repeat(64));
        let c = self_check(&low, &d.entity.id, None).unwrap();
        assert_eq!(c.verdict, Outcome::Contradiction);
        assert!(c.headline.zh.starts_with('✗'));
        // An entity added to the list whose ticket is over the threshold.
        let id = not_drawn(&r);
        let mut added = r.clone();
        let over = (0..r.strata.len() as u64)
            .find(|&s| !self_check(&r, &id, Some(s)).unwrap().strata[0].below_threshold);
        if let Some(s) = over {
            let mut fake = d.clone();
            fake.entity.id = id.clone();
            fake.stratum = s;
            fake.ticket = self_check(&r, &id, Some(s)).unwrap().strata[0]
                .ticket
                .clone();
            added.draws.push(fake);
            let c = self_check(&added, &id, None).unwrap();
            assert_eq!(c.verdict, Outcome::Contradiction, "{c:?}");
        }
        // Listed in a stratum that does not exist.
        let mut stray = r.clone();
        stray.draws[0].stratum = 99;
        let c = self_check(&stray, &d.entity.id, None).unwrap();
        assert_eq!(c.verdict, Outcome::Contradiction);
        assert!(c.notes.iter().any(|n| n.zh.contains("第 99 个分层")));
        // A recorded ticket that is not the computed one.
        let mut ticket = r.clone();
        ticket.draws[0].ticket = "f".repeat(64);
        let c = self_check(&ticket, &d.entity.id, None).unwrap();
        assert_eq!(c.verdict, Outcome::Contradiction);
        // A stratum that does not exist, asked for.
        let e = self_check(&r, &d.entity.id, Some(99)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRecord);
    }
}
