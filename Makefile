# One entry per job a person runs. See README.md.
PORT ?= 8000
PY := .venv/bin/python

.PHONY: run setup test test-year-end lint format bench clean-var lock openapi

run:
	@bash scripts/bootstrap.sh
	@PORT=$(PORT) bash scripts/serve.sh

setup:
	@bash scripts/bootstrap.sh

.PHONY: serve-prod
serve-prod:  # production mode under granian (docs/deployment.md)
	@bash scripts/serve_prod.sh

test:
	@bash scripts/setup_venv.sh
	@bash scripts/test.sh

test-year-end:
	@bash scripts/setup_venv.sh
	@bash scripts/test_year_end.sh

lint:
	@bash scripts/setup_venv.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --file /tmp/sanxiang-openapi.yaml --validate --fail-on-warn
	@diff -q /tmp/sanxiang-openapi.yaml docs/openapi.yaml || (echo "docs/openapi.yaml is out of date: run 'make openapi'"; exit 1)

lock:  # rebuild requirements.lock (every package, with hashes) after changing a pin
	$(PY) -m piptools compile --generate-hashes --allow-unsafe --strip-extras --no-header \
	  --no-emit-index-url --no-emit-find-links -q -o requirements.lock requirements-dev.txt

openapi:
	$(PY) manage.py spectacular --file docs/openapi.yaml --validate

format:
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench:
	@bash scripts/setup_venv.sh
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: screenshots
screenshots:  # the role walk (tests/walk) in Chromium; one PNG per step under var/screenshots/
	@rm -rf var/screenshots && mkdir -p var/screenshots
	SANXIANG_WALK_SHOTS=$(CURDIR)/var/screenshots SANXIANG_VAR_DIR=$$(mktemp -d) \
	  DATABASE_URL=sqlite:///$$(mktemp -d)/walk.sqlite3 $(PY) -m pytest -q -p no:randomly tests/walk
