//! XLSX workbooks, read with calamine cell by cell, after the zip is checked not to unpack to
//! more than a list can need (calamine reads the shared strings whole before any sheet).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};

use super::columns::Lookup;
use super::grid::{Grid, Row, MAX_COLUMNS, MAX_ROWS};
use super::values::Cell;
use super::SheetError;

/// The most a workbook may unpack to, all parts together.
pub(crate) const MAX_UNPACKED: u64 = 200 * 1024 * 1024;
/// The most cells with content a sheet may have.
const MAX_CELLS: usize = 2_000_000;
/// Sheets the template adds beside the data, never data themselves.
pub(crate) const NOT_DATA: [&str; 2] = ["说明", "选项"];

/// Unpacks every part of the zip into nothing, counting, and refuses at `limit` bytes: the
/// sizes a zip declares may lie, so only unpacking tells.
pub(crate) fn check_unpacked(bytes: &[u8], limit: u64) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SheetError::NotAWorkbook(e.to_string()))?;
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let mut part = zip.by_index(index).map_err(|e| SheetError::NotAWorkbook(e.to_string()))?;
        let left = limit.saturating_sub(total);
        let read = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink()).map_err(|e| SheetError::NotAWorkbook(e.to_string()))?;
        total += read;
        if total > limit {
            return Err(SheetError::Unpacked { limit });
        }
    }
    Ok(())
}

/// The first data sheet with a header row, and that row's index.
pub(crate) fn first_table(bytes: &[u8], lookup: &Lookup) -> Result<(Grid, Option<usize>, Vec<String>), SheetError> {
    check_unpacked(bytes, MAX_UNPACKED)?;
    // calamine parses untrusted XML; should it panic on some input, that is a bad file, not a
    // crashed request
    catch_unwind(AssertUnwindSafe(|| find_table(bytes, lookup)))
        .unwrap_or_else(|_| Err(SheetError::NotAWorkbook("the workbook's XML could not be read".into())))
}

fn find_table(bytes: &[u8], lookup: &Lookup) -> Result<(Grid, Option<usize>, Vec<String>), SheetError> {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| SheetError::NotAWorkbook(e.to_string()))?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible && !NOT_DATA.contains(&s.name.trim()))
        .map(|s| s.name.clone())
        .collect();
    for name in &names {
        let grid = read_sheet(&mut workbook, name)?;
        if let Some(header) = grid.header(lookup) {
            return Ok((grid, Some(header), names));
        }
    }
    Ok((Grid::default(), None, names))
}

fn too_big(sheet: &str, rows: u64, columns: u64) -> SheetError {
    SheetError::SheetTooBig { sheet: sheet.to_string(), rows, columns, max_rows: MAX_ROWS, max_columns: MAX_COLUMNS }
}

/// One sheet's cells with content, refusing one that is too big before holding it: by the
/// size it declares, and by the cells as they come.
fn read_sheet(workbook: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Grid, SheetError> {
    let mut reader = workbook.worksheet_cells_reader(name).map_err(|e| SheetError::NotAWorkbook(e.to_string()))?;
    let declared = reader.dimensions();
    let (last_row, last_column) = (u64::from(declared.end.0) + 1, u64::from(declared.end.1) + 1);
    if last_row > u64::from(MAX_ROWS) || last_column > u64::from(MAX_COLUMNS) {
        return Err(too_big(name, last_row, last_column));
    }
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    let mut count = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|e| SheetError::NotAWorkbook(e.to_string()))? {
        let value = cell_value(cell.get_value());
        if value.is_blank() {
            continue;
        }
        let (row, column) = cell.get_position();
        count += 1;
        if row >= MAX_ROWS || column >= MAX_COLUMNS || count > MAX_CELLS {
            return Err(too_big(name, u64::from(row) + 1, u64::from(column) + 1));
        }
        let cells = rows.entry(row).or_default();
        let column = column as usize;
        if cells.len() <= column {
            cells.resize(column + 1, Cell::Empty);
        }
        cells[column] = value;
    }
    let rows = rows.into_iter().map(|(row, cells)| Row { number: row + 1, cells }).collect();
    Ok(Grid { sheet: name.to_string(), rows })
}

/// A calamine value as a cell: a date-formatted number is a date, a number a number.
fn cell_value(value: &DataRef) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(x) => Cell::Number(*x),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => dt.as_datetime().map_or(Cell::Number(dt.as_f64()), |d| Cell::Date(d.date())),
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}
