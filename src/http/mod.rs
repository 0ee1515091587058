//! The HTTP edge (actix-web), the only module that knows actix. Handlers are thin over the
//! domain modules; every error leaves as `application/problem+json` ([`problem`]).

mod features;
mod inventory;
mod matching;
pub mod problem;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{get, web, App, HttpResponse, HttpServer};
use serde_json::json;

use crate::inventory::SnapshotCell;
use crate::matcher::Matcher;
use problem::ApiError;

/// Distinguishes this process's validators from those of earlier runs.
fn boot_id() -> u64 {
    static BOOT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BOOT.get_or_init(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        now.as_nanos() as u64 ^ u64::from(std::process::id())
    })
}

/// What the handlers share.
pub struct AppState {
    /// The inventory in force.
    pub cell: Arc<SnapshotCell>,
    /// The matcher over that inventory.
    pub matcher: Arc<Matcher>,
}

#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let snapshot = state.cell.current();
    let counts: serde_json::Map<String, serde_json::Value> =
        snapshot.counts().iter().map(|(layer, n)| (layer.to_string(), json!(n))).collect();
    HttpResponse::Ok().json(json!({ "status": "ok", "counts": counts }))
}

/// The application: state, query-error handling and every route.
pub fn configure(state: web::Data<AppState>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let queries = web::QueryConfig::default().error_handler(|e, _| {
            let text = e.to_string();
            // serde names an unknown parameter as "unknown field `name`"
            let name = text.split("unknown field `").nth(1).and_then(|rest| rest.split('`').next()).unwrap_or("query");
            ApiError::parameter(name, text.replace("Query deserialize error: ", "")).into()
        });
        config.app_data(state).app_data(queries).service(healthz).configure(features::routes).configure(matching::routes).configure(inventory::routes);
    }
}

/// Serves on an already bound listener until the process is stopped.
pub fn run(cell: Arc<SnapshotCell>, listener: TcpListener) -> std::io::Result<()> {
    let matcher = Arc::new(Matcher::new(cell.current()));
    let state = web::Data::new(AppState { cell, matcher });
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || App::new().configure(configure(state.clone()))).listen(listener)?.run().await
    })
}
