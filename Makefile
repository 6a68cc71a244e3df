# Two commands do all the set-up on a fresh Debian/Ubuntu machine:
#   make demo   - the whole system on this machine, console at http://127.0.0.1:8000/console
#   make test   - the whole test suite (what CI runs)
VENV    ?= .venv
PY      := $(VENV)/bin/python
PYTHON  ?= python3
ARGS    ?=

.PHONY: demo test lint pytest setup bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

demo:
	bash scripts/system-deps.sh demo
	$(MAKE) --no-print-directory setup
	$(VENV)/bin/smartgate demo $(ARGS)

test:
	bash scripts/system-deps.sh test
	bash scripts/start-services.sh
	$(MAKE) --no-print-directory setup
	$(MAKE) --no-print-directory lint
	$(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/matching.py
	$(PY) bench/ocr.py
	$(PY) bench/messaging.py
	$(PY) bench/preclearance.py
	$(PY) bench/scale.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache .mypy_cache .ruff_cache
