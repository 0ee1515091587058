//! The 产业地图 summary and whole-selection exports (GeoJSON, CSV, XLSX, GeoPackage).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};

use super::params::{self, query_pairs};
use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::export::gpkg::to_gpkg;
use crate::export::{to_csv, to_xlsx};
use crate::features::query::{parse_crs, select};
use crate::features::table::{self, Layout};
use crate::features::{encode, Collected, Output, Selection};
use crate::geometry::Crs;
use crate::inventory::{stats, with_layer, Layer, LayerName, Snapshot};

/// `GET /api/v1/stats`: available land and vacant floor area by district, park, zone, land
/// use, status and industry category.
#[get("/api/v1/stats")]
async fn summary(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    params::none(&req)?;
    let snapshot = state.snapshot();
    let summary = super::blocking(move || Ok::<_, ApiError>(stats::summarize(&snapshot))).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "public, no-cache")).json(summary))
}

/// Query of the 待核实 list.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StaleParams {
    /// Only this district (adcode).
    district: Option<String>,
    /// Only this park.
    park: Option<String>,
    /// Only parcels or only buildings.
    layer: Option<String>,
}

/// `GET /api/v1/stale?district=…&park=…&layer=…`: the parcels and buildings not verified within
/// `stale_after_days`, oldest first: each office's 待核实 list.
#[get("/api/v1/stale")]
async fn stale(state: web::Data<AppState>, query: params::Query<StaleParams>) -> Result<HttpResponse, ApiError> {
    let snapshot = state.snapshot();
    if let Some(d) = query.district.as_deref().filter(|d| snapshot.districts.get(d).is_none()) {
        return Err(ApiError::parameter("district", format!("there is no district '{d}' (give an adcode, such as 110118)"), format!("没有区 '{d}'（请给出行政区划代码，如 110118）")));
    }
    if let Some(p) = query.park.as_deref().filter(|p| snapshot.parks.get(p).is_none()) {
        return Err(ApiError::parameter("park", format!("there is no park '{p}'"), format!("没有园区 '{p}'")));
    }
    let layer = match query.layer.as_deref() {
        None => None,
        Some(name) => match LayerName::parse(name) {
            Some(l @ (LayerName::Parcels | LayerName::Buildings)) => Some(l),
            _ => return Err(ApiError::parameter("layer", format!("'{name}' is not parcels or buildings"), format!("'{name}' 不是 parcels（地块）或 buildings（厂房楼宇）"))),
        },
    };
    let today = crate::inventory::beijing_today();
    let days = state.stale_after_days;
    let rule = crate::inventory::Freshness::new(today, days);
    let list = {
        let q = crate::inventory::StaleQuery { district: query.district.as_deref(), park: query.park.as_deref(), layer };
        crate::inventory::stale_list(&snapshot, &rule, today, &q)
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .json(serde_json::json!({ "stale_after_days": days, "today": today, "count": list.len(), "features": list })))
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    GeoJson,
    Csv,
    Xlsx,
    Gpkg,
}

impl Format {
    fn parse(value: &str) -> Result<Format, ApiError> {
        Ok(match value {
            "geojson" => Format::GeoJson,
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            "gpkg" => Format::Gpkg,
            other => return Err(ApiError::parameter("format", format!("'{other}' is not offered; use geojson, csv, xlsx or gpkg"), format!("不提供 '{other}' 格式；请用 geojson、csv、xlsx 或 gpkg"))),
        })
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::GeoJson => "application/geo+json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Gpkg => "application/geopackage+sqlite3",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::GeoJson => "geojson",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Gpkg => "gpkg",
        }
    }
}

fn write<T: Collected>(snapshot: &Snapshot, layer: &Layer<T>, positions: &[u32], format: Format, crs: Crs) -> Result<Vec<u8>, ApiError> {
    let output = Output::new(crs)?;
    let items = positions.iter().map(|&i| layer.at(i));
    let title = crate::features::describe(T::LAYER).0;
    Ok(match format {
        Format::GeoJson => {
            let mut tail = serde_json::Map::new();
            tail.insert("name".into(), serde_json::json!(T::LAYER.as_str()));
            encode::write_collection(&output, items, &tail)?
        }
        Format::Csv => to_csv(&[table::table(title, items, &output, Layout::Gis)?])?,
        Format::Xlsx => to_xlsx(&[table::table(title, items, &output, Layout::Spreadsheet(snapshot))?])?,
        Format::Gpkg => to_gpkg(&[table::feature_table(items)?])?,
    })
}

/// `GET /api/v1/export/{collection}?format=…`: every feature the item filters select, as one
/// file to download.
#[get("/api/v1/export/{collection}")]
async fn export(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let layer = LayerName::parse(&path).ok_or_else(|| ApiError::NotFound(Bilingual::new(format!("there is no collection '{path}'"), format!("没有数据集合 '{path}'"))))?;
    let pairs = query_pairs(&req)?;
    let snapshot = state.snapshot();
    let (selection, rest) = Selection::from_params(&snapshot, layer, &pairs, &["format", "crs"])?;
    let mut format = None;
    let mut crs = Crs::Crs84;
    for (name, value) in rest {
        match name {
            "format" => format = Some(Format::parse(value)?),
            _ => crs = parse_crs("crs", value)?,
        }
    }
    let format = format.ok_or_else(|| ApiError::parameter("format", "is required: geojson, csv, xlsx or gpkg", "必须给出：geojson、csv、xlsx 或 gpkg"))?;
    if format == Format::Gpkg && crs != Crs::Crs84 && crs != Crs::Epsg(4326) {
        return Err(ApiError::parameter("crs", "GeoPackage exports are written in EPSG:4326 (WGS 84); reproject them in the GIS", "GeoPackage 导出一律采用 EPSG:4326（WGS 84）；请在 GIS 中转换坐标系"));
    }
    let body = super::blocking(move || {
        let positions = select(&snapshot, layer, &selection);
        with_layer!(snapshot, layer, |l| write(&snapshot, l, &positions, format, crs))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{layer}.{}\"", format.extension())))
        .body(body))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(summary).service(stale).service(export);
}
