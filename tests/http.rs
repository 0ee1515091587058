//! The HTTP API driven over a real socket: the server runs on 127.0.0.1 in this process and
//! a plain HTTP client talks to it.

mod common;

use common::{answer, sample_server as base};
use serde_json::Value;

fn post(path: &str, body: &str) -> (u16, String, Value) {
    answer(ureq::post(&format!("{}{path}", base())).set("Content-Type", "application/json").send_string(body))
}

fn get(path: &str) -> (u16, String, Value) {
    answer(ureq::get(&format!("{}{path}", base())).call())
}

const DEVICES: &str = r#"{"name": "美中双和", "industry": "医疗器械", "space": "land", "land_area_mu": {"min": 20}}"#;

#[test]
fn match_returns_ranked_candidates_with_reasons() {
    let (status, kind, body) = post("/api/v1/match", DEVICES);
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let candidates = body["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty());
    assert_eq!(candidates[0]["rank"], 1);
    assert!(candidates[0]["criteria"][0]["reason_zh"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(body["excluded_counts"].is_object());
}

#[test]
fn match_as_geojson_when_asked() {
    let response = ureq::post(&format!("{}/api/v1/match", base())).set("Accept", "application/geo+json").send_string(DEVICES);
    let (status, kind, body) = answer(response);
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    assert_eq!(body["type"], "FeatureCollection");
    let (_, _, plain) = post("/api/v1/match", DEVICES);
    assert_eq!(body["features"].as_array().unwrap().len(), plain["candidates"].as_array().unwrap().len());
    assert_eq!(body["features"][0]["properties"]["rank"], 1);
}

#[test]
fn bad_match_requests_are_problems_naming_the_field() {
    let (status, kind, body) = post("/api/v1/match", r#"{"industry": "造船"}"#);
    assert_eq!((status, kind.as_str()), (422, "application/problem+json"));
    assert_eq!(body["field"], "industry");
    assert_eq!(body["status"], 422);
    assert!(body["detail"].as_str().unwrap().contains("造船"));
    let (status, kind, body) = post("/api/v1/match", r#"{"industry": "#);
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    assert!(body["type"].as_str().unwrap().starts_with("urn:chanye:problem:"));
    let (status, _, body) = post("/api/v1/match", r#"{"industry": "医疗器械", "land_area_mu": {"min": 50, "max": 10}}"#);
    assert_eq!((status, body["field"].as_str()), (422, Some("land_area_mu")));
}

#[test]
fn districts_are_ranked_for_the_first_talk() {
    let (status, _, body) = post("/api/v1/recommend-districts", DEVICES);
    assert_eq!(status, 200);
    let districts = body["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 16);
    assert_eq!(districts[0]["rank"], 1);
}

#[test]
fn industries_are_searchable() {
    let (status, _, all) = get("/api/v1/industries");
    assert_eq!(status, 200);
    let (_, _, found) = get("/api/v1/industries?q=%E5%8C%BB%E7%96%97"); // 医疗
    let found = found["industries"].as_array().unwrap();
    assert!(!found.is_empty() && found.len() < all["industries"].as_array().unwrap().len());
    assert!(found.iter().all(|e| e.to_string().contains("医疗")), "{found:?}");
    let (status, kind, body) = get("/api/v1/industries?lang=en");
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    assert_eq!(body["parameter"], "lang", "{body}");
}

#[test]
fn policies_list_every_measure_with_its_source() {
    let (status, _, body) = get("/api/v1/policies");
    assert_eq!(status, 200);
    let measures = body["measures"].as_array().unwrap();
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(common::sample_dir().join("policies.json")).unwrap()).unwrap();
    assert_eq!(measures.len(), shipped["measures"].as_array().unwrap().len());
    assert!(measures.iter().all(|m| m["document"].is_string() && m["item"].is_string()));
}
