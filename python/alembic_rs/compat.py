"""Make ``import alembic`` resolve to alembic-rs while user code runs, or for good.

env.py and revision scripts say ``from alembic import op, context``. While
alembic-rs runs them, ``alembic`` and its submodules are our modules, even when
real alembic is installed; afterwards ``sys.modules`` is put back as it was.

``install_as_alembic()`` (``pymysql.install_as_MySQLdb()``'s convention) does the
same for the rest of the process, so harnesses written for alembic (pytest-alembic,
an application's own test fixtures) run on alembic-rs.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc

# the alembic API version these modules follow
ALEMBIC_API_VERSION = "1.20.1"

# alembic module name -> our module name
ALIASES = {
    "alembic.op": "alembic_rs.op",
    # alembic's old import paths, which env.py files and pytest-alembic still use
    "alembic.migration": "alembic_rs.migration",
    "alembic.environment": "alembic_rs.environment",
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
    "alembic.util.editor": "alembic_rs.util.editor",
    "alembic.util.pyfiles": "alembic_rs.util.pyfiles",
}


_package_module: types.ModuleType | None = None


def _package() -> types.ModuleType:
    """The module that stands for the ``alembic`` package (one per process)."""
    global _package_module
    if _package_module is not None:
        return _package_module
    from . import command, config, context, op

    our_init = os.path.join(os.path.dirname(__file__), "__init__.py")

    pkg = types.ModuleType("alembic", "alembic-rs standing in for alembic")
    # a package, so submodule imports go through the finder, and nowhere else
    pkg.__spec__ = importlib.machinery.ModuleSpec(
        "alembic", _loader(), origin=our_init, is_package=True
    )
    pkg.__path__ = []
    # code that finds alembic's package directory (its templates) finds ours
    pkg.__file__ = our_init
    pkg.__version__ = ALEMBIC_API_VERSION  # type: ignore[attr-defined]
    pkg.op = op  # type: ignore[attr-defined]
    pkg.context = context  # type: ignore[attr-defined]
    pkg.command = command  # type: ignore[attr-defined]
    pkg.config = config  # type: ignore[attr-defined]
    _package_module = pkg
    return pkg


class _AliasFinder:
    """Serves ``alembic.*`` imports from our modules: a meta path finder and its loader (the
    import system needs only these methods; ``importlib.abc`` would import
    ``importlib.resources`` on every run, several milliseconds)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname in ALIASES:
            return importlib.machinery.ModuleSpec(fullname, _loader(), is_package=True)
        if fullname.startswith("alembic."):
            # an alembic module we do not provide: fail clearly, never load real alembic's
            raise ImportError(f"alembic-rs does not provide '{fullname}'", name=fullname)
        return None

    def create_module(self, spec: Any) -> types.ModuleType:
        return importlib.import_module(ALIASES[spec.name])

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_finder = _AliasFinder()


def _loader() -> importlib.abc.Loader:
    """The finder, as the ``Loader`` it is (by its methods, not by its base class)."""
    return cast("importlib.abc.Loader", _finder)


_depth = 0
_saved: dict[str, Any] = {}
_installed = False


def _is_alembic(name: str) -> bool:
    return name == "alembic" or name.startswith("alembic.")


def _drop_alembic_modules() -> dict[str, Any]:
    """Take every ``alembic`` module out of ``sys.modules``; returns them."""
    return {name: sys.modules.pop(name) for name in list(sys.modules) if _is_alembic(name)}


@contextmanager
def _alias() -> Iterator[None]:
    global _depth
    if _depth == 0 and not _installed:
        _saved.clear()
        _saved.update(_drop_alembic_modules())
        sys.modules["alembic"] = _package()
        sys.meta_path.insert(0, _finder)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and not _installed:
            sys.meta_path.remove(_finder)
            _drop_alembic_modules()
            sys.modules.update(_saved)
        if _depth == 0:
            _saved.clear()


def alias_alembic() -> Any:
    """A context manager during which ``import alembic`` gives alembic-rs."""
    return _alias()


def install_as_alembic() -> None:
    """Make ``import alembic`` give alembic-rs for the rest of the process.

    ``alembic`` and every ``alembic.*`` module alembic-rs provides (``command``,
    ``config``, ``op``, ``context``, ``runtime.migration``, the old paths
    ``alembic.migration`` and ``alembic.environment`` ...) resolve to ours, even when
    real alembic is installed; an ``alembic.*`` module we do not provide raises
    ``ImportError`` rather than loading real alembic's. Modules of real alembic imported
    before the call are dropped from ``sys.modules`` (names already bound to them keep
    them), so call it first, as a conftest or an entry point does. Calling it again does
    nothing.
    """
    global _installed
    if _installed:
        return
    if _depth == 0:
        _drop_alembic_modules()
    else:
        # inside a run: the alias is in place; keep it when the run ends
        sys.meta_path.remove(_finder)
        _saved.clear()
    sys.modules["alembic"] = _package()
    sys.meta_path.insert(0, _finder)
    _installed = True
