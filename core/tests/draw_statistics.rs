//! Statistical tests of uniformity with fixed seeds: deterministic (the
//! same seeds give the same counts on every run, so they never flake), yet
//! they fail if selection or assignment is biased.
//!
//! Critical values are chi-square quantiles at p = 0.001, so a correct
//! implementation passes for all but one in a thousand choices of the
//! fixed seeds, and these seeds were not chosen to pass.

use shuangsui::{
    draw, DrawInputs, EntityDirectory, Exclusions, InspectorDirectory, SeedSource, TaskFile,
};
use std::collections::BTreeMap;

fn chi_square(counts: &[u64], expected: f64) -> f64 {
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

fn setup(
    n: usize,
    inspectors: usize,
    count: u64,
) -> (shuangsui::Task, EntityDirectory, InspectorDirectory) {
    let mut e = String::from("统一社会信用代码,企业名称\n");
    for i in 0..n {
        let code = shuangsui::uscc::complete(format!("91652302{i:08}").as_bytes()).unwrap();
        e += &format!("{},企业{i}\n", String::from_utf8_lossy(&code));
    }
    let mut p = String::from("执法证号,姓名\n");
    for i in 0..inspectors {
        p += &format!("ZF{i:03},检查员{i}\n");
    }
    let task = TaskFile::parse(
        &format!("name='统计'\nitem='检查'\ndraw_date=2026-12-01\n[[strata]]\ncount={count}\n"),
        "t.toml",
    )
    .unwrap()
    .task;
    (
        task,
        EntityDirectory::from_csv(e.as_bytes(), "e.csv").unwrap(),
        InspectorDirectory::from_csv(p.as_bytes(), "i.csv").unwrap(),
    )
}

#[test]
fn every_entity_and_every_subset_is_equally_likely() {
    const DRAWS: u64 = 12_000;
    let (task, entities, inspectors) = setup(10, 6, 3);
    let excl = Exclusions::none();
    let mut per_entity: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_subset: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    let mut leaders: BTreeMap<String, u64> = BTreeMap::new();
    for s in 0..DRAWS {
        let seed = [SeedSource::parse(&format!("text:statistics {s}")).unwrap()];
        let r = draw(&DrawInputs {
            task: &task,
            entities: &entities,
            inspectors: &inspectors,
            exclusions: &excl,
            seed: &seed,
            announcement: shuangsui::Announced::V1,
        })
        .unwrap();
        let mut subset: Vec<String> = r.draws.iter().map(|d| d.entity.id.clone()).collect();
        for id in &subset {
            *per_entity.entry(id.clone()).or_default() += 1;
        }
        subset.sort();
        *per_subset.entry(subset).or_default() += 1;
        *leaders.entry(r.draws[0].team[0].id.clone()).or_default() += 1;
    }
    // Each entity: drawn with probability k/n = 3/10.
    let counts: Vec<u64> = per_entity.values().copied().collect();
    assert_eq!(counts.len(), 10);
    let chi = chi_square(&counts, DRAWS as f64 * 0.3);
    assert!(
        chi < 27.88,
        "entity counts {counts:?}, chi-square {chi:.1} ≥ 27.88 (9 d.o.f., p = 0.001)"
    );
    // Every one of the C(10,3) = 120 subsets equally likely.
    let subsets: Vec<u64> = per_subset.values().copied().collect();
    assert_eq!(subsets.len(), 120, "some 3-subsets never drawn");
    let chi = chi_square(&subsets, DRAWS as f64 / 120.0);
    assert!(
        chi < 173.6,
        "subset chi-square {chi:.1} ≥ 173.6 (119 d.o.f., p = 0.001)"
    );
    // The first team's leader is uniform over the 6 inspectors.
    let lead: Vec<u64> = leaders.values().copied().collect();
    assert_eq!(lead.len(), 6);
    let chi = chi_square(&lead, DRAWS as f64 / 6.0);
    assert!(
        chi < 20.52,
        "leader counts {lead:?}, chi-square {chi:.1} ≥ 20.52 (5 d.o.f., p = 0.001)"
    );
}

#[test]
fn assignments_spread_evenly_over_inspectors() {
    // 40 entities drawn, teams of 2 from 7 inspectors: 80 slots → loads 11 or 12.
    let (task, entities, inspectors) = setup(100, 7, 40);
    for s in 0..50 {
        let seed = [SeedSource::parse(&format!("lottery:{s} 1 2")).unwrap()];
        let r = draw(&DrawInputs {
            task: &task,
            entities: &entities,
            inspectors: &inspectors,
            exclusions: &Exclusions::none(),
            seed: &seed,
            announcement: shuangsui::Announced::V1,
        })
        .unwrap();
        let mut load: BTreeMap<&str, u64> = BTreeMap::new();
        for d in &r.draws {
            for m in &d.team {
                *load.entry(m.id.as_str()).or_default() += 1;
            }
        }
        let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
        assert_eq!(load.len(), 7);
        assert!(*min == 11 && *max == 12, "seed {s}: loads {load:?}");
    }
}
