//! `building_type`: the building's type is one the project accepts.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};
use crate::matcher::Requirements;
use crate::model::BuildingType;

/// Per type (as `u8`, [`u8::MAX`] for none): accepted; none when the project accepts any.
pub(super) fn threshold(req: &Requirements) -> Option<[bool; 256]> {
    let mut ok = [true; 256];
    for t in BuildingType::ALL {
        ok[*t as usize] = req.building_types.contains(t);
    }
    (!req.building_types.is_empty()).then_some(ok)
}

/// [`Constraint::BuildingType`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::BuildingType;
    type Value = u8;
    type Bound<'t> = &'t [bool; 256];
    #[inline]
    fn bound(t: &Thresholds) -> Option<&[bool; 256]> {
        t.building_types.as_ref()
    }
    #[inline]
    fn fails(ok: &[bool; 256], building_type: u8) -> bool {
        !ok[usize::from(building_type)]
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> u8 {
        o.building_type.map_or(u8::MAX, |b| b as u8)
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = u8> + '_ {
        c.building_type[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, _: &[bool; 256]) -> Rejection<'a> {
        Rejection::BuildingType { have: o.building_type.expect("only typed space fails: no type is accepted") }
    }
}
