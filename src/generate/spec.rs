//! The hand-written inputs of the generator: park specifications and district industries.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::AdmissionStandards;

/// `sources/parks.json`.
#[derive(Debug, Deserialize)]
pub struct ParksFile {
    /// Provenance text written into every generated feature.
    pub source: String,
    /// Verification date of the park facts.
    pub verified_at: String,
    /// The parks.
    pub parks: Vec<ParkSpec>,
}

/// One park to generate.
#[derive(Debug, Clone, Deserialize)]
pub struct ParkSpec {
    /// Park id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Short name used in parcel names.
    pub short: String,
    /// 国家级/市级/区级.
    pub level: String,
    /// District adcode.
    pub district: String,
    /// Leading industries.
    pub industries: Vec<String>,
    /// Admission standards.
    pub admission: AdmissionStandards,
    /// Standards that differ by industry (catalogue code → indicators replacing the park's).
    #[serde(default)]
    pub admission_by_category: BTreeMap<String, AdmissionStandards>,
    /// Which admission figures a document states (document, table, lines) and which are
    /// sample values.
    #[serde(default)]
    pub admission_source: Option<String>,
    /// Documented 2020 单位面积收入, 万元/公顷.
    #[serde(default)]
    pub land_income_2020_wan_per_ha: Option<f64>,
    /// Documented 2020 单位面积工业产值, 万元/公顷.
    #[serde(default)]
    pub industrial_output_2020_wan_per_ha: Option<f64>,
    /// The document, table and lines of the two 2020 figures.
    #[serde(default)]
    pub land_output_source: Option<String>,
    /// Whether the park keeps its own inventory (its own office's scope).
    #[serde(default)]
    pub own_office: bool,
    /// What is particular about this park's facts, appended to the file's `source` in the
    /// park's own provenance (not its parcels' or buildings').
    #[serde(default)]
    pub source_note: Option<String>,
    /// Positive list.
    #[serde(default)]
    pub positive_list: Vec<String>,
    /// Negative list.
    #[serde(default)]
    pub negative_list: Vec<String>,
    /// Land price range, 万元/亩.
    pub price_wan_per_mu: [f64; 2],
    /// Land rent range, 元/m²/day.
    pub rent_yuan_m2_day: [f64; 2],
    /// Share of parcels offered as available.
    pub available_share: f64,
    /// Land-use mix (code → weight).
    pub land_use: BTreeMap<String, f64>,
    /// The park's parts (multi-part parks are common).
    pub parts: Vec<PartSpec>,
    /// Its zones (园中园).
    #[serde(default)]
    pub zones: Vec<ZoneSpec>,
    /// The park's first buildings are available standard factories with at least these
    /// vacant floor areas (m²), so that the plan's named leasing projects find space.
    #[serde(default)]
    pub anchor_vacant_m2: Vec<f64>,
}

/// One part of a park: a rectangle around a centre, divided into regions.
#[derive(Debug, Clone, Deserialize)]
pub struct PartSpec {
    /// Name of the part.
    pub name: String,
    /// Centre, WGS84 lon/lat.
    pub center: [f64; 2],
    /// Width and height in metres.
    pub size_m: [f64; 2],
    /// Regions as fractions `[x0, y0, x1, y1]` of the part, optionally a zone.
    pub regions: Vec<RegionSpec>,
}

/// A region of a part.
#[derive(Debug, Clone, Deserialize)]
pub struct RegionSpec {
    /// `[x0, y0, x1, y1]` as fractions of the part.
    pub rect: [f64; 4],
    /// The zone covering it.
    #[serde(default)]
    pub zone: Option<String>,
}

/// A zone (园中园) to generate.
#[derive(Debug, Clone, Deserialize)]
pub struct ZoneSpec {
    /// Zone id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Specialised industries.
    pub industries: Vec<String>,
    /// Overrides the park's available share.
    #[serde(default)]
    pub available_share: Option<f64>,
    /// Overrides the park's land-use mix.
    #[serde(default)]
    pub land_use: Option<BTreeMap<String, f64>>,
    /// Parcels of these sizes (亩) are carved out first and offered as available industrial
    /// land, so that the zone can host the projects its plan names.
    #[serde(default)]
    pub anchor_parcels_mu: Vec<f64>,
}

/// `sources/districts.json`.
#[derive(Debug, Deserialize)]
pub struct DistrictsFile {
    /// Provenance of the industry assignment.
    pub source: String,
    /// When the assignment was last confirmed.
    pub verified_at: String,
    /// Leading industries by adcode.
    pub districts: BTreeMap<String, Vec<String>>,
}
