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
