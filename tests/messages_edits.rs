//! Problems of edits and tiles for a client that reads Chinese (issue 17 item 12): with
//! `Accept-Language: zh` the same status and problem type, and a `detail` in Chinese; without
//! it, the English texts as before. The validation report's Chinese reasons are checked on
//! the report itself.

use crate::common;

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};

use chanye::inventory::{edit, load_dir_strict, LayerName, LayerSource, NoProgress, Report, Severity, SnapshotCell};
use chanye::model::Role;
use chanye::store::{Dataset, GpkgStore, Import, Store};
use serde_json::{json, Value};

const CHINESE: &str = "zh-CN,zh;q=0.9";

struct Server {
    url: String,
    promoter: String,
    editor: String,
    _dir: tempfile::TempDir,
}

/// A server over a store of its own, seeded from the sample.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = GpkgStore::create(&dir.path().join("store.gpkg")).unwrap();
        store.import(&Dataset::from_dir(&common::sample_dir()).unwrap(), &Import::default()).unwrap();
        let promoter = store.create_token("promoter-zh", Role::Promoter, &chanye::model::Scope::City).unwrap();
        let editor = store.create_token("editor-zh", Role::Editor, &chanye::model::Scope::City).unwrap();
        let cell = Arc::new(SnapshotCell::new(store.snapshot().unwrap().snapshot));
        let store: Arc<dyn Store> = Arc::new(store);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || chanye::http::run(cell, Some(store), listener, chanye::http::Settings::default()));
        for _ in 0..100 {
            if ureq::get(&format!("{url}/healthz")).call().is_ok() {
                return Server { url, promoter, editor, _dir: dir };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the server did not come up");
    })
}

/// One request, in Chinese or not: the status and the JSON body (null when there is none).
fn call(method: &str, path: &str, token: Option<&str>, if_match: Option<&str>, body: Option<&Value>, chinese: bool) -> (u16, Value) {
    let mut request = ureq::request(method, &format!("{}{path}", server().url));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(tag) = if_match {
        request = request.set("If-Match", tag);
    }
    if chinese {
        request = request.set("Accept-Language", CHINESE);
    }
    let response = common::response(match body {
        Some(body) => request.set("Content-Type", "application/json").send_string(&body.to_string()),
        None => request.call(),
    });
    let status = response.status();
    (status, serde_json::from_str(&response.into_string().unwrap()).unwrap_or(Value::Null))
}

/// Whether `text` reads as Chinese: it holds CJK characters, and every Latin word of four
/// letters or more in it is one of `given` (property names, ids, codes and values that the
/// request gave). Says why not.
fn reads_as_chinese(text: &str, given: &[&str]) -> Result<(), String> {
    if !crate::common::has_cjk(text) {
        return Err(format!("no Chinese in '{text}'"));
    }
    let mut rest = text.to_string();
    // longest first, so that a name is not cut by a shorter one inside it
    let mut given = given.to_vec();
    given.sort_by_key(|g| std::cmp::Reverse(g.len()));
    for g in given {
        rest = rest.replace(g, " ");
    }
    let english: Vec<&str> = rest.split(|c: char| !(c.is_ascii_alphabetic() || c == '_')).filter(|w| w.len() >= 4).collect();
    if english.is_empty() {
        Ok(())
    } else {
        Err(format!("English words {english:?} in '{text}'"))
    }
}

#[test]
fn the_chinese_check_tells_chinese_from_english() {
    assert!(reads_as_chinese("缺少必填属性", &[]).is_ok());
    assert!(reads_as_chinese("地块 T-ZH-1 [supply_modes]：缺少必填属性", &["T-ZH-1", "supply_modes"]).is_ok());
    assert!(reads_as_chinese("地块 T-ZH-1 [supply_modes]：缺少必填属性", &["T-ZH-1"]).is_err(), "a property name not given");
    assert!(reads_as_chinese("数据未通过校验：required property is missing", &[]).is_err());
    assert!(reads_as_chinese("zoom 17 is beyond the maximum zoom", &[]).is_err(), "no Chinese at all");
    assert!(reads_as_chinese("园区 'no-such-park' 不存在", &["no-such-park"]).is_ok());
}

/// Asks in English and in Chinese: the same status and type, the English detail as given
/// and the Chinese one reading as Chinese. Returns the Chinese detail.
fn both(method: &str, path: &str, token: Option<&str>, if_match: Option<&str>, body: Option<&Value>, english: &str, given: &[&str]) -> String {
    let (status, en) = call(method, path, token, if_match, body, false);
    let (status_zh, zh) = call(method, path, token, if_match, body, true);
    let case = format!("{method} {path}");
    assert_eq!((status_zh, &zh["type"]), (status, &en["type"]), "{case}: {en} / {zh}");
    assert_eq!(en["detail"].as_str(), Some(english), "{case}: the English detail is as before");
    let detail = zh["detail"].as_str().unwrap_or_default().to_string();
    if let Err(why) = reads_as_chinese(&detail, given) {
        panic!("{case}: {why}");
    }
    detail
}

/// A sample parcel under a new id, as a client sends it (no computed areas).
fn parcel(id: &str) -> Value {
    let mut feature = common::features(&common::sample_layer("parcels"))[0].clone();
    feature["id"] = json!(id);
    let properties = feature["properties"].as_object_mut().unwrap();
    properties.insert("id".into(), json!(id));
    properties.remove("area_m2");
    properties.remove("area_mu");
    feature
}

/// A square of about 100 m at `(lon, lat)`.
fn square(lon: f64, lat: f64) -> Value {
    let d = 0.001;
    json!({ "type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] })
}

/// Parcels of the sample with a status, in file order.
fn parcels_with(status: &str) -> Vec<String> {
    let features = common::features(&common::sample_layer("parcels"));
    features.iter().filter(|f| f["properties"]["status"] == status).map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

const ITEMS: &str = "/collections/parcels/items";

#[test]
fn an_invalid_parcel_is_refused_in_chinese() {
    let editor = Some(server().editor.as_str());

    let mut bow_tie = parcel("T-ZH-BOW");
    bow_tie["geometry"] = json!({ "type": "Polygon", "coordinates": [[[116.85, 40.37], [116.86, 40.38], [116.86, 40.37], [116.85, 40.38], [116.85, 40.37]]] });
    let zh = both("POST", ITEMS, editor, None, Some(&bow_tie), "error: parcels T-ZH-BOW [geometry]: exterior ring intersects itself", &["T-ZH-BOW", "geometry"]);
    assert_eq!(zh, "错误：地块 T-ZH-BOW [geometry]：外环自相交");

    // far from every district, and naming none
    let mut outside = parcel("T-ZH-OUT");
    outside["geometry"] = square(100.0, 30.0);
    for key in ["district", "park", "zone"] {
        outside["properties"].as_object_mut().unwrap().remove(key);
    }
    let (_, en) = call("POST", ITEMS, editor, None, Some(&outside), false);
    let english = en["detail"].as_str().unwrap();
    assert!(english.starts_with("error: parcels T-ZH-OUT [district]: no district given and none contains the feature (near 100.0"), "{english}");
    let zh = both("POST", ITEMS, editor, None, Some(&outside), english, &["T-ZH-OUT", "district"]);
    assert!(zh.starts_with("错误：地块 T-ZH-OUT [district]：没有给出 district，也没有哪个区包含该要素（位置约为 100.0"), "{zh}");

    let mut no_park = parcel("T-ZH-PARK");
    no_park["properties"]["park"] = json!("no-such-park");
    let zh = both("POST", ITEMS, editor, None, Some(&no_park), "error: parcels T-ZH-PARK [park]: park 'no-such-park' does not exist", &["T-ZH-PARK", "park", "no-such-park"]);
    assert_eq!(zh, "错误：地块 T-ZH-PARK [park]：园区 'no-such-park' 不存在");

    let mut bare = parcel("T-ZH-BARE");
    for key in ["name", "status", "max_far", "supply_modes"] {
        bare["properties"].as_object_mut().unwrap().remove(key);
    }
    let english = ["name", "status", "max_far", "supply_modes"].map(|f| format!("error: parcels T-ZH-BARE [{f}]: required property is missing"));
    let english = english.join("; ").replace(
        "[supply_modes]: required property is missing",
        "[supply_modes]: required property is missing (an array of 出让, 租赁, 先租后让, 弹性年期)",
    );
    let zh = both("POST", ITEMS, editor, None, Some(&bare), &english, &["T-ZH-BARE", "name", "status", "max_far", "supply_modes"]);
    assert_eq!(zh.matches("缺少必填属性").count(), 4, "{zh}");
    assert!(zh.contains("[supply_modes]：缺少必填属性（由 出让、租赁、先租后让、弹性年期 组成的数组）"), "{zh}");

    // none of them was written
    for id in ["T-ZH-BOW", "T-ZH-OUT", "T-ZH-PARK", "T-ZH-BARE"] {
        assert_eq!(call("GET", &format!("{ITEMS}/{id}"), None, None, None, false).0, 404, "{id}");
    }
}

#[test]
fn refused_and_stale_status_changes_in_chinese() {
    let s = server();
    let path = |id: &str| format!("/api/v1/parcels/{id}/status");
    let available = parcels_with("available");
    let promoter = Some(s.promoter.as_str());

    let sold = json!({ "status": "sold" });
    let zh = both(
        "POST",
        &path(&available[0]),
        promoter,
        Some("\"v1\""),
        Some(&sold),
        "available → sold is not an allowed transition (available → negotiating → reserved → leased/sold; negotiating/reserved → available; leased → available; any → idle by editors)",
        &[],
    );
    assert_eq!(zh, "状态不能从 可供应 改为 已出让（允许：可供应 → 洽谈中 → 已预留 → 已出租/已出让；洽谈中/已预留 → 可供应；已出租 → 可供应；编辑人员可把任何状态改为 闲置/低效）");

    // idle is for editors: refused to a promoter by role
    let idle = json!({ "status": "idle" });
    let zh = both("POST", &path(&available[0]), promoter, Some("\"v1\""), Some(&idle), "available → idle is for editors", &[]);
    assert_eq!(zh, "只有编辑人员能把状态从 可供应 改为 闲置/低效");

    let id = &available[1];
    let talks = json!({ "status": "negotiating" });
    let english = format!("parcels '{id}' is at version 1, not 7: read it again and retry");
    let zh = both("POST", &path(id), promoter, Some("\"v7\""), Some(&talks), &english, &[id]);
    assert_eq!(zh, format!("地块 '{id}' 的版本已是 1，不是 7：请重新读取后再试"));

    assert_eq!(call("GET", &format!("{ITEMS}/{}", available[0]), None, None, None, false).1["properties"]["status"], "available", "nothing changed");
}

#[test]
fn a_deleted_feature_is_not_found_in_chinese() {
    let editor = Some(server().editor.as_str());
    let item = format!("{ITEMS}/T-ZH-GONE");
    assert_eq!(call("POST", ITEMS, editor, None, Some(&parcel("T-ZH-GONE")), false).0, 201);
    assert_eq!(call("DELETE", &item, editor, Some("\"v1\""), None, false).0, 204);
    let patch = json!({ "properties": { "name": "改名" } });
    let zh = both("PATCH", &item, editor, Some("\"v1\""), Some(&patch), "there is no feature 'T-ZH-GONE' in parcels", &["T-ZH-GONE"]);
    assert_eq!(zh, "地块中没有要素 'T-ZH-GONE'");
}

/// The two answers the HTTP edge writes itself (`ApiError::PreconditionRequired` and
/// `ApiError::NotFound` in src/http), whose Chinese is wired there.
#[test]
fn a_missing_if_match_and_a_second_delete_in_chinese() {
    let s = server();
    let id = &parcels_with("available")[2];
    let talks = json!({ "status": "negotiating" });
    both("POST", &format!("/api/v1/parcels/{id}/status"), Some(&s.promoter), None, Some(&talks), "send If-Match with the ETag of the feature as you read it", &["If-Match", "ETag"]);
    let item = format!("{ITEMS}/T-ZH-TWICE");
    assert_eq!(call("POST", ITEMS, Some(&s.editor), None, Some(&parcel("T-ZH-TWICE")), false).0, 201);
    assert_eq!(call("DELETE", &item, Some(&s.editor), Some("\"v1\""), None, false).0, 204);
    both("DELETE", &item, Some(&s.editor), Some("\"v1\""), None, "there is no feature 'T-ZH-TWICE' in parcels", &["T-ZH-TWICE"]);
}

#[test]
fn tiles_above_the_maximum_zoom_or_off_the_grid_in_chinese() {
    let zh = both(
        "GET",
        "/tiles/parcels/17/0/0.mvt",
        None,
        None,
        None,
        "z: zoom 17 is beyond the maximum zoom, 16 (TileJSON maxzoom); clients overzoom the zoom-16 tiles",
        &[],
    );
    assert_eq!(zh, "z：缩放级别 17 超过最大级别 16；客户端应放大显示 16 级的瓦片");
    let zh = both("GET", "/tiles/parcels/3/8/0.mvt", None, None, None, "x: column 8 is off the grid at zoom 3 (0–7)", &[]);
    assert_eq!(zh, "x：第 8 列不在 3 级的瓦片网格上（0–7）");
    let zh = both("GET", "/tiles/parcels/3/0/9.mvt", None, None, None, "y: row 9 is off the grid at zoom 3 (0–7)", &[]);
    assert_eq!(zh, "y：第 9 行不在 3 级的瓦片网格上（0–7）");
    let english = "crs: tiles come in Web Mercator over WGS84 (the default) or over GCJ-02 (crs=gcj02), not bd09";
    let zh = both("GET", "/tiles/parcels/14/13500/6200.mvt?crs=bd09", None, None, None, english, &["crs=gcj02"]);
    assert!(zh.contains("不提供 bd09"), "{zh}");
}

/// The report of a create that fails, as the HTTP edge sees it.
fn refused_report(body: &Value) -> Report {
    let snapshot = load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    match edit::create(&snapshot, LayerName::Parcels, body) {
        Err(chanye::inventory::EditError::Invalid(report)) => report,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_report_in_chinese_is_the_english_json_with_chinese_reasons() {
    let mut bow_tie = parcel("T-ZH-R1");
    bow_tie["geometry"] = json!({ "type": "Polygon", "coordinates": [[[116.85, 40.37], [116.86, 40.38], [116.86, 40.37], [116.85, 40.38], [116.85, 40.37]]] });
    let mut bare = parcel("T-ZH-R2");
    bare["properties"].as_object_mut().unwrap().remove("status");
    bare["properties"]["land_use"] = json!("X9");
    let twice = parcel("T-ZH-R2");
    let report = refused_report(&common::collection(vec![bow_tie, bare, twice]));

    let english = json!(report.errors().collect::<Vec<_>>());
    let chinese = report.errors_zh_json();
    let (english, chinese) = (english.as_array().unwrap(), chinese.as_array().unwrap());
    assert_eq!(english.len(), 4, "{english:?}");
    assert_eq!(chinese.len(), english.len());
    for (en, zh) in english.iter().zip(chinese) {
        let keys: Vec<&String> = en.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["severity", "layer", "feature", "field", "reason"], "the English JSON keeps its members: {en}");
        let (mut en_rest, mut zh_rest) = (en.clone(), zh.clone());
        en_rest.as_object_mut().unwrap().remove("reason");
        zh_rest.as_object_mut().unwrap().remove("reason");
        assert_eq!(zh_rest, en_rest, "only the reason differs");
        let (reason, reason_zh) = (en["reason"].as_str().unwrap(), zh["reason"].as_str().unwrap());
        assert_ne!(reason, reason_zh);
        if let Err(why) = reads_as_chinese(reason_zh, &["T-ZH-R2", "X9"]) {
            panic!("{why}");
        }
    }
    let reason_of = |field: &str| chinese.iter().find(|p| p["field"] == field).map(|p| p["reason"].as_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(reason_of("geometry"), "外环自相交");
    assert_eq!(reason_of("status"), "缺少必填属性");
    assert!(reason_of("land_use").starts_with("'X9' 不是可用的值（可用：M1、M4、M1/M4，或 GB 50137 的用地代码"), "{}", reason_of("land_use"));
    assert_eq!(reason_of("id"), "id 'T-ZH-R2' 重复（要素 #1 已在用）");
    assert!(english.iter().any(|p| p["reason"] == "duplicate id 'T-ZH-R2' (first used by feature #1)"), "{english:?}");
}

#[test]
fn the_datum_warning_has_a_chinese_reason() {
    let snapshot = load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    let mut parcels = common::sample_layer("parcels");
    for f in parcels["features"].as_array_mut().unwrap() {
        common::map_coords(&mut f["geometry"], &|x, y| {
            let c = chanye::geometry::china::wgs84_to_gcj02(geo::Coord { x, y });
            (c.x, c.y)
        });
    }
    let source = LayerSource { layer: LayerName::Parcels, origin: "parcels.geojson".into(), text: parcels.to_string() };
    let mut report = Report::default();
    chanye::inventory::load::decode_spaces(&snapshot, &[source], &mut report, &NoProgress);
    let warning = report.problems.iter().find(|p| p.field.as_deref() == Some("crs")).expect("a datum warning");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.reason_zh.starts_with("本图层可能是高德/腾讯地图的 GCJ-02坐标而未声明 crs：按原坐标只有 "), "{}", warning.reason_zh);
    if let Err(why) = reads_as_chinese(&warning.reason_zh, &["crs", "FeatureCollection"]) {
        panic!("{why}");
    }
    // the English reason is as before: both languages, Chinese first
    assert!(warning.reason.starts_with(&warning.reason_zh) && warning.reason.contains("(this layer looks like GCJ-02 coordinates"), "{}", warning.reason);
    assert!(warning.zh().starts_with("警告：地块 [crs]：本图层"), "{}", warning.zh());
}
