//! `floor_area`: the floor area the project needs fits: land × max FAR for land, the vacant
//! floor area for building space.

use std::ops::Range;

use super::{below, Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// [`Constraint::FloorArea`]: on land (`BUILDING = false`) the buildable area, on building
/// space the vacant area.
pub(crate) struct Check<const BUILDING: bool>;

/// On land.
pub(crate) type Land = Check<false>;
/// On building space.
pub(crate) type Building = Check<true>;

impl<const BUILDING: bool> RowCheck for Check<BUILDING> {
    const CONSTRAINT: Constraint = Constraint::FloorArea;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.floor_need
    }
    /// An unknown capacity (NaN) falls short.
    #[inline]
    fn fails(need_m2: f64, capacity_m2: f64) -> bool {
        below(capacity_m2, need_m2)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        if BUILDING { o.area_m2 } else { o.buildable_m2.0 }
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = f64> + '_ {
        let column = if BUILDING { &c.area_m2 } else { &c.buildable_m2 };
        column[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, need_m2: f64) -> Rejection<'a> {
        let capacity_m2 = if BUILDING { Some(o.area_m2) } else { o.buildable_m2.get() };
        Rejection::FloorArea { capacity_m2, need_m2, building: BUILDING }
    }
}
