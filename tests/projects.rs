//! The real projects of the Miyun plan's 附件1 (requirement files in tests/projects/) against
//! the shipped sample, and 首谈制 district recommendation.

use crate::common;

use std::sync::Arc;

use chanye::inventory::load_dir_strict;
use chanye::matcher::{Matcher, ProjectRequest};
use chrono::NaiveDate;
use serde_json::Value;

fn matcher() -> Matcher {
    Matcher::new(Arc::new(load_dir_strict(&common::sample_dir()).unwrap().snapshot))
}

fn today() -> NaiveDate {
    "2026-11-23".parse().unwrap()
}

fn projects_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects")
}

fn project(file: &str) -> ProjectRequest {
    ProjectRequest::from_json(&std::fs::read_to_string(projects_dir().join(file)).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn every_plan_project_finds_space_in_a_fitting_zone_or_park() {
    let m = matcher();
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(projects_dir().join("expected.json")).unwrap()).unwrap();
    let files = expected.as_object().unwrap();
    assert!(files.len() >= 6, "at least the six projects the issue names");
    for (file, fit) in files {
        let r = m.run_on(&project(file), today()).unwrap();
        assert!(!r.candidates.is_empty(), "{file}: no candidates; near misses {:?}", r.near_misses);
        let top = &r.candidates[0];
        let industry = top.criteria.iter().find(|k| k.name == "industry").unwrap();
        let zones: Vec<&str> = fit["fitting_zones"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let parks: Vec<&str> = fit["fitting_parks"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        if zones.is_empty() && parks.is_empty() {
            // no Miyun park leads the industry: the reason must say so rather than flatter
            assert_eq!(industry.score, 0.0, "{file}");
            assert!(industry.reason_zh.contains("无关联"), "{file}: {}", industry.reason_zh);
        } else {
            let in_zone = top.zone.as_deref().is_some_and(|z| zones.contains(&z));
            let in_park = top.park.as_deref().is_some_and(|p| parks.contains(&p));
            assert!(in_zone || in_park, "{file}: top candidate {} is in {:?}/{:?}", top.id, top.park, top.zone);
            // at least the same category at park level (70 × 0.85)
            assert!(industry.score >= 59.5, "{file}: {}", industry.reason_zh);
        }
        assert_eq!(top.district, "110118", "{file}");
        assert!(!top.policies.is_empty(), "{file}: Miyun and city measures apply");
        for miss in &r.near_misses {
            assert!((1..=2).contains(&miss.failed.len()), "{file}: {miss:?}");
        }
    }
}

#[test]
fn the_named_projects_land_in_their_parks_in_the_park() {
    let m = matcher();
    let zone_of_top = |file: &str| m.run_on(&project(file), today()).unwrap().candidates[0].zone.clone();
    assert_eq!(zone_of_top("miyun-fosun-emergency-medicine.json").as_deref(), Some("miyun-health"));
    assert_eq!(zone_of_top("miyun-kangwei-industrial-park.json").as_deref(), Some("miyun-smart-mfg"));
    assert_eq!(zone_of_top("miyun-meihe-zhongbang-robots.json").as_deref(), Some("miyun-smart-mfg"));
    assert_eq!(zone_of_top("miyun-guohuan-laiyin-env-equipment.json").as_deref(), Some("miyun-green"));
    let fosun = m.run_on(&project("miyun-fosun-emergency-medicine.json"), today()).unwrap();
    assert!(fosun.candidates[0].criteria[0].reason_zh.starts_with("位于医药健康产业园（园中园）"), "{}", fosun.candidates[0].criteria[0].reason_zh);
}

#[test]
fn short_supply_gives_near_misses_that_say_by_how_much() {
    let m = matcher();
    // the 17,678 m² lease fits the one large standard factory; 25,000 m² fits nothing
    let mut lease = project("miyun-dianxin-yitong-cloud.json");
    assert!(!m.run_on(&lease, today()).unwrap().candidates.is_empty());
    lease.floor_area_m2 = Some(25_000.0);
    let r = m.run_on(&lease, today()).unwrap();
    assert!(r.candidates.is_empty());
    let best = &r.near_misses[0];
    assert_eq!(best.failed[0].constraint, "floor_area");
    assert!(best.failed[0].detail_zh.contains("< 需求 2.5万㎡"), "{}", best.failed[0].detail_zh);
    assert!(r.excluded_counts["floor_area"] > 0);
    // 康为 at 200 亩: nothing single is that big, so the near misses are the largest parcels
    let mut big = project("miyun-kangwei-industrial-park.json");
    big.land_area_mu = Some(chanye::matcher::request::Range { min: Some(200.0), max: None });
    let r = m.run_on(&big, today()).unwrap();
    assert!(r.near_misses.iter().any(|n| n.failed.iter().any(|f| f.detail_zh.contains("< 需求 200 亩"))), "{:?}", r.near_misses);
}

#[test]
fn district_recommendation_ranks_all_sixteen_with_reasons() {
    let m = matcher();
    let cardio = ProjectRequest::from_json(r#"{"industry": "心血管医疗器械", "space": "land", "land_area_mu": {"min": 20}, "investment_wan": 20000}"#).unwrap();
    let r = m.recommend_districts_on(&cardio, today()).unwrap();
    assert_eq!(r.districts.len(), 16);
    assert_eq!(r.districts.iter().map(|d| d.rank).collect::<Vec<_>>(), (1..=16).collect::<Vec<_>>());
    assert!(r.districts.windows(2).all(|w| w[0].score >= w[1].score));
    let top4: Vec<&str> = r.districts[..4].iter().map(|d| d.name.as_str()).collect();
    for name in ["门头沟区", "密云区", "大兴区"] {
        assert!(top4.contains(&name), "{name} leads cardiovascular devices or medicine: {top4:?}");
    }
    let mentougou = r.districts.iter().find(|d| d.adcode == "110109").unwrap();
    assert_eq!(mentougou.industry_score, 100.0);
    assert!(mentougou.reason_zh.contains("心血管医疗器械"), "{}", mentougou.reason_zh);
    assert!(mentougou.reason_zh.contains(&format!("地块 {} 块", mentougou.matching_parcels)));
    // a district with no fitting industry and no matching land comes last
    let last = r.districts.last().unwrap();
    assert_eq!((last.industry_score, last.matching_parcels), (0.0, 0));
}
