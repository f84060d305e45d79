"""The ``op.create_table`` / ``op.drop_table`` / ``op.rename_table`` / table comment
operations, and the table options and ``before_create`` DDL they carry.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from .columns import _column, _sqlite_inline_pk
from .constraints import _constraint, _creatable
from .dialect import _pg_with, _unpct, get_dialect
from .indexes import _index
from .scratch import _table
from .types import (
    ConstraintSpec,
    CreateTableCommentSpec,
    CreateTableSpec,
    DropTableCommentSpec,
    DropTableSpec,
    PgTableOptions,
    RenameTableSpec,
    TypeDdlSpec,
)


def create_table(
    dialect: Dialect | str,
    table_name: str,
    *columns: Any,
    schema: str | None = None,
    comment: str | None = None,
    prefixes: Sequence[str] | None = None,
    if_not_exists: bool | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> CreateTableSpec:
    """Spec of ``op.create_table(table_name, *columns, **kw)``."""
    return create_table_with_table(
        dialect,
        table_name,
        *columns,
        schema=schema,
        comment=comment,
        prefixes=prefixes,
        if_not_exists=if_not_exists,
        naming_convention=naming_convention,
        **kw,
    )[0]


def create_table_with_table(
    dialect: Dialect | str,
    table_name: str,
    *columns: Any,
    schema: str | None = None,
    comment: str | None = None,
    prefixes: Sequence[str] | None = None,
    if_not_exists: bool | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> tuple[CreateTableSpec, sa.Table]:
    """The spec of ``op.create_table`` and the ``Table`` alembic returns from it."""
    d = get_dialect(dialect)
    t = _table(
        table_name,
        *columns,
        schema=schema,
        naming_convention=naming_convention,
        comment=comment,
        prefixes=list(prefixes or ()),
        **kw,
    )
    constraints: list[ConstraintSpec] = []
    pk = t.primary_key
    if (
        pk
        and _creatable(d, pk)
        and not (len(pk.columns) == 1 and _sqlite_inline_pk(d, next(iter(pk.columns))))
    ):
        constraints.append(_constraint(d, pk))
    for c in t._sorted_constraints:
        if c is not t.primary_key and _creatable(d, c):
            constraints.append(_constraint(d, c))
    spec: CreateTableSpec = {
        "op": "create_table",
        "table_name": table_name,
        "schema": schema,
        "columns": [_column(d, c) for c in t.columns if not c.system],
        "constraints": constraints,
        "indexes": [_index(d, i) for i in sorted(t.indexes, key=lambda i: str(i.name))],
        "comment": comment,
        "prefixes": list(prefixes or ()),
        "if_not_exists": bool(if_not_exists),
        "before_create": _before_create(d, t),
        **_table_options(d, t),
    }
    return spec, t


class _DdlRunner:
    """Stands in for alembic's impl as ``_ddl_runner``: its ``memo`` makes a named type
    (a PostgreSQL ENUM) get created once per migration run, not once per table."""

    def __init__(self) -> None:
        self.memo: dict[str, Any] = {}


# one memo per dialect object, i.e. per run (alembic keeps it on the run's impl)
_RUNNERS: weakref.WeakKeyDictionary[Dialect, _DdlRunner] = weakref.WeakKeyDictionary()


def _before_create(d: Dialect, t: sa.Table) -> list[TypeDdlSpec]:
    """What the table's ``before_create`` event emits, as alembic fires it (``CREATE TYPE``)."""
    from sqlalchemy.engine.mock import MockConnection

    emitted: list[Any] = []
    bind = MockConnection(d, lambda construct, *a, **kw: emitted.append(construct))
    runner = _RUNNERS.setdefault(d, _DdlRunner())
    t.dispatch.before_create(t, bind, checkfirst=False, _ddl_runner=runner)
    out: list[TypeDdlSpec] = []
    for construct in emitted:
        if type(construct).__name__ == "CreateEnumType":
            enum = construct.element
            out.append(
                {
                    "kind": "create_enum",
                    "name": enum.name,
                    "schema": bind.schema_for_object(enum),
                    "values": list(enum.enums),
                }
            )
        else:
            out.append({"kind": "sql", "sql": _unpct(d, str(construct.compile(dialect=d)))})
    return out


class _TableOptions(TypedDict, total=False):
    """The dialect's part of ``CreateTableSpec``."""

    postgresql_options: PgTableOptions
    mysql_options: list[tuple[str, str]]
    sqlite_with_rowid: bool
    sqlite_strict: bool


def _table_options(d: Dialect, t: sa.Table) -> _TableOptions:
    """The dialect's CREATE TABLE options (``postgresql_*``, ``mysql_*``, ``sqlite_*``)."""
    if d.name == "postgresql":
        o = t.dialect_options["postgresql"]
        inherits = o.get("inherits")
        if inherits is not None and not isinstance(inherits, (list, tuple)):
            inherits = (inherits,)
        return {
            "postgresql_options": {
                "inherits": list(inherits or ()),
                "partition_by": o.get("partition_by") or None,
                "using": o.get("using") or None,
                "with": _pg_with(o.get("with")),
                "with_oids": o.get("with_oids"),
                "on_commit": o.get("on_commit") or None,
                "tablespace": o.get("tablespace") or None,
            }
        }
    if d.name in ("mysql", "mariadb"):
        # SQLAlchemy reads only the options with the dialect's own prefix
        prefix = f"{d.name}_"
        options: list[tuple[str, str]] = []
        for key, value in t.kwargs.items():
            if key.startswith(prefix):
                if not isinstance(value, str):
                    raise TypeError(f"table option {key}={value!r}: a string is expected")
                options.append((key[len(prefix) :].upper(), value))
        return {"mysql_options": options}
    if d.name == "sqlite":
        o = t.dialect_options["sqlite"]
        return {
            "sqlite_with_rowid": bool(o.get("with_rowid", True)),
            "sqlite_strict": bool(o.get("strict")),
        }
    return {}


def drop_table(
    dialect: Dialect | str,
    table_name: str,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> DropTableSpec:
    """Spec of ``op.drop_table``."""
    return {
        "op": "drop_table",
        "table_name": table_name,
        "schema": schema,
        "if_exists": bool(if_exists),
    }


def rename_table(
    dialect: Dialect | str,
    old_table_name: str,
    new_table_name: str,
    *,
    schema: str | None = None,
) -> RenameTableSpec:
    """Spec of ``op.rename_table``."""
    return {
        "op": "rename_table",
        "table_name": old_table_name,
        "new_table_name": new_table_name,
        "schema": schema,
    }


def create_table_comment(
    dialect: Dialect | str,
    table_name: str,
    comment: str | None,
    *,
    existing_comment: str | None = None,
    schema: str | None = None,
) -> CreateTableCommentSpec:
    """Spec of ``op.create_table_comment``."""
    return {
        "op": "create_table_comment",
        "table_name": table_name,
        "comment": comment,
        "existing_comment": existing_comment,
        "schema": schema,
    }


def drop_table_comment(
    dialect: Dialect | str,
    table_name: str,
    *,
    existing_comment: str | None = None,
    schema: str | None = None,
) -> DropTableCommentSpec:
    """Spec of ``op.drop_table_comment``."""
    return {
        "op": "drop_table_comment",
        "table_name": table_name,
        "existing_comment": existing_comment,
        "schema": schema,
    }
