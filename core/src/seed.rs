//! The published seed (随机种子, SPEC.md §6): one or more public sources,
//! each brought to a canonical value, hashed in order into the seed digest.

use crate::hash::{Digest32, Tagged};
use crate::text::normalize_text;
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

/// The kind of a seed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedKind {
    /// A text published by the regulator.
    Text,
    /// Lottery numbers (e.g. 福彩3D), canonicalized as RFC 3797.
    Lottery,
    /// A randomness beacon's value in hex.
    Beacon,
}

impl SeedKind {
    /// The kind's name as hashed (SPEC §6).
    pub fn name(self) -> &'static str {
        match self {
            SeedKind::Text => "text",
            SeedKind::Lottery => "lottery",
            SeedKind::Beacon => "beacon",
        }
    }
}

/// One source of the published seed, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedSource {
    /// What kind of source it is.
    pub kind: SeedKind,
    /// The canonical value (SPEC §6).
    pub value: String,
    /// Where the value comes from, for people; not hashed.
    pub description: String,
}

impl SeedSource {
    /// Parses `kind:value` (`text:`, `lottery:`, `lottery-unordered:`,
    /// `beacon:`); text without a known prefix is a `text` source.
    ///
    /// # Errors
    /// `InvalidSeed` when the value is empty or malformed.
    ///
    /// # Example
    /// ```
    /// use shuangsui::SeedSource;
    /// assert_eq!(SeedSource::parse("lottery:3 0 7").unwrap().value, "3.0.7./");
    /// assert_eq!(SeedSource::parse("lottery-unordered:21,03,11").unwrap().value, "3.11.21./");
    /// assert_eq!(SeedSource::parse("beacon:0xAB cd").unwrap().value, "abcd");
    /// assert_eq!(SeedSource::parse("阜康市 2026 第四季度").unwrap().value, "阜康市 2026 第四季度");
    /// ```
    pub fn parse(s: &str) -> Result<SeedSource> {
        let (kind, rest) = match s.split_once(':') {
            Some((k, v)) => match k.trim().to_ascii_lowercase().as_str() {
                "text" => (Some(SeedKind::Text), v),
                "lottery" => (Some(SeedKind::Lottery), v),
                "lottery-unordered" => (None, v),
                "beacon" => (Some(SeedKind::Beacon), v),
                _ => (Some(SeedKind::Text), s),
            },
            None => (Some(SeedKind::Text), s),
        };
        let (kind, value) = match kind {
            Some(SeedKind::Text) => {
                let v = normalize_text(rest)
                    .map_err(|e| Error::new(ErrorKind::InvalidSeed, e.message()))?;
                if v.is_empty() {
                    return Err(Error::new(ErrorKind::InvalidSeed, "the seed text is empty"));
                }
                (SeedKind::Text, v)
            }
            Some(SeedKind::Lottery) => (SeedKind::Lottery, lottery(rest, false)?),
            None => (SeedKind::Lottery, lottery(rest, true)?),
            Some(SeedKind::Beacon) => (SeedKind::Beacon, beacon(rest)?),
        };
        Ok(SeedSource {
            kind,
            value,
            description: String::new(),
        })
    }
}

/// RFC 3797 canonical form: `3.0.7./`.
fn lottery(s: &str, unordered: bool) -> Result<String> {
    let s = normalize_text(s).map_err(|e| Error::new(ErrorKind::InvalidSeed, e.message()))?;
    let mut numbers: Vec<u128> = Vec::new();
    for part in s.split(|c: char| !c.is_ascii_digit()) {
        if part.is_empty() {
            continue;
        }
        let n: u128 = part.trim_start_matches('0').parse().unwrap_or(0);
        if part.trim_start_matches('0').len() > 30 {
            return Err(Error::new(
                ErrorKind::InvalidSeed,
                format!("the lottery number {part} is too long"),
            ));
        }
        numbers.push(n);
    }
    if let Some(bad) = s.chars().find(|c| {
        !(c.is_ascii_digit() || matches!(c, ' ' | ',' | '-' | '.' | ';' | '、' | '+' | '|'))
    }) {
        return Err(Error::new(
            ErrorKind::InvalidSeed,
            format!("the lottery numbers \"{s}\" contain \"{bad}\"; write the drawn numbers separated by spaces, e.g. lottery:3 0 7"),
        ));
    }
    if numbers.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidSeed,
            "no lottery numbers given; e.g. lottery:3 0 7",
        ));
    }
    if unordered {
        numbers.sort_unstable();
    }
    let mut out = String::new();
    for n in numbers {
        out.push_str(&n.to_string());
        out.push('.');
    }
    out.push('/');
    Ok(out)
}

fn beacon(s: &str) -> Result<String> {
    let mut t: String = s
        .chars()
        .filter(|c| !crate::text::is_spec_whitespace(*c))
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(rest) = t.strip_prefix("0x") {
        t = rest.to_string();
    }
    if t.is_empty() || t.len() % 2 != 0 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::new(
            ErrorKind::InvalidSeed,
            "a beacon value must be an even number of hex digits (0-9, a-f), e.g. beacon:8f3a…",
        ));
    }
    Ok(t)
}

/// `seed_digest = H("shuangsui/1/seed", kind_1, value_1, …)` (SPEC §6).
pub(crate) fn seed_digest(sources: &[SeedSource]) -> Digest32 {
    let mut t = Tagged::new("shuangsui/1/seed");
    for s in sources {
        t.field(s.kind.name().as_bytes()).field(s.value.as_bytes());
    }
    t.finish()
}
