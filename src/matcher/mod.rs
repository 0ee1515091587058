//! The matcher: ranks land parcels, parcel assemblies and building space against a project's
//! requirements, explains every score, lists near misses and judges the policy measures
//! (eligibility and estimated support, [`policy`]).
//!
//! A match is one pass over pre-computed rows ([`offers`]): scope limits through the R-tree,
//! hard constraints ([`constraints`]) collected as data, the scorers of [`criteria`] on the
//! rows that pass, and text rendered last ([`explain`]) for the few rows returned.
//! The stages have a file each: `locate` (the R-tree), `examine` (the constraint masks),
//! `rank` and `render`; `context` holds what one request's checks and scorers read.
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
mod context;
pub mod criteria;
pub mod districts;
mod error;
mod examine;
pub mod explain;
mod locate;
mod offers;
pub mod policy;
mod rank;
#[cfg(test)]
mod reference;
mod render;
pub mod request;
pub mod result;

use std::sync::Arc;

use chrono::NaiveDate;
use geo::Coord;

pub use error::MatchError;
pub use request::{ProjectRequest, Requirements, SpaceWanted};
pub use result::{Candidate, CandidateKind, Failure, MatchResult, NearMiss};

use constraints::{check, distance, scope, Constraint, Rejection};
use context::Ctx;
use criteria::Relation;
use offers::{Offer, Offers};
use render::failure;

use crate::geometry::distance::haversine_m;
use crate::inventory::layer::distance_m;
use crate::inventory::{Feature, LayerName, Snapshot};
use crate::model::{AdmissionStandards, OfferKind, PolicyCatalogue, SpaceStatus};

/// The inventory prepared for matching. Build one per snapshot; it is immutable and shared.
#[derive(Debug)]
pub struct Matcher {
    snapshot: Arc<Snapshot>,
    offers: Offers,
    /// Each policy measure as results show it, shared by every judgement of it.
    policy_heads: Arc<Vec<Arc<result::MeasureRef>>>,
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
    /// Per park: its admission standards for the project's industry (分行业).
    admission: Arc<Vec<AdmissionStandards>>,
}

impl Matcher {
    /// Pre-computes the rows of `snapshot`.
    pub fn new(snapshot: Arc<Snapshot>) -> Matcher {
        let offers = Offers::new(&snapshot);
        let policy_heads = Arc::new(snapshot.policies.measures.iter().map(|m| Arc::new(result::MeasureRef::of(m))).collect());
        Matcher { snapshot, offers, policy_heads, industry_views: Default::default() }
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
        Matcher { snapshot, offers, policy_heads: self.policy_heads.clone(), industry_views: self.industry_views.clone() }
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
            admission: Arc::new(self.snapshot.parks.items().iter().map(|p| p.admission_for(catalogue, industry)).collect()),
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

    /// Runs a resolved request: the constraint stage, ranking, rendering.
    pub fn run_resolved(&self, req: &Requirements) -> MatchResult {
        let mut ctx = Ctx::new(req, &self.snapshot, &self.offers, &self.industry_view(&req.industry), &self.policy_heads);
        let mut excluded = vec![0usize; Constraint::ALL.len()];
        let examined = self.examine_wanted(&ctx, &mut excluded);
        let considered = examined.iter().map(|e| self.offers(e.kind).len()).sum();
        let ranked = self.rank(&mut ctx, &examined);
        self.render(&ctx, &ranked, &excluded, considered)
    }

    /// Every constraint a parcel or building fails for the request ("why is this one not
    /// listed?"), empty when it passes; `None` when no parcel or building has that id.
    pub fn why_not(&self, request: &ProjectRequest, id: &str, today: NaiveDate) -> Result<Option<Vec<Failure>>, MatchError> {
        let req = Requirements::resolve(request, &self.snapshot, today)?;
        let ctx = Ctx::new(&req, &self.snapshot, &self.offers, &self.industry_view(&req.industry), &self.policy_heads);
        let (kind, index) = match (self.snapshot.parcels.position(id), self.snapshot.buildings.position(id)) {
            (Some(i), _) => (OfferKind::Land, i),
            (None, Some(i)) => (OfferKind::Building, i),
            (None, None) => return Ok(None),
        };
        let offer = &self.offers(kind)[index as usize];
        let mut rejections: Vec<Rejection> = scope(&ctx, offer).into_iter().collect();
        if let Some((p, Some(max_m))) = req.near {
            let metres = self.distance_to(kind, index, p);
            if distance::fails(max_m, metres) {
                rejections.push(distance::rejection(max_m, metres));
            }
        }
        check(&ctx, offer, &mut |r| rejections.push(r));
        Ok(Some(rejections.iter().map(failure).collect()))
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
            // from the compact column: the building itself is a wide row elsewhere in memory
            OfferKind::Building => haversine_m(p, self.offers.building_points[index as usize]),
        }
    }

    fn id_of(&self, kind: OfferKind, index: u32) -> &str {
        match kind {
            OfferKind::Land => &self.snapshot.parcels.at(index).id,
            OfferKind::Building => &self.snapshot.buildings.at(index).id,
        }
    }
}
