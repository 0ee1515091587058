#!/usr/bin/env bash
# Start-up figures for BENCHMARKS.md (issue 20): time from launch to /readyz 200 and peak RSS
# (VmHWM) of the release server, for a first start (the data directory imported into a new
# store) and a restart from that store, and the RSS once it settles after ready (VmRSS).
# Usage: scripts/startup.sh [PARCELS ...]   (default: 100000; 1000000 needs about 6 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
port=18090
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000)
cargo build --release --locked

# measure LABEL DATA STORE: one start, printed as a table row
measure() {
  local label=$1 data=$2 store=$3
  local started pid ready=""
  started=$(date +%s%N)
  target/release/chanye serve --data "$data" --store "$store" --listen "127.0.0.1:$port" 2>"$store.log" &
  pid=$!
  for _ in $(seq 1 60000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=$(date +%s%N); break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  if [ -z "$ready" ]; then
    echo "$label: the server did not become ready; see $store.log" >&2
    kill "$pid" 2>/dev/null || true
    return 1
  fi
  # steady: the RSS once it settles (the allocator hands freed buffers back within seconds)
  local peak steady last=0
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  for _ in $(seq 1 30); do
    sleep 1
    steady=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    [ $(( last - steady )) -lt $(( steady / 100 )) ] && [ $(( steady - last )) -lt $(( steady / 100 )) ] && break
    last=$steady
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk -v l="$label" -v t="$(( (ready - started) / 1000000 ))" -v p="$peak" -v s="$steady" \
    'BEGIN { printf "| %s | %.2f s | %.0f MB | %.0f MB | %.2f |\n", l, t / 1000, p / 1024, s / 1024, p / s }'
}

echo "| start | to /readyz | peak RSS | RSS once ready | peak / steady |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  data="bench-data/$((n / 1000))k" # the benchmarks' naming: bench-data/100k, bench-data/1000k
  [ -f "$data/parcels.geojson" ] || target/release/chanye generate --parcels "$n" --seed 1 --out "$data" >/dev/null
  dir="target/startup/$n"
  rm -rf "$dir" && mkdir -p "$dir"
  measure "$n parcels, first start (import)" "$data" "$dir/chanye.gpkg"
  measure "$n parcels, restart from the store" "$data" "$dir/chanye.gpkg"
  measure "$n parcels, restart again" "$data" "$dir/chanye.gpkg"
done
