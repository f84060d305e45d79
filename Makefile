# alembic-rs developer tasks. `make help` lists them.
VENV ?= .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: help venv build-dev build-release test test-rust test-python lint actionlint fmt bench demo \
	wheel-check test-matrix test-py310-sa20 test-py313-sa21 test-floor

help: ## show this help
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(VENV)/.ready: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "maturin>=1.9,<2"
	touch $@

venv: $(VENV)/.ready ## create the virtualenv with maturin

build-dev: venv ## build the extension (debug) into the venv, with the test extras
	@# a per-version module left from before abi3 would shadow the abi3 one Python loads
	rm -f python/alembic_rs/_native.cpython-*.so
	$(VENV)/bin/maturin develop -q --extras test

build-release: venv ## build the extension (release) into the venv, for benchmarks
	$(VENV)/bin/maturin develop -q --release --extras test

test-rust: ## Rust unit tests (the core, without Python)
	cargo test -q

test-python: build-dev ## pytest: public API and differential tests against real alembic
	$(PY) -m pytest -q -p no:cacheprovider tests

test: lint test-rust test-python ## the whole test suite, lint included (what CI runs)

# The version matrix (.ci/matrix): one venv per cell under .venvs/, from pyenv's Pythons
# (installed by pyenv if missing), with real alembic 1.20.1 on the same SQLAlchemy.
PY310 ?= 3.10.13
PY313 ?= 3.13.0
# the oldest SQLAlchemy we support: pyproject.toml's floor
SA_FLOOR ?= 2.0.53
# the differential core: rendered SQL, online and --sql runs, read commands, batch, sample project
DIFF_CORE := tests/test_ddl_render.py tests/test_diff_runtime.py tests/test_diff_read.py \
	tests/test_batch.py tests/test_sample_project.py
# the floor varies SQLAlchemy alone: no read commands (they never import it); without the
# test extras: no sample project (SQLModel), no embedded PostgreSQL
DIFF_CORE_RUNTIME := $(filter-out tests/test_sample_project.py tests/test_diff_read.py,$(DIFF_CORE)) \
	-k "not embedded"

test-matrix: test-py310-sa20 test-py313-sa21 test-floor ## the differential core on Python 3.10/SQLAlchemy 2.0, 3.13/2.1 and the floor

test-py310-sa20: ## the differential core on Python 3.10 with the newest SQLAlchemy 2.0.x
	.ci/matrix py310-sa20 $(PY310) "SQLAlchemy<2.1" test $(DIFF_CORE)

test-py313-sa21: ## the differential core on Python 3.13 with the newest SQLAlchemy 2.1.x
	.ci/matrix py313-sa21 $(PY313) "SQLAlchemy>=2.1,<2.2" test $(DIFF_CORE)

test-floor: ## the differential core on Python 3.10 with the oldest SQLAlchemy we support
	.ci/matrix floor $(PY310) "SQLAlchemy==$(SA_FLOOR)" runtime $(DIFF_CORE_RUNTIME)

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
	$(PY) bench/run.py

wheel-check: venv ## release abi3 wheel, installed in a fresh venv of each pyenv Python: smoke test + demo
	$(PY) tests/wheel_check.py

demo: build-dev ## migrate the sample project on an embedded PostgreSQL (pgvector included)
	$(PY) alembic/demo.py
