//! The query engine in Rust, over the written index files. `templates/search.js` runs the same
//! steps in the browser; `tests/search.rs` checks relevance with this one and the browser test
//! (`tests/e2e`) checks that the page shows the same ranking.
//!
//! 1. The query's terms (`tokenize::query_terms`): bigrams and folded words.
//! 2. For each term, its shard (top `shard_bits` of its hash) and posting list.
//! 3. score(doc) = Σ idf×1000 × weight over the terms it has (integers: no rounding drift
//!    between engines); matched(doc) = how many terms it has.
//! 4. If some articles have every term, only those, else every article with any term;
//!    ordered by matched, then score, both descending, then by id (newer first).

use std::collections::HashMap;

use anyhow::{Context, Result, bail};

use super::format::{DocRecord, FORMAT, Meta, ShardReader, postings};
use super::rules::SearchRules;
use super::tokenize;

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub matched: u32,
    pub score: u64,
}

/// A built index on disk (or anywhere `load` can read site-relative `search/…` files from).
pub struct Searcher<F: Fn(&str) -> Result<Vec<u8>>> {
    pub meta: Meta,
    load: F,
    words: SearchRules,
    shards: std::cell::RefCell<HashMap<u32, Vec<u8>>>,
}

/// Reads index files by site-relative path.
pub type Loader = Box<dyn Fn(&str) -> Result<Vec<u8>>>;

/// A searcher over a built site on disk.
pub type DirSearcher = Searcher<Loader>;

impl DirSearcher {
    /// Reads the index of a built site in `dir` (`public/`).
    pub fn open_dir(dir: &std::path::Path) -> Result<Self> {
        let dir = dir.to_path_buf();
        Searcher::new(Box::new(move |rel: &str| crate::fsx::read(&dir.join(rel))))
    }
}

impl<F: Fn(&str) -> Result<Vec<u8>>> Searcher<F> {
    pub fn new(load: F) -> Result<Self> {
        let meta: Meta = serde_json::from_slice(&load("search/meta.json")?)
            .context("search/meta.json is not a search index")?;
        if meta.format != FORMAT {
            bail!(
                "search index format {} (this build reads {FORMAT})",
                meta.format
            );
        }
        let words = SearchRules::from_lists(&meta.stop_words, &meta.plural_endings);
        Ok(Searcher {
            meta,
            load,
            words,
            shards: Default::default(),
        })
    }

    /// Query terms as the browser computes them (stop words and plurals from `meta.json`).
    pub fn terms(&self, query: &str) -> Vec<String> {
        tokenize::query_terms(query, &self.words)
    }

    /// Every matching article, best first.
    pub fn search(&self, query: &str) -> Result<Vec<Hit>> {
        let terms = self.terms(query);
        let mut acc: HashMap<u32, (u32, u64)> = HashMap::new();
        for term in &terms {
            let shard = tokenize::shard_of(term, self.meta.shard_bits);
            let mut cache = self.shards.borrow_mut();
            let bytes = match cache.entry(shard) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((self.load)(&format!("search/shards/{shard}.bin"))?)
                }
            };
            let mut r = ShardReader::new(bytes);
            while let Some(e) = r.next_term() {
                if e.term != term {
                    continue;
                }
                for (doc, w) in postings(e.block) {
                    let a = acc.entry(doc).or_insert((0, 0));
                    a.0 += 1;
                    a.1 += u64::from(e.idf) * u64::from(w);
                }
                break;
            }
        }
        let all = terms.len() as u32;
        let any_full = acc.values().any(|a| a.0 == all);
        let mut hits: Vec<Hit> = acc
            .into_iter()
            .filter(|(_, a)| !any_full || a.0 == all)
            .map(|(doc, (matched, score))| Hit {
                doc,
                matched,
                score,
            })
            .collect();
        hits.sort_by(|a, b| {
            b.matched
                .cmp(&a.matched)
                .then(b.score.cmp(&a.score))
                .then(a.doc.cmp(&b.doc))
        });
        Ok(hits)
    }

    /// The stored record of a result.
    pub fn doc(&self, id: u32) -> Result<DocRecord> {
        let chunk = id / self.meta.doc_chunk.max(1);
        let name = format!("search/docs/{chunk}.json");
        let recs: Vec<DocRecord> =
            serde_json::from_slice(&(self.load)(&name)?).with_context(|| name.clone())?;
        recs.into_iter()
            .nth((id % self.meta.doc_chunk.max(1)) as usize)
            .with_context(|| format!("{name} has no record {id}"))
    }
}
