//! Stores written before buildings had one geometry type kept a footprint polygon or a point
//! in a `GEOMETRY` column. Opening such a store rewrites each building as its point with the
//! footprint as a property, once; versions stay, since no one changed the data.

use rusqlite::{params, OptionalExtension};

use super::schema::{ensure_columns, sql_value};
use super::GpkgStore;
use crate::export::gpkg::{geometry_blob, quote};
use crate::inventory::export::{Exported, FOOTPRINT};
use crate::inventory::LayerName;
use crate::store::{Bilingual, Store, StoreError};

/// Rewrites a store's mixed `buildings` table as points, if it still is one.
pub(super) fn buildings_as_points(store: &GpkgStore) -> Result<(), StoreError> {
    let table = LayerName::Buildings.as_str();
    let declared: Option<String> = store
        .connection()
        .query_row("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| r.get(0))
        .optional()
        .map_err(store.error())?;
    if declared.as_deref() != Some("GEOMETRY") {
        return Ok(());
    }
    // without a catalogue there is no snapshot to rewrite from; the next import writes points
    let Ok(loaded) = store.snapshot() else { return Ok(()) };
    let mut db = store.connection();
    let tx = db.transaction().map_err(store.error())?;
    for building in loaded.snapshot.buildings.items() {
        let properties = building.stored_properties();
        let kinds = ensure_columns(&tx, table, &properties).map_err(store.error())?;
        let point = geo::Geometry::Point(building.location);
        let blob = geometry_blob(&point).map_err(|e| {
            let zh = crate::error::Classified::detail_zh(&e).unwrap_or_else(|| e.to_string());
            StoreError::Refused(Bilingual::new(format!("building {}: {e}", building.id), format!("厂房楼宇 {}：{zh}", building.id)))
        })?;
        let footprint = sql_value(properties.get(FOOTPRINT).unwrap_or(&serde_json::Value::Null), kinds[FOOTPRINT]);
        tx.execute(&format!("UPDATE {} SET geom = ?1, {} = ?2 WHERE id = ?3", quote(table), quote(FOOTPRINT)), params![blob, footprint, building.id])
            .map_err(store.error())?;
    }
    tx.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'POINT' WHERE table_name = ?1", [table]).map_err(store.error())?;
    tx.commit().map_err(store.error())?;
    tracing::info!(store = %store.path.display(), buildings = loaded.snapshot.buildings.len(), "buildings rewritten as points with their footprints as a property");
    Ok(())
}
