//! Operations: readiness and Prometheus metrics (request counts and durations by route and
//! status, and the feature count of every layer).

use std::time::Instant;

use actix_web::dev::ServiceRequest;
use actix_web::{get, web, HttpResponse};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};
use serde_json::json;

use super::problem::ApiError;
use super::AppState;

/// The service's metrics; clones share them.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    seconds: HistogramVec,
    features: IntGaugeVec,
}

/// One request being timed.
pub struct Timer {
    metrics: Metrics,
    method: String,
    route: String,
    start: Instant,
}

impl Metrics {
    /// Registers the metrics.
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("chanye".into()), None).expect("a valid prefix");
        let requests = IntCounterVec::new(Opts::new("http_requests_total", "HTTP requests by method, route and status"), &["method", "route", "status"])
            .expect("valid metric");
        let buckets = vec![0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
        let seconds = HistogramVec::new(HistogramOpts::new("http_request_duration_seconds", "Time to answer, by method and route").buckets(buckets), &["method", "route"])
            .expect("valid metric");
        let features = IntGaugeVec::new(Opts::new("inventory_features", "Features in the inventory, by layer"), &["layer"]).expect("valid metric");
        for collector in [Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>, Box::new(seconds.clone()), Box::new(features.clone())] {
            registry.register(collector).expect("registered once");
        }
        Metrics { registry, requests, seconds, features }
    }

    /// Starts timing a request; the route is its pattern, so ids do not multiply the series.
    pub fn start(&self, req: &ServiceRequest) -> Timer {
        Timer {
            metrics: self.clone(),
            method: req.method().as_str().to_string(),
            route: req.match_pattern().unwrap_or_else(|| "unmatched".into()),
            start: Instant::now(),
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Timer {
    /// Records the answer; returns the seconds it took.
    pub fn finish(self, status: u16) -> f64 {
        let elapsed = self.start.elapsed().as_secs_f64();
        self.metrics.requests.with_label_values(&[self.method.as_str(), self.route.as_str(), &status.to_string()]).inc();
        self.metrics.seconds.with_label_values(&[self.method.as_str(), self.route.as_str()]).observe(elapsed);
        elapsed
    }
}

/// `GET /readyz`: 200 once an inventory is loaded, 503 before.
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.loading.is_ready() {
        return Err(ApiError::NotReady(Some(state.loading.stage())));
    }
    let snapshot = state.snapshot();
    if snapshot.districts.is_empty() {
        return Err(ApiError::NotReady(None));
    }
    Ok(HttpResponse::Ok().json(json!({ "status": "ready", "revision": snapshot.revision })))
}

/// `GET /metrics`: the Prometheus text format.
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    for (layer, n) in state.snapshot().counts() {
        state.metrics.features.with_label_values(&[layer.as_str()]).set(n as i64);
    }
    let mut out = Vec::new();
    TextEncoder::new().encode(&state.metrics.registry.gather(), &mut out).map_err(|e| {
        tracing::error!("metrics could not be encoded: {e}");
        ApiError::Internal
    })?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(out))
}

/// The routes of this module.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(readyz).service(metrics);
}
