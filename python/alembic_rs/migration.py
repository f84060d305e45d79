"""``alembic.migration``: alembic's old import path of ``alembic.runtime.migration``.

env.py files and pytest-alembic still import ``MigrationContext`` from here.
"""

from .runtime.migration import *  # noqa: F403
