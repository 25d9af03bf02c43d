# The two commands: `make run` serves the Chinese demo, `make test` runs the tests.
# Each creates the virtualenv (.venv) on first use and refreshes it when pyproject.toml changes.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint schema venv

$(VENV)/.installed: pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# From npm, installed here and never at test time: the naughty-strings corpus and the
	# graphql-http audit (.ci/run).
	if command -v npm >/dev/null 2>&1; then npm ci --ignore-scripts --no-audit --no-fund --silent; fi
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/linli serve

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

schema: $(VENV)/.installed
	$(BIN)/strawberry export-schema api.schema:schema --output api/schema.graphql
