//! `max_far`: the project's planned FAR is within the parcel's maximum.

use std::ops::Range;

use super::{below, Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::MaxFar`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::MaxFar;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.planned_far
    }
    /// A maximum not recorded (NaN) fails: the plan cannot be confirmed.
    #[inline]
    fn fails(planned: f64, max: f64) -> bool {
        below(max, planned)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.max_far.0
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.max_far[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, planned: f64) -> Rejection<'a> {
        Rejection::MaxFar { planned, max: o.max_far.get() }
    }
}
