//! GeoJSON output of features in a requested CRS, written straight into a byte buffer: a
//! page of 100 parcels is the API's hottest read, so no intermediate JSON tree is built.

use std::io::Write as _;
use std::rc::Rc;

use geo::{Coord, LineString, MultiPolygon};

use super::FeaturesError;
use crate::geometry::{Crs, CrsTransformer};
use crate::inventory::export::{ConfidentialProperties, Exported, FOOTPRINT};
use crate::model::Confidential;
use crate::model::Audience;
use crate::inventory::Shape;

/// How coordinates are written: the CRS, its axis order and precision.
pub struct Output {
    /// The CRS written.
    pub crs: Crs,
    /// Who reads: promoters and up also get the confidential properties of their scope.
    pub audience: Audience,
    /// Only these properties (`properties`); `None` writes all.
    pub properties: Option<Vec<String>>,
    /// Write a null geometry (`skipGeometry`).
    pub skip_geometry: bool,
    transformer: Option<Rc<dyn CrsTransformer>>,
    north_first: bool,
    scale: f64,
}

impl Output {
    /// Output in `crs`: degrees to 7 decimals (about 1 cm), metres to 3 (1 mm). Not `Send`:
    /// PROJ handles stay on the thread that made them.
    pub fn new(crs: Crs) -> Result<Output, FeaturesError> {
        let transformer = match crs {
            Crs::Crs84 | Crs::Epsg(4326) => None,
            other => Some(other.thread_transformer().map_err(|e| FeaturesError::parameter("crs", e.to_string(), e.zh()))?),
        };
        let scale = if crs.is_geographic() { 1e7 } else { 1e3 };
        Ok(Output { crs, audience: Audience::public(), properties: None, skip_geometry: false, transformer, north_first: crs.north_first(), scale })
    }

    /// This output limited to `properties` (all when `None`), with or without geometry.
    pub fn with_fields(mut self, properties: Option<Vec<String>>, skip_geometry: bool) -> Output {
        self.properties = properties;
        self.skip_geometry = skip_geometry;
        self
    }

    /// This output for `audience`.
    pub fn for_audience(mut self, audience: Audience) -> Output {
        self.audience = audience;
        self
    }

    /// One WGS84 coordinate in this output's CRS and axis order.
    pub fn map(&self, c: Coord) -> Result<Coord, FeaturesError> {
        let c = self.map_xy(c)?;
        Ok(if self.north_first { Coord { x: c.y, y: c.x } } else { c })
    }

    /// One WGS84 coordinate in this output's CRS, east (x) first whatever the axis order.
    pub fn map_xy(&self, c: Coord) -> Result<Coord, FeaturesError> {
        match &self.transformer {
            Some(t) => t.from_wgs84(c).map_err(|e| {
                FeaturesError::parameter(
                    "crs",
                    format!("a coordinate cannot be written in {}: {e}", self.crs),
                    format!("无法以 {} 写出坐标：{}", self.crs, e.zh()),
                )
            }),
            None => Ok(c),
        }
    }

    /// Rounds a coordinate value to this output's precision.
    pub fn round(&self, v: f64) -> f64 {
        (v * self.scale).round() / self.scale
    }

    fn write_coord(&self, out: &mut Vec<u8>, c: Coord) -> Result<(), FeaturesError> {
        let c = self.map(c)?;
        let round = |v: f64| (v * self.scale).round() / self.scale;
        // writing to a Vec cannot fail
        let _ = write!(out, "[{},{}]", round(c.x), round(c.y));
        Ok(())
    }

    fn write_ring(&self, out: &mut Vec<u8>, ring: &LineString) -> Result<(), FeaturesError> {
        out.push(b'[');
        for (i, c) in ring.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.write_coord(out, *c)?;
        }
        out.push(b']');
        Ok(())
    }

    fn write_polygon(&self, out: &mut Vec<u8>, polygon: &geo::Polygon) -> Result<(), FeaturesError> {
        out.push(b'[');
        self.write_ring(out, polygon.exterior())?;
        for hole in polygon.interiors() {
            out.push(b',');
            self.write_ring(out, hole)?;
        }
        out.push(b']');
        Ok(())
    }

    fn write_area(&self, out: &mut Vec<u8>, area: &MultiPolygon) -> Result<(), FeaturesError> {
        // always MultiPolygon, as `inventory::export::area_geometry` explains
        out.extend_from_slice(br#"{"type":"MultiPolygon","coordinates":["#);
        for (i, polygon) in area.0.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.write_polygon(out, polygon)?;
        }
        out.extend_from_slice(b"]}");
        Ok(())
    }

    /// Writes a geometry object.
    pub fn write_shape(&self, out: &mut Vec<u8>, shape: &Shape) -> Result<(), FeaturesError> {
        match shape {
            Shape::Area(a) => self.write_area(out, a),
            Shape::Point(p) => {
                out.extend_from_slice(br#"{"type":"Point","coordinates":"#);
                self.write_coord(out, p.0)?;
                out.push(b'}');
                Ok(())
            }
        }
    }

    /// The shape as WKT (`POLYGON`, `MULTIPOLYGON` or `POINT`), for CSV and spreadsheets.
    pub fn wkt(&self, shape: &Shape) -> Result<String, FeaturesError> {
        use std::fmt::Write as _;
        let mut out = String::new();
        let round = |v: f64| (v * self.scale).round() / self.scale;
        let ring = |out: &mut String, ring: &LineString| -> Result<(), FeaturesError> {
            out.push('(');
            for (i, c) in ring.0.iter().enumerate() {
                let c = self.map(*c)?;
                let _ = write!(out, "{}{} {}", if i > 0 { ", " } else { "" }, round(c.x), round(c.y));
            }
            out.push(')');
            Ok(())
        };
        let polygon = |out: &mut String, p: &geo::Polygon| -> Result<(), FeaturesError> {
            out.push('(');
            ring(out, p.exterior())?;
            for hole in p.interiors() {
                out.push_str(", ");
                ring(out, hole)?;
            }
            out.push(')');
            Ok(())
        };
        match shape {
            Shape::Point(p) => {
                let c = self.map(p.0)?;
                let _ = write!(out, "POINT ({} {})", round(c.x), round(c.y));
            }
            Shape::Area(a) if a.0.len() == 1 => {
                out.push_str("POLYGON ");
                polygon(&mut out, &a.0[0])?;
            }
            Shape::Area(a) => {
                out.push_str("MULTIPOLYGON (");
                for (i, p) in a.0.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    polygon(&mut out, p)?;
                }
                out.push(')');
            }
        }
        Ok(out)
    }

    /// Writes one feature; `links`, when given, is a JSON array written as its `links` member.
    pub fn write_feature<T: Exported>(&self, out: &mut Vec<u8>, item: &T, links: Option<&serde_json::Value>) -> Result<(), FeaturesError> {
        out.extend_from_slice(br#"{"type":"Feature","id":"#);
        serde_json::to_writer(&mut *out, item.id()).map_err(FeaturesError::json)?;
        out.extend_from_slice(br#","geometry":"#);
        if self.skip_geometry {
            out.extend_from_slice(b"null");
        } else {
            self.write_shape(out, &item.written_shape())?;
        }
        out.extend_from_slice(br#","properties":"#);
        let confidential = item.confidential().filter(|c| !c.is_empty() && item.place().is_some_and(|place| self.audience.reads_confidential(place)));
        match &self.properties {
            Some(names) => self.write_some_properties(out, item, confidential, names)?,
            None => {
                match confidential {
                    Some(c) => {
                        let both = WithConfidential { public: item.properties(), confidential: ConfidentialProperties::from(c) };
                        serde_json::to_writer(&mut *out, &both).map_err(FeaturesError::json)?;
                    }
                    None => serde_json::to_writer(&mut *out, &item.properties()).map_err(FeaturesError::json)?,
                }
                if let Some(footprint) = item.footprint() {
                    // the properties object is never empty: its closing brace gives way to the
                    // footprint, written in the output CRS like the geometry
                    out.pop();
                    out.extend_from_slice(b",\"footprint\":");
                    self.write_footprint(out, footprint)?;
                    out.push(b'}');
                }
            }
        }
        if let Some(links) = links {
            out.extend_from_slice(br#","links":"#);
            serde_json::to_writer(&mut *out, links).map_err(FeaturesError::json)?;
        }
        out.push(b'}');
        Ok(())
    }

    fn write_footprint(&self, out: &mut Vec<u8>, footprint: Option<&MultiPolygon>) -> Result<(), FeaturesError> {
        match footprint {
            Some(area) => self.write_shape(out, &Shape::Area(area)),
            None => {
                out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    /// The properties `names` lists, in its order; a confidential one only for promoters.
    fn write_some_properties<T: Exported>(&self, out: &mut Vec<u8>, item: &T, confidential: Option<&Confidential>, names: &[String]) -> Result<(), FeaturesError> {
        let public = serde_json::to_value(item.properties()).map_err(FeaturesError::json)?;
        let secret = confidential.map(|c| serde_json::to_value(ConfidentialProperties::from(c))).transpose().map_err(FeaturesError::json)?;
        out.push(b'{');
        let mut first = true;
        for name in names {
            let mut separator = |out: &mut Vec<u8>| -> Result<(), FeaturesError> {
                if !std::mem::take(&mut first) {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, name).map_err(FeaturesError::json)?;
                out.push(b':');
                Ok(())
            };
            if name == FOOTPRINT {
                if let Some(footprint) = item.footprint() {
                    separator(out)?;
                    self.write_footprint(out, footprint)?;
                }
                continue;
            }
            if let Some(value) = public.get(name).or_else(|| secret.as_ref().and_then(|s| s.get(name))) {
                separator(out)?;
                serde_json::to_writer(&mut *out, value).map_err(FeaturesError::json)?;
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// Public and confidential properties in one object.
#[derive(serde::Serialize)]
struct WithConfidential<P, C> {
    #[serde(flatten)]
    public: P,
    #[serde(flatten)]
    confidential: C,
}

/// Writes a FeatureCollection of `items`, followed by the members of `tail` (an object
/// holding numberMatched, links and so on).
pub fn write_collection<'a, T: Exported + 'a>(
    output: &Output,
    items: impl IntoIterator<Item = &'a T>,
    tail: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<u8>, FeaturesError> {
    let mut out = Vec::with_capacity(16 * 1024);
    out.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        output.write_feature(&mut out, item, None)?;
    }
    out.push(b']');
    for (key, value) in tail {
        out.push(b',');
        serde_json::to_writer(&mut out, key).map_err(FeaturesError::json)?;
        out.push(b':');
        serde_json::to_writer(&mut out, value).map_err(FeaturesError::json)?;
    }
    out.push(b'}');
    Ok(out)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::inventory::{load_dir_strict, Feature};

    #[test]
    fn pages_are_geojson_with_the_exported_properties() {
        let s = load_dir_strict(std::path::Path::new("geodata")).unwrap().snapshot;
        let items: Vec<&crate::model::Parcel> = s.parcels.items().iter().take(3).map(|p| &**p).collect();
        let mut tail = serde_json::Map::new();
        tail.insert("numberReturned".into(), serde_json::json!(3));
        let bytes = write_collection(&Output::new(Crs::Crs84).unwrap(), items.iter().copied(), &tail).unwrap();
        let fc: geojson::FeatureCollection = serde_json::from_slice(&bytes).expect("valid GeoJSON");
        assert_eq!(fc.features.len(), 3);
        assert_eq!(fc.foreign_members.unwrap()["numberReturned"], 3);
        let expected = items[0].to_feature();
        assert_eq!(fc.features[0].properties, Some(items[0].public_properties()));
        assert_eq!(fc.features[0].geometry, expected.geometry);
    }

    #[test]
    fn latitude_first_systems_swap_the_axes() {
        let s = load_dir_strict(std::path::Path::new("geodata")).unwrap().snapshot;
        let parcel = &s.parcels.items()[0];
        let write = |crs| {
            let mut out = Vec::new();
            Output::new(crs).unwrap().write_shape(&mut out, &parcel.shape()).unwrap();
            let g: geojson::Geometry = serde_json::from_slice(&out).unwrap();
            let geojson::GeometryValue::MultiPolygon { coordinates } = g.value else { panic!("a multipolygon") };
            coordinates[0][0][0].clone()
        };
        let lon_lat = write(Crs::Crs84);
        let lat_lon = write(Crs::Epsg(4326));
        assert_eq!((lon_lat[0], lon_lat[1]), (lat_lon[1], lat_lon[0]));
        let gk = write(Crs::Epsg(4548));
        // northing (about 4.4e6 m in Beijing) first, then the easting with its false 500 km
        assert!(gk[0] > 4.0e6 && gk[1] > 3.0e5 && gk[1] < 7.0e5, "{gk:?}");
    }
}
