//! Policy measures 政策措施: the support a district or the city offers, with its source, read
//! from `geodata/policies.json`.

use std::collections::HashSet;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Land supply and construction on land.
    Land,
    /// Existing factory or office space.
    Building,
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
}

/// One support measure, with the document and item it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Short title, Chinese.
    pub title_zh: String,
    /// Short title, English.
    pub title_en: String,
    /// What it supports, Chinese.
    pub supports_zh: String,
    /// What it supports, English.
    pub supports_en: String,
    /// The cap as the document states it, Chinese.
    #[serde(default)]
    pub cap_zh: Option<String>,
    /// The cap, English.
    #[serde(default)]
    pub cap_en: Option<String>,
    /// Support as a share of the eligible amount (0–1), when stated.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Cap in 万元, when stated.
    #[serde(default)]
    pub cap_wan: Option<f64>,
    /// Eligibility, Chinese.
    #[serde(default)]
    pub condition_zh: Option<String>,
    /// Eligibility, English.
    #[serde(default)]
    pub condition_en: Option<String>,
    /// Industries it is restricted to (catalogue codes; empty: any).
    #[serde(default)]
    pub industries: Vec<String>,
    /// Offers it concerns (empty: any).
    #[serde(default)]
    pub space: Vec<OfferKind>,
    /// Source document file name.
    pub document: String,
    /// Item number in the document, as it numbers it.
    pub item: String,
}

/// Problems in the policy file itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not the expected JSON.
    #[error("policy catalogue is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
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

impl PolicyCatalogue {
    /// Parses the file and checks ids, scopes, documents and industry codes.
    pub fn from_json(text: &str, industries: &Catalogue) -> Result<PolicyCatalogue, PolicyError> {
        let catalogue: PolicyCatalogue = serde_json::from_str(text)?;
        let mut ids = HashSet::new();
        for m in &catalogue.measures {
            let fail = |reason: String, reason_zh: String| Err(PolicyError::Measure { id: m.id.clone(), reason, reason_zh });
            if !ids.insert(m.id.as_str()) {
                return fail("the id appears twice".into(), "id 出现了两次".into());
            }
            match (m.scope, &m.district, &m.park) {
                (PolicyScope::City, None, None) | (PolicyScope::District, Some(_), None) | (PolicyScope::Park, Some(_), Some(_)) => {}
                _ => {
                    return fail(
                        "scope city takes no district or park, district needs district, park needs both".into(),
                        "scope 为 city 时不带 district 和 park，为 district 时需要 district，为 park 时两者都要".into(),
                    )
                }
            }
            if let Some(code) = m.industries.iter().find(|c| industries.get(c).is_none()) {
                return fail(format!("industry '{code}' is not in the catalogue"), format!("产业 '{code}' 不在产业目录中"));
            }
            if !catalogue.documents.iter().any(|d| d.file == m.document) {
                return fail(format!("document '{}' is not listed under documents", m.document), format!("文件 '{}' 未列在 documents 中", m.document));
            }
            if m.rate.is_some_and(|r| !(0.0..=1.0).contains(&r)) || m.cap_wan.is_some_and(|c| c.is_nan() || c <= 0.0) {
                return fail("rate must lie in 0–1 and cap_wan be positive".into(), "rate 须在 0–1 之间，cap_wan 须为正数".into());
            }
        }
        Ok(catalogue)
    }

    /// Whether a measure applies to a project of `industry` offered `kind` space in
    /// `district`/`park`: its scope covers the place, and its industry and space
    /// restrictions (if any) include the project's.
    pub fn applies(m: &PolicyMeasure, industries: &Catalogue, industry: &str, kind: OfferKind, district: &str, park: Option<&str>) -> bool {
        Self::covers_industry(m, industries, industry) && Self::covers_place(m, kind, district, park)
    }

    /// Whether a measure's industry restriction (if any) includes `industry`.
    pub fn covers_industry(m: &PolicyMeasure, industries: &Catalogue, industry: &str) -> bool {
        m.industries.is_empty() || m.industries.iter().any(|code| industries.is_within(industry, code))
    }

    /// Whether a measure's scope covers the place and its space restriction (if any) `kind`.
    pub fn covers_place(m: &PolicyMeasure, kind: OfferKind, district: &str, park: Option<&str>) -> bool {
        let place = match m.scope {
            PolicyScope::City => true,
            PolicyScope::District => m.district.as_deref() == Some(district),
            PolicyScope::Park => m.park.as_deref().is_some_and(|p| Some(p) == park),
        };
        place && (m.space.is_empty() || m.space.contains(&kind))
    }
}
