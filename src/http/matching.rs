//! The promoters' API: matches, 首谈制 district recommendations, the industry catalogue and
//! the policy measures. Thin: parse, hand to the matcher, shape the answer.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::auth::Caller;
use super::params::Query;
use super::problem::ApiError;
use super::AppState;
use crate::export::{to_csv, to_xlsx};
use crate::geometry::Crs;
use crate::matcher::policy::{listing, ListingFilter};
use crate::matcher::ProjectRequest;
use crate::model::{normalize_text, Beneficiary, Industry, MeasureStatus};

fn project(body: &web::Bytes) -> Result<ProjectRequest, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::NotText)?;
    Ok(ProjectRequest::from_json(text)?)
}

fn wants_geojson(req: &HttpRequest) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("application/geo+json"))
}

/// Query of a match: the CRS of coordinates in and out, and the answer's format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchQuery {
    /// `wgs84` (default), `gcj02` or `bd09`.
    crs: Option<String>,
    /// `json` (default), `geojson`, `csv` or `xlsx`.
    format: Option<String>,
}

/// The match answer's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchFormat {
    Json,
    GeoJson,
    Csv,
    Xlsx,
}

impl MatchQuery {
    fn crs(&self) -> Result<Crs, ApiError> {
        match self.crs.as_deref().map(|c| c.to_ascii_lowercase()) {
            None => Ok(Crs::Crs84),
            Some(c) if matches!(c.as_str(), "wgs84" | "crs84" | "epsg:4326") => Ok(Crs::Crs84),
            Some(c) if c == "gcj02" => Ok(Crs::Gcj02),
            Some(c) if c == "bd09" => Ok(Crs::Bd09),
            Some(_) => Err({
                let given = self.crs.as_deref().unwrap_or_default();
                ApiError::parameter("crs", format!("'{given}' is not offered; use wgs84, gcj02 or bd09"), format!("不提供坐标系 '{given}'；请用 wgs84、gcj02 或 bd09"))
            }),
        }
    }

    fn format(&self, req: &HttpRequest) -> Result<MatchFormat, ApiError> {
        Ok(match self.format.as_deref() {
            None if wants_geojson(req) => MatchFormat::GeoJson,
            None | Some("json") => MatchFormat::Json,
            Some("geojson") => MatchFormat::GeoJson,
            Some("csv") => MatchFormat::Csv,
            Some("xlsx") => MatchFormat::Xlsx,
            Some(other) => return Err(ApiError::parameter("format", format!("'{other}' is not offered; use json, geojson, csv or xlsx"), format!("不提供 '{other}' 格式；请用 json、geojson、csv 或 xlsx"))),
        })
    }
}

/// `POST /api/v1/match`: the ranked candidates, near misses and exclusion counts; as a
/// FeatureCollection (`format=geojson` or `Accept: application/geo+json`), or as CSV or XLSX
/// with Chinese headers. `crs=gcj02|bd09` reads and writes coordinates in that datum.
#[post("/api/v1/match")]
async fn match_project(state: web::Data<AppState>, req: HttpRequest, caller: Caller, query: Query<MatchQuery>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    caller.allow(state.match_role)?;
    let crs = query.crs()?;
    let format = query.format(&req)?;
    let mut request = project(&body)?;
    request.convert_to_wgs84(crs);
    let matcher = state.matcher();
    // a match is CPU work: off the async workers
    let mut result = super::blocking(move || matcher.run(&request)).await?;
    result.convert_from_wgs84(crs);
    let attachment = |extension: &str| (header::CONTENT_DISPOSITION, format!("attachment; filename=\"match.{extension}\""));
    Ok(match format {
        MatchFormat::Json => HttpResponse::Ok().json(result),
        MatchFormat::GeoJson => HttpResponse::Ok().content_type("application/geo+json").json(result.to_feature_collection()),
        MatchFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(attachment("csv"))
            .body(to_csv(&result.to_tables())?),
        MatchFormat::Xlsx => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header(attachment("xlsx"))
            .body(to_xlsx(&result.to_tables())?),
    })
}

/// `POST /api/v1/recommend-districts`: the 16 districts ranked for the project (首谈制).
#[post("/api/v1/recommend-districts")]
async fn recommend_districts(state: web::Data<AppState>, caller: Caller, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    caller.allow(state.match_role)?;
    let request = project(&body)?;
    let matcher = state.matcher();
    let ranking = super::blocking(move || matcher.recommend_districts(&request)).await?;
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
/// or alias contains `q` (ignoring case and width), as a list and as a tree (matches with
/// their ancestors).
#[get("/api/v1/industries")]
async fn industries(state: web::Data<AppState>, query: Query<IndustryQuery>) -> Result<HttpResponse, ApiError> {
    let matcher = state.matcher();
    let catalogue = &matcher.snapshot().catalogue;
    let needle = query.q.as_deref().map(normalize_text).filter(|q| !q.is_empty());
    let found = |e: &Industry| {
        needle.as_ref().is_none_or(|q| {
            std::iter::once(&e.code).chain([&e.name_zh, &e.name_en]).chain(&e.aliases).any(|text| normalize_text(text).contains(q.as_str()))
        })
    };
    let entries: Vec<&Industry> = catalogue.entries().iter().filter(|e| found(e)).collect();
    Ok(HttpResponse::Ok().json(json!({ "source": catalogue.source, "industries": entries, "tree": catalogue.tree(found) })))
}

/// Query of the policy listing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyQuery {
    /// District adcode or name.
    district: Option<String>,
    /// Park id or name.
    park: Option<String>,
    /// Industry: code, name or alias.
    industry: Option<String>,
    /// project, park_operator, platform, institution, financial, fund or government.
    beneficiary: Option<String>,
    /// in_force, draft or expired.
    status: Option<String>,
}

fn one_of<T: Copy>(name: &str, given: &Option<String>, values: &[T], spell: fn(T) -> &'static str) -> Result<Option<T>, ApiError> {
    let Some(given) = given else { return Ok(None) };
    values.iter().copied().find(|v| spell(*v) == given.as_str()).map(Some).ok_or_else(|| {
        let all: Vec<&str> = values.iter().map(|v| spell(*v)).collect();
        ApiError::parameter(name, format!("'{given}' is not one of {}", all.join(", ")), format!("'{given}' 不是可选值（可选：{}）", all.join("、")))
    })
}

/// `GET /api/v1/policies[?district=&park=&industry=&beneficiary=&status=]`: the measures in
/// full (conditions, benefit, quote), those for projects under `measures` and the others
/// apart, with the source documents and their validity.
#[get("/api/v1/policies")]
async fn policies(state: web::Data<AppState>, query: Query<PolicyQuery>) -> Result<HttpResponse, ApiError> {
    let matcher = state.matcher();
    let s = matcher.snapshot();
    let district = match &query.district {
        None => None,
        Some(d) => Some(
            s.districts.items().iter().find(|x| x.adcode == *d || x.name == *d).map(|x| x.adcode.clone()).ok_or_else(|| {
                ApiError::parameter("district", format!("'{d}' is not a district (an adcode such as 110118 or a name)"), format!("'{d}' 不是已知的区（请给出区划代码如 110118 或区名）"))
            })?,
        ),
    };
    let park = match &query.park {
        None => None,
        Some(p) => Some(s.parks.items().iter().find(|x| x.id == *p || x.name == *p).map(|x| x.id.clone()).ok_or_else(|| {
            ApiError::parameter("park", format!("'{p}' is not a park (an id such as miyun-zgc or a name)"), format!("'{p}' 不是已知的园区（请给出编号如 miyun-zgc 或名称）"))
        })?),
    };
    let industry = match &query.industry {
        None => None,
        Some(i) => Some(s.catalogue.lookup(i).map(|e| e.code.clone()).ok_or_else(|| {
            ApiError::parameter("industry", format!("'{i}' is not in the industry catalogue"), format!("'{i}' 不在产业目录中"))
        })?),
    };
    let filter = ListingFilter {
        district,
        park,
        industry,
        beneficiary: one_of("beneficiary", &query.beneficiary, &Beneficiary::ALL, Beneficiary::as_str)?,
        status: one_of("status", &query.status, &[MeasureStatus::InForce, MeasureStatus::Draft, MeasureStatus::Expired], MeasureStatus::as_str)?,
    };
    Ok(HttpResponse::Ok().json(listing(s, &filter)))
}

/// `POST /api/v1/policies/check`: every project measure judged for the project (the match
/// request's fields) without a site, and per district the support it may combine there.
#[post("/api/v1/policies/check")]
async fn check_policies(state: web::Data<AppState>, caller: Caller, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    caller.allow(state.match_role)?;
    let request = project(&body)?;
    let matcher = state.matcher();
    let today = chrono::Local::now().date_naive();
    let checked = super::blocking(move || matcher.check_policies(&request, today)).await?;
    Ok(HttpResponse::Ok().json(checked))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(match_project).service(recommend_districts).service(industries).service(policies).service(check_policies);
}
