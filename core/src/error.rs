//! The one error type of the core.
//!
//! Every fallible function of the crate returns [`Error`]. An error carries a
//! [`ErrorKind`] that programs can match on, a message in plain English with
//! the Chinese term beside each domain word, and, where the problem sits in a
//! file, its [`Location`] (file, row, column). Adapters (the CLI, the wasm
//! module) only format these; they never invent their own messages for input
//! problems.

use std::fmt;

/// What went wrong, for programs to match on. See SPEC.md §14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be read.
    Io,
    /// A CSV file is malformed (unbalanced quotes, bad UTF-8, ragged rows).
    Csv,
    /// A required column (`id`, `name`) is missing from a directory.
    MissingColumn,
    /// Two columns of one table map to the same field.
    DuplicateColumn,
    /// A directory has no data rows.
    EmptyDirectory,
    /// Two rows of one directory have the same id.
    DuplicateId,
    /// An id is empty or has characters an id may not have.
    InvalidId,
    /// A text field holds control characters.
    InvalidText,
    /// A field holds a value outside its allowed set (e.g. an unknown status).
    InvalidValue,
    /// A date could not be read, or lies outside the calendar's coverage.
    InvalidDate,
    /// The task file is malformed or breaks a task rule.
    InvalidTask,
    /// A seed source is malformed.
    InvalidSeed,
    /// An entity matches more than one stratum.
    OverlappingStrata,
    /// A stratum's fixed count is larger than its eligible entities.
    QuotaExceedsStratum,
    /// No inspector holds the task's enforcement fields at all.
    NoQualifiedInspector,
    /// A drawn entity could not be given a full team.
    Infeasible,
    /// The inputs differ from what the announcement committed to.
    AnnouncementMismatch,
    /// A record or announcement document is malformed.
    InvalidRecord,
    /// A date lies in a year the working-day calendar does not cover.
    CalendarUncovered,
    /// A protocol v2 draw was asked for without an announcement and without
    /// the explicit choice to draw unannounced.
    Unannounced,
}

impl ErrorKind {
    /// The kind's stable name, as used in SPEC.md §14 and in golden vectors.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Io => "Io",
            ErrorKind::Csv => "Csv",
            ErrorKind::MissingColumn => "MissingColumn",
            ErrorKind::DuplicateColumn => "DuplicateColumn",
            ErrorKind::EmptyDirectory => "EmptyDirectory",
            ErrorKind::DuplicateId => "DuplicateId",
            ErrorKind::InvalidId => "InvalidId",
            ErrorKind::InvalidText => "InvalidText",
            ErrorKind::InvalidValue => "InvalidValue",
            ErrorKind::InvalidDate => "InvalidDate",
            ErrorKind::InvalidTask => "InvalidTask",
            ErrorKind::InvalidSeed => "InvalidSeed",
            ErrorKind::OverlappingStrata => "OverlappingStrata",
            ErrorKind::QuotaExceedsStratum => "QuotaExceedsStratum",
            ErrorKind::NoQualifiedInspector => "NoQualifiedInspector",
            ErrorKind::Infeasible => "Infeasible",
            ErrorKind::AnnouncementMismatch => "AnnouncementMismatch",
            ErrorKind::InvalidRecord => "InvalidRecord",
            ErrorKind::CalendarUncovered => "CalendarUncovered",
            ErrorKind::Unannounced => "Unannounced",
        }
    }
}

/// Where in an input a problem sits. Rows are 1-based and count the header
/// row as row 1, as a spreadsheet shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file (or other source) name, as the user gave it.
    pub file: Option<String>,
    /// 1-based row number, header = row 1.
    pub row: Option<u64>,
    /// The column's header text as it appears in the file.
    pub column: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(col) = &self.column {
            parts.push(format!("column \"{col}\""));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The error type of every fallible function in this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    // Boxed, so that a `Result<T>` stays one pointer wide on its error side.
    inner: Box<Inner>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    zh: String,
    location: Option<Location>,
    details: Vec<Error>,
}

impl Error {
    /// A new error of `kind` with a plain-words message in English (`en`)
    /// and in Chinese (`zh`): what is wrong and what to do. Every error
    /// gives both, so that the Chinese-first page and the CLI never fall
    /// back to English. The file, row and column belong in the
    /// [`Location`] (see [`Error::at`]), not in the text.
    pub fn new(kind: ErrorKind, en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: en.into(),
                zh: zh.into(),
                location: None,
                details: Vec::new(),
            }),
        }
    }

    /// Bundles all the problems found in one file into one error, so that
    /// they can all be fixed in one pass. The kind is the first problem's.
    /// `truncated` says that more problems were found than are listed.
    pub fn problems(source: &str, problems: Vec<Error>, truncated: bool) -> Error {
        let kind = problems
            .first()
            .map_or(ErrorKind::InvalidValue, |p| p.inner.kind);
        let n = problems.len();
        let more = if truncated {
            " (only the first are listed)"
        } else {
            ""
        };
        let more_zh = if truncated {
            "（仅列出前面部分）"
        } else {
            ""
        };
        Error {
            inner: Box::new(Inner {
                kind,
                message: format!("{n} problem(s){more}; fix them all and load the file again"),
                zh: format!("发现 {n} 处问题{more_zh}；请全部改正后重新载入"),
                location: Some(Location {
                    file: Some(source.to_string()),
                    ..Location::default()
                }),
                details: problems,
            }),
        }
    }

    /// The message in Chinese, without the location.
    pub fn message_zh(&self) -> &str {
        &self.inner.zh
    }

    /// Puts what the caller was doing in front of the message, in both
    /// languages (`"--encoding: unknown encoding …"`), keeping the kind,
    /// the location and the details. Adapters and outer layers use this
    /// instead of building a new error from [`Error::message`], which
    /// would lose the Chinese text and where the problem sits.
    pub fn context(mut self, en: &str, zh: &str) -> Error {
        self.inner.message = format!("{en}: {}", self.inner.message);
        self.inner.zh = format!("{zh}：{}", self.inner.zh);
        self
    }

    /// Adds a sentence after the message, in both languages (what to do in
    /// the caller's terms, e.g. which flag supplies a missing file),
    /// keeping the kind, the location and the details.
    pub fn hint(mut self, en: &str, zh: &str) -> Error {
        self.inner.message = format!("{} {en}", self.inner.message);
        self.inner.zh = format!("{}{zh}", self.inner.zh);
        self
    }

    /// The same error filed under another kind: for a rule that a lower
    /// layer checks for an outer one (text rules checked for an id are an
    /// id problem). Keeps both messages, the location and the details.
    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.inner.kind = kind;
        self
    }

    /// The individual problems of a bundled error (see [`Error::problems`]);
    /// empty for a single problem.
    pub fn details(&self) -> &[Error] {
        &self.inner.details
    }

    /// Attaches (or replaces) the location of the problem.
    pub fn at(mut self, location: Location) -> Error {
        self.inner.location = Some(location);
        self
    }

    /// Sets the file name, keeping any row and column already known.
    pub fn in_file(mut self, file: &str) -> Error {
        let loc = self.inner.location.get_or_insert_with(Location::default);
        if loc.file.is_none() {
            loc.file = Some(file.to_string());
        }
        self
    }

    /// The kind, for programs to match on.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message in English, without the location.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Where the problem sits, if it sits in a file.
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }
}

impl fmt::Display for Error {
    /// One line per problem: the location, then what is wrong and what to
    /// do. A bundled error lists each problem on its own indented line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.location {
            Some(loc) if loc != &Location::default() => write!(f, "{loc}: {}", self.inner.message)?,
            _ => f.write_str(&self.inner.message)?,
        }
        for d in &self.inner.details {
            write!(f, "\n  - {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
