"""``op.batch_alter_table`` as real projects use it: differential against alembic 1.20.1.

Each case is a two-revision project: ``b0`` creates the tables and rows, ``b1`` is the batch
block (upgrade and downgrade). Both programs run it on fresh databases; after ``upgrade head``
and again after ``downgrade b0`` the schema and every row must be the same. Offline, the
``--sql`` text of the same project must be the same (modulo the constraint-line order that
alembic itself takes from a set, see ``test_batch.normalise``). Where alembic fails, we fail
with the same exception line and leave the database as alembic leaves it.
"""

from __future__ import annotations

import difflib
import pprint
import re
import sqlite3
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_batch import ALEMBIC, ALEMBIC_RS, normalise

PG_URL = "postgresql://postgres@127.0.0.1:5432"
MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306"

ENV_PY = """\
import sqlalchemy as sa
from alembic import context

config = context.config
target_metadata = {metadata}
opts = dict(target_metadata=target_metadata, transaction_per_migration={per_migration})
url = config.get_main_option("sqlalchemy.url")
if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **opts)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **opts)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
"""

CONVENTION = """sa.MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})"""

REV = """\
\"\"\"{rev}\"\"\"
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None

NC = {{
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
}}


def upgrade():
{up}

def downgrade():
{down_body}
"""


def _indent(body: str) -> str:
    return textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")


def project(
    root: Path,
    setup: str,
    up: str,
    down: str,
    url: str,
    convention: bool = False,
    per_migration: bool = False,
) -> Path:
    """``b0`` runs ``setup``; ``b1`` runs the batch ``up`` / ``down``."""
    (root / "versions").mkdir(parents=True, exist_ok=True)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = {root}\nsqlalchemy.url = {url}\n"
    )
    (root / "env.py").write_text(
        ENV_PY.format(metadata=CONVENTION if convention else "None", per_migration=per_migration)
    )
    for rev, down_rev, u, d in (("b0", None, setup, "pass"), ("b1", "b0", up, down)):
        (root / "versions" / f"{rev}.py").write_text(
            REV.format(rev=rev, down=down_rev, up=_indent(u), down_body=_indent(d))
        )
    return root


def run(cmd: list[str], proj: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, "-c", str(proj / "alembic.ini"), *args],
        cwd=proj,
        capture_output=True,
        text=True,
        timeout=120,
    )


def last_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The exception line of a failed run (``FAILED: ...`` or the traceback's last line).

    A database error is reduced to the database's own message: alembic shows SQLAlchemy's
    wrapper (``sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such column``),
    alembic-rs names the revision and step that failed (``FAILED: upgrade of revision ...
    failed: no such column``); the statement that failed is the same.
    """
    lines = [ln for ln in (done.stderr + done.stdout).splitlines() if ln.strip()]
    line = lines[-1] if lines else ""
    for ln in reversed(lines):
        if ln.startswith("FAILED:") or re.match(r"^[\w.]+(Error|Exception)\b", ln):
            line = ln
            break
    db = re.match(r"^sqlalchemy\.exc\.\w+: \([\w.]+\) (.*)$", line)
    if db:
        # pymysql: (1901, "message")
        mysql = re.match(r"^\(\d+, [\"'](.*)[\"']\)$", db.group(1))
        return f"database error: {mysql.group(1) if mysql else db.group(1)}"
    ours = re.match(r"^FAILED: (?:upgrade|downgrade) of revision \S+ \(.*?\) failed: (.*)$", line)
    if ours:
        return f"database error: {ours.group(1)}"
    return line


# --- snapshots per dialect ------------------------------------------------------------------


def sqlite_snapshot(url: str) -> Any:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        schema = conn.execute(
            "select type, name, tbl_name, sql from sqlite_master "
            "where tbl_name != 'alembic_version' order by type, name"
        ).fetchall()
        rows = {
            t: conn.execute(f'select * from "{t}" order by 1').fetchall()
            for (t,) in conn.execute(
                "select name from sqlite_master where type = 'table' and name != 'alembic_version'"
            )
        }
        version = conn.execute("select * from alembic_version").fetchall()
    finally:
        conn.close()
    schema = [(*r[:3], normalise(r[3].replace("\t", "    ")) if r[3] else r[3]) for r in schema]
    return schema, rows, version


def pg_snapshot(url: str) -> Any:
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [
        ln
        for ln in dump.splitlines()
        if ln.strip() and not ln.startswith(("--", "\\restrict", "\\unrestrict", "SET "))
    ]
    return lines, _rows(url)


def mysql_snapshot(url: str) -> Any:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        tables = sorted(r[0] for r in conn.exec_driver_sql("show tables"))
        ddl = {
            t: re.sub(
                r" AUTO_INCREMENT=\d+",
                "",
                conn.exec_driver_sql(f"show create table `{t}`").fetchone()[1],
            )
            for t in tables
        }
    engine.dispose()
    return ddl, _rows(url)


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    out = {}
    with engine.connect() as conn:
        for t in sa.inspect(conn).get_table_names():
            q = conn.dialect.identifier_preparer.quote(t)
            out[t] = [tuple(r) for r in conn.exec_driver_sql(f"select * from {q} order by 1")]
    engine.dispose()
    return out


SNAPSHOT = {"sqlite": sqlite_snapshot, "postgresql": pg_snapshot, "mysql": mysql_snapshot}


@pytest.fixture()
def databases(make_db: Any) -> Any:
    """``new(dialect)``: a fresh empty database URL; all are dropped at the end."""

    def new(dialect: str) -> str:
        # libpq's form for PostgreSQL: pg_dump takes the same URL
        return make_db(dialect).url.replace("postgresql+psycopg://", "postgresql://")

    return new


def run_both_online(
    tmp_path: Path,
    databases: Any,
    dialect: str,
    setup: str,
    up: str,
    down: str,
    **kw: Any,
) -> list[Any]:
    """Upgrade then downgrade with each program; the snapshots (or failures) of both."""
    results = []
    for name, cmd in (("alembic", ALEMBIC), ("alembic-rs", ALEMBIC_RS)):
        url = databases(dialect)
        proj = project(tmp_path / name, setup, up, down, url, **kw)
        states: list[Any] = []
        for args in (("upgrade", "head"), ("downgrade", "b0")):
            done = run(cmd, proj, *args)
            if done.returncode != 0:
                state = SNAPSHOT[dialect](url)
                if dialect == "sqlite" and cmd is ALEMBIC:
                    state = _without_pysqlite_leftovers(state)
                states.append(("failed", last_error_line(done), state))
                break
            states.append(SNAPSHOT[dialect](url))
        results.append(states)
    return results


def _without_pysqlite_leftovers(state: Any) -> Any:
    """alembic's SQLite state after a failed move and copy, minus the empty temp table.

    pysqlite begins its transaction only at the first INSERT, so the CREATE TABLE of
    ``_alembic_tmp_<name>`` is committed when it runs, and stays after the rollback.
    alembic-rs runs the step in one real transaction: nothing stays.
    """
    schema, rows, version = state
    left = [t for t in rows if t.startswith("_alembic_tmp_")]
    assert all(rows[t] == [] for t in left)
    schema = [r for r in schema if not r[2].startswith("_alembic_tmp_")]
    return schema, {t: r for t, r in rows.items() if t not in left}, version


def offline_both(
    tmp_path: Path, setup: str, up: str, down: str, url: str, **kw: Any
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    out = []
    for name, cmd in (("alembic", ALEMBIC), ("alembic-rs", ALEMBIC_RS)):
        proj = project(tmp_path / f"off-{name}", setup, up, down, url, **kw)
        out.append(run(cmd, proj, "upgrade", "head", "--sql"))
    return out[0], out[1]


def assert_same(ours: Any, theirs: Any) -> None:
    """Equal, or fail with a unified diff of the two pretty-printed states."""
    if ours == theirs:
        return
    a = pprint.pformat(theirs, width=100).splitlines()
    b = pprint.pformat(ours, width=100).splitlines()
    diff = "\n".join(difflib.unified_diff(a, b, "alembic", "alembic-rs", lineterm="", n=2))
    pytest.fail(f"alembic-rs differs from alembic:\n{diff}", pytrace=False)


def assert_same_offline(theirs: Any, ours: Any) -> None:
    assert (theirs.returncode == 0) == (ours.returncode == 0), (theirs.stderr, ours.stderr)
    if theirs.returncode == 0:
        assert_same(normalise(ours.stdout).splitlines(), normalise(theirs.stdout).splitlines())
    else:
        assert_same(last_error_line(ours), last_error_line(theirs))


# --- SQLite, online ------------------------------------------------------------------------

SETUP = """
op.create_table(
    "foo",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(10)),
)
op.create_table(
    "bar",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("foo_id", sa.Integer, sa.ForeignKey("foo.id")),
    sa.Column("x", sa.String(20), unique=True),
    sa.Column("num", sa.String(10)),
    sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_bar_flag")),
    sa.Column("kind", sa.Enum("a", "b", name="kind", create_constraint=True)),
    sa.Column("note", sa.String(30), server_default="n", nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("bar.id", name="fk_bar_parent")),
    sa.Index("ix_bar_num", "num"),
)
op.create_table(
    "baz",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bar_id", sa.Integer, sa.ForeignKey("bar.id", name="fk_baz_bar")),
)
op.execute("insert into foo (id, code) values (1, 'one'), (2, 'two')")
op.execute(
    "insert into bar (id, foo_id, x, num, flag, kind, note, parent_id) values "
    "(1, 1, 'p', '12', 1, 'a', 'first', NULL), (2, 2, 'q', '007', 0, 'b', 'second', 1), "
    "(3, NULL, NULL, NULL, NULL, NULL, 'third', 2)"
)
op.execute("insert into baz (id, bar_id) values (1, 1), (2, 3)")
"""

# (upgrade, downgrade); every case runs online on SQLite
SQLITE_CASES: dict[str, tuple[str, str]] = {
    "naming_convention_drop_unnamed_fk_and_uq": (
        """
        with op.batch_alter_table("bar", naming_convention=NC) as b:
            b.drop_constraint("fk_bar_foo_id_foo", type_="foreignkey")
            b.drop_constraint("uq_bar_x", type_="unique")
        """,
        """
        with op.batch_alter_table("bar", naming_convention=NC) as b:
            b.create_foreign_key("fk_bar_foo_id_foo", "foo", ["foo_id"], ["id"])
            b.create_unique_constraint("uq_bar_x", ["x"])
        """,
    ),
    "naming_convention_unnamed_left_alone": (
        """
        with op.batch_alter_table("bar", naming_convention=NC) as b:
            b.alter_column("note", nullable=True)
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("note", nullable=False)
        """,
    ),
    "drop_unnamed_fk_without_convention_fails": (
        """
        with op.batch_alter_table("bar") as b:
            b.drop_constraint("fk_bar_foo_id_foo", type_="foreignkey")
        """,
        "pass",
    ),
    "alter_string_to_integer_with_data": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("num", type_=sa.Integer, existing_type=sa.String(10))
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("num", type_=sa.String(10), existing_type=sa.Integer)
        """,
    ),
    "alter_boolean_to_integer": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column(
                "flag", type_=sa.Integer,
                existing_type=sa.Boolean(create_constraint=True, name="ck_bar_flag"),
            )
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column(
                "flag", type_=sa.Boolean(create_constraint=True, name="ck_bar_flag"),
                existing_type=sa.Integer,
            )
        """,
    ),
    "alter_enum_values": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column(
                "kind",
                type_=sa.Enum("a", "b", "c", name="kind", create_constraint=True),
                existing_type=sa.Enum("a", "b", name="kind", create_constraint=True),
            )
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column(
                "kind",
                type_=sa.Enum("a", "b", name="kind", create_constraint=True),
                existing_type=sa.Enum("a", "b", "c", name="kind", create_constraint=True),
            )
        """,
    ),
    "rename_boolean_column": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column(
                "flag", new_column_name="is_on",
                existing_type=sa.Boolean(create_constraint=True, name="ck_bar_flag"),
            )
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("is_on", new_column_name="flag", existing_type=sa.Boolean())
        """,
    ),
    "add_boolean_column_with_check": (
        """
        with op.batch_alter_table("bar") as b:
            b.add_column(
                sa.Column("active", sa.Boolean(create_constraint=True, name="ck_active"),
                          server_default=sa.true(), nullable=False)
            )
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.drop_column("active")
        """,
    ),
    "nullable_and_server_default": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("note", nullable=True, server_default=None)
            b.alter_column("x", server_default=sa.text("'dflt'"))
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("note", nullable=False, server_default="n")
            b.alter_column("x", server_default=None)
        """,
    ),
    "rename_and_type_change": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("num", new_column_name="number", type_=sa.Integer)
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("number", new_column_name="num", type_=sa.String(10))
        """,
    ),
    "drop_indexed_and_unique_columns": (
        """
        with op.batch_alter_table("bar") as b:
            b.drop_index("ix_bar_num")
            b.drop_column("num")
            b.drop_column("x")
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.add_column(sa.Column("x", sa.String(20)))
            b.add_column(sa.Column("num", sa.String(10)))
            b.create_unique_constraint("uq_bar_x", ["x"])
            b.create_index("ix_bar_num", ["num"])
        """,
    ),
    "drop_indexed_column_keeping_index_fails": (
        """
        with op.batch_alter_table("bar") as b:
            b.drop_column("num")
        """,
        "pass",
    ),
    "insert_after_without_recreate_fails": (
        """
        with op.batch_alter_table("bar") as b:
            b.add_column(sa.Column("a1", sa.String(5)), insert_after="x")
        """,
        "pass",
    ),
    "insert_before_after_and_reorder": (
        """
        with op.batch_alter_table("bar", recreate="always") as b:
            b.add_column(sa.Column("a0", sa.Integer), insert_before="id")
            b.add_column(sa.Column("a1", sa.String(5)), insert_after="x")
            b.add_column(sa.Column("a2", sa.Integer), insert_after="a1")
        """,
        """
        with op.batch_alter_table(
            "bar", partial_reordering=[("id", "note", "x")]
        ) as b:
            b.drop_column("a0")
            b.drop_column("a1")
            b.drop_column("a2")
        """,
    ),
    "recreate_always_noop": (
        """
        with op.batch_alter_table("bar", recreate="always") as b:
            pass
        """,
        """
        with op.batch_alter_table("baz", recreate="always") as b:
            pass
        """,
    ),
    "copy_from_online": (
        """
        t = sa.Table(
            "foo", sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(10)),
        )
        with op.batch_alter_table("foo", copy_from=t) as b:
            b.alter_column("code", type_=sa.String(40), nullable=False)
        """,
        """
        with op.batch_alter_table("foo") as b:
            b.alter_column("code", type_=sa.String(10), nullable=True)
        """,
    ),
    "table_kwargs_autoincrement": (
        """
        with op.batch_alter_table(
            "baz", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as b:
            b.add_column(sa.Column("extra", sa.Integer))
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.drop_column("extra")
        """,
    ),
    "reflect_args_override_type": (
        """
        with op.batch_alter_table(
            "bar", reflect_args=[sa.Column("num", sa.Integer)]
        ) as b:
            b.alter_column("note", nullable=True)
        """,
        """
        with op.batch_alter_table("bar", reflect_args=[sa.Column("num", sa.String(10))]) as b:
            b.alter_column("note", nullable=False)
        """,
    ),
    "referenced_table_recreated": (
        """
        with op.batch_alter_table("foo") as b:
            b.alter_column("code", new_column_name="label")
        with op.batch_alter_table("baz") as b:
            b.drop_constraint("fk_baz_bar", type_="foreignkey")
            b.create_foreign_key("fk_baz_bar2", "bar", ["bar_id"], ["id"], ondelete="CASCADE")
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.drop_constraint("fk_baz_bar2", type_="foreignkey")
            b.create_foreign_key("fk_baz_bar", "bar", ["bar_id"], ["id"])
        with op.batch_alter_table("foo") as b:
            b.alter_column("label", new_column_name="code")
        """,
    ),
    "self_referential_fk": (
        """
        with op.batch_alter_table("bar") as b:
            b.drop_constraint("fk_bar_parent", type_="foreignkey")
            b.create_foreign_key("fk_bar_parent2", "bar", ["parent_id"], ["id"],
                                 ondelete="SET NULL")
            b.alter_column("parent_id", new_column_name="up_id")
        """,
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("up_id", new_column_name="parent_id")
            b.drop_constraint("fk_bar_parent2", type_="foreignkey")
            b.create_foreign_key("fk_bar_parent", "bar", ["parent_id"], ["id"])
        """,
    ),
    "no_such_column_fails": (
        """
        with op.batch_alter_table("bar") as b:
            b.alter_column("nope", nullable=True)
        """,
        "pass",
    ),
    "unnamed_constraint_fails": (
        """
        with op.batch_alter_table("bar") as b:
            b.create_unique_constraint(None, ["num"])
        """,
        "pass",
    ),
}


@pytest.mark.parametrize("case", sorted(SQLITE_CASES))
def test_sqlite_online(tmp_path: Path, databases: Any, case: str) -> None:
    up, down = SQLITE_CASES[case]
    theirs, ours = run_both_online(tmp_path, databases, "sqlite", SETUP, up, down)
    assert_same(ours, theirs)
    assert len(theirs) == (1 if case.endswith("_fails") else 2)


CONVENTION_CASES: dict[str, tuple[str, str]] = {
    "create_unnamed_in_batch": (
        """
        with op.batch_alter_table("baz") as b:
            b.add_column(sa.Column("foo_id", sa.Integer))
            b.create_foreign_key(None, "foo", ["foo_id"], ["id"])
            b.create_unique_constraint(None, ["foo_id"])
            b.create_check_constraint("pos", "bar_id > 0")
            b.create_index(None, ["bar_id"])
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.drop_index("ix_baz_bar_id")
            b.drop_constraint("ck_baz_pos", type_="check")
            b.drop_constraint("uq_baz_foo_id", type_="unique")
            b.drop_constraint("fk_baz_foo_id_foo", type_="foreignkey")
            b.drop_column("foo_id")
        """,
    ),
    "add_column_with_fk_and_boolean": (
        """
        with op.batch_alter_table("baz") as b:
            b.add_column(sa.Column("foo_id", sa.Integer, sa.ForeignKey("foo.id")))
            b.add_column(sa.Column("on", sa.Boolean(create_constraint=True, name="on")))
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.drop_constraint("fk_baz_foo_id_foo", type_="foreignkey")
            b.drop_column("foo_id")
            b.drop_column("on")
        """,
    ),
}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
@pytest.mark.parametrize("case", sorted(CONVENTION_CASES))
def test_target_metadata_convention_online(
    tmp_path: Path, databases: Any, case: str, dialect: str
) -> None:
    up, down = CONVENTION_CASES[case]
    theirs, ours = run_both_online(
        tmp_path, databases, dialect, PORTABLE_SETUP, up, down, convention=True
    )
    assert_same(ours, theirs)
    assert len(theirs) == 2


def test_sqlite_transaction_per_migration(tmp_path: Path, databases: Any) -> None:
    up, down = SQLITE_CASES["rename_and_type_change"]
    theirs, ours = run_both_online(
        tmp_path, databases, "sqlite", SETUP, up, down, per_migration=True
    )
    assert_same(ours, theirs)
    assert len(theirs) == 2


def test_sqlite_failure_rolls_back_like_alembic(tmp_path: Path, databases: Any) -> None:
    """A failing second block: alembic's transactional DDL on SQLite keeps nothing."""
    up = """
    with op.batch_alter_table("bar") as b:
        b.drop_column("kind")
    with op.batch_alter_table("bar") as b:
        b.drop_column("nope")
    """
    theirs, ours = run_both_online(tmp_path, databases, "sqlite", SETUP, up, "pass")
    assert_same(ours, theirs)
    assert theirs[0][0] == "failed"


# --- PostgreSQL and MariaDB -----------------------------------------------------------------

PORTABLE_SETUP = """
op.create_table(
    "foo",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(10)),
)
op.create_table(
    "baz",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bar_id", sa.Integer),
    sa.Column("num", sa.String(10)),
    sa.Column("note", sa.String(30), server_default="n", nullable=False),
)
op.execute("insert into foo (id, code) values (1, 'one'), (2, 'two')")
op.execute("insert into baz (id, bar_id, num, note) values (1, 1, '12', 'a'), (2, 2, '7', 'b')")
"""

SERVER_CASES: dict[str, tuple[str, str]] = {
    "alters": (
        """
        with op.batch_alter_table("baz") as b:
            b.alter_column("num", type_=sa.Integer, existing_type=sa.String(10),
                           postgresql_using="num::integer")
            b.alter_column("note", nullable=True, server_default=None,
                           existing_type=sa.String(30))
            b.add_column(sa.Column("flag", sa.Boolean, server_default=sa.false()))
            b.create_index("ix_baz_num", ["num"])
            b.create_foreign_key("fk_baz_foo", "foo", ["bar_id"], ["id"])
            b.create_check_constraint("ck_baz_id", "bar_id > 0")
            b.create_unique_constraint("uq_baz_num", ["num"])
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.drop_constraint("uq_baz_num", type_="unique")
            b.drop_constraint("ck_baz_id", type_="check")
            b.drop_constraint("fk_baz_foo", type_="foreignkey")
            b.drop_index("ix_baz_num")
            b.drop_column("flag")
            b.alter_column("note", nullable=False, server_default="n",
                           existing_type=sa.String(30))
            b.alter_column("num", type_=sa.String(10), existing_type=sa.Integer)
        """,
    ),
    "rename_column": (
        """
        with op.batch_alter_table("baz") as b:
            b.alter_column("num", new_column_name="number", existing_type=sa.String(10))
        """,
        """
        with op.batch_alter_table("baz") as b:
            b.alter_column("number", new_column_name="num", existing_type=sa.String(10))
        """,
    ),
    "recreate_always": (
        """
        with op.batch_alter_table("baz", recreate="always") as b:
            b.alter_column("num", type_=sa.String(40))
            b.add_column(sa.Column("extra", sa.Integer), insert_after="id")
        """,
        """
        with op.batch_alter_table("baz", recreate="always") as b:
            b.drop_column("extra")
            b.alter_column("num", type_=sa.String(10))
        """,
    ),
}


SERVER_ONLINE = [
    (case, dialect) for case in sorted(SERVER_CASES) for dialect in ("postgresql", "mysql")
]


@pytest.mark.parametrize(("case", "dialect"), SERVER_ONLINE)
def test_server_online(tmp_path: Path, databases: Any, dialect: str, case: str) -> None:
    up, down = SERVER_CASES[case]
    theirs, ours = run_both_online(tmp_path, databases, dialect, PORTABLE_SETUP, up, down)
    assert_same(ours, theirs)
    assert len(theirs) == 2


# --- offline --------------------------------------------------------------------------------

COPY_FROM = """
baz = sa.Table(
    "baz", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("bar_id", sa.Integer),
    sa.Column("num", sa.String(10)),
    sa.Column("note", sa.String(30), server_default="n", nullable=False),
    sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_baz_flag")),
)
"""

OFFLINE_CASES: dict[str, str] = {
    "alters": SERVER_CASES["alters"][0],
    "rename_column": SERVER_CASES["rename_column"][0],
    "copy_from_recreate": COPY_FROM
    + """
with op.batch_alter_table("baz", copy_from=baz, recreate="always") as b:
    b.alter_column("num", type_=sa.Integer, new_column_name="number")
    b.alter_column("flag", type_=sa.Integer, existing_type=baz.c.flag.type)
    b.create_foreign_key("fk_baz_foo", "foo", ["bar_id"], ["id"])
""",
    "copy_from_convention": COPY_FROM
    + """
with op.batch_alter_table("baz", copy_from=baz, recreate="always") as b:
    b.create_unique_constraint(None, ["num"])
    b.create_foreign_key(None, "foo", ["bar_id"], ["id"])
""",
    "copy_from_keeps_type_checks": COPY_FROM
    + """
with op.batch_alter_table("baz", copy_from=baz) as b:
    b.drop_column("num")
""",
    "copy_from_unnamed_boolean_type_change": """
t = sa.Table(
    "t", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("on", sa.Boolean(create_constraint=True)),
)
with op.batch_alter_table("t", copy_from=t, recreate="always") as b:
    b.alter_column("on", type_=sa.Integer, existing_type=sa.Boolean(create_constraint=True))
""",
    "no_copy_from": """
with op.batch_alter_table("baz", recreate="always") as b:
    b.drop_column("num")
""",
}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
@pytest.mark.parametrize("case", sorted(OFFLINE_CASES))
def test_offline(tmp_path: Path, dialect: str, case: str) -> None:
    url = {
        "sqlite": f"sqlite:///{tmp_path / 'x.db'}",
        "postgresql": f"{PG_URL}/nowhere",
        "mysql": f"{MYSQL_URL}/nowhere",
    }[dialect]
    theirs, ours = offline_both(
        tmp_path, PORTABLE_SETUP, OFFLINE_CASES[case], "pass", url, convention=True
    )
    assert_same_offline(theirs, ours)
    # without copy_from, a block that needs the move and copy cannot run offline
    if case == "copy_from_unnamed_boolean_type_change":
        # the convention's ck name needs the type's name: nothing is dropped, no error
        assert theirs.returncode == 0
        return
    needs_reflection = case == "no_copy_from" or (
        dialect == "sqlite" and not case.startswith("copy_from")
    )
    assert (theirs.returncode == 0) == (not needs_reflection)
