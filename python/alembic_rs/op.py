"""``alembic.op``: module-level access to the running ``Operations``."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from .operations.base import current_operations

    return getattr(current_operations(), name)
