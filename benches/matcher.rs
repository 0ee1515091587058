//! A typical match over the generated 10k, 100k and 1M datasets, with and without a location
//! limit. Targets: p50 ≤ 1 ms at 100k parcels (issue 4); at 100k `within_30km` ≤ 1 ms and
//! `near_unbounded` ≤ 1.5 ms, at 1M `typical` and `within_30km` ≤ 5 ms (issue 20). Criterion's
//! median is the p50. The 1M dataset is generated on first use (about a minute and 1.6 GB of
//! disk) and skipped, with a message, when the disk lacks the room.

use std::sync::Arc;
use std::time::Duration;

use chanye::inventory::load_dir_strict;
use chanye::matcher::{Matcher, ProjectRequest};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

mod common;
use common::dataset_if_room;

/// A medical-device maker looking for 30–80 亩 of M1/M4 land, anywhere in Beijing.
const TYPICAL: &str = r#"{"name": "bench", "industry": "医疗器械", "space": "land",
  "land_area_mu": {"min": 30, "max": 80}, "land_use": ["M1", "M4"], "floor_area_m2": 30000,
  "investment_wan": 50000, "as_of": "2026-11-23"}"#;

/// The same project within 10 km of 中关村大兴生物医药产业基地.
const NEAR: &str = r#"{"name": "bench", "industry": "医疗器械", "space": "land",
  "land_area_mu": {"min": 30, "max": 80}, "land_use": ["M1", "M4"], "floor_area_m2": 30000,
  "investment_wan": 50000, "near": {"lon": 116.318, "lat": 39.668, "max_km": 10}, "as_of": "2026-11-23"}"#;

/// A pharmaceutical project's question as promoters ask it: 30–120 亩 of M1/M4 land within
/// 30 km of the city centre's east (116.5, 39.9).
const WITHIN_30KM: &str = r#"{"industry": "医药健康", "space": "land", "land_area_mu": {"min": 30, "max": 120},
  "land_use": ["M1", "M4"], "near": {"lon": 116.5, "lat": 39.9, "max_km": 30}, "as_of": "2026-11-23"}"#;

/// The same anywhere: what `within_30km` and `near_unbounded` are to cost about as much as.
const NO_LOCATION: &str = r#"{"industry": "医药健康", "space": "land", "land_area_mu": {"min": 30, "max": 120},
  "land_use": ["M1", "M4"], "as_of": "2026-11-23"}"#;

/// The same with no limit: the distance only scores, every row is examined.
const NEAR_UNBOUNDED: &str = r#"{"industry": "医药健康", "space": "land", "land_area_mu": {"min": 30, "max": 120},
  "land_use": ["M1", "M4"], "near": {"lon": 116.5, "lat": 39.9}, "as_of": "2026-11-23"}"#;

/// Land or building space, no size: every row passes the size checks and gets scored.
const BROAD: &str = r#"{"industry": "新一代信息技术", "as_of": "2026-11-23"}"#;

fn matching(c: &mut Criterion) {
    let mut group = c.benchmark_group("match");
    group.sample_size(200).measurement_time(Duration::from_secs(8));
    for parcels in [10_000, 100_000, 1_000_000] {
        let Some(data) = dataset_if_room(parcels) else { continue };
        let snapshot = load_dir_strict(&data).expect("the generated dataset loads").snapshot;
        let matcher = Matcher::new(Arc::new(snapshot));
        for (name, body) in [("typical", TYPICAL), ("within_10km", NEAR), ("no_location", NO_LOCATION), ("within_30km", WITHIN_30KM), ("near_unbounded", NEAR_UNBOUNDED), ("broad", BROAD)] {
            let request = ProjectRequest::from_json(body).expect("a valid request");
            let first = matcher.run(&request).expect("runs");
            // at 1M the generator shrinks parcels to fit the city's industrial land, so few
            // reach 30 亩: those requests may rightly find nothing there
            assert!(parcels > 100_000 || !first.candidates.is_empty(), "{name} finds candidates in {parcels}");
            group.bench_with_input(BenchmarkId::new(name, parcels), &request, |b, r| b.iter(|| matcher.run(r).expect("runs")));
        }
    }
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
