//! The matcher on small hand-built inventories: one test per constraint (both sides of each
//! threshold), each criterion, weights, determinism, assembly and bad requests.

use crate::common;

use std::sync::Arc;

use chanye::inventory::load_dir_strict;
use chanye::matcher::{CandidateKind, MatchError, MatchResult, Matcher, ProjectRequest};
use chrono::NaiveDate;
use serde_json::{json, Value};

const AS_OF: &str = "2026-11-23";

fn today() -> NaiveDate {
    AS_OF.parse().unwrap()
}

/// Metres per degree of latitude; longitude scaled by cos(lat).
fn square(lon: f64, lat: f64, width_m: f64, height_m: f64) -> Value {
    let dy = height_m / 111_132.0;
    let dx = width_m / (111_320.0 * lat.to_radians().cos());
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + dx, lat], [lon + dx, lat + dy], [lon, lat + dy], [lon, lat]]]})
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

fn feature(id: &str, geometry: Value, properties: Value) -> Value {
    let mut p = properties;
    p["id"] = json!(id);
    p["source"] = json!("test fixture");
    p["verified_at"] = json!("2026-11-01");
    json!({"type": "Feature", "id": id, "geometry": geometry, "properties": p})
}

/// A parcel with sensible defaults; `overrides` replaces properties.
fn parcel(id: &str, lon: f64, lat: f64, side_m: f64, overrides: Value) -> Value {
    let mut props = json!({
        "name": format!("地块 {id}"), "status": "available", "land_use": "M1/M4", "max_far": 2.0,
        "land_price_wan_per_mu": 80.0, "supply_modes": ["出让"], "power_kva": 4000.0,
        "available_from": null, "rent_yuan_m2_day": null, "max_density": null, "height_limit_m": null
    });
    for (k, v) in overrides.as_object().unwrap() {
        props[k] = v.clone();
    }
    feature(id, square(lon, lat, side_m, side_m), props)
}

fn building(id: &str, lon: f64, lat: f64, overrides: Value) -> Value {
    let mut props = json!({
        "name": format!("楼宇 {id}"), "building_type": "标准厂房", "status": "available", "floors": 3,
        "floor_area_m2": 12000.0, "vacant_area_m2": 10000.0, "floor_load_kn_m2": 10.0, "clearance_m": 8.0,
        "rent_yuan_m2_day": 1.2, "industries": ["health.devices"]
    });
    for (k, v) in overrides.as_object().unwrap() {
        props[k] = v.clone();
    }
    feature(id, json!({"type": "Point", "coordinates": [lon, lat]}), props)
}

/// Two districts, three parks and two 园中园:
/// - 密云区 (110118, leading content), 门头沟区 (110109, leading health);
/// - 一号园 in 密云 (health.devices; negative list ic.fab; admission standards) with the zones
///   心血管园 (cardiovascular devices) and 生物医药园 (biopharma);
/// - 二号园 in 密云 (biomaterials, on the devices chain);
/// - 三号园 in 门头沟 (it; positive list health.devices).
fn inventory(parcels: Vec<Value>, buildings: Vec<Value>) -> Matcher {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, v: Value| std::fs::write(dir.path().join(name), serde_json::to_string(&v).unwrap()).unwrap();
    std::fs::copy(common::sample_dir().join("industries.json"), dir.path().join("industries.json")).unwrap();
    write("districts.geojson", common::collection(vec![
        feature("110118", rect(116.0, 40.0, 117.0, 41.0), json!({"name": "密云区", "industries": ["content"]})),
        feature("110109", rect(115.0, 40.0, 116.0, 41.0), json!({"name": "门头沟区", "industries": ["health"]})),
    ]));
    let standards = json!({"min_investment_wan_per_mu": 100, "min_output_wan_per_mu": 200, "min_tax_wan_per_mu": 10,
                           "min_far": 1.0, "max_office_share": 0.1, "min_building_coverage": 0.3,
                           "max_green_ratio": 0.2, "max_energy_tce_per_wan": 0.1});
    write("parks.geojson", common::collection(vec![
        feature("p1", rect(116.40, 40.40, 116.50, 40.50), json!({"name": "一号园", "level": "国家级", "district": "110118",
            "industries": ["health.devices"], "admission": standards, "positive_list": [], "negative_list": ["ic.fab"]})),
        feature("p2", rect(116.60, 40.40, 116.70, 40.50), json!({"name": "二号园", "level": "市级", "district": "110118",
            "industries": ["materials.biomaterials"], "admission": {}, "positive_list": [], "negative_list": []})),
        feature("p3", rect(115.40, 40.40, 115.50, 40.50), json!({"name": "三号园", "level": "区级", "district": "110109",
            "industries": ["it"], "admission": {}, "positive_list": ["health.devices"], "negative_list": []})),
    ]));
    write("zones.geojson", common::collection(vec![
        feature("z1", rect(116.40, 40.40, 116.45, 40.45), json!({"name": "心血管园", "park": "p1", "industries": ["health.devices.cardiovascular"]})),
        feature("z2", rect(116.45, 40.40, 116.50, 40.45), json!({"name": "生物医药园", "park": "p1", "industries": ["health.biopharma"]})),
    ]));
    write("parcels.geojson", common::collection(parcels));
    write("buildings.geojson", common::collection(buildings));
    std::fs::write(dir.path().join("policies.json"), POLICIES).unwrap();
    let snapshot = load_dir_strict(dir.path()).unwrap_or_else(|e| panic!("fixture loads: {e:?}")).snapshot;
    Matcher::new(Arc::new(snapshot))
}

const POLICIES: &str = r#"{"source": "test", "documents": [
  {"file": "doc.txt", "title_zh": "测试", "scope": "city", "status": "in_force"}],
  "measures": [
  {"id": "city-all", "scope": "city", "title_zh": "全市", "title_en": "City", "supports_zh": "s", "supports_en": "s", "beneficiary": "project", "status": "in_force", "benefit": {"kind": "service", "quote_zh": "q"}, "quote_zh": "q", "document": "doc.txt", "item": "一", "line": 1},
  {"id": "miyun-health", "scope": "district", "district": "110118", "title_zh": "密云医药", "title_en": "Miyun health", "supports_zh": "s", "supports_en": "s", "industries": ["health"], "beneficiary": "project", "status": "in_force", "benefit": {"kind": "service", "quote_zh": "q"}, "quote_zh": "q", "document": "doc.txt", "item": "二", "line": 1},
  {"id": "miyun-it", "scope": "district", "district": "110118", "title_zh": "密云信息", "title_en": "Miyun IT", "supports_zh": "s", "supports_en": "s", "industries": ["it"], "beneficiary": "project", "status": "in_force", "benefit": {"kind": "service", "quote_zh": "q"}, "quote_zh": "q", "document": "doc.txt", "item": "三", "line": 1},
  {"id": "p1-land", "scope": "park", "district": "110118", "park": "p1", "title_zh": "一号园用地", "title_en": "P1 land", "supports_zh": "s", "supports_en": "s", "space": ["land"], "beneficiary": "project", "status": "in_force", "benefit": {"kind": "service", "quote_zh": "q"}, "quote_zh": "q", "document": "doc.txt", "item": "四", "line": 1},
  {"id": "mtg-building", "scope": "district", "district": "110109", "title_zh": "门头沟厂房", "title_en": "Mentougou space", "supports_zh": "s", "supports_en": "s", "space": ["building"], "beneficiary": "project", "status": "in_force", "benefit": {"kind": "service", "quote_zh": "q"}, "quote_zh": "q", "document": "doc.txt", "item": "五", "line": 1}
]}"#;

/// A 100 m × 100 m parcel (15 亩) in 心血管园.
fn one(overrides: Value) -> Matcher {
    inventory(vec![parcel("a", 116.41, 40.41, 100.0, overrides)], vec![])
}

fn request(v: Value) -> ProjectRequest {
    let mut v = v;
    if v.get("industry").is_none() {
        v["industry"] = json!("心血管医疗器械");
    }
    v["as_of"] = json!(AS_OF);
    ProjectRequest::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn run(m: &Matcher, v: Value) -> MatchResult {
    m.run_on(&request(v), today()).unwrap()
}

fn ids(r: &MatchResult) -> Vec<&str> {
    r.candidates.iter().map(|c| c.id.as_str()).collect()
}

/// The constraints `id` fails, with their Chinese details.
fn why_not(m: &Matcher, v: Value, id: &str) -> Vec<(String, String)> {
    m.why_not(&request(v), id, today()).unwrap().expect("known id").into_iter().map(|f| (f.constraint, f.detail_zh)).collect()
}

/// Asserts the request passes `id`, and that `failing` fails it on exactly `constraint`
/// with a detail containing `detail`.
fn both_sides(m: &Matcher, passing: Value, failing: Value, constraint: &str, detail: &str) {
    let ok = why_not(m, passing.clone(), "a");
    assert!(ok.is_empty(), "expected a pass with {passing}, got {ok:?}");
    assert_eq!(ids(&run(m, passing)), ["a"]);
    let failed = why_not(m, failing.clone(), "a");
    assert_eq!(failed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), [constraint], "{failing}");
    assert!(failed[0].1.contains(detail), "'{}' should contain '{detail}'", failed[0].1);
    let r = run(m, failing);
    assert!(r.candidates.is_empty());
    assert_eq!(r.excluded_counts.get(constraint), Some(&1), "{:?}", r.excluded_counts);
}

fn area_mu(m: &Matcher, id: &str) -> f64 {
    m.snapshot().parcels.get(id).unwrap().area.to_mu().0
}

#[test]
fn status_available_or_idle_for_renewal() {
    let m = one(json!({"status": "idle"}));
    both_sides(&m, json!({"include_idle": true}), json!({}), "status", "状态为闲置/低效");
    let sold = one(json!({"status": "sold"}));
    assert_eq!(why_not(&sold, json!({"include_idle": true}), "a")[0].1, "状态为已出让，不可供应");
}

#[test]
fn land_use_compatible_serves_either() {
    let m = one(json!({"land_use": "M1/M4"}));
    assert!(why_not(&m, json!({"land_use": ["M4"]}), "a").is_empty());
    assert!(why_not(&m, json!({"land_use": ["M1"]}), "a").is_empty());
    let m = one(json!({"land_use": "M1"}));
    both_sides(&m, json!({"land_use": ["M1", "M4"]}), json!({"land_use": ["M4"]}), "land_use", "用地性质 M1，项目需要 M4");
}

#[test]
fn land_area_both_bounds() {
    let m = one(json!({}));
    let mu = area_mu(&m, "a");
    both_sides(&m, json!({"land_area_mu": {"min": mu - 0.01}}), json!({"land_area_mu": {"min": mu + 0.5}}), "land_area", "< 需求");
    both_sides(&m, json!({"land_area_mu": {"max": mu + 0.01}}), json!({"land_area_mu": {"max": mu - 0.5}}), "land_area", "> 上限");
    let m2 = mu * 10_000.0 / 15.0;
    both_sides(&m, json!({"land_area_m2": {"min": m2 - 1.0}}), json!({"land_area_m2": {"min": m2 + 300.0}}), "land_area", "亩 < 需求");
}

#[test]
fn floor_area_must_fit_under_the_far() {
    let m = one(json!({"max_far": 2.0}));
    let buildable = m.snapshot().parcels.get("a").unwrap().area.0 * 2.0;
    both_sides(&m, json!({"floor_area_m2": buildable - 1.0}), json!({"floor_area_m2": buildable + 1.0}), "floor_area", "可建面积");
}

#[test]
fn planned_far_within_parcel_max_and_park_min() {
    let m = one(json!({"max_far": 2.0}));
    both_sides(&m, json!({"planned_far": 2.0}), json!({"planned_far": 2.1}), "max_far", "规划容积率 2.1 > 地块上限 2");
    both_sides(&m, json!({"planned_far": 1.0}), json!({"planned_far": 0.9}), "min_far", "规划容积率 0.9 < 一号园下限 1");
}

#[test]
fn negative_list_refuses_the_industry() {
    let m = one(json!({}));
    // 封装测试 makes things; 芯片设计 (ic.design) is a service, which manufacturing_only keeps off this M1/M4 land
    both_sides(&m, json!({"industry": "ic.packaging"}), json!({"industry": "晶圆制造"}), "negative_list", "负面清单");
}

#[test]
fn admission_per_mu_both_sides() {
    let m = one(json!({}));
    let mu = area_mu(&m, "a");
    // 投资强度 100 万元/亩: investment / area in 亩
    both_sides(&m, json!({"investment_wan": 100.0 * mu + 1.0}), json!({"investment_wan": 100.0 * mu - 1.0}), "investment_intensity", "< 一号园准入标准 100 万元/亩");
    both_sides(&m, json!({"annual_output_wan": 200.0 * mu + 1.0}), json!({"annual_output_wan": 200.0 * mu - 1.0}), "output_per_mu", "地均产值");
    both_sides(&m, json!({"annual_tax_wan": 10.0 * mu + 0.1}), json!({"annual_tax_wan": 10.0 * mu - 0.1}), "tax_per_mu", "地均税收");
}

#[test]
fn planning_indicators_where_stated() {
    // the park's planning indicators bind its land; space in its buildings is already built
    let mixed = inventory(vec![parcel("a", 116.41, 40.41, 100.0, json!({}))], vec![building("b", 116.412, 40.412, json!({}))]);
    let r = run(&mixed, json!({"office_share": 0.12}));
    assert_eq!(ids(&r), ["b"]);
    assert_eq!(r.excluded_counts.get("office_share"), Some(&1), "{:?}", r.excluded_counts);
    let m = one(json!({}));
    both_sides(&m, json!({"office_share": 0.1}), json!({"office_share": 0.12}), "office_share", "12% > 一号园上限 10%");
    both_sides(&m, json!({"building_coverage": 0.3}), json!({"building_coverage": 0.25}), "building_coverage", "25% < 一号园下限 30%");
    both_sides(&m, json!({"green_ratio": 0.2}), json!({"green_ratio": 0.3}), "green_ratio", "绿地率");
    both_sides(&m, json!({"energy_tce_per_wan": 0.1}), json!({"energy_tce_per_wan": 0.2}), "energy_use", "产值能耗");
}

#[test]
fn district_park_and_zone_limits() {
    let m = one(json!({}));
    both_sides(&m, json!({"districts": ["密云"]}), json!({"districts": ["110109"]}), "district", "位于密云区");
    both_sides(&m, json!({"parks": ["一号园"]}), json!({"parks": ["p2"]}), "park", "位于心血管园");
    both_sides(&m, json!({"parks": ["z1"]}), json!({"parks": ["生物医药园"]}), "park", "不在所选园区");
}

#[test]
fn space_not_on_offer_counts_under_status_alone() {
    // "sold" is too small as well; "small" is on offer and too small; "far" is out of scope
    let m = inventory(
        vec![
            parcel("sold", 116.41, 40.41, 100.0, json!({"status": "sold"})),
            parcel("small", 116.412, 40.41, 100.0, json!({})),
            parcel("big", 116.414, 40.41, 200.0, json!({})),
            parcel("far", 115.41, 40.41, 100.0, json!({"status": "sold"})),
        ],
        vec![],
    );
    let counts = |v: Value| run(&m, v).excluded_counts;
    let wanted = json!({"industry": "心血管医疗器械", "space": "land", "land_area_mu": {"min": 20}, "districts": ["110118"]});
    let by_columns = counts(wanted.clone());
    assert_eq!(by_columns.get("status"), Some(&1), "{by_columns:?}");
    assert_eq!(by_columns.get("land_area"), Some(&1), "{by_columns:?}");
    assert_eq!(by_columns.get("district"), Some(&1), "{by_columns:?}");
    // the same rule when the R-tree picks the rows
    let mut near = wanted;
    near["near"] = json!({"lon": 116.41, "lat": 40.41, "max_km": 5});
    let by_tree = counts(near);
    assert_eq!((by_tree.get("status"), by_tree.get("land_area"), by_tree.get("district")), (Some(&1), Some(&1), None), "{by_tree:?}");
    assert_eq!(by_tree.get("distance"), Some(&1), "{by_tree:?}");
}

#[test]
fn area_of_interest_and_distance() {
    let m = one(json!({}));
    both_sides(&m, json!({"within": rect(116.40, 40.40, 116.42, 40.42)}), json!({"within": rect(116.42, 40.42, 116.44, 40.44)}), "within", "不在所选范围");
    // the parcel's west edge is at 116.41; a point 0.01° (≈ 847 m) west of it
    both_sides(&m, json!({"near": {"lon": 116.40, "lat": 40.4105, "max_km": 0.9}}), json!({"near": {"lon": 116.40, "lat": 40.4105, "max_km": 0.8}}), "distance", "> 上限 0.8 km");
}

#[test]
fn supply_mode_date_price_and_power() {
    let m = one(json!({"supply_modes": ["租赁", "先租后让"], "available_from": "2027-03-01", "land_price_wan_per_mu": 90.0,
                       "rent_yuan_m2_day": 0.5, "power_kva": 3000.0}));
    both_sides(&m, json!({"supply_modes": ["先租后让"]}), json!({"supply_modes": ["出让"]}), "supply_mode", "供地方式为租赁、先租后让，项目需要出让");
    both_sides(&m, json!({"needed_by": "2027-03-01"}), json!({"needed_by": "2027-02-28"}), "available_by", "2027-03-01 起可供，晚于需求日期 2027-02-28（1 天）");
    both_sides(&m, json!({"max_land_price_wan_per_mu": 90.0}), json!({"max_land_price_wan_per_mu": 89.9}), "land_price", "地价 90 万元/亩 > 上限 89.9");
    both_sides(&m, json!({"max_rent_yuan_m2_day": 0.5}), json!({"max_rent_yuan_m2_day": 0.45}), "rent", "租金 0.5");
    both_sides(&m, json!({"power_kva": 3000.0}), json!({"power_kva": 3001.0}), "power", "供电容量 3000 kVA < 需求 3001 kVA");
}

#[test]
fn building_needs() {
    let m = inventory(vec![], vec![building("a", 115.41, 40.41, json!({"vacant_area_m2": 5000.0, "floor_load_kn_m2": 8.0, "clearance_m": 6.0}))]);
    let base = json!({"space": "building"});
    let with = |extra: Value| {
        let mut v = base.clone();
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    both_sides(&m, with(json!({"floor_area_m2": 5000.0})), with(json!({"floor_area_m2": 5001.0})), "floor_area", "空置面积 5000㎡ < 需求 5001㎡");
    both_sides(&m, with(json!({"floor_load_kn_m2": 8.0})), with(json!({"floor_load_kn_m2": 8.5})), "floor_load", "楼面荷载 8 kN/㎡ < 需求 8.5");
    both_sides(&m, with(json!({"clearance_m": 6.0})), with(json!({"clearance_m": 7.0})), "clearance", "净高 6 m < 需求 7 m");
    both_sides(&m, with(json!({"building_types": ["标准厂房"]})), with(json!({"building_types": ["研发楼"]})), "building_type", "标准厂房");
    // a land request does not look at buildings, a building request not at land
    assert!(run(&m, json!({"space": "land"})).candidates.is_empty());
}

/// One parcel per place, each 15 亩, for industry fit.
fn places() -> Matcher {
    inventory(
        vec![
            parcel("in-cardio-zone", 116.41, 40.41, 100.0, json!({})),
            parcel("in-biopharma-zone", 116.46, 40.41, 100.0, json!({})),
            parcel("in-park-1", 116.41, 40.47, 100.0, json!({})),
            parcel("in-park-2", 116.61, 40.41, 100.0, json!({})),
            parcel("in-park-3", 115.41, 40.41, 100.0, json!({})),
            parcel("mentougou-no-park", 115.20, 40.20, 100.0, json!({})),
            parcel("miyun-no-park", 116.20, 40.20, 100.0, json!({})),
        ],
        vec![],
    )
}

fn industry_criterion(r: &MatchResult, id: &str) -> (f64, String) {
    let c = r.candidates.iter().find(|c| c.id == id).unwrap();
    let k = c.criteria.iter().find(|k| k.name == "industry").unwrap();
    (k.score, k.reason_zh.clone())
}

#[test]
fn industry_fit_follows_the_catalogue_and_the_scopes() {
    let m = places();
    let r = run(&m, json!({"weights": {"industry": 1, "area": 0, "price": 0, "readiness": 0, "distance": 0, "power": 0}}));
    assert_eq!(
        ids(&r),
        ["in-cardio-zone", "in-biopharma-zone", "in-park-1", "in-park-3", "mentougou-no-park", "in-park-2", "miyun-no-park"]
    );
    // same segment in the zone
    assert_eq!(industry_criterion(&r, "in-cardio-zone"), (100.0, "位于心血管园（园中园），主导产业即心血管医疗器械".into()));
    // the park's devices segment covers the project better than the biopharma zone's category
    let (score, reason) = industry_criterion(&r, "in-biopharma-zone");
    assert_eq!(score, 85.0);
    assert!(reason.contains("位于一号园，主导产业医疗器械与本项目（心血管医疗器械）同属一个细分领域"), "{reason}");
    // district category, with a park's positive list bonus
    assert_eq!(industry_criterion(&r, "in-park-3").0, 59.0);
    assert!(industry_criterion(&r, "in-park-3").1.contains("属三号园正面清单，加 10 分"));
    assert_eq!(industry_criterion(&r, "mentougou-no-park"), (49.0, "位于门头沟区，主导产业医药健康涵盖本项目（心血管医疗器械）".into()));
    // related along the chain (biomaterials ↔ medical devices)
    let (score, reason) = industry_criterion(&r, "in-park-2");
    assert!((score - 38.25).abs() < 0.1, "{score}");
    assert!(reason.contains("同一产业链"), "{reason}");
    assert_eq!(industry_criterion(&r, "miyun-no-park").0, 0.0);

    // a biopharma project: the zone's own specialisation beats the park's related segment
    let r = run(&m, json!({"industry": "生物医药", "weights": {"industry": 1, "area": 0, "price": 0, "readiness": 0, "distance": 0, "power": 0}}));
    assert_eq!(ids(&r)[0], "in-biopharma-zone");
    assert_eq!(industry_criterion(&r, "in-biopharma-zone").1, "位于生物医药园（园中园），主导产业即生物医药");
}

#[test]
fn area_fit_prefers_the_closest_size() {
    let m = inventory(
        vec![
            parcel("exact", 116.41, 40.41, 100.0, json!({})),
            parcel("double", 116.42, 40.41, 141.42, json!({})),
            parcel("half", 116.43, 40.41, 70.71, json!({})),
        ],
        vec![],
    );
    let mu = area_mu(&m, "exact");
    // the requested size is the middle of the range: 1.25 × the exact parcel
    let r = run(&m, json!({"land_area_mu": {"min": mu * 0.49, "max": mu * 2.01}, "weights": {"area": 1, "industry": 0, "price": 0, "readiness": 0, "power": 0}}));
    assert_eq!(ids(&r), ["exact", "double", "half"]);
    let area = |id: &str| r.candidates.iter().find(|c| c.id == id).unwrap().criteria.iter().find(|k| k.name == "area").unwrap().score;
    assert!((area("exact") - 80.0).abs() < 0.5, "{}", area("exact"));
    assert!((area("double") - 62.5).abs() < 0.5, "{}", area("double"));
    assert!((area("half") - 40.0).abs() < 0.5, "{}", area("half"));
    // with only a minimum, every extra 亩 is waste
    let r = run(&m, json!({"land_area_mu": {"min": mu * 0.49}, "weights": {"area": 1, "industry": 0, "price": 0, "readiness": 0, "power": 0}}));
    assert_eq!(ids(&r), ["half", "exact", "double"]);
}

#[test]
fn price_distance_readiness_and_power_scores() {
    let m = inventory(
        vec![
            parcel("cheap-far-late", 116.41, 40.41, 100.0, json!({"land_price_wan_per_mu": 40.0, "available_from": "2027-05-23", "power_kva": 2000.0})),
            parcel("dear-near-now", 116.44, 40.44, 100.0, json!({"land_price_wan_per_mu": 120.0, "power_kva": 8000.0})),
        ],
        vec![],
    );
    let only = |c: &str| {
        let mut w = json!({"industry": 0, "area": 0, "price": 0, "readiness": 0, "distance": 0, "power": 0});
        w[c] = json!(1);
        w
    };
    let price = run(&m, json!({"max_land_price_wan_per_mu": 120.0, "weights": only("price")}));
    assert_eq!(ids(&price), ["cheap-far-late", "dear-near-now"]);
    assert_eq!(price.candidates[1].criteria.iter().find(|k| k.name == "price").unwrap().score, 50.0);
    let near = run(&m, json!({"near": {"lon": 116.4405, "lat": 40.4405}, "weights": only("distance")}));
    assert_eq!(ids(&near), ["dear-near-now", "cheap-far-late"]);
    assert_eq!(near.candidates[0].criteria.iter().find(|k| k.name == "distance").unwrap().reason_zh, "距指定位置 0 km");
    let ready = run(&m, json!({"weights": only("readiness")}));
    assert_eq!(ids(&ready), ["dear-near-now", "cheap-far-late"]);
    assert!(ready.candidates[1].criteria.iter().any(|k| k.reason_zh.starts_with("2027-05-23 起可供")));
    let power = run(&m, json!({"power_kva": 2000.0, "weights": only("power")}));
    assert_eq!(ids(&power), ["dear-near-now", "cheap-far-late"]);
    assert_eq!(power.candidates[1].criteria.iter().find(|k| k.name == "power").unwrap().score, 60.0);
    // without a stated need, power is not scored at all
    assert!(!ready.candidates[0].criteria.iter().any(|k| k.name == "power"));
}

#[test]
fn weights_change_the_order_as_documented() {
    let m = inventory(
        vec![
            parcel("fits-industry", 116.41, 40.41, 100.0, json!({"land_price_wan_per_mu": 150.0})),
            parcel("cheap-elsewhere", 116.20, 40.20, 100.0, json!({"land_price_wan_per_mu": 20.0})),
        ],
        vec![],
    );
    let by_industry = run(&m, json!({"weights": {"industry": 100, "price": 1}}));
    assert_eq!(ids(&by_industry), ["fits-industry", "cheap-elsewhere"]);
    let by_price = run(&m, json!({"weights": {"industry": 1, "price": 100}}));
    assert_eq!(ids(&by_price), ["cheap-elsewhere", "fits-industry"]);
    // the score is the weighted mean of the listed criteria
    let c = &by_price.candidates[0];
    let (sum, w) = c.criteria.iter().fold((0.0, 0.0), |(s, w), k| (s + k.score * k.weight, w + k.weight));
    assert!((c.score - sum / w).abs() < 0.2, "{} vs {}", c.score, sum / w);
    assert_eq!(by_price.weights["price"], 100.0);
}

#[test]
fn equal_scores_break_ties_by_id_and_runs_repeat() {
    let parcels: Vec<Value> = (0..12).rev().map(|i| parcel(&format!("t{i:02}"), 116.41 + 0.002 * i as f64, 40.41, 100.0, json!({}))).collect();
    let m = inventory(parcels, vec![]);
    let r = run(&m, json!({"limit": 12}));
    let expected: Vec<String> = (0..12).map(|i| format!("t{i:02}")).collect();
    assert_eq!(ids(&r), expected);
    assert_eq!(r.candidates.iter().map(|c| c.rank).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    for _ in 0..5 {
        assert_eq!(run(&m, json!({"limit": 12})), r);
    }
    assert_eq!(ids(&run(&m, json!({"limit": 3}))), ["t00", "t01", "t02"]);
}

#[test]
fn near_misses_say_by_how_much() {
    let m = one(json!({}));
    let mu = area_mu(&m, "a");
    let r = run(&m, json!({"land_area_mu": {"min": 100.0}}));
    assert!(r.candidates.is_empty());
    let miss = &r.near_misses[0];
    assert_eq!(miss.id, "a");
    assert_eq!(miss.failed[0].constraint, "land_area");
    assert_eq!(miss.failed[0].detail_zh, format!("面积 {} 亩 < 需求 100 亩", chanye::matcher::explain::num(mu, 2)));
    assert!(miss.failed[0].detail_en.starts_with("Area "));
    // taken land is not a near miss
    let sold = one(json!({"status": "sold"}));
    assert!(run(&sold, json!({"land_area_mu": {"min": 100.0}})).near_misses.is_empty());
}

#[test]
fn policies_follow_district_park_industry_and_space() {
    let m = inventory(vec![parcel("a", 116.41, 40.41, 100.0, json!({}))], vec![building("b", 115.41, 40.41, json!({}))]);
    let r = run(&m, json!({}));
    let policies = |id: &str| -> Vec<String> { r.candidates.iter().find(|c| c.id == id).unwrap().policies.iter().map(|p| p.measure.id.clone()).collect() };
    assert_eq!(policies("a"), ["p1-land", "miyun-health", "city-all"]);
    assert_eq!(policies("b"), ["mtg-building", "city-all"]);
    let first = &r.candidates.iter().find(|c| c.id == "a").unwrap().policies[0];
    assert_eq!((first.measure.document.as_str(), first.measure.item.as_str()), ("doc.txt", "四"));
}

/// Three 10 亩 parcels in 一号园: `w` and `e` share an edge, `far` stands 50 m east of `e`.
fn neighbours() -> Matcher {
    let lat = 40.41;
    let side = 81.65; // ≈ 10 亩
    let dx = side / (111_320.0 * f64::to_radians(lat).cos());
    let gap = 50.0 / (111_320.0 * f64::to_radians(lat).cos());
    inventory(
        vec![
            parcel("w", 116.41, lat, side, json!({})),
            parcel("e", 116.41 + dx, lat, side, json!({})),
            parcel("far", 116.41 + 2.0 * dx + gap, lat, side, json!({})),
            parcel("taken", 116.41, lat + side / 111_132.0, side, json!({"status": "sold"})),
        ],
        vec![],
    )
}

#[test]
fn assemblies_only_of_parcels_that_touch() {
    let m = neighbours();
    let r = run(&m, json!({"land_area_mu": {"min": 15.0}}));
    assert_eq!(ids(&r), ["e+w"]);
    let a = &r.candidates[0];
    assert_eq!(a.kind, CandidateKind::Assembly);
    assert_eq!(a.members, ["e", "w"]);
    assert!((a.area_mu.unwrap() - (area_mu(&m, "w") + area_mu(&m, "e"))).abs() < 0.02);
    // `far` is 50 m away and `taken` is sold: neither joins, even though w+taken would touch
    let r = run(&m, json!({"land_area_mu": {"min": 25.0}}));
    assert!(r.candidates.is_empty(), "{:?}", ids(&r));
}

#[test]
fn assemblies_only_inside_a_park() {
    let (lat, side) = (40.41, 81.65);
    let dx = side / (111_320.0 * f64::to_radians(lat).cos());
    // two touching parcels in 密云区 but outside every park
    let m = inventory(vec![parcel("w", 116.1, lat, side, json!({})), parcel("e", 116.1 + dx, lat, side, json!({}))], vec![]);
    assert_eq!(m.snapshot().parcels.get("w").unwrap().park, None);
    let r = run(&m, json!({"land_area_mu": {"min": 15.0}}));
    assert!(r.candidates.is_empty(), "{:?}", ids(&r));
}

#[test]
fn assemblies_are_checked_as_a_whole() {
    let m = neighbours();
    let total = area_mu(&m, "w") + area_mu(&m, "e");
    // each member passes the 100 万元/亩 investment intensity alone, the pair does not
    let r = run(&m, json!({"land_area_mu": {"min": 15.0}, "investment_wan": 100.0 * total - 10.0}));
    assert!(r.candidates.is_empty());
    let r = run(&m, json!({"land_area_mu": {"min": 15.0}, "investment_wan": 100.0 * total + 10.0}));
    assert_eq!(ids(&r), ["e+w"]);
}

fn refused(v: Value) -> MatchError {
    let mut v = v;
    if v.get("industry").is_none() {
        v["industry"] = json!("心血管医疗器械");
    }
    let m = one(json!({}));
    match ProjectRequest::from_json(&v.to_string()) {
        Err(e) => e,
        Ok(r) => m.run_on(&r, today()).unwrap_err(),
    }
}

#[test]
fn bad_requests_name_the_field_and_the_reason() {
    let cases: &[(Value, &str, &str)] = &[
        (json!({"industry": "造纸"}), "industry", "not in the industry catalogue"),
        (json!({"industry": ""}), "industry", "required"),
        (json!({"land_area_mu": {"min": -5}}), "land_area_mu.min", "must not be negative"),
        (json!({"land_area_mu": {"min": 50, "max": 20}}), "land_area_mu", "min 50 is greater than max 20"),
        (json!({"land_area_mu": {}}), "land_area_mu", "give min, max or both"),
        (json!({"land_area_mu": {"min": 1}, "land_area_m2": {"min": 1}}), "land_area_m2", "not both"),
        (json!({"weights": {"industry": 0, "area": 0, "price": 0, "distance": 0, "readiness": 0, "power": 0}}), "weights", "all weights are zero"),
        (json!({"weights": {"beauty": 3}}), "weights.beauty", "not a criterion"),
        (json!({"weights": {"price": -1}}), "weights.price", "must not be negative"),
        (json!({"weights": {"industry": 1e308, "readiness": 1e308}}), "weights.industry", "above the largest weight"),
        (json!({"land_use": ["M1", "M9"]}), "land_use[1]", "'M9' is not one of M1, M4, M1/M4"),
        (json!({"land_use": ["B29"]}), "land_use[0]", "not one of M1, M4"),
        (json!({"supply_modes": ["赠送"]}), "supply_modes[0]", "'赠送' is not one of 出让"),
        (json!({"districts": ["朝阳"]}), "districts[0]", "not a district"),
        (json!({"parks": ["nowhere"]}), "parks[0]", "not a park"),
        (json!({"space": "sky"}), "space", "unknown variant"),
        (json!({"limit": 0}), "limit", "outside"),
        (json!({"near": {"lon": 200, "lat": 40}}), "near.lon", "not a longitude"),
        (json!({"near": {"lon": 116, "lat": 40, "max_km": 0}}), "near.max_km", "greater than 0"),
        (json!({"within": {"type": "Point", "coordinates": [116, 40]}}), "within", "Polygon or MultiPolygon"),
        (json!({"within": {"type": "Polygon", "coordinates": [[[116, 40], [117, 41], [117, 40], [116, 41], [116, 40]]]}}), "within", "intersect"),
        (json!({"needed_by": "next spring"}), "needed_by", "input"),
        (json!({"lnad_area_mu": {"min": 5}}), "lnad_area_mu", "unknown field"),
        (json!({"investment_wan": "lots"}), "investment_wan", "string \"lots\", expected a number"),
        // valid JSON of the wrong type is a field problem, not a syntax one
        (json!({"space": null}), "space", "null, expected"),
        (json!({"space": 5}), "space", "integer '5', expected"),
        // 1e308 亩 is finite, its square metres are not
        (json!({"land_area_mu": {"min": 1e308}}), "land_area_mu.min", "too large"),
        (json!({"land_area_mu": {"max": 1e308}}), "land_area_mu.max", "too large"),
    ];
    for (body, field, reason) in cases {
        let e = refused(body.clone());
        assert_eq!(e.field_name(), Some(*field), "{body} → {e}");
        assert!(e.to_string().contains(reason), "{body} → '{e}' lacks '{reason}'");
    }
    assert!(matches!(ProjectRequest::from_json("{\"industry\": "), Err(MatchError::Syntax(_))));
    assert!(ProjectRequest::from_json(r#"{"name": "x"}"#).unwrap_err().to_string().contains("industry"));
}

/// A matcher patched for status changes answers exactly as one built afresh: every sample
/// project, with and without idle space, after rounds of random status changes that move
/// rows in and out of the available and idle parts.
#[test]
fn a_matcher_patched_for_status_changes_equals_one_built_afresh() {
    use chanye::inventory::LayerName;
    use chanye::model::SpaceStatus;
    use rand::{Rng, SeedableRng};

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects");
    let mut projects: Vec<Value> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "expected.json") && p.extension().is_some_and(|e| e == "json"))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    projects.sort_by_key(|p| p.to_string());
    let with_idle: Vec<Value> = projects
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p["include_idle"] = json!(true);
            p["limit"] = json!(50);
            p
        })
        .collect();
    projects.extend(with_idle);
    assert!(projects.len() >= 16);

    let mut snapshot = Arc::new(load_dir_strict(&common::sample_dir()).unwrap().snapshot);
    let mut patched = Matcher::new(snapshot.clone());
    let statuses = [SpaceStatus::Available, SpaceStatus::Idle, SpaceStatus::Negotiating, SpaceStatus::Reserved, SpaceStatus::Leased];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for round in 0..6 {
        let mut spaces = Vec::new();
        let mut changed = Vec::new();
        for _ in 0..25 {
            let (layer, n) = if rng.gen_bool(0.7) { (LayerName::Parcels, snapshot.parcels.len()) } else { (LayerName::Buildings, snapshot.buildings.len()) };
            let id = match layer {
                LayerName::Parcels => snapshot.parcels.at(rng.gen_range(0..n as u32)).id.clone(),
                _ => snapshot.buildings.at(rng.gen_range(0..n as u32)).id.clone(),
            };
            if changed.contains(&(layer, id.clone())) {
                continue;
            }
            let to = statuses[rng.gen_range(0..statuses.len())];
            spaces.push(snapshot.space(layer, &id).unwrap().with_status(to, None, None));
            changed.push((layer, id));
        }
        snapshot = Arc::new(snapshot.with_spaces(spaces, &[]));
        patched = patched.with_statuses(snapshot.clone(), &changed);
        let fresh = Matcher::new(snapshot.clone());
        for project in &projects {
            let request = ProjectRequest::from_json(&project.to_string()).unwrap();
            let a = serde_json::to_value(patched.run_on(&request, today()).unwrap()).unwrap();
            let b = serde_json::to_value(fresh.run_on(&request, today()).unwrap()).unwrap();
            assert!(a == b, "round {round}, {}: the patched matcher differs", project["name"]);
        }
    }
}
