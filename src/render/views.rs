//! Typed, borrowed views of the library for templates, shared by the outputs of `render/`.
//! `docs/templates.md` documents them. Each output's whole context is one of these (or built
//! from them), and its `serve` fingerprint is the hash of that context.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Config;
use crate::content::library::{Library, Term};
use crate::content::{Date, Extra, Page};
use crate::dates::Dates;
use crate::markdown::{Heading, Rendered};
use crate::strings::Strings;
use crate::tagging::Vocabulary;
use crate::text::WordCount;

/// Turns site-relative paths (`news/foo/`) into links.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://example.org/news/`
    pub base_url: String,
    /// `/news/`
    pub base_path: String,
}

impl Urls {
    pub fn new(config: &Config) -> Urls {
        Urls {
            base_url: config.base_url(),
            base_path: config.base_path(),
        }
    }
    /// Root-relative link that works on any host under the base path: `/news/foo/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }
    /// Absolute URL, for feeds, sitemaps and canonical links.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: String,
    pub base_path: String,
    pub language: &'a str,
    /// The `ui` table of the site's language (`ui[config.ui].latest`).
    pub ui: &'a str,
    /// `og:locale` of the site's language.
    pub locale: &'a str,
    /// Canonical link of a reposted article: `site` (this site's page) or `source` (its
    /// `source_url`).
    pub repost_canonical: &'a str,
    pub generate_feeds: bool,
    /// The site's feeds, the files written at the root (none without `generate_feeds`).
    pub feeds: Vec<FeedLink>,
    /// Search is on: show the search box, link `/search/`.
    pub search_enabled: bool,
    pub taxonomies: Vec<TaxonomyLink>,
    pub extra: &'a toml::Table,
}

/// One of `config.feeds`.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    /// `atom.xml` or `rss.xml`.
    pub name: &'static str,
    /// `Atom` or `RSS`.
    pub label: &'static str,
    /// `application/atom+xml` or `application/rss+xml`, for `<link type>`.
    pub mime: &'static str,
    pub url: String,
    pub permalink: String,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyLink {
    pub name: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
}

/// A taxonomy's display name: its `title` in `config.toml`, else the site language's word
/// for it in `rules/ui.toml` (`companies`, `topics`), else its name capitalised.
pub fn taxonomy_title(config: &Config, strings: &Strings, name: &str) -> String {
    if let Some(t) = config.taxonomies.get(name).and_then(|t| t.title.clone()) {
        return t;
    }
    if let Some(t) = strings.get(&config.language, name) {
        return t.to_string();
    }
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, urls: &Urls, strings: &'a Strings) -> SiteView<'a> {
        SiteView {
            ui: strings.key(&config.language),
            locale: strings
                .get(&config.language, "og_locale")
                .unwrap_or("en_US"),
            repost_canonical: config.repost_canonical.as_str(),
            title: &config.title,
            description: &config.description,
            base_url: urls.base_url.clone(),
            base_path: urls.base_path.clone(),
            language: &config.language,
            generate_feeds: config.generate_feeds,
            feeds: config
                .site_feeds()
                .iter()
                .map(|&name| {
                    let (label, mime) = match name {
                        "rss.xml" => ("RSS", "application/rss+xml"),
                        _ => ("Atom", "application/atom+xml"),
                    };
                    FeedLink {
                        name,
                        label,
                        mime,
                        url: urls.url(name),
                        permalink: urls.permalink(name),
                    }
                })
                .collect(),
            search_enabled: config.search.enabled,
            taxonomies: config
                .taxonomies
                .keys()
                .map(|name| TaxonomyLink {
                    name: name.clone(),
                    title: taxonomy_title(config, strings, name),
                    url: urls.url(&format!("{name}/")),
                    permalink: urls.permalink(&format!("{name}/")),
                })
                .collect(),
            extra: &config.extra,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2023-06-08`
    pub ymd: String,
    /// `2023-06-08T00:00:00Z`, with the original offset.
    pub rfc3339: String,
    /// `Thu, 8 Jun 2023 00:00:00 +0000`
    pub rfc2822: String,
    pub year: i16,
    pub month: i8,
    pub day: i8,
    /// For readers, in the page's language: `2023年6月8日` or `Jun 8, 2023`.
    pub display: String,
}

impl DateView {
    /// `display` follows `rules/dates.toml` for `lang`.
    pub fn new(d: &Date, lang: &str, dates: &Dates) -> DateView {
        let (y, m, day) = (d.date.year(), d.date.month(), d.date.day());
        let display = dates.display(d, lang);
        DateView {
            ymd: d.ymd(),
            rfc3339: d.rfc3339(),
            rfc2822: d.rfc2822(),
            year: y,
            month: m,
            day,
            display,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    /// The name in the article's language where the vocabulary has one (`人工智能` on a
    /// Chinese article), else `name`.
    pub label: String,
    pub slug: String,
    pub url: String,
}

/// Term links of every taxonomy of a page: `taxonomy name → [TermLink]`.
pub type PageTerms = BTreeMap<String, Vec<TermLink>>;

pub use crate::content::library::TermIndex;

pub fn page_terms(page: &Page, index: &TermIndex, urls: &Urls, vocab: &Vocabulary) -> PageTerms {
    let zh = page.language.starts_with("zh");
    let mut out = BTreeMap::new();
    for (tax, names) in &page.meta.taxonomies {
        let mut links: Vec<TermLink> = Vec::new();
        for n in names {
            if let Some((name, slug)) = index.get(&(tax.clone(), n.trim().to_lowercase()))
                && !links.iter().any(|l| &l.slug == slug)
            {
                let label = zh
                    .then(|| vocab.term_zh(tax, name, slug))
                    .flatten()
                    .unwrap_or(name);
                links.push(TermLink {
                    label: label.to_string(),
                    name: name.clone(),
                    slug: slug.clone(),
                    url: urls.url(&format!("{tax}/{slug}/")),
                });
            }
        }
        out.insert(tax.clone(), links);
    }
    out
}

/// An article's picture (`[extra] cover_image`, with `cover_alt`, `cover_caption`,
/// `cover_credit`, `cover_width`, `cover_height`).
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// Where the page links it: root-relative for a file of the article's bundle.
    pub url: String,
    /// Absolute, for `og:image` and feeds.
    pub permalink: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// From the file's header (a bundle's file) or the front matter.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ImageView {
    /// The cover image of `page`, when it names one that is a web URL or a file beside it.
    pub fn cover(page: &Page, urls: &Urls) -> Option<ImageView> {
        let rest = &page.meta.extra.rest;
        let text = |k: &str| {
            rest.get(k)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let number = |k: &str| {
            rest.get(k)
                .and_then(|v| v.as_integer())
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
        };
        let src = text("cover_image")?;
        let (url, permalink, mut size) =
            if src.starts_with("https://") || src.starts_with("http://") {
                (src.to_string(), src.to_string(), None)
            } else {
                // A file of the article's bundle: a plain relative name, nothing that climbs out.
                let ok = !src.starts_with('/')
                    && !src.contains(['?', '#', '\\', ':'])
                    && src
                        .split('/')
                        .all(|p| !p.is_empty() && p != "." && p != "..");
                if !ok || !page.file.ends_with("index.md") {
                    return None;
                }
                let size = page
                    .file
                    .parent()
                    .and_then(|dir| crate::image::file_dimensions(&dir.join(src)));
                let path = format!("{}{src}", page.path);
                (urls.url(&path), urls.permalink(&path), size)
            };
        if let (Some(w), Some(h)) = (number("cover_width"), number("cover_height")) {
            size = size.or(Some((w, h)));
        }
        Some(ImageView {
            url,
            permalink,
            alt: text("cover_alt")
                .or(text("cover_caption"))
                .unwrap_or(&page.meta.title)
                .to_string(),
            caption: text("cover_caption").map(str::to_string),
            credit: text("cover_credit").map(str::to_string),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
        })
    }
}

/// What lists, cards and feeds show of an article.
#[derive(Debug, Serialize)]
pub struct CardView<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub summary: &'a str,
    pub authors: &'a [String],
    pub source: Option<&'a str>,
    pub source_url: Option<&'a str>,
    pub language: &'a str,
    /// The `ui` table of the article's language (`ui[card.ui].reading_short`).
    pub ui: &'a str,
    pub reading_time: u32,
    pub taxonomies: &'a PageTerms,
    pub image: Option<ImageView>,
    /// `[extra] featured = true`: the front page's lead story when it is on the first page.
    pub featured: bool,
}

impl<'a> CardView<'a> {
    pub fn new(
        page: &'a Page,
        terms: &'a PageTerms,
        urls: &Urls,
        dates: &Dates,
        strings: &'a Strings,
    ) -> CardView<'a> {
        CardView {
            ui: strings.key(&page.language),
            image: ImageView::cover(page, urls),
            featured: page
                .meta
                .extra
                .rest
                .get("featured")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            title: &page.meta.title,
            url: urls.url(&page.path),
            permalink: urls.permalink(&page.path),
            date: page
                .date
                .as_ref()
                .map(|d| DateView::new(d, &page.language, dates)),
            updated: page
                .meta
                .updated
                .as_ref()
                .map(|d| DateView::new(d, &page.language, dates)),
            summary: &page.summary,
            authors: &page.meta.authors,
            source: page.meta.extra.source.as_deref(),
            source_url: page
                .meta
                .extra
                .source_url
                .as_deref()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            language: &page.language,
            reading_time: page.reading_minutes,
            taxonomies: terms,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PageLink<'a> {
    pub title: &'a str,
    pub url: String,
}

/// Everything `page.html` gets as `page`.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub card: CardView<'a>,
    pub description: Option<&'a str>,
    pub content: super::Text<'a>,
    pub summary_html: Option<&'a str>,
    pub slug: &'a str,
    pub path: String,
    pub word_count: WordCount,
    pub toc: &'a [Heading],
    pub extra: &'a Extra,
    /// The URL of `<link rel="canonical">`: this page, or the original of a repost when
    /// `repost_canonical = "source"`.
    pub canonical: String,
    /// The page's schema.org `NewsArticle` as JSON, safe inside `<script>` (`<`, `>` and `&`
    /// are `\u` escapes).
    pub json_ld: String,
    /// The next newer and next older articles.
    pub newer: Option<PageLink<'a>>,
    pub older: Option<PageLink<'a>>,
}

impl<'a> PageView<'a> {
    /// `body` is the article's rendered body; `None` when the view is fingerprinted (the
    /// body is then its key).
    pub fn new(
        library: &'a Library,
        i: usize,
        body: Option<&'a Rendered>,
        terms: &'a PageTerms,
        urls: &Urls,
        dates: &Dates,
        site: (&Config, &'a Strings),
    ) -> PageView<'a> {
        let (config, strings) = site;
        let page = &library.pages[i];
        let link = |j: usize| {
            let p = &library.pages[j];
            PageLink {
                title: &p.meta.title,
                url: urls.url(&p.path),
            }
        };
        let card = CardView::new(page, terms, urls, dates, strings);
        let canonical = match (config.repost_canonical, card.source_url) {
            (crate::config::RepostCanonical::Source, Some(src)) => src.to_string(),
            _ => card.permalink.clone(),
        };
        let json_ld = news_article_ld(page, &card, config, urls);
        PageView {
            canonical,
            json_ld,
            card,
            description: page.meta.description.as_deref(),
            content: super::Text::Html {
                html: body.map_or("", |b| b.html.as_str()),
                key: page.body_key,
            },
            summary_html: body.and_then(|b| b.summary_html.as_deref()),
            slug: &page.slug,
            path: urls.url(&page.path),
            word_count: page.words,
            toc: body.map_or(&[], |b| b.toc.as_slice()),
            extra: &page.meta.extra,
            newer: i.checked_sub(1).map(link),
            older: (i + 1 < library.pages.len()).then(|| link(i + 1)),
        }
    }
}

/// schema.org `NewsArticle` for `page`, from its front matter: what search engines and link
/// previews read.
fn news_article_ld(page: &Page, card: &CardView<'_>, config: &Config, urls: &Urls) -> String {
    use serde_json::{Value, json};
    let mut ld = serde_json::Map::new();
    ld.insert("@context".into(), json!("https://schema.org"));
    ld.insert("@type".into(), json!("NewsArticle"));
    ld.insert("headline".into(), json!(page.meta.title));
    ld.insert("url".into(), json!(card.permalink));
    ld.insert(
        "mainEntityOfPage".into(),
        json!({"@type": "WebPage", "@id": card.permalink}),
    );
    if let Some(d) = &card.date {
        ld.insert("datePublished".into(), json!(d.rfc3339));
    }
    if let Some(d) = card.updated.as_ref().or(card.date.as_ref()) {
        ld.insert("dateModified".into(), json!(d.rfc3339));
    }
    if !page.meta.authors.is_empty() {
        let authors: Vec<Value> = page
            .meta
            .authors
            .iter()
            .map(|a| json!({"@type": "Person", "name": a}))
            .collect();
        ld.insert("author".into(), Value::Array(authors));
    }
    ld.insert(
        "publisher".into(),
        json!({"@type": "Organization", "name": config.title, "url": urls.base_url}),
    );
    if let Some(img) = &card.image {
        let mut o = json!({"@type": "ImageObject", "url": img.permalink});
        if let (Some(w), Some(h)) = (img.width, img.height) {
            o["width"] = json!(w);
            o["height"] = json!(h);
        }
        ld.insert("image".into(), o);
    }
    ld.insert("inLanguage".into(), json!(page.language));
    if !card.summary.is_empty() {
        ld.insert("description".into(), json!(card.summary));
    }
    if let Some(src) = card.source_url {
        ld.insert("isBasedOn".into(), json!(src));
    }
    let keywords: Vec<&str> = card
        .taxonomies
        .values()
        .flatten()
        .map(|t| t.name.as_str())
        .collect();
    if !keywords.is_empty() {
        ld.insert("keywords".into(), json!(keywords));
    }
    script_json(&Value::Object(ld))
}

/// JSON that can sit inside `<script>`: `<`, `>`, `&` and the two JavaScript line
/// separators are written as `\u` escapes, so no `</script>` or `<!--` can appear.
pub fn script_json(v: &serde_json::Value) -> String {
    let text = serde_json::to_string(v).expect("JSON values serialize");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Serialize)]
pub struct TermView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub count: usize,
    /// The term's Atom feed (its taxonomy has `feed = true` and `atom.xml` is among the
    /// feeds written), root-relative.
    pub feed_url: Option<String>,
    /// Its RSS feed (`feed_filenames` lists `rss.xml`).
    pub rss_url: Option<String>,
    /// From the tagging vocabulary (`rules/companies.toml`, `rules/topics.toml`), when the term
    /// is in it: the Chinese name, a description and the homepage.
    pub zh_name: Option<String>,
    /// The name in the site's language (`zh_name` on a Chinese site), else `name`.
    pub label: String,
    /// In the site's language where the vocabulary has it (`description_zh`), else English.
    pub description: Option<String>,
    pub homepage: Option<String>,
}

impl TermView {
    /// `feeds`: the file names of the term's feeds (none when its taxonomy has no feed).
    pub fn new(tax: &str, term: &Term, urls: &Urls, feeds: &[&str]) -> TermView {
        let path = format!("{tax}/{}/", term.slug);
        let feed = |name: &str| {
            feeds
                .contains(&name)
                .then(|| urls.url(&format!("{path}{name}")))
        };
        TermView {
            name: term.name.clone(),
            slug: term.slug.clone(),
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            count: term.pages.len(),
            feed_url: feed("atom.xml"),
            rss_url: feed("rss.xml"),
            zh_name: None,
            label: term.name.clone(),
            description: None,
            homepage: None,
        }
    }

    /// Adds the vocabulary's metadata for this term, if it has any.
    /// `zh`: the site is Chinese.
    pub fn with_meta(mut self, meta: Option<crate::tagging::TermMeta<'_>>, zh: bool) -> TermView {
        if let Some(m) = meta {
            self.zh_name = m.zh.map(str::to_string);
            if zh && let Some(name) = m.zh {
                self.label = name.to_string();
            }
            let description = if zh {
                m.description_zh.or(m.description)
            } else {
                m.description
            };
            self.description = description.map(str::to_string);
            self.homepage = m.homepage.map(str::to_string);
        }
        self
    }
}
