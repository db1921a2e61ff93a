# Two commands do all set-up: `make serve` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
SITE_PORT ?= 8000
SANDBOX_PORT ?= 8501
LAB_PORT ?= 8888
SITE_DIR ?= build/site
CHROMIUM ?= /usr/bin/chromium
# Where the course site's "Try it in the sandbox" buttons point (mkdocs.yml reads it).
SANDBOX_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(SANDBOX_PORT)
# Where its "Open the exercise" buttons point: the exercise server (JupyterLab, aimed.lab).
LAB_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(LAB_PORT)
PYTEST_ARGS ?=
BENCH_ARGS ?=
export NO_MKDOCS_2_WARNING := 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: install serve site downloads guide qti test lint bench chromium servers clean

# One virtual environment, installed against the one constraints file CI uses too.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -c constraints.txt -e '.[lab,sandbox,site,trainer,test]'
	touch $@

install: $(STAMP)

# Learner notebooks and one zip per exercise and language, offered by the course site.
downloads: $(STAMP)
	$(BIN)/aimed-trainer release

site: $(STAMP) downloads
	AIMED_SANDBOX_URL=$(SANDBOX_URL) AIMED_LAB_URL=$(LAB_URL) $(BIN)/mkdocs build --strict --site-dir $(SITE_DIR)

serve: site
	$(BIN)/python scripts/serve.py --host $(HOST) --site-port $(SITE_PORT) \
		--sandbox-port $(SANDBOX_PORT) --lab-port $(LAB_PORT) --site-dir $(SITE_DIR)

# Trainer's guide (solutions and rubrics), never part of the learner site: build/guide/index.html
guide: $(STAMP)
	$(BIN)/aimed-trainer guide

# Every quiz as QTI packages for a learning platform (Canvas, Moodle): build/qti/<version>/
qti: $(STAMP)
	$(BIN)/python scripts/qti.py build/qti

# Browser tests run Debian's Chromium: Playwright cannot download its own here.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium chromium-driver; \
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

test: $(STAMP) chromium bwrap servers
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Speed and weight of every surface against the issue's budgets; never part of `make test`.
bench: $(STAMP) chromium bwrap servers
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf build
