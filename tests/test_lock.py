"""Two deployers, one database: the migration lock (PostgreSQL advisory lock, MySQL GET_LOCK).

Real processes, real servers: two ``alembic-rs upgrade head`` run at once; exactly one
applies each revision and the other waits, then finds nothing to do. A lock held past
the timeout fails with a clear message and applies nothing.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from alembic_rs import _native

ALEMBIC_RS = str(Path(sys.executable).with_name("alembic-rs"))

SERVERS = {
    "postgresql": (
        "postgresql://postgres@127.0.0.1:5432/{db}",
        "postgresql://postgres@127.0.0.1:5432/postgres",
    ),
    "mysql": ("mysql+pymysql://root@127.0.0.1:3306/{db}", "mysql+pymysql://root@127.0.0.1:3306/"),
}

ENV_PY = textwrap.dedent(
    """
    import logging

    from alembic import context
    from sqlalchemy import create_engine, pool

    logging.basicConfig(level=logging.INFO, format="%(levelname)-5.5s [%(name)s] %(message)s")

    config = context.config
    x = context.get_x_argument(as_dictionary=True)
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            migration_lock_timeout=float(x.get("lock_timeout", 600)),
        )
        with context.begin_transaction():
            context.run_migrations()
    """
)

REVISION = textwrap.dedent(
    '''
    """step {n}"""
    from alembic import op

    revision = "r{n}"
    down_revision = {down!r}


    def upgrade():
        op.execute("CREATE TABLE t{n} (id INTEGER)")
        op.execute("{sleep}")


    def downgrade():
        op.execute("DROP TABLE t{n}")
    '''
)

SLEEP = {
    "postgresql": "SELECT pg_sleep(0.5)",
    "mysql": "SELECT SLEEP(0.5)",
    # SQLite has no sleep: count a few million rows instead
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)"
    " SELECT count(*) FROM c",
}


@pytest.fixture(params=[*sorted(SERVERS), "sqlite"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """A three-revision project whose revisions each take half a second."""
    dialect = request.param
    admin = None
    if dialect == "sqlite":
        url = f"sqlite:///{tmp_path / 'lock.db'}"
    else:
        url_template, admin_url = SERVERS[dialect]
        db = f"lock_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {db}")
        url = url_template.format(db=db)
    (tmp_path / "versions").mkdir()
    (tmp_path / "env.py").write_text(ENV_PY)
    (tmp_path / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"
    )
    down = None
    for n in range(1, 4):
        (tmp_path / "versions" / f"r{n}.py").write_text(
            REVISION.format(n=n, down=down, sleep=SLEEP[dialect])
        )
        down = f"r{n}"
    try:
        yield dialect, tmp_path, url
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE {db}")
            admin.dispose()


def _start(project_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [ALEMBIC_RS, *args, "upgrade", "head"],
        cwd=project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _versions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    engine.dispose()
    return rows


def test_concurrent_upgrades_apply_each_revision_once(project: tuple[str, Path, str]) -> None:
    _dialect, project_dir, url = project
    first, second = _start(project_dir), _start(project_dir)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    for n in range(1, 4):
        line = f"Running upgrade {'r' + str(n - 1) if n > 1 else ''} -> r{n}"
        runs = sum(err.count(line) for _out, err in outputs)
        assert runs == 1, (line, outputs)
    assert _versions(url) == ["r3"]


def test_lock_held_past_the_timeout_fails_cleanly(project: tuple[str, Path, str]) -> None:
    _dialect, project_dir, url = project
    holder = _native.Connection.connect(url)
    database = holder.database_name()
    assert holder.acquire_migration_lock(database, None, "alembic_version", 5.0)
    try:
        proc = _start(project_dir, "-x", "lock_timeout=1")
        out, err = proc.communicate(timeout=60)
    finally:
        holder.release_migration_lock(database, None, "alembic_version")
        holder.close()
    assert proc.returncode != 0
    assert "FAILED: Timed out after 1 s waiting for the migration lock" in out, (out, err)
    assert "Running upgrade" not in err
    # nothing was applied, and the lock is free again: a new run does all the work
    done = _start(project_dir)
    _out, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    assert _versions(url) == ["r3"]


def test_lock_can_be_turned_off(project: tuple[str, Path, str]) -> None:
    _dialect, project_dir, url = project
    env_py = project_dir / "env.py"
    env_py.write_text(
        env_py.read_text().replace(
            "connection=connection,", "connection=connection, migration_lock=False,"
        )
    )
    holder = _native.Connection.connect(url)
    database = holder.database_name()
    assert holder.acquire_migration_lock(database, None, "alembic_version", 5.0)
    try:
        proc = _start(project_dir, "-x", "lock_timeout=1")
        _out, err = proc.communicate(timeout=60)
    finally:
        holder.release_migration_lock(database, None, "alembic_version")
        holder.close()
    assert proc.returncode == 0, err
    assert _versions(url) == ["r3"]
