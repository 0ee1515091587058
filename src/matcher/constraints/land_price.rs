//! `land_price`: land price within the project's maximum.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::LandPrice`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::LandPrice;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.max_price
    }
    /// A price not listed (NaN) passes: it is negotiable.
    #[inline]
    fn fails(max: f64, have: f64) -> bool {
        have > max
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.price.0
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.price[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, max: f64) -> Rejection<'a> {
        Rejection::LandPrice { have: o.price.0, max }
    }
}
