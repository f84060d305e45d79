"""The run's dialect: how it renders (``render_options``, sent beside each spec) and the
pieces of SQL only SQLAlchemy can write for it (compiled expressions, final names).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from .types import DialectFlags, OpSpec, RenderOptions, SpecJson


def get_dialect(dialect: Dialect | str) -> Dialect:
    """A dialect instance for ``dialect`` (a name gets the default driver, as offline alembic)."""
    if isinstance(dialect, str):
        return sa.engine.URL.create(dialect).get_dialect()()
    return dialect


def to_json(spec: OpSpec, options: RenderOptions | None = None) -> SpecJson:
    """The spec, with the run's render options beside it, as the JSON text ``render_op``
    takes (no options: the defaults of the dialect ``render_op`` is given by name)."""
    return SpecJson(json.dumps({**spec, **options} if options else spec, ensure_ascii=False))


# per DDL compiler class: whether it writes INHERITS with inner spaces
_PADDED_INHERITS: dict[type, bool] = {}


def _padded_inherits(d: Dialect) -> bool:
    """Whether the compiler writes ``INHERITS ( a )`` (SQLAlchemy 2.0) or ``INHERITS (a)``."""
    cls = d.ddl_compiler
    if cls not in _PADDED_INHERITS:
        t = sa.Table("t", sa.MetaData(), postgresql_inherits="a")
        _PADDED_INHERITS[cls] = "( a )" in _ddl_compiler(d).post_create_table(t)
    return _PADDED_INHERITS[cls]


def dialect_flags(d: Dialect) -> DialectFlags:
    """What the run's dialect instance says about rendering details that vary with the server's
    settings and between SQLAlchemy 2.0 and 2.1, read off the installed SQLAlchemy
    (``DialectFlags`` on the Rust side)."""
    return {
        # PostgreSQL: standard_conforming_strings off, or never connected under 2.0;
        # MySQL: sql_mode without NO_BACKSLASH_ESCAPES
        "backslash_escapes": bool(getattr(d, "_backslash_escapes", False)),
        # MySQL: a server (or, under 2.1, an unconnected dialect) that takes DEFAULT (expr)
        "default_function_parens": bool(getattr(d, "_support_default_function", False)),
        "padded_inherits": d.name == "postgresql" and _padded_inherits(d),
    }


def render_options(d: Dialect) -> RenderOptions:
    """How the run's dialect renders: whether it doubles ``%`` in offline output, and its
    ``dialect_flags``.

    SQLAlchemy doubles every ``%`` only for ``format``/``pyformat`` paramstyles; an env.py
    with ``dialect_opts={"paramstyle": "named"}`` (alembic's templates) gets them single.
    """
    return {
        "double_percents": bool(d.identifier_preparer._double_percents),
        "dialect_flags": dialect_flags(d),
    }


def _unpct(d: Dialect, sql: str) -> str:
    # SQLAlchemy doubles every % for format/pyformat drivers; the Rust side does that itself
    # in offline mode, so compiled pieces travel undoubled.
    if d.identifier_preparer._double_percents:
        return sql.replace("%%", "%")
    return sql


def _sql(d: Dialect, expr: Any, **kw: Any) -> str:
    compiler = d.statement_compiler(d, None)
    kw.setdefault("literal_binds", True)
    return _unpct(d, compiler.process(expr, **kw))


def _ddl_expr(d: Dialect, expr: Any) -> str:
    """An expression in DDL (CHECK, computed, index WHERE): no table prefix, literal binds."""
    if isinstance(expr, str):
        expr = sa.text(expr)
    return _sql(d, expr, include_table=False)


def _ddl_compiler(d: Dialect) -> Any:
    """A DDL compiler with no statement, as SQLAlchemy's create rules take one."""
    return d.ddl_compiler(d, None)  # type: ignore[arg-type]


def _final_name(d: Dialect, obj: Any) -> str | None:
    if obj.name is None:
        return None
    return d.identifier_preparer.format_constraint(obj, _alembic_quote=False)


def _pg_opt(d: Dialect, obj: Any, key: str, default: Any = None) -> Any:
    if d.name != "postgresql":
        return default
    # .get: an option this SQLAlchemy release does not know was never given
    return obj.dialect_options["postgresql"].get(key, default)


def _pg_with(opts: Mapping[str, Any] | None) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for k, v in (opts or {}).items():
        if v is None:
            out.append((k, None))
        elif isinstance(v, bool):
            out.append((k, "true" if v else "false"))
        else:
            out.append((k, str(v)))
    return out


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda c: getattr(c, "_creation_order", 0))
