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
