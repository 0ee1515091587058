//! The Web Mercator XYZ grid: tile ids, their bounds, and lon/lat → tile coordinates.

use std::f64::consts::PI;
use std::fmt;

use geo::{Coord, Rect};

use super::TileError;
use crate::geometry::mercator::{world_fraction, FIXED_SCALE};

/// The deepest zoom served (TileJSON `maxzoom` of every layer): clients overzoom its tiles.
pub const MAX_ZOOM: u8 = 16;
/// Tile coordinate space: 4096 units a side, as most MVT producers and clients use.
pub const EXTENT: u32 = 4096;
/// Geometry reaches this many units past each edge, so strokes and circles join across tiles.
pub const BUFFER: f64 = 64.0;

/// One tile of the XYZ grid (y counted from the north).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom level.
    pub z: u8,
    /// Column, 0 at 180°W.
    pub x: u32,
    /// Row, 0 at the north edge.
    pub y: u32,
}

impl TileId {
    /// Checks that the tile exists on the grid, naming the coordinate that does not.
    pub fn new(z: u32, x: u32, y: u32) -> Result<TileId, TileError> {
        if z > MAX_ZOOM as u32 {
            return Err(TileError::OffGrid {
                field: "z",
                reason: format!("zoom {z} is beyond the maximum zoom, {MAX_ZOOM} (TileJSON maxzoom); clients overzoom the zoom-{MAX_ZOOM} tiles"),
                reason_zh: format!("缩放级别 {z} 超过最大级别 {MAX_ZOOM}；客户端应放大显示 {MAX_ZOOM} 级的瓦片"),
            });
        }
        let n = 1u64 << z;
        if x as u64 >= n {
            return Err(TileError::OffGrid {
                field: "x",
                reason: format!("column {x} is off the grid at zoom {z} (0–{})", n - 1),
                reason_zh: format!("第 {x} 列不在 {z} 级的瓦片网格上（0–{}）", n - 1),
            });
        }
        if y as u64 >= n {
            return Err(TileError::OffGrid {
                field: "y",
                reason: format!("row {y} is off the grid at zoom {z} (0–{})", n - 1),
                reason_zh: format!("第 {y} 行不在 {z} 级的瓦片网格上（0–{}）", n - 1),
            });
        }
        Ok(TileId { z: z as u8, x, y })
    }

    /// The tile's bounds in lon/lat, widened by `margin` tile units on every side.
    pub fn lonlat_bounds(&self, margin: f64) -> Rect {
        let n = (1u64 << self.z) as f64;
        let m = margin / EXTENT as f64;
        let west = (self.x as f64 - m) / n * 360.0 - 180.0;
        let east = (self.x as f64 + 1.0 + m) / n * 360.0 - 180.0;
        let north = row_to_lat((self.y as f64 - m) / n);
        let south = row_to_lat((self.y as f64 + 1.0 + m) / n);
        Rect::new(Coord { x: west, y: south }, Coord { x: east, y: north })
    }

    /// A projection from lon/lat to this tile's coordinate space (y down, 0–[`EXTENT`]).
    pub fn projection(&self) -> TileProjection {
        let scale = (1u64 << self.z) as f64 * EXTENT as f64;
        TileProjection { scale, x0: self.x as f64 * EXTENT as f64, y0: self.y as f64 * EXTENT as f64 }
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Latitude of a row given as a fraction of the world's height (0 north, 1 south).
fn row_to_lat(row: f64) -> f64 {
    let y = PI * (1.0 - 2.0 * row);
    y.sinh().atan().to_degrees()
}

/// Lon/lat → tile units of one tile.
#[derive(Debug, Clone, Copy)]
pub struct TileProjection {
    scale: f64,
    x0: f64,
    y0: f64,
}

impl TileProjection {
    /// The point in tile units (may lie outside the tile).
    pub fn project(&self, c: Coord) -> Coord {
        let w = world_fraction(c);
        Coord { x: w.x * self.scale - self.x0, y: w.y * self.scale - self.y0 }
    }

    /// A corner of [`crate::geometry::mercator::MercatorOutlines`] in tile units.
    pub fn project_fixed(&self, [x, y]: [u32; 2]) -> Coord {
        let k = self.scale / FIXED_SCALE;
        Coord { x: x as f64 * k - self.x0, y: y as f64 * k - self.y0 }
    }
}

/// The smallest zoom whose single tile holds `rect` whole (for TileJSON's centre).
pub fn fitting_zoom(rect: Rect) -> u8 {
    let width = (rect.max().x - rect.min().x).max(1e-9);
    let zoom = (360.0 / width).log2().floor();
    zoom.clamp(0.0, f64::from(MAX_ZOOM)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::mercator::MAX_LAT;
    use approx::assert_relative_eq;

    #[test]
    fn corners_of_the_world_and_of_a_tile() {
        let world = TileId::new(0, 0, 0).unwrap().projection();
        let nw = world.project(Coord { x: -180.0, y: MAX_LAT });
        assert_relative_eq!(nw.x, 0.0, epsilon = 1e-6);
        assert_relative_eq!(nw.y, 0.0, epsilon = 1e-6);
        let centre = world.project(Coord { x: 0.0, y: 0.0 });
        assert_relative_eq!(centre.x, 2048.0, epsilon = 1e-9);
        assert_relative_eq!(centre.y, 2048.0, epsilon = 1e-9);
        // the corners of a Beijing tile map to 0 and EXTENT in its own space
        let tile = TileId::new(14, 13_487, 6_208).unwrap();
        let b = tile.lonlat_bounds(0.0);
        let p = tile.projection();
        let nw = p.project(Coord { x: b.min().x, y: b.max().y });
        let se = p.project(Coord { x: b.max().x, y: b.min().y });
        assert_relative_eq!(nw.x, 0.0, epsilon = 1e-6);
        assert_relative_eq!(nw.y, 0.0, epsilon = 1e-6);
        assert_relative_eq!(se.x, 4096.0, epsilon = 1e-6);
        assert_relative_eq!(se.y, 4096.0, epsilon = 1e-6);
    }

    #[test]
    fn tiles_off_the_grid_are_refused_by_coordinate() {
        assert!(matches!(TileId::new(MAX_ZOOM as u32 + 1, 0, 0), Err(TileError::OffGrid { field: "z", .. })));
        assert!(matches!(TileId::new(u32::MAX, 0, 0), Err(TileError::OffGrid { field: "z", .. })));
        assert!(matches!(TileId::new(3, 8, 0), Err(TileError::OffGrid { field: "x", .. })));
        assert!(matches!(TileId::new(3, 0, 8), Err(TileError::OffGrid { field: "y", .. })));
        assert!(TileId::new(16, (1 << 16) - 1, 0).is_ok());
    }
}
