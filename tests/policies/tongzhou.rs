//! `tongzhou-industry-measures-2024.txt`, 通政发〔2024〕8号.

use super::*;
use chanye::matcher::policy::judge_place;
use chanye::model::OfferKind::{Building, Land};
use chanye::model::ProjectField;

const TODAY: &str = "2026-12-07";

fn tongzhou_building() -> Place<'static> {
    at("110112", None, Building)
}

fn renovation(investment_wan: Option<f64>) -> ProjectFacts {
    ProjectFacts { investment_wan, project_type: Some("老旧厂房改造".into()), ..Default::default() }
}

#[test]
fn an_old_factory_renovation_gets_thirty_per_cent_capped_at_ten_million() {
    // l.42: "按照项目固定资产投资额最高30%的比例，给予最高1000万元支持"
    let j = reached("tongzhou-17-old-factory-renovation", &renovation(Some(4_000.0)), &tongzhou_building(), TODAY);
    assert!(eligible(&j), "{j:?}");
    assert_eq!(j.estimate_wan, Some(1_000.0));
    assert!(j.basis_zh.contains("30% × 4,000 万元 = 1,200 万元") && j.basis_zh.contains("上限 1,000 万元"), "{}", j.basis_zh);
    // below the cap the rate decides
    let j = reached("tongzhou-17-old-factory-renovation", &renovation(Some(3_000.0)), &tongzhou_building(), TODAY);
    assert_eq!(j.estimate_wan, Some(900.0), "{}", j.basis_zh);
}

#[test]
fn a_chain_leader_that_is_already_here_fails_the_new_entrant_measure() {
    // l.23: "对新增产业链头部企业最高按年度区域贡献的70%…对存量产业链头部企业最高按年度区域贡献增量部分的70%"
    let facts = ProjectFacts {
        enterprise_titles: Some(vec!["链主企业".into()]),
        enterprise_status: Some("存量".into()),
        regional_contribution_wan: Some(1_000.0),
        ..Default::default()
    };
    let new = reached("tongzhou-01-chain-leaders-new", &facts, &tongzhou_building(), TODAY);
    assert_eq!(new.eligibility, Eligibility::Ineligible);
    assert!(new.basis_zh.contains("存量"), "{}", new.basis_zh);
    // the existing leader's 70% is of the 增量部分, which no request field states: eligible,
    // with the rate and no amount
    let existing = reached("tongzhou-01-chain-leaders-existing", &facts, &tongzhou_building(), TODAY);
    assert!(eligible(&existing));
    assert_eq!(existing.estimate_wan, None, "{}", existing.basis_zh);
    assert!(existing.basis_zh.contains("70%") && existing.basis_zh.contains("基数须另行核定"), "{}", existing.basis_zh);
    // a new leader's 70% is of the whole annual contribution
    let facts = ProjectFacts { enterprise_status: Some("新引进".into()), ..facts };
    let new = reached("tongzhou-01-chain-leaders-new", &facts, &tongzhou_building(), TODAY);
    assert_eq!(new.estimate_wan, Some(700.0), "{}", new.basis_zh);
    assert!(new.basis_zh.contains("不与“一事一议”扶持政策同时享受"), "l.54 is said: {}", new.basis_zh);
}

#[test]
fn without_the_project_type_the_renovation_measure_is_possible() {
    // l.42: "对符合条件的改造项目": the request must say it is a renovation
    let facts = ProjectFacts { investment_wan: Some(4_000.0), ..Default::default() };
    let j = reached("tongzhou-17-old-factory-renovation", &facts, &tongzhou_building(), TODAY);
    assert_eq!(j.eligibility, Eligibility::Possible);
    assert_eq!(j.missing, vec![ProjectField::ProjectType]);
    assert!(j.basis_zh.contains("项目类型") && j.basis_zh.contains("最高 1,000 万元"), "{}", j.basis_zh);
    // eligible, but no contribution given: no estimate, and the field it needs is named
    let facts = ProjectFacts { enterprise_titles: Some(vec!["头部企业".into()]), enterprise_status: Some("新引进".into()), ..Default::default() };
    let j = reached("tongzhou-01-chain-leaders-new", &facts, &tongzhou_building(), TODAY);
    assert!(eligible(&j));
    assert_eq!((j.estimate_wan, j.missing), (None, vec![ProjectField::RegionalContributionWan]));
}

#[test]
fn the_support_adds_up_only_over_measures_that_combine() {
    // l.42 (1,000) and l.30 "按照研发投入情况，每年给予最高300万元支持" (300) combine; l.54 keeps
    // 一事一议 apart, and city-10 (city l.51) is one
    let facts = ProjectFacts { annual_rnd_wan: Some(200.0), ..renovation(Some(4_000.0)) };
    let measures = &snapshot().policies.measures;
    let all = vec![true; measures.len()];
    let heads: Vec<_> = measures.iter().map(|m| std::sync::Arc::new(chanye::matcher::result::MeasureRef::of(m))).collect();
    let here = judge_place(measures, &heads, &all, &facts, &tongzhou_building(), date(TODAY), false);
    let estimate = |id: &str| here.listed.iter().find(|p| p.measure.id == id).and_then(|p| p.estimate_wan);
    assert_eq!((estimate("tongzhou-17-old-factory-renovation"), estimate("tongzhou-07-rnd-investment")), (Some(1_000.0), Some(300.0)));
    let eligible_sum: f64 = here.listed.iter().filter(|p| p.eligibility == Eligibility::Eligible).filter_map(|p| p.estimate_wan).sum();
    assert_eq!(here.support_wan, eligible_sum, "nothing eligible here excludes another");
    assert!(measure("tongzhou-17-old-factory-renovation").excludes.iter().any(|x| x == "case_by_case"));
    // the measures take effect from the day of issue
    let j = reached("tongzhou-17-old-factory-renovation", &facts, &tongzhou_building(), "2024-02-25");
    assert_eq!(j.eligibility, Eligibility::Ineligible, "{}", j.basis_zh);
}

#[test]
fn tongzhou_measures_stay_in_tongzhou_and_on_their_kind_of_space() {
    // l.18–19: the measures are the 城市副中心's (通州区) own
    let facts = renovation(Some(4_000.0));
    assert!(judged("tongzhou-17-old-factory-renovation", &facts, &at("110115", None, Building), TODAY).is_none());
    // l.42 renovates 老旧厂房: existing buildings, not land
    assert!(judged("tongzhou-17-old-factory-renovation", &facts, &at("110112", None, Land), TODAY).is_none());
}

#[test]
fn funds_banks_and_service_firms_are_never_a_candidates_support() {
    // l.52 管理人; l.53 金融机构 单笔绿色信贷风险补偿; l.49 贷款风险补偿 to 金融机构; l.37 专业服务机构
    for id in ["tongzhou-25-private-equity", "tongzhou-26-green-finance", "tongzhou-22-credit-risk-compensation", "tongzhou-13-professional-services"] {
        assert_ne!(measure(id).beneficiary, chanye::model::Beneficiary::Project, "{id}");
        assert!(judged(id, &ProjectFacts::default(), &tongzhou_building(), TODAY).is_none(), "{id} attached");
    }
    let result = run(serde_json::json!({"industry": "软件", "space": "building", "districts": ["110112"], "limit": 20}));
    let ids = listed_ids(&result);
    assert!(!ids.is_empty());
    assert!(!ids.iter().any(|id| id.starts_with("tongzhou-25") || id.starts_with("tongzhou-26")), "{ids:?}");
}
