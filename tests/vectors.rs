//! The golden vectors of `seeds/` (SPEC.md): one loop runs every case folder.
//!
//! Each folder holds the inputs (`entities.csv`, `inspectors.csv`,
//! `task.toml`, `seed.txt`, optionally `exclusions.csv`) and `expected.json`:
//! the full expected record, or `{"error": "<ErrorKind>"}`. Adding a case
//! means adding a folder. `SHUANGSUI_BLESS=1` writes `expected.json` for a
//! case that has none yet; it never overwrites one, because a changed
//! result is a new protocol version, not an edited vector.

use shuangsui::{
    draw, verify, DrawInputs, EntityDirectory, Exclusions, InspectorDirectory, SeedSource,
    TaskFile, Verification,
};
use shuangsui_tests::vector_cases;
use std::path::Path;

fn run_case(dir: &Path) -> shuangsui::Result<shuangsui::DrawRecord> {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    let task_file = TaskFile::parse(
        &String::from_utf8(read("task.toml")).expect("UTF-8 task"),
        "task.toml",
    )?;
    let entities = EntityDirectory::from_csv(&read("entities.csv"), "entities.csv")?;
    let inspectors = InspectorDirectory::from_csv(&read("inspectors.csv"), "inspectors.csv")?;
    let mut exclusions = task_file.exclusions.clone();
    if dir.join("exclusions.csv").exists() {
        exclusions = exclusions.union(&Exclusions::from_csv(
            &read("exclusions.csv"),
            "exclusions.csv",
        )?);
    }
    let seed: Vec<SeedSource> = String::from_utf8(read("seed.txt"))
        .expect("UTF-8 seed")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(SeedSource::parse)
        .collect::<shuangsui::Result<_>>()?;
    let record = draw(&DrawInputs {
        task: &task_file.task,
        entities: &entities,
        inspectors: &inspectors,
        exclusions: &exclusions,
        seed: &seed,
        announcement: shuangsui::Announced::V1,
    })?;
    // Every successful vector must also verify against its own inputs.
    assert_eq!(
        verify(
            &record.to_json_pretty(),
            &entities,
            &inspectors,
            &exclusions
        )?,
        Verification::Reproduced,
        "{}",
        dir.display()
    );
    Ok(record)
}

#[test]
fn every_golden_vector_reproduces() {
    let cases = vector_cases();
    assert!(
        cases.len() >= 12,
        "expected at least 12 vector cases, found {}",
        cases.len()
    );
    let bless = std::env::var_os("SHUANGSUI_BLESS").is_some();
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let result = run_case(dir);
        let actual: serde_json::Value = match &result {
            Ok(r) => serde_json::to_value(r).unwrap(),
            Err(e) => serde_json::json!({ "error": e.kind().name() }),
        };
        let expected_path = dir.join("expected.json");
        if !expected_path.exists() {
            if bless {
                let text = match &result {
                    Ok(r) => r.to_json_pretty(),
                    Err(_) => serde_json::to_string_pretty(&actual).unwrap() + "\n",
                };
                std::fs::write(&expected_path, text).unwrap();
                eprintln!(
                    "blessed {name}: {}",
                    result
                        .as_ref()
                        .map(|_| "record".to_string())
                        .unwrap_or_else(|e| e.to_string())
                );
                continue;
            }
            failures.push(format!("{name}: no expected.json"));
            continue;
        }
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&expected_path).unwrap()).unwrap();
        if expected != actual {
            let detail = match &result {
                Err(e) => format!("error {e}"),
                Ok(_) => first_json_difference(&expected, &actual, "$"),
            };
            failures.push(format!("{name}: {detail}"));
        }
    }
    assert!(
        failures.is_empty(),
        "golden vectors differ:\n{}",
        failures.join("\n")
    );
}

fn first_json_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value::*;
    match (a, b) {
        (Object(x), Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if v != w => {
                        return first_json_difference(v, w, &format!("{path}.{k}"))
                    }
                    None => return format!("{path}.{k} missing in actual"),
                    _ => {}
                }
            }
            format!("{path}: extra keys in actual")
        }
        (Array(x), Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return first_json_difference(v, w, &format!("{path}[{i}]"));
                }
            }
            format!("{path}: length {} expected, {} actual", x.len(), y.len())
        }
        _ => format!("{path}: expected {a}, actual {b}"),
    }
}
