//! 首谈制 district recommendation: ranks the districts for a project by the fit of its
//! industry with each district's leading industries (and those of its parks and 园中园)
//! and by the supply in the district that meets the project's constraints.

use serde::{Deserialize, Serialize};

use super::constraints::check;
use super::criteria::IndustryFit;
use super::explain::{industry_sentence, num};
use super::result::{AppliedPolicy, IndustryRef, ProjectSummary};
use super::{Ctx, MatchError, Matcher, ProjectRequest, Requirements};
use crate::model::{OfferKind, M2_PER_MU};

/// Share of the score from industry fit; the rest comes from supply.
pub const INDUSTRY_SHARE: f64 = 0.6;
/// Matching offers at which supply scores in full.
pub const FULL_SUPPLY: usize = 5;
/// A park's or 园中园's fit counts this much of the district's own.
pub const PARK_FACTOR: f64 = 0.9;
/// The measure that says which projects come under 首谈制 (city measures item 五: 总投资1亿元
/// 以上(含) or 全局性、战略性).
pub const FIRST_TALK_MEASURE: &str = "city-05-first-talks";

/// One district's recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictRecommendation {
    /// 1 for the best.
    pub rank: usize,
    /// Adcode.
    pub adcode: String,
    /// Name.
    pub name: String,
    /// 0–100.
    pub score: f64,
    /// Industry fit, 0–100.
    pub industry_score: f64,
    /// Matching supply, 0–100.
    pub supply_score: f64,
    /// Parcels meeting every constraint.
    pub matching_parcels: usize,
    /// Their area, 亩.
    pub matching_area_mu: f64,
    /// Building spaces meeting every constraint.
    pub matching_buildings: usize,
    /// Their vacant floor area, m².
    pub matching_vacant_m2: f64,
    /// Why, Chinese.
    pub reason_zh: String,
    /// Why, English.
    pub reason_en: String,
}

/// The districts ranked for a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictRanking {
    /// The project as understood.
    pub project: ProjectSummary,
    /// Whether the project comes under 首谈制 at all, judged on the measure's own words (none
    /// when the catalogue lacks the measure).
    pub first_talk: Option<AppliedPolicy>,
    /// Every district, best first.
    pub districts: Vec<DistrictRecommendation>,
}

impl DistrictRanking {
    /// A plain-text report.
    pub fn to_table(&self) -> String {
        let mut out = format!("首谈制区推荐 · {}（{}）\n", self.project.industry.name_zh, self.project.industry.code);
        if let Some(rule) = &self.first_talk {
            out.push_str(&format!("首谈制适用：{} — {}（{} {} 第 {} 行）\n", rule.eligibility.zh(), rule.basis_zh, rule.measure.document, rule.measure.item, rule.measure.line));
        }
        for d in &self.districts {
            out.push_str(&format!("#{:<2} {:>5.1} {} {}  {}\n", d.rank, d.score, d.adcode, d.name, d.reason_zh));
        }
        out
    }
}

impl Matcher {
    /// Ranks all districts for the project (its district, park and location limits are
    /// ignored: the point is to choose among districts).
    pub fn recommend_districts(&self, request: &ProjectRequest) -> Result<DistrictRanking, MatchError> {
        self.recommend_districts_on(request, chrono::Local::now().date_naive())
    }

    /// As [`Matcher::recommend_districts`], with `today` as the default `as_of`.
    pub fn recommend_districts_on(&self, request: &ProjectRequest, today: chrono::NaiveDate) -> Result<DistrictRanking, MatchError> {
        let mut req = Requirements::resolve(request, &self.snapshot, today)?;
        req.districts = None;
        req.parks = None;
        req.zones = None;
        req.near = None;
        req.within = None;
        let ctx = Ctx::new(&req, &self.snapshot, &self.offers, &self.industry_view(&req.industry), &self.policy_heads);
        let s = &self.snapshot;
        let n = s.districts.len();
        let (mut parcels, mut area, mut buildings, mut vacant) = (vec![0usize; n], vec![0.0; n], vec![0usize; n], vec![0.0; n]);
        for (kind, wanted) in [(OfferKind::Land, req.space.land()), (OfferKind::Building, req.space.building())] {
            if !wanted {
                continue;
            }
            for o in self.offers(kind) {
                let mut passes = true;
                check(&ctx, o, &mut |_| passes = false);
                if passes {
                    let d = o.district() as usize;
                    match kind {
                        OfferKind::Land => {
                            parcels[d] += 1;
                            area[d] += o.area_m2 / M2_PER_MU;
                        }
                        OfferKind::Building => {
                            buildings[d] += 1;
                            vacant[d] += o.area_m2;
                        }
                    }
                }
            }
        }
        let catalogue = s.catalogue.as_ref();
        let project = catalogue.get(&req.industry).expect("resolved");
        let mut ranked: Vec<DistrictRecommendation> = s
            .districts
            .items()
            .iter()
            .enumerate()
            .map(|(i, d)| {
                // the district's own leading industries count in full here
                let own = ctx.fits.districts[i].clone();
                let mut best: (f64, IndustryFit) = (own.relation.points(), own);
                let parks = s.parks.items().iter().enumerate().filter(|(_, p)| p.district == d.adcode);
                for (pi, p) in parks {
                    let zones = s.zones.items().iter().enumerate().filter(|(_, z)| z.park == p.id).map(|(zi, _)| &ctx.fits.zones[zi]);
                    for fit in std::iter::once(&ctx.fits.parks[pi]).chain(zones) {
                        if fit.relation.points() * PARK_FACTOR > best.0 {
                            best = (fit.relation.points() * PARK_FACTOR, fit.clone());
                        }
                    }
                }
                let matching = parcels[i] + buildings[i];
                let supply_score = 100.0 * (matching as f64 / FULL_SUPPLY as f64).min(1.0);
                let industry_score = best.0;
                let (fit_zh, fit_en) = industry_sentence(&best.1);
                let (n, mu, m, m2) = (parcels[i], num(area[i], 1), buildings[i], num(vacant[i], 0));
                let reason_zh = format!("{fit_zh}；区内满足条件的地块 {n} 块（{mu} 亩）、楼宇空间 {m} 处（{m2}㎡）");
                let reason_en = format!("{fit_en}; {n} parcels ({mu} mu) and {m} building spaces ({m2} m²) in the district meet the requirements");
                DistrictRecommendation {
                    rank: 0,
                    adcode: d.adcode.clone(),
                    name: d.name.clone(),
                    score: (INDUSTRY_SHARE * industry_score + (1.0 - INDUSTRY_SHARE) * supply_score).round(),
                    industry_score: industry_score.round(),
                    supply_score: supply_score.round(),
                    matching_parcels: parcels[i],
                    matching_area_mu: (area[i] * 100.0).round() / 100.0,
                    matching_buildings: buildings[i],
                    matching_vacant_m2: vacant[i].round(),
                    reason_zh,
                    reason_en,
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.adcode.cmp(&b.adcode)));
        for (i, d) in ranked.iter_mut().enumerate() {
            d.rank = i + 1;
        }
        let first_talk = s.policies.measures.iter().position(|m| m.id == FIRST_TALK_MEASURE).and_then(|i| {
            let judged = super::policy::judge(&s.policies.measures[i], &req.facts, &super::policy::Place::default(), req.as_of)?;
            Some(super::policy::applied(&self.policy_heads[i], judged))
        });
        Ok(DistrictRanking {
            first_talk,
            project: ProjectSummary {
                name: req.name.clone(),
                industry: IndustryRef { code: project.code.clone(), name_zh: project.name_zh.clone(), name_en: project.name_en.clone() },
                as_of: req.as_of,
            },
            districts: ranked,
        })
    }
}
