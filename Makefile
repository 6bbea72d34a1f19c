# Two commands on a fresh machine: `make run` (set up + serve the demo) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# test processes (pytest-xdist): one per core, at most 4 (each takes a Redis database of its own
# after REDIS_URL's); TEST_WORKERS=0 runs the suite in this one process
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: audit run test install migrate demo browser worker beat bench clean messages

# An existing virtualenv (a fresh clone's .venv may be a link to one) is updated, never recreated.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ ! -x $(PY) ]; then $(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install --quiet --upgrade pip; fi
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

# Serves on SQLite with Celery eager: nothing else needed. DEBUG stays off so that users see
# the same Chinese error pages as in production; static files come through WhiteNoise.
run: demo
	@$(PY) manage.py collectstatic --noinput -v 0
	@echo "打开 http://$(HOST):$(PORT)/ ，演示账号见 README（密码 Demo@2025，仅供演示）"
	DEBUG=$${DEBUG:-0} $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. pytest's exit code 5 ("no tests collected") is not a failure of the product.
test: install
	@$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

# Debian's Chromium for the browser tests (needs root; .ci/run calls it).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

worker: install
	$(VENV)/bin/celery -A appraisal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A appraisal beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 var

# Refresh the English translations after changing user-facing strings (needs gettext's msgfmt).
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=test-artifacts --ignore=static --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv

# Server time of the key pages on the demo organisation (prints figures; not a test).
bench: demo
	$(PY) manage.py bench_pages
	$(PY) manage.py bench_results

# Release check: every installed dependency audited against the vulnerability database (needs
# PyPI or an OSV mirror; fails if any package could not be checked). CI runs .ci/pip_audit.py.
audit: install
	$(VENV)/bin/pip-audit --local --strict --progress-spinner off
