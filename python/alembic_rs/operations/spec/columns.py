"""Column specs (type, server default, computed, identity), and the ``op.add_column`` /
``op.drop_column`` / ``op.alter_column`` operations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.schema import DefaultClause, SchemaConst
from sqlalchemy.sql.schema import Sequence as SaSequence

from .constraints import _constraint, _foreign_key
from .dialect import _ddl_compiler, _ddl_expr, _sorted, _unpct, get_dialect
from .indexes import _index
from .scratch import _table
from .types import (
    AddColumnSpec,
    AlterColumnSpec,
    ColumnSpec,
    ComputedSpec,
    ConstraintSpec,
    DropColumnSpec,
    ForeignKeySpec,
    IdentitySpec,
    ServerDefaultSpec,
    TypeClass,
    TypeSpec,
)

# per dialect instance: the spec of each plain built-in type already seen (see _type_key)
_TYPE_SPECS: WeakKeyDictionary[Dialect, dict[tuple[Any, ...], TypeSpec]] = WeakKeyDictionary()
_PLAIN_VALUES = (int, str, bool, float, type(None))


def _type_key(type_: Any) -> tuple[Any, ...] | None:
    """What a plain SQLAlchemy type's SQL depends on: its class and its attributes, when they
    are all plain values. None for any type that may render from more (user types,
    decorators, schema types with events such as Enum, types holding other types)."""
    cls = type(type_)
    if not cls.__module__.startswith("sqlalchemy.") or isinstance(
        type_, (sqltypes.SchemaType, sqltypes.TypeDecorator, sqltypes.UserDefinedType)
    ):
        return None
    attrs = vars(type_)
    # plain values, or classes (what SQLAlchemy memoizes on the instance, _type_affinity)
    if not all(type(v) in _PLAIN_VALUES or isinstance(v, type) for v in attrs.values()):
        return None
    return (cls, *sorted(attrs.items()))


def _type(d: Dialect, type_: Any) -> TypeSpec:
    """The type's SQL for the dialect and the class the renderer needs (autoincrement,
    timestamps). Adapting and compiling a type through SQLAlchemy costs more than the rest
    of a column, so a plain built-in type is compiled once per dialect."""
    type_ = sqltypes.to_instance(type_)
    key = _type_key(type_)
    if key is None:
        return _compiled_type(d, type_)
    specs = _TYPE_SPECS.setdefault(d, {})
    spec = specs.get(key)
    if spec is None:
        spec = specs[key] = _compiled_type(d, type_)
    return spec.copy()


def _compiled_type(d: Dialect, type_: Any) -> TypeSpec:
    cls: TypeClass
    impl = type_.dialect_impl(d)
    if isinstance(impl, sqltypes.TypeDecorator):
        impl = impl.impl
    unwrapped = type_._unwrapped_dialect_impl(d)
    if isinstance(unwrapped, sqltypes.TIMESTAMP):
        cls = "timestamp"
    elif type_._type_affinity is sqltypes.DateTime:
        cls = "datetime"
    elif isinstance(impl, sqltypes.BigInteger):
        cls = "big_integer"
    elif isinstance(impl, sqltypes.SmallInteger):
        cls = "small_integer"
    elif isinstance(impl, sqltypes.Integer):
        cls = "integer"
    else:
        cls = "other"
    return {"sql": _unpct(d, type_.compile(dialect=d)), "class": cls}


def _server_default(d: Dialect, value: Any) -> ServerDefaultSpec | None:
    if isinstance(value, DefaultClause):
        value = value.arg
    elif isinstance(value, sa.schema.FetchedValue) or value is None:
        return None
    if isinstance(value, str):
        return {"kind": "literal", "value": value}
    ddl = _ddl_compiler(d)
    return {"kind": "sql", "sql": _unpct(d, ddl.render_default_string(value))}


def _autoincrement(d: Dialect, col: Any) -> bool:
    table = col.table
    if table is None or col is not table._autoincrement_column:
        return False
    default = col.default
    seq_required = isinstance(default, SaSequence) and not default.optional
    if d.name == "postgresql":
        impl = col.type.dialect_impl(d)
        if isinstance(impl, sqltypes.TypeDecorator):
            impl = impl.impl
        if isinstance(impl, sqltypes.SmallInteger) and not d.supports_smallserial:  # type: ignore[attr-defined]
            return False
        return default is None or not seq_required
    if d.name in ("mysql", "mariadb"):
        return not (d.supports_sequences and seq_required)
    return True


def _column(d: Dialect, col: sa.Column) -> ColumnSpec:
    if (
        d.name == "sqlite"
        and col.primary_key
        and col.autoincrement is True
        and col.table is not None
        and len(col.table.primary_key.columns) != 1
    ):
        raise sa.exc.CompileError(
            "SQLite does not support autoincrement for composite primary keys"
        )
    nullable = col.nullable
    if (
        d.name == "mariadb"
        and col.computed is not None
        and col._user_defined_nullable is SchemaConst.NULL_UNSPECIFIED
    ):
        nullable = True
    computed: ComputedSpec | None = None
    if col.computed is not None:
        computed = {
            "sqltext": _ddl_expr(d, col.computed.sqltext),
            "persisted": _persisted(d, col.computed.persisted),
        }
    identity: IdentitySpec | None = None
    if col.identity is not None and d.supports_identity_columns:
        i = col.identity
        identity = {
            "always": bool(i.always),
            "increment": i.increment,
            "start": i.start,
            "minvalue": i.minvalue,
            "maxvalue": i.maxvalue,
            "nominvalue": i.nominvalue,
            "nomaxvalue": i.nomaxvalue,
            "cache": i.cache,
            "cycle": i.cycle,
        }
    return {
        "name": col.name,
        "type": _type(d, col.type),
        "nullable": bool(nullable),
        "primary_key": bool(col.primary_key),
        "autoincrement": _autoincrement(d, col),
        "server_default": _server_default(d, col.server_default),
        "comment": col.comment,
        "computed": computed,
        "identity": identity,
        "constraints": [_constraint(d, c) for c in _sorted(col.constraints)],
        "sqlite_autoincrement": _sqlite_inline_pk(d, col),
    }


def _persisted(d: Dialect, persisted: bool | None) -> bool | None:
    """A computed column's ``persisted`` as the dialect takes it: PostgreSQL before 18 (and
    SQLAlchemy 2.0, which knows no virtual columns there) stores every generated column."""
    if d.name != "postgresql" or getattr(d, "supports_virtual_generated_columns", False):
        return persisted
    if persisted is False:
        raise sa.exc.CompileError(
            "PostrgreSQL computed columns do not support 'virtual' persistence; set the "
            "'persisted' flag to None or True for PostgreSQL support."
        )
    return True


def _sqlite_inline_pk(d: Dialect, col: Any) -> bool:
    """``sqlite_autoincrement=True``: the lone integer primary key is declared inline."""
    table = col.table
    return (
        d.name == "sqlite"
        and table is not None
        and bool(col.primary_key)
        and bool(table.dialect_options["sqlite"]["autoincrement"])
        and len(table.primary_key.columns) == 1
        and issubclass(col.type._type_affinity, sqltypes.Integer)
        and not col.foreign_keys
    )


def add_column(
    dialect: Dialect | str,
    table_name: str,
    column: sa.Column,
    *,
    schema: str | None = None,
    if_not_exists: bool | None = None,
    inline_references: bool | None = None,
    inline_primary_key: bool | None = None,
    naming_convention: Mapping[str, str] | None = None,
) -> AddColumnSpec:
    """Spec of ``op.add_column``: the column plus the constraints and indexes it brings."""
    d = get_dialect(dialect)
    t = _table(table_name, column, schema=schema, naming_convention=naming_convention)
    col = t.c[column.key]
    inline_fk: ForeignKeySpec | None = None
    fks = list(col.foreign_keys)
    if (
        inline_references
        and len(fks) == 1
        and fks[0].constraint is not None
        and len(fks[0].constraint.columns) == 1
    ):
        # a ForeignKey spec, not a tagged constraint
        inline_fk = _foreign_key(d, fks[0].constraint)
    constraints = []
    for c in _sorted(t.constraints):
        if isinstance(c, sa.PrimaryKeyConstraint):
            continue
        if inline_fk is not None and isinstance(c, sa.ForeignKeyConstraint):
            continue
        if c._create_rule is None or c._create_rule(_ddl_compiler(d)):
            constraints.append(_constraint(d, c))
    return {
        "op": "add_column",
        "table_name": table_name,
        "schema": schema,
        "column": _column(d, col),
        "if_not_exists": bool(if_not_exists),
        "inline_references": inline_fk,
        "inline_primary_key": bool(inline_primary_key),
        "constraints": constraints,
        "indexes": [_index(d, i) for i in sorted(t.indexes, key=lambda i: str(i.name))],
    }


def drop_column(
    dialect: Dialect | str,
    table_name: str,
    column_name: str,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> DropColumnSpec:
    """Spec of ``op.drop_column``."""
    return {
        "op": "drop_column",
        "table_name": table_name,
        "column_name": column_name,
        "schema": schema,
        "if_exists": bool(if_exists),
    }


def _type_bound_constraints(
    d: Dialect,
    table_name: str,
    column_name: str,
    type_: Any,
    schema: str | None,
    naming_convention: Mapping[str, str] | None = None,
    for_drop: bool = False,
) -> list[ConstraintSpec]:
    t = _table(
        table_name,
        sa.Column(column_name, type_),
        schema=schema,
        naming_convention=naming_convention,
    )
    out = []
    compiler = d.statement_compiler(d, None)
    for c in _sorted(t.constraints):
        if isinstance(c, sa.PrimaryKeyConstraint):
            continue
        if for_drop and c.name is _NONE_NAME:
            # the convention needs the type's own name, which it has not: alembic's drop
            # finds nothing by that name and goes on (batch), so there is nothing to drop
            continue
        if not c._create_rule or c._create_rule(compiler):
            out.append(_constraint(d, c))
    return out


def alter_column(
    dialect: Dialect | str,
    table_name: str,
    column_name: str,
    *,
    nullable: bool | None = None,
    comment: str | Literal[False] | None = False,
    server_default: Any = False,
    new_column_name: str | None = None,
    type_: Any = None,
    existing_type: Any = None,
    existing_server_default: Any = False,
    existing_nullable: bool | None = None,
    existing_comment: str | None = None,
    schema: str | None = None,
    autoincrement: bool | None = None,
    existing_autoincrement: bool | None = None,
    postgresql_using: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> AlterColumnSpec:
    """Spec of ``op.alter_column``; ``False`` keeps meaning "not given" as in alembic.

    The types' CHECK constraints are named by ``naming_convention`` (env.py's
    ``target_metadata``), as alembic's ``schema_obj.table`` names them.
    """
    d = get_dialect(dialect)
    for value in (server_default, existing_server_default):
        if isinstance(value, (sa.Computed, sa.Identity)):
            raise NotImplementedError(
                "alter_column with a Computed or Identity server_default is not supported"
            )
    spec: AlterColumnSpec = {
        "op": "alter_column",
        "table_name": table_name,
        "column_name": column_name,
        "schema": schema,
        "nullable": nullable,
        "new_column_name": new_column_name,
        "type": _type(d, type_) if type_ is not None else None,
        "existing_type": _type(d, existing_type) if existing_type is not None else None,
        "existing_server_default": (
            _server_default(d, existing_server_default)
            if existing_server_default is not False
            else None
        ),
        "existing_nullable": existing_nullable,
        "existing_comment": existing_comment,
        "autoincrement": autoincrement,
        "existing_autoincrement": existing_autoincrement,
        "postgresql_using": postgresql_using if d.name == "postgresql" else None,
        "drop_constraints": [],
        "add_constraints": [],
    }
    if server_default is not False:
        spec["server_default"] = _server_default(d, server_default)
    if comment is not False:
        spec["comment"] = comment
    if type_ is not None:
        if existing_type is not None:
            spec["drop_constraints"] = _type_bound_constraints(
                d, table_name, column_name, existing_type, schema, naming_convention, for_drop=True
            )
        spec["add_constraints"] = _type_bound_constraints(
            d, table_name, column_name, type_, schema, naming_convention
        )
    return spec
