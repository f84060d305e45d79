"""``context.configure`` options env.py files use, against real alembic on PostgreSQL:
``version_table``, ``version_table_schema``, ``version_table_pk``, ``on_version_apply``,
``transaction_per_migration``, ``-x`` and ``--tag``, offline and online.
"""

from __future__ import annotations

import json
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from difftools import alembic_cmd, ours_cmd, run

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

ENV_PY = textwrap.dedent(
    """
    import json
    from alembic import context
    from sqlalchemy import create_engine, pool

    config = context.config
    x = context.get_x_argument(as_dictionary=True)
    log_path = x.get("log")


    def record(ctx, step, heads, run_args):
        if log_path:
            with open(log_path, "a") as out:
                out.write(json.dumps({
                    "up": list(step.up_revision_ids),
                    "down": list(step.down_revision_ids),
                    "is_upgrade": step.is_upgrade,
                    "is_stamp": step.is_stamp,
                    "heads": sorted(heads),
                    "tag": context.get_tag_argument(),
                    "x": context.get_x_argument(),
                }) + "\\n")


    options = dict(
        version_table="my_versions",
        version_table_schema="audit",
        version_table_pk=x.get("pk", "true") == "true",
        transaction_per_migration=x.get("per_migration") == "true",
        on_version_apply=record,
    )
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = create_engine(url, poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    """
)

REVS = [
    (
        "o1",
        None,
        'op.create_table("a", sa.Column("id", sa.Integer, primary_key=True))',
        'op.drop_table("a")',
    ),
    ("o2", "o1", 'op.add_column("a", sa.Column("x", sa.Integer))', 'op.drop_column("a", "x")'),
    ("o3", "o2", 'op.create_index("ix_a_x", "a", ["x"])', 'op.drop_index("ix_a_x", "a")'),
]


def _project(root: Path, url: str) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"
    )
    for rev, down, up, down_body in REVS:
        (root / "versions" / f"{rev}.py").write_text(
            f'"""{rev}"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            f"revision = {rev!r}\ndown_revision = {down!r}\n\n\n"
            f"def upgrade():\n    {up}\n\n\ndef downgrade():\n    {down_body}\n"
        )
    return root


@pytest.fixture
def two_databases() -> Iterator[list[str]]:
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    names = [f"opt_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as conn:
        for name in names:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    urls = [f"postgresql://postgres@127.0.0.1:5432/{n}" for n in names]
    for url in urls:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA audit")
        engine.dispose()
    try:
        yield urls
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


STEPS = [
    ["upgrade", "o2"],
    ["upgrade", "head", "--tag", "release-7"],
    ["downgrade", "o1"],
    ["upgrade", "head"],
    ["stamp", "o1"],
]


@pytest.mark.parametrize("per_migration", ["false", "true"])
@pytest.mark.parametrize("pk", ["true", "false"])
def test_online_options_match_alembic(
    tmp_path: Path, two_databases: list[str], per_migration: str, pk: str
) -> None:
    seen = []
    for cmd, url, name in zip(
        (alembic_cmd(), ours_cmd()), two_databases, ("alembic", "ours"), strict=True
    ):
        root = _project(tmp_path / name, url)
        log = tmp_path / f"{name}.log"
        states = []
        for argv in STEPS:
            full = [
                "-x",
                f"log={log}",
                "-x",
                f"pk={pk}",
                "-x",
                f"per_migration={per_migration}",
                *argv,
            ]
            proc = run(cmd, full, root)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                states.append(
                    (
                        sorted(
                            r[0]
                            for r in conn.exec_driver_sql(
                                "SELECT version_num FROM audit.my_versions"
                            )
                        ),
                        sorted(
                            r[0]
                            for r in conn.exec_driver_sql(
                                "SELECT conname FROM pg_constraint WHERE conrelid = 'audit.my_versions'::regclass"
                            )
                        ),
                        conn.exec_driver_sql(
                            "SELECT to_regclass('public.alembic_version') IS NULL"
                        ).scalar(),
                    )
                )
            engine.dispose()
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        for call in calls:
            call["x"] = [arg for arg in call["x"] if not arg.startswith("log=")]
        seen.append((states, calls))
    assert seen[1] == seen[0]


def test_offline_options_match_alembic(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", "postgresql://")
    for argv in (["upgrade", "head", "--sql"], ["-x", "pk=false", "upgrade", "o1:o3", "--sql"]):
        theirs, ours = run(alembic_cmd(), argv, root), run(ours_cmd(), argv, root)
        assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
        assert ours.stdout == theirs.stdout
