//! The `chanye` command line: serve, validate, generate, match, recommend, stats.

use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use chanye::config::{LogFormat, ServeOptions, ServeSettings};
use chanye::store::{Dataset, GpkgStore, Imported, Store, StoreError};
use chanye::generate::{generate, GenerateOptions};
use chanye::matcher::{Matcher, ProjectRequest};
use chanye::inventory::{self, stats, LayerName, LayerSource, LoadOptions, Progress, SnapshotCell};

/// A tile or a match answer makes thousands of small allocations; glibc's allocator spent a
/// fifth of a tile's time in them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 产业地图: Beijing's industrial land and factory space, matched to investment projects.
#[derive(Parser)]
#[command(name = "chanye", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        /// Data directory.
        #[arg(long, env = "CHANYE_DATA", default_value = "geodata")]
        data: PathBuf,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
    /// Import layer files (GeoJSON named after their layers: parcels.geojson, …; or
    /// GeoPackages, e.g. from ogr2ogr, with tables or file names after their layers), and
    /// optionally industries.json and policies.json, into a GeoPackage store; all or nothing.
    Import {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The store (created when missing).
        #[arg(long)]
        into: PathBuf,
    },
    /// Manage the bearer tokens of a store.
    Token {
        /// The store.
        #[arg(long, env = "CHANYE_STORE", default_value = "chanye-data/chanye.gpkg", global = true)]
        store: PathBuf,
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
enum TokenCommand {
    /// Make a token; it is printed once and only its hash is kept.
    Create {
        /// public, promoter, editor or admin.
        #[arg(long)]
        role: String,
        /// A unique name (who holds it); the audit trail shows it.
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by name.
    Revoke {
        /// The token's name.
        #[arg(long)]
        name: String,
    },
    /// List tokens (names, roles, dates; never the tokens).
    List,
}

/// What `export` writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// A directory of GeoJSON layers with industries.json and policies.json.
    Geojson,
    /// A GeoPackage file.
    Gpkg,
}

/// A project file, the data to match it against and the output format.
#[derive(clap::Args)]
struct ProjectArgs {
    /// The project's requirements (JSON; see README).
    #[arg(long)]
    project: PathBuf,
    /// Data directory.
    #[arg(long, env = "CHANYE_DATA", default_value = "geodata")]
    data: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl ProjectArgs {
    /// The parsed project and a matcher over the loaded data.
    fn open(&self) -> Result<(ProjectRequest, Matcher), String> {
        let request = read_project(&self.project)?;
        let loaded = load(&self.data)?;
        Ok((request, Matcher::new(Arc::new(loaded.snapshot))))
    }
}

/// How `match` prints its result.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Ranked list with reasons.
    Table,
    /// The match result JSON.
    Json,
    /// The candidates as a GeoJSON FeatureCollection.
    Geojson,
}

/// indicatif bars on a terminal, nothing otherwise.
struct Bars {
    bar: ProgressBar,
}

impl Bars {
    fn new() -> Bars {
        let bar = ProgressBar::hidden();
        if std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let style = ProgressStyle::with_template("{msg:>28} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        Bars { bar }
    }
}

impl Progress for Bars {
    fn begin(&self, stage: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(stage.to_string());
    }
    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }
    fn end(&self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
        self.bar.finish_and_clear();
    }
}

fn load(data: &Path) -> Result<inventory::Loaded, String> {
    let started = Instant::now();
    let loaded = inventory::load_dir(data, LoadOptions::default(), &Bars::new()).map_err(|e| match e {
        inventory::InventoryError::Invalid(report) => format!("{report}\n{} is not loadable", data.display()),
        other => other.to_string(),
    })?;
    for problem in &loaded.report.problems {
        tracing::warn!("{problem}");
    }
    log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, data = %data.display(), "inventory ready");
    Ok(loaded)
}

/// Opens the store (importing the data directory into a new one when the file is missing)
/// and loads its inventory.
fn open_store(path: &Path, seed: &Path) -> Result<(Arc<dyn Store>, inventory::Loaded), String> {
    let started = Instant::now();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if !path.exists() {
        tracing::info!(store = %path.display(), data = %seed.display(), "creating the store from the data directory");
    }
    let store = GpkgStore::open_or_seed(path, seed).map_err(|e| e.to_string())?;
    let loaded = store.snapshot().map_err(|e| e.to_string())?;
    log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, store = %path.display(), "inventory ready");
    Ok((Arc::new(store), loaded))
}

/// Logs the feature count of every layer.
fn log_counts(snapshot: &inventory::Snapshot) {
    for (layer, n) in snapshot.counts() {
        tracing::info!(layer = %layer, features = n, "loaded");
    }
}

fn read_project(path: &Path) -> Result<ProjectRequest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    ProjectRequest::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn validate(path: &Path) -> Result<bool, String> {
    let result = if path.is_dir() {
        inventory::load_dir(path, LoadOptions::default(), &Bars::new())
    } else {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let layer = LayerName::ALL
            .into_iter()
            .find(|l| stem.contains(l.as_str()))
            .ok_or_else(|| format!("{}: cannot tell the layer from the file name (use districts/parks/zones/parcels/buildings)", path.display()))?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let (mut sources, catalogue) = inventory::read_dir(dir).map_err(|e| e.to_string())?;
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        sources.retain(|s| s.layer != layer);
        sources.push(LayerSource { layer, origin: path.display().to_string(), text });
        inventory::load(&sources, Arc::new(catalogue), LoadOptions::default(), &Bars::new())
    };
    match result {
        Ok(loaded) => {
            println!("{}", loaded.report);
            for (layer, n) in loaded.snapshot.counts() {
                println!("{layer}: {n} features");
            }
            Ok(true)
        }
        Err(inventory::InventoryError::Invalid(report)) => {
            println!("{report}");
            Ok(false)
        }
        Err(e) => Err(e.to_string()),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve { config, options } => {
            let file = config.as_deref().map(ServeOptions::read).transpose().map_err(|e| e.to_string())?.unwrap_or_default();
            let settings = ServeSettings::merge(file, options).map_err(|e| e.to_string())?;
            init_logs(settings.log_format);
            let (store, loaded) = open_store(&settings.store, &settings.data)?;
            let listen = settings.listen;
            let listener = TcpListener::bind(&listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            tracing::info!(address = %listener.local_addr().map(|a| a.to_string()).unwrap_or(listen), "listening");
            chanye::http::run(Arc::new(SnapshotCell::new(loaded.snapshot)), Some(store), listener, settings.http).map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { path } => Ok(if validate(&path)? { ExitCode::SUCCESS } else { ExitCode::FAILURE }),
        Command::Generate { parcels, seed, out, sources } => {
            let options = GenerateOptions { parcels, seed, sources, out };
            let made = generate(&options, &Bars::new()).map_err(|e| e.to_string())?;
            println!(
                "wrote {} districts, {} parks, {} zones, {} parcels, {} buildings to {}",
                made.districts,
                made.parks,
                made.zones,
                made.parcels,
                made.buildings,
                options.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Match(args) => {
            let (request, matcher) = args.open()?;
            let result = matcher.run(&request).map_err(|e| format!("{}: {e}", args.project.display()))?;
            let text = match args.format {
                Format::Table => result.to_table(),
                Format::Json => serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?,
                Format::Geojson => serde_json::to_string_pretty(&result.to_feature_collection()).map_err(|e| e.to_string())?,
            };
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Recommend(args) => {
            let (request, matcher) = args.open()?;
            let result = matcher.recommend_districts(&request).map_err(|e| format!("{}: {e}", args.project.display()))?;
            let text = match args.format {
                Format::Table => result.to_table(),
                Format::Json | Format::Geojson => serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?,
            };
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { files, into } => {
            let import = || -> Result<Imported, StoreError> {
                let dataset = Dataset::from_files(&files)?;
                if into.exists() {
                    GpkgStore::open(&into)?.import(&dataset)
                } else {
                    GpkgStore::import_new(&into, &dataset).map(|(_, imported)| imported)
                }
            };
            let imported = import().map_err(|e| e.to_string())?;
            for (layer, n) in &imported.layers {
                println!("{layer}: {n} features");
            }
            if imported.catalogue {
                println!("industries.json: imported");
            }
            if imported.policies {
                println!("policies.json: imported");
            }
            println!("into {}", into.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { store, command } => {
            let store: &dyn Store = &GpkgStore::open(&store).map_err(|e| e.to_string())?;
            match command {
                TokenCommand::Create { role, name } => {
                    let role: chanye::model::Role = role.parse().map_err(|e: chanye::model::UnknownValue| format!("--role: {e}"))?;
                    let token = store.create_token(&name, role).map_err(|e| e.to_string())?;
                    println!("{token}");
                    eprintln!("token '{name}' ({role}) created; it is shown only now");
                }
                TokenCommand::Revoke { name } => {
                    if !store.revoke_token(&name).map_err(|e| e.to_string())? {
                        return Err(format!("there is no live token named '{name}'"));
                    }
                    println!("revoked '{name}'");
                }
                TokenCommand::List => {
                    for t in store.list_tokens().map_err(|e| e.to_string())? {
                        let revoked = t.revoked_at.map(|r| format!("\trevoked {r}")).unwrap_or_default();
                        println!("{}\t{}\tcreated {}{revoked}", t.name, t.role, t.created_at);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { from, format, out } => {
            let store: &dyn Store = &GpkgStore::open(&from).map_err(|e| e.to_string())?;
            match format {
                ExportFormat::Gpkg => store.copy_to(&out).map_err(|e| e.to_string())?,
                ExportFormat::Geojson => store.export_dir(&out).map_err(|e| e.to_string())?,
            }
            println!("wrote {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { data, json } => {
            let loaded = load(&data)?;
            let summary = stats::summarize(&loaded.snapshot);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?);
            } else {
                println!("{}", summary.to_table());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // a second init (serve sets the format after the others' default) is harmless
    let _ = match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => logs.json().try_init(),
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        init_logs(LogFormat::Text);
    }
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
