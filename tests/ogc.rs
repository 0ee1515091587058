//! OGC API – Features over a real socket: landing page, conformance, collections, paging,
//! bbox, datetime and property filters, CQL2, CRS output checked against PROJ's cs2cs, caching
//! headers, and GDAL's OAPIF driver as the client.

use crate::common;
use common::urlencode;

use std::collections::HashSet;
use std::process::Command;

use common::{answer, response, sample_layer, sample_server as base};
use serde_json::Value;

fn get(path: &str) -> (u16, String, Value) {
    answer(ureq::get(&format!("{}{path}", base())).call())
}

fn ok(path: &str) -> Value {
    let (status, _, body) = get(path);
    assert_eq!(status, 200, "{path}: {body}");
    body
}

fn link<'a>(body: &'a Value, rel: &str) -> Option<&'a Value> {
    body["links"].as_array().unwrap().iter().find(|l| l["rel"] == rel)
}

fn ids(page: &Value) -> Vec<String> {
    page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

/// The sample's features of a layer whose property `key` satisfies `keep`.
fn sample_ids(layer: &str, keep: impl Fn(&Value) -> bool) -> HashSet<String> {
    let fc = sample_layer(layer);
    fc["features"].as_array().unwrap().iter().filter(|f| keep(&f["properties"])).map(|f| f["properties"]["id"].as_str().unwrap().to_string()).collect()
}

/// Every feature of a selection, following `next` links from `path`.
fn all_pages(path: &str) -> (Vec<String>, usize) {
    let mut url = format!("{}{path}", base());
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, _, page) = answer(ureq::get(&url).call());
        assert_eq!(status, 200, "{url}: {page}");
        let returned = page["numberReturned"].as_u64().unwrap() as usize;
        assert_eq!(returned, page["features"].as_array().unwrap().len());
        seen.extend(ids(&page));
        pages += 1;
        match link(&page, "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_string(),
            None => {
                assert_eq!(seen.len(), page["numberMatched"].as_u64().unwrap() as usize, "the pages add up to numberMatched");
                return (seen, pages);
            }
        }
    }
}

#[test]
fn landing_page_and_conformance_lead_to_the_data() {
    let landing = ok("/");
    for (rel, kind) in [("self", "application/json"), ("service-desc", "application/vnd.oai.openapi+json;version=3.0"), ("conformance", "application/json"), ("data", "application/json")] {
        let l = link(&landing, rel).unwrap_or_else(|| panic!("no {rel} link"));
        assert_eq!(l["type"], kind);
        assert!(l["href"].as_str().unwrap().starts_with(base()));
    }
    let conformance = ok("/conformance");
    let classes: Vec<&str> = conformance["conformsTo"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for class in ["ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson", "ogcapi-features-2/1.0/conf/crs", "ogcapi-features-3/1.0/conf/filter", "cql2/1.0/conf/cql2-text"] {
        assert!(classes.iter().any(|c| c.ends_with(class)), "{class} missing");
    }
}

#[test]
fn five_collections_with_extent_crs_and_items_links() {
    let body = ok("/collections");
    let collections = body["collections"].as_array().unwrap();
    let names: Vec<&str> = collections.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(names, ["districts", "parks", "zones", "parcels", "buildings"]);
    for c in collections {
        let bbox = c["extent"]["spatial"]["bbox"][0].as_array().unwrap();
        let (w, s, e, n) = (bbox[0].as_f64().unwrap(), bbox[1].as_f64().unwrap(), bbox[2].as_f64().unwrap(), bbox[3].as_f64().unwrap());
        // Beijing lies within 115.4–117.6°E, 39.4–41.1°N
        assert!(w > 115.0 && e < 118.0 && s > 39.0 && n < 41.5 && w < e && s < n, "{bbox:?}");
        assert_eq!(c["storageCrs"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        let crs: Vec<&str> = c["crs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(crs.contains(&"http://www.opengis.net/def/crs/EPSG/0/4548") && crs.contains(&"urn:chanye:def:crs:GCJ-02"));
        assert_eq!(link(c, "items").unwrap()["type"], "application/geo+json");
        assert_eq!(ok(&format!("/collections/{}", c["id"].as_str().unwrap()))["id"], c["id"]);
    }
    let (status, kind, problem) = get("/collections/roads");
    assert_eq!((status, kind.as_str()), (404, "application/problem+json"));
    assert!(problem["detail"].as_str().unwrap().contains("roads"));
}

#[test]
fn paging_follows_next_to_the_end_and_the_counts_add_up() {
    let (seen, pages) = all_pages("/collections/parcels/items?limit=7");
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no feature twice");
    assert_eq!(unique.len(), sample_ids("parcels", |_| true).len());
    assert_eq!(pages, seen.len().div_ceil(7));
    // the second page links back to the first
    let second = ok("/collections/parcels/items?limit=7&offset=7");
    let prev = link(&second, "prev").unwrap()["href"].as_str().unwrap().to_string();
    let (_, _, first) = answer(ureq::get(&prev).call());
    assert_eq!(ids(&first), seen[..7]);
    assert!(link(&ok("/collections/parcels/items?limit=7"), "prev").is_none());
    let page = ok("/collections/parcels/items");
    assert_eq!(page["numberReturned"], 10, "default limit");
    assert!(page["timeStamp"].as_str().unwrap().ends_with('Z'));
    assert!(link(&page, "self").is_some() && link(&page, "alternate").is_some());
}

#[test]
fn bad_parameters_are_problems_naming_the_parameter() {
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("colour=red", "colour"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=116,41,117,40", "bbox"),
        ("bbox=116,40,117,41&bbox-crs=EPSG:9999", "bbox-crs"),
        ("crs=EPSG:2385", "crs"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2026-05-01/2026-01-01", "datetime"),
        ("status=vacant", "status"),
        ("district=火星区", "district"),
        ("industry=造船", "industry"),
        ("filter-lang=cql2-json", "filter-lang"),
        ("limit=5&limit=6", "limit"),
    ] {
        let (status, kind, body) = get(&format!("/collections/parcels/items?{query}"));
        assert_eq!((status, kind.as_str()), (400, "application/problem+json"), "{query}: {body}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert_eq!(body["status"], 400);
    }
    // districts have no status
    let (status, _, body) = get("/collections/districts/items?status=available");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("status")));
    let (status, _, _) = get("/collections/parcels/items/no-such-parcel");
    assert_eq!(status, 404);
    let (status, _, body) = get("/collections?limit=3");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("limit")));
}

#[test]
fn property_filters_select_what_the_sample_holds() {
    let (available, _) = all_pages("/collections/parcels/items?status=available&limit=1000");
    let expected = sample_ids("parcels", |p| p["status"] == "available");
    assert!(!expected.is_empty());
    assert_eq!(available.into_iter().collect::<HashSet<_>>(), expected);

    let (m4_or_m1, _) = all_pages("/collections/parcels/items?land_use=M4,M1&limit=1000");
    assert_eq!(m4_or_m1.into_iter().collect::<HashSet<_>>(), sample_ids("parcels", |p| p["land_use"] == "M4" || p["land_use"] == "M1"));

    let by_code = ok("/collections/parcels/items?district=110118&limit=1000");
    let by_name = ok("/collections/parcels/items?district=%E5%AF%86%E4%BA%91%E5%8C%BA&limit=1000"); // 密云区
    assert_eq!(ids(&by_code), ids(&by_name));
    assert_eq!(ids(&by_code).into_iter().collect::<HashSet<_>>(), sample_ids("parcels", |p| p["district"] == "110118"));

    // buildings of the industry: their own industries or their hosts'; a narrower code selects fewer or as many
    let broad = ok("/collections/buildings/items?industry=health&limit=1000")["numberMatched"].as_u64().unwrap();
    let narrow = ok("/collections/buildings/items?industry=health.devices&limit=1000")["numberMatched"].as_u64().unwrap();
    assert!(broad > 0 && narrow <= broad, "{broad} {narrow}");

    let zones = ok("/collections/zones/items?district=110118");
    assert!(zones["numberMatched"].as_u64().unwrap() > 0);
    assert!(zones["features"].as_array().unwrap().iter().all(|z| z["properties"]["park"].as_str().unwrap().contains("miyun")), "{zones}");
}

#[test]
fn datetime_selects_parcels_available_by_the_end_of_the_interval() {
    let cut = "2027-01-01";
    let (by, _) = all_pages(&format!("/collections/parcels/items?datetime=../{cut}&limit=1000"));
    let expected = sample_ids("parcels", |p| p["available_from"].as_str().is_none_or(|d| d <= cut));
    assert_eq!(by.into_iter().collect::<HashSet<_>>(), expected);
    assert!(expected.len() < sample_ids("parcels", |_| true).len(), "the cut must split the sample");
    let open = ok("/collections/parcels/items?datetime=2026-01-01/..&limit=1")["numberMatched"].clone();
    assert_eq!(open.as_u64().unwrap() as usize, sample_ids("parcels", |_| true).len());
}

#[test]
fn bbox_selects_intersecting_features_and_handles_the_antimeridian() {
    let parcel = ok("/collections/parcels/items?limit=1");
    let ring = parcel["features"][0]["geometry"]["coordinates"][0][0].as_array().unwrap();
    let (x, y) = (ring[0][0].as_f64().unwrap(), ring[0][1].as_f64().unwrap());
    let id = parcel["features"][0]["id"].clone();
    let around = ok(&format!("/collections/parcels/items?bbox={},{},{},{}&limit=100", x - 1e-4, y - 1e-4, x + 1e-4, y + 1e-4));
    assert!(around["features"].as_array().unwrap().iter().any(|f| f["id"] == id));
    assert!(around["numberMatched"].as_u64().unwrap() < 300);
    // the same box in EPSG:4326 is written latitude first
    let lat_first = ok(&format!("/collections/parcels/items?bbox={},{},{},{}&bbox-crs=EPSG:4326&limit=100", y - 1e-4, x - 1e-4, y + 1e-4, x + 1e-4));
    assert_eq!(ids(&lat_first), ids(&around));
    // a box from 100°E across the antimeridian to 170°W holds Beijing; one from 170°E to 170°W does not
    let all = ok("/collections/parcels/items?bbox=100,30,-170,50&limit=1")["numberMatched"].as_u64().unwrap();
    assert_eq!(all as usize, sample_ids("parcels", |_| true).len());
    let none = ok("/collections/parcels/items?bbox=170,30,-170,50")["numberMatched"].as_u64().unwrap();
    assert_eq!(none, 0);
}

/// `cs2cs` from PROJ, lon/lat in, the CRS's own axis order out.
fn cs2cs(lon: f64, lat: f64, target: &str) -> (f64, f64) {
    let out = Command::new("cs2cs")
        .args(["-f", "%.4f", "EPSG:4326", target])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            // EPSG:4326 is latitude first
            writeln!(child.stdin.take().unwrap(), "{lat} {lon}")?;
            child.wait_with_output()
        })
        .expect("cs2cs (Debian proj-bin) runs");
    let text = String::from_utf8(out.stdout).unwrap();
    let numbers: Vec<f64> = text.split_whitespace().filter_map(|t| t.parse().ok()).collect();
    (numbers[0], numbers[1])
}

#[test]
fn crs_4548_output_is_within_a_metre_of_proj() {
    let plain = ok("/collections/parcels/items?limit=5");
    let response = response(ureq::get(&format!("{}/collections/parcels/items?limit=5&crs=EPSG:4548", base())).call());
    assert_eq!(response.header("Content-Crs"), Some("<http://www.opengis.net/def/crs/EPSG/0/4548>"));
    let projected: Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    let mut compared = 0;
    for (a, b) in plain["features"].as_array().unwrap().iter().zip(projected["features"].as_array().unwrap()) {
        assert_eq!(a["id"], b["id"]);
        let lonlat = &a["geometry"]["coordinates"][0][0][0];
        let northing_easting = &b["geometry"]["coordinates"][0][0][0];
        let (n, e) = cs2cs(lonlat[0].as_f64().unwrap(), lonlat[1].as_f64().unwrap(), "EPSG:4548");
        let (got_n, got_e) = (northing_easting[0].as_f64().unwrap(), northing_easting[1].as_f64().unwrap());
        assert!((got_n - n).abs() < 1.0 && (got_e - e).abs() < 1.0, "ours ({got_n}, {got_e}), PROJ ({n}, {e})");
        compared += 1;
    }
    assert_eq!(compared, 5);
    let gcj = response_header("/collections/districts/items/110118?crs=urn:chanye:def:crs:GCJ-02", "Content-Crs");
    assert_eq!(gcj.as_deref(), Some("<urn:chanye:def:crs:GCJ-02>"));
}

fn response_header(path: &str, name: &str) -> Option<String> {
    response(ureq::get(&format!("{}{path}", base())).call()).header(name).map(str::to_string)
}

#[test]
fn gcj02_and_bd09_output_moves_beijing_by_the_known_offsets() {
    let wgs = ok("/collections/buildings/items?limit=1");
    let id = wgs["features"][0]["id"].as_str().unwrap().to_string();
    let first = |body: &Value| -> (f64, f64) {
        let g = &body["geometry"];
        let c = if g["type"] == "Point" { g["coordinates"].clone() } else { g["coordinates"][0][0][0].clone() };
        (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
    };
    let w = first(&ok(&format!("/collections/buildings/items/{id}")));
    let g = first(&ok(&format!("/collections/buildings/items/{id}?crs=urn:chanye:def:crs:GCJ-02")));
    let b = first(&ok(&format!("/collections/buildings/items/{id}?crs=urn:chanye:def:crs:BD-09")));
    // in Beijing GCJ-02 lies about 0.006° east and 0.001° north of WGS84; BD-09 another 0.0065° east, 0.006° north
    assert!((g.0 - w.0 - 0.0062).abs() < 0.001 && (g.1 - w.1 - 0.0013).abs() < 0.001, "{w:?} {g:?}");
    assert!((b.0 - g.0 - 0.0064).abs() < 0.001 && (b.1 - g.1 - 0.0060).abs() < 0.001, "{g:?} {b:?}");
}

#[test]
fn collection_reads_carry_etags_and_revalidate() {
    let path = "/collections/parcels/items?limit=3";
    let first = response(ureq::get(&format!("{}{path}", base())).call());
    let tag = first.header("ETag").expect("an ETag").to_string();
    assert_eq!(first.header("Cache-Control"), Some("public, no-cache"));
    let again = response(ureq::get(&format!("{}{path}", base())).set("If-None-Match", &tag).call());
    assert_eq!(again.status(), 304);
    let other = response(ureq::get(&format!("{}/collections/parcels/items?limit=4", base())).set("If-None-Match", &tag).call());
    assert_eq!(other.status(), 200, "another query, another tag");
}

#[test]
fn queryables_describe_the_filterable_properties() {
    let (status, kind, body) = get("/collections/parcels/queryables");
    assert_eq!((status, kind.as_str()), (200, "application/schema+json"));
    assert_eq!(body["properties"]["area_mu"]["type"], "number");
    assert_eq!(body["properties"]["available_from"]["format"], "date");
    assert_eq!(body["properties"]["supply_modes"]["type"], "array");
    assert!(body["properties"]["geometry"].is_object());
}

#[test]
fn cql2_filters_select_and_explain_their_errors() {
    let filter = |text: &str| format!("/collections/parcels/items?limit=1000&filter-lang=cql2-text&filter={}", urlencode(text));
    let (big_available, _) = all_pages(&filter("status = 'available' AND area_mu > 50"));
    let expected = sample_ids("parcels", |p| p["status"] == "available" && p["area_mu"].as_f64().unwrap() > 50.0);
    assert!(!expected.is_empty());
    assert_eq!(big_available.into_iter().collect::<HashSet<_>>(), expected);

    let (some, _) = all_pages(&filter("land_use IN ('M4', 'M1/M4') OR NOT area_mu BETWEEN 10 AND 100"));
    let expected = sample_ids("parcels", |p| {
        let mu = p["area_mu"].as_f64().unwrap();
        p["land_use"] == "M4" || p["land_use"] == "M1/M4" || !(10.0..=100.0).contains(&mu)
    });
    assert_eq!(some.into_iter().collect::<HashSet<_>>(), expected);

    let within = ok(&filter("S_INTERSECTS(geometry, BBOX(116.7, 40.2, 117.2, 40.6))"))["numberMatched"].as_u64().unwrap();
    let by_bbox = ok("/collections/parcels/items?bbox=116.7,40.2,117.2,40.6")["numberMatched"].as_u64().unwrap();
    assert_eq!(within, by_bbox);

    let (status, _, body) = get(&filter("colour = 'red'"));
    assert_eq!((status, body["parameter"].as_str()), (400, Some("filter")));
    assert!(body["detail"].as_str().unwrap().contains("colour"), "{body}");
    let (status, _, body) = get(&filter("area_mu > 'big'"));
    assert_eq!((status, body["parameter"].as_str()), (400, Some("filter")), "{body}");
    // the CQL2 spatial classes' test of an invalid coordinate (OGC 21-065r2, Annex A)
    for off_globe in ["S_INTERSECTS(geometry, POINT(90 180))", "S_DISJOINT(geometry, MULTIPOINT(7.02 49.92, 90 180))"] {
        let (status, _, body) = get(&filter(off_globe));
        assert_eq!((status, body["parameter"].as_str()), (400, Some("filter")), "{off_globe}: {body}");
        assert!(body["detail"].as_str().unwrap().contains("off the globe"), "{body}");
    }
}


/// GDAL's OGC API – Features driver (Debian gdal-bin) is the GIS client.
#[test]
fn gdal_lists_the_collections_and_copies_parcels_into_a_geopackage() {
    let url = format!("OAPIF:{}", base());
    let listing = Command::new("ogrinfo").args(["-ro", "-q", &url]).output().expect("ogrinfo (Debian gdal-bin) runs");
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.status.success(), "{text}{}", String::from_utf8_lossy(&listing.stderr));
    for layer in ["districts", "parks", "zones", "parcels", "buildings"] {
        assert!(text.lines().any(|l| l.contains(&format!(": {layer}"))), "{layer} not listed:\n{text}");
    }
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("parcels.gpkg");
    let copy = Command::new("ogr2ogr").args(["-f", "GPKG", gpkg.to_str().unwrap(), &url, "parcels"]).output().unwrap();
    assert!(copy.status.success(), "{}", String::from_utf8_lossy(&copy.stderr));
    let info = Command::new("ogrinfo").args(["-ro", "-so", gpkg.to_str().unwrap(), "parcels"]).output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    let count = sample_ids("parcels", |_| true).len();
    assert!(text.contains(&format!("Feature Count: {count}")), "{text}");
}

/// A GeoPackage export opens in GDAL with the selected features, their fields and WGS 84.
#[test]
fn gpkg_exports_open_in_gdal() {
    let dir = tempfile::tempdir().unwrap();
    for (layer, query, expected) in [
        ("parcels", "status=available", sample_ids("parcels", |p| p["status"] == "available").len()),
        ("buildings", "", sample_ids("buildings", |_| true).len()),
    ] {
        let response = response(ureq::get(&format!("{}/api/v1/export/{layer}?format=gpkg&{query}", base())).call());
        assert_eq!(response.content_type(), "application/geopackage+sqlite3");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
        let path = dir.path().join(format!("{layer}.gpkg"));
        std::fs::write(&path, bytes).unwrap();
        let info = Command::new("ogrinfo").args(["-ro", "-so", path.to_str().unwrap(), layer]).output().expect("ogrinfo runs");
        let text = String::from_utf8_lossy(&info.stdout);
        assert!(info.status.success(), "{text}{}", String::from_utf8_lossy(&info.stderr));
        assert!(text.contains(&format!("Feature Count: {expected}")), "{text}");
        assert!(text.contains("\"EPSG\",\"4326\"") || text.contains("ID[\"EPSG\",4326]"), "{text}");
        assert!(text.contains("status: String") && text.contains("district: String"), "{text}");
    }
    let parcels = dir.path().join("parcels.gpkg");
    let info = Command::new("ogrinfo").args(["-ro", "-so", parcels.to_str().unwrap(), "parcels"]).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("area_mu: Real"));
    let (status, _, body) = get("/api/v1/export/parcels?format=gpkg&crs=EPSG:4548");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("crs")));
}

#[test]
fn a_limit_above_the_maximum_gives_the_largest_page() {
    let page = ok("/collections/parcels/items?limit=10001");
    let matched = page["numberMatched"].as_u64().unwrap() as usize;
    assert!(matched > 10, "the sample has more parcels than the default page");
    assert_eq!(page["features"].as_array().unwrap().len(), matched, "every parcel fits in one clamped page");
    let page = ok("/collections/parcels/items?limit=99999999999999999999");
    assert_eq!(page["numberReturned"].as_u64().unwrap() as usize, matched);
}

fn property<'v>(page: &'v Value, name: &str) -> Vec<&'v Value> {
    page["features"].as_array().unwrap().iter().map(|f| &f["properties"][name]).collect()
}

#[test]
fn sortby_orders_pages_by_queryables_with_nulls_last() {
    let page = ok("/collections/parcels/items?limit=10000&sortby=-area_mu");
    let areas: Vec<f64> = property(&page, "area_mu").iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(areas.windows(2).all(|w| w[0] >= w[1]), "descending area");
    assert!(areas.first() > areas.last(), "the sample's areas differ");
    // `+` unencoded arrives as a space; ties keep load order, so pages are stable
    let page = ok("/collections/parcels/items?limit=10000&sortby=+status,id");
    let keys: Vec<(String, String)> = page["features"].as_array().unwrap().iter().map(|f| (f["properties"]["status"].as_str().unwrap().to_string(), f["id"].as_str().unwrap().to_string())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // parcels without recorded power come after every other, whichever the direction
    for direction in ["", "-"] {
        let page = ok(&format!("/collections/parcels/items?limit=10000&sortby={direction}power_kva"));
        let prices = property(&page, "power_kva");
        let first_null = prices.iter().position(|p| p.is_null()).expect("the sample has parcels without power_kva");
        assert!(prices[first_null..].iter().all(|p| p.is_null()), "{direction}: nulls last");
        assert!(first_null > 0);
    }
    // paging a sorted selection walks it in order
    let first = ok("/collections/parcels/items?limit=5&sortby=-area_mu");
    let second = ok(&link(&first, "next").unwrap()["href"].as_str().unwrap().replace(base(), ""));
    let all = ok("/collections/parcels/items?limit=10&sortby=-area_mu");
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&all));
    for (query, reason) in [("sortby=colour", "not a queryable"), ("sortby=geometry", "geometry"), ("sortby=name,-name", "twice"), ("sortby=-", "empty")] {
        let (status, _, body) = get(&format!("/collections/parcels/items?{query}"));
        assert_eq!((status, body["parameter"].as_str()), (400, Some("sortby")), "{query}: {body}");
        assert!(body["detail"].as_str().unwrap().contains(reason), "{query}: {body}");
    }
}

#[test]
fn properties_and_skip_geometry_trim_what_is_written() {
    let page = ok("/collections/buildings/items?limit=3&properties=name,status,footprint&skipGeometry=true");
    for f in page["features"].as_array().unwrap() {
        let keys: Vec<&String> = f["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "status", "footprint"], "{f}");
        assert!(f["geometry"].is_null());
        assert!(f["id"].is_string());
    }
    let page = ok("/collections/parcels/items?limit=2&properties=");
    assert!(page["features"][0]["properties"].as_object().unwrap().is_empty());
    assert!(page["features"][0]["geometry"]["type"] == "MultiPolygon");
    // the confidential properties stay out of anonymous reads even when named
    let page = ok("/collections/parcels/items?limit=2&properties=id,project");
    assert_eq!(page["features"][0]["properties"].as_object().unwrap().keys().collect::<Vec<_>>(), ["id"]);
    for (query, parameter) in [("properties=colour", "properties"), ("skipGeometry=yes", "skipGeometry")] {
        let (status, _, body) = get(&format!("/collections/parcels/items?{query}"));
        assert_eq!((status, body["parameter"].as_str()), (400, Some(parameter)), "{query}: {body}");
    }
}

fn html(path: &str, accept: Option<&str>) -> (u16, String, String, Vec<String>) {
    let mut request = ureq::get(&format!("{}{path}", base()));
    if let Some(accept) = accept {
        request = request.set("Accept", accept);
    }
    let r = response(request.call());
    let vary: Vec<String> = r.all("Vary").iter().map(|v| v.to_string()).collect();
    (r.status(), r.content_type().to_string(), r.into_string().unwrap(), vary)
}

#[test]
fn html_views_for_browsers_and_f_html() {
    const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let first_parcel = sample_layer("parcels")["features"][0]["properties"]["id"].as_str().unwrap().to_string();
    for (path, accept, expect) in [
        ("/?f=html".to_string(), None, "数据集合"),
        ("/collections?f=html".to_string(), None, "地块 Land parcels"),
        ("/collections".to_string(), Some(BROWSER), "地块 Land parcels"),
        ("/collections/parcels?f=html".to_string(), None, "TileJSON"),
        ("/collections/parcels/items?limit=3&f=html".to_string(), None, "下一页"),
        ("/collections/parcels/items?limit=3".to_string(), Some(BROWSER), &first_parcel),
        (format!("/collections/parcels/items/{first_parcel}?f=html"), None, "在地图上查看"),
    ] {
        let (status, kind, body, vary) = html(&path, accept);
        assert_eq!((status, kind.as_str()), (200, "text/html"), "{path}");
        assert!(body.starts_with("<!doctype html>") && body.contains(expect), "{path}: {body}");
        assert!(vary.iter().any(|v| v.contains("Accept")), "{path}: Vary {vary:?}");
    }
    // GIS clients and curl keep JSON on the same URLs, with the same Vary
    let (status, kind, _, vary) = html("/collections/parcels/items?limit=3", Some("application/geo+json"));
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    assert!(vary.iter().any(|v| v.contains("Accept")));
    let (_, kind, _, _) = html("/collections", None);
    assert_eq!(kind, "application/json");
    // the two representations have different validators
    let tag = |accept: &str| response(ureq::get(&format!("{}/collections", base())).set("Accept", accept).call()).header("ETag").unwrap().to_string();
    assert_ne!(tag(BROWSER), tag("application/json"));
    let (status, _, body) = get("/collections?f=xml");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("f")));
}

#[test]
fn collections_link_their_tiles_and_tilejson() {
    let parcels = ok("/collections/parcels");
    let tilejson = link(&parcels, "describedby").expect("a TileJSON link");
    assert!(tilejson["href"].as_str().unwrap().ends_with("/tiles/parcels.json"));
    let href = tilejson["href"].as_str().unwrap().replace(base(), "");
    assert!(ok(&href)["tiles"][0].as_str().unwrap().contains("/tiles/parcels/"));
    let tiles = link(&parcels, "item").expect("a tile template link");
    assert_eq!(tiles["templated"], true);
    assert!(tiles["href"].as_str().unwrap().ends_with("/tiles/parcels/{z}/{x}/{y}.mvt"));
}

#[test]
fn a_latitude_first_bbox_gets_a_hint() {
    let (status, _, body) = get("/collections/parcels/items?bbox=40.3,116.7,40.6,117.1");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("bbox")));
    assert!(body["detail"].as_str().unwrap().contains("bbox=116.7,40.3,117.1,40.6"), "{body}");
    let (status, _, body) = get("/collections/parcels/items?bbox=116.7,40.3,117.1,40.6&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326");
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("bbox=40.3,116.7,40.6,117.1"), "{body}");
}
