"""``Operations``: the ``op.*`` API. Each call becomes a plain spec that Rust renders."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, NoReturn

from .. import util

_current: list[Operations] = []


def current_operations() -> Operations:
    """The Operations object of the migration now running."""
    if not _current:
        raise NameError(
            "Can't invoke function 'op', as the proxy object has not yet been "
            "established for the Alembic 'Operations' class.  Try placing this "
            "code inside a callable."
        )
    return _current[-1]


class Operations:
    """The migration operations, as alembic's ``Operations`` offers them."""

    _to_impl: dict[type, Callable[..., Any]] = {}

    def __init__(self, migration_context: Any, impl: Any = None) -> None:
        self.migration_context = migration_context
        self.impl = impl or migration_context.impl

    @classmethod
    @contextmanager
    def context(cls, migration_context: Any) -> Iterator[Operations]:
        ops = cls(migration_context)
        _current.append(ops)
        try:
            yield ops
        finally:
            _current.remove(ops)

    # -- plugin API (alembic_utils, alembic-postgresql-enum ...) -------------------------

    @classmethod
    def register_operation(cls, name: str, sourcename: str | None = None) -> Callable[[Any], Any]:
        """Class decorator: make ``op.<name>`` call ``op_cls.<sourcename or name>``."""

        def register(op_cls: Any) -> Any:
            source = getattr(op_cls, sourcename or name)

            def method(self: Operations, *args: Any, **kw: Any) -> Any:
                return source(self, *args, **kw)

            method.__name__ = name
            method.__doc__ = source.__doc__
            setattr(cls, name, method)
            return op_cls

        return register

    @classmethod
    def implementation_for(cls, op_cls: type) -> Callable[[Any], Any]:
        """Decorator: the function that carries out ``op_cls`` operations."""

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            cls._to_impl[op_cls] = fn
            return fn

        return decorate

    def invoke(self, operation: Any) -> Any:
        """Carry out a ``MigrateOperation`` object."""
        for klass in type(operation).__mro__:
            fn = self._to_impl.get(klass)
            if fn is not None:
                return fn(self, operation)
        to_spec = getattr(operation, "to_spec", None)
        if to_spec is not None:
            return self.impl.run_op(to_spec(self.impl.dialect))
        raise util.CommandError(
            f"No implementation registered for operation {type(operation).__name__}"
        )

    # -- helpers ---------------------------------------------------------------------------

    def _run(self, name: str, *args: Any, **kw: Any) -> Any:
        from . import spec

        built = getattr(spec, name)(self.impl.dialect, *args, **kw)
        self.impl.run_op(built)
        return None

    def get_context(self) -> Any:
        return self.migration_context

    def get_bind(self) -> Any:
        """The connection the migration runs on."""
        return self.migration_context.bind

    @contextmanager
    def autocommit_block(self) -> Iterator[None]:
        with self.migration_context.autocommit_block():
            yield

    def run_async(self, async_function: Callable[..., Any], *args: Any, **kw_args: Any) -> Any:
        """Run ``async_function(async_connection, *args, **kw_args)`` and return its result.

        ``async_connection`` is a SQLAlchemy ``AsyncConnection`` on the migration's
        connection and transaction. As in alembic, env.py's engine must be async. On the
        native executor it is an async engine over the native connection (``op.get_bind()``
        is its sync twin), so it sees the migration's uncommitted DDL.
        """
        from sqlalchemy.util import await_only

        context = self.migration_context
        if context.as_sql:
            _run_async_offline(context.dialect)
        if context.impl.native is None:
            # the migration runs on env.py's connection, as in alembic
            from sqlalchemy.ext.asyncio import AsyncConnection

            sync_conn = context.bind
            if sync_conn is None:
                raise NotImplementedError("Cannot call run_async in SQL mode")
            if not sync_conn.dialect.is_async:
                raise ValueError("Cannot call run_async with a sync engine")
            async_conn = AsyncConnection._retrieve_proxy_for_target(sync_conn)
            return await_only(async_function(async_conn, *args, **kw_args))
        user_conn = context.connection
        user_dialect = user_conn.dialect if user_conn is not None else context.dialect
        if not user_dialect.is_async:
            raise ValueError("Cannot call run_async with a sync engine")
        from sqlalchemy.util import greenlet_spawn

        async def run() -> Any:
            # made in a greenlet: an async engine's first connect awaits an asyncio lock
            async_conn = await greenlet_spawn(lambda: context.async_bind)
            return await async_function(async_conn, *args, **kw_args)

        return _run_coroutine(run())

    @staticmethod
    def inline_literal(value: Any, type_: Any = None) -> Any:
        """A value written into the SQL text itself, in online and ``--sql`` mode alike."""
        return _inline_literal(value, type_)

    @staticmethod
    def f(name: str) -> Any:
        from sqlalchemy.sql.elements import conv

        return conv(name)

    # -- the operations -----------------------------------------------------------------

    @contextmanager
    def batch_alter_table(
        self,
        table_name: str,
        schema: str | None = None,
        recreate: str = "auto",
        partial_reordering: Sequence[Sequence[str]] | None = None,
        copy_from: Any = None,
        table_args: Sequence[Any] = (),
        table_kwargs: Any = None,
        reflect_args: Sequence[Any] = (),
        reflect_kwargs: Any = None,
        naming_convention: Any = None,
    ) -> Iterator[Any]:
        """Collect operations on one table and run them together at the end of the block.

        On SQLite, anything beyond ADD COLUMN and indexes recreates the table ("move and
        copy"); elsewhere each operation is a plain ALTER.
        """
        from .batch import BatchOperations

        batch_op = BatchOperations(
            self,
            table_name,
            schema,
            recreate,
            copy_from,
            table_args,
            table_kwargs or {},
            reflect_args,
            reflect_kwargs or {},
            naming_convention,
            partial_reordering,
        )
        yield batch_op
        batch_op.flush()

    def create_table(self, table_name: str, *columns: Any, **kw: Any) -> Any:
        from . import spec

        built, table = spec.create_table_with_table(self.impl.dialect, table_name, *columns, **kw)
        self.impl.run_op(built)
        return table

    def drop_table(self, table_name: str, **kw: Any) -> None:
        self._run("drop_table", table_name, **kw)

    def add_column(self, table_name: str, column: Any, **kw: Any) -> None:
        self._run("add_column", table_name, column, **kw)

    def drop_column(self, table_name: str, column_name: str, **kw: Any) -> None:
        self._run("drop_column", table_name, column_name, **kw)

    def alter_column(self, table_name: str, column_name: str, **kw: Any) -> None:
        self._run("alter_column", table_name, column_name, **kw)

    def create_index(
        self, index_name: str | None, table_name: str, columns: Any, **kw: Any
    ) -> None:
        self._run("create_index", index_name, table_name, columns, **kw)

    def drop_index(self, index_name: str, table_name: str | None = None, **kw: Any) -> None:
        self._run("drop_index", index_name, table_name, **kw)

    def create_foreign_key(
        self,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        **kw: Any,
    ) -> None:
        self._run(
            "create_foreign_key",
            constraint_name,
            source_table,
            referent_table,
            local_cols,
            remote_cols,
            **kw,
        )

    def create_unique_constraint(
        self, constraint_name: str | None, table_name: str, columns: Sequence[str], **kw: Any
    ) -> None:
        self._run("create_unique_constraint", constraint_name, table_name, columns, **kw)

    def create_primary_key(
        self, constraint_name: str | None, table_name: str, columns: list[str], **kw: Any
    ) -> None:
        self._run("create_primary_key", constraint_name, table_name, columns, **kw)

    def create_check_constraint(
        self, constraint_name: str | None, table_name: str, condition: Any, **kw: Any
    ) -> None:
        self._run("create_check_constraint", constraint_name, table_name, condition, **kw)

    def create_exclude_constraint(
        self, constraint_name: str, table_name: str, *elements: Any, **kw: Any
    ) -> None:
        self._run("create_exclude_constraint", constraint_name, table_name, *elements, **kw)

    def drop_constraint(
        self, constraint_name: str, table_name: str, type_: str | None = None, **kw: Any
    ) -> None:
        self._run("drop_constraint", constraint_name, table_name, type_, **kw)

    def rename_table(self, old_table_name: str, new_table_name: str, **kw: Any) -> None:
        self._run("rename_table", old_table_name, new_table_name, **kw)

    def create_table_comment(self, table_name: str, comment: str | None, **kw: Any) -> None:
        self._run("create_table_comment", table_name, comment, **kw)

    def drop_table_comment(self, table_name: str, **kw: Any) -> None:
        self._run("drop_table_comment", table_name, **kw)

    def execute(self, sqltext: Any, *, execution_options: dict[str, Any] | None = None) -> None:
        """Run a SQL string, ``text()`` or Core statement."""
        self.migration_context.execute(sqltext, execution_options=execution_options)

    def bulk_insert(
        self, table: Any, rows: list[dict[str, Any]], *, multiinsert: bool = True
    ) -> None:
        self._run("bulk_insert", table, rows, multiinsert=multiinsert)


def _inline_literal(value: Any, type_: Any = None) -> Any:
    from sqlalchemy.ext.compiler import compiles
    from sqlalchemy.sql.elements import BindParameter

    global _LiteralBind
    if _LiteralBind is None:

        class LiteralBind(BindParameter):  # type: ignore[type-arg]
            """A bound value that always renders inline."""

            inherit_cache = True

        @compiles(LiteralBind)
        def _render(element: Any, compiler: Any, **kw: Any) -> str:
            return compiler.render_literal_bindparam(element, **kw)

        _LiteralBind = LiteralBind
    return _LiteralBind(None, value, type_=type_, unique=True)


_LiteralBind: Any = None


def _run_coroutine(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run ``op.run_async``'s coroutine to the end from the migration's sync code.

    Inside SQLAlchemy's greenlet (env.py's ``await connection.run_sync(...)``) it is
    awaited on env.py's own event loop, as alembic does. With no loop running it gets one
    of its own. With a loop running in this thread but no greenlet to hand it over, this
    sync code cannot await it: it runs on a fresh loop in a worker thread while the
    migration waits (the native connection is safe to use from there).
    """
    import asyncio

    from sqlalchemy.util import await_only
    from sqlalchemy.util.concurrency import in_greenlet

    if in_greenlet():
        return await_only(coro)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    context = contextvars.copy_context()
    with ThreadPoolExecutor(1, thread_name_prefix="alembic-rs-run-async") as pool:
        return pool.submit(context.run, asyncio.run, coro).result()


def _run_async_offline(dialect: Any) -> NoReturn:
    """``op.run_async`` in ``--sql`` mode fails as in alembic, whose bind there is a mock
    connection of the configured dialect: a sync dialect raises ``ValueError``; with an
    async one alembic's ``await_only`` raises ``MissingGreenlet`` outside a greenlet, and
    inside one there is still no database for the function to run on."""
    from sqlalchemy.util import await_only
    from sqlalchemy.util.concurrency import in_greenlet

    if not dialect.is_async:
        raise ValueError("Cannot call run_async with a sync engine")
    if not in_greenlet():
        # SQLAlchemy's own MissingGreenlet, message and all
        await_only(_nothing())
    raise NotImplementedError("Cannot call run_async in SQL mode")


async def _nothing() -> None:
    pass
