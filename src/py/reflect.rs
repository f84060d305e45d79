//! `_native.reflect`: the schema model of a database, as Python dicts.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::db;
use crate::reflect::{ReflectError, ReflectOptions, Reflection, reflect as reflect_schema};

use super::db::{PyConnection, block_on};
use super::errors::{db_error, reflect_error};

/// Reflect `schemas` (None: the default schema; default `[None]`) of a database, given
/// a native `Connection` or a SQLAlchemy URL. Tables named in `exclude_tables` as
/// `(schema, name)` pairs are left out. Runs with the GIL released; returns the schema
/// model (see `src/reflect/model.rs`) as dicts and lists.
#[pyfunction]
#[pyo3(signature = (connection, schemas=None, exclude_tables=Vec::new()))]
fn reflect<'py>(
    py: Python<'py>,
    connection: &Bound<'py, PyAny>,
    schemas: Option<Vec<Option<String>>>,
    exclude_tables: Vec<(Option<String>, String)>,
) -> PyResult<Bound<'py, PyAny>> {
    let options = ReflectOptions {
        schemas: schemas.unwrap_or_default(),
        exclude_tables,
    };
    let reflection: Result<Reflection, ReflectError> =
        if let Ok(conn) = connection.cast::<PyConnection>() {
            conn.get().call(py, move |c| {
                Box::pin(async move { Ok(reflect_schema(c, &options).await) })
            })?
        } else if let Ok(url) = connection.extract::<String>() {
            let outcome = py.detach(|| {
                block_on(async move {
                    let mut conn = db::Connection::connect(&url).await?;
                    let result = reflect_schema(&mut conn, &options).await;
                    let _ = conn.close().await;
                    result
                })
            })?;
            match outcome {
                Err(ReflectError::Db(e)) => return Err(db_error(py, e)),
                other => other,
            }
        } else {
            return Err(PyTypeError::new_err(
                "reflect() takes a native Connection or a SQLAlchemy URL",
            ));
        };
    let reflection = reflection.map_err(|e| reflect_error(py, e))?;
    // one JSON text decoded by Python's C decoder: far cheaper than building the many
    // small dicts one `set_item` at a time
    let text = py
        .detach(|| serde_json::to_string(&reflection))
        .map_err(|e| PyTypeError::new_err(format!("could not convert the model: {e}")))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Add `reflect` to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(reflect, m)?)?;
    Ok(())
}
