//! Infrastructure headroom: power capacity on site against the project's need.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer, ScoreFacts};
use crate::matcher::Ctx;
use crate::model::OfferKind;

/// Score when the site's capacity is not recorded.
pub const UNRECORDED: f64 = 50.0;

pub(crate) struct PowerScorer;

impl Scorer for PowerScorer {
    const CRITERION: Criterion = Criterion::Power;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let score = Self::value(ctx, &ScoreFacts::of(offer), distance_m)?;
        Some((score, Reason::Power { have: offer.power_kva.get(), need: ctx.req.power_kva? }))
    }

    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        let need = ctx.req.power_kva?;
        if row.kind() != OfferKind::Land {
            return None;
        }
        Some(match row.power_kva() {
            None => UNRECORDED,
            // meeting the need exactly scores 60; twice the need or more scores 100
            Some(have) if have >= need => 60.0 + 40.0 * ((have - need) / need).min(1.0),
            Some(have) => 50.0 * have / need,
        })
    }
}
