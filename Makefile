# make serve: run the endpoint on HOST:PORT (default 127.0.0.1:8080) from ./data
# make test:  run the test suite
# Both create .venv and install the project on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
STAMP  := $(VENV)/.installed
SERVE_STAMP := $(VENV)/.installed-serve

.PHONY: serve test bench clean validate

# make serve installs what serving needs; make test adds the test tools
$(SERVE_STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(SERVE_STAMP)

$(STAMP): $(SERVE_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(SERVE_STAMP)
	$(BIN)/partnergraph serve --host $(HOST) --port $(PORT)

validate: $(SERVE_STAMP)
	$(BIN)/partnergraph validate

# The endpoint, views and named-query tests run again with the data published into the Oxigraph
# server and into Virtuoso (each skips with a reason when its engine is not installed).
STORE_TESTS := tests/test_queries.py tests/test_pages.py tests/test_search.py tests/test_endpoint.py

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	PARTNERGRAPH_TEST_BACKEND=oxigraph $(BIN)/python -m pytest -q -p no:cacheprovider $(STORE_TESTS)
	PARTNERGRAPH_TEST_BACKEND=virtuoso $(BIN)/python -m pytest -q -p no:cacheprovider $(STORE_TESTS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# make bench [QUICK=1] [SIZES=10k,100k,1m]: the benchmark (bench/run.py), writes bench/REPORT.md
QUICK       ?=
SIZES       ?=
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick) $(if $(SIZES),--sizes $(SIZES))
