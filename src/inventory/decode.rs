//! Decoding feature properties into the domain model, collecting every problem.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use geo::{MultiPolygon, Point};
use serde_json::{Map, Value};

use crate::error::plain_reason_zh;
use crate::model::{
    AdmissionStandards, Building, BuildingType, Catalogue, Confidential, District, LandUse, Park, ParkLevel, Parcel, PlanningLimits,
    Provenance, SpaceStatus, SquareMetres, SupplyMode, UnknownValue, Zone,
};

/// A property that is missing or wrong, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// The property.
    pub field: String,
    /// Why.
    pub reason: String,
    /// Why, in Chinese.
    pub reason_zh: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: &str, reason: impl Into<String>, reason_zh: impl Into<String>) -> FieldProblem {
        FieldProblem { field: field.to_string(), reason: reason.into(), reason_zh: reason_zh.into() }
    }
}

/// References a feature gives explicitly; the spatial join fills what is missing.
#[derive(Debug, Clone, Default)]
pub struct GivenRefs {
    /// District adcode.
    pub district: Option<String>,
    /// Park id.
    pub park: Option<String>,
    /// Zone id.
    pub zone: Option<String>,
}

/// A feature's properties: a GeoJSON object's members, or a stored row's columns.
#[derive(Debug, Clone)]
pub enum Properties {
    /// A GeoJSON `properties` object.
    Object(Map<String, Value>),
    /// A row's values beside its table's column names, shared by every row of the table:
    /// no name is copied or hashed per row.
    Columns {
        /// The names, in column order.
        names: Arc<[String]>,
        /// The values, one per name.
        values: Vec<Value>,
    },
}

impl Properties {
    /// The value of `key` (null included), if the feature has that property.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Properties::Object(map) => map.get(key),
            Properties::Columns { names, values } => names.iter().position(|n| n == key).and_then(|i| values.get(i)),
        }
    }

    /// Takes the value of `key` out.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self {
            Properties::Object(map) => map.remove(key),
            Properties::Columns { names, values } => names.iter().position(|n| n == key).and_then(|i| values.get_mut(i)).map(Value::take),
        }
    }

    /// The properties as a GeoJSON object.
    pub fn into_map(self) -> Map<String, Value> {
        match self {
            Properties::Object(map) => map,
            Properties::Columns { names, values } => names.iter().cloned().zip(values).collect(),
        }
    }
}

/// Texts that many features repeat, kept once for all of them.
#[derive(Debug, Default)]
pub struct SharedTexts(std::sync::Mutex<rustc_hash::FxHashSet<Arc<str>>>);

impl SharedTexts {
    /// The one copy of `text`.
    pub fn get(&self, text: &str) -> Arc<str> {
        let mut texts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(shared) = texts.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = text.into();
        texts.insert(shared.clone());
        shared
    }
}

/// Reads typed values out of a feature's properties, recording what is missing or wrong.
pub struct Fields<'a> {
    props: &'a Properties,
    catalogue: &'a Catalogue,
    texts: &'a SharedTexts,
    /// Problems found so far.
    pub problems: Vec<FieldProblem>,
    /// Whether these are the properties of a store's row validated when it was written, whose
    /// figures worked out then (a parcel's area) may be read back.
    pub validated: bool,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn kind_of_zh(v: &Value) -> &'static str {
    match v {
        Value::Null => "空值",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数值",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

/// Why a required property fails, in both languages.
const MISSING: (&str, &str) = ("required property is missing", "缺少必填属性");

impl<'a> Fields<'a> {
    /// Starts reading `props`.
    pub fn new(props: &'a Properties, catalogue: &'a Catalogue, texts: &'a SharedTexts) -> Fields<'a> {
        Fields { props, catalogue, texts, problems: Vec::new(), validated: false }
    }

    fn fail(&mut self, key: &str, reason: impl Into<String>, reason_zh: impl Into<String>) {
        self.problems.push(FieldProblem::new(key, reason, reason_zh));
    }

    fn present(&self, key: &str) -> Option<&'a Value> {
        self.props.get(key).filter(|v| !v.is_null())
    }

    /// A text property that must be present and non-empty.
    pub fn text(&mut self, key: &str) -> Option<String> {
        let value = self.opt_text(key);
        if value.is_none() && !self.problems.iter().any(|p| p.field == key) {
            self.fail(key, MISSING.0, MISSING.1);
        }
        value
    }

    /// An optional text property.
    pub fn opt_text(&mut self, key: &str) -> Option<String> {
        match self.present(key) {
            None => None,
            Some(Value::String(s)) => Some(s.trim()).filter(|t| !t.is_empty()).map(str::to_string),
            Some(Value::Number(n)) if key == "district" || key == "adcode" => Some(n.to_string()),
            Some(v) => {
                self.fail(key, format!("expected a string, found {}", kind_of(v)), format!("应为字符串，实为{}", kind_of_zh(v)));
                None
            }
        }
    }

    /// An optional true/false property (GeoPackage has no boolean type: a store keeps it as
    /// the text "true"/"false", GDAL as 1/0).
    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.present(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
            Some(Value::Number(n)) if n.as_f64() == Some(0.0) || n.as_f64() == Some(1.0) => Some(n.as_f64() == Some(1.0)),
            Some(v) => {
                self.fail(key, format!("expected true or false, found {}", kind_of(v)), format!("应为 true 或 false，实为{}", kind_of_zh(v)));
                None
            }
        }
    }

    /// An optional number within `[min, max]`.
    pub fn opt_number(&mut self, key: &str, min: f64, max: f64) -> Option<f64> {
        match self.present(key) {
            None => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if (min..=max).contains(&x) => Some(x),
                Some(x) => {
                    self.fail(key, format!("{x} is outside the allowed range {min}..={max}"), format!("{x} 超出允许的范围 {min}..={max}"));
                    None
                }
                None => {
                    self.fail(key, "not a representable number", "数值无法表示");
                    None
                }
            },
            Some(v) => {
                self.fail(key, format!("expected a number, found {} {v}", kind_of(v)), format!("应为数值，实为{} {v}", kind_of_zh(v)));
                None
            }
        }
    }

    /// A number property as given, without checking it or recording a problem.
    pub fn peek_number(&self, key: &str) -> Option<f64> {
        self.present(key).and_then(Value::as_f64)
    }

    /// A number that must be present.
    pub fn number(&mut self, key: &str, min: f64, max: f64) -> Option<f64> {
        if self.present(key).is_none() {
            self.fail(key, MISSING.0, MISSING.1);
            return None;
        }
        self.opt_number(key, min, max)
    }

    /// An optional date (`YYYY-MM-DD`).
    pub fn opt_date(&mut self, key: &str) -> Option<NaiveDate> {
        let text = self.opt_text(key)?;
        match iso_date(&text) {
            Some(d) => Some(d),
            None => {
                self.fail(key, format!("'{text}' is not a date of the form YYYY-MM-DD"), format!("'{text}' 不是 年-月-日 形式的日期（如 2026-03-01）"));
                None
            }
        }
    }

    /// A date that must be present.
    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        if self.present(key).is_none() {
            self.fail(key, MISSING.0, MISSING.1);
            return None;
        }
        self.opt_date(key)
    }

    /// A value of a closed vocabulary that must be present.
    pub fn parse<T: FromStr<Err = UnknownValue>>(&mut self, key: &str) -> Option<T> {
        let text = self.text(key)?;
        match text.parse() {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(key, e.to_string(), e.zh());
                None
            }
        }
    }

    /// An array of strings (absent or null: empty).
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        match self.present(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        _ => self.fail(key, format!("item {i} is {}, expected a non-empty string", kind_of(item)), format!("第 {i} 项（从 0 数起）是{}，应为非空字符串", kind_of_zh(item))),
                    }
                }
                out
            }
            Some(v) => {
                self.fail(key, format!("expected an array of strings, found {}", kind_of(v)), format!("应为字符串数组，实为{}", kind_of_zh(v)));
                Vec::new()
            }
        }
    }

    /// An array of vocabulary values.
    pub fn parse_list<T: FromStr<Err = UnknownValue> + PartialEq>(&mut self, key: &str) -> Vec<T> {
        let mut out = Vec::new();
        for text in self.strings(key) {
            match text.parse::<T>() {
                Ok(v) if !out.contains(&v) => out.push(v),
                Ok(_) => {}
                Err(e) => self.fail(key, e.to_string(), e.zh()),
            }
        }
        out
    }

    /// Industries by catalogue code, name or alias, stored as codes.
    pub fn industries(&mut self, key: &str) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for name in self.strings(key) {
            match self.catalogue.lookup(&name) {
                Some(entry) if !codes.contains(&entry.code) => codes.push(entry.code.clone()),
                Some(_) => {}
                None => self.fail(key, format!("'{name}' is not in the industry catalogue"), format!("'{name}' 不在产业目录中")),
            }
        }
        codes
    }

    /// `source` and `verified_at`.
    pub fn provenance(&mut self) -> Option<Provenance> {
        let source = self.text("source");
        let verified_at = self.date("verified_at");
        Some(Provenance { source: self.texts.get(&source?), verified_at: verified_at? })
    }

    /// `project`, `project_id` and `internal_note`, the fields only promoters read.
    pub fn confidential(&mut self) -> Confidential {
        Confidential { project: self.opt_text("project"), project_id: self.opt_text("project_id"), internal_note: self.opt_text("internal_note") }
    }

    /// District/park/zone references as given.
    pub fn refs(&mut self) -> GivenRefs {
        GivenRefs { district: self.opt_text("district"), park: self.opt_text("park"), zone: self.opt_text("zone") }
    }

    fn admission(&mut self) -> AdmissionStandards {
        let Some(value) = self.present("admission") else {
            self.fail("admission", "required property is missing (use {} for a park without standards)", "缺少必填属性（没有准入标准的园区填 {}）");
            return AdmissionStandards::default();
        };
        self.standards("admission", value).unwrap_or_default()
    }

    /// Admission standards at `key` (`admission`, or `admission_by_category.<code>`), each
    /// indicator checked.
    fn standards(&mut self, key: &str, value: &Value) -> Option<AdmissionStandards> {
        let standards = match serde_json::from_value::<AdmissionStandards>(value.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.fail(key, e.to_string(), plain_reason_zh(&e.to_string()));
                return None;
            }
        };
        for (name, value) in standards.indicators() {
            let ratio = matches!(name, "min_building_coverage" | "max_office_share" | "max_green_ratio");
            match value {
                Some(v) if v < 0.0 || !v.is_finite() => self.fail(&format!("{key}.{name}"), format!("{v} is negative"), format!("{v} 为负数")),
                Some(v) if ratio && v > 1.0 => {
                    self.fail(&format!("{key}.{name}"), format!("{v} is a share and must be between 0 and 1"), format!("{v} 是比例，须在 0 到 1 之间"))
                }
                _ => {}
            }
        }
        Some(standards)
    }

    /// `admission_by_category`: industry (catalogue code, name or alias, stored as the code) →
    /// the standards that differ for it (分行业); absent or null: none.
    fn admission_by_category(&mut self) -> BTreeMap<String, AdmissionStandards> {
        const KEY: &str = "admission_by_category";
        let mut out = BTreeMap::new();
        match self.present(KEY) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, value) in map {
                    let field = format!("{KEY}.{name}");
                    let Some(code) = self.catalogue.lookup(name).map(|e| e.code.clone()) else {
                        self.fail(&field, format!("'{name}' is not in the industry catalogue"), format!("'{name}' 不在产业目录中"));
                        continue;
                    };
                    if out.contains_key(&code) {
                        self.fail(&field, format!("'{name}' names {code} a second time"), format!("'{name}' 再次指向 {code}"));
                        continue;
                    }
                    if let Some(standards) = self.standards(&field, value) {
                        out.insert(code, standards);
                    }
                }
            }
            Some(v) => self.fail(
                KEY,
                format!("expected an object of industry codes and standards, found {}", kind_of(v)),
                format!("应为以产业代码为键、准入标准为值的对象，实为{}", kind_of_zh(v)),
            ),
        }
        out
    }
}

/// A `YYYY-MM-DD` date: the common form read by hand (chrono's format parser showed in the
/// profile of a restart), anything else as chrono reads it.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')));
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

const BIG: f64 = 1e12;

/// Decodes a district.
pub fn district(f: &mut Fields, id: &str, geometry: MultiPolygon) -> Option<District> {
    let adcode = f.opt_text("adcode").unwrap_or_else(|| id.to_string());
    if adcode != id {
        f.fail("adcode", format!("adcode '{adcode}' differs from the feature id '{id}'"), format!("adcode '{adcode}' 与要素 id '{id}' 不一致"));
    }
    let name = f.text("name");
    let industries = f.industries("industries");
    let source = f.opt_text("source").unwrap_or_default();
    let verified_at = f.opt_date("verified_at");
    Some(District { adcode, name: name?, industries, geometry, source, verified_at })
}

/// Decodes a park.
pub fn park(f: &mut Fields, id: &str, geometry: MultiPolygon) -> Option<Park> {
    let name = f.text("name");
    let level = f.parse::<ParkLevel>("level");
    let district = f.text("district");
    let industries = f.industries("industries");
    let admission = f.admission();
    let admission_by_category = f.admission_by_category();
    let admission_source = f.opt_text("admission_source");
    let land_income_2020_wan_per_ha = f.opt_number("land_income_2020_wan_per_ha", 0.0, BIG);
    let industrial_output_2020_wan_per_ha = f.opt_number("industrial_output_2020_wan_per_ha", 0.0, BIG);
    let land_output_source = f.opt_text("land_output_source");
    let figure_given = f.present("land_income_2020_wan_per_ha").is_some() || f.present("industrial_output_2020_wan_per_ha").is_some();
    if figure_given && land_output_source.is_none() {
        f.fail(
            "land_output_source",
            "required with a documented 2020 land figure: name the document, table and lines",
            "给出 2020 年地均产出时必填：注明文件、表格和行",
        );
    }
    let positive_list = f.industries("positive_list");
    let negative_list = f.industries("negative_list");
    let own_office = f.opt_bool("own_office").unwrap_or(false);
    let provenance = f.provenance();
    Some(Park {
        id: id.to_string(),
        name: name?,
        level: level?,
        district: district?,
        industries,
        admission,
        admission_by_category,
        admission_source,
        land_income_2020_wan_per_ha,
        industrial_output_2020_wan_per_ha,
        land_output_source,
        own_office,
        positive_list,
        negative_list,
        geometry,
        provenance: provenance?,
    })
}

/// Decodes a zone (园中园).
pub fn zone(f: &mut Fields, id: &str, geometry: MultiPolygon) -> Option<Zone> {
    let name = f.text("name");
    let park = f.text("park");
    let industries = f.industries("industries");
    let provenance = f.provenance();
    Some(Zone { id: id.to_string(), name: name?, park: park?, industries, geometry, provenance: provenance? })
}

/// A parcel's declared areas, compared with the computed one after decoding.
pub struct DeclaredArea {
    /// `area_m2` as given.
    pub m2: Option<f64>,
    /// `area_mu` as given.
    pub mu: Option<f64>,
}

/// Decodes a parcel; the area and references are filled in by the loader.
pub fn parcel(f: &mut Fields, id: &str, geometry: MultiPolygon, area: SquareMetres) -> Option<(Parcel, GivenRefs, DeclaredArea)> {
    let name = f.text("name");
    let status = f.parse::<SpaceStatus>("status");
    let land_use = f.parse::<LandUse>("land_use");
    let planning = PlanningLimits {
        max_far: f.number("max_far", 0.0, 100.0),
        max_density: f.opt_number("max_density", 0.0, 1.0),
        height_limit_m: f.opt_number("height_limit_m", 0.0, 1000.0),
    };
    let land_price_wan_per_mu = f.opt_number("land_price_wan_per_mu", 0.0, BIG);
    let rent_yuan_m2_day = f.opt_number("rent_yuan_m2_day", 0.0, BIG);
    if f.present("supply_modes").is_none() {
        f.fail("supply_modes", "required property is missing (an array of 出让, 租赁, 先租后让, 弹性年期)", "缺少必填属性（由 出让、租赁、先租后让、弹性年期 组成的数组）");
    }
    let supply_modes = f.parse_list::<SupplyMode>("supply_modes");
    if f.props.get("available_from").is_none() {
        f.fail("available_from", "required property is missing (null means available now)", "缺少必填属性（填 null 表示现在即可供应）");
    }
    let available_from = f.opt_date("available_from");
    let power_kva = f.opt_number("power_kva", 0.0, BIG);
    let declared = DeclaredArea { m2: f.opt_number("area_m2", 0.0, BIG), mu: f.opt_number("area_mu", 0.0, BIG) };
    let refs = f.refs();
    let provenance = f.provenance();
    let confidential = f.confidential();
    let parcel = Parcel {
        id: id.to_string(),
        name: name?,
        status: status?,
        land_use: land_use?,
        area,
        district: String::new(),
        park: None,
        zone: None,
        planning,
        land_price_wan_per_mu,
        rent_yuan_m2_day,
        supply_modes,
        available_from,
        power_kva,
        geometry,
        provenance: provenance?,
        confidential,
        version: 1,
    };
    Some((parcel, refs, declared))
}

/// Decodes a building space; references are filled in by the loader.
pub fn building(f: &mut Fields, id: &str, location: Point, footprint: Option<MultiPolygon>) -> Option<(Building, GivenRefs)> {
    let name = f.text("name");
    let building_type = f.parse::<BuildingType>("building_type");
    let status = f.parse::<SpaceStatus>("status");
    let floors = f.opt_number("floors", 1.0, 200.0).map(|n| n.round() as u32);
    let floor_area_m2 = f.number("floor_area_m2", 0.0, BIG);
    let vacant_area_m2 = f.number("vacant_area_m2", 0.0, BIG);
    if let (Some(total), Some(vacant)) = (floor_area_m2, vacant_area_m2) {
        if vacant > total {
            f.fail("vacant_area_m2", format!("vacant area {vacant} m² exceeds the floor area {total} m²"), format!("空置面积 {vacant} m² 超过建筑面积 {total} m²"));
        }
    }
    let floor_load_kn_m2 = f.opt_number("floor_load_kn_m2", 0.0, 1000.0);
    let clearance_m = f.opt_number("clearance_m", 0.0, 200.0);
    let rent_yuan_m2_day = f.opt_number("rent_yuan_m2_day", 0.0, BIG);
    let industries = f.industries("industries");
    let refs = f.refs();
    let provenance = f.provenance();
    let confidential = f.confidential();
    let building = Building {
        id: id.to_string(),
        name: name?,
        building_type: building_type?,
        status: status?,
        floors,
        floor_area_m2: floor_area_m2?,
        vacant_area_m2: vacant_area_m2?,
        floor_load_kn_m2,
        clearance_m,
        rent_yuan_m2_day,
        industries,
        district: String::new(),
        park: None,
        zone: None,
        location,
        footprint,
        provenance: provenance?,
        confidential,
        version: 1,
    };
    Some((building, refs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_by_hand_agree_with_chrono() {
        let texts = ["2026-03-01", "2024-02-29", "2023-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "2026-3-01", "2026-03-1", "20260301", "2026/03/01", "２０２６-03-01", "2026-03-01 ", "+2026-03-01", "abcd-ef-gh", ""];
        for text in texts {
            assert_eq!(iso_date(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text:?}");
        }
        assert_eq!(iso_date("2026-03-01"), NaiveDate::from_ymd_opt(2026, 3, 1));
    }
}
