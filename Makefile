# The README's two commands: `make demo` and `make test`. Both set up .venv from this
# project's own files (pyproject extras), so they work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck docs pytest bench clean

$(VENV)/.core: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.dev: $(VENV)/.core pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	$(PIP) install -e ".[dev]"
	touch $@

demo: $(VENV)/.core
	$(PY) examples/demo.py $(ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check hyperhop tests benchmarks examples docs/conf.py
	$(VENV)/bin/ruff format --check hyperhop tests benchmarks examples docs/conf.py

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy

# The documentation site (Sphinx + MyST), warnings as errors; open docs/_build/html/index.html.
docs: $(VENV)/.dev
	$(PY) -m sphinx -b html -q -W --keep-going docs docs/_build/html

pytest: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck docs pytest

bench: bench-env
	.venv-bench/bin/python benchmarks/space.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis runs docs/_build

# The peers that benchmarks/ compares hyperhop with, in a virtual environment of their own
# (never hyperhop dependencies): hyperhop itself plus benchmarks/requirements-peers.txt.
.PHONY: bench-env
bench-env:
	@test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip --disable-pip-version-check -q install -e . -r benchmarks/requirements-peers.txt
