//! `power`: the parcel's power capacity meets the project's need.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::Power`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::Power;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.power_need
    }
    /// A capacity not recorded (NaN) passes; the power criterion scores it low instead.
    #[inline]
    fn fails(need: f64, have: f64) -> bool {
        have < need
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.power_kva.0
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.power_kva[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, need: f64) -> Rejection<'a> {
        Rejection::Power { have: o.power_kva.0, need }
    }
}
