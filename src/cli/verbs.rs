//! The read-only commands as `alembic_rs.command` runs them from the CLI: the same
//! configuration lookup, script directory, revision map and output, and the same
//! `FAILED:` messages and exit statuses. Whatever would make Python do more than that
//! (a warning to print, a file to import, env.py to run, a traceback) is
//! [`Step::NotMine`].

use std::path::Path;

use super::args::{Command, Invocation};
use super::{Output, Request};
use crate::config::pytext::{posix_path_str, py_strip};
use crate::config::{AlembicConfig, AlembicOptions, IniFile, read_pyproject};
use crate::revision::format::log_entry;
use crate::revision::{CatchRevisionErrors, Node, RevIdent, RevisionError, RevisionMap};
use crate::script::{HeaderParse, load_version_locations};

/// A command's result, or the reason to leave it to Python.
pub(crate) enum Step<T> {
    Done(T),
    NotMine(String),
}

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Step::Done(v) => v,
            Step::NotMine(why) => return Step::NotMine(why),
        }
    };
}

fn not_mine<T>(why: impl Into<String>) -> Step<T> {
    Step::NotMine(why.into())
}

/// `util.err` / `util.messaging.fail`: `FAILED: <message>` on stdout (unless `--quiet`),
/// then `sys.exit(status)`.
fn failed(request: &Request<'_>, quiet: bool, message: &str, status: i32) -> Step<Output> {
    if quiet {
        return Step::Done(Output::status(status));
    }
    if request.stdin_is_terminal {
        // alembic wraps the message to the terminal's width (textwrap on any text)
        return not_mine("a FAILED message on a terminal");
    }
    Step::Done(Output {
        stdout: format!("FAILED: {message}\n"),
        stderr: String::new(),
        status,
    })
}

/// `os.path.basename`.
fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `Path(p).absolute()` as a string.
fn absolute(cwd: &Path, p: &str) -> String {
    let p = posix_path_str(p);
    if p.starts_with('/') {
        p
    } else if p == "." {
        cwd.to_string_lossy().into_owned()
    } else {
        posix_path_str(&format!("{}/{p}", cwd.to_string_lossy()))
    }
}

/// `Path(p).parent` of an absolute path, as a string.
fn parent(p: &str) -> String {
    match p.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => p[..i].to_string(),
    }
}

/// `CommandLine._inis_from_config`: the pyproject.toml and ini file names.
fn inis_from_config(
    request: &Request<'_>,
    names: &[String],
) -> Result<(String, String), &'static str> {
    let (default_toml, default_ini) = match request.alembic_config {
        Some(env) if !env.is_empty() && basename(env) == "pyproject.toml" => {
            (env.to_string(), "alembic.ini".to_string())
        }
        Some(env) if !env.is_empty() => ("pyproject.toml".to_string(), env.to_string()),
        _ => ("pyproject.toml".to_string(), "alembic.ini".to_string()),
    };
    let (mut toml, mut ini): (Option<&str>, Option<&str>) = (None, None);
    for name in names {
        if basename(name) == "pyproject.toml" {
            if toml.is_some() {
                return Err("pyproject.toml indicated more than once");
            }
            toml = Some(name);
        } else {
            if ini.is_some() {
                return Err("only one ini file may be indicated");
            }
            ini = Some(name);
        }
    }
    // `toml or default_toml`: an empty name counts as none
    let pick = |given: Option<&str>, default: String| match given {
        Some(g) if !g.is_empty() => g.to_string(),
        _ => default,
    };
    Ok((pick(toml, default_toml), pick(ini, default_ini)))
}

/// `ScriptDirectory.from_config(Config(...))` up to its revision map, as the commands
/// reach it: the options, the directory check, then (when `scan`) the map.
struct ScriptDirectory {
    options: AlembicOptions,
    dir: String,
}

/// Read the configuration the way `Config` and `ScriptDirectory.from_config` do.
fn script_directory(
    request: &Request<'_>,
    inv: &Invocation,
    ini_name: &str,
    toml_name: &str,
) -> Step<Result<ScriptDirectory, Output>> {
    let cwd = request.cwd;
    // Config.file_config: the ini read with `here` among its defaults
    let ini_path = posix_path_str(ini_name);
    let here = parent(&absolute(cwd, &ini_path));
    let ini = match IniFile::read(&ini_path, &[("here".to_string(), here)]) {
        Ok(ini) => ini,
        Err(e) => return not_mine(format!("config error: {e}")),
    };
    // Config._resolver_args: the toml, when it exists, with its own `here`
    let toml_path = posix_path_str(toml_name);
    let (toml, toml_args) = if Path::new(&toml_path).exists() {
        let here = parent(&absolute(cwd, &toml_path));
        match read_pyproject(&toml_path) {
            Ok(table) => (table, vec![("here".to_string(), here)]),
            Err(e) => return not_mine(format!("pyproject error: {e}")),
        }
    } else {
        (None, Vec::new())
    };
    let config = AlembicConfig::new(
        ini,
        Some(ini_name.to_string()),
        inv.name.clone(),
        toml,
        toml_args,
    );
    let options = match AlembicOptions::resolve(&config) {
        Ok(options) => options,
        Err(crate::config::ConfigError::Command(message)) => {
            // a CommandError from the option lookup ("No 'script_location' key found")
            return match command_failed(request, inv, &message) {
                Step::Done(out) => Step::Done(Err(out)),
                Step::NotMine(why) => Step::NotMine(why),
            };
        }
        Err(e) => return not_mine(format!("config error: {e}")),
    };
    if !options.warnings.is_empty() && request.deprecation_warnings_shown {
        return not_mine("a deprecation warning to show");
    }
    if options.script_location.is_package_resource {
        return not_mine("script_location is a package resource");
    }
    let dir = posix_path_str(&options.script_location.raw);
    // ScriptDirectory.__init__: os.access(dir, F_OK)
    if std::fs::metadata(&dir).is_err() {
        let message = format!(
            "Path doesn't exist: {dir}.  Please use the 'init' command to create a new scripts \
             folder."
        );
        return match command_failed(request, inv, &message) {
            Step::Done(out) => Step::Done(Err(out)),
            Step::NotMine(why) => Step::NotMine(why),
        };
    }
    Step::Done(Ok(ScriptDirectory { options, dir }))
}

/// A `CommandError` reaching `run_cmd`: `util.err`, exit status -1 (or a traceback with
/// `--raiseerr`, left to Python).
fn command_failed(request: &Request<'_>, inv: &Invocation, message: &str) -> Step<Output> {
    if inv.raiseerr {
        return not_mine("--raiseerr with an error");
    }
    failed(request, inv.quiet, message, -1)
}

impl ScriptDirectory {
    /// `ScriptDirectory._map`: scan, parse headers, build the graph. Anything Python would
    /// warn about, import, or raise is not ours.
    fn revision_map(&self, request: &Request<'_>) -> Step<RevisionMap> {
        let mut dirs = Vec::new();
        match &self.options.version_locations {
            Some(locations) if !locations.is_empty() => {
                for loc in locations {
                    if !loc.starts_with('/') && loc.contains(':') {
                        return not_mine("a version location is a package resource");
                    }
                    dirs.push(absolute(request.cwd, loc));
                }
            }
            _ => dirs.push(absolute(request.cwd, &format!("{}/versions", self.dir))),
        }
        let dirs: Vec<std::path::PathBuf> = dirs
            .into_iter()
            .map(std::path::PathBuf::from)
            .filter(|p| p.exists())
            .collect();
        let (loaded, warnings) = match load_version_locations(
            &dirs,
            self.options.recursive_version_locations,
            self.options.sourceless,
        ) {
            Ok(found) => found,
            Err(e) => return not_mine(format!("scan error: {e}")),
        };
        if !warnings.is_empty() {
            return not_mine("a scan warning to show");
        }
        let mut revisions = Vec::with_capacity(loaded.len());
        for item in loaded {
            let HeaderParse::Parsed(header) = item.header else {
                return not_mine(format!(
                    "{} must be imported",
                    item.item.path.to_string_lossy()
                ));
            };
            let Some(path) = item.item.path.to_str() else {
                return not_mine("a path that is not UTF-8");
            };
            match header.into_revision(path) {
                Ok(rev) => revisions.push(rev),
                Err(e) => return not_mine(format!("revision error: {e}")),
            }
        }
        match RevisionMap::new(revisions) {
            Ok(map) if map.warnings().is_empty() => Step::Done(map),
            Ok(_) => not_mine("a duplicate revision warning to show"),
            Err(e) => not_mine(format!("revision map error: {e}")),
        }
    }
}

/// A revision error inside `_catch_revision_errors()` at the command level: the
/// `CommandError` alembic prints, or not ours where Python would raise something else.
fn revision_failed(request: &Request<'_>, inv: &Invocation, err: RevisionError) -> Step<Output> {
    match err {
        RevisionError::Command(_)
        | RevisionError::Resolution { .. }
        | RevisionError::MultipleHeads { .. }
        | RevisionError::RangeNotAncestor { .. }
        | RevisionError::Other(_) => {
            let message = CatchRevisionErrors::default().apply(err).to_string();
            command_failed(request, inv, &message)
        }
        other => not_mine(format!("revision error: {other}")),
    }
}

/// Free the revision map on another thread: the process exits right after the command,
/// and freeing ten thousand revisions one string at a time is a visible part of a run.
fn drop_in_background(map: RevisionMap) {
    std::thread::spawn(move || drop(map));
}

/// `command._print_lines`: one write of the lines joined, unless `--quiet`.
fn print_lines(inv: &Invocation, lines: &[String]) -> Output {
    let mut out = Output::status(0);
    if !inv.quiet && !lines.is_empty() {
        out.stdout = lines.join("\n");
        out.stdout.push('\n');
    }
    out
}

/// Run a parsed read-only command.
pub(crate) fn run(request: &Request<'_>, inv: &Invocation) -> Step<Output> {
    let (toml_name, ini_name) = match inis_from_config(request, &inv.config) {
        Ok(names) => names,
        // raised outside run_cmd: util.messaging.fail(status=1), or a traceback
        Err(message) if inv.raiseerr => return not_mine(format!("--raiseerr: {message}")),
        Err(message) => return failed(request, inv.quiet, message, 1),
    };
    if inv.command == Command::ListTemplates {
        return list_templates(request, inv);
    }
    let script = match tri!(script_directory(request, inv, &ini_name, &toml_name)) {
        Ok(script) => script,
        Err(out) => return Step::Done(out),
    };
    match &inv.command {
        Command::Heads {
            verbose,
            resolve_dependencies,
        } => {
            let map = tri!(script.revision_map(request));
            let result = map.heads_lines(*verbose, *resolve_dependencies);
            drop_in_background(map);
            match result {
                Ok(lines) => Step::Done(print_lines(inv, &lines)),
                Err(e) => revision_failed(request, inv, e),
            }
        }
        Command::Branches { verbose } => {
            let map = tri!(script.revision_map(request));
            let result = map.branches_lines(*verbose);
            drop_in_background(map);
            match result {
                Ok(lines) => Step::Done(print_lines(inv, &lines)),
                Err(e) => revision_failed(request, inv, e),
            }
        }
        Command::History {
            rev_range,
            verbose,
            indicate_current,
        } => {
            if let Some(range) = rev_range {
                if !range.contains(':') {
                    return command_failed(
                        request,
                        inv,
                        "History range requires [start]:[end], [start]:, or :[end]",
                    );
                }
                let parts: Vec<&str> = py_strip(range).split(':').collect();
                if parts.len() != 2 {
                    return not_mine("a history range with several colons (a ValueError)");
                }
                if parts.contains(&"current") {
                    return not_mine("history of 'current' runs env.py");
                }
            }
            if *indicate_current || script.options.revision_environment {
                return not_mine("history runs env.py");
            }
            let map = tri!(script.revision_map(request));
            let result = map.history_lines(rev_range.as_deref(), *verbose, false, &[]);
            drop_in_background(map);
            match result {
                Ok(lines) => Step::Done(print_lines(inv, &lines)),
                Err(e) => revision_failed(request, inv, e),
            }
        }
        Command::Show { rev } => {
            if rev == "current" {
                return not_mine("show current runs env.py");
            }
            let map = tri!(script.revision_map(request));
            let nodes = match map.resolve(&RevIdent::str(rev.as_str())) {
                Ok(nodes) => nodes,
                Err(e) => return revision_failed(request, inv, e),
            };
            let mut out = Output::status(0);
            for node in nodes {
                let Node::Rev(i) = node else {
                    return not_mine("show of the base (a TypeError)");
                };
                if !inv.quiet {
                    // print_stdout(sc.log_entry): the entry ends with its own newline
                    out.stdout.push_str(&log_entry(map.rev(i), false));
                    out.stdout.push('\n');
                }
            }
            drop_in_background(map);
            Step::Done(out)
        }
        Command::ListTemplates => unreachable!("handled above"),
    }
}

/// `command.list_templates`: each template folder with the first line of its README.
fn list_templates(request: &Request<'_>, inv: &Invocation) -> Step<Output> {
    let Ok(entries) = std::fs::read_dir(request.templates_dir) else {
        return not_mine("no templates folder");
    };
    let mut names = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else {
            return not_mine("unreadable templates folder");
        };
        let Ok(name) = entry.file_name().into_string() else {
            return not_mine("a template name that is not UTF-8");
        };
        names.push(name);
    }
    names.sort();
    let mut text = String::from("Available templates:\n\n");
    for name in names {
        let readme = request.templates_dir.join(&name).join("README");
        if !readme.exists() {
            continue;
        }
        let Ok(content) = std::fs::read_to_string(&readme) else {
            return not_mine("an unreadable README");
        };
        // next(open(readme)): the first line in universal-newline mode, then rstrip()
        let first = content.split(['\n', '\r']).next().unwrap_or("");
        if content.is_empty() {
            return not_mine("an empty README (StopIteration)");
        }
        let synopsis = crate::config::pytext::py_rstrip(first);
        text.push_str(&format!("{name} - {synopsis}\n"));
    }
    text.push_str("\nTemplates are used via the 'init' command, e.g.:\n");
    text.push_str("\n  alembic init --template generic ./scripts\n");
    let mut out = Output::status(0);
    if !inv.quiet {
        out.stdout = text;
    }
    Step::Done(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_pathlib() {
        let cwd = Path::new("/work/proj");
        assert_eq!(absolute(cwd, "alembic.ini"), "/work/proj/alembic.ini");
        assert_eq!(absolute(cwd, "./a//b/"), "/work/proj/a/b");
        assert_eq!(absolute(cwd, ""), "/work/proj");
        assert_eq!(absolute(cwd, "/x/../y"), "/x/../y");
        assert_eq!(parent("/work/proj/alembic.ini"), "/work/proj");
        assert_eq!(parent("/alembic.ini"), "/");
        assert_eq!(basename("a/b/pyproject.toml"), "pyproject.toml");
    }
}
