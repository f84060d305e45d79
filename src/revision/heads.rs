//! Version table bookkeeping: alembic's `HeadMaintainer.update_to_step`, as a pure
//! computation of the INSERT / UPDATE / DELETE rows the runtime must emit.

use super::map::{RevIdent, RevisionMap};
use super::{RevisionError, Step};

/// One change to the `alembic_version` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionAction {
    /// `INSERT INTO alembic_version (version_num) VALUES ('<version>')`.
    Insert(String),
    /// `UPDATE alembic_version SET version_num='<to>' WHERE version_num = '<from>'`.
    Update { from: String, to: String },
    /// `DELETE FROM alembic_version WHERE version_num = '<version>'`.
    Delete(String),
}

/// The heads the version table holds while a run goes on (alembic's `HeadMaintainer`).
#[derive(Debug, Clone, Default)]
pub struct HeadMaintainer {
    heads: Vec<String>,
}

impl HeadMaintainer {
    /// Start from the database's current heads.
    pub fn new(heads: &[String]) -> HeadMaintainer {
        let mut out: Vec<String> = Vec::new();
        for h in heads {
            if !out.contains(h) {
                out.push(h.clone());
            }
        }
        HeadMaintainer { heads: out }
    }

    /// The heads after the steps applied so far.
    pub fn heads(&self) -> &[String] {
        &self.heads
    }

    fn insert(&mut self, version: &str, out: &mut Vec<VersionAction>) -> Result<(), RevisionError> {
        if self.heads.iter().any(|h| h == version) {
            return Err(RevisionError::Other(format!(
                "Can't insert version {version}: already present in the version table"
            )));
        }
        self.heads.push(version.to_string());
        out.push(VersionAction::Insert(version.to_string()));
        Ok(())
    }

    fn delete(&mut self, version: &str, out: &mut Vec<VersionAction>) -> Result<(), RevisionError> {
        let Some(pos) = self.heads.iter().position(|h| h == version) else {
            return Err(RevisionError::Other(format!(
                "Can't delete version {version}: not present in the version table"
            )));
        };
        self.heads.remove(pos);
        out.push(VersionAction::Delete(version.to_string()));
        Ok(())
    }

    fn update(
        &mut self,
        from: &str,
        to: &str,
        out: &mut Vec<VersionAction>,
    ) -> Result<(), RevisionError> {
        if self.heads.iter().any(|h| h == to) {
            return Err(RevisionError::Other(format!(
                "Can't update version {from} to {to}: {to} is already present in the version table"
            )));
        }
        let Some(pos) = self.heads.iter().position(|h| h == from) else {
            return Err(RevisionError::Other(format!(
                "Can't update version {from} to {to}: {from} is not present in the version table"
            )));
        };
        self.heads[pos] = to.to_string();
        out.push(VersionAction::Update {
            from: from.to_string(),
            to: to.to_string(),
        });
        Ok(())
    }

    fn has(&self, id: &str) -> bool {
        self.heads.iter().any(|h| h == id)
    }

    /// Ancestors (with dependencies) of the given ids.
    fn ancestor_ids(map: &RevisionMap, ids: &[String]) -> Result<Vec<String>, RevisionError> {
        let nodes = map.resolve(&RevIdent::Tuple(ids.to_vec()))?;
        Ok(map
            .ancestors(&RevisionMap::rev_indices(&nodes), true)
            .into_iter()
            .map(|i| map.rev(i).revision.clone())
            .collect())
    }

    /// `RevisionStep._unmerge_to_revisions`.
    fn unmerge_to_revisions(
        &self,
        map: &RevisionMap,
        revision: &str,
        to: &[String],
    ) -> Result<Vec<String>, RevisionError> {
        let others: Vec<String> = self
            .heads
            .iter()
            .filter(|h| *h != revision)
            .cloned()
            .collect();
        let ancestors: Vec<String> = if !others.is_empty() {
            HeadMaintainer::ancestor_ids(map, &others)?
        } else {
            let mut all = Vec::new();
            for t in to {
                all.extend(
                    HeadMaintainer::ancestor_ids(map, std::slice::from_ref(t))?
                        .into_iter()
                        .filter(|a| a != t),
                );
            }
            all
        };
        Ok(to
            .iter()
            .filter(|t| !ancestors.contains(t))
            .cloned()
            .collect())
    }

    /// Apply one step; returns the version table changes, in order.
    pub fn update_to_step(
        &mut self,
        map: &RevisionMap,
        step: &Step,
    ) -> Result<Vec<VersionAction>, RevisionError> {
        let mut out = Vec::new();
        match step {
            Step::Revision {
                revision,
                is_upgrade,
            } => {
                let rev = map.idx(revision).map(|i| map.rev(i)).ok_or_else(|| {
                    RevisionError::Other(format!("No such revision '{revision}'"))
                })?;
                let downrevs = rev.normalized_down_revisions();
                let from = step.from_revisions(map);
                let to = step.to_revisions(map);
                let present: Vec<&String> = downrevs.iter().filter(|d| self.has(d)).collect();
                if !is_upgrade
                    && self.has(revision)
                    && (downrevs.is_empty()
                        || self.unmerge_to_revisions(map, revision, &to)?.is_empty())
                {
                    self.delete(revision, &mut out)?;
                } else if *is_upgrade && (downrevs.is_empty() || present.is_empty()) {
                    self.insert(revision, &mut out)?;
                } else if *is_upgrade && downrevs.len() > 1 && present.len() > 1 {
                    // merge: delete all but one of the merged heads, update the last
                    let others: Vec<String> = self
                        .heads
                        .iter()
                        .filter(|h| !from.contains(h))
                        .cloned()
                        .collect();
                    let from_revs: Vec<String> = if others.is_empty() {
                        from.clone()
                    } else {
                        let ancestors = HeadMaintainer::ancestor_ids(map, &others)?;
                        from.iter()
                            .filter(|f| !ancestors.contains(f))
                            .cloned()
                            .collect()
                    };
                    let Some((last, rest)) = from_revs.split_last() else {
                        return Err(RevisionError::Other(
                            "merge with no revision to update".into(),
                        ));
                    };
                    for d in rest {
                        self.delete(d, &mut out)?;
                    }
                    self.update(last, &to[0], &mut out)?;
                } else if !is_upgrade && self.has(revision) && downrevs.len() > 1 {
                    // unmerge: update one, insert the others
                    let to_revs = self.unmerge_to_revisions(map, revision, &to)?;
                    let Some((last, rest)) = to_revs.split_last() else {
                        return Err(RevisionError::Other(
                            "unmerge with no revision to update".into(),
                        ));
                    };
                    for i in rest {
                        self.insert(i, &mut out)?;
                    }
                    self.update(&from[0], last, &mut out)?;
                } else {
                    let down = if downrevs.len() == 1 {
                        downrevs[0].clone()
                    } else {
                        if present.len() != 1 {
                            return Err(RevisionError::Other(
                                "Can't do an UPDATE because downrevision is ambiguous".into(),
                            ));
                        }
                        present[0].clone()
                    };
                    if *is_upgrade {
                        self.update(&down, revision, &mut out)?;
                    } else {
                        self.update(revision, &down, &mut out)?;
                    }
                }
            }
            Step::Stamp {
                from,
                to,
                is_upgrade,
                branch_move,
            } => {
                let to_missing = to.iter().any(|t| !self.has(t));
                let from_missing = from.iter().any(|f| !self.has(f));
                if !is_upgrade && *branch_move {
                    let [version] = from.as_slice() else {
                        return Err(RevisionError::Other(
                            "stamp delete needs exactly one revision".into(),
                        ));
                    };
                    self.delete(version, &mut out)?;
                } else if *is_upgrade && (*branch_move || from_missing) && to_missing {
                    let [version] = to.as_slice() else {
                        return Err(RevisionError::Other(
                            "stamp insert needs exactly one revision".into(),
                        ));
                    };
                    self.insert(version, &mut out)?;
                } else if from.len() > 1 {
                    let (last, rest) = from.split_last().expect("len > 1");
                    for d in rest {
                        self.delete(d, &mut out)?;
                    }
                    self.update(last, &to[0], &mut out)?;
                } else if to.len() > 1 {
                    let (last, rest) = to.split_last().expect("len > 1");
                    for i in rest {
                        self.insert(i, &mut out)?;
                    }
                    self.update(&from[0], last, &mut out)?;
                } else {
                    let ([f], [t]) = (from.as_slice(), to.as_slice()) else {
                        return Err(RevisionError::Other(
                            "stamp update needs one revision on each side".into(),
                        ));
                    };
                    self.update(f, t, &mut out)?;
                }
            }
        }
        Ok(out)
    }
}

/// Run every step from `heads`; returns the changes per step and the final heads.
pub fn plan_version_actions(
    map: &RevisionMap,
    heads: &[String],
    steps: &[Step],
) -> Result<(Vec<Vec<VersionAction>>, Vec<String>), RevisionError> {
    let mut hm = HeadMaintainer::new(heads);
    let mut all = Vec::with_capacity(steps.len());
    for step in steps {
        all.push(hm.update_to_step(map, step)?);
    }
    Ok((all, hm.heads.clone()))
}
