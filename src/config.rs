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
    /// Write the site's feeds (`/atom.xml` and `/rss.xml`, or those of `feed_filenames`).
    pub generate_feeds: bool,
    /// Zola's `feed_filenames`: the feeds written for the site, for each term of a taxonomy
    /// with `feed = true` and for each section with `generate_feeds = true`, each of
    /// `atom.xml` and `rss.xml` at most once. Unset: the site and sections write both (a
    /// section RSS only when the site writes its feeds), terms `atom.xml` only.
    #[serde(deserialize_with = "feed_filenames")]
    pub feed_filenames: Option<Vec<FeedName>>,
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
    /// The canonical URL of an article that has a `source_url` (a repost): this site's page
    /// (`"site"`, the default) or the original (`"source"`).
    pub repost_canonical: RepostCanonical,
    /// `[convert]`: what `newsroom convert` does besides writing Markdown.
    pub convert: ConvertConfig,
    /// `[link_checker]`: what a broken internal link does to a build.
    pub link_checker: LinkCheckerConfig,
    /// `[slugify]` (Zola's table): how file names and `slug` become URLs.
    pub slugify: SlugifyConfig,
    /// Free-form values for templates.
    pub extra: toml::Table,
    /// Zola settings the file has that newsroom accepts without effect, one per key in file
    /// order, for `build`, `serve` and `check` to print. Not a `config.toml` key.
    #[serde(skip)]
    pub warnings: Vec<ConfigWarning>,
}

/// A key of `config.toml` that is accepted and ignored: `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The config file as named in messages.
    pub file: String,
    /// 1-based line of the key.
    pub line: usize,
    /// What is wrong, without the place: "`compile_sass` is a Zola setting with no effect in newsroom".
    pub message: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// `repost_canonical`: which URL search engines are told is a reposted article's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepostCanonical {
    /// This site's page.
    #[default]
    Site,
    /// The article's `source_url`.
    Source,
}

impl RepostCanonical {
    pub fn as_str(self) -> &'static str {
        match self {
            RepostCanonical::Site => "site",
            RepostCanonical::Source => "source",
        }
    }
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
            feed_filenames: None,
            taxonomies,
            markdown: MarkdownConfig::default(),
            reading: ReadingConfig::default(),
            search: SearchConfig::default(),
            assets: AssetsConfig::default(),
            repost_canonical: RepostCanonical::Site,
            convert: ConvertConfig::default(),
            link_checker: LinkCheckerConfig::default(),
            slugify: SlugifyConfig::default(),
            extra: toml::Table::new(),
            warnings: Vec::new(),
        }
    }
}

/// A feed newsroom can write, as `feed_filenames` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FeedName {
    #[serde(rename = "atom.xml")]
    Atom,
    #[serde(rename = "rss.xml")]
    Rss,
}

const ATOM: &[&str] = &["atom.xml"];
const RSS: &[&str] = &["rss.xml"];
const BOTH: &[&str] = &["atom.xml", "rss.xml"];

impl FeedName {
    /// The file name, which is also the feed's template.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedName::Atom => "atom.xml",
            FeedName::Rss => "rss.xml",
        }
    }
}

impl<'de> Deserialize<'de> for FeedName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match name.as_str() {
            "atom.xml" => Ok(FeedName::Atom),
            "rss.xml" => Ok(FeedName::Rss),
            _ => Err(serde::de::Error::custom(format!(
                "feed_filenames: `{name}` is not a feed newsroom writes; the names allowed are \
                 \"atom.xml\" and \"rss.xml\""
            ))),
        }
    }
}

/// `feed_filenames`: a non-empty list of [`FeedName`]s without repeats.
fn feed_filenames<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<FeedName>>, D::Error> {
    use serde::de::Error;
    let names = Vec::<FeedName>::deserialize(d)?;
    if names.is_empty() {
        return Err(D::Error::custom(
            "feed_filenames is empty: list \"atom.xml\", \"rss.xml\" or both \
             (`generate_feeds = false` writes no site feed)",
        ));
    }
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(D::Error::custom(format!(
                "feed_filenames lists \"{}\" twice; the names allowed are \"atom.xml\" and \
                 \"rss.xml\", each once",
                n.as_str()
            )));
        }
    }
    Ok(Some(names))
}

/// `[assets]`: file kinds a site publishes besides the built-in allow-list
/// (`content::assets::MEDIA`, and `STATIC_ONLY` in `static/`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetsConfig {
    /// Extra extensions, without the dot (`["csv", "gpx"]`), allowed in both folders.
    pub extensions: Vec<String>,
}

/// `[convert]`: downloading an article's images into its page bundle (`--fetch-images`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConvertConfig {
    /// Write each article as a page bundle (`content/<name>/index.md`) with its images
    /// downloaded beside it, as `--fetch-images` does (`--no-fetch-images` turns it off).
    pub fetch_images: bool,
    /// Largest image downloaded, in bytes; a larger one keeps its remote URL.
    pub max_image_bytes: u64,
    /// Seconds one image may take, redirects and download included.
    pub image_timeout_secs: u64,
    /// Also download from loopback, private and link-local addresses (127.0.0.1, 10.x,
    /// 192.168.x, fe80::…). Off: a scraped page cannot make `convert` reach into the network
    /// it runs in.
    pub fetch_private_hosts: bool,
}

impl Default for ConvertConfig {
    fn default() -> Self {
        ConvertConfig {
            fetch_images: false,
            max_image_bytes: 10 * 1024 * 1024,
            image_timeout_secs: 15,
            fetch_private_hosts: false,
        }
    }
}

/// `[slugify]`, Zola's table: how an article's file name (or `slug`) becomes its URL.
/// Without it newsroom's slugs are used ([`crate::slug::slugify`]: pinyin syllables
/// split, `AI芯片` → `ai-xin-pian`); a site moved from Zola that wants its old URLs writes
/// `paths = "on"`. Zola's `"safe"` and `"off"` (non-ASCII URLs) are warned about and have no
/// effect; its `taxonomies` and `anchors` keys have none either (see `config::zola`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlugifyConfig {
    /// `"on"`: Zola's slugs ([`crate::slug::slugify_zola`]).
    pub paths: Option<PathSlugs>,
    /// Keep a `YYYY-MM-DD-` file-name prefix in the slug (it is still the date), as Zola's
    /// `paths_keep_dates` does.
    pub paths_keep_dates: bool,
}

/// `[slugify] paths`: the one of Zola's strategies newsroom implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PathSlugs {
    /// Zola's default: ASCII slugs as Zola's `slug` crate makes them.
    On,
}

impl SlugifyConfig {
    /// The slug of a file name or a `slug` value.
    pub fn path(&self, text: &str) -> String {
        match self.paths {
            Some(PathSlugs::On) => crate::slug::slugify_zola(text),
            None => crate::slug::slugify(text),
        }
    }
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
    /// A link from each heading to itself (Zola's `insert_anchor_links`): `none`, `left`,
    /// `right` (a `#` before or after the text) or `heading` (the text is the link).
    pub insert_anchor_links: AnchorLinks,
    /// Ids the theme's pages use ([`ThemeConfig::reserved_ids`]): no heading or footnote gets
    /// one. Read from `templates/theme.toml`, not a `config.toml` key.
    #[serde(skip)]
    pub reserved_ids: Vec<String>,
    /// The site's shortcodes (`templates/shortcodes/`, attached by `site::load_config`; none
    /// by default); serialized as their fingerprint (cached bodies depend on them). Not a
    /// `config.toml` key.
    #[serde(skip_deserializing, serialize_with = "crate::expand::serialize_id")]
    pub shortcodes: std::sync::Arc<dyn crate::expand::Expand>,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            smart_punctuation: false,
            external_links_target_blank: false,
            external_links_no_follow: false,
            heading_ids: true,
            insert_anchor_links: AnchorLinks::None,
            reserved_ids: ThemeConfig::embedded().reserved_ids,
            shortcodes: std::sync::Arc::new(crate::expand::Nothing),
        }
    }
}

/// `[markdown] insert_anchor_links`: where a heading's link to itself goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

// ---- [link_checker] (Zola's table) ----

/// `[link_checker]`: Zola's table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkCheckerConfig {
    /// What a broken internal link (`@/`, a relative or root-relative link to no page or
    /// file of the site, an `#anchor` no heading has) does: `error` (the build fails,
    /// nothing is written) or `warn` (it is printed and the build goes on).
    pub internal_level: LinkLevel,
    /// External links `check --external` does not ask for (URL prefixes).
    pub skip_prefixes: Vec<String>,
    /// Zola's prefixes of external links whose `#anchor` is not checked: accepted, with no
    /// effect (newsroom checks no external anchor).
    pub skip_anchor_prefixes: Vec<String>,
}

/// `[link_checker] internal_level`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkLevel {
    #[default]
    Error,
    Warn,
}

// ---- end of [link_checker] ----

/// The default theme's `templates/theme.toml`.
pub const THEME_TOML: &str = include_str!("../templates/theme.toml");

/// `templates/theme.toml`: what the theme asks of the stages before it. It lives beside the
/// templates because it describes them: a site that overrides a template edits the list in
/// the same folder, and `init --templates` hands it out with them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeConfig {
    /// Every id the templates and their scripts use; see the file for what it does.
    pub reserved_ids: Vec<String>,
}

impl ThemeConfig {
    /// Parses a `theme.toml`; `name` is used in error messages (`name:line:col`).
    pub fn parse(text: &str, name: &str) -> Result<ThemeConfig> {
        toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            anyhow::anyhow!("{name}:{line}:{col}: {}", e.message().trim())
        })
    }

    /// The default theme's file.
    pub fn embedded() -> ThemeConfig {
        ThemeConfig::parse(THEME_TOML, "templates/theme.toml (embedded)")
            .expect("the embedded templates/theme.toml parses")
    }

    /// The default theme's file extended by `<root>/templates/theme.toml` when the site has
    /// one: its ids are added (a site's templates only add to the default theme's).
    pub fn load(root: &Path) -> Result<ThemeConfig> {
        let mut theme = ThemeConfig::embedded();
        let path = root.join("templates/theme.toml");
        if path.is_file() {
            let text = crate::fsx::read_to_string(&path)?;
            let site = ThemeConfig::parse(&text, &path.display().to_string())?;
            for id in site.reserved_ids {
                if !theme.reserved_ids.contains(&id) {
                    theme.reserved_ids.push(id);
                }
            }
        }
        Ok(theme)
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
    /// Characters of each article's text kept in its search record, where the browser finds
    /// the passage that matched; a match past them shows the opening. More means larger
    /// downloads.
    pub snippet_chars: usize,
    /// Aimed size of one index shard in bytes; a query downloads one shard per term.
    pub shard_bytes: usize,
    /// More names for taxonomy terms, e.g. `Microsoft = ["MSFT"]`; added to the built-in
    /// company aliases, so that searching any name finds articles tagged with the term.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// A part of an article that search can index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
            snippet_chars: 4000,
            shard_bytes: 16 * 1024,
            aliases: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Parses `config.toml` text; `name` is used in error messages. A Zola `config.toml` is
    /// read too (see [`zola`]): its settings newsroom has are used, the others come back as
    /// [`Config::warnings`]; unknown keys are one error listing every one of them.
    pub fn parse(text: &str, name: &str) -> Result<Config> {
        let root =
            toml::de::DeTable::parse(text).map_err(|e| crate::diag::toml_error(name, text, &e))?;
        let span = root.span();
        let mut table = root.into_inner();
        let warnings = zola::read(&mut table, text, name)?;
        let de = toml::de::Deserializer::from(toml::Spanned::new(span, table));
        let mut config =
            Config::deserialize(de).map_err(|e| crate::diag::toml_error(name, text, &e))?;
        config.warnings = warnings;
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
        let mut config = Config::parse(&text, &path.display().to_string())?;
        config.markdown.reserved_ids = ThemeConfig::load(root)?.reserved_ids;
        Ok(config)
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
        if self.convert.max_image_bytes == 0 {
            bail!("{name}: convert.max_image_bytes must be at least 1");
        }
        if self.convert.image_timeout_secs == 0 {
            bail!("{name}: convert.image_timeout_secs must be at least 1");
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

    /// The feeds of `feed_filenames`, when it is set, as file names in a fixed order.
    fn feed_list(&self) -> Option<&'static [&'static str]> {
        let names = self.feed_filenames.as_deref()?;
        let (atom, rss) = (
            names.contains(&FeedName::Atom),
            names.contains(&FeedName::Rss),
        );
        Some(match (atom, rss) {
            (true, true) => BOTH,
            (true, false) => ATOM,
            (false, _) => RSS,
        })
    }

    /// The site's feeds (at the root): none without `generate_feeds`, else `feed_filenames`,
    /// else `atom.xml` and `rss.xml`.
    pub fn site_feeds(&self) -> &'static [&'static str] {
        if !self.generate_feeds {
            return &[];
        }
        self.feed_list().unwrap_or(BOTH)
    }

    /// The feeds of each term of a taxonomy with `feed = true`: `feed_filenames`, else
    /// `atom.xml`.
    pub fn term_feeds(&self) -> &'static [&'static str] {
        self.feed_list().unwrap_or(ATOM)
    }

    /// The feeds of each section with `generate_feeds = true`: `feed_filenames`, else
    /// `atom.xml`, and `rss.xml` when the site writes its feeds.
    pub fn section_feeds(&self) -> &'static [&'static str] {
        self.feed_list()
            .unwrap_or(if self.generate_feeds { BOTH } else { ATOM })
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

mod zola;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_the_theme_uses_is_reserved_and_no_other() {
        let used =
            regex::Regex::new(r#"\bid="([^"]+)"|\.id\s*=\s*'([^']+)'|getElementById\('([^']+)'\)"#)
                .unwrap();
        let mut ids: Vec<String> = crate::render::templates::DEFAULT_THEME
            .iter()
            .flat_map(|(_, src)| used.captures_iter(src))
            .filter_map(|c| c.iter().skip(1).flatten().next())
            .map(|m| m.as_str().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        let mut reserved = ThemeConfig::embedded().reserved_ids;
        reserved.sort();
        assert_eq!(ids, reserved, "templates/theme.toml reserved_ids");
    }

    #[test]
    fn a_site_theme_toml_adds_reserved_ids_and_names_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("config.toml"), "title = \"x\"\n").unwrap();
        std::fs::create_dir(tmp.path().join("templates")).unwrap();
        let theme = tmp.path().join("templates/theme.toml");
        std::fs::write(&theme, "reserved_ids = [\"lead\", \"main\"]\n").unwrap();
        let ids = Config::load(tmp.path()).unwrap().markdown.reserved_ids;
        assert!(ids.contains(&"lead".to_string()) && ids.contains(&"search-app".to_string()));
        assert_eq!(ids.iter().filter(|i| *i == "main").count(), 1, "{ids:?}");
        std::fs::write(&theme, "\nreserved = []\n").unwrap();
        let msg = Config::load(tmp.path()).unwrap_err().to_string();
        assert!(
            msg.starts_with(&format!("{}:2:1:", theme.display())),
            "{msg}"
        );
    }

    #[test]
    fn a_markdown_section_keeps_the_theme_ids() {
        let c = Config::parse("[markdown]\nsmart_punctuation = true\n", "c").unwrap();
        assert!(c.markdown.reserved_ids.contains(&"search-app".to_string()));
        assert!(Config::parse("[markdown]\nreserved_ids = []\n", "c").is_err());
    }

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
    fn the_convert_section_has_safe_defaults_and_is_checked() {
        let c = Config::parse("", "c").unwrap();
        assert!(!c.convert.fetch_images && !c.convert.fetch_private_hosts);
        assert_eq!(c.convert.max_image_bytes, 10 * 1024 * 1024);
        assert_eq!(c.convert.image_timeout_secs, 15);
        let c = Config::parse(
            "[convert]\nfetch_images = true\nmax_image_bytes = 2048\nimage_timeout_secs = 1\n",
            "c",
        )
        .unwrap();
        assert!(c.convert.fetch_images);
        assert_eq!(
            (c.convert.max_image_bytes, c.convert.image_timeout_secs),
            (2048, 1)
        );
        let err = Config::parse("[convert]\nimage_timeout_secs = 0\n", "c").unwrap_err();
        assert!(err.to_string().contains("image_timeout_secs"), "{err}");
        let err = Config::parse("[convert]\nfetch_image = true\n", "c").unwrap_err();
        assert!(err.to_string().contains("fetch_image"), "{err}");
    }

    #[test]
    fn the_link_checker_table_is_zolas() {
        let c = Config::parse("", "c").unwrap();
        assert_eq!(c.link_checker.internal_level, LinkLevel::Error);
        let c = Config::parse(
            "[link_checker]\ninternal_level = \"warn\"\nskip_prefixes = [\"http://[2001:db8::]/\"]\n\
             skip_anchor_prefixes = [\"https://caniuse.com/\"]\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.link_checker.internal_level, LinkLevel::Warn);
        assert_eq!(c.link_checker.skip_prefixes, ["http://[2001:db8::]/"]);
        let err = Config::parse("[link_checker]\ninternal_level = \"info\"\n", "c").unwrap_err();
        assert!(err.to_string().contains("info"), "{err}");
    }

    #[test]
    fn feed_filenames_are_read_and_checked() {
        let c = Config::parse("", "config.toml").unwrap();
        assert_eq!(c.feed_filenames, None);
        assert_eq!(c.site_feeds(), ["atom.xml", "rss.xml"]);
        assert_eq!(c.term_feeds(), ["atom.xml"]);
        assert_eq!(c.section_feeds(), ["atom.xml", "rss.xml"]);
        let c = Config::parse("generate_feeds = false\n", "config.toml").unwrap();
        assert!(c.site_feeds().is_empty());
        assert_eq!(c.section_feeds(), ["atom.xml"]);

        let c = Config::parse("feed_filenames = [\"rss.xml\"]\n", "config.toml").unwrap();
        assert_eq!(c.feed_filenames, Some(vec![FeedName::Rss]));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.site_feeds(), ["rss.xml"]);
        assert_eq!(c.term_feeds(), ["rss.xml"]);
        assert_eq!(c.section_feeds(), ["rss.xml"]);
        let c = Config::parse("feed_filenames = [\"rss.xml\", \"atom.xml\"]\n", "c").unwrap();
        assert_eq!(c.term_feeds(), ["atom.xml", "rss.xml"]);
        let c = Config::parse(
            "generate_feeds = false\nfeed_filenames = [\"atom.xml\"]\n",
            "c",
        )
        .unwrap();
        assert!(c.site_feeds().is_empty());
        assert_eq!(c.section_feeds(), ["atom.xml"]);

        let text = "title = \"x\"\nfeed_filenames = [\"atom.xml\", \"feed.xml\"]\n";
        let err = Config::parse(text, "config.toml").unwrap_err().to_string();
        assert!(err.starts_with("config.toml:2:"), "{err}");
        assert!(err.contains("`feed.xml`"), "{err}");
        assert!(err.contains("\"atom.xml\" and \"rss.xml\""), "{err}");

        let err = Config::parse("\nfeed_filenames = []\n", "config.toml")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:2:"), "{err}");
        assert!(err.contains("feed_filenames is empty"), "{err}");

        let text = "\n\nfeed_filenames = [\"rss.xml\", \"rss.xml\"]\n";
        let err = Config::parse(text, "config.toml").unwrap_err().to_string();
        assert!(err.starts_with("config.toml:3:"), "{err}");
        assert!(err.contains("\"rss.xml\" twice"), "{err}");

        let err = Config::parse("feed_filenames = \"atom.xml\"\n", "config.toml").unwrap_err();
        assert!(err.to_string().starts_with("config.toml:1:"), "{err}");
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
