# Sila: the few verbs people need. Each recipe is a line you could also type.

PYTHON ?= python3
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 8000
RUN_BASE_URL := $(or $(SITE_BASE_URL),http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT))

.PHONY: run test test-postgres lint format messages check-messages bench worker install clean stack stack-stop stack-status stack-packages

install: .venv/.synced

# uv comes from PyPI when it is missing; the environment is built from the committed lock.
.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# Links in messages and the admin point at the address served (unless SITE_BASE_URL is given).
run: install
	$(PY) manage.py migrate --noinput
	SITE_BASE_URL=$(RUN_BASE_URL) $(PY) manage.py load_demo
	SITE_BASE_URL=$(RUN_BASE_URL) $(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		SITE_BASE_URL=$(RUN_BASE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py run_worker

# The production shape on this machine: nginx (cache + TLS front), gunicorn, supervised workers,
# PostgreSQL and Redis. Needs Debian's nginx-light, libnginx-mod-http-cache-purge, redis-server,
# postgresql (installed when missing).
stack: install stack-packages
	$(PY) deploy/stack.py up

stack-stop:
	$(PY) deploy/stack.py down

stack-status:
	$(PY) deploy/stack.py status

stack-packages:
	@missing=""; \
	command -v nginx >/dev/null 2>&1 || missing="$$missing nginx-light"; \
	[ -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ] || missing="$$missing libnginx-mod-http-cache-purge"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v pg_ctlcluster >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

# The suite runs on one pytest worker per core (pytest-xdist), then the production-stack tests
# (tests/stack, marked `stack`) run alone: their proxy timings measure the stack, not the other
# worker's load. TEST_WORKERS=0 runs the first part in one process. pytest exits 5 when it
# collected nothing: a part may be empty when PYTEST_ARGS narrows the run, both never.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not stack" $(PYTEST_ARGS); first=$$?; \
	$(PY) -m pytest -m stack $(PYTEST_ARGS); second=$$?; \
	if [ $$first -eq 5 ] && [ $$second -eq 5 ]; then echo "make test: no test was collected"; exit 5; fi; \
	for status in $$first $$second; do \
		if [ $$status -ne 0 ] && [ $$status -ne 5 ]; then exit $$status; fi; \
	done

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

bench: install stack-packages
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) -m pytest tests/bench -o addopts="-p no:cacheprovider" -q -s

clean:
	rm -rf .venv var/*.sqlite3 var/screenshots
