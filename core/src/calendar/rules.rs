//! Named deadline rules (公示期限) with their legal basis.
//!
//! Each rule says how long the period is, which event of a case starts it,
//! and which provision sets it. The table is the one in
//! SPEC.md §16; a rule not in it is written as a custom period
//! (`7wd`, `7个工作日`, `30d`, `30日`).

use serde::Serialize;

use super::count::{Deadline, Period};
use super::date::Date;
use super::days::WorkingDayCalendar;
use crate::{Error, ErrorKind, Result};

/// The event of a case a period runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartEvent {
    /// The day the decision was made (作出决定之日, 决定日期).
    Decision,
    /// The day the decision took effect (决定生效之日, 生效日期).
    Effective,
    /// Another event named by the rule (a personnel change, a revocation,
    /// a draft's publication); in a case ledger, the decision date column.
    Event,
}

/// A deadline rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id (`penalty-publicity`); custom rules have ids like `7wd`.
    pub id: String,
    /// The Chinese name (`处罚结果公示`).
    pub name_zh: String,
    /// The English name.
    pub name_en: String,
    /// How long.
    pub period: Period,
    /// From which event.
    pub start: StartEvent,
    /// What the start event is, in words (`处罚决定生效之日`).
    pub start_label: String,
    /// True when the period is a minimum (征求意见 at least 7 working days):
    /// the due date is the earliest allowed end, not a latest date.
    pub minimum: bool,
    /// The provision that sets the period.
    pub basis: String,
}

struct Named {
    id: &'static str,
    zh: &'static str,
    en: &'static str,
    period: Period,
    start: StartEvent,
    start_label: &'static str,
    minimum: bool,
    basis: &'static str,
}

const NAMED: &[Named] = &[
    Named {
        id: "penalty-publicity",
        zh: "处罚结果公示",
        en: "publish penalty result",
        period: Period::WorkingDays(7),
        start: StartEvent::Effective,
        start_label: "处罚决定生效之日",
        minimum: false,
        basis: "阜康市2021年法治政府建设工作要点（十）：处罚结果在决定生效之日起7个工作日内向社会公示（谁抽查、谁公示）",
    },
    Named {
        id: "penalty-publicity-decision",
        zh: "处罚结果公示（自决定之日）",
        en: "publish penalty result (from decision)",
        period: Period::WorkingDays(7),
        start: StartEvent::Decision,
        start_label: "执法决定作出之日",
        minimum: false,
        basis: "国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见（国办发〔2018〕118号）：行政许可、行政处罚的执法决定信息在执法决定作出之日起7个工作日内公开",
    },
    Named {
        id: "inspection-results",
        zh: "抽查结果公示",
        en: "publish inspection results",
        period: Period::WorkingDays(20),
        start: StartEvent::Decision,
        start_label: "抽查检查结果产生之日",
        minimum: false,
        basis: "企业信息公示暂行条例（2024年修订）第六条：市场监督管理部门在履行职责过程中产生的企业信息自产生之日起20个工作日内予以公示",
    },
    Named {
        id: "penalty-info",
        zh: "行政处罚信息公示",
        en: "publish penalty information (national publicity system)",
        period: Period::WorkingDays(20),
        start: StartEvent::Decision,
        start_label: "行政处罚决定作出之日",
        minimum: false,
        basis: "企业信息公示暂行条例（2024年修订）第六条第一款第（四）项、第二款：行政处罚信息自产生之日起20个工作日内通过国家企业信用信息公示系统公示；市场监督管理行政处罚信息公示规定（市场监管总局令第45号）",
    },
    Named {
        id: "revocation-takedown",
        zh: "撤销后撤下",
        en: "take down a revoked decision",
        period: Period::WorkingDays(3),
        start: StartEvent::Event,
        start_label: "行政处罚决定被变更、撤销、确认违法或无效之日",
        minimum: false,
        basis: "市场监督管理行政处罚信息公示规定（市场监管总局令第45号）：行政处罚决定被依法变更、撤销、确认违法或者确认无效的，在三个工作日内撤下并说明理由",
    },
    Named {
        id: "personnel-change",
        zh: "执法人员变动报备",
        en: "report a change of enforcement staff",
        period: Period::NaturalDays(10),
        start: StartEvent::Event,
        start_label: "执法人员变动之日",
        minimum: false,
        basis: "阜康市2021年法治政府建设工作要点（八）：执法人员有变动的，行政执法机关应当在10日内报市司法局",
    },
    Named {
        id: "major-decision-filing",
        zh: "重大执法决定备案",
        en: "file a major enforcement decision",
        period: Period::NaturalDays(15),
        start: StartEvent::Decision,
        start_label: "作出行政执法行为决定之日",
        minimum: false,
        basis: "阜康市2021年法治政府建设工作要点（十三）：自作出重大行政执法行为决定之日起15日内报送备案",
    },
    Named {
        id: "judgment-report",
        zh: "生效裁判文书报备",
        en: "report an effective court judgment",
        period: Period::NaturalDays(30),
        start: StartEvent::Effective,
        start_label: "生效裁判文书发生法律效力之日",
        minimum: false,
        basis: "阜康市2021年法治政府建设工作要点（十五）：在生效裁判文书发生法律效力后的30个自然日内向市司法行政机关报备",
    },
    Named {
        id: "public-comment",
        zh: "征求意见",
        en: "public comment period (minimum)",
        period: Period::WorkingDays(7),
        start: StartEvent::Event,
        start_label: "征求意见稿公布之日",
        minimum: true,
        basis: "阜康市2021年法治政府建设工作要点（七）：行政规范性文件草案向社会公开征求意见，期限一般不得少于7个工作日",
    },
    Named {
        id: "quarterly-filing",
        zh: "发文目录季度报送",
        en: "quarterly filing of document lists",
        period: Period::QuarterlyBy10th,
        start: StartEvent::Event,
        start_label: "所在季度内任一日",
        minimum: false,
        basis: "阜康市2021年法治政府建设工作要点（七）：每季度结束后，即每年的4月10日、7月10日、10月10日及次年1月10日前向市司法局报送发文目录",
    },
];

impl Rule {
    fn from_named(n: &Named) -> Rule {
        Rule {
            id: n.id.to_string(),
            name_zh: n.zh.to_string(),
            name_en: n.en.to_string(),
            period: n.period,
            start: n.start,
            start_label: n.start_label.to_string(),
            minimum: n.minimum,
            basis: n.basis.to_string(),
        }
    }

    /// Every named rule, in the order of the table in the documentation.
    pub fn all() -> Vec<Rule> {
        NAMED.iter().map(Rule::from_named).collect()
    }

    /// The default rule of a case ledger: 处罚结果公示, 7 working days from
    /// the effective date.
    pub fn default_rule() -> Rule {
        Rule::from_named(&NAMED[0])
    }

    /// A custom rule of `n` working days from `start`.
    pub fn custom(period: Period, start: StartEvent) -> Rule {
        let (id, zh, en) = match period {
            Period::WorkingDays(n) => (
                format!("{n}wd"),
                format!("{n}个工作日"),
                format!("{n} working days"),
            ),
            Period::NaturalDays(n) => (format!("{n}d"), format!("{n}日"), format!("{n} days")),
            Period::QuarterlyBy10th => (
                "quarterly".to_string(),
                "季后10日前".to_string(),
                "by the 10th after the quarter".to_string(),
            ),
        };
        Rule {
            id,
            name_zh: zh,
            name_en: en,
            period,
            start,
            start_label: match start {
                StartEvent::Decision => "决定作出之日",
                StartEvent::Effective => "决定生效之日",
                StartEvent::Event => "起算日",
            }
            .to_string(),
            minimum: false,
            basis: "custom period (自定义期限)".to_string(),
        }
    }

    /// Finds a rule by id (`penalty-publicity`), Chinese or English name, or
    /// reads a custom period: `7wd`, `7个工作日`, `7工作日` (working days);
    /// `30d`, `30日`, `30天`, `30个自然日`, `30自然日` (natural days). The
    /// number may be written in full-width digits (`７个工作日`) or in
    /// Chinese numerals (`七个工作日`, `十五日`, `两个工作日`, `一百二十日`),
    /// as notices write it (SPEC §16.4). Custom periods run from the
    /// decision date.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] when the name is none of these; the
    /// message lists the rule ids.
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Period, Rule, StartEvent};
    /// let r = Rule::find("处罚结果公示")?;
    /// assert_eq!((r.period, r.start), (Period::WorkingDays(7), StartEvent::Effective));
    /// assert_eq!(Rule::find("30个自然日")?.period, Period::NaturalDays(30));
    /// assert_eq!(Rule::find("七个工作日")?.period, Period::WorkingDays(7));
    /// assert!(Rule::find("7 weeks").is_err());
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn find(name: &str) -> Result<Rule> {
        let key = name.trim();
        let folded: String = key
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '（' => '(',
                '）' => ')',
                _ => c,
            })
            .collect();
        for n in NAMED {
            let zh: String = n.zh.replace('（', "(").replace('）', ")");
            if folded.eq_ignore_ascii_case(n.id) || folded == zh || key.eq_ignore_ascii_case(n.en) {
                return Ok(Rule::from_named(n));
            }
        }
        let lower = folded.to_ascii_lowercase();
        if let Some((n, unit)) = leading_number(&lower) {
            let period = match unit {
                "wd" | "个工作日" | "工作日" => Some(Period::WorkingDays(n)),
                "d" | "日" | "天" | "个自然日" | "自然日" => Some(Period::NaturalDays(n)),
                _ => None,
            };
            if let Some(p) = period {
                if n == 0 {
                    return Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!("rule \"{key}\" has a period of 0 days; give at least 1"),
                        format!("规则“{key}”的期限为 0 日；请至少填 1"),
                    ));
                }
                return Ok(Rule::custom(p, StartEvent::Decision));
            }
        }
        let ids: Vec<&str> = NAMED.iter().map(|n| n.id).collect();
        Err(Error::new(
            ErrorKind::InvalidValue,
            format!(
                "unknown rule \"{key}\"; use one of {} (or its Chinese name), or a custom period such as 7wd / 7个工作日 or 30d / 30日",
                ids.join(", ")
            ), format!(
                "未知的规则“{key}”；请使用 {} 之一（或其中文名称），或自定义期限，如 7wd / 7个工作日、30d / 30日",
                ids.join("、")
            )))
    }

    /// The same rule counted from another event (e.g. 处罚结果公示 from the
    /// decision date instead of the effective date).
    pub fn starting_from(mut self, start: StartEvent) -> Rule {
        if self.start != start {
            self.start = start;
            self.start_label = match start {
                StartEvent::Decision => "决定作出之日",
                StartEvent::Effective => "决定生效之日",
                StartEvent::Event => "起算日",
            }
            .to_string();
        }
        self
    }
}

impl WorkingDayCalendar {
    /// The due date of `rule` for a period starting on `start`. For a
    /// minimum rule the result is the earliest allowed end.
    ///
    /// # Errors
    ///
    /// As for [`WorkingDayCalendar::deadline`].
    ///
    /// # Example
    ///
    /// ```
    /// use shuangsui::calendar::{Date, Rule, WorkingDayCalendar};
    /// let cal = WorkingDayCalendar::national()?;
    /// let rule = Rule::find("quarterly-filing")?;
    /// let d = cal.apply_rule(&rule, Date::parse("2026-08-20")?)?;
    /// assert_eq!(d.due.to_string(), "2026-10-10");
    /// // The filing for the fourth quarter falls in 2027, not yet covered.
    /// assert!(cal.apply_rule(&rule, Date::parse("2026-11-20")?).is_err());
    /// # Ok::<(), shuangsui::Error>(())
    /// ```
    pub fn apply_rule(&self, rule: &Rule, start: Date) -> Result<Deadline> {
        self.deadline(start, rule.period)
    }
}

/// The number a custom period starts with and the rest of the text: up to
/// five ASCII digits (full-width ones are folded before), or a number in
/// Chinese numerals below 10,000 (see [`chinese_number`]).
fn leading_number(s: &str) -> Option<(u32, &str)> {
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 {
        return (digits <= 5).then(|| (s[..digits].parse().unwrap_or(0), &s[digits..]));
    }
    let numeral = s.len() - s.trim_start_matches(|c| numeral_value(c).is_some()).len();
    // An empty numeral ("日" alone) is not a number.
    let n = chinese_number(&s[..numeral])?;
    Some((n, &s[numeral..]))
}

/// The value of one Chinese numeral character: digits 0–9 (with `〇`,
/// `两`) and the units 十, 百, 千 as 10, 100, 1000.
fn numeral_value(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

/// A number below 10,000 in Chinese numerals as written in a text: `七`,
/// `十五` (a leading 十 is 一十), `二十`, `一百零五`, `一百二十` (a unit
/// after the last digit is implied: 一百二 is 120), `两千`. None when the
/// text is empty or is not a well-formed numeral (units out of order,
/// two digits in a row other than a 零).
fn chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    // The unit of the last group written, and whether a 零 came after it.
    let mut last_unit = 10_000u32;
    let mut zero = false;
    for c in s.chars() {
        match numeral_value(c)? {
            0 => {
                if digit.is_some() {
                    return None;
                }
                zero = true;
            }
            d @ 1..=9 => {
                if digit.is_some() {
                    return None;
                }
                digit = Some(d);
            }
            unit => {
                if unit >= last_unit {
                    return None;
                }
                // 十 alone at the start means 一十.
                let d = digit
                    .take()
                    .unwrap_or(if total == 0 && unit == 10 { 1 } else { 0 });
                if d == 0 {
                    return None;
                }
                total += d * unit;
                last_unit = unit;
                zero = false;
            }
        }
    }
    if let Some(d) = digit {
        // 一百二 is 一百二十; after a 零 (一百零二) the digit is units.
        total += if zero || last_unit == 10_000 {
            d
        } else {
            d * last_unit / 10
        };
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_rule_is_found_by_id_and_name() {
        for r in Rule::all() {
            assert_eq!(Rule::find(&r.id).unwrap(), r);
            assert_eq!(Rule::find(&r.name_zh).unwrap(), r);
            assert_eq!(Rule::find(&r.name_en).unwrap(), r);
            assert!(!r.basis.is_empty());
        }
    }

    #[test]
    fn custom_periods() {
        assert_eq!(Rule::find("7wd").unwrap().period, Period::WorkingDays(7));
        assert_eq!(
            Rule::find("７个工作日").unwrap().period,
            Period::WorkingDays(7)
        );
        assert_eq!(Rule::find("15日").unwrap().period, Period::NaturalDays(15));
        assert_eq!(Rule::find("15 天").unwrap().period, Period::NaturalDays(15));
        assert_eq!(
            Rule::find("0wd").unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert_eq!(Rule::find("").unwrap_err().kind(), ErrorKind::InvalidValue);
    }

    /// Issue 15: "七个工作日" as a notice writes it is the same period as
    /// "7个工作日".
    #[test]
    fn chinese_numerals_in_custom_periods() {
        let wd = |s: &str| Rule::find(s).map(|r| r.period);
        assert_eq!(wd("七个工作日").unwrap(), Period::WorkingDays(7));
        assert_eq!(
            Rule::find("七个工作日").unwrap(),
            Rule::find("7个工作日").unwrap()
        );
        assert_eq!(wd("两个工作日").unwrap(), Period::WorkingDays(2));
        assert_eq!(wd("十五日").unwrap(), Period::NaturalDays(15));
        assert_eq!(wd("二十个工作日").unwrap(), Period::WorkingDays(20));
        assert_eq!(wd("三十天").unwrap(), Period::NaturalDays(30));
        assert_eq!(wd("十日").unwrap(), Period::NaturalDays(10));
        assert_eq!(wd("一百二十日").unwrap(), Period::NaturalDays(120));
        assert_eq!(wd("一百零五日").unwrap(), Period::NaturalDays(105));
        assert_eq!(wd("一百二日").unwrap(), Period::NaturalDays(120));
        assert_eq!(wd("二十一 个工作日").unwrap(), Period::WorkingDays(21));
        assert_eq!(wd("１５日").unwrap(), Period::NaturalDays(15));
        // Not numerals: errors, never a guess.
        for bad in [
            "日",
            "个工作日",
            "七七日",
            "十十日",
            "零日",
            "百十日",
            "七wd7",
            "一万日",
        ] {
            assert!(wd(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chinese_number_values() {
        let cases = [
            ("一", 1),
            ("九", 9),
            ("十", 10),
            ("十一", 11),
            ("二十", 20),
            ("二十五", 25),
            ("九十九", 99),
            ("一百", 100),
            ("一百零一", 101),
            ("一百一十", 110),
            ("一百一", 110),
            ("三百六十五", 365),
            ("两千", 2000),
            ("一千零一十", 1010),
            ("九千九百九十九", 9999),
        ];
        for (s, n) in cases {
            assert_eq!(chinese_number(s), Some(n), "{s}");
        }
        assert_eq!(chinese_number("零"), Some(0)); // a period of 0 is refused by find
        for bad in ["", "十百", "一二", "百", "千千", "一零"] {
            assert_eq!(chinese_number(bad), None, "{bad}");
        }
    }
}
