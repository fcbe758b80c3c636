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
    pub generate_feeds: bool,
    /// Search is on: show the search box, link `/search/`.
    pub search_enabled: bool,
    pub taxonomies: Vec<TaxonomyLink>,
    pub extra: &'a toml::Table,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyLink {
    pub name: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
}

pub fn taxonomy_title(config: &Config, name: &str) -> String {
    if let Some(t) = config.taxonomies.get(name).and_then(|t| t.title.clone()) {
        return t;
    }
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config, urls: &Urls) -> SiteView<'a> {
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url: urls.base_url.clone(),
            base_path: urls.base_path.clone(),
            language: &config.language,
            generate_feeds: config.generate_feeds,
            search_enabled: config.search.enabled,
            taxonomies: config
                .taxonomies
                .keys()
                .map(|name| TaxonomyLink {
                    name: name.clone(),
                    title: taxonomy_title(config, name),
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
    pub slug: String,
    pub url: String,
}

/// Term links of every taxonomy of a page: `taxonomy name → [TermLink]`.
pub type PageTerms = BTreeMap<String, Vec<TermLink>>;

pub use crate::content::library::TermIndex;

pub fn page_terms(page: &Page, index: &TermIndex, urls: &Urls) -> PageTerms {
    let mut out = BTreeMap::new();
    for (tax, names) in &page.meta.taxonomies {
        let mut links: Vec<TermLink> = Vec::new();
        for n in names {
            if let Some((name, slug)) = index.get(&(tax.clone(), n.trim().to_lowercase()))
                && !links.iter().any(|l| &l.slug == slug)
            {
                links.push(TermLink {
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
    pub reading_time: u32,
    pub taxonomies: &'a PageTerms,
}

impl<'a> CardView<'a> {
    pub fn new(page: &'a Page, terms: &'a PageTerms, urls: &Urls, dates: &Dates) -> CardView<'a> {
        CardView {
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
    ) -> PageView<'a> {
        let page = &library.pages[i];
        let link = |j: usize| {
            let p = &library.pages[j];
            PageLink {
                title: &p.meta.title,
                url: urls.url(&p.path),
            }
        };
        PageView {
            card: CardView::new(page, terms, urls, dates),
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

#[derive(Debug, Serialize)]
pub struct TermView {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub count: usize,
    pub feed_url: Option<String>,
    /// From the tagging vocabulary (`rules/companies.toml`, `rules/topics.toml`), when the term
    /// is in it: the Chinese name, a description and the homepage.
    pub zh_name: Option<String>,
    pub description: Option<String>,
    pub homepage: Option<String>,
}

impl TermView {
    pub fn new(tax: &str, term: &Term, urls: &Urls, feed: bool) -> TermView {
        let path = format!("{tax}/{}/", term.slug);
        TermView {
            name: term.name.clone(),
            slug: term.slug.clone(),
            url: urls.url(&path),
            permalink: urls.permalink(&path),
            count: term.pages.len(),
            feed_url: feed.then(|| urls.url(&format!("{path}atom.xml"))),
            zh_name: None,
            description: None,
            homepage: None,
        }
    }

    /// Adds the vocabulary's metadata for this term, if it has any.
    pub fn with_meta(mut self, meta: Option<crate::tagging::TermMeta<'_>>) -> TermView {
        if let Some(m) = meta {
            self.zh_name = m.zh.map(str::to_string);
            self.description = m.description.map(str::to_string);
            self.homepage = m.homepage.map(str::to_string);
        }
        self
    }
}
