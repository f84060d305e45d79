"""``alembic.autogenerate`` as plugins use it at import time.

Op plugins (alembic_utils, alembic-postgresql-enum ...) register comparators and
renderers here when they are imported, long before anything is compared. alembic-rs
keeps what they register, so their operations load and run; comparing a database
with the models (``revision --autogenerate``) is not part of alembic-rs yet.
"""

from __future__ import annotations

from . import api, compare, render
from .api import compare_metadata, produce_migrations, render_python_code
from .compare import comparators
from .render import render_op_text, renderers

__all__ = [
    "api",
    "comparators",
    "compare",
    "compare_metadata",
    "produce_migrations",
    "render",
    "render_op_text",
    "render_python_code",
    "renderers",
]
