"""The ``op.*`` API (``alembic.operations``)."""

from .base import Operations
from .ops import MigrateOperation

__all__ = ["MigrateOperation", "Operations"]
