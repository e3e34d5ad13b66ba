//! The `shuangsui` command run as a real binary: exit codes, stdout and
//! stderr of every command, as a user sees them (issue 3).

mod common;

use common::{demo, draw, run, s, scratch, write, Run};
use serde_json::Value;
use std::path::Path;

/// `verify` of the demo's record in `dir`, against `entities`.
fn verify(dir: &Path, entities: &Path) -> Run {
    common::verify(
        &dir.join("record.json"),
        entities,
        &dir.join("inspectors.csv"),
        &[],
    )
}

#[test]
fn demo_runs_and_prints_teams_and_the_verify_command() {
    let r = run(&["demo"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");
    assert!(r.stdout.contains("组长"), "{r:?}");
    assert!(r.stdout.contains("reproduced"), "{r:?}");
    assert!(
        r.stdout.contains("shuangsui verify demo/record.json --entities demo/entities.csv --inspectors demo/inspectors.csv"),
        "{r:?}"
    );
}

#[test]
fn demo_out_then_verify_reproduces() {
    let dir = demo("demo_out");
    for f in [
        "entities.csv",
        "inspectors.csv",
        "task.toml",
        "announcement.json",
        "record.json",
        "result.csv",
        "result.xlsx",
        "notice.html",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let r = verify(&dir, &dir.join("entities.csv"));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("reproduced"), "{r:?}");
    assert!(r.stderr.is_empty(), "{r:?}");

    let csv = std::fs::read_to_string(dir.join("result.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}序号,分层,"),
        "BOM and Chinese headers"
    );
    assert!(csv.contains("\r\n"));
    let html = std::fs::read_to_string(dir.join("notice.html")).unwrap();
    assert!(html.contains("抽查结果公告") && html.contains("shuangsui verify"));

    // The demo refuses to overwrite its files unless --force.
    let again = run(&["demo", "--out", &s(&dir)]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    assert!(again.stderr.contains("entities.csv"), "{again:?}");
    assert_eq!(run(&["demo", "--out", &s(&dir), "--force"]).code, 0);
}

#[test]
fn a_changed_team_member_gives_1_and_is_named() {
    let dir = demo("team_member");
    let path = dir.join("record.json");
    let text = std::fs::read_to_string(&path).unwrap();

    // Edited by hand: the record digest no longer matches.
    let edited = text.replacen("\"role\": \"member\"", "\"role\": \"leader\"", 1);
    std::fs::write(&path, &edited).unwrap();
    let r = verify(&dir, &dir.join("entities.csv"));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("changed after it was made"), "{r:?}");

    // Edited by someone who also recomputed the digest: the re-run names
    // the entity, the slot and both inspectors.
    let mut record = shuangsui::DrawRecord::from_json(&text).unwrap();
    let inspectors = shuangsui::InspectorDirectory::from_csv(
        &std::fs::read(dir.join("inspectors.csv")).unwrap(),
        "inspectors.csv",
    )
    .unwrap();
    let original = record.draws[0].team[1].clone();
    let other = inspectors
        .inspectors()
        .iter()
        .find(|i| {
            i.department == original.department && record.draws[0].team.iter().all(|m| m.id != i.id)
        })
        .expect("another inspector of the department");
    record.draws[0].team[1].id = other.id.clone();
    record.draws[0].team[1].name = other.name.clone();
    record.record_digest = record.compute_digest();
    std::fs::write(&path, record.to_json_pretty()).unwrap();
    let r = verify(&dir, &dir.join("entities.csv"));
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("team member 2"), "{r:?}");
    assert!(
        r.stdout.contains(&other.id) && r.stdout.contains(&original.id),
        "{r:?}"
    );
    assert!(r.stdout.contains(&record.draws[0].entity.id), "{r:?}");
}

#[test]
fn a_directory_with_one_changed_row_gives_1() {
    let dir = demo("changed_row");
    let text = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[7] = lines[7].replacen("阜康市", "阜康县", 1);
    let changed = dir.join("entities-changed.csv");
    std::fs::write(&changed, lines.join("\n") + "\n").unwrap();
    let r = verify(&dir, &changed);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("entity directory"), "{r:?}");
    assert!(r.stdout.contains("digest"), "{r:?}");
}

#[test]
fn announce_then_draw_and_a_mismatching_announcement_is_refused() {
    let dir = demo("announce");
    let out = dir.parent().unwrap().join("run");
    let ann = out.join("announcement.json");
    let files = |entities: &Path| {
        vec![
            "--task".to_string(),
            s(&dir.join("task.toml")),
            "--entities".into(),
            s(entities),
            "--inspectors".into(),
            s(&dir.join("inspectors.csv")),
        ]
    };
    let mut args = vec!["announce".to_string()];
    args.extend(files(&dir.join("entities.csv")));
    args.extend([
        "--published".into(),
        "2026-11-29".into(),
        "--out".into(),
        s(&ann),
    ]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("announcement digest"), "{r:?}");
    assert!(
        r.stdout.contains("福彩3D 第2026318期（2026-11-30 开奖）"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("9.9 bits") && r.stdout.contains("fewer than 20"),
        "{r:?}"
    );
    // The same announcement as the demo's, and its printable page beside it.
    assert_eq!(
        std::fs::read_to_string(&ann).unwrap(),
        std::fs::read_to_string(dir.join("announcement.json")).unwrap()
    );
    let html = std::fs::read_to_string(ann.with_extension("html")).unwrap();
    assert!(html.contains("抽查公告") && html.contains("第2026318期"));
    // A seed dated before the publication is refused at once.
    let mut early = args.clone();
    let at = early.iter().position(|a| a == "2026-11-29").unwrap();
    early[at] = "2026-12-01".into();
    early.push("--force".into());
    let r = run(&early);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("before the announcement's publication"),
        "{r:?}"
    );

    let draw_args = |entities: &Path, force: bool| {
        let mut a = vec!["draw".to_string()];
        a.extend(files(entities));
        a.extend([
            "--seed".into(),
            "3 0 7".into(),
            "--announcement".into(),
            s(&ann),
            "--out".into(),
            s(&out),
        ]);
        if force {
            a.push("--force".into());
        }
        a
    };
    let r = run(&draw_args(&dir.join("entities.csv"), false));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("matches the announcement"), "{r:?}");
    // Same inputs and seed as the demo: the same draw.
    let demo: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("record.json")).unwrap()).unwrap();
    let ours: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("record.json")).unwrap()).unwrap();
    assert_eq!(demo["draw_key"], ours["draw_key"]);
    assert_eq!(demo["draws"], ours["draws"]);

    // The outputs exist now: refused without --force.
    let r = run(&draw_args(&dir.join("entities.csv"), false));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("record.json") && r.stderr.contains("--force"),
        "{r:?}"
    );

    // A directory that differs from the announced one is refused.
    let text = std::fs::read_to_string(dir.join("entities.csv")).unwrap();
    let changed = dir.join("entities-changed.csv");
    std::fs::write(&changed, text.replacen("阜康市", "阜康县", 1)).unwrap();
    let r = run(&draw_args(&changed, true));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("differs from the one announced"), "{r:?}");
    assert!(r.stderr.contains("announcement.json"), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
}

#[test]
fn input_errors_give_2_with_file_row_and_column() {
    let dir = scratch("input_errors");
    // A missing file.
    let missing = dir.join("nope.csv");
    let r = run(&["digest", "entities", &s(&missing)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    assert!(r.stderr.contains(&s(&missing)), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");

    // A malformed CSV: a row with more cells than the header.
    let ragged = write(
        &dir,
        "ragged.csv",
        "统一社会信用代码,企业名称\n91350100M000100Y43,甲公司\n91110000600037341L,乙公司,多余\n"
            .as_bytes(),
    );
    let r = run(&["digest", "entities", &s(&ragged)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(&format!("{}, row 3", s(&ragged))),
        "{r:?}"
    );

    // A cell holding a control character (SPEC.md §2): file, row, column.
    let control = write(
        &dir,
        "control.csv",
        "统一社会信用代码,企业名称\n91350100M000100Y43,\"甲\u{7}公司\"\n".as_bytes(),
    );
    let r = run(&["digest", "entities", &s(&control)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("{}, row 2, column \"企业名称\"", s(&control))),
        "{r:?}"
    );

    // A duplicate id, written differently (full-width digits) on row 4.
    let dup = write(
        &dir,
        "dup.csv",
        "统一社会信用代码,企业名称\n91350100M000100Y43,甲公司\n91110000600037341L,乙公司\n９1350100M000100Y43,丙公司\n".as_bytes(),
    );
    let r = run(&["digest", "entities", &s(&dup)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(&format!("{}, row 4", s(&dup))), "{r:?}");
    assert!(r.stderr.contains("rows 2 and 4"), "{r:?}");

    // An invalid id: file, row and column.
    let bad = write(
        &dir,
        "bad.csv",
        "统一社会信用代码,企业名称\n9135-0100,甲公司\n".as_bytes(),
    );
    let r = run(&["digest", "entities", &s(&bad)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("{}, row 2, column \"统一社会信用代码\"", s(&bad))),
        "{r:?}"
    );

    // The same error as JSON on stderr.
    let r = run(&["--format", "json", "digest", "entities", &s(&dup)]);
    assert_eq!(r.code, 2, "{r:?}");
    let e: Value = serde_json::from_str(r.stderr.trim()).expect("stderr is JSON");
    assert_eq!(e["error"]["kind"], "DuplicateId");
    assert_eq!(e["error"]["row"], 4);
    assert_eq!(e["error"]["file"], s(&dup));

    // A usage error (clap).
    let r = run(&["draw", "--task"]);
    assert_eq!(r.code, 2, "{r:?}");
    // A malformed seed.
    let d = demo("input_errors_seed");
    let r = draw(
        &d.join("task.toml"),
        &d.join("entities.csv"),
        &d.join("inspectors.csv"),
        &dir.join("out"),
        &[
            "--announcement",
            &s(&d.join("announcement.json")),
            "--seed",
            "beacon:xyz",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("beacon:xyz"), "{r:?}");
}

#[test]
fn json_output_parses() {
    let dir = demo("json");
    let r = run(&[
        "--format",
        "json",
        "digest",
        "entities",
        &s(&dir.join("entities.csv")),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let j = r.json();
    assert_eq!(j["count"], 300);
    assert_eq!(j["digest"].as_str().unwrap().len(), 64);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("record.json")).unwrap()).unwrap();
    assert_eq!(j["digest"], record["entities"]["digest"]);

    let r = run(&[
        "digest",
        "inspectors",
        &s(&dir.join("inspectors.csv")),
        "--format",
        "json",
    ]);
    assert_eq!(r.json()["count"], 24);

    let r = common::verify(
        &dir.join("record.json"),
        &dir.join("entities.csv"),
        &dir.join("inspectors.csv"),
        &["--format", "json"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["reproduced"], true);

    let r = run(&["demo", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let j = r.json();
    assert_eq!(j["reproduced"], true);
    assert_eq!(j["record"]["record_digest"], record["record_digest"]);

    let out = dir.parent().unwrap().join("draw");
    let r = draw(
        &dir.join("task.toml"),
        &dir.join("entities.csv"),
        &dir.join("inspectors.csv"),
        &out,
        &[
            "--format",
            "json",
            "--announcement",
            &s(&dir.join("announcement.json")),
            "--seed",
            "3 0 7",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let j = r.json();
    let announced: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("announcement.json")).unwrap())
            .unwrap();
    assert_eq!(
        j["record"]["announcement_digest"],
        announced["announcement_digest"]
    );
    assert_eq!(j["record"]["protocol"], "shuangsui-draw/2");
    assert!(j["files"]["notice"]
        .as_str()
        .unwrap()
        .ends_with("notice.html"));

    let gen = dir.parent().unwrap().join("gen.csv");
    let r = run(&[
        "gen",
        "inspectors",
        "--count",
        "50",
        "--out",
        &s(&gen),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["rows"], 50);
}

#[test]
fn gen_is_deterministic_for_a_seed_and_valid() {
    let dir = scratch("gen");
    let a = run(&["gen", "entities", "--count", "3000", "--seed", "42"]);
    assert_eq!(a.code, 0, "{a:?}");
    assert!(a.stderr.is_empty(), "{a:?}");
    let b = run(&["gen", "entities", "--count", "3000", "--seed", "42"]);
    assert_eq!(a.stdout, b.stdout);
    let c = run(&["gen", "entities", "--count", "3000", "--seed", "43"]);
    assert_ne!(a.stdout, c.stdout);
    // --out writes the same bytes as stdout.
    let file = dir.join("e.csv");
    let r = run(&[
        "gen",
        "entities",
        "--count",
        "3000",
        "--seed",
        "42",
        "--out",
        &s(&file),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), a.stdout);
    // … and refuses to overwrite it.
    let r = run(&["gen", "entities", "--count", "3", "--out", &s(&file)]);
    assert_eq!(r.code, 2, "{r:?}");

    let dir = shuangsui::EntityDirectory::from_csv(a.stdout.as_bytes(), "gen").unwrap();
    assert_eq!(dir.len(), 3000);
    for e in dir.entities() {
        assert!(shuangsui::uscc::is_valid(&e.id), "{}", e.id);
    }
    let i = run(&["gen", "inspectors", "--count", "100", "--seed", "42"]);
    assert_eq!(i.code, 0, "{i:?}");
    let insp = shuangsui::InspectorDirectory::from_csv(i.stdout.as_bytes(), "gen").unwrap();
    assert_eq!(insp.len(), 100);
}

#[test]
fn help_documents_exit_codes() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Exit codes"), "{r:?}");
    assert!(r.stdout.contains("2  usage or input error"), "{r:?}");
    for cmd in [
        "demo", "gen", "digest", "announce", "draw", "verify", "deadline", "rules", "ledger",
        "calendar",
    ] {
        assert!(r.stdout.contains(cmd), "{cmd} missing from --help");
        let h = run(&[cmd, "--help"]);
        assert_eq!(h.code, 0, "{h:?}");
        assert!(h.stdout.contains("Exit codes"), "{cmd}: {h:?}");
    }
}
