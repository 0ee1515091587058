//! `within`: the space's representative point lies inside the area of interest (a scope
//! limit; the R-tree first leaves out what lies outside the area's box).

use geo::Coord;

use crate::matcher::request::AreaOfInterest;

/// Whether `point` lies outside `aoi`.
#[inline]
pub(super) fn fails(aoi: &AreaOfInterest, point: Coord) -> bool {
    !aoi.prepared.contains(point)
}
