# E-commerce operations KPI warehouse. `make help` lists the targets.
#
#   make run                          build the warehouse from the embedded demo data
#   make run RAW_DATA_DIR=path/to/raw build it from your own contract files instead
#   make run RAW_DATA_DIR=... INCREMENTAL=1   the daily load: only the late-arrival window
#   make test                         install everything and run every check
#   make reports / make serve         build the report site from the warehouse / preview it
#   make run TARGET=spark             build the demo on Spark instead (make install-spark first)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The warehouse file (Python's default: shopkpi.warehouse.DEFAULT_DB). make needs the path
# itself: `make docs` creates its folder before dbt opens it, and every tool make runs gets it.
export SHOPKPI_DB ?= warehouse/shopkpi.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
RAW_DATA_DIR ?=
# Optional: a mapping of an export's names and timestamp formats, a CSV encoding, dbt vars
# for the whole build (e.g. DBT_VARS='{attribution_lookback_days: 14}').
RAW_MAPPING ?=
RAW_ENCODING ?=
DBT_VARS ?=
# RAW_IN_PLACE=1: read RAW_DATA_DIR's parquet files where they are (schema raw as views over
# them) instead of copying them into the warehouse. DuckDB's limits come from the
# environment: SHOPKPI_MEMORY_LIMIT, SHOPKPI_THREADS, SHOPKPI_TEMP_DIR (see profiles.yml).
RAW_IN_PLACE ?=
# INCREMENTAL=1: the daily load (`shopkpi build --incremental`): start from the published
# warehouse and re-process only the late-arrival window of the incremental models.
INCREMENTAL ?=
BUILD_INPUT = $(if $(strip $(RAW_DATA_DIR)),--dir "$(RAW_DATA_DIR)",--demo) \
	$(if $(strip $(RAW_MAPPING)),--mapping "$(RAW_MAPPING)") \
	$(if $(strip $(RAW_ENCODING)),--encoding "$(RAW_ENCODING)") \
	$(if $(filter 1 yes true,$(RAW_IN_PLACE)),--in-place)
BUILD_OPTIONS = $(if $(strip $(DBT_VARS)),--vars '$(DBT_VARS)') \
	$(if $(filter 1 yes true,$(INCREMENTAL)),--incremental)
# The dbt target: duckdb (profiles.yml's default) or spark (`make run TARGET=spark`). Spark's
# metastore, tables and raw parquet go under SPARK_DIR.
TARGET ?= duckdb
SPARK_DIR := build/spark
export SHOPKPI_SPARK_DIR ?= $(CURDIR)/$(SPARK_DIR)
SPARK_STAMP = $(VENV)/.installed-spark
SEED ?= 42
# make test-python: pytest workers, one per core (tests/python/conftest.py keeps them apart).
PYTEST_WORKERS ?= auto
# make bench: the scales to run (medium takes a while: BENCH_SCALES=demo,small for a quick run).
BENCH_SCALES ?= demo,small,medium
DBT := $(BIN)/dbt
DBT_FLAGS ?= --quiet --no-use-colors

INSTALL_STAMP := $(VENV)/.installed
GX_ASSETS := gx/docs_assets
GX_ASSETS_STAMP := $(GX_ASSETS)/node_modules/.installed
# The report site (Evidence). Its packages are installed by `npm ci`, whose postinstall
# patches Evidence so that it builds and renders with no network (DECISIONLOG.md,
# "Evidence offline"); sources and build then need no network at all.
REPORTS := reports
REPORTS_STAMP := $(REPORTS)/node_modules/.installed
# The quality gate's Data Docs, under its run folder (SHOPKPI_QUALITY_DIR, else build/quality).
DATA_DOCS := $(or $(SHOPKPI_QUALITY_DIR),build/quality)/gx/uncommitted/data_docs/local_site
REPORTS_PORT ?= 3000
EVIDENCE := ./node_modules/.bin/evidence

.PHONY: help install run load-raw generate-demo contract contract-check test test-python \
        test-dbt lint format docs bench bench-large clean quality compare-marts demo-figures \
        reports reports-install serve browser-deps install-spark test-spark

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "}; /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALL_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALL_STAMP) ## Create .venv and install the project with its tools

ifeq ($(TARGET),spark)
run: $(SPARK_STAMP) ## Build the warehouse (demo data, or RAW_DATA_DIR=<folder>), then the report site; TARGET=spark: on Spark
	nice -n 10 $(BIN)/shopkpi spark build $(BUILD_INPUT) $(BUILD_OPTIONS)
else
run: $(INSTALL_STAMP) $(GX_ASSETS_STAMP)
	@# Exit 1 is a published warehouse whose gate found data errors: the site is still built
	@# (its data-quality page shows them), and make run then exits 1.
	@$(BIN)/shopkpi build $(BUILD_INPUT) $(BUILD_OPTIONS); status=$$?; \
	if [ $$status -le 1 ]; then $(MAKE) --no-print-directory reports || exit $$?; fi; exit $$status
endif

# The same project on Spark (README "Spark"): dbt-spark's session method with a local
# pyspark, which needs Java 17 (installed with apt when absent, as root).
$(SPARK_STAMP): $(INSTALL_STAMP)
	@if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])'; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless; \
	fi
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $@

install-spark: $(SPARK_STAMP) ## Install Java 17 (apt, when absent) and the spark extra (dbt-spark, pyspark)

# Both builds start from nothing; every marts and metrics table Spark built is compared with
# DuckDB's, and the tables Spark does not build are listed.
test-spark: $(SPARK_STAMP) ## Build the demo on Spark and on DuckDB; compare every mart and KPI table row for row
	rm -rf $(SPARK_DIR) && mkdir -p $(SPARK_DIR)
	SHOPKPI_DB=$(SPARK_DIR)/duckdb.duckdb $(BIN)/shopkpi build --demo --no-gate
	@# A node failing on Spark fails the target, after the comparison of what was built.
	status=0; nice -n 10 $(BIN)/shopkpi spark build --demo || status=$$?; \
	$(BIN)/shopkpi spark compare --db $(SPARK_DIR)/duckdb.duckdb && exit $$status

$(GX_ASSETS_STAMP): $(GX_ASSETS)/package.json $(GX_ASSETS)/package-lock.json
	cd $(GX_ASSETS) && npm ci --no-audit --no-fund --ignore-scripts --silent
	touch $@

$(REPORTS_STAMP): $(REPORTS)/package.json $(REPORTS)/package-lock.json \
		$(REPORTS)/scripts/patch-universal-sql.mjs
	cd $(REPORTS) && npm ci --no-audit --no-fund
	touch $@

reports-install: $(REPORTS_STAMP) ## Install the report site's packages (npm ci; the only step that needs the registry)

# The page tests drive Debian's Chromium (Playwright's own browser download does not work
# offline) and need CJK fonts to render the Chinese labels. Installed with apt when absent
# (as root; apt reaches the Debian mirror).
BROWSER := /usr/bin/chromium
browser-deps: ## Install Debian's chromium and fonts-noto-cjk for the page tests (apt, as root)
	@if [ ! -x $(BROWSER) ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

# Evidence reads a DuckDB source's filename relative to the source's folder: SHOPKPI_DB is
# handed over made relative to reports/sources/warehouse.
reports: $(INSTALL_STAMP) $(REPORTS_STAMP) ## Build the report site from SHOPKPI_DB into reports/build (no network)
	@test -f "$(SHOPKPI_DB)" || { echo "no warehouse at $(SHOPKPI_DB): run make run first" >&2; exit 1; }
	cd $(REPORTS) && node scripts/patch-universal-sql.mjs --check
	$(BIN)/shopkpi report-pages --reports $(REPORTS)
	cd $(REPORTS) && SEND_ANONYMOUS_USAGE_STATS=no \
		EVIDENCE_SOURCE__warehouse__filename="$$(realpath -m --relative-to=sources/warehouse "$(abspath $(SHOPKPI_DB))")" \
		$(EVIDENCE) sources --strict
	rm -rf $(REPORTS)/build
	cd $(REPORTS) && SEND_ANONYMOUS_USAGE_STATS=no $(EVIDENCE) build:strict
	@# The data-quality page links to the quality gate's Data Docs: copied in when the gate ran.
	@if [ -f $(DATA_DOCS)/index.html ]; then rm -rf $(REPORTS)/build/data-docs && cp -r $(DATA_DOCS) $(REPORTS)/build/data-docs; fi
	@echo "report site: $(REPORTS)/build (make serve to preview it)"

# `evidence preview` would fetch the `serve` package with npx: a local static server instead.
serve: ## Preview the built report site on http://127.0.0.1:REPORTS_PORT (default 3000)
	@test -f $(REPORTS)/build/index.html || { echo "no site in $(REPORTS)/build: run make reports first" >&2; exit 1; }
	$(PYTHON) -m http.server $(REPORTS_PORT) --bind 127.0.0.1 --directory $(REPORTS)/build

quality: $(INSTALL_STAMP) $(GX_ASSETS_STAMP) ## Data-quality gate on SHOPKPI_DB: GX suites, results into the warehouse, Data Docs
	$(BIN)/shopkpi quality

demo-figures: $(INSTALL_STAMP) ## What the shop in SHOPKPI_DB looks like against the demo's bands (exit 1 if outside)
	$(BIN)/shopkpi demo-figures

load-raw: $(INSTALL_STAMP) ## Only load RAW_DATA_DIR (or the demo) into schema raw of SHOPKPI_DB, in place
	$(BIN)/shopkpi load-raw $(BUILD_INPUT)

generate-demo: $(INSTALL_STAMP) ## Regenerate the embedded demo data under src/shopkpi/demo
	$(BIN)/shopkpi generate --scale demo --seed 42 --format csv --out src/shopkpi/demo

contract: $(INSTALL_STAMP) ## Rewrite the dbt files written from src/shopkpi/contract.py (sources, macros, dq_rules seed)
	SHOPKPI_PROJECT_DIR=$(CURDIR) $(BIN)/shopkpi contract

contract-check: $(INSTALL_STAMP) ## Fail, naming it, when a file written from src/shopkpi/contract.py differs
	SHOPKPI_PROJECT_DIR=$(CURDIR) $(BIN)/shopkpi contract --check

# A refactoring guard: the demo built from BASE (any git ref) and from the working tree,
# every mart compared row for row (what changed on purpose is declared in CHANGES).
BASE ?= HEAD
CHANGES ?= docs/model-changes.csv
COMPARE_DIR := build/compare
compare-marts: $(INSTALL_STAMP) ## Build the demo at BASE=<git ref> and here; compare every mart row for row
	rm -rf $(COMPARE_DIR) && mkdir -p $(COMPARE_DIR)
	git worktree remove --force $(COMPARE_DIR)/base-src 2>/dev/null || true
	git worktree add --detach $(COMPARE_DIR)/base-src $(BASE)
	cd $(COMPARE_DIR)/base-src && PYTHONPATH=$$PWD/src SHOPKPI_PROJECT_DIR=$$PWD \
		DBT_PROFILES_DIR=$$PWD SHOPKPI_DB=$(CURDIR)/$(COMPARE_DIR)/base.duckdb \
		$(CURDIR)/$(BIN)/python -m shopkpi.cli build --demo --no-gate
	SHOPKPI_DB=$(COMPARE_DIR)/new.duckdb $(BIN)/shopkpi build --demo --no-gate
	git worktree remove --force $(COMPARE_DIR)/base-src
	$(BIN)/shopkpi compare-marts $(COMPARE_DIR)/base.duckdb $(COMPARE_DIR)/new.duckdb \
		$(if $(wildcard $(CHANGES)),--changes $(CHANGES))

test: $(INSTALL_STAMP) lint test-dbt test-python ## Install and run every check: lint, dbt build + tests, pytest

test-dbt: $(INSTALL_STAMP) ## dbt build (seeds, models, schema, unit and singular tests) on the demo data
	rm -f build/test/demo.duckdb && mkdir -p build/test
	SHOPKPI_DB=build/test/demo.duckdb $(BIN)/shopkpi load-raw --demo
	SHOPKPI_DB=build/test/demo.duckdb $(DBT) build --no-use-colors

test-python: $(INSTALL_STAMP) $(GX_ASSETS_STAMP) $(REPORTS_STAMP) browser-deps ## pytest: generator, loader, contract, dirty-data and file-based builds
	$(BIN)/pytest -q --durations=25 -n $(PYTEST_WORKERS) || { status=$$?; if [ $$status -eq 5 ]; then echo "pytest: no tests collected"; exit 0; fi; exit $$status; }

lint: $(INSTALL_STAMP) ## ruff (Python) and SQLFluff (SQL models, macros, tests)
	$(BIN)/ruff check src tests models bench
	$(BIN)/ruff format --check src tests models bench
	mkdir -p build/lint
	SHOPKPI_DB=build/lint/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt analyses --processes 2

format: $(INSTALL_STAMP) ## Apply ruff formatting and SQLFluff fixes
	$(BIN)/ruff format src tests models bench
	$(BIN)/ruff check --fix src tests models bench
	mkdir -p build/lint
	SHOPKPI_DB=build/lint/lint.duckdb $(BIN)/sqlfluff fix models tests/dbt analyses --processes 2

docs: $(INSTALL_STAMP) ## Build dbt's documentation site into target/ (after make run)
	mkdir -p "$(dir $(SHOPKPI_DB))"
	$(DBT) docs generate $(DBT_FLAGS)
	@echo "open target/index.html, or: $(DBT) docs serve --port 8080"

bench: $(INSTALL_STAMP) ## Benchmark BENCH_SCALES (demo,small,medium): steps, dbt vs DuckDB SQL / pandas / Polars -> bench/results.md
	$(BIN)/python -m shopkpi.bench --scales $(BENCH_SCALES) --seed $(SEED)

bench-large: $(INSTALL_STAMP) ## The same benchmark at scale large (~10M orders; hours, needs disk)
	$(BIN)/python -m shopkpi.bench --scales large --seed $(SEED) --resume

clean: ## Remove build output (keeps .venv)
	rm -rf target logs build warehouse/*.duckdb warehouse/.*.build-* $(REPORTS)/build $(REPORTS)/.evidence
