//! The task (抽查任务, SPEC.md §5): read from TOML, reduced to the canonical
//! task whose canonical JSON is hashed into the task digest.

use crate::input::directory::{CodeCheck, LoadOptions};
use crate::input::exclusions::Exclusions;
use crate::input::table::ReadOptions;
use crate::spec::hash::{tagged, Digest32};
use crate::spec::headers::{entity_column, inspector_column, EntityColumn, InspectorColumn};
use crate::spec::text::{
    canonical_date, normalize_entity_id, normalize_inspector_id, normalize_text,
};
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The largest `team.max_per_inspector` (SPEC §5.2): 2^32.
const MAX_PER_INSPECTOR: u64 = 1 << 32;

/// A condition of a stratum: the entity's attribute is one of the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Canonical attribute key (SPEC §3.3), or `id` / `name`.
    pub attribute: String,
    /// Allowed values, sorted by bytes, distinct.
    #[serde(rename = "in")]
    pub values: Vec<String>,
}

impl Condition {
    /// SPEC §5.1: whether an entity whose value for this condition's
    /// attribute is `value` (the empty text when it has none; the id and
    /// the name for `id` and `name`) meets the condition: the value is one
    /// of those listed. An entity without the attribute never does.
    pub(crate) fn holds(&self, value: &[u8]) -> bool {
        !value.is_empty() && self.values.iter().any(|v| v.as_bytes() == value)
    }
}

/// SPEC §5.1: the stratum of an entity, from whether it matches each of the
/// task's strata in order (all of that stratum's conditions hold): `None`
/// when it matches none, `Err` with the first two when it matches more than
/// one (`OverlappingStrata`).
pub(crate) fn only_match(
    matches: impl IntoIterator<Item = bool>,
) -> std::result::Result<Option<usize>, (usize, usize)> {
    let mut found = None;
    for (s, m) in matches.into_iter().enumerate() {
        if m {
            if let Some(first) = found {
                return Err((first, s));
            }
            found = Some(s);
        }
    }
    Ok(found)
}

/// A stratum (分层): a filter on entity attributes and a quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stratum {
    /// Display name, e.g. `信用风险等级=A`.
    pub name: String,
    /// Conditions, all of which must hold; empty matches every entity.
    #[serde(rename = "where")]
    pub conditions: Vec<Condition>,
    /// Ratio in parts per million ("不少于", rounded up), or null.
    pub ratio_ppm: Option<u64>,
    /// A fixed count, or null.
    pub count: Option<u64>,
}

impl Stratum {
    /// Which entities the stratum takes (its `where`, SPEC §5.1) in words,
    /// English and Chinese: `entities whose 信用风险等级 is A` and
    /// `信用风险等级为 A 的企业`; every entity when `where` is empty.
    pub fn condition_words(&self) -> (String, String) {
        if self.conditions.is_empty() {
            return ("every entity".into(), "所有企业".into());
        }
        let label = |a: &str| match a {
            "id" => "统一社会信用代码".to_string(),
            "name" => "企业名称".to_string(),
            a => a.to_string(),
        };
        let en: Vec<String> = self
            .conditions
            .iter()
            .map(|c| match c.values.as_slice() {
                [one] => format!("{} is {one}", label(&c.attribute)),
                many => format!("{} is one of {}", label(&c.attribute), many.join(", ")),
            })
            .collect();
        let zh: Vec<String> = self
            .conditions
            .iter()
            .map(|c| match c.values.as_slice() {
                [one] => format!("{}为 {one}", label(&c.attribute)),
                many => format!("{}为 {} 之一", label(&c.attribute), many.join("、")),
            })
            .collect();
        let zh = zh.join("，且");
        // A space between a value written in Latin letters and the Chinese
        // that follows, as between the key and the value.
        let gap = if zh.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            " "
        } else {
            ""
        };
        (
            format!("entities whose {}", en.join(" and whose ")),
            format!("{zh}{gap}的企业"),
        )
    }
}

/// How many inspectors one department contributes to every team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentQuota {
    /// The department's name.
    pub department: String,
    /// Inspectors per team, at least 1.
    pub count: u64,
}

/// The cross-area rule (异地交叉检查): these attributes may not be equal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvoidSame {
    /// Entity attribute key.
    pub entity: String,
    /// Inspector attribute key.
    pub inspector: String,
}

/// An explicit conflict of interest (回避): this pair may not meet.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// Entity id.
    pub entity: String,
    /// Inspector id (执法证号).
    pub inspector: String,
}

/// Team rules (检查组, SPEC §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamRules {
    /// Inspectors per team, at least 2.
    pub size: u64,
    /// Joint inspection: inspectors per department, in order.
    pub per_department: Vec<DepartmentQuota>,
    /// Cap on teams per inspector in one draw.
    pub max_per_inspector: Option<u64>,
    /// Cross-area rules.
    pub avoid_same: Vec<AvoidSame>,
    /// Explicit conflict pairs, sorted.
    pub conflicts: Vec<Conflict>,
}

/// The canonical task (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// 任务名称.
    pub name: String,
    /// 抽查事项.
    pub item: String,
    /// 执法领域 every team member must hold, sorted.
    pub fields: Vec<String>,
    /// 实施部门, in order.
    pub departments: Vec<String>,
    /// 抽取日期, `YYYY-MM-DD`.
    pub draw_date: String,
    /// Entity ids listed in the task file that may not be drawn (SPEC §4),
    /// sorted, distinct; united with any exclusion list given beside it.
    pub exclusions: Vec<String>,
    /// Strata in order.
    pub strata: Vec<Stratum>,
    /// Team rules.
    pub team: TeamRules,
}

/// A task file: the canonical task and its inline exclusions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFile {
    /// The canonical task.
    pub task: Task,
    /// `[[seed]]`: the forms of the seed sources the announcement commits
    /// to (SPEC §6.2), in order; empty when the file has none.
    pub seed_forms: Vec<crate::spec::seed::SeedForm>,
    /// Ids listed under `exclusions` in the file (also in `task.exclusions`).
    pub exclusions: Exclusions,
    /// `invalid_codes`: how invalid entity codes are treated when reading
    /// the directories for this task (not part of the canonical task).
    pub codes: CodeCheck,
    /// `[columns.entities]`: explicit header mappings for the entity
    /// directory.
    pub entity_columns: Vec<(String, String)>,
    /// `[columns.inspectors]`.
    pub inspector_columns: Vec<(String, String)>,
    /// `[columns.exclusions]`.
    pub exclusion_columns: Vec<(String, String)>,
}

impl TaskFile {
    /// The options to read this task's entity directory with.
    pub fn entity_options(&self, read: ReadOptions) -> LoadOptions {
        LoadOptions {
            read,
            columns: self.entity_columns.clone(),
            codes: self.codes,
        }
    }

    /// The options to read this task's inspector directory with.
    pub fn inspector_options(&self, read: ReadOptions) -> LoadOptions {
        LoadOptions {
            read,
            columns: self.inspector_columns.clone(),
            codes: self.codes,
        }
    }

    /// The options to read this task's exclusion lists with.
    pub fn exclusion_options(&self, read: ReadOptions) -> LoadOptions {
        LoadOptions {
            read,
            columns: self.exclusion_columns.clone(),
            codes: self.codes,
        }
    }
}

fn invalid(source: &str, en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidTask, en, zh).in_file(source)
}

/// A problem with the value of `key`, found by a rule of SPEC §3 (text,
/// ids, dates): an `InvalidTask` error naming the key.
fn within(source: &str, key: &str, e: Error) -> Error {
    e.context(&format!("`{key}`"), &format!("`{key}`"))
        .with_kind(ErrorKind::InvalidTask)
        .in_file(source)
}

fn sort_bytes(v: &mut Vec<String>) {
    v.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    v.dedup();
}

/// Parses a ratio such as `"3%"` or `"2.5%"` into parts per million.
fn parse_ratio(s: &str) -> Option<u64> {
    let t = normalize_text(s).ok()?;
    let num = t.strip_suffix('%')?.trim();
    let (int, frac) = match num.split_once('.') {
        Some((_, "")) => return None, // "5.%": a dot needs digits after it
        Some(parts) => parts,
        None => (num, ""),
    };
    if int.is_empty() || int.len() > 3 || frac.len() > 4 {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let mut frac_ppm = 0u64;
    for (i, d) in frac.bytes().enumerate() {
        frac_ppm += u64::from(d - b'0') * 10u64.pow(3 - i as u32);
    }
    let ppm = int * 10_000 + frac_ppm;
    (ppm <= 1_000_000).then_some(ppm)
}

fn entity_key(k: &str) -> String {
    match entity_column(k) {
        EntityColumn::Id | EntityColumn::LegacyId => "id".into(),
        EntityColumn::Name => "name".into(),
        EntityColumn::Attribute(a) => a,
    }
}

fn inspector_key(k: &str) -> String {
    match inspector_column(k) {
        InspectorColumn::Id => "id".into(),
        InspectorColumn::Name => "name".into(),
        InspectorColumn::Department => "department".into(),
        InspectorColumn::Fields => "fields".into(),
        InspectorColumn::Status => "status".into(),
        InspectorColumn::Expiry => "expiry".into(),
        InspectorColumn::Attribute(a) => a,
    }
}

/// A small reader over a TOML table that reports unknown keys.
struct Reader<'a> {
    source: &'a str,
    path: String,
    table: toml::Table,
}

impl<'a> Reader<'a> {
    fn new(source: &'a str, path: &str, table: toml::Table) -> Self {
        Reader {
            source,
            path: path.to_string(),
            table,
        }
    }

    fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    fn take(&mut self, k: &str) -> Option<toml::Value> {
        self.table.remove(k)
    }

    fn text(&mut self, k: &str, required: bool) -> Result<Option<String>> {
        match self.take(k) {
            None if required => Err(invalid(
                self.source,
                format!("the task needs `{}` (e.g. {} = \"…\")", self.key(k), k),
                format!("任务缺少 `{}`（例如 {} = \"…\"）", self.key(k), k),
            )),
            None => Ok(None),
            Some(toml::Value::String(s)) => {
                let t = normalize_text(&s).map_err(|e| within(self.source, &self.key(k), e))?;
                if t.is_empty() && required {
                    return Err(invalid(
                        self.source,
                        format!("`{}` is empty", self.key(k)),
                        format!("`{}` 为空", self.key(k)),
                    ));
                }
                Ok(Some(t))
            }
            Some(_) => Err(invalid(
                self.source,
                format!("`{}` must be a text in quotes", self.key(k)),
                format!("`{}` 应为加引号的文字", self.key(k)),
            )),
        }
    }

    fn texts(&mut self, k: &str) -> Result<Vec<String>> {
        match self.take(k) {
            None => Ok(Vec::new()),
            Some(v) => texts_of(self.source, &self.key(k), v),
        }
    }

    fn uint(&mut self, k: &str) -> Result<Option<u64>> {
        match self.take(k) {
            None => Ok(None),
            Some(toml::Value::Integer(i)) if i >= 0 => Ok(Some(i as u64)),
            Some(_) => Err(invalid(
                self.source,
                format!("`{}` must be a whole number ≥ 0", self.key(k)),
                format!("`{}` 应为大于或等于 0 的整数", self.key(k)),
            )),
        }
    }

    fn finish(self) -> Result<()> {
        if let Some(k) = self.table.keys().next() {
            return Err(invalid(
                self.source,
                format!("unknown key `{}` in the task; check its spelling (see SPEC.md §5.3 for the keys)", self.key(k)), format!("任务中有未知的键 `{}`；请检查拼写（可用的键见 SPEC.md §5.3）", self.key(k))));
        }
        Ok(())
    }
}

fn texts_of(source: &str, key: &str, v: toml::Value) -> Result<Vec<String>> {
    let items = match v {
        toml::Value::String(s) => vec![toml::Value::String(s)],
        toml::Value::Array(a) => a,
        _ => {
            return Err(invalid(
                source,
                format!("`{key}` must be a text or a list of texts"),
                format!("`{key}` 应为一段文字或文字列表"),
            ))
        }
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            toml::Value::String(s) => {
                let t = normalize_text(&s).map_err(|e| within(source, key, e))?;
                if t.is_empty() {
                    return Err(invalid(
                        source,
                        format!("`{key}` holds an empty text"),
                        format!("`{key}` 中有一项是空文字"),
                    ));
                }
                out.push(t);
            }
            _ => {
                return Err(invalid(
                    source,
                    format!("`{key}` must be a list of texts"),
                    format!("`{key}` 应为文字列表"),
                ))
            }
        }
    }
    Ok(out)
}

fn table_of(source: &str, key: &str, v: toml::Value) -> Result<toml::Table> {
    match v {
        toml::Value::Table(t) => Ok(t),
        _ => Err(invalid(
            source,
            format!("`{key}` must be a table, e.g. {key} = {{ … }}"),
            format!("`{key}` 应为一个表，例如 {key} = {{ … }}"),
        )),
    }
}

fn ratio_of(source: &str, key: &str, v: toml::Value) -> Result<u64> {
    match v {
        toml::Value::String(s) => parse_ratio(&s).ok_or_else(|| {
            invalid(source, format!("`{key}` = \"{s}\" is not a percentage between 0% and 100% with at most four decimals, e.g. \"3%\" or \"2.5%\""), format!("`{key}` = \"{s}\" 不是 0% 到 100% 之间、最多四位小数的百分比，例如 \"3%\" 或 \"2.5%\""))
        }),
        _ => Err(invalid(source, format!("`{key}` must be a percentage in quotes, e.g. \"3%\""), format!("`{key}` 应为加引号的百分比，例如 \"3%\""))),
    }
}

fn count_of(source: &str, key: &str, v: toml::Value) -> Result<u64> {
    match v {
        toml::Value::Integer(i) if i >= 0 => Ok(i as u64),
        _ => Err(invalid(
            source,
            format!("`{key}` must be a whole number ≥ 0"),
            format!("`{key}` 应为大于或等于 0 的整数"),
        )),
    }
}

fn default_stratum_name(conditions: &[Condition]) -> String {
    if conditions.is_empty() {
        return "全部".to_string();
    }
    conditions
        .iter()
        .map(|c| format!("{}={}", c.attribute, c.values.join("|")))
        .collect::<Vec<_>>()
        .join(";")
}

fn condition_values(attribute: &str, values: Vec<String>, source: &str) -> Result<Vec<String>> {
    let mut v = if attribute == "id" {
        values
            .iter()
            .map(|s| {
                normalize_entity_id(s)
                    .map_err(|e| e.with_kind(ErrorKind::InvalidTask).in_file(source))
            })
            .collect::<Result<Vec<_>>>()?
    } else {
        values
    };
    sort_bytes(&mut v);
    Ok(v)
}

impl TaskFile {
    /// Reads a task file (TOML, SPEC §5.3).
    ///
    /// # Errors
    /// `InvalidTask` naming the key that is wrong and what to write instead;
    /// `InvalidId` for a malformed id in `exclusions` or `conflicts`.
    ///
    /// # Example
    /// ```
    /// let toml = r#"
    /// name = "2026年食品经营者抽查"
    /// item = "食品经营行为检查"
    /// draw_date = 2026-12-01
    /// strata_by = { attribute = "风险等级", ratios = { A = "3%", D = "100%" } }
    /// "#;
    /// let t = shuangsui::TaskFile::parse(toml, "task.toml").unwrap().task;
    /// assert_eq!(t.strata[0].name, "信用风险等级=A");
    /// assert_eq!(t.strata[0].ratio_ppm, Some(30000));
    /// assert_eq!(t.team.size, 2);
    /// ```
    pub fn parse(text: &str, source: &str) -> Result<TaskFile> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            // toml reports a byte span; turn it into the line a user sees.
            let row = e
                .span()
                .and_then(|sp| text.get(..sp.start))
                .map(|before| before.matches('\n').count());
            let line = row.and_then(|r| text.lines().nth(r)).unwrap_or("");
            // Text outside quotes that is not ASCII can only be a bare key.
            let unquoted: String = line.split('"').step_by(2).collect();
            let (hint, hint_zh) = if !unquoted.is_ascii() {
                (
                    " (a Chinese key must be written in quotes, e.g. \"信用风险等级\" = \"C\")",
                    "（中文的键要加引号，例如 \"信用风险等级\" = \"C\"）",
                )
            } else {
                ("", "")
            };
            invalid(
                source,
                format!(
                    "the task file is not valid TOML: {}{hint}",
                    e.message().trim()
                ),
                format!("任务文件不是有效的 TOML：{}{hint_zh}", e.message().trim()),
            )
            .at(crate::Location {
                file: Some(source.to_string()),
                row: row.map(|r| r as u64 + 1),
                column: None,
            })
        })?;
        let mut r = Reader::new(source, "", table);
        let name = r.text("name", true)?.unwrap_or_default();
        let item = r.text("item", true)?.unwrap_or_default();
        let mut fields = r.texts("fields")?;
        // SPEC §5.3: a field is one 执法领域; a text holding a §3.2 field
        // separator could never equal one of an inspector's fields.
        if let Some(f) = fields
            .iter()
            .find(|f| f.contains([';', ',', '、', '|', '/']))
        {
            return Err(invalid(
                source,
                format!("`fields` holds \"{f}\", which contains a separator (; , 、 | /); write each field as its own text: fields = [\"食品安全\", \"特种设备\"]"), format!("`fields` 中的“{f}”含有分隔符（; , 、 | /）；请把每个执法领域写成单独的一项：fields = [\"食品安全\", \"特种设备\"]")));
        }
        sort_bytes(&mut fields);
        let mut departments = r.texts("departments")?;
        let draw_date = match r.take("draw_date") {
            None => {
                return Err(invalid(
                    source,
                    "the task needs `draw_date` (e.g. draw_date = 2026-12-01)",
                    "任务缺少 `draw_date`（例如 draw_date = 2026-12-01）",
                ))
            }
            Some(toml::Value::Datetime(d)) if d.date.is_some() && d.time.is_none() => {
                let d = d.date.unwrap_or(toml::value::Date {
                    year: 0,
                    month: 0,
                    day: 0,
                });
                canonical_date(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
                    .map_err(|e| within(source, "draw_date", e))?
            }
            Some(toml::Value::String(s)) => {
                canonical_date(&s).map_err(|e| within(source, "draw_date", e))?
            }
            Some(_) => {
                return Err(invalid(
                    source,
                    "`draw_date` must be a date, e.g. draw_date = 2026-12-01",
                    "`draw_date` 应为日期，例如 draw_date = 2026-12-01",
                ))
            }
        };
        let codes = match r.text("invalid_codes", false)?.as_deref() {
            None | Some("error") => CodeCheck::Error,
            Some("warn") => CodeCheck::Warn,
            Some(other) => {
                return Err(invalid(
                    source,
                    format!("`invalid_codes` = \"{other}\" is not known; write \"error\" (the default) or \"warn\""), format!("`invalid_codes` = \"{other}\" 无法识别；请写 \"error\"（默认）或 \"warn\"")))
            }
        };
        let (mut entity_columns, mut inspector_columns, mut exclusion_columns) =
            (Vec::new(), Vec::new(), Vec::new());
        if let Some(c) = r.take("columns") {
            let mut c = Reader::new(source, "columns", table_of(source, "columns", c)?);
            for (key, out) in [
                ("entities", &mut entity_columns),
                ("inspectors", &mut inspector_columns),
                ("exclusions", &mut exclusion_columns),
            ] {
                if let Some(t) = c.take(key) {
                    for (from, to) in table_of(source, &format!("columns.{key}"), t)? {
                        // SPEC §5.3: keys match headers by the §3.3 match
                        // form, so two keys of one form would be ambiguous.
                        let form = crate::spec::text::header_match_key(&from);
                        if form.is_empty() {
                            return Err(invalid(
                                source,
                                format!("`columns.{key}` has an empty header name; write the header as it appears in the file"), format!("`columns.{key}` 中有空的表头名；请按文件中的原样写出表头")));
                        }
                        if out.iter().any(|(f, _): &(String, String)| {
                            crate::spec::text::header_match_key(f) == form
                        }) {
                            return Err(invalid(
                                source,
                                format!("`columns.{key}` maps the header \"{from}\" twice (headers match ignoring case, spaces, _ and -); keep one"), format!("`columns.{key}` 把表头“{from}”映射了两次（表头比较时不区分大小写，忽略空格、_ 和 -）；请只保留一个")));
                        }
                        match to {
                            toml::Value::String(to) if !normalize_text(&to).unwrap_or_default().is_empty() => {
                                out.push((from, to))
                            }
                            _ => {
                                return Err(invalid(
                                    source,
                                    format!("`columns.{key}.{from}` must name a field in quotes, e.g. \"id\" or \"所属区域\""), format!("`columns.{key}.{from}` 应为加引号的字段名，例如 \"id\" 或 \"所属区域\"")))
                            }
                        }
                    }
                }
            }
            c.finish()?;
        }
        let exclusions = Exclusions::from_ids(r.texts("exclusions")?)
            .map_err(|e| within(source, "exclusions", e))?;

        // Strata (§5.1).
        let strata_list = r.take("strata");
        let strata_by = r.take("strata_by");
        let mut strata = match (strata_list, strata_by) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    source,
                    "the task has both `strata` and `strata_by`; keep one of them",
                    "任务同时写了 `strata` 和 `strata_by`；请只保留其中一个",
                ))
            }
            (None, None) => vec![Stratum {
                name: "全部".into(),
                conditions: Vec::new(),
                ratio_ppm: Some(1_000_000),
                count: None,
            }],
            (None, Some(by)) => {
                let mut by = Reader::new(source, "strata_by", table_of(source, "strata_by", by)?);
                let attribute = entity_key(&by.text("attribute", true)?.unwrap_or_default());
                let ratios = by.take("ratios");
                let counts = by.take("counts");
                by.finish()?;
                let (table, is_ratio) = match (ratios, counts) {
                    (Some(t), None) => (table_of(source, "strata_by.ratios", t)?, true),
                    (None, Some(t)) => (table_of(source, "strata_by.counts", t)?, false),
                    _ => {
                        return Err(invalid(
                            source,
                            "`strata_by` needs either `ratios` (e.g. { A = \"3%\", B = \"5%\" }) or `counts`, not both", "`strata_by` 需要 `ratios`（例如 { A = \"3%\", B = \"5%\" }）或 `counts` 二者之一，不能都写或都不写"))
                    }
                };
                let mut out = Vec::new();
                for (value, v) in table {
                    let value = normalize_text(&value)
                        .map_err(|e| e.with_kind(ErrorKind::InvalidTask).in_file(source))?;
                    if value.is_empty() {
                        return Err(invalid(
                            source,
                            "`strata_by` lists an empty value; name each value, e.g. ratios = { A = \"3%\" }", "`strata_by` 中有空的取值；请写出每个取值，例如 ratios = { A = \"3%\" }"));
                    }
                    let key = format!(
                        "strata_by.{}.{value}",
                        if is_ratio { "ratios" } else { "counts" }
                    );
                    let (ratio_ppm, count) = if is_ratio {
                        (Some(ratio_of(source, &key, v)?), None)
                    } else {
                        (None, Some(count_of(source, &key, v)?))
                    };
                    let values = condition_values(&attribute, vec![value], source)?;
                    out.push(Stratum {
                        name: format!("{attribute}={}", values[0]),
                        conditions: vec![Condition {
                            attribute: attribute.clone(),
                            values,
                        }],
                        ratio_ppm,
                        count,
                    });
                }
                out.sort_by(|a, b| {
                    a.conditions[0].values[0]
                        .as_bytes()
                        .cmp(b.conditions[0].values[0].as_bytes())
                });
                out
            }
            (Some(list), None) => {
                let items = match list {
                    toml::Value::Array(a) => a,
                    _ => {
                        return Err(invalid(
                            source,
                            "`strata` must be a list of tables ([[strata]])",
                            "`strata` 应为表的列表（[[strata]]）",
                        ))
                    }
                };
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    let path = format!("strata[{}]", i + 1);
                    let mut s = Reader::new(source, &path, table_of(source, &path, item)?);
                    let name = s.text("name", false)?;
                    let mut conditions = Vec::new();
                    if let Some(w) = s.take("where") {
                        for (k, v) in table_of(source, &format!("{path}.where"), w)? {
                            let key = normalize_text(&k)
                                .map_err(|e| within(source, &format!("{path}.where"), e))?;
                            if key.is_empty() {
                                return Err(invalid(
                                    source,
                                    format!("`{path}.where` has an empty key; name the attribute, e.g. where = {{ \"信用风险等级\" = \"C\" }}"), format!("`{path}.where` 中有空的键；请写出属性名，例如 where = {{ \"信用风险等级\" = \"C\" }}")));
                            }
                            let attribute = entity_key(&key);
                            let values = texts_of(source, &format!("{path}.where.{k}"), v)?;
                            let values = condition_values(&attribute, values, source)?;
                            if conditions
                                .iter()
                                .any(|c: &Condition| c.attribute == attribute)
                            {
                                return Err(invalid(
                                    source,
                                    format!("`{path}.where` names the attribute {attribute} twice (under two aliases); keep one"), format!("`{path}.where` 两次写了属性 {attribute}（用了两个别名）；请只保留一个")));
                            }
                            conditions.push(Condition { attribute, values });
                        }
                    }
                    conditions.sort_by(|a, b| a.attribute.as_bytes().cmp(b.attribute.as_bytes()));
                    let ratio = s.take("ratio");
                    let count = s.take("count");
                    let (ratio_ppm, count) = match (ratio, count) {
                        (Some(v), None) => (Some(ratio_of(source, &format!("{path}.ratio"), v)?), None),
                        (None, Some(v)) => (None, Some(count_of(source, &format!("{path}.count"), v)?)),
                        _ => {
                            return Err(invalid(
                                source,
                                format!("`{path}` needs either `ratio` (e.g. ratio = \"5%\") or `count` (e.g. count = 10), not both"), format!("`{path}` 需要 `ratio`（例如 ratio = \"5%\"）或 `count`（例如 count = 10）二者之一，不能都写或都不写")))
                        }
                    };
                    s.finish()?;
                    let name = name
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| default_stratum_name(&conditions));
                    out.push(Stratum {
                        name,
                        conditions,
                        ratio_ppm,
                        count,
                    });
                }
                if out.is_empty() {
                    return Err(invalid(
                        source,
                        "`strata` is empty; list at least one stratum or leave it out",
                        "`strata` 为空；请至少列出一个分层，或删除这一项",
                    ));
                }
                out
            }
        };
        let mut names = BTreeSet::new();
        for s in &strata {
            if !names.insert(s.name.clone()) {
                return Err(invalid(
                    source,
                    format!(
                        "two strata are named \"{}\"; give each a distinct name",
                        s.name
                    ),
                    format!("有两个分层都叫“{}”；请给每个分层起不同的名称", s.name),
                ));
            }
        }
        strata.shrink_to_fit();

        // Team rules (§5.2).
        let mut team = TeamRules {
            size: 2,
            per_department: Vec::new(),
            max_per_inspector: None,
            avoid_same: Vec::new(),
            conflicts: Vec::new(),
        };
        if let Some(t) = r.take("team") {
            let mut t = Reader::new(source, "team", table_of(source, "team", t)?);
            team.size = t.uint("size")?.unwrap_or(2);
            team.max_per_inspector = t.uint("max_per_inspector")?;
            if let Some(a) = t.take("avoid_same") {
                let items = match a {
                    toml::Value::Array(a) => a,
                    other => vec![other],
                };
                for item in items {
                    match item {
                        toml::Value::String(k) => {
                            let k = normalize_text(&k).map_err(|e| {
                                within(source, "team.avoid_same", e)
                            })?;
                            if k.is_empty() {
                                return Err(invalid(
                                    source,
                                    "`team.avoid_same` holds an empty text; name the attribute, e.g. avoid_same = [\"所属区域\"]", "`team.avoid_same` 中有一项是空文字；请写出属性名，例如 avoid_same = [\"所属区域\"]"));
                            }
                            team.avoid_same.push(AvoidSame { entity: entity_key(&k), inspector: inspector_key(&k) })
                        }
                        toml::Value::Table(tb) => {
                            let mut a = Reader::new(source, "team.avoid_same", tb);
                            let entity = entity_key(&a.text("entity", true)?.unwrap_or_default());
                            let inspector = inspector_key(&a.text("inspector", true)?.unwrap_or_default());
                            a.finish()?;
                            team.avoid_same.push(AvoidSame { entity, inspector });
                        }
                        _ => {
                            return Err(invalid(
                                source,
                                "`team.avoid_same` lists attribute names, e.g. avoid_same = [\"所属区域\"]", "`team.avoid_same` 应列出属性名，例如 avoid_same = [\"所属区域\"]"))
                        }
                    }
                }
                team.avoid_same.sort_by(|a, b| {
                    (a.entity.as_bytes(), a.inspector.as_bytes())
                        .cmp(&(b.entity.as_bytes(), b.inspector.as_bytes()))
                });
                team.avoid_same.dedup();
            }
            if let Some(c) = t.take("conflicts") {
                let items = match c {
                    toml::Value::Array(a) => a,
                    _ => {
                        return Err(invalid(
                            source,
                            "`team.conflicts` must be a list of { inspector = …, entity = … }",
                            "`team.conflicts` 应为 { inspector = …, entity = … } 组成的列表",
                        ))
                    }
                };
                for item in items {
                    let mut c = Reader::new(
                        source,
                        "team.conflicts",
                        table_of(source, "team.conflicts", item)?,
                    );
                    let inspector = c.text("inspector", true)?.unwrap_or_default();
                    let entity = c.text("entity", true)?.unwrap_or_default();
                    c.finish()?;
                    team.conflicts.push(Conflict {
                        entity: normalize_entity_id(&entity)
                            .map_err(|e| within(source, "team.conflicts", e))?,
                        inspector: normalize_inspector_id(&inspector)
                            .map_err(|e| within(source, "team.conflicts", e))?,
                    });
                }
                team.conflicts.sort_by(|a, b| {
                    (a.entity.as_bytes(), a.inspector.as_bytes())
                        .cmp(&(b.entity.as_bytes(), b.inspector.as_bytes()))
                });
                team.conflicts.dedup();
            }
            if let Some(d) = t.take("departments") {
                let items = match d {
                    toml::Value::Array(a) => a,
                    _ => {
                        return Err(invalid(
                            source,
                            "`team.departments` must be a list of [[team.departments]] tables",
                            "`team.departments` 应为 [[team.departments]] 表的列表",
                        ))
                    }
                };
                for item in items {
                    let mut d = Reader::new(
                        source,
                        "team.departments",
                        table_of(source, "team.departments", item)?,
                    );
                    let department = d.text("name", true)?.unwrap_or_default();
                    let count = d.uint("count")?.unwrap_or(0);
                    d.finish()?;
                    team.per_department
                        .push(DepartmentQuota { department, count });
                }
            }
            t.finish()?;
        }
        // The seed forms (SPEC §6.2): not part of the canonical task, but
        // what the announcement commits to.
        let seed_forms = match r.take("seed") {
            Some(v) => crate::spec::seed::forms_from_toml(source, v)?,
            None => Vec::new(),
        };
        r.finish()?;
        if departments.is_empty() {
            departments = team
                .per_department
                .iter()
                .map(|d| d.department.clone())
                .collect();
        }
        let task = Task {
            name,
            item,
            fields,
            departments,
            draw_date,
            exclusions: exclusions.ids().map(str::to_string).collect(),
            strata,
            team,
        };
        task.validate().map_err(|e| e.in_file(source))?;
        Ok(TaskFile {
            task,
            seed_forms,
            exclusions,
            codes,
            entity_columns,
            inspector_columns,
            exclusion_columns,
        })
    }
}

/// The largest team a task may ask for (SPEC §5.2): far above any real
/// team, low enough that no count in a task sizes an absurd allocation.
pub const MAX_TEAM: u64 = 1000;

impl Task {
    /// A task with one stratum of every entity and no draw, for reading a
    /// directory before (or without) its task: its count and digest
    /// (`shuangsui digest`, the page's first reading).
    ///
    /// # Errors
    /// None in practice (the task text is fixed).
    pub fn whole_directory() -> Result<Task> {
        Ok(TaskFile::parse(
            "name = \"摘要\"\nitem = \"摘要\"\ndraw_date = 2000-01-01\n",
            "(directory)",
        )?
        .task)
    }

    /// Checks the rules of SPEC §5 that are not about syntax.
    ///
    /// # Errors
    /// `InvalidTask` saying which rule is broken.
    pub fn validate(&self) -> Result<()> {
        let bad = |en: String, zh: String| Err(Error::new(ErrorKind::InvalidTask, en, zh));
        if self.name.is_empty() || self.item.is_empty() {
            return bad(
                "the task needs a `name` and an `item` (抽查事项)".into(),
                "任务需要填写 `name`（任务名称）和 `item`（抽查事项）".into(),
            );
        }
        let mut seen = BTreeSet::new();
        for d in &self.departments {
            if !seen.insert(d) {
                return bad(
                    format!("the department \"{d}\" is listed twice in `departments`"),
                    format!("部门“{d}”在 `departments` 中出现了两次"),
                );
            }
        }
        if self.strata.is_empty() {
            return bad("the task has no strata".into(), "任务没有分层".into());
        }
        if self
            .exclusions
            .windows(2)
            .any(|w| w[0].as_bytes() >= w[1].as_bytes())
        {
            return bad(
                "the task's `exclusions` are not sorted and distinct".into(),
                "任务的 `exclusions` 没有排序或有重复".into(),
            );
        }
        for s in &self.strata {
            if s.ratio_ppm.is_some() == s.count.is_some() {
                return bad(
                    format!(
                        "stratum \"{}\" needs exactly one of a ratio and a count",
                        s.name
                    ),
                    format!("分层“{}”需要抽取比例和抽取户数二者之一", s.name),
                );
            }
            if s.ratio_ppm.is_some_and(|r| r > 1_000_000) {
                return bad(
                    format!("stratum \"{}\": the ratio is above 100%", s.name),
                    format!("分层“{}”：抽取比例超过 100%", s.name),
                );
            }
        }
        let t = &self.team;
        if t.size < 2 {
            return bad(
                format!(
                    "`team.size` is {}; a team needs at least 2 inspectors (行政处罚法 第四十二条)",
                    t.size
                ),
                format!(
                    "`team.size` 为 {}；检查组至少需要 2 名检查人员（行政处罚法 第四十二条）",
                    t.size
                ),
            );
        }
        if t.size > MAX_TEAM {
            return bad(format!(
                "`team.size` is {}; a team has at most {MAX_TEAM} inspectors (and never more than the inspector directory holds)",
                t.size
            ), format!("`team.size` 为 {}；检查组最多 {MAX_TEAM} 人（且不能超过检查人员名录的人数）", t.size));
        }
        if !t.per_department.is_empty() {
            let mut sum = 0u64;
            let mut seen = BTreeSet::new();
            for d in &t.per_department {
                if d.count == 0 {
                    return bad(
                        format!(
                            "`team.departments`: \"{}\" needs a `count` of at least 1",
                            d.department
                        ),
                        format!("`team.departments`：“{}”的 `count` 至少为 1", d.department),
                    );
                }
                if !self.departments.contains(&d.department) {
                    return bad(
                        format!(
                        "`team.departments` names \"{}\", which is not in the task's `departments`",
                        d.department
                    ),
                        format!(
                            "`team.departments` 写了“{}”，但它不在任务的 `departments` 中",
                            d.department
                        ),
                    );
                }
                if !seen.insert(&d.department) {
                    return bad(
                        format!("`team.departments` lists \"{}\" twice", d.department),
                        format!("`team.departments` 两次写了“{}”", d.department),
                    );
                }
                sum = sum.saturating_add(d.count);
            }
            if sum != t.size {
                return bad(format!(
                    "the counts in `team.departments` add up to {sum}, but `team.size` is {}; make them equal",
                    t.size
                ), format!("`team.departments` 中各部门人数合计为 {sum}，但 `team.size` 为 {}；两者应相等", t.size));
            }
        }
        if t.max_per_inspector == Some(0) {
            return bad(
                "`team.max_per_inspector` is 0: nobody could inspect; remove it or raise it".into(),
                "`team.max_per_inspector` 为 0：没有人能去检查；请删除这一项或调高数值".into(),
            );
        }
        // SPEC §5.2: at most 2^32, far above any draw's number of teams, so
        // that every implementation holds it in a plain integer.
        if t.max_per_inspector.is_some_and(|m| m > MAX_PER_INSPECTOR) {
            return bad(format!(
                "`team.max_per_inspector` is above {MAX_PER_INSPECTOR} (2^32); remove it for no cap"
            ), format!("`team.max_per_inspector` 超过了 {MAX_PER_INSPECTOR}（2^32）；不设上限请删除这一项"));
        }
        let mut names = BTreeSet::new();
        for s in &self.strata {
            if !names.insert(s.name.as_str()) {
                return bad(
                    format!(
                        "two strata are named \"{}\"; give each a distinct name",
                        s.name
                    ),
                    format!("有两个分层都叫“{}”；请给每个分层起不同的名称", s.name),
                );
            }
        }
        Ok(())
    }

    /// The canonical JSON of the task (SPEC §1, §5).
    pub fn canonical_json(&self) -> String {
        crate::record::canonical_json(
            &serde_json::to_value(self).unwrap_or(serde_json::Value::Null),
        )
    }

    /// `task_digest = H("shuangsui/1/task", canonical_json(task))`.
    pub fn digest(&self) -> Digest32 {
        tagged("shuangsui/1/task", &[self.canonical_json().as_bytes()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_parts_per_million() {
        assert_eq!(parse_ratio("3%"), Some(30_000));
        assert_eq!(parse_ratio("2.5%"), Some(25_000));
        assert_eq!(parse_ratio("0.0001%"), Some(1));
        assert_eq!(parse_ratio("100%"), Some(1_000_000));
        assert_eq!(parse_ratio(" ３％ "), Some(30_000));
        assert_eq!(parse_ratio("100.5%"), None);
        assert_eq!(parse_ratio("3"), None);
        assert_eq!(parse_ratio("0.00001%"), None);
        assert_eq!(parse_ratio("-1%"), None);
        assert_eq!(parse_ratio("5.%"), None);
        assert_eq!(parse_ratio("3 %"), Some(30_000));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = TaskFile::parse(
            "name='a'\nitem='b'\ndraw_date=2026-01-01\nteam={sise=3}\n",
            "t.toml",
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTask);
        assert!(e.to_string().contains("team.sise"), "{e}");
    }

    #[test]
    fn unquoted_chinese_keys_get_a_hint() {
        let text = "name='a'\nitem='b'\ndraw_date=2026-01-01\n[[strata]]\nwhere = { 信用风险等级 = \"A\" }\nratio=\"3%\"\n";
        let e = TaskFile::parse(text, "t.toml").unwrap_err();
        assert!(e.to_string().contains("in quotes"), "{e}");
        assert_eq!(e.location().and_then(|l| l.row), Some(5));
    }

    fn refused(extra: &str) -> Error {
        let text = format!("name='a'\nitem='b'\ndraw_date=2026-01-01\n{extra}");
        let e = TaskFile::parse(&text, "t.toml").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTask, "{extra}: {e}");
        assert_eq!(
            e.location().and_then(|l| l.file.as_deref()),
            Some("t.toml"),
            "{e}"
        );
        e
    }

    fn parsed(extra: &str) -> TaskFile {
        let text = format!("name='a'\nitem='b'\ndraw_date=2026-01-01\n{extra}");
        TaskFile::parse(&text, "t.toml").unwrap()
    }

    #[test]
    fn the_settled_task_rules() {
        // Distinct stratum names (SPEC §5.3).
        let e = refused("[[strata]]\nname='x'\nratio='1%'\n[[strata]]\nname='x'\ncount=1\n");
        assert!(e.message().contains("named \"x\""), "{e}");
        // Empty texts.
        let e = refused("[[strata]]\nwhere={''='A'}\nratio='1%'\n");
        assert!(e.message().contains("strata[1].where"), "{e}");
        let e = refused("[[strata]]\nwhere={'风险等级'=''}\nratio='1%'\n");
        assert!(e.message().contains("empty"), "{e}");
        let e = refused("strata_by={attribute='风险等级', ratios={' '='3%'}}\n");
        assert!(e.message().contains("strata_by"), "{e}");
        let e = refused("[team]\navoid_same=['']\n");
        assert!(e.message().contains("team.avoid_same"), "{e}");
        let e = refused("[team]\navoid_same=[{entity='', inspector='所属区域'}]\n");
        assert!(e.message().contains("entity"), "{e}");
        // max_per_inspector: 1 … 2^32.
        refused("[team]\nmax_per_inspector=0\n");
        let e = refused("[team]\nmax_per_inspector=4294967297\n");
        assert!(e.message().contains("2^32"), "{e}");
        assert_eq!(
            parsed("[team]\nmax_per_inspector=4294967296\n")
                .task
                .team
                .max_per_inspector,
            Some(1 << 32)
        );
        refused("[team]\nmax_per_inspector=-1\n");
        // A field text is one field; a separator in it is refused.
        let e = refused("fields='食品安全;特种设备'\n");
        assert!(e.message().contains("fields"), "{e}");
        refused("fields=['食品安全、特种设备']\n");
        assert_eq!(parsed("fields='食品安全'\n").task.fields, ["食品安全"]);
        // Single-text forms: a text stands for a list of one.
        let t = parsed("departments='局'\nexclusions='91350100M000100Y43'\n[[strata]]\nwhere={'区域'='城关镇'}\nratio='1%'\n[team]\navoid_same='区域'\n").task;
        assert_eq!(t.departments, ["局"]);
        assert_eq!(t.exclusions, ["91350100M000100Y43"]);
        assert_eq!(t.strata[0].conditions[0].values, ["城关镇"]);
        assert_eq!(t.team.avoid_same.len(), 1);
        refused("[team]\nconflicts={inspector='ZF1', entity='91350100M000100Y43'}\n");
        // 注册号 in `where` is the id condition (SPEC §5.1).
        let t = parsed("[[strata]]\nwhere={'注册号'='652302000123456'}\ncount=1\n").task;
        assert_eq!(t.strata[0].conditions[0].attribute, "id");
        // [columns.*]: keys match by the §3.3 form; two of one form, an
        // empty key or an empty target are refused.
        let e = refused("[columns.entities]\n'Tax No'='id'\n'tax_no'='id'\n");
        assert!(e.message().contains("twice"), "{e}");
        refused("[columns.entities]\n' '='id'\n");
        refused("[columns.entities]\n'税号'=''\n");
        // TOML 1.0: a newline inside an inline table and a trailing comma
        // there are TOML 1.1 and refused; so are unquoted Chinese keys.
        refused("team={size=2,\nmax_per_inspector=3}\n");
        refused("team={size=2,}\n");
        refused("[[strata]]\nwhere={风险等级='A'}\nratio='1%'\n");
    }

    #[test]
    fn team_needs_two() {
        let e = TaskFile::parse(
            "name='a'\nitem='b'\ndraw_date=2026-01-01\n[team]\nsize=1\n",
            "t.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("第四十二条"), "{e}");
    }
}
