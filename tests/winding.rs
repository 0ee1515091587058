//! RFC 7946 §3.1.6 ring orientation (exterior rings counter-clockwise, holes clockwise) in every
//! output with GeoJSON coordinates: the shipped `geodata/`, OGC API items, the export route in
//! GeoJSON and GeoPackage, `chanye export`, and the match result.

use crate::common::{self, answer, response, sample_server};

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const LAYERS: [&str; 5] = ["districts", "parks", "zones", "parcels", "buildings"];

/// Twice the signed planar area of a ring: positive when counter-clockwise.
fn signed_area(ring: &Value) -> f64 {
    let points: Vec<(f64, f64)> = ring.as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect();
    points.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
}

/// The rings of every polygon in a geometry as (polygon's rings).
fn polygons(geometry: &Value) -> Vec<&Vec<Value>> {
    match geometry["type"].as_str() {
        Some("Polygon") => vec![geometry["coordinates"].as_array().unwrap()],
        Some("MultiPolygon") => geometry["coordinates"].as_array().unwrap().iter().map(|p| p.as_array().unwrap()).collect(),
        _ => Vec::new(),
    }
}

/// Checks every polygon of a FeatureCollection; answers how many rings were checked.
fn check_collection(collection: &Value, origin: &str) -> usize {
    let mut rings = 0;
    for feature in collection["features"].as_array().unwrap_or_else(|| panic!("{origin}: not a collection")) {
        let id = feature["id"].as_str().or(feature["properties"]["id"].as_str()).unwrap_or("?").to_string();
        for polygon in polygons(&feature["geometry"]) {
            for (i, ring) in polygon.iter().enumerate() {
                let area = signed_area(ring);
                if i == 0 {
                    assert!(area > 0.0, "{origin} {id}: exterior ring is clockwise");
                } else {
                    assert!(area < 0.0, "{origin} {id}: hole {i} is counter-clockwise");
                }
                rings += 1;
            }
        }
    }
    rings
}

fn get_json(url: &str) -> Value {
    let (status, _, body) = answer(ureq::get(url).call());
    assert_eq!(status, 200, "{url}: {body}");
    body
}

/// A GeoPackage's layer as GDAL writes it to GeoJSON (GDAL keeps the stored orientation).
fn ogr_geojson(gpkg: &Path, layer: &str) -> Value {
    let out = Command::new("ogr2ogr").args(["-f", "GeoJSON", "/vsistdout/", gpkg.to_str().unwrap(), layer]).output().expect("ogr2ogr runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_output_winds_exterior_rings_counter_clockwise_and_holes_clockwise() {
    let base = sample_server();
    let mut holes_seen = 0;
    for layer in LAYERS {
        let shipped = common::sample_layer(layer);
        let total = shipped["features"].as_array().unwrap().len();
        let rings = check_collection(&shipped, &format!("geodata/{layer}.geojson"));
        holes_seen += shipped["features"].as_array().unwrap().iter().flat_map(|f| polygons(&f["geometry"])).filter(|p| p.len() > 1).count();

        let items = get_json(&format!("{base}/collections/{layer}/items?limit={}", total.max(1)));
        assert_eq!(items["features"].as_array().unwrap().len(), total, "{layer}: one page holds them all");
        assert_eq!(check_collection(&items, &format!("items of {layer}")), rings);
        let gcj = get_json(&format!("{base}/collections/{layer}/items?limit={}&crs=GCJ-02", total.max(1)));
        assert_eq!(check_collection(&gcj, &format!("GCJ-02 items of {layer}")), rings);

        let export = get_json(&format!("{base}/api/v1/export/{layer}?format=geojson"));
        assert_eq!(check_collection(&export, &format!("export of {layer}")), rings);

        let dir = tempfile::tempdir().unwrap();
        let gpkg = dir.path().join(format!("{layer}.gpkg"));
        let bytes = response(ureq::get(&format!("{base}/api/v1/export/{layer}?format=gpkg")).call());
        let mut body = Vec::new();
        std::io::copy(&mut bytes.into_reader(), &mut body).unwrap();
        std::fs::write(&gpkg, body).unwrap();
        assert_eq!(check_collection(&ogr_geojson(&gpkg, layer), &format!("GeoPackage export of {layer}")), rings);
    }
    assert!(holes_seen > 0, "the sample has a polygon with a hole (顺义), so holes are checked too");

    // the store's files, through chanye import and export
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let sample = common::sample_dir();
    let chanye = env!("CARGO_BIN_EXE_chanye");
    let mut args = vec!["import".to_string()];
    args.extend(LAYERS.iter().map(|l| sample.join(format!("{l}.geojson")).display().to_string()));
    args.extend(["industries.json", "policies.json"].iter().map(|f| sample.join(f).display().to_string()));
    args.extend(["--into".into(), store.display().to_string()]);
    let run = Command::new(chanye).args(&args).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let out = dir.path().join("out");
    let run = Command::new(chanye).args(["export", "--from", store.to_str().unwrap(), "--format", "geojson", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    for layer in LAYERS {
        let text = std::fs::read_to_string(out.join(format!("{layer}.geojson"))).unwrap();
        check_collection(&serde_json::from_str(&text).unwrap(), &format!("chanye export {layer}"));
        check_collection(&ogr_geojson(&store, layer), &format!("store table {layer}"));
    }

    // the match result
    let project = std::fs::read_to_string("tests/projects/miyun-fosun-emergency-medicine.json").unwrap();
    let (status, _, result) = answer(ureq::post(&format!("{base}/api/v1/match?format=geojson")).set("Content-Type", "application/json").send_string(&project));
    assert_eq!(status, 200, "{result}");
    assert!(check_collection(&result, "match result") > 0, "{result}");
}

#[test]
fn clockwise_input_is_rewound_on_import() {
    let mut parcels = common::sample_layer("parcels");
    let geometry = &mut parcels["features"][0]["geometry"];
    let exterior = if geometry["type"] == "MultiPolygon" { &mut geometry["coordinates"][0][0] } else { &mut geometry["coordinates"][0] };
    exterior.as_array_mut().unwrap().reverse();
    assert!(signed_area(exterior) < 0.0, "the input ring is clockwise now");
    let dir = common::dataset_with(&[("parcels", parcels)]);
    let snapshot = chanye::inventory::load_dir_strict(dir.path()).unwrap().snapshot;
    let written = chanye::inventory::export::Exported::to_feature(snapshot.parcels.items()[0].as_ref());
    let value = serde_json::to_value(written).unwrap();
    assert_eq!(check_collection(&serde_json::json!({"features": [value]}), "rewound parcel"), 1);
}
