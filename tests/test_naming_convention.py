"""Unnamed constraints and indexes named by env.py's ``target_metadata`` naming convention,
as alembic's ops name them: the same ``--sql`` as real alembic on PostgreSQL, SQLite and
MySQL, and the same schema after an online upgrade on PostgreSQL and SQLite.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from difftools import alembic_cmd, ours_cmd, run

ENV_PY = textwrap.dedent(
    """
    import sqlalchemy as sa
    from alembic import context

    config = context.config
    target_metadata = sa.MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
    """
)

# each revision leaves at least one constraint or index for the convention to name
REVS = [
    (
        "n1",
        None,
        """
    op.create_table(
        "parent",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(20), unique=True),
        sa.Column("qty", sa.Integer),
        sa.CheckConstraint("qty >= 0", name="qty_positive"),
    )
    op.create_table(
        "child",
        sa.Column("id", sa.Integer),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")),
        sa.Column("label", sa.String(30), index=True),
        sa.PrimaryKeyConstraint("id"),
    )""",
        'op.drop_table("child")\n    op.drop_table("parent")',
    ),
    (
        "n2",
        "n1",
        """
    op.add_column("child", sa.Column("other_id", sa.Integer, sa.ForeignKey("parent.id")))
    op.add_column("child", sa.Column("slug", sa.String(40), unique=True))""",
        'op.drop_column("child", "slug")\n    op.drop_column("child", "other_id")',
    ),
    (
        "n3",
        "n2",
        """
    op.create_index(None, "child", ["other_id"])""",
        'op.drop_index("ix_child_other_id", "child")',
    ),
]

# SQLite has no ALTER TABLE ... ADD CONSTRAINT, so there a new column brings an index only
SQLITE_REVS = [
    REVS[0],
    (
        "n2",
        "n1",
        """
    op.add_column("child", sa.Column("other_id", sa.Integer))
    op.add_column("child", sa.Column("slug", sa.String(40), index=True))""",
        'op.drop_column("child", "slug")\n    op.drop_column("child", "other_id")',
    ),
    REVS[2],
]

# ALTER TABLE ... ADD CONSTRAINT is not SQLite's: those run offline on the others only
ALTER_REVS = [
    (
        "n4",
        "n3",
        """
    op.create_unique_constraint(None, "parent", ["qty"])
    op.create_check_constraint("label_set", "child", sa.text("label IS NOT NULL"))""",
        'op.drop_constraint(op.f("ck_child_label_set"), "child", type_="check")\n'
        '    op.drop_constraint("uq_parent_qty", "parent", type_="unique")',
    ),
    (
        # a plain name goes through a convention with %(constraint_name)s when dropped too
        "n5",
        "n4",
        """
    op.drop_constraint("label_set", "child", type_="check")""",
        'op.create_check_constraint("label_set", "child", sa.text("label IS NOT NULL"))',
    ),
]


def _project(root: Path, url: str, revs: list[tuple[str, str | None, str, str]]) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"
    )
    for rev, down, up, down_body in revs:
        (root / "versions" / f"{rev}.py").write_text(
            f'"""{rev}"""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
            f"revision = {rev!r}\ndown_revision = {down!r}\n\n\n"
            f"def upgrade():{up}\n\n\ndef downgrade():\n    {down_body}\n"
        )
    return root


@pytest.mark.parametrize(
    ("url", "alters"),
    [("postgresql://", True), ("mysql+pymysql://", True), ("sqlite://", False)],
    ids=["postgresql", "mysql", "sqlite"],
)
def test_offline_names_match_alembic(tmp_path: Path, url: str, alters: bool) -> None:
    root = _project(tmp_path / "p", url, REVS + ALTER_REVS if alters else SQLITE_REVS)
    head = "n5" if alters else "n3"
    outputs = []
    for argv in (["upgrade", "head", "--sql"], ["downgrade", f"{head}:base", "--sql"]):
        theirs, ours = run(alembic_cmd(), argv, root), run(ours_cmd(), argv, root)
        assert theirs.returncode == 0, theirs.stderr
        assert ours.returncode == 0, ours.stdout + ours.stderr
        assert ours.stdout == theirs.stdout
        outputs.append(ours.stdout)
    # the convention did the naming: its names are in the upgrade's SQL
    for name in ("uq_parent_code", "ck_parent_qty_positive", "fk_child_parent_id_parent"):
        assert name in outputs[0]


@pytest.fixture
def two_pg_databases(make_db: Any) -> list[str]:
    return [make_db("postgresql").url for _ in range(2)]


def _names(url: str) -> dict[str, list[str]]:
    """Constraint and index names per table, as the database reports them."""
    engine = sa.create_engine(url)
    try:
        insp = sa.inspect(engine)
        out: dict[str, list[str]] = {}
        for table in sorted(insp.get_table_names()):
            names = [insp.get_pk_constraint(table).get("name")]
            names += [fk["name"] for fk in insp.get_foreign_keys(table)]
            names += [uq["name"] for uq in insp.get_unique_constraints(table)]
            names += [ck["name"] for ck in insp.get_check_constraints(table)]
            names += [ix["name"] for ix in insp.get_indexes(table)]
            out[table] = sorted(str(n) for n in names)
        return out
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_online_names_match_alembic(tmp_path: Path, request, backend: str) -> None:
    if backend == "postgresql":
        urls = request.getfixturevalue("two_pg_databases")
        revs = REVS + ALTER_REVS
    else:
        urls = [f"sqlite:///{tmp_path}/theirs.db", f"sqlite:///{tmp_path}/ours.db"]
        revs = SQLITE_REVS
    names = {}
    for tool, url in zip(("alembic", "ours"), urls, strict=True):
        root = _project(tmp_path / tool, url, revs)
        prog = alembic_cmd() if tool == "alembic" else ours_cmd()
        result = run(prog, ["upgrade", "head"], root)
        assert result.returncode == 0, result.stdout + result.stderr
        names[tool] = _names(url)
        # down one step: the constraints are dropped by their convention-made names
        result = run(prog, ["downgrade", "-1"], root)
        assert result.returncode == 0, result.stdout + result.stderr
        names[f"{tool} after downgrade"] = _names(url)
    assert names["ours"] == names["alembic"]
    assert names["ours after downgrade"] == names["alembic after downgrade"]
    assert names["ours after downgrade"] != names["ours"]
    assert "fk_child_parent_id_parent" in names["ours"]["child"]
    assert "ix_child_other_id" in names["ours"]["child"]
