//! Coordinate reference systems: naming, parsing, and transformation to and from WGS84.
//!
//! Inside the inventory every coordinate is WGS84 lon/lat. Other systems appear only at the
//! edges: EPSG codes go through PROJ; GCJ-02 and BD-09 through [`crate::geometry::china`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use geo::orient::{Direction, Orient};
use geo::{Coord, MapCoords, MultiPolygon, Point};
use proj::Proj;

use super::china;
use super::GeometryError;

/// The URI this service uses for GCJ-02 (not an EPSG system).
pub const GCJ02_URI: &str = "urn:chanye:def:crs:GCJ-02";
/// The URI this service uses for BD-09 (not an EPSG system).
pub const BD09_URI: &str = "urn:chanye:def:crs:BD-09";
/// OGC's URI for WGS84 lon/lat.
pub const CRS84_URI: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// A coordinate reference system of input or output data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Crs {
    /// WGS84 longitude/latitude, the GeoJSON default.
    Crs84,
    /// An EPSG code (4326, 4490, 4547, 4548, 3857, …); geographic ones in lon/lat order.
    Epsg(u32),
    /// GCJ-02, the offset datum of AMap and Tencent maps (lon/lat).
    Gcj02,
    /// BD-09, Baidu's datum (lon/lat).
    Bd09,
}

impl Crs {
    /// Parses the names users and tools write: `CRS84`, OGC URNs and URIs, `EPSG:4548`,
    /// `gcj02`/`GCJ-02`, `bd09`/`BD-09`, and this service's own URIs.
    ///
    /// ```
    /// use chanye::geometry::Crs;
    /// assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::4548").unwrap(), Crs::Epsg(4548));
    /// assert_eq!(Crs::parse("http://www.opengis.net/def/crs/OGC/1.3/CRS84").unwrap(), Crs::Crs84);
    /// assert_eq!(Crs::parse("GCJ-02").unwrap(), Crs::Gcj02);
    /// assert!(Crs::parse("EPSG:banana").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Crs, GeometryError> {
        let unknown = || GeometryError::UnknownCrs(name.to_string());
        let key = name.trim().to_ascii_lowercase();
        let compact: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        match compact.as_str() {
            "gcj02" | "urnchanyedefcrsgcj02" => return Ok(Crs::Gcj02),
            "bd09" | "urnchanyedefcrsbd09" => return Ok(Crs::Bd09),
            "crs84" | "wgs84" => return Ok(Crs::Crs84),
            _ => {}
        }
        if key.ends_with("crs84") && (key.starts_with("urn:ogc:def:crs:ogc") || key.starts_with("http://www.opengis.net/def/crs/ogc")) {
            return Ok(Crs::Crs84);
        }
        let code = if let Some(rest) = key.strip_prefix("epsg:") {
            rest
        } else if let Some(rest) = key.strip_prefix("urn:ogc:def:crs:epsg:") {
            rest.rsplit(':').next().unwrap_or("")
        } else if let Some(rest) = key.strip_prefix("http://www.opengis.net/def/crs/epsg/") {
            rest.rsplit('/').next().unwrap_or("")
        } else {
            return Err(unknown());
        };
        code.parse::<u32>().map(Crs::Epsg).map_err(|_| unknown())
    }

    /// The canonical URI (OGC form for EPSG codes and CRS84).
    pub fn uri(&self) -> String {
        match self {
            Crs::Crs84 => CRS84_URI.to_string(),
            Crs::Epsg(code) => format!("http://www.opengis.net/def/crs/EPSG/0/{code}"),
            Crs::Gcj02 => GCJ02_URI.to_string(),
            Crs::Bd09 => BD09_URI.to_string(),
        }
    }

    /// Whether coordinates are longitude/latitude degrees (so range checks apply on input).
    pub fn is_geographic(&self) -> bool {
        matches!(self, Crs::Crs84 | Crs::Gcj02 | Crs::Bd09 | Crs::Epsg(4326 | 4490))
    }

    /// Whether the CRS's first axis is northward (latitude or northing), so that coordinates
    /// in its authority's order are written y before x. True for EPSG:4326 and 4490 (latitude
    /// first) and the CGCS2000 Gauss-Krüger systems EPSG:4491–4554 (northing first).
    pub fn north_first(&self) -> bool {
        matches!(self, Crs::Epsg(4326 | 4490 | 4491..=4554))
    }

    /// This thread's transformer for this CRS, built once per thread: building a PROJ
    /// pipeline costs milliseconds, and PROJ handles cannot move between threads.
    pub fn thread_transformer(&self) -> Result<Rc<dyn CrsTransformer>, GeometryError> {
        thread_local! {
            static CACHE: RefCell<HashMap<Crs, Rc<dyn CrsTransformer>>> = RefCell::new(HashMap::new());
        }
        CACHE.with(|cache| {
            if let Some(t) = cache.borrow().get(self) {
                return Ok(t.clone());
            }
            let t: Rc<dyn CrsTransformer> = Rc::from(self.transformer()?);
            cache.borrow_mut().insert(*self, t.clone());
            Ok(t)
        })
    }

    /// Builds a transformer between this CRS and WGS84.
    pub fn transformer(&self) -> Result<Box<dyn CrsTransformer>, GeometryError> {
        Ok(match self {
            Crs::Crs84 | Crs::Epsg(4326) => Box::new(Wgs84),
            Crs::Gcj02 => Box::new(Gcj02),
            Crs::Bd09 => Box::new(Bd09),
            Crs::Epsg(code) => Box::new(ProjTransformer::new(*code)?),
        })
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Crs84 => f.write_str("CRS84"),
            Crs::Epsg(code) => write!(f, "EPSG:{code}"),
            Crs::Gcj02 => f.write_str("GCJ-02"),
            Crs::Bd09 => f.write_str("BD-09"),
        }
    }
}

/// Applies `f` to every position (an array of at least two numbers) of GeoJSON geometry
/// coordinates, in place; the third and further numbers are kept.
pub fn map_geojson_positions(value: &mut serde_json::Value, f: &dyn Fn(Coord) -> Coord) {
    let serde_json::Value::Array(items) = value else { return };
    if let [serde_json::Value::Number(x), serde_json::Value::Number(y), ..] = items.as_slice() {
        if let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) {
            let c = f(Coord { x, y });
            // non-finite results cannot be written as JSON numbers: the position stays as it was
            if let (Some(x), Some(y)) = (serde_json::Number::from_f64(c.x), serde_json::Number::from_f64(c.y)) {
                items[0] = serde_json::Value::Number(x);
                items[1] = serde_json::Value::Number(y);
            }
            return;
        }
    }
    for item in items {
        map_geojson_positions(item, f);
    }
}

/// Maps coordinates between one CRS and WGS84 lon/lat.
pub trait CrsTransformer {
    /// From this CRS to WGS84.
    fn to_wgs84(&self, c: Coord) -> Result<Coord, GeometryError>;
    /// From WGS84 to this CRS.
    // the pair reads as directions (to/from WGS84), not as a constructor
    #[allow(clippy::wrong_self_convention)]
    fn from_wgs84(&self, c: Coord) -> Result<Coord, GeometryError>;

    /// Transforms every coordinate of a multipolygon to WGS84, wound as RFC 7946 asks: exterior
    /// rings counter-clockwise, holes clockwise. Every area enters the inventory here, so every
    /// output written from it is wound so.
    fn multipolygon_to_wgs84(&self, mp: &MultiPolygon) -> Result<MultiPolygon, GeometryError> {
        mp.try_map_coords(|c| self.to_wgs84(c)).map(|wgs| wgs.orient(Direction::Default))
    }

    /// Transforms every coordinate of a multipolygon from WGS84.
    fn multipolygon_from_wgs84(&self, mp: &MultiPolygon) -> Result<MultiPolygon, GeometryError> {
        mp.try_map_coords(|c| self.from_wgs84(c))
    }

    /// Transforms a point to WGS84.
    fn point_to_wgs84(&self, p: Point) -> Result<Point, GeometryError> {
        self.to_wgs84(p.0).map(Point)
    }
}

struct Wgs84;

impl CrsTransformer for Wgs84 {
    fn to_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(c)
    }
    fn from_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(c)
    }
}

struct Gcj02;

impl CrsTransformer for Gcj02 {
    fn to_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(china::gcj02_to_wgs84(c))
    }
    fn from_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(china::wgs84_to_gcj02(c))
    }
}

struct Bd09;

impl CrsTransformer for Bd09 {
    fn to_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(china::bd09_to_wgs84(c))
    }
    fn from_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Ok(china::wgs84_to_bd09(c))
    }
}

/// A PROJ pipeline both ways, normalised to lon/lat and easting/northing axis order.
/// PROJ handles are not `Send`: build one per thread.
pub struct ProjTransformer {
    forward: Proj,
    inverse: Proj,
}

impl ProjTransformer {
    /// Builds the pipelines EPSG:`code` ⇄ EPSG:4326.
    pub fn new(code: u32) -> Result<ProjTransformer, GeometryError> {
        let from = format!("EPSG:{code}");
        let build = |a: &str, b: &str| {
            Proj::new_known_crs(a, b, None)
                .map_err(|e| GeometryError::Proj { crs: from.clone(), reason: e.to_string() })
        };
        Ok(ProjTransformer { forward: build(&from, "EPSG:4326")?, inverse: build("EPSG:4326", &from)? })
    }

    fn run(proj: &Proj, c: Coord) -> Result<Coord, GeometryError> {
        let failed = |reason: String| GeometryError::Transform { x: c.x, y: c.y, reason };
        let (x, y) = proj.convert((c.x, c.y)).map_err(|e| failed(e.to_string()))?;
        if x.is_finite() && y.is_finite() {
            Ok(Coord { x, y })
        } else {
            Err(failed("PROJ returned a non-finite result".into()))
        }
    }
}

impl CrsTransformer for ProjTransformer {
    fn to_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Self::run(&self.forward, c)
    }
    fn from_wgs84(&self, c: Coord) -> Result<Coord, GeometryError> {
        Self::run(&self.inverse, c)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn parses_the_usual_spellings() {
        for (name, crs) in [
            ("CRS84", Crs::Crs84),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Crs84),
            ("urn:ogc:def:crs:OGC::CRS84", Crs::Crs84),
            ("EPSG:4326", Crs::Epsg(4326)),
            ("urn:ogc:def:crs:EPSG::4490", Crs::Epsg(4490)),
            ("http://www.opengis.net/def/crs/EPSG/0/3857", Crs::Epsg(3857)),
            ("gcj02", Crs::Gcj02),
            (GCJ02_URI, Crs::Gcj02),
            ("BD-09", Crs::Bd09),
        ] {
            assert_eq!(Crs::parse(name).unwrap(), crs, "{name}");
            assert_eq!(Crs::parse(&crs.uri()).unwrap(), crs);
        }
        assert!(matches!(Crs::parse("mars"), Err(GeometryError::UnknownCrs(_))));
    }

    #[test]
    fn proj_maps_wgs84_to_cgcs2000_gauss_kruger() {
        // the value PROJ 9.1 gives for lon 116.8, lat 40 in EPSG:4548 (CM 117°E)
        let t = Crs::Epsg(4548).transformer().unwrap();
        let gk = t.from_wgs84(Coord { x: 116.8, y: 40.0 }).unwrap();
        assert!((gk.x - 482_921.223).abs() < 0.01 && (gk.y - 4_429_548.191).abs() < 0.01, "{gk:?}");
        let back = t.to_wgs84(gk).unwrap();
        assert!((back.x - 116.8).abs() < 1e-9 && (back.y - 40.0).abs() < 1e-9);
    }

    #[test]
    fn axis_order_follows_the_authority() {
        assert!(Crs::Epsg(4326).north_first() && Crs::Epsg(4548).north_first() && Crs::Epsg(4547).north_first());
        assert!(!Crs::Crs84.north_first() && !Crs::Epsg(3857).north_first() && !Crs::Gcj02.north_first());
    }

    #[test]
    fn unknown_epsg_code_is_an_error() {
        assert!(matches!(Crs::Epsg(999_999).transformer(), Err(GeometryError::Proj { .. })));
    }
}
