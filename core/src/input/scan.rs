//! Provincial scale: one streaming pass over a large entity directory into
//! a compact index ([`EntityIndex`]) — per entity its id packed into 16
//! bytes, its row's byte offset and its stratum — computing the leaves and
//! the digest of SPEC §3.4 on all cores on the way. Only the rows that are
//! drawn are read again, by offset, in full.
//!
//! The scan is an optimistic fast path for the common shape of a big file:
//! UTF-8 CSV, well-formed, with valid codes. At the first thing it is not
//! sure of (a GBK or Excel file, an invalid or duplicate code, a stray quote,
//! two strata matching one entity…) it declines, and the caller loads the
//! file the ordinary way ([`EntityDirectory::load`]), which either succeeds
//! or reports every problem with its row and column. Its results are the
//! ordinary loader's, byte for byte: the property tests compare the two.

use crate::input::directory::{CodeCheck, Entity, LoadOptions};
use crate::input::population::{EntitySource, Strata};
use crate::input::table::{search_header, HeaderSearch, TextEncoding};
use crate::spec::hash::{Digest32, Tagged};
use crate::spec::layout::{entity_roles, names_entity_id, EntityLayout, KeyValue};
use crate::spec::leaves::{directory_digest_with, entity_leaf, DirectoryKind};
use crate::spec::task::only_match;
use crate::spec::task::Task;
use crate::spec::text::looks_scientific;
use crate::spec::text::{normalize_into, normalize_text};
use crate::spec::uscc::code_problem;
use crate::{EntityDirectory, Error, ErrorKind, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Bytes read per block; each block is split between the threads.
const BLOCK: usize = 8 << 20;

/// The block size for a file of `size` bytes: smaller blocks for smaller
/// files, whose blocks in flight would otherwise outweigh their index.
fn block_for(size: u64) -> usize {
    usize::try_from(size / 128)
        .unwrap_or(BLOCK)
        .clamp(1 << 20, BLOCK)
}

/// Bits of a packed sort key that hold the row index.
const INDEX_BITS: u32 = 34;
/// Longest id that packs into a sort key.
const MAX_PACKED_ID: usize = 18;
const NO_STRATUM: u16 = u16::MAX;

/// The fast path does not handle this input; load it the ordinary way.
#[derive(Debug)]
struct Declined;

/// Where an indexed directory's rows are read back from.
enum Rows<'a> {
    File(PathBuf),
    Bytes(&'a [u8]),
    /// Held by the index itself (the browser keeps the file this way).
    Owned(Vec<u8>),
}

/// A compact, sorted index of a large entity directory, stratified for one
/// task: what a draw and its verification need, in about 30 bytes per
/// entity instead of the whole table.
pub struct EntityIndex<'a> {
    rows: Rows<'a>,
    source: String,
    /// Boxed: read only when drawn rows are read back, and it keeps
    /// [`Directory`]'s two variants of a size.
    layout: Box<Layout>,
    digest: Digest32,
    /// Sorted: `packed id << 34 | row index` — canonical order.
    order: Vec<u128>,
    /// By row index: the byte offset of the row in the file.
    offsets: Vec<u64>,
    /// By row index: the stratum, or `NO_STRATUM`.
    strata: Vec<u16>,
    /// The digest of the task the strata were computed for.
    task_digest: Digest32,
}

/// How to read one data row: the separator, the header's width and the
/// column roles SPEC §3.1 gives it.
#[derive(Clone)]
struct Layout {
    delimiter: u8,
    columns: usize,
    entity: EntityLayout,
}

/// A condition of a stratum (SPEC §5.1), with the place of its attribute
/// in the layout resolved once.
struct Compiled<'t> {
    target: Target,
    rule: &'t crate::spec::task::Condition,
}

#[derive(Clone, Copy)]
enum Target {
    Id,
    Name,
    Key(usize),
    /// The directory has no such attribute: never matches.
    Absent,
}

/// Packs an id of `0-9A-Z` (at most 18 characters) into a number whose
/// order is the ids' byte order: base 37, with 0 for "no character".
fn pack(id: &[u8]) -> Option<u128> {
    if id.len() > MAX_PACKED_ID {
        return None;
    }
    // Two halves of nine characters, base 37 each (37^9 < 2^47), so that
    // unpacking needs only 64-bit arithmetic.
    /// Each byte's digit: `0-9` → 1–10, `A-Z` → 11–36, others 0xFF.
    const DIGITS: [u8; 256] = {
        let mut t = [0xFF; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = 1 + i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 26 {
            t[b'A' as usize + i] = 11 + i as u8;
            i += 1;
        }
        t
    };
    // Padded with "no character" (digit 0) to the full length.
    let mut digits = [0u8; MAX_PACKED_ID];
    for (d, &b) in digits.iter_mut().zip(id) {
        *d = DIGITS[b as usize];
        if *d == 0xFF {
            return None;
        }
    }
    let mut halves = [0u64; 2];
    for (half, ds) in halves.iter_mut().zip(digits.chunks_exact(HALF)) {
        *half = ds.iter().fold(0, |acc, &d| acc * 37 + u64::from(d));
    }
    Some(u128::from(halves[0]) << HALF_BITS | u128::from(halves[1]))
}

/// Characters per half of a packed id, and the bits a half takes.
const HALF: usize = 9;
const HALF_BITS: u32 = 47;

/// The id of a packed key as bytes, and its length.
fn unpack_bytes(key: u128) -> ([u8; MAX_PACKED_ID], usize) {
    let packed = key >> INDEX_BITS;
    let halves = [
        (packed >> HALF_BITS) as u64,
        (packed & ((1 << HALF_BITS) - 1)) as u64,
    ];
    let mut digits = [0u8; MAX_PACKED_ID];
    for (h, mut v) in halves.into_iter().enumerate() {
        for d in digits[h * HALF..(h + 1) * HALF].iter_mut().rev() {
            *d = (v % 37) as u8;
            v /= 37;
        }
    }
    let mut len = MAX_PACKED_ID;
    for (i, d) in digits.iter_mut().enumerate() {
        match *d {
            0 => {
                len = i;
                break;
            }
            1..=10 => *d = b'0' + *d - 1,
            _ => *d = b'A' + *d - 11,
        }
    }
    (digits, len)
}

/// The id of a packed key, written into `out`.
fn unpack(key: u128, out: &mut String) {
    let (id, len) = unpack_bytes(key);
    out.clear();
    // Only `0-9A-Z`: ASCII.
    out.extend(id[..len].iter().map(|&b| char::from(b)));
}

/// Whether a field's bytes are already in normal form (SPEC §2), so that
/// they can be hashed as they are: no ASCII control or space at either end,
/// no control characters, no tab or run of spaces inside, and none of the
/// lead bytes of the characters the normalization folds or removes.
fn is_normal(b: &[u8]) -> bool {
    /// Bytes that may need normalizing: ASCII controls and space, DEL, and
    /// the lead bytes of the folded or removed characters (SPEC §2).
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i <= 0x20 {
            t[i] = true;
            i += 1;
        }
        t[0x7F] = true;
        t[0xC2] = true;
        t[0xE1] = true;
        t[0xE2] = true;
        t[0xE3] = true;
        t[0xEF] = true;
        t
    };
    if !maybe_special(b, &SPECIAL) {
        return true;
    }
    // Look at each special byte exactly: a space must be a single inner
    // one; a lead byte matters only when its character is one SPEC §2
    // folds, removes or refuses (so that `、` U+3001 or `·` U+00B7, common
    // in names and industries, keep the field as it is).
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let n = b.len();
    for (i, &c) in b.iter().enumerate() {
        if !SPECIAL[c as usize] {
            continue;
        }
        let changes = match c {
            b' ' => i == 0 || i + 1 == n || at(i + 1) == b' ',
            // U+0080–U+00A0: C1 controls, U+0085 and U+00A0.
            0xC2 => at(i + 1) <= 0xA0,
            // U+1680.
            0xE1 => at(i + 1) == 0x9A && at(i + 2) == 0x80,
            // U+2000–U+200A, U+2028, U+2029, U+202F; U+205F.
            0xE2 => match at(i + 1) {
                0x80 => matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
                0x81 => at(i + 2) == 0x9F,
                _ => false,
            },
            // U+3000.
            0xE3 => at(i + 1) == 0x80 && at(i + 2) == 0x80,
            // U+FEFF; U+FF01–U+FF3F; U+FF40–U+FF5E.
            0xEF => match at(i + 1) {
                0xBB => at(i + 2) == 0xBF,
                0xBC => at(i + 2) >= 0x81,
                0xBD => at(i + 2) <= 0x9E,
                _ => false,
            },
            // Other ASCII controls and DEL.
            _ => true,
        };
        if changes {
            return false;
        }
    }
    true
}

/// Whether `b` may hold a byte of `special` (false means it holds none):
/// eight bytes at a time, testing for a byte below 0x21, 0x7F, 0xC2, 0xEF
/// or 0xE0–0xE3 with the word tricks of "Bit Twiddling Hacks" (exact for
/// "some byte is…"; 0xE0 is a harmless extra, checked exactly after).
fn maybe_special(b: &[u8], special: &[bool; 256]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    #[inline(always)]
    fn zero_byte(v: u64) -> u64 {
        v.wrapping_sub(ONES) & !v & HIGH
    }
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut x = [0u8; 8];
        x.copy_from_slice(w);
        let x = u64::from_le_bytes(x);
        let below_0x21 = x.wrapping_sub(ONES * 0x21) & !x & HIGH;
        let found = below_0x21
            | zero_byte(x ^ (ONES * 0x7F))
            | zero_byte(x ^ (ONES * 0xC2))
            | zero_byte(x ^ (ONES * 0xEF))
            | zero_byte((x & (ONES * 0xFC)) ^ (ONES * 0xE0));
        if found != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&c| special[c as usize])
}

/// Splits one CSV record starting at `pos` into field ranges (quote-aware:
/// a quoted field's range excludes its quotes; doubled quotes inside are
/// unescaped into `unquoted`), returning the position after the record's
/// line end. Declines anything unusual: a quote inside an unquoted field, a
/// carriage return not before a line feed, text after a closing quote.
fn split_record(
    buf: &[u8],
    mut pos: usize,
    delimiter: u8,
    fields: &mut Vec<(usize, usize, bool)>,
    unquoted: &mut Vec<Vec<u8>>,
) -> std::result::Result<usize, Declined> {
    fields.clear();
    let mut n_unq = 0;
    loop {
        if buf.get(pos) == Some(&b'"') {
            // A quoted field: find the closing quote.
            let start = pos + 1;
            let mut p = start;
            let mut escaped = false;
            loop {
                let q = memchr::memchr(b'"', &buf[p..]).ok_or(Declined)? + p;
                if buf.get(q + 1) == Some(&b'"') {
                    escaped = true;
                    p = q + 2;
                    continue;
                }
                if escaped {
                    if unquoted.len() <= n_unq {
                        unquoted.push(Vec::new());
                    }
                    let u = &mut unquoted[n_unq];
                    u.clear();
                    let mut i = start;
                    while i < q {
                        u.push(buf[i]);
                        i += if buf[i] == b'"' { 2 } else { 1 };
                    }
                    fields.push((n_unq, 0, true));
                    n_unq += 1;
                } else {
                    fields.push((start, q, false));
                }
                pos = q + 1;
                break;
            }
            match buf.get(pos) {
                Some(&d) if d == delimiter => {
                    pos += 1;
                    continue;
                }
                Some(b'\n') => return Ok(pos + 1),
                Some(b'\r') if buf.get(pos + 1) == Some(&b'\n') => return Ok(pos + 2),
                None => return Ok(pos),
                _ => return Err(Declined),
            }
        }
        let end = memchr::memchr2(delimiter, b'\n', &buf[pos..]).map_or(buf.len(), |i| i + pos);
        let field = &buf[pos..end];
        let field_end = if end < buf.len() && buf[end] == b'\n' && field.last() == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        if memchr::memchr2(b'"', b'\r', &buf[pos..field_end]).is_some() {
            return Err(Declined);
        }
        fields.push((pos, field_end, false));
        if end == buf.len() {
            return Ok(end);
        }
        if buf[end] == b'\n' {
            return Ok(end + 1);
        }
        pos = end + 1;
    }
}

/// Splits the next record of a part that holds no quote and no carriage
/// return (the usual shape of a large export), as [`split_record`] would:
/// `seps` yields every delimiter and line feed of the part in order, so the
/// part is searched once rather than once per field.
fn split_plain(
    buf: &[u8],
    pos: usize,
    seps: &mut impl Iterator<Item = usize>,
    delimiter: u8,
    fields: &mut Vec<(usize, usize, bool)>,
) -> usize {
    fields.clear();
    let mut start = pos;
    loop {
        match seps.next() {
            Some(i) if buf[i] == delimiter => {
                fields.push((start, i, false));
                start = i + 1;
            }
            Some(i) => {
                fields.push((start, i, false));
                return i + 1;
            }
            None => {
                fields.push((start, buf.len(), false));
                return buf.len();
            }
        }
    }
}

/// Where a normalized cell's bytes are.
#[derive(Clone, Copy)]
enum Cell {
    Buf(usize, usize),
    Unquoted(usize),
    Scratch(usize),
}

/// The per-row results of one part of a block. Aligned so that two
/// threads' parts never share a cache line (every row updates the lengths).
#[derive(Default)]
#[repr(align(128))]
struct Part {
    keys: Vec<u128>,
    leaves: Vec<Digest32>,
    offsets: Vec<u64>,
    strata: Vec<u16>,
}

/// Scans the rows of `buf` (whole records), whose first byte is at file
/// offset `base`.
fn scan_part(
    buf: &[u8],
    base: u64,
    layout: &Layout,
    conditions: &[Vec<Compiled<'_>>],
    codes: CodeCheck,
    part: &mut Part,
) -> std::result::Result<(), Declined> {
    part.keys.clear();
    part.leaves.clear();
    part.offsets.clear();
    part.strata.clear();
    let mut fields = Vec::with_capacity(layout.columns + 4);
    let mut unquoted: Vec<Vec<u8>> = Vec::new();
    let mut scratch: Vec<String> = vec![String::new(); layout.columns];
    // Per column, the raw text whose normal form `scratch` holds.
    let mut last_raw: Vec<Vec<u8>> = vec![Vec::new(); layout.columns];
    let mut resolved: Vec<Cell> = Vec::with_capacity(layout.columns);
    let mut leaf_buf: Vec<u8> = Vec::with_capacity(512);
    let ids = layout.entity.ids;
    // Validated here, on this part's thread, rather than for the whole block.
    let Ok(sbuf) = simdutf8::basic::from_utf8(buf) else {
        return Err(Declined);
    };
    // Without quotes or carriage returns a record is split at its
    // delimiters and no field can hold a line break.
    let plain = memchr::memchr2(b'"', b'\r', buf).is_none();
    let mut seps = memchr::memchr2_iter(layout.delimiter, b'\n', buf);
    let mut pos = 0;
    while pos < buf.len() {
        let start = pos;
        pos = if plain {
            split_plain(buf, pos, &mut seps, layout.delimiter, &mut fields)
        } else {
            split_record(buf, pos, layout.delimiter, &mut fields, &mut unquoted)?
        };
        let raw = |i: usize| -> &[u8] {
            match fields.get(i) {
                None => b"",
                Some(&(a, _, true)) => &unquoted[a],
                Some(&(a, b, false)) => &buf[a..b],
            }
        };
        // A blank line is skipped by the ordinary reader too; anything
        // that only looks blank after normalization is left to it.
        if (0..fields.len()).all(|i| raw(i).is_empty()) {
            continue;
        }
        if fields.len() > layout.columns
            && (layout.columns..fields.len()).any(|i| !raw(i).is_empty())
        {
            return Err(Declined);
        }
        // Normalize every column (SPEC §2), keeping borrowed bytes when they
        // are already normal: a range into `buf`, into `unquoted`, or an
        // index into `scratch`.
        resolved.clear();
        #[allow(clippy::needless_range_loop)] // i indexes fields, scratch and resolved alike
        for i in 0..layout.columns {
            let r = raw(i);
            if is_normal(r) {
                resolved.push(match fields.get(i) {
                    None => Cell::Buf(0, 0),
                    Some(&(a, _, true)) => Cell::Unquoted(a),
                    Some(&(a, b, false)) => Cell::Buf(a, b),
                });
            } else {
                // Fields between ASCII separators of valid UTF-8 are valid
                // UTF-8: slice the validated text rather than check again.
                // Columns such as 企业类型 repeat a few values: when the
                // raw text is the one normalized last time, so is the result.
                if last_raw[i] != r {
                    let text = match fields.get(i) {
                        Some(&(a, b, false)) => sbuf.get(a..b).ok_or(Declined)?,
                        _ => std::str::from_utf8(r).map_err(|_| Declined)?,
                    };
                    normalize_into(text, &mut scratch[i]).map_err(|_| Declined)?;
                    last_raw[i].clear();
                    last_raw[i].extend_from_slice(r);
                }
                resolved.push(Cell::Scratch(i));
            }
        }
        let text = |i: usize| -> &[u8] {
            match resolved[i] {
                Cell::Scratch(j) => scratch[j].as_bytes(),
                Cell::Unquoted(a) => &unquoted[a],
                Cell::Buf(a, b) => &buf[a..b],
            }
        };
        if !plain {
            for c in [ids.primary, ids.legacy, Some(layout.entity.name)]
                .into_iter()
                .flatten()
            {
                if memchr::memchr2(b'\n', b'\r', raw(c)).is_some() {
                    return Err(Declined);
                }
            }
        }
        for c in [ids.primary, ids.legacy].into_iter().flatten() {
            let t = text(c);
            // A code in scientific notation holds `E` and a digit after it.
            if memchr::memchr2(b'E', b'e', t).is_some()
                && std::str::from_utf8(t).is_ok_and(looks_scientific)
            {
                return Err(Declined);
            }
        }
        let primary = ids.primary.map_or(&b""[..], |c| text(c));
        let id_raw = ids
            .for_row(primary.is_empty())
            .map_or(&b""[..], |c| text(c));
        let mut id = [0u8; MAX_PACKED_ID];
        if id_raw.is_empty() || id_raw.len() > MAX_PACKED_ID {
            return Err(Declined);
        }
        for (o, &b) in id.iter_mut().zip(id_raw) {
            *o = b.to_ascii_uppercase();
        }
        let id = &id[..id_raw.len()];
        let packed = pack(id).ok_or(Declined)?;
        if codes != CodeCheck::Off {
            let s = std::str::from_utf8(id).map_err(|_| Declined)?;
            if code_problem(s).is_some() {
                return Err(Declined);
            }
        }
        let name = text(layout.entity.name);
        if name.is_empty() {
            return Err(Declined);
        }
        // Only a layout with both id columns has the key `Legacy`.
        let legacy = ids.legacy.map_or(&b""[..], |c| text(c));
        let value = |v: &KeyValue| -> &[u8] {
            match v {
                KeyValue::Column(c) => text(*c),
                KeyValue::Legacy => legacy,
            }
        };
        let leaf = entity_leaf(
            &mut leaf_buf,
            id,
            name,
            layout.entity.keys.iter().map(|(_, v)| value(v)),
        );
        let value_of = |t: Target| -> &[u8] {
            match t {
                Target::Id => id,
                Target::Name => name,
                Target::Key(k) => value(&layout.entity.keys[k].1),
                Target::Absent => b"",
            }
        };
        // Two strata matching one entity: the loader names them.
        let stratum = match only_match(
            conditions
                .iter()
                .map(|conds| conds.iter().all(|c| c.rule.holds(value_of(c.target)))),
        ) {
            Ok(None) => NO_STRATUM,
            Ok(Some(s)) => s as u16,
            Err(_) => return Err(Declined),
        };
        part.keys.push(packed << INDEX_BITS);
        part.leaves.push(leaf);
        part.offsets.push(base + start as u64);
        part.strata.push(stratum);
    }
    Ok(())
}

/// Finds the end of the last complete record in `buf` (quote-aware), and
/// up to `parts - 1` record boundaries splitting it into similar parts.
/// Returns the boundaries `[0, b1, …, end]`.
fn boundaries(buf: &[u8], parts: usize, at_eof: bool) -> Vec<usize> {
    let mut cuts = vec![0];
    if memchr::memchr(b'"', buf).is_none() {
        let end = if at_eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1)
        };
        for p in 1..parts {
            let target = end * p / parts;
            if let Some(i) = memchr::memchr(b'\n', &buf[target..end]) {
                let cut = target + i + 1;
                if cut > *cuts.last().unwrap_or(&0) && cut < end {
                    cuts.push(cut);
                }
            }
        }
        cuts.push(end);
        return cuts;
    }
    // Quotes present: walk every quote and line end, tracking whether we are
    // inside a quoted field (a doubled quote toggles twice).
    let mut inside = false;
    let mut ends = Vec::new();
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            inside = !inside;
        } else if !inside {
            ends.push(i + 1);
        }
    }
    let end = if at_eof && !inside {
        buf.len()
    } else {
        ends.last().copied().unwrap_or(0)
    };
    for p in 1..parts {
        let target = end * p / parts;
        if let Some(&cut) = ends.iter().find(|&&e| e > target && e < end) {
            if cut > *cuts.last().unwrap_or(&0) {
                cuts.push(cut);
            }
        }
    }
    cuts.push(end);
    cuts
}

/// The rows scanned so far, in file order.
struct Scanning {
    keys: Vec<u128>,
    leaves: Vec<Digest32>,
    offsets: Vec<u64>,
    strata: Vec<u16>,
}

impl Scanning {
    /// Appends the next block's rows, numbering them; false if the
    /// directory has more rows than a key can number.
    fn append(&mut self, part: &Part) -> bool {
        let base = self.keys.len() as u128;
        if base + part.keys.len() as u128 >= 1 << INDEX_BITS {
            return false;
        }
        self.keys.extend(
            part.keys
                .iter()
                .enumerate()
                .map(|(i, k)| k | (base + i as u128)),
        );
        self.leaves.extend_from_slice(&part.leaves);
        self.offsets.extend_from_slice(&part.offsets);
        self.strata.extend_from_slice(&part.strata);
        true
    }
}

/// Cuts the data into blocks of whole records (quote-aware), reusing the
/// buffers of blocks already scanned.
struct Blocks<'r, 's> {
    reader: &'r mut (dyn Read + Send),
    /// Read but not yet handed out.
    buf: Vec<u8>,
    /// The file offset of `buf`'s first byte.
    offset: u64,
    eof: bool,
    block: usize,
    spare: &'s Mutex<Vec<Vec<u8>>>,
}

impl Blocks<'_, '_> {
    /// The next block and its file offset; `None` at the end; `Declined`
    /// when the file ends inside a quoted field.
    #[allow(clippy::type_complexity)]
    fn next(&mut self) -> Result<Option<std::result::Result<(u64, Vec<u8>), Declined>>> {
        loop {
            let end = boundaries(&self.buf, 1, self.eof)
                .last()
                .copied()
                .unwrap_or(0);
            if end == 0 {
                if !self.eof {
                    // One record longer than a block: read more.
                    let want = self.buf.len() * 2 + self.block;
                    self.eof = fill(self.reader, &mut self.buf, want)?;
                    continue;
                }
                return Ok(if self.buf.is_empty() {
                    None
                } else {
                    Some(Err(Declined))
                });
            }
            let mut rest = self
                .spare
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(self.block + (1 << 16)));
            rest.clear();
            rest.extend_from_slice(&self.buf[end..]);
            self.buf.truncate(end);
            let bytes = std::mem::replace(&mut self.buf, rest);
            let offset = self.offset;
            self.offset += end as u64;
            if !self.eof {
                self.eof = fill(self.reader, &mut self.buf, self.block)?;
            }
            return Ok(Some(Ok((offset, bytes))));
        }
    }

    fn recycle(&self, bytes: Vec<u8>) {
        self.spare
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(bytes);
    }
}

/// One block for the workers: its number, file offset and bytes.
type Job = (usize, u64, Vec<u8>);

/// Scans one block (its bytes and file offset) into a part.
type ScanBlock<'a> = dyn Fn(&[u8], u64, &mut Part) -> std::result::Result<(), Declined> + Sync + 'a;

/// Scans the blocks on `threads` workers while this thread reads ahead
/// and another appends the results in file order. False if a block was
/// declined.
fn scan_pipelined(
    blocks: &mut Blocks<'_, '_>,
    threads: usize,
    scan_block: &ScanBlock<'_>,
    rows: &mut Scanning,
    progress: Option<&dyn Fn(u64, u64)>,
) -> Result<bool> {
    let spare_parts: &Mutex<Vec<Part>> = &Mutex::new(Vec::new());
    // The rows appended so far, for the progress reports.
    let appended = std::sync::atomic::AtomicU64::new(0);
    let (job_tx, job_rx) = std::sync::mpsc::sync_channel::<Job>(threads);
    // Shared by the workers only: when the last one stops, the reader's
    // next send fails and it stops too.
    let job_rx = Arc::new(Mutex::new(job_rx));
    std::thread::scope(|s| {
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        for _ in 0..threads {
            let (job_rx, done_tx, spare_parts) =
                (Arc::clone(&job_rx), done_tx.clone(), spare_parts);
            let spare = blocks.spare;
            s.spawn(move || loop {
                let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((n, offset, bytes)) = job else { break };
                let mut part = spare_parts
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop()
                    .unwrap_or_default();
                let scanned = scan_block(&bytes, offset, &mut part);
                spare.lock().unwrap_or_else(|e| e.into_inner()).push(bytes);
                if done_tx.send((n, scanned.map(|()| part))).is_err() {
                    break;
                }
            });
        }
        drop(job_rx);
        drop(done_tx);
        // The appender: results arrive in any order and are added in
        // file order.
        let appended = &appended;
        let appender = s.spawn(move || {
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (n, scanned) in done_rx {
                let Ok(part) = scanned else { return (false, 0) };
                waiting.insert(n, part);
                while let Some(part) = waiting.remove(&next) {
                    if !rows.append(&part) {
                        return (false, 0);
                    }
                    appended.store(rows.keys.len() as u64, std::sync::atomic::Ordering::Relaxed);
                    spare_parts
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(part);
                    next += 1;
                }
            }
            (true, next)
        });
        let mut n = 0;
        let read = loop {
            match blocks.next() {
                Ok(Some(Ok((offset, bytes)))) => {
                    if let Some(p) = progress {
                        p(offset, appended.load(std::sync::atomic::Ordering::Relaxed));
                    }
                    if job_tx.send((n, offset, bytes)).is_err() {
                        break Ok(true);
                    }
                    n += 1;
                }
                Ok(Some(Err(Declined))) => break Ok(false),
                Ok(None) => break Ok(true),
                Err(e) => break Err(e),
            }
        };
        drop(job_tx);
        let (appended_all, appended) = appender.join().unwrap_or((false, 0));
        Ok(read? && appended_all && appended == n)
    })
}

/// Reads until `buf` holds `want` bytes or the reader ends; true at the end.
fn fill(reader: &mut (dyn Read + Send), buf: &mut Vec<u8>, want: usize) -> Result<bool> {
    let io = |e: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format!("cannot read the file: {e}"),
            format!("无法读取文件：{e}"),
        )
    };
    while buf.len() < want {
        let missing = (want - buf.len()) as u64;
        // `read_to_end` fills spare capacity without zeroing it first.
        let n = reader.take(missing).read_to_end(buf).map_err(io)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The header row and the data's start, if the fast path can read them:
/// the header the loader finds (SPEC §3.0), or `Declined` when there is
/// none (the loader then reports the missing column).
fn find_header(
    buf: &[u8],
    delimiter: u8,
    options: &LoadOptions,
) -> std::result::Result<(Vec<String>, usize), Declined> {
    let mut fields = Vec::new();
    let mut unquoted = Vec::new();
    let mut pos = 0;
    let next = || -> std::result::Result<Option<(Vec<String>, usize)>, Declined> {
        if pos >= buf.len() {
            return Ok(None);
        }
        pos = split_record(buf, pos, delimiter, &mut fields, &mut unquoted)?;
        let cells = fields
            .iter()
            .map(|&(a, b, q)| {
                let bytes = if q { &unquoted[a][..] } else { &buf[a..b] };
                String::from_utf8(bytes.to_vec()).map_err(|_| Declined)
            })
            .collect::<std::result::Result<_, _>>()?;
        Ok(Some((cells, pos)))
    };
    let is_header = |cells: &[String]| names_entity_id(&options.columns, cells);
    match search_header(next, |(cells, _)| &cells[..], &is_header)? {
        HeaderSearch::Found(found) => Ok(found),
        HeaderSearch::NotFound(_) => Err(Declined),
    }
}

/// The column roles of a header, as the ordinary loader assigns them.
fn layout(
    headers: &[String],
    delimiter: u8,
    options: &LoadOptions,
) -> std::result::Result<Layout, Declined> {
    // Wider than any spreadsheet: the loader says why (SPEC §3.0).
    if headers.len() > crate::input::table::MAX_CELLS_PER_ROW {
        return Err(Declined);
    }
    let roles = entity_roles(&options.columns, headers);
    Ok(Layout {
        delimiter,
        columns: headers.len(),
        entity: EntityLayout::of(&roles).map_err(|_| Declined)?,
    })
}

/// The task's conditions against the layout's columns, resolved once.
fn resolve_conditions<'t>(task: &'t Task, layout: &Layout) -> Vec<Vec<Compiled<'t>>> {
    task.strata
        .iter()
        .map(|s| {
            s.conditions
                .iter()
                .map(|c| Compiled {
                    target: match c.attribute.as_str() {
                        "id" => Target::Id,
                        "name" => Target::Name,
                        key => layout
                            .entity
                            .keys
                            .iter()
                            .position(|(k, _)| k.as_ref() == key)
                            .map_or(Target::Absent, Target::Key),
                    },
                    rule: c,
                })
                .collect()
        })
        .collect()
}

/// Sorts on all cores: the two halves sorted in parallel, then merged in
/// place with a copy of the first half only (a provincial directory's keys
/// are 160 MB: a second full array would add that to the peak).
fn parallel_sort(mut v: Vec<u128>) -> Vec<u128> {
    let threads = crate::parallel::threads();
    if threads == 1 || v.len() < 1 << 16 {
        v.sort_unstable();
        return v;
    }
    let mid = v.len() / 2;
    {
        let (a, b) = v.split_at_mut(mid);
        std::thread::scope(|s| {
            s.spawn(|| a.sort_unstable());
            b.sort_unstable();
        });
    }
    let left = v[..mid].to_vec();
    // Writing at `k` never overtakes reading at `j`: k = i + (j - mid) < j
    // while the copied half still has elements (i < mid).
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < left.len() {
        if j < v.len() && v[j] < left[i] {
            v[k] = v[j];
            j += 1;
        } else {
            v[k] = left[i];
            i += 1;
        }
        k += 1;
    }
    v
}

impl<'a> EntityIndex<'a> {
    /// Scans an entity directory file (see the module documentation) and
    /// stratifies it for `task`. `Ok(None)` means the fast path declined:
    /// load the file with [`EntityDirectory::load`] instead, which accepts
    /// it or says exactly what is wrong.
    ///
    /// # Errors
    /// `Io` when the file cannot be read.
    /// `progress`, when given, is called after each block with the number of
    /// bytes read so far.
    pub fn scan_file(
        path: &Path,
        source: &str,
        options: &LoadOptions,
        task: &Task,
        progress: Option<&dyn Fn(u64)>,
    ) -> Result<Option<EntityIndex<'static>>> {
        let mut file = std::fs::File::open(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("cannot open the file: {e}"),
                format!("无法打开文件：{e}"),
            )
            .in_file(source)
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let on_block = |read: u64, _rows: u64| {
            if let Some(p) = progress {
                p(read);
            }
        };
        let scanned = scan(
            &mut file,
            options,
            task,
            size,
            block_for(size),
            Some(&on_block),
        )?;
        Ok(scanned.map(|s| s.into_index(Rows::File(path.to_path_buf()), source, task)))
    }

    /// As [`EntityIndex::scan_file`], for a file held in memory (the
    /// browser).
    ///
    /// # Errors
    /// None in practice (reading memory cannot fail).
    pub fn scan_bytes(
        bytes: &'a [u8],
        source: &str,
        options: &LoadOptions,
        task: &Task,
    ) -> Result<Option<EntityIndex<'a>>> {
        let mut reader = bytes;
        let scanned = scan(&mut reader, options, task, bytes.len() as u64, BLOCK, None)?;
        Ok(scanned.map(|s| s.into_index(Rows::Bytes(bytes), source, task)))
    }

    /// As [`EntityIndex::scan_bytes`], keeping the bytes in the index;
    /// `Err` gives them back when the fast path declines. `progress`, when
    /// given, is called after each block with the number of rows read so
    /// far.
    ///
    /// # Errors
    /// None in practice (reading memory cannot fail).
    pub fn scan_owned(
        bytes: Vec<u8>,
        source: &str,
        options: &LoadOptions,
        task: &Task,
        progress: Option<&dyn Fn(u64)>,
    ) -> Result<std::result::Result<EntityIndex<'static>, Vec<u8>>> {
        let scanned = {
            let mut reader = &bytes[..];
            let on_block = |_read: u64, rows: u64| {
                if let Some(p) = progress {
                    p(rows);
                }
            };
            scan(
                &mut reader,
                options,
                task,
                bytes.len() as u64,
                BLOCK,
                Some(&on_block),
            )?
        };
        Ok(match scanned {
            Some(s) => Ok(s.into_index(Rows::Owned(bytes), source, task)),
            None => Err(bytes),
        })
    }

    /// The file's bytes, when the index holds or borrows them.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.rows {
            Rows::File(_) => None,
            Rows::Bytes(b) => Some(b),
            Rows::Owned(b) => Some(b),
        }
    }

    /// Whether the index was stratified for `task`.
    pub fn is_for(&self, task: &Task) -> bool {
        self.task_digest == task.digest()
    }

    /// The name of the file, for messages.
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Always false: an empty directory is declined.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The directory digest (SPEC §3.4).
    pub fn digest(&self) -> Digest32 {
        self.digest
    }

    /// The digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        crate::hex(&self.digest)
    }

    /// Reads the record at `offset` back into an [`Entity`], with the
    /// attributes whose place in the layout's keys `kept` marks.
    fn entity_at(&self, bytes: &[u8], key: u128, kept: &[bool]) -> Result<Entity> {
        let bad = || {
            Error::new(
                ErrorKind::Io,
                "the directory file changed while it was being read; run again",
                "名录文件在读取过程中被修改；请重新运行",
            )
            .in_file(&self.source)
        };
        let mut fields = Vec::new();
        let mut unquoted = Vec::new();
        split_record(bytes, 0, self.layout.delimiter, &mut fields, &mut unquoted)
            .map_err(|_| bad())?;
        let cell = |i: usize| -> Result<String> {
            let raw: &[u8] = match fields.get(i) {
                None => b"",
                Some(&(a, _, true)) => &unquoted[a],
                Some(&(a, b, false)) => &bytes[a..b],
            };
            let text = std::str::from_utf8(raw).map_err(|_| bad())?;
            normalize_text(text).map_err(|_| bad())
        };
        let mut id = String::new();
        unpack(key, &mut id);
        let entity = &self.layout.entity;
        let name = cell(entity.name)?;
        let legacy = match entity.ids.legacy {
            Some(c) if entity.ids.both() => cell(c)?,
            _ => String::new(),
        };
        let mut attributes = Vec::new();
        for ((k, v), _) in entity.keys.iter().zip(kept).filter(|(_, &kept)| kept) {
            let value = match v {
                KeyValue::Column(c) => cell(*c)?,
                KeyValue::Legacy => legacy.clone(),
            };
            if !value.is_empty() {
                attributes.push((k.clone(), value));
            }
        }
        Ok(Entity {
            id,
            name,
            attributes,
            row: 0,
        })
    }
}

/// What a scan found, before it knows where its rows live.
struct Scanned {
    layout: Layout,
    digest: Digest32,
    order: Vec<u128>,
    offsets: Vec<u64>,
    strata: Vec<u16>,
}

impl Scanned {
    fn into_index<'a>(self, rows: Rows<'a>, source: &str, task: &Task) -> EntityIndex<'a> {
        EntityIndex {
            rows,
            source: source.to_string(),
            layout: Box::new(self.layout),
            digest: self.digest,
            order: self.order,
            offsets: self.offsets,
            strata: self.strata,
            task_digest: task.digest(),
        }
    }
}

/// How many rows to reserve the index for, from the first megabyte of data
/// rows and the file's size. Blank lines do not count: a file whose first
/// megabyte after the header is empty lines would otherwise ask for a row
/// per byte (33.6 GB for a 1 GB file). The reservation is also capped at a
/// row per 24 bytes (a row holds an 18-character code and a name in
/// practice); a file of shorter rows only grows its vectors as it goes.
fn row_estimate(sample: &[u8], size: u64, delimiter: u8) -> usize {
    let (mut lines, mut bytes, mut start) = (0usize, 0usize, 0usize);
    for end in memchr::memchr_iter(b'\n', sample) {
        let line = &sample[start..end];
        if line
            .iter()
            .any(|&b| !matches!(b, b'\r' | b' ' | b'\t') && b != delimiter)
        {
            lines += 1;
            bytes += line.len() + 1;
        }
        start = end + 1;
    }
    let per_row = bytes.checked_div(lines).map_or(usize::MAX, |b| b.max(24));
    (usize::try_from(size).unwrap_or(usize::MAX) / per_row).saturating_mul(21) / 20 + 1024
}

fn scan(
    reader: &mut (dyn Read + Send),
    options: &LoadOptions,
    task: &Task,
    size: u64,
    block: usize,
    progress: Option<&dyn Fn(u64, u64)>,
) -> Result<Option<Scanned>> {
    if options.read.encoding == TextEncoding::Gb18030 {
        return Ok(None);
    }
    let mut buf: Vec<u8> = Vec::with_capacity(block + (1 << 16));
    let mut eof = fill(reader, &mut buf, block)?;
    if crate::input::table::is_workbook(&buf) {
        return Ok(None);
    }
    let mut file_offset: u64 = 0;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
        file_offset = 3;
    }
    match std::str::from_utf8(&buf) {
        Ok(_) => {}
        Err(e) if e.error_len().is_none() && !eof => {}
        Err(_) => return Ok(None),
    }
    let delimiter = crate::input::table::sniff_delimiter(&buf);
    // The header row lies within the first rows; read on until it is found
    // (a long title or a small block) or clearly absent.
    let (headers, data_start) = loop {
        match find_header(&buf, delimiter, options) {
            Ok(found) if found.1 < buf.len() || eof => break found,
            _ if !eof && buf.len() < 64 << 20 => {
                let want = buf.len() * 2 + block;
                eof = fill(reader, &mut buf, want)?;
            }
            _ => return Ok(None),
        }
    };
    let Ok(layout) = layout(&headers, delimiter, options) else {
        return Ok(None);
    };
    let conditions = resolve_conditions(task, &layout);
    if task.strata.len() >= NO_STRATUM as usize {
        return Ok(None);
    }
    buf.drain(..data_start);
    file_offset += data_start as u64;

    // Reserve once from the size of the first block's rows, so that the
    // vectors do not double (and copy) while they grow.
    let estimate = row_estimate(&buf[..buf.len().min(1 << 20)], size, delimiter);
    let mut rows = Scanning {
        keys: Vec::with_capacity(estimate),
        leaves: Vec::with_capacity(estimate),
        offsets: Vec::with_capacity(estimate),
        strata: Vec::with_capacity(estimate),
    };
    let spare = Mutex::new(Vec::new());
    let mut blocks = Blocks {
        reader,
        buf,
        offset: file_offset,
        eof,
        block,
        spare: &spare,
    };
    let scan_block = |bytes: &[u8], offset: u64, part: &mut Part| {
        scan_part(bytes, offset, &layout, &conditions, options.codes, part)
    };
    let threads = crate::parallel::threads();
    let complete = if threads == 1 {
        // The browser: one block after another.
        let mut part = Part::default();
        loop {
            match blocks.next()? {
                None => break true,
                Some(Err(Declined)) => break false,
                Some(Ok((offset, bytes))) => {
                    if scan_block(&bytes, offset, &mut part).is_err() || !rows.append(&part) {
                        break false;
                    }
                    if let Some(p) = progress {
                        p(offset + bytes.len() as u64, rows.keys.len() as u64);
                    }
                    blocks.recycle(bytes);
                }
            }
        }
    } else {
        scan_pipelined(&mut blocks, threads, &scan_block, &mut rows, progress)?
    };
    // The read buffers are not needed any more: free them before the sort
    // and the digest, which are the scan's peak.
    drop(blocks);
    drop(spare);
    if !complete {
        return Ok(None);
    }
    let Scanning {
        keys,
        leaves,
        offsets,
        strata,
    } = rows;
    if keys.is_empty() {
        return Ok(None);
    }
    crate::timing::mark("scan: rows parsed and hashed");
    let order = parallel_sort(keys);
    crate::timing::mark("scan: sorted");
    if order
        .windows(2)
        .any(|w| w[0] >> INDEX_BITS == w[1] >> INDEX_BITS)
    {
        return Ok(None);
    }
    let digest = directory_digest_with(
        DirectoryKind::Entities,
        layout.entity.keys.iter().map(|(k, _)| &**k),
        order.len(),
        |h| hash_leaves_in_order(h, &order, &leaves),
    );
    crate::timing::mark("scan: digest");
    drop(leaves);
    Ok(Some(Scanned {
        layout,
        digest,
        order,
        offsets,
        strata,
    }))
}

/// Hashes the leaves in canonical (sorted) order. The leaves lie in row
/// order, so each is a random access into hundreds of megabytes; asking for
/// the ones a little ahead early lets the memory fetch them in parallel
/// (without it, this loop waits on memory for most of its time).
fn hash_leaves_in_order(h: &mut Tagged, order: &[u128], leaves: &[Digest32]) {
    const AHEAD: usize = 64;
    /// Leaves per batch handed from the gathering thread to the hashing one.
    const BATCH: usize = 32 * 1024;
    let mask = (1u128 << INDEX_BITS) - 1;
    let gather = |chunk: &[u128], next: &[u128], batch: &mut Vec<u8>| {
        batch.clear();
        for (j, k) in chunk.iter().enumerate() {
            if let Some(ahead) = chunk
                .get(j + AHEAD)
                .or_else(|| next.get(j + AHEAD - chunk.len()))
            {
                prefetch(&leaves[(ahead & mask) as usize]);
            }
            batch.extend_from_slice(&leaves[(k & mask) as usize]);
        }
    };
    let chunks: Vec<&[u128]> = order.chunks(BATCH).collect();
    let next_of = |c: usize| chunks.get(c + 1).copied().unwrap_or(&[]);
    if crate::parallel::threads() == 1 || chunks.len() < 4 {
        let mut batch = Vec::with_capacity(BATCH * 32);
        for (c, chunk) in chunks.iter().enumerate() {
            gather(chunk, next_of(c), &mut batch);
            h.update(&batch);
        }
        return;
    }
    // One thread gathers the leaves (waiting on memory) while this one
    // hashes the batch before; two buffers go back and forth.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
    let (empty_tx, empty_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    for _ in 0..2 {
        let _ = empty_tx.send(Vec::with_capacity(BATCH * 32));
    }
    std::thread::scope(|s| {
        let chunks = &chunks;
        s.spawn(move || {
            for (c, chunk) in chunks.iter().enumerate() {
                let Ok(mut batch) = empty_rx.recv() else {
                    return;
                };
                gather(chunk, next_of(c), &mut batch);
                if full_tx.send(batch).is_err() {
                    return;
                }
            }
        });
        for batch in full_rx.iter() {
            h.update(&batch);
            let _ = empty_tx.send(batch);
        }
    });
}

/// A hint to fetch `x` into the cache; no effect on results.
///
/// The one unsafe block of the crate (`#![deny(unsafe_code)]` in lib.rs):
/// `_mm_prefetch` is a `#[target_feature(enable = "sse")]` function, which
/// only an unsafe block may call from ordinary code, although SSE is part
/// of every x86-64 processor. Std has no stable safe prefetch, and a plain
/// read of the leaf ahead (the safe stand-in) waits on the memory instead
/// of asking for it: gathering 10 million leaves in random order took a
/// median 1.05 s without the hint and 0.84 s with it on this machine.
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is in the x86-64 baseline, so the target feature is
    // there; a prefetch is a hint with no architectural effect (it never
    // faults, reads nothing into the program), and the pointer comes from
    // a reference, so it is valid anyway.
    #[allow(unsafe_code)]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (x as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

impl EntitySource for EntityIndex<'_> {
    fn count(&self) -> usize {
        self.order.len()
    }

    fn directory_digest(&self) -> Digest32 {
        self.digest
    }

    fn strata(&self, task: &Task) -> Result<Strata> {
        if task.digest() != self.task_digest {
            return Err(Error::new(
                ErrorKind::InvalidTask,
                "the directory index was built for another task; scan it again with this task",
                "名录索引是为另一个任务建立的；请用本任务重新扫描",
            ));
        }
        let mask = (1u128 << INDEX_BITS) - 1;
        // The lists of each part of the canonical order, on all cores;
        // joined in order, each list stays ascending.
        let n = task.strata.len();
        let part = |start: usize, keys: &[u128]| {
            let mut members: Vec<Vec<u32>> = vec![Vec::new(); n];
            let mut unstratified = 0u64;
            for (pos, k) in (start..).zip(keys) {
                match self.strata[(k & mask) as usize] {
                    NO_STRATUM => unstratified += 1,
                    s => members[s as usize].push(pos as u32),
                }
            }
            (members, unstratified)
        };
        let chunk = self
            .order
            .len()
            .div_ceil(crate::parallel::threads())
            .max(1 << 16);
        // One part without a thread (the browser has none to spawn).
        let parts: Vec<(Vec<Vec<u32>>, u64)> = if chunk >= self.order.len() {
            vec![part(0, &self.order)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = self
                    .order
                    .chunks(chunk)
                    .enumerate()
                    .map(|(c, keys)| s.spawn(move || part(c * chunk, keys)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut unstratified = 0u64;
        for (lists, u) in parts {
            unstratified += u;
            for (m, list) in members.iter_mut().zip(lists) {
                if m.is_empty() {
                    *m = list;
                } else {
                    m.extend_from_slice(&list);
                }
            }
        }
        Ok(Strata {
            members,
            unstratified,
        })
    }

    fn id_into(&self, pos: u32, out: &mut String) {
        unpack(self.order[pos as usize], out);
    }

    fn ticket_at(&self, pos: u32, stratum_key: &Digest32, _scratch: &mut String) -> Digest32 {
        let (id, len) = unpack_bytes(self.order[pos as usize]);
        crate::draw::ticket_of_bytes(stratum_key, &id[..len])
    }

    fn position(&self, id: &str) -> Option<u32> {
        let packed = pack(id.as_bytes())?;
        self.order
            .binary_search_by(|k| (k >> INDEX_BITS).cmp(&packed))
            .ok()
            .map(|p| p as u32)
    }

    fn entities_at(&self, positions: &[u32], keep: &dyn Fn(&str) -> bool) -> Result<Vec<Entity>> {
        // The attribute keys to read back, by their place in the layout.
        let kept: Vec<bool> = self
            .layout
            .entity
            .keys
            .iter()
            .map(|(k, _)| keep(k))
            .collect();
        let mask = (1u128 << INDEX_BITS) - 1;
        // Read in file order, answer in the order asked.
        let mut wanted: Vec<(u64, usize)> = positions
            .iter()
            .enumerate()
            .map(|(i, &p)| (self.offsets[(self.order[p as usize] & mask) as usize], i))
            .collect();
        wanted.sort_unstable();
        let read = |chunk: &[(u64, usize)]| -> Result<Vec<(usize, Entity)>> {
            let mut reader = match &self.rows {
                Rows::File(p) => RecordReader::File {
                    file: std::fs::File::open(p).map_err(read_again)?,
                    buf: Vec::new(),
                },
                Rows::Bytes(b) => RecordReader::Bytes(b),
                Rows::Owned(b) => RecordReader::Bytes(b),
            };
            chunk
                .iter()
                .map(|&(offset, i)| {
                    let record = reader.record_at(offset, self.layout.delimiter)?;
                    Ok((
                        i,
                        self.entity_at(record, self.order[positions[i] as usize], &kept)?,
                    ))
                })
                .collect()
        };
        // Each core reads its share of the rows (in file order).
        let mut out: Vec<Option<Entity>> = vec![None; positions.len()];
        for part in crate::parallel::map_chunks(&wanted, 1024, read) {
            for (i, e) in part? {
                out[i] = Some(e);
            }
        }
        Ok(out.into_iter().flatten().collect())
    }
}

fn read_again(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("cannot read the file again: {e}"),
        format!("无法再次读取文件：{e}"),
    )
}

/// Reads single records back by their offsets.
enum RecordReader<'a> {
    /// One small read per record (the drawn rows are a few in a hundred,
    /// far apart: reading the file again in full would cost more).
    File {
        file: std::fs::File,
        buf: Vec<u8>,
    },
    Bytes(&'a [u8]),
}

/// Reads up to `size` bytes at `offset` into `buf` (fewer only at the end
/// of the file): one system call per read where the system allows.
fn read_at(
    file: &mut std::fs::File,
    offset: u64,
    size: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    buf.clear();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        buf.resize(size, 0);
        let mut got = 0;
        while got < size {
            match file.read_at(&mut buf[got..], offset + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        Ok(())
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(offset))?;
        file.by_ref().take(size as u64).read_to_end(buf).map(|_| ())
    }
}

impl RecordReader<'_> {
    /// The bytes from `offset` to at least the end of that record.
    fn record_at(&mut self, offset: u64, delimiter: u8) -> Result<&[u8]> {
        match self {
            RecordReader::Bytes(b) => Ok(b.get(offset as usize..).unwrap_or(&[])),
            RecordReader::File { file, buf } => {
                let mut size = 1024;
                let mut fields = Vec::new();
                let mut unquoted = Vec::new();
                loop {
                    read_at(file, offset, size, buf).map_err(read_again)?;
                    let at_end = buf.len() < size;
                    match split_record(buf, 0, delimiter, &mut fields, &mut unquoted) {
                        // Complete when the record ends before the bytes
                        // read do (or they reach the end of the file).
                        Ok(end) if end < buf.len() || at_end => break,
                        _ if at_end => break,
                        _ => size *= 4,
                    }
                }
                Ok(&buf[..])
            }
        }
    }
}

/// A directory as the draw needs it: held whole, or indexed.
pub enum Directory<'a> {
    /// Loaded in full.
    Full(EntityDirectory),
    /// Scanned into a compact index.
    Indexed(EntityIndex<'a>),
}

impl Directory<'_> {
    /// The draw's view of it.
    pub fn source(&self) -> &dyn EntitySource {
        match self {
            Directory::Full(d) => d,
            Directory::Indexed(i) => i,
        }
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.source().count()
    }

    /// Always false: an empty directory is an error.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The directory digest as lowercase hex (SPEC §3.4).
    pub fn digest_hex(&self) -> String {
        crate::hex(&self.source().directory_digest())
    }

    /// Problems that did not stop the loading (see
    /// [`EntityDirectory::warnings`]); an index has none.
    pub fn warnings(&self) -> &[Error] {
        match self {
            Directory::Full(d) => d.warnings(),
            Directory::Indexed(_) => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    /// Issue 13, case 4: blank lines after the header do not size the index.
    #[test]
    fn blank_lines_do_not_size_the_index() {
        let blank = vec![b'\n'; 1 << 20];
        assert_eq!(super::row_estimate(&blank, 1 << 30, b','), 1024);
        let rows = b"91652302MAYYDYBDX3,\xe5\x85\xac\xe5\x8f\xb8,A\n".repeat(1000);
        let e = super::row_estimate(&rows, 33 * 1000 * 100, b',');
        assert!((120_000..130_000).contains(&e), "{e}"); // 28-byte rows, 5% more
                                                         // Rows of a few bytes reserve at most one per 24 bytes.
        let tiny = b"a,b\n".repeat(100_000);
        assert!(super::row_estimate(&tiny, 1 << 30, b',') <= (1 << 30) / 24 * 21 / 20 + 1024);
        // Lines of separators only are blank too.
        let commas = b",,,\r\n".repeat(100_000);
        assert_eq!(super::row_estimate(&commas, 1 << 30, b','), 1024);
    }

    use super::*;
    use proptest::prelude::*;

    /// The bytes `is_normal` treats as special, as the plain table.
    fn special_table() -> [bool; 256] {
        let mut t = [false; 256];
        for (b, v) in t.iter_mut().enumerate() {
            *v = b <= 0x20 || matches!(b, 0x7F | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF);
        }
        t
    }

    proptest! {
        /// The word-at-a-time test never misses a special byte, wherever
        /// it lies, and finds none in text without them (except 0xE0).
        #[test]
        fn word_test_finds_every_special_byte(
            text in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let table = special_table();
            let has = text.iter().any(|&b| table[b as usize]);
            let maybe = maybe_special(&text, &table);
            prop_assert!(maybe || !has);
            if !text.contains(&0xE0) {
                prop_assert_eq!(maybe, has);
            }
        }
    }

    proptest! {
        #[test]
        fn the_parallel_sort_sorts(mut v in proptest::collection::vec(any::<u128>(), 0..200_000)) {
            let sorted = parallel_sort(v.clone());
            v.sort_unstable();
            prop_assert_eq!(sorted, v);
        }
    }

    #[test]
    fn word_test_on_every_byte_at_every_place() {
        let table = special_table();
        for b in 0..=255u8 {
            for at in 0..17 {
                let mut text = vec![b'a'; 17];
                text[at] = b;
                let maybe = maybe_special(&text, &table);
                if b == 0xE0 {
                    // Flagged inside a word, not in the tail.
                    assert_eq!(maybe, at < 16, "byte {b:#x} at {at}");
                } else {
                    assert_eq!(maybe, table[b as usize], "byte {b:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn packing_keeps_byte_order() {
        let ids = [
            "0",
            "00",
            "1",
            "9",
            "91652302MA7B8C9DXF",
            "A",
            "A0",
            "AZ",
            "B",
            "ZZZZZZZZZZZZZZZZZZ",
        ];
        let packed: Vec<u128> = ids.iter().map(|i| pack(i.as_bytes()).unwrap()).collect();
        assert!(packed.windows(2).all(|w| w[0] < w[1]));
        for (i, p) in ids.iter().zip(&packed) {
            let mut s = String::new();
            unpack(p << INDEX_BITS | 12345, &mut s);
            assert_eq!(&s, i);
        }
        assert_eq!(pack(b"a"), None);
        assert_eq!(pack(b"1234567890123456789"), None);
        assert!(
            (pack(b"ZZZZZZZZZZZZZZZZZZ").unwrap() << INDEX_BITS) >> INDEX_BITS
                == pack(b"ZZZZZZZZZZZZZZZZZZ").unwrap()
        );
    }

    #[test]
    fn small_blocks_give_the_same_index() {
        let mut text = String::from("标题行\n统一社会信用代码,企业名称,信用风险等级,地址\n");
        for i in 0..500u64 {
            let code = crate::spec::uscc::complete(format!("91652302{i:08}").as_bytes()).unwrap();
            let code = std::str::from_utf8(&code).unwrap().to_string();
            let address = if i % 7 == 0 {
                "\"第一行\n第二行, 有逗号\"".to_string()
            } else {
                format!("地址{i}")
            };
            text += &format!(
                "{code},企业{i},{},{address}\n",
                ["A", "B", "C"][(i % 3) as usize]
            );
        }
        let task = crate::TaskFile::parse(
            "name='t'\nitem='i'\ndraw_date=2026-12-01\nstrata_by={attribute='信用风险等级',ratios={A='10%',B='10%',C='10%'}}\n",
            "t.toml",
        )
        .unwrap()
        .task;
        let options = LoadOptions::default();
        let (h, start) = find_header(text.as_bytes(), b',', &options).unwrap();
        let l = layout(&h, b',', &options).unwrap();
        let c = resolve_conditions(&task, &l);
        let body = &text.as_bytes()[start..];
        let cuts = boundaries(body, 2, true);
        assert!(
            scan_part(
                &body[..cuts[1]],
                0,
                &l,
                &c,
                options.codes,
                &mut Part::default()
            )
            .is_ok(),
            "part 1 {cuts:?}"
        );
        assert!(
            scan_part(
                &body[cuts[1]..cuts[2]],
                0,
                &l,
                &c,
                options.codes,
                &mut Part::default()
            )
            .is_ok(),
            "part 2"
        );
        let whole = scan(&mut text.as_bytes(), &options, &task, 0, BLOCK, None)
            .unwrap()
            .unwrap();
        let slow = EntityDirectory::load(text.as_bytes(), "e.csv", &options).unwrap();
        assert_eq!(whole.digest, slow.digest());
        for block in [40, 64, 333, 4096] {
            let small = scan(&mut text.as_bytes(), &options, &task, 0, block, None)
                .unwrap()
                .unwrap();
            assert_eq!(small.digest, whole.digest, "block {block}");
            assert_eq!(small.order, whole.order, "block {block}");
            assert_eq!(small.offsets, whole.offsets, "block {block}");
        }
        // Reading drawn rows back gives the loader's entities, multi-line cells included.
        let index = whole.into_index(Rows::Bytes(text.as_bytes()), "e.csv", &task);
        let positions: Vec<u32> = (0..500).step_by(7).rev().collect();
        let back = index.entities_at(&positions, &|_| true).unwrap();
        for (p, e) in positions.iter().zip(&back) {
            let mut expected = slow.entities()[*p as usize].clone();
            expected.row = 0;
            assert_eq!(e, &expected);
        }
        // The same from a file, read back through the forward window.
        let path = std::env::temp_dir().join(format!("shuangsui-scan-{}.csv", std::process::id()));
        std::fs::write(&path, &text).unwrap();
        let from_file = EntityIndex::scan_file(&path, "e.csv", &options, &task, None)
            .unwrap()
            .unwrap();
        assert_eq!(from_file.digest(), slow.digest());
        assert_eq!(from_file.entities_at(&positions, &|_| true).unwrap(), back);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn normal_fields_are_recognized() {
        assert!(is_normal("阜康市天池商贸有限公司".as_bytes()));
        assert!(is_normal(b"A B"));
        assert!(!is_normal(b" A"));
        assert!(!is_normal(b"A  B"));
        assert!(!is_normal("（有限）".as_bytes()));
        assert!(!is_normal("阜康\u{3000}".as_bytes()));
        assert!(!is_normal(b"a\tb"));
        assert!(is_normal("交通运输、仓储和邮政业".as_bytes()));
        assert!(is_normal("叶尔兰·买买提".as_bytes()));
    }

    /// Characters around every boundary `is_normal` draws: each one SPEC §2
    /// changes or refuses, and its neighbours, which it keeps.
    const EDGES: &[char] = &[
        'a',
        '1',
        ' ',
        '\t',
        '\n',
        '\r',
        '\u{0}',
        '\u{1F}',
        '\u{7E}',
        '\u{7F}',
        '\u{80}',
        '\u{85}',
        '\u{9F}',
        '\u{A0}',
        '\u{A1}',
        '\u{B7}',
        '\u{BF}',
        '\u{167F}',
        '\u{1680}',
        '\u{1681}',
        '\u{1FFF}',
        '\u{2000}',
        '\u{200A}',
        '\u{200B}',
        '\u{2027}',
        '\u{2028}',
        '\u{2029}',
        '\u{202A}',
        '\u{202F}',
        '\u{2030}',
        '\u{205E}',
        '\u{205F}',
        '\u{2060}',
        '\u{2FFF}',
        '\u{3000}',
        '\u{3001}',
        '\u{3040}',
        '\u{4E00}',
        '\u{FEFE}',
        '\u{FEFF}',
        '\u{FF00}',
        '\u{FF01}',
        '\u{FF08}',
        '\u{FF3F}',
        '\u{FF40}',
        '\u{FF5E}',
        '\u{FF5F}',
        '\u{FFFD}',
        '\u{10000}',
    ];

    proptest! {
        /// `is_normal` says yes exactly when normalizing changes nothing
        /// and finds nothing to refuse.
        #[test]
        fn is_normal_agrees_with_normalizing(
            picks in proptest::collection::vec(0..EDGES.len(), 0..12),
        ) {
            let text: String = picks.iter().map(|&i| EDGES[i]).collect();
            let normal = crate::spec::text::normalize_text(&text).is_ok_and(|t| t == text);
            prop_assert_eq!(is_normal(text.as_bytes()), normal, "{:?}", text);
        }
    }

    #[test]
    fn is_normal_agrees_with_normalizing_for_every_character_of_the_first_planes() {
        // Every character up to U+FFFF alone and between letters.
        for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}b")] {
                let normal = crate::spec::text::normalize_text(&text).is_ok_and(|t| t == text);
                assert_eq!(is_normal(text.as_bytes()), normal, "{:?}", text);
            }
        }
    }
}
