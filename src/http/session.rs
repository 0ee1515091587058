//! `GET /api/v1/me`: who the bearer of a token is, for the page's sign-in.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::json;

use super::auth::Caller;
use super::params;
use super::problem::ApiError;
use super::AppState;
use crate::model::{Role, Scope};

/// `GET /api/v1/me`: the token's name, role and scope (with the scope's name); 401 without
/// a valid token.
#[get("/api/v1/me")]
async fn me(state: web::Data<AppState>, req: HttpRequest, caller: Caller) -> Result<HttpResponse, ApiError> {
    params::none(&req)?;
    let actor = caller.require(Role::Public)?;
    let snapshot = state.snapshot();
    let name = match &actor.scope {
        Scope::City => Some("北京市"),
        Scope::District(adcode) => snapshot.districts.get(adcode).map(|d| d.name.as_str()),
        Scope::Park(id) => snapshot.parks.get(id).map(|p| p.name.as_str()),
    };
    let mut scope = serde_json::to_value(&actor.scope).map_err(|_| ApiError::Internal)?;
    scope["name"] = json!(name);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::VARY, "Authorization"))
        .json(json!({ "name": actor.name, "role": actor.role.as_str(), "scope": scope })))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(me);
}
