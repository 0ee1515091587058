//! District 区.

use chrono::NaiveDate;
use geo::MultiPolygon;

/// A district of Beijing, identified by its national administrative code.
#[derive(Debug, Clone)]
pub struct District {
    /// Administrative code, e.g. `110118` for 密云区; also the feature id.
    pub adcode: String,
    /// Chinese name.
    pub name: String,
    /// Leading industries 主导产业 (catalogue codes).
    pub industries: Vec<String>,
    /// Boundary in WGS84.
    pub geometry: MultiPolygon,
    /// Where the boundary and industries come from.
    pub source: String,
    /// When they were last confirmed (optional in input: boundaries change rarely).
    pub verified_at: Option<NaiveDate>,
}
