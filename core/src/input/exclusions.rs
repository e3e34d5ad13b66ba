//! The exclusion list (排除名单, SPEC.md §4): entity ids that may not be
//! drawn, e.g. those inspected within the last 12 months.

use crate::input::directory::LoadOptions;
use crate::input::problems::Problems;
use crate::input::table::{RowSource, Table};
use crate::spec::hash::{hex, Digest32};
use crate::spec::layout::{entity_roles, names_entity_id, IdColumns};
use crate::spec::text::normalize_entity_id;
use crate::spec::text::normalize_text;
use crate::{Error, ErrorKind, Location, Result};
use std::collections::BTreeSet;

/// A set of excluded entity ids with its digest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    ids: BTreeSet<String>,
    warnings: Vec<Error>,
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
        Ok(Exclusions {
            ids: set,
            warnings: Vec::new(),
        })
    }

    /// Reads an exclusion list from CSV: a header row with an id column
    /// (统一社会信用代码 / 注册号 / id); other columns (reasons, dates) are
    /// ignored; empty id cells are skipped.
    ///
    /// # Errors
    /// As [`Exclusions::load`].
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<Exclusions> {
        Exclusions::load(bytes, source, &LoadOptions::default())
    }

    /// Reads an exclusion list from a file's bytes (CSV in UTF-8 or GBK, or
    /// an Excel workbook), finding the header row below any title rows. A
    /// code that is not a valid 统一社会信用代码 is kept (it may be a typo, or
    /// a legacy id) and listed in [`Exclusions::warnings`].
    ///
    /// # Errors
    /// `Io`, `Csv`, `MissingColumn`; all rows' `InvalidId` problems (an
    /// unreadable id, a code Excel turned into a number) listed together.
    pub fn load(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<Exclusions> {
        // An empty file is an empty list: nothing is excluded.
        if bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(bytes)
            .iter()
            .all(u8::is_ascii_whitespace)
        {
            return Ok(Exclusions::none());
        }
        // SPEC §5.3: `[columns.exclusions]` keys match as in the directories.
        let is_header = |cells: &[String]| names_entity_id(&options.columns, cells);
        let mut rows = Table::from_bytes(bytes, source, &options.read, &is_header)?;
        let source = rows.source().to_string();
        let headers = rows.headers().to_vec();
        let roles = entity_roles(&options.columns, &headers);
        // SPEC §4: one column of each id kind; a second one would be
        // silently ignored (and the entities listed there drawn).
        let id_columns = IdColumns::of(&roles).map_err(|(first, i)| {
            let (a, b) = (headers[first].trim(), headers[i].trim());
            Error::new(
                ErrorKind::DuplicateColumn,
                format!(
                    "columns {} (\"{a}\") and {} (\"{b}\") are both the id column of the exclusion list; keep one of them, or merge their ids into one column",
                    first + 1,
                    i + 1,
                ),
                format!(
                    "第 {} 列（“{a}”）和第 {} 列（“{b}”）都是排除名单的代码列；请只保留一列，或把代码合并到一列",
                    first + 1,
                    i + 1,
                ),
            )
            .at(Location {
                file: Some(source.clone()),
                row: None,
                column: Some(b.to_string()),
            })
        })?;
        let (primary, legacy) = (id_columns.primary, id_columns.legacy);
        primary.or(legacy).ok_or_else(|| {
                Error::new(
                    ErrorKind::MissingColumn,
                    "no id column; the exclusion list needs a header row with 统一社会信用代码 (or 注册号, id)", "缺少代码列；排除名单需要含“统一社会信用代码”（或“注册号”）的表头")
                .at(Location {
                    file: Some(source.clone()),
                    row: None,
                    column: None,
                })
            })?;
        let mut ids = BTreeSet::new();
        let mut problems = Problems::new(&source);
        let mut warnings = Problems::new(&source);
        let mut row = Vec::new();
        let blank = |v: &str| normalize_text(v).map(|t| t.is_empty()).unwrap_or(false);
        'rows: while let Some(line) = rows.next_row(&mut row)? {
            // SPEC §3.0: the id columns are key columns: a line break there
            // comes from a quote left open.
            for c in [primary, legacy].into_iter().flatten() {
                if let Some(e) =
                    crate::input::directory::spans_lines(&source, line, &headers[c], &row[c])
                {
                    problems.push(e);
                    continue 'rows;
                }
            }
            // As in the directory (SPEC §3.1): the 统一社会信用代码, or the
            // 注册号 when that is empty.
            let primary_is_blank = primary.is_some_and(|p| blank(&row[p]));
            let Some(col) = id_columns.for_row(primary_is_blank) else {
                // Not reached: the header row has one of the two.
                continue;
            };
            if blank(&row[col]) {
                continue;
            }
            let here = Location {
                file: Some(source.clone()),
                row: Some(line),
                column: Some(headers[col].clone()),
            };
            if rows.cell_is_number(col) {
                problems.push(
                    Error::new(
                        ErrorKind::InvalidId,
                        format!("the code \"{}\" was stored as a number, which loses digits; format the column as Text (设置单元格格式 → 文本) and enter the codes again", row[col]), format!("代码“{}”被 Excel 存成了数字，已丢失位数；请将该列设置为“文本”后重新录入", row[col]))
                    .at(here),
                );
                continue;
            }
            match normalize_entity_id(&row[col]) {
                Ok(id) => {
                    if let Some((en, zh)) = crate::spec::uscc::code_problem(&id) {
                        warnings.push(Error::new(ErrorKind::InvalidId, en, zh).at(here));
                    }
                    ids.insert(id);
                }
                Err(e) => problems.push(e.at(here)),
            }
            if problems.stop_when_full(&mut rows, &mut row) {
                break;
            }
        }
        problems.finish()?;
        Ok(Exclusions {
            ids,
            warnings: warnings.into_warnings(),
        })
    }

    /// Codes on the list that are not valid 统一社会信用代码 (possible typos).
    pub fn warnings(&self) -> &[Error] {
        &self.warnings
    }

    /// The union of two lists.
    pub fn union(&self, other: &Exclusions) -> Exclusions {
        Exclusions {
            ids: self.ids.union(&other.ids).cloned().collect(),
            warnings: self
                .warnings
                .iter()
                .chain(&other.warnings)
                .cloned()
                .collect(),
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
        // BTreeSet<String> iterates in byte order, which SPEC §4 requires.
        crate::spec::leaves::exclusions_digest(self.ids.iter().map(String::as_str))
    }

    /// The digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        hex(&self.digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_of_problems_says_it_was_cut_short() {
        // 150 unreadable ids: the first 100 are listed, and the message
        // says that only the first are.
        let mut csv = String::from("统一社会信用代码\n");
        for n in 0..150 {
            csv.push_str(&format!("9135-{n}\n"));
        }
        let e = Exclusions::from_csv(csv.as_bytes(), "排除.csv").unwrap_err();
        assert_eq!(e.details().len(), 100);
        assert!(e.message().contains("only the first"), "{}", e.message());
        assert!(e.message_zh().contains("仅列出"), "{}", e.message_zh());
        // Exactly one problem is that problem itself.
        let e =
            Exclusions::from_csv("统一社会信用代码\n9135-1\n".as_bytes(), "排除.csv").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidId);
        assert!(e.details().is_empty());
    }

    #[test]
    fn a_long_list_of_warnings_says_how_many_are_not_listed() {
        // 130 codes of the right length with a wrong check character: kept,
        // each a warning; the list ends with how many were not listed.
        let mut csv = String::from("统一社会信用代码\n");
        for n in 0..130 {
            csv.push_str(&format!("91350100M0001{n:04}X\n"));
        }
        let x = Exclusions::from_csv(csv.as_bytes(), "排除.csv").unwrap();
        assert_eq!(x.len(), 130);
        assert_eq!(x.warnings().len(), 101);
        let last = x.warnings().last().unwrap();
        assert!(last.message().contains("30 more"), "{}", last.message());
        assert!(
            last.message_zh().contains("另有 30 处"),
            "{}",
            last.message_zh()
        );
    }
}
