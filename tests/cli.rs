//! The `chanye` binary: validate, stats, generate and serve, as a user runs them.

use crate::common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn chanye() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chanye"));
    // English unless a test asks for Chinese, whatever the machine's locale
    c.env("RUST_LOG", "info").env_remove("CHANYE_DATA").env_remove("CHANYE_LISTEN");
    c.env("LANG", "C.UTF-8").env_remove("LANGUAGE").env_remove("LC_ALL").env_remove("LC_MESSAGES");
    c
}

fn run(args: &[&str]) -> (bool, String) {
    let out = chanye().args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn validate_passes_the_sample_and_fails_a_bad_file_naming_the_feature() {
    let sample = common::sample_dir();
    let (ok, text) = run(&["validate", sample.to_str().unwrap()]);
    assert!(ok, "{text}");
    assert!(text.contains("0 error(s)") && text.contains("parcels: 300 features"), "{text}");

    let mut parcels = common::features(&common::sample_layer("parcels"));
    parcels[5]["properties"]["land_use"] = json!("industrial");
    let id = parcels[5]["id"].as_str().unwrap().to_string();
    let dir = common::dataset_with(&[("parcels", common::collection(parcels))]);
    let (ok, text) = run(&["validate", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(text.contains(&format!("error: parcels {id} [land_use]: 'industrial'")), "{text}");
    // one layer file, checked against its siblings
    let (ok, text) = run(&["validate", dir.path().join("parcels.geojson").to_str().unwrap()]);
    assert!(!ok && text.contains(&id), "{text}");
    let (ok, _) = run(&["validate", sample.join("zones.geojson").to_str().unwrap()]);
    assert!(ok);
}

#[test]
fn stats_prints_tables_and_json() {
    let data = common::sample_dir();
    let (ok, text) = run(&["stats", "--data", data.to_str().unwrap()]);
    assert!(ok, "{text}");
    for words in ["By district", "110118 密云区", "By land use", "M1/M4", "By status", "under_construction"] {
        assert!(text.contains(words), "{words} missing in\n{text}");
    }
    let out = chanye().args(["stats", "--json", "--data", data.to_str().unwrap()]).output().unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let parcels: u64 = stats["by_status"].as_array().unwrap().iter().map(|r| r["parcels"].as_u64().unwrap()).sum();
    assert_eq!(parcels, 300);
}

fn files_equal(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

#[test]
fn generate_is_deterministic_and_made_the_shipped_sample() {
    let sources = common::sample_dir().join("sources");
    let gen = |seed: &str| {
        let out = tempfile::tempdir().unwrap();
        let (ok, text) = run(&[
            "generate", "--parcels", "300", "--seed", seed, "--out", out.path().to_str().unwrap(),
            "--sources", sources.to_str().unwrap(),
        ]);
        assert!(ok, "{text}");
        out
    };
    let (a, b, c) = (gen("1"), gen("1"), gen("2"));
    for name in ["districts", "parks", "zones", "parcels", "buildings"] {
        let file = format!("{name}.geojson");
        assert!(files_equal(&a.path().join(&file), &b.path().join(&file)), "{file} differs between runs");
        assert!(files_equal(&a.path().join(&file), &common::sample_dir().join(&file)), "geodata/{file} is not the generator's output");
    }
    assert!(!files_equal(&a.path().join("parcels.geojson"), &c.path().join("parcels.geojson")));
    let (ok, text) = run(&["validate", c.path().to_str().unwrap()]);
    assert!(ok, "{text}");
}

#[test]
fn generate_writes_larger_datasets_that_load() {
    let out = tempfile::tempdir().unwrap();
    let sources = common::sample_dir().join("sources");
    let (ok, text) = run(&["generate", "--parcels", "5000", "--seed", "3", "--out", out.path().to_str().unwrap(), "--sources", sources.to_str().unwrap()]);
    assert!(ok, "{text}");
    let (ok, text) = run(&["validate", out.path().to_str().unwrap()]);
    assert!(ok && text.contains("parcels: 5000 features"), "{text}");
}

#[test]
fn serve_reads_a_config_file_logs_counts_and_requests_and_answers_health() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("chanye.toml");
    let data = common::sample_dir().to_str().unwrap().replace('\\', "/");
    let store = dir.path().join("state").join("store.gpkg");
    let store_text = store.to_str().unwrap().replace('\\', "/");
    std::fs::write(&config, format!("listen = \"{addr}\"\ndata = \"{data}\"\nstore = \"{store_text}\"\nlog_format = \"json\"\nbody_limit = 4096\n")).unwrap();
    let mut child = chanye().args(["serve", "--config", config.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    let health = loop {
        // liveness answers at once, readiness once the inventory is in
        if let Ok(r) = ureq::get(&format!("http://{addr}/readyz")).call().and_then(|_| ureq::get(&format!("http://{addr}/healthz")).call()) {
            break r;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "server did not come up");
        std::thread::sleep(Duration::from_millis(100));
    };
    let body: Value = serde_json::from_str(&health.into_string().unwrap()).unwrap();
    // the file's body limit is in force
    let big = format!(r#"{{"industry": "医疗器械", "name": "{}"}}"#, "x".repeat(5000));
    let too_big = match ureq::post(&format!("http://{addr}/api/v1/match")).send_string(&big) {
        Err(ureq::Error::Status(code, _)) => code,
        other => panic!("{other:?}"),
    };
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(body["counts"]["parcels"], 300);
    assert_eq!(body["counts"]["districts"], 16);
    assert_eq!(too_big, 413);
    // the first start made the store from the data directory
    assert!(store.exists(), "no store at {}", store.display());
    assert!(log.contains("creating the store"), "{log}");
    let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(lines.iter().any(|l| l["fields"]["layer"] == "parcels" && l["fields"]["features"] == 300), "{log}");
    assert!(lines.iter().any(|l| l["fields"]["path"] == "/healthz" && l["fields"]["status"] == 200 && l["fields"]["ms"].is_number()), "{log}");

    // an unknown key in the file is named, and nothing is served
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\nbody_limt = 5\n").unwrap();
    let (ok, text) = run(&["serve", "--config", config.to_str().unwrap()]);
    assert!(!ok && text.contains("body_limt"), "{text}");
}

#[test]
fn match_prints_the_ranked_list_as_table_json_and_geojson() {
    let sample = common::sample_dir();
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects/miyun-fosun-emergency-medicine.json");
    let args = |format: &str| {
        let out = chanye()
            .args(["match", "--project", project.to_str().unwrap(), "--data", sample.to_str().unwrap(), "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&args("json")).unwrap();
    let top = &json["candidates"][0];
    assert_eq!(top["rank"], 1);
    assert_eq!(top["zone"], "miyun-health");
    for key in ["id", "kind", "members", "score", "criteria", "district", "park", "zone", "area_mu", "geometry", "policies"] {
        assert!(top.get(key).is_some(), "candidate lacks {key}");
    }
    assert!(json["excluded_counts"].as_object().unwrap().contains_key("district"));
    let table = args("table");
    assert!(table.contains("#1 ") && table.contains(top["id"].as_str().unwrap()), "{table}");
    assert!(table.contains("位于医药健康产业园（园中园）"), "{table}");
    let geojson: Value = serde_json::from_str(&args("geojson")).unwrap();
    assert_eq!(geojson["type"], "FeatureCollection");
    assert_eq!(geojson["features"][0]["id"], top["id"]);
    assert_eq!(geojson["features"][0]["properties"]["rank"], 1);

    // a bad project file names the file and the field
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"industry": "心血管医疗器械", "land_use": ["M7"]}"#).unwrap();
    let (ok, text) = run(&["match", "--project", bad.to_str().unwrap(), "--data", sample.to_str().unwrap()]);
    assert!(!ok);
    assert!(text.contains("bad.json: land_use[0]: 'M7' is not one of M1, M4, M1/M4"), "{text}");
}

#[test]
fn match_recommend_and_stats_read_a_store_with_its_changes() {
    let sample = common::sample_dir();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let mut files: Vec<String> = ["districts", "parks", "zones", "parcels", "buildings"].iter().map(|l| sample.join(format!("{l}.geojson")).display().to_string()).collect();
    files.extend(["industries.json", "policies.json"].iter().map(|f| sample.join(f).display().to_string()));
    let mut args: Vec<&str> = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--into", store.to_str().unwrap()]);
    let (ok, text) = run(&args);
    assert!(ok, "{text}");
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects/miyun-fosun-emergency-medicine.json");
    let matched = |from: &[&str]| -> Value {
        let out = chanye().args(["match", "--project", project.to_str().unwrap(), "--format", "json"]).args(from).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let from_store = ["--store", store.to_str().unwrap()];
    let before = matched(&from_store);
    assert_eq!(before["candidates"], matched(&["--data", sample.to_str().unwrap()])["candidates"], "the store holds the sample");

    // the top candidate's parcels are sold in the store only
    let top = &before["candidates"][0];
    let sold: Vec<String> = match top["members"].as_array() {
        Some(members) if !members.is_empty() => members.iter().map(|m| m.as_str().or(m["id"].as_str()).unwrap().to_string()).collect(),
        _ => vec![top["id"].as_str().unwrap().to_string()],
    };
    let mut parcels = common::sample_layer("parcels");
    let list = parcels["features"].as_array_mut().unwrap();
    list.retain(|f| sold.iter().any(|id| f["id"] == id.as_str()));
    assert_eq!(list.len(), sold.len(), "{sold:?}");
    for f in list.iter_mut() {
        f["properties"]["status"] = json!("sold");
    }
    let file = dir.path().join("parcels.geojson");
    std::fs::write(&file, parcels.to_string()).unwrap();
    let (ok, text) = run(&["import", file.to_str().unwrap(), "--into", store.to_str().unwrap()]);
    assert!(ok, "{text}");
    let after = matched(&from_store);
    assert_ne!(after["candidates"][0]["id"], top["id"], "the store's sold parcels are no longer offered");

    let out = chanye().args(["stats", "--json"]).args(from_store).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stats = String::from_utf8_lossy(&out.stdout).into_owned();
    let out = chanye().args(["stats", "--json", "--data", sample.to_str().unwrap()]).output().unwrap();
    assert_ne!(stats, String::from_utf8_lossy(&out.stdout), "stats of the store count the sold parcels");
    let out = chanye().args(["recommend", "--project", project.to_str().unwrap(), "--format", "json"]).args(from_store).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let missing = dir.path().join("none.gpkg");
    let (ok, text) = run(&["stats", "--store", missing.to_str().unwrap()]);
    assert!(!ok && text.contains("none.gpkg: no such store"), "{text}");
}

#[test]
fn one_layer_file_validates_alone_against_the_data_directorys_places() {
    let dir = tempfile::tempdir().unwrap();
    let alone = dir.path().join("parcels.geojson");
    std::fs::copy(common::sample_dir().join("parcels.geojson"), &alone).unwrap();
    let (ok, text) = run(&["validate", alone.to_str().unwrap(), "--data", common::sample_dir().to_str().unwrap()]);
    assert!(ok, "{text}");
    assert!(text.contains("parcels: 300 features") && text.contains("districts from ") && text.contains("industries.json from "), "{text}");
    let (ok, text) = run(&["validate", alone.to_str().unwrap(), "--data", dir.path().join("nowhere").to_str().unwrap()]);
    assert!(!ok && text.contains("no industries.json beside") && text.contains("--data"), "{text}");
}

#[test]
fn errors_are_in_chinese_in_a_chinese_locale() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.gpkg");
    let missing = missing.to_str().unwrap();
    let in_locale = |vars: &[(&str, &str)], args: &[&str]| {
        let mut c = chanye();
        for (name, value) in vars {
            c.env(name, value);
        }
        let out = c.args(args).output().unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let stats = ["stats", "--store", missing];
    let zh = in_locale(&[("LANG", "zh_CN.UTF-8")], &stats);
    assert!(zh.contains(&format!("错误：{missing}：没有这个数据库")), "{zh}");
    assert!(!zh.contains("error:") && !zh.contains("no such store"), "{zh}");
    // gettext's order: LANGUAGE, then LC_ALL, LC_MESSAGES and LANG
    let zh = in_locale(&[("LANG", "C.UTF-8"), ("LC_ALL", "zh_TW.UTF-8")], &stats);
    assert!(zh.contains("没有这个数据库"), "{zh}");
    let en = in_locale(&[("LANG", "zh_CN.UTF-8"), ("LANGUAGE", "en_US:zh_CN")], &stats);
    assert!(en.contains("error:") && en.contains("no such store"), "{en}");
    let en = in_locale(&[], &stats);
    assert!(en.contains(&format!("error: {missing}: no such store")), "{en}");
    // a validation report: counts in Chinese, the problem named
    let validate = ["validate", "no-such-districts.geojson"];
    let zh = in_locale(&[("LANG", "zh_CN.UTF-8")], &validate);
    assert!(zh.contains("错误：无法读取 no-such-districts.geojson：文件或目录不存在"), "{zh}");
    let zh = in_locale(&[("LANG", "zh_CN.UTF-8")], &["validate", "/tmp/x.geojson"]);
    assert!(zh.contains("从文件名看不出是哪个图层"), "{zh}");
}
