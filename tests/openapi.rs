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
            // routes registered as resources (to give them their own body limit)
            if let Some(rest) = line.split("web::resource(\"").nth(1) {
                let path = rest.split('"').next().unwrap();
                for method in ["get", "post", "put", "patch", "delete"].into_iter().filter(|m| line.contains(&format!(".route(web::{m}()"))) {
                    routes.insert((method.to_string(), path.to_string()));
                }
            }
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

/// The string values of an `enum` in a schema.
fn enum_of(schema: &Value) -> Vec<String> {
    schema["enum"].as_array().unwrap_or_else(|| panic!("no enum in {schema}")).iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

fn policy_schema() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api-spec/policies.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("api-spec/policies.schema.json parses")
}

/// The closed lists the documents spell out are the code's: the request's enterprise titles,
/// project types and enterprise statuses (Chinese, then English labels), the criteria, the
/// constraints and the policy vocabularies, in the OpenAPI document and in the JSON Schema of
/// `geodata/policies.json`.
#[test]
fn closed_lists_are_the_codes() {
    use chanye::matcher::constraints::Constraint;
    use chanye::matcher::criteria::Criterion;
    use chanye::model::{Beneficiary, ENTERPRISE_STATUSES, ENTERPRISE_STATUSES_EN, ENTERPRISE_TITLES, ENTERPRISE_TITLES_EN, PROJECT_TYPES, PROJECT_TYPES_EN};
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let request = &schemas["ProjectRequest"]["properties"];
    let both = |zh: &[&str], en: &[&str]| strings(&[zh, en].concat());
    assert_eq!(enum_of(&request["enterprise_titles"]["items"]), both(&ENTERPRISE_TITLES, &ENTERPRISE_TITLES_EN));
    assert_eq!(enum_of(&request["project_type"]), both(&PROJECT_TYPES, &PROJECT_TYPES_EN));
    assert_eq!(enum_of(&request["enterprise_status"]), both(&ENTERPRISE_STATUSES, &ENTERPRISE_STATUSES_EN));
    let criteria: Vec<String> = Criterion::ALL.iter().map(|c| c.name().to_string()).collect();
    assert_eq!(enum_of(&schemas["CriterionName"]), criteria);
    let weights: BTreeSet<&String> = schemas["Weights"]["properties"].as_object().unwrap().keys().collect();
    assert_eq!(weights, criteria.iter().collect(), "Weights names every criterion");
    let constraints: Vec<String> = Constraint::ALL.iter().map(|c| c.name().to_string()).collect();
    assert_eq!(enum_of(&schemas["ConstraintName"]), constraints);
    let beneficiaries: Vec<String> = Beneficiary::ALL.iter().map(|b| b.as_str().to_string()).collect();
    assert_eq!(enum_of(&schemas["Beneficiary"]), beneficiaries);

    let file = policy_schema();
    let defs = &file["$defs"];
    assert_eq!(file["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(enum_of(&defs["Beneficiary"]), beneficiaries);
    assert_eq!(enum_of(&defs["EnterpriseTitle"]), strings(&ENTERPRISE_TITLES));
    assert_eq!(enum_of(&defs["ProjectType"]), strings(&PROJECT_TYPES));
    assert_eq!(enum_of(&defs["EnterpriseStatus"]), strings(&ENTERPRISE_STATUSES));
    assert_eq!(enum_of(&defs["ProjectField"]), enum_of(&schemas["ProjectField"]));
    assert_eq!(enum_of(&defs["MeasureStatus"]), enum_of(&schemas["MeasureStatus"]));
}

/// A measure of `geodata/policies.json`, as the listing serialises it, has exactly the keys
/// the OpenAPI document and the JSON Schema describe (every key is written, null or empty).
#[test]
fn policy_measures_have_the_documented_keys() {
    let text = std::fs::read_to_string(common::sample_dir().join("policies.json")).unwrap();
    let catalogue: chanye::model::PolicyCatalogue = serde_json::from_str(&text).expect("geodata/policies.json reads");
    let written = serde_json::to_value(&catalogue.measures[0]).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<BTreeSet<String>>();
    let doc = document();
    let documented = &doc["components"]["schemas"]["PolicyMeasure"];
    assert_eq!(keys(&written), keys(&documented["properties"]), "OpenAPI PolicyMeasure properties");
    let required: BTreeSet<String> = documented["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(keys(&written), required, "OpenAPI PolicyMeasure: every key is written");
    assert_eq!(keys(&written), keys(&policy_schema()["$defs"]["PolicyMeasure"]["properties"]), "policies.schema.json PolicyMeasure properties");
    let written_document = serde_json::to_value(&catalogue.documents[0]).unwrap();
    assert_eq!(keys(&written_document), keys(&doc["components"]["schemas"]["PolicyDocument"]["properties"]), "OpenAPI PolicyDocument properties");
}
