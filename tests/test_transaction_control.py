"""Transaction control from inside a migration behaves as in alembic.

Real projects build concurrent indexes by committing the migration's transaction from the
revision (``op.get_bind().commit()``) and then running the index in
``op.get_context().autocommit_block()``; others commit at the end of env.py's
``begin_transaction()`` block, or use savepoints (``begin_nested``) in data migrations.
Each pattern runs with alembic and with alembic-rs on two fresh PostgreSQL databases, for
each way env.py can hand over its connection (idle, after ``SET`` statements, inside
its own ``connection.begin()``) and with and without ``transaction_per_migration``; the
exit status, the ``FAILED:`` line, ``alembic_version``, the schema and the rows must match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import runtime_projects as rp
from difftools import LOGGING_INI

ENV_PY = """\
import os

import sqlalchemy as sa
from alembic import context

url = os.environ["TC_DB_URL"]
mode = os.environ["TC_MODE"]
per_migration = os.environ.get("TC_TPM") == "1"


def run(connection):
    context.configure(connection=connection, transaction_per_migration=per_migration)
    with context.begin_transaction():
        context.run_migrations()
        if mode == "env_commit":
            # what some env.py files do at the end of the block
            context.get_bind().commit()


engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
with engine.connect() as connection:
    if mode == "sets":
        connection.execute(sa.text("SET lock_timeout = '5s'"))
        connection.execute(sa.text("SET statement_timeout = '60s'"))
        run(connection)
    elif mode == "external":
        with connection.begin():
            run(connection)
    else:
        run(connection)
engine.dispose()
"""

HEADER = '''\
"""{rev}"""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None
'''

# each revision is one pattern users write
REVISIONS = {
    # commit in the middle of the revision, then CONCURRENTLY in an autocommit block
    "commit_then_concurrently": """
def upgrade():
    op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer))
    op.execute("INSERT INTO t1 (id, x) VALUES (1, 10), (2, 20)")
    op.get_bind().commit()
    with op.get_context().autocommit_block():
        op.create_index("ix_t1_x", "t1", ["x"], postgresql_concurrently=True)
    op.add_column("t1", sa.Column("y", sa.Integer))
""",
    # an autocommit block first, then a commit, then more DDL
    "autocommit_then_commit": """
def upgrade():
    op.execute("CREATE TYPE mood AS ENUM ('sad', 'ok')")
    with op.get_context().autocommit_block():
        op.execute("ALTER TYPE mood ADD VALUE 'happy'")
    op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))
    op.get_bind().commit()
    op.create_table("t3", sa.Column("id", sa.Integer, primary_key=True))
""",
    # savepoints in a data migration: one kept, one rolled back after an error
    "savepoints": """
def upgrade():
    op.create_table("t4", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Text))
    bind = op.get_bind()
    with bind.begin_nested():
        bind.execute(sa.text("INSERT INTO t4 (id, v) VALUES (1, 'kept')"))
    try:
        with bind.begin_nested():
            bind.execute(sa.text("INSERT INTO t4 (id, v) VALUES (2, 'gone')"))
            bind.execute(sa.text("INSERT INTO t4 (id, v) VALUES (1, 'duplicate')"))
    except sa.exc.IntegrityError:
        pass
    bind.execute(sa.text("INSERT INTO t4 (id, v) VALUES (3, 'after')"))
""",
    # a plain revision after them all: the run goes on normally
    "plain": """
def upgrade():
    op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))
    op.create_index("ix_t5_id", "t5", ["id"], postgresql_concurrently=False)
""",
}

CHAINS = {
    "concurrently": ["commit_then_concurrently", "plain"],
    "autocommit": ["autocommit_then_commit", "plain"],
    "savepoints": ["savepoints", "plain"],
    "all": ["commit_then_concurrently", "autocommit_then_commit", "savepoints", "plain"],
}


def _write_project(root: Path, chain: list[str]) -> None:
    versions = root / "versions"
    versions.mkdir(parents=True)
    (root / "alembic.ini").write_text("[alembic]\nscript_location = %(here)s\n" + LOGGING_INI)
    (root / "env.py").write_text(ENV_PY)
    (root / "script.py.mako").write_text("")
    down = None
    for i, name in enumerate(chain):
        rev = f"{i + 1:02d}{name[:10]}"
        (versions / f"{rev}.py").write_text(
            HEADER.format(rev=rev, down=down)
            + (REVISIONS[name] + "\n\ndef downgrade():\n    pass\n")
        )
        down = rev


def _error_message(text: str) -> str:
    """The message of the last line of a failed run (a traceback's or a FAILED: line)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].split(": ", 1)[-1] if lines else ""


@pytest.mark.parametrize("tpm", ["0", "1"], ids=["one-transaction", "per-migration"])
@pytest.mark.parametrize("mode", ["plain", "sets", "external", "env_commit"])
@pytest.mark.parametrize("chain", list(CHAINS))
def test_transaction_control_matches_alembic(
    chain: str, mode: str, tpm: str, tmp_path: Path, make_db
) -> None:
    root = tmp_path / "project"
    _write_project(root, CHAINS[chain])
    ours = rp.ours_tool()
    assert ours is not None
    results, dbs = {}, {}
    for tool in (rp.alembic_tool(), ours):
        db = make_db("postgresql")
        dbs[tool.name] = db
        env = {"TC_DB_URL": db.url, "TC_MODE": mode, "TC_TPM": tpm}
        results[tool.name] = tool.run(["upgrade", "head"], root, env)
    a, o = results["alembic"], results["ours"]
    assert o.returncode == a.returncode, (a.stderr, o.stderr)
    if a.returncode != 0:
        # alembic dies with a traceback; ours names the same cause
        message = _error_message(a.stderr)
        if message == "AssertionError":  # alembic's bare assert in autocommit_block()
            message = "autocommit_block() found the connection inside a transaction"
        assert message in o.stdout + o.stderr, (a.stderr, o.stderr)
    else:
        assert "Traceback" not in o.stderr, o.stderr
    assert rp.versions(dbs["ours"]) == rp.versions(dbs["alembic"])
    assert rp.schema(dbs["ours"]) == rp.schema(dbs["alembic"])
    assert rp.table_data(dbs["ours"]) == rp.table_data(dbs["alembic"])
