//! The golden vectors of plans (`seeds/plans/`, SPEC §17; layout in
//! seeds/plans/README.md): each batch's announcement, every task's record
//! (or error kind) and the batch record with its visit list, reproduced by
//! the Rust core and by `seeds/verify.py`; and each batch verified whole.

use serde_json::{json, Value};
use shuangsui::{
    announce_batch, draw_batch, verify_batch, EntityDirectory, Exclusions, InspectorDirectory,
    PlanFile, TaskInputs, TaskOutcome,
};
use shuangsui_tests::vector_cases_plans;
use std::collections::BTreeMap;
use std::path::Path;

fn run(dir: &Path) -> Value {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
    };
    let err = |e: shuangsui::Error| json!({ "error": e.kind().name() });
    let text = String::from_utf8(read("plan.toml")).unwrap();
    let plan = match PlanFile::parse(&text, "plan.toml") {
        Ok(p) => p,
        Err(e) => return err(e),
    };
    let given: Vec<Value> = serde_json::from_slice(&read("batches.json")).unwrap();
    let mut entities = BTreeMap::new();
    let mut inspectors = BTreeMap::new();
    let mut batches = Vec::new();
    for (batch, inputs) in plan.batches.iter().zip(&given) {
        let mut exclusions = Vec::new();
        for t in &batch.tasks {
            entities.entry(t.entities_file.clone()).or_insert_with(|| {
                EntityDirectory::from_csv(&read(&t.entities_file), &t.entities_file).unwrap()
            });
            inspectors
                .entry(t.inspectors_file.clone())
                .or_insert_with(|| {
                    InspectorDirectory::from_csv(&read(&t.inspectors_file), &t.inspectors_file)
                        .unwrap()
                });
            let mut x = t.file.exclusions.clone();
            for f in &t.exclusions_files {
                x = x.union(&Exclusions::from_csv(&read(f), f).unwrap());
            }
            exclusions.push(x);
        }
        let tasks: Vec<TaskInputs> = batch
            .tasks
            .iter()
            .zip(&exclusions)
            .map(|(t, x)| TaskInputs {
                task: &t.file.task,
                entities: &entities[&t.entities_file],
                inspectors: &inspectors[&t.inspectors_file],
                exclusions: x,
            })
            .collect();
        let published = inputs["published"].as_str().unwrap();
        let seed: Vec<String> = inputs["seed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let a = match announce_batch(
            &plan.name,
            &batch.name,
            &tasks,
            &batch.seed_forms,
            published,
        ) {
            Ok(a) => a,
            Err(e) => return err(e),
        };
        let d = match draw_batch(&a, &tasks, &seed, &|_, _| {}) {
            Ok(d) => d,
            Err(e) => return err(e),
        };
        let records: Vec<Value> = d
            .outcomes
            .iter()
            .map(|o| match o {
                TaskOutcome::Drawn(r) => serde_json::to_value(&**r).unwrap(),
                TaskOutcome::Failed(e) => json!({ "error": e.kind().name() }),
            })
            .collect();
        // The batch verifies whole, from the published files.
        let texts: Vec<Option<String>> = d
            .outcomes
            .iter()
            .map(|o| match o {
                TaskOutcome::Drawn(r) => Some(r.to_json_pretty()),
                TaskOutcome::Failed(_) => None,
            })
            .collect();
        let check = verify_batch(&a, &d.record.to_json_pretty(), &texts, &tasks).unwrap();
        assert!(check.reproduced, "{}: {check:?}", dir.display());
        batches.push(json!({
            "announcement": a,
            "records": records,
            "batch": d.record,
        }));
    }
    json!({ "batches": batches })
}

#[test]
fn every_plan_golden_vector_reproduces() {
    let cases = vector_cases_plans();
    assert!(
        cases.len() >= 3,
        "expected at least 3 plan cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let actual = run(dir);
        let path = dir.join("expected.json");
        match std::fs::read(&path) {
            Ok(b) => {
                let expected: Value = serde_json::from_slice(&b).unwrap();
                if expected != actual {
                    failures.push(format!(
                        "{name}: expected.json differs from the computed result"
                    ));
                }
            }
            Err(_) if std::env::var("SHUANGSUI_BLESS").is_ok() => {
                let mut s = serde_json::to_string_pretty(&actual).unwrap();
                s.push('\n');
                std::fs::write(&path, s).unwrap();
            }
            Err(e) => failures.push(format!("{name}: {e} (SHUANGSUI_BLESS=1 writes it)")),
        }
    }
    assert!(
        failures.is_empty(),
        "plan golden vectors differ:\n{}",
        failures.join("\n")
    );
}
