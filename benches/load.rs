//! Loading the generated 100k-parcel dataset: parse + validate + spatial join + index.
//!
//! The dataset is generated once into `bench-data/100k` (deterministic, seed 1). Peak memory
//! is measured on a fresh process; see BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chanye::generate::{generate_quiet, GenerateOptions};
use chanye::inventory::load_dir_strict;
use criterion::{criterion_group, criterion_main, Criterion};

fn dataset(parcels: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("bench-data").join(format!("{}k", parcels / 1000));
    if !out.join("parcels.geojson").exists() {
        let options = GenerateOptions { parcels, seed: 1, sources: root.join("geodata/sources"), out: out.clone() };
        generate_quiet(&options).expect("generate the benchmark dataset");
    }
    out
}

fn load_100k(c: &mut Criterion) {
    let dir = dataset(100_000);
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("100k_parcels", |b| {
        b.iter(|| {
            let loaded = load_dir_strict(&dir).expect("the generated dataset loads");
            assert_eq!(loaded.snapshot.parcels.len(), 100_000);
            loaded
        })
    });
    group.finish();
}

criterion_group!(benches, load_100k);
criterion_main!(benches);
