//! `shuangsui announce` runs the pre-flight (预检, SPEC.md §12.1) first:
//! the real binary on the demo's files, each with one mistake a regulator
//! makes, refused before anything is written — errors always, warnings
//! until `--accept-warnings`.

mod common;

use common::{demo, run, s, write, Run};
use std::path::{Path, PathBuf};

/// The demo's folder and a task file written beside it: the demo's task
/// with `from` replaced by `to`.
fn task_with(name: &str, from: &str, to: &str) -> (PathBuf, PathBuf) {
    let dir = demo(name);
    let text = std::fs::read_to_string(dir.join("task.toml")).unwrap();
    assert!(text.contains(from), "the demo task has {from}");
    let task = write(&dir, "changed.toml", text.replacen(from, to, 1).as_bytes());
    (dir, task)
}

fn announce(dir: &Path, task: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "announce".to_string(),
        "--task".into(),
        s(task),
        "--entities".into(),
        s(&dir.join("entities.csv")),
        "--inspectors".into(),
        s(&dir.join("inspectors.csv")),
        "--published".into(),
        "2026-11-29".into(),
        "--out".into(),
        s(&dir.join("out.json")),
    ];
    args.extend(extra.iter().map(|x| x.to_string()));
    run(&args)
}

/// The codes of the findings of `level` in a `--format json` run.
fn codes(r: &Run, level: &str) -> Vec<String> {
    r.json()["preflight"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == level)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// A warning refuses, saying which flag acknowledges it, and writes
/// nothing; with the flag the announcement is made.
fn refused_until_accepted(dir: &Path, task: &Path, code: &str, zh: &str) {
    let r = announce(dir, task, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains(zh), "{r:?}");
    assert!(r.stdout.contains("警告："), "{r:?}");
    assert!(r.stdout.contains("--accept-warnings"), "{r:?}");
    assert!(!dir.join("out.json").exists() && !dir.join("out.html").exists());
    let j = announce(dir, task, &["--format", "json"]);
    assert_eq!(j.code, 1, "{j:?}");
    assert_eq!(j.json()["announced"], false);
    assert!(codes(&j, "warning").contains(&code.to_string()), "{j:?}");
    assert!(codes(&j, "error").is_empty(), "{j:?}");
    let ok = announce(dir, task, &["--accept-warnings"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.stdout.contains(zh), "the warning is still shown: {ok:?}");
    assert!(dir.join("out.json").exists() && dir.join("out.html").exists());
}

/// An error refuses even with `--accept-warnings`, as an input error
/// (exit 2, on stderr, Chinese first), and writes nothing.
fn refused(dir: &Path, task: &Path, zh: &str) -> Run {
    let r = announce(dir, task, &["--accept-warnings"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("错误："), "{r:?}");
    assert!(r.stderr.contains(zh), "{r:?}");
    assert!(r.stderr.contains("未生成公告"), "{r:?}");
    assert!(!dir.join("out.json").exists() && !dir.join("out.html").exists());
    let j = announce(dir, task, &["--format", "json", "--accept-warnings"]);
    assert_eq!(j.code, 2, "{j:?}");
    let e: serde_json::Value = serde_json::from_str(j.stderr.lines().last().unwrap()).unwrap();
    assert!(
        e["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message_zh"].as_str().unwrap().contains(zh)),
        "{j:?}"
    );
    r
}

#[test]
fn the_demo_announces_with_a_clean_preflight() {
    let dir = demo("preflight-demo");
    let r = announce(&dir, &dir.join("task.toml"), &["--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["announced"], true);
    assert!(
        codes(&r, "error").is_empty() && codes(&r, "warning").is_empty(),
        "{r:?}"
    );
    let strata = r.json()["preflight"]["strata"].clone();
    assert_eq!(strata[0]["quota_zh"], "不少于 3%（即 3 户）", "{strata}");
    assert_eq!(strata[0]["population"], 85);
    assert_eq!(strata[3]["to_draw"], 15);
    // The demo has 回避 pairs and 异地交叉检查: the trial's success is
    // said not to hold for every seed.
    assert_eq!(codes(&r, "note"), ["trial-ok-seed-dependent"]);
    let text = announce(&dir, &dir.join("task.toml"), &["--force"]);
    assert!(text.stdout.starts_with("预检"), "{text:?}");
    assert!(text.stdout.contains("不少于 3%（即 3 户）"), "{text:?}");
}

#[test]
fn a_stratum_value_matching_no_entity_is_a_warning() {
    let (dir, task) = task_with("preflight-value", "A = \"3%\"", "\"A类\" = \"3%\"");
    refused_until_accepted(&dir, &task, "stratum-empty", "分层“信用风险等级=A类”");
    let j = announce(&dir, &task, &["--format", "json", "--force"]);
    let all = codes(&j, "warning");
    // The 85 class-A entities are left out, and shown.
    assert!(all.contains(&"unstratified".to_string()), "{j:?}");
    let r = announce(&dir, &task, &["--force"]);
    assert!(r.stdout.contains("有 85 户不符合任何分层"), "{r:?}");
    assert!(r.stdout.contains("信用风险等级=A）"), "{r:?}");
}

#[test]
fn a_misspelt_department_is_a_warning_or_an_error_when_teams_need_it() {
    let (dir, task) = task_with(
        "preflight-department",
        "departments = [",
        "departments = [\"阜康市市场监管局\", ",
    );
    refused_until_accepted(
        &dir,
        &task,
        "department-unmatched",
        "实施部门“阜康市市场监管局”",
    );
    // Misspelt in the joint-inspection quota too: no team can be formed.
    let text = std::fs::read_to_string(dir.join("task.toml")).unwrap();
    let dept = text
        .split("[[team.departments]]\nname = \"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_string();
    let joint = write(
        &dir,
        "joint.toml",
        text.replace(&dept, "阜康市市场监管局").as_bytes(),
    );
    let _ = std::fs::remove_file(dir.join("out.json"));
    let _ = std::fs::remove_file(dir.join("out.html"));
    refused(&dir, &joint, "每个检查组都须有该部门人员");
}

#[test]
fn a_conflict_pair_with_an_unknown_inspector_is_a_warning() {
    let (dir, task) = task_with("preflight-conflict", "ZF65230200004", "ZF65239999999");
    refused_until_accepted(
        &dir,
        &task,
        "conflict-unknown",
        "执法证号 ZF65239999999 不在执法检查人员名录库中",
    );
}

#[test]
fn an_unfilled_seed_form_is_refused() {
    let (dir, task) = task_with(
        "preflight-template",
        "issue = \"2026318\"",
        "issue = \"第____期\"",
    );
    refused(&dir, &task, "期号“第____期”还是未填写的模板");
}

#[test]
fn an_infeasible_team_is_refused_after_a_trial_draw() {
    let (dir, task) = task_with(
        "preflight-infeasible",
        "size = 2",
        "size = 2\nmax_per_inspector = 1",
    );
    let r = refused(&dir, &task, "用临时密钥试抽");
    assert!(r.stderr.contains("无法为检查对象"), "{r:?}");
    assert!(
        r.stderr.contains("已达每人参加检查组数上限"),
        "in Chinese: {r:?}"
    );
    assert!(r.stderr.contains("试抽失败说明任务本身有问题"), "{r:?}");
}

#[test]
fn an_exclusion_not_in_the_directory_is_a_warning() {
    // A well-formed 统一社会信用代码 that the directory does not hold.
    let code = shuangsui::uscc::complete(b"9165230200000000").unwrap();
    let code = String::from_utf8(code.to_vec()).unwrap();
    let (dir, task) = task_with(
        "preflight-exclusion",
        "draw_date = 2026-12-01",
        &format!("draw_date = 2026-12-01\nexclusions = [\"{code}\"]"),
    );
    refused_until_accepted(&dir, &task, "exclusion-unknown", &code);
}
