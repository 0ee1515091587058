//! Who is calling, and whether they may: the bearer token read into a [`Caller`], the role
//! each route needs, the scope its holder answers for, and a limit on failed attempts per
//! client address. Every route that reads confidential fields or writes goes through here.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};

use super::problem::ApiError;
use super::AppState;
use crate::error::Bilingual;
use crate::inventory::Snapshot;
use crate::model::{Audience, Coverage, Role};
use crate::store::Actor;

/// How long failed attempts are counted before the count starts again.
const WINDOW: Duration = Duration::from_secs(60);

/// Addresses kept before expired ones are swept out, so that a flood of addresses cannot
/// grow the table without bound.
const SWEEP_AT: usize = 10_000;

/// Failed authentications per client address: past the limit within a minute, the address
/// gets 429 until the minute is over. IPv6 clients count per /64, what one host usually holds.
pub struct FailureLimit {
    per_minute: u32,
    seen: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl FailureLimit {
    /// A limit of `per_minute` failures (0: none).
    pub fn new(per_minute: u32) -> FailureLimit {
        FailureLimit { per_minute, seen: Mutex::new(HashMap::new()) }
    }

    fn key(ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(segments.into())
                }
            },
            v4 => v4,
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (u32, Instant)>> {
        // a count is whole after any panic: the table stays usable
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The seconds `ip` must wait, when it is over the limit.
    pub fn wait(&self, ip: IpAddr) -> Option<u64> {
        if self.per_minute == 0 {
            return None;
        }
        let table = self.table();
        let (count, since) = table.get(&Self::key(ip))?;
        let left = WINDOW.checked_sub(since.elapsed())?;
        (*count >= self.per_minute).then(|| left.as_secs().max(1))
    }

    /// Counts a failed attempt from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        if self.per_minute == 0 {
            return;
        }
        let mut table = self.table();
        if table.len() >= SWEEP_AT {
            table.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        let entry = table.entry(Self::key(ip)).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 = entry.0.saturating_add(1);
    }
}

/// The caller of a request: its `Authorization` header, looked up in the store when asked.
/// Extracting it never fails, so a route's own checks (its path, its parameters) come first.
pub struct Caller {
    authorization: Option<HeaderValue>,
    state: Option<web::Data<AppState>>,
    peer: Option<IpAddr>,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Caller {
            authorization: req.headers().get(header::AUTHORIZATION).cloned(),
            state: req.app_data::<web::Data<AppState>>().cloned(),
            // the socket's address: a forwarded-for header is the client's to forge
            peer: req.peer_addr().map(|a| a.ip()),
        }))
    }
}

impl Caller {
    fn store(&self) -> Option<&Arc<dyn crate::store::Store>> {
        self.state.as_ref().and_then(|s| s.store())
    }

    fn failed(&self, error: ApiError) -> ApiError {
        if let (Some(state), Some(ip)) = (&self.state, self.peer) {
            state.auth_failures.failed(ip);
        }
        error
    }

    /// The token's holder (anonymous without the header): 401 for a malformed, unknown or
    /// revoked token, 429 after too many of those from the client's address.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        let Some(value) = &self.authorization else { return Ok(Actor::anonymous()) };
        if let (Some(state), Some(ip)) = (&self.state, self.peer) {
            if let Some(seconds) = state.auth_failures.wait(ip) {
                return Err(ApiError::TooManyAttempts(seconds));
            }
        }
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.failed(ApiError::Unauthorized(Bilingual::new("the Authorization header must be 'Bearer <token>'", "Authorization 头须为 'Bearer <令牌>'"))))?;
        let store = self.store().ok_or(ApiError::NoStore)?;
        store.authenticate(token)?.ok_or_else(|| self.failed(ApiError::Unauthorized(Bilingual::new("the token is unknown or revoked", "令牌无效或已被吊销"))))
    }

    /// Who reads, over `snapshot`: the role, and where it sees confidential fields.
    pub fn audience(&self, snapshot: &Snapshot) -> Result<Audience, ApiError> {
        let actor = self.actor()?;
        let coverage = if actor.role >= Role::Promoter { snapshot.coverage(&actor.scope) } else { Coverage::nothing() };
        Ok(Audience::new(actor.role, coverage))
    }

    /// The caller, if its role is at least `needed`: 503 on a server without a store (no
    /// tokens), 401 without a token, 403 with too low a role. Its scope is checked where the
    /// feature is known.
    pub fn require(&self, needed: Role) -> Result<Actor, ApiError> {
        if self.store().is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_waits_once_over_the_limit_and_ipv6_counts_per_64() {
        let limit = FailureLimit::new(3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limit.wait(a), None);
            limit.failed(a);
        }
        let wait = limit.wait(a).expect("over the limit");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(limit.wait("10.0.0.2".parse().unwrap()), None, "another address is not held back");
        let (one, same_64): (IpAddr, IpAddr) = ("2001:db8::1".parse().unwrap(), "2001:db8::ffff:1".parse().unwrap());
        for _ in 0..3 {
            limit.failed(one);
        }
        assert!(limit.wait(same_64).is_some());
        assert!(limit.wait("2001:db8:0:1::1".parse().unwrap()).is_none(), "another /64");
        let off = FailureLimit::new(0);
        off.failed(a);
        assert_eq!(off.wait(a), None);
    }
}
