"""Op objects at work: a real op plugin and env.py overrides of built-in implementations.

Differential against real alembic (run as a subprocess: both tests register
implementations process-wide, as alembic does): the same project runs under both tools on
fresh PostgreSQL databases; schema (pg_dump), data and ``alembic_version`` must match, and
``--sql`` output must be the same text (or fail the same way).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import runtime_projects as rp
from runtime_projects import Revision

ALEMBIC = rp.Tool("alembic", [str(Path(sys.executable).parent / "alembic")])


@pytest.fixture
def ours() -> rp.Tool:
    tool = rp.ours_tool()
    assert tool is not None, "alembic-rs is not installed in the test environment"
    return tool


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[rp.ScratchDatabase, rp.ScratchDatabase]]:
    dbs = (rp.create_database("postgresql", tmp_path), rp.create_database("postgresql", tmp_path))
    try:
        yield dbs
    finally:
        for db in dbs:
            rp.drop_database(db)


def _state(db: rp.ScratchDatabase) -> tuple[object, object, object]:
    return rp.pg_dump(db.name), rp.table_data(db), rp.versions(db)


def _project(root: Path, env_prelude: str, revisions: list[Revision]) -> Path:
    rp.write_project(root, revisions)
    (root / "env.py").write_text(env_prelude + "\n" + rp.ENV_PY)
    return root


def _run_both(
    argv: list[str],
    alembic_root: Path,
    ours_root: Path,
    alembic_url: str,
    ours_url: str,
    ours: rp.Tool,
) -> tuple[rp.Result, rp.Result]:
    theirs = ALEMBIC.run(argv, alembic_root, {rp.URL_ENV: alembic_url})
    mine = ours.run(argv, ours_root, {rp.URL_ENV: ours_url})
    return theirs, mine


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


# -- alembic-postgresql-enum ---------------------------------------------------------------

ENUM_ENV = "import alembic_postgresql_enum  # noqa: F401  (registers op.sync_enum_values ...)\n"

_REF = (
    'TableReference(table_schema="public", table_name="account", column_name="status", '
    "existing_server_default=\"'active'::status\")"
)

ENUM_REVISIONS = [
    Revision(
        "e1",
        None,
        "account with an enum",
        upgrade="""
            account = op.create_table(
                "account",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column(
                    "status",
                    sa.Enum("active", "inactive", name="status"),
                    nullable=False,
                    server_default="active",
                ),
            )
            op.bulk_insert(
                account,
                [
                    {"id": 1, "status": "active"},
                    {"id": 2, "status": "inactive"},
                    {"id": 3, "status": "active"},
                ],
            )
        """,
        downgrade="""
            op.drop_table("account")
            op.execute("DROP TYPE status")
        """,
    ),
    Revision(
        "e2",
        "e1",
        "rename and add enum values",
        imports="from alembic_postgresql_enum import TableReference\n",
        upgrade=f"""
            op.sync_enum_values(
                enum_schema="public",
                enum_name="status",
                new_values=["active", "disabled", "archived"],
                affected_columns=[{_REF}],
                enum_values_to_rename=[("inactive", "disabled")],
            )
        """,
        downgrade=f"""
            op.sync_enum_values(
                enum_schema="public",
                enum_name="status",
                new_values=["active", "inactive"],
                affected_columns=[{_REF}],
                enum_values_to_rename=[("disabled", "inactive")],
            )
        """,
    ),
    Revision(
        "e3",
        "e2",
        "add a value",
        upgrade="""
            op.add_enum_value("public", "status", "suspended", before_value="archived")
        """,
        # the old-style column tuple makes the plugin read the column default through
        # op.get_bind(): a query inside the migration's transaction
        downgrade="""
            op.sync_enum_values(
                "public", "status", ["active", "disabled", "archived"], [("account", "status")]
            )
        """,
    ),
    Revision(
        "e4",
        "e3",
        "drop a value still in use",
        imports="from alembic_postgresql_enum import TableReference\n",
        # rows hold 'active': the cast fails with SQLSTATE 22P02, which the plugin catches
        # as sqlalchemy.exc.DataError and turns into its own ValueError
        upgrade=f"""
            op.sync_enum_values(
                enum_schema="public",
                enum_name="status",
                new_values=["disabled", "archived"],
                affected_columns=[{_REF}],
            )
        """,
    ),
]


def test_enum_plugin_online(tmp_path: Path, two_databases, ours: rp.Tool) -> None:
    a_db, o_db = two_databases
    a_root = _project(tmp_path / "a", ENUM_ENV, ENUM_REVISIONS)
    o_root = _project(tmp_path / "o", ENUM_ENV, ENUM_REVISIONS)

    def both(argv: list[str]) -> tuple[rp.Result, rp.Result]:
        return _run_both(argv, a_root, o_root, a_db.url, o_db.url, ours)

    for target in ("e1", "e2", "e3"):
        theirs, mine = both(["upgrade", target])
        theirs.check()
        mine.check()
        assert _state(o_db) == _state(a_db), target
    assert rp.table_data(o_db)["account"] == [
        ("1", "'active'"),
        ("2", "'disabled'"),
        ("3", "'active'"),
    ]

    # the failing sync: same error, nothing of it left behind
    theirs, mine = both(["upgrade", "e4"])
    assert theirs.returncode != 0 and mine.returncode != 0
    assert "New enum values can not be set" in theirs.stderr
    assert _last_line(mine.stderr) == _last_line(theirs.stderr)
    assert _state(o_db) == _state(a_db)
    assert rp.versions(o_db) == ["e3"]

    for target in ("e2", "e1", "base"):
        theirs, mine = both(["downgrade", target])
        theirs.check()
        mine.check()
        assert _state(o_db) == _state(a_db), target


def test_enum_plugin_offline(tmp_path: Path, ours: rp.Tool) -> None:
    a_root = _project(tmp_path / "a", ENUM_ENV, ENUM_REVISIONS)
    o_root = _project(tmp_path / "o", ENUM_ENV, ENUM_REVISIONS)
    url = rp.offline_url("postgresql")
    # op.get_bind() is a mock connection writing to the output, in both tools
    theirs, mine = _run_both(["upgrade", "e3", "--sql"], a_root, o_root, url, url, ours)
    theirs.check()
    mine.check()
    assert mine.stdout == theirs.stdout
    assert 'ALTER TYPE "public"."status" RENAME TO "status_old"' in mine.stdout
    # reading the column default needs a database: both fail the same way
    theirs, mine = _run_both(["downgrade", "e3:e2", "--sql"], a_root, o_root, url, url, ours)
    assert theirs.returncode != 0 and mine.returncode != 0
    assert "'NoneType' object has no attribute 'scalar'" in theirs.stderr
    assert _last_line(mine.stderr) == _last_line(theirs.stderr)


# -- env.py replaces built-in implementations ---------------------------------------------

OVERRIDE_ENV = '''
import sqlalchemy as sa
from alembic.operations import Operations, ops, toimpl


@Operations.implementation_for(ops.CreateTableOp, replace=True)
def create_table_audited(operations, operation):
    """Every new table gets a created_by column and a comment."""
    operation.columns = [
        *operation.columns,
        sa.Column("created_by", sa.String(40), server_default="migration"),
    ]
    table = toimpl.create_table(operations, operation)
    operations.execute(f"COMMENT ON TABLE {operation.table_name} IS 'audited'")
    return table


@Operations.implementation_for(ops.AddColumnOp, replace=True)
def add_column_indexed(operations, operation):
    """Every added column gets an index."""
    toimpl.add_column(operations, operation)
    name = operation.column.name
    operations.create_index(f"ix_{operation.table_name}_{name}", operation.table_name, [name])
'''

OVERRIDE_REVISIONS = [
    Revision(
        "o1",
        None,
        "items",
        upgrade="""
            item = op.create_table(
                "item",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50)),
            )
            op.bulk_insert(item, [{"id": 1, "name": "bolt"}, {"id": 2, "name": "nut"}])
        """,
        downgrade='op.drop_table("item")',
    ),
    Revision(
        "o2",
        "o1",
        "price",
        upgrade='op.add_column("item", sa.Column("price", sa.Integer, server_default="0"))',
        downgrade='op.drop_column("item", "price")',
    ),
]


def test_replaced_implementations_online(tmp_path: Path, two_databases, ours: rp.Tool) -> None:
    a_db, o_db = two_databases
    a_root = _project(tmp_path / "a", OVERRIDE_ENV, OVERRIDE_REVISIONS)
    o_root = _project(tmp_path / "o", OVERRIDE_ENV, OVERRIDE_REVISIONS)
    for argv in (["upgrade", "head"], ["downgrade", "o1"]):
        theirs, mine = _run_both(argv, a_root, o_root, a_db.url, o_db.url, ours)
        theirs.check()
        mine.check()
        assert _state(o_db) == _state(a_db), argv
        if argv[0] == "upgrade":
            dump = rp.pg_dump(o_db.name)
            assert "created_by character varying(40) DEFAULT 'migration'" in dump
            assert "CREATE INDEX ix_item_price" in dump
            assert "COMMENT ON TABLE public.item IS 'audited'" in dump


def test_replaced_implementations_offline(tmp_path: Path, ours: rp.Tool) -> None:
    a_root = _project(tmp_path / "a", OVERRIDE_ENV, OVERRIDE_REVISIONS)
    o_root = _project(tmp_path / "o", OVERRIDE_ENV, OVERRIDE_REVISIONS)
    url = rp.offline_url("postgresql")
    theirs, mine = _run_both(["upgrade", "head", "--sql"], a_root, o_root, url, url, ours)
    theirs.check()
    mine.check()
    assert mine.stdout == theirs.stdout
    assert "CREATE INDEX ix_item_price ON item (price);" in mine.stdout


def test_replacing_without_replace_fails_like_alembic(tmp_path: Path, ours: rp.Tool) -> None:
    env = OVERRIDE_ENV.replace("ops.CreateTableOp, replace=True", "ops.CreateTableOp")
    a_root = _project(tmp_path / "a", env, OVERRIDE_REVISIONS)
    o_root = _project(tmp_path / "o", env, OVERRIDE_REVISIONS)
    url = rp.offline_url("postgresql")
    theirs, mine = _run_both(["upgrade", "head", "--sql"], a_root, o_root, url, url, ours)
    assert theirs.returncode != 0 and mine.returncode != 0
    assert "use replace=True" in theirs.stderr
    # the class in the message is ours: alembic_rs.operations.ops.CreateTableOp
    assert _last_line(mine.stderr).replace("alembic_rs.", "alembic.") == _last_line(theirs.stderr)
