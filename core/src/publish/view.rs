//! The result as the page shows it (issue 15): the drawn entities' area and
//! stratum attributes beside each row, and a search over the rows.
//!
//! The record names each drawn entity by id and name only (SPEC §11); its
//! other columns are read back from the directory the draw was made from,
//! which the page holds. Nothing here changes the record or what is
//! published from it.

use crate::input::population::EntitySource;
use crate::record::DrawRecord;
use crate::{Error, ErrorKind, Result};

/// The attribute every result shows first when the directory has it.
const AREA: &str = "所属区域";

/// The drawn entities' attributes, by draw, and what a search looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultView {
    /// The attribute columns, canonical keys (SPEC §3.3): 所属区域 first,
    /// then the attributes the task's strata are defined by, each once;
    /// only those at least one drawn entity has a value for.
    columns: Vec<String>,
    /// By draw (the record's order): the value of each column ("" when the
    /// entity has none).
    values: Vec<Vec<String>>,
    /// By draw: what a search looks at, folded (see [`fold`]), the fields
    /// separated by a line end (which no word of a query holds), so that a
    /// search of 100,000 draws compares text without making any.
    haystacks: Vec<String>,
}

impl ResultView {
    /// The view of `record`, its drawn entities' attributes read from
    /// `entities`, the directory the draw was made from.
    ///
    /// # Errors
    /// `InvalidValue` when `entities` is not the record's directory (its
    /// digest differs: another file, or the file changed); `Io` when the
    /// rows cannot be read back.
    pub fn new(record: &DrawRecord, entities: &dyn EntitySource) -> Result<ResultView> {
        if crate::hex(&entities.directory_digest()) != record.entities.digest {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "the entity directory on the page is not the one this draw was made from; load that file again to see the drawn entities' areas",
                "页面上的检查对象名录库不是本次抽取所用的文件；请重新载入该文件，才能显示抽中对象的所属区域",
            ));
        }
        let mut wanted: Vec<String> = vec![AREA.to_string()];
        for s in &record.task.strata {
            for c in &s.conditions {
                if !matches!(c.attribute.as_str(), "id" | "name") && !wanted.contains(&c.attribute)
                {
                    wanted.push(c.attribute.clone());
                }
            }
        }
        let positions: Vec<u32> = record
            .draws
            .iter()
            .map(|d| entities.position(&d.entity.id).unwrap_or(u32::MAX))
            .collect();
        // An id the directory lacks cannot be: the digests are equal.
        let known: Vec<u32> = positions
            .iter()
            .copied()
            .filter(|&p| p != u32::MAX)
            .collect();
        let read = entities.entities_at(&known, &|k| wanted.iter().any(|w| w == k))?;
        let mut read = read.into_iter();
        let values: Vec<Vec<String>> = positions
            .iter()
            .map(|&p| {
                let e = if p == u32::MAX { None } else { read.next() };
                wanted
                    .iter()
                    .map(|k| {
                        e.as_ref()
                            .and_then(|e| e.attribute(k))
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect()
            })
            .collect();
        // Columns no drawn entity has a value for are left out.
        let shown: Vec<usize> = (0..wanted.len())
            .filter(|&c| values.iter().any(|v| !v[c].is_empty()))
            .collect();
        let values = values
            .into_iter()
            .map(|v| shown.iter().map(|&c| v[c].clone()).collect())
            .collect();
        Ok(ResultView::with(
            record,
            shown.iter().map(|&c| wanted[c].clone()).collect(),
            values,
        ))
    }

    fn with(record: &DrawRecord, columns: Vec<String>, values: Vec<Vec<String>>) -> ResultView {
        let haystacks = record
            .draws
            .iter()
            .zip(&values)
            .map(|(d, v)| {
                let fields = [d.entity.id.as_str(), d.entity.name.as_str()]
                    .into_iter()
                    .chain(v.iter().map(String::as_str))
                    .chain(d.team.iter().flat_map(|m| [m.name.as_str(), m.id.as_str()]));
                let mut hay = String::new();
                for f in fields {
                    hay.push_str(&fold(f));
                    hay.push('\n');
                }
                hay
            })
            .collect();
        ResultView {
            columns,
            values,
            haystacks,
        }
    }

    /// The view of `record` without its directory: no attribute columns
    /// (a search still finds codes, names and inspectors).
    pub fn without_directory(record: &DrawRecord) -> ResultView {
        ResultView::with(record, Vec::new(), vec![Vec::new(); record.draws.len()])
    }

    /// The attribute columns (canonical keys), in the order shown.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The number of draws.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Draw `n`'s value for each column (empty past the end).
    pub fn values(&self, n: usize) -> &[String] {
        self.values.get(n).map_or(&[], Vec::as_slice)
    }

    /// The draws (indexes into the record's `draws`, ascending) that a
    /// search for `query` finds: every word of the query (split at spaces;
    /// full-width letters and digits read as ASCII, letters in either case)
    /// occurs in the entity's 统一社会信用代码, name or an attribute shown,
    /// or in a team member's name or 执法证号. An empty query finds every
    /// draw.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
        (0..self.haystacks.len())
            .filter(|&n| words.iter().all(|w| self.haystacks[n].contains(w.as_str())))
            .map(|n| n as u32)
            .collect()
    }
}

/// Text as a search compares it: full-width ASCII (`９１６５`, `Ａ`) and
/// the ideographic space as their ASCII forms, ASCII letters in lower case.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{csv, Kind};
    use crate::{draw, read_seed, Announced, DrawInputs, EntityDirectory, InspectorDirectory};

    fn drawn() -> (DrawRecord, EntityDirectory) {
        let entities = csv(Kind::Entities, "例", 300).unwrap();
        let entities = EntityDirectory::from_csv(entities.as_bytes(), "entities.csv").unwrap();
        let inspectors = csv(Kind::Inspectors, "例", 12).unwrap();
        let inspectors =
            InspectorDirectory::from_csv(inspectors.as_bytes(), "inspectors.csv").unwrap();
        let task = crate::TaskFile::parse(
            r#"
name = "测试"
item = "企业公示信息检查"
draw_date = 2026-12-01
strata_by = { attribute = "信用风险等级", ratios = { A = "10%", B = "10%", C = "10%", D = "50%" } }
[[seed]]
lottery = "福彩3D"
issue = "2026318"
date = 2026-11-30
"#,
            "task.toml",
        )
        .unwrap();
        let ann = crate::announce(
            &task.task,
            &entities,
            &inspectors,
            &task.exclusions,
            &task.seed_forms,
            "2026-11-29",
        )
        .unwrap();
        let seed = read_seed(&ann, &["3 0 7".to_string()]).unwrap();
        let record = draw(&DrawInputs {
            task: &task.task,
            entities: &entities,
            inspectors: &inspectors,
            exclusions: &task.exclusions,
            seed: &seed,
            announcement: Announced::By(&ann),
        })
        .unwrap();
        (record, entities)
    }

    #[test]
    fn area_and_strata_attribute_of_each_drawn_entity() {
        let (record, entities) = drawn();
        let view = ResultView::new(&record, &entities).unwrap();
        assert_eq!(view.columns(), ["所属区域", "信用风险等级"]);
        assert_eq!(view.len(), record.draws.len());
        for (n, d) in record.draws.iter().enumerate() {
            let e = &entities.entities()[entities.position(&d.entity.id).unwrap() as usize];
            assert_eq!(view.values(n)[0], e.attribute("所属区域").unwrap());
            assert_eq!(view.values(n)[1], e.attribute("信用风险等级").unwrap());
            // The stratum's name says the same class.
            assert!(record.strata[d.stratum as usize]
                .name
                .ends_with(&view.values(n)[1]));
        }
    }

    #[test]
    fn search_by_code_name_area_and_inspector() {
        let (record, entities) = drawn();
        let view = ResultView::new(&record, &entities).unwrap();
        let all = view.search("  ");
        assert_eq!(all.len(), record.draws.len());
        let d = &record.draws[3];
        // A code, in lower case and full width.
        let code = d.entity.id.to_ascii_lowercase();
        assert_eq!(view.search(&code), [3]);
        let wide: String = d
            .entity
            .id
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(view.search(&wide), [3]);
        assert!(view.search(&d.entity.name).contains(&3));
        // An inspector's 执法证号 finds every draw of that inspector's teams.
        let cert = &d.team[0].id;
        let by_cert = view.search(cert);
        assert!(by_cert.contains(&3));
        assert!(by_cert
            .iter()
            .all(|&n| record.draws[n as usize].team.iter().any(|m| &m.id == cert)));
        // Two words: both must match.
        let area = view.values(3)[0].clone();
        let both = view.search(&format!("{area} {}", d.team[0].name));
        assert!(both.contains(&3));
        assert!(both.iter().all(|&n| view.values(n as usize)[0] == area));
        assert!(view.search("没有这样的企业").is_empty());
    }

    #[test]
    fn another_directory_is_refused() {
        let (record, _) = drawn();
        let other = csv(Kind::Entities, "别", 300).unwrap();
        let other = EntityDirectory::from_csv(other.as_bytes(), "other.csv").unwrap();
        let e = ResultView::new(&record, &other).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
    }
}
