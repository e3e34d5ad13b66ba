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
mod error;

pub use error::{Error, ErrorKind, Location, Result};
