//! Tables for spreadsheets: features and match results as rows, written as CSV (UTF-8 with a
//! byte-order mark, so Excel shows Chinese) or XLSX (one sheet per table); feature tables as
//! GeoPackage ([`gpkg`]).

pub mod gpkg;

use rust_xlsxwriter::{Format, Workbook, XlsxError};
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

/// The tables as an XLSX workbook, one sheet each, headers bold and frozen.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for (i, table) in tables.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.title, i))?;
        for (c, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, header, &bold)?;
            sheet.set_column_width(c as u16, (header.chars().count() as f64 * 1.6).clamp(8.0, 40.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        sheet.write_string(r, c as u16, excel_text(s))?;
                    }
                    Cell::Number(x) => {
                        sheet.write_number(r, c as u16, *x)?;
                    }
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod test {
    use super::*;

    fn sample() -> Vec<Table> {
        vec![
            Table { title: "候选".into(), headers: vec!["排名".into(), "名称".into()], rows: vec![vec![Cell::Number(1.0), Cell::Text("地块, \"A\"".into())]] },
            Table { title: "近似".into(), headers: vec!["编号".into()], rows: vec![vec![Cell::Empty]] },
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
        let long = Table { title: "t".into(), headers: vec!["a".into()], rows: vec![vec![Cell::Text("x".repeat(40_000))]] };
        assert!(to_xlsx(&[long]).is_ok(), "long text is cut, not refused");
        assert_eq!(excel_text(&"y".repeat(40_000)).chars().count(), 32_767);
    }
}
