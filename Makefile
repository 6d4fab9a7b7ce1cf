# The portal's verbs. `make demo` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Commands that only read code (translations, migration check) need no production secrets.
DEV_MANAGE := DEBUG=true $(MANAGE)
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers, one per core (pytest-xdist); `make test WORKERS=0` runs the suite serially.
WORKERS ?= auto

.PHONY: install demo serve test lint format messages lock clean

# Every language's compiled messages, rebuilt when its .po changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(VENV)/.installed node_modules/.installed $(MO_FILES)

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(DEV_MANAGE) compilemessages -l $* --ignore=.venv --ignore=node_modules -v 0

demo: install
	$(DEV_MANAGE) migrate --no-input
	$(DEV_MANAGE) load_demo
	@echo "Cổng thông tin OCOP: http://$(HOST):$(PORT)/ (Ctrl+C để dừng)"
	$(DEV_MANAGE) runserver $(HOST):$(PORT)

test: install lint
	$(DEV_MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(WORKERS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing UI strings: refresh the English catalogue, translate, then `make install`.
messages: $(VENV)/.installed
	$(DEV_MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=scripts

# Re-resolve the exact versions from pyproject.toml into the lock files.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) scripts/dependencies.py > .lock-venv/runtime.txt
	$(PYTHON) scripts/dependencies.py dev > .lock-venv/dev.txt
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -r .lock-venv/runtime.txt
	echo "# Exact runtime versions, from pyproject.toml by 'make lock'." > requirements.lock
	.lock-venv/bin/pip freeze --exclude-editable >> requirements.lock
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -r .lock-venv/dev.txt
	echo "# Exact runtime and development versions, from pyproject.toml by 'make lock'." > requirements-dev.lock
	.lock-venv/bin/pip freeze --exclude-editable >> requirements-dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
