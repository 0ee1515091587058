//! The 产业地图 web page: its assets (embedded at build time, or read from a directory while
//! the page is being developed), its configuration, and HTML for browsers at `/`.

use std::path::{Component, Path, PathBuf};

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::problem::ApiError;
use crate::error::Bilingual;
use super::AppState;
use crate::tiles::Datum;

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// A base map under the inventory layers, supplied by the operator (Tianditu, AMap, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basemap {
    /// A raster tile URL template (`{z}`, `{x}`, `{y}`) or a MapLibre style URL.
    pub url: String,
    /// `raster` or `style`.
    pub kind: BasemapKind,
    /// The datum its coordinates stand on: overlays follow it (GCJ-02 sources get GCJ-02 tiles).
    pub crs: String,
    /// Credit shown on the map.
    #[serde(default)]
    pub attribution: String,
}

/// What a base map URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BasemapKind {
    /// Raster tiles.
    Raster,
    /// A MapLibre style document.
    Style,
}

impl Basemap {
    /// Checks the URL and the datum; the error names the setting.
    pub fn check(&self) -> Result<(), String> {
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err(format!("basemap_url: '{}' is not an http(s) URL", self.url));
        }
        if self.kind == BasemapKind::Raster && !["{z}", "{x}", "{y}"].iter().all(|p| self.url.contains(p)) {
            return Err(format!("basemap_url: a raster template needs {{z}}, {{x}} and {{y}}; '{}' lacks one", self.url));
        }
        Datum::parse(&self.crs).map(|_| ()).map_err(|_| format!("basemap_crs: '{}' is neither WGS84 (or CGCS2000) nor GCJ-02", self.crs))
    }

    /// The base map as the page reads it, with the datum spelt `WGS84` or `GCJ-02`.
    fn for_page(&self) -> serde_json::Value {
        let datum = Datum::parse(&self.crs).unwrap_or_default();
        let attribution = Some(self.attribution.as_str()).filter(|a| !a.is_empty());
        serde_json::json!({ "url": self.url, "kind": self.kind, "crs": datum.to_string(), "attribution": attribution })
    }
}

/// Where the page comes from and what it shows under the layers.
#[derive(Debug, Clone, Default)]
pub struct PageSettings {
    /// Serve the page's files from this directory instead of the embedded ones.
    pub dir: Option<PathBuf>,
    /// The base map, if any.
    pub basemap: Option<Basemap>,
}

const HOW_TO_BUILD: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>chanye 产业地图: page not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>产业地图 page not built</h1>
<p>This binary was compiled without the web page's assets. Build them, then the binary:</p>
<pre>npm --prefix web ci
npm --prefix web run build
cargo build --release</pre>
<p>(<code>make run</code> does all three.) The API is served as usual: <a href="/api">/api</a>, <a href="/collections">/collections</a>.</p>
</body></html>
"#;

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "map" => "application/json",
        _ => "application/octet-stream",
    }
}

/// A name below the page's root with no way out of it.
fn safe(name: &str) -> Option<&str> {
    let path = Path::new(name);
    let plain = !name.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(name)
}

/// One of the page's files, or `None` when there is no such file.
fn asset(settings: &PageSettings, name: &str) -> Option<HttpResponse> {
    let name = safe(name)?;
    if let Some(dir) = &settings.dir {
        let bytes = std::fs::read(dir.join(name)).ok()?;
        // a page under development changes with every build
        return Some(HttpResponse::Ok().content_type(content_type(name)).insert_header((header::CACHE_CONTROL, "no-store")).body(bytes));
    }
    let bytes = ASSETS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)?;
    let tag = format!("\"{:x}-{name}\"", super::boot_id());
    Some(HttpResponse::Ok().content_type(content_type(name)).insert_header((header::ETAG, tag)).insert_header((header::CACHE_CONTROL, "no-cache")).body(bytes))
}

/// The page itself, or the note on how to build it.
pub(super) fn page(state: &AppState) -> HttpResponse {
    asset(&state.page, "index.html").unwrap_or_else(|| HttpResponse::Ok().content_type("text/html; charset=utf-8").body(HOW_TO_BUILD))
}

/// Whether the client prefers HTML to JSON: browsers list `text/html` first; GIS clients ask
/// for JSON, and `*/*` alone (curl) keeps the JSON landing page.
pub(super) fn wants_html(req: &HttpRequest) -> bool {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else { return false };
    let (mut html, mut json) = (0.0f32, 0.0f32);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let kind = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        match kind.as_str() {
            "text/html" => html = html.max(q),
            "application/json" | "application/geo+json" => json = json.max(q),
            _ => {}
        }
    }
    html > 0.0 && html >= json
}

/// `GET /map`: the page lives at `/map/`.
#[get("/map")]
async fn map_root() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/map/")).finish()
}

/// `GET /map/`: the page.
#[get("/map/")]
async fn map_page(state: web::Data<AppState>) -> HttpResponse {
    page(&state)
}

/// `GET /map/config.json`: what the page needs from the operator's settings.
#[get("/map/config.json")]
async fn map_config(state: web::Data<AppState>) -> HttpResponse {
    let basemap = state.page.basemap.as_ref().map(Basemap::for_page);
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-cache")).json(serde_json::json!({ "basemap": basemap }))
}

/// `GET /map/{file}`: the page's scripts, styles and images.
#[get("/map/{file}")]
async fn map_asset(file: web::Path<String>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    asset(&state.page, &file).ok_or_else(|| ApiError::NotFound(Bilingual::new(format!("the map page has no file '{file}'"), format!("地图页面没有文件 '{file}'"))))
}

/// The page's routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(map_root).service(map_config).service(map_page).service(map_asset);
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn accepts(value: &str) -> bool {
        wants_html(&TestRequest::default().insert_header((header::ACCEPT, value)).to_http_request())
    }

    #[test]
    fn browsers_get_html_and_gis_clients_json() {
        assert!(accepts("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"));
        assert!(!accepts("application/json"));
        assert!(!accepts("*/*"));
        assert!(!accepts("application/json, text/html;q=0.5"));
        assert!(!accepts("text/html;q=0"));
        assert!(!wants_html(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn a_page_directory_without_the_built_page_answers_how_to_build_it() {
        let empty = tempfile::tempdir().unwrap();
        let settings = PageSettings { dir: Some(empty.path().to_path_buf()), basemap: None };
        assert!(asset(&settings, "index.html").is_none());
        assert!(HOW_TO_BUILD.contains("npm --prefix web run build"));
        std::fs::write(empty.path().join("index.html"), "<p>built</p>").unwrap();
        let served = asset(&settings, "index.html").expect("the file is served from the directory");
        assert_eq!(served.headers().get(header::CONTENT_TYPE).unwrap(), "text/html; charset=utf-8");
    }

    #[test]
    fn names_cannot_climb_out_of_the_page() {
        assert_eq!(safe("app.js"), Some("app.js"));
        assert_eq!(safe("fonts/a.woff2"), Some("fonts/a.woff2"));
        assert_eq!(safe("../Cargo.toml"), None);
        assert_eq!(safe("/etc/passwd"), None);
        assert_eq!(safe(""), None);
    }

    #[test]
    fn a_base_map_is_checked_by_setting() {
        let ok = Basemap { url: "https://t0.example/{z}/{x}/{y}.png".into(), kind: BasemapKind::Raster, crs: "GCJ-02".into(), attribution: String::new() };
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(ok.for_page()["crs"], "GCJ-02");
        let no_xyz = Basemap { url: "https://t0.example/tiles.png".into(), ..ok.clone() };
        assert!(no_xyz.check().unwrap_err().starts_with("basemap_url"));
        let bad_crs = Basemap { crs: "EPSG:4547".into(), ..ok.clone() };
        assert!(bad_crs.check().unwrap_err().starts_with("basemap_crs"));
        let cgcs = Basemap { crs: "EPSG:4490".into(), ..ok };
        assert_eq!(cgcs.check(), Ok(()));
    }
}
