//! The plain reference the fast path is checked against: every row checked with the
//! explaining predicates ([`check`], [`scope`]) and scored with [`criteria::total_of`], with
//! no masks, columns or R-tree; and the property test comparing the two over seeded random
//! inventories and requests. Not gated on `debug_assertions`: it runs in release builds too.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use geo::{Centroid, Coord};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::constraints::{check, distance, scope, Constraint};
use super::request::{Near, Range, SpaceWanted};
use super::render::round1;
use super::{assembly, criteria, CandidateKind, Ctx, MatchResult, Matcher, ProjectRequest, Requirements};
use crate::inventory::Snapshot;
use crate::model::{BuildingType, OfferKind, SpaceStatus, SupplyMode, M2_PER_MU};

/// A match reduced to what the two paths must agree on.
#[derive(Debug, PartialEq)]
struct Outcome {
    /// (id, kind, member ids, score as results show it), best first.
    candidates: Vec<(String, CandidateKind, Vec<String>, f64)>,
    /// (id, kind, score, failed constraints), in order.
    near_misses: Vec<(String, CandidateKind, f64, Vec<String>)>,
    /// Per constraint, the rows it excluded.
    excluded: BTreeMap<String, usize>,
    /// Rows considered.
    considered: usize,
}

impl Outcome {
    fn of(r: &MatchResult) -> Outcome {
        Outcome {
            candidates: r.candidates.iter().map(|c| (c.id.clone(), c.kind, c.members.clone(), c.score)).collect(),
            near_misses: r
                .near_misses
                .iter()
                .map(|m| (m.id.clone(), m.kind, m.score, m.failed.iter().map(|f| f.constraint.clone()).collect()))
                .collect(),
            excluded: r.excluded_counts.clone(),
            considered: r.considered,
        }
    }
}

/// A row in scope and on offer, with the constraints it fails.
struct Checked {
    kind: OfferKind,
    index: u32,
    failed: Vec<Constraint>,
    distance_m: Option<f64>,
}

fn candidate_kind(kind: OfferKind) -> CandidateKind {
    match kind {
        OfferKind::Land => CandidateKind::Parcel,
        OfferKind::Building => CandidateKind::Building,
    }
}

/// What a match should return, worked out row by row from the definitions: a row out of
/// scope counts under one scope constraint (the distance limit, then district, park and
/// area of interest), space not on offer under `status`, any other row under every
/// constraint it fails.
fn reference(m: &Matcher, req: &Requirements) -> Outcome {
    let mut ctx = Ctx::new(req, &m.snapshot, &m.offers, &m.industry_view(&req.industry), &m.policy_heads);
    let mut excluded = vec![0usize; Constraint::ALL.len()];
    let mut considered = 0;
    let mut rows = Vec::new();
    let kinds = [(OfferKind::Land, req.space.land()), (OfferKind::Building, req.space.building())];
    for (kind, _) in kinds.into_iter().filter(|(_, wanted)| *wanted) {
        for o in m.offers(kind) {
            considered += 1;
            let distance_m = req.near.map(|(p, _)| m.distance_to(kind, o.index, p));
            if let (Some((_, Some(max_m))), Some(d)) = (req.near, distance_m) {
                if distance::fails(max_m, d) {
                    excluded[Constraint::Distance as usize] += 1;
                    continue;
                }
            }
            if let Some(r) = scope(&ctx, o) {
                excluded[r.constraint() as usize] += 1;
                continue;
            }
            let mut failed = Vec::new();
            check(&ctx, o, &mut |r| failed.push(r.constraint()));
            if failed.contains(&Constraint::Status) {
                excluded[Constraint::Status as usize] += 1;
                continue;
            }
            for c in &failed {
                excluded[*c as usize] += 1;
            }
            rows.push(Checked { kind, index: o.index, failed, distance_m });
        }
    }
    let offer = |r: &Checked| &m.offers(r.kind)[r.index as usize];
    let median = |kind: OfferKind| {
        let mut prices: Vec<f64> = rows.iter().filter(|r| r.kind == kind && r.failed.is_empty()).filter_map(|r| offer(r).listed_price()).collect();
        prices.sort_by(f64::total_cmp);
        let n = prices.len();
        (n > 0).then(|| if n % 2 == 1 { prices[n / 2] } else { (prices[n / 2 - 1] + prices[n / 2]) / 2.0 })
    };
    ctx.land_price_median = median(OfferKind::Land);
    ctx.rent_median = median(OfferKind::Building);
    let score = |r: &Checked| criteria::total_of(&ctx, offer(r), r.distance_m);

    // (score, id, land first, kind, members)
    let mut hits: Vec<(f64, String, bool, CandidateKind, Vec<String>)> = rows
        .iter()
        .filter(|r| r.failed.is_empty())
        .map(|r| {
            let id = m.id_of(r.kind, r.index).to_string();
            (score(r), id.clone(), r.kind == OfferKind::Building, candidate_kind(r.kind), vec![id])
        })
        .collect();
    let single_land = rows.iter().filter(|r| r.kind == OfferKind::Land && r.failed.is_empty()).count();
    if req.states_size() && single_land < req.limit {
        let too_big_m2 = req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY);
        let mut pool: Vec<(f64, u32)> = rows
            .iter()
            .filter(|r| r.kind == OfferKind::Land && !r.failed.is_empty() && r.failed.iter().all(|c| c.is_size()))
            .filter(|r| offer(r).area_m2 <= too_big_m2 && offer(r).park().is_some())
            .map(|r| (offer(r).area_m2, r.index))
            .collect();
        pool.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        pool.truncate(assembly::MAX_POOL);
        let pool: Vec<u32> = pool.into_iter().map(|(_, i)| i).collect();
        for a in assembly::find(&ctx, &m.offers.land, &pool) {
            let d = req.near.map(|(p, _)| a.members.iter().map(|&i| m.distance_to(OfferKind::Land, i, p)).fold(f64::INFINITY, f64::min));
            let mut members: Vec<String> = a.members.iter().map(|&i| m.snapshot.parcels.at(i).id.clone()).collect();
            members.sort_unstable();
            hits.push((criteria::total_of(&ctx, &a.offer, d), members.join("+"), false, CandidateKind::Assembly, members));
        }
    }
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    hits.truncate(req.limit);

    let near_miss = |c: &Constraint| c.allows_near_miss();
    let failing = |n: usize| rows.iter().filter(move |r| r.failed.len() == n && r.failed.iter().all(near_miss));
    let mut missed: Vec<&Checked> = failing(1).collect();
    if missed.len() < req.near_miss_limit {
        missed.extend(failing(2));
    }
    let id_rank = |r: &Checked| offer(r).id_rank;
    let mut missed: Vec<(f64, &Checked)> = missed.into_iter().map(|r| (score(r), r)).collect();
    missed.sort_by(|a, b| a.1.failed.len().cmp(&b.1.failed.len()).then(b.0.total_cmp(&a.0)).then(id_rank(a.1).cmp(&id_rank(b.1))));
    missed.truncate(req.near_miss_limit);

    Outcome {
        candidates: hits.into_iter().map(|(score, id, _, kind, members)| (id, kind, members, round1(score))).collect(),
        near_misses: missed
            .into_iter()
            .map(|(score, r)| {
                let names = r.failed.iter().map(|c| c.name().to_string()).collect();
                (m.id_of(r.kind, r.index).to_string(), candidate_kind(r.kind), round1(score), names)
            })
            .collect(),
        excluded: Constraint::ALL.iter().filter(|c| excluded[**c as usize] > 0).map(|c| (c.name().to_string(), excluded[*c as usize])).collect(),
        considered,
    }
}

/// The day every random request is made on.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

fn maybe<T>(rng: &mut ChaCha8Rng, p: f64, value: impl FnOnce(&mut ChaCha8Rng) -> T) -> Option<T> {
    rng.gen_bool(p).then(|| value(rng))
}

/// Changes the attributes of `s` at random (never ids or geometry): idle space, figures not
/// recorded, admission standards and negative lists, land outside parks.
fn perturb(s: &mut Snapshot, rng: &mut ChaCha8Rng) {
    let codes: Vec<String> = s.catalogue.entries().iter().map(|e| e.code.clone()).collect();
    let day = |rng: &mut ChaCha8Rng| as_of() + chrono::Duration::days(rng.gen_range(-60..400));
    s.parks.update_all(|p| {
        let a = &mut p.admission;
        a.min_investment_wan_per_mu = maybe(rng, 0.5, |r| r.gen_range(0.0..3000.0));
        a.min_output_wan_per_mu = maybe(rng, 0.4, |r| r.gen_range(0.0..4000.0));
        a.min_tax_wan_per_mu = maybe(rng, 0.4, |r| r.gen_range(0.0..300.0));
        a.min_far = maybe(rng, 0.3, |r| r.gen_range(0.5..2.5));
        a.min_building_coverage = maybe(rng, 0.3, |r| r.gen_range(0.2..0.6));
        a.max_office_share = maybe(rng, 0.3, |r| r.gen_range(0.05..0.3));
        a.max_green_ratio = maybe(rng, 0.3, |r| r.gen_range(0.1..0.3));
        a.max_energy_tce_per_wan = maybe(rng, 0.3, |r| r.gen_range(0.05..1.0));
        if rng.gen_bool(0.3) {
            p.negative_list = codes.choose_multiple(rng, 3).cloned().collect();
        }
    });
    s.parcels.update_all(|p| {
        if rng.gen_bool(0.15) {
            p.status = SpaceStatus::Idle;
        }
        if rng.gen_bool(0.1) {
            p.planning.max_far = None;
        }
        if rng.gen_bool(0.15) {
            p.land_price_wan_per_mu = None;
        }
        if rng.gen_bool(0.2) {
            p.rent_yuan_m2_day = maybe(rng, 0.7, |r| r.gen_range(0.2..2.0));
        }
        if rng.gen_bool(0.15) {
            p.power_kva = None;
        }
        if rng.gen_bool(0.2) {
            p.available_from = Some(day(rng));
        }
        if rng.gen_bool(0.1) {
            p.supply_modes = some_of(rng, SupplyMode::ALL, 0, 2);
        }
        if rng.gen_bool(0.06) {
            p.park = None;
            p.zone = None;
        }
    });
    s.buildings.update_all(|b| {
        if rng.gen_bool(0.15) {
            b.status = SpaceStatus::Idle;
        }
        if rng.gen_bool(0.15) {
            b.floor_load_kn_m2 = None;
        }
        if rng.gen_bool(0.15) {
            b.clearance_m = None;
        }
        if rng.gen_bool(0.1) {
            b.rent_yuan_m2_day = None;
        }
        if rng.gen_bool(0.1) {
            b.building_type = *BuildingType::ALL.choose(rng).expect("types");
        }
    });
}

/// Between `lo` and `hi` distinct items of `items`, at random.
fn some_of<T: Clone>(rng: &mut ChaCha8Rng, items: &[T], lo: usize, hi: usize) -> Vec<T> {
    let n = rng.gen_range(lo..=hi);
    items.choose_multiple(rng, n).cloned().collect()
}

/// A random value of `values`, so that limits land on a row's own figure as often as not.
fn one_of(rng: &mut ChaCha8Rng, values: &[f64], fallback: f64) -> f64 {
    values.choose(rng).copied().unwrap_or(fallback)
}

/// A random request over `s`: every field set with some chance, limits often exactly on a
/// row's figure, where `<` and `<=` part.
fn random_request(s: &Snapshot, rng: &mut ChaCha8Rng) -> ProjectRequest {
    let parcels = s.parcels.items();
    let buildings = s.buildings.items();
    let areas: Vec<f64> = parcels.iter().map(|p| p.area.0).collect();
    let buildable: Vec<f64> = parcels.iter().filter_map(|p| p.planning.max_far.map(|far| far * p.area.0)).collect();
    let vacant: Vec<f64> = buildings.iter().map(|b| b.vacant_area_m2).collect();
    let fars: Vec<f64> = parcels.iter().filter_map(|p| p.planning.max_far).collect();
    let prices: Vec<f64> = parcels.iter().filter_map(|p| p.land_price_wan_per_mu).collect();
    let rents: Vec<f64> = parcels.iter().filter_map(|p| p.rent_yuan_m2_day).chain(buildings.iter().filter_map(|b| b.rent_yuan_m2_day)).collect();
    let power: Vec<f64> = parcels.iter().filter_map(|p| p.power_kva).collect();
    let loads: Vec<f64> = buildings.iter().filter_map(|b| b.floor_load_kn_m2).collect();
    let heights: Vec<f64> = buildings.iter().filter_map(|b| b.clearance_m).collect();
    let listed: Vec<&String> = s.parks.items().iter().flat_map(|p| p.negative_list.iter().chain(&p.industries)).collect();
    let industry = match listed.choose(rng) {
        Some(code) if rng.gen_bool(0.5) => (*code).clone(),
        _ => s.catalogue.entries().choose(rng).expect("a catalogue").code.clone(),
    };
    let mut r = ProjectRequest { industry, as_of: Some(as_of()), ..ProjectRequest::default() };
    if rng.gen_bool(0.15) {
        // land bigger than most single parcels, nothing else: assemblies
        let min = one_of(rng, &areas, 1.0) * rng.gen_range(1.2..3.0);
        r.space = SpaceWanted::Land;
        r.land_area_m2 = Some(Range { min: Some(min), max: maybe(rng, 0.5, |r| min * r.gen_range(1.0..2.0)) });
        r.include_idle = rng.gen_bool(0.5);
        r.limit = Some(rng.gen_range(1..=25));
        return r;
    }
    r.space = *[SpaceWanted::Land, SpaceWanted::Building, SpaceWanted::Any].choose(rng).expect("kinds");
    if rng.gen_bool(0.5) {
        let lo = if rng.gen_bool(0.5) { one_of(rng, &areas, 1.0) } else { rng.gen_range(1.0..150.0) * M2_PER_MU };
        let hi = maybe(rng, 0.5, |r| if r.gen_bool(0.5) { one_of(r, &areas, lo).max(lo) } else { lo * r.gen_range(1.0..4.0) });
        let range = Range { min: maybe(rng, 0.8, |_| lo), max: hi };
        if rng.gen_bool(0.5) {
            r.land_area_m2 = Some(range);
        } else {
            r.land_area_mu = Some(Range { min: range.min.map(|m| (m / M2_PER_MU).round()), max: range.max.map(|m| (m / M2_PER_MU).ceil().max(1.0)) });
        }
    }
    r.floor_area_m2 = maybe(rng, 0.4, |r| match r.gen_range(0..3) {
        0 => one_of(r, &buildable, 10_000.0),
        1 => one_of(r, &vacant, 5_000.0).max(1.0),
        _ => r.gen_range(1_000.0..80_000.0),
    });
    if rng.gen_bool(0.3) {
        let uses = ["M1", "M4", "M1/M4"];
        r.land_use = Some(some_of(rng, &uses, 1, 2).into_iter().map(|u| u.to_string()).collect());
    }
    r.investment_wan = maybe(rng, 0.3, |r| if r.gen_bool(0.1) { 0.0 } else { r.gen_range(1_000.0..200_000.0) });
    r.annual_output_wan = maybe(rng, 0.25, |r| r.gen_range(0.0..300_000.0));
    r.annual_tax_wan = maybe(rng, 0.25, |r| r.gen_range(0.0..20_000.0));
    r.planned_far = maybe(rng, 0.3, |r| if r.gen_bool(0.5) { one_of(r, &fars, 1.5) } else { r.gen_range(0.5..4.0) });
    r.building_coverage = maybe(rng, 0.2, |r| r.gen_range(0.0..1.0));
    r.office_share = maybe(rng, 0.2, |r| r.gen_range(0.0..0.5));
    r.green_ratio = maybe(rng, 0.2, |r| r.gen_range(0.0..0.5));
    r.energy_tce_per_wan = maybe(rng, 0.2, |r| r.gen_range(0.0..1.5));
    if rng.gen_bool(0.15) {
        let n = rng.gen_range(1..=3);
        r.districts = Some(s.districts.items().choose_multiple(rng, n).map(|d| d.adcode.clone()).collect());
    }
    if rng.gen_bool(0.15) {
        let places: Vec<String> = s.parks.items().iter().map(|p| p.id.clone()).chain(s.zones.items().iter().map(|z| z.id.clone())).collect();
        r.parks = Some(some_of(rng, &places, 1, 2));
    }
    let centre = |rng: &mut ChaCha8Rng| {
        let p = parcels.choose(rng).expect("parcels");
        let c = p.geometry.centroid().map(|c| c.0).unwrap_or_default();
        Coord { x: c.x + rng.gen_range(-0.02..0.02), y: c.y + rng.gen_range(-0.02..0.02) }
    };
    if rng.gen_bool(0.35) {
        let c = centre(rng);
        r.near = Some(Near { lon: c.x, lat: c.y, max_km: maybe(rng, 0.7, |r| r.gen_range(0.3..12.0)) });
    }
    if rng.gen_bool(0.2) {
        let c = centre(rng);
        let (dx, dy) = (rng.gen_range(0.005..0.08), rng.gen_range(0.005..0.08));
        let ring = [[c.x - dx, c.y - dy], [c.x + dx, c.y - dy], [c.x + dx, c.y + dy], [c.x - dx, c.y + dy], [c.x - dx, c.y - dy]];
        r.within = Some(json!({"type": "Polygon", "coordinates": [ring]}));
    }
    r.max_land_price_wan_per_mu = maybe(rng, 0.2, |r| one_of(r, &prices, 100.0));
    r.max_rent_yuan_m2_day = maybe(rng, 0.2, |r| one_of(r, &rents, 1.0));
    r.power_kva = maybe(rng, 0.2, |r| one_of(r, &power, 2_000.0));
    r.floor_load_kn_m2 = maybe(rng, 0.2, |r| one_of(r, &loads, 8.0));
    r.clearance_m = maybe(rng, 0.2, |r| one_of(r, &heights, 6.0));
    if rng.gen_bool(0.2) {
        r.building_types = Some(some_of(rng, BuildingType::ALL, 1, 3).into_iter().map(|t| t.as_str().to_string()).collect());
    }
    if rng.gen_bool(0.2) {
        r.supply_modes = Some(some_of(rng, SupplyMode::ALL, 1, 2).into_iter().map(|m| m.as_str().to_string()).collect());
    }
    r.needed_by = maybe(rng, 0.2, |r| as_of() + chrono::Duration::days(r.gen_range(0..400)));
    r.include_idle = rng.gen_bool(0.4);
    r.limit = Some(rng.gen_range(1..=25));
    r.near_miss_limit = Some(rng.gen_range(0..=8));
    if rng.gen_bool(0.2) {
        let mut weights: BTreeMap<String, f64> = criteria::Criterion::ALL.iter().map(|c| (c.name().to_string(), f64::from(rng.gen_range(0..5u8)))).collect();
        weights.insert("industry".into(), 1.0);
        r.weights = Some(weights);
    }
    r
}

/// What the random cases covered, so that a generator change cannot hollow the test out.
#[derive(Debug, Default)]
struct Coverage {
    runs: usize,
    idle_candidates: usize,
    assemblies: usize,
    buildings: usize,
    near_misses: [usize; 2],
    excluded: BTreeMap<String, usize>,
}

impl Coverage {
    fn add(&mut self, m: &Matcher, r: &MatchResult) {
        self.runs += 1;
        for c in &r.candidates {
            match c.kind {
                CandidateKind::Assembly => self.assemblies += 1,
                CandidateKind::Building => self.buildings += 1,
                CandidateKind::Parcel => {}
            }
            let idle = |id: &String| m.snapshot.parcels.get(id).map(|p| p.status).or(m.snapshot.buildings.get(id).map(|b| b.status)) == Some(SpaceStatus::Idle);
            self.idle_candidates += usize::from(c.members.iter().any(idle));
        }
        for n in &r.near_misses {
            self.near_misses[(n.failed.len() - 1).min(1)] += 1;
        }
        for (name, count) in &r.excluded_counts {
            *self.excluded.entry(name.clone()).or_default() += count;
        }
    }
}

/// A seeded random inventory: the generator's layout for `parcels` parcels, attributes
/// perturbed.
fn dataset(parcels: usize, seed: u64) -> Matcher {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let options = crate::generate::GenerateOptions { parcels, seed, sources: root.join("geodata/sources"), out: dir.path().to_path_buf() };
    crate::generate::generate_quiet(&options).expect("the generator runs");
    let mut snapshot = crate::inventory::load_dir_strict(dir.path()).expect("a generated dataset loads").snapshot;
    perturb(&mut snapshot, &mut ChaCha8Rng::seed_from_u64(seed ^ 0x5eed));
    Matcher::new(Arc::new(snapshot))
}

#[test]
fn the_fast_path_agrees_with_the_plain_reference_on_random_inventories_and_requests() {
    let mut coverage = Coverage::default();
    for (parcels, seed) in [(300, 1), (500, 2), (400, 3), (800, 4)] {
        let m = dataset(parcels, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for case in 0..100 {
            let request = random_request(&m.snapshot, &mut rng);
            let Ok(req) = Requirements::resolve(&request, &m.snapshot, as_of()) else { continue };
            let fast = m.run_resolved(&req);
            let expected = reference(&m, &req);
            assert_eq!(Outcome::of(&fast), expected, "dataset {seed}, case {case}: {}", serde_json::to_string(&request).unwrap_or_default());
            coverage.add(&m, &fast);
        }
    }
    assert!(coverage.runs >= 300, "{coverage:?}");
    assert!(coverage.idle_candidates > 0 && coverage.assemblies > 0 && coverage.buildings > 0, "{coverage:?}");
    assert!(coverage.near_misses.iter().all(|&n| n > 0), "{coverage:?}");
    for c in Constraint::ALL {
        assert!(coverage.excluded.contains_key(c.name()), "no case excluded anything under {}: {coverage:?}", c.name());
    }
}
