//! Scored criteria: each scorer rates a candidate 0–100 and says why, as data (a [`Reason`]
//! carrying the numbers); the text is rendered in [`super::explain`].
//!
//! Default weights (overridable per request with `weights`): industry 30, area 20,
//! price 15, readiness 15, distance 10, power 10, policy 0. A criterion that does not apply to a
//! candidate (distance without a location, power without a stated need, area without a
//! stated size) is left out and the others are normalised to 0–100.

mod area;
mod distance;
mod industry;
mod policy;
mod power;
mod price;
mod readiness;

use chrono::NaiveDate;

pub use industry::{relation, FitScope, IndustryFit, Relation, POSITIVE_LIST_BONUS};
pub(crate) use industry::best_fit;

use super::offers::{Facts, Offer, ScoreFacts};
use crate::model::OfferKind;
use super::Ctx;

/// The criteria a candidate is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    /// Industry fit with the zone's, park's and district's leading industries.
    Industry,
    /// Closeness of the offered area to the requested size.
    Area,
    /// Land price or rent.
    Price,
    /// Distance to the requested location.
    Distance,
    /// Available now or later, and how recently the facts were verified.
    Readiness,
    /// Power capacity headroom.
    Power,
    /// Estimated policy support against the most any place offers.
    Policy,
}

impl Criterion {
    /// Every criterion, in output order.
    pub const ALL: [Criterion; 7] =
        [Criterion::Industry, Criterion::Area, Criterion::Price, Criterion::Distance, Criterion::Readiness, Criterion::Power, Criterion::Policy];

    /// The name used in requests (`weights`) and results.
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Industry => "industry",
            Criterion::Area => "area",
            Criterion::Price => "price",
            Criterion::Distance => "distance",
            Criterion::Readiness => "readiness",
            Criterion::Power => "power",
            Criterion::Policy => "policy",
        }
    }

    /// The criterion with this name.
    pub fn parse(name: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.name() == name)
    }

    /// All names, for messages.
    pub fn names() -> String {
        Criterion::ALL.map(Criterion::name).join(", ")
    }

    fn default_weight(self) -> f64 {
        match self {
            Criterion::Industry => 30.0,
            Criterion::Area => 20.0,
            Criterion::Price => 15.0,
            Criterion::Readiness => 15.0,
            Criterion::Distance => 10.0,
            Criterion::Power => 10.0,
            Criterion::Policy => 0.0,
        }
    }
}

/// A weight per criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights([f64; 7]);

impl Default for Weights {
    fn default() -> Self {
        Weights(Criterion::ALL.map(Criterion::default_weight))
    }
}

impl Weights {
    /// The weight of `c`.
    pub fn get(&self, c: Criterion) -> f64 {
        self.0[c as usize]
    }
    /// Sets the weight of `c`.
    pub fn set(&mut self, c: Criterion, w: f64) {
        self.0[c as usize] = w;
    }
    /// Sum of all weights.
    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }
}

/// Why a criterion scored what it did, with the numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason<'a> {
    /// Industry fit.
    Industry(IndustryFit<'a>),
    /// Land area against the requested size.
    LandArea {
        /// Offered, m².
        area_m2: f64,
        /// Requested size, m².
        ideal_m2: f64,
    },
    /// Buildable floor area (land × max FAR) against the floor area needed.
    Buildable {
        /// Land area × max FAR, m².
        buildable_m2: f64,
        /// Needed, m².
        need_m2: f64,
    },
    /// Vacant floor area against the floor area needed.
    Vacant {
        /// Vacant, m².
        vacant_m2: f64,
        /// Needed, m².
        need_m2: f64,
    },
    /// Land price (万元/亩) or rent (元/m²/day) against the project's maximum or the median.
    Price {
        /// The price, if listed.
        have: Option<f64>,
        /// What it is compared with.
        reference: f64,
        /// Whether the reference is the project's maximum (else the median of candidates).
        reference_is_max: bool,
        /// Rent rather than land price.
        rent: bool,
    },
    /// Distance to the requested point.
    Distance {
        /// Metres.
        metres: f64,
        /// The project's limit, metres.
        max_m: Option<f64>,
    },
    /// Availability and verification.
    Readiness {
        /// Available from (none: now).
        available_from: Option<NaiveDate>,
        /// Idle space that needs renewal.
        idle: bool,
        /// Last verified.
        verified_at: NaiveDate,
        /// Days since verification.
        age_days: i64,
    },
    /// Estimated policy support.
    Policy {
        /// This candidate's, 万元.
        support_wan: f64,
        /// The most any place offers the project, 万元.
        best_wan: f64,
    },
    /// Power capacity.
    Power {
        /// On site, kVA (none: not recorded).
        have: Option<f64>,
        /// Needed, kVA.
        need: f64,
    },
}

/// A candidate's score on one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored<'a> {
    /// The criterion.
    pub criterion: Criterion,
    /// 0–100.
    pub score: f64,
    /// Why.
    pub reason: Reason<'a>,
}

/// Rates one aspect of a candidate.
pub(crate) trait Scorer {
    /// The criterion it scores.
    const CRITERION: Criterion;
    /// The score (0–100) and its reason, or none when the criterion does not apply.
    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, distance_m: Option<f64>) -> Option<(f64, Reason<'a>)>;

    /// The score alone, for ranking, from whatever holds the row's facts; agrees with
    /// [`Scorer::score`].
    fn value(ctx: &Ctx, row: &impl Facts, distance_m: Option<f64>) -> Option<f64>;
}

fn run<'a, S: Scorer>(ctx: &Ctx<'a>, offer: &Offer, distance_m: Option<f64>, out: &mut Vec<Scored<'a>>) {
    if let Some((score, reason)) = S::score(ctx, offer, distance_m) {
        out.push(Scored { criterion: S::CRITERION, score: score.clamp(0.0, 100.0), reason });
    }
}

/// Every applicable criterion's score for `offer`, in [`Criterion::ALL`] order.
pub(crate) fn score_all<'a>(ctx: &Ctx<'a>, offer: &Offer, distance_m: Option<f64>) -> Vec<Scored<'a>> {
    let mut out = Vec::with_capacity(7);
    run::<industry::IndustryScorer>(ctx, offer, distance_m, &mut out);
    run::<area::AreaScorer>(ctx, offer, distance_m, &mut out);
    run::<price::PriceScorer>(ctx, offer, distance_m, &mut out);
    run::<distance::DistanceScorer>(ctx, offer, distance_m, &mut out);
    run::<readiness::ReadinessScorer>(ctx, offer, distance_m, &mut out);
    run::<power::PowerScorer>(ctx, offer, distance_m, &mut out);
    run::<policy::PolicyScorer>(ctx, offer, distance_m, &mut out);
    out
}

fn quick<S: Scorer>(ctx: &Ctx, row: &impl Facts, distance_m: Option<f64>) -> Option<(Criterion, f64)> {
    S::value(ctx, row, distance_m).map(|score| (S::CRITERION, score.clamp(0.0, 100.0)))
}

/// Whether each scorer's number agrees with the one it explains.
#[cfg(debug_assertions)]
fn agrees(ctx: &Ctx, offer: &Offer, distance_m: Option<f64>) -> bool {
    fn one<S: Scorer>(ctx: &Ctx, offer: &Offer, distance_m: Option<f64>) -> bool {
        S::value(ctx, &ScoreFacts::of(offer), distance_m) == S::score(ctx, offer, distance_m).map(|(score, _)| score)
    }
    one::<industry::IndustryScorer>(ctx, offer, distance_m)
        && one::<area::AreaScorer>(ctx, offer, distance_m)
        && one::<price::PriceScorer>(ctx, offer, distance_m)
        && one::<distance::DistanceScorer>(ctx, offer, distance_m)
        && one::<readiness::ReadinessScorer>(ctx, offer, distance_m)
        && one::<power::PowerScorer>(ctx, offer, distance_m)
        && one::<policy::PolicyScorer>(ctx, offer, distance_m)
}

/// A weighted sum of criteria scores and the sum of their weights.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Partial {
    sum: f64,
    weight: f64,
}

impl Partial {
    fn add(self, weights: &Weights, c: Criterion, score: f64) -> Partial {
        Partial { sum: self.sum + weights.get(c) * score, weight: self.weight + weights.get(c) }
    }
}

/// Every applicable criterion but price, which waits for the median of the candidates: the
/// hot path of a match, run without allocating in the same pass as the constraints.
pub(crate) fn partial_of(ctx: &Ctx, row: &impl Facts, distance_m: Option<f64>) -> Partial {
    with_distance(ctx, partial_without_distance(ctx, row), distance_m)
}

/// [`partial_of`] but for distance, so that a ranking can bound a row's score by its
/// distance's bounds before working the distance out.
pub(crate) fn partial_without_distance(ctx: &Ctx, row: &impl Facts) -> Partial {
    let scores = [
        quick::<industry::IndustryScorer>(ctx, row, None),
        quick::<area::AreaScorer>(ctx, row, None),
        quick::<readiness::ReadinessScorer>(ctx, row, None),
        quick::<power::PowerScorer>(ctx, row, None),
        quick::<policy::PolicyScorer>(ctx, row, None),
    ];
    scores.into_iter().flatten().fold(Partial::default(), |p, (c, score)| p.add(&ctx.req.weights, c, score))
}

/// `partial` with the distance criterion added (the last one before price); a greater
/// distance never scores higher.
pub(crate) fn with_distance(ctx: &Ctx, partial: Partial, distance_m: Option<f64>) -> Partial {
    match distance::closeness_of(ctx, distance_m) {
        Some(score) => partial.add(&ctx.req.weights, Criterion::Distance, score.clamp(0.0, 100.0)),
        None => partial,
    }
}

/// Adds the price criterion to `partial` and returns the weighted mean, 0–100 (0 when all
/// the applicable weights are 0).
pub(crate) fn finish(ctx: &Ctx, kind: OfferKind, listed_price: Option<f64>, partial: Partial) -> f64 {
    let total = match price::price_score(ctx, kind, listed_price) {
        Some((score, _, _)) => partial.add(&ctx.req.weights, Criterion::Price, score.clamp(0.0, 100.0)),
        None => partial,
    };
    if total.weight > 0.0 {
        total.sum / total.weight
    } else {
        0.0
    }
}

/// The weighted mean of [`score_all`]'s scores.
pub(crate) fn total_of(ctx: &Ctx, offer: &Offer, distance_m: Option<f64>) -> f64 {
    #[cfg(debug_assertions)]
    assert!(agrees(ctx, offer, distance_m), "a scorer's number differs from its explanation");
    finish(ctx, offer.kind, offer.listed_price(), partial_of(ctx, &ScoreFacts::of(offer), distance_m))
}
