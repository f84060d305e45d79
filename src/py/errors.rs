//! One place that maps every core error to the Python exception alembic would raise.
//!
//! Each area's error enum (config, script, revision, ddl, db) has one function here; the
//! bindings call it and never build an exception themselves. Where alembic prints
//! `FAILED: <message>` (its `CommandError`), the error becomes `alembic_rs.util.exc`'s
//! `CommandError`, so `except CommandError` and our CLI treat it the same way.

use pyo3::call::PyCallArgs;
use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyKeyError, PyNotImplementedError, PyRuntimeError, PyValueError,
};
use pyo3::prelude::*;

use crate::config::ConfigError;
use crate::db::{BatchError, DbError};
use crate::ddl::DdlError;
use crate::dialect::UnknownDialect;
use crate::reflect::ReflectError;
use crate::revision::RevisionError;
use crate::runtime::session::SessionError;

use crate::runtime::version::IdentifierTooLong;
use crate::script::ScriptError;

const EXC: &str = "alembic_rs.util.exc";

create_exception!(
    alembic_rs._native,
    DatabaseError,
    PyException,
    "A native database operation failed."
);
create_exception!(
    alembic_rs._native,
    ConnectionError,
    DatabaseError,
    "Connecting failed, or the connection is closed."
);
create_exception!(
    alembic_rs._native,
    NotNativeError,
    DatabaseError,
    "The URL is not served by a native connection: use SQLAlchemy for it."
);
create_exception!(
    alembic_rs._native,
    BatchStatementError,
    DatabaseError,
    "A statement of execute_batch failed; `.index` and `.statement` name it."
);

/// Build an instance of a Python exception class from `module.class(*args)`.
fn raise<'py, A>(py: Python<'py>, module: &str, class: &str, args: A) -> PyErr
where
    A: PyCallArgs<'py>,
{
    let built = py
        .import(module)
        .and_then(|m| m.getattr(class))
        .and_then(|cls| cls.call1(args));
    match built {
        Ok(exc) => PyErr::from_value(exc),
        Err(err) => err,
    }
}

/// An exception from a dotted class name (`configparser.NoSectionError`, `KeyError`);
/// alembic's own classes resolve to ours.
fn raise_named(py: Python<'_>, dotted: &str, message: String) -> PyErr {
    let (module, class) = dotted.rsplit_once('.').unwrap_or(("builtins", dotted));
    let module = if module == "alembic.util.exc" {
        EXC
    } else {
        module
    };
    raise(py, module, class, (message,))
}

/// A `CommandError` with `message`.
pub fn command_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, EXC, "CommandError", (message.into(),))
}

/// Map a revision graph error to alembic's class of the same name.
pub fn revision_error(py: Python<'_>, err: RevisionError) -> PyErr {
    match err {
        RevisionError::Resolution { message, argument } => {
            raise(py, EXC, "ResolutionError", (message, argument))
        }
        RevisionError::MultipleHeads { heads, argument } => {
            raise(py, EXC, "MultipleHeads", (heads, argument))
        }
        RevisionError::RangeNotAncestor { lower, upper } => {
            raise(py, EXC, "RangeNotAncestorError", (lower, upper))
        }
        RevisionError::CycleDetected { revisions } => raise(py, EXC, "CycleDetected", (revisions,)),
        RevisionError::DependencyCycleDetected { revisions } => {
            raise(py, EXC, "DependencyCycleDetected", (revisions,))
        }
        RevisionError::LoopDetected { revision } => raise(py, EXC, "LoopDetected", (revision,)),
        RevisionError::DependencyLoopDetected { revision } => {
            raise(py, EXC, "DependencyLoopDetected", (revision,))
        }
        RevisionError::MissingRevision { key, warning } => {
            if let Some(text) = warning
                && let Err(e) = super::script::user_warning(py, &text)
            {
                return e;
            }
            raise(py, EXC, "MissingRevisionError", (key,))
        }
        RevisionError::Other(message) => raise(py, EXC, "RevisionError", (message,)),
        RevisionError::Assertion(message) => raise(py, EXC, "RevisionAssertionError", (message,)),
        RevisionError::Command(message) => command_error(py, message),
    }
}

/// Map a configuration error: lookups raise `configparser`'s classes (code that uses
/// `config.file_config` expects them); a broken file is a `CommandError` whose message
/// names the file and key.
pub fn config_error(py: Python<'_>, err: ConfigError) -> PyErr {
    match &err {
        ConfigError::NoSection { section } => {
            raise(py, "configparser", "NoSectionError", (section.clone(),))
        }
        ConfigError::NoOption { option, section } => raise(
            py,
            "configparser",
            "NoOptionError",
            (option.clone(), section.clone()),
        ),
        // what alembic itself reports as a CommandError (no script_location ...)
        ConfigError::Command(message) => command_error(py, message.clone()),
        _ => raise(py, EXC, "ConfigFileError", (err.to_string(),)),
    }
}

/// Map a session-state error: another database, or an attachment no other connection can
/// see, is `NotTheSameDatabase` (the caller stays on env.py's connection).
pub fn session_error(py: Python<'_>, err: SessionError) -> PyErr {
    match &err {
        SessionError::UnexpectedRows { .. } => PyRuntimeError::new_err(err.to_string()),
        _ => raise(
            py,
            "alembic_rs.runtime.session",
            "NotTheSameDatabase",
            (err.to_string(),),
        ),
    }
}

/// Map a script-layer error: a missing script directory is alembic's `CommandError`, an
/// unreadable path an `OSError`. A `file_template` that does not render dies in alembic
/// with Python's `KeyError`/`ValueError`/`TypeError` (a traceback, status 1); it is a
/// broken ini value, so it becomes a `ConfigFileError` with Python's text, which the CLI
/// prints as `FAILED: <that text>` with status 1, as for the ini's other errors.
pub fn script_error(py: Python<'_>, err: ScriptError) -> PyErr {
    match err {
        ScriptError::FileTemplate(e) => raise(py, EXC, "ConfigFileError", (e.to_string(),)),
        other => raise_named(py, other.python_exception(), other.to_string()),
    }
}

/// Map a DDL rendering error: alembic's `CommandError` (`FAILED:` from the CLI), its
/// `NotImplementedError`/`ValueError`/`KeyError`, or SQLAlchemy's `CompileError`.
pub fn ddl_error(py: Python<'_>, err: DdlError) -> PyErr {
    match err {
        DdlError::Command(message) => command_error(py, message),
        DdlError::NotSupported(message) => PyNotImplementedError::new_err(message),
        DdlError::Key(key) => PyKeyError::new_err(key),
        DdlError::Compile(message) => raise(py, "sqlalchemy.exc", "CompileError", (message,)),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// A dialect name that is none of postgresql, sqlite, mysql, mariadb: `ValueError`.
pub fn unknown_dialect_error(err: UnknownDialect) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// Map a database error: statements and connections raise `_native`'s classes (with
/// `sql`, `code`, `errno` on a failed statement), malformed input `ValueError`.
pub fn db_error(py: Python<'_>, err: DbError) -> PyErr {
    let message = err.to_string();
    match err {
        DbError::InvalidUrl { .. } | DbError::InvalidParams(_) => PyValueError::new_err(message),
        DbError::NotNative { .. } => NotNativeError::new_err(message),
        DbError::Connect { .. } | DbError::Closed => ConnectionError::new_err(message),
        DbError::Statement {
            sql, code, number, ..
        } => {
            let e = DatabaseError::new_err(message);
            let value = e.value(py);
            // attributes for callers that want them; failing to set them is not fatal
            let _ = value.setattr("sql", sql);
            let _ = value.setattr("code", code);
            let _ = value.setattr("errno", number);
            e
        }
    }
}

/// Map the failure of one statement of a batch: `BatchStatementError` with the
/// statement's `index` (the caller names the migration step from it) and text.
pub fn batch_error(py: Python<'_>, err: BatchError) -> PyErr {
    let e = BatchStatementError::new_err(err.to_string());
    let value = e.value(py);
    let _ = value.setattr("index", err.index);
    let _ = value.setattr("statement", err.statement);
    if let DbError::Statement { code, .. } = err.error {
        let _ = value.setattr("code", code);
    }
    e
}

/// Map a reflection error: a refused catalog query as any statement, a result we could
/// not read as `DatabaseError`.
pub fn reflect_error(py: Python<'_>, err: ReflectError) -> PyErr {
    match err {
        ReflectError::Db(e) => db_error(py, e),
        other => DatabaseError::new_err(other.to_string()),
    }
}

/// A name longer than the database allows: SQLAlchemy's `IdentifierError`.
pub fn identifier_error(py: Python<'_>, err: IdentifierTooLong) -> PyErr {
    raise(py, "sqlalchemy.exc", "IdentifierError", (err.to_string(),))
}

/// A database failure that has no `DbError` (a background task that died).
pub fn database_error(message: String) -> PyErr {
    DatabaseError::new_err(message)
}

/// Add the exception classes to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DatabaseError", py.get_type::<DatabaseError>())?;
    m.add("ConnectionError", py.get_type::<ConnectionError>())?;
    m.add("NotNativeError", py.get_type::<NotNativeError>())?;
    m.add("BatchStatementError", py.get_type::<BatchStatementError>())?;
    Ok(())
}
