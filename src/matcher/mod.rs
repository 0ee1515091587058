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
#[cfg(test)]
mod reference;
pub mod request;
pub mod result;

use std::sync::Arc;

use chrono::NaiveDate;
use geo::{BooleanOps, Coord, MultiPolygon, Rect};

pub use error::MatchError;
pub use request::{ProjectRequest, Requirements, SpaceWanted};
pub use result::{Candidate, CandidateKind, Failure, MatchResult, NearMiss};

use constraints::{check, scope, Constraint, PerMu, Rejection};
use criteria::{best_fit, FitScope, IndustryFit, Relation};
use offers::{Facts, Known, Offer, Offers, ScoreFacts};
use result::{AppliedPolicy, CriterionScore, IndustryRef, ProjectSummary};

use crate::inventory::export::{area_geometry, point_geometry};
use crate::geometry::distance::{area_distance_bounds_m, bbox_around};
use crate::inventory::layer::distance_m;
use crate::inventory::{Feature, LayerName, Snapshot};
use crate::model::{Industry, OfferKind, PolicyCatalogue, PolicyMeasure, PolicyScope, SpaceStatus, M2_PER_MU};

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
    /// Per entry of [`Offers::industry_sets`]: the points of its best relation to the project.
    pub sets: Vec<f64>,
    /// Per [`offers::Site`]: the best base over its district, park and zone, and the
    /// positive-list bonus.
    pub sites: Vec<(f64, f64)>,
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
    /// The rows, for the facts kept beside them.
    pub offers: &'a Offers,
    /// The request's `as_of` as a day number.
    pub as_of_day: i32,
    /// The project's investment, output and tax totals, in the order of
    /// [`Offers::park_minimums`].
    pub project_totals: [(PerMu, Option<f64>); 3],
    /// The thresholds [`constraints::fail_mask`] reads.
    pub thresholds: constraints::Thresholds,
    /// Per policy measure: its industry restriction (if any) includes the project's.
    pub policy_industry_ok: Vec<bool>,
}

impl<'a> Ctx<'a> {
    fn new(req: &'a Requirements, snapshot: &'a Snapshot, offers: &'a Offers, view: &IndustryView) -> Ctx<'a> {
        let catalogue = snapshot.catalogue.as_ref();
        let project = catalogue.get(&req.industry).expect("resolved industries are in the catalogue");
        let entries = catalogue.entries();
        let by_entry = view.by_entry.clone();
        let within = &view.covers;
        let covers = |list: &[u16]| list.iter().find(|&&i| within[usize::from(i)]).map(|&i| &entries[usize::from(i)]);
        let leading = &offers.leading;
        let fit = |leading: &[u16], scope, place| best_fit(catalogue, &by_entry, project, leading, scope, place);
        let fits = Fits {
            districts: snapshot.districts.items().iter().zip(&leading.districts).map(|(d, l)| fit(l, FitScope::District, &d.name)).collect(),
            parks: snapshot.parks.items().iter().zip(&leading.parks).map(|(p, l)| fit(l, FitScope::Park, &p.name)).collect(),
            zones: snapshot.zones.items().iter().zip(&leading.zones).map(|(z, l)| fit(l, FitScope::Zone, &z.name)).collect(),
            positive: snapshot.parks.items().iter().zip(&leading.positive).map(|(p, l)| covers(l).map(|_| p.name.as_str())).collect(),
            negative: leading.negative.iter().map(|l| covers(l)).collect(),
            sites: Vec::new(),
            sets: offers.industry_sets.iter().map(|set| set.iter().map(|&i| by_entry[usize::from(i)].points()).fold(0.0, f64::max)).collect(),
            by_entry,
        };
        let mut fits = fits;
        fits.sites = offers
            .sites
            .iter()
            .map(|site| {
                let mut base = fits.districts[usize::from(site.district)].base;
                if let Some(p) = site.park() {
                    base = base.max(fits.parks[p as usize].base);
                }
                if let Some(z) = site.zone() {
                    base = base.max(fits.zones[z as usize].base);
                }
                let positive = site.park().is_some_and(|p| fits.positive[p as usize].is_some());
                (base, if positive { criteria::POSITIVE_LIST_BONUS } else { 0.0 })
            })
            .collect();
        let scope = ScopeLimits::new(req, snapshot);
        let thresholds = constraints::Thresholds::new(req, snapshot, offers, &scope, &fits.negative);
        let policy_industry_ok = view.policy_ok.clone();
        Ctx {
            req,
            snapshot,
            policy_industry_ok,
            fits,
            project_totals: [(PerMu::Investment, req.investment_wan), (PerMu::Output, req.annual_output_wan), (PerMu::Tax, req.annual_tax_wan)],
            thresholds,
            scope,
            land_price_median: None,
            rent_median: None,
            offers,
            as_of_day: offers::day_number(req.as_of),
        }
    }
}

/// The inventory prepared for matching. Build one per snapshot; it is immutable and shared.
#[derive(Debug)]
pub struct Matcher {
    snapshot: Arc<Snapshot>,
    offers: Offers,
    /// Each policy measure as results show it, shared by every candidate it applies to.
    applied: Vec<Arc<AppliedPolicy>>,
    /// Per project industry (catalogue position): its relations, computed once (they hang
    /// on the catalogue and the policy measures, so a status change keeps them).
    industry_views: Arc<std::sync::RwLock<std::collections::HashMap<usize, Arc<IndustryView>>>>,
}

/// How every catalogue entry and policy measure relates to one project industry.
#[derive(Debug)]
pub(crate) struct IndustryView {
    /// Relation of each catalogue entry to the project.
    by_entry: Vec<Relation>,
    /// Per entry: the project lies within it (it covers the project).
    covers: Vec<bool>,
    /// Per policy measure: its industry restriction (if any) includes the project.
    policy_ok: Vec<bool>,
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

/// A parcel or building that passed or nearly passed, scored in the pass that checked it
/// but for price, which waits for the median; 48 bytes, as tens of thousands may pass.
#[derive(Debug, Clone, Copy)]
struct Row {
    index: u32,
    /// For ties: the order of the id among all ids.
    id_rank: u32,
    kind: OfferKind,
    /// Constraints failed (0 for a candidate).
    fails: u8,
    distance_m: Known,
    partial: criteria::Partial,
    listed_price: Known,
    score: f64,
}

/// Whether `mask` has exactly `n` (0–2) bits set; cheaper than counting them on machines
/// without a population-count instruction.
fn fails_exactly(mask: u32, n: u32) -> bool {
    let less_one = mask & mask.wrapping_sub(1);
    match n {
        0 => mask == 0,
        1 => mask != 0 && less_one == 0,
        _ => less_one != 0 && less_one & less_one.wrapping_sub(1) == 0,
    }
}

/// Buffers a match reuses: sized by the layer, allocating them afresh would fault in new
/// pages on every request.
mod scratch {
    use std::cell::RefCell;

    thread_local! {
        static FREE: RefCell<Vec<Vec<u32>>> = const { RefCell::new(Vec::new()) };
    }

    /// An empty buffer.
    pub fn take() -> Vec<u32> {
        FREE.with(|free| free.borrow_mut().pop()).unwrap_or_default()
    }

    /// Returns a buffer for reuse (a few per thread).
    pub fn give(mut buffer: Vec<u32>) {
        buffer.clear();
        FREE.with(|free| {
            let mut free = free.borrow_mut();
            if free.len() < 4 {
                free.push(buffer);
            }
        });
    }
}

/// Rows picked through the R-tree, with their distance when worked out.
type Hits = Vec<(u32, Option<f64>)>;

/// The rows of one kind a match examined.
struct Examined<'a> {
    kind: OfferKind,
    /// Per position: the constraints failed.
    masks: Vec<u32>,
    /// The rows in scope with their distance, when the location is limited.
    hits: Option<Hits>,
    /// Otherwise the rows on offer, in column order: position → index.
    order: &'a [u32],
    /// Index → column position.
    position: &'a [u32],
    /// Positions whose failures all allow a near miss.
    open: Vec<u32>,
}

impl Drop for Examined<'_> {
    fn drop(&mut self) {
        scratch::give(std::mem::take(&mut self.masks));
        scratch::give(std::mem::take(&mut self.open));
    }
}

impl Examined<'_> {
    /// (column position, layer index, failure mask) of each open row.
    fn open_positions(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.open.iter().map(|&k| {
            let mask = self.masks[k as usize];
            match &self.hits {
                Some(h) => (self.position[h[k as usize].0 as usize], h[k as usize].0, mask),
                None => (k, self.order[k as usize], mask),
            }
        })
    }

    /// The column position of each open row with `fails` failures, with its layer index and
    /// distance.
    fn open_failing(&self, fails: u32) -> impl Iterator<Item = (u32, u32, Option<f64>)> + '_ {
        self.open.iter().filter(move |&&k| fails_exactly(self.masks[k as usize], fails)).map(|&k| match &self.hits {
            Some(h) => {
                let (index, distance_m) = h[k as usize];
                (self.position[index as usize], index, distance_m)
            }
            None => (k, self.order[k as usize], None),
        })
    }
}


/// Constraints whose failure rules out a near miss.
static NOT_NEGOTIABLE: std::sync::LazyLock<u32> =
    std::sync::LazyLock::new(|| Constraint::ALL.iter().filter(|c| !c.allows_near_miss()).fold(0, |bits, c| bits | c.bit()));
/// The size constraints an assembly member may fail.
static SIZE: std::sync::LazyLock<u32> = std::sync::LazyLock::new(|| Constraint::ALL.iter().filter(|c| c.is_size()).fold(0, |bits, c| bits | c.bit()));

/// The `k` best rows, best first: higher score, then lower id; with `fewest_failures`, rows
/// failing fewer constraints first. Selects on 24-byte keys rather than moving whole rows.
fn best_rows(rows: &[Row], k: usize, fewest_failures: bool) -> Vec<Row> {
    let mut keys: Vec<(u8, f64, u32, u32)> =
        rows.iter().enumerate().map(|(pos, r)| (if fewest_failures { r.fails } else { 0 }, r.score, r.id_rank, pos as u32)).collect();
    let order = |a: &(u8, f64, u32, u32), b: &(u8, f64, u32, u32)| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2));
    if k == 0 {
        return Vec::new();
    }
    if keys.len() > k {
        keys.select_nth_unstable_by(k - 1, order);
        keys.truncate(k);
    }
    keys.sort_unstable_by(order);
    keys.iter().map(|key| rows[key.3 as usize]).collect()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    Some(if n % 2 == 1 { upper } else { (below.iter().copied().fold(f64::NEG_INFINITY, f64::max) + upper) / 2.0 })
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
        let applied = snapshot
            .policies
            .measures
            .iter()
            .map(|m| {
                Arc::new(AppliedPolicy {
                    id: m.id.clone(),
                    scope: m.scope.as_str().to_string(),
                    title_zh: m.title_zh.clone(),
                    title_en: m.title_en.clone(),
                    cap_zh: m.cap_zh.clone(),
                    cap_en: m.cap_en.clone(),
                    document: m.document.clone(),
                    item: m.item.clone(),
                })
            })
            .collect();
        Matcher { snapshot, offers, applied, industry_views: Default::default() }
    }

    /// A matcher over `snapshot`, which differs from this matcher's only in the statuses
    /// (and confidential fields and versions) of the parcels and buildings `changed` names:
    /// those rows move between the parts of their columns, everything else is shared.
    pub fn with_statuses(&self, snapshot: Arc<Snapshot>, changed: &[(LayerName, String)]) -> Matcher {
        let changes: Vec<(OfferKind, u32, SpaceStatus)> = changed
            .iter()
            .filter_map(|(layer, id)| match layer {
                LayerName::Parcels => snapshot.parcels.position(id).map(|i| (OfferKind::Land, i, snapshot.parcels.at(i).status)),
                LayerName::Buildings => snapshot.buildings.position(id).map(|i| (OfferKind::Building, i, snapshot.buildings.at(i).status)),
                _ => None,
            })
            .collect();
        let offers = self.offers.with_statuses(&changes);
        Matcher { snapshot, offers, applied: self.applied.clone(), industry_views: self.industry_views.clone() }
    }

    /// The relations of `industry` (a catalogue code) to the catalogue and the policy
    /// measures, worked out on first use.
    pub(crate) fn industry_view(&self, industry: &str) -> Arc<IndustryView> {
        let catalogue = self.snapshot.catalogue.as_ref();
        let position = catalogue.position(industry).unwrap_or(usize::MAX);
        if let Some(view) = self.industry_views.read().ok().and_then(|views| views.get(&position).cloned()) {
            return view;
        }
        let entries = catalogue.entries();
        let view = Arc::new(IndustryView {
            by_entry: entries.iter().map(|e| criteria::relation(catalogue, industry, &e.code)).collect(),
            covers: entries.iter().map(|e| catalogue.is_within(industry, &e.code)).collect(),
            policy_ok: self.snapshot.policies.measures.iter().map(|m| PolicyCatalogue::covers_industry(m, catalogue, industry)).collect(),
        });
        if let Ok(mut views) = self.industry_views.write() {
            views.insert(position, view.clone());
        }
        view
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

    /// The rows to examine when the location is limited: through the R-tree, with the
    /// distance when known, and the constraint the rest fail; none when every row is in scope.
    fn located(&self, req: &Requirements, kind: OfferKind) -> Option<(Hits, Constraint)> {
        match (req.near, &req.within) {
            (Some((p, Some(max))), _) => {
                let (lo, hi) = bbox_around(p, max);
                let candidates = match kind {
                    OfferKind::Land => self.snapshot.parcels.bbox_candidates(Rect::new(lo, hi)),
                    OfferKind::Building => self.snapshot.buildings.bbox_candidates(Rect::new(lo, hi)),
                };
                // a parcel's box bounds its distance: the exact distance is worked out only
                // near the limit, and later for the few rows scored
                let (surely_out, surely_in) = (max * (1.0 + 1e-9) + 1e-6, max * (1.0 - 1e-9) - 1e-6);
                let hits = candidates
                    .into_iter()
                    .filter_map(|i| {
                        if kind == OfferKind::Land {
                            let (lower, upper) = area_distance_bounds_m(p, self.offers.land_boxes[i as usize]);
                            if lower > surely_out {
                                return None;
                            }
                            if upper < surely_in {
                                return Some((i, None));
                            }
                        }
                        let d = self.distance_to(kind, i, p);
                        (d <= max).then_some((i, Some(d)))
                    })
                    .collect();
                Some((hits, Constraint::Distance))
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
        }
    }

    /// Works out which constraints each row of `kind` fails, adds them to `excluded`, and
    /// notes the rows that may still be candidates or near misses.
    fn examine(&self, ctx: &Ctx, kind: OfferKind, excluded: &mut [usize]) -> Examined<'_> {
        let offers = self.offers(kind);
        let order = &self.offers.columns(kind).order;
        let hits = self.located(ctx.req, kind).map(|(hits, constraint)| {
            match constraint {
                // rows outside the box may fail a district or park limit, which names them
                Constraint::Within => constraints::count_outside(ctx, kind, &hits, excluded),
                _ => excluded[constraint as usize] += offers.len() - hits.len(),
            }
            hits
        });
        let mut masks = scratch::take();
        match &hits {
            Some(hits) => {
                masks.extend(hits.iter().map(|&(i, _)| constraints::fail_mask(ctx, &offers[i as usize])));
                constraints::count_failures(&masks, excluded);
            }
            None => constraints::fail_masks(ctx, kind, &mut masks, excluded),
        }
        #[cfg(debug_assertions)]
        for (k, &mask) in masks.iter().enumerate() {
            let index = hits.as_ref().map_or(order[k], |h| h[k].0);
            assert_eq!(mask, self.explained_mask(ctx, &offers[index as usize]), "the fast constraint pass disagrees on row {index}");
        }
        // gathered without a branch per row: whether a row can still be a near miss is random
        let not_negotiable = *NOT_NEGOTIABLE;
        let mut open = scratch::take();
        open.resize(masks.len(), 0);
        let mut n_open = 0;
        for (k, &mask) in masks.iter().enumerate() {
            open[n_open] = k as u32;
            n_open += usize::from(mask & not_negotiable == 0);
        }
        open.truncate(n_open);
        Examined { kind, masks, hits, order, position: &self.offers.columns(kind).position, open }
    }

    /// Runs a resolved request.
    pub fn run_resolved(&self, req: &Requirements) -> MatchResult {
        let mut ctx = Ctx::new(req, &self.snapshot, &self.offers, &self.industry_view(&req.industry));
        let mut excluded = vec![0usize; Constraint::ALL.len()];
        let near = req.near.map(|(p, _)| p);
        // scored from the columns: the wide rows stay out of the cache until rendering
        let kinds = [(OfferKind::Land, req.space.land()), (OfferKind::Building, req.space.building())];
        let examined: Vec<Examined> = kinds.into_iter().filter(|(_, wanted)| *wanted).map(|(kind, _)| self.examine(&ctx, kind, &mut excluded)).collect();
        let considered = examined.iter().map(|e| self.offers(e.kind).len()).sum();
        let score_with = |fails: u32| {
            let mut rows = Vec::new();
            for e in &examined {
                let facts = &self.offers.columns(e.kind).facts;
                let chosen: Vec<(u32, u32, Option<f64>)> = e.open_failing(fails).collect();
                // copied out in a tight loop first: the loads overlap, where scoring each row
                // straight from the layer would wait for every cache miss in turn
                let gathered: Vec<ScoreFacts> = chosen.iter().map(|&(pos, _, _)| facts[pos as usize]).collect();
                rows.extend(chosen.iter().zip(&gathered).map(|(&(_, index, distance_m), facts)| {
                    let distance_m = distance_m.or_else(|| near.map(|p| self.distance_to(e.kind, index, p)));
                    let partial = criteria::partial_of(&ctx, facts, distance_m);
                    let (distance_m, listed_price) = (distance_m.into(), facts.listed_price().into());
                    Row { index, id_rank: facts.id_rank, kind: e.kind, fails: fails as u8, distance_m, partial, listed_price, score: 0.0 }
                }));
            }
            rows
        };
        let mut passed: Vec<Row> = score_with(0);
        let mut missed: Vec<Row> = score_with(1);
        // two failures: worth scoring only when too few rows fail one
        if missed.len() < req.near_miss_limit {
            missed.extend(score_with(2));
        }
        let prices = |kind| median(passed.iter().filter(|r| r.kind == kind).filter_map(|r| r.listed_price.get()).collect());
        ctx.land_price_median = prices(OfferKind::Land);
        ctx.rent_median = prices(OfferKind::Building);
        for row in passed.iter_mut().chain(missed.iter_mut()) {
            row.score = criteria::finish(&ctx, row.kind, row.listed_price.get(), row.partial);
            debug_assert_eq!(row.score, criteria::total_of(&ctx, &self.offers(row.kind)[row.index as usize], row.distance_m.get()));
        }
        let single_land = passed.iter().filter(|r| r.kind == OfferKind::Land).count();
        let passed = best_rows(&passed, req.limit, false);

        let mut hits: Vec<Hit> = passed
            .iter()
            .map(|r| {
                let kind = if r.kind == OfferKind::Land { CandidateKind::Parcel } else { CandidateKind::Building };
                let id = self.id_of(r.kind, r.index).to_string();
                Hit { kind, members: vec![r.index], offer: None, index: r.index, distance_m: r.distance_m.get(), score: r.score, id }
            })
            .collect();
        let size = *SIZE;
        let too_big_m2 = req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY);
        // land in a park too small alone but passing everything else; the largest first, as
        // they need the fewest partners
        let columns = &self.offers.land_columns;
        let mut pool: Vec<(f64, u32)> = examined
            .iter()
            .filter(|e| e.kind == OfferKind::Land && req.states_size() && single_land < req.limit)
            .flat_map(|e| e.open_positions())
            .filter(|&(pos, _, mask)| {
                let in_park = self.offers.sites[usize::from(columns.site[pos as usize])].park().is_some();
                mask != 0 && mask & !size == 0 && columns.area_m2[pos as usize] <= too_big_m2 && in_park
            })
            .map(|(pos, index, _)| (columns.area_m2[pos as usize], index))
            .collect();
        let largest_first = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if pool.len() > assembly::MAX_POOL {
            pool.select_nth_unstable_by(assembly::MAX_POOL - 1, largest_first);
            pool.truncate(assembly::MAX_POOL);
        }
        pool.sort_unstable_by(largest_first);
        let pool: Vec<u32> = pool.into_iter().map(|(_, index)| index).collect();
        if !pool.is_empty() {
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

        let missed = best_rows(&missed, req.near_miss_limit, true);

        let candidates = hits.iter().enumerate().map(|(n, h)| self.render_candidate(&ctx, n + 1, h)).collect();
        let near_misses = missed.iter().map(|row| self.render_miss(&ctx, row)).collect();
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
        let ctx = Ctx::new(&req, &self.snapshot, &self.offers, &self.industry_view(&req.industry));
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

    /// The failure mask [`scope`] and [`check`] give, which the fast pass must match.
    #[cfg(debug_assertions)]
    fn explained_mask(&self, ctx: &Ctx, o: &Offer) -> u32 {
        let mut mask = scope(ctx, o).map_or(0, |r| r.constraint().bit());
        check(ctx, o, &mut |r: Rejection| mask |= r.constraint().bit());
        mask
    }

    fn id_of(&self, kind: OfferKind, index: u32) -> &str {
        match kind {
            OfferKind::Land => &self.snapshot.parcels.at(index).id,
            OfferKind::Building => &self.snapshot.buildings.at(index).id,
        }
    }

    fn policies(&self, ctx: &Ctx, kind: OfferKind, offer: &Offer) -> Vec<Arc<AppliedPolicy>> {
        let s = &self.snapshot;
        let district = &s.districts.at(offer.district()).adcode;
        let park = offer.park().map(|p| s.parks.at(p).id.as_str());
        let mut measures: Vec<(usize, &PolicyMeasure)> = s
            .policies
            .measures
            .iter()
            .enumerate()
            .filter(|&(i, m)| ctx.policy_industry_ok[i] && PolicyCatalogue::covers_place(m, kind, district, park))
            .collect();
        // the park's own measures first, then the district's, then the city's
        measures.sort_by_key(|(_, m)| match m.scope {
            PolicyScope::Park => 0,
            PolicyScope::District => 1,
            PolicyScope::City => 2,
        });
        measures.into_iter().map(|(i, _)| self.applied[i].clone()).collect()
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
        let district = s.districts.at(offer.district());
        let park = offer.park().map(|p| s.parks.at(p));
        let zone = offer.zone().map(|z| s.zones.at(z));
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
            district: s.districts.at(offer.district()).adcode.clone(),
            park: offer.park().map(|p| s.parks.at(p).id.clone()),
            zone: offer.zone().map(|z| s.zones.at(z).id.clone()),
            area_mu: (m.kind == OfferKind::Land).then(|| round2(offer.area_m2 / M2_PER_MU)),
            failed,
        }
    }
}

fn failure(r: &Rejection) -> Failure {
    let (detail_zh, detail_en) = explain::rejection_text(r);
    Failure { constraint: r.constraint().name().to_string(), detail_zh, detail_en }
}


#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn rows_outside_the_box_of_the_area_of_interest_count_under_the_park_limit_they_fail() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
        let snapshot = crate::inventory::load_dir_strict(&dir).expect("the sample loads").snapshot;
        let matcher = Matcher::new(Arc::new(snapshot));
        let s = matcher.snapshot();
        let park = s.parks.items()[0].id.clone();
        let inside = s.parcels.items().iter().find(|p| p.park.as_deref() == Some(park.as_str())).expect("a parcel in the park");
        let c = geo::Centroid::centroid(&inside.geometry).expect("a centroid");
        let (x0, y0, x1, y1) = (c.x() - 0.002, c.y() - 0.002, c.x() + 0.002, c.y() + 0.002);
        let body = serde_json::json!({"industry": "医疗器械", "space": "land", "parks": [park], "as_of": "2026-11-23",
            "within": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}});
        let result = matcher.run(&ProjectRequest::from_json(&body.to_string()).expect("a request")).expect("runs");
        // every parcel of another park, or of none, fails the park limit, near the area or far from it
        let elsewhere = s.parcels.items().iter().filter(|p| p.park.as_deref() != Some(park.as_str())).count();
        assert_eq!(result.excluded_counts.get("park"), Some(&elsewhere), "{:?}", result.excluded_counts);
    }
}
