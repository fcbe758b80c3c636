//! The cleaned page every extraction step reads: which nodes are never article text (scripts,
//! navigation, hidden parts), what each node holds (text, link text, commas, paragraphs), what
//! its class and id words say, and which parts inside a body are chrome to prune.
//!
//! It answers questions about the tree and changes nothing: choosing the body is `body.rs`'s
//! business, writing blocks `emit.rs`'s. Word lists come from the `[html]` rules; the tag and
//! ARIA role semantics below are HTML's and stay in code. Every walk is iterative, so a
//! pathological page (100k nested `<div>`s) cannot overflow the stack.

use std::cell::RefCell;
use std::collections::HashSet;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node, node::Element};

use crate::rules::HtmlRules;
use crate::text::Marks;
use rustc_hash::{FxBuildHasher, FxHashMap};

/// Elements that are never article text.
const DROP_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "canvas",
    "select", "option", "optgroup", "input", "textarea", "button", "nav", "aside", "footer",
    "menu", "dialog", "map", "audio", "video", "label", "link", "meta", "applet", "frame",
    "frameset", "svg", "datalist", "output", "progress", "marquee", "area", "source", "track",
    "param", "base", "rt", "rp",
];

/// Of [`DROP_TAGS`] and [`CHROME_ROLES`], the ones that say where a part of the page sits
/// (not what it is made of): a [`Reading::Lenient`] reading keeps them, for pages that put
/// their article in an `<aside>` or a `role=complementary` box.
const LAYOUT_TAGS: &[&str] = &["nav", "aside", "footer", "menu"];
const LAYOUT_ROLES: &[&str] = &["complementary", "contentinfo", "banner"];

/// How a page is cleaned before the body is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    /// Layout elements that mark chrome (`<nav>`, `<aside>`, `<footer>`, chrome roles) are
    /// dropped with everything under them.
    Strict,
    /// They are kept and judged by their text like any element: the fallback when the strict
    /// reading finds no article.
    Lenient,
}

/// ARIA roles that mark chrome.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "menu",
    "menubar",
    "complementary",
    "contentinfo",
    "banner",
    "search",
    "dialog",
    "alert",
    "alertdialog",
    "toolbar",
    "tablist",
];

/// What a page's markup says about a node, summed over its subtree (dropped parts excluded).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stats {
    /// Characters of text, not counting whitespace.
    pub chars: u32,
    /// Of which inside links.
    pub link_chars: u32,
    /// Commas (ASCII, full-width and 、).
    pub commas: u32,
    /// Paragraph-like descendants (`p`, `pre`, `blockquote` with text).
    pub paragraphs: u32,
}

/// What an element's class and id words say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chrome {
    No,
    /// A whole chrome word (`meta`, `date`, `toc`).
    Weak,
    /// A word that begins like chrome (`share…`, `related…`, `comment…`).
    Strong,
}

/// A parsed page, cleaned and measured.
pub(super) struct Page<'a> {
    pub doc: &'a Html,
    pub rules: &'a HtmlRules,
    /// Punctuation (`rules/text.toml` `[blocks]`).
    pub marks: &'a Marks,
    stats: FxHashMap<NodeId, Stats>,
    /// Nodes removed by cleaning: their subtrees are skipped.
    dropped: HashSet<NodeId, FxBuildHasher>,
    /// `NEWSROOM_DEBUG_EXTRACT` is set: say which body was chosen and what was pruned.
    pub debug: bool,
    /// What class/id words say, by element address (asked many times per element).
    chrome_cache: RefCell<FxHashMap<usize, Chrome>>,
}

impl<'a> Page<'a> {
    /// Cleans and measures `doc`.
    pub fn new(
        doc: &'a Html,
        rules: &'a HtmlRules,
        marks: &'a Marks,
        reading: Reading,
    ) -> Page<'a> {
        let mut page = Page {
            doc,
            rules,
            marks,
            stats: FxHashMap::default(),
            dropped: Default::default(),
            debug: std::env::var_os("NEWSROOM_DEBUG_EXTRACT").is_some(),
            chrome_cache: Default::default(),
        };
        page.clean(reading);
        page.measure(doc.tree.root());
        page
    }

    pub fn is_dropped(&self, id: NodeId) -> bool {
        self.dropped.contains(&id)
    }

    /// Elements that are never article text.
    fn clean(&mut self, reading: Reading) {
        let lenient = reading == Reading::Lenient;
        for node in self.doc.tree.root().descendants() {
            let Node::Element(el) = node.value() else {
                continue;
            };
            let name = el.name();
            let hidden = el.attr("hidden").is_some()
                || el.attr("aria-hidden") == Some("true")
                || attr_has_hidden_style(el);
            let role = el.attr("role").map(str::to_ascii_lowercase);
            let chrome_role = role.as_deref().is_some_and(|r| {
                CHROME_ROLES.contains(&r) && !(lenient && LAYOUT_ROLES.contains(&r))
            });
            let drop_tag = DROP_TAGS.contains(&name) && !(lenient && LAYOUT_TAGS.contains(&name));
            // Never drop the page itself (a `<body role=…>`).
            if (drop_tag || hidden || chrome_role) && !matches!(name, "html" | "body") {
                self.dropped.insert(node.id());
            }
        }
    }

    /// Post-order pass: text statistics of every node (iterative: no recursion on depth).
    fn measure(&mut self, root: NodeRef<'_, Node>) {
        let marks = self.marks;
        let mut skip_until: Option<NodeId> = None;
        // Stack of accumulated stats for open elements.
        let mut stack: Vec<Stats> = vec![Stats::default()];
        for edge in root.traverse() {
            match edge {
                Edge::Open(n) => {
                    if skip_until.is_some() {
                        continue;
                    }
                    if self.is_dropped(n.id()) {
                        skip_until = Some(n.id());
                        continue;
                    }
                    match n.value() {
                        Node::Text(t) => {
                            count_text(t, &marks.comma, stack.last_mut().expect("stack"))
                        }
                        _ => stack.push(Stats::default()),
                    }
                }
                Edge::Close(n) => {
                    if let Some(s) = skip_until {
                        if s == n.id() {
                            skip_until = None;
                        }
                        continue;
                    }
                    if matches!(n.value(), Node::Text(_)) {
                        continue;
                    }
                    let mut s = stack.pop().unwrap_or_default();
                    if let Node::Element(el) = n.value() {
                        match el.name() {
                            "a" => s.link_chars = s.chars,
                            "p" | "pre" | "blockquote" if s.chars >= 20 => s.paragraphs += 1,
                            _ => {}
                        }
                    }
                    self.stats.insert(n.id(), s);
                    if let Some(parent) = stack.last_mut() {
                        parent.chars += s.chars;
                        parent.link_chars += s.link_chars;
                        parent.commas += s.commas;
                        parent.paragraphs += s.paragraphs;
                    }
                }
            }
        }
    }

    /// Visits `root`'s subtree in document order, skipping dropped subtrees and those `visit`
    /// returns `false` for. Iterative: a page's nesting depth cannot overflow the stack.
    pub fn walk<'b>(
        &self,
        root: NodeRef<'b, Node>,
        mut visit: impl FnMut(NodeRef<'b, Node>) -> bool,
    ) {
        let mut skip: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(n) => {
                    if skip.is_none() && (self.is_dropped(n.id()) || !visit(n)) {
                        skip = Some(n.id());
                    }
                }
                Edge::Close(n) => {
                    if skip == Some(n.id()) {
                        skip = None;
                    }
                }
            }
        }
    }

    /// The text a reader sees in a subtree: no script, style or other dropped parts.
    pub fn visible_text(&self, node: NodeRef<'_, Node>, sep: &str) -> String {
        let mut out = String::new();
        self.walk(node, |n| {
            if let Node::Text(t) = n.value() {
                out.push_str(t);
                out.push_str(sep);
            }
            true
        });
        out
    }

    pub fn stats(&self, id: NodeId) -> Stats {
        self.stats.get(&id).copied().unwrap_or_default()
    }

    pub fn link_density(&self, id: NodeId) -> f32 {
        let s = self.stats(id);
        if s.chars == 0 {
            0.0
        } else {
            s.link_chars as f32 / s.chars as f32
        }
    }

    /// What class/id words say: a word that begins like chrome is strong; a whole chrome
    /// word is weak.
    pub fn chrome_class(&self, el: &Element) -> Chrome {
        let key = el as *const Element as usize;
        if let Some(c) = self.chrome_cache.borrow().get(&key) {
            return *c;
        }
        let toks = tokens(el, &self.rules.anchor_words);
        let c = if begins_with_any(&toks, &self.rules.discard_prefixes) {
            Chrome::Strong
        } else if toks
            .iter()
            .any(|t| self.rules.discard_tokens.iter().any(|d| d == t))
        {
            Chrome::Weak
        } else {
            Chrome::No
        };
        self.chrome_cache.borrow_mut().insert(key, c);
        c
    }

    /// Whether a class/id word begins with one of `prefixes`.
    pub fn class_begins(&self, el: &Element, prefixes: &[String]) -> bool {
        begins_with_any(&tokens(el, &self.rules.anchor_words), prefixes)
    }

    /// Text left in a body after pruning (what emission would keep, roughly).
    pub fn pruned_chars(&self, roots: &[NodeId]) -> u32 {
        let mut total: u32 = 0;
        for &r in roots {
            let Some(n) = self.doc.tree.get(r) else {
                continue;
            };
            total += self.stats(r).chars;
            // Subtract pruned descendants (outermost only).
            self.walk(n, |d| match d.value() {
                Node::Element(el) if d.id() != r && self.prune(d, el, r) => {
                    total = total.saturating_sub(self.stats(d.id()).chars);
                    false
                }
                _ => true,
            });
        }
        total
    }

    /// Whether an element inside the body `root` is chrome: class/id, or link-dense.
    pub fn prune(&self, node: NodeRef<'_, Node>, el: &Element, root: NodeId) -> bool {
        let name = el.name();
        if matches!(name, "a" | "span" | "strong" | "b" | "em" | "i" | "img") {
            // Inline: only a class that says chrome.
            return name == "span"
                && self.chrome_class(el) != Chrome::No
                && self.stats(node.id()).chars < 200;
        }
        let s = self.stats(node.id());
        let ld = self.link_density(node.id());
        let chrome = self.chrome_class(el);
        if chrome != Chrome::No {
            // A wrapper that holds most of the article is not chrome whatever its class says;
            // a weak word (`toc`, `meta`) does not remove a box of paragraphs.
            let root_chars = self.stats(root).chars.max(1);
            let holds_article = s.paragraphs >= 3 && s.chars * 10 >= root_chars * 6;
            let prose_box = s.paragraphs >= 2 && s.chars >= 400 && ld < 0.3;
            if !holds_article && (chrome == Chrome::Strong || !prose_box) {
                return true;
            }
        }
        match name {
            "p" => s.chars < 60 && s.link_chars > 0 && ld > 0.8,
            "li" | "dd" | "dt" => false,
            "ul" | "ol" | "dl" => (ld > 0.5 && s.chars < 1500) || (ld > 0.3 && s.chars < 120),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => ld > 0.6,
            "table" => ld > 0.6 && s.chars < 1500,
            "div" | "section" | "header" | "article" | "center" | "td" | "form" | "figure" => {
                (s.chars < 300 && s.link_chars > 0 && ld > 0.6)
                    || (ld > 0.75 && s.chars < 2000)
                    || (name == "form" && s.paragraphs == 0)
            }
            _ => false,
        }
    }

    /// `<tag class=… id=…>`, for the debug output.
    pub fn describe(&self, id: NodeId) -> Option<String> {
        self.doc.tree.get(id).and_then(|n| {
            n.value().as_element().map(|e| {
                format!(
                    "<{} class={:?} id={:?}>",
                    e.name(),
                    e.attr("class"),
                    e.attr("id")
                )
            })
        })
    }
}

fn count_text(t: &str, commas: &[char], stats: &mut Stats) {
    for c in t.chars() {
        if !c.is_whitespace() {
            stats.chars += 1;
        }
        if commas.contains(&c) {
            stats.commas += 1;
        }
    }
}

fn begins_with_any(tokens: &[String], prefixes: &[String]) -> bool {
    tokens
        .iter()
        .any(|t| prefixes.iter().any(|p| t.starts_with(p.as_str())))
}

fn attr_has_hidden_style(el: &Element) -> bool {
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Splits class and id values into lowercase word tokens: `relatedPosts post-meta_box` →
/// `related posts post meta box`.
pub(super) fn tokens(el: &Element, anchor_words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    // An id that is a sentence's slug (`sharing-with-a-single-developer`: a heading's anchor)
    // names the text, not the box's role.
    let id = el.attr("id").filter(|id| !is_anchor_slug(id, anchor_words));
    for v in [el.attr("class"), id].into_iter().flatten() {
        for run in v
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|r| !r.is_empty())
        {
            camel_words(run, &mut out);
        }
    }
    out
}

/// Four or more lowercase words joined by `-` or `_`, one of them a small word of sentences
/// (`[html] anchor_words`): the slug of a heading.
fn is_anchor_slug(id: &str, anchor_words: &[String]) -> bool {
    let words: Vec<&str> = id.split(['-', '_']).collect();
    words.len() >= 4
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && words.iter().any(|w| anchor_words.iter().any(|a| a == w))
}

/// `articleBody` → `article`, `body`; a generated name (`hJpRRP`, `iLDaWI`: CSS-in-JS hashes)
/// stays one word, or its letters would spell chrome words by chance (`jp`, `ad`).
fn camel_words(run: &str, out: &mut Vec<String>) {
    let bytes = run.as_bytes();
    let mut starts = vec![0];
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase()
            && (bytes[i - 1].is_ascii_lowercase() || bytes[i - 1].is_ascii_digit())
        {
            starts.push(i);
        }
    }
    starts.push(bytes.len());
    let pieces: Vec<&str> = starts.windows(2).map(|w| &run[w[0]..w[1]]).collect();
    // Each word of a real camelCase name is a word: two letters or more, one capital at most.
    let words = pieces.len() > 1
        && pieces
            .iter()
            .all(|p| p.len() >= 2 && p.bytes().filter(u8::is_ascii_uppercase).count() <= 1);
    if words {
        out.extend(pieces.iter().map(|p| p.to_ascii_lowercase()));
    } else {
        out.push(run.to_ascii_lowercase());
    }
}

/// `node` is `anc` or inside it.
pub(super) fn is_ancestor(anc: NodeId, node: NodeRef<'_, Node>) -> bool {
    node.id() == anc || node.ancestors().any(|a| a.id() == anc)
}

/// Letters and digits only: for comparing titles.
pub(super) fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}
