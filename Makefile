# Two commands: `make run` (install, migrate, seed the demo county, serve) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run serve worker test test-fast lint format bench migrate seed check-deploy clean

help:
	@echo "make run      install, migrate, load the demo county and serve http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite"
	@echo "make lint     ruff check + format check + import contracts + makemigrations --check"
	@echo "make bench    run the benchmarks under bench/"
	@echo "make worker   run a Celery worker (production: with CELERY_BROKER_URL=redis://…)"

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（找不到 $(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet ".[dev]"
	@scripts/check_system.sh || true

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-missing

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py demo_logins
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) scripts/run_local.sh

serve:
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) scripts/run_local.sh

worker:
	$(VENV)/bin/celery -A balance_inspect worker -l INFO --concurrency 2

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast:
	$(PY) -m pytest -m "not browser and not integration" -q $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench:
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

check-deploy:
	DEBUG=false HTTPS=true SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles
