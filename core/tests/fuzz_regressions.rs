//! Replays the fuzz targets (issue 13) in the normal test run: every seed
//! input of `fuzz/seeds.txt` and every input kept under
//! `core/tests/fixtures/fuzz/<target>/` (crashes the fuzzer found, and
//! their minimized forms) goes through the same function the fuzzer ran,
//! `shuangsui::fuzzing::<target>`, which must return without panicking.
//!
//! Adding a regression means adding a file; `scripts/fuzz` copies new
//! crashes there itself.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use shuangsui::fuzzing::TARGETS;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `*` matches any run of characters within one path component.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| matches(tail, &rest[i..]))
        }
    }
}

/// The files a glob of `fuzz/seeds.txt` names, in a stable order.
fn expand(glob: &str) -> Vec<PathBuf> {
    let mut found = vec![root()];
    for part in glob.split('/') {
        let mut next = Vec::new();
        for dir in &found {
            if !part.contains('*') {
                next.push(dir.join(part));
                continue;
            }
            let Ok(entries) = fs::read_dir(dir) else {
                continue;
            };
            for entry in entries {
                let entry = entry.unwrap();
                if matches(part, &entry.file_name().to_string_lossy()) {
                    next.push(entry.path());
                }
            }
        }
        found = next;
    }
    found.retain(|p| p.is_file());
    found.sort();
    found
}

/// Each target's seed globs, as `fuzz/seeds.txt` lists them.
fn seed_globs() -> Vec<(String, Vec<String>)> {
    let text = fs::read_to_string(root().join("fuzz/seeds.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace().map(String::from);
            (words.next().unwrap(), words.collect())
        })
        .collect()
}

/// Runs `target` on every file, and names the files it panicked on.
fn replay(target: fn(&[u8]), files: &[PathBuf]) -> Vec<String> {
    let mut failed = Vec::new();
    for file in files {
        let bytes = fs::read(file).unwrap();
        if catch_unwind(AssertUnwindSafe(|| target(&bytes))).is_err() {
            failed.push(file.display().to_string());
        }
    }
    failed
}

#[test]
fn every_target_has_seeds_and_the_list_names_only_targets() {
    let globs = seed_globs();
    for (name, _) in TARGETS {
        let (_, patterns) = globs
            .iter()
            .find(|(t, _)| t == name)
            .unwrap_or_else(|| panic!("fuzz/seeds.txt lists no seeds for `{name}`"));
        let files: Vec<_> = patterns.iter().flat_map(|g| expand(g)).collect();
        assert!(!files.is_empty(), "the seeds of `{name}` name no file");
    }
    for (name, _) in &globs {
        assert!(
            TARGETS.iter().any(|(t, _)| t == name),
            "fuzz/seeds.txt names `{name}`, which is not a target"
        );
    }
    // Every fuzz target of the fuzz crate is one of these.
    for entry in fs::read_dir(root().join("fuzz/fuzz_targets")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == stem),
            "fuzz/fuzz_targets/{stem}.rs is not in shuangsui::fuzzing::TARGETS"
        );
    }
}

#[test]
fn the_seed_inputs_pass_every_target() {
    let globs = seed_globs();
    let mut ran = 0;
    let mut failed = Vec::new();
    for (name, target) in TARGETS {
        let Some((_, patterns)) = globs.iter().find(|(t, _)| t == name) else {
            continue;
        };
        let files: Vec<_> = patterns.iter().flat_map(|g| expand(g)).collect();
        ran += files.len();
        failed.extend(
            replay(*target, &files)
                .into_iter()
                .map(|f| format!("{name}: {f}")),
        );
    }
    assert!(failed.is_empty(), "panicked on:\n{}", failed.join("\n"));
    assert!(ran >= 100, "only {ran} seed inputs replayed");
}

#[test]
fn the_kept_fuzz_findings_pass_their_target() {
    let kept = root().join("core/tests/fixtures/fuzz");
    let mut failed = Vec::new();
    for (name, target) in TARGETS {
        let Ok(entries) = fs::read_dir(kept.join(name)) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
            .collect();
        files.sort();
        failed.extend(
            replay(*target, &files)
                .into_iter()
                .map(|f| format!("{name}: {f}")),
        );
    }
    assert!(failed.is_empty(), "panicked on:\n{}", failed.join("\n"));
}

#[test]
fn the_glob_matcher() {
    assert!(matches("entities*", "entities-gbk.csv"));
    assert!(matches("*.csv", "cn-2026.csv"));
    assert!(!matches("*.csv", "cn-2026.tsv"));
    assert!(matches("task.toml", "task.toml"));
    assert!(!matches("a*b*c", "abx"));
}
