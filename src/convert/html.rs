//! HTML scrapes → the same blocks as text scrapes, plus what the page's `<head>` says.
//!
//! The DOM is flattened the way a browser lays it out: every block-level element starts a new
//! line, inline elements run together. Scripts, styles, images and form controls never become
//! text (an `onerror` or `<script>` cannot reach the Markdown). Markup becomes [`Hint`]s
//! (`<h1>` title, `<h2>`… headings, `<li>`, `<figcaption>`, `<blockquote>`, table rows); the
//! boilerplate rules and structure stages then decide exactly as for text.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::blocks::{Block, Hint};
pub use super::head::Head;
use super::head::read_head;
use super::normalize::{clean_line, normalize_chars};

/// Parses a page into blocks and head metadata.
pub fn parse(html: &str) -> (Vec<Block>, Head) {
    let doc = Html::parse_document(html);
    let head = read_head(&doc);
    let mut lines = Lines::default();
    walk(doc.tree.root(), Hint::None, &mut lines);
    lines.flush();
    let blocks = lines
        .out
        .into_iter()
        .enumerate()
        .map(|(i, (text, hint))| Block::new(i + 1, text, true, hint))
        .collect();
    (blocks, head)
}

#[derive(Default)]
struct Lines {
    buf: String,
    hint: Hint,
    out: Vec<(String, Hint)>,
}

impl Lines {
    fn push_text(&mut self, t: &str, hint: &Hint) {
        if self.buf.trim().is_empty() {
            self.hint = hint.clone();
        }
        self.buf.push_str(t);
    }

    fn flush(&mut self) {
        let text = clean_line(&normalize_chars(&self.buf.replace('\n', " ")));
        if !text.is_empty() {
            self.out.push((text, std::mem::take(&mut self.hint)));
        }
        self.buf.clear();
        self.hint = Hint::None;
    }
}

const SKIP: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
    "canvas", "select", "option", "input", "textarea", "img", "picture", "video", "audio", "map",
    "math",
];

const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "figure",
    "figcaption",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "pre",
    "hr",
    "br",
    "dl",
    "dt",
    "dd",
    "form",
    "address",
    "details",
    "summary",
    "button",
    "body",
    "html",
    "caption",
    "fieldset",
    "legend",
    "center",
];

fn walk(node: NodeRef<'_, Node>, hint: Hint, lines: &mut Lines) {
    match node.value() {
        Node::Text(t) => lines.push_text(t, &hint),
        Node::Element(el) => {
            let name = el.name();
            if SKIP.contains(&name)
                || el.attr("hidden").is_some()
                || el.attr("aria-hidden") == Some("true")
            {
                return;
            }
            if name == "tr" {
                lines.flush();
                let cells: Vec<String> = node
                    .children()
                    .filter_map(scraper::ElementRef::wrap)
                    .filter(|c| matches!(c.value().name(), "td" | "th"))
                    .map(|c| {
                        clean_line(&normalize_chars(
                            &c.text().collect::<String>().replace('\n', " "),
                        ))
                    })
                    .collect();
                let header = node
                    .children()
                    .filter_map(scraper::ElementRef::wrap)
                    .any(|c| c.value().name() == "th");
                if cells.iter().any(|c| !c.is_empty()) {
                    lines
                        .out
                        .push((cells.join(" | "), Hint::TableRow(cells, header)));
                }
                return;
            }
            let block = BLOCK.contains(&name);
            let hint = match name {
                "h1" => Hint::Title,
                "h2" | "h3" | "h4" | "h5" | "h6" => Hint::Heading,
                "li" => Hint::ListItem,
                "figcaption" => Hint::Caption,
                "blockquote" => Hint::Quote,
                _ => hint,
            };
            if block {
                lines.flush();
            }
            if block && !matches!(hint, Hint::Title | Hint::Heading) && bold_only(node) {
                lines.push_text("**", &hint);
                for c in node.children() {
                    walk(c, hint.clone(), lines);
                }
                let trimmed = lines.buf.trim_end().to_string();
                lines.buf = trimmed;
                lines.buf.push_str("**");
            } else {
                for c in node.children() {
                    walk(c, hint.clone(), lines);
                }
            }
            if block {
                lines.flush();
            }
        }
        Node::Document | Node::Fragment => {
            for c in node.children() {
                walk(c, hint.clone(), lines);
            }
        }
        _ => {}
    }
}

/// `<p><strong>一、…</strong></p>`: a paragraph that is one bold phrase (a heading in disguise).
fn bold_only(node: NodeRef<'_, Node>) -> bool {
    let mut bold = 0;
    for c in node.children() {
        match c.value() {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Element(e) if matches!(e.name(), "strong" | "b") => bold += 1,
            _ => return false,
        }
    }
    bold == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_the_layout_and_scripts_never_become_text() {
        let html = r#"<html lang="zh-CN"><head><title>T | Site</title>
            <meta property="article:published_time" content="2024-02-27T08:00:00Z"></head>
            <body><nav><a>首页</a> <a>快讯</a></nav><h1>标题</h1>
            <p>第一段<a href="x">链接</a>文字。<script>alert(1)</script></p>
            <p><strong>一、小标题</strong></p><ul><li>甲</li><li>乙</li></ul>
            <img src=x onerror="alert(1)" alt="图"><figure><figcaption>说明 | 图片来源:X</figcaption></figure>
            <table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table></body></html>"#;
        let (blocks, head) = parse(html);
        let got: Vec<(&str, &Hint)> = blocks.iter().map(|b| (b.text.as_str(), &b.hint)).collect();
        assert_eq!(
            got,
            [
                ("首页 快讯", &Hint::None),
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
