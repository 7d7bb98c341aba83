# Two commands on a fresh machine (python3 and make only): `make demo`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO_SERVE ?= 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint format lock bench-load clean browser screenshots

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

VENDOR := src/nohaven/web/static/vendor/.fetched-$(shell cksum < src/nohaven/web/vendor.json | cut -d' ' -f1)

# The UI's front-end packages, from the npm registry (checked against pinned hashes).
$(VENDOR): src/nohaven/web/vendor.json | $(STAMP)
	rm -f src/nohaven/web/static/vendor/.fetched-*
	$(BIN)/python -m nohaven.web.vendor
	touch $(VENDOR)

install: $(STAMP) $(VENDOR)

## demo: set up, generate the demo world, load it, run every analysis, serve on :8000
demo: install
	$(BIN)/nohaven demo --host $(HOST) --port $(PORT) $(if $(filter 0,$(DEMO_SERVE)),--no-serve,--serve)

# The browser tests drive Debian's Chromium; install it (and its driver) when missing.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		echo "installing chromium and chromium-driver (Debian packages) for the browser tests"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium chromium-driver; \
	fi

## test: lint, format check and the whole test suite (browser tests in Chromium included)
test: install browser
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest -q

## screenshots: the UI's pages, from the browser tests, into docs/screenshots/
screenshots: install browser
	@fc-list | grep -qi "noto sans cjk" || { $(SUDO) apt-get install -y -q fonts-noto-cjk || true; }
	NOHAVEN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_ui_browser.py

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## lock: re-pin requirements.lock after changing pyproject.toml
lock: install
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --override overrides.txt --python-version 3.11 -o requirements.lock

## bench-load: the load benchmark on the large world (see docs/BENCHMARKS.md)
bench-load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache
