//! `GET /api`: the OpenAPI 3.0 document of `api-spec/openapi.yaml`, compiled into the binary,
//! as JSON (the default, what OGC clients read) or as the YAML it is written in.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{get, HttpRequest, HttpResponse};

use super::features::query_pairs;
use super::problem::ApiError;

/// The document as written.
pub const OPENAPI_YAML: &str = include_str!("../../api-spec/openapi.yaml");

/// The document as JSON text, converted once.
fn as_json() -> Result<&'static str, ApiError> {
    static JSON: OnceLock<Result<String, String>> = OnceLock::new();
    let converted = JSON.get_or_init(|| {
        serde_norway::from_str::<serde_json::Value>(OPENAPI_YAML).map(|v| v.to_string()).map_err(|e| e.to_string())
    });
    converted.as_deref().map_err(|e| {
        tracing::error!("api-spec/openapi.yaml does not parse: {e}");
        ApiError::Internal
    })
}

/// `GET /api[?f=json|yaml]`.
#[get("/api")]
pub(super) async fn document(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let pairs = query_pairs(&req)?;
    let mut yaml = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("yaml") || (a.contains("application/vnd.oai.openapi") && !a.contains("+json")));
    for (name, value) in &pairs {
        match (name.as_str(), value.as_str()) {
            ("f", "json") => yaml = false,
            ("f", "yaml") => yaml = true,
            ("f", other) => return Err(ApiError::parameter("f", format!("'{other}' is not offered; use json or yaml"))),
            (other, _) => return Err(ApiError::parameter(other, "is not a parameter of this request (known: f)")),
        }
    }
    Ok(if yaml {
        HttpResponse::Ok().content_type("application/vnd.oai.openapi;version=3.0").body(OPENAPI_YAML)
    } else {
        HttpResponse::Ok().content_type("application/vnd.oai.openapi+json;version=3.0").body(as_json()?)
    })
}
