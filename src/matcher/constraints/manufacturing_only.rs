//! `manufacturing_only`: "新增工业用地不得建设非制造业项目" (city measures, item 七, l.37) — a
//! project outside manufacturing may not take industrial land (M1, M1/M4 and the other M
//! classes but M4, 新型产业用地).

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};
use crate::matcher::Requirements;
use crate::model::LandUse;

/// Whether land of this use is industrial land in the rule's sense.
fn industrial(u: &LandUse) -> bool {
    match u {
        LandUse::M1 | LandUse::M1M4 => true,
        LandUse::M4 => false,
        LandUse::Other(code) => code.starts_with('M'),
    }
}

/// Per position in [`Offers::land_uses`]: refused to this project; none when the project
/// is manufacturing or no parcel carries industrial land.
pub(super) fn threshold(req: &Requirements, offers: &Offers) -> Option<Vec<bool>> {
    if req.facts.manufacturing {
        return None;
    }
    let refused: Vec<bool> = offers.land_uses.iter().map(industrial).collect();
    refused.iter().any(|r| *r).then_some(refused)
}

/// [`Constraint::ManufacturingOnly`].
pub(crate) struct Check;

impl RowCheck for Check {
    const CONSTRAINT: Constraint = Constraint::ManufacturingOnly;
    type Value = u16;
    type Bound<'t> = &'t [bool];
    #[inline]
    fn bound(t: &Thresholds) -> Option<&[bool]> {
        t.manufacturing_only.as_deref()
    }
    #[inline]
    fn fails(refused: &[bool], land_use: u16) -> bool {
        refused.get(usize::from(land_use)).copied().unwrap_or(false)
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> u16 {
        o.land_use
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = u16> + '_ {
        c.land_use[rows.clone()].iter().copied()
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, _: &[bool]) -> Rejection<'a> {
        Rejection::ManufacturingOnly { have: &ctx.snapshot.parcels.at(o.index).land_use }
    }
}
