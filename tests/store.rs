//! The GeoPackage store: imports (chanye's GeoJSON and GDAL's GeoPackages) that GDAL then
//! reads back, all-or-nothing refusals, and exports that load again.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chanye::inventory::export::Exported;
use chanye::inventory::{load_dir_strict, LayerName, LayerSource, Snapshot};
use chanye::store::{Dataset, GpkgStore, Store};

const LAYERS: [&str; 5] = ["districts", "parks", "zones", "parcels", "buildings"];

fn sample_dataset() -> Dataset {
    let dir = common::sample_dir();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    Dataset {
        layers: LAYERS
            .iter()
            .map(|l| LayerSource { layer: LayerName::parse(l).unwrap(), origin: l.to_string(), text: read(&format!("{l}.geojson")) })
            .collect(),
        catalogue: Some(read("industries.json")),
        policies: Some(read("policies.json")),
    }
}

fn ogrinfo(path: &Path, layer: &str) -> String {
    let out = Command::new("ogrinfo").args(["-ro", "-so", path.to_str().unwrap(), layer]).output().expect("ogrinfo (gdal-bin) runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every feature of every layer, as the public GeoJSON writes it.
fn features(s: &Snapshot) -> Vec<geojson::Feature> {
    let mut all: Vec<geojson::Feature> = Vec::new();
    all.extend(s.districts.items().iter().map(|f| f.to_feature()));
    all.extend(s.parks.items().iter().map(|f| f.to_feature()));
    all.extend(s.zones.items().iter().map(|f| f.to_feature()));
    all.extend(s.parcels.items().iter().map(|f| f.to_feature()));
    all.extend(s.buildings.items().iter().map(|f| f.to_feature()));
    all
}

#[test]
fn an_imported_store_opens_in_gdal_and_loads_the_same_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.gpkg");
    let store = GpkgStore::create(&path).unwrap();
    let imported = store.import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    assert_eq!(imported.layers.len(), 5);
    let sample = load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    for (layer, n) in sample.counts() {
        let info = ogrinfo(&path, layer.as_str());
        assert!(info.contains(&format!("Feature Count: {n}")), "{layer}: {info}");
        assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
    }
    assert!(ogrinfo(&path, "parcels").contains("supply_modes: String(JSON)"));
    let reopened = GpkgStore::open(&path).unwrap().snapshot().unwrap();
    assert_eq!(features(&reopened.snapshot), features(&sample), "the store gives back what was imported");
    assert_eq!(reopened.snapshot.policies.measures.len(), sample.policies.measures.len());
}

#[test]
fn a_geopackage_made_by_ogr2ogr_imports() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    for layer in LAYERS {
        let gpkg = dir.path().join(format!("{layer}.gpkg"));
        let out = Command::new("ogr2ogr").args(["-f", "GPKG", gpkg.to_str().unwrap(), sample.join(format!("{layer}.geojson")).to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        files.push(gpkg);
    }
    let mut dataset = Dataset { catalogue: sample_dataset().catalogue, ..Dataset::default() };
    for file in &files {
        dataset.layers.extend(GpkgStore::read_layers(file).unwrap());
    }
    let store = GpkgStore::create(&dir.path().join("store.gpkg")).unwrap();
    store.import(&dataset, &chanye::store::Import::default()).unwrap();
    let loaded = store.snapshot().unwrap().snapshot;
    let expected = load_dir_strict(&sample).unwrap().snapshot;
    assert_eq!(loaded.counts(), expected.counts());
    // GDAL's string lists come back as lists
    let p = expected.parcels.items().iter().find(|p| p.supply_modes.len() > 1).expect("a parcel with two supply modes");
    assert_eq!(loaded.parcels.get(&p.id).unwrap().supply_modes, p.supply_modes);
}

#[test]
fn a_refused_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = GpkgStore::create(&dir.path().join("store.gpkg")).unwrap();
    store.import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let before = features(&store.snapshot().unwrap().snapshot);
    let mut parcels = common::sample_layer("parcels");
    parcels["features"][7]["properties"]["status"] = "flying".into();
    let mut buildings = common::sample_layer("buildings");
    buildings["features"].as_array_mut().unwrap().truncate(3);
    let bad = Dataset {
        layers: vec![
            LayerSource { layer: LayerName::Buildings, origin: "buildings".into(), text: buildings.to_string() },
            LayerSource { layer: LayerName::Parcels, origin: "parcels".into(), text: parcels.to_string() },
        ],
        ..Dataset::default()
    };
    let e = store.import(&bad, &chanye::store::Import::default()).unwrap_err().to_string();
    let id = parcels["features"][7]["properties"]["id"].as_str().unwrap();
    assert!(e.contains(id) && e.contains("flying") && e.contains("nothing was written"), "{e}");
    assert_eq!(features(&store.snapshot().unwrap().snapshot), before, "the valid buildings layer was not written either");
}

#[test]
fn cli_import_and_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_dir();
    let store = dir.path().join("s.gpkg");
    let mut args: Vec<String> = vec!["import".into()];
    args.extend(LAYERS.iter().map(|l| sample.join(format!("{l}.geojson")).display().to_string()));
    args.extend(["industries.json", "policies.json"].iter().map(|f| sample.join(f).display().to_string()));
    args.extend(["--into".into(), store.display().to_string()]);
    let chanye = env!("CARGO_BIN_EXE_chanye");
    let out = Command::new(chanye).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("parcels: 300 added, 0 updated, 0 unchanged, 0 deleted; 300 features"));

    let exported = dir.path().join("out");
    let out = Command::new(chanye).args(["export", "--from", store.to_str().unwrap(), "--format", "geojson", "--out", exported.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = load_dir_strict(&exported).unwrap().snapshot;
    assert_eq!(features(&again), features(&load_dir_strict(&sample).unwrap().snapshot));

    let copy = dir.path().join("copy.gpkg");
    let out = Command::new(chanye).args(["export", "--from", store.to_str().unwrap(), "--format", "gpkg", "--out", copy.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(ogrinfo(&copy, "buildings").contains(&format!("Feature Count: {}", again.buildings.len())));

    // a bad first import leaves no store file behind
    let fresh = dir.path().join("fresh.gpkg");
    let bad = dir.path().join("parcels.geojson");
    std::fs::write(&bad, r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {"id": "x"}}]}"#).unwrap();
    let out = Command::new(chanye).args(["import", bad.to_str().unwrap(), "--into", fresh.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    assert!(!fresh.exists());
}

/// `chanye import` of a store with these files; stdin is not a terminal.
fn import_cli(files: &[&Path], store: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args: Vec<String> = vec!["import".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--store".into(), store.display().to_string()]);
    args.extend(extra.iter().map(|a| a.to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_chanye")).args(&args).stdin(std::process::Stdio::null()).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn an_import_updates_by_id_and_deletes_only_with_replace_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let stored = common::sample_layer("buildings");
    let total = stored["features"].as_array().unwrap().len();
    let mut two = stored.clone();
    let list = two["features"].as_array_mut().unwrap();
    list.truncate(2);
    let changed = list[0]["properties"]["id"].as_str().unwrap().to_string();
    let kept = list[1]["properties"]["id"].as_str().unwrap().to_string();
    list[0]["properties"]["name"] = "改过名的厂房".into();
    list[1]["properties"]["id"] = "B-NEW-IMPORT".into();
    list[1]["id"] = "B-NEW-IMPORT".into();
    let file = dir.path().join("buildings.geojson");
    std::fs::write(&file, two.to_string()).unwrap();

    let (ok, out, err) = import_cli(&[&file], &path, &[]);
    assert!(ok, "{err}");
    assert!(out.contains(&format!("buildings: 1 added, 1 updated, {} unchanged, 0 deleted; {} features", total - 1, total + 1)), "{out}");
    let store = GpkgStore::open(&path).unwrap();
    let buildings = store.snapshot().unwrap().snapshot.buildings;
    assert_eq!(buildings.len(), total + 1, "the other stored buildings stay");
    assert!(buildings.items().iter().any(|b| b.id == kept), "{kept} was not in the file and stays");
    let snapshot = store.snapshot().unwrap().snapshot;
    assert_eq!(snapshot.version(LayerName::Buildings, &changed), 2, "an update bumps the version");
    assert_eq!(snapshot.version(LayerName::Buildings, &kept), 1);
    let audit = |id: &str| store.audit(&chanye::store::AuditQuery { feature: Some(id.into()), since: None, limit: 10, within: None }).unwrap();
    let entry = audit(&changed);
    assert_eq!(entry.len(), 1, "{entry:?}");
    assert_eq!((entry[0].action.as_str(), entry[0].after["name"].as_str()), ("update", Some("改过名的厂房")));
    assert!(entry[0].actor.starts_with("import"), "{:?}", entry[0]);
    assert_eq!(audit("B-NEW-IMPORT")[0].action, "create");

    // --replace off a terminal without --yes: listed, refused, nothing changed
    let before = features(&store.snapshot().unwrap().snapshot);
    let (ok, _, err) = import_cli(&[&file], &path, &["--replace"]);
    assert!(!ok);
    assert!(err.contains(&format!("--replace deletes {} of buildings", total - 1)) && err.contains(&kept) && err.contains("--yes"), "{err}");
    assert_eq!(features(&store.snapshot().unwrap().snapshot), before);

    let (ok, out, err) = import_cli(&[&file], &path, &["--replace", "--yes"]);
    assert!(ok, "{err}");
    assert!(out.contains(&format!("buildings: 0 added, 0 updated, 2 unchanged, {} deleted; 2 features", total - 1)), "{out}");
    let store = GpkgStore::open(&path).unwrap();
    assert_eq!(store.snapshot().unwrap().snapshot.buildings.len(), 2);
    assert_eq!(audit(&kept).last().unwrap().action, "delete");
    assert!(ogrinfo(&path, "buildings").contains("Feature Count: 2"));
}

#[test]
fn tokens_are_shown_once_kept_as_hashes_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let chanye = env!("CARGO_BIN_EXE_chanye");
    let token = |args: &[&str]| Command::new(chanye).arg("token").args(args).args(["--store", path.to_str().unwrap()]).output().unwrap();
    let made = token(&["create", "--role", "promoter", "--name", "wang"]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let secret = String::from_utf8(made.stdout).unwrap().trim().to_string();
    assert!(secret.starts_with("cy_") && secret.len() > 40);
    assert!(!token(&["create", "--role", "promoter", "--name", "wang"]).status.success(), "names are unique");
    assert!(!token(&["create", "--role", "boss", "--name", "x"]).status.success());
    let store = GpkgStore::open(&path).unwrap();
    let actor = store.authenticate(&secret).unwrap().expect("the token works");
    assert_eq!((actor.name.as_str(), actor.role), ("wang", chanye::model::Role::Promoter));
    assert!(store.authenticate("cy_guess").unwrap().is_none());
    // the file holds no token text
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()));
    let listed = String::from_utf8(token(&["list"]).stdout).unwrap();
    assert!(listed.contains("wang\tpromoter") && !listed.contains(&secret));
    assert!(token(&["revoke", "--name", "wang"]).status.success());
    assert!(store.authenticate(&secret).unwrap().is_none(), "revoked");
    assert!(!token(&["revoke", "--name", "wang"]).status.success());
}

#[test]
fn an_import_says_what_validation_warned_of() {
    use chanye::geometry::china::wgs84_to_gcj02;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    // parcels drawn on AMap, with no crs member
    let mut parcels = common::sample_layer("parcels");
    for f in parcels["features"].as_array_mut().unwrap() {
        common::map_coords(&mut f["geometry"], &|x, y| {
            let c = wgs84_to_gcj02(geo::Coord { x, y });
            (c.x, c.y)
        });
    }
    let file = dir.path().join("parcels.geojson");
    std::fs::write(&file, parcels.to_string()).unwrap();
    let import = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_chanye"))
            .args(["import", file.to_str().unwrap(), "--into", path.to_str().unwrap()])
            .env("LANG", lang)
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "a warning does not refuse the import");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = import("C.UTF-8");
    assert!(err.contains("warning: parcels") && err.contains("looks like GCJ-02 coordinates"), "{err}");
    let err = import("zh_CN.UTF-8");
    assert!(err.contains("GCJ-02") && err.contains("警告"), "{err}");
}

#[test]
fn a_guard_dropped_by_another_program_is_reported_on_open_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let stats = || {
        let out = Command::new(env!("CARGO_BIN_EXE_chanye")).args(["stats", "--store", path.to_str().unwrap()]).env("RUST_LOG", "warn").env("LANG", "C.UTF-8").output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(!stats().contains("guard triggers"), "an intact store opens quietly");
    // what a determined client can do: drop the guard, then write past it
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("DROP TRIGGER chanye_guard_parcels_update; UPDATE parcels SET status = 'sold' WHERE rowid = 1;").unwrap();
    drop(db);
    let err = stats();
    assert!(err.contains("dropped this store's guard triggers (chanye_guard_parcels_update)"), "{err}");
    // restored: the next outside write is refused again, and the next open is quiet
    let db = rusqlite::Connection::open(&path).unwrap();
    assert!(db.execute("UPDATE parcels SET status = 'idle' WHERE rowid = 2", []).is_err());
    drop(db);
    assert!(!stats().contains("guard triggers"));
}

#[test]
fn a_store_declares_itself_a_geopackage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let db = rusqlite::Connection::open(&path).unwrap();
    let pragma = |name: &str| db.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0)).unwrap();
    // GeoPackage 1.2+ requirement 2: application_id 'GPKG', user_version the standard's version
    assert_eq!(pragma("application_id"), 0x4750_4B47, "application_id is 'GPKG'");
    assert!((10200..10500).contains(&pragma("user_version")), "user_version {}", pragma("user_version"));
}

#[test]
fn a_store_from_before_the_structured_measures_is_refused_with_its_remedy_which_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    // what a store made by an earlier chanye holds: a catalogue without manufacturing flags
    // and measures without beneficiary, conditions, benefit or quote
    let mut old_catalogue: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(common::sample_dir().join("industries.json")).unwrap()).unwrap();
    for entry in old_catalogue["industries"].as_array_mut().unwrap() {
        entry.as_object_mut().unwrap().remove("manufacturing");
    }
    let old_policies = r#"{"source": "s", "documents": [], "measures": [{"id": "a", "scope": "city", "title_zh": "t", "title_en": "t", "supports_zh": "s", "supports_en": "s", "document": "d", "item": "一"}]}"#;
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("DROP TRIGGER chanye_guard_chanye_documents_update;").unwrap();
    db.execute("UPDATE chanye_documents SET content = ?1 WHERE name = 'industries.json'", [old_catalogue.to_string()]).unwrap();
    db.execute("UPDATE chanye_documents SET content = ?1 WHERE name = 'policies.json'", [old_policies]).unwrap();
    drop(db);
    let stats = || Command::new(env!("CARGO_BIN_EXE_chanye")).args(["stats", "--store", path.to_str().unwrap()]).env("LANG", "C.UTF-8").output().unwrap();
    let refused = stats();
    let said = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(!refused.status.success() && said.contains("manufacturing") && said.contains("chanye import geodata/industries.json geodata/policies.json"), "{said}");
    let (ok, _, err) = import_cli(&[&common::sample_dir().join("industries.json"), &common::sample_dir().join("policies.json")], &path, &[]);
    assert!(ok, "{err}");
    assert!(stats().status.success(), "the import brought the store up to date");
}

#[test]
fn rows_written_past_a_dropped_guard_are_validated_again_before_they_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    GpkgStore::create(&path).unwrap().import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let stamp = || {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.query_row("SELECT content FROM chanye_documents WHERE name = 'validated-by'", [], |r| r.get::<_, String>(0)).ok()
    };
    assert_eq!(stamp().as_deref(), Some(chanye::inventory::RULES), "an import validates every row");
    // a bow tie written past a dropped guard: loaded without checks it would be served
    let db = rusqlite::Connection::open(&path).unwrap();
    let bow_tie = geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![geo::Polygon::new(
        geo::LineString::from(vec![(116.30, 39.90), (116.31, 39.91), (116.31, 39.90), (116.30, 39.91), (116.30, 39.90)]),
        vec![],
    )]));
    let blob = chanye::export::gpkg::geometry_blob(&bow_tie).unwrap();
    db.execute_batch("DROP TRIGGER chanye_guard_parcels_update;").unwrap();
    let id: String = db.query_row("SELECT id FROM parcels WHERE rowid = 1", [], |r| r.get(0)).unwrap();
    db.execute("UPDATE parcels SET geom = ?1 WHERE rowid = 1", [blob]).unwrap();
    drop(db);
    let store = GpkgStore::open(&path).unwrap();
    assert_eq!(stamp(), None, "a store whose guard was dropped loses its stamp on open");
    let refused = store.snapshot().err().expect("the bow tie is found");
    let said = format!("{refused:?}");
    assert!(said.contains(&id) && said.contains("intersects itself"), "{said}");
    assert_eq!(stamp(), None, "a failed validation leaves no stamp");
    drop(store);
    // put right (the guard is back since the open): validated in full once, then stamped
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch("DROP TRIGGER chanye_guard_parcels_update;").unwrap();
    let square = geo::Geometry::MultiPolygon(geo::MultiPolygon(vec![geo::Polygon::new(
        geo::LineString::from(vec![(116.30, 39.90), (116.31, 39.90), (116.31, 39.91), (116.30, 39.91), (116.30, 39.90)]),
        vec![],
    )]));
    db.execute("UPDATE parcels SET geom = ?1 WHERE rowid = 1", [chanye::export::gpkg::geometry_blob(&square).unwrap()]).unwrap();
    drop(db);
    let store = GpkgStore::open(&path).unwrap();
    let first = store.snapshot().map(|l| l.snapshot.counts());
    assert!(first.is_ok(), "{:?}", first.err());
    assert_eq!(stamp().as_deref(), Some(chanye::inventory::RULES));
    assert_eq!(store.snapshot().unwrap().snapshot.counts(), first.unwrap(), "a stamped store loads the same");
}

#[test]
fn a_store_loads_what_was_written_with_its_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let store = GpkgStore::create(&path).unwrap();
    store.import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let from_files = chanye::inventory::load_dir_strict(&common::sample_dir()).unwrap().snapshot;
    let loaded = store.snapshot().unwrap().snapshot;
    assert_eq!(loaded.counts(), from_files.counts());
    for (a, b) in from_files.parcels.items().iter().zip(loaded.parcels.items()) {
        assert_eq!((a.id.as_str(), &a.geometry, &a.district, &a.park, &a.zone, a.status), (b.id.as_str(), &b.geometry, &b.district, &b.park, &b.zone, b.status));
        assert_eq!(b.version, 1);
    }
    for (a, b) in from_files.buildings.items().iter().zip(loaded.buildings.items()) {
        assert_eq!((a.id.as_str(), a.location, &a.footprint, &a.park), (b.id.as_str(), b.location, &b.footprint, &b.park));
    }
    // an import that changes one parcel moves its version, which the next load reads
    let mut parcels = common::sample_layer("parcels");
    parcels["features"][0]["properties"]["name"] = serde_json::json!("改过的名字");
    let first = parcels["features"][0]["properties"]["id"].as_str().unwrap().to_string();
    let layer = chanye::inventory::LayerSource { layer: chanye::inventory::LayerName::Parcels, origin: "p".into(), text: parcels.to_string() };
    store.import(&chanye::store::Dataset { layers: vec![layer], catalogue: None, policies: None }, &chanye::store::Import::default()).unwrap();
    let again = store.snapshot().unwrap().snapshot;
    assert_eq!(again.parcels.get(&first).map(|p| (p.version, p.name.as_str())), Some((2, "改过的名字")));
}

#[test]
fn an_import_into_a_validated_store_checks_its_file_and_trusts_only_the_stored_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.gpkg");
    let store = GpkgStore::create(&path).unwrap();
    store.import(&sample_dataset(), &chanye::store::Import::default()).unwrap();
    let stored = store.snapshot().unwrap().snapshot;
    // a file laid over the stored parcels, one of them declaring a tenth of its area
    let mut parcels = common::sample_layer("parcels");
    let feature = &mut parcels["features"][0];
    let id = feature["properties"]["id"].as_str().unwrap().to_string();
    let area = stored.parcels.get(&id).unwrap().area.0;
    feature["properties"]["area_m2"] = serde_json::json!(area / 10.0);
    let file = LayerSource { layer: LayerName::Parcels, origin: "parcels.geojson".into(), text: parcels.to_string() };
    let imported = store.import(&Dataset { layers: vec![file], ..Dataset::default() }, &chanye::store::Import::default()).unwrap();
    assert!(imported.warnings.iter().any(|p| p.feature.as_ref().and_then(|f| f.id.as_deref()) == Some(id.as_str()) && p.field.as_deref() == Some("area_m2")), "{:?}", imported.warnings);
    // the area is worked out from the outline, not read from the file as a stored row's is
    let after = store.snapshot().unwrap().snapshot;
    assert!((after.parcels.get(&id).unwrap().area.0 - area).abs() < 0.01);
    // the layers the file left alone came back from the store's rows unchanged
    let buildings = |s: &Snapshot| s.buildings.items().iter().map(|b| format!("{b:?}")).collect::<Vec<_>>();
    assert_eq!(buildings(&after), buildings(&stored));
}
