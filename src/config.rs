//! Site configuration (`config.toml`): what the user wrote, validated once, Zola-like.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::diag::line_col;

/// The whole of `config.toml`. Unknown keys are an error with line and column.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in the masthead and feeds.
    pub title: String,
    /// One-line description for the index page and feeds.
    pub description: String,
    /// Absolute URL the site is published at, with or without a sub-path.
    pub base_url: String,
    /// Default language of the site and of articles that do not say (`zh`, `en`, …).
    pub language: String,
    /// Articles per page on the index.
    pub paginate_by: usize,
    /// Entries in each feed.
    pub feed_limit: usize,
    /// Write `/atom.xml` and `/rss.xml`.
    pub generate_feeds: bool,
    /// Taxonomies articles are tagged with; `companies` and `topics` by default.
    pub taxonomies: BTreeMap<String, TaxonomyConfig>,
    /// Markdown rendering options.
    pub markdown: MarkdownConfig,
    /// Words per minute used for reading time.
    pub reading: ReadingConfig,
    /// Client-side search: the index, the `/search/` page and the masthead search box.
    pub search: SearchConfig,
    /// `[assets]`: which files of `static/` and `content/` are published.
    pub assets: AssetsConfig,
    /// Free-form values for templates.
    pub extra: toml::Table,
}

impl Default for Config {
    fn default() -> Self {
        let mut taxonomies = BTreeMap::new();
        taxonomies.insert("companies".to_string(), TaxonomyConfig::default());
        taxonomies.insert("topics".to_string(), TaxonomyConfig::default());
        Config {
            title: "newsroom".into(),
            description: String::new(),
            base_url: "http://127.0.0.1:1111/".into(),
            language: "zh".into(),
            paginate_by: 10,
            feed_limit: 20,
            generate_feeds: true,
            taxonomies,
            markdown: MarkdownConfig::default(),
            reading: ReadingConfig::default(),
            search: SearchConfig::default(),
            assets: AssetsConfig::default(),
            extra: toml::Table::new(),
        }
    }
}

/// `[assets]`: file kinds a site publishes besides the built-in allow-list
/// (`content::assets::MEDIA`, and `STATIC_ONLY` in `static/`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetsConfig {
    /// Extra extensions, without the dot (`["csv", "gpx"]`), allowed in both folders.
    pub extensions: Vec<String>,
}

/// One taxonomy (`[taxonomies.companies]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Articles per page on each term page.
    pub paginate_by: Option<usize>,
    /// Write an Atom feed per term.
    pub feed: bool,
    /// Display name for the taxonomy's index page (default: the name, capitalised).
    pub title: Option<String>,
}

impl Default for TaxonomyConfig {
    fn default() -> Self {
        TaxonomyConfig {
            paginate_by: None,
            feed: true,
            title: None,
        }
    }
}

/// `[markdown]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Turn straight ASCII quotes and dashes into typographic ones (ASCII only; CJK untouched).
    pub smart_punctuation: bool,
    /// Open external links in a new tab.
    pub external_links_target_blank: bool,
    /// Add `nofollow` to external links.
    pub external_links_no_follow: bool,
    /// Give headings an id (for anchors and the table of contents).
    pub heading_ids: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: false,
            external_links_target_blank: false,
            external_links_no_follow: false,
            heading_ids: true,
        }
    }
}

/// `[reading]`: reading speed, counted per script.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadingConfig {
    /// Han, kana and hangul characters read per minute.
    pub cjk_chars_per_minute: u32,
    /// Latin-script words read per minute.
    pub words_per_minute: u32,
}

impl Default for ReadingConfig {
    fn default() -> Self {
        ReadingConfig {
            cjk_chars_per_minute: 400,
            words_per_minute: 220,
        }
    }
}

/// `[search]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Write the search index and the `/search/` page, and show a search box on every page.
    pub enabled: bool,
    /// Parts of an article that are indexed: `title`, `description`, `body`, `taxonomies`.
    pub fields: Vec<SearchField>,
    /// Characters of each article's text kept for result snippets; more means larger downloads.
    pub snippet_chars: usize,
    /// Aimed size of one index shard in bytes; a query downloads one shard per term.
    pub shard_bytes: usize,
    /// More names for taxonomy terms, e.g. `Microsoft = ["MSFT"]`; added to the built-in
    /// company aliases, so that searching any name finds articles tagged with the term.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// A part of an article that search can index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchField {
    Title,
    Description,
    Body,
    /// Term names of every taxonomy (companies, topics), with their aliases.
    Taxonomies,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            fields: vec![
                SearchField::Title,
                SearchField::Description,
                SearchField::Body,
                SearchField::Taxonomies,
            ],
            snippet_chars: 500,
            shard_bytes: 16 * 1024,
            aliases: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Parses `config.toml` text; `name` is used in error messages.
    pub fn parse(text: &str, name: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            anyhow::anyhow!("{name}:{line}:{col}: {}", e.message().trim())
        })?;
        config.validate(name)?;
        Ok(config)
    }

    /// Reads `<root>/config.toml`; a missing file is an error (this is not a site).
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("config.toml");
        if !path.exists() {
            bail!(
                "`{}` not found: is `{}` a newsroom site? (`newsroom init DIR` makes one)",
                path.display(),
                root.display()
            );
        }
        let text = crate::fsx::read_to_string(&path)?;
        Config::parse(&text, &path.display().to_string())
    }

    fn validate(&self, name: &str) -> Result<()> {
        if self.paginate_by == 0 {
            bail!("{name}: paginate_by must be at least 1");
        }
        if !(self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://")
            || self.base_url.starts_with('/'))
        {
            bail!(
                "{name}: base_url `{}` must be an absolute URL (https://example.org/ or https://example.org/news/)",
                self.base_url
            );
        }
        if self.search.shard_bytes < 1024 {
            bail!("{name}: search.shard_bytes must be at least 1024");
        }
        for (tax, tc) in &self.taxonomies {
            if tc.paginate_by == Some(0) {
                bail!("{name}: taxonomies.{tax}.paginate_by must be at least 1");
            }
            if crate::slug::slugify(tax) != *tax {
                bail!("{name}: taxonomy name `{tax}` must be a URL slug (lowercase, a-z 0-9 -)");
            }
        }
        Ok(())
    }

    /// Base URL always ending with `/`.
    pub fn base_url(&self) -> String {
        let mut b = self.base_url.trim().to_string();
        if !b.ends_with('/') {
            b.push('/');
        }
        b
    }

    /// The path part of the base URL, e.g. `/` or `/news/`: prefix of every internal link.
    pub fn base_path(&self) -> String {
        let b = self.base_url();
        let after_scheme = b.find("://").map_or(b.as_str(), |i| &b[i + 3..]);
        match after_scheme.find('/') {
            Some(i) if b.contains("://") => after_scheme[i..].to_string(),
            _ if b.starts_with('/') => b,
            _ => "/".to_string(),
        }
    }

    pub fn taxonomy_paginate_by(&self, tax: &str) -> usize {
        self.taxonomies
            .get(tax)
            .and_then(|t| t.paginate_by)
            .unwrap_or(self.paginate_by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_reports_line_and_column() {
        let err = Config::parse("title = \"x\"\n\nbase_urll = \"y\"\n", "config.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("config.toml:3:1:"), "{msg}");
        assert!(msg.contains("base_urll"), "{msg}");
    }

    #[test]
    fn base_path_of_sub_path_site() {
        let mut c = Config {
            base_url: "https://example.org/news".into(),
            ..Config::default()
        };
        assert_eq!(c.base_url(), "https://example.org/news/");
        assert_eq!(c.base_path(), "/news/");
        c.base_url = "https://example.org".into();
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn search_fields_are_checked() {
        let c = Config::parse("[search]\nfields = [\"title\", \"taxonomies\"]\n", "c").unwrap();
        assert_eq!(
            c.search.fields,
            [SearchField::Title, SearchField::Taxonomies]
        );
        assert!(c.search.enabled);
        let err = Config::parse("[search]\nfields = [\"titel\"]\n", "c").unwrap_err();
        assert!(err.to_string().contains("titel"), "{err}");
    }

    #[test]
    fn taxonomy_tables_are_read() {
        let c = Config::parse(
            "[taxonomies.companies]\npaginate_by = 5\nfeed = false\n[taxonomies.topics]\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.taxonomy_paginate_by("companies"), 5);
        assert!(!c.taxonomies["companies"].feed);
        assert_eq!(c.taxonomy_paginate_by("topics"), 10);
    }
}
