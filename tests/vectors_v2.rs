//! The golden vectors of protocol `shuangsui-draw/2` (`seeds/v2/`, layout
//! in seeds/v2/README.md), written by `seeds/verify.py` from SPEC.md alone:
//! the Rust core must agree with them byte for byte — the announcement,
//! the record or the error kind, and the assurance of verifying the record
//! with its announcement (SPEC §13.2). One loop runs every case folder.

use serde_json::{json, Value};
use shuangsui::{
    announce, conclude, draw, read_seed, verify, Announced, Announcement, DrawInputs,
    EntityDirectory, Exclusions, InspectorDirectory, SeedSource, TaskFile,
};
use shuangsui_tests::vector_cases_v2;
use std::path::Path;

struct Outcome {
    announcement: Option<Value>,
    result: Value,
    verify: Option<Value>,
}

fn run(dir: &Path) -> Outcome {
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    let text = |name: &str| read(name).map(|b| String::from_utf8(b).expect("UTF-8"));
    let err = |e: shuangsui::Error| json!({ "error": e.kind().name() });
    let mut out = Outcome {
        announcement: None,
        result: Value::Null,
        verify: None,
    };
    let task = match TaskFile::parse(&text("task.toml").unwrap(), "task.toml") {
        Ok(t) => t,
        Err(e) => {
            out.result = err(e);
            return out;
        }
    };
    let entities =
        EntityDirectory::from_csv(&read("entities.csv").unwrap(), "entities.csv").unwrap();
    let inspectors =
        InspectorDirectory::from_csv(&read("inspectors.csv").unwrap(), "inspectors.csv").unwrap();
    let mut exclusions = task.exclusions.clone();
    if let Some(x) = read("exclusions.csv") {
        exclusions = exclusions.union(&Exclusions::from_csv(&x, "exclusions.csv").unwrap());
    }
    let lines: Vec<String> = text("seed.txt")
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let published = text("published.txt").map(|p| p.trim().to_string());
    // The announcement: built from the inputs, then read back as published
    // (or a hand-made one read in its place).
    let announcement = match &published {
        Some(p) => {
            let built = match announce(
                &task.task,
                &entities,
                &inspectors,
                &exclusions,
                &task.seed_forms,
                p,
            ) {
                Ok(a) => a,
                Err(e) => {
                    out.result = err(e);
                    return out;
                }
            };
            out.announcement = Some(serde_json::to_value(&built).unwrap());
            let published_text =
                text("given-announcement.json").unwrap_or_else(|| built.to_json_pretty());
            match Announcement::from_json(&published_text) {
                Ok(a) => Some(a),
                Err(e) => {
                    out.result = err(e);
                    return out;
                }
            }
        }
        None => None,
    };
    let seed: Vec<SeedSource> = match &announcement {
        Some(a) => read_seed(a, &lines),
        None => lines
            .iter()
            .map(|l| SeedSource::parse_unannounced(l))
            .collect(),
    }
    .map_err(err)
    .map_or_else(
        |e| {
            out.result = e;
            None
        },
        Some,
    )
    .unwrap_or_default();
    if !out.result.is_null() {
        return out;
    }
    let record = match draw(&DrawInputs {
        task: &task.task,
        entities: &entities,
        inspectors: &inspectors,
        exclusions: &exclusions,
        seed: &seed,
        announcement: announcement
            .as_ref()
            .map_or(Announced::Unannounced, Announced::By),
    }) {
        Ok(r) => r,
        Err(e) => {
            out.result = err(e);
            return out;
        }
    };
    out.result = serde_json::to_value(&record).unwrap();
    // The record as published (or a hand-made one), verified with the
    // announcement given.
    let published_record = text("given-record.json").unwrap_or_else(|| record.to_json_pretty());
    let v = verify(&published_record, &entities, &inspectors, &exclusions).unwrap();
    let read_back = shuangsui::DrawRecord::from_json(&published_record).ok();
    let (v, a) = match &read_back {
        Some(r) => conclude(r, v, announcement.as_ref()),
        None => (v, shuangsui::Assurance::not_reproduced(&record.protocol)),
    };
    let mut expected = json!({
        "reproduced": v == shuangsui::Verification::Reproduced,
        "committed_before_seed": a.committed_before_seed,
        "seed_form_bound": a.seed_form_bound,
    });
    if a.reproduced {
        expected["entropy_bits"] = a.entropy_bits.map_or(Value::Null, |e| json!(e));
    }
    out.verify = Some(expected);
    out
}

#[test]
fn every_v2_golden_vector_reproduces() {
    let cases = vector_cases_v2();
    assert!(
        cases.len() >= 16,
        "expected at least 16 v2 cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    let load = |p: &Path| -> Option<Value> {
        std::fs::read(p)
            .ok()
            .map(|b| serde_json::from_slice(&b).unwrap())
    };
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let out = run(dir);
        let pairs = [
            ("announcement.json", out.announcement),
            ("expected.json", Some(out.result)),
            ("expected-verify.json", out.verify),
        ];
        for (file, actual) in pairs {
            let expected = load(&dir.join(file));
            if expected != actual {
                failures.push(format!(
                    "{name}/{file}: expected {}, got {}",
                    expected.map_or("(none)".into(), |v| shorten(&v)),
                    actual.map_or("(none)".into(), |v| shorten(&v))
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "v2 golden vectors differ:\n{}",
        failures.join("\n")
    );
}

fn shorten(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 400 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(400).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}
