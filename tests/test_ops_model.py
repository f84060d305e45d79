"""The operation object model against alembic's (``alembic.operations.ops``).

Each case makes one op object, through the same classmethod ``op.*`` calls go through (or a
``from_*`` conversion), once with alembic's classes and once with ours. The objects, their
``to_diff_tuple()``, ``reverse()`` (twice) and ``to_*`` conversions are turned into plain
values and must be equal; where alembic raises, we must raise the same exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import alembic.operations.ops as alembic_ops
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import alembic_rs.operations.ops as our_ops


class Capture:
    """Stands in for ``Operations`` / ``BatchOperations``: ``invoke`` returns the op object."""

    class impl:  # the attribute alembic's batch classmethods read
        table_name = "batch_t"
        schema = "batch_s"

    last: Any = None

    def invoke(self, operation: Any) -> Any:
        self.last = operation
        return operation


CAP = Capture()


def plain(value: Any, depth: int = 0) -> Any:
    """A comparable picture of an op object, SQLAlchemy object or container."""
    if depth > 8:
        return "..."
    d = depth + 1
    if isinstance(value, (alembic_ops.MigrateOperation, our_ops.MigrateOperation)):
        attrs = {
            k: plain(v, d)
            for k, v in sorted(vars(value).items())
            if k not in ("_namespace_metadata", "_upgrade_ops", "_downgrade_ops")
        }
        if isinstance(value, (alembic_ops.MigrationScript, our_ops.MigrationScript)):
            attrs["upgrade_ops_list"] = plain(value.upgrade_ops_list, d)
            attrs["downgrade_ops_list"] = plain(value.downgrade_ops_list, d)
        return (type(value).__name__, attrs)
    if isinstance(value, sa.Table):
        return (
            "Table",
            value.name,
            value.schema,
            value.comment,
            dict(value.info),
            [plain(c, d) for c in value.c],
            sorted((plain(c, d) for c in value.constraints), key=repr),
            sorted((plain(i, d) for i in value.indexes), key=repr),
            dict(value.kwargs),
        )
    if isinstance(value, sa.Column):
        return (
            "Column",
            value.name,
            repr(value.type),
            value.nullable,
            value.primary_key,
            value.unique,
            value.index,
            value.table.name if value.table is not None else None,
            plain(value.server_default, d),
            value.comment,
        )
    if isinstance(value, sa.DefaultClause):
        return ("DefaultClause", plain(value.arg, d))
    if isinstance(value, sa.ForeignKeyConstraint):
        return (
            "ForeignKeyConstraint",
            value.name,
            value.parent.name if value.parent is not None else None,
            [c.name for c in value.columns],
            [fk.target_fullname for fk in value.elements],
            value.ondelete,
            value.onupdate,
            value.deferrable,
            value.initially,
            value.match,
        )
    if isinstance(value, sa.CheckConstraint):
        table = value.table if hasattr(value, "table") else None
        return ("CheckConstraint", value.name, str(value.sqltext), getattr(table, "name", None))
    if isinstance(value, sa.schema.ColumnCollectionConstraint):
        table = getattr(value, "parent", None)
        return (
            type(value).__name__,
            value.name,
            table.name if table is not None else None,
            table.schema if table is not None else None,
            [c.name for c in value.columns],
            value.deferrable,
            value.initially,
            dict(value.dialect_kwargs),
        )
    if isinstance(value, sa.Index):
        return (
            "Index",
            value.name,
            value.table.name if value.table is not None else None,
            value.table.schema if value.table is not None else None,
            value.unique,
            [str(e) for e in value.expressions],
            dict(value.kwargs),
        )
    if isinstance(value, sa.types.TypeEngine):
        return ("type", repr(value))
    if isinstance(value, sa.sql.ClauseElement):
        return ("sql", str(value))
    if isinstance(value, dict):
        return {k: plain(v, d) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [plain(v, d) for v in value]
        if any(isinstance(v, sa.schema.Constraint) for v in value):
            # CreateTableOp.from_table lists the columns, then the table's constraints,
            # which SQLAlchemy keeps in a set: their order is arbitrary
            cols = [
                p
                for v, p in zip(value, items, strict=True)
                if not isinstance(v, sa.schema.Constraint)
            ]
            rest = [
                p for v, p in zip(value, items, strict=True) if isinstance(v, sa.schema.Constraint)
            ]
            items = cols + sorted(rest, key=repr)
        return type(value).__name__, items
    if isinstance(value, (set, frozenset)):
        return sorted(repr(v) for v in value)
    return value


def outcome(fn: Callable[[], Any]) -> Any:
    """``plain(fn())``, or the exception it raised (type and message)."""
    try:
        return ("ok", plain(fn()))
    except Exception as exc:  # the exception is what is compared
        return ("raised", type(exc).__name__, str(exc))


def views(op: Any) -> dict[str, Any]:
    """Everything compared for one op object."""
    out = {
        "op": outcome(lambda: op),
        "diff": outcome(op.to_diff_tuple),
        "reverse": outcome(op.reverse),
        "reverse_reverse": outcome(lambda: op.reverse().reverse()),
        "reverse_diff": outcome(lambda: op.reverse().to_diff_tuple()),
    }
    for name in ("to_table", "to_index", "to_constraint", "to_column"):
        if hasattr(op, name):
            out[name] = outcome(getattr(op, name))
    if hasattr(op, "as_diffs"):
        out["as_diffs"] = outcome(op.as_diffs)
        out["is_empty"] = outcome(op.is_empty)
    if hasattr(op, "has_changes"):
        out["has_changes"] = outcome(op.has_changes)
    return out


def _table(name: str = "account", schema: str | None = None) -> sa.Table:
    m = sa.MetaData()
    sa.Table("owner", m, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
    return sa.Table(
        name,
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("owner_id", sa.ForeignKey(f"{schema + '.' if schema else ''}owner.id")),
        sa.Column("score", sa.Integer, server_default="0", index=True),
        sa.CheckConstraint("score >= 0", name="ck_score"),
        sa.UniqueConstraint("email", "score", name="uq_email_score"),
        sa.Index("ix_lower_email", sa.func.lower(sa.text("email"))),
        schema=schema,
        comment="accounts",
        info={"k": "v"},
        postgresql_partition_by="RANGE (id)",
    )


# each case: m (an ops module) -> op object
CASES: dict[str, Callable[[Any], Any]] = {
    "add_column": lambda m: m.AddColumnOp.add_column(
        CAP, "t", sa.Column("x", sa.String(20), nullable=False, server_default="a")
    ),
    "add_column_schema_if_not_exists": lambda m: m.AddColumnOp.add_column(
        CAP, "t", sa.Column("x", sa.Integer), schema="s", if_not_exists=True
    ),
    "batch_add_column": lambda m: m.AddColumnOp.batch_add_column(
        CAP, sa.Column("x", sa.Integer), insert_after="id"
    ),
    "add_column_from_column": lambda m: m.AddColumnOp.from_column(_table().c.email),
    "drop_column": lambda m: m.DropColumnOp.drop_column(CAP, "t", "x", schema="s"),
    "drop_column_if_exists": lambda m: m.DropColumnOp.drop_column(CAP, "t", "x", if_exists=True),
    "drop_column_from_column": lambda m: m.DropColumnOp.from_column_and_tablename(
        "s", "t", sa.Column("x", sa.Integer, nullable=False)
    ),
    "batch_drop_column": lambda m: m.DropColumnOp.batch_drop_column(CAP, "x"),
    "alter_column_type": lambda m: m.AlterColumnOp.alter_column(
        CAP, "t", "c", type_=sa.String(50), existing_type=sa.String(20), existing_nullable=True
    ),
    "alter_column_everything": lambda m: m.AlterColumnOp.alter_column(
        CAP,
        "t",
        "c",
        nullable=False,
        comment="new",
        server_default="x",
        new_column_name="d",
        existing_server_default="y",
        existing_comment="old",
        schema="s",
        postgresql_using="c::text",
    ),
    "alter_column_nothing": lambda m: m.AlterColumnOp.alter_column(CAP, "t", "c"),
    "alter_column_modify_kw": lambda m: m.AlterColumnOp(
        "t", "c", modify_autoincrement=True, existing_autoincrement=False
    ),
    "batch_alter_column": lambda m: m.AlterColumnOp.batch_alter_column(
        CAP, "c", nullable=True, existing_type=sa.Integer, insert_before="id"
    ),
    "create_table": lambda m: m.CreateTableOp.create_table(
        CAP,
        "t",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), unique=True, index=True),
        sa.UniqueConstraint("name", name="uq_name"),
        schema="s",
        comment="c",
        info={"a": 1},
        prefixes=["TEMPORARY"],
        mysql_engine="InnoDB",
    ),
    "create_table_from_table": lambda m: m.CreateTableOp.from_table(_table()),
    "create_table_from_table_schema": lambda m: m.CreateTableOp.from_table(
        _table("acct", schema="app")
    ),
    "drop_table": lambda m: m.DropTableOp.drop_table(CAP, "t", schema="s", if_exists=True),
    "drop_table_kw": lambda m: m.DropTableOp.drop_table(CAP, "t", comment="c", info={"x": 1}),
    "drop_table_from_table": lambda m: m.DropTableOp.from_table(_table()),
    "rename_table": lambda m: m.RenameTableOp.rename_table(CAP, "a", "b", schema="s"),
    "create_table_comment": lambda m: m.CreateTableCommentOp.create_table_comment(
        CAP, "t", "new", existing_comment="old"
    ),
    "create_table_comment_first": lambda m: m.CreateTableCommentOp.create_table_comment(
        CAP, "t", "new", schema="s"
    ),
    "batch_create_table_comment": lambda m: m.CreateTableCommentOp.batch_create_table_comment(
        CAP, "new"
    ),
    "drop_table_comment": lambda m: m.DropTableCommentOp.drop_table_comment(
        CAP, "t", existing_comment="old"
    ),
    "create_index": lambda m: m.CreateIndexOp.create_index(
        CAP, "ix_t_a", "t", ["a", "b"], unique=True, schema="s", postgresql_using="btree"
    ),
    "create_index_expression": lambda m: m.CreateIndexOp.create_index(
        CAP, "ix_t_lower", "t", [sa.text("lower(a)")], if_not_exists=True
    ),
    "create_index_from_index": lambda m: m.CreateIndexOp.from_index(
        next(i for i in _table().indexes if i.name == "ix_account_score")
    ),
    "batch_create_index": lambda m: m.CreateIndexOp.batch_create_index(CAP, "ix", ["a"]),
    "drop_index": lambda m: m.DropIndexOp.drop_index(CAP, "ix", table_name="t", schema="s"),
    "drop_index_from_index": lambda m: m.DropIndexOp.from_index(
        next(i for i in _table().indexes if i.name == "ix_account_score")
    ),
    "batch_drop_index": lambda m: m.DropIndexOp.batch_drop_index(CAP, "ix"),
    "create_primary_key": lambda m: m.CreatePrimaryKeyOp.create_primary_key(
        CAP, "pk_t", "t", ["a", "b"], schema="s"
    ),
    "batch_create_primary_key": lambda m: m.CreatePrimaryKeyOp.batch_create_primary_key(
        CAP, "pk", ["a"]
    ),
    "create_unique_constraint": lambda m: m.CreateUniqueConstraintOp.create_unique_constraint(
        CAP, "uq_t_a", "t", ["a"], deferrable=True, initially="DEFERRED"
    ),
    "create_foreign_key": lambda m: m.CreateForeignKeyOp.create_foreign_key(
        CAP,
        "fk_t_o",
        "t",
        "o",
        ["o_id"],
        ["id"],
        ondelete="CASCADE",
        source_schema="s",
        referent_schema="r",
        match="FULL",
    ),
    "create_foreign_key_self": lambda m: m.CreateForeignKeyOp.create_foreign_key(
        CAP, "fk_self", "t", "t", ["parent_id"], ["id"]
    ),
    "batch_create_foreign_key": lambda m: m.CreateForeignKeyOp.batch_create_foreign_key(
        CAP, "fk", "o", ["o_id"], ["id"], onupdate="SET NULL"
    ),
    "create_check_constraint": lambda m: m.CreateCheckConstraintOp.create_check_constraint(
        CAP, "ck_t", "t", "a > 0", schema="s"
    ),
    "create_check_constraint_expr": lambda m: m.CreateCheckConstraintOp.create_check_constraint(
        CAP, "ck_t", "t", sa.column("a") > 5
    ),
    "add_constraint_from_fk": lambda m: m.AddConstraintOp.from_constraint(
        next(iter(_table().foreign_key_constraints))
    ),
    "add_constraint_from_unique": lambda m: m.AddConstraintOp.from_constraint(
        next(c for c in _table().constraints if c.name == "uq_email_score")
    ),
    "add_constraint_from_check": lambda m: m.AddConstraintOp.from_constraint(
        next(c for c in _table().constraints if c.name == "ck_score")
    ),
    "add_constraint_from_pk": lambda m: m.AddConstraintOp.from_constraint(
        _table(schema="app").primary_key
    ),
    "drop_constraint": lambda m: m.DropConstraintOp.drop_constraint(
        CAP, "uq", "t", type_="unique", schema="s", if_exists=True
    ),
    "drop_constraint_from_fk": lambda m: m.DropConstraintOp.from_constraint(
        next(iter(_table().foreign_key_constraints))
    ),
    "drop_constraint_from_check": lambda m: m.DropConstraintOp.from_constraint(
        next(c for c in _table().constraints if c.name == "ck_score")
    ),
    "batch_drop_constraint": lambda m: m.DropConstraintOp.batch_drop_constraint(
        CAP, "fk", type_="foreignkey"
    ),
    "bulk_insert": lambda m: m.BulkInsertOp.bulk_insert(
        CAP, sa.table("t", sa.column("a")), [{"a": 1}], multiinsert=False
    ),
    "execute": lambda m: m.ExecuteSQLOp.execute(
        CAP, "UPDATE t SET a = 1", execution_options={"x": 1}
    ),
    "batch_execute": lambda m: m.ExecuteSQLOp.batch_execute(CAP, sa.text("SELECT 1")),
    "modify_table_ops": lambda m: m.ModifyTableOps(
        "t",
        [
            m.AddColumnOp("t", sa.Column("x", sa.Integer)),
            m.AlterColumnOp("t", "y", modify_nullable=False, existing_nullable=True),
            m.CreateIndexOp("ix", "t", ["x"]),
        ],
        schema="s",
    ),
    "upgrade_ops": lambda m: m.UpgradeOps(
        [
            m.CreateTableOp.from_table(_table()),
            m.ModifyTableOps(
                "t",
                [m.DropColumnOp.from_column_and_tablename(None, "t", sa.Column("x", sa.Integer))],
            ),
            m.CreateTableCommentOp("t", "c"),
        ],
        upgrade_token="upgrades_db1",
    ),
    "downgrade_ops": lambda m: m.DowngradeOps(
        [m.DropTableOp.from_table(_table()), m.RenameTableOp("a", "b")]
    ),
    "empty_upgrade_ops": lambda m: m.UpgradeOps(),
    "migration_script": lambda m: m.MigrationScript(
        "abc123",
        m.UpgradeOps([m.AddColumnOp("t", sa.Column("x", sa.Integer))]),
        m.DowngradeOps([m.DropColumnOp("t", "x")]),
        message="msg",
        head="base",
        branch_label="lbl",
        version_path="versions/x",
        depends_on="d1",
    ),
    "exclude_constraint_from_constraint": lambda m: m.AddConstraintOp.from_constraint(_exclude()),
}


def _exclude() -> Any:
    t = sa.Table(
        "room",
        sa.MetaData(),
        sa.Column("room_id", sa.Integer),
        sa.Column("during", postgresql.TSRANGE),
    )
    excl = postgresql.ExcludeConstraint(
        ("room_id", "="), ("during", "&&"), name="no_overlap", using="gist"
    )
    t.append_constraint(excl)
    return excl


def build(case: str, ops_module: Any) -> Any:
    """The op object of ``case`` (classmethods such as ``bulk_insert`` return None)."""
    CAP.last = None
    op = CASES[case](ops_module)
    return op if op is not None else CAP.last


def _alembic_ops_with_pg() -> Any:
    # alembic registers its exclude constraint op when its PostgreSQL impl is imported
    import alembic.ddl.postgresql  # noqa: F401

    return alembic_ops


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_objects_match_alembic(case: str) -> None:
    theirs = views(build(case, _alembic_ops_with_pg()))
    ours = views(build(case, our_ops))
    assert ours == theirs


def test_cases_cover_every_op_class() -> None:
    """Every op class of alembic's module list is made by some case, ours has them all."""
    made = set()
    for case in CASES:
        op = build(case, our_ops)
        made.add(type(op).__name__)
        for attr in ("ops", "_reverse"):
            inner = getattr(op, attr, None)
            for child in inner if isinstance(inner, list) else [inner]:
                if child is not None:
                    made.add(type(child).__name__)
    wanted = {
        name
        for name in dir(alembic_ops)
        if isinstance(getattr(alembic_ops, name), type)
        and issubclass(getattr(alembic_ops, name), alembic_ops.MigrateOperation)
    }
    assert {n for n in wanted if hasattr(our_ops, n)} == wanted
    abstract = {"MigrateOperation", "AddConstraintOp", "AlterTableOp", "OpContainer"}
    assert wanted - abstract <= made


def test_info_is_per_object_and_assignable() -> None:
    for m in (alembic_ops, our_ops):
        a = m.DropColumnOp("t", "x")
        b = m.DropColumnOp("t", "y")
        a.info["k"] = 1
        assert (a.info, b.info) == ({"k": 1}, {})
        assert m.CreateTableOp("t", [], info={"z": 2}).info == {"z": 2}
