#!/usr/bin/env bash
# Tile throughput for BENCHMARKS.md (issue 7): wrk -t2 -c8 against the release server on the
# generated 100k dataset, at zoom 12, 14 and 16, over every tile that holds a parcel (so each
# request computes a tile; the server keeps no tile cache). Also prints tile sizes.
# Usage: scripts/tile-load.sh [seconds per run, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
port=18081
base="http://127.0.0.1:$port"
out=target/tile-load

# shellcheck source=scripts/bench-server.sh
. scripts/bench-server.sh
bench_prepare
bench_serve "$out" "$port"

# the tiles holding a parcel's first corner, and how many parcels each holds
python3 - "$out" <<'PY'
import json, math, sys, collections
out = sys.argv[1]
with open("bench-data/100k/parcels.geojson") as f:
    features = json.load(f)["features"]
for z in (12, 14, 16):
    n = 2 ** z
    counts = collections.Counter()
    for feature in features:
        ring = feature["geometry"]["coordinates"][0]
        lon, lat = ring[0] if isinstance(ring[0][0], (int, float)) else ring[0][0]
        r = math.radians(lat)
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
        counts[(x, y)] += 1
    with open(f"{out}/tiles-z{z}.txt", "w") as f:
        for (x, y) in sorted(counts):
            f.write(f"/tiles/parcels/{z}/{x}/{y}.mvt\n")
    print(f"z{z}: {len(counts)} tiles with parcels, {len(features) / len(counts):.0f} parcels a tile on average, {max(counts.values())} at most (by first corner)")
PY

for z in 12 14 16; do
  list="$out/tiles-z$z.txt"
  # sizes of (up to) 400 of the tiles, spread over the list
  sizes=$(awk -v step="$(( ($(wc -l < "$list") + 399) / 400 ))" 'NR % step == 0' "$list" | while read -r path; do
    curl -s -o /dev/null -w '%{size_download}\n' "$base$path"
  done | sort -n)
  echo "== zoom $z: tile bytes over $(echo "$sizes" | wc -l) tiles: median $(echo "$sizes" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'), max $(echo "$sizes" | tail -1)"
  wrk -t2 -c8 -d"${seconds}s" --latency -s scripts/wrk/tiles.lua "$base" -- "$list" | grep -E "Requests/sec|Transfer/sec|Latency|50%|99%|Non-2xx|Socket errors"
done
