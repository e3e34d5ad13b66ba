//! The result workbook's XML parts, written directly.
//!
//! The parts are byte for byte what rust_xlsxwriter 0.102 writes for the
//! same workbook in its constant-memory mode (strings inline in the cells,
//! `t="inlineStr"`), which `tests.rs` checks part by part. What makes it
//! fast is what it leaves out: the two cell styles are constants (1 the
//! header, 2 a body cell), not formats hashed per cell, and the big sheet's
//! rows go straight from the table into XML in pieces of [`ROWS_PER_PIECE`]
//! rows, each deflated on whichever core is free (see [`super::pack`]).

use super::pack::{self, Deflater, Worker, Zip};
use crate::{Error, ErrorKind, Location, Result};

/// Rows of the sheet per deflated piece: about 2 MB of XML at 12 columns.
/// Fixed, so that the file never depends on the number of threads.
pub(super) const ROWS_PER_PIECE: usize = 2048;
/// Excel's limits: rows in a sheet (the header included), columns, and
/// UTF-16 units in a cell.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLS: usize = 16_384;
const MAX_CELL: usize = 32_767;
/// The header and footer strings' limit (rust_xlsxwriter drops a longer
/// one, as Excel would refuse it).
const MAX_HEADER: usize = 255;

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELATIONSHIPS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_RELATIONSHIPS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const THEME: &str = include_str!("theme1.xml");

/// The cell styles of `STYLES`: 1 the header (bold, fill DDE6F0, thin
/// border, wrapped), 2 a body cell (thin border).
const HEADER_STYLE: &[u8] = b"1";
const CELL_STYLE: &[u8] = b"2";
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    "<fonts count=\"2\"><font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/>",
    "<family val=\"2\"/><scheme val=\"minor\"/></font><font><b/><sz val=\"11\"/>",
    "<color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/>",
    "</font></fonts><fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>",
    "<fill><patternFill patternType=\"gray125\"/></fill><fill><patternFill patternType=\"solid\">",
    "<fgColor rgb=\"FFDDE6F0\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>",
    "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>",
    "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\">",
    "<color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top>",
    "<bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>",
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>",
    "</cellStyleXfs><cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" ",
    "borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" ",
    "xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\">",
    "<alignment wrapText=\"1\"/></xf><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" ",
    "borderId=\"1\" xfId=\"0\" applyBorder=\"1\"/></cellXfs><cellStyles count=\"1\">",
    "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/>",
    "<tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" ",
    "defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>"
);

/// The rows of a table below its header, made one at a time (the result
/// table is never held whole: at provincial scale it would take several
/// times the memory of the file).
pub(super) trait Rows: Sync {
    /// How many rows.
    fn count(&self) -> usize;
    /// The most cells a row has.
    fn width(&self) -> usize;
    /// Fills the empty `row` with the cells of row `i` (0-based).
    fn row(&self, i: usize, row: &mut Row);
}

impl Rows for Vec<Vec<String>> {
    fn count(&self) -> usize {
        self.len()
    }
    fn width(&self) -> usize {
        self.iter().map(Vec::len).max().unwrap_or(0)
    }
    fn row(&self, i: usize, row: &mut Row) {
        for cell in self.get(i).into_iter().flatten() {
            row.push(cell);
        }
    }
}

/// One row's cells, in one reused string.
#[derive(Default)]
pub(super) struct Row {
    text: String,
    ends: Vec<usize>,
}

impl Row {
    /// The next cell, as `write` writes it into the row's text.
    pub(super) fn cell(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }

    /// The next cell, `text`.
    pub(super) fn push(&mut self, text: &str) {
        self.cell(|t| t.push_str(text));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    pub(super) fn cells(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            // Every end was the text's length after a push: a boundary.
            let cell = self.text.get(start..end).unwrap_or_default();
            start = end;
            cell
        })
    }
}

/// One sheet: a table with a frozen header row that is repeated on every
/// printed page, an autofilter over it, fitted column widths, printed A4
/// landscape one page wide.
pub(super) struct Sheet<'a> {
    /// The sheet's name; it must need no quoting in a formula (no spaces
    /// or punctuation), as 抽查结果 and 公告信息.
    pub(super) name: &'static str,
    pub(super) header: &'a [&'a str],
    pub(super) rows: &'a dyn Rows,
    /// The printed page header and footer, in Excel's `&C…` codes.
    pub(super) page_header: Option<&'a str>,
    pub(super) page_footer: Option<&'a str>,
}

/// The workbook of `sheets` (the first one selected) with document title
/// `title`, author shuangsui and creation time `created` (W3CDTF, e.g.
/// `2026-12-01T00:00:00Z`), as `.xlsx` bytes; the sheets' pieces are
/// deflated on up to `threads` threads.
pub(super) fn workbook(
    sheets: &[Sheet],
    title: &str,
    created: &str,
    threads: usize,
) -> Result<Vec<u8>> {
    let mut zip = Zip::new();
    zip.whole(
        "[Content_Types].xml",
        content_types(sheets.len()).as_bytes(),
    )?;
    zip.whole("_rels/.rels", ROOT_RELS.as_bytes())?;
    zip.whole(
        "xl/_rels/workbook.xml.rels",
        workbook_rels(sheets.len()).as_bytes(),
    )?;
    zip.whole("xl/theme/theme1.xml", THEME.as_bytes())?;
    zip.whole("xl/styles.xml", STYLES.as_bytes())?;
    zip.whole("xl/workbook.xml", workbook_xml(sheets).as_bytes())?;
    for (i, sheet) in sheets.iter().enumerate() {
        write_sheet(&mut zip, sheet, i, threads)?;
    }
    zip.whole("docProps/core.xml", core_xml(title, created).as_bytes())?;
    zip.whole("docProps/app.xml", app_xml(sheets).as_bytes())?;
    zip.finish()
}

fn content_types(sheets: usize) -> String {
    let mut x = String::from(DECLARATION);
    x += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
<Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>";
    for i in 1..=sheets {
        x += &format!(
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        );
    }
    x += "</Types>";
    x
}

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

fn workbook_rels(sheets: usize) -> String {
    let mut x = format!("{DECLARATION}<Relationships xmlns=\"{PACKAGE_RELATIONSHIPS}\">");
    let rel = |id: usize, kind: &str, target: &str| {
        format!(
            "<Relationship Id=\"rId{id}\" Type=\"{RELATIONSHIPS}/{kind}\" Target=\"{target}\"/>"
        )
    };
    for i in 1..=sheets {
        x += &rel(i, "worksheet", &format!("worksheets/sheet{i}.xml"));
    }
    x += &rel(sheets + 1, "theme", "theme/theme1.xml");
    x += &rel(sheets + 2, "styles", "styles.xml");
    x += "</Relationships>";
    x
}

/// The autofilter range of a sheet (header and rows), if it has rows.
fn filter_range(sheet: &Sheet) -> Option<String> {
    let rows = sheet.rows.count();
    (rows > 0).then(|| {
        format!(
            "$A$1:${}${}",
            column_name(sheet.header.len().saturating_sub(1)),
            rows + 1
        )
    })
}

/// The workbook's defined names, in rust_xlsxwriter's (and Excel's) order:
/// autofilters (hidden), then the printed header rows, each kind by range.
fn defined_names(sheets: &[Sheet]) -> Vec<(u8, String, usize)> {
    let mut names = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        if let Some(range) = filter_range(s) {
            names.push((0, format!("{}!{range}", s.name), i));
        }
        names.push((1, format!("{}!$1:$1", s.name), i));
    }
    names.sort();
    names
}

fn workbook_xml(sheets: &[Sheet]) -> String {
    let mut x = format!(
        "{DECLARATION}<workbook xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\">\
<fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/>\
<workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" \
yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>"
    );
    for (i, s) in sheets.iter().enumerate() {
        x += &format!(
            "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
            s.name,
            i + 1,
            i + 1
        );
    }
    x += "</sheets><definedNames>";
    for (kind, range, i) in defined_names(sheets) {
        x += &if kind == 0 {
            format!(
                "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">{range}</definedName>"
            )
        } else {
            format!("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">{range}</definedName>")
        };
    }
    x += "</definedNames><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>";
    x
}

fn core_xml(title: &str, created: &str) -> String {
    let mut x = String::from(DECLARATION);
    x += "<cp:coreProperties \
xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
    if !title.is_empty() {
        x += "<dc:title>";
        x += &data_text(title);
        x += "</dc:title>";
    }
    x += "<dc:creator>shuangsui</dc:creator><cp:lastModifiedBy>shuangsui</cp:lastModifiedBy>";
    let created = data_text(created);
    x += &format!(
        "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created>\
<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified>"
    );
    x += "</cp:coreProperties>";
    x
}

fn app_xml(sheets: &[Sheet]) -> String {
    let titles: Vec<String> = defined_names(sheets)
        .into_iter()
        .filter(|(kind, _, _)| *kind == 1)
        .map(|(_, _, i)| format!("{}!Print_Titles", sheets[i].name))
        .collect();
    let mut x = String::from(DECLARATION);
    x += "<Properties \
xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>\
<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size=\"4\" baseType=\"variant\">";
    x += &format!(
        "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{}</vt:i4>\
</vt:variant><vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant>\
<vt:i4>{}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>\
<vt:vector size=\"{}\" baseType=\"lpstr\">",
        sheets.len(),
        titles.len(),
        sheets.len() + titles.len()
    );
    for s in sheets {
        x += &format!("<vt:lpstr>{}</vt:lpstr>", s.name);
    }
    for t in &titles {
        x += &format!("<vt:lpstr>{t}</vt:lpstr>");
    }
    x += "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>\
<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>\
<AppVersion>12.0000</AppVersion></Properties>";
    x
}

/// Excel's column name of 0-based column `c`: A, …, Z, AA, ….
fn column_name(mut c: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The widest a column's cells count (see [`width`]).
const WIDEST: usize = 60;

/// A display width for a column: the widest cell, CJK characters counting
/// double, within sensible bounds.
pub(super) fn width(widest: usize) -> usize {
    widest.clamp(6, WIDEST) + 2
}

/// The width of `s` on screen: ASCII counts 1, anything else 2. From the
/// bytes: characters are the bytes that are not UTF-8 continuation bytes,
/// and a non-ASCII character adds one more for its lead byte.
pub(super) fn display_len(s: &str) -> usize {
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xC0))
        .sum()
}

/// The length of `s` in UTF-16 units, as Excel counts a cell's text.
fn utf16_len(s: &str) -> usize {
    s.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// `<col>` elements for column widths (in characters), adjacent equal
/// widths merged into one range, as rust_xlsxwriter writes them: Excel
/// keeps widths in pixels (7 a digit, plus 5 of padding) and the file
/// holds the pixel width in 1/256 characters.
fn cols(x: &mut Vec<u8>, widths: &[usize]) {
    if widths.is_empty() {
        return;
    }
    x.extend_from_slice(b"<cols>");
    let mut first = 0;
    for c in 0..widths.len() {
        if c + 1 < widths.len() && widths[c + 1] == widths[c] {
            continue;
        }
        let pixels = (widths[c] * 7 + 5).min(255 * 7 + 5);
        let chars = (pixels * 256 / 7) as f64 / 256.0;
        x.extend_from_slice(
            format!(
                "<col min=\"{}\" max=\"{}\" width=\"{chars}\" customWidth=\"1\"/>",
                first + 1,
                c + 1
            )
            .as_bytes(),
        );
        first = c + 1;
    }
    x.extend_from_slice(b"</cols>");
}

/// rust_xlsxwriter's (and Excel's) handling of a page header or footer:
/// `&[Page]`-style codes become `&P`, and one longer than 255 characters
/// is left out (`None`; an empty one still makes an empty `<headerFooter/>`).
fn page_text(text: &str) -> Option<String> {
    let expanded = text
        .replace("&[Tab]", "&A")
        .replace("&[Date]", "&D")
        .replace("&[File]", "&F")
        .replace("&[Page]", "&P")
        .replace("&[Path]", "&Z")
        .replace("&[Time]", "&T")
        .replace("&[Pages]", "&N")
        .replace("&[Picture]", "&G");
    (utf16_len(&expanded) <= MAX_HEADER).then_some(expanded)
}

/// Whether text can go into the XML as it is: no control character, no
/// `&`, `<`, `>` or `_` (which may start a literal `_xHHHH_`), and no
/// U+FFFE or U+FFFF (bytes EF BF BE/BF; the fullwidth forms common in
/// Chinese names, EF BC 88 `（` and the like, do not count). Written to be
/// vectorized: it runs over every byte of the sheet.
fn plain(b: &[u8]) -> bool {
    let single = b.iter().fold(0u8, |acc, &c| {
        acc | u8::from(c < 0x20 || c == b'&' || c == b'<' || c == b'>' || c == b'_')
    });
    let pair = b
        .iter()
        .zip(b.iter().skip(1))
        .fold(0u8, |acc, (&c, &d)| acc | u8::from(c == 0xEF && d == 0xBF));
    single | pair == 0
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `s` escaped as rust_xlsxwriter (following Excel) escapes XML
/// text: `&`, `<`, `>` as entities; control characters other than tab and
/// newline, and the non-characters U+FFFE and U+FFFF, as `_xHHHH_`; and,
/// in cells only (`cell`), a literal `_xHHHH_` in the text as
/// `_x005F_xHHHH_`, so that it reads back as itself.
fn escape(x: &mut Vec<u8>, s: &str, cell: bool) {
    let b = s.as_bytes();
    if plain(b) {
        x.extend_from_slice(b);
        return;
    }
    let mut run = 0; // start of the bytes not yet copied
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let (skip, with): (usize, &[u8]) = match c {
            b'&' => (1, b"&amp;"),
            b'<' => (1, b"&lt;"),
            b'>' => (1, b"&gt;"),
            b'\t' | b'\n' => (0, b""),
            0..=0x1F => {
                x.extend_from_slice(&b[run..i]);
                x.extend_from_slice(b"_x00");
                x.extend_from_slice(&[HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)], b'_']);
                i += 1;
                run = i;
                continue;
            }
            0xEF if b.get(i + 1) == Some(&0xBF) && b.get(i + 2) == Some(&0xBE) => (3, b"_xFFFE_"),
            0xEF if b.get(i + 1) == Some(&0xBF) && b.get(i + 2) == Some(&0xBF) => (3, b"_xFFFF_"),
            b'_' if cell
                && b.len() >= i + 7
                && b[i + 1] == b'x'
                && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
                && b[i + 6] == b'_' =>
            {
                // Insert the escape; the `_` itself is copied with the run.
                x.extend_from_slice(&b[run..i]);
                x.extend_from_slice(b"_x005F");
                run = i;
                i += 1;
                continue;
            }
            _ => (0, b""),
        };
        if skip == 0 {
            i += 1;
            continue;
        }
        x.extend_from_slice(&b[run..i]);
        x.extend_from_slice(with);
        i += skip;
        run = i;
    }
    x.extend_from_slice(&b[run..]);
}

/// `s` escaped as XML element text (not cell text).
fn data_text(s: &str) -> String {
    let mut x = Vec::with_capacity(s.len());
    escape(&mut x, s, false);
    String::from_utf8(x).unwrap_or_default()
}

/// `n` in decimal, in `digits`.
fn format_number(digits: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[at..]
}

/// Too long for a cell: which sheet, row and column, and what to do.
fn cell_too_long(sheet: &Sheet, row: usize, col: usize, len: usize) -> Error {
    let column = sheet
        .header
        .get(col)
        .map_or_else(|| column_name(col), |h| h.to_string());
    Error::new(
        ErrorKind::Io,
        format!(
            "could not write the Excel file: a cell of sheet {} holds {len} characters, more than Excel's limit of {MAX_CELL}; the CSV result holds it in full",
            sheet.name
        ), format!(
        "无法写成 Excel 文件：工作表“{}”中一个单元格有 {len} 个字符，超过 Excel 的上限 {MAX_CELL}；请使用 CSV 格式的抽查结果",
        sheet.name
    ))
    .at(Location {
        file: None,
        row: Some(row as u64),
        column: Some(column),
    })
}

/// Appends row `r` (1-based, as Excel numbers it) with the cells of `row`
/// in style `style`, and raises `widths` to the cells' display widths.
fn push_row(
    x: &mut Vec<u8>,
    sheet: &Sheet,
    columns: &[String],
    r: usize,
    row: &Row,
    style: &[u8],
    widths: &mut [usize],
) -> Result<()> {
    if row.ends.is_empty() {
        // rust_xlsxwriter writes only rows that have cells.
        return Ok(());
    }
    let mut number = [0u8; 20];
    let number = format_number(&mut number, r as u64);
    x.extend_from_slice(b"<row r=\"");
    x.extend_from_slice(number);
    x.extend_from_slice(b"\">");
    // Most rows need no escaping at all: one check for the whole row.
    let row_plain = plain(row.text.as_bytes());
    for (c, text) in row.cells().enumerate() {
        if let Some(w) = widths.get_mut(c) {
            // A text is never wider than its bytes, and widths stop at
            // WIDEST: only a longer text can widen the column.
            if text.len() > *w && *w < WIDEST {
                *w = (*w).max(display_len(text));
            }
        }
        if text.len() > MAX_CELL && utf16_len(text) > MAX_CELL {
            return Err(cell_too_long(sheet, r, c, utf16_len(text)));
        }
        let column = columns.get(c).ok_or_else(|| too_wide(sheet, c + 1))?;
        x.extend_from_slice(b"<c r=\"");
        x.extend_from_slice(column.as_bytes());
        x.extend_from_slice(number);
        x.extend_from_slice(b"\" s=\"");
        x.extend_from_slice(style);
        if text.is_empty() {
            // A formatted blank cell.
            x.extend_from_slice(b"\"/>");
            continue;
        }
        x.extend_from_slice(b"\" t=\"inlineStr\"><is><t");
        let space = |b: Option<&u8>| matches!(b, Some(b'\t' | b'\n' | b' '));
        if space(text.as_bytes().first()) || space(text.as_bytes().last()) {
            x.extend_from_slice(b" xml:space=\"preserve\"");
        }
        x.push(b'>');
        if row_plain {
            x.extend_from_slice(text.as_bytes());
        } else {
            escape(x, text, true);
        }
        x.extend_from_slice(b"</t></is></c>");
    }
    x.extend_from_slice(b"</row>");
    Ok(())
}

fn too_wide(sheet: &Sheet, columns: usize) -> Error {
    Error::new(
        ErrorKind::Io,
        format!(
            "could not write the Excel file: sheet {} would have {columns} columns, more than Excel's limit of {MAX_COLS}",
            sheet.name
        ), format!(
            "无法写出 Excel 文件：工作表 {} 将有 {columns} 列，超过 Excel 的上限 {MAX_COLS} 列",
            sheet.name
        ))
}

/// Writes the worksheet part of `sheet`, the `index`th of the workbook.
fn write_sheet(zip: &mut Zip, sheet: &Sheet, index: usize, threads: usize) -> Result<()> {
    let count = sheet.rows.count();
    if count >= MAX_ROWS {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "could not write the Excel file: sheet {} would have {count} rows besides the header, more than Excel's limit of {}; use the CSV result",
                sheet.name,
                MAX_ROWS - 1
            ), format!(
            "无法写成 Excel 文件：工作表“{}”有 {count} 行，超过 Excel 的上限 {} 行；请使用 CSV 格式的抽查结果",
            sheet.name,
            MAX_ROWS - 1
        )));
    }
    let last_col = sheet.rows.width().max(sheet.header.len());
    if last_col > MAX_COLS {
        return Err(too_wide(sheet, last_col));
    }
    let columns: Vec<String> = (0..last_col).map(column_name).collect();
    let ncols = sheet.header.len();

    // The rows, in pieces of fixed size, each deflated on its own and
    // put into the file as soon as those before it are.
    let pieces = count.div_ceil(ROWS_PER_PIECE);
    let mut part = zip.open(&format!("xl/worksheets/sheet{}.xml", index + 1));
    let mut widths = vec![0usize; ncols];
    let mut reserved = false;
    // One piece (a county's draw) is deflated as compactly as the small
    // parts; more (a province's), at the fastest level.
    let level = if pieces > 1 { pack::FAST } else { pack::SMALL };
    pack::parallel(
        pieces,
        threads,
        level,
        |k, worker: &mut Worker| {
            let from = k * ROWS_PER_PIECE;
            let to = count.min(from + ROWS_PER_PIECE);
            let x = &mut worker.xml;
            x.clear();
            let mut widths = vec![0usize; ncols];
            let mut row = Row::default();
            for i in from..to {
                row.clear();
                sheet.rows.row(i, &mut row);
                push_row(x, sheet, &columns, i + 2, &row, CELL_STYLE, &mut widths)?;
            }
            Ok((worker.deflater.piece(x, false)?, widths))
        },
        |(piece, piece_widths)| {
            if !reserved {
                // The first piece tells about how big the rest will be.
                zip.reserve(piece.packed() * pieces + piece.packed() / 8 + (1 << 16));
                reserved = true;
            }
            for (all, w) in widths.iter_mut().zip(piece_widths) {
                *all = (*all).max(w);
            }
            zip.append(&mut part, piece)
        },
    )?;

    // Up to <sheetData> and the header row.
    let mut x = Vec::with_capacity(4096);
    x.extend_from_slice(DECLARATION.as_bytes());
    x.extend_from_slice(
        format!("<worksheet xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1").as_bytes(),
    );
    if last_col > 1 || count > 0 {
        x.extend_from_slice(
            format!(
                ":{}{}",
                columns.last().map_or("A", String::as_str),
                count + 1
            )
            .as_bytes(),
        );
    }
    x.extend_from_slice(b"\"/><sheetViews><sheetView ");
    if index == 0 {
        x.extend_from_slice(b"tabSelected=\"1\" ");
    }
    x.extend_from_slice(
        b"workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
    );
    let mut header = Row::default();
    for h in sheet.header {
        header.push(h);
    }
    let mut header_widths = vec![0usize; ncols];
    let mut header_row = Vec::new();
    push_row(
        &mut header_row,
        sheet,
        &columns,
        1,
        &header,
        HEADER_STYLE,
        &mut header_widths,
    )?;
    let widths: Vec<usize> = widths
        .iter()
        .zip(&header_widths)
        .map(|(w, h)| width((*w).max(*h)))
        .collect();
    cols(&mut x, &widths);
    x.extend_from_slice(b"<sheetData>");
    x.extend_from_slice(&header_row);
    let mut small = Deflater::new(pack::SMALL);
    let start = small.piece(&x, false)?;

    // After the rows.
    let mut x = Vec::with_capacity(1024);
    x.extend_from_slice(b"</sheetData>");
    if let Some(range) = filter_range(sheet) {
        x.extend_from_slice(format!("<autoFilter ref=\"{}\"/>", range.replace('$', "")).as_bytes());
    }
    x.extend_from_slice(b"<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\" horizontalDpi=\"200\" verticalDpi=\"200\"/>");
    let header = sheet.page_header.and_then(page_text);
    let footer = sheet.page_footer.and_then(page_text);
    if header.is_some() || footer.is_some() {
        let header = header.unwrap_or_default();
        let footer = footer.unwrap_or_default();
        if header.is_empty() && footer.is_empty() {
            x.extend_from_slice(b"<headerFooter/>");
        } else {
            x.extend_from_slice(b"<headerFooter>");
            if !header.is_empty() {
                x.extend_from_slice(b"<oddHeader>");
                escape(&mut x, &header, false);
                x.extend_from_slice(b"</oddHeader>");
            }
            if !footer.is_empty() {
                x.extend_from_slice(b"<oddFooter>");
                escape(&mut x, &footer, false);
                x.extend_from_slice(b"</oddFooter>");
            }
            x.extend_from_slice(b"</headerFooter>");
        }
    }
    x.extend_from_slice(b"</worksheet>");
    zip.append(&mut part, small.piece(&x, true)?)?;
    zip.close(part, Some(start))
}
