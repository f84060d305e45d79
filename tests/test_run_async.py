"""``op.run_async``: an async function runs on the migration's connection and transaction.

The same projects run with real alembic 1.20.1 and with alembic-rs, each on a fresh database
of its own (PostgreSQL through asyncpg, SQLite through aiosqlite, MariaDB through aiomysql),
and must leave the same schema and data. alembic-rs runs the migrations on its native
connection there (the log line ``Executor: native`` proves it), where ``op.run_async`` gets an
``AsyncConnection`` over that connection, as ``op.get_bind()`` gets a ``Connection``.

Two env.py shapes where alembic supports ``run_async``: the seed's async env.py
(``await connection.run_sync(do_run_migrations)``), and a sync env.py handed the connection
by a program that calls ``command.upgrade`` inside ``run_sync`` (alembic's cookbook). Then
the cases only alembic-rs can run (the migration outside SQLAlchemy's greenlet), a failing
statement inside the async function, a sync engine, ``--sql``, and the connection env.py
gives when it is already inside a transaction (the SQLAlchemy executor).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from difftools import LOGGING_INI, alembic_cmd, ours_cmd, run

ASYNC_DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite", "mysql": "aiomysql"}


# the seed's env.py, trimmed: an async engine, the migrations inside run_sync
ASYNC_ENV_PY = """
import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import async_engine_from_config

config = context.config
fileConfig(config.config_file_name)


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection):
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations():
    connectable = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
"""

# alembic's cookbook "programmatic API use (connection sharing) with asyncio": a sync
# env.py, given the connection by the program below
SYNC_ENV_PY = """
from logging.config import fileConfig

from alembic import context

config = context.config
fileConfig(config.config_file_name)
context.configure(connection=config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
"""

PROGRAM = """
import asyncio
import sys

from sqlalchemy.ext.asyncio import create_async_engine

tool, ini, url = sys.argv[1:]
if tool == "ours":
    from alembic_rs import Config, command
else:
    from alembic import command
    from alembic.config import Config


def run_upgrade(connection, cfg):
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


async def main():
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(run_upgrade, Config(ini))
    await engine.dispose()


asyncio.run(main())
"""

# a sync engine (alembic: ValueError), the URL read from the ini
SYNC_ENGINE_ENV_PY = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
"""

HEADER = """
import sqlalchemy as sa
from alembic import op

revision = {rev!r}
down_revision = {down!r}


def downgrade():
    pass

"""

R1 = """
def upgrade():
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
    )
    op.execute("INSERT INTO account (id, name) VALUES (1, 'ada'), (2, 'bob')")
"""

# DDL and data through the AsyncConnection; reads of what r1 and this migration made
# before it (uncommitted on PostgreSQL); a value back that op.execute then uses
R2 = """
async def fill_ledger(conn, per_account):
    await conn.execute(
        sa.text(
            "CREATE TABLE ledger (id INTEGER PRIMARY KEY, account_id INTEGER, amount INTEGER)"
        )
    )
    accounts = (await conn.execute(sa.text("SELECT id FROM account ORDER BY id"))).scalars().all()
    n = 0
    for account in accounts:
        for i in range(per_account):
            n += 1
            await conn.execute(
                sa.text("INSERT INTO ledger (id, account_id, amount) VALUES (:id, :a, :amt)"),
                {"id": n, "a": account, "amt": 10 * account + i},
            )
    notes = (await conn.execute(sa.text("SELECT body FROM note"))).scalars().all()
    total = (await conn.execute(sa.text("SELECT SUM(amount) FROM ledger"))).scalar_one()
    return int(total), list(notes)


def upgrade():
    op.create_table("note", sa.Column("body", sa.String(40)))
    op.execute("INSERT INTO note (body) VALUES ('written before run_async')")
    total, notes = op.run_async(fill_ledger, per_account=3)
    op.execute(f"INSERT INTO note (body) VALUES ('total {total}, saw {len(notes)} note')")
    op.add_column("ledger", sa.Column("memo", sa.String(20), server_default="ok"))
"""

R3 = """
def upgrade():
    op.create_table("r3_marker", sa.Column("id", sa.Integer, primary_key=True))
"""

# inserts, then a statement that fails: the migration fails and rolls back
R2_FAILS = """
async def broken(conn):
    await conn.execute(sa.text("INSERT INTO account (id, name) VALUES (3, 'cyd')"))
    await conn.execute(sa.text("INSERT INTO no_such_table (id) VALUES (1)"))


def upgrade():
    op.execute("UPDATE account SET name = 'ADA' WHERE id = 1")
    op.run_async(broken)
"""


# -- databases -------------------------------------------------------------------------------


@pytest.fixture(params=["postgresql", "sqlite", "mysql"], ids=["postgresql", "sqlite", "mariadb"])
def new_db(request: pytest.FixtureRequest, make_db: Any) -> Callable[[], str]:
    """``new_db()`` makes an empty database and gives its sync URL (see ``async_url``)."""
    return lambda: make_db(request.param).url


def async_url(url: str) -> str:
    """The same database through the backend's asyncio driver."""
    u = sa.make_url(url)
    return u.set(
        drivername=f"{u.get_backend_name()}+{ASYNC_DRIVERS[u.get_backend_name()]}"
    ).render_as_string(hide_password=False)


def dump(url: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each table's columns and sorted rows, as comparable text."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            state = {}
            for t in sorted(inspector.get_table_names()):
                columns = [c["name"] for c in inspector.get_columns(t)]
                rows = conn.execute(sa.text(f"SELECT * FROM {t}")).fetchall()
                state[t] = (columns, sorted([[repr(v) for v in r] for r in rows]))
            return state
    finally:
        engine.dispose()


# -- projects ----------------------------------------------------------------------------------


def write_project(root: Path, url: str, env_py: str, bodies: list[str]) -> Path:
    """A project whose revisions r1, r2 ... have ``bodies``; returns its alembic.ini."""
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(env_py)
    down = None
    for n, body in enumerate(bodies, 1):
        rev = f"r{n}"
        code = HEADER.format(rev=rev, down=down) + textwrap.dedent(body)
        (root / "versions" / f"{rev}.py").write_text(code)
        down = rev
    ini = root / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {root}\nsqlalchemy.url = {url}\n" + LOGGING_INI)
    return ini


def upgrade(tool: str, ini: Path, env_kind: str, url: str) -> subprocess.CompletedProcess[str]:
    """``upgrade head`` with alembic or alembic-rs: the CLI (async env.py) or the program
    that shares its connection with the sync env.py."""
    if env_kind == "async-env":
        argv = [
            *(ours_cmd() if tool == "ours" else alembic_cmd()),
            "-c",
            str(ini),
            "upgrade",
            "head",
        ]
    else:
        argv = [sys.executable, "-c", PROGRAM, tool, str(ini), url]
    return subprocess.run(
        argv, capture_output=True, text=True, cwd=ini.parent, check=False, timeout=120
    )


def assert_native(proc: subprocess.CompletedProcess[str]) -> None:
    """alembic-rs ran the migrations on its native connection."""
    assert re.search(r"Executor: native$", proc.stderr, re.M), proc.stderr


ENV_KINDS = {"async-env": ASYNC_ENV_PY, "sync-env-shared-connection": SYNC_ENV_PY}


# -- on the native executor, against alembic ----------------------------------------------------


@pytest.mark.parametrize("env_kind", list(ENV_KINDS))
def test_run_async_on_the_native_connection_matches_alembic(
    new_db: Callable[[], str], tmp_path: Path, env_kind: str
) -> None:
    states = {}
    for tool in ("alembic", "ours"):
        url = new_db()
        ini = write_project(tmp_path / tool, async_url(url), ENV_KINDS[env_kind], [R1, R2, R3])
        proc = upgrade(tool, ini, env_kind, async_url(url))
        assert proc.returncode == 0, proc.stderr
        if tool == "ours":
            assert_native(proc)
        states[tool] = dump(url)
    assert states["ours"] == states["alembic"]
    # what the async function returned reached the script, and the script's later DDL ran
    notes = sorted(r[0] for r in states["ours"]["note"][1])
    assert notes == ["'total 96, saw 1 note'", "'written before run_async'"]
    assert states["ours"]["ledger"][0] == ["id", "account_id", "amount", "memo"]
    assert states["ours"]["alembic_version"][1] == [["'r3'"]]


@pytest.mark.parametrize("env_kind", list(ENV_KINDS))
def test_a_failing_statement_in_run_async_fails_the_migration_as_in_alembic(
    new_db: Callable[[], str], tmp_path: Path, env_kind: str
) -> None:
    states = {}
    for tool in ("alembic", "ours"):
        url = new_db()
        ini = write_project(
            tmp_path / tool, async_url(url), ENV_KINDS[env_kind], [R1, R2_FAILS, R3]
        )
        proc = upgrade(tool, ini, env_kind, async_url(url))
        assert proc.returncode != 0
        assert "no_such_table" in proc.stderr
        if tool == "ours":
            assert_native(proc)
            # named like any failing statement of a migration (FAILED: from the CLI, the
            # MigrationError's message through the API)
            where = tmp_path / "ours" / "versions" / "r2.py"
            assert f"upgrade of revision r2 ({where}) failed: " in proc.stdout + proc.stderr
            assert "[SQL: INSERT INTO no_such_table (id) VALUES (1)]" in proc.stderr
        states[tool] = dump(url)
    assert states["ours"] == states["alembic"]
    if url.startswith("postgresql"):
        # transactional DDL: the whole run is one transaction, and nothing of it stays
        assert states["ours"] == {}
    else:
        # a transaction per migration: r1 stays; r2 (its UPDATE and the async INSERT) is
        # rolled back whole; r3 never ran
        assert states["ours"]["alembic_version"][1] == [["'r1'"]]
        assert states["ours"]["account"][1] == [["1", "'ada'"], ["2", "'bob'"]]


# -- outside SQLAlchemy's greenlet: what only alembic-rs runs ---------------------------------
# alembic needs a connection from env.py; alembic-rs also connects from the URL itself, so the
# migration can run in plain sync code, or inside a running event loop with no greenlet.

URL_ONLY_SYNC_ENV_PY = """
from logging.config import fileConfig
from alembic import context

config = context.config
fileConfig(config.config_file_name)
context.configure(url=config.get_main_option("sqlalchemy.url"))
with context.begin_transaction():
    context.run_migrations()
"""

URL_ONLY_IN_A_LOOP_ENV_PY = """
import asyncio
from logging.config import fileConfig
from alembic import context

config = context.config
fileConfig(config.config_file_name)


async def main():
    # the loop runs while the migrations run, blocking it, with no greenlet to await through
    context.configure(url=config.get_main_option("sqlalchemy.url"))
    with context.begin_transaction():
        context.run_migrations()


asyncio.run(main())
"""


# where the async function ran: its own loop in this thread, or one in a worker thread
WHERE = """
import threading


async def where(conn):
    return threading.current_thread().name


def upgrade():
    op.create_table("ran_on", sa.Column("thread", sa.String(60)))
    op.execute(f"INSERT INTO ran_on (thread) VALUES ('{op.run_async(where)}')")
"""


@pytest.mark.parametrize(
    ("env_py", "thread"),
    [(URL_ONLY_SYNC_ENV_PY, "MainThread"), (URL_ONLY_IN_A_LOOP_ENV_PY, "alembic-rs-run-async")],
    ids=["no-loop", "loop-without-greenlet"],
)
def test_run_async_outside_a_greenlet(
    new_db: Callable[[], str], tmp_path: Path, env_py: str, thread: str
) -> None:
    url = new_db()
    ini = write_project(tmp_path / "ours", async_url(url), env_py, [R1, R2, R3, WHERE])
    proc = upgrade("ours", ini, "async-env", async_url(url))
    assert proc.returncode == 0, proc.stderr
    assert_native(proc)
    state = dump(url)
    [[ran_on]] = state["ran_on"][1]
    assert ran_on.strip("'").startswith(thread)
    assert sorted(r[0] for r in state["note"][1]) == [
        "'total 96, saw 1 note'",
        "'written before run_async'",
    ]
    assert len(state["ledger"][1]) == 6
    assert state["alembic_version"][1] == [["'r4'"]]

    # a failure there fails and rolls back the same way
    url = new_db()
    ini = write_project(tmp_path / "failing", async_url(url), env_py, [R1, R2_FAILS, R3])
    proc = upgrade("ours", ini, "async-env", async_url(url))
    # alembic's process exits 1 there (SQLAlchemy's exception escapes)
    assert proc.returncode == 1
    assert re.search(r"^FAILED: upgrade of revision r2 .* failed: ", proc.stdout, re.M)
    state = dump(url)
    if url.startswith("postgresql"):
        assert state == {}
    else:
        assert state["alembic_version"][1] == [["'r1'"]]
        assert state["account"][1] == [["1", "'ada'"], ["2", "'bob'"]]


# -- where alembic refuses ----------------------------------------------------------------------


def _last_exception_line(stderr: str) -> str:
    return [line for line in stderr.splitlines() if line and not line.startswith(" ")][-1]


def test_a_sync_engine_raises_as_in_alembic(tmp_path: Path) -> None:
    seen = []
    for tool, cmd in (("alembic", alembic_cmd()), ("ours", ours_cmd())):
        db = tmp_path / f"{tool}.db"
        ini = write_project(tmp_path / tool, f"sqlite:///{db}", SYNC_ENGINE_ENV_PY, [R1, R2])
        proc = run(cmd, ["-c", str(ini), "upgrade", "head"], ini.parent)
        with sqlite3.connect(db) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        seen.append((proc.returncode, _last_exception_line(proc.stderr), version))
    assert seen[1] == seen[0]
    assert seen[0][1] == "ValueError: Cannot call run_async with a sync engine"


@pytest.mark.parametrize("driver", ["aiosqlite", "pysqlite"])
def test_sql_mode_fails_as_in_alembic(tmp_path: Path, driver: str) -> None:
    seen = []
    for tool, cmd in (("alembic", alembic_cmd()), ("ours", ours_cmd())):
        url = f"sqlite+{driver}:///{tmp_path / 'unused.db'}"
        ini = write_project(tmp_path / tool, url, ASYNC_ENV_PY, [R1, R2])
        proc = run(cmd, ["-c", str(ini), "upgrade", "head", "--sql"], ini.parent)
        seen.append((proc.returncode, proc.stdout, _last_exception_line(proc.stderr)))
    assert seen[1] == seen[0]
    assert seen[0][0] == 1
    assert "CREATE TABLE account" in seen[0][1]
    if driver == "aiosqlite":
        # alembic's bind is a mock connection of the async dialect, awaited outside a greenlet
        assert seen[0][2].startswith("sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not")
    else:
        assert seen[0][2] == "ValueError: Cannot call run_async with a sync engine"


# -- on the connection env.py gives (the SQLAlchemy executor) ----------------------------------

IN_TRANSACTION_ENV_PY = """
import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

config = context.config
fileConfig(config.config_file_name)


def do_run(connection):
    connection.begin()
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()


async def main():
    engine = create_async_engine(config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(do_run)
    await engine.dispose()


asyncio.run(main())
"""

FILL = """
async def fill(connection, count):
    for i in range(count):
        await connection.execute(sa.text("INSERT INTO t (id) VALUES (:i)"), {"i": i})


def upgrade():
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
    op.run_async(fill, 3)
"""


def test_run_async_on_the_connection_env_py_gives_matches_alembic(tmp_path: Path) -> None:
    seen = []
    for tool, cmd in (("alembic", alembic_cmd()), ("ours", ours_cmd())):
        db = tmp_path / f"{tool}.db"
        ini = write_project(
            tmp_path / tool, f"sqlite+aiosqlite:///{db}", IN_TRANSACTION_ENV_PY, [FILL]
        )
        proc = run(cmd, ["-c", str(ini), "upgrade", "head"], ini.parent)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: sqlalchemy$", proc.stderr, re.M), proc.stderr
        with sqlite3.connect(db) as conn:
            seen.append(
                (
                    conn.execute("SELECT id FROM t ORDER BY id").fetchall(),
                    conn.execute("SELECT version_num FROM alembic_version").fetchall(),
                )
            )
    assert seen[1] == seen[0] == ([(0,), (1,), (2,)], [("r1",)])
