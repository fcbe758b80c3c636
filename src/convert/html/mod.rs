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

use self::tree::Reading;

use ego_tree::NodeId;
use regex::Regex;
use rustc_hash::FxHashMap;
use scraper::{Html, Node, Selector};

pub use self::depth::nesting_depth;
pub use self::head::Head;
use self::head::read_head;
use crate::convert::model::{Block, Hint};
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
    // The page's JSON-LD, parsed once: the head's evidence and the text it may hold.
    let roots = jsonld::json_ld_roots(&doc);
    let head = read_head(&doc, &roots, rules);
    let base = url
        .or(head.url.as_deref())
        .and_then(|u| ::url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let mut ex = extract(
        &doc,
        base.as_ref(),
        head.title.as_deref(),
        rules,
        Reading::Strict,
    );
    // No article under the strict reading: the page may keep it in a box its markup calls
    // chrome (`<aside>`, `role=complementary`); read it again judging those by their text.
    if ex.chars < 200 {
        let ex2 = extract(
            &doc,
            base.as_ref(),
            head.title.as_deref(),
            rules,
            Reading::Lenient,
        );
        if ex2.chars >= 200 && ex2.chars > ex.chars * 2 {
            ex = ex2;
        }
    }
    // A page that renders its article with script keeps a copy in `<noscript>` (Blogger):
    // when the page itself yields little, read it with the `<noscript>` parts opened up.
    if ex.chars < 500 && html.contains("<noscript") {
        let opened = NOSCRIPT.replace_all(html, "<${1}div>");
        let doc2 = Html::parse_document(&opened);
        let ex2 = extract(
            &doc2,
            base.as_ref(),
            head.title.as_deref(),
            rules,
            Reading::Strict,
        );
        if ex2.chars > ex.chars * 2 {
            ex = ex2;
        }
    }
    // The page's structured data holds its text (an `articleBody`, a recipe's steps): the
    // whole article when the page renders it with script, the steps when the body the page
    // shows left them out.
    let data = jsonld::data_text(&roots);
    if data.chars() >= 200 {
        let held: String = ex.blocks.iter().map(|b| tree::squash(&b.text)).collect();
        if ex.chars < 500 && data.chars() > 2 * ex.chars {
            // What the page shows besides is a loading note or a menu, unless it is prose or
            // a list (a recipe's ingredients).
            let m = &rules.text.blocks;
            ex.blocks.retain(|b| {
                matches!(b.hint, Hint::ListItem | Hint::TableRow(..))
                    || crate::convert::blocks::is_prose(m, &b.text)
            });
            let more = data_blocks(&data.body, &data.items, &data.steps, &held);
            ex.blocks.extend(more);
            ex.chars = ex.blocks.iter().map(|b| b.text.chars().count()).sum();
            ex.warning = None;
        } else {
            // Each list on its own: most of it missing from the body, it is added.
            let missing = |list: &[String]| {
                let lost = list
                    .iter()
                    .filter(|t| !held.contains(&tree::squash(t)))
                    .count();
                lost * 2 > list.len()
            };
            let items: &[String] = if missing(&data.items) {
                &data.items
            } else {
                &[]
            };
            let steps: &[String] = if missing(&data.steps) {
                &data.steps
            } else {
                &[]
            };
            ex.blocks.extend(data_blocks(&[], items, steps, &held));
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

/// Blocks of structured-data text: paragraphs, the items as a list, the steps; a text
/// `held` already (squashed) is not repeated. Markup in a value (`articleBody` may carry
/// `<p>`s) is read as HTML, one block a paragraph.
fn data_blocks(body: &[String], items: &[String], steps: &[String], held: &str) -> Vec<Block> {
    use crate::convert::normalize::{clean_line, normalize_chars};
    let mut out: Vec<Block> = Vec::new();
    let mut push = |text: &str, hint: Hint| {
        let line = clean_line(&normalize_chars(
            &text.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
        let key = tree::squash(&line);
        if !key.is_empty() && !held.contains(&key) {
            out.push(Block::new(out.len() + 1, line, true, hint));
        }
    };
    for b in body {
        let paragraphs: Vec<String> = if b.contains('<') {
            let frag = Html::parse_fragment(b);
            let mut texts: Vec<String> = Vec::new();
            let mut cur = String::new();
            for n in frag.tree.root().descendants() {
                let hidden = n.ancestors().any(|a| {
                    a.value().as_element().is_some_and(|e| {
                        matches!(e.name(), "script" | "style" | "template" | "noscript")
                    })
                });
                match n.value() {
                    Node::Text(t) if !hidden => cur.push_str(t),
                    Node::Element(e)
                        if matches!(e.name(), "p" | "br" | "div" | "li" | "h2" | "h3") =>
                    {
                        texts.push(std::mem::take(&mut cur));
                    }
                    _ => {}
                }
            }
            texts.push(cur);
            texts
        } else {
            b.split("\n").map(str::to_string).collect()
        };
        for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
            push(p, Hint::None);
        }
    }
    for t in items {
        push(t, Hint::ListItem);
    }
    for t in steps {
        push(t, Hint::None);
    }
    out
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
///
/// Two passes, as trafilatura does: the precise one (the chosen body, pruned), then a
/// baseline of every paragraph the page shows. When the precise body holds much less text
/// than the baseline (under [`BASELINE_SHARE`]), it missed the article (a second body
/// container, a lead outside it, an article in a box judged chrome): the baseline's
/// paragraphs it does not hold are added, in document order.
fn extract(
    doc: &Html,
    base: Option<&::url::Url>,
    title: Option<&str>,
    rules: &Rules,
    reading: Reading,
) -> Extraction {
    let page = tree::Page::new(doc, &rules.html, &rules.text.blocks, reading);
    let roots = body::choose(&page);
    let (mut blocks, mut chars) = emit_body(&page, base, title, &roots);
    let paragraphs = baseline(&page);
    let baseline_chars: usize = paragraphs.iter().map(|(_, n)| n).sum();
    if (chars as f64) < BASELINE_SHARE * baseline_chars as f64 {
        let held: String = blocks.iter().map(|b| tree::squash(&b.text)).collect();
        let mut more: Vec<NodeId> = paragraphs
            .iter()
            .filter(|(id, _)| {
                let text = doc
                    .tree
                    .get(*id)
                    .map(|n| tree::squash(&page.visible_text(n, " ")))
                    .unwrap_or_default();
                !held.contains(&text)
            })
            .map(|(id, _)| *id)
            .collect();
        if !more.is_empty() {
            if page.debug {
                eprintln!(
                    "extract: body {chars} chars < {BASELINE_SHARE} x baseline {baseline_chars}: \
                     {} paragraphs added",
                    more.len()
                );
            }
            more.extend(roots.iter().copied());
            let order: FxHashMap<NodeId, usize> = doc
                .tree
                .root()
                .descendants()
                .enumerate()
                .map(|(i, n)| (n.id(), i))
                .collect();
            // Outermost first: a paragraph inside a chosen root is emitted by that root.
            more.retain(|id| {
                !roots
                    .iter()
                    .any(|r| r != id && doc.tree.get(*id).is_some_and(|n| tree::is_ancestor(*r, n)))
            });
            more.sort_by_key(|id| order.get(id).copied().unwrap_or(usize::MAX));
            more.dedup();
            (blocks, chars) = emit_body(&page, base, title, &more);
        }
    }
    let warning = (chars < 200).then(|| {
        "no article text found (a login, index or error page?); the output is a best effort"
            .to_string()
    });
    Extraction {
        blocks,
        chars,
        warning,
    }
}

/// The share of the baseline's text below which the precise body missed the article.
const BASELINE_SHARE: f64 = 0.3;

/// Fewest characters (letters and digits) of a baseline paragraph: shorter ones are labels,
/// buttons and teasers as often as prose.
const BASELINE_MIN_CHARS: usize = 40;

/// The baseline: every `<p>`, `<blockquote>` and `<pre>` the cleaned page shows (outermost
/// only) with [`BASELINE_MIN_CHARS`] of text, not mostly links, and its size.
fn baseline(page: &tree::Page) -> Vec<(NodeId, usize)> {
    let mut out = Vec::new();
    page.walk(page.doc.tree.root(), |n| {
        let Node::Element(el) = n.value() else {
            return true;
        };
        if !matches!(el.name(), "p" | "blockquote" | "pre") {
            return true;
        }
        let s = page.stats(n.id());
        if s.chars as usize >= BASELINE_MIN_CHARS && page.link_density(n.id()) < 0.5 {
            out.push((n.id(), s.chars as usize));
        }
        false
    });
    out
}

/// Emits the headline, the byline area under it and the body `roots`: the blocks and their
/// characters.
fn emit_body(
    page: &tree::Page,
    base: Option<&::url::Url>,
    title: Option<&str>,
    roots: &[NodeId],
) -> (Vec<Block>, usize) {
    let doc = page.doc;
    let mut em = emit::Emitter::new(page, base, roots);
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
    for r in roots {
        if let Some(n) = doc.tree.get(*r) {
            em.block(n, 0);
        }
    }
    em.flush();
    let chars: usize = em.out.iter().map(|b| b.text.chars().count()).sum();
    (em.out, chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_data_text_is_plain_text_without_scripts_or_repeats() {
        let body = vec![
            "<p>One.</p><script>alert(1)</script><style>p{}</style><p>Two <img src=x onerror=alert(2)> words.</p>"
                .to_string(),
        ];
        let steps = vec!["Mix.".to_string(), "Bake.".to_string()];
        let held = tree::squash("Mix.");
        let texts: Vec<(String, Hint)> = data_blocks(&body, &["1 egg".into()], &steps, &held)
            .into_iter()
            .map(|b| (b.text, b.hint))
            .collect();
        assert_eq!(
            texts,
            [
                ("One.".to_string(), Hint::None),
                ("Two words.".to_string(), Hint::None),
                ("1 egg".to_string(), Hint::ListItem),
                ("Bake.".to_string(), Hint::None),
            ]
        );
    }
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
