"""Constraint specs, and the ``op.create_*_constraint`` / ``op.create_foreign_key`` /
``op.drop_constraint`` operations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, cast

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect

from .dialect import _ddl_compiler, _ddl_expr, _final_name, _pg_opt, _sql, get_dialect
from .scratch import _columns_table, _metadata
from .types import (
    AddConstraintOpSpec,
    AddConstraintSpec,
    ConstraintSpec,
    ConstraintTypeName,
    CreateCheckConstraintSpec,
    CreateExcludeConstraintSpec,
    CreateForeignKeySpec,
    CreatePrimaryKeySpec,
    CreateUniqueConstraintSpec,
    DropConstraintSpec,
    ForeignKeySpec,
    IndexElementSpec,
    PrimaryKeySpec,
)


class _Deferrability(TypedDict):
    deferrable: bool | None
    initially: str | None


def _deferrability(c: Any) -> _Deferrability:
    return {"deferrable": c.deferrable, "initially": c.initially}


def _fk_target(fk: sa.ForeignKey) -> tuple[str | None, str, str | None]:
    if isinstance(fk._colspec, str):
        schema, table, column = fk._column_tokens
        return schema, table, column
    col = fk.column
    return col.table.schema, col.table.name, col.name


def _foreign_key(d: Dialect, c: sa.ForeignKeyConstraint) -> ForeignKeySpec:
    """A foreign key, as a constraint (``_constraint`` tags it) or inline in ADD COLUMN."""
    targets = [_fk_target(fk) for fk in c.elements]
    referent_columns = []
    for fk, (_schema, tname, column) in zip(c.elements, targets, strict=True):
        if column is None:
            # ForeignKey("table") means the parent's own column name there, which the
            # stand-in referred table lacks: SQLAlchemy refuses it in alembic too
            raise sa.exc.NoReferencedColumnError(
                f"Could not initialize target column for ForeignKey '{fk._colspec}' on "
                f"table '{fk.parent.table.name}': table '{tname}' has no column named "
                f"'{fk.parent.key}'",
                tname,
                fk.parent.key,
            )
        referent_columns.append(column)
    table = c.parent
    return {
        "name": _final_name(d, c),
        "columns": [fk.parent.name for fk in c.elements],
        "source_schema": table.schema if table is not None else None,
        "referent_schema": targets[0][0],
        "referent_table": targets[0][1],
        "referent_columns": referent_columns,
        "ondelete": c.ondelete,
        "onupdate": c.onupdate,
        "match": c.match,
        "postgresql_not_valid": bool(_pg_opt(d, c, "not_valid", False)),
        **_deferrability(c),
    }


def _constraint(d: Dialect, c: Any) -> ConstraintSpec:
    name = _final_name(d, c)
    if isinstance(c, sa.PrimaryKeyConstraint):
        cols = c.columns_autoinc_first if c._implicit_generated else c.columns
        spec: PrimaryKeySpec = {
            "type": "primary_key",
            "name": name,
            "columns": [col.name for col in cols],
            "postgresql_include": [
                col if isinstance(col, str) else col.name
                for col in (_pg_opt(d, c, "include") or ())
            ],
            **_deferrability(c),
        }
        if d.name in ("mysql", "mariadb"):
            # as SQLAlchemy's compiler reads it: MariaDB's own option, else MySQL's
            spec["mysql_using"] = c.get_dialect_option(d, "using", deprecated_fallback="mysql")
        return spec
    if isinstance(c, sa.ForeignKeyConstraint):
        return {"type": "foreign_key", **_foreign_key(d, c)}
    if isinstance(c, sa.UniqueConstraint):
        return {
            "type": "unique",
            "name": name,
            "columns": [col.name for col in c.columns],
            "postgresql_nulls_not_distinct": _pg_opt(d, c, "nulls_not_distinct"),
            "postgresql_include": [
                col if isinstance(col, str) else col.name
                for col in (_pg_opt(d, c, "include") or ())
            ],
            **_deferrability(c),
        }
    if isinstance(c, sa.CheckConstraint):
        return {
            "type": "check",
            "name": name,
            "sqltext": _ddl_expr(d, c.sqltext),
            "postgresql_not_valid": bool(_pg_opt(d, c, "not_valid", False)),
            **_deferrability(c),
        }
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    if isinstance(c, ExcludeConstraint):
        els: list[tuple[IndexElementSpec, str]] = []
        for expr, _name, op in c._render_exprs:
            if isinstance(expr, sa.Column):
                els.append(({"column": expr.name}, op))
            else:
                els.append(({"expr": _sql(d, expr, include_table=False)}, op))
        return {
            "type": "exclude",
            "name": name,
            "elements": els,
            "using": c.using,
            "where": _sql(d, c.where) if c.where is not None else None,
            "ops": dict(c.ops),
            **_deferrability(c),
        }
    raise TypeError(f"no spec for constraint {c!r}")


def _creatable(d: Dialect, c: Any) -> bool:
    if c._create_rule is not None and not c._create_rule(_ddl_compiler(d)):
        return False
    return not (d.supports_alter and getattr(c, "use_alter", False))


def _add_constraint(d: Dialect, c: Any, table: sa.Table) -> AddConstraintSpec:
    return {
        "table_name": table.name,
        "schema": table.schema,
        "constraint": _constraint(d, c),
    }


def create_foreign_key(
    dialect: Dialect | str,
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
    naming_convention: Mapping[str, str] | None = None,
    **dialect_kw: Any,
) -> CreateForeignKeySpec:
    """Spec of ``op.create_foreign_key``."""
    d = get_dialect(dialect)
    m = _metadata(naming_convention)
    if source_table == referent_table and source_schema == referent_schema:
        t1_cols = list(dict.fromkeys(local_cols + remote_cols))
    else:
        t1_cols = list(dict.fromkeys(local_cols))
        _columns_table(m, referent_table, remote_cols, referent_schema)
    t1 = _columns_table(m, source_table, t1_cols, source_schema)
    tname = f"{referent_schema}.{referent_table}" if referent_schema else referent_table
    fk = sa.ForeignKeyConstraint(
        local_cols,
        [f"{tname}.{n}" for n in remote_cols],
        name=constraint_name,
        onupdate=onupdate,
        ondelete=ondelete,
        deferrable=deferrable,
        initially=initially,
        match=match,
        **dialect_kw,
    )
    t1.append_constraint(fk)
    return {"op": "create_foreign_key", **_add_constraint(d, fk, t1)}


def create_unique_constraint(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    columns: Sequence[str],
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> CreateUniqueConstraintSpec:
    """Spec of ``op.create_unique_constraint``."""
    d = get_dialect(dialect)
    t = _columns_table(_metadata(naming_convention), table_name, columns, schema)
    uq = sa.UniqueConstraint(*[t.c[n] for n in columns], name=constraint_name, **kw)
    t.append_constraint(uq)
    return {"op": "create_unique_constraint", **_add_constraint(d, uq, t)}


def create_primary_key(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    columns: Sequence[str],
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> CreatePrimaryKeySpec:
    """Spec of ``op.create_primary_key``."""
    d = get_dialect(dialect)
    t = _columns_table(_metadata(naming_convention), table_name, columns, schema)
    pk = sa.PrimaryKeyConstraint(*[t.c[n] for n in columns], name=constraint_name, **kw)
    t.append_constraint(pk)
    return {"op": "create_primary_key", **_add_constraint(d, pk, t)}


def create_check_constraint(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    condition: Any,
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> CreateCheckConstraintSpec:
    """Spec of ``op.create_check_constraint``."""
    d = get_dialect(dialect)
    t = sa.Table(
        table_name,
        _metadata(naming_convention),
        sa.Column("x", sa.Integer),
        schema=schema,
    )
    ck = sa.CheckConstraint(condition, name=constraint_name, **kw)
    t.append_constraint(ck)
    return {"op": "create_check_constraint", **_add_constraint(d, ck, t)}


def create_exclude_constraint(
    dialect: Dialect | str,
    constraint_name: str,
    table_name: str,
    *elements: Any,
    schema: str | None = None,
    where: Any = None,
    **kw: Any,
) -> CreateExcludeConstraintSpec:
    """Spec of ``op.create_exclude_constraint`` (PostgreSQL)."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    d = get_dialect(dialect)
    t = sa.Table(table_name, sa.MetaData(), schema=schema)
    excl = ExcludeConstraint(*elements, name=constraint_name, where=where, **kw)
    for _expr, name, _op in excl._render_exprs:
        t.append_column(sa.Column(name, sqltypes.NULLTYPE))
    t.append_constraint(excl)
    return {"op": "create_exclude_constraint", **_add_constraint(d, excl, t)}


def add_constraint(dialect: Dialect | str, constraint: Any) -> AddConstraintOpSpec:
    """Spec adding a constraint that is already attached to its (stand-in) table."""
    d = get_dialect(dialect)
    table: Any
    if isinstance(constraint, sa.ForeignKeyConstraint):
        table = constraint.parent
    elif isinstance(constraint, sa.CheckConstraint) and not isinstance(constraint.parent, sa.Table):
        table = constraint.parent.table
    else:
        table = constraint.table
    body = _add_constraint(d, constraint, table)
    kind = body["constraint"]["type"]
    if kind == "primary_key":
        return {"op": "create_primary_key", **body}
    if kind == "foreign_key":
        return {"op": "create_foreign_key", **body}
    if kind == "unique":
        return {"op": "create_unique_constraint", **body}
    if kind == "check":
        return {"op": "create_check_constraint", **body}
    return {"op": "create_exclude_constraint", **body}


def drop_constraint(
    dialect: Dialect | str,
    constraint_name: Any,
    table_name: str,
    type_: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
) -> DropConstraintSpec:
    """Spec of ``op.drop_constraint``; the name is a string or a constraint whose final
    name (after a naming convention) is the one dropped."""
    if type_ not in (None, "foreignkey", "primary", "unique", "check"):
        raise TypeError("'type' can be one of 'check', 'foreignkey', 'primary', 'unique', None")
    if isinstance(constraint_name, str):
        name: str | None = constraint_name
    else:
        name = _final_name(get_dialect(dialect), constraint_name)
    if name is None:
        raise sa.exc.CompileError(
            f"Can't emit DROP CONSTRAINT for constraint {constraint_name!r}; it has no name"
        )
    return {
        "op": "drop_constraint",
        "constraint_name": name,
        "table_name": table_name,
        "type": cast("ConstraintTypeName | None", type_),  # checked above
        "schema": schema,
        "if_exists": bool(if_exists),
    }
