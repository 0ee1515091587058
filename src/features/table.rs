//! Features as a table for CSV and XLSX: a WKT geometry column, then every public property.

use serde_json::Value;

use geo::{Geometry, InteriorPoint};

use super::{Collected, FeaturesError, Output};
use crate::export::gpkg::FeatureTable;
use crate::export::{Cell, Table};
use crate::inventory::export::{area_geometry, Exported, FOOTPRINT};
use crate::inventory::{LayerName, Shape};

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

/// An item and its property cells.
type ItemCells<'a, T> = (&'a T, Vec<Cell>);

/// The property names and one row of cells per item.
fn property_rows<'a, T: Exported + 'a>(items: impl IntoIterator<Item = &'a T>) -> Result<(Vec<String>, Vec<ItemCells<'a, T>>), FeaturesError> {
    let mut names: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for item in items {
        let Ok(Value::Object(properties)) = serde_json::to_value(item.properties()) else {
            return Err(FeaturesError::Json(format!("the properties of {} are not an object", item.id())));
        };
        if names.is_empty() {
            names = properties.keys().cloned().collect();
        }
        let cells = names.iter().map(|n| properties.get(n).map_or(Cell::Empty, Cell::from_json)).collect();
        rows.push((item, cells));
    }
    Ok((names, rows))
}

/// How a feature table is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// For GIS tools (CSV): a WKT geometry column and the property names as headers.
    Gis,
    /// For spreadsheets (XLSX): a point inside each feature as two number columns (a cell
    /// holds at most 32,767 characters, less than a district outline), and Chinese headers
    /// followed by the property names.
    Spreadsheet,
}

/// The items as a table.
pub fn table<'a, T: Exported + 'a>(title: &str, items: impl IntoIterator<Item = &'a T>, output: &Output, layout: Layout) -> Result<Table, FeaturesError> {
    let (names, property_rows) = property_rows(items)?;
    let mut rows = Vec::with_capacity(property_rows.len());
    for (item, cells) in property_rows {
        let mut row = match layout {
            Layout::Gis => vec![Cell::Text(output.wkt(&item.written_shape())?)],
            Layout::Spreadsheet => {
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
        row.extend(cells);
        if let (Layout::Gis, Some(footprint)) = (layout, item.footprint()) {
            row.push(footprint.map_or(Ok(Cell::Empty), |f| output.wkt(&Shape::Area(f)).map(Cell::Text))?);
        }
        rows.push(row);
    }
    let footprint_column = (layout == Layout::Gis && rows.first().is_some_and(|r| r.len() > names.len() + 1)).then(|| FOOTPRINT.to_string());
    let names: Vec<String> = names.into_iter().chain(footprint_column).collect();
    let (first, labelled): (Vec<String>, bool) = match layout {
        Layout::Gis => (vec!["WKT".into()], false),
        Layout::Spreadsheet if output.crs.is_geographic() => (vec!["中心经度 lon".into(), "中心纬度 lat".into()], true),
        Layout::Spreadsheet => (vec!["中心点 x".into(), "中心点 y".into()], true),
    };
    let headers = first
        .into_iter()
        .chain(names.iter().map(|n| match (labelled, label_zh(n)) {
            (true, Some(zh)) => format!("{zh} {n}"),
            _ => n.clone(),
        }))
        .collect();
    Ok(Table { title: title.to_string(), headers, rows })
}

/// The items as a GeoPackage feature table (WGS84).
pub fn feature_table<'a, T: Collected + 'a>(items: impl IntoIterator<Item = &'a T>) -> Result<FeatureTable, FeaturesError> {
    let (mut columns, property_rows) = property_rows(items)?;
    let rows: Vec<(Geometry, Vec<Cell>)> = property_rows
        .into_iter()
        .map(|(item, mut cells)| {
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
