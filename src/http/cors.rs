//! Cross-origin access. Any origin may read public data anonymously (`GET`/`HEAD` without
//! credentials), as Martin and pg_featureserv allow, so a MapLibre page elsewhere can show the
//! tiles; writes and authorised reads only from the origins given with `--cors-origin`.

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::BoxBody;
use actix_web::dev::{RequestHead, Service, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::ResponseError;

use super::problem::ApiError;

/// The origins allowed everything (`*` for all).
#[derive(Clone)]
pub(super) struct Origins(Arc<Vec<String>>);

impl Origins {
    /// From the configured list.
    pub(super) fn new(origins: &[String]) -> Origins {
        Origins(Arc::new(origins.to_vec()))
    }

    fn configured(&self, origin: &[u8]) -> bool {
        self.0.iter().any(|o| o == "*" || o.as_bytes() == origin)
    }

    /// Whether a request (or a preflight for one) from `origin` may be answered to it.
    fn admits(&self, origin: &[u8], head: &RequestHead) -> bool {
        self.configured(origin) || anonymous_read(head)
    }

    /// The CORS middleware over these origins.
    pub(super) fn middleware(&self) -> Cors {
        let origins = self.clone();
        Cors::default()
            .allowed_origin_fn(move |origin, head| origins.admits(origin.as_bytes(), head))
            .allowed_methods(["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
            .allow_any_header()
            .expose_any_header()
            .max_age(3600)
    }
}

/// A `GET` or `HEAD` without credentials, or a preflight asking for one.
fn anonymous_read(head: &RequestHead) -> bool {
    let read = |m: &[u8]| m.eq_ignore_ascii_case(b"GET") || m.eq_ignore_ascii_case(b"HEAD");
    if head.method == Method::OPTIONS {
        let method = head.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).map(|v| v.as_bytes());
        let asks_authorization = head
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|h| h.split(',').any(|name| name.trim().eq_ignore_ascii_case("authorization")));
        method.is_some_and(read) && !asks_authorization
    } else {
        read(head.method.as_str().as_bytes()) && !head.headers().contains_key(header::AUTHORIZATION)
    }
}

/// Answers a preflight the CORS middleware would refuse with a problem that says why and how to
/// allow the origin (actix-cors says only that the origin is not allowed).
pub(super) fn explain_refusal<S, B>(origins: &Origins, req: ServiceRequest, service: &S) -> impl std::future::Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody + 'static,
{
    let preflight = req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let refused = req.headers().get(header::ORIGIN).filter(|o| preflight && !origins.admits(o.as_bytes(), req.head())).cloned();
    let call = match refused {
        Some(origin) => {
            let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
            let method = req.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD).and_then(|v| v.to_str().ok()).unwrap_or("?").to_string();
            let problem = ApiError::Forbidden(crate::error::Bilingual::new(
                format!("origin {origin} may only read public data anonymously (GET/HEAD without a token); to send {method} with a token or to write, start serve with --cors-origin {origin} or set CHANYE_CORS_ORIGINS"),
                format!("来源 {origin} 只能匿名读取公开数据（GET/HEAD，不带令牌）；写入或带令牌的 {method} 请求须以 --cors-origin {origin} 启动服务（或设 CHANYE_CORS_ORIGINS）"),
            ));
            Err(req.into_response(problem.error_response()))
        }
        None => Ok(service.call(req)),
    };
    async move {
        match call {
            Err(refusal) => Ok(refusal),
            Ok(answer) => answer.await.map(ServiceResponse::map_into_boxed_body),
        }
    }
}
