//! `min_far`, `building_coverage`, `office_share`, `green_ratio` and `energy_use`: the
//! planning indicators of the park's admission standards, which bind its land. They hang
//! on the park alone, so each site's failures are worked out once per request and a row
//! looks up its site's.

use std::ops::Range;

use super::{Constraint, Planning, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers};
use crate::matcher::Requirements;
use crate::model::AdmissionStandards;

/// The indicators, in the order explanations give them.
const INDICATORS: [(Planning, Constraint); 5] = [
    (Planning::MinFar, Constraint::MinFar),
    (Planning::Coverage, Constraint::BuildingCoverage),
    (Planning::OfficeShare, Constraint::OfficeShare),
    (Planning::GreenRatio, Constraint::GreenRatio),
    (Planning::Energy, Constraint::EnergyUse),
];

/// Per indicator: the project's value and the park's limit, when both are stated, and
/// whether the limit is a minimum.
fn stated(req: &Requirements, a: &AdmissionStandards) -> [Option<(f64, f64, bool)>; 5] {
    let both = |project: Option<f64>, limit: Option<f64>, is_min| project.zip(limit).map(|(p, l)| (p, l, is_min));
    [
        both(req.planned_far, a.min_far, true),
        both(req.building_coverage, a.min_building_coverage, true),
        both(req.office_share, a.max_office_share, false),
        both(req.green_ratio, a.max_green_ratio, false),
        both(req.energy_tce_per_wan, a.max_energy_tce_per_wan, false),
    ]
}

/// Whether the project's value is outside the park's limit: the indicators' definition.
fn outside(project: f64, limit: f64, is_min: bool) -> bool {
    (is_min && project < limit) || (!is_min && project > limit)
}

/// The bits of the indicators the project fails in a park with standards `a`.
pub(super) fn failed(req: &Requirements, a: &AdmissionStandards) -> u32 {
    let stated = stated(req, a);
    INDICATORS.iter().zip(stated).fold(0, |bits, ((_, c), s)| bits | s.map_or(0, |(p, l, is_min)| u32::from(outside(p, l, is_min)) * c.bit()))
}

/// One planning indicator, by position `K` in the order explanations give them.
pub(crate) struct Check<const K: usize>;

/// [`Constraint::MinFar`].
pub(crate) type MinFar = Check<0>;
/// [`Constraint::BuildingCoverage`].
pub(crate) type Coverage = Check<1>;
/// [`Constraint::OfficeShare`].
pub(crate) type OfficeShare = Check<2>;
/// [`Constraint::GreenRatio`].
pub(crate) type GreenRatio = Check<3>;
/// [`Constraint::EnergyUse`].
pub(crate) type Energy = Check<4>;

impl<const K: usize> RowCheck for Check<K> {
    const CONSTRAINT: Constraint = INDICATORS[K].1;
    /// The row's site.
    type Value = u16;
    /// Per site: the indicators failed there.
    type Bound<'t> = &'t [u32];
    #[inline]
    fn bound(t: &Thresholds) -> Option<&[u32]> {
        (t.planning_any & Self::CONSTRAINT.bit() != 0).then_some(t.site_planning.as_slice())
    }
    #[inline]
    fn fails(site_planning: &[u32], site: u16) -> bool {
        site_planning[usize::from(site)] & Self::CONSTRAINT.bit() != 0
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> u16 {
        o.site
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = u16> + '_ {
        c.site[rows.clone()].iter().copied()
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, _: &[u32]) -> Rejection<'a> {
        let p = o.park().expect("planning indicators bind only land in a park");
        let park = ctx.snapshot.parks.at(p);
        let (project, limit, _) = stated(ctx.req, &ctx.admission[p as usize])[K].expect("an indicator failed is stated on both sides");
        Rejection::Planning { indicator: INDICATORS[K].0, project, limit, park: &park.name }
    }
}
