//! Client-side search (issue 7): an index of our own, written by `build` beside the site.
//!
//! Chinese is indexed as character bigrams and everything else as folded words
//! ([`tokenize`]); the index is sharded by term hash so a query downloads only the shards of
//! its terms plus the records of the results it shows ([`index`] has the file layout). The
//! browser (`templates/search.js`) and [`query`] rank the same way. Company names find their
//! aliases ([`aliases`]). Nothing here renders templates: the `/search/` page is a render job.

pub mod aliases;
pub mod index;
pub mod query;
pub mod tokenize;

use anyhow::Result;

use crate::config::Config;
use crate::content::Library;
use crate::render::output::Output;

pub use index::{IndexStats, Indexer, SearchIndex};

/// Writes the search index of `library` under `search/` (when search is enabled).
///
/// `serve` should keep one [`Indexer`] instead and call [`Indexer::index`] after each
/// rebuild: unchanged articles are not re-read.
pub fn write(
    config: &Config,
    library: &Library,
    vocab: &crate::tagging::Vocabulary,
    out: &dyn Output,
) -> Result<IndexStats> {
    if !config.search.enabled {
        return Ok(IndexStats::default());
    }
    Indexer::with_vocabulary(config, vocab)
        .index(library)
        .write(out)
}
