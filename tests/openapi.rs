//! The API document and the server agree: every route the server registers is documented,
//! every documented path is a route, and `/api` serves the document as JSON and YAML.

use crate::common;

use std::collections::BTreeSet;

use common::{answer, response, sample_server as base};
use serde_json::Value;

const COLLECTIONS: [&str; 5] = ["districts", "parks", "zones", "parcels", "buildings"];

fn document() -> Value {
    serde_norway::from_str(chanye::http::OPENAPI_YAML).expect("api-spec/openapi.yaml parses")
}

/// (method, path) of every route attribute (`#[get("…")]`, `#[post("…")]`, …) in src/http;
/// a `{collectionId}` route stands for one path per collection, as the document lists them
/// (`{collectionId:parcels|buildings}` for the two named).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut routes = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines().map(str::trim) {
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) else { continue };
                let path = rest.split('"').next().unwrap();
                if let Some(start) = path.find("{collectionId") {
                    // `{collectionId}` is any collection, `{collectionId:parcels|buildings}` those named
                    let end = start + path[start..].find('}').unwrap();
                    let pattern = &path[start..=end];
                    let named: Vec<&str> = match pattern.strip_prefix("{collectionId:") {
                        Some(alternatives) => alternatives.trim_end_matches('}').split('|').collect(),
                        None => COLLECTIONS.to_vec(),
                    };
                    for c in named {
                        routes.insert((method.to_string(), path.replace(pattern, c)));
                    }
                } else {
                    routes.insert((method.to_string(), path.to_string()));
                }
            }
        }
    }
    routes
}

fn routes_in_document(doc: &Value) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str())) {
            routes.insert((method.clone(), path.clone()));
        }
    }
    routes
}

#[test]
fn every_route_is_documented_and_every_documented_path_is_served() {
    let served = routes_in_source();
    let documented = routes_in_document(&document());
    assert!(served.len() > 20, "the scan found the routes: {served:?}");
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let missing: Vec<_> = documented.difference(&served).collect();
    assert!(undocumented.is_empty(), "routes missing from api-spec/openapi.yaml: {undocumented:?}");
    assert!(missing.is_empty(), "documented but not served: {missing:?}");
}

#[test]
fn api_serves_the_document_as_json_and_yaml() {
    let (status, kind, json) = answer(ureq::get(&format!("{}/api", base())).call());
    assert_eq!((status, kind.as_str()), (200, "application/vnd.oai.openapi+json"));
    assert_eq!(json, document());
    assert!(json["openapi"].as_str().unwrap().starts_with("3.0."));
    let yaml = response(ureq::get(&format!("{}/api?f=yaml", base())).call());
    assert_eq!(yaml.content_type(), "application/vnd.oai.openapi");
    assert_eq!(yaml.into_string().unwrap(), chanye::http::OPENAPI_YAML);
    let (status, _, problem) = answer(ureq::get(&format!("{}/api?f=pdf", base())).call());
    assert_eq!((status, problem["parameter"].as_str()), (400, Some("f")));
}
