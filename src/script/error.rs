//! Errors of the script layer, with alembic's messages.

use crate::config::pyformat::FormatError;

/// An error finding, reading or naming revision scripts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// `CommandError` from `ScriptDirectory.__init__` when the script directory is missing.
    #[error(
        "Path doesn't exist: {path}.  Please use the 'init' command to create a new scripts folder."
    )]
    PathDoesNotExist { path: String },

    /// An I/O failure on a path.
    #[error("{message}: {path}")]
    Io { path: String, message: String },

    /// The `file_template` could not be rendered; the text is Python's (`KeyError`,
    /// `ValueError` or `TypeError` from `file_template % tokens`).
    #[error("{0}")]
    FileTemplate(#[from] FormatError),
}

impl ScriptError {
    /// The Python exception class alembic would raise for this error.
    pub fn python_exception(&self) -> &'static str {
        match self {
            ScriptError::PathDoesNotExist { .. } => "alembic.util.exc.CommandError",
            ScriptError::Io { .. } => "OSError",
            ScriptError::FileTemplate(e) => e.python_exception(),
        }
    }
}
