//! `floor_load`: the building space's floor load meets the project's need.

use std::ops::Range;

use super::{below, Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::FloorLoad`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::FloorLoad;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.floor_load
    }
    /// Floor load not recorded (NaN) fails: the need cannot be confirmed.
    #[inline]
    fn fails(need: f64, have: f64) -> bool {
        below(have, need)
    }
    #[inline]
    fn value(offers: &Offers, o: &Offer) -> f64 {
        offers.detail(o).and_then(|d| d.floor_load).unwrap_or(f64::NAN)
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.floor_load[rows.clone()].iter().copied()
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, need: f64) -> Rejection<'a> {
        Rejection::FloorLoad { have: ctx.offers.detail(o).and_then(|d| d.floor_load), need }
    }
}
