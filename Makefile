# `make play` and `make test` set everything up on first use (a .venv in this folder).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed
DEV := $(VENV)/.installed-dev

.PHONY: play test lint format validate bench clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME)

# The tests also need pytest, hypothesis, ruff and a real LRS (Ralph).
$(DEV): $(RUNTIME)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(DEV)

play: $(RUNTIME)
	$(PY) -m simulator

test: $(DEV)
	$(PY) -m ruff check simulator tests benchmarks
	$(PY) -m simulator validate scenarios docs/examples
	$(PY) -m pytest

lint: $(DEV)
	$(PY) -m ruff check simulator tests benchmarks
	$(PY) -m ruff format --check simulator tests benchmarks

format: $(DEV)
	$(PY) -m ruff format simulator tests benchmarks
	$(PY) -m ruff check --fix simulator tests benchmarks

validate: $(RUNTIME)
	$(PY) -m simulator validate scenarios

bench: $(DEV)
	$(PY) benchmarks/bench_load.py
	$(PY) benchmarks/bench_player.py
	$(PY) benchmarks/bench_analysis.py
	$(PY) benchmarks/bench_cli.py
	$(PY) benchmarks/bench_ink.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
