"""Registries keyed by class or name (alembic's ``util.Dispatcher`` / ``PriorityDispatcher``)."""

from __future__ import annotations

import enum

# typing is imported only by type checkers: read commands import this module
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    _Fn = Callable[..., Any]


class DispatchPriority(enum.IntEnum):
    """The order plugins' comparators run in (alembic's ``util.DispatchPriority``)."""

    FIRST = 50
    MEDIUM = 25
    LAST = 10


class Dispatcher:
    """Functions registered per target (a class or a name) and qualifier.

    ``dispatch(obj)`` walks the MRO of the object's class, so a function registered
    for a base class serves its subclasses unless they have their own.
    """

    def __init__(self) -> None:
        self._registry: dict[tuple[Any, str], _Fn] = {}

    def dispatch_for(
        self, target: Any, *, qualifier: str = "default", replace: bool = False
    ) -> Callable[[_Fn], _Fn]:
        def decorate(fn: _Fn) -> _Fn:
            if (target, qualifier) in self._registry and not replace:
                raise ValueError(
                    "Can not set dispatch function for object "
                    f"{target!r}: key already exists. To replace "
                    "existing function, use replace=True."
                )
            self._registry[(target, qualifier)] = fn
            return fn

        return decorate

    def dispatch(self, obj: Any, qualifier: str = "default") -> _Fn:
        if isinstance(obj, str):
            targets: tuple[Any, ...] = (obj,)
        elif isinstance(obj, type):
            targets = obj.__mro__
        else:
            targets = type(obj).__mro__
        qualifiers = (qualifier, "default") if qualifier != "default" else ("default",)
        registry = self._registry
        for target in targets:
            for q in qualifiers:
                fn = registry.get((target, q))
                if fn is not None:
                    return fn
        raise ValueError(f"no dispatch function for object: {obj}")

    def branch(self) -> Dispatcher:
        """An independently writable copy."""
        d = Dispatcher()
        d._registry.update(self._registry)
        return d


class PriorityDispatcher:
    """Lists of functions per target, priority, qualifier and subgroup."""

    def __init__(self) -> None:
        self._registry: dict[tuple[Any, str, DispatchPriority], list[_Fn]] = {}

    def dispatch_for(
        self,
        target: str,
        *,
        priority: DispatchPriority = DispatchPriority.MEDIUM,
        qualifier: str = "default",
        subgroup: str | None = None,
    ) -> Callable[[_Fn], _Fn]:
        def decorate(fn: _Fn) -> _Fn:
            self._registry.setdefault((target, qualifier, priority), []).append(fn)
            return fn

        return decorate

    def branch(self) -> PriorityDispatcher:
        """An independently writable copy."""
        d = PriorityDispatcher()
        for key, fns in self._registry.items():
            d._registry[key] = list(fns)
        return d
