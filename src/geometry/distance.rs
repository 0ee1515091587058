//! Distances in metres between lon/lat geometries.
//!
//! Point-to-polygon distances use a local equirectangular projection centred on the query
//! point: exact at the centre and within 0.5% for the tens of kilometres a location search
//! spans in Beijing. Use [`haversine_m`] for point-to-point.

use geo::{Coord, MultiPolygon, Rect};

use super::prepared::ring_contains;

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres per degree of latitude on the mean sphere.
pub const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Great-circle distance between two lon/lat coordinates, metres.
pub fn haversine_m(a: Coord, b: Coord) -> f64 {
    let (la1, la2) = (a.y.to_radians(), b.y.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.x - a.x).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Distance in metres from `origin` to the nearest point of `area` (0 when inside).
pub fn point_to_area_m(origin: Coord, area: &MultiPolygon) -> f64 {
    let kx = METRES_PER_DEGREE * origin.y.to_radians().cos();
    let ky = METRES_PER_DEGREE;
    let local = |c: Coord| ((c.x - origin.x) * kx, (c.y - origin.y) * ky);
    let mut best = f64::INFINITY;
    for polygon in &area.0 {
        let inside = ring_contains(polygon.exterior(), origin)
            && !polygon.interiors().iter().any(|hole| ring_contains(hole, origin));
        if inside {
            return 0.0;
        }
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for seg in ring.lines() {
                best = best.min(origin_to_segment(local(seg.start), local(seg.end)));
            }
        }
    }
    best
}

/// The local plane [`point_to_area_m`] measures in, around one origin: made once per search,
/// it bounds the distance to many boxes without a cosine or a `hypot` each.
#[derive(Debug, Clone, Copy)]
pub struct LocalPlane {
    origin: Coord,
    /// Metres per degree of longitude at the origin.
    kx: f64,
}

impl LocalPlane {
    /// The plane centred on `origin`.
    pub fn new(origin: Coord) -> LocalPlane {
        LocalPlane { origin, kx: METRES_PER_DEGREE * origin.y.to_radians().cos() }
    }

    /// The point the plane is centred on.
    pub fn origin(&self) -> Coord {
        self.origin
    }

    /// Squared bounds on [`point_to_area_m`] for an area inside `bbox`: no point of the area
    /// is nearer than the box, and its nearest point is no farther than the box's farthest
    /// corner. Lets a radius search skip the exact distance of most areas.
    pub fn box_bounds_sq(&self, bbox: Rect) -> (f64, f64) {
        let (x0, x1) = ((bbox.min().x - self.origin.x) * self.kx, (bbox.max().x - self.origin.x) * self.kx);
        let (y0, y1) = ((bbox.min().y - self.origin.y) * METRES_PER_DEGREE, (bbox.max().y - self.origin.y) * METRES_PER_DEGREE);
        let gap = |lo: f64, hi: f64| if lo > 0.0 { lo } else if hi < 0.0 { -hi } else { 0.0 };
        let (gx, gy) = (gap(x0, x1), gap(y0, y1));
        let (fx, fy) = (x0.abs().max(x1.abs()), y0.abs().max(y1.abs()));
        (gx * gx + gy * gy, fx * fx + fy * fy)
    }

    /// [`LocalPlane::box_bounds_sq`] in metres.
    pub fn box_bounds_m(&self, bbox: Rect) -> (f64, f64) {
        let (lower, upper) = self.box_bounds_sq(bbox);
        (lower.sqrt(), upper.sqrt())
    }
}

/// Gap in metres between two areas: 0 when they touch or overlap. Both are projected onto
/// one local plane centred on `a`, so it is meant for neighbours, not for distant areas.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use chanye::geometry::distance::area_gap_m;
/// let a = MultiPolygon(vec![polygon![(x: 116.0, y: 40.0), (x: 116.001, y: 40.0), (x: 116.001, y: 40.001), (x: 116.0, y: 40.001)]]);
/// let touching = MultiPolygon(vec![polygon![(x: 116.001, y: 40.0), (x: 116.002, y: 40.0), (x: 116.002, y: 40.001), (x: 116.001, y: 40.001)]]);
/// assert_eq!(area_gap_m(&a, &touching), 0.0);
/// ```
pub fn area_gap_m(a: &MultiPolygon, b: &MultiPolygon) -> f64 {
    use geo::{Distance, Euclidean, MapCoords};
    let Some(origin) = a.0.first().and_then(|p| p.exterior().0.first()).copied() else { return f64::INFINITY };
    let kx = METRES_PER_DEGREE * origin.y.to_radians().cos();
    let local = |m: &MultiPolygon| m.map_coords(|c| Coord { x: (c.x - origin.x) * kx, y: (c.y - origin.y) * METRES_PER_DEGREE });
    let (la, lb) = (local(a), local(b));
    let mut best = f64::INFINITY;
    for pa in &la.0 {
        for pb in &lb.0 {
            best = best.min(Euclidean.distance(pa, pb));
        }
    }
    best
}

/// Distance from the origin to the segment a–b in the plane.
fn origin_to_segment(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0) };
    let (px, py) = (a.0 + t * dx, a.1 + t * dy);
    (px * px + py * py).sqrt()
}

/// A lon/lat box around `origin` that holds every point within `metres` of it.
pub fn bbox_around(origin: Coord, metres: f64) -> (Coord, Coord) {
    // 1% margin: the sphere's metres-per-degree differs from the ellipsoid's by less
    let dlat = metres / METRES_PER_DEGREE * 1.01;
    let max_lat = (origin.y.abs() + dlat).min(89.9);
    let dlon = (dlat / max_lat.to_radians().cos()).min(360.0);
    (Coord { x: origin.x - dlon, y: origin.y - dlat }, Coord { x: origin.x + dlon, y: origin.y + dlat })
}

#[cfg(test)]
mod test {
    use super::*;
    use geo::polygon;

    #[test]
    fn haversine_of_one_degree_of_latitude() {
        let d = haversine_m(Coord { x: 116.0, y: 40.0 }, Coord { x: 116.0, y: 41.0 });
        assert!((d - METRES_PER_DEGREE).abs() < 1e-6);
    }

    #[test]
    fn distance_to_a_square_from_inside_and_outside() {
        let sq = MultiPolygon(vec![polygon![(x: 116.0, y: 40.0), (x: 116.01, y: 40.0), (x: 116.01, y: 40.01), (x: 116.0, y: 40.01)]]);
        assert_eq!(point_to_area_m(Coord { x: 116.005, y: 40.005 }, &sq), 0.0);
        // due south of the square by 0.01° of latitude
        let d = point_to_area_m(Coord { x: 116.005, y: 39.99 }, &sq);
        assert!((d - 0.01 * METRES_PER_DEGREE).abs() < 1.0, "{d}");
        // the local projection agrees with haversine to well under 0.5% at 5 km
        let p = Coord { x: 115.95, y: 39.97 };
        let to_corner = haversine_m(p, Coord { x: 116.0, y: 40.0 });
        assert!((point_to_area_m(p, &sq) - to_corner).abs() / to_corner < 0.005);
    }

    #[test]
    fn area_distance_bounds_hold_the_exact_distance() {
        use geo::{BoundingRect, Translate};
        let square = MultiPolygon(vec![polygon![(x: 116.0, y: 40.0), (x: 116.004, y: 40.001), (x: 116.002, y: 40.003), (x: 115.999, y: 40.002)]]);
        for (dx, dy) in [(0.0, 0.0), (0.01, 0.0), (-0.02, 0.015), (0.003, -0.05), (0.0015, 0.0015)] {
            let area = square.translate(dx, dy);
            let origin = Coord { x: 116.001, y: 40.001 };
            let (lower, upper) = LocalPlane::new(origin).box_bounds_m(area.bounding_rect().unwrap());
            let exact = point_to_area_m(origin, &area);
            assert!(lower <= exact + 1e-9 && exact <= upper + 1e-9, "{lower} ≤ {exact} ≤ {upper}");
        }
    }

    #[test]
    fn bbox_around_holds_the_circle() {
        let o = Coord { x: 116.4, y: 39.9 };
        let (lo, hi) = bbox_around(o, 10_000.0);
        for corner in [Coord { x: o.x, y: lo.y }, Coord { x: hi.x, y: o.y }] {
            assert!(haversine_m(o, corner) >= 10_000.0);
        }
    }
}
