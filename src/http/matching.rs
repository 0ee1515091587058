//! The promoters' API: matches, 首谈制 district recommendations, the industry catalogue and
//! the policy measures. Thin: parse, hand to the matcher, shape the answer.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::problem::ApiError;
use super::AppState;
use crate::matcher::ProjectRequest;
use crate::model::normalize_text;

fn project(body: &web::Bytes) -> Result<ProjectRequest, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::NotText)?;
    Ok(ProjectRequest::from_json(text)?)
}

fn wants_geojson(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("application/geo+json"))
}

/// `POST /api/v1/match`: the ranked candidates, near misses and exclusion counts; with
/// `Accept: application/geo+json`, the candidates as a FeatureCollection.
#[post("/api/v1/match")]
async fn match_project(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let request = project(&body)?;
    let matcher = state.matcher.clone();
    // a match is CPU work: off the async workers
    let result = web::block(move || matcher.run(&request)).await.map_err(|_| ApiError::Internal)??;
    Ok(if wants_geojson(&req) {
        HttpResponse::Ok().content_type("application/geo+json").json(result.to_feature_collection())
    } else {
        HttpResponse::Ok().json(result)
    })
}

/// `POST /api/v1/recommend-districts`: the 16 districts ranked for the project (首谈制).
#[post("/api/v1/recommend-districts")]
async fn recommend_districts(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let request = project(&body)?;
    let matcher = state.matcher.clone();
    let ranking = web::block(move || matcher.recommend_districts(&request)).await.map_err(|_| ApiError::Internal)??;
    Ok(HttpResponse::Ok().json(ranking))
}

/// Query of the catalogue listing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndustryQuery {
    /// Text to find in codes, names and aliases.
    q: Option<String>,
}

/// `GET /api/v1/industries[?q=]`: the catalogue entries, optionally those whose code, name
/// or alias contains `q` (ignoring case and width).
#[get("/api/v1/industries")]
async fn industries(state: web::Data<AppState>, query: web::Query<IndustryQuery>) -> Result<HttpResponse, ApiError> {
    let catalogue = &state.matcher.snapshot().catalogue;
    let needle = query.q.as_deref().map(normalize_text).filter(|q| !q.is_empty());
    let entries: Vec<_> = catalogue
        .entries()
        .iter()
        .filter(|e| {
            needle.as_ref().is_none_or(|q| {
                std::iter::once(&e.code).chain([&e.name_zh, &e.name_en]).chain(&e.aliases).any(|text| normalize_text(text).contains(q.as_str()))
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "source": catalogue.source, "industries": entries })))
}

/// `GET /api/v1/policies`: the policy measures with their source documents.
#[get("/api/v1/policies")]
async fn policies(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.matcher.snapshot().policies.as_ref())
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(match_project).service(recommend_districts).service(industries).service(policies);
}
