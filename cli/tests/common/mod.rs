//! Helpers shared by the CLI tests: run the `shuangsui` binary Cargo built
//! for this package, a fresh folder a test, the demo's files, and the draw
//! and verify command lines most tests type.
//!
//! Each test file includes this module (`mod common;`), so a helper one
//! file does not use is not a warning.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `shuangsui` binary of this package, built by Cargo for the tests.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_shuangsui"))
}

/// The repository root.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
}

/// An input fixture of the core's tests (`core/tests/fixtures/`).
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("core/tests/fixtures").join(name)
}

/// A fixture of the CLI's own tests (`cli/tests/fixtures/`).
pub fn cli_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What a run of the binary gave: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON; panics with the whole run when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self:?}"))
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the binary with `args` (stdout is a pipe, so never coloured).
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Run {
    run_env(args, &[])
}

/// Runs the binary with `args` and the variables `env` set.
pub fn run_env<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(binary());
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty folder for one test, under this test file's own folder
/// of Cargo's temporary directory (so two files may use the same name).
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(env!("CARGO_CRATE_NAME"))
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// A path as an argument.
pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `demo --out` into `scratch(name)/demo`; returns that folder (task,
/// directories, announcement, record and result files).
pub fn demo(name: &str) -> PathBuf {
    demo_in(&scratch(name))
}

/// `demo --out dir/demo`; returns `dir/demo`.
pub fn demo_in(dir: &Path) -> PathBuf {
    let demo = dir.join("demo");
    let r = run(&["demo", "--out", &s(&demo)]);
    assert_eq!(r.code, 0, "{r:?}");
    demo
}

/// `draw --task T --entities E --inspectors I --out O` and then `extra`.
pub fn draw_args(
    task: &Path,
    entities: &Path,
    inspectors: &Path,
    out: &Path,
    extra: &[&str],
) -> Vec<String> {
    let mut a = vec![
        "draw".to_string(),
        "--task".into(),
        s(task),
        "--entities".into(),
        s(entities),
        "--inspectors".into(),
        s(inspectors),
        "--out".into(),
        s(out),
    ];
    a.extend(extra.iter().map(|x| x.to_string()));
    a
}

/// Runs [`draw_args`].
pub fn draw(task: &Path, entities: &Path, inspectors: &Path, out: &Path, extra: &[&str]) -> Run {
    run(&draw_args(task, entities, inspectors, out, extra))
}

/// `verify RECORD --entities E --inspectors I` and then `extra`.
pub fn verify(record: &Path, entities: &Path, inspectors: &Path, extra: &[&str]) -> Run {
    let mut a = vec![
        "verify".to_string(),
        s(record),
        "--entities".into(),
        s(entities),
        "--inspectors".into(),
        s(inspectors),
    ];
    a.extend(extra.iter().map(|x| x.to_string()));
    run(&a)
}

/// `ledger LEDGER --today 2026-10-14 --format xlsx --out OUT`: the
/// ledger's report as of a fixed day, as a workbook.
pub fn ledger_xlsx_args(ledger: &Path, out: &Path) -> Vec<String> {
    [
        "ledger",
        &s(ledger),
        "--today",
        "2026-10-14",
        "--format",
        "xlsx",
        "--out",
        &s(out),
    ]
    .map(String::from)
    .to_vec()
}

/// The first sheet of a workbook the binary wrote, read back with the
/// core's reader from the row that holds `header`.
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per row, whether each cell was stored as a number.
    pub numbers: Vec<Vec<bool>>,
}

impl Sheet {
    pub fn read(path: &Path, header: &str) -> Sheet {
        use shuangsui::RowSource;
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let is_header = |cells: &[String]| cells.iter().any(|c| c == header);
        let mut table = shuangsui::Table::from_bytes(
            &bytes,
            &name,
            &shuangsui::ReadOptions::default(),
            &is_header,
        )
        .unwrap();
        let headers = table.headers().to_vec();
        let (mut rows, mut numbers) = (Vec::new(), Vec::new());
        let mut row = Vec::new();
        while table.next_row(&mut row).unwrap().is_some() {
            numbers.push((0..row.len()).map(|c| table.cell_is_number(c)).collect());
            rows.push(row.clone());
        }
        Sheet {
            headers,
            rows,
            numbers,
        }
    }

    /// The position of the column headed `header`.
    pub fn column(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("no column {header} in {:?}", self.headers))
    }
}
