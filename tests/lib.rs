//! Shared helpers of the cross-crate tests: where the golden vectors live.

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

/// The `shuangsui` binary, built once per test process.
///
/// The CLI is another package, so Cargo does not build it for these tests
/// (`CARGO_BIN_EXE_*` exists only within one package). This runs `cargo
/// build -p shuangsui-cli --bin shuangsui` with the profile the tests were
/// built with, and returns the binary beside the test executable's own
/// profile folder (`<target>/<profile>/deps/cli-…` → `<target>/<profile>/`),
/// so a `CARGO_TARGET_DIR` in the environment is respected. Under
/// `cargo test --workspace` the binary is already fresh and the build is a
/// no-op.
pub fn cli_binary() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test executable's path");
        let profile_dir = exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("the test executable lives in <target>/<profile>/deps")
            .to_path_buf();
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("debug");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
        let mut cmd = std::process::Command::new(cargo);
        cmd.current_dir(repo_root()).args([
            "build",
            "--quiet",
            "-p",
            "shuangsui-cli",
            "--bin",
            "shuangsui",
        ]);
        match profile {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the shuangsui binary failed");
        let bin = profile_dir.join(format!("shuangsui{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

/// What a run of the `shuangsui` binary gave: exit code, stdout, stderr.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON; panics with the output when it is not.
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

/// Runs the `shuangsui` binary with `args` (stdout is a pipe, so never
/// coloured).
pub fn run_cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = std::process::Command::new(cli_binary())
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The input fixtures of the core's tests (`core/tests/fixtures/`).
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("core/tests/fixtures").join(name)
}
