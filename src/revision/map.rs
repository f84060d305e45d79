//! `RevisionMap`: building the graph, its checks, and the identifier grammar.

use std::collections::HashMap;

/// Ids and labels to indices: a fast, non-cryptographic hash (the keys come from local
/// files; SipHash's flooding protection is not needed).
type IdIndex = HashMap<String, usize, foldhash::fast::FixedState>;

use super::nodeset::NodeSet;
use super::{Label, Revision, RevisionError};

/// One resolved identifier: a revision, the symbolic `"base"` that relative walks
/// produce, or nothing (alembic's `None`, e.g. for `base` or an over-long walk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// Index into the map (see [`RevisionMap::rev`]).
    Rev(usize),
    /// The string `"base"`.
    Base,
    /// Python `None`.
    Null,
}

/// An identifier argument as alembic receives it: `None`, a string (which may use
/// the grammar: `heads`, `label@head`, `-1`, partial ids...) or a tuple of strings
/// (typically the database's current heads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevIdent {
    None,
    Str(String),
    Tuple(Vec<String>),
}

impl RevIdent {
    /// A string identifier.
    pub fn str(s: impl Into<String>) -> RevIdent {
        RevIdent::Str(s.into())
    }

    /// A tuple of ids.
    pub fn tuple<S: AsRef<str>>(items: &[S]) -> RevIdent {
        RevIdent::Tuple(items.iter().map(|s| s.as_ref().to_string()).collect())
    }

    /// Python truthiness.
    pub fn is_truthy(&self) -> bool {
        match self {
            RevIdent::None => false,
            RevIdent::Str(s) => !s.is_empty(),
            RevIdent::Tuple(v) => !v.is_empty(),
        }
    }

    /// Python `str()` of the value.
    pub fn py_str(&self) -> String {
        match self {
            RevIdent::None => "None".into(),
            RevIdent::Str(s) => s.clone(),
            RevIdent::Tuple(v) => {
                let items: Vec<String> = v.iter().map(|s| format!("'{s}'")).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
        }
    }

    /// `util.to_tuple(x)`: None -> None, str -> (str,), tuple -> itself.
    pub(crate) fn to_tuple(&self) -> Option<Vec<String>> {
        match self {
            RevIdent::None => None,
            RevIdent::Str(s) => Some(vec![s.clone()]),
            RevIdent::Tuple(v) => Some(v.clone()),
        }
    }

    /// The value for `RangeNotAncestorError`: `None` when falsy.
    pub(crate) fn range_repr(&self) -> Option<String> {
        self.is_truthy().then(|| self.py_str())
    }
}

/// Which edges a traversal follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    /// `_versioned_down_revisions`.
    VersionedDown,
    /// `_normalized_down_revisions`.
    NormalizedDown,
    /// `_all_down_revisions`.
    AllDown,
    /// `nextrev`.
    Next,
    /// `_all_nextrev`.
    AllNext,
}

/// What the map keeps of each input revision object besides the revision itself.
struct InputObject {
    /// The labels it declares.
    labels: Vec<String>,
    is_base: bool,
    is_real_base: bool,
}

/// Alembic's `RevisionMap`: every revision, indexed by id and branch label.
#[derive(Debug, Clone)]
pub struct RevisionMap {
    pub(crate) revs: Vec<Revision>,
    /// Revision ids and branch labels -> index.
    pub(crate) index: IdIndex,
    /// Keys in alembic's map order: revision ids, then branch labels.
    pub(crate) keys: Vec<String>,
    pub(crate) versioned_down: Vec<Vec<usize>>,
    pub(crate) all_down: Vec<Vec<usize>>,
    pub(crate) normalized_down: Vec<Vec<usize>>,
    pub(crate) nextrev: Vec<Vec<usize>>,
    pub(crate) all_nextrev: Vec<Vec<usize>>,
    heads: Vec<String>,
    real_heads: Vec<String>,
    bases: Vec<String>,
    real_bases: Vec<String>,
    warnings: Vec<String>,
}

impl RevisionMap {
    /// Build the map and run alembic's checks: duplicate ids (a warning), branch label
    /// conflicts, missing down revisions and dependencies, cycles.
    pub fn new(revisions: Vec<Revision>) -> Result<RevisionMap, RevisionError> {
        let mut warnings = Vec::new();
        let mut revs: Vec<Revision> = Vec::with_capacity(revisions.len());
        let mut index = IdIndex::with_capacity_and_hasher(revisions.len(), Default::default());
        // Every input object in order, by its index in revs; a replaced duplicate stays
        // a head/base of its own, as in alembic.
        let mut objects: Vec<(usize, InputObject)> = Vec::with_capacity(revisions.len());
        for rev in revisions {
            let object = InputObject {
                labels: rev.orig_branch_labels.clone(),
                is_base: rev.is_base(),
                is_real_base: rev.is_real_base(),
            };
            match index.get(&rev.revision) {
                Some(&i) => {
                    warnings.push(format!(
                        "Revision {} is present more than once",
                        rev.revision
                    ));
                    revs[i] = rev;
                    objects.push((i, object));
                }
                None => {
                    index.insert(rev.revision.clone(), revs.len());
                    objects.push((revs.len(), object));
                    revs.push(rev);
                }
            }
        }
        let n = revs.len();
        let mut keys: Vec<String> = revs.iter().map(|r| r.revision.clone()).collect();

        // Branch labels join the map; a label may not shadow another key.
        // Every input object counts, so a duplicated revision that declares labels
        // clashes with itself, as in alembic.
        for (i, object) in &objects {
            for label in &object.labels {
                if let Some(&other) = index.get(label) {
                    return Err(RevisionError::Other(format!(
                        "Branch name '{}' in revision {} already used by revision {}",
                        label, revs[*i].revision, revs[other].revision
                    )));
                }
                index.insert(label.clone(), *i);
                keys.push(label.clone());
            }
        }

        // Dependencies may name labels; resolve them to revision ids.
        for i in 0..n {
            let mut resolved = Vec::new();
            for dep in &revs[i].dependencies {
                match index.get(dep) {
                    Some(&d) => resolved.push(revs[d].revision.clone()),
                    None => {
                        return Err(RevisionError::MissingRevision {
                            key: dep.clone(),
                            warning: None,
                        });
                    }
                }
            }
            revs[i].resolved_dependencies = resolved;
        }

        // Link children to parents, in map order.
        let mut versioned_down = vec![Vec::new(); n];
        let mut all_down = vec![Vec::new(); n];
        let mut nextrev: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut all_nextrev: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut broken_map = false;
        for i in 0..n {
            for down in revs[i].all_down_revisions() {
                let Some(&d) = index.get(&down) else {
                    let r = &revs[i];
                    return Err(RevisionError::MissingRevision {
                        warning: Some(format!(
                            "Revision {} referenced from {} is not present",
                            down,
                            script_str(r, nextrev[i].is_empty(), nextrev[i].len() > 1)
                        )),
                        key: down,
                    });
                };
                if revs[d].revision != down {
                    broken_map = true;
                }
                push_unique(&mut all_nextrev[d], i);
                push_unique(&mut all_down[i], d);
                if revs[i].down_revisions.contains(&revs[d].revision) {
                    push_unique(&mut nextrev[d], i);
                }
                if revs[i].down_revisions.contains(&down) {
                    push_unique(&mut versioned_down[i], d);
                }
            }
        }

        let mut map = RevisionMap {
            revs,
            index,
            keys,
            versioned_down,
            all_down,
            normalized_down: vec![Vec::new(); n],
            nextrev,
            all_nextrev,
            heads: Vec::new(),
            real_heads: Vec::new(),
            bases: Vec::new(),
            real_bases: Vec::new(),
            warnings,
        };
        if broken_map && n > 0 {
            return Err(RevisionError::Other(
                "Dependency resolution failed; broken map".into(),
            ));
        }
        map.normalize_depends_on();

        // heads/bases keep the order of the input objects (alembic's OrderedSet).
        let mut last_object = vec![0usize; n];
        for (k, (i, _)) in objects.iter().enumerate() {
            last_object[*i] = k;
        }
        for (k, (i, obj)) in objects.iter().enumerate() {
            let live = last_object[*i] == k;
            let rev = &map.revs[*i];
            let is_head = !live || map.nextrev[*i].is_empty();
            let is_real_head = !live || map.all_nextrev[*i].is_empty();
            if is_head {
                map.heads.push(rev.revision.clone());
            }
            if is_real_head {
                map.real_heads.push(rev.revision.clone());
            }
            if obj.is_base {
                map.bases.push(rev.revision.clone());
            }
            if obj.is_real_base {
                map.real_bases.push(rev.revision.clone());
            }
        }
        map.detect_cycles()?;
        map.add_branches();

        for i in 0..n {
            let next: Vec<String> = map.nextrev[i]
                .iter()
                .map(|&c| map.revs[c].revision.clone())
                .collect();
            let all_next: Vec<String> = map.all_nextrev[i]
                .iter()
                .map(|&c| map.revs[c].revision.clone())
                .collect();
            map.revs[i].nextrev = next;
            map.revs[i].all_nextrev = all_next;
        }
        Ok(map)
    }

    /// Warnings alembic would emit while building (`Revision %s is present more than once`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.revs.len()
    }

    /// True when the map holds no revision.
    pub fn is_empty(&self) -> bool {
        self.revs.is_empty()
    }

    /// The revision at `idx` (from [`Node::Rev`]).
    pub fn rev(&self, idx: usize) -> &Revision {
        &self.revs[idx]
    }

    /// All revisions in map order.
    pub fn revisions(&self) -> &[Revision] {
        &self.revs
    }

    /// All "head" revisions (through `down_revision` only), in map order.
    pub fn heads(&self) -> &[String] {
        &self.heads
    }

    /// Heads counting `depends_on` too (alembic's `_real_heads`).
    pub fn real_heads(&self) -> &[String] {
        &self.real_heads
    }

    /// Revisions whose `down_revision` is None.
    pub fn bases(&self) -> &[String] {
        &self.bases
    }

    /// Bases without dependencies either (alembic's `_real_bases`).
    pub fn real_bases(&self) -> &[String] {
        &self.real_bases
    }

    pub(crate) fn idx(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    fn normalize_depends_on(&mut self) {
        let n = self.revs.len();
        for i in 0..n {
            let resolved = self.revs[i].resolved_dependencies.clone();
            let mut normalized = resolved.clone();
            if !resolved.is_empty() {
                for a in self.related(Rel::VersionedDown, &[i]) {
                    if a == i {
                        continue;
                    }
                    let theirs = &self.revs[a].resolved_dependencies;
                    normalized.retain(|d| !theirs.contains(d));
                }
            }
            // `normalized_down_revisions()` as indices: the down revisions (already
            // linked, in order), then the normalized dependencies not among them
            let mut downs = self.versioned_down[i].clone();
            for dep in &normalized {
                if let Some(d) = self.idx(dep)
                    && !downs.contains(&d)
                {
                    downs.push(d);
                }
            }
            self.revs[i].normalized_resolved_dependencies = normalized;
            self.normalized_down[i] = downs;
        }
    }

    fn detect_cycles(&self) -> Result<(), RevisionError> {
        if self.revs.is_empty() {
            return Ok(());
        }
        let all_ids = || self.revs.iter().map(|r| r.revision.clone()).collect();
        if self.heads.is_empty() || self.bases.is_empty() {
            return Err(RevisionError::CycleDetected {
                revisions: all_ids(),
            });
        }
        let missing = self.unreachable(&self.heads, Rel::VersionedDown, &self.bases, Rel::Next);
        if !missing.is_empty() {
            return Err(RevisionError::CycleDetected { revisions: missing });
        }
        if self.real_heads.is_empty() || self.real_bases.is_empty() {
            return Err(RevisionError::DependencyCycleDetected {
                revisions: all_ids(),
            });
        }
        let missing = self.unreachable(
            &self.real_heads,
            Rel::AllDown,
            &self.real_bases,
            Rel::AllNext,
        );
        if !missing.is_empty() {
            return Err(RevisionError::DependencyCycleDetected { revisions: missing });
        }
        Ok(())
    }

    /// Revisions not both below some head and above some base, sorted.
    fn unreachable(&self, tops: &[String], down: Rel, bottoms: &[String], up: Rel) -> Vec<String> {
        let to_idx =
            |ids: &[String]| -> Vec<usize> { ids.iter().filter_map(|s| self.idx(s)).collect() };
        let n = self.revs.len();
        let mut below = vec![false; n];
        for i in self.related(down, &to_idx(tops)) {
            below[i] = true;
        }
        let mut above = vec![false; n];
        for i in self.related(up, &to_idx(bottoms)) {
            above[i] = true;
        }
        let mut missing: Vec<String> = (0..n)
            .filter(|&i| !(below[i] && above[i]))
            .map(|i| self.revs[i].revision.clone())
            .collect();
        missing.sort();
        missing
    }

    /// Propagate each revision's labels over its branch (alembic's `_add_branches`).
    fn add_branches(&mut self) {
        // Labels as small integers with a membership bitset per revision: the same
        // propagation as alembic's `_add_branches`, without comparing strings.
        let n = self.revs.len();
        let mut ids: HashMap<Label, u32> = HashMap::new();
        let mut names: Vec<Label> = Vec::new();
        // The labels of each labelling revision, in the order it got them (its own
        // first): what it propagates when its turn comes.
        let mut carried: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (rev, mine) in self.revs.iter().zip(carried.iter_mut()) {
            for label in &rev.branch_labels {
                let id = *ids.entry(label.clone()).or_insert_with(|| {
                    names.push(label.clone());
                    (names.len() - 1) as u32
                });
                mine.push(id);
            }
        }
        if names.is_empty() {
            return;
        }
        let words = names.len().div_ceil(64);
        let mut bits = vec![0u64; n * words];
        for (i, mine) in carried.iter().enumerate() {
            for &id in mine {
                bits[i * words + (id as usize) / 64] |= 1 << (id % 64);
            }
        }
        let labelling: Vec<bool> = self
            .revs
            .iter()
            .map(|r| !r.orig_branch_labels.is_empty())
            .collect();
        // Every label given to a revision, as (revision, label) in order: the lists are
        // built once at the end, each at its final size.
        let mut given: Vec<(u32, u32)> = Vec::with_capacity(n);
        // add the labels of `mask` that `target` lacks, in the order of the propagating
        // revision's list (`rank`: each label's place in it)
        let mut missing: Vec<(u32, u32)> = Vec::new();
        let mut add = |target: usize,
                       mask: &[u64],
                       rank: &[u32],
                       bits: &mut [u64],
                       given: &mut Vec<(u32, u32)>,
                       carried: &mut [Vec<u32>]| {
            let row = &mut bits[target * words..(target + 1) * words];
            missing.clear();
            for (w, (have, want)) in row.iter_mut().zip(mask).enumerate() {
                let mut new = want & !*have;
                *have |= new;
                while new != 0 {
                    let id = (w * 64) as u32 + new.trailing_zeros();
                    missing.push((rank[id as usize], id));
                    new &= new - 1;
                }
            }
            if missing.len() > 1 {
                missing.sort_unstable();
            }
            for &(_, id) in &missing {
                given.push((target as u32, id));
                if labelling[target] {
                    carried[target].push(id);
                }
            }
        };
        let mut rank = vec![0u32; names.len()];
        // one depth-first walk per labelled revision; `seen` holds the walk's number. The
        // walks visit most of the map many times over: children as one flat array.
        let mut child_start: Vec<u32> = Vec::with_capacity(n + 1);
        let mut child_list: Vec<u32> = Vec::with_capacity(n);
        for children in &self.nextrev {
            child_start.push(child_list.len() as u32);
            child_list.extend(children.iter().map(|&c| c as u32));
        }
        child_start.push(child_list.len() as u32);
        let mut seen = vec![0u32; n];
        let mut todo: Vec<u32> = Vec::new();
        let mut walk = 0u32;
        for i in 0..n {
            // only revisions that declare labels; what they propagate is
            // everything they carry by now
            if !labelling[i] {
                continue;
            }
            for (k, &id) in carried[i].iter().enumerate() {
                rank[id as usize] = k as u32;
            }
            let mask = bits[i * words..(i + 1) * words].to_vec();
            walk += 1;
            // the descendants through nextrev, in `related`'s order
            let mut last = i;
            todo.push(i as u32);
            while let Some(r) = todo.pop() {
                let r = r as usize;
                if seen[r] == walk {
                    continue;
                }
                seen[r] = walk;
                let (from, to) = (child_start[r] as usize, child_start[r + 1] as usize);
                for &child in &child_list[from..to] {
                    todo.push(child);
                }
                // most descendants carry the labels already: test that inline
                let row = &bits[r * words..(r + 1) * words];
                if row.iter().zip(&mask).any(|(have, want)| want & !have != 0) {
                    add(r, &mask, &rank, &mut bits, &mut given, &mut carried);
                }
                last = r;
            }
            // alembic then walks down from the last descendant it visited until a
            // (real) branch point or merge point.
            let mut parent = last;
            loop {
                if self.all_nextrev[parent].len() > 1 || self.revs[parent].is_merge_point() {
                    break;
                }
                add(parent, &mask, &rank, &mut bits, &mut given, &mut carried);
                match self.versioned_down[parent].first() {
                    Some(&d) => parent = d,
                    None => break,
                }
            }
        }
        // each revision's own labels, then those it was given, in order
        let mut count = vec![0u32; n];
        for &(target, _) in &given {
            count[target as usize] += 1;
        }
        let mut lists: Vec<Vec<Label>> = Vec::with_capacity(n);
        for (rev, &extra) in self.revs.iter_mut().zip(&count) {
            let mut list = Vec::new();
            if extra > 0 {
                list.reserve_exact(rev.branch_labels.len() + extra as usize);
                list.append(&mut rev.branch_labels);
            }
            lists.push(list);
        }
        for (target, id) in given {
            lists[target as usize].push(names[id as usize].clone());
        }
        for ((rev, list), &extra) in self.revs.iter_mut().zip(lists).zip(&count) {
            if extra > 0 {
                rev.branch_labels = list;
            }
        }
    }

    fn edges(&self, rel: Rel, i: usize) -> &[usize] {
        &self.adjacency(rel)[i]
    }

    /// Every revision's edges of one kind, by index.
    fn adjacency(&self, rel: Rel) -> &[Vec<usize>] {
        match rel {
            Rel::VersionedDown => &self.versioned_down,
            Rel::NormalizedDown => &self.normalized_down,
            Rel::AllDown => &self.all_down,
            Rel::Next => &self.nextrev,
            Rel::AllNext => &self.all_nextrev,
        }
    }

    /// alembic's `_iterate_related_revisions` without the overlap check: depth first,
    /// each revision once, in alembic's visiting order.
    pub(crate) fn related(&self, rel: Rel, targets: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.revs.len()];
        let mut out = Vec::new();
        let mut todo = Vec::new();
        for &t in targets {
            todo.push(t);
            while let Some(r) = todo.pop() {
                if seen[r] {
                    continue;
                }
                seen[r] = true;
                todo.extend_from_slice(self.edges(rel, r));
                out.push(r);
            }
        }
        out
    }

    /// The revisions [`RevisionMap::related`] visits, as a set.
    pub(crate) fn related_set(&self, rel: Rel, targets: &[usize]) -> NodeSet {
        let adjacency = self.adjacency(rel);
        let mut seen = NodeSet::new(self.revs.len());
        let mut todo: Vec<usize> = Vec::new();
        for &t in targets {
            if seen.insert(t) {
                todo.push(t);
            }
            while let Some(r) = todo.pop() {
                for &e in &adjacency[r] {
                    if seen.insert(e) {
                        todo.push(e);
                    }
                }
            }
        }
        seen
    }

    /// The ancestors (through `NormalizedDown`, each revision included) of each revision
    /// in `needed`, as [`RevisionMap::related_set`] gives them, by index (`None` for the
    /// others). One pass from the bases up: a revision's set is its parents' sets joined,
    /// and a parent's set moves on to its last child instead of being copied, so a chain
    /// costs nothing and only branch and merge points copy or join whole sets.
    pub(crate) fn ancestor_sets(&self, needed: &[usize]) -> Vec<Option<NodeSet>> {
        let n = self.revs.len();
        let mut wanted = vec![false; n];
        for &x in needed {
            wanted[x] = true;
        }
        let parents = &self.normalized_down;
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (x, ps) in parents.iter().enumerate() {
            for &p in ps {
                children[p].push(x);
            }
        }
        let mut waiting_parents: Vec<usize> = parents.iter().map(Vec::len).collect();
        let mut waiting_children: Vec<usize> = children.iter().map(Vec::len).collect();
        let mut live: Vec<Option<NodeSet>> = vec![None; n];
        let mut out: Vec<Option<NodeSet>> = vec![None; n];
        let mut ready: Vec<usize> = (0..n).filter(|&x| waiting_parents[x] == 0).collect();
        while let Some(x) = ready.pop() {
            let mut set: Option<NodeSet> = None;
            for &p in &parents[x] {
                waiting_children[p] -= 1;
                let moved = if waiting_children[p] == 0 {
                    live[p].take()
                } else {
                    None
                };
                match (&mut set, moved) {
                    (None, Some(ps)) => set = Some(ps),
                    (None, None) => set = live[p].clone(),
                    (Some(s), Some(ps)) => s.union_with(&ps),
                    (Some(s), None) => {
                        if let Some(ps) = &live[p] {
                            s.union_with(ps);
                        }
                    }
                }
            }
            let mut set = set.unwrap_or_else(|| NodeSet::new(n));
            set.insert(x);
            if wanted[x] {
                out[x] = Some(set.clone());
            }
            if waiting_children[x] > 0 {
                live[x] = Some(set);
            }
            for &c in &children[x] {
                waiting_parents[c] -= 1;
                if waiting_parents[c] == 0 {
                    ready.push(c);
                }
            }
        }
        out
    }

    /// `_iterate_related_revisions(check=True)`: also fails when one requested
    /// revision is reached from another.
    pub(crate) fn related_checked(
        &self,
        rel: Rel,
        targets: &[usize],
        omit_immediate: bool,
    ) -> Result<Vec<usize>, RevisionError> {
        let mut seen = vec![false; self.revs.len()];
        let mut out = Vec::new();
        let mut todo = Vec::new();
        for &t in targets {
            todo.push(t);
            let mut per_target: Vec<usize> = Vec::new();
            while let Some(r) = todo.pop() {
                if !per_target.contains(&r) && targets.contains(&r) {
                    per_target.push(r);
                }
                if seen[r] {
                    continue;
                }
                seen[r] = true;
                if omit_immediate && targets.contains(&r) {
                    todo.extend_from_slice(&self.nextrev[r]);
                } else {
                    todo.extend_from_slice(self.edges(rel, r));
                }
                out.push(r);
            }
            let overlaps: Vec<&str> = per_target
                .iter()
                .filter(|&&o| o != t)
                .map(|&o| self.revs[o].revision.as_str())
                .collect();
            if !overlaps.is_empty() {
                return Err(RevisionError::Other(format!(
                    "Requested revision {} overlaps with other requested revisions {}",
                    self.revs[t].revision,
                    overlaps.join(", ")
                )));
            }
        }
        Ok(out)
    }

    /// `_get_ancestor_nodes`.
    pub(crate) fn ancestors(&self, targets: &[usize], include_dependencies: bool) -> Vec<usize> {
        let rel = if include_dependencies {
            Rel::NormalizedDown
        } else {
            Rel::VersionedDown
        };
        self.related(rel, targets)
    }

    /// `_get_descendant_nodes`.
    pub(crate) fn descendants(&self, targets: &[usize], include_dependencies: bool) -> Vec<usize> {
        let rel = if include_dependencies {
            Rel::AllNext
        } else {
            Rel::Next
        };
        self.related(rel, targets)
    }

    // ---- the identifier grammar -------------------------------------------------

    /// Resolve symbolic names (`heads`, `head`, `base`, `label@...`) into ids and a
    /// branch label (alembic's `_resolve_revision_number`).
    pub fn resolve_revision_number(
        &self,
        id: &RevIdent,
    ) -> Result<(Vec<String>, Option<String>), RevisionError> {
        let (branch_label, id) = match id {
            RevIdent::Str(s) => match s.split_once('@') {
                Some((b, rest)) => (Some(b.to_string()), RevIdent::Str(rest.to_string())),
                None => (None, id.clone()),
            },
            _ => (None, id.clone()),
        };
        let label = branch_label.as_deref().filter(|b| !b.is_empty());
        match &id {
            RevIdent::Str(s) if s == "heads" => match label {
                Some(b) => {
                    let heads = self.filter_ids_for_lineage(&self.heads, Some(b), false)?;
                    Ok((heads, branch_label))
                }
                None => Ok((self.real_heads.clone(), branch_label)),
            },
            RevIdent::Str(s) if s == "head" => {
                let head = self.get_current_head(label)?;
                Ok((head.into_iter().collect(), branch_label))
            }
            RevIdent::Str(s) if s == "base" => Ok((Vec::new(), branch_label)),
            RevIdent::None => Ok((Vec::new(), branch_label)),
            RevIdent::Str(s) => Ok((vec![s.clone()], branch_label)),
            RevIdent::Tuple(v) => Ok((v.clone(), branch_label)),
        }
    }

    /// The single current head, optionally of one branch (`get_current_head`).
    pub fn get_current_head(
        &self,
        branch_label: Option<&str>,
    ) -> Result<Option<String>, RevisionError> {
        let branch_label = branch_label.filter(|b| !b.is_empty());
        let heads = match branch_label {
            Some(b) => self.filter_ids_for_lineage(&self.heads, Some(b), false)?,
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            return Err(RevisionError::MultipleHeads {
                heads,
                argument: match branch_label {
                    Some(b) => format!("{b}@head"),
                    None => "head".into(),
                },
            });
        }
        Ok(heads.into_iter().next())
    }

    /// Resolve an identifier into nodes (alembic's `RevisionMap.get_revisions`).
    pub fn resolve(&self, id: &RevIdent) -> Result<Vec<Node>, RevisionError> {
        if let RevIdent::Tuple(items) = id {
            let mut out = Vec::new();
            for item in items {
                out.extend(self.resolve(&RevIdent::Str(item.clone()))?);
            }
            return Ok(out);
        }
        let (resolved, branch_label) = self.resolve_revision_number(id)?;
        if resolved.len() == 1
            && let Some(steps) = py_int(&resolved[0])
            && steps < 0
        {
            // branch@-n: walk down from the heads
            let mut heads = self.resolve(&RevIdent::str("heads"))?;
            if let Some(b) = &branch_label {
                heads.retain(|h| match h {
                    Node::Rev(i) => self.revs[*i].branch_labels.iter().any(|l| **l == **b),
                    _ => false,
                });
            }
            let mut out = Vec::new();
            for head in heads {
                out.push(self.walk(head, steps, None, true)?);
            }
            return Ok(out);
        }
        let mut out = Vec::new();
        for r in &resolved {
            out.push(self.revision_for_ident(Some(r), branch_label.as_deref())?);
        }
        Ok(out)
    }

    /// The revisions an identifier names (`get_revisions`); `base` gives none.
    /// Non-revision results of relative walks (`"base"`, `None`) are dropped.
    pub fn get_revisions(&self, id: &str) -> Result<Vec<&Revision>, RevisionError> {
        Ok(self
            .resolve(&RevIdent::str(id))?
            .into_iter()
            .filter_map(|n| match n {
                Node::Rev(i) => Some(&self.revs[i]),
                _ => None,
            })
            .collect())
    }

    /// One revision (`get_revision`): `None` for `base`; `MultipleHeads` when the
    /// identifier names several.
    pub fn get_revision(&self, id: &str) -> Result<Option<&Revision>, RevisionError> {
        match self.resolve_one(&RevIdent::str(id))? {
            Node::Rev(i) => Ok(Some(&self.revs[i])),
            _ => Ok(None),
        }
    }

    /// `get_revision` on any identifier, as a node.
    pub fn resolve_one(&self, id: &RevIdent) -> Result<Node, RevisionError> {
        let (resolved, branch_label) = self.resolve_revision_number(id)?;
        if resolved.len() > 1 {
            return Err(RevisionError::MultipleHeads {
                heads: resolved,
                argument: id.py_str(),
            });
        }
        self.revision_for_ident(
            resolved.first().map(|s| s.as_str()),
            branch_label.as_deref(),
        )
    }

    pub(crate) fn resolve_branch(&self, branch_label: &str) -> Result<Node, RevisionError> {
        if let Some(i) = self.idx(branch_label) {
            return Ok(Node::Rev(i));
        }
        match self.revision_for_ident(Some(branch_label), None) {
            Err(RevisionError::Resolution { .. }) => Err(RevisionError::resolution(
                format!("No such branch: '{branch_label}'"),
                branch_label,
            )),
            other => other,
        }
    }

    /// alembic's `_revision_for_ident`: exact id or label, else a unique prefix of at
    /// least four characters; checked against `check_branch`.
    pub(crate) fn revision_for_ident(
        &self,
        resolved_id: Option<&str>,
        check_branch: Option<&str>,
    ) -> Result<Node, RevisionError> {
        let check_branch = check_branch.filter(|b| !b.is_empty());
        let branch_rev = match check_branch {
            Some(b) => Some(self.resolve_branch(b)?),
            None => None,
        };
        let Some(rid) = resolved_id else {
            return Ok(Node::Null);
        };
        let idx = match self.idx(rid) {
            Some(i) => i,
            None => {
                let mut candidates: Vec<(&str, usize)> = self
                    .keys
                    .iter()
                    .filter(|k| k.chars().count() > 3 && k.starts_with(rid))
                    .map(|k| (k.as_str(), self.index[k]))
                    .collect();
                if let (Some(_), Some(b)) = (branch_rev, check_branch)
                    && !candidates.is_empty()
                {
                    let shares = self.lineage_set(Some(b))?;
                    let mut kept = Vec::new();
                    for c in candidates {
                        if self.shares_lineage(c.1, &shares, false) {
                            kept.push(c);
                        }
                    }
                    candidates = kept;
                }
                match candidates.len() {
                    0 => {
                        let hint = if rid.chars().count() < 4 {
                            "; please ensure at least four characters are present for partial revision identifier matches"
                        } else {
                            ""
                        };
                        return Err(RevisionError::resolution(
                            format!("No such revision or branch '{rid}'{hint}"),
                            rid,
                        ));
                    }
                    1 => candidates[0].1,
                    _ => {
                        let listed: Vec<String> = candidates
                            .iter()
                            .take(3)
                            .map(|c| format!("'{}'", c.0))
                            .collect();
                        return Err(RevisionError::resolution(
                            format!(
                                "Multiple revisions start with '{}': {}...",
                                rid,
                                listed.join(", ")
                            ),
                            rid,
                        ));
                    }
                }
            }
        };
        if let (Some(Node::Rev(b)), Some(label)) = (branch_rev, check_branch)
            && !self.shares_lineage(idx, &[Node::Rev(b)], false)
        {
            return Err(RevisionError::resolution(
                format!(
                    "Revision {} is not a member of branch '{}'",
                    self.revs[idx].revision, label
                ),
                rid,
            ));
        }
        Ok(Node::Rev(idx))
    }

    /// The identifiers `filter_for_lineage` compares against: the branch label, then
    /// the ids `check_against` resolves to. Resolved lazily, like alembic does.
    fn lineage_args(&self, check_against: Option<&str>) -> Result<Vec<String>, RevisionError> {
        let ident = match check_against {
            Some(s) => RevIdent::str(s),
            None => RevIdent::None,
        };
        let (ids, branch_label) = self.resolve_revision_number(&ident)?;
        let mut shares = Vec::new();
        if let Some(b) = branch_label.filter(|b| !b.is_empty()) {
            shares.push(b);
        }
        shares.extend(ids);
        Ok(shares)
    }

    fn resolve_lineage_args(&self, args: &[String]) -> Result<Vec<Node>, RevisionError> {
        args.iter()
            .map(|a| self.revision_for_ident(Some(a), None))
            .collect()
    }

    /// The revisions `check_against` names, as `filter_for_lineage` compares against.
    fn lineage_set(&self, check_against: Option<&str>) -> Result<Vec<Node>, RevisionError> {
        let args = self.lineage_args(check_against)?;
        self.resolve_lineage_args(&args)
    }

    /// alembic's `_shares_lineage`: `target` is an ancestor or descendant of (or
    /// equal to) one of `against`. An empty `against` shares with everything.
    pub(crate) fn shares_lineage(
        &self,
        target: usize,
        against: &[Node],
        include_dependencies: bool,
    ) -> bool {
        if against.is_empty() {
            return true;
        }
        let wanted: Vec<usize> = against
            .iter()
            .filter_map(|n| match n {
                Node::Rev(i) => Some(*i),
                _ => None,
            })
            .collect();
        if wanted.is_empty() {
            return false;
        }
        self.descendants(&[target], include_dependencies)
            .into_iter()
            .chain(self.ancestors(&[target], include_dependencies))
            .any(|r| wanted.contains(&r))
    }

    /// `filter_for_lineage` over revision indices.
    pub(crate) fn filter_for_lineage(
        &self,
        targets: &[usize],
        check_against: Option<&str>,
        include_dependencies: bool,
    ) -> Result<Vec<usize>, RevisionError> {
        let args = self.lineage_args(check_against)?;
        if targets.is_empty() || args.is_empty() {
            return Ok(targets.to_vec());
        }
        let shares = self.resolve_lineage_args(&args)?;
        Ok(targets
            .iter()
            .copied()
            .filter(|&t| self.shares_lineage(t, &shares, include_dependencies))
            .collect())
    }

    /// `filter_for_lineage` over revision ids.
    pub fn filter_ids_for_lineage(
        &self,
        targets: &[String],
        check_against: Option<&str>,
        include_dependencies: bool,
    ) -> Result<Vec<String>, RevisionError> {
        let args = self.lineage_args(check_against)?;
        if targets.is_empty() || args.is_empty() {
            return Ok(targets.to_vec());
        }
        let mut shares: Option<Vec<Node>> = None;
        let mut out = Vec::new();
        for t in targets {
            let Node::Rev(i) = self.revision_for_ident(Some(t), None)? else {
                continue;
            };
            if shares.is_none() {
                shares = Some(self.resolve_lineage_args(&args)?);
            }
            let shares = shares.as_deref().unwrap_or_default();
            if self.shares_lineage(i, shares, include_dependencies) {
                out.push(t.clone());
            }
        }
        Ok(out)
    }

    /// alembic's `_shares_lineage` on identifiers: `target` is an ancestor or
    /// descendant of (or equal to) one of `against` (empty `against`: true).
    pub fn shares_lineage_ids(
        &self,
        target: &str,
        against: &[String],
        include_dependencies: bool,
    ) -> Result<bool, RevisionError> {
        if against.is_empty() {
            return Ok(true);
        }
        let Node::Rev(t) = self.revision_for_ident(Some(target), None)? else {
            return Ok(false);
        };
        let against = self.resolve_lineage_args(against)?;
        Ok(self.shares_lineage(t, &against, include_dependencies))
    }

    /// Walk `steps` up (positive) or down (negative) from `start` (alembic's `_walk`).
    pub(crate) fn walk(
        &self,
        start: Node,
        steps: i64,
        branch_label: Option<&str>,
        no_overwalk: bool,
    ) -> Result<Node, RevisionError> {
        let mut initial = start;
        for _ in 0..steps.unsigned_abs() {
            let children: Vec<Node> = if steps > 0 {
                let up_ids: Vec<usize> = match initial {
                    Node::Null => self.bases.iter().filter_map(|b| self.idx(b)).collect(),
                    Node::Rev(i) => self.nextrev[i].clone(),
                    Node::Base => {
                        return Err(RevisionError::Other("Can't walk up from 'base'".into()));
                    }
                };
                let up_ids = match branch_label.filter(|b| !b.is_empty()) {
                    Some(b) => self.filter_for_lineage(&up_ids, Some(b), false)?,
                    None => up_ids,
                };
                up_ids.into_iter().map(Node::Rev).collect()
            } else {
                match initial {
                    Node::Base => Vec::new(),
                    Node::Null => self
                        .heads
                        .iter()
                        .filter_map(|h| self.idx(h))
                        .map(Node::Rev)
                        .collect(),
                    Node::Rev(i) => {
                        let downs: Vec<Node> = self.versioned_down[i]
                            .iter()
                            .map(|&d| Node::Rev(d))
                            .collect();
                        if downs.is_empty() {
                            vec![Node::Base]
                        } else {
                            downs
                        }
                    }
                }
            };
            let children = if steps < 0 && children.is_empty() && initial == Node::Null {
                vec![Node::Base]
            } else {
                children
            };
            match children.len() {
                0 => return Ok(if no_overwalk { Node::Null } else { initial }),
                1 => initial = children[0],
                _ => return Err(RevisionError::Other("Ambiguous walk".into())),
            }
        }
        Ok(initial)
    }

    /// alembic's `_get_all_current`: the branch heads among `ids` and their ancestors
    /// (what `alembic current` prints), in map order.
    pub fn get_all_current(&self, ids: &[String]) -> Result<Vec<&Revision>, RevisionError> {
        let mut top: Vec<usize> = Vec::new();
        for n in self.resolve(&RevIdent::Tuple(ids.to_vec()))? {
            if let Node::Rev(i) = n {
                top.push(i);
            }
        }
        let mut member = vec![false; self.revs.len()];
        for i in self
            .ancestors(&top, true)
            .into_iter()
            .chain(top.iter().copied())
        {
            member[i] = true;
        }
        let mut out = Vec::new();
        for i in 0..self.revs.len() {
            if !member[i] {
                continue;
            }
            let has_desc = self
                .descendants(&[i], false)
                .into_iter()
                .any(|d| d != i && member[d]);
            if !has_desc {
                out.push(&self.revs[i]);
            }
        }
        Ok(out)
    }

    /// The indices of a list of nodes that are revisions.
    pub(crate) fn rev_indices(nodes: &[Node]) -> Vec<usize> {
        nodes
            .iter()
            .filter_map(|n| match n {
                Node::Rev(i) => Some(*i),
                _ => None,
            })
            .collect()
    }
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// `Script.__str__` as alembic formats a revision in its "not present" warning,
/// with the head/branchpoint state at that moment of the build.
fn script_str(r: &Revision, is_head: bool, is_branch_point: bool) -> String {
    let down = if r.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        r.down_revisions.join(", ")
    };
    format!(
        "{} -> {}{}{}{}, {}",
        down,
        r.revision,
        if is_head { " (head)" } else { "" },
        if is_branch_point {
            " (branchpoint)"
        } else {
            ""
        },
        if r.is_merge_point() {
            " (mergepoint)"
        } else {
            ""
        },
        r.doc()
    )
}

/// Python's `int(s)` for the forms that matter here (sign, digits, underscores,
/// surrounding whitespace); saturates instead of growing without bound.
pub(crate) fn py_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        value = value
            .saturating_mul(10)
            .saturating_add(i64::from(c as u8 - b'0'));
    }
    Some(if neg { -value } else { value })
}
