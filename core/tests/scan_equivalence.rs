//! The provincial-scale scan (`EntityIndex`) must agree with the ordinary
//! loader byte for byte, and decline whatever the loader would refuse.

use proptest::prelude::*;
use shuangsui::{
    draw, DrawInputs, EntityDirectory, EntityIndex, Exclusions, InspectorDirectory, LoadOptions,
    SeedSource, TaskFile,
};

fn code(n: u64) -> String {
    String::from_utf8(
        shuangsui::uscc::complete(format!("91652302{:08}", n % 100_000_000).as_bytes())
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

const TASK: &str = r#"
name = "等价性"
item = "检查"
draw_date = 2026-12-01
[[strata]]
name = "C与D"
where = { "信用风险等级" = ["C", "D"] }
ratio = "50%"
[[strata]]
name = "城关A"
where = { "信用风险等级" = "A", "所属区域" = "城关镇" }
count = 1
[[strata]]
name = "其余B"
where = { "信用风险等级" = "B" }
ratio = "30%"
"#;

const INSPECTORS: &str = "执法证号,姓名,所属区域\nZF1,王伟,城关镇\nZF2,李娜,博峰街道\nZF3,古丽,甘河子镇\nZF4,张强,城关镇\n";

#[derive(Debug, Clone)]
struct Row {
    id: u64,
    name: usize,
    class: usize,
    area: usize,
    quote_name: bool,
    style: usize,
}

fn csv(rows: &[Row], variant: usize) -> String {
    let names = [
        "阜康市天池商贸有限公司",
        "阜康市\u{3000}雪莲（餐饮）店",
        "  博格达 建材 ",
        "He said \"hi\", Ltd",
        "丝路,物流",
    ];
    let classes = ["A", "B", "C", "D", "Ｃ", ""];
    let areas = ["城关镇", "博峰街道", " 甘河子镇", ""];
    let nl = if variant % 2 == 0 { "\n" } else { "\r\n" };
    let mut s = String::new();
    if variant % 3 == 1 {
        s += &format!("阜康市市场主体名录{nl}{nl}");
    }
    if variant % 4 == 2 {
        s.insert(0, '\u{feff}');
    }
    s += &format!("统一社会信用代码,企业名称,信用风险等级,所属区域,,备注{nl}");
    for r in rows {
        let mut name = names[r.name % names.len()].to_string();
        if r.quote_name || name.contains([',', '"']) {
            name = format!("\"{}\"", name.replace('"', "\"\""));
        }
        let id = match r.style % 4 {
            0 => code(r.id),
            1 => code(r.id).to_lowercase(),
            2 => format!(" {} ", code(r.id)),
            _ => code(r.id)
                .chars()
                .map(|c| {
                    if c.is_ascii_digit() {
                        char::from_u32(c as u32 + 0xFEE0).unwrap()
                    } else {
                        c
                    }
                })
                .collect(),
        };
        s += &format!(
            "{id},{name},{},{},,{}{nl}",
            classes[r.class % classes.len()],
            areas[r.area % areas.len()],
            if r.style % 5 == 0 { "x" } else { "" }
        );
        if r.style % 7 == 3 {
            s += nl;
        }
    }
    s
}

fn record(entities: &dyn shuangsui::EntitySource) -> Result<String, String> {
    let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
    let inspectors = InspectorDirectory::from_csv(INSPECTORS.as_bytes(), "i.csv").unwrap();
    let excl = Exclusions::from_ids([code(3), code(5)]).unwrap();
    draw(&DrawInputs {
        task: &task,
        entities,
        inspectors: &inspectors,
        exclusions: &excl,
        seed: &[SeedSource::parse("lottery:4 5 6").unwrap()],
        announcement: shuangsui::Announced::V1,
    })
    .map(|r| r.to_json_pretty())
    .map_err(|e| e.kind().name().to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn scan_agrees_with_the_loader(
        rows in prop::collection::vec((0u64..40, 0usize..5, 0usize..6, 0usize..4, any::<bool>(), 0usize..20)
            .prop_map(|(id, name, class, area, quote_name, style)| Row { id, name, class, area, quote_name, style }), 1..40),
        variant in 0usize..12,
    ) {
        let text = csv(&rows, variant);
        let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
        let options = LoadOptions::default();
        let slow = EntityDirectory::load(text.as_bytes(), "e.csv", &options);
        let fast = EntityIndex::scan_bytes(text.as_bytes(), "e.csv", &options, &task).unwrap();
        match (&slow, &fast) {
            (Err(_), Some(_)) => prop_assert!(false, "the scan accepted what the loader refuses: {:?}\n{text}", slow.err()),
            (Ok(s), Some(f)) => {
                prop_assert_eq!(s.digest_hex(), f.digest_hex(), "{}", text);
                prop_assert_eq!(record(s), record(f));
            }
            _ => {}
        }
    }
}

#[test]
fn a_clean_file_takes_the_fast_path_and_draws_the_same() {
    let rows: Vec<Row> = (0..300)
        .map(|i| Row {
            id: i * 7919,
            name: (i % 3) as usize,
            class: (i % 4) as usize,
            area: (i % 3) as usize,
            quote_name: i % 11 == 0,
            style: (i % 4) as usize,
        })
        .collect();
    for variant in 0..12 {
        let text = csv(&rows, variant);
        let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
        let slow =
            EntityDirectory::load(text.as_bytes(), "e.csv", &LoadOptions::default()).unwrap();
        let fast =
            EntityIndex::scan_bytes(text.as_bytes(), "e.csv", &LoadOptions::default(), &task)
                .unwrap()
                .unwrap_or_else(|| panic!("variant {variant} declined"));
        assert_eq!(slow.digest_hex(), fast.digest_hex());
        assert_eq!(record(&slow), record(&fast));
    }
}

#[test]
fn the_vectors_scan_to_their_digests() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    let mut fast_cases = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(expected) = std::fs::read_to_string(dir.join("expected.json")) else {
            continue;
        };
        let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
        let Some(digest) = expected["entities"]["digest"].as_str() else {
            continue;
        };
        let task = TaskFile::parse(
            &std::fs::read_to_string(dir.join("task.toml")).unwrap(),
            "task.toml",
        )
        .unwrap();
        let bytes = std::fs::read(dir.join("entities.csv")).unwrap();
        if let Some(index) = EntityIndex::scan_bytes(
            &bytes,
            "entities.csv",
            &task.entity_options(Default::default()),
            &task.task,
        )
        .unwrap()
        {
            assert_eq!(index.digest_hex(), digest, "{}", dir.display());
            fast_cases += 1;
        }
    }
    assert!(
        fast_cases >= 10,
        "only {fast_cases} vectors took the fast path"
    );
}

#[test]
fn a_large_file_reads_its_drawn_rows_back_on_every_core() {
    // Thousands of drawn rows, read back from the file by several threads.
    let rows: Vec<Row> = (0..8000)
        .map(|i| Row {
            id: i * 7919 + 13,
            name: (i % 3) as usize,
            class: (i % 4) as usize,
            area: (i % 3) as usize,
            quote_name: i % 97 == 0,
            style: (i % 4) as usize,
        })
        .collect();
    let text = csv(&rows, 0);
    let dir = std::env::temp_dir().join(format!("shuangsui-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("entities.csv");
    std::fs::write(&path, &text).unwrap();
    let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
    let options = LoadOptions::default();
    let slow = EntityDirectory::load(text.as_bytes(), "e.csv", &options).unwrap();
    let fast = EntityIndex::scan_file(&path, "e.csv", &options, &task, None)
        .unwrap()
        .expect("a clean file takes the fast path");
    let drawn = record(&fast).unwrap();
    assert!(drawn.matches("\"ticket\"").count() > 2000);
    assert_eq!(record(&slow).unwrap(), drawn);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_of_many_batches_digests_the_same() {
    // More rows than the digest's batches of 32,768: gathered on one
    // thread, hashed on another.
    let rows: Vec<Row> = (0..140_000)
        .map(|i| Row {
            id: i * 613 + 7,
            name: (i % 3) as usize,
            class: (i % 4) as usize,
            area: (i % 3) as usize,
            quote_name: false,
            style: 0,
        })
        .collect();
    let text = csv(&rows, 0);
    let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
    let options = LoadOptions::default();
    let slow = EntityDirectory::load(text.as_bytes(), "e.csv", &options).unwrap();
    let fast = EntityIndex::scan_bytes(text.as_bytes(), "e.csv", &options, &task)
        .unwrap()
        .expect("a clean file takes the fast path");
    assert_eq!(fast.len(), 140_000);
    assert_eq!(slow.digest_hex(), fast.digest_hex());
}

/// SPEC §3.0: a quote left open, text after a closing quote, a quote inside
/// an unquoted cell and doubled quotes — the loader and the scan agree
/// (the scan declines what the loader refuses; what both read is equal).
#[test]
fn quoting_edge_cases_agree() {
    let head = "统一社会信用代码,企业名称,信用风险等级,所属区域\n";
    let body = |i: u64, area: &str| format!("{},公司{i},C,{area}\n", code(i));
    let mut open_quote = String::from(head);
    let mut after_quote = String::from(head);
    let mut inner_quote = String::from(head);
    let mut doubled = String::from(head);
    for i in 0..20 {
        open_quote.push_str(&body(i, if i == 4 { "\"城关镇" } else { "城关镇" }));
        after_quote.push_str(&body(i, if i == 4 { "\"城关\"镇" } else { "城关镇" }));
        inner_quote.push_str(&body(i, if i == 4 { "城关\"镇" } else { "城关镇" }));
        doubled.push_str(&body(
            i,
            if i == 4 {
                "\"城关\"\"镇\""
            } else {
                "城关镇"
            },
        ));
    }
    let task = TaskFile::parse(TASK, "task.toml").unwrap().task;
    let options = LoadOptions::default();
    for (text, refused) in [
        (&open_quote, true),
        (&after_quote, true),
        (&inner_quote, false),
        (&doubled, false),
    ] {
        let slow = EntityDirectory::load(text.as_bytes(), "e.csv", &options);
        let fast = EntityIndex::scan_bytes(text.as_bytes(), "e.csv", &options, &task).unwrap();
        if refused {
            let Err(e) = slow else {
                panic!("the loader accepts a CSV it must refuse");
            };
            assert_eq!(e.kind(), shuangsui::ErrorKind::Csv);
            let l = e.location().unwrap();
            assert_eq!(
                (l.row, l.column.as_deref()),
                (Some(6), Some("所属区域")),
                "{e}"
            );
            assert!(fast.is_none(), "the scan must decline:\n{text}");
        } else {
            let s = slow.unwrap();
            assert_eq!(s.len(), 20);
            if let Some(f) = fast {
                assert_eq!(s.digest_hex(), f.digest_hex());
                assert_eq!(record(&s), record(&f));
            }
        }
    }
}
