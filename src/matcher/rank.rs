//! The ranking stage: scores the open rows (price last, once the medians of the rows that
//! pass are known), adds parcel assemblies when single parcels are too few, and keeps the
//! best candidates and near misses.

use super::constraints::SIZE;
use super::examine::Examined;
use super::offers::{Facts, Known, Offer, ScoreFacts};
use super::{assembly, criteria, CandidateKind, Ctx, Matcher};
use crate::model::OfferKind;

/// A candidate that passed, before rendering.
pub(super) struct Hit {
    /// Parcel, building or assembly.
    pub kind: CandidateKind,
    /// Member positions in the parcel layer (the row itself for a parcel or building).
    pub members: Vec<u32>,
    /// The combined offer of an assembly.
    pub offer: Option<Offer>,
    /// Position in its layer (the first member's, for an assembly).
    pub index: u32,
    /// Distance to the requested point, metres.
    pub distance_m: Option<f64>,
    /// Weighted score.
    pub score: f64,
    /// Id (members' ids joined, for an assembly).
    pub id: String,
}

/// A parcel or building that passed or nearly passed, scored in the pass that checked it
/// but for price, which waits for the median; 48 bytes, as tens of thousands may pass.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    /// Position in its layer.
    pub index: u32,
    /// For ties: the order of the id among all ids.
    id_rank: u32,
    /// Land or building.
    pub kind: OfferKind,
    /// Constraints failed (0 for a candidate).
    fails: u8,
    /// Distance to the requested point, metres.
    distance_m: Known,
    partial: criteria::Partial,
    listed_price: Known,
    /// Weighted score.
    pub score: f64,
}

/// What a match returns before rendering: the candidates and the near misses, best first.
pub(super) struct Ranked {
    /// Candidates.
    pub hits: Vec<Hit>,
    /// Near misses.
    pub missed: Vec<Row>,
}

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

impl Matcher {
    /// Ranks the rows examined: the best candidates, single and assembled, and near misses.
    /// Sets the price medians in `ctx`.
    pub(super) fn rank(&self, ctx: &mut Ctx, examined: &[Examined]) -> Ranked {
        let req = ctx.req;
        let mut passed = self.score_open(ctx, examined, 0);
        let mut missed = self.score_open(ctx, examined, 1);
        // two failures: worth scoring only when too few rows fail one
        if missed.len() < req.near_miss_limit {
            missed.extend(self.score_open(ctx, examined, 2));
        }
        let prices = |kind| median(passed.iter().filter(|r| r.kind == kind).filter_map(|r| r.listed_price.get()).collect());
        ctx.land_price_median = prices(OfferKind::Land);
        ctx.rent_median = prices(OfferKind::Building);
        for row in passed.iter_mut().chain(missed.iter_mut()) {
            row.score = criteria::finish(ctx, row.kind, row.listed_price.get(), row.partial);
            debug_assert_eq!(row.score, criteria::total_of(ctx, &self.offers(row.kind)[row.index as usize], row.distance_m.get()));
        }
        let single_land = passed.iter().filter(|r| r.kind == OfferKind::Land).count();
        let mut hits: Vec<Hit> = best_rows(&passed, req.limit, false).iter().map(|r| self.single(r)).collect();
        if req.states_size() && single_land < req.limit {
            hits.extend(self.assemblies(ctx, examined));
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(req.limit);
        Ranked { hits, missed: best_rows(&missed, req.near_miss_limit, true) }
    }

    /// The open rows failing `fails` constraints, scored but for price; scored from the
    /// columns, so the wide rows stay out of the cache until rendering.
    fn score_open(&self, ctx: &Ctx, examined: &[Examined], fails: u32) -> Vec<Row> {
        let near = ctx.req.near.map(|(p, _)| p);
        let mut rows = Vec::new();
        for e in examined {
            let facts = &self.offers.columns(e.kind).facts;
            let chosen: Vec<(u32, u32, Option<f64>)> = e.open_failing(fails).collect();
            // copied out in a tight loop first: the loads overlap, where scoring each row
            // straight from the layer would wait for every cache miss in turn
            let gathered: Vec<ScoreFacts> = chosen.iter().map(|&(pos, _, _)| facts[pos as usize]).collect();
            rows.extend(chosen.iter().zip(&gathered).map(|(&(_, index, distance_m), facts)| {
                let distance_m = distance_m.or_else(|| near.map(|p| self.distance_to(e.kind, index, p)));
                let partial = criteria::partial_of(ctx, facts, distance_m);
                let (distance_m, listed_price) = (distance_m.into(), facts.listed_price().into());
                Row { index, id_rank: facts.id_rank, kind: e.kind, fails: fails as u8, distance_m, partial, listed_price, score: 0.0 }
            }));
        }
        rows
    }

    /// A single parcel or building as a candidate.
    fn single(&self, r: &Row) -> Hit {
        let kind = if r.kind == OfferKind::Land { CandidateKind::Parcel } else { CandidateKind::Building };
        let id = self.id_of(r.kind, r.index).to_string();
        Hit { kind, members: vec![r.index], offer: None, index: r.index, distance_m: r.distance_m.get(), score: r.score, id }
    }

    /// Assemblies of the land in a park too small alone but passing everything else.
    fn assemblies(&self, ctx: &Ctx, examined: &[Examined]) -> Vec<Hit> {
        let pool = self.assembly_pool(ctx, examined);
        if pool.is_empty() {
            return Vec::new();
        }
        let near = ctx.req.near.map(|(p, _)| p);
        assembly::find(ctx, &self.offers.land, &pool)
            .into_iter()
            .map(|a| {
                let d = near.map(|p| a.members.iter().map(|&m| self.distance_to(OfferKind::Land, m, p)).fold(f64::INFINITY, f64::min));
                let score = criteria::total_of(ctx, &a.offer, d);
                let mut ids: Vec<&str> = a.members.iter().map(|&m| self.snapshot.parcels.at(m).id.as_str()).collect();
                ids.sort_unstable();
                let id = ids.join("+");
                Hit { kind: CandidateKind::Assembly, index: a.members[0], members: a.members, offer: Some(a.offer), distance_m: d, score, id }
            })
            .collect()
    }

    /// The land that may join an assembly: in a park, failing only size constraints, not too
    /// big; the largest first, as they need the fewest partners, at most
    /// [`assembly::MAX_POOL`].
    fn assembly_pool(&self, ctx: &Ctx, examined: &[Examined]) -> Vec<u32> {
        let too_big_m2 = ctx.req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY);
        let columns = &self.offers.land_columns;
        let mut pool: Vec<(f64, u32)> = examined
            .iter()
            .filter(|e| e.kind == OfferKind::Land)
            .flat_map(|e| e.open_positions())
            .filter(|&(pos, _, mask)| {
                let in_park = self.offers.sites[usize::from(columns.site[pos as usize])].park().is_some();
                mask != 0 && mask & !SIZE == 0 && columns.area_m2[pos as usize] <= too_big_m2 && in_park
            })
            .map(|(pos, index, _)| (columns.area_m2[pos as usize], index))
            .collect();
        let largest_first = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if pool.len() > assembly::MAX_POOL {
            pool.select_nth_unstable_by(assembly::MAX_POOL - 1, largest_first);
            pool.truncate(assembly::MAX_POOL);
        }
        pool.sort_unstable_by(largest_first);
        pool.into_iter().map(|(_, index)| index).collect()
    }
}
