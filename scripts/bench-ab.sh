#!/usr/bin/env bash
# Alternates the matcher benchmark at 100k of a base revision with the working tree's:
#   scripts/bench-ab.sh REV [ROUNDS] [REQUESTS...]     (default: 2 rounds, typical within_10km)
# The base is checked out as a git worktree in target/bench-base (sharing target/), each tree
# with its own bench-data. Prints criterion's median and mean per tree, round and request.
set -euo pipefail
rev=${1:?usage: scripts/bench-ab.sh REV [ROUNDS] [REQUESTS...]}
rounds=${2:-2}
shift $(($# < 2 ? $# : 2))
requests=("${@:-typical within_10km}")
read -r -a requests <<<"${requests[*]}"
filter="match/($(IFS='|'; echo "${requests[*]}"))/100000"
here=$(git rev-parse --show-toplevel)
base=$here/target/bench-base
export CARGO_TARGET_DIR=$here/target
rm -rf "$base"
git -C "$here" worktree prune
git -C "$here" worktree add --force --detach "$base" "$rev" >/dev/null
trap 'git -C "$here" worktree remove --force "$base"' EXIT
for round in $(seq "$rounds"); do
  for tree in "$base" "$here"; do
    (cd "$tree" && cargo bench --quiet --bench matcher -- "$filter" >/dev/null)
    for request in "${requests[@]}"; do
      python3 - "$CARGO_TARGET_DIR/criterion/match/$request/100000/new/estimates.json" "$request" "$tree" "$round" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tree = "base" if sys.argv[3].endswith("bench-base") else "change"
print(f"{tree:>6} round {sys.argv[4]} {sys.argv[2]:<12} median {d['median']['point_estimate'] / 1000:8.1f} µs  mean {d['mean']['point_estimate'] / 1000:8.1f} µs")
PY
    done
  done
done
