//! Errors at the HTTP edge, each answered once as `application/problem+json` (RFC 9457):
//! `type`, `title`, `status`, `detail`, and the body field or query parameter to blame.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use crate::error::{Bilingual, Blame, Classified, ErrorKind};
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
        /// The same in Chinese.
        reason_zh: String,
    },
    /// A collection read failed.
    #[error(transparent)]
    Features(#[from] FeaturesError),
    /// No such collection, feature or route.
    #[error("{0}")]
    NotFound(Bilingual),
    /// The body is not UTF-8 text.
    #[error("the body is not UTF-8 text")]
    NotText,
    /// No valid bearer token.
    #[error("{0}")]
    Unauthorized(Bilingual),
    /// The token's role is too low.
    #[error("{0}")]
    Forbidden(Bilingual),
    /// Too many failed authentications from the client's address; retry after this many
    /// seconds.
    #[error("too many failed authentications from this address: retry in {0} s")]
    TooManyAttempts(u64),
    /// A write without `If-Match`.
    #[error("{0}")]
    PreconditionRequired(Bilingual),
    /// A write whose `If-Match` names another version.
    #[error("{0}")]
    PreconditionFailed(Bilingual),
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
        /// The same in Chinese.
        reason_zh: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The path is served, with other methods.
    #[error("{0}")]
    MethodNotAllowed(Bilingual),
    /// An edit that does not validate or names no feature.
    #[error(transparent)]
    Edit(#[from] crate::inventory::EditError),
    /// A tile that is off the grid, or on a datum not offered.
    #[error(transparent)]
    Tile(#[from] crate::tiles::TileError),
    /// An export could not be written.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// A spreadsheet could not be read at all.
    #[error(transparent)]
    Sheet(#[from] crate::sheet::SheetError),
    /// A body over the limit (bytes).
    #[error("the body is larger than the limit of {0} bytes")]
    TooLarge(usize),
    /// The inventory is not loaded yet (the stage reached, while it loads).
    #[error("the inventory is not loaded yet{}", .0.as_ref().map(|s| format!(": {} ({}/{})", s.stage, s.done, s.total)).unwrap_or_default())]
    NotReady(Option<super::Stage>),
    /// The work could not be finished (a worker thread failed).
    #[error("the request could not be completed")]
    Internal,
}

impl ApiError {
    /// A query parameter error.
    pub fn parameter(parameter: impl Into<String>, reason: impl Into<String>, reason_zh: impl Into<String>) -> ApiError {
        ApiError::Parameter { parameter: parameter.into(), reason: reason.into(), reason_zh: reason_zh.into() }
    }

    /// A body field error.
    pub fn field(field: impl Into<String>, reason: impl Into<String>, reason_zh: impl Into<String>) -> ApiError {
        ApiError::Field { field: field.into(), reason: reason.into(), reason_zh: reason_zh.into() }
    }

    /// A query parameter that could not be read (`e.field` names it).
    pub fn unread_parameter(e: crate::error::FieldError) -> ApiError {
        ApiError::parameter(e.field, e.reason, e.reason_zh)
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
            ApiError::Sheet(e) => e.kind(),
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
            ApiError::NotReady(_) => ErrorKind::NotReady,
            ApiError::TooManyAttempts(_) => ErrorKind::TooManyRequests,
            ApiError::TooLarge(_) => ErrorKind::TooLarge,
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
            ApiError::Sheet(e) => e.blame(),
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
            ApiError::Sheet(e) => e.detail_zh(),
            ApiError::Parameter { parameter, reason_zh, .. } => Some(format!("参数 {parameter}：{reason_zh}")),
            ApiError::Field { field, reason_zh, .. } => Some(format!("字段 {field}：{reason_zh}")),
            ApiError::NotFound(said)
            | ApiError::MethodNotAllowed(said)
            | ApiError::Unauthorized(said)
            | ApiError::Forbidden(said)
            | ApiError::PreconditionRequired(said)
            | ApiError::PreconditionFailed(said) => Some(said.zh.clone()),
            ApiError::NotText => Some("请求正文不是 UTF-8 文本".into()),
            ApiError::NoStore => Some("本服务只读地提供一个数据目录：写入需要数据库（serve --store）".into()),
            ApiError::TooLarge(limit) => Some(format!("请求正文超过 {limit} 字节的上限")),
            ApiError::TooManyAttempts(seconds) => Some(format!("本地址认证失败次数过多：请 {seconds} 秒后再试")),
            ApiError::NotReady(None) => Some("库存数据尚未载入，请稍候".into()),
            ApiError::NotReady(Some(s)) => Some(format!("库存数据正在载入：{}（{}/{}），请稍候", s.stage, s.done, s.total)),
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
        ErrorKind::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "too-many-requests"),
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
        let mut problems_zh = None;
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
                problems_zh = Some(report.errors_zh_json());
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
        if let Some(problems) = problems_zh {
            zh["problems"] = problems;
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let ApiError::TooManyAttempts(seconds) = self {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let ApiError::NotReady(stage) = self {
            response.insert_header((header::RETRY_AFTER, "1"));
            body["progress"] = json!(stage);
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


/// The problem of a status actix answered by itself (no route, wrong method, body too large).
fn framework_error<B>(res: &ServiceResponse<B>) -> Option<ApiError> {
    let (path, method) = (res.request().path(), res.request().method());
    match res.status() {
        StatusCode::NOT_FOUND => Some(ApiError::NotFound(no_resource(path))),
        StatusCode::METHOD_NOT_ALLOWED => {
            Some(ApiError::MethodNotAllowed(Bilingual::new(format!("{method} is not allowed on {path}"), format!("{path} 不接受 {method} 请求"))))
        }
        StatusCode::PAYLOAD_TOO_LARGE => Some(ApiError::TooLarge(res.request().app_data::<web::Data<super::AppState>>().map(|s| s.body_limit).unwrap_or_default())),
        _ => None,
    }
}

/// Nothing is served at `path`.
pub fn no_resource(path: &str) -> Bilingual {
    Bilingual::new(format!("there is no resource at {path}; GET /api lists the routes"), format!("{path} 没有资源；GET /api 列出全部路由"))
}

/// The Chinese version of a problem answer, when the client reads Chinese first.
fn chinese_version<B>(req: &HttpRequest, res: &HttpResponse<B>) -> Option<HttpResponse> {
    if !prefers_chinese(req) {
        return None;
    }
    let Chinese(body) = res.extensions().get::<Chinese>()?.clone();
    let mut response = HttpResponse::build(res.status());
    for (name, value) in res.headers() {
        // the body is new: its length and any compression of the old one do not apply
        if name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
            response.append_header((name.clone(), value.clone()));
        }
    }
    let mut response = response.insert_header((header::CONTENT_LANGUAGE, "zh")).body(body);
    super::caching::vary(response.headers_mut(), "Accept-Language");
    Some(response)
}

/// Every problem in the client's language, and actix's own client errors as problems: same
/// shape as every other error.
fn framework_problem<B>(mut res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        if let Some(chinese) = chinese_version(res.request(), res.response()) {
            let (req, _) = res.into_parts();
            return Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, chinese).map_into_right_body()));
        }
        super::caching::vary(res.headers_mut(), "Accept-Language");
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let Some(error) = framework_error(&res) else {
        // other answers (readiness, 304s) keep their bodies
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let (req, old) = res.into_parts();
    let mut problem = error.error_response();
    // keep what actix said besides the body (Allow on a 405)
    if let Some(allow) = old.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    let problem = match chinese_version(&req, &problem) {
        Some(chinese) => chinese,
        None => {
            super::caching::vary(problem.headers_mut(), "Accept-Language");
            problem
        }
    };
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, problem).map_into_right_body()))
}

/// Middleware turning actix's own error answers into problems, in the client's language.
pub fn json_errors<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(framework_problem)
}
