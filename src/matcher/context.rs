//! What one request's checks and scorers read: the resolved request, the industry fits per
//! place, the scope limits as flags per position, and the thresholds of the constraints.

use super::constraints::{PerMu, Thresholds};
use super::criteria::{self, best_fit, FitScope, IndustryFit, Relation};
use super::offers::{self, Offers};
use super::policy::{PolicyCache, PolicyScores};
use super::{IndustryView, Requirements};
use crate::inventory::Snapshot;
use crate::model::Industry;

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

impl<'a> Fits<'a> {
    /// The fits of `req`'s industry with every place of `snapshot`.
    fn new(req: &Requirements, snapshot: &'a Snapshot, offers: &Offers, view: &IndustryView) -> Fits<'a> {
        let catalogue = snapshot.catalogue.as_ref();
        let project = catalogue.get(&req.industry).expect("resolved industries are in the catalogue");
        let entries = catalogue.entries();
        let by_entry = view.by_entry.clone();
        let within = &view.covers;
        let covers = |list: &[u16]| list.iter().find(|&&i| within[usize::from(i)]).map(|&i| &entries[usize::from(i)]);
        let leading = &offers.leading;
        let fit = |leading: &[u16], scope, place| best_fit(catalogue, &by_entry, project, leading, scope, place);
        let mut fits = Fits {
            districts: snapshot.districts.items().iter().zip(&leading.districts).map(|(d, l)| fit(l, FitScope::District, &d.name)).collect(),
            parks: snapshot.parks.items().iter().zip(&leading.parks).map(|(p, l)| fit(l, FitScope::Park, &p.name)).collect(),
            zones: snapshot.zones.items().iter().zip(&leading.zones).map(|(z, l)| fit(l, FitScope::Zone, &z.name)).collect(),
            positive: snapshot.parks.items().iter().zip(&leading.positive).map(|(p, l)| covers(l).map(|_| p.name.as_str())).collect(),
            negative: leading.negative.iter().map(|l| covers(l)).collect(),
            sites: Vec::new(),
            sets: offers.industry_sets.iter().map(|set| set.iter().map(|&i| by_entry[usize::from(i)].points()).fold(0.0, f64::max)).collect(),
            by_entry,
        };
        fits.sites = fits.of_sites(offers);
        fits
    }

    /// Per site: the best base over its district, park and zone, and the positive-list bonus.
    fn of_sites(&self, offers: &Offers) -> Vec<(f64, f64)> {
        offers
            .sites
            .iter()
            .map(|site| {
                let mut base = self.districts[usize::from(site.district)].base;
                if let Some(p) = site.park() {
                    base = base.max(self.parks[p as usize].base);
                }
                if let Some(z) = site.zone() {
                    base = base.max(self.zones[z as usize].base);
                }
                let positive = site.park().is_some_and(|p| self.positive[p as usize].is_some());
                (base, if positive { criteria::POSITIVE_LIST_BONUS } else { 0.0 })
            })
            .collect()
    }
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
    /// The project's investment, output and tax totals, in the order of the per-亩 checks.
    pub project_totals: [(PerMu, Option<f64>); 3],
    /// The request's bounds as the constraints' predicates read them.
    pub thresholds: Thresholds,
    /// Per policy measure: its industry restriction (if any) includes the project's.
    pub policy_industry_ok: Vec<bool>,
    /// Per park: its admission standards for the project's industry.
    pub admission: std::sync::Arc<Vec<crate::model::AdmissionStandards>>,
    /// Each policy measure as results show it.
    pub policy_heads: &'a [std::sync::Arc<super::result::MeasureRef>],
    /// The measures judged per (site, kind), on first use.
    pub policies: PolicyCache,
    /// Per-site support for the `policy` criterion, when it has weight.
    pub policy_scores: Option<PolicyScores>,
}

impl<'a> Ctx<'a> {
    /// The context of `req`; the price medians wait for the rows that pass.
    pub fn new(req: &'a Requirements, snapshot: &'a Snapshot, offers: &'a Offers, view: &IndustryView, policy_heads: &'a [std::sync::Arc<super::result::MeasureRef>]) -> Ctx<'a> {
        let fits = Fits::new(req, snapshot, offers, view);
        let scope = ScopeLimits::new(req, snapshot);
        let thresholds = Thresholds::new(req, offers, &scope, snapshot, &fits.negative, &view.admission);
        let mut ctx = Ctx {
            req,
            snapshot,
            policy_industry_ok: view.policy_ok.clone(),
            admission: view.admission.clone(),
            policy_heads,
            policies: PolicyCache::default(),
            policy_scores: None,
            fits,
            project_totals: [(PerMu::Investment, req.investment_wan), (PerMu::Output, req.annual_output_wan), (PerMu::Tax, req.annual_tax_wan)],
            thresholds,
            scope,
            land_price_median: None,
            rent_median: None,
            offers,
            as_of_day: offers::day_number(req.as_of),
        };
        if req.weights.get(criteria::Criterion::Policy) > 0.0 {
            ctx.policy_scores = PolicyScores::of(&ctx);
        }
        ctx
    }
}
