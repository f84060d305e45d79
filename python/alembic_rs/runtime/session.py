"""The session state env.py gave its own connection, carried over to the native one.

When env.py hands ``context.configure()`` a connection that is not inside a transaction,
alembic-rs runs the migration on a native connection to the same database. Whatever env.py
set on its connection beforehand must hold there too, or the same scripts would do
something else: alembic's cookbook sets ``search_path`` for schema-per-tenant migrations
(others pass it in ``connect_args``), deployments set ``lock_timeout`` or ``SET ROLE``,
SQLite users turn ``foreign_keys`` on in a connect event. So the settings the session
changed are read from env.py's connection and applied to the native one before anything
runs.
"""

from __future__ import annotations

from typing import Any

from ..util.messaging import alembic_logger

log = alembic_logger("alembic.runtime.migration")

# MySQL/MariaDB session variables a migration's statements depend on
_MYSQL_VARIABLES = (
    "sql_mode",
    "time_zone",
    "foreign_key_checks",
    "unique_checks",
    "lock_wait_timeout",
    "innodb_lock_wait_timeout",
    "max_statement_time",
)


class NotTheSameDatabase(Exception):
    """The native connection reached another server or file than env.py's connection."""


def carry_session_state(connection: Any, native: Any) -> None:
    """Check that ``native`` reached the database env.py's ``connection`` is on, then apply
    to it the session settings ``connection`` has changed.

    The URL is not the whole story (``connect_args``, a ``creator``, a ``do_connect``
    event may point the engine elsewhere), so the two connections are compared first:
    a mismatch raises ``NotTheSameDatabase``. Reading may begin a transaction on
    ``connection`` (SQLAlchemy's autobegin); it is ended again, so the connection is left
    as env.py gave it.
    """
    was_in_transaction = connection.in_transaction()
    try:
        theirs, ours = _identity(connection, native)
        if theirs != ours:
            raise NotTheSameDatabase(f"env.py's connection is on {theirs}, the URL leads to {ours}")
        statements = _statements_for(connection, native)
    finally:
        if not was_in_transaction and connection.in_transaction():
            connection.rollback()
    for sql in statements:
        log.debug("Session state from env.py's connection: %s", sql)
        native.execute(sql)


# what tells one server (and database) from another, per dialect
_IDENTITY = {
    # the server's start time and the database; the port is not compared (a Unix socket
    # and TCP reach the same server)
    "postgresql": "SELECT current_database(), extract(epoch FROM pg_postmaster_start_time())::text",
    "mysql": "SELECT @@hostname, @@port, @@server_id",
    "mariadb": "SELECT @@hostname, @@port, @@server_id",
    "sqlite": "SELECT file FROM pragma_database_list WHERE name = 'main'",
}


def _identity(connection: Any, native: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sql = _IDENTITY.get(connection.dialect.name)
    if sql is None:
        return (), ()
    theirs = tuple(str(v) for v in connection.exec_driver_sql(sql).one())
    rows = native.query(sql)
    ours = tuple(str(v) for v in rows[0]) if rows else ()
    return theirs, ours


def _statements_for(connection: Any, native: Any) -> list[str]:
    name = connection.dialect.name
    if name == "postgresql":
        return _postgresql(connection, native)
    if name in ("mysql", "mariadb"):
        return _mysql(connection, native)
    if name == "sqlite":
        return _sqlite(connection, native)
    return []


def _quote(value: Any) -> str:
    """A string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _quote_name(name: Any) -> str:
    """A double-quoted identifier (PostgreSQL, SQLite)."""
    return '"' + str(name).replace('"', '""') + '"'


# how values travel on the wire: the driver's business, not the migration's
_PG_WIRE_SETTINGS = ("client_encoding", "DateStyle", "IntervalStyle", "extra_float_digits")


def _postgresql(connection: Any, native: Any) -> list[str]:
    # what SET changed in this session ('session': SET, SET SESSION CHARACTERISTICS) or the
    # connection asked for at startup ('client': libpq options, asyncpg server_settings),
    # and the time zone, which each driver picks its own way
    wire = ", ".join(_quote(n) for n in _PG_WIRE_SETTINGS)
    sql = (
        "SELECT name, setting FROM pg_catalog.pg_settings "
        f"WHERE (source IN ('session', 'client') AND name NOT IN ({wire})) "
        "OR name = 'TimeZone' ORDER BY name"
    )
    theirs = [(str(n), str(v)) for n, v in connection.exec_driver_sql(sql).all()]
    ours = {str(n): str(v) for n, v in native.query(sql)}
    changed = [(n, v) for n, v in theirs if ours.get(n) != v]
    statements = []
    if changed:
        calls = ", ".join(f"set_config({_quote(n)}, {_quote(v)}, false)" for n, v in changed)
        statements.append(f"SELECT {calls}")
    # SET ROLE is not listed in pg_settings; current_user tells. Last, so the settings
    # above are applied with the session user's rights
    current, session = connection.exec_driver_sql("SELECT current_user, session_user").one()
    if current != session:
        statements.append(f"SET ROLE {_quote_name(current)}")
    return statements


def _mysql(connection: Any, native: Any) -> list[str]:
    # SHOW lists only the variables this server has (MariaDB and MySQL differ)
    show = "SHOW SESSION VARIABLES WHERE Variable_name IN ({})".format(
        ", ".join(_quote(n) for n in _MYSQL_VARIABLES)
    )
    theirs = {str(n): str(v) for n, v in connection.exec_driver_sql(show).all()}
    ours = {str(n): str(v) for n, v in native.query(show)}
    statements = []
    database = connection.exec_driver_sql("SELECT DATABASE()").scalar()
    if database is not None and str(database) != str(native.query("SELECT DATABASE()")[0][0]):
        statements.append("USE `{}`".format(str(database).replace("`", "``")))
    changed = [f"@@session.{n} = {_mysql_value(v)}" for n, v in theirs.items() if ours.get(n) != v]
    if changed:
        statements.append("SET " + ", ".join(changed))
    return statements


def _mysql_value(value: str) -> str:
    """A variable's value as SET takes it: numbers and ON/OFF bare, the rest quoted."""
    if value.upper() in ("ON", "OFF") or value.replace(".", "", 1).isdigit():
        return value
    return _quote(value)


def _sqlite(connection: Any, native: Any) -> list[str]:
    statements = []
    # databases env.py attached (schema="other" in the scripts), by file
    listing = "SELECT name, file FROM pragma_database_list WHERE name NOT IN ('main', 'temp')"
    ours = {str(n): str(f) for n, f in native.query(listing)}
    for name, file in connection.exec_driver_sql(listing).all():
        if ours.get(str(name)) == str(file):
            continue
        if not file:
            raise NotTheSameDatabase(f"env.py's connection has an in-memory database {name!r}")
        statements.append(f"ATTACH DATABASE {_quote(file)} AS {_quote_name(name)}")
    for pragma in ("foreign_keys", "recursive_triggers"):
        theirs = connection.exec_driver_sql(f"PRAGMA {pragma}").scalar()
        rows = native.query(f"PRAGMA {pragma}")
        if theirs is not None and rows and int(theirs) != int(rows[0][0]):
            statements.append(f"PRAGMA {pragma} = {'ON' if int(theirs) else 'OFF'}")
    return statements
