//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

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
    /// The body is not UTF-8 text.
    #[error("the body is not UTF-8 text")]
    NotText,
    /// The work could not be finished (a worker thread failed).
    #[error("the request could not be completed")]
    Internal,
}

impl ApiError {
    /// A query parameter error.
    pub fn parameter(parameter: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::Parameter { parameter: parameter.into(), reason: reason.into() }
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::Match(MatchError::Syntax(_)) | ApiError::NotText => "malformed-body",
            ApiError::Match(_) => "invalid-field",
            ApiError::Parameter { .. } => "invalid-parameter",
            ApiError::Internal => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Match(MatchError::Syntax(_)) | ApiError::NotText | ApiError::Parameter { .. } => StatusCode::BAD_REQUEST,
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
            ApiError::Parameter { parameter, .. } => body["parameter"] = json!(parameter),
            _ => {}
        }
        HttpResponse::build(status).content_type("application/problem+json").body(body.to_string())
    }
}
