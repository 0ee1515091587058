//! Prepared polygons: each ring's segments in an R-tree, so that repeated point-in-polygon
//! tests on detailed boundaries (a district has thousands of vertices) cost O(log n).

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Rect};
use rstar::{RTree, RTreeObject, AABB};

/// Even-odd ray cast on one ring (no index), for small rings.
pub fn ring_contains(ring: &LineString, p: Coord) -> bool {
    let mut inside = false;
    for seg in ring.lines() {
        if crosses_ray(seg.start, seg.end, p) {
            inside = !inside;
        }
    }
    inside
}

/// Whether segment a–b crosses the ray from `p` towards +x (half-open in y, so a vertex
/// on the ray is counted once).
fn crosses_ray(a: Coord, b: Coord, p: Coord) -> bool {
    if (a.y > p.y) == (b.y > p.y) {
        return false;
    }
    let x_at = a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x);
    x_at > p.x
}

#[derive(Debug, Clone)]
struct Segment {
    a: Coord,
    b: Coord,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners([self.a.x, self.a.y], [self.b.x, self.b.y])
    }
}

/// A multipolygon prepared for fast point-in-polygon tests.
#[derive(Debug, Clone)]
pub struct PreparedArea {
    segments: RTree<Segment>,
    bbox: Option<Rect>,
}

impl PreparedArea {
    /// Indexes every ring segment of `area`.
    pub fn new(area: &MultiPolygon) -> PreparedArea {
        let segments = area
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|ring| ring.lines().map(|l| Segment { a: l.start, b: l.end }))
            .collect();
        PreparedArea { segments: RTree::bulk_load(segments), bbox: area.bounding_rect() }
    }

    /// The bounding box of the area, if it is not empty.
    pub fn bbox(&self) -> Option<Rect> {
        self.bbox
    }

    /// Whether `p` lies inside (even-odd over all rings of all parts).
    pub fn contains(&self, p: Coord) -> bool {
        let Some(bbox) = self.bbox else { return false };
        if p.x < bbox.min().x || p.x > bbox.max().x || p.y < bbox.min().y || p.y > bbox.max().y {
            return false;
        }
        let ray = AABB::from_corners([p.x, p.y], [bbox.max().x, p.y]);
        self.segments
            .locate_in_envelope_intersecting(ray)
            .filter(|s| crosses_ray(s.a, s.b, p))
            .count()
            % 2
            == 1
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use geo::{polygon, Contains, Point};
    use rand::{Rng, SeedableRng};

    #[test]
    fn agrees_with_geo_contains_on_a_polygon_with_a_hole() {
        let donut = MultiPolygon(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 5.0, y: 12.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 3.0, y: 3.0), (x: 6.0, y: 3.0), (x: 6.0, y: 6.0), (x: 3.0, y: 6.0)]],
        )]);
        let prepared = PreparedArea::new(&donut);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..5000 {
            let p = Coord { x: rng.gen_range(-2.0..12.0), y: rng.gen_range(-2.0..14.0) };
            assert_eq!(prepared.contains(p), donut.contains(&Point(p)), "{p:?}");
        }
    }
}
