# The two commands: `make run` and `make test`. Everything else is a helper they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The first Python >= 3.11 found builds the virtualenv (3.11 is what CI uses).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)
PORTAL_PORT ?= 8000
SANDBOX_PORT ?= 8765
export PORTAL_PORT SANDBOX_PORT

.PHONY: help run test install lint format smoke demo vendor clean lock production

help:
	@echo "make run    install, migrate, seed the demo and start sandbox ERP, web, worker and beat"
	@echo "make test   install and run the whole suite (lint included)"
	@echo "make smoke  the quick subset marked 'smoke'"
	@echo "make format format and fix the code with ruff"
	@echo "make production  the production shape (Procfile.production) on this host; docs/deployment.md"
	@echo "make lock   pin every dependency with hashes into requirements.lock (after editing pyproject.toml)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed to build $(VENV)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change. Everything comes from requirements.lock (pinned, with
# hashes: what CI tested); the project itself is installed on top without touching them.
$(VENV)/.installed: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

var:
	@mkdir -p var/broker/queue var/broker/processed var/cache var/celery-results var/test-results

demo: install var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

run: demo
	@echo
	@echo "  Portal:     http://127.0.0.1:$(PORTAL_PORT)/"
	@echo "  Demo login: admin@demo.example / demo-portal-2026"
	@echo "              (also operator@demo.example and viewer@demo.example, same password)"
	@echo "  Sandbox ERP: http://127.0.0.1:$(SANDBOX_PORT)/ (docs/sandbox.md)"
	@echo "  Stop with Ctrl-C."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# The production shape on this host against PostgreSQL, a broker and Redis (DATABASE_URL, REDIS_URL,
# CELERY_BROKER_URL must be set): docs/deployment.md.
production: install
	scripts/run_production.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install var lint
	PORTAL_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

smoke: install var
	PORTAL_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest -m smoke $(PYTEST_ARGS)

# The one command that regenerates requirements.lock from pyproject.toml, for every platform and
# Python 3.11 (CI's) and up. It keeps the current pins where they still fit; `make lock
# LOCK_ARGS=--upgrade` moves everything to the newest versions within the ranges. Commit the result.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --output-file requirements.lock \
		$(LOCK_ARGS)

# Refresh the vendored front-end libraries from npm (only needed when upgrading them).
vendor:
	rm -rf var/npm && mkdir -p var/npm && cp package.json var/npm/ && cd var/npm && npm install --no-audit --no-fund
	cp var/npm/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp var/npm/node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE

clean:
	rm -rf var $(VENV)
