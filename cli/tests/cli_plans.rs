//! `shuangsui plan announce|draw|verify` and `demo --plan` run as the real
//! binary (issue 18, SPEC.md §17): joint visits, per-task records that
//! verify alone, a task that fails alone (exit 3), batch verification and
//! what it catches.

mod common;

use common::{run, s, scratch};
use std::path::{Path, PathBuf};

/// The folders `plan draw` gives a batch's tasks, in order.
fn task_dirs(batch: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(batch)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    dirs.sort();
    dirs
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

#[test]
fn demo_plan_runs_end_to_end_with_joint_visits_and_records_that_verify_alone() {
    let dir = scratch("demo-plan");
    let out = dir.join("demo");
    let r = run(&["demo", "--plan", "--out", &s(&out)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("batch reproduced"), "{r:?}");
    assert!(r.stdout.contains("联合检查"), "{r:?}");

    // Batch 1: two tasks of two departments over one directory; entities
    // both drew have one visit naming both tasks, with both teams.
    let batch = read_json(&out.join("batch1-draw/batch.json"));
    assert_eq!(batch["protocol"], "shuangsui-plan/1");
    let visits = batch["visits"].as_array().unwrap();
    let joint: Vec<_> = visits
        .iter()
        .filter(|v| v["tasks"].as_array().unwrap().len() == 2)
        .collect();
    assert!(!joint.is_empty(), "the demo's first batch has joint visits");
    for v in &joint {
        let team = v["team"].as_array().unwrap();
        assert_eq!(team[0]["role"], "leader");
        assert!(team[1..].iter().all(|m| m["role"] == "member"));
        let depts: std::collections::BTreeSet<&str> = team
            .iter()
            .map(|m| m["department"].as_str().unwrap())
            .collect();
        assert_eq!(
            depts.len(),
            2,
            "a joint visit has both departments' officers: {v}"
        );
    }
    // An entity appears once in the visit list.
    let mut ids: Vec<&str> = visits
        .iter()
        .map(|v| v["entity"]["id"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    let csv = std::fs::read_to_string(out.join("batch1-draw/visits.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.contains('；')),
        "a CSV row names two tasks"
    );
    assert!(std::fs::read(out.join("batch1-draw/visits.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    let html = std::fs::read_to_string(out.join("batch1-draw/visits.html")).unwrap();
    assert!(html.contains("检查安排") && html.contains("联合检查"));

    // Each task's record verifies alone, with its own announcement, as an
    // ordinary shuangsui-draw/2 record.
    for b in ["batch1-draw", "batch2-draw"] {
        for t in task_dirs(&out.join(b)) {
            let r = run(&[
                "verify",
                &s(&t.join("record.json")),
                "--entities",
                &s(&out.join("entities.csv")),
                "--inspectors",
                &s(&out.join("inspectors.csv")),
                "--announcement",
                &s(&t.join("announcement.json")),
                "--require-announcement",
            ]);
            assert_eq!(r.code, 0, "{}: {r:?}", t.display());
        }
    }
    // Batch 2 has its own seed and announcement.
    let a1 = read_json(&out.join("batch1-announcement/announcement.json"));
    let a2 = read_json(&out.join("batch2-announcement/announcement.json"));
    assert_ne!(a1["seed_sources"], a2["seed_sources"]);
}

#[test]
fn demo_plan_without_out_leaves_nothing_behind() {
    let r = run(&["demo", "--plan"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("demo --plan --out"), "{r:?}");
    let left = std::env::temp_dir()
        .read_dir()
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("shuangsui-demo-plan-")
        });
    assert!(!left, "the scratch folder was removed");
}

/// The inputs of the golden vector with failing tasks, copied to `dir`.
fn failing_case(dir: &Path) -> PathBuf {
    let case = common::repo_root().join("seeds/plans/02-failed-task-own-directories");
    for e in std::fs::read_dir(&case).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    dir.join("plan.toml")
}

/// The golden vector's batch announcement, as published: `plan announce`
/// refuses these tasks (its pre-flight finds that two cannot be drawn), so
/// it stands for an announcement made without the pre-flight (by another
/// implementation of SPEC.md), whose tasks then fail at the draw.
fn published_announcement(dir: &Path) -> PathBuf {
    let expected = read_json(&dir.join("expected.json"));
    let ann = dir.join("ann");
    std::fs::create_dir_all(&ann).unwrap();
    let p = ann.join("announcement.json");
    let text = serde_json::to_string_pretty(&expected["batches"][0]["announcement"]).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

fn announce_and_draw(dir: &Path, plan: &Path) -> common::Run {
    published_announcement(dir);
    let ann = dir.join("ann");
    run(&[
        "plan",
        "draw",
        "--plan",
        &s(plan),
        "--announcement",
        &s(&ann.join("announcement.json")),
        "--seed",
        "03 09 12 20 27 33 + 07",
        "--out",
        &s(&dir.join("drawn")),
    ])
}

#[test]
fn a_failing_task_is_named_keeps_the_others_and_exits_3() {
    let dir = scratch("failing");
    let plan = failing_case(&dir);
    let r = announce_and_draw(&dir, &plan);
    assert_eq!(r.code, 3, "{r:?}");
    // Named on stderr, Chinese first, with what failed.
    assert!(r.stderr.contains("任务“过大的抽查”"), "{r:?}");
    assert!(r.stderr.contains("任务“人手不足的抽查”"), "{r:?}");
    assert!(r.stdout.contains("FAILED (抽取失败)"), "{r:?}");
    let drawn = dir.join("drawn");
    let tasks = task_dirs(&drawn);
    assert_eq!(tasks.len(), 5);
    assert!(tasks[0].join("record.json").is_file());
    assert!(tasks[1].join("error.txt").is_file() && !tasks[1].join("record.json").exists());
    let error = std::fs::read_to_string(tasks[2].join("error.txt")).unwrap();
    assert!(error.starts_with("本任务抽取失败："), "{error}");
    assert!(tasks[3].join("result.xlsx").is_file() && tasks[4].join("notice.html").is_file());
    let batch = read_json(&drawn.join("batch.json"));
    assert_eq!(batch["tasks"][1]["error"], "QuotaExceedsStratum");
    assert_eq!(batch["tasks"][2]["error"], "Infeasible");
    // The golden vector's batch record, byte for byte in content.
    let expected = read_json(&dir.join("expected.json"));
    assert_eq!(batch, expected["batches"][0]["batch"]);

    let v = run(&["plan", "verify", &s(&drawn), "--plan", &s(&plan)]);
    assert_eq!(v.code, 0, "{v:?}");
    assert!(v.stdout.contains("fails again as recorded"), "{v:?}");
}

#[test]
fn plan_verify_catches_an_edited_visit_list_and_an_edited_record() {
    let dir = scratch("tamper");
    let plan = failing_case(&dir);
    assert_eq!(announce_and_draw(&dir, &plan).code, 3);
    let drawn = dir.join("drawn");
    let verify = || run(&["plan", "verify", &s(&drawn), "--plan", &s(&plan)]);

    // A task dropped from a joint visit: the batch record's digest no
    // longer matches (a visit list edited with its digest recomputed is
    // caught by the recomputation, tested in the core).
    let path = drawn.join("batch.json");
    let original = std::fs::read(&path).unwrap();
    let mut b = read_json(&path);
    let joint = b["visits"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["tasks"].as_array().unwrap().len() > 1)
        .unwrap();
    b["visits"][joint]["tasks"].as_array_mut().unwrap().pop();
    std::fs::write(&path, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    let r = verify();
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("批次抽取汇总的摘要与内容不符"), "{r:?}");
    std::fs::write(&path, &original).unwrap();
    assert_eq!(verify().code, 0);

    // A task's record edited: that task is named as not verifying.
    let record = task_dirs(&drawn)[0].join("record.json");
    let text = std::fs::read_to_string(&record).unwrap();
    let first = read_json(&record)["draws"][0]["entity"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(&record, text.replacen(&first, "某某公司", 1)).unwrap();
    let r = verify();
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("1. 价格监管抽查: DIFFERS (不一致)"),
        "{r:?}"
    );
}

#[test]
fn a_seed_that_does_not_fit_and_a_reused_seed_are_refused() {
    let dir = scratch("refused");
    let plan = failing_case(&dir);
    let ann = dir.join("ann");
    published_announcement(&dir);
    let r = run(&[
        "plan",
        "draw",
        "--plan",
        &s(&plan),
        "--announcement",
        &s(&ann.join("announcement.json")),
        "--seed",
        "3 0 7",
        "--out",
        &s(&dir.join("drawn")),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!dir.join("drawn").exists(), "nothing is written");

    let reused = common::repo_root().join("seeds/plans/03-seed-reused-across-batches/plan.toml");
    let r = run(&[
        "plan",
        "announce",
        "--plan",
        &s(&reused),
        "--batch",
        "1",
        "--published",
        "2027-03-10",
        "--out",
        &s(&dir.join("x")),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("每个批次都须使用在公告之后才产生的新种子"),
        "{r:?}"
    );
    // Several batches: which one must be said.
    let demo = common::repo_root().join("seeds/plans/01-two-batches-joint-visits/plan.toml");
    let r = run(&[
        "plan",
        "announce",
        "--plan",
        &s(&demo),
        "--published",
        "2027-03-10",
        "--out",
        &s(&dir.join("y")),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("1 第一批次") && r.stderr.contains("--batch"),
        "{r:?}"
    );
}

#[test]
fn a_plan_draw_never_overwrites_without_force() {
    let dir = scratch("force");
    let plan = failing_case(&dir);
    assert_eq!(announce_and_draw(&dir, &plan).code, 3);
    let r = announce_and_draw_again(&dir, &plan);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--force"), "{r:?}");
}

fn announce_and_draw_again(dir: &Path, plan: &Path) -> common::Run {
    run(&[
        "plan",
        "draw",
        "--plan",
        &s(plan),
        "--announcement",
        &s(&dir.join("ann/announcement.json")),
        "--seed",
        "03 09 12 20 27 33 + 07",
        "--out",
        &s(&dir.join("drawn")),
    ])
}

#[test]
fn plan_announce_runs_each_tasks_preflight_and_names_the_tasks_it_refuses() {
    let dir = scratch("preflight");
    let plan = failing_case(&dir);
    let out = dir.join("ann");
    let r = run(&[
        "plan",
        "announce",
        "--plan",
        &s(&plan),
        "--published",
        "2027-04-15",
        "--out",
        &s(&out),
    ]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("任务“过大的抽查”"), "{r:?}");
    assert!(r.stderr.contains("任务“人手不足的抽查”"), "{r:?}");
    assert!(
        !r.stderr.contains("任务“价格监管抽查”"),
        "a task without problems is not named: {r:?}"
    );
    assert!(r.stderr.contains("未生成公告"), "{r:?}");
    assert!(!out.exists(), "nothing announced");
}

#[test]
fn plan_announce_writes_one_announcement_per_task_inside_the_batch_announcement() {
    let dir = scratch("announce");
    let plan = common::repo_root().join("seeds/plans/01-two-batches-joint-visits/plan.toml");
    let out = dir.join("ann");
    let r = run(&[
        "plan",
        "announce",
        "--plan",
        &s(&plan),
        "--batch",
        "第一批次",
        "--published",
        "2027-03-10",
        "--out",
        &s(&out),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let a = read_json(&out.join("announcement.json"));
    let html = std::fs::read_to_string(out.join("announcement.html")).unwrap();
    assert!(html.contains(a["batch_announcement_digest"].as_str().unwrap()));
    let expected = read_json(&plan.with_file_name("expected.json"));
    assert_eq!(
        a, expected["batches"][0]["announcement"],
        "the golden vector's batch announcement"
    );
    for (i, t) in task_dirs(&out).iter().enumerate() {
        assert_eq!(read_json(&t.join("announcement.json")), a["tasks"][i]);
        let html = std::fs::read_to_string(t.join("announcement.html")).unwrap();
        assert!(html.contains(a["tasks"][i]["task"]["name"].as_str().unwrap()));
    }
}
