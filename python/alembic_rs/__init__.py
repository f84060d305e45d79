"""alembic-rs: Alembic, the SQLAlchemy migration tool, on a Rust core.

``from alembic_rs import command, Config`` works like ``alembic.command`` and
``alembic.config.Config``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import command
from .config import Config

__all__ = ["Config", "__version__", "command"]
