//! `beijing-hpe-investment-measures.txt`, the city's measures.

use super::*;
use chanye::matcher::policy::best_combination;
use chanye::model::OfferKind::{Building, Land};

const TODAY: &str = "2026-12-07";

fn miyun_land() -> Place<'static> {
    at("110118", Some("miyun-zgc"), Land)
}

#[test]
fn first_talks_serve_a_project_of_one_yi_or_more() {
    // l.27: "对总投资1亿元以上(含)或具有全局性、战略性的项目,探索实施“首谈制”"
    let facts = ProjectFacts { total_investment_wan: Some(10_000.0), ..Default::default() };
    let j = reached("city-05-first-talks", &facts, &miyun_land(), TODAY);
    assert!(eligible(&j), "{j:?}");
    assert_eq!(j.estimate_wan, None, "a service: the text gives no money figure");
    // 总投资 defaults to the fixed-asset investment when only that is given
    let facts = ProjectFacts { investment_wan: Some(40_000.0), ..Default::default() };
    assert!(eligible(&reached("city-05-first-talks", &facts, &miyun_land(), TODAY)));
}

#[test]
fn just_under_one_yi_leaves_only_the_strategic_door_open() {
    // l.27: under 1亿元 the project qualifies only if it is 全局性、战略性, which the office judges
    let facts = ProjectFacts { total_investment_wan: Some(9_999.0), ..Default::default() };
    let j = reached("city-05-first-talks", &facts, &miyun_land(), TODAY);
    assert_eq!(j.eligibility, Eligibility::Possible, "{j:?}");
    assert!(j.confirm_zh.iter().any(|c| c.contains("全局性、战略性")), "{:?}", j.confirm_zh);
    // without the figure, both ways in stay open: the field is asked for beside the confirmation
    let j = reached("city-05-first-talks", &ProjectFacts::default(), &miyun_land(), TODAY);
    assert_eq!(j.missing, vec![chanye::model::ProjectField::TotalInvestmentWan]);
    assert!(!j.confirm_zh.is_empty());
    // l.71: 龙头企业 bring 强链补链 projects; a 高新技术企业 alone is not one
    let facts = ProjectFacts { enterprise_titles: Some(vec!["高新技术企业".into()]), ..Default::default() };
    let j = reached("city-14-supply-chain-projects", &facts, &miyun_land(), TODAY);
    assert_eq!(j.eligibility, Eligibility::Ineligible);
    assert!(j.basis_zh.contains("链主企业"), "{}", j.basis_zh);
}

#[test]
fn a_missing_title_makes_the_chain_measure_possible_and_names_the_field() {
    // l.69–71: "支持高精尖产业细分领域龙头企业在京导入产业链强链补链项目"
    let j = reached("city-14-supply-chain-projects", &ProjectFacts::default(), &miyun_land(), TODAY);
    assert_eq!(j.eligibility, Eligibility::Possible);
    assert_eq!(j.missing, vec![chanye::model::ProjectField::EnterpriseTitles]);
    assert!(j.basis_zh.contains("企业称号"), "{}", j.basis_zh);
}

#[test]
fn case_by_case_support_is_not_combined_with_tongzhou_measures() {
    // l.51: 市级重大项目 "一事一议"; tongzhou l.54: "享受“一事一议”扶持政策的企业，不适用本措施"
    let city = measure("city-10-major-project-support");
    assert!(city.classes.iter().any(|c| c == "case_by_case"));
    let measures = &snapshot().policies.measures;
    let position = |id: &str| measures.iter().position(|m| m.id == id).unwrap();
    assert!(city.conflicts_with(measure("tongzhou-17-old-factory-renovation")));
    assert!(!measure("tongzhou-17-old-factory-renovation").conflicts_with(measure("tongzhou-07-rnd-investment")));
    // a case-by-case package worth 5,000 (the amount is the city's to decide) beats the two
    // Tongzhou measures together, which are combinable with each other
    let eligible = [(position("city-10-major-project-support"), 5_000.0), (position("tongzhou-17-old-factory-renovation"), 1_000.0), (position("tongzhou-07-rnd-investment"), 300.0)];
    assert_eq!(best_combination(measures, &eligible), 5_000.0);
    let eligible = [(position("city-10-major-project-support"), 1_000.0), (position("tongzhou-17-old-factory-renovation"), 1_000.0), (position("tongzhou-07-rnd-investment"), 300.0)];
    assert_eq!(best_combination(measures, &eligible), 1_300.0);
}

#[test]
fn the_commitment_pilot_stays_in_its_areas() {
    // l.31: "在怀柔科学城、未来科学城、创新型产业集群示范区、北京大兴国际机场临空经济区(北京部分)等区域"
    let facts = ProjectFacts { manufacturing: true, ..Default::default() };
    assert!(judged("city-06-commitment-approval", &facts, &miyun_land(), TODAY).is_none(), "中关村密云园 is in none of the areas");
    // 怀柔科学城东区 lies in Miyun and is part of 怀柔科学城
    assert!(judged("city-06-commitment-approval", &facts, &at("110118", Some("miyun-science-east"), Land), TODAY).is_some());
    // 昌平 holds 未来科学城, but not all of 昌平 is in it: for the office to confirm
    let j = reached("city-06-commitment-approval", &facts, &at("110114", None, Land), TODAY);
    assert!(j.confirm_zh.iter().any(|c| c.contains("未来科学城")), "{:?}", j.confirm_zh);
    // in 大兴 two of the areas may hold the site: both are named
    let j = reached("city-06-commitment-approval", &facts, &at("110115", Some("daxing-zgc"), Land), TODAY);
    assert!(j.confirm_zh.iter().any(|c| c.contains("创新型产业集群示范区或北京大兴国际机场临空经济区")), "{:?}", j.confirm_zh);
    // land only: the pilot concerns 以出让方式供地的…厂房项目
    assert!(judged("city-06-commitment-approval", &facts, &at("110118", Some("miyun-science-east"), Building), TODAY).is_none());
}

#[test]
fn the_readme_project_gets_neither_the_intermediary_award_nor_the_area_pilot() {
    // l.75: the 1000万元 award goes "对提供项目引进全程服务的第三方机构", not to the project
    assert!(judged("city-15-introduction-reward", &ProjectFacts::default(), &miyun_land(), TODAY).is_none());
    let body = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects/miyun-fosun-emergency-medicine.json")).unwrap();
    let result = run(serde_json::from_str(&body).unwrap());
    assert!(!result.candidates.is_empty());
    let ids = listed_ids(&result);
    assert!(!ids.iter().any(|id| id.starts_with("city-15") || id.starts_with("city-06")), "{ids:?}");
    for id in &ids {
        assert_eq!(measure(id).beneficiary, chanye::model::Beneficiary::Project, "{id} benefits someone else");
    }
}

#[test]
fn the_district_ranking_says_whether_first_talks_apply() {
    // l.27: the 首谈制 is for "总投资1亿元以上(含)或具有全局性、战略性的项目"
    let rank = |total: f64| {
        let request = ProjectRequest::from_json(&serde_json::json!({"industry": "医疗器械", "total_investment_wan": total}).to_string()).unwrap();
        matcher().recommend_districts_on(&request, date(TODAY)).unwrap().first_talk.expect("the catalogue has the measure")
    };
    assert_eq!(rank(12_000.0).eligibility, Eligibility::Eligible);
    let small = rank(8_000.0);
    assert_eq!(small.eligibility, Eligibility::Possible);
    assert!(small.confirm_zh.iter().any(|c| c.contains("战略性")) && small.measure.line == 27, "{small:?}");
}
