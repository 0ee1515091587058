//! A layer drawn on AMap (GCJ-02) or Baidu (BD-09) and loaded without its `crs` lies some
//! 300–700 m off its places. When many more of a layer's features fit their places once shifted
//! from such a datum than as given, the load warns and names the datum.

use geo::Coord;

use super::decode::GivenRefs;
use super::Snapshot;
use crate::geometry::china::{bd09_to_wgs84, gcj02_to_wgs84, in_china};

/// A datum tried: its name, its Chinese description, and the shift from it to WGS84.
type Datum = (&'static str, &'static str, fn(Coord) -> Coord);

/// The datums tried.
const DATUMS: [Datum; 2] = [("GCJ-02", "高德/腾讯地图的 GCJ-02", gcj02_to_wgs84), ("BD-09", "百度地图的 BD-09", bd09_to_wgs84)];

/// A shift must make at least this share of a layer's features fit, and at least
/// `MIN_FEATURES_GAINED` of them, before it is suggested.
const MIN_SHARE_GAINED: f64 = 0.1;
const MIN_FEATURES_GAINED: usize = 3;

/// What a layer's features fit as given and once shifted.
#[derive(Debug, Clone, PartialEq)]
pub struct DatumHint {
    /// The datum the layer most likely uses (`GCJ-02` or `BD-09`).
    pub datum: &'static str,
    /// Features that fit their places as given.
    pub fit_as_given: usize,
    /// Features that fit once shifted from `datum`.
    pub fit_shifted: usize,
    /// Features looked at.
    pub features: usize,
}

impl DatumHint {
    /// The warning, in Chinese.
    pub fn message_zh(&self) -> String {
        let label = DATUMS.iter().find(|d| d.0 == self.datum).map_or(self.datum, |d| d.1);
        format!(
            "本图层可能是{label}坐标而未声明 crs：按原坐标只有 {} / {} 个要素落在其园区或区内，按 {} 换算后有 {} 个；请在 FeatureCollection 中声明 \"crs\" 后重新导入",
            self.fit_as_given, self.features, self.datum, self.fit_shifted
        )
    }

    /// The warning, in Chinese and English.
    pub fn message(&self) -> String {
        format!(
            "{} (this layer looks like {} coordinates loaded without a crs declaration: {} of {} features lie in their park or district as given, {} once shifted from {}; declare \"crs\" and import again)",
            self.message_zh(),
            self.datum,
            self.fit_as_given,
            self.features,
            self.fit_shifted,
            self.datum
        )
    }
}

/// Whether `p` lies in the place the feature names (its park, else its district), or, naming
/// none, in any park.
fn fits(snapshot: &Snapshot, given: &GivenRefs, p: Coord) -> bool {
    if let Some(park) = given.park.as_deref() {
        return snapshot.parks.position(park).is_some_and(|i| snapshot.parks.feature_contains(i, p));
    }
    if let Some(district) = given.district.as_deref() {
        return snapshot.districts.position(district).is_some_and(|i| snapshot.districts.feature_contains(i, p));
    }
    !snapshot.parks.containing(p).is_empty()
}

/// The datum that makes markedly more of these features (a representative point each, with the
/// places it names) fit, if any.
pub fn likely_datum(snapshot: &Snapshot, features: &[(Coord, &GivenRefs)]) -> Option<DatumHint> {
    let in_china: Vec<&(Coord, &GivenRefs)> = features.iter().filter(|(p, _)| in_china(*p)).collect();
    if in_china.is_empty() {
        return None;
    }
    let fit_as_given = in_china.iter().filter(|(p, given)| fits(snapshot, given, *p)).count();
    let needed = MIN_FEATURES_GAINED.max((MIN_SHARE_GAINED * in_china.len() as f64).ceil() as usize);
    DATUMS
        .iter()
        .map(|(datum, _, to_wgs84)| {
            let fit_shifted = in_china.iter().filter(|(p, given)| fits(snapshot, given, to_wgs84(*p))).count();
            DatumHint { datum, fit_as_given, fit_shifted, features: in_china.len() }
        })
        .filter(|h| h.fit_shifted >= h.fit_as_given + needed)
        .max_by_key(|h| h.fit_shifted)
}
