"""``alembic_rs.install_as_alembic()``: ``import alembic`` gives alembic-rs for good.

Each check runs in a fresh interpreter (the venv has real alembic 1.20.1 installed, so
anything that falls through would load it), and pytest-alembic's default tests run on
the sample project through it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import alembic_rs
from alembic_rs.compat import ALIASES

ROOT = Path(__file__).resolve().parent.parent
OURS = Path(alembic_rs.__file__).parent
SAMPLE_INI = ROOT / "alembic" / "alembic.ini"


def _python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_every_alembic_module_is_ours_after_install() -> None:
    proc = _python(
        f"""
        import importlib, json, sys
        import alembic.config                    # real alembic first, as a harness may have
        real = alembic.config.__file__
        import alembic_rs
        alembic_rs.install_as_alembic()
        alembic_rs.install_as_alembic()          # twice: nothing more happens
        import alembic
        from alembic import command, context, op
        from alembic.config import Config
        from alembic.migration import MigrationContext
        from alembic.environment import EnvironmentContext
        from alembic.runtime.migration import MigrationContext as RuntimeMigrationContext
        from alembic.runtime.environment import EnvironmentContext as RuntimeEnvironmentContext
        files = {{name: importlib.import_module(name).__file__ for name in {sorted(ALIASES)!r}}}
        files["alembic"] = alembic.__file__
        missing = []
        for name in ("alembic.ddl", "alembic.ddl.postgresql", "alembic.testing", "alembic.nope"):
            try:
                importlib.import_module(name)
            except ImportError as e:
                missing.append([name, str(e)])
        print(json.dumps({{
            "real": real,
            "files": files,
            "loaded": {{n: getattr(m, "__file__", None) for n, m in sys.modules.items()
                        if n == "alembic" or n.startswith("alembic.")}},
            "same": [
                command is alembic_rs.command,
                Config is alembic_rs.Config,
                MigrationContext is RuntimeMigrationContext,
                EnvironmentContext is RuntimeEnvironmentContext,
                alembic.migration.MigrationContext.__module__,
                alembic.__version__,
            ],
            "missing": missing,
        }}))
        """
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert "site-packages/alembic/" in out["real"]  # real alembic was there to fall back on
    for name, file in {**out["files"], **out["loaded"]}.items():
        assert file is not None and Path(file).is_relative_to(OURS), (name, file)
    assert set(out["files"]) <= set(out["loaded"])
    assert out["same"] == [True, True, True, True, "alembic_rs.runtime.migration", "1.20.1"]
    assert [name for name, _ in out["missing"]] == [
        "alembic.ddl",
        "alembic.ddl.postgresql",
        "alembic.testing",
        "alembic.nope",
    ]
    assert all("alembic-rs does not provide" in message for _, message in out["missing"])


def test_install_survives_a_run_and_a_run_inside_an_install(tmp_path: Path) -> None:
    """The alias a run puts in place while env.py runs neither undoes nor is undone."""
    db = tmp_path / "x.db"
    (tmp_path / "versions").mkdir()
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {tmp_path}\nsqlalchemy.url = sqlite:///{db}\n")
    (tmp_path / "env.py").write_text(
        textwrap.dedent(
            """
            import alembic, alembic_rs
            from alembic import context
            from sqlalchemy import create_engine
            if context.config.attributes.get("install"):
                alembic_rs.install_as_alembic()
            engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
            with engine.connect() as connection:
                context.configure(connection=connection)
                with context.begin_transaction():
                    context.run_migrations()
            """
        )
    )
    proc = _python(
        f"""
        import sys
        import alembic_rs
        from alembic_rs.config import Config
        config = Config({str(ini)!r})
        alembic_rs.command.upgrade(config, "head")
        assert "alembic" not in sys.modules     # a run leaves nothing behind by default
        config.attributes["install"] = True
        alembic_rs.command.upgrade(config, "head")
        import alembic.command                  # installed from inside env.py: it stays
        assert alembic.command is alembic_rs.command
        alembic.command.upgrade(Config({str(ini)!r}), "head")
        import alembic.config
        assert alembic.config.Config is Config
        print("ok")
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


CONFTEST = """
import os
import sys
import uuid

import alembic_rs

# before pytest-alembic imports alembic: it is loaded below, not by its entry point
alembic_rs.install_as_alembic()
pytest_plugins = ["pytest_alembic.plugin"]

import pytest
import sqlalchemy as sa

sys.path.insert(0, {tests!r})
from pgserver import get_pg_server


@pytest.fixture
def alembic_config():
    return {{"file": {ini!r}}}


@pytest.fixture
def alembic_engine():
    server = get_pg_server()
    name = "pytest_alembic_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(server.url("psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{{name}}"')
    # the sample env.py connects through DATABASE_URL_DIRECT (asyncpg), as in its CI
    os.environ["DATABASE_URL_DIRECT"] = server.url("asyncpg", name)
    engine = sa.create_engine(server.url("psycopg", name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{{name}}" WITH (FORCE)')
    admin.dispose()
"""

# pytest-alembic's default tests that need no autogenerate; test_model_definitions_match_ddl
# compares the models with the migrated schema, which needs autogenerate (not in alembic-rs)
DEFAULT_TESTS = ["test_single_head_revision", "test_upgrade", "test_up_down_consistency"]

# imported as pytest-alembic documents it, rather than through --test-alembic, whose
# collector (0.13.1) fails under pytest 9
TEST_MODULE = f"from pytest_alembic.tests import {', '.join(DEFAULT_TESTS)}  # noqa: F401\n"


def test_pytest_alembic_default_tests_pass_on_the_sample_project(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        CONFTEST.format(tests=str(ROOT / "tests"), ini=str(SAMPLE_INI))
    )
    (tmp_path / "test_migrations.py").write_text(TEST_MODULE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:pytest_alembic", "-p", "no:cacheprovider"]
        + ["-c", "pytest.ini", "-v", "test_migrations.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    for name in DEFAULT_TESTS:
        assert f"test_migrations.py::{name} PASSED" in output, output
    assert "3 passed" in output, output
