//! Price: land price (万元/亩) for land, rent (元/m²/day) for building space, against the
//! project's maximum or, without one, the median of the candidates that pass.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::Offer;
use crate::matcher::Ctx;
use crate::model::OfferKind;

/// Score given to a candidate whose price is not listed (negotiable).
pub const UNLISTED: f64 = 50.0;

/// 50 at the reference, 100 at half of it or less, 0 at one and a half times it or more.
pub(crate) fn cheapness(have: f64, reference: f64) -> f64 {
    if reference <= 0.0 {
        return if have <= 0.0 { 100.0 } else { 0.0 };
    }
    100.0 * (1.5 - have / reference).clamp(0.0, 1.0)
}

pub(crate) struct PriceScorer;

impl Scorer for PriceScorer {
    const CRITERION: Criterion = Criterion::Price;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, _distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let (have, max, median, rent) = match offer.kind {
            OfferKind::Land => (offer.price, ctx.req.max_land_price, ctx.land_price_median, false),
            OfferKind::Building => (offer.rent, ctx.req.max_rent, ctx.rent_median, true),
        };
        let (reference, reference_is_max) = match (max, median) {
            (Some(m), _) => (m, true),
            (None, Some(m)) => (m, false),
            (None, None) => return None,
        };
        let score = have.map_or(UNLISTED, |h| cheapness(h, reference));
        Some((score, Reason::Price { have, reference, reference_is_max, rent }))
    }
}
