//! Crash safety: a server child process under a burst of writes (status changes, and an
//! editor adding, patching and deleting parcels) is killed with SIGKILL at random moments, 20
//! times. After each restart every acknowledged write is there, no write is half-applied (each
//! version step has its audit entry), and SQLite's integrity check passes.

use crate::common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};

const ROUNDS: usize = 20;
const WRITERS: usize = 4;
const PARCELS_PER_WRITER: usize = 3;

fn chanye() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chanye"))
}

fn start(store: &Path) -> (Child, String) {
    common::serve_child(&["--store".as_ref(), store.as_os_str()])
}

/// The status and version the server holds for a parcel.
fn read(url: &str, id: &str) -> (String, u64) {
    let r = ureq::get(&format!("{url}/collections/parcels/items/{id}")).call().unwrap();
    let tag = r.header("ETag").unwrap().trim_matches('"').trim_start_matches('v').parse().unwrap();
    let body: serde_json::Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
    (body["properties"]["status"].as_str().unwrap().to_string(), tag)
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.gpkg");
    let sample = common::sample_dir();
    let mut import = chanye();
    import.arg("import");
    for f in ["districts.geojson", "parks.geojson", "zones.geojson", "parcels.geojson", "buildings.geojson", "industries.json"] {
        import.arg(sample.join(f));
    }
    assert!(import.args(["--into", store.to_str().unwrap()]).status().unwrap().success());
    let out = chanye().args(["token", "create", "--role", "promoter", "--name", "crash", "--store", store.to_str().unwrap()]).output().unwrap();
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let out = chanye().args(["token", "create", "--role", "editor", "--name", "crash-editor", "--store", store.to_str().unwrap()]).output().unwrap();
    let editor = String::from_utf8(out.stdout).unwrap().trim().to_string();
    // a parcel an editor adds under new ids: the first sample parcel without its computed areas
    let mut template = common::features(&common::sample_layer("parcels"))[0].clone();
    for computed in ["area_m2", "area_mu"] {
        template["properties"].as_object_mut().unwrap().remove(computed);
    }
    // the last acknowledged step of each added parcel: 1 added, 2 patched, 3 deleted
    let lifecycle: Arc<Mutex<HashMap<String, u8>>> = Arc::new(Mutex::new(HashMap::new()));

    let fc = common::sample_layer("parcels");
    let available: Vec<String> =
        fc["features"].as_array().unwrap().iter().filter(|f| f["properties"]["status"] == "available").map(|f| f["properties"]["id"].as_str().unwrap().to_string()).collect();
    let parcels: Vec<String> = available.into_iter().take(WRITERS * PARCELS_PER_WRITER).collect();
    // the last acknowledged (status, version) of each parcel
    let acknowledged: Arc<Mutex<HashMap<String, (String, u64)>>> = Arc::new(Mutex::new(HashMap::new()));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut total_acks = 0;

    for round in 0..ROUNDS {
        let (mut child, url) = start(&store);
        // every acknowledged write is there, exactly or overtaken by a later one
        for id in &parcels {
            let (status, version) = read(&url, id);
            if let Some((acked_status, acked_version)) = acknowledged.lock().unwrap().get(id) {
                assert!(version >= *acked_version, "round {round}: {id} is at v{version}, v{acked_version} was acknowledged");
                if version == *acked_version {
                    assert_eq!(&status, acked_status, "round {round}: {id}");
                }
            }
        }
        for (id, step) in lifecycle.lock().unwrap().iter() {
            let found = ureq::get(&format!("{url}/collections/parcels/items/{id}")).call();
            match (step, found) {
                (3, found) => assert!(found.is_err(), "round {round}: {id} was deleted"),
                (1, found) => assert!(found.is_ok(), "round {round}: {id} was added"),
                // patched: there with the patch, or deleted by a delete that committed unanswered
                (_, Ok(r)) => assert!(r.into_string().unwrap().contains("改过"), "round {round}: {id} keeps its patch"),
                (_, Err(_)) => {}
            }
        }
        let edits = {
            let (url, editor, template, lifecycle) = (url.clone(), editor.clone(), template.clone(), lifecycle.clone());
            std::thread::spawn(move || {
                let mut acks = 0;
                for n in 0.. {
                    let id = format!("CRASH-{round}-{n}");
                    let mut feature = template.clone();
                    feature["id"] = serde_json::json!(id);
                    feature["properties"]["id"] = serde_json::json!(id);
                    let auth = format!("Bearer {editor}");
                    let item = format!("{url}/collections/parcels/items/{id}");
                    for step in 1..=3u8 {
                        let sent = match step {
                            1 => ureq::post(&format!("{url}/collections/parcels/items")).set("Authorization", &auth).send_string(&feature.to_string()),
                            2 => ureq::patch(&item).set("Authorization", &auth).set("If-Match", "\"v1\"").send_string(r#"{"properties": {"name": "改过"}}"#),
                            _ => ureq::delete(&item).set("Authorization", &auth).set("If-Match", "\"v2\"").call(),
                        };
                        match sent {
                            Ok(_) => {
                                lifecycle.lock().unwrap().insert(id.clone(), step);
                                acks += 1;
                            }
                            Err(ureq::Error::Status(code, r)) => panic!("{id} step {step}: {code}: {}", r.into_string().unwrap_or_default()),
                            // the server is gone
                            Err(_) => return acks,
                        }
                    }
                }
                acks
            })
        };
        let writers: Vec<_> = parcels
            .chunks(PARCELS_PER_WRITER)
            .map(|mine| {
                let (mine, url, token, acknowledged) = (mine.to_vec(), url.clone(), token.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    let mut acks = 0;
                    'writing: loop {
                        for id in &mine {
                            let Ok(r) = ureq::get(&format!("{url}/collections/parcels/items/{id}")).call() else { break 'writing };
                            let tag = r.header("ETag").unwrap().to_string();
                            let status: serde_json::Value = serde_json::from_str(&r.into_string().unwrap_or_default()).unwrap_or_default();
                            let next = if status["properties"]["status"] == "available" { "negotiating" } else { "available" };
                            let result = ureq::post(&format!("{url}/api/v1/parcels/{id}/status"))
                                .set("Authorization", &format!("Bearer {token}"))
                                .set("If-Match", &tag)
                                .send_string(&format!(r#"{{"status": "{next}", "note": "crash test"}}"#));
                            match result {
                                Ok(r) => {
                                    let version = r.header("ETag").unwrap().trim_matches('"').trim_start_matches('v').parse().unwrap();
                                    acknowledged.lock().unwrap().insert(id.clone(), (next.to_string(), version));
                                    acks += 1;
                                }
                                Err(ureq::Error::Status(code, r)) => panic!("{code}: {}", r.into_string().unwrap_or_default()),
                                // the server is gone
                                Err(_) => break 'writing,
                            }
                        }
                    }
                    acks
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..700)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        total_acks += writers.into_iter().map(|w| w.join().unwrap()).sum::<usize>();
        total_acks += edits.join().unwrap();
    }
    eprintln!("{total_acks} acknowledged writes over {ROUNDS} kills");
    assert!(total_acks > ROUNDS * 5, "the bursts wrote something: {total_acks} acknowledged writes");

    // after the last kill: integrity, and one audit entry per version step
    let db = rusqlite::Connection::open(&store).unwrap();
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    for (id, step) in lifecycle.lock().unwrap().iter() {
        let version: Option<i64> = db.query_row("SELECT version FROM parcels WHERE id = ?1", [id], |r| r.get(0)).ok();
        let entries: i64 = db.query_row("SELECT count(*) FROM chanye_audit WHERE feature = ?1", [id], |r| r.get(0)).unwrap();
        match version {
            Some(v) => assert_eq!(entries, v, "{id} (acknowledged step {step}): one entry for the add and one per change"),
            None => assert_eq!(entries, 3, "{id} (acknowledged step {step}): added, patched, deleted"),
        }
    }
    for id in &parcels {
        let version: i64 = db.query_row("SELECT version FROM parcels WHERE id = ?1", [id], |r| r.get(0)).unwrap();
        let entries: i64 = db.query_row("SELECT count(*) FROM chanye_audit WHERE feature = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(entries, version - 1, "{id}: every change has its audit entry, none half-applied");
        if let Some((status, acked)) = acknowledged.lock().unwrap().get(id) {
            assert!(version as u64 >= *acked);
            if version as u64 == *acked {
                let stored: String = db.query_row("SELECT status FROM parcels WHERE id = ?1", [id], |r| r.get(0)).unwrap();
                assert_eq!(&stored, status);
            }
        }
    }
}
