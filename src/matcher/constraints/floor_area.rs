//! `floor_area`: the floor area the project needs fits: land × max FAR for land, the vacant
//! floor area for building space.

use super::{below, Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};

/// Whether `capacity_m2` falls short of `need_m2`; an unknown capacity (NaN) does.
#[inline]
fn fails(need_m2: f64, capacity_m2: f64) -> bool {
    below(capacity_m2, need_m2)
}

/// [`Constraint::FloorArea`] on land: the buildable area.
pub(crate) struct Land;

impl RowCheck for Land {
    const CONSTRAINT: Constraint = Constraint::FloorArea;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.floor_need
    }
    #[inline]
    fn fails(need_m2: f64, buildable_m2: f64) -> bool {
        fails(need_m2, buildable_m2)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.buildable_m2.0
    }
    #[inline]
    fn column(c: &Columns, n: usize) -> impl Iterator<Item = f64> + '_ {
        c.buildable_m2[..n].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, need_m2: f64) -> Rejection<'a> {
        Rejection::FloorArea { capacity_m2: o.buildable_m2.get(), need_m2, building: false }
    }
}

/// [`Constraint::FloorArea`] on building space: the vacant area.
pub(crate) struct Building;

impl RowCheck for Building {
    const CONSTRAINT: Constraint = Constraint::FloorArea;
    type Value = f64;
    type Bound<'t> = f64;
    #[inline]
    fn bound(t: &Thresholds) -> Option<f64> {
        t.floor_need
    }
    #[inline]
    fn fails(need_m2: f64, vacant_m2: f64) -> bool {
        fails(need_m2, vacant_m2)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> f64 {
        o.area_m2
    }
    #[inline]
    fn column(c: &Columns, n: usize) -> impl Iterator<Item = f64> + '_ {
        c.area_m2[..n].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, need_m2: f64) -> Rejection<'a> {
        Rejection::FloorArea { capacity_m2: Some(o.area_m2), need_m2, building: true }
    }
}
