"""Operation objects for op plugins (``alembic.operations.ops``).

Plugins subclass ``MigrateOperation``, register a method with
``Operations.register_operation`` and an implementation with
``Operations.implementation_for``; ``op.<name>(...)`` then builds the object and
``Operations.invoke`` runs the implementation.
"""

from __future__ import annotations

from typing import Any


class MigrateOperation:
    """Base class of migration operations."""

    @property
    def info(self) -> dict[Any, Any]:
        """A dictionary for plugins to keep what they like."""
        if not hasattr(self, "_info"):
            self._info: dict[Any, Any] = {}
        return self._info

    def reverse(self) -> MigrateOperation:
        raise NotImplementedError()

    def to_diff_tuple(self) -> tuple[Any, ...]:
        raise NotImplementedError()


class ExecuteSQLOp(MigrateOperation):
    """``op.execute(sqltext)`` as an object: ``operations.invoke(ExecuteSQLOp(...))`` works."""

    def __init__(self, sqltext: Any, *, execution_options: dict[str, Any] | None = None) -> None:
        self.sqltext = sqltext
        self.execution_options = execution_options


def _execute_sql(operations: Any, operation: ExecuteSQLOp) -> None:
    operations.migration_context.execute(
        operation.sqltext, execution_options=operation.execution_options
    )


def _register() -> None:
    from .base import Operations

    Operations.implementation_for(ExecuteSQLOp)(_execute_sql)


_register()
