//! Distance to the requested location: linear to zero at the project's limit, or halving
//! every 10 km without one.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::Offer;
use crate::matcher::Ctx;

/// Distance at which the score halves when the project sets no limit, metres.
pub const HALF_SCORE_M: f64 = 10_000.0;

pub(crate) struct DistanceScorer;

impl Scorer for DistanceScorer {
    const CRITERION: Criterion = Criterion::Distance;

    fn score<'a>(ctx: &Ctx<'a>, _offer: &Offer, distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let (_, max_m) = ctx.req.near?;
        let metres = distance_m?;
        let score = match max_m {
            Some(max) => 100.0 * (1.0 - metres / max),
            None => 100.0 / (1.0 + metres / HALF_SCORE_M),
        };
        Some((score, Reason::Distance { metres, max_m }))
    }
}
