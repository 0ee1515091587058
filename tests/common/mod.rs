//! Helpers shared by the integration tests: the sample dataset and edited copies of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chanye::inventory::{load_dir_strict, SnapshotCell};

use serde_json::Value;

/// The shipped sample dataset.
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

/// Reads one layer of the sample as JSON.
pub fn sample_layer(layer: &str) -> Value {
    let text = std::fs::read_to_string(sample_dir().join(format!("{layer}.geojson"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A temporary copy of the sample with some layers replaced.
pub fn dataset_with(replacements: &[(&str, Value)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["industries.json", "districts.geojson", "parks.geojson", "zones.geojson", "parcels.geojson", "buildings.geojson"] {
        std::fs::copy(sample_dir().join(name), dir.path().join(name)).unwrap();
    }
    for (layer, value) in replacements {
        std::fs::write(dir.path().join(format!("{layer}.geojson")), serde_json::to_string(value).unwrap()).unwrap();
    }
    dir
}

/// A FeatureCollection of the given features.
pub fn collection(features: Vec<Value>) -> Value {
    serde_json::json!({ "type": "FeatureCollection", "features": features })
}

/// The features of a collection.
pub fn features(collection: &Value) -> Vec<Value> {
    collection["features"].as_array().unwrap().clone()
}

/// Applies `f` to every coordinate pair of a Polygon/MultiPolygon/Point geometry.
pub fn map_coords(geometry: &mut Value, f: &dyn Fn(f64, f64) -> (f64, f64)) {
    fn walk(v: &mut Value, f: &dyn Fn(f64, f64) -> (f64, f64)) {
        if let Value::Array(items) = v {
            if items.len() >= 2 && items.iter().all(Value::is_number) {
                let (x, y) = f(items[0].as_f64().unwrap(), items[1].as_f64().unwrap());
                items[0] = serde_json::json!(x);
                items[1] = serde_json::json!(y);
            } else {
                for item in items {
                    walk(item, f);
                }
            }
        }
    }
    walk(&mut geometry["coordinates"], f);
}

/// The base URL of a server over the shipped sample, on 127.0.0.1 in this test process,
/// started once for all tests of the binary.
pub fn sample_server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let snapshot = load_dir_strict(&sample_dir()).expect("the sample loads").snapshot;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let cell = Arc::new(SnapshotCell::new(snapshot));
        let settings = chanye::http::Settings { body_limit: 64 * 1024, cors_origins: vec!["https://map.example.cn".into()], ..Default::default() };
        std::thread::spawn(move || chanye::http::run(cell, None, listener, settings));
        for _ in 0..100 {
            if ureq::get(&format!("{url}/healthz")).call().is_ok() {
                return url;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the server did not come up");
    })
}

/// The response of a call, error statuses included.
pub fn response(result: Result<ureq::Response, ureq::Error>) -> ureq::Response {
    match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    }
}

/// Status, content type and JSON body of a response.
pub fn answer(result: Result<ureq::Response, ureq::Error>) -> (u16, String, Value) {
    let response = response(result);
    let (status, kind) = (response.status(), response.content_type().to_string());
    let text = response.into_string().unwrap();
    (status, kind, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// The XYZ tile holding a lon/lat at zoom `z`.
pub fn tile_of(c: geo::Coord, z: u32) -> (u32, u32) {
    let n = 2f64.powi(z as i32);
    let lat = c.y.to_radians();
    let x = ((c.x + 180.0) / 360.0 * n).floor() as u32;
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (x, y)
}

/// Percent-encodes everything but unreserved ASCII, for query values.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether a text holds Chinese characters.
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// An answer read off the wire: status, headers (names lower-cased) and body bytes as sent.
pub struct Raw {
    /// The status code.
    pub status: u16,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
}

impl Raw {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {} {:?} {}", self.status, self.headers, String::from_utf8_lossy(&self.body)))
    }
}

/// A server over a fresh store made from the sample, with `settings`: its URL, the store (to
/// make tokens) and the directory holding it.
pub fn store_server(settings: chanye::http::Settings) -> (String, Arc<dyn chanye::store::Store>, tempfile::TempDir) {
    store_server_on(&sample_dir(), settings)
}

/// The same over a fresh store made from the data directory `data` (the sample's policies
/// when it has none).
pub fn store_server_on(data: &std::path::Path, settings: chanye::http::Settings) -> (String, Arc<dyn chanye::store::Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str| std::fs::read_to_string(data.join(name)).or_else(|_| std::fs::read_to_string(sample_dir().join(name))).unwrap();
    let store = chanye::store::GpkgStore::create(&dir.path().join("store.gpkg")).unwrap();
    let layers = ["districts", "parks", "zones", "parcels", "buildings"]
        .iter()
        .map(|l| chanye::inventory::LayerSource { layer: chanye::inventory::LayerName::parse(l).unwrap(), origin: l.to_string(), text: read(&format!("{l}.geojson")) })
        .collect();
    chanye::store::Store::import(&store, &chanye::store::Dataset { layers, catalogue: Some(read("industries.json")), policies: Some(read("policies.json")) }, &chanye::store::Import::default()).unwrap();
    let cell = Arc::new(SnapshotCell::new(chanye::store::Store::snapshot(&store).unwrap().snapshot));
    let store: Arc<dyn chanye::store::Store> = Arc::new(store);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = store.clone();
    std::thread::spawn(move || chanye::http::run(cell, Some(served), listener, settings));
    for _ in 0..100 {
        if ureq::get(&format!("{url}/healthz")).call().is_ok() {
            return (url, store, dir);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server did not come up");
}

/// `chanye serve ARGS --listen 127.0.0.1:PORT` as a child process (a free port, logs off),
/// once `/readyz` answers: the child and its URL.
pub fn serve_child(args: &[&std::ffi::OsStr]) -> (std::process::Child, String) {
    // the default store lies under the working directory, where earlier runs left theirs
    assert!(args.iter().any(|a| *a == "--store"), "a test's server needs a store of its own (--store)");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_chanye"))
        .arg("serve")
        .args(args)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while ureq::get(&format!("{url}/readyz")).call().is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the server did not come up");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (child, url)
}
