//! Hard constraints. Each check that fails yields a [`Rejection`] carrying the numbers (how
//! far off the candidate is); all of them are collected, so near misses can say every reason.
//!
//! Each constraint has a file holding its one predicate. Three paths call it: [`check`]
//! (and [`scope`]), which explain; [`fail_mask`], the row mask of the rows the R-tree picks;
//! and [`fail_masks`], the column masks of a whole layer. The constraints on a row's own
//! figures implement [`RowCheck`] and are listed once per kind, in the order explanations
//! give them; status, the negative list and the scope limits have a path of their own.

mod available_by;
mod building_type;
mod clearance;
pub(crate) mod distance;
mod district;
mod floor_area;
mod floor_load;
mod land_area;
mod land_price;
mod land_use;
mod manufacturing_only;
mod max_far;
mod negative_list;
mod park;
mod per_mu;
mod planning;
mod power;
mod rent;
mod status;
mod supply_mode;
mod within;

use std::ops::Range;

use chrono::NaiveDate;

use super::context::{Ctx, ScopeLimits};
use super::offers::{Columns, Offer, Offers, Site};
use super::request::AreaRange;
use super::Requirements;
use crate::inventory::Snapshot;
use crate::model::{AdmissionStandards, BuildingType, Industry, LandUse, OfferKind, SpaceStatus};

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
    /// A project outside manufacturing is not on industrial land (item 七).
    ManufacturingOnly => "manufacturing_only",
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
    pub const fn is_scope(self) -> bool {
        matches!(self, Constraint::District | Constraint::Park | Constraint::Within | Constraint::Distance)
    }

    /// Whether land too small on its own may still join an assembly despite this failure.
    pub const fn is_size(self) -> bool {
        matches!(self, Constraint::LandArea | Constraint::FloorArea)
    }

    /// Whether a candidate failing this may be shown as a near miss: not for space that is
    /// taken, refused by the park's negative list, zoned for another use, or out of scope.
    pub const fn allows_near_miss(self) -> bool {
        !self.is_scope() && !matches!(self, Constraint::Status | Constraint::NegativeList | Constraint::LandUse | Constraint::ManufacturingOnly | Constraint::BuildingType)
    }

    /// This constraint's bit in a failure mask.
    pub const fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// The bits of the constraints a `const fn` of [`Constraint`] selects.
macro_rules! bits_where {
    ($select:path) => {{
        let (mut bits, mut i) = (0, 0);
        while i < Constraint::ALL.len() {
            if $select(Constraint::ALL[i]) {
                bits |= Constraint::ALL[i].bit();
            }
            i += 1;
        }
        bits
    }};
}

/// The scope constraints: a row failing one counts under it alone and is never a near miss.
pub(crate) const SCOPE_BITS: u32 = bits_where!(Constraint::is_scope);
/// Constraints whose failure rules out a near miss.
pub(crate) const NOT_NEGOTIABLE: u32 = !bits_where!(Constraint::allows_near_miss) & ((1 << Constraint::ALL.len()) - 1);
/// The size constraints an assembly member may fail.
pub(crate) const SIZE: u32 = bits_where!(Constraint::is_size);

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
    /// Industrial land, and the project is not manufacturing.
    ManufacturingOnly {
        /// Its land use.
        have: &'a LandUse,
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
            Rejection::ManufacturingOnly { .. } => Constraint::ManufacturingOnly,
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

/// A hard constraint on a row's own figures against a bound of the request: [`check`],
/// [`fail_mask`] and [`fail_masks`] all call its one [`RowCheck::fails`].
pub(crate) trait RowCheck {
    /// The constraint.
    const CONSTRAINT: Constraint;
    /// What the predicate reads of a row.
    type Value: Copy;
    /// What it reads of the request.
    type Bound<'t>: Copy;
    /// The request's bound; none when it sets none, so no row fails and no column is read.
    fn bound(t: &Thresholds) -> Option<Self::Bound<'_>>;
    /// Whether a row holding `value` fails: the constraint's definition.
    fn fails(bound: Self::Bound<'_>, value: Self::Value) -> bool;
    /// What row `o` holds.
    fn value(offers: &Offers, o: &Offer) -> Self::Value;
    /// What the rows at positions `rows` of the columns hold, in column order.
    fn column(c: &Columns, rows: Range<usize>) -> impl Iterator<Item = Self::Value> + '_;
    /// Why `o` fails, with the numbers.
    fn rejection<'a>(ctx: &Ctx<'a>, o: &Offer, bound: Self::Bound<'_>) -> Rejection<'a>;
}

/// Something done with each row check of a kind.
trait Visit {
    fn visit<C: RowCheck>(&mut self);
}

/// The row checks of land, in the order explanations list their failures.
fn land(v: &mut impl Visit) {
    v.visit::<land_use::Check>();
    v.visit::<manufacturing_only::Check>();
    v.visit::<land_area::Check>();
    v.visit::<floor_area::Land>();
    v.visit::<max_far::Check>();
    v.visit::<per_mu::Investment>();
    v.visit::<per_mu::Output>();
    v.visit::<per_mu::Tax>();
    v.visit::<planning::MinFar>();
    v.visit::<planning::Coverage>();
    v.visit::<planning::OfficeShare>();
    v.visit::<planning::GreenRatio>();
    v.visit::<planning::Energy>();
    v.visit::<supply_mode::Check>();
    v.visit::<available_by::Check>();
    v.visit::<land_price::Check>();
    v.visit::<rent::Check>();
    v.visit::<power::Check>();
}

/// The row checks of building space, in the order explanations list their failures.
fn building(v: &mut impl Visit) {
    v.visit::<building_type::Check>();
    v.visit::<floor_area::Building>();
    v.visit::<floor_load::Check>();
    v.visit::<clearance::Check>();
    v.visit::<rent::Check>();
}

fn of_kind(kind: OfferKind, v: &mut impl Visit) {
    match kind {
        OfferKind::Land => land(v),
        OfferKind::Building => building(v),
    }
}

/// The request's bounds in the form the predicates read, worked out once per request: what
/// depends only on a row's place (scope, negative list, planning indicators, the per-亩
/// minimums' largest area) is one entry per [`Site`].
#[derive(Debug, Clone)]
pub(crate) struct Thresholds {
    status: [bool; 8],
    land_use: Option<land_use::Accepted>,
    manufacturing_only: Option<Vec<bool>>,
    land_area: Option<land_area::Between>,
    floor_need: Option<f64>,
    planned_far: Option<f64>,
    supply_wanted: Option<u8>,
    needed_by: Option<available_by::Needed>,
    max_price: Option<f64>,
    max_rent: Option<f64>,
    power_need: Option<f64>,
    building_types: Option<[bool; 256]>,
    floor_load: Option<f64>,
    clearance: Option<f64>,
    /// Per site: the scope and negative-list constraints it fails.
    site_mask: Vec<u32>,
    /// Per site: the planning indicators of its park the project fails (land only).
    site_planning: Vec<u32>,
    /// The planning indicators some site fails.
    planning_any: u32,
    /// Per 投资强度, 地均产值 and 地均税收, per site: the largest area, m², on which the
    /// project meets the park's minimum (none: no site has both a minimum and a figure).
    site_max_area: [Option<Vec<f64>>; 3],
}

impl Thresholds {
    /// The thresholds of `req`.
    pub fn new(req: &Requirements, offers: &Offers, limits: &ScopeLimits, s: &Snapshot, negative: &[Option<&Industry>], admission: &[AdmissionStandards]) -> Thresholds {
        let site_mask = offers
            .sites
            .iter()
            .map(|&site| {
                let scope = scope_of_site(limits, s, site).map_or(0, |r| r.constraint().bit());
                scope | bit(negative_list::listed(negative, site.park()).is_some(), Constraint::NegativeList)
            })
            .collect();
        let site_planning: Vec<u32> = offers.sites.iter().map(|site| site.park().map_or(0, |p| planning::failed(req, &admission[p as usize]))).collect();
        Thresholds {
            status: status::threshold(req),
            land_use: land_use::threshold(req, offers),
            manufacturing_only: manufacturing_only::threshold(req, offers),
            land_area: land_area::threshold(req),
            floor_need: req.floor_area_m2,
            planned_far: req.planned_far,
            supply_wanted: supply_mode::threshold(req),
            needed_by: available_by::threshold(req),
            max_price: req.max_land_price,
            max_rent: req.max_rent,
            power_need: req.power_kva,
            building_types: building_type::threshold(req),
            floor_load: req.floor_load,
            clearance: req.clearance,
            site_mask,
            planning_any: site_planning.iter().fold(0, |all, &m| all | m),
            site_planning,
            site_max_area: per_mu::threshold(req, offers, admission),
        }
    }
}

/// A minimum not met: unknown (NaN) values fail, which `have < need` would let pass.
#[allow(clippy::neg_cmp_op_on_partial_ord)]
#[inline]
fn below(have: f64, need: f64) -> bool {
    !(have >= need)
}

#[inline]
fn bit(failed: bool, c: Constraint) -> u32 {
    u32::from(failed) << c as u32
}

/// The scope constraints (district, park, area of interest) an offer fails, if any; the
/// distance limit is applied through the R-tree before this.
pub(crate) fn scope<'a>(ctx: &Ctx<'a>, o: &Offer) -> Option<Rejection<'a>> {
    let site = Site { district: o.district, park: o.park, zone: o.zone };
    if let Some(r) = scope_of_site(&ctx.scope, ctx.snapshot, site) {
        return Some(r);
    }
    let aoi = ctx.req.within.as_ref()?;
    within::fails(aoi, ctx.offers.point(o.kind, o.index)).then_some(Rejection::Within)
}

/// The district or park limit a place fails, if any.
fn scope_of_site<'a>(limits: &ScopeLimits, s: &'a Snapshot, site: Site) -> Option<Rejection<'a>> {
    let district = u32::from(site.district);
    if district::fails(limits, district) {
        return Some(district::rejection(s, district));
    }
    if park::fails(limits, site.park(), site.zone()) {
        return Some(park::rejection(s, site.park(), site.zone()));
    }
    None
}

/// Explains each check: passes every failure, with its numbers, to `fail`.
struct Explain<'r, 'a, F> {
    ctx: &'r Ctx<'a>,
    o: &'r Offer,
    fail: &'r mut F,
}

impl<'a, F: FnMut(Rejection<'a>)> Visit for Explain<'_, 'a, F> {
    fn visit<C: RowCheck>(&mut self) {
        if let Some(b) = C::bound(&self.ctx.thresholds) {
            if C::fails(b, C::value(self.ctx.offers, self.o)) {
                (self.fail)(C::rejection(self.ctx, self.o, b));
            }
        }
    }
}

/// Checks every non-scope constraint on `o`, passing each failure to `fail`.
pub(crate) fn check<'a>(ctx: &Ctx<'a>, o: &Offer, fail: &mut impl FnMut(Rejection<'a>)) {
    if status::fails(&ctx.thresholds.status, o.status) {
        fail(status::rejection(o));
    }
    if let Some((p, listed)) = negative_list::listed(&ctx.fits.negative, o.park()) {
        fail(negative_list::rejection(ctx.snapshot, p, listed));
    }
    of_kind(o.kind, &mut Explain { ctx, o, fail });
}

/// Whether land `o` passes every check whose bit is in `bits`.
struct Passes<'r, 'a> {
    ctx: &'r Ctx<'a>,
    o: &'r Offer,
    bits: u32,
    ok: bool,
}

impl Visit for Passes<'_, '_> {
    fn visit<C: RowCheck>(&mut self) {
        if C::CONSTRAINT.bit() & self.bits != 0 {
            if let Some(b) = C::bound(&self.ctx.thresholds) {
                self.ok &= !C::fails(b, C::value(self.ctx.offers, self.o));
            }
        }
    }
}

/// Whether land `o` (an assembly, say) meets the size constraints, [`SIZE`].
pub(crate) fn size_ok(ctx: &Ctx, o: &Offer) -> bool {
    let mut passes = Passes { ctx, o, bits: SIZE, ok: true };
    land(&mut passes);
    passes.ok
}

/// ORs the bit of each check a row fails into `mask`.
struct RowMask<'r> {
    t: &'r Thresholds,
    offers: &'r Offers,
    o: &'r Offer,
    mask: u32,
}

impl Visit for RowMask<'_> {
    #[inline]
    fn visit<C: RowCheck>(&mut self) {
        if let Some(b) = C::bound(self.t) {
            self.mask |= bit(C::fails(b, C::value(self.offers, self.o)), C::CONSTRAINT);
        }
    }
}

/// The constraints `o` fails, as a mask of [`Constraint::bit`]s (scope included), computed
/// without branching on the row's values (a mispredicted branch costs more than the
/// comparison) and agreeing with [`scope`] and [`check`], which say why.
pub(crate) fn fail_mask(ctx: &Ctx, o: &Offer) -> u32 {
    let t = &ctx.thresholds;
    let mut mask = t.site_mask[usize::from(o.site)];
    if mask & SCOPE_BITS == 0 {
        if let Some(aoi) = &ctx.req.within {
            mask |= bit(within::fails(aoi, ctx.offers.point(o.kind, o.index)), Constraint::Within);
        }
    }
    mask |= bit(status::fails(&t.status, o.status), Constraint::Status);
    let mut row = RowMask { t, offers: ctx.offers, o, mask };
    of_kind(o.kind, &mut row);
    row.mask
}

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
#[inline]
fn mark(masks: &mut [u32], c: Constraint, failed: impl Iterator<Item = bool>) -> usize {
    let mut in_scope = 0;
    for (mask, failed) in masks.iter_mut().zip(failed) {
        in_scope += usize::from(failed & (*mask & SCOPE_BITS == 0));
        *mask |= u32::from(failed) << c as u32;
    }
    in_scope
}

/// Marks one check over the columns, one loop per range of positions reading one or two
/// columns, and counts it.
struct ColumnMasks<'r> {
    t: &'r Thresholds,
    c: &'r Columns,
    masks: &'r mut [u32],
    excluded: &'r mut [usize],
    /// The positions to check: the rest are settled out of range.
    ranges: &'r [Range<usize>],
}

impl Visit for ColumnMasks<'_> {
    #[inline]
    fn visit<C: RowCheck>(&mut self) {
        if let Some(b) = C::bound(self.t) {
            for rows in self.ranges {
                let failed = C::column(self.c, rows.clone()).map(|v| C::fails(b, v));
                self.excluded[C::CONSTRAINT as usize] += mark(&mut self.masks[rows.clone()], C::CONSTRAINT, failed);
            }
        }
    }
}

/// Which rows of a kind lie outside a radius, by column position.
pub(crate) struct OutOfRange {
    /// Per position: out of range.
    pub out: Vec<bool>,
    /// The positions not settled out of range a block at a time, in order.
    pub unsettled: Vec<Range<usize>>,
}

/// [`fail_mask`] for the rows of `kind` on offer (the columns' prefix), into `masks` by
/// position, one loop per constraint the request sets; counts every failure into
/// `excluded` as it goes, the rows not on offer under `status` (or their scope constraint).
/// No area of interest: that goes through the R-tree and [`fail_mask`].
///
/// With `out_of_range`, the rows outside a radius count under `distance` alone, and the
/// blocks wholly outside are not checked further.
pub(crate) fn fail_masks(ctx: &Ctx, kind: OfferKind, masks: &mut Vec<u32>, excluded: &mut [usize], out_of_range: Option<&OutOfRange>) {
    let t = &ctx.thresholds;
    let c = ctx.offers.columns(kind);
    let on_offer = status::on_offer(&t.status, c);
    let everything = [0..on_offer];
    masks.clear();
    let ranges: Vec<Range<usize>> = if let Some(range) = out_of_range {
        let (far, status) = (Constraint::Distance.bit(), Constraint::Status.bit());
        masks.resize(c.site.len(), far);
        let mut settled = c.site.len();
        for rows in &range.unsettled {
            settled -= rows.len();
            for pos in rows.clone() {
                let place = if range.out[pos] { far } else { t.site_mask[usize::from(c.site[pos])] };
                masks[pos] = place | if pos >= on_offer { status } else { 0 };
            }
            count_failures(&masks[rows.clone()], excluded);
        }
        // a row settled out of range fails the distance, which overrides everything else
        excluded[Constraint::Distance as usize] += settled;
        masks.truncate(on_offer);
        range.unsettled.iter().map(|r| r.start.min(on_offer)..r.end.min(on_offer)).filter(|r| !r.is_empty()).collect()
    } else if t.site_mask.iter().any(|&m| m != 0) {
        masks.extend(c.site.iter().map(|&site| t.site_mask[usize::from(site)]));
        mark(masks, Constraint::Status, (0..c.site.len()).map(|pos| pos >= on_offer));
        count_failures(masks, excluded);
        masks.truncate(on_offer);
        everything.to_vec()
    } else {
        excluded[Constraint::Status as usize] += c.site.len() - on_offer;
        masks.resize(on_offer, 0);
        everything.to_vec()
    };
    of_kind(kind, &mut ColumnMasks { t, c, masks, excluded, ranges: &ranges });
}
