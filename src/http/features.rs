//! OGC API – Features (Parts 1, 2 and 3) for GIS clients: landing page, conformance,
//! collections, items, single features and queryables. Thin over [`crate::features`].

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::auth::Caller;
use super::caching::{cached, cached_as, etag, personal, vary, version_tag};
use super::html::{self, Format};
use super::params::{base_url, only, query_pairs};
use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::features::query::select;
use crate::features::{self, crs_list, queryables, Collected, ItemQuery, Output};
use crate::geometry::Crs;
use crate::geometry::crs::CRS84_URI;
use crate::inventory::{with_layer, Layer, LayerName, Snapshot};

const GEOJSON: &str = "application/geo+json";
const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";

/// The conformance classes this server implements.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
];

/// Reads `f`: JSON (GeoJSON for features) or an HTML view; without `f`, a browser's
/// `Accept` picks the view.
fn format_of(req: &HttpRequest, value: Option<&str>) -> Result<Format, ApiError> {
    match value.map(str::trim) {
        None => Ok(if super::page::wants_html(req) { Format::Html } else { Format::Json }),
        Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(Format::Json),
        Some("html" | "text/html") => Ok(Format::Html),
        Some(other) => Err(ApiError::parameter("f", format!("'{other}' is not offered; use json or html"), format!("不提供 '{other}' 格式；请用 json 或 html"))),
    }
}

/// Checks a request that takes `f=json` at most.
fn json_only(req: &HttpRequest) -> Result<(), ApiError> {
    let pairs = query_pairs(req)?;
    only(&pairs, &["f"])?;
    match pairs.first().map(|(_, v)| v.trim()) {
        None | Some("json" | "application/json") => Ok(()),
        Some(other) => Err(ApiError::parameter("f", format!("'{other}' is not offered here; use json"), format!("此处不提供 '{other}' 格式；请用 json"))),
    }
}

/// Reads a request that takes `f` only.
fn format_only(req: &HttpRequest) -> Result<Format, ApiError> {
    let pairs = query_pairs(req)?;
    only(&pairs, &["f"])?;
    format_of(req, pairs.first().map(|(_, v)| v.as_str()))
}

/// A cacheable document as JSON or as its HTML view; the tag tells the two apart.
fn negotiated(req: &HttpRequest, tag: String, format: Format, json_type: &str, json: Vec<u8>, view: impl FnOnce(&Value) -> String) -> Result<HttpResponse, ApiError> {
    let mut response = match format {
        Format::Json => cached_as(req, tag, json_type, json),
        Format::Html => {
            let doc: Value = serde_json::from_slice(&json).map_err(|_| ApiError::Internal)?;
            let tag = tag.replacen('"', "\"h", 1);
            cached_as(req, tag, html::HTML, view(&doc).into_bytes())
        }
    };
    vary(response.headers_mut(), "Accept");
    Ok(response)
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": kind, "title": title })
}

fn collection_of(id: &str) -> Result<LayerName, ApiError> {
    LayerName::parse(id).ok_or_else(|| ApiError::NotFound(Bilingual::new(
            format!("there is no collection '{id}' (collections: districts, parks, zones, parcels, buildings)"),
            format!("没有数据集合 '{id}'（数据集合：districts 区、parks 园区、zones 园中园、parcels 地块、buildings 厂房楼宇）"),
        )))
}

/// `GET /`: the landing page.
#[get("/")]
async fn landing(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    // a browser gets the map page; `f=json` or a JSON Accept gets the OGC landing page
    if req.query_string().is_empty() && super::page::wants_html(&req) {
        return Ok(super::page::page(&state));
    }
    let format = format_only(&req)?;
    let base = base_url(&req);
    let doc = json!({
        "title": "chanye 产业地图",
        "description": "Beijing's industrial land parcels, factory and office space, parks, 园中园 zones and districts (OGC API – Features), and the project matcher.",
        "links": [
            link(format!("{base}/"), "self", "application/json", "this document"),
            link(format!("{base}/api"), "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"),
            link(format!("{base}/conformance"), "conformance", "application/json", "the conformance classes implemented"),
            link(format!("{base}/collections"), "data", "application/json", "the feature collections"),
            link(format!("{base}/?f=html"), "alternate", html::HTML, "this document as HTML"),
            link(format!("{base}/map/"), "alternate", html::HTML, "the 产业地图 web page"),
        ],
    });
    let snapshot = state.snapshot();
    let tag = etag(&snapshot, &req, &crate::model::Audience::public());
    negotiated(&req, tag, format, "application/json", doc.to_string().into_bytes(), |d| html::landing(d, &base))
}

/// `GET /conformance`.
#[get("/conformance")]
async fn conformance(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    json_only(&req)?;
    Ok(HttpResponse::Ok().json(json!({ "conformsTo": CONFORMANCE })))
}

/// The description of one collection.
fn collection_json(snapshot: &Snapshot, layer: LayerName, base: &str) -> Value {
    let (title, description) = features::describe(layer);
    let id = layer.as_str();
    let mut extent = json!({});
    if let Some(r) = features::extent(snapshot, layer) {
        extent["spatial"] = json!({ "bbox": [[r.min().x, r.min().y, r.max().x, r.max().y]], "crs": CRS84_URI });
    }
    if layer == LayerName::Parcels {
        if let Some((first, _)) = features::parcel_dates(snapshot) {
            // parcels are on offer from their first date onwards, so the interval stays open
            extent["temporal"] = json!({ "interval": [[format!("{first}T00:00:00Z"), null]], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" });
        }
    }
    json!({
        "id": id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "extent": extent,
        "storageCrs": CRS84_URI,
        "crs": crs_list(),
        "links": [
            link(format!("{base}/collections/{id}"), "self", "application/json", title),
            link(format!("{base}/collections/{id}/items"), "items", GEOJSON, &format!("{title}: features")),
            link(format!("{base}/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", &format!("{title}: queryables")),
            link(format!("{base}/collections/{id}?f=html"), "alternate", html::HTML, &format!("{title} as HTML")),
            link(format!("{base}/tiles/{id}.json"), "describedby", "application/json", &format!("{title}: TileJSON 3.0 of the vector tiles")),
            json!({ "href": format!("{base}/tiles/{id}/{{z}}/{{x}}/{{y}}.mvt"), "rel": "item", "type": super::tiles::MVT, "templated": true, "title": format!("{title}: vector tiles (Web Mercator XYZ)") }),
        ],
    })
}

/// `GET /collections`.
#[get("/collections")]
async fn collections(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let format = format_only(&req)?;
    let snapshot = state.snapshot();
    let base = base_url(&req);
    let list: Vec<Value> = LayerName::ALL.iter().map(|&l| collection_json(&snapshot, l, &base)).collect();
    let body = json!({
        "collections": list,
        "links": [
            link(format!("{base}/collections"), "self", "application/json", "the feature collections"),
            link(format!("{base}/collections?f=html"), "alternate", html::HTML, "the feature collections as HTML"),
        ],
    });
    let tag = etag(&snapshot, &req, &crate::model::Audience::public());
    negotiated(&req, tag, format, "application/json", body.to_string().into_bytes(), |d| html::collections(d, &base))
}

/// `GET /collections/{collectionId}`.
#[get("/collections/{collectionId}")]
async fn collection(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let layer = collection_of(&path)?;
    let format = format_only(&req)?;
    let snapshot = state.snapshot();
    let base = base_url(&req);
    let body = collection_json(&snapshot, layer, &base);
    let tag = etag(&snapshot, &req, &crate::model::Audience::public());
    negotiated(&req, tag, format, "application/json", body.to_string().into_bytes(), |d| html::collection(d, &base))
}

/// `GET /collections/{collectionId}/queryables`: a JSON Schema of what `filter` may name.
#[get("/collections/{collectionId}/queryables")]
async fn queryables_of(state: web::Data<AppState>, req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let layer = collection_of(&path)?;
    json_only(&req)?;
    let url = format!("{}/collections/{}/queryables", base_url(&req), layer);
    let snapshot = state.snapshot();
    let document = with_layer!(snapshot, layer, |l| queryables::document_of(l, &url));
    Ok(cached(&req, &snapshot, "application/schema+json", document.to_string().into_bytes()))
}

/// Reads `crs` and `f` from what the item parameters left over.
fn output_of(req: &HttpRequest, rest: &[(&str, &str)]) -> Result<(Crs, Format), ApiError> {
    let mut crs = Crs::Crs84;
    let mut format = None;
    for (name, value) in rest {
        match *name {
            "crs" => crs = features::query::parse_crs("crs", value)?,
            "f" => format = Some(*value),
            _ => {}
        }
    }
    Ok((crs, format_of(req, format)?))
}

/// The request's own URL with `offset` replaced.
fn page_url(base: &str, req: &HttpRequest, pairs: &[(String, String)], offset: usize) -> String {
    let mut pairs: Vec<(&str, String)> = pairs.iter().filter(|(n, _)| n != "offset").map(|(n, v)| (n.as_str(), v.clone())).collect();
    if offset > 0 {
        pairs.push(("offset", offset.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        format!("{base}{}", req.path())
    } else {
        format!("{base}{}?{query}", req.path())
    }
}

fn page_of<T: Collected>(layer: &Layer<T>, positions: &[u32], output: &Output, tail: &Map<String, Value>) -> Result<Vec<u8>, ApiError> {
    Ok(features::encode::write_collection(output, positions.iter().map(|&i| layer.at(i)), tail)?)
}

/// `GET /collections/{collectionId}/items`: a page of features, filtered.
#[get("/collections/{collectionId}/items")]
async fn items(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let layer = collection_of(&path)?;
    let pairs = query_pairs(&req)?;
    let snapshot = state.snapshot();
    let (query, rest) = ItemQuery::from_params(&snapshot, layer, &pairs, &["crs", "f"])?;
    let (crs, format) = output_of(&req, &rest)?;
    let audience = caller.audience(&snapshot)?;
    let output = Output::new(crs)?.for_audience(audience.clone()).with_fields(query.properties.clone(), query.skip_geometry);
    let mut selected = select(&snapshot, layer, &query.selection);
    features::query::sort(&snapshot, layer, &mut selected, &query.sort);
    let start = query.offset.min(selected.len());
    let page = &selected[start..(start + query.limit).min(selected.len())];
    let base = base_url(&req);
    let mut links = vec![link(page_url(&base, &req, &pairs, query.offset), "self", GEOJSON, "this page")];
    let export_query: Vec<(&str, &str)> = std::iter::once(("format", "csv"))
        .chain(pairs.iter().filter(|(n, _)| !matches!(n.as_str(), "limit" | "offset" | "f")).map(|(n, v)| (n.as_str(), v.as_str())))
        .collect();
    links.push(link(
        format!("{base}/api/v1/export/{layer}?{}", serde_urlencoded::to_string(&export_query).unwrap_or_default()),
        "alternate",
        "text/csv",
        "every selected feature as CSV",
    ));
    if start + page.len() < selected.len() {
        links.push(link(page_url(&base, &req, &pairs, start + page.len()), "next", GEOJSON, "next page"));
    }
    if query.offset > 0 {
        links.push(link(page_url(&base, &req, &pairs, query.offset.saturating_sub(query.limit)), "prev", GEOJSON, "previous page"));
    }
    let mut tail = Map::new();
    tail.insert("numberMatched".into(), json!(selected.len()));
    tail.insert("numberReturned".into(), json!(page.len()));
    tail.insert("timeStamp".into(), json!(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    tail.insert("links".into(), Value::Array(links));
    let body = with_layer!(snapshot, layer, |l| page_of(l, page, &output, &tail))?;
    let self_href = page_url(&base, &req, &pairs, query.offset);
    let title = features::describe(layer).0;
    let mut response = negotiated(&req, etag(&snapshot, &req, &audience), format, GEOJSON, body, |d| html::items(d, &base, layer.as_str(), title, &self_href))?;
    response.headers_mut().insert(header::HeaderName::from_static("content-crs"), content_crs(crs));
    personal(&mut response, &audience);
    Ok(response)
}

fn content_crs(crs: Crs) -> HeaderValue {
    HeaderValue::from_str(&format!("<{}>", crs.uri())).unwrap_or_else(|_| HeaderValue::from_static("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"))
}

fn one_feature<T: Collected>(layer: &Layer<T>, id: &str, output: &Output, links: &Value) -> Result<Vec<u8>, ApiError> {
    let found = layer.get(id).ok_or_else(|| ApiError::NotFound(Bilingual::new(format!("there is no feature '{id}' in {}", T::LAYER), format!("{}中没有要素 '{id}'", T::LAYER.zh()))))?;
    let mut out = Vec::with_capacity(2048);
    output.write_feature(&mut out, found, Some(links))?;
    Ok(out)
}

/// `GET /collections/{collectionId}/items/{featureId}`.
#[get("/collections/{collectionId}/items/{featureId}")]
async fn item(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (collection_id, id) = path.into_inner();
    let layer = collection_of(&collection_id)?;
    let pairs = query_pairs(&req)?;
    only(&pairs, &["crs", "f"])?;
    let rest: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let (crs, format) = output_of(&req, &rest)?;
    let snapshot = state.snapshot();
    let audience = caller.audience(&snapshot)?;
    let output = Output::new(crs)?.for_audience(audience.clone());
    let base = base_url(&req);
    let links = json!([
        link(format!("{base}{}", req.path()), "self", GEOJSON, "this feature"),
        link(format!("{base}/collections/{layer}"), "collection", "application/json", "the collection"),
    ]);
    let body = with_layer!(snapshot, layer, |l| one_feature(l, &id, &output, &links))?;
    // the plain representation carries the feature's version, the one writes name in If-Match
    let version = snapshot.version(layer, &id);
    let tag = if req.query_string().is_empty() && format == Format::Json { version_tag(version) } else { etag(&snapshot, &req, &audience) };
    let self_href = format!("{base}{}", req.path());
    let title = features::describe(layer).0;
    let mut response = negotiated(&req, tag, format, GEOJSON, body, |d| html::item(d, &base, layer.as_str(), title, &self_href))?;
    response.headers_mut().insert(header::HeaderName::from_static("content-crs"), content_crs(crs));
    personal(&mut response, &audience);
    Ok(response)
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(landing).service(conformance).service(collections).service(collection).service(queryables_of).service(items).service(item);
}
