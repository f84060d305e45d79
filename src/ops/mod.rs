//! The operation model: what an `op.*` call in a revision script asks for, as plain data.
//!
//! Python turns alembic-style arguments and SQLAlchemy objects into these values (as JSON);
//! `crate::ddl` renders them to SQL per dialect. Every name here is unquoted: quoting is the
//! renderer's job. Pieces of SQL that only SQLAlchemy can produce (a column type, a CHECK
//! expression, an index expression, a function server default) arrive as finished text.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// One migration operation, tagged by `"op"` with alembic's method name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
// plain data parsed once per operation: boxing would only add noise
#[allow(clippy::large_enum_variant)]
pub enum Op {
    /// `op.create_table`.
    CreateTable(CreateTable),
    /// `op.drop_table`.
    DropTable(DropTable),
    /// `op.add_column`.
    AddColumn(AddColumn),
    /// `op.drop_column`.
    DropColumn(DropColumn),
    /// `op.alter_column`.
    AlterColumn(AlterColumn),
    /// `op.create_index`.
    CreateIndex(Index),
    /// `op.drop_index`.
    DropIndex(DropIndex),
    /// `op.create_foreign_key`.
    CreateForeignKey(AddConstraint),
    /// `op.create_unique_constraint`.
    CreateUniqueConstraint(AddConstraint),
    /// `op.create_primary_key`.
    CreatePrimaryKey(AddConstraint),
    /// `op.create_check_constraint`.
    CreateCheckConstraint(AddConstraint),
    /// `op.create_exclude_constraint` (PostgreSQL).
    CreateExcludeConstraint(AddConstraint),
    /// `op.drop_constraint`.
    DropConstraint(DropConstraint),
    /// `op.rename_table`.
    RenameTable(RenameTable),
    /// `op.create_table_comment`.
    CreateTableComment(TableComment),
    /// `op.drop_table_comment`.
    DropTableComment(TableComment),
    /// `op.execute`.
    Execute(Execute),
    /// `op.bulk_insert`.
    BulkInsert(BulkInsert),
    /// `op.batch_alter_table(...)`: the operations of one block, applied together.
    BatchAlterTable(BatchAlterTable),
}

/// The SQL of a column type, as SQLAlchemy compiled it for the dialect, and its family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// The type's DDL, e.g. `VARCHAR(50)` or `vector(1536)`.
    pub sql: String,
    /// The family the renderer needs to know about (SERIAL choice, MySQL TIMESTAMP NULL ...).
    #[serde(default)]
    pub class: TypeClass,
}

/// The type families that change how DDL is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeClass {
    /// An `Integer` (PostgreSQL SERIAL).
    Integer,
    /// A `SmallInteger` (PostgreSQL SMALLSERIAL).
    SmallInteger,
    /// A `BigInteger` (PostgreSQL BIGSERIAL).
    BigInteger,
    /// A `DateTime` that is not a `TIMESTAMP` (MySQL functional defaults).
    Datetime,
    /// A `TIMESTAMP` (MySQL renders `NULL` explicitly; a DateTime too).
    Timestamp,
    /// Anything else.
    #[default]
    Other,
}

/// A column's server-side default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerDefault {
    /// A plain Python string: rendered as a quoted string literal.
    Literal {
        /// The unquoted string.
        value: String,
    },
    /// A `text()` or SQL expression, already compiled: rendered as is.
    Sql {
        /// The SQL text.
        sql: String,
    },
}

/// `Computed(...)`: a generated column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    /// The generating expression, compiled.
    pub sqltext: String,
    /// `True` STORED, `False` VIRTUAL, `None` neither.
    #[serde(default)]
    pub persisted: Option<bool>,
}

/// `Identity(...)`: an identity column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Identity {
    /// GENERATED ALWAYS (else BY DEFAULT).
    pub always: bool,
    /// INCREMENT BY.
    pub increment: Option<i64>,
    /// START WITH.
    pub start: Option<i64>,
    /// MINVALUE.
    pub minvalue: Option<i64>,
    /// MAXVALUE.
    pub maxvalue: Option<i64>,
    /// NO MINVALUE.
    pub nominvalue: Option<bool>,
    /// NO MAXVALUE.
    pub nomaxvalue: Option<bool>,
    /// CACHE.
    pub cache: Option<i64>,
    /// CYCLE / NO CYCLE.
    pub cycle: Option<bool>,
}

/// A column as it appears in CREATE TABLE or ADD COLUMN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column name.
    pub name: String,
    /// The type.
    #[serde(rename = "type")]
    pub type_: TypeSpec,
    /// NULL allowed.
    #[serde(default = "yes")]
    pub nullable: bool,
    /// Part of the primary key.
    #[serde(default)]
    pub primary_key: bool,
    /// The table's autoincrement column, as the dialect decides it (SERIAL, AUTO_INCREMENT).
    #[serde(default)]
    pub autoincrement: bool,
    /// The server default.
    #[serde(default)]
    pub server_default: Option<ServerDefault>,
    /// The column comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// GENERATED ALWAYS AS.
    #[serde(default)]
    pub computed: Option<Computed>,
    /// GENERATED ... AS IDENTITY.
    #[serde(default)]
    pub identity: Option<Identity>,
    /// Column-level constraints rendered inline after the column (CHECK given in `Column`).
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// SQLite `sqlite_autoincrement=True` on the table's single integer primary key column:
    /// ` PRIMARY KEY AUTOINCREMENT` inline (the table-level PRIMARY KEY is then left out).
    #[serde(default)]
    pub sqlite_autoincrement: bool,
}

fn yes() -> bool {
    true
}

/// A table constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Constraint {
    /// PRIMARY KEY.
    PrimaryKey(PrimaryKey),
    /// FOREIGN KEY.
    ForeignKey(ForeignKey),
    /// UNIQUE.
    Unique(Unique),
    /// CHECK.
    Check(Check),
    /// EXCLUDE (PostgreSQL).
    Exclude(Exclude),
}

/// PRIMARY KEY (cols).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    /// The final constraint name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Column names.
    pub columns: Vec<String>,
    /// DEFERRABLE / NOT DEFERRABLE.
    #[serde(default)]
    pub deferrable: Option<bool>,
    /// INITIALLY x.
    #[serde(default)]
    pub initially: Option<String>,
    /// PostgreSQL INCLUDE columns.
    #[serde(default)]
    pub postgresql_include: Vec<String>,
    /// MySQL `USING` index type.
    #[serde(default)]
    pub mysql_using: Option<String>,
}

/// FOREIGN KEY (cols) REFERENCES table (cols).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    /// The final constraint name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Local column names.
    pub columns: Vec<String>,
    /// Schema of the local table (SQLite omits cross-schema keys).
    #[serde(default)]
    pub source_schema: Option<String>,
    /// Referenced table.
    pub referent_table: String,
    /// Referenced table's schema.
    #[serde(default)]
    pub referent_schema: Option<String>,
    /// Referenced column names.
    pub referent_columns: Vec<String>,
    /// ON DELETE.
    #[serde(default)]
    pub ondelete: Option<String>,
    /// ON UPDATE.
    #[serde(default)]
    pub onupdate: Option<String>,
    /// MATCH.
    #[serde(default, rename = "match")]
    pub match_: Option<String>,
    /// DEFERRABLE / NOT DEFERRABLE.
    #[serde(default)]
    pub deferrable: Option<bool>,
    /// INITIALLY x.
    #[serde(default)]
    pub initially: Option<String>,
    /// PostgreSQL NOT VALID.
    #[serde(default)]
    pub postgresql_not_valid: bool,
}

/// UNIQUE (cols).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unique {
    /// The final constraint name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Column names.
    pub columns: Vec<String>,
    /// DEFERRABLE / NOT DEFERRABLE.
    #[serde(default)]
    pub deferrable: Option<bool>,
    /// INITIALLY x.
    #[serde(default)]
    pub initially: Option<String>,
    /// PostgreSQL NULLS [NOT] DISTINCT.
    #[serde(default)]
    pub postgresql_nulls_not_distinct: Option<bool>,
    /// PostgreSQL INCLUDE columns.
    #[serde(default)]
    pub postgresql_include: Vec<String>,
}

/// CHECK (sqltext).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The final constraint name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// The condition, compiled.
    pub sqltext: String,
    /// DEFERRABLE / NOT DEFERRABLE.
    #[serde(default)]
    pub deferrable: Option<bool>,
    /// INITIALLY x.
    #[serde(default)]
    pub initially: Option<String>,
    /// PostgreSQL NOT VALID.
    #[serde(default)]
    pub postgresql_not_valid: bool,
}

/// EXCLUDE USING method (element WITH operator, ...) (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclude {
    /// The final constraint name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// `(compiled element, operator)` pairs; an element that is a plain column name is
    /// given as `{"column": name}` so it is quoted here.
    pub elements: Vec<(IndexElement, String)>,
    /// The index method, `gist` by default.
    #[serde(default = "gist")]
    pub using: String,
    /// The WHERE condition, compiled.
    #[serde(default, rename = "where")]
    pub where_: Option<String>,
    /// Operator classes per column name.
    #[serde(default)]
    pub ops: BTreeMap<String, String>,
    /// DEFERRABLE / NOT DEFERRABLE.
    #[serde(default)]
    pub deferrable: Option<bool>,
    /// INITIALLY x.
    #[serde(default)]
    pub initially: Option<String>,
}

fn gist() -> String {
    "gist".to_string()
}

/// `op.create_table(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateTable {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Table constraints in render order (the primary key first).
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Indexes created after the table.
    #[serde(default)]
    pub indexes: Vec<Index>,
    /// Table comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// `prefixes=[...]`, e.g. `TEMPORARY`.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// IF NOT EXISTS.
    #[serde(default)]
    pub if_not_exists: bool,
    /// DDL the table's `before_create` event emits first (PostgreSQL `CREATE TYPE` of its
    /// ENUM columns), in order.
    #[serde(default)]
    pub before_create: Vec<TypeDdl>,
    /// PostgreSQL table options.
    #[serde(default)]
    pub postgresql_options: PgTableOptions,
    /// MySQL/MariaDB table options (`mysql_engine="InnoDB"` is `("ENGINE", "InnoDB")`), in the
    /// order given, for the dialect's own prefix only (SQLAlchemy ignores the other).
    #[serde(default)]
    pub mysql_options: Vec<(String, String)>,
    /// SQLite `sqlite_with_rowid` (false renders WITHOUT ROWID).
    #[serde(default = "yes")]
    pub sqlite_with_rowid: bool,
    /// SQLite `sqlite_strict`.
    #[serde(default)]
    pub sqlite_strict: bool,
}

/// A statement a table's `before_create` event emits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeDdl {
    /// `CREATE TYPE name AS ENUM (values)` (PostgreSQL).
    CreateEnum {
        /// The type name.
        name: String,
        /// Its schema.
        #[serde(default)]
        schema: Option<String>,
        /// The labels in order.
        values: Vec<String>,
    },
    /// DDL SQLAlchemy compiled (a DOMAIN, a user's type), rendered as is.
    Sql {
        /// The SQL text.
        sql: String,
    },
}

/// PostgreSQL options of CREATE TABLE (`postgresql_inherits=...` and friends).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct PgTableOptions {
    /// INHERITS (tables).
    pub inherits: Vec<String>,
    /// PARTITION BY.
    pub partition_by: Option<String>,
    /// USING (access method).
    pub using: Option<String>,
    /// WITH (storage parameters), in order; a `null` value renders the bare name.
    pub with: Vec<(String, Option<String>)>,
    /// WITH OIDS / WITHOUT OIDS.
    pub with_oids: Option<bool>,
    /// ON COMMIT.
    pub on_commit: Option<String>,
    /// TABLESPACE.
    pub tablespace: Option<String>,
}

/// `op.drop_table(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropTable {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// IF EXISTS.
    #[serde(default)]
    pub if_exists: bool,
}

/// `op.add_column(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddColumn {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// The new column.
    pub column: Column,
    /// IF NOT EXISTS.
    #[serde(default)]
    pub if_not_exists: bool,
    /// The single-column foreign key rendered inline (`inline_references=True`).
    #[serde(default)]
    pub inline_references: Option<ForeignKey>,
    /// Render ` PRIMARY KEY` inline (`inline_primary_key=True` on a primary key column).
    #[serde(default)]
    pub inline_primary_key: bool,
    /// Constraints the column brings (ForeignKey, unique=True), each an ALTER TABLE ADD.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Indexes the column brings (index=True).
    #[serde(default)]
    pub indexes: Vec<Index>,
}

/// `op.drop_column(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropColumn {
    /// Table name.
    pub table_name: String,
    /// Column name.
    pub column_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// IF EXISTS.
    #[serde(default)]
    pub if_exists: bool,
}

/// `op.alter_column(...)`. A field left out means "not changed"; for `server_default` and
/// `comment`, `null` means "drop it".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlterColumn {
    /// Table name.
    pub table_name: String,
    /// Column name.
    pub column_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// New nullability.
    #[serde(default)]
    pub nullable: Option<bool>,
    /// New server default: absent = unchanged, `null` = DROP DEFAULT.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub server_default: Option<Option<ServerDefault>>,
    /// New column name.
    #[serde(default)]
    pub new_column_name: Option<String>,
    /// New type.
    #[serde(default, rename = "type")]
    pub type_: Option<TypeSpec>,
    /// New comment: absent = unchanged, `null` = remove.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub comment: Option<Option<String>>,
    /// The current type (MySQL needs it to restate the column).
    #[serde(default)]
    pub existing_type: Option<TypeSpec>,
    /// The current server default.
    #[serde(default)]
    pub existing_server_default: Option<ServerDefault>,
    /// The current nullability.
    #[serde(default)]
    pub existing_nullable: Option<bool>,
    /// The current comment.
    #[serde(default)]
    pub existing_comment: Option<String>,
    /// MySQL AUTO_INCREMENT.
    #[serde(default)]
    pub autoincrement: Option<bool>,
    /// The current MySQL AUTO_INCREMENT.
    #[serde(default)]
    pub existing_autoincrement: Option<bool>,
    /// PostgreSQL `USING` for a type change.
    #[serde(default)]
    pub postgresql_using: Option<String>,
    /// Type-bound constraints of the old type to drop first (Boolean/Enum CHECKs).
    #[serde(default)]
    pub drop_constraints: Vec<Constraint>,
    /// Type-bound constraints of the new type to add afterwards.
    #[serde(default)]
    pub add_constraints: Vec<Constraint>,
}

/// Deserialize a field where absent, `null` and a value mean three different things.
fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// One element of an index: a column name (quoted by the renderer) or a compiled expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexElement {
    /// A column name.
    Column(String),
    /// A compiled expression, rendered as is.
    Expr(String),
}

/// MySQL prefix lengths: one for every column or per column name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MysqlLength {
    /// The same length for every element.
    All(i64),
    /// Per column name.
    PerColumn(BTreeMap<String, i64>),
}

/// An index (`op.create_index`, or one that comes with a table or column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The final index name.
    pub index_name: String,
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// The indexed elements.
    pub elements: Vec<IndexElement>,
    /// UNIQUE.
    #[serde(default)]
    pub unique: bool,
    /// IF NOT EXISTS.
    #[serde(default)]
    pub if_not_exists: bool,
    /// PostgreSQL USING method.
    #[serde(default)]
    pub postgresql_using: Option<String>,
    /// PostgreSQL partial index condition, compiled.
    #[serde(default)]
    pub postgresql_where: Option<String>,
    /// PostgreSQL INCLUDE columns.
    #[serde(default)]
    pub postgresql_include: Vec<String>,
    /// PostgreSQL CONCURRENTLY.
    #[serde(default)]
    pub postgresql_concurrently: bool,
    /// PostgreSQL operator classes per column name.
    #[serde(default)]
    pub postgresql_ops: BTreeMap<String, String>,
    /// PostgreSQL NULLS [NOT] DISTINCT.
    #[serde(default)]
    pub postgresql_nulls_not_distinct: Option<bool>,
    /// PostgreSQL WITH (storage parameters), in order; a `null` value renders the bare name.
    #[serde(default)]
    pub postgresql_with: Vec<(String, Option<String>)>,
    /// PostgreSQL TABLESPACE.
    #[serde(default)]
    pub postgresql_tablespace: Option<String>,
    /// SQLite partial index condition, compiled.
    #[serde(default)]
    pub sqlite_where: Option<String>,
    /// MySQL prefix (FULLTEXT, SPATIAL).
    #[serde(default)]
    pub mysql_prefix: Option<String>,
    /// MySQL prefix lengths.
    #[serde(default)]
    pub mysql_length: Option<MysqlLength>,
    /// MySQL USING.
    #[serde(default)]
    pub mysql_using: Option<String>,
    /// MySQL WITH PARSER.
    #[serde(default)]
    pub mysql_with_parser: Option<String>,
}

/// `op.drop_index(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropIndex {
    /// The index name.
    pub index_name: String,
    /// Table name (MySQL needs it).
    #[serde(default)]
    pub table_name: Option<String>,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// IF EXISTS.
    #[serde(default)]
    pub if_exists: bool,
    /// PostgreSQL CONCURRENTLY.
    #[serde(default)]
    pub postgresql_concurrently: bool,
}

/// `op.create_foreign_key` / `create_unique_constraint` / `create_primary_key` /
/// `create_check_constraint` / `create_exclude_constraint`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddConstraint {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// The constraint.
    pub constraint: Constraint,
}

/// The kind of constraint `op.drop_constraint` is told about (`type_=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintType {
    /// `"foreignkey"`.
    Foreignkey,
    /// `"primary"`.
    Primary,
    /// `"unique"`.
    Unique,
    /// `"check"`.
    Check,
}

/// `op.drop_constraint(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropConstraint {
    /// The final constraint name.
    pub constraint_name: String,
    /// Table name.
    pub table_name: String,
    /// `type_=`.
    #[serde(default, rename = "type")]
    pub type_: Option<ConstraintType>,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// IF EXISTS.
    #[serde(default)]
    pub if_exists: bool,
}

/// `op.rename_table(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameTable {
    /// Current name.
    pub table_name: String,
    /// New name.
    pub new_table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
}

/// `op.create_table_comment(...)` / `op.drop_table_comment(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableComment {
    /// Table name.
    pub table_name: String,
    /// The new comment (create only).
    #[serde(default)]
    pub comment: Option<String>,
    /// The current comment.
    #[serde(default)]
    pub existing_comment: Option<String>,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
}

/// `op.execute(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Execute {
    /// The SQL.
    pub sqltext: String,
    /// `true` for a plain string from the script: it gets `text()` treatment (`:name` binds,
    /// `\:` escapes). `false` for SQL that SQLAlchemy already compiled.
    #[serde(default = "yes")]
    pub plain: bool,
}

/// A literal value in `bulk_insert`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Literal {
    /// NULL.
    Null,
    /// A boolean, per dialect.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string, quoted per dialect.
    String(String),
    /// A literal SQLAlchemy rendered (dates, floats, decimals, JSON ...).
    Raw(String),
}

/// `op.bulk_insert(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkInsert {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// Rows, each a list of `(column, value)` in the table's column order.
    pub rows: Vec<Vec<(String, Literal)>>,
    /// `multiinsert=` (online mode only; offline always writes one INSERT per row).
    #[serde(default = "yes")]
    pub multiinsert: bool,
}

/// `recreate=` of `op.batch_alter_table`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recreate {
    /// Move and copy only where the dialect cannot ALTER (SQLite).
    #[default]
    Auto,
    /// Always move and copy.
    Always,
    /// Never: every operation is a plain ALTER.
    Never,
}

/// One column of the table a batch starts from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchColumn {
    /// The column as CREATE TABLE writes it.
    #[serde(flatten)]
    pub column: Column,
    /// SQLAlchemy's type affinity class name (`String`, `Integer` ...): a change of affinity
    /// makes the copy CAST the column.
    #[serde(default)]
    pub affinity: Option<String>,
    /// `nullable` was not given: a primary key on the new table makes it NOT NULL.
    #[serde(default)]
    pub nullable_unspecified: bool,
}

/// A table-level constraint of the table a batch starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchConstraint {
    /// The constraint.
    pub constraint: Constraint,
    /// The column keys it depends on; it is left out when one of them is dropped.
    #[serde(default)]
    pub keys: Vec<String>,
    /// The CHECK constraint of a `Boolean`/`Enum` column type (`copy_from` tables): it
    /// goes with the type when the column's type is altered.
    #[serde(default)]
    pub type_bound: bool,
}

/// The table a batch starts from (`copy_from=`, or reflected).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchTable {
    /// Columns in table order.
    pub columns: Vec<BatchColumn>,
    /// Constraints (the primary key included) in table order.
    #[serde(default)]
    pub constraints: Vec<BatchConstraint>,
    /// Indexes, re-created after the copy.
    #[serde(default)]
    pub indexes: Vec<Index>,
}

/// One operation inside a batch block, with the batch-only arguments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchStep {
    /// The operation, as its `op.*` form would give it.
    #[serde(flatten)]
    pub op: Op,
    /// `add_column(insert_before=)`.
    #[serde(default)]
    pub insert_before: Option<String>,
    /// `add_column(insert_after=)`.
    #[serde(default)]
    pub insert_after: Option<String>,
    /// `alter_column(type_=)`: the new type's affinity class name.
    #[serde(default)]
    pub type_affinity: Option<String>,
    /// `alter_column(type_=)`: the new type is a JSON type (never CAST).
    #[serde(default)]
    pub type_is_json: bool,
    /// `add_column`: the column's `nullable` was not given.
    #[serde(default)]
    pub nullable_unspecified: bool,
    /// `alter_column(type_=)`: the new type as the dialect's CAST writes it (MySQL's
    /// `CAST(x AS SIGNED INTEGER)`); the column type's SQL when absent.
    #[serde(default)]
    pub cast_type: Option<String>,
    /// The name of a named `Boolean`/`Enum` `existing_type` of a renamed (`alter_column`)
    /// or dropped (`drop_column`) column: its CHECK constraint is left out of the new table.
    #[serde(default)]
    pub existing_type_name: Option<String>,
}

/// `op.batch_alter_table(...)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchAlterTable {
    /// Table name.
    pub table_name: String,
    /// Schema.
    #[serde(default)]
    pub schema: Option<String>,
    /// `recreate=`.
    #[serde(default)]
    pub recreate: Recreate,
    /// The existing table; needed only when the table is recreated.
    #[serde(default)]
    pub table: Option<BatchTable>,
    /// The operations of the block, in order.
    #[serde(default)]
    pub steps: Vec<BatchStep>,
    /// `table_args=`: constraints added to the new table.
    #[serde(default)]
    pub table_args: Vec<Constraint>,
    /// `partial_reordering=`.
    #[serde(default)]
    pub partial_reordering: Vec<Vec<String>>,
    /// `table_kwargs={"sqlite_autoincrement": True}` (or the `copy_from` table's own):
    /// the lone integer primary key is declared `PRIMARY KEY AUTOINCREMENT`.
    #[serde(default)]
    pub sqlite_autoincrement: bool,
}

// `serde(flatten)` cannot refuse unknown keys: the batch column and step take their own
// keys off the object, and what is left must make a `Column` / an `Op`, which refuse any
// key they do not know.

/// Take `key` off `map` and read it as `T` (its default when absent).
fn take<T: serde::de::DeserializeOwned + Default, E: serde::de::Error>(
    map: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<T, E> {
    match map.remove(key) {
        None => Ok(T::default()),
        Some(value) => serde_json::from_value(value).map_err(|e| E::custom(format!("{key}: {e}"))),
    }
}

fn rest<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    map: serde_json::Map<String, serde_json::Value>,
) -> Result<T, E> {
    serde_json::from_value(serde_json::Value::Object(map)).map_err(E::custom)
}

impl<'de> Deserialize<'de> for BatchColumn {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::deserialize(de)?;
        let affinity = take(&mut map, "affinity")?;
        let nullable_unspecified = take(&mut map, "nullable_unspecified")?;
        Ok(BatchColumn {
            column: rest(map)?,
            affinity,
            nullable_unspecified,
        })
    }
}

impl<'de> Deserialize<'de> for BatchStep {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::deserialize(de)?;
        Ok(BatchStep {
            insert_before: take(&mut map, "insert_before")?,
            insert_after: take(&mut map, "insert_after")?,
            type_affinity: take(&mut map, "type_affinity")?,
            type_is_json: take(&mut map, "type_is_json")?,
            nullable_unspecified: take(&mut map, "nullable_unspecified")?,
            cast_type: take(&mut map, "cast_type")?,
            existing_type_name: take(&mut map, "existing_type_name")?,
            op: rest(map)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alter_column_tells_absent_from_null() {
        let absent: AlterColumn =
            serde_json::from_str(r#"{"table_name": "t", "column_name": "c"}"#).unwrap();
        assert_eq!(absent.server_default, None);
        let null: AlterColumn = serde_json::from_str(
            r#"{"table_name": "t", "column_name": "c", "server_default": null}"#,
        )
        .unwrap();
        assert_eq!(null.server_default, Some(None));
    }

    #[test]
    fn op_is_tagged_by_name() {
        let op: Op =
            serde_json::from_str(r#"{"op": "drop_column", "table_name": "t", "column_name": "c"}"#)
                .unwrap();
        assert!(matches!(op, Op::DropColumn(_)));
        let lit: Literal = serde_json::from_str(r#"{"kind": "int", "value": 3}"#).unwrap();
        assert_eq!(lit, Literal::Int(3));
    }

    #[test]
    fn a_misspelled_key_is_an_error() {
        // (spec, the misspelled key the error must name)
        let cases = [
            // a top-level op field
            (
                r#"{"op": "drop_column", "table_name": "t", "column_name": "c", "if_exist": true}"#,
                "if_exist",
            ),
            // inside a column
            (
                r#"{"op": "add_column", "table_name": "t", "column": {"name": "c",
                "type": {"sql": "INTEGER"}, "nulable": false}}"#,
                "nulable",
            ),
            // a constraint with deferrability fields next to it
            (
                r#"{"op": "create_unique_constraint", "table_name": "t", "constraint":
                {"type": "unique", "columns": ["a"], "deferable": true}}"#,
                "deferable",
            ),
            // a server default
            (
                r#"{"op": "add_column", "table_name": "t", "column": {"name": "c",
                "type": {"sql": "TEXT"}, "server_default": {"kind": "sql", "sqll": "1"}}}"#,
                "sqll",
            ),
            // a batch step (its own keys and the op's) and a batch column
            (
                r#"{"op": "batch_alter_table", "table_name": "t", "steps": [{"op": "drop_column",
                "table_name": "t", "column_name": "c", "insert_befor": "x"}]}"#,
                "insert_befor",
            ),
            (
                r#"{"op": "batch_alter_table", "table_name": "t", "table": {"columns": [{"name": "c",
                "type": {"sql": "TEXT"}, "afinity": "TEXT"}]}}"#,
                "afinity",
            ),
            // a bulk_insert value (adjacently tagged: serde says "invalid value: string")
            (
                r#"{"op": "bulk_insert", "table_name": "t", "rows": [[["c", {"kind": "null",
                "valu": 1}]]]}"#,
                "valu",
            ),
            // an index element (externally tagged: the key is the variant)
            (
                r#"{"op": "create_index", "index_name": "i", "table_name": "t",
                "elements": [{"colum": "a"}]}"#,
                "colum",
            ),
        ];
        for (json, key) in cases {
            let err = serde_json::from_str::<Op>(json)
                .expect_err(json)
                .to_string();
            assert!(err.contains(key), "{json}: {err}");
        }
        // the same objects spelled right are read
        let ok: Op = serde_json::from_str(
            r#"{"op": "batch_alter_table", "table_name": "t", "table": {"columns": [{"name": "c",
                "type": {"sql": "TEXT"}, "affinity": "TEXT"}]}, "steps": [{"op": "create_unique_constraint",
                "table_name": "t", "constraint": {"type": "unique", "columns": ["a"],
                "deferrable": true}, "insert_before": "x"}]}"#,
        )
        .unwrap();
        let Op::BatchAlterTable(batch) = ok else {
            panic!()
        };
        assert_eq!(batch.steps[0].insert_before.as_deref(), Some("x"));
        assert_eq!(
            batch.table.unwrap().columns[0].affinity.as_deref(),
            Some("TEXT")
        );
    }
}
