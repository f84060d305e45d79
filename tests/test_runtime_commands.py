"""Runtime commands beyond upgrade/downgrade, against real alembic on the same project:
``stamp`` (``--purge``, ``--sql``), ``ensure_version``, ``current --check-heads``,
``autocommit_block`` on PostgreSQL, and the SQLAlchemy executor that serves an in-memory
SQLite database (which a second native connection could not see).
"""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from difftools import alembic_cmd, ours_cmd, run

ENV_PY = textwrap.dedent(
    """
    from alembic import context
    from sqlalchemy import create_engine, pool

    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    """
)

REV = textwrap.dedent(
    '''
    """{msg}"""
    import sqlalchemy as sa
    from alembic import op

    revision = {rev!r}
    down_revision = {down!r}


    def upgrade():
    {up}


    def downgrade():
    {down_body}
    '''
)


def _project(root: Path, url: str, revisions: list[tuple[str, str | None, str, str]]) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"
    )
    for rev, down, up, down_body in revisions:
        (root / "versions" / f"{rev}.py").write_text(
            REV.format(
                msg=f"step {rev}",
                rev=rev,
                down=down,
                up=textwrap.indent(up, "    "),
                down_body=textwrap.indent(down_body, "    "),
            )
        )
    return root


CHAIN = [
    (
        "r1",
        None,
        'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))',
        'op.drop_table("a")',
    ),
    ("r2", "r1", 'op.add_column("a", sa.Column("x", sa.String(20)))', 'op.drop_column("a", "x")'),
    ("r3", "r2", 'op.create_index("ix_a_x", "a", ["x"])', 'op.drop_index("ix_a_x", "a")'),
]


def _versions(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        try:
            return sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        except sqlite3.OperationalError:
            return ["<no version table>"]


@pytest.mark.parametrize(
    "commands",
    [
        [["stamp", "r2"]],
        [["stamp", "head"], ["stamp", "r1"]],
        [["upgrade", "r2"], ["stamp", "--purge", "r1"]],
        [["upgrade", "head"], ["stamp", "base"]],
        [["ensure_version"]],
        [["upgrade", "r1"], ["current", "--check-heads"]],
        [["upgrade", "head"], ["current", "--check-heads"]],
    ],
    ids=[
        "stamp",
        "stamp-down",
        "stamp-purge",
        "stamp-base",
        "ensure-version",
        "check-heads-behind",
        "check-heads-ok",
    ],
)
def test_stamp_and_friends_match_alembic(tmp_path: Path, commands: list[list[str]]) -> None:
    results = {}
    for tool, cmd in (("alembic", alembic_cmd()), ("ours", ours_cmd())):
        db = tmp_path / f"{tool}.db"
        root = _project(tmp_path / tool, f"sqlite:///{db}", CHAIN)
        outputs = []
        for argv in commands:
            proc = run(cmd, argv, root)
            failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
            outputs.append((proc.returncode, failed))
        results[tool] = (outputs, _versions(db))
    assert results["ours"] == results["alembic"]


@pytest.mark.parametrize(
    "argv",
    [["stamp", "r2", "--sql"], ["stamp", "r1:r3", "--sql"], ["ensure_version", "--sql"]],
    ids=["stamp", "stamp-range", "ensure-version"],
)
def test_offline_stamp_and_ensure_version(tmp_path: Path, argv: list[str]) -> None:
    root = _project(tmp_path / "p", "sqlite:///unused.db", CHAIN)
    theirs, ours = run(alembic_cmd(), argv, root), run(ours_cmd(), argv, root)
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
    assert ours.stdout == theirs.stdout


def test_in_memory_sqlite_runs_on_the_sqlalchemy_connection(tmp_path: Path) -> None:
    """``sqlite://`` lives in one connection only: the migration must run on the user's."""
    env_py = textwrap.dedent(
        f"""
        from alembic import context
        from sqlalchemy import create_engine, text

        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
            tables = connection.execute(text("SELECT name FROM sqlite_master ORDER BY name")).all()
            version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            with open({str(tmp_path / "seen.txt")!r}, "a") as out:
                out.write(repr((tables, version)) + "\\n")
        """
    )
    seen = []
    for cmd in (alembic_cmd(), ours_cmd()):
        root = _project(tmp_path / str(len(seen)), "sqlite://", CHAIN)
        (root / "env.py").write_text(env_py)
        proc = run(cmd, ["upgrade", "head"], root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        seen.append((tmp_path / "seen.txt").read_text().splitlines()[-1])
    assert seen[1] == seen[0]
    assert "ix_a_x" in seen[1] and "('r3',)" in seen[1]


def test_autocommit_block_on_postgresql(tmp_path: Path, make_db: Any) -> None:
    """CREATE INDEX CONCURRENTLY cannot run in a transaction: ``autocommit_block`` leaves it."""
    chain = [
        (
            "c1",
            None,
            'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))',
            'op.drop_table("t")',
        ),
        (
            "c2",
            "c1",
            'with op.get_context().autocommit_block():\n    op.create_index("ix_t_v", "t", ["v"], postgresql_concurrently=True)',
            'op.drop_index("ix_t_v", "t")',
        ),
    ]
    states = []
    for cmd in (alembic_cmd(), ours_cmd()):
        db = make_db("postgresql")
        url = db.url
        root = _project(tmp_path / db.name, url, chain)
        proc = run(cmd, ["upgrade", "head"], root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            states.append(
                (
                    conn.exec_driver_sql(
                        "SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1"
                    ).all(),
                    conn.exec_driver_sql("SELECT version_num FROM alembic_version").all(),
                )
            )
        engine.dispose()
    assert states[1] == states[0]
    assert ("ix_t_v",) in states[1][0]


def test_version_table_tampered_with_mid_run_fails_and_rolls_back(
    tmp_path: Path, make_db: Any
) -> None:
    """alembic checks each version UPDATE matched one row; alembic-rs checks the outcome."""
    chain = [
        CHAIN[0],
        ("r2", "r1", 'op.execute("DELETE FROM alembic_version")', "pass"),
    ]
    outcomes = []
    for cmd in (alembic_cmd(), ours_cmd()):
        db = make_db("postgresql")
        root = _project(tmp_path / db.name, db.url, chain)
        assert run(cmd, ["upgrade", "r1"], root).returncode == 0
        proc = run(cmd, ["upgrade", "head"], root)
        assert proc.returncode != 0
        assert "alembic_version" in proc.stdout + proc.stderr
        engine = sa.create_engine(db.url)
        with engine.connect() as conn:
            outcomes.append(conn.exec_driver_sql("SELECT version_num FROM alembic_version").all())
        engine.dispose()
    assert outcomes[1] == outcomes[0] == [("r1",)]


def test_version_table_in_a_missing_schema_fails_naming_it(tmp_path: Path, make_db: Any) -> None:
    """The version table cannot be made: both tools fail with the database's message and
    leave nothing; alembic-rs says what it was doing."""
    outcomes = []
    for cmd in (alembic_cmd(), ours_cmd()):
        db = make_db("postgresql")
        url = db.url
        root = _project(tmp_path / db.name, url, CHAIN)
        env_py = (root / "env.py").read_text()
        (root / "env.py").write_text(
            env_py.replace(
                "context.configure(connection=connection)",
                'context.configure(connection=connection, version_table_schema="nosuch")',
            )
        )
        proc = run(cmd, ["upgrade", "head"], root)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).all()
        engine.dispose()
        outcomes.append((proc, tables))
    (theirs, their_tables), (ours, our_tables) = outcomes
    assert theirs.returncode != 0 and ours.returncode != 0
    assert 'schema "nosuch" does not exist' in theirs.stderr
    assert (
        'FAILED: creating the version table nosuch.alembic_version failed: schema "nosuch" '
        "does not exist" in ours.stdout
    ), ours.stdout + ours.stderr
    assert their_tables == our_tables == []


def test_an_unreachable_url_fails_clearly_without_the_password(tmp_path: Path) -> None:
    """env.py gives only a URL (alembic itself fails there with a bare AssertionError):
    alembic-rs says it could not connect, to which URL, with the password hidden."""
    root = _project(tmp_path / "p", "postgresql://unused", CHAIN)
    (root / "env.py").write_text(
        "from alembic import context\n"
        'context.configure(url="postgresql://deployer:S3cr3tPw@127.0.0.1:1/app")\n'
        "with context.begin_transaction():\n"
        "    context.run_migrations()\n"
    )
    proc = run(ours_cmd(), ["upgrade", "head"], root)
    assert proc.returncode == 1  # a database error: alembic's process exits 1 too
    assert proc.stdout.startswith(
        "FAILED: could not connect to 'postgresql://deployer:***@127.0.0.1:1/app'"
    ), proc.stdout + proc.stderr
    assert "S3cr3tPw" not in proc.stdout + proc.stderr
