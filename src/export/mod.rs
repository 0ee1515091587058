//! Tables for spreadsheets: features and match results as rows, written as CSV (UTF-8 with a
//! byte-order mark, so Excel shows Chinese) or XLSX (one sheet per table, laid out to read
//! and print); feature tables as GeoPackage ([`gpkg`]).

pub mod gpkg;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use serde_json::Value;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
}

impl Cell {
    /// A cell from a JSON value: lists joined with `;`, objects as JSON text.
    pub fn from_json(value: &Value) -> Cell {
        match value {
            Value::Null => Cell::Empty,
            Value::Bool(b) => Cell::Text(b.to_string()),
            Value::Number(n) => n.as_f64().map_or(Cell::Empty, Cell::Number),
            Value::String(s) => Cell::Text(s.clone()),
            Value::Array(items) => Cell::Text(
                items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect::<Vec<_>>().join(";"),
            ),
            Value::Object(_) => Cell::Text(value.to_string()),
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => x.to_string(),
        }
    }
}

/// A titled table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Sheet name (XLSX) or section title (CSV, after the first table).
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as the headers.
    pub rows: Vec<Vec<Cell>>,
    /// Columns whose text cells are ISO dates (`YYYY-MM-DD`): XLSX writes them as Excel dates,
    /// CSV as they are.
    pub date_columns: Vec<usize>,
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The spreadsheet writer failed.
    #[error("the XLSX file could not be written: {0}")]
    Xlsx(#[from] XlsxError),
    /// The CSV writer failed.
    #[error("the CSV file could not be written: {0}")]
    Csv(#[from] csv::Error),
    /// SQLite failed while writing a GeoPackage.
    #[error("the GeoPackage could not be written: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A geometry could not be encoded.
    #[error("a geometry could not be encoded: {0}")]
    Geometry(String),
}

impl crate::error::Classified for ExportError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        // everything exported is the service's own data: a writer's failure is the service's
        match self {
            ExportError::Xlsx(_) | ExportError::Csv(_) | ExportError::Sqlite(_) | ExportError::Geometry(_) => ErrorKind::Internal,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        // the writers' own words name the cause for whoever reads the log
        Some(match self {
            ExportError::Xlsx(e) => format!("无法写出 XLSX 文件（{e}）"),
            ExportError::Csv(e) => format!("无法写出 CSV 文件（{e}）"),
            ExportError::Sqlite(e) => format!("无法写出 GeoPackage 文件（{e}）"),
            ExportError::Geometry(e) => format!("无法编码几何（{e}）"),
        })
    }
}

/// The tables as CSV: the first as is; each further one after an empty line and a line
/// with its title.
pub fn to_csv(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(&mut out);
    for (i, table) in tables.iter().enumerate() {
        if i > 0 {
            writer.write_record([""])?;
            writer.write_record([table.title.as_str()])?;
        }
        writer.write_record(&table.headers)?;
        for row in &table.rows {
            writer.write_record(row.iter().map(Cell::text))?;
        }
    }
    writer.flush().map_err(csv::Error::from)?;
    drop(writer);
    Ok(out)
}

/// Excel forbids these in sheet names; titles are also cut to its 31 characters.
fn sheet_name(title: &str, index: usize) -> String {
    let cleaned: String = title.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\')).take(31).collect();
    if cleaned.trim().is_empty() {
        format!("Sheet{}", index + 1)
    } else {
        cleaned
    }
}

/// Excel refuses cells longer than 32,767 characters: longer text is cut with an ellipsis.
fn excel_text(s: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 32_767;
    if s.chars().count() <= MAX {
        return s.into();
    }
    let mut cut: String = s.chars().take(MAX - 1).collect();
    cut.push('…');
    cut.into()
}

/// Columns are as wide as their content up to this many characters; longer text wraps.
pub const MAX_COLUMN_WIDTH: f64 = 40.0;

/// Columns are never narrower than this.
const MIN_COLUMN_WIDTH: f64 = 6.0;

/// How many columns of Excel's default font a character takes: two for CJK and other wide
/// characters, one otherwise.
fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// The width text needs in Excel's column units: its widest line.
pub fn display_width(text: &str) -> usize {
    text.lines().map(|line| line.chars().map(char_width).sum()).max().unwrap_or(0)
}

/// How many lines text takes in `width` columns, wrapped at spaces, and within a word too
/// long for a line (as Excel breaks Chinese anywhere).
fn line_count(text: &str, width: f64) -> usize {
    let width = width.max(1.0);
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        let mut used = 0.0;
        for word in line.split(' ') {
            let w = display_width(word) as f64;
            if used > 0.0 && used + 1.0 + w <= width {
                used += 1.0 + w;
                continue;
            }
            if used > 0.0 {
                lines += 1;
            }
            let extra = ((w / width).ceil() - 1.0).max(0.0);
            lines += extra as usize;
            used = w - extra * width;
        }
    }
    lines.max(1)
}

/// A row's height in points when one of its cells wraps: Excel and LibreOffice keep a row
/// one line high unless told.
fn row_height(lines: usize) -> f64 {
    lines as f64 * 15.0 + 3.0
}

/// A date cell's value, when its text is an ISO date.
fn excel_date(cell: &Cell) -> Option<ExcelDateTime> {
    let Cell::Text(s) = cell else { return None };
    let date = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    ExcelDateTime::from_ymd(u16::try_from(date.year()).ok()?, date.month() as u8, date.day() as u8).ok()
}

/// The width a cell needs as written (a date as `yyyy-mm-dd`).
fn cell_width(cell: &Cell, is_date: bool) -> usize {
    match cell {
        _ if is_date && excel_date(cell).is_some() => 10,
        Cell::Empty => 0,
        Cell::Text(s) => display_width(s),
        Cell::Number(x) => x.to_string().len(),
    }
}

/// The width a header word needs: a Chinese word breaks onto two lines (Excel breaks Chinese
/// anywhere), so that 产业匹配得分 does not widen a column of three-digit scores.
fn header_word_width(word: &str) -> usize {
    let width = display_width(word);
    if word.chars().any(|c| char_width(c) == 2) {
        width.div_ceil(2).max(4)
    } else {
        width
    }
}

/// Each column's width: its widest cell or the widest word of its header (headers wrap at
/// spaces, bold, with room for the filter button), plus a margin, between the minimum and
/// [`MAX_COLUMN_WIDTH`].
fn column_widths(table: &Table) -> Vec<f64> {
    table
        .headers
        .iter()
        .enumerate()
        .map(|(c, header)| {
            let is_date = table.date_columns.contains(&c);
            let content = table.rows.iter().filter_map(|row| row.get(c)).map(|cell| cell_width(cell, is_date)).max().unwrap_or(0);
            let header = header.split_whitespace().map(header_word_width).max().unwrap_or(0) as f64 * 1.1 + 3.0;
            (content as f64 + 2.0).max(header).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH)
        })
        .collect()
}

/// The tables as an XLSX workbook, one sheet each: columns as wide as their content (long
/// text wrapped), the header row bold, frozen, filtered and repeated on every printed page,
/// dates as Excel dates, printed landscape on A4, one page wide.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    // "状态 status" wraps to two lines rather than widen a column of 可供应
    let header_format = Format::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
    // top-aligned, so that a row that wraps still reads from its top line
    let plain = Format::new().set_align(FormatAlign::Top);
    let wrapped = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let date = Format::new().set_align(FormatAlign::Top).set_num_format("yyyy-mm-dd");
    for (i, table) in tables.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.title, i))?;
        let widths = column_widths(table);
        let mut header_lines = 1;
        for (c, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, header, &header_format)?;
            sheet.set_column_width(c as u16, widths[c])?;
            header_lines = header_lines.max(line_count(header, (widths[c] - 3.0) / 1.1));
        }
        if header_lines > 1 {
            sheet.set_row_height(0, row_height(header_lines))?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            let mut row_lines = 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                if table.date_columns.contains(&c) {
                    if let Some(day) = excel_date(cell) {
                        sheet.write_datetime_with_format(r, col, &day, &date)?;
                        continue;
                    }
                }
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        let lines = widths.get(c).map_or(1, |&w| line_count(s, w - 2.0));
                        row_lines = row_lines.max(lines);
                        sheet.write_string_with_format(r, col, excel_text(s), if lines > 1 { &wrapped } else { &plain })?;
                    }
                    Cell::Number(x) => {
                        sheet.write_number_with_format(r, col, *x, &plain)?;
                    }
                }
            }
            if row_lines > 1 {
                sheet.set_row_height(r, row_height(row_lines))?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        if let Some(last) = table.headers.len().checked_sub(1) {
            sheet.autofilter(0, 0, table.rows.len() as u32, last as u16)?;
        }
        sheet.set_repeat_rows(0, 0)?;
        sheet.set_landscape().set_paper_size(A4).set_print_fit_to_pages(1, 0).set_footer("&C&P / &N");
    }
    Ok(workbook.save_to_buffer()?)
}

/// Excel's paper size code of A4.
const A4: u8 = 9;

#[cfg(test)]
mod test {
    use super::*;

    fn sample() -> Vec<Table> {
        vec![
            Table {
                title: "候选".into(),
                headers: vec!["排名".into(), "名称".into()],
                rows: vec![vec![Cell::Number(1.0), Cell::Text("地块, \"A\"".into())]],
                ..Table::default()
            },
            Table { title: "近似".into(), headers: vec!["编号".into()], rows: vec![vec![Cell::Empty]], ..Table::default() },
        ]
    }

    #[test]
    fn csv_quotes_and_marks_utf8() {
        let text = String::from_utf8(to_csv(&sample()).unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines, ["排名,名称", "1,\"地块, \"\"A\"\"\"", "\"\"", "近似", "编号", "\"\""]);
    }

    #[test]
    fn xlsx_is_a_zip_with_a_sheet_per_table() {
        let bytes = to_xlsx(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert!(sheet_name("a/b:c", 0) == "abc" && sheet_name("", 2) == "Sheet3");
        let long = Table { title: "t".into(), headers: vec!["a".into()], rows: vec![vec![Cell::Text("x".repeat(40_000))]], ..Table::default() };
        assert!(to_xlsx(&[long]).is_ok(), "long text is cut, not refused");
        assert_eq!(excel_text(&"y".repeat(40_000)).chars().count(), 32_767);
    }

    #[test]
    fn chinese_counts_double_and_columns_fit_their_content() {
        assert_eq!(display_width("密云区 110118"), 13);
        assert_eq!(display_width("ab\n中文中文"), 8, "the widest line");
        let table = Table {
            title: "t".into(),
            headers: vec!["名称".into(), "评分理由".into(), "核实日期".into(), "n".into()],
            rows: vec![vec![Cell::Text("密云经开区 医药健康产业园 01号地块".into()), Cell::Text("理由".repeat(100)), Cell::Text("2026-03-15".into()), Cell::Number(1.5)]],
            date_columns: vec![2],
        };
        let widths = column_widths(&table);
        assert_eq!(widths[0], 34.0 + 2.0, "the name's 34 columns and a margin");
        assert_eq!(widths[1], MAX_COLUMN_WIDTH, "long text is capped (and wraps)");
        assert_eq!(widths[2], 10.0 + 2.0, "a date as yyyy-mm-dd, not as its serial number");
        assert_eq!(widths[3], MIN_COLUMN_WIDTH);
        assert_eq!(line_count("可供应", 6.0), 1);
        assert_eq!(line_count("可供应 x", 6.0), 2, "wrapped at the space");
        assert_eq!(line_count(&"理由".repeat(30), 58.0), 3, "120 columns of Chinese in lines of 58");
        assert_eq!(line_count("a\nb", 10.0), 2);
        let labelled = Table { headers: vec!["状态 status".into()], rows: vec![vec![Cell::Text("可供应".into())]], ..Table::default() };
        assert_eq!(column_widths(&labelled), [6.0 * 1.1 + 3.0], "a header wraps at its space: `status` is its widest word");
        assert!(excel_date(&Cell::Text("2026-03-15".into())).is_some() && excel_date(&Cell::Text("miyun-zgc".into())).is_none());
        assert!(to_xlsx(&[table]).is_ok());
    }
}
