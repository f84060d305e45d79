"""``Operations``: the ``op.*`` API. Each call builds an op object (``ops.py``) and invokes it."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy.util import immutabledict

from .. import util
from .batch import BatchOperationsImpl

if TYPE_CHECKING:
    from .spec.types import OpSpec

_current: list[Operations] = []

# alembic's default for batch_alter_table's table_kwargs / reflect_kwargs
_EMPTY: immutabledict[str, Any] = immutabledict({})


def current_operations() -> Operations:
    """The Operations object of the migration now running."""
    if not _current:
        raise NameError(
            "Can't invoke function 'op', as the proxy object has not yet been "
            "established for the Alembic 'Operations' class.  Try placing this "
            "code inside a callable."
        )
    return _current[-1]


class AbstractOperations:
    """What ``Operations`` and ``BatchOperations`` share: the operation registry.

    ``register_operation`` adds an ``op.<name>`` method that calls an op class's
    classmethod, which builds the op object and calls ``invoke``; ``invoke`` runs the
    function ``implementation_for`` registered for the object's class (the nearest in
    its MRO). alembic-rs's own implementations (``toimpl.py``) are registered the same
    way, so ``implementation_for(CreateTableOp, replace=True)`` replaces them.
    """

    _to_impl = util.Dispatcher()

    @classmethod
    def register_operation(cls, name: str, sourcename: str | None = None) -> Callable[[Any], Any]:
        """Class decorator: make ``<name>`` call ``op_cls.<sourcename or name>``."""

        def register(op_cls: Any) -> Any:
            source = getattr(op_cls, sourcename or name)

            def method(self: Any, *args: Any, **kw: Any) -> Any:
                return source(self, *args, **kw)

            method.__name__ = name
            method.__qualname__ = f"{cls.__name__}.{name}"
            method.__doc__ = source.__doc__
            method.__wrapped__ = source  # type: ignore[attr-defined]
            setattr(cls, name, method)
            return op_cls

        return register

    @classmethod
    def implementation_for(cls, op_cls: Any, replace: bool = False) -> Callable[[Any], Any]:
        """Decorator: the function that carries out ``op_cls`` operations.

        As in alembic, an operation that has one already (the built-in ones) takes a new
        one only with ``replace=True``.
        """

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            cls._to_impl.dispatch_for(op_cls, replace=replace)(fn)
            return fn

        return decorate

    def invoke(self, operation: Any) -> Any:
        """Carry out a ``MigrateOperation`` object."""
        return self._to_impl.dispatch(operation)(self, operation)


class Operations(AbstractOperations):
    """The migration operations, as alembic's ``Operations`` offers them.

    The operation methods (``create_table``, ``add_column`` ...) are added by the op
    classes in ``ops.py``, as in alembic.
    """

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

    def _run_spec(self, built: OpSpec, operation: Any) -> None:
        """Run the spec an implementation built for ``operation`` (batches collect it)."""
        self.impl.run_op(built)

    # -- helpers ---------------------------------------------------------------------------

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
        table_kwargs: Any = _EMPTY,
        reflect_args: Sequence[Any] = (),
        reflect_kwargs: Any = _EMPTY,
        naming_convention: Any = None,
    ) -> Iterator[Any]:
        """Collect operations on one table and run them together at the end of the block.

        On SQLite, anything beyond ADD COLUMN and indexes recreates the table ("move and
        copy"); elsewhere each operation is a plain ALTER.
        """
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
        batch_op.impl.flush()


class BatchOperations(AbstractOperations):
    """The ``batch_op`` object of ``with op.batch_alter_table(...) as batch_op``.

    Its methods are alembic's batch methods: the ``op.*`` operations without ``table_name``
    and ``schema``, which the block gives. The op classes add them
    (``BatchOperations.register_operation``); the block itself is its ``impl``
    (``batch.BatchOperationsImpl``).
    """

    def __init__(
        self,
        operations: Any,
        table_name: str,
        schema: str | None,
        recreate: str,
        copy_from: Any,
        table_args: Sequence[Any],
        table_kwargs: Mapping[str, Any],
        reflect_args: Sequence[Any],
        reflect_kwargs: Mapping[str, Any],
        naming_convention: Mapping[str, str] | None,
        partial_reordering: Sequence[Sequence[str]] | None,
    ) -> None:
        self.operations = operations
        self.migration_context = operations.migration_context
        self.impl = BatchOperationsImpl(
            operations.impl,
            operations.migration_context,
            table_name,
            schema,
            recreate,
            copy_from,
            table_args,
            table_kwargs,
            reflect_args,
            reflect_kwargs,
            naming_convention,
            partial_reordering,
        )
        self.table_name = table_name
        self.schema = schema

    def _run_spec(self, built: OpSpec, operation: Any) -> None:
        """A spec joins the block; the block runs them all when it ends."""
        self.impl.add_step(built, operation)

    # -- the rest of the Operations surface -------------------------------------------------

    def get_context(self) -> Any:
        return self.migration_context

    def get_bind(self) -> Any:
        return self.operations.get_bind()

    def inline_literal(self, value: Any, type_: Any = None) -> Any:
        return self.operations.inline_literal(value, type_)

    def f(self, name: str) -> Any:
        return self.operations.f(name)


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
