//! Vector tiles and TileJSON over HTTP: GDAL's MVT driver reads a parcels tile with every
//! parcel the API finds there, empty tiles answer 204, bad coordinates are refused by name,
//! GCJ-02 tiles sit where AMap draws the parcels, zooms outside TileJSON's range answer as it
//! says, HEAD answers as GET does, and other paths under /tiles name the tile URL.

use crate::common;

use chanye::geometry::china::wgs84_to_gcj02;
use common::{answer, response, sample_server as base, tile_of, Raw};
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
    let z = 16;
    let wgs = tile_of(corner, z);
    let gcj = tile_of(wgs84_to_gcj02(corner), z);
    assert_ne!(wgs, gcj, "at zoom 16 the GCJ-02 offset (hundreds of metres) moves the corner to another tile");
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

fn tilejson(query: &str) -> impl Fn(&str) -> Value + '_ {
    move |layer| {
        let (status, _, doc) = answer(ureq::get(&format!("{}/tiles/{layer}.json{query}", base())).call());
        assert_eq!(status, 200, "{layer}{query}");
        doc
    }
}

/// Each parcel's box in lon/lat, in WGS84 or moved to GCJ-02.
fn parcel_boxes(gcj: bool) -> Vec<(String, [f64; 4])> {
    let (_, _, page) = answer(ureq::get(&format!("{}/collections/parcels/items?limit=10000", base())).call());
    let features = page["features"].as_array().unwrap();
    assert_eq!(page["numberMatched"].as_u64(), Some(features.len() as u64), "one page holds every parcel");
    features
        .iter()
        .map(|f| {
            let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            let mut geometry = f["geometry"].clone();
            common::map_coords(&mut geometry, &|x, y| {
                let c = if gcj { wgs84_to_gcj02(Coord { x, y }) } else { Coord { x, y } };
                (c.x, c.y)
            });
            let text = geometry["coordinates"].to_string();
            let numbers: Vec<f64> = text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).filter_map(|t| t.parse().ok()).collect();
            for pair in numbers.chunks(2) {
                b = [b[0].min(pair[0]), b[1].min(pair[1]), b[2].max(pair[0]), b[3].max(pair[1])];
            }
            (f["id"].as_str().unwrap().to_string(), b)
        })
        .collect()
}

#[test]
fn tilejson_centres_every_layer_on_parcels_at_a_zoom_that_draws_them() {
    let parcels_from = tilejson("")("parcels")["minzoom"].as_u64().unwrap();
    assert_eq!(parcels_from, 12);
    for (query, gcj) in [("", false), ("?crs=gcj02", true)] {
        let boxes = parcel_boxes(gcj);
        let mut centres = Vec::new();
        for layer in ["districts", "parks", "zones", "parcels", "buildings"] {
            let doc = tilejson(query)(layer);
            let c: Vec<f64> = doc["center"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            let (lon, lat, zoom) = (c[0], c[1], c[2] as u32);
            assert!(u64::from(zoom) >= parcels_from, "{layer}{query}: the centre's zoom {zoom} draws no parcels");
            assert!(zoom as u64 <= doc["maxzoom"].as_u64().unwrap(), "{layer}{query}: {c:?}");
            // within about 20 m of a parcel's box
            let margin = 0.0002;
            let near = boxes.iter().find(|(_, b)| lon > b[0] - margin && lon < b[2] + margin && lat > b[1] - margin && lat < b[3] + margin);
            assert!(near.is_some(), "{layer}{query}: no parcel at the centre {c:?}");
            // and the tile a map opens on draws parcels
            let (x, y) = tile_of(Coord { x: lon, y: lat }, zoom);
            let (status, bytes, _) = tile(&format!("/tiles/parcels/{zoom}/{x}/{y}.mvt{query}"));
            assert_eq!(status, 200, "{layer}{query}: the centre's tile {zoom}/{x}/{y}");
            assert!(!ids_in(&bytes).is_empty());
            centres.push((lon, lat));
        }
        assert!(centres.windows(2).all(|w| w[0] == w[1]), "every layer opens on the same place: {centres:?}");
    }
    let wgs = tilejson("")("districts")["center"][0].as_f64().unwrap();
    let gcj = tilejson("?crs=gcj02")("districts")["center"][0].as_f64().unwrap();
    assert!(gcj - wgs > 0.001, "the GCJ-02 centre lies east of the WGS84 one: {wgs} {gcj}");
}

#[test]
fn zooms_outside_tilejson_answer_as_it_says() {
    let corner = first_corner(&first_parcel());
    for layer in ["districts", "parks", "zones", "parcels", "buildings"] {
        let doc = tilejson("")(layer);
        let (min, max) = (doc["minzoom"].as_u64().unwrap() as u32, doc["maxzoom"].as_u64().unwrap() as u32);
        assert_eq!(max, 16, "{layer}");
        assert_eq!((doc["vector_layers"][0]["minzoom"].as_u64(), doc["vector_layers"][0]["maxzoom"].as_u64()), (Some(min.into()), Some(max.into())));
        // the deepest zoom is served where there are features
        let (x, y) = tile_of(corner, max);
        let status = tile(&format!("/tiles/{layer}/{max}/{x}/{y}.mvt")).0;
        assert!(status == 200 || status == 204, "{layer} {max}/{x}/{y}: {status}");
        // deeper is a 404 on `z`, on the grid or beyond it, saying clients overzoom
        for z in [max + 1, 20, 24, 25, 31] {
            let (x, y) = if z < 31 { tile_of(corner, z) } else { (0, 0) };
            let path = format!("{}/tiles/{layer}/{z}/{x}/{y}.mvt", base());
            let (status, kind, problem) = answer(ureq::get(&path).call());
            assert_eq!((status, kind.as_str()), (404, "application/problem+json"), "{path}: {problem}");
            assert_eq!(problem["type"], "urn:chanye:problem:not-found", "{path}");
            assert_eq!(problem["parameter"], "z", "{path}: {problem}");
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("maximum zoom, 16") && detail.contains("overzoom"), "{path}: {detail}");
        }
        let (status, _, problem) = answer(ureq::get(&format!("{}/tiles/{layer}/99999999999/0/0.mvt", base())).call());
        assert_eq!((status, problem["parameter"].as_str()), (404, Some("z")), "{problem}");
        // shallower than minzoom: empty, as where no feature falls
        for z in 0..min {
            let (x, y) = tile_of(corner, z);
            let (status, bytes, _) = tile(&format!("/tiles/{layer}/{z}/{x}/{y}.mvt"));
            assert_eq!((status, bytes.len()), (204, 0), "{layer} {z}/{x}/{y} is below minzoom {min}");
        }
    }
}

/// One HTTP/1.1 request on its own connection, so nothing (ureq, a proxy) rewrites the answer.
fn raw(method: &str, path: &str, headers: &[(&str, &str)]) -> Raw {
    use std::io::{Read, Write};
    let host = base().trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let extra: String = headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    Raw { status, headers, body: bytes[end + 4..].to_vec() }
}

#[test]
fn head_answers_with_the_headers_of_get() {
    let (x, y) = tile_of(first_corner(&first_parcel()), 14);
    let paths = [
        format!("/tiles/parcels/14/{x}/{y}.mvt"),
        format!("/tiles/parcels/14/{x}/{y}.mvt?crs=gcj02"),
        "/tiles/parcels/14/8000/9000.mvt".to_string(),
        "/tiles/parcels.json".to_string(),
        "/tiles/districts.json?crs=gcj02".to_string(),
    ];
    for path in &paths {
        for accept in [None, Some("gzip"), Some("br")] {
            let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
            let get = raw("GET", path, &headers);
            let head = raw("HEAD", path, &headers);
            assert!(get.status == 200 || (get.status == 204 && path.contains("8000")), "{path}: {}", get.status);
            assert_eq!(head.status, get.status, "{path} {accept:?}");
            assert!(head.body.is_empty(), "HEAD {path} {accept:?} sent {} bytes", head.body.len());
            if get.status == 200 {
                match accept {
                    // a plain answer says its length, and it is the body's
                    None => assert_eq!(get.header("content-length"), Some(get.body.len().to_string().as_str()), "{path}"),
                    Some(coding) => assert_eq!(get.header("content-encoding"), Some(coding), "{path}: the server compresses"),
                }
            }
            for name in ["content-length", "transfer-encoding", "content-type", "content-encoding", "etag", "cache-control", "vary"] {
                assert_eq!(head.all(name), get.all(name), "{name} of HEAD {path} {accept:?}");
            }
        }
    }
}

#[test]
fn other_paths_under_tiles_get_a_404_naming_the_tile_url() {
    for (path, meant) in [
        ("/tiles/parcels/14/13500/6200.pbf", Some("this one is /tiles/parcels/14/13500/6200.mvt")),
        ("/tiles/parcels/14/13500/6200.pbf?crs=gcj02", Some("this one is /tiles/parcels/14/13500/6200.mvt?crs=gcj02")),
        ("/tiles/buildings/14/13500/6200", Some("this one is /tiles/buildings/14/13500/6200.mvt")),
        ("/tiles/parcels/14/13500.mvt", Some("/tiles/parcels.json")),
        ("/tiles/parcels", Some("/tiles/parcels.json")),
        ("/tiles/parcels.pbf", Some("/tiles/parcels.json")),
        ("/tiles/parcels.json/", Some("/tiles/parcels.json")),
        ("/tiles/roads/1/0/0.pbf", Some("parcels, buildings")),
        ("/tiles/", None),
        ("/tiles", None),
    ] {
        for method in ["GET", "POST", "HEAD"] {
            let (status, kind, problem) = answer_of(method, path);
            assert_eq!((status, kind.as_str()), (404, "application/problem+json"), "{method} {path}: {problem}");
            if method == "HEAD" {
                continue;
            }
            assert_eq!(problem["type"], "urn:chanye:problem:not-found", "{method} {path}");
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains("tiles are at /tiles/{layer}/{z}/{x}/{y}.mvt"), "{method} {path}: {detail}");
            assert!(meant.is_none_or(|m| detail.contains(m)), "{method} {path}: {detail} does not say {meant:?}");
            assert!(!detail.contains("not allowed"), "{method} {path}: {detail}");
        }
    }
    // a served path asked with another method is still a 405 that names GET
    for path in ["/tiles/parcels/14/13500/6200.mvt", "/tiles/parcels.json"] {
        let r = response(ureq::request("DELETE", &format!("{}{path}", base())).call());
        assert_eq!((r.status(), r.header("Allow")), (405, Some("GET")), "{path}");
    }
}

/// Status, content type and JSON body (null when empty) of a request with any method.
fn answer_of(method: &str, path: &str) -> (u16, String, Value) {
    let r = response(ureq::request(method, &format!("{}{path}", base())).call());
    let (status, kind) = (r.status(), r.content_type().to_string());
    let text = r.into_string().unwrap();
    (status, kind, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
}

/// Twice the signed area of a ring in tile coordinates (y down): MVT 2.1 §4.3.4.4 calls a ring
/// with a positive area an exterior ring and one with a negative area an interior ring.
fn tile_area(ring: &[geo::Coord]) -> f64 {
    ring.iter().zip(ring.iter().cycle().skip(1)).map(|(a, b)| a.x * b.y - b.x * a.y).sum()
}

#[test]
fn tile_polygons_are_wound_as_mvt_asks() {
    // 顺义 (110113) has a hole; its tile at zoom 10 keeps it
    let shunyi = common::features(&common::sample_layer("districts")).into_iter().find(|d| d["properties"]["adcode"] == "110113").unwrap();
    let hole = &shunyi["geometry"]["coordinates"][0][1][0];
    let (x, y) = tile_of(Coord { x: hole[0].as_f64().unwrap(), y: hole[1].as_f64().unwrap() }, 10);
    let (status, bytes, _) = tile(&format!("/tiles/districts/10/{x}/{y}.mvt"));
    assert_eq!(status, 200);
    let features = rings_of(&bytes);
    let (_, rings) = features.iter().find(|(id, _)| id == "110113").expect("顺义 is in its hole's tile");
    assert!(rings.iter().any(|r| tile_area(r) < 0.0), "the hole is an interior ring (negative area)");
    for (id, rings) in &features {
        assert!(tile_area(&rings[0]) > 0.0, "district {id}: a polygon starts with its exterior ring (positive area)");
    }
    // every parcel in a zoom-14 tile of the sample: one exterior ring each
    let parcel = first_parcel();
    let (x, y) = tile_of(first_corner(&parcel), 14);
    let (status, bytes, _) = tile(&format!("/tiles/parcels/14/{x}/{y}.mvt"));
    assert_eq!(status, 200);
    let features = rings_of(&bytes);
    assert!(!features.is_empty());
    for (id, rings) in features {
        assert!(rings.iter().all(|r| tile_area(r) > 0.0), "parcel {id}: exterior rings have a positive area");
    }
}
