//! A sheet as rows of cells, whatever file it came from, and the search for its header row.

use super::columns::{Header, Lookup};
use super::values::Cell;

/// The most rows a sheet may have (header included).
pub(crate) const MAX_ROWS: u32 = 100_000;
/// The most columns a sheet may have.
pub(crate) const MAX_COLUMNS: u32 = 200;
/// How many rows from the top are searched for the header (titles may stand above it).
const HEADER_SEARCH_ROWS: usize = 20;
/// A header row names at least this many columns the importer reads.
const MIN_HEADER_COLUMNS: usize = 2;

/// One row that has a cell with something in it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// The row's number as Excel shows it (from 1).
    pub number: u32,
    /// Its cells from column A on.
    pub cells: Vec<Cell>,
}

/// A sheet's rows with content, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    /// The sheet's name (`CSV` for a CSV file).
    pub sheet: String,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Grid {
    /// The index (into `rows`) of the header row: of the first rows, the first that names the
    /// most readable columns, if it names at least two.
    pub(crate) fn header(&self, lookup: &Lookup) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (index, row) in self.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let known = row.cells.iter().filter_map(Cell::text).filter(|h| matches!(lookup.find(h), Header::Column(_))).count();
            if known >= MIN_HEADER_COLUMNS && best.is_none_or(|(_, most)| known > most) {
                best = Some((index, known));
            }
        }
        best.map(|(index, _)| index)
    }
}
