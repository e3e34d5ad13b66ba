//! What a regulator publishes after a draw (一公开): the result table for
//! Excel (抽查结果, [`result_csv`]) and the printable public notice
//! (抽查结果公告, [`notice_html`]).
//!
//! Both are pure functions of a [`DrawRecord`]: they read no file and no
//! clock, so the command line and the browser page produce the same bytes
//! from the same record. Everything a reader needs to check the draw (the
//! seed, the digests, the draw key) comes from the record itself.

mod command;
pub(crate) mod csv;
pub mod xlsx;

pub use command::{ReadingFlags, VerifyCommand};

use crate::record::{DrawRecord, Drawn, Role};
use crate::spec::seed::SeedKind;
use std::borrow::Cow;
use std::fmt::Write as _;

fn stratum_name<'a>(record: &'a DrawRecord, d: &Drawn) -> Cow<'a, str> {
    record.strata.get(d.stratum as usize).map_or_else(
        || Cow::Owned(d.stratum.to_string()),
        |s| Cow::Borrowed(s.name.as_str()),
    )
}

/// The drawn entities with their teams as CSV, for Excel (抽查结果).
///
/// UTF-8 with a byte-order mark (without it, Chinese Excel reads the file
/// as GBK and shows garbage), CRLF line ends, Chinese headers, one row per
/// drawn entity in draw order. Team members after the leader share the
/// 组员 columns, joined with `、`. Cells that a spreadsheet would take for
/// a formula are prefixed with `'`.
///
/// Columns: 序号, 分层, 分层内序号, 统一社会信用代码, 企业名称, 检查组长,
/// 组长执法证号, 组长单位, 组员, 组员执法证号, 组员单位, 抽签值 (the
/// entity's ticket, SPEC.md §8).
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let csv = shuangsui::result_csv(&demo.record);
/// assert!(csv.starts_with("\u{feff}序号,分层,"));
/// assert_eq!(csv.lines().count(), demo.record.draws.len() + 1);
/// ```
pub fn result_csv(record: &DrawRecord) -> String {
    let mut out = String::new();
    out.reserve(record.draws.len() * 300 + 256);
    // Never spills: the whole table stays in `out`.
    let _ = result_csv_with(record, &mut out, &mut |_| Ok(()));
    out
}

/// An exclusion list (排除名单, SPEC §4) as a CSV file that reads back as
/// one: the header `统一社会信用代码`, then one id a line, written by the
/// same cell writer as the result table.
///
/// # Example
/// ```
/// let csv = shuangsui::exclusions_csv(["91350100M000100Y43"]);
/// assert_eq!(csv, "统一社会信用代码\n91350100M000100Y43\n");
/// ```
pub fn exclusions_csv<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("统一社会信用代码\n");
    for id in ids {
        csv::cell(&mut out, id);
        out.push('\n');
    }
    out
}

/// Writes [`result_csv`]'s bytes to `w` a megabyte at a time, without
/// holding the whole table (at provincial scale, tens of megabytes).
///
/// # Errors
/// Those of `w`.
pub fn write_result_csv(record: &DrawRecord, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::with_capacity(SPILL + 4096);
    result_csv_with(record, &mut out, &mut |out| spill(out, w, SPILL))?;
    spill(&mut out, w, 0)
}

/// Text built in `out` and handed to `w` whenever it reaches `at` bytes.
const SPILL: usize = 1 << 20;

fn spill(out: &mut String, w: &mut dyn std::io::Write, at: usize) -> std::io::Result<()> {
    if out.len() >= at {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// The result table's text, built in `out`; `spill` is called after each
/// row and may move the text built so far elsewhere.
fn result_csv_with(
    record: &DrawRecord,
    out: &mut String,
    spill: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
) -> std::io::Result<()> {
    out.push('\u{feff}');
    csv::row(out, RESULT_COLUMNS);
    for (n, d) in record.draws.iter().enumerate() {
        let row = result_row(record, n, d);
        csv::row(out, &row);
        spill(out)?;
    }
    Ok(())
}

/// The columns of the result table (see [`result_csv`]).
pub const RESULT_COLUMNS: [&str; 12] = [
    "序号",
    "分层",
    "分层内序号",
    "统一社会信用代码",
    "企业名称",
    "检查组长",
    "组长执法证号",
    "组长单位",
    "组员",
    "组员执法证号",
    "组员单位",
    "抽签值",
];

/// The result table (抽查结果): [`RESULT_COLUMNS`] and one row per drawn
/// entity in draw order. [`result_csv`] and the Excel result write exactly
/// this.
pub fn result_table(record: &DrawRecord) -> ([&'static str; 12], Vec<Vec<String>>) {
    let rows = record
        .draws
        .iter()
        .enumerate()
        .map(|(n, d)| {
            result_row(record, n, d)
                .into_iter()
                .map(Cow::into_owned)
                .collect()
        })
        .collect();
    (RESULT_COLUMNS, rows)
}

/// One row of the result table, borrowing the record's text where it can.
pub(crate) fn result_row<'a>(record: &'a DrawRecord, n: usize, d: &'a Drawn) -> [Cow<'a, str>; 12] {
    let leader = d.team.iter().find(|m| m.role == Role::Leader);
    let join = |f: &dyn Fn(&'a crate::record::TeamMember) -> &'a str| -> Cow<'a, str> {
        let mut members = d.team.iter().filter(|m| m.role != Role::Leader);
        match (members.next(), members.clone().next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(m), None) => Cow::Borrowed(f(m)),
            (Some(m), Some(_)) => Cow::Owned(
                std::iter::once(m)
                    .chain(members)
                    .map(f)
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        }
    };
    [
        Cow::Owned((n + 1).to_string()),
        stratum_name(record, d),
        Cow::Owned(d.position.to_string()),
        Cow::Borrowed(&d.entity.id),
        Cow::Borrowed(&d.entity.name),
        Cow::Borrowed(leader.map_or("", |m| &m.name)),
        Cow::Borrowed(leader.map_or("", |m| &m.id)),
        Cow::Borrowed(leader.map_or("", |m| &m.department)),
        join(&|m| &m.name),
        join(&|m| &m.id),
        join(&|m| &m.department),
        Cow::Borrowed(&d.ticket),
    ]
}

/// Escapes text for HTML element content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// [`esc`], appended to `out`.
fn esc_into(out: &mut String, s: &str) {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn ratio_text(ppm: Option<u64>, count: Option<u64>) -> String {
    match (ppm, count) {
        (_, Some(c)) => format!("{c} 户"),
        (Some(p), None) => {
            let whole = p / 10_000;
            let frac = p % 10_000;
            if frac == 0 {
                format!("不少于 {whole}%")
            } else {
                let f = format!("{frac:04}");
                format!("不少于 {whole}.{}%", f.trim_end_matches('0'))
            }
        }
        (None, None) => String::new(),
    }
}

fn seed_kind(kind: SeedKind) -> &'static str {
    match kind {
        SeedKind::Text => "公开宣读的文字",
        SeedKind::Lottery => "彩票开奖号码",
        SeedKind::Beacon => "随机信标",
    }
}

const NOTICE_CSS: &str = "
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif; font-size: 11pt;
       line-height: 1.6; color: #000; max-width: 178mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 4mm; font-weight: bold; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
p { margin: 2mm 0; text-indent: 2em; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: bold; }
td.num, th.num { text-align: right; }
table.list { table-layout: fixed; }
.sub { display: block; font-size: 8.5pt; color: #333; }
.id { font-family: \"Consolas\", \"DejaVu Sans Mono\", monospace; font-size: 8.5pt; white-space: nowrap; }
.hash, code { font-family: \"Consolas\", \"DejaVu Sans Mono\", monospace; font-size: 8.5pt; word-break: break-all; }
dl { display: grid; grid-template-columns: 34mm 1fr; gap: 0.5mm 3mm; margin: 2mm 0; }
dt { font-weight: bold; } dd { margin: 0; }
pre { white-space: pre-wrap; word-break: break-all; border: 1px solid #999; padding: 2mm; font-size: 9pt; }
.foot { margin-top: 8mm; font-size: 9pt; color: #333; text-indent: 0; }
.place { text-indent: 0; margin-top: 6mm; }
.blank { display: inline-block; min-width: 100mm; border-bottom: 1px solid #000; }
.sign { text-indent: 0; text-align: right; margin: 10mm 0 0; page-break-inside: avoid; }
@media print { h2 { page-break-after: avoid; } }
";

/// The public notice of the result (抽查结果公告) as a self-contained,
/// printable HTML page (A4).
///
/// It states the task, the counts per stratum, the drawn entities with
/// their teams, the seed sources and every digest, and how anyone can
/// check the draw (`shuangsui verify`, an independent implementation such
/// as `seeds/verify.py`, and SPEC.md). All text from the record is
/// HTML-escaped; the page loads nothing from elsewhere.
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let html = shuangsui::notice_html(&demo.record);
/// assert!(html.contains("抽查结果公告"));
/// assert!(html.contains(&demo.record.record_digest));
/// ```
pub fn notice_html(record: &DrawRecord) -> String {
    let mut h = String::new();
    h.reserve(record.draws.len() * 360 + 16384);
    // Never spills: the whole notice stays in `h`.
    let _ = notice_html_with(record, &mut h, &mut |_| Ok(()));
    h
}

/// Writes [`notice_html`]'s bytes to `w` a megabyte at a time, without
/// holding the whole notice.
///
/// # Errors
/// Those of `w`.
pub fn write_notice_html(record: &DrawRecord, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut h = String::with_capacity(SPILL + 4096);
    notice_html_with(record, &mut h, &mut |h| spill(h, w, SPILL))?;
    spill(&mut h, w, 0)
}

/// The notice's text, built in `h`; `spill` is called after each drawn
/// entity's row and may move the text built so far elsewhere.
fn notice_html_with(
    record: &DrawRecord,
    h: &mut String,
    spill: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let t = &record.task;
    let drawn = record.draws.len();
    let population: u64 = record.strata.iter().map(|s| s.population).sum();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} 抽查结果公告</title>\n<style>{NOTICE_CSS}</style>\n</head>\n<body>\n",
        esc(&t.name)
    );
    let _ = writeln!(h, "<h1>{}<br>抽查结果公告</h1>", esc(&t.name));
    let departments = if t.departments.is_empty() {
        "本机关".to_string()
    } else {
        t.departments.join("、")
    };
    let _ = writeln!(
        h,
        "<p>根据“双随机、一公开”监管工作要求，{}于{}{}，从检查对象名录库（{} 户）中随机抽取检查对象 {} 户，并从执法检查人员名录库（{} 人）中随机匹配执法检查人员组成检查组。抽取结果公告如下。</p>",
        esc(&departments),
        esc(&date_zh(&t.draw_date)),
        if record.announcement_digest.is_some() {
            "按事先公告的公开随机种子"
        } else {
            "以公开随机种子（本次抽取未经事先公告）"
        },
        record.entities.count,
        drawn,
        record.inspectors.count
    );

    task_section(h, t, &departments);

    h.push_str("<h2>二、分层抽取情况</h2>\n<table>\n<thead><tr><th>分层</th><th>抽取比例</th><th class=\"num\">主体数</th><th class=\"num\">排除</th><th class=\"num\">可抽取</th><th class=\"num\">抽取</th></tr></thead>\n<tbody>\n");
    for (s, o) in t.strata.iter().zip(&record.strata) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&o.name),
            esc(&ratio_text(s.ratio_ppm, s.count)),
            o.population,
            o.excluded,
            o.eligible,
            o.quota
        );
    }
    let excluded: u64 = record.strata.iter().map(|s| s.excluded).sum();
    let eligible: u64 = record.strata.iter().map(|s| s.eligible).sum();
    let _ = writeln!(
        h,
        "<tr><th>合计</th><th></th><th class=\"num\">{population}</th><th class=\"num\">{excluded}</th><th class=\"num\">{eligible}</th><th class=\"num\">{drawn}</th></tr>\n</tbody>\n</table>"
    );
    // The keys and thresholds, so that an entity can check itself from
    // this notice alone (SPEC §13.3).
    h.push_str("<p>各分层的分层密钥与阈值（供企业自行核对是否应被抽中，见第六部分）：抽签值不大于阈值的企业被抽中。</p>\n<table class=\"keys\">\n<colgroup><col style=\"width:24%\"><col style=\"width:38%\"><col style=\"width:38%\"></colgroup>\n<thead><tr><th>分层（适用企业）</th><th>分层密钥</th><th>阈值（最大的被抽中抽签值）</th></tr></thead>\n<tbody>\n");
    for (n, o) in record.strata.iter().enumerate() {
        let words = t.strata.get(n).map(|s| s.condition_words().1);
        let _ = writeln!(
            h,
            "<tr><td>{}<span class=\"sub\">{}</span></td><td class=\"hash\">{}</td><td class=\"hash\">{}</td></tr>",
            esc(&o.name),
            esc(words.as_deref().unwrap_or("")),
            esc(&o.key),
            esc(o.threshold.as_deref().unwrap_or("（本分层未抽取任何企业）"))
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if record.unstratified > 0 {
        let _ = writeln!(
            h,
            "<p>另有 {} 户不属于任何分层，未参加抽取。</p>",
            record.unstratified
        );
    }
    if record.exclusions.count > 0 {
        let _ = writeln!(
            h,
            "<p>排除名单（如近 12 个月内已检查的主体）共 {} 户，不参加抽取。</p>",
            record.exclusions.count
        );
    }

    h.push_str("<h2>三、抽查名单及检查组</h2>\n<table class=\"list\">\n<colgroup><col style=\"width:7%\"><col style=\"width:13%\"><col style=\"width:22%\"><col style=\"width:22%\"><col style=\"width:18%\"><col style=\"width:18%\"></colgroup>\n<thead><tr><th class=\"num\">序号</th><th>分层</th><th>统一社会信用代码</th><th>企业名称</th><th>检查组长</th><th>组员</th></tr></thead>\n<tbody>\n");
    let person = |h: &mut String, m: &crate::record::TeamMember| {
        esc_into(h, &m.name);
        h.push_str("<span class=\"sub\">");
        esc_into(h, &m.id);
        if !m.department.is_empty() {
            h.push_str("<br>");
            esc_into(h, &m.department);
        }
        h.push_str("</span>");
    };
    for (n, d) in record.draws.iter().enumerate() {
        let _ = write!(h, "<tr><td class=\"num\">{}</td><td>", n + 1);
        esc_into(h, &stratum_name(record, d));
        h.push_str("</td><td class=\"id\">");
        esc_into(h, &d.entity.id);
        h.push_str("</td><td>");
        esc_into(h, &d.entity.name);
        h.push_str("</td><td>");
        for (i, m) in d.team.iter().filter(|m| m.role == Role::Leader).enumerate() {
            if i > 0 {
                h.push_str("<br>");
            }
            person(h, m);
        }
        h.push_str("</td><td>");
        for (i, m) in d.team.iter().filter(|m| m.role != Role::Leader).enumerate() {
            if i > 0 {
                h.push_str("<br>");
            }
            person(h, m);
        }
        h.push_str("</td></tr>\n");
        spill(h)?;
    }
    if record.draws.is_empty() {
        h.push_str("<tr><td colspan=\"6\">本次未抽取任何检查对象。</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");

    h.push_str("<h2>四、随机种子与数据摘要</h2>\n<table>\n<thead><tr><th>来源</th><th>种子</th><th>说明</th></tr></thead>\n<tbody>\n");
    for s in &record.seed.sources {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"hash\">{}</td><td>{}</td></tr>",
            seed_kind(s.kind),
            esc(&s.shown()),
            esc(if s.description.is_empty() {
                "（未经事先公告）"
            } else {
                &s.description
            })
        );
    }
    h.push_str("</tbody>\n</table>\n<dl>\n");
    let mut digest = |k: &str, v: &str| {
        let _ = writeln!(h, "<dt>{}</dt><dd class=\"hash\">{}</dd>", esc(k), esc(v));
    };
    digest("协议版本", &record.protocol);
    digest("任务摘要", &record.task_digest);
    digest(
        "检查对象名录库",
        &format!(
            "{} 户，摘要 {}",
            record.entities.count, record.entities.digest
        ),
    );
    digest(
        "执法检查人员名录库",
        &format!(
            "{} 人，摘要 {}",
            record.inspectors.count, record.inspectors.digest
        ),
    );
    digest(
        "排除名单",
        &format!(
            "{} 户，摘要 {}",
            record.exclusions.count, record.exclusions.digest
        ),
    );
    digest("随机种子摘要", &record.seed.digest);
    digest(
        "抽查公告摘要",
        record
            .announcement_digest
            .as_deref()
            .unwrap_or("（未经事先公告）"),
    );
    digest("抽取密钥", &record.draw_key);
    digest("抽取记录摘要", &record.record_digest);
    h.push_str("</dl>\n");

    h.push_str("<h2>五、本次抽取能证明什么</h2>\n");
    for p in crate::record::verify::trust_statement_zh(record) {
        let _ = writeln!(h, "<p>{}</p>", esc(&p));
    }

    h.push_str("<h2>六、如何核验</h2>\n");
    h.push_str("<p>本公告文件（notice.html）内含完整的抽取记录，可以代替抽取记录（record.json）使用。任何人都可以取得本公告文件和两个名录库");
    if record.announcement_digest.is_some() {
        h.push_str("以及抽查公告（announcement.json）");
    }
    h.push_str("，自行重算并与本公告比对。无需安装：用浏览器打开离线网页 shuangsui.html，在“核验”页放入这些文件即可；也可以使用命令行：</p>\n");
    let cmd = VerifyCommand::for_record(record, "").to_string();
    let _ = writeln!(h, "<pre>{}</pre>", esc(&cmd));
    let _ = writeln!(h, "<p>结果一致时报告“核验通过”；不一致时用文字指出第一处差异；最后列出本次核验证明了什么、还需人工核对什么。核验不必信任本程序：抽取算法在 SPEC.md（本次为协议 {}）中逐字节公开，seeds/verify.py 是按该文档另行独立编写的程序，任何人也可以自行编写程序重算。</p>", esc(&record.protocol));
    h.push_str("<p>企业自查：企业只凭本公告文件和本企业的统一社会信用代码即可自查，不需要名录库。用浏览器打开离线网页 shuangsui.html，在“核验”页的“企业自查”处放入本公告文件，填写统一社会信用代码，点击“自查”。网页按第二部分各分层的分层密钥算出本企业的抽签值，逐层与阈值比较：不大于阈值且名单中列出本企业，即为被抽中；大于阈值，即未被抽中。企业不必知道本企业属于哪个分层（如信用风险等级），网页会逐层说明。抽签值的算法为 SHA-256（分层密钥的 32 字节 ‖ 统一社会信用代码），见 SPEC.md 第 13.3 节。</p>\n");
    signature(h, record);
    let _ = writeln!(
        h,
        "<p class=\"foot\">本公告由 shuangsui 根据抽取记录生成。抽取记录摘要：<span class=\"hash\">{}</span></p>",
        esc(&record.record_digest)
    );
    embed_record(h, record, spill)?;
    h.push_str("</body>\n</html>\n");
    Ok(())
}

/// The notice's place of publication, left to fill in by hand, and its
/// 落款: the departments of the task and the draw date in Chinese form.
/// The place is not in the record, so it is not printed from it: the
/// notice stays a function of the record alone, the same bytes from the
/// command line, the page and anyone who makes it again from record.json.
fn signature(h: &mut String, record: &DrawRecord) {
    h.push_str("<p class=\"place\">公示网址或地点：<span class=\"blank\"></span><span class=\"sub\">（发布时填写本公告公开发布的网址或张贴地点）</span></p>\n");
    let t = &record.task;
    h.push_str("<p class=\"sign\">");
    if t.departments.is_empty() {
        // The task does not name its departments: left for the stamp.
        h.push_str(
            "<span class=\"blank\"></span><span class=\"sub\">（抽查机关名称并盖章）</span>",
        );
    } else {
        for (i, d) in t.departments.iter().enumerate() {
            if i > 0 {
                h.push_str("<br>");
            }
            esc_into(h, d);
        }
    }
    let _ = writeln!(h, "<br>{}</p>", esc(&date_zh(&t.draw_date)));
}

/// A date `2026-12-01` as written in Chinese documents: 2026年12月1日.
fn date_zh(date: &str) -> String {
    match crate::calendar::Date::parse(date) {
        Ok(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Err(_) => date.to_string(),
    }
}

/// The record itself, at the end of the notice, as the published
/// record.json with every `<` written `\u003c` (which JSON reads back as
/// `<`), so that no text in it can end the element: an inert data block,
/// which [`crate::record_json`] finds again. Streamed, as the notice is.
fn embed_record(
    h: &mut String,
    record: &DrawRecord,
    spill: &mut dyn FnMut(&mut String) -> std::io::Result<()>,
) -> std::io::Result<()> {
    h.push_str(crate::record::NOTICE_RECORD_OPEN);
    h.push('\n');
    let mut w = Embed {
        h,
        spill,
        pending: Vec::new(),
    };
    record.write_json_pretty(&mut w)?;
    let Embed { h, pending, .. } = w;
    // The record is UTF-8 throughout; nothing is left over.
    h.push_str(&String::from_utf8_lossy(&pending));
    h.push_str("</script>\n");
    Ok(())
}

/// Appends JSON bytes to the notice's text, `<` written `\u003c`; a
/// character split between two writes waits in `pending`.
struct Embed<'a, 'b> {
    h: &'a mut String,
    spill: &'b mut dyn FnMut(&mut String) -> std::io::Result<()>,
    pending: Vec<u8>,
}

impl std::io::Write for Embed<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.pending[..whole]).unwrap_or_default();
        for (i, part) in text.split('<').enumerate() {
            if i > 0 {
                self.h.push_str("\\u003c");
            }
            self.h.push_str(part);
        }
        self.pending.drain(..whole);
        (self.spill)(self.h)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Section 一 of the notice and the announcement: the task in words.
fn task_section(h: &mut String, t: &crate::spec::task::Task, departments: &str) {
    h.push_str("<h2>一、抽查任务</h2>\n<dl>\n");
    let mut item = |k: &str, v: &str| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    };
    item("任务名称", &t.name);
    item("抽查事项", &t.item);
    item("抽取日期", &t.draw_date);
    item("实施部门", departments);
    if !t.fields.is_empty() {
        item("执法领域", &t.fields.join("、"));
    }
    let mut team = format!("每组 {} 人，第一人为组长", t.team.size);
    if !t.team.per_department.is_empty() {
        let parts: Vec<String> = t
            .team
            .per_department
            .iter()
            .map(|d| format!("{} {} 人", d.department, d.count))
            .collect();
        let _ = write!(team, "；跨部门联合检查：{}", parts.join("，"));
    }
    if let Some(cap) = t.team.max_per_inspector {
        let _ = write!(team, "；每人至多参加 {cap} 个检查组");
    }
    if !t.team.avoid_same.is_empty() {
        let parts: Vec<String> = t
            .team
            .avoid_same
            .iter()
            .map(|a| {
                if a.entity == a.inspector {
                    a.entity.clone()
                } else {
                    format!("{}/{}", a.entity, a.inspector)
                }
            })
            .collect();
        let _ = write!(team, "；异地交叉检查（{}不同）", parts.join("、"));
    }
    if !t.team.conflicts.is_empty() {
        let _ = write!(team, "；回避关系 {} 对", t.team.conflicts.len());
    }
    item("检查组", &team);
    h.push_str("</dl>\n");
}

/// The announcement (抽查公告, SPEC §12) as a printable page, to post
/// before the seed exists: the task, the digests, the exact seed sources and
/// how they will be written, the entropy, and why it must come first.
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let html = shuangsui::announcement_html(&demo.announcement);
/// assert!(html.contains("抽查公告"));
/// assert!(html.contains("福彩3D 第2026318期"));
/// assert!(html.contains(&demo.announcement.announcement_digest));
/// ```
pub fn announcement_html(a: &crate::record::Announcement) -> String {
    let t = &a.task;
    let mut h = String::new();
    let departments = if t.departments.is_empty() {
        "本机关".to_string()
    } else {
        t.departments.join("、")
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} 抽查公告</title>\n<style>{NOTICE_CSS}</style>\n</head>\n<body>\n",
        esc(&t.name)
    );
    let _ = writeln!(h, "<h1>{}<br>抽查公告</h1>", esc(&t.name));
    let published = a.published.as_deref().unwrap_or("（未写明）");
    let _ = writeln!(
        h,
        "<p>根据“双随机、一公开”监管工作要求，{}定于 {} 开展本次随机抽查。现于 {} 公告本次抽查的任务、所用名录库的摘要，以及随机种子的确切来源和写法。随机种子产生后，将严格按本公告抽取，并公告抽取结果。</p>",
        esc(&departments),
        esc(&t.draw_date),
        esc(published)
    );
    task_section(&mut h, t, &departments);
    h.push_str("<table>\n<thead><tr><th>分层</th><th>抽取比例或户数</th></tr></thead>\n<tbody>\n");
    for st in &t.strata {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&st.name),
            esc(&ratio_text(st.ratio_ppm, st.count))
        );
    }
    h.push_str("</tbody>\n</table>\n");

    h.push_str("<h2>二、随机种子的来源与写法</h2>\n<table>\n<thead><tr><th>顺序</th><th>来源</th><th>写法</th></tr></thead>\n<tbody>\n");
    for (i, line) in a.source_lines().iter().enumerate() {
        let (what, how) = line.split_once(" — ").unwrap_or((line.as_str(), ""));
        let _ = writeln!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            esc(what),
            esc(how)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let forms = a.forms();
    if !forms.is_empty() {
        let tenths = crate::spec::seed::entropy_tenths(&forms);
        let _ = writeln!(
            h,
            "<p>随机种子合计约 {} 比特的熵（可能结果的个数取以 2 为底的对数）。</p>",
            crate::spec::seed::entropy_text(tenths)
        );
        if tenths < 200 {
            h.push_str("<p><strong>注意：</strong>熵少于 20 比特，可能的结果不多：若有人能暗中重抽，只需不多的尝试就能得到中意的结果。采用多个相互独立的来源（例如再加一期彩票或一个随机信标）更为稳妥（RFC 3797 第4节）。</p>\n");
        }
    } else {
        h.push_str(
            "<p>本公告为协议 shuangsui-draw/1 的公告，只以文字说明种子来源，未固定其写法。</p>\n",
        );
    }

    h.push_str("<h2>三、名录库与排除名单的摘要</h2>\n<dl>\n");
    let mut digest = |k: &str, v: &str| {
        let _ = writeln!(h, "<dt>{}</dt><dd class=\"hash\">{}</dd>", esc(k), esc(v));
    };
    digest("协议版本", &a.protocol);
    digest("任务摘要", &a.task_digest);
    digest(
        "检查对象名录库",
        &format!("{} 户，摘要 {}", a.entities.count, a.entities.digest),
    );
    digest(
        "执法检查人员名录库",
        &format!("{} 人，摘要 {}", a.inspectors.count, a.inspectors.digest),
    );
    digest(
        "排除名单",
        &format!("{} 户，摘要 {}", a.exclusions.count, a.exclusions.digest),
    );
    digest("公告摘要", &a.announcement_digest);
    h.push_str("</dl>\n");

    h.push_str("<h2>四、为什么要先公告</h2>\n<p>抽取结果完全由抽查任务、两个名录库、排除名单和随机种子决定。本公告在随机种子产生之前发布，把前几项的摘要和种子的确切写法固定下来：种子产生之后，任何人（包括抽取单位）都无法再更改名录、任务，或换一种写法重新抽取而不被发现。摘要是文件内容的“指纹”，改动、增加或删除任何一行都会改变摘要。</p>\n");
    h.push_str("<p>抽取结果公告后，任何人都可以用本公告文件（announcement.json）、抽取记录和名录库，在离线网页 shuangsui.html 的“核验”页或用命令 shuangsui verify … --announcement announcement.json 核对：抽取所用的正是本公告固定的输入，随机种子也按本公告的写法读取。</p>\n");
    let _ = writeln!(
        h,
        "<p class=\"foot\">本公告由 shuangsui 生成，发布日期 {}。公告摘要：<span class=\"hash\">{}</span></p>\n</body>\n</html>",
        esc(published),
        esc(&a.announcement_digest)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{announce, draw, DrawInputs, EntityDirectory, Exclusions, InspectorDirectory};

    #[test]
    fn an_exclusion_list_written_reads_back_with_its_digest() {
        let list = Exclusions::from_ids(["91350100M000100Y43", "91652302MAYYDYBDX3"]).unwrap();
        let csv = exclusions_csv(list.ids());
        let back = Exclusions::from_csv(csv.as_bytes(), "exclusions.csv").unwrap();
        assert_eq!(
            back.ids().collect::<Vec<_>>(),
            list.ids().collect::<Vec<_>>()
        );
        assert_eq!(back.digest_hex(), list.digest_hex());
        assert_eq!(exclusions_csv([]), "统一社会信用代码\n");
    }

    #[test]
    fn several_members_share_the_member_columns_and_cells() {
        let mut r = crate::synth::demo().unwrap().record;
        let d = &mut r.draws[0];
        let mut second = d.team[1].clone();
        second.name = "古丽".into();
        second.id = "ZF9".into();
        second.department = String::new();
        d.team.push(second);
        let first = d.team[1].clone();
        let csv = result_csv(&r);
        let row = csv.lines().nth(1).unwrap();
        assert!(
            row.contains(&format!(
                ",{}、古丽,{}、ZF9,{}、,",
                first.name, first.id, first.department
            )),
            "{row}"
        );
        let (_, rows) = result_table(&r);
        assert_eq!(rows[0][8], format!("{}、古丽", first.name));
        assert_eq!(rows[1][8], r.draws[1].team[1].name);
        let html = notice_html(&r);
        assert!(
            html.contains(&format!(
            "{}<span class=\"sub\">{}<br>{}</span><br>古丽<span class=\"sub\">ZF9</span></td></tr>",
            first.name, first.id, first.department
        )),
            "{html}"
        );
    }

    fn record_with_names(entity_name: &str) -> DrawRecord {
        let entities = format!(
            "统一社会信用代码,企业名称\n91350100M000100Y43,\"{}\"\n91110000600037341L,普通公司\n",
            entity_name.replace('"', "\"\"")
        );
        let e = EntityDirectory::from_csv(entities.as_bytes(), "e.csv").unwrap();
        let i = InspectorDirectory::from_csv(
            "执法证号,姓名,部门\nZF1,王伟,局\nZF2,=HYPERLINK(\"x\"),局\n".as_bytes(),
            "i.csv",
        )
        .unwrap();
        let t = crate::TaskFile::parse(
            "name='<b>任务</b>'\nitem='检查'\ndraw_date=2026-01-01\n",
            "t.toml",
        )
        .unwrap();
        let x = Exclusions::none();
        let form = crate::SeedForm::Text {
            event: "<script>".into(),
            place: "会议室".into(),
            date: "2026-01-01".into(),
        };
        let a = announce(&t.task, &e, &i, &x, &[form], "2026-01-01").unwrap();
        draw(&DrawInputs {
            task: &t.task,
            entities: &e,
            inspectors: &i,
            exclusions: &x,
            seed: &crate::read_seed(&a, &["x".to_string()]).unwrap(),
            announcement: crate::Announced::By(&a),
        })
        .unwrap()
    }

    /// The notice says only what is true of its draw (SPEC §13.2).
    #[test]
    fn notices_say_what_the_draw_proves() {
        let demo = crate::synth::demo().unwrap();
        let announced = notice_html(&demo.record);
        assert!(announced.contains("按事先公告的公开随机种子"));
        assert!(announced.contains("福彩3D 第2026318期（2026-11-30 开奖）"));
        assert!(announced.contains("熵为 9.9 比特"));
        assert!(announced.contains("shuangsui.html"));
        assert!(announced.contains("--announcement announcement.json"));
        for s in &demo.record.strata {
            assert!(announced.contains(&s.key), "stratum key printed");
            if let Some(t) = &s.threshold {
                assert!(announced.contains(t.as_str()), "threshold printed");
            }
        }
        assert!(
            !announced.contains("reproduced"),
            "no English in the Chinese notice"
        );
        assert!(
            !announced.contains("(lottery)"),
            "no English in the Chinese notice"
        );
        assert!(
            !announced.contains("但未提供该公告"),
            "a verifier's line, not the notice's"
        );
        assert!(announced.contains("开奖号码应为 3 0 7"));
        // The same draw made without an announcement.
        let e = crate::EntityDirectory::from_csv(demo.entities_csv.as_bytes(), "e.csv").unwrap();
        let i =
            crate::InspectorDirectory::from_csv(demo.inspectors_csv.as_bytes(), "i.csv").unwrap();
        let t = crate::TaskFile::parse(&demo.task_toml, "task.toml").unwrap();
        let r = draw(&DrawInputs {
            task: &t.task,
            entities: &e,
            inspectors: &i,
            exclusions: &t.exclusions,
            seed: &[crate::SeedSource::parse_unannounced("lottery:3 0 7").unwrap()],
            announcement: crate::Announced::Unannounced,
        })
        .unwrap();
        let h = notice_html(&r);
        assert!(h.contains("本次抽取未经事先公告"));
        for claim in [
            "按事先公告",
            "以事先公告的",
            "在随机种子产生之前已经公告其摘要",
            "依据事先发布的抽查公告",
        ] {
            assert!(!h.contains(claim), "an unannounced notice claims {claim}");
        }
        assert!(!h.contains("--announcement"));
        let a = announcement_html(&demo.announcement);
        assert!(
            a.contains("第2026318期") && a.contains("3 个号码（0–9，按开出顺序）"),
            "{a}"
        );
        assert!(a.contains("熵少于 20 比特"));
    }

    #[test]
    fn html_escapes_everything() {
        let r = record_with_names("<img src=x onerror=alert(1)>");
        let h = notice_html(&r);
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!h.contains("<b>任务"));
        assert!(!h.contains("http"), "no external resources");
        // One script element: the inert record, whose text cannot end it.
        assert_eq!(h.matches("<script").count(), 1, "{h}");
        assert!(h.contains(crate::record::NOTICE_RECORD_OPEN));
        assert_eq!(h.matches("</script>").count(), 1);
        let inner = crate::record_json(&h).unwrap();
        assert!(!inner.contains('<'), "{inner}");
        assert!(inner.contains("\\u003cimg src=x onerror=alert(1)>"));
        assert_eq!(DrawRecord::from_published(&h).unwrap(), r);
    }

    /// The notice carries its record, so a company checks itself and a
    /// journalist verifies with the notice alone (SPEC §13.3); it ends with
    /// the place of publication and the 落款; its Chinese text has no
    /// English words.
    #[test]
    fn a_notice_carries_its_record_and_its_signature() {
        let demo = crate::synth::demo().unwrap();
        let h = notice_html(&demo.record);
        assert_eq!(DrawRecord::from_published(&h).unwrap(), demo.record);
        let inner = crate::record_json(&h).unwrap();
        assert_eq!(inner.trim(), demo.record.to_json_pretty().trim());
        assert!(h.contains("公示网址或地点："));
        let sign = &h[h.find("<p class=\"sign\">").unwrap()..];
        let sign = &sign[..sign.find("</p>").unwrap()];
        for d in &demo.record.task.departments {
            assert!(sign.contains(d.as_str()), "{sign}");
        }
        assert!(sign.ends_with("<br>2026年12月1日"), "{sign}");
        assert!(h.contains("于2026年12月1日按事先公告"));
        for s in &demo.record.task.strata {
            assert!(h.contains(&s.condition_words().1), "{}", s.name);
        }
        assert_eq!(date_zh("2026-01-09"), "2026年1月9日");
        // Without departments, a line for the authority and its stamp.
        let r = record_with_names("某公司");
        let h = notice_html(&r);
        assert!(h.contains("（抽查机关名称并盖章）"));
        assert!(h.contains("2026年1月1日</p>"));
    }

    #[test]
    fn streamed_outputs_are_the_same_bytes() {
        // Enough draws for several megabyte spills of each file.
        let mut record = crate::synth::demo().unwrap().record;
        let one = record.draws.clone();
        record.draws = (0..12_000).map(|i| one[i % one.len()].clone()).collect();
        let mut csv = Vec::new();
        write_result_csv(&record, &mut csv).unwrap();
        assert!(csv.len() > 2 * SPILL);
        assert_eq!(csv, result_csv(&record).into_bytes());
        let mut html = Vec::new();
        write_notice_html(&record, &mut html).unwrap();
        assert!(html.len() > 2 * SPILL);
        assert_eq!(html, notice_html(&record).into_bytes());
    }

    #[test]
    fn csv_is_bom_crlf_and_injection_safe() {
        let r = record_with_names("=cmd|' /C calc'!A0");
        let c = result_csv(&r);
        assert!(c.starts_with('\u{feff}'));
        assert!(c.ends_with("\r\n"));
        assert_eq!(c.matches("\r\n").count(), 3);
        assert!(c.contains("\"'=cmd|' /C calc'!A0\""), "{c}");
        assert!(c.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{c}");
        assert!(!c.contains(",=") && !c.contains(",\"="));
    }

    #[test]
    fn ratios_read_as_chinese() {
        assert_eq!(ratio_text(Some(30_000), None), "不少于 3%");
        assert_eq!(ratio_text(Some(25_000), None), "不少于 2.5%");
        assert_eq!(ratio_text(Some(1), None), "不少于 0.0001%");
        assert_eq!(ratio_text(None, Some(5)), "5 户");
    }
}
