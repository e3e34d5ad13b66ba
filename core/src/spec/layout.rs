//! Which column of a table is what (SPEC.md §3.0, §3.1, §4, §5.3): the
//! header row's search window, the role of each header (with a task's
//! `[columns.*]` mappings), the id columns of an entity table and which of
//! them gives a row's id, and the attribute keys of an entity directory.
//!
//! The loader (`input::directory`), the fast scan (`input::scan`) and the
//! exclusion list (`input::exclusions`) all decide these questions here;
//! they differ only in what they do with a problem (the loader reports it,
//! the scan declines and leaves the file to the loader).

use crate::spec::headers::{entity_column, inspector_column, EntityColumn, InspectorColumn};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many non-blank rows at the top of a table are searched for the
/// header row (SPEC §3.0).
pub(crate) const HEADER_SEARCH_ROWS: usize = 30;

/// The attribute key under which a 注册号 is kept beside a
/// 统一社会信用代码 (SPEC §3.1).
pub(crate) const LEGACY_ATTRIBUTE: &str = "注册号";

/// SPEC §5.3: a `[columns.*]` key matches a header when both have the same
/// §3.3 match form (normalized, ASCII lower-cased, without spaces, `_` and
/// `-`); the task refuses two keys of the same form, so at most one does.
pub(crate) fn mapped<'m>(columns: &'m [(String, String)], header: &str) -> Option<&'m str> {
    let h = crate::spec::text::header_match_key(header);
    if h.is_empty() {
        return None;
    }
    columns
        .iter()
        .find(|(from, _)| crate::spec::text::header_match_key(from) == h)
        .map(|(_, to)| to.as_str())
}

/// The role of an entity table's header, after the task's mappings.
pub(crate) fn entity_role(columns: &[(String, String)], header: &str) -> EntityColumn {
    entity_column(mapped(columns, header).unwrap_or(header))
}

/// The roles of an entity table's headers, after the task's mappings.
pub(crate) fn entity_roles(columns: &[(String, String)], headers: &[String]) -> Vec<EntityColumn> {
    headers.iter().map(|h| entity_role(columns, h)).collect()
}

/// The role of an inspector directory's header, after the task's mappings.
pub(crate) fn inspector_role(columns: &[(String, String)], header: &str) -> InspectorColumn {
    inspector_column(mapped(columns, header).unwrap_or(header))
}

/// Whether a row is the header of an entity table (the directory or an
/// exclusion list, SPEC §3.0, §4): one of its cells names an id column,
/// primary or legacy.
pub(crate) fn names_entity_id(columns: &[(String, String)], cells: &[String]) -> bool {
    cells.iter().any(|c| {
        matches!(
            entity_role(columns, c),
            EntityColumn::Id | EntityColumn::LegacyId
        )
    })
}

/// Whether a row is the header of an inspector directory (SPEC §3.0): one
/// of its cells names the id column.
pub(crate) fn names_inspector_id(columns: &[(String, String)], cells: &[String]) -> bool {
    cells
        .iter()
        .any(|c| inspector_role(columns, c) == InspectorColumn::Id)
}

/// The id columns of an entity table (SPEC §3.1, §4): at most one of the
/// 统一社会信用代码 family, at most one of the 注册号 family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdColumns {
    pub(crate) primary: Option<usize>,
    pub(crate) legacy: Option<usize>,
}

impl IdColumns {
    /// The id columns of a header whose columns have `roles`; `Err` with
    /// the two columns when two are of the same kind.
    pub(crate) fn of(roles: &[EntityColumn]) -> Result<IdColumns, (usize, usize)> {
        Ok(IdColumns {
            primary: only(roles, &EntityColumn::Id)?,
            legacy: only(roles, &EntityColumn::LegacyId)?,
        })
    }

    /// Whether the table has both kinds, so that a row's 注册号 is also kept
    /// as the attribute [`LEGACY_ATTRIBUTE`].
    pub(crate) fn both(&self) -> bool {
        self.primary.is_some() && self.legacy.is_some()
    }

    /// The column that gives a row's id (SPEC §3.1): the
    /// 统一社会信用代码, or the 注册号 when that is empty (after §2
    /// normalization) or the table has no 统一社会信用代码 column. `None`
    /// only for a table with neither column.
    pub(crate) fn for_row(&self, primary_is_empty: bool) -> Option<usize> {
        match (self.primary, self.legacy) {
            (Some(_), Some(l)) if primary_is_empty => Some(l),
            (Some(p), _) => Some(p),
            (None, l) => l,
        }
    }
}

/// The one column whose role is `want`; `Err` with the first two if more.
fn only(roles: &[EntityColumn], want: &EntityColumn) -> Result<Option<usize>, (usize, usize)> {
    let mut found = None;
    for (i, r) in roles.iter().enumerate() {
        if r == want {
            if let Some(first) = found {
                return Err((first, i));
            }
            found = Some(i);
        }
    }
    Ok(found)
}

/// Where the value of one of a directory's attribute keys comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyValue {
    /// A column of the table.
    Column(usize),
    /// The row's 注册号, kept beside its 统一社会信用代码 (SPEC §3.1).
    Legacy,
}

/// The columns of an entity directory (SPEC §3.1, §3.3).
#[derive(Clone, Debug)]
pub(crate) struct EntityLayout {
    pub(crate) ids: IdColumns,
    pub(crate) name: usize,
    /// The attribute columns in column order, each with its key.
    pub(crate) attributes: Vec<(usize, Arc<str>)>,
    /// The directory's attribute keys `k_1 … k_m` in canonical order (by
    /// bytes, distinct), each with where its value comes from.
    pub(crate) keys: Vec<(Arc<str>, KeyValue)>,
}

/// Why a header is not an entity directory's, in the order the checks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LayoutProblem {
    /// Two columns (first, second) mean the same field (`DuplicateColumn`).
    Duplicate(usize, usize),
    /// No name column (`MissingColumn`).
    NoName,
    /// No id column of either kind (`MissingColumn`).
    NoId,
    /// A column whose key is 注册号 beside both id columns, whose 注册号 is
    /// kept under that key (`DuplicateColumn`, with the legacy id column).
    LegacyTwice(usize),
}

impl EntityLayout {
    /// The layout of a header whose columns have `roles`.
    pub(crate) fn of(roles: &[EntityColumn]) -> Result<EntityLayout, LayoutProblem> {
        let dup = |(a, b)| LayoutProblem::Duplicate(a, b);
        let ids = IdColumns::of(roles).map_err(dup)?;
        let name = only(roles, &EntityColumn::Name)
            .map_err(dup)?
            .ok_or(LayoutProblem::NoName)?;
        if ids.primary.is_none() && ids.legacy.is_none() {
            return Err(LayoutProblem::NoId);
        }
        let mut attributes: Vec<(usize, Arc<str>)> = Vec::new();
        // A map, not a search of the list: a file may have 100,000 columns.
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, r) in roles.iter().enumerate() {
            if let EntityColumn::Attribute(k) = r {
                if k.is_empty() {
                    // A column without a header carries nothing we can name.
                    continue;
                }
                if let Some(&first) = seen.get(k.as_str()) {
                    return Err(LayoutProblem::Duplicate(first, i));
                }
                seen.insert(k.as_str(), i);
                attributes.push((i, Arc::from(k.as_str())));
            }
        }
        let mut keys: Vec<(Arc<str>, KeyValue)> = attributes
            .iter()
            .map(|(c, k)| (k.clone(), KeyValue::Column(*c)))
            .collect();
        if let (true, Some(legacy)) = (ids.both(), ids.legacy) {
            if seen.contains_key(LEGACY_ATTRIBUTE) {
                return Err(LayoutProblem::LegacyTwice(legacy));
            }
            keys.push((Arc::from(LEGACY_ATTRIBUTE), KeyValue::Legacy));
        }
        keys.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        Ok(EntityLayout {
            ids,
            name,
            attributes,
            keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(headers: &[&str]) -> Vec<EntityColumn> {
        headers.iter().map(|h| entity_role(&[], h)).collect()
    }

    #[test]
    fn a_row_id_is_the_primary_or_else_the_legacy() {
        let both = IdColumns {
            primary: Some(0),
            legacy: Some(2),
        };
        assert_eq!(both.for_row(false), Some(0));
        assert_eq!(both.for_row(true), Some(2));
        let primary = IdColumns {
            primary: Some(1),
            legacy: None,
        };
        assert_eq!(primary.for_row(true), Some(1));
        let legacy = IdColumns {
            primary: None,
            legacy: Some(3),
        };
        assert_eq!(legacy.for_row(true), Some(3));
        assert_eq!(legacy.for_row(false), Some(3));
    }

    #[test]
    fn layouts_and_their_problems() {
        let l =
            EntityLayout::of(&roles(&["统一社会信用代码", "企业名称", "区域", "注册号"])).unwrap();
        assert_eq!(
            l.ids,
            IdColumns {
                primary: Some(0),
                legacy: Some(3)
            }
        );
        assert_eq!(l.name, 1);
        let keys: Vec<(&str, KeyValue)> = l.keys.iter().map(|(k, v)| (&**k, *v)).collect();
        assert_eq!(
            keys,
            vec![
                ("所属区域", KeyValue::Column(2)),
                ("注册号", KeyValue::Legacy)
            ]
        );
        let of = |h: &[&str]| EntityLayout::of(&roles(h)).unwrap_err();
        assert_eq!(
            of(&["id", "信用代码", "名称"]),
            LayoutProblem::Duplicate(0, 1)
        );
        assert_eq!(of(&["id", "地址"]), LayoutProblem::NoName);
        assert_eq!(of(&["名称", "地址"]), LayoutProblem::NoId);
        assert_eq!(
            of(&["id", "名称", "区域", "地区"]),
            LayoutProblem::Duplicate(2, 3)
        );
        assert!(names_entity_id(&[], &["x".into(), "RegNo".into()]));
        assert!(!names_entity_id(&[], &["企业名称".into()]));
        let mapping = [("编号".to_string(), "id".to_string())];
        assert!(names_entity_id(&mapping, &["编号".into()]));
    }
}
