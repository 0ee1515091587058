//! Writes over HTTP against a real store: tokens and roles (401/403), optimistic concurrency
//! (428/412), the status workflow, the audit trail, and the match seeing an edit at once.

mod common;

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
        store.import(&Dataset { layers, catalogue: Some(read("industries.json")), policies: Some(read("policies.json")) }).unwrap();
        let promoter = store.create_token("promoter-wang", Role::Promoter).unwrap();
        let editor = store.create_token("editor-li", Role::Editor).unwrap();
        let public = store.create_token("reader", Role::Public).unwrap();
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
    let (status, body, new_tag) = change(id, Some(&s.promoter), Some(&tag), TALKS);
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
    // the first three available parcels belong to the other tests, which run at the same time
    let mine = parcels_with("available")[3..].to_vec();
    let id = before.iter().find(|id| mine.contains(id)).expect("an available parcel among the candidates").clone();
    let (status, _, _) = change(&id, Some(&s.promoter), Some(&etag_of(&id)), TALKS);
    assert_eq!(status, 200);
    assert!(!top(()).contains(&id), "{id} is in talks now and no longer on offer");
}
