//! SPEC.md's rules for every byte that is hashed or compared, each in one
//! place: text and ids (§2), the column headers and their aliases (§3), the
//! code checks (§3.3), the tagged hash and its framing (§1.2), the task
//! (§5) and its canonical form, and seed forms (§6).

pub(crate) mod hash;
pub(crate) mod headers;
pub(crate) mod layout;
pub(crate) mod leaves;
pub(crate) mod seed;
pub(crate) mod task;
pub(crate) mod task_form;
pub(crate) mod task_toml;
pub(crate) mod text;
pub mod uscc;
