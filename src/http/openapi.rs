//! `GET /api`: the OpenAPI 3.0 document of `api-spec/openapi.yaml`, compiled into the binary,
//! as JSON (the default, what OGC clients read) or as the YAML it is written in.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{get, HttpRequest, HttpResponse};

use super::params::query_pairs;
use super::problem::ApiError;

/// The document as written.
pub const OPENAPI_YAML: &str = include_str!("../../api-spec/openapi.yaml");

/// The document, parsed once; both the JSON answer and the route table read it.
fn parsed() -> Result<&'static serde_json::Value, &'static str> {
    static DOCUMENT: OnceLock<Result<serde_json::Value, String>> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_norway::from_str(OPENAPI_YAML).map_err(|e| e.to_string())).as_ref().map_err(String::as_str)
}

/// The document as JSON text, written once.
fn as_json() -> Result<&'static str, ApiError> {
    static JSON: OnceLock<Option<String>> = OnceLock::new();
    JSON.get_or_init(|| parsed().ok().map(|v| v.to_string())).as_deref().ok_or_else(|| {
        tracing::error!("api-spec/openapi.yaml does not parse: {}", parsed().err().unwrap_or_default());
        ApiError::Internal
    })
}

/// A documented path's segments (`None` for a `{parameter}`) and its methods.
type DocumentedPath = (Vec<Option<String>>, Vec<String>);

/// The documented paths as segments (`None` for a `{parameter}`) with their methods.
fn documented_paths() -> &'static [DocumentedPath] {
    static PATHS: OnceLock<Vec<DocumentedPath>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let Ok(doc) = parsed() else { return Vec::new() };
        let Some(paths) = doc["paths"].as_object() else { return Vec::new() };
        paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(|s| (!s.starts_with('{')).then(|| s.to_string())).collect();
                let methods = item
                    .as_object()
                    .into_iter()
                    .flat_map(|o| o.keys())
                    .filter(|m| matches!(m.as_str(), "get" | "post" | "put" | "patch" | "delete"))
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                (segments, methods)
            })
            .collect()
    })
}

/// The methods the document allows on `path`, if it documents the path at all.
pub fn allowed_methods(path: &str) -> Option<Vec<String>> {
    let given: Vec<&str> = path.split('/').collect();
    documented_paths()
        .iter()
        .find(|(segments, _)| {
            segments.len() == given.len() && segments.iter().zip(&given).all(|(s, g)| s.as_deref().is_none_or(|s| s == *g))
        })
        .map(|(_, methods)| methods.clone())
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
            ("f", other) => return Err(ApiError::parameter("f", format!("'{other}' is not offered; use json or yaml"), format!("不提供 '{other}' 格式；请用 json 或 yaml"))),
            (other, _) => return Err(ApiError::parameter(other, "is not a parameter of this request (known: f)", "不是此请求的参数（可用参数：f）")),
        }
    }
    Ok(if yaml {
        HttpResponse::Ok().content_type("application/vnd.oai.openapi;version=3.0").body(OPENAPI_YAML)
    } else {
        HttpResponse::Ok().content_type("application/vnd.oai.openapi+json;version=3.0").body(as_json()?)
    })
}
