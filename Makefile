# Two commands set Gazette up on a fresh machine with Python 3.11:
#   make demo   create .venv, install Gazette, run the pipeline on the bundled demo, serve it on :8000
#   make test   create .venv, install Gazette with test tools, run ruff and the whole test suite
# After changing a setting in gazette/config.py:
#   make docs   rewrite the settings tables in README.md and docs/configuration.md
# After changing a page's template or stylesheet:
#   make screenshots   rewrite docs/screenshots/ (needs Debian's chromium)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench docs screenshots clean

demo: $(VENV)/.installed
	$(BIN)/gazette demo

# axe-core, the accessibility engine the browser tests run in each page, from the npm registry
# (skipped, with the tests that need it, where npm is missing; CI has it).
AXE := .cache/npm/node_modules/axe-core/axe.min.js

test: $(VENV)/.installed $(AXE)
	$(BIN)/ruff check gazette tests bench demo
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not disruptive"
	$(BIN)/python -m pytest -m disruptive

bench: $(VENV)/.installed
	$(BIN)/python bench/demo_pipeline.py

$(AXE):
	-npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4.14.1

screenshots: $(VENV)/.installed
	$(BIN)/python tests/screenshots.py

docs: $(VENV)/.installed
	$(BIN)/python -m gazette.settings_reference --write

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache
