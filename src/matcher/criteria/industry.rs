//! Industry fit through the catalogue: same segment > same category > related along the
//! chain > none; a 园中园's specialisation counts more than its park's leading industries,
//! and the park's more than the district's; a park's positive list adds a bonus.

use super::{Criterion, Reason, Scorer};
use crate::matcher::offers::{Facts, Offer};
use crate::matcher::Ctx;
use crate::model::{Catalogue, Industry, IndustryLevel, OfferKind};

/// How a leading industry relates to the project's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// No relation.
    None,
    /// Related along the industry chain.
    Related,
    /// Same top-level category.
    Category,
    /// The same segment, or one segment covering the other.
    Segment,
}

impl Relation {
    /// Points before the scope's factor.
    pub fn points(self) -> f64 {
        match self {
            Relation::Segment => 100.0,
            Relation::Category => 70.0,
            Relation::Related => 45.0,
            Relation::None => 0.0,
        }
    }
}

/// Where the fit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitScope {
    /// The 园中园's specialisation.
    Zone,
    /// The building's suitable industries.
    Building,
    /// The park's leading industries.
    Park,
    /// The district's leading industries.
    District,
}

impl FitScope {
    /// How much a fit at this scope counts.
    pub fn factor(self) -> f64 {
        match self {
            FitScope::Zone | FitScope::Building => 1.0,
            FitScope::Park => 0.85,
            FitScope::District => 0.7,
        }
    }
}

/// Points a park's positive list 正面清单 adds.
pub const POSITIVE_LIST_BONUS: f64 = 10.0;

/// The best fit found for a candidate, with what it was found in.
#[derive(Debug, Clone, PartialEq)]
pub struct IndustryFit<'a> {
    /// Scope of the best fit.
    pub scope: FitScope,
    /// Name of the zone, park, district or building.
    pub place: &'a str,
    /// The relation found.
    pub relation: Relation,
    /// The leading industry that matched (none without a relation).
    pub matched: Option<&'a Industry>,
    /// The project's industry.
    pub project: &'a Industry,
    /// The project's top-level category.
    pub category: &'a Industry,
    /// The park whose positive list names the project, if any.
    pub positive_list: Option<&'a str>,
    /// Score before the positive-list bonus.
    pub base: f64,
}

fn ancestors<'a>(catalogue: &'a Catalogue, code: &'a str) -> impl Iterator<Item = &'a Industry> + 'a {
    std::iter::successors(catalogue.get(code), move |e| e.parent.as_deref().and_then(|p| catalogue.get(p)))
}

/// How `other` (a leading industry) relates to `project` in the catalogue tree.
///
/// ```
/// use chanye::matcher::criteria::{relation, Relation};
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/industries.json")).unwrap();
/// let c = chanye::model::Catalogue::from_json(&text).unwrap();
/// assert_eq!(relation(&c, "health.devices.cardiovascular", "health.devices"), Relation::Segment);
/// assert_eq!(relation(&c, "health.devices.cardiovascular", "health.biopharma"), Relation::Category);
/// assert_eq!(relation(&c, "health.devices.cardiovascular", "content.uhd"), Relation::None);
/// ```
pub fn relation(catalogue: &Catalogue, project: &str, other: &str) -> Relation {
    let (Some(p), Some(o)) = (catalogue.get(project), catalogue.get(other)) else { return Relation::None };
    if p.code == o.code {
        return Relation::Segment;
    }
    let segments = p.level == IndustryLevel::Segment && o.level == IndustryLevel::Segment;
    if segments && (catalogue.is_within(project, other) || catalogue.is_within(other, project)) {
        return Relation::Segment;
    }
    let category = |code| catalogue.category_of(code).map(|c| c.code.as_str());
    if category(project) == category(other) {
        return Relation::Category;
    }
    let chained = ancestors(catalogue, project)
        .any(|a| ancestors(catalogue, other).any(|b| a.related.contains(&b.code) || b.related.contains(&a.code)));
    if chained {
        Relation::Related
    } else {
        Relation::None
    }
}

/// The best relation between the project and a list of leading industries (catalogue
/// positions), scaled by the scope's factor; the first listed wins a tie. `relations[i]` is
/// entry `i`'s relation to the project.
pub(crate) fn best_fit<'a>(
    catalogue: &'a Catalogue,
    relations: &[Relation],
    project: &'a Industry,
    leading: &[u16],
    scope: FitScope,
    place: &'a str,
) -> IndustryFit<'a> {
    let category = catalogue.category_of(&project.code).unwrap_or(project);
    let mut best = IndustryFit { scope, place, relation: Relation::None, matched: None, project, category, positive_list: None, base: 0.0 };
    for &i in leading {
        let r = relations[usize::from(i)];
        if r > best.relation {
            best.relation = r;
            best.matched = catalogue.entries().get(usize::from(i));
        }
    }
    best.base = best.relation.points() * scope.factor();
    best
}

pub(crate) struct IndustryScorer;

impl Scorer for IndustryScorer {
    const CRITERION: Criterion = Criterion::Industry;

    fn score<'a>(ctx: &Ctx<'a>, offer: &Offer, _distance_m: Option<f64>) -> Option<(f64, Reason<'a>)> {
        let fits = &ctx.fits;
        // narrower scopes first, so that they win ties
        let scopes = [offer.zone().map(|z| &fits.zones[z as usize]), offer.park().map(|p| &fits.parks[p as usize])];
        let mut fit = &fits.districts[offer.district() as usize];
        for candidate in scopes.into_iter().flatten().rev() {
            if candidate.base >= fit.base {
                fit = candidate;
            }
        }
        let mut fit = fit.clone();
        if offer.kind == OfferKind::Building {
            let entries = ctx.snapshot.catalogue.entries();
            let mut own: Option<(Relation, usize)> = None;
            for &i in ctx.offers.industries(offer) {
                let r = fits.by_entry[i as usize];
                if own.is_none_or(|(best, _)| r > best) {
                    own = Some((r, i as usize));
                }
            }
            if let Some((r, i)) = own {
                let base = r.points() * FitScope::Building.factor();
                if base > fit.base {
                    let place = ctx.snapshot.buildings.at(offer.index).name.as_str();
                    let matched = (r > Relation::None).then(|| &entries[i]);
                    fit = IndustryFit { scope: FitScope::Building, place, relation: r, matched, base, ..fit };
                }
            }
        }
        fit.positive_list = offer.park().and_then(|p| fits.positive[p as usize]);
        let bonus = if fit.positive_list.is_some() { POSITIVE_LIST_BONUS } else { 0.0 };
        Some(((fit.base + bonus).min(100.0), Reason::Industry(fit)))
    }

    /// The best base over the candidate's scopes from per-place tables, without building
    /// the fit.
    fn value(ctx: &Ctx, row: &impl Facts, _distance_m: Option<f64>) -> Option<f64> {
        let fits = &ctx.fits;
        let (mut base, bonus) = fits.sites[usize::from(row.site())];
        if let Some(points) = fits.sets.get(row.industry_set() as usize) {
            base = base.max(points * FitScope::Building.factor());
        }
        Some((base + bonus).min(100.0))
    }
}
