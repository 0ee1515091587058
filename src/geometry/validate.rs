//! Geometry validation: every problem of a feature's geometry, named by part, ring and vertex.
//!
//! Checks run in two stages: on the raw GeoJSON positions (shape, closure, finiteness),
//! because `geo` closes rings silently; then, after transformation to WGS84, on the
//! coordinate range and the topology (self-intersections, holes outside the shell).

use std::fmt;

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::GeometryError;

/// GeoJSON positions of one ring as read.
pub type RawRing = Vec<Vec<f64>>;
/// GeoJSON rings of one polygon as read (exterior first).
pub type RawPolygon = Vec<RawRing>;

/// Where in a geometry a problem sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingRef {
    /// Polygon part (0 for a Polygon).
    pub part: usize,
    /// Ring within the part (0 is the exterior).
    pub ring: usize,
}

impl RingRef {
    /// The ring's name in Chinese.
    pub fn zh(&self) -> String {
        let part = if self.part > 0 { format!("第 {} 部分的", self.part) } else { String::new() };
        match self.ring {
            0 => format!("{part}外环"),
            n => format!("{part}第 {n} 个内环"),
        }
    }
}

impl fmt::Display for RingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.part > 0 {
            write!(f, "part {} ", self.part)?;
        }
        match self.ring {
            0 => f.write_str("exterior ring"),
            n => write!(f, "interior ring {n}"),
        }
    }
}

/// One thing wrong with a geometry.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GeometryProblem {
    /// The feature has no geometry.
    Missing,
    /// The geometry has no coordinates.
    Empty,
    /// A geometry type this layer does not take.
    WrongType {
        /// The type found.
        found: String,
        /// The types allowed.
        expected: &'static str,
    },
    /// The coordinates do not have the nesting the type needs.
    Malformed(Malformation),
    /// A position with fewer than two numbers.
    ShortPosition {
        /// The ring.
        at: RingRef,
        /// Vertex index.
        index: usize,
    },
    /// NaN or infinity.
    NonFinite {
        /// The ring.
        at: RingRef,
        /// Vertex index.
        index: usize,
    },
    /// Fewer than four positions.
    RingTooShort {
        /// The ring.
        at: RingRef,
        /// Positions it has.
        positions: usize,
    },
    /// First and last positions differ.
    RingNotClosed {
        /// The ring.
        at: RingRef,
    },
    /// Longitude or latitude outside the valid range (after transformation to WGS84).
    OutOfRange {
        /// The ring (ring 0 of part 0 for a point).
        at: RingRef,
        /// Vertex index.
        index: usize,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
    /// A ring crosses or touches itself.
    SelfIntersection {
        /// The ring.
        at: RingRef,
    },
    /// Rings or parts that cross, or holes out of place.
    Topology {
        /// Polygon part.
        part: usize,
        /// What is wrong.
        detail: TopologyDetail,
    },
    /// The coordinates could not be transformed to WGS84.
    Transform(GeometryError),
    /// No transformation from the declared CRS could be made.
    NoTransformation {
        /// The CRS, as written in messages.
        crs: String,
    },
}

/// How a geometry's coordinates fail to be one.
#[derive(Debug, Clone, PartialEq)]
pub enum Malformation {
    /// A polygon part without rings.
    NoRings {
        /// The part.
        part: usize,
    },
    /// A geometry object without `coordinates`.
    NoCoordinates {
        /// Its type.
        kind: String,
    },
    /// Coordinates not nested as the type needs.
    Nesting {
        /// The geometry type.
        kind: String,
        /// serde's reason.
        reason: String,
    },
    /// A value that is no GeoJSON Polygon or MultiPolygon object.
    NotAnArea,
    /// A stored geometry (a GeoPackage blob) that cannot be decoded, and why.
    Undecodable(String),
}

impl fmt::Display for Malformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformation::NoRings { part } => write!(f, "part {part} has no rings"),
            Malformation::NoCoordinates { kind } => write!(f, "{kind} has no coordinates"),
            Malformation::Nesting { kind, reason } => write!(f, "{kind} coordinates: {reason}"),
            Malformation::NotAnArea => f.write_str("must be a GeoJSON Polygon or MultiPolygon object"),
            Malformation::Undecodable(reason) => write!(f, "the stored geometry cannot be decoded: {reason}"),
        }
    }
}

impl Malformation {
    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Malformation::NoRings { part } => format!("第 {part} 部分没有环"),
            Malformation::NoCoordinates { kind } => format!("{kind} 没有坐标（coordinates）"),
            Malformation::Nesting { kind, .. } => {
                let shape = match kind.as_str() {
                    "Point" => "[经度, 纬度]",
                    "Polygon" => "[[[经度, 纬度], …], …]",
                    _ => "[[[[经度, 纬度], …], …], …]",
                };
                format!("{kind} 的坐标嵌套不对，应为 {shape}")
            }
            Malformation::NotAnArea => "须为 GeoJSON 的 Polygon 或 MultiPolygon 几何对象".into(),
            Malformation::Undecodable(reason) => format!("库中的几何无法解码：{reason}"),
        }
    }
}

/// What is wrong with how a polygon's rings or a multipolygon's parts lie.
#[derive(Debug, Clone, PartialEq)]
pub enum TopologyDetail {
    /// Two rings of one part cross (ring numbers as in [`RingRef`]).
    RingsCross(usize, usize),
    /// An interior ring (counted from 1) lies outside the exterior ring.
    HoleOutside(usize),
    /// An interior ring lies inside another (both counted from 1).
    HoleInHole(usize, usize),
    /// Two parts cross or overlap.
    PartsOverlap(usize, usize),
}

impl fmt::Display for TopologyDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ring = |r: usize| RingRef { part: 0, ring: r };
        match self {
            TopologyDetail::RingsCross(a, b) => write!(f, "{} and {} cross", ring(*a), ring(*b)),
            TopologyDetail::HoleOutside(i) => write!(f, "interior ring {i} lies outside the exterior ring"),
            TopologyDetail::HoleInHole(i, j) => write!(f, "interior ring {i} lies inside interior ring {j}"),
            TopologyDetail::PartsOverlap(i, j) => write!(f, "parts {i} and {j} cross or overlap"),
        }
    }
}

impl TopologyDetail {
    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        let ring = |r: usize| RingRef { part: 0, ring: r }.zh();
        match self {
            TopologyDetail::RingsCross(a, b) => format!("{}与{}相交", ring(*a), ring(*b)),
            TopologyDetail::HoleOutside(i) => format!("第 {i} 个内环在外环之外"),
            TopologyDetail::HoleInHole(i, j) => format!("第 {i} 个内环在第 {j} 个内环之内"),
            TopologyDetail::PartsOverlap(i, j) => format!("第 {i} 部分与第 {j} 部分相交或重叠"),
        }
    }
}

impl fmt::Display for GeometryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use GeometryProblem::*;
        match self {
            Missing => f.write_str("feature has no geometry"),
            Empty => f.write_str("geometry is empty"),
            WrongType { found, expected } => write!(f, "geometry type {found} is not allowed here (expected {expected})"),
            Malformed(why) => write!(f, "malformed coordinates: {why}"),
            ShortPosition { at, index } => write!(f, "{at} vertex {index} has fewer than 2 numbers"),
            NonFinite { at, index } => write!(f, "{at} vertex {index} is not a finite number"),
            RingTooShort { at, positions } => write!(f, "{at} has {positions} positions; a ring needs at least 4"),
            RingNotClosed { at } => write!(f, "{at} is not closed (first and last positions differ)"),
            OutOfRange { at, index, lon, lat } => {
                write!(f, "{at} vertex {index} ({lon}, {lat}) is outside longitude ±180 / latitude ±90")
            }
            SelfIntersection { at } => write!(f, "{at} intersects itself"),
            Topology { part, detail } => write!(f, "part {part}: {detail}"),
            Transform(why) => write!(f, "cannot transform to WGS84: {why}"),
            NoTransformation { crs } => write!(f, "cannot transform to WGS84: no transformation from {crs}"),
        }
    }
}

impl GeometryProblem {
    /// The problem in Chinese.
    pub fn zh(&self) -> String {
        use GeometryProblem::*;
        match self {
            Missing => "要素没有几何".into(),
            Empty => "几何为空".into(),
            WrongType { found, expected } => {
                format!("此处不接受 {found} 类型的几何（应为 {}）", expected.replace(" or ", " 或 ").replace(", ", "、"))
            }
            Malformed(why) => format!("坐标格式不对：{}", why.zh()),
            ShortPosition { at, index } => format!("{}的顶点 {index} 不足 2 个数值", at.zh()),
            NonFinite { at, index } => format!("{}的顶点 {index} 不是有限数值", at.zh()),
            RingTooShort { at, positions } => format!("{}只有 {positions} 个位置；一个环至少需要 4 个", at.zh()),
            RingNotClosed { at } => format!("{}没有闭合（首末位置不同）", at.zh()),
            OutOfRange { at, index, lon, lat } => format!("{}的顶点 {index} ({lon}, {lat}) 超出经度 ±180 / 纬度 ±90 的范围", at.zh()),
            SelfIntersection { at } => format!("{}自相交", at.zh()),
            Topology { part, detail } => format!("第 {part} 部分：{}", detail.zh()),
            Transform(why) => format!("无法换算到 WGS84：{}", why.zh()),
            NoTransformation { crs } => format!("无法换算到 WGS84：没有从 {crs} 出发的换算"),
        }
    }
}

/// Checks raw polygons position by position and builds the multipolygon when all is well.
pub fn multipolygon_from_raw(polygons: &[RawPolygon]) -> Result<MultiPolygon, Vec<GeometryProblem>> {
    let mut problems = Vec::new();
    if polygons.is_empty() || polygons.iter().all(|p| p.iter().all(Vec::is_empty)) {
        return Err(vec![GeometryProblem::Empty]);
    }
    let mut parts = Vec::with_capacity(polygons.len());
    for (part, rings) in polygons.iter().enumerate() {
        if rings.is_empty() {
            problems.push(GeometryProblem::Malformed(Malformation::NoRings { part }));
            continue;
        }
        let mut built = Vec::with_capacity(rings.len());
        for (ring, positions) in rings.iter().enumerate() {
            let at = RingRef { part, ring };
            let before = problems.len();
            for (index, pos) in positions.iter().enumerate() {
                if pos.len() < 2 {
                    problems.push(GeometryProblem::ShortPosition { at, index });
                } else if !(pos[0].is_finite() && pos[1].is_finite()) {
                    problems.push(GeometryProblem::NonFinite { at, index });
                }
            }
            if positions.len() < 4 {
                problems.push(GeometryProblem::RingTooShort { at, positions: positions.len() });
            } else if problems.len() == before && positions.first().map(|p| &p[..2]) != positions.last().map(|p| &p[..2]) {
                problems.push(GeometryProblem::RingNotClosed { at });
            }
            if problems.is_empty() {
                built.push(LineString(positions.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()));
            }
        }
        if problems.is_empty() {
            let mut rings = built.into_iter();
            let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
            parts.push(Polygon::new(exterior, rings.collect()));
        }
    }
    if problems.is_empty() {
        Ok(MultiPolygon(parts))
    } else {
        Err(problems)
    }
}

/// Checks one raw position.
pub fn point_from_raw(position: &[f64]) -> Result<Coord, GeometryProblem> {
    let at = RingRef { part: 0, ring: 0 };
    match position {
        [x, y, ..] if x.is_finite() && y.is_finite() => Ok(Coord { x: *x, y: *y }),
        [_, _, ..] => Err(GeometryProblem::NonFinite { at, index: 0 }),
        [] => Err(GeometryProblem::Empty),
        _ => Err(GeometryProblem::ShortPosition { at, index: 0 }),
    }
}

fn out_of_range(c: Coord) -> bool {
    !(c.x.is_finite() && c.y.is_finite() && (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y))
}

/// Vertices outside the lon/lat range (for WGS84 coordinates); reports the first per ring.
pub fn range_problems(area: &MultiPolygon) -> Vec<GeometryProblem> {
    let mut problems = Vec::new();
    for (part, polygon) in area.0.iter().enumerate() {
        for (ring, line) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
            if let Some((index, c)) = line.0.iter().enumerate().find(|(_, c)| out_of_range(**c)) {
                problems.push(GeometryProblem::OutOfRange { at: RingRef { part, ring }, index, lon: c.x, lat: c.y });
            }
        }
    }
    problems
}

/// A point outside the lon/lat range.
pub fn point_range_problem(c: Coord) -> Option<GeometryProblem> {
    out_of_range(c).then_some(GeometryProblem::OutOfRange { at: RingRef { part: 0, ring: 0 }, index: 0, lon: c.x, lat: c.y })
}

/// Self-intersections, degenerate rings, crossing rings, holes outside their shell or
/// inside another hole, and parts that cross or overlap.
///
/// Segments go into an R-tree, so that detailed boundaries (a district has thousands of
/// vertices) are checked in O(n log n).
pub fn topology_problems(area: &MultiPolygon) -> Vec<GeometryProblem> {
    let mut problems = Vec::new();
    let mut all_segments = Vec::new();
    for (part, polygon) in area.0.iter().enumerate() {
        let rings: Vec<Vec<Coord>> = std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .map(|r| {
                let mut pts = r.0.clone();
                pts.dedup();
                pts
            })
            .collect();
        let mut degenerate = false;
        for (ring, pts) in rings.iter().enumerate() {
            // a closed ring needs three distinct points (four positions with the closing one)
            if pts.len() < 4 {
                problems.push(GeometryProblem::RingTooShort { at: RingRef { part, ring }, positions: pts.len() });
                degenerate = true;
            }
        }
        if degenerate {
            continue;
        }
        let segments = ring_segments(&rings, part);
        let mut self_crossing = vec![false; rings.len()];
        let mut crossing_pairs: Vec<(usize, usize)> = Vec::new();
        for_each_near_pair(&segments, |s, t| {
            if s.ring == t.ring {
                if !self_crossing[s.ring] && segments_conflict(s, t) {
                    self_crossing[s.ring] = true;
                }
            } else if !crossing_pairs.contains(&(s.ring.min(t.ring), s.ring.max(t.ring))) && rings_cross(s, t) {
                crossing_pairs.push((s.ring.min(t.ring), s.ring.max(t.ring)));
            }
        });
        for (ring, crossed) in self_crossing.iter().enumerate() {
            if *crossed {
                problems.push(GeometryProblem::SelfIntersection { at: RingRef { part, ring } });
            }
        }
        for (a, b) in &crossing_pairs {
            problems.push(GeometryProblem::Topology { part, detail: TopologyDetail::RingsCross(*a, *b) });
        }
        if crossing_pairs.is_empty() && !self_crossing.iter().any(|c| *c) {
            // rings neither cross nor share lines, so one probe point tells which side a ring is on
            let exterior = polygon.exterior();
            for (i, hole) in polygon.interiors().iter().enumerate() {
                if !all_inside(exterior, hole) {
                    problems.push(GeometryProblem::Topology { part, detail: TopologyDetail::HoleOutside(i + 1) });
                }
                for (j, other) in polygon.interiors().iter().enumerate() {
                    if i != j && some_inside(other, hole) {
                        problems.push(GeometryProblem::Topology { part, detail: TopologyDetail::HoleInHole(i + 1, j + 1) });
                    }
                }
            }
        }
        all_segments.extend(segments);
    }
    if area.0.len() > 1 && problems.is_empty() {
        problems.extend(part_problems(area, &all_segments));
    }
    problems
}

fn ring_segments(rings: &[Vec<Coord>], part: usize) -> Vec<IndexedSegment> {
    let mut segments = Vec::new();
    for (ring, pts) in rings.iter().enumerate() {
        for i in 0..pts.len().saturating_sub(1) {
            segments.push(IndexedSegment { a: pts[i], b: pts[i + 1], part, ring, index: i, ring_len: pts.len() - 1 });
        }
    }
    segments
}

/// Calls `f` on every pair of segments whose boxes meet, each pair once.
fn for_each_near_pair(segments: &[IndexedSegment], mut f: impl FnMut(&IndexedSegment, &IndexedSegment)) {
    // an R-tree pays off only on detailed rings; parcels have a handful of vertices
    let tree = (segments.len() > SMALL_RING_SEGMENTS).then(|| rstar::RTree::bulk_load(segments.to_vec()));
    for s in segments {
        let near: Box<dyn Iterator<Item = &IndexedSegment>> = match &tree {
            Some(tree) => Box::new(tree.locate_in_envelope_intersecting(rstar::RTreeObject::envelope(s))),
            None => Box::new(segments.iter()),
        };
        for t in near {
            if (t.part, t.ring, t.index) > (s.part, s.ring, s.index) {
                f(s, t);
            }
        }
    }
}

/// Parts of a multipolygon may touch at points but not cross, share lines or overlap.
fn part_problems(area: &MultiPolygon, segments: &[IndexedSegment]) -> Vec<GeometryProblem> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for_each_near_pair(segments, |s, t| {
        let pair = (s.part.min(t.part), s.part.max(t.part));
        if s.part != t.part && !pairs.contains(&pair) && rings_cross(s, t) {
            pairs.push(pair);
        }
    });
    for (i, a) in area.0.iter().enumerate() {
        for (j, b) in area.0.iter().enumerate() {
            let inside_a = some_inside(a.exterior(), b.exterior())
                && !a.interiors().iter().any(|hole| all_inside(hole, b.exterior()));
            if i != j && !pairs.contains(&(i.min(j), i.max(j))) && inside_a {
                pairs.push((i.min(j), i.max(j)));
            }
        }
    }
    pairs
        .into_iter()
        .map(|(i, j)| GeometryProblem::Topology { part: i, detail: TopologyDetail::PartsOverlap(i, j) })
        .collect()
}

/// The vertices and edge midpoints of `probe` that are not on `ring`, each with whether it
/// lies inside `ring`. Rings that neither cross nor share lines have every edge wholly on one
/// side, so these points tell where `probe` lies even where the rings touch.
fn probe_sides<'a>(ring: &'a LineString, probe: &'a LineString) -> impl Iterator<Item = bool> + 'a {
    let midpoints = probe.lines().map(|l| Coord { x: (l.start.x + l.end.x) / 2.0, y: (l.start.y + l.end.y) / 2.0 });
    probe
        .0
        .iter()
        .copied()
        .chain(midpoints)
        .filter(move |&c| !on_ring(ring, c))
        .map(move |c| crate::geometry::prepared::ring_contains(ring, c))
}

/// Whether all of `probe` lies inside `ring` (touching allowed).
fn all_inside(ring: &LineString, probe: &LineString) -> bool {
    probe_sides(ring, probe).all(|inside| inside)
}

/// Whether some of `probe` lies inside `ring`, or the two coincide.
fn some_inside(ring: &LineString, probe: &LineString) -> bool {
    let mut sides = probe_sides(ring, probe).peekable();
    sides.peek().is_none() || sides.any(|inside| inside)
}

/// Up to this many segments a polygon is checked pair by pair, without an index.
const SMALL_RING_SEGMENTS: usize = 32;

#[derive(Debug, Clone)]
struct IndexedSegment {
    a: Coord,
    b: Coord,
    part: usize,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl rstar::RTreeObject for IndexedSegment {
    type Envelope = rstar::AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        rstar::AABB::from_corners([self.a.x, self.a.y], [self.b.x, self.b.y])
    }
}

/// Sign of the turn a→b→c: positive left, negative right, zero collinear.
fn orient(a: Coord, b: Coord, c: Coord) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Whether `p`, collinear with a–b, lies within the segment's box.
fn within_box(a: Coord, b: Coord, p: Coord) -> bool {
    p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) && p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y)
}

/// How two segments meet.
#[derive(Debug, PartialEq)]
enum Meeting {
    Apart,
    /// They cross at a point inside both.
    Cross,
    /// They touch at a single point that is an endpoint of one of them.
    Touch,
    /// They overlap along a line.
    Overlap,
}

fn meet(s: (Coord, Coord), t: (Coord, Coord)) -> Meeting {
    let (d1, d2) = (orient(t.0, t.1, s.0), orient(t.0, t.1, s.1));
    let (d3, d4) = (orient(s.0, s.1, t.0), orient(s.0, s.1, t.1));
    if d1 == 0.0 && d2 == 0.0 {
        let shared = [t.0, t.1].iter().filter(|&&p| within_box(s.0, s.1, p)).count()
            + [s.0, s.1].iter().filter(|&&p| within_box(t.0, t.1, p)).count();
        let same_point_only = shared == 2 && (s.0 == t.0 || s.0 == t.1 || s.1 == t.0 || s.1 == t.1)
            && !(within_box(s.0, s.1, t.0) && within_box(s.0, s.1, t.1))
            && !(within_box(t.0, t.1, s.0) && within_box(t.0, t.1, s.1));
        return match shared {
            0 => Meeting::Apart,
            _ if same_point_only => Meeting::Touch,
            _ => Meeting::Overlap,
        };
    }
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0)) {
        return Meeting::Cross;
    }
    let touches = (d1 == 0.0 && within_box(t.0, t.1, s.0))
        || (d2 == 0.0 && within_box(t.0, t.1, s.1))
        || (d3 == 0.0 && within_box(s.0, s.1, t.0))
        || (d4 == 0.0 && within_box(s.0, s.1, t.1));
    if touches {
        Meeting::Touch
    } else {
        Meeting::Apart
    }
}

/// Two segments of one ring conflict unless they are neighbours meeting only at their
/// shared vertex.
fn segments_conflict(s: &IndexedSegment, t: &IndexedSegment) -> bool {
    let neighbours = t.index == s.index + 1 || (s.index == 0 && t.index + 1 == s.ring_len);
    match meet((s.a, s.b), (t.a, t.b)) {
        Meeting::Apart => false,
        Meeting::Touch => !neighbours,
        Meeting::Cross | Meeting::Overlap => true,
    }
}

/// Rings of one polygon may touch at points but not cross or share a line.
fn rings_cross(s: &IndexedSegment, t: &IndexedSegment) -> bool {
    matches!(meet((s.a, s.b), (t.a, t.b)), Meeting::Cross | Meeting::Overlap)
}

fn on_ring(ring: &LineString, p: Coord) -> bool {
    ring.lines().any(|l| orient(l.start, l.end, p) == 0.0 && within_box(l.start, l.end, p))
}

#[cfg(test)]
mod test {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> RawRing {
        points.iter().map(|&(x, y)| vec![x, y]).collect()
    }

    const SQUARE: [(f64, f64); 5] = [(116.0, 40.0), (116.01, 40.0), (116.01, 40.01), (116.0, 40.01), (116.0, 40.0)];

    #[test]
    fn a_good_square_passes_every_stage() {
        let mp = multipolygon_from_raw(&[vec![ring(&SQUARE)]]).unwrap();
        assert!(range_problems(&mp).is_empty());
        assert!(topology_problems(&mp).is_empty());
    }

    #[test]
    fn unclosed_short_and_nonfinite_rings_are_named() {
        let open = ring(&SQUARE[..4]);
        let errs = multipolygon_from_raw(&[vec![open]]).unwrap_err();
        assert_eq!(errs, vec![GeometryProblem::RingNotClosed { at: RingRef { part: 0, ring: 0 } }]);
        let short = ring(&[(116.0, 40.0), (116.01, 40.0), (116.0, 40.0)]);
        let errs = multipolygon_from_raw(&[vec![ring(&SQUARE)], vec![ring(&SQUARE), short]]).unwrap_err();
        assert_eq!(errs, vec![GeometryProblem::RingTooShort { at: RingRef { part: 1, ring: 1 }, positions: 3 }]);
        assert_eq!(errs[0].to_string(), "part 1 interior ring 1 has 3 positions; a ring needs at least 4");
        assert_eq!(errs[0].zh(), "第 1 部分的第 1 个内环只有 3 个位置；一个环至少需要 4 个");
        let mut nan = ring(&SQUARE);
        nan[2][1] = f64::NAN;
        let errs = multipolygon_from_raw(&[vec![nan]]).unwrap_err();
        assert!(matches!(errs[0], GeometryProblem::NonFinite { index: 2, .. }));
        assert_eq!(multipolygon_from_raw(&[]).unwrap_err(), vec![GeometryProblem::Empty]);
    }

    #[test]
    fn bow_tie_is_a_self_intersection() {
        let bow = ring(&[(116.0, 40.0), (116.01, 40.01), (116.01, 40.0), (116.0, 40.01), (116.0, 40.0)]);
        let mp = multipolygon_from_raw(&[vec![bow]]).unwrap();
        let problems = topology_problems(&mp);
        assert_eq!(problems, vec![GeometryProblem::SelfIntersection { at: RingRef { part: 0, ring: 0 } }]);
        assert_eq!((problems[0].to_string(), problems[0].zh()), ("exterior ring intersects itself".into(), "外环自相交".into()));
    }

    #[test]
    fn spikes_touching_rings_and_stray_holes() {
        // a spike: the ring doubles back along itself
        let spike = ring(&[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (2.0, 3.0), (2.0, 2.5), (0.0, 2.0), (0.0, 0.0)]);
        let mp = multipolygon_from_raw(&[vec![spike]]).unwrap();
        assert!(matches!(topology_problems(&mp)[..], [GeometryProblem::SelfIntersection { .. }]));
        // a ring that touches itself at a vertex (figure eight) is invalid too
        let eight = ring(&[(0.0, 0.0), (2.0, 2.0), (4.0, 0.0), (4.0, 4.0), (2.0, 2.0), (0.0, 4.0), (0.0, 0.0)]);
        let mp = multipolygon_from_raw(&[vec![eight]]).unwrap();
        assert!(matches!(topology_problems(&mp)[..], [GeometryProblem::SelfIntersection { .. }]));
        // a hole touching the shell at one point is fine; one outside it is not
        let shell = ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let touching = ring(&[(0.0, 5.0), (3.0, 4.0), (3.0, 6.0), (0.0, 5.0)]);
        let mp = multipolygon_from_raw(&[vec![shell.clone(), touching]]).unwrap();
        assert_eq!(topology_problems(&mp), vec![]);
        let stray = ring(&[(20.0, 20.0), (21.0, 20.0), (21.0, 21.0), (20.0, 20.0)]);
        let mp = multipolygon_from_raw(&[vec![shell.clone(), stray]]).unwrap();
        assert!(matches!(&topology_problems(&mp)[..], [GeometryProblem::Topology { detail: TopologyDetail::HoleOutside(1), .. }]));
        let crossing = ring(&[(5.0, 5.0), (15.0, 5.0), (15.0, 6.0), (5.0, 5.0)]);
        let mp = multipolygon_from_raw(&[vec![shell, crossing]]).unwrap();
        assert!(!topology_problems(&mp).is_empty());
    }

    #[test]
    fn holes_across_notches_nested_holes_overlapping_parts_and_collapsed_rings() {
        let notched = ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (5.0, 5.0), (5.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let across = ring(&[(2.0, 2.0), (10.0, 5.0), (5.0, 10.0), (2.0, 2.0)]);
        let mp = multipolygon_from_raw(&[vec![notched, across]]).unwrap();
        assert!(!topology_problems(&mp).is_empty());
        let shell = ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let big = ring(&[(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 9.0), (1.0, 1.0)]);
        let small = ring(&[(3.0, 3.0), (4.0, 3.0), (4.0, 4.0), (3.0, 4.0), (3.0, 3.0)]);
        let mp = multipolygon_from_raw(&[vec![shell.clone(), big, small.clone()]]).unwrap();
        assert!(matches!(&topology_problems(&mp)[..], [GeometryProblem::Topology { detail: TopologyDetail::HoleInHole(2, 1), .. }]));
        let twice = multipolygon_from_raw(&[vec![shell.clone()], vec![shell.clone()]]).unwrap();
        let overlap = topology_problems(&twice);
        assert!(matches!(&overlap[..], [GeometryProblem::Topology { detail: TopologyDetail::PartsOverlap(0, 1), .. }]));
        assert_eq!((overlap[0].to_string(), overlap[0].zh()), ("part 0: parts 0 and 1 cross or overlap".into(), "第 0 部分：第 0 部分与第 1 部分相交或重叠".into()));
        let nested = multipolygon_from_raw(&[vec![shell.clone()], vec![small.clone()]]).unwrap();
        assert_eq!(topology_problems(&nested).len(), 1);
        let beside = ring(&[(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 20.0), (10.0, 10.0)]);
        let touching = multipolygon_from_raw(&[vec![shell.clone()], vec![beside]]).unwrap();
        assert_eq!(topology_problems(&touching), vec![], "parts touching at a corner are fine");
        let collapsed = multipolygon_from_raw(&[vec![ring(&[(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 1.0)])]]).unwrap();
        assert!(matches!(topology_problems(&collapsed)[..], [GeometryProblem::RingTooShort { positions: 1, .. }]));
        let mut with_z: RawRing = ring(&SQUARE);
        with_z[0].push(0.0);
        assert!(multipolygon_from_raw(&[vec![with_z]]).is_ok(), "a height on one position does not open the ring");
    }

    #[test]
    fn agrees_with_geo_validation_on_random_quadrilaterals() {
        use geo::Validation;
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..3000 {
            let mut pts: Vec<(f64, f64)> = (0..4).map(|_| (rng.gen_range(0..4) as f64, rng.gen_range(0..4) as f64)).collect();
            pts.push(pts[0]);
            let Ok(mp) = multipolygon_from_raw(&[vec![ring(&pts)]]) else { continue };
            let distinct = { let mut d = pts[..4].to_vec(); d.sort_by(|a, b| a.partial_cmp(b).unwrap()); d.dedup(); d.len() };
            if distinct < 4 {
                continue;
            }
            assert_eq!(topology_problems(&mp).is_empty(), mp.0[0].is_valid(), "{pts:?}");
        }
    }

    #[test]
    fn out_of_range_latitude_is_caught() {
        let far = ring(&[(116.0, 40.0), (116.01, 95.0), (116.01, 40.01), (116.0, 40.0)]);
        let mp = multipolygon_from_raw(&[vec![far]]).unwrap();
        assert!(matches!(range_problems(&mp)[..], [GeometryProblem::OutOfRange { index: 1, .. }]));
    }
}
