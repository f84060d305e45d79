//! Errors of reflection.

use crate::db::DbError;

/// Reflection failed: a catalog query was refused, or its result was not understood.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReflectError {
    /// A catalog query failed.
    #[error(transparent)]
    Db(#[from] DbError),

    /// A catalog query gave a result of an unexpected shape (a server we do not know).
    #[error("could not read the result of a catalog query: {message}\n[SQL: {sql}]")]
    Decode { sql: String, message: String },
}
