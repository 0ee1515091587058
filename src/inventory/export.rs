//! Writing layers as GeoJSON FeatureCollections with the public property contract.

use geo::{MultiPolygon, Point};
use geojson::{Feature as GeoFeature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use serde_json::json;

use super::layer::LayerName;
use super::snapshot::Snapshot;
use crate::model::{Building, District, Parcel, Park, Provenance, Zone};

/// Coordinates are written with 7 decimals (about 1 cm), as GIS tools expect for lon/lat.
fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

/// A multipolygon as GeoJSON: a Polygon when it has one part.
pub fn area_geometry(area: &MultiPolygon) -> Geometry {
    let polygon = |p: &geo::Polygon| -> Vec<Vec<Vec<f64>>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|ring| ring.0.iter().map(|c| vec![round7(c.x), round7(c.y)]).collect())
            .collect()
    };
    let value = match area.0.as_slice() {
        [single] => GeometryValue::new_polygon(polygon(single)),
        parts => GeometryValue::new_multi_polygon(parts.iter().map(polygon).collect::<Vec<_>>()),
    };
    Geometry::new(value)
}

/// A GeoJSON point, rounded like the areas.
pub fn point_geometry(p: Point) -> Geometry {
    Geometry::new(GeometryValue::new_point([round7(p.x()), round7(p.y())]))
}

fn feature(id: &str, geometry: Geometry, properties: JsonValue) -> GeoFeature {
    let JsonValue::Object(properties) = properties else { unreachable!("properties are built as objects") };
    GeoFeature {
        bbox: None,
        geometry: Some(geometry),
        id: Some(geojson::feature::Id::String(id.to_string())),
        properties: Some(properties),
        foreign_members: None,
    }
}

fn provenance(props: &mut JsonObject, p: &Provenance) {
    props.insert("source".into(), json!(p.source));
    props.insert("verified_at".into(), json!(p.verified_at.to_string()));
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A district feature.
pub fn district_feature(d: &District) -> GeoFeature {
    let props = json!({
        "id": d.adcode, "adcode": d.adcode, "name": d.name, "industries": d.industries, "source": d.source,
        "verified_at": d.verified_at.map(|v| v.to_string()),
    });
    feature(&d.adcode, area_geometry(&d.geometry), props)
}

/// A park feature.
pub fn park_feature(p: &Park) -> GeoFeature {
    let mut props = json!({
        "id": p.id, "name": p.name, "level": p.level.as_str(), "district": p.district,
        "industries": p.industries, "admission": p.admission,
        "positive_list": p.positive_list, "negative_list": p.negative_list,
    });
    provenance(props.as_object_mut().expect("object"), &p.provenance);
    feature(&p.id, area_geometry(&p.geometry), props)
}

/// A zone (园中园) feature.
pub fn zone_feature(z: &Zone) -> GeoFeature {
    let mut props = json!({ "id": z.id, "name": z.name, "park": z.park, "industries": z.industries });
    provenance(props.as_object_mut().expect("object"), &z.provenance);
    feature(&z.id, area_geometry(&z.geometry), props)
}

/// A parcel feature; areas are the computed ones.
pub fn parcel_feature(p: &Parcel) -> GeoFeature {
    let mut props = json!({
        "id": p.id, "name": p.name, "status": p.status.as_str(), "land_use": p.land_use.as_str(),
        "area_m2": round2(p.area.0), "area_mu": round2(p.area.to_mu().0),
        "district": p.district, "park": p.park, "zone": p.zone,
        "max_far": p.planning.max_far, "max_density": p.planning.max_density, "height_limit_m": p.planning.height_limit_m,
        "land_price_wan_per_mu": p.land_price_wan_per_mu, "rent_yuan_m2_day": p.rent_yuan_m2_day,
        "supply_modes": p.supply_modes.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "available_from": p.available_from.map(|d| d.to_string()),
        "power_kva": p.power_kva,
    });
    provenance(props.as_object_mut().expect("object"), &p.provenance);
    feature(&p.id, area_geometry(&p.geometry), props)
}

/// A building feature: the footprint when known, else the point.
pub fn building_feature(b: &Building) -> GeoFeature {
    let mut props = json!({
        "id": b.id, "name": b.name, "building_type": b.building_type.as_str(), "status": b.status.as_str(),
        "floors": b.floors, "floor_area_m2": b.floor_area_m2, "vacant_area_m2": b.vacant_area_m2,
        "floor_load_kn_m2": b.floor_load_kn_m2, "clearance_m": b.clearance_m, "rent_yuan_m2_day": b.rent_yuan_m2_day,
        "industries": b.industries, "district": b.district, "park": b.park, "zone": b.zone,
    });
    provenance(props.as_object_mut().expect("object"), &b.provenance);
    let geometry = match &b.footprint {
        Some(f) => area_geometry(f),
        None => point_geometry(b.location),
    };
    feature(&b.id, geometry, props)
}

/// One layer of a snapshot as a FeatureCollection.
pub fn layer_collection(snapshot: &Snapshot, layer: LayerName) -> FeatureCollection {
    let features: Vec<GeoFeature> = match layer {
        LayerName::Districts => snapshot.districts.items().iter().map(district_feature).collect(),
        LayerName::Parks => snapshot.parks.items().iter().map(park_feature).collect(),
        LayerName::Zones => snapshot.zones.items().iter().map(zone_feature).collect(),
        LayerName::Parcels => snapshot.parcels.items().iter().map(parcel_feature).collect(),
        LayerName::Buildings => snapshot.buildings.items().iter().map(building_feature).collect(),
    };
    let mut fc = FeatureCollection::new(features);
    let mut members = JsonObject::new();
    members.insert("name".into(), json!(layer.as_str()));
    fc.foreign_members = Some(members);
    fc
}
