//! HTML scrapes → the same [`Block`]s as text scrapes, plus what the page's `<head>` says.
//!
//! The stages, one file each:
//! - [`tree`]: the cleaned page (scripts, navigation, hidden parts out) and its text measures;
//! - [`body`]: which elements are the article (markup tiers, then Readability's scoring);
//! - [`emit`]: the body as blocks with [`Hint`](crate::convert::model::Hint)s and inline spans;
//! - [`byline`]: the lines between the headline and the body;
//! - [`url`]: resolving and vetting every link and image;
//! - [`head`] and [`jsonld`]: the metadata evidence.
//!
//! The boilerplate rules and structure stages then decide exactly as for text. Scripts, styles,
//! event handlers and unsafe URLs never reach a block. This folder must not write Markdown
//! (`write.rs` does) nor weigh the evidence or choose the title (`article.rs` does).

mod body;
mod byline;
mod depth;
mod emit;
pub mod head;
mod jsonld;
mod tree;
pub mod url;

use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Selector};

pub use self::depth::nesting_depth;
pub use self::head::Head;
use self::head::read_head;
use crate::convert::model::Block;
use crate::rules::Rules;

/// A parsed HTML page: the article's blocks, what the head says, and a warning when the page
/// does not look like an article.
pub struct Parsed {
    pub blocks: Vec<Block>,
    pub head: Head,
    pub warnings: Vec<String>,
}

static NOSCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<(/?)noscript\b[^>]*>").expect("static regex"));
static PASSWORD: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse(r#"input[type="password" i]"#).expect("selector"));

/// Parses a page into blocks and head metadata; `url` (the user's `--url`) overrides the
/// page's canonical URL for resolving links.
pub fn parse(html: &str, url: Option<&str>, rules: &Rules) -> Parsed {
    let doc = Html::parse_document(html);
    let head = read_head(&doc, rules);
    let base = url
        .or(head.url.as_deref())
        .and_then(|u| ::url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let mut ex = extract(&doc, base.as_ref(), head.title.as_deref(), rules);
    // A page that renders its article with script keeps a copy in `<noscript>` (Blogger):
    // when the page itself yields little, read it with the `<noscript>` parts opened up.
    if ex.chars < 500 && html.contains("<noscript") {
        let opened = NOSCRIPT.replace_all(html, "<${1}div>");
        let doc2 = Html::parse_document(&opened);
        let ex2 = extract(&doc2, base.as_ref(), head.title.as_deref(), rules);
        if ex2.chars > ex.chars * 2 {
            ex = ex2;
        }
    }
    let mut warnings: Vec<String> = ex.warning.into_iter().collect();
    if ex.chars < 1000 && doc.select(&PASSWORD).next().is_some() {
        warnings.push(
            "a login form and little text: this looks like a sign-in page, not an article".into(),
        );
    }
    let tail = html.as_bytes()[html.len().saturating_sub(4096)..].to_ascii_lowercase();
    let has = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    if !has(b"</html") && !has(b"</body") {
        warnings.push("the page ends before </body></html>: it may be truncated".into());
    }
    Parsed {
        blocks: ex.blocks,
        head,
        warnings,
    }
}

/// The article body of a parsed page.
struct Extraction {
    blocks: Vec<Block>,
    /// Characters of text in the blocks.
    chars: usize,
    /// Why the page may not be an article (no body found): for a warning.
    warning: Option<String>,
}

/// Extracts the article body of a parsed page. `base` resolves relative links and images;
/// `title` (the head's) picks the headline among several `<h1>`s.
fn extract(
    doc: &Html,
    base: Option<&::url::Url>,
    title: Option<&str>,
    rules: &Rules,
) -> Extraction {
    let page = tree::Page::new(doc, &rules.html, &rules.text.blocks);
    let roots = body::choose(&page);
    let mut em = emit::Emitter::new(&page, base, &roots);
    em.title_key = title.map(tree::squash).unwrap_or_default();
    // No `<h1>` at all (a portal page laid out in tables and `<font>`): the headline is the
    // emphasised short line just before the body.
    let headline = page
        .title_h1(title)
        .or_else(|| roots.first().and_then(|r| page.headline_box(*r, title)));
    if let Some(h1) = headline
        && !roots.iter().any(|r| tree::is_ancestor(*r, h1))
    {
        em.emit_title(h1);
        // The byline area between the headline and the body (dates, authors, a standfirst):
        // the metadata stage reads it, the structure stage drops what is left of it.
        if let Some(first) = roots.first() {
            em.header_area(h1, *first);
        }
    }
    for r in &roots {
        if let Some(n) = doc.tree.get(*r) {
            em.block(n, 0);
        }
    }
    em.flush();
    let chars: usize = em.out.iter().map(|b| b.text.chars().count()).sum();
    let warning = (chars < 200).then(|| {
        "no article text found (a login, index or error page?); the output is a best effort"
            .to_string()
    });
    Extraction {
        blocks: em.out,
        chars,
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::blocks::Hint;

    #[test]
    fn blocks_follow_the_layout_and_scripts_never_become_text() {
        let html = r#"<html lang="zh-CN"><head><title>T | Site</title>
            <meta property="article:published_time" content="2024-02-27T08:00:00Z"></head>
            <body><nav><a>首页</a> <a>快讯</a></nav><h1>标题</h1>
            <p>第一段<a href="x">链接</a>文字。<script>alert(1)</script></p>
            <p><strong>一、小标题</strong></p><ul><li>甲</li><li>乙</li></ul>
            <img src=x onerror="alert(1)" alt="图"><figure><figcaption>说明 | 图片来源:X</figcaption></figure>
            <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table></body></html>"#;
        let rules = crate::rules::Rules::defaults().unwrap();
        let Parsed { blocks, head, .. } = parse(html, None, &rules);
        let got: Vec<(&str, &Hint)> = blocks.iter().map(|b| (b.text.as_str(), &b.hint)).collect();
        // The navigation is not article; the relative link has no base and stays text.
        assert_eq!(
            got,
            [
                ("标题", &Hint::Title),
                ("第一段链接文字。", &Hint::None),
                ("**一、小标题**", &Hint::None),
                ("甲", &Hint::ListItem),
                ("乙", &Hint::ListItem),
                ("说明 | 图片来源:X", &Hint::Caption),
                ("A | B", &Hint::TableRow(vec!["A".into(), "B".into()], true)),
                (
                    "1 | 2",
                    &Hint::TableRow(vec!["1".into(), "2".into()], false)
                ),
            ]
        );
        assert_eq!(head.title.as_deref(), Some("T | Site"));
        assert_eq!(head.published.as_deref(), Some("2024-02-27T08:00:00Z"));
        assert_eq!(head.lang.as_deref(), Some("zh-CN"));
    }
}
