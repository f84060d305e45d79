//! argparse's `HelpFormatter` for the parsers of [`super::args`]: usage lines, `--help`,
//! `--version` and error texts, byte for byte as Python 3.10 to 3.13 print them for a
//! terminal `columns` wide (`shutil.get_terminal_size().columns`).
//!
//! Two things differ between those versions, and [`Formatter::minor`] selects them:
//! from 3.13 an option with a value reads `-c, --config CONFIG` (before: `-c CONFIG,
//! --config CONFIG`) and the usage keeps `{verbs} ...` together as one wrappable part;
//! 3.13 also measures the verbs listed under the command positional at their own indent.

use super::args::{COMMANDS, OptionSpec, ParserSpec};
use super::textwrap;

/// A `HelpFormatter` for one terminal width and Python version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Formatter {
    /// `columns - 2`, as argparse computes it (may be small or negative).
    width: isize,
    /// Python's minor version (3.`minor`).
    minor: u32,
}

/// One argparse action as the formatter sees it.
struct Action {
    option_strings: Vec<&'static str>,
    /// The metavar of a value (`CONFIG`), or a positional's name.
    metavar: String,
    takes_value: bool,
    help: Option<&'static str>,
    /// The verbs under the top-level command positional: `(name, help)`.
    subactions: &'static [(&'static str, &'static str)],
    /// The top-level command positional (`nargs=PARSER`: `{verbs} ...` in usage).
    is_parser: bool,
}

impl Action {
    fn from_option(spec: &OptionSpec) -> Action {
        Action {
            option_strings: spec.strings.to_vec(),
            metavar: spec.dest.to_uppercase(),
            takes_value: spec.takes_value(),
            help: Some(spec.help),
            subactions: &[],
            is_parser: false,
        }
    }

    fn positional(name: &str) -> Action {
        Action {
            option_strings: Vec::new(),
            metavar: name.to_string(),
            takes_value: true,
            help: None,
            subactions: &[],
            is_parser: false,
        }
    }

    fn commands() -> Action {
        let names: Vec<&str> = COMMANDS.iter().map(|(name, _)| *name).collect();
        Action {
            option_strings: Vec::new(),
            metavar: format!("{{{}}}", names.join(",")),
            takes_value: true,
            help: None,
            subactions: COMMANDS,
            is_parser: true,
        }
    }
}

/// The parser's optionals and positionals, in argparse's order.
fn actions(parser: &ParserSpec) -> (Vec<Action>, Vec<Action>) {
    let optionals = parser.options.iter().map(Action::from_option).collect();
    let positionals = if parser.verb.is_none() {
        vec![Action::commands()]
    } else {
        parser
            .positionals
            .iter()
            .map(|p| Action::positional(p))
            .collect()
    };
    (optionals, positionals)
}

fn len(s: &str) -> isize {
    s.chars().count() as isize
}

fn spaces(n: isize) -> String {
    " ".repeat(n.max(0) as usize)
}

/// argparse's `%(prog)s` of a subparser: the parent's prog and the verb.
pub(crate) fn parser_prog(prog: &str, parser: &ParserSpec) -> String {
    match parser.verb {
        Some(verb) => format!("{prog} {verb}"),
        None => prog.to_string(),
    }
}

impl Formatter {
    /// A formatter for a terminal `columns` wide, as Python 3.`minor` formats.
    pub(crate) fn new(columns: isize, minor: u32) -> Formatter {
        Formatter {
            width: columns - 2,
            minor,
        }
    }

    fn max_help_position(&self) -> isize {
        (self.width - 20).clamp(4, 24)
    }

    /// `_format_action_invocation`.
    fn invocation(&self, action: &Action) -> String {
        if action.option_strings.is_empty() {
            action.metavar.clone()
        } else if !action.takes_value {
            action.option_strings.join(", ")
        } else if self.minor >= 13 {
            format!("{} {}", action.option_strings.join(", "), action.metavar)
        } else {
            action
                .option_strings
                .iter()
                .map(|s| format!("{s} {}", action.metavar))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// The wrappable usage parts of some actions.
    fn usage_parts(&self, actions: &[Action]) -> Vec<String> {
        let mut parts = Vec::new();
        for action in actions {
            if let Some(first) = action.option_strings.first() {
                if action.takes_value {
                    parts.push(format!("[{first} {}]", action.metavar));
                } else {
                    parts.push(format!("[{first}]"));
                }
            } else if action.is_parser {
                if self.minor >= 13 {
                    parts.push(format!("{} ...", action.metavar));
                } else {
                    parts.push(action.metavar.clone());
                    parts.push("...".to_string());
                }
            } else {
                parts.push(action.metavar.clone());
            }
        }
        parts
    }

    /// `_format_usage` with the `usage: ` prefix, ending in `"\n\n"`.
    fn usage_block(&self, prog: &str, parser: &ParserSpec) -> String {
        let prefix = "usage: ";
        let (optionals, positionals) = actions(parser);
        let opt_parts = self.usage_parts(&optionals);
        let pos_parts = self.usage_parts(&positionals);
        let action_usage = opt_parts
            .iter()
            .chain(&pos_parts)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let mut usage = if action_usage.is_empty() {
            prog.to_string()
        } else {
            format!("{prog} {action_usage}")
        };
        let text_width = self.width;
        if len(prefix) + len(&usage) > text_width {
            let get_lines = |parts: &[String], indent: &str, prefix: Option<&str>| {
                let mut lines: Vec<String> = Vec::new();
                let mut line: Vec<&str> = Vec::new();
                let indent_length = len(indent);
                let mut line_len = match prefix {
                    Some(p) => len(p) - 1,
                    None => indent_length - 1,
                };
                for part in parts {
                    if line_len + 1 + len(part) > text_width && !line.is_empty() {
                        lines.push(format!("{indent}{}", line.join(" ")));
                        line.clear();
                        line_len = indent_length - 1;
                    }
                    line.push(part);
                    line_len += len(part) + 1;
                }
                if !line.is_empty() {
                    lines.push(format!("{indent}{}", line.join(" ")));
                }
                if prefix.is_some() {
                    lines[0] = lines[0].chars().skip(indent_length as usize).collect();
                }
                lines
            };
            let with_prog = |parts: &[String]| {
                let mut all = vec![prog.to_string()];
                all.extend(parts.iter().cloned());
                all
            };
            let lines = if 4 * (len(prefix) + len(prog)) <= 3 * text_width {
                // a short prog: follow it with optionals or positionals
                let indent = spaces(len(prefix) + len(prog) + 1);
                if !opt_parts.is_empty() {
                    let mut lines = get_lines(&with_prog(&opt_parts), &indent, Some(prefix));
                    lines.extend(get_lines(&pos_parts, &indent, None));
                    lines
                } else if !pos_parts.is_empty() {
                    get_lines(&with_prog(&pos_parts), &indent, Some(prefix))
                } else {
                    vec![prog.to_string()]
                }
            } else {
                // a long prog: on its own line
                let indent = spaces(len(prefix));
                let all: Vec<String> = opt_parts.iter().chain(&pos_parts).cloned().collect();
                let mut lines = get_lines(&all, &indent, None);
                if lines.len() > 1 {
                    lines = get_lines(&opt_parts, &indent, None);
                    lines.extend(get_lines(&pos_parts, &indent, None));
                }
                let mut out = vec![prog.to_string()];
                out.extend(lines);
                out
            };
            usage = lines.join("\n");
        }
        format!("{prefix}{usage}\n\n")
    }

    /// The length argparse reserves for an action's invocation (`add_argument`), at the
    /// section indent of 2.
    fn action_length(&self, action: &Action) -> isize {
        let own = len(&self.invocation(action)) + 2;
        let sub_indent = if self.minor >= 13 { 4 } else { 2 };
        action
            .subactions
            .iter()
            .map(|(name, _)| len(name) + sub_indent)
            .fold(own, isize::max)
    }

    /// `_format_action`: an action's help entry at `indent`.
    fn format_action(
        &self,
        out: &mut String,
        invocation: &str,
        help: Option<&str>,
        indent: isize,
        help_position: isize,
    ) {
        let help_width = (self.width - help_position).max(11);
        let action_width = help_position - indent - 2;
        let help = help.filter(|h| !h.trim().is_empty());
        let indent_first = match help {
            None => {
                out.push_str(&format!("{}{invocation}\n", spaces(indent)));
                return;
            }
            Some(_) if len(invocation) <= action_width => {
                let pad = spaces(action_width - len(invocation));
                out.push_str(&format!("{}{invocation}{pad}  ", spaces(indent)));
                0
            }
            Some(_) => {
                out.push_str(&format!("{}{invocation}\n", spaces(indent)));
                help_position
            }
        };
        let text = help
            .unwrap_or_default()
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let lines = textwrap::wrap(&text, help_width as usize, "", "");
        for (k, line) in lines.iter().enumerate() {
            let pad = if k == 0 { indent_first } else { help_position };
            out.push_str(&format!("{}{line}\n", spaces(pad)));
        }
    }

    /// `parser.format_help()`.
    pub(crate) fn help(&self, prog: &str, parser: &ParserSpec) -> String {
        let prog = parser_prog(prog, parser);
        let (optionals, positionals) = actions(parser);
        let max_length = optionals
            .iter()
            .chain(&positionals)
            .map(|a| self.action_length(a))
            .max()
            .unwrap_or(0);
        let help_position = (max_length + 2).min(self.max_help_position());
        let mut text = self.usage_block(&prog, parser);
        for (heading, group) in [
            ("positional arguments", &positionals),
            ("options", &optionals),
        ] {
            if group.is_empty() {
                continue;
            }
            let mut items = String::new();
            for action in group.iter() {
                self.format_action(
                    &mut items,
                    &self.invocation(action),
                    action.help,
                    2,
                    help_position,
                );
                for (name, help) in action.subactions {
                    self.format_action(&mut items, name, Some(help), 4, help_position);
                }
            }
            text.push_str(&format!("\n{heading}:\n{items}\n"));
        }
        finish(&text)
    }

    /// `parser.format_usage()`: the usage lines alone.
    pub(crate) fn usage(&self, prog: &str, parser: &ParserSpec) -> String {
        finish(&self.usage_block(&parser_prog(prog, parser), parser))
    }

    /// What `parser.error(message)` writes to stderr.
    pub(crate) fn error(&self, prog: &str, parser: &ParserSpec, message: &str) -> String {
        format!(
            "{}{}: error: {message}\n",
            self.usage(prog, parser),
            parser_prog(prog, parser)
        )
    }

    /// What the `--version` action writes to stdout: `text` filled to the width.
    pub(crate) fn version(&self, text: &str) -> String {
        let width = self.width.max(11) as usize;
        let text = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
        finish(&format!("{}\n\n", textwrap::fill(&text, width, "", "")))
    }
}

/// `HelpFormatter.format_help`'s last step: runs of blank lines collapsed, one final newline.
fn finish(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines > 0 {
            out.push_str(if newlines >= 2 { "\n\n" } else { "\n" });
            newlines = 0;
        }
        out.push(c);
    }
    let trimmed = out.trim_start_matches('\n');
    format!("{trimmed}\n")
}

#[cfg(test)]
mod tests {
    use super::super::args::TOP;
    use super::*;

    #[test]
    fn top_level_usage_at_80_columns() {
        // Python 3.11, COLUMNS=80
        let want = "usage: alembic-rs [-h] [--version] [-c CONFIG] [-n NAME] [-x X] [--raiseerr]\n                  [-q]\n                  {branches,current,downgrade,edit,ensure_version,heads,history,init,list_templates,merge,revision,show,stamp,upgrade}\n                  ...\n";
        assert_eq!(Formatter::new(80, 11).usage("alembic-rs", &TOP), want);
    }

    #[test]
    fn version_text() {
        assert_eq!(
            Formatter::new(80, 11).version("alembic-rs 0.1.0"),
            "alembic-rs 0.1.0\n"
        );
        assert_eq!(
            Formatter::new(5, 11).version("alembic-rs 0.1.0"),
            "alembic-rs\n0.1.0\n"
        );
    }
}
