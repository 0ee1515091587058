//! Policy measures 政策措施: the support a district or the city offers, as checkable data —
//! who benefits, where it applies, its conditions over the project's fields and what it
//! gives — each with the sentence of the document it comes from. Read from
//! `geodata/policies.json` (JSON Schema: `api-spec/policies.schema.json`).

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Catalogue;

/// Who offers a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyScope {
    /// Beijing-wide.
    City,
    /// One district.
    District,
    /// One park.
    Park,
}

impl PolicyScope {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyScope::City => "city",
            PolicyScope::District => "district",
            PolicyScope::Park => "park",
        }
    }
}

/// The kind of offer a measure concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Land supply and construction on land.
    Land,
    /// Existing factory or office space.
    Building,
}

/// Who receives a measure's support. Only `project` measures attach to candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beneficiary {
    /// The investing enterprise or its project.
    Project,
    /// A park's developer or operator.
    ParkOperator,
    /// An incubation, service or investment-attraction platform.
    Platform,
    /// A third-party institution (agency, professional service firm, university).
    Institution,
    /// A bank, guarantor or other financial institution.
    Financial,
    /// A fund or its manager.
    Fund,
    /// A government body: a duty, not a support.
    Government,
}

impl Beneficiary {
    /// Every beneficiary, in contract order.
    pub const ALL: [Beneficiary; 7] = [
        Beneficiary::Project,
        Beneficiary::ParkOperator,
        Beneficiary::Platform,
        Beneficiary::Institution,
        Beneficiary::Financial,
        Beneficiary::Fund,
        Beneficiary::Government,
    ];

    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Beneficiary::Project => "project",
            Beneficiary::ParkOperator => "park_operator",
            Beneficiary::Platform => "platform",
            Beneficiary::Institution => "institution",
            Beneficiary::Financial => "financial",
            Beneficiary::Fund => "fund",
            Beneficiary::Government => "government",
        }
    }
}

/// Whether a measure is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    /// Issued and in force.
    InForce,
    /// A draft for comments (征求意见稿): shown, marked, not yet binding.
    Draft,
    /// Past its validity.
    Expired,
}

impl MeasureStatus {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureStatus::InForce => "in_force",
            MeasureStatus::Draft => "draft",
            MeasureStatus::Expired => "expired",
        }
    }
}

/// A place a measure is limited to: a district, a park, a 园中园, or a named area (such as
/// 怀柔科学城) that the inventory does not outline, given with the district it lies in and
/// the parks known to lie inside it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// The area's name as the document gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// District adcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Parks (ids) inside the area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parks: Vec<String>,
    /// 园中园 (ids) inside the area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
}

/// A project field a condition or a benefit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectField {
    /// 总投资, 万元.
    TotalInvestmentWan,
    /// 固定资产投资, 万元.
    InvestmentWan,
    /// 在京新增实缴资本, 万元.
    RegisteredCapitalWan,
    /// 外资企业.
    ForeignInvested,
    /// 实际利用外资, 万美元.
    ForeignInvestmentUsdWan,
    /// 年研发投入, 万元.
    AnnualRndWan,
    /// 年度区域贡献, 万元.
    RegionalContributionWan,
    /// 年产值, 万元.
    AnnualOutputWan,
    /// 年税收, 万元.
    AnnualTaxWan,
    /// 企业称号 (closed list).
    EnterpriseTitles,
    /// 项目类型.
    ProjectType,
    /// 企业状态.
    EnterpriseStatus,
    /// Whether the project's industry is manufacturing (from the catalogue).
    Manufacturing,
}

impl ProjectField {
    /// The contract spelling (the match request's field name).
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectField::TotalInvestmentWan => "total_investment_wan",
            ProjectField::InvestmentWan => "investment_wan",
            ProjectField::RegisteredCapitalWan => "registered_capital_wan",
            ProjectField::ForeignInvested => "foreign_invested",
            ProjectField::ForeignInvestmentUsdWan => "foreign_investment_usd_wan",
            ProjectField::AnnualRndWan => "annual_rnd_wan",
            ProjectField::RegionalContributionWan => "regional_contribution_wan",
            ProjectField::AnnualOutputWan => "annual_output_wan",
            ProjectField::AnnualTaxWan => "annual_tax_wan",
            ProjectField::EnterpriseTitles => "enterprise_titles",
            ProjectField::ProjectType => "project_type",
            ProjectField::EnterpriseStatus => "enterprise_status",
            ProjectField::Manufacturing => "manufacturing",
        }
    }

    /// The field's name in Chinese, as the form labels it.
    pub fn zh(self) -> &'static str {
        match self {
            ProjectField::TotalInvestmentWan => "总投资",
            ProjectField::InvestmentWan => "固定资产投资",
            ProjectField::RegisteredCapitalWan => "在京新增实缴资本",
            ProjectField::ForeignInvested => "是否外资企业",
            ProjectField::ForeignInvestmentUsdWan => "实际利用外资",
            ProjectField::AnnualRndWan => "年研发投入",
            ProjectField::RegionalContributionWan => "年度区域贡献",
            ProjectField::AnnualOutputWan => "年产值",
            ProjectField::AnnualTaxWan => "年税收",
            ProjectField::EnterpriseTitles => "企业称号",
            ProjectField::ProjectType => "项目类型",
            ProjectField::EnterpriseStatus => "企业状态",
            ProjectField::Manufacturing => "是否制造业项目",
        }
    }

    /// The field's name in English.
    pub fn en(self) -> &'static str {
        match self {
            ProjectField::TotalInvestmentWan => "total investment",
            ProjectField::InvestmentWan => "fixed-asset investment",
            ProjectField::RegisteredCapitalWan => "new paid-in capital in Beijing",
            ProjectField::ForeignInvested => "foreign-invested",
            ProjectField::ForeignInvestmentUsdWan => "foreign capital actually used",
            ProjectField::AnnualRndWan => "annual R&D spending",
            ProjectField::RegionalContributionWan => "annual regional contribution",
            ProjectField::AnnualOutputWan => "annual output",
            ProjectField::AnnualTaxWan => "annual tax",
            ProjectField::EnterpriseTitles => "enterprise titles",
            ProjectField::ProjectType => "project type",
            ProjectField::EnterpriseStatus => "enterprise status",
            ProjectField::Manufacturing => "manufacturing project",
        }
    }

    /// The unit of a numeric field, as written after its figures.
    pub fn unit_zh(self) -> &'static str {
        match self {
            ProjectField::ForeignInvestmentUsdWan => "万美元",
            ProjectField::ForeignInvested | ProjectField::EnterpriseTitles | ProjectField::ProjectType | ProjectField::EnterpriseStatus | ProjectField::Manufacturing => "",
            _ => "万元",
        }
    }

    /// What a value of the field is.
    pub fn value_kind(self) -> ValueKind {
        match self {
            ProjectField::ForeignInvested | ProjectField::Manufacturing => ValueKind::Flag,
            ProjectField::EnterpriseTitles => ValueKind::Titles,
            ProjectField::ProjectType => ValueKind::Choice(&PROJECT_TYPES),
            ProjectField::EnterpriseStatus => ValueKind::Choice(&ENTERPRISE_STATUSES),
            _ => ValueKind::Amount,
        }
    }
}

/// What a project field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A non-negative amount.
    Amount,
    /// Yes or no.
    Flag,
    /// A set of enterprise titles.
    Titles,
    /// One of a closed list.
    Choice(&'static [&'static str]),
}

/// The enterprise titles a request may claim (企业称号).
pub const ENTERPRISE_TITLES: [&str; 8] = ["专精特新中小企业", "专精特新\"小巨人\"", "高新技术企业", "上市公司", "链主企业", "头部企业", "独角兽", "总部企业"];
/// English labels of [`ENTERPRISE_TITLES`], in the same order.
pub const ENTERPRISE_TITLES_EN: [&str; 8] = [
    "specialised SME",
    "\"little giant\"",
    "high-tech enterprise",
    "listed company",
    "chain leader",
    "industry leader",
    "unicorn",
    "headquarters",
];
/// Project types (项目类型).
pub const PROJECT_TYPES: [&str; 5] = ["新建", "扩建", "技术改造", "老旧厂房改造", "迁入"];
/// English labels of [`PROJECT_TYPES`].
pub const PROJECT_TYPES_EN: [&str; 5] = ["new build", "expansion", "technical upgrade", "old-factory renovation", "relocation in"];
/// Enterprise statuses (企业状态).
pub const ENTERPRISE_STATUSES: [&str; 3] = ["新设立", "新引进", "存量"];
/// English labels of [`ENTERPRISE_STATUSES`].
pub const ENTERPRISE_STATUSES_EN: [&str; 3] = ["newly founded", "newly attracted", "existing"];

/// A comparison a condition makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    /// At least (不低于, 以上含).
    #[serde(rename = ">=")]
    AtLeast,
    /// More than (超过).
    #[serde(rename = ">")]
    Above,
    /// At most (不超过).
    #[serde(rename = "<=")]
    AtMost,
    /// Less than.
    #[serde(rename = "<")]
    Below,
    /// Equal (a flag or a choice).
    #[serde(rename = "=")]
    Equals,
    /// One of a list (a choice, or a title the project holds).
    #[serde(rename = "in")]
    In,
}

impl Comparison {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::Above => ">",
            Comparison::AtMost => "<=",
            Comparison::Below => "<",
            Comparison::Equals => "=",
            Comparison::In => "in",
        }
    }
}

/// One condition of a measure, with the words it comes from. Exactly one form: a test of a
/// project field (`field`, `comparison`, `value`), alternatives (`any_of`), or a fact an office
/// must confirm with the investor (`confirm_zh`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The project field tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<ProjectField>,
    /// How it is compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The threshold: a number in the field's unit, `true`/`false`, or a list of choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The unit the value is in (万元, 万美元), for reading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Alternatives: the condition holds when one of them does.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_of: Vec<Condition>,
    /// A fact chanye cannot know (a title outside the list, a recognition), in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_zh: Option<String>,
    /// The same, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_en: Option<String>,
    /// The document's words for this condition (a part of the measure's quote).
    pub quote_zh: String,
}

/// The form a measure's support takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitKind {
    /// A single payment or award.
    OneOff,
    /// Paid each year, for `years` when stated.
    Annual,
    /// Interest subsidy on loans.
    InterestSubsidy,
    /// Rent subsidy.
    RentSubsidy,
    /// Land, space, quotas or other things in kind.
    InKind,
    /// A service (stewards, fast approval, hukou).
    Service,
}

impl BenefitKind {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BenefitKind::OneOff => "one_off",
            BenefitKind::Annual => "annual",
            BenefitKind::InterestSubsidy => "interest_subsidy",
            BenefitKind::RentSubsidy => "rent_subsidy",
            BenefitKind::InKind => "in_kind",
            BenefitKind::Service => "service",
        }
    }
}

/// What a measure gives, and how much the text allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// The form of support.
    pub kind: BenefitKind,
    /// The project field a rate applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<ProjectField>,
    /// Share of the base (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Cap (最高), 万元, per year for annual support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_wan: Option<f64>,
    /// Floor (不低于), 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_wan: Option<f64>,
    /// Years an annual support runs, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
    /// The document's words for the support.
    pub quote_zh: String,
}

/// A source document of the measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// File name under `../shared/seeds/`.
    pub file: String,
    /// The document's own title.
    pub title_zh: String,
    /// The issuing body, when stated.
    #[serde(default)]
    pub issuer_zh: Option<String>,
    /// City or district document.
    pub scope: PolicyScope,
    /// The district's adcode for a district document.
    #[serde(default)]
    pub district: Option<String>,
    /// In force, draft or expired.
    pub status: MeasureStatus,
    /// First day of validity, when known.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity, when stated.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Why the status and dates are what they are.
    #[serde(default)]
    pub validity_note_zh: Option<String>,
}

/// One support measure, with the document, item and line it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMeasure {
    /// Stable id.
    pub id: String,
    /// Who offers it.
    pub scope: PolicyScope,
    /// District adcode (district and park measures).
    #[serde(default)]
    pub district: Option<String>,
    /// Park id (park measures).
    #[serde(default)]
    pub park: Option<String>,
    /// Who receives the support.
    pub beneficiary: Beneficiary,
    /// Places it is limited to (empty: the whole of its scope).
    #[serde(default)]
    pub areas: Vec<Area>,
    /// In force, draft or expired.
    pub status: MeasureStatus,
    /// First day of validity, when known.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity, when stated.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Short title, Chinese.
    pub title_zh: String,
    /// Short title, English.
    pub title_en: String,
    /// What it supports, Chinese (our summary).
    pub supports_zh: String,
    /// What it supports, English.
    pub supports_en: String,
    /// The cap as the document states it, Chinese.
    #[serde(default)]
    pub cap_zh: Option<String>,
    /// The cap, English.
    #[serde(default)]
    pub cap_en: Option<String>,
    /// Industries it is restricted to (catalogue codes; empty: any).
    #[serde(default)]
    pub industries: Vec<String>,
    /// Offers it concerns (empty: any).
    #[serde(default)]
    pub space: Vec<OfferKind>,
    /// Classes it belongs to, which other measures may exclude (e.g. `case_by_case`, 一事一议).
    #[serde(default)]
    pub classes: Vec<String>,
    /// Measure ids or classes it cannot be combined with.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// Conditions on the project, all of which must hold.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    /// What it gives.
    pub benefit: Benefit,
    /// The sentence(s) of the document, verbatim.
    pub quote_zh: String,
    /// Source document file name.
    pub document: String,
    /// Item number in the document, as it numbers it.
    pub item: String,
    /// Line of the document where the quote starts (1-based).
    pub line: u32,
}

impl PolicyMeasure {
    /// Whether `other` cannot be combined with this measure (either way round).
    pub fn conflicts_with(&self, other: &PolicyMeasure) -> bool {
        let excludes = |a: &PolicyMeasure, b: &PolicyMeasure| a.excludes.iter().any(|x| *x == b.id || b.classes.contains(x));
        excludes(self, other) || excludes(other, self)
    }
}

/// Problems in the policy file itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not the expected JSON.
    #[error("policy catalogue is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A file in the format before measures were structured (no beneficiary, conditions or
    /// quotes), as stores made before it hold.
    #[error("the policy catalogue is in the old format (measures without beneficiary, conditions, benefit and quote): import the current one, e.g. `chanye import geodata/policies.json --into STORE`")]
    Outdated,
    /// A value outside the measures has the wrong shape.
    #[error("policy catalogue: {path}: {reason}")]
    Shape {
        /// Where, e.g. `documents[1].status`.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A measure breaks a rule of the file.
    #[error("policy measure '{id}': {reason}")]
    Measure {
        /// The measure's id.
        id: String,
        /// What is wrong.
        reason: String,
        /// What is wrong, in Chinese.
        reason_zh: String,
    },
}

impl PolicyError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            PolicyError::Json(e) => format!("政策目录不是有效的 JSON：{}", crate::error::plain_reason_zh(&e.to_string())),
            PolicyError::Outdated => {
                "政策目录是旧格式（措施没有受益对象、条件、支持方式和原文引文）：请导入当前的政策目录，例如 `chanye import geodata/policies.json --into 库文件`".into()
            }
            PolicyError::Shape { path, reason } => format!("政策目录 {path}：{}", crate::error::plain_reason_zh(reason)),
            PolicyError::Measure { id, reason_zh, .. } => format!("政策措施 '{id}'：{reason_zh}"),
        }
    }
}

/// All measures, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyCatalogue {
    /// Where the catalogue comes from.
    pub source: String,
    /// Source documents.
    #[serde(default)]
    pub documents: Vec<PolicyDocument>,
    /// The measures.
    pub measures: Vec<PolicyMeasure>,
}

/// A rule of the file broken by one field of a measure: (field path, English, Chinese).
type Broken = (String, String, String);

fn check_condition(c: &Condition, path: &str) -> Result<(), Broken> {
    let broken = |what: &str, en: String, zh: String| Err((format!("{path}.{what}"), en, zh));
    if c.quote_zh.trim().is_empty() {
        return broken("quote_zh", "is empty".into(), "为空".into());
    }
    let forms = [c.field.is_some(), !c.any_of.is_empty(), c.confirm_zh.is_some()].iter().filter(|f| **f).count();
    if forms != 1 {
        return broken(
            "field",
            "a condition is exactly one of: a field test, any_of, confirm_zh".into(),
            "条件须且只能是以下之一：字段判断、any_of、confirm_zh".into(),
        );
    }
    if c.confirm_zh.is_some() && c.confirm_en.is_none() {
        return broken("confirm_en", "is required with confirm_zh".into(), "有 confirm_zh 时必填".into());
    }
    for (i, alt) in c.any_of.iter().enumerate() {
        check_condition(alt, &format!("{path}.any_of[{i}]"))?;
    }
    let Some(field) = c.field else { return Ok(()) };
    let (Some(comparison), Some(value)) = (c.comparison, &c.value) else {
        return broken("comparison", "a field test needs comparison and value".into(), "字段判断需要 comparison 和 value".into());
    };
    let fits = match (field.value_kind(), comparison) {
        (ValueKind::Amount, Comparison::In | Comparison::Equals) => false,
        (ValueKind::Amount, _) => value.as_f64().is_some_and(|v| v.is_finite() && v >= 0.0),
        (ValueKind::Flag, Comparison::Equals) => value.is_boolean(),
        (ValueKind::Titles, Comparison::In) => choices_within(value, &ENTERPRISE_TITLES),
        (ValueKind::Choice(list), Comparison::In) => choices_within(value, list),
        (ValueKind::Choice(list), Comparison::Equals) => value.as_str().is_some_and(|v| list.contains(&v)),
        _ => false,
    };
    if !fits {
        let en = format!("'{}' does not fit field {} ({} needs {})", value, field.as_str(), comparison.as_str(), expected(field.value_kind()));
        let zh = format!("'{}' 与字段 {} 不符（{} 需要{}）", value, field.as_str(), comparison.as_str(), expected_zh(field.value_kind()));
        return broken("value", en, zh);
    }
    Ok(())
}

fn choices_within(value: &serde_json::Value, list: &[&str]) -> bool {
    value.as_array().is_some_and(|items| !items.is_empty() && items.iter().all(|v| v.as_str().is_some_and(|s| list.contains(&s))))
}

fn expected(kind: ValueKind) -> String {
    match kind {
        ValueKind::Amount => "a non-negative number with >=, >, <= or <".into(),
        ValueKind::Flag => "true or false with =".into(),
        ValueKind::Titles => format!("a list of titles from {}", ENTERPRISE_TITLES.join(", ")),
        ValueKind::Choice(list) => format!("one of {} (=) or a list of them (in)", list.join(", ")),
    }
}

fn expected_zh(kind: ValueKind) -> String {
    match kind {
        ValueKind::Amount => "非负数，比较为 >=、>、<= 或 <".into(),
        ValueKind::Flag => "true 或 false，比较为 =".into(),
        ValueKind::Titles => format!("称号列表，取自 {}", ENTERPRISE_TITLES.join("、")),
        ValueKind::Choice(list) => format!("{} 之一（=）或其列表（in）", list.join("、")),
    }
}

fn check_benefit(b: &Benefit) -> Result<(), Broken> {
    let broken = |what: &str, en: &str, zh: &str| Err((format!("benefit.{what}"), en.to_string(), zh.to_string()));
    if b.quote_zh.trim().is_empty() {
        return broken("quote_zh", "is empty", "为空");
    }
    if b.rate.is_some_and(|r| !(r > 0.0 && r <= 1.0)) {
        return broken("rate", "must lie in (0, 1]", "须在 (0, 1] 之间");
    }
    for (name, value) in [("cap_wan", b.cap_wan), ("floor_wan", b.floor_wan)] {
        if value.is_some_and(|v| !(v.is_finite() && v > 0.0)) {
            return broken(name, "must be positive", "须为正数");
        }
    }
    // a rate alone is allowed: its base may be something no request states (an increment)
    if b.base.is_some() && b.rate.is_none() {
        return broken("base", "a base needs a rate", "给出 base 时须同时给出 rate");
    }
    if b.base.is_some_and(|f| f.value_kind() != ValueKind::Amount) {
        return broken("base", "the base must be an amount field", "base 须为金额字段");
    }
    if b.years.is_some() && b.kind != BenefitKind::Annual {
        return broken("years", "years apply to annual support only", "years 只用于 annual");
    }
    if let (Some(cap), Some(floor)) = (b.cap_wan, b.floor_wan) {
        if floor > cap {
            return broken("floor_wan", "the floor is above the cap", "下限高于上限");
        }
    }
    Ok(())
}

impl PolicyCatalogue {
    /// Parses the file and checks every measure: ids, scopes, documents, industry codes,
    /// conditions, benefit, quotes, exclusions and validity; an error names the measure and
    /// the field.
    pub fn from_json(text: &str, industries: &Catalogue) -> Result<PolicyCatalogue, PolicyError> {
        let value: serde_json::Value = serde_json::from_str(text)?;
        let measures = value.get("measures").and_then(|m| m.as_array());
        if measures.is_some_and(|ms| ms.iter().any(|m| m.get("beneficiary").is_none() && m.get("quote_zh").is_none() && m.get("supports_zh").is_some())) {
            return Err(PolicyError::Outdated);
        }
        let catalogue: PolicyCatalogue = match serde_path_to_error::deserialize(&value) {
            Ok(catalogue) => catalogue,
            Err(e) => return Err(shape_error(&value, e)),
        };
        let mut ids = HashSet::new();
        let classes: HashSet<&str> = catalogue.measures.iter().flat_map(|m| m.classes.iter().map(String::as_str)).collect();
        for m in &catalogue.measures {
            let fail = |(field, reason, reason_zh): Broken| {
                Err(PolicyError::Measure { id: m.id.clone(), reason: format!("{field}: {reason}"), reason_zh: format!("{field}：{reason_zh}") })
            };
            let broken = |field: &str, en: String, zh: String| fail((field.to_string(), en, zh));
            if !ids.insert(m.id.as_str()) {
                return broken("id", "appears twice".into(), "出现了两次".into());
            }
            match (m.scope, &m.district, &m.park) {
                (PolicyScope::City, None, None) | (PolicyScope::District, Some(_), None) | (PolicyScope::Park, Some(_), Some(_)) => {}
                _ => {
                    return broken(
                        "scope",
                        "city takes no district or park, district needs district, park needs both".into(),
                        "为 city 时不带 district 和 park，为 district 时需要 district，为 park 时两者都要".into(),
                    )
                }
            }
            if let Some(code) = m.industries.iter().find(|c| industries.get(c).is_none()) {
                return broken("industries", format!("'{code}' is not in the catalogue"), format!("'{code}' 不在产业目录中"));
            }
            let Some(document) = catalogue.documents.iter().find(|d| d.file == m.document) else {
                return broken("document", format!("'{}' is not listed under documents", m.document), format!("'{}' 未列在 documents 中", m.document));
            };
            if m.status == MeasureStatus::InForce && document.status == MeasureStatus::Draft {
                return broken("status", "a measure of a draft document cannot be in force".into(), "征求意见稿中的措施不能为 in_force".into());
            }
            if let (Some(from), Some(to)) = (m.valid_from, m.valid_to) {
                if from > to {
                    return broken("valid_to", "is before valid_from".into(), "早于 valid_from".into());
                }
            }
            if m.quote_zh.trim().is_empty() || m.line == 0 {
                return broken("quote_zh", "a measure needs its quote and line".into(), "措施须有原文引文和行号".into());
            }
            for (what, words) in m.conditions.iter().map(|c| ("condition", c.quote_zh.as_str())).chain([("benefit", m.benefit.quote_zh.as_str())]) {
                if !m.quote_zh.contains(words) {
                    return broken(&format!("{what}.quote_zh"), format!("'{words}' is not part of the measure's quote"), format!("'{words}' 不在措施引文中"));
                }
            }
            if m.areas.iter().any(|a| a.district.is_none() && a.parks.is_empty() && a.zones.is_empty()) {
                return broken("areas", "an area needs a district, parks or zones".into(), "区域须给出 district、parks 或 zones".into());
            }
            if let Some(x) = m.excludes.iter().find(|x| !ids_or_classes(&catalogue, &classes, x)) {
                return broken("excludes", format!("'{x}' is neither a measure id nor a class"), format!("'{x}' 既不是措施 id 也不是类别"));
            }
            for (i, c) in m.conditions.iter().enumerate() {
                if let Err(broken) = check_condition(c, &format!("conditions[{i}]")) {
                    return fail(broken);
                }
            }
            if let Err(broken) = check_benefit(&m.benefit) {
                return fail(broken);
            }
        }
        Ok(catalogue)
    }

    /// Whether a measure's industry restriction (if any) includes `industry`.
    pub fn covers_industry(m: &PolicyMeasure, industries: &Catalogue, industry: &str) -> bool {
        m.industries.is_empty() || m.industries.iter().any(|code| industries.is_within(industry, code))
    }

    /// The measure with this id.
    pub fn get(&self, id: &str) -> Option<&PolicyMeasure> {
        self.measures.iter().find(|m| m.id == id)
    }
}

/// A value of the wrong shape, named by the measure's id and the field's path.
fn shape_error(value: &serde_json::Value, e: serde_path_to_error::Error<serde_json::Error>) -> PolicyError {
    let path = e.path().to_string();
    let reason = e.into_inner().to_string();
    // "measures[12].benefit.kind" → the measure's id and "benefit.kind"
    let measure = path.strip_prefix("measures[").and_then(|rest| rest.split_once(']')).and_then(|(n, field)| Some((n.parse::<usize>().ok()?, field.trim_start_matches('.'))));
    match measure {
        Some((n, field)) => {
            let id = value["measures"][n]["id"].as_str().map_or_else(|| format!("#{}", n + 1), str::to_string);
            let field = if field.is_empty() { "measure" } else { field };
            PolicyError::Measure { id, reason: format!("{field}: {reason}"), reason_zh: format!("{field}：{}", crate::error::plain_reason_zh(&reason)) }
        }
        None => PolicyError::Shape { path, reason },
    }
}

fn ids_or_classes(catalogue: &PolicyCatalogue, classes: &HashSet<&str>, x: &str) -> bool {
    classes.contains(x) || catalogue.measures.iter().any(|m| m.id == x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn industries() -> Catalogue {
        Catalogue::from_json(include_str!("../../geodata/industries.json")).unwrap()
    }

    /// A one-measure file with `change` applied to the measure.
    fn file(change: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut measure = serde_json::json!({
            "id": "m1", "scope": "city", "beneficiary": "project", "status": "in_force",
            "title_zh": "t", "title_en": "t", "supports_zh": "s", "supports_en": "s",
            "conditions": [{"field": "total_investment_wan", "comparison": ">=", "value": 10000, "quote_zh": "总投资1亿元以上"}],
            "benefit": {"kind": "one_off", "base": "investment_wan", "rate": 0.3, "cap_wan": 1000, "quote_zh": "最高30%"},
            "quote_zh": "对总投资1亿元以上的项目，按最高30%支持", "document": "d.txt", "item": "一", "line": 3
        });
        change(&mut measure);
        serde_json::json!({"source": "test", "documents": [{"file": "d.txt", "title_zh": "d", "scope": "city", "status": "in_force"}], "measures": [measure]}).to_string()
    }

    fn refusal(change: impl FnOnce(&mut serde_json::Value)) -> String {
        PolicyCatalogue::from_json(&file(change), &industries()).unwrap_err().to_string()
    }

    #[test]
    fn a_well_formed_measure_loads() {
        let catalogue = PolicyCatalogue::from_json(&file(|_| {}), &industries()).unwrap();
        assert_eq!(catalogue.measures[0].benefit.cap_wan, Some(1000.0));
    }

    #[test]
    fn errors_name_the_measure_and_the_field() {
        assert!(refusal(|m| m["benefit"]["rate"] = 30.into()).contains("'m1': benefit.rate"));
        let e = refusal(|m| m["conditions"][0]["confirm_zh"] = "x".into());
        assert!(e.contains("'m1': conditions[0].field") && e.contains("exactly one of"), "{e}");
        let e = refusal(|m| m["conditions"][0]["quote_zh"] = "不在引文中".into());
        assert!(e.contains("condition.quote_zh") && e.contains("不在引文中"), "{e}");
        let e = refusal(|m| m["conditions"][0] = serde_json::json!({"field": "enterprise_titles", "comparison": "in", "value": ["百强企业"], "quote_zh": "总投资"}));
        assert!(e.contains("conditions[0].value"), "{e}");
        assert!(refusal(|m| m["excludes"] = serde_json::json!(["nothing"])).contains("excludes: 'nothing'"));
        assert!(refusal(|m| m["line"] = 0.into()).contains("quote_zh"));
        // a misspelt key is refused by name rather than ignored, and a wrong value names the
        // measure and the field
        assert!(refusal(|m| m["benefits"] = serde_json::json!({})).contains("benefits"));
        let e = refusal(|m| m["beneficiary"] = "bank".into());
        assert!(e.contains("'m1': beneficiary") && e.contains("bank"), "{e}");
        assert!(refusal(|m| m["benefit"]["floor_wan"] = (-1).into()).contains("benefit.floor_wan"));
        assert!(refusal(|m| m["benefit"]["rate"] = serde_json::Value::Null).contains("benefit.base"));
    }

    #[test]
    fn the_old_format_is_named_with_the_way_out() {
        let old = r#"{"source": "s", "documents": [], "measures": [{"id": "a", "scope": "city", "title_zh": "t", "title_en": "t", "supports_zh": "s", "supports_en": "s", "document": "d", "item": "一"}]}"#;
        let e = PolicyCatalogue::from_json(old, &industries()).unwrap_err();
        assert!(matches!(e, PolicyError::Outdated));
        assert!(e.to_string().contains("chanye import") && e.zh().contains("旧格式"), "{e}");
    }

    #[test]
    fn a_draft_documents_measure_cannot_be_in_force() {
        let text = file(|_| {}).replace(r#""status":"in_force"}]"#, r#""status":"draft"}]"#);
        let e = PolicyCatalogue::from_json(&text, &industries()).unwrap_err();
        assert!(e.to_string().contains("status") && e.zh().contains("征求意见稿"), "{e}");
    }

    #[test]
    fn exclusions_work_both_ways_and_by_class() {
        let one = |id: &str, classes: &[&str], excludes: &[&str]| {
            let mut m: PolicyMeasure = serde_json::from_str(&serde_json::from_str::<serde_json::Value>(&file(|_| {})).unwrap()["measures"][0].to_string()).unwrap();
            m.id = id.into();
            m.classes = classes.iter().map(|s| s.to_string()).collect();
            m.excludes = excludes.iter().map(|s| s.to_string()).collect();
            m
        };
        let (a, b, c) = (one("a", &["case_by_case"], &[]), one("b", &[], &["case_by_case"]), one("c", &[], &["a"]));
        assert!(a.conflicts_with(&b) && b.conflicts_with(&a) && c.conflicts_with(&a) && a.conflicts_with(&c));
        assert!(!b.conflicts_with(&c));
    }
}
