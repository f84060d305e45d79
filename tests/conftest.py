"""Fixtures for differential tests: the alembic oracle, generated projects, ``assert_same``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import difftools
import gen_graph
import runtime_projects as rp


def pytest_report_header() -> list[str]:
    """Say which two programs are compared."""
    return [
        f"alembic oracle: {' '.join(difftools.alembic_cmd())} (mode: {difftools.Oracle().mode})",
        f"alembic-rs under test: {' '.join(difftools.ours_cmd())}",
    ]


@pytest.fixture(scope="session")
def oracle() -> Iterator[difftools.Oracle]:
    """Real alembic, one long-lived process for the whole session."""
    o = difftools.Oracle()
    yield o
    o.close()


@pytest.fixture(scope="session")
def project_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, gen_graph.Project]:
    """Projects written so far, by key; many tests share one directory."""
    return {}


@pytest.fixture(scope="session")
def make_project(
    tmp_path_factory: pytest.TempPathFactory, project_cache: dict[str, gen_graph.Project]
) -> Callable[..., gen_graph.Project]:
    """Write (once per key) a generated project: ``make_project(key, revs)``."""

    def make(key: str, revs: Sequence[gen_graph.RevSpec]) -> gen_graph.Project:
        if key not in project_cache:
            root = tmp_path_factory.mktemp(key, numbered=True)
            project_cache[key] = gen_graph.write_project(root, revs)
        return project_cache[key]

    return make


@pytest.fixture
def assert_same(oracle: difftools.Oracle) -> difftools.AssertSame:
    """Run a command line with alembic and alembic-rs; fail with a readable diff if they differ."""

    def check(args: Sequence[str], cwd: Path, unordered: bool = False) -> None:
        problems = difftools.check(oracle, args, cwd, unordered)
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    return check


def _server_available(dialect: str) -> bool:
    if dialect == "sqlite":
        return True
    import sqlalchemy as sa

    engine = rp._admin_engine(dialect)
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


_AVAILABLE: dict[str, bool] = {}


def _require(dialect: str) -> None:
    if dialect not in _AVAILABLE:
        _AVAILABLE[dialect] = _server_available(dialect)
    if not _AVAILABLE[dialect]:
        # the servers are part of the test setup (.ci/run starts them): their absence fails
        pytest.fail(f"no {dialect} server reachable")


@pytest.fixture
def make_db(tmp_path: Path) -> Iterator:
    """make_db(dialect) -> a fresh ScratchDatabase (``runtime_projects``), dropped at the
    end of the test."""
    made: list[rp.ScratchDatabase] = []

    def make(dialect: str) -> rp.ScratchDatabase:
        _require(dialect)
        db = rp.create_database(dialect, tmp_path)
        made.append(db)
        return db

    yield make
    for db in made:
        rp.drop_database(db)
