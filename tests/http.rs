//! The HTTP API driven over a real socket: the server runs on 127.0.0.1 in this process and
//! a plain HTTP client talks to it.

use crate::common;

use common::{answer, response, sample_server as base};
use serde_json::Value;

fn post(path: &str, body: &str) -> (u16, String, Value) {
    answer(ureq::post(&format!("{}{path}", base())).set("Content-Type", "application/json").send_string(body))
}

fn get(path: &str) -> (u16, String, Value) {
    answer(ureq::get(&format!("{}{path}", base())).call())
}

const DEVICES: &str = r#"{"name": "美中双和", "industry": "医疗器械", "space": "land", "land_area_mu": {"min": 20}}"#;

#[test]
fn match_returns_ranked_candidates_with_reasons() {
    let (status, kind, body) = post("/api/v1/match", DEVICES);
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let candidates = body["candidates"].as_array().unwrap();
    assert!(!candidates.is_empty());
    assert_eq!(candidates[0]["rank"], 1);
    assert!(candidates[0]["criteria"][0]["reason_zh"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(body["excluded_counts"].is_object());
}

#[test]
fn match_as_geojson_when_asked() {
    let response = ureq::post(&format!("{}/api/v1/match", base())).set("Accept", "application/geo+json").send_string(DEVICES);
    let (status, kind, body) = answer(response);
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    assert_eq!(body["type"], "FeatureCollection");
    let (_, _, plain) = post("/api/v1/match", DEVICES);
    assert_eq!(body["features"].as_array().unwrap().len(), plain["candidates"].as_array().unwrap().len());
    assert_eq!(body["features"][0]["properties"]["rank"], 1);
}

#[test]
fn bad_match_requests_are_problems_naming_the_field() {
    let (status, kind, body) = post("/api/v1/match", r#"{"industry": "造船"}"#);
    assert_eq!((status, kind.as_str()), (422, "application/problem+json"));
    assert_eq!(body["field"], "industry");
    assert_eq!(body["status"], 422);
    assert!(body["detail"].as_str().unwrap().contains("造船"));
    let (status, kind, body) = post("/api/v1/match", r#"{"industry": "#);
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    assert!(body["type"].as_str().unwrap().starts_with("urn:chanye:problem:"));
    let (status, _, body) = post("/api/v1/match", r#"{"industry": "医疗器械", "land_area_mu": {"min": 50, "max": 10}}"#);
    assert_eq!((status, body["field"].as_str()), (422, Some("land_area_mu")));
    // the reasons speak of the input, not of Rust's types
    for (request, field, words) in [
        (r#"{"industry": "医疗器械", "land_area_mu": "big"}"#, "land_area_mu", "expected a range such as"),
        (r#"{"industry": "医疗器械", "land_area_mu": {"min": "a"}}"#, "land_area_mu.min", "expected a number"),
        (r#"[]"#, "body", "expected a project object"),
    ] {
        let (status, _, body) = post("/api/v1/match", request);
        let detail = body["detail"].as_str().unwrap();
        assert_eq!((status, body["field"].as_str()), (422, Some(field)), "{body}");
        assert!(detail.contains(words) && !detail.contains("struct") && !detail.contains("f64"), "{detail}");
    }
    let (status, _, body) = post("/api/v1/match?f=x", DEVICES);
    assert_eq!(status, 400);
    assert!(!body["detail"].as_str().unwrap().contains('`'), "{body}");
}

#[test]
fn districts_are_ranked_for_the_first_talk() {
    let (status, _, body) = post("/api/v1/recommend-districts", DEVICES);
    assert_eq!(status, 200);
    let districts = body["districts"].as_array().unwrap();
    assert_eq!(districts.len(), 16);
    assert_eq!(districts[0]["rank"], 1);
}

#[test]
fn industries_are_searchable() {
    let (status, _, all) = get("/api/v1/industries");
    assert_eq!(status, 200);
    let (_, _, found) = get("/api/v1/industries?q=%E5%8C%BB%E7%96%97"); // 医疗
    let found = found["industries"].as_array().unwrap();
    assert!(!found.is_empty() && found.len() < all["industries"].as_array().unwrap().len());
    assert!(found.iter().all(|e| e.to_string().contains("医疗")), "{found:?}");
    // the tree holds every category once, and a search keeps each match under its category
    let tree = all["tree"].as_array().unwrap();
    let categories = all["industries"].as_array().unwrap().iter().filter(|e| e["level"] == "category").count();
    assert_eq!(tree.len(), categories);
    let (_, _, devices) = get("/api/v1/industries?q=%E5%BF%83%E8%A1%80%E7%AE%A1"); // 心血管
    let tree = devices["tree"].as_array().unwrap();
    assert_eq!(tree.len(), 1, "{tree:?}");
    assert_eq!(tree[0]["code"], "health");
    assert_eq!(tree[0]["children"][0]["children"][0]["code"], "health.devices.cardiovascular");
    let (status, kind, body) = get("/api/v1/industries?lang=en");
    assert_eq!((status, kind.as_str()), (400, "application/problem+json"));
    assert_eq!(body["parameter"], "lang", "{body}");
}

#[test]
fn policies_list_every_measure_with_its_source() {
    let (status, _, body) = get("/api/v1/policies");
    assert_eq!(status, 200);
    let (measures, others) = (body["measures"].as_array().unwrap(), body["others"].as_array().unwrap());
    let shipped: Value = serde_json::from_str(&std::fs::read_to_string(common::sample_dir().join("policies.json")).unwrap()).unwrap();
    assert_eq!(measures.len() + others.len(), shipped["measures"].as_array().unwrap().len());
    assert!(measures.iter().chain(others).all(|m| m["document"].is_string() && m["item"].is_string() && m["quote_zh"].is_string() && m["line"].is_u64()));
    assert!(measures.iter().all(|m| m["beneficiary"] == "project") && others.iter().all(|m| m["beneficiary"] != "project"));
}

#[test]
fn bodies_over_the_limit_get_413_as_a_problem() {
    let big = format!(r#"{{"industry": "医疗器械", "name": "{}"}}"#, "x".repeat(70 * 1024));
    let (status, kind, body) = post("/api/v1/match", &big);
    assert_eq!((status, kind.as_str()), (413, "application/problem+json"));
    assert_eq!(body["type"], "urn:chanye:problem:body-too-large");
    assert!(body["detail"].as_str().unwrap().contains("65536"), "{body}");
    let wrong = common::response(ureq::request("DELETE", &format!("{}/api/v1/policies", base())).call());
    assert_eq!((wrong.status(), wrong.content_type()), (405, "application/problem+json"));
    assert_eq!(wrong.header("Allow"), Some("GET"));
    let wrong = common::response(ureq::get(&format!("{}/api/v1/match", base())).call());
    assert_eq!((wrong.status(), wrong.header("Allow")), (405, Some("POST")));
    let (status, kind, body) = get("/no/such/route");
    assert_eq!((status, kind.as_str(), body["type"].as_str()), (404, "application/problem+json", Some("urn:chanye:problem:not-found")));
}

#[test]
fn cors_admits_the_configured_origin_only() {
    let url = format!("{}/collections", base());
    let allowed = common::response(ureq::get(&url).set("Origin", "https://map.example.cn").call());
    assert_eq!(allowed.header("Access-Control-Allow-Origin"), Some("https://map.example.cn"));
    // any other origin may read anonymously, as a MapLibre page elsewhere does
    let other = common::response(ureq::get(&url).set("Origin", "https://elsewhere.example.com").call());
    assert_eq!(other.header("Access-Control-Allow-Origin"), Some("https://elsewhere.example.com"));
    let tokened = common::response(ureq::get(&url).set("Origin", "https://elsewhere.example.com").set("Authorization", "Bearer x").call());
    assert_eq!(tokened.header("Access-Control-Allow-Origin"), None, "an authorised read is not for any origin");
    let preflight = |origin: &str, method: &str, headers: &str| {
        common::response(
            ureq::request("OPTIONS", &format!("{}/collections/parcels/items/x", base()))
                .set("Origin", origin)
                .set("Access-Control-Request-Method", method)
                .set("Access-Control-Request-Headers", headers)
                .call(),
        )
    };
    assert_eq!(preflight("https://elsewhere.example.com", "GET", "accept").status(), 200);
    for (method, headers) in [("PATCH", "if-match, content-type"), ("GET", "authorization")] {
        let refused = preflight("https://elsewhere.example.com", method, headers);
        assert_eq!((refused.status(), refused.content_type()), (403, "application/problem+json"), "{method} {headers}");
        let detail = refused.into_string().unwrap();
        assert!(detail.contains("--cors-origin https://elsewhere.example.com") && detail.contains("only read public data anonymously"), "{detail}");
    }
    // in Chinese for a browser that reads Chinese first
    let refused = common::response(
        ureq::request("OPTIONS", &format!("{}/collections/parcels/items/x", base()))
            .set("Origin", "https://elsewhere.example.com")
            .set("Access-Control-Request-Method", "PATCH")
            .set("Accept-Language", "zh-CN,zh;q=0.9")
            .call(),
    );
    let detail = refused.into_string().unwrap();
    assert!(detail.contains("--cors-origin https://elsewhere.example.com") && detail.contains("只能匿名读取"), "{detail}");
    let preflight = common::response(
        ureq::request("OPTIONS", &format!("{}/api/v1/match", base()))
            .set("Origin", "https://map.example.cn")
            .set("Access-Control-Request-Method", "POST")
            .set("Access-Control-Request-Headers", "content-type")
            .call(),
    );
    assert_eq!(preflight.status(), 200);
    assert!(preflight.header("Access-Control-Allow-Methods").is_some_and(|m| m.contains("POST")));
    // an editing front-end on that origin may patch, replace and delete (with a token and If-Match)
    for method in ["PATCH", "PUT", "DELETE"] {
        let preflight = common::response(
            ureq::request("OPTIONS", &format!("{}/collections/parcels/items/x", base()))
                .set("Origin", "https://map.example.cn")
                .set("Access-Control-Request-Method", method)
                .set("Access-Control-Request-Headers", "authorization, if-match, content-type")
                .call(),
        );
        assert_eq!(preflight.status(), 200, "{method}");
        assert!(preflight.header("Access-Control-Allow-Methods").is_some_and(|m| m.contains(method)), "{method}");
    }
}

#[test]
fn responses_are_compressed_when_the_client_accepts_it() {
    let url = format!("{}/collections/parcels/items?limit=100", base());
    let gzip = common::response(ureq::get(&url).set("Accept-Encoding", "gzip").call());
    assert_eq!(gzip.header("Content-Encoding"), Some("gzip"));
    let br = common::response(ureq::get(&url).set("Accept-Encoding", "br").call());
    assert_eq!(br.header("Content-Encoding"), Some("br"));
    let plain = common::response(ureq::get(&url).call());
    assert_eq!(plain.header("Content-Encoding"), None);
}

#[test]
fn readiness_and_metrics() {
    let (status, _, body) = get("/readyz");
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    get("/collections/parcels/items?limit=1");
    let metrics = common::response(ureq::get(&format!("{}/metrics", base())).call());
    assert_eq!(metrics.content_type(), "text/plain");
    let text = metrics.into_string().unwrap();
    assert!(text.contains(r#"chanye_inventory_features{layer="parcels"} 300"#), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("chanye_http_requests_total") && l.contains(r#"route="/collections/{collectionId}/items""#) && l.contains(r#"status="200""#))
        .unwrap_or_else(|| panic!("no items counter in\n{text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 1.0);
    assert!(text.contains("chanye_http_request_duration_seconds_bucket"));
}

#[test]
fn stats_summarise_by_district_park_zone_land_use_status_and_industry() {
    let (status, _, body) = get("/api/v1/stats");
    assert_eq!((status, body["counts"]["parcels"].as_u64()), (200, Some(300)));
    let parcels: u64 = body["by_status"].as_array().unwrap().iter().map(|r| r["parcels"].as_u64().unwrap()).sum();
    assert_eq!(parcels, 300);
    let in_parks: u64 = body["by_park"].as_array().unwrap().iter().map(|r| r["parcels"].as_u64().unwrap()).sum();
    let sample = common::sample_layer("parcels");
    let expected = sample["features"].as_array().unwrap().iter().filter(|f| f["properties"]["park"].is_string()).count() as u64;
    assert_eq!(in_parks, expected);
    assert!(body["by_zone"].as_array().unwrap().iter().any(|r| r["parcels"].as_u64().unwrap() > 0));
    assert!(body["by_industry"].as_array().unwrap().iter().any(|r| r["key"] == "health" && r["available_area_mu"].as_f64().unwrap() > 0.0));
    let (status, _, body) = get("/api/v1/stats?district=110118");
    assert_eq!((status, body["parameter"].as_str()), (400, Some("district")));
}

#[test]
fn exports_follow_the_item_filters() {
    let url = |q: &str| format!("{}/api/v1/export/parcels?{q}", base());
    let csv = common::response(ureq::get(&url("format=csv&status=available")).call());
    assert_eq!(csv.content_type(), "text/csv");
    assert!(csv.header("Content-Disposition").unwrap().contains("parcels.csv"));
    let text = csv.into_string().unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("WKT,id,name,status"), "{header}");
    let sample = common::sample_layer("parcels");
    let available = sample["features"].as_array().unwrap().iter().filter(|f| f["properties"]["status"] == "available").count();
    assert_eq!(lines.count(), available);

    let (status, kind, fc) = answer(ureq::get(&url("format=geojson&district=110118")).call());
    assert_eq!((status, kind.as_str()), (200, "application/geo+json"));
    assert!(fc["features"].as_array().unwrap().iter().all(|f| f["properties"]["district"] == "110118"));

    let xlsx = common::response(ureq::get(&url("format=xlsx&limit=3")).call());
    assert_eq!(xlsx.status(), 400, "exports take no paging");
    let xlsx = common::response(ureq::get(&url("format=xlsx")).call());
    assert_eq!(xlsx.content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut xlsx.into_reader(), &mut bytes).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // district outlines are longer than an Excel cell: the sheet carries a point inside each
    let districts = common::response(ureq::get(&format!("{}/api/v1/export/districts?format=xlsx", base())).call());
    assert_eq!(districts.status(), 200);
    let (status, _, body) = answer(ureq::get(&url("format=shp")).call());
    assert_eq!((status, body["parameter"].as_str()), (400, Some("format")));
}

#[test]
fn match_results_as_csv_and_xlsx_with_chinese_headers() {
    let csv = common::response(ureq::post(&format!("{}/api/v1/match?format=csv", base())).send_string(DEVICES));
    assert_eq!(csv.content_type(), "text/csv");
    let text = csv.into_string().unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap().to_string();
    assert!(header.starts_with("排名,编号,类型,名称,总分") && header.contains("产业匹配得分"), "{header}");
    let (_, _, plain) = post("/api/v1/match", DEVICES);
    let first_id = plain["candidates"][0]["id"].as_str().unwrap();
    assert!(text.lines().nth(1).unwrap().starts_with(&format!("1,{first_id},")), "{text}");
    assert!(text.contains("近似候选"));
    let xlsx = common::response(ureq::post(&format!("{}/api/v1/match?format=xlsx", base())).send_string(DEVICES));
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.header("Content-Disposition").unwrap().contains("match.xlsx"));
}

#[test]
fn match_reads_and_writes_gcj02_for_chinese_maps() {
    let (_, _, wgs) = post("/api/v1/match", DEVICES);
    let (status, _, gcj) = post("/api/v1/match?crs=gcj02", DEVICES);
    assert_eq!(status, 200);
    let first = |v: &Value| v["candidates"][0]["geometry"]["coordinates"][0][0][0].clone();
    let (w, g) = (first(&wgs), first(&gcj));
    let dx = g[0].as_f64().unwrap() - w[0].as_f64().unwrap();
    assert!((dx - 0.0062).abs() < 0.001, "GCJ-02 lies about 0.006° east in Beijing: {w} {g}");
    // a point given in GCJ-02 is the same place as its WGS84 original
    let near = |lon: f64, lat: f64| format!(r#"{{"industry": "医疗器械", "near": {{"lon": {lon}, "lat": {lat}, "max_km": 5}}}}"#);
    let (_, _, a) = post("/api/v1/match", &near(116.85, 40.38));
    let (_, _, b) = post("/api/v1/match?crs=gcj02", &near(116.85 + 0.00617, 40.38 + 0.00128));
    let ids = |v: &Value| v["candidates"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b));
    let (status, _, body) = post("/api/v1/match?crs=mars", DEVICES);
    assert_eq!((status, body["parameter"].as_str()), (400, Some("crs")));
}

#[test]
fn browsers_get_the_map_page_and_gis_clients_the_landing_page() {
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let page = response(ureq::get(&format!("{}/", base())).set("Accept", browser).call());
    assert_eq!((page.status(), page.content_type()), (200, "text/html"));
    let html = page.into_string().unwrap();
    assert!(html.contains("产业地图"), "{html}");
    for accept in ["application/json", "*/*"] {
        let (status, kind, landing) = answer(ureq::get(&format!("{}/", base())).set("Accept", accept).call());
        assert_eq!((status, kind.as_str()), (200, "application/json"), "Accept: {accept}");
        assert!(landing["links"].is_array());
    }
    // f=json wins over a browser's Accept
    let (_, kind, _) = answer(ureq::get(&format!("{}/?f=json", base())).set("Accept", browser).call());
    assert_eq!(kind, "application/json");
    let same = response(ureq::get(&format!("{}/map/", base())).call()).into_string().unwrap();
    assert_eq!(same, html);
    let moved = ureq::AgentBuilder::new().redirects(0).build().get(&format!("{}/map", base())).call();
    let moved = response(moved);
    assert_eq!((moved.status(), moved.header("Location")), (308, Some("/map/")));
    let (status, _, config) = answer(ureq::get(&format!("{}/map/config.json", base())).call());
    assert_eq!((status, &config), (200, &serde_json::json!({ "basemap": null })));
    for missing in ["/map/no-such-file.js", "/map/..%2FCargo.toml"] {
        let (status, kind, _) = answer(ureq::get(&format!("{}{missing}", base())).call());
        assert_eq!((status, kind.as_str()), (404, "application/problem+json"), "{missing}");
    }
}

#[test]
fn head_answers_as_get_without_a_body() {
    for (path, status) in [("/map/", 200), ("/collections", 200), ("/tiles/parcels.json", 200), ("/no-such-route", 404)] {
        let r = response(ureq::request("HEAD", &format!("{}{path}", base())).call());
        assert_eq!(r.status(), status, "HEAD {path}");
        assert!(r.into_string().unwrap().is_empty(), "HEAD {path} has no body");
    }
}

/// Status, problem body, `Content-Language` and `Vary` of a GET in the given languages.
fn in_language(path: &str, languages: Option<&str>) -> (u16, Value, Option<String>, String) {
    let mut request = ureq::get(&format!("{}{path}", base()));
    if let Some(languages) = languages {
        request = request.set("Accept-Language", languages);
    }
    let r = response(request.call());
    let (status, language) = (r.status(), r.header("Content-Language").map(str::to_string));
    let vary = r.all("Vary").join(",");
    let body: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    (status, body, language, vary)
}

#[test]
fn problems_are_in_chinese_for_clients_that_read_chinese_first() {
    let zh = Some("zh-CN,zh;q=0.9,en;q=0.8");
    // a parameter error: the kind and the parameter in Chinese, same type and status
    let (status, body, language, vary) = in_language("/collections/parcels/items?bbox=1,2,3", zh);
    assert_eq!((status, body["type"].as_str(), body["parameter"].as_str()), (400, Some("urn:chanye:problem:invalid-parameter"), Some("bbox")));
    assert_eq!(body["title"], "请求有误");
    assert!(body["detail"].as_str().unwrap().starts_with("参数 bbox：需要 4 个数字"), "{body}");
    assert_eq!(language.as_deref(), Some("zh"));
    assert!(vary.contains("Accept-Language"), "{vary}");
    // an unknown parameter, whole in Chinese
    let (_, body, _, _) = in_language("/collections/parcels/items?colour=red", zh);
    assert!(body["detail"].as_str().unwrap().contains("colour：不是此请求的参数"), "{body}");
    // actix's own answers too: no route, and the method not allowed keeps its Allow header
    let (status, body, _, _) = in_language("/no/such/route", zh);
    assert_eq!((status, body["title"].as_str()), (404, Some("未找到")));
    assert!(body["detail"].as_str().unwrap().contains("没有资源"), "{body}");
    let r = response(ureq::request("DELETE", &format!("{}/collections/districts/items/110118", base())).set("Accept-Language", "zh").call());
    assert_eq!(r.status(), 405);
    assert!(r.header("Allow").is_some());
    let body: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    assert_eq!(body["title"], "方法不允许");
    // English for everyone else, with the same Vary
    for languages in [None, Some("en-US,en;q=0.9,zh;q=0.8"), Some("fr, zh;q=0.5, en;q=0.7")] {
        let (status, body, language, vary) = in_language("/collections/parcels/items?bbox=1,2,3", languages);
        assert_eq!((status, body["title"].as_str()), (400, Some("Bad Request")), "{languages:?}");
        assert!(body["detail"].as_str().unwrap().starts_with("bbox: needs 4 numbers"), "{languages:?}: {body}");
        assert_eq!(language, None);
        assert!(vary.contains("Accept-Language"));
    }
    // compressed answers are localised whole, not spliced into the compressed body
    let r = response(ureq::get(&format!("{}/collections/parcels/items?limit=x", base())).set("Accept-Language", "zh").set("Accept-Encoding", "gzip").call());
    assert_eq!(r.header("Content-Encoding"), None);
    let body: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    assert!(body["detail"].as_str().unwrap().contains("参数 limit"), "{body}");
}
