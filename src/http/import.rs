//! Spreadsheet import over HTTP: `POST /api/v1/import` previews an office's XLSX or CSV file,
//! `POST /api/v1/import/{preview_id}/commit` commits that preview all or nothing, and
//! `GET /api/v1/import/template` hands out the XLSX to fill in. Thin over
//! [`crate::sheet`] and [`crate::store::spreadsheet`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::auth::Caller;
use super::params::Query;
use super::problem::ApiError;
use super::AppState;
use crate::error::Bilingual;
use crate::geometry::Crs;
use crate::inventory::LayerName;
use crate::model::Role;
use crate::sheet::{self, ReadOptions, SheetFormat};
use crate::store::spreadsheet::{self, Preview};
use crate::store::Batch;

/// How long a preview waits for its commit.
const PREVIEW_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Previews kept at once; the oldest gives way.
const MAX_PREVIEWS: usize = 64;

/// The XLSX media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A preview waiting for its commit, with who made it.
struct Pending {
    preview: Preview,
    token: String,
    made: Instant,
}

/// The previews waiting for their commit, by id.
#[derive(Default)]
pub struct Previews(Mutex<HashMap<String, Pending>>);

impl Previews {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        // a map of whole entries survives a panic elsewhere
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keep(&self, id: String, pending: Pending) {
        let mut map = self.lock();
        map.retain(|_, p| p.made.elapsed() < PREVIEW_LIFETIME);
        while map.len() >= MAX_PREVIEWS {
            let Some(oldest) = map.iter().min_by_key(|(_, p)| p.made).map(|(k, _)| k.clone()) else { break };
            map.remove(&oldest);
        }
        map.insert(id, pending);
    }

    /// The preview `id` made by `token`, taken out (a failed commit puts it back).
    fn take(&self, id: &str, token: &str) -> Option<Pending> {
        let mut map = self.lock();
        let fits = map.get(id).is_some_and(|p| p.token == token && p.made.elapsed() < PREVIEW_LIFETIME);
        if fits {
            map.remove(id)
        } else {
            None
        }
    }

    fn put_back(&self, id: String, pending: Pending) {
        self.lock().insert(id, pending);
    }
}

/// 128 random bits as hex.
fn new_id() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|_| ApiError::Internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn layer_of(name: &str) -> Result<LayerName, ApiError> {
    match LayerName::parse(name) {
        Some(layer @ (LayerName::Parcels | LayerName::Buildings)) => Ok(layer),
        _ => Err(ApiError::parameter("layer", format!("'{name}' is not parcels or buildings"), format!("'{name}' 不是 parcels（地块）或 buildings（厂房楼宇）"))),
    }
}

/// The file's format from its media type, else from its first bytes.
fn format_of(req: &HttpRequest, body: &[u8]) -> Result<SheetFormat, ApiError> {
    let media = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    match media.as_deref() {
        Some(XLSX) => Ok(SheetFormat::Xlsx),
        Some("text/csv" | "text/plain" | "text/tab-separated-values") => Ok(SheetFormat::Csv),
        None | Some("application/octet-stream") => Ok(SheetFormat::sniff(body)),
        Some(other) => Err(ApiError::parameter(
            "Content-Type",
            format!("'{other}' is not a spreadsheet: send text/csv or {XLSX}"),
            format!("'{other}' 不是表格文件：请以 text/csv 或 {XLSX} 上传"),
        )),
    }
}

/// Query of an import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportParams {
    /// `parcels` or `buildings`.
    layer: String,
    /// The file's coordinate system (a row's 坐标系 overrides it).
    crs: Option<String>,
    /// Delete the stored features of the caller's scope that no row names.
    #[serde(default)]
    delete_missing: bool,
}

/// The caller's own token, to tie a preview to it.
fn bearer(req: &HttpRequest) -> String {
    req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// `POST /api/v1/import?layer=…[&crs=…][&delete_missing=true]`: previews a spreadsheet
/// (editor, scoped); nothing is written.
async fn preview(state: web::Data<AppState>, req: HttpRequest, caller: Caller, query: Query<ImportParams>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let layer = layer_of(&query.layer)?;
    let crs = query.crs.as_deref().map(|c| Crs::parse(c).map_err(|e| ApiError::parameter("crs", e.to_string(), e.zh()))).transpose()?;
    let actor = caller.require(Role::Editor)?;
    let format = format_of(&req, &body)?;
    let snapshot = state.snapshot();
    let delete_missing = query.delete_missing;
    let preview = super::blocking(move || {
        let read = sheet::read(&body, format, &ReadOptions { layer, crs })?;
        Ok::<_, ApiError>(spreadsheet::preview(&snapshot, read, &actor, delete_missing))
    })
    .await?;
    let id = new_id()?;
    let mut answer = serde_json::to_value(&preview).map_err(|_| ApiError::Internal)?;
    answer["preview_id"] = json!(id);
    answer["can_commit"] = json!(preview.can_commit());
    answer["expires_in_s"] = json!(PREVIEW_LIFETIME.as_secs());
    state.imports.keep(id, Pending { preview, token: bearer(&req), made: Instant::now() });
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(answer))
}

/// `POST /api/v1/import/{preview_id}/commit`: commits the preview all or nothing (its maker
/// only); a feature changed since the preview is a 412 and nothing is written.
async fn commit(state: web::Data<AppState>, req: HttpRequest, caller: Caller, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    super::params::none(&req)?;
    let actor = caller.require(Role::Editor)?;
    let id = path.into_inner();
    let pending = state.imports.take(&id, &bearer(&req)).ok_or_else(|| {
        ApiError::NotFound(Bilingual::new(
            format!("there is no preview '{id}' of yours: previews last {} minutes and are committed once", PREVIEW_LIFETIME.as_secs() / 60),
            format!("没有您的预览 '{id}'：预览保留 {} 分钟，且只能提交一次", PREVIEW_LIFETIME.as_secs() / 60),
        ))
    })?;
    if !pending.preview.can_commit() {
        let refused = spreadsheet::refusal(&pending.preview);
        state.imports.put_back(id, pending);
        return Err(refused.into());
    }
    let edits = spreadsheet::edits(&pending.preview, &actor);
    let writer_state = state.clone();
    // a commit refused (a feature changed since the preview) drops the preview: preview again
    super::blocking(move || writer_state.writer().ok_or(ApiError::NoStore)?.submit(edits, Batch::Atomic).map_err(ApiError::from)).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(spreadsheet::summary(&pending.preview)))
}

/// Query of the template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateParams {
    /// `parcels` or `buildings`.
    layer: String,
}

/// `GET /api/v1/import/template?layer=…`: the XLSX template of a layer.
async fn template(query: Query<TemplateParams>) -> Result<HttpResponse, ApiError> {
    let layer = layer_of(&query.layer)?;
    let bytes = super::blocking(move || sheet::template(layer)).await?;
    let (ascii, chinese) = match layer {
        LayerName::Parcels => ("parcels-template.xlsx", "地块导入模板.xlsx"),
        _ => ("buildings-template.xlsx", "厂房楼宇导入模板.xlsx"),
    };
    let encoded = percent_encoding::utf8_percent_encode(chinese, percent_encoding::NON_ALPHANUMERIC);
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(bytes))
}

/// The routes of this module; imports take files up to the spreadsheet reader's limit.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/api/v1/import").app_data(web::PayloadConfig::new(sheet::MAX_BYTES)).route(web::post().to(preview)))
        .service(web::resource("/api/v1/import/template").route(web::get().to(template)))
        .service(web::resource("/api/v1/import/{preview_id}/commit").route(web::post().to(commit)));
}
