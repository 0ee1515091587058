//! Imports into a store that already holds a layer: the file's features are laid over the
//! stored ones by id, and what that changes is worked out per feature (added, updated,
//! unchanged, removed), so that versions and the audit trail stay true. Store-independent.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Bilingual, StoreError};
use crate::inventory::export::{Exported, CONFIDENTIAL_PROPERTIES};
use crate::error::plain_reason_zh;
use crate::inventory::{Layer, LayerName, LayerSource, Shape, Snapshot};

/// How an import treats the stored features its files do not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportMode {
    /// Update the features named by id, add new ids, keep every other stored feature.
    #[default]
    Merge,
    /// The files are the whole layers: stored features they do not name are deleted.
    Replace,
}

/// One feature's change in an import: its id and the properties before and after (as kept
/// in the store; null for an added or removed side).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureChange {
    /// Feature id.
    pub id: String,
    /// The stored properties before (null when added).
    pub before: Value,
    /// The stored properties after (null when removed, and for each feature of a layer new
    /// to the store, whose one audit entry stands for them all).
    pub after: Value,
    /// Whether the geometry changed.
    pub geometry_changed: bool,
}

/// What an import does to one layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerChanges {
    /// Features new to the store.
    pub added: Vec<FeatureChange>,
    /// Stored features whose properties or geometry the file changes.
    pub updated: Vec<FeatureChange>,
    /// Stored features the file names without changing them.
    pub unchanged: usize,
    /// Stored features deleted (only with [`ImportMode::Replace`]).
    pub removed: Vec<FeatureChange>,
    /// Features in the layer afterwards.
    pub total: usize,
    /// Whether the store held no such layer before.
    pub new_layer: bool,
}

/// A file laid over a stored layer by id. The loader reads the file's features first, in its
/// order (so a validation report's index is the file's), then, unless replacing, the stored
/// rows the file does not name, straight from the store.
#[derive(Debug)]
pub struct Overlay {
    /// The file's features, each with the stored confidential properties (`project`,
    /// `project_id`, `internal_note`) it does not carry.
    pub file: LayerSource,
    /// The ids the file names: the stored rows it stands for.
    pub named: HashSet<String>,
}

/// Lays `file` over a stored layer; `stored` gives a stored feature's properties by id.
pub fn overlay(file: &LayerSource, stored: impl Fn(&str) -> Result<Option<Map<String, Value>>, StoreError>) -> Result<Overlay, StoreError> {
    let origin = &file.origin;
    let mut doc: Value = serde_json::from_str(&file.text).map_err(|e| {
        StoreError::Refused(Bilingual::new(format!("{origin}: not GeoJSON: {e}"), format!("{origin}：不是 GeoJSON：{}", plain_reason_zh(&e.to_string()))))
    })?;
    let Some(Value::Array(features)) = doc.get_mut("features") else {
        return Err(StoreError::Refused(Bilingual::new(
            format!("{origin}: not a FeatureCollection (no `features` array)"),
            format!("{origin}：不是 FeatureCollection（没有 features 数组）"),
        )));
    };
    let mut named = HashSet::new();
    for feature in features.iter_mut() {
        let Some(id) = feature_id(feature) else { continue };
        if let Some(old) = stored(&id)? {
            keep_confidential(&old, feature);
        }
        named.insert(id);
    }
    Ok(Overlay { file: LayerSource { layer: file.layer, origin: origin.clone(), text: doc.to_string() }, named })
}

/// A feature's id: the `id` member, else `properties.id` (as the loader reads it).
fn feature_id(feature: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    feature.get("id").and_then(text).or_else(|| feature.get("properties")?.get("id").and_then(text))
}

/// Copies the stored confidential properties the new feature does not carry.
fn keep_confidential(old: &Map<String, Value>, new: &mut Value) {
    let Some(Value::Object(props)) = new.get_mut("properties") else { return };
    for key in CONFIDENTIAL_PROPERTIES {
        if let (false, Some(value)) = (props.contains_key(key), old.get(key)) {
            props.insert(key.to_string(), value.clone());
        }
    }
}

/// What the import changes in `layer`: the stored snapshot (none for a new store) against the
/// validated one, feature by feature.
pub fn changes(old: Option<&Snapshot>, new: &Snapshot, layer: LayerName, had_layer: bool) -> LayerChanges {
    let empty = Snapshot::default();
    let old = old.unwrap_or(&empty);
    crate::inventory::with_layer!((old, new), layer, |was, is| diff(was, is, !had_layer))
}

fn diff<T: Exported>(old: &Layer<T>, new: &Layer<T>, new_layer: bool) -> LayerChanges {
    let mut out = LayerChanges { total: new.len(), new_layer, ..LayerChanges::default() };
    // (whether added, the change; none when unchanged), worked out on the pool, kept in order
    let compared: Vec<(bool, Option<FeatureChange>)> = new
        .items()
        .par_iter()
        .map(|item| {
            let Some(was) = old.get(item.id()) else {
                // a new layer's one audit entry stands for its features: their properties are not kept twice
                let after = if new_layer { Value::Null } else { Value::Object(item.stored_properties()) };
                return (true, Some(FeatureChange { id: item.id().to_string(), before: Value::Null, after, geometry_changed: true }));
            };
            let (before, after) = (was.stored_properties(), item.stored_properties());
            let geometry_changed = !same_shape(&was.shape(), &item.shape());
            if before == after && !geometry_changed {
                return (false, None);
            }
            let (before, after) = changed_properties(&before, &after);
            (false, Some(FeatureChange { id: item.id().to_string(), before, after, geometry_changed }))
        })
        .collect();
    for (added, change) in compared {
        match (added, change) {
            (true, Some(change)) => out.added.push(change),
            (false, Some(change)) => out.updated.push(change),
            (_, None) => out.unchanged += 1,
        }
    }
    for was in old.items() {
        if new.get(was.id()).is_none() {
            out.removed.push(FeatureChange { id: was.id().to_string(), before: Value::Object(was.stored_properties()), after: Value::Null, geometry_changed: true });
        }
    }
    out
}

fn same_shape(a: &Shape, b: &Shape) -> bool {
    match (a, b) {
        (Shape::Area(x), Shape::Area(y)) => x == y,
        (Shape::Point(x), Shape::Point(y)) => x == y,
        _ => false,
    }
}

/// The properties that differ between two property maps: (before, after).
pub(crate) fn changed_properties(before: &Map<String, Value>, after: &Map<String, Value>) -> (Value, Value) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn source(features: Value) -> LayerSource {
        LayerSource { layer: LayerName::Buildings, origin: "buildings.geojson".into(), text: serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string() }
    }

    fn ids(source: &LayerSource) -> Vec<String> {
        let doc: Value = serde_json::from_str(&source.text).unwrap();
        doc["features"].as_array().unwrap().iter().filter_map(feature_id).collect()
    }

    #[test]
    fn a_file_names_the_stored_features_it_stands_for_and_keeps_their_confidential_fields() {
        let stored = |id: &str| -> Result<Option<Map<String, Value>>, StoreError> {
            Ok(match id {
                "a" => serde_json::json!({ "id": "a", "project": "secret", "name": "old a" }).as_object().cloned(),
                "c" => serde_json::json!({ "id": "c", "project": "kept?" }).as_object().cloned(),
                _ => None,
            })
        };
        let file = source(serde_json::json!([
            { "type": "Feature", "id": "c", "properties": { "name": "new c", "project": "the file's" }, "geometry": null },
            { "type": "Feature", "properties": { "id": "a", "name": "new a" }, "geometry": null },
            { "type": "Feature", "properties": { "id": "d" }, "geometry": null },
        ]));
        let laid = overlay(&file, stored).unwrap();
        assert_eq!(ids(&laid.file), ["c", "a", "d"], "the file's features, in its order");
        assert_eq!(laid.named, ["a", "c", "d"].map(String::from).into_iter().collect());
        let doc: Value = serde_json::from_str(&laid.file.text).unwrap();
        assert_eq!(doc["features"][1]["properties"]["project"], "secret", "a confidential field the file lacks is kept");
        assert_eq!(doc["features"][1]["properties"]["name"], "new a", "what the file says wins");
        assert_eq!(doc["features"][0]["properties"]["project"], "the file's");
        assert!(doc["features"][2]["properties"].get("project").is_none());
    }

    #[test]
    fn a_file_that_is_not_a_collection_is_refused_by_name() {
        let bad = LayerSource { layer: LayerName::Parcels, origin: "parcels.geojson".into(), text: "{\"type\":\"Feature\"}".into() };
        let e = overlay(&bad, |_| Ok(None)).unwrap_err().to_string();
        assert!(e.contains("parcels.geojson") && e.contains("features"), "{e}");
    }
}
