//! Steady-state memory per structure (issue 20, part 3): the bytes each part of a loaded
//! inventory holds, counted by the allocator, for the generated 100k and 1M datasets.
//!
//! `cargo bench --bench memory` prints one table per dataset: the snapshot as loaded, and
//! within it each parcel and building layer's features, id map, R-tree, Web Mercator outlines
//! and labels (each rebuilt alone from the loaded features and counted while it is built),
//! then the matcher; with bytes per parcel. Counted bytes are what the program asked for: the
//! allocator's own overhead and freed pages it keeps show in the RSS, printed last.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

use chanye::geometry::mercator::MercatorOutlines;
use chanye::inventory::index::SpatialIndex;
use chanye::inventory::labels::Labels;
use chanye::inventory::layer::{Feature, IdIndex, Layer, Shape};
use chanye::inventory::load_dir_strict;
use chanye::matcher::Matcher;
use geo::{BoundingRect, Coord, Rect};

mod common;

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes `make` leaves allocated while its result is alive, and the result.
fn counted<T>(make: impl FnOnce() -> T) -> (isize, T) {
    let before = LIVE.load(Ordering::Relaxed);
    let made = make();
    (LIVE.load(Ordering::Relaxed) - before, made)
}

/// One line of the table.
fn line(name: &str, bytes: isize, parcels: usize) {
    println!("| {name} | {:.1} | {:.0} |", bytes as f64 / 1e6, bytes as f64 / parcels as f64);
}

/// The parts of a layer, each rebuilt alone from its features and counted.
fn layer_parts<T: Feature + Clone>(name: &str, layer: &Layer<T>, parcels: usize) -> isize {
    let items = layer.items();
    // the features themselves, with the pointer and reference counts a layer adds per feature
    let (features, copies) = counted(|| items.iter().map(|f| Arc::new(T::clone(f))).collect::<Vec<Arc<T>>>());
    drop(copies);
    let (by_id, ids) = counted(|| IdIndex::build(items));
    drop(ids);
    let boxes = || {
        items.iter().map(|f| match f.shape() {
            Shape::Area(a) => a.bounding_rect().unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero())),
            Shape::Point(p) => Rect::new(p.0, p.0),
        })
    };
    let (rtree, index) = counted(|| SpatialIndex::build(boxes()));
    drop(index);
    let (outline_bytes, outlines) = counted(|| {
        MercatorOutlines::build(items.iter().map(|f| match f.shape() {
            Shape::Area(a) => Some(a),
            Shape::Point(_) => None,
        }))
    });
    drop(outlines);
    let (label_bytes, labels) = counted(|| Labels::build(items.iter().map(|f| f.label())));
    drop(labels);
    line(&format!("{name}: features ({} of them)", items.len()), features, parcels);
    line(&format!("{name}: id map"), by_id, parcels);
    line(&format!("{name}: R-tree"), rtree, parcels);
    line(&format!("{name}: outlines (Web Mercator, for tiles)"), outline_bytes, parcels);
    line(&format!("{name}: labels"), label_bytes, parcels);
    features + by_id + rtree + outline_bytes + label_bytes
}

/// The process's resident set, MB, from /proc.
fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1e3)
}

fn main() {
    // `cargo test --benches` runs bench targets once as tests: the measurement is for `cargo bench`
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    for parcels in [100_000, 1_000_000] {
        let Some(data) = common::dataset_if_room(parcels) else { continue };
        let (loaded, snapshot) = counted(|| load_dir_strict(&data).expect("the generated dataset loads").snapshot);
        println!("\n{parcels} parcels, {} buildings (`{}`)\n", snapshot.buildings.len(), data.display());
        println!("| structure | MB | bytes per parcel |\n|---|---|---|");
        line("**snapshot as loaded**", loaded, parcels);
        let mut parts = layer_parts("parcels", &snapshot.parcels, parcels) + layer_parts("buildings", &snapshot.buildings, parcels);
        parts += layer_parts("districts", &snapshot.districts, parcels) + layer_parts("parks", &snapshot.parks, parcels) + layer_parts("zones", &snapshot.zones, parcels);
        line("rest (prepared district and park areas, catalogue, policies, spare capacity)", loaded - parts, parcels);
        let (matcher_bytes, matcher) = counted(|| Matcher::new(Arc::new(snapshot)));
        line("**matcher** (rows, columns, boxes, points, orders)", matcher_bytes, parcels);
        line("**total**", loaded + matcher_bytes, parcels);
        println!("\nRSS {:.0} MB", rss_mb().unwrap_or(f64::NAN));
        drop(matcher);
    }
}

