//! The one place the Markdown dialect is decided, and where content from scrapes is made safe.
//!
//! Raw HTML in Markdown passes through pulldown-cmark verbatim, so any document that has some
//! is sanitized with ammonia after rendering; links and images are checked at the event level
//! (no `javascript:`), external links get `rel="noopener"`, soft breaks between CJK characters
//! disappear (a browser would render them as a space), and headings get stable ids.

use std::collections::HashMap;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::config::MarkdownConfig;
use crate::slug::{is_cjk, slugify};

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What rendering a Markdown body gives.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the body, block by block, for counts, summaries and search.
    pub text: String,
    /// HTML before `<!-- more -->`, when the body has that marker (Zola's summary).
    pub summary_html: Option<String>,
    pub toc: Vec<Heading>,
    /// Zola-style links to other content files (`@/news/a.md`), resolved once every page's URL
    /// is known (see `content::library`).
    pub internal_links: Vec<String>,
}

pub fn options(cfg: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    if cfg.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

const MORE: &str = "<!-- more -->";

/// URL schemes that execute or smuggle content. Checked after removing what browsers ignore.
fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("livescript:")
        || (cleaned.starts_with("data:") && !cleaned.starts_with("data:image/"))
        || cleaned.contains("&#")
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

fn last_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    }
}

fn first_char(e: &Event) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

/// Root-relative link targets (`/img/a.png`) mean the site root: under a sub-path they get
/// the base path in front, so content written for `/` works wherever the site is published.
fn rebase<'a>(url: &'a str, base_path: &str) -> std::borrow::Cow<'a, str> {
    if base_path != "/"
        && url.starts_with('/')
        && !url.starts_with("//")
        && !url.starts_with(base_path)
    {
        std::borrow::Cow::Owned(format!("{}{}", base_path.trim_end_matches('/'), url))
    } else {
        std::borrow::Cow::Borrowed(url)
    }
}

/// Renders a body for a site published at `base_path` (`/` or `/news/`).
pub fn render(md: &str, cfg: &MarkdownConfig, base_path: &str) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(md, options(cfg)).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut text = String::new();
    let mut toc = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut has_raw_html = false;
    let mut more_at: Option<usize> = None;
    let mut internal_links = Vec::new();
    // For each open link: whether we replaced its tags with our own HTML (true) or dropped them.
    let mut link_stack: Vec<LinkHandling> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let ev = &events[i];
        match ev {
            Event::SoftBreak => {
                let prev = out.last().and_then(last_char);
                let next = events.get(i + 1).and_then(first_char);
                if !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
                    out.push(Event::SoftBreak);
                    text.push(' ');
                }
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Gather the heading's text to name it.
                let mut title = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        title.push_str(t);
                    }
                    j += 1;
                }
                let id = if let Some(id) = id {
                    Some(id.clone())
                } else if cfg.heading_ids {
                    Some(CowStr::from(unique_id(&mut ids, &title)))
                } else {
                    None
                };
                toc.push(Heading {
                    level: heading_level(*level),
                    id: id.as_deref().unwrap_or_default().to_string(),
                    title: title.trim().to_string(),
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id,
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                if let Some(target) = dest_url.strip_prefix("@/") {
                    internal_links.push(target.split('#').next().unwrap_or("").to_string());
                }
                if is_dangerous_url(dest_url) {
                    link_stack.push(LinkHandling::Dropped);
                } else {
                    let mut html = String::from("<a href=\"");
                    let _ = escape_href(&mut html, &rebase(dest_url, base_path));
                    html.push('"');
                    if !title.is_empty() {
                        html.push_str(" title=\"");
                        let _ = escape_html(&mut html, title);
                        html.push('"');
                    }
                    if is_external(dest_url) {
                        let mut rel = String::from("noopener");
                        if cfg.external_links_no_follow {
                            rel.push_str(" nofollow");
                        }
                        html.push_str(&format!(" rel=\"{rel}\""));
                        if cfg.external_links_target_blank {
                            html.push_str(" target=\"_blank\"");
                        }
                    }
                    html.push('>');
                    out.push(Event::InlineHtml(html.into()));
                    link_stack.push(LinkHandling::Replaced);
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(LinkHandling::Replaced) = link_stack.pop() {
                    out.push(Event::InlineHtml("</a>".into()));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                // Alt text is the image's inline content, up to its end tag.
                let mut alt = String::new();
                let mut j = i + 1;
                let mut depth = 1;
                while j < events.len() {
                    match &events[j] {
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        Event::Text(t) | Event::Code(t) => alt.push_str(t),
                        _ => {}
                    }
                    j += 1;
                }
                if is_dangerous_url(dest_url) {
                    out.push(Event::Text(alt.into()));
                } else {
                    let mut html = String::from("<img src=\"");
                    let _ = escape_href(&mut html, &rebase(dest_url, base_path));
                    html.push_str("\" alt=\"");
                    let _ = escape_html(&mut html, &alt);
                    html.push('"');
                    if !title.is_empty() {
                        html.push_str(" title=\"");
                        let _ = escape_html(&mut html, title);
                        html.push('"');
                    }
                    html.push_str(" loading=\"lazy\">");
                    out.push(Event::InlineHtml(html.into()));
                }
                i = j + 1;
                continue;
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.trim() == MORE {
                    if more_at.is_none() {
                        more_at = Some(out.len());
                    }
                } else {
                    has_raw_html = true;
                    out.push(ev.clone());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                out.push(ev.clone());
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            )
            | Event::HardBreak => {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                out.push(ev.clone());
            }
            _ => out.push(ev.clone()),
        }
        i += 1;
    }

    let to_html = |events: &[Event]| {
        let mut html = String::with_capacity(md.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.iter().cloned());
        if has_raw_html { sanitize(&html) } else { html }
    };
    let summary_html = more_at.map(|n| to_html(&close_open_tags(&out[..n])));
    Rendered {
        html: to_html(&out),
        text,
        summary_html,
        toc,
        internal_links,
    }
}

enum LinkHandling {
    Replaced,
    Dropped,
}

/// Events before `<!-- more -->` with the blocks still open at that point closed.
fn close_open_tags<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let mut v = events.to_vec();
    let mut stack = Vec::new();
    for e in events {
        match e {
            Event::Start(t) => stack.push(t.to_end()),
            Event::End(_) => {
                stack.pop();
            }
            _ => {}
        }
    }
    v.extend(stack.into_iter().rev().map(Event::End));
    v
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

fn unique_id(ids: &mut HashMap<String, usize>, title: &str) -> String {
    let mut base = slugify(title);
    if base.is_empty() {
        base = "section".into();
    }
    let n = ids.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{}", *n - 1)
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "title", "lang", "dir"])
        .add_tags([
            "figure",
            "figcaption",
            "section",
            "input",
            "mark",
            "details",
            "summary",
        ])
        .add_tag_attributes("img", ["loading", "width", "height"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("a", ["target"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("td", ["align", "style"])
        .add_tag_attributes("th", ["align", "style"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener"));
    b
});

/// Whitelist-sanitizes rendered HTML: no script, style, iframe, event handler or
/// `javascript:` URL survives.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &MarkdownConfig::default(), "/").html
    }

    #[test]
    fn scripts_and_handlers_never_survive() {
        let out = html(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
             [x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z]( java\tscript:alert(3))\n\n\
             <a href=\"javascript:alert(4)\">a</a> <iframe src=\"https://e.com\"></iframe>\n\n\
             <svg onload=alert(5)></svg> <style>body{}</style>\n\n![p](javascript:alert(6))",
        );
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "JaVaScRiPt",
            "<iframe",
            "onload",
            "<style",
            "alert(6)",
        ] {
            assert!(
                !out.to_lowercase().contains(&bad.to_lowercase()),
                "{bad} in {out}"
            );
        }
    }

    #[test]
    fn external_links_get_noopener() {
        let out = html("[a](https://example.com) [b](/local/)");
        assert!(
            out.contains(r#"<a href="https://example.com" rel="noopener">a</a>"#),
            "{out}"
        );
        assert!(out.contains(r#"<a href="/local/">b</a>"#), "{out}");
    }

    #[test]
    fn root_relative_links_follow_the_base_path() {
        let r = render(
            "[a](/news/x/) ![i](/img/a.png) [b](//cdn.example/x)",
            &MarkdownConfig::default(),
            "/sub/",
        );
        assert!(r.html.contains(r#"href="/sub/news/x/""#), "{}", r.html);
        assert!(r.html.contains(r#"src="/sub/img/a.png""#), "{}", r.html);
        assert!(r.html.contains(r#"href="//cdn.example/x""#), "{}", r.html);
    }

    #[test]
    fn soft_breaks_between_han_characters_vanish() {
        let out = html("中文段落\n继续写\nand English\nwords");
        assert!(out.contains("中文段落继续写"), "{out}");
        assert!(out.contains("and English\nwords"), "{out}");
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "## 潜在的竞争\n\n## 潜在的竞争\n\n### Part Two",
            &MarkdownConfig::default(),
            "/",
        );
        assert!(
            r.html.contains(r#"<h2 id="qian-zai-de-jing-zheng">"#),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(r#"<h2 id="qian-zai-de-jing-zheng-1">"#),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].id, "part-two");
    }

    #[test]
    fn gfm_features_render() {
        let r = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n[^1]: note");
        assert!(
            r.contains("<table>") && r.contains("<del>old</del>") && r.contains("footnote"),
            "{r}"
        );
    }

    #[test]
    fn more_marker_gives_summary() {
        let r = render(
            "First para.\n\n<!-- more -->\n\nSecond.",
            &MarkdownConfig::default(),
            "/",
        );
        assert_eq!(r.summary_html.as_deref(), Some("<p>First para.</p>\n"));
        assert!(!r.html.contains("more"));
    }
}
