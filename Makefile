# Carnet's commands. `make run` serves the demo; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: help run dev demo test lint format messages chromium redis varnish clean bench bench-news bench-newsletter bench-tools bench-sqlite screenshots backup restore drill-two-servers FORCE

help:
	@echo "make run    set everything up and serve the demo blog (gunicorn and the mail worker) on http://127.0.0.1:$(PORT)"
	@echo "make test   set everything up and run migrations check, ruff and the whole test suite"
	@echo "make dev    runserver with DEBUG on"
	@echo "make demo   load the demo content and accounts only"
	@echo "make screenshots  refresh the README's screenshots in docs/screenshots"

# The virtualenv is rebuilt whenever pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Carnet needs Python 3.12 or newer; found " + sys.version.split()[0] + ". Install it (pyenv install 3.12) or set PYTHON=python3.12.")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --group dev .
	touch $@

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

# The demo's password: CARNET_DEMO_PASSWORD when set (written again each time, so the
# file never holds another one), else one generated once and kept.
var/demo_password: $(if $(CARNET_DEMO_PASSWORD),FORCE)
	@mkdir -p var
	@$(PYTHON) -c 'import os, secrets; print(os.environ.get("CARNET_DEMO_PASSWORD") or secrets.token_urlsafe(9))' > $@
	@chmod 600 $@

FORCE:

# Compiled translations are built here, never committed.
messages: $(BIN)/.installed
	cd locale && DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -v0

# make run: production-like (DEBUG off, static files through whitenoise, gunicorn).
run: $(BIN)/.installed var/secret_key var/demo_password messages
	$(eval export SECRET_KEY ?= $(shell cat var/secret_key))
	$(eval export CARNET_DEMO_PASSWORD ?= $(shell cat var/demo_password))
	$(eval export SERVE_MEDIA ?= 1)
	@# The demo signs in with its shared password alone; the admin home says so.
	$(eval export TWO_STEP_REQUIRED ?= false)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo
	@echo "Carnet is at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "Demo logins: admin, editor (editor-in-chief), contributor, moderator; password: $$CARNET_DEMO_PASSWORD"
	@echo
	@# gunicorn and the task worker that sends the mail, from the Procfile; Ctrl-C stops both.
	$(BIN)/honcho start --procfile Procfile --port $(PORT)

# No worker here: mail is sent (to the console) by runserver right after each commit.
dev: $(BIN)/.installed messages
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 TASK_BACKEND=immediate $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

demo: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 $(BIN)/python manage.py load_demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests drive Debian's chromium through Playwright; no browser is ever downloaded.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Debian's Varnish with xkey (varnish-modules): tests/test_varnish.py purges a real one by tag.
varnish:
	@command -v varnishd >/dev/null || (apt-get update -qq && apt-get install -y -qq varnish varnish-modules)

# The tests use the Redis on 127.0.0.1:6379 (the page cache's real backend); start it if it sleeps.
redis:
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --save '' --appendonly no
	@for i in $$(seq 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done

# The W3C Nu HTML checker the tests run (tests/test_valid_html.py), at the version
# package-lock.json pins. --ignore-scripts: its postinstall would fetch a Java runtime;
# the machine's java runs it.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The suite runs in PYTEST_WORKERS processes (pytest-xdist), each with its own test
# database, live server and browser, a test file at a time to one of them (the Varnish
# tests' fixed ports, a module's shared setup); PYTEST_WORKERS=0 runs it in this one.
PYTEST_WORKERS ?= 2

test: $(BIN)/.installed messages lint chromium redis varnish node_modules/.installed
	@mkdir -p var
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The browser tests write their screenshots to a temporary folder; this refreshes the README's.
screenshots: $(BIN)/.installed messages chromium
	CARNET_SCREENSHOTS_DIR=docs/screenshots DEBUG=1 $(BIN)/python -m pytest -q tests/browser/test_screenshots.py

clean:
	rm -rf $(VENV) var/static

# A timestamped archive of the database and the uploads (MEDIA_ROOT or the bucket) in var/backups, taken while
# the site runs (SQLite online backup or pg_dump, after DATABASE_URL); see docs/operations.md.
backup: $(BIN)/.installed
	$(BIN)/python manage.py backup

# make restore FILE=var/backups/carnet-….tar.gz: asks before replacing the database.
restore: $(BIN)/.installed
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/carnet-YYYYMMDD-HHMMSS-….tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

# Every public page through nginx's cache (docs/deploy.md), Carnet's own cache and none, beside
# nginx serving a static copy, on PostgreSQL with 10,000 articles (BENCH_ARGS=--scale: 100,000
# and 1,000,000 comments); prints figures and ratios (docs/benchmarks.md).
bench: $(BIN)/.installed messages redis bench-tools
	$(BIN)/python bench/cache.py $(BENCH_ARGS)

bench-tools:
	@command -v wrk >/dev/null && command -v nginx >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk nginx)

# A news site's load: Zipf-popular reads while a comment is approved every second and an
# article published every minute, through Carnet's cache (tags, then the single generation
# as the baseline) and Varnish purged by tag; prints hit ratio, renders/min, p50/p99.
bench-news: $(BIN)/.installed messages redis varnish bench-tools
	$(BIN)/python bench/news.py $(BENCH_ARGS)

# The newsletter's sending: 100,000 confirmed subscribers on PostgreSQL (127.0.0.1:5432,
# running), one worker, aiosmtpd as the mail server; time to queue, send rate, memory.
bench-newsletter: $(BIN)/.installed messages
	$(BIN)/python bench/newsletter.py $(BENCH_ARGS)

# A quick look without services: the public pages on SQLite, gunicorn and a Python client.
bench-sqlite: $(BIN)/.installed messages
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Two gunicorns, each from its own copy of the code, on one PostgreSQL (127.0.0.1:5432,
# running), one Redis (db 8), one local S3 server and Varnish: an upload, a comment, a
# session, the flood limits, the sign-in lock and the task queue behave as one site.
drill-two-servers: $(BIN)/.installed messages redis varnish
	$(BIN)/python bench/drill_two_servers.py
