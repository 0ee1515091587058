//! Writes that do not come through chanye are refused. Every table chanye keeps has triggers
//! that call a function only chanye's own connections define, so another SQLite client (QGIS,
//! GDAL, the sqlite3 shell) cannot prepare an INSERT, UPDATE or DELETE on it and sees
//! `no such function: edit_this_store_through_chanye`; reading is unaffected.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::export::gpkg::quote;
use crate::inventory::LayerName;

/// The function the triggers call; its name is what another client's error shows.
const FUNCTION: &str = "edit_this_store_through_chanye";

/// chanye's tables besides the layers.
const OWN_TABLES: [&str; 3] = ["chanye_documents", "chanye_tokens", "chanye_audit"];

/// Defines the function on one of chanye's connections.
pub(super) fn register(db: &Connection) -> rusqlite::Result<()> {
    // innocuous: triggers may call it even where the schema is not trusted
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    db.create_scalar_function(FUNCTION, 0, flags, |_| Ok(1))
}

/// Adds the triggers to `table` (kept when they exist).
pub(super) fn protect(db: &Connection, table: &str) -> rusqlite::Result<()> {
    for event in ["INSERT", "UPDATE", "DELETE"] {
        let trigger = quote(&format!("chanye_guard_{table}_{}", event.to_ascii_lowercase()));
        db.execute_batch(&format!(
            "CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {event} ON {} WHEN {FUNCTION}() IS NOT 1
             BEGIN SELECT RAISE(ABORT, 'edit this store through chanye'); END;",
            quote(table)
        ))?;
    }
    Ok(())
}

/// Adds the triggers to every table chanye keeps that the file has (stores made before the
/// guard get it on their next open).
pub(super) fn protect_all(db: &Connection) -> rusqlite::Result<()> {
    let layers = LayerName::ALL.map(LayerName::as_str);
    for table in OWN_TABLES.iter().chain(layers.iter()) {
        if super::schema::has_sqlite_table(db, table)? {
            protect(db, table)?;
        }
    }
    Ok(())
}
