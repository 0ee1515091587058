//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
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
        match self {
            ApiError::Match(MatchError::Syntax(_)) | ApiError::NotText => "malformed-body",
            ApiError::Match(_) => "invalid-field",
            ApiError::Parameter { .. } | ApiError::Features(FeaturesError::Parameter { .. }) => "invalid-parameter",
            ApiError::NotFound(_) => "not-found",
            ApiError::Features(FeaturesError::Json(_)) => "internal",
            ApiError::Internal => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Match(MatchError::Syntax(_))
            | ApiError::NotText
            | ApiError::Parameter { .. }
            | ApiError::Features(FeaturesError::Parameter { .. }) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Features(FeaturesError::Json(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Match(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
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
            _ => {}
        }
        HttpResponse::build(status).content_type("application/problem+json").body(body.to_string())
    }
}
