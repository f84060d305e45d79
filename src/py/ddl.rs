//! `_native.render_op` and friends: the DDL renderer for Python.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::ddl::{self, Dialect, Preparer, RenderOptions};
use crate::ops::Op;

use super::errors::ddl_error;

/// Render one operation spec (JSON) for `dialect`; returns the statements, unterminated.
///
/// The spec may carry `"double_percents": bool`, whether the run's dialect doubles `%` in
/// offline output (its paramstyle), and `"dialect_flags"`, what the run's dialect instance
/// says about version-dependent details ([`ddl::DialectFlags`]); without them the defaults
/// of the named dialect decide.
#[pyfunction]
#[pyo3(signature = (spec_json, dialect, as_sql=true))]
fn render_op(
    py: Python<'_>,
    spec_json: &str,
    dialect: Dialect,
    as_sql: bool,
) -> PyResult<Vec<String>> {
    let (op, double_percents, flags) = parse_spec(spec_json)?;
    let opts = RenderOptions {
        as_sql,
        double_percents,
        flags,
    };
    ddl::render(&op, dialect, &opts).map_err(|e| ddl_error(py, e))
}

/// An operation spec (JSON) and the render options it may carry (`double_percents`,
/// `dialect_flags`): how the run's dialect renders travels with the spec, as the caller
/// knows only its name. Any other key the operation does not have is an error.
fn parse_spec(spec_json: &str) -> PyResult<(Op, Option<bool>, Option<ddl::DialectFlags>)> {
    let invalid =
        |e: serde_json::Error| PyValueError::new_err(format!("invalid operation spec: {e}"));
    let mut spec: serde_json::Value = serde_json::from_str(spec_json).map_err(invalid)?;
    let (double_percents, flags) = match spec.as_object_mut() {
        Some(o) => (o.remove("double_percents"), o.remove("dialect_flags")),
        None => (None, None),
    };
    let double_percents = double_percents
        .map(serde_json::from_value::<Option<bool>>)
        .transpose()
        .map_err(invalid)?
        .flatten();
    let flags = flags
        .map(serde_json::from_value::<ddl::DialectFlags>)
        .transpose()
        .map_err(invalid)?;
    let op: Op = serde_json::from_value(spec).map_err(invalid)?;
    Ok((op, double_percents, flags))
}

/// Whether a `batch_alter_table` spec (JSON) recreates its table on `dialect` (move and copy).
#[pyfunction]
fn batch_requires_recreate(spec_json: &str, dialect: Dialect) -> PyResult<bool> {
    match parse_spec(spec_json)?.0 {
        Op::BatchAlterTable(b) => Ok(ddl::requires_recreate(&b, dialect)),
        _ => Err(PyValueError::new_err("not a batch_alter_table spec")),
    }
}

/// The reserved words the renderer quotes for `dialect`.
#[pyfunction]
fn reserved_words(dialect: Dialect) -> Vec<&'static str> {
    Preparer::reserved_words(dialect).to_vec()
}

/// Add the DDL functions to `_native`.
pub fn register(m: &Bound<PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_op, m)?)?;
    m.add_function(wrap_pyfunction!(reserved_words, m)?)?;
    m.add_function(wrap_pyfunction!(batch_requires_recreate, m)?)?;
    Ok(())
}
