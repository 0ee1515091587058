//! Laying out parcels: local metric rectangles around a centre, split recursively into
//! parcels separated by internal roads.

use geo::{Coord, LineString, MultiPolygon, Polygon};
use rand::Rng;

use crate::model::M2_PER_MU;

/// Width of internal roads between parcels, metres.
const ROAD_M: f64 = 12.0;
/// Share of splits along a property line rather than a road, so that some neighbours
/// touch and can be offered together.
const SHARED_BOUNDARY_SHARE: f64 = 0.2;

/// A rectangle in metres relative to a centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalRect {
    /// West edge.
    pub x0: f64,
    /// South edge.
    pub y0: f64,
    /// East edge.
    pub x1: f64,
    /// North edge.
    pub y1: f64,
}

impl LocalRect {
    fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    fn height(&self) -> f64 {
        self.y1 - self.y0
    }
    /// Area in m².
    pub fn area(&self) -> f64 {
        self.width() * self.height()
    }
    /// Shrinks each side by `m` metres.
    pub fn inset(&self, m: f64) -> LocalRect {
        LocalRect { x0: self.x0 + m, y0: self.y0 + m, x1: self.x1 - m, y1: self.y1 - m }
    }
}

/// Converts metres east/north of `center` to lon/lat, with the ellipsoid's metres per degree
/// at the centre's latitude (ample for a few kilometres).
pub fn to_lonlat(center: [f64; 2], x: f64, y: f64) -> Coord {
    let phi = center[1].to_radians();
    let m_per_deg_lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
    let m_per_deg_lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos();
    Coord { x: center[0] + x / m_per_deg_lon, y: center[1] + y / m_per_deg_lat }
}

/// A local polygon (counter-clockwise ring, closed) in lon/lat.
pub fn polygon(center: [f64; 2], ring: &[(f64, f64)]) -> MultiPolygon {
    let mut coords: Vec<Coord> = ring.iter().map(|&(x, y)| to_lonlat(center, x, y)).collect();
    coords.push(coords[0]);
    MultiPolygon(vec![Polygon::new(LineString(coords), vec![])])
}

/// The four corners of a rectangle, counter-clockwise.
pub fn corners(r: &LocalRect) -> Vec<(f64, f64)> {
    vec![(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)]
}

/// Splits `region` into parcels whose target sizes are drawn log-uniformly between
/// `min_mu` and `max_mu`; pieces below `min_mu` are left as green space.
pub fn split_parcels(region: LocalRect, min_mu: f64, max_mu: f64, rng: &mut impl Rng) -> Vec<LocalRect> {
    let mut out = Vec::new();
    let mut stack = vec![region.inset(ROAD_M / 2.0)];
    let (lo, hi) = ((min_mu * M2_PER_MU).ln(), (max_mu * M2_PER_MU).ln());
    while let Some(r) = stack.pop() {
        let target = rng.gen_range(lo..hi).exp();
        let too_thin = r.width().min(r.height()) < 2.0 * ROAD_M + 20.0;
        if r.area() <= target || too_thin {
            if r.area() >= min_mu * M2_PER_MU {
                out.push(r);
            }
            continue;
        }
        let t = rng.gen_range(0.35..0.65);
        let half = if rng.gen_bool(SHARED_BOUNDARY_SHARE) { 0.0 } else { ROAD_M / 2.0 };
        if r.width() >= r.height() {
            let x = r.x0 + r.width() * t;
            stack.push(LocalRect { x1: x - half, ..r });
            stack.push(LocalRect { x0: x + half, ..r });
        } else {
            let y = r.y0 + r.height() * t;
            stack.push(LocalRect { y1: y - half, ..r });
            stack.push(LocalRect { y0: y + half, ..r });
        }
    }
    out.sort_by(|a, b| (a.y0, a.x0).partial_cmp(&(b.y0, b.x0)).unwrap_or(std::cmp::Ordering::Equal));
    out
}

/// Cuts strips of the given areas (m²) off the long side of `region`; returns them and
/// what is left.
pub fn carve(region: LocalRect, areas_m2: &[f64]) -> (Vec<LocalRect>, LocalRect) {
    let half = ROAD_M / 2.0;
    let mut rest = region;
    let mut strips = Vec::new();
    for &area in areas_m2 {
        if rest.width() >= rest.height() {
            let w = area / (rest.height() - ROAD_M) + ROAD_M;
            if w >= rest.width() {
                break;
            }
            strips.push(LocalRect { x0: rest.x0 + half, y0: rest.y0 + half, x1: rest.x0 + w - half, y1: rest.y1 - half });
            rest.x0 += w;
        } else {
            let h = area / (rest.width() - ROAD_M) + ROAD_M;
            if h >= rest.height() {
                break;
            }
            strips.push(LocalRect { x0: rest.x0 + half, y0: rest.y0 + half, x1: rest.x1 - half, y1: rest.y0 + h - half });
            rest.y0 += h;
        }
    }
    (strips, rest)
}

/// A parcel outline: the rectangle, sometimes with one corner cut off, so that shapes vary.
pub fn parcel_ring(r: &LocalRect, rng: &mut impl Rng) -> Vec<(f64, f64)> {
    let mut ring = corners(r);
    if rng.gen_bool(0.25) {
        let corner = rng.gen_range(0..4);
        let cut = r.width().min(r.height()) * rng.gen_range(0.15..0.35);
        let (cx, cy) = ring[corner];
        let (px, py) = ring[(corner + 3) % 4];
        let (nx, ny) = ring[(corner + 1) % 4];
        let towards = |(ax, ay): (f64, f64), (bx, by): (f64, f64)| {
            let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt();
            (ax + (bx - ax) / len * cut, ay + (by - ay) / len * cut)
        };
        let a = towards((cx, cy), (px, py));
        let b = towards((cx, cy), (nx, ny));
        ring.splice(corner..=corner, [a, b]);
    }
    ring
}

#[cfg(test)]
mod test {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn carved_strips_have_the_asked_areas() {
        let region = LocalRect { x0: 0.0, y0: 0.0, x1: 1600.0, y1: 1100.0 };
        let (strips, rest) = carve(region, &[150.0 * M2_PER_MU, 40.0 * M2_PER_MU]);
        assert_eq!(strips.len(), 2);
        assert!((strips[0].area() / M2_PER_MU - 150.0).abs() < 1e-6);
        assert!((strips[1].area() / M2_PER_MU - 40.0).abs() < 1e-6);
        assert!(rest.x0 > strips[1].x1 && rest.x1 == region.x1);
    }

    #[test]
    fn parcels_stay_inside_their_region_and_within_size() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let region = LocalRect { x0: 0.0, y0: 0.0, x1: 1600.0, y1: 1100.0 };
        let parcels = split_parcels(region, 10.0, 300.0, &mut rng);
        assert!(parcels.len() > 10);
        for p in &parcels {
            assert!(p.x0 >= region.x0 && p.x1 <= region.x1 && p.y0 >= region.y0 && p.y1 <= region.y1);
            assert!(p.area() >= 10.0 * M2_PER_MU && p.area() <= 300.0 * M2_PER_MU, "{}", p.area() / M2_PER_MU);
        }
    }
}
