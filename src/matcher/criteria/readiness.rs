//! Readiness: available now or later (idle space needs renewal first), and how recently the
//! facts were verified.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::Offer;
use crate::matcher::Ctx;
use crate::model::SpaceStatus;

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
        let as_of = ctx.req.as_of;
        let wait_days = offer.available_from.map_or(0, |from| (from - as_of).num_days().max(0));
        let idle = offer.status == SpaceStatus::Idle;
        let mut available = (100.0 - PER_MONTH * wait_days as f64 / 30.44).max(20.0);
        if idle {
            available *= 0.6;
        }
        let age_days = (as_of - offer.verified_at).num_days();
        let fresh = 100.0 - 60.0 * ((age_days as f64 - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS)).clamp(0.0, 1.0);
        let reason = Reason::Readiness { available_from: offer.available_from.filter(|_| wait_days > 0), idle, verified_at: offer.verified_at, age_days };
        Some((0.7 * available + 0.3 * fresh, reason))
    }
}
