//! The draw itself (SPEC.md §7–§10): the draw key, strata, bottom-k ticket
//! selection of entities, and the team assignment from a ChaCha20 stream.

pub(crate) mod preflight;
pub(crate) mod prepare;
pub(crate) mod teams;

pub use preflight::{preflight, seed_form_findings, Finding, Level, Preflight, StratumPreflight};
pub use prepare::Prepared;

use crate::input::directory::{Entity, Inspector, InspectorDirectory, Status};
use crate::input::exclusions::Exclusions;
use crate::input::population::{EntitySource, Strata};
use crate::record::{
    AnnouncedSource, Announcement, DigestSummary, DrawRecord, Drawn, EntityRef, Protocol, Role,
    SeedRecord, StratumOutcome, TeamMember, PROTOCOL, PROTOCOL_V1,
};
use crate::spec::hash::{hex, tagged, Digest32, Tagged};
use crate::spec::seed::SeedForm;
use crate::spec::seed::{seed_digest, SeedSource};
use crate::spec::task::Task;
use crate::{Error, ErrorKind, Result};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Everything a draw needs.
#[derive(Clone, Copy)]
pub struct DrawInputs<'a> {
    /// The canonical task.
    pub task: &'a Task,
    /// The entity directory: an [`EntityDirectory`](crate::EntityDirectory), or an
    /// [`crate::EntityIndex`] of a large file.
    pub entities: &'a dyn EntitySource,
    /// The inspector directory.
    pub inspectors: &'a InspectorDirectory,
    /// The exclusion list (task inline ids and any list beside it, united).
    pub exclusions: &'a Exclusions,
    /// The published seed sources, in order: for an announced draw, read
    /// under the announced forms ([`read_seed`]).
    pub seed: &'a [SeedSource],
    /// Whether, and by what, the draw was announced.
    pub announcement: Announced<'a>,
}

/// How a draw was announced (SPEC §12), which also decides its protocol.
#[derive(Clone, Copy)]
pub enum Announced<'a> {
    /// A `shuangsui-draw/2` draw under this announcement: the inputs must
    /// match it and the seed must fit its forms.
    By(&'a Announcement),
    /// A `shuangsui-draw/2` draw made, by explicit choice, without an
    /// announcement; the record and every document made from it say so.
    Unannounced,
    /// A `shuangsui-draw/1` draw (its golden vectors and old records).
    V1,
}

impl<'a> Announced<'a> {
    /// How a protocol v2 draw is announced, from what its user gave: the
    /// announcement published before the seed, or the explicit choice to
    /// draw without one (SPEC §12). The CLI and the page both ask this.
    ///
    /// # Errors
    /// [`ErrorKind::Unannounced`] when there is neither; adapters add, with
    /// [`Error::hint`], how their user gives either.
    pub fn choose(
        announcement: Option<&'a Announcement>,
        unannounced: bool,
    ) -> Result<Announced<'a>> {
        match announcement {
            Some(a) => Ok(Announced::By(a)),
            None if unannounced => Ok(Announced::Unannounced),
            None => Err(Error::new(
                ErrorKind::Unannounced,
                "no announcement given: a draw is made under the announcement (抽查公告) published before the seed; to draw without one, say so explicitly: the record and the notice will then say 本次抽取未经事先公告, and nothing will show that the inputs were fixed before the seed",
                "未提供抽查公告：抽取应依据在随机种子产生之前发布的抽查公告；如确需不经公告抽取，须明确选择：抽取记录和结果公告将注明“本次抽取未经事先公告”，也无法证明输入在种子产生之前已经固定",
            )),
        }
    }
}

/// `draw_key` (SPEC §7): v2 binds the announcement's digest (or the empty
/// string when unannounced); v1 has no such field.
pub(crate) fn draw_key(
    protocol: Protocol,
    task: &Digest32,
    ent: &Digest32,
    insp: &Digest32,
    excl: &Digest32,
    seed: &Digest32,
    announcement: Option<&Digest32>,
) -> Digest32 {
    match protocol {
        Protocol::V1 => tagged(
            "shuangsui/1/draw-key",
            &[PROTOCOL_V1.as_bytes(), task, ent, insp, excl, seed],
        ),
        Protocol::V2 => tagged(
            "shuangsui/1/draw-key",
            &[
                PROTOCOL.as_bytes(),
                task,
                ent,
                insp,
                excl,
                seed,
                announcement.map_or(&[][..], |a| &a[..]),
            ],
        ),
    }
}

/// Reads the seed texts a person enters under an announcement's forms
/// (SPEC §6.3), one text per announced source.
///
/// # Errors
/// `AnnouncementMismatch` for the wrong number of texts; `InvalidSeed`
/// for a text that does not fit its form (saying what was announced);
/// `InvalidRecord` for a v1 announcement, which binds no form.
pub fn read_seed(announcement: &Announcement, texts: &[String]) -> Result<Vec<SeedSource>> {
    let forms = announcement.forms();
    if announcement.version() != Protocol::V2 || forms.len() != announcement.seed_sources.len() {
        return Err(Error::new(
            ErrorKind::InvalidRecord,
            format!("the announcement is of protocol {PROTOCOL_V1}, which does not fix the seed's form; make a new announcement with this version before the seed exists"), format!("该公告为 {PROTOCOL_V1} 协议，未固定随机种子的形式；请在种子产生之前用本版本重新公告")));
    }
    if texts.len() != forms.len() {
        let listed: Vec<String> = forms.iter().map(|f| f.describe()).collect();
        return Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!(
                "the announcement names {} seed source(s) ({}) but {} were given; give one seed per announced source, in the announced order",
                forms.len(),
                listed.join("; "),
                texts.len()
            ), format!(
            "公告列出 {} 个随机种子来源（{}），但输入了 {} 个；请按公告的顺序逐一输入",
            forms.len(),
            listed.join("；"),
            texts.len()
        )));
    }
    forms.iter().zip(texts).map(|(f, t)| f.read(t)).collect()
}

/// `stratum_key_s` (SPEC §8).
pub(crate) fn stratum_key(draw_key: &Digest32, index: u64) -> Digest32 {
    tagged("shuangsui/1/stratum", &[draw_key, &index.to_be_bytes()])
}

/// `ticket = SHA256(stratum_key ‖ id)` (SPEC §8).
pub fn ticket(stratum_key: &Digest32, id: &str) -> Digest32 {
    ticket_of_bytes(stratum_key, id.as_bytes())
}

/// [`ticket`] of an id given as bytes.
pub(crate) fn ticket_of_bytes(stratum_key: &Digest32, id: &[u8]) -> Digest32 {
    // Every id of up to 23 bytes (a 统一社会信用代码 has 18) fits with the
    // key and SHA-256's padding in one 64-byte block: compress it directly
    // rather than through the buffering hasher (ten million tickets at
    // provincial scale). The same function, checked against the hasher.
    if id.len() <= 64 - 32 - 9 {
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(stratum_key);
        block[32..32 + id.len()].copy_from_slice(id);
        block[32 + id.len()] = 0x80;
        block[56..].copy_from_slice(&((32 + id.len() as u64) * 8).to_be_bytes());
        let mut state = SHA256_INITIAL;
        sha2::compress256(&mut state, &[block.into()]);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        return out;
    }
    let mut h = Sha256::new();
    h.update(stratum_key);
    h.update(id);
    h.finalize().into()
}

/// SHA-256's initial hash value (FIPS 180-4 §5.3.3).
const SHA256_INITIAL: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The per-entity team stream (SPEC §9).
pub(crate) struct Stream(ChaCha20Rng);

impl Stream {
    pub(crate) fn new(draw_key: &Digest32, entity_id: &str) -> Stream {
        let mut t = Tagged::new("shuangsui/1/team");
        t.field(draw_key).field(entity_id.as_bytes());
        // rand_chacha's ChaCha20Rng: RFC 8439 block function, 64-bit block
        // counter from 0, zero stream id (nonce); `next_u64` reads the next 8
        // keystream bytes little-endian. This is value-stable across
        // platforms and is pinned by a test against RFC 8439's vector.
        Stream(ChaCha20Rng::from_seed(t.finish()))
    }

    /// `uniform(n)` by threshold rejection (SPEC §9).
    pub(crate) fn uniform(&mut self, n: u64) -> u64 {
        debug_assert!(n >= 1);
        let t = n.wrapping_neg() % n; // 2^64 mod n
        loop {
            let x = self.0.next_u64();
            if x >= t {
                return x % n;
            }
        }
    }
}

/// Why an inspector could not take a slot, in English and in Chinese; the
/// order is SPEC §10's.
const REASONS: [(&str, &str); 9] = [
    ("inactive (失效)", "不在岗"),
    ("certificate expired (证件过期)", "执法证已过期"),
    (
        "missing the task's enforcement field (执法领域)",
        "不具备本任务的执法领域",
    ),
    ("department not in the task (非实施部门)", "不属于实施部门"),
    ("wrong department for this slot", "不属于该席位的部门"),
    ("explicit conflict of interest (回避名单)", "在回避名单中"),
    (
        "same area as the entity (异地交叉检查)",
        "与检查对象同一区域（异地交叉检查）",
    ),
    ("already on this team", "已在本检查组"),
    ("at the per-inspector cap", "已达每人参加检查组数上限"),
];

/// Whether an inspector is qualified for the task (SPEC §10), or the index
/// into `REASONS` of the first rule it fails.
pub(crate) fn qualification(task: &Task, i: &Inspector) -> std::result::Result<(), usize> {
    if i.status != Status::Active {
        return Err(0);
    }
    if i.expiry
        .as_deref()
        .is_some_and(|x| x < task.draw_date.as_str())
    {
        return Err(1);
    }
    if !task.fields.iter().all(|f| {
        i.fields
            .binary_search_by(|x| x.as_bytes().cmp(f.as_bytes()))
            .is_ok()
    }) {
        return Err(2);
    }
    if !task.departments.is_empty() && !task.departments.contains(&i.department) {
        return Err(3);
    }
    Ok(())
}

fn assign_teams(
    task: &Task,
    inspectors: &[Inspector],
    drawn: &[&Entity],
    draw_key: &Digest32,
) -> Result<Vec<Vec<u32>>> {
    let qualified: Vec<std::result::Result<(), usize>> =
        inspectors.iter().map(|i| qualification(task, i)).collect();
    if !drawn.is_empty() && qualified.iter().all(|q| q.is_err()) {
        let mut counts = [0u64; 4];
        for q in &qualified {
            if let Err(r) = q {
                counts[*r] += 1;
            }
        }
        return Err(Error::new(
            ErrorKind::NoQualifiedInspector,
            format!(
                "no inspector is qualified for this task (fields {:?}, departments {:?}, draw date {}): of {} inspectors, {} inactive, {} with expired certificates, {} without the field, {} in other departments; update the inspector directory or the task",
                task.fields, task.departments, task.draw_date, inspectors.len(), counts[0], counts[1], counts[2], counts[3]
            ), format!(
                "没有符合本次任务条件的检查人员（执法领域 {:?}，部门 {:?}，抽取日期 {}）：{} 名检查人员中，{} 名不在岗，{} 名执法证已过期，{} 名不具备该执法领域，{} 名属于其他部门；请更新检查人员名录或修改任务",
                task.fields, task.departments, task.draw_date, inspectors.len(), counts[0], counts[1], counts[2], counts[3]
            )));
    }
    let ok: Vec<bool> = qualified.iter().map(|q| q.is_ok()).collect();
    if let Some(crate::draw::teams::Assigned::Teams(teams)) =
        crate::draw::teams::assign(task, inspectors, &ok, drawn, draw_key)
    {
        return Ok(teams);
    }
    assign_teams_plain(task, inspectors, &qualified, drawn, draw_key)
}

/// SPEC §10 as written: every inspector examined for every slot. The
/// reference for the fast assignment (`teams.rs`), and the source of the
/// detailed error when a slot cannot be filled.
fn assign_teams_plain(
    task: &Task,
    inspectors: &[Inspector],
    qualified: &[std::result::Result<(), usize>],
    drawn: &[&Entity],
    draw_key: &Digest32,
) -> Result<Vec<Vec<u32>>> {
    let slots: Vec<Option<&str>> = if task.team.per_department.is_empty() {
        vec![None; task.team.size as usize]
    } else {
        task.team
            .per_department
            .iter()
            .flat_map(|d| std::iter::repeat_n(Some(d.department.as_str()), d.count as usize))
            .collect()
    };
    let mut load = vec![0u64; inspectors.len()];
    let mut teams = Vec::with_capacity(drawn.len());
    let mut candidates: Vec<u32> = Vec::with_capacity(inspectors.len());
    for e in drawn {
        let mut stream = Stream::new(draw_key, &e.id);
        let mut team: Vec<u32> = Vec::with_capacity(slots.len());
        for (slot_index, slot) in slots.iter().enumerate() {
            candidates.clear();
            let mut excluded = [0u64; 9];
            for (idx, insp) in inspectors.iter().enumerate() {
                let reason = if let Err(r) = qualified[idx] {
                    Some(r)
                } else if slot.is_some_and(|d| d != insp.department) {
                    Some(4)
                } else if task
                    .team
                    .conflicts
                    .binary_search_by(|c| (c.entity.as_bytes(), c.inspector.as_bytes()).cmp(&(e.id.as_bytes(), insp.id.as_bytes())))
                    .is_ok()
                {
                    Some(5)
                } else if task.team.avoid_same.iter().any(|a| {
                    matches!((e.attribute(&a.entity), insp.attribute(&a.inspector)), (Some(x), Some(y)) if x == y)
                }) {
                    Some(6)
                } else if team.contains(&(idx as u32)) {
                    Some(7)
                } else if task.team.max_per_inspector.is_some_and(|cap| load[idx] >= cap) {
                    Some(8)
                } else {
                    None
                };
                match reason {
                    Some(r) => excluded[r] += 1,
                    None => candidates.push(idx as u32),
                }
            }
            if candidates.is_empty() {
                let counted = || REASONS.iter().zip(excluded).filter(|(_, n)| *n > 0);
                let detail: Vec<String> = counted().map(|((r, _), n)| format!("{n} {r}")).collect();
                let detail_zh: Vec<String> =
                    counted().map(|((_, r), n)| format!("{n} 名{r}")).collect();
                let (slot_desc, slot_zh) = match slot {
                    Some(d) => (
                        format!("slot {} (from {d})", slot_index + 1),
                        format!("第 {} 个席位（{d}）", slot_index + 1),
                    ),
                    None => (
                        format!("slot {}", slot_index + 1),
                        format!("第 {} 个席位", slot_index + 1),
                    ),
                };
                return Err(Error::new(
                    ErrorKind::Infeasible,
                    format!(
                        "the entity {} ({}) cannot be given a full team of {}: no inspector is left for {slot_desc}. Of {} inspectors: {}. Add qualified inspectors, raise max_per_inspector, or review the conflict rules; a team is never made smaller",
                        e.id,
                        e.name,
                        task.team.size,
                        inspectors.len(),
                        detail.join(", ")
                    ), format!(
                        "无法为检查对象 {}（{}）配齐 {} 人的检查组：{slot_zh}已没有可用的检查人员。{} 名检查人员中：{}。请增加符合条件的检查人员、提高每名检查人员最多参加的检查组数（max_per_inspector），或检查回避规则；检查组人数不会减少",
                        e.id,
                        e.name,
                        task.team.size,
                        inspectors.len(),
                        detail_zh.join("，")
                    )));
            }
            let min = candidates
                .iter()
                .map(|&c| load[c as usize])
                .min()
                .unwrap_or(0);
            candidates.retain(|&c| load[c as usize] == min);
            let pick = candidates[stream.uniform(candidates.len() as u64) as usize];
            load[pick as usize] += 1;
            team.push(pick);
        }
        teams.push(team);
    }
    Ok(teams)
}

/// The `k` smallest (ticket, position) pairs of a stratum's eligible
/// entities, ascending (SPEC §8), computed on all cores. Positions are in
/// id order, so comparing (ticket, position) breaks ties by id.
fn bottom_k(
    entities: &dyn EntitySource,
    positions: &[u32],
    excluded: &HashSet<u32>,
    skey: &Digest32,
    k: usize,
) -> Vec<(Digest32, u32)> {
    if k == 0 {
        return Vec::new();
    }
    // Tickets compare as four big-endian words: the same order as their
    // bytes, without a byte-wise comparison per entity.
    type Key = ([u64; 4], u32);
    // The k smallest of a chunk: candidates gather in a buffer of 2k; when
    // it is full, the k smallest are kept (a linear-time selection) and
    // anything above the largest of them is skipped from then on. Linear
    // in the chunk, where a heap pays log k for most entities of a large
    // quota.
    let part = |chunk: &[u32]| -> Vec<Key> {
        let cap = 2 * k.min(chunk.len());
        let mut kept: Vec<Key> = Vec::with_capacity(cap);
        let mut bound: Option<Key> = None;
        let mut id = String::with_capacity(32);
        let any_excluded = !excluded.is_empty();
        for &pos in chunk {
            if any_excluded && excluded.contains(&pos) {
                continue;
            }
            let t = (words(&entities.ticket_at(pos, skey, &mut id)), pos);
            if bound.is_some_and(|b| t > b) {
                continue;
            }
            kept.push(t);
            if kept.len() == cap {
                kept.select_nth_unstable(k - 1);
                kept.truncate(k);
                // The selection put the k-th smallest last.
                bound = Some(kept[k - 1]);
            }
        }
        kept
    };
    let mut all: Vec<Key> = crate::parallel::map_chunks(positions, 1 << 15, part)
        .into_iter()
        .flatten()
        .collect();
    all.sort_unstable();
    all.truncate(k);
    all.into_iter().map(|(w, pos)| (bytes(&w), pos)).collect()
}

/// A digest as four big-endian words (their order is the bytes' order).
fn words(d: &Digest32) -> [u64; 4] {
    std::array::from_fn(|i| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&d[i * 8..i * 8 + 8]);
        u64::from_be_bytes(w)
    })
}

/// The digest of [`words`].
fn bytes(w: &[u64; 4]) -> Digest32 {
    let mut d = [0u8; 32];
    for (o, x) in d.chunks_exact_mut(8).zip(w) {
        o.copy_from_slice(&x.to_be_bytes());
    }
    d
}

fn check_announcement(a: &Announcement, p: &Prepared, seed: &[SeedSource]) -> Result<()> {
    let mismatch = |(what, what_zh): (&str, &str),
                    announced: &DigestSummary,
                    given: DigestSummary| {
        Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!(
                "the {what} differs from the one announced: announced {} rows with digest {}, given {} rows with digest {}; use exactly the files that were announced",
                announced.count, announced.digest, given.count, given.digest
            ), format!(
                "{what_zh}与公告的不一致：公告为 {} 行、摘要 {}，输入为 {} 行、摘要 {}；请使用公告时的原文件",
                announced.count, announced.digest, given.count, given.digest
            )))
    };
    if a.task_digest != hex(&p.task_digest) {
        return Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!(
                "the task differs from the one announced (announced task digest {}, given {}); use the announced task file",
                a.task_digest,
                hex(&p.task_digest)
            ),
            format!(
                "任务与公告的不一致（公告的任务摘要为 {}，输入的为 {}）；请使用公告时的任务文件",
                a.task_digest,
                hex(&p.task_digest)
            ),
        ));
    }
    let e = p.entities_summary();
    if a.entities != e {
        return mismatch(
            ("entity directory (检查对象名录库)", "检查对象名录库"),
            &a.entities,
            e,
        );
    }
    let i = p.inspectors_summary();
    if a.inspectors != i {
        return mismatch(
            (
                "inspector directory (执法检查人员名录库)",
                "执法检查人员名录库",
            ),
            &a.inspectors,
            i,
        );
    }
    let x = p.exclusions_summary();
    if a.exclusions != x {
        return mismatch(("exclusion list (排除名单)", "排除名单"), &a.exclusions, x);
    }
    if a.seed_sources.len() != seed.len() {
        return Err(Error::new(
            ErrorKind::AnnouncementMismatch,
            format!(
                "the announcement names {} seed source(s) but {} were given; give one --seed per announced source, in the announced order",
                a.seed_sources.len(),
                seed.len()
            ),
            format!(
            "公告列出 {} 个随机种子来源，但输入了 {} 个；请按公告的顺序逐一输入",
            a.seed_sources.len(),
            seed.len()
        )));
    }
    // Each source must be the announced form's reading of its value: a
    // source made otherwise (another kind, another grouping) is refused.
    for (i, (s, f)) in seed.iter().zip(&a.seed_sources).enumerate() {
        let AnnouncedSource::Form(f) = f else {
            continue;
        };
        if !f.fits(s.kind, &s.value) {
            return Err(Error::new(
                ErrorKind::InvalidSeed,
                format!(
                    "seed source {}: {}:{} does not fit the announced form {} ({})",
                    i + 1,
                    s.kind.name(),
                    s.value,
                    f.describe(),
                    f.expects().0
                ),
                format!(
                    "第 {} 个随机种子 {}:{} 不符合公告的形式 {}（{}）",
                    i + 1,
                    s.kind.name(),
                    s.value,
                    f.describe(),
                    f.expects().1
                ),
            ));
        }
    }
    Ok(())
}

/// Makes the draw (SPEC §7–§11) and returns its record.
///
/// # Errors
/// `InvalidTask`, `InvalidSeed` (no source), `OverlappingStrata`,
/// `QuotaExceedsStratum`, `NoQualifiedInspector`, `Infeasible`,
/// `AnnouncementMismatch`.
pub fn draw(inputs: &DrawInputs) -> Result<DrawRecord> {
    Prepared::new(
        inputs.task,
        inputs.entities,
        inputs.inspectors,
        inputs.exclusions,
    )?
    .draw(inputs.seed, inputs.announcement)
}

impl Prepared<'_> {
    /// Makes the draw (SPEC §7–§11) from the published seed and returns
    /// its record.
    ///
    /// # Errors
    /// As [`draw`].
    pub fn draw(&self, seed: &[SeedSource], announced: Announced) -> Result<DrawRecord> {
        let mut seed: Vec<SeedSource> = seed.to_vec();
        let (protocol, announcement_digest) = match announced {
            Announced::By(a) => {
                if a.version() != Protocol::V2 {
                    return Err(Error::new(
                    ErrorKind::InvalidRecord,
                    format!("the announcement is of protocol {PROTOCOL_V1}, which does not fix the seed's form; make a new announcement with this version before the seed exists"),
                format!("该公告为 {PROTOCOL_V1} 协议，未固定随机种子的形式；请在种子产生之前用本版本重新公告")));
                }
                if let Some((en, zh)) = a.problem() {
                    return Err(Error::new(ErrorKind::InvalidRecord, en, zh));
                }
                check_announcement(a, self, &seed)?;
                for (s, f) in seed.iter_mut().zip(a.forms()) {
                    s.description = f.describe();
                    s.form = Some(Some(f.clone()));
                }
                (Protocol::V2, Some(a.announcement_digest.clone()))
            }
            Announced::Unannounced => {
                for s in &mut seed {
                    s.description = String::new();
                    s.form = Some(None);
                }
                (Protocol::V2, None)
            }
            Announced::V1 => {
                for s in &mut seed {
                    s.form = None;
                }
                (Protocol::V1, None)
            }
        };
        let mut record = draw_with(self, seed, protocol, announcement_digest)?;
        record.record_digest = record.compute_digest();
        crate::timing::mark("draw: record digest");
        Ok(record)
    }
}

/// The exclusion list of a draw: the task's own ids and the list given
/// beside it, united (SPEC §4).
pub(crate) fn all_exclusions(task: &Task, given: &Exclusions) -> Result<Exclusions> {
    Ok(Exclusions::from_ids(&task.exclusions)?.union(given))
}

/// The quota k of a stratum (SPEC §5.1) from its number of matching
/// entities and how many of them are excluded.
///
/// # Errors
/// `QuotaExceedsStratum` when a count asks for more than are eligible.
pub(crate) fn stratum_quota(
    stratum: &crate::spec::task::Stratum,
    population: u64,
    excluded_here: u64,
) -> Result<u64> {
    let eligible = population - excluded_here;
    Ok(match (stratum.count, stratum.ratio_ppm) {
        (Some(c), _) => {
            if c > eligible {
                return Err(Error::new(
                    ErrorKind::QuotaExceedsStratum,
                    format!(
                        "stratum \"{}\" asks for {c} entities but has only {eligible} eligible ({population} matching, {excluded_here} excluded); lower its count or use a ratio",
                        stratum.name,
                    ), format!(
                        "分层“{}”要求抽取 {c} 户，但只有 {eligible} 户可抽（符合条件 {population} 户，排除 {excluded_here} 户）；请减少抽取户数或改用比例",
                        stratum.name,
                    )));
            }
            c
        }
        // Written as SPEC §5.1 states it: (eligible × r + 999999) div 1000000.
        #[allow(clippy::manual_div_ceil)]
        (None, Some(r)) => ((eligible as u128 * r as u128 + 999_999) / 1_000_000) as u64,
        (None, None) => 0,
    })
}

/// The positions of the excluded entities present in the directory (the
/// list is short next to the directory).
pub(crate) fn excluded_positions(
    entities: &dyn EntitySource,
    exclusions: &Exclusions,
) -> HashSet<u32> {
    exclusions
        .ids()
        .filter_map(|id| entities.position(id))
        .collect()
}

/// How many of a stratum's members (positions, ascending) are excluded.
pub(crate) fn excluded_in(excluded: &HashSet<u32>, positions: &[u32]) -> u64 {
    excluded
        .iter()
        .filter(|p| positions.binary_search(p).is_ok())
        .count() as u64
}

/// The draw itself; the record it returns has no `record_digest` yet (a
/// verification compares the records field by field and needs none).
pub(crate) fn draw_with(
    inputs: &Prepared,
    seed: Vec<SeedSource>,
    protocol: Protocol,
    announcement_digest: Option<String>,
) -> Result<DrawRecord> {
    let task = inputs.task;
    if seed.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidSeed,
            "no seed source given; give the published seed, e.g. --seed \"lottery:3 0 7\"",
            "没有输入随机种子；请输入已公布的随机种子，例如 --seed \"lottery:3 0 7\"",
        ));
    }
    let task_digest = inputs.task_digest;
    let seed_d = seed_digest(&seed);
    let announced = match &announcement_digest {
        Some(a) => Some(crate::spec::hash::parse_digest(a).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidRecord,
                format!("the announcement digest \"{a}\" is not 64 hex digits"),
                format!("公告摘要“{a}”不是 64 位十六进制数"),
            )
        })?),
        None => None,
    };
    let key = draw_key(
        protocol,
        &task_digest,
        &inputs.entities_digest,
        &inputs.inspectors_digest,
        &inputs.exclusions_digest,
        &seed_d,
        announced.as_ref(),
    );
    crate::timing::mark("draw: key");
    let entities = inputs.entities;
    let Strata {
        members,
        unstratified,
    } = entities.strata(task)?;
    let excluded = excluded_positions(entities, &inputs.exclusions);

    crate::timing::mark("draw: strata lists");
    let mut strata = Vec::with_capacity(task.strata.len());
    let mut drawn: Vec<(u64, u64, Digest32, u32)> = Vec::new();
    for (s, (stratum, positions)) in task.strata.iter().zip(&members).enumerate() {
        let skey = stratum_key(&key, s as u64);
        let population = positions.len() as u64;
        let excluded_here = excluded_in(&excluded, positions);
        let eligible = population - excluded_here;
        let quota = stratum_quota(stratum, population, excluded_here)?;
        let tickets = bottom_k(entities, positions, &excluded, &skey, quota as usize);
        let threshold = tickets.last().map(|t| hex(&t.0));
        for (p, (t, pos)) in tickets.iter().enumerate() {
            drawn.push((s as u64, p as u64 + 1, *t, *pos));
        }
        strata.push(StratumOutcome {
            index: s as u64,
            name: stratum.name.clone(),
            key: hex(&skey),
            population,
            excluded: excluded_here,
            eligible,
            quota,
            threshold,
        });
    }

    crate::timing::mark("draw: tickets and bottom-k");
    let positions: Vec<u32> = drawn.iter().map(|d| d.3).collect();
    // The team rules look at the entity's id and, for 异地交叉检查, at
    // the attributes named in `avoid_same`: only those are read back.
    let keep = |k: &str| task.team.avoid_same.iter().any(|a| a.entity == k);
    let drawn_full = entities.entities_at(&positions, &keep)?;
    crate::timing::mark("draw: drawn rows read back");
    let drawn_entities: Vec<&Entity> = drawn_full.iter().collect();
    let inspectors = inputs.inspectors.inspectors();
    // SPEC §10: a team is never smaller than `size`, so a team larger than
    // the directory cannot be formed (said before anything is sized by it).
    if !drawn_entities.is_empty() && task.team.size > inspectors.len() as u64 {
        return Err(Error::new(
            ErrorKind::Infeasible,
            format!(
                "teams of {} are asked for, but the inspector directory holds {} inspectors; lower team.size or add inspectors",
                task.team.size,
                inspectors.len()
            ), format!(
            "任务要求每组 {} 人，但执法检查人员名录库只有 {} 人；请减小 team.size 或增加人员",
            task.team.size,
            inspectors.len()
        )));
    }
    let teams = assign_teams(task, inspectors, &drawn_entities, &key)?;
    crate::timing::mark("draw: teams");
    drop(drawn_entities);
    // The drawn rows' ids and names move into the record; the rest of each
    // row is freed here.
    let draws = drawn
        .iter()
        .zip(drawn_full)
        .zip(teams)
        .map(|(((s, p, t, _), e), team)| Drawn {
            stratum: *s,
            position: *p,
            ticket: hex(t),
            entity: EntityRef {
                id: e.id,
                name: e.name,
            },
            team: team
                .iter()
                .enumerate()
                .map(|(j, &i)| {
                    let insp = &inspectors[i as usize];
                    TeamMember {
                        id: insp.id.clone(),
                        name: insp.name.clone(),
                        department: insp.department.clone(),
                        role: if j == 0 { Role::Leader } else { Role::Member },
                    }
                })
                .collect(),
        })
        .collect();
    // The strata lists are no longer needed; free them before the record's
    // canonical form is built.
    drop(members);
    crate::timing::mark("draw: draws built, lists freed");

    let record = DrawRecord {
        protocol: protocol.name().to_string(),
        task: task.clone(),
        task_digest: hex(&task_digest),
        entities: inputs.entities_summary(),
        inspectors: inputs.inspectors_summary(),
        exclusions: inputs.exclusions_summary(),
        seed: SeedRecord {
            sources: seed,
            digest: hex(&seed_d),
        },
        announcement_digest,
        draw_key: hex(&key),
        unstratified,
        strata,
        draws,
        record_digest: String::new(),
    };
    Ok(record)
}

/// Makes the announcement (SPEC §12) for a task and its inputs: the exact
/// forms of the seed sources to come and the day it is published.
///
/// # Errors
/// `InvalidTask` when the task breaks a rule, when no seed form is given,
/// or when the dates are out of order (a seed dated before the publication,
/// or after the draw date).
pub fn announce(
    task: &Task,
    entities: &dyn EntitySource,
    inspectors: &InspectorDirectory,
    exclusions: &Exclusions,
    seed_forms: &[SeedForm],
    published: &str,
) -> Result<Announcement> {
    Prepared::new(task, entities, inspectors, exclusions)?.announce(seed_forms, published)
}

impl Prepared<'_> {
    /// Makes the announcement (SPEC §12) of this task and its inputs.
    ///
    /// # Errors
    /// As [`announce`].
    pub fn announce(&self, seed_forms: &[SeedForm], published: &str) -> Result<Announcement> {
        let task = self.task;
        if seed_forms.is_empty() {
            return Err(Error::new(
            ErrorKind::InvalidTask,
            "say where the seed will come from, exactly: add a [[seed]] table to the task file, e.g. lottery = \"福彩3D\", issue = \"2026318\", date = 2026-11-30",
        "请写明随机种子的确切来源：在任务文件中加入 [[seed]]，例如 lottery = \"福彩3D\"、issue = \"2026318\"、date = 2026-11-30"));
        }
        for f in seed_forms {
            f.validate()?;
            f.check_filled()?;
        }
        let published = crate::spec::text::canonical_date(published)?;
        let forms: Vec<&SeedForm> = seed_forms.iter().collect();
        if let Some((en, zh)) =
            crate::record::dates_problem(Some(&published), &forms, &task.draw_date)
        {
            return Err(Error::new(ErrorKind::InvalidTask, en, zh));
        }
        let mut a = Announcement {
            protocol: PROTOCOL.to_string(),
            task: task.clone(),
            task_digest: hex(&self.task_digest),
            entities: self.entities_summary(),
            inspectors: self.inspectors_summary(),
            exclusions: self.exclusions_summary(),
            published: Some(published),
            seed_sources: seed_forms
                .iter()
                .cloned()
                .map(AnnouncedSource::Form)
                .collect(),
            announcement_digest: String::new(),
        };
        a.announcement_digest = a.compute_digest();
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_block_tickets_equal_the_hasher() {
        let key: Digest32 = Sha256::digest(b"stratum key").into();
        for len in 0..80 {
            let id: String = (0..len)
                .map(|i| char::from(b'0' + (i % 10) as u8))
                .collect();
            let mut h = Sha256::new();
            h.update(key);
            h.update(id.as_bytes());
            let expected: Digest32 = h.finalize().into();
            assert_eq!(ticket(&key, &id), expected, "id of {len} bytes");
        }
    }

    #[test]
    fn chacha_stream_matches_rfc8439_keystream() {
        // RFC 8439 §2.3.2 uses a non-zero nonce; with the all-zero key and
        // nonce, block 0 of ChaCha20 is the well-known keystream
        // 76b8e0ad a0f13d90 … (RFC 8439 §A.1, test vector #1).
        let mut rng = ChaCha20Rng::from_seed([0u8; 32]);
        let first = rng.next_u64();
        assert_eq!(
            first,
            u64::from_le_bytes([0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90])
        );
        let second = rng.next_u64();
        assert_eq!(
            second,
            u64::from_le_bytes([0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28])
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

        /// The fast assignment picks exactly what the plain rule picks.
        #[test]
        fn fast_assignment_equals_the_plain_rule(
            insp in proptest::collection::vec((0usize..3, 0usize..4, proptest::bool::weighted(0.9)), 2..25),
            ents in proptest::collection::vec((0usize..4, 0u32..1000), 1..60),
            size in 2u64..4,
            cap in proptest::option::of(1u64..8),
            cross in proptest::bool::ANY,
            joint in proptest::bool::ANY,
            conflicts in proptest::collection::vec((0usize..60, 0usize..25), 0..15),
            seed in 0u64..1000,
        ) {
            use crate::spec::task::{AvoidSame, Conflict, DepartmentQuota, TeamRules};
            let depts = ["甲局", "乙局", "丙局"];
            let areas = ["城关镇", "博峰街道", "甘河子镇", "水磨沟乡"];
            let inspectors: Vec<Inspector> = insp.iter().enumerate().map(|(i, (d, a, active))| Inspector {
                id: format!("ZF{i:03}"),
                name: format!("员{i}"),
                department: depts[*d].to_string(),
                fields: vec![],
                status: if *active { Status::Active } else { Status::Inactive },
                expiry: None,
                attributes: vec![(std::sync::Arc::from("所属区域"), areas[*a].to_string())],
                row: 0,
            }).collect();
            let entities: Vec<Entity> = ents.iter().enumerate().map(|(i, (a, _))| Entity {
                id: format!("E{i:04}"),
                name: format!("企业{i}"),
                attributes: if *a < 3 { vec![(std::sync::Arc::from("所属区域"), areas[*a].to_string())] } else { vec![] },
                row: 0,
            }).collect();
            let mut conflict_list: Vec<Conflict> = conflicts.iter()
                .filter(|(e, i)| *e < entities.len() && *i < inspectors.len())
                .map(|(e, i)| Conflict { entity: entities[*e].id.clone(), inspector: inspectors[*i].id.clone() })
                .collect();
            conflict_list.sort();
            conflict_list.dedup();
            let per_department = if joint {
                vec![DepartmentQuota { department: depts[0].into(), count: 1 }, DepartmentQuota { department: depts[1].into(), count: size - 1 }]
            } else {
                vec![]
            };
            let task = Task {
                name: "t".into(), item: "i".into(), fields: vec![], departments: vec![], draw_date: "2026-12-01".into(),
                exclusions: vec![], strata: vec![],
                team: TeamRules {
                    size,
                    per_department,
                    max_per_inspector: cap,
                    avoid_same: if cross { vec![AvoidSame { entity: "所属区域".into(), inspector: "所属区域".into() }] } else { vec![] },
                    conflicts: conflict_list,
                },
            };
            let drawn: Vec<&Entity> = entities.iter().collect();
            let key = crate::spec::hash::tagged("test", &[&seed.to_be_bytes()]);
            let qualified: Vec<std::result::Result<(), usize>> = inspectors.iter().map(|i| qualification(&task, i)).collect();
            let ok: Vec<bool> = qualified.iter().map(|q| q.is_ok()).collect();
            let plain = assign_teams_plain(&task, &inspectors, &qualified, &drawn, &key);
            match crate::draw::teams::assign(&task, &inspectors, &ok, &drawn, &key) {
                Some(crate::draw::teams::Assigned::Teams(fast)) => proptest::prop_assert_eq!(plain.ok(), Some(fast)),
                Some(crate::draw::teams::Assigned::Unfilled) => proptest::prop_assert!(plain.is_err()),
                None => proptest::prop_assert!(false, "one cross-area rule is handled"),
            }
        }
    }

    #[test]
    fn uniform_rejects_below_threshold() {
        let mut s = Stream(ChaCha20Rng::from_seed([7u8; 32]));
        for n in [1u64, 2, 3, 7, 1000, u64::MAX] {
            for _ in 0..100 {
                assert!(s.uniform(n) < n);
            }
        }
        assert_eq!(s.uniform(1), 0);
    }
}
