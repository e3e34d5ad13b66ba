//! A canonical task written back as a task file, and the check that a task
//! found in a record or an announcement is canonical (SPEC.md §11, §12):
//! the task is written as TOML, read again by the one task reader
//! (`TaskFile::parse`), and the two are compared field by field. A record
//! whose task says `91652302mayydybdx3` in a conflict pair would otherwise
//! show a 回避 rule that the draw never applied.

use crate::spec::task::Task;
use serde_json::Value;

/// A ratio in parts per million as the task file writes it: `25000` →
/// `"2.5%"` (SPEC §5.1: at most four decimals).
pub(crate) fn ratio_text(ppm: u64) -> String {
    let (whole, frac) = (ppm / 10_000, ppm % 10_000);
    if frac == 0 {
        format!("{whole}%")
    } else {
        let f = format!("{frac:04}");
        format!("{whole}.{}%", f.trim_end_matches('0'))
    }
}

impl Task {
    /// The task as a task file (TOML, SPEC §5.3) that reads back to this
    /// task when it is canonical: for the page's task download and for
    /// restoring a task from an announcement.
    pub fn to_toml(&self) -> String {
        use toml::{Table, Value as T};
        let texts = |v: &[String]| T::Array(v.iter().cloned().map(T::String).collect());
        let mut t = Table::new();
        t.insert("name".into(), T::String(self.name.clone()));
        t.insert("item".into(), T::String(self.item.clone()));
        t.insert("fields".into(), texts(&self.fields));
        t.insert("departments".into(), texts(&self.departments));
        t.insert("draw_date".into(), T::String(self.draw_date.clone()));
        t.insert("exclusions".into(), texts(&self.exclusions));
        let strata = self
            .strata
            .iter()
            .map(|s| {
                let mut st = Table::new();
                st.insert("name".into(), T::String(s.name.clone()));
                let mut w = Table::new();
                for c in &s.conditions {
                    w.insert(c.attribute.clone(), texts(&c.values));
                }
                st.insert("where".into(), T::Table(w));
                match (s.ratio_ppm, s.count) {
                    (Some(r), _) => st.insert("ratio".into(), T::String(ratio_text(r))),
                    (None, Some(c)) => {
                        st.insert("count".into(), T::Integer(c.min(i64::MAX as u64) as i64))
                    }
                    (None, None) => None,
                };
                T::Table(st)
            })
            .collect();
        t.insert("strata".into(), T::Array(strata));
        let mut team = Table::new();
        let int = |n: u64| T::Integer(n.min(i64::MAX as u64) as i64);
        team.insert("size".into(), int(self.team.size));
        if let Some(m) = self.team.max_per_inspector {
            team.insert("max_per_inspector".into(), int(m));
        }
        let pairs = |v: Vec<(String, String)>| {
            T::Array(
                v.into_iter()
                    .map(|(e, i)| {
                        let mut p = Table::new();
                        p.insert("entity".into(), T::String(e));
                        p.insert("inspector".into(), T::String(i));
                        T::Table(p)
                    })
                    .collect(),
            )
        };
        team.insert(
            "avoid_same".into(),
            pairs(
                self.team
                    .avoid_same
                    .iter()
                    .map(|a| (a.entity.clone(), a.inspector.clone()))
                    .collect(),
            ),
        );
        team.insert(
            "conflicts".into(),
            pairs(
                self.team
                    .conflicts
                    .iter()
                    .map(|c| (c.entity.clone(), c.inspector.clone()))
                    .collect(),
            ),
        );
        if !self.team.per_department.is_empty() {
            team.insert(
                "departments".into(),
                T::Array(
                    self.team
                        .per_department
                        .iter()
                        .map(|d| {
                            let mut p = Table::new();
                            p.insert("name".into(), T::String(d.department.clone()));
                            p.insert("count".into(), int(d.count));
                            T::Table(p)
                        })
                        .collect(),
                ),
            );
        }
        t.insert("team".into(), T::Table(team));
        toml::to_string(&t).unwrap_or_default()
    }

    /// The first field in which this task is not in canonical form (SPEC
    /// §5, §11), as `(path, found, canonical)`, e.g.
    /// `("team.conflicts[0].entity", "\"91652302mayydybdx3\"",
    /// "\"91652302MAYYDYBDX3\"")`; `None` when it is canonical. A task
    /// that cannot be read back at all names the reader's complaint.
    pub fn canonical_difference(&self) -> Option<(String, String, String)> {
        let again = match crate::spec::task::TaskFile::parse(&self.to_toml(), "task") {
            Ok(f) => f.task,
            Err(e) => return Some(("task".into(), e.message().to_string(), String::new())),
        };
        if &again == self {
            return None;
        }
        let a = serde_json::to_value(self).unwrap_or(Value::Null);
        let b = serde_json::to_value(&again).unwrap_or(Value::Null);
        Some(first_difference("task", &a, &b))
    }

    /// The first field in which this task (the one on the page) differs
    /// from `announced`, in words a person reads (the field's name on the
    /// task form, then both values), or `None` when they are the same task:
    /// what the page says when an announcement loaded names another task
    /// than the one already there (SPEC §12: the draw would be refused).
    pub fn difference_from(&self, announced: &Task) -> Option<crate::Difference> {
        if self == announced {
            return None;
        }
        let a = serde_json::to_value(self).unwrap_or(Value::Null);
        let b = serde_json::to_value(announced).unwrap_or(Value::Null);
        let (path, here, there) = first_difference("task", &a, &b);
        let (here, there) = (readable(&here), readable(&there));
        let (en, zh) = field_label(&path);
        Some(crate::Difference {
            en: format!("the task on the page differs from the announced one: {en} is {here} here, {there} in the announcement"),
            zh: format!("页面上的抽查任务与公告中的不同：{zh}在页面上为 {here}，公告中为 {there}"),
        })
    }
}

/// A value of [`first_difference`] for a person: a text in quotation marks
/// (“2026-12-01”) rather than JSON's escaped string.
fn readable(json: &str) -> String {
    match serde_json::from_str::<Value>(json) {
        Ok(Value::String(s)) => format!("“{s}”"),
        _ => json.to_string(),
    }
}

/// The name of a task field, as the task form calls it, for a path of
/// [`first_difference`] (`task.team.size` → 每组人数).
fn field_label(path: &str) -> (&'static str, &'static str) {
    let key = path.strip_prefix("task.").unwrap_or(path);
    let top = key.split(['.', '[']).next().unwrap_or(key);
    let team = key
        .strip_prefix("team.")
        .map(|k| k.split(['.', '[']).next().unwrap_or(k));
    match (top, team) {
        ("name", _) => ("the task name (任务名称)", "任务名称"),
        ("item", _) => ("the inspection item (抽查事项)", "抽查事项"),
        ("fields", _) => ("the enforcement fields (执法领域)", "执法领域"),
        ("departments", _) => ("the departments (实施部门)", "实施部门"),
        ("draw_date", _) => ("the draw date (抽取日期)", "抽取日期"),
        ("exclusions", _) => ("the excluded entities (排除的对象)", "排除的对象"),
        ("strata", _) => (
            "the strata and their quotas (分层与抽查比例)",
            "分层与抽查比例",
        ),
        (_, Some("size")) => ("the team size (每组人数)", "每组人数"),
        (_, Some("per_department")) => (
            "the inspectors per department (各部门人数)",
            "各部门每组人数",
        ),
        (_, Some("max_per_inspector")) => (
            "the most teams per inspector (每人最多参加组数)",
            "每人最多参加组数",
        ),
        (_, Some("avoid_same")) => ("the cross-area rule (异地交叉检查)", "异地交叉检查"),
        (_, Some("conflicts")) => ("the conflicts of interest (回避)", "回避"),
        _ => ("the task", "抽查任务"),
    }
}

/// The path of the first place where two JSON values differ, with both
/// values there.
fn first_difference(path: &str, a: &Value, b: &Value) -> (String, String, String) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if w == v => {}
                    Some(w) => return first_difference(&format!("{path}.{k}"), v, w),
                    None => return (format!("{path}.{k}"), v.to_string(), "(none)".into()),
                }
            }
            (path.into(), a.to_string(), b.to_string())
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_difference(&format!("{path}[{i}]"), v, w);
                }
            }
            (
                path.into(),
                format!("{} items", x.len()),
                format!("{} items", y.len()),
            )
        }
        _ => (path.into(), a.to_string(), b.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ratios_read_back() {
        for ppm in [0, 1, 25_000, 30_000, 125_000, 333_333, 1_000_000] {
            let t = super::ratio_text(ppm);
            let toml = format!(
                "name = \"n\"\nitem = \"i\"\ndraw_date = 2026-12-01\n[[strata]]\nratio = \"{t}\"\n"
            );
            let task = crate::TaskFile::parse(&toml, "t").unwrap().task;
            assert_eq!(task.strata[0].ratio_ppm, Some(ppm), "{t}");
        }
    }

    #[test]
    fn every_vector_task_is_canonical_and_a_lower_case_conflict_is_not() {
        for dir in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../seeds")).unwrap() {
            let p = dir.unwrap().path().join("task.toml");
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let Ok(f) = crate::TaskFile::parse(&text, "task.toml") else {
                continue;
            };
            assert_eq!(f.task.canonical_difference(), None, "{}", p.display());
        }
        let mut t = crate::TaskFile::parse(
            "name = \"n\"\nitem = \"i\"\ndraw_date = 2026-12-01\n[team]\nconflicts = [{ entity = \"91652302MAYYDYBDX3\", inspector = \"ZF01\" }]\n",
            "t",
        )
        .unwrap()
        .task;
        assert_eq!(t.canonical_difference(), None);
        t.team.conflicts[0].entity = "91652302mayydybdx3".into();
        let (path, found, canonical) = t.canonical_difference().unwrap();
        assert_eq!(path, "task.team.conflicts[0].entity");
        assert_eq!(
            (found.as_str(), canonical.as_str()),
            ("\"91652302mayydybdx3\"", "\"91652302MAYYDYBDX3\"")
        );
        t.team.conflicts[0].entity = "91652302MAYYDYBDX3".into();
        t.name = " n".into();
        assert_eq!(t.canonical_difference().unwrap().0, "task.name");
    }

    #[test]
    fn the_difference_from_an_announced_task_names_the_field_in_words() {
        let read = |size: u32| {
            crate::TaskFile::parse(
                &format!(
                    "name = \"n\"\nitem = \"i\"\ndraw_date = 2026-12-01\n[team]\nsize = {size}\n"
                ),
                "t",
            )
            .unwrap()
            .task
        };
        assert_eq!(read(2).difference_from(&read(2)), None);
        let d = read(3).difference_from(&read(2)).unwrap();
        assert_eq!(
            d.zh,
            "页面上的抽查任务与公告中的不同：每组人数在页面上为 3，公告中为 2"
        );
        assert!(
            d.en.contains("the team size (每组人数) is 3 here, 2 in the announcement"),
            "{}",
            d.en
        );
        let mut other = read(2);
        other.draw_date = "2026-12-02".into();
        assert!(read(2)
            .difference_from(&other)
            .unwrap()
            .zh
            .contains("抽取日期在页面上为 “2026-12-01”，公告中为 “2026-12-02”"));
    }
}
