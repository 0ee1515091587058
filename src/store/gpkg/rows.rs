//! Feature tables read row by row into properties and geometry: the store's own layers, a
//! chunk of rows at a time straight into the loader, and any GeoPackage's tables (GDAL's
//! included) for imports.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use geozero::wkb::GpkgWkb;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::Value;

use super::schema::{has_sqlite_table, has_table};
use crate::export::gpkg::quote;
use crate::inventory::decode::Properties;
use crate::inventory::export::FOOTPRINT;
use crate::inventory::raw::id_text;
use crate::inventory::{LayerName, LayerSource, StoredFeature, StoredLayer};

/// Rows read per chunk: enough to keep both cores busy decoding, few enough that the raw
/// rows of one chunk are small beside the layer they make.
const CHUNK: i64 = 4096;

/// What a column of `SELECT rowid, *` holds.
enum Role {
    /// The rowid, a key column or anything else not a property.
    Skipped,
    Geometry,
    Version,
    /// A property kept as JSON text, parsed.
    Json,
    /// A property kept as text (a GDAL string list included), a number or null; a building's
    /// footprint too, whose GeoJSON text the loader parses as a geometry itself.
    Plain,
}

/// How a feature table's columns are read.
struct Columns {
    /// By position in `SELECT rowid, *`.
    roles: Vec<Role>,
    /// The names of the property columns, in order, shared by every row read.
    names: Arc<[String]>,
}

impl Columns {
    /// Reads the table's geometry column (from `gpkg_geometry_columns`), its JSON columns
    /// (declared `application/json` in `gpkg_data_columns`) and its key columns.
    fn of(db: &Connection, table: &str) -> rusqlite::Result<Columns> {
        let geometry: String = db.query_row("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| r.get(0)).optional()?.unwrap_or_else(|| "geom".into());
        let json: Vec<String> = if has_sqlite_table(db, "gpkg_data_columns")? {
            db.prepare("SELECT column_name FROM gpkg_data_columns WHERE table_name = ?1 AND mime_type = 'application/json'")?.query_map([table], |r| r.get(0))?.collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        let keys: Vec<String> = db
            .prepare(&format!("PRAGMA table_info({})", quote(table)))?
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(5)?)))?
            .filter_map(|c| c.ok())
            .filter(|(_, pk)| *pk > 0)
            .map(|(name, _)| name)
            .collect();
        let all: Vec<String> = db.prepare(&select(table))?.column_names().into_iter().map(str::to_string).collect();
        let mut names = Vec::new();
        let roles = all
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let role = match name.as_str() {
                    _ if i == 0 || keys.contains(&name) => Role::Skipped,
                    _ if name == geometry => Role::Geometry,
                    "version" => Role::Version,
                    FOOTPRINT => Role::Plain,
                    _ if json.contains(&name) => Role::Json,
                    _ => Role::Plain,
                };
                if matches!(role, Role::Json | Role::Plain) {
                    names.push(name);
                }
                role
            })
            .collect();
        Ok(Columns { roles, names: names.into() })
    }

    /// One row as a feature: JSON columns parsed, GDAL's string lists (`(2:出让,租赁)`) as
    /// arrays, the key columns left out, `version` taken apart (1 when the table has none).
    fn feature(&self, row: &Row) -> rusqlite::Result<StoredFeature> {
        let mut values = Vec::with_capacity(self.names.len());
        let mut geometry = None;
        let mut version = 1;
        for (i, role) in self.roles.iter().enumerate() {
            let value = row.get_ref(i)?;
            let json = match role {
                Role::Skipped => continue,
                Role::Geometry => {
                    if let ValueRef::Blob(blob) = value {
                        geometry = Some(GpkgWkb(blob).to_geo().map_err(|e| e.to_string()));
                    }
                    continue;
                }
                Role::Version => {
                    version = value.as_i64().ok().and_then(|v| u64::try_from(v).ok()).unwrap_or(1);
                    continue;
                }
                Role::Json => true,
                Role::Plain => false,
            };
            values.push(match value {
                ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
                ValueRef::Text(t) => {
                    let text = text_of(t);
                    if json {
                        serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.into_owned()))
                    } else {
                        gdal_string_list(&text).unwrap_or_else(|| Value::String(text.into_owned()))
                    }
                }
            });
        }
        Ok(StoredFeature { properties: Properties::Columns { names: self.names.clone(), values }, geometry, version })
    }
}

/// A text column's value; SQLite does not check that text is UTF-8, so anything else is
/// read with replacement characters.
fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The query of one chunk: rows after a rowid, in rowid order (GeoPackage feature tables
/// are rowid tables, so this walks the table's own b-tree).
fn select(table: &str) -> String {
    format!("SELECT rowid, * FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {CHUNK}", quote(table))
}

/// A table's rows, a chunk at a time.
struct Chunks<'a> {
    db: &'a Connection,
    sql: String,
    columns: Columns,
    /// The ids of rows left out.
    except: &'a HashSet<String>,
    after: i64,
    done: bool,
}

impl Chunks<'_> {
    fn next_chunk(&mut self) -> rusqlite::Result<Vec<StoredFeature>> {
        let mut statement = self.db.prepare_cached(&self.sql)?;
        let mut rows = statement.query([self.after])?;
        let mut chunk = Vec::with_capacity(CHUNK as usize);
        let mut read = 0;
        while let Some(row) = rows.next()? {
            self.after = row.get(0)?;
            read += 1;
            let feature = self.columns.feature(row)?;
            if self.except.is_empty() || !feature.properties.get("id").and_then(id_text).is_some_and(|id| self.except.contains(&id)) {
                chunk.push(feature);
            }
        }
        self.done = read < CHUNK;
        Ok(chunk)
    }
}

impl Iterator for Chunks<'_> {
    type Item = Result<Vec<StoredFeature>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_chunk() {
            Ok(chunk) if chunk.is_empty() && self.done => None,
            Ok(chunk) => Some(Ok(chunk)),
            Err(e) => {
                self.done = true;
                Some(Err(format!("the rows cannot be read: {e}")))
            }
        }
    }
}

/// One feature table's rows but those of the ids in `except`, to be read in chunks by the
/// loader.
fn stored_table<'a>(db: &'a Connection, table: &str, layer: LayerName, origin: String, except: &'a HashSet<String>) -> rusqlite::Result<StoredLayer<'a>> {
    let columns = Columns::of(db, table)?;
    let rows = db.query_row(&format!("SELECT count(*) FROM {}", quote(table)), [], |r| r.get::<_, i64>(0))?;
    let rows = usize::try_from(rows).unwrap_or(0).saturating_sub(except.len());
    Ok(StoredLayer { layer, origin, rows, chunks: Box::new(Chunks { db, sql: select(table), columns, except, after: i64::MIN, done: false }) })
}

/// One layer of this store, if it has one.
pub(super) fn stored_layer(db: &Connection, layer: LayerName) -> rusqlite::Result<Option<StoredLayer<'_>>> {
    static NONE: std::sync::OnceLock<HashSet<String>> = std::sync::OnceLock::new();
    stored_layer_except(db, layer, NONE.get_or_init(HashSet::new))
}

/// One layer of this store but the rows of the ids in `except`, if it has the layer.
pub(super) fn stored_layer_except<'a>(db: &'a Connection, layer: LayerName, except: &'a HashSet<String>) -> rusqlite::Result<Option<StoredLayer<'a>>> {
    if !has_table(db, layer.as_str())? {
        return Ok(None);
    }
    stored_table(db, layer.as_str(), layer, format!("{layer} layer"), except).map(Some)
}

/// Reads one layer's stored features' properties by id.
pub(super) struct ById<'a> {
    db: &'a Connection,
    sql: String,
    columns: Columns,
}

impl<'a> ById<'a> {
    /// The reader of `layer`, if the store has that layer.
    pub(super) fn of(db: &'a Connection, layer: LayerName) -> rusqlite::Result<Option<ById<'a>>> {
        if !has_table(db, layer.as_str())? {
            return Ok(None);
        }
        let table = layer.as_str();
        Ok(Some(ById { db, sql: format!("SELECT rowid, * FROM {} WHERE id = ?1", quote(table)), columns: Columns::of(db, table)? }))
    }

    /// The stored properties of the feature `id`, if the layer holds it.
    pub(super) fn properties(&self, id: &str) -> rusqlite::Result<Option<serde_json::Map<String, Value>>> {
        let mut statement = self.db.prepare_cached(&self.sql)?;
        let mut rows = statement.query([id])?;
        rows.next()?.map(|row| self.columns.feature(row).map(|f| f.properties.into_map())).transpose()
    }
}

/// One feature table as GeoJSON FeatureCollection text, for imports that lay files over it.
pub(super) fn table_source(db: &Connection, table: &str, layer: LayerName, origin: &str) -> rusqlite::Result<LayerSource> {
    let columns = Columns::of(db, table)?;
    let mut statement = db.prepare(&format!("SELECT rowid, * FROM {} ORDER BY rowid", quote(table)))?;
    let mut rows = statement.query([])?;
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    let mut first = true;
    while let Some(row) = rows.next()? {
        let StoredFeature { properties, geometry, .. } = columns.feature(row)?;
        let properties = properties.into_map();
        let geometry = match geometry {
            None => Value::Null,
            Some(Ok(g)) => serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(&g))).unwrap_or(Value::Null),
            // the loader then names the feature and the problem
            Some(Err(e)) => Value::String(format!("unreadable geometry: {e}")),
        };
        if !first {
            text.push(',');
        }
        first = false;
        text.push_str(&serde_json::json!({ "type": "Feature", "geometry": geometry, "properties": properties }).to_string());
    }
    text.push_str("]}");
    Ok(LayerSource { layer, origin: origin.to_string(), text })
}


/// GDAL writes a string list it cannot store natively as `(count:a,b,…)`.
fn gdal_string_list(text: &str) -> Option<Value> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let (count, items) = inner.split_once(':')?;
    let count: usize = count.parse().ok()?;
    let items: Vec<Value> = if items.is_empty() { Vec::new() } else { items.split(',').map(|s| Value::String(s.to_string())).collect() };
    (items.len() == count).then_some(Value::Array(items))
}
