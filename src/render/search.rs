//! Search records: the index files under `search/` (`meta.json`, shards, doc records), built by
//! [`crate::search`] and written into the same output as the pages. The `/search/` page and
//! its script are static pages (`static_pages.rs`).

use anyhow::Result;

use crate::config::Config;
use crate::content::Library;
use crate::output::Output;
use crate::search::{IndexStats, Indexer};

/// Writes the search index of `library` under `search/` (when search is enabled).
///
/// `serve` keeps one [`Indexer`] instead and calls [`write_with`] after each rebuild:
/// unchanged articles are not re-read.
pub fn write(
    config: &Config,
    library: &Library,
    indexer: impl FnOnce() -> Indexer,
    out: &dyn Output,
) -> Result<IndexStats> {
    if !config.search.enabled {
        return Ok(IndexStats::default());
    }
    write_with(&mut indexer(), library, out)
}

/// Indexes `library` with `indexer` (which keeps the terms of unchanged articles) and writes
/// the files.
pub fn write_with(
    indexer: &mut Indexer,
    library: &Library,
    out: &dyn Output,
) -> Result<IndexStats> {
    indexer.index(library).write(out)
}
