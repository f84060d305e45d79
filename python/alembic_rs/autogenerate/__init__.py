"""``alembic.autogenerate`` as plugins use it at import time.

Op plugins (alembic_utils, alembic-postgresql-enum ...) register comparators and
renderers here when they are imported, long before anything is compared. alembic-rs
keeps what they register, so their operations load and run; comparing a database
with the models (``revision --autogenerate``) is not part of alembic-rs yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..util import DispatchPriority


class Dispatcher:
    """Functions registered per target (alembic's ``util.Dispatcher``)."""

    def __init__(self) -> None:
        self._registry: dict[tuple[Any, str], Callable[..., Any]] = {}

    def dispatch_for(
        self, target: Any, *, qualifier: str = "default", replace: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            if (target, qualifier) in self._registry and not replace:
                raise ValueError(
                    "Can not set dispatch function for object "
                    f"{target!r}: key already exists. To replace "
                    "existing function, use replace=True."
                )
            self._registry[(target, qualifier)] = fn
            return fn

        return decorate


class PriorityDispatcher:
    """Comparators registered per target, priority and subgroup."""

    def __init__(self) -> None:
        self._registry: dict[tuple[Any, str, Any], list[Callable[..., Any]]] = {}

    def dispatch_for(
        self,
        target: str,
        *,
        priority: DispatchPriority = DispatchPriority.MEDIUM,
        qualifier: str = "default",
        subgroup: str | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            self._registry.setdefault((target, qualifier, priority), []).append(fn)
            return fn

        return decorate


comparators = PriorityDispatcher()
renderers = Dispatcher()

__all__ = ["comparators", "renderers"]
