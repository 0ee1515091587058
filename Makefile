# The README's two commands: `make run` and `make test`. Both install what is missing first.
.PHONY: deps run test bench sample check-contract

DATA ?= geodata
# the store of record; made from $(DATA) on the first run, kept (with its edits) after
STORE ?= chanye-data/chanye.gpkg
LISTEN ?= 127.0.0.1:8080

deps:
	@scripts/install-deps.sh

# Serve the shipped sample dataset.
run: deps
	cargo run --release -- serve --data $(DATA) --store $(STORE) --listen $(LISTEN)

# The whole test suite (unit, integration, doc tests), a compile check of the benchmarks,
# and the contract check of geodata/.
test: deps
	cargo test --locked
	scripts/check-openapi.sh
	scripts/schemathesis.sh
	cargo check --benches --locked
	@if [ -x ../shared/tools/check-contract ]; then ../shared/tools/check-contract geodata; fi

# Regenerate the shipped sample from geodata/sources (deterministic).
sample:
	cargo run --release -- generate --parcels 300 --seed 1 --out geodata

# Benchmarks (criterion): loading and matching; see BENCHMARKS.md.
bench: deps
	cargo bench --bench load
	cargo bench --bench matcher
