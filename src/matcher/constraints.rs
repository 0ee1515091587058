//! Hard constraints. Each check that fails yields a [`Rejection`] carrying the numbers (how
//! far off the candidate is); all of them are collected, so near misses can say every reason.

use chrono::NaiveDate;

use super::offers::{supply_bit, Offer};
use super::request::AreaRange;
use super::Ctx;
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
    let s = ctx.snapshot;
    let limits = &ctx.scope;
    if let Some(ok) = &limits.districts {
        if !ok[o.district as usize] {
            return Some(Rejection::District { have: &s.districts.at(o.district).name });
        }
    }
    if let Some(ok) = &limits.parks {
        let in_park = o.park.is_some_and(|p| ok[p as usize]);
        // a named zone limits its own park to that zone
        let zone_ok = match o.park {
            Some(p) if limits.zone_limited[p as usize] => o.zone.is_some_and(|z| limits.zones[z as usize]),
            _ => true,
        };
        if !(in_park && zone_ok) {
            let zone = o.zone.map(|z| s.zones.at(z).name.as_str());
            return Some(Rejection::Park { have: zone.or(o.park.map(|p| s.parks.at(p).name.as_str())) });
        }
    }
    if let Some(aoi) = &ctx.req.within {
        if !aoi.prepared.contains(o.point) {
            return Some(Rejection::Within);
        }
    }
    None
}

/// Checks every non-scope constraint on `o`, passing each failure to `fail`.
pub(crate) fn check<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let req = ctx.req;
    let ok_status = o.status == SpaceStatus::Available || (req.include_idle && o.status == SpaceStatus::Idle);
    if !ok_status {
        fail(Rejection::Status { have: o.status });
    }
    if let Some(p) = o.park {
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
    if !req.land_uses.is_empty() {
        let have = o.land_use.as_ref();
        if !have.is_some_and(|u| req.land_uses.iter().any(|w| u.serves(w))) {
            // land offers always carry a use; the parcel's own value is quoted
            let parcel = ctx.snapshot.parcels.at(o.index);
            fail(Rejection::LandUse { have: &parcel.land_use, wanted: &req.land_uses });
        }
    }
    if let Some(range) = req.land_area {
        let too_small = range.min_m2.is_some_and(|min| o.area_m2 < min);
        let too_big = range.max_m2.is_some_and(|max| o.area_m2 > max);
        if too_small || too_big {
            fail(Rejection::LandArea { area_m2: o.area_m2, range });
        }
    }
    if let Some(need_m2) = req.floor_area_m2 {
        if !o.buildable_m2.is_some_and(|b| b >= need_m2) {
            fail(Rejection::FloorArea { capacity_m2: o.buildable_m2, need_m2, building: false });
        }
    }
    if let Some(planned) = req.planned_far {
        if !o.max_far.is_some_and(|max| planned <= max) {
            fail(Rejection::MaxFar { planned, max: o.max_far });
        }
    }
    admission(ctx, o, fail);
    if !req.supply_modes.is_empty() {
        let wanted = req.supply_modes.iter().fold(0u8, |bits, &m| bits | supply_bit(m));
        if o.supply & wanted == 0 {
            fail(Rejection::SupplyMode { offered: o.supply, wanted });
        }
    }
    if let (Some(by), Some(from)) = (req.needed_by, o.available_from) {
        if from > by {
            fail(Rejection::AvailableBy { from, by });
        }
    }
    if let (Some(max), Some(have)) = (req.max_land_price, o.price) {
        if have > max {
            fail(Rejection::LandPrice { have, max });
        }
    }
    if let (Some(max), Some(have)) = (req.max_rent, o.rent) {
        if have > max {
            fail(Rejection::Rent { have, max });
        }
    }
    if let (Some(need), Some(have)) = (req.power_kva, o.power_kva) {
        if have < need {
            fail(Rejection::Power { have, need });
        }
    }
}

/// The park's admission standards 准入标准 on this land.
fn admission<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    let req = ctx.req;
    let Some(p) = o.park else { return };
    let park = ctx.snapshot.parks.at(p);
    let a = &park.admission;
    let mu = o.area_m2 / M2_PER_MU;
    let per_mu = [
        (PerMu::Investment, req.investment_wan, a.min_investment_wan_per_mu),
        (PerMu::Output, req.annual_output_wan, a.min_output_wan_per_mu),
        (PerMu::Tax, req.annual_tax_wan, a.min_tax_wan_per_mu),
    ];
    for (indicator, total, min) in per_mu {
        if let (Some(total), Some(min)) = (total, min) {
            let project = total / mu;
            if project < min {
                fail(Rejection::PerMu { indicator, project, min, park: &park.name });
            }
        }
    }
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
        if !o.floor_load.is_some_and(|h| h >= need) {
            fail(Rejection::FloorLoad { have: o.floor_load, need });
        }
    }
    if let Some(need) = req.clearance {
        if !o.clearance.is_some_and(|h| h >= need) {
            fail(Rejection::Clearance { have: o.clearance, need });
        }
    }
    if let (Some(max), Some(have)) = (req.max_rent, o.rent) {
        if have > max {
            fail(Rejection::Rent { have, max });
        }
    }
}
