//! `_native.Connection` and the version-table / offline-output functions.
//!
//! Every call that touches the database leaves the interpreter (`py.detach`) and blocks
//! on the one process-wide tokio runtime; a pending Ctrl-C interrupts the wait, raises
//! `KeyboardInterrupt` and closes the connection (its state is unknown by then).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};

use std::time::Duration;
use tokio::task::JoinHandle;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyString, PyTuple};

use crate::db::{self, BatchError, DbError, Dialect, Value};
use crate::runtime::{offline, version::VersionTable};

use super::errors::{batch_error, database_error, db_error, identifier_error};

/// How often a blocked call looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Why a native call failed, before it becomes a Python exception (which needs the GIL).
pub(super) enum Failure {
    Db(DbError),
    Batch(BatchError),
    Interrupted(PyErr),
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Self {
        Failure::Db(e)
    }
}

impl From<BatchError> for Failure {
    fn from(e: BatchError) -> Self {
        Failure::Batch(e)
    }
}

fn failure(py: Python<'_>, f: Failure) -> PyErr {
    match f {
        Failure::Db(e) => db_error(py, e),
        Failure::Batch(b) => batch_error(py, b),
        Failure::Interrupted(e) => e,
    }
}

/// Block on `fut` on the process-wide runtime. Call with the GIL released; it is taken
/// back only briefly, between polls, to look for Ctrl-C.
pub(super) fn block_on<F: Future>(fut: F) -> Result<F::Output, PyErr> {
    let rt = pyo3_async_runtimes::tokio::get_runtime();
    let mut fut = pin!(fut);
    loop {
        // the timer must be made inside the runtime, hence the async block
        let polled = rt.block_on(async { tokio::time::timeout(SIGNAL_POLL, fut.as_mut()).await });
        match polled {
            Ok(out) => return Ok(out),
            Err(_) => Python::attach(|py| py.check_signals())?,
        }
    }
}

pub(super) type ConnFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, Failure>> + Send + 'c>>;

/// A batch running on the runtime; it gives the rows each statement affected.
type InflightBatch = JoinHandle<Result<Vec<u64>, BatchError>>;

/// A native database connection opened from a SQLAlchemy URL.
#[pyclass(module = "alembic_rs._native", name = "Connection", frozen)]
pub struct PyConnection {
    /// Locked only with the GIL released: a thread holding the lock may need the GIL
    /// (to look for Ctrl-C), so waiting for the lock with the GIL held could deadlock.
    inner: Arc<tokio::sync::Mutex<db::Connection>>,
    /// A batch sent with `submit_batch`, still running on the runtime: it holds the
    /// connection's lock until it is done, and its outcome is collected by the next call.
    inflight: Mutex<Option<InflightBatch>>,
    pub(super) backend: Dialect,
}

impl PyConnection {
    /// Lock the connection; call with the GIL released and outside the runtime.
    fn lock(&self) -> tokio::sync::MutexGuard<'_, db::Connection> {
        self.inner.blocking_lock()
    }

    /// Wait for the batch `submit_batch` sent, and raise its error if it failed; return
    /// the rows each of its statements affected (None when no batch was running).
    fn wait_inflight(&self, py: Python<'_>) -> PyResult<Option<Vec<u64>>> {
        let handle = self
            .inflight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(handle) = handle else {
            return Ok(None);
        };
        match py.detach(|| block_on(handle))? {
            Ok(Ok(counts)) => Ok(Some(counts)),
            Ok(Err(batch)) => Err(failure(py, Failure::Batch(batch))),
            Err(join) => Err(database_error(format!(
                "the batch running in the background failed: {join}"
            ))),
        }
    }

    /// Run `op` on the connection with the GIL released.
    pub(super) fn call<T: Send>(
        &self,
        py: Python<'_>,
        op: impl for<'c> FnOnce(&'c mut db::Connection) -> ConnFuture<'c, T> + Send,
    ) -> PyResult<T> {
        self.wait_inflight(py)?;
        let result = py.detach(|| {
            let mut conn = self.lock();
            match block_on(op(&mut conn)) {
                Ok(result) => result,
                Err(interrupted) => {
                    // the statement may be half-sent: this connection cannot be trusted
                    conn.abandon();
                    Err(Failure::Interrupted(interrupted))
                }
            }
        });
        result.map_err(|f| failure(py, f))
    }

    /// Read connection state (no I/O) with the GIL released, for the lock's sake.
    fn peek<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&db::Connection) -> T + Send) -> T {
        py.detach(|| f(&self.lock()))
    }
}

#[pymethods]
impl PyConnection {
    /// Open a connection from a SQLAlchemy URL. Raises `NotNativeError` for URLs that
    /// need SQLAlchemy (in-memory SQLite, other dialects), `ConnectionError` when the
    /// database cannot be reached (the message shows the URL with the password hidden).
    #[staticmethod]
    fn connect(py: Python<'_>, url: &str) -> PyResult<PyConnection> {
        let url = url.to_string();
        let result = py.detach(|| block_on(db::Connection::connect(&url)));
        match result {
            Ok(Ok(conn)) => Ok(PyConnection {
                backend: conn.backend(),
                inner: Arc::new(tokio::sync::Mutex::new(conn)),
                inflight: Mutex::new(None),
            }),
            Ok(Err(e)) => Err(db_error(py, e)),
            Err(interrupted) => Err(interrupted),
        }
    }

    /// Run SQL text; return the number of rows affected.
    fn execute(&self, py: Python<'_>, sql: &str) -> PyResult<u64> {
        let sql = sql.to_string();
        self.call(py, move |c| {
            Box::pin(async move { Ok(c.execute(&sql).await?) })
        })
    }

    /// Send statements as `execute_batch` does, but return at once: the batch runs on
    /// the runtime (no GIL) while Python goes on. The next call on this connection, or
    /// `wait_batch()`, waits for it and raises its `BatchStatementError` if it failed.
    fn submit_batch(&self, py: Python<'_>, statements: Vec<String>) -> PyResult<()> {
        self.wait_inflight(py)?;
        let guard = py.detach(|| self.inner.clone().blocking_lock_owned());
        let handle = pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
            let mut conn = guard;
            conn.execute_batch(&statements).await
        });
        *self.inflight.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        Ok(())
    }

    /// Wait for the batch `submit_batch` sent; raise its error if it failed. Returns the
    /// rows each of its statements affected, or None when no batch was running.
    fn wait_batch(&self, py: Python<'_>) -> PyResult<Option<Vec<u64>>> {
        self.wait_inflight(py)
    }

    /// Wait up to `timeout` seconds for the migration lock of this database's version
    /// table (PostgreSQL advisory lock, MySQL `GET_LOCK`; nothing for SQLite).
    /// Returns False when the wait timed out.
    #[pyo3(signature = (database, schema, version_table, timeout))]
    fn acquire_migration_lock(
        &self,
        py: Python<'_>,
        database: &str,
        schema: Option<&str>,
        version_table: &str,
        timeout: f64,
    ) -> PyResult<bool> {
        let lock = db::MigrationLock::new(database, schema, version_table);
        let timeout = Duration::from_secs_f64(timeout.max(0.0));
        self.call(py, move |c| {
            Box::pin(async move { Ok(c.acquire_migration_lock(&lock, timeout).await?) })
        })
    }

    /// Release the lock taken by `acquire_migration_lock`.
    fn release_migration_lock(
        &self,
        py: Python<'_>,
        database: &str,
        schema: Option<&str>,
        version_table: &str,
    ) -> PyResult<()> {
        let lock = db::MigrationLock::new(database, schema, version_table);
        self.call(py, move |c| {
            Box::pin(async move { Ok(c.release_migration_lock(&lock).await?) })
        })
    }

    /// Run statements in as few round trips as possible. A failure raises
    /// `BatchStatementError` with `.index` and `.statement` of the failing statement;
    /// later statements are not sent. Returns the rows each statement affected.
    fn execute_batch(&self, py: Python<'_>, statements: Vec<String>) -> PyResult<Vec<u64>> {
        self.call(py, move |c| {
            Box::pin(async move { Ok(c.execute_batch(&statements).await?) })
        })
    }

    /// Run a query; return its rows as tuples of None, bool, int, float, str or bytes
    /// (other types as their text).
    fn query<'py>(&self, py: Python<'py>, sql: &str) -> PyResult<Vec<Bound<'py, PyTuple>>> {
        let sql = sql.to_string();
        let rows = self.call(py, move |c| {
            Box::pin(async move { Ok(c.query(&sql).await?) })
        })?;
        rows.into_iter()
            .map(|row| {
                let values = row
                    .into_iter()
                    .map(|v| value_to_py(py, v))
                    .collect::<PyResult<Vec<_>>>()?;
                PyTuple::new(py, values)
            })
            .collect()
    }

    /// `BEGIN` a transaction; returns the statement sent, for the caller's SQL log, or
    /// `None` when a transaction was already open (it is kept, not nested).
    fn begin(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        self.call(py, |c| {
            Box::pin(async move {
                let began = !c.in_transaction();
                c.begin().await?;
                Ok(began.then_some(db::BEGIN))
            })
        })
    }

    /// `COMMIT` the transaction; returns the statement sent.
    fn commit(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.call(py, |c| {
            Box::pin(async move {
                c.commit().await?;
                Ok(db::COMMIT)
            })
        })
    }

    /// `ROLLBACK` the transaction; returns the statement sent.
    fn rollback(&self, py: Python<'_>) -> PyResult<&'static str> {
        self.call(py, |c| {
            Box::pin(async move {
                c.rollback().await?;
                Ok(db::ROLLBACK)
            })
        })
    }

    /// On MySQL/MariaDB, turn autocommit off as PyMySQL keeps it (no-op elsewhere).
    fn autocommit_off(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |c| {
            Box::pin(async move { Ok(c.autocommit_off().await?) })
        })
    }

    /// The server's version string (SQLite: the library's, `3.46.0`).
    fn server_version(&self, py: Python<'_>) -> PyResult<String> {
        self.call(py, |c| {
            Box::pin(async move { Ok(c.server_version().await?) })
        })
    }

    /// Whether `begin()` opened a transaction not yet committed or rolled back.
    #[getter]
    fn in_transaction(&self, py: Python<'_>) -> bool {
        self.peek(py, |c| c.in_transaction())
    }

    /// How many statements of the PEP 249 adapter were prepared since the connection
    /// opened: each distinct statement once per transaction (and per set of parameter
    /// types on PostgreSQL).
    #[getter]
    fn statements_prepared(&self, py: Python<'_>) -> u64 {
        self.peek(py, |c| c.statements_prepared())
    }

    /// Whether the table (or view) exists, in `schema` or where an unqualified name finds it.
    #[pyo3(signature = (name, schema=None))]
    fn has_table(&self, py: Python<'_>, name: &str, schema: Option<&str>) -> PyResult<bool> {
        let name = name.to_string();
        let schema = schema.map(str::to_string);
        self.call(py, move |c| {
            Box::pin(async move { Ok(c.has_table(&name, schema.as_deref()).await?) })
        })
    }

    /// The schema unqualified names resolve to (`public`, the MySQL database, `main`).
    fn current_schema(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.call(py, |c| {
            Box::pin(async move { Ok(c.current_schema().await?) })
        })
    }

    /// The database name (the SQLite file for SQLite).
    fn database_name(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.call(py, |c| {
            Box::pin(async move { Ok(c.database_name().await?) })
        })
    }

    /// `postgresql`, `sqlite`, `mysql` or `mariadb` (told apart by the server version).
    #[getter]
    fn backend(&self) -> &'static str {
        self.backend.name()
    }

    /// The connection URL with the password hidden.
    #[getter]
    fn url(&self, py: Python<'_>) -> String {
        self.peek(py, |c| c.url().to_string())
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self, py: Python<'_>) -> bool {
        self.peek(py, |c| c.is_closed())
    }

    /// Close the connection. Closing twice is harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.call(py, |c| Box::pin(async move { Ok(c.close().await?) }))
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<alembic_rs._native.Connection {}>", self.url(py))
    }
}

fn value_to_py(py: Python<'_>, value: Value) -> PyResult<Bound<'_, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::Float(f) => PyFloat::new(py, f).into_any(),
        Value::Text(s) => PyString::new(py, &s).into_any(),
        Value::Bytes(b) => PyBytes::new(py, &b).into_any(),
    })
}

/// The SQL of one `alembic_version` operation, without terminator, exactly as alembic
/// renders it. `action` is `create`, `insert`, `update` (from `version` to
/// `to_version`), `delete`, `select` or `drop`. `returning` is the run's dialect's
/// `insert_returning` (by default that of a never-connected dialect under SQLAlchemy 2.1).
#[pyfunction]
#[pyo3(signature = (dialect, action, table="alembic_version", schema=None, pk=true, version=None, to_version=None, returning=None))]
#[allow(clippy::too_many_arguments)]
fn version_table_sql(
    dialect: Dialect,
    action: &str,
    table: &str,
    schema: Option<&str>,
    pk: bool,
    version: Option<&str>,
    to_version: Option<&str>,
    returning: Option<bool>,
) -> PyResult<String> {
    // (the GIL is held: the errors map needs it)
    Python::attach(|py| {
        let vt = VersionTable {
            backend: dialect,
            name: table.to_string(),
            schema: schema.map(str::to_string),
            pk,
            returning: returning.unwrap_or(VersionTable::default_returning(dialect)),
        };
        let need = |v: Option<&str>, what: &str| {
            v.map(str::to_string)
                .ok_or_else(|| PyValueError::new_err(format!("'{action}' needs {what}")))
        };
        match action {
            "create" => vt.create_sql().map_err(|e| identifier_error(py, e)),
            "insert" => Ok(vt.insert_sql(&need(version, "version")?)),
            "update" => {
                Ok(vt.update_sql(&need(version, "version")?, &need(to_version, "to_version")?))
            }
            "delete" => Ok(vt.delete_sql(&need(version, "version")?)),
            "delete_all" => Ok(vt.delete_all_sql()),
            "select" => Ok(vt.select_sql()),
            "drop" => Ok(vt.drop_sql()),
            other => Err(PyValueError::new_err(format!(
                "unknown version table action '{other}': expected create, insert, update, delete, delete_all, select or drop"
            ))),
        }
    })
}

/// The text `--sql` mode writes when a transaction begins (`BEGIN;` and a blank line).
#[pyfunction]
fn offline_begin(dialect: Dialect) -> String {
    offline::begin(dialect)
}

/// The text `--sql` mode writes when a transaction commits (`COMMIT;` and a blank line).
#[pyfunction]
fn offline_commit(dialect: Dialect) -> String {
    offline::commit(dialect)
}

/// The comment `--sql` mode writes before a migration step (`-- Running <short_log>`).
#[pyfunction]
fn offline_step_comment(short_log: &str) -> String {
    offline::step_comment(short_log)
}

/// A statement as `--sql` mode writes it: tabs to spaces, stripped, `;`, blank line.
#[pyfunction]
fn offline_statement(sql: &str) -> String {
    offline::statement(sql)
}

/// alembic's default `transactional_ddl` for the dialect.
#[pyfunction]
fn transactional_ddl(dialect: Dialect) -> bool {
    offline::transactional_ddl(dialect)
}

/// Add the database classes, exceptions and functions to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyConnection>()?;
    m.add_function(wrap_pyfunction!(version_table_sql, m)?)?;
    m.add_function(wrap_pyfunction!(offline_begin, m)?)?;
    m.add_function(wrap_pyfunction!(offline_commit, m)?)?;
    m.add_function(wrap_pyfunction!(offline_statement, m)?)?;
    m.add_function(wrap_pyfunction!(offline_step_comment, m)?)?;
    m.add_function(wrap_pyfunction!(transactional_ddl, m)?)?;
    Ok(())
}
