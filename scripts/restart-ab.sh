#!/usr/bin/env bash
# Restarts one store with each of several chanye binaries in turn, three rounds, and prints per
# run the time to /readyz, user and system CPU (/proc/PID/stat) and peak and steady RSS. On a
# machine whose speed drifts, interleaving is what makes two binaries comparable.
# Usage: scripts/restart-ab.sh PARCELS BINARY...   (the store of scripts/startup.sh PARCELS)
set -euo pipefail
cd "$(dirname "$0")/.."
n=$1
shift
store="target/startup/$n/chanye.gpkg"
data="bench-data/$((n / 1000))k"
port=18093
[ -f "$store" ] || { echo "no store at $store: run scripts/startup.sh $n first" >&2; exit 1; }
ticks=$(getconf CLK_TCK)
for _ in 1 2 3; do
  for bin in "$@"; do
    started=$(date +%s%N)
    "$bin" serve --data "$data" --store "$store" --listen "127.0.0.1:$port" 2>/dev/null &
    pid=$!
    ready=""
    for _ in $(seq 1 12000); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=$(date +%s%N); break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    if [ -z "$ready" ]; then echo "$bin: not ready" >&2; kill "$pid" 2>/dev/null || true; exit 1; fi
    sleep 1
    peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    steady=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    read -r user system < <(awk -v t="$ticks" '{printf "%.2f %.2f\n", $14 / t, $15 / t}' "/proc/$pid/stat")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$bin: ready $(( (ready - started) / 1000000 )) ms, user ${user} s, system ${system} s, peak $((peak / 1024)) MB, steady $((steady / 1024)) MB"
  done
done
