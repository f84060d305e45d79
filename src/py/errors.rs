//! One place that maps every core error to the Python exception alembic would raise.

use pyo3::call::PyCallArgs;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::config::ConfigError;
use crate::revision::RevisionError;
use crate::runtime::session::SessionError;

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

/// A `CommandError` with `message`.
pub fn command_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "alembic_rs.util.exc", "CommandError", (message.into(),))
}

/// Map a revision graph error to alembic's class of the same name.
pub fn revision_error(py: Python<'_>, err: RevisionError) -> PyErr {
    const EXC: &str = "alembic_rs.util.exc";
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
        _ => raise(
            py,
            "alembic_rs.util.exc",
            "ConfigFileError",
            (err.to_string(),),
        ),
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
