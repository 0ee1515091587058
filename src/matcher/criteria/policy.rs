//! Policy support: the candidate's estimated support (the largest combinable total of its
//! eligible measures) against the most any place offers this project. Weight 0 by default.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer, ScoreFacts};
use crate::matcher::Ctx;

pub(crate) struct PolicyScorer;

impl Scorer for PolicyScorer {
    const CRITERION: Criterion = Criterion::Policy;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let score = Self::value(ctx, &ScoreFacts::of(offer), distance_m)?;
        let scores = ctx.policy_scores.as_ref()?;
        Some((score, Reason::Policy { support_wan: scores.support(offer.site, offer.kind), best_wan: scores.best_wan }))
    }

    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        let scores = ctx.policy_scores.as_ref()?;
        Some(100.0 * scores.support(row.site(), row.kind()) / scores.best_wan)
    }
}
