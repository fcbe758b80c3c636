//! Client-side search (issue 7): an index of our own, written by `build` beside the site.
//!
//! Chinese is indexed as character bigrams and everything else as folded words
//! ([`tokenize`]); the index is sharded by term hash so a query downloads only the shards of
//! its terms plus the records of the results it shows ([`format`] has the file layout). The
//! browser (`templates/search.js`) and [`query`] rank the same way. Company names find their
//! aliases ([`aliases`]); stop words and plural endings are data ([`rules`],
//! `rules/search.toml`). Nothing here renders templates or imports `render`: the `/search/`
//! page is a render output.

pub mod aliases;
mod cache;
pub mod format;
pub mod index;
pub mod query;
pub mod rules;
mod terms;
pub mod tokenize;

pub use format::{DocRecord, Meta};
pub use index::{IndexStats, Indexer, Plan, SearchIndex};
pub use rules::{SearchRules, StopWords};
