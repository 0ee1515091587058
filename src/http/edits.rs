//! Writes: creating, changing and deleting parcels and building spaces (OGC API Features
//! Part 4 routes), status changes, all with optimistic concurrency (`If-Match`), and the
//! audit trail. Every write needs a bearer token of the right role ([`super::auth`]); after the store commits,
//! the next snapshot and matcher are published before the answer leaves.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::auth::Caller;
use super::caching::version_tag;
use super::params::{self, base_url, Query};
use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::features::Output;
use crate::geometry::Crs;
use crate::inventory::edit::{self, EditMode};
use crate::inventory::{LayerName, Space};
use crate::model::{Audience, Coverage, Role, Scope, SpaceStatus};
use crate::store::{AuditQuery, Batch, Change, Edit, Outcome, StatusChange, Writer};

/// The version an `If-Match` names: 428 without one, 412 for one that is not a version tag.
fn expected_version(req: &HttpRequest) -> Result<u64, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(|| ApiError::PreconditionRequired(Bilingual::new("send If-Match with the ETag of the feature as you read it", "请在 If-Match 中给出读取要素时得到的 ETag")))?;
    value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|v| v.strip_prefix("\"v"))
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| ApiError::PreconditionFailed(Bilingual::new("If-Match must be the feature's ETag, such as \"v3\"", "If-Match 须为要素的 ETag，例如 \"v3\"")))
}

/// A status change request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    /// The new status.
    status: String,
    /// The project it is for.
    project: Option<String>,
    /// The project's id.
    project_id: Option<String>,
    /// Why.
    note: Option<String>,
}

fn status_body(body: &web::Bytes) -> Result<StatusBody, ApiError> {
    crate::error::from_json_value(json_body(body)?, "body").map_err(|e| ApiError::field(e.field, e.reason, e.reason_zh))
}

/// What a feature id escapes in a path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'/').add(b'<').add(b'>').add(b'?').add(b'\\').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');

/// The writer, if this server has a store.
fn writer(state: &AppState) -> Result<&Writer, ApiError> {
    state.writer().ok_or(ApiError::NoStore)
}

/// Commits one edit and answers with its outcome.
async fn commit_one(state: &web::Data<AppState>, edit: Edit) -> Result<Outcome, ApiError> {
    let state = state.clone();
    let mut answers = super::blocking(move || writer(&state)?.submit(vec![edit], Batch::Each).map_err(ApiError::from)).await?;
    answers.pop().ok_or(ApiError::Internal)?.map_err(ApiError::from)
}

/// A space as a GeoJSON feature (promoters' view) with its version as the ETag.
fn feature_response(status: actix_web::http::StatusCode, space: &Space) -> Result<HttpResponse, ApiError> {
    // the writer's own feature: the scope rule let the write through
    let output = Output::new(Crs::Crs84)?.for_audience(Audience::new(Role::Promoter, Coverage::new(Scope::City, Vec::new())));
    let mut out = Vec::with_capacity(2048);
    match space {
        Space::Parcel(p) => output.write_feature(&mut out, p, None)?,
        Space::Building(b) => output.write_feature(&mut out, b, None)?,
    }
    Ok(HttpResponse::build(status)
        .content_type("application/geo+json")
        .insert_header((header::ETAG, version_tag(space.version())))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out))
}

/// The parcel or building layer of a write route (the route pattern admits no other).
fn space_layer(collection: &str) -> Result<LayerName, ApiError> {
    match LayerName::parse(collection) {
        Some(layer @ (LayerName::Parcels | LayerName::Buildings)) => Ok(layer),
        _ => Err(ApiError::NotFound(Bilingual::new(format!("there is no editable collection '{collection}'"), format!("没有可编辑的数据集合 '{collection}'（可编辑：parcels 地块、buildings 厂房楼宇）")))),
    }
}

fn json_body(body: &web::Bytes) -> Result<serde_json::Value, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::NotText)?;
    serde_json::from_str(text).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// 412 at once when the caller's version is not the one in force (the store checks again).
fn check_version(state: &AppState, layer: LayerName, id: &str, expected: u64) -> Result<Space, ApiError> {
    let current = state.snapshot().space(layer, id).ok_or_else(|| ApiError::NotFound(Bilingual::new(format!("there is no feature '{id}' in {layer}"), format!("{}中没有要素 '{id}'", layer.zh()))))?;
    if current.version() != expected {
        return Err(ApiError::PreconditionFailed(Bilingual::new(
            format!("{layer} '{id}' is at version {}, not {expected}: read it again and retry", current.version()),
            format!("{} '{id}' 的版本已是 {}，不是 {expected}：请重新读取后再试", layer.zh(), current.version()),
        )));
    }
    Ok(current)
}

/// `POST /api/v1/{collection}/{featureId}/status`: moves a parcel or building space along
/// the workflow, recording the project and a note. Needs `If-Match`.
#[post("/api/v1/{collection}/{featureId}/status")]
async fn change_status(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let (collection, id) = path.into_inner();
    let layer = match LayerName::parse(&collection) {
        Some(layer @ (LayerName::Parcels | LayerName::Buildings)) => layer,
        _ => return Err(ApiError::NotFound(Bilingual::new(format!("'{collection}' has no statuses; use parcels or buildings"), format!("'{collection}' 没有状态；请用 parcels（地块）或 buildings（厂房楼宇）")))),
    };
    params::none(&req)?;
    let actor = caller.require(Role::Promoter)?;
    let request = status_body(&body)?;
    let to: SpaceStatus = request.status.parse().map_err(|e: crate::model::UnknownValue| ApiError::field("status", e.to_string(), format!("'{}' 不是可选的状态（{}）", e.given, e.allowed)))?;
    let expected = expected_version(&req)?;
    let change = StatusChange { layer, id, expected_version: expected, to, project: request.project, project_id: request.project_id, note: request.note };
    let outcome = commit_one(&state, Edit { actor, change: Change::Status(change) }).await?;
    let space = outcome.space.ok_or(ApiError::Internal)?;
    feature_response(actix_web::http::StatusCode::OK, &space)
}

/// `POST /collections/{collectionId}/items`: adds a parcel or building space (a GeoJSON
/// Feature), or many at once (a FeatureCollection: all or none, with the validation report).
#[post("/collections/{collectionId:parcels|buildings}/items")]
async fn create(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<String>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let layer = space_layer(&path)?;
    params::none(&req)?;
    let actor = caller.require(Role::Editor)?;
    let body = json_body(&body)?;
    let single = body.get("type").and_then(|t| t.as_str()) == Some("Feature");
    let spaces = edit::create(&state.snapshot(), layer, &body)?;
    let edits: Vec<Edit> = spaces.into_iter().map(|space| Edit { actor: actor.clone(), change: Change::Create(space) }).collect();
    let state_for_write = state.clone();
    let answers = super::blocking(move || writer(&state_for_write)?.submit(edits, Batch::Atomic).map_err(ApiError::from)).await?;
    let spaces: Vec<Space> = answers.into_iter().map(|a| a.map_err(ApiError::from).and_then(|o| o.space.ok_or(ApiError::Internal))).collect::<Result<_, _>>()?;
    let base = base_url(&req);
    if single {
        let space = spaces.first().ok_or(ApiError::Internal)?;
        let mut response = feature_response(actix_web::http::StatusCode::CREATED, space)?;
        let location = format!("{base}/collections/{layer}/items/{}", percent_encoding::utf8_percent_encode(space.id(), PATH_SEGMENT));
        if let Ok(value) = header::HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return Ok(response);
    }
    let ids: Vec<&str> = spaces.iter().map(Space::id).collect();
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({ "created": ids.len(), "ids": ids })))
}

/// `PATCH` (JSON merge patch of properties and/or geometry) and `PUT` (the whole feature)
/// of `/collections/{collectionId}/items/{featureId}`. Needs `If-Match`.
async fn update(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>, body: web::Bytes, mode: EditMode) -> Result<HttpResponse, ApiError> {
    let (collection, id) = path.into_inner();
    let layer = space_layer(&collection)?;
    params::none(&req)?;
    let actor = caller.require(Role::Editor)?;
    // a bad body is a 400 or 422 whatever the version: it would be refused at any version
    let body = json_body(&body)?;
    let after = edit::update(&state.snapshot(), layer, &id, &body, mode)?;
    let expected = expected_version(&req)?;
    let before = check_version(&state, layer, &id, expected)?;
    let outcome = commit_one(&state, Edit { actor, change: Change::Update { expected_version: expected, before, after } }).await?;
    let space = outcome.space.ok_or(ApiError::Internal)?;
    feature_response(actix_web::http::StatusCode::OK, &space)
}

/// `PATCH /collections/{collectionId}/items/{featureId}`; districts, parks and zones are
/// only read over the API (the route does not take them: 405).
#[patch("/collections/{collectionId:parcels|buildings}/items/{featureId}")]
async fn patch_item(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    update(state, req, caller, path, body, EditMode::Merge).await
}

/// `PUT /collections/{collectionId}/items/{featureId}`.
#[put("/collections/{collectionId:parcels|buildings}/items/{featureId}")]
async fn replace_item(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    update(state, req, caller, path, body, EditMode::Replace).await
}

/// `DELETE /collections/{collectionId}/items/{featureId}`. Needs `If-Match`.
#[delete("/collections/{collectionId:parcels|buildings}/items/{featureId}")]
async fn delete_item(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (collection, id) = path.into_inner();
    let layer = space_layer(&collection)?;
    params::none(&req)?;
    let actor = caller.require(Role::Editor)?;
    let expected = expected_version(&req)?;
    check_version(&state, layer, &id, expected)?;
    let before = edit::delete(&state.snapshot(), layer, &id)?;
    commit_one(&state, Edit { actor, change: Change::Delete { expected_version: expected, before } }).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/{collection}/{featureId}/verify` (核实无误): the caller confirms the feature
/// is still accurate; its `verified_at` becomes today (Beijing time), audited. Promoters and
/// up, in scope; needs `If-Match`.
#[post("/api/v1/{collection}/{featureId}/verify")]
async fn verify(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (collection, id) = path.into_inner();
    let layer = space_layer(&collection)?;
    params::none(&req)?;
    let actor = caller.require(Role::Promoter)?;
    let expected = expected_version(&req)?;
    let before = check_version(&state, layer, &id, expected)?;
    let after = before.verified_on(crate::inventory::beijing_today());
    let outcome = commit_one(&state, Edit { actor, change: Change::Update { expected_version: expected, before, after } }).await?;
    let space = outcome.space.ok_or(ApiError::Internal)?;
    feature_response(actix_web::http::StatusCode::OK, &space)
}

/// Query of the audit trail.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditParams {
    /// Only this feature id.
    feature: Option<String>,
    /// Only entries at or after this instant or date.
    since: Option<String>,
    /// At most this many (1–10000, default 1000).
    limit: Option<usize>,
}

/// `GET /api/v1/audit?feature=…&since=…`: who changed what and when (promoters and up: it
/// names projects in negotiation).
#[get("/api/v1/audit")]
async fn audit(state: web::Data<AppState>, caller: Caller, query: Query<AuditParams>) -> Result<HttpResponse, ApiError> {
    let actor = caller.require(Role::Promoter)?;
    // a district's or park's office reads the trail of its own features only
    let within = (actor.scope != Scope::City).then(|| state.snapshot().coverage(&actor.scope));
    let store = state.store().ok_or(ApiError::NoStore)?;
    let since = match query.since.as_deref() {
        None => None,
        Some(text) => Some(if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            format!("{day}T00:00:00.000Z")
        } else {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .map_err(|_| ApiError::parameter("since", format!("'{text}' is not an RFC 3339 date or date-time"), format!("'{text}' 不是 RFC 3339 日期或日期时间（如 2026-11-01 或 2026-11-01T08:00:00Z）")))?
        }),
    };
    let limit = query.limit.unwrap_or(1000);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::parameter("limit", format!("{limit} is not from 1 to 10000"), format!("{limit} 不在 1 到 10000 之间")));
    }
    let store = store.clone();
    let query = AuditQuery { feature: query.feature.clone(), since, limit, within };
    let entries = super::blocking(move || store.audit(&query)).await?;
    Ok(HttpResponse::Ok().json(json!({ "entries": entries })))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(change_status).service(verify).service(create).service(patch_item).service(replace_item).service(delete_item).service(audit);
}
