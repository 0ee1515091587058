//! Positions in a row: a coordinate system by the names district offices use, lon/lat (or
//! easting/northing) columns and WKT outlines, converted to WGS84 and checked to lie in Beijing.

use geo::orient::{Direction, Orient};
use geo::{Coord, CoordsIter, Geometry, MapCoords, MultiPolygon};
use geozero::wkt::Wkt;
use geozero::ToGeo;

use super::columns::fold;
use super::values::Bad;
use crate::geometry::{Crs, CrsTransformer, GeometryError};

/// The coordinate systems the template's drop-down offers, with what the 说明 sheet says.
pub(crate) const CRS_CHOICES: &[(&str, &str, &str)] = &[
    ("WGS84", "GPS、天地图、国外地图、GIS 软件的经纬度（默认）", "GPS, Tianditu and GIS lon/lat (the default)"),
    ("GCJ-02", "高德、腾讯地图拾取的经纬度（也可写 高德、火星）", "lon/lat picked on AMap or Tencent maps (also 高德, 火星)"),
    ("BD-09", "百度地图拾取的经纬度（也可写 百度）", "lon/lat picked on Baidu maps (also 百度)"),
    ("CGCS2000", "2000 国家大地坐标系经纬度，EPSG:4490（也可写 国家2000）", "CGCS2000 lon/lat, EPSG:4490 (also 国家2000)"),
    ("EPSG:4547", "CGCS2000 3 度带中央经线 114°（北京西部），东坐标、北坐标（米）", "CGCS2000 3-degree Gauss-Krüger, central meridian 114°E: easting, northing in metres"),
    ("EPSG:4548", "CGCS2000 3 度带中央经线 117°（北京大部），东坐标、北坐标（米）", "CGCS2000 3-degree Gauss-Krüger, central meridian 117°E: easting, northing in metres"),
];

/// Names of coordinate systems, folded and without separators, as district lists write them.
const CRS_NAMES: &[(&str, Crs)] = &[
    ("wgs84", Crs::Crs84),
    ("gps", Crs::Crs84),
    ("4326", Crs::Crs84),
    ("gcj02", Crs::Gcj02),
    ("高德", Crs::Gcj02),
    ("火星", Crs::Gcj02),
    ("火星坐标", Crs::Gcj02),
    ("腾讯", Crs::Gcj02),
    ("国测局", Crs::Gcj02),
    ("bd09", Crs::Bd09),
    ("百度", Crs::Bd09),
    ("cgcs2000", Crs::Epsg(4490)),
    ("国家2000", Crs::Epsg(4490)),
    ("2000国家大地坐标系", Crs::Epsg(4490)),
    ("4490", Crs::Epsg(4490)),
    ("4547", Crs::Epsg(4547)),
    ("4548", Crs::Epsg(4548)),
];

/// A coordinate system by name: those of [`CRS_NAMES`] (words in brackets after one are
/// dropped: `GCJ-02（高德）`), else whatever [`Crs::parse`] reads (`EPSG:4548`, OGC URNs).
pub(crate) fn parse_crs(text: &str) -> Result<Crs, Bad> {
    let folded = fold(text);
    let before_note = folded.split(['(', '（']).next().unwrap_or_default();
    let compact: String = before_note.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | ':' | '.')).collect();
    let compact = compact.strip_prefix("epsg").unwrap_or(&compact);
    if let Some((_, crs)) = CRS_NAMES.iter().find(|(name, _)| *name == compact) {
        return Ok(*crs);
    }
    Crs::parse(text.trim()).map_err(|_| {
        let names: Vec<&str> = CRS_CHOICES.iter().map(|(name, _, _)| *name).collect();
        Bad::new(
            format!("'{}' is not a coordinate system this import knows ({}, or EPSG:<code>)", text.trim(), names.join(", ")),
            format!("'{}' 不是可用的坐标系（可用：{}，或 EPSG:<代码>；也可写 高德、百度、国家2000）", text.trim(), names.join("、")),
        )
    })
}

/// Beijing's rough extent, lon/lat: a position outside it was given in another CRS than said.
const BEIJING_LON: std::ops::RangeInclusive<f64> = 115.3..=117.6;
/// Beijing's rough extent in latitude.
const BEIJING_LAT: std::ops::RangeInclusive<f64> = 39.3..=41.1;

fn in_beijing(c: Coord) -> bool {
    BEIJING_LON.contains(&c.x) && BEIJING_LAT.contains(&c.y)
}

/// The zone number of a CGCS2000 3-degree Gauss-Krüger system without zone prefix
/// (EPSG:4534–4554, central meridians 75°–135°E: zone 25–45), written before an easting by
/// surveyors (39 482 921 m for 482 921 m in zone 39).
fn gauss_kruger_zone(crs: Crs) -> Option<u32> {
    match crs {
        Crs::Epsg(code @ 4534..=4554) => Some(code - 4509),
        _ => None,
    }
}

/// Easting and northing from a projected pair in either order. Chinese surveying calls the
/// northing X, so both orders occur; in Beijing a northing (about 4.4 million m) is always
/// the one between 1 and 10 million, an easting below 1 million, or with its zone prefix above
/// 10 million (removed when it is this CRS's zone).
fn easting_northing(crs: Crs, c: Coord) -> Coord {
    let is_northing = |v: f64| (1e6..1e7).contains(&v);
    let (mut e, n) = if is_northing(c.x) && !is_northing(c.y) { (c.y, c.x) } else { (c.x, c.y) };
    if let Some(zone) = gauss_kruger_zone(crs) {
        if (1e7..1e8).contains(&e) && (e / 1e6).floor() as u32 == zone {
            e -= f64::from(zone) * 1e6;
        }
    }
    Coord { x: e, y: n }
}

/// A position as given, to WGS84: projected pairs in either order (see [`easting_northing`]).
fn to_wgs84(crs: Crs, t: &dyn CrsTransformer, c: Coord) -> Result<Coord, GeometryError> {
    let c = if crs.is_geographic() { c } else { easting_northing(crs, c) };
    t.to_wgs84(c)
}

/// Why a transformation failed.
fn failed(e: &GeometryError) -> Bad {
    Bad::new(e.to_string(), e.zh())
}

/// Why a converted position is not in Beijing: the CRS, or (for lon/lat that would be) the order.
fn outside(given: Coord, wgs: Coord, crs: Crs) -> Bad {
    let swapped = crs.is_geographic() && in_beijing(Coord { x: given.y, y: given.x });
    let (hint_en, hint_zh) = if swapped {
        ("; longitude and latitude look swapped".to_string(), "；经度、纬度似乎填反了".to_string())
    } else {
        (format!("; is {crs} the right coordinate system?"), format!("；请检查坐标系（现为 {crs}）是否填对"))
    };
    Bad::new(
        format!("({}, {}) is at lon {:.5}, lat {:.5} in WGS84, outside Beijing (lon 115.3–117.6, lat 39.3–41.1){hint_en}", given.x, given.y, wgs.x, wgs.y),
        format!("({}, {}) 换算为 WGS84 后为经度 {:.5}、纬度 {:.5}，不在北京范围内（经度 115.3–117.6，纬度 39.3–41.1）{hint_zh}", given.x, given.y, wgs.x, wgs.y),
    )
}

/// A point to WGS84, checked to lie in Beijing.
pub(crate) fn point(crs: Crs, t: &dyn CrsTransformer, given: Coord) -> Result<Coord, Bad> {
    let wgs = to_wgs84(crs, t, given).map_err(|e| failed(&e))?;
    if in_beijing(wgs) {
        Ok(wgs)
    } else {
        Err(outside(given, wgs, crs))
    }
}

/// The longest WKT read (a cell holds at most 32,767 characters; a CSV field more).
const MAX_WKT_CHARS: usize = 1_000_000;

/// An outline in WKT (`POLYGON`, `MULTIPOLYGON`, optionally `SRID=4548;` first): the
/// multipolygon as given, and the CRS its SRID names.
pub(crate) fn outline(text: &str) -> Result<(MultiPolygon, Option<Crs>), Bad> {
    let text = text.trim();
    let (srid, wkt) = match text.split_once(';') {
        Some((head, rest)) if head.trim().to_ascii_uppercase().starts_with("SRID=") => {
            let code = head.trim()[5..].trim();
            let crs = code.parse::<u32>().map(|c| if c == 4326 { Crs::Crs84 } else { Crs::Epsg(c) }).map_err(|_| Bad::new(format!("'{head}' is not an SRID"), format!("'{head}' 不是有效的 SRID")))?;
            (Some(crs), rest.trim())
        }
        _ => (None, text),
    };
    let upper = wkt.get(..wkt.len().min(20)).unwrap_or(wkt).to_ascii_uppercase();
    let kind = upper.split(|c: char| c == '(' || c.is_whitespace()).next().unwrap_or_default().to_string();
    let wrong = |found: &str| {
        Bad::new(
            format!("expected a WKT POLYGON or MULTIPOLYGON, found '{found}'"),
            format!("应为 WKT 格式的 POLYGON 或 MULTIPOLYGON，实为 '{found}'"),
        )
    };
    if kind != "POLYGON" && kind != "MULTIPOLYGON" {
        return Err(wrong(&upper.chars().take(16).collect::<String>()));
    }
    // a polygon nests brackets three deep; deeper text is no polygon, and the parser recurses
    if wkt.chars().count() > MAX_WKT_CHARS || bracket_depth(wkt) > 3 {
        return Err(Bad::new("the WKT is too long or nested too deep for a polygon", "WKT 过长或括号嵌套过深，不是多边形"));
    }
    let unreadable = |e: String| Bad::new(format!("the WKT cannot be read: {e}"), format!("WKT 无法读取（{e}）"));
    let parsed = Wkt(wkt).to_geo().map_err(|e| unreadable(e.to_string()))?;
    let area = match parsed {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(mp) => mp,
        _ => return Err(wrong(&kind)),
    };
    if area.0.is_empty() || area.0.iter().any(|p| p.exterior().0.len() < 4) {
        return Err(Bad::new("the polygon is empty or has fewer than 4 positions", "多边形为空，或少于 4 个坐标点"));
    }
    Ok((area, srid))
}

fn bracket_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// An outline to WGS84 (rings wound as RFC 7946 asks), every vertex checked to lie in Beijing.
pub(crate) fn area(crs: Crs, t: &dyn CrsTransformer, given: &MultiPolygon) -> Result<MultiPolygon, Bad> {
    let wgs = given.try_map_coords(|c| to_wgs84(crs, t, c)).map_err(|e| failed(&e))?;
    // the same vertices in the same order, before the rings are rewound
    match given.coords_iter().zip(wgs.coords_iter()).find(|(_, w)| !in_beijing(*w)) {
        Some((c, w)) => Err(outside(c, w, crs)),
        None => Ok(wgs.orient(Direction::Default)),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn crs_names_district_offices_use() {
        for (name, crs) in [
            ("WGS84", Crs::Crs84),
            ("wgs-84", Crs::Crs84),
            ("GCJ-02", Crs::Gcj02),
            ("高德", Crs::Gcj02),
            ("火星坐标", Crs::Gcj02),
            ("GCJ-02（高德）", Crs::Gcj02),
            ("BD-09", Crs::Bd09),
            ("百度", Crs::Bd09),
            ("CGCS2000", Crs::Epsg(4490)),
            ("国家2000", Crs::Epsg(4490)),
            ("EPSG:4490", Crs::Epsg(4490)),
            ("EPSG:4547", Crs::Epsg(4547)),
            ("epsg 4548", Crs::Epsg(4548)),
            ("urn:ogc:def:crs:EPSG::4548", Crs::Epsg(4548)),
            ("EPSG:3857", Crs::Epsg(3857)),
        ] {
            assert_eq!(parse_crs(name), Ok(crs), "{name}");
        }
        assert!(parse_crs("火星2").unwrap_err().zh.contains("不是可用的坐标系"));
    }

    #[test]
    fn projected_pairs_in_either_order_and_with_zone_prefix() {
        let crs = Crs::Epsg(4548);
        let want = Coord { x: 482_921.2, y: 4_429_548.2 };
        assert_eq!(easting_northing(crs, want), want);
        assert_eq!(easting_northing(crs, Coord { x: want.y, y: want.x }), want);
        assert_eq!(easting_northing(crs, Coord { x: 39_482_921.2, y: want.y }).y, want.y);
        assert!((easting_northing(crs, Coord { x: 39_482_921.2, y: want.y }).x - want.x).abs() < 1e-6);
        assert_eq!(easting_northing(Crs::Epsg(4547), Coord { x: 39_482_921.0, y: want.y }).x, 39_482_921.0, "another zone's prefix stays");
    }

    #[test]
    fn wkt_polygons_only() {
        let (mp, srid) = outline("SRID=4548;POLYGON((0 0, 1 0, 1 1, 0 0))").unwrap();
        assert_eq!((mp.0.len(), srid), (1, Some(Crs::Epsg(4548))));
        assert!(outline("MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)),((2 2, 3 2, 3 3, 2 2)))").is_ok());
        assert!(outline("POINT(1 2)").unwrap_err().zh.contains("POINT"));
        assert!(outline("POLYGON((((((0 0))))))").is_err());
        assert!(outline("POLYGON((0 0, 1 0").is_err());
        assert!(outline(&format!("GEOMETRYCOLLECTION{}", "(".repeat(100_000))).is_err());
    }

    #[test]
    fn no_wkt_text_makes_it_panic() {
        let alphabet: Vec<char> = "()0123456789.,- eENaZMinf".chars().collect();
        let t = Crs::Crs84.transformer().unwrap();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..3000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let body: String = (0..(seed % 60)).map(|i| alphabet[((seed >> (i % 50)) as usize + i as usize) % alphabet.len()]).collect();
            let text = format!("{}(({body}", if round % 2 == 0 { "POLYGON" } else { "MULTIPOLYGON(" });
            if let Ok((area, _)) = outline(&text) {
                let _ = super::area(Crs::Crs84, t.as_ref(), &area);
            }
        }
    }
}
