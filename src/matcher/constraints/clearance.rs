//! `clearance`: the building space's clear height meets the project's need.

use std::ops::Range;

use super::{below, Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::Clearance`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::Clearance;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.clearance
    }
    /// Clear height not recorded (NaN) fails: the need cannot be confirmed.
    #[inline]
    fn fails(need: f64, have: f64) -> bool {
        below(have, need)
    }
    #[inline]
    fn value(offers: &Offers, o: &Offer) -> f64 {
        offers.detail(o).and_then(|d| d.clearance).unwrap_or(f64::NAN)
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        c.clearance[rows.clone()].iter().copied()
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, need: f64) -> Rejection<'a> {
        Rejection::Clearance { have: ctx.offers.detail(o).and_then(|d| d.clearance), need }
    }
}
