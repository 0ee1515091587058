//! Policy eligibility (政策措施精准匹配): each measure that fits a place, the project's industry
//! and the kind of space is judged on its conditions — `eligible`, `possible` (a field the
//! request left out, or a fact to confirm with the investor) or `ineligible` (which condition
//! fails, by how much) — and the support the text allows is worked out, with the working.
//! The judgement hangs on the place alone, so a match judges once per (site, kind).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::result::{AppliedPolicy, MeasureRef};
use crate::model::{
    Area, Beneficiary, Benefit, BenefitKind, Comparison, Condition, MeasureStatus, OfferKind, PolicyMeasure, PolicyScope, ProjectField, ENTERPRISE_STATUSES,
    ENTERPRISE_STATUSES_EN, ENTERPRISE_TITLES, ENTERPRISE_TITLES_EN, PROJECT_TYPES, PROJECT_TYPES_EN,
};

/// How a measure stands for a project at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// Every condition holds.
    Eligible,
    /// No condition fails, but one needs a field the request left out or a fact to confirm.
    Possible,
    /// A condition fails.
    Ineligible,
}

impl Eligibility {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::Eligible => "eligible",
            Eligibility::Possible => "possible",
            Eligibility::Ineligible => "ineligible",
        }
    }

    /// The label in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Eligibility::Eligible => "符合",
            Eligibility::Possible => "可能符合",
            Eligibility::Ineligible => "不符合",
        }
    }
}

/// What the project says about itself that the measures' conditions read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFacts {
    /// 总投资, 万元 (defaults to the fixed-asset investment).
    pub total_investment_wan: Option<f64>,
    /// 固定资产投资, 万元.
    pub investment_wan: Option<f64>,
    /// 在京新增实缴资本, 万元.
    pub registered_capital_wan: Option<f64>,
    /// 外资企业.
    pub foreign_invested: Option<bool>,
    /// 实际利用外资, 万美元.
    pub foreign_investment_usd_wan: Option<f64>,
    /// 年研发投入, 万元.
    pub annual_rnd_wan: Option<f64>,
    /// 年度区域贡献, 万元.
    pub regional_contribution_wan: Option<f64>,
    /// 年产值, 万元.
    pub annual_output_wan: Option<f64>,
    /// 年税收, 万元.
    pub annual_tax_wan: Option<f64>,
    /// 企业称号 (from the closed list).
    pub enterprise_titles: Option<Vec<String>>,
    /// 项目类型.
    pub project_type: Option<String>,
    /// 企业状态.
    pub enterprise_status: Option<String>,
    /// The industry is manufacturing.
    pub manufacturing: bool,
}

/// A field's value as a condition reads it.
enum Value<'a> {
    Amount(f64),
    Flag(bool),
    Titles(&'a [String]),
    Choice(&'a str),
}

impl ProjectFacts {
    fn get(&self, field: ProjectField) -> Option<Value<'_>> {
        let amount = |v: Option<f64>| v.map(Value::Amount);
        match field {
            ProjectField::TotalInvestmentWan => amount(self.total_investment_wan.or(self.investment_wan)),
            ProjectField::InvestmentWan => amount(self.investment_wan),
            ProjectField::RegisteredCapitalWan => amount(self.registered_capital_wan),
            ProjectField::ForeignInvested => self.foreign_invested.or(self.foreign_investment_usd_wan.map(|v| v > 0.0)).map(Value::Flag),
            ProjectField::ForeignInvestmentUsdWan => amount(self.foreign_investment_usd_wan),
            ProjectField::AnnualRndWan => amount(self.annual_rnd_wan),
            ProjectField::RegionalContributionWan => amount(self.regional_contribution_wan),
            ProjectField::AnnualOutputWan => amount(self.annual_output_wan),
            ProjectField::AnnualTaxWan => amount(self.annual_tax_wan),
            ProjectField::EnterpriseTitles => self.enterprise_titles.as_deref().map(Value::Titles),
            ProjectField::ProjectType => self.project_type.as_deref().map(Value::Choice),
            ProjectField::EnterpriseStatus => self.enterprise_status.as_deref().map(Value::Choice),
            ProjectField::Manufacturing => Some(Value::Flag(self.manufacturing)),
        }
    }

    fn amount(&self, field: ProjectField) -> Option<f64> {
        match self.get(field) {
            Some(Value::Amount(v)) => Some(v),
            _ => None,
        }
    }
}

/// Where a project would land: a candidate's place, or nowhere yet (the 首谈 conversation).
#[derive(Debug, Clone, Copy, Default)]
pub struct Place<'a> {
    /// District adcode.
    pub district: Option<&'a str>,
    /// Park id.
    pub park: Option<&'a str>,
    /// 园中园 id.
    pub zone: Option<&'a str>,
    /// Land or building space.
    pub kind: Option<OfferKind>,
}

/// Whether a measure reaches a place.
enum Reach {
    /// The place is inside the measure's scope and areas.
    Inside,
    /// In the right district; whether inside one of the named areas is for the office to
    /// confirm.
    Confirm(String, String),
    /// Elsewhere.
    Outside,
}

/// Whether one area holds the place: yes, perhaps (the area's name, to confirm), or no.
enum AreaReach<'a> {
    Inside,
    Perhaps(&'a str),
    Outside,
}

fn area_reach<'a>(area: &'a Area, place: &Place) -> AreaReach<'a> {
    let in_listed = place.park.is_some_and(|p| area.parks.iter().any(|a| a == p)) || place.zone.is_some_and(|z| area.zones.iter().any(|a| a == z));
    if in_listed {
        return AreaReach::Inside;
    }
    let Some(district) = &area.district else { return AreaReach::Outside };
    match place.district {
        Some(d) if d != district => AreaReach::Outside,
        _ => match &area.name_zh {
            None => AreaReach::Inside,
            Some(name) => AreaReach::Perhaps(name),
        },
    }
}

/// Whether `m` reaches `place`: its scope, its areas, its kind of space.
fn reach(m: &PolicyMeasure, place: &Place) -> Reach {
    let in_scope = match (m.scope, place.district) {
        (PolicyScope::City, _) | (_, None) => true,
        (PolicyScope::District, Some(d)) => m.district.as_deref() == Some(d),
        (PolicyScope::Park, Some(_)) => m.park.as_deref().is_some_and(|p| place.park == Some(p)),
    };
    let kind_ok = place.kind.is_none_or(|k| m.space.is_empty() || m.space.contains(&k));
    if !in_scope || !kind_ok {
        return Reach::Outside;
    }
    if m.areas.is_empty() || place.district.is_none() {
        return Reach::Inside;
    }
    let mut perhaps: Vec<&str> = Vec::new();
    for area in &m.areas {
        match area_reach(area, place) {
            AreaReach::Inside => return Reach::Inside,
            AreaReach::Perhaps(name) if !perhaps.contains(&name) => perhaps.push(name),
            AreaReach::Perhaps(_) | AreaReach::Outside => {}
        }
    }
    if perhaps.is_empty() {
        return Reach::Outside;
    }
    Reach::Confirm(format!("选址须位于{}范围内", perhaps.join("或")), format!("the site must lie within {}", perhaps.join(" or ")))
}

/// One condition's outcome.
enum Outcome {
    Holds,
    /// Not settled: the request fields that would settle it, and facts to confirm.
    Open(Vec<ProjectField>, Vec<(String, String)>),
    Fails(String, String),
}

/// An amount with its unit, to the 0.01, grouped by thousands ("1,234.5 万元"); integer
/// arithmetic, as float formatting dominated the cost of a candidate's workings.
pub(crate) fn money(v: f64, unit: &str) -> String {
    let cents = (v * 100.0).round() as i64;
    let (whole, fraction) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + unit.len() + 8);
    if cents < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if fraction > 0 {
        out.push('.');
        out.push(char::from(b'0' + (fraction / 10) as u8));
        if fraction % 10 > 0 {
            out.push(char::from(b'0' + (fraction % 10) as u8));
        }
    }
    out.push(' ');
    out.push_str(unit);
    out
}

fn label_en(choice: &str) -> String {
    let pairs = ENTERPRISE_TITLES.iter().zip(ENTERPRISE_TITLES_EN).chain(PROJECT_TYPES.iter().zip(PROJECT_TYPES_EN)).chain(ENTERPRISE_STATUSES.iter().zip(ENTERPRISE_STATUSES_EN));
    for (zh, en) in pairs {
        if *zh == choice {
            return en.to_string();
        }
    }
    choice.to_string()
}

fn strings(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(s) => vec![s.as_str()],
        serde_json::Value::Array(items) => items.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    }
}

fn test_field(c: &Condition, field: ProjectField, facts: &ProjectFacts) -> Outcome {
    let (Some(comparison), Some(value)) = (c.comparison, &c.value) else { return Outcome::Holds };
    let Some(have) = facts.get(field) else { return Outcome::Open(vec![field], Vec::new()) };
    let unit = field.unit_zh();
    match (have, comparison) {
        (Value::Amount(v), _) => {
            let threshold = value.as_f64().unwrap_or(0.0);
            let holds = match comparison {
                Comparison::AtLeast => v >= threshold,
                Comparison::Above => v > threshold,
                Comparison::AtMost => v <= threshold,
                Comparison::Below => v < threshold,
                Comparison::Equals | Comparison::In => false,
            };
            if holds {
                return Outcome::Holds;
            }
            let gap = (threshold - v).abs();
            let sign = comparison.as_str().replace(">=", "≥").replace("<=", "≤");
            Outcome::Fails(
                format!("{} {} 不满足 {sign} {}（差 {}）", field.zh(), money(v, unit), money(threshold, unit), money(gap, unit)),
                format!("{} {} is not {sign} {} (short by {})", field.en(), money(v, unit), money(threshold, unit), money(gap, unit)),
            )
        }
        (Value::Flag(b), _) => {
            let wanted = value.as_bool().unwrap_or(true);
            if b == wanted {
                Outcome::Holds
            } else {
                let (zh, en) = if wanted { ("须为", "must be") } else { ("不能为", "must not be") };
                Outcome::Fails(format!("{}{}", zh, field.zh().trim_start_matches("是否")), format!("{en} {}", field.en()))
            }
        }
        (Value::Titles(held), _) => {
            let wanted = strings(value);
            if held.iter().any(|t| wanted.contains(&t.as_str())) {
                Outcome::Holds
            } else {
                Outcome::Fails(
                    format!("须具备称号：{}", wanted.join(" 或 ")),
                    format!("needs the title {}", wanted.iter().map(|w| label_en(w)).collect::<Vec<_>>().join(" or ")),
                )
            }
        }
        (Value::Choice(have), _) => {
            let wanted = strings(value);
            if wanted.contains(&have) {
                Outcome::Holds
            } else {
                Outcome::Fails(
                    format!("{}为{}，须为 {}", field.zh(), have, wanted.join(" 或 ")),
                    format!("{} is {}, must be {}", field.en(), label_en(have), wanted.iter().map(|w| label_en(w)).collect::<Vec<_>>().join(" or ")),
                )
            }
        }
    }
}

fn test(c: &Condition, facts: &ProjectFacts) -> Outcome {
    if let Some(field) = c.field {
        return test_field(c, field, facts);
    }
    if let (Some(zh), Some(en)) = (&c.confirm_zh, &c.confirm_en) {
        return Outcome::Open(Vec::new(), vec![(zh.clone(), en.clone())]);
    }
    let (mut unknown, mut confirm) = (Vec::new(), Vec::new());
    let mut failed = (Vec::new(), Vec::new());
    for alt in &c.any_of {
        match test(alt, facts) {
            Outcome::Holds => return Outcome::Holds,
            Outcome::Open(fields, facts_to_confirm) => {
                unknown.extend(fields);
                confirm.extend(facts_to_confirm);
            }
            Outcome::Fails(zh, en) => {
                failed.0.push(zh);
                failed.1.push(en);
            }
        }
    }
    if unknown.is_empty() && confirm.is_empty() {
        Outcome::Fails(failed.0.join("，且"), failed.1.join(", and "))
    } else {
        Outcome::Open(unknown, confirm)
    }
}

/// The support the text allows, with the working; none when it gives no figure or the base
/// is unknown (then the field it needs).
fn estimate(b: &Benefit, facts: &ProjectFacts) -> (Option<f64>, String, String, Option<ProjectField>) {
    let per_year = b.kind == BenefitKind::Annual;
    let (mut zh, mut en);
    let amount = match (b.rate, b.base) {
        (Some(rate), Some(base)) if b.kind != BenefitKind::InterestSubsidy => {
            let Some(v) = facts.amount(base) else {
                let pct = percent(rate);
                return (None, format!("按{}的 {pct} 计，需提供{}以估算", base.zh(), base.zh()), format!("{pct} of {}: give it to estimate", base.en()), Some(base));
            };
            let x = rate * v;
            zh = format!("{} × {} = {}", percent(rate), money(v, "万元"), money(x, "万元"));
            en = zh.clone();
            let mut y = x;
            if let Some(floor) = b.floor_wan.filter(|f| *f > y) {
                y = floor;
                zh += &format!("，下限 {}", money(floor, "万元"));
                en += &format!(", floor {}", money(floor, "万元"));
            }
            if let Some(cap) = b.cap_wan.filter(|c| *c < y) {
                y = cap;
                zh += &format!("，上限 {}", money(cap, "万元"));
                en += &format!(", capped at {}", money(cap, "万元"));
            }
            y
        }
        (Some(rate), None) if b.kind != BenefitKind::InterestSubsidy => {
            let pct = percent(rate);
            return (
                None,
                format!("按原文所定基数的 {pct} 计（基数须另行核定）"),
                format!("{pct} of the base the text sets (to be determined)"),
                None,
            );
        }
        _ => match (b.cap_wan, b.floor_wan) {
            (Some(cap), _) if b.kind != BenefitKind::InterestSubsidy => {
                zh = format!("最高 {}", money(cap, "万元"));
                en = format!("up to {}", money(cap, "万元"));
                cap
            }
            (None, Some(floor)) => {
                zh = format!("不低于 {}", money(floor, "万元"));
                en = format!("at least {}", money(floor, "万元"));
                floor
            }
            _ => {
                let (zh, en) = no_figure(b);
                return (None, zh, en, None);
            }
        },
    };
    let total = match (per_year, b.years) {
        (true, Some(years)) => {
            zh = format!("每年 {zh}，共 {years} 年 → 最高 {}", money(amount * f64::from(years), "万元"));
            en = format!("per year {en}, for {years} years → up to {}", money(amount * f64::from(years), "万元"));
            amount * f64::from(years)
        }
        (true, None) => {
            zh = format!("每年 {zh}（按一年计）→ 最高 {}", money(amount, "万元"));
            en = format!("per year {en} (one year counted) → up to {}", money(amount, "万元"));
            amount
        }
        (false, _) => {
            if b.rate.is_some() {
                zh = format!("{zh} → 最高 {}", money(amount, "万元"));
                en = format!("{en} → up to {}", money(amount, "万元"));
            }
            amount
        }
    };
    (Some(total), zh, en, None)
}

/// What a measure cannot be combined with, as readers name it.
fn exclusions(m: &PolicyMeasure) -> (String, String) {
    let name = |x: &String| match x.as_str() {
        "case_by_case" => ("“一事一议”扶持政策".to_string(), "case-by-case (一事一议) support".to_string()),
        other => (other.to_string(), other.to_string()),
    };
    let (zh, en): (Vec<String>, Vec<String>) = m.excludes.iter().map(name).unzip();
    (zh.join("、"), en.join(", "))
}

fn no_figure(b: &Benefit) -> (String, String) {
    match b.kind {
        BenefitKind::InterestSubsidy => match b.rate {
            Some(rate) => (format!("按贷款额贴息（利率不超过 {}），金额视贷款而定", percent(rate)), format!("interest subsidy on loans (up to {}), amount depends on the loan", percent(rate))),
            None => ("贷款贴息，金额视贷款而定".into(), "interest subsidy, amount depends on the loan".into()),
        },
        BenefitKind::InKind => ("实物或指标支持，文件未给金额".into(), "support in kind; the document gives no amount".into()),
        BenefitKind::Service => ("服务保障，无资金金额".into(), "a service; no money amount".into()),
        _ => ("文件未给出金额".into(), "the document gives no amount".into()),
    }
}

fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

/// The judgement of one measure for a project at a place.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// Eligible, possible or ineligible.
    pub eligibility: Eligibility,
    /// The most the text allows, 万元 (eligible measures with a figure).
    pub estimate_wan: Option<f64>,
    /// The working or the reason, Chinese.
    pub basis_zh: String,
    /// The same, English.
    pub basis_en: String,
    /// Request fields that would settle it (or the estimate).
    pub missing: Vec<ProjectField>,
    /// Facts to confirm with the investor or the office, Chinese.
    pub confirm_zh: Vec<String>,
    /// The same, English.
    pub confirm_en: Vec<String>,
}

/// Judges `m` for a project at `place` on `as_of`; none when the measure does not reach the
/// place (scope, area, kind of space) or benefits someone other than the project.
pub fn judge(m: &PolicyMeasure, facts: &ProjectFacts, place: &Place, as_of: NaiveDate) -> Option<Judgement> {
    if m.beneficiary != Beneficiary::Project {
        return None;
    }
    let mut confirm = match reach(m, place) {
        Reach::Outside => return None,
        Reach::Inside => Vec::new(),
        Reach::Confirm(zh, en) => vec![(zh, en)],
    };
    let ineligible = |zh: String, en: String| Judgement {
        eligibility: Eligibility::Ineligible,
        estimate_wan: None,
        basis_zh: zh,
        basis_en: en,
        missing: Vec::new(),
        confirm_zh: Vec::new(),
        confirm_en: Vec::new(),
    };
    if let Some(to) = m.valid_to.filter(|to| *to < as_of) {
        return Some(ineligible(format!("已于 {to} 到期"), format!("expired on {to}")));
    }
    if let Some(from) = m.valid_from.filter(|from| *from > as_of) {
        return Some(ineligible(format!("{from} 起施行"), format!("in force from {from}")));
    }
    if m.status == MeasureStatus::Expired && m.valid_to.is_none() {
        return Some(ineligible("已失效".into(), "no longer in force".into()));
    }
    let mut missing = Vec::new();
    let mut fails = (Vec::new(), Vec::new());
    for c in &m.conditions {
        match test(c, facts) {
            Outcome::Holds => {}
            Outcome::Open(fields, facts_to_confirm) => {
                missing.extend(fields);
                confirm.extend(facts_to_confirm);
            }
            Outcome::Fails(zh, en) => {
                fails.0.push(zh);
                fails.1.push(en);
            }
        }
    }
    missing.sort_by_key(|f| f.as_str());
    missing.dedup();
    if !fails.0.is_empty() {
        return Some(ineligible(fails.0.join("；"), fails.1.join("; ")));
    }
    let (confirm_zh, confirm_en): (Vec<String>, Vec<String>) = confirm.into_iter().unzip();
    let draft = m.status == MeasureStatus::Draft;
    if !missing.is_empty() || !confirm_zh.is_empty() {
        let mut zh: Vec<String> = missing.iter().map(|f| format!("需提供{}", f.zh())).chain(confirm_zh.iter().map(|c| format!("需核实：{c}"))).collect();
        let mut en: Vec<String> = missing.iter().map(|f| format!("give {}", f.en())).chain(confirm_en.iter().map(|c| format!("to confirm: {c}"))).collect();
        let (_, if_zh, if_en, _) = estimate(&m.benefit, facts);
        zh.push(format!("若符合：{if_zh}"));
        en.push(format!("if so: {if_en}"));
        if draft {
            zh.push("（征求意见稿，以正式文件为准）".into());
            en.push("(a draft for comments; the final text governs)".into());
        }
        return Some(Judgement { eligibility: Eligibility::Possible, estimate_wan: None, basis_zh: zh.join("；"), basis_en: en.join("; "), missing, confirm_zh, confirm_en });
    }
    let (estimate_wan, mut basis_zh, mut basis_en, needs) = estimate(&m.benefit, facts);
    if !m.excludes.is_empty() {
        let (zh, en) = exclusions(m);
        basis_zh += &format!("；不与{zh}同时享受");
        basis_en += &format!("; not combined with {en}");
    }
    if draft {
        basis_zh += "（征求意见稿，以正式文件为准）";
        basis_en += " (a draft for comments; the final text governs)";
    }
    Some(Judgement {
        eligibility: Eligibility::Eligible,
        estimate_wan: estimate_wan.map(|v| (v * 100.0).round() / 100.0),
        basis_zh,
        basis_en,
        missing: needs.into_iter().collect(),
        confirm_zh: Vec::new(),
        confirm_en: Vec::new(),
    })
}

/// A measure as results show it (`head`, made once), with its judgement.
pub fn applied(head: &Arc<MeasureRef>, j: Judgement) -> AppliedPolicy {
    AppliedPolicy {
        measure: head.clone(),
        eligibility: j.eligibility,
        estimate_wan: j.estimate_wan,
        basis_zh: j.basis_zh,
        basis_en: j.basis_en,
        missing: j.missing.iter().map(|f| f.as_str().to_string()).collect(),
        confirm_zh: j.confirm_zh,
        confirm_en: j.confirm_en,
    }
}

/// The measures judged for one place: those listed (eligible and possible, the most
/// specific scope first), those ineligible, and the largest combinable total.
#[derive(Debug, Clone, Default)]
pub struct PlacePolicies {
    /// Eligible and possible measures.
    pub listed: Vec<Arc<AppliedPolicy>>,
    /// Ineligible measures, when asked for.
    pub ineligible: Vec<Arc<AppliedPolicy>>,
    /// How many measures are ineligible.
    pub ineligible_count: usize,
    /// The largest total of eligible estimates that can be combined, 万元.
    pub support_wan: f64,
}

/// Measures judged for one place, before they are ordered and summed: each with its
/// position in the catalogue, and how many more were ineligible (and left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct Judged {
    /// (catalogue position, judgement) of the measures kept.
    pub kept: Vec<(usize, Arc<AppliedPolicy>)>,
    /// Ineligible measures, kept or not.
    pub ineligible_count: usize,
}

/// What a judgement of measures for a place reads.
pub(crate) struct Judging<'a> {
    /// The catalogue's measures.
    pub measures: &'a [PolicyMeasure],
    /// The measures as results show them.
    pub heads: &'a [Arc<MeasureRef>],
    /// Per measure: open to the project's industry.
    pub industry_ok: &'a [bool],
    /// The project.
    pub facts: &'a ProjectFacts,
    /// The date judged on.
    pub as_of: NaiveDate,
    /// Keep ineligible measures (else only count them).
    pub keep_ineligible: bool,
}

impl Judging<'_> {
    /// Judges the measures `which` selects for `place`.
    pub fn judge(&self, place: &Place, which: impl Fn(&PolicyMeasure) -> bool) -> Judged {
        let mut judged = Judged::default();
        for (i, m) in self.measures.iter().enumerate().filter(|(i, m)| self.industry_ok[*i] && which(m)) {
            let Some(j) = judge(m, self.facts, place, self.as_of) else { continue };
            if j.eligibility == Eligibility::Ineligible {
                judged.ineligible_count += 1;
                if !self.keep_ineligible {
                    continue;
                }
            }
            judged.kept.push((i, Arc::new(applied(&self.heads[i], j))));
        }
        judged
    }

    /// The judged measures ordered (eligible first; within each, the park's own, then the
    /// district's, then the city's) with the largest combinable support.
    pub fn assemble(&self, mut judged: Judged) -> PlacePolicies {
        judged.kept.sort_by_key(|(i, a)| (a.eligibility, scope_order(self.measures[*i].scope)));
        let eligible: Vec<(usize, f64)> =
            judged.kept.iter().filter(|(_, a)| a.eligibility == Eligibility::Eligible).map(|(i, a)| (*i, a.estimate_wan.unwrap_or(0.0))).collect();
        let support_wan = best_combination(self.measures, &eligible);
        let (ineligible, listed): (Vec<_>, Vec<_>) = judged.kept.into_iter().map(|(_, a)| a).partition(|a| a.eligibility == Eligibility::Ineligible);
        PlacePolicies { listed, ineligible, ineligible_count: judged.ineligible_count, support_wan: (support_wan * 100.0).round() / 100.0 }
    }
}

/// Whether a measure's reach stops at the district: neither a park's own nor limited to areas
/// (which may name parks, 园中园 or areas to confirm), so every site of a district shares its
/// judgement.
fn district_wide(m: &PolicyMeasure) -> bool {
    m.scope != PolicyScope::Park && m.areas.is_empty()
}

/// Judges every measure in `measures` (with `industry_ok` per measure, `heads` as results show
/// them) for `place`; ineligible ones are only counted unless `keep_ineligible`.
pub fn judge_place(
    measures: &[PolicyMeasure],
    heads: &[Arc<MeasureRef>],
    industry_ok: &[bool],
    facts: &ProjectFacts,
    place: &Place,
    as_of: NaiveDate,
    keep_ineligible: bool,
) -> PlacePolicies {
    let judging = Judging { measures, heads, industry_ok, facts, as_of, keep_ineligible };
    judging.assemble(judging.judge(place, |_| true))
}

fn scope_order(scope: PolicyScope) -> u8 {
    match scope {
        PolicyScope::Park => 0,
        PolicyScope::District => 1,
        PolicyScope::City => 2,
    }
}

/// Branches the exact search may take before it settles for the greedy combination (a
/// catalogue full of mutual exclusions would otherwise take exponential time).
const COMBINATION_BUDGET: u32 = 1 << 12;

/// The largest sum of estimates over measures no two of which exclude each other: measures
/// without an amount left out, then a branch on a measure with the most conflicts (exclusions
/// form small stars around 一事一议); past [`COMBINATION_BUDGET`] branches, the largest
/// amounts first, each taken when it conflicts with none taken.
pub fn best_combination(measures: &[PolicyMeasure], eligible: &[(usize, f64)]) -> f64 {
    let amounts: Vec<(usize, f64)> = eligible.iter().copied().filter(|(_, v)| *v > 0.0).collect();
    let n = amounts.len();
    // conflicts by position in `amounts`, worked out once
    let conflict: Vec<bool> = (0..n * n).map(|k| k / n != k % n && measures[amounts[k / n].0].conflicts_with(&measures[amounts[k % n].0])).collect();
    let values: Vec<f64> = amounts.iter().map(|(_, v)| *v).collect();
    let mut budget = COMBINATION_BUDGET;
    let all: Vec<usize> = (0..n).collect();
    combine(&all, &values, &conflict, n, &mut budget)
}

/// The best sum over `items` (positions), branching on the one with the most conflicts.
fn combine(items: &[usize], values: &[f64], conflict: &[bool], n: usize, budget: &mut u32) -> f64 {
    let clash = |a: usize, b: usize| conflict[a * n + b];
    let degree = |a: usize| items.iter().filter(|&&b| clash(a, b)).count();
    let Some(pivot) = items.iter().copied().filter(|&a| degree(a) > 0).max_by_key(|&a| degree(a)) else {
        return items.iter().fold(0.0, |sum, &a| sum + values[a]);
    };
    if *budget == 0 {
        let mut by_value = items.to_vec();
        by_value.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
        let mut taken: Vec<usize> = Vec::new();
        for a in by_value {
            if !taken.iter().any(|&t| clash(t, a)) {
                taken.push(a);
            }
        }
        return taken.iter().fold(0.0, |sum, &a| sum + values[a]);
    }
    *budget -= 1;
    let without: Vec<usize> = items.iter().copied().filter(|&a| a != pivot).collect();
    let with: Vec<usize> = without.iter().copied().filter(|&a| !clash(pivot, a)).collect();
    combine(&without, values, conflict, n, budget).max(values[pivot] + combine(&with, values, conflict, n, budget))
}

/// The measures judged for one request, filled on first use: per (site, kind), and the
/// district-wide part of them per (district, kind), which the sites of a district share.
#[derive(Default)]
pub(crate) struct PolicyCache {
    sites: std::cell::RefCell<std::collections::HashMap<(u16, OfferKind), Arc<PlacePolicies>>>,
    districts: std::cell::RefCell<std::collections::HashMap<(u16, OfferKind), Arc<Judged>>>,
}

/// Per site and kind, the estimated support, and the most any of them offers.
pub(crate) struct PolicyScores {
    /// Per site: land, building.
    by_site: Vec<[f64; 2]>,
    /// The largest support over all sites, 万元 (above 0).
    pub best_wan: f64,
}

impl PolicyScores {
    /// The support of every site for `ctx`'s project; none when no place offers any.
    pub fn of(ctx: &super::Ctx) -> Option<PolicyScores> {
        let space = ctx.req.space;
        let wanted = [space.land(), space.building()];
        let by_site: Vec<[f64; 2]> = (0..ctx.offers.sites.len())
            .map(|site| {
                let support = |kind: OfferKind, wanted: bool| if wanted { ctx.place_policies(site as u16, kind).support_wan } else { 0.0 };
                [support(OfferKind::Land, wanted[0]), support(OfferKind::Building, wanted[1])]
            })
            .collect();
        let best_wan = by_site.iter().flatten().copied().fold(0.0, f64::max);
        (best_wan > 0.0).then_some(PolicyScores { by_site, best_wan })
    }

    /// The support at `site` for `kind`, 万元.
    pub fn support(&self, site: u16, kind: OfferKind) -> f64 {
        self.by_site[usize::from(site)][usize::from(kind == OfferKind::Building)]
    }
}

impl super::Ctx<'_> {
    /// The measures judged for the project at `site`, for `kind` of space.
    pub(crate) fn place_policies(&self, site: u16, kind: OfferKind) -> Arc<PlacePolicies> {
        if let Some(judged) = self.policies.sites.borrow().get(&(site, kind)) {
            return judged.clone();
        }
        let s = self.snapshot;
        let at = self.offers.sites[usize::from(site)];
        let place = Place {
            district: Some(s.districts.at(u32::from(at.district)).adcode.as_str()),
            park: at.park().map(|p| s.parks.at(p).id.as_str()),
            zone: at.zone().map(|z| s.zones.at(z).id.as_str()),
            kind: Some(kind),
        };
        let judging = Judging {
            measures: &s.policies.measures,
            heads: self.policy_heads,
            industry_ok: &self.policy_industry_ok,
            facts: &self.req.facts,
            as_of: self.req.as_of,
            keep_ineligible: self.req.explain_all_policies,
        };
        let shared = self.policies.districts.borrow().get(&(at.district, kind)).cloned();
        let shared = shared.unwrap_or_else(|| {
            let judged = Arc::new(judging.judge(&place, district_wide));
            self.policies.districts.borrow_mut().insert((at.district, kind), judged.clone());
            judged
        });
        let mut judged = judging.judge(&place, |m| !district_wide(m));
        judged.kept.extend(shared.kept.iter().cloned());
        judged.ineligible_count += shared.ineligible_count;
        let judged = Arc::new(judging.assemble(judged));
        self.policies.sites.borrow_mut().insert((site, kind), judged.clone());
        judged
    }
}

/// Filters of the measures' listing; each left out matches all.
#[derive(Debug, Clone, Default)]
pub struct ListingFilter {
    /// Measures reaching this district (adcode).
    pub district: Option<String>,
    /// Measures reaching this park (id).
    pub park: Option<String>,
    /// Measures open to this industry (catalogue code).
    pub industry: Option<String>,
    /// Measures for this beneficiary.
    pub beneficiary: Option<Beneficiary>,
    /// Measures of this status.
    pub status: Option<MeasureStatus>,
}

/// The measures a listing shows: those for projects, and the others (park operators,
/// platforms, institutions, banks, funds, government duties) apart.
#[derive(Debug, Clone, Serialize)]
pub struct Listing<'a> {
    /// Where the catalogue comes from.
    pub source: &'a str,
    /// Source documents, with their status and validity.
    pub documents: &'a [crate::model::PolicyDocument],
    /// Measures whose beneficiary is the project.
    pub measures: Vec<&'a PolicyMeasure>,
    /// Measures for someone else, never attached to a candidate.
    pub others: Vec<&'a PolicyMeasure>,
}

/// The measures of `snapshot` that pass `filter`.
pub fn listing<'a>(snapshot: &'a crate::inventory::Snapshot, filter: &ListingFilter) -> Listing<'a> {
    let catalogue = &snapshot.policies;
    let park = filter.park.as_deref().and_then(|p| snapshot.parks.get(p));
    let place = Place {
        district: filter.district.as_deref().or(park.map(|p| p.district.as_str())),
        park: park.map(|p| p.id.as_str()),
        zone: None,
        kind: None,
    };
    let passes = |m: &&PolicyMeasure| {
        filter.beneficiary.is_none_or(|b| m.beneficiary == b)
            && filter.status.is_none_or(|s| m.status == s)
            && filter.industry.as_deref().is_none_or(|i| crate::model::PolicyCatalogue::covers_industry(m, &snapshot.catalogue, i))
            && (place.district.is_none() || !matches!(reach(m, &place), Reach::Outside) || in_a_park_of(m, &place, snapshot))
    };
    let (measures, others) = catalogue.measures.iter().filter(passes).partition(|m| m.beneficiary == Beneficiary::Project);
    Listing { source: &catalogue.source, documents: &catalogue.documents, measures, others }
}

/// Whether `m` reaches a park of `place`'s district, its own measure or through an area that
/// lists the park: a listing by district shows these beside the district's.
fn in_a_park_of(m: &PolicyMeasure, place: &Place, snapshot: &crate::inventory::Snapshot) -> bool {
    let in_district = |park: &str| snapshot.parks.get(park).is_some_and(|p| Some(p.district.as_str()) == place.district);
    place.park.is_none()
        && ((m.scope == PolicyScope::Park && m.district.as_deref() == place.district) || m.areas.iter().flat_map(|a| &a.parks).any(|p| in_district(p)))
}

/// A measure judged without a site, with where it applies.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedPolicy {
    /// The measure as a candidate shows it.
    #[serde(flatten)]
    pub applied: AppliedPolicy,
    /// District it is limited to (district and park measures).
    pub district: Option<String>,
    /// Park it is limited to (park measures).
    pub park: Option<String>,
    /// Places it is limited to within its scope.
    pub areas: Vec<Area>,
}

/// What a district offers the project before any site is chosen.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictSupport {
    /// Adcode.
    pub district: String,
    /// Name.
    pub district_name: String,
    /// The largest combinable total of eligible estimates of the city's and the district's
    /// measures that reach the whole district, 万元.
    pub support_wan: f64,
    /// Eligible measures there.
    pub eligible: usize,
    /// Possible measures there.
    pub possible: usize,
}

/// The answer of `POST /api/v1/policies/check`: every project measure judged for the
/// project without a site (the 首谈 conversation), and what each district offers.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyCheck {
    /// Eligible and possible measures (and ineligible ones with `explain_policies: "all"`).
    pub measures: Vec<CheckedPolicy>,
    /// Measures whose conditions the project fails.
    pub ineligible: usize,
    /// Per district (those the request names, or all), best first.
    pub districts: Vec<DistrictSupport>,
}

impl super::Matcher {
    /// Judges every project measure for `request` without a site: the measures with their
    /// places, and per district the support the project may combine there.
    pub fn check_policies(&self, request: &super::ProjectRequest, today: NaiveDate) -> Result<PolicyCheck, super::MatchError> {
        let req = super::Requirements::resolve(request, &self.snapshot, today)?;
        let s = &self.snapshot;
        let industry_ok = self.industry_view(&req.industry).policy_ok.clone();
        let anywhere = Place::default();
        let mut judged: Vec<(usize, AppliedPolicy)> = s
            .policies
            .measures
            .iter()
            .enumerate()
            .filter(|(i, _)| industry_ok[*i])
            .filter_map(|(i, m)| judge(m, &req.facts, &anywhere, req.as_of).map(|j| (i, applied(&self.policy_heads[i], j))))
            .collect();
        judged.sort_by_key(|(i, a)| (a.eligibility, scope_order(s.policies.measures[*i].scope)));
        let ineligible = judged.iter().filter(|(_, a)| a.eligibility == Eligibility::Ineligible).count();
        let measures = judged
            .into_iter()
            .filter(|(_, a)| req.explain_all_policies || a.eligibility != Eligibility::Ineligible)
            .map(|(i, applied)| {
                let m = &s.policies.measures[i];
                CheckedPolicy { applied, district: m.district.clone(), park: m.park.clone(), areas: m.areas.clone() }
            })
            .collect();
        let mut districts: Vec<DistrictSupport> = s
            .districts
            .items()
            .iter()
            .filter(|d| req.districts.as_ref().is_none_or(|named| named.contains(&d.adcode)))
            .map(|d| {
                let place = Place { district: Some(&d.adcode), ..Place::default() };
                let there = judge_place(&s.policies.measures, &self.policy_heads, &industry_ok, &req.facts, &place, req.as_of, false);
                let count = |e: Eligibility| there.listed.iter().filter(|a| a.eligibility == e).count();
                DistrictSupport {
                    district: d.adcode.clone(),
                    district_name: d.name.clone(),
                    support_wan: there.support_wan,
                    eligible: count(Eligibility::Eligible),
                    possible: count(Eligibility::Possible),
                }
            })
            .collect();
        districts.sort_by(|a, b| b.support_wan.total_cmp(&a.support_wan).then(b.eligible.cmp(&a.eligible)).then(a.district.cmp(&b.district)));
        Ok(PolicyCheck { measures, ineligible, districts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn benefit(kind: BenefitKind, base: Option<ProjectField>, rate: Option<f64>, cap: Option<f64>, floor: Option<f64>, years: Option<u32>) -> Benefit {
        Benefit { kind, base, rate, cap_wan: cap, floor_wan: floor, years, quote_zh: "q".into() }
    }

    /// `n` measures; measure 2k and 2k+1 exclude each other.
    fn pairs(n: usize) -> Vec<PolicyMeasure> {
        (0..n)
            .map(|i| {
                let partner = if i % 2 == 0 { i + 1 } else { i - 1 };
                serde_json::from_value(serde_json::json!({
                    "id": format!("m{i}"), "scope": "city", "beneficiary": "project", "status": "in_force",
                    "title_zh": "t", "title_en": "t", "supports_zh": "s", "supports_en": "s", "excludes": [format!("m{partner}")],
                    "benefit": {"kind": "one_off", "cap_wan": 1.0, "quote_zh": "q"}, "quote_zh": "q", "document": "d", "item": "一", "line": 1
                }))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn the_combination_takes_the_better_of_each_excluding_pair_even_past_the_budget() {
        let measures = pairs(4);
        assert_eq!(best_combination(&measures, &[(0, 10.0), (1, 9.0), (2, 3.0), (3, 5.0)]), 15.0);
        assert_eq!(best_combination(&measures, &[(0, 10.0), (2, 0.0)]), 10.0, "no amount, no weight");
        // 30 independent pairs: 2^30 branches exactly; the budget ends it with the same answer
        let many = pairs(60);
        let eligible: Vec<(usize, f64)> = (0..60).map(|i| (i, if i % 2 == 0 { 10.0 } else { 9.0 })).collect();
        assert_eq!(best_combination(&many, &eligible), 300.0);
    }

    #[test]
    fn amounts_read_as_promoters_write_them() {
        assert_eq!(money(1234.5, "万元"), "1,234.5 万元");
        assert_eq!(money(1000.0, "万元"), "1,000 万元");
        assert_eq!(money(0.25, "万美元"), "0.25 万美元");
        assert_eq!(money(1_234_567.05, "万元"), "1,234,567.05 万元");
        assert_eq!(money(-20.0, "万元"), "-20 万元");
        assert_eq!(percent(0.3), "30%");
        assert_eq!(percent(0.025), "2.5%");
    }

    #[test]
    fn the_estimate_applies_rate_floor_cap_and_years() {
        let facts = ProjectFacts { investment_wan: Some(5_000.0), regional_contribution_wan: Some(2_000.0), ..Default::default() };
        let floored = estimate(&benefit(BenefitKind::OneOff, Some(ProjectField::InvestmentWan), Some(0.1), Some(3_000.0), Some(1_000.0), None), &facts);
        assert_eq!(floored.0, Some(1_000.0), "{}", floored.1);
        assert!(floored.1.contains("下限 1,000 万元"), "{}", floored.1);
        let yearly = estimate(&benefit(BenefitKind::Annual, None, None, Some(1_000.0), None, Some(3)), &facts);
        assert_eq!(yearly.0, Some(3_000.0));
        assert!(yearly.1.contains("共 3 年") && yearly.2.contains("for 3 years"), "{yearly:?}");
        let one_year = estimate(&benefit(BenefitKind::Annual, Some(ProjectField::RegionalContributionWan), Some(0.7), None, None, None), &facts);
        assert_eq!(one_year.0, Some(1_400.0));
        assert!(one_year.1.contains("按一年计"), "{}", one_year.1);
        let unknown = estimate(&benefit(BenefitKind::OneOff, Some(ProjectField::AnnualRndWan), Some(0.5), None, None, None), &facts);
        assert_eq!((unknown.0, unknown.3), (None, Some(ProjectField::AnnualRndWan)));
        let loan = estimate(&benefit(BenefitKind::InterestSubsidy, None, Some(0.02), None, None, None), &facts);
        assert_eq!(loan.0, None);
        assert!(loan.1.contains("2%"), "{}", loan.1);
    }
}
