//! `_native.render_op` and friends: the DDL renderer for Python.

use pyo3::exceptions::{PyKeyError, PyNotImplementedError, PyValueError};
use pyo3::prelude::*;

use crate::ddl::{self, DdlError, Dialect, Preparer, RenderOptions};
use crate::ops::Op;

fn to_py(err: DdlError) -> PyErr {
    match err {
        DdlError::NotSupported(msg) => PyNotImplementedError::new_err(msg),
        DdlError::Key(key) => PyKeyError::new_err(key),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Render one operation spec (JSON) for `dialect`; returns the statements, unterminated.
///
/// The spec may carry `"double_percents": bool`, whether the run's dialect doubles `%` in
/// offline output (its paramstyle), and `"dialect_flags"`, what the run's dialect instance
/// says about version-dependent details ([`ddl::DialectFlags`]); without them the defaults
/// of the named dialect decide.
#[pyfunction]
#[pyo3(signature = (spec_json, dialect, as_sql=true))]
fn render_op(spec_json: &str, dialect: &str, as_sql: bool) -> PyResult<Vec<String>> {
    let dialect = Dialect::from_name(dialect).map_err(to_py)?;
    let invalid =
        |e: serde_json::Error| PyValueError::new_err(format!("invalid operation spec: {e}"));
    let mut spec: serde_json::Value = serde_json::from_str(spec_json).map_err(invalid)?;
    // how the run's dialect renders travels with the spec: the caller knows only its name
    let object = spec.as_object_mut();
    let (double_percents, flags) = match object {
        Some(o) => (o.remove("double_percents"), o.remove("dialect_flags")),
        None => (None, None),
    };
    let double_percents = double_percents.and_then(|v| v.as_bool());
    let flags = flags
        .map(serde_json::from_value::<ddl::DialectFlags>)
        .transpose()
        .map_err(invalid)?;
    let op: Op = serde_json::from_value(spec).map_err(invalid)?;
    let opts = RenderOptions {
        as_sql,
        double_percents,
        flags,
    };
    ddl::render(&op, dialect, &opts).map_err(to_py)
}

/// Whether a `batch_alter_table` spec (JSON) recreates its table on `dialect` (move and copy).
#[pyfunction]
fn batch_requires_recreate(spec_json: &str, dialect: &str) -> PyResult<bool> {
    let dialect = Dialect::from_name(dialect).map_err(to_py)?;
    match serde_json::from_str(spec_json) {
        Ok(Op::BatchAlterTable(b)) => Ok(ddl::requires_recreate(&b, dialect)),
        Ok(_) => Err(PyValueError::new_err("not a batch_alter_table spec")),
        Err(e) => Err(PyValueError::new_err(format!(
            "invalid operation spec: {e}"
        ))),
    }
}

/// The reserved words the renderer quotes for `dialect`.
#[pyfunction]
fn reserved_words(dialect: &str) -> PyResult<Vec<&'static str>> {
    let dialect = Dialect::from_name(dialect).map_err(to_py)?;
    Ok(Preparer::reserved_words(dialect).to_vec())
}

/// Add the DDL functions to `_native`.
pub fn register(m: &Bound<PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_op, m)?)?;
    m.add_function(wrap_pyfunction!(reserved_words, m)?)?;
    m.add_function(wrap_pyfunction!(batch_requires_recreate, m)?)?;
    Ok(())
}
