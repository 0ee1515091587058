//! The ranking stage: scores the open rows (price last, once the medians of the rows that
//! pass are known), adds parcel assemblies when single parcels are too few, and keeps the
//! best candidates and near misses.

use std::collections::BinaryHeap;

use super::constraints::SIZE;
use super::examine::Examined;
use super::offers::{Facts, Known, Offer};
use super::criteria::Ceiling;
use super::{assembly, criteria, CandidateKind, Ctx, Matcher};
use crate::geometry::distance::LocalPlane;
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

/// A parcel or building that passed or nearly passed, scored; 32 bytes.
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

/// The `k` best rows offered so far: higher score, then lower id; with `fewest_failures`,
/// rows failing fewer constraints first. A heap with the worst kept on top, so a row is
/// compared with one other, and a row that cannot enter is known before its distance is
/// worked out.
struct Best {
    k: usize,
    fewest_failures: bool,
    heap: BinaryHeap<Ranking>,
}

/// A row ordered worst last, for [`Best`].
#[derive(Clone, Copy)]
struct Ranking {
    /// The row's failures when they rank first, else 0.
    fails: u8,
    row: Row,
}

impl Ord for Ranking {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.fails.cmp(&other.fails).then(other.row.score.total_cmp(&self.row.score)).then(self.row.id_rank.cmp(&other.row.id_rank))
    }
}

impl PartialOrd for Ranking {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranking {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Ranking {}

impl Best {
    fn new(k: usize, fewest_failures: bool) -> Best {
        Best { k, fewest_failures, heap: BinaryHeap::with_capacity(k + 1) }
    }

    fn ranking(&self, row: Row) -> Ranking {
        Ranking { fails: if self.fewest_failures { row.fails } else { 0 }, row }
    }

    /// Whether `row` would enter; with an upper bound as its score, whether it still could.
    fn may_enter(&self, row: Row) -> bool {
        self.heap.len() < self.k || self.heap.peek().is_some_and(|worst| self.ranking(row) < *worst)
    }

    /// Offers `row`; whether it entered.
    fn offer(&mut self, row: Row) -> bool {
        let enters = self.may_enter(row);
        if enters {
            self.heap.push(self.ranking(row));
            if self.heap.len() > self.k {
                self.heap.pop();
            }
        }
        enters
    }

    /// What a row failing `fails` constraints must score to enter, as areas per site from
    /// `ceiling`; none while any such row may enter.
    fn gate(&self, fails: u32, ceiling: &Ceiling) -> Option<Vec<(f64, f64)>> {
        let worst = self.heap.peek().filter(|_| self.heap.len() >= self.k)?;
        let fails = if self.fewest_failures { fails as u8 } else { 0 };
        match fails.cmp(&worst.fails) {
            std::cmp::Ordering::Less => None,
            std::cmp::Ordering::Equal => Some(ceiling.areas_reaching(worst.row.score)),
            std::cmp::Ordering::Greater => Some(ceiling.areas_reaching(f64::INFINITY)),
        }
    }

    /// The rows, best first.
    fn into_rows(self) -> Vec<Row> {
        self.heap.into_sorted_vec().into_iter().map(|r| r.row).collect()
    }
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
        // price scores against the medians of the candidates' prices: known first
        let mut prices = [Vec::new(), Vec::new()];
        let mut single_land = 0;
        for e in examined {
            let facts = &self.offers.columns(e.kind).facts;
            for (pos, _, _) in e.open_failing(0) {
                single_land += usize::from(e.kind == OfferKind::Land);
                prices[usize::from(e.kind == OfferKind::Building)].extend(facts[pos as usize].listed_price());
            }
        }
        let [land_prices, rents] = prices;
        ctx.land_price_median = median(land_prices);
        ctx.rent_median = median(rents);
        let ctx = &*ctx;
        let mut best = Best::new(req.limit, false);
        let ceilings: Vec<Ceiling> = examined.iter().map(|e| Ceiling::new(ctx, e.kind)).collect();
        self.score_open(ctx, examined, &ceilings, 0, &mut best);
        let mut missed = Best::new(req.near_miss_limit, true);
        let failing_one = self.score_open(ctx, examined, &ceilings, 1, &mut missed);
        // two failures: worth scoring only when too few rows fail one
        if failing_one < req.near_miss_limit {
            self.score_open(ctx, examined, &ceilings, 2, &mut missed);
        }
        let (best, missed) = (best.into_rows(), missed.into_rows());
        #[cfg(debug_assertions)]
        for row in best.iter().chain(&missed) {
            assert_eq!(row.score, criteria::total_of(ctx, &self.offers(row.kind)[row.index as usize], row.distance_m.get()));
        }
        let mut hits: Vec<Hit> = best.iter().map(|r| self.single(r)).collect();
        if req.states_size() && single_land < req.limit {
            hits.extend(self.assemblies(ctx, examined));
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        hits.truncate(req.limit);
        Ranked { hits, missed }
    }

    /// Scores the open rows failing `fails` constraints from the columns (the wide rows stay
    /// out of the cache until rendering) and offers them to `best`. Once `best` is full, a
    /// row is scored only when its [`Ceiling`] could still enter, and a parcel's distance is
    /// worked out only when, at the nearest its box allows, it could still enter. Returns how
    /// many rows fail `fails` constraints.
    fn score_open(&self, ctx: &Ctx, examined: &[Examined], ceilings: &[Ceiling], fails: u32, best: &mut Best) -> usize {
        if best.k == 0 {
            return examined.iter().map(|e| e.open_failing(fails).count()).sum();
        }
        let mut rows = 0;
        let plane = ctx.req.near.map(|(p, _)| LocalPlane::new(p));
        for (e, ceiling) in examined.iter().zip(ceilings) {
            let columns = self.offers.columns(e.kind);
            let mut gate = best.gate(fails, ceiling);
            // a gate worked out for an earlier worst still holds, only less tightly: renewed
            // at most once per site's worth of rows, so that small layers do not pay for it
            let (mut renew, mut since_gate) = (false, 0);
            for (pos, index, known_m) in e.open_failing(fails) {
                rows += 1;
                since_gate += 1;
                if renew && since_gate >= ceiling.sites() {
                    (gate, renew, since_gate) = (best.gate(fails, ceiling), false, 0);
                }
                let (site, area_m2) = (columns.site[pos as usize], columns.area_m2[pos as usize]);
                if let Some(areas) = &gate {
                    let (lowest, highest) = areas[usize::from(site)];
                    if !(lowest..=highest).contains(&area_m2) {
                        continue;
                    }
                }
                let facts = &columns.facts[pos as usize];
                let partial = criteria::partial_without_distance(ctx, facts);
                let price = facts.listed_price();
                let finish = |d: Option<f64>| criteria::finish(ctx, e.kind, price, criteria::with_distance(ctx, partial, d));
                let mut row = Row { index, id_rank: facts.id_rank, kind: e.kind, fails: fails as u8, distance_m: Known(f64::NAN), score: 0.0 };
                let distance_m = match (&plane, known_m) {
                    (_, Some(d)) => Some(d),
                    (None, None) => None,
                    (Some(plane), None) => {
                        if e.kind == OfferKind::Land {
                            let nearest = self.nearest_bound(pos, plane);
                            if !best.may_enter(Row { score: finish(Some(nearest)), ..row }) {
                                continue;
                            }
                        }
                        Some(self.distance_to(e.kind, index, plane.origin()))
                    }
                };
                row.distance_m = distance_m.into();
                row.score = finish(distance_m);
                debug_assert!(row.score <= ceiling.of(site, area_m2), "row {index} scores above its ceiling");
                renew |= best.offer(row);
            }
        }
        rows
    }

    /// A lower bound on the distance from the plane's origin to the parcel at column
    /// position `pos`, from its box.
    fn nearest_bound(&self, pos: u32, plane: &LocalPlane) -> f64 {
        let (lower_sq, _) = plane.box_bounds_sq(self.offers.land_columns.boxes[pos as usize]);
        // a margin for rounding: the exact distance is worked out in the same plane
        lower_sq.sqrt() * (1.0 - 1e-9) - 1e-6
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
    /// [`assembly::MAX_POOL`]. When every row was examined, drawn from the layer's area order
    /// until the pool is full, so the work is bounded by the pool, not by the rows that fail.
    fn assembly_pool(&self, ctx: &Ctx, examined: &[Examined]) -> Vec<u32> {
        let too_big_m2 = ctx.req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY);
        let columns = &self.offers.land_columns;
        let joins = |pos: u32, mask: u32| {
            let in_park = self.offers.sites[usize::from(columns.site[pos as usize])].park().is_some();
            mask != 0 && mask & !SIZE == 0 && in_park
        };
        let Some(land) = examined.iter().find(|e| e.kind == OfferKind::Land) else { return Vec::new() };
        if let Some(masks) = land.masks_by_position() {
            let by_area = &self.offers.land_by_area;
            let first = by_area.partition_point(|&i| self.offers.land[i as usize].area_m2 > too_big_m2);
            return by_area[first..]
                .iter()
                .filter(|&&i| {
                    let pos = columns.position[i as usize];
                    masks.get(pos as usize).is_some_and(|&mask| joins(pos, mask))
                })
                .take(assembly::MAX_POOL)
                .copied()
                .collect();
        }
        let mut pool: Vec<(f64, u32)> = land
            .open_positions()
            .filter(|&(pos, _, mask)| joins(pos, mask) && columns.area_m2[pos as usize] <= too_big_m2)
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
