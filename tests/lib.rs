//! Shared helpers of the golden-vector tests: where the vectors live.

#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Every golden-vector case folder of protocol v1, under `seeds/`, sorted
/// by name (folders whose name starts with a digit).
pub fn vector_cases() -> Vec<PathBuf> {
    cases_in(&repo_root().join("seeds"))
}

/// Every protocol v2 case folder under `seeds/v2/`, sorted by name.
pub fn vector_cases_v2() -> Vec<PathBuf> {
    cases_in(&repo_root().join("seeds/v2"))
}

/// Every plan case folder (`shuangsui-plan/1`, SPEC §17) under
/// `seeds/plans/`, sorted by name.
pub fn vector_cases_plans() -> Vec<PathBuf> {
    cases_in(&repo_root().join("seeds/plans"))
}

fn cases_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    cases.sort();
    cases
}
