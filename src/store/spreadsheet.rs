//! An office's spreadsheet of parcels or buildings as edits of the inventory: a preview first
//! (new, changed with each field's old and new value, unchanged, and every problem by sheet,
//! row and column), then the edits committed all or nothing through the [`super::Writer`].
//! Rows update by id and new ids are added; features are deleted only when asked.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::merge::changed_properties;
use super::{authorize, Actor, Change, Edit, StoreError};
use crate::inventory::edit::{self, EditError, EditMode};
use crate::inventory::{LayerName, Problem, Severity, Snapshot, Space};
use crate::sheet::{RowOrigin, SheetProblem, SheetRead};

/// A row of the preview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowRef {
    /// The feature's id.
    pub id: String,
    /// The sheet it came from (none for a feature deleted because no row names it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Its row as Excel numbers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The feature's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One changed field of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The contract property (`geometry` for the position or outline).
    pub field: String,
    /// The column it came from, as headed in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The value stored now.
    pub old: Value,
    /// The value the row gives.
    pub new: Value,
}

/// A row that changes a stored feature.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedRow {
    /// The row.
    #[serde(flatten)]
    pub row: RowRef,
    /// What it changes.
    pub fields: Vec<FieldChange>,
}

/// What a spreadsheet would do, and the edits that do it.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    /// `parcels` or `buildings`.
    pub layer: LayerName,
    /// Rows with new ids.
    pub new: Vec<RowRef>,
    /// Rows that change a stored feature.
    pub changed: Vec<ChangedRow>,
    /// Rows that match what is stored.
    pub unchanged: Vec<RowRef>,
    /// Stored features of the caller's scope that no row names (only when deletion was asked).
    pub deleted: Vec<RowRef>,
    /// Every problem, the file's and the inventory's, by sheet, row and column.
    pub problems: Vec<SheetProblem>,
    /// The edits a commit makes (none while any problem is an error).
    #[serde(skip)]
    pub changes: Vec<Change>,
}

impl Preview {
    /// Whether the preview may be committed: no errors, and something to change.
    pub fn can_commit(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error) && !self.changes.is_empty()
    }
}

fn row_ref(origin: &RowOrigin, name: Option<&str>) -> RowRef {
    RowRef { id: origin.id.clone(), sheet: Some(origin.sheet.clone()), row: Some(origin.row), name: name.map(str::to_string) }
}

fn name_of(feature: &Value) -> Option<&str> {
    feature.pointer("/properties/name").and_then(Value::as_str)
}

/// A problem of one row: the inventory's `field` named by the row's column.
fn row_problem(origin: &RowOrigin, field: Option<&str>, severity: Severity, reason_en: &str, reason_zh: &str) -> SheetProblem {
    let column = field.map(|f| origin.columns.get(f).cloned().unwrap_or_else(|| f.to_string()));
    let (zh_at, en_at) = match &column {
        Some(c) => (format!("第 {} 行「{c}」", origin.row), format!("row {}, column '{c}'", origin.row)),
        None => (format!("第 {} 行", origin.row), format!("row {}", origin.row)),
    };
    SheetProblem {
        sheet: origin.sheet.clone(),
        row: Some(origin.row),
        column,
        severity,
        reason_zh: format!("{zh_at}：{reason_zh}"),
        reason_en: format!("{en_at}: {reason_en}"),
    }
}

/// The loader's problems, each at its row (`origin_of` finds it by the problem's feature).
fn report_problems<'a>(problems: impl Iterator<Item = &'a Problem>, origin_of: impl Fn(&Problem) -> Option<&'a RowOrigin>, sheet: &str) -> Vec<SheetProblem> {
    problems
        .map(|p| match origin_of(p) {
            Some(origin) => row_problem(origin, p.field.as_deref(), p.severity, &p.reason, &p.reason_zh),
            None => SheetProblem { sheet: sheet.to_string(), row: None, column: p.field.clone(), severity: p.severity, reason_zh: p.reason_zh.clone(), reason_en: p.reason.clone() },
        })
        .collect()
}

/// Positions closer than this (degrees, about 0.1 m) are the same: a list exported, shifted to
/// GCJ-02 in a spreadsheet and read back is not a move.
const SAME_POSITION_DEG: f64 = 1e-6;

/// Every position of a GeoJSON geometry, in order.
fn positions(geometry: &Value, out: &mut Vec<(f64, f64)>) {
    match geometry {
        Value::Array(items) if items.len() >= 2 && items.iter().all(Value::is_number) => {
            out.push((items[0].as_f64().unwrap_or(f64::NAN), items[1].as_f64().unwrap_or(f64::NAN)));
        }
        Value::Array(items) => items.iter().for_each(|i| positions(i, out)),
        Value::Object(o) => positions(o.get("coordinates").unwrap_or(&Value::Null), out),
        _ => {}
    }
}

/// Whether `given` is the stored geometry of `space` up to rounding.
fn same_place(space: &Space, given: &Value) -> bool {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    positions(&serde_json::to_value(space.geojson_geometry()).unwrap_or(Value::Null), &mut a);
    positions(given, &mut b);
    a.len() == b.len() && a.iter().zip(&b).all(|(p, q)| (p.0 - q.0).abs() <= SAME_POSITION_DEG && (p.1 - q.1).abs() <= SAME_POSITION_DEG)
}

/// What a row says of a stored feature: the properties it has columns for, and its geometry
/// when it gives one that is not the stored one (a sheet without a column leaves that property
/// as stored).
fn patch_of(feature: &Value, origin: &RowOrigin, stored: &Space) -> Value {
    let mut properties = Map::new();
    if let Some(given) = feature.get("properties").and_then(Value::as_object) {
        for (key, value) in given {
            if origin.columns.contains_key(key) {
                properties.insert(key.clone(), value.clone());
            }
        }
    }
    let mut patch = json!({ "type": "Feature", "properties": properties });
    if origin.columns.contains_key("geometry") {
        if let Some(geometry) = feature.get("geometry").filter(|g| g.is_object() && !same_place(stored, g)) {
            patch["geometry"] = geometry.clone();
        }
    }
    patch
}

/// The fields a row changes, by column.
fn field_changes(before: &Space, after: &Space, origin: &RowOrigin) -> Vec<FieldChange> {
    let (old, new) = changed_properties(&before.stored_properties(), &after.stored_properties());
    let mut fields: Vec<FieldChange> = match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            keys.into_iter()
                .map(|k| FieldChange {
                    field: k.clone(),
                    column: origin.columns.get(k).cloned(),
                    old: old.get(k).cloned().unwrap_or(Value::Null),
                    new: new.get(k).cloned().unwrap_or(Value::Null),
                })
                .collect()
        }
        _ => Vec::new(),
    };
    if !before.same_geometry(after) {
        let geometry = |s: &Space| serde_json::to_value(s.geojson_geometry()).unwrap_or(Value::Null);
        fields.push(FieldChange { field: "geometry".into(), column: origin.columns.get("geometry").cloned(), old: geometry(before), new: geometry(after) });
    }
    fields
}

/// Works out what `read` does to `snapshot` when `actor` imports it: every row checked as the
/// loader checks a file and against the actor's scope; with `delete_missing`, the stored
/// features of the layer within the scope that no row names are deleted.
pub fn preview(snapshot: &Snapshot, read: SheetRead, actor: &Actor, delete_missing: bool) -> Preview {
    let SheetRead { layer, features, origins, mut problems } = read;
    let sheet = origins.first().map_or_else(|| "CSV".to_string(), |o| o.sheet.clone());
    let mut preview = Preview { layer, new: Vec::new(), changed: Vec::new(), unchanged: Vec::new(), deleted: Vec::new(), problems: Vec::new(), changes: Vec::new() };
    let mut fresh: Vec<(Value, &RowOrigin)> = Vec::new();
    let mut changes: Vec<(Change, &RowOrigin)> = Vec::new();
    for (feature, origin) in features.iter().zip(&origins) {
        let Some(before) = snapshot.space(layer, &origin.id) else {
            fresh.push((feature.clone(), origin));
            continue;
        };
        match edit::update(snapshot, layer, &origin.id, &patch_of(feature, origin, &before), EditMode::Merge) {
            Ok(after) => {
                let fields = field_changes(&before, &after, origin);
                if fields.is_empty() {
                    preview.unchanged.push(row_ref(origin, name_of(feature)));
                } else {
                    preview.changed.push(ChangedRow { row: row_ref(origin, name_of(feature)), fields });
                    changes.push((Change::Update { expected_version: before.version(), before, after }, origin));
                }
            }
            Err(EditError::Invalid(report)) => problems.extend(report_problems(report.problems.iter(), |_| Some(origin), &sheet)),
            Err(e) => problems.push(row_problem(origin, None, Severity::Error, &e.to_string(), &crate::error::Classified::detail_zh(&e).unwrap_or_else(|| e.to_string()))),
        }
    }
    if !fresh.is_empty() {
        let body = json!({ "type": "FeatureCollection", "features": fresh.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>() });
        match edit::create(snapshot, layer, &body) {
            Ok(spaces) => {
                for (space, (feature, origin)) in spaces.into_iter().zip(&fresh) {
                    preview.new.push(row_ref(origin, name_of(feature)));
                    changes.push((Change::Create(space), origin));
                }
            }
            Err(EditError::Invalid(report)) => {
                let origin_of = |p: &Problem| p.feature.as_ref().and_then(|f| fresh.get(f.index)).map(|(_, o)| *o);
                problems.extend(report_problems(report.problems.iter(), origin_of, &sheet));
            }
            Err(e) => problems.push(SheetProblem { sheet: sheet.clone(), row: None, column: None, severity: Severity::Error, reason_zh: e.to_string(), reason_en: e.to_string() }),
        }
    }
    for (change, origin) in &changes {
        if let Err(refused) = authorize(snapshot, &Edit { actor: actor.clone(), change: change.clone() }) {
            problems.push(row_problem(origin, None, Severity::Error, &refused.to_string(), &refused.zh()));
        }
    }
    let mut changes: Vec<Change> = changes.into_iter().map(|(c, _)| c).collect();
    if delete_missing {
        let named: HashSet<&str> = origins.iter().map(|o| o.id.as_str()).collect();
        let coverage = snapshot.coverage(&actor.scope);
        let stored: Vec<Space> = match layer {
            LayerName::Parcels => snapshot.parcels.items().iter().map(|p| Space::Parcel((**p).clone())).collect(),
            _ => snapshot.buildings.items().iter().map(|b| Space::Building((**b).clone())).collect(),
        };
        for space in stored.into_iter().filter(|s| !named.contains(s.id()) && coverage.covers(s.place())) {
            let name = match &space {
                Space::Parcel(p) => p.name.clone(),
                Space::Building(b) => b.name.clone(),
            };
            preview.deleted.push(RowRef { id: space.id().to_string(), sheet: None, row: None, name: Some(name) });
            changes.push(Change::Delete { expected_version: space.version(), before: space });
        }
    }
    preview.problems = problems;
    if !preview.problems.iter().any(|p| p.severity == Severity::Error) {
        preview.changes = changes;
    }
    preview
}

/// The edits of a preview, by `actor`.
pub fn edits(preview: &Preview, actor: &Actor) -> Vec<Edit> {
    preview.changes.iter().map(|change| Edit { actor: actor.clone(), change: change.clone() }).collect()
}

/// Counts of what a committed preview did.
pub fn summary(preview: &Preview) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([("new", preview.new.len()), ("changed", preview.changed.len()), ("unchanged", preview.unchanged.len()), ("deleted", preview.deleted.len())])
}

/// Why a preview cannot be committed, as a store refusal.
pub fn refusal(preview: &Preview) -> StoreError {
    let errors: Vec<&SheetProblem> = preview.problems.iter().filter(|p| p.severity == Severity::Error).collect();
    if errors.is_empty() {
        return StoreError::Refused(super::Bilingual::new("the file changes nothing", "文件没有任何变更"));
    }
    let en = errors.iter().map(|p| p.reason_en.as_str()).collect::<Vec<_>>().join("; ");
    let zh = errors.iter().map(|p| p.reason_zh.as_str()).collect::<Vec<_>>().join("；");
    StoreError::Refused(super::Bilingual::new(format!("the import has {} problem(s): {en}", errors.len()), format!("导入有 {} 处问题：{zh}", errors.len())))
}
