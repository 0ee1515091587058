//! The generated benchmark datasets, shared by the bench targets.

use std::path::{Path, PathBuf};

use chanye::generate::{generate_quiet, GenerateOptions};

/// `bench-data/<n>k`, generated deterministically (seed 1) on first use, and again whenever
/// the generator's inputs (the park and district specifications, the catalogue, the policy
/// measures) changed since: a stale dataset would measure old data or fail to load.
pub fn dataset(parcels: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-data").join(format!("{}k", parcels / 1000));
    let stamp = out.join("inputs.stamp");
    let inputs = inputs_stamp(root);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(inputs.as_str()) || !out.join("parcels.geojson").exists() {
        let options = GenerateOptions { parcels, seed: 1, sources: root.join("geodata/sources"), out: out.clone() };
        generate_quiet(&options).expect("generate the benchmark dataset");
        std::fs::write(&stamp, &inputs).expect("write the dataset's stamp");
    }
    out
}

/// FNV-1a over the generator's input files, in a fixed order (stable across Rust versions).
fn inputs_stamp(root: &Path) -> String {
    let files = ["geodata/sources/parks.json", "geodata/sources/districts.json", "geodata/industries.json", "geodata/policies.json"];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        for byte in std::fs::read(root.join(file)).unwrap_or_default() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}\n")
}
