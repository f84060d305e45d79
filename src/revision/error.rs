//! `RevisionError`: alembic's revision exception family, messages word for word.

/// Errors of the revision graph. Each variant maps to the alembic exception class of
/// the same name; `Display` is alembic's message text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevisionError {
    /// `ResolutionError`: an identifier that names no revision (or several).
    #[error("{message}")]
    Resolution { message: String, argument: String },
    /// `MultipleHeads`: a singular target (`head`) that resolved to several heads.
    #[error("Multiple heads are present for given argument '{argument}'; {}", heads.join(", "))]
    MultipleHeads {
        heads: Vec<String>,
        argument: String,
    },
    /// `RangeNotAncestorError`; `lower`/`upper` hold Python's `str()` of the values,
    /// `None` when the value was falsy (rendered as `base`).
    #[error(
        "Revision {} is not an ancestor of revision {}",
        lower.as_deref().unwrap_or("base"),
        upper.as_deref().unwrap_or("base")
    )]
    RangeNotAncestor {
        lower: Option<String>,
        upper: Option<String>,
    },
    /// `CycleDetected`.
    #[error("Cycle is detected in revisions ({})", revisions.join(", "))]
    CycleDetected { revisions: Vec<String> },
    /// `DependencyCycleDetected`.
    #[error("Dependency cycle is detected in revisions ({})", revisions.join(", "))]
    DependencyCycleDetected { revisions: Vec<String> },
    /// `LoopDetected`: a revision is its own `down_revision`.
    #[error("Self-loop is detected in revisions ({revision})")]
    LoopDetected { revision: String },
    /// `DependencyLoopDetected`: a revision depends on itself.
    #[error("Dependency self-loop is detected in revisions ({revision})")]
    DependencyLoopDetected { revision: String },
    /// A `down_revision` or `depends_on` naming no revision. alembic warns (for a
    /// down revision) and then fails with `KeyError: '<key>'`; `Display` is that repr.
    #[error("'{key}'")]
    MissingRevision {
        key: String,
        warning: Option<String>,
    },
    /// A plain `RevisionError` with its message.
    #[error("{0}")]
    Other(String),
    /// Where alembic fails a bare `assert` (a traceback ending in an empty
    /// `AssertionError`, exit status 1): ours says why. Not a `CommandError`, as
    /// `_catch_revision_errors` lets alembic's assertion through, so the CLI keeps
    /// alembic's exit status 1.
    #[error("{0}")]
    Assertion(String),
    /// `util.CommandError`: what the script directory / command layer raises.
    #[error("{0}")]
    Command(String),
}

/// The message templates of `ScriptDirectory._catch_revision_errors`, which turns
/// revision errors into `CommandError`s at the command level.
#[derive(Debug, Clone, Default)]
pub struct CatchRevisionErrors<'a> {
    /// Template for `RangeNotAncestorError`; `%(start)s` and `%(end)s` are substituted.
    pub ancestor: Option<&'a str>,
    /// Template for `MultipleHeads`; `%(head_arg)s` and `%(heads)s` are substituted.
    pub multiple_heads: Option<&'a str>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Replacement message for `ResolutionError`.
    pub resolution: Option<&'a str>,
}

const DEFAULT_ANCESTOR: &str = "Requested range %(start)s:%(end)s does not refer to ancestor/descendant revisions along the same branch";
const DEFAULT_MULTIPLE_HEADS: &str = "Multiple head revisions are present for given argument '%(head_arg)s'; please specify a specific target revision, '<branchname>@%(head_arg)s' to narrow to a specific head, or 'heads' for all heads";

impl CatchRevisionErrors<'_> {
    /// Convert `err` into the `CommandError` alembic raises (command errors pass through).
    pub fn apply(&self, err: RevisionError) -> RevisionError {
        let msg = match err {
            RevisionError::Command(_) | RevisionError::Assertion(_) => return err,
            RevisionError::RangeNotAncestor { lower, upper } => {
                let start = self
                    .start
                    .clone()
                    .unwrap_or_else(|| lower.unwrap_or_else(|| "None".into()));
                let end = self
                    .end
                    .clone()
                    .unwrap_or_else(|| upper.unwrap_or_else(|| "None".into()));
                self.ancestor
                    .unwrap_or(DEFAULT_ANCESTOR)
                    .replace("%(start)s", &start)
                    .replace("%(end)s", &end)
            }
            RevisionError::MultipleHeads { heads, argument } => {
                let head_arg = self.end.clone().unwrap_or(argument);
                self.multiple_heads
                    .unwrap_or(DEFAULT_MULTIPLE_HEADS)
                    .replace("%(head_arg)s", &head_arg)
                    .replace("%(heads)s", &heads.join(", "))
            }
            RevisionError::Resolution { argument, .. } => match self.resolution {
                Some(r) => r.to_string(),
                None => format!("Can't locate revision identified by '{argument}'"),
            },
            other => other.to_string(),
        };
        RevisionError::Command(msg)
    }
}

impl RevisionError {
    pub(crate) fn resolution(message: String, argument: &str) -> RevisionError {
        RevisionError::Resolution {
            message,
            argument: argument.to_string(),
        }
    }

    /// Wrap with `_catch_revision_errors()` defaults (no templates).
    pub fn into_command_error(self) -> RevisionError {
        CatchRevisionErrors::default().apply(self)
    }
}
