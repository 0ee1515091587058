# The README's two commands: `make run` and `make test`. Both install what is missing first.
.PHONY: deps web run test bench sample check-contract

DATA ?= geodata
# the store of record; made from $(DATA) on the first run, kept (with its edits) after
STORE ?= chanye-data/chanye.gpkg
LISTEN ?= 127.0.0.1:8080

deps:
	@scripts/install-deps.sh

# The web page (web/): npm packages from web/package-lock.json, then esbuild bundles web/src
# into web/dist, which the cargo build embeds (build.rs). Both steps rerun only on changes.
WEB_SOURCES := $(wildcard web/src/*) web/build.mjs web/package.json
web/node_modules/.package-lock.json: web/package-lock.json
	npm --prefix web ci --no-audit --no-fund
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	npm --prefix web run build

web: deps web/dist/index.html

# Serve the shipped sample dataset.
run: deps web
	cargo run --release -- serve --data $(DATA) --store $(STORE) --listen $(LISTEN)

# The whole test suite (unit, integration, doc tests), a compile check of the benchmarks,
# the browser tests of the web page, and the contract check of geodata/.
test: deps web
	cargo test --locked
	scripts/check-openapi.sh
	scripts/schemathesis.sh
	cargo check --benches --locked
	# the page in Debian's chromium, against the debug binary cargo test built (screenshots: target/browser-test)
	node web/tests/browser.mjs
	# a MapLibre-like page on another origin: anonymous reads pass, writes need --cors-origin
	node web/tests/cors.mjs
	@if [ -x ../shared/tools/check-contract ]; then ../shared/tools/check-contract geodata; fi

# Regenerate the shipped sample from geodata/sources (deterministic).
sample:
	cargo run --release -- generate --parcels 300 --seed 1 --out geodata

# Benchmarks (criterion): loading and matching; see BENCHMARKS.md.
bench: deps
	cargo bench --bench load
	cargo bench --bench matcher
	cargo bench --bench memory
