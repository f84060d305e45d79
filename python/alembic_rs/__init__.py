"""alembic-rs: Alembic, the SQLAlchemy migration tool, on a Rust core.

``from alembic_rs import command, Config`` works like ``alembic.command`` and
``alembic.config.Config``. ``install_as_alembic()`` makes ``import alembic`` give
alembic-rs for the rest of the process, so tools written for alembic run on it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import command
from .compat import install_as_alembic
from .config import Config

__all__ = ["Config", "__version__", "command", "install_as_alembic"]
