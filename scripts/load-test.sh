#!/usr/bin/env bash
# HTTP load figures for BENCHMARKS.md (issue 5): wrk -t2 -c8 against the release server on the
# generated 100k dataset: a feature by id, a 100-parcel bbox page, a typical match, a 30 km
# match and a match near a point with no limit.
# Usage: scripts/load-test.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
port=18080
base="http://127.0.0.1:$port"

# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh
bench_prepare
# request logs on, as in production, written to a file
bench_serve target/load-test "$port"

# a parcel in the middle of the file, and a box that holds a little over 100 parcels
id=$(curl -sf "$base/collections/parcels/items?limit=1&offset=50000" | python3 -c 'import json,sys; print(json.load(sys.stdin)["features"][0]["id"])')
bbox="116.792,40.342,116.808,40.358"
matched=$(curl -sf "$base/collections/parcels/items?limit=100&bbox=$bbox" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["numberMatched"], d["numberReturned"])')
echo "bbox $bbox: numberMatched numberReturned = $matched"

run() {
  echo "== $1"
  shift
  wrk -t2 -c8 -d"${seconds}s" --latency "$@" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|Socket errors"
}
run "item by id ($id)" "$base/collections/parcels/items/$id"
run "100-parcel bbox page" "$base/collections/parcels/items?limit=100&bbox=$bbox"
run "typical match (scripts/wrk/match.lua)" -s scripts/wrk/match.lua "$base/api/v1/match"
run "30 km match (scripts/wrk/match-30km.lua)" -s scripts/wrk/match-30km.lua "$base/api/v1/match"
run "near match, no limit (scripts/wrk/match-near.lua)" -s scripts/wrk/match-near.lua "$base/api/v1/match"
