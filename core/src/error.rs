//! The one error type of the core.
//!
//! Every fallible function of the crate returns [`Error`]. An error carries a
//! [`ErrorKind`] that programs can match on, a message in plain Chinese and
//! one in plain English (what is wrong and what to do), and, where the
//! problem sits in a file, its [`Location`] (file, row, column). Outer
//! layers add what they were doing with [`Error::context`], which keeps all
//! of that. Adapters (the CLI, the wasm module) only format these, through
//! [`Error::to_json`] or [`Error::display_zh`] and `Display`; they never
//! invent their own messages for input problems.

use std::fmt;

/// Declares [`ErrorKind`] with [`ErrorKind::ALL`], [`ErrorKind::name`] and
/// [`ErrorKind::name_zh`] from one list, so that no kind can be missing
/// from any of them.
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident => $zh:literal,)*) => {
        /// What went wrong, for programs to match on. See SPEC.md §14.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[$doc])* $kind,)*
        }

        impl ErrorKind {
            /// Every kind, in the order of SPEC.md §14.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind,)*];

            /// The kind's stable name, as used in SPEC.md §14 and in golden
            /// vectors.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => stringify!($kind),)*
                }
            }

            /// The kind in plain Chinese words, as the page and the CLI show
            /// it (`DuplicateId` — 代码重复).
            pub fn name_zh(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $zh,)*
                }
            }
        }
    };
}

error_kinds! {
    /// A file could not be read.
    Io => "文件读写错误",
    /// A CSV file is malformed (unbalanced quotes, bad UTF-8, ragged rows).
    Csv => "表格格式错误",
    /// A required column (`id`, `name`) is missing from a directory.
    MissingColumn => "缺少必需的列",
    /// Two columns of one table map to the same field.
    DuplicateColumn => "列重复",
    /// A directory has no data rows.
    EmptyDirectory => "名录为空",
    /// Two rows of one directory have the same id.
    DuplicateId => "代码重复",
    /// An id is empty or has characters an id may not have.
    InvalidId => "代码或证号有误",
    /// A text field holds control characters.
    InvalidText => "文字中有不允许的字符",
    /// A field holds a value outside its allowed set (e.g. an unknown status).
    InvalidValue => "取值有误",
    /// A date could not be read, or lies outside the calendar's coverage.
    InvalidDate => "日期有误",
    /// The task file is malformed or breaks a task rule.
    InvalidTask => "任务文件有误",
    /// A seed source is malformed.
    InvalidSeed => "随机种子有误",
    /// An entity matches more than one stratum.
    OverlappingStrata => "分层重叠",
    /// A stratum's fixed count is larger than its eligible entities.
    QuotaExceedsStratum => "抽取户数超过分层户数",
    /// No inspector holds the task's enforcement fields at all.
    NoQualifiedInspector => "没有符合条件的检查人员",
    /// A drawn entity could not be given a full team.
    Infeasible => "无法配齐检查组",
    /// The inputs differ from what the announcement committed to.
    AnnouncementMismatch => "与公告不符",
    /// A record or announcement document is malformed.
    InvalidRecord => "抽取记录或公告有误",
    /// A date lies in a year the working-day calendar does not cover.
    CalendarUncovered => "工作日日历缺少该年份",
    /// A protocol v2 draw was asked for without an announcement and without
    /// the explicit choice to draw unannounced.
    Unannounced => "未经公告",
    /// A file is recognizably another kind of file than the one asked for
    /// (a result table given as a directory, the inspector directory as the
    /// entity directory, an image as an announcement).
    WrongFile => "不是所需的文件",
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

impl Location {
    /// The location in Chinese: `entities.csv，第 9 行，“统一社会信用代码”列`.
    pub fn display_zh(&self) -> String {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(row) = self.row {
            parts.push(format!("第 {row} 行"));
        }
        if let Some(col) = &self.column {
            parts.push(format!("“{col}”列"));
        }
        parts.join("，")
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

    /// Adds text after the message, in both languages (what to do in the
    /// caller's terms, e.g. which flag supplies a missing file), keeping
    /// the kind, the location and the details. The text carries its own
    /// leading space or punctuation.
    pub fn hint(mut self, en: &str, zh: &str) -> Error {
        self.inner.message = format!("{}{en}", self.inner.message);
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

impl Error {
    /// The error in Chinese, laid out as `Display` lays out the English:
    /// the location, then the message; a bundled error lists each problem
    /// on its own indented line.
    pub fn display_zh(&self) -> String {
        let mut out = match &self.inner.location {
            Some(loc) if loc != &Location::default() => {
                format!("{}：{}", loc.display_zh(), self.inner.zh)
            }
            _ => self.inner.zh.clone(),
        };
        for d in &self.inner.details {
            out.push_str("\n  - ");
            out.push_str(&d.display_zh());
        }
        out
    }
}

impl std::error::Error for Error {}

/// The one JSON form of an error, used by the CLI's `--format json` and by
/// the wasm module alike:
///
/// ```json
/// {"kind": "InvalidId", "kind_zh": "代码或证号有误",
///  "message": "…", "message_zh": "…",
///  "file": "entities.csv", "row": 9, "column": "统一社会信用代码",
///  "details": []}
/// ```
///
/// `kind` is [`ErrorKind::name`], `kind_zh` [`ErrorKind::name_zh`]; `file`, `row` and `column` are `null`
/// where unknown; `details` lists each problem of a bundled error
/// ([`Error::problems`]) in the same form.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let loc = self.location();
        let mut st = s.serialize_struct("Error", 8)?;
        st.serialize_field("kind", self.kind().name())?;
        st.serialize_field("kind_zh", self.kind().name_zh())?;
        st.serialize_field("message", self.message())?;
        st.serialize_field("message_zh", self.message_zh())?;
        st.serialize_field("file", &loc.and_then(|l| l.file.as_deref()))?;
        st.serialize_field("row", &loc.and_then(|l| l.row))?;
        st.serialize_field("column", &loc.and_then(|l| l.column.as_deref()))?;
        st.serialize_field("details", self.details())?;
        st.end()
    }
}

impl Error {
    /// The error in its JSON form (see the `Serialize` impl).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
