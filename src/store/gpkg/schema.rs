//! The tables: GeoPackage's own, chanye's (documents, tokens, audit), and how a property's
//! values are kept in a column.

use std::collections::HashMap;
use std::path::Path;

use geo::Geometry;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::export::gpkg::{create_metadata, quote};
use crate::inventory::LayerName;
use crate::store::StoreError;

/// The catalogue's document name in `chanye_documents`.
pub(super) const CATALOGUE: &str = "industries.json";
/// The policy measures' document name.
pub(super) const POLICIES: &str = "policies.json";
/// The document naming the validation rules every row was last checked under (see
/// [`crate::inventory::RULES`]); absent when rows may have been written unchecked.
const VALIDATED: &str = "validated-by";

/// How a column's values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Real,
    Json,
}

impl Kind {
    pub(super) fn of(value: &Value) -> Option<Kind> {
        match value {
            Value::Null => None,
            Value::Number(_) => Some(Kind::Real),
            Value::Array(_) | Value::Object(_) => Some(Kind::Json),
            Value::String(_) | Value::Bool(_) => Some(Kind::Text),
        }
    }

    /// The kind of a column whose values are all null so far: text, but JSON for a footprint.
    pub(super) fn for_nulls(key: &str) -> Kind {
        if key == crate::inventory::export::FOOTPRINT {
            Kind::Json
        } else {
            Kind::Text
        }
    }

    pub(super) fn sql(self) -> &'static str {
        match self {
            Kind::Text | Kind::Json => "TEXT",
            Kind::Real => "REAL",
        }
    }
}

/// The tables of chanye's own: tokens and the audit trail (kept also in stores made
/// before they existed).
pub(super) fn ensure_tables(path: &Path, db: &Connection) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS chanye_tokens (
            name TEXT PRIMARY KEY, role TEXT NOT NULL, hash BLOB NOT NULL UNIQUE,
            created_at TEXT NOT NULL, revoked_at TEXT);
         CREATE TABLE IF NOT EXISTS chanye_audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
            layer TEXT NOT NULL, feature TEXT NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT,
            geometry_changed INTEGER NOT NULL, project TEXT, project_id TEXT, note TEXT);
         CREATE INDEX IF NOT EXISTS chanye_audit_feature ON chanye_audit (feature, seq);
         INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) VALUES
            ('chanye_audit', 'attributes', 'chanye_audit', 'who changed what, when'),
            ('chanye_tokens', 'attributes', 'chanye_tokens', 'API tokens (hashes only)');",
    )
    .map_err(fail)?;
    // columns added since the tables were first made: stores from before them gain them empty
    // (a token without a scope is city-wide, an entry without one was made city-wide)
    for (table, column) in [
        ("chanye_tokens", "scope_kind"),
        ("chanye_tokens", "scope_id"),
        ("chanye_audit", "scope_kind"),
        ("chanye_audit", "scope_id"),
        ("chanye_audit", "district"),
        ("chanye_audit", "park"),
        ("chanye_audit", "district_before"),
        ("chanye_audit", "park_before"),
    ] {
        if !columns(db, table).map_err(fail)?.contains_key(column) {
            db.execute(&format!("ALTER TABLE {table} ADD COLUMN {column} TEXT"), []).map_err(fail)?;
        }
    }
    if super::guard::protect_all(db).map_err(fail)? {
        // what was written without the guards must be validated again
        db.execute("DELETE FROM chanye_documents WHERE name = ?1", [VALIDATED]).map_err(fail)?;
    }
    Ok(())
}

/// Whether every row was validated under this binary's rules and written by chanye since:
/// then loading may skip the geometry checks.
pub(super) fn validated(db: &Connection) -> rusqlite::Result<bool> {
    Ok(document(db, VALIDATED)?.as_deref() == Some(crate::inventory::RULES))
}

/// Records that every row has just been validated under this binary's rules.
pub(super) fn mark_validated(db: &Connection) -> rusqlite::Result<()> {
    db.execute("INSERT OR REPLACE INTO chanye_documents (name, content) VALUES (?1, ?2)", params![VALIDATED, crate::inventory::RULES]).map(|_| ())
}

/// The connection's settings, for every open.
pub(super) fn configure(path: &Path, db: &Connection) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    // WAL: readers never block the writer; FULL: an acknowledged commit survives power loss
    db.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
    db.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
    db.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
    db.busy_timeout(std::time::Duration::from_secs(10)).map_err(fail)?;
    super::guard::register(db).map_err(fail)
}

/// The settings of the connection that builds a new store in a file of its own (see
/// `GpkgStore::create_with`): the rollback journal in memory and no syncs, since a failure
/// discards the file, and a page cache large enough for the `id` indexes of a million rows.
pub(super) fn configure_for_building(path: &Path, db: &Connection) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    db.pragma_update(None, "journal_mode", "MEMORY").map_err(fail)?;
    db.pragma_update(None, "synchronous", "OFF").map_err(fail)?;
    db.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
    db.pragma_update(None, "cache_size", -65_536).map_err(fail)?;
    super::guard::register(db).map_err(fail)
}

/// Whether the file holds chanye's tables (the open check after GeoPackage's application id).
pub(super) fn has_documents(db: &Connection) -> rusqlite::Result<bool> {
    db.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'chanye_documents'", [], |r| r.get::<_, i64>(0)).map(|n| n > 0)
}

/// The tables of a new store: GeoPackage's metadata, the data columns extension and
/// chanye's own.
pub(super) fn create_tables(path: &Path, db: &Connection) -> Result<(), StoreError> {
    let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
    create_metadata(db).map_err(fail)?;
    db.execute_batch(
        "CREATE TABLE gpkg_extensions (
            table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
            scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         CREATE TABLE gpkg_data_columns (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
            mime_type TEXT, constraint_name TEXT,
            CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
            CONSTRAINT gdc_tn UNIQUE (table_name, name));
         INSERT INTO gpkg_extensions VALUES
            ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
         CREATE TABLE chanye_documents (name TEXT PRIMARY KEY, content TEXT NOT NULL);
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
            VALUES ('chanye_documents', 'attributes', 'chanye_documents', 'the industry catalogue and the policy measures, as JSON');",
    )
    .map_err(fail)?;
    ensure_tables(path, db)
}

/// A document of `chanye_documents`, if stored.
pub(super) fn document(db: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    db.query_row("SELECT content FROM chanye_documents WHERE name = ?1", [name], |r| r.get(0)).optional()
}

/// Whether `gpkg_contents` lists the table.
pub(super) fn has_table(db: &Connection, name: &str) -> rusqlite::Result<bool> {
    db.query_row("SELECT count(*) FROM gpkg_contents WHERE table_name = ?1", [name], |r| r.get::<_, i64>(0)).map(|n| n > 0)
}

/// Whether SQLite has the table (a GDAL GeoPackage may lack the extension tables).
pub(super) fn has_sqlite_table(db: &Connection, name: &str) -> rusqlite::Result<bool> {
    db.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |r| r.get::<_, i64>(0)).map(|n| n > 0)
}

/// The declared geometry type of a layer's table.
pub(super) fn geometry_type(layer: LayerName) -> &'static str {
    if layer == LayerName::Buildings {
        "POINT"
    } else {
        "MULTIPOLYGON"
    }
}

/// The columns of a feature table and how each is kept.
pub(super) fn columns(tx: &Connection, table: &str) -> rusqlite::Result<HashMap<String, Kind>> {
    let json: Vec<String> = tx
        .prepare("SELECT column_name FROM gpkg_data_columns WHERE table_name = ?1 AND mime_type = 'application/json'")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut q = tx.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let rows = q.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut kinds = HashMap::new();
    for row in rows {
        let (name, declared) = row?;
        let kind = if json.contains(&name) {
            Kind::Json
        } else if declared.eq_ignore_ascii_case("REAL") || declared.eq_ignore_ascii_case("INTEGER") {
            Kind::Real
        } else {
            Kind::Text
        };
        kinds.insert(name, kind);
    }
    Ok(kinds)
}

/// A property value as an SQLite value of the column's kind.
pub(super) fn sql_value(value: &Value, kind: Kind) -> SqlValue {
    into_sql_value(value.clone(), kind)
}

/// [`sql_value`], taking the value (its text is moved, not copied).
fn into_sql_value(value: Value, kind: Kind) -> SqlValue {
    match (value, kind) {
        (Value::Null, _) => SqlValue::Null,
        (Value::Number(n), Kind::Real) => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        (Value::String(s), _) => SqlValue::Text(s),
        (other, _) => SqlValue::Text(other.to_string()),
    }
}

/// Where each field of a layer's rows goes among a writer's columns: worked out from one
/// row and checked against each next one, since a layer's items list the same fields in the
/// same order (a row that differs is placed field by field).
pub(super) struct Placement {
    columns: Vec<(String, Kind)>,
    fields: Vec<&'static str>,
    /// Per field, its column; `None` for one that has none (`version` is never written).
    slots: Vec<Option<usize>>,
}

impl Placement {
    /// The placement of `fields` (a row's, in order) among `columns` (a [`RowWriter`]'s).
    pub(super) fn new(columns: &[(String, Kind)], fields: Vec<&'static str>) -> Placement {
        let slots = fields.iter().map(|key| column_of(columns, key)).collect();
        Placement { columns: columns.to_vec(), fields, slots }
    }

    /// A row's values in column order, taken from its fields (see
    /// [`crate::inventory::export::Exported::stored_fields`]); the fields come back as
    /// properties when one of them has no column.
    pub(super) fn values(&self, fields: Vec<(&'static str, Value)>) -> Result<Vec<SqlValue>, Map<String, Value>> {
        let same = fields.len() == self.fields.len() && fields.iter().zip(&self.fields).all(|((key, _), known)| std::ptr::eq(*key, *known) || key == known);
        let slots: Vec<Option<usize>> = if same { Vec::new() } else { fields.iter().map(|(key, _)| column_of(&self.columns, key)).collect() };
        let slots = if same { &self.slots } else { &slots };
        if fields.iter().zip(slots).any(|((key, _), slot)| slot.is_none() && *key != "version") {
            return Err(fields.into_iter().map(|(key, value)| (key.to_string(), value)).collect());
        }
        let mut values = vec![SqlValue::Null; self.columns.len()];
        for ((_, value), slot) in fields.into_iter().zip(slots) {
            if let Some(i) = *slot {
                values[i] = into_sql_value(value, self.columns[i].1);
            }
        }
        Ok(values)
    }
}

/// The position of `key` among `columns` (sorted by name, as a [`RowWriter`] keeps them).
fn column_of(columns: &[(String, Kind)], key: &str) -> Option<usize> {
    columns.binary_search_by(|(column, _)| column.as_str().cmp(key)).ok()
}

/// The columns of a feature table, adding those `properties` need (JSON ones declared so).
pub(super) fn ensure_columns(tx: &Connection, table: &str, properties: &Map<String, Value>) -> rusqlite::Result<HashMap<String, Kind>> {
    let mut kinds = columns(tx, table)?;
    for (key, value) in properties {
        if kinds.contains_key(key) {
            continue;
        }
        let kind = Kind::of(value).unwrap_or(Kind::for_nulls(key));
        tx.execute(&format!("ALTER TABLE {} ADD COLUMN {} {}", quote(table), quote(key), kind.sql()), [])?;
        if kind == Kind::Json {
            tx.execute("INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?1, ?2, ?2, 'application/json')", params![table, key])?;
        }
        kinds.insert(key.clone(), kind);
    }
    Ok(kinds)
}

/// How [`write_feature`] writes a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Write {
    /// A new row at version 1.
    Insert,
    /// The row of the same `id`, one version up; columns the properties lack become null.
    Update,
}

/// Writes one feature's row; the table must have every column of `properties` (see
/// [`ensure_columns`]). A constraint violation (a taken id) comes back as SQLite's error.
pub(super) fn write_feature(tx: &Connection, table: &str, kinds: &HashMap<String, Kind>, properties: &Map<String, Value>, geometry: &Geometry, how: Write) -> Result<(), WriteError> {
    let blob = crate::export::gpkg::geometry_blob(geometry).map_err(|e| WriteError::Geometry(e.to_string()))?;
    write_row(tx, table, kinds, properties, blob, how).map_err(WriteError::Sql)
}

/// [`write_feature`] with the geometry already encoded as a GeoPackage blob.
pub(super) fn write_row(tx: &Connection, table: &str, kinds: &HashMap<String, Kind>, properties: &Map<String, Value>, blob: Vec<u8>, how: Write) -> rusqlite::Result<()> {
    RowWriter::new(tx, table, kinds)?.write(properties, &blob, how)
}

/// Writes rows of one feature table through two statements prepared once: an insert and an
/// update by id, each naming every property column (a property a row lacks is null).
pub(super) struct RowWriter<'c> {
    columns: Vec<(String, Kind)>,
    insert: rusqlite::CachedStatement<'c>,
    update: rusqlite::CachedStatement<'c>,
}

impl<'c> RowWriter<'c> {
    /// The statements for `table`, whose columns are `kinds`.
    pub(super) fn new(tx: &'c Connection, table: &str, kinds: &HashMap<String, Kind>) -> rusqlite::Result<RowWriter<'c>> {
        let mut columns: Vec<(String, Kind)> =
            kinds.iter().filter(|(key, _)| !matches!(key.as_str(), "fid" | "geom" | "version")).map(|(key, kind)| (key.clone(), *kind)).collect();
        columns.sort_by(|a, b| a.0.cmp(&b.0));
        let names: Vec<String> = std::iter::once("geom".to_string()).chain(columns.iter().map(|(key, _)| quote(key))).collect();
        let slots: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {} ({}, version) VALUES ({}, 1)", quote(table), names.join(", "), slots.join(", "));
        let sets: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{n} = ?{}", i + 1)).collect();
        let update = format!("UPDATE {} SET {}, version = version + 1 WHERE id = ?{}", quote(table), sets.join(", "), names.len() + 1);
        Ok(RowWriter { columns, insert: tx.prepare_cached(&insert)?, update: tx.prepare_cached(&update)? })
    }

    /// The property columns, in the order [`RowWriter::write_values`] takes them.
    pub(super) fn columns(&self) -> &[(String, Kind)] {
        &self.columns
    }

    /// Inserts a row at version 1, or updates the row of the same `id` one version up.
    pub(super) fn write(&mut self, properties: &Map<String, Value>, blob: &[u8], how: Write) -> rusqlite::Result<()> {
        let values: Vec<SqlValue> = self.columns.iter().map(|(key, kind)| sql_value(properties.get(key).unwrap_or(&Value::Null), *kind)).collect();
        let id = properties.get("id").and_then(Value::as_str).unwrap_or_default();
        self.write_values(id, &values, blob, how)
    }

    /// [`RowWriter::write`] with the values in column order (see [`row_values`]).
    pub(super) fn write_values(&mut self, id: &str, values: &[SqlValue], blob: &[u8], how: Write) -> rusqlite::Result<()> {
        let statement = match how {
            Write::Insert => &mut self.insert,
            Write::Update => &mut self.update,
        };
        statement.raw_bind_parameter(1, blob)?;
        for (i, value) in values.iter().enumerate() {
            statement.raw_bind_parameter(i + 2, value)?;
        }
        if how == Write::Update {
            statement.raw_bind_parameter(values.len() + 2, id)?;
        }
        statement.raw_execute().map(|_| ())
    }
}

/// Why a row could not be written.
pub(super) enum WriteError {
    /// The geometry cannot be encoded.
    Geometry(String),
    /// SQLite refused.
    Sql(rusqlite::Error),
}
