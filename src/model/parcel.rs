//! Parcel 地块.

use chrono::NaiveDate;
use geo::MultiPolygon;

use super::{Confidential, LandUse, Provenance, SpaceStatus, SquareMetres, SupplyMode};

/// Planning limits 规划条件 of a parcel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanningLimits {
    /// Maximum floor area ratio 容积率.
    pub max_far: Option<f64>,
    /// Maximum building density 建筑密度 (0–1).
    pub max_density: Option<f64>,
    /// Height limit in metres.
    pub height_limit_m: Option<f64>,
}

/// A land parcel offered (or once offered) for industrial projects.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// Stable id; also the GeoJSON feature id.
    pub id: String,
    /// Name or location description.
    pub name: String,
    /// Where it stands in the supply cycle.
    pub status: SpaceStatus,
    /// Land use code.
    pub land_use: LandUse,
    /// Geodesic area computed from the geometry.
    pub area: SquareMetres,
    /// District adcode (given, or from the spatial join).
    pub district: String,
    /// Park id, if inside a park.
    pub park: Option<String>,
    /// Zone (园中园) id, if inside one.
    pub zone: Option<String>,
    /// Planning limits.
    pub planning: PlanningLimits,
    /// Land price, 万元/亩.
    pub land_price_wan_per_mu: Option<f64>,
    /// Rent for leased land, 元/m²/day.
    pub rent_yuan_m2_day: Option<f64>,
    /// Supply modes offered.
    pub supply_modes: Vec<SupplyMode>,
    /// First date a project can take it (none: now).
    pub available_from: Option<NaiveDate>,
    /// Power capacity available on site, kVA.
    pub power_kva: Option<f64>,
    /// Outline in WGS84.
    pub geometry: MultiPolygon,
    /// Source and verification date.
    pub provenance: Provenance,
    /// Project and notes, for promoters' eyes only.
    pub confidential: Confidential,
    /// Version of record: 1 when loaded, one more with each committed edit.
    pub version: u64,
}

impl Parcel {
    /// Where it lies, for scopes.
    pub fn place(&self) -> super::Place<'_> {
        super::Place { district: &self.district, park: self.park.as_deref() }
    }
}
