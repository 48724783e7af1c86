# The two commands: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
PYTEST_ARGS ?= tests
export DJANGO_SETTINGS_MODULE ?= sirkel.settings.dev

.PHONY: help deps venv venv-dev assets services services-stop setup run test lint format \
        checks pytest messages demo

help:
	@echo "make run    - install what is missing, start services, migrate, load demo data, serve :8000"
	@echo "make test   - the same set-up, then lint, migration check, deploy check and the test suite"
	@echo "make lint | format | messages | services-stop"

deps:
	@bash scripts/install-system-deps.sh

venv: deps
	@bash scripts/setup-python.sh

venv-dev: deps
	@bash scripts/setup-python.sh --dev

assets: deps
	@bash scripts/setup-assets.sh

services: deps
	@bash scripts/services.sh start

services-stop:
	@bash scripts/services.sh stop

setup: venv assets services
	@bash scripts/prepare.sh

run: setup
	@$(PY) manage.py load_demo
	@bash scripts/run-dev.sh

demo: setup
	@$(PY) manage.py load_demo

lint: venv-dev
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

format: venv-dev
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

messages: venv
	@$(PY) manage.py makemessages -l nb -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	@$(PY) manage.py makemessages -d djangojs -l nb -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

checks: venv-dev services
	@$(PY) manage.py makemigrations --check --dry-run
	@SECRET_KEY=check-deploy-dummy-secret-key-that-is-long-enough-0123456789abcdef \
	  DJANGO_SETTINGS_MODULE=sirkel.settings.production $(PY) manage.py check --deploy --fail-level WARNING

pytest:
	@DJANGO_SETTINGS_MODULE=sirkel.settings.test $(PY) -m pytest $(PYTEST_ARGS)

test: venv-dev assets services lint checks
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	@$(MAKE) --no-print-directory pytest
