//! Writes over HTTP against a real store: tokens and roles (401/403), optimistic concurrency
//! (428/412), the status workflow, the audit trail, and the match seeing an edit at once.

use crate::common;

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};

use chanye::inventory::{LayerName, LayerSource, SnapshotCell};
use chanye::model::Role;
use chanye::store::{Dataset, GpkgStore, Store};
use common::{answer, response};
use serde_json::Value;

struct Server {
    url: String,
    promoter: String,
    editor: String,
    public: String,
    store_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

/// A server over a fresh store made from the sample, with a token per role.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.gpkg");
        let sample = common::sample_dir();
        let read = |name: &str| std::fs::read_to_string(sample.join(name)).unwrap();
        let store = GpkgStore::create(&path).unwrap();
        let layers = ["districts", "parks", "zones", "parcels", "buildings"]
            .iter()
            .map(|l| LayerSource { layer: LayerName::parse(l).unwrap(), origin: l.to_string(), text: read(&format!("{l}.geojson")) })
            .collect();
        store.import(&Dataset { layers, catalogue: Some(read("industries.json")), policies: Some(read("policies.json")) }, &chanye::store::Import::default()).unwrap();
        let promoter = store.create_token("promoter-wang", Role::Promoter, &chanye::model::Scope::City).unwrap();
        let editor = store.create_token("editor-li", Role::Editor, &chanye::model::Scope::City).unwrap();
        let public = store.create_token("reader", Role::Public, &chanye::model::Scope::City).unwrap();
        let loaded = store.snapshot().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let cell = Arc::new(SnapshotCell::new(loaded.snapshot));
        let store: Arc<dyn Store> = Arc::new(store);
        std::thread::spawn(move || chanye::http::run(cell, Some(store), listener, chanye::http::Settings::default()));
        for _ in 0..100 {
            if ureq::get(&format!("{url}/healthz")).call().is_ok() {
                return Server { url, promoter, editor, public, store_path: path, _dir: dir };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("the server did not come up");
    })
}

/// Parcels of the sample with a given status, in file order.
fn parcels_with(status: &str) -> Vec<String> {
    let fc = common::sample_layer("parcels");
    fc["features"].as_array().unwrap().iter().filter(|f| f["properties"]["status"] == status).map(|f| f["properties"]["id"].as_str().unwrap().to_string()).collect()
}

fn etag_of(id: &str) -> String {
    let r = response(ureq::get(&format!("{}/collections/parcels/items/{id}", server().url)).call());
    r.header("ETag").unwrap().to_string()
}

fn change(id: &str, token: Option<&str>, if_match: Option<&str>, body: &str) -> (u16, Value, Option<String>) {
    let mut request = ureq::post(&format!("{}/api/v1/parcels/{id}/status", server().url)).set("Content-Type", "application/json");
    if let Some(t) = token {
        request = request.set("Authorization", &format!("Bearer {t}"));
    }
    if let Some(m) = if_match {
        request = request.set("If-Match", m);
    }
    let r = response(request.send_string(body));
    let tag = r.header("ETag").map(str::to_string);
    let status = r.status();
    (status, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null), tag)
}

const TALKS: &str = r#"{"status": "negotiating", "project": "美中双和", "project_id": "MY-2026-017", "note": "first talk 11-20"}"#;

#[test]
fn writes_need_a_token_of_the_right_role() {
    let s = server();
    let id = &parcels_with("available")[0];
    let tag = etag_of(id);
    let (status, body, _) = change(id, None, Some(&tag), TALKS);
    assert_eq!((status, body["type"].as_str()), (401, Some("urn:chanye:problem:unauthorized")));
    let (status, _, _) = change(id, Some("cy_not-a-token"), Some(&tag), TALKS);
    assert_eq!(status, 401);
    let (status, body, _) = change(id, Some(&s.public), Some(&tag), TALKS);
    assert_eq!(status, 403, "{body}");
    // idle is for editors: a promoter is refused by role
    let (status, body, _) = change(id, Some(&s.promoter), Some(&tag), r#"{"status": "idle"}"#);
    assert_eq!(status, 403, "{body}");
    let audit = response(ureq::get(&format!("{}/api/v1/audit", s.url)).call());
    assert_eq!(audit.status(), 401);
    let audit = response(ureq::get(&format!("{}/api/v1/audit", s.url)).set("Authorization", &format!("Bearer {}", s.public)).call());
    assert_eq!(audit.status(), 403);
    assert_eq!(etag_of(id), tag, "nothing changed");
}

#[test]
fn status_changes_follow_the_workflow_with_versions_and_an_audit_trail() {
    let s = server();
    let id = &parcels_with("available")[1];
    let tag = etag_of(id);
    assert_eq!(tag, "\"v1\"");
    let (status, body, _) = change(id, Some(&s.promoter), None, TALKS);
    assert_eq!((status, body["type"].as_str()), (428, Some("urn:chanye:problem:precondition-required")));
    let (status, body, _) = change(id, Some(&s.promoter), Some(&tag), r#"{"status": "sold"}"#);
    assert_eq!(status, 422, "available → sold skips the workflow: {body}");
    assert!(body["detail"].as_str().unwrap().contains("available → sold"), "{body}");
    let (status, body, _) = change(id, Some(&s.promoter), Some(&tag), r#"{"status": "vacant"}"#);
    assert_eq!((status, body["field"].as_str()), (422, Some("status")));
    // the Chinese label reads as the status it names
    let talks_in_chinese = TALKS.replace("\"negotiating\"", "\"洽谈中\"");
    assert_ne!(talks_in_chinese, TALKS);
    let (status, body, new_tag) = change(id, Some(&s.promoter), Some(&tag), &talks_in_chinese);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["properties"]["status"], "negotiating");
    assert_eq!(new_tag.as_deref(), Some("\"v2\""));
    // the old tag is stale now
    let (status, body, _) = change(id, Some(&s.promoter), Some(&tag), r#"{"status": "reserved"}"#);
    assert_eq!((status, body["type"].as_str()), (412, Some("urn:chanye:problem:version-conflict")));
    // reads see the change at once
    let (_, _, item) = answer(ureq::get(&format!("{}/collections/parcels/items/{id}", s.url)).call());
    assert_eq!(item["properties"]["status"], "negotiating");
    assert_eq!(etag_of(id), "\"v2\"");
    // an editor may set any status to idle
    let (status, _, _) = change(id, Some(&s.editor), Some("\"v2\""), r#"{"status": "idle", "note": "low-efficiency review"}"#);
    assert_eq!(status, 200);

    let url = format!("{}/api/v1/audit?feature={id}", s.url);
    let (status, _, audit) = answer(ureq::get(&url).set("Authorization", &format!("Bearer {}", s.promoter)).call());
    assert_eq!(status, 200);
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{audit}");
    assert_eq!(entries[0]["actor"], "promoter-wang");
    assert_eq!(entries[0]["before"]["status"], "available");
    assert_eq!(entries[0]["after"]["status"], "negotiating");
    assert_eq!(entries[0]["project"], "美中双和");
    assert_eq!(entries[0]["project_id"], "MY-2026-017");
    assert_eq!(entries[0]["geometry_changed"], false);
    assert_eq!(entries[1]["actor"], "editor-li");
    let (_, _, later) = answer(ureq::get(&format!("{url}&since=2100-01-01")).set("Authorization", &format!("Bearer {}", s.promoter)).call());
    assert!(later["entries"].as_array().unwrap().is_empty());

    // the store has it: a fresh open sees the status and the version
    let reopened = GpkgStore::open(&s.store_path).unwrap().snapshot().unwrap().snapshot;
    assert_eq!(reopened.parcels.get(id).unwrap().status.as_str(), "idle");
    assert_eq!(reopened.version(LayerName::Parcels, id), 3);
}

#[test]
fn two_clients_with_the_same_etag_one_wins() {
    let s = server();
    let id = parcels_with("available")[2].clone();
    let tag = etag_of(&id);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (id, tag, token) = (id.clone(), tag.clone(), s.promoter.clone());
            std::thread::spawn(move || change(&id, Some(&token), Some(&tag), TALKS).0)
        })
        .collect();
    let mut statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412]);
}

#[test]
fn a_match_sees_the_edit_at_once() {
    let s = server();
    let body = r#"{"industry": "医疗器械", "space": "land", "land_area_mu": {"min": 5}, "limit": 50}"#;
    let top = |_: ()| -> Vec<String> {
        let (_, _, result) = answer(ureq::post(&format!("{}/api/v1/match", s.url)).send_string(body));
        result["candidates"].as_array().unwrap().iter().filter(|c| c["kind"] == "parcel").map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    let before = top(());
    // the first seven available parcels belong to the other tests, which run at the same time
    // (parcels_with("available")[0] to [6])
    let mine = parcels_with("available")[7..].to_vec();
    let id = before.iter().find(|id| mine.contains(id)).expect("an available parcel among the candidates").clone();
    let (status, _, _) = change(&id, Some(&s.promoter), Some(&etag_of(&id)), TALKS);
    assert_eq!(status, 200);
    assert!(!top(()).contains(&id), "{id} is in talks now and no longer on offer");
}

/// A request with an optional token, If-Match and JSON body: status, body, ETag, Location.
fn send(method: &str, path: &str, token: Option<&str>, if_match: Option<&str>, body: Option<&Value>) -> (u16, Value, Option<String>, Option<String>) {
    let mut request = ureq::request(method, &format!("{}{path}", server().url));
    if let Some(t) = token {
        request = request.set("Authorization", &format!("Bearer {t}"));
    }
    if let Some(m) = if_match {
        request = request.set("If-Match", m);
    }
    let r = response(match body {
        Some(b) => request.set("Content-Type", "application/json").send_string(&b.to_string()),
        None => request.call(),
    });
    let (tag, location) = (r.header("ETag").map(str::to_string), r.header("Location").map(str::to_string));
    let status = r.status();
    (status, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null), tag, location)
}

/// A sample feature of `layer` under a new id, as a client would send it (no computed areas).
fn new_feature(layer: &str, from: usize, id: &str) -> Value {
    let mut feature = common::features(&common::sample_layer(layer))[from].clone();
    feature["id"] = Value::from(id);
    let properties = feature["properties"].as_object_mut().unwrap();
    properties.insert("id".into(), Value::from(id));
    properties.remove("area_m2");
    properties.remove("area_mu");
    feature
}

/// A ring that crosses itself.
fn bow_tie() -> Value {
    serde_json::json!({ "type": "Polygon", "coordinates": [[[116.85, 40.37], [116.86, 40.38], [116.86, 40.37], [116.85, 40.38], [116.85, 40.37]]] })
}

#[test]
fn every_write_route_checks_role_version_and_body() {
    let s = server();
    let (status, _, tag, _) = send("POST", "/collections/parcels/items", Some(&s.editor), None, Some(&new_feature("parcels", 0, "T-ROUTES-1")));
    assert_eq!((status, tag.as_deref()), (201, Some("\"v1\"")));
    let item = "/collections/parcels/items/T-ROUTES-1";
    let patch = serde_json::json!({ "properties": { "name": "改名" } });
    let whole = new_feature("parcels", 0, "T-ROUTES-1");
    let routes: [(&str, &str, Option<&Value>); 4] =
        [("POST", "/collections/parcels/items", Some(&whole)), ("PATCH", item, Some(&patch)), ("PUT", item, Some(&whole)), ("DELETE", item, None)];
    for (method, path, body) in routes {
        let case = format!("{method} {path}");
        let v1 = Some("\"v1\"");
        assert_eq!(send(method, path, None, v1, body).0, 401, "{case} without a token");
        assert_eq!(send(method, path, Some("cy_unknown"), v1, body).0, 401, "{case} with an unknown token");
        assert_eq!(send(method, path, Some(&s.public), v1, body).0, 403, "{case} as public");
        assert_eq!(send(method, path, Some(&s.promoter), v1, body).0, 403, "{case} as promoter: editing is for editors");
        if method == "POST" {
            // the id is taken now
            let (status, problem, _, _) = send(method, path, Some(&s.editor), None, body);
            assert_eq!((status, problem["field"].as_str()), (422, Some("id")), "{case}: {problem}");
            continue;
        }
        let (status, problem, _, _) = send(method, path, Some(&s.editor), None, body);
        assert_eq!((status, problem["type"].as_str()), (428, Some("urn:chanye:problem:precondition-required")), "{case}");
        let (status, problem, _, _) = send(method, path, Some(&s.editor), Some("\"v7\""), body);
        assert_eq!((status, problem["type"].as_str()), (412, Some("urn:chanye:problem:version-conflict")), "{case}");
    }
    // bad bodies: 422 naming the field, and nothing written
    let bad = [
        (serde_json::json!({ "properties": { "land_use": "X9" } }), "land_use"),
        (serde_json::json!({ "properties": { "stauts": "available" } }), "stauts"),
        (serde_json::json!({ "geometry": bow_tie() }), "geometry"),
    ];
    for (body, field) in bad {
        let (status, problem, _, _) = send("PATCH", item, Some(&s.editor), Some("\"v1\""), Some(&body));
        assert_eq!((status, problem["field"].as_str()), (422, Some(field)), "{body}: {problem}");
        assert!(problem["problems"].as_array().is_some_and(|p| !p.is_empty()), "{problem}");
    }
    let (status, _, _, _) = send("PUT", item, Some(&s.editor), Some("\"v1\""), Some(&serde_json::json!({ "type": "Feature", "properties": {} })));
    assert_eq!(status, 422, "a replacement without geometry or properties");
    let (status, _, _, _) = send("PATCH", item, Some(&s.editor), Some("\"v1\""), Some(&Value::from("not a feature")));
    assert_eq!(status, 422);
    let (status, _, _, _) = send("PATCH", item, Some(&s.editor), Some("\"v1\""), None);
    assert_eq!(status, 400, "no body is not JSON");
    assert_eq!(etag_of("T-ROUTES-1"), "\"v1\"", "nothing was written");
    // places are read-only over the API: 405 with Allow
    let district = &common::features(&common::sample_layer("districts"))[0]["id"];
    let r = response(ureq::request("DELETE", &format!("{}/collections/districts/items/{}", s.url, district.as_str().unwrap())).call());
    assert_eq!((r.status(), r.header("Allow")), (405, Some("GET")));
    // a feature that does not exist
    assert_eq!(send("PATCH", "/collections/parcels/items/T-NONE", Some(&s.editor), Some("\"v1\""), Some(&patch)).0, 404);
    assert_eq!(send("DELETE", "/collections/buildings/items/T-NONE", Some(&s.editor), Some("\"v1\""), None).0, 404);
}

#[test]
fn create_change_move_replace_and_delete_with_the_audit_trail() {
    let s = server();
    let parcels = common::features(&common::sample_layer("parcels"));
    let (status, created, tag, location) = send("POST", "/collections/parcels/items", Some(&s.editor), None, Some(&new_feature("parcels", 0, "T-LIFE-1")));
    assert_eq!(status, 201, "{created}");
    assert_eq!(tag.as_deref(), Some("\"v1\""));
    assert!(location.unwrap().ends_with("/collections/parcels/items/T-LIFE-1"));
    assert_eq!(created["properties"]["district"], parcels[0]["properties"]["district"], "joined like the feature it copies");
    let item = "/collections/parcels/items/T-LIFE-1";
    assert_eq!(send("GET", item, None, None, None).0, 200);

    let patch = serde_json::json!({ "properties": { "name": "新地块", "max_far": 2.5, "internal_note": "土地证待办" } });
    let (status, changed, tag, _) = send("PATCH", item, Some(&s.editor), Some("\"v1\""), Some(&patch));
    assert_eq!((status, tag.as_deref()), (200, Some("\"v2\"")), "{changed}");
    assert_eq!((changed["properties"]["name"].as_str(), changed["properties"]["max_far"].as_f64()), (Some("新地块"), Some(2.5)));
    assert_eq!(changed["properties"]["land_use"], parcels[0]["properties"]["land_use"], "what the patch leaves out stays");

    // moved onto a parcel of another park: joined again
    let elsewhere = parcels.iter().find(|f| f["properties"]["park"] != parcels[0]["properties"]["park"] && !f["properties"]["park"].is_null()).unwrap();
    let (status, moved, tag, _) = send("PATCH", item, Some(&s.editor), Some("\"v2\""), Some(&serde_json::json!({ "geometry": elsewhere["geometry"] })));
    assert_eq!((status, tag.as_deref()), (200, Some("\"v3\"")), "{moved}");
    assert_eq!(moved["properties"]["park"], elsewhere["properties"]["park"]);
    let area = |f: &Value| f["properties"]["area_m2"].as_f64().unwrap();
    assert!((area(&moved) / area(elsewhere) - 1.0).abs() < 1e-3, "the area is computed again: {} vs {}", area(&moved), area(elsewhere));

    let (status, replaced, tag, _) = send("PUT", item, Some(&s.editor), Some("\"v3\""), Some(&new_feature("parcels", 0, "T-LIFE-1")));
    assert_eq!((status, tag.as_deref()), (200, Some("\"v4\"")), "{replaced}");
    assert!(replaced["properties"].get("internal_note").is_none(), "a replacement drops what it leaves out");

    assert_eq!(send("DELETE", item, Some(&s.editor), Some("\"v4\""), None).0, 204);
    assert_eq!(send("GET", item, None, None, None).0, 404);
    assert_eq!(send("DELETE", item, Some(&s.editor), Some("\"v4\""), None).0, 404);

    let (_, audit, _, _) = send("GET", "/api/v1/audit?feature=T-LIFE-1", Some(&s.promoter), None, None);
    let entries = audit["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["create", "update", "update", "update", "delete"]);
    assert_eq!(entries[1]["before"]["name"], parcels[0]["properties"]["name"]);
    assert_eq!(entries[1]["after"]["name"], "新地块");
    assert!(entries[1]["after"].get("land_use").is_none(), "only what changed: {}", entries[1]);
    let moved_flags: Vec<bool> = entries.iter().map(|e| e["geometry_changed"].as_bool().unwrap()).collect();
    assert_eq!(moved_flags, [true, false, true, true, true]);
    assert_eq!(entries[4]["before"]["name"], parcels[0]["properties"]["name"]);

    // the store has none of it left, and a fresh open agrees
    let reopened = GpkgStore::open(&s.store_path).unwrap().snapshot().unwrap().snapshot;
    assert!(reopened.parcels.get("T-LIFE-1").is_none());
}

#[test]
fn a_feature_collection_is_added_all_or_none_with_the_report() {
    let s = server();
    let mut bad = new_feature("buildings", 1, "T-BULK-2");
    bad["properties"]["building_type"] = Value::from("castle");
    let batch = |second: Value| common::collection(vec![new_feature("buildings", 0, "T-BULK-1"), second, new_feature("buildings", 2, "T-BULK-3")]);
    let (status, problem, _, _) = send("POST", "/collections/buildings/items", Some(&s.editor), None, Some(&batch(bad)));
    assert_eq!(status, 422, "{problem}");
    let problems = problem["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problem}");
    assert_eq!((problems[0]["feature"]["index"].as_u64(), problems[0]["feature"]["id"].as_str(), problems[0]["field"].as_str()), (Some(1), Some("T-BULK-2"), Some("building_type")));
    assert_eq!(send("GET", "/collections/buildings/items/T-BULK-1", None, None, None).0, 404, "none was added");

    let (status, report, _, _) = send("POST", "/collections/buildings/items", Some(&s.editor), None, Some(&batch(new_feature("buildings", 1, "T-BULK-2"))));
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["created"], 3);
    for id in ["T-BULK-1", "T-BULK-2", "T-BULK-3"] {
        assert_eq!(etag_of_building(id), "\"v1\"");
    }
    // a building's status moves like a parcel's
    let r = response(
        ureq::post(&format!("{}/api/v1/buildings/T-BULK-1/status", s.url))
            .set("Authorization", &format!("Bearer {}", s.promoter))
            .set("If-Match", "\"v1\"")
            .send_string(r#"{"status": "negotiating", "project": "楼宇项目"}"#),
    );
    assert_eq!(r.status(), 200);
    // too many vertices
    // counted before anything else is checked, so short integer positions keep the body small
    let mut ring: Vec<Value> = (0..51_000).map(|i| serde_json::json!([i % 100, i / 100])).collect();
    ring.push(ring[0].clone());
    let mut huge = new_feature("parcels", 0, "T-BULK-HUGE");
    huge["geometry"] = serde_json::json!({ "type": "Polygon", "coordinates": [ring] });
    let r = response(
        ureq::post(&format!("{}/collections/parcels/items", s.url)).set("Authorization", &format!("Bearer {}", s.editor)).send_string(&huge.to_string()),
    );
    let status = r.status();
    let problem: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    assert_eq!((status, problem["field"].as_str()), (422, Some("geometry")), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("vertices"), "{problem}");
}

fn etag_of_building(id: &str) -> String {
    let r = response(ureq::get(&format!("{}/collections/buildings/items/{id}", server().url)).call());
    assert_eq!(r.status(), 200, "{id}");
    r.header("ETag").unwrap().to_string()
}

#[test]
fn public_reads_never_carry_confidential_fields() {
    let s = server();
    let secret_project = "保密项目-甲";
    let secret_note = "内部备注-乙";
    let (status, _, _, _) = send("POST", "/collections/parcels/items", Some(&s.editor), None, Some(&new_feature("parcels", 0, "T-SECRET-1")));
    assert_eq!(status, 201);
    let patch = serde_json::json!({ "properties": { "internal_note": secret_note } });
    assert_eq!(send("PATCH", "/collections/parcels/items/T-SECRET-1", Some(&s.editor), Some("\"v1\""), Some(&patch)).0, 200);
    let body = serde_json::json!({ "status": "negotiating", "project": secret_project, "project_id": "SECRET-9" });
    let r = response(
        ureq::post(&format!("{}/api/v1/parcels/T-SECRET-1/status", s.url))
            .set("Authorization", &format!("Bearer {}", s.promoter))
            .set("If-Match", "\"v2\"")
            .send_string(&body.to_string()),
    );
    assert_eq!(r.status(), 200);

    // promoters see them
    let (_, item, _, _) = send("GET", "/collections/parcels/items/T-SECRET-1", Some(&s.promoter), None, None);
    assert_eq!((item["properties"]["project"].as_str(), item["properties"]["internal_note"].as_str()), (Some(secret_project), Some(secret_note)));
    let (_, page, _, _) = send("GET", "/collections/parcels/items?limit=10000&status=negotiating", Some(&s.promoter), None, None);
    assert!(page.to_string().contains(secret_project));

    // nobody else does, on any read
    let reads = [
        "/collections/parcels/items/T-SECRET-1",
        "/collections/parcels/items?limit=10000",
        "/collections/parcels/items?limit=10000&status=negotiating",
        "/collections/parcels/items/T-SECRET-1?crs=http://www.opengis.net/def/crs/EPSG/0/4326",
        "/api/v1/export/parcels?format=geojson",
        "/api/v1/export/parcels?format=csv",
        "/api/v1/stats",
    ];
    for token in [None, Some(s.public.as_str())] {
        for path in reads {
            let mut request = ureq::get(&format!("{}{path}", s.url));
            if let Some(t) = token {
                request = request.set("Authorization", &format!("Bearer {t}"));
            }
            let r = response(request.call());
            assert_eq!(r.status(), 200, "{path}");
            let text = r.into_string().unwrap();
            for secret in [secret_project, secret_note, "SECRET-9", "internal_note", "\"project\""] {
                assert!(!text.contains(secret), "{path} as {token:?} shows {secret}");
            }
        }
    }
    // tiles too: the promoter's carry the project, nobody else's do
    let (_, item, _, _) = send("GET", "/collections/parcels/items/T-SECRET-1", None, None, None);
    let corner = &item["geometry"]["coordinates"][0][0][0];
    let (x, y) = common::tile_of(geo::Coord { x: corner[0].as_f64().unwrap(), y: corner[1].as_f64().unwrap() }, 15);
    let tile = |token: Option<&str>| {
        let mut request = ureq::get(&format!("{}/tiles/parcels/15/{x}/{y}.mvt", s.url));
        if let Some(t) = token {
            request = request.set("Authorization", &format!("Bearer {t}"));
        }
        let r = response(request.call());
        assert_eq!(r.status(), 200);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    assert!(tile(Some(&s.promoter)).contains(secret_project));
    for token in [None, Some(s.public.as_str())] {
        let text = tile(token);
        assert!(text.contains("T-SECRET-1") && !text.contains(secret_project) && !text.contains(secret_note), "a tile as {token:?} shows the project");
    }
    // GDAL still reads the store, with the confidential columns the edits needed
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-so", s.store_path.to_str().unwrap(), "parcels"]).output().expect("ogrinfo (gdal-bin) runs");
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && info.contains("internal_note: String") && info.contains("project: String"), "{info}");
    // the anonymous and the promoter's pages are told apart by caches
    let anonymous = response(ureq::get(&format!("{}/collections/parcels/items?status=negotiating", s.url)).call());
    let promoter = response(ureq::get(&format!("{}/collections/parcels/items?status=negotiating", s.url)).set("Authorization", &format!("Bearer {}", s.promoter)).call());
    assert_ne!(anonymous.header("ETag"), promoter.header("ETag"));
    assert_eq!(promoter.header("Cache-Control"), Some("private, no-cache"));
    assert!(anonymous.header("Vary").is_some_and(|v| v.contains("Authorization")), "{:?}", anonymous.header("Vary"));
}

#[test]
fn matching_can_be_kept_for_promoters() {
    let s = server();
    let store = GpkgStore::open(&s.store_path).unwrap();
    let loaded = store.snapshot().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let cell = Arc::new(SnapshotCell::new(loaded.snapshot));
    let store: Arc<dyn Store> = Arc::new(store);
    let settings = chanye::http::Settings { match_role: Role::Promoter, ..Default::default() };
    std::thread::spawn(move || chanye::http::run(cell, Some(store), listener, settings));
    let mut up = false;
    for _ in 0..100 {
        up = ureq::get(&format!("{url}/healthz")).call().is_ok();
        if up {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(up, "the second server came up");
    let body = r#"{"industry": "医疗器械", "space": "land", "land_area_mu": {"min": 5}}"#;
    for path in ["/api/v1/match", "/api/v1/recommend-districts"] {
        let call = |token: Option<&str>| {
            let mut request = ureq::post(&format!("{url}{path}"));
            if let Some(t) = token {
                request = request.set("Authorization", &format!("Bearer {t}"));
            }
            response(request.send_string(body)).status()
        };
        assert_eq!(call(None), 401, "{path}");
        assert_eq!(call(Some(&s.public)), 403, "{path}");
        assert_eq!(call(Some(&s.promoter)), 200, "{path}");
    }
    // reads stay public
    assert_eq!(response(ureq::get(&format!("{url}/collections/parcels/items?limit=1")).call()).status(), 200);
}

/// `ogrinfo` of one SQL statement on a file (read-only unless `update`): (success, output).
fn ogr_sql(path: &std::path::Path, sql: &str, update: bool) -> (bool, String) {
    let mut command = std::process::Command::new("ogrinfo");
    if !update {
        command.arg("-ro");
    }
    let out = command.args([path.to_str().unwrap(), "-sql", sql]).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_main_file_alone_is_a_complete_geopackage_shortly_after_a_write() {
    let s = server();
    let id = parcels_with("available")[5].clone();
    let (status, body, _) = change(&id, Some(&s.promoter), Some(&etag_of(&id)), TALKS);
    assert_eq!(status, 200, "{body}");
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("backup.gpkg");
    let sql = format!("SELECT status, version FROM parcels WHERE id = '{id}'");
    let mut last = String::new();
    // the checkpointer runs every second; give it a few
    for _ in 0..50 {
        std::fs::copy(&s.store_path, &copy).unwrap();
        let (ok, out) = ogr_sql(&copy, &sql, false);
        if ok && out.contains("status (String) = negotiating") {
            assert!(!out.contains("application_id"), "GeoPackage's application_id is set: {out}");
            assert!(out.contains("version (Integer") && out.contains("= 2"), "{out}");
            return;
        }
        last = out;
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("a copy of the main file alone never held the edit: {last}");
}

#[test]
fn writes_that_do_not_come_through_chanye_are_refused() {
    let s = server();
    let id = parcels_with("available")[6].clone();
    let tag = etag_of(&id);
    let audit_len = |s: &Server| {
        let (_, _, audit) = answer(ureq::get(&format!("{}/api/v1/audit?feature={id}", s.url)).set("Authorization", &format!("Bearer {}", s.promoter)).call());
        audit["entries"].as_array().unwrap().len()
    };
    let entries = audit_len(s);
    // GDAL, as QGIS would edit the layer
    let (ok, out) = ogr_sql(&s.store_path, &format!("UPDATE parcels SET status = 'sold' WHERE id = '{id}'"), true);
    assert!(out.contains("edit_this_store_through_chanye"), "GDAL is told why ({ok}): {out}");
    let (_, out) = ogr_sql(&s.store_path, "DELETE FROM buildings", true);
    assert!(out.contains("edit_this_store_through_chanye"), "{out}");
    // any other SQLite client: the store's own tables too
    let db = rusqlite::Connection::open(&s.store_path).unwrap();
    for sql in [
        format!("UPDATE parcels SET status = 'sold' WHERE id = '{id}'"),
        "INSERT INTO chanye_tokens (name, role, hash, created_at) VALUES ('x', 'admin', x'00', 'now')".to_string(),
        "DELETE FROM chanye_audit".to_string(),
    ] {
        let e = db.execute(&sql, []).expect_err(&sql).to_string();
        assert!(e.contains("edit_this_store_through_chanye"), "{sql}: {e}");
    }
    let status: String = db.query_row("SELECT status FROM parcels WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(status, "available");
    drop(db);
    assert_eq!((etag_of(&id), audit_len(s)), (tag.clone(), entries), "nothing changed");
    // while chanye's own writes go on
    let (status, body, _) = change(&id, Some(&s.promoter), Some(&tag), TALKS);
    assert_eq!(status, 200, "{body}");
}
