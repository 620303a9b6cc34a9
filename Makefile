# The two set-up commands: `make run` and `make test`. Both install what is needed first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_LINK_MODE ?= copy
UV := uv
MANAGE := $(UV) run --frozen python manage.py
PYTEST_ARGS ?=

.PHONY: help uv install system-check run seed test lint format messages screenshots clean

help:
	@echo "make run    install, migrate, load demo content, start web + Celery worker + beat"
	@echo "make test   install and run the whole test suite"
	@echo "make lint   ruff, djhtml, mypy, import-linter"
	@echo "make screenshots  desktop and 375 px PNGs of the main pages into docs/screenshots/"

uv:
	@command -v uv >/dev/null 2>&1 || { echo "Installing uv (Python package manager) from PyPI..."; \
	  python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv; }

install: uv
	@$(UV) sync --frozen --quiet
	@if [ ! -d node_modules/@utrecht/component-library-css ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js (Debian: apt-get install nodejs npm)"; exit 1; }; \
	  npm ci --no-audit --no-fund --loglevel=error; fi
	@$(UV) run --frozen python -m config.system_check

system-check: install

run: install
	@$(MANAGE) migrate --no-input -v 0
	@$(MANAGE) collectstatic --no-input -v 0
	@$(MANAGE) seed_demo
	@$(UV) run --frozen honcho start -f Procfile

seed: install
	@$(MANAGE) seed_demo

test: install
	@set +e; $(UV) run --frozen pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$rc

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen djhtml --check $$(git ls-files '*.html')
	$(UV) run --frozen mypy .
	$(UV) run --frozen lint-imports

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen djhtml $$(git ls-files '*.html')

# Every language of settings.LANGUAGES (SITE_LANGUAGES): a new language gets its catalogue here.
messages: install
	$(MANAGE) makemessages $$($(MANAGE) shell -v 0 -c 'from django.conf import settings; print(" ".join("-l " + code for code, _name in settings.LANGUAGES))') \
	  --no-obsolete --ignore=node_modules --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=var

screenshots: install
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(UV) run --frozen pytest tests/e2e/test_screenshots.py -q -p no:cacheprovider

clean:
	rm -rf var
