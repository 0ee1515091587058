//! Problems of the collection reads in Chinese: every bad items request that a client reading
//! Chinese first sends gets its `detail` whole in Chinese, and everyone else the English text
//! the other tests pin.

use crate::common;

use std::collections::HashSet;

use chanye::features::Collected;
use chanye::model::Parcel;
use common::{answer, has_cjk, sample_server as base, urlencode};
use serde_json::Value;

const ZH: &str = "zh-CN,zh;q=0.9";

/// A bad items request and what its problem says.
struct Case {
    /// The query of `/collections/{collection}/items`, unencoded.
    query: &'static [(&'static str, &'static str)],
    /// The parameter blamed.
    parameter: &'static str,
    /// The English `detail`; a trailing `…` means "starts with".
    english: &'static str,
    /// A phrase the Chinese `detail` must hold: the page's term for the problem, or the hint.
    chinese: &'static str,
    /// Codes the messages may name besides those the request gave (the values a parameter takes).
    codes: &'static [&'static str],
}

const fn case(
    query: &'static [(&'static str, &'static str)],
    parameter: &'static str,
    english: &'static str,
    chinese: &'static str,
) -> Case {
    Case { query, parameter, english, chinese, codes: &[] }
}

/// The items parameters of parcels, which an unknown parameter's message lists.
const PARCEL_PARAMETERS: &[&str] = &[
    "bbox", "bbox-crs", "crs", "datetime", "district", "f", "filter", "filter-crs", "filter-lang", "industry", "land_use", "limit", "offset", "park",
    "properties", "skipGeometry", "sortby", "status", "zone",
];

const CASES: &[Case] = &[
    case(&[("bbox", "1,2,3")], "bbox", "bbox: needs 4 numbers (or 6 with heights), got 3", "需要 4 个数字"),
    case(&[("bbox", "a,b,c,d")], "bbox", "bbox: 'a,b,c,d' is not a list of numbers", "数字"),
    case(&[("bbox", "116.7,40.6,117.1,40.3")], "bbox", "bbox: the lower corner lies north of the upper corner", "以北"),
    case(&[("bbox", "116.7,40.3,200,40.6")], "bbox", "bbox: longitudes must lie within ±180 and latitudes within ±90", "经度须在 ±180 以内"),
    Case {
        codes: &["bbox-crs"],
        ..case(
            &[("bbox", "40.3,116.7,40.6,117.1")],
            "bbox",
            "bbox: longitudes must lie within ±180 and latitudes within ±90; the numbers look like the other axis order: CRS84 takes longitude first, so this box is bbox=116.7,40.3,117.1,40.6 (or name the order you wrote with bbox-crs)",
            "经度在前，所以这个范围应写作 bbox=116.7,40.3,117.1,40.6",
        )
    },
    case(
        &[("bbox", "116.7,40.3,117.1,40.6"), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4326")],
        "bbox",
        "bbox: longitudes must lie within ±180 and latitudes within ±90; the numbers look like the other axis order: EPSG:4326 takes latitude first, so this box is bbox=40.3,116.7,40.6,117.1…",
        "纬度在前，所以这个范围应写作 bbox=40.3,116.7,40.6,117.1",
    ),
    case(&[("bbox", "1,2,3,4"), ("bbox-crs", "mars")], "bbox-crs", "bbox-crs: 'mars' is not a CRS this service knows; use one of …", "坐标参考系 CRS"),
    case(&[("bbox", "1,2,3,4"), ("bbox-crs", "EPSG:9999")], "bbox-crs", "bbox-crs: EPSG:9999 is not offered; use one of …", "不提供 EPSG:9999"),
    case(&[("crs", "EPSG:9999")], "crs", "crs: EPSG:9999 is not offered; use one of …", "不提供 EPSG:9999"),
    Case { codes: &["bbox"], ..case(&[("bbox-crs", "EPSG:4326")], "bbox-crs", "bbox-crs: is given without bbox", "只能与 bbox 一起给出") },
    case(&[("datetime", "yesterday")], "datetime", "datetime: 'yesterday' is not an RFC 3339 date or date-time", "日期"),
    case(&[("datetime", "2026-05-01/2026-01-01")], "datetime", "datetime: the interval starts (2026-05-01) after it ends (2026-01-01)", "晚于结束"),
    case(&[("datetime", "..")], "datetime", "datetime: a single instant cannot be open", "单个时刻"),
    Case {
        codes: &["available", "negotiating", "reserved", "leased", "sold", "under_construction", "idle"],
        ..case(&[("status", "open")], "status", "status: 'open' is not one of available, negotiating…", "可供应、洽谈中")
    },
    case(&[("status", "available,")], "status", "status: has an empty value", "空值"),
    case(&[("land_use", "Z9")], "land_use", "land_use: 'Z9' is not one of M1, M4…", "用地代码"),
    case(&[("district", "火星区")], "district", "district: '火星区' is neither the adcode nor the name of a district", "区名"),
    case(&[("park", "nowhere")], "park", "park: 'nowhere' is not the id of a park", "园区"),
    case(
        &[("industry", "spaceships")],
        "industry",
        "industry: 'spaceships' is not an industry code, name or alias of the catalogue (see /api/v1/industries)",
        "产业目录",
    ),
    case(&[("limit", "0")], "limit", "limit: '0' is not a whole number of at least 1 (pages hold at most 10000)", "每页最多 10000 条"),
    case(&[("limit", "ten")], "limit", "limit: 'ten' is not a whole number of at least 1 (pages hold at most 10000)", "整数"),
    case(&[("offset", "-1")], "offset", "offset: '-1' is not a whole number ≥ 0", "整数"),
    case(&[("limit", "1"), ("limit", "2")], "limit", "limit: is given more than once", "重复给出"),
    case(&[("sortby", "colour")], "sortby", "sortby: 'colour' is not a queryable of parcels (queryables: …", "不是地块的可查询属性"),
    case(&[("sortby", "geometry")], "sortby", "sortby: features cannot be sorted by their geometry ('geometry')", "排序"),
    case(&[("sortby", "name,-name")], "sortby", "sortby: 'name' is named twice", "两次"),
    case(&[("sortby", "-")], "sortby", "sortby: '-' names an empty property; write e.g. sortby=-area_mu,name", "sortby=-area_mu,name"),
    case(&[("properties", "colour")], "properties", "properties: 'colour' is not a property of parcels (properties: …", "不是地块的属性"),
    Case { codes: &["true", "false"], ..case(&[("skipGeometry", "yes")], "skipGeometry", "skipGeometry: 'yes' is neither true nor false", "既不是 true 也不是 false") },
    Case { codes: &["cql2-text"], ..case(&[("filter-lang", "cql2-json")], "filter-lang", "filter-lang: 'cql2-json' is not supported; use cql2-text", "不支持") },
    Case { codes: PARCEL_PARAMETERS, ..case(&[("colour", "red")], "colour", "colour: is not a parameter of parcels items (known: …", "不是此请求的参数") },
    case(&[("filter", "colour = 'red'")], "filter", "filter: `colour` is not a queryable of this collection (column 1)", "不是此数据集合的可查询属性（第 1 列）"),
    case(
        &[("filter", "status = 'available' status")],
        "filter",
        "filter: expected `AND`, `OR` or the end of the filter at column 22, found `status`",
        "第 22 列语法错误：期望 `AND`、`OR` 或过滤条件的结尾，却遇到 `status`",
    ),
    case(&[("filter", "area_mu >")], "filter", "filter: expected a property or a value at column 10, found end of input", "第 10 列语法错误"),
    case(&[("filter", "area_mu > 'big'")], "filter", "filter: `area_mu` is a number; it cannot be compared with text 'big' (column 11)", "是数字，不能与文本 'big' 比较"),
    case(&[("filter", "status BETWEEN 1 AND 2")], "filter", "filter: BETWEEN needs a number or a date, but `status` is text (column 1)", "需要数字或日期"),
    case(&[("filter", "status = 'a' AND area_mu = 1 + 2")], "filter", "filter: unexpected character `+` (arithmetic is not supported) (column 30)", "不支持算术运算"),
    case(
        &[("filter", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))")],
        "filter",
        "filter: a polygon ring must end at its first point (column 32)",
        "多边形的环必须回到起点",
    ),
    case(
        &[("filter", "S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))")],
        "filter",
        "filter: invalid POLYGON: exterior ring has a self-intersection (column 24)",
        "外环自相交",
    ),
    case(
        &[("filter", "S_INTERSECTS(geometry, BBOX(1, 2, 3))")],
        "filter",
        "filter: BBOX needs 4 numbers (minx, miny, maxx, maxy), found 3 (column 24)",
        "BBOX 需要 4 个数字",
    ),
    case(
        &[("filter", "S_INTERSECTS(geometry, POINT(90 180))")],
        "filter",
        "filter: a geometry in CRS84 cannot be used: (90, 180) lies off the globe: longitude must be within ±180 and latitude within ±90",
        "超出地球范围",
    ),
    case(&[("filter", "status = 'a'"), ("filter-crs", "EPSG:9999")], "filter-crs", "filter-crs: EPSG:9999 is not offered; use one of …", "不提供 EPSG:9999"),
];


fn items_problem(query: &[(&str, &str)], languages: Option<&str>) -> (u16, Value) {
    let query: Vec<String> = query.iter().map(|(n, v)| format!("{n}={}", urlencode(v))).collect();
    let mut request = ureq::get(&format!("{}/collections/parcels/items?{}", base(), query.join("&")));
    if let Some(languages) = languages {
        request = request.set("Accept-Language", languages);
    }
    let (status, _, body) = answer(request.call());
    (status, body)
}


/// The English words (4 ASCII letters or more) of `detail` that are not `allowed` (names,
/// values and codes) and not CRS, CQL2, WKT or GeoJSON; `uris` (CRS URIs) and API paths are
/// left out first.
fn english_words(detail: &str, allowed: &HashSet<String>, uris: &[String]) -> Vec<String> {
    let mut text = detail.to_string();
    for uri in uris {
        text = text.replace(uri.as_str(), " ");
    }
    while let Some(start) = text.find("/api/") {
        let end = text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || "/_-".contains(c))).map_or(text.len(), |n| start + n);
        text.replace_range(start..end, " ");
    }
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().filter(char::is_ascii_alphabetic).count() >= 4)
        .filter(|w| !["CRS", "CQL2", "WKT", "GeoJSON"].contains(w) && !allowed.contains(*w))
        .map(str::to_string)
        .collect()
}

/// Every name and value of a query, split into words as [`english_words`] splits.
fn words_of<'q>(query: &'q [(&'q str, &'q str)]) -> impl Iterator<Item = String> + 'q {
    query
        .iter()
        .flat_map(|(n, v)| [*n, *v])
        .flat_map(|t| t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')))
        .map(|w| w.trim_matches('-').to_string())
}

/// The property and queryable names of parcels (the confidential ones too: `properties`
/// lists every name), and the CRS URIs the service offers.
fn parcel_names() -> (HashSet<String>, Vec<String>) {
    let get = |path: &str| answer(ureq::get(&format!("{}{path}", base())).call()).2;
    let mut names: HashSet<String> = get("/collections/parcels/queryables")["properties"].as_object().unwrap().keys().cloned().collect();
    names.extend(<Parcel as Collected>::property_names().into_iter().map(str::to_string));
    let uris = get("/collections/parcels")["crs"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect();
    (names, uris)
}

#[test]
fn english_words_finds_what_is_not_allowed() {
    let allowed: HashSet<String> = ["colour".to_string()].into();
    let uris = ["http://www.opengis.net/def/crs/OGC/1.3/CRS84".to_string()];
    let words = |d: &str| english_words(d, &allowed, &uris);
    assert!(words("参数 filter：`colour` 不是此数据集合的可查询属性（第 1 列）").contains(&"filter".to_string()));
    assert_eq!(words("`colour` 不是 CQL2 或 GeoJSON；请用 http://www.opengis.net/def/crs/OGC/1.3/CRS84（见 /api/v1/industries）"), Vec::<String>::new());
    assert_eq!(words("'x' is not a list of numbers"), ["list", "numbers"]);
    assert_eq!(words("bbox=-area_mu,name"), ["bbox", "area_mu", "name"]);
}

#[test]
fn every_items_problem_reads_whole_in_chinese() {
    let (names, uris) = parcel_names();
    let mut failures = Vec::new();
    for c in CASES {
        let (status, body) = items_problem(c.query, Some(ZH));
        assert_eq!((status, body["parameter"].as_str()), (400, Some(c.parameter)), "{:?}: {body}", c.query);
        assert_eq!(body["title"], "请求有误", "{:?}", c.query);
        let detail = body["detail"].as_str().unwrap();
        let mut allowed: HashSet<String> = names.iter().cloned().chain(words_of(c.query)).collect();
        allowed.extend(std::iter::once(&c.parameter).chain(c.codes).map(|w| w.to_string()));
        let english = english_words(detail, &allowed, &uris);
        if !has_cjk(detail) || !english.is_empty() || !detail.contains(c.chinese) || !detail.starts_with(&format!("参数 {}：", c.parameter)) {
            failures.push(format!("{:?}\n  {detail}\n  English words: {english:?}; wanted {:?}", c.query, c.chinese));
        }
    }
    assert!(failures.is_empty(), "{} of {} not in Chinese:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn the_same_requests_keep_their_english_detail() {
    for c in CASES {
        for languages in [None, Some("en-US,en;q=0.9,zh;q=0.8")] {
            let (status, body) = items_problem(c.query, languages);
            assert_eq!((status, body["parameter"].as_str(), body["title"].as_str()), (400, Some(c.parameter), Some("Bad Request")), "{:?}: {body}", c.query);
            let detail = body["detail"].as_str().unwrap();
            match c.english.strip_suffix('…') {
                Some(start) => assert!(detail.starts_with(start), "{:?}:\n  {detail}\n  wanted {start}…", c.query),
                None => assert_eq!(detail, c.english, "{:?}", c.query),
            }
        }
    }
}
