//! Outputs are written whole or not at all (issue 13, case 8): a late
//! failure or a `kill -9` at any moment leaves the previous complete set or
//! the new complete set, never a mix, never a truncated file.
//!
//! The many-kill run (20 kills of a `--force` draw) is gated behind
//! `SHUANGSUI_TEST_MANY_KILLS=1`; by default 8 kills over a good set and 4
//! into a fresh folder are made.

mod common;

use common::{demo_in, run, run_env, s, scratch};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file of a folder (not recursing) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = if e.path().is_file() {
            std::fs::read(e.path()).unwrap()
        } else {
            b"<folder>".to_vec()
        };
        files.insert(name, bytes);
    }
    files
}

/// The entries of `dir` that are staging folders.
fn staging_left(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|n| n.contains(".shuangsui-"))
        .collect()
}

const OUTPUTS: [&str; 6] = [
    "record.json",
    "result.csv",
    "result.xlsx",
    "notice.html",
    "台账.csv",
    "台账.xlsx",
];

/// The demo's folder, and its task without `[[seed]]` for unannounced draws.
fn demo_inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let demo = demo_in(dir);
    let task = std::fs::read_to_string(demo.join("task.toml")).unwrap();
    let seed = "[[seed]]\nlottery = \"福彩3D\"\nissue = \"2026318\"\ndate = 2026-11-30\n";
    assert!(task.contains(seed), "the demo's task has changed:\n{task}");
    let path = dir.join("task.toml");
    std::fs::write(&path, task.replace(seed, "")).unwrap();
    (demo, path)
}

/// An unannounced, forced draw with `seed` into `out`.
fn draw_args(
    task: &Path,
    entities: &Path,
    inspectors: &Path,
    seed: &str,
    out: &Path,
) -> Vec<String> {
    let extra = ["--unannounced", "--seed", seed, "--force"];
    common::draw_args(task, entities, inspectors, out, &extra)
}

#[test]
fn a_late_failure_with_force_leaves_the_old_set_byte_identical() {
    let dir = scratch("late_failure");
    let (demo, task) = demo_inputs(&dir);
    let out = dir.join("result");
    let (e, i) = (demo.join("entities.csv"), demo.join("inspectors.csv"));
    let r = run(&draw_args(&task, &e, &i, "lottery:1 2 3", &out));
    assert_eq!(r.code, 0, "{r:?}");
    let old = snapshot(&out);
    assert_eq!(old.keys().collect::<Vec<_>>(), {
        let mut k = OUTPUTS.to_vec();
        k.sort();
        k
    });

    // A text seed of 40,000 characters fits the record, the CSV and the
    // notice, but not an Excel cell: the workbook fails after the others.
    let long = format!("text:{}", "字".repeat(40_000));
    let r = run(&draw_args(&task, &e, &i, &long, &out));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(&s(&out.join("result.xlsx"))), "{r:?}");
    assert!(r.stderr.contains("32767"), "{r:?}");
    assert!(snapshot(&out) == old, "the old set changed");
    assert!(staging_left(&dir).is_empty(), "{:?}", staging_left(&dir));

    // The test hook fails each output in turn: the old set stays.
    for file in OUTPUTS {
        let r = run_env(
            &draw_args(&task, &e, &i, "lottery:4 5 6", &out),
            &[("SHUANGSUI_FAIL_AT", file)],
        );
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains(&s(&out.join(file))), "{r:?}");
        assert!(
            snapshot(&out) == old,
            "the old set changed when {file} failed"
        );
        assert!(staging_left(&dir).is_empty(), "{:?}", staging_left(&dir));
    }

    // Into a fresh folder, a failure leaves no folder at all.
    let fresh = dir.join("fresh");
    let r = run_env(
        &draw_args(&task, &e, &i, "lottery:4 5 6", &fresh),
        &[("SHUANGSUI_FAIL_AT", "notice.html")],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!fresh.exists());
    assert!(staging_left(&dir).is_empty(), "{:?}", staging_left(&dir));
}

/// A draw of a generated directory big enough to be killed at many
/// moments, and the two complete sets it may leave.
struct Big {
    dir: PathBuf,
    task: PathBuf,
    entities: PathBuf,
    inspectors: PathBuf,
}

impl Big {
    fn new(name: &str) -> Big {
        let dir = scratch(name);
        let (_, task) = demo_inputs(&dir);
        // About 1–2 s a draw with the test profile's binary.
        let count = if cfg!(debug_assertions) {
            "12000"
        } else {
            "300000"
        };
        let entities = dir.join("entities.csv");
        let inspectors = dir.join("inspectors.csv");
        for (kind, n, path) in [
            ("entities", count, &entities),
            ("inspectors", "200", &inspectors),
        ] {
            let r = run(&["gen", kind, "--count", n, "--out", &s(path)]);
            assert_eq!(r.code, 0, "{r:?}");
        }
        Big {
            dir,
            task,
            entities,
            inspectors,
        }
    }

    fn args(&self, seed: &str, out: &Path) -> Vec<String> {
        draw_args(&self.task, &self.entities, &self.inspectors, seed, out)
    }

    /// Draws into a fresh folder: the reference set of `seed`, and the time.
    fn reference(&self, seed: &str, name: &str) -> (BTreeMap<String, Vec<u8>>, Duration) {
        let out = self.dir.join(name);
        let start = Instant::now();
        let r = run(&self.args(seed, &out));
        let took = start.elapsed();
        assert_eq!(r.code, 0, "{r:?}");
        let record = out.join("record.json");
        let v = common::verify(&record, &self.entities, &self.inspectors, &[]);
        assert_eq!(v.code, 0, "{v:?}");
        (snapshot(&out), took)
    }

    /// Starts a draw and kills it (SIGKILL) `delay` after its start or,
    /// with `writing`, after its first output file appears in the staging
    /// folder, so that kills land while the outputs are written too.
    /// Returns whether it was still running.
    fn kill_after(&self, seed: &str, out: &Path, delay: Duration, writing: bool) -> bool {
        let mut child = Command::new(common::binary())
            .args(self.args(seed, out))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        if writing {
            let staging = out.parent().unwrap().join(format!(
                ".{}.shuangsui-tmp-{}",
                out.file_name().unwrap().to_string_lossy(),
                child.id()
            ));
            while matches!(child.try_wait(), Ok(None)) && snapshot(&staging).is_empty() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        std::thread::sleep(delay);
        let finished = matches!(child.try_wait(), Ok(Some(_)));
        let _ = child.kill();
        let _ = child.wait();
        !finished
    }
}

fn kills() -> usize {
    if std::env::var("SHUANGSUI_TEST_MANY_KILLS").is_ok_and(|v| v == "1") {
        20
    } else {
        8
    }
}

#[test]
fn kill_9_during_a_forced_draw_leaves_the_old_set_or_the_new_one() {
    let big = Big::new("kill_force");
    let seeds = ["lottery:1 2 3", "lottery:4 5 6"];
    let (a, took) = big.reference(seeds[0], "ref-a");
    let (b, _) = big.reference(seeds[1], "ref-b");
    assert!(a != b);
    let sets = [a, b];
    let out = big.dir.join("result");
    assert_eq!(run(&big.args(seeds[0], &out)).code, 0);
    let mut current = 0;
    let n = kills();
    let mut outcomes = BTreeMap::new();
    for k in 0..n {
        // Every other kill spread from the start to a little after a whole
        // draw's time; the others while the outputs are written.
        let writing = k % 2 == 1;
        let spread = (k / 2) as f64 + 0.5;
        let delay = if writing {
            took.mul_f64(0.3 * spread / (n / 2) as f64)
        } else {
            took.mul_f64(1.2 * spread / n.div_ceil(2) as f64)
        };
        let next = 1 - current;
        let killed = big.kill_after(seeds[next], &out, delay, writing);
        let now = snapshot(&out);
        let kept = if now == sets[current] {
            "old set"
        } else if now == sets[next] {
            current = next;
            "new set"
        } else {
            panic!(
                "kill {k} after {delay:?} left neither set: {:?}",
                now.iter().map(|(n, b)| (n, b.len())).collect::<Vec<_>>()
            );
        };
        *outcomes
            .entry(format!(
                "{} {}, {kept}",
                if killed { "killed" } else { "finished" },
                if writing {
                    "while writing"
                } else {
                    "from the start"
                }
            ))
            .or_insert(0) += 1;
    }
    eprintln!("{n} kills over {took:?}: {outcomes:?}");
    // The next --force run succeeds, and cleans up what the kills left.
    let r = run(&big.args(seeds[1 - current], &out));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(snapshot(&out) == sets[1 - current]);
    assert!(
        staging_left(&big.dir).is_empty(),
        "{:?}",
        staging_left(&big.dir)
    );
    assert!(staging_left(&out).is_empty(), "{:?}", staging_left(&out));
}

#[test]
fn kill_9_into_a_fresh_folder_leaves_nothing_or_the_complete_set() {
    let big = Big::new("kill_fresh");
    let seed = "lottery:7 8 9";
    let (set, took) = big.reference(seed, "ref");
    let n = kills() / 2;
    for k in 0..n {
        let out = big.dir.join(format!("fresh-{k}"));
        let writing = k % 2 == 1;
        let share = if writing { 0.2 } else { 1.0 };
        let delay = took.mul_f64(share * (k as f64 + 0.5) / n as f64);
        big.kill_after(seed, &out, delay, writing);
        let now = snapshot(&out);
        assert!(
            now.is_empty() || now == set,
            "kill {k} after {delay:?} left a partial set: {:?}",
            now.iter().map(|(n, b)| (n, b.len())).collect::<Vec<_>>()
        );
        // A stale staging folder never breaks the next run.
        let r = run(&big.args(seed, &out));
        assert_eq!(r.code, 0, "{r:?}");
        assert!(snapshot(&out) == set);
    }
    assert!(
        staging_left(&big.dir).is_empty(),
        "{:?}",
        staging_left(&big.dir)
    );
}

#[test]
fn demo_keeps_the_old_set_and_the_users_own_files() {
    let dir = scratch("demo");
    let out = dir.join("demo");
    assert_eq!(run(&["demo", "--out", &s(&out)]).code, 0);
    assert_eq!(snapshot(&out).len(), 11); // with 台账.csv and 台账.xlsx
                                          // A file of the user's own in the folder: never moved or deleted.
    std::fs::write(out.join("我的笔记.txt"), "mine").unwrap();
    std::fs::write(out.join("record.json"), "an old record").unwrap();
    let old = snapshot(&out);
    let r = run(&["demo", "--out", &s(&out)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--force"), "{r:?}");
    let r = run_env(
        &["demo", "--out", &s(&out), "--force"],
        &[("SHUANGSUI_FAIL_AT", "notice.html")],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(&s(&out.join("notice.html"))), "{r:?}");
    assert!(snapshot(&out) == old, "the old set changed");
    let r = run(&["demo", "--out", &s(&out), "--force"]);
    assert_eq!(r.code, 0, "{r:?}");
    let now = snapshot(&out);
    assert_eq!(now.len(), 12);
    assert_eq!(now["我的笔记.txt"], b"mine");
    assert_ne!(now["record.json"], b"an old record");
    assert!(staging_left(&dir).is_empty() && staging_left(&out).is_empty());
}

#[test]
fn announce_writes_both_files_or_neither() {
    let dir = scratch("announce");
    let demo = demo_in(&dir);
    let ann = dir.join("公告").join("announcement.json");
    let args = |force: bool| {
        let mut a = vec![
            "announce".to_string(),
            "--task".into(),
            s(&demo.join("task.toml")),
            "--entities".into(),
            s(&demo.join("entities.csv")),
            "--inspectors".into(),
            s(&demo.join("inspectors.csv")),
            "--published".into(),
            "2026-11-29".into(),
            "--out".into(),
            s(&ann),
        ];
        if force {
            a.push("--force".into());
        }
        a
    };
    let r = run(&args(false));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read(&ann).unwrap(),
        std::fs::read(demo.join("announcement.json")).unwrap()
    );
    assert_eq!(
        std::fs::read(ann.with_extension("html")).unwrap(),
        std::fs::read(demo.join("announcement.html")).unwrap()
    );
    std::fs::write(&ann, "old json").unwrap();
    std::fs::write(ann.with_extension("html"), "old html").unwrap();
    let old = snapshot(ann.parent().unwrap());
    let r = run_env(&args(true), &[("SHUANGSUI_FAIL_AT", "announcement.html")]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("announcement.html"), "{r:?}");
    assert!(
        snapshot(ann.parent().unwrap()) == old,
        "the old files changed"
    );
    let r = run(&args(true));
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read(&ann).unwrap(),
        std::fs::read(demo.join("announcement.json")).unwrap()
    );
    assert_eq!(snapshot(ann.parent().unwrap()).len(), 2);
}

#[test]
fn ledger_out_is_replaced_whole() {
    let dir = scratch("ledger");
    let ledger = dir.join("台账.csv");
    std::fs::write(
        &ledger,
        "\u{feff}案件编号,当事人,决定日期,生效日期,公示日期\nA-001,阜康市某商贸有限公司,2026-09-25,2026-09-28,2026-10-12\n",
    )
    .unwrap();
    let out = dir.join("核查.xlsx");
    let mut args = common::ledger_xlsx_args(&ledger, &out);
    args.push("--force".into());
    std::fs::write(&out, "old report").unwrap();
    let r = run_env(&args, &[("SHUANGSUI_FAIL_AT", "核查.xlsx")]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(&s(&out)), "{r:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"old report");
    let r = run(&args);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
    assert_eq!(snapshot(&dir).len(), 2, "{:?}", snapshot(&dir).keys());
}
