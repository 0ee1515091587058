//! Freshness (issue 19, part 4): items, the CQL2 filter, tiles, exports, the 待核实 list and the
//! stats agree with `verified_at` and the `stale_after_days` window counted back from today in
//! Beijing; 核实无误 clears a feature everywhere; `serve --stale-after-days` sets the window.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use chanye::inventory::{beijing_today, Freshness};
use chanye::model::{Role, Scope};
use common::{answer, response, tile_of};
use geozero::mvt::{Message, Tile};
use serde_json::Value;

const MIYUN: &str = "110118";

/// The day the sample's `verified_at` dates were written against: the tests move them by the
/// days since, so the sample keeps its mix of stale and fresh features on any later day.
const SAMPLE_DAY: &str = "2026-12-07";

/// A sample layer with every `verified_at` moved as far as today is from [`SAMPLE_DAY`].
fn aged_layer(layer: &str) -> Value {
    let shift = beijing_today() - SAMPLE_DAY.parse::<chrono::NaiveDate>().unwrap();
    let mut value = common::sample_layer(layer);
    for f in value["features"].as_array_mut().unwrap() {
        let at: chrono::NaiveDate = f["properties"]["verified_at"].as_str().unwrap().parse().unwrap();
        f["properties"]["verified_at"] = Value::String((at + shift).to_string());
    }
    value
}

/// The sample with its dates moved to today, as a data directory.
fn aged_sample() -> tempfile::TempDir {
    common::dataset_with(&[("parcels", aged_layer("parcels")), ("buildings", aged_layer("buildings"))])
}

/// `verified_at` of every parcel or building of the aged sample, with its district, by id.
fn verified(layer: &str) -> BTreeMap<String, (String, chrono::NaiveDate)> {
    common::features(&aged_layer(layer))
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["id"].as_str().unwrap().to_string(), (p["district"].as_str().unwrap().to_string(), p["verified_at"].as_str().unwrap().parse().unwrap()))
        })
        .collect()
}

/// The aged sample's ids stale under a window of `days`.
fn expected_stale(layer: &str, days: u32) -> BTreeSet<String> {
    let rule = Freshness::new(beijing_today(), days);
    verified(layer).into_iter().filter(|(_, (_, at))| rule.is_stale(*at)).map(|(id, _)| id).collect()
}

fn get(url: &str) -> Value {
    let (status, _, body) = answer(ureq::get(url).call());
    assert_eq!(status, 200, "{url}: {body}");
    body
}

/// The ids of a page whose `stale` is true, checking every feature carries the flag.
fn stale_ids(page: &Value) -> BTreeSet<String> {
    common::features(page)
        .iter()
        .filter(|f| f["properties"]["stale"].as_bool().unwrap_or_else(|| panic!("no stale flag: {f}")))
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// Whether the tile feature with `id` has `stale` set.
fn tile_flag(base: &str, layer: &str, id: &str, at: geo::Coord) -> bool {
    let (x, y) = tile_of(at, 15);
    let r = response(ureq::get(&format!("{base}/tiles/{layer}/15/{x}/{y}.mvt")).call());
    assert_eq!(r.status(), 200);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    let tile = Tile::decode(bytes.as_slice()).unwrap();
    let layer = &tile.layers[0];
    let key = |name: &str| layer.keys.iter().position(|k| k == name).map(|i| i as u32);
    let id_key = key("id").unwrap();
    let feature = layer
        .features
        .iter()
        .find(|f| f.tags.chunks(2).any(|kv| kv[0] == id_key && layer.values[kv[1] as usize].string_value.as_deref() == Some(id)))
        .unwrap_or_else(|| panic!("{id} is not in its tile"));
    key("stale").is_some_and(|k| feature.tags.chunks(2).any(|kv| kv[0] == k && layer.values[kv[1] as usize].bool_value == Some(true)))
}

fn first_point(feature: &Value) -> geo::Coord {
    let g = &feature["geometry"];
    let mut c = &g["coordinates"];
    while c[0].is_array() {
        c = &c[0];
    }
    geo::Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() }
}

#[test]
fn items_filters_tiles_exports_the_stale_list_and_stats_agree_with_the_window() {
    let data = aged_sample();
    let (base, _store, _dir) = common::store_server_on(data.path(), chanye::http::Settings::default());
    for layer in ["parcels", "buildings"] {
        let expected = expected_stale(layer, 180);
        let all = verified(layer).len();
        assert!(!expected.is_empty() && expected.len() < all, "{layer}: the sample has stale and fresh features ({} of {all})", expected.len());
        let page = get(&format!("{base}/collections/{layer}/items?limit=10000"));
        assert_eq!(stale_ids(&page), expected, "{layer}: items");
        let filtered = get(&format!("{base}/collections/{layer}/items?limit=10000&filter=stale%20%3D%20true"));
        assert_eq!(common::features(&filtered).len(), expected.len(), "{layer}: the queryable");
        let export = get(&format!("{base}/api/v1/export/{layer}?format=geojson"));
        assert_eq!(stale_ids(&export), expected, "{layer}: the export");
        // one stale and one fresh feature as the tiles draw them
        let stale = common::features(&page).into_iter().find(|f| f["properties"]["stale"] == true).unwrap();
        let fresh = common::features(&page).into_iter().find(|f| f["properties"]["stale"] == false).unwrap();
        for (f, flag) in [(&stale, true), (&fresh, false)] {
            assert_eq!(tile_flag(&base, layer, f["id"].as_str().unwrap(), first_point(f)), flag, "{layer} tile: {}", f["id"]);
        }
    }
    // Miyun's 待核实 list: exactly its stale features, oldest first, with the days since
    let list = get(&format!("{base}/api/v1/stale?district={MIYUN}"));
    let today = beijing_today();
    assert_eq!((list["stale_after_days"].as_u64(), list["today"].as_str()), (Some(180), Some(today.to_string().as_str())));
    let rows = list["features"].as_array().unwrap();
    assert_eq!(list["count"].as_u64(), Some(rows.len() as u64));
    let mut want = BTreeSet::new();
    for layer in ["parcels", "buildings"] {
        let verified = verified(layer);
        want.extend(expected_stale(layer, 180).into_iter().filter(|id| verified[id].0 == MIYUN).map(|id| (layer.to_string(), id)));
    }
    let got: BTreeSet<(String, String)> = rows.iter().map(|r| (r["layer"].as_str().unwrap().to_string(), r["id"].as_str().unwrap().to_string())).collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let dates: Vec<chrono::NaiveDate> = rows.iter().map(|r| r["verified_at"].as_str().unwrap().parse().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first: {dates:?}");
    for (row, date) in rows.iter().zip(&dates) {
        assert_eq!(row["days_since_verified"].as_i64(), Some((today - *date).num_days()), "{row}");
    }
    let only_buildings = get(&format!("{base}/api/v1/stale?district={MIYUN}&layer=buildings"));
    assert!(only_buildings["features"].as_array().unwrap().iter().all(|r| r["layer"] == "buildings"));
    let (status, _, problem) = answer(ureq::get(&format!("{base}/api/v1/stale?district=999999")).call());
    assert_eq!((status, problem["parameter"].as_str()), (400, Some("district")), "{problem}");
    // the stats' shares of Miyun's spaces verified within 90 and 180 days
    let stats = get(&format!("{base}/api/v1/stats"));
    let row = stats["by_district"].as_array().unwrap().iter().find(|r| r["key"] == MIYUN).unwrap();
    for (days, field) in [(90, "verified_within_90d_share"), (180, "verified_within_180d_share")] {
        let rule = Freshness::new(today, days);
        let spaces: Vec<chrono::NaiveDate> = ["parcels", "buildings"].iter().flat_map(|l| verified(l).into_values()).filter(|(d, _)| d == MIYUN).map(|(_, at)| at).collect();
        let share = spaces.iter().filter(|at| !rule.is_stale(**at)).count() as f64 / spaces.len() as f64;
        assert!((row[field].as_f64().unwrap() - share).abs() < 1e-3, "{field}: {} against {share}", row[field]);
    }
}

#[test]
fn verifying_a_stale_feature_clears_it_in_items_tiles_and_the_list_and_is_audited() {
    let data = aged_sample();
    let (base, store, _dir) = common::store_server_on(data.path(), chanye::http::Settings::default());
    let promoter = store.create_token("miyun-zs", Role::Promoter, &Scope::District(MIYUN.into())).unwrap();
    let verified = verified("parcels");
    let id = expected_stale("parcels", 180).into_iter().find(|id| verified[id].0 == MIYUN).expect("a stale Miyun parcel");
    let r = response(ureq::get(&format!("{base}/collections/parcels/items/{id}")).call());
    let etag = r.header("ETag").unwrap().to_string();
    let before: Value = serde_json::from_reader(r.into_reader()).unwrap();
    assert_eq!(before["properties"]["stale"], true);
    let verify = |etag: &str| response(ureq::post(&format!("{base}/api/v1/parcels/{id}/verify")).set("Authorization", &format!("Bearer {promoter}")).set("If-Match", etag).call());
    let done = verify(&etag);
    assert_eq!(done.status(), 200);
    assert_ne!(done.header("ETag").unwrap(), etag);
    let after = get(&format!("{base}/collections/parcels/items/{id}"));
    assert_eq!((after["properties"]["stale"].as_bool(), after["properties"]["verified_at"].as_str()), (Some(false), Some(beijing_today().to_string().as_str())));
    assert!(!tile_flag(&base, "parcels", &id, first_point(&after)), "the hatch goes");
    let list = get(&format!("{base}/api/v1/stale?district={MIYUN}"));
    assert!(list["features"].as_array().unwrap().iter().all(|r| r["id"] != id.as_str()), "{list}");
    assert_eq!(verify(&etag).status(), 412, "the old ETag no longer holds");
    let audit = response(ureq::get(&format!("{base}/api/v1/audit?feature={id}")).set("Authorization", &format!("Bearer {promoter}")).call());
    let audit: Value = serde_json::from_reader(audit.into_reader()).unwrap();
    let entry = &audit["entries"][0];
    assert_eq!((entry["actor"].as_str(), entry["after"]["verified_at"].as_str()), (Some("miyun-zs"), Some(beijing_today().to_string().as_str())), "{audit}");
}

#[test]
fn serve_takes_the_window_from_stale_after_days() {
    let data = aged_sample();
    let store = data.path().join("chanye.gpkg");
    let (mut child, base) = common::serve_child(&["--data".as_ref(), data.path().as_os_str(), "--store".as_ref(), store.as_os_str(), "--stale-after-days".as_ref(), "240".as_ref()]);
    let list = get(&format!("{base}/api/v1/stale"));
    child.kill().unwrap();
    child.wait().unwrap();
    let want: usize = ["parcels", "buildings"].iter().map(|l| expected_stale(l, 240).len()).sum();
    let at_180: usize = ["parcels", "buildings"].iter().map(|l| expected_stale(l, 180).len()).sum();
    assert_ne!(want, at_180, "the sample tells the two windows apart");
    assert_eq!((list["stale_after_days"].as_u64(), list["count"].as_u64()), (Some(240), Some(want as u64)));
}
