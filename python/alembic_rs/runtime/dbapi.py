"""A PEP 249 (DB-API 2.0) module over the migration's own native connection.

``op.get_bind()`` hands migrations a SQLAlchemy ``Connection`` whose DBAPI connection
is this module's ``Connection``, wrapping the ``_native.Connection`` the migration's DDL
runs on: data migrations, ``sa.text(...)`` with parameters, reflection and ORM sessions
see the DDL of the same, still uncommitted, transaction.

The adapter does not own that connection: ``close()`` leaves it open, and the runtime
issues ``BEGIN``/``COMMIT``. ``commit()``/``rollback()`` end the migration's transaction
as ``op.get_bind().commit()`` does in alembic: what follows runs in a new transaction,
which nobody commits unless a later migration adopts it (``transaction_per_migration``).
"""

from __future__ import annotations

import datetime as _dt
import time as _time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .. import _native

apilevel = "2.0"
# threads may share the module, not connections
threadsafety = 1
# the default; each SQLAlchemy dialect declares its own (pyformat, format or qmark)
paramstyle = "pyformat"

# SQLite's version, for SQLAlchemy's SQLite dialect; set from the server in `bind_for`
sqlite_version_info: tuple[int, ...] = (3, 0, 0)
sqlite_version = "3.0.0"


# -- exceptions (PEP 249) --------------------------------------------------------------


class Warning(Exception):
    """An important warning, such as data truncation."""


class Error(Exception):
    """The base class of the module's errors."""

    def __init__(
        self,
        *args: Any,
        code: str | None = None,
        sql: str | None = None,
        errno: int | None = None,
    ) -> None:
        super().__init__(*args)
        self.code = code
        self.sqlstate = code
        self.pgcode = code
        self.sql = sql
        # MySQL's error number, which SQLAlchemy's MySQL dialect reads (1146: no such table)
        self.errno = errno


class InterfaceError(Error):
    """The adapter itself failed (a closed cursor, say)."""


class DatabaseError(Error):
    """The database reported an error."""


class DataError(DatabaseError):
    """A value was out of range, of the wrong type, or could not be converted."""


class OperationalError(DatabaseError):
    """The database's operation failed: a lost connection, a lock timeout, a deadlock."""


class IntegrityError(DatabaseError):
    """A constraint was violated."""


class InternalError(DatabaseError):
    """The database is in a state that refuses the operation (an aborted transaction)."""


class ProgrammingError(DatabaseError):
    """The statement is wrong: a syntax error, a missing table, bad parameters."""


class NotSupportedError(DatabaseError):
    """The database does not support the operation."""


# PostgreSQL SQLSTATE classes, as psycopg maps them
_PG_CLASSES: dict[str, type[Error]] = {
    "0A": NotSupportedError,
    "08": OperationalError,
    "20": ProgrammingError,
    "21": ProgrammingError,
    "22": DataError,
    "23": IntegrityError,
    "24": InternalError,
    "25": InternalError,
    "26": InternalError,
    "27": OperationalError,
    "28": OperationalError,
    "2B": InternalError,
    "2D": InternalError,
    "2F": InternalError,
    "34": OperationalError,
    "38": InternalError,
    "39": InternalError,
    "3B": InternalError,
    "3D": ProgrammingError,
    "3F": ProgrammingError,
    "40": OperationalError,
    "42": ProgrammingError,
    "44": ProgrammingError,
    "53": OperationalError,
    "54": OperationalError,
    "55": OperationalError,
    "57": OperationalError,
    "58": OperationalError,
    "F0": InternalError,
    "HV": OperationalError,
    "P0": InternalError,
    "XX": InternalError,
}

# SQLite primary result codes, as pysqlite maps them
_SQLITE_CODES: dict[int, type[Error]] = {
    2: InternalError,
    12: InternalError,
    18: DataError,
    19: IntegrityError,
    20: IntegrityError,
    21: ProgrammingError,
}


def _error_class(backend: str, code: str | None) -> type[Error]:
    if code is None:
        return OperationalError
    if backend == "postgresql":
        return _PG_CLASSES.get(code[:2], DatabaseError)
    if backend == "sqlite":
        try:
            return _SQLITE_CODES.get(int(code) & 0xFF, OperationalError)
        except ValueError:
            return OperationalError
    # MySQL and MariaDB: the SQLSTATE
    if code.startswith("23"):
        return IntegrityError
    if code.startswith(("42", "3D")):
        return ProgrammingError
    if code.startswith("22"):
        return DataError
    if code.startswith("0A"):
        return NotSupportedError
    return OperationalError


def _translate(err: Exception, backend: str) -> Error:
    """The PEP 249 exception for an error of the native connection."""
    if isinstance(err, _native.ConnectionError):
        return OperationalError(str(err))
    if isinstance(err, _native.DatabaseError):
        code = getattr(err, "code", None)
        return _error_class(backend, code)(
            str(err), code=code, sql=getattr(err, "sql", None), errno=getattr(err, "errno", None)
        )
    # parameters that do not fit the statement, or a value that cannot be adapted
    return ProgrammingError(str(err))


# -- type objects and constructors (PEP 249) --------------------------------------------


class _TypeSet(frozenset):
    """A PEP 249 type object: equal to each type name of its kind."""

    def __eq__(self, other: object) -> bool:
        return other in self if isinstance(other, str) else frozenset.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = frozenset.__hash__


STRING = _TypeSet(
    {
        "TEXT",
        "VARCHAR",
        "BPCHAR",
        "CHAR",
        "NAME",
        "CITEXT",
        "TINYTEXT",
        "MEDIUMTEXT",
        "LONGTEXT",
        "ENUM",
        "SET",
        "JSON",
        "JSONB",
    }
)
BINARY = _TypeSet({"BYTEA", "BLOB", "BINARY", "VARBINARY", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB"})
NUMBER = _TypeSet(
    {
        "INT2",
        "INT4",
        "INT8",
        "FLOAT4",
        "FLOAT8",
        "NUMERIC",
        "INTEGER",
        "REAL",
        "TINYINT",
        "SMALLINT",
        "MEDIUMINT",
        "INT",
        "BIGINT",
        "FLOAT",
        "DOUBLE",
        "DECIMAL",
        "BOOLEAN",
        "BOOL",
        "OID",
    }
)
DATETIME = _TypeSet(
    {"DATE", "TIME", "TIMETZ", "TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "INTERVAL", "YEAR"}
)
ROWID = _TypeSet({"OID", "ROWID"})

Date = _dt.date
Time = _dt.time
Timestamp = _dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> _dt.date:
    return Date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _dt.time:
    return Time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _dt.datetime:
    return Timestamp(*_time.localtime(ticks)[:6])


# -- connection and cursor ----------------------------------------------------------------


def connect(*args: Any, **kwargs: Any) -> Connection:
    """Not how this module is used: it wraps the migration's connection (``bind_for``)."""
    raise NotSupportedError(
        "alembic_rs.runtime.dbapi wraps the migration's own connection; "
        "use op.get_bind() inside a migration"
    )


class Connection:
    """A PEP 249 connection around a ``_native.Connection`` it does not own."""

    def __init__(
        self,
        native: Any,
        paramstyle: str = paramstyle,
        on_transaction_end: Callable[[], None] | None = None,
    ) -> None:
        self.native = native
        self.backend: str = native.backend
        self.paramstyle = paramstyle
        self.on_transaction_end = on_transaction_end
        # the paramstyle of the user's own driver: a statement given at the driver level
        # (exec_driver_sql) is read as that driver would read it
        self.driver_paramstyle: str | None = None
        # called before anything reaches the database: the runtime sends the DDL it
        # has collected (impl.flush), so reads see it and the order stays the script's
        self.before_execute: Callable[[], None] | None = None
        self.closed = False
        # while SQLAlchemy sets the engine up, its closing rollback must not end the
        # migration's transaction
        self._passive = False

    # errors as attributes, as PEP 249's optional extension has them
    Warning = Warning
    Error = Error
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def cursor(self) -> Cursor:
        self._check()
        return Cursor(self)

    def driver_statement(self, statement: str) -> str:
        """A statement given at the driver level, with no parameters, made to reach the
        server as the user's driver sends it: asyncpg and sqlite3 leave ``%`` alone where
        this adapter's ``pyformat`` reads ``%%`` as ``%``."""
        ours_reads_percents = self.paramstyle in ("format", "pyformat")
        theirs_reads_percents = self.driver_paramstyle in (None, "format", "pyformat")
        if ours_reads_percents and not theirs_reads_percents:
            return statement.replace("%", "%%")
        return statement

    def commit(self) -> None:
        """Commit the migration's transaction, as ``op.get_bind().commit()`` does in alembic."""
        self._end(commit=True)

    def rollback(self) -> None:
        """Roll the migration's transaction back, as ``op.get_bind().rollback()`` does."""
        self._end(commit=False)

    def _flush(self) -> None:
        if self.before_execute is not None:
            self.before_execute()

    def _end(self, commit: bool) -> None:
        self._check()
        self._flush()
        if self._passive or not self.native.in_transaction:
            # outside a transaction every statement commits by itself
            return
        try:
            if commit:
                self.native.commit()
            else:
                self.native.rollback()
            # PyMySQL runs with autocommit off: after the DDL that implicitly commits,
            # the next statements still wait for a COMMIT (and a close rolls them back);
            # a no-op on the other backends
            self.native.autocommit_off()
            # SQLAlchemy begins the next transaction at the next statement: the runtime
            # does the same (on_transaction_end arms it; see MigrationImpl.autobegin)
        except Exception as e:
            raise _translate(e, self.backend) from e
        if self.on_transaction_end is not None:
            self.on_transaction_end()

    def close(self) -> None:
        """Forget the native connection; the migration runtime closes it."""
        self.closed = True

    def _check(self) -> None:
        if self.closed:
            raise InterfaceError("the connection is closed")

    def __repr__(self) -> str:
        return f"<alembic_rs.runtime.dbapi.Connection {self.backend}>"


class Cursor:
    """A PEP 249 cursor; results are read whole when the statement runs."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.description: list[tuple[Any, ...]] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._pos = 0
        self.closed = False

    def execute(
        self, operation: str, parameters: Mapping[str, Any] | Sequence[Any] | None = None
    ) -> Cursor:
        """Run one statement; ``parameters`` are bound by the database, never interpolated."""
        self._check()
        conn = self.connection
        conn._flush()
        try:
            columns, rows, rowcount, lastrowid = _native.dbapi_execute(
                conn.native, operation, parameters, conn.paramstyle
            )
        except (_native.DatabaseError, ValueError, TypeError) as e:
            raise _translate(e, conn.backend) from e
        self.description = (
            None
            if columns is None
            else [(name, type_code, None, None, None, None, None) for name, type_code in columns]
        )
        self._rows = rows
        self._pos = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        return self

    def executemany(
        self, operation: str, seq_of_parameters: Sequence[Mapping[str, Any] | Sequence[Any]]
    ) -> Cursor:
        """Run one statement for each set of parameters; ``rowcount`` is the total."""
        total = 0
        for parameters in seq_of_parameters:
            self.execute(operation, parameters)
            total += max(self.rowcount, 0)
        self.rowcount = total
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        self._check_result()
        if self._pos >= len(self._rows):
            return None
        row = self._rows[self._pos]
        self._pos += 1
        return row

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        self._check_result()
        n = self.arraysize if size is None else size
        rows = self._rows[self._pos : self._pos + n]
        self._pos += len(rows)
        return rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        self._check_result()
        rows = self._rows[self._pos :]
        self._pos = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row

    def setinputsizes(self, sizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        pass

    def close(self) -> None:
        self.closed = True
        self._rows = []

    def _check(self) -> None:
        if self.closed:
            raise InterfaceError("the cursor is closed")
        self.connection._check()

    def _check_result(self) -> None:
        self._check()
        if self.description is None:
            raise ProgrammingError("the last statement returned no rows")

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AwaitingConnection(Connection):
    """The connection under ``op.run_async``'s ``AsyncConnection``: its cursors hand each
    statement to the event loop as a coroutine, as asyncio drivers do."""

    def cursor(self) -> Cursor:
        self._check()
        return AwaitingCursor(self)


class AwaitingCursor(Cursor):
    """A cursor whose statements run as coroutines awaited on SQLAlchemy's event loop.

    The statement itself still blocks in Rust; going through the loop is what SQLAlchemy's
    asyncio extension expects of an async driver (``AsyncConnection.execute`` fails with
    ``AwaitRequired`` when a statement never awaits). Outside SQLAlchemy's greenlet (the
    engine's first connect, made in plain sync code) the statement runs directly.
    """

    def execute(
        self, operation: str, parameters: Mapping[str, Any] | Sequence[Any] | None = None
    ) -> Cursor:
        from sqlalchemy.util import await_only
        from sqlalchemy.util.concurrency import in_greenlet

        run = super().execute
        if not in_greenlet():
            return run(operation, parameters)

        async def statement() -> Cursor:
            return run(operation, parameters)

        return await_only(statement())  # type: ignore[no-any-return]

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's ``AsyncConnection.execute``: results are read whole
        when the statement runs, so there is nothing to release before they are read."""


# -- the SQLAlchemy connection a migration gets ------------------------------------------


class _Bind:
    """The SQLAlchemy engine and connection made for one native connection."""

    def __init__(self, native: Any, adapter: Connection, engine: Any, connection: Any) -> None:
        self.native = native
        self.adapter = adapter
        self.engine = engine
        self.connection = connection


# keyed by (id of the native connection, async or not)
_binds: dict[tuple[int, bool], _Bind] = {}


def bind_for(
    native: Any,
    dialect_name: str | None = None,
    on_transaction_end: Callable[[], None] | None = None,
    before_execute: Callable[[], None] | None = None,
    is_async: bool = False,
    driver_paramstyle: str | None = None,
) -> Any:
    """A SQLAlchemy ``Connection`` that runs on ``native`` (a ``_native.Connection``),
    inside the transaction the migration runtime opened on it.

    Made on first use and kept per native connection. ``dialect_name`` picks between
    ``mysql`` and ``mariadb`` (as the user's dialect names it); ``on_transaction_end`` is
    called when the migration commits or rolls back through it. ``is_async`` gives the
    connection of an async engine instead, the one ``op.run_async`` wraps in an
    ``AsyncConnection``. ``driver_paramstyle`` is the paramstyle of the user's own driver
    (see ``Connection.driver_statement``).
    """
    bind = _binds.get((id(native), is_async))
    if bind is None or bind.native is not native or native.closed:
        bind = _make_bind(native, dialect_name, is_async)
        # drop entries of closed connections, so a long-lived process does not pile them up
        for key in [k for k, b in _binds.items() if b.native.closed]:
            del _binds[key]
        _binds[(id(native), is_async)] = bind
    bind.adapter.on_transaction_end = on_transaction_end
    bind.adapter.driver_paramstyle = driver_paramstyle
    bind.adapter.before_execute = before_execute
    conn = bind.connection
    # keep SQLAlchemy's idea of the transaction in step with the runtime's, so that
    # `commit()` reaches the database and an ORM Session joins the transaction
    if native.in_transaction and not conn.in_transaction():
        conn.begin()
    elif not native.in_transaction and conn.in_transaction():
        bind.adapter._passive = True
        try:
            conn.rollback()
        finally:
            bind.adapter._passive = False
    return conn


def _make_bind(native: Any, dialect_name: str | None, is_async: bool) -> _Bind:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from . import sa_dialects

    backend = native.backend
    if backend in ("mysql", "mariadb") and dialect_name in ("mysql", "mariadb"):
        backend = dialect_name
    dialect_cls = sa_dialects.dialect_for(backend, is_async)
    if backend == "sqlite":
        _learn_sqlite_version(native)
    adapter_cls = AwaitingConnection if is_async else Connection
    adapter = adapter_cls(native, paramstyle=dialect_cls.default_paramstyle)
    engine = create_engine(
        f"{backend}+{dialect_cls.driver}://",
        creator=lambda: adapter,
        poolclass=StaticPool,
        # returning the connection to the pool must not roll the migration back
        pool_reset_on_return=None,
    )
    adapter._passive = True
    try:
        connection = engine.connect()
    finally:
        adapter._passive = False
    return _Bind(native, adapter, engine, connection)


def _learn_sqlite_version(native: Any) -> None:
    global sqlite_version_info, sqlite_version
    sqlite_version = native.server_version()
    sqlite_version_info = tuple(int(p) for p in sqlite_version.split("."))
