//! District offices' spreadsheets of vacant land and factory space (issue 19, part 3): an
//! XLSX or CSV file in, GeoJSON features with the contract's property names out, in WGS84,
//! with every problem named by sheet, row and column in Chinese and English; and the XLSX
//! template such a file is made from.
//!
//! This is the pure part: no HTTP, no store. The features go through the inventory loader
//! like any imported layer, which checks values against the model and joins districts and
//! parks; [`RowOrigin`] maps what it reports back to rows and columns.
//!
//! Headers may be Chinese (`面积（亩）`, `面积(亩)`, `面积/亩`) or contract names (`area_mu`);
//! the one table of them is `columns.rs`, read by both [`read`] and [`template`].

mod columns;
mod error;
mod grid;
mod position;
mod rows;
mod template;
mod text;
mod values;
mod xlsx;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

pub use error::SheetError;
pub use template::template;

pub use crate::inventory::Severity;
use crate::geometry::Crs;
use crate::inventory::LayerName;

/// The largest file read (a list of thousands of rows is a few MB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The start of an Excel 97–2003 (`.xls`, OLE compound) file.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The kind of a spreadsheet file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// An Excel workbook (`.xlsx`).
    Xlsx,
    /// Comma-, tab- or semicolon-separated text.
    Csv,
}

impl SheetFormat {
    /// The format by the file's first bytes: a zip (`PK\x03\x04`) is a workbook, anything else CSV.
    pub fn sniff(bytes: &[u8]) -> SheetFormat {
        if bytes.starts_with(b"PK\x03\x04") {
            SheetFormat::Xlsx
        } else {
            SheetFormat::Csv
        }
    }
}

/// What to read a file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// `parcels` or `buildings`.
    pub layer: LayerName,
    /// The file's coordinate system; a row's 坐标系/`crs` cell overrides it; neither: WGS84.
    pub crs: Option<Crs>,
}

/// What a file gave: features for the loader and every problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRead {
    /// The layer read.
    pub layer: LayerName,
    /// One GeoJSON Feature per good row, in WGS84 (lon/lat), shaped like the features of
    /// `geodata/parcels.geojson` / `geodata/buildings.geojson`.
    pub features: Vec<serde_json::Value>,
    /// Where each feature came from, in the order of `features`.
    pub origins: Vec<RowOrigin>,
    /// Every problem; a row with an error is left out of `features`, warnings leave it in.
    pub problems: Vec<SheetProblem>,
}

impl SheetRead {
    /// Whether any problem is an error (a row left out, or a required column missing).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// The row a feature came from, to name rows and columns in what the loader reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowOrigin {
    /// The sheet (`CSV` for a CSV file).
    pub sheet: String,
    /// The row's number as Excel shows it (the header is usually 1).
    pub row: u32,
    /// The feature's id.
    pub id: String,
    /// Contract property (or `geometry`, `footprint`, `crs`) → the header as written in the file.
    pub columns: BTreeMap<String, String>,
}

/// One problem, named by sheet, row and column, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetProblem {
    /// The sheet (`CSV` for a CSV file).
    pub sheet: String,
    /// The row as Excel numbers it; none for the whole sheet or a whole column.
    pub row: Option<u32>,
    /// The column's header as written.
    pub column: Option<String>,
    /// An error leaves the row out (or, with no row, every row); a warning is a note.
    pub severity: Severity,
    /// Why, in Chinese (`第 12 行「状态」：…`).
    pub reason_zh: String,
    /// Why, in English (`row 12, column '状态': …`).
    pub reason_en: String,
}

/// Reads a spreadsheet of parcels or buildings into features and problems; an error only
/// when the file cannot be read at all.
pub fn read(bytes: &[u8], format: SheetFormat, options: &ReadOptions) -> Result<SheetRead, SheetError> {
    let layer = options.layer;
    if !matches!(layer, LayerName::Parcels | LayerName::Buildings) {
        return Err(SheetError::Layer(layer));
    }
    let file_crs = options.crs.unwrap_or(Crs::Crs84);
    file_crs.thread_transformer().map_err(SheetError::Crs)?;
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge { size: bytes.len(), limit: MAX_BYTES });
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(SheetError::Xls);
    }
    let lookup = columns::Lookup::new(layer);
    let (grid, header, searched) = match format {
        SheetFormat::Xlsx => xlsx::first_table(bytes, &lookup)?,
        SheetFormat::Csv => {
            let grid = text::grid(bytes)?;
            let header = grid.header(&lookup);
            (grid, header, vec![text::CSV_SHEET.to_string()])
        }
    };
    let Some(header) = header else {
        let example = columns::COLUMNS.iter().filter(|c| c.read.has(layer) && c.required).map(|c| c.header).take(3).collect::<Vec<_>>().join("、");
        return Err(SheetError::NoHeader { layer, sheets: searched, example });
    };
    Ok(rows::read_rows(&grid, header, &lookup, layer, file_crs))
}
