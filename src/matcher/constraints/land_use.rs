//! `land_use`: the parcel's land use is one the project accepts.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};
use crate::matcher::Requirements;

/// The land uses accepted, by position in [`Offers::land_uses`].
#[derive(Debug, Clone)]
pub(crate) struct Accepted {
    ok: Vec<bool>,
    /// Per position below 64: accepted (the common case, tested with a shift).
    bits: Option<u64>,
}

/// The uses the project accepts among those the parcels carry; none when it accepts all.
pub(super) fn threshold(req: &Requirements, offers: &Offers) -> Option<Accepted> {
    let ok: Vec<bool> = offers.land_uses.iter().map(|u| req.land_uses.is_empty() || req.land_uses.iter().any(|w| u.serves(w))).collect();
    let bits = (ok.len() <= 64).then(|| ok.iter().enumerate().fold(0u64, |bits, (i, &ok)| bits | (u64::from(ok) << i)));
    ok.iter().any(|ok| !ok).then_some(Accepted { ok, bits })
}

/// [`Constraint::LandUse`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::LandUse;
    type Value = u16;
    type Bound<'t> = &'t Accepted;
    #[inline]
    fn bound(t: &Thresholds) -> Option<&Accepted> {
        t.land_use.as_ref()
    }
    #[inline]
    fn fails(accepted: &Accepted, land_use: u16) -> bool {
        match accepted.bits {
            Some(bits) => land_use >= 64 || (bits >> (land_use & 63)) & 1 == 0,
            None => !accepted.ok.get(usize::from(land_use)).copied().unwrap_or(false),
        }
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> u16 {
        o.land_use
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = u16> + '_ {
        c.land_use[rows.clone()].iter().copied()
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, _: &Accepted) -> Rejection<'a> {
        Rejection::LandUse { have: &ctx.snapshot.parcels.at(o.index).land_use, wanted: &ctx.req.land_uses }
    }
}
