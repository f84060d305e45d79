"""Make ``import alembic`` resolve to alembic-rs while user code runs.

env.py and revision scripts say ``from alembic import op, context``. While
alembic-rs runs them, ``alembic`` and its submodules are our modules, even when
real alembic is installed; afterwards ``sys.modules`` is put back as it was.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# the alembic API version these modules follow
ALEMBIC_API_VERSION = "1.20.1"

# alembic module name -> our module name
ALIASES = {
    "alembic.op": "alembic_rs.op",
    "alembic.context": "alembic_rs.context",
    "alembic.config": "alembic_rs.config",
    "alembic.command": "alembic_rs.command",
    "alembic.script": "alembic_rs.script",
    "alembic.script.base": "alembic_rs.script.base",
    "alembic.script.revision": "alembic_rs.script.revision",
    "alembic.script.write_hooks": "alembic_rs.script.write_hooks",
    "alembic.runtime": "alembic_rs.runtime",
    "alembic.runtime.migration": "alembic_rs.runtime.migration",
    "alembic.runtime.environment": "alembic_rs.runtime.environment",
    "alembic.operations": "alembic_rs.operations",
    "alembic.operations.base": "alembic_rs.operations.base",
    "alembic.operations.ops": "alembic_rs.operations.ops",
    "alembic.operations.toimpl": "alembic_rs.operations.toimpl",
    "alembic.operations.batch": "alembic_rs.operations.batch",
    "alembic.operations.schemaobj": "alembic_rs.operations.schemaobj",
    "alembic.autogenerate": "alembic_rs.autogenerate",
    "alembic.autogenerate.api": "alembic_rs.autogenerate.api",
    "alembic.autogenerate.compare": "alembic_rs.autogenerate.compare",
    "alembic.autogenerate.render": "alembic_rs.autogenerate.render",
    "alembic.util": "alembic_rs.util",
    "alembic.util.exc": "alembic_rs.util.exc",
    "alembic.util.messaging": "alembic_rs.util.messaging",
    "alembic.util.langhelpers": "alembic_rs.util.langhelpers",
}


def _package() -> types.ModuleType:
    """The module that stands for the ``alembic`` package."""
    from . import command, config, context, op

    pkg = types.ModuleType("alembic", "alembic-rs standing in for alembic")
    pkg.__path__ = []  # a package, so submodule imports go through the finder
    pkg.__version__ = ALEMBIC_API_VERSION  # type: ignore[attr-defined]
    pkg.op = op  # type: ignore[attr-defined]
    pkg.context = context  # type: ignore[attr-defined]
    pkg.command = command  # type: ignore[attr-defined]
    pkg.config = config  # type: ignore[attr-defined]
    return pkg


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``alembic.*`` imports from our modules."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname in ALIASES:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if fullname.startswith("alembic."):
            # an alembic module we do not provide: fail clearly, never load real alembic's
            raise ImportError(f"alembic-rs does not provide '{fullname}'", name=fullname)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return importlib.import_module(ALIASES[spec.name])

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_depth = 0
_saved: dict[str, Any] = {}
_finder = _AliasFinder()


@contextmanager
def _alias() -> Iterator[None]:
    global _depth
    if _depth == 0:
        _saved.clear()
        for name in list(sys.modules):
            if name == "alembic" or name.startswith("alembic."):
                _saved[name] = sys.modules.pop(name)
        sys.modules["alembic"] = _package()
        sys.meta_path.insert(0, _finder)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            sys.meta_path.remove(_finder)
            for name in list(sys.modules):
                if name == "alembic" or name.startswith("alembic."):
                    del sys.modules[name]
            sys.modules.update(_saved)
            _saved.clear()


def alias_alembic() -> Any:
    """A context manager during which ``import alembic`` gives alembic-rs."""
    return _alias()
