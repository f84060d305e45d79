"""A third-party style op plugin (``register_operation`` + ``implementation_for``).

The plugin module imports ``alembic.operations`` as plugins do; run by alembic-rs it
gets ours, run by alembic it gets alembic's, and both write the same ``--sql``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = textwrap.dedent(
    """
    from alembic.operations import MigrateOperation, Operations


    @Operations.register_operation("create_sequence")
    class CreateSequenceOp(MigrateOperation):
        def __init__(self, sequence_name, schema=None):
            self.sequence_name = sequence_name
            self.schema = schema

        @classmethod
        def create_sequence(cls, operations, sequence_name, **kw):
            return operations.invoke(cls(sequence_name, **kw))


    @Operations.implementation_for(CreateSequenceOp)
    def create_sequence(operations, operation):
        name = operation.sequence_name
        if operation.schema is not None:
            name = f"{operation.schema}.{name}"
        operations.execute(f"CREATE SEQUENCE {name}")
    """
)

ENV_PY = textwrap.dedent(
    """
    from alembic import context

    import seq_plugin  # noqa: F401  (registers op.create_sequence)

    context.configure(url="postgresql://", literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
    """
)

REVISION = textwrap.dedent(
    '''
    """sequences"""
    from alembic import op

    revision = "s1"
    down_revision = None


    def upgrade():
        op.create_sequence("order_ids")
        op.create_sequence("invoice_ids", schema="billing")


    def downgrade():
        op.execute("DROP SEQUENCE billing.invoice_ids")
        op.execute("DROP SEQUENCE order_ids")
    '''
)


def test_op_plugin_gives_the_same_sql(tmp_path: Path) -> None:
    (tmp_path / "versions").mkdir()
    (tmp_path / "seq_plugin.py").write_text(PLUGIN)
    (tmp_path / "env.py").write_text(ENV_PY)
    (tmp_path / "versions" / "s1.py").write_text(REVISION)
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = %(here)s\nprepend_sys_path = .\npath_separator = os\n"
    )
    bindir = Path(sys.executable).parent
    outputs = []
    for tool in ("alembic", "alembic-rs"):
        proc = subprocess.run(
            [str(bindir / tool), "upgrade", "head", "--sql"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[1] == outputs[0]
    assert "CREATE SEQUENCE billing.invoice_ids;" in outputs[1]


ALEMBIC_UTILS_ENV = textwrap.dedent(
    """
    from alembic import context
    from sqlalchemy import create_engine, pool

    url = context.config.get_main_option("sqlalchemy.url")
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

ALEMBIC_UTILS_REVISIONS = {
    "u1": textwrap.dedent(
        '''
        """a function"""
        from alembic import op
        from alembic_utils.pg_function import PGFunction

        revision = "u1"
        down_revision = None

        to_upper = PGFunction(
            schema="public",
            signature="to_upper(some_text text)",
            definition="returns text as $$ select upper(some_text) $$ language SQL;",
        )


        def upgrade():
            op.create_entity(to_upper)


        def downgrade():
            op.drop_entity(to_upper)
        '''
    ),
    "u2": textwrap.dedent(
        '''
        """replace it"""
        from alembic import op
        from alembic_utils.pg_function import PGFunction

        revision = "u2"
        down_revision = "u1"

        to_upper = PGFunction(
            schema="public",
            signature="to_upper(some_text text)",
            definition="returns text as $$ select upper(some_text) || '!' $$ language SQL;",
        )


        def upgrade():
            op.replace_entity(to_upper)


        def downgrade():
            op.replace_entity(
                PGFunction(
                    schema="public",
                    signature="to_upper(some_text text)",
                    definition="returns text as $$ select upper(some_text) $$ language SQL;",
                )
            )
        '''
    ),
}


def _alembic_utils_project(root: Path, url: str) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ALEMBIC_UTILS_ENV)
    (root / "alembic.ini").write_text(
        f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = {url}\n"
    )
    for rev, text in ALEMBIC_UTILS_REVISIONS.items():
        (root / "versions" / f"{rev}.py").write_text(text)
    return root


def test_alembic_utils_entities_offline(tmp_path: Path) -> None:
    """alembic_utils (a real third-party plugin) loads and writes alembic's --sql."""
    root = _alembic_utils_project(tmp_path, "postgresql://")
    bindir = Path(sys.executable).parent
    outputs = []
    for tool in ("alembic", "alembic-rs"):
        proc = subprocess.run(
            [str(bindir / tool), "upgrade", "u1", "--sql"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[1] == outputs[0]
    assert "CREATE FUNCTION" in outputs[1]


def test_alembic_utils_entities_online(tmp_path: Path) -> None:
    import uuid

    import sqlalchemy as sa

    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    db = f"plug_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {db}")
    url = f"postgresql://postgres@127.0.0.1:5432/{db}"
    try:
        root = _alembic_utils_project(tmp_path, url)
        bindir = Path(sys.executable).parent
        for argv in (["upgrade", "u1"], ["upgrade", "u2"]):
            proc = subprocess.run(
                [str(bindir / "alembic-rs"), *argv],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT to_upper('abc')").scalar() == "ABC!"
        engine.dispose()
        proc = subprocess.run(
            [str(bindir / "alembic-rs"), "downgrade", "base"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.dispose()
