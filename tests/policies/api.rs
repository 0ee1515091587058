//! The policy routes and the match's policy fields over HTTP: the listing's filters, the
//! check without a site, `explain_policies`, the `policy` criterion and item 七's rule that
//! new industrial land takes manufacturing only.

use serde_json::{json, Value};

use crate::common;

fn get(path: &str) -> (u16, String, Value) {
    common::answer(ureq::get(&format!("{}{path}", common::sample_server())).call())
}

fn post(path: &str, body: &Value) -> (u16, String, Value) {
    common::answer(ureq::post(&format!("{}{path}", common::sample_server())).set("Content-Type", "application/json").send_string(&body.to_string()))
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect()
}

#[test]
fn the_listing_filters_by_place_beneficiary_status_and_industry() {
    let (status, _, tongzhou) = get("/api/v1/policies?district=110112");
    assert_eq!(status, 200);
    let listed = ids(&tongzhou["measures"]);
    assert!(listed.contains(&"tongzhou-17-old-factory-renovation") && listed.contains(&"city-05-first-talks"), "{listed:?}");
    assert!(!listed.iter().any(|id| id.starts_with("miyun-")), "{listed:?}");
    assert!(!listed.contains(&"city-06-commitment-approval"), "the pilot's areas leave out Tongzhou");
    let (_, _, by_name) = get(&format!("/api/v1/policies?district={}", common::urlencode("通州区")));
    assert_eq!(by_name["measures"], tongzhou["measures"]);
    let (_, _, funds) = get("/api/v1/policies?beneficiary=fund");
    assert!(funds["measures"].as_array().unwrap().is_empty());
    assert!(funds["others"].as_array().unwrap().iter().all(|m| m["beneficiary"] == "fund") && !ids(&funds["others"]).is_empty());
    // a district's listing shows what reaches its parks: their own measures, and city-06
    // through 怀柔科学城东区 (in 密云)
    let (_, _, miyun) = get("/api/v1/policies?district=110118");
    assert!(ids(&miyun["measures"]).contains(&"city-06-commitment-approval"));
    let (_, _, mentougou) = get("/api/v1/policies?district=110109");
    assert!(ids(&mentougou["measures"]).contains(&"mentougou-13-zgc-low-cost-space"));
    let (_, _, drafts) = get("/api/v1/policies?status=draft");
    assert!(ids(&drafts["measures"]).iter().all(|id| id.starts_with("mentougou-")));
    let (_, _, ai) = get(&format!("/api/v1/policies?district=110109&industry={}", common::urlencode("人工智能")));
    let (_, _, cardio) = get(&format!("/api/v1/policies?district=110109&industry={}", common::urlencode("心血管医疗器械")));
    assert!(ids(&ai["measures"]).contains(&"mentougou-01-ai-scenarios") && !ids(&cardio["measures"]).contains(&"mentougou-01-ai-scenarios"));
    for (query, parameter) in [("beneficiary=bank", "beneficiary"), ("status=old", "status"), ("district=110000", "district"), ("park=nowhere", "park"), ("industry=xyz", "industry")] {
        let (status, kind, body) = get(&format!("/api/v1/policies?{query}"));
        assert_eq!((status, kind.as_str()), (400, "application/problem+json"), "{query}");
        assert_eq!(body["parameter"], parameter, "{body}");
    }
}

#[test]
fn the_check_judges_a_project_before_any_site_and_ranks_districts() {
    let body = json!({"industry": "心血管医疗器械", "investment_wan": 4000, "project_type": "老旧厂房改造", "annual_rnd_wan": 200});
    let (status, _, checked) = post("/api/v1/policies/check", &body);
    assert_eq!(status, 200, "{checked}");
    let renovation = checked["measures"].as_array().unwrap().iter().find(|m| m["id"] == "tongzhou-17-old-factory-renovation").expect("listed");
    assert_eq!((renovation["eligibility"].as_str(), renovation["estimate_wan"].as_f64(), renovation["district"].as_str()), (Some("eligible"), Some(1000.0), Some("110112")));
    let districts = checked["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 16);
    assert_eq!(districts[0]["district"], "110112", "Tongzhou's 1,000 + 300 lead: {districts:?}");
    assert_eq!(districts[0]["support_wan"], 1300.0);
    // named districts only, and the ineligible ones listed on request
    let body = json!({"industry": "心血管医疗器械", "districts": ["110118"], "enterprise_status": "存量", "explain_policies": "all"});
    let (_, _, checked) = post("/api/v1/policies/check", &body);
    assert_eq!(checked["districts"].as_array().unwrap().len(), 1);
    let ineligible = checked["measures"].as_array().unwrap().iter().filter(|m| m["eligibility"] == "ineligible").count();
    assert_eq!(ineligible as u64, checked["ineligible"].as_u64().unwrap());
    assert!(ineligible > 0);
    // no title at all settles the title conditions: 链主企业 measures become ineligible
    let (_, _, none) = post("/api/v1/policies/check", &json!({"industry": "医疗器械", "enterprise_titles": [], "explain_policies": "all"}));
    let chain = none["measures"].as_array().unwrap().iter().find(|m| m["id"] == "city-14-supply-chain-projects").unwrap();
    assert_eq!(chain["eligibility"], "ineligible", "{chain}");
    // no total is ever written -0
    assert!(!none.to_string().contains("-0.0"), "{none}");
    // a title outside the closed list is refused naming the field and the choices
    let (status, _, problem) = post("/api/v1/policies/check", &json!({"industry": "医疗器械", "enterprise_titles": ["百强企业"]}));
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "enterprise_titles[0]", "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("高新技术企业") || problem["detail"].as_str().unwrap().contains("high-tech"), "{problem}");
}

#[test]
fn a_candidate_carries_its_judged_measures_and_the_support_they_combine_to() {
    let body = json!({"industry": "心血管医疗器械", "space": "building", "districts": ["110112"], "investment_wan": 4000,
                      "project_type": "老旧厂房改造", "annual_rnd_wan": 200, "limit": 3});
    let (status, _, result) = post("/api/v1/match", &body);
    assert_eq!(status, 200, "{result}");
    let c = &result["candidates"][0];
    let policies = c["policies"].as_array().unwrap();
    assert!(policies.iter().all(|p| p["eligibility"] != "ineligible"));
    let renovation = policies.iter().find(|p| p["id"] == "tongzhou-17-old-factory-renovation").unwrap();
    assert_eq!(renovation["basis_zh"], "30% × 4,000 万元 = 1,200 万元，上限 1,000 万元 → 最高 1,000 万元；不与“一事一议”扶持政策同时享受");
    assert!(renovation["quote_zh"].as_str().unwrap().contains("最高30%") && renovation["line"] == 42);
    assert_eq!(c["policy_support_wan"], 1300.0);
    let (_, _, all) = post("/api/v1/match", &json!({"industry": "心血管医疗器械", "space": "building", "districts": ["110112"], "limit": 1,
                                                      "enterprise_status": "存量", "explain_policies": "all"}));
    let listed = all["candidates"][0]["policies"].as_array().unwrap();
    let ineligible = listed.iter().filter(|p| p["eligibility"] == "ineligible").count();
    assert!(ineligible > 0 && ineligible as u64 == all["candidates"][0]["policies_ineligible"].as_u64().unwrap());
}

#[test]
fn the_policy_criterion_ranks_by_support_only_when_weighted() {
    let base = json!({"industry": "心血管医疗器械", "space": "building", "investment_wan": 4000, "project_type": "老旧厂房改造", "limit": 5});
    let (_, _, plain) = post("/api/v1/match", &base);
    assert_eq!(plain["weights"]["policy"], 0.0);
    assert!(plain["candidates"].as_array().unwrap().iter().all(|c| c["criteria"].as_array().unwrap().iter().all(|k| k["name"] != "policy")));
    let mut weighted = base.clone();
    weighted["weights"] = json!({"policy": 100, "industry": 1});
    let (_, _, ranked) = post("/api/v1/match", &weighted);
    let first = &ranked["candidates"][0];
    assert_eq!(first["district"], "110112", "the Tongzhou renovation support leads: {}", first["id"]);
    let policy = first["criteria"].as_array().unwrap().iter().find(|k| k["name"] == "policy").expect("scored");
    assert_eq!(policy["score"], 100.0);
    // the reference is the best site for the space asked for: land alone is not measured
    // against building support
    let mut land = weighted.clone();
    land["space"] = json!("land");
    let (_, _, on_land) = post("/api/v1/match", &land);
    let best = on_land["candidates"][0]["criteria"].as_array().unwrap().iter().find(|k| k["name"] == "policy").map(|k| k["score"].as_f64().unwrap());
    assert!(best.is_none_or(|score| score == 100.0), "{best:?}");
    assert!(policy["reason_zh"].as_str().unwrap().contains("1,000 万元"), "{policy}");
}

#[test]
fn new_industrial_land_takes_manufacturing_only() {
    // city measures item 七 (l.37): "新增工业用地不得建设非制造业项目"
    let (_, _, software) = post("/api/v1/match", &json!({"industry": "软件", "space": "land", "limit": 50}));
    let refused = software["excluded_counts"]["manufacturing_only"].as_u64().unwrap_or(0);
    assert!(refused > 0, "{}", software["excluded_counts"]);
    let uses: Vec<&str> = software["candidates"].as_array().unwrap().iter().flat_map(|c| c["land_use"].as_str().unwrap().split(", ")).collect();
    assert!(!uses.is_empty() && uses.iter().all(|u| *u == "M4" || !u.starts_with('M')), "of industrial land only M4 (新型产业用地) is left: {uses:?}");
    let (_, _, devices) = post("/api/v1/match", &json!({"industry": "医疗器械", "space": "land", "limit": 50}));
    assert!(devices["excluded_counts"].get("manufacturing_only").is_none());
    // the reason, for a parcel the software project cannot take
    let m1 = devices["candidates"].as_array().unwrap().iter().find(|c| c["land_use"] == "M1").expect("an M1 candidate")["id"].as_str().unwrap().to_string();
    let request = chanye::matcher::ProjectRequest::from_json(r#"{"industry": "软件"}"#).unwrap();
    let failed = super::matcher().why_not(&request, &m1, chrono::Local::now().date_naive()).unwrap().unwrap();
    let text = serde_json::to_string(&failed).unwrap();
    assert!(text.contains("manufacturing_only") && text.contains("非制造业"), "{text}");
}
