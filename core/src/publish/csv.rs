//! The one CSV writer for everything shuangsui writes as CSV (the result
//! table, the ledger report): RFC 4180 quoting, CRLF line ends, and one
//! guard against formulas, so that no cell a spreadsheet opens can run
//! anything (CSV injection), whoever wrote the text it holds.

/// Writes one cell: quoted when it holds a comma, a quote or a line break;
/// prefixed with `'` when a spreadsheet would take it for a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return), so that a
/// hostile entity name or a ledger's `=HYPERLINK(…)` is shown as text.
pub(crate) fn cell(out: &mut String, value: &str) {
    let guard = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    // ASCII bytes never occur inside a multi-byte character: a byte search
    // is exact, and much faster than a search by character.
    let has_quote = value.bytes().any(|b| b == b'"');
    let quote = guard || has_quote || value.bytes().any(|b| matches!(b, b',' | b'\n' | b'\r'));
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    if has_quote {
        out.push_str(&value.replace('"', "\"\""));
    } else {
        out.push_str(value);
    }
    if quote {
        out.push('"');
    }
}

/// Writes one row of cells, separated by commas and ended by CRLF.
pub(crate) fn row<S: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = S>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, c.as_ref());
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_guarded() {
        let mut out = String::new();
        row(
            &mut out,
            [
                "plain",
                "a,b",
                "say \"hi\"",
                "=HYPERLINK(\"x\")",
                "-1",
                "@a",
                "",
            ],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",\"'-1\",\"'@a\",\r\n"
        );
    }
}
