"""``alembic.environment``: alembic's old import path of ``alembic.runtime.environment``."""

from .runtime.environment import *  # noqa: F403
