//! Property tests of the draw (SPEC.md §5–§10): invariants that must hold
//! for any directory, task and seed.

use proptest::prelude::*;
use shuangsui::{
    draw, DrawInputs, DrawRecord, EntityDirectory, ErrorKind, Exclusions, InspectorDirectory,
    SeedSource, TaskFile,
};
use std::collections::{BTreeMap, BTreeSet};

const AREAS: [&str; 3] = ["博峰街道", "甘河子镇", "城关镇"];
const DEPTS: [&str; 2] = ["市场监管局", "税务局"];

#[derive(Debug, Clone)]
struct Ent {
    id: String,
    class: char,
    area: usize,
}

#[derive(Debug, Clone)]
struct Insp {
    id: String,
    dept: usize,
    food: bool,
    active: bool,
    expired: bool,
    area: usize,
}

#[derive(Debug, Clone)]
struct Case {
    ents: Vec<Ent>,
    insps: Vec<Insp>,
    ratios: [u32; 4],
    size: u64,
    cap: Option<u64>,
    cross_area: bool,
    joint: bool,
    conflicts: Vec<(usize, usize)>,
    excluded: Vec<usize>,
    seed: String,
}

fn case() -> impl Strategy<Value = Case> {
    let ents = prop::collection::btree_set(10_000_000u64..99_999_999, 1..50).prop_flat_map(|ids| {
        let n = ids.len();
        (
            Just(ids.into_iter().collect::<Vec<_>>()),
            prop::collection::vec((0usize..4, 0usize..3), n),
        )
            .prop_map(|(ids, attrs)| {
                ids.into_iter()
                    .zip(attrs)
                    .map(|(id, (c, a))| Ent {
                        id: String::from_utf8_lossy(
                            &shuangsui::uscc::complete(format!("91652302{id:08}").as_bytes())
                                .unwrap(),
                        )
                        .into_owned(),
                        class: b"ABCD"[c] as char,
                        area: a,
                    })
                    .collect::<Vec<_>>()
            })
    });
    let insps = prop::collection::vec(
        (0usize..2, any::<bool>(), 0u8..10, 0u8..10, 0usize..3),
        3..16,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (dept, food, a, x, area))| Insp {
                id: format!("ZF{:03}", i * 7 % 101),
                dept,
                food: food || i < 2,
                active: a > 0,
                expired: x == 0,
                area,
            })
            .collect::<Vec<_>>()
    });
    (
        ents,
        insps,
        [0u32..=100, 0u32..=100, 0u32..=100, 0u32..=100],
        2u64..4,
        prop::option::of(1u64..6),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((0usize..50, 0usize..12), 0..8),
        prop::collection::vec(0usize..50, 0..6),
        "[a-z0-9]{1,12}",
    )
        .prop_map(
            |(ents, insps, ratios, size, cap, cross_area, joint, conflicts, excluded, seed)| Case {
                ents,
                insps,
                ratios,
                size,
                cap,
                cross_area,
                joint,
                conflicts,
                excluded,
                seed,
            },
        )
}

fn entities_csv(c: &Case, order: &[usize], swap_columns: bool) -> String {
    let mut s = if swap_columns {
        String::from("所属区域,风险等级,企业名称,统一社会信用代码\n")
    } else {
        String::from("统一社会信用代码,企业名称,信用风险等级,所属区域\n")
    };
    for &i in order {
        let e = &c.ents[i];
        let name = format!("阜康市测试{i}商贸有限公司");
        if swap_columns {
            s += &format!(
                " {} ,{},{},{}\n",
                AREAS[e.area],
                e.class,
                name,
                e.id.to_lowercase()
            );
        } else {
            s += &format!("{},{},{},{}\n", e.id, name, e.class, AREAS[e.area]);
        }
    }
    s
}

fn inspectors_csv(c: &Case) -> String {
    let mut s = String::from("执法证号,姓名,部门,执法领域,状态,有效期,所属区域\n");
    for (i, p) in c.insps.iter().enumerate() {
        s += &format!(
            "{},检查员{i},{},{},{},{},{}\n",
            p.id,
            DEPTS[p.dept],
            if p.food {
                "食品安全;价格监管"
            } else {
                "价格监管"
            },
            if p.active { "有效" } else { "失效" },
            if p.expired {
                "2026-11-30"
            } else {
                "2027-12-31"
            },
            AREAS[p.area]
        );
    }
    s
}

fn task_toml(c: &Case) -> String {
    let mut t = String::from(
        "name = \"性质测试\"\nitem = \"食品经营行为检查\"\nfields = [\"食品安全\"]\ndraw_date = 2026-12-01\n",
    );
    t += &format!(
        "strata_by = {{ attribute = \"信用风险等级\", ratios = {{ A = \"{}%\", B = \"{}%\", C = \"{}%\", D = \"{}%\" }} }}\n",
        c.ratios[0], c.ratios[1], c.ratios[2], c.ratios[3]
    );
    t += &format!("[team]\nsize = {}\n", c.size);
    if let Some(cap) = c.cap {
        t += &format!("max_per_inspector = {cap}\n");
    }
    if c.cross_area {
        t += "avoid_same = [\"所属区域\"]\n";
    }
    let pairs: Vec<String> = c
        .conflicts
        .iter()
        .filter(|(e, i)| *e < c.ents.len() && *i < c.insps.len())
        .map(|(e, i)| {
            format!(
                "{{ inspector = \"{}\", entity = \"{}\" }}",
                c.insps[*i].id, c.ents[*e].id
            )
        })
        .collect();
    t += &format!("conflicts = [{}]\n", pairs.join(", "));
    if c.joint {
        t += &format!(
            "[[team.departments]]\nname = \"{}\"\ncount = 1\n[[team.departments]]\nname = \"{}\"\ncount = {}\n",
            DEPTS[0],
            DEPTS[1],
            c.size - 1
        );
    }
    t
}

struct Loaded {
    task: shuangsui::Task,
    entities: EntityDirectory,
    inspectors: InspectorDirectory,
    exclusions: Exclusions,
    seed: Vec<SeedSource>,
}

fn load(c: &Case, order: &[usize], swap: bool) -> Loaded {
    let task = TaskFile::parse(&task_toml(c), "task.toml")
        .expect("generated task is valid")
        .task;
    let entities =
        EntityDirectory::from_csv(entities_csv(c, order, swap).as_bytes(), "e.csv").unwrap();
    let inspectors = InspectorDirectory::from_csv(inspectors_csv(c).as_bytes(), "i.csv").unwrap();
    let exclusions = Exclusions::from_ids(
        c.excluded
            .iter()
            .filter(|&&i| i < c.ents.len())
            .map(|&i| c.ents[i].id.clone()),
    )
    .unwrap();
    let seed = vec![SeedSource::parse(&format!("text:{}", c.seed)).unwrap()];
    Loaded {
        task,
        entities,
        inspectors,
        exclusions,
        seed,
    }
}

fn run(l: &Loaded) -> shuangsui::Result<DrawRecord> {
    draw(&DrawInputs {
        task: &l.task,
        entities: &l.entities,
        inspectors: &l.inspectors,
        exclusions: &l.exclusions,
        seed: &l.seed,
        announcement: shuangsui::Announced::V1,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn draws_respect_every_rule(c in case()) {
        let order: Vec<usize> = (0..c.ents.len()).collect();
        let l = load(&c, &order, false);
        let record = match run(&l) {
            Ok(r) => r,
            Err(e) => {
                // Only the documented failures of a feasible-looking task.
                prop_assert!(matches!(e.kind(), ErrorKind::Infeasible | ErrorKind::NoQualifiedInspector), "{e}");
                return Ok(());
            }
        };
        let class_of: BTreeMap<&str, char> = c.ents.iter().map(|e| (e.id.as_str(), e.class)).collect();
        let area_of: BTreeMap<&str, usize> = c.ents.iter().map(|e| (e.id.as_str(), e.area)).collect();
        let insp: BTreeMap<&str, &Insp> = c.insps.iter().map(|p| (p.id.as_str(), p)).collect();
        let conflicts: BTreeSet<(String, String)> = c.conflicts.iter()
            .filter(|(e, i)| *e < c.ents.len() && *i < c.insps.len())
            .map(|(e, i)| (c.ents[*e].id.clone(), c.insps[*i].id.clone())).collect();

        // No entity twice; each stratum gives exactly its quota, from itself.
        let ids: BTreeSet<&str> = record.draws.iter().map(|d| d.entity.id.as_str()).collect();
        prop_assert_eq!(ids.len(), record.draws.len());
        for s in &record.strata {
            let class = s.name.chars().last().unwrap();
            let from_here: Vec<_> = record.draws.iter().filter(|d| d.stratum == s.index).collect();
            prop_assert_eq!(from_here.len() as u64, s.quota);
            let eligible = c.ents.iter().filter(|e| e.class == class && !l.exclusions.contains(&e.id)).count() as u64;
            prop_assert_eq!(s.eligible, eligible);
            let ratio = c.ratios[(class as u8 - b'A') as usize] as u64;
            prop_assert_eq!(s.quota, (eligible * ratio).div_ceil(100));
            for d in from_here {
                prop_assert_eq!(class_of[d.entity.id.as_str()], class);
                prop_assert!(!l.exclusions.contains(&d.entity.id));
            }
        }
        // Teams: full size, distinct, qualified, no conflicts, cross-area, caps, departments.
        let mut load: BTreeMap<&str, u64> = BTreeMap::new();
        for d in &record.draws {
            prop_assert_eq!(d.team.len() as u64, c.size);
            let members: BTreeSet<&str> = d.team.iter().map(|m| m.id.as_str()).collect();
            prop_assert_eq!(members.len() as u64, c.size);
            for (slot, m) in d.team.iter().enumerate() {
                let p = insp[m.id.as_str()];
                prop_assert!(p.active && !p.expired && p.food);
                prop_assert!(!conflicts.contains(&(d.entity.id.clone(), m.id.clone())));
                if c.cross_area {
                    prop_assert_ne!(p.area, area_of[d.entity.id.as_str()]);
                }
                if c.joint {
                    prop_assert_eq!(p.dept, if slot == 0 { 0 } else { 1 });
                }
                *load.entry(m.id.as_str()).or_default() += 1;
            }
        }
        if let Some(cap) = c.cap {
            prop_assert!(load.values().all(|&n| n <= cap));
        }
        // Without side rules, loads stay within one of each other.
        if !c.cross_area && !c.joint && c.conflicts.is_empty() && c.cap.is_none() && !record.draws.is_empty() {
            let qualified = c.insps.iter().filter(|p| p.active && !p.expired && p.food).count();
            let mut loads: Vec<u64> = c.insps.iter()
                .filter(|p| p.active && !p.expired && p.food)
                .map(|p| load.get(p.id.as_str()).copied().unwrap_or(0)).collect();
            loads.sort();
            prop_assert_eq!(loads.len(), qualified);
            prop_assert!(loads[loads.len() - 1] - loads[0] <= 1, "{:?}", loads);
        }
    }

    #[test]
    fn row_order_columns_and_aliases_do_not_matter(c in case(), rot in 0usize..50) {
        let order: Vec<usize> = (0..c.ents.len()).collect();
        let mut shuffled = order.clone();
        shuffled.rotate_left(rot % c.ents.len());
        shuffled.reverse();
        let a = load(&c, &order, false);
        let b = load(&c, &shuffled, true);
        prop_assert_eq!(a.entities.digest(), b.entities.digest());
        let ra = run(&a).map(|r| r.to_json_pretty()).map_err(|e| e.kind());
        let rb = run(&b).map(|r| r.to_json_pretty()).map_err(|e| e.kind());
        prop_assert_eq!(ra, rb);
    }

    #[test]
    fn any_change_changes_the_key(c in case(), other_seed in "[a-z0-9]{1,12}") {
        prop_assume!(other_seed != c.seed && c.ents.len() > 1);
        let order: Vec<usize> = (0..c.ents.len()).collect();
        let base = load(&c, &order, false);
        let Ok(r0) = run(&base) else { return Ok(()) };
        // Another seed.
        let mut l = load(&c, &order, false);
        l.seed = vec![SeedSource::parse(&format!("text:{other_seed}")).unwrap()];
        if let Ok(r) = run(&l) { prop_assert_ne!(&r.draw_key, &r0.draw_key); }
        // Another task (one more percent in class A).
        let mut c2 = c.clone();
        c2.ratios[0] = (c.ratios[0] + 1) % 101;
        if let Ok(r) = run(&load(&c2, &order, false)) { prop_assert_ne!(&r.draw_key, &r0.draw_key); }
        // One entity row fewer.
        let fewer: Vec<usize> = order[1..].to_vec();
        if let Ok(r) = run(&load(&c, &fewer, false)) { prop_assert_ne!(&r.draw_key, &r0.draw_key); }
        // One entity's attribute changed.
        let mut c3 = c.clone();
        c3.ents[0].area = (c.ents[0].area + 1) % 3;
        if let Ok(r) = run(&load(&c3, &order, false)) { prop_assert_ne!(&r.draw_key, &r0.draw_key); }
        // One more exclusion.
        let mut c4 = c.clone();
        c4.excluded.push(c.ents.len() - 1);
        let l4 = load(&c4, &order, false);
        if l4.exclusions != base.exclusions {
            if let Ok(r) = run(&l4) { prop_assert_ne!(&r.draw_key, &r0.draw_key); }
        }
    }
}
