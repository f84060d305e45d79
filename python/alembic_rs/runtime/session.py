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

from .. import _native
from ..util.messaging import alembic_logger

log = alembic_logger("alembic.runtime.migration")


class NotTheSameDatabase(Exception):
    """The native connection reached another server or file than env.py's connection."""


def carry_session_state(connection: Any, native: _native.Connection) -> None:
    """Check that ``native`` reached the database env.py's ``connection`` is on, then apply
    to it the session state ``connection`` has and ``native`` lacks.

    The URL is not the whole story (``connect_args``, a ``creator``, a ``do_connect``
    event may point the engine elsewhere), so the two connections are compared first:
    a mismatch raises ``NotTheSameDatabase``. The queries, the comparison and the
    statements that replay the state are Rust's (one quoting path with the renderer);
    only reading env.py's connection happens here, as only SQLAlchemy can. Reading may
    begin a transaction on ``connection`` (SQLAlchemy's autobegin); it is ended again,
    so the connection is left as env.py gave it.
    """
    queries = _native.session_state_queries(connection.dialect.name)
    if not queries:
        return
    was_in_transaction = connection.in_transaction()
    try:
        theirs = [[tuple(r) for r in connection.exec_driver_sql(sql).all()] for sql in queries]
    finally:
        if not was_in_transaction and connection.in_transaction():
            connection.rollback()
    for sql in _native.session_replay_statements(native, theirs):
        log.debug("Session state from env.py's connection: %s", sql)
        native.execute(sql)
