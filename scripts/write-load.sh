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

if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk
fi
cargo build --release --locked
[ -f bench-data/100k/parcels.geojson ] || target/release/chanye generate --parcels 100000 --seed 1 --out bench-data/100k

# a fresh store, seeded from the 100k data by the first serve
store=target/write-load/chanye.gpkg
rm -rf target/write-load && mkdir -p target/write-load
target/release/chanye serve --data bench-data/100k --store "$store" --listen "127.0.0.1:$port" 2>target/write-load/server.log &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 300); do curl -sf "$base/readyz" >/dev/null && break; sleep 1; done
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
