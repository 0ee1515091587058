//! The rendering stage: the few rows returned become results, with every criterion's
//! reason and every failure as text, outlines, places and the policy measures judged for
//! each place.

use std::sync::Arc;

use geo::{BooleanOps, MultiPolygon};

use super::constraints::{check, Constraint, Rejection};
use super::offers::Offer;
use super::rank::{Hit, Ranked, Row};
use super::result::{AppliedPolicy, CriterionScore, IndustryRef, ProjectSummary};
use super::{criteria, explain, Candidate, CandidateKind, Ctx, Failure, MatchResult, Matcher, NearMiss};
use crate::inventory::export::{area_geometry, point_geometry};
use crate::model::{OfferKind, M2_PER_MU};

/// A score as results show it.
pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A rejection as results show it, with its text.
pub(super) fn failure(r: &Rejection) -> Failure {
    let (detail_zh, detail_en) = explain::rejection_text(r);
    Failure { constraint: r.constraint().name().to_string(), detail_zh, detail_en }
}

impl Matcher {
    /// The result of a match: `ranked` rendered, with the counts of what was excluded.
    pub(super) fn render(&self, ctx: &Ctx, ranked: &Ranked, excluded: &[usize], considered: usize) -> MatchResult {
        let req = ctx.req;
        let industry = ctx.snapshot.catalogue.get(&req.industry).expect("resolved");
        MatchResult {
            project: ProjectSummary {
                name: req.name.clone(),
                industry: IndustryRef { code: industry.code.clone(), name_zh: industry.name_zh.clone(), name_en: industry.name_en.clone() },
                as_of: req.as_of,
            },
            candidates: ranked.hits.iter().enumerate().map(|(n, h)| self.render_candidate(ctx, n + 1, h)).collect(),
            near_misses: ranked.missed.iter().map(|row| self.render_miss(ctx, row)).collect(),
            excluded_counts: Constraint::ALL
                .iter()
                .filter(|c| excluded[**c as usize] > 0)
                .map(|c| (c.name().to_string(), excluded[*c as usize]))
                .collect(),
            considered,
            weights: criteria::Criterion::ALL.iter().map(|c| (c.name().to_string(), req.weights.get(*c))).collect(),
        }
    }

    /// The measures listed for a candidate at `offer`'s place, how many it fails, and the
    /// support it may combine.
    fn policies(&self, ctx: &Ctx, kind: OfferKind, offer: &Offer) -> (Vec<Arc<AppliedPolicy>>, usize, f64) {
        let judged = ctx.place_policies(offer.site, kind);
        let mut listed = judged.listed.clone();
        if ctx.req.explain_all_policies {
            listed.extend(judged.ineligible.iter().cloned());
        }
        (listed, judged.ineligible_count, judged.support_wan)
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
        let (policies, policies_ineligible, policy_support_wan) = self.policies(ctx, kind, offer);
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
            policies,
            policies_ineligible,
            policy_support_wan,
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
        let district = s.districts.at(offer.district());
        let park = offer.park().map(|p| s.parks.at(p));
        let zone = offer.zone().map(|z| s.zones.at(z));
        NearMiss {
            id: id.to_string(),
            kind: if m.kind == OfferKind::Land { CandidateKind::Parcel } else { CandidateKind::Building },
            name,
            score: round1(m.score),
            district: district.adcode.clone(),
            district_name: district.name.clone(),
            park: park.map(|p| p.id.clone()),
            park_name: park.map(|p| p.name.clone()),
            zone: zone.map(|z| z.id.clone()),
            zone_name: zone.map(|z| z.name.clone()),
            area_mu: (m.kind == OfferKind::Land).then(|| round2(offer.area_m2 / M2_PER_MU)),
            failed,
        }
    }
}
