//! Imports: layers read from feature tables (the store's own and GDAL's), laid over what the
//! store keeps, validated together, and written back change by change in one transaction.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use geo::Geometry;
use rusqlite::{params, Connection, OpenFlags};

use super::rows::{stored_layer, stored_layer_except, table_source, ById};
use serde_json::Value;

use super::edits::{record, Entry};
use super::schema::{columns, document, ensure_columns, geometry_type, has_table, mark_validated, validated, write_row, Kind, Placement, RowWriter, Write, CATALOGUE, POLICIES};
use super::GpkgStore;
use crate::export::gpkg::{geometry_blob, quote, register_feature_table};
use crate::inventory::export::Exported;
use crate::inventory::{self, check_policies, with_layer, Input, Layer, LayerName, LayerSource, LoadOptions, Loaded, NoProgress, Progress, Shape};
use crate::model::{Catalogue, Place};
use crate::store::merge::{changes, overlay, ImportMode};
use crate::store::{Dataset, Import, Imported, LayerChanges, Bilingual, StoreError};

impl GpkgStore {
    /// The layers of any GeoPackage file (GDAL's included): feature tables named after a
    /// layer, or the one feature table of a file named after its layer (`parcels.gpkg`).
    pub fn read_layers(path: &Path) -> Result<Vec<LayerSource>, StoreError> {
        let fail = |source| StoreError::Sqlite { path: path.display().to_string(), source };
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(fail)?;
        let tables: Vec<String> = db
            .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .map_err(|_| StoreError::NotAStore {
                path: path.display().to_string(),
                reason: Bilingual::new("not a GeoPackage (no gpkg_contents)", "不是 GeoPackage（没有 gpkg_contents 表）"),
            })?;
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
            let file = path.display();
            return Err(StoreError::Missing(Bilingual::new(
                format!("{file}: no feature table is named after a layer (districts, parks, zones, parcels, buildings), nor is the file with its one table"),
                format!("{file}：没有以图层命名的要素表（districts、parks、zones、parcels、buildings），文件也不是以图层命名且只有一个表"),
            )));
        }
        Ok(layers)
    }
}

/// Loads inputs with a catalogue and policies, strictly.
pub(super) fn load_inputs(inputs: Vec<Input>, catalogue: &str, policies: Option<&str>, options: LoadOptions, progress: &dyn Progress) -> Result<Loaded, StoreError> {
    let catalogue = Catalogue::from_json(catalogue).map_err(|e| StoreError::Inventory(e.into()))?;
    let mut loaded = inventory::load_inputs(inputs, Arc::new(catalogue), LoadOptions { strict: true, ..options }, progress).map_err(|e| match e {
        inventory::InventoryError::Invalid(report) => StoreError::Invalid(report),
        other => StoreError::Inventory(other),
    })?;
    if let Some(text) = policies {
        loaded.snapshot.policies = Arc::new(check_policies(text, &loaded.snapshot).map_err(StoreError::Inventory)?);
    }
    Ok(loaded)
}

/// Rows whose properties and geometry blobs are made together (in parallel) before they
/// are written.
const WRITE_BATCH: usize = 4096;

/// A layer's columns: its items' property keys in order of first appearance, each of the
/// kind of its first non-null value (text for keys only ever null).
fn column_kinds<T: Exported>(items: &[Arc<T>]) -> Vec<(String, Kind)> {
    // a key's kind is its first non-null value's, in item order (chunks merge in order)
    let note = |columns: &mut Vec<(&'static str, Option<Kind>)>, key: &'static str, kind: Option<Kind>| match columns.iter_mut().find(|(k, _)| *k == key) {
        Some((_, known @ None)) => *known = kind,
        Some(_) => {}
        None => columns.push((key, kind)),
    };
    let of_chunk = |chunk: &[Arc<T>]| {
        let mut columns = Vec::new();
        for (key, value) in chunk.iter().flat_map(|item| item.stored_fields()) {
            note(&mut columns, key, Kind::of(&value));
        }
        columns
    };
    let mut merged = Vec::new();
    for (key, kind) in items.par_chunks(WRITE_BATCH).map(of_chunk).collect::<Vec<_>>().into_iter().flatten() {
        note(&mut merged, key, kind);
    }
    merged.into_iter().map(|(key, kind)| (key.to_string(), kind.unwrap_or(Kind::for_nulls(key)))).collect()
}

/// Creates a layer's feature table with the given columns (its guard comes once its first
/// rows are in: the same transaction, without a trigger run per row).
fn create_layer_table(db: &Connection, name: LayerName, columns: &[(String, Kind)], extent: Option<geo::Rect>) -> rusqlite::Result<()> {
    let table = name.as_str();
    let mut ddl = format!("CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}", quote(table), geometry_type(name));
    let mut json = Vec::new();
    for (key, kind) in columns {
        ddl.push_str(&format!(", {} {}", quote(key), kind.sql()));
        if key == "id" {
            ddl.push_str(" NOT NULL UNIQUE");
        }
        if *kind == Kind::Json {
            json.push(key);
        }
    }
    ddl.push_str(", version INTEGER NOT NULL DEFAULT 1)");
    db.execute(&ddl, [])?;
    let (title, description) = crate::features::describe(name);
    register_feature_table(db, table, &format!("{title}: {description}"), geometry_type(name), extent)?;
    for key in json {
        db.execute("INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type) VALUES (?1, ?2, ?2, 'application/json')", params![table, key])?;
    }
    Ok(())
}

/// One row made ready for SQLite.
struct ReadyRow<'a> {
    id: &'a str,
    write: Write,
    /// In the writer's column order, or the properties when the table lacks a column for one.
    values: Result<Vec<rusqlite::types::Value>, serde_json::Map<String, Value>>,
    blob: Result<Vec<u8>, StoreError>,
}

/// Writes what the import changes in one layer of the validated snapshot: new rows, updated
/// rows one version up, removed rows deleted, each with its audit entry (a new layer gets
/// one entry for the whole import).
fn write_changes<'a, T: Exported>(db: &Connection, layer: &'a Layer<T>, name: LayerName, changes: &'a LayerChanges, how: &Import, origin: &str) -> Result<(), StoreError> {
    let fail = |e: rusqlite::Error| StoreError::Sqlite { path: name.to_string(), source: e };
    let table = name.as_str();
    let note = format!("import of {origin}");
    if changes.new_layer {
        create_layer_table(db, name, &column_kinds(layer.items()), layer.extent()).map_err(fail)?;
    } else {
        db.execute("UPDATE gpkg_contents SET min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?1", {
            let e = layer.extent();
            params![table, e.map(|r| r.min().x), e.map(|r| r.min().y), e.map(|r| r.max().x), e.map(|r| r.max().y)]
        })
        .map_err(fail)?;
    }
    for removed in &changes.removed {
        db.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", quote(table))).and_then(|mut q| q.execute([&removed.id])).map_err(fail)?;
    }
    let mut rows_out = RowWriter::new(db, table, &columns(db, table).map_err(fail)?).map_err(fail)?;
    // a new layer's rows are its items, in order
    let writes: Vec<(&T, Write)> = if changes.new_layer {
        layer.items().iter().map(|item| (&**item, Write::Insert)).collect()
    } else {
        let added = changes.added.iter().map(|c| (c.id.as_str(), Write::Insert));
        added.chain(changes.updated.iter().map(|c| (c.id.as_str(), Write::Update))).filter_map(|(id, write)| layer.get(id).map(|item| (item, write))).collect()
    };
    let placement = Placement::new(rows_out.columns(), writes.first().map(|(item, _)| item.stored_fields().into_iter().map(|(key, _)| key).collect()).unwrap_or_default());
    // rows made ready (values in column order, geometry blobs) in parallel, a batch ahead of
    // the one SQLite is writing
    let ready_rows = |batch: &[(&'a T, Write)]| -> Vec<ReadyRow<'a>> {
        batch
            .par_iter()
            .map(|&(item, write)| {
                let id = item.id();
                let geometry = match item.written_shape() {
                    Shape::Area(a) => Geometry::MultiPolygon(a.clone()),
                    Shape::Point(p) => Geometry::Point(p),
                };
                let blob = geometry_blob(&geometry).map_err(|e| {
                    StoreError::Refused(Bilingual::new(format!("{name} {id}: {e}"), format!("{} {id}：几何无法写入（{e}）", name.zh())))
                });
                ReadyRow { id, write, values: placement.values(item.stored_fields()), blob }
            })
            .collect()
    };
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let (send, batches) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for batch in writes.chunks(WRITE_BATCH) {
                // the writer stopped on an error
                if send.send(ready_rows(batch)).is_err() {
                    break;
                }
            }
        });
        for rows in batches {
            for row in rows {
                let blob = row.blob?;
                match row.values {
                    Ok(values) => rows_out.write_values(row.id, &values, &blob, row.write),
                    Err(properties) => ensure_columns(db, table, &properties).and_then(|kinds| write_row(db, table, &kinds, &properties, blob, row.write)),
                }
                .map_err(fail)?;
            }
        }
        Ok(())
    })?;
    drop(rows_out);
    if changes.new_layer {
        super::guard::protect(db, table).map_err(fail)?;
    }
    let entry = |feature: &str, action: &str, before: &Value, after: &Value, geometry_changed: bool| {
        let now_at = layer.get(feature).and_then(|item| item.place());
        let e = Entry {
            layer: name,
            feature,
            action,
            before: before.clone(),
            after: after.clone(),
            geometry_changed,
            project: None,
            project_id: None,
            note: Some(&note),
            place: now_at.or_else(|| place_of(before)),
            place_before: place_of(before),
        };
        record(db, &how.actor, e).map(|_| ()).map_err(fail)
    };
    if changes.new_layer {
        return entry("*", "import", &Value::Null, &serde_json::json!({ "features": changes.total }), true);
    }
    for (action, list) in [("create", &changes.added), ("update", &changes.updated), ("delete", &changes.removed)] {
        for c in list {
            entry(&c.id, action, &c.before, &c.after, c.geometry_changed)?;
        }
    }
    Ok(())
}

/// The place stored properties name, when they name a district.
fn place_of(v: &Value) -> Option<Place<'_>> {
    v.get("district").and_then(Value::as_str).map(|district| Place { district, park: v.get("park").and_then(Value::as_str) })
}

/// Lays the dataset's layers over the stored ones (see [`crate::store::merge`]), validates
/// everything together, and writes the changes and documents in one transaction.
pub(super) fn import(store: &GpkgStore, dataset: &Dataset, how: &Import) -> Result<Imported, StoreError> {
    import_loading(store, dataset, how, &NoProgress).map(|(imported, _)| imported)
}

/// [`import`], reporting its progress, and the inventory the store holds after it.
pub(super) fn import_loading(store: &GpkgStore, dataset: &Dataset, how: &Import, progress: &dyn Progress) -> Result<(Imported, Loaded), StoreError> {
    let mut db = store.connection();
    let fail = store.error();
    let imported: Vec<LayerName> = dataset.layers.iter().map(|s| s.layer).collect();
    let mut had = Vec::new();
    for layer in LayerName::ALL {
        if has_table(&db, layer.as_str()).map_err(&fail)? {
            had.push(layer);
        }
    }
    let stored_catalogue = document(&db, CATALOGUE).map_err(&fail)?;
    let policies = dataset.policies.clone().or(document(&db, POLICIES).map_err(&fail)?);
    // rows validated under these rules are not checked again; a file's features always are
    let trusted = LoadOptions { trust_geometry: validated(&db).map_err(&fail)?, ..LoadOptions::default() };
    // a file over a stored layer: its features, then (unless replacing) the stored rows it
    // does not name, read as the rest are
    let mut overlaid = Vec::new();
    for file in dataset.layers.iter().filter(|f| had.contains(&f.layer)) {
        let Some(stored) = ById::of(&db, file.layer).map_err(&fail)? else { continue };
        overlaid.push(overlay(file, |id| stored.properties(id).map_err(&fail))?);
    }
    let stored_rows = |layers: &mut dyn Iterator<Item = &LayerName>| -> Result<Vec<Input>, StoreError> {
        layers.filter_map(|layer| stored_layer(&db, *layer).transpose()).map(|stored| stored.map(Input::Stored).map_err(&fail)).collect()
    };
    let mut inputs = stored_rows(&mut had.iter().filter(|l| !imported.contains(l)))?;
    for laid in &overlaid {
        inputs.push(Input::Text(&laid.file));
        if how.mode == ImportMode::Merge {
            inputs.extend(stored_layer_except(&db, laid.file.layer, &laid.named).map_err(&fail)?.map(Input::Stored));
        }
    }
    inputs.extend(dataset.layers.iter().filter(|file| !had.contains(&file.layer)).map(Input::Text));
    let catalogue = dataset
        .catalogue
        .clone()
        .or(stored_catalogue.clone())
        .ok_or_else(|| StoreError::Missing(Bilingual::new("no industry catalogue: import industries.json with the layers", "没有产业目录：请与图层一起导入 industries.json")))?;
    // validate everything together before writing anything
    let loaded = load_inputs(inputs, &catalogue, policies.as_deref(), trusted, progress)?;
    // what the store held, to compare with (from its rows); policies do not take part
    let before = match (&stored_catalogue, had.iter().any(|s| imported.contains(s))) {
        (Some(stored_catalogue), true) => Some(load_inputs(stored_rows(&mut had.iter())?, stored_catalogue, None, trusted, &NoProgress)?),
        _ => None,
    };
    let mut changed = Vec::new();
    for layer in LayerName::ALL.into_iter().filter(|l| imported.contains(l)) {
        changed.push((layer, changes(before.as_ref().map(|l| &l.snapshot), &loaded.snapshot, layer, had.contains(&layer))));
    }
    let warnings = loaded.report.problems.clone();
    let result = Imported { layers: changed, catalogue: dataset.catalogue.is_some(), policies: dataset.policies.is_some(), warnings };
    if how.dry_run {
        return Ok((result, loaded));
    }
    let tx = db.transaction().map_err(&fail)?;
    progress.begin("writing the store", result.layers.len() as u64);
    for (layer, changes) in &result.layers {
        let origin = dataset.layers.iter().find(|s| s.layer == *layer).map_or("", |s| s.origin.as_str());
        with_layer!(loaded.snapshot, *layer, |items| write_changes(&tx, items, *layer, changes, how, origin))?;
    }
    for (name, text) in [(CATALOGUE, &dataset.catalogue), (POLICIES, &dataset.policies)] {
        if let Some(text) = text {
            tx.execute("INSERT OR REPLACE INTO chanye_documents (name, content) VALUES (?1, ?2)", params![name, text]).map_err(&fail)?;
        }
    }
    // everything the store now holds was validated together above
    mark_validated(&tx).map_err(&fail)?;
    progress.end();
    tx.commit().map_err(&fail)?;
    drop(db);
    store.checkpoint();
    Ok((result, loaded))
}
