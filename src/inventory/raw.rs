//! Reading a GeoJSON FeatureCollection feature by feature, so that one malformed feature is
//! reported with its index and id instead of failing the whole file.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::geometry::validate::{GeometryProblem, Malformation, RawPolygon};
use crate::geometry::Crs;
use crate::error::plain_reason_zh;

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(borrow)]
    features: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(default)]
    geometry: Option<RawGeometry>,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: Option<Box<RawValue>>,
}

/// A geometry's coordinates, parsed by type but not yet checked.
#[derive(Debug)]
pub enum RawShape {
    /// A Polygon (one part) or MultiPolygon.
    Polygons(Vec<RawPolygon>),
    /// A Point.
    Point(Vec<f64>),
}

/// One feature as read, before its properties are decoded.
#[derive(Debug)]
pub struct ParsedFeature {
    /// Position in the file.
    pub index: usize,
    /// The feature id (`id` member, else `properties.id`).
    pub id: Option<String>,
    /// The properties.
    pub properties: Map<String, Value>,
    /// The geometry, or why it could not be read.
    pub shape: Result<RawShape, GeometryProblem>,
}

/// A feature that could not be read at all, or whose ids disagree.
#[derive(Debug)]
pub struct UnreadableFeature {
    /// Position in the file.
    pub index: usize,
    /// The id, if one could be found.
    pub id: Option<String>,
    /// The field to blame.
    pub field: &'static str,
    /// Why.
    pub reason: String,
    /// Why, in Chinese.
    pub reason_zh: String,
}

/// Why a whole file cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    /// Why.
    pub reason: String,
    /// Why, in Chinese.
    pub reason_zh: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A collection as read: its CRS and each feature's JSON text, to be read one by one
/// (and in parallel) with [`parse_feature`].
#[derive(Debug)]
pub struct ParsedCollection<'a> {
    /// The CRS declared by the file's `crs` member (CRS84 when absent).
    pub crs: Crs,
    /// Each feature's JSON, in file order.
    pub features: Vec<&'a RawValue>,
}

/// An id as text: a non-blank string (trimmed) or a number.
pub(crate) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the `crs` member: the 2008 GeoJSON form `{"type":"name","properties":{"name":…}}`
/// or a plain string.
fn declared_crs(crs: Option<&Value>) -> Result<Crs, Unreadable> {
    let name = match crs {
        None | Some(Value::Null) => return Ok(Crs::Crs84),
        Some(Value::String(s)) => s.as_str(),
        Some(v) => v
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .ok_or_else(|| Unreadable {
                reason: "crs must be a name string or {\"type\":\"name\",\"properties\":{\"name\":…}}".into(),
                reason_zh: "crs 须为坐标系名称字符串，或 {\"type\":\"name\",\"properties\":{\"name\":…}}".into(),
            })?,
    };
    Crs::parse(name).map_err(|e| Unreadable { reason: e.to_string(), reason_zh: e.zh() })
}

fn parse_shape(g: &RawGeometry) -> Result<RawShape, GeometryProblem> {
    if !matches!(g.kind.as_str(), "Polygon" | "MultiPolygon" | "Point") {
        return Err(GeometryProblem::WrongType { found: g.kind.clone(), expected: "Point, Polygon or MultiPolygon" });
    }
    let Some(coords) = &g.coordinates else {
        return Err(GeometryProblem::Malformed(Malformation::NoCoordinates { kind: g.kind.clone() }));
    };
    let malformed = |e: serde_json::Error| GeometryProblem::Malformed(Malformation::Nesting { kind: g.kind.clone(), reason: e.to_string() });
    match g.kind.as_str() {
        "Polygon" => serde_json::from_str::<RawPolygon>(coords.get()).map(|p| RawShape::Polygons(vec![p])).map_err(malformed),
        "MultiPolygon" => serde_json::from_str::<Vec<RawPolygon>>(coords.get()).map(RawShape::Polygons).map_err(malformed),
        "Point" => serde_json::from_str::<Vec<f64>>(coords.get()).map(RawShape::Point).map_err(malformed),
        other => Err(GeometryProblem::WrongType { found: other.to_string(), expected: "Point, Polygon or MultiPolygon" }),
    }
}

/// Reads a GeoJSON geometry object given as a JSON value, or as its text as GDAL writes JSON
/// fields (a building's `footprint`).
pub fn parse_geometry(value: &Value) -> Result<RawShape, Vec<GeometryProblem>> {
    let written;
    let text = match value {
        Value::String(text) => text.as_str(),
        other => {
            written = other.to_string();
            &written
        }
    };
    let raw: RawGeometry = serde_json::from_str(text)
        .map_err(|_| vec![GeometryProblem::Malformed(Malformation::NotAnArea)])?;
    match parse_shape(&raw) {
        Ok(RawShape::Point(_)) => Err(vec![GeometryProblem::WrongType { found: "Point".into(), expected: "Polygon or MultiPolygon" }]),
        other => other.map_err(|p| vec![p]),
    }
}

/// Splits a FeatureCollection into its features. `Err` is a problem with the whole file.
pub fn parse_collection(text: &str) -> Result<ParsedCollection<'_>, Unreadable> {
    let collection: RawCollection = serde_json::from_str(text).map_err(|e| Unreadable {
        reason: format!("not a GeoJSON FeatureCollection: {e}"),
        reason_zh: format!("不是 GeoJSON 要素集（FeatureCollection）：{}", plain_reason_zh(&e.to_string())),
    })?;
    if collection.kind != "FeatureCollection" {
        return Err(Unreadable {
            reason: format!("type is '{}', expected 'FeatureCollection'", collection.kind),
            reason_zh: format!("type 为 '{}'，应为 'FeatureCollection'", collection.kind),
        });
    }
    let crs = declared_crs(collection.crs.as_ref())?;
    Ok(ParsedCollection { crs, features: collection.features })
}

/// Reads the feature at `index` of a collection.
pub fn parse_feature(index: usize, raw: &RawValue) -> Result<ParsedFeature, UnreadableFeature> {
    match serde_json::from_str::<RawFeature>(raw.get()) {
        Ok(f) if f.kind != "Feature" => Err(UnreadableFeature {
            index,
            id: f.id.as_ref().and_then(id_text),
            field: "type",
            reason: format!("type is '{}', expected 'Feature'", f.kind),
            reason_zh: format!("type 为 '{}'，应为 'Feature'", f.kind),
        }),
        Ok(f) => {
            let properties = f.properties.unwrap_or_default();
            let member = f.id.as_ref().and_then(id_text);
            let property = properties.get("id").and_then(id_text);
            if let (Some(a), Some(b)) = (&member, &property) {
                if a != b {
                    return Err(UnreadableFeature {
                        index,
                        id: Some(a.clone()),
                        field: "id",
                        reason: format!("feature id '{a}' differs from properties.id '{b}'"),
                        reason_zh: format!("要素 id '{a}' 与 properties.id '{b}' 不一致"),
                    });
                }
            }
            let shape = match &f.geometry {
                None => Err(GeometryProblem::Missing),
                Some(g) => parse_shape(g),
            };
            Ok(ParsedFeature { index, id: member.or(property), properties, shape })
        }
        Err(e) => {
            let id = serde_json::from_str::<Value>(raw.get())
                .ok()
                .and_then(|v| v.get("id").or_else(|| v.pointer("/properties/id")).and_then(id_text));
            Err(UnreadableFeature {
                index,
                id,
                field: "feature",
                reason: format!("not a GeoJSON Feature: {e}"),
                reason_zh: format!("不是 GeoJSON 要素（Feature）：{}", plain_reason_zh(&e.to_string())),
            })
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn all(text: &str) -> (Crs, Vec<Result<ParsedFeature, UnreadableFeature>>) {
        let parsed = parse_collection(text).unwrap();
        (parsed.crs, parsed.features.iter().enumerate().map(|(i, raw)| parse_feature(i, raw)).collect())
    }

    #[test]
    fn one_bad_feature_does_not_hide_the_others() {
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},
          "features":[
            {"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},
            {"type":"Feature","id":"b","properties":{},"geometry":{"type":"Polygon","coordinates":"oops"}},
            {"type":"Feature","id":7,"properties":{"id":"8"},"geometry":null},
            {"type":"Feature","properties":{"id":"d"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
            {"type":"Feature","id":"e","properties":[],"geometry":null}
          ]}"#;
        let (crs, features) = all(text);
        assert_eq!(crs, Crs::Epsg(4548));
        assert!(matches!(features[0], Ok(ParsedFeature { shape: Ok(RawShape::Point(_)), .. })));
        assert!(matches!(features[1], Ok(ParsedFeature { shape: Err(GeometryProblem::Malformed(_)), .. })));
        let mismatch = features[2].as_ref().unwrap_err();
        assert_eq!((mismatch.id.as_deref(), mismatch.field), (Some("7"), "id"));
        let line = features[3].as_ref().unwrap();
        assert_eq!(line.id.as_deref(), Some("d"));
        assert!(matches!(line.shape, Err(GeometryProblem::WrongType { .. })));
        let unreadable = features[4].as_ref().unwrap_err();
        assert_eq!((unreadable.id.as_deref(), unreadable.field), (Some("e"), "feature"));
    }

    #[test]
    fn whole_file_problems() {
        assert!(parse_collection("[]").is_err());
        let wrong = parse_collection(r#"{"type":"Feature","features":[]}"#).unwrap_err();
        assert_eq!((wrong.reason.as_str(), wrong.reason_zh.as_str()), ("type is 'Feature', expected 'FeatureCollection'", "type 为 'Feature'，应为 'FeatureCollection'"));
        assert!(parse_collection(r#"{"type":"FeatureCollection","crs":"EPSG:xyz","features":[]}"#).is_err());
        assert_eq!(parse_collection(r#"{"type":"FeatureCollection","crs":"gcj02","features":[]}"#).unwrap().crs, Crs::Gcj02);
    }
}
