//! `serve`: the settings, the store (made from the data directory on the first run), and
//! the HTTP server.

use std::net::TcpListener;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::CliError;
use crate::config::{ServeOptions, ServeSettings};
use crate::inventory::{Loaded, SnapshotCell};
use crate::store::{GpkgStore, Store};

/// Serves until the process is stopped.
pub(super) fn serve(config: Option<&Path>, options: ServeOptions) -> Result<ExitCode, CliError> {
    let file = config.map(ServeOptions::read).transpose()?.unwrap_or_default();
    let settings = ServeSettings::merge(file, options)?;
    super::init_logs(settings.log_format);
    let (store, loaded) = open_store(&settings.store, &settings.data)?;
    let listen = settings.listen;
    let listener = TcpListener::bind(&listen).map_err(|e| CliError::server(format!("cannot listen on {listen}: {e}"), format!("无法在 {listen} 上监听：{}", crate::error::io_zh(&e))))?;
    tracing::info!(address = %listener.local_addr().map(|a| a.to_string()).unwrap_or(listen), "listening");
    crate::http::run(Arc::new(SnapshotCell::new(loaded.snapshot)), Some(store), listener, settings.http).map_err(|e| CliError::server(e.to_string(), format!("服务出错停止：{}", crate::error::io_zh(&e))))?;
    Ok(ExitCode::SUCCESS)
}

/// Opens the store (importing the data directory into a new one when the file is missing)
/// and loads its inventory.
fn open_store(path: &Path, seed: &Path) -> Result<(Arc<dyn Store>, Loaded), CliError> {
    let started = Instant::now();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| CliError::server(format!("cannot create {}: {e}", dir.display()), format!("无法创建 {}：{}", dir.display(), crate::error::io_zh(&e))))?;
    }
    if !path.exists() {
        tracing::info!(store = %path.display(), data = %seed.display(), "creating the store from the data directory");
    }
    let store = GpkgStore::open_or_seed(path, seed)?;
    let loaded = store.snapshot()?;
    super::inventory::log_problems(&loaded.report.problems);
    super::inventory::log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, store = %path.display(), "inventory ready");
    Ok((Arc::new(store), loaded))
}
