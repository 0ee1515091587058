//! Parcel assembly 地块整合: when single parcels are too small, groups of 2–4 adjacent
//! parcels (touching or within [`ADJACENT_M`]) in the same park, each passing every
//! constraint but size, offered together.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use geo::{Coord, Rect};

use super::constraints::{check, size_ok};
use super::offers::{Offer, Offers};
use super::Ctx;
use crate::geometry::distance::area_gap_m;
use crate::geometry::distance::METRES_PER_DEGREE;
use crate::model::SpaceStatus;

/// Parcels at most this far apart count as adjacent, metres.
pub const ADJACENT_M: f64 = 10.0;
/// Largest group.
pub const MAX_MEMBERS: usize = 4;
/// Groups examined per request at most, so a dense park cannot stall a match.
const MAX_GROUPS: usize = 20_000;
/// Parcels considered for assemblies per request at most (the largest), so that a project
/// no single parcel fits does not make a match search a whole city's land.
pub const MAX_POOL: usize = 2_000;

/// A group of parcels offered together.
#[derive(Debug, Clone)]
pub(crate) struct Assembly {
    /// Member positions in the parcel layer, ascending.
    pub members: Vec<u32>,
    /// The group as one offer.
    pub offer: Offer,
}

/// The combined offer of `members`: areas, buildable areas and power add up, the price is
/// the area-weighted mean, the latest availability and the oldest verification count.
pub(crate) fn combine(rows: &Offers, members: &[u32]) -> Offer {
    let offers = &rows.land;
    let parts: Vec<&Offer> = members.iter().map(|&i| &offers[i as usize]).collect();
    let first = parts[0];
    let area: f64 = parts.iter().map(|o| o.area_m2).sum();
    let all = |f: fn(&Offer) -> Option<f64>| parts.iter().map(|o| f(o)).collect::<Option<Vec<f64>>>();
    let weighted = |f: fn(&Offer) -> Option<f64>| {
        all(f).map(|values| values.iter().zip(&parts).map(|(v, o)| v * o.area_m2).sum::<f64>() / area)
    };
    let buildable = all(|o| o.buildable_m2.get()).map(|v| v.iter().sum::<f64>());
    let status = if parts.iter().any(|o| o.status == SpaceStatus::Idle) { SpaceStatus::Idle } else { first.status };
    let mut offer = Offer {
        status,
        area_m2: area,
        buildable_m2: buildable.into(),
        max_far: buildable.map(|b| b / area).into(),
        price: weighted(|o| o.price.get()).into(),
        rent: weighted(|o| o.rent.get()).into(),
        supply: parts.iter().fold(u8::MAX, |bits, o| bits & o.supply),
        power_kva: all(|o| o.power_kva.get()).map(|v| v.iter().sum()).into(),
        verified_day: parts.iter().map(|o| o.verified_day).min().unwrap_or(first.verified_day),
        ..first.clone()
    };
    offer.set_available_day(parts.iter().filter_map(|o| o.available_day()).max());
    offer.set_zone(if parts.iter().all(|o| o.zone() == first.zone()) { first.zone() } else { None }, rows);
    offer
}

/// Pairs of pool members that are adjacent and in the same park: a sweep along x over the
/// pool's own boxes (from the columns, not the geometry), so that a pool of a city's largest
/// parcels costs no R-tree search of the whole layer; only pairs whose widened boxes overlap
/// are measured.
fn adjacency(ctx: &Ctx, offers: &[Offer], pool: &[u32]) -> BTreeMap<u32, Vec<u32>> {
    let parcels = &ctx.snapshot.parcels;
    let columns = &ctx.offers.land_columns;
    // widened by the adjacency distance (in degrees, generously at Beijing's latitude)
    let dy = ADJACENT_M / METRES_PER_DEGREE * 1.01;
    let mut wide: Vec<(Rect, u32)> = pool
        .iter()
        .filter(|&&i| offers[i as usize].park().is_some())
        .map(|&i| {
            let b = columns.boxes[columns.position[i as usize] as usize];
            let dx = dy / b.min().y.to_radians().cos().max(0.1);
            (Rect::new(Coord { x: b.min().x - dx, y: b.min().y - dy }, Coord { x: b.max().x + dx, y: b.max().y + dy }), i)
        })
        .collect();
    wide.sort_unstable_by(|a, b| a.0.min().x.total_cmp(&b.0.min().x).then(a.1.cmp(&b.1)));
    // ordered, so that the search (cut off at MAX_GROUPS) visits groups in the same order every run
    let mut edges: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (n, &(a, i)) in wide.iter().enumerate() {
        for &(b, j) in wide[n + 1..].iter().take_while(|(b, _)| b.min().x <= a.max().x) {
            let apart = b.min().y > a.max().y || b.max().y < a.min().y;
            if apart || offers[i as usize].park() != offers[j as usize].park() {
                continue;
            }
            if area_gap_m(&parcels.at(i).geometry, &parcels.at(j).geometry) <= ADJACENT_M {
                edges.entry(i).or_default().push(j);
                edges.entry(j).or_default().push(i);
            }
        }
    }
    for neighbours in edges.values_mut() {
        neighbours.sort_unstable();
    }
    edges
}

/// Minimal groups of 2–4 adjacent pool parcels that together pass every constraint; no
/// member can be dropped with the rest still big enough.
pub(crate) fn find(ctx: &Ctx, offers: &[Offer], pool: &[u32]) -> Vec<Assembly> {
    let edges = adjacency(ctx, offers, pool);
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut frontier: Vec<BTreeSet<u32>> = Vec::new();
    for (&a, neighbours) in &edges {
        for &b in neighbours {
            if a < b {
                frontier.push([a, b].into_iter().collect());
            }
        }
    }
    let mut found = Vec::new();
    while let Some(group) = frontier.pop() {
        let members: Vec<u32> = group.iter().copied().collect();
        if seen.len() >= MAX_GROUPS || !seen.insert(members.clone()) {
            continue;
        }
        let combined = combine(ctx.offers, &members);
        if size_ok(ctx, &combined) {
            let minimal = members.iter().all(|&m| {
                let rest: Vec<u32> = members.iter().copied().filter(|&x| x != m).collect();
                !size_ok(ctx, &combine(ctx.offers, &rest))
            });
            let mut passes = true;
            check(ctx, &combined, &mut |_| passes = false);
            if minimal && passes {
                found.push(Assembly { members, offer: combined });
            }
            // a bigger group holding this one would not be minimal
            continue;
        }
        if members.len() < MAX_MEMBERS {
            for m in &members {
                for &n in edges.get(m).into_iter().flatten() {
                    if !group.contains(&n) {
                        let mut bigger = group.clone();
                        bigger.insert(n);
                        frontier.push(bigger);
                    }
                }
            }
        }
    }
    found.sort_by(|a, b| a.members.cmp(&b.members));
    found
}
