"""``alembic.autogenerate.compare``: the comparators plugins register at import time."""

from __future__ import annotations

from ..util import PriorityDispatcher

# filled by plugins (alembic_utils, alembic-postgresql-enum ...) when they are imported;
# comparing a database with the models (``revision --autogenerate``) is not in alembic-rs yet
comparators = PriorityDispatcher()

__all__ = ["comparators"]
