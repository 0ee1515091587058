//! Vector tiles and their TileJSON documents. Thin over [`crate::tiles`].

use actix_web::dev::ResourceDef;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse, ResponseError};

use super::auth::Caller;
use super::caching::{cached_as, etag, fresh, personal};
use super::params::{base_url, only, query_pairs};
use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::inventory::LayerName;
use crate::tiles::{self, Datum, TileId, TileRequest};

/// The MVT media type.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

fn layer_of(name: &str) -> Result<LayerName, ApiError> {
    LayerName::parse(name).ok_or_else(|| ApiError::NotFound(Bilingual::new(
        format!("there are no tiles of '{name}' (layers: districts, parks, zones, parcels, buildings)"),
        format!("没有图层 '{name}' 的瓦片（图层：districts、parks、zones、parcels、buildings）"),
    )))
}

/// The `crs` parameter (the only one these routes take).
fn datum(req: &HttpRequest) -> Result<Datum, ApiError> {
    let pairs = query_pairs(req)?;
    only(&pairs, &["crs"])?;
    match pairs.first() {
        Some((_, name)) => Ok(Datum::parse(name)?),
        None => Ok(Datum::Wgs84),
    }
}

fn coordinate(name: &'static str, text: &str) -> Result<u32, ApiError> {
    match text.parse() {
        Ok(n) => Ok(n),
        // a whole number too large for u32 is off the grid (404 by name), not malformed
        Err(_) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Ok(u32::MAX),
        Err(_) => Err(ApiError::parameter(name, format!("'{text}' is not a tile coordinate (a whole number from 0)"), format!("'{text}' 不是瓦片坐标（应为从 0 起的整数）"))),
    }
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`: one tile, 204 when empty.
#[get("/tiles/{layer}/{z}/{x}/{y}.mvt")]
async fn tile(req: HttpRequest, caller: Caller, path: web::Path<(String, String, String, String)>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (layer, z, x, y) = path.into_inner();
    let layer = layer_of(&layer)?;
    let tile = TileId::new(coordinate("z", &z)?, coordinate("x", &x)?, coordinate("y", &y)?)?;
    let datum = datum(&req)?;
    let snapshot = state.snapshot();
    let audience = caller.audience(&snapshot)?;
    let tag = etag(&snapshot, &req, &audience);
    let mut response = if fresh(&req, &tag) {
        cached_as(&req, tag, MVT, Vec::new())
    } else {
        match tiles::render(&snapshot, &TileRequest { layer, tile, datum, audience: audience.clone() })? {
            Some(bytes) => cached_as(&req, tag, MVT, bytes),
            None => HttpResponse::NoContent().insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, "public, no-cache")).finish(),
        }
    };
    personal(&mut response, &audience);
    Ok(response)
}

/// `GET /tiles/{layer}.json`: the layer's TileJSON 3.0 document.
#[get("/tiles/{layer}.json")]
async fn tilejson(req: HttpRequest, layer: web::Path<String>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let layer = layer_of(&layer)?;
    let datum = datum(&req)?;
    let snapshot = state.snapshot();
    let tag = etag(&snapshot, &req, &crate::model::Audience::public());
    let body = if fresh(&req, &tag) {
        Vec::new()
    } else {
        serde_json::to_vec(&tiles::tilejson(&snapshot, layer, datum, &base_url(&req))).map_err(|_| ApiError::Internal)?
    };
    Ok(cached_as(&req, tag, "application/json", body))
}

/// Any other path under `/tiles`: a 404 that names where the tiles are. Without it, a path
/// like `…/6200.pbf` matches the API document's `{y}.mvt` segment and gets a 405 "use GET".
async fn elsewhere(req: HttpRequest) -> HttpResponse {
    let served = ResourceDef::new(["/tiles/{layer}/{z}/{x}/{y}.mvt", "/tiles/{layer}.json"]);
    if served.is_match(req.path()) {
        // a served path asked with another method
        return super::unrouted(req).await;
    }
    ApiError::NotFound(not_served(req.path(), req.query_string())).error_response()
}

/// Why nothing is at `path`, and the URL that was probably meant.
fn not_served(path: &str, query: &str) -> Bilingual {
    const LAYERS: &str = "districts, parks, zones, parcels, buildings";
    let query = if query.is_empty() { String::new() } else { format!("?{query}") };
    let segments: Vec<&str> = path.trim_start_matches("/tiles").trim_start_matches('/').split('/').collect();
    let stem = |s: &str| s.split('.').next().unwrap_or_default().to_string();
    let layer = segments.first().map(|s| stem(s)).filter(|s| LayerName::parse(s).is_some());
    let (meant, meant_zh) = match (layer, segments.as_slice()) {
        (Some(layer), [_, z, x, y]) if [z, x].iter().all(|s| !s.is_empty()) && !stem(y).is_empty() => {
            let url = format!("/tiles/{layer}/{z}/{x}/{}.mvt{query}", stem(y));
            (format!("; this one is {url}"), format!("；这一块应为 {url}"))
        }
        (Some(layer), _) => (format!("; the TileJSON of {layer} is /tiles/{layer}.json{query}"), format!("；{layer} 的 TileJSON 在 /tiles/{layer}.json{query}")),
        (None, _) => (format!(" (layers: {LAYERS})"), format!("（图层：{LAYERS}）")),
    };
    Bilingual::new(
        format!("there are no tiles at {path}: tiles are at /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt (Mapbox Vector Tiles) and each layer's TileJSON at /tiles/{{layer}}.json{meant}"),
        format!("{path} 没有瓦片：矢量瓦片（Mapbox Vector Tiles）在 /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt，各图层的 TileJSON 在 /tiles/{{layer}}.json{meant_zh}"),
    )
}

/// The tile routes; the catch-all comes last.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(tilejson).service(tile).service(web::resource(["/tiles", "/tiles/{tail:.*}"]).to(elsewhere));
}
