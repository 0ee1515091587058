//! The matcher: ranks land parcels, parcel assemblies and building space against a project's
//! requirements, explains every score, lists near misses and the policy measures that apply.
//!
//! A match is one pass over pre-computed rows ([`offers`]): scope limits through the R-tree,
//! hard constraints ([`constraints`]) collected as data, the scorers of [`criteria`] on the
//! rows that pass, and text rendered last ([`explain`]) for the few rows returned.
//!
//! ```
//! use chanye::matcher::{Matcher, ProjectRequest};
//! let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata"));
//! let snapshot = chanye::inventory::load_dir_strict(dir).unwrap().snapshot;
//! let matcher = Matcher::new(std::sync::Arc::new(snapshot));
//! let request = ProjectRequest::from_json(r#"{"industry": "心血管医疗器械", "space": "land", "land_area_mu": {"min": 30}}"#).unwrap();
//! let result = matcher.run(&request).unwrap();
//! assert!(!result.candidates.is_empty());
//! assert_eq!(result.candidates[0].rank, 1);
//! ```

mod assembly;
pub mod constraints;
pub mod criteria;
pub mod districts;
mod error;
pub mod explain;
mod offers;
pub mod request;
pub mod result;

use std::sync::Arc;

use chrono::NaiveDate;
use geo::{BooleanOps, Coord, MultiPolygon};

pub use error::MatchError;
pub use request::{ProjectRequest, Requirements, SpaceWanted};
pub use result::{Candidate, CandidateKind, Failure, MatchResult, NearMiss};

use constraints::{check, scope, Constraint, Rejection};
use criteria::{best_fit, FitScope, IndustryFit, Relation};
use offers::{Offer, Offers};
use result::{AppliedPolicy, CriterionScore, IndustryRef, ProjectSummary};

use crate::inventory::export::{area_geometry, point_geometry};
use crate::inventory::layer::distance_m;
use crate::inventory::{Feature, Snapshot};
use crate::model::{Industry, OfferKind, PolicyCatalogue, PolicyScope, M2_PER_MU};

/// Industry fits per district, park and zone for one request, and the list checks.
pub(crate) struct Fits<'a> {
    /// Per district position.
    pub districts: Vec<IndustryFit<'a>>,
    /// Per park position.
    pub parks: Vec<IndustryFit<'a>>,
    /// Per zone position.
    pub zones: Vec<IndustryFit<'a>>,
    /// Per park: its name when its positive list covers the project.
    pub positive: Vec<Option<&'a str>>,
    /// Per park: the negative-list entry that covers the project.
    pub negative: Vec<Option<&'a Industry>>,
    /// Relation of each catalogue entry to the project (for building industries).
    pub by_entry: Vec<Relation>,
}

/// The request's district and park limits as flags per position, so that the per-row scope
/// check hashes no strings.
pub(crate) struct ScopeLimits {
    /// Per district: accepted (none: no limit).
    pub districts: Option<Vec<bool>>,
    /// Per park: accepted (none: no limit).
    pub parks: Option<Vec<bool>>,
    /// Per park: only its named zones are accepted.
    pub zone_limited: Vec<bool>,
    /// Per zone: named.
    pub zones: Vec<bool>,
}

impl ScopeLimits {
    fn new(req: &Requirements, s: &Snapshot) -> ScopeLimits {
        let zones: Vec<bool> = s.zones.items().iter().map(|z| req.zones.as_ref().is_some_and(|named| named.contains(&z.id))).collect();
        let zone_limited = s.parks.items().iter().map(|p| s.zones.items().iter().zip(&zones).any(|(z, &named)| named && z.park == p.id)).collect();
        ScopeLimits {
            districts: req.districts.as_ref().map(|ok| s.districts.items().iter().map(|d| ok.contains(&d.adcode)).collect()),
            parks: req.parks.as_ref().map(|ok| s.parks.items().iter().map(|p| ok.contains(&p.id)).collect()),
            zone_limited,
            zones,
        }
    }
}

/// Everything one request's checks and scorers read.
pub(crate) struct Ctx<'a> {
    /// The resolved request.
    pub req: &'a Requirements,
    /// The inventory.
    pub snapshot: &'a Snapshot,
    /// Industry fits.
    pub fits: Fits<'a>,
    /// District and park limits.
    pub scope: ScopeLimits,
    /// Median land price of the land that passes.
    pub land_price_median: Option<f64>,
    /// Median rent of the building space that passes.
    pub rent_median: Option<f64>,
}

impl<'a> Ctx<'a> {
    fn new(req: &'a Requirements, snapshot: &'a Snapshot) -> Ctx<'a> {
        let catalogue = snapshot.catalogue.as_ref();
        let project = catalogue.get(&req.industry).expect("resolved industries are in the catalogue");
        let covers = |list: &'a [String]| list.iter().find_map(|code| catalogue.is_within(&project.code, code).then(|| catalogue.get(code)).flatten());
        let fits = Fits {
            districts: snapshot.districts.items().iter().map(|d| best_fit(catalogue, project, &d.industries, FitScope::District, &d.name)).collect(),
            parks: snapshot.parks.items().iter().map(|p| best_fit(catalogue, project, &p.industries, FitScope::Park, &p.name)).collect(),
            zones: snapshot.zones.items().iter().map(|z| best_fit(catalogue, project, &z.industries, FitScope::Zone, &z.name)).collect(),
            positive: snapshot.parks.items().iter().map(|p| covers(&p.positive_list).map(|_| p.name.as_str())).collect(),
            negative: snapshot.parks.items().iter().map(|p| covers(&p.negative_list)).collect(),
            by_entry: catalogue.entries().iter().map(|e| criteria::relation(catalogue, &project.code, &e.code)).collect(),
        };
        Ctx { req, snapshot, fits, scope: ScopeLimits::new(req, snapshot), land_price_median: None, rent_median: None }
    }
}

/// The inventory prepared for matching. Build one per snapshot; it is immutable and shared.
#[derive(Debug)]
pub struct Matcher {
    snapshot: Arc<Snapshot>,
    offers: Offers,
}

/// A candidate that passed, before rendering.
struct Hit {
    kind: CandidateKind,
    members: Vec<u32>,
    offer: Option<Offer>,
    index: u32,
    distance_m: Option<f64>,
    score: f64,
    id: String,
}

/// A parcel or building examined by a match: no allocation per row.
#[derive(Debug, Clone, Copy)]
struct Row {
    kind: OfferKind,
    index: u32,
    distance_m: Option<f64>,
    score: f64,
}

/// Constraints whose failure rules out a near miss.
static NOT_NEGOTIABLE: std::sync::LazyLock<u32> =
    std::sync::LazyLock::new(|| Constraint::ALL.iter().filter(|c| !c.allows_near_miss()).fold(0, |bits, c| bits | c.bit()));
/// The size constraints an assembly member may fail.
static SIZE: std::sync::LazyLock<u32> = std::sync::LazyLock::new(|| Constraint::ALL.iter().filter(|c| c.is_size()).fold(0, |bits, c| bits | c.bit()));

/// Keeps the `k` first of `items` under `order`, sorted: a partial selection, then a sort of
/// only those `k`.
fn top<T>(items: &mut Vec<T>, k: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if k == 0 {
        items.clear();
        return;
    }
    if items.len() > k {
        items.select_nth_unstable_by(k - 1, &order);
        items.truncate(k);
    }
    items.sort_by(order);
}


fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Matcher {
    /// Pre-computes the rows of `snapshot`.
    pub fn new(snapshot: Arc<Snapshot>) -> Matcher {
        let offers = Offers::new(&snapshot);
        Matcher { snapshot, offers }
    }

    /// The snapshot matched against.
    pub fn snapshot(&self) -> &Arc<Snapshot> {
        &self.snapshot
    }

    /// Runs a match as of today.
    pub fn run(&self, request: &ProjectRequest) -> Result<MatchResult, MatchError> {
        self.run_on(request, chrono::Local::now().date_naive())
    }

    /// Runs a match; `today` is the default for the request's `as_of`.
    pub fn run_on(&self, request: &ProjectRequest, today: NaiveDate) -> Result<MatchResult, MatchError> {
        let req = Requirements::resolve(request, &self.snapshot, today)?;
        Ok(self.run_resolved(&req))
    }

    fn offers(&self, kind: OfferKind) -> &[Offer] {
        match kind {
            OfferKind::Land => &self.offers.land,
            OfferKind::Building => &self.offers.buildings,
        }
    }

    fn distance_to(&self, kind: OfferKind, index: u32, p: Coord) -> f64 {
        match kind {
            OfferKind::Land => distance_m(p, &self.snapshot.parcels.at(index).shape()),
            OfferKind::Building => distance_m(p, &self.snapshot.buildings.at(index).shape()),
        }
    }

    /// The rows to examine: through the R-tree when the location is limited, with the
    /// distance when known; the rest count as out of scope.
    fn in_scope(&self, req: &Requirements, kind: OfferKind) -> (Vec<(u32, Option<f64>)>, Option<(Constraint, usize)>) {
        let total = self.offers(kind).len();
        let hits: Option<(Vec<(u32, Option<f64>)>, Constraint)> = match (req.near, &req.within) {
            (Some((p, Some(max))), _) => {
                let hits = match kind {
                    OfferKind::Land => self.snapshot.parcels.within(p, max),
                    OfferKind::Building => self.snapshot.buildings.within(p, max),
                };
                Some((hits.into_iter().map(|(i, d)| (i, Some(d))).collect(), Constraint::Distance))
            }
            (_, Some(aoi)) => {
                let mut hits = match kind {
                    OfferKind::Land => self.snapshot.parcels.bbox_candidates(aoi.bbox),
                    OfferKind::Building => self.snapshot.buildings.bbox_candidates(aoi.bbox),
                };
                hits.sort_unstable();
                Some((hits.into_iter().map(|i| (i, None)).collect(), Constraint::Within))
            }
            _ => None,
        };
        match hits {
            Some((hits, constraint)) => {
                let outside = total - hits.len();
                (hits, Some((constraint, outside)))
            }
            None => ((0..total as u32).map(|i| (i, None)).collect(), None),
        }
    }

    /// Runs a resolved request.
    pub fn run_resolved(&self, req: &Requirements) -> MatchResult {
        let mut ctx = Ctx::new(req, &self.snapshot);
        let mut excluded = vec![0usize; Constraint::ALL.len()];
        let mut considered = 0;
        let mut passed: Vec<Row> = Vec::new();
        let mut missed: Vec<(Row, u32)> = Vec::new();
        let mut pool: Vec<u32> = Vec::new();
        let too_big_m2 = req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY);
        let kinds = [(OfferKind::Land, req.space.land()), (OfferKind::Building, req.space.building())];
        for kind in kinds.into_iter().filter_map(|(k, wanted)| wanted.then_some(k)) {
            let offers = self.offers(kind);
            considered += offers.len();
            let (rows, outside) = self.in_scope(req, kind);
            if let Some((constraint, n)) = outside {
                excluded[constraint as usize] += n;
            }
            for (index, distance_m) in rows {
                let o = &offers[index as usize];
                if let Some(r) = scope(&ctx, o) {
                    excluded[r.constraint() as usize] += 1;
                    continue;
                }
                let mut mask = 0u32;
                check(&ctx, o, &mut |r: Rejection| mask |= r.constraint().bit());
                let row = Row { kind, index, distance_m, score: 0.0 };
                if mask == 0 {
                    passed.push(row);
                    continue;
                }
                let mut bits = mask;
                while bits != 0 {
                    excluded[bits.trailing_zeros() as usize] += 1;
                    bits &= bits - 1;
                }
                if mask & *NOT_NEGOTIABLE == 0 && mask.count_ones() <= 2 {
                    missed.push((row, mask.count_ones()));
                }
                if kind == OfferKind::Land && mask & !*SIZE == 0 && o.area_m2 <= too_big_m2 {
                    pool.push(index);
                }
            }
        }
        let near = req.near.map(|(p, _)| p);
        ctx.land_price_median = median(passed.iter().filter(|r| r.kind == OfferKind::Land).filter_map(|r| self.offers.land[r.index as usize].price).collect());
        ctx.rent_median = median(passed.iter().filter(|r| r.kind == OfferKind::Building).filter_map(|r| self.offers.buildings[r.index as usize].rent).collect());
        let score = |row: &mut Row| {
            if row.distance_m.is_none() {
                row.distance_m = near.map(|p| self.distance_to(row.kind, row.index, p));
            }
            row.score = criteria::total_of(&ctx, &self.offers(row.kind)[row.index as usize], row.distance_m);
        };
        passed.iter_mut().for_each(score);
        let single_land = passed.iter().filter(|r| r.kind == OfferKind::Land).count();
        let best_first = |a: &Row, b: &Row| b.score.total_cmp(&a.score).then_with(|| self.id_of(a.kind, a.index).cmp(self.id_of(b.kind, b.index)));
        top(&mut passed, req.limit, best_first);

        let mut hits: Vec<Hit> = passed
            .iter()
            .map(|r| {
                let kind = if r.kind == OfferKind::Land { CandidateKind::Parcel } else { CandidateKind::Building };
                let id = self.id_of(r.kind, r.index).to_string();
                Hit { kind, members: vec![r.index], offer: None, index: r.index, distance_m: r.distance_m, score: r.score, id }
            })
            .collect();
        if req.space.land() && req.states_size() && single_land < req.limit && !pool.is_empty() {
            for a in assembly::find(&ctx, &self.offers.land, &pool) {
                let d = near.map(|p| a.members.iter().map(|&m| self.distance_to(OfferKind::Land, m, p)).fold(f64::INFINITY, f64::min));
                let score = criteria::total_of(&ctx, &a.offer, d);
                let mut ids: Vec<&str> = a.members.iter().map(|&m| self.snapshot.parcels.at(m).id.as_str()).collect();
                ids.sort_unstable();
                let id = ids.join("+");
                hits.push(Hit { kind: CandidateKind::Assembly, index: a.members[0], members: a.members, offer: Some(a.offer), distance_m: d, score, id });
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(req.limit);

        for (row, _) in missed.iter_mut() {
            score(row);
        }
        top(&mut missed, req.near_miss_limit, |a, b| a.1.cmp(&b.1).then_with(|| best_first(&a.0, &b.0)));

        let candidates = hits.iter().enumerate().map(|(n, h)| self.render_candidate(&ctx, n + 1, h)).collect();
        let near_misses = missed.iter().map(|(row, _)| self.render_miss(&ctx, row)).collect();
        let industry = ctx.snapshot.catalogue.get(&req.industry).expect("resolved");
        MatchResult {
            project: ProjectSummary {
                name: req.name.clone(),
                industry: IndustryRef { code: industry.code.clone(), name_zh: industry.name_zh.clone(), name_en: industry.name_en.clone() },
                as_of: req.as_of,
            },
            candidates,
            near_misses,
            excluded_counts: Constraint::ALL
                .iter()
                .filter(|c| excluded[**c as usize] > 0)
                .map(|c| (c.name().to_string(), excluded[*c as usize]))
                .collect(),
            considered,
            weights: criteria::Criterion::ALL.iter().map(|c| (c.name().to_string(), req.weights.get(*c))).collect(),
        }
    }

    /// Every constraint a parcel or building fails for the request ("why is this one not
    /// listed?"), empty when it passes; `None` when no parcel or building has that id.
    pub fn why_not(&self, request: &ProjectRequest, id: &str, today: NaiveDate) -> Result<Option<Vec<Failure>>, MatchError> {
        let req = Requirements::resolve(request, &self.snapshot, today)?;
        let ctx = Ctx::new(&req, &self.snapshot);
        let (kind, index) = match (self.snapshot.parcels.position(id), self.snapshot.buildings.position(id)) {
            (Some(i), _) => (OfferKind::Land, i),
            (None, Some(i)) => (OfferKind::Building, i),
            (None, None) => return Ok(None),
        };
        let offer = &self.offers(kind)[index as usize];
        let mut rejections: Vec<Rejection> = scope(&ctx, offer).into_iter().collect();
        if let Some((p, Some(max_m))) = req.near {
            let metres = self.distance_to(kind, index, p);
            if metres > max_m {
                rejections.push(Rejection::Distance { metres, max_m });
            }
        }
        check(&ctx, offer, &mut |r| rejections.push(r));
        Ok(Some(rejections.iter().map(failure).collect()))
    }

    fn id_of(&self, kind: OfferKind, index: u32) -> &str {
        match kind {
            OfferKind::Land => &self.snapshot.parcels.at(index).id,
            OfferKind::Building => &self.snapshot.buildings.at(index).id,
        }
    }

    fn policies(&self, ctx: &Ctx, kind: OfferKind, offer: &Offer) -> Vec<AppliedPolicy> {
        let s = &self.snapshot;
        let district = &s.districts.at(offer.district).adcode;
        let park = offer.park.map(|p| s.parks.at(p).id.as_str());
        let mut measures: Vec<_> =
            s.policies.measures.iter().filter(|m| PolicyCatalogue::applies(m, &s.catalogue, &ctx.req.industry, kind, district, park)).collect();
        // the park's own measures first, then the district's, then the city's
        measures.sort_by_key(|m| match m.scope {
            PolicyScope::Park => 0,
            PolicyScope::District => 1,
            PolicyScope::City => 2,
        });
        measures
            .into_iter()
            .map(|m| AppliedPolicy {
                id: m.id.clone(),
                scope: serde_json::to_value(m.scope).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                title_zh: m.title_zh.clone(),
                title_en: m.title_en.clone(),
                cap_zh: m.cap_zh.clone(),
                cap_en: m.cap_en.clone(),
                document: m.document.clone(),
                item: m.item.clone(),
            })
            .collect()
    }

    fn render_candidate(&self, ctx: &Ctx, rank: usize, h: &Hit) -> Candidate {
        let s = &self.snapshot;
        let kind = if h.kind == CandidateKind::Building { OfferKind::Building } else { OfferKind::Land };
        let offer = h.offer.as_ref().unwrap_or_else(|| &self.offers(kind)[h.index as usize]);
        let criteria = criteria::score_all(ctx, offer, h.distance_m)
            .iter()
            .map(|c| {
                let (reason_zh, reason_en) = explain::reason_text(&c.reason);
                CriterionScore { name: c.criterion.name().to_string(), score: round1(c.score), weight: ctx.req.weights.get(c.criterion), reason_zh, reason_en }
            })
            .collect();
        let (name, members, geometry, land_use) = match h.kind {
            CandidateKind::Building => {
                let b = s.buildings.at(h.index);
                let geometry = match &b.footprint {
                    Some(f) => area_geometry(f),
                    None => point_geometry(b.location),
                };
                (b.name.clone(), vec![b.id.clone()], geometry, None)
            }
            CandidateKind::Parcel | CandidateKind::Assembly => {
                let parcels: Vec<_> = h.members.iter().map(|&m| s.parcels.at(m)).collect();
                let outline = parcels.iter().skip(1).fold(parcels[0].geometry.clone(), |acc: MultiPolygon, p| acc.union(&p.geometry));
                let mut uses: Vec<&str> = parcels.iter().map(|p| p.land_use.as_str()).collect();
                uses.dedup();
                let name = parcels.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" + ");
                let mut ids: Vec<String> = parcels.iter().map(|p| p.id.clone()).collect();
                ids.sort_unstable();
                (name, ids, area_geometry(&outline), Some(uses.join(", ")))
            }
        };
        let district = s.districts.at(offer.district);
        let park = offer.park.map(|p| s.parks.at(p));
        let zone = offer.zone.map(|z| s.zones.at(z));
        Candidate {
            rank,
            id: h.id.clone(),
            kind: h.kind,
            members,
            name,
            score: round1(h.score),
            criteria,
            district: district.adcode.clone(),
            district_name: district.name.clone(),
            park: park.map(|p| p.id.clone()),
            park_name: park.map(|p| p.name.clone()),
            zone: zone.map(|z| z.id.clone()),
            zone_name: zone.map(|z| z.name.clone()),
            area_mu: (kind == OfferKind::Land).then(|| round2(offer.area_m2 / M2_PER_MU)),
            area_m2: round2(offer.area_m2),
            land_use,
            geometry,
            policies: self.policies(ctx, kind, offer),
        }
    }

    fn render_miss(&self, ctx: &Ctx, m: &Row) -> NearMiss {
        let id = self.id_of(m.kind, m.index);
        let s = &self.snapshot;
        let offer = &self.offers(m.kind)[m.index as usize];
        let mut failed = Vec::new();
        check(ctx, offer, &mut |r: Rejection| failed.push(failure(&r)));
        let name = match m.kind {
            OfferKind::Land => s.parcels.at(m.index).name.clone(),
            OfferKind::Building => s.buildings.at(m.index).name.clone(),
        };
        NearMiss {
            id: id.to_string(),
            kind: if m.kind == OfferKind::Land { CandidateKind::Parcel } else { CandidateKind::Building },
            name,
            score: round1(m.score),
            district: s.districts.at(offer.district).adcode.clone(),
            park: offer.park.map(|p| s.parks.at(p).id.clone()),
            zone: offer.zone.map(|z| s.zones.at(z).id.clone()),
            area_mu: (m.kind == OfferKind::Land).then(|| round2(offer.area_m2 / M2_PER_MU)),
            failed,
        }
    }
}

fn failure(r: &Rejection) -> Failure {
    let (detail_zh, detail_en) = explain::rejection_text(r);
    Failure { constraint: r.constraint().name().to_string(), detail_zh, detail_en }
}

