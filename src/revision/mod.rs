//! The revision graph: alembic's `RevisionMap`, `Revision` and the target grammar.
//!
//! Semantics follow alembic 1.20.1 (`alembic/script/revision.py`,
//! `alembic/script/base.py`, `alembic/runtime/migration.py`): result order, error
//! classes and message texts are the same. Where alembic's own order comes from
//! iterating a Python `set` (and so varies between runs), we use revision map order.

mod error;
pub mod format;
pub mod heads;
mod map;
mod nodeset;
mod plan;
mod walk;

#[cfg(test)]
mod tests;

pub use error::{CatchRevisionErrors, RevisionError};
pub use heads::{HeadMaintainer, VersionAction, plan_version_actions};
pub use map::{Node, RevIdent, RevisionMap};
pub use plan::Step;

/// A branch label as revisions hold it: shared, since the map propagates every label to
/// each revision of its branch (thousands of copies in a long history).
pub type Label = std::sync::Arc<str>;

/// One revision script: its header values plus what the map derives from the graph.
///
/// Construct with [`Revision::new`]; the derived fields are filled by
/// [`RevisionMap::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The revision id.
    pub revision: String,
    /// `down_revision` as given: None -> empty, a string -> one, a tuple -> many.
    pub down_revisions: Vec<String>,
    /// `depends_on` as given (may name branch labels).
    pub dependencies: Vec<String>,
    /// The labels this revision declares itself (`branch_labels`).
    pub orig_branch_labels: Vec<String>,
    /// The labels that apply to this revision after the map propagated every label
    /// to its branch (alembic's `branch_labels` set after `_add_branches`).
    pub branch_labels: Vec<Label>,
    /// Filesystem path of the script.
    pub path: String,
    /// The module docstring, already stripped.
    pub longdoc: String,
    /// Following revisions, through `down_revision` only (alembic's `nextrev`).
    pub nextrev: Vec<String>,
    /// Following revisions, through `down_revision` and `depends_on`.
    pub all_nextrev: Vec<String>,
    /// `depends_on` resolved to revision ids.
    pub resolved_dependencies: Vec<String>,
    /// Resolved dependencies minus those an ancestor already depends on.
    pub normalized_resolved_dependencies: Vec<String>,
}

impl Revision {
    /// A revision from its header values, checked the way alembic's `Revision()` does.
    pub fn new(
        revision: impl Into<String>,
        down_revisions: Vec<String>,
        dependencies: Vec<String>,
        branch_labels: Vec<String>,
    ) -> Result<Revision, RevisionError> {
        let revision = revision.into();
        if down_revisions.contains(&revision) {
            return Err(RevisionError::LoopDetected { revision });
        }
        if dependencies.contains(&revision) {
            return Err(RevisionError::DependencyLoopDetected { revision });
        }
        let mut illegal: Vec<char> = revision
            .chars()
            .filter(|c| matches!(c, '@' | '-' | '+' | ':'))
            .collect();
        if !illegal.is_empty() {
            illegal.sort_unstable();
            illegal.dedup();
            let chars: Vec<String> = illegal.iter().map(|c| c.to_string()).collect();
            return Err(RevisionError::Other(format!(
                "Character(s) '{}' not allowed in revision identifier '{}'",
                chars.join(", "),
                revision
            )));
        }
        let mut orig = Vec::new();
        for label in branch_labels {
            if !orig.contains(&label) {
                orig.push(label);
            }
        }
        Ok(Revision {
            revision,
            down_revisions,
            dependencies,
            branch_labels: orig.iter().map(|l| Label::from(l.as_str())).collect(),
            orig_branch_labels: orig,
            path: String::new(),
            longdoc: String::new(),
            nextrev: Vec::new(),
            all_nextrev: Vec::new(),
            resolved_dependencies: Vec::new(),
            normalized_resolved_dependencies: Vec::new(),
        })
    }

    /// Set the script path (builder style).
    pub fn with_path(mut self, path: impl Into<String>) -> Revision {
        self.path = path.into();
        self
    }

    /// Set the stripped module docstring (builder style).
    pub fn with_longdoc(mut self, longdoc: impl Into<String>) -> Revision {
        self.longdoc = longdoc.into();
        self
    }

    /// The first paragraph of the docstring (alembic's `Script.doc`).
    pub fn doc(&self) -> &str {
        match self.longdoc.find("\n\n") {
            Some(i) => &self.longdoc[..i],
            None => &self.longdoc,
        }
    }

    /// `down_revision` ids (alembic's `_versioned_down_revisions`).
    pub fn versioned_down_revisions(&self) -> &[String] {
        &self.down_revisions
    }

    /// `down_revision` plus resolved dependencies, deduplicated (`_all_down_revisions`).
    pub fn all_down_revisions(&self) -> Vec<String> {
        dedupe(
            self.down_revisions
                .iter()
                .chain(&self.resolved_dependencies),
        )
    }

    /// `down_revision` plus normalized dependencies (`_normalized_down_revisions`).
    pub fn normalized_down_revisions(&self) -> Vec<String> {
        dedupe(
            self.down_revisions
                .iter()
                .chain(&self.normalized_resolved_dependencies),
        )
    }

    /// No other revision names this one as its `down_revision`.
    pub fn is_head(&self) -> bool {
        self.nextrev.is_empty()
    }

    /// No other revision names this one as `down_revision` or dependency.
    pub fn is_real_head(&self) -> bool {
        self.all_nextrev.is_empty()
    }

    /// `down_revision` is None.
    pub fn is_base(&self) -> bool {
        self.down_revisions.is_empty()
    }

    /// `down_revision` and `depends_on` are both None.
    pub fn is_real_base(&self) -> bool {
        self.down_revisions.is_empty() && self.dependencies.is_empty()
    }

    /// More than one revision names this one as `down_revision`.
    pub fn is_branch_point(&self) -> bool {
        self.nextrev.len() > 1
    }

    /// Branch point counting dependencies too.
    pub fn is_real_branch_point(&self) -> bool {
        self.all_nextrev.len() > 1
    }

    /// More than one `down_revision`.
    pub fn is_merge_point(&self) -> bool {
        self.down_revisions.len() > 1
    }
}

fn dedupe<'a>(items: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}
