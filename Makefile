# Two commands set everything up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
DEMO_STAMP := $(VENV)/.demo-installed
DEV_STAMP := $(VENV)/.dev-installed
# Airflow 2 lives in its own venv (its pins clash with Airflow 3's); only generated DAGs run there.
AIRFLOW2_VENV := .venv-airflow2
AIRFLOW2_STAMP := $(AIRFLOW2_VENV)/.installed
# Test files run in parallel, one file per worker at a time (its cases share a warehouse schema);
# a hung test fails after 15 minutes instead of eating CI's budget.
PYTEST := $(BIN)/pytest -n auto --dist loadfile --timeout 900
SQL_PATHS := macros tests models integration_tests/models integration_tests/tests integration_tests/macros examples

.PHONY: demo test lint format typecheck sqlfluff unit integration bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(DEMO_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e ".[duckdb]"
	touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e ".[duckdb,postgres,snowflake,airflow,dev]"
	touch $@ $(DEMO_STAMP)

$(AIRFLOW2_STAMP): constraints-airflow2.txt
	$(PYTHON) -m venv $(AIRFLOW2_VENV)
	$(AIRFLOW2_VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints-airflow2.txt apache-airflow
	touch $@

## demo: build the example sales warehouse on DuckDB, run the plugins, print where outputs are
demo: $(DEMO_STAMP)
	$(BIN)/python examples/run_demo.py

## test: the one test command (CI runs it): lint, types, SQL lint, unit and integration tests
test: $(DEV_STAMP) $(AIRFLOW2_STAMP) lint typecheck sqlfluff
	$(PYTEST) python_plugins/tests

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

sqlfluff: $(DEV_STAMP)
	$(BIN)/sqlfluff lint $(SQL_PATHS)

unit: $(DEV_STAMP)
	$(PYTEST) -m "not integration" python_plugins/tests

integration: $(DEV_STAMP) $(AIRFLOW2_STAMP)
	$(PYTEST) -m integration python_plugins/tests

## bench: make bench NAME=date_spine [ARGS="--scale 0.1"]
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run.py $(NAME) $(ARGS)

## constraints: re-pin from the current dev venv (review the diff before committing)
constraints: $(DEV_STAMP)
	{ head -2 constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^pipeline-kit'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) $(AIRFLOW2_VENV) .bench integration_tests/target integration_tests/dbt_packages examples/*/target examples/*/dbt_packages
