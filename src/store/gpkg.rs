//! The embedded store: one GeoPackage file (SQLite in WAL mode). Each layer is a GeoPackage
//! feature table with the public properties as columns (lists and objects as JSON, declared
//! `application/json` in `gpkg_data_columns` so GDAL reads them as JSON), an `id` that is
//! unique, and a `version` for optimistic concurrency. The catalogue and the policy measures
//! are kept as documents in `chanye_documents`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use geo::Geometry;
use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde_json::{Map, Value};

use super::{Actor, AuditEntry, AuditQuery, Batch, Change, Committed, Dataset, Edit, Imported, Store, StoreError};
use crate::export::gpkg::{create_metadata, geometry_blob, quote, register_feature_table};
use crate::inventory::export::Exported;
use crate::inventory::{self, check_policies, Layer, LayerName, LayerSource, LoadOptions, Loaded, NoProgress, Shape, Snapshot, Space};
use crate::model::{check_transition, Catalogue, Role, SpaceStatus};

/// The document names in `chanye_documents`.
const CATALOGUE: &str = "industries.json";
const POLICIES: &str = "policies.json";

/// A GeoPackage store. One connection, used by one writer at a time.
pub struct GpkgStore {
    path: PathBuf,
    db: Mutex<Connection>,
}

/// A token as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: String,
    /// When it was made.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// What the store holds besides versions and tokens.
struct Stored {
    layers: Vec<LayerSource>,
    catalogue: Option<String>,
    policies: Option<String>,
}

/// How a column's values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Real,
    Json,
}

impl Kind {
    fn of(value: &Value) -> Option<Kind> {
        match value {
            Value::Null => None,
            Value::Number(_) => Some(Kind::Real),
            Value::Array(_) | Value::Object(_) => Some(Kind::Json),
            Value::String(_) | Value::Bool(_) => Some(Kind::Text),
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Kind::Text | Kind::Json => "TEXT",
            Kind::Real => "REAL",
        }
    }
}

impl GpkgStore {
    fn error(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sqlite { path: self.path.display().to_string(), source }
    }

    /// The tables of chanye's own: tokens and the audit trail (kept also in stores made
    /// before they existed).
    fn ensure_tables(path: &Path, db: &Connection) -> Result<(), StoreError> {
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
        .map_err(fail)
    }

    fn configure(path: &Path, db: &Connection) -> Result<(), StoreError> {
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        // WAL: readers never block the writer; FULL: an acknowledged commit survives power loss
        db.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        db.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
        db.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        db.busy_timeout(std::time::Duration::from_secs(10)).map_err(fail)?;
        Ok(())
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<GpkgStore, StoreError> {
        let not_a_store = |reason: &str| StoreError::NotAStore { path: path.display().to_string(), reason: reason.to_string() };
        if !path.exists() {
            return Err(not_a_store("the file does not exist"));
        }
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|source| StoreError::Sqlite { path: path.display().to_string(), source })?;
        let application_id: i64 = db.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|_| not_a_store("not an SQLite file"))?;
        if application_id != 0x4750_4B47 {
            return Err(not_a_store("not a GeoPackage (application_id is not GPKG)"));
        }
        let has_documents: bool = db
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'chanye_documents'", [], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
            .map_err(|_| not_a_store("unreadable"))?;
        if !has_documents {
            return Err(not_a_store("a GeoPackage without chanye's tables"));
        }
        Self::configure(path, &db)?;
        Self::ensure_tables(path, &db)?;
        Ok(GpkgStore { path: path.to_path_buf(), db: Mutex::new(db) })
    }

    /// Creates an empty store; the file must not exist.
    pub fn create(path: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return Err(StoreError::NotAStore { path: path.display().to_string(), reason: "the file already exists".into() });
        }
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let db = Connection::open(path).map_err(fail)?;
        Self::configure(path, &db)?;
        create_metadata(&db).map_err(fail)?;
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
        Self::ensure_tables(path, &db)?;
        Ok(GpkgStore { path: path.to_path_buf(), db: Mutex::new(db) })
    }

    /// Makes a bearer token for `name` with `role` and returns it; only its SHA-256 is kept,
    /// so it is shown this once. Names are unique.
    pub fn create_token(&self, name: &str, role: Role) -> Result<String, StoreError> {
        if name.trim().is_empty() {
            return Err(StoreError::Refused("a token needs a name".into()));
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|e| StoreError::Refused(format!("no randomness available: {e}")))?;
        let token = format!("cy_{}", secret.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let db = self.connection();
        let taken: i64 = db.query_row("SELECT count(*) FROM chanye_tokens WHERE name = ?1", [name], |r| r.get(0)).map_err(self.error())?;
        if taken > 0 {
            return Err(StoreError::Refused(format!("a token named '{name}' exists; revoke it or choose another name")));
        }
        db.execute(
            "INSERT INTO chanye_tokens (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), token_hash(&token).to_vec(), now()],
        )
        .map_err(self.error())?;
        Ok(token)
    }

    /// Revokes the token called `name`; false when there is no such live token.
    pub fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        let n = self
            .connection()
            .execute("UPDATE chanye_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL", params![name, now()])
            .map_err(self.error())?;
        Ok(n > 0)
    }

    /// Every token (never the token itself), by name.
    pub fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let db = self.connection();
        let mut q = db.prepare("SELECT name, role, created_at, revoked_at FROM chanye_tokens ORDER BY name").map_err(self.error())?;
        let rows = q
            .query_map([], |r| Ok(TokenInfo { name: r.get(0)?, role: r.get(1)?, created_at: r.get(2)?, revoked_at: r.get(3)? }))
            .map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }

    /// Opens the store at `path`, or creates it and imports the data directory `seed` into it.
    pub fn open_or_seed(path: &Path, seed: &Path) -> Result<GpkgStore, StoreError> {
        if path.exists() {
            return GpkgStore::open(path);
        }
        let (layers, _) = inventory::read_dir(seed).map_err(StoreError::Inventory)?;
        let read = |name: &str| std::fs::read_to_string(seed.join(name)).ok();
        let dataset = Dataset { layers, catalogue: read(CATALOGUE), policies: read(POLICIES) };
        let store = GpkgStore::create(path)?;
        if let Err(e) = store.import(&dataset) {
            drop(store);
            // a store that never held data is not worth keeping
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            return Err(e);
        }
        Ok(store)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a compact copy of the whole store to `out`, which must not exist.
    pub fn copy_to(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Missing(format!("{} exists; give a new file", out.display())));
        }
        let target = out.to_str().ok_or_else(|| StoreError::Missing(format!("{} is not a UTF-8 path", out.display())))?;
        self.connection().execute("VACUUM INTO ?1", [target]).map_err(self.error())?;
        Ok(())
    }

    /// Writes the store as a data directory: one GeoJSON file per layer, industries.json and
    /// policies.json; `out` must not exist.
    pub fn export_dir(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Missing(format!("{} exists; give a new directory", out.display())));
        }
        let loaded = self.snapshot()?;
        let (catalogue, policies) = {
            let db = self.connection();
            (Self::document(&db, CATALOGUE).map_err(self.error())?, Self::document(&db, POLICIES).map_err(self.error())?)
        };
        let io = |e: std::io::Error| StoreError::Missing(format!("{}: {e}", out.display()));
        std::fs::create_dir_all(out).map_err(io)?;
        for (layer, count) in loaded.snapshot.counts() {
            if count == 0 && layer != LayerName::Districts {
                continue;
            }
            let fc = crate::inventory::export::layer_collection(&loaded.snapshot, layer);
            let text = serde_json::to_string(&fc).map_err(|e| StoreError::Missing(e.to_string()))?;
            std::fs::write(out.join(format!("{layer}.geojson")), text).map_err(io)?;
        }
        for (name, text) in [(CATALOGUE, catalogue), (POLICIES, policies)] {
            if let Some(text) = text {
                std::fs::write(out.join(name), text).map_err(io)?;
            }
        }
        Ok(())
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // a panic while holding the lock leaves SQLite consistent: transactions roll back on drop
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn document(db: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
        db.query_row("SELECT content FROM chanye_documents WHERE name = ?1", [name], |r| r.get(0)).optional()
    }

    fn has_table(db: &Connection, name: &str) -> rusqlite::Result<bool> {
        db.query_row("SELECT count(*) FROM gpkg_contents WHERE table_name = ?1", [name], |r| r.get::<_, i64>(0)).map(|n| n > 0)
    }

    /// One feature table as GeoJSON FeatureCollection text for the loader, the properties
    /// from its columns. Reads chanye's own tables and those GDAL writes (`ogr2ogr -f GPKG`):
    /// the geometry column comes from `gpkg_geometry_columns`, the key column is skipped,
    /// JSON columns are parsed, and GDAL's string lists (`(2:出让,租赁)`) become arrays.
    fn table_source(db: &Connection, table: &str, layer: LayerName, origin: &str) -> Result<LayerSource, rusqlite::Error> {
        let geometry_column: String =
            db.query_row("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| r.get(0)).optional()?.unwrap_or_else(|| "geom".into());
        let json_columns: Vec<String> = if Self::has_sqlite_table(db, "gpkg_data_columns")? {
            db.prepare("SELECT column_name FROM gpkg_data_columns WHERE table_name = ?1 AND mime_type = 'application/json'")?
                .query_map([table], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let key_columns: Vec<String> =
            db.prepare(&format!("PRAGMA table_info({})", quote(table)))?.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?.filter_map(|c| c.ok()).filter(|(_, pk)| *pk > 0).map(|(name, _)| name).collect();
        let mut statement = db.prepare(&format!("SELECT * FROM {}", quote(table)))?;
        let names: Vec<String> = statement.column_names().into_iter().map(str::to_string).collect();
        let mut features = Vec::new();
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let mut properties = Map::new();
            let mut geometry = Value::Null;
            for (i, name) in names.iter().enumerate() {
                let value = row.get_ref(i)?;
                if *name == geometry_column {
                    if let rusqlite::types::ValueRef::Blob(blob) = value {
                        geometry = match GpkgWkb(blob).to_geo() {
                            Ok(g) => serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(&g))).unwrap_or(Value::Null),
                            // the loader then names the feature and the problem
                            Err(e) => Value::String(format!("unreadable geometry: {e}")),
                        };
                    }
                    continue;
                }
                if key_columns.contains(name) || name == "version" {
                    continue;
                }
                let v = match value {
                    rusqlite::types::ValueRef::Null | rusqlite::types::ValueRef::Blob(_) => Value::Null,
                    rusqlite::types::ValueRef::Integer(n) => Value::from(n),
                    rusqlite::types::ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
                    rusqlite::types::ValueRef::Text(t) => {
                        let text = String::from_utf8_lossy(t).into_owned();
                        if json_columns.contains(name) {
                            serde_json::from_str(&text).unwrap_or(Value::String(text))
                        } else {
                            gdal_string_list(&text).unwrap_or(Value::String(text))
                        }
                    }
                };
                properties.insert(name.clone(), v);
            }
            features.push(serde_json::json!({ "type": "Feature", "geometry": geometry, "properties": properties }));
        }
        let text = serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string();
        Ok(LayerSource { layer, origin: origin.to_string(), text })
    }

    fn has_sqlite_table(db: &Connection, name: &str) -> rusqlite::Result<bool> {
        db.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |r| r.get::<_, i64>(0)).map(|n| n > 0)
    }

    /// One layer of this store, if it has one.
    fn layer_source(db: &Connection, layer: LayerName) -> Result<Option<LayerSource>, rusqlite::Error> {
        if !Self::has_table(db, layer.as_str())? {
            return Ok(None);
        }
        Self::table_source(db, layer.as_str(), layer, &format!("{layer} layer")).map(Some)
    }

    /// The layers of any GeoPackage file (GDAL's included): feature tables named after a
    /// layer, or the one feature table of a file named after its layer (`parcels.gpkg`).
    pub fn read_layers(path: &Path) -> Result<Vec<LayerSource>, StoreError> {
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
        let tables: Vec<String> = db
            .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .map_err(|_| StoreError::NotAStore { path: path.display().to_string(), reason: "not a GeoPackage (no gpkg_contents)".into() })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).and_then(LayerName::parse);
        let mut layers = Vec::new();
        for table in &tables {
            let layer = match (LayerName::parse(table), stem) {
                (Some(layer), _) => layer,
                (None, Some(layer)) if tables.len() == 1 => layer,
                _ => continue,
            };
            let origin = format!("{} ({table})", path.display());
            layers.push(Self::table_source(&db, table, layer, &origin).map_err(fail)?);
        }
        if layers.is_empty() {
            return Err(StoreError::Missing(format!(
                "{}: no feature table is named after a layer (districts, parks, zones, parcels, buildings), nor is the file with its one table",
                path.display()
            )));
        }
        Ok(layers)
    }

    /// Everything the store holds: layer texts, catalogue and policies.
    fn read_all(&self, db: &Connection) -> Result<Stored, StoreError> {
        let fail = self.error();
        let mut layers = Vec::new();
        for layer in LayerName::ALL {
            if let Some(source) = Self::layer_source(db, layer).map_err(&fail)? {
                layers.push(source);
            }
        }
        Ok(Stored { layers, catalogue: Self::document(db, CATALOGUE).map_err(&fail)?, policies: Self::document(db, POLICIES).map_err(&fail)? })
    }

    /// Writes one layer of a validated snapshot as a fresh feature table.
    fn write_layer<T: Exported>(db: &Connection, layer: &Layer<T>, name: LayerName) -> Result<usize, StoreError> {
        let fail = |e: rusqlite::Error| StoreError::Sqlite { path: name.to_string(), source: e };
        let properties: Vec<Map<String, Value>> = layer.items().iter().map(|f| f.stored_properties()).collect();
        // columns in property order; a column's kind is that of its first non-null value
        let mut keys: Vec<&String> = Vec::new();
        for key in properties.iter().flat_map(|m| m.keys()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let columns: Vec<(String, Kind)> = keys
            .into_iter()
            .map(|key| (key.clone(), properties.iter().find_map(|m| m.get(key).and_then(Kind::of)).unwrap_or(Kind::Text)))
            .collect();
        let table = name.as_str();
        db.execute(&format!("DROP TABLE IF EXISTS {}", quote(table)), []).map_err(fail)?;
        for meta in ["gpkg_geometry_columns", "gpkg_data_columns", "gpkg_contents"] {
            db.execute(&format!("DELETE FROM {meta} WHERE table_name = ?1"), [table]).map_err(fail)?;
        }
        let mut ddl = format!("CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}", quote(table), geometry_type(name));
        for (key, kind) in &columns {
            ddl.push_str(&format!(", {} {}", quote(key), kind.sql()));
            if key == "id" {
                ddl.push_str(" NOT NULL UNIQUE");
            }
        }
        ddl.push_str(", version INTEGER NOT NULL DEFAULT 1)");
        db.execute(&ddl, []).map_err(fail)?;
        let extent = layer.extent();
        let (title, description) = crate::features::describe(name);
        register_feature_table(db, table, &format!("{title}: {description}"), geometry_type(name), extent).map_err(fail)?;
        for (key, _) in columns.iter().filter(|(_, kind)| *kind == Kind::Json) {
            db.execute(
                "INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?1, ?2, ?2, 'application/json')",
                params![table, key],
            )
            .map_err(fail)?;
        }
        let names: Vec<String> = std::iter::once("geom".to_string()).chain(columns.iter().map(|(k, _)| quote(k))).collect();
        let slots: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let mut insert = db.prepare(&format!("INSERT INTO {} ({}) VALUES ({})", quote(table), names.join(", "), slots.join(", "))).map_err(fail)?;
        for (item, map) in layer.items().iter().zip(&properties) {
            let geometry = match item.shape() {
                Shape::Area(a) => Geometry::MultiPolygon(a.clone()),
                Shape::Point(p) => Geometry::Point(p),
            };
            let blob = geometry_blob(&geometry).map_err(|e| StoreError::Missing(format!("{name} {}: {e}", item.id())))?;
            let mut values = vec![rusqlite::types::Value::Blob(blob)];
            for (key, kind) in &columns {
                values.push(sql_value(map.get(key.as_str()).unwrap_or(&Value::Null), *kind));
            }
            insert.execute(rusqlite::params_from_iter(values)).map_err(fail)?;
        }
        Ok(layer.len())
    }
}

/// The current instant, UTC, RFC 3339 with milliseconds.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// What is kept of a token.
fn token_hash(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// GDAL writes a string list it cannot store natively as `(count:a,b,…)`.
fn gdal_string_list(text: &str) -> Option<Value> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let (count, items) = inner.split_once(':')?;
    let count: usize = count.parse().ok()?;
    let items: Vec<Value> = if items.is_empty() { Vec::new() } else { items.split(',').map(|s| Value::String(s.to_string())).collect() };
    (items.len() == count).then_some(Value::Array(items))
}

/// The declared geometry type of a layer's table.
fn geometry_type(layer: LayerName) -> &'static str {
    if layer == LayerName::Buildings {
        "GEOMETRY"
    } else {
        "MULTIPOLYGON"
    }
}

/// Loads layer texts with a catalogue and policies, strictly.
fn load_all(layers: &[LayerSource], catalogue: &str, policies: Option<&str>) -> Result<Loaded, StoreError> {
    let catalogue = Catalogue::from_json(catalogue).map_err(|e| StoreError::Inventory(e.into()))?;
    let mut loaded = inventory::load(layers, Arc::new(catalogue), LoadOptions::default(), &NoProgress).map_err(|e| match e {
        inventory::InventoryError::Invalid(report) => StoreError::Invalid(report),
        other => StoreError::Inventory(other),
    })?;
    if let Some(text) = policies {
        loaded.snapshot.policies = Arc::new(check_policies(text, &loaded.snapshot).map_err(StoreError::Inventory)?);
    }
    Ok(loaded)
}

fn write_snapshot_layer(db: &Connection, snapshot: &Snapshot, layer: LayerName) -> Result<usize, StoreError> {
    match layer {
        LayerName::Districts => GpkgStore::write_layer(db, &snapshot.districts, layer),
        LayerName::Parks => GpkgStore::write_layer(db, &snapshot.parks, layer),
        LayerName::Zones => GpkgStore::write_layer(db, &snapshot.zones, layer),
        LayerName::Parcels => GpkgStore::write_layer(db, &snapshot.parcels, layer),
        LayerName::Buildings => GpkgStore::write_layer(db, &snapshot.buildings, layer),
    }
}

/// Why one edit failed: refused (the batch goes on) or SQLite failed.
enum Failure {
    Refusal(StoreError),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sql(e)
    }
}

/// The stored version of a feature, checked against what the caller saw.
fn checked_version(tx: &Connection, layer: LayerName, id: &str, expected: u64) -> Result<u64, Failure> {
    let version: Option<i64> = tx.query_row(&format!("SELECT version FROM {} WHERE id = ?1", quote(layer.as_str())), [id], |r| r.get(0)).optional()?;
    let Some(version) = version else {
        return Err(Failure::Refusal(StoreError::NotFound { layer, id: id.to_string() }));
    };
    let version = version as u64;
    if version != expected {
        return Err(Failure::Refusal(StoreError::Conflict { layer, id: id.to_string(), expected, current: version }));
    }
    Ok(version)
}

/// The columns of a feature table and how each is kept.
fn columns(tx: &Connection, table: &str) -> rusqlite::Result<HashMap<String, Kind>> {
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
fn sql_value(value: &Value, kind: Kind) -> rusqlite::types::Value {
    match (value, kind) {
        (Value::Null, _) => rusqlite::types::Value::Null,
        (Value::Number(n), Kind::Real) => rusqlite::types::Value::Real(n.as_f64().unwrap_or(f64::NAN)),
        (Value::String(s), _) => rusqlite::types::Value::Text(s.clone()),
        (other, _) => rusqlite::types::Value::Text(other.to_string()),
    }
}

/// Writes a space's row (inserting it at version 1, or overwriting it one version up),
/// adding any column the table lacks.
fn write_row(tx: &Connection, space: &Space, insert: bool) -> Result<(), Failure> {
    let table = space.layer().as_str();
    let properties = space.stored_properties();
    let mut kinds = columns(tx, table)?;
    for (key, value) in &properties {
        if kinds.contains_key(key) {
            continue;
        }
        let kind = Kind::of(value).unwrap_or(Kind::Text);
        tx.execute(&format!("ALTER TABLE {} ADD COLUMN {} {}", quote(table), quote(key), kind.sql()), [])?;
        if kind == Kind::Json {
            tx.execute("INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?1, ?2, ?2, 'application/json')", params![table, key])?;
        }
        kinds.insert(key.clone(), kind);
    }
    let blob = geometry_blob(&space.geometry()).map_err(|e| Failure::Refusal(StoreError::Refused(format!("{} {}: {e}", space.layer(), space.id()))))?;
    let mut values = vec![rusqlite::types::Value::Blob(blob)];
    let mut names = vec!["geom".to_string()];
    for (key, value) in &properties {
        names.push(quote(key));
        values.push(sql_value(value, kinds[key]));
    }
    let sql = if insert {
        let slots: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {} ({}, version) VALUES ({}, 1)", quote(table), names.join(", "), slots.join(", "))
    } else {
        let sets: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{n} = ?{}", i + 1)).collect();
        values.push(rusqlite::types::Value::Text(space.id().to_string()));
        format!("UPDATE {} SET {}, version = version + 1 WHERE id = ?{}", quote(table), sets.join(", "), values.len())
    };
    match tx.execute(&sql, rusqlite::params_from_iter(values)) {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            Err(Failure::Refusal(StoreError::Refused(format!("{} already has '{}'", space.layer(), space.id()))))
        }
        other => other.map(|_| ()).map_err(Failure::Sql),
    }
}

/// The properties that differ between two property maps: (before, after).
fn changed(before: &Map<String, Value>, after: &Map<String, Value>) -> (Value, Value) {
    let mut old = Map::new();
    let mut new = Map::new();
    for key in before.keys().chain(after.keys().filter(|k| !before.contains_key(*k))) {
        let (a, b) = (before.get(key).unwrap_or(&Value::Null), after.get(key).unwrap_or(&Value::Null));
        if a != b {
            old.insert(key.clone(), a.clone());
            new.insert(key.clone(), b.clone());
        }
    }
    (Value::Object(old), Value::Object(new))
}

/// An audit entry in the making.
struct Entry<'a> {
    layer: LayerName,
    feature: &'a str,
    action: &'a str,
    before: Value,
    after: Value,
    geometry_changed: bool,
    project: Option<&'a str>,
    project_id: Option<&'a str>,
    note: Option<&'a str>,
}

fn record(tx: &Connection, actor: &Actor, e: Entry) -> rusqlite::Result<i64> {
    let text = |v: &Value| (!v.is_null()).then(|| v.to_string());
    tx.execute(
        "INSERT INTO chanye_audit (at, actor, role, layer, feature, action, before, after, geometry_changed, project, project_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            now(),
            actor.name,
            actor.role.as_str(),
            e.layer.as_str(),
            e.feature,
            e.action,
            text(&e.before),
            text(&e.after),
            e.geometry_changed as i64,
            e.project,
            e.project_id,
            e.note
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Applies one edit inside the open transaction.
fn apply_one(tx: &Connection, edit: &Edit) -> Result<Committed, Failure> {
    let actor = &edit.actor;
    match &edit.change {
        Change::Status(change) => {
            let layer = change.layer;
            let table = quote(layer.as_str());
            let version = checked_version(tx, layer, &change.id, change.expected_version)?;
            let status: String = tx.query_row(&format!("SELECT status FROM {table} WHERE id = ?1"), [&change.id], |r| r.get(0))?;
            let from: SpaceStatus = status.parse().map_err(|e: crate::model::UnknownValue| Failure::Refusal(StoreError::Refused(e.to_string())))?;
            if let Err(reason) = check_transition(from, change.to, actor.role) {
                // allowed to a higher role: the role is what is missing
                let higher = Role::ALL.into_iter().any(|r| r > actor.role && check_transition(from, change.to, r).is_ok());
                return Err(Failure::Refusal(if higher { StoreError::Forbidden(reason) } else { StoreError::Refused(reason) }));
            }
            let kinds = columns(tx, layer.as_str())?;
            for key in crate::inventory::export::CONFIDENTIAL_PROPERTIES {
                if !kinds.contains_key(key) {
                    tx.execute(&format!("ALTER TABLE {table} ADD COLUMN {} TEXT", quote(key)), [])?;
                }
            }
            // the project is what a space is held for; one back on offer or idle has none
            let cleared = matches!(change.to, SpaceStatus::Available | SpaceStatus::Idle);
            tx.execute(
                &format!(
                    "UPDATE {table} SET status = ?1, version = version + 1,
                        project = CASE WHEN ?3 THEN NULL ELSE coalesce(?4, project) END,
                        project_id = CASE WHEN ?3 THEN NULL ELSE coalesce(?5, project_id) END
                     WHERE id = ?2"
                ),
                params![change.to.as_str(), change.id, cleared, change.project, change.project_id],
            )?;
            let audit_seq = record(
                tx,
                actor,
                Entry {
                    layer,
                    feature: &change.id,
                    action: "status",
                    before: serde_json::json!({ "status": from.as_str() }),
                    after: serde_json::json!({ "status": change.to.as_str() }),
                    geometry_changed: false,
                    project: change.project.as_deref(),
                    project_id: change.project_id.as_deref(),
                    note: change.note.as_deref(),
                },
            )?;
            Ok(Committed { version: version + 1, audit_seq })
        }
        Change::Create(space) => {
            write_row(tx, space, true)?;
            let after = Value::Object(space.stored_properties());
            let entry = Entry { layer: space.layer(), feature: space.id(), action: "create", before: Value::Null, after, geometry_changed: true, project: None, project_id: None, note: None };
            Ok(Committed { version: 1, audit_seq: record(tx, actor, entry)? })
        }
        Change::Update { expected_version, before, after } => {
            let version = checked_version(tx, after.layer(), after.id(), *expected_version)?;
            write_row(tx, after, false)?;
            let (old, new) = changed(&before.stored_properties(), &after.stored_properties());
            let geometry_changed = !before.same_geometry(after);
            let entry = Entry { layer: after.layer(), feature: after.id(), action: "update", before: old, after: new, geometry_changed, project: None, project_id: None, note: None };
            Ok(Committed { version: version + 1, audit_seq: record(tx, actor, entry)? })
        }
        Change::Delete { expected_version, before } => {
            let version = checked_version(tx, before.layer(), before.id(), *expected_version)?;
            tx.execute(&format!("DELETE FROM {} WHERE id = ?1", quote(before.layer().as_str())), [before.id()])?;
            let old = Value::Object(before.stored_properties());
            let entry = Entry { layer: before.layer(), feature: before.id(), action: "delete", before: old, after: Value::Null, geometry_changed: true, project: None, project_id: None, note: None };
            Ok(Committed { version: version + 1, audit_seq: record(tx, actor, entry)? })
        }
    }
}

impl Store for GpkgStore {
    fn snapshot(&self) -> Result<Loaded, StoreError> {
        let db = self.connection();
        let Stored { layers, catalogue, policies } = self.read_all(&db)?;
        let catalogue = catalogue.ok_or_else(|| StoreError::Missing(format!("{} holds no industry catalogue; import industries.json", self.path.display())))?;
        drop(db);
        let mut loaded = load_all(&layers, &catalogue, policies.as_deref())?;
        let versions = self.versions(LayerName::Parcels)?;
        loaded.snapshot.parcels.update_all(|p| p.version = versions.get(&p.id).copied().unwrap_or(1));
        let versions = self.versions(LayerName::Buildings)?;
        loaded.snapshot.buildings.update_all(|b| b.version = versions.get(&b.id).copied().unwrap_or(1));
        Ok(loaded)
    }

    fn import(&self, dataset: &Dataset) -> Result<Imported, StoreError> {
        let mut db = self.connection();
        let Stored { layers: kept, catalogue: stored_catalogue, policies: stored_policies } = self.read_all(&db)?;
        let replaced: Vec<LayerName> = dataset.layers.iter().map(|s| s.layer).collect();
        let mut layers: Vec<LayerSource> = kept.into_iter().filter(|s| !replaced.contains(&s.layer)).collect();
        layers.extend(dataset.layers.iter().cloned());
        let catalogue = dataset
            .catalogue
            .clone()
            .or(stored_catalogue)
            .ok_or_else(|| StoreError::Missing("no industry catalogue: import industries.json with the layers".into()))?;
        let policies = dataset.policies.clone().or(stored_policies);
        // validate everything together before writing anything
        let loaded = load_all(&layers, &catalogue, policies.as_deref())?;
        let fail = self.error();
        let tx = db.transaction().map_err(&fail)?;
        let mut counts = BTreeMap::new();
        for layer in LayerName::ALL.into_iter().filter(|l| replaced.contains(l)) {
            counts.insert(layer, write_snapshot_layer(&tx, &loaded.snapshot, layer)?);
        }
        for (name, text) in [(CATALOGUE, &dataset.catalogue), (POLICIES, &dataset.policies)] {
            if let Some(text) = text {
                tx.execute("INSERT OR REPLACE INTO chanye_documents (name, content) VALUES (?1, ?2)", params![name, text]).map_err(&fail)?;
            }
        }
        tx.commit().map_err(&fail)?;
        Ok(Imported { layers: counts.into_iter().collect(), catalogue: dataset.catalogue.is_some(), policies: dataset.policies.is_some() })
    }

    fn versions(&self, layer: LayerName) -> Result<std::collections::HashMap<String, u64>, StoreError> {
        let db = self.connection();
        if !Self::has_table(&db, layer.as_str()).map_err(self.error())? {
            return Ok(Default::default());
        }
        let mut q = db.prepare(&format!("SELECT id, version FROM {}", quote(layer.as_str()))).map_err(self.error())?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))).map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }

    fn authenticate(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        use subtle::ConstantTimeEq;
        let wanted = token_hash(token);
        let db = self.connection();
        let mut q = db.prepare("SELECT name, role, hash FROM chanye_tokens WHERE revoked_at IS NULL").map_err(self.error())?;
        let rows = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))).map_err(self.error())?;
        let mut found = None;
        // every live hash is compared, each in constant time, so timing says nothing of the token
        for row in rows {
            let (name, role, hash) = row.map_err(self.error())?;
            if bool::from(hash.as_slice().ct_eq(&wanted)) {
                found = role.parse::<Role>().ok().map(|role| Actor { name, role });
            }
        }
        Ok(found)
    }

    fn apply(&self, edits: &[Edit], batch: Batch) -> Result<Vec<Result<Committed, StoreError>>, StoreError> {
        let mut db = self.connection();
        let fail = self.error();
        let tx = db.transaction().map_err(&fail)?;
        let mut answers = Vec::with_capacity(edits.len());
        let mut touched = Vec::new();
        for edit in edits {
            if batch == Batch::Each {
                tx.execute_batch("SAVEPOINT edit").map_err(&fail)?;
            }
            let answer = apply_one(&tx, edit).map_err(|e| match e {
                Failure::Refusal(e) => e,
                Failure::Sql(source) => StoreError::Sqlite { path: self.path.display().to_string(), source },
            });
            let answer = match (answer, batch) {
                // dropping the transaction rolls back everything
                (Err(e), Batch::Atomic) => return Err(e),
                (Err(e), Batch::Each) => {
                    tx.execute_batch("ROLLBACK TO edit; RELEASE edit").map_err(&fail)?;
                    Err(e)
                }
                (Ok(c), Batch::Each) => {
                    tx.execute_batch("RELEASE edit").map_err(&fail)?;
                    Ok(c)
                }
                (Ok(c), Batch::Atomic) => Ok(c),
            };
            if answer.is_ok() {
                touched.push(edit.change.target().0);
            }
            answers.push(answer);
        }
        touched.dedup();
        for layer in touched {
            tx.execute("UPDATE gpkg_contents SET last_change = ?2 WHERE table_name = ?1", params![layer.as_str(), now()]).map_err(&fail)?;
        }
        tx.commit().map_err(&fail)?;
        Ok(answers)
    }

    fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let db = self.connection();
        let mut q = db
            .prepare(
                "SELECT seq, at, actor, role, layer, feature, action, before, after, geometry_changed, project, project_id, note
                 FROM chanye_audit WHERE (?1 IS NULL OR feature = ?1) AND (?2 IS NULL OR at >= ?2) ORDER BY seq LIMIT ?3",
            )
            .map_err(self.error())?;
        let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
        let rows = q
            .query_map(params![query.feature, query.since, query.limit.max(1) as i64], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    role: r.get(3)?,
                    layer: r.get(4)?,
                    feature: r.get(5)?,
                    action: r.get(6)?,
                    before: json(r.get(7)?),
                    after: json(r.get(8)?),
                    geometry_changed: r.get::<_, i64>(9)? != 0,
                    project: r.get(10)?,
                    project_id: r.get(11)?,
                    note: r.get(12)?,
                })
            })
            .map_err(self.error())?;
        rows.collect::<Result<_, _>>().map_err(self.error())
    }
}
