# alembic-rs developer tasks. `make help` lists them.
VENV ?= .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help venv build-dev build-release test test-rust test-python lint actionlint fmt bench demo \
	wheel-check

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(VENV)/.ready: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "maturin>=1.9,<2"
	touch $@

venv: $(VENV)/.ready ## create the virtualenv with maturin

build-dev: venv ## build the extension (debug) into the venv, with the test extras
	$(VENV)/bin/maturin develop -q --extras test

build-release: venv ## build the extension (release) into the venv, for benchmarks
	$(VENV)/bin/maturin develop -q --release --extras test

test-rust: ## Rust unit tests (the core, without Python)
	cargo test -q

test-python: build-dev ## pytest: public API and differential tests against real alembic
	$(PY) -m pytest -q -p no:cacheprovider tests

test: lint test-rust test-python ## the whole test suite, lint included (what CI runs)

lint: build-dev ## cargo fmt/clippy and ruff, all must be clean
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(VENV)/bin/ruff check python tests bench
	$(VENV)/bin/ruff format --check python tests bench
	$(PY) -m mypy
	$(PY) -m mypy.stubtest alembic_rs._native
	$(VENV)/bin/actionlint

actionlint: venv ## check the GitHub Actions workflows (.github/workflows)
	$(VENV)/bin/actionlint

fmt: venv ## format Rust and Python sources
	cargo fmt
	$(VENV)/bin/ruff format python tests bench

bench: build-release ## alembic-rs vs alembic on the same work, ratios printed (release build)
	$(PY) bench/run.py --proxy

wheel-check: venv ## release abi3 wheel, installed in a fresh venv of each pyenv Python: smoke test + demo
	$(PY) tests/wheel_check.py

demo: build-dev ## migrate the sample project on an embedded PostgreSQL (pgvector included)
	$(PY) alembic/demo.py
