//! Features as a table for CSV (a WKT geometry column, then every public property as it is)
//! and XLSX (a point, then the properties as Chinese readers see them).

use serde_json::Value;

use geo::{Geometry, InteriorPoint};

use super::cql2::Type;
use super::{Collected, FeaturesError, Output};
use crate::export::gpkg::FeatureTable;
use crate::export::{Cell, Table};
use crate::inventory::export::{area_geometry, Exported, FOOTPRINT};
use crate::inventory::{LayerName, Shape, Snapshot};
use crate::model::{LandUse, SpaceStatus};

/// The Chinese label of a public property, for spreadsheet headers.
pub fn label_zh(property: &str) -> Option<&'static str> {
    Some(match property {
        "id" => "编号",
        "adcode" => "行政区划代码",
        "name" => "名称",
        "status" => "状态",
        "land_use" => "用地性质",
        "area_m2" => "面积(m²)",
        "area_mu" => "面积(亩)",
        "district" => "所在区",
        "park" => "所在园区",
        "zone" => "所在园中园",
        "max_far" => "容积率上限",
        "max_density" => "建筑密度上限",
        "height_limit_m" => "限高(m)",
        "land_price_wan_per_mu" => "地价(万元/亩)",
        "rent_yuan_m2_day" => "租金(元/m²/天)",
        "supply_modes" => "供地方式",
        "available_from" => "可供日期",
        "power_kva" => "供电容量(kVA)",
        "source" => "数据来源",
        "verified_at" => "核实日期",
        "industries" => "主导产业",
        "level" => "园区级别",
        "admission" => "准入标准",
        "admission_by_category" => "分行业准入标准",
        "admission_source" => "准入标准来源",
        "land_income_2020_wan_per_ha" => "2020年单位面积收入(万元/公顷)",
        "industrial_output_2020_wan_per_ha" => "2020年单位面积工业产值(万元/公顷)",
        "land_output_source" => "地均产出数据来源",
        "own_office" => "自有管理机构",
        "stale" => "待核实",
        "positive_list" => "鼓励类产业",
        "negative_list" => "禁止类产业",
        "building_type" => "楼宇类型",
        "floors" => "层数",
        "floor_area_m2" => "建筑面积(m²)",
        "vacant_area_m2" => "空置面积(m²)",
        "floor_load_kn_m2" => "楼面荷载(kN/m²)",
        "clearance_m" => "净高(m)",
        _ => return None,
    })
}

/// An item and its property values.
type ItemValues<'a, T> = (&'a T, Vec<Value>);

/// The property names and one row of values per item.
fn property_values<'a, T: Exported + 'a>(items: impl IntoIterator<Item = &'a T>) -> Result<(Vec<String>, Vec<ItemValues<'a, T>>), FeaturesError> {
    let mut names: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for item in items {
        let Ok(Value::Object(properties)) = serde_json::to_value(item.properties()) else {
            return Err(FeaturesError::Json(format!("the properties of {} are not an object", item.id())));
        };
        if names.is_empty() {
            names = properties.keys().cloned().collect();
        }
        let values = names.iter().map(|n| properties.get(n).cloned().unwrap_or(Value::Null)).collect();
        rows.push((item, values));
    }
    Ok((names, rows))
}

/// How a feature table is laid out.
#[derive(Debug, Clone, Copy)]
pub enum Layout<'s> {
    /// For GIS tools (CSV): a WKT geometry column and the property names as headers.
    Gis,
    /// For spreadsheets (XLSX): a point inside each feature as two number columns (a cell
    /// holds at most 32,767 characters, less than a district outline), Chinese headers
    /// followed by the property names, Chinese labels for statuses, land uses and
    /// industries, the places a feature lies in by name (from this snapshot) beside their
    /// codes, and dates as dates.
    Spreadsheet(&'s Snapshot),
}

/// For a property naming a place by code: the headers of its name and code columns.
fn place_headers(property: &str) -> Option<(&'static str, &'static str)> {
    Some(match property {
        "district" => ("所在区", "区代码"),
        "park" => ("所在园区", "园区编号"),
        "zone" => ("所在园中园", "园中园编号"),
        _ => return None,
    })
}

/// The name of the place a property names by code.
fn place_name<'s>(snapshot: &'s Snapshot, property: &str, code: &str) -> Option<&'s str> {
    match property {
        "district" => snapshot.districts.get(code).map(|d| d.name.as_str()),
        "park" => snapshot.parks.get(code).map(|p| p.name.as_str()),
        "zone" => snapshot.zones.get(code).map(|z| z.name.as_str()),
        _ => None,
    }
}

/// A property's cell as Chinese readers see it: statuses and land uses by their labels,
/// industry codes by their names; anything not recognised as it is.
fn labelled(snapshot: &Snapshot, property: &str, value: &Value) -> Cell {
    let label = match (property, value) {
        ("status", Value::String(s)) => s.parse::<SpaceStatus>().ok().map(|status| status.zh().to_string()),
        ("land_use", Value::String(s)) => s.parse::<LandUse>().ok().map(|land_use| land_use.zh().to_string()),
        ("industries" | "positive_list" | "negative_list", Value::Array(codes)) => {
            let names: Option<Vec<&str>> = codes.iter().map(|c| c.as_str().map(|code| snapshot.catalogue.get(code).map_or(code, |i| i.name_zh.as_str()))).collect();
            names.map(|names| names.join("、"))
        }
        _ => None,
    };
    label.map_or_else(|| Cell::from_json(value), Cell::Text)
}

/// The items as a table.
pub fn table<'a, T: Collected + 'a>(title: &str, items: impl IntoIterator<Item = &'a T>, output: &Output, layout: Layout) -> Result<Table, FeaturesError> {
    let (names, property_rows) = property_values(items)?;
    let mut rows = Vec::with_capacity(property_rows.len());
    for (item, values) in property_rows {
        let mut row = match layout {
            Layout::Gis => vec![Cell::Text(output.wkt(&item.written_shape())?)],
            Layout::Spreadsheet(_) => {
                let inside = match item.shape() {
                    Shape::Area(a) => a.interior_point().map(|p| p.0),
                    Shape::Point(p) => Some(p.0),
                };
                match inside {
                    Some(c) => {
                        let c = output.map_xy(c)?;
                        vec![Cell::Number(output.round(c.x)), Cell::Number(output.round(c.y))]
                    }
                    None => vec![Cell::Empty, Cell::Empty],
                }
            }
        };
        match layout {
            Layout::Gis => {
                row.extend(values.iter().map(Cell::from_json));
                if let Some(footprint) = item.footprint() {
                    row.push(footprint.map_or(Ok(Cell::Empty), |f| output.wkt(&Shape::Area(f)).map(Cell::Text))?);
                }
            }
            Layout::Spreadsheet(snapshot) => {
                for (name, value) in names.iter().zip(&values) {
                    if place_headers(name).is_some() {
                        let place = value.as_str().and_then(|code| place_name(snapshot, name, code));
                        row.push(place.map_or(Cell::Empty, |p| Cell::Text(p.to_string())));
                        row.push(Cell::from_json(value));
                    } else {
                        row.push(labelled(snapshot, name, value));
                    }
                }
            }
        }
        rows.push(row);
    }
    if let Layout::Gis = layout {
        let footprint_column = rows.first().is_some_and(|r| r.len() > names.len() + 1).then(|| FOOTPRINT.to_string());
        let headers = std::iter::once("WKT".to_string()).chain(names.iter().cloned()).chain(footprint_column).collect();
        return Ok(Table { title: title.to_string(), headers, rows, ..Table::default() });
    }
    let mut headers: Vec<String> =
        if output.crs.is_geographic() { vec!["中心经度 lon".into(), "中心纬度 lat".into()] } else { vec!["中心点 x".into(), "中心点 y".into()] };
    let mut date_columns = Vec::new();
    for name in &names {
        if let Some((place, code)) = place_headers(name) {
            headers.extend([place.to_string(), format!("{code} {name}")]);
            continue;
        }
        if T::queryables().iter().any(|q| q.name == name.as_str() && q.kind == Type::Date) {
            date_columns.push(headers.len());
        }
        headers.push(label_zh(name).map_or_else(|| name.clone(), |zh| format!("{zh} {name}")));
    }
    Ok(Table { title: title.to_string(), headers, rows, date_columns })
}

/// The items as a GeoPackage feature table (WGS84).
pub fn feature_table<'a, T: Collected + 'a>(items: impl IntoIterator<Item = &'a T>) -> Result<FeatureTable, FeaturesError> {
    let (mut columns, property_rows) = property_values(items)?;
    let rows: Vec<(Geometry, Vec<Cell>)> = property_rows
        .into_iter()
        .map(|(item, values)| {
            let mut cells: Vec<Cell> = values.iter().map(Cell::from_json).collect();
            let geometry = match item.written_shape() {
                Shape::Area(a) => Geometry::MultiPolygon(a.clone()),
                Shape::Point(p) => Geometry::Point(p),
            };
            if let Some(footprint) = item.footprint() {
                cells.push(footprint.map_or(Cell::Empty, |f| Cell::Text(serde_json::to_string(&area_geometry(f)).unwrap_or_default())));
            }
            (geometry, cells)
        })
        .collect();
    if rows.first().is_some_and(|(_, cells)| cells.len() > columns.len()) {
        columns.push(FOOTPRINT.to_string());
    }
    let (title, description) = super::describe(T::LAYER);
    Ok(FeatureTable {
        name: T::LAYER.as_str().to_string(),
        description: format!("{title}: {description}"),
        geometry_type: if T::LAYER == LayerName::Buildings { "POINT" } else { "MULTIPOLYGON" },
        columns,
        rows,
    })
}
