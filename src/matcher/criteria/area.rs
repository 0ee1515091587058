//! Area fit: closeness of the offered area to the requested size, penalising waste.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::Offer;
use crate::matcher::Ctx;
use crate::model::OfferKind;

/// 100 when `have` equals `want`, falling with their ratio either way.
pub(crate) fn closeness(have: f64, want: f64) -> f64 {
    if have <= 0.0 || want <= 0.0 {
        return 0.0;
    }
    100.0 * (have / want).min(want / have)
}

pub(crate) struct AreaScorer;

impl Scorer for AreaScorer {
    const CRITERION: Criterion = Criterion::Area;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, _distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let req = ctx.req;
        match offer.kind {
            OfferKind::Land => {
                if let Some(ideal_m2) = req.land_area.and_then(|r| r.ideal_m2()) {
                    let reason = Reason::LandArea { area_m2: offer.area_m2, ideal_m2 };
                    return Some((closeness(offer.area_m2, ideal_m2), reason));
                }
                let need_m2 = req.floor_area_m2?;
                let buildable_m2 = offer.area_m2 * offer.max_far?;
                Some((closeness(buildable_m2, need_m2), Reason::Buildable { buildable_m2, need_m2 }))
            }
            OfferKind::Building => {
                let need_m2 = req.floor_area_m2?;
                Some((closeness(offer.area_m2, need_m2), Reason::Vacant { vacant_m2: offer.area_m2, need_m2 }))
            }
        }
    }
}
