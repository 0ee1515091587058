//! `available_by`: the parcel is available by the date the project needs it.

use std::ops::Range;

use chrono::NaiveDate;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{day_number, Columns, Offer, Offers};
use crate::matcher::Requirements;

/// The date needed, also as a day number for the comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needed {
    day: i32,
    by: NaiveDate,
}

/// The date the project needs the land by, if it says.
pub(super) fn threshold(req: &Requirements) -> Option<Needed> {
    req.needed_by.map(|by| Needed { day: day_number(by), by })
}

/// [`Constraint::AvailableBy`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::AvailableBy;
    type Value = i32;
    type Bound<'t> = Needed;
    #[inline]
    fn bound(t: &Thresholds) -> Option<Needed> {
        t.needed_by
    }
    /// Land available now has the smallest day number, so it never fails.
    #[inline]
    fn fails(needed: Needed, available_day: i32) -> bool {
        available_day > needed.day
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> i32 {
        o.available_day
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = i32> + '_ {
        c.available_day[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, needed: Needed) -> Rejection<'a> {
        let from = o.available_from().expect("land available later than a date has a date");
        Rejection::AvailableBy { from, by: needed.by }
    }
}
