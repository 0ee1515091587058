//! Park 园区, its admission standards 准入标准 (per industry category where they differ,
//! 分行业) and the land output its documents record.

use std::collections::BTreeMap;

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use super::{Catalogue, ParkLevel, Provenance};

/// The admission indicators Chinese parks set for new projects; each is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionStandards {
    /// Minimum investment intensity 投资强度, 万元/亩.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_investment_wan_per_mu: Option<f64>,
    /// Minimum annual output per land 地均产值, 万元/亩/年.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_output_wan_per_mu: Option<f64>,
    /// Minimum annual tax per land 地均税收, 万元/亩/年.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tax_wan_per_mu: Option<f64>,
    /// Maximum energy per output 产值能耗, tonnes of standard coal per 万元.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_energy_tce_per_wan: Option<f64>,
    /// Minimum floor area ratio 容积率.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_far: Option<f64>,
    /// Minimum building coverage 建筑系数 (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_building_coverage: Option<f64>,
    /// Maximum share of land for offices and living 行政办公及生活服务设施用地比例 (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_office_share: Option<f64>,
    /// Maximum green ratio 绿地率 (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_green_ratio: Option<f64>,
}

impl AdmissionStandards {
    /// Each indicator with its property name, for validation and display.
    pub fn indicators(&self) -> [(&'static str, Option<f64>); 8] {
        [
            ("min_investment_wan_per_mu", self.min_investment_wan_per_mu),
            ("min_output_wan_per_mu", self.min_output_wan_per_mu),
            ("min_tax_wan_per_mu", self.min_tax_wan_per_mu),
            ("max_energy_tce_per_wan", self.max_energy_tce_per_wan),
            ("min_far", self.min_far),
            ("min_building_coverage", self.min_building_coverage),
            ("max_office_share", self.max_office_share),
            ("max_green_ratio", self.max_green_ratio),
        ]
    }

    /// These standards with each indicator `other` sets in place of this one's.
    ///
    /// ```
    /// use chanye::model::AdmissionStandards;
    /// let park = AdmissionStandards { min_output_wan_per_mu: Some(390.0), min_far: Some(1.0), ..Default::default() };
    /// let makers = AdmissionStandards { min_output_wan_per_mu: Some(676.37), ..Default::default() };
    /// let merged = park.overridden_by(&makers);
    /// assert_eq!((merged.min_output_wan_per_mu, merged.min_far), (Some(676.37), Some(1.0)));
    /// ```
    pub fn overridden_by(&self, other: &AdmissionStandards) -> AdmissionStandards {
        AdmissionStandards {
            min_investment_wan_per_mu: other.min_investment_wan_per_mu.or(self.min_investment_wan_per_mu),
            min_output_wan_per_mu: other.min_output_wan_per_mu.or(self.min_output_wan_per_mu),
            min_tax_wan_per_mu: other.min_tax_wan_per_mu.or(self.min_tax_wan_per_mu),
            max_energy_tce_per_wan: other.max_energy_tce_per_wan.or(self.max_energy_tce_per_wan),
            min_far: other.min_far.or(self.min_far),
            min_building_coverage: other.min_building_coverage.or(self.min_building_coverage),
            max_office_share: other.max_office_share.or(self.max_office_share),
            max_green_ratio: other.max_green_ratio.or(self.max_green_ratio),
        }
    }
}

/// An industrial park such as 中关村密云园.
#[derive(Debug, Clone)]
pub struct Park {
    /// Stable id.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// 国家级, 市级 or 区级.
    pub level: ParkLevel,
    /// The district's adcode.
    pub district: String,
    /// Leading industries 主导产业 (catalogue codes).
    pub industries: Vec<String>,
    /// Admission standards for new projects.
    pub admission: AdmissionStandards,
    /// Standards that differ by industry (分行业): catalogue code → the indicators that
    /// replace the park's for projects in that category or segment. See
    /// [`Park::admission_for`].
    pub admission_by_category: BTreeMap<String, AdmissionStandards>,
    /// Where the admission figures come from: which are stated by a document (with its
    /// table and lines) and which are sample values.
    pub admission_source: Option<String>,
    /// 单位面积收入 in 2020 as a document records it: total income per hectare of built urban
    /// construction land, 万元/公顷 (the Miyun plan's table 1-1 for the 中关村 parks). A fact,
    /// not a standard.
    pub land_income_2020_wan_per_ha: Option<f64>,
    /// 单位面积工业产值 in 2020 as a document records it: industrial output per hectare of
    /// built industrial land, 万元/公顷 (table 1-1). A fact, not a standard.
    pub industrial_output_2020_wan_per_ha: Option<f64>,
    /// The document, table and lines the two 2020 figures come from.
    pub land_output_source: Option<String>,
    /// Whether the park has an office of its own that keeps its inventory (北京经济技术开发区),
    /// so that its district's office does not.
    pub own_office: bool,
    /// Positive list 正面清单 (catalogue codes given priority).
    pub positive_list: Vec<String>,
    /// Negative list 负面清单 (catalogue codes refused).
    pub negative_list: Vec<String>,
    /// Outline in WGS84; parks often have several parts.
    pub geometry: MultiPolygon,
    /// Source and verification date.
    pub provenance: Provenance,
}

impl Park {
    /// The documented 2020 industrial output per 亩 (1 公顷 = 15 亩), 万元/亩: the unit of
    /// 地均产值, against which the park's minimum is set.
    pub fn industrial_output_2020_wan_per_mu(&self) -> Option<f64> {
        self.industrial_output_2020_wan_per_ha.map(|x| x / 15.0)
    }

    /// The admission standards a project in `industry` (a catalogue code, name or alias)
    /// meets here: the park's, with the indicators of the override for the industry's
    /// nearest entry in [`Park::admission_by_category`] (the segment itself, then its parents
    /// up to the category) in their place. An industry the catalogue does not know gets the
    /// park's own standards, or the override keyed by exactly that text.
    ///
    /// ```
    /// # use chanye::model::{AdmissionStandards, Catalogue, Park, ParkLevel, Provenance};
    /// let c = Catalogue::from_json(r#"{"industries": [
    ///     {"code": "health", "level": "category", "name_zh": "医药健康", "name_en": "Health", "manufacturing": true},
    ///     {"code": "health.devices", "level": "segment", "name_zh": "医疗器械", "name_en": "Devices", "parent": "health"},
    ///     {"code": "health.services", "level": "segment", "name_zh": "医疗服务", "name_en": "Medical services", "parent": "health"}
    /// ]}"#).unwrap();
    /// let base = AdmissionStandards { min_output_wan_per_mu: Some(390.0), min_far: Some(1.0), ..Default::default() };
    /// let makers = AdmissionStandards { min_output_wan_per_mu: Some(676.37), ..Default::default() };
    /// let park = Park {
    ///     id: "p".into(), name: "园".into(), level: ParkLevel::National, district: "110118".into(), industries: vec![],
    ///     admission: base,
    ///     admission_by_category: [("health".to_string(), makers), ("health.services".to_string(), AdmissionStandards::default())].into(),
    ///     admission_source: None, land_income_2020_wan_per_ha: None, industrial_output_2020_wan_per_ha: None,
    ///     land_output_source: None, own_office: false, positive_list: vec![], negative_list: vec![],
    ///     geometry: geo::MultiPolygon(vec![]),
    ///     provenance: Provenance { source: "sample".into(), verified_at: "2026-11-01".parse().unwrap() },
    /// };
    /// assert_eq!(park.admission_for(&c, "health.devices").min_output_wan_per_mu, Some(676.37));
    /// assert_eq!(park.admission_for(&c, "医疗器械").min_far, Some(1.0));
    /// assert_eq!(park.admission_for(&c, "health.services").min_output_wan_per_mu, Some(390.0));
    /// assert_eq!(park.admission_for(&c, "quantum").min_output_wan_per_mu, Some(390.0));
    /// ```
    pub fn admission_for(&self, catalogue: &Catalogue, industry: &str) -> AdmissionStandards {
        if self.admission_by_category.is_empty() {
            return self.admission.clone();
        }
        let mut entry = catalogue.lookup(industry).or_else(|| catalogue.get(industry));
        if entry.is_none() {
            return self.admission_by_category.get(industry).map_or_else(|| self.admission.clone(), |o| self.admission.overridden_by(o));
        }
        // the loader rejects parent cycles; the bound keeps a hand-built catalogue from looping
        for _ in 0..=catalogue.entries().len() {
            let Some(e) = entry else { break };
            if let Some(over) = self.admission_by_category.get(&e.code) {
                return self.admission.overridden_by(over);
            }
            entry = e.parent.as_deref().and_then(|p| catalogue.get(p));
        }
        self.admission.clone()
    }
}
