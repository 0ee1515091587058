//! Writing layers as GeoJSON FeatureCollections with the public property contract.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::{MultiPolygon, Point};
use geojson::{Feature as GeoFeature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use serde::Serialize;
use serde_json::json;

use super::layer::{Feature, LayerName, Shape};

mod fields;
use super::snapshot::Snapshot;
use crate::model::{AdmissionStandards, Confidential, Building, District, Parcel, Park, Zone};

/// Coordinates are written with 7 decimals (about 1 cm), as GIS tools expect for lon/lat.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A multipolygon as a GeoJSON MultiPolygon, coordinates rounded to 1e-7°.
pub fn area_geometry(area: &MultiPolygon) -> Geometry {
    let polygon = |p: &geo::Polygon| -> Vec<Vec<Vec<f64>>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|ring| ring.0.iter().map(|c| vec![round7(c.x), round7(c.y)]).collect())
            .collect()
    };
    // one geometry type per layer, as its GeoPackage table declares: QGIS types a GeoJSON layer
    // by its first feature, so a one-part area is a MultiPolygon too
    Geometry::new(GeometryValue::new_multi_polygon(area.0.iter().map(polygon).collect::<Vec<_>>()))
}

/// A GeoJSON point, rounded like the areas.
pub fn point_geometry(p: Point) -> Geometry {
    Geometry::new(GeometryValue::new_point([round7(p.x()), round7(p.y())]))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A layer item with the public GeoJSON properties of its layer (the contract's names and
/// order); the one definition both whole-layer exports and API pages write.
pub trait Exported: Feature {
    /// The properties, borrowed from the item.
    fn properties(&self) -> impl Serialize + '_;
    /// What only promoters and up may read; places have nothing confidential.
    fn confidential(&self) -> Option<&Confidential> {
        None
    }
    /// Where a parcel or building lies, for scopes; places have none.
    fn place(&self) -> Option<crate::model::Place<'_>> {
        None
    }
    /// The properties as kept in the store: the public ones, and for parcels and
    /// buildings every confidential one (null when not recorded), so the store's tables
    /// always have those columns.
    fn stored_properties(&self) -> JsonObject {
        self.stored_fields().into_iter().map(|(key, value)| (key.to_string(), value)).collect()
    }
    /// [`Exported::stored_properties`] as a list in their order, without building a map
    /// (what a store's bulk writes take).
    fn stored_fields(&self) -> Vec<(&'static str, JsonValue)> {
        let mut fields = fields::of_struct(&self.properties());
        // worked out on reading, from verified_at and the day
        fields.retain(|(key, _)| *key != STALE);
        if let Some(footprint) = self.footprint() {
            let value = footprint.map(|f| serde_json::to_value(area_geometry(f)).unwrap_or(JsonValue::Null));
            fields.push((FOOTPRINT, value.unwrap_or(JsonValue::Null)));
        }
        if let Some(c) = self.confidential() {
            for (key, value) in CONFIDENTIAL_PROPERTIES.into_iter().zip([&c.project, &c.project_id, &c.internal_note]) {
                fields.push((key, value.as_deref().map_or(JsonValue::Null, |v| JsonValue::String(v.into()))));
            }
        }
        fields
    }
    /// The geometry every output writes: its shape, but a building's point, so that each layer
    /// has one geometry type (QGIS and GDAL type a layer by one feature).
    fn written_shape(&self) -> Shape<'_> {
        self.shape()
    }
    /// A building's footprint (`Some(None)` when it has none), written as its `footprint`
    /// property; `None` for layers without one.
    fn footprint(&self) -> Option<Option<&MultiPolygon>> {
        None
    }
    /// The public properties with the footprint, as GeoJSON writes them (WGS84).
    fn public_properties(&self) -> JsonObject {
        let mut map = match serde_json::to_value(self.properties()) {
            Ok(JsonValue::Object(map)) => map,
            _ => JsonObject::new(),
        };
        if let Some(footprint) = self.footprint() {
            let value = footprint.map(|f| serde_json::to_value(area_geometry(f)).unwrap_or(JsonValue::Null));
            map.insert(FOOTPRINT.into(), value.unwrap_or(JsonValue::Null));
        }
        map
    }
    /// The geometry written for it: the area, or a building's point.
    fn geometry(&self) -> Geometry {
        match self.written_shape() {
            Shape::Area(a) => area_geometry(a),
            Shape::Point(p) => point_geometry(p),
        }
    }
    /// The item as a GeoJSON feature of a layer file (what `serve --data` reads; without what
    /// is worked out on reading, such as `stale`).
    fn to_feature(&self) -> GeoFeature {
        let mut properties = self.public_properties();
        properties.remove(STALE);
        GeoFeature {
            bbox: None,
            geometry: Some(self.geometry()),
            id: Some(geojson::feature::Id::String(self.id().to_string())),
            properties: Some(properties),
            foreign_members: None,
        }
    }
}

/// The confidential properties as promoters read them (absent when not recorded).
#[derive(Serialize)]
pub struct ConfidentialProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    project: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    internal_note: Option<&'a str>,
}

impl<'a> From<&'a Confidential> for ConfidentialProperties<'a> {
    fn from(c: &'a Confidential) -> Self {
        ConfidentialProperties { project: c.project.as_deref(), project_id: c.project_id.as_deref(), internal_note: c.internal_note.as_deref() }
    }
}

/// The property holding a building's footprint (a GeoJSON MultiPolygon, or null).
pub const FOOTPRINT: &str = "footprint";

/// The property saying a parcel or building was not verified within the window.
pub const STALE: &str = "stale";

/// The names of the confidential properties.
pub const CONFIDENTIAL_PROPERTIES: [&str; 3] = ["project", "project_id", "internal_note"];

/// Properties of a district.
#[derive(Serialize)]
struct DistrictProperties<'a> {
    id: &'a str,
    adcode: &'a str,
    name: &'a str,
    industries: &'a [String],
    source: &'a str,
    verified_at: Option<NaiveDate>,
}

impl Exported for District {
    fn properties(&self) -> impl Serialize + '_ {
        DistrictProperties {
            id: &self.adcode,
            adcode: &self.adcode,
            name: &self.name,
            industries: &self.industries,
            source: &self.source,
            verified_at: self.verified_at,
        }
    }
}

/// Properties of a park.
#[derive(Serialize)]
struct ParkProperties<'a> {
    id: &'a str,
    name: &'a str,
    level: &'static str,
    district: &'a str,
    industries: &'a [String],
    admission: &'a AdmissionStandards,
    /// Written as `{}` when the standards do not differ by industry.
    admission_by_category: &'a BTreeMap<String, AdmissionStandards>,
    admission_source: Option<&'a str>,
    positive_list: &'a [String],
    negative_list: &'a [String],
    land_income_2020_wan_per_ha: Option<f64>,
    industrial_output_2020_wan_per_ha: Option<f64>,
    land_output_source: Option<&'a str>,
    own_office: bool,
    source: &'a str,
    verified_at: NaiveDate,
}

impl Exported for Park {
    fn properties(&self) -> impl Serialize + '_ {
        ParkProperties {
            id: &self.id,
            name: &self.name,
            level: self.level.as_str(),
            district: &self.district,
            industries: &self.industries,
            admission: &self.admission,
            admission_by_category: &self.admission_by_category,
            admission_source: self.admission_source.as_deref(),
            positive_list: &self.positive_list,
            negative_list: &self.negative_list,
            land_income_2020_wan_per_ha: self.land_income_2020_wan_per_ha,
            industrial_output_2020_wan_per_ha: self.industrial_output_2020_wan_per_ha,
            land_output_source: self.land_output_source.as_deref(),
            own_office: self.own_office,
            source: &self.provenance.source,
            verified_at: self.provenance.verified_at,
        }
    }
}

/// Properties of a zone (园中园).
#[derive(Serialize)]
struct ZoneProperties<'a> {
    id: &'a str,
    name: &'a str,
    park: &'a str,
    industries: &'a [String],
    source: &'a str,
    verified_at: NaiveDate,
}

impl Exported for Zone {
    fn properties(&self) -> impl Serialize + '_ {
        ZoneProperties {
            id: &self.id,
            name: &self.name,
            park: &self.park,
            industries: &self.industries,
            source: &self.provenance.source,
            verified_at: self.provenance.verified_at,
        }
    }
}

/// Properties of a parcel; areas are the computed ones.
#[derive(Serialize)]
struct ParcelProperties<'a> {
    id: &'a str,
    name: &'a str,
    status: &'static str,
    land_use: &'a str,
    area_m2: f64,
    area_mu: f64,
    district: &'a str,
    park: Option<&'a str>,
    zone: Option<&'a str>,
    max_far: Option<f64>,
    max_density: Option<f64>,
    height_limit_m: Option<f64>,
    land_price_wan_per_mu: Option<f64>,
    rent_yuan_m2_day: Option<f64>,
    supply_modes: Vec<&'static str>,
    available_from: Option<NaiveDate>,
    power_kva: Option<f64>,
    source: &'a str,
    verified_at: NaiveDate,
    stale: bool,
}

impl Exported for Parcel {
    fn confidential(&self) -> Option<&Confidential> {
        Some(&self.confidential)
    }
    fn place(&self) -> Option<crate::model::Place<'_>> {
        Some(Parcel::place(self))
    }
    fn properties(&self) -> impl Serialize + '_ {
        ParcelProperties {
            id: &self.id,
            name: &self.name,
            status: self.status.as_str(),
            land_use: self.land_use.as_str(),
            area_m2: round2(self.area.0),
            area_mu: round2(self.area.to_mu().0),
            district: &self.district,
            park: self.park.as_deref(),
            zone: self.zone.as_deref(),
            max_far: self.planning.max_far,
            max_density: self.planning.max_density,
            height_limit_m: self.planning.height_limit_m,
            land_price_wan_per_mu: self.land_price_wan_per_mu,
            rent_yuan_m2_day: self.rent_yuan_m2_day,
            supply_modes: self.supply_modes.iter().map(|m| m.as_str()).collect(),
            available_from: self.available_from,
            power_kva: self.power_kva,
            source: &self.provenance.source,
            verified_at: self.provenance.verified_at,
            stale: crate::inventory::Freshness::current().is_stale(self.provenance.verified_at),
        }
    }
}

/// Properties of a building space.
#[derive(Serialize)]
struct BuildingProperties<'a> {
    id: &'a str,
    name: &'a str,
    building_type: &'static str,
    status: &'static str,
    floors: Option<u32>,
    floor_area_m2: f64,
    vacant_area_m2: f64,
    floor_load_kn_m2: Option<f64>,
    clearance_m: Option<f64>,
    rent_yuan_m2_day: Option<f64>,
    industries: &'a [String],
    district: &'a str,
    park: Option<&'a str>,
    zone: Option<&'a str>,
    source: &'a str,
    verified_at: NaiveDate,
    stale: bool,
}

impl Exported for Building {
    fn confidential(&self) -> Option<&Confidential> {
        Some(&self.confidential)
    }
    fn place(&self) -> Option<crate::model::Place<'_>> {
        Some(Building::place(self))
    }
    fn written_shape(&self) -> Shape<'_> {
        Shape::Point(self.location)
    }
    fn footprint(&self) -> Option<Option<&MultiPolygon>> {
        Some(self.footprint.as_ref())
    }
    fn properties(&self) -> impl Serialize + '_ {
        BuildingProperties {
            id: &self.id,
            name: &self.name,
            building_type: self.building_type.as_str(),
            status: self.status.as_str(),
            floors: self.floors,
            floor_area_m2: self.floor_area_m2,
            vacant_area_m2: self.vacant_area_m2,
            floor_load_kn_m2: self.floor_load_kn_m2,
            clearance_m: self.clearance_m,
            rent_yuan_m2_day: self.rent_yuan_m2_day,
            industries: &self.industries,
            district: &self.district,
            park: self.park.as_deref(),
            zone: self.zone.as_deref(),
            source: &self.provenance.source,
            verified_at: self.provenance.verified_at,
            stale: crate::inventory::Freshness::current().is_stale(self.provenance.verified_at),
        }
    }
}

/// One layer of a snapshot as a FeatureCollection.
pub fn layer_collection(snapshot: &Snapshot, layer: LayerName) -> FeatureCollection {
    let features: Vec<GeoFeature> = super::with_layer!(snapshot, layer, |l| l.items().iter().map(|f| f.to_feature()).collect());
    let mut fc = FeatureCollection::new(features);
    let mut members = JsonObject::new();
    members.insert("name".into(), json!(layer.as_str()));
    fc.foreign_members = Some(members);
    fc
}
