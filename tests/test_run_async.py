"""``op.run_async``: an async function runs on the migration's async connection.

alembic-rs keeps a migration on the connection env.py gives when that connection is
already inside a transaction; the async env.py below begins one, as projects that use
``run_async`` do. The same project runs with alembic for comparison.
"""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path

from difftools import alembic_cmd, ours_cmd, run

ENV_PY = textwrap.dedent(
    """
    import asyncio

    from alembic import context
    from sqlalchemy.ext.asyncio import create_async_engine


    def do_run(connection):
        connection.begin()
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


    async def main():
        engine = create_async_engine(context.config.get_main_option("sqlalchemy.url"))
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()


    asyncio.run(main())
    """
)

REVISION = textwrap.dedent(
    '''
    """async data"""
    import sqlalchemy as sa
    from alembic import op

    revision = "r1"
    down_revision = None


    async def fill(connection, count):
        for i in range(count):
            await connection.execute(sa.text("INSERT INTO t (id) VALUES (:i)"), {"i": i})


    def upgrade():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        op.run_async(fill, 3)


    def downgrade():
        op.drop_table("t")
    '''
)


def test_run_async_matches_alembic(tmp_path: Path) -> None:
    seen = []
    for name, cmd in (("alembic", alembic_cmd()), ("ours", ours_cmd())):
        root = tmp_path / name
        (root / "versions").mkdir(parents=True)
        (root / "env.py").write_text(ENV_PY)
        (root / "versions" / "r1.py").write_text(REVISION)
        db = root / "x.db"
        (root / "alembic.ini").write_text(
            f"[alembic]\nscript_location = %(here)s\nsqlalchemy.url = sqlite+aiosqlite:///{db}\n"
        )
        proc = run(cmd, ["upgrade", "head"], root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with sqlite3.connect(db) as conn:
            seen.append(
                (
                    conn.execute("SELECT id FROM t ORDER BY id").fetchall(),
                    conn.execute("SELECT version_num FROM alembic_version").fetchall(),
                )
            )
    assert seen[1] == seen[0] == ([(0,), (1,), (2,)], [("r1",)])
