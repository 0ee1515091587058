//! Publishing: under a burst of status changes, every match answers from one snapshot and
//! the matcher over it, never a new snapshot with an old matcher.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chanye::inventory::{LayerName, LayerSource};
use chanye::matcher::{Matcher, ProjectRequest};
use chanye::model::{Role, SpaceStatus};
use chanye::store::{Actor, Batch, Change, Dataset, Edit, GpkgStore, Published, StatusChange, Store, Writer};

use crate::common;

/// The candidates' ids and scores, and the excluded counts: what a match answers.
fn answer_of(matcher: &Matcher, request: &ProjectRequest) -> String {
    let result = matcher.run(request).unwrap();
    let candidates: Vec<String> = result.candidates.iter().map(|c| format!("{}:{:.6}", c.id, c.score)).collect();
    format!("{candidates:?} {}", serde_json::to_string(&result.excluded_counts).unwrap())
}

#[test]
fn every_match_agrees_with_the_snapshot_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let store = GpkgStore::create(&dir.path().join("store.gpkg")).unwrap();
    let sample = common::sample_dir();
    let read = |name: &str| std::fs::read_to_string(sample.join(name)).unwrap();
    let layers = LayerName::ALL.iter().map(|l| LayerSource { layer: *l, origin: l.to_string(), text: read(&format!("{l}.geojson")) }).collect();
    store.import(&Dataset { layers, catalogue: Some(read("industries.json")), policies: Some(read("policies.json")) }, &chanye::store::Import::default()).unwrap();
    let snapshot = Arc::new(store.snapshot().unwrap().snapshot);
    let request = ProjectRequest::from_json(r#"{"industry": "医疗器械", "space": "land", "limit": 1000}"#).unwrap();
    // the parcels the burst toggles: those the request ranks, so every change moves the answer
    let ranked: Vec<String> = Matcher::new(snapshot.clone()).run(&request).unwrap().candidates.iter().map(|c| c.id.clone()).take(12).collect();
    assert!(ranked.len() >= 4, "the sample has land for the request: {ranked:?}");
    let published = Arc::new(Published::new(snapshot));
    let store: Arc<dyn Store> = Arc::new(store);
    let writer = Arc::new(Writer::new(store, published.clone()));
    let done = Arc::new(AtomicBool::new(false));

    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (published, done, request) = (published.clone(), done.clone(), request.clone());
            std::thread::spawn(move || {
                let mut checked = 0;
                while !done.load(Ordering::Relaxed) || checked == 0 {
                    let matcher = published.matcher();
                    // a matcher built afresh over the snapshot in hand must answer the same
                    let fresh = Matcher::new(matcher.snapshot().clone());
                    assert_eq!(answer_of(&matcher, &request), answer_of(&fresh, &request), "revision {}", matcher.snapshot().revision);
                    checked += 1;
                }
                checked
            })
        })
        .collect();

    let promoter = Actor::city("promoter-test", Role::Promoter);
    let mut versions = vec![1u64; ranked.len()];
    for round in 0..6 {
        for (i, id) in ranked.iter().enumerate() {
            let to = if round % 2 == 0 { SpaceStatus::Negotiating } else { SpaceStatus::Available };
            let change = StatusChange { layer: LayerName::Parcels, id: id.clone(), expected_version: versions[i], to, project: None, project_id: None, note: None };
            let answers = writer.submit(vec![Edit { actor: promoter.clone(), change: Change::Status(change) }], Batch::Each).unwrap();
            versions[i] = answers[0].as_ref().unwrap().committed.version;
        }
    }
    done.store(true, Ordering::Relaxed);
    let checked: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(checked > 0);
    let last = published.matcher();
    assert_eq!(last.snapshot().revision, 6 * ranked.len() as u64, "one revision per committed change");
    assert_eq!(answer_of(&last, &request), answer_of(&Matcher::new(published.snapshot()), &request));
}
