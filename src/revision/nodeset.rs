//! `NodeSet`: a set of revision indices of one map, as a bitset. The graph walks build
//! and test many sets that span most of the map (ancestors of each head in a
//! topological sort); a bit per revision is far cheaper there than hashing.

/// A set of indices below the map's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeSet {
    words: Vec<u64>,
    len: usize,
}

impl NodeSet {
    /// An empty set for a map of `n` revisions.
    pub(crate) fn new(n: usize) -> NodeSet {
        NodeSet {
            words: vec![0; n.div_ceil(64)],
            len: 0,
        }
    }

    /// The set of `items`, for a map of `n` revisions.
    pub(crate) fn from_indices(n: usize, items: impl IntoIterator<Item = usize>) -> NodeSet {
        let mut set = NodeSet::new(n);
        set.extend(items);
        set
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Add `i`; true when it was not there yet.
    pub(crate) fn insert(&mut self, i: usize) -> bool {
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let new = self.words[w] & bit == 0;
        self.words[w] |= bit;
        self.len += usize::from(new);
        new
    }

    /// Take `i` out; true when it was there.
    pub(crate) fn remove(&mut self, i: usize) -> bool {
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let had = self.words[w] & bit != 0;
        self.words[w] &= !bit;
        self.len -= usize::from(had);
        had
    }

    pub(crate) fn extend(&mut self, items: impl IntoIterator<Item = usize>) {
        for i in items {
            self.insert(i);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The members in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
        })
    }

    /// Keep the members `keep` accepts.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let drop: Vec<usize> = self.iter().filter(|&i| !keep(i)).collect();
        for i in drop {
            self.remove(i);
        }
    }

    /// Members of `self` that are not in `other` (same map).
    pub(crate) fn difference(&self, other: &NodeSet) -> NodeSet {
        let words: Vec<u64> = self
            .words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| a & !b)
            .collect();
        let len = words.iter().map(|w| w.count_ones() as usize).sum();
        NodeSet { words, len }
    }

    /// Add every member of `other` (same map).
    pub(crate) fn union_with(&mut self, other: &NodeSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self.len = self.words.iter().map(|w| w.count_ones() as usize).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::NodeSet;

    #[test]
    fn behaves_like_a_set() {
        let mut s = NodeSet::from_indices(130, [3, 64, 129, 3]);
        assert_eq!(s.len(), 3);
        assert!(s.contains(64) && !s.contains(65));
        assert!(!s.insert(3) && s.insert(0));
        assert!(s.remove(129) && !s.remove(129));
        assert_eq!(s.iter().collect::<Vec<_>>(), [0, 3, 64]);
        let other = NodeSet::from_indices(130, [3, 100]);
        assert_eq!(s.difference(&other).iter().collect::<Vec<_>>(), [0, 64]);
        s.retain(|i| i != 0);
        assert_eq!(s.iter().collect::<Vec<_>>(), [3, 64]);
        s.union_with(&other);
        assert_eq!(
            (s.len(), s.iter().collect::<Vec<_>>()),
            (3, vec![3, 64, 100])
        );
        assert!(NodeSet::new(0).is_empty());
    }
}
