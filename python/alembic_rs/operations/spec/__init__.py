"""Turn alembic-style operation arguments and SQLAlchemy objects into plain operation specs.

Each public function takes the same arguments as the ``op.*`` method of the same name, plus
the dialect (a SQLAlchemy ``Dialect`` or its name) first, and returns the operation's spec:
a TypedDict of ``types`` (one per struct of the Rust ``ops`` module, checked by mypy here and
refused by Rust when a key is unknown). ``to_json`` puts it, with the run's
``render_options``, into the text ``alembic_rs._native.render_op`` renders. Python decides
only what SQLAlchemy alone knows: a type's SQL, compiled expressions, final constraint names.
Rust writes the statements.

One module per noun: ``columns``, ``constraints``, ``indexes``, ``tables``, ``statements``
(``execute``, ``bulk_insert``); ``dialect`` holds what they share (the run's dialect and
the pieces it compiles), ``scratch`` the throwaway tables they attach objects to, ``types``
the spec TypedDicts.

The helpers other modules use (``spec._column``, ``_constraint``, ``_index``, ``_fk_target``)
stay importable from here, as before the split.

SQLAlchemy is imported here and nowhere on the read-only command paths.
"""

from __future__ import annotations

from .columns import _column as _column
from .columns import add_column, alter_column, drop_column
from .constraints import _constraint as _constraint
from .constraints import _fk_target as _fk_target
from .constraints import (
    add_constraint,
    create_check_constraint,
    create_exclude_constraint,
    create_foreign_key,
    create_primary_key,
    create_unique_constraint,
    drop_constraint,
)
from .dialect import dialect_flags, get_dialect, render_options, to_json
from .indexes import _index as _index
from .indexes import create_index, drop_index
from .statements import bulk_insert, execute
from .tables import (
    create_table,
    create_table_comment,
    drop_table,
    drop_table_comment,
    rename_table,
)
from .tables import create_table_with_table as create_table_with_table

__all__ = [
    "add_column",
    "add_constraint",
    "alter_column",
    "bulk_insert",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table",
    "create_table_comment",
    "create_unique_constraint",
    "dialect_flags",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_table_comment",
    "execute",
    "get_dialect",
    "rename_table",
    "render_options",
    "to_json",
]
