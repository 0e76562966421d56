# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi
CHROMIUM ?= /usr/bin/chromium
# Two workers (pytest-xdist): each has its own database and Redis database number.
PYTEST_ARGS ?= -n 2 -p no:cacheprovider

.PHONY: run test lint translations extract-messages worker scheduler chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d kudos/translations

## make run: the app with demo data on http://127.0.0.1:5000 (SQLite in instance/, jobs inline)
run: $(VENV)/.installed translations
	REDIS_URL= FLASK_DEBUG=1 $(FLASK) db upgrade
	REDIS_URL= FLASK_DEBUG=1 $(FLASK) seed-demo --if-empty
	REDIS_URL= $(FLASK) run --debug --no-debugger --host 127.0.0.1 --port 5000

## make test: lint, security scans, then the whole suite (SQLite; KUDOS_TEST_DB=postgres for PostgreSQL)
test: $(VENV)/.installed-dev translations chromium
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r kudos workers -lll
	$(BIN)/python tools/audit_dependencies.py
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests drive Debian's Chromium (Playwright's own download does not work offline).
chromium:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium; } \
	  || { echo "Chromium is missing: install Debian's 'chromium' package (apt-get install chromium)."; exit 1; }

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output -w 100 -o kudos/translations/messages.pot .
	$(BIN)/pybabel update -i kudos/translations/messages.pot -d kudos/translations --no-fuzzy-matching -w 100

worker: $(VENV)/.installed
	$(BIN)/python -m workers.worker

scheduler: $(VENV)/.installed
	$(BIN)/python -m workers.scheduler

clean:
	rm -rf $(VENV) instance .pytest_cache
