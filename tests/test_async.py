"""The async twins: ``await command.upgrade_async(cfg, "head")`` inside a running loop.

The project uses the ``async`` template, whose env.py calls ``asyncio.run()`` itself,
as the seed's does; the caller's event loop keeps running other tasks meanwhile.
"""

from __future__ import annotations

import asyncio
import io
import re
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from alembic_rs import Config, command

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

REVISION = textwrap.dedent(
    '''
    """create things"""
    import sqlalchemy as sa
    from alembic import op

    revision = "a1"
    down_revision = None


    def upgrade():
        op.create_table("things", sa.Column("id", sa.Integer, primary_key=True))
        op.execute("SELECT pg_sleep(0.3)")


    def downgrade():
        op.drop_table("things")
    '''
)


@pytest.fixture
def async_project(tmp_path: Path) -> Iterator[tuple[Config, str]]:
    db = f"async_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {db}")
    ini = tmp_path / "alembic.ini"
    cfg = Config(str(ini))
    command.init(cfg, str(tmp_path / "migrations"), template="async")
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{db}"
    ini.write_text(re.sub(r"(?m)^sqlalchemy.url = .*$", "sqlalchemy.url = " + url, ini.read_text()))
    (tmp_path / "migrations" / "versions" / "a1_create_things.py").write_text(REVISION)
    try:
        yield Config(str(ini)), db
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {db} WITH (FORCE)")
        admin.dispose()


def _version(db: str) -> list[str]:
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:5432/{db}")
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    engine.dispose()
    return rows


def test_upgrade_async_inside_a_running_loop(async_project: tuple[Config, str]) -> None:
    cfg, db = async_project
    ticks = 0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop))
        await command.upgrade_async(cfg, "head")
        stop.set()
        await task

    asyncio.run(main())
    assert _version(db) == ["a1"]
    # the loop ran other tasks while the migration (with its 0.3 s statement) ran
    assert ticks > 1


def test_downgrade_and_current_async(async_project: tuple[Config, str]) -> None:
    cfg, db = async_project
    cfg.stdout = out = io.StringIO()

    async def main() -> None:
        await command.upgrade_async(cfg, "head")
        await command.current_async(cfg)
        await command.downgrade_async(cfg, "base")

    asyncio.run(main())
    assert out.getvalue() == "a1 (head)\n"
    assert _version(db) == []


def test_async_errors_reach_the_caller(async_project: tuple[Config, str]) -> None:
    cfg, _db = async_project

    async def main() -> None:
        await command.upgrade_async(cfg, "nonexistent")

    with pytest.raises(
        command.util.CommandError, match="Can't locate revision identified by 'nonexistent'"
    ):
        asyncio.run(main())
