#!/usr/bin/env bash
# Property-based test of the running server against its own OpenAPI document, with
# schemathesis (PyPI) installed into the Python venv under target/py on first use.
#
# Starts `target/debug/chanye serve` on a fresh store made from the sample data (geodata/) on a free local port,
# waits for GET /readyz, and runs every schemathesis phase (examples, coverage, fuzzing,
# stateful) against the document the server publishes at /api, with valid and invalid
# inputs. The server is stopped on exit, whatever happens.
#
# Requests carry the bearer token of an editor scoped to 密云区 (110118), so writes are exercised
# past authentication and scopes (features elsewhere answer 403); failed authentications are not
# rate-limited here (--auth-failures-per-minute 0), since the run sends bad tokens on purpose.
# Checks: every one but `positive_data_acceptance`, that is: no 5xx; status codes, content
# types, headers and bodies as documented; invalid input (unknown parameters, wrong types,
# values outside the schema) answered 4xx; undocumented methods answered 405 with `Allow`.
# `positive_data_acceptance` wants a 2xx for every schema-valid request, which a schema cannot
# promise here: a CQL2 `filter` is a free string, a `bbox-crs` needs a `bbox`, a property
# filter on export must be one the collection has, and names must exist in the inventory; all
# of these are answered 400/404/422 by design.
#
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 150 per operation and phase),
# SCHEMATHESIS_SEED (default 20261123), PYTHON (default python3).
# Reports (JUnit, and the server's log) go to target/schemathesis/.
# Exit status: 0 no failures, 1 schemathesis found failures, 2 the tools or the server could
# not be set up.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=target/py
TOOL=schemathesis
TOOL_VERSION=4.32.5
PYTHON=${PYTHON:-python3}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-150}
SEED=${SCHEMATHESIS_SEED:-20261123}
BIN=target/debug/chanye
OUT=target/schemathesis
CARGO_LOCK=/tmp/chanye-cargo.lock

fail_setup() {
    echo "schemathesis: $*" >&2
    exit 2
}

# shellcheck source=scripts/venv.sh
. scripts/venv.sh
ensure_tool "$TOOL" "$TOOL_VERSION"

# `cargo test` builds the binary; build it here only when it is missing or older than its sources
# (the document is compiled in). The lock keeps concurrent cargo runs on this tree apart.
if [ ! -x "$BIN" ] || [ -n "$(find src api-spec Cargo.toml Cargo.lock -newer "$BIN" -print -quit)" ]; then
    echo "schemathesis: building $BIN"
    flock "$CARGO_LOCK" cargo build --locked || fail_setup "cargo build failed"
fi

mkdir -p "$OUT"
LOG="$OUT/server.log"
server=""
runner=""
stop() {
    local pid
    for pid in $runner $server; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
stop_server() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Is GET /readyz 200? (python rather than curl, which a bare Debian may lack)
ready() {
    "$VENV/bin/python" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/readyz", timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
}

# A port found free can be taken before the server binds it: then try another.
port=""
for attempt in 1 2 3; do
    candidate=$(free_port)
    # a fresh store from the sample each time, so runs do not see each other's writes
    rm -f "$OUT/store.gpkg" "$OUT/store.gpkg-wal" "$OUT/store.gpkg-shm"
    # settings come from the flags only, not from a CHANYE_* environment of the caller
    env -u CHANYE_CONFIG -u CHANYE_BODY_LIMIT -u CHANYE_CORS_ORIGINS -u CHANYE_STORE \
        "$BIN" serve --listen "127.0.0.1:$candidate" --auth-failures-per-minute 0 --data geodata --store "$OUT/store.gpkg" >"$LOG" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do
        if ready "$candidate"; then
            port=$candidate
            break
        fi
        kill -0 "$server" 2>/dev/null || break
        sleep 0.2
    done
    [ -n "$port" ] && break
    stop_server
    server=""
    echo "schemathesis: the server did not become ready on port $candidate (attempt $attempt):" >&2
    tail -n 5 "$LOG" >&2 || true
done
[ -n "$port" ] || fail_setup "the server could not be started; see $LOG"

base="http://127.0.0.1:$port"
# an editor's token, so the write routes are tested past 401 (schemathesis's ignored_auth check
# still sends requests without it); the store is fresh, so what the run writes is thrown away
token=$("$BIN" token create --store "$OUT/store.gpkg" --role editor --district 110118 --name schemathesis 2>/dev/null) || fail_setup "no token could be made"
echo "schemathesis: server ready at $base (pid $server); $MAX_EXAMPLES examples per operation, seed $SEED"

# Run from target/schemathesis: schemathesis keeps its cache of failing cases (.schemathesis/,
# replayed first next time) in the working directory, and reads a schemathesis.toml found there.
# `timeout` bounds a run that hangs (the expected time is 2–3 minutes). The run is waited for
# in the background so that an interrupt stops it and the server at once.
(cd "$OUT" && exec timeout --signal=INT 900 "$ROOT/$VENV/bin/schemathesis" run "$base/api" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --continue-on-failure \
    --request-timeout 30 \
    --wait-for-schema 30 \
    --no-color \
    --report junit --report-junit-path junit.xml) &
runner=$!
status=0
wait "$runner" || status=$?
runner=""

if ! kill -0 "$server" 2>/dev/null; then
    echo "schemathesis: the server died during the run; the end of $LOG:" >&2
    tail -n 20 "$LOG" >&2 || true
    status=1
fi
if [ "$status" -ne 0 ] && grep -q "panicked" "$LOG"; then
    echo "schemathesis: the server panicked; from $LOG:" >&2
    grep -A 3 "panicked" "$LOG" | head -n 40 >&2
fi
exit "$status"
