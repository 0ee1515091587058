//! Loading the generated 100k-parcel dataset: parse + validate + spatial join + index.
//!
//! The dataset is generated once into `bench-data/100k` (deterministic, seed 1). Besides
//! criterion's timings, the bench prints the peak heap of one load, counted by a wrapping
//! allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chanye::inventory::load_dir_strict;
use criterion::{criterion_group, criterion_main, Criterion};

mod common;
use common::dataset;

/// The system allocator, counting live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Loads once and prints the heap the load needed at its peak, above what was live before.
fn report_peak_heap(dir: &Path) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let loaded = load_dir_strict(dir).expect("the generated dataset loads");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let kept = LIVE.load(Ordering::Relaxed) - before;
    drop(loaded);
    println!(
        "load/100k_parcels peak heap: {:.0} MiB during the load, {:.0} MiB held by the snapshot",
        peak as f64 / 1048576.0,
        kept as f64 / 1048576.0
    );
}

fn load_100k(c: &mut Criterion) {
    let dir = dataset(100_000);
    report_peak_heap(&dir);
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
