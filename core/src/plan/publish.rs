//! What is published of a batch (SPEC §17.4): the visit list (检查安排) as
//! a table, CSV for Excel and a printable page, for the departments that
//! carry the visits out. Functions of the batch record alone.

use super::batch::{BatchAnnouncement, BatchRecord, Visit, VisitMember};
use crate::record::Role;

/// The columns of the visit list (see [`visits_table`]).
pub const VISIT_COLUMNS: [&str; 11] = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "抽查任务",
    "任务数",
    "检查组长",
    "组长执法证号",
    "组长单位",
    "组员",
    "组员执法证号",
    "组员单位",
];

fn task_names(b: &BatchRecord, v: &Visit) -> String {
    v.tasks
        .iter()
        .filter_map(|&t| b.tasks.get(t as usize).map(|t| t.name.as_str()))
        .collect::<Vec<_>>()
        .join("；")
}

/// The visit list: [`VISIT_COLUMNS`] and one row per visit, in the batch
/// record's order; an entity drawn by several tasks has one row, naming
/// every task, with the joint team (SPEC §17.4).
pub fn visits_table(b: &BatchRecord) -> Vec<Vec<String>> {
    b.visits
        .iter()
        .enumerate()
        .map(|(n, v)| {
            let leader = v.team.iter().find(|m| m.role == Role::Leader);
            let members: Vec<_> = v.team.iter().filter(|m| m.role != Role::Leader).collect();
            let joined = |f: &dyn Fn(&VisitMember) -> &str| {
                members.iter().map(|m| f(m)).collect::<Vec<_>>().join("、")
            };
            vec![
                (n + 1).to_string(),
                v.entity.id.clone(),
                v.entity.name.clone(),
                task_names(b, v),
                v.tasks.len().to_string(),
                leader.map(|m| m.name.clone()).unwrap_or_default(),
                leader.map(|m| m.id.clone()).unwrap_or_default(),
                leader.map(|m| m.department.clone()).unwrap_or_default(),
                joined(&|m| &m.name),
                joined(&|m| &m.id),
                joined(&|m| &m.department),
            ]
        })
        .collect()
}

/// The visit list as CSV (UTF-8 with a byte-order mark, which Chinese
/// Excel needs to read it as UTF-8).
pub fn visits_csv(b: &BatchRecord) -> String {
    let mut out = String::from('\u{feff}');
    crate::publish::csv::row(&mut out, VISIT_COLUMNS);
    for row in visits_table(b) {
        crate::publish::csv::row(&mut out, &row);
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The visit list as a printable page (批次检查安排): the batch, its seed,
/// what became of each task, and the table. Says only what the batch
/// record holds: a task that failed is named as failed.
pub fn visits_html(b: &BatchRecord) -> String {
    let mut h = String::new();
    let title = format!("{} · {} 检查安排", b.plan, b.batch);
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    h.push_str(&esc(&title));
    h.push_str("</title><style>body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2em;font-size:14px}table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}.failed{color:#a00}tr.joint td{background:#fff6cc}code{font-size:12px;word-break:break-all}@page{size:A4 landscape;margin:15mm}</style></head><body>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    let joint = b.visits.iter().filter(|v| v.tasks.len() > 1).count();
    let drawn: usize = b.visits.iter().map(|v| v.tasks.len()).sum();
    h.push_str(&format!(
        "<p>本批次共 {} 个抽查任务，各任务合计抽中 {drawn} 户次，涉及 {} 户检查对象，安排 {} 次检查。其中 {joint} 户被两个以上任务抽中，合并为一次联合检查（标为浅黄色），检查组由各任务抽取的检查人员合并组成，组长为第一个抽中该户的任务的组长。</p>\n",
        b.tasks.len(),
        b.visits.len(),
        b.visits.len(),
    ));
    let seed: Vec<String> = b
        .seed
        .sources
        .iter()
        .map(|s| format!("{} {}", s.description, s.shown()))
        .collect();
    h.push_str(&format!("<p>随机种子：{}</p>\n", esc(&seed.join("；"))));
    h.push_str("<h2>各抽查任务</h2>\n<table><tr><th>序号</th><th>抽查任务</th><th>结果</th><th>抽取记录摘要</th></tr>\n");
    for (i, t) in b.tasks.iter().enumerate() {
        let (result, digest) = match (&t.record_digest, &t.error) {
            (Some(d), _) => ("已抽取".to_string(), d.clone()),
            (None, e) => (
                format!(
                    "<span class=\"failed\">抽取失败（{}），未列入检查安排</span>",
                    esc(&error_zh(e.as_deref().unwrap_or("")))
                ),
                String::new(),
            ),
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            i + 1,
            esc(&t.name),
            result,
            esc(&digest)
        ));
    }
    h.push_str("</table>\n<h2>检查安排</h2>\n<table><tr>");
    for c in VISIT_COLUMNS {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("</tr>\n");
    for (row, v) in visits_table(b).into_iter().zip(&b.visits) {
        h.push_str(if v.tasks.len() > 1 {
            "<tr class=\"joint\">"
        } else {
            "<tr>"
        });
        for c in row {
            h.push_str(&format!("<td>{}</td>", esc(&c)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str(&format!(
        "</table>\n<p>批次公告摘要：<code>{}</code><br>批次抽取汇总摘要：<code>{}</code></p>\n<p>核验：shuangsui plan verify 本文件夹 --plan 抽查计划文件（每个任务的抽取记录也可用 shuangsui verify 单独核验）。</p>\n</body></html>\n",
        esc(&b.batch_announcement_digest),
        esc(&b.batch_digest)
    ));
    h
}

/// An error kind's name in words, for the page.
fn error_zh(kind: &str) -> String {
    crate::ErrorKind::ALL
        .iter()
        .find(|k| k.name() == kind)
        .map_or_else(|| kind.to_string(), |k| k.name_zh().to_string())
}

/// The visit list as a workbook: one sheet 检查安排 with
/// [`VISIT_COLUMNS`], codes stored as text, the header frozen, ready to
/// print in landscape.
///
/// # Errors
/// `Io` if the workbook cannot be assembled (a cell longer than Excel
/// allows).
pub fn visits_xlsx(b: &BatchRecord) -> crate::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| {
        crate::Error::new(
            crate::ErrorKind::Io,
            format!("the visit list workbook cannot be written: {e}"),
            format!("无法生成检查安排工作簿：{e}"),
        )
    };
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("检查安排").map_err(xerr)?;
    ws.set_landscape();
    ws.set_header(format!(
        "&C{} · {}",
        b.plan.replace('&', "&&"),
        b.batch.replace('&', "&&")
    ));
    ws.set_footer("&C第 &P 页 / 共 &N 页");
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in VISIT_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
        let width = match c {
            0 | 4 => 6.0,
            1 | 6 | 9 => 22.0,
            _ => 28.0,
        };
        ws.set_column_width(c as u16, width).map_err(xerr)?;
    }
    for (r, row) in visits_table(b).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, cell, &text)
                .map_err(xerr)?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}

/// The batch announcement as a printable page (批次抽查公告): the plan and
/// batch, the seed to come, and every task with its directories' digests
/// and its own announcement's digest. Each task's full announcement page
/// is in its own folder; this page is what to post first.
pub fn batch_announcement_html(a: &BatchAnnouncement) -> String {
    let title = format!("{} · {} 抽查公告", a.plan, a.batch);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    h.push_str(&esc(&title));
    h.push_str("</title><style>body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2em;font-size:14px}table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}code{font-size:12px;word-break:break-all}@page{size:A4 landscape;margin:15mm}</style></head><body>\n");
    h.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    let sources: Vec<String> = a.seed_sources.iter().map(|f| f.describe()).collect();
    h.push_str(&format!(
        "<p>本批次共 {} 个抽查任务，将以同一随机种子抽取：{}。本公告发布日期：{}。随机种子须在本公告发布之后产生；各任务、名录库摘要和种子形式以本公告为准，抽取时任何一项与本公告不符都会被拒绝。</p>\n",
        a.tasks.len(),
        esc(&sources.join("；")),
        esc(&a.published)
    ));
    h.push_str("<table><tr><th>序号</th><th>抽查任务</th><th>抽查事项</th><th>实施部门</th><th>检查对象名录库</th><th>执法检查人员名录库</th><th>任务公告摘要</th></tr>\n");
    for (i, t) in a.tasks.iter().enumerate() {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} 户<br><code>{}</code></td><td>{} 人<br><code>{}</code></td><td><code>{}</code></td></tr>\n",
            i + 1,
            esc(&t.task.name),
            esc(&t.task.item),
            esc(&t.task.departments.join("、")),
            t.entities.count,
            esc(&t.entities.digest),
            t.inspectors.count,
            esc(&t.inspectors.digest),
            esc(&t.announcement_digest)
        ));
    }
    h.push_str(&format!(
        "</table>\n<p>批次公告摘要：<code>{}</code></p>\n<p>每个任务的完整公告（分层、检查组规则、排除名单摘要）见其文件夹中的 announcement.html。</p>\n</body></html>\n",
        esc(&a.batch_announcement_digest)
    ));
    h
}
