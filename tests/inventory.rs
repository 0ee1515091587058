//! The inventory end to end: the sample loads; every validation error is caught with its
//! feature id and blocks the whole load; CRS input lands where it should; areas and the
//! spatial join are right.

use crate::common;

use std::sync::Arc;

use chanye::geometry::Crs;
use chanye::inventory::{self, InventoryError, LayerName, LoadOptions, NoProgress, Problem, Severity, SnapshotCell};
use chanye::model::{LandUse, SpaceStatus};
use common::*;
use geo::Coord;
use serde_json::{json, Value};

fn load(dir: &std::path::Path) -> Result<inventory::Loaded, InventoryError> {
    inventory::load_dir_strict(dir)
}

fn errors_of(dir: &std::path::Path) -> Vec<Problem> {
    match load(dir) {
        Err(InventoryError::Invalid(report)) => report.errors().cloned().collect(),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("loaded despite errors"),
    }
}

#[test]
fn the_sample_loads_with_every_layer() {
    let loaded = load(&sample_dir()).unwrap();
    let s = &loaded.snapshot;
    assert_eq!(s.districts.len(), 16);
    assert!(s.parks.len() >= 7 && s.zones.len() >= 4);
    assert_eq!(s.parcels.len(), 300);
    assert!(s.buildings.len() >= 100);
    assert_eq!(loaded.report.problems, vec![], "the sample has no warnings");
    let miyun = s.districts.get("110118").unwrap();
    assert_eq!(miyun.name, "密云区");
    for zone in ["miyun-health", "miyun-smart-mfg", "miyun-green"] {
        let z = s.zones.get(zone).unwrap();
        assert_eq!(z.park, "miyun-zgc");
        let supply = s
            .parcels
            .items()
            .iter()
            .filter(|p| p.zone.as_deref() == Some(zone) && p.status == SpaceStatus::Available)
            .filter(|p| [LandUse::M1, LandUse::M4, LandUse::M1M4].contains(&p.land_use))
            .count();
        assert!(supply >= 5, "{zone} offers only {supply} available M1/M4 parcels");
    }
    // land sizes of the Miyun plan's 附件1 projects (亩): each finds a parcel in a 园中园 of at
    // least that size and not more than half again as large
    let miyun_supply: Vec<f64> = s
        .parcels
        .items()
        .iter()
        .filter(|p| p.park.as_deref() == Some("miyun-zgc") && p.zone.is_some() && p.status == SpaceStatus::Available)
        .filter(|p| [LandUse::M1, LandUse::M4, LandUse::M1M4].contains(&p.land_use))
        .map(|p| p.area.to_mu().0)
        .collect();
    for need in [24.88, 29.0, 42.6, 49.0, 67.0, 75.0, 150.0] {
        assert!(miyun_supply.iter().any(|&mu| mu >= need && mu <= need * 1.5), "no parcel for a {need} 亩 project: {miyun_supply:?}");
    }
    for p in s.parcels.items() {
        let mu = p.area.to_mu().0;
        assert!((9.9..=300.1).contains(&mu), "{} is {mu} 亩", p.id);
        assert!(p.provenance.source.contains("sample"), "{} source must say sample", p.id);
    }
}

/// A valid parcel feature to break in one way.
fn good_parcel(id: &str) -> Value {
    let mut f = features(&sample_layer("parcels"))[0].clone();
    f["id"] = json!(id);
    f["properties"]["id"] = json!(id);
    f
}

#[test]
fn every_validation_error_is_caught_with_its_feature_id() {
    let mut unclosed = good_parcel("unclosed");
    unclosed["geometry"]["coordinates"][0][0].as_array_mut().unwrap().pop();
    let mut short = good_parcel("short");
    short["geometry"] = json!({"type": "Polygon", "coordinates": [[[116.8, 40.34], [116.81, 40.34], [116.8, 40.34]]]});
    let mut bow = good_parcel("bowtie");
    bow["geometry"] = json!({"type": "Polygon", "coordinates": [[[116.80, 40.34], [116.81, 40.35], [116.81, 40.34], [116.80, 40.35], [116.80, 40.34]]]});
    let mut far = good_parcel("far");
    far["geometry"] = json!({"type": "Polygon", "coordinates": [[[116.80, 40.34], [116.81, 40.34], [216.81, 40.35], [116.80, 40.34]]]});
    let mut huge = good_parcel("huge");
    huge["geometry"] = json!({"type": "Point", "coordinates": [1, 2]});
    let huge_text = serde_json::to_string(&huge).unwrap().replace("[1,2]", "[1e999,2]");
    let mut empty = good_parcel("empty");
    empty["geometry"] = json!({"type": "Polygon", "coordinates": []});
    let mut point = good_parcel("point");
    point["geometry"] = json!({"type": "Point", "coordinates": [116.8, 40.34]});
    let mut missing = good_parcel("missing");
    missing["properties"].as_object_mut().unwrap().remove("status");
    let mut status = good_parcel("status");
    status["properties"]["status"] = json!("vacant");
    let mut land_use = good_parcel("landuse");
    land_use["properties"]["land_use"] = json!("industrial");
    let mut park = good_parcel("nopark");
    park["properties"]["park"] = json!("atlantis-park");
    let mut zone = good_parcel("nozone");
    zone["properties"]["zone"] = json!("atlantis-zone");
    let dup_a = good_parcel("twice");
    let dup_b = good_parcel("twice");
    let mut both = good_parcel("geometry-and-status");
    both["geometry"]["coordinates"][0][0].as_array_mut().unwrap().pop();
    both["properties"]["status"] = json!("vacant");
    let mut null_modes = good_parcel("nullmodes");
    null_modes["properties"]["supply_modes"] = json!(null);
    let mut collection_type = good_parcel("collection");
    collection_type["geometry"] = json!({"type": "GeometryCollection", "geometries": []});
    let mut noid = good_parcel("x");
    noid.as_object_mut().unwrap().remove("id");
    noid["properties"].as_object_mut().unwrap().remove("id");

    let parcels = collection(vec![
        unclosed, short, bow, far, json!("HUGE"), empty, point, missing, status, land_use, park, zone, dup_a, dup_b, noid,
        both, null_modes, collection_type,
    ]);
    let text = serde_json::to_string(&parcels).unwrap().replace("\"HUGE\"", &huge_text);
    let dir = dataset_with(&[]);
    std::fs::write(dir.path().join("parcels.geojson"), text).unwrap();

    let errors = errors_of(dir.path());
    let find = |id: &str, field: &str, words: &str| {
        errors
            .iter()
            .find(|p| {
                p.layer == LayerName::Parcels
                    && p.feature.as_ref().and_then(|f| f.id.as_deref()) == Some(id)
                    && p.field.as_deref() == Some(field)
                    && p.reason.contains(words)
            })
            .unwrap_or_else(|| panic!("no error for {id} [{field}] ~ {words:?} in:\n{errors:#?}"))
    };
    find("unclosed", "geometry", "not closed");
    find("short", "geometry", "needs at least 4");
    find("bowtie", "geometry", "intersects itself");
    find("far", "geometry", "outside longitude");
    find("huge", "geometry", "number out of range");
    find("empty", "geometry", "empty");
    find("point", "geometry", "Point is not allowed");
    find("missing", "status", "missing");
    find("status", "status", "'vacant' is not one of");
    find("landuse", "land_use", "'industrial'");
    find("nopark", "park", "'atlantis-park' does not exist");
    find("nozone", "zone", "'atlantis-zone' does not exist");
    find("twice", "id", "duplicate id");
    find("geometry-and-status", "geometry", "not closed");
    find("geometry-and-status", "status", "'vacant'");
    find("nullmodes", "supply_modes", "missing");
    find("collection", "geometry", "GeometryCollection is not allowed");
    assert!(errors.iter().any(|p| p.feature.as_ref().is_some_and(|f| f.id.is_none() && f.index == 14) && p.field.as_deref() == Some("id")));
    assert!(errors.iter().all(|p| p.severity == Severity::Error));
}

#[test]
fn errors_in_parks_zones_and_buildings_name_the_field() {
    let mut parks = features(&sample_layer("parks"));
    parks[0]["properties"]["level"] = json!("省级");
    parks[1]["properties"]["industries"] = json!(["造纸"]);
    parks[2]["properties"]["admission"]["max_green_ratio"] = json!(20);
    // standards by industry (分行业) name the industry and the indicator; a 2020 land figure needs its source
    parks[3]["properties"]["admission_by_category"] = json!({"造纸": {"min_output_wan_per_mu": 100}, "health": {"max_office_share": 7}});
    parks[4]["properties"]["admission_by_category"] = json!({"health": {"min_output": 100}});
    parks[5]["properties"]["land_output_source"] = json!(null);
    let mut zones = features(&sample_layer("zones"));
    zones[0]["properties"]["park"] = json!("nowhere");
    let mut buildings = features(&sample_layer("buildings"));
    buildings[0]["properties"]["vacant_area_m2"] = json!(1e9);
    buildings[1]["properties"]["building_type"] = json!("仓库");
    buildings[2]["properties"]["floor_area_m2"] = json!("12000");
    let ids = |fs: &[Value], i: usize| fs[i]["id"].as_str().unwrap().to_string();
    let dir = dataset_with(&[
        ("parks", collection(parks.clone())),
        ("zones", collection(zones.clone())),
        ("buildings", collection(buildings.clone())),
    ]);
    let errors = errors_of(dir.path());
    let has = |layer: LayerName, id: &str, field: &str| {
        errors.iter().any(|p| p.layer == layer && p.feature.as_ref().and_then(|f| f.id.as_deref()) == Some(id) && p.field.as_deref() == Some(field))
    };
    assert!(has(LayerName::Parks, &ids(&parks, 0), "level"), "{errors:#?}");
    assert!(has(LayerName::Parks, &ids(&parks, 1), "industries"));
    assert!(has(LayerName::Parks, &ids(&parks, 2), "admission.max_green_ratio"));
    assert!(has(LayerName::Parks, &ids(&parks, 3), "admission_by_category.造纸"), "{errors:#?}");
    assert!(has(LayerName::Parks, &ids(&parks, 3), "admission_by_category.health.max_office_share"));
    assert!(has(LayerName::Parks, &ids(&parks, 4), "admission_by_category.health"));
    assert!(has(LayerName::Parks, &ids(&parks, 5), "land_output_source"));
    assert!(has(LayerName::Zones, &ids(&zones, 0), "park"));
    assert!(has(LayerName::Buildings, &ids(&buildings, 0), "vacant_area_m2"));
    assert!(has(LayerName::Buildings, &ids(&buildings, 1), "building_type"));
    assert!(has(LayerName::Buildings, &ids(&buildings, 2), "floor_area_m2"));
}

#[test]
fn one_bad_feature_loads_nothing_unless_lenient() {
    let mut parcels = features(&sample_layer("parcels"));
    parcels[17]["properties"]["status"] = json!("for sale");
    let bad_id = parcels[17]["id"].as_str().unwrap().to_string();
    let dir = dataset_with(&[("parcels", collection(parcels))]);
    let errors = errors_of(dir.path());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].feature.as_ref().unwrap().id.as_deref(), Some(bad_id.as_str()));

    let lenient = inventory::load_dir(dir.path(), LoadOptions { strict: false, ..LoadOptions::default() }, &NoProgress).unwrap();
    assert_eq!(lenient.snapshot.parcels.len(), 299);
    assert!(lenient.snapshot.parcels.get(&bad_id).is_none());
    assert_eq!(lenient.report.error_count(), 1);
}

#[test]
fn a_failed_reload_leaves_the_published_snapshot_alone() {
    let cell = SnapshotCell::new(load(&sample_dir()).unwrap().snapshot);
    let before = cell.current();
    let mut parcels = features(&sample_layer("parcels"));
    parcels[0]["geometry"]["coordinates"][0][0].as_array_mut().unwrap().pop();
    let dir = dataset_with(&[("parcels", collection(parcels))]);
    assert!(load(dir.path()).is_err());
    assert!(Arc::ptr_eq(&before, &cell.current()));
    // a good reload swaps; the reader holding the old one keeps it
    let old = cell.replace(load(&sample_dir()).unwrap().snapshot);
    assert!(Arc::ptr_eq(&before, &old));
    assert!(!Arc::ptr_eq(&before, &cell.current()));
    assert_eq!(before.parcels.len(), 300);
}

/// The sample's parcels written in another CRS.
fn parcels_in(crs: Crs, crs_name: &str) -> Value {
    let t = crs.transformer().unwrap();
    let mut fs = features(&sample_layer("parcels"));
    for f in &mut fs {
        map_coords(&mut f["geometry"], &|x, y| {
            let c = t.from_wgs84(Coord { x, y }).unwrap();
            (c.x, c.y)
        });
    }
    let mut fc = collection(fs);
    fc["crs"] = json!({"type": "name", "properties": {"name": crs_name}});
    fc
}

fn max_vertex_shift_m(a: &inventory::Snapshot, b: &inventory::Snapshot) -> f64 {
    let mut worst: f64 = 0.0;
    for p in a.parcels.items() {
        let q = b.parcels.get(&p.id).unwrap();
        for (u, v) in p.geometry.0[0].exterior().0.iter().zip(&q.geometry.0[0].exterior().0) {
            worst = worst.max(chanye::geometry::distance::haversine_m(*u, *v));
        }
    }
    worst
}

#[test]
fn projected_and_chinese_crs_layers_land_within_a_metre() {
    let wgs = load(&sample_dir()).unwrap().snapshot;
    for (crs, name) in [
        (Crs::Epsg(4548), "urn:ogc:def:crs:EPSG::4548"),
        (Crs::Epsg(3857), "EPSG:3857"),
        (Crs::Epsg(4490), "http://www.opengis.net/def/crs/EPSG/0/4490"),
        (Crs::Gcj02, "gcj02"),
        (Crs::Bd09, "bd09"),
    ] {
        let dir = dataset_with(&[("parcels", parcels_in(crs, name))]);
        let other = load(dir.path()).unwrap_or_else(|e| panic!("{name}: {e}")).snapshot;
        let shift = max_vertex_shift_m(&wgs, &other);
        assert!(shift < 1.0, "{name}: worst vertex off by {shift} m");
        for p in wgs.parcels.items() {
            let q = other.parcels.get(&p.id).unwrap();
            assert_eq!((&p.park, &p.zone), (&q.park, &q.zone));
            assert!((p.area.0 - q.area.0).abs() / p.area.0 < 1e-4, "{name} {}", p.id);
        }
    }
}

#[test]
fn a_gcj02_layer_is_really_offset_before_conversion() {
    // the same numbers read as GCJ-02 land a few hundred metres away: the CRS is honoured
    let mut fc = sample_layer("parcels");
    fc["crs"] = json!("gcj02");
    let dir = dataset_with(&[("parcels", fc)]);
    let shifted = load(dir.path()).unwrap().snapshot;
    let wgs = load(&sample_dir()).unwrap().snapshot;
    let shift = max_vertex_shift_m(&wgs, &shifted);
    assert!(shift > 100.0 && shift < 1000.0, "{shift}");
}

#[test]
fn geodesic_areas_agree_with_a_gauss_kruger_projection() {
    // independent check: PROJ to CGCS2000 3° Gauss-Krüger (CM 117°E) and the shoelace formula;
    // the projection's scale error in Beijing is below 2e-4 in area
    let to_gk = proj::Proj::new_known_crs("EPSG:4326", "EPSG:4548", None).unwrap();
    let snapshot = load(&sample_dir()).unwrap().snapshot;
    let mut checked = 0;
    for p in snapshot.parcels.items().iter().step_by(37) {
        let ring: Vec<(f64, f64)> = p.geometry.0[0].exterior().0.iter().map(|c| to_gk.convert((c.x, c.y)).unwrap()).collect();
        let planar = ring.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum::<f64>().abs() / 2.0;
        let off = (p.area.0 - planar).abs() / planar;
        assert!(off < 0.005, "{}: geodesic {} vs projected {planar} ({off})", p.id, p.area.0);
        checked += 1;
    }
    assert!(checked >= 3);
}

#[test]
fn declared_areas_off_by_more_than_five_percent_warn_with_both_numbers() {
    let mut parcels = features(&sample_layer("parcels"));
    let declared = parcels[3]["properties"]["area_m2"].as_f64().unwrap() * 1.08;
    parcels[3]["properties"]["area_m2"] = json!(declared);
    let near = parcels[4]["properties"]["area_mu"].as_f64().unwrap() * 1.04;
    parcels[4]["properties"]["area_mu"] = json!(near);
    let id = parcels[3]["id"].as_str().unwrap().to_string();
    let dir = dataset_with(&[("parcels", collection(parcels))]);
    let loaded = load(dir.path()).unwrap();
    let warnings: Vec<&Problem> = loaded.report.problems.iter().filter(|p| p.severity == Severity::Warning).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].feature.as_ref().unwrap().id.as_deref(), Some(id.as_str()));
    assert_eq!(warnings[0].field.as_deref(), Some("area_m2"));
    assert!(warnings[0].reason.contains(&format!("{declared:.2}")), "{}", warnings[0].reason);
    assert!(warnings[0].reason.contains("computed"));
}

#[test]
fn the_spatial_join_assigns_district_park_and_zone() {
    let original = load(&sample_dir()).unwrap().snapshot;
    let strip = |layer: &str| {
        let mut fs = features(&sample_layer(layer));
        for f in &mut fs {
            let props = f["properties"].as_object_mut().unwrap();
            for key in ["district", "park", "zone"] {
                props.remove(key);
            }
        }
        collection(fs)
    };
    let dir = dataset_with(&[("parcels", strip("parcels")), ("buildings", strip("buildings"))]);
    let joined = load(dir.path()).unwrap().snapshot;
    for p in original.parcels.items() {
        let q = joined.parcels.get(&p.id).unwrap();
        assert_eq!((&q.district, &q.park, &q.zone), (&p.district, &p.park, &p.zone), "{}", p.id);
    }
    for b in original.buildings.items() {
        let q = joined.buildings.get(&b.id).unwrap();
        assert_eq!((&q.district, &q.park, &q.zone), (&b.district, &b.park, &b.zone), "{}", b.id);
    }
    assert!(joined.parcels.items().iter().any(|p| p.zone.as_deref() == Some("miyun-health")));
}

#[test]
fn a_parcel_across_two_zones_goes_to_the_larger_overlap() {
    let snapshot = load(&sample_dir()).unwrap().snapshot;
    // the boundary between 医药健康产业园 (north-west) and 智能制造产业园 (south-west)
    let health = snapshot.zones.get("miyun-health").unwrap().geometry.0[0].exterior().0.clone();
    let south = health.iter().map(|c| c.y).fold(f64::INFINITY, f64::min);
    let west = health.iter().map(|c| c.x).fold(f64::INFINITY, f64::min);
    let (x0, x1) = (west + 0.002, west + 0.004);
    let mut parcel = good_parcel("straddler");
    for key in ["district", "park", "zone"] {
        parcel["properties"].as_object_mut().unwrap().remove(key);
    }
    let mut parcels = features(&sample_layer("parcels"));
    for (id, y0, y1, zone) in [("mostly-north", south - 0.0005, south + 0.0015, "miyun-health"), ("mostly-south", south - 0.0015, south + 0.0005, "miyun-smart-mfg")] {
        let mut p = parcel.clone();
        p["id"] = json!(id);
        p["properties"]["id"] = json!(id);
        p["properties"]["name"] = json!(zone);
        p["geometry"] = json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]});
        parcels.push(p);
    }
    // and one that only grazes the park's western edge stays outside it
    let park_west = snapshot.parks.get("miyun-zgc").unwrap().geometry.0[0].exterior().0.iter().map(|c| c.x).fold(f64::INFINITY, f64::min);
    let mut grazing = parcel.clone();
    grazing["id"] = json!("grazing");
    grazing["properties"]["id"] = json!("grazing");
    let (gx0, gx1, gy0, gy1) = (park_west - 0.003, park_west + 0.0005, south + 0.001, south + 0.002);
    grazing["geometry"] = json!({"type": "Polygon", "coordinates": [[[gx0, gy0], [gx1, gy0], [gx1, gy1], [gx0, gy1], [gx0, gy0]]]});
    parcels.push(grazing);
    let dir = dataset_with(&[("parcels", collection(parcels))]);
    let joined = load(dir.path()).unwrap().snapshot;
    let grazing = joined.parcels.get("grazing").unwrap();
    assert_eq!((grazing.park.as_deref(), grazing.zone.as_deref(), grazing.district.as_str()), (None, None, "110118"));
    for id in ["mostly-north", "mostly-south"] {
        let p = joined.parcels.get(id).unwrap();
        assert_eq!(p.zone.as_deref(), Some(p.name.as_str()), "{id}");
        assert_eq!(p.park.as_deref(), Some("miyun-zgc"));
        assert_eq!(p.district, "110118");
    }
}

#[test]
fn clockwise_rings_give_the_same_area() {
    let original = load(&sample_dir()).unwrap().snapshot;
    let mut parcels = features(&sample_layer("parcels"));
    for f in parcels.iter_mut().take(20) {
        f["geometry"]["coordinates"][0][0].as_array_mut().unwrap().reverse();
    }
    let dir = dataset_with(&[("parcels", collection(parcels.clone()))]);
    let reversed = load(dir.path()).unwrap().snapshot;
    for f in parcels.iter().take(20) {
        let id = f["id"].as_str().unwrap();
        let (a, b) = (original.parcels.get(id).unwrap().area.0, reversed.parcels.get(id).unwrap().area.0);
        assert!((a - b).abs() < 1e-3, "{id}: {a} vs {b}");
    }
}

#[test]
fn exported_layers_reload_to_the_same_inventory() {
    let first = load(&sample_dir()).unwrap().snapshot;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample_dir().join("industries.json"), dir.path().join("industries.json")).unwrap();
    for layer in LayerName::ALL {
        let fc = inventory::export::layer_collection(&first, layer);
        std::fs::write(dir.path().join(format!("{layer}.geojson")), serde_json::to_string(&fc).unwrap()).unwrap();
    }
    let second = load(dir.path()).unwrap();
    assert!(second.report.problems.is_empty(), "{:?}", second.report.problems);
    assert_eq!(first.counts(), second.snapshot.counts());
    for p in first.parcels.items() {
        let q = second.snapshot.parcels.get(&p.id).unwrap();
        assert!((p.area.0 - q.area.0).abs() < 0.5, "{}", p.id);
        assert_eq!((&p.status, &p.land_use, &p.supply_modes, &p.available_from), (&q.status, &q.land_use, &q.supply_modes, &q.available_from));
    }
}

/// The sample's parcels and buildings with coordinates moved by `shift`, and with or without the
/// places they name.
fn shifted_spaces(shift: fn(Coord) -> Coord, keep_places: bool) -> tempfile::TempDir {
    let layer = |name: &str| {
        let mut collection = sample_layer(name);
        for f in collection["features"].as_array_mut().unwrap() {
            map_coords(&mut f["geometry"], &|x, y| {
                let c = shift(Coord { x, y });
                (c.x, c.y)
            });
            if !keep_places {
                for key in ["district", "park", "zone"] {
                    f["properties"].as_object_mut().unwrap().remove(key);
                }
            }
        }
        collection
    };
    dataset_with(&[("parcels", layer("parcels")), ("buildings", layer("buildings"))])
}

fn crs_warnings(dir: &std::path::Path) -> Vec<Problem> {
    let loaded = inventory::load_dir(dir, LoadOptions { strict: false, ..LoadOptions::default() }, &NoProgress).unwrap();
    loaded.report.problems.into_iter().filter(|p| p.field.as_deref() == Some("crs")).collect()
}

#[test]
fn a_layer_that_fits_its_places_only_once_shifted_from_gcj02_or_bd09_is_named() {
    use chanye::geometry::china::{wgs84_to_bd09, wgs84_to_gcj02};
    assert!(crs_warnings(&sample_dir()).is_empty(), "the sample is WGS84 and gets no datum warning");
    for (shift, datum, keep) in [(wgs84_to_gcj02 as fn(Coord) -> Coord, "GCJ-02", true), (wgs84_to_bd09, "BD-09", false), (wgs84_to_gcj02, "GCJ-02", false)] {
        let dir = shifted_spaces(shift, keep);
        let warnings = crs_warnings(dir.path());
        let layers: Vec<LayerName> = warnings.iter().map(|w| w.layer).collect();
        assert_eq!(layers, [LayerName::Parcels, LayerName::Buildings], "{datum} keeping places {keep}: {warnings:?}");
        for w in &warnings {
            assert_eq!(w.severity, Severity::Warning);
            assert!(w.reason.contains(&format!("looks like {datum} coordinates")) && w.reason.contains("未声明 crs"), "{}", w.reason);
        }
    }
}
