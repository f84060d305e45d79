"""The operation specs that cross into Rust, typed: one TypedDict per struct of ``src/ops``.

The keys are the Rust fields' serde names. A field Rust fills in when it is absent
(``#[serde(default)]``) is ``NotRequired`` here, an ``Option`` is ``| None``; enums tagged by
``op``/``type``/``kind`` are unions of TypedDicts with a ``Literal`` tag. Rust refuses any key
it does not know (``deny_unknown_fields``), so a misspelled key fails at the boundary with
``ValueError: invalid operation spec: unknown field ...`` and, before that, under mypy.

How the run's dialect renders (``RenderOptions``) is not part of an operation: it travels
beside it, at the top level of the JSON ``render_op`` takes (``to_json``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NewType, TypedDict

if TYPE_CHECKING:
    # only in annotations, which stay strings at run time (typing has it from 3.11)
    from typing_extensions import NotRequired

__all__ = [
    "AddColumnSpec",
    "AddColumnStep",
    "AlterColumnSpec",
    "AlterColumnStep",
    "BatchAlterTableSpec",
    "BatchColumnSpec",
    "BatchConstraintSpec",
    "BatchStepOptions",
    "BatchStepSpec",
    "BatchTableSpec",
    "BulkInsertSpec",
    "CheckSpec",
    "ColumnSpec",
    "ComputedSpec",
    "ConstraintSpec",
    "ConstraintTypeName",
    "CreateCheckConstraintSpec",
    "CreateExcludeConstraintSpec",
    "CreateForeignKeySpec",
    "CreateIndexSpec",
    "CreatePrimaryKeySpec",
    "CreateTableCommentSpec",
    "CreateTableSpec",
    "CreateUniqueConstraintSpec",
    "DialectFlags",
    "DropColumnSpec",
    "DropColumnStep",
    "DropConstraintSpec",
    "DropIndexSpec",
    "DropTableCommentSpec",
    "DropTableSpec",
    "ExcludeSpec",
    "ExecuteSpec",
    "ForeignKeyConstraintSpec",
    "ForeignKeySpec",
    "IdentitySpec",
    "IndexDialectOptions",
    "IndexElementSpec",
    "IndexSpec",
    "LiteralSpec",
    "OpSpec",
    "PgTableOptions",
    "PrimaryKeySpec",
    "RenameTableSpec",
    "RenderOptions",
    "ServerDefaultSpec",
    "SpecJson",
    "TableCommentSpec",
    "TypeDdlSpec",
    "TypeSpec",
    "UniqueSpec",
]

# --- render options (ddl::DialectFlags, and what parse_spec takes off the top level) -----


class DialectFlags(TypedDict):
    """``ddl::DialectFlags``: what the run's dialect instance says about rendering details."""

    backslash_escapes: bool
    default_function_parens: bool
    padded_inherits: bool


class RenderOptions(TypedDict, total=False):
    """How the run's dialect renders, sent beside the operation (absent: the named
    dialect's defaults)."""

    double_percents: bool
    dialect_flags: DialectFlags


SpecJson = NewType("SpecJson", str)
"""An operation spec and its render options as the JSON text ``render_op`` takes."""

# --- columns -------------------------------------------------------------------------------

TypeClass = Literal["integer", "small_integer", "big_integer", "datetime", "timestamp", "other"]

# "class" is a keyword: the functional form, for that key alone
_TypeClassKey = TypedDict("_TypeClassKey", {"class": TypeClass}, total=False)


class TypeSpec(_TypeClassKey):
    """``ops::TypeSpec``: a column type's SQL, as SQLAlchemy compiled it, and its family."""

    sql: str


class _LiteralDefault(TypedDict):
    kind: Literal["literal"]
    value: str


class _SqlDefault(TypedDict):
    kind: Literal["sql"]
    sql: str


ServerDefaultSpec = _LiteralDefault | _SqlDefault
"""``ops::ServerDefault``."""


class ComputedSpec(TypedDict):
    """``ops::Computed``."""

    sqltext: str
    persisted: NotRequired[bool | None]


class IdentitySpec(TypedDict, total=False):
    """``ops::Identity``."""

    always: bool
    increment: int | None
    start: int | None
    minvalue: int | None
    maxvalue: int | None
    nominvalue: bool | None
    nomaxvalue: bool | None
    cache: int | None
    cycle: bool | None


class ColumnSpec(TypedDict):
    """``ops::Column``."""

    name: str
    type: TypeSpec
    nullable: NotRequired[bool]
    primary_key: NotRequired[bool]
    autoincrement: NotRequired[bool]
    server_default: NotRequired[ServerDefaultSpec | None]
    comment: NotRequired[str | None]
    computed: NotRequired[ComputedSpec | None]
    identity: NotRequired[IdentitySpec | None]
    constraints: NotRequired[list[ConstraintSpec]]
    sqlite_autoincrement: NotRequired[bool]


# --- constraints ---------------------------------------------------------------------------


class PrimaryKeySpec(TypedDict):
    """``ops::PrimaryKey``, tagged ``"type": "primary_key"``."""

    type: Literal["primary_key"]
    name: NotRequired[str | None]
    columns: list[str]
    deferrable: NotRequired[bool | None]
    initially: NotRequired[str | None]
    postgresql_include: NotRequired[list[str]]
    mysql_using: NotRequired[str | None]


class ForeignKeySpec(TypedDict):
    """``ops::ForeignKey`` (untagged where it stands alone: ``inline_references``)."""

    name: NotRequired[str | None]
    columns: list[str]
    source_schema: NotRequired[str | None]
    referent_table: str
    referent_schema: NotRequired[str | None]
    referent_columns: list[str]
    ondelete: NotRequired[str | None]
    onupdate: NotRequired[str | None]
    match: NotRequired[str | None]
    deferrable: NotRequired[bool | None]
    initially: NotRequired[str | None]
    postgresql_not_valid: NotRequired[bool]


class ForeignKeyConstraintSpec(ForeignKeySpec):
    """``ops::ForeignKey`` as a constraint, tagged ``"type": "foreign_key"``."""

    type: Literal["foreign_key"]


class UniqueSpec(TypedDict):
    """``ops::Unique``, tagged ``"type": "unique"``."""

    type: Literal["unique"]
    name: NotRequired[str | None]
    columns: list[str]
    deferrable: NotRequired[bool | None]
    initially: NotRequired[str | None]
    postgresql_nulls_not_distinct: NotRequired[bool | None]
    postgresql_include: NotRequired[list[str]]


class CheckSpec(TypedDict):
    """``ops::Check``, tagged ``"type": "check"``."""

    type: Literal["check"]
    name: NotRequired[str | None]
    sqltext: str
    deferrable: NotRequired[bool | None]
    initially: NotRequired[str | None]
    postgresql_not_valid: NotRequired[bool]


class _IndexColumn(TypedDict):
    column: str


class _IndexExpr(TypedDict):
    expr: str


IndexElementSpec = _IndexColumn | _IndexExpr
"""``ops::IndexElement``: a column name (Rust quotes it) or a compiled expression."""


class ExcludeSpec(TypedDict):
    """``ops::Exclude`` (PostgreSQL), tagged ``"type": "exclude"``."""

    type: Literal["exclude"]
    name: NotRequired[str | None]
    elements: list[tuple[IndexElementSpec, str]]
    using: NotRequired[str]
    where: NotRequired[str | None]
    ops: NotRequired[dict[str, str]]
    deferrable: NotRequired[bool | None]
    initially: NotRequired[str | None]


ConstraintSpec = PrimaryKeySpec | ForeignKeyConstraintSpec | UniqueSpec | CheckSpec | ExcludeSpec
"""``ops::Constraint``."""

# --- indexes -------------------------------------------------------------------------------


class IndexDialectOptions(TypedDict, total=False):
    """The dialect options of ``ops::Index`` (``postgresql_*``, ``sqlite_*``, ``mysql_*``)."""

    postgresql_using: str | None
    postgresql_where: str | None
    postgresql_include: list[str]
    postgresql_concurrently: bool
    postgresql_ops: dict[str, str]
    postgresql_nulls_not_distinct: bool | None
    postgresql_with: list[tuple[str, str | None]]
    postgresql_tablespace: str | None
    sqlite_where: str | None
    mysql_prefix: str | None
    # ops::MysqlLength: one length for every column, or per column name
    mysql_length: int | dict[str, int] | None
    mysql_using: str | None
    mysql_with_parser: str | None


class IndexSpec(IndexDialectOptions):
    """``ops::Index``."""

    index_name: str
    table_name: str
    schema: NotRequired[str | None]
    elements: list[IndexElementSpec]
    unique: NotRequired[bool]
    if_not_exists: NotRequired[bool]


# --- tables --------------------------------------------------------------------------------


class _CreateEnumDdl(TypedDict):
    kind: Literal["create_enum"]
    name: str
    schema: NotRequired[str | None]
    values: list[str]


class _SqlDdl(TypedDict):
    kind: Literal["sql"]
    sql: str


TypeDdlSpec = _CreateEnumDdl | _SqlDdl
"""``ops::TypeDdl``: a statement a table's ``before_create`` event emits."""

# "with" is a keyword: the functional form
PgTableOptions = TypedDict(
    "PgTableOptions",
    {
        "inherits": list[str],
        "partition_by": str | None,
        "using": str | None,
        "with": list[tuple[str, str | None]],
        "with_oids": bool | None,
        "on_commit": str | None,
        "tablespace": str | None,
    },
    total=False,
)
"""``ops::PgTableOptions``."""

# --- operations (ops::Op, tagged by "op") ---------------------------------------------------


class CreateTableSpec(TypedDict):
    """``ops::CreateTable``."""

    op: Literal["create_table"]
    table_name: str
    schema: NotRequired[str | None]
    columns: list[ColumnSpec]
    constraints: NotRequired[list[ConstraintSpec]]
    indexes: NotRequired[list[IndexSpec]]
    comment: NotRequired[str | None]
    prefixes: NotRequired[list[str]]
    if_not_exists: NotRequired[bool]
    before_create: NotRequired[list[TypeDdlSpec]]
    postgresql_options: NotRequired[PgTableOptions]
    mysql_options: NotRequired[list[tuple[str, str]]]
    sqlite_with_rowid: NotRequired[bool]
    sqlite_strict: NotRequired[bool]


class DropTableSpec(TypedDict):
    """``ops::DropTable``."""

    op: Literal["drop_table"]
    table_name: str
    schema: NotRequired[str | None]
    if_exists: NotRequired[bool]


class AddColumnSpec(TypedDict):
    """``ops::AddColumn``."""

    op: Literal["add_column"]
    table_name: str
    schema: NotRequired[str | None]
    column: ColumnSpec
    if_not_exists: NotRequired[bool]
    inline_references: NotRequired[ForeignKeySpec | None]
    inline_primary_key: NotRequired[bool]
    constraints: NotRequired[list[ConstraintSpec]]
    indexes: NotRequired[list[IndexSpec]]


class DropColumnSpec(TypedDict):
    """``ops::DropColumn``."""

    op: Literal["drop_column"]
    table_name: str
    column_name: str
    schema: NotRequired[str | None]
    if_exists: NotRequired[bool]


class AlterColumnSpec(TypedDict):
    """``ops::AlterColumn``: a key left out means "not changed"; for ``server_default``
    and ``comment``, ``None`` means "drop it"."""

    op: Literal["alter_column"]
    table_name: str
    column_name: str
    schema: NotRequired[str | None]
    nullable: NotRequired[bool | None]
    server_default: NotRequired[ServerDefaultSpec | None]
    new_column_name: NotRequired[str | None]
    type: NotRequired[TypeSpec | None]
    comment: NotRequired[str | None]
    existing_type: NotRequired[TypeSpec | None]
    existing_server_default: NotRequired[ServerDefaultSpec | None]
    existing_nullable: NotRequired[bool | None]
    existing_comment: NotRequired[str | None]
    autoincrement: NotRequired[bool | None]
    existing_autoincrement: NotRequired[bool | None]
    postgresql_using: NotRequired[str | None]
    drop_constraints: NotRequired[list[ConstraintSpec]]
    add_constraints: NotRequired[list[ConstraintSpec]]


class CreateIndexSpec(IndexSpec):
    """``Op::CreateIndex(ops::Index)``."""

    op: Literal["create_index"]


class DropIndexSpec(TypedDict):
    """``ops::DropIndex``."""

    op: Literal["drop_index"]
    index_name: str
    table_name: NotRequired[str | None]
    schema: NotRequired[str | None]
    if_exists: NotRequired[bool]
    postgresql_concurrently: NotRequired[bool]


class AddConstraintSpec(TypedDict):
    """``ops::AddConstraint``, the body of the five ``create_*`` constraint operations."""

    table_name: str
    schema: NotRequired[str | None]
    constraint: ConstraintSpec


class CreateForeignKeySpec(AddConstraintSpec):
    op: Literal["create_foreign_key"]


class CreateUniqueConstraintSpec(AddConstraintSpec):
    op: Literal["create_unique_constraint"]


class CreatePrimaryKeySpec(AddConstraintSpec):
    op: Literal["create_primary_key"]


class CreateCheckConstraintSpec(AddConstraintSpec):
    op: Literal["create_check_constraint"]


class CreateExcludeConstraintSpec(AddConstraintSpec):
    op: Literal["create_exclude_constraint"]


AddConstraintOpSpec = (
    CreateForeignKeySpec
    | CreateUniqueConstraintSpec
    | CreatePrimaryKeySpec
    | CreateCheckConstraintSpec
    | CreateExcludeConstraintSpec
)


ConstraintTypeName = Literal["foreignkey", "primary", "unique", "check"]
"""``ops::ConstraintType``: ``op.drop_constraint``'s ``type_``."""


class DropConstraintSpec(TypedDict):
    """``ops::DropConstraint``."""

    op: Literal["drop_constraint"]
    constraint_name: str
    table_name: str
    type: NotRequired[ConstraintTypeName | None]
    schema: NotRequired[str | None]
    if_exists: NotRequired[bool]


class RenameTableSpec(TypedDict):
    """``ops::RenameTable``."""

    op: Literal["rename_table"]
    table_name: str
    new_table_name: str
    schema: NotRequired[str | None]


class TableCommentSpec(TypedDict):
    """``ops::TableComment``, the body of both table comment operations."""

    table_name: str
    comment: NotRequired[str | None]
    existing_comment: NotRequired[str | None]
    schema: NotRequired[str | None]


class CreateTableCommentSpec(TableCommentSpec):
    op: Literal["create_table_comment"]


class DropTableCommentSpec(TableCommentSpec):
    op: Literal["drop_table_comment"]


class ExecuteSpec(TypedDict):
    """``ops::Execute``."""

    op: Literal["execute"]
    sqltext: str
    plain: NotRequired[bool]


class _NullLiteral(TypedDict):
    kind: Literal["null"]


class _BoolLiteral(TypedDict):
    kind: Literal["bool"]
    value: bool


class _IntLiteral(TypedDict):
    kind: Literal["int"]
    value: int


class _StringLiteral(TypedDict):
    kind: Literal["string"]
    value: str


class _RawLiteral(TypedDict):
    kind: Literal["raw"]
    value: str


LiteralSpec = _NullLiteral | _BoolLiteral | _IntLiteral | _StringLiteral | _RawLiteral
"""``ops::Literal``: a value of ``bulk_insert``."""


class BulkInsertSpec(TypedDict):
    """``ops::BulkInsert``."""

    op: Literal["bulk_insert"]
    table_name: str
    schema: NotRequired[str | None]
    rows: list[list[tuple[str, LiteralSpec]]]
    multiinsert: NotRequired[bool]


# --- batch_alter_table ---------------------------------------------------------------------


class BatchColumnSpec(ColumnSpec):
    """``ops::BatchColumn``: a column of the table a batch starts from."""

    affinity: NotRequired[str | None]
    nullable_unspecified: NotRequired[bool]


class BatchConstraintSpec(TypedDict):
    """``ops::BatchConstraint``."""

    constraint: ConstraintSpec
    keys: NotRequired[list[str]]
    type_bound: NotRequired[bool]


class BatchTableSpec(TypedDict):
    """``ops::BatchTable``: the table a batch starts from."""

    columns: list[BatchColumnSpec]
    constraints: NotRequired[list[BatchConstraintSpec]]
    indexes: NotRequired[list[IndexSpec]]


class BatchStepOptions(TypedDict, total=False):
    """The batch-only keys of ``ops::BatchStep``, next to its operation's own."""

    insert_before: str | None
    insert_after: str | None
    type_affinity: str | None
    type_is_json: bool
    nullable_unspecified: bool
    cast_type: str | None
    existing_type_name: str | None


class AddColumnStep(AddColumnSpec, BatchStepOptions):
    """``add_column`` in a batch (``insert_before``/``insert_after``, ``nullable_unspecified``)."""


class AlterColumnStep(AlterColumnSpec, BatchStepOptions):
    """``alter_column`` in a batch (the new type's affinity, JSON-ness and CAST form, the
    existing type's name)."""


class DropColumnStep(DropColumnSpec, BatchStepOptions):
    """``drop_column`` in a batch (the existing type's name)."""


# Rust takes the batch keys on any step; only these three operations have a use for them
BatchStepSpec = (
    AddColumnStep
    | AlterColumnStep
    | DropColumnStep
    | CreateTableSpec
    | DropTableSpec
    | CreateIndexSpec
    | DropIndexSpec
    | AddConstraintOpSpec
    | DropConstraintSpec
    | RenameTableSpec
    | CreateTableCommentSpec
    | DropTableCommentSpec
    | ExecuteSpec
    | BulkInsertSpec
)
"""``ops::BatchStep``: one operation of a batch block."""


class BatchAlterTableSpec(TypedDict):
    """``ops::BatchAlterTable``."""

    op: Literal["batch_alter_table"]
    table_name: str
    schema: NotRequired[str | None]
    recreate: NotRequired[Literal["auto", "always", "never"]]
    table: NotRequired[BatchTableSpec | None]
    steps: NotRequired[list[BatchStepSpec]]
    table_args: NotRequired[list[ConstraintSpec]]
    partial_reordering: NotRequired[list[list[str]]]
    sqlite_autoincrement: NotRequired[bool]


OpSpec = (
    CreateTableSpec
    | DropTableSpec
    | AddColumnSpec
    | DropColumnSpec
    | AlterColumnSpec
    | CreateIndexSpec
    | DropIndexSpec
    | AddConstraintOpSpec
    | DropConstraintSpec
    | RenameTableSpec
    | CreateTableCommentSpec
    | DropTableCommentSpec
    | ExecuteSpec
    | BulkInsertSpec
    | BatchAlterTableSpec
)
"""``ops::Op``: one migration operation, tagged by ``op`` with alembic's method name."""
