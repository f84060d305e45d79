"""``MigrationContext.configure()`` and ``Operations(context)`` outside env.py, as
applications and test fixtures use them, against real alembic: the current revision of a
database, operations run on the application's own connection (committed or rolled back by
it), and operations turned into SQL text for a dialect.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import alembic.operations
import alembic.runtime.migration
import alembic.util
import pytest
import sqlalchemy as sa

from alembic_rs import util as rs_util
from alembic_rs.operations import Operations
from alembic_rs.runtime.migration import MigrationContext

TOOLS = {
    "alembic": (alembic.runtime.migration.MigrationContext, alembic.operations.Operations),
    "ours": (MigrationContext, Operations),
}


def _ops(op: Any) -> None:
    """Operations an application might run by hand; every kind of statement once."""
    op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False),
        sa.Column("joined", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")),
    )
    op.add_column("account", sa.Column("note", sa.Text))
    op.create_index("ix_account_email", "account", ["email"], unique=True)
    op.bulk_insert(
        sa.table("account", sa.column("id", sa.Integer), sa.column("email", sa.String)),
        [{"id": 1, "email": "a@example.com"}, {"id": 2, "email": "b@example.com"}],
    )
    op.execute("UPDATE account SET note = 'seen' WHERE id = 2")


def _state(url: str) -> dict[str, Any]:
    engine = sa.create_engine(url)
    try:
        insp = sa.inspect(engine)
        tables = sorted(insp.get_table_names())
        out: dict[str, Any] = {
            t: {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)
                ],
                "indexes": sorted((i["name"], i["unique"]) for i in insp.get_indexes(t)),
            }
            for t in tables
        }
        if "account" in tables:
            with engine.connect() as conn:
                out["rows"] = conn.execute(
                    sa.text("SELECT id, email, note FROM account ORDER BY id")
                ).all()
        return out
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request, make_db: Any) -> dict[str, str]:
    """An empty database per tool."""
    return {tool: make_db(request.param).url for tool in TOOLS}


def _on_connection(url: str, tool: str, work: Callable[[Any, Any], Any], commit: bool) -> Any:
    context_cls, operations_cls = TOOLS[tool]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = context_cls.configure(conn)
            result = work(context, operations_cls(context))
            if commit:
                conn.commit()
            return result
    finally:
        engine.dispose()


def test_operations_on_the_applications_connection(two_databases: dict[str, str]) -> None:
    states = {}
    for tool, url in two_databases.items():
        _on_connection(url, tool, lambda _ctx, op: _ops(op), commit=True)
        states[tool] = _state(url)
    assert states["ours"] == states["alembic"]
    assert states["ours"]["rows"] == [(1, "a@example.com", None), (2, "b@example.com", "seen")]


def test_uncommitted_operations_roll_back_with_the_connection(
    two_databases: dict[str, str],
) -> None:
    states = {}
    for tool, url in two_databases.items():
        _on_connection(url, tool, lambda _ctx, op: _ops(op), commit=False)
        states[tool] = _state(url)
    assert states["ours"] == states["alembic"]


def test_current_revision_and_heads(two_databases: dict[str, str]) -> None:
    def read(ctx: Any, _op: Any) -> Any:
        return ctx.get_current_revision(), ctx.get_current_heads()

    seen: dict[str, list[Any]] = {tool: [] for tool in TOOLS}
    for tool, url in two_databases.items():
        # no version table yet; then one head; then two (a branched database)
        seen[tool].append(_on_connection(url, tool, read, commit=False))
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
            )
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('aaa111')")
        seen[tool].append(_on_connection(url, tool, read, commit=False))
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('bbb222')")
        engine.dispose()
        try:
            seen[tool].append(_on_connection(url, tool, read, commit=False))
        except (alembic.util.CommandError, rs_util.CommandError) as e:
            seen[tool].append(("error", str(e)))
    assert seen["ours"] == seen["alembic"]
    assert seen["ours"][0] == (None, ())
    assert seen["ours"][1] == ("aaa111", ("aaa111",))
    assert seen["ours"][2][0] == "error" and "more than one head" in seen["ours"][2][1]


@pytest.mark.parametrize("dialect_name", ["postgresql", "sqlite", "mysql"])
def test_sql_text_for_a_dialect(dialect_name: str) -> None:
    texts = {}
    for tool, (context_cls, operations_cls) in TOOLS.items():
        buf = io.StringIO()
        context = context_cls.configure(
            dialect_name=dialect_name, opts={"as_sql": True, "output_buffer": buf}
        )
        _ops(operations_cls(context))
        texts[tool] = buf.getvalue()
    assert texts["ours"] == texts["alembic"]
    assert "CREATE TABLE account" in texts["ours"]


def test_an_engine_is_refused_as_alembic_refuses_it() -> None:
    engine = sa.create_engine("sqlite://")
    messages = {}
    for tool, (context_cls, _ops_cls) in TOOLS.items():
        with pytest.raises((alembic.util.CommandError, rs_util.CommandError)) as info:
            context_cls.configure(engine)
        messages[tool] = str(info.value)
    assert messages["ours"] == messages["alembic"]
