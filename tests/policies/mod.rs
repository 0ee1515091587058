//! Policy measures judged against projects, one file per source document (each case cites
//! the line of the document it is written from), and the check that every measure quotes its
//! document faithfully.

use std::sync::{Arc, OnceLock};

use chanye::inventory::{load_dir_strict, Snapshot};
use chanye::matcher::policy::{judge, Eligibility, Judgement, Place, ProjectFacts};
use chanye::matcher::{MatchResult, Matcher, ProjectRequest};
use chanye::model::{OfferKind, PolicyMeasure};
use chrono::NaiveDate;

use crate::common;

mod api;
mod city;
mod daxing;
mod mentougou;
mod miyun;
mod quotes;
mod tongzhou;

/// The sample inventory with its policy measures, loaded once.
fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Arc::new(load_dir_strict(&common::sample_dir()).unwrap().snapshot)))
}

fn snapshot() -> &'static Snapshot {
    matcher().snapshot()
}

/// The measure with this id; the test fails when the catalogue lost it.
fn measure(id: &str) -> &'static PolicyMeasure {
    snapshot().policies.get(id).unwrap_or_else(|| panic!("measure {id} is not in geodata/policies.json"))
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A site in a district (and park), for land or building space.
fn at(district: &'static str, park: Option<&'static str>, kind: OfferKind) -> Place<'static> {
    Place { district: Some(district), park, zone: None, kind: Some(kind) }
}

/// The judgement of measure `id` for `facts` at `place` on `as_of`.
fn judged(id: &str, facts: &ProjectFacts, place: &Place, as_of: &str) -> Option<Judgement> {
    judge(measure(id), facts, place, date(as_of))
}

/// The judgement, which must exist (the measure reaches the place).
fn reached(id: &str, facts: &ProjectFacts, place: &Place, as_of: &str) -> Judgement {
    judged(id, facts, place, as_of).unwrap_or_else(|| panic!("{id} does not reach the place"))
}

fn run(body: serde_json::Value) -> MatchResult {
    let request = ProjectRequest::from_json(&body.to_string()).unwrap();
    matcher().run_on(&request, date("2026-12-07")).unwrap()
}

/// Every candidate's measure ids.
fn listed_ids(result: &MatchResult) -> Vec<String> {
    result.candidates.iter().flat_map(|c| c.policies.iter().map(|p| p.measure.id.clone())).collect()
}

fn eligible(j: &Judgement) -> bool {
    j.eligibility == Eligibility::Eligible
}
