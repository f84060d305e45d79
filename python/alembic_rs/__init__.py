"""alembic-rs: Alembic, the SQLAlchemy migration tool, on a Rust core.

``from alembic_rs import command, Config`` works like ``alembic.command`` and
``alembic.config.Config``. ``install_as_alembic()`` makes ``import alembic`` give
alembic-rs for the rest of the process, so tools written for alembic run on it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Config", "__version__", "command", "install_as_alembic"]

# typing is imported only by type checkers
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from . import command
    from .compat import install_as_alembic
    from .config import Config


def __getattr__(name: str) -> Any:
    # Imported on first use: the console script serves read-only commands from the
    # extension alone (alembic_rs.cli), so importing the package must stay cheap.
    if name == "command":
        # not ``from . import command``: its fromlist lookup would call back in here
        import alembic_rs.command as command

        return command
    if name == "Config":
        from .config import Config

        return Config
    if name == "install_as_alembic":
        from .compat import install_as_alembic

        return install_as_alembic
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
