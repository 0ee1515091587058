//! Distance to the requested location: linear to zero at the project's limit, or halving
//! every 10 km without one.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer};
use crate::matcher::Ctx;

/// Distance at which the score halves when the project sets no limit, metres.
pub const HALF_SCORE_M: f64 = 10_000.0;

pub(crate) struct DistanceScorer;

impl Scorer for DistanceScorer {
    const CRITERION: Criterion = Criterion::Distance;

    fn score<'a>(ctx: &Ctx<'a>, _offer: &Offer, distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let (_, max_m) = ctx.req.near?;
        let metres = distance_m?;
        Some((closeness(metres, max_m), Reason::Distance { metres, max_m }))
    }

    fn value(ctx: &Ctx, _row: &impl Facts, distance_m: Option<f64>) -> Option<f64> {
        closeness_of(ctx, distance_m)
    }
}

/// The criterion's score for a distance, whatever the row.
pub(super) fn closeness_of(ctx: &Ctx, distance_m: Option<f64>) -> Option<f64> {
    let (_, max_m) = ctx.req.near?;
    Some(closeness(distance_m?, max_m))
}

/// Linear to zero at the limit, or halving every [`HALF_SCORE_M`] without one.
fn closeness(metres: f64, max_m: Option<f64>) -> f64 {
    match max_m {
        Some(max) => 100.0 * (1.0 - metres / max),
        None => 100.0 / (1.0 + metres / HALF_SCORE_M),
    }
}
