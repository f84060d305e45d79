//! The Python bindings: every `#[pyclass]` and `#[pyfunction]` lives under here.

use pyo3::prelude::*;

mod cli;
mod config;
mod db;
mod dbapi;
mod ddl;
mod dialect;
mod errors;
mod reflect;
mod runtime;
mod script;
mod session;

/// The private native module, `alembic_rs._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    cli::register(m)?;
    config::register(m)?;
    db::register(m)?;
    dbapi::register(m)?;
    ddl::register(m)?;
    reflect::register(m)?;
    runtime::register(m)?;
    script::register(m)?;
    session::register(m)?;
    Ok(())
}
