//! Park 园区 and its admission standards 准入标准.

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use super::{ParkLevel, Provenance};

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
    /// Positive list 正面清单 (catalogue codes given priority).
    pub positive_list: Vec<String>,
    /// Negative list 负面清单 (catalogue codes refused).
    pub negative_list: Vec<String>,
    /// Outline in WGS84; parks often have several parts.
    pub geometry: MultiPolygon,
    /// Source and verification date.
    pub provenance: Provenance,
}
