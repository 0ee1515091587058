#!/usr/bin/env bash
# Write throughput for BENCHMARKS.md (issue 6): status changes/s with the snapshot swap on the
# generated 100k store, while wrk reads 100-parcel bbox pages from the same release server.
# Usage: scripts/write-load.sh [seconds, default 20] [writing clients, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
clients=${2:-8}
port=18081
base="http://127.0.0.1:$port"

# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh
bench_prepare
store=target/write-load/chanye.gpkg
bench_serve target/write-load "$port"
token=$(target/release/chanye token create --store "$store" --role promoter --name write-load 2>/dev/null)

bbox="116.792,40.342,116.808,40.358"
echo "== reads alone: 100-parcel bbox page, wrk -t1 -c4, ${seconds}s"
wrk -t1 -c4 -d"${seconds}s" --latency "$base/collections/parcels/items?limit=100&bbox=$bbox" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== writes alone: $clients clients"
cargo bench --bench write_load -- --url "$base" --token "$token" --clients "$clients" --seconds "$seconds"
echo "== writes and reads together"
wrk -t1 -c4 -d"${seconds}s" --latency "$base/collections/parcels/items?limit=100&bbox=$bbox" > target/write-load/wrk.txt &
reads=$!
cargo bench --bench write_load -- --url "$base" --token "$token" --clients "$clients" --seconds "$seconds"
wait $reads
grep -E "Requests/sec|50%|99%|Non-2xx" target/write-load/wrk.txt
echo "== one client alone"
cargo bench --bench write_load -- --url "$base" --token "$token" --clients 1 --seconds "$seconds"
