//! Geometry in tile units: projected, clipped to the buffered tile, simplified at the tile's
//! resolution, snapped to the integer grid, and wound as MVT 2.1 asks.

use geo::{Coord, MultiPolygon, Simplify, LineString};

use super::grid::{TileProjection, BUFFER, EXTENT};

/// A ring in tile units, not repeating its first point.
pub type Ring = Vec<[i32; 2]>;

/// A feature's geometry, ready to encode.
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    /// One or more points.
    Points(Vec<[i32; 2]>),
    /// Polygons, each an exterior ring (positive area in tile space) then its holes (negative).
    Polygons(Vec<Vec<Ring>>),
}

/// Rings longer than this are simplified; parcels (a handful of corners) are left as they are.
const SIMPLIFY_ABOVE: usize = 16;
/// Douglas–Peucker tolerance in tile units (1/16 of a screen pixel at 256 px a tile).
const SIMPLIFY_TOLERANCE: f64 = 1.0;

/// The clip window: the tile plus its buffer.
const LOW: f64 = -BUFFER;
const HIGH: f64 = EXTENT as f64 + BUFFER;

/// A point inside the buffered tile, in tile units.
pub fn point(c: Coord, projection: &TileProjection, datum: impl Fn(Coord) -> Coord) -> Option<TileGeometry> {
    let p = projection.project(datum(c));
    let inside = (LOW..=HIGH).contains(&p.x) && (LOW..=HIGH).contains(&p.y);
    inside.then(|| TileGeometry::Points(vec![[p.x.round() as i32, p.y.round() as i32]]))
}

/// The part of an area inside the buffered tile; `None` when nothing of it is left.
pub fn area(shape: &MultiPolygon, projection: &TileProjection, datum: impl Fn(Coord) -> Coord) -> Option<TileGeometry> {
    let mut polygons = Vec::with_capacity(shape.0.len());
    let mut projected = Vec::new();
    for polygon in &shape.0 {
        project_ring(polygon.exterior(), projection, &datum, &mut projected);
        let Some(exterior) = tile_ring(&mut projected, true) else { continue };
        let mut rings = vec![exterior];
        for hole in polygon.interiors() {
            project_ring(hole, projection, &datum, &mut projected);
            rings.extend(tile_ring(&mut projected, false));
        }
        polygons.push(rings);
    }
    (!polygons.is_empty()).then_some(TileGeometry::Polygons(polygons))
}

/// Projects a closed ring into `out`, without its closing point.
fn project_ring(ring: &LineString, projection: &TileProjection, datum: &impl Fn(Coord) -> Coord, out: &mut Vec<Coord>) {
    out.clear();
    let coords = &ring.0;
    let open = match coords.split_last() {
        Some((last, rest)) if rest.first() == Some(last) => rest,
        _ => coords.as_slice(),
    };
    out.extend(open.iter().map(|&c| projection.project(datum(c))));
}

/// Clips, simplifies, snaps and winds one projected ring; `None` when it collapses.
fn tile_ring(ring: &mut Vec<Coord>, exterior: bool) -> Option<Ring> {
    if ring.len() < 3 {
        return None;
    }
    let inside = ring.iter().all(|c| (LOW..=HIGH).contains(&c.x) && (LOW..=HIGH).contains(&c.y));
    if !inside {
        clip(ring);
        if ring.len() < 3 {
            return None;
        }
    }
    if ring.len() > SIMPLIFY_ABOVE {
        let mut closed = std::mem::take(ring);
        closed.push(closed[0]);
        let simplified = LineString(closed).simplify(SIMPLIFY_TOLERANCE);
        *ring = simplified.0;
        ring.pop();
    }
    let mut snapped: Ring = Vec::with_capacity(ring.len());
    for c in ring.iter() {
        let p = [c.x.round() as i32, c.y.round() as i32];
        if snapped.last() != Some(&p) {
            snapped.push(p);
        }
    }
    while snapped.len() > 1 && snapped.first() == snapped.last() {
        snapped.pop();
    }
    let twice_area = signed_twice_area(&snapped);
    if snapped.len() < 3 || twice_area == 0 {
        return None;
    }
    // MVT 2.1: exterior rings have positive area in tile space (y down), holes negative
    if (twice_area > 0) != exterior {
        snapped.reverse();
    }
    Some(snapped)
}

/// Twice the shoelace area, positive for rings clockwise on screen (y down).
fn signed_twice_area(ring: &[[i32; 2]]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x1, y1] = ring[i];
            let [x2, y2] = ring[(i + 1) % n];
            x1 as i64 * y2 as i64 - x2 as i64 * y1 as i64
        })
        .sum()
}

/// Sutherland–Hodgman against the buffered tile: exact for convex windows, and a polygon
/// leaving and re-entering keeps degenerate edges along the window's border, which renderers
/// draw as nothing.
fn clip(ring: &mut Vec<Coord>) {
    let mut scratch = Vec::with_capacity(ring.len() + 4);
    clip_edge(ring, &mut scratch, |c| c.x >= LOW, |a, b| cross_x(a, b, LOW));
    clip_edge(ring, &mut scratch, |c| c.x <= HIGH, |a, b| cross_x(a, b, HIGH));
    clip_edge(ring, &mut scratch, |c| c.y >= LOW, |a, b| cross_y(a, b, LOW));
    clip_edge(ring, &mut scratch, |c| c.y <= HIGH, |a, b| cross_y(a, b, HIGH));
}

fn clip_edge(ring: &mut Vec<Coord>, out: &mut Vec<Coord>, keep: impl Fn(Coord) -> bool, cross: impl Fn(Coord, Coord) -> Coord) {
    out.clear();
    let Some(&last) = ring.last() else { return };
    let mut previous = last;
    for &current in ring.iter() {
        match (keep(previous), keep(current)) {
            (true, true) => out.push(current),
            (true, false) => out.push(cross(previous, current)),
            (false, true) => {
                out.push(cross(previous, current));
                out.push(current);
            }
            (false, false) => {}
        }
        previous = current;
    }
    std::mem::swap(ring, out);
}

fn cross_x(a: Coord, b: Coord, x: f64) -> Coord {
    let t = (x - a.x) / (b.x - a.x);
    Coord { x, y: a.y + t * (b.y - a.y) }
}

fn cross_y(a: Coord, b: Coord, y: f64) -> Coord {
    let t = (y - a.y) / (b.y - a.y);
    Coord { x: a.x + t * (b.x - a.x), y }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiles::TileId;
    use geo::{polygon, MultiPolygon};

    fn unit_square_at(tile: TileId, x0: f64, y0: f64, size: f64) -> MultiPolygon {
        // a square given in tile units, turned back into lon/lat through the tile's bounds
        let b = tile.lonlat_bounds(0.0);
        let lon = |x: f64| b.min().x + (b.max().x - b.min().x) * x / EXTENT as f64;
        // near the equator Mercator y is close to linear over one deep tile
        let lat = |y: f64| b.max().y - (b.max().y - b.min().y) * y / EXTENT as f64;
        MultiPolygon(vec![polygon![
            (x: lon(x0), y: lat(y0)),
            (x: lon(x0 + size), y: lat(y0)),
            (x: lon(x0 + size), y: lat(y0 + size)),
            (x: lon(x0), y: lat(y0 + size)),
            (x: lon(x0), y: lat(y0)),
        ]])
    }

    fn identity(c: Coord) -> Coord {
        c
    }

    #[test]
    fn an_area_inside_is_kept_whole_and_wound_clockwise() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let square = unit_square_at(tile, 100.0, 100.0, 200.0);
        let Some(TileGeometry::Polygons(polys)) = area(&square, &tile.projection(), identity) else { panic!("square lost") };
        assert_eq!(polys.len(), 1);
        let ring = &polys[0][0];
        assert_eq!(ring.len(), 4);
        assert!(signed_twice_area(ring) > 0);
        assert!((signed_twice_area(ring) - 2 * 200 * 200).abs() < 2 * 200 * 4, "area {}", signed_twice_area(ring));
    }

    #[test]
    fn an_area_across_the_edge_is_cut_at_the_buffer() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let square = unit_square_at(tile, 3_000.0, 1_000.0, 3_000.0);
        let Some(TileGeometry::Polygons(polys)) = area(&square, &tile.projection(), identity) else { panic!("square lost") };
        let max_x = polys[0][0].iter().map(|p| p[0]).max().unwrap();
        assert_eq!(max_x, EXTENT as i32 + BUFFER as i32);
        let outside = unit_square_at(tile, 5_000.0, 1_000.0, 100.0);
        assert_eq!(area(&outside, &tile.projection(), identity), None);
    }

    #[test]
    fn an_area_smaller_than_a_unit_collapses() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let speck = unit_square_at(tile, 100.2, 100.2, 0.2);
        assert_eq!(area(&speck, &tile.projection(), identity), None);
    }

    #[test]
    fn points_outside_the_buffer_are_dropped() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let b = tile.lonlat_bounds(0.0);
        let inside = Coord { x: (b.min().x + b.max().x) / 2.0, y: (b.min().y + b.max().y) / 2.0 };
        assert!(matches!(point(inside, &tile.projection(), identity), Some(TileGeometry::Points(p)) if p.len() == 1));
        let far = Coord { x: b.max().x + (b.max().x - b.min().x), y: inside.y };
        assert_eq!(point(far, &tile.projection(), identity), None);
    }
}
