"""``alembic.autogenerate.api``: the names plugins import from it."""

from __future__ import annotations

from typing import Any


class AutogenContext:
    """What a comparator or renderer gets: here only a holder for plugin type hints."""

    def __init__(self, migration_context: Any, metadata: Any = None, opts: Any = None) -> None:
        self.migration_context = migration_context
        self.metadata = metadata
        self.opts = opts or {}
        self.imports: set[str] = set()
