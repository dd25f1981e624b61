# The front door: `make run` starts the app on the embedded SQLite database with the
# Leicestershire sample data; `make test` runs what CI runs. Both install what they need.

PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000
# The apps whose types mypy checks (django-stubs plugin; settings in pyproject.toml).
TYPED := frameworks plans schemes metrics

# Re-installs only when a lock file is newer than the stamp.
PIP_STAMP := $(VENV)/.requirements.stamp
# How the locks are made from requirements.txt and requirements-dev.txt (the ranges we
# accept): every package pinned with the hashes of its files. `make lock` keeps what is
# pinned where the ranges allow; `make lock UPGRADE=--upgrade` (or
# UPGRADE="--upgrade-package django") moves to newer releases.
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(UPGRADE)
# Lives inside node_modules, so removing node_modules also forces `npm ci` again.
NPM_STAMP := node_modules/.npm-ci.stamp

# The embedded setup: DEBUG on (settings then allow a missing SECRET_KEY), SQLite, Celery
# tasks run eagerly in-process. Unset the service URLs so a shell that has them exported
# for other work still runs the embedded app.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL DEBUG=true

.DEFAULT_GOAL := help
.PHONY: help install lock audit run test lint bench screenshots clean

help:
	@echo "make install  create $(VENV) with $(PY), install requirements-dev.lock (hashes checked), npm ci"
	@echo "make lock     pin requirements.txt and requirements-dev.txt to the two .lock files"
	@echo "make audit    pip-audit and npm audit of the locked packages"
	@echo "make run      migrate the SQLite db, load the sample data, serve http://$(HOST_PORT)"
	@echo "make test     makemigrations --check, ruff check, bandit, mypy, pytest (browser tests included)"
	@echo "make lint     ruff check and ruff format --check"
	@echo "make bench    the performance benchmarks in tests/benchmarks"
	@echo "make screenshots  PNGs of the main pages at 390 px and 1280 px, in screenshots/"
	@echo "make clean    remove $(VENV), node_modules, collected static files and caches"

install: $(PIP_STAMP) $(NPM_STAMP)

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Exactly the locked versions, each file checked against its hash; a package missing from
# the lock is refused rather than fetched.
$(PIP_STAMP): requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

lock: install
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file=requirements-dev.lock requirements-dev.txt

audit: install
	$(BIN)/python tools/audit.py

$(NPM_STAMP): package.json package-lock.json static/scss/nhsuk.scss
	npm ci --no-audit --no-fund
	npm run build
	touch $@

run: install
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py load_sample_data
	$(EMBEDDED) $(BIN)/python manage.py runserver $(HOST_PORT)

test: install
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=bcf.settings_test
	$(BIN)/ruff check .
	$(BIN)/bandit --quiet -c pyproject.toml -r .
	$(BIN)/mypy $(TYPED)
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmarks' own PostgreSQL database; the national dataset is generated in it once.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bcf_bench
# Its own Redis database, so that no other worker on the machine takes the benchmark's jobs.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3

bench: install
	@if [ -d tests/benchmarks ]; then \
		DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
			$(BIN)/pytest tests/benchmarks -p no:cacheprovider -s; \
	else \
		echo "No benchmarks yet: tests/benchmarks does not exist."; \
	fi

# Not part of `make test`: pictures of the dashboard, a plan, the schemes table and the
# national view at a phone's width and a desktop's, for reviewers to look at.
screenshots: install
	$(BIN)/pytest tests/screenshots -p no:cacheprovider -s --override-ini="addopts=--strict-markers"

clean:
	rm -rf $(VENV) node_modules staticfiles test-results screenshots .ruff_cache .pytest_cache .mypy_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
