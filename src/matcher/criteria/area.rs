//! Area fit: closeness of the offered area to the requested size, penalising waste.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer, ScoreFacts};
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
        let (have, want, measure) = sizes(ctx, &ScoreFacts::of(offer))?;
        let reason = match measure {
            Measure::Land => Reason::LandArea { area_m2: have, ideal_m2: want },
            Measure::Buildable => Reason::Buildable { buildable_m2: have, need_m2: want },
            Measure::Vacant => Reason::Vacant { vacant_m2: have, need_m2: want },
        };
        Some((closeness(have, want), reason))
    }

    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        sizes(ctx, row).map(|(have, want, _)| closeness(have, want))
    }
}

/// What is compared with the requested size.
enum Measure {
    /// Land area against the land wanted.
    Land,
    /// Land × max FAR against the floor area needed.
    Buildable,
    /// Vacant floor area against the floor area needed.
    Vacant,
}

/// The offered and wanted sizes, m², and what they measure; none without a stated size.
fn sizes(ctx: &Ctx, row: &impl Facts) -> Option<(f64, f64, Measure)> {
    let req = ctx.req;
    match row.kind() {
        OfferKind::Land => {
            if let Some(ideal_m2) = req.land_area.and_then(|r| r.ideal_m2()) {
                return Some((row.area_m2(), ideal_m2, Measure::Land));
            }
            let need_m2 = req.floor_area_m2?;
            Some((row.area_m2() * row.max_far()?, need_m2, Measure::Buildable))
        }
        OfferKind::Building => Some((row.area_m2(), req.floor_area_m2?, Measure::Vacant)),
    }
}
