//! Readiness: available now or later (idle space needs renewal first), and how recently the
//! facts were verified.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer, ScoreFacts};
use crate::matcher::Ctx;

/// Points lost per month of waiting.
const PER_MONTH: f64 = 10.0;
/// Facts verified within this many days count in full.
const FRESH_DAYS: f64 = 90.0;
/// Facts verified this many days ago or more count least.
const STALE_DAYS: f64 = 730.0;

pub(crate) struct ReadinessScorer;

impl Scorer for ReadinessScorer {
    const CRITERION: Criterion = Criterion::Readiness;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, _distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let r = rate(ctx, &ScoreFacts::of(offer));
        let available_from = offer.available_from().filter(|_| r.wait_days > 0);
        Some((r.score, Reason::Readiness { available_from, idle: r.idle, verified_at: offer.verified_at(), age_days: r.age_days }))
    }

    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        Some(rate(ctx, row).score)
    }
}

/// A readiness rating with the figures behind it.
struct Rating {
    score: f64,
    wait_days: i32,
    age_days: i64,
    idle: bool,
}

/// Day numbers only: the dates themselves are needed for the reason alone.
fn rate(ctx: &Ctx, row: &impl Facts) -> Rating {
    let wait_days = row.available_day().map_or(0, |from| (from - ctx.as_of_day).max(0));
    let idle = row.idle();
    let mut available = (100.0 - PER_MONTH * f64::from(wait_days) / 30.44).max(20.0);
    if idle {
        available *= 0.6;
    }
    let age_days = i64::from(ctx.as_of_day) - i64::from(row.verified_day());
    let fresh = 100.0 - 60.0 * ((age_days as f64 - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS)).clamp(0.0, 1.0);
    Rating { score: 0.7 * available + 0.3 * fresh, wait_days, age_days, idle }
}
