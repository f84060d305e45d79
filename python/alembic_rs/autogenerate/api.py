"""``alembic.autogenerate.api``: the names plugins import from it."""

from __future__ import annotations

from typing import Any

from .. import util
from . import compare


class AutogenContext:
    """What a comparator or renderer gets (alembic's ``AutogenContext``)."""

    def __init__(
        self,
        migration_context: Any,
        metadata: Any = None,
        opts: dict[str, Any] | None = None,
        autogenerate: bool = True,
    ) -> None:
        if autogenerate and migration_context is not None and migration_context.as_sql:
            raise util.CommandError(
                "autogenerate can't use as_sql=True as it prevents querying "
                "the database for schema information"
            )
        if autogenerate:
            self.comparators = compare.comparators.branch()
        if opts is None:
            opts = migration_context.opts
        self.metadata = opts.get("target_metadata") if metadata is None else metadata
        self.migration_context = migration_context
        self.connection = migration_context.bind
        self.dialect = migration_context.dialect
        self.imports: set[str] = set()
        self.opts: dict[str, Any] = opts
        self._has_batch = False


def _not_yet(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"autogenerate ({name}, revision --autogenerate) is not in alembic-rs yet"
    )


# alembic's public autogenerate entry points: tools import them at import time
# (pytest-alembic's experimental tests do), so they exist; calling one says what is missing
def compare_metadata(context: Any, metadata: Any) -> Any:
    """Not in alembic-rs yet: raises ``NotImplementedError`` (autogenerate)."""
    raise _not_yet("compare_metadata")


def produce_migrations(context: Any, metadata: Any) -> Any:
    """Not in alembic-rs yet: raises ``NotImplementedError`` (autogenerate)."""
    raise _not_yet("produce_migrations")


def render_python_code(up_or_down_op: Any, **kw: Any) -> str:
    """Not in alembic-rs yet: raises ``NotImplementedError`` (autogenerate)."""
    raise _not_yet("render_python_code")
