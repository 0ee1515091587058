//! Every index query equals a naive scan over the layer (seeded random queries).

use crate::common;

use chanye::inventory::{layer::distance_m, load_dir_strict, Feature, Layer, Shape};
use geo::{Contains, Coord, Intersects, Point, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_point(rng: &mut ChaCha8Rng, around: Rect) -> Coord {
    let pad = 0.02;
    Coord {
        x: rng.gen_range(around.min().x - pad..around.max().x + pad),
        y: rng.gen_range(around.min().y - pad..around.max().y + pad),
    }
}

fn brute_bbox<T: Feature>(layer: &Layer<T>, rect: Rect) -> Vec<u32> {
    (0..layer.len() as u32)
        .filter(|&i| match layer.at(i).shape() {
            Shape::Area(a) => a.intersects(&rect),
            Shape::Point(p) => rect.intersects(&p),
        })
        .collect()
}

fn brute_by_distance<T: Feature>(layer: &Layer<T>, p: Coord) -> Vec<(u32, f64)> {
    let mut all: Vec<(u32, f64)> = (0..layer.len() as u32).map(|i| (i, distance_m(p, &layer.at(i).shape()))).collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| layer.at(a.0).id().cmp(layer.at(b.0).id())));
    all
}

fn check_layer<T: Feature>(layer: &Layer<T>, extent: Rect, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..150 {
        let (a, b) = (random_point(&mut rng, extent), random_point(&mut rng, extent));
        let rect = Rect::new(a, Coord { x: a.x + (b.x - a.x) * 0.2, y: a.y + (b.y - a.y) * 0.2 });
        assert_eq!(layer.in_bbox(rect), brute_bbox(layer, rect));

        let p = random_point(&mut rng, extent);
        let inside: Vec<u32> = (0..layer.len() as u32)
            .filter(|&i| matches!(layer.at(i).shape(), Shape::Area(a) if a.contains(&Point(p))))
            .collect();
        assert_eq!(layer.containing(p), inside);

        let all = brute_by_distance(layer, p);
        let radius = rng.gen_range(100.0..5_000.0);
        let within: Vec<(u32, f64)> = all.iter().copied().filter(|&(_, d)| d <= radius).collect();
        assert_eq!(layer.within(p, radius), within);
        let k = rng.gen_range(1..12);
        assert_eq!(layer.nearest(p, k), all.iter().copied().take(k).collect::<Vec<_>>());
    }
}

#[test]
fn index_queries_equal_a_linear_scan() {
    let s = load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    for (n, park) in s.parks.items().iter().enumerate() {
        let extent = geo::BoundingRect::bounding_rect(&park.geometry).unwrap();
        check_layer(&s.parcels, extent, n as u64);
        check_layer(&s.buildings, extent, 100 + n as u64);
        check_layer(&s.zones, extent, 200 + n as u64);
    }
    let beijing = Rect::new(Coord { x: 115.4, y: 39.4 }, Coord { x: 117.5, y: 41.1 });
    check_layer(&s.districts, beijing, 999);
}

#[test]
fn nearest_finds_features_far_away() {
    let s = load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    // from Shanghai, hundreds of kilometres outside every search ring of the first rounds
    let far = Coord { x: 121.47, y: 31.23 };
    let hits = s.parcels.nearest(far, 3);
    assert_eq!(hits, brute_by_distance(&s.parcels, far).into_iter().take(3).collect::<Vec<_>>());
    assert!(hits[0].1 > 900_000.0);
}
