"""Throwaway SQLAlchemy tables to attach columns and constraints to, built the way
alembic's ``SchemaObjects`` builds them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes


def _metadata(naming_convention: Mapping[str, str] | None) -> sa.MetaData:
    if naming_convention:
        return sa.MetaData(naming_convention=dict(naming_convention))
    return sa.MetaData()


def _table(
    name: str,
    *items: Any,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> sa.Table:
    """A throwaway Table holding ``items``, built the way alembic's SchemaObjects does."""
    m = _metadata(naming_convention)
    constraints_included = kw.pop("_constraints_included", False)
    cols = [c._copy() if c.table is not None else c for c in items if isinstance(c, sa.Column)]
    if constraints_included:
        # the items carry the table's constraints (CreateTableOp.from_table): the column
        # flags would make the unique constraints and indexes a second time
        for c in cols:
            c.unique = c.index = False
    t = sa.Table(name, m, *cols, schema=schema, **kw)
    for elem in items:
        if isinstance(elem, (sa.Index, sa.schema.Constraint)) and not getattr(
            elem, "_type_bound", False
        ):
            parent = getattr(elem, "parent", None)
            if parent is not None and parent is not t:
                elem = elem._copy(target_table=t)  # type: ignore[union-attr]
            t.append_constraint(elem)
    return t


def _columns_table(
    metadata: sa.MetaData, table_name: str, columns: Sequence[str], schema: str | None
) -> sa.Table:
    """A stand-in table with untyped columns, to attach a constraint to (as alembic does)."""
    return sa.Table(
        table_name, metadata, *[sa.Column(n, sqltypes.NULLTYPE) for n in columns], schema=schema
    )
