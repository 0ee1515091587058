//! The constraint stage: which constraints each row fails, as a mask per row, counted into
//! `excluded_counts`, and the rows that may still be candidates or near misses.

use super::constraints::{self, Constraint};
use super::locate::Hits;
use super::{Ctx, Matcher};
use crate::model::OfferKind;

/// Buffers a match reuses: sized by the layer, allocating them afresh would fault in new
/// pages on every request.
mod scratch {
    use std::cell::RefCell;

    thread_local! {
        static FREE: RefCell<Vec<Vec<u32>>> = const { RefCell::new(Vec::new()) };
    }

    /// An empty buffer.
    pub fn take() -> Vec<u32> {
        FREE.with(|free| free.borrow_mut().pop()).unwrap_or_default()
    }

    /// Returns a buffer for reuse (a few per thread).
    pub fn give(mut buffer: Vec<u32>) {
        buffer.clear();
        FREE.with(|free| {
            let mut free = free.borrow_mut();
            if free.len() < 4 {
                free.push(buffer);
            }
        });
    }
}

/// Whether `mask` has exactly `n` (0–2) bits set; cheaper than counting them on machines
/// without a population-count instruction.
fn fails_exactly(mask: u32, n: u32) -> bool {
    let less_one = mask & mask.wrapping_sub(1);
    match n {
        0 => mask == 0,
        1 => mask != 0 && less_one == 0,
        _ => less_one != 0 && less_one & less_one.wrapping_sub(1) == 0,
    }
}

/// The rows of one kind a match examined.
pub(super) struct Examined<'a> {
    /// Land or building.
    pub kind: OfferKind,
    /// Per position: the constraints failed.
    masks: Vec<u32>,
    /// The rows in scope with their distance, when the location is limited.
    hits: Option<Hits>,
    /// Otherwise the rows on offer, in column order: position → index.
    order: &'a [u32],
    /// Index → column position.
    position: &'a [u32],
    /// Positions whose failures all allow a near miss.
    open: Vec<u32>,
}

impl Drop for Examined<'_> {
    fn drop(&mut self) {
        scratch::give(std::mem::take(&mut self.masks));
        scratch::give(std::mem::take(&mut self.open));
    }
}

impl Examined<'_> {
    /// (column position, layer index, failure mask) of each open row.
    pub fn open_positions(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.open.iter().map(|&k| {
            let mask = self.masks[k as usize];
            match &self.hits {
                Some(h) => (self.position[h[k as usize].0 as usize], h[k as usize].0, mask),
                None => (k, self.order[k as usize], mask),
            }
        })
    }

    /// The failure mask of each row on offer by column position, when every row was
    /// examined (no R-tree selection); rows past its end are not on offer.
    pub fn masks_by_position(&self) -> Option<&[u32]> {
        self.hits.is_none().then_some(self.masks.as_slice())
    }

    /// The column position of each open row with `fails` failures, with its layer index and
    /// distance.
    pub fn open_failing(&self, fails: u32) -> impl Iterator<Item = (u32, u32, Option<f64>)> + '_ {
        self.open.iter().filter(move |&&k| fails_exactly(self.masks[k as usize], fails)).map(|&k| match &self.hits {
            Some(h) => {
                let (index, distance_m) = h[k as usize];
                (self.position[index as usize], index, distance_m)
            }
            None => (k, self.order[k as usize], None),
        })
    }
}

impl Matcher {
    /// Examines the rows of every kind the request wants.
    pub(super) fn examine_wanted(&self, ctx: &Ctx, excluded: &mut [usize]) -> Vec<Examined<'_>> {
        let space = ctx.req.space;
        let kinds = [(OfferKind::Land, space.land()), (OfferKind::Building, space.building())];
        kinds.into_iter().filter(|(_, wanted)| *wanted).map(|(kind, _)| self.examine(ctx, kind, excluded)).collect()
    }

    /// Works out which constraints each row of `kind` fails, adds them to `excluded`, and
    /// notes the rows that may still be candidates or near misses.
    fn examine(&self, ctx: &Ctx, kind: OfferKind, excluded: &mut [usize]) -> Examined<'_> {
        let offers = self.offers(kind);
        let order = &self.offers.columns(kind).order;
        // a wide radius is cheaper over the columns than through the R-tree (which an area
        // of interest still takes)
        let out_of_range = match ctx.req.near {
            Some((p, Some(max_m))) if ctx.req.within.is_none() && self.wide_radius(kind, p, max_m) => Some(self.out_of_range(kind, p, max_m)),
            _ => None,
        };
        let hits = out_of_range.is_none().then(|| self.located(ctx.req, kind)).flatten().map(|(hits, constraint)| {
            match constraint {
                // rows outside the box may fail a district or park limit, which names them
                Constraint::Within => constraints::count_outside(ctx, kind, &hits, excluded),
                _ => excluded[constraint as usize] += offers.len() - hits.len(),
            }
            hits
        });
        let mut masks = scratch::take();
        match &hits {
            Some(hits) => {
                masks.extend(hits.iter().map(|&(i, _)| constraints::fail_mask(ctx, &offers[i as usize])));
                constraints::count_failures(&masks, excluded);
            }
            None => constraints::fail_masks(ctx, kind, &mut masks, excluded, out_of_range.as_ref()),
        }
        #[cfg(debug_assertions)]
        for (k, &mask) in masks.iter().enumerate() {
            let index = hits.as_ref().map_or(order[k], |h| h[k].0);
            if out_of_range.as_ref().is_some_and(|range| range.out[k]) {
                assert_ne!(mask & Constraint::Distance.bit(), 0, "row {index} is out of range");
                continue;
            }
            assert_eq!(mask, explained_mask(ctx, &offers[index as usize]), "the fast constraint pass disagrees on row {index}");
        }
        // gathered without a branch per row: whether a row can still be a near miss is random
        let not_negotiable = constraints::NOT_NEGOTIABLE;
        let mut open = scratch::take();
        open.resize(masks.len(), 0);
        let mut n_open = 0;
        // the rows settled out of range are not open
        let unsettled = match &out_of_range {
            Some(range) => range.unsettled.iter().map(|r| r.start.min(masks.len())..r.end.min(masks.len())).collect(),
            None => vec![0..masks.len()],
        };
        for rows in unsettled {
            for (k, &mask) in masks[rows.clone()].iter().enumerate() {
                open[n_open] = (rows.start + k) as u32;
                n_open += usize::from(mask & not_negotiable == 0);
            }
        }
        open.truncate(n_open);
        Examined { kind, masks, hits, order, position: &self.offers.columns(kind).position, open }
    }
}

/// The failure mask [`constraints::scope`] and [`constraints::check`] give, which the fast
/// pass must match.
#[cfg(debug_assertions)]
fn explained_mask(ctx: &Ctx, o: &super::offers::Offer) -> u32 {
    let mut mask = constraints::scope(ctx, o).map_or(0, |r| r.constraint().bit());
    constraints::check(ctx, o, &mut |r| mask |= r.constraint().bit());
    mask
}

#[cfg(test)]
mod test {
    use std::sync::Arc;

    use super::*;
    use crate::matcher::ProjectRequest;

    #[test]
    fn rows_outside_the_box_of_the_area_of_interest_count_under_the_park_limit_they_fail() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        let snapshot = crate::inventory::load_dir_strict(&dir).expect("the sample loads").snapshot;
        let matcher = Matcher::new(Arc::new(snapshot));
        let s = matcher.snapshot();
        let park = s.parks.items()[0].id.clone();
        let inside = s.parcels.items().iter().find(|p| p.park.as_deref() == Some(park.as_str())).expect("a parcel in the park");
        let c = geo::Centroid::centroid(&inside.geometry).expect("a centroid");
        let (x0, y0, x1, y1) = (c.x() - 0.002, c.y() - 0.002, c.x() + 0.002, c.y() + 0.002);
        let body = serde_json::json!({"industry": "医疗器械", "space": "land", "parks": [park], "as_of": "2026-11-23",
            "within": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}});
        let result = matcher.run(&ProjectRequest::from_json(&body.to_string()).expect("a request")).expect("runs");
        // every parcel of another park, or of none, fails the park limit, near the area or far from it
        let elsewhere = s.parcels.items().iter().filter(|p| p.park.as_deref() != Some(park.as_str())).count();
        assert_eq!(result.excluded_counts.get("park"), Some(&elsewhere), "{:?}", result.excluded_counts);
    }
}
