"""The ``op.execute`` and ``op.bulk_insert`` operations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect

from .dialect import _unpct, get_dialect
from .types import BulkInsertSpec, ExecuteSpec, LiteralSpec

_MAX_INT = 2**63 - 1


def execute(dialect: Dialect | str, sqltext: Any, **kw: Any) -> ExecuteSpec:
    """Spec of ``op.execute``: a string is passed on as text; a construct is compiled here."""
    if isinstance(sqltext, str):
        return {"op": "execute", "sqltext": sqltext, "plain": True}
    d = get_dialect(dialect)
    if isinstance(sqltext, sa.schema.ExecutableDDLElement):
        compiled = sqltext.compile(dialect=d)
    else:
        compiled = sqltext.compile(dialect=d, compile_kwargs={"literal_binds": True})
    return {"op": "execute", "sqltext": _unpct(d, str(compiled)), "plain": False}


def _literal(d: Dialect, value: Any, type_: Any) -> LiteralSpec:
    if value is None:
        return {"kind": "null"}
    affinity = type_._type_affinity
    if isinstance(value, bool) and affinity in (sqltypes.Boolean, None, sqltypes.NullType):
        return {"kind": "bool", "value": value}
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -_MAX_INT - 1 <= value <= _MAX_INT
        and (affinity is None or issubclass(affinity, (sqltypes.Integer, sqltypes.NullType)))
    ):
        return {"kind": "int", "value": value}
    if isinstance(value, str) and (
        affinity is None or issubclass(affinity, (sqltypes.String, sqltypes.NullType))
    ):
        return {"kind": "string", "value": value}
    compiler = d.statement_compiler(d, None)
    return {"kind": "raw", "value": _unpct(d, compiler.render_literal_value(value, type_))}


def bulk_insert(
    dialect: Dialect | str,
    table: Any,
    rows: list[dict[str, Any]],
    *,
    multiinsert: bool = True,
) -> BulkInsertSpec:
    """Spec of ``op.bulk_insert``: rows of literals in the table's column order."""
    if not isinstance(rows, list):
        raise TypeError("List expected")
    if rows and not isinstance(rows[0], dict):
        raise TypeError("List of dictionaries expected")
    d = get_dialect(dialect)
    out_rows = []
    for row in rows:
        out_rows.append(
            [(col.name, _literal(d, row[col.key], col.type)) for col in table.c if col.key in row]
        )
    return {
        "op": "bulk_insert",
        "table_name": table.name,
        "schema": getattr(table, "schema", None),
        "rows": out_rows,
        "multiinsert": multiinsert,
    }
