//! Migration planning: alembic's `ScriptDirectory._upgrade_revs`, `_downgrade_revs`
//! and `_stamp_revs`, producing `MigrationStep`s.

use super::error::CatchRevisionErrors;
use super::map::{Node, RevIdent, RevisionMap};
use super::{Revision, RevisionError};

/// One migration step (alembic's `RevisionStep` / `StampStep`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Run one revision script's `upgrade()` or `downgrade()`.
    Revision { revision: String, is_upgrade: bool },
    /// Move the version table without running scripts.
    Stamp {
        from: Vec<String>,
        to: Vec<String>,
        is_upgrade: bool,
        branch_move: bool,
    },
}

impl Step {
    /// True for an upgrade step.
    pub fn is_upgrade(&self) -> bool {
        match self {
            Step::Revision { is_upgrade, .. } | Step::Stamp { is_upgrade, .. } => *is_upgrade,
        }
    }

    /// The migration function's name (`upgrade`, `downgrade`, `stamp_revision`).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Revision {
                is_upgrade: true, ..
            } => "upgrade",
            Step::Revision { .. } => "downgrade",
            Step::Stamp { .. } => "stamp_revision",
        }
    }

    fn script<'m>(map: &'m RevisionMap, id: &str) -> Option<&'m Revision> {
        map.idx(id).map(|i| map.rev(i))
    }

    /// `from_revisions` (with dependencies).
    pub fn from_revisions(&self, map: &RevisionMap) -> Vec<String> {
        match self {
            Step::Revision {
                revision,
                is_upgrade: true,
            } => Step::script(map, revision)
                .map(|r| r.normalized_down_revisions())
                .unwrap_or_default(),
            Step::Revision { revision, .. } => vec![revision.clone()],
            Step::Stamp { from, .. } => from.clone(),
        }
    }

    /// `to_revisions` (with dependencies).
    pub fn to_revisions(&self, map: &RevisionMap) -> Vec<String> {
        match self {
            Step::Revision {
                revision,
                is_upgrade: true,
            } => vec![revision.clone()],
            Step::Revision { revision, .. } => Step::script(map, revision)
                .map(|r| r.normalized_down_revisions())
                .unwrap_or_default(),
            Step::Stamp { to, .. } => to.clone(),
        }
    }

    /// `from_revisions_no_deps`.
    pub fn from_revisions_no_deps(&self, map: &RevisionMap) -> Vec<String> {
        match self {
            Step::Revision {
                revision,
                is_upgrade: true,
            } => Step::script(map, revision)
                .map(|r| r.down_revisions.clone())
                .unwrap_or_default(),
            _ => self.from_revisions(map),
        }
    }

    /// `to_revisions_no_deps`.
    pub fn to_revisions_no_deps(&self, map: &RevisionMap) -> Vec<String> {
        match self {
            Step::Revision {
                revision,
                is_upgrade: false,
            } => Step::script(map, revision)
                .map(|r| r.down_revisions.clone())
                .unwrap_or_default(),
            _ => self.to_revisions(map),
        }
    }

    /// The revision's doc line (stamps have none).
    pub fn doc<'m>(&self, map: &'m RevisionMap) -> Option<&'m str> {
        match self {
            Step::Revision { revision, .. } => Step::script(map, revision).map(|r| r.doc()),
            Step::Stamp { .. } => None,
        }
    }

    /// `MigrationStep.short_log`, as in `-- Running upgrade a -> b`.
    pub fn short_log(&self, map: &RevisionMap) -> String {
        format!(
            "{} {} -> {}",
            self.name(),
            self.from_revisions_no_deps(map).join(", "),
            self.to_revisions_no_deps(map).join(", ")
        )
    }

    /// `str(MigrationStep)`, as logged by `Running ...`.
    pub fn describe(&self, map: &RevisionMap) -> String {
        match self.doc(map) {
            Some(doc) if !doc.is_empty() => format!("{}, {}", self.short_log(map), doc),
            _ => self.short_log(map),
        }
    }
}

impl RevisionMap {
    /// `ScriptDirectory._upgrade_revs(destination, current_heads)`: the upgrade steps,
    /// oldest first. Errors are `CommandError`s with alembic's texts.
    pub fn upgrade_steps(
        &self,
        destination: &str,
        current_heads: &[String],
    ) -> Result<Vec<Step>, RevisionError> {
        let catch = CatchRevisionErrors {
            ancestor: Some(
                "Destination %(end)s is not a valid upgrade target from current head(s)",
            ),
            end: Some(destination.to_string()),
            ..Default::default()
        };
        let revs = self
            .iterate_revisions(
                &RevIdent::str(destination),
                &RevIdent::Tuple(current_heads.to_vec()),
                true,
                false,
                true,
                false,
            )
            .map_err(|e| catch.apply(e))?;
        Ok(revs
            .into_iter()
            .rev()
            .map(|r| Step::Revision {
                revision: r.revision.clone(),
                is_upgrade: true,
            })
            .collect())
    }

    /// `ScriptDirectory._downgrade_revs(destination, current_heads)`: the downgrade
    /// steps, newest first.
    pub fn downgrade_steps(
        &self,
        destination: &str,
        current_heads: &[String],
    ) -> Result<Vec<Step>, RevisionError> {
        let catch = CatchRevisionErrors {
            ancestor: Some(
                "Destination %(end)s is not a valid downgrade target from current head(s)",
            ),
            end: Some(destination.to_string()),
            ..Default::default()
        };
        let revs = self
            .iterate_revisions(
                &RevIdent::Tuple(current_heads.to_vec()),
                &RevIdent::str(destination),
                false,
                false,
                true,
                true,
            )
            .map_err(|e| catch.apply(e))?;
        Ok(revs
            .into_iter()
            .map(|r| Step::Revision {
                revision: r.revision.clone(),
                is_upgrade: false,
            })
            .collect())
    }

    /// The `UserWarning` alembic's `_parse_downgrade_target` gives before planning a
    /// downgrade to `destination` (`-1`, no revision, no branch label) from several
    /// distinct heads: which head it walks down from depends on the version table's row
    /// order.
    pub fn downgrade_warning(destination: &str, current_heads: &[String]) -> Option<String> {
        let (label, symbol, relative) = super::walk::match_relative(destination)?;
        let steps = super::map::py_int(&relative).unwrap_or(0);
        let mut distinct: Vec<&String> = Vec::new();
        for h in current_heads {
            if !distinct.contains(&h) {
                distinct.push(h);
            }
        }
        let unlabelled = label.as_deref().is_none_or(str::is_empty);
        (steps < 0 && symbol.is_none() && unlabelled && distinct.len() > 1).then(|| {
            "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed \
             in a future release."
                .to_string()
        })
    }

    /// `ScriptDirectory._stamp_revs(revisions, heads)`: the stamp steps that move the
    /// version table from `heads` to `revisions` (empty means `base`).
    pub fn stamp_steps(
        &self,
        revisions: &[String],
        heads: &[String],
    ) -> Result<Vec<Step>, RevisionError> {
        let catch = CatchRevisionErrors {
            multiple_heads: Some(
                "Multiple heads are present; please specify a single target revision",
            ),
            ..Default::default()
        };
        self.stamp_steps_inner(revisions, heads)
            .map_err(|e| catch.apply(e))
    }

    fn stamp_steps_inner(
        &self,
        revisions: &[String],
        heads: &[String],
    ) -> Result<Vec<Step>, RevisionError> {
        let head_revs = RevisionMap::rev_indices(&self.resolve(&RevIdent::Tuple(heads.to_vec()))?);
        let revisions: Vec<String> = if revisions.is_empty() {
            vec!["base".into()]
        } else {
            revisions.to_vec()
        };
        let mut filtered: Vec<usize> = Vec::new();
        for rev in revisions.iter().filter(|r| !r.is_empty()) {
            for h in self.filter_for_lineage(&head_revs, Some(rev), true)? {
                if !filtered.contains(&h) {
                    filtered.push(h);
                }
            }
        }
        let filtered_ids: Vec<String> = filtered
            .iter()
            .map(|&i| self.rev(i).revision.clone())
            .collect();
        let mut dests = self.resolve(&RevIdent::Tuple(revisions.clone()))?;
        if dests.is_empty() {
            dests.push(Node::Null);
        }
        let mut steps = Vec::new();
        for dest in dests {
            let d = match dest {
                Node::Rev(d) => d,
                Node::Null => {
                    // to base: delete every applicable head
                    for id in &filtered_ids {
                        steps.push(Step::Stamp {
                            from: vec![id.clone()],
                            to: Vec::new(),
                            is_upgrade: false,
                            branch_move: true,
                        });
                    }
                    continue;
                }
                Node::Base => {
                    return Err(RevisionError::Other(
                        "expected a revision, got 'base'".into(),
                    ));
                }
            };
            if filtered.contains(&d) {
                continue;
            }
            let to = vec![self.rev(d).revision.clone()];
            let above = self
                .descendants(&[d], true)
                .iter()
                .any(|x| filtered.contains(x));
            let below = self
                .ancestors(&[d], true)
                .iter()
                .any(|x| filtered.contains(x));
            if above && below {
                // alembic: `assert not ancestors.intersection(filtered_heads)`
                let mut around: Vec<&str> = Vec::new();
                for &h in &filtered {
                    around.push(&self.rev(h).revision);
                }
                return Err(RevisionError::Assertion(format!(
                    "Can't stamp {}: the version table holds both ancestors and descendants \
                     of it ({})",
                    to[0],
                    around.join(", ")
                )));
            }
            steps.push(if above {
                Step::Stamp {
                    from: filtered_ids.clone(),
                    to,
                    is_upgrade: false,
                    branch_move: false,
                }
            } else if below {
                Step::Stamp {
                    from: filtered_ids.clone(),
                    to,
                    is_upgrade: true,
                    branch_move: false,
                }
            } else {
                Step::Stamp {
                    from: Vec::new(),
                    to,
                    is_upgrade: true,
                    branch_move: true,
                }
            });
        }
        Ok(steps)
    }
}
