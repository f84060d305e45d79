//! Text of revisions as alembic prints them (`Script.cmd_format`, `log_entry`,
//! `_head_only`, `__str__`) and of the `heads`, `branches`, `history` and `show`
//! commands.
//!
//! The `*_lines` functions return one string per `config.print_stdout()` call that
//! alembic makes; a string may hold several lines. Print each followed by `"\n"`.

use super::map::{Node, RevIdent, RevisionMap};
use super::{Revision, RevisionError};

/// Flags of `Script._head_only` / `cmd_format`.
#[derive(Debug, Clone, Copy)]
pub struct FormatOptions {
    pub verbose: bool,
    pub include_branches: bool,
    pub include_doc: bool,
    pub include_parents: bool,
    pub tree_indicators: bool,
    /// `_db_current_indicator`: mark the revision `(current)`.
    pub current: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            verbose: false,
            include_branches: false,
            include_doc: false,
            include_parents: false,
            tree_indicators: true,
            current: false,
        }
    }
}

/// `Script._format_down_revision`.
pub fn format_down_revision(rev: &Revision) -> String {
    let mut out = String::new();
    push_down_revision(&mut out, rev);
    out
}

/// [`format_down_revision`] appended to `out`.
fn push_down_revision(out: &mut String, rev: &Revision) {
    if rev.down_revisions.is_empty() {
        out.push_str("<base>");
    } else {
        push_joined(out, &rev.down_revisions);
    }
}

/// `", ".join(items)` appended to `out`.
fn push_joined<S: AsRef<str>>(out: &mut String, items: &[S]) {
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        out.push_str(item.as_ref());
    }
}

/// `Script.log_entry` (ends with a newline, as alembic's does).
pub fn log_entry(rev: &Revision, current: bool) -> String {
    let mut entry = String::with_capacity(128 + rev.path.len() + rev.longdoc.len());
    entry.push_str("Rev: ");
    entry.push_str(&rev.revision);
    if rev.is_head() {
        entry.push_str(" (head)");
    }
    if rev.is_branch_point() {
        entry.push_str(" (branchpoint)");
    }
    if rev.is_merge_point() {
        entry.push_str(" (mergepoint)");
    }
    if current {
        entry.push_str(" (current)");
    }
    entry.push_str(if rev.is_merge_point() {
        "\nMerges: "
    } else {
        "\nParent: "
    });
    push_down_revision(&mut entry, rev);
    entry.push('\n');
    if !rev.dependencies.is_empty() {
        entry.push_str("Also depends on: ");
        push_joined(&mut entry, &rev.dependencies);
        entry.push('\n');
    }
    if rev.is_branch_point() {
        entry.push_str("Branches into: ");
        push_joined(&mut entry, &rev.nextrev);
        entry.push('\n');
    }
    if !rev.branch_labels.is_empty() {
        entry.push_str("Branch names: ");
        push_joined(&mut entry, &rev.branch_labels);
        entry.push('\n');
    }
    entry.push_str("Path: ");
    entry.push_str(&rev.path);
    entry.push_str("\n\n");
    for (k, para) in py_splitlines(&rev.longdoc).into_iter().enumerate() {
        if k > 0 {
            entry.push('\n');
        }
        entry.push_str("    ");
        entry.push_str(para);
    }
    entry.push('\n');
    entry
}

/// `str(Script)`: `down -> rev (head), doc`.
pub fn script_str(rev: &Revision) -> String {
    format!(
        "{} -> {}{}{}{}, {}",
        format_down_revision(rev),
        rev.revision,
        if rev.is_head() { " (head)" } else { "" },
        if rev.is_branch_point() {
            " (branchpoint)"
        } else {
            ""
        },
        if rev.is_merge_point() {
            " (mergepoint)"
        } else {
            ""
        },
        rev.doc()
    )
}

/// `Script._head_only` (with `head_indicators=True`).
pub fn head_only(rev: &Revision, opts: &FormatOptions) -> String {
    let mut text = String::with_capacity(64);
    if opts.include_parents {
        push_down_revision(&mut text, rev);
        if !rev.dependencies.is_empty() {
            text.push_str(" (");
            push_joined(&mut text, &rev.dependencies);
            text.push(')');
        }
        text.push_str(" -> ");
    }
    text.push_str(&rev.revision);
    if opts.include_branches && !rev.branch_labels.is_empty() {
        text.push_str(" (");
        push_joined(&mut text, &rev.branch_labels);
        text.push(')');
    }
    if rev.is_real_head() {
        text.push_str(" (head)");
    }
    if rev.is_head() && !rev.is_real_head() {
        text.push_str(" (effective head)");
    }
    if opts.current {
        text.push_str(" (current)");
    }
    if opts.tree_indicators {
        if rev.is_branch_point() {
            text.push_str(" (branchpoint)");
        }
        if rev.is_merge_point() {
            text.push_str(" (mergepoint)");
        }
    }
    if opts.include_doc {
        text.push_str(", ");
        text.push_str(rev.doc());
    }
    text
}

/// `Script.cmd_format`.
pub fn cmd_format(rev: &Revision, opts: &FormatOptions) -> String {
    if opts.verbose {
        log_entry(rev, opts.current)
    } else {
        head_only(rev, opts)
    }
}

/// Python's `str.splitlines()` for the line breaks a docstring may hold.
fn py_splitlines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if is_break {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
            if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                chars.next();
                start += 1;
            }
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn python_attr_error(node: Node) -> RevisionError {
    let ty = if node == Node::Base {
        "str"
    } else {
        "NoneType"
    };
    RevisionError::Command(format!("'{ty}' object has no attribute 'log_entry'"))
}

impl RevisionMap {
    /// `alembic heads [-v] [--resolve-dependencies]`.
    pub fn heads_lines(
        &self,
        verbose: bool,
        resolve_dependencies: bool,
    ) -> Result<Vec<String>, RevisionError> {
        let ident = if resolve_dependencies {
            RevIdent::str("heads")
        } else {
            RevIdent::Tuple(self.heads().to_vec())
        };
        let nodes = self
            .resolve(&ident)
            .map_err(RevisionError::into_command_error)?;
        let opts = FormatOptions {
            verbose,
            include_branches: true,
            tree_indicators: false,
            ..Default::default()
        };
        Ok(RevisionMap::rev_indices(&nodes)
            .into_iter()
            .map(|i| cmd_format(self.rev(i), &opts))
            .collect())
    }

    /// `alembic branches [-v]`.
    pub fn branches_lines(&self, verbose: bool) -> Result<Vec<String>, RevisionError> {
        let mut out = Vec::new();
        for sc in self.walk_revisions("base", "heads")? {
            if !sc.is_branch_point() {
                continue;
            }
            let head = cmd_format(
                sc,
                &FormatOptions {
                    verbose,
                    include_branches: true,
                    ..Default::default()
                },
            );
            let indent = " ".repeat(sc.revision.chars().count());
            let children: Vec<String> = sc
                .nextrev
                .iter()
                .map(|child| {
                    let child = self.rev(self.idx(child).expect("nextrev is in the map"));
                    let text = head_only(
                        child,
                        &FormatOptions {
                            include_branches: true,
                            include_doc: verbose,
                            ..Default::default()
                        },
                    );
                    format!("{indent} -> {text}")
                })
                .collect();
            out.push(format!("{}\n{}\n", head, children.join("\n")));
        }
        Ok(out)
    }

    /// `alembic history [-r range] [-v] [-i]`. `currents` are the database heads: used
    /// for `current` in the range and, with `indicate_current`, for the marker.
    pub fn history_lines(
        &self,
        range: Option<&str>,
        verbose: bool,
        indicate_current: bool,
        currents: &[String],
    ) -> Result<Vec<String>, RevisionError> {
        let (base, head) = match range {
            None => (None, None),
            Some(r) => {
                if !r.contains(':') {
                    return Err(RevisionError::Command(
                        "History range requires [start]:[end], [start]:, or :[end]".into(),
                    ));
                }
                let parts: Vec<&str> = r.trim().split(':').collect();
                if parts.len() != 2 {
                    return Err(RevisionError::Command(format!(
                        "too many values to unpack (expected 2, got {})",
                        parts.len()
                    )));
                }
                (Some(parts[0]), Some(parts[1]))
            }
        };
        let current_ident = RevIdent::Tuple(currents.to_vec());
        let as_ident = |v: Option<&str>, default: &str| -> RevIdent {
            match v {
                Some(s) if !s.is_empty() => RevIdent::str(s),
                _ => RevIdent::str(default),
            }
        };
        let (base_id, head_id) = if head == Some("current") {
            let h = if currents.is_empty() {
                RevIdent::str("heads")
            } else {
                current_ident
            };
            (as_ident(base, "base"), h)
        } else if base == Some("current") {
            let b = if currents.is_empty() {
                RevIdent::str("base")
            } else {
                current_ident
            };
            (b, as_ident(head, "heads"))
        } else {
            (as_ident(base, "base"), as_ident(head, "heads"))
        };
        let revs = self.walk_revisions_ident(&base_id, &head_id)?;
        Ok(revs
            .into_iter()
            .map(|sc| {
                cmd_format(
                    sc,
                    &FormatOptions {
                        verbose,
                        include_branches: true,
                        include_doc: true,
                        include_parents: true,
                        tree_indicators: true,
                        current: indicate_current && currents.contains(&sc.revision),
                    },
                )
            })
            .collect())
    }

    /// `alembic show <rev>` (for `show current`, use [`RevisionMap::show_heads_lines`]).
    pub fn show_lines(&self, rev: &str) -> Result<Vec<String>, RevisionError> {
        self.show_ident_lines(&RevIdent::str(rev))
    }

    /// `alembic show current`, given the database heads.
    pub fn show_heads_lines(&self, heads: &[String]) -> Result<Vec<String>, RevisionError> {
        self.show_ident_lines(&RevIdent::Tuple(heads.to_vec()))
    }

    fn show_ident_lines(&self, ident: &RevIdent) -> Result<Vec<String>, RevisionError> {
        let nodes = self
            .resolve(ident)
            .map_err(RevisionError::into_command_error)?;
        nodes
            .into_iter()
            .map(|n| match n {
                Node::Rev(i) => Ok(log_entry(self.rev(i), false)),
                other => Err(python_attr_error(other)),
            })
            .collect()
    }

    /// `alembic current [-v]`: one entry per branch head the database is at.
    pub fn current_lines(
        &self,
        heads: &[String],
        verbose: bool,
    ) -> Result<Vec<String>, RevisionError> {
        let revs = self
            .get_all_current(heads)
            .map_err(RevisionError::into_command_error)?;
        Ok(revs
            .into_iter()
            .map(|r| {
                cmd_format(
                    r,
                    &FormatOptions {
                        verbose,
                        ..Default::default()
                    },
                )
            })
            .collect())
    }
}
