//! `miyun-14th-fyp-hpe-plan.txt`, the Miyun 十四五 plan (2021–2025).

use super::*;
use chanye::model::OfferKind::{Building, Land};
use chanye::model::ProjectField;

/// Inside the plan's period.
const IN_PLAN: &str = "2025-06-01";

fn miyun_zgc(kind: chanye::model::OfferKind) -> Place<'static> {
    at("110118", Some("miyun-zgc"), kind)
}

fn leader() -> ProjectFacts {
    ProjectFacts { enterprise_titles: Some(vec!["头部企业".into()]), ..Default::default() }
}

#[test]
fn a_leading_enterprise_qualifies_for_the_joint_laboratories() {
    // l.382: "以医药健康、智能制造等领域的龙头企业为引领…通过校企合作建设一批联合实验室"
    let j = reached("miyun-01-joint-labs", &leader(), &miyun_zgc(Land), IN_PLAN);
    assert!(eligible(&j), "{j:?}");
    assert_eq!(j.estimate_wan, None, "the plan names no amount");
    // the measure is limited to its fields: a software project is not among them
    let software = matcher().snapshot().catalogue.lookup("软件").unwrap().code.clone();
    assert!(!chanye::model::PolicyCatalogue::covers_industry(measure("miyun-01-joint-labs"), &snapshot().catalogue, &software));
}

#[test]
fn one_day_after_the_plan_period_its_measures_have_lapsed() {
    // the plan is "“十四五”时期" (l.1–3): 2021–2025
    let j = reached("miyun-01-joint-labs", &leader(), &miyun_zgc(Land), "2026-01-01");
    assert_eq!(j.eligibility, Eligibility::Ineligible);
    assert!(j.basis_zh.contains("2025-12-31"), "{}", j.basis_zh);
    assert!(eligible(&reached("miyun-01-joint-labs", &leader(), &miyun_zgc(Land), "2025-12-31")));
}

#[test]
fn the_digital_upgrade_needs_to_know_the_project_type() {
    // l.335: "以新一代信息技术产业赋能传统工厂的数字化改造…助力全区制造业企业实现数字化、智能化转型"
    let facts = ProjectFacts { manufacturing: true, ..Default::default() };
    let j = reached("miyun-02-new-smart-manufacturing", &facts, &miyun_zgc(Land), IN_PLAN);
    assert_eq!(j.eligibility, Eligibility::Possible);
    assert_eq!(j.missing, vec![ProjectField::ProjectType]);
    let facts = ProjectFacts { project_type: Some("技术改造".into()), ..facts };
    assert!(eligible(&reached("miyun-02-new-smart-manufacturing", &facts, &miyun_zgc(Land), IN_PLAN)));
}

#[test]
fn the_landing_reward_and_the_gazelle_service_exclude_each_other_by_their_words() {
    // l.403 rewards "新引进" enterprises; l.390 serves "区内存量瞪羚企业": one enterprise is not both
    let new = ProjectFacts { enterprise_status: Some("新引进".into()), ..Default::default() };
    let here = ProjectFacts { enterprise_status: Some("存量".into()), ..Default::default() };
    let place = miyun_zgc(Land);
    let reward = |f: &ProjectFacts| reached("miyun-04-landing-reward", f, &place, IN_PLAN).eligibility;
    let gazelle = |f: &ProjectFacts| reached("miyun-02-gazelle-services", f, &place, IN_PLAN).eligibility;
    assert_eq!((reward(&new), gazelle(&new)), (Eligibility::Possible, Eligibility::Ineligible));
    assert_eq!((reward(&here), gazelle(&here)), (Eligibility::Ineligible, Eligibility::Possible));
}

#[test]
fn the_pilot_space_is_in_the_named_parks_and_nowhere_else() {
    // l.384: "在科学城东区、生态商务区建设一批孵化器、加速器，在密云经济开发区打造一批小试、中试空间"
    let facts = ProjectFacts::default();
    let j = reached("miyun-01-pilot-space", &facts, &miyun_zgc(Building), IN_PLAN);
    assert!(!j.confirm_zh.iter().any(|c| c.contains("范围内")), "中关村密云园 is 密云经济开发区: {:?}", j.confirm_zh);
    // elsewhere in Miyun the office must say whether the site is in one of them
    let j = reached("miyun-01-pilot-space", &facts, &at("110118", None, Building), IN_PLAN);
    assert!(j.confirm_zh.iter().any(|c| c.contains("范围内")), "{:?}", j.confirm_zh);
    assert!(judged("miyun-01-pilot-space", &facts, &at("110115", None, Building), IN_PLAN).is_none(), "a Daxing site");
}

#[test]
fn the_contract_review_is_a_duty_on_the_land_not_a_support() {
    // l.452: "对照用地合同履约监管协议定期组织对项目进行评估…直到收回使用权"
    let rule = measure("miyun-03-land-contract-monitoring");
    assert!(rule.quote_zh.contains("直到收回使用权"), "quoted in full, not softened");
    assert_eq!(rule.beneficiary, chanye::model::Beneficiary::Government);
    assert!(judged("miyun-03-land-contract-monitoring", &ProjectFacts::default(), &miyun_zgc(Land), IN_PLAN).is_none());
    let listing = chanye::matcher::policy::listing(snapshot(), &Default::default());
    assert!(listing.others.iter().any(|m| m.id == rule.id) && !listing.measures.iter().any(|m| m.id == rule.id));
}

#[test]
fn manufacturing_projects_meet_table_2_1_and_the_stats_carry_table_1_1() {
    // table 2-1 (l.248–250): 高精尖企业（制造业）地均产值 10,145.6 元/㎡ ≈ 676.37 万元/亩 binds
    // manufacturing in 中关村密云园; other industries keep the park's sample 390 (table 1-1, l.160)
    let park = snapshot().parks.get("miyun-zgc").unwrap();
    let parcel = snapshot().parcels.items().iter().find(|p| p.park.as_deref() == Some("miyun-zgc")).expect("a parcel in the park");
    let mu = parcel.area.0 / chanye::model::M2_PER_MU;
    let output_per_mu = |industry: &str| {
        let body = serde_json::json!({"industry": industry, "annual_output_wan": 500.0 * mu});
        let request = ProjectRequest::from_json(&body.to_string()).unwrap();
        let failed = matcher().why_not(&request, &parcel.id, date("2026-12-07")).unwrap().unwrap();
        failed.into_iter().find(|f| f.constraint == "output_per_mu")
    };
    let makers = output_per_mu("医疗器械").expect("500 万元/亩 is below the manufacturing minimum");
    assert!(makers.detail_zh.contains("676.4"), "{}", makers.detail_zh);
    assert!(output_per_mu("医疗服务").is_none(), "a service meets the park's 390");
    assert!(park.admission_source.as_deref().is_some_and(|s| s.contains("10,145.6")));
    let stats = chanye::inventory::stats::summarize(snapshot());
    let row = stats.by_park.iter().find(|r| r.key == "miyun-zgc").unwrap();
    assert_eq!((row.land_income_2020_wan_per_ha, row.industrial_output_2020_wan_per_ha), (Some(8_311.0), Some(5_934.0)));
    assert!(row.land_output_source.as_deref().is_some_and(|s| s.contains("表1-1")), "{:?}", row.land_output_source);
}
