//! Geodesic areas on the WGS84 ellipsoid.

use geo::orient::{Direction, Orient};
use geo::{GeodesicArea, MultiPolygon, Polygon, Winding};

use crate::model::SquareMetres;

/// The area of a lon/lat multipolygon on the WGS84 ellipsoid (Karney's algorithm), holes
/// subtracted. Only meaningful for WGS84 coordinates.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// // about 0.001° × 0.001° at Miyun: roughly 85 m × 111 m
/// let square = MultiPolygon(vec![polygon![(x: 116.85, y: 40.37), (x: 116.851, y: 40.37),
///     (x: 116.851, y: 40.371), (x: 116.85, y: 40.371), (x: 116.85, y: 40.37)]]);
/// let area = chanye::geometry::geodesic_area(&square).0;
/// assert!((area - 9_436.0).abs() < 10.0, "{area}");
/// ```
pub fn geodesic_area(geometry: &MultiPolygon) -> SquareMetres {
    // the geodesic formula reads ring direction as inside/outside: a clockwise shell would
    // give the rest of the Earth, so rings are brought to the standard orientation first
    let area = |p: &Polygon| {
        let standard = p.exterior().is_ccw() && p.interiors().iter().all(|h| h.is_cw());
        if standard {
            p.geodesic_area_unsigned()
        } else {
            p.orient(Direction::Default).geodesic_area_unsigned()
        }
    };
    SquareMetres(geometry.0.iter().map(area).sum())
}

#[cfg(test)]
mod test {
    use super::*;
    use geo::polygon;

    #[test]
    fn ring_direction_does_not_change_the_area() {
        let ccw = polygon![(x: 116.0, y: 40.0), (x: 116.01, y: 40.0), (x: 116.01, y: 40.01), (x: 116.0, y: 40.01)];
        let cw = polygon![(x: 116.0, y: 40.0), (x: 116.0, y: 40.01), (x: 116.01, y: 40.01), (x: 116.01, y: 40.0)];
        let (a, b) = (geodesic_area(&MultiPolygon(vec![ccw])).0, geodesic_area(&MultiPolygon(vec![cw])).0);
        assert!((a - b).abs() < 1e-6 && a > 900_000.0 && a < 1_000_000.0, "{a} {b}");
    }
}
