//! Settings of `chanye serve`: built-in defaults, overridden by a TOML file, overridden by
//! environment variables and flags (clap reads those two).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::http::{Basemap, BasemapKind, PageSettings, Settings};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings as one source gives them (a TOML file, or flags and environment variables);
/// every key is optional, and a file with an unknown key is refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeOptions {
    /// Address to listen on.
    pub listen: Option<String>,
    /// Data directory (seeds a new store).
    pub data: Option<PathBuf>,
    /// The GeoPackage store.
    pub store: Option<PathBuf>,
    /// Largest request body, bytes.
    pub body_limit: Option<usize>,
    /// CORS origins (`*` for any).
    pub cors_origins: Option<Vec<String>>,
    /// Log format.
    pub log_format: Option<LogFormat>,
    /// The least role that may match and rank districts (`public`: anyone).
    pub match_role: Option<String>,
    /// Serve the web page's files from this directory (page development) instead of the
    /// embedded ones.
    pub web_dir: Option<PathBuf>,
    /// A base map for the web page: raster tile URL template or style URL.
    pub basemap_url: Option<String>,
    /// `raster` (default) or `style`.
    pub basemap_kind: Option<BasemapKind>,
    /// The base map's datum: `WGS84` (default; CGCS2000 too) or `GCJ-02`.
    pub basemap_crs: Option<String>,
    /// The base map's credit line.
    pub basemap_attribution: Option<String>,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Address to listen on.
    pub listen: String,
    /// Data directory (seeds a new store).
    pub data: PathBuf,
    /// The GeoPackage store of record.
    pub store: PathBuf,
    /// The HTTP edge's settings.
    pub http: Settings,
    /// Log format.
    pub log_format: LogFormat,
}

impl ServeOptions {
    /// Reads a TOML settings file; errors name the file and the key.
    pub fn read(path: &Path) -> Result<ServeOptions, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))
    }
}

impl ServeSettings {
    /// Flags and environment over the file over the defaults.
    pub fn merge(file: ServeOptions, over: ServeOptions) -> Result<ServeSettings, String> {
        let defaults = Settings::default();
        let match_role = match over.match_role.or(file.match_role) {
            None => defaults.match_role,
            Some(text) => text.parse().map_err(|e| format!("match_role: {e}"))?,
        };
        let basemap = match over.basemap_url.or(file.basemap_url) {
            None => None,
            Some(url) => {
                let basemap = Basemap {
                    url,
                    kind: over.basemap_kind.or(file.basemap_kind).unwrap_or(BasemapKind::Raster),
                    crs: over.basemap_crs.or(file.basemap_crs).unwrap_or_else(|| "WGS84".into()),
                    attribution: over.basemap_attribution.or(file.basemap_attribution).unwrap_or_default(),
                };
                basemap.check()?;
                Some(basemap)
            }
        };
        Ok(ServeSettings {
            listen: over.listen.or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into()),
            data: over.data.or(file.data).unwrap_or_else(|| PathBuf::from("geodata")),
            store: over.store.or(file.store).unwrap_or_else(|| PathBuf::from("chanye-data/chanye.gpkg")),
            http: Settings {
                body_limit: over.body_limit.or(file.body_limit).unwrap_or(defaults.body_limit),
                cors_origins: over.cors_origins.or(file.cors_origins).unwrap_or(defaults.cors_origins),
                match_role,
                page: PageSettings { dir: over.web_dir.or(file.web_dir), basemap },
            },
            log_format: over.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
        })
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: ServeOptions = toml::from_str("listen = \"0.0.0.0:9000\"\nbody_limit = 2048\ncors_origins = [\"https://a.example\"]").unwrap();
        let over = ServeOptions { listen: Some("127.0.0.1:9001".into()), ..ServeOptions::default() };
        let s = ServeSettings::merge(file, over).unwrap();
        assert_eq!(s.listen, "127.0.0.1:9001");
        assert_eq!(s.http.body_limit, 2048);
        assert_eq!(s.http.cors_origins, ["https://a.example"]);
        assert_eq!(s.data, PathBuf::from("geodata"));
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.http.match_role, crate::model::Role::Public);
    }

    #[test]
    fn the_match_role_is_a_role() {
        let file: ServeOptions = toml::from_str("match_role = \"promoter\"").unwrap();
        let s = ServeSettings::merge(file, ServeOptions::default()).unwrap();
        assert_eq!(s.http.match_role, crate::model::Role::Promoter);
        let over = ServeOptions { match_role: Some("boss".into()), ..ServeOptions::default() };
        let e = ServeSettings::merge(ServeOptions::default(), over).unwrap_err();
        assert!(e.contains("match_role") && e.contains("boss"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chanye.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\nbody_limt = 5\n").unwrap();
        let e = ServeOptions::read(&path).unwrap_err();
        assert!(e.contains("body_limt") && e.contains("chanye.toml"), "{e}");
    }
}
