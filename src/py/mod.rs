//! The Python bindings: every `#[pyclass]` and `#[pyfunction]` lives under here.

use pyo3::prelude::*;

mod db;

/// The private native module, `alembic_rs._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    db::register(m)?;
    Ok(())
}
