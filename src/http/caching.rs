//! Validators and caching headers: weak ETags of reads, strong version tags of features,
//! `Cache-Control`, and `Vary` on answers that depend on who asks.

use std::hash::{Hash, Hasher};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use crate::inventory::Snapshot;
use crate::model::Audience;

/// A weak validator for a read: the snapshot's revision and the request. Another snapshot
/// (an edit, a reload, a restart) gives another tag.
pub fn etag(snapshot: &Snapshot, req: &HttpRequest, audience: &Audience) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    // promoters read more than the public does, each in their scope: other representations
    audience.hash(&mut hasher);
    // the stale flags change with the day
    crate::inventory::Freshness::current().hash(&mut hasher);
    req.path().hash(&mut hasher);
    req.query_string().hash(&mut hasher);
    format!("W/\"{:x}-{}-{:016x}\"", super::boot_id(), snapshot.revision, hasher.finish())
}

/// The strong validator of a feature's version: `"v3"`.
pub fn version_tag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// Whether the client already holds the representation tagged `tag`.
pub fn fresh(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// A cacheable answer tagged `tag`: 304 when the client has it, else the body.
pub fn cached_as(req: &HttpRequest, tag: String, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let fresh = fresh(req, &tag);
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, tag))
        // edits must show at once: caches keep the body but ask again each time
        .insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if fresh {
        response.finish()
    } else {
        response.content_type(content_type).body(body)
    }
}

/// A cacheable answer that is the same for everyone, tagged by the snapshot and the request.
pub fn cached(req: &HttpRequest, snapshot: &Snapshot, content_type: &str, body: Vec<u8>) -> HttpResponse {
    cached_as(req, etag(snapshot, req, &Audience::public()), content_type, body)
}

/// Adds `name` to an answer's `Vary`, keeping what is there, in one header.
pub fn vary(headers: &mut header::HeaderMap, name: &'static str) {
    let Some(listed) = headers.get(header::VARY).and_then(|v| v.to_str().ok()) else {
        // the usual case, on every read: no allocation
        headers.insert(header::VARY, HeaderValue::from_static(name));
        return;
    };
    if listed.split(',').any(|v| v.trim().eq_ignore_ascii_case(name)) {
        return;
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{listed}, {name}")) {
        headers.insert(header::VARY, value);
    }
}

/// Marks an answer that carries confidential properties as the caller's own.
pub fn personal(response: &mut HttpResponse, audience: &Audience) {
    vary(response.headers_mut(), "Authorization");
    if audience.is_privileged() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
}
