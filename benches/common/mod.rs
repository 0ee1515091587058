//! The generated benchmark datasets, shared by the bench targets.

use std::path::{Path, PathBuf};

use chanye::generate::{generate_quiet, GenerateOptions};

/// `bench-data/<n>k`, generated deterministically (seed 1) on first use. A dataset made by an
/// older generator (no `policies.json`) is regenerated.
pub fn dataset(parcels: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-data").join(format!("{}k", parcels / 1000));
    if !out.join("parcels.geojson").exists() || !out.join("policies.json").exists() {
        let options = GenerateOptions { parcels, seed: 1, sources: root.join("geodata/sources"), out: out.clone() };
        generate_quiet(&options).expect("generate the benchmark dataset");
    }
    out
}
