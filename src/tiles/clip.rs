//! Geometry in tile units: projected, clipped to the buffered tile, simplified at the tile's
//! resolution, snapped to the integer grid, and wound as MVT 2.1 asks. One [`Shaper`] serves a
//! whole tile and reuses its buffers from feature to feature.

use geo::{Coord, LineString, MakeValid, MultiPolygon, Polygon, SimplifyVwPreserve, Validation};

use super::grid::{TileProjection, BUFFER, EXTENT};

/// What a [`TileGeometry`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GeometryKind {
    /// Points.
    #[default]
    Points,
    /// Polygons.
    Polygons,
}

/// A feature's geometry in tile units, ready to encode: points, or rings each ending at
/// `ends[i]` in `points` (an exterior ring, positive area in tile space, starts a polygon;
/// the holes that follow have negative area). Rings do not repeat their first point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TileGeometry {
    /// Points or polygons.
    pub kind: GeometryKind,
    /// Every point, ring after ring.
    pub points: Vec<[i32; 2]>,
    /// Each ring's end in `points`, and whether it is an exterior ring.
    pub rings: Vec<(usize, bool)>,
}

impl TileGeometry {
    fn clear(&mut self, kind: GeometryKind) {
        self.kind = kind;
        self.points.clear();
        self.rings.clear();
    }

    /// The rings of each polygon, as (start, end) ranges of `points`.
    #[cfg(test)]
    fn polygons(&self) -> Vec<Vec<(usize, usize)>> {
        let mut polygons: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut start = 0;
        for &(end, exterior) in &self.rings {
            if exterior || polygons.is_empty() {
                polygons.push(Vec::new());
            }
            polygons.last_mut().expect("pushed above").push((start, end));
            start = end;
        }
        polygons
    }
}

/// Rings longer than this are simplified; parcels (a handful of corners) are left as they are.
const SIMPLIFY_ABOVE: usize = 16;
/// Visvalingam–Whyatt tolerance: corners whose triangle is smaller than this many square tile
/// units go (a unit is 1/16 of a screen pixel at 256 px a tile). The topology-preserving
/// variant never makes a ring cross itself, which renderers would draw with cracks.
const SIMPLIFY_TOLERANCE: f64 = 2.0;
/// The clip window: the tile plus its buffer.
const LOW: f64 = -BUFFER;
const HIGH: f64 = EXTENT as f64 + BUFFER;

/// Where a ring's corners come from.
enum Corners<'s> {
    /// Lon/lat, closed, moved to the tile's datum and projected corner by corner.
    LonLat(&'s LineString),
    /// Web Mercator fixed point on WGS84, open.
    Fixed(&'s [[u32; 2]]),
}

/// Turns lon/lat geometry into one tile's geometry.
pub struct Shaper<D> {
    projection: TileProjection,
    datum: D,
    projected: Vec<Coord>,
    scratch: Vec<Coord>,
    /// The last geometry shaped.
    pub geometry: TileGeometry,
}

impl<D: Fn(Coord) -> Coord> Shaper<D> {
    /// A shaper for the tile of `projection`; `datum` moves WGS84 to the tile's datum.
    pub fn new(projection: TileProjection, datum: D) -> Self {
        Shaper { projection, datum, projected: Vec::new(), scratch: Vec::new(), geometry: TileGeometry::default() }
    }

    /// A point inside the buffered tile; false when it lies outside.
    pub fn point(&mut self, c: Coord) -> bool {
        self.geometry.clear(GeometryKind::Points);
        let p = self.projection.project((self.datum)(c));
        let inside = (LOW..=HIGH).contains(&p.x) && (LOW..=HIGH).contains(&p.y);
        if inside {
            self.geometry.points.push([p.x.round() as i32, p.y.round() as i32]);
        }
        inside
    }

    /// The part of an area inside the buffered tile; false when nothing of it is left.
    pub fn area(&mut self, shape: &MultiPolygon) -> bool {
        let rings = shape.0.iter().flat_map(|p| {
            std::iter::once((true, Corners::LonLat(p.exterior()))).chain(p.interiors().iter().map(|h| (false, Corners::LonLat(h))))
        });
        self.rings(rings)
    }

    /// Like [`Shaper::area`], for rings of [`crate::geometry::mercator::MercatorOutlines`]
    /// (already projected, on WGS84: only for tiles over WGS84).
    pub fn outline<'s>(&mut self, rings: impl Iterator<Item = (bool, &'s [[u32; 2]])>) -> bool {
        self.rings(rings.map(|(exterior, corners)| (exterior, Corners::Fixed(corners))))
    }

    /// Shapes rings given exterior first, each followed by its holes.
    fn rings<'s>(&mut self, rings: impl Iterator<Item = (bool, Corners<'s>)>) -> bool {
        self.geometry.clear(GeometryKind::Polygons);
        // the polygon being shaped: its first point and ring, and whether a ring is long;
        // none while its exterior has collapsed (its holes go with it)
        let mut polygon: Option<(usize, usize, bool)> = None;
        for (exterior, corners) in rings {
            if exterior {
                self.finish(polygon.take());
                let start = (self.geometry.points.len(), self.geometry.rings.len());
                self.project(corners);
                let long = self.projected.len() > SIMPLIFY_ABOVE;
                if self.ring(true) {
                    polygon = Some((start.0, start.1, long));
                }
            } else if let Some((_, _, long)) = &mut polygon {
                self.project(corners);
                *long |= self.projected.len() > SIMPLIFY_ABOVE;
                self.ring(false);
            }
        }
        self.finish(polygon);
        !self.geometry.rings.is_empty()
    }

    /// Snapping long outlines to the grid can make them touch or cross themselves (and
    /// clipping a concave one leaves edges along the border): renderers fill such rings with
    /// cracks, so they are rebuilt valid.
    fn finish(&mut self, polygon: Option<(usize, usize, bool)>) {
        if let Some((first_point, first_ring, true)) = polygon {
            self.repair(first_point, first_ring);
        }
    }

    /// Rebuilds the polygon whose rings start at `first_ring` as valid polygons, if it is not.
    fn repair(&mut self, first_point: usize, first_ring: usize) {
        let g = &mut self.geometry;
        let mut start = first_point;
        let mut rings = Vec::new();
        for &(end, _) in &g.rings[first_ring..] {
            let mut ring: Vec<Coord> = g.points[start..end].iter().map(|&[x, y]| Coord { x: x as f64, y: y as f64 }).collect();
            ring.push(ring[0]);
            rings.push(LineString(ring));
            start = end;
        }
        let mut rings = rings.into_iter();
        let Some(exterior) = rings.next() else { return };
        let polygon = Polygon::new(exterior, rings.collect());
        if polygon.is_valid() {
            return;
        }
        let Ok(repaired) = polygon.make_valid() else { return };
        g.points.truncate(first_point);
        g.rings.truncate(first_ring);
        for part in &repaired.0 {
            for (i, ring) in std::iter::once(part.exterior()).chain(part.interiors()).enumerate() {
                self.projected.clear();
                self.projected.extend(ring.0.iter().take(ring.0.len().saturating_sub(1)));
                if !self.ring(i == 0) && i == 0 {
                    break;
                }
            }
        }
    }

    /// Projects a ring, without its closing point.
    fn project(&mut self, corners: Corners) {
        self.projected.clear();
        let (projection, datum) = (&self.projection, &self.datum);
        match corners {
            Corners::LonLat(ring) => {
                let open = match ring.0.split_last() {
                    Some((last, rest)) if rest.first() == Some(last) => rest,
                    _ => ring.0.as_slice(),
                };
                self.projected.extend(open.iter().map(|&c| projection.project(datum(c))));
            }
            Corners::Fixed(corners) => self.projected.extend(corners.iter().map(|&c| projection.project_fixed(c))),
        }
    }

    /// Clips, simplifies, snaps and winds the projected ring onto the geometry; false when
    /// it collapses.
    fn ring(&mut self, exterior: bool) -> bool {
        let ring = &mut self.projected;
        if ring.len() < 3 {
            return false;
        }
        if !ring.iter().all(|c| (LOW..=HIGH).contains(&c.x) && (LOW..=HIGH).contains(&c.y)) {
            clip(ring, &mut self.scratch);
            if ring.len() < 3 {
                return false;
            }
        }
        if ring.len() > SIMPLIFY_ABOVE {
            let mut closed = std::mem::take(ring);
            closed.push(closed[0]);
            *ring = LineString(closed).simplify_vw_preserve(SIMPLIFY_TOLERANCE).0;
            ring.pop();
        }
        let points = &mut self.geometry.points;
        let start = points.len();
        for c in ring.iter() {
            let p = [c.x.round() as i32, c.y.round() as i32];
            if points.len() == start || points.last() != Some(&p) {
                points.push(p);
            }
        }
        while points.len() > start + 1 && points[start] == points[points.len() - 1] {
            points.pop();
        }
        let twice_area = signed_twice_area(&points[start..]);
        if points.len() - start < 3 || twice_area == 0 {
            points.truncate(start);
            return false;
        }
        // MVT 2.1: exterior rings have positive area in tile space (y down), holes negative
        if (twice_area > 0) != exterior {
            points[start..].reverse();
        }
        self.geometry.rings.push((points.len(), exterior));
        true
    }
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
fn clip(ring: &mut Vec<Coord>, scratch: &mut Vec<Coord>) {
    clip_edge(ring, scratch, |c| c.x >= LOW, |a, b| cross_x(a, b, LOW));
    clip_edge(ring, scratch, |c| c.x <= HIGH, |a, b| cross_x(a, b, HIGH));
    clip_edge(ring, scratch, |c| c.y >= LOW, |a, b| cross_y(a, b, LOW));
    clip_edge(ring, scratch, |c| c.y <= HIGH, |a, b| cross_y(a, b, HIGH));
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

    /// A square given in tile units, turned back into lon/lat through the tile's bounds (near
    /// the equator Mercator y is close to linear over one deep tile).
    fn square_at(tile: TileId, x0: f64, y0: f64, size: f64) -> MultiPolygon {
        let b = tile.lonlat_bounds(0.0);
        let lon = |x: f64| b.min().x + (b.max().x - b.min().x) * x / EXTENT as f64;
        let lat = |y: f64| b.max().y - (b.max().y - b.min().y) * y / EXTENT as f64;
        MultiPolygon(vec![polygon![
            (x: lon(x0), y: lat(y0)),
            (x: lon(x0 + size), y: lat(y0)),
            (x: lon(x0 + size), y: lat(y0 + size)),
            (x: lon(x0), y: lat(y0 + size)),
            (x: lon(x0), y: lat(y0)),
        ]])
    }

    fn shaper(tile: TileId) -> Shaper<fn(Coord) -> Coord> {
        Shaper::new(tile.projection(), |c| c)
    }

    #[test]
    fn an_area_inside_is_kept_whole_and_wound_clockwise() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let mut s = shaper(tile);
        assert!(s.area(&square_at(tile, 100.0, 100.0, 200.0)));
        assert_eq!(s.geometry.rings, vec![(4, true)]);
        let twice = signed_twice_area(&s.geometry.points);
        assert!(twice > 0 && (twice - 2 * 200 * 200).abs() < 2 * 200 * 4, "area {twice}");
    }

    #[test]
    fn an_area_across_the_edge_is_cut_at_the_buffer() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let mut s = shaper(tile);
        assert!(s.area(&square_at(tile, 3_000.0, 1_000.0, 3_000.0)));
        let max_x = s.geometry.points.iter().map(|p| p[0]).max().unwrap();
        assert_eq!(max_x, EXTENT as i32 + BUFFER as i32);
        assert!(!s.area(&square_at(tile, 5_000.0, 1_000.0, 100.0)));
        assert!(s.geometry.points.is_empty());
    }

    #[test]
    fn an_area_smaller_than_a_unit_collapses() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        assert!(!shaper(tile).area(&square_at(tile, 100.2, 100.2, 0.2)));
    }

    #[test]
    fn holes_are_wound_against_their_exterior() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let outer = square_at(tile, 100.0, 100.0, 1_000.0);
        let inner = square_at(tile, 400.0, 400.0, 200.0);
        let with_hole = MultiPolygon(vec![geo::Polygon::new(outer.0[0].exterior().clone(), vec![inner.0[0].exterior().clone()])]);
        let mut s = shaper(tile);
        assert!(s.area(&with_hole));
        let polygons = s.geometry.polygons();
        assert_eq!(polygons, vec![vec![(0, 4), (4, 8)]]);
        assert!(signed_twice_area(&s.geometry.points[0..4]) > 0);
        assert!(signed_twice_area(&s.geometry.points[4..8]) < 0);
    }

    #[test]
    fn points_outside_the_buffer_are_dropped() {
        let tile = TileId::new(16, 32_768, 32_767).unwrap();
        let b = tile.lonlat_bounds(0.0);
        let inside = Coord { x: (b.min().x + b.max().x) / 2.0, y: (b.min().y + b.max().y) / 2.0 };
        let mut s = shaper(tile);
        assert!(s.point(inside));
        assert_eq!(s.geometry.points.len(), 1);
        assert!(!s.point(Coord { x: b.max().x + (b.max().x - b.min().x), y: inside.y }));
    }

    #[test]
    fn stored_outlines_shape_like_lon_lat() {
        let tile = TileId::new(16, 53_950, 24_830).unwrap();
        let outer = square_at(tile, -500.0, 300.0, 2_000.0);
        let inner = square_at(tile, 100.0, 600.0, 300.0);
        let shape = MultiPolygon(vec![geo::Polygon::new(outer.0[0].exterior().clone(), vec![inner.0[0].exterior().clone()])]);
        let table = crate::geometry::mercator::MercatorOutlines::build([Some(&shape)]);
        let mut from_lonlat = shaper(tile);
        let mut from_table = shaper(tile);
        assert!(from_lonlat.area(&shape));
        assert!(from_table.outline(table.rings(0)));
        assert_eq!(from_table.geometry.rings, from_lonlat.geometry.rings);
        for (a, b) in from_table.geometry.points.iter().zip(&from_lonlat.geometry.points) {
            assert!((a[0] - b[0]).abs() <= 1 && (a[1] - b[1]).abs() <= 1, "{a:?} against {b:?}");
        }
        // the clipped edge lies on the buffer in both
        assert!(from_table.geometry.points.iter().any(|p| p[0] == -(BUFFER as i32)));
    }
}
