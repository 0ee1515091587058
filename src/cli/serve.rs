//! `serve`: the settings, the store (made from the data directory on the first run), and
//! the HTTP server.

use std::net::TcpListener;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::CliError;
use crate::config::{ServeOptions, ServeSettings};
use crate::http::Stopped;
use crate::inventory::{Progress, Snapshot};
use crate::store::{GpkgStore, Store};

/// Serves until the process is stopped: listens at once, answering `/readyz` 503 with the
/// progress while the store is opened (or made from the data directory) and loaded.
pub(super) fn serve(config: Option<&Path>, options: ServeOptions) -> Result<ExitCode, CliError> {
    let file = config.map(ServeOptions::read).transpose()?.unwrap_or_default();
    let settings = ServeSettings::merge(file, options)?;
    super::init_logs(settings.log_format);
    let listen = settings.listen;
    let listener = TcpListener::bind(&listen).map_err(|e| CliError::server(format!("cannot listen on {listen}: {e}"), format!("无法在 {listen} 上监听：{}", crate::error::io_zh(&e))))?;
    tracing::info!(address = %listener.local_addr().map(|a| a.to_string()).unwrap_or(listen), "listening");
    let (store, data) = (settings.store.clone(), settings.data.clone());
    crate::http::run_loading(listener, settings.http, move |progress| open_store(&store, &data, progress)).map_err(|stopped| match stopped {
        Stopped::Load(e) => e,
        Stopped::Server(e) => CliError::server(e.to_string(), format!("服务出错停止：{}", crate::error::io_zh(&e))),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the store (importing the data directory into a new one when the file is missing)
/// and loads its inventory.
fn open_store(path: &Path, seed: &Path, progress: &dyn Progress) -> Result<(Arc<dyn Store>, Snapshot), CliError> {
    let started = Instant::now();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::server(format!("cannot create {}: {e}", dir.display()), format!("无法创建 {}：{}", dir.display(), crate::error::io_zh(&e))))?;
    }
    if !path.exists() {
        tracing::info!(store = %path.display(), data = %seed.display(), "creating the store from the data directory");
    }
    let (store, loaded) = GpkgStore::open_or_seed_loaded(path, seed, progress)?;
    super::inventory::log_problems(&loaded.report.problems);
    super::inventory::log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, store = %path.display(), "inventory ready");
    Ok((Arc::new(store), loaded.snapshot))
}
