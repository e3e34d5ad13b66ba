//! `shuangsui calendar import` as a real binary (issue 16): a notice file
//! and pasted text on stdin become a calendar file that `deadline` uses; a
//! notice read only in part writes nothing.

mod common;

use common::{fixture, run, s, scratch, Run};
use std::io::Write;
use std::process::{Command, Stdio};

fn notice(name: &str) -> String {
    s(&fixture(&format!("notices/{name}")))
}

/// Runs the binary with `stdin` piped in.
fn run_stdin(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(common::binary())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The done-test: import the 2027 text, then a deadline across the new
/// year computes with it and fails without it.
#[test]
fn a_2027_notice_imports_and_a_deadline_into_2027_computes() {
    let dir = scratch("done");
    let out = dir.join("cn-2027.csv");
    let r = run(&[
        "calendar",
        "import",
        &notice("cn-2027-test.txt"),
        "--out",
        &s(&out),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    // The grids of the months it touches, and the summary per holiday.
    assert!(r.stdout.contains("2027年1月"), "{r:?}");
    assert!(r.stdout.contains("2027年10月"), "{r:?}");
    assert!(!r.stdout.contains("2027年3月"), "{r:?}");
    assert!(
        r.stdout.contains(
            "春节            2027-02-05 – 2027-02-20  8 off (休), 1 make-up working (班)"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("Total: 28 days off, 5 make-up working days."),
        "{r:?}"
    );
    assert!(r.stdout.contains("--calendar"), "{r:?}");
    let file = std::fs::read_to_string(&out).unwrap();
    assert!(file.contains("# covers: 2027\n"), "{file}");
    assert!(
        file.contains("# source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕99号，2026年11月4日）"),
        "{file}"
    );

    let args = ["deadline", "--start", "2026-12-28", "--working-days", "7"];
    let without = run(&args);
    assert_eq!(without.code, 2, "{without:?}");
    assert!(without.stderr.contains("2027"), "{without:?}");
    let with = run(&[&args[..], &["--calendar", &s(&out)]].concat());
    assert_eq!(with.code, 0, "{with:?}");
    assert!(
        with.stdout.starts_with("due date (截止日期): 2027-01-07"),
        "{with:?}"
    );

    // --out exists: refused without --force, replaced with it.
    let again = run(&[
        "calendar",
        "import",
        &notice("cn-2027-test.txt"),
        "--out",
        &s(&out),
    ]);
    assert_eq!(again.code, 2, "{again:?}");
    let forced = run(&[
        "calendar",
        "import",
        &notice("cn-2027-test.txt"),
        "--out",
        &s(&out),
        "--force",
    ]);
    assert_eq!(forced.code, 0, "{forced:?}");
}

/// `-` reads pasted text; without --out the file is stdout and the check
/// goes to stderr, so that `> file` keeps a clean calendar file.
#[test]
fn pasted_text_on_stdin_gives_the_file_on_stdout() {
    let text = std::fs::read_to_string(fixture("notices/cn-2024.txt")).unwrap();
    let r = run_stdin(&["calendar", "import", "-"], &text);
    assert_eq!(r.code, 0, "{r:?}");
    let shipped =
        std::fs::read_to_string(common::repo_root().join("core/data/calendar/cn-2024.csv"))
            .unwrap();
    let rows = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("2024-"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rows(&r.stdout), rows(&shipped));
    assert!(r.stdout.starts_with("# shuangsui calendar 1\n"), "{r:?}");
    assert!(r.stderr.contains("2024年2月"), "{r:?}");
    assert!(
        r.stderr
            .contains("Total: 28 days off, 8 make-up working days."),
        "{r:?}"
    );
    // The 鼓励… sentence is named as not used.
    assert!(r.stderr.contains("与日期无关，未采用"), "{r:?}");
}

/// An amendment follows its yearly notice on the command line.
#[test]
fn amendments_follow_their_notice() {
    let r = run(&[
        "calendar",
        "import",
        &notice("cn-2020.txt"),
        &notice("cn-2020-amend-1.txt"),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("2020-02-01,off,春节（延长）,国办发明电〔2020〕1号"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("2020-02-01,work"), "{r:?}");
    let alone = run(&["calendar", "import", &notice("cn-2020-amend-1.txt")]);
    assert_eq!(alone.code, 2, "{alone:?}");
    assert!(
        alone.stderr.contains("请先给出 2020 年的节假日安排通知"),
        "{alone:?}"
    );
}

/// A notice cut off in the middle is refused, and --out is not written.
#[test]
fn a_truncated_notice_writes_nothing() {
    let dir = scratch("truncated");
    let full = std::fs::read_to_string(fixture("notices/cn-2026.txt")).unwrap();
    let at = full.find("七、国庆节").unwrap();
    let cut = &full[..at + "七、国庆节：10月1日（周四）至".len()];
    let path = dir.join("cut.txt");
    std::fs::write(&path, cut).unwrap();
    let out = dir.join("cn-2026.csv");
    let r = run(&["calendar", "import", &s(&path), "--out", &s(&out)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("落款"), "{r:?}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "only the input is there"
    );
    // Cut inside an item but with the signature kept: the item is named.
    let broken = full.replace("至7日（周三）放假调休", "至7日（周三）放");
    let r = run_stdin(&["calendar", "import", "-", "--out", &s(&out)], &broken);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("第“七”项无法采用"), "{r:?}");
    assert!(!out.exists());
}

/// Xinjiang's notice gives a `# region: xinjiang` file: its own festivals
/// only, the national items it repeats left out.
#[test]
fn a_regional_notice_gives_a_region_file() {
    let r = run(&["calendar", "import", &notice("xinjiang-2025.txt")]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("# region: xinjiang\n"), "{r:?}");
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("2025-"))
        .collect();
    assert_eq!(rows.len(), 8, "{r:?}");
    assert!(
        rows.iter()
            .all(|l| l.contains("肉孜节") || l.contains("古尔邦节")),
        "{r:?}"
    );
    assert!(r.stderr.contains("--region xinjiang --calendar"), "{r:?}");
}

/// `calendar YEAR` still works beside the subcommand.
#[test]
fn calendar_year_still_prints_the_year() {
    let r = run(&["calendar", "2026", "--month", "10"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2026年10月"), "{r:?}");
    let r = run(&["calendar"]);
    assert_eq!(r.code, 2, "{r:?}");
}
