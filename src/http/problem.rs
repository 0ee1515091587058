//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};
use serde_json::json;

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
    /// The inventory is not loaded yet.
    #[error("the inventory is not loaded yet")]
    NotReady,
    /// The work could not be finished (a worker thread failed).
    #[error("the request could not be completed")]
    Internal,
}

impl ApiError {
    /// An export that could not be written.
    pub fn export(e: crate::export::ExportError) -> ApiError {
        tracing::error!("export failed: {e}");
        ApiError::Internal
    }

    /// A query parameter error.
    pub fn parameter(parameter: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Parameter { parameter: parameter.into(), reason: reason.into() }
    }

    fn slug(&self) -> &'static str {
        use crate::store::StoreError;
        match self {
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::PreconditionRequired(_) => "precondition-required",
            ApiError::PreconditionFailed(_) | ApiError::Store(StoreError::Conflict { .. }) => "version-conflict",
            ApiError::NoStore => "read-only",
            ApiError::Malformed(_) => "malformed-body",
            ApiError::Field { .. } => "invalid-field",
            ApiError::Store(StoreError::NotFound { .. }) => "not-found",
            ApiError::Store(StoreError::Refused(_)) => "refused",
            ApiError::Store(StoreError::Forbidden(_)) => "forbidden",
            ApiError::Store(StoreError::Invalid(_)) => "invalid-data",
            ApiError::Store(_) => "internal",
            ApiError::Match(MatchError::Syntax(_)) | ApiError::NotText => "malformed-body",
            ApiError::Match(_) => "invalid-field",
            ApiError::Parameter { .. } | ApiError::Features(FeaturesError::Parameter { .. }) => "invalid-parameter",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed(_) => "method-not-allowed",
            ApiError::Edit(crate::inventory::EditError::NotFound { .. }) => "not-found",
            ApiError::Edit(crate::inventory::EditError::NotEditable(_)) => "method-not-allowed",
            ApiError::Edit(crate::inventory::EditError::Invalid(_)) => "invalid-data",
            ApiError::Features(FeaturesError::Json(_)) => "internal",
            ApiError::Tile(crate::tiles::TileError::OffGrid { .. }) => "not-found",
            ApiError::Tile(crate::tiles::TileError::Datum(_)) => "invalid-parameter",
            ApiError::Tile(crate::tiles::TileError::Encode(_)) => "internal",
            ApiError::Internal => "internal",
            ApiError::NotReady => "not-ready",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        use crate::store::StoreError;
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Store(StoreError::Forbidden(_)) => StatusCode::FORBIDDEN,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed(_) | ApiError::Store(StoreError::Conflict { .. }) => StatusCode::PRECONDITION_FAILED,
            ApiError::NoStore => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Field { .. } | ApiError::Store(StoreError::Refused(_) | StoreError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Store(StoreError::NotFound { .. }) => StatusCode::NOT_FOUND,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Match(MatchError::Syntax(_))
            | ApiError::NotText
            | ApiError::Parameter { .. }
            | ApiError::Features(FeaturesError::Parameter { .. }) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Edit(crate::inventory::EditError::NotFound { .. }) => StatusCode::NOT_FOUND,
            ApiError::Edit(crate::inventory::EditError::NotEditable(_)) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Edit(crate::inventory::EditError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Features(FeaturesError::Json(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Match(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Tile(crate::tiles::TileError::OffGrid { .. }) => StatusCode::NOT_FOUND,
            ApiError::Tile(crate::tiles::TileError::Datum(_)) => StatusCode::BAD_REQUEST,
            ApiError::Tile(crate::tiles::TileError::Encode(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut body = json!({
            "type": format!("urn:chanye:problem:{}", self.slug()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
        });
        match self {
            ApiError::Match(e) => {
                if let Some(field) = e.field_name() {
                    body["field"] = json!(field);
                }
            }
            ApiError::Parameter { parameter, .. } | ApiError::Features(FeaturesError::Parameter { parameter, .. }) => {
                body["parameter"] = json!(parameter)
            }
            ApiError::Field { field, .. } => body["field"] = json!(field),
            ApiError::Tile(crate::tiles::TileError::OffGrid { field, .. }) => body["parameter"] = json!(field),
            ApiError::Tile(crate::tiles::TileError::Datum(_)) => body["parameter"] = json!("crs"),
            ApiError::Edit(crate::inventory::EditError::Invalid(report)) | ApiError::Store(crate::store::StoreError::Invalid(report)) => {
                let problems: Vec<&crate::inventory::Problem> = report.errors().collect();
                if let Some(field) = problems.first().and_then(|p| p.field.as_deref()) {
                    body["field"] = json!(field);
                }
                body["problems"] = json!(problems);
            }
            _ => {}
        }
        if let ApiError::Store(e) = self {
            if status.is_server_error() {
                tracing::error!("store: {e}");
                body["detail"] = json!("the store failed; see the server log");
            }
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
        StatusCode::NOT_FOUND => ("not-found", format!("there is no resource at {path}; GET /api lists the routes")),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", format!("{} is not allowed on {path}", res.request().method())),
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = res.request().app_data::<web::Data<super::AppState>>().map(|s| s.body_limit).unwrap_or_default();
            ("body-too-large", format!("the body is larger than the limit of {limit} bytes"))
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
