//! Errors of the configuration layer. Each variant's `Display` is the message Python's
//! `configparser` or alembic prints for the same failure, so the Python side can raise the
//! matching exception class (see [`ConfigError::python_exception`]) with the same text.

use super::pytext::py_repr;

/// An error reading or interpreting `alembic.ini` / `pyproject.toml`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `configparser.NoSectionError`.
    #[error("No section: {}", py_repr(.section))]
    NoSection { section: String },

    /// `configparser.NoOptionError`.
    #[error("No option {} in section: {}", py_repr(.option), py_repr(.section))]
    NoOption { option: String, section: String },

    /// `configparser.DuplicateSectionError`; `source` is already a Python repr.
    #[error("{}", duplicate_section_message(.section, .source_name.as_deref(), *.lineno))]
    DuplicateSection {
        section: String,
        source_name: Option<String>,
        lineno: Option<usize>,
    },

    /// `configparser.DuplicateOptionError`; `source` is already a Python repr.
    #[error("{}", duplicate_option_message(.section, .option, .source_name.as_deref(), *.lineno))]
    DuplicateOption {
        section: String,
        option: String,
        source_name: Option<String>,
        lineno: Option<usize>,
    },

    /// `configparser.ParsingError`: every line that is neither a header, an option, a
    /// comment nor a continuation, as `(lineno, line)` with the line's newline kept.
    #[error("{}", parsing_message(.source_name, .errors))]
    Parsing {
        source_name: String,
        errors: Vec<(usize, String)>,
    },

    /// `configparser.MissingSectionHeaderError`.
    #[error(
        "File contains no section headers.\nfile: {source_name}, line: {lineno}\n{}",
        py_repr(.line)
    )]
    MissingSectionHeader {
        source_name: String,
        lineno: usize,
        line: String,
    },

    /// `configparser.InterpolationMissingOptionError`.
    #[error(
        "Bad value substitution: option {} in section {} contains an interpolation key {} \
         which is not a valid option name. Raw value: {}",
        py_repr(.option),
        py_repr(.section),
        py_repr(.reference),
        py_repr(.rawval)
    )]
    InterpolationMissingOption {
        option: String,
        section: String,
        rawval: String,
        reference: String,
    },

    /// `configparser.InterpolationSyntaxError`.
    #[error("{message}")]
    InterpolationSyntax {
        option: String,
        section: String,
        message: String,
    },

    /// `configparser.InterpolationDepthError`.
    #[error(
        "Recursion limit exceeded in value substitution: option {} in section {} contains \
         an interpolation key which cannot be substituted in 10 steps. Raw value: {}",
        py_repr(.option),
        py_repr(.section),
        py_repr(.rawval)
    )]
    InterpolationDepth {
        option: String,
        section: String,
        rawval: String,
    },

    /// `ValueError` raised by `ConfigParser.set` for a value whose `%` is not `%%` or
    /// `%(name)s`. `position` is Python's (an index into the value with those removed).
    #[error(
        "invalid interpolation syntax in {} at position {position}",
        py_repr(.value)
    )]
    InvalidInterpolationSyntax { value: String, position: usize },

    /// `ValueError` from `add_section("DEFAULT")`.
    #[error("Invalid section name: {}", py_repr(.section))]
    InvalidSectionName { section: String },

    /// `UnicodeDecodeError` reading a file as UTF-8.
    #[error("'utf-8' codec can't decode {detail}")]
    Decode { path: String, detail: String },

    /// An `OSError` other than "file not found" (e.g. permission denied).
    #[error("[Errno {errno}] {message}: {}", py_repr(.path))]
    Io {
        path: String,
        errno: i32,
        message: String,
    },

    /// `tomllib.TOMLDecodeError`; the text comes from the `toml` crate, not Python.
    #[error("{message}")]
    TomlDecode { path: String, message: String },

    /// `KeyError` from `value % toml_args` on a `[tool.alembic]` string.
    #[error("{}", py_repr(.key))]
    TomlKey { key: String },

    /// A `ValueError`/`TypeError` from `%`-formatting a `[tool.alembic]` string.
    #[error("{message}")]
    TomlFormat { message: String },

    /// A plain `ValueError` with alembic's or Python's text (bad `path_separator`,
    /// `int()` of a bad `truncate_slug_length`, `asbool` of a bad boolean).
    #[error("{0}")]
    Value(String),

    /// `alembic.util.CommandError` with alembic's text.
    #[error("{0}")]
    Command(String),
}

impl ConfigError {
    /// The Python exception class alembic would raise for this error.
    pub fn python_exception(&self) -> &'static str {
        match self {
            ConfigError::NoSection { .. } => "configparser.NoSectionError",
            ConfigError::NoOption { .. } => "configparser.NoOptionError",
            ConfigError::DuplicateSection { .. } => "configparser.DuplicateSectionError",
            ConfigError::DuplicateOption { .. } => "configparser.DuplicateOptionError",
            ConfigError::Parsing { .. } => "configparser.ParsingError",
            ConfigError::MissingSectionHeader { .. } => "configparser.MissingSectionHeaderError",
            ConfigError::InterpolationMissingOption { .. } => {
                "configparser.InterpolationMissingOptionError"
            }
            ConfigError::InterpolationSyntax { .. } => "configparser.InterpolationSyntaxError",
            ConfigError::InterpolationDepth { .. } => "configparser.InterpolationDepthError",
            ConfigError::InvalidInterpolationSyntax { .. }
            | ConfigError::InvalidSectionName { .. }
            | ConfigError::TomlFormat { .. }
            | ConfigError::Value(_) => "ValueError",
            ConfigError::Decode { .. } => "UnicodeDecodeError",
            ConfigError::Io { .. } => "OSError",
            ConfigError::TomlDecode { .. } => "tomllib.TOMLDecodeError",
            ConfigError::TomlKey { .. } => "KeyError",
            ConfigError::Command(_) => "alembic.util.exc.CommandError",
        }
    }
}

fn duplicate_section_message(section: &str, source: Option<&str>, lineno: Option<usize>) -> String {
    match source {
        Some(source) => {
            let line = lineno.map(|n| format!(" [line {n:2}]")).unwrap_or_default();
            format!(
                "While reading from {source}{line}: section {} already exists",
                py_repr(section)
            )
        }
        None => format!("Section {} already exists", py_repr(section)),
    }
}

fn duplicate_option_message(
    section: &str,
    option: &str,
    source: Option<&str>,
    lineno: Option<usize>,
) -> String {
    let tail = format!(
        "{} in section {} already exists",
        py_repr(option),
        py_repr(section)
    );
    match source {
        Some(source) => {
            let line = lineno.map(|n| format!(" [line {n:2}]")).unwrap_or_default();
            format!("While reading from {source}{line}: option {tail}")
        }
        None => format!("Option {tail}"),
    }
}

fn parsing_message(source: &str, errors: &[(usize, String)]) -> String {
    let mut msg = format!("Source contains parsing errors: {source}");
    for (lineno, line) in errors {
        msg.push_str(&format!("\n\t[line {lineno:2}]: {}", py_repr(line)));
    }
    msg
}
