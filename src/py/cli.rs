//! `run_read_command`: the console script's first step (see [`crate::cli`]). It reads what
//! the fast path needs from the interpreter without importing anything, and prints
//! through `sys.stdout` / `sys.stderr` so buffering and encoding stay Python's.

use std::io::IsTerminal;
use std::path::Path;

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};

use crate::cli::{self, Request, Verdict};

/// `ALEMBIC_RS_FAST_PATH`: `0` turns the fast path off, `explain` reports on stderr
/// whether it served the command and, if not, why.
const MODE_VAR: &str = "ALEMBIC_RS_FAST_PATH";

/// Serve a read-only command from Rust. Returns the exit status when it was served (the
/// caller passes a non-zero one to `sys.exit`), None when the Python CLI must run.
#[pyfunction]
fn run_read_command(
    py: Python<'_>,
    argv: &Bound<'_, PyAny>,
    prog: &str,
    version: &str,
    templates_dir: &str,
) -> PyResult<Option<i32>> {
    let mode = std::env::var(MODE_VAR).unwrap_or_default();
    if mode == "0" {
        return Ok(None);
    }
    let verdict = match gather(py, argv) {
        Ok(host) => cli::run(&Request {
            args: &host.args,
            prog,
            version,
            templates_dir: Path::new(templates_dir),
            cwd: &host.cwd,
            alembic_config: host.alembic_config.as_deref(),
            columns: host.columns,
            python: host.python,
            stdin_is_terminal: std::io::stdin().is_terminal(),
            deprecation_warnings_shown: host.deprecation_warnings_shown,
        }),
        Err(why) => Verdict::NotMine(why),
    };
    let explain = mode == "explain";
    match verdict {
        Verdict::Served(out) => {
            if explain {
                write(py, "stderr", "alembic-rs: fast path: served\n")?;
            }
            write(py, "stdout", &out.stdout)?;
            write(py, "stderr", &out.stderr)?;
            Ok(Some(out.status))
        }
        Verdict::NotMine(why) => {
            if explain {
                write(
                    py,
                    "stderr",
                    &format!(
                        "alembic-rs: fast path: not served: {}\n",
                        why.escape_debug()
                    ),
                )?;
            }
            Ok(None)
        }
    }
}

/// What the fast path reads from the interpreter and the environment.
struct Host {
    args: Vec<String>,
    cwd: std::path::PathBuf,
    alembic_config: Option<String>,
    columns: isize,
    python: (u32, u32),
    deprecation_warnings_shown: bool,
}

fn gather(py: Python<'_>, argv: &Bound<'_, PyAny>) -> Result<Host, String> {
    let args: Vec<String> = argv
        .extract()
        .map_err(|_| "arguments that are not text".to_string())?;
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let alembic_config = match std::env::var("ALEMBIC_CONFIG") {
        Ok(v) => Some(v),
        Err(std::env::VarError::NotPresent) => None,
        Err(_) => return Err("ALEMBIC_CONFIG is not text".into()),
    };
    let sys = py.import("sys").map_err(|e| e.to_string())?;
    let encoding: Option<String> = sys
        .getattr("stdout")
        .and_then(|s| s.getattr("encoding"))
        .and_then(|e| e.extract())
        .ok();
    if !encoding.is_some_and(|e| matches!(e.to_lowercase().as_str(), "utf-8" | "utf8")) {
        return Err("stdout is not UTF-8".into());
    }
    let version = py.version_info();
    Ok(Host {
        args,
        cwd,
        alembic_config,
        columns: terminal_columns(py, &sys),
        python: (u32::from(version.major), u32::from(version.minor)),
        deprecation_warnings_shown: deprecation_warnings_shown(py).unwrap_or(true),
    })
}

/// `shutil.get_terminal_size().columns`: `$COLUMNS` when it is a positive integer, else
/// the terminal of `sys.__stdout__`, else 80.
fn terminal_columns(py: Python<'_>, sys: &Bound<'_, PyModule>) -> isize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| cli::columns_from_env(&v))
    {
        return columns;
    }
    let asked = || -> PyResult<isize> {
        let fd = sys.getattr("__stdout__")?.call_method0("fileno")?;
        let size = py.import("os")?.call_method1("get_terminal_size", (fd,))?;
        size.getattr("columns")?.extract()
    };
    match asked() {
        Ok(columns) if columns > 0 => columns,
        _ => 80,
    }
}

/// Would `warnings.warn(msg, DeprecationWarning)` from `alembic_rs.config` print? Walks
/// the interpreter's warning filters (`-W`, `PYTHONWARNINGS`, `-X dev` and a debug build
/// all show up there); a filter with a pattern counts as showing it.
fn deprecation_warnings_shown(py: Python<'_>) -> PyResult<bool> {
    let filters = py.import("_warnings")?.getattr("filters")?;
    let filters = filters.cast::<PyList>()?;
    let deprecation = py.get_type::<pyo3::exceptions::PyDeprecationWarning>();
    for filter in filters.iter() {
        let filter = filter.cast::<PyTuple>()?;
        let (action, message, category, module, lineno) = (
            filter.get_item(0)?,
            filter.get_item(1)?,
            filter.get_item(2)?,
            filter.get_item(3)?,
            filter.get_item(4)?,
        );
        if !deprecation.is_subclass(&category)? {
            continue;
        }
        if !message.is_none() || lineno.extract::<i64>()? != 0 {
            return Ok(true);
        }
        if !module.is_none() {
            match module.cast::<PyString>() {
                Ok(name) if name.to_str()? != "alembic_rs.config" => continue,
                Ok(_) => {}
                Err(_) => return Ok(true),
            }
        }
        return Ok(action.extract::<String>()? != "ignore");
    }
    Ok(true)
}

/// `sys.<stream>.write(text)`; a closed pipe ends the output quietly, as
/// `util.messaging.write_outstream` and argparse's `_print_message` do.
fn write(py: Python<'_>, stream: &str, text: &str) -> PyResult<()> {
    if text.is_empty() {
        return Ok(());
    }
    let written = py
        .import("sys")?
        .getattr(stream)?
        .call_method1("write", (text,));
    match written {
        Err(e) if e.is_instance_of::<PyOSError>(py) => Ok(()),
        other => other.map(|_| ()),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_read_command, m)?)?;
    Ok(())
}
