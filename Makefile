# The commands in README.md. Each target sets up what it needs in .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: test lab bench lint format clean

$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lessons,test,reference]"
	touch $(READY)

test: $(READY)
	$(BIN)/ruff check autograd_lab tests benchmarks
	$(BIN)/python -m pytest

lab: $(READY)
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ROOT_FLAG)

bench: $(READY)
	$(BIN)/python benchmarks/engine.py

lint: $(READY)
	$(BIN)/ruff check autograd_lab tests benchmarks

format: $(READY)
	$(BIN)/ruff format autograd_lab tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
