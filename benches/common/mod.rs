//! The generated benchmark datasets, shared by the bench targets.
#![allow(dead_code)] // each bench target uses some of these

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

/// Disk a generated dataset of `parcels` needs, with room to spare (the 1M one takes about
/// 1.6 GB).
fn disk_needed(parcels: usize) -> u64 {
    parcels as u64 * 2_500
}

/// `dataset(parcels)` when it is there or the disk has room to make it; otherwise `None`,
/// saying why on stderr.
pub fn dataset_if_room(parcels: usize) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-data").join(format!("{}k", parcels / 1000));
    if !out.join("parcels.geojson").exists() {
        match free_bytes(root) {
            Some(free) if free >= disk_needed(parcels) => {}
            free => {
                let free = free.map_or_else(|| "unknown".to_string(), |f| format!("{} MB", f / 1_000_000));
                eprintln!("skipping the {parcels}-parcel dataset: it needs {} MB of disk and {free} is free", disk_needed(parcels) / 1_000_000);
                return None;
            }
        }
    }
    Some(dataset(parcels))
}

/// Free bytes on the file system holding `dir` (`df`, which every CI image has).
fn free_bytes(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df").arg("-Pk").arg(dir).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let kib: u64 = text.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()?;
    Some(kib * 1024)
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
