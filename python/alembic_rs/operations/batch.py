"""``op.batch_alter_table``: collect a block of operations on one table, then hand them to Rust.

Python's part is alembic's ``BatchOperationsImpl`` minus the SQL: each ``batch_op.*`` call
builds its op object (``ops.py``) and is invoked like an ``op.*`` call; the implementation's
spec joins the batch instead of running, and at the end of the block the specs go to Rust as
one ``batch_alter_table`` operation. When Rust says the table must be recreated (SQLite's
"move and copy"), the existing table is added to the spec: from ``copy_from=``, or reflected on
the migration's own connection (the catalog queries run on the native connection).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.sql.elements import conv
from sqlalchemy.sql.schema import SchemaConst, SchemaEventTarget
from sqlalchemy.sql.visitors import traverse

from .. import _native, util
from . import spec
from .spec.types import (
    AddColumnStep,
    AlterColumnStep,
    BatchAlterTableSpec,
    BatchColumnSpec,
    BatchConstraintSpec,
    BatchStepSpec,
    BatchTableSpec,
    ConstraintSpec,
    DropColumnStep,
    OpSpec,
)

__all__ = ["BatchOperationsImpl", "table_spec"]


class BatchOperationsImpl:
    """``batch_op.impl``: one ``batch_alter_table`` block. It collects the specs the
    operations' implementations build, then runs them together (plain ALTERs, or the move
    and copy rendered in Rust). It holds the block's table (``table_name``, ``schema``,
    which the op classes' ``batch_*`` methods read, as in alembic) and passes any other
    attribute through to the migration's impl."""

    def __init__(
        self,
        migration_impl: Any,
        migration_context: Any,
        table_name: str,
        schema: str | None,
        recreate: str,
        copy_from: sa.Table | None,
        table_args: Sequence[Any],
        table_kwargs: Mapping[str, Any],
        reflect_args: Sequence[Any],
        reflect_kwargs: Mapping[str, Any],
        naming_convention: Mapping[str, str] | None,
        partial_reordering: Sequence[Sequence[str]] | None,
    ) -> None:
        if recreate not in ("auto", "always", "never"):
            raise ValueError("recreate may be one of 'auto', 'always', or 'never'.")
        self.migration_impl = migration_impl
        self.migration_context = migration_context
        self.table_name = table_name
        self.schema = schema
        self.recreate = recreate
        self.copy_from = copy_from
        self.table_args = tuple(table_args)
        self.table_kwargs = dict(table_kwargs)
        self.reflect_args = tuple(reflect_args)
        self.reflect_kwargs = dict(reflect_kwargs)
        self.naming_convention = naming_convention
        self.partial_reordering = [list(t) for t in (partial_reordering or ())]
        self.steps: list[BatchStepSpec] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.migration_impl, name)

    @property
    def dialect(self) -> Any:
        return self.migration_impl.dialect

    def _spec(self) -> BatchAlterTableSpec:
        return {
            "op": "batch_alter_table",
            "table_name": self.table_name,
            "schema": self.schema,
            # checked in __init__
            "recreate": cast(Literal["auto", "always", "never"], self.recreate),
            "steps": self.steps,
            "partial_reordering": self.partial_reordering,
            "sqlite_autoincrement": bool(self.table_kwargs.get("sqlite_autoincrement")),
        }

    def _should_recreate(self) -> bool:
        return _native.batch_requires_recreate(
            spec.to_json(self._spec()), self.migration_impl.dialect_name
        )

    def add_step(self, built: OpSpec, operation: Any) -> None:
        """An implementation's spec joins the block, with what the batch needs to know."""
        from . import ops

        step: BatchStepSpec
        if built["op"] == "add_column":
            add: AddColumnStep = {**built}
            if isinstance(operation, ops.AddColumnOp):
                insert_before = operation.kw.get("insert_before")
                insert_after = operation.kw.get("insert_after")
                if (insert_before or insert_after) and not self._should_recreate():
                    raise util.CommandError(
                        "Can't specify insert_before or insert_after when using "
                        "ALTER; please specify recreate='always'"
                    )
                add["nullable_unspecified"] = _nullable_unspecified(operation.column)
                if insert_before:
                    add["insert_before"] = insert_before
                if insert_after:
                    add["insert_after"] = insert_after
            step = add
        elif built["op"] == "alter_column":
            alter: AlterColumnStep = {**built}
            if isinstance(operation, ops.AlterColumnOp):
                if operation.modify_type is not None:
                    type_ = sqltypes.to_instance(operation.modify_type)
                    alter["type_affinity"] = _affinity(type_)
                    alter["type_is_json"] = isinstance(type_, sa.JSON)
                    alter["cast_type"] = _cast_type(self.dialect, type_)
                if operation.modify_name is not None and operation.existing_type is not None:
                    existing = sa.types.to_instance(operation.existing_type)
                    existing = existing._variant_mapping.get(self.dialect.name, existing)
                    alter["existing_type_name"] = _schema_type_name(existing)
            step = alter
        elif built["op"] == "drop_column":
            drop: DropColumnStep = {**built}
            if isinstance(operation, ops.DropColumnOp):
                existing_type = operation.kw.get("existing_type")
                drop["existing_type_name"] = _schema_type_name(existing_type)
            step = drop
        elif built["op"] == "batch_alter_table":
            raise TypeError("batch_alter_table cannot be a step of another batch")
        else:
            step = built
        self.steps.append(step)

    def flush(self) -> None:
        """Run the block: plain ALTERs, or the move and copy (rendered in Rust)."""
        built = self._spec()
        if _native.batch_requires_recreate(spec.to_json(built), self.migration_impl.dialect_name):
            reflected = False
            if self.copy_from is not None:
                table = self.copy_from
            else:
                if self.migration_context.as_sql:
                    raise util.CommandError(
                        f"This operation cannot proceed in --sql mode; "
                        f"batch mode with dialect "
                        f"{self.migration_context.dialect.name} "
                        f"requires a live database connection with which "
                        f'to reflect the table "{self.table_name}". '
                        f"To generate a batch SQL migration script using "
                        "table "
                        '"move and copy", a complete Table object '
                        f'should be passed to the "copy_from" argument '
                        "of the batch_alter_table() method so that table "
                        "reflection can be skipped."
                    )
                table = self._reflect()
                reflected = True
            built["table"] = table_spec(
                self.dialect, table, reflected=reflected, table_args=self.table_args
            )
            built["table_args"] = _table_args(self.dialect, table, self.table_args)
            # the table's own kwargs count where table_kwargs does not say
            kwargs = {**table.kwargs, **self.table_kwargs}
            built["sqlite_autoincrement"] = bool(kwargs.get("sqlite_autoincrement"))
        self.migration_impl.run_op(built)

    def _reflect(self) -> sa.Table:
        kw = dict(self.reflect_kwargs)
        listeners = list(kw.pop("listeners", ()))
        if self.migration_impl.dialect_name == "sqlite":
            listeners.append(("column_reflect", _sqlite_column_reflect))
        # on the native executor this is the migration's own connection through our
        # PEP 249 module, so reflection sees the block's table as the migration left it
        bind: Any = self.migration_context.bind
        table = sa.Table(
            self.table_name,
            sa.MetaData(),
            *self.reflect_args,
            schema=self.schema,
            autoload_with=bind,
            listeners=listeners,
            **kw,
        )
        if self.naming_convention:
            # reflected names are final; the convention only names what has no name
            for const in table.constraints:
                if isinstance(const.name, str) and not isinstance(const.name, conv):
                    const.name = conv(const.name)
            for idx in table.indexes:
                if isinstance(idx.name, str) and not isinstance(idx.name, conv):
                    idx.name = conv(idx.name)
            table = table.to_metadata(sa.MetaData(naming_convention=dict(self.naming_convention)))
        return table


# --- the existing table as a spec ---------------------------------------------------------


def _affinity(type_: Any) -> str:
    affinity = sqltypes.to_instance(type_)._type_affinity
    return affinity.__name__ if affinity is not None else "None"


def _cast_type(dialect: Any, type_: Any) -> str:
    """The type as the dialect's CAST writes it (MySQL: ``SIGNED INTEGER``, ``CHAR(20)``)."""
    compiled = str(sa.cast(sa.column("x"), type_).compile(dialect=dialect))
    return compiled[len("CAST(x AS ") : -1]


def _schema_type_name(type_: Any) -> str | None:
    """The ``name`` of a ``Boolean``/``Enum`` type (a ``SchemaEventTarget``), if any."""
    if isinstance(type_, SchemaEventTarget):
        name = getattr(type_, "name", None)
        return str(name) if name else None
    return None


def _nullable_unspecified(col: sa.Column[Any]) -> bool:
    return col._user_defined_nullable is SchemaConst.NULL_UNSPECIFIED


def _constraint_keys(const: Any) -> list[str]:
    if isinstance(const, sa.ForeignKeyConstraint):
        return [fk.parent.key for fk in const.elements]
    if isinstance(const, sa.CheckConstraint):
        cols: list[Any] = []
        traverse(const.sqltext, {}, {"column": cols.append})
        return list(dict.fromkeys(c.key for c in cols))
    return [c.key for c in const.columns]


def table_spec(
    dialect: Any, table: sa.Table, *, reflected: bool, table_args: Iterable[Any] = ()
) -> BatchTableSpec:
    """The table a batch starts from, as ``_grab_table_elements`` sees it."""
    d = spec.get_dialect(dialect)
    checks_in_args = any(isinstance(a, sa.CheckConstraint) for a in table_args)
    columns: list[BatchColumnSpec] = []
    for col in table.c:
        column = spec._column(d, col)
        if reflected:
            column["constraints"] = []
        columns.append(
            {
                **column,
                "affinity": _affinity(col.type),
                "nullable_unspecified": _nullable_unspecified(col),
            }
        )
    constraints: list[BatchConstraintSpec] = []
    for const in sorted(table.constraints, key=lambda c: c._creation_order):
        if getattr(const, "_type_bound", False):
            # made again by the column's type on the new table (never so when reflected)
            rule = const._create_rule
            if not reflected and (not rule or rule(d.statement_compiler(d, None))):
                constraints.append(
                    {
                        "constraint": spec._constraint(d, const),
                        "keys": _constraint_keys(const),
                        "type_bound": True,
                    }
                )
            continue
        if reflected and isinstance(const, sa.CheckConstraint) and not const.name:
            if not checks_in_args:
                warnings.warn(
                    f"Unnamed CHECK constraint on reflected table "
                    f"'{table.name}' is being omitted from the "
                    f"table recreate; pass the constraint explicitly "
                    f"using batch_alter_table.table_args.  Naming CHECK "
                    f"constraints avoids this going forward.",
                    stacklevel=2,
                )
            continue
        if isinstance(const, sa.PrimaryKeyConstraint) and not const.columns:
            continue
        constraints.append(
            {"constraint": spec._constraint(d, const), "keys": _constraint_keys(const)}
        )
    indexes = [
        spec._index(d, idx)
        for idx in sorted(table.indexes, key=lambda i: str(i.name))
        if not idx._column_flag
    ]
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def _table_args(dialect: Any, table: sa.Table, table_args: Sequence[Any]) -> list[ConstraintSpec]:
    """``table_args`` constraints, attached to a scratch copy of the table's columns."""
    if not table_args:
        return []
    d = spec.get_dialect(dialect)
    scratch = sa.Table(
        table.name,
        sa.MetaData(),
        *[sa.Column(c.name, sqltypes.NULLTYPE, key=c.key) for c in table.c],
        *table_args,
        schema=table.schema,
    )
    wanted = {id(a) for a in table_args}
    return [
        spec._constraint(d, c)
        for c in sorted(scratch.constraints, key=lambda c: c._creation_order)
        if id(c) in wanted
    ]


# --- reflection on the native connection ------------------------------------------------------


def _sqlite_column_reflect(inspector: Any, table: Any, column_info: dict[str, Any]) -> None:
    """alembic's ``SQLiteImpl.autogen_column_reflect``: expression defaults get parentheses."""
    import re

    expr = column_info.get("default")
    if not expr:
        return
    if re.match(r"^[0-9\.]$", expr) or re.match(r"^'.+'$", expr) or re.match(r"^\(.+\)$", expr):
        return
    column_info["default"] = f"({expr})"
