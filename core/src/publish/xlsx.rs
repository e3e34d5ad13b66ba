//! Excel out: the draw result with its notice details, and the ledger
//! report, as `.xlsx` workbooks made for printing — column widths set, the
//! header row frozen and repeated on every printed page, A4 landscape
//! fitted to the page width, and codes stored as text so that Excel never
//! turns a 统一社会信用代码 into `9.14403E+17`.
//!
//! The workbooks carry a fixed creation date (the draw date, or the
//! ledger's "today"), so the same record gives the same bytes on every
//! machine, in the command line and in the browser.
//!
//! The ledger report goes through rust_xlsxwriter. The result workbook,
//! 300,000 rows at provincial scale, is written directly (`book`, `pack`):
//! the XML that rust_xlsxwriter writes in its constant-memory mode (strings
//! inline, two fixed cell styles), byte for byte, streamed from the record
//! row by row and deflated in pieces of fixed size on every core, then
//! packed into a zip with fixed timestamps: a third of a second on two
//! cores where rust_xlsxwriter took ten, in little more memory than the
//! file. `xlsx/tests.rs` compares it with rust_xlsxwriter's part by part.

use crate::calendar::{Date, LedgerReport};
#[cfg(test)]
use crate::publish::result_table;
use crate::publish::RESULT_COLUMNS;
use crate::record::DrawRecord;
use crate::{Error, ErrorKind, Result};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatBorder, IntoCustomDateTime, Workbook, Worksheet, XlsxError,
};

mod book;
mod pack;

use book::display_len;

fn xerr(e: XlsxError) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("could not write the Excel file: {e}"),
        format!("无法写出 Excel 文件：{e}"),
    )
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDE6F0))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
}

fn cell_format() -> Format {
    Format::new().set_border(FormatBorder::Thin)
}

/// A display width for a column: the widest cell, CJK characters counting
/// double, within sensible bounds.
fn width(texts: impl Iterator<Item = usize>) -> f64 {
    book::width(texts.max().unwrap_or(8)) as f64
}

fn properties(title: &str, date: &str) -> Result<DocProperties> {
    let when = ExcelDateTime::parse_from_str(date).map_err(xerr)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("shuangsui")
        .set_creation_datetime(&when))
}

/// Writes a table with a frozen, repeated header and fitted columns.
fn write_table(ws: &mut Worksheet, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let hf = header_format();
    let cf = cell_format();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &hf)
            .map_err(xerr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &cf)
                .map_err(xerr)?;
        }
    }
    #[allow(clippy::needless_range_loop)] // c indexes the header and every row
    for c in 0..header.len() {
        let w = width(
            std::iter::once(display_len(header[c]))
                .chain(rows.iter().map(|r| r.get(c).map_or(0, |v| display_len(v)))),
        );
        ws.set_column_width(c as u16, w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    ws.set_repeat_rows(0, 0).map_err(xerr)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    if !rows.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)
            .map_err(xerr)?;
    }
    Ok(())
}

/// The draw result as a workbook: sheet 抽查结果 (the table of
/// [`crate::result_csv`]) and sheet 公告信息 (task, counts per stratum,
/// seed, digests and how to check — the public notice's facts).
///
/// Written directly rather than through rust_xlsxwriter (see the module
/// notes): a provincial draw's 300,000 rows take a fraction of a second,
/// and the bytes are the same on any number of cores and in the browser.
///
/// # Errors
/// `Io` if the workbook cannot be written: a result of more rows than an
/// Excel sheet holds (1,048,575 besides the header) or a cell longer than
/// Excel's 32,767 characters (the CSV result has no such limits), or a
/// draw date that is not a date.
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let bytes = shuangsui::xlsx::result_xlsx(&demo.record).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn result_xlsx(record: &DrawRecord) -> Result<Vec<u8>> {
    result_xlsx_on(record, crate::parallel::threads())
}

/// [`result_xlsx`] on up to `threads` threads (the bytes do not depend on
/// the number).
fn result_xlsx_on(record: &DrawRecord, threads: usize) -> Result<Vec<u8>> {
    let created = creation_time(&record.task.draw_date)?;
    let facts = facts(record);
    let page_header = format!("&C{}", record.task.name.replace('&', "&&"));
    let sheets = [
        book::Sheet {
            name: "抽查结果",
            header: &RESULT_COLUMNS,
            rows: &ResultRows(record),
            page_header: Some(&page_header),
            page_footer: Some(FOOTER),
        },
        book::Sheet {
            name: "公告信息",
            header: &FACTS_HEADER,
            rows: &facts,
            page_header: None,
            page_footer: None,
        },
    ];
    let title = format!("抽查结果 {}", record.task.name);
    book::workbook(&sheets, &title, &created, threads)
}

/// The rows of [`crate::result_table`], made one at a time into the sheet
/// (see [`book::Rows`]) instead of held whole, from the same row function.
struct ResultRows<'a>(&'a DrawRecord);

impl book::Rows for ResultRows<'_> {
    fn count(&self) -> usize {
        self.0.draws.len()
    }

    fn width(&self) -> usize {
        RESULT_COLUMNS.len()
    }

    fn row(&self, n: usize, row: &mut book::Row) {
        if let Some(d) = self.0.draws.get(n) {
            for cell in crate::publish::result_row(self.0, n, d) {
                row.push(&cell);
            }
        }
    }
}

const FOOTER: &str = "&C第 &P 页 / 共 &N 页";
const FACTS_HEADER: [&str; 2] = ["项目", "内容"];

/// The workbook's creation time (W3CDTF) from a date, read as
/// rust_xlsxwriter reads it.
fn creation_time(date: &str) -> Result<String> {
    let when = ExcelDateTime::parse_from_str(date).map_err(xerr)?;
    Ok((&when).utc_datetime())
}

/// The rows of sheet 公告信息: the public notice's facts.
fn facts(record: &DrawRecord) -> Vec<Vec<String>> {
    let mut facts: Vec<Vec<String>> = vec![
        vec!["抽查任务".into(), record.task.name.clone()],
        vec!["抽查事项".into(), record.task.item.clone()],
        vec!["实施部门".into(), record.task.departments.join("、")],
        vec!["抽取日期".into(), record.task.draw_date.clone()],
        vec![
            "检查对象名录库".into(),
            format!(
                "{} 户，摘要 {}",
                record.entities.count, record.entities.digest
            ),
        ],
        vec![
            "执法检查人员名录库".into(),
            format!(
                "{} 人，摘要 {}",
                record.inspectors.count, record.inspectors.digest
            ),
        ],
        vec![
            "排除名单".into(),
            format!(
                "{} 户，摘要 {}",
                record.exclusions.count, record.exclusions.digest
            ),
        ],
    ];
    for s in &record.strata {
        facts.push(vec![
            format!("分层 {}", s.name),
            format!(
                "共 {} 户，排除 {} 户，可抽 {} 户，抽取 {} 户",
                s.population, s.excluded, s.eligible, s.quota
            ),
        ]);
    }
    for (i, s) in record.seed.sources.iter().enumerate() {
        let what = if s.description.is_empty() {
            s.kind.name().to_string()
        } else {
            s.description.clone()
        };
        facts.push(vec![
            format!("随机种子 {}", i + 1),
            format!("{what}：{}", s.shown()),
        ]);
    }
    for s in &record.strata {
        facts.push(vec![
            format!("分层 {} 的密钥与阈值", s.name),
            format!(
                "密钥 {}；阈值 {}",
                s.key,
                s.threshold.as_deref().unwrap_or("（未抽取）")
            ),
        ]);
    }
    facts.push(vec!["协议版本".into(), record.protocol.clone()]);
    facts.push(vec![
        "抽查公告摘要".into(),
        record
            .announcement_digest
            .clone()
            .unwrap_or_else(|| "本次抽取未经事先公告".into()),
    ]);
    facts.push(vec!["抽取密钥".into(), record.draw_key.clone()]);
    facts.push(vec!["抽取记录摘要".into(), record.record_digest.clone()]);
    for (i, p) in crate::record::verify::trust_statement_zh(record)
        .into_iter()
        .enumerate()
    {
        facts.push(vec![
            if i == 0 {
                "可信度说明".into()
            } else {
                String::new()
            },
            p,
        ]);
    }
    let command = crate::VerifyCommand {
        entities: "名录".into(),
        inspectors: "人员名录".into(),
        ..crate::VerifyCommand::for_record(record, "")
    };
    facts.push(vec![
        "如何核验".into(),
        format!(
            "用浏览器打开离线网页 shuangsui.html，在“核验”页载入 record.json、两个名录库{}；或用命令 {command}；也可按 SPEC.md 自行编写程序核验",
            if record.announcement_digest.is_some() { "和抽查公告" } else { "" },
        ),
    ]);
    facts
}

/// The ledger report (台账核查) as a workbook: the ledger's own columns,
/// then the report's, one row per case in urgency order, the status cell
/// coloured (red overdue, orange late, yellow due soon, green on time, grey
/// errors, blue waiting for a year's calendar).
///
/// # Errors
/// `Io` if the workbook cannot be assembled.
pub fn ledger_xlsx(report: &LedgerReport) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let today: Date = report.today;
    wb.set_properties(&properties("公示期限台账核查", &today.to_string())?);
    let (header, rows) = report.table();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let ws = wb.add_worksheet();
    ws.set_name("台账核查").map_err(xerr)?;
    ws.set_footer("&C第 &P 页 / 共 &N 页");
    write_table(ws, &header, &rows)?;
    let status_col = header.iter().rposition(|h| *h == "status");
    if let Some(sc) = status_col {
        for (r, row) in rows.iter().enumerate() {
            let colour = match row.get(sc).map(String::as_str) {
                Some("overdue") => 0xF4B6B6,
                Some("late") => 0xF8D3A8,
                Some("pending") => 0xFFF2B3,
                Some("on_time") => 0xC9E7C1,
                Some("calendar_missing") => 0xCFE2F3,
                _ => 0xDDDDDD,
            };
            let f = cell_format().set_background_color(Color::RGB(colour));
            for c in [sc - 1, sc] {
                ws.write_string_with_format(r as u32 + 1, c as u16, &row[c], &f)
                    .map_err(xerr)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// The blank inspection-results ledger of a draw (台账.xlsx, SPEC §16.8):
/// sheet 抽查结果台账 with [`crate::calendar::RESULTS_LEDGER_COLUMNS`], one
/// row per drawn entity, codes and certificate numbers stored as text, the
/// date columns formatted `yyyy-mm-dd`, and 检查结果 a dropdown of
/// [`crate::calendar::RESULT_CATEGORIES`] (another text gets a warning,
/// which the clerk may override; `shuangsui ledger` then reports the cell).
///
/// # Errors
/// `Io` if the workbook cannot be assembled (more rows than a sheet holds).
///
/// # Example
/// ```
/// let demo = shuangsui::synth::demo().unwrap();
/// let bytes = shuangsui::xlsx::results_ledger_xlsx(&demo.record).unwrap();
/// assert!(bytes.starts_with(b"PK"));
/// ```
pub fn results_ledger_xlsx(record: &DrawRecord) -> Result<Vec<u8>> {
    use crate::calendar::{RESULTS_LEDGER_COLUMNS, RESULTS_LEDGER_DRAW_COLUMNS, RESULT_CATEGORIES};
    let mut wb = Workbook::new();
    wb.set_properties(&properties(
        &format!("抽查结果台账 {}", record.task.name),
        &record.task.draw_date,
    )?);
    let rows = crate::calendar::results_ledger_table(record);
    let ws = wb.add_worksheet();
    ws.set_name("抽查结果台账").map_err(xerr)?;
    ws.set_footer(FOOTER);
    write_table(ws, &RESULTS_LEDGER_COLUMNS, &rows)?;
    let col = |h: &str| {
        RESULTS_LEDGER_COLUMNS
            .iter()
            .position(|c| *c == h)
            .unwrap_or(0) as u16
    };
    // The columns to fill in: wide enough to write in, dates as dates.
    let date = cell_format().set_num_format("yyyy-mm-dd");
    let last = rows.len() as u32;
    for (c, h) in RESULTS_LEDGER_COLUMNS
        .iter()
        .enumerate()
        .skip(RESULTS_LEDGER_DRAW_COLUMNS)
    {
        let c = c as u16;
        let is_date = h.ends_with("日期");
        let w = match *h {
            "检查结果" => 30.0,
            "后续处置" | "备注" => 24.0,
            _ => 14.0,
        };
        ws.set_column_width(c, w).map_err(xerr)?;
        let f = if is_date { date.clone() } else { cell_format() };
        for r in 1..=last {
            ws.write_blank(r, c, &f).map_err(xerr)?;
        }
    }
    if last > 0 {
        let names: Vec<&str> = RESULT_CATEGORIES.iter().map(|c| c.name).collect();
        let dv = DataValidation::new()
            .allow_list_strings(&names)
            .map_err(xerr)?
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("检查结果")
            .map_err(xerr)?
            .set_error_message(
                "请从下拉列表中选择检查结果；其他写法在台账核查时会被标为“数据有误”。",
            )
            .map_err(xerr)?;
        let c = col("检查结果");
        ws.add_data_validation(1, c, last, c, &dv).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// The results ledger report (抽查结果台账核查) as a workbook: sheet 台账核查
/// (the ledger's columns then the report's, status cells coloured), sheet
/// 统计 (the figures), and, with a record, sheet 名单核对 (the differences
/// from the draw, or a line saying there are none).
///
/// # Errors
/// `Io` if the workbook cannot be assembled.
pub fn results_report_xlsx(report: &crate::calendar::ResultsReport) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties("抽查结果台账核查", &report.today.to_string())?);
    let (header, rows) = report.table();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let ws = wb.add_worksheet();
    ws.set_name("台账核查").map_err(xerr)?;
    ws.set_footer(FOOTER);
    write_table(ws, &header, &rows)?;
    for name in ["结果公示状态", "处罚公示状态"] {
        let Some(sc) = header.iter().position(|h| *h == name) else {
            continue;
        };
        for (r, row) in rows.iter().enumerate() {
            let v = row[sc].as_str();
            let colour = if v.starts_with("逾期未公示") {
                0xF4B6B6
            } else if v.starts_with("逾期公示") {
                0xF8D3A8
            } else if v.starts_with("待公示") {
                0xFFF2B3
            } else if v == "按时公示" {
                0xC9E7C1
            } else {
                0xEEEEEE
            };
            let f = cell_format().set_background_color(Color::RGB(colour));
            ws.write_string_with_format(r as u32 + 1, sc as u16, v, &f)
                .map_err(xerr)?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("统计").map_err(xerr)?;
    write_table(
        ws,
        &crate::calendar::FIGURE_COLUMNS,
        &report.figures_table(),
    )?;
    if let Some(check) = &report.record_check {
        let ws = wb.add_worksheet();
        ws.set_name("名单核对").map_err(xerr)?;
        let mut lines: Vec<Vec<String>> =
            check.problems.iter().map(|p| vec![p.text_zh()]).collect();
        if lines.is_empty() {
            lines.push(vec![format!(
                "台账与抽取记录一致：抽中的 {} 户均在台账中且各出现一次，没有增加，检查组未改动",
                check.drawn
            )]);
        }
        write_table(ws, &["与抽取记录核对"], &lines)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

#[cfg(test)]
mod tests;
