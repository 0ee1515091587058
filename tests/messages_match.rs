//! The matcher's refusals in Chinese (issue 17 item 12): each bad request, decoded and resolved
//! by the matcher's own parser, has a Chinese detail that names the field and holds no English
//! beyond field names, codes and numbers.

use crate::common;
use common::has_cjk;

use std::sync::OnceLock;

use chanye::error::Classified;
use chanye::inventory::{load_dir_strict, Snapshot};
use chanye::matcher::criteria::Criterion;
use chanye::matcher::{MatchError, ProjectRequest, Requirements};
use chrono::NaiveDate;
use serde_json::{json, Value};

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| load_dir_strict(&common::sample_dir()).unwrap().snapshot)
}

/// The error of a request body, from parsing or from resolving it against the sample.
fn refused(text: &str) -> MatchError {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    match ProjectRequest::from_json(text) {
        Err(e) => e,
        Ok(r) => Requirements::resolve(&r, snapshot(), today).expect_err(text),
    }
}

/// A body with a valid industry unless it names one.
fn body(fields: Value) -> String {
    let mut body = json!({"industry": "心血管医疗器械"});
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    body.to_string()
}

/// Latin words a Chinese reader may meet: the request's field names (as serde knows them),
/// criterion and space names, and the codes of formats and routes.
fn codes() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    // serde lists the fields of each object it refuses an unknown field in
    for probe in [r#"{"?": 1}"#, r#"{"industry": "x", "land_area_mu": {"?": 1}}"#, r#"{"industry": "x", "near": {"?": 1}}"#] {
        let message = serde_json::from_str::<ProjectRequest>(probe).unwrap_err().to_string();
        words.extend(message.split('`').skip(3).step_by(2).map(String::from));
    }
    words.extend(Criterion::ALL.iter().map(|c| c.name().to_string()));
    words.extend(["land", "building", "any"].map(String::from));
    words.extend(["GeoJSON", "Polygon", "MultiPolygon", "type", "coordinates", "JSON", "GET", "api", "v1", "industries", "true", "false", "null", "M1", "M4", "miyun", "zgc"].map(String::from));
    // units: m², kVA, kN/m²
    words.extend(["m", "kVA", "kN"].map(String::from));
    words
}

/// The Latin words of `text` that are neither allowed here nor codes nor numbers.
fn english_words(text: &str, allowed: &[&str], codes: &[String]) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()) && w.parse::<f64>().is_err())
        .filter(|w| !allowed.contains(w) && !codes.iter().any(|c| c == w))
        .map(String::from)
        .collect()
}


#[test]
fn every_refused_field_reads_in_chinese() {
    let self_crossing = json!({"type": "Polygon", "coordinates": [[[116, 40], [117, 41], [117, 40], [116, 41], [116, 40]]]});
    // body, field blamed, the words the request itself gave
    let cases: Vec<(String, &str, &[&str])> = vec![
        (body(json!({"industry": "星际采矿"})), "industry", &[]),
        (body(json!({"industry": " "})), "industry", &[]),
        (json!({"name": "x"}).to_string(), "industry", &["x"]),
        ("5".to_string(), "body", &[]),
        (body(json!({"land_area_mu": {"min": -5}})), "land_area_mu.min", &[]),
        (body(json!({"land_area_mu": {"min": 120, "max": 80}})), "land_area_mu", &[]),
        (body(json!({"land_area_mu": {}})), "land_area_mu", &[]),
        (body(json!({"land_area_mu": 5})), "land_area_mu", &[]),
        (body(json!({"land_area_mu": {"min": 1e308}})), "land_area_mu.min", &[]),
        (body(json!({"land_area_mu": {"min": 1}, "land_area_m2": {"min": 1}})), "land_area_m2", &[]),
        (body(json!({"lnad_area_mu": {"min": 5}})), "lnad_area_mu", &[]),
        (body(json!({"floor_area_m2": 0})), "floor_area_m2", &[]),
        (body(json!({"power_kva": -1})), "power_kva", &[]),
        (body(json!({"investment_wan": "lots"})), "investment_wan", &["lots"]),
        (body(json!({"green_ratio": 1.5})), "green_ratio", &[]),
        (body(json!({"weights": {"industry": 0, "area": 0, "price": 0, "distance": 0, "readiness": 0, "power": 0}})), "weights", &[]),
        (body(json!({"weights": {"beauty": 3}})), "weights.beauty", &[]),
        (body(json!({"weights": {"price": -1}})), "weights.price", &[]),
        (body(json!({"weights": {"industry": 1e308, "readiness": 1e308}})), "weights.industry", &[]),
        (body(json!({"weights": [1]})), "weights", &[]),
        (body(json!({"land_use": ["M1", "M9"]})), "land_use[1]", &["M9"]),
        (body(json!({"land_use": []})), "land_use", &[]),
        (body(json!({"supply_modes": ["赠送"]})), "supply_modes[0]", &[]),
        (body(json!({"building_types": ["仓库"]})), "building_types[0]", &[]),
        (body(json!({"districts": ["浦东"]})), "districts[0]", &[]),
        (body(json!({"districts": "密云"})), "districts", &[]),
        (body(json!({"parks": ["nowhere"]})), "parks[0]", &["nowhere"]),
        (body(json!({"space": "sky"})), "space", &["sky"]),
        (body(json!({"space": null})), "space", &[]),
        (body(json!({"space": 5})), "space", &[]),
        (body(json!({"include_idle": "yes"})), "include_idle", &["yes"]),
        (body(json!({"limit": 0})), "limit", &[]),
        (body(json!({"limit": -1})), "limit", &[]),
        (body(json!({"limit": 1.5})), "limit", &[]),
        (body(json!({"near_miss_limit": 5000})), "near_miss_limit", &[]),
        (body(json!({"near": "somewhere"})), "near", &["somewhere"]),
        (body(json!({"near": {"lon": 200, "lat": 40}})), "near.lon", &[]),
        (body(json!({"near": {"lon": 116, "lat": 95}})), "near.lat", &[]),
        (body(json!({"near": {"lon": 116, "lat": 40, "max_km": 0}})), "near.max_km", &[]),
        (body(json!({"within": {"type": "Point", "coordinates": [116, 40]}})), "within", &["Point"]),
        (body(json!({"within": {"coordinates": [116, 40]}})), "within", &[]),
        (body(json!({"within": {"type": "Polygon", "coordinates": [[[116, "a"]]]}})), "within", &["a"]),
        (body(json!({"within": {"type": "Polygon", "coordinates": [[[116, 40], [117, 40], [116, 40]]]}})), "within", &[]),
        (body(json!({"within": {"type": "Polygon", "coordinates": [[[116, 40], [117, 40], [117, 100], [116, 40]]]}})), "within", &[]),
        (body(json!({"within": self_crossing})), "within", &[]),
        (body(json!({"needed_by": "next spring"})), "needed_by", &[]),
        (body(json!({"needed_by": "2026-13-01"})), "needed_by", &[]),
    ];
    let codes = codes();
    for (text, field, given) in &cases {
        let e = refused(text);
        assert_eq!(e.field_name(), Some(*field), "{text} → {e}");
        let zh = e.detail_zh().expect("every match error has a Chinese detail");
        let mut allowed = given.to_vec();
        allowed.extend(field.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')));
        assert!(has_cjk(&zh), "{text} → {zh}");
        assert!(zh.contains(&format!("字段 {field}：")), "{text} → {zh}");
        assert!(!zh.contains('`'), "{text} → {zh}");
        assert_eq!(english_words(&zh, &allowed, &codes), Vec::<String>::new(), "{text} → {zh}");
        // the check has teeth: the English detail fails it
        assert!(!english_words(&e.to_string(), &allowed, &codes).is_empty(), "{text} → {e}");
    }
}

#[test]
fn a_request_that_is_no_json_reads_in_chinese_with_its_place() {
    let codes = codes();
    for text in [r#"{"industry": "#, r#"{"industry" "x"}"#, r#"{"industry": "x"} y"#, r#"{"industry": tru}"#, r#"{"industry": "x",}"#] {
        let e = refused(text);
        assert!(matches!(e, MatchError::Syntax(_)), "{text} → {e}");
        let zh = e.detail_zh().unwrap();
        assert!(zh.starts_with("请求不是有效的 JSON：") && has_cjk(&zh["请求不是有效的 JSON：".len()..]), "{text} → {zh}");
        assert!(zh.contains("（第 1 行第 ") && zh.ends_with(" 列）"), "{text} → {zh}");
        assert_eq!(english_words(&zh, &[], &codes), Vec::<String>::new(), "{text} → {zh}");
        assert!(!english_words(&e.to_string(), &[], &codes).is_empty(), "{text} → {e}");
    }
}

#[test]
fn the_pages_example_reads_as_the_issue_asks() {
    let e = refused(&body(json!({"land_area_mu": {"min": 120, "max": 80}})));
    assert_eq!(e.detail_zh().unwrap(), "字段 land_area_mu：最小值 120 大于最大值 80");
    // English clients see what they saw before
    assert_eq!(e.to_string(), "land_area_mu: min 120 is greater than max 80");
    let e = refused(&body(json!({"land_area_mu": {"min": -5}})));
    assert_eq!(e.detail_zh().unwrap(), "字段 land_area_mu.min：用地面积下限不能为负数（给的是 -5 亩）");
}
