//! Fast, deterministic hashing for fingerprints and internal maps: rustc's FxHash, from the
//! `rustc-hash` crate. Not for keys an attacker controls at scale; content fingerprints and
//! output paths are ours. The FNV `input_hash` that `convert` stores and the search hash that
//! `search.js` must match are defined where they are used, not here: they may never change.

use std::hash::{BuildHasher, Hash};

pub use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet, FxHasher};

/// Fingerprint of anything hashable (stable within and across runs of one build of newsroom).
pub fn fingerprint(value: impl Hash) -> u64 {
    FxBuildHasher.hash_one(value)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_are_stable_and_distinguish_inputs() {
        use super::fingerprint;
        assert_eq!(fingerprint(("a", 1)), fingerprint(("a", 1)));
        assert_ne!(fingerprint(("a", 1)), fingerprint(("a", 2)));
        assert_ne!(fingerprint("ab"), fingerprint("ba"));
    }
}
