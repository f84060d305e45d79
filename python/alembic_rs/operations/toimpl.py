"""alembic-rs's implementations of the built-in operations (``alembic.operations.toimpl``).

Each function turns its op object into the plain spec of ``spec.py`` and hands it to
``operations._run_spec``: on ``Operations`` Rust renders and runs it at once, inside a
batch block it joins the batch. They are registered with ``Operations.implementation_for``
like any plugin's, so env.py can replace one (``replace=True``) and call the original from
its replacement, as with alembic.
"""

from __future__ import annotations

from typing import Any

from . import ops, spec
from .base import Operations
from .schemaobj import SchemaObjects, naming_convention
from .spec.types import AddConstraintOpSpec


@Operations.implementation_for(ops.AlterColumnOp)
def alter_column(operations: Any, operation: ops.AlterColumnOp) -> None:
    built = spec.alter_column(
        operations.impl.dialect,
        operation.table_name,
        operation.column_name,
        nullable=operation.modify_nullable,
        comment=operation.modify_comment,
        server_default=operation.modify_server_default,
        new_column_name=operation.modify_name,
        type_=operation.modify_type,
        existing_type=operation.existing_type,
        existing_server_default=operation.existing_server_default,
        existing_nullable=operation.existing_nullable,
        existing_comment=operation.existing_comment,
        schema=operation.schema,
        naming_convention=naming_convention(operations.migration_context),
        **operation.kw,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.DropTableOp)
def drop_table(operations: Any, operation: ops.DropTableOp) -> None:
    built = spec.drop_table(
        operations.impl.dialect,
        operation.table_name,
        schema=operation.schema,
        if_exists=operation.if_exists,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.DropColumnOp)
def drop_column(operations: Any, operation: ops.DropColumnOp) -> None:
    built = spec.drop_column(
        operations.impl.dialect,
        operation.table_name,
        operation.column_name,
        schema=operation.schema,
        if_exists=operation.if_exists,
        **operation.kw,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.CreateIndexOp)
def create_index(operations: Any, operation: ops.CreateIndexOp) -> None:
    built = spec.create_index(
        operations.impl.dialect,
        operation.index_name,
        operation.table_name,
        operation.columns,
        schema=operation.schema,
        unique=operation.unique,
        if_not_exists=operation.if_not_exists,
        naming_convention=naming_convention(operations.migration_context),
        **operation.kw,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.DropIndexOp)
def drop_index(operations: Any, operation: ops.DropIndexOp) -> None:
    built = spec.drop_index(
        operations.impl.dialect,
        operation.index_name,
        operation.table_name,
        schema=operation.schema,
        if_exists=operation.if_exists,
        **operation.kw,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.CreateTableOp)
def create_table(operations: Any, operation: ops.CreateTableOp) -> Any:
    """Create the table; returns the ``Table``, as ``op.create_table`` does."""
    built, table = spec.create_table_with_table(
        operations.impl.dialect,
        operation.table_name,
        *operation.columns,
        schema=operation.schema,
        comment=operation.comment,
        prefixes=operation.prefixes,
        if_not_exists=operation.if_not_exists,
        naming_convention=naming_convention(operations.migration_context),
        info=operation.info.copy() if operation.info else {},
        _constraints_included=operation._constraints_included,
        **operation.kw,
    )
    operations._run_spec(built, operation)
    return table


@Operations.implementation_for(ops.RenameTableOp)
def rename_table(operations: Any, operation: ops.RenameTableOp) -> None:
    built = spec.rename_table(
        operations.impl.dialect,
        operation.table_name,
        operation.new_table_name,
        schema=operation.schema,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.CreateTableCommentOp)
def create_table_comment(operations: Any, operation: ops.CreateTableCommentOp) -> None:
    built = spec.create_table_comment(
        operations.impl.dialect,
        operation.table_name,
        operation.comment,
        existing_comment=operation.existing_comment,
        schema=operation.schema,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.DropTableCommentOp)
def drop_table_comment(operations: Any, operation: ops.DropTableCommentOp) -> None:
    built = spec.drop_table_comment(
        operations.impl.dialect,
        operation.table_name,
        existing_comment=operation.existing_comment,
        schema=operation.schema,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.AddColumnOp)
def add_column(operations: Any, operation: ops.AddColumnOp) -> None:
    built = spec.add_column(
        operations.impl.dialect,
        operation.table_name,
        operation.column,
        schema=operation.schema,
        if_not_exists=operation.if_not_exists,
        inline_references=operation.inline_references,
        inline_primary_key=operation.inline_primary_key,
        naming_convention=naming_convention(operations.migration_context),
    )
    operations._run_spec(built, operation)


def _constraint_spec(operations: Any, operation: ops.AddConstraintOp) -> AddConstraintOpSpec:
    d = operations.impl.dialect
    convention = naming_convention(operations.migration_context)
    if isinstance(operation, ops.CreateForeignKeyOp):
        return spec.create_foreign_key(
            d,
            operation.constraint_name,
            operation.source_table,
            operation.referent_table,
            operation.local_cols,
            operation.remote_cols,
            naming_convention=convention,
            **operation.kw,
        )
    if isinstance(operation, ops.CreateUniqueConstraintOp):
        return spec.create_unique_constraint(
            d,
            operation.constraint_name,
            operation.table_name,
            operation.columns,
            schema=operation.schema,
            naming_convention=convention,
            **operation.kw,
        )
    if isinstance(operation, ops.CreatePrimaryKeyOp):
        return spec.create_primary_key(
            d,
            operation.constraint_name,
            operation.table_name,
            operation.columns,
            schema=operation.schema,
            naming_convention=convention,
            **operation.kw,
        )
    if isinstance(operation, ops.CreateCheckConstraintOp):
        return spec.create_check_constraint(
            d,
            operation.constraint_name,
            operation.table_name,
            operation.condition,
            schema=operation.schema,
            naming_convention=convention,
            **operation.kw,
        )
    if isinstance(operation, ops.CreateExcludeConstraintOp) and operation._orig_constraint is None:
        return spec.create_exclude_constraint(
            d,
            operation.constraint_name,
            operation.table_name,
            *operation.elements,
            schema=operation.schema,
            where=operation.where,
            **operation.kw,
        )
    # any other AddConstraintOp (a plugin's, or made from a constraint): the constraint
    return spec.add_constraint(d, operation.to_constraint(operations.migration_context))


@Operations.implementation_for(ops.AddConstraintOp)
def create_constraint(operations: Any, operation: ops.AddConstraintOp) -> None:
    operations._run_spec(_constraint_spec(operations, operation), operation)


@Operations.implementation_for(ops.DropConstraintOp)
def drop_constraint(operations: Any, operation: ops.DropConstraintOp) -> None:
    name: Any = operation.constraint_name
    if name is None or naming_convention(operations.migration_context):
        # as in alembic, the name goes through target_metadata's naming convention
        # (a convention with %(constraint_name)s rewrites even an explicit name); with
        # no name, the constraint alembic makes names the error
        name = SchemaObjects(operations.migration_context).generic_constraint(
            name, operation.table_name, operation.constraint_type, schema=operation.schema
        )
    built = spec.drop_constraint(
        operations.impl.dialect,
        name,
        operation.table_name,
        operation.constraint_type,
        schema=operation.schema,
        if_exists=operation.if_exists,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.BulkInsertOp)
def bulk_insert(operations: Any, operation: ops.BulkInsertOp) -> None:
    built = spec.bulk_insert(
        operations.impl.dialect,
        operation.table,
        operation.rows,
        multiinsert=operation.multiinsert,
    )
    operations._run_spec(built, operation)


@Operations.implementation_for(ops.ExecuteSQLOp)
def execute_sql(operations: Any, operation: ops.ExecuteSQLOp) -> None:
    # runs now, also inside a batch block (as in alembic)
    operations.migration_context.execute(
        operation.sqltext, execution_options=operation.execution_options
    )
