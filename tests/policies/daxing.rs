//! `daxing-hpe-safeguards.txt`, the Daxing 保障措施.

use super::*;
use chanye::model::OfferKind::{Building, Land};

const TODAY: &str = "2026-12-07";

fn daxing(kind: chanye::model::OfferKind) -> Place<'static> {
    at("110115", Some("daxing-zgc"), kind)
}

fn code(name: &str) -> String {
    snapshot().catalogue.lookup(name).unwrap_or_else(|| panic!("{name} not in the catalogue")).code.clone()
}

#[test]
fn a_hydrogen_project_has_the_service_platform() {
    // l.2: "围绕医药健康、氢能、商业航天等重点方向探索建立市场化产业促进和项目服务平台"
    let m = measure("daxing-01-industry-service-platform");
    assert!(chanye::model::PolicyCatalogue::covers_industry(m, &snapshot().catalogue, &code("氢能")));
    let j = reached("daxing-01-industry-service-platform", &ProjectFacts::default(), &daxing(Land), TODAY);
    assert!(eligible(&j));
    assert_eq!(j.estimate_wan, None, "a service");
}

#[test]
fn a_project_just_outside_the_named_fields_is_not_served() {
    // l.2 names 医药健康、氢能、商业航天: an AI project is outside them
    let m = measure("daxing-01-industry-service-platform");
    assert!(!chanye::model::PolicyCatalogue::covers_industry(m, &snapshot().catalogue, &code("人工智能")));
    let result = run(serde_json::json!({"industry": "人工智能", "space": "any", "districts": ["110115"], "limit": 5}));
    assert!(!listed_ids(&result).iter().any(|id| id == "daxing-01-industry-service-platform"));
}

#[test]
fn major_project_funding_is_for_the_office_to_confirm() {
    // l.5: "对重点领域的重大项目落地、关键核心技术攻关、重大兼并重组、创新成果转化给予支持"
    let j = reached("daxing-02-major-project-funding", &ProjectFacts::default(), &daxing(Building), TODAY);
    assert_eq!(j.eligibility, Eligibility::Possible);
    assert!(!j.confirm_zh.is_empty() && j.missing.is_empty(), "{j:?}");
}

#[test]
fn daxing_sets_no_case_by_case_exclusion() {
    // the Daxing text has no clause like Tongzhou's l.54, so the city's 一事一议 (city l.51)
    // combines with its measures
    let city = measure("city-10-major-project-support");
    for m in snapshot().policies.measures.iter().filter(|m| m.document == "daxing-hpe-safeguards.txt") {
        assert!(m.excludes.is_empty() && !city.conflicts_with(m), "{}", m.id);
    }
}

#[test]
fn daxing_measures_reach_the_economic_development_area_but_not_tongzhou() {
    // l.6: "优先安排…项目的产业用地，做到“房等项目，地等项目”" — 大兴区's own
    let facts = ProjectFacts::default();
    assert!(judged("daxing-02-land-priority", &facts, &at("110115", Some("bda"), Land), TODAY).is_some());
    assert!(judged("daxing-02-land-priority", &facts, &at("110112", None, Land), TODAY).is_none());
}

#[test]
fn funds_and_park_infrastructure_money_are_listed_apart() {
    // l.5: "母子基金+直投基金"; "支持园区基础设施改造升级"
    let listing = chanye::matcher::policy::listing(snapshot(), &Default::default());
    for id in ["daxing-02-industry-funds", "daxing-02-park-infrastructure-fund"] {
        assert!(judged(id, &ProjectFacts::default(), &daxing(Land), TODAY).is_none(), "{id}");
        assert!(listing.others.iter().any(|m| m.id == id), "{id}");
    }
}
