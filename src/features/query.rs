//! Item queries: reading the OGC query parameters of `/collections/{id}/items` into an
//! [`ItemQuery`], and selecting the matching features of a snapshot in load order.

use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::NaiveDate;
use geo::{BoundingRect, Coord, Intersects, Rect};

use super::cql2::{self, Bilingual, Expr, PropertyId, Type};
use super::queryables::{Collected, Row, SchemaOf};
use super::FeaturesError;
use crate::geometry::Crs;
use crate::inventory::{Layer, LayerName, Shape, Snapshot};
use crate::model::{Building, Catalogue, District, LandUse, Parcel, Park, SpaceStatus, Zone};

/// Largest page a client may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Page size when none is asked for.
pub const DEFAULT_LIMIT: usize = 10;
/// Longest `filter` accepted, in bytes.
pub const MAX_FILTER_LEN: usize = 64 * 1024;

/// The property filter parameters a collection accepts.
pub fn property_parameters(layer: LayerName) -> &'static [&'static str] {
    match layer {
        LayerName::Districts => &["industry"],
        LayerName::Parks => &["district", "industry"],
        LayerName::Zones => &["park", "district", "industry"],
        LayerName::Parcels => &["status", "land_use", "district", "park", "zone", "industry"],
        LayerName::Buildings => &["status", "district", "park", "zone", "industry"],
    }
}

/// The parameters of a selection other than paging (shared by items pages and exports).
pub const SELECTION_PARAMETERS: &[&str] = &["bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs"];

/// Parameters a reader did not take, left for its caller (name, value).
pub type Leftover<'p> = Vec<(&'p str, &'p str)>;

/// An interval of dates from `datetime`; open ends are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// First day, if bounded.
    pub start: Option<NaiveDate>,
    /// Last day, if bounded.
    pub end: Option<NaiveDate>,
}

/// What a collection read selects.
#[derive(Default)]
pub struct Selection {
    /// Rectangles in WGS84 (two when the box crosses the antimeridian).
    pub bbox: Option<Vec<Rect>>,
    /// The `datetime` interval.
    pub datetime: Option<Interval>,
    /// Statuses asked for.
    pub status: Option<Vec<SpaceStatus>>,
    /// Land uses asked for.
    pub land_use: Option<Vec<LandUse>>,
    /// District adcodes asked for.
    pub districts: Option<HashSet<String>>,
    /// Park ids asked for.
    pub parks: Option<HashSet<String>>,
    /// Zone ids asked for.
    pub zones: Option<HashSet<String>>,
    /// Industry codes asked for.
    pub industries: Option<Vec<String>>,
    /// The CQL2 filter, geometry literals in WGS84.
    pub filter: Option<Expr>,
}

/// A page of items.
pub struct ItemQuery {
    /// What to select.
    pub selection: Selection,
    /// Page size (a larger `limit` is clamped to [`MAX_LIMIT`], as OGC API – Features asks).
    pub limit: usize,
    /// Features skipped before the page.
    pub offset: usize,
    /// The order of `sortby`, before load order; empty keeps load order.
    pub sort: Vec<SortKey>,
    /// The properties `properties` names; `None` writes them all.
    pub properties: Option<Vec<String>>,
    /// `skipGeometry=true`: features are written with a null geometry.
    pub skip_geometry: bool,
}

/// One key of `sortby`: a queryable (its position in the collection's queryables) and the
/// direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// The queryable.
    pub property: PropertyId,
    /// `-name`: largest first.
    pub descending: bool,
}

fn bad(parameter: &str, reason: impl Into<String>, reason_zh: impl Into<String>) -> FeaturesError {
    FeaturesError::parameter(parameter, reason, reason_zh)
}

/// Parses a CRS parameter; only the CRSs the service lists are accepted.
pub fn parse_crs(parameter: &str, value: &str) -> Result<Crs, FeaturesError> {
    let offered = super::crs_list().join(", ");
    let crs = Crs::parse(value).map_err(|_| {
        bad(
            parameter,
            format!("'{value}' is not a CRS this service knows; use one of {offered}"),
            format!("'{value}' 不是本服务认识的坐标参考系 CRS；请用以下之一：{offered}"),
        )
    })?;
    if !super::SUPPORTED_CRS.contains(&crs) {
        return Err(bad(parameter, format!("{crs} is not offered; use one of {offered}"), format!("本服务不提供 {crs}；请用以下之一：{offered}")));
    }
    Ok(crs)
}

/// Reads `bbox` (4 or 6 numbers, in `crs` axis order) into WGS84 rectangles.
pub fn parse_bbox(value: &str, crs: Crs) -> Result<Vec<Rect>, FeaturesError> {
    let numbers: Vec<f64> = value
        .split(',')
        .map(|n| n.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| bad("bbox", format!("'{value}' is not a list of numbers"), format!("'{value}' 不是以逗号分隔的数字")))?;
    let (a, b) = match numbers.as_slice() {
        [x1, y1, x2, y2] => ((*x1, *y1), (*x2, *y2)),
        // a 3D box: minimum and maximum heights are ignored
        [x1, y1, _, x2, y2, _] => ((*x1, *y1), (*x2, *y2)),
        _ => {
            let n = numbers.len();
            return Err(bad("bbox", format!("needs 4 numbers (or 6 with heights), got {n}"), format!("需要 4 个数字（带高程时 6 个），却有 {n} 个")));
        }
    };
    // into x (east), y (north) order
    let (lo, hi) = if crs.north_first() { ((a.1, a.0), (b.1, b.0)) } else { (a, b) };
    if lo.1 > hi.1 {
        return Err(bad("bbox", "the lower corner lies north of the upper corner", "左下角在右上角以北"));
    }
    if crs.is_geographic() {
        let on_globe = |lo: (f64, f64), hi: (f64, f64)| (-90.0..=90.0).contains(&lo.1) && (-90.0..=90.0).contains(&hi.1) && lo.0.abs() <= 180.0 && hi.0.abs() <= 180.0;
        if !on_globe(lo, hi) {
            let mut reason = String::from("longitudes must lie within ±180 and latitudes within ±90");
            let mut reason_zh = String::from("经度须在 ±180 以内，纬度须在 ±90 以内");
            if on_globe((lo.1, lo.0), (hi.1, hi.0)) {
                // the usual mistake: latitude first where longitude comes first, or the reverse
                let (order, order_zh, swapped) = if crs.north_first() {
                    ("latitude first", "纬度在前", [lo.0, lo.1, hi.0, hi.1])
                } else {
                    ("longitude first", "经度在前", [lo.1, lo.0, hi.1, hi.0])
                };
                let swapped = swapped.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
                reason.push_str(&format!("; the numbers look like the other axis order: {crs} takes {order}, so this box is bbox={swapped} (or name the order you wrote with bbox-crs)"));
                reason_zh.push_str(&format!("；这些数字像是另一种轴序：{crs} 要求{order_zh}，所以这个范围应写作 bbox={swapped}（或用 bbox-crs 指明你所用的轴序）"));
            }
            return Err(bad("bbox", reason, reason_zh));
        }
    } else if lo.0 > hi.0 {
        return Err(bad("bbox", "the lower corner lies east of the upper corner", "左下角在右上角以东"));
    }
    // a geographic box whose west edge lies east of its east edge crosses the antimeridian
    let parts = if crs.is_geographic() && lo.0 > hi.0 { vec![(lo.0, 180.0), (-180.0, hi.0)] } else { vec![(lo.0, hi.0)] };
    parts
        .into_iter()
        .map(|(west, east)| to_wgs84_box(crs, Coord { x: west, y: lo.1 }, Coord { x: east, y: hi.1 }))
        .collect()
}

/// The WGS84 box around a box of `crs`: its edges are sampled, since they bend in transit.
fn to_wgs84_box(crs: Crs, lo: Coord, hi: Coord) -> Result<Rect, FeaturesError> {
    if matches!(crs, Crs::Crs84 | Crs::Epsg(4326)) {
        return Ok(Rect::new(lo, hi));
    }
    let transformer = crs.thread_transformer().map_err(|e| bad("bbox-crs", e.to_string(), e.zh()))?;
    const STEPS: usize = 8;
    let mut points = Vec::with_capacity(4 * STEPS);
    for i in 0..STEPS {
        let t = i as f64 / STEPS as f64;
        let x = lo.x + (hi.x - lo.x) * t;
        let y = lo.y + (hi.y - lo.y) * t;
        points.extend([Coord { x, y: lo.y }, Coord { x, y: hi.y }, Coord { x: lo.x, y }, Coord { x: hi.x, y }]);
    }
    points.push(hi);
    let mapped: Vec<Coord> = points
        .into_iter()
        .map(|c| transformer.to_wgs84(c))
        .collect::<Result<_, _>>()
        .map_err(|e| bad("bbox", format!("cannot be mapped from {crs}: {e}"), format!("无法从 {crs} 转换：{}", e.zh())))?;
    Ok(geo::MultiPoint::from(mapped).bounding_rect().expect("at least one point"))
}

/// Reads `datetime`: a date or instant, or an interval `start/end` with `..` or nothing for
/// an open end.
pub fn parse_datetime(value: &str) -> Result<Interval, FeaturesError> {
    let instant = |text: &str| -> Result<Option<NaiveDate>, FeaturesError> {
        let text = text.trim();
        if text.is_empty() || text == ".." {
            return Ok(None);
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Some(d));
        }
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&chrono::Utc).date_naive()))
            .map_err(|_| bad("datetime", format!("'{text}' is not an RFC 3339 date or date-time"), format!("'{text}' 不是 RFC 3339 日期或日期时间")))
    };
    match value.split_once('/') {
        None => {
            let day = instant(value)?.ok_or_else(|| bad("datetime", "a single instant cannot be open", "单个时刻不能是开放的（.. 或留空只用于区间的一端）"))?;
            Ok(Interval { start: Some(day), end: Some(day) })
        }
        Some((a, b)) => {
            let (start, end) = (instant(a)?, instant(b)?);
            if let (Some(s), Some(e)) = (start, end) {
                if s > e {
                    return Err(bad("datetime", format!("the interval starts ({s}) after it ends ({e})"), format!("区间的开始（{s}）晚于结束（{e}）")));
                }
            }
            Ok(Interval { start, end })
        }
    }
}

/// Splits a comma-separated parameter value; empty items are refused.
fn values<'a>(parameter: &str, value: &'a str) -> Result<Vec<&'a str>, FeaturesError> {
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    if items.iter().any(|v| v.is_empty()) {
        return Err(bad(parameter, "has an empty value", "含有空值"));
    }
    Ok(items)
}

/// The ids listed in a parameter, each checked against `layer` (`what` names one of its
/// features, in English and Chinese).
fn known_ids<T: crate::inventory::Feature>(layer: &Layer<T>, parameter: &str, value: &str, what: (&str, &str)) -> Result<HashSet<String>, FeaturesError> {
    values(parameter, value)?
        .into_iter()
        .map(|v| layer.get(v).map(|f| f.id().to_string()).ok_or_else(|| bad(parameter, format!("'{v}' is not the id of {}", what.0), format!("'{v}' 不是任何{}的编号", what.1))))
        .collect()
}

/// Resolves a district given by adcode or name (ignoring width and the 区 suffix).
fn district_adcode(snapshot: &Snapshot, given: &str) -> Option<String> {
    if snapshot.districts.get(given).is_some() {
        return Some(given.to_string());
    }
    let key = crate::model::normalize_text(given);
    let key = key.trim_end_matches('区');
    snapshot
        .districts
        .items()
        .iter()
        .find(|d| crate::model::normalize_text(&d.name).trim_end_matches('区') == key)
        .map(|d| d.adcode.clone())
}

impl Selection {
    /// Applies one selection parameter; `filter` texts are read later by [`Selection::read_filter`],
    /// once `filter-crs` is known.
    fn apply(&mut self, snapshot: &Snapshot, name: &str, value: &str, bbox_crs: Crs) -> Result<(), FeaturesError> {
        match name {
            "bbox" => self.bbox = Some(parse_bbox(value, bbox_crs)?),
            "datetime" => self.datetime = Some(parse_datetime(value)?),
            "status" => {
                let parsed = values(name, value)?.into_iter().map(|v| v.parse().map_err(|e: crate::model::UnknownValue| bad(name, e.to_string(), e.zh())));
                self.status = Some(parsed.collect::<Result<_, _>>()?);
            }
            "land_use" => {
                let parsed = values(name, value)?.into_iter().map(|v| v.parse().map_err(|e: crate::model::UnknownValue| bad(name, e.to_string(), e.zh())));
                self.land_use = Some(parsed.collect::<Result<_, _>>()?);
            }
            "district" => {
                let codes = values(name, value)?
                    .into_iter()
                    .map(|v| {
                        district_adcode(snapshot, v).ok_or_else(|| {
                            bad(name, format!("'{v}' is neither the adcode nor the name of a district"), format!("'{v}' 既不是区的行政区划代码，也不是区名"))
                        })
                    })
                    .collect::<Result<_, _>>()?;
                self.districts = Some(codes);
            }
            "park" => self.parks = Some(known_ids(&snapshot.parks, name, value, ("a park", "园区"))?),
            "zone" => self.zones = Some(known_ids(&snapshot.zones, name, value, ("a zone", "园中园"))?),
            "industry" => {
                let catalogue = &snapshot.catalogue;
                let codes = values(name, value)?
                    .into_iter()
                    .map(|v| {
                        catalogue.get(v).or_else(|| catalogue.lookup(v)).map(|e| e.code.clone()).ok_or_else(|| {
                            bad(
                                name,
                                format!("'{v}' is not an industry code, name or alias of the catalogue (see /api/v1/industries)"),
                                format!("'{v}' 不是产业目录中的产业代码、名称或别名（见 /api/v1/industries）"),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?;
                self.industries = Some(codes);
            }
            _ => return Err(bad(name, "is not a parameter of this request", "不是此请求的参数")),
        }
        Ok(())
    }

    /// Reads a CQL2 text filter against the queryables of `layer`'s features; geometry
    /// literals are in `filter_crs` (x, y in its axis order) and must fall on the globe once
    /// in WGS84 (the CQL2 spatial classes refuse `POINT(90 180)`).
    fn read_filter<T: Collected>(&mut self, _layer: &Layer<T>, text: &str, filter_crs: Crs) -> Result<(), FeaturesError> {
        if text.len() > MAX_FILTER_LEN {
            return Err(bad("filter", format!("is longer than {MAX_FILTER_LEN} bytes"), format!("超过 {MAX_FILTER_LEN} 字节")));
        }
        let mut expr = cql2::parse(text, &SchemaOf(T::queryables())).map_err(|e| bad("filter", e.message, e.message_zh))?;
        let transformer = match filter_crs {
            Crs::Crs84 => None,
            crs => Some(crs.thread_transformer().map_err(|e| bad("filter-crs", e.to_string(), e.zh()))?),
        };
        let north_first = filter_crs.north_first();
        expr.transform_geometries(&|c: Coord| {
            let c = if north_first { Coord { x: c.y, y: c.x } } else { c };
            let wgs84 = match &transformer {
                Some(t) => t.to_wgs84(c).map_err(|e| Bilingual::new(e.to_string(), e.zh()))?,
                None => c,
            };
            if !((-180.0..=180.0).contains(&wgs84.x) && (-90.0..=90.0).contains(&wgs84.y)) {
                return Err(Bilingual::new(
                    format!("({}, {}) lies off the globe: longitude must be within ±180 and latitude within ±90", c.x, c.y),
                    format!("({}, {}) 超出地球范围：经度须在 ±180 以内，纬度须在 ±90 以内", c.x, c.y),
                ));
            }
            Ok(wgs84)
        })
        .map_err(|e| bad("filter", format!("a geometry in {filter_crs} cannot be used: {}", e.en), format!("{filter_crs} 中的几何无法使用：{}", e.zh)))?;
        self.filter = Some(expr);
        Ok(())
    }

    /// Reads the selection parameters of `layer` from `params`; `extra` names the other
    /// parameters the caller accepts (returned to it, unparsed). Unknown or repeated
    /// parameters are refused by name.
    pub fn from_params<'p>(
        snapshot: &Snapshot,
        layer: LayerName,
        params: &'p [(String, String)],
        extra: &[&str],
    ) -> Result<(Selection, Leftover<'p>), FeaturesError> {
        let properties = property_parameters(layer);
        let mut seen: HashSet<&str> = HashSet::new();
        for (name, _) in params {
            if !(SELECTION_PARAMETERS.contains(&name.as_str()) || properties.contains(&name.as_str()) || extra.contains(&name.as_str())) {
                let mut known: Vec<&str> = SELECTION_PARAMETERS.iter().chain(properties).chain(extra).copied().collect();
                known.sort_unstable();
                let known = known.join(", ");
                return Err(bad(name, format!("is not a parameter of {layer} items (known: {known})"), format!("不是此请求的参数（可用参数：{known}）")));
            }
            if !seen.insert(name) {
                return Err(bad(name, "is given more than once", "重复给出"));
            }
        }
        let get = |name: &str| params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let bbox_crs = get("bbox-crs").map(|v| parse_crs("bbox-crs", v)).transpose()?.unwrap_or(Crs::Crs84);
        if get("bbox-crs").is_some() && get("bbox").is_none() {
            return Err(bad("bbox-crs", "is given without bbox", "只能与 bbox 一起给出"));
        }
        let filter_crs = get("filter-crs").map(|v| parse_crs("filter-crs", v)).transpose()?.unwrap_or(Crs::Crs84);
        if let Some(lang) = get("filter-lang") {
            if lang != "cql2-text" {
                return Err(bad("filter-lang", format!("'{lang}' is not supported; use cql2-text"), format!("不支持 '{lang}'；请用 cql2-text")));
            }
        }
        let mut selection = Selection::default();
        let mut rest = Vec::new();
        for (name, value) in params {
            match name.as_str() {
                "bbox-crs" | "filter-crs" | "filter-lang" => {}
                "filter" => crate::inventory::with_layer!(snapshot, layer, |l| selection.read_filter(l, value, filter_crs))?,
                n if extra.contains(&n) => rest.push((name.as_str(), value.as_str())),
                _ => selection.apply(snapshot, name, value, bbox_crs)?,
            }
        }
        Ok((selection, rest))
    }
}

impl ItemQuery {
    /// Reads the parameters of an items request; `extra` are those the caller handles itself
    /// (such as `crs` and `f`), returned unparsed.
    pub fn from_params<'p>(
        snapshot: &Snapshot,
        layer: LayerName,
        params: &'p [(String, String)],
        extra: &[&str],
    ) -> Result<(ItemQuery, Leftover<'p>), FeaturesError> {
        let mut accepted: Vec<&str> = vec!["limit", "offset", "sortby", "properties", "skipGeometry"];
        accepted.extend_from_slice(extra);
        let (selection, rest) = Selection::from_params(snapshot, layer, params, &accepted)?;
        let mut query = ItemQuery { selection, limit: DEFAULT_LIMIT, offset: 0, sort: Vec::new(), properties: None, skip_geometry: false };
        let mut others = Vec::new();
        for (name, value) in rest {
            match name {
                "limit" => {
                    // above the maximum the page is the maximum (OGC API – Features 1, /req/core/fc-limit-response-1)
                    let digits = value.trim();
                    let whole = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && digits.bytes().any(|b| b != b'0');
                    if !whole {
                        return Err(bad(
                            "limit",
                            format!("'{value}' is not a whole number of at least 1 (pages hold at most {MAX_LIMIT})"),
                            format!("'{value}' 不是不小于 1 的整数（每页最多 {MAX_LIMIT} 条）"),
                        ));
                    }
                    // any number of digits: past u64 it is still just "more than the maximum"
                    query.limit = digits.parse::<usize>().map_or(MAX_LIMIT, |n| n.min(MAX_LIMIT));
                }
                "offset" => {
                    query.offset =
                        value.trim().parse::<usize>().map_err(|_| bad("offset", format!("'{value}' is not a whole number ≥ 0"), format!("'{value}' 不是 ≥ 0 的整数")))?;
                }
                "sortby" => query.sort = crate::inventory::with_layer!(snapshot, layer, |l| parse_sortby(l, value))?,
                "properties" => query.properties = Some(crate::inventory::with_layer!(snapshot, layer, |l| parse_properties(l, value))?),
                "skipGeometry" => {
                    query.skip_geometry = match value.trim() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad("skipGeometry", format!("'{value}' is neither true nor false"), format!("'{value}' 既不是 true 也不是 false"))),
                    }
                }
                _ => others.push((name, value)),
            }
        }
        Ok((query, others))
    }
}

/// Reads `sortby`: queryables separated by commas, each with an optional `+` (ascending, the
/// default) or `-` (descending) before it. A `+` left unencoded in a URL arrives as a space.
fn parse_sortby<T: Collected>(_layer: &Layer<T>, value: &str) -> Result<Vec<SortKey>, FeaturesError> {
    let schema = SchemaOf(T::queryables());
    let mut keys: Vec<SortKey> = Vec::new();
    for term in value.split(',') {
        let term = term.trim();
        let (name, descending) = match term.strip_prefix('-') {
            Some(name) => (name.trim(), true),
            None => (term.strip_prefix('+').unwrap_or(term).trim(), false),
        };
        if name.is_empty() {
            return Err(bad("sortby", format!("'{value}' names an empty property; write e.g. sortby=-area_mu,name"), format!("'{value}' 含有空的属性名；请写作如 sortby=-area_mu,name")));
        }
        let property = match cql2::Schema::property(&schema, name) {
            Some((_, Type::Geometry)) => {
                return Err(bad("sortby", format!("features cannot be sorted by their geometry ('{name}')"), format!("要素不能按几何（'{name}'）排序")));
            }
            Some((property, _)) => property,
            None => {
                let (layer, sortable) = (T::LAYER, sortable_names::<T>());
                return Err(bad(
                    "sortby",
                    format!("'{name}' is not a queryable of {layer} (queryables: {sortable})"),
                    format!("'{name}' 不是{}的可查询属性（可查询属性：{sortable}）", layer.zh()),
                ));
            }
        };
        if keys.iter().any(|k| k.property == property) {
            return Err(bad("sortby", format!("'{name}' is named twice"), format!("'{name}' 出现了两次")));
        }
        keys.push(SortKey { property, descending });
    }
    Ok(keys)
}

fn sortable_names<T: Collected>() -> String {
    T::queryables().iter().filter(|q| q.kind != Type::Geometry).map(|q| q.name).collect::<Vec<_>>().join(", ")
}

/// Reads `properties`: the property names to write, separated by commas (empty: none).
fn parse_properties<T: Collected>(_layer: &Layer<T>, value: &str) -> Result<Vec<String>, FeaturesError> {
    let known = T::property_names();
    let mut names: Vec<String> = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !known.contains(&name) {
            let (layer, known) = (T::LAYER, known.join(", "));
            return Err(bad(
                "properties",
                format!("'{name}' is not a property of {layer} (properties: {known})"),
                format!("'{name}' 不是{}的属性（属性：{known}）", layer.zh()),
            ));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// Orders values for `sortby`: by [`cql2::compare`], with nulls (and values that do not
/// compare) after every value whatever the direction.
fn sort_order(a: &cql2::Value<'_>, b: &cql2::Value<'_>, descending: bool) -> Ordering {
    use cql2::Value::Null;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Greater,
        (_, Null) => Ordering::Less,
        _ => {
            let order = match (a, b) {
                (cql2::Value::List(x), cql2::Value::List(y)) => x.cmp(y),
                _ => cql2::compare(a, b).unwrap_or(Ordering::Equal),
            };
            if descending {
                order.reverse()
            } else {
                order
            }
        }
    }
}

fn sort_in<T: Collected>(layer: &Layer<T>, positions: &mut [u32], keys: &[SortKey]) {
    let queryables = T::queryables();
    // stable, so equal keys keep load order and pages stay the same from one request to the next
    positions.sort_by(|&a, &b| {
        let (a, b) = (layer.at(a), layer.at(b));
        keys.iter()
            .map(|k| {
                let get = queryables[k.property.0 as usize].get;
                sort_order(&get(a), &get(b), k.descending)
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}

/// Puts selected positions in `sortby` order.
pub fn sort(snapshot: &Snapshot, layer: LayerName, positions: &mut [u32], keys: &[SortKey]) {
    if !keys.is_empty() {
        crate::inventory::with_layer!(snapshot, layer, |l| sort_in(l, positions, keys));
    }
}

/// Whether a listed industry is the one asked for, a broader or a narrower one.
fn related(catalogue: &Catalogue, asked: &[String], listed: &[String]) -> bool {
    listed.iter().any(|l| asked.iter().any(|a| catalogue.is_within(l, a) || catalogue.is_within(a, l)))
}

/// The places (district, park, zone) whose leading industries relate to the asked ones.
struct IndustryPlaces<'s> {
    districts: HashSet<&'s str>,
    parks: HashSet<&'s str>,
    zones: HashSet<&'s str>,
}

impl<'s> IndustryPlaces<'s> {
    fn new(snapshot: &'s Snapshot, asked: &[String]) -> IndustryPlaces<'s> {
        let c = &snapshot.catalogue;
        IndustryPlaces {
            districts: snapshot.districts.items().iter().filter(|d| related(c, asked, &d.industries)).map(|d| d.adcode.as_str()).collect(),
            parks: snapshot.parks.items().iter().filter(|p| related(c, asked, &p.industries)).map(|p| p.id.as_str()).collect(),
            zones: snapshot.zones.items().iter().filter(|z| related(c, asked, &z.industries)).map(|z| z.id.as_str()).collect(),
        }
    }

    fn hosts(&self, district: &str, park: Option<&str>, zone: Option<&str>) -> bool {
        self.districts.contains(district) || park.is_some_and(|p| self.parks.contains(p)) || zone.is_some_and(|z| self.zones.contains(z))
    }
}

/// The facts the property filters read, per collection.
trait Filtered: Collected {
    /// Status, for the layers that have one.
    fn status(&self) -> Option<SpaceStatus> {
        None
    }
    /// Land use, for parcels.
    fn land_use(&self) -> Option<&LandUse> {
        None
    }
    /// First date on offer, for parcels.
    fn available_from(&self) -> Option<NaiveDate> {
        None
    }
    /// District adcode (for zones: their park's).
    fn district_of<'s>(&'s self, snapshot: &'s Snapshot) -> Option<&'s str>;
    /// Park id.
    fn park_of(&self) -> Option<&str> {
        None
    }
    /// Zone id.
    fn zone_of(&self) -> Option<&str> {
        None
    }
    /// Whether the feature's own industries, or its hosts', relate to the asked ones.
    fn fits(&self, snapshot: &Snapshot, asked: &[String], places: &IndustryPlaces) -> bool;
}

impl Filtered for District {
    fn district_of<'s>(&'s self, _: &'s Snapshot) -> Option<&'s str> {
        Some(&self.adcode)
    }
    fn fits(&self, snapshot: &Snapshot, asked: &[String], _: &IndustryPlaces) -> bool {
        related(&snapshot.catalogue, asked, &self.industries)
    }
}

impl Filtered for Park {
    fn district_of<'s>(&'s self, _: &'s Snapshot) -> Option<&'s str> {
        Some(&self.district)
    }
    fn fits(&self, snapshot: &Snapshot, asked: &[String], _: &IndustryPlaces) -> bool {
        related(&snapshot.catalogue, asked, &self.industries)
    }
}

impl Filtered for Zone {
    fn district_of<'s>(&'s self, snapshot: &'s Snapshot) -> Option<&'s str> {
        snapshot.parks.get(&self.park).map(|p| p.district.as_str())
    }
    fn park_of(&self) -> Option<&str> {
        Some(&self.park)
    }
    fn fits(&self, snapshot: &Snapshot, asked: &[String], _: &IndustryPlaces) -> bool {
        related(&snapshot.catalogue, asked, &self.industries)
    }
}

impl Filtered for Parcel {
    fn status(&self) -> Option<SpaceStatus> {
        Some(self.status)
    }
    fn land_use(&self) -> Option<&LandUse> {
        Some(&self.land_use)
    }
    fn available_from(&self) -> Option<NaiveDate> {
        self.available_from
    }
    fn district_of<'s>(&'s self, _: &'s Snapshot) -> Option<&'s str> {
        Some(&self.district)
    }
    fn park_of(&self) -> Option<&str> {
        self.park.as_deref()
    }
    fn zone_of(&self) -> Option<&str> {
        self.zone.as_deref()
    }
    fn fits(&self, _: &Snapshot, _: &[String], places: &IndustryPlaces) -> bool {
        places.hosts(&self.district, self.park.as_deref(), self.zone.as_deref())
    }
}

impl Filtered for Building {
    fn status(&self) -> Option<SpaceStatus> {
        Some(self.status)
    }
    fn district_of<'s>(&'s self, _: &'s Snapshot) -> Option<&'s str> {
        Some(&self.district)
    }
    fn park_of(&self) -> Option<&str> {
        self.park.as_deref()
    }
    fn zone_of(&self) -> Option<&str> {
        self.zone.as_deref()
    }
    fn fits(&self, snapshot: &Snapshot, asked: &[String], places: &IndustryPlaces) -> bool {
        related(&snapshot.catalogue, asked, &self.industries) || places.hosts(&self.district, self.park.as_deref(), self.zone.as_deref())
    }
}

fn shape_intersects(shape: &Shape, rect: &Rect) -> bool {
    match shape {
        Shape::Area(a) => a.intersects(rect),
        Shape::Point(p) => rect.intersects(p),
    }
}

/// The positions, in load order, of the features of `layer` that `selection` selects.
fn select_in<T: Filtered>(snapshot: &Snapshot, layer: &Layer<T>, selection: &Selection) -> Vec<u32> {
    let places = selection.industries.as_ref().map(|asked| IndustryPlaces::new(snapshot, asked));
    let mut candidates: Vec<u32> = match (&selection.bbox, selection.filter.as_ref().and_then(Expr::bbox_hint)) {
        (Some(rects), _) => {
            let mut hits: Vec<u32> = rects.iter().flat_map(|r| layer.bbox_candidates(*r)).collect();
            hits.sort_unstable();
            hits.dedup();
            hits.retain(|&i| rects.iter().any(|r| shape_intersects(&layer.at(i).shape(), r)));
            hits
        }
        (None, Some(hint)) => {
            let mut hits = layer.bbox_candidates(hint);
            hits.sort_unstable();
            hits
        }
        (None, None) => (0..layer.len() as u32).collect(),
    };
    candidates.retain(|&i| {
        let item = layer.at(i);
        selection.status.as_ref().is_none_or(|s| item.status().is_some_and(|st| s.contains(&st)))
            && selection.land_use.as_ref().is_none_or(|l| item.land_use().is_some_and(|lu| l.contains(lu)))
            && selection.datetime.is_none_or(|interval| interval.end.is_none_or(|end| item.available_from().is_none_or(|from| from <= end)))
            && selection.districts.as_ref().is_none_or(|d| item.district_of(snapshot).is_some_and(|code| d.contains(code)))
            && selection.parks.as_ref().is_none_or(|p| item.park_of().is_some_and(|id| p.contains(id)))
            && selection.zones.as_ref().is_none_or(|z| item.zone_of().is_some_and(|id| z.contains(id)))
            && selection.industries.as_ref().is_none_or(|asked| item.fits(snapshot, asked, places.as_ref().expect("built with the industries")))
            && selection.filter.as_ref().is_none_or(|f| f.matches(&Row(item)))
    });
    candidates
}

/// The positions, in load order, of the features of `layer` that `selection` selects.
pub fn select(snapshot: &Snapshot, layer: LayerName, selection: &Selection) -> Vec<u32> {
    crate::inventory::with_layer!(snapshot, layer, |l| select_in(snapshot, l, selection))
}
