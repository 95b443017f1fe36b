# The two commands a newcomer needs: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV := DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format e2e bench messages setup clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Stip needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Front-end libraries are copied into our own static files: nothing loads from a CDN.
stip/static/vendor/htmx.min.js: node_modules/.installed
	@mkdir -p stip/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

setup: $(VENV)/.installed stip/static/vendor/htmx.min.js

run: setup
	$(DEV) $(PY) manage.py migrate --noinput -v 0
	$(DEV) $(PY) manage.py seed_demo --if-empty
	@echo "Stip runs on http://$(HOST):$(PORT)/ with a task worker beside it. Stop both with Ctrl+C."
	@trap 'kill 0' INT TERM EXIT; \
		$(DEV) $(PY) manage.py db_worker --queue-name default & \
		$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV) $(PY) manage.py makemigrations --check --dry-run -v 1
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

e2e: setup
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

# Extract new strings into the Dutch catalogue and compile it (needs GNU gettext).
messages: setup
	cd stip && $(DEV) ../$(PY) ../manage.py makemessages -l nl --no-obsolete --add-location file
	cd stip && $(DEV) ../$(PY) ../manage.py compilemessages -l nl

clean:
	rm -rf $(VENV) node_modules stip/static/vendor staticfiles
