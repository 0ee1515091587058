//! `investment_intensity`, `output_per_mu` and `tax_per_mu`: the park's per-亩 admission
//! minimums (投资强度, 地均产值, 地均税收) on this land. The project's total over the land's
//! area in 亩 falls as the area grows, so each minimum is met up to a largest area per site,
//! worked out once per request; a row then fails when it is larger.

use std::ops::Range;

use super::{Constraint, Rejection, RowCheck, Thresholds};
use crate::matcher::context::Ctx;
use crate::matcher::offers::{Columns, Offer, Offers, Site};
use crate::matcher::Requirements;
use crate::model::{AdmissionStandards, M2_PER_MU};

/// The constraints, in the order of [`minimum`] and [`Ctx::project_totals`].
const CONSTRAINTS: [Constraint; 3] = [Constraint::InvestmentIntensity, Constraint::OutputPerMu, Constraint::TaxPerMu];

/// Per indicator, per site: the largest area, m², on which the project meets the park's
/// minimum (infinity: no minimum); none when no site has both a minimum and a project figure.
pub(super) fn threshold(req: &Requirements, offers: &Offers, admission: &[AdmissionStandards]) -> [Option<Vec<f64>>; 3] {
    let totals = [req.investment_wan, req.annual_output_wan, req.annual_tax_wan];
    std::array::from_fn(|k| {
        let minimum = |site: &Site| site.park().and_then(|p| minimum(&admission[p as usize], k));
        let areas: Vec<f64> = offers
            .sites
            .iter()
            .map(|site| match (totals[k], minimum(site)) {
                (Some(total), Some(min)) => largest_area_meeting(total, min),
                _ => f64::INFINITY,
            })
            .collect();
        areas.iter().any(|a| a.is_finite()).then_some(areas)
    })
}

/// [`Constraint::InvestmentIntensity`], [`Constraint::OutputPerMu`] or
/// [`Constraint::TaxPerMu`], by position `K`.
pub(crate) struct Check<const K: usize>;

/// 投资强度.
pub(crate) type Investment = Check<0>;
/// 地均产值.
pub(crate) type Output = Check<1>;
/// 地均税收.
pub(crate) type Tax = Check<2>;

impl<const K: usize> RowCheck for Check<K> {
    const CONSTRAINT: Constraint = CONSTRAINTS[K];
    /// The row's site and area.
    type Value = (u16, f64);
    /// Per site: the largest area that meets the minimum.
    type Bound<'t> = &'t [f64];
    #[inline]
    fn bound(t: &Thresholds) -> Option<&[f64]> {
        t.site_max_area[K].as_deref()
    }
    #[inline]
    fn fails(max_area: &[f64], (site, area_m2): (u16, f64)) -> bool {
        area_m2 > max_area[usize::from(site)]
    }
    #[inline]
    fn value(_: &Offers, o: &Offer) -> (u16, f64) {
        (o.site, o.area_m2)
    }
    #[inline]
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = (u16, f64)> + '_ {
        c.site[rows.clone()].iter().copied().zip(c.area_m2[rows.clone()].iter().copied())
    }
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, _: &[f64]) -> Rejection<'a> {
        let p = o.park().expect("a minimum binds only land in a park");
        let (indicator, total) = ctx.project_totals[K];
        let min = minimum(&ctx.admission[p as usize], K).expect("a site with a largest area has a minimum");
        let total = total.expect("a site with a largest area has a project figure");
        Rejection::PerMu { indicator, project: total / (o.area_m2 / M2_PER_MU), min, park: &ctx.snapshot.parks.at(p).name }
    }
}

/// A park's minimum 投资强度, 地均产值 or 地均税收 (by position), 万元/亩.
fn minimum(a: &AdmissionStandards, k: usize) -> Option<f64> {
    [a.min_investment_wan_per_mu, a.min_output_wan_per_mu, a.min_tax_wan_per_mu][k]
}

/// 投资强度 and the like: the project's total over the land in 亩 against the park's minimum.
fn per_mu_fails(total: f64, min: f64, area_m2: f64) -> bool {
    total / (area_m2 / M2_PER_MU) < min
}

/// The largest area, m², on which a project with `total` (≥ 0) meets `min` per 亩: 0 when
/// no area does, infinity when every area does. [`per_mu_fails`] only turns true as the area
/// grows, so a binary search over the bit patterns of positive floats (ordered as the
/// floats are) finds the exact boundary, and the check of a row becomes one comparison.
fn largest_area_meeting(total: f64, min: f64) -> f64 {
    let fails = |bits: u64| per_mu_fails(total, min, f64::from_bits(bits));
    let (mut meets, mut fails_at) = (0u64, f64::INFINITY.to_bits());
    if !fails(fails_at) {
        return f64::INFINITY;
    }
    // start next to total / min 亩, where the boundary lies but for rounding
    let guess = total * M2_PER_MU / min;
    if guess.is_finite() && guess > 0.0 {
        let bits = guess.to_bits();
        let (below, above) = (bits.saturating_sub(4), (bits + 4).min(fails_at));
        if !fails(below) && fails(above) {
            (meets, fails_at) = (below, above);
        }
    }
    while fails_at - meets > 1 {
        let mid = meets + (fails_at - meets) / 2;
        if fails(mid) {
            fails_at = mid;
        } else {
            meets = mid;
        }
    }
    f64::from_bits(meets)
}


#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_area_boundary_matches_the_per_mu_formula_exactly() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2000 {
            let (total, min) = (next() * 500_000.0, next() * 2_000.0 + 1.0);
            let limit = largest_area_meeting(total, min);
            assert!(!per_mu_fails(total, min, limit) || limit == 0.0, "{total} {min}: the boundary itself meets");
            let above = f64::from_bits(limit.to_bits() + 1);
            assert!(per_mu_fails(total, min, above), "{total} {min}: just above the boundary fails");
            for _ in 0..20 {
                let area = next() * 2.0 * limit.max(1.0);
                assert_eq!(per_mu_fails(total, min, area), area > limit, "{total} {min} {area}");
            }
        }
        assert_eq!(largest_area_meeting(100.0, f64::NAN), f64::INFINITY);
        // nothing invested: every real area fails (only areas too small to divide meet)
        assert!(largest_area_meeting(0.0, 10.0) < 1e-300);
    }
}
