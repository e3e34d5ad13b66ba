//! Check characters of the 统一社会信用代码 (unified social credit code,
//! GB 32100-2015) and of the 组织机构代码 (organisation code, GB 11714-1997)
//! embedded in it at positions 9–17.
//!
//! The draw itself never checks them: SPEC.md §3.1 accepts any id of
//! `0`–`9`/`A`–`Z` so that legacy 注册号 and data with typos still load and
//! hash the same everywhere. These functions serve the synthetic directories
//! ([`crate::synth`]), which must look real, and tools that want to warn
//! about a mistyped code before a directory is published.
//!
//! A code is 18 characters:
//!
//! | positions | meaning |
//! |---|---|
//! | 1 | 登记管理部门码 (e.g. `9` 市场监管) |
//! | 2 | 机构类别码 (e.g. `1` 企业, `2` 个体工商户, `3` 农民专业合作社) |
//! | 3–8 | 登记管理机关行政区划码 (e.g. `652302` 阜康市) |
//! | 9–17 | 主体标识码 = 组织机构代码: 8 characters and its GB 11714 check |
//! | 18 | the GB 32100 check character |

/// The 31 characters a 统一社会信用代码 may use (GB 32100-2015 表 1), in the
/// order of their values 0…30: digits, then letters without I, O, S, V, Z.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the GB 32100 check: 3^(i−1) mod 31.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the 8 body characters for the GB 11714 check.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The value of a character in the GB 32100 alphabet, or `None`.
fn uscc_value(c: u8) -> Option<u32> {
    /// Each byte's value in [`ALPHABET`], or 0xFF (a table: a provincial
    /// directory checks 180 million characters).
    const VALUES: [u8; 256] = {
        let mut t = [0xFF; 256];
        let mut i = 0;
        while i < ALPHABET.len() {
            t[ALPHABET[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    match VALUES[c as usize] {
        0xFF => None,
        v => Some(u32::from(v)),
    }
}

/// The value of a character in GB 11714: digits 0–9, letters A=10 … Z=35.
fn org_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// The GB 32100 check character (position 18) for the first 17 characters
/// of a code, or `None` when `first17` is not 17 characters of the alphabet.
///
/// check = 31 − (Σ value(cᵢ)·3^(i−1) mod 31) mod 31, so a sum divisible by 31
/// gives `0`.
///
/// # Example
/// ```
/// assert_eq!(shuangsui::uscc::uscc_check(b"91350100M000100Y4"), Some(b'3'));
/// assert_eq!(shuangsui::uscc::uscc_check(b"9135010"), None);
/// ```
pub fn uscc_check(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(*c)? * w;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// The GB 11714 check character of an organisation code's 8 body
/// characters (`0`–`9`, `A`–`Z`), or `None` when malformed.
///
/// check = 11 − (Σ value(cᵢ)·wᵢ mod 11), written `X` for 10 and `0` for 11.
///
/// # Example
/// ```
/// assert_eq!(shuangsui::uscc::org_check(b"M000100Y"), Some(b'4'));
/// ```
pub fn org_check(body8: &[u8]) -> Option<u8> {
    if body8.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body8.iter().zip(ORG_WEIGHTS) {
        sum += org_value(*c)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

/// What is wrong with a code, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccProblem {
    /// Not 18 characters long.
    Length,
    /// A character outside the GB 32100 alphabet (e.g. `I`, `O`, lower case).
    Character,
    /// The organisation code check (position 17) is wrong.
    OrgCheck,
    /// The code's own check (position 18) is wrong.
    Check,
}

/// Checks a 统一社会信用代码: length, alphabet, the embedded organisation
/// code's check character and the final check character.
///
/// # Errors
/// The first [`UsccProblem`] found.
///
/// # Example
/// ```
/// use shuangsui::uscc::{validate, UsccProblem};
/// assert_eq!(validate("91110000600037341L"), Ok(()));
/// assert_eq!(validate("91110000600037341M"), Err(UsccProblem::Check));
/// ```
pub fn validate(code: &str) -> Result<(), UsccProblem> {
    let Ok(b) = <&[u8; 18]>::try_from(code.as_bytes()) else {
        return Err(UsccProblem::Length);
    };
    // One pass with both sums (a provincial directory checks ten million
    // codes); the same arithmetic as `org_check` and `uscc_check`, which
    // the tests hold it to.
    let mut values = [0u32; 18];
    for (v, &c) in values.iter_mut().zip(b) {
        *v = uscc_value(c).ok_or(UsccProblem::Character)?;
    }
    let mut org = 0u32;
    for (i, w) in ORG_WEIGHTS.iter().enumerate() {
        // Characters of the alphabet: digits keep their value; a letter's
        // GB 11714 value is its place in A–Z plus 10.
        let c = b[8 + i];
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        org += v * w;
    }
    let org_expected = match 11 - org % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    };
    if b[16] != org_expected {
        return Err(UsccProblem::OrgCheck);
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    if b[17] != ALPHABET[((31 - sum % 31) % 31) as usize] {
        return Err(UsccProblem::Check);
    }
    Ok(())
}

/// Whether `code` is a valid 统一社会信用代码 (see [`validate`]).
pub fn is_valid(code: &str) -> bool {
    validate(code).is_ok()
}

/// Completes 16 characters (positions 1–16) into an 18-character code by
/// appending both check characters, or `None` when `first16` is not 16
/// characters of the alphabet. Returns an array, so that generating
/// millions of codes allocates nothing.
///
/// # Example
/// ```
/// let code = shuangsui::uscc::complete(b"91350100M000100Y").unwrap();
/// assert_eq!(&code, b"91350100M000100Y43");
/// ```
pub fn complete(first16: &[u8]) -> Option<[u8; 18]> {
    if first16.len() != 16 || first16.iter().any(|&c| uscc_value(c).is_none()) {
        return None;
    }
    let mut code = [0u8; 18];
    code[..16].copy_from_slice(first16);
    // The organisation check may be `X` or a digit; both are in the alphabet.
    code[16] = org_check(&first16[8..16])?;
    code[17] = uscc_check(&code[..17])?;
    Some(code)
}

/// Checks an entity id against GB 32100-2015 (18 characters) or the legacy
/// 15-digit 注册号; the problem in words, if any.
pub(crate) fn code_problem(id: &str) -> Option<(String, String)> {
    if id.len() == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let shown = crate::spec::text::quote_short(id);
    if id.len() != 18 {
        return Some((
            format!("\"{shown}\" has {} characters: it is neither an 18-character 统一社会信用代码 nor a 15-digit 注册号; check it against the business licence", id.len()),
            format!("“{shown}”共 {} 位，既不是 18 位统一社会信用代码，也不是 15 位注册号；请对照营业执照核对", id.len()),
        ));
    }
    match validate(id) {
        Ok(()) => None,
        Err(UsccProblem::Character) | Err(UsccProblem::Length) => Some((
            format!("\"{shown}\" contains a letter that codes never use (I, O, S, V, Z); check it against the business licence"),
            format!("“{shown}”含有代码中不使用的字母（I、O、S、V、Z）；请对照营业执照核对"),
        )),
        Err(UsccProblem::OrgCheck) => Some((
            format!("\"{shown}\": the check character of the embedded organisation code (17th character, GB 11714) is wrong; a character was probably mistyped"),
            format!("“{shown}”：第 17 位（组织机构代码校验码，GB 11714）不正确，可能有字符录入错误"),
        )),
        Err(UsccProblem::Check) => {
            let expected = uscc_check(&id.as_bytes()[..17]).map(|c| c as char).unwrap_or('?');
            Some((
                format!("\"{shown}\": the check character (18th, GB 32100) should be {expected}; a character was probably mistyped"),
                format!("“{shown}”：第 18 位校验码应为 {expected}，可能有字符录入错误"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `validate` as it was written before it was fused into one pass.
    fn validate_plainly(code: &str) -> Result<(), UsccProblem> {
        let b = code.as_bytes();
        if b.len() != 18 {
            return Err(UsccProblem::Length);
        }
        if b.iter().any(|&c| uscc_value(c).is_none()) {
            return Err(UsccProblem::Character);
        }
        if org_check(&b[8..16]) != Some(b[16]) {
            return Err(UsccProblem::OrgCheck);
        }
        if uscc_check(&b[..17]) != Some(b[17]) {
            return Err(UsccProblem::Check);
        }
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn validate_agrees_with_the_plain_checks(
            code in "[0-9A-Z]{16,19}|[0-9A-HJ-NP-RTUW-Y]{16}[0-9X][0-9A-HJ-NP-RTUW-Y]|91[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}",
            fix in proptest::bool::ANY,
        ) {
            let code = match complete(&code.as_bytes()[..16.min(code.len())]) {
                Some(c) if fix => String::from_utf8(c.to_vec()).unwrap(),
                _ => code,
            };
            proptest::prop_assert_eq!(validate(&code), validate_plainly(&code), "{}", code);
        }
    }

    #[test]
    fn values_are_positions_in_the_alphabet() {
        for c in 0..=255u8 {
            let expected = ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
            assert_eq!(uscc_value(c), expected, "byte {c}");
        }
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in USCC_WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn known_real_codes_validate() {
        // Published codes of real registered entities.
        for code in ["91350100M000100Y43", "91110000600037341L"] {
            assert_eq!(validate(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn hand_computed_checks() {
        // 91350100M000100Y4|3: Σ = 9·1+1·3+3·9+5·27+0·19+1·26+0·16+0·17
        // +21·20+0·29+0·25+0·13+1·8+0·24+0·10+30·30+4·28 = 1640;
        // 1640 mod 31 = 28; 31 − 28 = 3.
        assert_eq!(uscc_check(b"91350100M000100Y4"), Some(b'3'));
        // Organisation code 60003734-1: Σ = 6·3+0·7+0·9+0·10+3·5+7·8+3·4+4·2
        // = 109; 109 mod 11 = 10; 11 − 10 = 1.
        assert_eq!(org_check(b"60003734"), Some(b'1'));
    }

    #[test]
    fn wrong_checks_are_caught() {
        assert_eq!(validate("91350100M000100Y44"), Err(UsccProblem::Check));
        assert_eq!(validate("91350100M000100Y53"), Err(UsccProblem::OrgCheck));
        assert_eq!(validate("91350100M000100Y4"), Err(UsccProblem::Length));
        assert_eq!(validate("91350100M000100I43"), Err(UsccProblem::Character));
        assert!(!is_valid("91110000600037341l"));
    }

    #[test]
    fn org_check_special_values() {
        // Σ = 6·2 = 12 ≡ 1 (mod 11) gives 10 → X; Σ = 0 gives 11 → 0.
        assert_eq!(org_check(b"00000006"), Some(b'X'));
        assert_eq!(org_check(b"00000000"), Some(b'0'));
        assert_eq!(org_check(b"0000000a"), None);
    }

    #[test]
    fn complete_makes_valid_codes() {
        let code = complete(b"91652302MA77Q8XK").unwrap();
        let code = std::str::from_utf8(&code).unwrap();
        assert!(is_valid(code), "{code}");
        assert_eq!(complete(b"91652302MA77Q8X"), None);
        assert_eq!(complete(b"91652302MA77Q8XI"), None);
    }
    #[test]
    fn codes_are_checked() {
        assert_eq!(code_problem("91350100M000100Y43"), None);
        assert_eq!(code_problem("652302000123456"), None);
        assert!(code_problem("91350100M000100Y44")
            .unwrap()
            .0
            .contains("should be 3"));
        assert!(code_problem("A1").unwrap().0.contains("2 characters"));
    }
}
