"""``MigrationContext``: runs the planned steps and keeps ``alembic_version`` true."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, Literal

from .. import _native, util
from ..util.messaging import alembic_logger
from .impl import IMPL_NAMES, MigrationImpl

log = alembic_logger("alembic.runtime.migration")

# what _native.version_table_sql writes for the alembic_version table
VersionTableAction = Literal["create", "insert", "update", "delete", "delete_all", "select", "drop"]

# seconds a run waits for another run's migration lock
DEFAULT_LOCK_TIMEOUT = 600.0

# pending statements that make a batch worth sending before the transaction ends
FLUSH_AT = 200


class MigrationInfo:
    """What ``on_version_apply`` callbacks receive about one step."""

    def __init__(
        self,
        revision_map: Any,
        is_upgrade: bool,
        is_stamp: bool,
        up_revisions: tuple[str, ...],
        down_revisions: tuple[str, ...],
    ) -> None:
        self.revision_map = revision_map
        self.is_upgrade = is_upgrade
        self.is_stamp = is_stamp
        self.up_revision_ids = tuple(up_revisions)
        self.up_revision_id = self.up_revision_ids[0] if self.up_revision_ids else None
        self.down_revision_ids = tuple(down_revisions)

    @property
    def is_migration(self) -> bool:
        return not self.is_stamp

    @property
    def source_revision_ids(self) -> tuple[str, ...]:
        return self.down_revision_ids if self.is_upgrade else self.up_revision_ids

    @property
    def destination_revision_ids(self) -> tuple[str, ...]:
        return self.up_revision_ids if self.is_upgrade else self.down_revision_ids

    @property
    def up_revision(self) -> Any:
        return self.revision_map.get_revision(self.up_revision_id)

    @property
    def up_revisions(self) -> tuple[Any, ...]:
        return self.revision_map.get_revisions(self.up_revision_ids)

    @property
    def down_revisions(self) -> tuple[Any, ...]:
        return self.revision_map.get_revisions(self.down_revision_ids)

    @property
    def source_revisions(self) -> tuple[Any, ...]:
        return self.revision_map.get_revisions(self.source_revision_ids)

    @property
    def destination_revisions(self) -> tuple[Any, ...]:
        return self.revision_map.get_revisions(self.destination_revision_ids)


class MigrationStep:
    """One planned step (a revision's upgrade/downgrade, or a stamp), planned in Rust."""

    def __init__(self, script: Any, native_step: Any) -> None:
        self._script = script
        self.native = native_step
        self.is_upgrade: bool = native_step.is_upgrade
        self.is_stamp: bool = native_step.is_stamp
        self._log: str = native_step.log

    @property
    def short_log(self) -> str:
        """``<down> -> <up>, <doc>``: the step as ``--sql`` comments name it."""
        return self.native.short_log

    @property
    def is_downgrade(self) -> bool:
        return not self.is_upgrade

    @property
    def revision(self) -> Any:
        return self._script.get_revision(self.native.revision) if self.native.revision else None

    @property
    def doc(self) -> str | None:
        rev = self.revision
        return rev.doc if rev is not None else None

    @property
    def migration_fn(self) -> Callable[..., Any]:
        if self.is_stamp:
            return lambda **kw: None
        module = self.revision.module
        return module.upgrade if self.is_upgrade else module.downgrade

    @property
    def name(self) -> str:
        return self.migration_fn.__name__

    @property
    def info(self) -> MigrationInfo:
        return MigrationInfo(
            self._script.revision_map,
            self.is_upgrade,
            self.is_stamp,
            tuple(self.native.up_revisions),
            tuple(self.native.down_revisions),
        )

    def __str__(self) -> str:
        return self._log


class _Transaction:
    """The transaction ``begin_transaction()`` hands out (alembic's ``_ProxyTransaction``):
    it ends whatever transaction the context holds when the block ends, which may be one
    ``autocommit_block()`` began in its place."""

    def __init__(self, context: MigrationContext) -> None:
        self.context = context

    def commit(self) -> None:
        t = self.context._transaction
        assert t is not None
        t.commit()
        self.context._transaction = None

    def rollback(self) -> None:
        t = self.context._transaction
        assert t is not None
        t.rollback()
        self.context._transaction = None

    def __enter__(self) -> _Transaction:
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        t = self.context._transaction
        if t is not None:
            t.__exit__(type_, value, traceback)
            self.context._transaction = None


class _NativeTransaction:
    """A transaction on the native connection, with a SQLAlchemy ``Transaction``'s rules:
    once the migration commits or rolls back through ``op.get_bind()`` it is inactive,
    ending its block does nothing more, and committing it is an error."""

    def __init__(self, context: MigrationContext) -> None:
        self.context = context
        self.is_active = True

    def commit(self) -> None:
        if not self.is_active:
            from sqlalchemy.exc import InvalidRequestError

            raise InvalidRequestError("This transaction is inactive")
        self.is_active = False
        self.context._end_native(commit=True)

    def rollback(self) -> None:
        if self.is_active:
            self.is_active = False
            self.context._end_native(commit=False)

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if not self.is_active:
            return
        if type_ is None:
            self.commit()
        else:
            self.rollback()


def _make_dialect(
    connection: Any, url: Any, dialect_name: str | None, dialect_opts: dict[str, Any]
) -> Any:
    """The SQLAlchemy dialect of a connection, a URL or a dialect name, as alembic finds it."""
    from sqlalchemy.engine import Engine, make_url

    if connection is not None:
        if isinstance(connection, Engine):
            raise util.CommandError(
                "'connection' argument to configure() is expected "
                "to be a sqlalchemy.engine.Connection instance, "
                "got %r" % connection
            )
        return connection.dialect
    if url:
        return make_url(url).get_dialect()(**dialect_opts)
    if dialect_name:
        return make_url("%s://" % dialect_name).get_dialect()(**dialect_opts)
    raise Exception("Connection, url, or dialect_name is required.")


class MigrationContext:
    """Runs migrations against one database (or into ``--sql`` text)."""

    def __init__(
        self,
        dialect: Any,
        connection: Any,
        opts: dict[str, Any],
        environment_context: Any = None,
        native: Any = None,
    ) -> None:
        self.environment_context = environment_context
        self.opts = opts
        self.dialect = dialect
        self.script = opts.get("script")
        self.as_sql: bool = opts.get("as_sql", False)
        self._transaction_per_migration = opts.get("transaction_per_migration", False)
        self.on_version_apply_callbacks = opts.get("on_version_apply", ())
        self._migrations_fn = opts.get("fn")
        self.purge = opts.get("purge", False)
        self.connection = connection
        # alembic's MigrationContext._transaction: what begin_transaction() began (a
        # SQLAlchemy Transaction, or a _NativeTransaction on the native executor)
        self._transaction: Any = None
        self._mock_bind: Any = None
        self._lock: tuple[str, str | None, str] | None = None
        if self.as_sql:
            self._in_external_transaction = False
        else:
            self._in_external_transaction = native is None and bool(
                connection is not None and connection.in_transaction()
            )
        output_buffer = opts.get("output_buffer") or sys.stdout
        if "output_encoding" in opts:
            output_buffer = _EncodedIO(output_buffer, opts["output_encoding"])
        self.output_buffer = output_buffer
        self.version_table = opts.get("version_table", "alembic_version")
        self.version_table_schema = opts.get("version_table_schema")
        self.version_table_pk = opts.get("version_table_pk", True)
        self._start_from_rev = opts.get("starting_rev")
        # as configured (None: the dialect's default, which impl.transactional_ddl holds)
        self.transactional_ddl: bool | None = opts.get("transactional_ddl")
        self.impl = MigrationImpl(
            dialect,
            as_sql=self.as_sql,
            transactional_ddl=opts.get("transactional_ddl"),
            output_buffer=self.output_buffer,
            native=native,
            sa_connection=None if self.as_sql else connection,
            literal_binds=opts.get("literal_binds", False),
        )
        if opts.get("literal_binds") and not self.as_sql:
            raise util.CommandError("Can't use literal_binds setting without as_sql mode")
        log.info("Context impl %s.", IMPL_NAMES[self.impl.dialect_name])
        if self.as_sql:
            log.info("Generating static SQL")
        log.info(
            "Will assume %s DDL.",
            "transactional" if self.impl.transactional_ddl else "non-transactional",
        )
        if not self.as_sql:
            log.debug("Executor: %s", self.impl.executor_name)

    @classmethod
    def configure(
        cls,
        connection: Any = None,
        url: Any = None,
        dialect_name: str | None = None,
        dialect: Any = None,
        environment_context: Any = None,
        dialect_opts: dict[str, Any] | None = None,
        opts: dict[str, Any] | None = None,
    ) -> MigrationContext:
        """A MigrationContext outside of env.py, as alembic's: on the application's own
        connection (``get_current_revision()``, standalone ``Operations(context)``), or for
        a dialect alone with ``opts={"as_sql": True}`` to produce SQL text.

        Statements run on the connection given, in its transaction, which the caller
        commits; the native executor is for migration runs, where alembic-rs owns it.
        """
        if connection is not None or url or dialect_name or dialect is None:
            # alembic's order: the connection's dialect, the URL's, the name's, then dialect=
            dialect = _make_dialect(connection, url, dialect_name, dialect_opts or {})
        return cls(dialect, connection, dict(opts or {}), environment_context)

    # -- version table -------------------------------------------------------------

    def _version_sql(
        self, action: VersionTableAction, version: str | None = None, to: str | None = None
    ) -> str:
        sql = self._version_sql_offline(action, version, to)
        if action == "create" and not self.as_sql:
            # online, SQLAlchemy sends its DDL with tabs (SQLite keeps the text as sent)
            sql = sql.replace("\n    ", "\n\t")
        return sql

    def _version_sql_offline(
        self, action: VersionTableAction, version: str | None = None, to: str | None = None
    ) -> str:
        return _native.version_table_sql(
            self.impl.dialect_name,
            action,
            self.version_table,
            self.version_table_schema,
            self.version_table_pk,
            version,
            to,
            # SQLAlchemy adds RETURNING where the dialect has it: read, as it varies by release
            returning=bool(getattr(self.dialect, "insert_returning", False)),
        )

    def _has_version_table(self) -> bool:
        return self.impl.has_table(self.version_table, self.version_table_schema)

    def _ensure_version_table(self, purge: bool = False) -> None:
        if self.as_sql:
            self.impl.exec_sql(self._version_sql("create"))
            return
        table = self.version_table
        if self.version_table_schema:
            table = f"{self.version_table_schema}.{table}"
        if not self._has_version_table():
            with self._labelled(f"creating the version table {table}"):
                self._autocommit_scope(lambda: self.impl.exec_sql(self._version_sql("create")))
        if purge:
            with self._labelled(f"emptying the version table {table}"):
                self._autocommit_scope(lambda: self.impl.exec_sql(self._version_sql("delete_all")))

    @contextmanager
    def _labelled(self, label: str) -> Iterator[None]:
        """Statements sent inside fail with ``<label> failed: <error> [SQL: ...]``."""
        previous, self.impl.label = self.impl.label, label
        try:
            yield
        finally:
            self.impl.label = previous

    def _autocommit_scope(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` in its own transaction unless one is open already."""
        if self.impl.in_transaction() or self._in_external_transaction:
            fn()
            return
        self.impl.begin()
        try:
            fn()
        except BaseException:
            self.impl.rollback()
            raise
        self.impl.commit()

    def get_current_revision(self) -> str | None:
        heads = self.get_current_heads()
        if not heads:
            return None
        if len(heads) > 1:
            raise util.CommandError(
                "Version table '%s' has more than one head present; "
                "please use get_current_heads()" % self.version_table
            )
        return heads[0]

    def get_current_heads(self) -> tuple[str, ...]:
        if self.as_sql:
            start = self._start_from_rev
            if start == "base":
                start = None
            elif start is not None and self.script:
                start = [
                    self.script.get_revision(s).revision
                    for s in util.to_list(start) or []
                    if s not in (None, "base")
                ]
            return util.to_tuple(start, default=()) or ()
        if self._start_from_rev:
            raise util.CommandError(
                "Can't specify current_rev to context when using a database connection"
            )
        if not self._has_version_table():
            return ()
        return tuple(row[0] for row in self.impl.query(self._version_sql("select")))

    def _apply_version_actions(
        self,
        actions: list[tuple[Literal["insert", "update", "delete"], str | None, str | None]],
    ) -> None:
        # alembic trusts a driver's row count only where the dialect says it is sane;
        # the native drivers' counts always are
        counted = self.impl.native is not None or getattr(
            self.dialect, "supports_sane_rowcount", True
        )
        for action, version, to in actions:
            check = None
            if not counted:
                pass
            elif action == "update":
                check = self._expect_one_row(f"updating '{version}' to '{to}'")
            elif action == "delete":
                check = self._expect_one_row(f"deleting '{version}'")
            self.impl.exec_sql(self._version_sql(action, version, to), check)

    def _expect_one_row(self, doing: str) -> Callable[[int], None]:
        """alembic's check that a version UPDATE/DELETE matched exactly one row."""

        def check(rowcount: int) -> None:
            if rowcount != 1:
                raise util.CommandError(
                    "Online migration expected to match one row when %s in '%s'; %d found"
                    % (doing, self.version_table, rowcount)
                )

        return check

    # -- transactions ------------------------------------------------------------------

    def begin_transaction(self, _per_migration: bool = False) -> Any:
        """alembic's rules: one transaction per run, or per migration when configured."""
        if self._in_external_transaction:
            return nullcontext()
        if self.impl.transactional_ddl:
            transaction_now = _per_migration == self._transaction_per_migration
        else:
            transaction_now = _per_migration is True
        if not transaction_now:
            return nullcontext()
        if self.as_sql:
            if not self.impl.transactional_ddl:
                return nullcontext()

            @contextmanager
            def begin_commit() -> Iterator[None]:
                self.impl.emit_begin()
                yield
                self.impl.emit_commit()

            return begin_commit()
        if not self.impl.transactional_ddl and self._transaction is not None:
            return nullcontext()
        self._transaction = self._begin()
        return _Transaction(self)

    def _begin(self) -> Any:
        """Begin a transaction, or adopt the one the connection began by itself."""
        if self.impl.native is None:
            return self.impl.begin()
        if not self.impl.in_transaction():
            self.impl.begin()
        return _NativeTransaction(self)

    def _end_native(self, commit: bool) -> None:
        """End the native transaction; before a commit, what is pending runs and is checked."""
        if commit:
            try:
                # the batch's errors and version-row checks surface here, before COMMIT
                if self.impl.native is not None:
                    self.impl.sync()
            except BaseException:
                self.impl.rollback()
                raise
            self.impl.commit()
        else:
            self.impl.rollback()

    def _transaction_ended_through_bind(self) -> None:
        """``op.get_bind().commit()`` / ``.rollback()``: as on alembic's SQLAlchemy
        connection, the transaction begin_transaction() began is over, and the next
        statement begins another, which only a later commit keeps."""
        if isinstance(self._transaction, _NativeTransaction):
            self._transaction.is_active = False
        self.impl.autobegin = True

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        """Leave the transaction for statements that cannot run inside one (alembic's
        steps: commit the transaction the connection is in, run the block in AUTOCOMMIT,
        then begin a new transaction if there was one)."""
        if self.impl.native is not None and not self.as_sql:
            self.impl.sync()
        in_transaction = not self.as_sql and self.impl.in_transaction()
        if self.impl.transactional_ddl and self.as_sql:
            self.impl.emit_commit()
        elif in_transaction:
            if self._transaction is None:
                # alembic stops on a bare assert here (exit status 1); we say why
                raise AssertionError(
                    "autocommit_block() found the connection inside a transaction that "
                    "the migration did not begin (env.py's own): commit it first"
                )
            self._transaction.commit()
            self._transaction = None
        if not self.as_sql:
            self.impl.enter_autocommit()
        try:
            yield
        finally:
            if not self.as_sql:
                self.impl.leave_autocommit()
            if self.impl.transactional_ddl and self.as_sql:
                self.impl.emit_begin()
            elif in_transaction:
                self._transaction = self._begin()

    # -- running --------------------------------------------------------------------------

    def stamp(self, script_directory: Any, revision: Any) -> None:
        self._acquire_lock()
        heads = self.get_current_heads()
        if not self.as_sql and not heads:
            self._ensure_version_table()
        current = list(heads)
        for step in script_directory._stamp_revs(revision, heads):
            current, actions = script_directory._map.update_heads(current, step.native)
            self._apply_version_actions(actions)
        if self.impl.native is not None:
            self.impl.sync()

    # -- the migration lock -------------------------------------------------------------

    def _acquire_lock(self) -> None:
        """Hold the database's migration lock for the rest of the run (online, native)."""
        native = self.impl.native
        if native is None or self._lock is not None or not self.opts.get("migration_lock", True):
            return
        timeout = float(self.opts.get("migration_lock_timeout", DEFAULT_LOCK_TIMEOUT))
        database = native.database_name() or ""
        key = (database, self.version_table_schema, self.version_table)
        if not native.acquire_migration_lock(*key, timeout):
            raise util.CommandError(
                f"Timed out after {timeout:g} s waiting for the migration lock on database "
                f"'{database}' (version table '{self.version_table}'): another migration "
                "run holds it\nhint: wait for that run to finish, or raise "
                "migration_lock_timeout in context.configure()"
            )
        self._lock = key

    def _release_lock(self) -> None:
        """Give the lock back; closing the session would release it too."""
        if self._lock is None:
            return
        key, self._lock = self._lock, None
        native = self.impl.native
        if native.in_transaction:
            native.rollback()
        native.release_migration_lock(*key)

    def run_migrations(self, **kw: Any) -> None:
        """Run each step from the planner, with its version-table update."""
        if not self.opts.get("dont_mutate", False):
            self._acquire_lock()
        if self.purge:
            if self.as_sql:
                raise util.CommandError("Can't use --purge with --sql mode")
            self._ensure_version_table(purge=True)
            heads: tuple[str, ...] = ()
        else:
            heads = self.get_current_heads()
            if not self.as_sql and not heads and not self.opts.get("dont_mutate", False):
                self._ensure_version_table()
        current = list(heads)
        assert self._migrations_fn is not None
        try:
            self._run_steps(current, kw)
            if self.impl.native is not None:
                # the last statements go now, even if env.py never ends a transaction
                self.impl.sync()
        finally:
            if self.as_sql:
                self.output_buffer.flush()

    def _run_steps(self, current: list[str], kw: dict[str, Any]) -> None:
        heads = tuple(current)
        assert self._migrations_fn is not None
        for step in self._migrations_fn(heads, self):
            with self.begin_transaction(_per_migration=True):
                if self.as_sql and not current:
                    self.impl.exec_sql(self._version_sql("create"))
                log.info("Running %s", step)
                if self.as_sql:
                    self.impl.emit_step_comment(step.short_log)
                current = self._run_step(step, kw, current)
                for callback in self.on_version_apply_callbacks:
                    callback(ctx=self, step=step.info, heads=set(current), run_args=kw)

    def _run_step(self, step: MigrationStep, kw: dict[str, Any], heads: list[str]) -> list[str]:
        """Run one step and its version-table update; return the new heads.

        Online on the native connection, the step's statements and its version update
        travel together (``impl.flush``). A database error becomes a ``MigrationError``
        naming the revision, its file and the failing statement.
        """
        from .. import _native

        revision = step.revision
        where = f"revision {revision.revision} ({revision.path})" if revision else str(step)
        label = f"{step.name} of {where}"
        with self._labelled(label):
            try:
                step.migration_fn(**kw)
                assert self.script is not None
                heads, actions = self.script._map.update_heads(heads, step.native)
                self._apply_version_actions(actions)
                # statements travel in large batches (few round trips to a distant server),
                # sent in the background while the next revisions run their Python
                if self.impl.native is not None and self.impl.pending >= FLUSH_AT:
                    self.impl.flush()
            except _native.DatabaseError as e:
                raise util.exc.MigrationError(f"{label} failed: {e}") from e
            except Exception as e:
                # a statement of op.get_bind() or op.run_async's connection: SQLAlchemy
                # wraps the error of our DBAPI (runtime/dbapi.py); it fails the step alike
                reason = _native_bind_error(e)
                if reason is None:
                    raise
                raise util.exc.MigrationError(f"{label} failed: {reason}") from e
        return heads

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> None:
        self.impl.execute(sql, execution_options)

    def url_for_display(self) -> str:
        """The database URL with its password hidden (``current -v``)."""
        if self.connection is not None:
            return util.obfuscate_url_pw(self.connection.engine.url)
        return util.obfuscate_url_pw(self.opts.get("url") or "")

    @property
    def bind(self) -> Any:
        """The connection migrations use: on the native executor, a SQLAlchemy connection
        that runs inside the migration's own transaction (``runtime/dbapi.py``); in
        ``--sql`` mode, as in alembic, a mock connection whose statements are written to
        the output (op plugins that run their SQL through ``op.get_bind()`` work offline)."""
        if self.as_sql:
            if self._mock_bind is None:
                from sqlalchemy.engine.mock import MockConnection

                def dump(construct: Any, *multiparams: Any, **params: Any) -> None:
                    # alembic's dump passes no parameters on either
                    self.impl.exec_construct(construct)

                self._mock_bind = MockConnection(self.dialect, dump)
            return self._mock_bind
        if self.impl.native is None:
            return self.connection
        return self._native_bind(is_async=False)

    @property
    def async_bind(self) -> Any:
        """On the native executor, the ``AsyncConnection`` ``op.run_async`` hands its
        function: like ``bind``, on the migration's own connection and transaction."""
        from sqlalchemy.ext.asyncio import AsyncConnection

        assert self.impl.native is not None
        return AsyncConnection._retrieve_proxy_for_target(self._native_bind(is_async=True))

    def _native_bind(self, is_async: bool) -> Any:
        from .dbapi import bind_for

        return bind_for(
            self.impl.native,
            self.dialect.name,
            self._transaction_ended_through_bind,
            before_execute=self.impl.before_bind_statement,
            is_async=is_async,
            driver_paramstyle=self.dialect.paramstyle,
        )

    @property
    def config(self) -> Any:
        return self.environment_context.config if self.environment_context else None


def _native_bind_error(error: Exception) -> str | None:
    """The message of a SQLAlchemy error raised by a statement on the native connection's
    DBAPI (``runtime/dbapi.py``), with its SQL; None for any other error."""
    from . import dbapi

    orig = getattr(error, "orig", None)
    if not isinstance(orig, dbapi.Error):
        return None
    statement = getattr(error, "statement", None)
    if orig.sql is None and statement:
        return f"{orig}\n[SQL: {statement}]"
    return str(orig)


class _EncodedIO:
    """A text stream written in the configured ``output_encoding``."""

    def __init__(self, stream: Any, encoding: str) -> None:
        self._stream = stream
        self._encoding = encoding

    def write(self, text: str) -> None:
        data = text.encode(self._encoding, "replace").decode(self._encoding)
        self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()
