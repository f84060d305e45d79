"""Migration environment for several databases sharing one revision history.

The `databases` key of the [alembic] section names the databases; each name
has an ini section with its own `sqlalchemy.url`. The migrations run once
per name, and each revision's upgrade()/downgrade() receives the name
(`engine_name`) to pick the work meant for that database.
"""

import logging
import re
from contextlib import ExitStack
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

# The Config object of this run: gives access to the .ini values.
config = context.config

# Set up Python logging from the [loggers]/[handlers]/[formatters] sections.
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
log = logging.getLogger("alembic.env")

# "engine1, engine2" -> ["engine1", "engine2"]
db_names = [
    name for name in re.split(r"[,\s]+", config.get_main_option("databases", "")) if name
]

# The MetaData per database that `revision --autogenerate` compares with.
# Each holds only the tables of its own database. For example:
#     from myapp import models
#     target_metadata = {"engine1": models.metadata1, "engine2": models.metadata2}
target_metadata: dict = {}

# Set to True to commit with two-phase transactions (prepare on every
# database, then commit), where every database supports it.
USE_TWOPHASE = False


def _configure_kwargs(name: str) -> dict:
    """Options common to both modes for the database `name`."""
    return {
        "target_metadata": target_metadata.get(name),
        # autogenerate renders into <name>_upgrades / <name>_downgrades,
        # which script.py.mako places in upgrade_<name>() / downgrade_<name>()
        "upgrade_token": f"{name}_upgrades",
        "downgrade_token": f"{name}_downgrades",
    }


def run_migrations_offline() -> None:
    """Write each database's SQL to <name>.sql, without connecting."""
    for name in db_names:
        url = config.get_section_option(name, "sqlalchemy.url")
        path = f"{name}.sql"
        log.info("Migrating database %s", name)
        log.info("Writing output to %s", path)
        with open(path, "w") as buffer:
            context.configure(
                url=url,
                output_buffer=buffer,
                literal_binds=True,
                dialect_opts={"paramstyle": "named"},
                **_configure_kwargs(name),
            )
            with context.begin_transaction():
                context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Migrate every database, committing all of them only if all succeed."""
    with ExitStack() as stack:
        connections = {}
        transactions = {}
        for name in db_names:
            engine = engine_from_config(
                config.get_section(name, {}),
                prefix="sqlalchemy.",
                poolclass=pool.NullPool,
            )
            stack.callback(engine.dispose)
            connection = stack.enter_context(engine.connect())
            connections[name] = connection
            transactions[name] = (
                connection.begin_twophase() if USE_TWOPHASE else connection.begin()
            )

        try:
            for name in db_names:
                log.info("Migrating database %s", name)
                context.configure(connection=connections[name], **_configure_kwargs(name))
                context.run_migrations(engine_name=name)
            if USE_TWOPHASE:
                for transaction in transactions.values():
                    transaction.prepare()
        except BaseException:
            for transaction in transactions.values():
                transaction.rollback()
            raise
        for transaction in transactions.values():
            transaction.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
