//! # shuangsui — verifiable double-random inspection draws (双随机、一公开)
//!
//! The core library: every rule of the product lives here; the `shuangsui`
//! command and the browser module are thin adapters over it (they parse
//! their input, make one call here, and show the result).
//!
//! # Where each part of SPEC.md lives
//!
//! Each rule is written once; the folder says what kind of rule it is.
//!
//! | SPEC.md | rule | module |
//! |---|---|---|
//! | §1.2 | tagged hashing, every length prefix and count | `spec/hash.rs` |
//! | §2, §3.2 dates | text, id and date normalization | `spec/text.rs` (dates: [`calendar::Date::parse`]) |
//! | §3.3 | header aliases; the header row, id column and attribute keys of a table | `spec/headers.rs`, `spec/layout.rs` |
//! | §3.1 codes | 统一社会信用代码 check characters | [`uscc`] |
//! | §3.1, §3.2, §3.4, §4 | leaves, directory and exclusion digests | `spec/leaves.rs` |
//! | §5 | the task, its file, its canonical form; the page's task form | `spec/task.rs`, `spec/task_toml.rs`, `spec/task_form.rs` |
//! | §6 | seed kinds, forms, entering a seed, entropy | `spec/seed.rs` |
//! | §3.0 | reading a table: CSV (UTF-8/GBK), .xlsx, .xls, limits | `input/table.rs`, `input/excel.rs` |
//! | §3–§4 applied | directories and exclusion lists read whole; what kind a file is and the wrong file in a slot; the compact scan of a provincial file; one `open_*` per kind of file that chooses between them and says why | `input/directory.rs`, `input/exclusions.rs`, `input/identify.rs`, `input/scan.rs`, `input/open.rs`, `input/problems.rs` |
//! | §5.1 matching | which stratum an entity falls in | `spec/task.rs` (`Condition`), driven by `input/population.rs` and `input/scan.rs` |
//! | §7–§10 | draw key, strata, tickets, selection, the team stream and rule | `draw/mod.rs`, `draw/teams.rs` (fast form of §10, tested against the plain one), `draw/prepare.rs` (inputs checked and committed once) |
//! | §11, §12 | the record and the announcement, canonical JSON | `record/mod.rs` |
//! | §12.1 | the pre-flight before announcing (advisory) | `draw/preflight.rs` |
//! | §13 | verification and what it proves (assurance) | `record/verify.rs` |
//! | §17 | plans: the plan file, batch announcement, batch draw, visit list (joint visits), batch verification | `plan/mod.rs`, `plan/batch.rs` |
//! | §14 | errors | `error.rs` |
//! | §16 | working days, deadlines, ledgers (case and results ledgers), month grids | [`calendar`] |
//! | — | what is published: result table, notice, workbooks, CSV; the page's result view (area columns, search) | `publish/` ([`xlsx`]), `publish/view.rs` |
//!
//! The entry points: [`TaskFile::parse`], [`open_entities`] /
//! [`open_inspectors`] / [`open_exclusions`], [`announce`], [`draw`],
//! [`verify`] / [`verify_inputs`], [`notice_html`], and [`calendar`].
//!
//! # Example: announce, draw, verify
//!
//! A draw is announced before its seed exists, made with the public result
//! the announcement named, and re-run by anyone from the published record
//! and the same directories:
//!
//! ```
//! use shuangsui::synth::{csv, Kind};
//! use shuangsui::{
//!     announce, draw, read_seed, verify, Announced, DrawInputs, EntityDirectory,
//!     InspectorDirectory, TaskFile, Verification,
//! };
//!
//! // The directories (名录库), usually read from the regulator's files;
//! // here sample data made in memory.
//! let entities = csv(Kind::Entities, "例", 200)?;
//! let entities = EntityDirectory::from_csv(entities.as_bytes(), "entities.csv")?;
//! let inspectors = csv(Kind::Inspectors, "例", 12)?;
//! let inspectors = InspectorDirectory::from_csv(inspectors.as_bytes(), "inspectors.csv")?;
//!
//! // The task (抽查任务): what to draw, and which public result is the seed.
//! let task = TaskFile::parse(
//!     r#"
//! name = "2026年第四季度双随机抽查"
//! item = "企业公示信息检查"
//! draw_date = 2026-12-01
//! strata_by = { attribute = "信用风险等级", ratios = { A = "3%", B = "5%", C = "10%", D = "50%" } }
//! [[seed]]
//! lottery = "福彩3D"
//! issue = "2026318"
//! date = 2026-11-30
//! "#,
//!     "task.toml",
//! )?;
//!
//! // 1. Announce (公告), before the lottery is drawn.
//! let announcement = announce(
//!     &task.task,
//!     &entities,
//!     &inspectors,
//!     &task.exclusions,
//!     &task.seed_forms,
//!     "2026-11-29",
//! )?;
//!
//! // 2. Draw with the published numbers, read as the announcement said.
//! let seed = read_seed(&announcement, &["3 0 7".to_string()])?;
//! let record = draw(&DrawInputs {
//!     task: &task.task,
//!     entities: &entities,
//!     inspectors: &inspectors,
//!     exclusions: &task.exclusions,
//!     seed: &seed,
//!     announcement: Announced::By(&announcement),
//! })?;
//! assert!(!record.draws.is_empty());
//!
//! // 3. Verify: the published record, re-run against the same files.
//! let published = record.to_json_pretty();
//! let verification = verify(&published, &entities, &inspectors, &task.exclusions)?;
//! assert!(matches!(verification, Verification::Reproduced));
//! # Ok::<(), shuangsui::Error>(())
//! ```

// The one exception is a cache prefetch on the hot path of the scan
// (`input::scan::prefetch`, which says why it is sound and needed).
#![deny(unsafe_code)]

pub mod calendar;
mod draw;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod input;
mod parallel;
mod plan;
mod publish;
mod record;
mod spec;
pub mod synth;
pub mod timing;

pub use plan::{
    announce_batch, batch_announcement_html, draw_batch, verify_batch, visits, visits_csv,
    visits_html, visits_table, visits_xlsx, BatchAnnouncement, BatchCheck, BatchDraw, BatchPlan,
    BatchRecord, BatchTask, PlanFile, PlannedTask, TaskCheck, TaskInputs, TaskOutcome, Visit,
    VisitMember, PLAN_PROTOCOL, VISIT_COLUMNS,
};
pub use publish::xlsx;
pub use spec::uscc;

pub use draw::{
    announce, draw, preflight, read_seed, seed_form_findings, ticket, Announced, DrawInputs,
    Finding, Level, Preflight, Prepared, StratumPreflight,
};
pub use error::{Error, ErrorKind, Location, Result};
pub use input::directory::{
    CodeCheck, Entity, EntityDirectory, Inspector, InspectorDirectory, LoadOptions, Status,
};
pub use input::exclusions::Exclusions;
pub use input::identify::{check_slot, identify, FileKind, Identified, Slot, Via};
pub use input::open::{
    io_error, open_entities, open_exclusions, open_inspectors, Fallback, ForTask, Input, Opened,
    Progress, Quiet,
};
pub use input::population::{EntitySource, Strata};
pub use input::scan::{Directory, EntityIndex};
pub use input::table::{decode_text, ReadOptions, RowSource, Table, TextEncoding};
pub use publish::{
    announcement_html, exclusions_csv, notice_html, result_csv, result_table, write_notice_html,
    write_result_csv, ReadingFlags, ResultView, VerifyCommand, RESULT_COLUMNS,
};
pub use record::self_check::{self_check, Outcome, SelfCheck, StratumCheck};
pub use record::verify::{
    assurance, conclude, verify, verify_inputs, verify_read, Assurance, Difference, Line,
    Verification, Verified, VerifyInputs,
};
pub use record::{
    record_json, AnnouncedSource, Announcement, DigestSummary, DrawRecord, Drawn, EntityRef,
    Protocol, Role, SeedRecord, StratumOutcome, TeamMember, PROTOCOL, PROTOCOL_V1,
};
pub use spec::hash::{hex, Digest32};
pub use spec::seed::{
    entropy_tenths, entropy_text, lottery_preset, lottery_presets, LotteryGroup, SeedForm,
    SeedKind, SeedSource,
};
pub use spec::task::{
    AvoidSame, Condition, Conflict, DepartmentQuota, Stratum, Task, TaskFile, TeamRules,
};
pub use spec::task_form::{with_columns, FormColumns, TaskForm};
pub use spec::text::{canonical_date, normalize_entity_id, normalize_inspector_id, normalize_text};
