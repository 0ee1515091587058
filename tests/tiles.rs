//! Vector tiles and TileJSON over HTTP: GDAL's MVT driver reads a parcels tile with every
//! parcel the API finds there, empty tiles answer 204, bad coordinates are refused by name,
//! and GCJ-02 tiles sit where AMap draws the parcels.

use crate::common;

use chanye::geometry::china::wgs84_to_gcj02;
use common::{answer, response, sample_server as base, tile_of};
use geo::Coord;
use geozero::mvt::{Message, Tile};
use serde_json::Value;

/// The tile's bounds in lon/lat, widened by the 64-unit buffer.
fn buffered_bounds(z: u32, x: u32, y: u32) -> [f64; 4] {
    let n = 2f64.powi(z as i32);
    let m = 64.0 / 4096.0;
    let lon = |col: f64| col / n * 360.0 - 180.0;
    let lat = |row: f64| (std::f64::consts::PI * (1.0 - 2.0 * row / n)).sinh().atan().to_degrees();
    [lon(x as f64 - m), lat(y as f64 + 1.0 + m), lon(x as f64 + 1.0 + m), lat(y as f64 - m)]
}

fn first_parcel() -> Value {
    let (_, _, page) = answer(ureq::get(&format!("{}/collections/parcels/items?limit=1", base())).call());
    page["features"][0].clone()
}

fn first_corner(feature: &Value) -> Coord {
    let ring = &feature["geometry"]["coordinates"][0];
    let corner = if ring[0][0].is_array() { &ring[0][0] } else { &ring[0] };
    Coord { x: corner[0].as_f64().unwrap(), y: corner[1].as_f64().unwrap() }
}

/// Status and body of a tile request.
fn tile(path: &str) -> (u16, Vec<u8>, String) {
    let r = response(ureq::get(&format!("{}{path}", base())).call());
    let (status, kind) = (r.status(), r.content_type().to_string());
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    (status, bytes, kind)
}

/// The `id` property of every feature of a tile.
fn ids_in(bytes: &[u8]) -> Vec<String> {
    let tile = Tile::decode(bytes).expect("a protobuf tile");
    let layer = &tile.layers[0];
    let key = layer.keys.iter().position(|k| k == "id").expect("an id key") as u32;
    layer
        .features
        .iter()
        .map(|f| {
            let value = f.tags.chunks(2).find(|kv| kv[0] == key).expect("every feature has an id")[1];
            layer.values[value as usize].string_value.clone().unwrap()
        })
        .collect()
}

#[test]
fn gdal_reads_a_parcels_tile_with_every_parcel_the_api_finds_there() {
    let parcel = first_parcel();
    let z = 14;
    let (x, y) = tile_of(first_corner(&parcel), z);
    let (status, bytes, kind) = tile(&format!("/tiles/parcels/{z}/{x}/{y}.mvt"));
    assert_eq!((status, kind.as_str()), (200, "application/vnd.mapbox-vector-tile"));
    assert!(bytes.len() < 500 * 1024);

    // the parcels the items API finds in the tile and its buffer
    let [w, s, e, n] = buffered_bounds(z, x, y);
    let (_, _, page) = answer(ureq::get(&format!("{}/collections/parcels/items?limit=10000&bbox={w},{s},{e},{n}", base())).call());
    let mut expected: Vec<String> = page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
    expected.sort();
    let mut found = ids_in(&bytes);
    found.sort();
    assert!(expected.len() > 1, "the tile was meant to hold several parcels: {expected:?}");
    assert_eq!(found, expected);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{z}-{x}-{y}.mvt"));
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("ogrinfo")
        .args(["-ro", "-al", "-oo", &format!("Z={z}"), "-oo", &format!("X={x}"), "-oo", &format!("Y={y}")])
        .arg(&path)
        .output()
        .expect("ogrinfo (gdal-bin) runs");
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{info}{}", String::from_utf8_lossy(&out.stderr));
    assert!(info.contains("Layer name: parcels"), "{info}");
    assert!(info.contains(&format!("Feature Count: {}", expected.len())), "{info}");
    for field in ["id: String", "status: String", "land_use: String", "industries: String", "area_m2: Real", "area_mu: Real"] {
        assert!(info.contains(field), "no {field} in {info}");
    }
    // the first parcel's values, as GDAL reads them
    let props = &parcel["properties"];
    let id = parcel["id"].as_str().unwrap();
    let block = info.split("OGRFeature(parcels)").find(|b| b.contains(&format!("id (String) = {id}\n"))).unwrap_or_else(|| panic!("{id} not in {info}"));
    assert!(block.contains(&format!("status (String) = {}", props["status"].as_str().unwrap())), "{block}");
    assert!(block.contains(&format!("land_use (String) = {}", props["land_use"].as_str().unwrap())), "{block}");
    let area: f64 = block.split("area_m2 (Real) = ").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    assert!((area - props["area_m2"].as_f64().unwrap()).abs() < 0.01, "{area} vs {}", props["area_m2"]);
    assert!(!block.contains("project"), "a public tile carries no project: {block}");
    assert!(block.contains("POLYGON") || block.contains("MULTIPOLYGON"), "{block}");
}

#[test]
fn empty_tiles_answer_204_and_bad_coordinates_are_named() {
    // the South Atlantic has no parcels; zoom 11 is below the parcels' minzoom, 12 is not
    assert_eq!(tile("/tiles/parcels/14/8000/9000.mvt").0, 204);
    let (x, y) = tile_of(first_corner(&first_parcel()), 11);
    assert_eq!(tile(&format!("/tiles/parcels/11/{x}/{y}.mvt")).0, 204);
    let (x12, y12) = tile_of(first_corner(&first_parcel()), 12);
    assert_eq!(tile(&format!("/tiles/parcels/12/{x12}/{y12}.mvt")).0, 200);
    // while districts cover Beijing at any zoom
    let (status, bytes, _) = tile(&format!("/tiles/districts/11/{x}/{y}.mvt"));
    assert_eq!(status, 200);
    assert!(!ids_in(&bytes).is_empty());
    // one zoom-5 tile holds Beijing: all 16 districts, the smallest still tens of units wide
    let (x, y) = tile_of(first_corner(&first_parcel()), 5);
    let (status, bytes, _) = tile(&format!("/tiles/districts/5/{x}/{y}.mvt"));
    assert_eq!((status, ids_in(&bytes).len()), (200, 16));

    for (path, code, parameter) in [
        ("/tiles/parcels/3/8/0.mvt", 404, Some("x")),
        ("/tiles/parcels/3/0/8.mvt", 404, Some("y")),
        ("/tiles/parcels/25/0/0.mvt", 404, Some("z")),
        ("/tiles/parcels/a/0/0.mvt", 400, Some("z")),
        ("/tiles/parcels/1/-1/0.mvt", 400, Some("x")),
        ("/tiles/parcels/1/0/0.mvt?crs=EPSG:4547", 400, Some("crs")),
        ("/tiles/parcels/1/0/0.mvt?layer=x", 400, Some("layer")),
        ("/tiles/roads/1/0/0.mvt", 404, None),
        ("/tiles/roads.json", 404, None),
    ] {
        let (status, kind, problem) = answer(ureq::get(&format!("{}{path}", base())).call());
        assert_eq!((status, kind.as_str()), (code, "application/problem+json"), "{path}: {problem}");
        assert_eq!(problem["parameter"].as_str(), parameter, "{path}: {problem}");
    }
}

#[test]
fn tilejson_describes_each_layer_and_carries_the_datum() {
    for layer in ["districts", "parks", "zones", "parcels", "buildings"] {
        let (status, _, doc) = answer(ureq::get(&format!("{}/tiles/{layer}.json", base())).call());
        assert_eq!(status, 200);
        assert_eq!(doc["tilejson"], "3.0.0");
        assert_eq!(doc["tiles"][0], format!("{}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt", base()));
        assert_eq!(doc["vector_layers"][0]["id"], layer);
        assert!(doc["vector_layers"][0]["fields"]["id"].is_string());
        let b: Vec<f64> = doc["bounds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        // Beijing lies within 115.4–117.6°E, 39.4–41.1°N
        assert!(b[0] > 115.3 && b[2] < 117.6 && b[1] > 39.4 && b[3] < 41.1, "{layer}: {b:?}");
        assert!(doc["minzoom"].as_u64().unwrap() <= doc["maxzoom"].as_u64().unwrap());
    }
    let (_, _, gcj) = answer(ureq::get(&format!("{}/tiles/parcels.json?crs=gcj02", base())).call());
    assert!(gcj["tiles"][0].as_str().unwrap().ends_with(".mvt?crs=gcj02"), "{gcj}");
    let (_, _, wgs) = answer(ureq::get(&format!("{}/tiles/parcels.json", base())).call());
    assert!(gcj["bounds"][0].as_f64().unwrap() > wgs["bounds"][0].as_f64().unwrap(), "GCJ-02 lies east of WGS84 in Beijing");
}

#[test]
fn gcj02_tiles_draw_parcels_where_amap_has_them() {
    let parcel = first_parcel();
    let id = parcel["id"].as_str().unwrap().to_string();
    let corner = first_corner(&parcel);
    let z = 17;
    let wgs = tile_of(corner, z);
    let gcj = tile_of(wgs84_to_gcj02(corner), z);
    assert_ne!(wgs, gcj, "at zoom 17 the GCJ-02 offset (hundreds of metres) moves the corner to another tile");
    let ids = |path: String| {
        let (status, bytes, _) = tile(&path);
        if status == 204 { Vec::new() } else { ids_in(&bytes) }
    };
    assert!(ids(format!("/tiles/parcels/{z}/{}/{}.mvt?crs=gcj02", gcj.0, gcj.1)).contains(&id));
    assert!(ids(format!("/tiles/parcels/{z}/{}/{}.mvt", wgs.0, wgs.1)).contains(&id));
}

#[test]
fn a_tile_is_revalidated_with_its_etag() {
    let (x, y) = tile_of(first_corner(&first_parcel()), 14);
    let path = format!("{}/tiles/parcels/14/{x}/{y}.mvt", base());
    let first = response(ureq::get(&path).call());
    let tag = first.header("ETag").unwrap().to_string();
    assert!(first.header("Vary").is_some_and(|v| v.contains("Authorization")));
    let again = response(ureq::get(&path).set("If-None-Match", &tag).call());
    assert_eq!(again.status(), 304);
}

/// The rings of each polygon feature of a tile, decoded from the MVT commands.
fn rings_of(bytes: &[u8]) -> Vec<(String, Vec<Vec<geo::Coord>>)> {
    let tile = Tile::decode(bytes).expect("a protobuf tile");
    let layer = &tile.layers[0];
    let key = layer.keys.iter().position(|k| k == "id").unwrap() as u32;
    let zigzag = |v: u32| ((v >> 1) as i32) ^ -((v & 1) as i32);
    layer
        .features
        .iter()
        .map(|f| {
            let id = f.tags.chunks(2).find(|kv| kv[0] == key).map(|kv| layer.values[kv[1] as usize].string_value.clone().unwrap()).unwrap();
            let (mut rings, mut ring, mut cursor, mut i) = (Vec::new(), Vec::new(), (0i32, 0i32), 0);
            while i < f.geometry.len() {
                let (command, count) = (f.geometry[i] & 7, f.geometry[i] >> 3);
                i += 1;
                if command == 7 {
                    rings.push(std::mem::take(&mut ring));
                    continue;
                }
                for _ in 0..count {
                    cursor = (cursor.0 + zigzag(f.geometry[i]), cursor.1 + zigzag(f.geometry[i + 1]));
                    i += 2;
                    ring.push(geo::Coord { x: cursor.0 as f64, y: cursor.1 as f64 });
                }
            }
            (id, rings)
        })
        .collect()
}

#[test]
fn simplified_outlines_stay_valid_rings() {
    use geo::Validation;
    // every district tile over Beijing from zoom 5 to 9: the long AMap outlines get simplified
    let beijing = [(115.42, 39.44), (117.50, 41.06)];
    for z in 5..=9 {
        let (x0, y0) = tile_of(Coord { x: beijing[0].0, y: beijing[1].1 }, z);
        let (x1, y1) = tile_of(Coord { x: beijing[1].0, y: beijing[0].1 }, z);
        for x in x0..=x1 {
            for y in y0..=y1 {
                let (status, bytes, _) = tile(&format!("/tiles/districts/{z}/{x}/{y}.mvt"));
                if status == 204 {
                    continue;
                }
                for (id, rings) in rings_of(&bytes) {
                    for ring in rings {
                        let mut closed = ring.clone();
                        closed.push(ring[0]);
                        let polygon = geo::Polygon::new(geo::LineString(closed), vec![]);
                        assert!(polygon.is_valid(), "district {id} in tile {z}/{x}/{y}: {:?}", polygon.validation_errors());
                    }
                }
            }
        }
    }
}

/// The numeric id and the `id` property of every feature of a tile's first layer.
fn numeric_ids_in(bytes: &[u8]) -> Vec<(Option<u64>, String)> {
    let tile = Tile::decode(bytes).expect("a protobuf tile");
    let layer = &tile.layers[0];
    let key = layer.keys.iter().position(|k| k == "id").expect("an id key") as u32;
    layer
        .features
        .iter()
        .map(|f| {
            let value = f.tags.chunks(2).find(|kv| kv[0] == key).expect("every feature has an id")[1];
            (f.id, layer.values[value as usize].string_value.clone().unwrap())
        })
        .collect()
}

#[test]
fn every_tile_feature_has_a_stable_numeric_id() {
    let corner = first_corner(&first_parcel());
    for layer in ["parcels", "buildings", "parks", "zones", "districts"] {
        let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
        for z in [12, 13, 14] {
            let (x, y) = tile_of(corner, z);
            let (status, bytes, _) = tile(&format!("/tiles/{layer}/{z}/{x}/{y}.mvt"));
            if status == 204 {
                continue;
            }
            assert_eq!(status, 200, "{layer} {z}/{x}/{y}");
            for (id, name) in numeric_ids_in(&bytes) {
                let id = id.unwrap_or_else(|| panic!("{layer} {name} has no feature id"));
                assert!(id < 1 << 53, "{layer} {name}: {id} is beyond JavaScript's exact integers");
                assert_eq!(*seen.entry(name.clone()).or_insert(id), id, "{layer} {name} keeps its id across zooms");
            }
        }
        assert!(!seen.is_empty(), "{layer}: the tiles around the first parcel hold features");
        let distinct: std::collections::HashSet<&u64> = seen.values().collect();
        assert_eq!(distinct.len(), seen.len(), "{layer}: different features have different ids");
    }
}
