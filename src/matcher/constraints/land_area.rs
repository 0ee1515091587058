//! `land_area`: the land area is within the requested range.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};
use crate::matcher::request::AreaRange;
use crate::matcher::Requirements;

/// The range with absent bounds as infinities, so that the check does not branch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Between {
    min: f64,
    max: f64,
    range: AreaRange,
}

/// The range the project asks for, if any.
pub(super) fn threshold(req: &Requirements) -> Option<Between> {
    req.land_area.map(|range| Between { min: range.min_m2.unwrap_or(f64::NEG_INFINITY), max: range.max_m2.unwrap_or(f64::INFINITY), range })
}

/// [`Constraint::LandArea`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::LandArea;
    type Value = f64;
    type Bound<'t> = Between;
    #[inline]
    fn bound(t: &Thresholds) -> Option<Between> {
        t.land_area
    }
    #[inline]
    fn fails(b: Between, area_m2: f64) -> bool {
        (area_m2 < b.min) | (area_m2 > b.max)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.area_m2
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.area_m2[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, b: Between) -> Rejection<'a> {
        Rejection::LandArea { area_m2: o.area_m2, range: b.range }
    }
}
