//! Tile rendering without HTTP, on the generated 100k dataset: parcels tiles at zoom 12, 14 and
//! 16, cycling over every tile that holds a parcel (scripts/tile-load.sh measures over HTTP).

use std::collections::BTreeSet;
use std::time::Duration;

use chanye::inventory::{load_dir_strict, LayerName};
use chanye::tiles::{render, Datum, TileId, TileRequest};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

mod common;
use common::dataset;

/// The server's allocator, so render times here are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn tiles(c: &mut Criterion) {
    let snapshot = load_dir_strict(&dataset(100_000)).expect("the generated dataset loads").snapshot;
    let mut group = c.benchmark_group("tile");
    group.sample_size(30).measurement_time(Duration::from_secs(6));
    for z in [12u8, 14, 16] {
        // the tiles holding a parcel's first corner
        let n = (1u64 << z) as f64;
        let held: BTreeSet<(u32, u32)> = snapshot
            .parcels
            .items()
            .iter()
            .map(|p| {
                let c = p.geometry.0[0].exterior().0[0];
                let lat = c.y.to_radians();
                let x = ((c.x + 180.0) / 360.0 * n) as u32;
                let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
                (x, y)
            })
            .collect();
        let requests: Vec<TileRequest> = held
            .into_iter()
            .map(|(x, y)| TileRequest { layer: LayerName::Parcels, tile: TileId::new(z as u32, x, y).unwrap(), datum: Datum::Wgs84, audience: chanye::model::Audience::public() })
            .collect();
        let mut next = 0;
        group.bench_function(BenchmarkId::new("parcels", z), |b| {
            b.iter(|| {
                next = (next + 1) % requests.len();
                render(&snapshot, &requests[next]).expect("renders")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tiles);
criterion_main!(benches);
