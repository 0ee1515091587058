//! The `chanye` command line: serve, validate, generate, match, recommend, stats, import,
//! export and tokens. Each subcommand is a function of its own module returning a
//! [`CliError`]; `main.rs` only parses, logs and prints the error.

mod data;
mod inventory;
mod progress;
mod project;
mod serve;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{ConfigError, LogFormat, ServeOptions};
use crate::generate::GenerateError;
use crate::inventory::{InventoryError, Report};
use crate::matcher::MatchError;
use crate::store::StoreError;

/// 产业地图: Beijing's industrial land and factory space, matched to investment projects.
#[derive(Parser)]
#[command(name = "chanye", version, about)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Load a data directory and serve it over HTTP.
    Serve {
        /// A TOML file of settings (the keys are the flags' names with `_`); flags and
        /// environment variables override it.
        #[arg(long, env = "CHANYE_CONFIG")]
        config: Option<PathBuf>,
        /// The settings given as flags or environment variables.
        #[command(flatten)]
        options: ServeOptions,
    },
    /// Validate a data directory or one layer file; exits non-zero on errors.
    Validate {
        /// A directory of layers, or one layer file (named after its layer).
        path: PathBuf,
        /// For one layer file: where the catalogue and places it is checked against come from
        /// when they are not beside it.
        #[arg(long, env = "CHANYE_DATA", default_value = "geodata")]
        data: PathBuf,
    },
    /// Generate a deterministic dataset (the sample, or large ones for benchmarks).
    Generate {
        /// Number of parcels.
        #[arg(long, default_value_t = 300)]
        parcels: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// The generator's inputs (district boundaries, park specifications).
        #[arg(long, default_value = "geodata/sources")]
        sources: PathBuf,
    },
    /// Rank land and building space for a project described in a JSON file.
    Match(ProjectArgs),
    /// Rank the districts for a project (首谈制); geojson prints the JSON.
    Recommend(ProjectArgs),
    /// Print counts and available area by district, land use and status.
    Stats {
        /// Where the inventory is read from.
        #[command(flatten)]
        from: InventoryArgs,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Import layer files (GeoJSON named after their layers: parcels.geojson, …; or
    /// GeoPackages, e.g. from ogr2ogr, with tables or file names after their layers), and
    /// optionally industries.json and policies.json, into a GeoPackage store; all or nothing.
    /// Features are updated by id and new ids added; the others stay unless `--replace`.
    /// An office's spreadsheets (.xlsx, .csv) of one layer go into an existing store with
    /// `--layer` (and `--crs` for their coordinates).
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The store (created when missing).
        #[arg(long, alias = "store")]
        into: PathBuf,
        /// The files are the whole layers: stored features they do not name are deleted
        /// (listed first; confirmed at a terminal, or with --yes).
        #[arg(long)]
        replace: bool,
        /// Confirms what --replace deletes without asking.
        #[arg(long, requires = "replace")]
        yes: bool,
        /// The layer spreadsheets hold: parcels or buildings.
        #[arg(long)]
        layer: Option<String>,
        /// The spreadsheets' coordinates: wgs84, gcj02 (AMap), bd09 (Baidu), EPSG:4490
        /// (CGCS2000), EPSG:4547, EPSG:4548; a row's 坐标系 column overrides it [default: wgs84].
        #[arg(long)]
        crs: Option<String>,
    },
    /// Manage the bearer tokens of a store.
    Token {
        /// The store.
        #[arg(long, env = "CHANYE_STORE", default_value = "chanye-data/chanye.gpkg", global = true)]
        store: PathBuf,
        /// What to do with the tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Export a store as a data directory of GeoJSON layers or as a GeoPackage copy.
    Export {
        /// The store.
        #[arg(long)]
        from: PathBuf,
        /// geojson (a directory `serve --data` and `validate` read) or gpkg (one file).
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The directory (geojson) or file (gpkg) to write; must not exist.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Token management.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a token; it is printed once and only its hash is kept.
    Create {
        /// public, promoter, editor or admin.
        #[arg(long)]
        role: String,
        /// A unique name (who holds it); the audit trail shows it.
        #[arg(long)]
        name: String,
        /// Limit it to one district's inventory (its adcode, e.g. 110118); admin tokens are
        /// city-wide. Without --district or --park: the whole city.
        #[arg(long, conflicts_with = "park")]
        district: Option<String>,
        /// Limit it to one park's inventory (its id, e.g. bda for 北京经济技术开发区).
        #[arg(long)]
        park: Option<String>,
    },
    /// Revoke a token by name.
    Revoke {
        /// The token's name.
        #[arg(long)]
        name: String,
    },
    /// List tokens (names, roles, scopes, dates; never the tokens).
    List,
}

/// What `export` writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A directory of GeoJSON layers with industries.json and policies.json.
    Geojson,
    /// A GeoPackage file.
    Gpkg,
}

/// A project file, the data to match it against and the output format.
#[derive(clap::Args)]
pub struct ProjectArgs {
    /// The project's requirements (JSON; see README).
    #[arg(long)]
    pub project: PathBuf,
    /// Where the inventory is read from.
    #[command(flatten)]
    pub from: InventoryArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The inventory a command reads: a store, or else a data directory.
#[derive(clap::Args)]
pub struct InventoryArgs {
    /// Data directory.
    #[arg(long, env = "CHANYE_DATA", default_value = "geodata")]
    pub data: PathBuf,
    /// A GeoPackage store to read instead of the data directory (as `serve` has it, edits
    /// included).
    #[arg(long, env = "CHANYE_STORE")]
    pub store: Option<PathBuf>,
}

/// How `match` prints its result.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Ranked list with reasons.
    Table,
    /// The match result JSON.
    Json,
    /// The candidates as a GeoJSON FeatureCollection.
    Geojson,
}

/// Why a command failed; its text is what the command prints after `error: `.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The settings are not usable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The generator failed.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// A data directory does not validate.
    #[error("{report}\n{} is not loadable", .path.display())]
    NotLoadable {
        /// The directory.
        path: PathBuf,
        /// Every problem found.
        report: Report,
    },
    /// The inventory could not be read.
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    /// A project file that cannot be matched.
    #[error("{}: {source}", .path.display())]
    Project {
        /// The project file.
        path: PathBuf,
        /// Why.
        source: MatchError,
    },
    /// A file that cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file or directory that cannot be used as given.
    #[error("{}: {source}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The arguments do not make sense together.
    #[error("{en}")]
    Usage {
        /// In English.
        en: String,
        /// In Chinese.
        zh: String,
    },
    /// The server could not start or stopped with an error.
    #[error("{en}")]
    Server {
        /// In English.
        en: String,
        /// In Chinese.
        zh: String,
    },
    /// Writing the JSON output failed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl CliError {
    /// Arguments that do not make sense, said in both languages.
    pub fn usage(en: impl Into<String>, zh: impl Into<String>) -> CliError {
        CliError::Usage { en: en.into(), zh: zh.into() }
    }

    /// A server that could not start, said in both languages.
    pub fn server(en: impl Into<String>, zh: impl Into<String>) -> CliError {
        CliError::Server { en: en.into(), zh: zh.into() }
    }

    /// The message in Chinese: whole where the lower error has one, else a Chinese lead
    /// before the English specifics.
    pub fn zh(&self) -> String {
        use crate::error::Classified;
        let lead = |lead: &str, detail: Option<String>, english: String| detail.unwrap_or_else(|| format!("{lead}：{english}"));
        match self {
            CliError::Config(e) => config_zh(e),
            CliError::Store(e) => lead("数据库操作失败", e.detail_zh(), e.to_string()),
            CliError::Generate(e) => format!("生成数据失败：{e}"),
            CliError::NotLoadable { path, report } => format!("{}\n{} 无法载入", report.zh(), path.display()),
            CliError::Inventory(InventoryError::Invalid(report)) => format!("{}\n数据未通过校验，未载入任何内容", report.zh()),
            CliError::Inventory(e) => lead("无法读取库存数据", e.detail_zh(), e.to_string()),
            CliError::Project { path, source } => format!("{}：{}", path.display(), source.detail_zh().unwrap_or_else(|| source.to_string())),
            CliError::Read { path, source } | CliError::File { path, source } => format!("无法读取 {}：{}", path.display(), crate::error::io_zh(source)),
            CliError::Usage { zh, .. } | CliError::Server { zh, .. } => zh.clone(),
            CliError::Json(e) => format!("写出 JSON 失败：{e}"),
        }
    }
}

fn config_zh(e: &ConfigError) -> String {
    match e {
        ConfigError::Read { path, source } => format!("无法读取设置文件 {}：{}", path.display(), crate::error::io_zh(source)),
        ConfigError::Parse { path, message } => format!("设置文件 {} 有误：{message}", path.display()),
        ConfigError::Invalid(message) => format!("设置无效：{message}"),
    }
}

/// Whether the user reads Chinese: the first of `LANGUAGE`, `LC_ALL`, `LC_MESSAGES` and `LANG`
/// that is set names a Chinese locale (`zh_CN.UTF-8`), as gettext reads them.
pub fn chinese_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .is_some_and(|v| v.split(':').next().is_some_and(|first| first == "zh" || first.starts_with("zh_") || first.starts_with("zh-")))
}

/// Runs the command; the exit code says whether what it checked was fine.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Serve { config, options } => serve::serve(config.as_deref(), options),
        Command::Validate { path, data } => inventory::validate(&path, &data),
        Command::Generate { parcels, seed, out, sources } => inventory::generate(parcels, seed, out, sources),
        Command::Match(args) => project::matches(&args),
        Command::Recommend(args) => project::recommend(&args),
        Command::Import { files, into, replace, yes, layer, crs } => {
            if files.iter().any(|f| data::is_spreadsheet(f)) {
                data::import_sheets(&files, &into, layer.as_deref(), crs.as_deref(), replace, yes)
            } else if layer.is_some() || crs.is_some() {
                Err(CliError::usage("--layer and --crs are for spreadsheets (.xlsx, .csv)", "--layer 和 --crs 用于表格文件（.xlsx、.csv）"))
            } else {
                data::import(&files, &into, replace, yes)
            }
        }
        Command::Token { store, command } => data::token(&store, command),
        Command::Export { from, format, out } => data::export(&from, format, &out),
        Command::Stats { from, json } => inventory::stats(&from, json),
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // a second init (serve sets the format after the others' default) is harmless
    let _ = match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => logs.json().try_init(),
    };
}
