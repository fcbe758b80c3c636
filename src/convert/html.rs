//! HTML scrapes → the same blocks as text scrapes, plus what the page's `<head>` says.
//!
//! [`super::extract`] finds the article in the page and emits its blocks with their structure
//! (`<h1>` title, headings, list items, captions, quotes, table rows, code, images) as
//! [`Hint`]s and [`super::blocks::Markup`]; the boilerplate rules and structure stages then
//! decide exactly as for text. Scripts, styles, event handlers and unsafe URLs never reach a
//! block.

use std::sync::LazyLock;

use regex::Regex;
use scraper::Html;
use url::Url;

use super::blocks::Block;
pub use super::head::Head;
use super::head::read_head;
use crate::rules::HtmlRules;

/// A parsed HTML page: the article's blocks, what the head says, and a warning when the page
/// does not look like an article.
pub struct Parsed {
    pub blocks: Vec<Block>,
    pub head: Head,
    pub warnings: Vec<String>,
}

/// Parses a page into blocks and head metadata; `url` (the user's `--url`) overrides the
/// page's canonical URL for resolving links.
pub fn parse(html: &str, url: Option<&str>, rules: &HtmlRules) -> Parsed {
    let doc = Html::parse_document(html);
    let head = read_head(&doc);
    let base = url
        .or(head.url.as_deref())
        .and_then(|u| Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let mut ex = super::extract::extract(&doc, base.as_ref(), head.title.as_deref(), rules);
    // A page that renders its article with script keeps a copy in `<noscript>` (Blogger):
    // when the page itself yields little, read it with the `<noscript>` parts opened up.
    if ex.chars < 500 && html.contains("<noscript") {
        static NOSCRIPT: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?i)<(/?)noscript\b[^>]*>").expect("static regex"));
        let opened = NOSCRIPT.replace_all(html, "<${1}div>");
        let doc2 = Html::parse_document(&opened);
        let ex2 = super::extract::extract(&doc2, base.as_ref(), head.title.as_deref(), rules);
        if ex2.chars > ex.chars * 2 {
            ex = ex2;
        }
    }
    let mut warnings: Vec<String> = ex.warning.into_iter().collect();
    static PASSWORD: LazyLock<scraper::Selector> = LazyLock::new(|| {
        scraper::Selector::parse(r#"input[type="password" i]"#).expect("selector")
    });
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

/// How deep elements nest, roughly (void elements and comments skipped): html5ever's tree
/// builder is quadratic in the depth, so a pathological page is refused before parsing.
pub fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "option", "td", "tr", "th", "dt", "dd",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = if close { i + 1 } else { i };
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |e| start + e);
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if close {
            depth = depth.saturating_sub(1);
        } else {
            let gt = b[end..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(b.len(), |g| end + g);
            if gt > 0 && b.get(gt - 1) == Some(&b'/') {
                continue;
            }
            depth += 1;
            max = max.max(depth);
        }
    }
    max
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
        let Parsed { blocks, head, .. } = parse(html, None, &rules.html);
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
