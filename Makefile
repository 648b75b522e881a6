# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint test-browser test-long fuzz axe install install-dev translations catalog clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogues are build output, made from the committed .po files.
translations: install
	$(BIN)/pybabel -q compile -d agora/translations

# Refresh the catalogues after changing user-facing strings (then translate the French).
catalog: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o agora/translations/messages.pot .
	$(BIN)/pybabel -q update -i agora/translations/messages.pot -d agora/translations --no-fuzzy-matching

# The demo loads only into an empty database; with it, and only if no config file exists, `flask demo load`
# writes instance/agora.toml naming the demo's HR department (it prints "Wrote …"). Your own file is never touched.
run: translations
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@# The job worker runs beside the web server; Ctrl-C (or the server ending) stops both.
	$(FLASK) jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# Imports sorted, unused names, bugbear-class mistakes (rules in pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .

# Only the browser tests: journeys, screenshots (test-artifacts/screenshots/), accessibility, XSS.
test-browser: install-dev translations
	$(BIN)/python -m pytest -n 2 -m browser $(PYTEST_ARGS)

# Load and fault tests (tests/load) for minutes with more clients: 3 minutes and 64 clients per test by default.
test-long: install-dev translations
	AGORA_LOAD_LONG=1 $(BIN)/python -m pytest -m load tests/load $(PYTEST_ARGS)

# The API fuzzer (tests/test_fuzz.py) for 5 minutes per database with a new seed (printed when it fails);
# AGORA_FUZZ_SECONDS and AGORA_FUZZ_SEED set either, e.g. to replay a failure.
fuzz: install-dev translations
	AGORA_FUZZ_SECONDS=$${AGORA_FUZZ_SECONDS:-300} AGORA_FUZZ_SEED=$${AGORA_FUZZ_SEED:-random} \
		$(BIN)/python -m pytest -m fuzz tests/test_fuzz.py $(PYTEST_ARGS)

# axe-core from the npm registry, hash-checked, into test-artifacts/cache/ (the tests fetch it too).
axe: install-dev
	$(BIN)/python -m tests.browser.axe

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
