"""The ``op.*`` API (``alembic.operations``)."""

from . import toimpl  # noqa: F401  (registers the built-in implementations)
from .base import AbstractOperations, BatchOperations, Operations
from .ops import MigrateOperation

__all__ = ["AbstractOperations", "BatchOperations", "MigrateOperation", "Operations"]
