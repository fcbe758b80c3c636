//! What a page's `<head>` (meta tags, JSON-LD) and its visible markup say about the article:
//! title, date, authors, canonical URL, language.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};

use super::normalize::{clean_line, normalize_chars};

/// What the `<head>` (meta tags, JSON-LD) says about the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// `<title>` or `og:title` (may carry a ` | Site` suffix).
    pub title: Option<String>,
    pub site_name: Option<String>,
    /// `og:url` or the canonical link.
    pub url: Option<String>,
    /// `article:published_time`, JSON-LD `datePublished`, …
    pub published: Option<String>,
    /// `<meta name=author>` or JSON-LD `author.name`.
    pub authors: Vec<String>,
    /// `<html lang>`, e.g. `zh-CN`.
    pub lang: Option<String>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

fn meta(doc: &Html, selectors: &[&str]) -> Option<String> {
    selectors.iter().find_map(|s| {
        doc.select(&sel(s))
            .filter_map(|e| e.value().attr("content").or(e.value().attr("href")))
            .map(|v| v.trim().to_string())
            .find(|v| !v.is_empty())
    })
}

pub fn read_head(doc: &Html) -> Head {
    static PUBLISHED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""datePublished"\s*:\s*"([^"]+)""#).unwrap());
    static AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""author"\s*:\s*\[?\s*\{[^{}]*?"name"\s*:\s*"([^"]+)""#).unwrap()
    });
    let ld: String = doc
        .select(&sel(r#"script[type="application/ld+json"]"#))
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    let title = meta(
        doc,
        &[
            r#"meta[property="og:title"]"#,
            r#"meta[name="twitter:title"]"#,
        ],
    )
    .or_else(|| {
        doc.select(&sel("title"))
            .next()
            .map(|t| clean_line(&t.text().collect::<String>()))
            .filter(|t| !t.is_empty())
    });
    let published = meta(
        doc,
        &[
            r#"meta[property="article:published_time"]"#,
            r#"meta[itemprop="datePublished"]"#,
            r#"meta[name="pubdate"]"#,
            r#"meta[name="publishdate"]"#,
            r#"meta[name="publish_date"]"#,
            r#"meta[name="date"]"#,
        ],
    )
    .or_else(|| PUBLISHED.captures(&ld).map(|c| c[1].to_string()));
    let mut authors = Vec::new();
    if let Some(a) = meta(
        doc,
        &[
            r#"meta[name="author"]"#,
            r#"meta[property="article:author"]"#,
        ],
    ) && !a.contains("://")
    {
        authors.push(a);
    } else if let Some(c) = AUTHOR.captures(&ld) {
        authors.push(c[1].to_string());
    }
    let lang = doc
        .select(&sel("html"))
        .next()
        .and_then(|h| h.value().attr("lang"))
        .map(str::to_string);
    Head {
        title: title.map(|t| normalize_chars(&t)),
        site_name: meta(doc, &[r#"meta[property="og:site_name"]"#]),
        url: meta(
            doc,
            &[r#"meta[property="og:url"]"#, r#"link[rel="canonical"]"#],
        ),
        published,
        authors: authors.iter().map(|a| normalize_chars(a)).collect(),
        lang,
    }
}
