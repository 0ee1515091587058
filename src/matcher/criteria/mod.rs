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

/// An upper bound on a row's score from its site and area alone, for a ranking to skip the
/// full scoring of rows that could not enter what is shown. Each criterion the site or the
/// area decides counts at its value, every other one that may apply at 100: raising a
/// score, or adding a criterion at 100, never lowers a weighted mean of scores up to 100.
pub(crate) struct Ceiling {
    /// Per site: the weighted sum and weight of all but the area criterion.
    sites: Vec<Partial>,
    /// The area criterion when the row's area decides it: its weight and the wanted size.
    area: Option<(f64, f64)>,
}

impl Ceiling {
    /// The ceiling of `kind`'s rows for the request in `ctx`, once the price medians are set.
    pub fn new(ctx: &Ctx, kind: OfferKind) -> Ceiling {
        let req = ctx.req;
        let w = &req.weights;
        let at_most = |applies: bool, c: Criterion| if applies { Partial::default().add(w, c, 100.0) } else { Partial::default() };
        let (area, area_unknown) = match kind {
            OfferKind::Land => match req.land_area.and_then(|r| r.ideal_m2()) {
                Some(ideal_m2) => (Some((w.get(Criterion::Area), ideal_m2)), false),
                // buildable area needs the row's FAR, which may be unknown
                None => (None, req.floor_area_m2.is_some()),
            },
            OfferKind::Building => (req.floor_area_m2.map(|need| (w.get(Criterion::Area), need)), false),
        };
        let fixed = [
            at_most(area_unknown, Criterion::Area),
            at_most(true, Criterion::Readiness),
            at_most(req.power_kva.is_some() && kind == OfferKind::Land, Criterion::Power),
            at_most(price::price_score(ctx, kind, None).is_some(), Criterion::Price),
            at_most(req.near.is_some(), Criterion::Distance),
        ]
        .into_iter()
        .fold(Partial::default(), |a, b| Partial { sum: a.sum + b.sum, weight: a.weight + b.weight });
        let best_set = if kind == OfferKind::Building { ctx.fits.sets.iter().copied().fold(0.0, f64::max) * FitScope::Building.factor() } else { 0.0 };
        let sites = (0..ctx.offers.sites.len())
            .map(|site| {
                let (base, bonus) = ctx.fits.sites[site];
                let mut p = fixed.add(w, Criterion::Industry, (base.max(best_set) + bonus).clamp(0.0, 100.0));
                if let Some(scores) = &ctx.policy_scores {
                    p = p.add(w, Criterion::Policy, (100.0 * scores.support(site as u16, kind) / scores.best_wan).clamp(0.0, 100.0));
                }
                p
            })
            .collect();
        Ceiling { sites, area }
    }

    /// How many sites it covers.
    pub fn sites(&self) -> usize {
        self.sites.len()
    }

    /// At least the score of a row at `site` offering `area_m2`, whatever else it offers.
    pub fn of(&self, site: u16, area_m2: f64) -> f64 {
        let mut p = self.sites[usize::from(site)];
        if let Some((weight, want)) = self.area {
            p = Partial { sum: p.sum + weight * area::closeness(area_m2, want), weight: p.weight + weight };
        }
        Ceiling::mean(p)
    }

    /// The weighted mean, with a margin for the rounding of a sum taken in another order.
    fn mean(p: Partial) -> f64 {
        if p.weight > 0.0 {
            p.sum / p.weight * (1.0 + 1e-12) + 1e-9
        } else {
            0.0
        }
    }

    /// Per site, the areas (lowest, highest) whose ceiling reaches `score`: a row outside
    /// them scores below `score`. Slightly wide, never narrow.
    pub fn areas_reaching(&self, score: f64) -> Vec<(f64, f64)> {
        const ALL: (f64, f64) = (f64::NEG_INFINITY, f64::INFINITY);
        const NONE: (f64, f64) = (f64::INFINITY, f64::NEG_INFINITY);
        self.sites
            .iter()
            .map(|&p| match self.area {
                Some((weight, want)) if weight > 0.0 => {
                    // the closeness the area must reach, from the mean of `of` solved for it
                    let least = ((score - 1e-9) / (1.0 + 1e-12) * (p.weight + weight) - p.sum) / weight;
                    if least <= 0.0 {
                        ALL
                    } else if least > 100.0 * (1.0 + 1e-9) {
                        NONE
                    } else {
                        (want * least / 100.0 * (1.0 - 1e-9), want * 100.0 / least * (1.0 + 1e-9))
                    }
                }
                _ => {
                    if Ceiling::mean(p) >= score {
                        ALL
                    } else {
                        NONE
                    }
                }
            })
            .collect()
    }
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
