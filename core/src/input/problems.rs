//! The problems of one file, collected so that all are reported together
//! (a regulator fixes them in one pass), up to a limit that keeps a file
//! of a million bad rows to a readable list — and that always says when it
//! cut the list short.

use crate::input::table::RowSource;
use crate::{Error, ErrorKind, Result};

/// How many problems (or warnings) of one file are listed.
pub(crate) const MAX_PROBLEMS: usize = 100;

/// The problems (or the warnings) of one file.
pub(crate) struct Problems {
    source: String,
    list: Vec<Error>,
    /// How many more were found than are listed.
    left_out: u64,
    /// Whether the reader stopped before the end of the file.
    stopped: bool,
}

impl Problems {
    pub(crate) fn new(source: &str) -> Problems {
        Problems {
            source: source.to_string(),
            list: Vec::new(),
            left_out: 0,
            stopped: false,
        }
    }

    /// Records a problem; once the list is full, only counts it.
    pub(crate) fn push(&mut self, e: Error) {
        if self.full() {
            self.left_out += 1;
        } else {
            self.list.push(e);
        }
    }

    /// Whether the list is full, so that a reader may stop looking.
    pub(crate) fn full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    /// Whether no problem was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether a reader should stop looking, because the list is full;
    /// when `rows` has rows left, the list then says it was cut short.
    pub(crate) fn stop_when_full(
        &mut self,
        rows: &mut dyn RowSource,
        row: &mut Vec<String>,
    ) -> bool {
        if !self.full() {
            return false;
        }
        if !matches!(rows.next_row(row), Ok(None)) {
            self.stopped = true;
        }
        true
    }

    fn truncated(&self) -> bool {
        self.left_out > 0 || self.stopped
    }

    /// `Ok` without problems; one problem alone as itself; several (or a
    /// list cut short) as one error listing them ([`Error::problems`]),
    /// which says when only the first are listed.
    pub(crate) fn finish(self) -> Result<()> {
        let truncated = self.truncated();
        let mut list = self.list;
        match list.len() {
            0 => Ok(()),
            1 if !truncated => Err(list.remove(0)),
            _ => Err(Error::problems(&self.source, list, truncated)),
        }
    }

    /// The collected problems as warnings that do not stop the reading,
    /// with a last one saying that the list was cut short when it was.
    pub(crate) fn into_warnings(self) -> Vec<Error> {
        let truncated = self.truncated();
        let mut list = self.list;
        if truncated {
            let kind = list.first().map_or(ErrorKind::InvalidValue, Error::kind);
            let (en, zh) = if self.left_out > 0 && !self.stopped {
                (
                    format!(
                        "{} more warning(s) of this kind are not listed; only the first {MAX_PROBLEMS} are",
                        self.left_out
                    ),
                    format!(
                        "另有 {} 处同类提醒未列出，只列出了前 {MAX_PROBLEMS} 处",
                        self.left_out
                    ),
                )
            } else {
                (
                    format!("more warnings are not listed; only the first {MAX_PROBLEMS} are"),
                    format!("还有更多提醒未列出，只列出了前 {MAX_PROBLEMS} 处"),
                )
            };
            list.push(Error::new(kind, en, zh).in_file(&self.source));
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(n: usize) -> Error {
        Error::new(ErrorKind::InvalidId, format!("bad {n}"), format!("错 {n}"))
    }

    #[test]
    fn one_problem_is_itself_and_many_are_listed() {
        let p = Problems::new("a.csv");
        assert!(p.finish().is_ok());
        let mut p = Problems::new("a.csv");
        p.push(problem(1));
        assert_eq!(p.finish().unwrap_err().message(), "bad 1");
        let mut p = Problems::new("a.csv");
        p.push(problem(1));
        p.push(problem(2));
        let e = p.finish().unwrap_err();
        assert_eq!(e.details().len(), 2);
        assert!(!e.message().contains("only the first"), "{}", e.message());
    }

    #[test]
    fn a_full_list_says_it_was_cut_short() {
        let mut p = Problems::new("a.csv");
        for n in 0..MAX_PROBLEMS + 5 {
            p.push(problem(n));
        }
        assert!(p.full());
        let e = p.finish().unwrap_err();
        assert_eq!(e.details().len(), MAX_PROBLEMS);
        assert!(e.message().contains("only the first"), "{}", e.message());
        assert!(e.message_zh().contains("仅列出"), "{}", e.message_zh());

        // A reader that stops at a full list says it was cut short when
        // rows are left, and not when the file ends there.
        let is_header = |c: &[String]| c.iter().any(|x| x == "id");
        let read = crate::input::table::ReadOptions::default();
        for (csv, cut) in [("id\n1\n", false), ("id\n1\n2\n", true)] {
            let mut rows =
                crate::input::table::Table::from_bytes(csv.as_bytes(), "a.csv", &read, &is_header)
                    .unwrap();
            let mut row = Vec::new();
            let mut p = Problems::new("a.csv");
            assert!(rows.next_row(&mut row).unwrap().is_some());
            for n in 0..MAX_PROBLEMS {
                p.push(problem(n));
            }
            assert!(p.stop_when_full(&mut rows, &mut row));
            let e = p.finish().unwrap_err();
            assert_eq!(e.message().contains("only the first"), cut, "{csv:?}");
        }
        let mut p = Problems::new("a.csv");
        let mut rows =
            crate::input::table::Table::from_bytes(b"id\n1\n", "a.csv", &read, &is_header).unwrap();
        assert!(!p.stop_when_full(&mut rows, &mut Vec::new()));
        p.push(problem(1));
        assert_eq!(p.finish().unwrap_err().message(), "bad 1");
    }

    #[test]
    fn warnings_end_with_a_note_when_cut_short() {
        let mut w = Problems::new("a.csv");
        for n in 0..MAX_PROBLEMS {
            w.push(problem(n));
        }
        assert_eq!(w.into_warnings().len(), MAX_PROBLEMS);
        let mut w = Problems::new("a.csv");
        for n in 0..MAX_PROBLEMS + 7 {
            w.push(problem(n));
        }
        let list = w.into_warnings();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        let last = list.last().unwrap();
        assert!(last.message().contains("7 more"), "{}", last.message());
        assert!(
            last.message_zh().contains("另有 7 处"),
            "{}",
            last.message_zh()
        );
    }
}
