# Two commands do all set-up: `make serve` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
CHROMIUM_HEADLESS_SHELL ?= /usr/bin/chromium-headless-shell
# Ports, addresses and folders have their defaults in one place, src/aimed/settings.py
# (`aimed serve --help` lists them). `make serve SANDBOX_PORT=8502` still works: each of these
# names, given on make's command line, becomes the AIMED_* variable the `aimed` command reads
# (zsh sets HOST to the machine's name: the environment's HOST is not taken).
ifeq ($(origin HOST),command line)
export AIMED_HOST := $(HOST)
endif
ifeq ($(origin SITE_PORT),command line)
export AIMED_SITE_PORT := $(SITE_PORT)
endif
ifeq ($(origin SANDBOX_PORT),command line)
export AIMED_SANDBOX_PORT := $(SANDBOX_PORT)
endif
ifeq ($(origin LAB_PORT),command line)
export AIMED_LAB_PORT := $(LAB_PORT)
endif
ifeq ($(origin SITE_DIR),command line)
export AIMED_SITE_DIR := $(SITE_DIR)
endif
PYTEST_ARGS ?=
BENCH_ARGS ?=
export NO_MKDOCS_2_WARNING := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: install serve site downloads guide qti moodle moodle-check php badges scorm scorm-runtime hub-proxy wheel test lint bench chromium servers clean

# One virtual environment, installed against the one constraints file CI uses too.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -c constraints.txt -e '.[lab,sandbox,site,trainer,test]'
	touch $@

install: $(STAMP)

# Learner notebooks and one zip per exercise and language, offered by the course site.
downloads: $(STAMP)
	$(BIN)/aimed trainer release

# The site's sandbox and exercise buttons point at this machine's ports (AIMED_SANDBOX_URL and
# AIMED_LAB_URL say otherwise).
site: $(STAMP) downloads
	$(BIN)/aimed site build

# Site, sandbox and exercises on 127.0.0.1; Ctrl-C (or SIGTERM, SIGHUP) stops all three.
serve: site
	$(BIN)/aimed serve --no-build

# Trainer's guide (solutions and rubrics), never part of the learner site: build/guide/index.html
guide: $(STAMP)
	$(BIN)/aimed trainer guide

# The platform's wheel with the learner-facing course (pages, released exercises; never
# solutions): build/wheel/aimed-*.whl. `pip install 'aimed[all]'` from it, then `aimed serve`.
wheel: $(STAMP) downloads
	rm -rf build/lib build/wheel
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation --wheel-dir build/wheel .

# Every quiz as QTI packages for Canvas and other QTI platforms: build/qti/<version>/
qti: $(STAMP)
	$(BIN)/python scripts/qti.py build/qti

# Every quiz and the final assessment in Moodle XML, for Moodle's core question import:
# build/moodle/<lang>/<page>.xml, one category per module (exercises/README.md says how)
moodle: $(STAMP)
	$(BIN)/python -m aimed.site.moodle build/moodle

# Moodle's own importer on those files, from a Moodle source tree you name, under Debian's PHP
# (tests/moodle/README.md): make moodle-check MOODLE_DIR=/var/www/moodle
moodle-check: $(STAMP) php
	@test -n "$(MOODLE_DIR)" || { echo "usage: make moodle-check MOODLE_DIR=/path/to/moodle"; exit 2; }
	AIMED_MOODLE_DIR="$(MOODLE_DIR)" $(BIN)/python -m pytest -n 0 tests/site/test_moodle_import.py

php:
	@if ! command -v php >/dev/null || ! php -m | grep -qx xml; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y php-cli php-xml; \
	fi

# Signed attestations and Open Badges for the learners who met the rule (exercises/README.md,
# "Attestations and Open Badges"): make badges INSTITUTION="CHU X" TRAINER="Dr Y"
# ISSUER_URL=https://.../badges/aimed/ KEY=~/secure/issuer-key.pem ATTEST_ARGS="--roster moodle.csv"
badges: $(STAMP)
	$(BIN)/aimed-trainer attest --institution "$(INSTITUTION)" --trainer "$(TRAINER)" \
		--issuer-url "$(ISSUER_URL)" --key "$(KEY)" $(ATTEST_ARGS)

# The course as one SCORM 1.2 package per language, for an LMS (Moodle and others), its sandbox
# and exercise buttons pointing at AIMED_SANDBOX_URL and AIMED_LAB_URL:
# build/scorm/aimed-course-<lang>-<version>.zip (deploy/README.md says how to load it)
scorm: $(STAMP) downloads
	$(BIN)/python -m aimed.site.scorm build/scorm

# The SCORM runtime the SCORM browser test plays the LMS with (scorm-again, from npm).
scorm-runtime:
	npm ci --prefix tests/scorm --no-audit --no-fund --silent

# JupyterHub's proxy (configurable-http-proxy, from npm) for the hub tests and deploy/trial.sh.
hub-proxy:
	npm ci --prefix tests/hub --no-audit --no-fund --silent

# Browser tests run Debian's Chromium headless shell, the benchmark Debian's Chromium:
# Playwright cannot download its own here.
chromium:
	@if [ ! -x "$(CHROMIUM)" ] || [ ! -x "$(CHROMIUM_HEADLESS_SHELL)" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium chromium-headless-shell chromium-driver; \
	fi

# Autograding runs learner code in a bubblewrap sandbox (exercises/README.md).
bwrap:
	@if ! command -v bwrap >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y bubblewrap; \
	fi

# The gradebook and load-balancer tests start their own PostgreSQL and nginx from Debian's
# binaries (tests/trainer/conftest.py, tests/sandbox/test_balancer.py): install them if missing.
servers:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y postgresql nginx; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_imports.py
	$(BIN)/python scripts/typecheck.py

test: $(STAMP) chromium bwrap servers scorm-runtime hub-proxy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed and weight of every surface against the issue's budgets; never part of `make test`.
bench: $(STAMP) chromium bwrap servers hub-proxy
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf build
