# Every target sets itself up on a fresh clone: a virtual environment, the Python
# dependencies, and (unless NEO4J_URI is set) a local Neo4j fetched from Maven Central.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TKG := $(BIN)/tkg
DATASET := data/north-korea-russia-2024.yaml
TEST_ENV := TKG_INSTANCE=test NEO4J_URI= NEO4J_HEAP=1g NEO4J_PAGECACHE=1g
# Every Python dependency pinned with its hashes; `make lock` regenerates it from pyproject.
LOCK := requirements.lock

.PHONY: install lock run test lint stop bench loadtest schema clean web explorer

install: $(VENV)/.installed

# Exactly the locked versions (hashes checked), then the project itself without resolving
# anything more; `pip check` fails if pyproject.toml asks for a package the lock lacks.
$(VENV)/.installed: pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	@$(BIN)/pip check || { echo "$(LOCK) is stale: run make lock"; exit 1; }
	touch $@

# After changing dependencies in pyproject.toml: one command, then commit requirements.lock.
lock:
	@[ -x $(BIN)/pip ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q 'pip-tools>=7.4'
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra dev --extra notebook \
		--no-emit-index-url $(LOCK_ARGS) -o $(LOCK) pyproject.toml

.env: | install
	$(TKG) env init

# The explorer (web/, npm) is optional: without Node the API is served all the same, and
# /explorer says how to get it.
WEB_SOURCES := web/package.json web/package-lock.json web/index.html web/vite.config.js $(wildcard web/src/*)

web: web/dist/index.html

web/dist/index.html: $(WEB_SOURCES)
	cd web && npm ci --no-audit --no-fund && npm run build

explorer:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory web; \
	else echo "Node.js/npm not found: serving the API without the explorer" \
	  "(install Node.js 20+ and npm, then run 'make web' for /explorer)."; fi

run: install .env explorer
	$(TKG) neo4j start
	$(TKG) schema apply
	$(TKG) load $(DATASET)
	$(TKG) serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# The test instance has its own ports and data folder: `make test` never touches what
# `make run` serves. It is stopped afterwards whatever the outcome.
test: install .env lint explorer
	$(TEST_ENV) $(TKG) neo4j start
	status=0; $(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	$(TEST_ENV) $(TKG) neo4j stop; exit $$status

bench: install .env
	$(TEST_ENV) $(TKG) neo4j start
	status=0; $(TEST_ENV) $(BIN)/python -m bench $(BENCH_ARGS) || status=$$?; \
	$(TEST_ENV) $(TKG) neo4j stop; exit $$status

# Bounded, loopback only: throughput, errors and cheap-route latency under a flood of
# expensive queries; writes its section of docs/loadtest.md.
loadtest: install .env
	$(TEST_ENV) $(TKG) neo4j start
	status=0; $(TEST_ENV) $(BIN)/python -m bench.loadtest $(LOADTEST_ARGS) || status=$$?; \
	$(TEST_ENV) $(TKG) neo4j stop; exit $$status

stop:
	@if [ -x $(TKG) ]; then $(TKG) stop; else echo "nothing installed, nothing to stop"; fi

clean: stop
	rm -rf $(VENV) ops/neo4j/runtime .mypy_cache .ruff_cache .pytest_cache
