# Everything a fresh machine with only python3 needs. `make demo` and `make test` are the two commands.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
PORT ?= 8501
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install demo test test-fast lint browser clean dagster ner-model

install: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@mkdir -p $(DAGSTER_HOME) && cp -n dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	@touch $@

# Debian's chromium for the real-browser tests (playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(VENV)/bin/vigia demo --port $(PORT)

test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

test-fast: install
	$(VENV)/bin/pytest -q -m "not browser"

lint: install
	$(VENV)/bin/ruff check .

# Rebuild the shipped NER model (models/ner/model) from LeNER-Br + generated chat (~16 min, 2 cores).
ner-model: install
	$(VENV)/bin/vigia train-ner

dagster: install
	$(VENV)/bin/dagster dev -w workspace.yaml

clean:
	rm -rf lakehouse landing ground_truth .dagster_home .pytest_cache
