//! SQLite: values by storage class, as pysqlite takes and gives them.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, TypeInfo, ValueRef};

use super::{TypedValue, as_text_for_plain_backends};

// -- SQLite ---------------------------------------------------------------------------------

/// SQLite's values by storage class, as pysqlite gives them.
pub(crate) fn sqlite_typed_row(row: &SqliteRow) -> Result<Vec<TypedValue>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(TypedValue::Null);
            }
            Ok(match raw.type_info().name() {
                "INTEGER" | "BOOLEAN" | "INT8" => TypedValue::Int(row.try_get_unchecked(i)?),
                "REAL" => TypedValue::Float(row.try_get_unchecked(i)?),
                "BLOB" => TypedValue::Bytes(row.try_get_unchecked(i)?),
                _ => TypedValue::Text(row.try_get_unchecked(i)?),
            })
        })
        .collect()
}

/// Bind one value to a SQLite query.
pub(crate) fn bind_sqlite<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    value: &TypedValue,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    match value {
        TypedValue::Null => q.bind(None::<String>),
        TypedValue::Bool(b) => q.bind(i64::from(*b)),
        TypedValue::Int(i) => q.bind(*i),
        TypedValue::Float(f) => q.bind(*f),
        TypedValue::Text(s) => q.bind(s.clone()),
        TypedValue::Bytes(b) => q.bind(b.clone()),
        TypedValue::Array(_) => q.bind(format!("{value:?}")),
        other => q.bind(as_text_for_plain_backends(other).unwrap_or_default()),
    }
}
