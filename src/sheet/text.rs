//! CSV files: the encoding found (a BOM, else UTF-8, else GB18030 as Excel in China saves
//! CSV), the separator guessed from the first lines, the records read as one sheet named `CSV`.

use encoding_rs::{Encoding, GB18030};

use super::grid::{Grid, Row, MAX_COLUMNS, MAX_ROWS};
use super::values::Cell;
use super::SheetError;

/// The sheet name CSV problems carry.
pub(crate) const CSV_SHEET: &str = "CSV";

/// The text of a CSV file: by its BOM (UTF-8, UTF-16), else UTF-8 when it is valid, else
/// GB18030; refused when that fails too, or when it holds NUL (a binary file).
pub(crate) fn decode(bytes: &[u8]) -> Result<String, SheetError> {
    let text = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default());
        if had_errors {
            return Err(SheetError::NotText);
        }
        text.into_owned()
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_string()
    } else {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(SheetError::NotText);
        }
        text.into_owned()
    };
    if text.contains('\0') {
        return Err(SheetError::NotText);
    }
    Ok(text)
}

/// The separator: comma, unless tab or semicolon is more frequent in the first lines.
fn separator(text: &str) -> u8 {
    let head: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(5).collect();
    let count = |c: char| head.iter().map(|l| l.matches(c).count()).sum::<usize>();
    let (commas, tabs, semicolons) = (count(','), count('\t'), count(';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// The file as one sheet; a row's number is its record's (as Excel numbers the rows it opens).
pub(crate) fn grid(bytes: &[u8]) -> Result<Grid, SheetError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(separator(&text)).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SheetError::Csv(e.to_string()))?;
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if number > MAX_ROWS || record.len() > MAX_COLUMNS as usize {
            return Err(SheetError::SheetTooBig {
                sheet: CSV_SHEET.into(),
                rows: u64::from(number),
                columns: record.len() as u64,
                max_rows: MAX_ROWS,
                max_columns: MAX_COLUMNS,
            });
        }
        let cells: Vec<Cell> = record.iter().map(|f| if f.trim().is_empty() { Cell::Empty } else { Cell::Text(f.to_string()) }).collect();
        if cells.iter().any(|c| !c.is_blank()) {
            rows.push(Row { number, cells });
        }
    }
    Ok(Grid { sheet: CSV_SHEET.into(), rows })
}
