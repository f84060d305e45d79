"""The op specs built without SQLAlchemy objects equal the ones built through them.

``spec.create_index`` skips SQLAlchemy's table and index for the common index (a plain
name, column names, no dialect options), as they cost more than the rest of the op; the
spec it gives must be the one ``_index`` reads off the built index, on every dialect, and
the same errors must come out.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from alembic_rs.operations.spec import indexes
from alembic_rs.operations.spec.dialect import get_dialect

DIALECTS = ["postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle"]

CONVENTIONS: list[dict[Any, str] | None] = [
    None,
    {"ix": "ix_%(column_0_label)s"},
    {"ix": "idx_%(constraint_name)s"},
    {sa.Index: "i_%(constraint_name)s_%(table_name)s"},
]

CASES = [
    ("ix_t_name", "t", ["name"], None, False),
    ("ix_t_a_b", "t", ["a", "b"], "app", True),
    ("Mixed Case", "Weird Table", ["select", "Col"], None, False),
    ("x" * 63, "t", ["name"], None, False),
    ("y" * 70, "t", ["name"], None, False),
]


def _built(d: Any, name: Any, table: str, cols: list[Any], schema: Any, unique: bool, nc: Any):
    built = indexes._built_index(d, name, table, cols, schema, unique, nc, {})
    return {"op": "create_index", **indexes._index(d, built, False)}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("convention", CONVENTIONS, ids=lambda c: repr(c))
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0][:12])
def test_plain_index_spec_equals_built(dialect: str, convention: Any, case: tuple) -> None:
    d = get_dialect(dialect)
    name, table, cols, schema, unique = case
    try:
        expected = _built(d, name, table, cols, schema, unique, convention)
    except sa.exc.IdentifierError as e:
        with pytest.raises(sa.exc.IdentifierError) as got:
            indexes.create_index(
                d, name, table, cols, schema=schema, unique=unique, naming_convention=convention
            )
        assert str(got.value) == str(e)
        return
    spec = indexes.create_index(
        d, name, table, cols, schema=schema, unique=unique, naming_convention=convention
    )
    assert spec == expected


def test_shortcut_taken_only_for_plain_indexes() -> None:
    d = get_dialect("postgresql")
    assert indexes._plain_index(d, "ix", "t", ["a"], None, False, None, {}) is not None
    # an expression, a dialect option, a convention that rewrites names, a conv() name
    assert indexes._plain_index(d, "ix", "t", [sa.text("lower(a)")], None, False, None, {}) is None
    assert (
        indexes._plain_index(d, "ix", "t", ["a"], None, False, None, {"postgresql_using": "gin"})
        is None
    )
    assert (
        indexes._plain_index(d, "ix", "t", ["a"], None, False, {"ix": "x_%(constraint_name)s"}, {})
        is None
    )
    assert indexes._plain_index(d, sa.schema.conv("ix"), "t", ["a"], None, False, None, {}) is None
    assert indexes._plain_index(d, None, "t", ["a"], None, False, None, {}) is None


TYPES: list[Any] = [
    sa.Integer,
    sa.Integer(),
    sa.BigInteger(),
    sa.SmallInteger(),
    sa.String(50),
    sa.String(51),
    sa.String(50, collation="C"),
    sa.Text(),
    sa.Unicode(20),
    sa.DateTime(),
    sa.DateTime(timezone=True),
    sa.TIMESTAMP(),
    sa.Numeric(10, 2),
    sa.Numeric(12, 4),
    sa.Float(),
    sa.Boolean(),
    sa.JSON(),
    sa.Uuid(),
    sa.Enum("a", "b", name="ab"),
    sa.ARRAY(sa.Integer()),
    sa.String(10).with_variant(sa.Text(), "postgresql"),
]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_type_specs_from_the_cache_equal_compiled(dialect: str) -> None:
    from alembic_rs.operations.spec import columns

    d = get_dialect(dialect)
    for _ in range(2):  # the second round reads the cache
        for t in TYPES:
            instance = sa.types.to_instance(t)
            try:
                expected = columns._compiled_type(d, instance)
            except sa.exc.CompileError:
                continue  # a type the dialect cannot write (ARRAY on SQLite)
            assert columns._type(d, t) == expected, t


def test_type_cache_holds_only_plain_builtin_types() -> None:
    from alembic_rs.operations.spec import columns

    class Custom(sa.types.UserDefinedType):
        cache_ok = True

        def get_col_spec(self, **kw: Any) -> str:
            return "CUSTOM"

    assert columns._type_key(sa.String(50)) != columns._type_key(sa.String(51))
    for t in [Custom(), sa.Enum("a", name="e"), sa.Boolean(), sa.ARRAY(sa.Integer())]:
        assert columns._type_key(t) is None, t
    assert columns._type_key(sa.String(10).with_variant(sa.Text(), "postgresql")) is None
