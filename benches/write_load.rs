//! Write load for BENCHMARKS.md: clients that each own some available parcels and toggle
//! them available → negotiating → available through `POST /api/v1/parcels/{id}/status`,
//! with the version each answer's ETag gives as the next If-Match. Run by
//! `scripts/write-load.sh` against a release server, beside wrk's reads.
//!
//! `cargo bench --bench write_load -- --url URL --token TOKEN [--clients 8] [--seconds 20]`

use std::time::{Duration, Instant};

use serde_json::Value;

struct Options {
    url: String,
    token: String,
    clients: usize,
    seconds: u64,
}

fn options() -> Options {
    let mut o = Options { url: String::new(), token: String::new(), clients: 8, seconds: 20 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => o.url = value(),
            "--token" => o.token = value(),
            "--clients" => o.clients = value().parse().expect("--clients is a number"),
            "--seconds" => o.seconds = value().parse().expect("--seconds is a number"),
            // cargo bench passes this to every bench target
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!o.url.is_empty() && !o.token.is_empty(), "give --url and --token");
    o
}

/// What one client did: latencies of acknowledged changes, and failures.
struct Tally {
    latencies: Vec<Duration>,
    failures: usize,
}

fn client(o: &Options, parcels: Vec<String>, until: Instant) -> Tally {
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    let auth = format!("Bearer {}", o.token);
    let mut versions: Vec<String> = parcels
        .iter()
        .map(|id| agent.get(&format!("{}/collections/parcels/items/{id}", o.url)).call().expect("the parcel reads").header("ETag").expect("an ETag").to_string())
        .collect();
    let mut tally = Tally { latencies: Vec::new(), failures: 0 };
    let mut round = 0usize;
    while Instant::now() < until {
        let slot = round % parcels.len();
        // each parcel goes to talks and back, so it stays in the workflow
        let status = if (round / parcels.len()).is_multiple_of(2) { "negotiating" } else { "available" };
        let body = format!(r#"{{"status": "{status}", "project": "压测项目", "note": "write load"}}"#);
        let started = Instant::now();
        let answer = agent
            .post(&format!("{}/api/v1/parcels/{}/status", o.url, parcels[slot]))
            .set("Authorization", &auth)
            .set("If-Match", &versions[slot])
            .set("Content-Type", "application/json")
            .send_string(&body);
        match answer {
            Ok(r) if r.status() == 200 => {
                tally.latencies.push(started.elapsed());
                versions[slot] = r.header("ETag").expect("an ETag").to_string();
            }
            _ => tally.failures += 1,
        }
        round += 1;
    }
    tally
}

fn main() {
    let o = options();
    let text = ureq::get(&format!("{}/collections/parcels/items?status=available&limit={}", o.url, o.clients * 16))
        .call()
        .expect("the server answers")
        .into_string()
        .expect("a page");
    let page: Value = serde_json::from_str(&text).expect("a GeoJSON page");
    let ids: Vec<String> = page["features"].as_array().expect("features").iter().filter_map(|f| f["id"].as_str().map(str::to_string)).collect();
    assert!(ids.len() >= o.clients, "too few available parcels");
    let per_client = ids.len() / o.clients;
    let until = Instant::now() + Duration::from_secs(o.seconds);
    let started = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = ids.chunks(per_client).take(o.clients).map(|chunk| scope.spawn(|| client(&o, chunk.to_vec(), until))).collect();
        handles.into_iter().map(|h| h.join().expect("a client finished")).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = tallies.iter().flat_map(|t| t.latencies.iter().copied()).collect();
    latencies.sort();
    let failures: usize = tallies.iter().map(|t| t.failures).sum();
    let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!(
        "status changes: {} acknowledged in {elapsed:.1} s = {:.0}/s ({} clients), {failures} failed; latency p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        o.clients,
        at(0.5),
        at(0.99)
    );
}
