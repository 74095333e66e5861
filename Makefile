# Two commands: `make run` serves the portal on 127.0.0.1:8000, `make test` runs every test.
# Both work on a fresh machine with Python 3.11; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run serve backup check-backup restore test system-deps install install-dev migrate load lint check-deploy clean loadtest

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make a rerun skip pip when the requirements have not changed.
$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(MANAGE) migrate --noinput

load: migrate
	$(MANAGE) setup_roles
	$(MANAGE) load_initial_agencies

run: load
	$(MANAGE) runserver 127.0.0.1:8000

# The production settings under gunicorn with deploy/gunicorn.conf.py, as on a server. Needs
# DJANGO_SECRET_KEY and CACHE_URL (and DATABASE_URL, DJANGO_ALLOWED_HOSTS...) in the environment or in .env;
# the database must already be migrated (`make migrate` with the same DATABASE_URL). Plain
# http on this machine also needs DJANGO_SECURE_SSL_REDIRECT=false, as production redirects
# to https. `make serve HOST=0.0.0.0 PORT=8080` picks the address; GUNICORN_* tune workers.
HOST ?= 127.0.0.1
PORT ?= 8000
PRODUCTION := DJANGO_SETTINGS_MODULE=bandung_iso.settings.production

serve: install
	$(PRODUCTION) $(MANAGE) collectstatic --noinput --verbosity 0
	$(PRODUCTION) exec $(BIN)/gunicorn -c deploy/gunicorn.conf.py -b $(HOST):$(PORT) bandung_iso.wsgi:application

# Backups of DATABASE_URL's database (environment or .env) with its own tool, into BACKUP_DIR
# (default ./backups): pg_dump --format=custom, or SQLite's online backup. `make restore`
# fills only an EMPTY database and refuses any other. See scripts/backup.py.
backup: install
	$(BIN)/python scripts/backup.py backup

check-backup: install
	@test -n "$(FILE)" || { echo "usage: make check-backup FILE=backups/<name>" >&2; exit 2; }
	$(BIN)/python scripts/backup.py check "$(FILE)"

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>" >&2; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(FILE)"

# Requests per second and latency of every public page under gunicorn (production settings),
# cached and uncached, at 1 and 25 connections, beside a trivial view: scripts/loadtest.py.
# Scratch databases on DATABASE_URL's engine (loadtest_* on PostgreSQL); CACHE_URL picks the
# cache. Installs Debian's wrk when missing. LOADTEST_ARGS="--sizes initial --duration 3" etc.
loadtest: install-dev
	$(BIN)/python scripts/loadtest.py $(LOADTEST_ARGS)

# The browser tests drive Debian's Chromium and the translation tests compile with GNU gettext's
# msgfmt: installed from Debian's packages when missing (as root), as .ci/run does.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { echo "== installing Debian's chromium"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "make test needs Debian's chromium: apt-get install chromium (as root)" >&2; exit 1; }
	@command -v msgfmt >/dev/null 2>&1 || { echo "== installing GNU gettext"; \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; } || \
		{ echo "make test needs GNU gettext: apt-get install gettext (as root)" >&2; exit 1; }

test: install-dev system-deps
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_sizes.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
