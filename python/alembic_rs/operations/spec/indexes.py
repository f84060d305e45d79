"""Index specs, and the ``op.create_index`` / ``op.drop_index`` operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import elements, functions, operators

from .dialect import _ddl_expr, _final_name, _pg_with, _sql, get_dialect
from .scratch import _metadata
from .types import (
    CreateIndexSpec,
    DropIndexSpec,
    IndexDialectOptions,
    IndexElementSpec,
    IndexSpec,
)


def _index_element(d: Dialect, expr: Any) -> IndexElementSpec:
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


def _index(d: Dialect, idx: sa.Index, if_not_exists: bool | None = None) -> IndexSpec:
    table: Any = idx.table
    name = _final_name(d, idx)
    if name is None:
        # as SQLAlchemy's DDL compiler refuses it
        raise sa.exc.CompileError("CREATE INDEX requires that the index have a name")
    spec: IndexSpec = {
        "index_name": name,
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
        spec["postgresql_using"] = opts.get("using") or None
        spec["postgresql_where"] = _ddl_expr(d, where) if where is not None else None
        spec["postgresql_include"] = [
            c if isinstance(c, str) else c.name for c in (opts.get("include") or ())
        ]
        spec["postgresql_concurrently"] = bool(opts.get("concurrently"))
        spec["postgresql_ops"] = dict(opts.get("ops") or {})
        spec["postgresql_nulls_not_distinct"] = opts.get("nulls_not_distinct")
        spec["postgresql_with"] = with_
        spec["postgresql_tablespace"] = opts.get("tablespace")
    elif d.name == "sqlite":
        where = idx.dialect_options["sqlite"]["where"]
        spec["sqlite_where"] = _ddl_expr(d, where) if where is not None else None
    elif d.name in ("mysql", "mariadb"):
        spec["mysql_prefix"] = idx.get_dialect_option(d, "prefix")
        spec["mysql_length"] = idx.get_dialect_option(d, "length")
        spec["mysql_using"] = idx.get_dialect_option(d, "using", deprecated_fallback="mysql")
        spec["mysql_with_parser"] = idx.get_dialect_option(
            d, "with_parser", deprecated_fallback="mysql"
        )
    return spec


def _no_options(dialect_name: str) -> IndexDialectOptions | None:
    """What ``_index`` gives an index without dialect options, per dialect family (None
    for a dialect it writes no options for)."""
    if dialect_name == "postgresql":
        return {
            "postgresql_using": None,
            "postgresql_where": None,
            "postgresql_include": [],
            "postgresql_concurrently": False,
            "postgresql_ops": {},
            "postgresql_nulls_not_distinct": None,
            "postgresql_with": [],
            "postgresql_tablespace": None,
        }
    if dialect_name == "sqlite":
        return {"sqlite_where": None}
    if dialect_name in ("mysql", "mariadb"):
        return {
            "mysql_prefix": None,
            "mysql_length": None,
            "mysql_using": None,
            "mysql_with_parser": None,
        }
    return None


def _plain_index(
    d: Dialect,
    index_name: Any,
    table_name: str,
    columns: Sequence[Any],
    schema: str | None,
    unique: bool,
    naming_convention: Mapping[Any, str] | None,
    kw: Mapping[str, Any],
) -> IndexSpec | None:
    """The spec ``_index`` gives the common index (a plain name, column names, no dialect
    options) without building a table and an index for it: most revisions' indexes are
    these, and SQLAlchemy's objects cost more than the rest of the op. None otherwise.

    A plain name is final unless the index naming convention rewrites given names
    (``%(constraint_name)s``); SQLAlchemy still checks its length.
    """
    options = _no_options(d.name)
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
        **options,
    }


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
) -> CreateIndexSpec:
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


def drop_index(
    dialect: Dialect | str,
    index_name: str,
    table_name: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> DropIndexSpec:
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
