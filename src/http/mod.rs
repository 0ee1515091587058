//! The HTTP edge (actix-web), the only module that knows actix. For now: health and a
//! summary of the loaded inventory; the full API comes with its own issue.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{get, web, App, HttpResponse, HttpServer};
use serde_json::json;

use crate::inventory::SnapshotCell;

#[get("/healthz")]
async fn healthz(cell: web::Data<SnapshotCell>) -> HttpResponse {
    let snapshot = cell.current();
    let counts: serde_json::Map<String, serde_json::Value> =
        snapshot.counts().iter().map(|(layer, n)| (layer.to_string(), json!(n))).collect();
    HttpResponse::Ok().json(json!({ "status": "ok", "counts": counts }))
}

/// Serves on an already bound listener until the process is stopped.
pub fn run(cell: Arc<SnapshotCell>, listener: TcpListener) -> std::io::Result<()> {
    let data = web::Data::from(cell);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || App::new().app_data(data.clone()).service(healthz))
            .listen(listener)?
            .run()
            .await
    })
}
