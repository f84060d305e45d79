"""Index specs, and the ``op.create_index`` / ``op.drop_index`` operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import elements, functions, operators

from .dialect import _ddl_expr, _final_name, _op_spec, _pg_with, _sql, get_dialect
from .scratch import _metadata


def _index_element(d: Dialect, expr: Any) -> dict[str, str]:
    if isinstance(expr, sa.Column):
        return {"column": expr.name}
    if d.name == "postgresql" and not isinstance(expr, elements.ColumnClause):
        expr = expr.self_group()
    elif d.name in ("mysql", "mariadb") and (
        isinstance(expr, elements.BinaryExpression)
        or (
            isinstance(expr, elements.UnaryExpression)
            and expr.modifier not in (operators.desc_op, operators.asc_op)
        )
        or isinstance(expr, functions.FunctionElement)
    ):
        expr = elements.Grouping(expr)
    return {"expr": _sql(d, expr, include_table=False)}


def _index(d: Dialect, idx: sa.Index, if_not_exists: bool | None = None) -> dict[str, Any]:
    table: Any = idx.table
    spec: dict[str, Any] = {
        "index_name": _final_name(d, idx),
        "table_name": table.name,
        "schema": table.schema,
        "elements": [_index_element(d, e) for e in idx.expressions],
        "unique": bool(idx.unique),
        "if_not_exists": bool(if_not_exists),
    }
    if d.name == "postgresql":
        opts = idx.dialect_options["postgresql"]
        where = opts.get("where")
        with_ = _pg_with(opts.get("with"))
        spec.update(
            postgresql_using=opts.get("using") or None,
            postgresql_where=_ddl_expr(d, where) if where is not None else None,
            postgresql_include=[
                c if isinstance(c, str) else c.name for c in (opts.get("include") or ())
            ],
            postgresql_concurrently=bool(opts.get("concurrently")),
            postgresql_ops=dict(opts.get("ops") or {}),
            postgresql_nulls_not_distinct=opts.get("nulls_not_distinct"),
            postgresql_with=with_,
            postgresql_tablespace=opts.get("tablespace"),
        )
    elif d.name == "sqlite":
        where = idx.dialect_options["sqlite"]["where"]
        spec["sqlite_where"] = _ddl_expr(d, where) if where is not None else None
    elif d.name in ("mysql", "mariadb"):
        spec.update(
            mysql_prefix=idx.get_dialect_option(d, "prefix"),
            mysql_length=idx.get_dialect_option(d, "length"),
            mysql_using=idx.get_dialect_option(d, "using", deprecated_fallback="mysql"),
            mysql_with_parser=idx.get_dialect_option(d, "with_parser", deprecated_fallback="mysql"),
        )
    return spec


# what ``_index`` gives an index without dialect options, per dialect family
_NO_OPTIONS: dict[str, dict[str, Any]] = {
    "postgresql": {
        "postgresql_using": None,
        "postgresql_where": None,
        "postgresql_include": [],
        "postgresql_concurrently": False,
        "postgresql_ops": {},
        "postgresql_nulls_not_distinct": None,
        "postgresql_with": [],
        "postgresql_tablespace": None,
    },
    "sqlite": {"sqlite_where": None},
    "mysql": {
        "mysql_prefix": None,
        "mysql_length": None,
        "mysql_using": None,
        "mysql_with_parser": None,
    },
}
_NO_OPTIONS["mariadb"] = _NO_OPTIONS["mysql"]


def _plain_index(
    d: Dialect,
    index_name: Any,
    table_name: str,
    columns: Sequence[Any],
    schema: str | None,
    unique: bool,
    naming_convention: Mapping[Any, str] | None,
    kw: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The spec ``_index`` gives the common index (a plain name, column names, no dialect
    options) without building a table and an index for it: most revisions' indexes are
    these, and SQLAlchemy's objects cost more than the rest of the op. None otherwise.

    A plain name is final unless the index naming convention rewrites given names
    (``%(constraint_name)s``); SQLAlchemy still checks its length.
    """
    options = _NO_OPTIONS.get(d.name)
    if kw or options is None or type(index_name) is not str or type(table_name) is not str:
        return None
    if not all(type(c) is str for c in columns):
        return None
    if naming_convention:
        convention = naming_convention.get("ix") or naming_convention.get(sa.Index)
        if convention is not None and "constraint_name" in convention:
            return None
    d.validate_identifier(index_name)
    if d.max_index_name_length is not None and len(index_name) > d.max_index_name_length:
        return None
    return {
        "index_name": index_name,
        "table_name": table_name,
        "schema": schema,
        "elements": [{"column": c} for c in columns],
        "unique": bool(unique),
        **{k: v.copy() if isinstance(v, (list, dict)) else v for k, v in options.items()},
    }


@_op_spec
def create_index(
    dialect: Dialect | str,
    index_name: str | None,
    table_name: str,
    columns: Sequence[Any],
    *,
    schema: str | None = None,
    unique: bool = False,
    if_not_exists: bool | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.create_index``; a string column is a column name, as in alembic."""
    d = get_dialect(dialect)
    plain = _plain_index(d, index_name, table_name, columns, schema, unique, naming_convention, kw)
    if plain is not None:
        return {"op": "create_index", **plain, "if_not_exists": bool(if_not_exists)}
    built = _built_index(d, index_name, table_name, columns, schema, unique, naming_convention, kw)
    return {"op": "create_index", **_index(d, built, if_not_exists)}


def _built_index(
    d: Dialect,
    index_name: Any,
    table_name: str,
    columns: Sequence[Any],
    schema: str | None,
    unique: bool,
    naming_convention: Mapping[Any, str] | None,
    kw: Mapping[str, Any],
) -> sa.Index:
    """The index alembic builds for ``op.create_index``, on a throwaway table."""
    t = sa.Table(table_name, _metadata(naming_convention), schema=schema)
    exprs = []
    for c in columns:
        if isinstance(c, str):
            col = sa.Column(c, sqltypes.NULLTYPE)
            t.append_column(col)
            exprs.append(col)
        else:
            exprs.append(c)
    return sa.Index(index_name, *exprs, unique=unique, _table=t, **kw)


@_op_spec
def drop_index(
    dialect: Dialect | str,
    index_name: str,
    table_name: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.drop_index``."""
    d = get_dialect(dialect)
    return {
        "op": "drop_index",
        "index_name": index_name,
        "table_name": table_name,
        "schema": schema,
        "if_exists": bool(if_exists),
        "postgresql_concurrently": bool(kw.get("postgresql_concurrently"))
        and d.name == "postgresql",
    }
