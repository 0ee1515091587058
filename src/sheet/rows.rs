//! From a sheet's header and rows to features: which column is which, then each row read
//! cell by cell, every problem named by row and column.

use std::collections::{BTreeMap, HashMap};

use geo::{Coord, InteriorPoint, MultiPolygon, Point};
use serde_json::{Map, Value};

use super::columns::{Column, Header, Kind, Lookup, COLUMNS};
use super::grid::{Grid, Row};
use super::position;
use super::values::{self, Bad, Cell};
use super::{RowOrigin, SheetProblem, SheetRead, Severity};
use crate::geometry::Crs;
use crate::inventory::export::{area_geometry, point_geometry, FOOTPRINT};
use crate::inventory::LayerName;

/// Ids of the template's example row start with this; such rows are skipped.
pub(crate) const SAMPLE_PREFIX: &str = "示例";

/// The contract's property order of a parcel, as `geodata/parcels.geojson` has it.
const PARCEL_ORDER: &[&str] = &[
    "id", "name", "status", "land_use", "area_m2", "area_mu", "district", "park", "zone", "max_far", "max_density", "height_limit_m",
    "land_price_wan_per_mu", "rent_yuan_m2_day", "supply_modes", "available_from", "power_kva", "source", "verified_at", "project",
    "project_id", "internal_note",
];
/// The same for a building.
const BUILDING_ORDER: &[&str] = &[
    "id", "name", "building_type", "status", "floors", "floor_area_m2", "vacant_area_m2", "floor_load_kn_m2", "clearance_m",
    "rent_yuan_m2_day", "industries", "district", "park", "zone", "source", "verified_at", "project", "project_id", "internal_note",
    FOOTPRINT,
];

/// A column of the sheet that is read: where, what, and its header as written.
struct Slot {
    index: usize,
    column: &'static Column,
    header: String,
}

/// Which column is which in one sheet.
struct Layout {
    slots: Vec<Slot>,
    /// Property (or `geometry`, `crs`) → header as written.
    origin: BTreeMap<String, String>,
    /// A file-level error stops every row (a required column is missing).
    blocked: bool,
}

impl Layout {
    fn of(&self, kind: Kind) -> Option<&Slot> {
        self.slots.iter().find(|s| s.column.kind == kind)
    }
}

/// A problem of the whole sheet or a column (no row).
fn file_problem(sheet: &str, column: Option<&str>, severity: Severity, en: String, zh: String) -> SheetProblem {
    SheetProblem { sheet: sheet.to_string(), row: None, column: column.map(str::to_string), severity, reason_zh: zh, reason_en: en }
}

/// A problem of one cell: `第 12 行「状态」：…` / `row 12, column '状态': …`.
fn cell_problem(sheet: &str, row: u32, column: &str, severity: Severity, bad: Bad) -> SheetProblem {
    SheetProblem {
        sheet: sheet.to_string(),
        row: Some(row),
        column: Some(column.to_string()),
        severity,
        reason_zh: format!("第 {row} 行「{column}」：{}", bad.zh),
        reason_en: format!("row {row}, column '{column}': {}", bad.en),
    }
}

/// The template's header for a property in this layer, for messages about a missing column.
fn header_of(layer: LayerName, kind: Option<Kind>, property: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|c| c.read.has(layer) && c.property == property && kind.is_none_or(|k| c.kind == k))
        .map_or("", |c| c.header)
}

/// Reads the header row: each column recognised, noted as ignored, or noted as unknown.
fn layout(grid: &Grid, header: &Row, lookup: &Lookup, layer: LayerName, problems: &mut Vec<SheetProblem>) -> Layout {
    let sheet = grid.sheet.as_str();
    let mut slots: Vec<Slot> = Vec::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let Some(text) = cell.text() else { continue };
        match lookup.find(&text) {
            Header::Column(column) => {
                if let Some(first) = slots.iter().find(|s| s.column.property == column.property && s.column.kind == column.kind) {
                    problems.push(file_problem(
                        sheet,
                        Some(&text),
                        Severity::Warning,
                        format!("column '{text}' gives {} as '{}' does; only '{}' is read", column.property, first.header, first.header),
                        format!("「{text}」与「{}」都是{}，只读取「{}」", first.header, column.header, first.header),
                    ));
                } else {
                    slots.push(Slot { index, column, header: text });
                }
            }
            Header::Ignored(None) => {}
            Header::Ignored(Some((zh, en))) => {
                problems.push(file_problem(sheet, Some(&text), Severity::Warning, format!("column '{text}' is not imported: {en}"), format!("「{text}」列不导入：{zh}")))
            }
            Header::Unknown => problems.push(file_problem(
                sheet,
                Some(&text),
                Severity::Warning,
                format!("column '{text}' is not recognised and was ignored (the template's 说明 sheet lists the columns)"),
                format!("未识别的列「{text}」，已忽略（可用的列见模板的「说明」页）"),
            )),
        }
    }
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    for slot in &slots {
        if layer == LayerName::Parcels && matches!(slot.column.kind, Kind::X | Kind::Y) {
            continue;
        }
        origin.entry(slot.column.property.to_string()).and_modify(|h| *h = format!("{h}、{}", slot.header)).or_insert_with(|| slot.header.clone());
    }
    let mut layout = Layout { slots, origin, blocked: false };
    check_columns(&mut layout, sheet, layer, problems);
    layout
}

/// Required columns, and position columns the layer can place a feature with.
fn check_columns(layout: &mut Layout, sheet: &str, layer: LayerName, problems: &mut Vec<SheetProblem>) {
    let mut missing: Vec<&str> = Vec::new();
    for column in COLUMNS.iter().filter(|c| c.read.has(layer) && c.required) {
        if !layout.slots.iter().any(|s| s.column.property == column.property) && !missing.contains(&column.header) {
            missing.push(column.header);
        }
    }
    let (x, y, wkt) = (layout.of(Kind::X).is_some(), layout.of(Kind::Y).is_some(), layout.of(Kind::Wkt).is_some());
    let mut errors: Vec<(String, String)> = missing
        .iter()
        .map(|h| (format!("the required column '{h}' is missing (the template's 说明 sheet lists other spellings)"), format!("缺少必填列「{h}」（其他写法见模板的「说明」页）")))
        .collect();
    match layer {
        LayerName::Parcels if !wkt => {
            let h = header_of(layer, Some(Kind::Wkt), "geometry");
            errors.push((format!("the required column '{h}' is missing: a parcel needs its outline"), format!("缺少必填列「{h}」：地块需要边界")));
        }
        LayerName::Parcels if x || y => problems.push(file_problem(
            sheet,
            None,
            Severity::Warning,
            "a parcel is placed by its outline (WKT): the longitude and latitude columns are not read".into(),
            "地块的位置取自边界（WKT），经度、纬度列不导入".into(),
        )),
        LayerName::Buildings if x != y => {
            errors.push(("longitude and latitude columns come in pairs: one of them is missing".into(), "经度、纬度两列须同时给出，现在缺了一列".into()))
        }
        LayerName::Buildings if !x && !wkt => errors.push((
            "no position columns: give longitude and latitude, or a footprint (WKT)".into(),
            "缺少位置列：请给出「经度」「纬度」两列，或「占地轮廓（WKT）」列".into(),
        )),
        _ => {}
    }
    layout.blocked = !errors.is_empty();
    problems.extend(errors.into_iter().map(|(en, zh)| file_problem(sheet, None, Severity::Error, en, zh)));
}

/// The positions a row gives, as read from its cells.
#[derive(Default)]
struct Positions {
    x: Option<f64>,
    y: Option<f64>,
    wkt: Option<String>,
    crs: Option<Crs>,
}

/// One row being read.
struct RowReader<'a> {
    sheet: &'a str,
    number: u32,
    layer: LayerName,
    file_crs: Crs,
    problems: Vec<SheetProblem>,
}

impl RowReader<'_> {
    fn bad(&mut self, column: &str, bad: Bad) {
        self.problems.push(cell_problem(self.sheet, self.number, column, Severity::Error, bad));
    }

    /// A cell's value as the contract writes it; none (after noting why) when it is bad.
    fn value(&mut self, slot: &Slot, cell: &Cell, positions: &mut Positions) -> Option<Value> {
        let text = cell.text().unwrap_or_default();
        let scaled = |x: f64| if slot.column.scale == 1.0 { x } else { (x * slot.column.scale * 1e4).round() / 1e4 };
        let number = |x: f64| serde_json::Number::from_f64(x).map(Value::Number);
        let read: Result<Option<Value>, Bad> = match slot.column.kind {
            Kind::Id | Kind::Text | Kind::Code => Ok(Some(Value::String(text))),
            Kind::Number => values::number(cell, false).map(|x| number(scaled(x))),
            Kind::Ratio => values::number(cell, true).map(number),
            Kind::Integer => values::integer(cell).map(|n| Some(Value::from(n))),
            Kind::Date => values::date(cell).map(|d| Some(Value::String(d.format("%Y-%m-%d").to_string()))),
            Kind::Status => values::status(&text).map(|s| Some(Value::from(s.as_str()))),
            Kind::LandUse => values::land_use(&text).map(|l| Some(Value::from(l.as_str()))),
            Kind::BuildingType => values::building_type(&text).map(|t| Some(Value::from(t.as_str()))),
            Kind::SupplyModes => values::supply_modes(&text).map(|m| Some(Value::from(m.iter().map(|m| m.as_str()).collect::<Vec<_>>()))),
            Kind::Industries => Ok(Some(Value::from(values::items(&text, false)))),
            Kind::X => values::number(cell, false).map(|x| {
                positions.x = Some(x);
                None
            }),
            Kind::Y => values::number(cell, false).map(|y| {
                positions.y = Some(y);
                None
            }),
            Kind::Wkt => {
                positions.wkt = Some(text);
                Ok(None)
            }
            Kind::Crs => position::parse_crs(&text).map(|crs| {
                positions.crs = Some(crs);
                None
            }),
        };
        read.unwrap_or_else(|bad| {
            self.bad(&slot.header, bad);
            None
        })
    }

    /// The row's CRS: its 坐标系 cell, else the WKT's SRID, else the file's; a cell and an
    /// SRID that disagree are a problem.
    fn crs(&mut self, positions: &Positions, srid: Option<Crs>, crs_header: &str) -> Option<Crs> {
        match (positions.crs, srid) {
            (Some(given), Some(srid)) if given != srid => {
                self.bad(
                    crs_header,
                    Bad::new(format!("{given} differs from the WKT's SRID ({srid})"), format!("{given} 与 WKT 中的 SRID（{srid}）不一致")),
                );
                None
            }
            (Some(given), _) => Some(given),
            (None, Some(srid)) => Some(srid),
            (None, None) => Some(self.file_crs),
        }
    }

    /// The outline in WGS84 from a WKT cell.
    fn area(&mut self, wkt: &str, header: &str, positions: &Positions, crs_header: &str) -> Option<MultiPolygon> {
        let (given, srid) = position::outline(wkt).map_err(|bad| self.bad(header, bad)).ok()?;
        let crs = self.crs(positions, srid, crs_header)?;
        let transformer = crs.thread_transformer().map_err(|e| self.bad(crs_header, Bad::new(e.to_string(), e.zh()))).ok()?;
        position::area(crs, transformer.as_ref(), &given).map_err(|bad| self.bad(header, bad)).ok()
    }

    /// The point in WGS84 from the longitude and latitude cells.
    fn point(&mut self, x: f64, y: f64, header: &str, positions: &Positions, crs_header: &str) -> Option<Coord> {
        let crs = self.crs(positions, None, crs_header)?;
        let transformer = crs.thread_transformer().map_err(|e| self.bad(crs_header, Bad::new(e.to_string(), e.zh()))).ok()?;
        position::point(crs, transformer.as_ref(), Coord { x, y }).map_err(|bad| self.bad(header, bad)).ok()
    }

    /// The feature's geometry, and a building's footprint property; none, without a problem
    /// per row, when the sheet lacks the columns (that is one problem of the sheet).
    fn geometry(&mut self, layout: &Layout, positions: &Positions) -> Option<(Value, Option<Value>)> {
        let has = |kind| layout.of(kind).is_some();
        let placeable = if self.layer == LayerName::Parcels { has(Kind::Wkt) } else { has(Kind::Wkt) || (has(Kind::X) && has(Kind::Y)) };
        if !placeable {
            return None;
        }
        let crs_header = layout.of(Kind::Crs).map_or("坐标系", |s| s.header.as_str()).to_string();
        let wkt_header = layout.of(Kind::Wkt).map_or("WKT", |s| s.header.as_str()).to_string();
        let xy_header = layout.origin.get("geometry").cloned().unwrap_or_default();
        let wkt = positions.wkt.as_deref().filter(|w| !w.trim().is_empty());
        if self.layer == LayerName::Parcels {
            let Some(wkt) = wkt else {
                self.bad(&wkt_header, Bad::new("required: the parcel's outline", "必填：地块的边界"));
                return None;
            };
            let area = self.area(wkt, &wkt_header, positions, &crs_header)?;
            return serde_json::to_value(area_geometry(&area)).ok().map(|g| (g, None));
        }
        let footprint = match wkt {
            Some(wkt) => Some(self.area(wkt, &wkt_header, positions, &crs_header)?),
            None => None,
        };
        let point = match (positions.x, positions.y) {
            (Some(x), Some(y)) => self.point(x, y, &xy_header, positions, &crs_header)?,
            (None, None) => match footprint.as_ref().and_then(|f| f.interior_point()) {
                Some(inside) => inside.0,
                None => {
                    self.bad(&xy_header, Bad::new("no position: give longitude and latitude, or a footprint", "没有位置：请填写经度、纬度，或占地轮廓"));
                    return None;
                }
            },
            _ => {
                self.bad(&xy_header, Bad::new("longitude and latitude must both be given", "经度、纬度须同时填写"));
                return None;
            }
        };
        let geometry = serde_json::to_value(point_geometry(Point(point))).ok()?;
        let footprint = footprint.and_then(|f| serde_json::to_value(area_geometry(&f)).ok()).unwrap_or(Value::Null);
        Some((geometry, Some(footprint)))
    }
}

/// What one row gave.
enum Outcome {
    /// Nothing to import (empty, or the template's example).
    Skip,
    /// Errors; the row is left out.
    Bad,
    /// A feature.
    Feature(Value),
}

/// The id cell: required; the template's example is skipped with a warning.
fn row_id(reader: &mut RowReader, layout: &Layout, row: &Row) -> Result<String, Outcome> {
    let slot = layout.of(Kind::Id).ok_or(Outcome::Bad)?;
    let id = row.cells.get(slot.index).and_then(Cell::text).unwrap_or_default();
    if id.is_empty() {
        reader.bad(&slot.header, Bad::new("required: every row needs an id", "必填：每行都要有编号"));
        return Err(Outcome::Bad);
    }
    if id.starts_with(SAMPLE_PREFIX) {
        let bad = Bad::new(
            format!("'{id}' is the template's example row and was skipped (delete it)"),
            format!("'{id}' 是模板的示例行，已跳过（请删除该行）"),
        );
        reader.problems.push(cell_problem(reader.sheet, reader.number, &slot.header, Severity::Warning, bad));
        return Err(Outcome::Skip);
    }
    Ok(id)
}

/// Reads one row into a feature, noting every problem.
fn read_row(reader: &mut RowReader, layout: &Layout, row: &Row) -> Outcome {
    let read_here = |s: &&Slot| !(reader.layer == LayerName::Parcels && matches!(s.column.kind, Kind::X | Kind::Y));
    if layout.slots.iter().filter(read_here).all(|s| row.cells.get(s.index).is_none_or(Cell::is_blank)) {
        return Outcome::Skip;
    }
    let id = match row_id(reader, layout, row) {
        Ok(id) => id,
        Err(outcome) => return outcome,
    };
    let mut properties: Vec<(&'static str, Value)> = Vec::new();
    let mut positions = Positions::default();
    for slot in layout.slots.iter().filter(|s| s.column.kind != Kind::Id) {
        if reader.layer == LayerName::Parcels && matches!(slot.column.kind, Kind::X | Kind::Y) {
            continue;
        }
        let cell = row.cells.get(slot.index).unwrap_or(&Cell::Empty);
        if let Cell::Error(e) = cell {
            reader.bad(&slot.header, Bad::new(format!("the cell holds the error value {e}"), format!("单元格是错误值 {e}")));
        } else if cell.is_blank() {
            if slot.column.required {
                reader.bad(&slot.header, Bad::new("required, but empty", "必填，不能为空"));
            } else if !matches!(slot.column.kind, Kind::X | Kind::Y | Kind::Wkt | Kind::Crs) {
                let empty = if slot.column.kind == Kind::Industries { Value::Array(Vec::new()) } else { Value::Null };
                properties.push((slot.column.property, empty));
            }
        } else if let Some(value) = reader.value(slot, cell, &mut positions) {
            properties.push((slot.column.property, value));
        }
    }
    let geometry = reader.geometry(layout, &positions);
    if layout.blocked || !reader.problems.iter().all(|p| p.severity == Severity::Warning) {
        return Outcome::Bad;
    }
    let Some((geometry, footprint)) = geometry else { return Outcome::Bad };
    properties.push(("id", Value::String(id.clone())));
    if let Some(footprint) = footprint {
        properties.push((FOOTPRINT, footprint));
    }
    if reader.layer == LayerName::Parcels && !properties.iter().any(|(p, _)| *p == "available_from") {
        // an available date not given means available now, as an empty cell does
        properties.push(("available_from", Value::Null));
    }
    Outcome::Feature(feature(reader.layer, id, geometry, properties))
}

/// A GeoJSON feature with the properties in the contract's order.
fn feature(layer: LayerName, id: String, geometry: Value, mut properties: Vec<(&'static str, Value)>) -> Value {
    let order = if layer == LayerName::Parcels { PARCEL_ORDER } else { BUILDING_ORDER };
    properties.sort_by_key(|(p, _)| order.iter().position(|o| o == p).unwrap_or(order.len()));
    let properties: Map<String, Value> = properties.into_iter().map(|(p, v)| (p.to_string(), v)).collect();
    let mut feature = Map::new();
    feature.insert("type".into(), Value::from("Feature"));
    feature.insert("geometry".into(), geometry);
    feature.insert("id".into(), Value::String(id));
    feature.insert("properties".into(), Value::Object(properties));
    Value::Object(feature)
}

/// Every row below the header of `grid`, read.
pub(crate) fn read_rows(grid: &Grid, header: usize, lookup: &Lookup, layer: LayerName, file_crs: Crs) -> SheetRead {
    let mut problems = Vec::new();
    let Some(header_row) = grid.rows.get(header) else {
        return SheetRead { layer, features: Vec::new(), origins: Vec::new(), problems };
    };
    let layout = layout(grid, header_row, lookup, layer, &mut problems);
    let (mut features, mut origins) = (Vec::new(), Vec::new());
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    for row in grid.rows.iter().skip(header + 1) {
        let mut reader = RowReader { sheet: &grid.sheet, number: row.number, layer, file_crs, problems: Vec::new() };
        let mut outcome = read_row(&mut reader, &layout, row);
        let id = layout.of(Kind::Id).and_then(|s| row.cells.get(s.index).and_then(Cell::text).map(|id| (id, s.header.clone())));
        if let (Some((id, id_header)), Outcome::Feature(_) | Outcome::Bad) = (id, &outcome) {
            match first_row_of.get(&id) {
                Some(&first) => {
                    let bad = Bad::new(format!("id '{id}' is already used by row {first}"), format!("编号 '{id}' 与第 {first} 行重复"));
                    reader.bad(&id_header, bad);
                    outcome = Outcome::Bad;
                }
                None => {
                    first_row_of.insert(id, row.number);
                }
            }
        }
        problems.append(&mut reader.problems);
        if let Outcome::Feature(feature) = outcome {
            let id = feature.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            origins.push(RowOrigin { sheet: grid.sheet.clone(), row: row.number, id, columns: layout.origin.clone() });
            features.push(feature);
        }
    }
    SheetRead { layer, features, origins, problems }
}
