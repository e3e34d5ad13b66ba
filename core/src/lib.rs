//! # shuangsui — verifiable double-random inspection draws (双随机、一公开)
//!
//! The core library: every rule of the product lives here; the `shuangsui`
//! command and the browser module are thin adapters over it.
//!
//! - [`draw`]: draws market entities (检查对象) and inspector teams
//!   (执法检查人员) from a published seed, exactly as SPEC.md specifies, and
//!   verifies a published record.
//! - [`calendar`]: the official working-day calendar (工作日) and publication
//!   deadlines (公示期限).

pub mod calendar;
mod draw;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod input;
mod parallel;
mod publish;
mod record;
mod spec;
pub mod synth;
pub mod timing;

pub use publish::xlsx;
pub use spec::uscc;

pub use draw::{announce, draw, read_seed, ticket, Announced, DrawInputs, Prepared};
pub use error::{Error, ErrorKind, Location, Result};
pub use input::directory::{
    CodeCheck, Entity, EntityDirectory, Inspector, InspectorDirectory, LoadOptions, Status,
};
pub use input::exclusions::Exclusions;
pub use input::open::{
    io_error, open_entities, open_exclusions, open_inspectors, Fallback, ForTask, Input, Opened,
    Progress, Quiet,
};
pub use input::population::{EntitySource, Strata};
pub use input::scan::{Directory, EntityIndex};
pub use input::table::{CsvRows, ReadOptions, RowSource, Table, TextEncoding};
pub use publish::*;
pub use record::verify::{
    announcement_difference, assurance, conclude, self_check, trust_statement_zh, verify,
    verify_inputs, verify_read, verify_record, Assurance, Difference, Line, SelfCheck,
    Verification, Verified, VerifyInputs,
};
pub use record::{
    canonical_json, AnnouncedSource, Announcement, DigestSummary, DrawRecord, Drawn, EntityRef,
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
pub use spec::text::{canonical_date, normalize_entity_id, normalize_inspector_id, normalize_text};
