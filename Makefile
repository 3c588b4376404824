# The commands in README.md. Each target sets up what it needs in .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: test test-core lab html bench lint format clean system graphviz chromium

$(READY): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lessons,test,reference]"
	touch $(READY)

# Graphviz's dot draws the graphs (the lessons need it), Chromium runs the browser test (only
# the tests need it): installed with apt-get when we can (root on Debian/Ubuntu), else a hint.
graphviz:
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends graphviz >/dev/null; \
	  else \
	    echo "Graphviz is missing: apt-get install graphviz, conda install graphviz or brew install graphviz"; \
	  fi; }

chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "Chromium is missing, so the browser test skips: apt-get install chromium"; \
	  fi; }

system: graphviz chromium

test: $(READY) system
	$(BIN)/ruff check autograd_lab tests benchmarks
	$(BIN)/python -m pytest --nbval --nbval-current-env \
	  --nbval-sanitize-with notebooks/nbval_sanitize.cfg tests notebooks

# The engine alone on another Python (CI: the newest one here), where bytecode differs.
CORE_PY ?= python3.13
test-core:
	$(CORE_PY) -m venv .venv-core
	.venv-core/bin/python -m pip install --quiet -e . pytest hypothesis
	AUTOGRAD_LAB_STRICT= .venv-core/bin/python -m pytest -p no:cacheprovider \
	  tests/test_rules.py tests/test_engine.py tests/test_printing.py tests/test_random.py \
	  tests/test_spec_examples.py tests/test_isolation.py

# JupyterLab on 127.0.0.1 with a fresh token, on the index lesson, in your own copy of the
# lessons (my_lessons/: never overwritten; `$(BIN)/autograd-lab reset N --dir my_lessons`
# restores lesson N and keeps your version beside it).
LESSONS_DIR ?= my_lessons
PORT ?= 8888
lab: $(READY) graphviz
	$(BIN)/autograd-lab lab --dir $(LESSONS_DIR) --port $(PORT)

# A static site of every lesson in site/ (opens from disk, no network): graphs as SVG, each
# stepper as all its frames, maths by a local MathJax.
html: $(READY) graphviz
	rm -rf site
	$(BIN)/python -m autograd_lab.export site

bench: $(READY)
	$(BIN)/python benchmarks/engine.py

lint: $(READY)
	$(BIN)/ruff check autograd_lab tests benchmarks

format: $(READY)
	$(BIN)/ruff format autograd_lab tests benchmarks

clean:
	rm -rf $(VENV) .venv-core .pytest_cache .hypothesis .ruff_cache *.egg-info site
