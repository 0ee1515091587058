//! Start-up: the server listens while its inventory loads, says how far the load has got, and
//! stops when the load fails.

use std::net::TcpListener;
use std::sync::{mpsc, Arc};

use crate::common;
use chanye::http::{run_loading, Settings, Stopped};
use chanye::store::{GpkgStore, Store};

/// A free address, bound.
fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, url)
}

/// Waits for the server to answer anything.
fn wait_for(url: &str) {
    for _ in 0..200 {
        match ureq::get(&format!("{url}/healthz")).call() {
            Ok(_) | Err(ureq::Error::Status(..)) => return,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(25)),
        }
    }
    panic!("the server did not listen");
}

#[test]
fn a_server_answers_while_its_inventory_loads_and_serves_it_once_loaded() {
    let (listener, url) = listener();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let (go, wait) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        run_loading(listener, Settings::default(), move |progress| {
            progress.begin("parcels (parcels layer)", 10);
            progress.advance(4);
            wait.recv().map_err(|_| "the test went away")?;
            let store = GpkgStore::open_or_seed(&path, &common::sample_dir()).map_err(|_| "no store")?;
            let loaded = store.load(progress).map_err(|_| "no load")?;
            Ok::<_, &str>((Arc::new(store) as Arc<dyn Store>, loaded.snapshot))
        })
    });
    wait_for(&url);
    // the server listens before the load has begun: wait until it reports the stage
    let mut answer = common::answer(ureq::get(&format!("{url}/readyz")).call());
    for _ in 0..200 {
        if answer.2["progress"]["total"] != 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
        answer = common::answer(ureq::get(&format!("{url}/readyz")).call());
    }
    let (status, _, body) = answer;
    assert_eq!(status, 503);
    assert_eq!(body["progress"], serde_json::json!({ "stage": "parcels (parcels layer)", "done": 4, "total": 10 }), "{body}");
    assert!(body["detail"].as_str().unwrap().contains("parcels (parcels layer) (4/10)"), "{body}");
    let zh = common::answer(ureq::get(&format!("{url}/readyz")).set("Accept-Language", "zh-CN").call()).2;
    assert!(zh["detail"].as_str().unwrap().contains("正在载入"), "{zh}");
    // a route that needs the inventory waits, and says when to ask again
    let held = ureq::get(&format!("{url}/collections/parcels/items")).call().unwrap_err();
    let ureq::Error::Status(503, held) = held else { panic!("{held:?}") };
    assert_eq!(held.header("Retry-After"), Some("1"));
    assert_eq!(held.content_type(), "application/problem+json");
    // a browser opening the page meanwhile is shown the load, and asked to come back
    let page = ureq::get(&format!("{url}/")).set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").call().unwrap_err();
    let ureq::Error::Status(503, page) = page else { panic!("{page:?}") };
    assert_eq!((page.header("Retry-After"), page.content_type()), (Some("1"), "text/html"));
    let text = page.into_string().unwrap();
    assert!(text.contains("正在载入") && text.contains("parcels (parcels layer) (4/10)") && text.contains("http-equiv=\"refresh\""), "{text}");
    let (status, _, health) = common::answer(ureq::get(&format!("{url}/healthz")).call());
    assert_eq!((status, health["status"].as_str()), (200, Some("loading")), "liveness does not wait: {health}");
    go.send(()).unwrap();
    let started = std::time::Instant::now();
    while ureq::get(&format!("{url}/readyz")).call().is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "never ready");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (status, _, page) = common::answer(ureq::get(&format!("{url}/collections/parcels/items?limit=5")).call());
    assert_eq!((status, page["features"].as_array().map(Vec::len)), (200, Some(5)));
    let sample = chanye::inventory::load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    assert_eq!(page["numberMatched"], serde_json::json!(sample.parcels.len()));
}

#[test]
fn a_failed_load_stops_the_server_with_its_error() {
    let (listener, url) = listener();
    let probe = url.clone();
    let (loaded, checked) = mpsc::channel::<()>();
    let checker = std::thread::spawn(move || {
        wait_for(&probe);
        loaded.send(()).unwrap();
    });
    let result = run_loading(listener, Settings::default(), move |_| {
        // the server is up while this runs
        checked.recv().map_err(|_| "the checker went away")?;
        Err::<(Arc<dyn Store>, chanye::inventory::Snapshot), _>("the store is unreadable")
    });
    checker.join().unwrap();
    assert!(matches!(result, Err(Stopped::Load("the store is unreadable"))), "{result:?}");
    assert!(ureq::get(&format!("{url}/healthz")).call().is_err(), "the server stopped");
}
