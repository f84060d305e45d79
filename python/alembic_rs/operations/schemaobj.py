"""SQLAlchemy objects built from operation arguments (alembic's ``SchemaObjects``).

The op objects' ``to_table`` / ``to_index`` / ``to_constraint`` / ``to_column`` give what
alembic's give: stand-in tables with untyped columns, named by the target metadata's naming
convention when the migration context has one. Nothing here renders SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.sql import elements

from . import spec


def naming_convention(migration_context: Any) -> Any:
    """The naming convention of env.py's ``target_metadata``, if it has one."""
    if migration_context is None:
        return None
    target = migration_context.opts.get("target_metadata")
    return getattr(target, "naming_convention", None)


def _untyped(names: Sequence[str]) -> list[sa.Column[Any]]:
    return [sa.Column(n, sqltypes.NULLTYPE) for n in dict.fromkeys(names)]


class SchemaObjects:
    """Builds the SQLAlchemy objects an operation describes."""

    def __init__(self, migration_context: Any = None) -> None:
        self.migration_context = migration_context

    def metadata(self) -> sa.MetaData:
        convention = naming_convention(self.migration_context)
        if convention is not None:
            return sa.MetaData(naming_convention=convention)
        return sa.MetaData()

    def primary_key_constraint(
        self, name: Any, table_name: str, cols: Sequence[str], schema: str | None = None, **kw: Any
    ) -> sa.PrimaryKeyConstraint:
        t = sa.Table(table_name, self.metadata(), *_untyped(cols), schema=schema)
        return sa.PrimaryKeyConstraint(*[t.c[n] for n in cols], name=name, **kw)

    def foreign_key_constraint(
        self,
        name: Any,
        source: str,
        referent: str,
        local_cols: list[str],
        remote_cols: list[str],
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        initially: str | None = None,
        match: str | None = None,
        **dialect_kw: Any,
    ) -> sa.ForeignKeyConstraint:
        m = self.metadata()
        if source == referent and source_schema == referent_schema:
            source_cols = [*local_cols, *remote_cols]
        else:
            source_cols = list(local_cols)
            sa.Table(referent, m, *_untyped(remote_cols), schema=referent_schema)
        t = sa.Table(source, m, *_untyped(source_cols), schema=source_schema)
        target = f"{referent_schema}.{referent}" if referent_schema else referent
        fk = sa.ForeignKeyConstraint(
            local_cols,
            [f"{target}.{n}" for n in remote_cols],
            name=name,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        t.append_constraint(fk)
        return fk

    def unique_constraint(
        self,
        name: Any,
        table_name: str,
        cols: Sequence[str],
        schema: str | None = None,
        **kw: Any,
    ) -> sa.UniqueConstraint:
        t = sa.Table(table_name, self.metadata(), *_untyped(cols), schema=schema)
        uq = sa.UniqueConstraint(*[t.c[n] for n in cols], name=name, **kw)
        t.append_constraint(uq)
        return uq

    def check_constraint(
        self, name: Any, table_name: str, condition: Any, schema: str | None = None, **kw: Any
    ) -> sa.CheckConstraint:
        t = sa.Table(table_name, self.metadata(), sa.Column("x", sa.Integer), schema=schema)
        ck = sa.CheckConstraint(condition, name=name, **kw)
        t.append_constraint(ck)
        return ck

    def generic_constraint(
        self, name: Any, table_name: str, type_: str | None, schema: str | None = None
    ) -> Any:
        """A nameable constraint of the kind ``drop_constraint``'s ``type_`` names."""
        makers: dict[str | None, Any] = {
            "foreignkey": lambda name: sa.ForeignKeyConstraint([], [], name=name),
            "primary": sa.PrimaryKeyConstraint,
            "unique": sa.UniqueConstraint,
            "check": lambda name: sa.CheckConstraint("", name=name),
            None: sa.schema.Constraint,
        }
        if type_ not in makers:
            raise TypeError("'type' can be one of " + ", ".join(sorted(repr(k) for k in makers)))
        t = self.table(table_name, schema=schema)
        const = makers[type_](name=name)
        t.append_constraint(const)
        return const

    def table(self, name: str, *items: Any, **kw: Any) -> sa.Table:
        """A Table of ``items`` (columns, constraints, indexes), copied when they have one."""
        m = self.metadata()
        constraints_included = kw.pop("_constraints_included", False)
        cols = [c._copy() if c.table is not None else c for c in items if isinstance(c, sa.Column)]
        if constraints_included:
            # the table's constraints come along: the flags would make them twice
            for c in cols:
                c.unique = c.index = False
        t = sa.Table(name, m, *cols, **kw)
        for elem in items:
            if isinstance(elem, sa.Index) or (
                isinstance(elem, sa.schema.Constraint) and not elem._type_bound
            ):
                parent = getattr(elem, "parent", None)
                if parent is not None and parent is not t:
                    elem = elem._copy(target_table=t)  # type: ignore[union-attr]
                t.append_constraint(elem)
        for fk in t.foreign_keys:
            self._ensure_table_for_fk(m, fk)
        return t

    def column(self, name: str, type_: Any, **kw: Any) -> sa.Column[Any]:
        return sa.Column(name, type_, **kw)

    def index(
        self,
        name: str | None,
        table_name: str | None,
        columns: Sequence[Any],
        schema: str | None = None,
        **kw: Any,
    ) -> sa.Index:
        t = sa.Table(table_name or "no_table", self.metadata(), schema=schema)
        return sa.Index(name, *[_index_column(t, c) for c in columns], _table=t, **kw)

    def _ensure_table_for_fk(self, m: sa.MetaData, fk: sa.ForeignKey) -> None:
        # a target given by name gets a stand-in table, so the FK resolves
        if not isinstance(fk._colspec, str):
            return
        schema, table_name, column = spec._fk_target(fk)
        key = f"{schema}.{table_name}" if schema else table_name
        target = m.tables.get(key)
        if target is None:
            target = sa.Table(table_name, m, schema=schema)
        if column is not None and column not in target.c:
            target.append_column(sa.Column(column, sqltypes.NULLTYPE))


def _index_column(table: sa.Table, item: Any) -> Any:
    """A column name becomes an untyped column of ``table``; an expression is re-pointed."""
    if isinstance(item, str):
        col = sa.Column(item, sqltypes.NULLTYPE)
        table.append_column(col)
        return col
    if isinstance(item, elements.TextClause):
        return item
    if isinstance(item, elements.ColumnElement):

        def replace(col: Any) -> Any:
            if isinstance(col, sa.Column) and col.table is not None and col.table is not table:
                if col.name in table.c:
                    return table.c[col.name]
                copied = col._copy()
                table.append_column(copied)
                return copied
            return None

        from sqlalchemy.sql import visitors

        return visitors.replacement_traverse(item, {}, replace)  # type: ignore[call-overload]
    raise ValueError("String or text() construct expected")
