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
    for (event, name) in ["INSERT", "UPDATE", "DELETE"].into_iter().zip(trigger_names(table)) {
        let trigger = quote(&name);
        db.execute_batch(&format!(
            "CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {event} ON {} WHEN {FUNCTION}() IS NOT 1
             BEGIN SELECT RAISE(ABORT, 'edit this store through chanye'); END;",
            quote(table)
        ))?;
    }
    Ok(())
}

/// Adds the triggers to every table chanye keeps that the file has (stores made before the
/// guard get it on their next open). A store that had guards but lacks some was changed by
/// another program that dropped them: that is reported, since what it wrote while they were
/// gone has no version or audit entry. Returns whether guards had been dropped.
pub(super) fn protect_all(db: &Connection) -> rusqlite::Result<bool> {
    let had: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'chanye_guard_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let layers = LayerName::ALL.map(LayerName::as_str);
    let mut dropped = Vec::new();
    for table in OWN_TABLES.iter().chain(layers.iter()) {
        if super::schema::has_sqlite_table(db, table)? {
            dropped.extend(trigger_names(table).into_iter().filter(|t| !had.is_empty() && !had.contains(t)));
            protect(db, table)?;
        }
    }
    if !dropped.is_empty() {
        tracing::warn!(
            "另一个程序删除了本库的保护触发器（{0}），其间写入的内容没有版本和审计记录，请核对              (another program dropped this store's guard triggers ({0}); what it wrote meanwhile has no version or audit entry: check it); they are restored",
            dropped.join(", ")
        );
    }
    Ok(!dropped.is_empty())
}

fn trigger_names(table: &str) -> [String; 3] {
    ["insert", "update", "delete"].map(|event| format!("chanye_guard_{table}_{event}"))
}
