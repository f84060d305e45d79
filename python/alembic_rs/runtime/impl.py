"""Where rendered SQL goes: the native sqlx connection, a SQLAlchemy connection, or text.

Every statement is rendered by Rust; this module only routes it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from .. import _native
from ..util.messaging import alembic_logger

if TYPE_CHECKING:
    from ..operations.spec.types import OpSpec

log = alembic_logger("alembic.runtime.migration")

# alembic's impl class names, logged as "Context impl PostgresqlImpl."
IMPL_NAMES = {
    "postgresql": "PostgresqlImpl",
    "sqlite": "SQLiteImpl",
    "mysql": "MySQLImpl",
    "mariadb": "MySQLImpl",
}


class MigrationImpl:
    """Runs or writes the SQL of one migration run, for one dialect.

    ``native`` is a ``_native.Connection`` (online, native), ``sa_connection`` a
    SQLAlchemy ``Connection`` (online fallback), or neither (offline ``--sql``).
    """

    def __init__(
        self,
        dialect: Any,
        *,
        as_sql: bool,
        transactional_ddl: bool | None,
        output_buffer: TextIO | None,
        native: Any = None,
        sa_connection: Any = None,
        literal_binds: bool = False,
    ) -> None:
        self.dialect = dialect
        self.dialect_name = dialect.name
        # MariaDB speaks MySQL's protocol but takes some statements differently
        if dialect.name in ("mysql", "mariadb"):
            is_mariadb = getattr(dialect, "is_mariadb", False) or dialect.name == "mariadb"
            if native is not None:
                is_mariadb = native.backend == "mariadb"
            self.dialect_name = "mariadb" if is_mariadb else "mysql"
        self.as_sql = as_sql
        self.native = native
        self.sa_connection = sa_connection
        # where SQLAlchemy would log the statements (echo=True, or the sqlalchemy.engine
        # logger at INFO): statements sent natively are logged there too
        engine = getattr(sa_connection, "engine", None)
        self._sql_log: Any = getattr(engine, "logger", None) or logging.getLogger(
            "sqlalchemy.engine.Engine"
        )
        self.output_buffer = output_buffer
        self.literal_binds = literal_binds
        if self.dialect_name not in IMPL_NAMES:
            from ..util import CommandError

            raise CommandError(f"alembic-rs has no SQL renderer for dialect '{dialect.name}'")
        self.transactional_ddl = (
            _native.transactional_ddl(self.dialect_name)
            if transactional_ddl is None
            else transactional_ddl
        )
        # statements waiting to go to the native connection in one round trip
        self._pending: list[str] = []
        # what each pending statement belongs to ("upgrade of revision ..."), for errors
        self._pending_labels: list[str | None] = []
        self.label: str | None = None
        # the labels of the batch now running in the background
        self._inflight: list[str | None] | None = None
        # on the native executor: once the migration ended a transaction through
        # op.get_bind(), the next statement begins one, as SQLAlchemy's connection does
        # ("autobegin"), except inside autocommit_block()
        self.autobegin = False
        self._autocommit_depth = 0
        self._autocommit_restore: tuple[Any, Any] | None = None
        # checks of a pending / running statement's row count, by its position in the batch
        self._pending_checks: dict[int, Callable[[int], None]] = {}
        self._inflight_checks: dict[int, Callable[[int], None]] = {}

    @property
    def executor_name(self) -> str:
        if self.as_sql:
            return "offline"
        return "native" if self.native is not None else "sqlalchemy"

    # -- output ------------------------------------------------------------------

    def static_output(self, text: str) -> None:
        # flushed once a run is over (MigrationContext.run_migrations), not per statement
        assert self.output_buffer is not None
        self.output_buffer.write(text + "\n\n")

    def _write(self, text: str) -> None:
        assert self.output_buffer is not None
        self.output_buffer.write(text)

    def emit_begin(self) -> None:
        self._write(_native.offline_begin(self.dialect_name))

    def emit_commit(self) -> None:
        self._write(_native.offline_commit(self.dialect_name))

    def emit_step_comment(self, short_log: str) -> None:
        """``-- Running upgrade a -> b``, before a step's statements."""
        self._write(_native.offline_step_comment(short_log))

    # -- statements -------------------------------------------------------------

    def exec_sql(self, sql: str, check_rowcount: Callable[[int], None] | None = None) -> None:
        """Run (or, offline, write) one statement rendered by Rust.

        ``check_rowcount`` gets the rows the statement affected, online: at once on
        SQLAlchemy's connection, when its batch is done on the native one (``wait``).
        """
        if self.as_sql:
            self._write(_native.offline_statement(sql))
            return
        if self.native is not None:
            self._autobegin()
            # sent with the rest of the step's statements; see flush()
            self._echo(sql)
            if check_rowcount is not None:
                self._pending_checks[len(self._pending)] = check_rowcount
            self._pending.append(sql)
            self._pending_labels.append(self.label)
            return
        result = self.sa_connection.exec_driver_sql(sql)
        if check_rowcount is not None:
            check_rowcount(result.rowcount)

    def _autobegin(self) -> None:
        if self.autobegin and not self._autocommit_depth and not self.native.in_transaction:
            self.begin()

    def before_bind_statement(self) -> None:
        """Before a statement of ``op.get_bind()``: what is pending goes first, and a
        transaction begins if the connection would begin one."""
        self.sync()
        self._autobegin()

    def enter_autocommit(self) -> None:
        """Statements from here on commit one by one (``autocommit_block``)."""
        if self.native is not None:
            self._autocommit_depth += 1
            return
        conn = self.sa_connection
        level = conn.get_isolation_level()
        conn.execution_options(isolation_level="AUTOCOMMIT")
        # SQLAlchemy begins by itself on first use: take that "transaction" here
        self._autocommit_restore = (level, conn.begin())

    def leave_autocommit(self) -> None:
        if self.native is not None:
            self.sync()
            self._autocommit_depth -= 1
            return
        assert self._autocommit_restore is not None
        level, fake = self._autocommit_restore
        self._autocommit_restore = None
        fake.commit()
        self.sa_connection.execution_options(isolation_level=level)

    def _echo(self, sql: str) -> None:
        if self._sql_log.isEnabledFor(logging.INFO):
            self._sql_log.info("%s", sql)

    @property
    def pending(self) -> int:
        """How many statements wait to be sent."""
        return len(self._pending)

    def flush(self) -> None:
        """Send the statements collected so far in as few round trips as possible.

        The batch runs in the background (Rust, no GIL) while Python goes on with the
        next revisions; whatever touches the database next waits for it first. A failure
        names the failing statement and the step it belongs to; nothing after it is sent.
        """
        self.wait()
        if self._pending:
            statements, self._pending = self._pending, []
            self._inflight, self._pending_labels = self._pending_labels, []
            self._inflight_checks, self._pending_checks = self._pending_checks, {}
            self.native.submit_batch(statements)

    def sync(self) -> None:
        """Send what is pending and wait for it: the database is up to date after this."""
        self.flush()
        self.wait()

    def wait(self) -> None:
        """Wait for the batch running in the background; raise its error, if any."""
        labels, self._inflight = self._inflight, None
        checks, self._inflight_checks = self._inflight_checks, {}
        try:
            counts = self.native.wait_batch()
        except _native.DatabaseError as e:
            index = getattr(e, "index", None)
            label = labels[index] if labels and index is not None else None
            if label is None:
                raise
            from ..util.exc import MigrationError

            raise MigrationError(f"{label} failed: {e}") from e
        for index in sorted(checks):
            checks[index](counts[index])

    def run_op(self, spec: OpSpec) -> None:
        """Render an operation spec in Rust, as the run's dialect renders, and run each
        statement."""
        from ..operations.spec import render_options, to_json

        text = to_json(spec, render_options(self.dialect))
        for statement in _native.render_op(text, self.dialect_name, self.as_sql):
            self.exec_sql(statement)

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> Any:
        """``op.execute`` / ``context.execute``: a string, ``text()`` or a Core construct."""
        # alembic runs a string as text(): ':name' is a bind there and '\\:' a colon, so a
        # string with a colon takes that path too; without one, text() changes nothing
        if isinstance(sql, str) and not self.as_sql and ":" not in sql:
            self.exec_sql(sql)
            return None
        return self.exec_construct(sql, execution_options)

    def exec_construct(
        self, construct: Any, execution_options: dict[str, Any] | None = None
    ) -> Any:
        """A SQLAlchemy construct Rust has no rule for: SQLAlchemy compiles it (the escape hatch)."""
        from sqlalchemy import schema, text

        if isinstance(construct, str):
            construct = text(construct)
        if self.as_sql:
            kw: dict[str, Any] = {}
            if self.literal_binds and not isinstance(construct, schema.DDLElement):
                kw = {"compile_kwargs": {"literal_binds": True}}
            compiled = construct.compile(dialect=self.dialect, **kw)
            self._write(_native.offline_statement(str(compiled)))
            return None
        if self.native is not None:
            compiled = construct.compile(
                dialect=self.dialect, compile_kwargs={"literal_binds": True}
            )
            # what the user's DBAPI would send of it ('%%' is '%' for psycopg and PyMySQL)
            self.exec_sql(_native.dbapi_sent_text(str(compiled), self.dialect.paramstyle))
            return None
        conn = self.sa_connection
        if execution_options:
            conn = conn.execution_options(**execution_options)
        return conn.execute(construct)

    # -- transactions (online) -------------------------------------------------------

    def begin(self) -> Any:
        """Begin a transaction; on SQLAlchemy's connection, return it (adopting the one
        SQLAlchemy began by itself on first use, as alembic does)."""
        if self.native is not None:
            self.sync()
            # the statement text is Rust's; None: a transaction was open and is kept
            sent = self.native.begin()
            if sent is not None:
                self._echo(sent)
            return None
        current = self.sa_connection.get_transaction()
        self._sa_transaction = current if current is not None else self.sa_connection.begin()
        return self._sa_transaction

    def commit(self) -> None:
        if self.native is not None:
            self.sync()
            self._echo(self.native.commit())
        else:
            self._sa_transaction.commit()

    def rollback(self) -> None:
        if self.native is not None:
            self._pending.clear()
            self._pending_labels.clear()
            self._pending_checks.clear()
            # rolling back anyway: the error that brought us here is the one to raise
            with contextlib.suppress(Exception):
                self.wait()
            self._echo(self.native.rollback())
        else:
            self._sa_transaction.rollback()

    def in_transaction(self) -> bool:
        if self.native is not None:
            return self.native.in_transaction
        return self.sa_connection.in_transaction()

    # -- reading --------------------------------------------------------------------

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.native is not None:
            self.sync()
            self._echo(sql)
            return [tuple(r) for r in self.native.query(sql)]
        return [tuple(r) for r in self.sa_connection.exec_driver_sql(sql).fetchall()]

    def has_table(self, name: str, schema: str | None) -> bool:
        if self.native is not None:
            self.sync()
            return self.native.has_table(name, schema)
        from sqlalchemy import inspect

        return inspect(self.sa_connection).has_table(name, schema=schema)
