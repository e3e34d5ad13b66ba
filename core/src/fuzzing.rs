//! The bodies of the fuzz targets (issue 13), one function per reader of
//! outside input, shared by the cargo-fuzz crate in `fuzz/` and the replay
//! test `core/tests/fuzz_regressions.rs`, so that an input the fuzzer found
//! is replayed through exactly the code that found it.
//!
//! Each function takes arbitrary bytes and must return without panicking,
//! whatever the reader answers: `Ok` and `Err` are both passes. The only
//! assertions are properties the project promises beyond "no panic": the
//! fast scan of an entity directory agrees with the full loader.
//!
//! Not part of the library's API: hidden from the documentation and free to
//! change with the targets.

use std::sync::OnceLock;

use crate::calendar::{
    parse_calendar_file, read_ledger_file, AnyLedger, Date, UserCalendar, WorkingDayCalendar,
};
use crate::{
    lottery_preset, lottery_presets, Announcement, DrawRecord, EntityDirectory, EntityIndex,
    Exclusions, InspectorDirectory, LoadOptions, ReadOptions, SeedForm, SeedSource, Task, TaskFile,
};

/// A fuzz target: it takes any bytes and must not panic.
pub type Target = fn(&[u8]);

/// Every target, by the name cargo-fuzz and the regression folders
/// (`core/tests/fixtures/fuzz/<name>/`) know it by.
pub const TARGETS: &[(&str, Target)] = &[
    ("directory", directory),
    ("directory_csv", directory_csv),
    ("inspectors", inspectors),
    ("exclusions", exclusions),
    ("task", task),
    ("task_form", task_form),
    ("seed", seed),
    ("record", record),
    ("announcement", announcement),
    ("ledger", ledger),
    ("calendar", calendar),
    ("plan", plan),
    ("batch", batch),
];

/// Whether the bytes start like a workbook (zip for `.xlsx`, OLE2 for
/// `.xls`): the CSV-only targets skip those, so that the spreadsheet
/// library's own crashes do not take the time of the project's readers.
fn is_workbook(data: &[u8]) -> bool {
    data.starts_with(b"PK") || data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The entity directory (CSV in UTF-8 or GBK, `.xlsx`, `.xls`): the full
/// loader and the fast scan for the whole directory, which must agree —
/// the same entities and digest when both accept the file, and the scan
/// never accepting what the loader refuses (`core/tests/scan_equivalence.rs`
/// holds the same property on generated files).
pub fn directory(data: &[u8]) {
    // What a file is, asked of every file put into any slot.
    for &slot in crate::Slot::ALL {
        let _ = crate::check_slot(data, "entities.csv", slot, crate::Via::Page);
    }
    let options = LoadOptions::default();
    let slow = EntityDirectory::load(data, "entities.csv", &options);
    let task = Task::whole_directory().expect("the whole-directory task is valid");
    let fast = EntityIndex::scan_bytes(data, "entities.csv", &options, &task);
    if let (slow, Ok(Some(fast))) = (&slow, &fast) {
        match slow {
            Err(e) => panic!("the scan accepted what the loader refuses: {e}"),
            Ok(slow) => {
                assert_eq!(slow.len(), fast.len(), "the scan and the loader differ");
                assert_eq!(
                    slow.digest_hex(),
                    fast.digest_hex(),
                    "the scan and the loader differ"
                );
            }
        }
    }
}

/// As [`directory`], for text files only (workbooks are skipped).
pub fn directory_csv(data: &[u8]) {
    if !is_workbook(data) {
        directory(data);
    }
}

/// The inspector directory, in any format the loader reads.
pub fn inspectors(data: &[u8]) {
    let _ = InspectorDirectory::load(data, "inspectors.csv", &LoadOptions::default());
}

/// An exclusion list, in any format the loader reads.
pub fn exclusions(data: &[u8]) {
    let _ = Exclusions::load(data, "exclusions.csv", &LoadOptions::default());
}

/// The page's task form (JSON): the task file written from it, read back,
/// and the form's column mappings added to it.
pub fn task_form(data: &[u8]) {
    let Ok(form) = serde_json::from_slice::<crate::TaskForm>(data) else {
        return;
    };
    if let Ok(text) = form.to_toml() {
        let _ = TaskFile::parse(&text, "task.toml");
        let _ = crate::with_columns(&text, "task.toml", &form.columns);
    }
}

/// A task file (TOML); an accepted task is also written canonically.
pub fn task(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(file) = TaskFile::parse(&text, "task.toml") {
        let _ = file.task.validate();
        let _ = file.task.canonical_json();
        let _ = file.task.digest();
    }
}

/// The seed as typed: both seed parsers, and the reading of an entered
/// value under the form of every preset lottery, a beacon and a text.
pub fn seed(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = SeedSource::parse(&text);
    let _ = SeedSource::parse_unannounced(&text);
    for game in lottery_presets() {
        let (game, groups) = lottery_preset(game).expect("a preset's own name finds it");
        let form = SeedForm::Lottery {
            game: game.into(),
            issue: "2026138".into(),
            date: "2026-12-01".into(),
            groups,
        };
        if let Ok(source) = form.read(&text) {
            assert!(form.fits(source.kind, &source.value), "read but not fits");
        }
    }
    let others = [
        SeedForm::Beacon {
            beacon: "drand quicknet".into(),
            round: 1,
            date: "2026-12-01".into(),
            bytes: 32,
        },
        SeedForm::Text {
            event: "公开摇号会".into(),
            place: "阜康市".into(),
            date: "2026-12-01".into(),
        },
    ];
    for form in others {
        let _ = form.read(&text);
    }
}

/// A draw record (JSON): the full reader, the lean reader of verification
/// and the task read ahead of the rest.
pub fn record(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = DrawRecord::from_json(&text);
    let _ = DrawRecord::read_without_draws(&text);
    let _ = DrawRecord::task_ahead(&text);
}

/// An announcement (JSON).
pub fn announcement(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(a) = Announcement::from_json(&text) {
        let _ = a.compute_digest();
        let _ = a.source_lines();
    }
}

/// The national calendar, built once: the ledger target checks against it.
fn national() -> &'static WorkingDayCalendar {
    static CAL: OnceLock<WorkingDayCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingDayCalendar::national().expect("the shipped calendar loads"))
}

/// The demo's record, built once: the ledger target checks results
/// ledgers against it.
fn demo_record() -> &'static crate::DrawRecord {
    static RECORD: OnceLock<crate::DrawRecord> = OnceLock::new();
    RECORD.get_or_init(|| crate::synth::demo().expect("the demo draws").record)
}

/// A ledger (台账) of either kind (SPEC §16.5, §16.8), in any format the
/// directories accept, read as `shuangsui ledger` reads it, on a fixed day
/// against the national calendar; a results ledger also against the
/// demo's record.
pub fn ledger(data: &[u8]) {
    let today = Date::new(2026, 10, 14).expect("a real date");
    let read = |record| {
        read_ledger_file(
            national(),
            "台账.csv",
            data,
            &ReadOptions::default(),
            today,
            None,
            record,
        )
    };
    match read(None) {
        Ok(AnyLedger::Cases(report)) => {
            for case in &report.cases {
                let _ = case.explanation();
            }
            let _ = report.table();
            let _ = report.to_csv();
            let _ = report.to_json();
        }
        Ok(AnyLedger::Results(_)) => {
            if let Ok(AnyLedger::Results(report)) = read(Some(demo_record())) {
                for row in &report.rows {
                    let _ = report.row_text_en(row);
                }
                let _ = report.to_csv();
                let _ = report.figures_csv();
                let _ = report.record_lines_zh();
                let _ = report.to_json();
            }
        }
        Err(_) => {}
    }
}

/// A user's calendar file (SPEC §16): parsed, then loaded over the shipped
/// calendar of its region, and the grids of the years it covers drawn.
pub fn calendar(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(file) = parse_calendar_file("cal.csv", &text) else {
        return;
    };
    let user = [UserCalendar {
        name: "cal.csv",
        text: &text,
    }];
    if let Ok(cal) = WorkingDayCalendar::load(Some(&file.region), &user) {
        for &year in file.covers.iter().take(3) {
            let _ = cal.year_grid(year);
        }
    }
}

/// A plan file (TOML, SPEC §17.1); an accepted plan's batches are chosen
/// by number and by name.
pub fn plan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = crate::PlanFile::parse(&text, "plan.toml") {
        for (i, b) in p.batches.iter().enumerate() {
            let _ = p.batch(Some(&(i + 1).to_string()));
            let _ = p.batch(Some(&b.name));
        }
    }
}

/// The batch documents (JSON, SPEC §17.2, §17.4): a batch announcement,
/// and a batch record with what is published of it.
pub fn batch(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(a) = crate::BatchAnnouncement::from_json(&text) {
        let _ = a.compute_digest();
    }
    if let Ok(b) = crate::BatchRecord::from_json(&text) {
        let _ = b.compute_digest();
        let _ = crate::visits_csv(&b);
        let _ = crate::visits_html(&b);
    }
}
