//! Start-up: the server listens while the inventory loads. Until it is in, `/readyz` answers
//! 503 with the stage reached, and every route but `/readyz`, `/healthz` and `/metrics`
//! answers 503 with `Retry-After`, so that a load balancer or a page waits instead of
//! seeing an empty inventory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use crate::inventory::Progress;

/// Where a load has got to.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Stage {
    /// What is being read or built (`parcels (parcels layer)`, `spatial join`, …).
    pub stage: String,
    /// Steps done in this stage.
    pub done: u64,
    /// Steps in this stage (0 when not known ahead).
    pub total: u64,
}

/// The load of a starting server; [`Progress`] for the loader, read by the handlers.
#[derive(Default)]
pub struct Loading {
    stage: Mutex<Stage>,
    ready: AtomicBool,
}

/// The routes that answer while loading.
const ANSWERED_WHILE_LOADING: [&str; 3] = ["/readyz", "/healthz", "/metrics"];

impl Loading {
    /// A load that has finished (a server given its inventory up front).
    pub fn done() -> Loading {
        Loading { stage: Mutex::default(), ready: AtomicBool::new(true) }
    }

    /// Whether the inventory is in.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Marks the inventory as in.
    pub fn finish(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// The stage reached.
    pub fn stage(&self) -> Stage {
        self.stage.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether `path` must wait for the load.
    pub fn holds_back(&self, path: &str) -> bool {
        !self.is_ready() && !ANSWERED_WHILE_LOADING.contains(&path)
    }

    fn update(&self, change: impl FnOnce(&mut Stage)) {
        change(&mut self.stage.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

impl Progress for Loading {
    fn begin(&self, stage: &str, total: u64) {
        tracing::info!(stage, total, "loading");
        self.update(|s| *s = Stage { stage: stage.to_string(), done: 0, total });
    }
    fn advance(&self, steps: u64) {
        self.update(|s| s.done += steps);
    }
    fn end(&self) {
        self.update(|s| s.done = s.done.max(s.total));
    }
}

/// What a browser is shown while the inventory loads: the stage reached, in Chinese and
/// English, asking again every two seconds (then the page itself opens).
pub fn waiting_page(stage: &Stage) -> String {
    let reached = super::html::escape(&format!("{} ({}/{})", stage.stage, stage.done, stage.total));
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">\
         <title>产业地图正在载入 · loading</title></head><body>\
         <h1>产业地图正在载入库存数据，请稍候</h1><p>The inventory is loading; this page opens by itself when it is in.</p>\
         <p><code>{reached}</code></p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_wait_until_the_load_finishes_but_the_probes() {
        let loading = Loading::default();
        assert!(loading.holds_back("/collections/parcels/items"));
        assert!(loading.holds_back("/"));
        assert!(!loading.holds_back("/readyz") && !loading.holds_back("/healthz") && !loading.holds_back("/metrics"));
        loading.begin("parcels (parcels layer)", 10);
        loading.advance(4);
        assert_eq!(loading.stage(), Stage { stage: "parcels (parcels layer)".into(), done: 4, total: 10 });
        loading.end();
        assert_eq!(loading.stage().done, 10);
        loading.finish();
        assert!(!loading.holds_back("/collections/parcels/items"));
        assert!(Loading::done().is_ready());
    }
}
