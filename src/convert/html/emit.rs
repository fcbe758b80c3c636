//! Emitting blocks: walks the chosen body and turns it into [`Block`]s that keep the
//! structure (headings, paragraphs, lists, quotes, tables, code, figures) with their inline
//! content as [`Inline`] spans.
//!
//! Links and images pass [`super::url`] first; nothing of the page's markup passes into a block
//! as HTML. Spans carry text as the page has it: escaping and writing Markdown is the writer's
//! business (`write.rs`), never this file's. Which parts are chrome is asked of
//! [`super::tree`]; the byline area under the headline is emitted by [`super::byline`].

use ego_tree::{NodeId, NodeRef};
use scraper::{Node, node::Element};
use url::Url;

use super::tree::{Page, is_ancestor, squash};
use super::url::{safe_image, safe_link};
use crate::convert::blocks;
use crate::convert::model::{Block, Hint, Inline, Markup};
use crate::convert::normalize::{clean_line, normalize_chars};

/// Deeper than this, elements are read as plain text (no structure).
const MAX_DEPTH: usize = 256;

/// A line shorter than this before a lone `<br>` is a line of its own (a byline, a label, a
/// date), not prose wrapped by hand.
const WRAPPED_LINE_MIN: usize = 40;

/// Block-level elements: they end the current paragraph.
pub(super) const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
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
    "td",
    "th",
    "pre",
    "hr",
    "dl",
    "dt",
    "dd",
    "form",
    "address",
    "details",
    "summary",
    "body",
    "html",
    "caption",
    "fieldset",
    "legend",
    "center",
    "hgroup",
    "picture",
];

/// Emission state: the blocks so far and the one being built.
pub(super) struct Emitter<'e, 'a> {
    pub ex: &'e Page<'a>,
    base: Option<&'e Url>,
    roots: Vec<NodeId>,
    pub out: Vec<Block>,
    /// The current block's plain text.
    text: String,
    /// The current block's inline content.
    spans: Vec<Inline>,
    hint: Hint,
    markup: Markup,
    /// Open lists: ordered?, next number.
    lists: Vec<(bool, u32)>,
    quote: u32,
    /// Inside a link: nested links become text.
    in_link: bool,
    /// Blocks flushed so far (an inline wrapper that saw a flush cannot wrap).
    flushes: usize,
    /// The page title, squashed: an image whose alt repeats it loses the alt.
    pub title_key: String,
    /// The headline's text, squashed.
    h1_key: String,
    /// A headline was emitted / a body paragraph after it: between the two is the byline area.
    seen_title: bool,
    body_started: bool,
    prose_seen: usize,
}

impl<'e, 'a> Emitter<'e, 'a> {
    pub fn new(ex: &'e Page<'a>, base: Option<&'e Url>, roots: &[NodeId]) -> Self {
        Emitter {
            ex,
            base,
            roots: roots.to_vec(),
            out: Vec::new(),
            text: String::new(),
            spans: Vec::new(),
            hint: Hint::None,
            markup: Markup::default(),
            lists: Vec::new(),
            quote: 0,
            in_link: false,
            flushes: 0,
            title_key: String::new(),
            h1_key: String::new(),
            seen_title: false,
            body_started: false,
            prose_seen: 0,
        }
    }

    pub fn emit_title(&mut self, h1: NodeRef<'_, Node>) {
        self.flush();
        self.hint = Hint::Title;
        self.markup.level = 1;
        self.inline_children(h1, 0);
        self.flush();
    }

    /// Ends the current block.
    pub fn flush(&mut self) {
        self.flushes += 1;
        let text = clean_line(&normalize_chars(&self.text));
        let hint = std::mem::take(&mut self.hint);
        let mut markup = std::mem::take(&mut self.markup);
        let spans = std::mem::take(&mut self.spans);
        self.text.clear();
        // A picture on its own has no text.
        if text.is_empty() && markup.image.is_none() {
            return;
        }
        markup.spans = spans;
        let hint = if self.quote > 0 && hint == Hint::None {
            Hint::Quote
        } else {
            hint
        };
        if hint == Hint::Title {
            self.seen_title = true;
            if self.h1_key.is_empty() {
                self.h1_key = squash(&text);
            }
        } else if self.seen_title && text.chars().count() > 60 {
            // A standfirst (one paragraph under the headline) may come before the byline.
            self.prose_seen += 1;
            if self.prose_seen >= 2 || text.chars().count() > 200 {
                self.body_started = true;
            }
        }
        let line = self.out.len() + 1;
        let mut b = Block::new(line, text, true, hint);
        b.markup = Some(markup);
        self.out.push(b);
    }

    fn start(&mut self, hint: Hint) {
        self.flush();
        self.hint = hint;
    }

    /// Whether a node is left out: dropped by cleaning or pruned as chrome.
    fn skip(&mut self, node: NodeRef<'_, Node>, el: &Element) -> bool {
        if self.ex.is_dropped(node.id()) {
            return true;
        }
        let root = self
            .roots
            .iter()
            .copied()
            .find(|r| is_ancestor(*r, node))
            .unwrap_or(node.id());
        let pruned = node.id() != root && self.ex.prune(node, el, root);
        if pruned && self.seen_title && !self.body_started {
            self.pruned_byline(node);
        }
        if pruned && self.ex.debug {
            let s = self.ex.stats(node.id());
            eprintln!(
                "extract: pruned {} {} chars, ld {:.2}",
                self.ex.describe(node.id()).unwrap_or_default(),
                s.chars,
                self.ex.link_density(node.id())
            );
        }
        pruned
    }

    /// A node in block context.
    pub fn block(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        match node.value() {
            Node::Text(t) => self.text_node(t),
            Node::Element(el) => {
                if self.skip(node, el) {
                    return;
                }
                if depth > MAX_DEPTH {
                    let t: String = self.ex.visible_text(node, " ");
                    self.text_node(&t);
                    return;
                }
                self.element(node, el, depth);
            }
            Node::Document | Node::Fragment => self.mixed_children(node, depth),
            _ => {}
        }
    }

    /// An element in block context.
    fn element(&mut self, node: NodeRef<'_, Node>, el: &Element, depth: usize) {
        let name = el.name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                self.start(if level == 1 {
                    Hint::Title
                } else {
                    Hint::Heading
                });
                self.markup.level = level;
                self.inline_children(node, depth);
                self.flush();
            }
            "ul" | "ol" => {
                self.flush();
                let start = el.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
                self.lists.push((name == "ol", start));
                self.mixed_children(node, depth);
                self.lists.pop();
                self.flush();
            }
            "li" => self.list_item(node, depth),
            "pre" => self.code_block(node),
            "table" => self.table(node, depth),
            "img" => self.image(el),
            "hr" => self.flush(),
            "br" => self.block_break(node),
            "figcaption" => {
                self.start(Hint::Caption);
                self.mixed_children(node, depth);
                self.flush();
            }
            "blockquote" => {
                self.flush();
                self.quote += 1;
                self.mixed_children(node, depth);
                self.flush();
                self.quote -= 1;
            }
            _ if BLOCK_TAGS.contains(&name) => {
                self.flush();
                if matches!(name, "p" | "dd" | "dt" | "address") && bold_only(node) {
                    self.bold_line(node, depth);
                } else {
                    self.mixed_children(node, depth);
                }
                self.flush();
            }
            _ => self.inline(node, el, depth),
        }
    }

    fn list_item(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        self.start(Hint::ListItem);
        let (ordered, n) = self.lists.last().copied().unwrap_or((false, 1));
        self.markup.depth = self.lists.len().saturating_sub(1) as u8;
        self.markup.ordered = ordered.then_some(n);
        if let Some(l) = self.lists.last_mut() {
            l.1 += 1;
        }
        self.mixed_children(node, depth);
        self.flush();
    }

    /// `<p><strong>一、…</strong></p>`: the text keeps the `**`, so the structure stage can
    /// read it as a heading in disguise.
    fn bold_line(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        self.text.push_str("**");
        let (at, flushes) = (self.spans.len(), self.flushes);
        self.inline_children(node, depth);
        let t = self.text.trim_end().to_string();
        self.text = t + "**";
        if self.flushes == flushes {
            let content = self.spans.split_off(at);
            self.spans.push(Inline::BoldLine(content));
        }
    }

    /// Children that may be inline or block.
    fn mixed_children(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for c in node.children() {
            self.block(c, depth + 1);
        }
    }

    pub fn inline_children(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for c in node.children() {
            match c.value() {
                Node::Text(t) => self.text_node(t),
                Node::Element(el) => {
                    if self.skip(c, el) || depth > MAX_DEPTH {
                        continue;
                    }
                    if matches!(el.name(), "br") {
                        self.line_break();
                    } else {
                        self.inline(c, el, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// A `<br>` among a box's text (`<div>line<br>line</div>`). Two in a row end a paragraph,
    /// as Readability reads them; so does one after a finished sentence (`段落一。<br>段落二`,
    /// a portal's one-line paragraphs) or a short line (`By Ann Lee<br>May 3`). One inside a
    /// long sentence is a line wrapped by hand: the paragraph goes on, with the break kept.
    fn block_break(&mut self, node: NodeRef<'_, Node>) {
        let next_is_break = node
            .next_siblings()
            .find(|n| !matches!(n.value(), Node::Text(t) if t.trim().is_empty()))
            .is_none_or(|n| {
                n.value().as_element().is_some_and(|e| {
                    matches!(e.name(), "br" | "hr") || BLOCK_TAGS.contains(&e.name())
                })
            });
        // The rules' marks (`[text.blocks]`): a sentence's end, a question's, a label's colon.
        let m = self.ex.marks;
        let line = self.text.trim_end();
        let ends_sentence = blocks::last_mark(m, line).is_none_or(|c| {
            m.sentence_end.contains(&c) || m.question.contains(&c) || m.colon.contains(&c)
        });
        let short = line.chars().count() < WRAPPED_LINE_MIN;
        if next_is_break || ends_sentence || short {
            self.flush();
        } else {
            self.line_break();
        }
    }

    fn line_break(&mut self) {
        self.text.push(' ');
        self.spans.push(Inline::Break);
    }

    fn text_node(&mut self, t: &str) {
        // Collapse whitespace as a browser does.
        let mut chunk = String::with_capacity(t.len());
        let mut space = self.text.ends_with(' ') || self.text.is_empty();
        for c in t.chars() {
            if c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
                if !space {
                    chunk.push(' ');
                    space = true;
                }
            } else {
                chunk.push(c);
                space = false;
            }
        }
        self.text.push_str(&chunk);
        self.spans.push(Inline::Text(chunk));
    }

    /// An inline element (or an unknown one): links, emphasis, code.
    fn inline(&mut self, node: NodeRef<'_, Node>, el: &Element, depth: usize) {
        match el.name() {
            "a" => {
                let href = el
                    .attr("href")
                    .filter(|_| !self.in_link)
                    .and_then(|h| safe_link(h, self.base));
                let Some(url) = href else {
                    return self.mixed_children_inline(node, depth);
                };
                let (at, flushes) = (self.spans.len(), self.flushes);
                self.in_link = true;
                self.mixed_children_inline(node, depth);
                self.in_link = false;
                if self.flushes == flushes {
                    let content = self.spans.split_off(at);
                    self.spans.push(Inline::Link { url, content });
                }
            }
            "strong" | "b" => self.wrap(node, depth, Inline::Strong),
            "em" | "i" | "cite" => self.wrap(node, depth, Inline::Emphasis),
            "s" | "del" | "strike" => self.wrap(node, depth, Inline::Strike),
            "code" | "kbd" | "samp" | "tt" => {
                let t = self.ex.visible_text(node, "");
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !t.is_empty() {
                    self.text.push_str(&t);
                    self.spans.push(Inline::Code(t));
                }
            }
            "img" => self.image(el),
            "br" => self.line_break(),
            "sup" | "sub" | "span" | "abbr" | "font" | "small" | "big" | "u" | "mark" | "q"
            | "time" | "ins" | "dfn" | "bdi" | "bdo" | "var" | "nobr" | "wbr" | "data" => {
                self.mixed_children_inline(node, depth)
            }
            _ => self.mixed_children(node, depth),
        }
    }

    /// Inline children, but block elements inside (bad markup: `<a><div>…`) still work.
    fn mixed_children_inline(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for c in node.children() {
            match c.value() {
                Node::Element(el) if BLOCK_TAGS.contains(&el.name()) && !self.in_link => {
                    self.block(c, depth + 1)
                }
                Node::Element(el) if depth <= MAX_DEPTH && !self.skip(c, el) => {
                    self.inline(c, el, depth + 1);
                }
                Node::Text(t) => self.text_node(t),
                _ => {}
            }
        }
    }

    /// Emphasis, strong, strikethrough: the children as one span, unless a block ended
    /// inside (then they stay as they are).
    fn wrap(&mut self, node: NodeRef<'_, Node>, depth: usize, span: fn(Vec<Inline>) -> Inline) {
        let (at, flushes) = (self.spans.len(), self.flushes);
        self.mixed_children_inline(node, depth);
        if self.flushes == flushes {
            let content = self.spans.split_off(at);
            self.spans.push(span(content));
        }
    }

    /// An image: a block of its own when it stands alone, inline in a paragraph; inside link
    /// text (a linked thumbnail) the text is enough.
    fn image(&mut self, el: &Element) {
        let tiny = |a: &str| {
            el.attr(a)
                .and_then(|v| v.trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|v| v <= 2)
        };
        if tiny("width") || tiny("height") || self.in_link {
            return;
        }
        let Some(src) = image_source(el, self.base) else {
            return;
        };
        let mut alt = clean_line(&normalize_chars(el.attr("alt").unwrap_or("")));
        let alt_key = squash(&alt);
        let repeats = |k: &String| {
            !k.is_empty()
                && !alt_key.is_empty()
                && k.starts_with(&alt_key)
                && alt_key.len() * 2 >= k.len()
        };
        if repeats(&self.title_key) || repeats(&self.h1_key) {
            alt.clear();
        }
        if self.text.trim().is_empty() {
            // A picture on its own: an image block.
            self.flush();
            self.hint = Hint::Image;
            self.markup.image = Some((src.clone(), alt.clone()));
            self.spans.push(Inline::Image { src, alt });
            self.flush();
        } else {
            self.spans.push(Inline::Image { src, alt });
        }
    }

    fn code_block(&mut self, node: NodeRef<'_, Node>) {
        self.flush();
        let mut raw = String::new();
        collect_pre(node, &mut raw);
        let code = raw.trim_matches('\n').to_string();
        if code.trim().is_empty() {
            return;
        }
        let text = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut b = Block::new(self.out.len() + 1, text, true, Hint::Code);
        b.markup = Some(Markup {
            code: Some(code),
            lang: code_language(node),
            ..Markup::default()
        });
        self.out.push(b);
    }

    fn table(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        self.flush();
        if self.is_layout_table(node) {
            // A layout table (cells holding paragraphs, lists, other tables) is read as blocks.
            self.mixed_children(node, depth);
            self.flush();
            return;
        }
        let rows = node
            .descendants()
            .filter(|d| d.value().as_element().is_some_and(|e| e.name() == "tr"));
        let mut first = true;
        for row in rows {
            let cells = self.row_cells(row, depth);
            if cells.iter().all(|(t, _, _)| t.is_empty()) {
                continue;
            }
            let header = first
                && (cells.iter().all(|c| c.2)
                    || row.parent().is_some_and(|p| {
                        p.value().as_element().is_some_and(|e| e.name() == "thead")
                    }));
            first = false;
            let (texts, spans): (Vec<String>, Vec<Vec<Inline>>) =
                cells.into_iter().map(|(t, s, _)| (t, s)).unzip();
            let mut b = Block::new(
                self.out.len() + 1,
                texts.join(" | "),
                true,
                Hint::TableRow(texts, header),
            );
            b.markup = Some(Markup {
                cells: spans,
                ..Markup::default()
            });
            self.out.push(b);
        }
    }

    /// Cells holding paragraphs, lists or other tables: the table lays out the page.
    fn is_layout_table(&self, node: NodeRef<'_, Node>) -> bool {
        node.descendants().skip(1).any(|d| {
            d.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "table" | "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "blockquote" | "pre"
                ) && !self.ex.is_dropped(d.id())
            })
        })
    }

    /// A row's `<td>`/`<th>` cells: text, inline content, whether a header cell.
    fn row_cells(&self, row: NodeRef<'_, Node>, depth: usize) -> Vec<(String, Vec<Inline>, bool)> {
        row.children()
            .filter_map(|c| {
                let e = c.value().as_element()?;
                matches!(e.name(), "td" | "th").then_some((c, e.name() == "th"))
            })
            .map(|(c, th)| {
                let mut sub = Emitter::new(self.ex, self.base, &self.roots);
                sub.inline_children(c, depth + 1);
                (clean_line(&normalize_chars(&sub.text)), sub.spans, th)
            })
            .collect()
    }
}

/// The first lazy-loading or plain source that is a safe image (a 1-pixel `data:image/gif`
/// placeholder is passed over while another source exists).
fn image_source(el: &Element, base: Option<&Url>) -> Option<String> {
    let candidates = [
        el.attr("data-src"),
        el.attr("data-original"),
        el.attr("data-lazy-src"),
        el.attr("data-url"),
        el.attr("src"),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .filter(|s| {
            !s.trim_start()
                .to_ascii_lowercase()
                .starts_with("data:image/gif")
        })
        .find_map(|s| safe_image(s, base))
        .or_else(|| el.attr("src").and_then(|s| safe_image(s, base)))
}

/// A `<pre>`'s language from `language-…`, `lang-…` or `brush:…` classes on it or its `<code>`.
fn code_language(node: NodeRef<'_, Node>) -> Option<String> {
    std::iter::once(node)
        .chain(
            node.children()
                .filter(|c| c.value().as_element().is_some_and(|e| e.name() == "code")),
        )
        .filter_map(|n| n.value().as_element().and_then(|e| e.attr("class")))
        .flat_map(|c| c.split_whitespace())
        .find_map(|c| {
            c.strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
                .or_else(|| c.strip_prefix("brush:"))
        })
        .filter(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-#_.".contains(c))
        })
        .map(str::to_string)
}

fn collect_pre(node: NodeRef<'_, Node>, out: &mut String) {
    for d in node.descendants() {
        match d.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name() == "br" => out.push('\n'),
            _ => {}
        }
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
    use crate::convert::model::{Block, Hint, Inline};

    fn blocks(body: &str) -> Vec<Block> {
        let rules = crate::rules::Rules::defaults().unwrap();
        let html = format!("<html><body><article>{body}</article></body></html>");
        super::super::parse(&html, Some("https://ex.com/news/a"), &rules).blocks
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_keep_links_and_emphasis_as_spans_not_markdown() {
        let b = blocks(
            r#"<p>See <a href="/r">the *report*</a>, <em>now</em> and <code>a_b</code>.
            <a href="javascript:alert(1)">bad</a></p>"#,
        );
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].text, "See the *report*, now and a_b. bad");
        assert_eq!(
            b[0].markup.as_ref().unwrap().spans,
            [
                text("See "),
                Inline::Link {
                    url: "https://ex.com/r".into(),
                    content: vec![text("the *report*")]
                },
                text(", "),
                Inline::Emphasis(vec![text("now")]),
                text(" and "),
                Inline::Code("a_b".into()),
                text(". "),
                // An unsafe link is its text.
                text("bad"),
            ]
        );
    }

    #[test]
    fn lists_code_and_images_become_their_own_blocks() {
        let b = blocks(
            r#"<ol start="3"><li>three</li><li>four<ul><li>inner</li></ul></li></ol>
            <pre class="language-rust">fn main() {
    x();
}</pre><img src="/p.png" alt="A chart"><p>After the picture.</p>"#,
        );
        let got: Vec<(&str, &Hint)> = b.iter().map(|b| (b.text.as_str(), &b.hint)).collect();
        assert_eq!(
            got,
            [
                ("three", &Hint::ListItem),
                ("four", &Hint::ListItem),
                ("inner", &Hint::ListItem),
                ("fn main() { x(); }", &Hint::Code),
                ("", &Hint::Image),
                ("After the picture.", &Hint::None),
            ]
        );
        let m = |i: usize| b[i].markup.as_ref().unwrap();
        assert_eq!((m(0).ordered, m(0).depth), (Some(3), 0));
        assert_eq!((m(1).ordered, m(2).ordered, m(2).depth), (Some(4), None, 1));
        assert_eq!(m(3).code.as_deref(), Some("fn main() {\n    x();\n}"));
        assert_eq!(m(3).lang.as_deref(), Some("rust"));
        assert_eq!(
            m(4).image,
            Some(("https://ex.com/p.png".into(), "A chart".into()))
        );
    }

    #[test]
    fn chrome_inside_the_body_is_pruned_and_tables_keep_cells() {
        let b = blocks(
            r#"<p>First paragraph of the article, long enough to be prose.</p>
            <div class="share-buttons">Share on X</div>
            <table><thead><tr><th>Chip</th><th>Node</th></tr></thead>
            <tr><td><b>A1</b></td><td>3 nm</td></tr></table>"#,
        );
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "First paragraph of the article, long enough to be prose.",
                "Chip | Node",
                "A1 | 3 nm"
            ]
        );
        assert_eq!(
            b[1].hint,
            Hint::TableRow(vec!["Chip".into(), "Node".into()], true)
        );
        assert_eq!(
            b[2].markup.as_ref().unwrap().cells,
            [vec![Inline::Strong(vec![text("A1")])], vec![text("3 nm")]]
        );
    }
}
