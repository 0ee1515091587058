//! `validate`, `stats` and `generate`: data directories on disk.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::progress::Bars;
use super::CliError;
use crate::generate::{generate as write_dataset, GenerateOptions};
use crate::inventory::{self, stats as summary, InventoryError, LayerName, LayerSource, LoadOptions};

/// Loads a data directory, logging its warnings and counts.
pub(super) fn load(data: &Path) -> Result<inventory::Loaded, CliError> {
    let started = Instant::now();
    let loaded = inventory::load_dir(data, LoadOptions::default(), &Bars::new()).map_err(|e| match e {
        InventoryError::Invalid(report) => CliError::NotLoadable { path: data.to_path_buf(), report },
        other => CliError::Inventory(other),
    })?;
    for problem in &loaded.report.problems {
        tracing::warn!("{problem}");
    }
    log_counts(&loaded.snapshot);
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, data = %data.display(), "inventory ready");
    Ok(loaded)
}

/// Logs the feature count of every layer.
pub(super) fn log_counts(snapshot: &inventory::Snapshot) {
    for (layer, n) in snapshot.counts() {
        tracing::info!(layer = %layer, features = n, "loaded");
    }
}

/// `validate`: a directory, or one layer file checked with the rest of its directory;
/// fails (exit 1) when there are errors.
pub(super) fn validate(path: &Path) -> Result<ExitCode, CliError> {
    let result = if path.is_dir() {
        inventory::load_dir(path, LoadOptions::default(), &Bars::new())
    } else {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let layer = LayerName::ALL.into_iter().find(|l| stem.contains(l.as_str())).ok_or_else(|| {
            CliError::Usage(format!("{}: cannot tell the layer from the file name (use districts/parks/zones/parcels/buildings)", path.display()))
        })?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let (mut sources, catalogue) = inventory::read_dir(dir)?;
        let text = std::fs::read_to_string(path).map_err(|source| CliError::File { path: path.to_path_buf(), source })?;
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
            Ok(ExitCode::SUCCESS)
        }
        Err(InventoryError::Invalid(report)) => {
            println!("{report}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

/// `stats`: counts and available area by district, land use and status.
pub(super) fn stats(data: &Path, json: bool) -> Result<ExitCode, CliError> {
    let loaded = load(data)?;
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
