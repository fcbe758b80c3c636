//! What a page says about its article besides the body text (issue 5): meta tags (Open Graph,
//! Twitter cards, Dublin Core, Parse.ly, Sailthru), JSON-LD (read by [`super::jsonld`]),
//! microdata (`itemprop`) and a few marked-up elements (`<time>`, `rel=author`, byline classes).
//!
//! This module only gathers the evidence, best first, and cleans its text (entities decoded,
//! [`normalize_chars`], whitespace collapsed); `article.rs` weighs it against the text's own
//! lines (a byline, a date line) and the rules. A page that lies or breaks (malformed JSON-LD,
//! a `javascript:` image) loses that piece of evidence, never the conversion. The body (which
//! element is the article, its blocks) is not this module's business.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::jsonld::{JsonLd, str_of};
use super::url::absolute_url;
use crate::content::Date;
use crate::convert::normalize::{clean_line, normalize_chars};
use crate::rules::{DateWords, Rules};
use crate::text::Punctuation;

/// The selectors this file asks, parsed once per process (read_head runs for every page).
struct Selectors {
    head_title: Selector,
    title: Selector,
    meta: Selector,
    link_rel: Selector,
    itemprop: Selector,
    time_pubdate: Selector,
    /// A `<time>` in the article's header or byline.
    header_times: [Selector; 2],
    /// `<time datetime>` in the article's container, then anywhere.
    article_times: [Selector; 2],
    a_rel: Selector,
    base_href: Selector,
    a_href: Selector,
    itemprop_name: Selector,
    /// Elements with a class, inside `<article>` and then anywhere.
    classed: [Selector; 2],
    html: Selector,
    image_src: Selector,
}

static SEL: LazyLock<Selectors> = LazyLock::new(|| {
    let p = |s: &str| Selector::parse(s).expect("static selector");
    Selectors {
        head_title: p("head > title"),
        title: p("title"),
        meta: p("meta[content]"),
        link_rel: p("link[rel][href]"),
        itemprop: p("[itemprop]"),
        time_pubdate: p("time[pubdate]"),
        header_times: [p("article header time"), p("[class*=byline] time")],
        article_times: [
            p("article time[datetime], main time[datetime]"),
            p("time[datetime]"),
        ],
        a_rel: p("a[rel]"),
        base_href: p("base[href]"),
        a_href: p("a[href]"),
        itemprop_name: p("[itemprop=name]"),
        classed: [p("article [class]"), p("body [class]")],
        html: p("html"),
        image_src: p("link[rel=image_src][href]"),
    }
});

/// What the page's markup says about the article. Text is cleaned; nothing is validated against
/// the rules yet (see `article.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// The best title the markup gives, as written (it may carry a ` | Site` suffix).
    pub title: Option<String>,
    /// Every title candidate, best first: `og:title`, `twitter:title`, JSON-LD `headline`,
    /// `<title>`; no duplicates.
    pub titles: Vec<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// JSON-LD `publisher.name` of the article (or of its web page).
    pub publisher: Option<String>,
    /// The absolute canonical link, else `og:url` (http or https only).
    pub url: Option<String>,
    /// Where else the page says it lives, surest first: `<base href>`, the address a browser
    /// noted when saving it (`<!-- saved from url=… -->`), its `hreflang` alternates, and the
    /// host most of its absolute links go to (at least 3 links and a third of them: a saved
    /// page's own navigation). For the source brand of a page without `url`.
    pub site_urls: Vec<String>,
    /// The publication date as written, the first that reads as a date: `article:published_time`,
    /// JSON-LD `datePublished`, `itemprop=datePublished`, `<time pubdate>`, Dublin Core /
    /// Parse.ly / Sailthru meta, a `<time>` in the article's header. Never a modified date.
    pub published: Option<String>,
    /// Authors from one structured source, the first that names any: JSON-LD `author`,
    /// `<meta name=author>`, `rel=author`, `itemprop=author`. URLs are left out.
    pub authors: Vec<String>,
    /// Short texts of byline elements (`class` containing `byline` or `author`), in page order,
    /// those inside `<article>` first: `article.rs` parses them as byline lines.
    pub bylines: Vec<String>,
    /// JSON-LD `editor`: credited, but never as authors.
    pub editors: Vec<String>,
    /// The page's language tag as written: `<html lang>`, `og:locale`, `content-language`.
    pub lang: Option<String>,
    /// `og:description`, `<meta name=description>`, `twitter:description`, JSON-LD
    /// `description`; whitespace collapsed, at most [`DESCRIPTION_MAX`] characters.
    pub description: Option<String>,
    /// `og:image`, `twitter:image`, JSON-LD `image`, as an absolute http(s) URL.
    pub cover_image: Option<String>,
}

/// Descriptions longer than this are cut at a sentence (else word) boundary.
pub const DESCRIPTION_MAX: usize = 300;

pub fn read_head(doc: &Html, roots: &[serde_json::Value], rules: &Rules) -> Head {
    let metas = Metas::read(doc);
    let ld = JsonLd::new(roots);

    let url = canonical_url(doc, &metas);
    let base = url.as_deref().and_then(|u| Url::parse(u).ok());

    let mut titles: Vec<String> = Vec::new();
    let title_sources = [
        // Dublin Core is rare and deliberate: a page that writes it means it (Readability's
        // order too).
        metas.first(&["dc:title", "dcterm:title"]),
        metas.first(&["og:title"]),
        metas.first(&["twitter:title"]),
        ld.field("headline").and_then(str_of).and_then(text),
        doc.select(&SEL.head_title)
            .chain(doc.select(&SEL.title))
            .find_map(|t| text(&t.text().collect::<String>())),
    ];
    for t in title_sources.into_iter().flatten() {
        if !titles.contains(&t) {
            titles.push(t);
        }
    }

    let publisher = ld
        .field("publisher")
        .and_then(|p| clean_names(ld.names(p, false)).into_iter().next());

    Head {
        title: titles.first().cloned(),
        titles,
        site_name: metas.first(&["og:site_name"]),
        publisher,
        site_urls: site_urls(doc),
        url,
        published: published(doc, &metas, &ld, rules),
        authors: authors(doc, &metas, &ld),
        bylines: bylines(doc, &rules.html.byline_classes, &rules.html.byline_outside),
        editors: ld
            .field("editor")
            .map(|e| clean_names(ld.names(e, true)))
            .unwrap_or_default(),
        lang: language(doc, &metas),
        description: metas
            .first(&["og:description", "description", "twitter:description"])
            .or_else(|| ld.field("description").and_then(str_of).and_then(text))
            .map(|d| cap_description(&d, DESCRIPTION_MAX, &rules.text)),
        cover_image: cover_image(doc, &metas, &ld, base.as_ref()),
    }
}

/// Metadata text: entities decoded (also a second time: `&amp;#8217;` is common in `og:` tags
/// and JSON-LD is raw script text), tags removed, characters normalised, one line.
fn text(raw: &str) -> Option<String> {
    static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+[0-9]*);|<[A-Za-z/!]").unwrap()
    });
    let decoded = if MARKUP.is_match(raw) {
        Html::parse_fragment(raw)
            .root_element()
            .text()
            .collect::<String>()
    } else {
        raw.to_string()
    };
    let one_line: String = decoded
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let t = clean_line(&normalize_chars(&one_line));
    (!t.is_empty()).then_some(t)
}

/// Every `<meta>` by its key (`property`, `name`, `itemprop` or `http-equiv`, lower case), in
/// page order: one pass, and keys match whatever case the page wrote them in.
struct Metas(Vec<(String, String)>);

impl Metas {
    fn read(doc: &Html) -> Metas {
        let mut v = Vec::new();
        for m in doc.select(&SEL.meta) {
            let content = m.value().attr("content").unwrap_or_default();
            for attr in ["property", "name", "itemprop", "http-equiv"] {
                // `property="dc:creator twitter:site_name"` names the value under each key.
                for k in m
                    .value()
                    .attr(attr)
                    .into_iter()
                    .flat_map(str::split_whitespace)
                {
                    v.push((k.to_ascii_lowercase(), content.to_string()));
                }
            }
        }
        Metas(v)
    }

    /// Raw values of `key`, in page order.
    fn raw<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first cleaned value of the first key that has one.
    fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.raw(k).find_map(text))
    }
}

/// See [`Head::site_urls`].
fn site_urls(doc: &Html) -> Vec<String> {
    let mut out: Vec<String> = doc
        .select(&SEL.base_href)
        .filter_map(|b| b.value().attr("href"))
        .filter_map(|u| absolute_url(u, None))
        .collect();
    for node in doc.tree.root().descendants().take(64) {
        if let Some(c) = node.value().as_comment()
            && let Some(rest) = c.trim().strip_prefix("saved from url=")
        {
            // `(0045)https://…`: the length in parentheses, then the address.
            let u = rest.split_once(')').map_or(rest, |(_, u)| u);
            out.extend(absolute_url(u.trim(), None));
        }
    }
    for l in doc.select(&SEL.link_rel) {
        let v = l.value();
        if v.attr("hreflang").is_some()
            && v.attr("rel")
                .is_some_and(|r| r.eq_ignore_ascii_case("alternate"))
        {
            out.extend(v.attr("href").and_then(|u| absolute_url(u, None)));
        }
    }
    let mut hosts: HashMap<String, (usize, String)> = HashMap::new();
    let mut absolute = 0;
    for a in doc.select(&SEL.a_href) {
        let Some(u) = a.value().attr("href").and_then(|u| absolute_url(u, None)) else {
            continue;
        };
        let Some(host) = Url::parse(&u)
            .ok()
            .and_then(|p| p.host_str().map(str::to_string))
        else {
            continue;
        };
        absolute += 1;
        let host = host.trim_start_matches("www.").to_ascii_lowercase();
        hosts.entry(host).or_insert((0, u)).0 += 1;
    }
    if let Some((_, (n, u))) = hosts.into_iter().max_by_key(|(h, (n, _))| (*n, h.clone()))
        && n >= 3
        && n * 3 >= absolute
    {
        out.push(u);
    }
    out.dedup();
    out
}

/// `<link rel=canonical>` when absolute, else `og:url`; http(s) only.
fn canonical_url(doc: &Html, metas: &Metas) -> Option<String> {
    let canonical = doc.select(&SEL.link_rel).filter(|l| {
        l.value().attr("rel").is_some_and(|r| {
            r.split_whitespace()
                .any(|t| t.eq_ignore_ascii_case("canonical"))
        })
    });
    canonical
        .filter_map(|l| l.value().attr("href"))
        .chain(metas.raw("og:url"))
        .find_map(|u| absolute_url(u, None))
}

/// The publication date, never a modified one: the first candidate that reads as a date.
fn published(doc: &Html, metas: &Metas, ld: &JsonLd, rules: &Rules) -> Option<String> {
    let updated = &rules.html.updated_markers;
    let mut candidates: Vec<String> = metas
        .raw("article:published_time")
        .map(str::to_string)
        .collect();
    candidates.extend(
        ld.field("datePublished")
            .and_then(str_of)
            .map(str::to_string),
    );
    // Microdata: `<meta itemprop>` is in the index; `<time itemprop>` and others are not.
    for e in doc.select(&SEL.itemprop).filter(|e| {
        e.value().attr("itemprop").is_some_and(|p| {
            p.split_whitespace()
                .any(|t| t.eq_ignore_ascii_case("datePublished"))
        })
    }) {
        candidates.extend(element_date(e));
    }
    candidates.extend(doc.select(&SEL.time_pubdate).filter_map(element_date));
    for key in [
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.issued",
        "parsely-pub-date",
        "sailthru.date",
        "pubdate",
        "publishdate",
        "publish_date",
        "date",
    ] {
        candidates.extend(metas.raw(key).map(str::to_string));
    }
    // A `<time>` in the article's header or byline (not an "updated" one).
    for s in &SEL.header_times {
        candidates.extend(
            doc.select(s)
                .filter(|e| !is_update_marker(e, updated))
                .filter_map(element_date),
        );
    }
    // Last, a machine-readable `<time datetime>` that is not an update: the first in the
    // article's container, else the page's only one (a page listing other articles' times
    // says nothing about its own). It beats the visible dates of the text, whose day/month
    // order is a guess.
    let datetimes = |s: &Selector| -> Vec<String> {
        let mut v: Vec<String> = doc
            .select(s)
            .filter(|e| !is_update_marker(e, updated))
            .filter_map(|e| e.value().attr("datetime"))
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        v.dedup();
        v
    };
    let [in_article, anywhere] = &SEL.article_times;
    match datetimes(in_article).into_iter().next() {
        Some(first) => candidates.push(first),
        None => {
            let all = datetimes(anywhere);
            if all.len() == 1 {
                candidates.extend(all);
            }
        }
    }
    candidates
        .iter()
        .map(|c| tidy_date(c.trim()))
        .find(|c| reads_as_date(c, &rules.dates))
}

fn element_date(e: ElementRef) -> Option<String> {
    let v = e.value();
    v.attr("datetime")
        .or(v.attr("content"))
        .map(str::to_string)
        .or_else(|| text(&e.text().collect::<String>()))
        .filter(|s| !s.trim().is_empty())
}

/// A `<time class="updated">` or `itemprop=dateModified` (`[html] updated_markers`).
fn is_update_marker(e: &ElementRef, markers: &[String]) -> bool {
    ["class", "itemprop"].iter().any(|a| {
        e.value().attr(a).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            markers.iter().any(|m| v.contains(m.as_str()))
        })
    })
}

/// `+0800` → `+08:00`, so that RFC 3339 parsing keeps the time.
fn tidy_date(s: &str) -> String {
    static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2})(\d{2})$").unwrap()
    });
    OFFSET.replace(s, "$1:$2").into_owned()
}

fn reads_as_date(s: &str, words: &DateWords) -> bool {
    Date::parse(s).is_ok() || crate::convert::metadata::find_date(s, false, words).is_some()
}

/// Authors from the first structured source that names any.
fn authors(doc: &Html, metas: &Metas, ld: &JsonLd) -> Vec<String> {
    let json_ld = ld
        .field("author")
        .map(|a| clean_names(ld.names(a, true)))
        .unwrap_or_default();
    // The first key that names anyone who is not a URL (`article:author` is often a profile
    // link), Dublin Core first as Readability reads it.
    let meta: Vec<String> = [
        "dc:creator",
        "dcterm:creator",
        "dc.creator",
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
    ]
    .iter()
    .map(|k| {
        metas
            .raw(k)
            .filter_map(text)
            .filter(|n| !is_url(n))
            .collect::<Vec<_>>()
    })
    .find(|names| !names.is_empty())
    .unwrap_or_default();
    let rel: Vec<String> = doc
        .select(&SEL.a_rel)
        .filter(|a| {
            a.value().attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("author"))
            })
        })
        .filter_map(|a| text(&a.text().collect::<String>()))
        .collect();
    let itemprop: Vec<String> = doc
        .select(&SEL.itemprop)
        .filter(|e| {
            e.value().attr("itemprop").is_some_and(|p| {
                p.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("author"))
            }) && e.value().name() != "meta"
        })
        .filter_map(|e| {
            e.select(&SEL.itemprop_name)
                .next()
                .map(|n| {
                    n.value()
                        .attr("content")
                        .map(str::to_string)
                        .unwrap_or_else(|| n.text().collect())
                })
                .or_else(|| e.value().attr("content").map(str::to_string))
                .or_else(|| Some(e.text().collect()))
                .and_then(|t| text(&t))
        })
        .collect();
    for group in [json_ld, meta, rel, itemprop] {
        let mut names: Vec<String> = Vec::new();
        for n in group {
            if !is_url(&n) && n.chars().count() <= 80 && !names.contains(&n) {
                names.push(n);
            }
        }
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// Names as JSON-LD wrote them, cleaned, without URLs and repeats.
fn clean_names(raw: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw.iter().filter_map(|s| text(s)) {
        if !is_url(&t) && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A profile link given where a name belongs (`article:author` is often one).
fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("://") || l.starts_with("www.") || l.starts_with("//")
}

/// Texts of short byline elements (`[html] byline_classes`), those inside `<article>` first.
/// Byline elements inside a comment or reply (`[html] byline_outside`) are left out.
fn bylines(doc: &Html, classes: &[String], outside: &[String]) -> Vec<String> {
    let in_comments = |e: &ElementRef| {
        e.ancestors().filter_map(ElementRef::wrap).any(|a| {
            ["class", "id"]
                .iter()
                .filter_map(|k| a.value().attr(k))
                .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
                .any(|w| {
                    let w = w.to_ascii_lowercase();
                    outside.iter().any(|p| w.starts_with(p.as_str()))
                })
        })
    };
    let is_byline = |e: &ElementRef| {
        e.value().attr("class").is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            classes.iter().any(|w| c.contains(w.as_str()))
        }) && !in_comments(e)
    };
    let mut out: Vec<String> = Vec::new();
    for scope in &SEL.classed {
        for e in doc.select(scope).filter(is_byline) {
            if let Some(t) = text(&e.text().collect::<Vec<_>>().join(" "))
                && t.chars().count() <= 80
                && !out.contains(&t)
            {
                out.push(t);
            }
            if out.len() >= 8 {
                return out;
            }
        }
    }
    out
}

/// `<html lang>`, `og:locale`, `content-language`: the first that looks like a language tag.
fn language(doc: &Html, metas: &Metas) -> Option<String> {
    let html_lang = doc
        .select(&SEL.html)
        .next()
        .and_then(|h| h.value().attr("lang"))
        .map(str::to_string);
    html_lang
        .into_iter()
        .chain(metas.raw("og:locale").map(str::to_string))
        .chain(metas.raw("content-language").map(str::to_string))
        .chain(metas.raw("dc.language").map(str::to_string))
        .filter_map(|l| {
            // `en-US, fr` → `en-US`.
            let first = l
                .split([',', ';', ' '])
                .find(|t| !t.is_empty())?
                .to_string();
            let primary = first.split(['-', '_']).next()?;
            ((2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()))
                .then_some(first)
        })
        .next()
}

/// At most `max` characters: whole sentences when they fill a third of it, else whole words
/// (CJK text without spaces is cut at `max`), with `…` when cut inside a sentence.
fn cap_description(d: &str, max: usize, p: &Punctuation) -> String {
    if d.chars().count() <= max {
        return d.to_string();
    }
    let chars: Vec<(usize, char)> = d.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(d.len(), |&(b, _)| b);
    let sentence_end = (max / 3..max)
        .rev()
        .find(|&i| p.is_sentence_end(d, chars[i].0, chars[i].1));
    if let Some(i) = sentence_end {
        return d[..end_of(i)].to_string();
    }
    let cut = (max / 2..max)
        .rev()
        .find(|&i| chars[i].1 == ' ')
        .map_or(chars[max - 1].0 + chars[max - 1].1.len_utf8(), |i| {
            chars[i].0
        });
    let mut s = d[..cut]
        .trim_end_matches(|c: char| c.is_whitespace() || p.trailing.contains(&c))
        .to_string();
    s.push('…');
    s
}

/// `og:image`, `twitter:image`, JSON-LD `image`, `<link rel=image_src>`: the first that is an
/// http(s) URL once resolved against the canonical URL.
fn cover_image(doc: &Html, metas: &Metas, ld: &JsonLd, base: Option<&Url>) -> Option<String> {
    let mut candidates: Vec<String> = [
        "og:image:secure_url",
        "og:image",
        "og:image:url",
        "twitter:image",
        "twitter:image:src",
    ]
    .iter()
    .flat_map(|k| metas.raw(k).map(str::to_string))
    .collect();
    if let Some(img) = ld.field("image") {
        candidates.extend(ld.urls(img));
    }
    candidates.extend(
        doc.select(&SEL.image_src)
            .filter_map(|l| l.value().attr("href").map(str::to_string)),
    );
    candidates.iter().find_map(|c| absolute_url(c, base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::html::jsonld::json_ld_roots;

    fn head(html: &str) -> Head {
        static RULES: LazyLock<crate::rules::Rules> =
            LazyLock::new(|| crate::rules::Rules::defaults().unwrap());
        let doc = Html::parse_document(html);
        read_head(&doc, &json_ld_roots(&doc), &RULES)
    }

    #[test]
    fn json_ld_graph_gives_authors_by_reference_and_editors_apart() {
        let h = head(
            r##"<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","@id":"https://ex.com/#site","name":"Chip Weekly"},
              {"@type":"Organization","@id":"https://ex.com/#org","name":"Chip Weekly Media"},
              {"@type":"Person","@id":"https://ex.com/#ann","name":"Ann Lee","url":"https://ex.com/ann"},
              {"@type":["NewsArticle"],"headline":"Chips Are Back",
               "dateModified":"2024-03-04T11:20:00Z","datePublished":"2024-02-27T08:00:00+0800",
               "author":[{"@id":"https://ex.com/#ann"},{"@type":"Person","name":"Bo Chen"},
                         {"@type":"Organization","name":"Chip Weekly"},"https://twitter.com/annlee"],
               "editor":{"@type":"Person","name":"Cara Diaz"},
               "publisher":{"@id":"https://ex.com/#org"}}]}</script></head><body></body></html>"##,
        );
        assert_eq!(h.authors, ["Ann Lee", "Bo Chen"]);
        assert_eq!(h.editors, ["Cara Diaz"]);
        assert_eq!(h.publisher.as_deref(), Some("Chip Weekly Media"));
        assert_eq!(h.published.as_deref(), Some("2024-02-27T08:00:00+08:00"));
        assert_eq!(h.title.as_deref(), Some("Chips Are Back"));
    }

    #[test]
    fn the_published_date_is_chosen_never_the_modified_one() {
        let h = head(
            r#"<html><head><meta property="article:modified_time" content="2024-03-04T11:20:00Z">
            <script type="application/ld+json">{"@type":"BlogPosting","dateModified":"2024-03-04",
              "datePublished":"2024-02-27"}</script></head></html>"#,
        );
        assert_eq!(h.published.as_deref(), Some("2024-02-27"));
        // Only a modified date: no guess.
        let h = head(
            r#"<html><head><meta property="article:modified_time" content="2024-03-04T11:20:00Z">
            <script type="application/ld+json">{"@type":"Article","dateModified":"2024-03-04"}</script>
            </head><body><article><header><time class="updated" datetime="2024-03-04">Mar 4</time>
            </header></article></body></html>"#,
        );
        assert_eq!(h.published, None);
    }

    #[test]
    fn dates_from_microdata_time_elements_and_dublin_core() {
        let date = |html: &str| head(html).published;
        assert_eq!(
            date(r#"<body><span>Posted</span><time itemprop="datePublished" datetime="2023-07-14T09:00:00Z">July 14</time></body>"#)
                .as_deref(),
            Some("2023-07-14T09:00:00Z")
        );
        assert_eq!(
            date(r#"<body><time pubdate datetime="2023-07-15">x</time></body>"#).as_deref(),
            Some("2023-07-15")
        );
        assert_eq!(
            date(r#"<head><meta name="DC.date" content="2023-07-16"></head>"#).as_deref(),
            Some("2023-07-16")
        );
        assert_eq!(
            date(r#"<head><meta name="parsely-pub-date" content="2023-07-17T08:00:00Z"></head>"#)
                .as_deref(),
            Some("2023-07-17T08:00:00Z")
        );
        assert_eq!(
            date(
                r#"<body><aside><time datetime="2020-01-01">old related post</time></aside>
                <article><header><time class="updated" datetime="2023-07-20">Updated</time>
                <time datetime="2023-07-18">July 18</time></header></article></body>"#
            )
            .as_deref(),
            Some("2023-07-18")
        );
        // An unreadable declared date gives way to the next piece of evidence.
        assert_eq!(
            date(
                r#"<head><meta property="article:published_time" content="soon">
                <meta name="sailthru.date" content="2023-07-19 10:00:00"></head>"#
            )
            .as_deref(),
            Some("2023-07-19 10:00:00")
        );
    }

    #[test]
    fn authors_from_meta_rel_and_itemprop_without_urls() {
        let h = head(
            r#"<html><head><meta property="article:author" content="https://facebook.com/annlee">
            <meta name="author" content="Ann &amp;amp; Co"></head></html>"#,
        );
        assert_eq!(h.authors, ["Ann & Co"]);
        let h = head(
            r#"<html><head><meta property="article:author" content="https://facebook.com/annlee"></head>
            <body><a rel="author" href="/ann">Ann Lee</a></body></html>"#,
        );
        assert_eq!(h.authors, ["Ann Lee"]);
        let h = head(
            r#"<body><span itemprop="author" itemscope><span itemprop="name">Bo Chen</span>
            <a itemprop="url" href="/bo">profile</a></span></body>"#,
        );
        assert_eq!(h.authors, ["Bo Chen"]);
        let h = head(
            r#"<body><div class="sidebar-author-list">a very long list of every author the site has ever had, far too long for a byline</div>
            <article><p class="article-byline">By <a>Dana Roe</a></p></article></body>"#,
        );
        assert!(h.authors.is_empty());
        assert_eq!(h.bylines, ["By Dana Roe"]);
    }

    #[test]
    fn title_candidates_in_order_with_entities_decoded() {
        let h = head(
            r#"<html><head><title>AT&amp;T  Cuts
            Prices | Chip Weekly</title><meta name="twitter:title" content="AT&amp;T Cuts Prices">
            <meta property="og:site_name" content="Chip Weekly"></head></html>"#,
        );
        assert_eq!(
            h.titles,
            ["AT&T Cuts Prices", "AT&T Cuts Prices | Chip Weekly"]
        );
        assert_eq!(h.site_name.as_deref(), Some("Chip Weekly"));
    }

    #[test]
    fn canonical_url_and_relative_images_are_resolved() {
        let h = head(
            r#"<html><head><meta property="og:url" content="https://m.ex.com/a">
            <link rel="canonical" href="https://ex.com/news/a?x=1">
            <meta property="og:image" content="javascript:alert(1)">
            <meta property="og:image" content="../img/cover.png"></head></html>"#,
        );
        assert_eq!(h.url.as_deref(), Some("https://ex.com/news/a?x=1"));
        assert_eq!(
            h.cover_image.as_deref(),
            Some("https://ex.com/img/cover.png")
        );
        // A relative canonical link is no URL; og:url is. JSON-LD image object, data: refused.
        let h = head(
            r#"<html><head><link rel="canonical" href="/news/a"><meta property="og:url" content="https://ex.com/news/a">
            <meta name="twitter:image" content="data:image/png;base64,AAAA">
            <script type="application/ld+json">{"@type":"Article","image":[{"@type":"ImageObject","url":"//cdn.ex.com/c.jpg"}]}</script>
            </head></html>"#,
        );
        assert_eq!(h.url.as_deref(), Some("https://ex.com/news/a"));
        assert_eq!(h.cover_image.as_deref(), Some("https://cdn.ex.com/c.jpg"));
        // Relative, with nothing to resolve it against: no image.
        let h = head(r#"<head><meta property="og:image" content="/c.jpg"></head>"#);
        assert_eq!(h.cover_image, None);
    }

    #[test]
    fn malformed_json_ld_is_ignored() {
        let h = head(
            r##"<html><head>
            <script type="application/ld+json">{"@type":"Article","datePublished":"2024-01-01",</script>
            <script type="application/ld+json">{"@graph":"x","author":42,"@type":7}</script>
            <script type="application/ld+json">[{"@type":"NewsArticle","author":{"@id":"#missing"},
              "image":{"url":{"nested":[1,2]}},"headline":null,"publisher":[]}]</script>
            <script type="application/ld+json"><!-- {"@type":"Article","datePublished":"2024-02-02"} --></script>
            </head></html>"##,
        );
        assert_eq!(h.published.as_deref(), Some("2024-02-02"));
        assert!(h.authors.is_empty());
        assert_eq!(h.title, None);
        assert_eq!(h.cover_image, None);
    }

    #[test]
    fn language_falls_back_to_og_locale_and_content_language() {
        assert_eq!(
            head(
                r#"<html lang=""><head><meta property="og:locale" content="zh_CN"></head></html>"#
            )
            .lang
            .as_deref(),
            Some("zh_CN")
        );
        assert_eq!(
            head(r#"<html><head><meta http-equiv="Content-Language" content="de-DE, en"></head></html>"#)
                .lang
                .as_deref(),
            Some("de-DE")
        );
    }

    #[test]
    fn descriptions_are_one_line_and_capped_at_a_boundary() {
        let h = head(
            "<head><meta name=\"description\" content=\"  It&amp;#8217;s here.\n\n Second   line. \"></head>",
        );
        assert_eq!(h.description.as_deref(), Some("It’s here. Second line."));
        let first = format!("A first sentence{}.", " that goes on".repeat(10));
        let long = format!("{first} {}", "word ".repeat(100));
        assert_eq!(cap_description(&long, 300, Punctuation::defaults()), first);
        // A sentence shorter than a third of the room is not worth the loss: words are cut.
        let long = format!("Short. {}", "word ".repeat(100));
        assert!(cap_description(&long, 300, Punctuation::defaults()).len() > 200);
        let words = "word ".repeat(100);
        let capped = cap_description(words.trim(), 300, Punctuation::defaults());
        assert!(
            capped.ends_with("word…") && capped.chars().count() <= 301,
            "{capped}"
        );
        let han = "芯".repeat(400);
        assert_eq!(
            cap_description(&han, 300, Punctuation::defaults())
                .chars()
                .count(),
            301
        );
        assert_eq!(
            cap_description("第一句话。第二句话很长", 8, Punctuation::defaults()),
            "第一句话。"
        );
    }

    #[test]
    fn a_site_file_changes_the_byline_and_updated_words() {
        let site = "[html]\nbyline_classes = [\"credit-line\"]\nupdated_markers = [\"revised\"]\n";
        let rules = crate::rules::Rules::from_texts(
            &[
                ("embedded", include_str!("../../../rules/boilerplate.toml")),
                ("site/rules/boilerplate.toml", site),
            ],
            &[],
        )
        .unwrap();
        let page = r#"<body><article><p class="credit-line">By Ann Lee</p><p class="byline">Bo</p>
            <header><time class="revised" datetime="2024-03-04">x</time>
            <time class="updated" datetime="2024-02-27">y</time></header></article></body>"#;
        let doc = Html::parse_document(page);
        let h = read_head(&doc, &json_ld_roots(&doc), &rules);
        assert_eq!(h.bylines, ["By Ann Lee"]);
        assert_eq!(h.published.as_deref(), Some("2024-02-27"));
        assert_eq!(head(page).bylines, ["Bo"]);
        assert_eq!(head(page).published.as_deref(), Some("2024-03-04"));
    }
}
