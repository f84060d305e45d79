//! The async bridge: run a blocking Python callable on tokio's blocking pool and hand
//! the caller's event loop an awaitable for its result (pyo3-async-runtimes).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// Run `func(*args, **kwargs)` on a worker thread; return an awaitable of its result.
///
/// The worker has no running event loop, so code it runs may call `asyncio.run()`
/// (as async env.py files do) while the caller's loop keeps serving other tasks.
#[pyfunction]
#[pyo3(signature = (func, args, kwargs=None))]
fn run_in_worker<'py>(
    py: Python<'py>,
    func: Py<PyAny>,
    args: Py<PyTuple>,
    kwargs: Option<Py<PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let joined = tokio::task::spawn_blocking(move || {
            Python::attach(|py| func.call(py, args.bind(py), kwargs.as_ref().map(|k| k.bind(py))))
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) => Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "the worker thread running the command failed: {e}"
            ))),
        }
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_in_worker, m)?)?;
    Ok(())
}
