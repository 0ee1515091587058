//! The R-tree stage: when the request limits the location (a radius or an area of
//! interest), the rows to examine come from the index rather than the whole layer.

use geo::Rect;

use super::constraints::{distance, Constraint};
use super::{Matcher, Requirements};
use crate::geometry::distance::{area_distance_bounds_m, bbox_around};
use crate::model::OfferKind;

/// Rows picked through the R-tree, with their distance when worked out.
pub(super) type Hits = Vec<(u32, Option<f64>)>;

impl Matcher {
    /// The rows to examine when the location is limited: through the R-tree, with the
    /// distance when known, and the constraint the rest fail; none when every row is in scope.
    pub(super) fn located(&self, req: &Requirements, kind: OfferKind) -> Option<(Hits, Constraint)> {
        match (req.near, &req.within) {
            (Some((p, Some(max))), _) => {
                let (lo, hi) = bbox_around(p, max);
                let candidates = match kind {
                    OfferKind::Land => self.snapshot.parcels.bbox_candidates(Rect::new(lo, hi)),
                    OfferKind::Building => self.snapshot.buildings.bbox_candidates(Rect::new(lo, hi)),
                };
                // a parcel's box bounds its distance: the exact distance is worked out only
                // near the limit, and later for the few rows scored
                let (surely_out, surely_in) = (max * (1.0 + 1e-9) + 1e-6, max * (1.0 - 1e-9) - 1e-6);
                let hits = candidates
                    .into_iter()
                    .filter_map(|i| {
                        if kind == OfferKind::Land {
                            let (lower, upper) = area_distance_bounds_m(p, self.offers.land_boxes[i as usize]);
                            if lower > surely_out {
                                return None;
                            }
                            if upper < surely_in {
                                return Some((i, None));
                            }
                        }
                        let d = self.distance_to(kind, i, p);
                        (!distance::fails(max, d)).then_some((i, Some(d)))
                    })
                    .collect();
                Some((hits, Constraint::Distance))
            }
            (_, Some(aoi)) => {
                let mut hits = match kind {
                    OfferKind::Land => self.snapshot.parcels.bbox_candidates(aoi.bbox),
                    OfferKind::Building => self.snapshot.buildings.bbox_candidates(aoi.bbox),
                };
                hits.sort_unstable();
                Some((hits.into_iter().map(|i| (i, None)).collect(), Constraint::Within))
            }
            _ => None,
        }
    }
}
