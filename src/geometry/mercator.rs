//! Web Mercator: lon/lat → world fractions, and a layer's outlines kept projected in one
//! contiguous table, so a vector tile reads its features' corners without a logarithm each or a
//! pointer chase per ring.

use std::f64::consts::PI;

use geo::{Coord, LineString, MultiPolygon};

/// Web Mercator's latitude limit.
pub const MAX_LAT: f64 = 85.051_128_779_806_59;

/// The point as a fraction of the Web Mercator world: x from 180°W, y from the north edge,
/// both 0–1.
pub fn world_fraction(c: Coord) -> Coord {
    let lat = c.y.clamp(-MAX_LAT, MAX_LAT).to_radians();
    Coord { x: (c.x + 180.0) / 360.0, y: 0.5 - (lat.tan() + 1.0 / lat.cos()).ln() / (2.0 * PI) }
}

/// World fractions are stored as 32-bit fixed point: 1 unit is 9 mm at the equator, a
/// sixteenth of a tile unit at zoom 16 and below a tile unit up to zoom 20.
pub const FIXED_SCALE: f64 = 4_294_967_296.0;

fn fixed(fraction: f64) -> u32 {
    // NaN (never in validated data) becomes 0 rather than anything undefined
    (fraction * FIXED_SCALE).round().clamp(0.0, u32::MAX as f64) as u32
}

/// Every area of a layer in Web Mercator fixed point, ring after ring, feature after feature.
#[derive(Debug, Clone, Default)]
pub struct MercatorOutlines {
    corners: Vec<[u32; 2]>,
    /// Each ring's end in `corners`; the top bit marks the exterior ring that starts a polygon.
    ring_ends: Vec<u32>,
    /// Each feature's end in `ring_ends`.
    feature_ends: Vec<u32>,
}

const EXTERIOR: u32 = 1 << 31;

impl MercatorOutlines {
    /// Projects each feature's area; a feature without one (a point) gets no rings.
    pub fn build<'a>(areas: impl IntoIterator<Item = Option<&'a MultiPolygon>>) -> MercatorOutlines {
        let mut table = MercatorOutlines::default();
        for area in areas {
            for polygon in area.map(|a| a.0.as_slice()).unwrap_or_default() {
                table.push_ring(polygon.exterior(), true);
                for hole in polygon.interiors() {
                    table.push_ring(hole, false);
                }
            }
            table.feature_ends.push(table.ring_ends.len() as u32);
        }
        table
    }

    fn push_ring(&mut self, ring: &LineString, exterior: bool) {
        // the closing corner repeats the first: tiles close rings themselves
        let open = match ring.0.split_last() {
            Some((last, rest)) if rest.first() == Some(last) => rest,
            _ => ring.0.as_slice(),
        };
        self.corners.extend(open.iter().map(|&c| {
            let w = world_fraction(c);
            [fixed(w.x), fixed(w.y)]
        }));
        let end = self.corners.len() as u32;
        self.ring_ends.push(if exterior { end | EXTERIOR } else { end });
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.feature_ends.len()
    }

    /// Whether the table holds no feature.
    pub fn is_empty(&self) -> bool {
        self.feature_ends.is_empty()
    }

    /// The rings of the feature at `index`: whether each is an exterior, and its corners
    /// (without the closing repeat). Nothing for a position past the end.
    pub fn rings(&self, index: u32) -> impl Iterator<Item = (bool, &[[u32; 2]])> + '_ {
        let i = index as usize;
        let first = if i == 0 { 0 } else { self.feature_ends.get(i - 1).copied().unwrap_or(0) as usize };
        let last = self.feature_ends.get(i).map_or(first, |&e| e as usize);
        let ring_start = |r: usize| if r == 0 { 0 } else { (self.ring_ends[r - 1] & !EXTERIOR) as usize };
        (first..last).map(move |r| {
            let end = self.ring_ends[r];
            (end & EXTERIOR != 0, &self.corners[ring_start(r)..(end & !EXTERIOR) as usize])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::{polygon, MultiPolygon, Polygon};

    #[test]
    fn world_corners_and_centre() {
        let nw = world_fraction(Coord { x: -180.0, y: MAX_LAT });
        assert_relative_eq!(nw.x, 0.0, epsilon = 1e-12);
        assert_relative_eq!(nw.y, 0.0, epsilon = 1e-9);
        let centre = world_fraction(Coord { x: 0.0, y: 0.0 });
        assert_relative_eq!(centre.x, 0.5, epsilon = 1e-12);
        assert_relative_eq!(centre.y, 0.5, epsilon = 1e-12);
    }

    #[test]
    fn rings_come_back_per_feature_with_their_roles() {
        let square = |x0: f64, size: f64| polygon![(x: x0, y: 40.0), (x: x0 + size, y: 40.0), (x: x0 + size, y: 40.0 + size), (x: x0, y: 40.0 + size), (x: x0, y: 40.0)];
        let with_hole = Polygon::new(square(116.0, 0.1).exterior().clone(), vec![square(116.02, 0.02).exterior().clone()]);
        let a = MultiPolygon(vec![with_hole]);
        let b = MultiPolygon(vec![square(117.0, 0.01), square(117.5, 0.01)]);
        let table = MercatorOutlines::build([Some(&a), None, Some(&b)]);
        assert_eq!(table.len(), 3);
        let first: Vec<(bool, usize)> = table.rings(0).map(|(e, r)| (e, r.len())).collect();
        assert_eq!(first, vec![(true, 4), (false, 4)]);
        assert_eq!(table.rings(1).count(), 0);
        let third: Vec<(bool, usize)> = table.rings(2).map(|(e, r)| (e, r.len())).collect();
        assert_eq!(third, vec![(true, 4), (true, 4)]);
        assert_eq!(table.rings(3).count(), 0);
        // the first corner of the third feature, back in degrees of longitude
        let (_, ring) = table.rings(2).next().unwrap();
        assert_relative_eq!(ring[0][0] as f64 / FIXED_SCALE * 360.0 - 180.0, 117.0, epsilon = 1e-6);
    }
}
