//! Every error kind, reached by a real input through the public API, speaks
//! Chinese (issue 14): the Chinese-first page and the CLI show
//! `message_zh()`, so no kind may fall back to English there.
//!
//! The test walks [`ErrorKind::ALL`]; a kind added without a case here
//! makes it fail.

use std::collections::BTreeSet;

use shuangsui::calendar::{Date, WorkingDayCalendar};
use shuangsui::{
    announce, draw, normalize_entity_id, normalize_text, read_seed, synth, Announced, DrawInputs,
    DrawRecord, EntityDirectory, Error, ErrorKind, Exclusions, InspectorDirectory, SeedSource,
    TaskFile, TextEncoding,
};

const INSPECTORS: &str =
    "执法证号,姓名,部门,执法领域\nZF1,王伟,市场监管局,食品安全\nZF2,李娜,市场监管局,食品安全\n";
const TASK: &str = "name='t'\nitem='食品检查'\nfields=['食品安全']\ndraw_date=2026-12-01\n";
const TWO: &str = "统一社会信用代码,企业名称\n91350100M000100Y43,甲\n91110000600037341L,乙\n";

fn entities(csv: &str) -> shuangsui::Result<EntityDirectory> {
    EntityDirectory::from_csv(csv.as_bytes(), "entities.csv")
}

fn inspectors(csv: &str) -> shuangsui::Result<InspectorDirectory> {
    InspectorDirectory::from_csv(csv.as_bytes(), "inspectors.csv")
}

/// A v1 draw of `task` over the given directories.
fn run(task: &str, ents: &str, insps: &str) -> shuangsui::Result<DrawRecord> {
    let t = TaskFile::parse(task, "task.toml")?;
    let e = entities(ents)?;
    let i = inspectors(insps)?;
    draw(&DrawInputs {
        task: &t.task,
        entities: &e,
        inspectors: &i,
        exclusions: &t.exclusions,
        seed: &[SeedSource::parse("lottery:1 2 3")?],
        announcement: Announced::V1,
    })
}

/// A writer that always fails, as a full disk does.
struct Full;

impl std::io::Write for Full {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("no space left on device"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An input that fails with `kind`, through the public API.
fn case(kind: ErrorKind) -> shuangsui::Result<()> {
    match kind {
        ErrorKind::Io => synth::write(
            synth::Kind::Entities,
            "7",
            10,
            1,
            &mut Full,
            &mut |_| {},
        ),
        ErrorKind::Csv => entities("统一社会信用代码,企业名称\n91350100M000100Y43,甲,多余\n").map(drop),
        ErrorKind::MissingColumn => entities("企业名称,行业\n某公司,制造业\n").map(drop),
        ErrorKind::DuplicateColumn => {
            entities("信用代码,注册号,企业名称,统一社会信用代码\nA,B,C,D\n").map(drop)
        }
        ErrorKind::EmptyDirectory => entities("统一社会信用代码,企业名称\n").map(drop),
        ErrorKind::DuplicateId => entities(
            "统一社会信用代码,企业名称\n91350100M000100Y43,甲\n91350100m000100y43 ,丙\n",
        )
        .map(drop),
        ErrorKind::InvalidId => normalize_entity_id("9165-23").map(drop),
        ErrorKind::InvalidText => normalize_text("a\u{1}b").map(drop),
        ErrorKind::InvalidValue => TextEncoding::parse("latin1").map(drop),
        ErrorKind::InvalidDate => Date::parse("2026-02-30").map(drop),
        ErrorKind::InvalidTask => TaskFile::parse("name = 't'\n", "task.toml").map(drop),
        ErrorKind::InvalidSeed => SeedSource::parse("lottery:").map(drop),
        ErrorKind::OverlappingStrata => run(
            &format!(
                "{TASK}[[strata]]\nname='s1'\nwhere={{'风险等级'='A'}}\ncount=1\n\
                 [[strata]]\nname='s2'\nwhere={{'风险等级'=['A','B']}}\ncount=1\n"
            ),
            "统一社会信用代码,企业名称,风险等级\n91350100M000100Y43,甲,A\n",
            INSPECTORS,
        )
        .map(drop),
        ErrorKind::QuotaExceedsStratum => {
            run(&format!("{TASK}[[strata]]\ncount = 3\n"), TWO, INSPECTORS).map(drop)
        }
        ErrorKind::NoQualifiedInspector => run(
            TASK,
            TWO,
            "执法证号,姓名,部门,执法领域\nZF1,王伟,市场监管局,价格监管\nZF2,李娜,市场监管局,价格监管\n",
        )
        .map(drop),
        ErrorKind::Infeasible => run(
            TASK,
            TWO,
            "执法证号,姓名,部门,执法领域,状态\nZF1,王伟,市场监管局,食品安全,有效\nZF2,李娜,市场监管局,食品安全,失效\n",
        )
        .map(drop),
        ErrorKind::AnnouncementMismatch => {
            let t = TaskFile::parse(
                &format!("{TASK}[[seed]]\nlottery = \"双色球\"\nissue = \"2026139\"\ndate = 2026-11-29\n"),
                "task.toml",
            )?;
            let a = announce(
                &t.task,
                &entities(TWO)?,
                &inspectors(INSPECTORS)?,
                &Exclusions::none(),
                &t.seed_forms,
                "2026-11-25",
            )?;
            // The announcement names one seed source; none is entered.
            read_seed(&a, &[]).map(drop)
        }
        ErrorKind::InvalidRecord => DrawRecord::from_json("{not json").map(drop),
        ErrorKind::CalendarUncovered => {
            let cal = WorkingDayCalendar::load(None, &[])?;
            cal.day(Date::parse("2199-01-01")?).map(drop)
        }
        ErrorKind::Unannounced => Announced::choose(None, false).map(drop),
        ErrorKind::WrongFile => shuangsui::check_slot(
            INSPECTORS.as_bytes(),
            "inspectors.csv",
            shuangsui::Slot::Entities,
            shuangsui::Via::Page,
        ),
        other => panic!("no case for {other:?}: add an input that produces it to this test"),
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3000}'..='\u{303F}').contains(&c))
}

/// The Chinese of `e` and of each of its details is Chinese: not the
/// English text, and without any kind's English name.
fn assert_speaks_chinese(e: &Error) {
    let zh = e.message_zh();
    assert!(has_cjk(zh), "{:?}: no Chinese in {zh:?}", e.kind());
    assert_ne!(
        zh,
        e.message(),
        "{:?}: the Chinese is the English",
        e.kind()
    );
    for k in ErrorKind::ALL {
        assert!(
            !zh.contains(k.name()),
            "{:?}: the Chinese names the kind {}: {zh:?}",
            e.kind(),
            k.name()
        );
    }
    assert!(has_cjk(&e.display_zh()));
    for d in e.details() {
        assert_speaks_chinese(d);
    }
}

#[test]
fn every_kind_has_a_case_and_speaks_chinese() {
    let mut seen = BTreeSet::new();
    for &kind in ErrorKind::ALL {
        let e = case(kind).expect_err(kind.name());
        assert_eq!(e.kind(), kind, "{e}");
        assert_speaks_chinese(&e);
        // The JSON form carries both languages and the Chinese kind name.
        let j = e.to_json();
        assert_eq!(j["kind"], kind.name());
        assert_eq!(j["kind_zh"], kind.name_zh());
        assert_eq!(j["message_zh"], e.message_zh());
        seen.insert(kind.name());
    }
    assert_eq!(seen.len(), ErrorKind::ALL.len(), "ALL lists a kind twice");
}

#[test]
fn every_kind_has_a_chinese_name() {
    let mut names = BTreeSet::new();
    for &kind in ErrorKind::ALL {
        let zh = kind.name_zh();
        assert!(has_cjk(zh), "{kind:?}: {zh:?}");
        assert!(names.insert(zh), "two kinds share the Chinese name {zh}");
    }
}

#[test]
fn spec_section_14_lists_exactly_the_kinds() {
    let spec = include_str!("../../SPEC.md");
    let start = spec.find("## 14. Errors").expect("SPEC §14");
    let section = &spec[start..];
    let listed = &section[..section.find("Each names the file").expect("§14's list")];
    let in_spec: BTreeSet<&str> = listed
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    let in_code: BTreeSet<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(in_spec, in_code);
}

#[test]
fn context_keeps_kind_location_and_details() {
    let e = entities("统一社会信用代码,企业名称\n91350100M000100Y43,甲\nBB-2,乙\nCC-3,丙\n")
        .unwrap_err();
    let loc = e.location().cloned();
    let n = e.details().len();
    let wrapped = e.clone().context("--entities", "--entities");
    assert_eq!(wrapped.kind(), e.kind());
    assert_eq!(wrapped.location().cloned(), loc);
    assert_eq!(wrapped.details().len(), n);
    assert!(n >= 2, "{e}");
    assert_eq!(wrapped.message(), format!("--entities: {}", e.message()));
    assert_eq!(
        wrapped.message_zh(),
        format!("--entities：{}", e.message_zh())
    );
}
