"""The operation objects (``alembic.operations.ops``).

Every ``op.*`` call builds one of these and hands it to ``Operations.invoke``, which runs
the implementation registered for its class (``toimpl.py`` by default; env.py or a plugin
can replace it with ``Operations.implementation_for(..., replace=True)``). Autogenerate and
plugins (alembic-postgresql-enum, alembic_utils ...) read and build them too, so names,
constructor signatures, attributes, ``reverse()`` and ``to_diff_tuple()`` are alembic's.

Constructing an op object is plain attribute assignment: the SQLAlchemy work happens in the
implementation (spec building) or in the ``to_*`` conversions, never on the hot path twice.
"""

from __future__ import annotations

import functools
import pathlib
import re
from abc import abstractmethod
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any

from .. import util
from .base import BatchOperations, Operations
from .schemaobj import SchemaObjects

__all__ = [
    "AddColumnOp",
    "AddConstraintOp",
    "AlterColumnOp",
    "AlterTableOp",
    "BulkInsertOp",
    "CreateCheckConstraintOp",
    "CreateForeignKeyOp",
    "CreateIndexOp",
    "CreatePrimaryKeyOp",
    "CreateTableCommentOp",
    "CreateTableOp",
    "CreateUniqueConstraintOp",
    "DowngradeOps",
    "DropColumnOp",
    "DropConstraintOp",
    "DropIndexOp",
    "DropTableCommentOp",
    "DropTableOp",
    "ExecuteSQLOp",
    "MigrateOperation",
    "MigrationScript",
    "ModifyTableOps",
    "OpContainer",
    "RenameTableOp",
    "UpgradeOps",
]


def _name_or_none(name: Any) -> str | None:
    # a constraint's name, unless it is SQLAlchemy's "no name" marker
    return name if isinstance(name, str) else None


def _table_for_constraint(constraint: Any) -> Any:
    import sqlalchemy as sa

    if isinstance(constraint, sa.ForeignKeyConstraint):
        return constraint.parent
    if isinstance(constraint, sa.CheckConstraint):
        parent = constraint.parent
        return parent if isinstance(parent, sa.Table) else parent.table
    return constraint.table


class MigrateOperation:
    """Base class of migration operations."""

    @functools.cached_property
    def info(self) -> dict[Any, Any]:
        """A dictionary for plugins and autogenerate hooks to keep what they like."""
        return {}

    _mutations: frozenset[Any] = frozenset()

    def reverse(self) -> MigrateOperation:
        raise NotImplementedError

    def to_diff_tuple(self) -> tuple[Any, ...]:
        raise NotImplementedError


# -- constraints ------------------------------------------------------------------------


class AddConstraintOp(MigrateOperation):
    """Base of the operations that add a constraint."""

    add_constraint_ops = util.Dispatcher()

    @property
    def constraint_type(self) -> str:
        raise NotImplementedError()

    @classmethod
    def register_add_constraint(cls, type_: str) -> Any:
        """Class decorator: ``from_constraint`` of a constraint of ``__visit_name__`` type_."""

        def go(klass: Any) -> Any:
            cls.add_constraint_ops.dispatch_for(type_)(klass.from_constraint)
            return klass

        return go

    @classmethod
    def from_constraint(cls, constraint: Any) -> AddConstraintOp:
        return cls.add_constraint_ops.dispatch(constraint.__visit_name__)(constraint)

    @abstractmethod
    def to_constraint(self, migration_context: Any = None) -> Any:
        pass

    def reverse(self) -> DropConstraintOp:
        return DropConstraintOp.from_constraint(self.to_constraint())

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("add_constraint", self.to_constraint())


_DROP_TYPES = {
    "unique_constraint": "unique",
    "foreign_key_constraint": "foreignkey",
    "primary_key_constraint": "primary",
    "check_constraint": "check",
    "column_check_constraint": "check",
    "table_or_column_check_constraint": "check",
}


@Operations.register_operation("drop_constraint")
@BatchOperations.register_operation("drop_constraint", "batch_drop_constraint")
class DropConstraintOp(MigrateOperation):
    """``op.drop_constraint``."""

    def __init__(
        self,
        constraint_name: Any,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: AddConstraintOp | None = None,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.constraint_type = type_
        self.schema = schema
        self.if_exists = if_exists
        self._reverse = _reverse

    def reverse(self) -> AddConstraintOp:
        return AddConstraintOp.from_constraint(self.to_constraint())

    def to_diff_tuple(self) -> tuple[str, Any]:
        kind = "remove_fk" if self.constraint_type == "foreignkey" else "remove_constraint"
        return (kind, self.to_constraint())

    @classmethod
    def from_constraint(cls, constraint: Any) -> DropConstraintOp:
        table = _table_for_constraint(constraint)
        return cls(
            _name_or_none(constraint.name),
            table.name,
            schema=table.schema,
            type_=_DROP_TYPES.get(constraint.__visit_name__),
            _reverse=AddConstraintOp.from_constraint(constraint),
        )

    def to_constraint(self) -> Any:
        if self._reverse is None:
            raise ValueError("constraint cannot be produced; original constraint is not present")
        constraint = self._reverse.to_constraint()
        constraint.name = self.constraint_name
        table = _table_for_constraint(constraint)
        table.name = self.table_name
        table.schema = self.schema
        return constraint

    @classmethod
    def drop_constraint(
        cls,
        operations: Any,
        constraint_name: str,
        table_name: str,
        type_: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
    ) -> None:
        """Drop a constraint of the given name; ``type_`` is needed on MySQL."""
        op = cls(constraint_name, table_name, type_=type_, schema=schema, if_exists=if_exists)
        return operations.invoke(op)

    @classmethod
    def batch_drop_constraint(
        cls, operations: Any, constraint_name: str, type_: str | None = None
    ) -> None:
        op = cls(
            constraint_name, operations.impl.table_name, type_=type_, schema=operations.impl.schema
        )
        return operations.invoke(op)


@Operations.register_operation("create_primary_key")
@BatchOperations.register_operation("create_primary_key", "batch_create_primary_key")
@AddConstraintOp.register_add_constraint("primary_key_constraint")
class CreatePrimaryKeyOp(AddConstraintOp):
    """``op.create_primary_key``."""

    constraint_type = "primarykey"

    def __init__(
        self,
        constraint_name: Any,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Any) -> CreatePrimaryKeyOp:
        table = _table_for_constraint(constraint)
        return cls(
            _name_or_none(constraint.name),
            table.name,
            constraint.columns.keys(),
            schema=table.schema,
            **constraint.dialect_kwargs,
        )

    def to_constraint(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).primary_key_constraint(
            self.constraint_name, self.table_name, self.columns, schema=self.schema, **self.kw
        )

    @classmethod
    def create_primary_key(
        cls,
        operations: Any,
        constraint_name: str | None,
        table_name: str,
        columns: list[str],
        *,
        schema: str | None = None,
    ) -> None:
        """Add a primary key constraint on ``columns``."""
        op = cls(constraint_name, table_name, columns, schema=schema)
        return operations.invoke(op)

    @classmethod
    def batch_create_primary_key(
        cls, operations: Any, constraint_name: str | None, columns: list[str]
    ) -> None:
        op = cls(
            constraint_name, operations.impl.table_name, columns, schema=operations.impl.schema
        )
        return operations.invoke(op)


@Operations.register_operation("create_unique_constraint")
@BatchOperations.register_operation("create_unique_constraint", "batch_create_unique_constraint")
@AddConstraintOp.register_add_constraint("unique_constraint")
class CreateUniqueConstraintOp(AddConstraintOp):
    """``op.create_unique_constraint``."""

    constraint_type = "unique"

    def __init__(
        self,
        constraint_name: Any,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Any) -> CreateUniqueConstraintOp:
        table = _table_for_constraint(constraint)
        kw: dict[str, Any] = {}
        if constraint.deferrable:
            kw["deferrable"] = constraint.deferrable
        if constraint.initially:
            kw["initially"] = constraint.initially
        kw.update(constraint.dialect_kwargs)
        return cls(
            _name_or_none(constraint.name),
            table.name,
            [c.name for c in constraint.columns],
            schema=table.schema,
            **kw,
        )

    def to_constraint(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).unique_constraint(
            self.constraint_name, self.table_name, self.columns, schema=self.schema, **self.kw
        )

    @classmethod
    def create_unique_constraint(
        cls,
        operations: Any,
        constraint_name: str | None,
        table_name: str,
        columns: Sequence[str],
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> Any:
        """Add a unique constraint on ``columns``."""
        op = cls(constraint_name, table_name, columns, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_create_unique_constraint(
        cls, operations: Any, constraint_name: str, columns: Sequence[str], **kw: Any
    ) -> Any:
        kw["schema"] = operations.impl.schema
        op = cls(constraint_name, operations.impl.table_name, columns, **kw)
        return operations.invoke(op)


@Operations.register_operation("create_foreign_key")
@BatchOperations.register_operation("create_foreign_key", "batch_create_foreign_key")
@AddConstraintOp.register_add_constraint("foreign_key_constraint")
class CreateForeignKeyOp(AddConstraintOp):
    """``op.create_foreign_key``."""

    constraint_type = "foreignkey"

    def __init__(
        self,
        constraint_name: Any,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.source_table = source_table
        self.referent_table = referent_table
        self.local_cols = local_cols
        self.remote_cols = remote_cols
        self.kw = kw

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("add_fk", self.to_constraint())

    @classmethod
    def from_constraint(cls, constraint: Any) -> CreateForeignKeyOp:
        kw: dict[str, Any] = {}
        for attr in ("onupdate", "ondelete", "initially", "deferrable", "use_alter", "match"):
            value = getattr(constraint, attr)
            if value:
                kw[attr] = value
        source = constraint.parent
        target = constraint.elements[0].column.table
        kw["source_schema"] = source.schema
        kw["referent_schema"] = target.schema
        kw.update(constraint.dialect_kwargs)
        return cls(
            _name_or_none(constraint.name),
            source.name,
            target.name,
            [constraint.columns[key].name for key in constraint.column_keys],
            [element.column.name for element in constraint.elements],
            **kw,
        )

    def to_constraint(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).foreign_key_constraint(
            self.constraint_name,
            self.source_table,
            self.referent_table,
            self.local_cols,
            self.remote_cols,
            **self.kw,
        )

    @classmethod
    def create_foreign_key(
        cls,
        operations: Any,
        constraint_name: str | None,
        source_table: str,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        source_schema: str | None = None,
        referent_schema: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        """Add a foreign key from ``source_table.local_cols`` to ``referent_table.remote_cols``."""
        op = cls(
            constraint_name,
            source_table,
            referent_table,
            local_cols,
            remote_cols,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            source_schema=source_schema,
            referent_schema=referent_schema,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        return operations.invoke(op)

    @classmethod
    def batch_create_foreign_key(
        cls,
        operations: Any,
        constraint_name: str | None,
        referent_table: str,
        local_cols: list[str],
        remote_cols: list[str],
        *,
        referent_schema: str | None = None,
        onupdate: str | None = None,
        ondelete: str | None = None,
        deferrable: bool | None = None,
        initially: str | None = None,
        match: str | None = None,
        **dialect_kw: Any,
    ) -> None:
        op = cls(
            constraint_name,
            operations.impl.table_name,
            referent_table,
            local_cols,
            remote_cols,
            onupdate=onupdate,
            ondelete=ondelete,
            deferrable=deferrable,
            source_schema=operations.impl.schema,
            referent_schema=referent_schema,
            initially=initially,
            match=match,
            **dialect_kw,
        )
        return operations.invoke(op)


@Operations.register_operation("create_check_constraint")
@BatchOperations.register_operation("create_check_constraint", "batch_create_check_constraint")
@AddConstraintOp.register_add_constraint("check_constraint")
@AddConstraintOp.register_add_constraint("table_or_column_check_constraint")
@AddConstraintOp.register_add_constraint("column_check_constraint")
class CreateCheckConstraintOp(AddConstraintOp):
    """``op.create_check_constraint``."""

    constraint_type = "check"

    def __init__(
        self,
        constraint_name: Any,
        table_name: str,
        condition: Any,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.condition = condition
        self.schema = schema
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Any) -> CreateCheckConstraintOp:
        table = _table_for_constraint(constraint)
        return cls(
            _name_or_none(constraint.name),
            table.name,
            constraint.sqltext,
            schema=table.schema,
            **constraint.dialect_kwargs,
        )

    def to_constraint(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).check_constraint(
            self.constraint_name, self.table_name, self.condition, schema=self.schema, **self.kw
        )

    @classmethod
    def create_check_constraint(
        cls,
        operations: Any,
        constraint_name: str | None,
        table_name: str,
        condition: Any,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Add a CHECK constraint with ``condition`` (a string or SQL expression)."""
        op = cls(constraint_name, table_name, condition, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_create_check_constraint(
        cls, operations: Any, constraint_name: str, condition: Any, **kw: Any
    ) -> None:
        op = cls(
            constraint_name,
            operations.impl.table_name,
            condition,
            schema=operations.impl.schema,
            **kw,
        )
        return operations.invoke(op)


# -- indexes ------------------------------------------------------------------------------


@Operations.register_operation("create_index")
@BatchOperations.register_operation("create_index", "batch_create_index")
class CreateIndexOp(MigrateOperation):
    """``op.create_index``."""

    def __init__(
        self,
        index_name: str | None,
        table_name: str,
        columns: Sequence[Any],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.unique = unique
        self.if_not_exists = if_not_exists
        self.kw = kw

    def reverse(self) -> DropIndexOp:
        return DropIndexOp.from_index(self.to_index())

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("add_index", self.to_index())

    @classmethod
    def from_index(cls, index: Any) -> CreateIndexOp:
        return cls(
            index.name,
            index.table.name,
            index.expressions,
            schema=index.table.schema,
            unique=index.unique,
            **index.kwargs,
        )

    def to_index(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).index(
            self.index_name,
            self.table_name,
            self.columns,
            schema=self.schema,
            unique=self.unique,
            **self.kw,
        )

    @classmethod
    def create_index(
        cls,
        operations: Any,
        index_name: str | None,
        table_name: str,
        columns: Sequence[Any],
        *,
        schema: str | None = None,
        unique: bool = False,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Create an index on ``columns`` (names, or SQL expressions for functional indexes)."""
        op = cls(
            index_name,
            table_name,
            columns,
            schema=schema,
            unique=unique,
            if_not_exists=if_not_exists,
            **kw,
        )
        return operations.invoke(op)

    @classmethod
    def batch_create_index(
        cls, operations: Any, index_name: str, columns: Sequence[Any], **kw: Any
    ) -> None:
        op = cls(
            index_name, operations.impl.table_name, columns, schema=operations.impl.schema, **kw
        )
        return operations.invoke(op)


@Operations.register_operation("drop_index")
@BatchOperations.register_operation("drop_index", "batch_drop_index")
class DropIndexOp(MigrateOperation):
    """``op.drop_index``."""

    def __init__(
        self,
        index_name: Any,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: CreateIndexOp | None = None,
        **kw: Any,
    ) -> None:
        self.index_name = index_name
        self.table_name = table_name
        self.schema = schema
        self.if_exists = if_exists
        self._reverse = _reverse
        self.kw = kw

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("remove_index", self.to_index())

    def reverse(self) -> CreateIndexOp:
        return CreateIndexOp.from_index(self.to_index())

    @classmethod
    def from_index(cls, index: Any) -> DropIndexOp:
        return cls(
            index.name,
            table_name=index.table.name,
            schema=index.table.schema,
            _reverse=CreateIndexOp.from_index(index),
            unique=index.unique,
            **index.kwargs,
        )

    def to_index(self, migration_context: Any = None) -> Any:
        # without the original index only the name is known: one stand-in column
        columns = self._reverse.columns if self._reverse is not None else ["x"]
        return SchemaObjects(migration_context).index(
            self.index_name, self.table_name, columns, schema=self.schema, **self.kw
        )

    @classmethod
    def drop_index(
        cls,
        operations: Any,
        index_name: str,
        table_name: str | None = None,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop an index."""
        op = cls(index_name, table_name=table_name, schema=schema, if_exists=if_exists, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_drop_index(cls, operations: Any, index_name: str, **kw: Any) -> None:
        op = cls(
            index_name, table_name=operations.impl.table_name, schema=operations.impl.schema, **kw
        )
        return operations.invoke(op)


# -- tables -------------------------------------------------------------------------------


@Operations.register_operation("create_table")
class CreateTableOp(MigrateOperation):
    """``op.create_table``; the implementation returns the ``Table``."""

    def __init__(
        self,
        table_name: str,
        columns: Sequence[Any],
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        _namespace_metadata: Any = None,
        _constraints_included: bool = False,
        **kw: Any,
    ) -> None:
        self.table_name = table_name
        self.columns = columns
        self.schema = schema
        self.if_not_exists = if_not_exists
        self.info = kw.pop("info", {})
        self.comment = kw.pop("comment", None)
        self.prefixes = kw.pop("prefixes", None)
        self.kw = kw
        self._namespace_metadata = _namespace_metadata
        self._constraints_included = _constraints_included

    def reverse(self) -> DropTableOp:
        return DropTableOp.from_table(self.to_table(), _namespace_metadata=self._namespace_metadata)

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("add_table", self.to_table())

    @classmethod
    def from_table(cls, table: Any, *, _namespace_metadata: Any = None) -> CreateTableOp:
        if _namespace_metadata is None:
            _namespace_metadata = table.metadata
        return cls(
            table.name,
            list(table.c) + list(table.constraints),
            schema=table.schema,
            _namespace_metadata=_namespace_metadata,
            _constraints_included=True,
            comment=table.comment,
            info=dict(table.info),
            prefixes=list(table._prefixes),
            **table.kwargs,
        )

    def to_table(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).table(
            self.table_name,
            *self.columns,
            schema=self.schema,
            prefixes=list(self.prefixes) if self.prefixes else [],
            comment=self.comment,
            info=self.info.copy() if self.info else {},
            _constraints_included=self._constraints_included,
            **self.kw,
        )

    @classmethod
    def create_table(
        cls,
        operations: Any,
        table_name: str,
        *columns: Any,
        if_not_exists: bool | None = None,
        **kw: Any,
    ) -> Any:
        """Create a table of ``columns`` (and constraints, indexes); returns the ``Table``."""
        op = cls(table_name, columns, if_not_exists=if_not_exists, **kw)
        return operations.invoke(op)


@Operations.register_operation("drop_table")
class DropTableOp(MigrateOperation):
    """``op.drop_table``; ``_reverse`` keeps the CreateTableOp it undoes, when known."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        table_kw: MutableMapping[Any, Any] | None = None,
        _reverse: CreateTableOp | None = None,
    ) -> None:
        self.table_name = table_name
        self.schema = schema
        self.if_exists = if_exists
        self.table_kw = table_kw or {}
        self.comment = self.table_kw.pop("comment", None)
        self.info = self.table_kw.pop("info", None)
        self.prefixes = self.table_kw.pop("prefixes", None)
        self._reverse = _reverse

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("remove_table", self.to_table())

    def reverse(self) -> CreateTableOp:
        return CreateTableOp.from_table(self.to_table())

    @classmethod
    def from_table(cls, table: Any, *, _namespace_metadata: Any = None) -> DropTableOp:
        return cls(
            table.name,
            schema=table.schema,
            table_kw={
                "comment": table.comment,
                "info": dict(table.info),
                "prefixes": list(table._prefixes),
                **table.kwargs,
            },
            _reverse=CreateTableOp.from_table(table, _namespace_metadata=_namespace_metadata),
        )

    def to_table(self, migration_context: Any = None) -> Any:
        reverse = self._reverse
        return SchemaObjects(migration_context).table(
            self.table_name,
            *(reverse.columns if reverse is not None else ()),
            comment=self.comment,
            info=self.info.copy() if self.info else {},
            prefixes=list(self.prefixes) if self.prefixes else [],
            schema=self.schema,
            _constraints_included=reverse._constraints_included if reverse is not None else False,
            **self.table_kw,
        )

    @classmethod
    def drop_table(
        cls,
        operations: Any,
        table_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        **kw: Any,
    ) -> None:
        """Drop a table."""
        op = cls(table_name, schema=schema, if_exists=if_exists, table_kw=kw)
        operations.invoke(op)


class AlterTableOp(MigrateOperation):
    """Base of the operations on one existing table."""

    def __init__(self, table_name: str, *, schema: str | None = None) -> None:
        self.table_name = table_name
        self.schema = schema


@Operations.register_operation("rename_table")
class RenameTableOp(AlterTableOp):
    """``op.rename_table``."""

    def __init__(
        self, old_table_name: str, new_table_name: str, *, schema: str | None = None
    ) -> None:
        super().__init__(old_table_name, schema=schema)
        self.new_table_name = new_table_name

    @classmethod
    def rename_table(
        cls,
        operations: Any,
        old_table_name: str,
        new_table_name: str,
        *,
        schema: str | None = None,
    ) -> None:
        """Rename a table."""
        op = cls(old_table_name, new_table_name, schema=schema)
        return operations.invoke(op)


@Operations.register_operation("create_table_comment")
@BatchOperations.register_operation("create_table_comment", "batch_create_table_comment")
class CreateTableCommentOp(AlterTableOp):
    """``op.create_table_comment``."""

    def __init__(
        self,
        table_name: str,
        comment: str | None,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.comment = comment
        self.existing_comment = existing_comment
        self.schema = schema

    @classmethod
    def create_table_comment(
        cls,
        operations: Any,
        table_name: str,
        comment: str | None,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Set the table's comment."""
        op = cls(table_name, comment, existing_comment=existing_comment, schema=schema)
        return operations.invoke(op)

    @classmethod
    def batch_create_table_comment(
        cls, operations: Any, comment: str | None, *, existing_comment: str | None = None
    ) -> None:
        op = cls(
            operations.impl.table_name,
            comment,
            existing_comment=existing_comment,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)

    def reverse(self) -> CreateTableCommentOp | DropTableCommentOp:
        if self.existing_comment is None:
            return DropTableCommentOp(
                self.table_name, existing_comment=self.comment, schema=self.schema
            )
        return CreateTableCommentOp(
            self.table_name,
            self.existing_comment,
            existing_comment=self.comment,
            schema=self.schema,
        )

    def to_table(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).table(
            self.table_name, schema=self.schema, comment=self.comment
        )

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("add_table_comment", self.to_table(), self.existing_comment)


@Operations.register_operation("drop_table_comment")
@BatchOperations.register_operation("drop_table_comment", "batch_drop_table_comment")
class DropTableCommentOp(AlterTableOp):
    """``op.drop_table_comment``."""

    def __init__(
        self,
        table_name: str,
        *,
        schema: str | None = None,
        existing_comment: str | None = None,
    ) -> None:
        self.table_name = table_name
        self.existing_comment = existing_comment
        self.schema = schema

    @classmethod
    def drop_table_comment(
        cls,
        operations: Any,
        table_name: str,
        *,
        existing_comment: str | None = None,
        schema: str | None = None,
    ) -> None:
        """Remove the table's comment."""
        op = cls(table_name, existing_comment=existing_comment, schema=schema)
        return operations.invoke(op)

    @classmethod
    def batch_drop_table_comment(
        cls, operations: Any, *, existing_comment: str | None = None
    ) -> None:
        op = cls(
            operations.impl.table_name,
            existing_comment=existing_comment,
            schema=operations.impl.schema,
        )
        return operations.invoke(op)

    def reverse(self) -> CreateTableCommentOp:
        return CreateTableCommentOp(self.table_name, self.existing_comment, schema=self.schema)

    def to_table(self, migration_context: Any = None) -> Any:
        return SchemaObjects(migration_context).table(self.table_name, schema=self.schema)

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("remove_table_comment", self.to_table())


# -- columns ------------------------------------------------------------------------------


_EXISTING_OR_MODIFY = re.compile(r"^(?:existing_|modify_)(.+)$")


@Operations.register_operation("alter_column")
@BatchOperations.register_operation("alter_column", "batch_alter_column")
class AlterColumnOp(AlterTableOp):
    """``op.alter_column``: ``modify_*`` is what changes, ``existing_*`` what was."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        modify_nullable: bool | None = None,
        modify_comment: Any = False,
        modify_server_default: Any = False,
        modify_name: str | None = None,
        modify_type: Any = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column_name = column_name
        self.existing_type = existing_type
        self.existing_server_default = existing_server_default
        self.existing_nullable = existing_nullable
        self.existing_comment = existing_comment
        self.modify_nullable = modify_nullable
        self.modify_comment = modify_comment
        self.modify_server_default = modify_server_default
        self.modify_name = modify_name
        self.modify_type = modify_type
        self.kw = kw

    def to_diff_tuple(self) -> Any:
        where = (self.schema, self.table_name, self.column_name)
        diffs = []
        if self.modify_type is not None:
            existing = {
                "existing_nullable": self.existing_nullable,
                "existing_server_default": self.existing_server_default,
                "existing_comment": self.existing_comment,
            }
            diffs.append(("modify_type", *where, existing, self.existing_type, self.modify_type))
        if self.modify_nullable is not None:
            existing = {
                "existing_type": self.existing_type,
                "existing_server_default": self.existing_server_default,
                "existing_comment": self.existing_comment,
            }
            diffs.append(
                ("modify_nullable", *where, existing, self.existing_nullable, self.modify_nullable)
            )
        if self.modify_server_default is not False:
            existing = {
                "existing_nullable": self.existing_nullable,
                "existing_type": self.existing_type,
                "existing_comment": self.existing_comment,
            }
            diffs.append(
                (
                    "modify_default",
                    *where,
                    existing,
                    self.existing_server_default,
                    self.modify_server_default,
                )
            )
        if self.modify_comment is not False:
            existing = {
                "existing_nullable": self.existing_nullable,
                "existing_type": self.existing_type,
                "existing_server_default": self.existing_server_default,
            }
            diffs.append(
                ("modify_comment", *where, existing, self.existing_comment, self.modify_comment)
            )
        return diffs

    def has_changes(self) -> bool:
        """True when anything is modified (a plain ``modify_*`` keyword counts)."""
        if (
            self.modify_nullable is not None
            or self.modify_server_default is not False
            or self.modify_type is not None
            or self.modify_comment is not False
        ):
            return True
        return any(k.startswith("modify_") for k in self.kw)

    def reverse(self) -> AlterColumnOp:
        kw = self.kw.copy()
        kw["existing_type"] = self.existing_type
        kw["existing_nullable"] = self.existing_nullable
        kw["existing_server_default"] = self.existing_server_default
        kw["existing_comment"] = self.existing_comment
        if self.modify_type is not None:
            kw["modify_type"] = self.modify_type
        if self.modify_nullable is not None:
            kw["modify_nullable"] = self.modify_nullable
        if self.modify_server_default is not False:
            kw["modify_server_default"] = self.modify_server_default
        if self.modify_comment is not False:
            kw["modify_comment"] = self.modify_comment
        # every attribute that is modified swaps its existing and modified values
        attrs = {m.group(1) for m in map(_EXISTING_OR_MODIFY.match, kw) if m}
        for attr in attrs:
            if f"modify_{attr}" in kw:
                kw[f"existing_{attr}"], kw[f"modify_{attr}"] = (
                    kw[f"modify_{attr}"],
                    kw[f"existing_{attr}"],
                )
        return self.__class__(self.table_name, self.column_name, schema=self.schema, **kw)

    @classmethod
    def alter_column(
        cls,
        operations: Any,
        table_name: str,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: Any = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: Any = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Change a column: name, type, nullability, server default, comment."""
        alt = cls(
            table_name,
            column_name,
            schema=schema,
            existing_type=existing_type,
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_comment=existing_comment,
            modify_name=new_column_name,
            modify_type=type_,
            modify_server_default=server_default,
            modify_nullable=nullable,
            modify_comment=comment,
            **kw,
        )
        return operations.invoke(alt)

    @classmethod
    def batch_alter_column(
        cls,
        operations: Any,
        column_name: str,
        *,
        nullable: bool | None = None,
        comment: Any = False,
        server_default: Any = False,
        new_column_name: str | None = None,
        type_: Any = None,
        existing_type: Any = None,
        existing_server_default: Any = False,
        existing_nullable: bool | None = None,
        existing_comment: str | None = None,
        insert_before: str | None = None,
        insert_after: str | None = None,
        **kw: Any,
    ) -> None:
        alt = cls(
            operations.impl.table_name,
            column_name,
            schema=operations.impl.schema,
            existing_type=existing_type,
            existing_server_default=existing_server_default,
            existing_nullable=existing_nullable,
            existing_comment=existing_comment,
            modify_name=new_column_name,
            modify_type=type_,
            modify_server_default=server_default,
            modify_nullable=nullable,
            modify_comment=comment,
            insert_before=insert_before,
            insert_after=insert_after,
            **kw,
        )
        return operations.invoke(alt)


@Operations.register_operation("add_column")
@BatchOperations.register_operation("add_column", "batch_add_column")
class AddColumnOp(AlterTableOp):
    """``op.add_column``."""

    def __init__(
        self,
        table_name: str,
        column: Any,
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column = column
        self.if_not_exists = if_not_exists
        self.inline_references = inline_references
        self.inline_primary_key = inline_primary_key
        self.kw = kw

    def reverse(self) -> DropColumnOp:
        op = DropColumnOp.from_column_and_tablename(self.schema, self.table_name, self.column)
        op.if_exists = self.if_not_exists
        return op

    def to_diff_tuple(self) -> tuple[str, str | None, str, Any]:
        return ("add_column", self.schema, self.table_name, self.column)

    def to_column(self) -> Any:
        return self.column

    @classmethod
    def from_column(cls, col: Any) -> AddColumnOp:
        return cls(col.table.name, col, schema=col.table.schema)

    @classmethod
    def from_column_and_tablename(cls, schema: str | None, tname: str, col: Any) -> AddColumnOp:
        return cls(tname, col, schema=schema)

    @classmethod
    def add_column(
        cls,
        operations: Any,
        table_name: str,
        column: Any,
        *,
        schema: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
    ) -> None:
        """Add a column (with the constraints and indexes it declares)."""
        op = cls(
            table_name,
            column,
            schema=schema,
            if_not_exists=if_not_exists,
            inline_references=inline_references,
            inline_primary_key=inline_primary_key,
        )
        return operations.invoke(op)

    @classmethod
    def batch_add_column(
        cls,
        operations: Any,
        column: Any,
        *,
        insert_before: str | None = None,
        insert_after: str | None = None,
        if_not_exists: bool | None = None,
        inline_references: bool | None = None,
        inline_primary_key: bool | None = None,
    ) -> None:
        kw = {}
        if insert_before:
            kw["insert_before"] = insert_before
        if insert_after:
            kw["insert_after"] = insert_after
        op = cls(
            operations.impl.table_name,
            column,
            schema=operations.impl.schema,
            if_not_exists=if_not_exists,
            inline_references=inline_references,
            inline_primary_key=inline_primary_key,
            **kw,
        )
        return operations.invoke(op)


@Operations.register_operation("drop_column")
@BatchOperations.register_operation("drop_column", "batch_drop_column")
class DropColumnOp(AlterTableOp):
    """``op.drop_column``; ``_reverse`` keeps the AddColumnOp it undoes, when known."""

    def __init__(
        self,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        if_exists: bool | None = None,
        _reverse: AddColumnOp | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(table_name, schema=schema)
        self.column_name = column_name
        self.kw = kw
        self.if_exists = if_exists
        self._reverse = _reverse

    def to_diff_tuple(self) -> tuple[str, str | None, str, Any]:
        return ("remove_column", self.schema, self.table_name, self.to_column())

    def reverse(self) -> AddColumnOp:
        if self._reverse is None:
            raise ValueError("operation is not reversible; original column is not present")
        op = AddColumnOp.from_column_and_tablename(
            self.schema, self.table_name, self._reverse.column
        )
        op.if_not_exists = self.if_exists
        return op

    @classmethod
    def from_column_and_tablename(cls, schema: str | None, tname: str, col: Any) -> DropColumnOp:
        return cls(
            tname,
            col.name,
            schema=schema,
            _reverse=AddColumnOp.from_column_and_tablename(schema, tname, col),
        )

    def to_column(self, migration_context: Any = None) -> Any:
        if self._reverse is not None:
            return self._reverse.column
        from sqlalchemy.types import NULLTYPE

        return SchemaObjects(migration_context).column(self.column_name, NULLTYPE)

    @classmethod
    def drop_column(
        cls,
        operations: Any,
        table_name: str,
        column_name: str,
        *,
        schema: str | None = None,
        **kw: Any,
    ) -> None:
        """Drop a column."""
        op = cls(table_name, column_name, schema=schema, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_drop_column(cls, operations: Any, column_name: str, **kw: Any) -> None:
        op = cls(operations.impl.table_name, column_name, schema=operations.impl.schema, **kw)
        return operations.invoke(op)


# -- data ---------------------------------------------------------------------------------


@Operations.register_operation("bulk_insert")
class BulkInsertOp(MigrateOperation):
    """``op.bulk_insert``."""

    def __init__(self, table: Any, rows: list[dict[str, Any]], *, multiinsert: bool = True) -> None:
        self.table = table
        self.rows = rows
        self.multiinsert = multiinsert

    @classmethod
    def bulk_insert(
        cls, operations: Any, table: Any, rows: list[dict[str, Any]], *, multiinsert: bool = True
    ) -> None:
        """Insert rows (dictionaries keyed by column) into ``table``."""
        op = cls(table, rows, multiinsert=multiinsert)
        operations.invoke(op)


@Operations.register_operation("execute")
@BatchOperations.register_operation("execute", "batch_execute")
class ExecuteSQLOp(MigrateOperation):
    """``op.execute``: a SQL string, ``text()`` or Core statement."""

    def __init__(self, sqltext: Any, *, execution_options: dict[str, Any] | None = None) -> None:
        self.sqltext = sqltext
        self.execution_options = execution_options

    @classmethod
    def execute(
        cls, operations: Any, sqltext: Any, *, execution_options: dict[str, Any] | None = None
    ) -> None:
        """Run a SQL string, ``text()`` or Core statement."""
        op = cls(sqltext, execution_options=execution_options)
        return operations.invoke(op)

    @classmethod
    def batch_execute(
        cls, operations: Any, sqltext: Any, *, execution_options: dict[str, Any] | None = None
    ) -> None:
        return cls.execute(operations, sqltext, execution_options=execution_options)

    def to_diff_tuple(self) -> tuple[str, Any]:
        return ("execute", self.sqltext)


# -- containers (autogenerate's output) ---------------------------------------------------


class OpContainer(MigrateOperation):
    """A list of operations."""

    def __init__(self, ops: Sequence[MigrateOperation] = ()) -> None:
        self.ops = list(ops)

    def is_empty(self) -> bool:
        return not self.ops

    def as_diffs(self) -> Any:
        return list(OpContainer._ops_as_diffs(self))

    @classmethod
    def _ops_as_diffs(cls, migrations: OpContainer) -> Iterator[tuple[Any, ...]]:
        for op in migrations.ops:
            if hasattr(op, "ops"):
                yield from cls._ops_as_diffs(op)  # type: ignore[arg-type]
            else:
                yield op.to_diff_tuple()


class ModifyTableOps(OpContainer):
    """The operations on one table."""

    def __init__(
        self, table_name: str, ops: Sequence[MigrateOperation], *, schema: str | None = None
    ) -> None:
        super().__init__(ops)
        self.table_name = table_name
        self.schema = schema

    def reverse(self) -> ModifyTableOps:
        return ModifyTableOps(
            self.table_name,
            ops=list(reversed([op.reverse() for op in self.ops])),
            schema=self.schema,
        )


class UpgradeOps(OpContainer):
    """The operations of a revision's ``upgrade()``."""

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), upgrade_token: str = "upgrades"
    ) -> None:
        super().__init__(ops=ops)
        self.upgrade_token = upgrade_token

    def reverse_into(self, downgrade_ops: DowngradeOps) -> DowngradeOps:
        downgrade_ops.ops[:] = list(reversed([op.reverse() for op in self.ops]))
        return downgrade_ops

    def reverse(self) -> DowngradeOps:
        return self.reverse_into(DowngradeOps(ops=[]))


class DowngradeOps(OpContainer):
    """The operations of a revision's ``downgrade()``."""

    def __init__(
        self, ops: Sequence[MigrateOperation] = (), downgrade_token: str = "downgrades"
    ) -> None:
        super().__init__(ops=ops)
        self.downgrade_token = downgrade_token

    def reverse(self) -> UpgradeOps:
        return UpgradeOps(ops=list(reversed([op.reverse() for op in self.ops])))


class MigrationScript(MigrateOperation):
    """A revision file to write: its header values and upgrade/downgrade operations."""

    def __init__(
        self,
        rev_id: str | None,
        upgrade_ops: UpgradeOps,
        downgrade_ops: DowngradeOps,
        *,
        message: str | None = None,
        imports: set[str] = set(),  # noqa: B006 (alembic's default, shared on purpose)
        head: str | None = None,
        splice: bool | None = None,
        branch_label: Any = None,
        version_path: Any = None,
        depends_on: Any = None,
    ) -> None:
        self.rev_id = rev_id
        self.message = message
        self.imports = imports
        self.head = head
        self.splice = splice
        self.branch_label = branch_label
        self.version_path = pathlib.Path(version_path).as_posix() if version_path else None
        self.depends_on = depends_on
        self.upgrade_ops = upgrade_ops  # type: ignore[assignment]
        self.downgrade_ops = downgrade_ops  # type: ignore[assignment]

    @property
    def upgrade_ops(self) -> UpgradeOps | None:
        """The one UpgradeOps (``upgrade_ops_list`` when there are several)."""
        if len(self._upgrade_ops) > 1:
            raise ValueError(
                "This MigrationScript instance has a multiple-entry list for "
                "UpgradeOps; please use the upgrade_ops_list attribute."
            )
        return self._upgrade_ops[0] if self._upgrade_ops else None

    @upgrade_ops.setter
    def upgrade_ops(self, upgrade_ops: UpgradeOps | list[UpgradeOps]) -> None:
        self._upgrade_ops = util.to_list(upgrade_ops) or []
        for elem in self._upgrade_ops:
            assert isinstance(elem, UpgradeOps)

    @property
    def downgrade_ops(self) -> DowngradeOps | None:
        """The one DowngradeOps (``downgrade_ops_list`` when there are several)."""
        if len(self._downgrade_ops) > 1:
            raise ValueError(
                "This MigrationScript instance has a multiple-entry list for "
                "DowngradeOps; please use the downgrade_ops_list attribute."
            )
        return self._downgrade_ops[0] if self._downgrade_ops else None

    @downgrade_ops.setter
    def downgrade_ops(self, downgrade_ops: DowngradeOps | list[DowngradeOps]) -> None:
        self._downgrade_ops = util.to_list(downgrade_ops) or []
        for elem in self._downgrade_ops:
            assert isinstance(elem, DowngradeOps)

    @property
    def upgrade_ops_list(self) -> list[UpgradeOps]:
        return self._upgrade_ops

    @property
    def downgrade_ops_list(self) -> list[DowngradeOps]:
        return self._downgrade_ops


# -- PostgreSQL (alembic keeps this one in ``alembic.ddl.postgresql``) ------------------


@Operations.register_operation("create_exclude_constraint")
@BatchOperations.register_operation("create_exclude_constraint", "batch_create_exclude_constraint")
@AddConstraintOp.register_add_constraint("exclude_constraint")
class CreateExcludeConstraintOp(AddConstraintOp):
    """``op.create_exclude_constraint`` (PostgreSQL)."""

    constraint_type = "exclude"

    def __init__(
        self,
        constraint_name: Any,
        table_name: str,
        elements: Sequence[Any],
        where: Any = None,
        schema: str | None = None,
        _orig_constraint: Any = None,
        **kw: Any,
    ) -> None:
        self.constraint_name = constraint_name
        self.table_name = table_name
        self.elements = elements
        self.where = where
        self.schema = schema
        self._orig_constraint = _orig_constraint
        self.kw = kw

    @classmethod
    def from_constraint(cls, constraint: Any) -> CreateExcludeConstraintOp:
        table = _table_for_constraint(constraint)
        return cls(
            constraint.name,
            table.name,
            [(expr, op) for expr, _name, op in constraint._render_exprs],
            where=constraint.where,
            schema=table.schema,
            _orig_constraint=constraint,
            deferrable=constraint.deferrable,
            initially=constraint.initially,
            using=constraint.using,
        )

    def to_constraint(self, migration_context: Any = None) -> Any:
        if self._orig_constraint is not None:
            return self._orig_constraint
        import sqlalchemy as sa
        from sqlalchemy.dialects.postgresql import ExcludeConstraint

        t = SchemaObjects(migration_context).table(self.table_name, schema=self.schema)
        excl = ExcludeConstraint(
            *self.elements, name=self.constraint_name, where=self.where, **self.kw
        )
        for _expr, name, _op in excl._render_exprs:
            t.append_column(sa.Column(name, sa.types.NULLTYPE))
        t.append_constraint(excl)
        return excl

    @classmethod
    def create_exclude_constraint(
        cls, operations: Any, constraint_name: str, table_name: str, *elements: Any, **kw: Any
    ) -> Any:
        """Add an EXCLUDE constraint: ``elements`` are ``(column or expression, operator)``."""
        op = cls(constraint_name, table_name, elements, **kw)
        return operations.invoke(op)

    @classmethod
    def batch_create_exclude_constraint(
        cls, operations: Any, constraint_name: str, *elements: Any, **kw: Any
    ) -> Any:
        kw["schema"] = operations.impl.schema
        op = cls(constraint_name, operations.impl.table_name, elements, **kw)
        return operations.invoke(op)
