//! The leaves and digests of SPEC.md §3.1, §3.2, §3.4 and §4: the bytes
//! every reader of a directory hashes, whether it loads the rows
//! (`input::directory`) or only scans them (`input::scan`). Both call these
//! functions on their own representation of a row, so their leaves and
//! digests are equal by construction.

use crate::spec::hash::{Digest32, Tagged};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The leaf of an entity (SPEC §3.1):
/// `SHA256("shuangsui/1/entity" ‖ 0 ‖ id ‖ 0 ‖ name ‖ 0 ‖ v_1 ‖ 0 ‖ … ‖ v_m ‖ 0)`,
/// with `values` the entity's values for the directory's attribute keys in
/// key order (the empty text where it has none). The input is built in
/// `buf` (a buffer the caller reuses from row to row) and hashed in one
/// call.
pub(crate) fn entity_leaf<'v>(
    buf: &mut Vec<u8>,
    id: &[u8],
    name: &[u8],
    values: impl IntoIterator<Item = &'v [u8]>,
) -> Digest32 {
    buf.clear();
    buf.extend_from_slice(b"shuangsui/1/entity\0");
    for f in [id, name] {
        ended(buf, f);
    }
    for v in values {
        ended(buf, v);
    }
    Sha256::digest(&buf[..]).into()
}

/// Appends a field and the zero byte that ends it.
fn ended(buf: &mut Vec<u8>, field: &[u8]) {
    buf.extend_from_slice(field);
    buf.push(0);
}

/// The fields of an inspector that its leaf holds before its attributes
/// (SPEC §3.2), each in canonical form.
pub(crate) struct InspectorFields<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) department: &'a str,
    /// 执法领域, sorted and distinct; the leaf joins them with `;`.
    pub(crate) fields: &'a [String],
    /// Whether the status is `active` (else `inactive`).
    pub(crate) active: bool,
    /// The canonical expiry date, or the empty text.
    pub(crate) expiry: &'a str,
}

/// The leaf of an inspector (SPEC §3.2):
/// `SHA256("shuangsui/1/inspector" ‖ 0 ‖ id ‖ 0 ‖ name ‖ 0 ‖ department ‖ 0 ‖
/// fields ‖ 0 ‖ status ‖ 0 ‖ expiry ‖ 0 ‖ v_1 ‖ 0 ‖ … ‖ v_m ‖ 0)`, built in
/// `buf` as [`entity_leaf`] is.
pub(crate) fn inspector_leaf<'v>(
    buf: &mut Vec<u8>,
    inspector: &InspectorFields<'_>,
    values: impl IntoIterator<Item = &'v [u8]>,
) -> Digest32 {
    buf.clear();
    buf.extend_from_slice(b"shuangsui/1/inspector\0");
    for f in [inspector.id, inspector.name, inspector.department] {
        ended(buf, f.as_bytes());
    }
    for (i, f) in inspector.fields.iter().enumerate() {
        if i > 0 {
            buf.push(b';');
        }
        buf.extend_from_slice(f.as_bytes());
    }
    buf.push(0);
    let status = if inspector.active {
        "active"
    } else {
        "inactive"
    };
    for f in [status, inspector.expiry] {
        ended(buf, f.as_bytes());
    }
    for v in values {
        ended(buf, v);
    }
    Sha256::digest(&buf[..]).into()
}

/// The values of `attributes` (sorted by key bytes, empty values left out)
/// for each of `keys` (the directory's attribute keys, sorted by bytes), the
/// empty text where a key has none: the `v_1 … v_m` of a leaf.
pub(crate) fn values_in_key_order<'a>(
    attributes: &'a [(Arc<str>, String)],
    keys: &'a [Arc<str>],
) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut it = attributes.iter().peekable();
    keys.iter().map(move |k| {
        while it
            .peek()
            .is_some_and(|(ak, _)| ak.as_bytes() < k.as_bytes())
        {
            it.next();
        }
        it.next_if(|(ak, _)| ak == k)
            .map_or(&b""[..], |(_, v)| v.as_bytes())
    })
}

/// Which directory a digest is of: its tag (SPEC §3.4).
#[derive(Clone, Copy)]
pub(crate) enum DirectoryKind {
    Entities,
    Inspectors,
}

/// The digest of a directory (SPEC §3.4):
/// `SHA256(lp(tag) ‖ u64be(m) ‖ lp(k_1) ‖ … ‖ lp(k_m) ‖ u64be(n) ‖ leaf_1 ‖ … ‖ leaf_n)`,
/// with `feed` appending the `n` leaves in canonical order (by id bytes)
/// through [`Tagged::update`]. For a reader that holds its leaves in
/// another order and gathers them as it hashes; see [`directory_digest`].
pub(crate) fn directory_digest_with<'k>(
    kind: DirectoryKind,
    keys: impl ExactSizeIterator<Item = &'k str>,
    n: usize,
    feed: impl FnOnce(&mut Tagged),
) -> Digest32 {
    let mut h = Tagged::new(match kind {
        DirectoryKind::Entities => "shuangsui/1/entities",
        DirectoryKind::Inspectors => "shuangsui/1/inspectors",
    });
    h.count(keys.len());
    for k in keys {
        h.field(k.as_bytes());
    }
    h.count(n);
    feed(&mut h);
    h.finish()
}

/// [`directory_digest_with`] of leaves already in canonical order.
pub(crate) fn directory_digest<'k>(
    kind: DirectoryKind,
    keys: impl ExactSizeIterator<Item = &'k str>,
    leaves: &[Digest32],
) -> Digest32 {
    directory_digest_with(kind, keys, leaves.len(), |h| {
        for l in leaves {
            h.update(l);
        }
    })
}

/// The digest of an exclusion list (SPEC §4), its distinct ids given
/// sorted by bytes:
/// `SHA256(lp("shuangsui/1/exclusions") ‖ u64be(e) ‖ lp(id_1) ‖ … ‖ lp(id_e))`.
pub(crate) fn exclusions_digest<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Digest32 {
    let mut h = Tagged::new("shuangsui/1/exclusions");
    h.count(ids.len());
    for id in ids {
        h.field(id.as_bytes());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_leaf_is_the_zero_separated_fields() {
        let mut buf = Vec::new();
        let leaf = entity_leaf(&mut buf, b"ID1", "名称".as_bytes(), [&b"A"[..], b""]);
        let want: Digest32 = Sha256::digest("shuangsui/1/entity\0ID1\0名称\0A\0\0").into();
        assert_eq!(leaf, want);
    }

    #[test]
    fn inspector_leaf_joins_fields_and_spells_the_status() {
        let mut buf = Vec::new();
        let fields = ["价格监管".to_string(), "食品安全".to_string()];
        let i = InspectorFields {
            id: "ZF1",
            name: "王伟",
            department: "",
            fields: &fields,
            active: false,
            expiry: "2027-06-30",
        };
        let want: Digest32 = Sha256::digest(
            "shuangsui/1/inspector\0ZF1\0王伟\0\0价格监管;食品安全\0inactive\x002027-06-30\0x\0",
        )
        .into();
        assert_eq!(inspector_leaf(&mut buf, &i, [&b"x"[..]]), want);
    }

    #[test]
    fn values_follow_the_keys_with_empty_for_missing() {
        let k = |s: &str| Arc::<str>::from(s);
        let attributes = vec![(k("b"), "2".to_string()), (k("d"), "4".to_string())];
        let keys = vec![k("a"), k("b"), k("c"), k("d"), k("e")];
        let got: Vec<&[u8]> = values_in_key_order(&attributes, &keys).collect();
        assert_eq!(got, vec![&b""[..], b"2", b"", b"4", b""]);
    }

    #[test]
    fn digests_frame_counts_and_keys() {
        // By hand: lp(tag) ‖ u64be(1) ‖ lp("k") ‖ u64be(1) ‖ leaf.
        let leaf = [7u8; 32];
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&20u64.to_be_bytes());
        bytes.extend_from_slice(b"shuangsui/1/entities");
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.push(b'k');
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&leaf);
        let want: Digest32 = Sha256::digest(&bytes).into();
        assert_eq!(
            directory_digest(DirectoryKind::Entities, ["k"].into_iter(), &[leaf]),
            want
        );
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&22u64.to_be_bytes());
        bytes.extend_from_slice(b"shuangsui/1/exclusions");
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&2u64.to_be_bytes());
        bytes.extend_from_slice(b"AB");
        let want: Digest32 = Sha256::digest(&bytes).into();
        assert_eq!(exclusions_digest(["AB"].into_iter()), want);
    }
}
