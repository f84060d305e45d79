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

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..util.messaging import alembic_logger

log = alembic_logger("alembic.runtime.migration")

Query = Callable[[str], list[tuple[Any, ...]]]


class NotTheSameDatabase(Exception):
    """The native connection reached another server or file than env.py's connection."""


@dataclass
class _State:
    """What one connection is on (``identity``) and the session state a migration's
    statements depend on (``settings``: name -> value, as each dialect names them)."""

    identity: tuple[str, ...]
    settings: dict[str, str] = field(default_factory=dict)


def carry_session_state(connection: Any, native: Any) -> None:
    """Check that ``native`` reached the database env.py's ``connection`` is on, then apply
    to it the session state ``connection`` has and ``native`` lacks.

    The URL is not the whole story (``connect_args``, a ``creator``, a ``do_connect``
    event may point the engine elsewhere), so the two connections are compared first:
    a mismatch raises ``NotTheSameDatabase``. Each side is read in one round trip where the
    dialect allows. Reading may begin a transaction on ``connection`` (SQLAlchemy's
    autobegin); it is ended again, so the connection is left as env.py gave it.
    """
    dialect = _DIALECTS.get(connection.dialect.name)
    if dialect is None:
        return
    read, apply = dialect
    was_in_transaction = connection.in_transaction()
    try:
        theirs = read(lambda sql: [tuple(r) for r in connection.exec_driver_sql(sql).all()])
    finally:
        if not was_in_transaction and connection.in_transaction():
            connection.rollback()
    ours = read(lambda sql: [tuple(r) for r in native.query(sql)])
    if theirs.identity != ours.identity:
        raise NotTheSameDatabase(
            f"env.py's connection is on {theirs.identity}, the URL leads to {ours.identity}"
        )
    changed = {n: v for n, v in theirs.settings.items() if ours.settings.get(n) != v}
    for sql in apply(changed) if changed else []:
        log.debug("Session state from env.py's connection: %s", sql)
        native.execute(sql)


def _quote(value: Any) -> str:
    """A string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _quote_name(name: Any) -> str:
    """A double-quoted identifier (PostgreSQL, SQLite)."""
    return '"' + str(name).replace('"', '""') + '"'


# -- PostgreSQL ---------------------------------------------------------------------------

# how values travel on the wire: the driver's business, not the migration's
_PG_WIRE_SETTINGS = ("client_encoding", "DateStyle", "IntervalStyle", "extra_float_digits")
_PG_ROLE = "\0role"  # not a setting name pg_settings can have

# identity: the database and the server's start time (the port is not compared: a Unix
# socket and TCP reach the same server). State: what SET changed ('session', SET SESSION
# CHARACTERISTICS included), what the connection asked for at startup ('client': libpq
# options, asyncpg server_settings), the time zone each driver picks its own way, and the
# role (SET ROLE is not in pg_settings; current_user tells)
_PG_READ = """\
SELECT current_database(), extract(epoch FROM pg_postmaster_start_time())::text,
  CASE WHEN current_user <> session_user THEN current_user::text END,
  (SELECT coalesce(json_agg(json_build_array(name, setting) ORDER BY name), '[]')::text
     FROM pg_catalog.pg_settings
    WHERE (source IN ('session', 'client') AND name NOT IN ({wire})) OR name = 'TimeZone')
""".format(wire=", ".join(_quote(n) for n in _PG_WIRE_SETTINGS))


def _pg_read(query: Query) -> _State:
    database, started, role, settings = query(_PG_READ)[0]
    state = _State((str(database), str(started)), {str(n): str(v) for n, v in json.loads(settings)})
    if role is not None:
        state.settings[_PG_ROLE] = str(role)
    return state


def _pg_apply(changed: dict[str, str]) -> list[str]:
    role = changed.pop(_PG_ROLE, None)
    statements = []
    if changed:
        calls = ", ".join(
            f"set_config({_quote(n)}, {_quote(v)}, false)" for n, v in changed.items()
        )
        statements.append(f"SELECT {calls}")
    if role is not None:
        # last, so the settings above are applied with the session user's rights
        statements.append(f"SET ROLE {_quote_name(role)}")
    return statements


# -- MySQL / MariaDB ----------------------------------------------------------------------

# session variables a migration's statements depend on
_MYSQL_VARIABLES = (
    "sql_mode",
    "time_zone",
    "foreign_key_checks",
    "unique_checks",
    "lock_wait_timeout",
    "innodb_lock_wait_timeout",
    "max_statement_time",
)
_MYSQL_DATABASE = "\0database"


def _mysql_read(query: Query) -> _State:
    host, port, server_id, database = query("SELECT @@hostname, @@port, @@server_id, DATABASE()")[0]
    # SHOW lists only the variables this server has (MariaDB and MySQL differ)
    show = "SHOW SESSION VARIABLES WHERE Variable_name IN ({})".format(
        ", ".join(_quote(n) for n in _MYSQL_VARIABLES)
    )
    state = _State((str(host), str(port), str(server_id)), {str(n): str(v) for n, v in query(show)})
    if database is not None:
        state.settings[_MYSQL_DATABASE] = str(database)
    return state


def _mysql_apply(changed: dict[str, str]) -> list[str]:
    database = changed.pop(_MYSQL_DATABASE, None)
    statements = []
    if database is not None:
        statements.append("USE `{}`".format(database.replace("`", "``")))
    if changed:
        statements.append(
            "SET " + ", ".join(f"@@session.{n} = {_mysql_value(v)}" for n, v in changed.items())
        )
    return statements


def _mysql_value(value: str) -> str:
    """A variable's value as SET takes it: numbers and ON/OFF bare, the rest quoted."""
    if value.upper() in ("ON", "OFF") or value.replace(".", "", 1).isdigit():
        return value
    return _quote(value)


# -- SQLite -------------------------------------------------------------------------------

_SQLITE_PRAGMAS = ("foreign_keys", "recursive_triggers")


def _sqlite_read(query: Query) -> _State:
    files = {str(n): str(f) for n, f in query("SELECT name, file FROM pragma_database_list")}
    state = _State((files.get("main", ""),))
    # databases env.py attached (schema="other" in the scripts), by file
    for name, file in files.items():
        if name not in ("main", "temp"):
            state.settings[f"attach {name}"] = file
    for pragma in _SQLITE_PRAGMAS:
        state.settings[f"pragma {pragma}"] = str(query(f"PRAGMA {pragma}")[0][0])
    return state


def _sqlite_apply(changed: dict[str, str]) -> list[str]:
    statements = []
    for key, value in changed.items():
        kind, name = key.split(" ", 1)
        if kind == "attach":
            if not value:
                raise NotTheSameDatabase(f"env.py's connection has an in-memory database {name!r}")
            statements.append(f"ATTACH DATABASE {_quote(value)} AS {_quote_name(name)}")
        else:
            statements.append(f"PRAGMA {name} = {'ON' if int(value) else 'OFF'}")
    return statements


_DIALECTS: dict[str, tuple[Callable[[Query], _State], Callable[[dict[str, str]], list[str]]]] = {
    "postgresql": (_pg_read, _pg_apply),
    "mysql": (_mysql_read, _mysql_apply),
    "mariadb": (_mysql_read, _mysql_apply),
    "sqlite": (_sqlite_read, _sqlite_apply),
}
