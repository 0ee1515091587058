//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};
use serde_json::json;

use crate::error::{Blame, Classified, ErrorKind};
use crate::features::FeaturesError;
use crate::matcher::MatchError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The match request could not be read or resolved.
    #[error(transparent)]
    Match(#[from] MatchError),
    /// A query parameter is unknown or invalid.
    #[error("{parameter}: {reason}")]
    Parameter {
        /// The parameter's name.
        parameter: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A collection read failed.
    #[error(transparent)]
    Features(#[from] FeaturesError),
    /// No such collection, feature or route.
    #[error("{0}")]
    NotFound(String),
    /// The body is not UTF-8 text.
    #[error("the body is not UTF-8 text")]
    NotText,
    /// No valid bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// The token's role is too low.
    #[error("{0}")]
    Forbidden(String),
    /// A write without `If-Match`.
    #[error("{0}")]
    PreconditionRequired(String),
    /// A write whose `If-Match` names another version.
    #[error("{0}")]
    PreconditionFailed(String),
    /// Writes need a store, and this server has none.
    #[error("this server serves a data directory read-only: writes need a store (serve --store)")]
    NoStore,
    /// A body that is not JSON.
    #[error("the body is not valid JSON: {0}")]
    Malformed(String),
    /// A body field is wrong.
    #[error("{field}: {reason}")]
    Field {
        /// The field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The path is served, with other methods.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// An edit that does not validate or names no feature.
    #[error(transparent)]
    Edit(#[from] crate::inventory::EditError),
    /// A tile that is off the grid, or on a datum not offered.
    #[error(transparent)]
    Tile(#[from] crate::tiles::TileError),
    /// An export could not be written.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// The inventory is not loaded yet.
    #[error("the inventory is not loaded yet")]
    NotReady,
    /// The work could not be finished (a worker thread failed).
    #[error("the request could not be completed")]
    Internal,
}

impl ApiError {
    /// A query parameter error.
    pub fn parameter(parameter: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Parameter { parameter: parameter.into(), reason: reason.into() }
    }
}

impl Classified for ApiError {
    fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Match(e) => e.kind(),
            ApiError::Features(e) => e.kind(),
            ApiError::Store(e) => e.kind(),
            ApiError::Edit(e) => e.kind(),
            ApiError::Tile(e) => e.kind(),
            ApiError::Export(e) => e.kind(),
            ApiError::Parameter { .. } => ErrorKind::InvalidParameter,
            ApiError::Field { .. } => ErrorKind::InvalidField,
            ApiError::NotText | ApiError::Malformed(_) => ErrorKind::Malformed,
            ApiError::NotFound(_) => ErrorKind::NotFound,
            ApiError::MethodNotAllowed(_) => ErrorKind::NotAllowed,
            ApiError::Unauthorized(_) => ErrorKind::Unauthorized,
            ApiError::Forbidden(_) => ErrorKind::Forbidden,
            ApiError::PreconditionRequired(_) => ErrorKind::PreconditionRequired,
            ApiError::PreconditionFailed(_) => ErrorKind::Conflict,
            ApiError::NoStore => ErrorKind::ReadOnly,
            ApiError::NotReady => ErrorKind::NotReady,
            ApiError::Internal => ErrorKind::Internal,
        }
    }

    fn blame(&self) -> Blame<'_> {
        match self {
            ApiError::Match(e) => e.blame(),
            ApiError::Features(e) => e.blame(),
            ApiError::Store(e) => e.blame(),
            ApiError::Edit(e) => e.blame(),
            ApiError::Tile(e) => e.blame(),
            ApiError::Export(e) => e.blame(),
            ApiError::Parameter { parameter, .. } => Blame::Parameter(parameter),
            ApiError::Field { field, .. } => Blame::Field(field),
            _ => Blame::Nothing,
        }
    }
}

/// The status and problem type of each kind of failure: the one place kinds meet HTTP.
pub fn problem_of(kind: ErrorKind) -> (StatusCode, &'static str) {
    match kind {
        ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not-found"),
        ErrorKind::Malformed => (StatusCode::BAD_REQUEST, "malformed-body"),
        ErrorKind::InvalidParameter => (StatusCode::BAD_REQUEST, "invalid-parameter"),
        ErrorKind::InvalidField => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-field"),
        ErrorKind::InvalidData => (StatusCode::UNPROCESSABLE_ENTITY, "invalid-data"),
        ErrorKind::Refused => (StatusCode::UNPROCESSABLE_ENTITY, "refused"),
        ErrorKind::Conflict => (StatusCode::PRECONDITION_FAILED, "version-conflict"),
        ErrorKind::PreconditionRequired => (StatusCode::PRECONDITION_REQUIRED, "precondition-required"),
        ErrorKind::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
        ErrorKind::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
        ErrorKind::NotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed"),
        ErrorKind::ReadOnly => (StatusCode::SERVICE_UNAVAILABLE, "read-only"),
        ErrorKind::NotReady => (StatusCode::SERVICE_UNAVAILABLE, "not-ready"),
        ErrorKind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body-too-large"),
        ErrorKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        problem_of(self.kind()).0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, slug) = problem_of(self.kind());
        let mut body = json!({
            "type": format!("urn:chanye:problem:{slug}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
        });
        match self.blame() {
            Blame::Nothing => {}
            Blame::Field(field) => body["field"] = json!(field),
            Blame::Parameter(parameter) => body["parameter"] = json!(parameter),
            Blame::Report(report) => {
                let problems: Vec<&crate::inventory::Problem> = report.errors().collect();
                if let Some(field) = problems.first().and_then(|p| p.field.as_deref()) {
                    body["field"] = json!(field);
                }
                body["problems"] = json!(problems);
            }
        }
        if status.is_server_error() && self.kind() == ErrorKind::Internal {
            // the cause may name files and queries: it goes to the log, not to the client
            tracing::error!("internal error: {self}");
            body["detail"] = json!("the service failed; see the server log");
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.content_type("application/problem+json").body(body.to_string())
    }
}

/// A problem body for a status actix answered by itself (no route, wrong method, body too
/// large): same shape as every other error.
fn framework_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let path = res.request().path().to_string();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => (problem_of(ErrorKind::NotFound).1, format!("there is no resource at {path}; GET /api lists the routes")),
        StatusCode::METHOD_NOT_ALLOWED => (problem_of(ErrorKind::NotAllowed).1, format!("{} is not allowed on {path}", res.request().method())),
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = res.request().app_data::<web::Data<super::AppState>>().map(|s| s.body_limit).unwrap_or_default();
            (problem_of(ErrorKind::TooLarge).1, format!("the body is larger than the limit of {limit} bytes"))
        }
        other => ("http", other.canonical_reason().unwrap_or("error").to_string()),
    };
    let body = json!({
        "type": format!("urn:chanye:problem:{slug}"),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let (req, _) = res.into_parts();
    let response = HttpResponse::build(status).content_type("application/problem+json").body(body.to_string());
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
}

/// Middleware turning actix's own client-error answers into problems.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler_client(framework_problem)
}
