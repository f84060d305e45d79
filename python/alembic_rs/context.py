"""``alembic.context``: module-level access to the running ``EnvironmentContext``."""

from __future__ import annotations

from typing import Any

from .runtime.environment import current_environment


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(current_environment(), name)
