#!/usr/bin/env bash
# Tile throughput for BENCHMARKS.md (issue 7): wrk -t2 -c8 against the release server on the
# generated 100k dataset, at zoom 12, 14, 15 and 16, over every tile that holds a parcel (so each
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
def first_corner(geometry):
    c = geometry["coordinates"]
    while isinstance(c[0], list):
        c = c[0]
    return c

for layer, zooms in (("parcels", (12, 14, 15, 16)), ("buildings", (12,))):
  with open(f"bench-data/100k/{layer}.geojson") as f:
    features = json.load(f)["features"]
  for z in zooms:
    n = 2 ** z
    counts = collections.Counter()
    for feature in features:
        lon, lat = first_corner(feature["geometry"])[:2]
        r = math.radians(lat)
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
        counts[(x, y)] += 1
    with open(f"{out}/{layer}-z{z}.txt", "w") as f:
        for (x, y) in sorted(counts):
            f.write(f"/tiles/{layer}/{z}/{x}/{y}.mvt\n")
    print(f"{layer} z{z}: {len(counts)} tiles, {len(features) / len(counts):.0f} features a tile on average, {max(counts.values())} at most (by first corner)")
PY

largest() {
  sort -n | awk '{a[NR]=$1} END {printf "median %s, max %s", a[int((NR+1)/2)], a[NR]}'
}
echo "== buildings, zoom 12: tile bytes $(while read -r path; do curl -s -o /dev/null -w '%{size_download}\n' "$base$path"; done < "$out/buildings-z12.txt" | largest)"
for z in 12 14 15 16; do
  list="$out/parcels-z$z.txt"
  # sizes of (up to) 400 of the tiles, spread over the list
  sizes=$(awk -v step="$(( ($(wc -l < "$list") + 399) / 400 ))" 'NR % step == 0' "$list" | while read -r path; do
    curl -s -o /dev/null -w '%{size_download}\n' "$base$path"
  done)
  echo "== parcels, zoom $z: tile bytes over $(echo "$sizes" | wc -l) tiles: $(echo "$sizes" | largest)"
  wrk -t2 -c8 -d"${seconds}s" --latency -s scripts/wrk/tiles.lua "$base" -- "$list" | grep -E "Requests/sec|Transfer/sec|Latency|50%|99%|Non-2xx|Socket errors"
done
