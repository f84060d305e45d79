"""Migration environment: tells alembic how to reach the database.

alembic runs this file for every command that needs a database (upgrade,
downgrade, current, stamp, revision --autogenerate ...). It runs in one of
two modes:

* online: connect with an Engine built from `sqlalchemy.url` and execute
  the migrations inside a transaction;
* offline (`--sql`): no connection; the SQL is emitted as text.
"""

from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

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

# Any other value of the [alembic] section can be read as well:
#     batch_size = config.get_main_option("my_option", "100")


def run_migrations_offline() -> None:
    """Emit the migrations as SQL text, without connecting.

    Only a URL is needed (for the dialect), so the DBAPI driver need not
    even be installed.
    """
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect and run the migrations inside a transaction."""
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        # one short-lived connection: no pool to keep around
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
