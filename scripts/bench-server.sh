# Sourced by the load scripts: wrk, the release binary, the 100k dataset, and a release server
# on its own fresh store seeded from that data.

# Installs wrk (Debian) when missing, builds the release binary, generates bench-data/100k.
bench_prepare() {
  if ! command -v wrk >/dev/null; then
    local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get install -y -qq wrk
  fi
  cargo build --release --locked
  [ -f bench-data/100k/parcels.geojson ] || target/release/chanye generate --parcels 100000 --seed 1 --out bench-data/100k
}

# bench_serve DIR PORT: serves bench-data/100k from a fresh store DIR/chanye.gpkg (request logs
# to DIR/server.log), stops it on exit, and returns once /readyz answers.
bench_serve() {
  local dir=$1 port=$2
  rm -rf "$dir" && mkdir -p "$dir"
  target/release/chanye serve --data bench-data/100k --store "$dir/chanye.gpkg" --listen "127.0.0.1:$port" 2>"$dir/server.log" &
  bench_server_pid=$!
  trap 'kill $bench_server_pid 2>/dev/null' EXIT
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0; sleep 1; done
  echo "the server did not become ready; see $dir/server.log" >&2
  return 1
}
