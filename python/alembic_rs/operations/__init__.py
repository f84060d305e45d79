"""The ``op.*`` API (``alembic.operations``)."""

from .base import Operations

__all__ = ["Operations"]
