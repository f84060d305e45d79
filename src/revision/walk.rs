//! Ranges over the graph: relative targets, `iterate_revisions`, its topological
//! order, and `ScriptDirectory.walk_revisions`.

use std::collections::HashSet;

use super::error::CatchRevisionErrors;
use super::map::{Node, Rel, RevIdent, RevisionMap, py_int};
use super::nodeset::NodeSet;
use super::{Revision, RevisionError};

/// A match of alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` at the start of a target:
/// (branch label, symbol, relative such as `-2` or `+1`).
pub(crate) fn match_relative(s: &str) -> Option<(Option<String>, Option<String>, String)> {
    let chars: Vec<char> = s.chars().collect();
    let rest = |pos: usize| -> Option<(Option<String>, String)> {
        let mut j = pos;
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        if j >= chars.len() || !matches!(chars[j], '+' | '-') {
            return None;
        }
        let mut k = j + 1;
        while k < chars.len() && chars[k].is_ascii_digit() {
            k += 1;
        }
        if k == j + 1 {
            return None;
        }
        let symbol = (j > pos).then(|| chars[pos..j].iter().collect());
        Some((symbol, chars[j..k].iter().collect()))
    };
    for i in 1..chars.len() {
        if chars[i - 1] == '\n' {
            break;
        }
        if chars[i] == '@'
            && let Some((symbol, rel)) = rest(i + 1)
        {
            return Some((Some(chars[..i].iter().collect()), symbol, rel));
        }
    }
    rest(0).map(|(symbol, rel)| (None, symbol, rel))
}

fn relative_error(relative: &str, count: i64) -> RevisionError {
    RevisionError::Other(format!(
        "Relative revision {relative} didn't produce {} migrations",
        count.unsigned_abs()
    ))
}

impl RevisionMap {
    fn node_for(&self, id: &str) -> Result<Node, RevisionError> {
        self.resolve_one(&RevIdent::str(id))
    }

    fn symbol_start(
        &self,
        branch_label: Option<&str>,
        symbol: &str,
    ) -> Result<Node, RevisionError> {
        match branch_label {
            None => self.node_for(symbol),
            Some(b) => self.node_for(&format!("{b}@{symbol}")),
        }
    }

    /// alembic's `_parse_downgrade_target`: (branch label, target).
    pub(crate) fn parse_downgrade_target(
        &self,
        current_revisions: &RevIdent,
        target: &RevIdent,
        assert_relative_length: bool,
    ) -> Result<(Option<String>, Node), RevisionError> {
        let target = match target {
            RevIdent::None => return Ok((None, Node::Null)),
            RevIdent::Str(s) => s.as_str(),
            RevIdent::Tuple(_) => {
                return Err(RevisionError::Other(
                    "Expected downgrade target in string form".into(),
                ));
            }
        };
        if let Some((mut branch_label, symbol, relative)) = match_relative(target) {
            let rel_int = py_int(&relative).unwrap_or(0);
            if rel_int >= 0 {
                let Some(symbol) = symbol else {
                    return Err(relative_error(&relative, rel_int));
                };
                let start = self.node_for(&symbol)?;
                let rev = self.walk(
                    start,
                    rel_int,
                    branch_label.as_deref(),
                    assert_relative_length,
                )?;
                if rev == Node::Null {
                    return Err(RevisionError::Other("Walked too far".into()));
                }
                return Ok((branch_label, rev));
            }
            let relative_revision = symbol.is_none();
            let symbol = match symbol {
                Some(s) => s,
                None => match branch_label.as_deref().filter(|b| !b.is_empty()) {
                    Some(b) => {
                        let current = current_revisions.to_tuple().unwrap_or_default();
                        let mut list = self.filter_ids_for_lineage(&current, Some(b), false)?;
                        if list.is_empty() {
                            let all: Vec<String> = self
                                .get_all_current(&current)?
                                .into_iter()
                                .map(|r| r.revision.clone())
                                .collect();
                            list = self.filter_ids_for_lineage(&all, Some(b), false)?;
                        }
                        if list.len() != 1 {
                            // alembic: `assert len(symbol_list) == 1`
                            return Err(RevisionError::Assertion(format!(
                                "Can't determine the current revision of branch '{b}'"
                            )));
                        }
                        list.remove(0)
                    }
                    None => {
                        let current = current_revisions.to_tuple().unwrap_or_default();
                        if current.is_empty() {
                            return Err(relative_error(&relative, rel_int));
                        }
                        let symbol = current[0].clone();
                        // restrict the walk to the branch of the first head
                        branch_label = Some(symbol.clone());
                        symbol
                    }
                },
            };
            let start = self.symbol_start(branch_label.as_deref(), &symbol)?;
            let rev = self.walk(start, rel_int, None, assert_relative_length)?;
            if rev == Node::Null {
                return Err(if relative_revision {
                    relative_error(&relative, rel_int)
                } else {
                    RevisionError::Other("Walked too far".into())
                });
            }
            return Ok((branch_label, rev));
        }
        let (branch_label, symbol) = match target.rsplit_once('@') {
            Some((b, s)) => ((!b.is_empty()).then(|| b.to_string()), s),
            None => (None, target),
        };
        Ok((branch_label, self.node_for(symbol)?))
    }

    /// alembic's `_parse_upgrade_target`.
    pub(crate) fn parse_upgrade_target(
        &self,
        current_revisions: &RevIdent,
        target: &RevIdent,
        assert_relative_length: bool,
    ) -> Result<Vec<Node>, RevisionError> {
        let matched = match target {
            RevIdent::Str(s) => match_relative(s),
            _ => None,
        };
        let Some((branch_label, symbol, relative_str)) = matched else {
            return self.resolve(target);
        };
        let label = branch_label.as_deref().filter(|b| !b.is_empty());
        let relative = py_int(&relative_str).unwrap_or(0);
        if relative > 0 {
            let Some(symbol) = symbol else {
                let current = current_revisions.to_tuple().unwrap_or_default();
                let mut start_revs: Vec<Node> = Vec::new();
                if let Some(b) = label {
                    let current_nodes = self.resolve(&RevIdent::Tuple(current.clone()))?;
                    let on_branch = self.filter_for_lineage(
                        &RevisionMap::rev_indices(&current_nodes),
                        Some(b),
                        false,
                    )?;
                    start_revs = on_branch.into_iter().map(Node::Rev).collect();
                    if start_revs.is_empty() {
                        // The branch is not a head: backtrack to where it starts.
                        let ancestors =
                            self.ancestors(&RevisionMap::rev_indices(&current_nodes), true);
                        let active = self.filter_for_lineage(&ancestors, Some(b), false)?;
                        let mut downs: HashSet<usize> = HashSet::new();
                        for &a in &active {
                            downs.extend(self.normalized_down[a].iter().copied());
                        }
                        start_revs = active
                            .into_iter()
                            .filter(|a| !downs.contains(a))
                            .map(Node::Rev)
                            .collect();
                        if start_revs.is_empty() {
                            start_revs = vec![Node::Null];
                        }
                    }
                }
                let start_count = if label.is_some() {
                    start_revs.len()
                } else {
                    current.len()
                };
                if start_count > 1 {
                    return Err(RevisionError::Other(
                        "Ambiguous upgrade from multiple current revisions".into(),
                    ));
                }
                let start = match (label, current.first()) {
                    (Some(_), _) => start_revs[0],
                    (None, Some(c)) => self.node_for(c)?,
                    (None, None) => Node::Null,
                };
                let rev = self.walk(start, relative, label, assert_relative_length)?;
                if rev == Node::Null {
                    return Err(relative_error(&relative_str, relative));
                }
                return Ok(vec![rev]);
            };
            let start = self.node_for(&symbol)?;
            return Ok(vec![self.walk(
                start,
                relative,
                label,
                assert_relative_length,
            )?]);
        }
        let Some(symbol) = symbol else {
            return Err(relative_error(&relative.to_string(), relative));
        };
        let start = self.symbol_start(branch_label.as_deref(), &symbol)?;
        Ok(vec![self.walk(
            start,
            relative,
            None,
            assert_relative_length,
        )?])
    }

    /// alembic's `is_revision()` on each node: an `assert`, so a failure is an
    /// [`RevisionError::Assertion`].
    fn require_revisions(nodes: &[Node]) -> Result<Vec<usize>, RevisionError> {
        nodes
            .iter()
            .map(|n| match n {
                Node::Rev(i) => Ok(*i),
                Node::Base => Err(RevisionError::Assertion(
                    "expected a revision, got 'base'".into(),
                )),
                Node::Null => Err(RevisionError::Assertion(
                    "expected a revision, got None".into(),
                )),
            })
            .collect()
    }

    /// alembic's `_collect_upgrade_revisions`: (revisions needed, targets).
    pub(crate) fn collect_upgrade_revisions(
        &self,
        upper: &RevIdent,
        lower: &RevIdent,
        inclusive: bool,
        implicit_base: bool,
        assert_relative_length: bool,
    ) -> Result<(NodeSet, Vec<Node>), RevisionError> {
        let parsed = self.parse_upgrade_target(lower, upper, assert_relative_length)?;
        if parsed.contains(&Node::Null) {
            // `<rev>+N` walked past the end of its branch (alembic asserts here)
            return Err(RevisionError::Assertion(format!(
                "Relative revision {} walks past the end of its branch",
                upper.py_str()
            )));
        }
        let mut targets = RevisionMap::require_revisions(&parsed)?;

        // branch@... as the lower bound keeps only targets on that branch
        if let RevIdent::Str(l) = lower
            && let Some((branch, _)) = l.split_once('@')
        {
            let mut branch = branch.to_string();
            if let Node::Rev(b) = self.node_for(&branch)?
                && self.revs[b].revision == branch
            {
                let labels = &self.revs[b].branch_labels;
                if labels.len() != 1 {
                    return Err(RevisionError::Assertion(format!(
                        "Revision {branch} used as a branch label has {} branch labels",
                        labels.len()
                    )));
                }
                branch = labels[0].to_string();
            }
            targets.retain(|&t| self.revs[t].branch_labels.iter().any(|l| **l == *branch));
        }

        let n = self.revs.len();
        let mut required = NodeSet::from_indices(
            n,
            self.related_checked(super::map::Rel::NormalizedDown, &targets, false)?,
        );
        required.extend(targets.iter().copied());

        let mut current = self.resolve(lower)?;
        if !implicit_base
            && current.iter().any(|c| match c {
                Node::Rev(i) => !required.contains(*i),
                Node::Base => true,
                Node::Null => false,
            })
        {
            return Err(RevisionError::RangeNotAncestor {
                lower: lower.range_repr(),
                upper: upper.range_repr(),
            });
        }
        let mut lower = lower.clone();
        if current.first() == Some(&Node::Null) {
            // lower is relative (get_revisions can't resolve it)
            let (_, rev) = self.parse_downgrade_target(upper, &lower, assert_relative_length)?;
            match rev {
                Node::Rev(i) => {
                    current = vec![rev];
                    lower = RevIdent::Str(self.revs[i].revision.clone());
                }
                Node::Base => {
                    current = Vec::new();
                    lower = RevIdent::None;
                }
                Node::Null => {
                    // alembic: `assert rev`
                    return Err(RevisionError::Assertion(
                        "expected a revision, got None".into(),
                    ));
                }
            }
        }
        let current_idx = RevisionMap::require_revisions(&current)?;
        let mut current_set = NodeSet::from_indices(
            n,
            self.related_checked(super::map::Rel::NormalizedDown, &current_idx, false)?,
        );
        current_set.extend(current_idx.iter().copied());

        let mut needs = required.difference(&current_set);
        if inclusive {
            let lower_nodes = self.resolve(&lower)?;
            needs.extend(RevisionMap::require_revisions(&lower_nodes)?);
        }
        if !current_idx.is_empty() && !implicit_base {
            let below = NodeSet::from_indices(
                n,
                self.related_checked(super::map::Rel::Next, &current_idx, false)?,
            );
            needs.retain(|i| below.contains(i));
        }
        Ok((needs, targets.into_iter().map(Node::Rev).collect()))
    }

    /// alembic's `_collect_downgrade_revisions`: (revisions to drop, current heads).
    pub(crate) fn collect_downgrade_revisions(
        &self,
        upper: &RevIdent,
        lower: &RevIdent,
        inclusive: bool,
        implicit_base: bool,
        assert_relative_length: bool,
    ) -> Result<(NodeSet, Vec<Node>), RevisionError> {
        let (branch_label, target) =
            self.parse_downgrade_target(upper, lower, assert_relative_length)?;
        let target = match target {
            Node::Rev(i) => Some(i),
            _ => None,
        };
        let mut roots: Vec<usize> = match target {
            // back to base: every root, once per map key as alembic iterates them
            None => self
                .keys
                .iter()
                .map(|k| self.index[k])
                .filter(|&i| self.revs[i].is_base())
                .collect(),
            Some(t) if inclusive => vec![t],
            Some(t) => self.nextrev[t].clone(),
        };
        if let Some(b) = branch_label.as_deref().filter(|b| !b.is_empty())
            && roots.len() > 1
        {
            let branch = match self.resolve_branch(b)? {
                Node::Rev(i) => vec![i],
                _ => Vec::new(),
            };
            let ancestors: HashSet<usize> = self.ancestors(&branch, false).into_iter().collect();
            let mut kept: Vec<usize> = Vec::new();
            for r in roots {
                if ancestors.contains(&r) && !kept.contains(&r) {
                    kept.push(r);
                }
            }
            roots = kept;
            if roots.is_empty() {
                return Err(RevisionError::Other(
                    "Not a valid downgrade target from current heads".into(),
                ));
            }
        }
        let heads = self.resolve(upper)?;
        let head_idx = RevisionMap::require_revisions(&heads)?;

        let n = self.revs.len();
        let active = self.related_set(Rel::NormalizedDown, &head_idx);
        let mut drop = NodeSet::from_indices(
            n,
            self.descendants(&roots, true)
                .into_iter()
                .filter(|&d| active.contains(d)),
        );
        if implicit_base {
            let keep = self.related_set(Rel::NormalizedDown, &roots);
            drop.union_with(&active.difference(&keep));
        }
        if let Some(t) = target
            && drop.is_empty()
            && !head_idx.contains(&t)
        {
            return Err(RevisionError::RangeNotAncestor {
                lower: Some("Nothing to drop".into()),
                upper: upper.range_repr(),
            });
        }
        Ok((drop, heads))
    }

    /// alembic's `_topological_sort`: from the heads down, each revision after
    /// everything that depends on it.
    pub(crate) fn topological_sort(
        &self,
        revisions: &NodeSet,
        heads: &[Node],
    ) -> Result<Vec<usize>, RevisionError> {
        let mut todo = revisions.clone();
        let mut current_heads: Vec<usize> = RevisionMap::rev_indices(heads)
            .into_iter()
            .filter(|&h| todo.contains(h))
            .collect();
        current_heads.sort_unstable();
        current_heads.dedup();
        // The ancestor sets the walk below asks for: the heads', and those of the parents
        // it switches to at a merge or a dependency. Computed in one pass up the graph.
        let mut needed = current_heads.clone();
        for c in todo.iter() {
            if !self.revs[c].normalized_resolved_dependencies.is_empty()
                || self.versioned_down[c].len() != 1
            {
                needed.extend(
                    self.normalized_down[c]
                        .iter()
                        .copied()
                        .filter(|&p| todo.contains(p)),
                );
            }
        }
        let mut precomputed = self.ancestor_sets(&needed);
        let mut ancestors_of = |i: usize| {
            precomputed[i]
                .take()
                .unwrap_or_else(|| self.related_set(Rel::NormalizedDown, &[i]))
        };
        let mut ancestors_by_idx: Vec<NodeSet> =
            current_heads.iter().map(|&h| ancestors_of(h)).collect();
        let mut output = Vec::with_capacity(todo.len());
        let mut current = 0usize;
        while !current_heads.is_empty() {
            let candidate = current_heads[current];
            if let Some(k) = ancestors_by_idx
                .iter()
                .enumerate()
                .position(|(k, anc)| k != current && anc.contains(candidate))
            {
                // another head depends on us: walk that one first
                current = k;
                continue;
            }
            if todo.remove(candidate) {
                output.push(candidate);
            }
            let to_add: Vec<usize> = self.normalized_down[candidate]
                .iter()
                .copied()
                .filter(|&r| todo.contains(r) && !current_heads.contains(&r))
                .collect();
            if to_add.is_empty() {
                current_heads.remove(current);
                ancestors_by_idx.remove(current);
                current = current.saturating_sub(1);
            } else if self.revs[candidate]
                .normalized_resolved_dependencies
                .is_empty()
                && self.versioned_down[candidate].len() == 1
            {
                current_heads[current] = to_add[0];
                ancestors_by_idx[current].remove(candidate);
            } else {
                current_heads[current] = to_add[0];
                current_heads.extend_from_slice(&to_add[1..]);
                ancestors_by_idx[current] = ancestors_of(to_add[0]);
                ancestors_by_idx.extend(to_add[1..].iter().map(|&h| ancestors_of(h)));
            }
        }
        if !todo.is_empty() {
            return Err(RevisionError::Other(
                "Dependency resolution failed; revisions left unsorted".into(),
            ));
        }
        Ok(output)
    }

    /// alembic's `RevisionMap.iterate_revisions`: revisions between `upper` and
    /// `lower`, newest first.
    pub fn iterate_revisions(
        &self,
        upper: &RevIdent,
        lower: &RevIdent,
        implicit_base: bool,
        inclusive: bool,
        assert_relative_length: bool,
        select_for_downgrade: bool,
    ) -> Result<Vec<&Revision>, RevisionError> {
        let (revisions, heads) = if select_for_downgrade {
            self.collect_downgrade_revisions(
                upper,
                lower,
                inclusive,
                implicit_base,
                assert_relative_length,
            )?
        } else {
            self.collect_upgrade_revisions(
                upper,
                lower,
                inclusive,
                implicit_base,
                assert_relative_length,
            )?
        };
        Ok(self
            .topological_sort(&revisions, &heads)?
            .into_iter()
            .map(|i| &self.revs[i])
            .collect())
    }

    /// `ScriptDirectory.walk_revisions(base, head)`: every revision from `head` down
    /// to `base` inclusive; errors come back as alembic's `CommandError` texts.
    pub fn walk_revisions(&self, base: &str, head: &str) -> Result<Vec<&Revision>, RevisionError> {
        self.walk_revisions_ident(&RevIdent::str(base), &RevIdent::str(head))
    }

    /// `walk_revisions` where either end may be a tuple (the database's heads).
    pub fn walk_revisions_ident(
        &self,
        base: &RevIdent,
        head: &RevIdent,
    ) -> Result<Vec<&Revision>, RevisionError> {
        self.iterate_revisions(head, base, false, true, false, false)
            .map_err(|e| {
                CatchRevisionErrors {
                    start: Some(base.py_str()),
                    end: Some(head.py_str()),
                    ..Default::default()
                }
                .apply(e)
            })
    }
}
