//! Edits of parcels and building spaces. A new feature, a patch or a replacement is checked
//! exactly as the loader checks a file, against the places of the snapshot in force; what
//! comes out is a [`Space`] for the store to commit and the next snapshot to take in.

use std::collections::HashMap;
use std::sync::Arc;

use geojson::JsonObject;
use serde_json::{json, Value};

use super::export::Exported;
use super::layer::{Layer, LayerName};
use super::load::{decode_spaces, LayerSource, REQUEST_BODY};
use super::report::{FeatureRef, Problem, Report, Severity};
use super::snapshot::Snapshot;
use super::{Feature, NoProgress, Shape};
use crate::model::{Building, Confidential, Parcel, Place, SpaceStatus};

/// The most vertices one edited feature may have: far above any real parcel outline, far
/// below what would stall validation.
pub const MAX_VERTICES: usize = 50_000;

/// Properties computed from the geometry, which an edit cannot set.
const COMPUTED: [&str; 2] = ["area_m2", "area_mu"];

/// Properties worked out on reading: a feature sent back as it was read carries them, and
/// they are dropped.
const DERIVED: [&str; 1] = [super::export::STALE];

/// A parcel or a building space: what the write API edits.
#[derive(Debug, Clone)]
pub enum Space {
    /// A parcel.
    Parcel(Parcel),
    /// A building space.
    Building(Building),
}

impl Space {
    /// Its layer.
    pub fn layer(&self) -> LayerName {
        match self {
            Space::Parcel(_) => LayerName::Parcels,
            Space::Building(_) => LayerName::Buildings,
        }
    }

    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            Space::Parcel(p) => &p.id,
            Space::Building(b) => &b.id,
        }
    }

    /// Its version of record.
    pub fn version(&self) -> u64 {
        match self {
            Space::Parcel(p) => p.version,
            Space::Building(b) => b.version,
        }
    }

    /// Sets its version of record.
    pub fn set_version(&mut self, version: u64) {
        match self {
            Space::Parcel(p) => p.version = version,
            Space::Building(b) => b.version = version,
        }
    }

    /// Where it lies (district and park), for scopes.
    pub fn place(&self) -> Place<'_> {
        match self {
            Space::Parcel(p) => p.place(),
            Space::Building(b) => b.place(),
        }
    }

    /// This space confirmed accurate on `day`.
    pub fn verified_on(&self, day: chrono::NaiveDate) -> Space {
        let mut next = self.clone();
        match &mut next {
            Space::Parcel(p) => p.provenance.verified_at = day,
            Space::Building(b) => b.provenance.verified_at = day,
        }
        next
    }

    /// The date it was last confirmed accurate.
    pub fn verified_at(&self) -> chrono::NaiveDate {
        match self {
            Space::Parcel(p) => p.provenance.verified_at,
            Space::Building(b) => b.provenance.verified_at,
        }
    }

    /// Its status.
    pub fn status(&self) -> SpaceStatus {
        match self {
            Space::Parcel(p) => p.status,
            Space::Building(b) => b.status,
        }
    }

    /// The properties as the store keeps them.
    pub fn stored_properties(&self) -> JsonObject {
        match self {
            Space::Parcel(p) => p.stored_properties(),
            Space::Building(b) => b.stored_properties(),
        }
    }

    /// The geometry as stored: the parcel's area, the building's point (its footprint is a
    /// property).
    pub fn geometry(&self) -> geo::Geometry {
        let written = match self {
            Space::Parcel(p) => p.written_shape(),
            Space::Building(b) => b.written_shape(),
        };
        match written {
            Shape::Area(a) => geo::Geometry::MultiPolygon(a.clone()),
            Shape::Point(p) => geo::Geometry::Point(p),
        }
    }

    /// The geometry as the API writes it.
    pub fn geojson_geometry(&self) -> geojson::Geometry {
        match self {
            Space::Parcel(p) => Exported::geometry(p),
            Space::Building(b) => Exported::geometry(b),
        }
    }

    /// Whether `other` has the same geometry (so the indexes need no rebuild).
    pub fn same_geometry(&self, other: &Space) -> bool {
        match (self, other) {
            (Space::Parcel(a), Space::Parcel(b)) => a.geometry == b.geometry,
            (Space::Building(a), Space::Building(b)) => a.location == b.location && a.footprint == b.footprint,
            _ => false,
        }
    }

    fn confidential_mut(&mut self) -> &mut Confidential {
        match self {
            Space::Parcel(p) => &mut p.confidential,
            Space::Building(b) => &mut b.confidential,
        }
    }

    /// This space moved to `to` for a project: a space under negotiation, reserved, let or
    /// sold records its project (a change that names none keeps the one recorded); a space
    /// back on offer or idle has none.
    pub fn with_status(&self, to: SpaceStatus, project: Option<&str>, project_id: Option<&str>) -> Space {
        let mut next = self.clone();
        match &mut next {
            Space::Parcel(p) => p.status = to,
            Space::Building(b) => b.status = to,
        }
        let c = next.confidential_mut();
        if matches!(to, SpaceStatus::Available | SpaceStatus::Idle) {
            (c.project, c.project_id) = (None, None);
        } else {
            if let Some(project) = project {
                c.project = Some(project.to_string());
            }
            if let Some(id) = project_id {
                c.project_id = Some(id.to_string());
            }
        }
        next
    }
}

/// Why an edit cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Only parcels and buildings are edited this way.
    #[error("{0} cannot be edited over the API; import the layer with `chanye import`")]
    NotEditable(LayerName),
    /// No such feature.
    #[error("there is no feature '{id}' in {layer}")]
    NotFound {
        /// The layer.
        layer: LayerName,
        /// The id asked for.
        id: String,
    },
    /// The edit does not validate; the report names every problem.
    #[error("{}", .0.errors().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Report),
}

impl crate::error::Classified for EditError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            EditError::NotEditable(_) => ErrorKind::NotAllowed,
            EditError::NotFound { .. } => ErrorKind::NotFound,
            EditError::Invalid(_) => ErrorKind::InvalidData,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            EditError::Invalid(report) => crate::error::Blame::Report(report),
            EditError::NotEditable(_) | EditError::NotFound { .. } => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(match self {
            EditError::NotEditable(layer) => format!("{}不能通过 API 编辑；请用 `chanye import` 导入该图层", layer.zh()),
            EditError::NotFound { layer, id } => format!("{}中没有要素 '{id}'", layer.zh()),
            EditError::Invalid(report) => report.errors().map(Problem::zh).collect::<Vec<_>>().join("；"),
        })
    }
}

impl Snapshot {
    /// What `scope` covers in this inventory (the parks of its district that keep their own
    /// inventory are left to their own office).
    pub fn coverage(&self, scope: &crate::model::Scope) -> crate::model::Coverage {
        let own: Vec<String> = match scope {
            crate::model::Scope::District(d) => self.parks.items().iter().filter(|p| p.own_office && &p.district == d).map(|p| p.id.clone()).collect(),
            _ => Vec::new(),
        };
        crate::model::Coverage::new(scope.clone(), own)
    }

    /// The parcel or building space with this id.
    pub fn space(&self, layer: LayerName, id: &str) -> Option<Space> {
        match layer {
            LayerName::Parcels => self.parcels.get(id).cloned().map(Space::Parcel),
            LayerName::Buildings => self.buildings.get(id).cloned().map(Space::Building),
            _ => None,
        }
    }

    /// This snapshot with `spaces` put in (replacing those with the same id) and the
    /// features `removed` taken out. When only attributes change, the indexes are shared;
    /// otherwise the edited layer is indexed again.
    pub fn with_spaces(&self, spaces: Vec<Space>, removed: &[(LayerName, String)]) -> Snapshot {
        let mut next = self.clone();
        let mut parcels = Vec::new();
        let mut buildings = Vec::new();
        for space in spaces {
            match space {
                Space::Parcel(p) => parcels.push(p),
                Space::Building(b) => buildings.push(b),
            }
        }
        let gone = |layer: LayerName| removed.iter().filter(|(l, _)| *l == layer).map(|(_, id)| id.as_str()).collect::<Vec<_>>();
        put(&mut next.parcels, parcels, &gone(LayerName::Parcels), |a, b| a.geometry == b.geometry);
        put(&mut next.buildings, buildings, &gone(LayerName::Buildings), |a, b| a.location == b.location && a.footprint == b.footprint);
        next
    }
}

/// Puts `items` into `layer` and takes out `removed`: in place when every item replaces
/// one with the same geometry, else by building the layer again.
fn put<T: Feature + Clone>(layer: &mut Layer<T>, items: Vec<T>, removed: &[&str], same_geometry: impl Fn(&T, &T) -> bool) {
    if items.is_empty() && removed.is_empty() {
        return;
    }
    let in_place = removed.is_empty() && items.iter().all(|item| layer.get(item.id()).is_some_and(|old| same_geometry(old, item)));
    if in_place {
        for item in items {
            if let Some(position) = layer.position(item.id()) {
                layer.update(position, move |old| *old = item);
            }
        }
        return;
    }
    let mut replacing: HashMap<String, T> = items.into_iter().map(|item| (item.id().to_string(), item)).collect();
    let mut all: Vec<Arc<T>> = Vec::with_capacity(layer.len() + replacing.len());
    for old in layer.items() {
        if removed.contains(&old.id()) {
            continue;
        }
        match replacing.remove(old.id()) {
            Some(new) => all.push(Arc::new(new)),
            None => all.push(old.clone()),
        }
    }
    // what is left is new; sorted so that a batch lands in the same order every time
    let mut new: Vec<T> = replacing.into_values().collect();
    new.sort_by(|a, b| a.id().cmp(b.id()));
    all.extend(new.into_iter().map(Arc::new));
    *layer = Layer::from_shared(all);
}

/// Counts the positions of a GeoJSON geometry object.
fn vertex_count(geometry: &Value) -> usize {
    fn count(v: &Value) -> usize {
        match v {
            Value::Array(items) if items.first().is_some_and(Value::is_number) => 1,
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    geometry.get("coordinates").map_or(0, count)
}

fn problem(layer: LayerName, feature: Option<FeatureRef>, field: &str, reason: impl Into<String>, reason_zh: impl Into<String>) -> Problem {
    Problem { severity: Severity::Error, layer, feature, field: Some(field.to_string()), reason: reason.into(), reason_zh: reason_zh.into() }
}

fn editable(layer: LayerName) -> Result<(), EditError> {
    match layer {
        LayerName::Parcels | LayerName::Buildings => Ok(()),
        other => Err(EditError::NotEditable(other)),
    }
}

/// Decodes `features` (GeoJSON feature objects) as new or replacing features of `layer`,
/// strictly: every problem is reported and none is kept. Warnings are dropped.
fn decode(snapshot: &Snapshot, layer: LayerName, features: Vec<Value>, crs: Option<&Value>, mut report: Report) -> Result<Vec<Space>, EditError> {
    for (index, feature) in features.iter().enumerate() {
        let vertices = feature.get("geometry").map_or(0, vertex_count);
        if vertices > MAX_VERTICES {
            let id = feature.get("id").or_else(|| feature.pointer("/properties/id")).and_then(Value::as_str).map(str::to_string);
            let reason = format!("{vertices} vertices; at most {MAX_VERTICES} per feature");
            report.push(problem(layer, Some(FeatureRef { index, id }), "geometry", reason, format!("{vertices} 个顶点；每个要素至多 {MAX_VERTICES} 个")));
        }
    }
    if report.has_errors() {
        return Err(EditError::Invalid(report));
    }
    let mut collection = json!({ "type": "FeatureCollection", "features": features });
    if let Some(crs) = crs {
        collection["crs"] = crs.clone();
    }
    let source = LayerSource { layer, origin: REQUEST_BODY.into(), text: collection.to_string() };
    let (parcels, buildings) = decode_spaces(snapshot, std::slice::from_ref(&source), &mut report, &NoProgress);
    report.problems.retain(|p| p.severity == Severity::Error);
    if report.has_errors() {
        return Err(EditError::Invalid(report));
    }
    Ok(parcels.into_iter().map(Space::Parcel).chain(buildings.into_iter().map(Space::Building)).collect())
}

/// New features for `layer` from a GeoJSON Feature or FeatureCollection: all valid and all
/// with ids not yet used, or none.
pub fn create(snapshot: &Snapshot, layer: LayerName, body: &Value) -> Result<Vec<Space>, EditError> {
    editable(layer)?;
    let mut report = Report::default();
    let (features, crs) = match body.get("type").and_then(Value::as_str) {
        Some("Feature") => (vec![body.clone()], None),
        Some("FeatureCollection") => match body.get("features") {
            Some(Value::Array(features)) if !features.is_empty() => (features.clone(), body.get("crs")),
            _ => {
                let reason = "a FeatureCollection to import needs a non-empty features array";
                report.push(problem(layer, None, "features", reason, "要导入的 FeatureCollection 需要非空的 features 数组"));
                return Err(EditError::Invalid(report));
            }
        },
        _ => {
            let reason = "the body must be a GeoJSON Feature or FeatureCollection";
            report.push(problem(layer, None, "type", reason, "请求正文须为 GeoJSON 的 Feature 或 FeatureCollection"));
            return Err(EditError::Invalid(report));
        }
    };
    let spaces = decode(snapshot, layer, features, crs, report)?;
    let mut report = Report::default();
    for (index, space) in spaces.iter().enumerate() {
        if snapshot.space(layer, space.id()).is_some() {
            let feature = Some(FeatureRef { index, id: Some(space.id().to_string()) });
            let reason = format!("{layer} already has '{}'; change it with PATCH or PUT", space.id());
            report.push(problem(layer, feature, "id", reason, format!("{}中已有 '{}'；请用 PATCH 或 PUT 修改", layer.zh(), space.id())));
        }
    }
    if report.has_errors() {
        return Err(EditError::Invalid(report));
    }
    Ok(spaces)
}

/// How an edit of one feature treats what it does not mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditMode {
    /// JSON merge patch (RFC 7396): properties not named stay, null clears one; the
    /// geometry stays unless one is given.
    Merge,
    /// The body is the whole feature.
    Replace,
}

/// The feature `id` of `layer` after `body` (a GeoJSON Feature, whole or partial) is applied.
pub fn update(snapshot: &Snapshot, layer: LayerName, id: &str, body: &Value, mode: EditMode) -> Result<Space, EditError> {
    editable(layer)?;
    let current = snapshot.space(layer, id).ok_or_else(|| EditError::NotFound { layer, id: id.to_string() })?;
    let feature = Some(FeatureRef { index: 0, id: Some(id.to_string()) });
    let mut report = Report::default();
    let mut fail = |field: &str, reason: String, reason_zh: String| report.push(problem(layer, feature.clone(), field, reason, reason_zh));
    let Some(object) = body.as_object() else {
        fail("body", "the body must be a GeoJSON Feature object".into(), "请求正文须为 GeoJSON 的 Feature 对象".into());
        return Err(EditError::Invalid(report));
    };
    let id_changed = |value: &Value| (format!("{value} is not the id in the path; ids do not change"), format!("{value} 与路径中的 id 不同；id 不能修改"));
    for (key, value) in object {
        match key.as_str() {
            "type" if value == "Feature" => {}
            "type" => fail("type", format!("{value} is not \"Feature\""), format!("{value} 不是 \"Feature\"")),
            "id" if value.as_str() == Some(id) => {}
            "id" => {
                let (reason, reason_zh) = id_changed(value);
                fail("id", reason, reason_zh)
            }
            "properties" if value.is_object() => {}
            "properties" => fail("properties", "must be an object".into(), "须为对象".into()),
            "geometry" if value.is_object() => {}
            "geometry" if mode == EditMode::Merge => fail(
                "geometry",
                "must be a GeoJSON geometry object; a feature cannot lose its geometry".into(),
                "须为 GeoJSON 几何对象；要素不能没有几何".into(),
            ),
            "geometry" => fail("geometry", "must be a GeoJSON geometry object".into(), "须为 GeoJSON 几何对象".into()),
            "bbox" | "links" => {}
            other => fail(other, "is not a member of a feature".into(), "不是 GeoJSON 要素的成员".into()),
        }
    }
    let empty = JsonObject::new();
    let given = object.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let stored = current.stored_properties();
    let geometry = match (object.get("geometry"), mode) {
        (Some(g), _) => g.clone(),
        (None, EditMode::Merge) => serde_json::to_value(current.geojson_geometry()).unwrap_or(Value::Null),
        (None, EditMode::Replace) => {
            fail("geometry", "a replacement needs the whole feature, geometry included".into(), "替换须给出整个要素，包括几何".into());
            Value::Null
        }
    };
    for (key, value) in given.iter().filter(|(k, _)| !DERIVED.contains(&k.as_str())) {
        if key == "id" && value.as_str() != Some(id) {
            let (reason, reason_zh) = id_changed(value);
            fail("id", reason, reason_zh);
        } else if COMPUTED.contains(&key.as_str()) && !value.is_null() && mode == EditMode::Merge {
            fail(key, "is computed from the geometry; change the geometry instead".into(), "由几何算出，不能直接修改；请修改几何".into());
        } else if !stored.contains_key(key) && !COMPUTED.contains(&key.as_str()) {
            fail(key, format!("is not a property of {layer}"), format!("不是{}的属性", layer.zh()));
        }
    }
    if report.has_errors() {
        return Err(EditError::Invalid(report));
    }
    let mut properties = match mode {
        EditMode::Merge => stored,
        EditMode::Replace => JsonObject::new(),
    };
    for key in COMPUTED {
        properties.remove(key);
    }
    if mode == EditMode::Merge && object.contains_key("geometry") {
        // a moved feature is joined again unless the patch names its places
        for key in ["district", "park", "zone"] {
            if !given.contains_key(key) {
                properties.remove(key);
            }
        }
    }
    // null clears a property: for the decoder that is the same as leaving it out, except
    // where null has a meaning of its own (`available_from`: available now)
    for (key, value) in given.iter().filter(|(k, _)| !DERIVED.contains(&k.as_str())) {
        properties.insert(key.clone(), value.clone());
    }
    properties.insert("id".into(), json!(id));
    let feature = json!({ "type": "Feature", "id": id, "geometry": geometry, "properties": properties });
    let mut spaces = decode(snapshot, layer, vec![feature], None, report)?;
    let mut space = spaces.pop().ok_or_else(|| EditError::NotFound { layer, id: id.to_string() })?;
    space.set_version(current.version());
    Ok(space)
}

/// The feature `id` of `layer`, to be deleted.
pub fn delete(snapshot: &Snapshot, layer: LayerName, id: &str) -> Result<Space, EditError> {
    editable(layer)?;
    snapshot.space(layer, id).ok_or_else(|| EditError::NotFound { layer, id: id.to_string() })
}

#[cfg(test)]
fn ids<T: Feature>(layer: &Layer<T>) -> Vec<String> {
    layer.items().iter().map(|f| f.id().to_string()).collect()
}

#[cfg(test)]
mod test {
    use super::*;

    fn sample() -> Arc<Snapshot> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        Arc::new(crate::inventory::load_dir_strict(&dir).expect("sample loads").snapshot)
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let s = sample();
        let p = &s.parcels.items()[0];
        let space = update(&s, LayerName::Parcels, &p.id, &json!({ "properties": { "name": "改名", "internal_note": "内部" } }), EditMode::Merge).unwrap();
        let Space::Parcel(after) = space else { panic!("a parcel") };
        assert_eq!(after.name, "改名");
        assert_eq!(after.confidential.internal_note.as_deref(), Some("内部"));
        assert_eq!((after.land_use.as_str(), after.geometry.clone(), after.district.clone()), (p.land_use.as_str(), p.geometry.clone(), p.district.clone()));
    }

    #[test]
    fn bad_patches_name_the_field() {
        let s = sample();
        let id = s.parcels.items()[0].id.clone();
        let cases = [
            (json!({ "properties": { "stauts": "available" } }), "stauts"),
            (json!({ "properties": { "area_m2": 5 } }), "area_m2"),
            (json!({ "properties": { "status": "gone" } }), "status"),
            (json!({ "properties": { "max_far": -1 } }), "max_far"),
            (json!({ "id": "other" }), "id"),
            (json!({ "geometry": { "type": "Polygon", "coordinates": [[[116.0, 40.0], [116.1, 40.1], [116.1, 40.0], [116.0, 40.1], [116.0, 40.0]]] } }), "geometry"),
            (json!({ "geometry": null }), "geometry"),
        ];
        for (body, field) in cases {
            match update(&s, LayerName::Parcels, &id, &body, EditMode::Merge) {
                Err(EditError::Invalid(report)) => {
                    assert!(report.errors().any(|p| p.field.as_deref() == Some(field)), "{body}: {report:?}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn too_many_vertices_are_refused_before_decoding() {
        let s = sample();
        let mut ring: Vec<[f64; 2]> = (0..MAX_VERTICES + 10).map(|i| [116.8 + (i as f64) * 1e-9, 40.4]).collect();
        ring.push(ring[0]);
        let body = json!({ "type": "Feature", "id": "X-1", "geometry": { "type": "Polygon", "coordinates": [ring] }, "properties": {} });
        match create(&s, LayerName::Parcels, &body) {
            Err(EditError::Invalid(report)) => assert!(report.errors().any(|p| p.reason.contains("vertices")), "{report:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn creating_an_existing_id_is_refused() {
        let s = sample();
        let mut feature = s.parcels.items()[0].to_feature();
        feature.properties.as_mut().unwrap().retain(|k, _| !COMPUTED.contains(&k.as_str()));
        let body = serde_json::to_value(&feature).unwrap();
        match create(&s, LayerName::Parcels, &body) {
            Err(EditError::Invalid(report)) => assert!(report.errors().any(|p| p.field.as_deref() == Some("id")), "{report:?}"),
            other => panic!("{other:?}"),
        }
        // the same feature under a new id is accepted and lands in the same district
        let mut body = body;
        body["id"] = json!("NEW-1");
        body["properties"]["id"] = json!("NEW-1");
        let spaces = create(&s, LayerName::Parcels, &body).unwrap();
        let next = s.with_spaces(spaces, &[]);
        assert_eq!(next.parcels.len(), s.parcels.len() + 1);
        assert_eq!(next.parcels.get("NEW-1").unwrap().district, s.parcels.items()[0].district);
        let bbox = geo::BoundingRect::bounding_rect(&s.parcels.items()[0].geometry).unwrap();
        assert!(next.parcels.in_bbox(bbox).len() >= 2, "the new parcel is indexed");
    }

    #[test]
    fn with_spaces_replaces_and_removes() {
        let s = sample();
        let first = s.space(LayerName::Parcels, &s.parcels.items()[0].id).unwrap();
        let renamed = first.with_status(SpaceStatus::Negotiating, Some("项目甲"), None);
        let next = s.with_spaces(vec![renamed], &[]);
        assert_eq!(next.parcels.items()[0].status, SpaceStatus::Negotiating);
        assert_eq!(next.parcels.items()[0].confidential.project.as_deref(), Some("项目甲"));
        assert_eq!(ids(&next.parcels), ids(&s.parcels));
        let gone = s.parcels.items()[1].id.clone();
        let fewer = next.with_spaces(vec![], &[(LayerName::Parcels, gone.clone())]);
        assert_eq!(fewer.parcels.len(), s.parcels.len() - 1);
        assert!(fewer.parcels.get(&gone).is_none());
        assert!(fewer.parcels.get(&s.parcels.items()[2].id).is_some());
    }

    /// What tiles read beside the items (labels, Web Mercator outlines) follows every edit.
    #[test]
    fn edits_keep_labels_and_outlines_in_step() {
        let s = sample();
        let p = &s.parcels.items()[3];
        let renamed = update(&s, LayerName::Parcels, &p.id, &json!({ "properties": { "name": "改名" } }), EditMode::Merge).unwrap();
        let next = s.with_spaces(vec![renamed], &[]);
        let label = next.parcels.labels().row(3);
        assert_eq!((label.id, label.name, label.district), (p.id.as_str(), "改名", p.district.as_str()));
        assert_eq!((label.status, label.class, label.measures[0]), (p.status.as_str(), p.land_use.as_str(), p.area.0));
        assert_eq!(label, next.parcels.at(3).label());
        assert_eq!(s.parcels.labels().row(3).name, p.name, "the old snapshot keeps its labels");
        let negotiating = next.space(LayerName::Parcels, &p.id).unwrap().with_status(SpaceStatus::Negotiating, None, None);
        let next = next.with_spaces(vec![negotiating], &[]);
        assert_eq!(next.parcels.labels().row(3).status, "negotiating");
        // a moved parcel's outline moves with it
        let moved_to = json!({ "type": "Polygon", "coordinates": [[[116.80, 40.40], [116.801, 40.40], [116.801, 40.401], [116.80, 40.401], [116.80, 40.40]]] });
        let moved = update(&next, LayerName::Parcels, &p.id, &json!({ "geometry": moved_to }), EditMode::Merge).unwrap();
        let after = next.with_spaces(vec![moved], &[]);
        let position = after.parcels.position(&p.id).unwrap();
        let (exterior, corners) = after.parcels.outlines().rings(position).next().unwrap();
        let lon = corners[0][0] as f64 / crate::geometry::mercator::FIXED_SCALE * 360.0 - 180.0;
        assert!(exterior && (lon - 116.80).abs() < 1e-6, "{lon}");
        assert_eq!(after.parcels.labels().row(position).name, "改名");
        for i in 0..after.parcels.len() as u32 {
            assert_eq!(after.parcels.labels().row(i), after.parcels.at(i).label(), "position {i}");
        }
    }
}
