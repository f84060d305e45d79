"""Turn alembic-style operation arguments and SQLAlchemy objects into plain operation specs.

Each public function takes the same arguments as the ``op.*`` method of the same name, plus
the dialect (a SQLAlchemy ``Dialect`` or its name) first, and returns a JSON-able dict that
``alembic_rs._native.render_op`` renders. Python decides only what SQLAlchemy alone knows:
a type's SQL, compiled expressions, final constraint names. Rust writes the statements.

SQLAlchemy is imported here and nowhere on the read-only command paths.
"""

from __future__ import annotations

import functools
import json
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import elements, functions, operators
from sqlalchemy.sql.base import _NONE_NAME
from sqlalchemy.sql.schema import DefaultClause, SchemaConst
from sqlalchemy.sql.schema import Sequence as SaSequence

__all__ = [
    "add_column",
    "add_constraint",
    "alter_column",
    "bulk_insert",
    "create_check_constraint",
    "create_exclude_constraint",
    "create_foreign_key",
    "create_index",
    "create_primary_key",
    "create_table",
    "create_table_comment",
    "create_unique_constraint",
    "dialect_flags",
    "drop_column",
    "drop_constraint",
    "drop_index",
    "drop_table",
    "drop_table_comment",
    "execute",
    "get_dialect",
    "rename_table",
    "to_json",
]

_MAX_INT = 2**63 - 1


def get_dialect(dialect: Dialect | str) -> Dialect:
    """A dialect instance for ``dialect`` (a name gets the default driver, as offline alembic)."""
    if isinstance(dialect, str):
        return sa.engine.URL.create(dialect).get_dialect()()
    return dialect


def to_json(spec: Mapping[str, Any]) -> str:
    """The spec as the JSON text ``render_op`` takes."""
    return json.dumps(spec, ensure_ascii=False)


# per DDL compiler class: whether it writes INHERITS with inner spaces
_PADDED_INHERITS: dict[type, bool] = {}


def _padded_inherits(d: Dialect) -> bool:
    """Whether the compiler writes ``INHERITS ( a )`` (SQLAlchemy 2.0) or ``INHERITS (a)``."""
    cls = d.ddl_compiler
    if cls not in _PADDED_INHERITS:
        t = sa.Table("t", sa.MetaData(), postgresql_inherits="a")
        _PADDED_INHERITS[cls] = "( a )" in _ddl_compiler(d).post_create_table(t)
    return _PADDED_INHERITS[cls]


def dialect_flags(d: Dialect) -> dict[str, bool]:
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


def _op_spec(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Mark the spec with how the run's dialect renders: whether it doubles ``%`` in offline
    output, and its ``dialect_flags``.

    SQLAlchemy doubles every ``%`` only for ``format``/``pyformat`` paramstyles; an env.py
    with ``dialect_opts={"paramstyle": "named"}`` (alembic's templates) gets them single.
    """

    @functools.wraps(fn)
    def wrapper(dialect: Dialect | str, *args: Any, **kw: Any) -> dict[str, Any]:
        d = get_dialect(dialect)
        spec = fn(d, *args, **kw)
        spec["double_percents"] = bool(d.identifier_preparer._double_percents)
        spec["dialect_flags"] = dialect_flags(d)
        return spec

    return wrapper


# --- compiled pieces ---------------------------------------------------------------------


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


def _type(d: Dialect, type_: Any) -> dict[str, str]:
    type_ = sqltypes.to_instance(type_)
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


def _ddl_compiler(d: Dialect) -> Any:
    """A DDL compiler with no statement, as SQLAlchemy's create rules take one."""
    return d.ddl_compiler(d, None)  # type: ignore[arg-type]


def _server_default(d: Dialect, value: Any) -> dict[str, str] | None:
    if isinstance(value, DefaultClause):
        value = value.arg
    elif isinstance(value, sa.schema.FetchedValue) or value is None:
        return None
    if isinstance(value, str):
        return {"kind": "literal", "value": value}
    ddl = _ddl_compiler(d)
    return {"kind": "sql", "sql": _unpct(d, ddl.render_default_string(value))}


def _final_name(d: Dialect, obj: Any) -> str | None:
    if obj.name is None:
        return None
    return d.identifier_preparer.format_constraint(obj, _alembic_quote=False)


def _deferrability(c: Any) -> dict[str, Any]:
    return {"deferrable": c.deferrable, "initially": c.initially}


def _pg_opt(d: Dialect, obj: Any, key: str, default: Any = None) -> Any:
    if d.name != "postgresql":
        return default
    # .get: an option this SQLAlchemy release does not know was never given
    return obj.dialect_options["postgresql"].get(key, default)


def _fk_target(fk: sa.ForeignKey) -> tuple[str | None, str, str | None]:
    if isinstance(fk._colspec, str):
        schema, table, column = fk._column_tokens
        return schema, table, column
    col = fk.column
    return col.table.schema, col.table.name, col.name


def _constraint(d: Dialect, c: Any) -> dict[str, Any]:
    name = _final_name(d, c)
    if isinstance(c, sa.PrimaryKeyConstraint):
        cols = c.columns_autoinc_first if c._implicit_generated else c.columns
        spec = {
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
        targets = [_fk_target(fk) for fk in c.elements]
        table = c.parent
        return {
            "type": "foreign_key",
            "name": name,
            "columns": [fk.parent.name for fk in c.elements],
            "source_schema": table.schema if table is not None else None,
            "referent_schema": targets[0][0],
            "referent_table": targets[0][1],
            "referent_columns": [t[2] for t in targets],
            "ondelete": c.ondelete,
            "onupdate": c.onupdate,
            "match": c.match,
            "postgresql_not_valid": bool(_pg_opt(d, c, "not_valid", False)),
            **_deferrability(c),
        }
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
        els = []
        for expr, _name, op in c._render_exprs:
            if isinstance(expr, sa.Column):
                els.append([{"column": expr.name}, op])
            else:
                els.append([{"expr": _sql(d, expr, include_table=False)}, op])
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


def _column(d: Dialect, col: sa.Column) -> dict[str, Any]:
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
    computed = None
    if col.computed is not None:
        computed = {
            "sqltext": _ddl_expr(d, col.computed.sqltext),
            "persisted": _persisted(d, col.computed.persisted),
        }
    identity = None
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


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda c: getattr(c, "_creation_order", 0))


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


def _metadata(naming_convention: Mapping[str, str] | None) -> sa.MetaData:
    if naming_convention:
        return sa.MetaData(naming_convention=dict(naming_convention))
    return sa.MetaData()


def _table(
    name: str,
    *items: Any,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> sa.Table:
    """A throwaway Table holding ``items``, built the way alembic's SchemaObjects does."""
    m = _metadata(naming_convention)
    constraints_included = kw.pop("_constraints_included", False)
    cols = [c._copy() if c.table is not None else c for c in items if isinstance(c, sa.Column)]
    if constraints_included:
        # the items carry the table's constraints (CreateTableOp.from_table): the column
        # flags would make the unique constraints and indexes a second time
        for c in cols:
            c.unique = c.index = False
    t = sa.Table(name, m, *cols, schema=schema, **kw)
    for elem in items:
        if isinstance(elem, (sa.Index, sa.schema.Constraint)) and not getattr(
            elem, "_type_bound", False
        ):
            parent = getattr(elem, "parent", None)
            if parent is not None and parent is not t:
                elem = elem._copy(target_table=t)  # type: ignore[union-attr]
            t.append_constraint(elem)
    return t


# --- operations --------------------------------------------------------------------------


@_op_spec
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
) -> dict[str, Any]:
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
) -> tuple[dict[str, Any], sa.Table]:
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
    constraints = []
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
    spec = {
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
        "double_percents": bool(d.identifier_preparer._double_percents),
        "dialect_flags": dialect_flags(d),
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


def _before_create(d: Dialect, t: sa.Table) -> list[dict[str, Any]]:
    """What the table's ``before_create`` event emits, as alembic fires it (``CREATE TYPE``)."""
    from sqlalchemy.engine.mock import MockConnection

    emitted: list[Any] = []
    bind = MockConnection(d, lambda construct, *a, **kw: emitted.append(construct))
    runner = _RUNNERS.setdefault(d, _DdlRunner())
    t.dispatch.before_create(t, bind, checkfirst=False, _ddl_runner=runner)
    out = []
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


def _pg_with(opts: Mapping[str, Any] | None) -> list[list[Any]]:
    out: list[list[Any]] = []
    for k, v in (opts or {}).items():
        if v is None:
            out.append([k, None])
        elif isinstance(v, bool):
            out.append([k, "true" if v else "false"])
        else:
            out.append([k, str(v)])
    return out


def _table_options(d: Dialect, t: sa.Table) -> dict[str, Any]:
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
        options = []
        for key, value in t.kwargs.items():
            if key.startswith(prefix):
                if not isinstance(value, str):
                    raise TypeError(f"table option {key}={value!r}: a string is expected")
                options.append([key[len(prefix) :].upper(), value])
        return {"mysql_options": options}
    if d.name == "sqlite":
        o = t.dialect_options["sqlite"]
        return {
            "sqlite_with_rowid": bool(o.get("with_rowid", True)),
            "sqlite_strict": bool(o.get("strict")),
        }
    return {}


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


@_op_spec
def drop_table(
    dialect: Dialect | str,
    table_name: str,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.drop_table``."""
    return {
        "op": "drop_table",
        "table_name": table_name,
        "schema": schema,
        "if_exists": bool(if_exists),
    }


@_op_spec
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
) -> dict[str, Any]:
    """Spec of ``op.add_column``: the column plus the constraints and indexes it brings."""
    d = get_dialect(dialect)
    t = _table(table_name, column, schema=schema, naming_convention=naming_convention)
    col = t.c[column.key]
    inline_fk = None
    fks = list(col.foreign_keys)
    if (
        inline_references
        and len(fks) == 1
        and fks[0].constraint is not None
        and len(fks[0].constraint.columns) == 1
    ):
        # a ForeignKey spec, not a tagged constraint
        inline_fk = _constraint(d, fks[0].constraint)
        inline_fk.pop("type")
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


@_op_spec
def drop_column(
    dialect: Dialect | str,
    table_name: str,
    column_name: str,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
    **kw: Any,
) -> dict[str, Any]:
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
) -> list[dict[str, Any]]:
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


@_op_spec
def alter_column(
    dialect: Dialect | str,
    table_name: str,
    column_name: str,
    *,
    nullable: bool | None = None,
    comment: str | bool | None = False,
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
) -> dict[str, Any]:
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
    spec: dict[str, Any] = {
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
    t = sa.Table(table_name, _metadata(naming_convention), schema=schema)
    exprs = []
    for c in columns:
        if isinstance(c, str):
            col = sa.Column(c, sqltypes.NULLTYPE)
            t.append_column(col)
            exprs.append(col)
        else:
            exprs.append(c)
    idx = sa.Index(index_name, *exprs, unique=unique, _table=t, **kw)
    return {"op": "create_index", **_index(d, idx, if_not_exists)}


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


def _add_constraint(op: str, d: Dialect, c: Any, table: sa.Table) -> dict[str, Any]:
    return {
        "op": op,
        "table_name": table.name,
        "schema": table.schema,
        "constraint": _constraint(d, c),
    }


def _columns_table(
    metadata: sa.MetaData, table_name: str, columns: Sequence[str], schema: str | None
) -> sa.Table:
    """A stand-in table with untyped columns, to attach a constraint to (as alembic does)."""
    return sa.Table(
        table_name, metadata, *[sa.Column(n, sqltypes.NULLTYPE) for n in columns], schema=schema
    )


@_op_spec
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
) -> dict[str, Any]:
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
    return _add_constraint("create_foreign_key", d, fk, t1)


@_op_spec
def create_unique_constraint(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    columns: Sequence[str],
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.create_unique_constraint``."""
    d = get_dialect(dialect)
    t = _columns_table(_metadata(naming_convention), table_name, columns, schema)
    uq = sa.UniqueConstraint(*[t.c[n] for n in columns], name=constraint_name, **kw)
    t.append_constraint(uq)
    return _add_constraint("create_unique_constraint", d, uq, t)


@_op_spec
def create_primary_key(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    columns: list[str],
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.create_primary_key``."""
    d = get_dialect(dialect)
    t = _columns_table(_metadata(naming_convention), table_name, columns, schema)
    pk = sa.PrimaryKeyConstraint(*[t.c[n] for n in columns], name=constraint_name, **kw)
    t.append_constraint(pk)
    return _add_constraint("create_primary_key", d, pk, t)


@_op_spec
def create_check_constraint(
    dialect: Dialect | str,
    constraint_name: str | None,
    table_name: str,
    condition: Any,
    *,
    schema: str | None = None,
    naming_convention: Mapping[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
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
    return _add_constraint("create_check_constraint", d, ck, t)


@_op_spec
def create_exclude_constraint(
    dialect: Dialect | str,
    constraint_name: str,
    table_name: str,
    *elements: Any,
    schema: str | None = None,
    where: Any = None,
    **kw: Any,
) -> dict[str, Any]:
    """Spec of ``op.create_exclude_constraint`` (PostgreSQL)."""
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    d = get_dialect(dialect)
    t = sa.Table(table_name, sa.MetaData(), schema=schema)
    excl = ExcludeConstraint(*elements, name=constraint_name, where=where, **kw)
    for _expr, name, _op in excl._render_exprs:
        t.append_column(sa.Column(name, sqltypes.NULLTYPE))
    t.append_constraint(excl)
    return _add_constraint("create_exclude_constraint", d, excl, t)


_ADD_CONSTRAINT_OPS = {
    "primary_key": "create_primary_key",
    "foreign_key": "create_foreign_key",
    "unique": "create_unique_constraint",
    "check": "create_check_constraint",
    "exclude": "create_exclude_constraint",
}


@_op_spec
def add_constraint(dialect: Dialect | str, constraint: Any) -> dict[str, Any]:
    """Spec adding a constraint that is already attached to its (stand-in) table."""
    d = get_dialect(dialect)
    if isinstance(constraint, sa.ForeignKeyConstraint):
        table = constraint.parent
    elif isinstance(constraint, sa.CheckConstraint) and not isinstance(constraint.parent, sa.Table):
        table = constraint.parent.table
    else:
        table = constraint.table
    built = _constraint(d, constraint)
    return {
        "op": _ADD_CONSTRAINT_OPS[built["type"]],
        "table_name": table.name,
        "schema": table.schema,
        "constraint": built,
    }


@_op_spec
def drop_constraint(
    dialect: Dialect | str,
    constraint_name: Any,
    table_name: str,
    type_: str | None = None,
    *,
    schema: str | None = None,
    if_exists: bool | None = None,
) -> dict[str, Any]:
    """Spec of ``op.drop_constraint``; the name is a string or a constraint whose final
    name (after a naming convention) is the one dropped."""
    if type_ not in (None, "foreignkey", "primary", "unique", "check"):
        raise TypeError("'type' can be one of 'check', 'foreignkey', 'primary', 'unique', None")
    if not isinstance(constraint_name, str):
        constraint_name = _final_name(get_dialect(dialect), constraint_name)
    return {
        "op": "drop_constraint",
        "constraint_name": constraint_name,
        "table_name": table_name,
        "type": type_,
        "schema": schema,
        "if_exists": bool(if_exists),
    }


@_op_spec
def rename_table(
    dialect: Dialect | str,
    old_table_name: str,
    new_table_name: str,
    *,
    schema: str | None = None,
) -> dict[str, Any]:
    """Spec of ``op.rename_table``."""
    return {
        "op": "rename_table",
        "table_name": old_table_name,
        "new_table_name": new_table_name,
        "schema": schema,
    }


@_op_spec
def create_table_comment(
    dialect: Dialect | str,
    table_name: str,
    comment: str | None,
    *,
    existing_comment: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """Spec of ``op.create_table_comment``."""
    return {
        "op": "create_table_comment",
        "table_name": table_name,
        "comment": comment,
        "existing_comment": existing_comment,
        "schema": schema,
    }


@_op_spec
def drop_table_comment(
    dialect: Dialect | str,
    table_name: str,
    *,
    existing_comment: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """Spec of ``op.drop_table_comment``."""
    return {
        "op": "drop_table_comment",
        "table_name": table_name,
        "existing_comment": existing_comment,
        "schema": schema,
    }


@_op_spec
def execute(dialect: Dialect | str, sqltext: Any, **kw: Any) -> dict[str, Any]:
    """Spec of ``op.execute``: a string is passed on as text; a construct is compiled here."""
    if isinstance(sqltext, str):
        return {"op": "execute", "sqltext": sqltext, "plain": True}
    d = get_dialect(dialect)
    if isinstance(sqltext, sa.schema.ExecutableDDLElement):
        compiled = sqltext.compile(dialect=d)
    else:
        compiled = sqltext.compile(dialect=d, compile_kwargs={"literal_binds": True})
    return {"op": "execute", "sqltext": _unpct(d, str(compiled)), "plain": False}


def _literal(d: Dialect, value: Any, type_: Any) -> dict[str, Any]:
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


@_op_spec
def bulk_insert(
    dialect: Dialect | str,
    table: Any,
    rows: list[dict[str, Any]],
    *,
    multiinsert: bool = True,
) -> dict[str, Any]:
    """Spec of ``op.bulk_insert``: rows of literals in the table's column order."""
    if not isinstance(rows, list):
        raise TypeError("List expected")
    if rows and not isinstance(rows[0], dict):
        raise TypeError("List of dictionaries expected")
    d = get_dialect(dialect)
    out_rows = []
    for row in rows:
        out_rows.append(
            [[col.name, _literal(d, row[col.key], col.type)] for col in table.c if col.key in row]
        )
    return {
        "op": "bulk_insert",
        "table_name": table.name,
        "schema": getattr(table, "schema", None),
        "rows": out_rows,
        "multiinsert": multiinsert,
    }
