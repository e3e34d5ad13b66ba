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
mod canonical_task;
mod directory;
mod draw;
mod error;
mod excel;
mod exclusions;
#[doc(hidden)]
pub mod fuzzing;
mod hash;
mod headers;
mod parallel;
mod population;
mod publish;
mod record;
mod scan;
mod seed;
pub mod synth;
mod table;
mod task;
mod teams;
mod text;
pub mod timing;
pub mod uscc;
mod verify;
pub mod xlsx;

pub use directory::{
    CodeCheck, Entity, EntityDirectory, Inspector, InspectorDirectory, LoadOptions, Status,
};
pub use draw::{announce, draw, read_seed, ticket, Announced, DrawInputs};
pub use error::{Error, ErrorKind, Location, Result};
pub use exclusions::Exclusions;
pub use hash::{hex, Digest32};
pub use population::{EntitySource, Strata};
pub use publish::*;
pub use record::{
    canonical_json, AnnouncedSource, Announcement, DigestSummary, DrawRecord, Drawn, EntityRef,
    Protocol, Role, SeedRecord, StratumOutcome, TeamMember, PROTOCOL, PROTOCOL_V1,
};
pub use scan::{Directory, EntityIndex};
pub use seed::{
    entropy_tenths, entropy_text, lottery_preset, lottery_presets, LotteryGroup, SeedForm,
    SeedKind, SeedSource,
};
pub use table::{CsvRows, ReadOptions, RowSource, Table, TextEncoding};
pub use task::{
    AvoidSame, Condition, Conflict, DepartmentQuota, Stratum, Task, TaskFile, TeamRules,
};
pub use text::{canonical_date, normalize_entity_id, normalize_inspector_id, normalize_text};
pub use verify::{
    announcement_difference, assurance, conclude, self_check, trust_statement_zh, verify,
    verify_read, verify_record, Assurance, Difference, Line, SelfCheck, Verification,
};
