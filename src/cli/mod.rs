//! The read-only verbs of the `alembic-rs` command line (`heads`, `history`, `show`,
//! `branches`, `list_templates`), served without the Python CLI.
//!
//! The console script calls [`run`] before it imports anything but the extension. An
//! argument vector is ours only when every byte of output, the exit status and the
//! errors are known to be what the Python CLI would produce: its argparse parsing
//! ([`args`]), help and usage texts ([`help`]), and the command's own work ([`verbs`]).
//! Anything else is [`Verdict::NotMine`] and the Python CLI runs as before.

mod args;
mod help;
mod textwrap;
mod verbs;

#[cfg(test)]
mod tests;

use std::path::Path;

use args::Parsed;
use help::Formatter;
use verbs::Step;

/// What the fast path needs to know about the process.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// `sys.argv[1:]`.
    pub args: &'a [String],
    /// argparse's `prog`: the base name of `sys.argv[0]`, or the one `main()` was given.
    pub prog: &'a str,
    /// `alembic_rs.__version__`, for `--version`.
    pub version: &'a str,
    /// The `init` templates folder (`Config.get_template_directory()`).
    pub templates_dir: &'a Path,
    /// `os.getcwd()`.
    pub cwd: &'a Path,
    /// `$ALEMBIC_CONFIG`.
    pub alembic_config: Option<&'a str>,
    /// `shutil.get_terminal_size().columns`: argparse wraps help and usage to it.
    pub columns: isize,
    /// The running Python's `(major, minor)`: argparse's texts vary with it.
    pub python: (u32, u32),
    /// Standard input is a terminal: alembic then wraps `FAILED:` messages to its width.
    pub stdin_is_terminal: bool,
    /// Python's warning filters would print the `DeprecationWarning`s alembic emits for
    /// old configuration keys (`-W`, `PYTHONWARNINGS`, `-X dev`).
    pub deprecation_warnings_shown: bool,
}

/// What the process prints and its exit status (`sys.exit(status)`; -1 is 255).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Output {
    fn status(status: i32) -> Output {
        Output {
            status,
            ..Output::default()
        }
    }
}

/// The fast path's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Served: write this and exit.
    Served(Output),
    /// The Python CLI must run; the reason, for `ALEMBIC_RS_FAST_PATH=explain`.
    NotMine(String),
}

/// The Python versions whose argparse texts [`help`] reproduces.
const ARGPARSE_MINORS: std::ops::RangeInclusive<u32> = 10..=13;

/// Serve `request` if it is a read-only command whose whole behaviour is known here.
pub fn run(request: &Request<'_>) -> Verdict {
    if request.python.0 != 3 || request.python.1 < 10 {
        return Verdict::NotMine("unsupported Python".into());
    }
    if !request.prog.is_ascii() {
        return Verdict::NotMine("a program name that is not ASCII".into());
    }
    let parsed = args::parse(request.args);
    let formatter = || {
        if ARGPARSE_MINORS.contains(&request.python.1) {
            Some(Formatter::new(request.columns, request.python.1))
        } else {
            None
        }
    };
    let text_output = |render: &dyn Fn(Formatter) -> Output| match formatter() {
        Some(f) if request.columns >= MIN_COLUMNS => Verdict::Served(render(f)),
        _ => Verdict::NotMine("argparse text for this Python or terminal".into()),
    };
    match parsed {
        Parsed::NotMine(why) => Verdict::NotMine(why),
        Parsed::Help(parser) => text_output(&|f| Output {
            stdout: f.help(request.prog, parser),
            ..Output::default()
        }),
        Parsed::Version => text_output(&|f| Output {
            stdout: f.version(&format!("{} {}", request.prog, request.version)),
            ..Output::default()
        }),
        Parsed::Error { parser, message } => text_output(&|f| Output {
            stderr: f.error(request.prog, parser, &message),
            status: 2,
            ..Output::default()
        }),
        Parsed::Run(invocation) => match verbs::run(request, &invocation) {
            Step::Done(output) => Verdict::Served(output),
            Step::NotMine(why) => Verdict::NotMine(why),
        },
    }
}

/// `$COLUMNS` as `shutil.get_terminal_size` reads it: `int(value)` when that is positive,
/// else `None` (the terminal is asked next).
pub fn columns_from_env(value: &str) -> Option<isize> {
    match crate::config::python_int(value) {
        Ok(columns) if columns > 0 => Some(columns as isize),
        _ => None,
    }
}

/// Below this many columns argparse's arithmetic reaches corner cases (`textwrap` with a
/// width under one raises); Python prints those.
const MIN_COLUMNS: isize = 12;
