//! The result shape outside checks read: candidates with per-criterion scores and reasons,
//! policies, near misses with what failed, and the counts of excluded candidates.

use std::collections::BTreeMap;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::policy::Eligibility;
use crate::model::MeasureStatus;

/// Policies the table shows per candidate (the most specific first); JSON lists all.
const POLICIES_IN_TABLE: usize = 4;

/// What a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CandidateKind {
    /// One land parcel.
    Parcel,
    /// Space in one building.
    Building,
    /// Adjacent parcels offered together.
    Assembly,
}

/// The project as the matcher understood it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectSummary {
    /// Project name, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resolved industry.
    pub industry: IndustryRef,
    /// The date the match was made on.
    pub as_of: chrono::NaiveDate,
}

/// A catalogue entry by code and names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryRef {
    /// Catalogue code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
}

/// One criterion's score and reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    /// Criterion name.
    pub name: String,
    /// 0–100.
    pub score: f64,
    /// Its weight in this request.
    pub weight: f64,
    /// Reason, Chinese.
    pub reason_zh: String,
    /// Reason, English.
    pub reason_en: String,
}

/// What results show of a measure whoever it is judged for: its names and source, made once
/// per matcher and shared by every judgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureRef {
    /// Measure id.
    pub id: String,
    /// city, district or park.
    pub scope: String,
    /// Title, Chinese.
    pub title_zh: String,
    /// Title, English.
    pub title_en: String,
    /// Cap as stated, Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_zh: Option<String>,
    /// Cap, English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_en: Option<String>,
    /// Source document file.
    pub document: String,
    /// Item number in the document.
    pub item: String,
    /// In force, draft or expired.
    pub status: MeasureStatus,
    /// The document's words.
    pub quote_zh: String,
    /// The line of the document the quote starts on.
    pub line: u32,
}

impl MeasureRef {
    /// The parts of `m` results show.
    pub fn of(m: &crate::model::PolicyMeasure) -> MeasureRef {
        MeasureRef {
            id: m.id.clone(),
            scope: m.scope.as_str().to_string(),
            title_zh: m.title_zh.clone(),
            title_en: m.title_en.clone(),
            cap_zh: m.cap_zh.clone(),
            cap_en: m.cap_en.clone(),
            document: m.document.clone(),
            item: m.item.clone(),
            status: m.status,
            quote_zh: m.quote_zh.clone(),
            line: m.line,
        }
    }
}

/// A policy measure judged for a candidate (or a project without a site), with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedPolicy {
    /// The measure: id, titles, cap, document, item, status, quote and line.
    #[serde(flatten)]
    pub measure: Arc<MeasureRef>,
    /// Eligible, possible or ineligible for this project here.
    pub eligibility: Eligibility,
    /// The most the text allows for this project, 万元 (eligible measures with a figure).
    pub estimate_wan: Option<f64>,
    /// The working of the estimate, or why not, Chinese.
    pub basis_zh: String,
    /// The same, English.
    pub basis_en: String,
    /// Request fields that would settle eligibility (or the estimate).
    pub missing: Vec<String>,
    /// Facts to confirm with the investor or the office, Chinese.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirm_zh: Vec<String>,
    /// The same, English.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirm_en: Vec<String>,
}

/// A ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// 1 for the best.
    pub rank: usize,
    /// Parcel or building id; members joined by `+` for an assembly.
    pub id: String,
    /// parcel, building or assembly.
    pub kind: CandidateKind,
    /// Member parcel ids (the id itself for a parcel or building).
    pub members: Vec<String>,
    /// Name (members' names joined for an assembly).
    pub name: String,
    /// Weighted score, 0–100.
    pub score: f64,
    /// Per-criterion scores and reasons.
    pub criteria: Vec<CriterionScore>,
    /// District adcode.
    pub district: String,
    /// District name.
    pub district_name: String,
    /// Park id.
    pub park: Option<String>,
    /// Park name.
    pub park_name: Option<String>,
    /// Zone (园中园) id.
    pub zone: Option<String>,
    /// Zone name.
    pub zone_name: Option<String>,
    /// Land area in 亩 (land); none for building space.
    pub area_mu: Option<f64>,
    /// Land area (land) or vacant floor area (building), m².
    pub area_m2: f64,
    /// Land use(s), for land.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land_use: Option<String>,
    /// Outline (or location) in WGS84.
    pub geometry: geojson::Geometry,
    /// Policy measures that fit the place, industry and space: eligible and possible ones
    /// (and ineligible ones with `explain_policies: "all"`).
    pub policies: Vec<Arc<AppliedPolicy>>,
    /// Measures that fit the place but whose conditions the project fails.
    pub policies_ineligible: usize,
    /// The largest combinable total of the eligible measures' estimates, 万元.
    pub policy_support_wan: f64,
}

/// One failed constraint of a near miss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// Constraint name.
    pub constraint: String,
    /// By how much, Chinese.
    pub detail_zh: String,
    /// By how much, English.
    pub detail_en: String,
}

/// A candidate that fails one or two constraints that could be negotiated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearMiss {
    /// Parcel or building id.
    pub id: String,
    /// parcel or building.
    pub kind: CandidateKind,
    /// Name.
    pub name: String,
    /// Score it would have.
    pub score: f64,
    /// District adcode.
    pub district: String,
    /// District name.
    pub district_name: String,
    /// Park id.
    pub park: Option<String>,
    /// Park name.
    pub park_name: Option<String>,
    /// Zone id.
    pub zone: Option<String>,
    /// Zone name.
    pub zone_name: Option<String>,
    /// Land area in 亩 (land).
    pub area_mu: Option<f64>,
    /// What failed, and by how much.
    pub failed: Vec<Failure>,
}

/// The answer to a match request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    /// The project as understood.
    pub project: ProjectSummary,
    /// The best candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Candidates that fail little, fewest failures and best score first.
    pub near_misses: Vec<NearMiss>,
    /// Per constraint, the candidates it excluded (one failing two counts under both;
    /// one outside the search scope counts under that scope constraint only).
    pub excluded_counts: BTreeMap<String, usize>,
    /// Parcels and buildings considered.
    pub considered: usize,
    /// The weights used.
    pub weights: BTreeMap<String, f64>,
}

/// Chinese column headers of the per-criterion scores.
pub(crate) fn criterion_zh(name: &str) -> &str {
    match name {
        "industry" => "产业匹配",
        "area" => "面积匹配",
        "price" => "价格",
        "distance" => "距离",
        "readiness" => "供地就绪",
        "power" => "供电",
        "policy" => "政策支持",
        other => other,
    }
}

impl MatchResult {
    /// Writes the candidates' geometries in GCJ-02 or BD-09 for Chinese web maps (WGS84 and
    /// other systems are left as they are).
    pub fn convert_from_wgs84(&mut self, to: crate::geometry::Crs) {
        use crate::geometry::{china, crs::map_geojson_positions, Crs};
        let from_wgs84: fn(geo::Coord) -> geo::Coord = match to {
            Crs::Gcj02 => china::wgs84_to_gcj02,
            Crs::Bd09 => china::wgs84_to_bd09,
            _ => return,
        };
        for c in &mut self.candidates {
            let Ok(mut value) = serde_json::to_value(&c.geometry) else { continue };
            if let Some(coordinates) = value.get_mut("coordinates") {
                map_geojson_positions(coordinates, &from_wgs84);
            }
            if let Ok(geometry) = serde_json::from_value(value) {
                c.geometry = geometry;
            }
        }
    }

    /// The result as spreadsheet tables with Chinese headers and labels: 候选 (the ranked
    /// candidates, one score column per criterion, reasons and the titles of the policy
    /// measures), 近似候选 (near misses and what they fail by), places by name with the
    /// district's adcode beside, and 适用政策 (each measure once, with its source and the
    /// candidates it applies to).
    pub fn to_tables(&self) -> Vec<crate::export::Table> {
        use crate::export::{Cell, Table};
        let text = |s: &str| Cell::Text(s.to_string());
        let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, |s| Cell::Text(s.to_string()));
        let number = |x: Option<f64>| x.map_or(Cell::Empty, |x| Cell::Number((x * 100.0).round() / 100.0));
        // "M1, M4" as the legend labels them
        let land_use = |uses: &Option<String>| {
            uses.as_deref().map_or(Cell::Empty, |uses| {
                let labels: Vec<String> =
                    uses.split(", ").map(|u| u.parse::<crate::model::LandUse>().map_or_else(|_| u.to_string(), |l| l.zh().to_string())).collect();
                Cell::Text(labels.join("、"))
            })
        };
        let criteria: Vec<&str> =
            super::criteria::Criterion::ALL.iter().map(|c| c.name()).filter(|name| self.weights.contains_key(*name)).collect();
        let mut headers: Vec<String> =
            ["排名", "编号", "类型", "名称", "总分", "所在区", "区代码", "所在园区", "所在园中园", "面积(亩)", "面积(m²)", "用地性质"].map(String::from).to_vec();
        headers.extend(criteria.iter().map(|c| format!("{}得分", criterion_zh(c))));
        headers.extend(["评分理由", "政策支持(万元)", "符合的政策"].map(String::from));
        let kind_zh = |k: CandidateKind| match k {
            CandidateKind::Parcel => "地块",
            CandidateKind::Building => "厂房楼宇",
            CandidateKind::Assembly => "地块组合",
        };
        let rows = self
            .candidates
            .iter()
            .map(|c| {
                let mut row = vec![
                    Cell::Number(c.rank as f64),
                    text(&c.id),
                    text(kind_zh(c.kind)),
                    text(&c.name),
                    number(Some(c.score)),
                    text(&c.district_name),
                    text(&c.district),
                    opt(&c.park_name),
                    opt(&c.zone_name),
                    number(c.area_mu),
                    number(Some(c.area_m2)),
                    land_use(&c.land_use),
                ];
                row.extend(criteria.iter().map(|name| number(c.criteria.iter().find(|k| k.name == *name).map(|k| k.score))));
                row.push(Cell::Text(c.criteria.iter().map(|k| k.reason_zh.as_str()).collect::<Vec<_>>().join("；")));
                row.push(number(Some(c.policy_support_wan)));
                // titles only: a sheet of their own cites each once, where every row of
                // candidates in one park would repeat the same sources
                let eligible = c.policies.iter().filter(|p| p.eligibility == Eligibility::Eligible);
                row.push(Cell::Text(eligible.map(|p| p.measure.title_zh.as_str()).collect::<Vec<_>>().join("；")));
                row
            })
            .collect();
        let candidates = Table { title: "候选".into(), headers, rows, ..Table::default() };
        let near = Table {
            title: "近似候选".into(),
            headers: ["编号", "类型", "名称", "得分", "所在区", "区代码", "所在园区", "所在园中园", "面积(亩)", "未满足条件"].map(String::from).to_vec(),
            rows: self
                .near_misses
                .iter()
                .map(|n| {
                    vec![
                        text(&n.id),
                        text(kind_zh(n.kind)),
                        text(&n.name),
                        number(Some(n.score)),
                        text(&n.district_name),
                        text(&n.district),
                        opt(&n.park_name),
                        opt(&n.zone_name),
                        number(n.area_mu),
                        Cell::Text(n.failed.iter().map(|f| f.detail_zh.as_str()).collect::<Vec<_>>().join("；")),
                    ]
                })
                .collect(),
            ..Table::default()
        };
        // one row per measure and judgement: the same measure may be eligible at one site
        // and only possible at another
        let mut measures: Vec<(&AppliedPolicy, Vec<String>)> = Vec::new();
        for c in &self.candidates {
            for p in &c.policies {
                match measures.iter_mut().find(|(m, _)| m.measure.id == p.measure.id && m.eligibility == p.eligibility && m.estimate_wan == p.estimate_wan) {
                    Some((_, ranks)) => ranks.push(c.rank.to_string()),
                    None => measures.push((p, vec![c.rank.to_string()])),
                }
            }
        }
        let policies = Table {
            title: "适用政策".into(),
            headers: ["政策措施", "资格", "估算(万元)", "依据", "上限", "文件", "条款", "行", "适用候选排名"].map(String::from).to_vec(),
            rows: measures
                .into_iter()
                .map(|(p, ranks)| {
                    vec![
                        text(&p.measure.title_zh),
                        text(p.eligibility.zh()),
                        number(p.estimate_wan),
                        text(&p.basis_zh),
                        opt(&p.measure.cap_zh),
                        text(&p.measure.document),
                        text(&p.measure.item),
                        Cell::Number(f64::from(p.measure.line)),
                        Cell::Text(ranks.join("、")),
                    ]
                })
                .collect(),
            ..Table::default()
        };
        vec![candidates, near, policies]
    }

    /// The candidates as a GeoJSON FeatureCollection (WGS84), best first; properties carry
    /// rank, kind, members, score, place, area, the criteria and the policy ids.
    pub fn to_feature_collection(&self) -> geojson::FeatureCollection {
        let features = self
            .candidates
            .iter()
            .map(|c| {
                let reasons_zh: Vec<&str> = c.criteria.iter().map(|k| k.reason_zh.as_str()).collect();
                let reasons_en: Vec<&str> = c.criteria.iter().map(|k| k.reason_en.as_str()).collect();
                let properties = serde_json::json!({
                    "rank": c.rank,
                    "id": c.id,
                    "kind": c.kind,
                    "members": c.members,
                    "name": c.name,
                    "score": c.score,
                    "district": c.district,
                    "district_name": c.district_name,
                    "park": c.park,
                    "park_name": c.park_name,
                    "zone": c.zone,
                    "zone_name": c.zone_name,
                    "area_mu": c.area_mu,
                    "area_m2": c.area_m2,
                    "land_use": c.land_use,
                    "reason_zh": reasons_zh.join("；"),
                    "reason_en": reasons_en.join("; "),
                    "criteria": c.criteria,
                    "policies": c.policies.iter().map(|p| p.measure.id.as_str()).collect::<Vec<_>>(),
                    "policy_support_wan": c.policy_support_wan,
                });
                geojson::Feature {
                    bbox: None,
                    geometry: Some(c.geometry.clone()),
                    id: Some(geojson::feature::Id::String(c.id.clone())),
                    properties: properties.as_object().cloned(),
                    foreign_members: None,
                }
            })
            .collect();
        geojson::FeatureCollection { bbox: None, features, foreign_members: None }
    }

    /// A plain-text report: the ranked list with every reason, then the near misses and
    /// the exclusion counts.
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let p = &self.project;
        let _ = writeln!(out, "项目 {} · 产业 {}（{}） · {}", p.name.as_deref().unwrap_or("-"), p.industry.name_zh, p.industry.code, p.as_of);
        if self.candidates.is_empty() {
            let _ = writeln!(out, "\n没有满足全部条件的候选（no candidate meets every constraint）");
        }
        for c in &self.candidates {
            let place = [Some(c.district_name.as_str()), c.park_name.as_deref(), c.zone_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
            let size = match c.area_mu {
                Some(mu) => format!("{mu} 亩"),
                None => format!("{} ㎡", c.area_m2),
            };
            let _ = writeln!(out, "\n#{} {:>5.1}  {} [{:?}] {}  {}  {}", c.rank, c.score, c.id, c.kind, c.name, place, size);
            for k in &c.criteria {
                let _ = writeln!(out, "    {:<9} {:>5.1} ×{:<4} {}", k.name, k.score, k.weight, k.reason_zh);
            }
            if c.policy_support_wan > 0.0 {
                let _ = writeln!(out, "    政策支持估算 最高 {}", super::policy::money(c.policy_support_wan, "万元"));
            }
            for policy in c.policies.iter().take(POLICIES_IN_TABLE) {
                let _ = writeln!(out, "    政策 [{}] {} — {}（{} {}）", policy.eligibility.zh(), policy.measure.title_zh, policy.basis_zh, policy.measure.document, policy.measure.item);
            }
            if c.policies.len() > POLICIES_IN_TABLE {
                let _ = writeln!(out, "    …另有 {} 项政策（--format json 列出全部）", c.policies.len() - POLICIES_IN_TABLE);
            }
        }
        if !self.near_misses.is_empty() {
            let _ = writeln!(out, "\n接近满足（near misses）");
            for m in &self.near_misses {
                let failed: Vec<&str> = m.failed.iter().map(|f| f.detail_zh.as_str()).collect();
                let _ = writeln!(out, "  {} {:>5.1} {}：{}", m.id, m.score, m.name, failed.join("；"));
            }
        }
        let counts: Vec<String> = self.excluded_counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "\n考察 {} 处，排除：{}", self.considered, counts.join(", "));
        out
    }
}
