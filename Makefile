# make serve: run the endpoint on HOST:PORT (default 127.0.0.1:8080) from ./data
# make test:  run the test suite
# make assets: build the browser bundles (the query editor, the query builder; npm ci, esbuild) into src/partnergraph/web/static/dist/
# make dist:  the wheel and sdist in dist/, with the browser bundle and the map outlines built first
# make lint:  ruff (configured in pyproject.toml); make test runs it before pytest
# Each creates .venv and installs the project on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
STAMP  := $(VENV)/.installed
SERVE_STAMP := $(VENV)/.installed-serve

.PHONY: serve serve-assets test bench clean validate assets map-data dist lint test-store-oxigraph test-store-virtuoso

# make serve installs what serving needs; make test adds the test tools
$(SERVE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(SERVE_STAMP)

$(STAMP): $(SERVE_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The query editor (CodeMirror) and the query builder (Sparnatural) come from npm
# (assets/package-lock.json); their bundles are build artifacts (git-ignored). Without npm the query
# page works as a plain form and the builder page says what it needs.
BUNDLE := src/partnergraph/web/static/dist/workbench.js src/partnergraph/web/static/dist/builder.js

assets:
	cd assets && npm ci --no-audit --no-fund && npm run build

# make serve builds the bundle where npm is installed and serves the plain form where it is not;
# make test and make dist need it (a test run or a wheel without the editor is not whole).
$(BUNDLE) &: assets/package-lock.json assets/build.mjs $(wildcard assets/src/*)
	$(MAKE) --no-print-directory assets

serve-assets:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(BUNDLE) $(MAP_DATA); else \
	  echo "npm is not installed, so the query editor and the map outlines are not built: the query page works as a"; \
	  echo "plain form and maps draw no outlines. For both install Node.js 18+ with npm and run 'make assets map-data'."; fi

serve: $(SERVE_STAMP) serve-assets
	$(BIN)/partnergraph serve --host $(HOST) --port $(PORT)

validate: $(SERVE_STAMP)
	$(BIN)/partnergraph validate

# The endpoint, views and named-query tests run again with the data published into the Oxigraph
# server and into Virtuoso (each skips with a reason when its engine is not installed, which CI counts
# as a failure); their page
# crawl renders a sample of each kind of page (tests/test_pages.py, SAMPLE_PER_KIND). The two
# reruns run side by side, each in one process against one engine: a rerun's client and engine
# take turns on one core, and two Virtuoso servers on two cores spent three times the CPU of one
# (164 s for that rerun on two workers, 101 s on one). Each rerun's output is shown when it ends.
STORE_TESTS := tests/test_queries.py tests/test_pages.py tests/test_search.py tests/test_endpoint.py
STORE_BACKENDS := oxigraph virtuoso

# The suite runs on TEST_WORKERS processes (pytest-xdist; default: one per core), each test file
# whole in one of them so that its module fixtures are built once.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

test: $(STAMP) map-data $(BUNDLE) lint
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
	$(MAKE) --no-print-directory -j2 --output-sync=target $(STORE_RUNS)

# make test-store-oxigraph, make test-store-virtuoso: one store rerun by itself
STORE_RUNS := $(addprefix test-store-,$(STORE_BACKENDS))
$(STORE_RUNS): test-store-%: $(STAMP)
	@echo "== the endpoint, page and named-query tests against $* =="
	PARTNERGRAPH_TEST_BACKEND=$* $(BIN)/python -m pytest -q -p no:cacheprovider -n 0 $(STORE_TESTS)

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info src/partnergraph/web/static/dist

# make bench [QUICK=1] [SIZES=10k,100k,1m]: the benchmark (bench/run.py), writes bench/REPORT.md
QUICK       ?=
SIZES       ?=
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick) $(if $(SIZES),--sizes $(SIZES))

# make map-data: the country outlines the SVG maps draw (Natural Earth 110m via the world-atlas npm
# package), converted into a compact file in the package. Without npm the maps draw no outlines.
MAP_DATA := src/partnergraph/drawing/mapdata/countries-110m.json

map-data: $(MAP_DATA)

$(MAP_DATA): assets/build-map-data.mjs assets/package-lock.json
	cd assets && { test -d node_modules/world-atlas || npm ci --no-audit --no-fund; } && node build-map-data.mjs ../$(MAP_DATA)

# The wheel carries the graph (pyproject.toml, force-include) and the two built artifacts.
dist: $(SERVE_STAMP) $(BUNDLE) $(MAP_DATA)
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .
	@ls -l dist
