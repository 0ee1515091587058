//! `mentougou-modern-industry-opinions.txt`, a 征求意见稿 (draft for comments).

use super::*;
use chanye::model::OfferKind::{Building, Land};
use chanye::model::{MeasureStatus, ProjectField};

const TODAY: &str = "2026-12-07";

fn mentougou(kind: chanye::model::OfferKind) -> Place<'static> {
    at("110109", None, kind)
}

#[test]
fn a_cardiovascular_device_project_is_supported_and_the_draft_is_said() {
    // l.16: "支持心血管医疗器械创新成果落地转化"
    let m = measure("mentougou-02-cardiovascular-devices");
    assert_eq!(m.status, MeasureStatus::Draft);
    let cardio = snapshot().catalogue.lookup("心血管医疗器械").unwrap().code.clone();
    assert!(chanye::model::PolicyCatalogue::covers_industry(m, &snapshot().catalogue, &cardio));
    let j = reached("mentougou-02-cardiovascular-devices", &ProjectFacts::default(), &mentougou(Land), TODAY);
    assert!(eligible(&j));
    assert_eq!(j.estimate_wan, None, "the draft names no amount");
    assert!(j.basis_zh.contains("征求意见稿"), "{}", j.basis_zh);
    // the AI items (l.14) are for AI projects only
    assert!(!chanye::model::PolicyCatalogue::covers_industry(measure("mentougou-01-ai-scenarios"), &snapshot().catalogue, &cardio));
}

#[test]
fn a_listed_company_that_is_not_a_headquarters_misses_the_filing_facility() {
    // l.20: "对符合条件的总部企业境外投资项目给予备案便利"
    let facts = ProjectFacts { enterprise_titles: Some(vec!["上市公司".into()]), ..Default::default() };
    let j = reached("mentougou-04-hq-outbound-filing", &facts, &mentougou(Building), TODAY);
    assert_eq!(j.eligibility, Eligibility::Ineligible);
    assert!(j.basis_zh.contains("总部企业"), "{}", j.basis_zh);
    let facts = ProjectFacts { enterprise_titles: Some(vec!["上市公司".into(), "总部企业".into()]), ..Default::default() };
    assert!(eligible(&reached("mentougou-04-hq-outbound-filing", &facts, &mentougou(Building), TODAY)));
}

#[test]
fn new_entrant_tracking_asks_whether_the_firm_is_new() {
    // l.30: "落实对新引进企业的全程跟踪支持"
    let j = reached("mentougou-08-new-entrant-tracking", &ProjectFacts::default(), &mentougou(Land), TODAY);
    assert_eq!(j.eligibility, Eligibility::Possible);
    assert_eq!(j.missing, vec![ProjectField::EnterpriseStatus]);
}

#[test]
fn new_entrants_and_established_firms_are_supported_apart() {
    // l.30: tracking for "新引进企业", continued support for "存量稳定发展期企业"
    let new = ProjectFacts { enterprise_status: Some("新引进".into()), ..Default::default() };
    let old = ProjectFacts { enterprise_status: Some("存量".into()), ..Default::default() };
    let place = mentougou(Land);
    assert!(eligible(&reached("mentougou-08-new-entrant-tracking", &new, &place, TODAY)));
    assert_eq!(reached("mentougou-08-continued-support", &new, &place, TODAY).eligibility, Eligibility::Ineligible);
    assert_eq!(reached("mentougou-08-new-entrant-tracking", &old, &place, TODAY).eligibility, Eligibility::Ineligible);
    assert_ne!(reached("mentougou-08-continued-support", &old, &place, TODAY).eligibility, Eligibility::Ineligible);
}

#[test]
fn the_park_measures_stay_in_zhongguancun_mentougou() {
    // l.42, in the section on 中关村门头沟园: M1/M4 compatibility and flexible indicators
    let facts = ProjectFacts::default();
    assert!(judged("mentougou-13-zgc-low-cost-space", &facts, &at("110109", Some("mentougou-zgc"), Land), TODAY).is_some());
    assert!(judged("mentougou-13-zgc-low-cost-space", &facts, &mentougou(Land), TODAY).is_none(), "outside the park");
    assert!(judged("mentougou-13-zgc-low-cost-space", &facts, &at("110109", Some("mentougou-zgc"), Building), TODAY).is_none(), "land only");
}

#[test]
fn contract_terms_and_bank_risk_pools_are_not_a_projects_support() {
    // l.50: "在签订出让合同时，明确履约监管措施" (a duty); l.48: 风险补偿 for 金融机构
    for id in ["mentougou-16-land-contract-terms", "mentougou-15-risk-compensation"] {
        assert_ne!(measure(id).beneficiary, chanye::model::Beneficiary::Project, "{id}");
        assert!(judged(id, &ProjectFacts::default(), &mentougou(Land), TODAY).is_none(), "{id}");
    }
}
