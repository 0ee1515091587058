//! Zone 园中园: a specialised park inside a park.

use geo::MultiPolygon;

use super::Provenance;

/// A park-within-a-park such as 医药健康产业园 inside 密云经济开发区.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Stable id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// The parent park's id.
    pub park: String,
    /// Specialised industries (catalogue codes).
    pub industries: Vec<String>,
    /// Outline in WGS84.
    pub geometry: MultiPolygon,
    /// Source and verification date.
    pub provenance: Provenance,
}
