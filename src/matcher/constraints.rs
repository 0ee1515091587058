//! Hard constraints. Each check that fails yields a [`Rejection`] carrying the numbers (how
//! far off the candidate is); all of them are collected, so near misses can say every reason.

use chrono::NaiveDate;

use super::offers::{day_number, supply_bit, Offer, Offers, Site};
use super::request::AreaRange;
use super::context::ScopeLimits;
use super::{Ctx, Requirements};
use crate::inventory::Snapshot;
use crate::model::{BuildingType, Industry, LandUse, OfferKind, SpaceStatus, M2_PER_MU};

macro_rules! constraints {
    ($($(#[$doc:meta])* $variant:ident => $name:literal),+ $(,)?) => {
        /// The hard constraints, named in `excluded_counts` and near misses.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Constraint { $($(#[$doc])* $variant),+ }

        impl Constraint {
            /// Every constraint.
            pub const ALL: &'static [Constraint] = &[$(Constraint::$variant),+];

            /// The name used in results.
            pub fn name(self) -> &'static str {
                match self { $(Constraint::$variant => $name),+ }
            }
        }
    };
}

constraints! {
    /// Available (or idle, for renewal projects).
    Status => "status",
    /// Land use accepted.
    LandUse => "land_use",
    /// Land area within the requested range.
    LandArea => "land_area",
    /// Floor area fits: land × max FAR, or vacant floor area, covers the need.
    FloorArea => "floor_area",
    /// The project's planned FAR is within the parcel's maximum.
    MaxFar => "max_far",
    /// The industry is not on the park's negative list.
    NegativeList => "negative_list",
    /// 投资强度: investment per 亩 meets the park's minimum.
    InvestmentIntensity => "investment_intensity",
    /// 地均产值: output per 亩 meets the park's minimum.
    OutputPerMu => "output_per_mu",
    /// 地均税收: tax per 亩 meets the park's minimum.
    TaxPerMu => "tax_per_mu",
    /// The planned FAR meets the park's minimum.
    MinFar => "min_far",
    /// The planned building coverage meets the park's minimum.
    BuildingCoverage => "building_coverage",
    /// The planned office share is within the park's maximum.
    OfficeShare => "office_share",
    /// The planned green ratio is within the park's maximum.
    GreenRatio => "green_ratio",
    /// Energy per output is within the park's maximum.
    EnergyUse => "energy_use",
    /// Building type accepted.
    BuildingType => "building_type",
    /// Floor load met.
    FloorLoad => "floor_load",
    /// Clear height met.
    Clearance => "clearance",
    /// A supply mode the project accepts is offered.
    SupplyMode => "supply_mode",
    /// Available by the date needed.
    AvailableBy => "available_by",
    /// Land price within the maximum.
    LandPrice => "land_price",
    /// Rent within the maximum.
    Rent => "rent",
    /// Power capacity met.
    Power => "power",
    /// In an accepted district.
    District => "district",
    /// In an accepted park or 园中园.
    Park => "park",
    /// Inside the area of interest.
    Within => "within",
    /// Within the distance limit.
    Distance => "distance",
}

impl Constraint {
    /// Whether the constraint limits the search area rather than the candidate: candidates
    /// outside the scope count under it alone and are never near misses.
    pub fn is_scope(self) -> bool {
        matches!(self, Constraint::District | Constraint::Park | Constraint::Within | Constraint::Distance)
    }

    /// Whether land too small on its own may still join an assembly despite this failure.
    pub fn is_size(self) -> bool {
        matches!(self, Constraint::LandArea | Constraint::FloorArea)
    }

    /// Whether a candidate failing this may be shown as a near miss: not for space that is
    /// taken, refused by the park's negative list, zoned for another use, or out of scope.
    pub fn allows_near_miss(self) -> bool {
        !self.is_scope() && !matches!(self, Constraint::Status | Constraint::NegativeList | Constraint::LandUse | Constraint::BuildingType)
    }

    /// This constraint's bit in a failure mask.
    pub fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// An admission indicator per 亩.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerMu {
    /// 投资强度.
    Investment,
    /// 地均产值.
    Output,
    /// 地均税收.
    Tax,
}

/// A planning indicator of the admission standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planning {
    /// Minimum FAR.
    MinFar,
    /// Minimum building coverage.
    Coverage,
    /// Maximum office share.
    OfficeShare,
    /// Maximum green ratio.
    GreenRatio,
    /// Maximum energy per output.
    Energy,
}

/// Why a candidate fails one constraint, with the numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection<'a> {
    /// Not available.
    Status {
        /// Its status.
        have: SpaceStatus,
    },
    /// Land use not accepted.
    LandUse {
        /// Its land use.
        have: &'a LandUse,
        /// The uses accepted.
        wanted: &'a [LandUse],
    },
    /// Land area outside the range.
    LandArea {
        /// Its area, m².
        area_m2: f64,
        /// The range.
        range: AreaRange,
    },
    /// Floor area does not fit.
    FloorArea {
        /// Land × max FAR or vacant area, m² (none when the FAR is not recorded).
        capacity_m2: Option<f64>,
        /// Needed, m².
        need_m2: f64,
        /// Building space rather than land.
        building: bool,
    },
    /// The planned FAR exceeds the parcel's maximum.
    MaxFar {
        /// Planned.
        planned: f64,
        /// The parcel's maximum (none: not recorded).
        max: Option<f64>,
    },
    /// On the park's negative list.
    NegativeList {
        /// The park's name.
        park: &'a str,
        /// The listed entry that covers the project.
        listed: &'a Industry,
    },
    /// Below a per-亩 admission minimum.
    PerMu {
        /// Which indicator.
        indicator: PerMu,
        /// The project's value per 亩 on this land.
        project: f64,
        /// The park's minimum.
        min: f64,
        /// The park's name.
        park: &'a str,
    },
    /// Outside a planning indicator.
    Planning {
        /// Which indicator.
        indicator: Planning,
        /// The project's value.
        project: f64,
        /// The park's limit.
        limit: f64,
        /// The park's name.
        park: &'a str,
    },
    /// Building type not accepted.
    BuildingType {
        /// Its type.
        have: BuildingType,
    },
    /// Floor load too low or not recorded.
    FloorLoad {
        /// Its floor load.
        have: Option<f64>,
        /// Needed.
        need: f64,
    },
    /// Clear height too low or not recorded.
    Clearance {
        /// Its clear height.
        have: Option<f64>,
        /// Needed.
        need: f64,
    },
    /// None of the accepted supply modes is offered.
    SupplyMode {
        /// Modes offered (bits).
        offered: u8,
        /// Modes accepted (bits).
        wanted: u8,
    },
    /// Available only after the date needed.
    AvailableBy {
        /// Available from.
        from: NaiveDate,
        /// Needed by.
        by: NaiveDate,
    },
    /// Land price above the maximum.
    LandPrice {
        /// Its price, 万元/亩.
        have: f64,
        /// The maximum.
        max: f64,
    },
    /// Rent above the maximum.
    Rent {
        /// Its rent, 元/m²/day.
        have: f64,
        /// The maximum.
        max: f64,
    },
    /// Power capacity below the need.
    Power {
        /// Its capacity, kVA.
        have: f64,
        /// Needed.
        need: f64,
    },
    /// In another district.
    District {
        /// The district's name.
        have: &'a str,
    },
    /// In another park, or in none.
    Park {
        /// The park's (or zone's) name, if any.
        have: Option<&'a str>,
    },
    /// Outside the area of interest.
    Within,
    /// Too far.
    Distance {
        /// Metres.
        metres: f64,
        /// The limit, metres.
        max_m: f64,
    },
}

impl Rejection<'_> {
    /// The constraint it belongs to.
    pub fn constraint(&self) -> Constraint {
        match self {
            Rejection::Status { .. } => Constraint::Status,
            Rejection::LandUse { .. } => Constraint::LandUse,
            Rejection::LandArea { .. } => Constraint::LandArea,
            Rejection::FloorArea { .. } => Constraint::FloorArea,
            Rejection::MaxFar { .. } => Constraint::MaxFar,
            Rejection::NegativeList { .. } => Constraint::NegativeList,
            Rejection::PerMu { indicator: PerMu::Investment, .. } => Constraint::InvestmentIntensity,
            Rejection::PerMu { indicator: PerMu::Output, .. } => Constraint::OutputPerMu,
            Rejection::PerMu { indicator: PerMu::Tax, .. } => Constraint::TaxPerMu,
            Rejection::Planning { indicator, .. } => match indicator {
                Planning::MinFar => Constraint::MinFar,
                Planning::Coverage => Constraint::BuildingCoverage,
                Planning::OfficeShare => Constraint::OfficeShare,
                Planning::GreenRatio => Constraint::GreenRatio,
                Planning::Energy => Constraint::EnergyUse,
            },
            Rejection::BuildingType { .. } => Constraint::BuildingType,
            Rejection::FloorLoad { .. } => Constraint::FloorLoad,
            Rejection::Clearance { .. } => Constraint::Clearance,
            Rejection::SupplyMode { .. } => Constraint::SupplyMode,
            Rejection::AvailableBy { .. } => Constraint::AvailableBy,
            Rejection::LandPrice { .. } => Constraint::LandPrice,
            Rejection::Rent { .. } => Constraint::Rent,
            Rejection::Power { .. } => Constraint::Power,
            Rejection::District { .. } => Constraint::District,
            Rejection::Park { .. } => Constraint::Park,
            Rejection::Within => Constraint::Within,
            Rejection::Distance { .. } => Constraint::Distance,
        }
    }
}

/// The scope constraints (district, park, area of interest) an offer fails, if any; the
/// distance limit is applied through the R-tree before this.
pub(crate) fn scope<'a>(ctx: &Ctx<'a>, o: &Offer) -> Option<Rejection<'a>> {
    let site = Site { district: o.district, park: o.park, zone: o.zone };
    if let Some(r) = scope_of_site(&ctx.scope, ctx.snapshot, site) {
        return Some(r);
    }
    if let Some(aoi) = &ctx.req.within {
        if !aoi.prepared.contains(ctx.offers.point(o.kind, o.index)) {
            return Some(Rejection::Within);
        }
    }
    None
}

/// The district or park limit a place fails, if any.
pub(crate) fn scope_of_site<'a>(limits: &ScopeLimits, s: &'a Snapshot, site: Site) -> Option<Rejection<'a>> {
    let (district, park, zone) = (u32::from(site.district), site.park(), site.zone());
    if let Some(ok) = &limits.districts {
        if !ok[district as usize] {
            return Some(Rejection::District { have: &s.districts.at(district).name });
        }
    }
    if let Some(ok) = &limits.parks {
        let in_park = park.is_some_and(|p| ok[p as usize]);
        // a named zone limits its own park to that zone
        let zone_ok = match park {
            Some(p) if limits.zone_limited[p as usize] => zone.is_some_and(|z| limits.zones[z as usize]),
            _ => true,
        };
        if !(in_park && zone_ok) {
            let zone_name = zone.map(|z| s.zones.at(z).name.as_str());
            return Some(Rejection::Park { have: zone_name.or(park.map(|p| s.parks.at(p).name.as_str())) });
        }
    }
    None
}

/// The request's thresholds in the form the branch-free [`fail_mask`] and [`fail_masks`]
/// read: absent limits become bounds no value crosses, and what depends only on a row's
/// place (scope, negative list, planning indicators) is one mask per [`Site`].
#[derive(Debug, Clone)]
pub(crate) struct Thresholds {
    status_ok: [bool; 8],
    building_type_ok: [bool; 256],
    land_use_ok: Vec<bool>,
    area_min: f64,
    area_max: f64,
    floor_need: Option<f64>,
    planned_far: Option<f64>,
    supply_wanted: u8,
    needed_by_day: i32,
    max_price: f64,
    max_rent: f64,
    power_need: f64,
    floor_load: Option<f64>,
    clearance: Option<f64>,
    /// Per site: the scope and negative-list constraints it fails.
    site_mask: Vec<u32>,
    /// Per site: the planning indicators of its park the project fails (land only).
    site_planning: Vec<u32>,
    /// Per 投资强度, 地均产值 and 地均税收, per site: the largest area, m², on which the
    /// project meets the park's minimum (infinity: no minimum or no project figure).
    site_max_area: [Vec<f64>; 3],
    /// Per land use position below 64: accepted (the common case, tested with a shift).
    land_use_bits: Option<u64>,
}

/// The scope constraints: a row failing one counts under it alone and is never a near miss.
pub(crate) const SCOPE_BITS: u32 = (1 << Constraint::District as u32) | (1 << Constraint::Park as u32) | (1 << Constraint::Within as u32) | (1 << Constraint::Distance as u32);

impl Thresholds {
    /// The thresholds of `ctx`'s request.
    pub fn new(req: &Requirements, s: &Snapshot, offers: &Offers, limits: &ScopeLimits, negative: &[Option<&Industry>]) -> Thresholds {
        let mut status_ok = [false; 8];
        status_ok[SpaceStatus::Available as usize] = true;
        status_ok[SpaceStatus::Idle as usize] = req.include_idle;
        let mut building_type_ok = [true; 256];
        for t in BuildingType::ALL {
            building_type_ok[*t as usize] = req.building_types.is_empty() || req.building_types.contains(t);
        }
        let site_mask = offers
            .sites
            .iter()
            .map(|&site| {
                let scope = scope_of_site(limits, s, site).map_or(0, |r| r.constraint().bit());
                scope | site.park().map_or(0, |p| bit(negative[p as usize].is_some(), Constraint::NegativeList))
            })
            .collect();
        // a park's planning indicators bind its land, not space in its buildings
        let site_planning = offers
            .sites
            .iter()
            .map(|&site| {
                let mut mask = 0;
                if let Some(p) = site.park() {
                    planning_of(req, s, p, &mut |r| mask |= r.constraint().bit());
                }
                mask
            })
            .collect();
        let totals = [req.investment_wan, req.annual_output_wan, req.annual_tax_wan];
        let site_max_area = std::array::from_fn(|k| {
            let minimum = |site: &Site| site.park().and_then(|p| offers.park_minimums[p as usize][k].get());
            offers.sites.iter().map(|site| match (totals[k], minimum(site)) {
                (Some(total), Some(min)) => largest_area_meeting(total, min),
                _ => f64::INFINITY,
            }).collect()
        });
        let land_use_ok: Vec<bool> = offers.land_uses.iter().map(|u| req.land_uses.is_empty() || req.land_uses.iter().any(|w| u.serves(w))).collect();
        let land_use_bits = (land_use_ok.len() <= 64).then(|| land_use_ok.iter().enumerate().fold(0u64, |bits, (i, &ok)| bits | (u64::from(ok) << i)));
        Thresholds {
            status_ok,
            building_type_ok,
            land_use_ok,
            land_use_bits,
            area_min: req.land_area.and_then(|r| r.min_m2).unwrap_or(f64::NEG_INFINITY),
            area_max: req.land_area.and_then(|r| r.max_m2).unwrap_or(f64::INFINITY),
            floor_need: req.floor_area_m2,
            planned_far: req.planned_far,
            supply_wanted: req.supply_modes.iter().fold(0u8, |bits, &m| bits | supply_bit(m)),
            needed_by_day: req.needed_by.map_or(i32::MAX, day_number),
            max_price: req.max_land_price.unwrap_or(f64::INFINITY),
            max_rent: req.max_rent.unwrap_or(f64::INFINITY),
            power_need: req.power_kva.unwrap_or(f64::NEG_INFINITY),
            floor_load: req.floor_load,
            clearance: req.clearance,
            site_mask,
            site_planning,
            site_max_area,
        }
    }

    fn status_fails(&self, status: u8) -> bool {
        !self.status_ok[usize::from(status & 7)]
    }
    /// Whether land of this use (a position in [`Offers::land_uses`]) is refused.
    pub fn land_use_fails(&self, land_use: u16) -> bool {
        match self.land_use_bits {
            Some(bits) => land_use >= 64 || (bits >> (land_use & 63)) & 1 == 0,
            None => !self.land_use_ok.get(usize::from(land_use)).copied().unwrap_or(false),
        }
    }
    fn area_fails(&self, area_m2: f64) -> bool {
        (area_m2 < self.area_min) | (area_m2 > self.area_max)
    }
    fn supply_fails(&self, supply: u8) -> bool {
        (self.supply_wanted != 0) & (supply & self.supply_wanted == 0)
    }
    fn late(&self, available_day: i32) -> bool {
        available_day > self.needed_by_day
    }
}

/// A minimum not met: unknown (NaN) values fail, which `have < need` would let pass.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
fn below(have: f64, need: f64) -> bool {
    !(have >= need)
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

fn bit(failed: bool, c: Constraint) -> u32 {
    u32::from(failed) << c as u32
}

/// The constraints `o` fails, as a mask of [`Constraint::bit`]s (scope included), computed
/// without branching on the row's values (a mispredicted branch costs more than the
/// comparison) and agreeing with [`scope`] and [`check`], which say why.
pub(crate) fn fail_mask(ctx: &Ctx, o: &Offer) -> u32 {
    let t = &ctx.thresholds;
    let mut mask = t.site_mask[usize::from(o.site)];
    if mask & SCOPE_BITS == 0 {
        if let Some(aoi) = &ctx.req.within {
            mask |= bit(!aoi.prepared.contains(ctx.offers.point(o.kind, o.index)), Constraint::Within);
        }
    }
    mask |= bit(t.status_fails(o.status as u8), Constraint::Status);
    match o.kind {
        OfferKind::Land => {
            mask |= t.site_planning[usize::from(o.site)];
            for (max_area, c) in t.site_max_area.iter().zip(PER_MU) {
                mask |= bit(o.area_m2 > max_area[usize::from(o.site)], c);
            }
            mask | bit(t.land_use_fails(o.land_use), Constraint::LandUse)
                | bit(t.area_fails(o.area_m2), Constraint::LandArea)
                | bit(t.floor_need.is_some_and(|need| below(o.buildable_m2.0, need)), Constraint::FloorArea)
                | bit(t.planned_far.is_some_and(|planned| below(o.max_far.0, planned)), Constraint::MaxFar)
                | bit(t.supply_fails(o.supply), Constraint::SupplyMode)
                | bit(t.late(o.available_day), Constraint::AvailableBy)
                | bit(o.price.0 > t.max_price, Constraint::LandPrice)
                | bit(o.rent.0 > t.max_rent, Constraint::Rent)
                | bit(o.power_kva.0 < t.power_need, Constraint::Power)
        }
        OfferKind::Building => {
            let detail = ctx.offers.detail(o);
            let known = |v: Option<f64>| v.unwrap_or(f64::NAN);
            mask | bit(!t.building_type_ok[usize::from(o.building_type.map_or(u8::MAX, |b| b as u8))], Constraint::BuildingType)
                | bit(t.floor_need.is_some_and(|need| o.area_m2 < need), Constraint::FloorArea)
                | bit(t.floor_load.is_some_and(|need| below(known(detail.and_then(|d| d.floor_load)), need)), Constraint::FloorLoad)
                | bit(t.clearance.is_some_and(|need| below(known(detail.and_then(|d| d.clearance)), need)), Constraint::Clearance)
                | bit(o.rent.0 > t.max_rent, Constraint::Rent)
        }
    }
}

/// The per-亩 admission constraints: 投资强度, 地均产值, 地均税收.
const PER_MU: [Constraint; 3] = [Constraint::InvestmentIntensity, Constraint::OutputPerMu, Constraint::TaxPerMu];

/// Adds each row's failures to `excluded`: a row out of scope counts under that scope
/// constraint alone, a row not on offer under `status` alone, any other row under every
/// constraint it fails. One counting loop per constraint that occurs, which the compiler
/// vectorises.
pub(crate) fn count_failures(masks: &[u32], excluded: &mut [usize]) {
    let status = Constraint::Status.bit();
    let mut bits = masks.iter().fold(0, |all, &m| all | m);
    while bits != 0 {
        let c = bits.trailing_zeros();
        bits &= bits - 1;
        let overriding = if SCOPE_BITS >> c & 1 == 1 {
            0
        } else if c == Constraint::Status as u32 {
            SCOPE_BITS
        } else {
            SCOPE_BITS | status
        };
        excluded[c as usize] += masks.iter().filter(|&&m| (m >> c & 1 == 1) & (m & overriding == 0)).count();
    }
}

/// Counts the rows of `kind` that the R-tree left out as outside the area of interest's
/// box, as [`scope`] names them: under the district or park limit their place fails, and
/// under `within` otherwise, as the rows inside the box are counted.
pub(crate) fn count_outside(ctx: &Ctx, kind: OfferKind, hits: &[(u32, Option<f64>)], excluded: &mut [usize]) {
    let t = &ctx.thresholds;
    let offers = match kind {
        OfferKind::Land => &ctx.offers.land,
        OfferKind::Building => &ctx.offers.buildings,
    };
    let mut outside = ctx.offers.columns(kind).site_rows.clone();
    for &(i, _) in hits {
        outside[usize::from(offers[i as usize].site)] -= 1;
    }
    for (site, n) in outside.into_iter().enumerate() {
        let scope = t.site_mask[site] & SCOPE_BITS;
        let c = if scope == 0 { Constraint::Within as u32 } else { scope.trailing_zeros() };
        excluded[c as usize] += n as usize;
    }
}

/// ORs `c`'s bit into each mask whose row fails, and returns how many of those rows are in
/// scope (a row out of scope counts under its scope constraint alone).
fn mark(masks: &mut [u32], c: Constraint, failed: impl Iterator<Item = bool>) -> usize {
    let mut in_scope = 0;
    for (mask, failed) in masks.iter_mut().zip(failed) {
        in_scope += usize::from(failed & (*mask & SCOPE_BITS == 0));
        *mask |= u32::from(failed) << c as u32;
    }
    in_scope
}

/// The first `n` values.
fn head(values: &[f64], n: usize) -> &[f64] {
    &values[..n]
}

/// [`fail_mask`] for the rows of `kind` on offer (the columns' prefix), into `masks` by
/// position, one loop per constraint the request sets over one or two columns; counts every
/// failure into `excluded` as it goes, the rows not on offer under `status` (or their scope
/// constraint). No area of interest: that goes through the R-tree and [`fail_mask`].
pub(crate) fn fail_masks(ctx: &Ctx, kind: OfferKind, masks: &mut Vec<u32>, excluded: &mut [usize]) {
    let t = &ctx.thresholds;
    let c = ctx.offers.columns(kind);
    let on_offer = c.available + if t.status_ok[SpaceStatus::Idle as usize] { c.idle } else { 0 };
    masks.clear();
    let site_masks = t.site_mask.iter().any(|&m| m != 0);
    if site_masks {
        masks.extend(c.site.iter().map(|&site| t.site_mask[usize::from(site)]));
        mark(masks, Constraint::Status, (0..c.site.len()).map(|pos| pos >= on_offer));
        count_failures(masks, excluded);
        masks.truncate(on_offer);
    } else {
        excluded[Constraint::Status as usize] += c.site.len() - on_offer;
        masks.resize(on_offer, 0);
    }
    let masks = &mut masks[..];
    if t.max_rent.is_finite() {
        excluded[Constraint::Rent as usize] += mark(masks, Constraint::Rent, head(&c.rent, on_offer).iter().map(|&r| r > t.max_rent));
    }
    match kind {
        OfferKind::Land => {
            let mut planning = t.site_planning.iter().fold(0, |all, &m| all | m);
            while planning != 0 {
                let constraint = Constraint::ALL[planning.trailing_zeros() as usize];
                planning &= planning - 1;
                let fails = c.site[..on_offer].iter().map(|&site| t.site_planning[usize::from(site)] & constraint.bit() != 0);
                excluded[constraint as usize] += mark(masks, constraint, fails);
            }
            if t.land_use_ok.iter().any(|ok| !ok) {
                let fails = c.land_use[..on_offer].iter().map(|&u| t.land_use_fails(u));
                excluded[Constraint::LandUse as usize] += mark(masks, Constraint::LandUse, fails);
            }
            if t.area_min.is_finite() || t.area_max.is_finite() {
                excluded[Constraint::LandArea as usize] += mark(masks, Constraint::LandArea, head(&c.area_m2, on_offer).iter().map(|&a| t.area_fails(a)));
            }
            if let Some(need) = t.floor_need {
                excluded[Constraint::FloorArea as usize] += mark(masks, Constraint::FloorArea, head(&c.buildable_m2, on_offer).iter().map(|&b| below(b, need)));
            }
            if let Some(planned) = t.planned_far {
                excluded[Constraint::MaxFar as usize] += mark(masks, Constraint::MaxFar, head(&c.max_far, on_offer).iter().map(|&f| below(f, planned)));
            }
            for (max_area, constraint) in t.site_max_area.iter().zip(PER_MU) {
                if max_area.iter().any(|a| a.is_finite()) {
                    let fails = c.site.iter().zip(head(&c.area_m2, on_offer)).map(|(&site, &a)| a > max_area[usize::from(site)]);
                    excluded[constraint as usize] += mark(masks, constraint, fails);
                }
            }
            if t.supply_wanted != 0 {
                excluded[Constraint::SupplyMode as usize] += mark(masks, Constraint::SupplyMode, c.supply[..on_offer].iter().map(|&s| t.supply_fails(s)));
            }
            if t.needed_by_day != i32::MAX {
                excluded[Constraint::AvailableBy as usize] += mark(masks, Constraint::AvailableBy, c.available_day[..on_offer].iter().map(|&d| t.late(d)));
            }
            if t.max_price.is_finite() {
                excluded[Constraint::LandPrice as usize] += mark(masks, Constraint::LandPrice, head(&c.price, on_offer).iter().map(|&p| p > t.max_price));
            }
            if t.power_need.is_finite() {
                excluded[Constraint::Power as usize] += mark(masks, Constraint::Power, head(&c.power_kva, on_offer).iter().map(|&p| p < t.power_need));
            }
        }
        OfferKind::Building => {
            if t.building_type_ok.iter().any(|ok| !ok) {
                let fails = c.building_type[..on_offer].iter().map(|&b| !t.building_type_ok[usize::from(b)]);
                excluded[Constraint::BuildingType as usize] += mark(masks, Constraint::BuildingType, fails);
            }
            if let Some(need) = t.floor_need {
                excluded[Constraint::FloorArea as usize] += mark(masks, Constraint::FloorArea, head(&c.area_m2, on_offer).iter().map(|&a| a < need));
            }
            if let Some(need) = t.floor_load {
                excluded[Constraint::FloorLoad as usize] += mark(masks, Constraint::FloorLoad, head(&c.floor_load, on_offer).iter().map(|&h| below(h, need)));
            }
            if let Some(need) = t.clearance {
                excluded[Constraint::Clearance as usize] += mark(masks, Constraint::Clearance, head(&c.clearance, on_offer).iter().map(|&h| below(h, need)));
            }
        }
    }
}

/// Checks every non-scope constraint on `o`, passing each failure to `fail`.
pub(crate) fn check<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let req = ctx.req;
    let ok_status = o.status == SpaceStatus::Available || (req.include_idle && o.status == SpaceStatus::Idle);
    if !ok_status {
        fail(Rejection::Status { have: o.status });
    }
    if let Some(p) = o.park() {
        if let Some(listed) = ctx.fits.negative[p as usize] {
            fail(Rejection::NegativeList { park: &ctx.snapshot.parks.at(p).name, listed });
        }
    }
    match o.kind {
        OfferKind::Land => check_land(ctx, o, fail),
        OfferKind::Building => check_building(ctx, o, fail),
    }
}

fn check_land<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let req = ctx.req;
    if ctx.thresholds.land_use_fails(o.land_use) {
        let parcel = ctx.snapshot.parcels.at(o.index);
        fail(Rejection::LandUse { have: &parcel.land_use, wanted: &req.land_uses });
    }
    if let Some(range) = req.land_area {
        let too_small = range.min_m2.is_some_and(|min| o.area_m2 < min);
        let too_big = range.max_m2.is_some_and(|max| o.area_m2 > max);
        if too_small || too_big {
            fail(Rejection::LandArea { area_m2: o.area_m2, range });
        }
    }
    if let Some(need_m2) = req.floor_area_m2 {
        if !o.buildable_m2.get().is_some_and(|b| b >= need_m2) {
            fail(Rejection::FloorArea { capacity_m2: o.buildable_m2.get(), need_m2, building: false });
        }
    }
    if let Some(planned) = req.planned_far {
        if !o.max_far.get().is_some_and(|max| planned <= max) {
            fail(Rejection::MaxFar { planned, max: o.max_far.get() });
        }
    }
    admission(ctx, o, fail);
    if !req.supply_modes.is_empty() {
        let wanted = req.supply_modes.iter().fold(0u8, |bits, &m| bits | supply_bit(m));
        if o.supply & wanted == 0 {
            fail(Rejection::SupplyMode { offered: o.supply, wanted });
        }
    }
    if let (Some(by), Some(from)) = (req.needed_by, o.available_from()) {
        if from > by {
            fail(Rejection::AvailableBy { from, by });
        }
    }
    if let (Some(max), Some(have)) = (req.max_land_price, o.price.get()) {
        if have > max {
            fail(Rejection::LandPrice { have, max });
        }
    }
    if let (Some(max), Some(have)) = (req.max_rent, o.rent.get()) {
        if have > max {
            fail(Rejection::Rent { have, max });
        }
    }
    if let (Some(need), Some(have)) = (req.power_kva, o.power_kva.get()) {
        if have < need {
            fail(Rejection::Power { have, need });
        }
    }
}

/// The park's admission standards 准入标准 on this land: the per-亩 minimums per row, the
/// planning indicators (the same for every row of a park) from the flags in the context.
fn admission<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let Some(p) = o.park() else { return };
    let minimums = &ctx.offers.park_minimums[p as usize];
    let mu = o.area_m2 / M2_PER_MU;
    for ((indicator, total), min) in ctx.project_totals.iter().zip(minimums) {
        if let (Some(total), Some(min)) = (*total, min.get()) {
            let project = total / mu;
            if project < min {
                fail(Rejection::PerMu { indicator: *indicator, project, min, park: &ctx.snapshot.parks.at(p).name });
            }
        }
    }
    planning_of(ctx.req, ctx.snapshot, p, fail);
}

/// The planning indicators of the admission standards the project fails in park `p`.
pub(crate) fn planning_of<'a>(req: &Requirements, snapshot: &'a Snapshot, p: u32, fail: &mut impl FnMut(Rejection<'a>)) {
    let park = snapshot.parks.at(p);
    let a = &park.admission;
    let planning = [
        (Planning::MinFar, req.planned_far, a.min_far, true),
        (Planning::Coverage, req.building_coverage, a.min_building_coverage, true),
        (Planning::OfficeShare, req.office_share, a.max_office_share, false),
        (Planning::GreenRatio, req.green_ratio, a.max_green_ratio, false),
        (Planning::Energy, req.energy_tce_per_wan, a.max_energy_tce_per_wan, false),
    ];
    for (indicator, project, limit, is_min) in planning {
        if let (Some(project), Some(limit)) = (project, limit) {
            if (is_min && project < limit) || (!is_min && project > limit) {
                fail(Rejection::Planning { indicator, project, limit, park: &park.name });
            }
        }
    }
}

fn check_building<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let req = ctx.req;
    if let (false, Some(have)) = (req.building_types.is_empty(), o.building_type) {
        if !req.building_types.contains(&have) {
            fail(Rejection::BuildingType { have });
        }
    }
    if let Some(need_m2) = req.floor_area_m2 {
        if o.area_m2 < need_m2 {
            fail(Rejection::FloorArea { capacity_m2: Some(o.area_m2), need_m2, building: true });
        }
    }
    if let Some(need) = req.floor_load {
        let have = ctx.offers.detail(o).and_then(|d| d.floor_load);
        if !have.is_some_and(|h| h >= need) {
            fail(Rejection::FloorLoad { have, need });
        }
    }
    if let Some(need) = req.clearance {
        let have = ctx.offers.detail(o).and_then(|d| d.clearance);
        if !have.is_some_and(|h| h >= need) {
            fail(Rejection::Clearance { have, need });
        }
    }
    if let (Some(max), Some(have)) = (req.max_rent, o.rent.get()) {
        if have > max {
            fail(Rejection::Rent { have, max });
        }
    }
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
