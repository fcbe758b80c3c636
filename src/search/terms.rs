//! What the indexer keeps of one article: its terms with their counts, shared by the indexer
//! ([`super::index`]) and the cache that saves them between builds ([`super::cache`]).

use std::collections::HashMap;
use std::sync::Arc;

/// Term ids are already hashes (or packed CJK characters): a one-multiply hasher is enough,
/// where std's SipHash would dominate indexing.
pub(crate) type IdMap<V> = rustc_hash::FxHashMap<u64, V>;

/// The terms of one article, sorted by (shard hash, id), with their boosted counts.
#[derive(Debug, Default, PartialEq)]
pub(super) struct DocTerms {
    pub(super) hashes: Vec<u32>,
    pub(super) ids: Vec<u64>,
    pub(super) counts: Vec<u16>,
    /// Terms in the article's text fields (the length BM25 normalizes by).
    pub(super) len: u32,
}

/// Article path → (fingerprint of what is indexed, its terms).
pub(super) type TermCache = HashMap<String, (u64, Arc<DocTerms>)>;
