# Sila: the few verbs people need. Each recipe is a line you could also type.

PYTHON ?= python3
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres lint format messages check-messages bench worker install clean

install: .venv/.synced

# uv comes from PyPI when it is missing; the environment is built from the committed lock.
.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py db_worker

# pytest exits 5 when it collected nothing; here that is a failure, never a silent pass.
test: install
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
		if [ $$status -eq 5 ]; then echo "make test: no test was collected"; fi; exit $$status

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(MAKE) test

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Needs GNU gettext (Debian: gettext). One catalogue for the project: portal/locale/ar.
messages: install
	$(PY) manage.py makemessages --locale ar --no-location --no-obsolete --ignore .venv --ignore var --ignore media --ignore tests
	$(PY) manage.py compilemessages --ignore .venv

check-messages: install
	$(PY) scripts/check_messages.py

bench: install
	$(PY) -m pytest tests/bench -o addopts="-p no:cacheprovider" -q -s

clean:
	rm -rf .venv var/*.sqlite3 var/screenshots
