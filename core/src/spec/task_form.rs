//! The task as a person fills it in on a form (抽查任务表单), written out as
//! a task file (SPEC.md §5.3) and read back by the one task reader
//! ([`TaskFile::parse`]), so that a task set up on the web page is exactly
//! the task file the command line reads.
//!
//! The form holds texts as typed: lists separated by commas or new lines,
//! quotas such as `3%` or `10户` (a unit always: `%` or `户`), a department with its count per team as
//! `市场监管局, 1`. How those texts become task keys is decided here, once.

use crate::spec::task::{Task, TaskFile};
use crate::spec::task_toml::ratio_text;
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Serialize};

/// The task form's fields, as typed (the web page sends them as JSON).
///
/// Every field may be left out; an empty form gives the reader's own
/// complaint (a task needs a name, an item and a draw date).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskForm {
    /// 任务名称.
    pub name: String,
    /// 抽查事项.
    pub item: String,
    /// 抽取日期, `YYYY-MM-DD` (or any form the task reader takes).
    pub draw_date: String,
    /// 执法领域, separated by `,` `，` `、` `;` `；` or new lines.
    pub fields: String,
    /// 实施部门, one a line; `name, count` (or `name，count`) also says how
    /// many of each team come from it (`[[team.departments]]`, SPEC §5.2).
    pub departments: String,
    /// Entity ids that may not be drawn, separated as `fields`.
    pub exclusions: String,
    /// The attribute the strata are by (e.g. `信用风险等级`); empty: one
    /// stratum of every entity.
    pub strata_attr: String,
    /// The strata as `[value, quota]` rows: a quota with `%` (or `％`) is a
    /// ratio, a whole number with `户` a count (SPEC §5.1); a number
    /// without a unit is refused, so that "3" is never read as a count
    /// when 3% was meant.
    pub strata: Vec<(String, String)>,
    /// Inspectors per team (empty: the default, 2).
    pub size: String,
    /// The most teams one inspector may join (empty: no cap).
    pub max_per_inspector: String,
    /// 异地交叉检查: no inspector from the entity's own area (所属区域).
    pub avoid_area: bool,
    /// 回避: one `entity id, inspector id` pair a line.
    pub conflicts: String,
    /// Explicit column mappings of the directories (`[columns.*]`).
    pub columns: FormColumns,
}

/// Explicit column mappings, `(header in the file, field)`, by directory:
/// the task file's `[columns.entities]`, `[columns.inspectors]` and
/// `[columns.exclusions]` (SPEC §5.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormColumns {
    /// `[columns.entities]`.
    pub entities: Vec<(String, String)>,
    /// `[columns.inspectors]`.
    pub inspectors: Vec<(String, String)>,
    /// `[columns.exclusions]`.
    pub exclusions: Vec<(String, String)>,
}

impl FormColumns {
    /// Whether no mapping is given.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty() && self.inspectors.is_empty() && self.exclusions.is_empty()
    }

    /// The mappings as the task file's `[columns.*]` tables, each table
    /// after an empty line; empty when there is none.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        for (kind, cols) in [
            ("entities", &self.entities),
            ("inspectors", &self.inspectors),
            ("exclusions", &self.exclusions),
        ] {
            if cols.is_empty() {
                continue;
            }
            out.push_str(&format!("\n[columns.{kind}]\n"));
            for (header, field) in cols {
                out.push_str(&format!(
                    "{} = {}\n",
                    toml_string(header),
                    toml_string(field)
                ));
            }
        }
        out
    }
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The non-empty lines of a text, trimmed.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The items of a list typed in one box: separated by commas (`,` `，`),
/// `、`, semicolons (`;` `；`) or new lines.
fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A quota as typed (SPEC §5.1): with `%` a ratio (its text kept for the
/// reader to check), a whole number with `户` a count. Anything else but
/// a bare number is left as a ratio, so that the reader's message (a
/// percentage with at most four decimals) names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Quota {
    Ratio(String),
    Count(u64),
}

fn quota(value: &str, q: &str) -> Result<Quota> {
    let s: String = q
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '％' { '%' } else { c })
        .collect();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(n) = s.strip_suffix('户').filter(|n| digits(n)) {
        if let Ok(n) = n.parse() {
            return Ok(Quota::Count(n));
        }
    }
    if digits(&s) || s.parse::<f64>().is_ok_and(|_| !s.ends_with('%')) {
        return Err(form_error(
            format!("the quota \"{s}\" of the stratum \"{value}\" has no unit: choose % (at least that share of the stratum) or 户 (that many entities)"),
            format!("分层“{value}”的抽查数“{s}”没有单位：请选择“%”（按比例，不少于该比例）或“户”（按户数）"),
        ));
    }
    Ok(Quota::Ratio(s))
}

fn quota_key(q: &Quota) -> String {
    match q {
        Quota::Ratio(r) => format!("ratio = {}", toml_string(r)),
        Quota::Count(n) => format!("count = {n}"),
    }
}

fn form_error(en: String, zh: String) -> Error {
    Error::new(ErrorKind::InvalidTask, en, zh)
}

/// A whole number typed in a box; `None` when the box is empty.
fn whole(value: &str, en: &str, zh: &str) -> Result<Option<u64>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| {
        form_error(
            format!("{en}: \"{v}\" is not a whole number; write e.g. 2"),
            format!("{zh}“{v}”不是整数，请填写如 2 这样的数字"),
        )
    })
}

impl TaskForm {
    /// The form as a task file (TOML, SPEC §5.3), checked by the task reader
    /// ([`TaskFile::parse`]) before it is returned: the text the page reads
    /// its task from, offers for download, and the command line reads.
    ///
    /// # Errors
    /// `InvalidTask` for a team size or cap that is not a whole number, for
    /// several quotas without an attribute to tell them apart, and whatever
    /// the task reader refuses in the text written (naming the key).
    ///
    /// # Example
    /// ```
    /// let form = shuangsui::TaskForm {
    ///     name: "2026年度双随机抽查".into(),
    ///     item: "企业公示信息检查".into(),
    ///     draw_date: "2026-12-01".into(),
    ///     strata_attr: "信用风险等级".into(),
    ///     strata: vec![("A".into(), "3%".into()), ("D".into(), "100％".into())],
    ///     ..Default::default()
    /// };
    /// let toml = form.to_toml()?;
    /// let task = shuangsui::TaskFile::parse(&toml, "task.toml")?.task;
    /// assert_eq!(task.strata[1].name, "信用风险等级=D");
    /// assert_eq!(task.strata[1].ratio_ppm, Some(1_000_000));
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn to_toml(&self) -> Result<String> {
        let mut out = vec![
            "# 抽查任务 (task file, SPEC.md §5.3), written from the task form".to_string(),
            format!("name = {}", toml_string(self.name.trim())),
            format!("item = {}", toml_string(self.item.trim())),
        ];
        let fields = split_list(&self.fields);
        if !fields.is_empty() {
            out.push(format!("fields = {}", toml_list(&fields)));
        }
        // "市场监管局, 1": the department and its inspectors per team.
        let departments: Vec<(String, Option<u64>)> = lines(&self.departments)
            .map(|l| match l.rsplit_once([',', '，']) {
                Some((name, n))
                    if !n.trim().is_empty() && n.trim().bytes().all(|b| b.is_ascii_digit()) =>
                {
                    (name.trim().to_string(), n.trim().parse().ok())
                }
                _ => (l.to_string(), None),
            })
            .collect();
        if !departments.is_empty() {
            let names: Vec<String> = departments.iter().map(|d| d.0.clone()).collect();
            out.push(format!("departments = {}", toml_list(&names)));
        }
        out.push(format!(
            "draw_date = {}",
            toml_string(self.draw_date.trim())
        ));
        let exclusions = split_list(&self.exclusions);
        if !exclusions.is_empty() {
            out.push(format!("exclusions = {}", toml_list(&exclusions)));
        }

        let attr = self.strata_attr.trim();
        let mut rows: Vec<(&str, Quota)> = Vec::new();
        for (v, q) in &self.strata {
            let q = quota(v.trim(), q)?;
            if !v.trim().is_empty() || q != Quota::Ratio(String::new()) {
                rows.push((v.trim(), q));
            }
        }
        let mut tables = Vec::new();
        if !attr.is_empty() && !rows.is_empty() {
            let ratios = rows.iter().all(|(_, q)| matches!(q, Quota::Ratio(_)));
            let counts = rows.iter().all(|(_, q)| matches!(q, Quota::Count(_)));
            if ratios || counts {
                let inner: Vec<String> = rows
                    .iter()
                    .map(|(v, q)| match q {
                        Quota::Ratio(r) => format!("{} = {}", toml_string(v), toml_string(r)),
                        Quota::Count(n) => format!("{} = {n}", toml_string(v)),
                    })
                    .collect();
                out.push(format!(
                    "strata_by = {{ attribute = {}, {} = {{ {} }} }}",
                    toml_string(attr),
                    if ratios { "ratios" } else { "counts" },
                    inner.join(", ")
                ));
            } else {
                // Ratios and counts mixed: one table a stratum.
                for (v, q) in &rows {
                    tables.push(String::new());
                    tables.push("[[strata]]".into());
                    tables.push(format!(
                        "where = {{ {} = {} }}",
                        toml_string(attr),
                        toml_string(v)
                    ));
                    tables.push(quota_key(q));
                }
            }
        } else if let Some((_, q)) = rows.first() {
            if rows.len() > 1 {
                return Err(form_error(
                    format!("{} quotas are given but no attribute to divide the entities by; name the attribute (e.g. 信用风险等级), or keep one quota for all entities", rows.len()),
                    format!("填写了 {} 个抽查比例，却没有填写分层依据；请填写分层依据（如“信用风险等级”），或只保留一个适用于全部检查对象的比例", rows.len()),
                ));
            }
            // One stratum of every entity: the reader names it (全部).
            tables.push(String::new());
            tables.push("[[strata]]".into());
            tables.push(quota_key(q));
        }
        out.extend(tables);

        out.push(String::new());
        out.push("[team]".into());
        let size = whole(&self.size, "the team size", "检查组人数")?.unwrap_or(2);
        out.push(format!("size = {size}"));
        if let Some(m) = whole(
            &self.max_per_inspector,
            "the most teams per inspector",
            "每名检查人员最多参加的检查组数",
        )? {
            out.push(format!("max_per_inspector = {m}"));
        }
        if self.avoid_area {
            out.push(format!("avoid_same = [{}]", toml_string("所属区域")));
        }
        let conflicts: Vec<Vec<&str>> = lines(&self.conflicts)
            .map(|l| {
                l.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .collect();
        if !conflicts.is_empty() {
            out.push("conflicts = [".into());
            for pair in &conflicts {
                out.push(format!(
                    "  {{ entity = {}, inspector = {} }},",
                    toml_string(pair.first().copied().unwrap_or("")),
                    toml_string(pair.get(1).copied().unwrap_or(""))
                ));
            }
            out.push("]".into());
        }
        for (name, count) in &departments {
            if let Some(n) = count {
                out.push(String::new());
                out.push("[[team.departments]]".into());
                out.push(format!("name = {}", toml_string(name)));
                out.push(format!("count = {n}"));
            }
        }
        let mut text = out.join("\n") + "\n";
        text.push_str(&self.columns.to_toml());
        TaskFile::parse(&text, "task.toml")?;
        Ok(text)
    }
}

impl TaskForm {
    /// The form that writes exactly `task` (SPEC §5.3 read back gives the
    /// same canonical task, and so the same task digest), or `None` when
    /// the form cannot say it: strata on several attributes or values,
    /// cross-area rules other than 所属区域, a list item holding a
    /// separator. The page fills its task form from an announcement's task
    /// with it; a task it cannot express is shown read-only instead.
    pub fn of_task(task: &Task) -> Option<TaskForm> {
        let join = |v: &[String]| v.join("\n");
        let quotas = |s: &crate::spec::task::Stratum| match (s.ratio_ppm, s.count) {
            (Some(r), _) => Some(ratio_text(r)),
            // A count with its unit: a bare number is refused (see `quota`).
            (None, Some(c)) => Some(format!("{c}户")),
            (None, None) => None,
        };
        let (strata_attr, strata) = match task.strata.as_slice() {
            [only] if only.conditions.is_empty() => {
                (String::new(), vec![(String::new(), quotas(only)?)])
            }
            all => {
                let attr = all.first()?.conditions.first()?.attribute.clone();
                let rows = all
                    .iter()
                    .map(|s| match s.conditions.as_slice() {
                        [c] if c.attribute == attr && c.values.len() == 1 => {
                            Some((c.values[0].clone(), quotas(s)?))
                        }
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                (attr, rows)
            }
        };
        let departments = task
            .departments
            .iter()
            .map(
                |d| match task.team.per_department.iter().find(|q| &q.department == d) {
                    Some(q) => format!("{d}, {}", q.count),
                    None => d.clone(),
                },
            )
            .collect::<Vec<_>>();
        let avoid_area = match task.team.avoid_same.as_slice() {
            [] => false,
            [a] if a.entity == "所属区域" && a.inspector == "所属区域" => true,
            _ => return None,
        };
        let form = TaskForm {
            name: task.name.clone(),
            item: task.item.clone(),
            draw_date: task.draw_date.clone(),
            fields: join(&task.fields),
            departments: departments.join("\n"),
            exclusions: join(&task.exclusions),
            strata_attr,
            strata,
            size: task.team.size.to_string(),
            max_per_inspector: task
                .team
                .max_per_inspector
                .map(|m| m.to_string())
                .unwrap_or_default(),
            avoid_area,
            conflicts: task
                .team
                .conflicts
                .iter()
                .map(|c| format!("{}, {}", c.entity, c.inspector))
                .collect::<Vec<_>>()
                .join("\n"),
            columns: FormColumns::default(),
        };
        // Whatever the form would write is read back and compared: only
        // exactly the same task is offered.
        let again = TaskFile::parse(&form.to_toml().ok()?, "task.toml")
            .ok()?
            .task;
        (&again == task).then_some(form)
    }
}

/// A task file's text with column mappings chosen elsewhere (the page's
/// file boxes) added as `[columns.*]` tables, checked by the task reader,
/// so that the command line reads the directories the same way.
///
/// # Errors
/// The reader's error for a task file that is not valid itself;
/// `InvalidTask` when the file already maps the columns of a directory (a
/// second table cannot be added), with the lines to add by hand.
pub fn with_columns(text: &str, source: &str, columns: &FormColumns) -> Result<String> {
    TaskFile::parse(text, source)?;
    if columns.is_empty() {
        return Ok(text.to_string());
    }
    let tables = columns.to_toml();
    let out = format!(
        "{}\n\n# 页面上指定的列对应 (column mappings chosen on the page){}",
        text.trim_end_matches(['\n', '\r']),
        tables
    );
    match TaskFile::parse(&out, source) {
        Ok(_) => Ok(out),
        Err(_) => Err(form_error(
            format!("the task file maps columns already, in a way the page's mappings cannot be added to; add these lines to it by hand:\n{}", tables.trim()),
            format!("任务文件中已有的列对应与页面上的冲突，无法自动写入；请把以下内容加入任务文件：\n{}", tables.trim()),
        )
        .in_file(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> TaskForm {
        TaskForm {
            name: "2026年度双随机抽查".into(),
            item: "企业公示信息检查".into(),
            draw_date: "2026-12-01".into(),
            strata_attr: "信用风险等级".into(),
            strata: vec![
                ("A".into(), "3%".into()),
                ("B".into(), "5 %".into()),
                ("C".into(), "10％".into()),
                ("D".into(), "100%".into()),
            ],
            size: "2".into(),
            ..Default::default()
        }
    }

    fn task_of(f: &TaskForm) -> crate::Task {
        TaskFile::parse(&f.to_toml().unwrap(), "task.toml")
            .unwrap()
            .task
    }

    #[test]
    fn the_form_gives_the_task_of_the_equivalent_task_file() {
        let mut f = form();
        f.fields = "食品安全，特种设备".into();
        f.departments = "阜康市市场监督管理局, 1\n阜康市应急管理局，1\n".into();
        f.exclusions = "91652302MAYYDYBDX3、 91652302MA78JQ6R4E".into();
        f.max_per_inspector = " 3 ".into();
        f.avoid_area = true;
        f.conflicts = "91652302MAYYDYBDX3, ZF001\n".into();
        f.columns.entities = vec![("纳税人识别号".into(), "统一社会信用代码".into())];
        let text = f.to_toml().unwrap();
        let by_hand = r#"
name = "2026年度双随机抽查"
item = "企业公示信息检查"
fields = ["特种设备", "食品安全"]
draw_date = 2026-12-01
exclusions = ["91652302MA78JQ6R4E", "91652302MAYYDYBDX3"]
strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", C = "10%", D = "100%" } }
[team]
size = 2
max_per_inspector = 3
avoid_same = ["所属区域"]
conflicts = [{ entity = "91652302MAYYDYBDX3", inspector = "ZF001" }]
[[team.departments]]
name = "阜康市市场监督管理局"
count = 1
[[team.departments]]
name = "阜康市应急管理局"
count = 1
[columns.entities]
"纳税人识别号" = "统一社会信用代码"
"#;
        let a = TaskFile::parse(&text, "task.toml").unwrap();
        let b = TaskFile::parse(by_hand, "task.toml").unwrap();
        assert_eq!(a, b, "{text}");
        assert_eq!(a.task.digest(), b.task.digest());
        assert_eq!(a.task.departments.len(), 2);
        assert_eq!(a.task.team.per_department[1].department, "阜康市应急管理局");
        assert_eq!(a.task.strata[2].ratio_ppm, Some(100_000));
        assert!(
            text.contains("[columns.entities]\n\"纳税人识别号\" = \"统一社会信用代码\"\n"),
            "{text}"
        );
    }

    #[test]
    fn counts_mixed_ratios_and_one_stratum_of_all() {
        let mut f = form();
        f.strata = vec![("A".into(), "2户".into()), ("B".into(), "7 户".into())];
        let t = task_of(&f);
        assert_eq!(t.strata[0].count, Some(2));
        assert_eq!(t.strata[1].count, Some(7));
        // Ratios and counts mixed: one table a stratum, named by the reader.
        f.strata = vec![("A".into(), "2户".into()), ("B".into(), "50%".into())];
        let t = task_of(&f);
        assert_eq!((t.strata[0].count, t.strata[0].ratio_ppm), (Some(2), None));
        assert_eq!(t.strata[1].name, "信用风险等级=B");
        assert_eq!(t.strata[1].ratio_ppm, Some(500_000));
        // No attribute: one stratum of every entity, named 全部 by the
        // reader (not by the page's language).
        f.strata_attr = " ".into();
        f.strata = vec![("".into(), "20%".into())];
        let t = task_of(&f);
        assert_eq!(t.strata.len(), 1);
        assert_eq!(t.strata[0].name, "全部");
        assert!(t.strata[0].conditions.is_empty());
        assert_eq!(t.strata[0].ratio_ppm, Some(200_000));
        // Several quotas and no attribute would apply only the first.
        f.strata = vec![("A".into(), "3%".into()), ("B".into(), "5%".into())];
        let e = f.to_toml().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTask);
        assert!(e.message_zh().contains("分层依据"), "{}", e.message_zh());
        // A number without a unit is refused, never read as a count.
        f.strata_attr = "信用风险等级".into();
        for bare in ["3", " 3 ", "2.5"] {
            f.strata = vec![("A".into(), bare.into())];
            let e = f.to_toml().unwrap_err();
            assert!(
                e.message_zh().contains("没有单位"),
                "{bare}: {}",
                e.message_zh()
            );
            assert!(e.message().contains("no unit"), "{bare}: {e}");
        }
        f.strata_attr = " ".into();
        // Empty rows are left out; no rows at all: the reader's default.
        f.strata = vec![("".into(), " ".into())];
        assert_eq!(task_of(&f).strata[0].ratio_ppm, Some(1_000_000));
    }

    #[test]
    fn text_is_quoted_and_bad_values_are_the_readers_complaint() {
        let mut f = form();
        f.name = "抽查 \"甲\" \\ 乙".into();
        assert_eq!(task_of(&f).name, "抽查 \"甲\" \\ 乙");
        // A quota that is neither is refused by the reader, naming the key.
        f.strata = vec![("A".into(), "three".into())];
        let e = f.to_toml().unwrap_err();
        assert!(e.message().contains("strata_by.ratios.A"), "{e}");
        let mut f = form();
        f.size = "2.5".into();
        let e = f.to_toml().unwrap_err();
        assert!(e.message_zh().contains("检查组人数"), "{}", e.message_zh());
        f.size = "1".into();
        assert!(f.to_toml().unwrap_err().message().contains("at least 2"));
        f.size = "".into();
        assert_eq!(task_of(&f).team.size, 2);
        let mut f = form();
        f.name = String::new();
        assert!(f.to_toml().unwrap_err().message().contains("`name`"));
        // Serde: the page's JSON, fields left out taking their defaults.
        let f: TaskForm = serde_json::from_str(
            r#"{"name":"a","item":"b","draw_date":"2026-01-01","strata":[["A","3%"]],"strata_attr":"信用风险等级","avoid_area":true}"#,
        )
        .unwrap();
        assert_eq!(task_of(&f).team.avoid_same.len(), 1);
        assert!(serde_json::from_str::<TaskForm>(r#"{"nmae":"a"}"#).is_err());
    }

    #[test]
    fn columns_are_added_to_a_task_file_once() {
        let text = "name = \"a\"\nitem = \"b\"\ndraw_date = 2026-01-01\n";
        let cols = FormColumns {
            entities: vec![("税号".into(), "id".into())],
            ..Default::default()
        };
        let out = with_columns(text, "task.toml", &cols).unwrap();
        assert!(out.starts_with(text), "{out}");
        let t = TaskFile::parse(&out, "task.toml").unwrap();
        assert_eq!(t.entity_columns, [("税号".to_string(), "id".to_string())]);
        // No mappings: the text as it is.
        assert_eq!(
            with_columns(text, "t", &FormColumns::default()).unwrap(),
            text
        );
        // A file that maps the entities itself cannot take a second table.
        let e = with_columns(&out, "task.toml", &cols).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTask);
        assert!(e.message().contains("\"税号\" = \"id\""), "{e}");
        assert!(e.message_zh().contains("请把以下内容加入任务文件"));
    }

    #[test]
    fn an_announced_task_fills_the_form_exactly_or_not_at_all() {
        // The demo: joint departments, the cross-area rule, conflicts.
        let demo = crate::synth::demo().unwrap();
        let task = &demo.announcement.task;
        let f = TaskForm::of_task(task).expect("the demo's task fits the form");
        assert_eq!(&task_of(&f), task);
        assert!(
            f.departments.contains("阜康市市场监督管理局, 1"),
            "{}",
            f.departments
        );
        assert!(f.avoid_area);
        // Every task the form writes comes back as that form's task.
        let mut f = form();
        f.strata = vec![("A".into(), "2户".into()), ("B".into(), "12.5%".into())];
        f.max_per_inspector = "3".into();
        let t = task_of(&f);
        assert_eq!(task_of(&TaskForm::of_task(&t).unwrap()), t);
        f.strata_attr = String::new();
        f.strata = vec![("".into(), "20%".into())];
        let t = task_of(&f);
        assert_eq!(task_of(&TaskForm::of_task(&t).unwrap()), t);
        // Strata on two attributes, or another cross-area rule: not a form.
        let two = TaskFile::parse(
            "name = \"n\"\nitem = \"i\"\ndraw_date = 2026-12-01\n[[strata]]\nwhere = { \"信用风险等级\" = \"A\", \"所属区域\" = \"甲\" }\nratio = \"5%\"\n",
            "t",
        )
        .unwrap()
        .task;
        assert_eq!(TaskForm::of_task(&two), None);
        let mut t = task_of(&form());
        t.team.avoid_same = vec![crate::AvoidSame {
            entity: "行业".into(),
            inspector: "执法领域".into(),
        }];
        assert_eq!(TaskForm::of_task(&t), None);
    }
}
