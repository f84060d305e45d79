//! Native database connections over sqlx: PostgreSQL, SQLite and MySQL/MariaDB.
//!
//! A [`Connection`] is opened from a SQLAlchemy URL and runs plain SQL text: the
//! statements alembic-rs renders, the bookkeeping of `alembic_version`, and the
//! transaction statements (`BEGIN`/`COMMIT`/`ROLLBACK`) that frame a migration.

mod batch;
mod connection;
mod lock;
pub mod params;
mod prepared;
pub mod typed;
pub mod url;

pub use crate::dialect::Dialect;
pub use connection::Connection;
pub use lock::MigrationLock;
pub use params::{ParamRef, ParamStyle};
pub use typed::{BoundResult, TypedValue};
pub use url::DbUrl;

/// `BEGIN`: what starts a transaction on a native connection, on every dialect served.
pub const BEGIN: &str = "BEGIN";
/// `COMMIT`: what ends a transaction, keeping its work.
pub const COMMIT: &str = "COMMIT";
/// `ROLLBACK`: what ends a transaction, undoing its work.
pub const ROLLBACK: &str = "ROLLBACK";

/// A value read from a result row.
///
/// Types without a variant of their own (dates, decimals, JSON, arrays, ...) come back
/// as their text form, as the database renders them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Errors from native database work. Messages never contain a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The URL does not follow SQLAlchemy's URL grammar.
    #[error("Could not parse SQLAlchemy URL: {reason}")]
    InvalidUrl { reason: String },

    /// The URL is valid but not served natively (an in-memory SQLite database, an
    /// unknown dialect or driver): the caller should use SQLAlchemy instead.
    #[error("'{url}' is not served by a native connection: {reason}")]
    NotNative { url: String, reason: String },

    /// Connecting failed. `url` has its password replaced by `***`.
    #[error("could not connect to '{url}': {message}")]
    Connect { url: String, message: String },

    /// The database refused a statement.
    #[error("{message}\n[SQL: {sql}]")]
    Statement {
        sql: String,
        message: String,
        /// SQLSTATE (PostgreSQL, MySQL), SQLite's extended result code.
        code: Option<String>,
        /// MySQL's error number (`1146`), which PyMySQL and SQLAlchemy go by.
        number: Option<u16>,
    },

    /// Parameters that do not fit the statement (a missing key, a bad placeholder).
    #[error("{0}")]
    InvalidParams(String),

    /// The connection was already closed.
    #[error("the connection is closed")]
    Closed,
}

impl DbError {
    /// A `Statement` error for `sql` from a sqlx error.
    pub(crate) fn statement(sql: &str, err: sqlx::Error) -> DbError {
        let (message, code) = describe(&err);
        let number = match &err {
            sqlx::Error::Database(db) => db
                .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                .map(|m| m.number()),
            _ => None,
        };
        DbError::Statement {
            sql: sql.to_string(),
            message,
            code,
            number,
        }
    }
}

/// The error of one statement in [`Connection::execute_batch`], naming it.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct BatchError {
    /// The failing statement's position in the list given (0-based).
    pub index: usize,
    /// The failing statement, as given.
    pub statement: String,
    pub error: DbError,
}

/// The server's message and code of a sqlx error, PostgreSQL's detail and hint included.
fn describe(err: &sqlx::Error) -> (String, Option<String>) {
    match err {
        sqlx::Error::Database(db) => {
            let mut message = db.message().to_string();
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    message.push_str(&format!("\nDETAIL:  {detail}"));
                }
                if let Some(hint) = pg.hint() {
                    message.push_str(&format!("\nHINT:  {hint}"));
                }
            }
            (message, db.code().map(|c| c.into_owned()))
        }
        other => (other.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_error_names_the_sql() {
        let e = DbError::Statement {
            sql: "SELECT nope".into(),
            message: "column \"nope\" does not exist".into(),
            code: Some("42703".into()),
            number: None,
        };
        assert_eq!(
            e.to_string(),
            "column \"nope\" does not exist\n[SQL: SELECT nope]"
        );
    }
}
