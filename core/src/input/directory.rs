//! The two directories (一单两库): market entities (检查对象名录库) and
//! inspectors (执法检查人员名录库), brought to the canonical form of SPEC.md
//! §3 and hashed into their digests (§3.4).

use crate::input::problems::Problems;
use crate::input::table::{ReadOptions, RowSource, Table};
use crate::spec::hash::{hex, Digest32};
use crate::spec::headers::InspectorColumn;
use crate::spec::layout::{
    entity_roles, inspector_role, names_entity_id, names_inspector_id, EntityLayout, KeyValue,
    LayoutProblem, LEGACY_ATTRIBUTE,
};
use crate::spec::leaves::{
    directory_digest, entity_leaf, inspector_leaf, values_in_key_order, DirectoryKind,
    InspectorFields,
};
use crate::spec::text::{
    canonical_date, looks_scientific, normalize_entity_id, normalize_inspector_id, normalize_text,
};
use crate::spec::uscc::code_problem;
use crate::{Error, ErrorKind, Location, Result};
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

    /// SPEC §3.1: the entity's leaf, with its values in the order of the
    /// directory's attribute keys.
    fn leaf(&self, keys: &[Arc<str>], buf: &mut Vec<u8>) -> Digest32 {
        entity_leaf(
            buf,
            self.id.as_bytes(),
            self.name.as_bytes(),
            values_in_key_order(&self.attributes, keys),
        )
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

    /// SPEC §3.2: the inspector's leaf.
    fn leaf(&self, keys: &[Arc<str>], buf: &mut Vec<u8>) -> Digest32 {
        let fields = InspectorFields {
            id: &self.id,
            name: &self.name,
            department: &self.department,
            fields: &self.fields,
            active: self.status == Status::Active,
            expiry: self.expiry.as_deref().unwrap_or(""),
        };
        inspector_leaf(buf, &fields, values_in_key_order(&self.attributes, keys))
    }
}

/// The entity directory in canonical form: sorted by id, with its digest.
#[derive(Debug, Clone)]
pub struct EntityDirectory {
    entities: Vec<Entity>,
    digest: Digest32,
    warnings: Vec<Error>,
}

/// The inspector directory in canonical form: sorted by id, with its digest.
#[derive(Debug, Clone)]
pub struct InspectorDirectory {
    inspectors: Vec<Inspector>,
    digest: Digest32,
}

/// What to do with an id that is not a valid 统一社会信用代码 (GB 32100-2015)
/// nor a 15-digit 注册号.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CodeCheck {
    /// Refuse the file, listing every invalid code (the default).
    #[default]
    Error,
    /// Accept it, listing every invalid code as a warning.
    Warn,
    /// Do not check.
    Off,
}

/// How to load a directory: the file's format and how its columns map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Encoding and worksheet.
    pub read: ReadOptions,
    /// Explicit column mappings for unusual headers: (the header as written
    /// in the file, the field it holds — `id`, `name`, `department`,
    /// `fields`, `status`, `expiry`, any alias of SPEC §3.3, or an
    /// attribute name).
    pub columns: Vec<(String, String)>,
    /// The check of entity codes.
    pub codes: CodeCheck,
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
    if let Some(e) = spans_lines(source, row, header, value) {
        return Err(e);
    }
    cell(source, row, header, value)
}

/// SPEC §3.0: a line break in a key cell (the id, name, department,
/// fields, status or expiry of a directory; an exclusion list's id) is an
/// error (`Csv`), as it comes from a quote left open.
pub(crate) fn spans_lines(source: &str, row: u64, header: &str, value: &str) -> Option<Error> {
    value.contains(['\n', '\r']).then(|| {
        Error::new(
            ErrorKind::Csv,
            "this cell spans several lines: a quote (\") is probably not closed, which swallows the rows after it; close or remove the quote",
            "该单元格跨越多行：可能有未闭合的引号（\"），吞并了其后的行；请补全或删除该引号",
        )
        .at(loc(source, row, header))
    })
}

/// The error for a code that Excel turned into a number.
fn mangled_code(
    source: &str,
    row: u64,
    header: &str,
    value: &str,
    (what, what_zh): (&str, &str),
) -> Error {
    let value = crate::spec::text::quote_short(value);
    Error::new(
        ErrorKind::InvalidId,
        format!(
            "the {what} \"{value}\" was stored as a number, which loses digits; in Excel select the column, format it as Text (设置单元格格式 → 文本) and enter the codes again (or export them again from the registration system)"
        ), format!(
        "{what_zh}“{value}”被 Excel 存成了数字，已丢失位数；请选中该列，设置单元格格式为“文本”后重新录入（或从登记系统重新导出）"
    ))
    .at(loc(source, row, header))
}

/// The value of a cell check, or None with the problem recorded and the row
/// marked bad.
fn take<T>(ok: &mut bool, r: Result<T>, problems: &mut Problems) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            *ok = false;
            problems.push(e);
            None
        }
    }
}

/// Interns attribute keys so that ten million rows share one allocation per
/// column name.
fn interned(keys: &mut BTreeMap<String, Arc<str>>, key: &str) -> Arc<str> {
    keys.entry(key.to_string())
        .or_insert_with(|| Arc::from(key))
        .clone()
}

fn missing_column(source: &str, (what, what_zh): (&str, &str), aliases: &str) -> Error {
    Error::new(
        ErrorKind::MissingColumn,
        format!("no {what} column; the header row needs one of: {aliases} (or map your column to it explicitly)"), format!("缺少“{what_zh}”列；表头需含以下之一：{aliases}（或手工指定对应列）"))
    .at(Location {
        file: Some(source.to_string()),
        row: None,
        column: None,
    })
}

fn duplicate_column(source: &str, first: &str, second: &str) -> Error {
    Error::new(
        ErrorKind::DuplicateColumn,
        format!("the columns \"{first}\" and \"{second}\" mean the same field; delete or rename one of them"), format!("“{first}”与“{second}”两列含义相同；请删除或改名其中一列"))
    .at(Location {
        file: Some(source.to_string()),
        row: None,
        column: Some(second.to_string()),
    })
}

fn empty_directory(source: &str) -> Error {
    Error::new(
        ErrorKind::EmptyDirectory,
        "the directory has a header row but no data rows",
        "名录只有表头，没有数据行",
    )
    .at(Location {
        file: Some(source.to_string()),
        ..Location::default()
    })
}

/// Splits rows into parts and computes their leaves on all cores, each
/// part building its leaves' input in one buffer.
fn leaves<T: Sync>(
    items: &[T],
    leaf: impl Fn(&T, &mut Vec<u8>) -> Digest32 + Sync,
) -> Vec<Digest32> {
    let all = |part: &[T]| {
        let mut buf = Vec::with_capacity(512);
        part.iter().map(|i| leaf(i, &mut buf)).collect::<Vec<_>>()
    };
    let threads = crate::parallel::threads();
    if items.len() < 4096 || threads == 1 {
        return all(items);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || all(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("leaf thread panicked"))
            .collect()
    })
}

/// SPEC §3.1, §3.2: puts the rows in canonical order (by id bytes, then by
/// row), recording two rows with the same id as a problem (`DuplicateId`,
/// naming both rows). `what` names the id, in English and in Chinese.
fn canonical_order<T>(
    items: &mut [T],
    key: impl Fn(&T) -> (&str, u64),
    what: (&str, &str),
    source: &str,
    problems: &mut Problems,
) {
    items.sort_unstable_by(|a, b| {
        let (a, b) = (key(a), key(b));
        a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.cmp(&b.1))
    });
    for w in items.windows(2) {
        let ((id, first), (next, second)) = (key(&w[0]), key(&w[1]));
        if id != next {
            continue;
        }
        let id = crate::spec::text::quote_short(id);
        let (en, zh) = what;
        problems.push(
            Error::new(
                ErrorKind::DuplicateId,
                format!("{en} \"{id}\" appears twice, in rows {first} and {second}; each id may appear only once — merge or remove one of the rows"),
                format!("{zh}“{id}”重复出现在第 {first} 行和第 {second} 行；每个{zh}只能出现一次，请合并或删除其中一行"),
            )
            .at(Location {
                file: Some(source.to_string()),
                row: Some(second),
                column: None,
            }),
        );
    }
}

/// Drains a row source, collecting the problems of each row: `each` gets
/// the row and its number and returns the problems it found.
fn for_each_row(
    rows: &mut dyn RowSource,
    problems: &mut Problems,
    mut each: impl FnMut(&dyn RowSource, &[String], u64, &mut Problems),
) {
    let mut row = Vec::new();
    let mut last_error_row: Option<Option<u64>> = None;
    loop {
        if problems.stop_when_full(rows, &mut row) {
            return;
        }
        match rows.next_row(&mut row) {
            Ok(None) => return,
            Ok(Some(line)) => {
                last_error_row = None;
                each(&*rows, &row, line, problems);
            }
            Err(e) => {
                let here = e.location().and_then(|l| l.row);
                // The same error twice without progress: the reader cannot
                // go on past it.
                if last_error_row == Some(here) || here.is_none() {
                    problems.push(e);
                    return;
                }
                last_error_row = Some(here);
                problems.push(e);
            }
        }
    }
}

impl EntityDirectory {
    /// Reads an entity directory from a CSV file's bytes (UTF-8 or GBK, see
    /// [`EntityDirectory::load`]) with the default options.
    ///
    /// # Errors
    /// As [`EntityDirectory::load`].
    ///
    /// # Example
    /// ```
    /// let csv = "统一社会信用代码,企业名称,信用风险等级\n91350100M000100Y43,阜康市天池商贸有限公司,A\n";
    /// let dir = shuangsui::EntityDirectory::from_csv(csv.as_bytes(), "entities.csv").unwrap();
    /// assert_eq!(dir.len(), 1);
    /// assert_eq!(dir.entities()[0].attribute("信用风险等级"), Some("A"));
    /// ```
    pub fn from_csv(bytes: &[u8], source: &str) -> Result<EntityDirectory> {
        EntityDirectory::load(bytes, source, &LoadOptions::default())
    }

    /// Reads an entity directory from a file's bytes: CSV (UTF-8 or GBK,
    /// comma or tab) or an Excel workbook, finding the header row below any
    /// title rows.
    ///
    /// # Errors
    /// `Io`, `Csv`, `MissingColumn`, `DuplicateColumn`, `EmptyDirectory`;
    /// and, all rows' problems listed together in one error (see
    /// [`Error::details`]): `DuplicateId`, `InvalidId` (including an invalid
    /// code under [`CodeCheck::Error`] and a code Excel turned into a
    /// number), `InvalidText`, `InvalidValue`, each with file, row and
    /// column.
    pub fn load(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<EntityDirectory> {
        let mut rows = EntityDirectory::table(bytes, source, options)?;
        EntityDirectory::from_rows(&mut rows, options)
    }

    /// Opens a file's bytes as a table with the entity directory's header row
    /// found, for callers that wrap the rows (e.g. to show progress) before
    /// [`EntityDirectory::from_rows`].
    ///
    /// # Errors
    /// `Io`, `Csv`, `EmptyDirectory`.
    pub fn table<'a>(bytes: &'a [u8], source: &str, options: &LoadOptions) -> Result<Table<'a>> {
        EntityDirectory::table_from_reader(bytes, source, options)
    }

    /// As [`EntityDirectory::table`], streaming from a reader (a CSV file of
    /// millions of rows is never held in memory; a workbook is).
    ///
    /// # Errors
    /// `Io`, `Csv`, `EmptyDirectory`.
    pub fn table_from_reader<'a>(
        reader: impl std::io::Read + 'a,
        source: &str,
        options: &LoadOptions,
    ) -> Result<Table<'a>> {
        let columns = options.columns.clone();
        let is_header = move |cells: &[String]| names_entity_id(&columns, cells);
        Table::from_reader(reader, source, &options.read, &is_header)
    }

    /// Reads an entity directory from any [`RowSource`].
    ///
    /// # Errors
    /// As [`EntityDirectory::load`].
    pub fn from_rows(rows: &mut dyn RowSource, options: &LoadOptions) -> Result<EntityDirectory> {
        let source = rows.source().to_string();
        let headers = rows.headers().to_vec();
        let roles = entity_roles(&options.columns, &headers);
        let layout = EntityLayout::of(&roles).map_err(|p| match p {
            LayoutProblem::Duplicate(a, b) => duplicate_column(&source, &headers[a], &headers[b]),
            LayoutProblem::NoName => missing_column(
                &source,
                ("name (企业名称)", "企业名称"),
                "企业名称, 主体名称, 市场主体名称, 名称, name",
            ),
            LayoutProblem::NoId => missing_column(
                &source,
                ("id (统一社会信用代码)", "统一社会信用代码"),
                "统一社会信用代码, 信用代码, 注册号, id",
            ),
            LayoutProblem::LegacyTwice(l) => {
                duplicate_column(&source, &headers[l], LEGACY_ATTRIBUTE)
            }
        })?;
        let ids = layout.ids;
        let name_col = layout.name;
        let attr_cols = &layout.attributes;
        // The key under which a 注册号 is kept, when it is (SPEC §3.1).
        let legacy_key: Option<Arc<str>> = layout
            .keys
            .iter()
            .find(|(_, v)| *v == KeyValue::Legacy)
            .map(|(k, _)| k.clone());

        let mut entities = Vec::new();
        let mut problems = Problems::new(&source);
        let mut warnings = Problems::new(&source);
        for_each_row(rows, &mut problems, |rows, row, line, problems| {
            let mut row_ok = true;
            let id_cell = |c: usize, problems: &mut Problems| -> Option<String> {
                if rows.cell_is_number(c) || looks_scientific(&row[c]) {
                    problems.push(mangled_code(
                        &source,
                        line,
                        &headers[c],
                        &row[c],
                        ("code (统一社会信用代码)", "统一社会信用代码"),
                    ));
                    return None;
                }
                match key_cell(&source, line, &headers[c], &row[c]) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        problems.push(e);
                        None
                    }
                }
            };
            let primary = match ids.primary {
                Some(c) => id_cell(c, problems),
                None => Some(String::new()),
            };
            let legacy = match ids.legacy {
                Some(c) => id_cell(c, problems),
                None => Some(String::new()),
            };
            let (Some(primary), Some(legacy)) = (primary, legacy) else {
                return;
            };
            let id_col = ids.for_row(primary.is_empty()).unwrap_or(0);
            let raw_id = if Some(id_col) == ids.primary {
                primary.as_str()
            } else {
                legacy.as_str()
            };
            let id_header = &headers[id_col];
            let id = take(
                &mut row_ok,
                normalize_entity_id(raw_id).map_err(|e| e.at(loc(&source, line, id_header))),
                problems,
            );
            if let Some(id) = &id {
                if options.codes != CodeCheck::Off {
                    if let Some((en, zh)) = code_problem(id) {
                        let e = Error::new(ErrorKind::InvalidId, en, zh)
                            .at(loc(&source, line, id_header));
                        if options.codes == CodeCheck::Error {
                            row_ok = false;
                            problems.push(e);
                        } else {
                            warnings.push(e);
                        }
                    }
                }
            }
            let name = take(
                &mut row_ok,
                key_cell(&source, line, &headers[name_col], &row[name_col]),
                problems,
            );
            if name.as_deref() == Some("") {
                row_ok = false;
                problems.push(
                    Error::new(
                        ErrorKind::InvalidValue,
                        "the name (企业名称) is empty; fill it in",
                        "企业名称为空，请补全",
                    )
                    .at(loc(&source, line, &headers[name_col])),
                );
            }
            let mut attributes = Vec::with_capacity(attr_cols.len() + 1);
            for (c, key) in attr_cols {
                if let Some(v) = take(
                    &mut row_ok,
                    cell(&source, line, &headers[*c], &row[*c]),
                    problems,
                ) {
                    if !v.is_empty() {
                        attributes.push((key.clone(), v));
                    }
                }
            }
            if let (Some(key), false) = (&legacy_key, legacy.is_empty()) {
                attributes.push((key.clone(), legacy.clone()));
            }
            if let (true, Some(id), Some(name)) = (row_ok, id, name) {
                attributes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                entities.push(Entity {
                    id,
                    name,
                    attributes,
                    row: line,
                });
            }
        });
        if entities.is_empty() && problems.is_empty() {
            return Err(empty_directory(&source));
        }
        canonical_order(
            &mut entities,
            |e| (&e.id, e.row),
            ("the id (统一社会信用代码)", "统一社会信用代码"),
            &source,
            &mut problems,
        );
        problems.finish()?;
        let keys: Vec<Arc<str>> = layout.keys.iter().map(|(k, _)| k.clone()).collect();
        let leaves = leaves(&entities, |e, buf| e.leaf(&keys, buf));
        let digest = directory_digest(DirectoryKind::Entities, keys.iter().map(|k| &**k), &leaves);
        Ok(EntityDirectory {
            entities,
            digest,
            warnings: warnings.into_warnings(),
        })
    }

    /// Problems that did not stop the loading (invalid codes under
    /// [`CodeCheck::Warn`]).
    pub fn warnings(&self) -> &[Error] {
        &self.warnings
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
    /// Reads an inspector directory from a CSV file's bytes with the default
    /// options.
    ///
    /// # Errors
    /// As [`InspectorDirectory::load`].
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
        InspectorDirectory::load(bytes, source, &LoadOptions::default())
    }

    /// Reads an inspector directory from a file's bytes: CSV (UTF-8 or GBK)
    /// or an Excel workbook.
    ///
    /// # Errors
    /// `Io`, `Csv`, `MissingColumn`, `DuplicateColumn`, `EmptyDirectory`;
    /// and, all rows' problems listed together: `DuplicateId`, `InvalidId`,
    /// `InvalidText`, `InvalidValue` (an unknown status), `InvalidDate` (an
    /// unreadable expiry), each with file, row and column.
    pub fn load(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<InspectorDirectory> {
        let mut rows = InspectorDirectory::table(bytes, source, options)?;
        InspectorDirectory::from_rows(&mut rows, options)
    }

    /// Opens a file's bytes as a table with the inspector directory's header
    /// row found (see [`EntityDirectory::table`]).
    ///
    /// # Errors
    /// `Io`, `Csv`, `EmptyDirectory`.
    pub fn table<'a>(bytes: &'a [u8], source: &str, options: &LoadOptions) -> Result<Table<'a>> {
        InspectorDirectory::table_from_reader(bytes, source, options)
    }

    /// As [`InspectorDirectory::table`], streaming from a reader.
    ///
    /// # Errors
    /// `Io`, `Csv`, `EmptyDirectory`.
    pub fn table_from_reader<'a>(
        reader: impl std::io::Read + 'a,
        source: &str,
        options: &LoadOptions,
    ) -> Result<Table<'a>> {
        let columns = options.columns.clone();
        let is_header = move |cells: &[String]| names_inspector_id(&columns, cells);
        Table::from_reader(reader, source, &options.read, &is_header)
    }

    /// Reads an inspector directory from any [`RowSource`].
    ///
    /// # Errors
    /// As [`InspectorDirectory::load`].
    pub fn from_rows(
        rows: &mut dyn RowSource,
        options: &LoadOptions,
    ) -> Result<InspectorDirectory> {
        let source = rows.source().to_string();
        let headers = rows.headers().to_vec();
        let roles: Vec<InspectorColumn> = headers
            .iter()
            .map(|h| inspector_role(&options.columns, h))
            .collect();
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
                ("certificate number (执法证号)", "执法证号"),
                "执法证号, 证号, id",
            )
        })?;
        let name_col = col(&InspectorColumn::Name)
            .ok_or_else(|| missing_column(&source, ("name (姓名)", "姓名"), "姓名, name"))?;
        let dept_col = col(&InspectorColumn::Department);
        let fields_col = col(&InspectorColumn::Fields);
        let status_col = col(&InspectorColumn::Status);
        let expiry_col = col(&InspectorColumn::Expiry);

        let mut inspectors = Vec::new();
        let mut problems = Problems::new(&source);
        for_each_row(rows, &mut problems, |rows, row, line, problems| {
            let mut row_ok = true;
            let id = if rows.cell_is_number(id_col) || looks_scientific(&row[id_col]) {
                problems.push(mangled_code(
                    &source,
                    line,
                    &headers[id_col],
                    &row[id_col],
                    ("certificate number (执法证号)", "执法证号"),
                ));
                None
            } else {
                take(
                    &mut row_ok,
                    key_cell(&source, line, &headers[id_col], &row[id_col]).and_then(|v| {
                        normalize_inspector_id(&v)
                            .map_err(|e| e.at(loc(&source, line, &headers[id_col])))
                    }),
                    problems,
                )
            };
            let name = take(
                &mut row_ok,
                key_cell(&source, line, &headers[name_col], &row[name_col]),
                problems,
            );
            if name.as_deref() == Some("") {
                row_ok = false;
                problems.push(
                    Error::new(
                        ErrorKind::InvalidValue,
                        "the name (姓名) is empty; fill it in",
                        "姓名为空，请补全",
                    )
                    .at(loc(&source, line, &headers[name_col])),
                );
            }
            let department = match dept_col {
                Some(c) => take(
                    &mut row_ok,
                    key_cell(&source, line, &headers[c], &row[c]),
                    problems,
                ),
                None => Some(String::new()),
            };
            let fields = match fields_col {
                Some(c) => take(
                    &mut row_ok,
                    key_cell(&source, line, &headers[c], &row[c]),
                    problems,
                )
                .map(|v| split_fields(&v)),
                None => Some(Vec::new()),
            };
            let status = match status_col {
                Some(c) => match take(
                    &mut row_ok,
                    key_cell(&source, line, &headers[c], &row[c]),
                    problems,
                ) {
                    Some(v) => match parse_status(&v) {
                        Some(s) => Some(s),
                        None => {
                            row_ok = false;
                            problems.push(
                                Error::new(
                                    ErrorKind::InvalidValue,
                                    format!("the status (状态) \"{}\" is not known; write 有效 (active) or 失效 (inactive)", crate::spec::text::quote_short(&v)), format!("状态“{}”无法识别；请填写“有效”或“失效”", crate::spec::text::quote_short(&v)))
                                .at(loc(&source, line, &headers[c])),
                            );
                            None
                        }
                    },
                    None => None,
                },
                None => Some(Status::Active),
            };
            let expiry = match expiry_col {
                Some(c) => match take(
                    &mut row_ok,
                    key_cell(&source, line, &headers[c], &row[c]),
                    problems,
                ) {
                    Some(v) if v.is_empty() => Some(None),
                    Some(v) => take(
                        &mut row_ok,
                        canonical_date(&v).map_err(|e| e.at(loc(&source, line, &headers[c]))),
                        problems,
                    )
                    .map(Some),
                    None => None,
                },
                None => Some(None),
            };
            let mut attributes = Vec::with_capacity(attr_cols.len());
            for (c, key) in &attr_cols {
                if let Some(v) = take(
                    &mut row_ok,
                    cell(&source, line, &headers[*c], &row[*c]),
                    problems,
                ) {
                    if !v.is_empty() {
                        attributes.push((key.clone(), v));
                    }
                }
            }
            if let (
                true,
                Some(id),
                Some(name),
                Some(department),
                Some(fields),
                Some(status),
                Some(expiry),
            ) = (row_ok, id, name, department, fields, status, expiry)
            {
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
        });
        if inspectors.is_empty() && problems.is_empty() {
            return Err(empty_directory(&source));
        }
        canonical_order(
            &mut inspectors,
            |i| (&i.id, i.row),
            ("the certificate number (执法证号)", "执法证号"),
            &source,
            &mut problems,
        );
        problems.finish()?;
        let mut keys: Vec<Arc<str>> = attr_cols.iter().map(|(_, k)| k.clone()).collect();
        keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        keys.dedup();
        let leaves = leaves(&inspectors, |i, buf| i.leaf(&keys, buf));
        let digest = directory_digest(
            DirectoryKind::Inspectors,
            keys.iter().map(|k| &**k),
            &leaves,
        );
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
