//! Settings of `chanye serve`: built-in defaults, overridden by a TOML file, overridden by
//! environment variables and flags (clap reads those two into the same struct).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::http::{Basemap, BasemapKind, PageSettings, Settings};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The settings of `serve`, each declared once: the same struct is read from the flags and
/// environment (clap) and from the TOML file (serde, whose keys are the field names). Every
/// setting is optional here; [`ServeSettings::merge`] layers the sources and fills defaults.
#[derive(Debug, Default, Clone, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ServeOptions {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "CHANYE_LISTEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// Data directory with the GeoJSON layers and industries.json, imported into a new
    /// store when the store file does not exist yet [default: geodata].
    #[arg(long, env = "CHANYE_DATA")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    /// The GeoPackage store of record [default: chanye-data/chanye.gpkg].
    #[arg(long, env = "CHANYE_STORE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<PathBuf>,
    /// Largest request body accepted, bytes; larger ones get 413 [default: 1048576].
    #[arg(long, env = "CHANYE_BODY_LIMIT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_limit: Option<usize>,
    /// Origins whose pages may call the API (CORS), comma-separated; `*` for any.
    #[arg(long = "cors-origin", env = "CHANYE_CORS_ORIGINS", value_delimiter = ',')]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_origins: Option<Vec<String>>,
    /// Log lines as text or JSON [default: text].
    #[arg(long, env = "CHANYE_LOG_FORMAT", value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
    /// The least role that may match projects and rank districts: public (anyone, the
    /// default), promoter, editor or admin.
    #[arg(long, env = "CHANYE_MATCH_ROLE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_role: Option<String>,
    /// Failed authentications one client address may make per minute before it gets 429
    /// (0: no limit) [default: 20].
    #[arg(long, env = "CHANYE_AUTH_FAILURES_PER_MINUTE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_failures_per_minute: Option<u32>,
    /// Days after which a parcel or building not verified (`verified_at`) is marked stale
    /// [default: 180].
    #[arg(long, env = "CHANYE_STALE_AFTER_DAYS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_after_days: Option<u32>,
    /// Serve the web page's files from this directory instead of the embedded ones (for
    /// work on the page: rebuild with npm and reload, no cargo build).
    #[arg(long, env = "CHANYE_WEB_DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_dir: Option<PathBuf>,
    /// A base map for the web page: a raster tile URL template with {z}/{x}/{y}, or a
    /// MapLibre style URL (--basemap-kind style). None: the districts are the base.
    #[arg(long, env = "CHANYE_BASEMAP_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basemap_url: Option<String>,
    /// What --basemap-url points at [default: raster].
    #[arg(long, env = "CHANYE_BASEMAP_KIND", value_enum)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basemap_kind: Option<BasemapKind>,
    /// The base map's datum, WGS84 (CGCS2000 too) or GCJ-02 (AMap): the page's layers
    /// follow it [default: WGS84].
    #[arg(long, env = "CHANYE_BASEMAP_CRS")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basemap_crs: Option<String>,
    /// The base map's credit line.
    #[arg(long, env = "CHANYE_BASEMAP_ATTRIBUTION")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basemap_attribution: Option<String>,
}

/// Why the settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The settings file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The settings file is not TOML of known keys; the message names the key and line.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said.
        message: String,
    },
    /// A setting's value is not usable; the message names the setting.
    #[error("{0}")]
    Invalid(String),
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
    pub fn read(path: &Path) -> Result<ServeOptions, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse { path: path.into(), message: e.to_string().trim_end().to_string() })
    }

    /// These settings over `under`: each one given here wins.
    pub fn over(self, under: ServeOptions) -> ServeOptions {
        // through their serde form, so that a new setting needs no line here
        let (Ok(serde_json::Value::Object(over)), Ok(serde_json::Value::Object(mut merged))) = (serde_json::to_value(&self), serde_json::to_value(&under)) else {
            return self;
        };
        merged.extend(over);
        serde_json::from_value(serde_json::Value::Object(merged)).unwrap_or(self)
    }
}

impl ServeSettings {
    /// Flags and environment over the file over the defaults.
    pub fn merge(file: ServeOptions, over: ServeOptions) -> Result<ServeSettings, ConfigError> {
        let given = over.over(file);
        let defaults = Settings::default();
        let match_role = match given.match_role {
            None => defaults.match_role,
            Some(text) => text.parse().map_err(|e| ConfigError::Invalid(format!("match_role: {e}")))?,
        };
        let basemap = match given.basemap_url {
            None => None,
            Some(url) => {
                let basemap = Basemap {
                    url,
                    kind: given.basemap_kind.unwrap_or(BasemapKind::Raster),
                    crs: given.basemap_crs.unwrap_or_else(|| "WGS84".into()),
                    attribution: given.basemap_attribution.unwrap_or_default(),
                };
                basemap.check().map_err(ConfigError::Invalid)?;
                Some(basemap)
            }
        };
        Ok(ServeSettings {
            listen: given.listen.unwrap_or_else(|| "127.0.0.1:8080".into()),
            data: given.data.unwrap_or_else(|| PathBuf::from("geodata")),
            store: given.store.unwrap_or_else(|| PathBuf::from("chanye-data/chanye.gpkg")),
            http: Settings {
                body_limit: given.body_limit.unwrap_or(defaults.body_limit),
                cors_origins: given.cors_origins.unwrap_or(defaults.cors_origins),
                match_role,
                auth_failures_per_minute: given.auth_failures_per_minute.unwrap_or(defaults.auth_failures_per_minute),
                stale_after_days: given.stale_after_days.unwrap_or(defaults.stale_after_days),
                page: PageSettings { dir: given.web_dir, basemap },
            },
            log_format: given.log_format.unwrap_or(LogFormat::Text),
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
    fn every_setting_passes_through_the_layers() {
        let all = "listen = \"127.0.0.1:1\"\ndata = \"d\"\nstore = \"s.gpkg\"\nbody_limit = 7\ncors_origins = [\"*\"]\nlog_format = \"json\"\nmatch_role = \"editor\"\nauth_failures_per_minute = 3\nstale_after_days = 90\nweb_dir = \"w\"\nbasemap_url = \"https://t.example/{z}/{x}/{y}.png\"\nbasemap_kind = \"style\"\nbasemap_crs = \"GCJ-02\"\nbasemap_attribution = \"c\"\n";
        let file: ServeOptions = toml::from_str(all).unwrap();
        let under = serde_json::to_value(&file).unwrap();
        assert_eq!(under.as_object().unwrap().len(), 14, "every key of the file is a setting: {under}");
        assert_eq!(serde_json::to_value(ServeOptions::default().over(file.clone())).unwrap(), under, "nothing given over: the file's");
        let flags = ServeOptions { body_limit: Some(9), basemap_crs: Some("WGS84".into()), ..ServeOptions::default() };
        let merged = serde_json::to_value(flags.over(file)).unwrap();
        assert_eq!((merged["body_limit"].as_u64(), merged["basemap_crs"].as_str(), merged["store"].as_str()), (Some(9), Some("WGS84"), Some("s.gpkg")));
    }

    #[test]
    fn the_match_role_is_a_role() {
        let file: ServeOptions = toml::from_str("match_role = \"promoter\"").unwrap();
        let s = ServeSettings::merge(file, ServeOptions::default()).unwrap();
        assert_eq!(s.http.match_role, crate::model::Role::Promoter);
        let over = ServeOptions { match_role: Some("boss".into()), ..ServeOptions::default() };
        let e = ServeSettings::merge(ServeOptions::default(), over).unwrap_err().to_string();
        assert!(e.contains("match_role") && e.contains("boss"), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chanye.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:1\"\nbody_limt = 5\n").unwrap();
        let e = ServeOptions::read(&path).unwrap_err().to_string();
        assert!(e.contains("body_limt") && e.contains("chanye.toml"), "{e}");
    }
}
