//! The trust cases of protocol v2, run on the real binary with the demo's
//! files: nobody can steer a draw by choosing how to write the seed, an
//! unannounced draw says so, a verification states what it proved, a
//! forged announcement and a non-canonical record are refused, and a
//! version 1 record keeps verifying under its own rules, labelled v1.

mod common;

use common::{cli_fixture, demo, s, scratch, Run};
use serde_json::Value;
use std::path::Path;

/// `draw` of `task` with the directories of the demo in `d`.
fn draw(d: &Path, task: &Path, extra: &[&str], out: &Path) -> Run {
    let (e, i) = (d.join("entities.csv"), d.join("inspectors.csv"));
    common::draw(task, &e, &i, out, extra)
}

/// `verify` of `record` with the directories of the demo in `d`.
fn verify(d: &Path, record: &Path, extra: &[&str]) -> Run {
    let (e, i) = (d.join("entities.csv"), d.join("inspectors.csv"));
    common::verify(record, &e, &i, extra)
}

/// Case 1: under the announcement, the published result 3 0 7 can be
/// entered one way only; every other writing is refused, naming the form.
#[test]
fn the_seed_is_read_under_its_announced_form() {
    let d = demo("forms");
    let ann = s(&d.join("announcement.json"));
    let task = d.join("task.toml");
    for refused in [
        "307",
        "lottery-unordered:3 0 7",
        "text:3 0 7",
        "lottery:3 0 7 9",
        "3 0 10",
    ] {
        let out = d.parent().unwrap().join("refused");
        let r = draw(
            &d,
            &task,
            &["--announcement", &ann, "--seed", refused],
            &out,
        );
        assert_eq!(r.code, 2, "{refused}: {r:?}");
        assert!(
            r.stderr.contains("福彩3D 第2026318期") && r.stderr.contains("3 numbers 0–9"),
            "{r:?}"
        );
        assert!(!out.join("record.json").exists());
    }
    let mut records = Vec::new();
    for (i, ok) in ["3 0 7", "lottery:3 0 7", "3,0,7"].iter().enumerate() {
        let out = d.parent().unwrap().join(format!("ok{i}"));
        let r = draw(&d, &task, &["--announcement", &ann, "--seed", ok], &out);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout
                .contains("福彩3D 第2026318期（2026-11-30 开奖） 3 0 7"),
            "{r:?}"
        );
        records.push(std::fs::read(out.join("record.json")).unwrap());
    }
    assert!(
        records.iter().all(|r| r == &records[0]),
        "one result, one record"
    );
    assert_eq!(records[0], std::fs::read(d.join("record.json")).unwrap());
}

/// Case 2: an unannounced draw must be asked for, and then says so.
#[test]
fn an_unannounced_draw_is_explicit_and_says_so() {
    let d = demo("unannounced");
    let out = d.parent().unwrap().join("un");
    let r = draw(&d, &d.join("task.toml"), &["--seed", "lottery:3 0 7"], &out);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--unannounced"), "{r:?}");
    // The demo's task declares its seed form: it cannot be drawn unannounced.
    let r = draw(
        &d,
        &d.join("task.toml"),
        &["--unannounced", "--seed", "lottery:3 0 7"],
        &out,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("[[seed]]"), "{r:?}");
    let text = std::fs::read_to_string(d.join("task.toml")).unwrap();
    let (head, rest) = text.split_once("[[seed]]").unwrap();
    let task = d.join("task-unannounced.toml");
    std::fs::write(
        &task,
        format!("{head}{}", &rest[rest.find("[team]").unwrap()..]),
    )
    .unwrap();
    let r = draw(
        &d,
        &task,
        &["--unannounced", "--seed", "lottery:3 0 7"],
        &out,
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("UNANNOUNCED (本次抽取未经事先公告)"),
        "{r:?}"
    );
    let notice = std::fs::read_to_string(out.join("notice.html")).unwrap();
    assert!(notice.contains("本次抽取未经事先公告"));
    for claim in [
        "以事先公告的公开随机种子",
        "在随机种子产生之前已经公告其摘要",
        "按事先公告",
    ] {
        assert!(!notice.contains(claim), "{claim}");
    }
    let record = out.join("record.json");
    let r = verify(&d, &record, &["--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let a = &r.json()["assurance"];
    assert_eq!(a["committed_before_seed"], Value::Bool(false));
    assert_eq!(a["seed_form_bound"], Value::Bool(false));
    assert_eq!(a["entropy_bits"], Value::Null);
    let r = verify(&d, &record, &[]);
    assert!(
        r.stdout.contains("no — the draw was not announced"),
        "{r:?}"
    );
    assert_eq!(verify(&d, &record, &["--require-announcement"]).code, 1);
    // The demo's announcement is not this draw's.
    let r = verify(
        &d,
        &record,
        &["--announcement", &s(&d.join("announcement.json"))],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("made without an announcement"), "{r:?}");
}

/// Case 3: verify takes the announcement and states what it proved.
#[test]
fn verify_states_what_it_proves() {
    let d = demo("assurance");
    let record = d.join("record.json");
    let ann = s(&d.join("announcement.json"));
    let r = verify(&d, &record, &["--announcement", &ann, "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let a = &r.json()["assurance"];
    assert_eq!(a["committed_before_seed"], Value::Bool(true));
    assert_eq!(a["seed_form_bound"], Value::Bool(true));
    assert_eq!(a["entropy_bits"].as_f64(), Some(9.9));
    let lines: Vec<&str> = a["sources_to_check"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["en"].as_str().unwrap())
        .collect();
    assert!(
        lines[0].contains("福彩3D 第2026318期（2026-11-30 开奖）") && lines[0].contains("3 0 7"),
        "{lines:?}"
    );
    assert!(lines[1].contains("2026-11-29"), "{lines:?}");
    assert!(a["entropy_warning"]["zh"]
        .as_str()
        .unwrap()
        .contains("少于 20"));
    let r = verify(&d, &record, &["--announcement", &ann]);
    assert!(
        r.stdout
            .contains("inputs fixed before the seed (输入在种子产生前已固定): yes"),
        "{r:?}"
    );
    assert_eq!(
        verify(
            &d,
            &record,
            &["--announcement", &ann, "--require-announcement"]
        )
        .code,
        0
    );
    // Without the announcement: reproduced, but not shown to be fixed first.
    let r = verify(&d, &record, &["--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["assurance"]["committed_before_seed"], Value::Null);
    let r = verify(&d, &record, &["--require-announcement"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("not checked"), "{r:?}");
}

/// Case 4: an announcement whose readable task was edited (its digests
/// recomputed) is refused by draw and by verify.
#[test]
fn a_forged_announcement_is_refused() {
    let d = demo("forged");
    let text = std::fs::read_to_string(d.join("announcement.json")).unwrap();
    let mut a: shuangsui::Announcement = serde_json::from_str(&text).unwrap();
    a.task.strata[0].ratio_ppm = Some(300_000);
    a.task.team.size = 5;
    a.task.name = "另一个任务".into();
    a.announcement_digest = a.compute_digest();
    let forged = d.join("forged.json");
    std::fs::write(&forged, a.to_json_pretty()).unwrap();
    let out = d.parent().unwrap().join("out");
    let r = draw(
        &d,
        &d.join("task.toml"),
        &["--announcement", &s(&forged), "--seed", "3 0 7"],
        &out,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("forged.json") && r.stderr.contains("does not hash to its task_digest"),
        "{r:?}"
    );
    let r = verify(&d, &d.join("record.json"), &["--announcement", &s(&forged)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("the task shown is not the one committed to"),
        "{r:?}"
    );
}

/// Case 5: a record whose task is not canonical (a conflict with a
/// lower-case id, digest recomputed) does not verify, and the field is named.
#[test]
fn a_non_canonical_record_does_not_verify() {
    let d = demo("noncanonical");
    let text = std::fs::read_to_string(d.join("record.json")).unwrap();
    for (what, edit) in [("task.team.conflicts[0].entity", 0), ("task.name", 1)] {
        let mut r: shuangsui::DrawRecord = serde_json::from_str(&text).unwrap();
        match edit {
            0 => r.task.team.conflicts[0].entity = r.task.team.conflicts[0].entity.to_lowercase(),
            _ => r.task.name = format!(" {}", r.task.name),
        }
        r.task_digest = shuangsui::hex(&r.task.digest());
        r.record_digest = r.compute_digest();
        let path = d.join("edited.json");
        std::fs::write(&path, r.to_json_pretty()).unwrap();
        let out = verify(
            &d,
            &path,
            &["--announcement", &s(&d.join("announcement.json"))],
        );
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stdout.contains("not in canonical form") && out.stdout.contains(what),
            "{out:?}"
        );
    }
}

/// A record of protocol v1 (the demo of the version before v2, kept as a
/// fixture) still verifies under v1's rules and is labelled v1.
#[test]
fn a_v1_record_keeps_verifying_labelled_v1() {
    let d = cli_fixture("v1-demo");
    let r = verify(&d, &d.join("record.json"), &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("protocol v1") && r.stdout.contains("shuangsui-draw/1 (v1)"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("seed form bound by the announcement (种子形式已事先公告): no"),
        "{r:?}"
    );
    assert!(r.stdout.contains("its form was not announced"), "{r:?}");
    let r = verify(
        &d,
        &d.join("record.json"),
        &[
            "--announcement",
            &s(&d.join("announcement.json")),
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.json()["assurance"]["committed_before_seed"],
        Value::Bool(true)
    );
    assert_eq!(r.json()["assurance"]["seed_form_bound"], Value::Bool(false));
    // A v1 announcement cannot start a new draw: it fixes no seed form.
    let out = scratch("v1-draw");
    let r = draw(
        &d,
        &d.join("task.toml"),
        &[
            "--announcement",
            &s(&d.join("announcement.json")),
            "--seed",
            "lottery:3 0 7",
        ],
        &out,
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("shuangsui-draw/1"), "{r:?}");
}
