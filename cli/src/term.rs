//! Terminal presentation: colour only when stdout is a terminal, and the
//! display width of Chinese text, so that tables line up in a terminal.

use std::io::IsTerminal;
use unicode_width::UnicodeWidthStr;

/// Whether to colour stdout: a terminal, and `NO_COLOR` unset
/// (<https://no-color.org>).
pub fn colour_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// ANSI styles used by the calendar and the ledger table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Red, bold: an overdue case, a day off by a holiday notice.
    Alarm,
    /// Red: an ordinary weekend day.
    Rest,
    /// Yellow: a case due soon, a late publication.
    Warn,
    /// Blue, bold: a make-up working day (调休上班).
    MakeUp,
    /// Green: on time.
    Good,
    /// Dim: a row that could not be checked.
    Dim,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Alarm => "1;31",
            Style::Rest => "31",
            Style::Warn => "33",
            Style::MakeUp => "1;34",
            Style::Good => "32",
            Style::Dim => "2",
        }
    }
}

/// `text` in `style` when `colour`, else unchanged.
pub fn paint(colour: bool, style: Option<Style>, text: &str) -> String {
    match style {
        Some(s) if colour => format!("\x1b[{}m{text}\x1b[0m", s.code()),
        _ => text.to_string(),
    }
}

/// The columns `text` takes in a terminal (a Chinese character takes two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `w` terminal columns.
pub fn pad(text: &str, w: usize) -> String {
    let mut s = text.to_string();
    for _ in width(text)..w {
        s.push(' ');
    }
    s
}

/// `text` cut to at most `w` terminal columns, with `…` when cut.
pub fn truncate(text: &str, w: usize) -> String {
    if width(text) <= w {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cw = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}
