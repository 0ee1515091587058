//! `supply_mode`: the parcel is offered in a supply mode the project accepts.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{supply_bit, Columns, Offer, Offers};
use crate::matcher::Requirements;

/// The modes accepted, one bit per mode (none: any).
pub(super) fn threshold(req: &Requirements) -> Option<u8> {
    let wanted = req.supply_modes.iter().fold(0u8, |bits, &m| bits | supply_bit(m));
    (wanted != 0).then_some(wanted)
}

/// [`Constraint::SupplyMode`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::SupplyMode;
    type Value = u8;
    type Bound<'t> = u8;
    #[inline]
    fn bound(t: &Thresholds) -> Option<u8> {
        t.supply_wanted
    }
    #[inline]
    fn fails(wanted: u8, offered: u8) -> bool {
        offered & wanted == 0
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> u8 {
        o.supply
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = u8> + '_ {
        c.supply[rows.clone()].iter().copied()
    }
    fn rejection<'a>(_: &Ctx<'a>, o: &Offer, wanted: u8) -> Rejection<'a> {
        Rejection::SupplyMode { offered: o.supply, wanted }
    }
}
