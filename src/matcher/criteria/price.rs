//! Price: land price (万元/亩) for land, rent (元/m²/day) for building space, against the
//! project's maximum or, without one, the median of the candidates that pass.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer};
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
        let have = offer.listed_price();
        let (score, reference, reference_is_max) = price_score(ctx, offer.kind, have)?;
        Some((score, Reason::Price { have, reference, reference_is_max, rent: offer.kind == OfferKind::Building }))
    }

    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        price_score(ctx, row.kind(), row.listed_price()).map(|(score, _, _)| score)
    }
}

/// The score of price `have` with its reference and whether that is the project's maximum;
/// none without a maximum or candidates to take a median from. Needs only the price, so a
/// match can score it after the pass that finds the median.
pub(crate) fn price_score(ctx: &Ctx, kind: OfferKind, have: Option<f64>) -> Option<(f64, f64, bool)> {
    let (max, median) = match kind {
        OfferKind::Land => (ctx.req.max_land_price, ctx.land_price_median),
        OfferKind::Building => (ctx.req.max_rent, ctx.rent_median),
    };
    let (reference, reference_is_max) = match (max, median) {
        (Some(m), _) => (m, true),
        (None, Some(m)) => (m, false),
        (None, None) => return None,
    };
    Some((have.map_or(UNLISTED, |h| cheapness(h, reference)), reference, reference_is_max))
}
