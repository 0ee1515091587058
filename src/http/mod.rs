//! The HTTP edge (actix-web), the only module that knows actix. Handlers are thin over the
//! domain modules; every error leaves as `application/problem+json` ([`problem`]).

mod auth;
mod caching;
mod cors;
mod edits;
mod features;
mod html;
mod import;
mod inventory;
mod loading;
mod matching;
mod openapi;
pub mod problem;

mod operations;
mod page;
mod params;
mod session;
mod tiles;
mod utf8_target;
pub use page::{Basemap, BasemapKind, PageSettings};

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_http::error::DispatchError;
use actix_http::{HttpService, KeepAlive, Protocol};
use actix_service::{map_config, IntoServiceFactory as _, ServiceFactoryExt as _};
use actix_web::body::BoxBody;
use actix_web::dev::{fn_service, AppConfig, Service as _, ServiceRequest, ServiceResponse};
use actix_web::rt::net::TcpStream;
use actix_web::{get, middleware, web, App, HttpResponse, ResponseError};
use serde_json::json;

use crate::inventory::{Progress, Snapshot, SnapshotCell};
pub use loading::{Loading, Stage};
use crate::matcher::Matcher;
use crate::store::{Published, Store, Writer};
pub use openapi::OPENAPI_YAML;
use problem::ApiError;

/// Distinguishes this process's validators from those of earlier runs.
fn boot_id() -> u64 {
    static BOOT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BOOT.get_or_init(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        now.as_nanos() as u64 ^ u64::from(std::process::id())
    })
}

/// What the operator sets about the HTTP edge.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body accepted, bytes; larger ones get 413.
    pub body_limit: usize,
    /// Origins allowed to call the API from a browser (`*` for any); none: same origin only.
    pub cors_origins: Vec<String>,
    /// The least role that may match projects and rank districts (public: anyone). Results
    /// carry public fields only either way.
    pub match_role: crate::model::Role,
    /// Failed authentications per client address and minute before 429 (0: no limit).
    pub auth_failures_per_minute: u32,
    /// Days after which an unverified parcel or building is stale.
    pub stale_after_days: u32,
    /// The web page's files and base map.
    pub page: PageSettings,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            body_limit: 1024 * 1024,
            cors_origins: Vec::new(),
            match_role: crate::model::Role::Public,
            auth_failures_per_minute: 20,
            stale_after_days: crate::inventory::DEFAULT_STALE_AFTER_DAYS,
            page: PageSettings::default(),
        }
    }
}

/// What the handlers share.
pub struct AppState {
    /// The snapshot and the matcher over it, replaced together after each write.
    published: Arc<Published>,
    /// The store of record (none: a read-only server over a data directory, or one still
    /// loading).
    store: OnceLock<Arc<dyn Store>>,
    /// Commits edits to the store and publishes them (none without a store).
    writer: OnceLock<Writer>,
    /// How far the start-up load has got.
    pub loading: Arc<Loading>,
    /// Request counts and durations.
    pub metrics: operations::Metrics,
    /// Largest request body accepted, bytes (for the 413 problem's detail).
    pub body_limit: usize,
    /// The least role that may match.
    pub match_role: crate::model::Role,
    /// Counts failed authentications per client address.
    pub auth_failures: auth::FailureLimit,
    /// Spreadsheet previews waiting for their commit.
    imports: import::Previews,
    /// Days after which an unverified parcel or building is stale.
    pub stale_after_days: u32,
    /// The web page's files and base map.
    pub page: PageSettings,
}

impl AppState {
    /// State over the snapshot `cell` holds and, for writes, a store.
    pub fn new(cell: Arc<SnapshotCell>, store: Option<Arc<dyn Store>>, settings: &Settings) -> AppState {
        let state = AppState::loading(cell.current(), Arc::new(Loading::done()), settings);
        if let Some(store) = store {
            state.open_store(store);
        }
        state
    }

    /// State over `snapshot` (empty while `loading` runs), without a store yet.
    fn loading(snapshot: Arc<Snapshot>, loading: Arc<Loading>, settings: &Settings) -> AppState {
        crate::inventory::set_stale_after_days(settings.stale_after_days);
        AppState {
            published: Arc::new(Published::new(snapshot)),
            store: OnceLock::new(),
            writer: OnceLock::new(),
            loading,
            metrics: operations::Metrics::new(),
            body_limit: settings.body_limit,
            match_role: settings.match_role,
            auth_failures: auth::FailureLimit::new(settings.auth_failures_per_minute),
            imports: import::Previews::default(),
            stale_after_days: settings.stale_after_days,
            page: settings.page.clone(),
        }
    }

    /// Writes go to `store` from now on.
    fn open_store(&self, store: Arc<dyn Store>) {
        let _ = self.writer.set(Writer::new(store.clone(), self.published.clone()));
        let _ = self.store.set(store);
    }

    /// The store of record, if there is one (and it is open).
    pub fn store(&self) -> Option<&Arc<dyn Store>> {
        self.store.get()
    }

    /// The writer over the store, if there is one.
    fn writer(&self) -> Option<&Writer> {
        self.writer.get()
    }

    /// The matcher in force, with the snapshot it matches over.
    pub fn matcher(&self) -> Arc<Matcher> {
        self.published.matcher()
    }

    /// The snapshot in force.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.published.snapshot()
    }
}

/// Runs blocking work (SQLite, a match, an export) off the async workers, and answers with
/// its result; a worker that died is an internal error.
async fn blocking<T, E>(work: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    web::block(work).await.map_err(|_| ApiError::Internal)?.map_err(Into::into)
}

#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    if !state.loading.is_ready() {
        return HttpResponse::Ok().json(json!({ "status": "loading", "progress": state.loading.stage() }));
    }
    let snapshot = state.snapshot();
    let counts: serde_json::Map<String, serde_json::Value> =
        snapshot.counts().iter().map(|(layer, n)| (layer.to_string(), json!(n))).collect();
    HttpResponse::Ok().json(json!({ "status": "ok", "counts": counts }))
}

/// No route took the request: 405 with `Allow` when the path is served with other methods
/// (the API document lists them), else 404.
async fn unrouted(req: actix_web::HttpRequest) -> HttpResponse {
    match openapi::allowed_methods(req.path()) {
        Some(methods) if !methods.is_empty() => {
            let mut response = ApiError::MethodNotAllowed(crate::error::Bilingual::new(
                format!("{} is not allowed on {}; use {}", req.method(), req.path(), methods.join(", ")),
                format!("{} 不接受 {} 请求；请用 {}", req.path(), req.method(), methods.join("、")),
            ))
                .error_response();
            if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&methods.join(", ")) {
                response.headers_mut().insert(actix_web::http::header::ALLOW, value);
            }
            response
        }
        _ => ApiError::NotFound(problem::no_resource(req.path())).error_response(),
    }
}

/// The application: state, limits, query-error handling and every route.
pub fn configure(state: web::Data<AppState>, settings: &Settings) -> impl FnOnce(&mut web::ServiceConfig) {
    let body_limit = settings.body_limit;
    move |config| {
        let bodies = web::PayloadConfig::new(body_limit);
        config
            .app_data(state)
            .app_data(bodies)
            // routes are tried in order, each a pattern match: tiles, asked for dozens at a
            // time by every map view, come first
            .configure(tiles::routes)
            .service(healthz)
            .configure(operations::routes)
            .configure(features::routes)
            .configure(matching::routes)
            .configure(inventory::routes)
            .configure(edits::routes)
            .configure(import::routes)
            .configure(session::routes)
            .configure(page::routes)
            .service(openapi::document)
            .default_service(web::to(unrouted));
    }
}

/// HEAD gets GET's status and headers without the body (link checkers and proxies probe
/// pages with HEAD; the routes take GET only).
fn answer_head_as_get<S, B>(mut req: ServiceRequest, service: &S) -> impl std::future::Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>
where
    S: actix_web::dev::Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody + 'static,
{
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let call = service.call(req);
    // the body stays: actix-http's codec knows the request was a HEAD and writes the GET's
    // Content-Length (and encoding) without the body
    async move { Ok(call.await?.map_into_boxed_body()) }
}

/// While the start-up load runs, a route that needs the inventory answers 503 with the stage
/// reached and `Retry-After`.
fn wait_for_load<S, B>(req: ServiceRequest, service: &S) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<ServiceResponse<BoxBody>, actix_web::Error>>>>
where
    S: actix_web::dev::Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: actix_web::body::MessageBody + 'static,
{
    let waiting = req.app_data::<web::Data<AppState>>().filter(|s| s.loading.holds_back(req.path())).map(|s| s.loading.stage());
    match waiting {
        // a promoter opening the page during a restart sees it loading, not a problem document
        Some(stage) if page::wants_html(req.request()) => {
            let response = HttpResponse::ServiceUnavailable()
                .insert_header((actix_web::http::header::RETRY_AFTER, "1"))
                .content_type(html::HTML)
                .body(loading::waiting_page(&stage));
            Box::pin(async move { Ok(req.into_response(response)) })
        }
        Some(stage) => {
            let response = ApiError::NotReady(Some(stage)).error_response();
            Box::pin(async move { Ok(req.into_response(response)) })
        }
        None => {
            let call = service.call(req);
            Box::pin(async move { Ok(call.await?.map_into_boxed_body()) })
        }
    }
}

/// Serves on an already bound listener until the process is stopped.
pub fn run(cell: Arc<SnapshotCell>, store: Option<Arc<dyn Store>>, listener: TcpListener, settings: Settings) -> std::io::Result<()> {
    let state = web::Data::new(AppState::new(cell, store, &settings));
    actix_web::rt::System::new().block_on(async move { server(state, listener, settings)?.await })
}

/// Why a server that loaded its inventory while listening stopped.
#[derive(Debug)]
pub enum Stopped<E> {
    /// The load failed: the server stopped without serving it.
    Load(E),
    /// The server failed.
    Server(std::io::Error),
}

/// Listens on `listener` at once and serves what `load` returns (a store and its snapshot)
/// once it has returned; until then `/readyz` answers 503 with `load`'s progress. A failed
/// load stops the server and is returned.
pub fn run_loading<E: Send + 'static>(
    listener: TcpListener,
    settings: Settings,
    load: impl FnOnce(&dyn Progress) -> Result<(Arc<dyn Store>, Snapshot), E> + Send + 'static,
) -> Result<(), Stopped<E>> {
    let loading = Arc::new(Loading::default());
    let state = web::Data::new(AppState::loading(Arc::new(Snapshot::default()), loading.clone(), &settings));
    actix_web::rt::System::new().block_on(async move {
        let server = server(state.clone(), listener, settings).map_err(Stopped::Server)?;
        let handle = server.handle();
        let running = actix_web::rt::spawn(server);
        let loaded = actix_web::rt::task::spawn_blocking(move || load(loading.as_ref())).await;
        match loaded {
            Ok(Ok((store, snapshot))) => {
                state.published.publish(snapshot, None);
                state.open_store(store);
                state.loading.finish();
                tracing::info!("ready");
            }
            Ok(Err(e)) => {
                handle.stop(false).await;
                return Err(Stopped::Load(e));
            }
            Err(_) => {
                handle.stop(false).await;
                return Err(Stopped::Server(std::io::Error::other("the load failed")));
            }
        }
        match running.await {
            Ok(result) => result.map_err(Stopped::Server),
            Err(_) => Err(Stopped::Server(std::io::Error::other("the server task failed"))),
        }
    })
}

/// The server over `state`, not yet started.
fn server(state: web::Data<AppState>, listener: TcpListener, settings: Settings) -> std::io::Result<actix_server::Server> {
    let origins = cors::Origins::new(&settings.cors_origins);
    let app = move || {
        let metrics = state.metrics.clone();
        App::new()
            .configure(configure(state.clone(), &settings))
            .wrap_fn(wait_for_load)
            .wrap_fn(answer_head_as_get)
            .wrap(middleware::Compress::default())
            .wrap(origins.middleware())
            .wrap_fn({
                let origins = origins.clone();
                move |req, service| cors::explain_refusal(&origins, req, service)
            })
            .wrap(problem::json_errors())
            .wrap_fn(move |req, service| {
                let timer = metrics.start(&req);
                let call = service.call(req);
                async move {
                    let response = call.await?;
                    let status = response.status().as_u16();
                    let seconds = timer.finish(status);
                    let request = response.request();
                    tracing::info!(
                        target: "chanye::http",
                        method = %request.method(),
                        path = request.path(),
                        status,
                        ms = seconds * 1000.0,
                        "request"
                    );
                    Ok(response)
                }
            })
    };
    // What HttpServer::listen builds, with its defaults, except that each connection is
    // wrapped so that raw UTF-8 in request targets is read (HttpServer cannot wrap streams)
    let address = listener.local_addr()?;
    let server = actix_server::Server::build();
    let shutdown = server.graceful_shutdown_signal();
    server
        .listen(format!("chanye-{address}"), listener, move || {
            let shutdown = shutdown.clone();
            let application = app().into_factory().map_err(|e: actix_web::Error| e.error_response());
            let http = HttpService::build()
                .graceful_shutdown_signal(move || {
                    let shutdown = shutdown.clone();
                    async move { shutdown.notified().await }
                })
                .keep_alive(KeepAlive::default())
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .local_addr(address)
                // AppConfig's one constructor besides Default (doc-hidden): the listener's
                // address is connection_info's Host fallback, as HttpServer sets it
                .finish(map_config(application, move |()| AppConfig::__priv_test_new(false, address.to_string(), address)));
            fn_service(|io: TcpStream| async move {
                let peer = io.peer_addr().ok();
                Ok::<_, DispatchError>((utf8_target::Utf8Target::new(io), Protocol::Http1, peer))
            })
            .and_then(http)
        })
        .map(|s| s.run())
}
