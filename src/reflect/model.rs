//! The schema model: what autogenerate compares, as reflected from a database.
//!
//! Field names follow SQLAlchemy's Inspector (`constrained_columns`, `referred_table`,
//! `column_names` ...) so the comparison can be read beside alembic's. Values follow the
//! Inspector's conventions too (a foreign key's `ondelete` is absent for `NO ACTION`,
//! `referred_schema` is None when the referred table is found by the search path), so
//! what alembic decides from the Inspector can be decided from this model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything reflected from one database in one call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    /// SQLAlchemy's dialect name: `postgresql`, `sqlite`, `mysql`, `mariadb`.
    pub dialect: String,
    /// The schema an unqualified name resolves to (`public`, the MySQL database, `main`).
    pub default_schema: Option<String>,
    /// The server's version string.
    pub server_version: String,
    /// Tables of the schemas asked for, by (schema as asked, name).
    pub tables: Vec<Table>,
    /// PostgreSQL enum types of the schemas asked for (empty elsewhere).
    pub enums: Vec<EnumType>,
    /// PostgreSQL domains of the schemas asked for (empty elsewhere).
    pub domains: Vec<DomainType>,
    /// How many catalog queries the reflection ran.
    pub queries: u32,
}

/// A table. `schema` is the schema as it was asked for: None for the default schema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub schema: Option<String>,
    pub name: String,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub unique_constraints: Vec<UniqueConstraint>,
    pub indexes: Vec<Index>,
    pub check_constraints: Vec<CheckConstraint>,
}

/// A column, in table order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: ColumnType,
    pub nullable: bool,
    /// The server default as the database gives it back (`now()`, `'x'::text`,
    /// `nextval('t_id_seq'::regclass)`, MySQL's `current_timestamp()`).
    pub default: Option<String>,
    /// SQLAlchemy's `autoincrement` flag: a serial or identity column (PostgreSQL), an
    /// `auto_increment` column (MySQL).
    pub autoincrement: bool,
    pub identity: Option<Identity>,
    pub computed: Option<Computed>,
    pub comment: Option<String>,
    /// The column's collation where it differs from its type's (PostgreSQL), or where the
    /// database reports one (MySQL).
    pub collation: Option<String>,
    /// The sequence the column owns (`schema.name`, PostgreSQL): a SERIAL's or an
    /// identity's. alembic's SERIAL rule needs it and would query it column by column.
    pub owned_sequence: Option<String>,
    /// MySQL's `ON UPDATE` clause (`current_timestamp()`).
    pub on_update: Option<String>,
}

/// A column type: as the database spells it, and taken apart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnType {
    /// The type as the database spells it: PostgreSQL's `format_type()`
    /// (`character varying(20)[]`), MySQL's `COLUMN_TYPE` (`int(10) unsigned`), SQLite's
    /// declared type.
    pub spelled: String,
    /// The type's name without arguments or array brackets, as SQLAlchemy looks it up in
    /// the dialect's `ischema_names`: `character varying`, `timestamp with time zone`,
    /// `int`, `VARCHAR`.
    pub name: String,
    /// The arguments in parentheses, as written (`["10", "2"]`, MySQL enum labels quoted).
    pub args: Vec<String>,
    /// Character or bit length (`varchar(20)`: 20).
    pub length: Option<i64>,
    /// Numeric precision (`numeric(10,2)`: 10), fractional seconds precision of times.
    pub precision: Option<i64>,
    /// Numeric scale (`numeric(10,2)`: 2).
    pub scale: Option<i64>,
    /// Times and timestamps: whether with time zone (PostgreSQL).
    pub timezone: Option<bool>,
    /// PostgreSQL: the fields of an interval (`day to second`).
    pub fields: Option<String>,
    /// PostgreSQL array dimensions as `format_type` shows them (it keeps no sizes).
    pub array_dims: u32,
    /// MySQL numeric `unsigned` / `zerofill`.
    pub unsigned: bool,
    pub zerofill: bool,
    /// MySQL character set of a string column.
    pub charset: Option<String>,
    /// Values of a MySQL `enum(...)` / `set(...)`, or of the PostgreSQL enum the column
    /// uses, in order.
    pub enum_labels: Option<Vec<String>>,
    /// A user-defined type (PostgreSQL enum, domain, composite, or an extension's type
    /// such as pgvector's `vector`): where it lives.
    pub user_type: Option<UserType>,
}

/// A type defined in the database rather than built in (PostgreSQL).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserType {
    pub schema: String,
    pub name: String,
    /// Whether the search path finds it unqualified.
    pub visible: bool,
    /// `enum`, `domain`, `composite`, `range`, `base` (an extension's type).
    pub kind: String,
}

/// An identity column's options (PostgreSQL `GENERATED ... AS IDENTITY`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// `ALWAYS` (true) or `BY DEFAULT` (false).
    pub always: bool,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub minvalue: Option<i64>,
    pub maxvalue: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

/// A generated column.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Computed {
    pub sqltext: String,
    /// `STORED` (true) or `VIRTUAL` (false).
    pub persisted: bool,
}

/// A primary key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub constrained_columns: Vec<String>,
    pub comment: Option<String>,
    /// PostgreSQL `INCLUDE` columns.
    pub include: Vec<String>,
}

/// A foreign key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub constrained_columns: Vec<String>,
    /// As the Inspector gives it: None when the referred table is in the default schema
    /// (PostgreSQL: found by the search path), unless it is the schema asked for.
    pub referred_schema: Option<String>,
    pub referred_table: String,
    pub referred_columns: Vec<String>,
    /// `CASCADE`, `SET NULL` ...; None for the default (`NO ACTION`).
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    /// `FULL` (PostgreSQL); None for the default `SIMPLE`.
    #[serde(rename = "match")]
    pub match_: Option<String>,
    /// Some(true) for `DEFERRABLE`, None when the database does not say.
    pub deferrable: Option<bool>,
    /// `DEFERRED` / `IMMEDIATE`; None for the default.
    pub initially: Option<String>,
    pub comment: Option<String>,
}

/// A unique constraint (not a unique index: that is an [`Index`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub column_names: Vec<String>,
    pub comment: Option<String>,
    pub include: Vec<String>,
    pub nulls_not_distinct: bool,
}

/// An index. Indexes that back a primary key are left out; those that back a unique
/// constraint are listed with `duplicates_constraint` (as the Inspector does).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    /// The key columns; None for an expression.
    pub column_names: Vec<Option<String>>,
    /// Every key element as text (column names and expressions), when any is an
    /// expression; None otherwise.
    pub expressions: Option<Vec<String>>,
    /// PostgreSQL `INCLUDE` columns.
    pub include: Vec<String>,
    /// A partial index's predicate.
    #[serde(rename = "where")]
    pub where_: Option<String>,
    /// The access method when not the default (`gin`, `hash`; MySQL `FULLTEXT`...).
    pub method: Option<String>,
    /// Non-default operator classes, by key element.
    pub opclasses: BTreeMap<String, String>,
    /// Sort options that differ from the default, by key element (`desc`,
    /// `nulls_first`, `nulls_last`).
    pub sorting: BTreeMap<String, Vec<String>>,
    pub nulls_not_distinct: bool,
    /// Storage parameters (PostgreSQL `WITH (fillfactor=70)`).
    pub with: BTreeMap<String, String>,
    /// MySQL prefix lengths, by column.
    pub lengths: BTreeMap<String, i64>,
    /// The constraint this index implements, if any.
    pub duplicates_constraint: Option<String>,
    /// False for an index PostgreSQL left invalid (a failed `CREATE INDEX CONCURRENTLY`).
    pub valid: bool,
    pub comment: Option<String>,
}

/// A named or unnamed check constraint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub sqltext: String,
    pub comment: Option<String>,
    pub not_valid: bool,
    pub no_inherit: bool,
}

/// A PostgreSQL enum type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    /// Whether the search path finds it unqualified.
    pub visible: bool,
    pub labels: Vec<String>,
}

/// A PostgreSQL domain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainType {
    pub schema: String,
    pub name: String,
    /// Whether the search path finds it unqualified.
    pub visible: bool,
    /// The underlying type.
    #[serde(rename = "type")]
    pub type_: ColumnType,
    pub nullable: bool,
    pub default: Option<String>,
    /// Its check constraints, by name.
    pub checks: Vec<CheckConstraint>,
    /// Its collation (`default` for the database's), None for a type without one.
    pub collation: Option<String>,
}
