"""``Operations``: the ``op.*`` API. Each call builds an op object (``ops.py``) and invokes it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

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

    def _run_spec(self, built: dict[str, Any], operation: Any) -> None:
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
        """Run an async function with an ``AsyncConnection`` on the migration's connection.

        As in alembic this needs the migration to run on an async SQLAlchemy connection;
        alembic-rs runs migrations on its native connection unless the given connection is
        already inside a transaction, so begin one in env.py
        (``connection.begin()`` before ``context.configure``) to use ``run_async``.
        """
        sync_conn = self.get_bind()
        if sync_conn is None:
            raise NotImplementedError("Cannot call run_async in SQL mode")
        if not sync_conn.dialect.is_async:
            user_conn = self.migration_context.connection
            if user_conn is not None and user_conn.dialect.is_async:
                raise util.CommandError(
                    "op.run_async() needs the migration on the async connection env.py gave, "
                    "but alembic-rs runs it on its native connection\nhint: begin a "
                    "transaction on that connection before context.configure() to keep "
                    "the migration on it"
                )
            raise ValueError("Cannot call run_async with a sync engine")
        from sqlalchemy.ext.asyncio import AsyncConnection
        from sqlalchemy.util import await_only

        async_conn = AsyncConnection._retrieve_proxy_for_target(sync_conn)
        return await_only(async_function(async_conn, *args, **kw_args))

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
