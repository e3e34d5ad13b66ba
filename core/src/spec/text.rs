//! Text normalization (SPEC.md §2) and the small value parsers shared by the
//! directories, the task and the seed.
//!
//! Normalization is spelled out character by character in the SPEC instead
//! of calling a Unicode library's NFKC, so that the canonical bytes of a
//! directory never depend on the Unicode version a library was built with.

use crate::{Error, ErrorKind, Result};

/// SPEC §2 step 2: the characters that count as whitespace.
pub(crate) fn is_spec_whitespace(c: char) -> bool {
    matches!(c,
        '\u{0009}'..='\u{000D}'
        | '\u{0020}'
        | '\u{0085}'
        | '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '\u{FEFF}')
}

/// SPEC §2 step 1: the full-width fold.
fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Normalizes a text field as SPEC §2 says: full-width fold, whitespace
/// trimmed and inner runs collapsed to one space.
///
/// # Errors
/// `InvalidText` when the result contains a control character.
///
/// # Example
/// ```
/// assert_eq!(shuangsui::normalize_text(" ９１６５　０１ ").unwrap(), "9165 01");
/// ```
pub fn normalize_text(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out)?;
    Ok(out)
}

/// [`normalize_text`] into a buffer that is cleared first and can be reused
/// (no allocation per field in the provincial-scale scan).
pub(crate) fn normalize_into(s: &str, out: &mut String) -> Result<()> {
    out.clear();
    let mut pending_space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Copy a run of characters that need no attention in one go: bytes
        // above the space that are not DEL nor the lead byte of a character
        // SPEC §2 folds or removes (U+0080–U+00BF, U+1680, U+2000–U+205F,
        // U+3000, U+FEFF and U+FF01–U+FF5E all start with one of these).
        let run = bytes[i..]
            .iter()
            .position(|&b| b <= 0x20 || matches!(b, 0x7F | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF))
            .unwrap_or(bytes.len() - i);
        if run > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            // The run ends at an ASCII byte or a lead byte: a char boundary.
            out.push_str(&s[i..i + run]);
            i += run;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        let c = fold(c);
        if is_spec_whitespace(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if (c as u32) < 0x20 || (0x7F..=0x9F).contains(&(c as u32)) {
            return Err(Error::new(
                ErrorKind::InvalidText,
                format!(
                    "the text contains the control character U+{:04X}; remove it and save the file again",
                    c as u32
                ), format!(
                    "文字中含有控制字符 U+{:04X}；请删除后重新保存文件",
                    c as u32
                )));
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    Ok(())
}

/// How many characters of a value an error message quotes.
const QUOTE_CHARS: usize = 60;

/// A value as error messages quote it: whole when it has at most 60
/// characters, else its first 60 and its length, so that a 50 MB cell makes
/// a one-line message.
pub(crate) fn quote_short(s: &str) -> String {
    match s.char_indices().nth(QUOTE_CHARS) {
        None => s.to_string(),
        Some((end, _)) => format!("{}… [{} characters]", &s[..end], s.chars().count()),
    }
}

/// Normalizes an entity id (统一社会信用代码 or 注册号), SPEC §3.1: normalized
/// text, ASCII letters upper-cased, then only `0-9A-Z` allowed.
///
/// # Errors
/// `InvalidId` when the id is empty or has other characters.
pub fn normalize_entity_id(s: &str) -> Result<String> {
    let t = normalized_id(
        s,
        ("id (统一社会信用代码)", "代码"),
        (
            "the id (统一社会信用代码) is empty; every entity needs its code",
            "统一社会信用代码为空；每个检查对象都需要填写代码",
        ),
    )?;
    if let Some(bad) = t.chars().find(|c| !c.is_ascii_alphanumeric()) {
        let t = quote_short(&t);
        return Err(Error::new(
            ErrorKind::InvalidId,
            format!(
                "the id (统一社会信用代码) \"{t}\" contains \"{bad}\"; a code has only digits 0-9 and letters A-Z"
            ), format!(
                "统一社会信用代码“{t}”中含有“{bad}”；代码只能由数字 0-9 和字母 A-Z 组成"
            )));
    }
    Ok(t)
}

/// Normalizes an inspector id (执法证号), SPEC §3.2: normalized text, ASCII
/// letters upper-cased, non-empty.
///
/// # Errors
/// `InvalidId` when the id is empty or holds control characters.
pub fn normalize_inspector_id(s: &str) -> Result<String> {
    normalized_id(
        s,
        ("certificate number (执法证号)", "执法证号"),
        (
            "the certificate number (执法证号) is empty; every inspector needs one",
            "执法证号为空；每名检查人员都需要填写执法证号",
        ),
    )
}

/// Whether a text is a number in scientific notation, the way Excel and
/// WPS write a long code they took for a number (`9.14403E+17`, `1E-05`):
/// SPEC §3.0. On the normalized text (§2, so `９．１Ｅ＋１７` counts too):
/// ASCII digits, then either a `.`, optional digits, `E` or `e` and an
/// optional sign, or `E`/`e` and a sign; then ASCII digits — the whole
/// text. Without a point or a sign (`12E345`) it may be a real id, and
/// Excel never writes a number so, so it is left to the id rules.
pub(crate) fn looks_scientific(v: &str) -> bool {
    let Ok(t) = normalize_text(v) else {
        return false;
    };
    let b = t.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mantissa = digits(0);
    if mantissa == 0 {
        return false;
    }
    let mut i = mantissa;
    let point = b.get(i) == Some(&b'.');
    if point {
        i += 1;
        i += digits(i);
    }
    if !matches!(b.get(i), Some(b'E' | b'e')) {
        return false;
    }
    i += 1;
    let sign = matches!(b.get(i), Some(b'+' | b'-'));
    if sign {
        i += 1;
    }
    let exponent = digits(i);
    (point || sign) && exponent > 0 && i + exponent == b.len()
}

/// What every id shares (SPEC §3.1, §3.2): normalized text (§2) with
/// ASCII letters upper-cased, not empty, and not a number in scientific
/// notation (§3.0). `what` names the id and `empty` is the message for an
/// empty one, each in English and Chinese.
fn normalized_id(s: &str, what: (&str, &str), empty: (&str, &str)) -> Result<String> {
    let t = normalize_text(s)
        .map_err(|e| e.with_kind(ErrorKind::InvalidId))?
        .to_ascii_uppercase();
    if t.is_empty() {
        return Err(Error::new(ErrorKind::InvalidId, empty.0, empty.1));
    }
    if looks_scientific(&t) {
        return Err(scientific(&t, what.0, what.1));
    }
    Ok(t)
}

/// The error for an id that is a number in scientific notation (SPEC §3.0).
fn scientific(t: &str, what: &str, zh: &str) -> Error {
    let t = quote_short(t);
    Error::new(
        ErrorKind::InvalidId,
        format!("the {what} \"{t}\" is a number in scientific notation: Excel turned the code into a number and lost its digits; format the column as Text (设置单元格格式 → 文本) and enter the codes again"), format!("{zh}“{t}”是科学计数法表示的数字：Excel 把代码当成数字，已丢失位数；请将该列设置为“文本”后重新录入"))
}

/// Parses a date written as `2027-06-30`, `2027/6/30`, `2027.6.30` or
/// `2027年6月30日` into canonical `YYYY-MM-DD` (SPEC §3.2). The grammar is
/// [`crate::calendar::Date::parse`]'s, so the draw and the calendar accept
/// exactly the same dates.
///
/// # Errors
/// `InvalidDate` when the text is not such a date or the day does not exist.
pub fn canonical_date(s: &str) -> Result<String> {
    crate::calendar::Date::parse(s).map(|d| d.to_string())
}

/// The key under which a header is looked up (SPEC §3.3): normalized, ASCII
/// lower-cased, with spaces, `_` and `-` removed.
pub(crate) fn header_match_key(header: &str) -> String {
    normalize_text(header)
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_is_recognized() {
        assert!(looks_scientific("9.14403E+17"));
        assert!(looks_scientific("9.14403e17"));
        assert!(looks_scientific("1E-5"));
        assert!(looks_scientific("1E-05"));
        assert!(looks_scientific("1.E+5"));
        assert!(looks_scientific(" ９．１４４０３Ｅ＋１７ "));
        assert!(looks_scientific("９Ｅ＋１７"));
        // Without a point or a sign it may be a real id.
        assert!(!looks_scientific("1E5"));
        assert!(!looks_scientific("９Ｅ１７"));
        assert!(!looks_scientific("91440300MA5EXXXX1E"));
        assert!(!looks_scientific("E+17"));
        assert!(!looks_scientific("1E+"));
        assert!(!looks_scientific(".5E+3"));
        assert!(!looks_scientific("1E+5X"));
    }

    #[test]
    fn long_values_are_quoted_by_their_start() {
        assert_eq!(quote_short("阜康市"), "阜康市");
        let long = "码".repeat(100);
        assert_eq!(
            quote_short(&long),
            format!("{}… [100 characters]", "码".repeat(60))
        );
    }

    #[test]
    fn normalization_examples_from_the_spec() {
        assert_eq!(normalize_text(" ９１６５ ０１ ").unwrap(), "9165 01");
        assert_eq!(
            normalize_text("阜康市　天池\t商贸（有限）").unwrap(),
            "阜康市 天池 商贸(有限)"
        );
        assert_eq!(normalize_text("\u{FEFF}名称\r\n").unwrap(), "名称");
        assert_eq!(normalize_text("   ").unwrap(), "");
        assert_eq!(
            normalize_text("a\u{0001}b").unwrap_err().kind(),
            ErrorKind::InvalidText
        );
    }

    #[test]
    fn entity_ids_are_folded_and_checked() {
        assert_eq!(
            normalize_entity_id(" ９１６５２３０２ma７ ").unwrap(),
            "91652302MA7"
        );
        assert_eq!(
            normalize_entity_id("").unwrap_err().kind(),
            ErrorKind::InvalidId
        );
        assert_eq!(
            normalize_entity_id("9165-23").unwrap_err().kind(),
            ErrorKind::InvalidId
        );
        assert_eq!(
            normalize_entity_id("9165 23").unwrap_err().kind(),
            ErrorKind::InvalidId
        );
    }

    #[test]
    fn dates_in_the_usual_spellings() {
        for s in [
            "2027-06-30",
            "2027/6/30",
            "2027.06.30",
            "2027年6月30日",
            "２０２７－０６－３０",
        ] {
            assert_eq!(canonical_date(s).unwrap(), "2027-06-30", "{s}");
        }
        for s in [
            "2027-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-06-00",
            "2027-06-31",
            "27-01-01",
            "02027-01-01",
            "0000-01-01",
            "2027-001-01",
            "2027-1",
            "2027-06-30-",
            "2028-06/30",
            "2028/06-30",
            "2026-10/08",
            "2030月12年31日",
            "2030年12月31",
            "2030年12-31日",
            "2027 06 30",
            "2027--06-30",
            "2027-06-30 12:00",
            "tomorrow",
            "",
        ] {
            assert_eq!(
                canonical_date(s).unwrap_err().kind(),
                ErrorKind::InvalidDate,
                "{s}"
            );
            // One grammar (SPEC §3.2): the calendar refuses it too.
            assert!(crate::calendar::Date::parse(s).is_err(), "{s}");
        }
        assert_eq!(canonical_date("2028-02-29").unwrap(), "2028-02-29");
        assert_eq!(canonical_date("2000-02-29").unwrap(), "2000-02-29");
        assert_eq!(
            canonical_date("1900-02-29").unwrap_err().kind(),
            ErrorKind::InvalidDate
        );
        // One space on either side of a separator, as the calendar always
        // accepted; the same dates as the calendar's parser.
        for s in ["2027 - 6 - 30", "2027年 6 月 30 日", "2027/6/30"] {
            assert_eq!(canonical_date(s).unwrap(), "2027-06-30", "{s}");
            assert_eq!(
                crate::calendar::Date::parse(s).unwrap().to_string(),
                "2027-06-30"
            );
        }
    }
}
