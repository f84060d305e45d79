"""SQLAlchemy dialects that drive ``alembic_rs.runtime.dbapi``: ``postgresql+alembic_rs``,
``sqlite+alembic_rs``, ``mysql+alembic_rs`` and ``mariadb+alembic_rs``, and their async
variants (``+alembic_rs_async``) under ``op.run_async``'s ``AsyncConnection``.

Each subclasses SQLAlchemy's own dialect for the database, so SQL compilation and
reflection are SQLAlchemy's; only the driver layer is ours. The migration runtime owns
the transaction: ``do_begin`` sends nothing (the runtime's ``BEGIN`` is already open),
``do_commit``/``do_rollback`` go to the adapter, which ends the migration's transaction
the way alembic's ``op.get_bind().commit()`` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import types as sqltypes
from sqlalchemy import util
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.mysql.base import MySQLDialect
from sqlalchemy.dialects.mysql.mariadb import MariaDBDialect
from sqlalchemy.dialects.postgresql import INTERVAL, JSON, JSONB
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect


class _DriverMixin:
    """What the three dialects share: the module, no connect arguments, the paramstyle."""

    driver = "alembic_rs"
    supports_statement_cache = True
    default_paramstyle: str

    def __init__(self, **kwargs: Any) -> None:
        # SQLAlchemy would otherwise take the module's single paramstyle
        kwargs.setdefault("paramstyle", self.default_paramstyle)
        super().__init__(**kwargs)  # type: ignore[call-arg]

    @classmethod
    def import_dbapi(cls) -> Any:
        from . import dbapi

        return dbapi

    def create_connect_args(self, url: Any) -> tuple[list[Any], dict[str, Any]]:
        # the engine's `creator` hands out the adapter; nothing is opened from the URL
        return [], {}

    def do_begin(self, dbapi_connection: Any) -> None:
        # the runtime's BEGIN is already open, or statements commit one by one
        pass

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if context is not None and context.compiled is None and not parameters:
            # exec_driver_sql(): the text is the user's, written for their own driver
            # (with no parameters at all, every driver sends it as it is, as we do)
            statement = cursor.connection.driver_statement(statement)
        cursor.execute(statement, parameters)

    def do_ping(self, dbapi_connection: Any) -> bool:
        return not dbapi_connection.closed

    def is_disconnect(self, e: Any, connection: Any, cursor: Any) -> bool:
        from . import dbapi

        return isinstance(e, dbapi.InterfaceError) and "closed" in str(e)

    def detect_autocommit_setting(self, dbapi_conn: Any) -> bool:
        return False


# -- PostgreSQL ------------------------------------------------------------------------
# Parameters travel in the binary protocol with a declared type, so values SQLAlchemy
# types (a date for a Date column, a string for a JSONB one) get a cast in the SQL, as
# with SQLAlchemy's asyncpg and psycopg dialects; PostgreSQL converts from there.


class _CastString(sqltypes.String):
    render_bind_cast = True


class _CastInteger(sqltypes.Integer):
    render_bind_cast = True


class _CastSmallInteger(sqltypes.SmallInteger):
    render_bind_cast = True


class _CastBigInteger(sqltypes.BigInteger):
    render_bind_cast = True


class _CastBoolean(sqltypes.Boolean):
    render_bind_cast = True


class _CastDate(sqltypes.Date):
    render_bind_cast = True


class _CastDateTime(sqltypes.DateTime):
    render_bind_cast = True


class _CastTime(sqltypes.Time):
    render_bind_cast = True


class _CastInterval(INTERVAL):
    render_bind_cast = True


class _CastNumeric(sqltypes.Numeric):
    render_bind_cast = True


class _CastFloat(sqltypes.Float):
    render_bind_cast = True


class _CastJSON(JSON):
    render_bind_cast = True


class _CastJSONB(JSONB):
    render_bind_cast = True


class _CastJSONIntIndex(sqltypes.JSON.JSONIntIndexType):
    __visit_name__ = "json_int_index"
    render_bind_cast = True


class _CastJSONStrIndex(sqltypes.JSON.JSONStrIndexType):
    __visit_name__ = "json_str_index"
    render_bind_cast = True


class PGDialect_alembic_rs(_DriverMixin, PGDialect):
    """PostgreSQL through the migration's native connection."""

    # SQLAlchemy looks for it on each class itself
    supports_statement_cache = True

    default_paramstyle = "pyformat"
    supports_sane_multi_rowcount = True
    # the adapter gives JSON and JSONB back parsed, as psycopg does
    supports_native_json_deserialization = True
    supports_native_json_serialization = False

    colspecs = util.update_copy(
        PGDialect.colspecs,
        {
            sqltypes.String: _CastString,
            sqltypes.Integer: _CastInteger,
            sqltypes.SmallInteger: _CastSmallInteger,
            sqltypes.BigInteger: _CastBigInteger,
            sqltypes.Boolean: _CastBoolean,
            sqltypes.Date: _CastDate,
            sqltypes.DateTime: _CastDateTime,
            sqltypes.Time: _CastTime,
            sqltypes.Interval: _CastInterval,
            INTERVAL: _CastInterval,
            sqltypes.Numeric: _CastNumeric,
            sqltypes.Float: _CastFloat,
            sqltypes.JSON: _CastJSON,
            JSON: _CastJSON,
            JSONB: _CastJSONB,
            sqltypes.JSON.JSONIntIndexType: _CastJSONIntIndex,
            sqltypes.JSON.JSONStrIndexType: _CastJSONStrIndex,
        },
    )

    def set_isolation_level(self, dbapi_connection: Any, level: Any) -> None:
        # PGDialect's version commits; the isolation of the migration is the runtime's
        raise NotImplementedError(
            "the isolation level of op.get_bind() is the migration's; "
            "set it on the connection given to context.configure()"
        )


# -- SQLite ------------------------------------------------------------------------------


class SQLiteDialect_alembic_rs(_DriverMixin, SQLiteDialect):
    """SQLite through the migration's native connection."""

    # SQLAlchemy looks for it on each class itself
    supports_statement_cache = True

    default_paramstyle = "qmark"

    def _get_server_version_info(self, connection: Any) -> tuple[int, ...]:
        return self.dbapi.sqlite_version_info  # type: ignore[no-any-return,union-attr]


# -- MySQL / MariaDB ----------------------------------------------------------------------


class MySQLDialect_alembic_rs(_DriverMixin, MySQLDialect):
    """MySQL (or MariaDB under a ``mysql://`` URL) through the migration's connection."""

    # SQLAlchemy looks for it on each class itself
    supports_statement_cache = True

    default_paramstyle = "format"
    supports_sane_multi_rowcount = True

    def _detect_charset(self, connection: Any) -> str:
        # the native connection speaks utf8mb4, as PyMySQL does by default
        return "utf8mb4"

    def _extract_error_code(self, exception: Any) -> Any:
        return getattr(exception, "errno", None)


class MariaDBDialect_alembic_rs(MariaDBDialect, MySQLDialect_alembic_rs):
    """MariaDB through the migration's native connection."""

    supports_statement_cache = True


_DIALECTS: dict[str, type[Any]] = {
    "postgresql": PGDialect_alembic_rs,
    "sqlite": SQLiteDialect_alembic_rs,
    "mysql": MySQLDialect_alembic_rs,
    "mariadb": MariaDBDialect_alembic_rs,
}


# -- the async variants, for op.run_async ---------------------------------------------------
# The same dialects flagged async, so SQLAlchemy's AsyncEngine/AsyncConnection accept them;
# their DBAPI connection is dbapi.AwaitingConnection, whose statements go through the loop.


class _AsyncMixin:
    """What turns a dialect above into the async one ``op.run_async`` runs on."""

    driver = "alembic_rs_async"
    is_async = True
    # results are read whole; AsyncConnection.stream() says it needs server-side cursors
    supports_server_side_cursors = False


class PGDialectAsync_alembic_rs(_AsyncMixin, PGDialect_alembic_rs):
    """PostgreSQL through the migration's native connection, as an async dialect."""

    supports_statement_cache = True


class SQLiteDialectAsync_alembic_rs(_AsyncMixin, SQLiteDialect_alembic_rs):
    """SQLite through the migration's native connection, as an async dialect."""

    supports_statement_cache = True


class MySQLDialectAsync_alembic_rs(_AsyncMixin, MySQLDialect_alembic_rs):
    """MySQL through the migration's native connection, as an async dialect."""

    supports_statement_cache = True


class MariaDBDialectAsync_alembic_rs(_AsyncMixin, MariaDBDialect_alembic_rs):
    """MariaDB through the migration's native connection, as an async dialect."""

    supports_statement_cache = True


_ASYNC_DIALECTS: dict[str, type[Any]] = {
    "postgresql": PGDialectAsync_alembic_rs,
    "sqlite": SQLiteDialectAsync_alembic_rs,
    "mysql": MySQLDialectAsync_alembic_rs,
    "mariadb": MariaDBDialectAsync_alembic_rs,
}


def dialect_for(name: str, is_async: bool = False) -> type[Any]:
    """The dialect class for ``postgresql``, ``sqlite``, ``mysql`` or ``mariadb``;
    ``is_async`` gives the async variant ``op.run_async`` runs on."""
    return (_ASYNC_DIALECTS if is_async else _DIALECTS)[name]


for _name, _cls in _DIALECTS.items():
    registry.register(f"{_name}.alembic_rs", __name__, _cls.__name__)
for _name, _cls in _ASYNC_DIALECTS.items():
    registry.register(f"{_name}.alembic_rs_async", __name__, _cls.__name__)
