//! The one choke point that leaves the interpreter: release the GIL and block on the
//! process-wide tokio runtime.

use std::future::Future;

use pyo3::prelude::*;

/// Run `fut` to completion on the shared tokio runtime with the GIL released.
#[allow(dead_code)]
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> T
where
    F: Future<Output = T> + Send,
    T: Send,
{
    py.detach(|| pyo3_async_runtimes::tokio::get_runtime().block_on(fut))
}
