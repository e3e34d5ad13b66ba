//! Reading what users give: tables in every format (CSV in UTF-8 or GBK,
//! .xlsx, .xls), the two directories and exclusion lists loaded whole, and
//! the compact index that scans a provincial directory without holding its
//! rows (SPEC.md §2–§4 applied to a file), and [`open`]: one entry per
//! kind of file that decides how it is read.

pub(crate) mod directory;
pub(crate) mod excel;
pub(crate) mod exclusions;
pub(crate) mod identify;
pub(crate) mod open;
pub(crate) mod population;
pub(crate) mod problems;
pub(crate) mod scan;
pub(crate) mod table;
