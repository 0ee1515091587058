//! The project requirements a promoter sends (`ProjectRequest`, JSON in and out), and their
//! resolved form (`Requirements`) with names looked up and units converted.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use geo::{BoundingRect, Coord, MultiPolygon, Rect};
use serde::{Deserialize, Serialize};

use super::criteria::{Criterion, Weights};
use super::result::criterion_zh;
use super::MatchError;
use crate::error::{plain_reason, plain_reason_zh};
use crate::geometry::validate::{multipolygon_from_raw, range_problems, topology_problems, GeometryProblem, RawPolygon};
use crate::geometry::PreparedArea;
use crate::inventory::Snapshot;
use super::policy::ProjectFacts;
use crate::model::{
    BuildingType, Catalogue, LandUse, Mu, SupplyMode, ENTERPRISE_STATUSES, ENTERPRISE_STATUSES_EN, ENTERPRISE_TITLES, ENTERPRISE_TITLES_EN, PROJECT_TYPES, PROJECT_TYPES_EN,
};

/// Results returned when the request names no `limit`.
pub const DEFAULT_LIMIT: usize = 10;
/// The most results one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Near misses returned when the request names no `near_miss_limit`.
pub const DEFAULT_NEAR_MISSES: usize = 5;
/// The largest weight a request may give a criterion, far below where their sum overflows.
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// The kind of space a project looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpaceWanted {
    /// Land parcels (and assemblies of them).
    Land,
    /// Factory or office space in buildings.
    Building,
    /// Either.
    #[default]
    Any,
}

impl SpaceWanted {
    /// Whether land parcels are candidates.
    pub fn land(self) -> bool {
        matches!(self, SpaceWanted::Land | SpaceWanted::Any)
    }
    /// Whether building space is a candidate.
    pub fn building(self) -> bool {
        matches!(self, SpaceWanted::Building | SpaceWanted::Any)
    }
}

/// An inclusive range; either bound may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a range such as {\"min\": 10, \"max\": 50}")]
pub struct Range {
    /// Lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// A location limit: a point and, optionally, the farthest distance accepted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Near {
    /// Longitude (WGS84 in the matcher; the HTTP layer converts GCJ-02/BD-09).
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Farthest distance, km; without it distance only scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_km: Option<f64>,
}

/// A project's requirements, as sent. Every field but `industry` is optional; unknown
/// fields are refused so that a misspelt name does not pass silently.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a project object such as {\"industry\": \"医疗器械\", \"land_area_mu\": {\"min\": 50}}")]
pub struct ProjectRequest {
    /// Project name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Industry: catalogue code, Chinese or English name, or alias.
    pub industry: String,
    /// Land, building space, or either.
    #[serde(default)]
    pub space: SpaceWanted,
    /// Land area wanted, 亩.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_area_mu: Option<Range>,
    /// Land area wanted, m² (give this or `land_area_mu`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_area_m2: Option<Range>,
    /// Floor area the project needs, m².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_area_m2: Option<f64>,
    /// Land uses accepted: `M1`, `M4`, `M1/M4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_use: Option<Vec<String>>,
    /// Fixed-asset investment 固定资产投资, 万元 (read for 投资强度).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_wan: Option<f64>,
    /// Total investment 总投资, 万元 (default: `investment_wan`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_investment_wan: Option<f64>,
    /// New paid-in capital in Beijing 在京新增实缴资本, 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_capital_wan: Option<f64>,
    /// Foreign-invested enterprise 外资企业.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_invested: Option<bool>,
    /// Foreign capital actually used 实际利用外资, 万美元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_investment_usd_wan: Option<f64>,
    /// Annual R&D spending 年研发投入, 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_rnd_wan: Option<f64>,
    /// Annual regional contribution 年度区域贡献, 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_contribution_wan: Option<f64>,
    /// Enterprise titles 企业称号, from a closed list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_titles: Option<Vec<String>>,
    /// Project type 项目类型: 新建, 扩建, 技术改造, 老旧厂房改造, 迁入.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_type: Option<String>,
    /// Enterprise status 企业状态: 新设立, 新引进, 存量.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_status: Option<String>,
    /// Expected annual output, 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_output_wan: Option<f64>,
    /// Expected annual tax, 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_tax_wan: Option<f64>,
    /// Planned floor area ratio 容积率.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_far: Option<f64>,
    /// Planned building coverage 建筑系数 (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_coverage: Option<f64>,
    /// Planned share of land for offices and living (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_share: Option<f64>,
    /// Planned green ratio 绿地率 (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub green_ratio: Option<f64>,
    /// Energy use per output, tonnes of standard coal per 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_tce_per_wan: Option<f64>,
    /// Districts accepted: adcodes or names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub districts: Option<Vec<String>>,
    /// Parks accepted: ids or names of parks or 园中园.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parks: Option<Vec<String>>,
    /// Near a point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<Near>,
    /// Inside an area of interest: a GeoJSON Polygon or MultiPolygon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<serde_json::Value>,
    /// Highest land price, 万元/亩.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_land_price_wan_per_mu: Option<f64>,
    /// Highest rent, 元/m²/day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rent_yuan_m2_day: Option<f64>,
    /// Power needed, kVA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_kva: Option<f64>,
    /// Floor load needed, kN/m².
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_load_kn_m2: Option<f64>,
    /// Clear height needed, m.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clearance_m: Option<f64>,
    /// Building types accepted: 标准厂房, 研发楼, 写字楼, 定制厂房.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_types: Option<Vec<String>>,
    /// Supply modes accepted: 出让, 租赁, 先租后让, 弹性年期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_modes: Option<Vec<String>>,
    /// The date the project must be able to start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needed_by: Option<NaiveDate>,
    /// Renewal projects may take idle/低效 space.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub include_idle: bool,
    /// Number of candidates (default 10, at most 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Number of near misses (default 5, 0 for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_miss_limit: Option<usize>,
    /// Weight per criterion, overriding the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, f64>>,
    /// The date the match is made on (default: today); fixes readiness scores in tests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// `eligible` (default: eligible and possible measures) or `all` (ineligible ones too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain_policies: Option<String>,
}

impl ProjectRequest {
    /// Parses a request, naming the field of any type error (e.g. `land_area_mu.min`).
    ///
    /// ```
    /// use chanye::matcher::ProjectRequest;
    /// let r = ProjectRequest::from_json(r#"{"industry": "医疗器械", "land_area_mu": {"min": 20}}"#).unwrap();
    /// assert_eq!(r.land_area_mu.unwrap().min, Some(20.0));
    /// let e = ProjectRequest::from_json(r#"{"industry": "x", "land_area_mu": {"min": "many"}}"#).unwrap_err();
    /// assert_eq!(e.field_name(), Some("land_area_mu.min"));
    /// ```
    pub fn from_json(text: &str) -> Result<ProjectRequest, MatchError> {
        // syntax first: read straight from text, serde_json reports a wrong type for an enum
        // (`"space": null`) as a syntax error
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| MatchError::Syntax(e.to_string()))?;
        crate::error::from_json_value(value, "body").map_err(|e| MatchError::field(e.field, strip_position(&e.reason), e.reason_zh))
    }

    /// Converts the `near` point and the `within` area from GCJ-02 or BD-09, as Chinese web
    /// maps give them, to WGS84 (other systems are left as they are).
    pub fn convert_to_wgs84(&mut self, from: crate::geometry::Crs) {
        use crate::geometry::{china, crs::map_geojson_positions, Crs};
        let to_wgs84: fn(Coord) -> Coord = match from {
            Crs::Gcj02 => china::gcj02_to_wgs84,
            Crs::Bd09 => china::bd09_to_wgs84,
            _ => return,
        };
        if let Some(near) = &mut self.near {
            let c = to_wgs84(Coord { x: near.lon, y: near.lat });
            (near.lon, near.lat) = (c.x, c.y);
        }
        if let Some(within) = &mut self.within {
            if let Some(coordinates) = within.get_mut("coordinates") {
                map_geojson_positions(coordinates, &to_wgs84);
            }
        }
    }
}

/// serde_json appends "at line 1 column 40", which means nothing to a form's user.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// A land area range in m².
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaRange {
    /// Smallest area accepted, m².
    pub min_m2: Option<f64>,
    /// Largest area accepted, m².
    pub max_m2: Option<f64>,
}

impl AreaRange {
    /// The size the project asks for: the middle of the range, or its one bound.
    pub fn ideal_m2(&self) -> Option<f64> {
        match (self.min_m2, self.max_m2) {
            (Some(lo), Some(hi)) => Some((lo + hi) / 2.0),
            (lo, hi) => lo.or(hi),
        }
    }
}

/// A resolved area of interest.
#[derive(Debug, Clone)]
pub struct AreaOfInterest {
    /// The outline, WGS84.
    pub area: MultiPolygon,
    /// Prepared for point-in-polygon.
    pub prepared: PreparedArea,
    /// Its bounding box.
    pub bbox: Rect,
}

/// A request with names resolved, units converted and every value checked.
#[derive(Debug, Clone)]
pub struct Requirements {
    /// Project name.
    pub name: Option<String>,
    /// Catalogue code of the project's industry.
    pub industry: String,
    /// Kinds of space wanted.
    pub space: SpaceWanted,
    /// Land area wanted.
    pub land_area: Option<AreaRange>,
    /// Floor area needed, m².
    pub floor_area_m2: Option<f64>,
    /// Land uses accepted (empty: any of M1, M4, M1/M4 and others).
    pub land_uses: Vec<LandUse>,
    /// Fixed-asset investment, 万元.
    pub investment_wan: Option<f64>,
    /// Annual output, 万元.
    pub annual_output_wan: Option<f64>,
    /// Annual tax, 万元.
    pub annual_tax_wan: Option<f64>,
    /// Planned FAR.
    pub planned_far: Option<f64>,
    /// Planned building coverage.
    pub building_coverage: Option<f64>,
    /// Planned office share.
    pub office_share: Option<f64>,
    /// Planned green ratio.
    pub green_ratio: Option<f64>,
    /// Energy per output.
    pub energy_tce_per_wan: Option<f64>,
    /// Accepted district adcodes (none: all).
    pub districts: Option<HashSet<String>>,
    /// Accepted park ids (none: all).
    pub parks: Option<HashSet<String>>,
    /// Accepted zone ids; a zone named in `parks` limits its park to that zone.
    pub zones: Option<HashSet<String>>,
    /// Point and optional radius in metres.
    pub near: Option<(Coord, Option<f64>)>,
    /// Area of interest.
    pub within: Option<AreaOfInterest>,
    /// Highest land price, 万元/亩.
    pub max_land_price: Option<f64>,
    /// Highest rent, 元/m²/day.
    pub max_rent: Option<f64>,
    /// Power needed, kVA.
    pub power_kva: Option<f64>,
    /// Floor load needed, kN/m².
    pub floor_load: Option<f64>,
    /// Clear height needed, m.
    pub clearance: Option<f64>,
    /// Building types accepted (empty: any).
    pub building_types: Vec<BuildingType>,
    /// Supply modes accepted (empty: any).
    pub supply_modes: Vec<SupplyMode>,
    /// Start date needed.
    pub needed_by: Option<NaiveDate>,
    /// Idle space is acceptable.
    pub include_idle: bool,
    /// Candidates wanted.
    pub limit: usize,
    /// Near misses wanted.
    pub near_miss_limit: usize,
    /// Weight per criterion.
    pub weights: Weights,
    /// The date of the match.
    pub as_of: NaiveDate,
    /// What the policy measures' conditions read.
    pub facts: ProjectFacts,
    /// List ineligible measures too.
    pub explain_all_policies: bool,
}

/// What the page calls a number of the request, and its unit, for Chinese reasons.
fn label_zh(field: &str) -> (&'static str, &'static str) {
    match field {
        "land_area_mu.min" => ("用地面积下限", "亩"),
        "land_area_mu.max" => ("用地面积上限", "亩"),
        "land_area_m2.min" => ("用地面积下限", "m²"),
        "land_area_m2.max" => ("用地面积上限", "m²"),
        "floor_area_m2" => ("建筑面积需求", "m²"),
        "investment_wan" => ("固定资产投资", "万元"),
        "total_investment_wan" => ("总投资", "万元"),
        "registered_capital_wan" => ("在京新增实缴资本", "万元"),
        "foreign_investment_usd_wan" => ("实际利用外资", "万美元"),
        "annual_rnd_wan" => ("年研发投入", "万元"),
        "regional_contribution_wan" => ("年度区域贡献", "万元"),
        "annual_output_wan" => ("年产值", "万元"),
        "annual_tax_wan" => ("年税收", "万元"),
        "planned_far" => ("容积率", ""),
        "building_coverage" => ("建筑系数", ""),
        "office_share" => ("行政办公占比", ""),
        "green_ratio" => ("绿地率", ""),
        "energy_tce_per_wan" => ("单位产值能耗", "吨标煤/万元"),
        "max_land_price_wan_per_mu" => ("地价上限", "万元/亩"),
        "max_rent_yuan_m2_day" => ("租金上限", "元/m²/天"),
        "power_kva" => ("电力容量", "kVA"),
        "floor_load_kn_m2" => ("楼面荷载", "kN/m²"),
        "clearance_m" => ("层高", "米"),
        "near.max_km" => ("半径", "公里"),
        f if f.starts_with("weights.") => ("权重", ""),
        _ => ("数值", ""),
    }
}

fn check_number(field: &str, value: Option<f64>, ok: impl Fn(f64) -> bool, rule: &str, rule_zh: &str) -> Result<Option<f64>, MatchError> {
    match value {
        Some(v) if !v.is_finite() || !ok(v) => {
            let (label, unit) = label_zh(field);
            let given = if unit.is_empty() { v.to_string() } else { format!("{v} {unit}") };
            Err(MatchError::field(field, format!("{v} is not allowed: {rule}"), format!("{label}{rule_zh}（给的是 {given}）")))
        }
        other => Ok(other),
    }
}

fn positive(field: &str, value: Option<f64>) -> Result<Option<f64>, MatchError> {
    check_number(field, value, |v| v > 0.0, "must be greater than 0", "须大于 0")
}

fn non_negative(field: &str, value: Option<f64>) -> Result<Option<f64>, MatchError> {
    check_number(field, value, |v| v >= 0.0, "must not be negative", "不能为负数")
}

fn share(field: &str, value: Option<f64>) -> Result<Option<f64>, MatchError> {
    check_number(field, value, |v| (0.0..=1.0).contains(&v), "must be a share between 0 and 1", "须为 0 到 1 之间的比例")
}

fn area_range(field: &str, range: Range, m2_per_unit: f64) -> Result<AreaRange, MatchError> {
    let min = non_negative(&format!("{field}.min"), range.min)?;
    let max = positive(&format!("{field}.max"), range.max)?;
    if min.is_none() && max.is_none() {
        return Err(MatchError::field(field, "give min, max or both", "面积范围为空：请给出 min、max 或两者"));
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(MatchError::field(field, format!("min {lo} is greater than max {hi}"), format!("最小值 {lo} 大于最大值 {hi}")));
        }
    }
    let in_m2 = |bound: &str, v: Option<f64>| -> Result<Option<f64>, MatchError> {
        match v.map(|v| v * m2_per_unit) {
            Some(m2) if !m2.is_finite() => Err(MatchError::field(format!("{field}.{bound}"), "is too large", "面积过大：换算成平方米后超出数值范围")),
            m2 => Ok(m2),
        }
    };
    Ok(AreaRange { min_m2: in_m2("min", min)?, max_m2: in_m2("max", max)? })
}

/// Parses each item; `parse` gives its reasons in English and in Chinese.
fn parse_list<T>(field: &str, values: &Option<Vec<String>>, parse: impl Fn(&str) -> Result<T, (String, String)>) -> Result<Vec<T>, MatchError> {
    let Some(values) = values else { return Ok(Vec::new()) };
    if values.is_empty() {
        return Err(MatchError::field(field, "is empty: leave it out to accept any", "列表为空：不限时请省略此字段"));
    }
    values.iter().enumerate().map(|(i, v)| parse(v).map_err(|(en, zh)| MatchError::field(format!("{field}[{i}]"), en, zh))).collect()
}

/// A vocabulary's refusal in both languages.
fn unknown_value(e: crate::model::UnknownValue) -> (String, String) {
    (e.to_string(), e.zh())
}

fn resolve_industry(catalogue: &Catalogue, name: &str) -> Result<String, MatchError> {
    if name.trim().is_empty() {
        return Err(MatchError::field(
            "industry",
            "is required: a catalogue code, Chinese or English name, or alias",
            "必填：请给出产业目录中的代码、中文名、英文名或别名",
        ));
    }
    catalogue.lookup(name).map(|i| i.code.clone()).ok_or_else(|| {
        MatchError::field(
            "industry",
            format!("'{name}' is not in the industry catalogue (give a code, a Chinese or English name, or an alias; GET /api/v1/industries lists them)"),
            format!("'{name}' 不在产业目录中（请给出代码、中文名、英文名或别名；GET /api/v1/industries 列出全部产业）"),
        )
    })
}

fn resolve_within(value: &serde_json::Value) -> Result<AreaOfInterest, MatchError> {
    let fail = |reason: String, reason_zh: String| MatchError::field("within", reason, reason_zh);
    let unreadable = |kind: &str, e: serde_json::Error| {
        let serde = strip_position(&e.to_string());
        fail(format!("{kind} coordinates: {}", plain_reason(&serde)), format!("{kind} 坐标：{}", plain_reason_zh(&serde)))
    };
    let bad_shape = |problem: &GeometryProblem| fail(problem.to_string(), problem.zh());
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let coordinates = value.get("coordinates").cloned().unwrap_or(serde_json::Value::Null);
    let polygons: Vec<RawPolygon> = match kind {
        "Polygon" => vec![serde_json::from_value(coordinates).map_err(|e| unreadable(kind, e))?],
        "MultiPolygon" => serde_json::from_value(coordinates).map_err(|e| unreadable(kind, e))?,
        other => {
            let not = if other.is_empty() { "缺少 type".to_string() } else { format!("不能是 '{other}'") };
            return Err(fail(
                format!("must be a GeoJSON Polygon or MultiPolygon geometry, not '{other}'"),
                format!("须为 GeoJSON 的 Polygon 或 MultiPolygon 几何，{not}"),
            ));
        }
    };
    let area = multipolygon_from_raw(&polygons).map_err(|problems| bad_shape(&problems[0]))?;
    if let Some(problem) = range_problems(&area).into_iter().chain(topology_problems(&area)).next() {
        return Err(bad_shape(&problem));
    }
    let bbox = area.bounding_rect().ok_or_else(|| fail("has no coordinates".into(), "没有坐标".into()))?;
    Ok(AreaOfInterest { prepared: PreparedArea::new(&area), area, bbox })
}

/// A choice from a closed list, given in Chinese or English (quotes and case ignored).
fn choice(field: &str, given: &str, zh: &[&'static str], en: &[&'static str]) -> Result<String, (String, String)> {
    let key = |s: &str| s.chars().filter(|c| !matches!(c, '"' | '“' | '”' | '\'' | ' ')).collect::<String>().to_lowercase();
    let wanted = key(given);
    zh.iter().zip(en).find(|(z, e)| key(z) == wanted || key(e) == wanted).map(|(z, _)| z.to_string()).ok_or_else(|| {
        (format!("'{given}' is not one of {} ({field})", en.join(", ")), format!("'{given}' 不是可选值（可选：{}）", zh.join("、")))
    })
}

/// The project's facts for the policy measures, checked.
fn project_facts(r: &ProjectRequest, catalogue: &Catalogue, industry: &str) -> Result<ProjectFacts, MatchError> {
    // an empty list says the enterprise holds none of the titles, which settles those conditions
    let titles = match &r.enterprise_titles {
        Some(list) if list.is_empty() => Vec::new(),
        _ => parse_list("enterprise_titles", &r.enterprise_titles, |s| choice("enterprise_titles", s, &ENTERPRISE_TITLES, &ENTERPRISE_TITLES_EN))?,
    };
    let one = |field: &str, value: &Option<String>, zh: &[&'static str], en: &[&'static str]| {
        value.as_deref().map(|v| choice(field, v, zh, en).map_err(|(e, z)| MatchError::field(field, e, z))).transpose()
    };
    Ok(ProjectFacts {
        total_investment_wan: non_negative("total_investment_wan", r.total_investment_wan)?,
        investment_wan: r.investment_wan,
        registered_capital_wan: non_negative("registered_capital_wan", r.registered_capital_wan)?,
        foreign_invested: r.foreign_invested,
        foreign_investment_usd_wan: non_negative("foreign_investment_usd_wan", r.foreign_investment_usd_wan)?,
        annual_rnd_wan: non_negative("annual_rnd_wan", r.annual_rnd_wan)?,
        regional_contribution_wan: non_negative("regional_contribution_wan", r.regional_contribution_wan)?,
        annual_output_wan: r.annual_output_wan,
        annual_tax_wan: r.annual_tax_wan,
        enterprise_titles: r.enterprise_titles.as_ref().map(|_| titles),
        project_type: one("project_type", &r.project_type, &PROJECT_TYPES, &PROJECT_TYPES_EN)?,
        enterprise_status: one("enterprise_status", &r.enterprise_status, &ENTERPRISE_STATUSES, &ENTERPRISE_STATUSES_EN)?,
        manufacturing: catalogue.is_manufacturing(industry),
    })
}

impl Requirements {
    /// Checks and resolves a request against the snapshot's catalogue, districts and parks.
    pub fn resolve(request: &ProjectRequest, snapshot: &Snapshot, today: NaiveDate) -> Result<Requirements, MatchError> {
        let r = request;
        let industry = resolve_industry(&snapshot.catalogue, &r.industry)?;
        let land_area = match (r.land_area_mu, r.land_area_m2) {
            (Some(_), Some(_)) => {
                return Err(MatchError::field("land_area_m2", "give land_area_mu or land_area_m2, not both", "land_area_mu 与 land_area_m2 只能给一个"));
            }
            (Some(mu), None) => Some(area_range("land_area_mu", mu, Mu(1.0).to_m2().0)?),
            (None, Some(m2)) => Some(area_range("land_area_m2", m2, 1.0)?),
            (None, None) => None,
        };
        let land_uses = parse_list("land_use", &r.land_use, |s| match s.parse::<LandUse>() {
            Ok(u @ (LandUse::M1 | LandUse::M4 | LandUse::M1M4)) => Ok(u),
            _ => Err((format!("'{s}' is not one of M1, M4, M1/M4"), format!("'{s}' 不是可用的用地性质（可用：M1、M4、M1/M4）"))),
        })?;
        let supply_modes = parse_list("supply_modes", &r.supply_modes, |s| s.parse::<SupplyMode>().map_err(unknown_value))?;
        let building_types = parse_list("building_types", &r.building_types, |s| s.parse::<BuildingType>().map_err(unknown_value))?;
        let districts = match &r.districts {
            None => None,
            Some(_) => Some(
                parse_list("districts", &r.districts, |s| {
                    let key = s.trim();
                    snapshot
                        .districts
                        .items()
                        .iter()
                        .find(|d| d.adcode == key || d.name == key || d.name.trim_end_matches('区') == key.trim_end_matches('区'))
                        .map(|d| d.adcode.clone())
                        .ok_or_else(|| {
                            (
                                format!("'{s}' is not a district (give an adcode such as 110118 or a name such as 密云区)"),
                                format!("'{s}' 不是已知的区（请给出区划代码如 110118，或区名如 密云区）"),
                            )
                        })
                })?
                .into_iter()
                .collect(),
            ),
        };
        let (parks, zones) = match &r.parks {
            None => (None, None),
            Some(_) => {
                enum Place {
                    Park(String),
                    Zone(String, String),
                }
                let places = parse_list("parks", &r.parks, |s| {
                    let key = s.trim();
                    if let Some(p) = snapshot.parks.items().iter().find(|p| p.id == key || p.name == key) {
                        return Ok(Place::Park(p.id.clone()));
                    }
                    if let Some(z) = snapshot.zones.items().iter().find(|z| z.id == key || z.name == key) {
                        return Ok(Place::Zone(z.park.clone(), z.id.clone()));
                    }
                    Err((
                        format!("'{s}' is not a park or 园中园 (give an id such as miyun-zgc or a name)"),
                        format!("'{s}' 不是已知的园区或园中园（请给出编号如 miyun-zgc，或名称）"),
                    ))
                })?;
                let mut parks = HashSet::new();
                let mut zones = HashSet::new();
                let mut whole_parks = HashSet::new();
                for place in places {
                    match place {
                        Place::Park(p) => {
                            whole_parks.insert(p.clone());
                            parks.insert(p);
                        }
                        Place::Zone(p, z) => {
                            parks.insert(p);
                            zones.insert(z);
                        }
                    }
                }
                // a zone limits its park only when the park itself was not also named
                let limiting: HashSet<String> = zones
                    .into_iter()
                    .filter(|z| snapshot.zones.get(z).is_some_and(|zone| !whole_parks.contains(&zone.park)))
                    .collect();
                (Some(parks), (!limiting.is_empty()).then_some(limiting))
            }
        };
        let near = match r.near {
            None => None,
            Some(n) => {
                if !(n.lon.is_finite() && (-180.0..=180.0).contains(&n.lon)) {
                    return Err(MatchError::field("near.lon", format!("{} is not a longitude (-180 to 180)", n.lon), format!("{} 不是有效的经度（-180 到 180）", n.lon)));
                }
                if !(n.lat.is_finite() && (-90.0..=90.0).contains(&n.lat)) {
                    return Err(MatchError::field("near.lat", format!("{} is not a latitude (-90 to 90)", n.lat), format!("{} 不是有效的纬度（-90 到 90）", n.lat)));
                }
                let max_km = positive("near.max_km", n.max_km)?;
                Some((Coord { x: n.lon, y: n.lat }, max_km.map(|km| km * 1000.0)))
            }
        };
        let within = r.within.as_ref().map(resolve_within).transpose()?;
        let limit = r.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(MatchError::field("limit", format!("{limit} is outside 1–{MAX_LIMIT}"), format!("结果数 {limit} 超出范围 1–{MAX_LIMIT}")));
        }
        let near_miss_limit = r.near_miss_limit.unwrap_or(DEFAULT_NEAR_MISSES);
        if near_miss_limit > MAX_LIMIT {
            return Err(MatchError::field("near_miss_limit", format!("{near_miss_limit} is above {MAX_LIMIT}"), format!("近似候选数 {near_miss_limit} 超过上限 {MAX_LIMIT}")));
        }
        let mut weights = Weights::default();
        if let Some(given) = &r.weights {
            for (name, &w) in given {
                let criterion = Criterion::parse(name).ok_or_else(|| {
                    let names_zh: Vec<String> = Criterion::ALL.iter().map(|c| format!("{}（{}）", c.name(), criterion_zh(c.name()))).collect();
                    MatchError::field(
                        format!("weights.{name}"),
                        format!("'{name}' is not a criterion (one of {})", Criterion::names()),
                        format!("'{name}' 不是评分项（可选：{}）", names_zh.join("、")),
                    )
                })?;
                non_negative(&format!("weights.{name}"), Some(w))?;
                if w > MAX_WEIGHT {
                    return Err(MatchError::field(
                        format!("weights.{name}"),
                        format!("{w} is above the largest weight, {MAX_WEIGHT} (weights are relative: 30 and 3 mean the same as 10 and 1)"),
                        format!("权重 {w} 超过上限 {MAX_WEIGHT}（权重是相对的：30 和 3 与 10 和 1 效果相同）"),
                    ));
                }
                weights.set(criterion, w);
            }
            if weights.total() == 0.0 {
                return Err(MatchError::field("weights", "all weights are zero: at least one criterion must count", "所有权重都为 0：至少要有一个评分项的权重大于 0"));
            }
        }
        let facts = project_facts(r, &snapshot.catalogue, &industry)?;
        Ok(Requirements {
            name: r.name.clone(),
            industry,
            space: r.space,
            land_area,
            floor_area_m2: positive("floor_area_m2", r.floor_area_m2)?,
            land_uses,
            investment_wan: non_negative("investment_wan", r.investment_wan)?,
            annual_output_wan: non_negative("annual_output_wan", r.annual_output_wan)?,
            annual_tax_wan: non_negative("annual_tax_wan", r.annual_tax_wan)?,
            planned_far: positive("planned_far", r.planned_far)?,
            building_coverage: share("building_coverage", r.building_coverage)?,
            office_share: share("office_share", r.office_share)?,
            green_ratio: share("green_ratio", r.green_ratio)?,
            energy_tce_per_wan: non_negative("energy_tce_per_wan", r.energy_tce_per_wan)?,
            districts,
            parks,
            zones,
            near,
            within,
            max_land_price: non_negative("max_land_price_wan_per_mu", r.max_land_price_wan_per_mu)?,
            max_rent: non_negative("max_rent_yuan_m2_day", r.max_rent_yuan_m2_day)?,
            power_kva: positive("power_kva", r.power_kva)?,
            floor_load: positive("floor_load_kn_m2", r.floor_load_kn_m2)?,
            clearance: positive("clearance_m", r.clearance_m)?,
            building_types,
            supply_modes,
            needed_by: r.needed_by,
            include_idle: r.include_idle,
            limit,
            near_miss_limit,
            weights,
            as_of: r.as_of.unwrap_or(today),
            facts,
            explain_all_policies: match r.explain_policies.as_deref() {
                None | Some("eligible") => false,
                Some("all") => true,
                Some(other) => {
                    return Err(MatchError::field(
                        "explain_policies",
                        format!("'{other}' is not one of eligible, all"),
                        format!("'{other}' 不是可选值（eligible：列出符合和可能符合的政策；all：连同不符合的一并列出）"),
                    ))
                }
            },
        })
    }

    /// Whether the project states a size (land area or floor area).
    pub fn states_size(&self) -> bool {
        self.land_area.is_some() || self.floor_area_m2.is_some()
    }
}
