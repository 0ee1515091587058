//! Writes: status changes with optimistic concurrency (`If-Match`), and the audit trail.
//! Every write needs a bearer token of the right role; after the store commits, the next
//! snapshot and matcher are published before the answer leaves.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::features::query_pairs;
use super::problem::ApiError;
use super::AppState;
use crate::features::Output;
use crate::geometry::Crs;
use crate::inventory::LayerName;
use crate::model::{Role, SpaceStatus};
use crate::store::{Actor, AuditQuery, StatusChange, Store};

/// The caller, from `Authorization: Bearer …` (anonymous without the header).
pub fn actor(req: &HttpRequest, state: &AppState) -> Result<Actor, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(Actor::anonymous()) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::Unauthorized("the Authorization header must be 'Bearer <token>'".into()))?;
    let store = state.store.as_ref().ok_or(ApiError::NoStore)?;
    store.authenticate(token)?.ok_or_else(|| ApiError::Unauthorized("the token is unknown or revoked".into()))
}

/// The caller and the store, if the caller's role is at least `needed`: 401 without a
/// token, 403 with too low a role.
fn require(req: &HttpRequest, state: &AppState, needed: Role) -> Result<(Actor, Arc<dyn Store>), ApiError> {
    let store = state.store.clone().ok_or(ApiError::NoStore)?;
    if req.headers().get(header::AUTHORIZATION).is_none() {
        return Err(ApiError::Unauthorized(format!("this needs a bearer token with the {needed} role")));
    }
    let actor = actor(req, state)?;
    if actor.role < needed {
        return Err(ApiError::Forbidden(format!("this needs the {needed} role; the token '{}' has {}", actor.name, actor.role)));
    }
    Ok((actor, store))
}

/// The strong validator of a feature's version: `"v3"`.
pub fn version_tag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// The version an `If-Match` names: 428 without one, 412 for one that is not a version tag.
fn expected_version(req: &HttpRequest) -> Result<u64, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(|| ApiError::PreconditionRequired("send If-Match with the ETag of the feature as you read it".into()))?;
    value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|v| v.strip_prefix("\"v"))
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| ApiError::PreconditionFailed("If-Match must be the feature's ETag, such as \"v3\"".into()))
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
    let text = std::str::from_utf8(body).map_err(|_| ApiError::NotText)?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ApiError::Malformed(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| {
        let message = e.to_string();
        let field = message.split('`').nth(1).unwrap_or("body").to_string();
        ApiError::Field { field, reason: message }
    })
}

/// `POST /api/v1/{collection}/{featureId}/status`: moves a parcel or building space along
/// the workflow, recording the project and a note. Needs `If-Match`.
#[post("/api/v1/{collection}/{featureId}/status")]
async fn change_status(state: web::Data<AppState>, req: HttpRequest, path: web::Path<(String, String)>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let (collection, id) = path.into_inner();
    let layer = match LayerName::parse(&collection) {
        Some(layer @ (LayerName::Parcels | LayerName::Buildings)) => layer,
        _ => return Err(ApiError::NotFound(format!("'{collection}' has no statuses; use parcels or buildings"))),
    };
    if let Some((name, _)) = query_pairs(&req)?.first() {
        return Err(ApiError::parameter(name, "this request takes no query parameters"));
    }
    let (actor, store) = require(&req, &state, Role::Promoter)?;
    let expected = expected_version(&req)?;
    let request = status_body(&body)?;
    let to: SpaceStatus = request.status.parse().map_err(|e: crate::model::UnknownValue| ApiError::Field { field: "status".into(), reason: e.to_string() })?;
    let change = StatusChange { layer, id, expected_version: expected, to, project: request.project, project_id: request.project_id, note: request.note };
    let state_for_write = state.clone();
    let (version, feature) = web::block(move || -> Result<(u64, Vec<u8>), ApiError> {
        let state = state_for_write;
        // one write at a time publishes, so snapshots follow the commit order
        let _turn = state.writer.lock().unwrap_or_else(|e| e.into_inner());
        let committed = store.change_status(&change, &actor)?;
        let current = state.cell.current();
        let next = current
            .with_status(change.layer, &change.id, change.to, committed.version)
            .ok_or_else(|| ApiError::NotFound(format!("there is no feature '{}' in {}", change.id, change.layer)))?;
        state.publish(next);
        let snapshot = state.cell.current();
        let output = Output::new(Crs::Crs84)?;
        let mut out = Vec::new();
        match change.layer {
            LayerName::Parcels => output.write_feature(&mut out, snapshot.parcels.get(&change.id).expect("just changed"), None)?,
            _ => output.write_feature(&mut out, snapshot.buildings.get(&change.id).expect("just changed"), None)?,
        }
        Ok((committed.version, out))
    })
    .await
    .map_err(|_| ApiError::Internal)??;
    Ok(HttpResponse::Ok().content_type("application/geo+json").insert_header((header::ETAG, version_tag(version))).body(feature))
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
async fn audit(state: web::Data<AppState>, req: HttpRequest, query: web::Query<AuditParams>) -> Result<HttpResponse, ApiError> {
    let (_, store) = require(&req, &state, Role::Promoter)?;
    let since = match query.since.as_deref() {
        None => None,
        Some(text) => Some(if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            format!("{day}T00:00:00.000Z")
        } else {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .map_err(|_| ApiError::parameter("since", format!("'{text}' is not an RFC 3339 date or date-time")))?
        }),
    };
    let limit = query.limit.unwrap_or(1000);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::parameter("limit", format!("{limit} is not from 1 to 10000")));
    }
    let entries = store.audit(&AuditQuery { feature: query.feature.clone(), since, limit })?;
    Ok(HttpResponse::Ok().json(json!({ "entries": entries })))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(change_status).service(audit);
}
