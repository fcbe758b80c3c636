//! What the indexer keeps of the articles: each article's terms with their counts, and the
//! table of every term seen. Shared by the indexer ([`super::index`]) and the cache that saves
//! them between builds ([`super::cache`]).
//!
//! An article's terms are numbers into the [`TermTable`] (4 bytes and a 2-byte count each,
//! instead of the term's 8-byte id and 4-byte shard hash): at 100,000 articles the terms are
//! 29 million postings, 175 MB this way against 410 MB.

use std::collections::HashMap;
use std::sync::Arc;

/// Term ids are already hashes (or packed CJK characters): a one-multiply hasher is enough,
/// where std's SipHash would dominate indexing.
pub(crate) type IdMap<V> = rustc_hash::FxHashMap<u64, V>;

/// The terms of one article: numbers into the indexer's [`TermTable`], sorted by the terms'
/// (shard hash, id), with their boosted counts.
#[derive(Debug, Default, PartialEq)]
pub(super) struct DocTerms {
    pub(super) terms: Vec<u32>,
    pub(super) counts: Vec<u16>,
    /// Terms in the article's text fields (the length BM25 normalizes by).
    pub(super) len: u32,
}

/// Article path → (fingerprint of what is indexed, its terms).
pub(super) type TermCache = HashMap<String, (u64, Arc<DocTerms>)>;

/// Every term an indexer has seen, numbered in the order it was first seen (a number never
/// changes while the indexer lives): its shard hash and id, and the text of each word (CJK
/// ids carry their characters).
#[derive(Debug, Default)]
pub(super) struct TermTable {
    /// Number → (shard hash, id).
    pub(super) entries: Vec<(u32, u64)>,
    /// Id → number.
    pub(super) numbers: IdMap<u32>,
    /// Id → text, for words.
    pub(super) words: IdMap<Box<str>>,
}

impl TermTable {
    pub(super) fn number(&self, id: u64) -> Option<u32> {
        self.numbers.get(&id).copied()
    }

    /// The number of a term, given one when it is new.
    pub(super) fn add(&mut self, hash: u32, id: u64, word: Option<Box<str>>) -> u32 {
        if let Some(&n) = self.numbers.get(&id) {
            return n;
        }
        let n = self.entries.len() as u32;
        self.entries.push((hash, id));
        self.numbers.insert(id, n);
        if let Some(w) = word {
            self.words.insert(id, w);
        }
        n
    }

    /// (shard hash, id) of term `n`.
    pub(super) fn get(&self, n: u32) -> (u32, u64) {
        self.entries[n as usize]
    }
}
