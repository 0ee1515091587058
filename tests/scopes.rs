//! District-scoped authority (issue 19, part 1): every write route and every confidential read
//! against tokens of each role and scope, moves across districts, the parks that keep their own
//! inventory (北京经济技术开发区), the audit entry's scope, `GET /api/v1/me`, and the limit on
//! failed authentications.

use crate::common;

use std::sync::OnceLock;

use chanye::model::{Role, Scope};
use common::response;
use geozero::mvt::{Message, Tile};
use serde_json::{json, Value};

const MIYUN: &str = "110118";
const DAXING: &str = "110115";

/// The callers of the matrix, by name.
struct Callers {
    url: String,
    tokens: Vec<(&'static str, Option<String>)>,
    _dir: tempfile::TempDir,
}

fn callers() -> &'static Callers {
    static CALLERS: OnceLock<Callers> = OnceLock::new();
    CALLERS.get_or_init(|| {
        let (url, store, dir) = common::store_server(chanye::http::Settings::default());
        let make = |name: &str, role, scope: Scope| Some(store.create_token(name, role, &scope).unwrap());
        let tokens = vec![
            ("no token", None),
            ("public", make("reader", Role::Public, Scope::City)),
            ("promoter in scope", make("miyun-promoter", Role::Promoter, Scope::District(MIYUN.into()))),
            ("promoter out of scope", make("daxing-promoter", Role::Promoter, Scope::District(DAXING.into()))),
            ("editor in scope", make("miyun-editor", Role::Editor, Scope::District(MIYUN.into()))),
            ("editor out of scope", make("daxing-editor", Role::Editor, Scope::District(DAXING.into()))),
            ("city admin", make("city-admin", Role::Admin, Scope::City)),
            ("bda editor", make("bda-editor", Role::Editor, Scope::Park("bda".into()))),
        ];
        Callers { url, tokens, _dir: dir }
    })
}

fn token(who: &str) -> Option<&'static str> {
    callers().tokens.iter().find(|(name, _)| *name == who).unwrap_or_else(|| panic!("no caller {who}")).1.as_deref()
}

/// Status, JSON body and ETag of a request.
fn send(method: &str, path: &str, who: &str, if_match: Option<&str>, body: Option<&Value>) -> (u16, Value, Option<String>) {
    let mut request = ureq::request(method, &format!("{}{path}", callers().url));
    if let Some(t) = token(who) {
        request = request.set("Authorization", &format!("Bearer {t}"));
    }
    if let Some(m) = if_match {
        request = request.set("If-Match", m);
    }
    let r = response(match body {
        Some(b) => request.set("Content-Type", "application/json").send_string(&b.to_string()),
        None => request.call(),
    });
    let (status, tag) = (r.status(), r.header("ETag").map(str::to_string));
    (status, serde_json::from_str(&r.into_string().unwrap()).unwrap_or(Value::Null), tag)
}

/// Ids of sample features of `layer` matching `keep`, in file order.
fn sample_ids(layer: &str, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    common::features(&common::sample_layer(layer)).into_iter().filter(|f| keep(&f["properties"])).map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

/// A sample feature under a new id, as a client sends it.
fn copy_of(layer: &str, id: &str, new_id: &str) -> Value {
    let mut feature = common::features(&common::sample_layer(layer)).into_iter().find(|f| f["id"] == id).unwrap();
    feature["id"] = json!(new_id);
    let properties = feature["properties"].as_object_mut().unwrap();
    properties.insert("id".into(), json!(new_id));
    for computed in ["area_m2", "area_mu", "district", "park", "zone"] {
        properties.remove(computed);
    }
    feature
}

fn version_of(layer: &str, id: &str) -> String {
    send("GET", &format!("/collections/{layer}/items/{id}"), "no token", None, None).2.unwrap()
}

/// What each caller gets from each write route, over a Miyun parcel: the documented matrix.
#[test]
fn every_write_route_answers_each_role_and_scope_as_documented() {
    let mut available = sample_ids("parcels", |p| p["district"] == MIYUN && p["status"] == "available").into_iter();
    let mut any_miyun = sample_ids("parcels", |p| p["district"] == MIYUN && p["status"] != "available").into_iter();
    let template = sample_ids("parcels", |p| p["district"] == MIYUN)[0].clone();
    // (caller, status, verify, create, patch, put, delete)
    let matrix: [(&str, [u16; 6]); 7] = [
        ("no token", [401, 401, 401, 401, 401, 401]),
        ("public", [403, 403, 403, 403, 403, 403]),
        ("promoter in scope", [200, 200, 403, 403, 403, 403]),
        ("promoter out of scope", [403, 403, 403, 403, 403, 403]),
        ("editor in scope", [200, 200, 201, 200, 200, 204]),
        ("editor out of scope", [403, 403, 403, 403, 403, 403]),
        ("city admin", [200, 200, 201, 200, 200, 204]),
    ];
    for (n, (who, expected)) in matrix.iter().enumerate() {
        let status_target = available.next().unwrap();
        let tag = version_of("parcels", &status_target);
        let talks = json!({ "status": "negotiating", "project": "矩阵项目", "project_id": "M-1", "note": "matrix" });
        let got_status = send("POST", &format!("/api/v1/parcels/{status_target}/status"), who, Some(&tag), Some(&talks)).0;
        let verify_target = any_miyun.next().unwrap();
        let tag = version_of("parcels", &verify_target);
        let got_verify = send("POST", &format!("/api/v1/parcels/{verify_target}/verify"), who, Some(&tag), None).0;
        let new_id = format!("T-SCOPE-{n}");
        let got_create = send("POST", "/collections/parcels/items", who, None, Some(&copy_of("parcels", &template, &new_id))).0;
        // the rest act on a parcel of Miyun made by the admin for this caller
        let own = format!("T-SCOPE-{n}-OWN");
        assert_eq!(send("POST", "/collections/parcels/items", "city admin", None, Some(&copy_of("parcels", &template, &own))).0, 201);
        let item = format!("/collections/parcels/items/{own}");
        let got_patch = send("PATCH", &item, who, Some("\"v1\""), Some(&json!({ "properties": { "name": "改名" } }))).0;
        let v = version_of("parcels", &own);
        let got_put = send("PUT", &item, who, Some(&v), Some(&copy_of("parcels", &template, &own))).0;
        let v = version_of("parcels", &own);
        let got_delete = send("DELETE", &item, who, Some(&v), None).0;
        assert_eq!([got_status, got_verify, got_create, got_patch, got_put, got_delete], *expected, "{who}: status, verify, create, patch, put, delete");
    }
}

#[test]
fn a_write_outside_the_scope_names_the_scope_and_the_features_district() {
    let id = &sample_ids("parcels", |p| p["district"] == MIYUN && p["status"] == "available")[20];
    let tag = version_of("parcels", id);
    let (status, problem, _) = send("POST", &format!("/api/v1/parcels/{id}/status"), "editor out of scope", Some(&tag), Some(&json!({ "status": "negotiating" })));
    assert_eq!((status, problem["type"].as_str()), (403, Some("urn:chanye:problem:forbidden")), "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("district 110115") && detail.contains("district 110118") && detail.contains("密云区") && detail.contains(id.as_str()), "{detail}");
    assert_eq!(version_of("parcels", id), tag, "nothing changed");
}

#[test]
fn moving_a_feature_across_districts_needs_a_scope_covering_both() {
    let miyun = &sample_ids("parcels", |p| p["district"] == MIYUN)[30];
    let daxing_outline = common::features(&common::sample_layer("parcels")).into_iter().find(|f| f["properties"]["district"] == DAXING).unwrap()["geometry"].clone();
    let path = format!("/collections/parcels/items/{miyun}");
    let tag = version_of("parcels", miyun);
    let moved = json!({ "geometry": daxing_outline });
    for who in ["editor in scope", "editor out of scope"] {
        let (status, problem, _) = send("PATCH", &path, who, Some(&tag), Some(&moved));
        assert_eq!(status, 403, "{who}: {problem}");
    }
    let (status, feature, _) = send("PATCH", &path, "city admin", Some(&tag), Some(&moved));
    assert_eq!((status, feature["properties"]["district"].as_str()), (200, Some(DAXING)), "{feature}");
    // both offices read the move in their audit trail, with the admin's scope
    for who in ["promoter in scope", "promoter out of scope"] {
        let (status, trail, _) = send("GET", &format!("/api/v1/audit?feature={miyun}"), who, None, None);
        assert_eq!(status, 200);
        let entry = trail["entries"].as_array().unwrap().iter().find(|e| e["action"] == "update").unwrap_or_else(|| panic!("{who}: {trail}"));
        assert_eq!((entry["actor"].as_str(), &entry["scope"]), (Some("city-admin"), &json!({ "kind": "city" })));
        assert_eq!(entry["district"], DAXING);
    }
    // now in Daxing: Miyun's editor cannot move it back, Daxing's can edit it
    let tag = version_of("parcels", miyun);
    assert_eq!(send("PATCH", &path, "editor in scope", Some(&tag), Some(&json!({ "properties": { "name": "回密云" } }))).0, 403);
    assert_eq!(send("PATCH", &path, "editor out of scope", Some(&tag), Some(&json!({ "properties": { "name": "大兴的了" } }))).0, 200);
}

#[test]
fn the_audit_trail_is_limited_to_the_scope_and_records_the_writers_scope() {
    let id = &sample_ids("parcels", |p| p["district"] == MIYUN && p["status"] == "available")[25];
    let tag = version_of("parcels", id);
    let (status, _, _) = send("POST", &format!("/api/v1/parcels/{id}/status"), "editor in scope", Some(&tag), Some(&json!({ "status": "negotiating", "project": "审计项目" })));
    assert_eq!(status, 200);
    let (_, mine, _) = send("GET", &format!("/api/v1/audit?feature={id}"), "promoter in scope", None, None);
    let entry = &mine["entries"][0];
    assert_eq!((&entry["actor"], &entry["role"], &entry["scope"]), (&json!("miyun-editor"), &json!("editor"), &json!({ "kind": "district", "id": MIYUN })), "{mine}");
    assert_eq!((entry["district"].as_str(), entry["project"].as_str()), (Some(MIYUN), Some("审计项目")));
    let (status, theirs, _) = send("GET", &format!("/api/v1/audit?feature={id}"), "promoter out of scope", None, None);
    assert_eq!((status, theirs["entries"].as_array().map(Vec::len)), (200, Some(0)), "Daxing's office does not read Miyun's negotiations: {theirs}");
    let (_, all, _) = send("GET", "/api/v1/audit?limit=10000", "promoter out of scope", None, None);
    assert!(all["entries"].as_array().unwrap().iter().all(|e| e["district"] == DAXING), "{all}");
    let (_, city, _) = send("GET", &format!("/api/v1/audit?feature={id}"), "city admin", None, None);
    assert_eq!(city["entries"].as_array().map(Vec::len), Some(1));
}

/// The `project` property of feature `id` in a parcels tile, as `who` reads it.
fn tile_project(who: &str, id: &str, lon: f64, lat: f64) -> Option<String> {
    let (x, y) = common::tile_of(geo::Coord { x: lon, y: lat }, 15);
    let mut request = ureq::get(&format!("{}/tiles/parcels/15/{x}/{y}.mvt", callers().url));
    if let Some(t) = token(who) {
        request = request.set("Authorization", &format!("Bearer {t}"));
    }
    let r = response(request.call());
    assert_eq!(r.status(), 200);
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    let tile = Tile::decode(bytes.as_slice()).unwrap();
    let layer = &tile.layers[0];
    let key = |name: &str| layer.keys.iter().position(|k| k == name).map(|k| k as u32);
    let (id_key, project_key) = (key("id").unwrap(), key("project"));
    let feature = layer.features.iter().find(|f| f.tags.chunks(2).any(|kv| kv[0] == id_key && layer.values[kv[1] as usize].string_value.as_deref() == Some(id))).expect("the parcel is in its tile");
    let project_key = project_key?;
    feature.tags.chunks(2).find(|kv| kv[0] == project_key).and_then(|kv| layer.values[kv[1] as usize].string_value.clone())
}

#[test]
fn confidential_fields_are_read_within_the_scope_only() {
    let id = &sample_ids("parcels", |p| p["district"] == MIYUN && p["status"] == "available")[26];
    let tag = version_of("parcels", id);
    let talks = json!({ "status": "negotiating", "project": "保密项目", "project_id": "S-9" });
    assert_eq!(send("POST", &format!("/api/v1/parcels/{id}/status"), "promoter in scope", Some(&tag), Some(&talks)).0, 200);
    let item = format!("/collections/parcels/items/{id}");
    let page = format!("/collections/parcels/items?filter=id%3D%27{id}%27");
    let (_, feature, _) = send("GET", &item, "no token", None, None);
    let corner = &feature["geometry"]["coordinates"][0][0][0];
    let (lon, lat) = (corner[0].as_f64().unwrap(), corner[1].as_f64().unwrap());
    for (who, sees) in [("no token", false), ("public", false), ("promoter in scope", true), ("promoter out of scope", false), ("editor out of scope", false), ("city admin", true)] {
        let (_, feature, _) = send("GET", &item, who, None, None);
        assert_eq!(feature["properties"]["project"].as_str() == Some("保密项目"), sees, "{who} item: {feature}");
        assert_eq!(feature["properties"].get("project_id").is_some(), sees, "{who} item");
        let (_, listed, _) = send("GET", &page, who, None, None);
        assert_eq!(listed["features"][0]["properties"]["project"].as_str() == Some("保密项目"), sees, "{who} page: {listed}");
        assert_eq!(tile_project(who, id, lon, lat).as_deref() == Some("保密项目"), sees, "{who} tile");
    }
}

#[test]
fn a_park_with_its_own_office_is_its_scope_not_its_districts() {
    let in_bda = &sample_ids("buildings", |p| p["park"] == "bda")[0];
    let in_daxing = &sample_ids("buildings", |p| p["district"] == DAXING && p["park"] != "bda")[0];
    let rename = json!({ "properties": { "name": "改名" } });
    let patch = |who: &str, id: &str| {
        let tag = version_of("buildings", id);
        send("PATCH", &format!("/collections/buildings/items/{id}"), who, Some(&tag), Some(&rename)).0
    };
    assert_eq!(patch("editor out of scope", in_bda), 403, "Daxing's office does not keep the BDA's inventory");
    assert_eq!(patch("bda editor", in_bda), 200);
    assert_eq!(patch("bda editor", in_daxing), 403);
    assert_eq!(patch("editor out of scope", in_daxing), 200);
    let (_, park, _) = send("GET", "/collections/parks/items/bda", "no token", None, None);
    assert_eq!(park["properties"]["own_office"], true);
}

#[test]
fn me_says_who_the_bearer_is() {
    let (status, me, _) = send("GET", "/api/v1/me", "promoter in scope", None, None);
    assert_eq!(status, 200);
    assert_eq!((&me["name"], &me["role"]), (&json!("miyun-promoter"), &json!("promoter")));
    assert_eq!((&me["scope"]["kind"], &me["scope"]["id"], &me["scope"]["name"]), (&json!("district"), &json!(MIYUN), &json!("密云区")));
    let (_, me, _) = send("GET", "/api/v1/me", "bda editor", None, None);
    assert_eq!((&me["scope"]["kind"], &me["scope"]["id"], &me["scope"]["name"]), (&json!("park"), &json!("bda"), &json!("北京经济技术开发区")));
    let (_, me, _) = send("GET", "/api/v1/me", "city admin", None, None);
    assert_eq!((&me["role"], &me["scope"]["kind"]), (&json!("admin"), &json!("city")));
    assert_eq!(send("GET", "/api/v1/me", "no token", None, None).0, 401);
}

#[test]
fn tokens_are_scoped_by_the_cli_and_admins_are_city_wide() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.gpkg");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_chanye")).args(args).arg("--store").arg(&store).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let sample = common::sample_dir();
    let files: Vec<String> = ["districts", "parks", "zones", "parcels", "buildings"].iter().map(|l| sample.join(format!("{l}.geojson")).display().to_string()).collect();
    let mut import: Vec<&str> = vec!["import"];
    import.extend(files.iter().map(String::as_str));
    let catalogue = sample.join("industries.json").display().to_string();
    let policies = sample.join("policies.json").display().to_string();
    import.extend([catalogue.as_str(), policies.as_str()]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chanye")).args(&import).arg("--into").arg(&store).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (ok, token, _) = run(&["token", "create", "--role", "editor", "--district", MIYUN, "--name", "miyun-gis"]);
    assert!(ok && token.starts_with("cy_"));
    assert!(run(&["token", "create", "--role", "promoter", "--park", "bda", "--name", "bda-zs"]).0);
    let (ok, _, err) = run(&["token", "create", "--role", "admin", "--district", MIYUN, "--name", "boss"]);
    assert!(!ok && err.contains("city-wide"), "{err}");
    let (ok, _, err) = run(&["token", "create", "--role", "editor", "--district", "999999", "--name", "nowhere"]);
    assert!(!ok && err.contains("999999"), "{err}");
    let (ok, _, err) = run(&["token", "create", "--role", "editor", "--park", "no-such-park", "--name", "nowhere"]);
    assert!(!ok && err.contains("no-such-park"), "{err}");
    let (_, listed, _) = run(&["token", "list"]);
    assert!(listed.contains("miyun-gis\teditor\tdistrict 110118") && listed.contains("bda-zs\tpromoter\tpark bda"), "{listed}");
}

#[test]
fn failed_authentications_are_limited_per_client_address() {
    let (url, store, _dir) = common::store_server(chanye::http::Settings { auth_failures_per_minute: 3, ..Default::default() });
    let good = store.create_token("good", Role::Promoter, &Scope::City).unwrap();
    let me = |token: &str| response(ureq::get(&format!("{url}/api/v1/me")).set("Authorization", &format!("Bearer {token}")).call());
    assert_eq!(me(&good).status(), 200, "a good token is not a failure");
    for _ in 0..3 {
        assert_eq!(me("cy_guess").status(), 401);
    }
    let refused = me("cy_guess");
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.header("Retry-After").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(refused.content_type(), "application/problem+json");
    assert_eq!(me(&good).status(), 429, "the address waits, whatever it sends");
    let public = response(ureq::get(&format!("{url}/collections/parcels/items?limit=1")).call());
    assert_eq!(public.status(), 200, "reads without a token go on");
}
