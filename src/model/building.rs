//! Building space 厂房楼宇.

use geo::{MultiPolygon, Point};

use super::{Confidential, Provenance, SpaceStatus, UnknownValue};

/// The kinds of building space the map lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuildingType {
    /// 标准厂房: multi-tenant standard factory.
    StandardFactory,
    /// 研发楼: R&D building.
    Research,
    /// 写字楼: office building.
    Office,
    /// 定制厂房: factory built to a tenant's specification.
    CustomFactory,
}

impl BuildingType {
    /// Every type, in contract order.
    pub const ALL: &'static [BuildingType] =
        &[BuildingType::StandardFactory, BuildingType::Research, BuildingType::Office, BuildingType::CustomFactory];

    /// The contract spelling (Chinese).
    pub fn as_str(self) -> &'static str {
        match self {
            BuildingType::StandardFactory => "标准厂房",
            BuildingType::Research => "研发楼",
            BuildingType::Office => "写字楼",
            BuildingType::CustomFactory => "定制厂房",
        }
    }
}

impl std::str::FromStr for BuildingType {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BuildingType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| UnknownValue { given: s.to_string(), allowed: "标准厂房, 研发楼, 写字楼, 定制厂房" })
    }
}

/// A building (or part of one) with floor space for projects.
#[derive(Debug, Clone)]
pub struct Building {
    /// Stable id; also the GeoJSON feature id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind of space.
    pub building_type: BuildingType,
    /// Where it stands in the supply cycle.
    pub status: SpaceStatus,
    /// Number of floors.
    pub floors: Option<u32>,
    /// Total floor area, m².
    pub floor_area_m2: f64,
    /// Vacant floor area, m².
    pub vacant_area_m2: f64,
    /// Floor load, kN/m².
    pub floor_load_kn_m2: Option<f64>,
    /// Clear height, m.
    pub clearance_m: Option<f64>,
    /// Rent, 元/m²/day.
    pub rent_yuan_m2_day: Option<f64>,
    /// Suitable industries (catalogue codes).
    pub industries: Vec<String>,
    /// District adcode (given, or from the spatial join).
    pub district: String,
    /// Park id.
    pub park: Option<String>,
    /// Zone id.
    pub zone: Option<String>,
    /// A representative point (the given point, or the footprint's interior point).
    pub location: Point,
    /// The footprint, when given as a polygon.
    pub footprint: Option<MultiPolygon>,
    /// Source and verification date.
    pub provenance: Provenance,
    /// Project and notes, for promoters' eyes only.
    pub confidential: Confidential,
    /// Version of record: 1 when loaded, one more with each committed edit.
    pub version: u64,
}

impl Building {
    /// Where it lies, for scopes.
    pub fn place(&self) -> super::Place<'_> {
        super::Place { district: &self.district, park: self.park.as_deref() }
    }
}
