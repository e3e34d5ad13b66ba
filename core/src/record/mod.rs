//! The documents a draw publishes: the record (抽取记录, SPEC.md §11) and the
//! announcement (抽查公告, §12), with canonical JSON (§1) and their digests.

#[cfg(test)]
mod reading_tests;
pub(crate) mod self_check;
pub(crate) mod verify;

use crate::spec::hash::{hex, tagged, Tagged};
use crate::spec::seed::{SeedForm, SeedSource};
use crate::spec::task::Task;
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol version of new draws (SPEC §6.2–§13).
pub const PROTOCOL: &str = "shuangsui-draw/2";

/// The first protocol version, whose records keep verifying under its
/// rules (its seed's form was not bound).
pub const PROTOCOL_V1: &str = "shuangsui-draw/1";

/// A protocol version this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `shuangsui-draw/1`.
    V1,
    /// `shuangsui-draw/2`.
    V2,
}

impl Protocol {
    /// The version named by a document's `protocol`.
    pub fn of(name: &str) -> Option<Protocol> {
        match name {
            PROTOCOL_V1 => Some(Protocol::V1),
            PROTOCOL => Some(Protocol::V2),
            _ => None,
        }
    }

    /// Its name, `shuangsui-draw/2`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::V1 => PROTOCOL_V1,
            Protocol::V2 => PROTOCOL,
        }
    }

    /// The short label people see: `v1`, `v2`.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::V1 => "v1",
            Protocol::V2 => "v2",
        }
    }
}

/// Canonical JSON (SPEC §1): keys sorted by bytes, no whitespace, only `"`
/// and `\` escaped in normalized text.
pub(crate) fn canonical_json(v: &Value) -> String {
    // serde_json's `Map` is a BTreeMap (the `preserve_order` feature is not
    // enabled), so keys come out sorted by bytes; its compact writer adds no
    // whitespace and escapes exactly as SPEC §1 requires for normalized text.
    serde_json::to_string(v).unwrap_or_default()
}

/// Row count and digest of a directory or exclusion list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestSummary {
    /// Number of rows (distinct ids for exclusions).
    pub count: u64,
    /// The digest, lowercase hex.
    pub digest: String,
}

/// The seed as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRecord {
    /// The sources in order.
    pub sources: Vec<SeedSource>,
    /// `seed_digest`, lowercase hex.
    pub digest: String,
}

/// One stratum's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StratumOutcome {
    /// Zero-based index in task order.
    pub index: u64,
    /// The stratum's name.
    pub name: String,
    /// `stratum_key`, lowercase hex.
    pub key: String,
    /// Entities matching the stratum.
    pub population: u64,
    /// Of those, on the exclusion list.
    pub excluded: u64,
    /// population − excluded.
    pub eligible: u64,
    /// How many were drawn.
    pub quota: u64,
    /// The largest drawn ticket, or null when nothing was drawn.
    pub threshold: Option<String>,
}

/// An entity as named in the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRef {
    /// 统一社会信用代码.
    pub id: String,
    /// 企业名称.
    pub name: String,
}

/// Role in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 组长: the first inspector drawn.
    Leader,
    /// 组员.
    Member,
}

/// A team member as named in the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// 执法证号.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 单位/部门.
    pub department: String,
    /// Leader or member.
    pub role: Role,
}

/// One drawn entity with its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drawn {
    /// Stratum index.
    pub stratum: u64,
    /// 1-based position in the stratum (ascending ticket).
    pub position: u64,
    /// The entity's ticket, lowercase hex.
    pub ticket: String,
    /// The entity.
    pub entity: EntityRef,
    /// The team, leader first.
    pub team: Vec<TeamMember>,
}

/// The draw record (抽取记录, SPEC §11): everything needed to check a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRecord {
    /// `shuangsui-draw/1`.
    pub protocol: String,
    /// The canonical task.
    pub task: Task,
    /// Task digest, hex.
    pub task_digest: String,
    /// Entity directory summary.
    pub entities: DigestSummary,
    /// Inspector directory summary.
    pub inspectors: DigestSummary,
    /// Exclusion list summary.
    pub exclusions: DigestSummary,
    /// The published seed.
    pub seed: SeedRecord,
    /// Digest of the announcement the draw was checked against, if any.
    pub announcement_digest: Option<String>,
    /// The draw key, hex.
    pub draw_key: String,
    /// Entities matching no stratum.
    pub unstratified: u64,
    /// Per-stratum outcome.
    pub strata: Vec<StratumOutcome>,
    /// Drawn entities with their teams, in draw order.
    pub draws: Vec<Drawn>,
    /// The record's own digest, hex.
    pub record_digest: String,
}

/// The published form of a document (SPEC §11, §12): serde's pretty
/// printing (two-space indent, fields in declaration order) and a newline.
fn write_pretty(v: &impl Serialize, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

fn digest_without(v: &Value, tag: &str, key: &str) -> String {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove(key);
    }
    hex(&tagged(tag, &[canonical_json(&v).as_bytes()]))
}

fn string(out: &mut Vec<u8>, s: &str) {
    // serde_json's escaping, as the generic canonical JSON uses. It escapes
    // only `"`, `\` and the controls below U+0020; text without them (ids,
    // names, tickets: nearly all) is copied as it is.
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, s);
    }
}
/// The length of `string`'s output for `s`, without writing it.
fn string_len(s: &str) -> usize {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        s.len() + 2
    } else {
        serde_json::to_vec(s).map_or(0, |v| v.len())
    }
}

/// The length of [`draw_json`]'s output for `d`, without writing it (the
/// record digest's length prefix comes before the draws; a test holds the
/// two equal).
fn draw_json_len(d: &Drawn) -> usize {
    let digits = |n: u64| n.checked_ilog10().map_or(1, |l| l as usize + 1);
    let team: usize = d
        .team
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::Leader => ",\"role\":\"leader\"}".len(),
                Role::Member => ",\"role\":\"member\"}".len(),
            };
            "{\"department\":".len()
                + string_len(&m.department)
                + ",\"id\":".len()
                + string_len(&m.id)
                + ",\"name\":".len()
                + string_len(&m.name)
                + role
        })
        .sum();
    "{\"entity\":{\"id\":".len()
        + string_len(&d.entity.id)
        + ",\"name\":".len()
        + string_len(&d.entity.name)
        + "},\"position\":".len()
        + digits(d.position)
        + ",\"stratum\":".len()
        + digits(d.stratum)
        + ",\"team\":[".len()
        + team
        + d.team.len().saturating_sub(1)
        + "],\"ticket\":".len()
        + string_len(&d.ticket)
        + 1
}

/// One draw as canonical JSON, appended to `out`.
fn draw_json(out: &mut Vec<u8>, d: &Drawn) {
    out.extend_from_slice(b"{\"entity\":{\"id\":");
    string(out, &d.entity.id);
    out.extend_from_slice(b",\"name\":");
    string(out, &d.entity.name);
    out.extend_from_slice(b"},\"position\":");
    out.extend_from_slice(d.position.to_string().as_bytes());
    out.extend_from_slice(b",\"stratum\":");
    out.extend_from_slice(d.stratum.to_string().as_bytes());
    out.extend_from_slice(b",\"team\":[");
    for (j, m) in d.team.iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"department\":");
        string(out, &m.department);
        out.extend_from_slice(b",\"id\":");
        string(out, &m.id);
        out.extend_from_slice(b",\"name\":");
        string(out, &m.name);
        out.extend_from_slice(match m.role {
            Role::Leader => b",\"role\":\"leader\"}",
            Role::Member => b",\"role\":\"member\"}",
        });
    }
    out.extend_from_slice(b"],\"ticket\":");
    string(out, &d.ticket);
    out.push(b'}');
}

/// The draws as canonical JSON (keys sorted, no whitespace), written
/// straight into one buffer; on all cores for a long list.
fn draws_json(draws: &[Drawn]) -> DrawsJson {
    let part = |ds: &[Drawn]| {
        let mut out = Vec::with_capacity(ds.len() * 400);
        for (i, d) in ds.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            draw_json(&mut out, d);
        }
        out
    };
    let pieces = crate::parallel::map_chunks(draws, 4096, part);
    DrawsJson(pieces)
}

/// The draws' canonical JSON array, in pieces to be joined with commas
/// inside brackets (not joined here: at provincial scale that would hold
/// the hundred megabytes twice).
struct DrawsJson(Vec<Vec<u8>>);

impl DrawsJson {
    /// The array's bytes in order, without copying them together.
    fn parts(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(&b"["[..])
            .chain(self.parts_inside())
            .chain(std::iter::once(&b"]"[..]))
    }

    /// The array's elements with their commas, without the brackets.
    fn parts_inside(&self) -> impl Iterator<Item = &[u8]> {
        let n = self.0.len();
        self.0.iter().enumerate().flat_map(move |(i, p)| {
            let sep: &[u8] = if i + 1 < n { b"," } else { b"" };
            [&p[..], sep]
        })
    }
}

/// `record_digest` (SPEC §11) over the canonical JSON given as the text
/// before the draws' array, the array (`draws_len` bytes, which `feed`
/// hashes) and the text after it.
fn record_digest(
    before: &str,
    draws_len: usize,
    feed: impl FnOnce(&mut Tagged),
    after: &str,
) -> String {
    let mut h = Tagged::new("shuangsui/1/record");
    h.field_header(before.len() + draws_len + after.len());
    h.update(before.as_bytes());
    feed(&mut h);
    h.update(after.as_bytes());
    hex(&h.finish())
}

/// Hashes the draws' canonical JSON array without holding it: written a
/// batch at a time and hashed batch by batch (where there are two cores,
/// the next batch is written while this one is hashed). At provincial scale
/// the array is a hundred megabytes.
fn hash_draws(h: &mut Tagged, draws: &[Drawn]) {
    const BATCH: usize = 16 * 1024;
    let write = |batch: &[Drawn], out: &mut Vec<u8>| {
        out.clear();
        for (i, d) in batch.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            draw_json(out, d);
        }
    };
    h.update(b"[");
    if crate::parallel::threads() == 1 || draws.len() <= BATCH {
        let mut out = Vec::new();
        for (b, batch) in draws.chunks(BATCH).enumerate() {
            if b > 0 {
                h.update(b",");
            }
            write(batch, &mut out);
            h.update(&out);
        }
    } else {
        // Two buffers go back and forth between the writer and the hasher.
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        for _ in 0..2 {
            let _ = empty_tx.send(Vec::with_capacity(BATCH * 450));
        }
        std::thread::scope(|s| {
            s.spawn(move || {
                for batch in draws.chunks(BATCH) {
                    let Ok(mut out) = empty_rx.recv() else { return };
                    write(batch, &mut out);
                    if full_tx.send(out).is_err() {
                        return;
                    }
                }
            });
            for (b, out) in full_rx.into_iter().enumerate() {
                if b > 0 {
                    h.update(b",");
                }
                h.update(&out);
                // The writer stops after its last batch: that buffer then
                // has nowhere to go, and the ones still sent must be hashed.
                let _ = empty_tx.send(out);
            }
        });
    }
    h.update(b"]");
}

/// A record as read by [`DrawRecord::read_without_draws`]: the same fields,
/// the draws kept only as their canonical JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeanRecord {
    protocol: String,
    task: Task,
    task_digest: String,
    entities: DigestSummary,
    inspectors: DigestSummary,
    exclusions: DigestSummary,
    seed: SeedRecord,
    announcement_digest: Option<String>,
    draw_key: String,
    unstratified: u64,
    strata: Vec<StratumOutcome>,
    draws: CanonicalDraws,
    record_digest: String,
}

/// A list of draws read one at a time into canonical JSON (the array's
/// elements, comma-separated, without its brackets).
struct CanonicalDraws {
    json: Vec<u8>,
    count: usize,
}

impl<'de> Deserialize<'de> for CanonicalDraws {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Each;
        impl<'de> serde::de::Visitor<'de> for Each {
            type Value = CanonicalDraws;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of draws")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<CanonicalDraws, A::Error> {
                let mut json = Vec::new();
                let mut count = 0;
                while let Some(d) = seq.next_element::<Drawn>()? {
                    if count > 0 {
                        json.push(b',');
                    }
                    draw_json(&mut json, &d);
                    count += 1;
                }
                Ok(CanonicalDraws { json, count })
            }
        }
        d.deserialize_seq(Each)
    }
}

impl DrawRecord {
    /// Computes `record_digest` over the record without that key (SPEC §11).
    pub fn compute_digest(&self) -> String {
        // Hashed in pieces: at provincial scale the draws are a hundred
        // megabytes, not worth holding to hash them.
        let (before, after) = self.canonical_head();
        let draws_len = 2
            + self.draws.iter().map(draw_json_len).sum::<usize>()
            + self.draws.len().saturating_sub(1);
        record_digest(&before, draws_len, |h| hash_draws(h, &self.draws), &after)
    }

    /// The task of a record as this program publishes it (pretty-printed,
    /// `protocol` then `task` first), read from the start of its text
    /// without reading the rest — so that the directory can be scanned for
    /// it while the record, a hundred megabytes at provincial scale, is
    /// read beside. A hint only: `None` when the text does not start that
    /// way, and the caller checks it against the record once read.
    pub(crate) fn task_ahead(text: &str) -> Option<Task> {
        let rest = [PROTOCOL, PROTOCOL_V1].iter().find_map(|p| {
            text.strip_prefix(format!("{{\n  \"protocol\": \"{p}\",\n  \"task\": ").as_str())
        })?;
        // One JSON value, not the whole text: the rest is not read.
        serde_json::Deserializer::from_str(rest)
            .into_iter::<Task>()
            .next()?
            .ok()
    }

    /// Reads a record for verification without keeping its drawn list:
    /// each draw is read, written in canonical form for the digest and
    /// dropped (at provincial scale the list takes hundreds of megabytes as
    /// values). Returns the record with `draws` empty and the number of
    /// draws. `None` when the text is not a record whose content hashes to
    /// its `record_digest`: [`DrawRecord::from_json`] then says why.
    pub(crate) fn read_without_draws(text: &str) -> Option<(DrawRecord, usize)> {
        let lean: LeanRecord = serde_json::from_str(text).ok()?;
        let record = DrawRecord {
            protocol: lean.protocol,
            task: lean.task,
            task_digest: lean.task_digest,
            entities: lean.entities,
            inspectors: lean.inspectors,
            exclusions: lean.exclusions,
            seed: lean.seed,
            announcement_digest: lean.announcement_digest,
            draw_key: lean.draw_key,
            unstratified: lean.unstratified,
            strata: lean.strata,
            draws: Vec::new(),
            record_digest: lean.record_digest,
        };
        if Protocol::of(&record.protocol).is_none() || record.shape_problem().is_some() {
            return None;
        }
        let (before, after) = record.canonical_head();
        // The elements, without the array's brackets.
        let json = &lean.draws.json;
        let feed = |h: &mut Tagged| {
            h.update(b"[");
            h.update(json);
            h.update(b"]");
        };
        let digest = record_digest(&before, json.len() + 2, feed, &after);
        (digest == record.record_digest).then_some((record, lean.draws.count))
    }

    /// The canonical JSON of the record without `record_digest` (SPEC §1,
    /// §11). The draws — hundreds of thousands at provincial scale — are
    /// written directly in canonical key order instead of through a JSON
    /// tree; a test holds this equal to the generic canonical JSON.
    pub fn canonical_json(&self) -> String {
        let (before, after) = self.canonical_head();
        let mut json = before.into_bytes();
        for part in draws_json(&self.draws).parts() {
            json.extend_from_slice(part);
        }
        json.extend_from_slice(after.as_bytes());
        // JSON written from strings: valid UTF-8.
        String::from_utf8_lossy(&json).into_owned()
    }

    /// The canonical JSON around the draws' array: up to its value, and
    /// the rest.
    fn canonical_head(&self) -> (String, String) {
        let rest = DrawRecord {
            protocol: self.protocol.clone(),
            task: self.task.clone(),
            task_digest: self.task_digest.clone(),
            entities: self.entities.clone(),
            inspectors: self.inspectors.clone(),
            exclusions: self.exclusions.clone(),
            seed: self.seed.clone(),
            announcement_digest: self.announcement_digest.clone(),
            draw_key: self.draw_key.clone(),
            unstratified: self.unstratified,
            strata: self.strata.clone(),
            draws: Vec::new(),
            record_digest: String::new(),
        };
        let mut v = serde_json::to_value(&rest).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.remove("record_digest");
            m.insert("draws".into(), Value::Null);
        }
        let head = canonical_json(&v);
        // A key with its quotes cannot occur inside a JSON string (quotes
        // there are escaped), so this finds exactly the placeholder.
        let placeholder = "\"draws\":null";
        let at = head.find(placeholder).unwrap_or(head.len());
        let before = format!("{}\"draws\":", &head[..at]);
        let after = head[(at + placeholder.len()).min(head.len())..].to_string();
        (before, after)
    }

    /// The generic canonical JSON (through a JSON tree), for the test that
    /// holds [`DrawRecord::canonical_json`] equal to it.
    #[cfg(test)]
    pub(crate) fn canonical_json_generic(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.remove("record_digest");
        }
        canonical_json(&v)
    }

    /// The record as pretty-printed JSON, as published: the bytes of
    /// [`DrawRecord::write_json_pretty`].
    pub fn to_json_pretty(&self) -> String {
        String::from_utf8(self.json_pretty_bytes()).unwrap_or_default()
    }

    /// The record as published, as UTF-8 bytes, written into one buffer
    /// sized beforehand (about 620 bytes a draw with a team of two; more
    /// only costs a copy), without the copies of a growing string.
    pub fn json_pretty_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.draws.len() * 700 + (64 << 10));
        if self.write_json_pretty(&mut out).is_err() {
            out.clear();
        }
        out
    }

    /// Writes the record as published — pretty-printed JSON and a newline —
    /// to `w`: the one writer of the published form, streamed (the record
    /// of a provincial draw is 190 MB).
    ///
    /// # Errors
    /// Those of `w`.
    pub fn write_json_pretty(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        write_pretty(self, w)
    }

    /// Reads a record from JSON text, checking that its `record_digest`
    /// matches its content (a hand-edited record fails here).
    ///
    /// # Errors
    /// `InvalidRecord` when the text is not a record of this protocol, or
    /// when its digest does not match (the message says so).
    pub fn from_json(text: &str) -> Result<DrawRecord> {
        /// Just the protocol, to say so when a record is of another one.
        #[derive(Deserialize)]
        struct ProtocolOnly {
            protocol: Option<String>,
        }
        // Read straight into the typed record (every field known, none
        // extra), whose canonical JSON is then exactly that of the text.
        // Only when that fails is the text read again, to say why: not
        // JSON, another protocol, or malformed.
        let r: DrawRecord = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(malformed) => {
                let p: ProtocolOnly = serde_json::from_str(text).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidRecord,
                        format!("the record is not valid JSON: {e}"),
                        format!("记录不是有效的 JSON：{e}"),
                    )
                })?;
                let proto = p.protocol.unwrap_or_default();
                return Err(if Protocol::of(&proto).is_none() {
                    unknown_protocol("record", &proto)
                } else {
                    Error::new(
                        ErrorKind::InvalidRecord,
                        format!("the record is malformed: {malformed}"),
                        format!("抽取记录格式有误：{malformed}"),
                    )
                });
            }
        };
        if Protocol::of(&r.protocol).is_none() {
            return Err(unknown_protocol("record", &r.protocol));
        }
        let actual = r.compute_digest();
        if r.record_digest != actual {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                format!(
                    "the record was changed after it was made: the record digest written in it does not match its content, so it cannot be trusted; get the record again from where the inspecting authority published it (its record_digest is {}, its content hashes to {actual})",
                    r.record_digest
                ), format!(
                "抽取记录在生成后被改动过：记录中写明的记录摘要与按其内容算出的摘要不符，这份记录不可信；请从抽查机关的公布处重新取得（记录中的记录摘要为 {}，按内容算得 {actual}）",
                r.record_digest
            )));
        }
        if let Some((en, zh)) = r.shape_problem() {
            return Err(Error::new(ErrorKind::InvalidRecord, en, zh));
        }
        Ok(r)
    }
}

/// The element of the notice (notice.html) that carries the record: the
/// notice is then all a company or a journalist needs (SPEC §13.3).
pub const NOTICE_RECORD_OPEN: &str = "<script type=\"application/json\" id=\"shuangsui-record\">";

/// The record's JSON text inside a published file: record.json as it is,
/// or the record a notice (notice.html) carries. The record is not read
/// here: [`DrawRecord::from_json`] reads what this returns (a notice
/// writes `<` as `\u003c`, which JSON reads back as `<`).
///
/// # Errors
/// `InvalidRecord` for a web page that carries no record (a notice made
/// before notices carried one, or another page).
pub fn record_json(text: &str) -> Result<&str> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !start.starts_with('<') {
        return Ok(text);
    }
    let inner = text.find(NOTICE_RECORD_OPEN).and_then(|at| {
        let body = &text[at + NOTICE_RECORD_OPEN.len()..];
        body.find("</script>").map(|end| &body[..end])
    });
    inner.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidRecord,
            "this is a web page without a draw record in it: drop the draw record (record.json), or the notice (notice.html) the draw wrote (a notice made by an earlier version carries no record)",
            "这是一个网页文件，其中没有抽取记录：请放入抽取记录 record.json，或抽取时生成的结果公告 notice.html（较早版本生成的公告不含抽取记录）",
        )
    })
}

impl DrawRecord {
    /// Reads a record from a published file: record.json, or the notice
    /// that carries it ([`record_json`], then [`DrawRecord::from_json`]).
    ///
    /// # Errors
    /// As [`record_json`] and [`DrawRecord::from_json`].
    pub fn from_published(text: &str) -> Result<DrawRecord> {
        DrawRecord::from_json(record_json(text)?)
    }
}

/// An announced seed source (SPEC §12): its form (v2) or a free text (v1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnnouncedSource {
    /// v2: the exact form (SPEC §6.2).
    Form(SeedForm),
    /// v1: where the seed will come from, in words; binds nothing.
    Text(String),
}

/// The announcement (抽查公告, SPEC §12), published before the seed exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Announcement {
    /// `shuangsui-draw/2` (or `/1` for an old announcement).
    pub protocol: String,
    /// The canonical task.
    pub task: Task,
    /// Task digest, hex.
    pub task_digest: String,
    /// Entity directory summary.
    pub entities: DigestSummary,
    /// Inspector directory summary.
    pub inspectors: DigestSummary,
    /// Exclusion list summary.
    pub exclusions: DigestSummary,
    /// v2: the day the office publishes it, `YYYY-MM-DD` (v1: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The seed sources in order: forms (v2) or texts (v1).
    pub seed_sources: Vec<AnnouncedSource>,
    /// The announcement's own digest, hex.
    pub announcement_digest: String,
}

fn unknown_protocol(what: &str, proto: &str) -> Error {
    let (what_en, what_zh) = if what == "record" {
        ("record", "抽取记录")
    } else {
        ("announcement", "抽查公告")
    };
    Error::new(
        ErrorKind::InvalidRecord,
        format!("the {what_en}'s protocol is \"{proto}\"; this program reads {PROTOCOL} and {PROTOCOL_V1}"), format!("{what_zh}的协议为“{proto}”；本程序可读取 {PROTOCOL} 与 {PROTOCOL_V1}"))
}

/// The task of a document must be canonical and hash to its task digest
/// (SPEC §11, §12): else its readable task is not the one committed to.
fn task_problem(
    what_en: &str,
    what_zh: &str,
    task: &Task,
    task_digest: &str,
) -> Option<(String, String)> {
    let actual = hex(&task.digest());
    if actual != task_digest {
        return Some((
            format!("the {what_en}'s task does not hash to its task_digest ({task_digest}; the task shown hashes to {actual}): the task shown is not the one committed to"),
            format!("{what_zh}中列出的抽查任务与其任务摘要不符（摘要 {task_digest}，所列任务算得 {actual}）：所列任务并非实际承诺的任务"),
        ));
    }
    match task.canonical_difference() {
        None => None,
        Some((path, found, canonical)) if path != "task" => Some((
            format!("the {what_en}'s task is not in canonical form: {path} is {found}, canonical {canonical}; such a rule would be shown but not applied as written"),
            format!("{what_zh}中的抽查任务不是规范形式：{path} 为 {found}，规范形式应为 {canonical}；这样的规则看起来存在，实际不会按所写执行"),
        )),
        Some((_, complaint, _)) => Some((
            format!("the {what_en}'s task breaks a task rule: {complaint}"),
            format!("{what_zh}中的抽查任务违反任务规则：{complaint}"),
        )),
    }
}

impl DrawRecord {
    /// The record's protocol version (records are read only when known).
    pub fn version(&self) -> Protocol {
        Protocol::of(&self.protocol).unwrap_or(Protocol::V2)
    }

    /// What makes a record of a known protocol invalid beyond its digest:
    /// seed sources of the wrong shape for its version (SPEC §11), a v2
    /// source whose value does not fit its form (§13.1), forms present
    /// without an announcement or missing with one.
    pub(crate) fn shape_problem(&self) -> Option<(String, String)> {
        let v2 = self.version() == Protocol::V2;
        for (i, s) in self.seed.sources.iter().enumerate() {
            let n = i + 1;
            match (&s.form, v2) {
                (Some(_), false) => return Some((
                    format!("seed source {n} has a `form`, which a {PROTOCOL_V1} record cannot have"),
                    format!("第 {n} 个随机种子来源带有 `form`，{PROTOCOL_V1} 的记录不应有此项"),
                )),
                (None, true) => return Some((
                    format!("seed source {n} has no `form` key, which every {PROTOCOL} source has (null when unannounced)"),
                    format!("第 {n} 个随机种子来源缺少 `form` 项（{PROTOCOL} 的记录每个来源都有，未公告时为 null）"),
                )),
                (Some(Some(form)), true) => {
                    if self.announcement_digest.is_none() {
                        return Some((
                            format!("seed source {n} has an announced form, but the record names no announcement"),
                            format!("第 {n} 个随机种子来源带有公告的形式，但记录没有公告摘要"),
                        ));
                    }
                    if s.description != form.describe() {
                        return Some((
                            format!("seed source {n}: its description \"{}\" is not its form's (\"{}\"): the line people read must say what was announced", s.description, form.describe()),
                            format!("第 {n} 个随机种子来源：说明“{}”与其形式不符（应为“{}”）：人们看到的说明必须就是公告的内容", s.description, form.describe()),
                        ));
                    }
                    if form.validate().is_err() || !form.fits(s.kind, &s.value) {
                        return Some((
                            format!("the seed in the record does not fit the form the announcement fixed: seed source {n} is {}:{}, but {} is written {}. A published result can be written in one way only, so this seed was not entered as announced, or was changed after the draw", s.kind.name(), s.value, form.describe(), form.expects().0),
                            format!("记录中的随机种子与公告的种子写法不符：第 {n} 个随机种子记为“{}”，而公告规定{}的写法为：{}。公布的结果只有一种写法，因此记录中的种子不是按公告的写法录入的，或在抽取之后被改动过", s.value, form.describe(), form.expects().1),
                        ));
                    }
                }
                (Some(None), true) => {
                    if !s.description.is_empty() {
                        return Some((
                            format!("seed source {n} of an unannounced draw has a description; it has none (nothing was announced)"),
                            format!("未经公告的抽取，第 {n} 个随机种子来源不应有说明"),
                        ));
                    }
                    if self.announcement_digest.is_some() {
                        return Some((
                            format!("seed source {n} has no form, but the record names an announcement: an announced {PROTOCOL} draw records every source's form"),
                            format!("第 {n} 个随机种子来源没有形式，但记录有公告摘要：经公告的 {PROTOCOL} 抽取会记录每个来源的形式"),
                        ));
                    }
                }
                (None, false) => {}
            }
        }
        None
    }

    /// The recorded task's problem, if it is not canonical or does not
    /// hash to `task_digest` (SPEC §13.1 step 2), in English and Chinese.
    pub fn task_problem(&self) -> Option<(String, String)> {
        task_problem("record", "抽取记录", &self.task, &self.task_digest)
    }
}

impl Announcement {
    /// The announcement's protocol version.
    pub fn version(&self) -> Protocol {
        Protocol::of(&self.protocol).unwrap_or(Protocol::V2)
    }

    /// Whether a file loaded before the draw is the one this announcement
    /// names (SPEC §12: the draw is refused otherwise), said before the
    /// draw is tried: `kind` is the announcement's key (`entities`,
    /// `inspectors`, `exclusions`), `given` the loaded file's row count
    /// and digest. `None` when they match (or for another `kind`).
    pub fn loaded_difference(
        &self,
        kind: &str,
        given: &DigestSummary,
    ) -> Option<crate::Difference> {
        let (announced, en, zh) = match kind {
            "entities" => (
                &self.entities,
                "entity directory (检查对象名录库)",
                "检查对象名录库",
            ),
            "inspectors" => (
                &self.inspectors,
                "inspector directory (执法检查人员名录库)",
                "执法检查人员名录库",
            ),
            "exclusions" => (&self.exclusions, "exclusion list (排除名单)", "排除名单"),
            _ => return None,
        };
        (announced != given).then(|| crate::Difference {
            en: format!(
                "the {en} loaded differs from the one announced: announced {} rows with digest {}, loaded {} rows with digest {}; load the file that was announced, unchanged",
                announced.count, announced.digest, given.count, given.digest
            ),
            zh: format!(
                "载入的{zh}与公告时的不同：公告时为 {} 行、摘要 {}，载入的为 {} 行、摘要 {}。请载入公告时所用的那一份文件，不要改动",
                announced.count, announced.digest, given.count, given.digest
            ),
        })
    }

    /// The announced forms (v2); empty for a v1 announcement.
    pub fn forms(&self) -> Vec<&SeedForm> {
        self.seed_sources
            .iter()
            .filter_map(|s| match s {
                AnnouncedSource::Form(f) => Some(f),
                AnnouncedSource::Text(_) => None,
            })
            .collect()
    }

    /// The sources in words, for people.
    pub fn source_lines(&self) -> Vec<String> {
        self.seed_sources
            .iter()
            .map(|s| match s {
                AnnouncedSource::Form(f) => format!("{} — {}", f.describe(), f.expects().1),
                AnnouncedSource::Text(t) => t.clone(),
            })
            .collect()
    }

    /// Computes `announcement_digest` (SPEC §12).
    pub fn compute_digest(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or(Value::Null);
        digest_without(&v, "shuangsui/1/announcement", "announcement_digest")
    }

    /// The announcement as pretty-printed JSON, as published.
    pub fn to_json_pretty(&self) -> String {
        let mut out = Vec::new();
        if write_pretty(self, &mut out).is_err() {
            out.clear();
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// The rules of SPEC §12 an announcement must follow beyond its digest:
    /// its task canonical and hashing to its digest; for v2, a publication
    /// date, valid forms, and `published ≤ source date ≤ draw_date`.
    pub(crate) fn problem(&self) -> Option<(String, String)> {
        if let Some(p) = task_problem("announcement", "抽查公告", &self.task, &self.task_digest)
        {
            return Some(p);
        }
        match self.version() {
            Protocol::V1 => {
                if self.published.is_some()
                    || self
                        .seed_sources
                        .iter()
                        .any(|s| matches!(s, AnnouncedSource::Form(_)))
                {
                    return Some((
                        format!(
                            "a {PROTOCOL_V1} announcement has neither `published` nor seed forms"
                        ),
                        format!("{PROTOCOL_V1} 的公告不应有 `published` 或种子形式"),
                    ));
                }
                None
            }
            Protocol::V2 => {
                let forms = self.forms();
                if forms.is_empty() || forms.len() != self.seed_sources.len() {
                    return Some((
                        format!("a {PROTOCOL} announcement lists the form of every seed source (SPEC §6.2), at least one"),
                        format!("{PROTOCOL} 的公告须列出每个随机种子来源的形式（至少一个）"),
                    ));
                }
                for f in &forms {
                    if let Err(e) = f.validate() {
                        return Some((e.message().to_string(), e.message_zh().to_string()));
                    }
                }
                dates_problem(self.published.as_deref(), &forms, &self.task.draw_date)
            }
        }
    }

    /// Reads an announcement, checking its digest and its content (SPEC
    /// §12).
    ///
    /// # Errors
    /// `InvalidRecord` when malformed, edited, or forged (a task shown that
    /// does not hash to its task digest).
    pub fn from_json(text: &str) -> Result<Announcement> {
        let a: Announcement = serde_json::from_str(text).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRecord,
                format!("the announcement is malformed: {e}"),
                format!("抽查公告格式有误（不是本程序生成的公告文件？）：{e}"),
            )
        })?;
        if Protocol::of(&a.protocol).is_none() {
            return Err(unknown_protocol("announcement", &a.protocol));
        }
        let actual = a.compute_digest();
        if actual != a.announcement_digest {
            return Err(Error::new(
                ErrorKind::InvalidRecord,
                format!(
                    "the announcement was changed after it was made: its digest is {} but its content hashes to {actual}",
                    a.announcement_digest
                ), format!(
                "抽查公告在生成后被改动过：其公告摘要为 {}，而内容算得 {actual}",
                a.announcement_digest
            )));
        }
        if let Some((en, zh)) = a.problem() {
            return Err(Error::new(ErrorKind::InvalidRecord, en, zh));
        }
        Ok(a)
    }
}

/// `published ≤ each source's date ≤ draw_date` (SPEC §12).
pub(crate) fn dates_problem(
    published: Option<&str>,
    forms: &[&SeedForm],
    draw_date: &str,
) -> Option<(String, String)> {
    let Some(p) =
        published.filter(|p| crate::spec::text::canonical_date(p).ok().as_deref() == Some(*p))
    else {
        return Some((
            "the announcement needs its publication date `published` (YYYY-MM-DD)".into(),
            "公告须写明发布日期 `published`（YYYY-MM-DD）".into(),
        ));
    };
    if p > draw_date {
        return Some((
            format!("the announcement is published on {p}, after the draw date {draw_date}; announce before the draw"),
            format!("公告发布日期 {p} 晚于抽取日期 {draw_date}；须在抽取之前公告"),
        ));
    }
    for f in forms {
        let d = f.date();
        if d < p {
            return Some((
                format!("the seed source {} is dated {d}, before the announcement's publication on {p}: that seed may already be known; choose a later issue or event", f.describe()),
                format!("随机种子来源 {} 的日期 {d} 早于公告发布日期 {p}：该种子可能已经产生；请选择更晚的期号或活动", f.describe()),
            ));
        }
        if d > draw_date {
            return Some((
                format!("the seed source {} is dated {d}, after the draw date {draw_date}: the seed would not exist when the draw is made", f.describe()),
                format!("随机种子来源 {} 的日期 {d} 晚于抽取日期 {draw_date}：抽取时种子尚未产生", f.describe()),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The length computed ahead is the length written, whatever the
        /// text (escapes included) and the numbers.
        #[test]
        fn draw_lengths_are_exact(
            texts in proptest::collection::vec(any::<String>(), 8),
            position in any::<u64>(),
            stratum in any::<u64>(),
            members in 0usize..4,
        ) {
            use crate::record::{Drawn, EntityRef, Role, TeamMember};
            let d = Drawn {
                stratum,
                position,
                ticket: texts[0].clone(),
                entity: EntityRef { id: texts[1].clone(), name: texts[2].clone() },
                team: (0..members)
                    .map(|j| TeamMember {
                        id: texts[3 + j % 3].clone(),
                        name: texts[4].clone(),
                        department: texts[5 + j % 3].clone(),
                        role: if j == 0 { Role::Leader } else { Role::Member },
                    })
                    .collect(),
            };
            let mut out = Vec::new();
            super::draw_json(&mut out, &d);
            prop_assert_eq!(super::draw_json_len(&d), out.len());
        }

        /// The copied fast path and serde_json's escaping agree on any text.
        #[test]
        fn strings_are_escaped_as_serde_json_does(s in any::<String>()) {
            let mut out = Vec::new();
            super::string(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_vec(&s).unwrap());
        }
    }

    #[test]
    fn a_loaded_file_is_said_to_differ_from_the_announced_one_before_the_draw() {
        let demo = crate::synth::demo().unwrap();
        let a = &demo.announcement;
        assert_eq!(a.loaded_difference("entities", &a.entities.clone()), None);
        let other = crate::DigestSummary {
            count: a.entities.count - 1,
            digest: "ab".repeat(32),
        };
        let d = a.loaded_difference("entities", &other).unwrap();
        assert!(
            d.zh.starts_with("载入的检查对象名录库与公告时的不同：公告时为 300 行"),
            "{}",
            d.zh
        );
        assert!(d.en.contains("loaded 299 rows"), "{}", d.en);
        assert!(a
            .loaded_difference("inspectors", &other)
            .unwrap()
            .zh
            .contains("执法检查人员名录库"));
        assert_eq!(a.loaded_difference("record", &other), None);
    }
}
