//! The command line as `alembic_rs.cli.CommandLine` declares it with argparse, and
//! argparse's parsing of it, for the argument vectors whose meaning does not depend on the
//! Python version: exact option strings, unique `--long` prefixes, `--long=value`, plain
//! positionals. Anything else (`--`, `-abc` clusters, values that start with `-`, other
//! verbs, `-x`) is [`Parsed::NotMine`], and the Python CLI parses it.

/// What an option does when argparse meets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    /// `-h/--help`: print the parser's help and exit 0.
    Help,
    /// `--version`: print the version and exit 0.
    Version,
    /// `action="store_true"`.
    StoreTrue,
    /// A value, the last one given wins.
    Store,
    /// A value, every one kept (`action="append"`).
    Append,
}

/// One optional argument of a parser, in the order argparse registered it.
#[derive(Debug)]
pub(crate) struct OptionSpec {
    pub strings: &'static [&'static str],
    /// argparse's `dest`; its upper case is the metavar.
    pub dest: &'static str,
    pub kind: ActionKind,
    pub help: &'static str,
}

impl OptionSpec {
    pub(crate) fn takes_value(&self) -> bool {
        matches!(self.kind, ActionKind::Store | ActionKind::Append)
    }

    /// argparse's `argument_name` in errors: `-r/--rev-range`.
    fn argument_name(&self) -> String {
        self.strings.join("/")
    }
}

/// A parser: the top-level one or a verb's subparser.
#[derive(Debug)]
pub(crate) struct ParserSpec {
    /// The verb; `None` for the top-level parser.
    pub verb: Option<&'static str>,
    pub options: &'static [OptionSpec],
    /// Positional arguments (no help text); the top-level parser's command positional is
    /// described by [`COMMANDS`].
    pub positionals: &'static [&'static str],
}

const HELP: OptionSpec = OptionSpec {
    strings: &["-h", "--help"],
    dest: "help",
    kind: ActionKind::Help,
    help: "show this help message and exit",
};

const VERBOSE: OptionSpec = OptionSpec {
    strings: &["-v", "--verbose"],
    dest: "verbose",
    kind: ActionKind::StoreTrue,
    help: "Use more verbose output",
};

/// The top-level parser (`CommandLine.__init__`).
pub(crate) static TOP: ParserSpec = ParserSpec {
    verb: None,
    options: &[
        HELP,
        OptionSpec {
            strings: &["--version"],
            dest: "version",
            kind: ActionKind::Version,
            help: "show program's version number and exit",
        },
        OptionSpec {
            strings: &["-c", "--config"],
            dest: "config",
            kind: ActionKind::Append,
            help: "Alternate config file; defaults to value of ALEMBIC_CONFIG environment \
                   variable, or \"alembic.ini\". May also refer to pyproject.toml file.  May be \
                   specified twice to reference both files separately",
        },
        OptionSpec {
            strings: &["-n", "--name"],
            dest: "name",
            kind: ActionKind::Store,
            help: "Name of section in .ini file to use for Alembic config (only applies to \
                   configparser config, not toml)",
        },
        OptionSpec {
            strings: &["-x"],
            dest: "x",
            kind: ActionKind::Append,
            help: "Additional arguments consumed by custom env.py scripts, e.g. -x \
                   setting1=somesetting -x setting2=somesetting",
        },
        OptionSpec {
            strings: &["--raiseerr"],
            dest: "raiseerr",
            kind: ActionKind::StoreTrue,
            help: "Raise a full stack trace on error",
        },
        OptionSpec {
            strings: &["-q", "--quiet"],
            dest: "quiet",
            kind: ActionKind::StoreTrue,
            help: "Do not log to std output.",
        },
    ],
    positionals: &[],
};

/// Every verb of the Python CLI with its help line, in registration (alphabetical) order:
/// the choices of the top-level parser's command positional.
pub(crate) const COMMANDS: &[(&str, &str)] = &[
    ("branches", "Show current branch points."),
    ("current", "Display the current revision for a database."),
    ("downgrade", "Revert to a previous version."),
    ("edit", "Edit revision script(s) using $EDITOR."),
    (
        "ensure_version",
        "Create the alembic version table if it doesn't exist already .",
    ),
    (
        "heads",
        "Show current available heads in the script directory.",
    ),
    ("history", "List changeset scripts in chronological order."),
    ("init", "Initialize a new scripts directory."),
    ("list_templates", "List available templates."),
    (
        "merge",
        "Merge two revisions together. Creates a new migration file.",
    ),
    ("revision", "Create a new revision file."),
    ("show", "Show the revision(s) denoted by the given symbol."),
    (
        "stamp",
        "'stamp' the revision table with the given revision; don't run any migrations.",
    ),
    ("upgrade", "Upgrade to a later version."),
];

static HEADS: ParserSpec = ParserSpec {
    verb: Some("heads"),
    options: &[
        HELP,
        VERBOSE,
        OptionSpec {
            strings: &["--resolve-dependencies"],
            dest: "resolve_dependencies",
            kind: ActionKind::StoreTrue,
            help: "Treat dependency versions as down revisions",
        },
    ],
    positionals: &[],
};

static HISTORY: ParserSpec = ParserSpec {
    verb: Some("history"),
    options: &[
        HELP,
        OptionSpec {
            strings: &["-r", "--rev-range"],
            dest: "rev_range",
            kind: ActionKind::Store,
            help: "Specify a revision range; format is [start]:[end]",
        },
        VERBOSE,
        OptionSpec {
            strings: &["-i", "--indicate-current"],
            dest: "indicate_current",
            kind: ActionKind::StoreTrue,
            help: "Indicate the current revision",
        },
    ],
    positionals: &[],
};

static SHOW: ParserSpec = ParserSpec {
    verb: Some("show"),
    options: &[HELP],
    positionals: &["rev"],
};

static BRANCHES: ParserSpec = ParserSpec {
    verb: Some("branches"),
    options: &[HELP, VERBOSE],
    positionals: &[],
};

static LIST_TEMPLATES: ParserSpec = ParserSpec {
    verb: Some("list_templates"),
    options: &[HELP],
    positionals: &[],
};

/// The subparsers of the verbs served here.
static VERBS: [&ParserSpec; 5] = [&BRANCHES, &HEADS, &HISTORY, &LIST_TEMPLATES, &SHOW];

/// A read-only command with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    Heads {
        verbose: bool,
        resolve_dependencies: bool,
    },
    History {
        rev_range: Option<String>,
        verbose: bool,
        indicate_current: bool,
    },
    Show {
        rev: String,
    },
    Branches {
        verbose: bool,
    },
    ListTemplates,
}

/// The parsed command line of a read-only command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invocation {
    /// `-c/--config`, each occurrence.
    pub config: Vec<String>,
    /// `-n/--name`.
    pub name: String,
    pub raiseerr: bool,
    pub quiet: bool,
    pub command: Command,
}

/// What argparse (and `CommandLine.main`) make of an argument vector.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// `-h/--help` of this parser: its help on stdout, exit 0.
    Help(&'static ParserSpec),
    /// `--version`: exit 0.
    Version,
    /// `parser.error(message)`: usage and message on stderr, exit 2.
    Error {
        parser: &'static ParserSpec,
        message: String,
    },
    /// A command to run.
    Run(Invocation),
    /// Left to the Python CLI, with the reason.
    NotMine(String),
}

/// How argparse classifies one argument string for a parser.
enum Token<'a> {
    /// An option, with the value given after `=`.
    Option(&'static OptionSpec, Option<&'a str>),
    /// A positional value (argparse's `'A'`).
    Positional(&'a str),
    /// A form whose handling varies between Python versions, or an unknown option.
    Unsupported,
}

fn classify<'a>(parser: &'static ParserSpec, arg: &'a str) -> Token<'a> {
    // "-" alone and anything without a leading dash are positionals
    if !arg.starts_with('-') || arg == "-" {
        return Token::Positional(arg);
    }
    if let Some(spec) = find_exact(parser, arg) {
        return Token::Option(spec, None);
    }
    let Some(long) = arg.strip_prefix("--") else {
        // "-abc": clusters and attached values; negative numbers
        return Token::Unsupported;
    };
    let (name, value) = match long.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (long, None),
    };
    if name.is_empty() || value == Some("") {
        return Token::Unsupported;
    }
    let option = format!("--{name}");
    if let Some(spec) = find_exact(parser, &option) {
        return Token::Option(spec, value);
    }
    // a unique prefix of a long option (allow_abbrev)
    let mut matches = parser
        .options
        .iter()
        .filter(|o| o.strings.iter().any(|s| s.starts_with(&option)));
    match (matches.next(), matches.next()) {
        (Some(spec), None) => Token::Option(spec, value),
        _ => Token::Unsupported,
    }
}

fn find_exact(parser: &'static ParserSpec, arg: &str) -> Option<&'static OptionSpec> {
    parser.options.iter().find(|o| o.strings.contains(&arg))
}

/// The values given to a parser's options, by `dest`.
#[derive(Default)]
struct Values {
    flags: Vec<&'static str>,
    stored: Vec<(&'static str, String)>,
}

impl Values {
    fn flag(&self, dest: &str) -> bool {
        self.flags.contains(&dest)
    }

    fn last(&self, dest: &str) -> Option<String> {
        self.stored
            .iter()
            .rev()
            .find(|(d, _)| *d == dest)
            .map(|(_, v)| v.clone())
    }

    fn all(&self, dest: &str) -> Vec<String> {
        self.stored
            .iter()
            .filter(|(d, _)| *d == dest)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One step of argparse's consume loop for an option: `Ok(next index)` or what to stop with.
fn consume_option(
    parser: &'static ParserSpec,
    args: &[String],
    i: usize,
    spec: &'static OptionSpec,
    explicit: Option<&str>,
    values: &mut Values,
) -> Result<usize, Parsed> {
    match spec.kind {
        _ if explicit.is_some() && !spec.takes_value() => Err(Parsed::NotMine(format!(
            "explicit argument to {}",
            spec.strings[0]
        ))),
        ActionKind::Help => Err(Parsed::Help(parser)),
        ActionKind::Version => Err(Parsed::Version),
        ActionKind::StoreTrue => {
            values.flags.push(spec.dest);
            Ok(i + 1)
        }
        ActionKind::Store | ActionKind::Append => {
            if let Some(value) = explicit {
                values.stored.push((spec.dest, value.to_string()));
                return Ok(i + 1);
            }
            let expected = || Parsed::Error {
                parser,
                message: format!("argument {}: expected one argument", spec.argument_name()),
            };
            let Some(next) = args.get(i + 1) else {
                return Err(expected());
            };
            match classify(parser, next) {
                Token::Positional(value) => {
                    values.stored.push((spec.dest, value.to_string()));
                    Ok(i + 2)
                }
                Token::Option(..) => Err(expected()),
                Token::Unsupported => Err(Parsed::NotMine(format!(
                    "value of {} starts with '-'",
                    spec.strings[0]
                ))),
            }
        }
    }
}

/// Parse `args` (without the program name) as `CommandLine.main` does.
pub(crate) fn parse(args: &[String]) -> Parsed {
    // argparse classifies every string with the top-level parser first; Python 3.11 fails
    // on an ambiguous "--=..." there even when it belongs to a verb
    if let Some(odd) = args.iter().find(|a| *a == "--" || a.starts_with("--=")) {
        return Parsed::NotMine(format!("argument {odd:?}"));
    }
    let mut top = Values::default();
    let mut i = 0;
    let mut verb = None;
    while i < args.len() {
        match classify(&TOP, &args[i]) {
            Token::Unsupported => {
                return Parsed::NotMine(format!("option {:?}", args[i]));
            }
            Token::Positional(name) => {
                verb = Some(name);
                break;
            }
            Token::Option(spec, explicit) => {
                if spec.dest == "x" {
                    return Parsed::NotMine("-x is for env.py".into());
                }
                match consume_option(&TOP, args, i, spec, explicit, &mut top) {
                    Ok(next) => i = next,
                    Err(stop) => return stop,
                }
            }
        }
    }
    let Some(verb) = verb else {
        return Parsed::Error {
            parser: &TOP,
            message: "too few arguments".into(),
        };
    };
    let Some(&sub) = VERBS.iter().find(|p| p.verb == Some(verb)) else {
        return Parsed::NotMine(format!("command {verb:?}"));
    };
    let mut values = Values::default();
    let mut positionals: Vec<String> = Vec::new();
    let mut extras: Vec<String> = Vec::new();
    let rest = &args[i + 1..];
    let mut j = 0;
    while j < rest.len() {
        match classify(sub, &rest[j]) {
            Token::Unsupported => {
                return Parsed::NotMine(format!("{verb} option {:?}", rest[j]));
            }
            Token::Positional(value) => {
                if positionals.len() < sub.positionals.len() {
                    positionals.push(value.to_string());
                } else {
                    extras.push(value.to_string());
                }
                j += 1;
            }
            Token::Option(spec, explicit) => {
                match consume_option(sub, rest, j, spec, explicit, &mut values) {
                    Ok(next) => j = next,
                    Err(stop) => return stop,
                }
            }
        }
    }
    if positionals.len() < sub.positionals.len() {
        return Parsed::Error {
            parser: sub,
            message: format!(
                "the following arguments are required: {}",
                sub.positionals[positionals.len()..].join(", ")
            ),
        };
    }
    if !extras.is_empty() {
        return Parsed::Error {
            parser: &TOP,
            message: format!("unrecognized arguments: {}", extras.join(" ")),
        };
    }
    let command = match verb {
        "heads" => Command::Heads {
            verbose: values.flag("verbose"),
            resolve_dependencies: values.flag("resolve_dependencies"),
        },
        "history" => Command::History {
            rev_range: values.last("rev_range"),
            verbose: values.flag("verbose"),
            indicate_current: values.flag("indicate_current"),
        },
        "show" => Command::Show {
            rev: positionals.remove(0),
        },
        "branches" => Command::Branches {
            verbose: values.flag("verbose"),
        },
        _ => Command::ListTemplates,
    };
    Parsed::Run(Invocation {
        config: top.all("config"),
        name: top.last("name").unwrap_or_else(|| "alembic".to_string()),
        raiseerr: top.flag("raiseerr"),
        quiet: top.flag("quiet"),
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Parsed {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_like_argparse() {
        let Parsed::Run(inv) = run(&[
            "-c",
            "a.ini",
            "--conf=b.toml",
            "-q",
            "history",
            "--rev=x:",
            "--verb",
        ]) else {
            panic!("not run");
        };
        assert_eq!(inv.config, ["a.ini", "b.toml"]);
        assert!(inv.quiet && !inv.raiseerr);
        assert_eq!(
            inv.command,
            Command::History {
                rev_range: Some("x:".into()),
                verbose: true,
                indicate_current: false
            }
        );
        let Parsed::Run(inv) = run(&["-n", "other", "-n", "last", "show", "-"]) else {
            panic!("not run");
        };
        assert_eq!(inv.name, "last");
        assert_eq!(inv.command, Command::Show { rev: "-".into() });
    }

    #[test]
    fn errors_and_help() {
        assert!(
            matches!(run(&[]), Parsed::Error { message, .. } if message == "too few arguments")
        );
        assert!(matches!(run(&["show"]), Parsed::Error { parser, message }
            if parser.verb == Some("show") && message == "the following arguments are required: rev"));
        assert!(
            matches!(run(&["heads", "a", "b"]), Parsed::Error { parser, message }
            if parser.verb.is_none() && message == "unrecognized arguments: a b")
        );
        assert!(
            matches!(run(&["history", "-r"]), Parsed::Error { message, .. }
            if message == "argument -r/--rev-range: expected one argument")
        );
        assert!(matches!(
            run(&["history", "-r", "-v"]),
            Parsed::Error { .. }
        ));
        assert!(matches!(run(&["-c"]), Parsed::Error { parser, .. } if parser.verb.is_none()));
        assert!(matches!(run(&["heads", "x", "--he"]), Parsed::Help(p) if p.verb == Some("heads")));
        assert!(matches!(run(&["-q", "--help", "heads"]), Parsed::Help(p) if p.verb.is_none()));
        assert!(matches!(run(&["--vers"]), Parsed::Version));
    }

    #[test]
    fn leaves_version_dependent_forms_to_python() {
        for args in [
            &["-x", "a=b", "heads"][..],
            &["heads", "--bogus"],
            &["history", "-r", "-2:"],
            &["history", "-r-2:"],
            &["-qc", "x", "heads"],
            &["heads", "--", "x"],
            &["heads", "--verbose=1"],
            &["upgrade", "head"],
            &["nonsense"],
            &["show", "-1"],
            &["heads", "--=x"],
        ] {
            assert!(matches!(run(args), Parsed::NotMine(_)), "{args:?}");
        }
    }
}
