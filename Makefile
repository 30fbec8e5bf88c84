# make demo : set up .venv (when missing) and run the whole analysis on the bundled sample
# make test : set up .venv (when missing) with the dev extra and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEVSTAMP := $(VENV)/.installed-dev-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint bench docs clean install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(DEVSTAMP) $(STAMP)

install: $(STAMP)
install-dev: $(DEVSTAMP)

demo: $(STAMP)
	$(BIN)/trygghet-geo demo

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(DEVSTAMP)
	$(BIN)/ruff check trygghet_geo tests bench tools
	$(BIN)/ruff format --check trygghet_geo tests bench tools
	$(BIN)/mypy --strict trygghet_geo

# the documentation site (docs/_build/html): offline, warnings are errors; the notebooks run once, then cached
docs: $(DEVSTAMP)
	$(BIN)/python -m sphinx -b html -W --keep-going -q docs docs/_build/html

# every benchmark, each printing its figures beside the peer measured in the same run (QUICK=1 for small runs)
bench: $(DEVSTAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f $(if $(QUICK),--quick,) || exit 1; done

clean:
	rm -rf $(VENV) data/processed/*.html data/processed/*.csv
