//! Geometry conventions of every output: RFC 7946 §3.1.6 ring orientation (exterior rings
//! counter-clockwise, holes clockwise) and one geometry type per layer (buildings are points with
//! a `footprint` property, areas MultiPolygons) in the shipped `geodata/`, OGC API items (CRS84,
//! GCJ-02, BD-09, Web Mercator, latitude-first CGCS2000), buildings' footprints, the export route
//! in GeoJSON, GeoPackage and CSV (WKT), `chanye export`, the store and the match result; MVT's
//! own rule is checked in `tiles.rs`.

use crate::common::{self, answer, response, sample_server};

use std::path::Path;
use std::process::Command;

use chanye::store::Store as _;
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

    // other CRSs: Web Mercator and the Chinese datums keep the orientation; latitude-first
    // EPSG:4326 is checked with its axes put back, as a GIS reads it
    let swap = |collection: &mut Value| {
        for f in collection["features"].as_array_mut().unwrap() {
            common::map_coords(&mut f["geometry"], &|a, b| (b, a));
        }
    };
    for layer in ["districts", "parcels"] {
        let total = common::sample_layer(layer)["features"].as_array().unwrap().len();
        let rings = check_collection(&common::sample_layer(layer), layer);
        for crs in ["EPSG:3857", "BD-09", "EPSG:4490"] {
            let mut items = get_json(&format!("{base}/collections/{layer}/items?limit={total}&crs={crs}"));
            if crs == "EPSG:4490" {
                swap(&mut items);
            }
            assert_eq!(check_collection(&items, &format!("{crs} items of {layer}")), rings);
        }
        // CSV's WKT column, as GDAL reads it
        let csv = dir.path().join(format!("{layer}.csv"));
        let bytes = response(ureq::get(&format!("{base}/api/v1/export/{layer}?format=csv")).call());
        let mut body = Vec::new();
        std::io::copy(&mut bytes.into_reader(), &mut body).unwrap();
        std::fs::write(&csv, body).unwrap();
        let out = Command::new("ogr2ogr").args(["-f", "GeoJSON", "/vsistdout/", csv.to_str().unwrap(), "-oo", "GEOM_POSSIBLE_NAMES=geometry,wkt,WKT"]).output().expect("ogr2ogr runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let read: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(check_collection(&read, &format!("CSV export of {layer}")), rings);
    }
    // buildings' footprints, a property written like a geometry
    let buildings = get_json(&format!("{base}/collections/buildings/items?limit=1000"));
    let footprints: Vec<Value> = buildings["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| !b["properties"]["footprint"].is_null())
        .map(|b| serde_json::json!({"id": b["id"], "geometry": b["properties"]["footprint"]}))
        .collect();
    assert!(check_collection(&serde_json::json!({ "features": footprints }), "building footprints") > 0);

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

/// The geometry type each layer has in every output.
fn expected_type(layer: &str) -> &'static str {
    if layer == "buildings" { "Point" } else { "MultiPolygon" }
}

/// The geometry types of a collection's features.
fn types(collection: &Value) -> std::collections::BTreeSet<String> {
    collection["features"].as_array().unwrap().iter().map(|f| f["geometry"]["type"].as_str().unwrap_or("null").to_string()).collect()
}

/// What `ogrinfo -so` says a GeoPackage layer's geometry is.
fn ogr_declared(gpkg: &Path, layer: &str) -> String {
    let out = Command::new("ogrinfo").args(["-ro", "-so", gpkg.to_str().unwrap(), layer]).output().expect("ogrinfo runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines().find_map(|l| l.strip_prefix("Geometry: ")).unwrap_or_else(|| panic!("{text}")).to_string()
}

#[test]
fn every_layer_has_one_geometry_type_and_buildings_keep_their_footprints() {
    let base = sample_server();
    let footprints = common::features(&common::sample_layer("buildings")).iter().filter(|b| b["properties"]["footprint"].is_object()).count();
    assert!(footprints > 0, "the sample has buildings with footprints");
    let dir = tempfile::tempdir().unwrap();
    for layer in LAYERS {
        let want = std::collections::BTreeSet::from([expected_type(layer).to_string()]);
        assert_eq!(types(&common::sample_layer(layer)), want, "geodata/{layer}.geojson");
        let items = get_json(&format!("{base}/collections/{layer}/items?limit=1000"));
        assert_eq!(types(&items), want, "items of {layer}");
        let gpkg = dir.path().join(format!("{layer}.gpkg"));
        let bytes = response(ureq::get(&format!("{base}/api/v1/export/{layer}?format=gpkg")).call());
        let mut body = Vec::new();
        std::io::copy(&mut bytes.into_reader(), &mut body).unwrap();
        std::fs::write(&gpkg, body).unwrap();
        let declared = ogr_declared(&gpkg, layer);
        assert_eq!(declared, if layer == "buildings" { "Point" } else { "Multi Polygon" }, "GeoPackage export of {layer}");
        assert_eq!(types(&ogr_geojson(&gpkg, layer)), want.iter().map(|t| t.to_string()).collect(), "GeoPackage export of {layer}");
    }

    // the footprint is a property in the output CRS
    let items = get_json(&format!("{base}/collections/buildings/items?limit=1000"));
    let gcj = get_json(&format!("{base}/collections/buildings/items?limit=1000&crs=GCJ-02"));
    let with: Vec<(&Value, &Value)> = items["features"].as_array().unwrap().iter().zip(gcj["features"].as_array().unwrap()).filter(|(a, _)| !a["properties"]["footprint"].is_null()).collect();
    assert_eq!(with.len(), footprints);
    for (wgs, gcj) in with {
        assert_eq!(wgs["properties"]["footprint"]["type"], "MultiPolygon");
        let (a, b) = (&wgs["properties"]["footprint"]["coordinates"][0][0][0], &gcj["properties"]["footprint"]["coordinates"][0][0][0]);
        let dx = b[0].as_f64().unwrap() - a[0].as_f64().unwrap();
        assert!((dx - 0.006).abs() < 0.002, "GCJ-02 footprint lies about 0.006° east: {a} {b}");
    }

    // the store declares points and keeps the footprints through a round trip
    let store = dir.path().join("s.gpkg");
    chanye::store::GpkgStore::create(&store).unwrap().import(&common_dataset(), &chanye::store::Import::default()).unwrap();
    assert_eq!(ogr_declared(&store, "buildings"), "Point");
    let snapshot = chanye::store::Store::snapshot(&chanye::store::GpkgStore::open(&store).unwrap()).unwrap().snapshot;
    assert_eq!(snapshot.buildings.items().iter().filter(|b| b.footprint.is_some()).count(), footprints);
}

/// The shipped sample as a dataset to import.
fn common_dataset() -> chanye::store::Dataset {
    let dir = common::sample_dir();
    let mut files: Vec<std::path::PathBuf> = LAYERS.iter().map(|l| dir.join(format!("{l}.geojson"))).collect();
    files.extend(["industries.json", "policies.json"].iter().map(|f| dir.join(f)));
    chanye::store::Dataset::from_files(&files).unwrap()
}

/// A GeoPackage geometry blob (little-endian, no envelope, EPSG:4326) of a GeoJSON
/// MultiPolygon's coordinates, as an older store kept a footprint.
fn gpkg_multipolygon(coordinates: &Value) -> Vec<u8> {
    let mut blob = vec![b'G', b'P', 0, 1];
    blob.extend(4326i32.to_le_bytes());
    blob.push(1);
    blob.extend(6u32.to_le_bytes());
    let polygons = coordinates.as_array().unwrap();
    blob.extend((polygons.len() as u32).to_le_bytes());
    for polygon in polygons {
        blob.push(1);
        blob.extend(3u32.to_le_bytes());
        let rings = polygon.as_array().unwrap();
        blob.extend((rings.len() as u32).to_le_bytes());
        for ring in rings {
            let points = ring.as_array().unwrap();
            blob.extend((points.len() as u32).to_le_bytes());
            for p in points {
                blob.extend(p[0].as_f64().unwrap().to_le_bytes());
                blob.extend(p[1].as_f64().unwrap().to_le_bytes());
            }
        }
    }
    blob
}

#[test]
fn a_store_of_mixed_building_geometries_is_rewritten_as_points_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("old.gpkg");
    chanye::store::GpkgStore::create(&store).unwrap().import(&common_dataset(), &chanye::store::Import::default()).unwrap();
    let sample = common::sample_layer("buildings");
    let with_footprint: Vec<&Value> = sample["features"].as_array().unwrap().iter().filter(|b| b["properties"]["footprint"].is_object()).collect();
    {
        // as stores were before: footprints in a GEOMETRY column, no footprint property
        let db = rusqlite::Connection::open(&store).unwrap();
        for event in ["insert", "update", "delete"] {
            db.execute(&format!("DROP TRIGGER \"chanye_guard_buildings_{event}\""), []).unwrap();
        }
        db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'GEOMETRY' WHERE table_name = 'buildings'", []).unwrap();
        for b in &with_footprint {
            let blob = gpkg_multipolygon(&b["properties"]["footprint"]["coordinates"]);
            db.execute("UPDATE buildings SET geom = ?1, footprint = NULL WHERE id = ?2", rusqlite::params![blob, b["id"].as_str().unwrap()]).unwrap();
        }
    }
    assert_eq!(ogr_declared(&store, "buildings"), "Unknown (any)");
    let opened = chanye::store::GpkgStore::open(&store).unwrap();
    let snapshot = chanye::store::Store::snapshot(&opened).unwrap().snapshot;
    drop(opened);
    assert_eq!(ogr_declared(&store, "buildings"), "Point");
    assert_eq!(types(&ogr_geojson(&store, "buildings")), std::collections::BTreeSet::from(["Point".to_string()]));
    for b in &with_footprint {
        let id = b["id"].as_str().unwrap();
        let building = snapshot.buildings.get(id).unwrap();
        assert!(building.footprint.is_some(), "{id} keeps its footprint");
        assert_eq!(snapshot.version(chanye::inventory::LayerName::Buildings, id), 1, "a format change is not an edit");
    }
}
