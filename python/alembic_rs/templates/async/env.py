"""Migration environment for an asyncio driver.

Online, an AsyncEngine is created from `sqlalchemy.url`; the migrations
themselves are synchronous code, run on the async connection through
`AsyncConnection.run_sync()`. Offline (`--sql`), nothing connects and the
SQL is emitted as text.
"""

import asyncio
from logging.config import fileConfig

from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from alembic import context

# The Config object of this run: gives access to the .ini values.
config = context.config

# Set up Python logging from the [loggers]/[handlers]/[formatters] sections.
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# The MetaData that `revision --autogenerate` compares the database with.
# For example:
#     from myapp.models import Base
#     target_metadata = Base.metadata
target_metadata = None


def run_migrations_offline() -> None:
    """Emit the migrations as SQL text, without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on a (sync facade of an) async connection."""
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Open an AsyncEngine, run the migrations, dispose of the engine."""
    engine = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Connect and run the migrations (drives the event loop)."""
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
