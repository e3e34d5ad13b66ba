//! The two directories (一单两库): market entities (检查对象名录库) and
//! inspectors (执法检查人员名录库), brought to the canonical form of SPEC.md
//! §3 and hashed into their digests (§3.4).

use crate::hash::{hex, Digest32, Tagged};
use crate::headers::{entity_column, inspector_column, EntityColumn, InspectorColumn};
use crate::table::{CsvRows, RowSource};
use crate::text::{canonical_date, normalize_entity_id, normalize_inspector_id, normalize_text};
use crate::{Error, ErrorKind, Location, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One market entity (市场主体) of the entity directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// 统一社会信用代码 or 注册号, normalized (SPEC §3.1).
    pub id: String,
    /// 企业名称, normalized.
    pub name: String,
    /// Further columns as (canonical key, value), sorted by key, empty values
    /// left out.
    pub attributes: Vec<(Arc<str>, String)>,
    /// The row of the source file it came from (header = row 1).
    pub row: u64,
}

impl Entity {
    /// The value of an attribute by canonical key; `id` and `name` give the
    /// id and the name.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        match key {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            _ => self
                .attributes
                .binary_search_by(|(k, _)| k.as_ref().cmp(key))
                .ok()
                .map(|i| self.attributes[i].1.as_str()),
        }
    }

    fn leaf(&self) -> Digest32 {
        let mut t = Tagged::new("shuangsui/1/entity");
        t.field(self.id.as_bytes()).field(self.name.as_bytes());
        for (k, v) in &self.attributes {
            t.field(k.as_bytes()).field(v.as_bytes());
        }
        t.finish()
    }
}

/// Whether an inspector may be sent (人员状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 有效 / 在岗.
    Active,
    /// 失效 / 停用 / 调离.
    Inactive,
}

/// One enforcement officer (执法检查人员).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspector {
    /// 执法证号, normalized.
    pub id: String,
    /// 姓名.
    pub name: String,
    /// 单位/部门 (may be empty).
    pub department: String,
    /// 执法领域, sorted and distinct.
    pub fields: Vec<String>,
    /// 状态.
    pub status: Status,
    /// 证件有效期 as `YYYY-MM-DD`: the last valid day.
    pub expiry: Option<String>,
    /// Further columns as (canonical key, value), sorted by key.
    pub attributes: Vec<(Arc<str>, String)>,
    /// The source row (header = row 1).
    pub row: u64,
}

impl Inspector {
    /// The value of an attribute by canonical key (`department` too).
    pub fn attribute(&self, key: &str) -> Option<&str> {
        match key {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            "department" => Some(&self.department)
                .filter(|d| !d.is_empty())
                .map(|d| d.as_str()),
            _ => self
                .attributes
                .binary_search_by(|(k, _)| k.as_ref().cmp(key))
                .ok()
                .map(|i| self.attributes[i].1.as_str()),
        }
    }

    fn leaf(&self) -> Digest32 {
        let mut t = Tagged::new("shuangsui/1/inspector");
        t.field(self.id.as_bytes())
            .field(self.name.as_bytes())
            .field(self.department.as_bytes())
            .field(self.fields.join(";").as_bytes())
            .field(match self.status {
                Status::Active => b"active",
                Status::Inactive => b"inactive",
            })
            .field(self.expiry.as_deref().unwrap_or("").as_bytes());
        for (k, v) in &self.attributes {
            t.field(k.as_bytes()).field(v.as_bytes());
        }
        t.finish()
    }
}

/// The entity directory in canonical form: sorted by id, with its digest.
#[derive(Debug, Clone)]
pub struct EntityDirectory {
    entities: Vec<Entity>,
    digest: Digest32,
}

/// The inspector directory in canonical form: sorted by id, with its digest.
#[derive(Debug, Clone)]
pub struct InspectorDirectory {
    inspectors: Vec<Inspector>,
    digest: Digest32,
}

fn loc(source: &str, row: u64, column: &str) -> Location {
    Location {
        file: Some(source.to_string()),
        row: Some(row),
        column: Some(column.to_string()),
    }
}

fn cell(source: &str, row: u64, header: &str, value: &str) -> Result<String> {
    normalize_text(value).map_err(|e| e.at(loc(source, row, header)))
}

/// A cell of a key column (id, name, department, …). A line break there
/// almost always means a quote was left open and the following rows were
/// swallowed into this cell, so it is an error rather than a space.
fn key_cell(source: &str, row: u64, header: &str, value: &str) -> Result<String> {
    if value.contains(['\n', '\r']) {
        return Err(Error::new(
            ErrorKind::Csv,
            "this cell spans several lines: a quote (\") is probably not closed, which swallows the rows after it; close or remove the quote",
        )
        .at(loc(source, row, header)));
    }
    cell(source, row, header, value)
}

/// Interns attribute keys so that ten million rows share one allocation per
/// column name.
fn interned(keys: &mut BTreeMap<String, Arc<str>>, key: &str) -> Arc<str> {
    keys.entry(key.to_string())
        .or_insert_with(|| Arc::from(key))
        .clone()
}

fn missing_column(source: &str, what: &str, aliases: &str) -> Error {
    Error::new(
        ErrorKind::MissingColumn,
        format!("no {what} column; the header row needs one of: {aliases}"),
    )
    .at(Location {
        file: Some(source.to_string()),
        row: Some(1),
        column: None,
    })
}

fn duplicate_column(source: &str, first: &str, second: &str) -> Error {
    Error::new(
        ErrorKind::DuplicateColumn,
        format!("the columns \"{first}\" and \"{second}\" mean the same field; delete or rename one of them"),
    )
    .at(Location { file: Some(source.to_string()), row: Some(1), column: Some(second.to_string()) })
}

fn empty_directory(source: &str) -> Error {
    Error::new(
        ErrorKind::EmptyDirectory,
        "the directory has a header row but no data rows",
    )
    .at(Location {
        file: Some(source.to_string()),
        ..Location::default()
    })
}

/// Splits rows into two halves and computes their leaves on two threads.
fn leaves<T: Sync>(items: &[T], leaf: impl Fn(&T) -> Digest32 + Sync) -> Vec<Digest32> {
    if items.len() < 4096 {
        return items.iter().map(&leaf).collect();
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().map(&leaf).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("leaf thread panicked"))
            .collect()
    })
}

/// SPEC §3.4: `SHA256(lp(tag) ‖ u64be(n) ‖ leaf_1 ‖ … ‖ leaf_n)`.
fn directory_digest(tag: &str, leaves: &[Digest32]) -> Digest32 {
    let mut h = Sha256::new();
    h.update((tag.len() as u64).to_be_bytes());
    h.update(tag.as_bytes());
    h.update((leaves.len() as u64).to_be_bytes());
    for l in leaves {
        h.update(l);
    }
    h.finalize().into()
}

fn duplicate_id(source: &str, what: &str, id: &str, first: u64, second: u64) -> Error {
    Error::new(
        ErrorKind::DuplicateId,
        format!("{what} \"{id}\" appears twice, in rows {first} and {second}; each id may appear only once — merge or remove one of the rows"),
    )
    .at(Location { file: Some(source.to_string()), row: Some(second), column: None })
}

impl EntityDirectory {
    /// Reads an entity directory from UTF-8 CSV bytes.
    ///
    /// # Errors
    /// `Csv`, `MissingColumn`, `DuplicateColumn`, `EmptyDirectory`,
    /// `DuplicateId`, `InvalidId`, `InvalidText`, each with file, row and
    /// column.
    ///
    /// # Example
    /// ```
    /// let csv = "统一社会信用代码,企业名称,信用风险等级\n91652302MA77Q8XK1D,阜康市天池商贸有限公司,A\n";
    /// let dir = shuangsui::EntityDirectory::from_csv(csv.as_bytes(), "entities.csv").unwrap();
    /// assert_eq!(dir.len(), 1);
    /// assert_eq!(dir.entities()[0].attribute("信用风险等级"), Some("A"));
    /// ```
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<EntityDirectory> {
        EntityDirectory::from_rows(&mut CsvRows::from_bytes(bytes, source)?)
    }

    /// Reads an entity directory from any [`RowSource`].
    ///
    /// # Errors
    /// As [`EntityDirectory::from_csv`].
    pub fn from_rows(rows: &mut dyn RowSource) -> Result<EntityDirectory> {
        let source = rows.source().to_string();
        let headers = rows.headers().to_vec();
        let roles: Vec<EntityColumn> = headers.iter().map(|h| entity_column(h)).collect();
        let find = |want: &dyn Fn(&EntityColumn) -> bool| -> Result<Option<usize>> {
            let mut found: Option<usize> = None;
            for (i, r) in roles.iter().enumerate() {
                if want(r) {
                    if let Some(f) = found {
                        return Err(duplicate_column(&source, &headers[f], &headers[i]));
                    }
                    found = Some(i);
                }
            }
            Ok(found)
        };
        let id_col = find(&|r| *r == EntityColumn::Id)?;
        let legacy_col = find(&|r| *r == EntityColumn::LegacyId)?;
        let name_col = find(&|r| *r == EntityColumn::Name)?.ok_or_else(|| {
            missing_column(
                &source,
                "name (企业名称)",
                "企业名称, 主体名称, 市场主体名称, 名称, name",
            )
        })?;
        if id_col.is_none() && legacy_col.is_none() {
            return Err(missing_column(
                &source,
                "id (统一社会信用代码)",
                "统一社会信用代码, 信用代码, 注册号, id",
            ));
        }
        let mut keys = BTreeMap::new();
        let mut attr_cols: Vec<(usize, Arc<str>)> = Vec::new();
        let mut seen_attr: BTreeMap<Arc<str>, usize> = BTreeMap::new();
        for (i, r) in roles.iter().enumerate() {
            if let EntityColumn::Attribute(key) = r {
                if key.is_empty() {
                    continue; // a column without a header carries nothing we can name
                }
                let key = interned(&mut keys, key);
                if let Some(&first) = seen_attr.get(&key) {
                    return Err(duplicate_column(&source, &headers[first], &headers[i]));
                }
                seen_attr.insert(key.clone(), i);
                attr_cols.push((i, key));
            }
        }
        let legacy_key = interned(&mut keys, "注册号");
        if id_col.is_some() && legacy_col.is_some() && seen_attr.contains_key("注册号") {
            return Err(duplicate_column(
                &source,
                &headers[legacy_col.unwrap_or(0)],
                "注册号",
            ));
        }

        let mut entities = Vec::new();
        let mut row = Vec::new();
        while let Some(line) = rows.next_row(&mut row)? {
            let primary = match id_col {
                Some(c) => key_cell(&source, line, &headers[c], &row[c])?,
                None => String::new(),
            };
            let legacy = match legacy_col {
                Some(c) => key_cell(&source, line, &headers[c], &row[c])?,
                None => String::new(),
            };
            let (raw_id, id_header) = if !primary.is_empty() || legacy_col.is_none() {
                (primary.as_str(), &headers[id_col.unwrap_or(0)])
            } else {
                (legacy.as_str(), &headers[legacy_col.unwrap_or(0)])
            };
            let id = key_cell(&source, line, id_header, raw_id).and_then(|id| {
                normalize_entity_id(&id).map_err(|e| e.at(loc(&source, line, id_header)))
            })?;
            let name = key_cell(&source, line, &headers[name_col], &row[name_col])?;
            if name.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    "the name (企业名称) is empty; fill it in",
                )
                .at(loc(&source, line, &headers[name_col])));
            }
            let mut attributes = Vec::with_capacity(attr_cols.len() + 1);
            for (c, key) in &attr_cols {
                let v = cell(&source, line, &headers[*c], &row[*c])?;
                if !v.is_empty() {
                    attributes.push((key.clone(), v));
                }
            }
            if id_col.is_some() && legacy_col.is_some() && !legacy.is_empty() {
                attributes.push((legacy_key.clone(), legacy.clone()));
            }
            attributes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            entities.push(Entity {
                id,
                name,
                attributes,
                row: line,
            });
        }
        if entities.is_empty() {
            return Err(empty_directory(&source));
        }
        entities
            .sort_unstable_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()).then(a.row.cmp(&b.row)));
        if let Some(w) = entities.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(duplicate_id(
                &source,
                "the id (统一社会信用代码)",
                &w[0].id,
                w[0].row,
                w[1].row,
            ));
        }
        let leaves = leaves(&entities, Entity::leaf);
        let digest = directory_digest("shuangsui/1/entities", &leaves);
        Ok(EntityDirectory { entities, digest })
    }

    /// The entities in canonical order (sorted by id bytes).
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Always false: an empty directory is an error when loading.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The directory digest (SPEC §3.4).
    pub fn digest(&self) -> Digest32 {
        self.digest
    }

    /// The digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        hex(&self.digest)
    }

    /// Looks an entity up by its normalized id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.entities
            .binary_search_by(|e| e.id.as_bytes().cmp(id.as_bytes()))
            .ok()
            .map(|i| &self.entities[i])
    }
}

fn parse_status(v: &str) -> Option<Status> {
    let l = v.to_ascii_lowercase();
    match l.as_str() {
        "" | "有效" | "在职" | "在岗" | "正常" | "启用" | "active" | "valid" => {
            Some(Status::Active)
        }
        "失效" | "无效" | "停用" | "注销" | "离职" | "调离" | "暂停" | "inactive" | "invalid"
        | "suspended" => Some(Status::Inactive),
        _ => None,
    }
}

/// Splits a 执法领域 cell into its fields (SPEC §3.2).
pub(crate) fn split_fields(v: &str) -> Vec<String> {
    // Fold first, so that full-width separators (；，／｜) split too.
    let folded = normalize_text(v).unwrap_or_default();
    let mut fields: Vec<String> = folded
        .split([';', ',', '、', '|', '/'])
        .filter_map(|p| normalize_text(p).ok())
        .filter(|p| !p.is_empty())
        .collect();
    fields.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    fields.dedup();
    fields
}

impl InspectorDirectory {
    /// Reads an inspector directory from UTF-8 CSV bytes.
    ///
    /// # Errors
    /// `Csv`, `MissingColumn`, `DuplicateColumn`, `EmptyDirectory`,
    /// `DuplicateId`, `InvalidId`, `InvalidText`, `InvalidValue` (an unknown
    /// status), `InvalidDate` (an unreadable expiry), each with file, row and
    /// column.
    ///
    /// # Example
    /// ```
    /// let csv = "执法证号,姓名,部门,执法领域,状态,有效期\nZF001,王伟,市场监管局,食品安全;价格监管,有效,2027-12-31\n";
    /// let dir = shuangsui::InspectorDirectory::from_csv(csv.as_bytes(), "inspectors.csv").unwrap();
    /// assert_eq!(dir.inspectors()[0].fields, vec!["价格监管", "食品安全"]);
    /// let csv = "执法证号,姓名,执法领域\nZF002,李娜,食品安全；特种设备、 价格监管 \n";
    /// let dir = shuangsui::InspectorDirectory::from_csv(csv.as_bytes(), "inspectors.csv").unwrap();
    /// assert_eq!(dir.inspectors()[0].fields, vec!["价格监管", "特种设备", "食品安全"]);
    /// ```
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<InspectorDirectory> {
        InspectorDirectory::from_rows(&mut CsvRows::from_bytes(bytes, source)?)
    }

    /// Reads an inspector directory from any [`RowSource`].
    ///
    /// # Errors
    /// As [`InspectorDirectory::from_csv`].
    pub fn from_rows(rows: &mut dyn RowSource) -> Result<InspectorDirectory> {
        let source = rows.source().to_string();
        let headers = rows.headers().to_vec();
        let roles: Vec<InspectorColumn> = headers.iter().map(|h| inspector_column(h)).collect();
        let mut by_role: BTreeMap<String, usize> = BTreeMap::new();
        let mut keys = BTreeMap::new();
        let mut attr_cols: Vec<(usize, Arc<str>)> = Vec::new();
        for (i, r) in roles.iter().enumerate() {
            let role_key = match r {
                InspectorColumn::Attribute(k) if k.is_empty() => continue,
                InspectorColumn::Attribute(k) => format!("attr:{k}"),
                other => format!("{other:?}"),
            };
            if let Some(&first) = by_role.get(&role_key) {
                return Err(duplicate_column(&source, &headers[first], &headers[i]));
            }
            by_role.insert(role_key, i);
            if let InspectorColumn::Attribute(k) = r {
                attr_cols.push((i, interned(&mut keys, k)));
            }
        }
        let col = |r: &InspectorColumn| by_role.get(&format!("{r:?}")).copied();
        let id_col = col(&InspectorColumn::Id).ok_or_else(|| {
            missing_column(
                &source,
                "certificate number (执法证号)",
                "执法证号, 证号, id",
            )
        })?;
        let name_col = col(&InspectorColumn::Name)
            .ok_or_else(|| missing_column(&source, "name (姓名)", "姓名, name"))?;
        let dept_col = col(&InspectorColumn::Department);
        let fields_col = col(&InspectorColumn::Fields);
        let status_col = col(&InspectorColumn::Status);
        let expiry_col = col(&InspectorColumn::Expiry);

        let mut inspectors = Vec::new();
        let mut row = Vec::new();
        while let Some(line) = rows.next_row(&mut row)? {
            key_cell(&source, line, &headers[id_col], &row[id_col])?;
            let id = normalize_inspector_id(&row[id_col])
                .map_err(|e| e.at(loc(&source, line, &headers[id_col])))?;
            let name = key_cell(&source, line, &headers[name_col], &row[name_col])?;
            if name.is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    "the name (姓名) is empty; fill it in",
                )
                .at(loc(&source, line, &headers[name_col])));
            }
            let department = match dept_col {
                Some(c) => key_cell(&source, line, &headers[c], &row[c])?,
                None => String::new(),
            };
            let fields = match fields_col {
                Some(c) => {
                    key_cell(&source, line, &headers[c], &row[c])?;
                    split_fields(&row[c])
                }
                None => Vec::new(),
            };
            let status = match status_col {
                Some(c) => {
                    let v = key_cell(&source, line, &headers[c], &row[c])?;
                    parse_status(&v).ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidValue,
                            format!("the status (状态) \"{v}\" is not known; write 有效 (active) or 失效 (inactive)"),
                        )
                        .at(loc(&source, line, &headers[c]))
                    })?
                }
                None => Status::Active,
            };
            let expiry = match expiry_col {
                Some(c) => {
                    let v = key_cell(&source, line, &headers[c], &row[c])?;
                    if v.is_empty() {
                        None
                    } else {
                        Some(
                            canonical_date(&v)
                                .map_err(|e| e.at(loc(&source, line, &headers[c])))?,
                        )
                    }
                }
                None => None,
            };
            let mut attributes = Vec::with_capacity(attr_cols.len());
            for (c, key) in &attr_cols {
                let v = cell(&source, line, &headers[*c], &row[*c])?;
                if !v.is_empty() {
                    attributes.push((key.clone(), v));
                }
            }
            attributes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            inspectors.push(Inspector {
                id,
                name,
                department,
                fields,
                status,
                expiry,
                attributes,
                row: line,
            });
        }
        if inspectors.is_empty() {
            return Err(empty_directory(&source));
        }
        inspectors
            .sort_unstable_by(|a, b| a.id.as_bytes().cmp(b.id.as_bytes()).then(a.row.cmp(&b.row)));
        if let Some(w) = inspectors.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(duplicate_id(
                &source,
                "the certificate number (执法证号)",
                &w[0].id,
                w[0].row,
                w[1].row,
            ));
        }
        let leaves = leaves(&inspectors, Inspector::leaf);
        let digest = directory_digest("shuangsui/1/inspectors", &leaves);
        Ok(InspectorDirectory { inspectors, digest })
    }

    /// The inspectors in canonical order (sorted by id bytes).
    pub fn inspectors(&self) -> &[Inspector] {
        &self.inspectors
    }

    /// The number of inspectors.
    pub fn len(&self) -> usize {
        self.inspectors.len()
    }

    /// Always false: an empty directory is an error when loading.
    pub fn is_empty(&self) -> bool {
        self.inspectors.is_empty()
    }

    /// The directory digest (SPEC §3.4).
    pub fn digest(&self) -> Digest32 {
        self.digest
    }

    /// The digest as lowercase hex.
    pub fn digest_hex(&self) -> String {
        hex(&self.digest)
    }
}
