//! Hashing primitives of SPEC.md §1: length prefixes, the tagged hash `H`
//! and lowercase hex.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// `H(tag, f1, …, fn) = SHA256(lp(tag) ‖ lp(f1) ‖ … ‖ lp(fn))` (SPEC §1),
/// and the digests of §3.4, §4 and §11 that frame counts and streamed
/// fields the same way. This is the only place that writes a length prefix
/// or a count: every hashed frame of the protocol is built with it.
pub(crate) struct Tagged(Sha256);

impl Tagged {
    /// Starts a hash with `lp(tag)`.
    pub(crate) fn new(tag: &str) -> Tagged {
        let mut t = Tagged(Sha256::new());
        t.field(tag.as_bytes());
        t
    }

    /// Appends `lp(bytes)`.
    pub(crate) fn field(&mut self, bytes: &[u8]) -> &mut Tagged {
        self.field_header(bytes.len());
        self.0.update(bytes);
        self
    }

    /// Appends `u64be(n)`: the count before a list (SPEC §3.4, §4).
    pub(crate) fn count(&mut self, n: usize) -> &mut Tagged {
        self.0.update((n as u64).to_be_bytes());
        self
    }

    /// Appends the length prefix of a field of `len` bytes whose bytes
    /// follow through [`Tagged::update`] in parts (a field too large to
    /// hold, such as a provincial record's canonical JSON). The parts must
    /// add up to `len` bytes.
    pub(crate) fn field_header(&mut self, len: usize) -> &mut Tagged {
        self.0.update((len as u64).to_be_bytes());
        self
    }

    /// Appends bytes without framing: a part of a field begun with
    /// [`Tagged::field_header`], or a digest of fixed size (the leaves of
    /// SPEC §3.4).
    pub(crate) fn update(&mut self, bytes: &[u8]) -> &mut Tagged {
        self.0.update(bytes);
        self
    }

    pub(crate) fn finish(self) -> Digest32 {
        self.0.finalize().into()
    }
}

/// `H(tag, fields…)` in one call.
pub(crate) fn tagged(tag: &str, fields: &[&[u8]]) -> Digest32 {
    let mut t = Tagged::new(tag);
    for f in fields {
        t.field(f);
    }
    t.finish()
}

/// Lowercase hexadecimal (SPEC §1).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Parses 64 lowercase or uppercase hex digits into a digest.
pub(crate) fn parse_digest(s: &str) -> Option<Digest32> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_hash_is_sha256_of_length_prefixed_fields() {
        // H("t", "ab") = SHA256(00..01 't' 00..02 'a' 'b'), computed by hand.
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&1u64.to_be_bytes());
        bytes.push(b't');
        bytes.extend_from_slice(&2u64.to_be_bytes());
        bytes.extend_from_slice(b"ab");
        let expected: Digest32 = Sha256::digest(&bytes).into();
        assert_eq!(tagged("t", &[b"ab"]), expected);
        assert_ne!(tagged("t", &[b"a", b"b"]), expected);
    }

    #[test]
    fn hex_round_trip() {
        let d = tagged("x", &[]);
        assert_eq!(parse_digest(&hex(&d)), Some(d));
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(parse_digest("zz"), None);
    }
}
