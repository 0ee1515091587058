//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
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

    fn detail_zh(&self) -> Option<String> {
        match self {
            ApiError::Match(e) => e.detail_zh(),
            ApiError::Features(e) => e.detail_zh(),
            ApiError::Store(e) => e.detail_zh(),
            ApiError::Edit(e) => e.detail_zh(),
            ApiError::Tile(e) => e.detail_zh(),
            ApiError::Export(e) => e.detail_zh(),
            ApiError::Parameter { parameter, reason } => crate::error::reason_zh(reason).map(|r| format!("参数 {parameter}：{r}")),
            ApiError::NotFound(reason) | ApiError::MethodNotAllowed(reason) => crate::error::reason_zh(reason),
            ApiError::NotText => Some("请求正文不是 UTF-8 文本".into()),
            ApiError::NoStore => Some("本服务只读地提供一个数据目录：写入需要数据库（serve --store）".into()),
            ApiError::NotReady => Some("库存数据尚未载入，请稍候".into()),
            ApiError::Malformed(cause) => Some(format!("请求正文不是有效的 JSON：{cause}")),
            _ => None,
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
        let kind = self.kind();
        let (status, slug) = problem_of(kind);
        let mut body = json!({
            "type": format!("urn:chanye:problem:{slug}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.to_string(),
        });
        let blamed = match self.blame() {
            Blame::Nothing => None,
            Blame::Field(field) => {
                body["field"] = json!(field);
                Some(format!("字段 {field}"))
            }
            Blame::Parameter(parameter) => {
                body["parameter"] = json!(parameter);
                Some(format!("参数 {parameter}"))
            }
            Blame::Report(report) => {
                let problems: Vec<&crate::inventory::Problem> = report.errors().collect();
                if let Some(field) = problems.first().and_then(|p| p.field.as_deref()) {
                    body["field"] = json!(field);
                }
                body["problems"] = json!(problems);
                Some(format!("{} 处问题", problems.len()))
            }
        };
        let internal = status.is_server_error() && kind == ErrorKind::Internal;
        if internal {
            // the cause may name files and queries: it goes to the log, not to the client
            tracing::error!("internal error: {self}");
            body["detail"] = json!("the service failed; see the server log");
        }
        let (title_zh, sentence_zh) = kind.zh();
        let detail_zh = match self.detail_zh() {
            Some(whole) if !internal => whole,
            _ if internal => sentence_zh.to_string(),
            _ => {
                let english = body["detail"].as_str().unwrap_or_default();
                match blamed {
                    Some(name) => format!("{sentence_zh}（{name}）：{english}"),
                    None => format!("{sentence_zh}：{english}"),
                }
            }
        };
        let mut zh = body.clone();
        zh["title"] = json!(title_zh);
        zh["detail"] = json!(detail_zh);
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let mut response = response.content_type("application/problem+json").body(body.to_string());
        response.extensions_mut().insert(Chinese(zh.to_string()));
        response
    }
}

/// The Chinese body of a problem, kept beside the English one until the request's languages
/// are known.
#[derive(Clone)]
struct Chinese(String);

/// Whether the client reads Chinese before English (`Accept-Language: zh-CN,zh;q=0.9,en;q=0.8`).
pub fn prefers_chinese(req: &HttpRequest) -> bool {
    let Some(languages) = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else { return false };
    let mut best: Option<(f32, bool)> = None;
    for item in languages.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        if tag.is_empty() || q <= 0.0 {
            continue;
        }
        let chinese = tag == "zh" || tag.starts_with("zh-");
        // the first of equal weights wins, as listed
        if best.is_none_or(|(top, _)| q > top) {
            best = Some((q, chinese));
        }
    }
    best.is_some_and(|(_, chinese)| chinese)
}


/// A problem body for a status actix answered by itself (no route, wrong method, body too
/// large): same shape as every other error; and every problem in Chinese for a client that
/// reads Chinese first.
fn framework_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let chinese = prefers_chinese(res.request());
    if is_problem {
        let localised = res.response().extensions().get::<Chinese>().cloned().filter(|_| chinese);
        let Some(Chinese(body)) = localised else {
            let mut res = res;
            res.headers_mut().append(header::VARY, header::HeaderValue::from_static("Accept-Language"));
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        };
        let (req, res) = res.into_parts();
        let mut response = HttpResponse::build(res.status());
        for (name, value) in res.headers() {
            // the body is new: its length and any compression of the old one do not apply
            if name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
                response.append_header((name.clone(), value.clone()));
            }
        }
        let response = response.insert_header((header::CONTENT_LANGUAGE, "zh")).append_header((header::VARY, "Accept-Language")).body(body);
        return Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()));
    }
    let status = res.status();
    if status.is_server_error() {
        // a server's own non-problem answers (readiness) keep their bodies
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let path = res.request().path().to_string();
    let method = res.request().method().to_string();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => (problem_of(ErrorKind::NotFound).1, format!("there is no resource at {path}; GET /api lists the routes")),
        StatusCode::METHOD_NOT_ALLOWED => (problem_of(ErrorKind::NotAllowed).1, format!("{method} is not allowed on {path}")),
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = res.request().app_data::<web::Data<super::AppState>>().map(|s| s.body_limit).unwrap_or_default();
            (problem_of(ErrorKind::TooLarge).1, format!("the body is larger than the limit of {limit} bytes"))
        }
        other => ("http", other.canonical_reason().unwrap_or("error").to_string()),
    };
    let detail_zh = crate::error::reason_zh(&detail).unwrap_or_else(|| match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge.zh().1.to_string(),
        _ => detail.clone(),
    });
    let zh_title = match status {
        StatusCode::NOT_FOUND => ErrorKind::NotFound.zh().0,
        StatusCode::METHOD_NOT_ALLOWED => ErrorKind::NotAllowed.zh().0,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge.zh().0,
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let (title, detail) = if chinese { (zh_title, detail_zh) } else { (status.canonical_reason().unwrap_or("Error"), detail) };
    let body = json!({
        "type": format!("urn:chanye:problem:{slug}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    let (req, res) = res.into_parts();
    let mut response = HttpResponse::build(status);
    // keep what actix said besides the body (Allow on a 405)
    for (name, value) in res.headers() {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE && name != header::CONTENT_ENCODING {
            response.append_header((name.clone(), value.clone()));
        }
    }
    if chinese {
        response.insert_header((header::CONTENT_LANGUAGE, "zh"));
    }
    let response = response.append_header((header::VARY, "Accept-Language")).content_type("application/problem+json").body(body.to_string());
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, response).map_into_right_body()))
}

/// Middleware turning actix's own error answers into problems, in the client's language.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(framework_problem)
}
