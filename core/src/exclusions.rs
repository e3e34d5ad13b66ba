//! The exclusion list (排除名单, SPEC.md §4): entity ids that may not be
//! drawn, e.g. those inspected within the last 12 months.

use crate::hash::{hex, Digest32};
use crate::headers::{entity_column, EntityColumn};
use crate::table::{CsvRows, RowSource};
use crate::text::normalize_entity_id;
use crate::{Error, ErrorKind, Location, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// A set of excluded entity ids with its digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    ids: BTreeSet<String>,
}

impl Exclusions {
    /// An empty exclusion list.
    pub fn none() -> Exclusions {
        Exclusions::default()
    }

    /// Builds the list from ids, normalizing each (SPEC §3.1). Repeated ids
    /// count once.
    ///
    /// # Errors
    /// `InvalidId` naming the offending id.
    pub fn from_ids<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> Result<Exclusions> {
        let mut set = BTreeSet::new();
        for id in ids {
            set.insert(normalize_entity_id(id.as_ref())?);
        }
        Ok(Exclusions { ids: set })
    }

    /// Reads an exclusion list from CSV: a header row with an id column
    /// (统一社会信用代码 / 注册号 / id); other columns (reasons, dates) are
    /// ignored; empty id cells are skipped.
    ///
    /// # Errors
    /// `Csv`, `MissingColumn`, `InvalidId` with file, row and column.
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<Exclusions> {
        let mut rows = CsvRows::from_bytes(bytes, source)?;
        let headers = rows.headers().to_vec();
        let col = headers
            .iter()
            .position(|h| entity_column(h) == EntityColumn::Id)
            .or_else(|| headers.iter().position(|h| entity_column(h) == EntityColumn::LegacyId))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::MissingColumn,
                    "no id column; the exclusion list needs a header row with 统一社会信用代码 (or 注册号, id)",
                )
                .at(Location { file: Some(source.into()), row: Some(1), column: None })
            })?;
        let mut ids = BTreeSet::new();
        let mut row = Vec::new();
        while let Some(line) = rows.next_row(&mut row)? {
            if row[col].trim().is_empty() {
                continue;
            }
            let id = normalize_entity_id(&row[col]).map_err(|e| {
                e.at(Location {
                    file: Some(source.into()),
                    row: Some(line),
                    column: Some(headers[col].clone()),
                })
            })?;
            ids.insert(id);
        }
        Ok(Exclusions { ids })
    }

    /// The union of two lists.
    pub fn union(&self, other: &Exclusions) -> Exclusions {
        Exclusions {
            ids: self.ids.union(&other.ids).cloned().collect(),
        }
    }

    /// Whether an id is excluded.
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The distinct ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(|s| s.as_str())
    }

    /// The number of distinct ids.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The exclusion digest (SPEC §4).
    pub fn digest(&self) -> Digest32 {
        let tag = b"shuangsui/1/exclusions";
        let mut h = Sha256::new();
        h.update((tag.len() as u64).to_be_bytes());
        h.update(tag);
        h.update((self.ids.len() as u64).to_be_bytes());
        // BTreeSet<String> iterates in byte order, which SPEC §4 requires.
        for id in &self.ids {
            h.update((id.len() as u64).to_be_bytes());
            h.update(id.as_bytes());
        }
        h.finalize().into()
    }

    /// The digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        hex(&self.digest())
    }
}
