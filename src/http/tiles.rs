//! Vector tiles and their TileJSON documents. Thin over [`crate::tiles`].

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};

use super::auth::Caller;
use super::caching::{cached_as, etag, fresh, personal};
use super::params::{base_url, only, query_pairs};
use super::problem::ApiError;
use super::AppState;
use crate::inventory::LayerName;
use crate::tiles::{self, Datum, TileId, TileRequest};

/// The MVT media type.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

fn layer_of(name: &str) -> Result<LayerName, ApiError> {
    LayerName::parse(name).ok_or_else(|| ApiError::NotFound(format!("there are no tiles of '{name}' (layers: districts, parks, zones, parcels, buildings)")))
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
    text.parse().map_err(|_| ApiError::parameter(name, format!("'{text}' is not a tile coordinate (a whole number from 0)")))
}

/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`: one tile, 204 when empty.
#[get("/tiles/{layer}/{z}/{x}/{y}.mvt")]
async fn tile(req: HttpRequest, caller: Caller, path: web::Path<(String, String, String, String)>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let (layer, z, x, y) = path.into_inner();
    let layer = layer_of(&layer)?;
    let tile = TileId::new(coordinate("z", &z)?, coordinate("x", &x)?, coordinate("y", &y)?)?;
    let datum = datum(&req)?;
    let audience = caller.audience()?;
    let snapshot = state.snapshot();
    let tag = etag(&snapshot, &req, audience);
    let mut response = if fresh(&req, &tag) {
        cached_as(&req, tag, MVT, Vec::new())
    } else {
        match tiles::render(&snapshot, &TileRequest { layer, tile, datum, audience })? {
            Some(bytes) => cached_as(&req, tag, MVT, bytes),
            None => HttpResponse::NoContent().insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, "public, no-cache")).finish(),
        }
    };
    personal(&mut response, audience);
    Ok(response)
}

/// `GET /tiles/{layer}.json`: the layer's TileJSON 3.0 document.
#[get("/tiles/{layer}.json")]
async fn tilejson(req: HttpRequest, layer: web::Path<String>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let layer = layer_of(&layer)?;
    let datum = datum(&req)?;
    let snapshot = state.snapshot();
    let body = serde_json::to_vec(&tiles::tilejson(&snapshot, layer, datum, &base_url(&req))).map_err(|_| ApiError::Internal)?;
    let tag = etag(&snapshot, &req, crate::model::Role::Public);
    Ok(cached_as(&req, tag, "application/json", body))
}

/// The tile routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(tilejson).service(tile);
}
