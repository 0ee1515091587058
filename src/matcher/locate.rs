//! The R-tree stage: when the request limits the location (a radius or an area of
//! interest), the rows to examine come from the index rather than the whole layer.

use std::ops::Range;

use geo::{Coord, Rect};

use super::constraints::{distance, Constraint, OutOfRange};
use super::offers::BLOCK;
use super::{Matcher, Requirements};
use crate::geometry::distance::{bbox_around, haversine_m, LocalPlane};
use crate::model::OfferKind;

/// `indices` (distinct, each below `len`) in increasing order: through a bitset, which for
/// the tens of thousands a wide radius picks costs a fraction of a sort.
fn in_layer_order(indices: Vec<u32>, len: usize) -> impl Iterator<Item = u32> {
    let mut bits = vec![0u64; len.div_ceil(64)];
    for i in indices {
        bits[(i / 64) as usize] |= 1 << (i % 64);
    }
    bits.into_iter().enumerate().flat_map(|(word, mut w)| {
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let bit = w.trailing_zeros();
                w &= w - 1;
                word as u32 * 64 + bit
            })
        })
    })
}

/// What a box's squared distance bounds in the local plane settle about a radius, with a
/// relative margin for how far the plane may stray from the distance measured.
#[derive(Debug, Clone, Copy)]
struct BoxBound {
    /// Squared metres beyond which the box is surely out of range.
    out_sq: f64,
    /// Squared metres within which the box is surely in range (negative: never).
    in_sq: f64,
}

impl BoxBound {
    fn new(max_m: f64, slack: f64) -> BoxBound {
        let (surely_out, surely_in) = (max_m * (1.0 + slack) + 1e-6, max_m * (1.0 - slack) - 1e-6);
        BoxBound { out_sq: surely_out * surely_out, in_sq: if surely_in > 0.0 { surely_in * surely_in } else { -1.0 } }
    }

    /// `Some(true)`: wholly out of range; `Some(false)`: wholly within; none: measure.
    fn settles(&self, (lower_sq, upper_sq): (f64, f64)) -> Option<bool> {
        if lower_sq > self.out_sq {
            Some(true)
        } else if upper_sq < self.in_sq {
            Some(false)
        } else {
            None
        }
    }
}

/// Rows picked through the R-tree, with their distance when worked out.
pub(super) type Hits = Vec<(u32, Option<f64>)>;

impl Matcher {
    /// Whether a radius search around `p` is best done over every row's box in column order
    /// rather than through the R-tree: when the R-tree would pick more than a fifth of the
    /// rows, one at a time (`benches/matcher.rs` at 100k: 10 km 207 µs through the R-tree,
    /// 662 µs over the columns; 30 km 1.72 ms through the R-tree, 1.06 ms over the columns).
    pub(super) fn wide_radius(&self, kind: OfferKind, p: Coord, max_m: f64) -> bool {
        let (lo, hi) = bbox_around(p, max_m);
        let density = &self.offers.density[usize::from(kind == OfferKind::Building)];
        density.estimate(Rect::new(lo, hi)) * 5 > self.offers(kind).len()
    }

    /// Per column position: whether the row lies farther than `max_m` from `p`. A block's
    /// box settles its rows when it lies wholly out of range or wholly within; otherwise a
    /// parcel's box settles it, and the exact distance is worked out for the rest.
    pub(super) fn out_of_range(&self, kind: OfferKind, p: Coord, max_m: f64) -> OutOfRange {
        let columns = self.offers.columns(kind);
        let plane = LocalPlane::new(p);
        // a parcel is measured in the plane itself; a building along the great circle, which
        // the plane follows within 0.5% over the city, so its blocks need a wider margin
        let rows_bound = BoxBound::new(max_m, 1e-9);
        let blocks_bound = if kind == OfferKind::Land { rows_bound } else { BoxBound::new(max_m, 0.02) };
        let row_is_out = |pos: usize| match kind {
            OfferKind::Land => rows_bound
                .settles(plane.box_bounds_sq(columns.boxes[pos]))
                .unwrap_or_else(|| distance::fails(max_m, self.distance_to(kind, columns.order[pos], p))),
            // a building's box is its point
            OfferKind::Building => distance::fails(max_m, haversine_m(p, columns.boxes[pos].min())),
        };
        let mut out = vec![false; columns.boxes.len()];
        let mut unsettled: Vec<Range<usize>> = Vec::new();
        for (block, b) in columns.block_boxes.iter().enumerate() {
            let rows = block * BLOCK..((block + 1) * BLOCK).min(out.len());
            match blocks_bound.settles(plane.box_bounds_sq(*b)) {
                Some(true) => {
                    out[rows].fill(true);
                    continue;
                }
                Some(false) => {}
                None => {
                    for pos in rows.clone() {
                        out[pos] = row_is_out(pos);
                    }
                }
            }
            match unsettled.last_mut() {
                Some(last) if last.end == rows.start => last.end = rows.end,
                _ => unsettled.push(rows),
            }
        }
        #[cfg(debug_assertions)]
        for (pos, &is_out) in out.iter().enumerate() {
            let metres = match kind {
                OfferKind::Land => self.distance_to(kind, columns.order[pos], p),
                OfferKind::Building => haversine_m(p, columns.boxes[pos].min()),
            };
            assert_eq!(is_out, distance::fails(max_m, metres), "row at position {pos} of {kind:?}, {metres} m from the point");
        }
        OutOfRange { out, unsettled }
    }

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
                let plane = LocalPlane::new(p);
                let bound = BoxBound::new(max, 1e-9);
                // in layer order, so the constraint pass reads the rows in turn
                let hits = in_layer_order(candidates, self.offers(kind).len())
                    .filter_map(|i| {
                        if kind == OfferKind::Land {
                            let columns = &self.offers.land_columns;
                            match bound.settles(plane.box_bounds_sq(columns.boxes[columns.position[i as usize] as usize])) {
                                Some(true) => return None,
                                Some(false) => return Some((i, None)),
                                None => {}
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
