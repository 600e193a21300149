# `make play` and `make test` set everything up on first use (a .venv in this folder).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: play test lint format validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

play: $(STAMP)
	$(PY) -m simulator

test: $(STAMP)
	$(PY) -m ruff check simulator tests benchmarks
	$(PY) -m simulator validate scenarios docs/examples
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check simulator tests benchmarks
	$(PY) -m ruff format --check simulator tests benchmarks

format: $(STAMP)
	$(PY) -m ruff format simulator tests benchmarks
	$(PY) -m ruff check --fix simulator tests benchmarks

validate: $(STAMP)
	$(PY) -m simulator validate scenarios

bench: $(STAMP)
	$(PY) benchmarks/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
