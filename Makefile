# Parta — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test lint install browser migrate seed lock stop-db messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate_schemas --executor=standard -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py spare_pool_fill

## run: set up everything and serve the portal and the demo schools on PORT
run: seed
	$(BIN)/python manage.py demo_info
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite on the embedded PostgreSQL (or DATABASE_URL), browsers included
test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0

## browser: Debian's Chromium for the Playwright journeys (needs root or sudo)
browser:
	@bash scripts/install_chromium.sh

stop-db:
	$(BIN)/python -c "from pathlib import Path; from config.embedded_db import stop_embedded_server; stop_embedded_server(Path('.'))"

## lock: re-pin requirements.lock from pyproject.toml in a clean virtualenv
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	$(PYTHON) scripts/requirements_in.py > .lockvenv/requirements.in
	.lockvenv/bin/python -m pip install --quiet --upgrade pip
	.lockvenv/bin/python -m pip install --quiet -r .lockvenv/requirements.in
	.lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^pip==' > requirements.lock
	rm -rf .lockvenv

## messages: refresh the Russian catalogues (project, core, provisioning), then translate and `make compile`
# core/ and provisioning/ keep their own catalogues; the project one covers templates/, timetable/,
# accounts/, tenants/. Patterns with *.py / *.html: a bare --ignore=core would skip templates/core too.
APP_IGNORES := $(foreach app,core provisioning,--ignore='$(app)/*.py' --ignore='$(app)/*.html' --ignore='$(app)/*.txt')
messages: install
	$(BIN)/python manage.py makemessages -l ru -l en --ignore=.venv --ignore=.data --ignore=tests $(APP_IGNORES)
	for app in core provisioning; do $(BIN)/python -c "import os, django; \
		os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); os.chdir('$$app'); \
		from django.core.management import call_command; call_command('makemessages', locale=['ru'])"; done

compile: install
	$(BIN)/python manage.py compilemessages -l ru -l en --ignore=.venv
