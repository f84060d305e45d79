"""``op.batch_alter_table``: differential against alembic 1.20.1.

(a) offline ``--sql`` with ``copy_from`` on SQLite: byte-identical, per batch op kind;
(b) online on SQLite files: the same migration run by both leaves the same ``sqlite_master``
    rows (the version table aside) and the same data;
(c) PostgreSQL: batch ops are plain ALTERs, equal to alembic's ``--sql``, and run online.

One normalisation, because alembic itself varies from run to run: the constraint lines of a
recreated table's CREATE TABLE come from iterating a set (``Table.constraints``), so they are
compared as a set (the primary key, always first, stays in place).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ALEMBIC = [str(BIN / "alembic")]
ALEMBIC_RS = [str(BIN / "alembic-rs")]
PG_URL = "postgresql://postgres@127.0.0.1:5432"

ENV_PY = """\
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""

HEADER = """\
\"\"\"batch\"\"\"
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None

account = sa.Table(
    "account",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("old", sa.Integer),
    sa.Column("amount", sa.Numeric(10, 2)),
    sa.Column("user_id", sa.Integer),
    sa.Index("ix_account_name", "name"),
)
"""


def project(tmp_path: Path, body: str, url: str | None = None) -> Path:
    """A project whose one revision's ``upgrade()`` is ``body``."""
    (tmp_path / "versions").mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{tmp_path / 'app.db'}"
    (tmp_path / "alembic.ini").write_text(
        f"[alembic]\nscript_location = {tmp_path}\nsqlalchemy.url = {url}\n"
    )
    (tmp_path / "env.py").write_text(ENV_PY)
    (tmp_path / "versions" / "a1_batch.py").write_text(
        HEADER
        + "\n\ndef upgrade():\n"
        + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
        + "\n\ndef downgrade():\n    pass\n"
    )
    return tmp_path


def run(cmd: list[str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cmd, "-c", str(cwd / "alembic.ini"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


_CONSTRAINT = re.compile(r"^( {4}|\t)(CONSTRAINT |UNIQUE |FOREIGN KEY|CHECK )")


def normalise(sql: str) -> str:
    """Sort the non-primary-key constraint lines of each CREATE TABLE (see module doc)."""
    out: list[str] = []
    block: list[str] = []
    for line in [*sql.split("\n"), ""]:
        if _CONSTRAINT.match(line):
            block.append(line.rstrip(", "))
            continue
        if block:
            out.extend(f"{c}, " for c in sorted(block))
            out[-1] = out[-1][:-2]
            block = []
        out.append(line)
    return "\n".join(out[:-1])


def offline_both(tmp_path: Path, body: str, url: str | None = None) -> tuple[str, str]:
    proj = project(tmp_path, body, url)
    theirs = run(ALEMBIC, proj, "upgrade", "head", "--sql")
    ours = run(ALEMBIC_RS, proj, "upgrade", "head", "--sql")
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    return theirs.stdout, ours.stdout


# --- (a) offline, SQLite, copy_from ------------------------------------------------------

OFFLINE_CASES = {
    "drop_column": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.drop_column("old")
    """,
    "alter_type": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.alter_column("amount", type_=sa.String(20))
    """,
    "alter_type_same_affinity": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.alter_column("name", type_=sa.String(100), existing_type=sa.String(50))
    """,
    "alter_nullable": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.alter_column("name", nullable=True)
    """,
    "alter_rename": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.alter_column("name", new_column_name="full_name")
    """,
    "alter_server_default": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.alter_column("old", server_default="7")
            b.alter_column("amount", server_default=sa.text("0"))
    """,
    "add_unique": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.create_unique_constraint("uq_account_name", ["name"])
    """,
    "add_foreign_key": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.create_foreign_key("fk_account_user", "user", ["user_id"], ["id"], ondelete="CASCADE")
    """,
    "add_check": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.create_check_constraint("ck_account_amount", "amount > 0")
    """,
    "add_primary_key": """
        t = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), sa.Column("b", sa.Integer))
        with op.batch_alter_table("t", copy_from=t) as b:
            b.create_primary_key("pk_t", ["a", "b"])
    """,
    "drop_constraint": """
        t = sa.Table(
            "t", sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("x", sa.Integer),
            sa.UniqueConstraint("x", name="uq_t_x"),
            sa.CheckConstraint("x > 1", name="ck_t_x"),
        )
        with op.batch_alter_table("t", copy_from=t) as b:
            b.drop_constraint("uq_t_x", type_="unique")
    """,
    "create_and_drop_index": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.drop_column("old")
            b.drop_index("ix_account_name")
            b.create_index("ix_account_amount", ["amount"], unique=True)
    """,
    "add_column_insert_before_after": """
        with op.batch_alter_table("account", copy_from=account, recreate="always") as b:
            b.add_column(sa.Column("first", sa.Integer), insert_before="id")
            b.add_column(sa.Column("mid", sa.String(5)), insert_after="name")
            b.add_column(sa.Column("last", sa.Integer, server_default=sa.text("1")))
    """,
    "partial_reordering": """
        with op.batch_alter_table(
            "account", copy_from=account, partial_reordering=[("amount", "name", "id")]
        ) as b:
            b.alter_column("old", nullable=False)
    """,
    "several_ops": """
        op.execute("select 1")
        with op.batch_alter_table("account", copy_from=account) as b:
            b.drop_column("old")
            b.execute("select 2")
            b.alter_column("amount", type_=sa.String(20), new_column_name="amt")
            b.alter_column("name", nullable=True)
            b.create_index("ix_account_amt", ["amount"])
            b.create_foreign_key("fk_user", "user", ["user_id"], ["id"])
            b.create_check_constraint("ck_id", "id > 0")
            b.add_column(sa.Column("z", sa.Boolean, server_default=sa.text("1")), insert_before="name")
    """,
    "recreate_always_add_column": """
        with op.batch_alter_table("account", copy_from=account, recreate="always") as b:
            b.add_column(sa.Column("note", sa.Text))
    """,
    "auto_add_column_and_index_are_alters": """
        with op.batch_alter_table("account", copy_from=account) as b:
            b.add_column(sa.Column("note", sa.Text, server_default="n"))
            b.create_index("ix_note", ["note"])
            b.drop_index("ix_account_name")
    """,
    "table_args_and_schema_names": """
        t = sa.Table(
            "order", sa.MetaData(),
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("Select", sa.String(10)),
        )
        with op.batch_alter_table(
            "order", copy_from=t, table_args=(sa.CheckConstraint("id > 0", name="ck_order"),)
        ) as b:
            b.alter_column("Select", type_=sa.Integer)
    """,
}


@pytest.mark.parametrize("case", sorted(OFFLINE_CASES))
def test_offline_sqlite_copy_from_is_byte_identical(tmp_path: Path, case: str) -> None:
    theirs, ours = offline_both(tmp_path, OFFLINE_CASES[case])
    assert "_alembic_tmp_" in theirs or case.startswith("auto_")
    assert normalise(ours) == normalise(theirs)


def test_offline_without_copy_from_fails_like_alembic(tmp_path: Path) -> None:
    proj = project(
        tmp_path,
        """
        with op.batch_alter_table("account") as b:
            b.drop_column("old")
        """,
    )
    theirs = run(ALEMBIC, proj, "upgrade", "head", "--sql")
    ours = run(ALEMBIC_RS, proj, "upgrade", "head", "--sql")
    assert theirs.returncode != 0 and ours.returncode != 0
    message = "This operation cannot proceed in --sql mode; batch mode with dialect sqlite"
    assert message in theirs.stderr + theirs.stdout
    assert message in ours.stderr + ours.stdout


def test_insert_before_without_recreate_fails_like_alembic(tmp_path: Path) -> None:
    proj = project(
        tmp_path,
        """
        with op.batch_alter_table("account", copy_from=account, recreate="never") as b:
            b.add_column(sa.Column("x", sa.Integer), insert_before="name")
        """,
    )
    theirs = run(ALEMBIC, proj, "upgrade", "head", "--sql")
    ours = run(ALEMBIC_RS, proj, "upgrade", "head", "--sql")
    message = "Can't specify insert_before or insert_after when using ALTER"
    assert message in theirs.stderr + theirs.stdout
    assert message in ours.stderr + ours.stdout


# --- (b) online, SQLite files ------------------------------------------------------------

SETUP = """
op.create_table("user", sa.Column("id", sa.Integer, primary_key=True))
op.create_table(
    "account",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False, server_default="x"),
    sa.Column("old", sa.Integer),
    sa.Column("amount", sa.Numeric(10, 2)),
    sa.Column("created", sa.String(20), server_default=sa.text("'2020-01-01'")),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id", name="fk_user", ondelete="CASCADE")),
    sa.UniqueConstraint("name", name="uq_name"),
    sa.Index("ix_account_name", "name"),
    sa.Index("ix_account_partial", "user_id", sqlite_where=sa.text("user_id > 1")),
)
op.execute("insert into user (id) values (1), (2)")
op.execute(
    "insert into account (id, name, old, amount, user_id) values "
    "(1, 'a', 3, 1.5, 1), (2, 'b', 4, 2.25, NULL), (3, 'c', NULL, NULL, 2)"
)
"""

ONLINE_CASES = {
    "drop_column": """
        with op.batch_alter_table("account") as b:
            b.drop_column("old")
    """,
    "alter_type_rename_nullable": """
        with op.batch_alter_table("account") as b:
            b.alter_column("amount", type_=sa.String(20), new_column_name="amt")
            b.alter_column("name", nullable=True)
    """,
    "constraints": """
        with op.batch_alter_table("account") as b:
            b.drop_constraint("uq_name", type_="unique")
            b.create_check_constraint("ck_id", "id > 0")
            b.create_unique_constraint("uq_name_old", ["name", "old"])
    """,
    "drop_fk_and_index": """
        with op.batch_alter_table("account") as b:
            b.drop_constraint("fk_user", type_="foreignkey")
            b.drop_index("ix_account_name")
            b.create_index("ix_account_amount", ["amount"])
    """,
    "add_columns_ordered": """
        with op.batch_alter_table("account") as b:
            b.alter_column("old", server_default="5")
            b.add_column(sa.Column("first", sa.Integer), insert_before="id")
            b.add_column(sa.Column("flag", sa.Boolean, server_default=sa.text("1")))
    """,
    "native_add_column": """
        with op.batch_alter_table("account") as b:
            b.add_column(sa.Column("note", sa.Text, server_default="n"))
            b.create_index("ix_note", ["note"])
    """,
    "two_blocks": """
        with op.batch_alter_table("account") as b:
            b.drop_column("old")
        with op.batch_alter_table("account") as b:
            b.alter_column("amount", type_=sa.Integer)
            b.create_foreign_key("fk_self", "account", ["user_id"], ["id"])
    """,
}


def _snapshot(db: Path) -> tuple[list[tuple[str, ...]], dict[str, list[tuple[object, ...]]]]:
    conn = sqlite3.connect(db)
    try:
        schema = conn.execute(
            "select type, name, tbl_name, sql from sqlite_master "
            "where tbl_name != 'alembic_version' order by type, name"
        ).fetchall()
        rows = {
            t: conn.execute(f'select * from "{t}" order by 1').fetchall()
            for (t,) in conn.execute("select name from sqlite_master where type = 'table'")
        }
    finally:
        conn.close()
    schema = [(*r[:3], normalise(r[3].replace("\t", "    ")) if r[3] else r[3]) for r in schema]
    return schema, rows


@pytest.mark.parametrize("case", sorted(ONLINE_CASES))
def test_online_sqlite_same_schema_and_rows(tmp_path: Path, case: str) -> None:
    body = SETUP + textwrap.dedent(ONLINE_CASES[case])
    results = []
    for name, cmd in (("alembic", ALEMBIC), ("alembic-rs", ALEMBIC_RS)):
        proj = project(tmp_path / name, body)
        done = run(cmd, proj, "upgrade", "head")
        assert done.returncode == 0, f"{name}: {done.stderr}"
        results.append(_snapshot(proj / "app.db"))
    (their_schema, their_rows), (our_schema, our_rows) = results
    assert our_schema == their_schema
    assert our_rows == their_rows
    assert len(our_rows["account"]) == 3


def test_online_sqlite_tabs_are_kept(tmp_path: Path) -> None:
    """The recreated table's SQL is stored exactly as alembic stores it (tabs included)."""
    body = SETUP + textwrap.dedent(ONLINE_CASES["drop_column"])
    sqls = []
    for name, cmd in (("alembic", ALEMBIC), ("alembic-rs", ALEMBIC_RS)):
        proj = project(tmp_path / name, body)
        assert run(cmd, proj, "upgrade", "head").returncode == 0
        conn = sqlite3.connect(proj / "app.db")
        sqls.append(conn.execute("select sql from sqlite_master where name='account'").fetchone())
        conn.close()
    assert normalise(sqls[0][0]) == normalise(sqls[1][0])
    assert "\t" in sqls[1][0]


# --- (c) PostgreSQL: plain ALTERs ------------------------------------------------------------

PG_BODY = """
op.create_table(
    "account",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("old", sa.Integer),
    sa.Column("amount", sa.Numeric(10, 2)),
    sa.Column("user_id", sa.Integer),
    sa.UniqueConstraint("name", name="uq_name"),
)
op.create_table("user", sa.Column("id", sa.Integer, primary_key=True))
with op.batch_alter_table("account") as b:
    b.drop_column("old")
    b.alter_column("amount", type_=sa.String(20), new_column_name="amt")
    b.alter_column("name", nullable=True, server_default="n")
    b.add_column(sa.Column("note", sa.Text, comment="a note"))
    b.create_index("ix_account_note", ["note"])
    b.create_foreign_key("fk_user", "user", ["user_id"], ["id"])
    b.create_check_constraint("ck_id", "id > 0")
    b.drop_constraint("uq_name", type_="unique")
    b.create_unique_constraint("uq_amt", ["amt"])
    b.create_table_comment("accounts")
    b.drop_index("ix_account_note")
"""


@pytest.fixture()
def pg_database() -> str:
    name = f"batch_{uuid.uuid4().hex[:12]}"
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
        check=True,
        capture_output=True,
    )
    yield f"{PG_URL}/{name}"
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE {name} WITH (FORCE)"],
        check=True,
        capture_output=True,
    )


def test_postgresql_offline_alters_identical(tmp_path: Path, pg_database: str) -> None:
    theirs, ours = offline_both(tmp_path, PG_BODY, url=pg_database)
    assert 'ALTER TABLE account DROP COLUMN "old"' in ours
    assert "_alembic_tmp_" not in ours
    assert ours == theirs


def test_postgresql_online_runs_the_alters(tmp_path: Path, pg_database: str) -> None:
    proj = project(tmp_path, PG_BODY, url=pg_database)
    done = run(ALEMBIC_RS, proj, "upgrade", "head")
    assert done.returncode == 0, done.stderr
    out = subprocess.run(
        [
            "psql",
            pg_database,
            "-tAc",
            "select column_name from information_schema.columns "
            "where table_name = 'account' order by ordinal_position",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out == ["id", "name", "amt", "user_id", "note"]


def test_postgresql_recreate_always_offline_identical(tmp_path: Path, pg_database: str) -> None:
    body = """
    t = sa.Table(
        "account", sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.UniqueConstraint("name", name="uq_name"),
    )
    with op.batch_alter_table("account", copy_from=t, recreate="always") as b:
        b.alter_column("name", type_=sa.Text)
    """
    theirs, ours = offline_both(tmp_path, body, url=pg_database)
    assert "_alembic_tmp_account" in ours
    assert normalise(ours) == normalise(theirs)
