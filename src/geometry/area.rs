//! Geodesic areas on the WGS84 ellipsoid.

use geo::{GeodesicArea, MultiPolygon};

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
    SquareMetres(geometry.0.iter().map(|p| p.geodesic_area_unsigned()).sum())
}
