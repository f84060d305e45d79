//! `_native.session_state_queries` and `_native.session_replay_statements`: carrying the
//! session state of env.py's connection over to the native one (see `runtime::session`).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use super::db::PyConnection;
use super::errors;
use crate::db::Dialect;
use crate::runtime::session::{self, Cell, Rows, SessionState};

/// The queries that read a connection's session state on `dialect` (a SQLAlchemy dialect
/// name), to run on env.py's connection; none for a dialect without native support.
#[pyfunction]
fn session_state_queries(dialect: &str) -> Vec<String> {
    dialect
        .parse::<Dialect>()
        .map(session::read_queries)
        .unwrap_or_default()
}

/// A cell as text, as `str()` gives it (bytes decoded as UTF-8).
fn cell(value: &Bound<'_, PyAny>) -> PyResult<Cell> {
    if value.is_none() {
        Ok(None)
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        Ok(Some(String::from_utf8_lossy(bytes.as_bytes()).into_owned()))
    } else {
        Ok(Some(value.str()?.to_string()))
    }
}

/// Given the rows env.py's connection answered to `session_state_queries` (one list of
/// row tuples per query), read the native connection's own state and return the
/// statements that make it match, in order. Raises `NotTheSameDatabase` when the two
/// connections are not on the same database.
#[pyfunction]
fn session_replay_statements(
    py: Python<'_>,
    native: &Bound<'_, PyConnection>,
    theirs: Vec<Vec<Bound<'_, PyTuple>>>,
) -> PyResult<Vec<String>> {
    let connection = native.get();
    let backend = connection.backend;
    let theirs: Vec<Rows> = theirs
        .iter()
        .map(|rows| {
            rows.iter()
                .map(|row| row.iter().map(|v| cell(&v)).collect())
                .collect()
        })
        .collect::<PyResult<_>>()?;
    let ours = connection.call(py, |c| {
        Box::pin(async move { Ok(session::fetch(c).await?) })
    })?;
    let state = |results: &[Rows]| {
        SessionState::parse(backend, results).map_err(|e| errors::session_error(py, e))
    };
    session::replay_statements(backend, &state(&theirs)?, &state(&ours)?)
        .map_err(|e| errors::session_error(py, e))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(session_state_queries, m)?)?;
    m.add_function(wrap_pyfunction!(session_replay_statements, m)?)?;
    Ok(())
}
