//! Who is calling, and whether they may: the bearer token read into a [`Caller`], and the
//! role each route needs. Every route that reads confidential fields or writes goes through
//! here.

use std::future::{ready, Ready};
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::model::Role;
use crate::store::{Actor, Store};

/// The caller of a request: its `Authorization` header, looked up in the store when asked.
/// Extracting it never fails, so a route's own checks (its path, its parameters) come first.
pub struct Caller {
    authorization: Option<HeaderValue>,
    store: Option<Arc<dyn Store>>,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let store = req.app_data::<web::Data<AppState>>().and_then(|state| state.store.clone());
        ready(Ok(Caller { authorization: req.headers().get(header::AUTHORIZATION).cloned(), store }))
    }
}

impl Caller {
    /// The token's holder (anonymous without the header): 401 for a malformed, unknown or
    /// revoked token.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        let Some(value) = &self.authorization else { return Ok(Actor::anonymous()) };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthorized(Bilingual::new("the Authorization header must be 'Bearer <token>'", "Authorization 头须为 'Bearer <令牌>'")))?;
        let store = self.store.as_ref().ok_or(ApiError::NoStore)?;
        store.authenticate(token)?.ok_or_else(|| ApiError::Unauthorized(Bilingual::new("the token is unknown or revoked", "令牌无效或已被吊销")))
    }

    /// The role whose view of the data the answer shows.
    pub fn audience(&self) -> Result<Role, ApiError> {
        Ok(self.actor()?.role)
    }

    /// The caller, if its role is at least `needed`: 503 on a server without a store (no
    /// tokens), 401 without a token, 403 with too low a role.
    pub fn require(&self, needed: Role) -> Result<Actor, ApiError> {
        if self.store.is_none() {
            return Err(ApiError::NoStore);
        }
        if self.authorization.is_none() {
            return Err(ApiError::Unauthorized(Bilingual::new(format!("this needs a bearer token with the {needed} role"), format!("此操作需要 {needed} 角色的令牌（Authorization: Bearer …）"))));
        }
        let actor = self.actor()?;
        if actor.role < needed {
            return Err(ApiError::Forbidden(Bilingual::new(
                format!("this needs the {needed} role; the token '{}' has {}", actor.name, actor.role),
                format!("此操作需要 {needed} 角色；令牌 '{}' 的角色是 {}", actor.name, actor.role),
            )));
        }
        Ok(actor)
    }

    /// Like [`Caller::require`], except that anyone passes when `needed` is public.
    pub fn allow(&self, needed: Role) -> Result<(), ApiError> {
        if needed > Role::Public {
            self.require(needed)?;
        }
        Ok(())
    }
}
