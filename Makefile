# Every target works on a fresh machine with only python3, git and make.
PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
CONSTRAINTS ?= constraints/airflow-3.3.txt
STAMP       := $(VENV)/.installed-$(notdir $(CONSTRAINTS))
PORT        ?= 8765
SEED        ?= 1
SCALE       ?= demo
EXTRAS      ?= dev,parquet,openlineage,ui
DB          ?= sqlite
# The oldest Airflow the provider supports, tested in a virtual environment of its own.
FLOOR_VENV        ?= .venv-floor
FLOOR_CONSTRAINTS ?= constraints/airflow-2.11.txt
FLOOR_PYTHON      ?= $(PYTHON)

.PHONY: help install demo airflow test test-floor test-ui ui-screenshot test-packages chromium docs lint typecheck pytest reliability \
	sandbox bench bench-quick bench-sandbox bench-budget clean

help:
	@echo "make demo      run the nightly export DAG against a local sandbox and show the files"
	@echo "make airflow   the sandbox and Airflow 3 (UI on PORT, default 8080; DB=postgres) under out/airflow"
	@echo "make test      lint, type-check and run the test suite (creates .venv on first use)"
	@echo "make test-floor  the test suite on Airflow 2.11, the oldest supported (in $(FLOOR_VENV))"
	@echo "make test-ui   the Airflow 3 UI tests, with Debian's chromium (installed with apt-get)"
	@echo "make test-packages  the Debian packages the tests use (chromium, postgresql, ...; apt-get)"
	@echo "make ui-screenshot  retake the docs' pictures of the UI (connection form, grid view)"
	@echo "make docs      build the documentation site into out/site (warnings are errors)"
	@echo "make sandbox   start the local Minimax sandbox on 127.0.0.1:$(PORT) (SCALE=small|demo|bench)"
	@echo "make reliability  the full reliability suite (faults, conflicts, lock-out, secrets)"
	@echo "make bench     export benchmarks side by side with baselines (several minutes)"
	@echo "make bench-quick  the same at smaller sizes (under two minutes)"
	@echo "make bench-sandbox  measure the sandbox serving a 1,000,000-row ledger (a few minutes)"
	@echo "make bench-budget  the call ledger's cost per call and its exactness (a few minutes)"
	@echo "make bench-sync  1,000 customer upserts at +50 ms: the sync against a create loop (~12 min)"
	@echo "make bench-sql  1,000,000 ledger rows into PostgreSQL by the SQL transfer vs a plain COPY"
	@echo "make clean     remove the virtual environment and caches"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"

# Reinstall whenever the project metadata or the pinned versions change.
$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--constraint $(CONSTRAINTS) --editable ".[$(EXTRAS)]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python demo/run_demo.py

# The UI's port: PORT given on the command line or in the environment, else 8080 (PORT's own
# default, 8765, is the sandbox's for `make sandbox`; here the sandbox takes a free port).
# DB=postgres needs Debian's postgresql package (`make test-packages`).
airflow: $(if $(filter postgres,$(DB)),test-packages) $(STAMP)
	$(BIN)/python demo/airflow_stack.py --db $(DB) \
		--port $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: test-packages $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Same tests, Airflow 2.11: lint and types are version-independent and checked once by `test`.
# No browser driver: tests/ui needs Airflow 3.
test-floor:
	@$(FLOOR_PYTHON) -c 'import sys; sys.exit(None if (3, 10) <= sys.version_info[:2] <= (3, 12) \
		else "Airflow 2.11 runs on Python 3.10 to 3.12, not %d.%d: make test-floor FLOOR_PYTHON=python3.12" % sys.version_info[:2])'
	$(MAKE) pytest PYTHON=$(FLOOR_PYTHON) VENV=$(FLOOR_VENV) CONSTRAINTS=$(FLOOR_CONSTRAINTS) \
		EXTRAS=dev,parquet,openlineage

# The browser half of tests/ui is skipped when chromium is missing; here it must run.
test-ui: test-packages $(STAMP)
	MINIMAX_UI_REQUIRED=1 $(BIN)/pytest tests/ui

# Debian packages the tests use: chromium and its fonts (the connection-form test and its
# screenshot; no browser download), curl (the README's and the docs' sandbox walks), postgresql
# (tests/postgres.py runs its initdb and postgres; the package's own cluster is not used),
# redis-server (the Celery broker of tests/celery, started by the tests on a free port).
# apt-get runs only when dpkg lacks one of them, so `make test` stays quick after the first time.
DEBIAN_TEST_PACKAGES := chromium fonts-liberation curl postgresql redis-server

# `chromium`: the older name of the same target (kept for scripts that call it).
test-packages chromium:
	@if ! dpkg -s $(DEBIAN_TEST_PACKAGES) >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			$(DEBIAN_TEST_PACKAGES); \
	fi

# Retake docs/img/connection-form.png from the running UI, and docs/img/grid-view.png from the
# grid view of the week the scheduler test runs (a few minutes: a whole deployment; PostgreSQL).
# Each picture is written only when its test passes.
ui-screenshot: test-packages $(STAMP)
	MINIMAX_UI_REQUIRED=1 MINIMAX_UPDATE_SCREENSHOT=1 $(BIN)/pytest tests/ui/test_connection_form.py \
		-k offers_the_minimax_form
	MINIMAX_UI_REQUIRED=1 MINIMAX_UPDATE_SCREENSHOT=1 $(BIN)/pytest \
		tests/scheduler/test_under_the_scheduler.py -k grid_view

docs: $(STAMP)
	$(BIN)/mkdocs build --strict

reliability: $(STAMP)
	MINIMAX_RELIABILITY=full $(BIN)/pytest tests/reliability -p no:randomly
	@echo "figures: out/reliability/figures.json (see docs/reliability.md)"

sandbox: $(STAMP)
	$(BIN)/python -m airflow_provider_minimax.sandbox --port $(PORT) --seed $(SEED) --scale $(SCALE)

bench: test-packages $(STAMP)
	$(BIN)/python benchmarks/export_benchmarks.py
	$(BIN)/python benchmarks/sandbox_capacity.py
	$(BIN)/python benchmarks/budget_ledger.py

bench-quick: test-packages $(STAMP)
	$(BIN)/python benchmarks/export_benchmarks.py --quick
	$(BIN)/python benchmarks/sandbox_capacity.py --rows 100000 --repeats 2
	$(BIN)/python benchmarks/budget_ledger.py --quick

bench-sandbox: $(STAMP)
	$(BIN)/python benchmarks/sandbox_capacity.py

# PostgreSQL as the tests run it (tests/postgres.py): needs Debian's postgresql package.
bench-budget: test-packages $(STAMP)
	$(BIN)/python benchmarks/budget_ledger.py

.PHONY: bench-sync
bench-sync: $(STAMP)
	$(BIN)/python benchmarks/sync_benchmarks.py
# The SQL transfer's load path against a plain psycopg2 COPY, and its memory (PostgreSQL as the
# tests run it: Debian's postgresql package). `--quick` for 100,000 rows.
.PHONY: bench-sql
bench-sql: test-packages $(STAMP)
	$(BIN)/python benchmarks/sql_load.py

clean:
	rm -rf $(VENV) $(FLOOR_VENV) out/site .mypy_cache .ruff_cache .pytest_cache .hypothesis
