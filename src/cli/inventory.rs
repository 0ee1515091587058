//! `validate`, `stats` and `generate`: data directories on disk (and stores, for `stats`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::progress::Bars;
use super::{CliError, InventoryArgs};
use crate::generate::{generate as write_dataset, GenerateOptions};
use crate::inventory::{self, stats as summary, InventoryError, LayerName, LayerSource, LoadOptions, CATALOGUE_FILE};
use crate::model::Catalogue;
use crate::store::{GpkgStore, Store};

/// Loads the inventory from a store when one is named, else from a data directory, logging
/// its warnings and counts.
pub(super) fn load(from: &InventoryArgs) -> Result<inventory::Loaded, CliError> {
    let started = Instant::now();
    let (loaded, origin) = match &from.store {
        Some(store) => {
            if !store.exists() {
                return Err(CliError::usage(format!("{}: no such store (make one with chanye import FILES --into {0})", store.display()), format!("{}：没有这个数据库（用 chanye import 文件… --into {0} 建一个）", store.display())));
            }
            (GpkgStore::open(store)?.snapshot()?, store)
        }
        None => {
            let loaded = inventory::load_dir(&from.data, LoadOptions::default(), &Bars::new()).map_err(|e| match e {
                InventoryError::Invalid(report) => CliError::NotLoadable { path: from.data.clone(), report },
                other => CliError::Inventory(other),
            })?;
            (loaded, &from.data)
        }
    };
    log_problems(&loaded.report.problems);
    log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, from = %origin.display(), "inventory ready");
    Ok(loaded)
}

/// Logs what a load warned of, in the reader's language.
pub(super) fn log_problems(problems: &[inventory::Problem]) {
    let chinese = super::chinese_locale(|name| std::env::var(name).ok());
    for problem in problems {
        if chinese {
            tracing::warn!("{}", problem.zh());
        } else {
            tracing::warn!("{problem}");
        }
    }
}

/// Logs the feature count of every layer.
pub(super) fn log_counts(snapshot: &inventory::Snapshot) {
    for (layer, n) in snapshot.counts() {
        tracing::info!(layer = %layer, features = n, "loaded");
    }
}

/// `validate`: a directory, or one layer file checked with the other layers and the catalogue
/// beside it, or, where those are missing, with `data`'s; fails (exit 1) when there are errors.
pub(super) fn validate(path: &Path, data: &Path) -> Result<ExitCode, CliError> {
    let result = if path.is_dir() {
        inventory::load_dir(path, LoadOptions::default(), &Bars::new())
    } else {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let layer = LayerName::ALL.into_iter().find(|l| stem.contains(l.as_str())).ok_or_else(|| {
            CliError::usage(
                format!("{}: cannot tell the layer from the file name (use districts/parks/zones/parcels/buildings)", path.display()),
                format!("{}：从文件名看不出是哪个图层（文件名须含 districts/parks/zones/parcels/buildings）", path.display()),
            )
        })?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let text = std::fs::read_to_string(path).map_err(|source| CliError::File { path: path.to_path_buf(), source })?;
        let (sources, catalogue) = layer_with_context(LayerSource { layer, origin: path.display().to_string(), text }, dir, data)?;
        inventory::load(&sources, Arc::new(catalogue), LoadOptions::default(), &Bars::new())
    };
    match result {
        Ok(loaded) => {
            println!("{}", loaded.report);
            for (layer, n) in loaded.snapshot.counts() {
                println!("{layer}: {n} features");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(InventoryError::Invalid(report)) => {
            println!("{report}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

/// One layer with what it is checked against: each other layer and the catalogue from `dir`
/// when there, else from `fallback` (places only: another space layer is simply left out).
fn layer_with_context(checked: LayerSource, dir: &Path, fallback: &Path) -> Result<(Vec<LayerSource>, Catalogue), CliError> {
    let read = |path: &Path| std::fs::read_to_string(path).map_err(|source| CliError::File { path: path.to_path_buf(), source });
    let beside_or_fallback = |name: &str| -> Option<PathBuf> {
        [dir, fallback].into_iter().map(|d| d.join(name)).find(|p| p.is_file())
    };
    let catalogue_path = beside_or_fallback(CATALOGUE_FILE)
        .ok_or_else(|| CliError::usage(
            format!("no {CATALOGUE_FILE} beside {} nor in {} (give --data DIR)", checked.origin, fallback.display()),
            format!("{} 旁边和 {} 里都没有 {CATALOGUE_FILE}（请用 --data 指定数据目录）", checked.origin, fallback.display()),
        ))?;
    let catalogue = Catalogue::from_json(&read(&catalogue_path)?).map_err(|e| CliError::Inventory(e.into()))?;
    let mut from = vec![format!("{CATALOGUE_FILE} from {}", catalogue_path.display())];
    let mut sources = Vec::new();
    for layer in LayerName::ALL.into_iter().filter(|&l| l != checked.layer) {
        let file = format!("{layer}.geojson");
        let path = if layer.is_place() { beside_or_fallback(&file) } else { Some(dir.join(&file)).filter(|p| p.is_file()) };
        if let Some(path) = path {
            from.push(format!("{layer} from {}", path.display()));
            sources.push(LayerSource { layer, origin: path.display().to_string(), text: read(&path)? });
        }
    }
    eprintln!("checking {} against {}", checked.origin, from.join(", "));
    sources.push(checked);
    Ok((sources, catalogue))
}

/// `stats`: counts and available area by district, land use and status.
pub(super) fn stats(from: &InventoryArgs, json: bool) -> Result<ExitCode, CliError> {
    let loaded = load(from)?;
    let summary = summary::summarize(&loaded.snapshot);
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!("{}", summary.to_table());
    }
    Ok(ExitCode::SUCCESS)
}

/// `generate`: a deterministic dataset.
pub(super) fn generate(parcels: usize, seed: u64, out: PathBuf, sources: PathBuf) -> Result<ExitCode, CliError> {
    let options = GenerateOptions { parcels, seed, sources, out };
    let made = write_dataset(&options, &Bars::new())?;
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
