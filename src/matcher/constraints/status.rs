//! `status`: the space is available (or idle, for renewal projects). Space not on offer
//! counts under this constraint alone.

use super::Rejection;
use crate::matcher::offers::{Columns, Offer};
use crate::matcher::Requirements;
use crate::model::SpaceStatus;

/// Per status (by discriminant): on offer for this request.
pub(super) fn threshold(req: &Requirements) -> [bool; 8] {
    let mut ok = [false; 8];
    ok[SpaceStatus::Available as usize] = true;
    ok[SpaceStatus::Idle as usize] = req.include_idle;
    ok
}

/// Whether space of `status` is not on offer.
#[inline]
pub(super) fn fails(ok: &[bool; 8], status: SpaceStatus) -> bool {
    !ok[usize::from(status as u8 & 7)]
}

/// The rows of `c` on offer, a prefix: the columns hold available rows first, then idle
/// ones, then the rest, whose statuses always fail.
pub(super) fn on_offer(ok: &[bool; 8], c: &Columns) -> usize {
    debug_assert!(!fails(ok, SpaceStatus::Available));
    c.available + if fails(ok, SpaceStatus::Idle) { 0 } else { c.idle }
}

/// Why `o` is not on offer.
pub(super) fn rejection<'a>(o: &Offer) -> Rejection<'a> {
    Rejection::Status { have: o.status }
}
