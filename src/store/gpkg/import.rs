//! Imports: layers read from feature tables (the store's own and GDAL's), validated together
//! with what the store keeps, and written back as fresh tables in one transaction.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use geo::Geometry;
use geozero::ToGeo;
use geozero::wkb::GpkgWkb;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde_json::{Map, Value};

use super::schema::{document, geometry_type, has_sqlite_table, has_table, sql_value, Kind, CATALOGUE, POLICIES};
use super::GpkgStore;
use crate::export::gpkg::{geometry_blob, quote, register_feature_table};
use crate::inventory::export::Exported;
use crate::inventory::{self, check_policies, Layer, LayerName, LayerSource, LoadOptions, Loaded, NoProgress, Shape, Snapshot};
use crate::model::Catalogue;
use crate::store::{Dataset, Imported, StoreError};

/// What the store holds besides versions and tokens.
pub(super) struct Stored {
    pub(super) layers: Vec<LayerSource>,
    pub(super) catalogue: Option<String>,
    pub(super) policies: Option<String>,
}

impl GpkgStore {
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
            layers.push(table_source(&db, table, layer, &origin).map_err(fail)?);
        }
        if layers.is_empty() {
            return Err(StoreError::Missing(format!(
                "{}: no feature table is named after a layer (districts, parks, zones, parcels, buildings), nor is the file with its one table",
                path.display()
            )));
        }
        Ok(layers)
    }
}

/// Everything the store holds: layer texts, catalogue and policies.
pub(super) fn read_all(store: &GpkgStore, db: &Connection) -> Result<Stored, StoreError> {
    let fail = store.error();
    let mut layers = Vec::new();
    for layer in LayerName::ALL {
        if let Some(source) = layer_source(db, layer).map_err(&fail)? {
            layers.push(source);
        }
    }
    Ok(Stored { layers, catalogue: document(db, CATALOGUE).map_err(&fail)?, policies: document(db, POLICIES).map_err(&fail)? })
}

/// One feature table as GeoJSON FeatureCollection text for the loader, the properties
/// from its columns. Reads chanye's own tables and those GDAL writes (`ogr2ogr -f GPKG`):
/// the geometry column comes from `gpkg_geometry_columns`, the key column is skipped,
/// JSON columns are parsed, and GDAL's string lists (`(2:出让,租赁)`) become arrays.
fn table_source(db: &Connection, table: &str, layer: LayerName, origin: &str) -> Result<LayerSource, rusqlite::Error> {
    let geometry_column: String =
        db.query_row("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| r.get(0)).optional()?.unwrap_or_else(|| "geom".into());
    let json_columns: Vec<String> = if has_sqlite_table(db, "gpkg_data_columns")? {
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

/// One layer of this store, if it has one.
fn layer_source(db: &Connection, layer: LayerName) -> Result<Option<LayerSource>, rusqlite::Error> {
    if !has_table(db, layer.as_str())? {
        return Ok(None);
    }
    table_source(db, layer.as_str(), layer, &format!("{layer} layer")).map(Some)
}

/// GDAL writes a string list it cannot store natively as `(count:a,b,…)`.
fn gdal_string_list(text: &str) -> Option<Value> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let (count, items) = inner.split_once(':')?;
    let count: usize = count.parse().ok()?;
    let items: Vec<Value> = if items.is_empty() { Vec::new() } else { items.split(',').map(|s| Value::String(s.to_string())).collect() };
    (items.len() == count).then_some(Value::Array(items))
}

/// Loads layer texts with a catalogue and policies, strictly.
pub(super) fn load_all(layers: &[LayerSource], catalogue: &str, policies: Option<&str>) -> Result<Loaded, StoreError> {
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

/// Writes one layer of a validated snapshot, whatever its feature type.
fn write_snapshot_layer(db: &Connection, snapshot: &Snapshot, layer: LayerName) -> Result<usize, StoreError> {
    match layer {
        LayerName::Districts => write_layer(db, &snapshot.districts, layer),
        LayerName::Parks => write_layer(db, &snapshot.parks, layer),
        LayerName::Zones => write_layer(db, &snapshot.zones, layer),
        LayerName::Parcels => write_layer(db, &snapshot.parcels, layer),
        LayerName::Buildings => write_layer(db, &snapshot.buildings, layer),
    }
}

/// Replaces the dataset's layers and documents after validating them with what is kept.
pub(super) fn import(store: &GpkgStore, dataset: &Dataset) -> Result<Imported, StoreError> {
    let mut db = store.connection();
    let Stored { layers: kept, catalogue: stored_catalogue, policies: stored_policies } = read_all(store, &db)?;
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
    let fail = store.error();
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
