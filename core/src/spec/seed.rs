//! The published seed (随机种子, SPEC.md §6): one or more public sources,
//! each brought to a canonical value, hashed in order into the seed digest;
//! and, in protocol v2, the **form** of each source (§6.2), fixed by the
//! announcement before the seed exists, under which the published result can
//! be entered in exactly one way (§6.3), and from which its entropy follows
//! (§6.4).

use crate::spec::hash::{Digest32, Tagged};
use crate::spec::text::normalize_text;
use crate::{Error, ErrorKind, Result};
use serde::{Deserialize, Deserializer, Serialize};

/// The kind of a seed source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedKind {
    /// A text published by the regulator.
    Text,
    /// Lottery numbers (e.g. 福彩3D), canonicalized as RFC 3797.
    Lottery,
    /// A randomness beacon's value in hex.
    Beacon,
}

impl SeedKind {
    /// The kind's name as hashed (SPEC §6.1).
    pub fn name(self) -> &'static str {
        match self {
            SeedKind::Text => "text",
            SeedKind::Lottery => "lottery",
            SeedKind::Beacon => "beacon",
        }
    }

    /// The kind in Chinese words, for Chinese text.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            SeedKind::Text => "现场宣读的文字",
            SeedKind::Lottery => "彩票开奖号码",
            SeedKind::Beacon => "随机信标",
        }
    }
}

/// One group of a lottery's numbers (SPEC §6.2): `count` numbers from
/// `min` to `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotteryGroup {
    /// How many numbers.
    pub count: u64,
    /// The smallest number.
    pub min: u64,
    /// The largest number.
    pub max: u64,
    /// Whether the drawing order counts (else the numbers are sorted).
    pub ordered: bool,
    /// Whether the numbers are pairwise different.
    pub distinct: bool,
}

/// The announced form of one seed source (SPEC §6.2): which public event
/// produces it and exactly how its result is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum SeedForm {
    /// A lottery draw: game, issue (期号), draw date and number groups.
    Lottery {
        /// The game, e.g. 福彩3D.
        game: String,
        /// The issue (期号).
        issue: String,
        /// The lottery's draw date (开奖日期), `YYYY-MM-DD`.
        date: String,
        /// The number groups.
        groups: Vec<LotteryGroup>,
    },
    /// A randomness beacon's round.
    Beacon {
        /// The beacon, e.g. `drand quicknet`.
        beacon: String,
        /// The round or pulse number.
        round: u64,
        /// The day the round is produced.
        date: String,
        /// The output's length in bytes.
        bytes: u64,
    },
    /// A text read out at a public event.
    Text {
        /// The event, e.g. 公开摇号会.
        event: String,
        /// Where it takes place.
        place: String,
        /// When.
        date: String,
    },
}

/// One source of the published seed, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSource {
    /// What kind of source it is.
    pub kind: SeedKind,
    /// The canonical value (SPEC §6.1).
    pub value: String,
    /// Where the value comes from, for people; not re-derived by a verifier.
    pub description: String,
    /// Protocol v2: the announced form (`Some(Some(form))`), or an
    /// unannounced source (`Some(None)`, written `"form": null`). Protocol
    /// v1 sources have no such key (`None`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub form: Option<Option<SeedForm>>,
}

/// A key that is present, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<SeedForm>>, D::Error> {
    Option::<SeedForm>::deserialize(d).map(Some)
}

fn bad_seed(en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidSeed, en, zh)
}

/// Splits a normalized source text into its kind prefix (SPEC §6.1) and
/// the rest. `Some("lottery-unordered")` is returned as its own name.
fn prefix(s: &str) -> Option<(&'static str, &str)> {
    let (k, v) = s.split_once(':')?;
    let k = match k.trim().to_ascii_lowercase().as_str() {
        "text" => "text",
        "lottery" => "lottery",
        "lottery-unordered" => "lottery-unordered",
        "beacon" => "beacon",
        _ => return None,
    };
    Some((k, v))
}

impl SeedSource {
    /// Parses the v1 notation `kind:value` (`text:`, `lottery:`,
    /// `lottery-unordered:`, `beacon:`, SPEC §6.1); text without a known
    /// prefix is a `text` source (protocol v1 only: see
    /// [`SeedSource::parse_unannounced`]). The text is normalized first, so
    /// a full-width colon is a colon.
    ///
    /// # Errors
    /// `InvalidSeed` when the value is empty or malformed.
    ///
    /// # Example
    /// ```
    /// use shuangsui::SeedSource;
    /// assert_eq!(SeedSource::parse("lottery:3 0 7").unwrap().value, "3.0.7./");
    /// assert_eq!(SeedSource::parse("lottery：3 0 7").unwrap().value, "3.0.7./");
    /// assert_eq!(SeedSource::parse("lottery-unordered:21,03,11").unwrap().value, "3.11.21./");
    /// assert_eq!(SeedSource::parse("beacon:0xAB cd").unwrap().value, "abcd");
    /// assert_eq!(SeedSource::parse("阜康市 2026 第四季度").unwrap().value, "阜康市 2026 第四季度");
    /// ```
    pub fn parse(s: &str) -> Result<SeedSource> {
        Self::parse_v1(s, true)
    }

    /// Parses a source of an unannounced v2 draw (SPEC §6.3): the v1
    /// notation with a known kind prefix required; the source has no form.
    ///
    /// # Errors
    /// `InvalidSeed` when the prefix is missing or the value malformed.
    pub fn parse_unannounced(s: &str) -> Result<SeedSource> {
        let mut source = Self::parse_v1(s, false)?;
        source.form = Some(None);
        Ok(source)
    }

    fn parse_v1(s: &str, text_by_default: bool) -> Result<SeedSource> {
        let n = normalize_text(s).map_err(|e| e.with_kind(ErrorKind::InvalidSeed))?;
        let (kind, value) = match prefix(&n) {
            Some(("text", v)) => (SeedKind::Text, text_value(v)?),
            Some(("lottery", v)) => (SeedKind::Lottery, lottery_v1(v, false)?),
            Some(("lottery-unordered", v)) => (SeedKind::Lottery, lottery_v1(v, true)?),
            Some((_, v)) => (SeedKind::Beacon, beacon(v, None)?),
            None if text_by_default => (SeedKind::Text, text_value(&n)?),
            None => {
                return Err(bad_seed(
                    format!("the seed \"{}\" has no kind: write lottery:3 0 7, beacon:<hex> or text:<words>", short(&n)),
                    format!("随机种子“{}”未写明类型：请写成 lottery:3 0 7、beacon:<十六进制> 或 text:<文字>", short(&n)),
                ))
            }
        };
        Ok(SeedSource {
            kind,
            value,
            description: String::new(),
            form: None,
        })
    }

    /// The value as people read it (SPEC §6.3): lottery numbers separated
    /// by spaces (padded to their group's digits when the form is known),
    /// groups joined by ` + `; a beacon's hex and a text as they are.
    pub fn shown(&self) -> String {
        if self.kind != SeedKind::Lottery {
            return self.value.clone();
        }
        let groups: Vec<&str> = self.value.trim_end_matches('/').split('/').collect();
        let widths: Vec<usize> = match &self.form {
            Some(Some(SeedForm::Lottery { groups, .. })) => {
                groups.iter().map(|g| digits(g.max)).collect()
            }
            _ => Vec::new(),
        };
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let w = widths.get(i).copied().unwrap_or(0);
                g.split('.')
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("{n:0>w$}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// At most 40 characters of a text, for messages.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

fn text_value(v: &str) -> Result<String> {
    let v = normalize_text(v).map_err(|e| e.with_kind(ErrorKind::InvalidSeed))?;
    if v.is_empty() {
        return Err(bad_seed("the seed text is empty", "随机种子文字为空"));
    }
    Ok(v)
}

/// RFC 3797 canonical form of one unordered or ordered group:
/// `3.0.7./`.
fn canonical_group(numbers: &[u64]) -> String {
    let mut out = String::new();
    for n in numbers {
        out.push_str(&n.to_string());
        out.push('.');
    }
    out.push('/');
    out
}

/// The v1 notation of lottery numbers (SPEC §6.1): one group.
fn lottery_v1(s: &str, unordered: bool) -> Result<String> {
    let s = normalize_text(s).map_err(|e| e.with_kind(ErrorKind::InvalidSeed))?;
    if let Some(bad) = s.chars().find(|c| {
        !(c.is_ascii_digit() || matches!(c, ' ' | ',' | '-' | '.' | ';' | '、' | '+' | '|'))
    }) {
        return Err(bad_seed(
            format!("the lottery numbers \"{}\" contain \"{bad}\"; write the drawn numbers separated by spaces, e.g. lottery:3 0 7", short(&s)),
            format!("彩票号码“{}”中有“{bad}”；请写开奖号码，以空格分隔，例如 lottery:3 0 7", short(&s)),
        ));
    }
    let mut numbers: Vec<u128> = Vec::new();
    for part in s.split(|c: char| !c.is_ascii_digit()) {
        if part.is_empty() {
            continue;
        }
        let digits = part.trim_start_matches('0');
        if digits.len() > 30 {
            return Err(bad_seed(
                format!("the lottery number {} is too long", short(part)),
                format!("彩票号码 {} 过长", short(part)),
            ));
        }
        numbers.push(digits.parse().unwrap_or(0));
    }
    if numbers.is_empty() {
        return Err(bad_seed(
            "no lottery numbers given; e.g. lottery:3 0 7",
            "未给出彩票号码；例如 lottery:3 0 7",
        ));
    }
    if unordered {
        numbers.sort_unstable();
    }
    let mut out = String::new();
    for n in numbers {
        out.push_str(&n.to_string());
        out.push('.');
    }
    out.push('/');
    Ok(out)
}

/// A beacon value: hex digits, lower-cased, `0x` and whitespace removed;
/// exactly `bytes` bytes when the form says so.
fn beacon(s: &str, bytes: Option<u64>) -> Result<String> {
    let mut t: String = s
        .chars()
        .filter(|c| !crate::spec::text::is_spec_whitespace(*c))
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(rest) = t.strip_prefix("0x") {
        t = rest.to_string();
    }
    if t.is_empty() || t.len() % 2 != 0 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad_seed(
            "a beacon value must be an even number of hex digits (0-9, a-f), e.g. beacon:8f3a…",
            "随机信标的值应为偶数个十六进制数字（0-9、a-f），例如 beacon:8f3a…",
        ));
    }
    if let Some(n) = bytes {
        if t.len() as u64 != 2 * n {
            return Err(bad_seed(
                format!(
                    "the beacon's output has {n} bytes ({} hex digits); {} were given",
                    2 * n,
                    t.len()
                ),
                format!(
                    "该随机信标的输出为 {n} 字节（{} 个十六进制数字），输入了 {} 个",
                    2 * n,
                    t.len()
                ),
            ));
        }
    }
    Ok(t)
}

/// `seed_digest = H("shuangsui/1/seed", kind_1, value_1, …)` (SPEC §6.1),
/// the same in both versions.
pub(crate) fn seed_digest(sources: &[SeedSource]) -> Digest32 {
    let mut t = Tagged::new("shuangsui/1/seed");
    for s in sources {
        t.field(s.kind.name().as_bytes()).field(s.value.as_bytes());
    }
    t.finish()
}

// ---------------------------------------------------------------- forms (v2)

/// The presets of SPEC §6.2: canonical name, other spellings, groups
/// `(count, min, max, ordered, distinct)`.
type Preset = (
    &'static str,
    &'static [&'static str],
    &'static [(u64, u64, u64, bool, bool)],
);
const PRESETS: &[Preset] = &[
    (
        "福彩3D",
        &["3D", "福彩3d", "3d", "福彩 3D"],
        &[(3, 0, 9, true, false)],
    ),
    ("排列3", &["排列三"], &[(3, 0, 9, true, false)]),
    ("排列5", &["排列五"], &[(5, 0, 9, true, false)]),
    (
        "双色球",
        &[],
        &[(6, 1, 33, false, true), (1, 1, 16, true, false)],
    ),
    (
        "大乐透",
        &["超级大乐透"],
        &[(5, 1, 35, false, true), (2, 1, 12, false, true)],
    ),
    (
        "七乐彩",
        &[],
        &[(7, 1, 30, false, true), (1, 1, 30, true, false)],
    ),
];

/// A preset game's canonical name and groups, by any of its spellings.
pub fn lottery_preset(game: &str) -> Option<(&'static str, Vec<LotteryGroup>)> {
    let g = normalize_text(game).ok()?;
    PRESETS
        .iter()
        .find(|(name, other, _)| *name == g || other.contains(&g.as_str()))
        .map(|(name, _, groups)| {
            (
                *name,
                groups
                    .iter()
                    .map(|&(count, min, max, ordered, distinct)| LotteryGroup {
                        count,
                        min,
                        max,
                        ordered,
                        distinct,
                    })
                    .collect(),
            )
        })
}

/// The names of the preset games, in the SPEC's order.
pub fn lottery_presets() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.0).collect()
}

/// Whether a text still holds a template's blank (see
/// [`SeedForm::check_filled`]).
pub(crate) fn is_template(v: &str) -> bool {
    let blank = |c: char| matches!(c, '_' | '＿' | '×' | '*' | '＊' | '?' | '？' | '○');
    let chars: Vec<char> = v.chars().collect();
    let run = chars.windows(2).any(|w| blank(w[0]) && blank(w[1]));
    let lower = v.to_ascii_lowercase();
    let words = ["待定", "待填", "tbd", "todo", "…", "..."]
        .iter()
        .any(|w| lower.contains(w));
    let only_x = chars.len() >= 2 && chars.iter().all(|c| matches!(c, 'x' | 'X'));
    run || words || only_x
}

fn bad_form(en: impl Into<String>, zh: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidTask, en, zh)
}

impl SeedForm {
    /// The kind of source this form announces.
    pub fn kind(&self) -> SeedKind {
        match self {
            SeedForm::Lottery { .. } => SeedKind::Lottery,
            SeedForm::Beacon { .. } => SeedKind::Beacon,
            SeedForm::Text { .. } => SeedKind::Text,
        }
    }

    /// The date of the public event that produces the value.
    pub fn date(&self) -> &str {
        match self {
            SeedForm::Lottery { date, .. }
            | SeedForm::Beacon { date, .. }
            | SeedForm::Text { date, .. } => date,
        }
    }

    /// Checks the rules of SPEC §6.2 (texts normalized and non-empty, the
    /// date canonical, the numbers' bounds).
    ///
    /// # Errors
    /// `InvalidTask` naming the rule broken.
    pub fn validate(&self) -> Result<()> {
        let text = |what: &str, zh: &str, v: &str| -> Result<()> {
            match normalize_text(v) {
                Ok(n) if !n.is_empty() && n == v => Ok(()),
                _ => Err(bad_form(
                    format!(
                        "the seed source's {what} must be a non-empty normalized text, not \"{}\"",
                        short(v)
                    ),
                    format!("随机种子来源的{zh}必须是非空文字（“{}”不符合）", short(v)),
                )),
            }
        };
        let date = self.date();
        if crate::spec::text::canonical_date(date).ok().as_deref() != Some(date) {
            return Err(bad_form(
                format!(
                    "the seed source's date \"{}\" is not a date YYYY-MM-DD",
                    short(date)
                ),
                format!(
                    "随机种子来源的日期“{}”不是 YYYY-MM-DD 形式的日期",
                    short(date)
                ),
            ));
        }
        match self {
            SeedForm::Lottery {
                game,
                issue,
                groups,
                ..
            } => {
                text("game", "彩票名称", game)?;
                text("issue", "期号", issue)?;
                // A preset's name fixes its groups (SPEC §6.2).
                if let Some((name, preset)) = lottery_preset(game) {
                    if name != game || &preset != groups {
                        return Err(bad_form(
                            format!("the lottery \"{game}\" is the preset {name}, whose numbers are fixed; write lottery = \"{name}\" without groups"),
                            format!("“{game}”即预设彩票 {name}，其号码规则已固定；请写 lottery = \"{name}\"，不要另写 groups"),
                        ));
                    }
                }
                if groups.is_empty() || groups.len() > 8 {
                    return Err(bad_form(
                        format!(
                            "the lottery {game} needs 1 to 8 groups of numbers, not {}",
                            groups.len()
                        ),
                        format!("彩票 {game} 应有 1 至 8 组号码，而不是 {} 组", groups.len()),
                    ));
                }
                for (i, g) in groups.iter().enumerate() {
                    let ok = (1..=100).contains(&g.count)
                        && g.min < g.max
                        && g.max <= 999_999_999
                        && (!g.distinct || g.count <= g.max - g.min + 1);
                    if !ok {
                        return Err(bad_form(
                            format!("the lottery {game}, group {}: {} numbers from {} to {}{} cannot be drawn; a group has 1 to 100 numbers, 0 ≤ min < max ≤ 999999999, and no more distinct numbers than values", i + 1, g.count, g.min, g.max, if g.distinct { ", distinct" } else { "" }),
                            format!("彩票 {game} 第 {} 组：从 {} 到 {} 中取 {} 个号码{}无法成立；每组 1 至 100 个号码，0 ≤ 最小值 < 最大值 ≤ 999999999，互不相同时个数不能超过可取的值", i + 1, g.min, g.max, g.count, if g.distinct { "（互不相同）" } else { "" }),
                        ));
                    }
                }
            }
            SeedForm::Beacon {
                beacon,
                round,
                bytes,
                ..
            } => {
                text("beacon name", "信标名称", beacon)?;
                if *round > (1u64 << 53) - 1 || !(1..=64).contains(bytes) {
                    return Err(bad_form(
                        format!("the beacon {beacon}: the round must be at most 2^53 − 1 and the output 1 to 64 bytes"),
                        format!("随机信标 {beacon}：轮次不得超过 2^53 − 1，输出长度应为 1 至 64 字节"),
                    ));
                }
            }
            SeedForm::Text { event, place, .. } => {
                text("event", "活动", event)?;
                text("place", "地点", place)?;
            }
        }
        Ok(())
    }

    /// SPEC §6.2: a form being announced names its event in full. A text
    /// that still holds a template's blank — a run of two or more of `_`
    /// `＿` `×` `*` `?` `○`, `…` or `...`, only `x`s, or 待定 / 待填 /
    /// TBD / TODO — is refused, so that "福彩3D 第____期" cannot be
    /// announced as it stands. Checked when announcing only: documents
    /// already published are read by [`SeedForm::validate`] alone.
    ///
    /// # Errors
    /// `InvalidTask` naming the text and the key to fill in.
    pub fn check_filled(&self) -> Result<()> {
        let texts: Vec<(&str, &str, &str)> = match self {
            SeedForm::Lottery { game, issue, .. } => {
                vec![("game", "彩票名称", game), ("issue", "期号", issue)]
            }
            SeedForm::Beacon { beacon, .. } => vec![("beacon name", "信标名称", beacon)],
            SeedForm::Text { event, place, .. } => {
                vec![("event", "活动", event), ("place", "地点", place)]
            }
        };
        for (what, zh, v) in texts {
            if is_template(v) {
                return Err(bad_form(
                    format!("the seed source's {what} \"{}\" is a template left unfilled; write the real {what} before announcing", short(v)),
                    format!("随机种子来源的{zh}“{}”还是未填写的模板；请填写实际的{zh}后再公告", short(v)),
                ));
            }
        }
        Ok(())
    }

    /// The form in words, for people (the record's `description`, SPEC §11).
    pub fn describe(&self) -> String {
        match self {
            SeedForm::Lottery {
                game, issue, date, ..
            } => format!("{game} 第{issue}期（{date} 开奖）"),
            SeedForm::Beacon {
                beacon,
                round,
                date,
                ..
            } => format!("{beacon} 第{round}轮（{date}）"),
            SeedForm::Text { event, place, date } => format!("{event}，{place}（{date}）"),
        }
    }

    /// What the value will look like, in words (English, Chinese): "3
    /// numbers 0–9 in drawing order".
    pub fn expects(&self) -> (String, String) {
        match self {
            SeedForm::Lottery { groups, .. } => {
                let en: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        format!(
                            "{} {}number{} {}–{}{}",
                            g.count,
                            if g.distinct && g.count > 1 {
                                "distinct "
                            } else {
                                ""
                            },
                            if g.count == 1 { "" } else { "s" },
                            g.min,
                            g.max,
                            if g.count > 1 {
                                if g.ordered {
                                    ", in drawing order"
                                } else {
                                    ", any order"
                                }
                            } else {
                                ""
                            }
                        )
                    })
                    .collect();
                let zh: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        format!(
                            "{} 个{}号码（{}–{}{}）",
                            g.count,
                            if g.distinct && g.count > 1 {
                                "互不相同的"
                            } else {
                                ""
                            },
                            g.min,
                            g.max,
                            if g.count > 1 {
                                if g.ordered {
                                    "，按开出顺序"
                                } else {
                                    "，顺序不限"
                                }
                            } else {
                                ""
                            }
                        )
                    })
                    .collect();
                (en.join(" + "), zh.join(" + "))
            }
            SeedForm::Beacon { bytes, .. } => (
                format!("{} hex digits ({bytes} bytes)", 2 * bytes),
                format!("{} 个十六进制数字（{bytes} 字节）", 2 * bytes),
            ),
            SeedForm::Text { .. } => ("the text as read out".into(), "现场宣读的文字".into()),
        }
    }

    /// Reads the text a person enters for this source under its form
    /// (SPEC §6.3): the only way to enter a published result.
    ///
    /// # Errors
    /// `InvalidSeed` saying what was announced and what was given.
    ///
    /// # Example
    /// ```
    /// use shuangsui::SeedForm;
    /// let (game, groups) = shuangsui::lottery_preset("双色球").unwrap();
    /// let form = SeedForm::Lottery { game: game.into(), issue: "2026138".into(), date: "2026-12-01".into(), groups };
    /// assert_eq!(form.read("33 27 20 12 09 03 + 07").unwrap().value, "3.9.12.20.27.33./7./");
    /// assert!(form.read("3 9 12 20 27 33").is_err()); // the blue ball is missing
    /// ```
    pub fn read(&self, entered: &str) -> Result<SeedSource> {
        let n = normalize_text(entered).map_err(|e| e.with_kind(ErrorKind::InvalidSeed))?;
        let what = self.describe();
        let (expects, expects_zh) = self.expects();
        let refuse = |en: String, zh: String| {
            bad_seed(
                format!("{en}; the announcement says {what}: {expects}"),
                format!("{zh}；公告写明的是 {what}：{expects_zh}"),
            )
        };
        let body = match prefix(&n) {
            Some((k, v)) if k == self.kind().name() => v.trim(),
            Some((k, _)) => {
                return Err(refuse(
                    format!("the seed \"{}\" is given as {k}", short(&n)),
                    format!("随机种子“{}”写成了 {k}", short(&n)),
                ))
            }
            None => n.as_str(),
        };
        let value = match self {
            SeedForm::Lottery { groups, .. } => {
                read_lottery(groups, body).map_err(|(en, zh)| refuse(en, zh))?
            }
            SeedForm::Beacon { bytes, .. } => beacon(body, Some(*bytes)).map_err(|e| {
                e.hint(
                    &format!("; the announcement says {what}: {expects}"),
                    &format!("；公告写明的是 {what}：{expects_zh}"),
                )
            })?,
            SeedForm::Text { .. } => text_value(body)?,
        };
        Ok(SeedSource {
            kind: self.kind(),
            value,
            description: self.describe(),
            form: Some(Some(self.clone())),
        })
    }

    /// Whether a canonical value could have come from [`SeedForm::read`]
    /// (SPEC §13.1 step 2).
    pub fn fits(&self, kind: SeedKind, value: &str) -> bool {
        if kind != self.kind() {
            return false;
        }
        match self.read(&match kind {
            // The canonical lottery value uses `.` between numbers and `/`
            // after each group; as entered text: numbers and `+`.
            SeedKind::Lottery => value
                .trim_end_matches('/')
                .replace('/', " + ")
                .replace('.', " "),
            _ => value.to_string(),
        }) {
            Ok(s) => s.value == value,
            Err(_) => false,
        }
    }

    /// The number of possible results of the form (SPEC §6.4), capped at
    /// 2^256.
    fn outcomes(&self) -> Big {
        match self {
            SeedForm::Lottery { groups, .. } => {
                let mut n = Big::one();
                for g in groups {
                    let r = g.max - g.min + 1;
                    let c = g.count;
                    let group = match (g.ordered, g.distinct) {
                        (true, false) => {
                            let mut x = Big::one();
                            for _ in 0..c {
                                x.mul_small(r);
                            }
                            x
                        }
                        (true, true) => {
                            let mut x = Big::one();
                            for i in 0..c {
                                x.mul_small(r - i);
                            }
                            x
                        }
                        (false, true) => Big::choose(r, c),
                        (false, false) => Big::choose(r + c - 1, c),
                    };
                    n.mul(&group);
                }
                n
            }
            SeedForm::Beacon { bytes, .. } => {
                let mut x = Big::one();
                for _ in 0..*bytes {
                    x.mul_small(256);
                }
                x
            }
            SeedForm::Text { .. } => Big::one(),
        }
    }
}

/// Reads lottery numbers under their groups (SPEC §6.3); the error in
/// English and Chinese.
fn read_lottery(groups: &[LotteryGroup], s: &str) -> std::result::Result<String, (String, String)> {
    if let Some(bad) = s.chars().find(|c| {
        !(c.is_ascii_digit() || matches!(c, ' ' | ',' | '、' | ';' | '-' | '.' | '+' | '|'))
    }) {
        return Err((
            format!("the numbers \"{}\" contain \"{bad}\"", short(s)),
            format!("号码“{}”中有“{bad}”", short(s)),
        ));
    }
    let parse = |part: &str| -> std::result::Result<Vec<u64>, (String, String)> {
        part.split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| {
                let d = p.trim_start_matches('0');
                if d.len() > 9 {
                    Err((
                        format!("the number {} is too long", short(p)),
                        format!("号码 {} 过长", short(p)),
                    ))
                } else {
                    Ok(d.parse().unwrap_or(0))
                }
            })
            .collect()
    };
    let separators = s.chars().filter(|c| matches!(c, '+' | '|')).count();
    let parts: Vec<Vec<u64>> = if separators == 0 {
        let all = parse(s)?;
        let want: u64 = groups.iter().map(|g| g.count).sum();
        if all.len() as u64 != want {
            return Err((
                format!(
                    "{} number{} given ({}), {want} expected",
                    all.len(),
                    if all.len() == 1 { "" } else { "s" },
                    short(s)
                ),
                format!(
                    "输入了 {} 个号码（{}），应为 {want} 个",
                    all.len(),
                    short(s)
                ),
            ));
        }
        let mut rest = &all[..];
        groups
            .iter()
            .map(|g| {
                let (a, b) = rest.split_at(g.count as usize);
                rest = b;
                a.to_vec()
            })
            .collect()
    } else if separators + 1 == groups.len() {
        s.split(['+', '|'])
            .map(parse)
            .collect::<std::result::Result<_, _>>()?
    } else {
        return Err((
            format!(
                "\"{}\" has {} groups of numbers, {} expected",
                short(s),
                separators + 1,
                groups.len()
            ),
            format!(
                "“{}”有 {} 组号码，应为 {} 组",
                short(s),
                separators + 1,
                groups.len()
            ),
        ));
    };
    let mut out = String::new();
    for (i, (g, mut numbers)) in groups.iter().zip(parts).enumerate() {
        let which = if groups.len() > 1 {
            format!("group {}: ", i + 1)
        } else {
            String::new()
        };
        let which_zh = if groups.len() > 1 {
            format!("第 {} 组：", i + 1)
        } else {
            String::new()
        };
        if numbers.len() as u64 != g.count {
            return Err((
                format!(
                    "{which}{} number{} given, {} expected",
                    numbers.len(),
                    if numbers.len() == 1 { "" } else { "s" },
                    g.count
                ),
                format!(
                    "{which_zh}输入了 {} 个号码，应为 {} 个",
                    numbers.len(),
                    g.count
                ),
            ));
        }
        if let Some(n) = numbers.iter().find(|&&n| n < g.min || n > g.max) {
            return Err((
                format!("{which}the number {n} is outside {}–{}", g.min, g.max),
                format!("{which_zh}号码 {n} 不在 {}–{} 之内", g.min, g.max),
            ));
        }
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        if g.distinct {
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                return Err((
                    format!("{which}the number {} appears twice; the numbers of this group are all different", w[0]),
                    format!("{which_zh}号码 {} 出现两次；这一组的号码互不相同", w[0]),
                ));
            }
        }
        if !g.ordered {
            numbers = sorted;
        }
        out.push_str(&canonical_group(&numbers));
    }
    Ok(out)
}

/// The entropy of a seed's forms in tenths of a bit (SPEC §6.4): floor(10 ×
/// log2 N) for the product N of their outcomes, capped at 2560.
pub fn entropy_tenths(forms: &[&SeedForm]) -> u32 {
    let mut n = Big::one();
    for f in forms {
        n.mul(&f.outcomes());
        if n.bits() > 257 {
            return 2560;
        }
    }
    // floor(log2(N^10)) = bit length of N^10 − 1.
    let mut p = Big::one();
    for _ in 0..10 {
        p.mul(&n);
    }
    (p.bits().saturating_sub(1) as u32).min(2560)
}

/// The entropy as people read it: `9.9`.
pub fn entropy_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A small unsigned big integer (little-endian 32-bit limbs): enough for
/// the exact outcome counts of §6.4. Values are capped well before they
/// grow large (`entropy_tenths` stops past 2^257).
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn bits(&self) -> u64 {
        match self.0.iter().rposition(|&l| l != 0) {
            Some(i) => i as u64 * 32 + (32 - self.0[i].leading_zeros() as u64),
            None => 0,
        }
    }

    fn mul_small(&mut self, m: u64) {
        // m < 2^32 for every use (values ≤ 10^9 + 100).
        let m = m as u128;
        let mut carry = 0u128;
        for l in &mut self.0 {
            let x = *l as u128 * m + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        while carry > 0 {
            self.0.push(carry as u32);
            carry >>= 32;
        }
        self.trim();
    }

    fn div_small(&mut self, d: u64) {
        let d = d as u128;
        let mut rem = 0u128;
        for l in self.0.iter_mut().rev() {
            let x = (rem << 32) | *l as u128;
            *l = (x / d) as u32;
            rem = x % d;
        }
        self.trim();
    }

    fn mul(&mut self, o: &Big) {
        let mut out = vec![0u32; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.0.iter().enumerate() {
                let x = a as u64 * b as u64 + out[i + j] as u64 + carry;
                out[i + j] = x as u32;
                carry = x >> 32;
            }
            let mut k = i + o.0.len();
            while carry > 0 {
                let x = out[k] as u64 + carry;
                out[k] = x as u32;
                carry = x >> 32;
                k += 1;
            }
        }
        self.0 = out;
        self.trim();
    }

    /// C(n, k), exactly: each partial product i ↦ C(n − k + i, i) is an
    /// integer.
    fn choose(n: u64, k: u64) -> Big {
        let mut x = Big::one();
        for i in 1..=k {
            x.mul_small(n - k + i);
            x.div_small(i);
            if x.bits() > 300 {
                break;
            }
        }
        x
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

/// Reads the `[[seed]]` tables of a task file (SPEC §6.2) into forms;
/// `source` names the file for messages.
///
/// # Errors
/// `InvalidTask` naming the table and key.
pub(crate) fn forms_from_toml(source: &str, v: toml::Value) -> Result<Vec<SeedForm>> {
    let bad = |i: usize, en: String, zh: String| {
        Error::new(
            ErrorKind::InvalidTask,
            format!("[[seed]] number {}: {en}", i + 1),
            format!("第 {} 个 [[seed]]：{zh}", i + 1),
        )
        .in_file(source)
    };
    // A problem found by a rule of its own (text, the form's checks),
    // filed as a problem of the task file.
    let within = |i: usize, e: Error| {
        e.context(
            &format!("[[seed]] number {}", i + 1),
            &format!("第 {} 个 [[seed]]", i + 1),
        )
        .with_kind(ErrorKind::InvalidTask)
        .in_file(source)
    };
    let toml::Value::Array(tables) = v else {
        return Err(bad(
            0,
            "`seed` must be a list of [[seed]] tables".into(),
            "`seed` 应写成若干 [[seed]] 表".into(),
        ));
    };
    let mut forms = Vec::with_capacity(tables.len());
    for (i, t) in tables.into_iter().enumerate() {
        let toml::Value::Table(mut t) = t else {
            return Err(bad(i, "must be a table".into(), "应为一个表".into()));
        };
        let text = |t: &mut toml::Table, k: &str| -> Result<Option<String>> {
            match t.remove(k) {
                None => Ok(None),
                Some(toml::Value::String(s)) => normalize_text(&s)
                    .map(Some)
                    .map_err(|e| within(i, e.context(&format!("`{k}`"), &format!("`{k}`")))),
                Some(_) => Err(bad(
                    i,
                    format!("`{k}` must be a text in quotes, e.g. {k} = \"2026318\""),
                    format!("`{k}` 应为文字"),
                )),
            }
        };
        let date = match t.remove("date") {
            Some(toml::Value::Datetime(d)) => crate::spec::text::canonical_date(&d.to_string()),
            Some(toml::Value::String(s)) => crate::spec::text::canonical_date(&s),
            _ => Err(Error::new(ErrorKind::InvalidDate, "missing", "缺失")),
        }
        .map_err(|_| {
            bad(
                i,
                "`date` (the day of the draw or event) is missing or not a date".into(),
                "`date`（开奖或活动日期）缺失或不是日期".into(),
            )
        })?;
        let uint = |t: &mut toml::Table, k: &str| -> Result<Option<u64>> {
            match t.remove(k) {
                None => Ok(None),
                Some(toml::Value::Integer(n)) if n >= 0 => Ok(Some(n as u64)),
                Some(_) => Err(bad(
                    i,
                    format!("`{k}` must be a whole number ≥ 0"),
                    format!("`{k}` 应为非负整数"),
                )),
            }
        };
        let form = if let Some(game) = text(&mut t, "lottery")? {
            let issue = text(&mut t, "issue")?
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    bad(
                        i,
                        "`issue` (期号) is missing".into(),
                        "缺少 `issue`（期号）".into(),
                    )
                })?;
            let groups = match t.remove("groups") {
                None => match lottery_preset(&game) {
                    Some((_, g)) => g,
                    None => {
                        return Err(bad(
                            i,
                            format!(
                                "\"{game}\" is not a preset game ({}); give its `groups`",
                                lottery_presets().join(", ")
                            ),
                            format!(
                                "“{game}”不是预设彩票（{}）；请给出 `groups`",
                                lottery_presets().join("、")
                            ),
                        ))
                    }
                },
                Some(toml::Value::Array(gs)) => {
                    let mut out = Vec::new();
                    for g in gs {
                        let toml::Value::Table(mut g) = g else {
                            return Err(bad(i, "each of `groups` must be a table { count, min, max, ordered, distinct }".into(), "`groups` 的每一项应为 { count, min, max, ordered, distinct }".into()));
                        };
                        let flag = |g: &mut toml::Table, k: &str, default: bool| -> Result<bool> {
                            match g.remove(k) {
                                None => Ok(default),
                                Some(toml::Value::Boolean(b)) => Ok(b),
                                Some(_) => Err(bad(
                                    i,
                                    format!("`{k}` must be true or false"),
                                    format!("`{k}` 应为 true 或 false"),
                                )),
                            }
                        };
                        let need = |g: &mut toml::Table, k: &str| -> Result<u64> {
                            uint(g, k)?.ok_or_else(|| {
                                bad(
                                    i,
                                    format!("a group needs `{k}`"),
                                    format!("号码组缺少 `{k}`"),
                                )
                            })
                        };
                        let group = LotteryGroup {
                            count: need(&mut g, "count")?,
                            min: need(&mut g, "min")?,
                            max: need(&mut g, "max")?,
                            ordered: flag(&mut g, "ordered", true)?,
                            distinct: flag(&mut g, "distinct", false)?,
                        };
                        if let Some(k) = g.keys().next() {
                            return Err(bad(
                                i,
                                format!("unknown key `{k}` in a group"),
                                format!("号码组中有未知的键 `{k}`"),
                            ));
                        }
                        out.push(group);
                    }
                    out
                }
                Some(_) => {
                    return Err(bad(
                        i,
                        "`groups` must be a list".into(),
                        "`groups` 应为列表".into(),
                    ))
                }
            };
            let game = lottery_preset(&game).map_or(game, |(name, _)| name.to_string());
            SeedForm::Lottery {
                game,
                issue,
                date,
                groups,
            }
        } else if let Some(beacon) = text(&mut t, "beacon")? {
            SeedForm::Beacon {
                beacon,
                round: uint(&mut t, "round")?.ok_or_else(|| {
                    bad(
                        i,
                        "`round` is missing".into(),
                        "缺少 `round`（轮次）".into(),
                    )
                })?,
                date,
                bytes: uint(&mut t, "bytes")?.ok_or_else(|| {
                    bad(
                        i,
                        "`bytes` (the output's length in bytes, e.g. 32) is missing".into(),
                        "缺少 `bytes`（输出长度，字节数，例如 32）".into(),
                    )
                })?,
            }
        } else if let Some(event) = text(&mut t, "text")? {
            SeedForm::Text {
                event,
                place: text(&mut t, "place")?.unwrap_or_default(),
                date,
            }
        } else {
            return Err(bad(
                i,
                "say what the source is: `lottery = \"福彩3D\"`, `beacon = \"drand quicknet\"` or `text = \"公开摇号会\"`".into(),
                "请写明来源：`lottery = \"福彩3D\"`、`beacon = \"drand quicknet\"` 或 `text = \"公开摇号会\"`".into(),
            ));
        };
        if let Some(k) = t.keys().next() {
            return Err(bad(
                i,
                format!("unknown key `{k}` for a {} source", form.kind().name()),
                format!("{}来源中有未知的键 `{k}`", form.kind().zh()),
            ));
        }
        form.validate().map_err(|e| within(i, e))?;
        forms.push(form);
    }
    Ok(forms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str) -> SeedForm {
        let (game, groups) = lottery_preset(name).unwrap();
        SeedForm::Lottery {
            game: game.into(),
            issue: "2026318".into(),
            date: "2026-11-30".into(),
            groups,
        }
    }

    #[test]
    fn entropy_of_the_presets_is_the_spec_table() {
        for (name, tenths) in [
            ("福彩3D", 99),
            ("排列3", 99),
            ("排列5", 166),
            ("双色球", 240),
            ("大乐透", 243),
            ("七乐彩", 258),
        ] {
            assert_eq!(entropy_tenths(&[&preset(name)]), tenths, "{name}");
        }
        let beacon = SeedForm::Beacon {
            beacon: "drand".into(),
            round: 1,
            date: "2026-12-01".into(),
            bytes: 32,
        };
        assert_eq!(entropy_tenths(&[&beacon]), 2560);
        let text = SeedForm::Text {
            event: "e".into(),
            place: "p".into(),
            date: "2026-12-01".into(),
        };
        assert_eq!(entropy_tenths(&[&text]), 0);
        // Two 3D draws: 10^6 outcomes, 19.9 bits.
        assert_eq!(entropy_tenths(&[&preset("福彩3D"), &preset("排列3")]), 199);
    }

    #[test]
    fn a_published_result_has_one_value() {
        let f = preset("福彩3D");
        for typed in [
            "3 0 7",
            "3,0,7",
            "lottery:3 0 7",
            "lottery：3 0 7",
            "３ ０ ７",
            "03 00 07",
        ] {
            assert_eq!(f.read(typed).unwrap().value, "3.0.7./", "{typed}");
        }
        for refused in [
            "307",
            "3 0 7 9",
            "lottery-unordered:3 0 7",
            "text:3 0 7",
            "3 0 10",
            "3 O 7",
            "",
        ] {
            let e = f.read(refused).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidSeed, "{refused}");
            assert!(
                e.message().contains("福彩3D 第2026318期"),
                "{refused}: {}",
                e.message()
            );
            assert!(e.message_zh().contains("公告写明"), "{refused}");
        }
        let s = preset("双色球");
        assert_eq!(
            s.read("03 09 12 20 27 33 + 07").unwrap().value,
            "3.9.12.20.27.33./7./"
        );
        assert_eq!(
            s.read("33 27 20 12 9 3 7").unwrap().value,
            "3.9.12.20.27.33./7./"
        );
        assert!(s.read("03 03 12 20 27 33 + 07").is_err());
        assert!(s.read("03 09 12 20 27 33 + 17").is_err());
        assert_eq!(
            s.read("3 9 12 20 27 33 + 7").unwrap().shown(),
            "03 09 12 20 27 33 + 07"
        );
        assert!(s.fits(SeedKind::Lottery, "3.9.12.20.27.33./7./"));
        assert!(!s.fits(SeedKind::Lottery, "9.3.12.20.27.33./7./"));
        assert!(!f.fits(SeedKind::Lottery, "307./"));
    }

    #[test]
    fn beacons_need_their_length() {
        let b = SeedForm::Beacon {
            beacon: "drand quicknet".into(),
            round: 7,
            date: "2026-12-01".into(),
            bytes: 4,
        };
        assert_eq!(b.read("0xAB CD 01 23").unwrap().value, "abcd0123");
        assert!(b.read("abcd").is_err());
    }

    #[test]
    fn unannounced_sources_need_a_kind() {
        assert!(SeedSource::parse_unannounced("3 0 7").is_err());
        let s = SeedSource::parse_unannounced("lottery:3 0 7").unwrap();
        assert_eq!((s.value.as_str(), s.form.clone()), ("3.0.7./", Some(None)));
        assert_eq!(s.shown(), "3 0 7");
    }
}
