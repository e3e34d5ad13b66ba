//! Bad input gives its documented error kind, with a location, never a panic.

use shuangsui::{
    draw, verify, DrawInputs, EntityDirectory, ErrorKind, Exclusions, InspectorDirectory,
    SeedSource, TaskFile, Verification,
};

const INSPECTORS: &str =
    "执法证号,姓名,部门,执法领域\nZF1,王伟,市场监管局,食品安全\nZF2,李娜,市场监管局,食品安全\n";
const TASK: &str = "name='t'\nitem='食品检查'\nfields=['食品安全']\ndraw_date=2026-12-01\n";

fn entities(csv: &str) -> shuangsui::Result<EntityDirectory> {
    EntityDirectory::from_csv(csv.as_bytes(), "entities.csv")
}

#[test]
fn empty_directory() {
    assert_eq!(
        entities("统一社会信用代码,企业名称\n").unwrap_err().kind(),
        ErrorKind::EmptyDirectory
    );
    assert_eq!(entities("").unwrap_err().kind(), ErrorKind::EmptyDirectory);
    assert_eq!(
        entities("\n\n").unwrap_err().kind(),
        ErrorKind::EmptyDirectory
    );
}

#[test]
fn missing_id_column() {
    let e = entities("企业名称,行业\n某公司,制造业\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingColumn);
    assert!(e.to_string().contains("统一社会信用代码"), "{e}");
    assert_eq!(e.location().unwrap().file.as_deref(), Some("entities.csv"));
}

#[test]
fn duplicate_id_names_both_rows() {
    let e = entities("统一社会信用代码,企业名称\n91350100M000100Y43,甲\n91110000600037341L,乙\n91350100m000100y43 ,丙\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateId);
    assert!(e.to_string().contains("rows 2 and 4"), "{e}");
}

#[test]
fn bad_cells_name_row_and_column() {
    let e = entities("统一社会信用代码,企业名称\n91350100M000100Y43,甲\nBB-2,乙\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidId);
    let loc = e.location().unwrap();
    assert_eq!(
        (loc.row, loc.column.as_deref()),
        (Some(3), Some("统一社会信用代码"))
    );
    let e = InspectorDirectory::from_csv("执法证号,姓名,状态\nZF1,王,休假\n".as_bytes(), "i.csv")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert_eq!(e.location().unwrap().column.as_deref(), Some("状态"));
    let e = InspectorDirectory::from_csv("执法证号,姓名,有效期\nZF1,王,明年\n".as_bytes(), "i.csv")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidDate);
    let e = entities("统一社会信用代码,企业名称\n91350100M000100Y43,\"甲\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csv);
    let e = entities("统一社会信用代码,企业名称\n91350100M000100Y43,甲,多余\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csv);
    assert_eq!(e.location().unwrap().row, Some(2));
    // Bytes that are neither UTF-8 nor GBK.
    let e = EntityDirectory::from_csv(b"id,name\n91350100M000100Y43,\xff\xfe\xff\n", "bad.csv")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Csv);
    assert!(e.to_string().contains("neither UTF-8 nor GBK"), "{e}");
    let e = entities("信用代码,注册号,企业名称,统一社会信用代码\nA,B,C,D\n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateColumn);
}

fn run(task: &str, ents: &str, insps: &str) -> shuangsui::Result<shuangsui::DrawRecord> {
    let t = TaskFile::parse(task, "task.toml")?;
    let e = entities(ents)?;
    let i = InspectorDirectory::from_csv(insps.as_bytes(), "inspectors.csv")?;
    draw(&DrawInputs {
        task: &t.task,
        entities: &e,
        inspectors: &i,
        exclusions: &t.exclusions,
        seed: &[SeedSource::parse("lottery:1 2 3").unwrap()],
        announcement: shuangsui::Announced::V1,
    })
}

#[test]
fn count_larger_than_its_stratum() {
    let e = run(
        &format!("{TASK}[[strata]]\ncount = 3\n"),
        "统一社会信用代码,企业名称\n91350100M000100Y43,甲\n91110000600037341L,乙\n",
        INSPECTORS,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceedsStratum);
    assert!(e.to_string().contains("only 2 eligible"), "{e}");
}

#[test]
fn nobody_qualified_for_the_item() {
    let insps =
        "执法证号,姓名,部门,执法领域\nZF1,王伟,市场监管局,价格监管\nZF2,李娜,市场监管局,价格监管\n";
    let e = run(
        TASK,
        "统一社会信用代码,企业名称\n91350100M000100Y43,甲\n",
        insps,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoQualifiedInspector);
    assert!(e.to_string().contains("2 without the field"), "{e}");
}

#[test]
fn infeasible_names_the_entity_and_the_rules() {
    let insps = "执法证号,姓名,部门,执法领域,状态\nZF1,王伟,市场监管局,食品安全,有效\nZF2,李娜,市场监管局,食品安全,失效\n";
    let e = run(
        TASK,
        "统一社会信用代码,企业名称\n91350100M000100Y43,甲公司\n",
        insps,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Infeasible);
    let m = e.to_string();
    assert!(
        m.contains("91350100M000100Y43 (甲公司)")
            && m.contains("1 inactive")
            && m.contains("1 already on this team"),
        "{m}"
    );
}

#[test]
fn a_changed_record_or_row_does_not_verify() {
    let ents = "统一社会信用代码,企业名称,所属区域\n91350100M000100Y43,甲,城关镇\n91110000600037341L,乙,城关镇\n91652302MA7B8C9DXF,丙,城关镇\n";
    let record = run(&format!("{TASK}[[strata]]\ncount = 2\n"), ents, INSPECTORS).unwrap();
    let e = entities(ents).unwrap();
    let i = InspectorDirectory::from_csv(INSPECTORS.as_bytes(), "i.csv").unwrap();
    let x = Exclusions::none();
    let json = record.to_json_pretty();
    assert_eq!(verify(&json, &e, &i, &x).unwrap(), Verification::Reproduced);
    // A hand edit (one team member swapped) is caught by the record digest.
    let edited = json.replacen("\"ZF1\"", "\"ZF9\"", 1);
    assert!(
        matches!(verify(&edited, &e, &i, &x).unwrap(), Verification::Differs(m) if m.contains("changed after"))
    );
    // A consistent forgery (digest recomputed) is caught by the re-run, naming the slot.
    let mut forged = record.clone();
    let first = forged.draws[0].team[0].clone();
    forged.draws[0].team.swap(0, 1);
    forged.draws[0].team[0].role = first.role;
    forged.draws[0].team[1].role = shuangsui::Role::Member;
    forged.record_digest = forged.compute_digest();
    match verify(&forged.to_json_pretty(), &e, &i, &x).unwrap() {
        Verification::Differs(m) => assert!(m.contains("team member 1"), "{m}"),
        other => panic!("forgery verified: {other:?}"),
    }
    // One changed row in the directory.
    let e2 = entities(&ents.replace("丙,城关镇", "丙,博峰街道")).unwrap();
    assert!(
        matches!(verify(&json, &e2, &i, &x).unwrap(), Verification::Differs(m) if m.contains("entity directory"))
    );
    // Not a record at all.
    assert_eq!(
        verify("{}", &e, &i, &x).unwrap_err().kind(),
        ErrorKind::InvalidRecord
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    for bytes in [
        &b"\xff\xfe\x00"[..],
        b",,,\n,,,",
        b"\"",
        b"id,name\n\"a\"b\",c",
        b"\xef\xbb\xbf",
    ] {
        let _ = EntityDirectory::from_csv(bytes, "x.csv");
        let _ = InspectorDirectory::from_csv(bytes, "x.csv");
        let _ = Exclusions::from_csv(bytes, "x.csv");
        let _ = TaskFile::parse(&String::from_utf8_lossy(bytes), "x.toml");
    }
}
