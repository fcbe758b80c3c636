//! Main-content extraction for HTML scrapes: find the article in a page and turn it into
//! [`Block`]s that keep its structure (headings, paragraphs, lists, quotes, tables, code,
//! figures, links).
//!
//! The approach follows trafilatura and Readability, measured on the html-extraction dev set:
//! 1. **Clean**: elements that are never article text (scripts, forms controls, navigation,
//!    asides, hidden elements) leave the tree.
//! 2. **Choose the body**: first by markup that names it (`itemprop=articleBody`,
//!    `.entry-content`, `<article>`, … — tiers in `rules/boilerplate.toml` `[html]`), then by
//!    scoring paragraphs and crediting their ancestors (Readability). The two are compared: a
//!    named container that holds much less text than the scored one lost the article.
//! 3. **Prune** inside the body: elements whose class or id says chrome (share, related,
//!    comments, newsletter, byline…, also data in `[html]`) and link-dense lists and boxes.
//! 4. **Emit** blocks with inline Markdown: links absolute (resolved against the canonical URL)
//!    and only http(s)/mailto; images only http(s) or `data:image/` raster types. Nothing of the
//!    page's markup passes into the Markdown as HTML.
//!
//! Every walk is bounded in depth, so a pathological page (100k nested `<div>`s) cannot overflow
//! the stack.

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node, Selector, node::Element};
use url::Url;

use super::blocks::{Block, Hint, Markup};
use super::normalize::{clean_line, normalize_chars};
use super::write::escape_inline;
use crate::hash::FxHashMap;
use crate::rules::HtmlRules;

/// Deeper than this, elements are read as plain text (no structure).
const MAX_DEPTH: usize = 256;

/// Elements that are never article text.
const DROP_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "canvas",
    "select", "option", "optgroup", "input", "textarea", "button", "nav", "aside", "footer",
    "menu", "dialog", "map", "audio", "video", "label", "link", "meta", "applet", "frame",
    "frameset", "svg", "datalist", "output", "progress", "marquee", "area", "source", "track",
    "param", "base", "rt", "rp",
];

/// Block-level elements: they end the current paragraph.
const BLOCK_TAGS: &[&str] = &[
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

/// Roles that mark chrome.
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
struct Stats {
    /// Characters of text, not counting whitespace.
    chars: u32,
    /// Of which inside links.
    link_chars: u32,
    /// Commas (ASCII, full-width and 、).
    commas: u32,
    /// Paragraph-like descendants (`p`, `pre`, `blockquote`, text-bearing `div`s).
    paragraphs: u32,
}

/// Everything extracted from a page.
#[derive(Debug, Default)]
pub struct Extraction {
    pub blocks: Vec<Block>,
    /// Characters of text in the blocks.
    pub chars: usize,
    /// Why the page may not be an article (no body found): for a warning.
    pub warning: Option<String>,
}

/// Extracts the article body of a parsed page. `base` resolves relative links and images.
pub fn extract(
    doc: &Html,
    base: Option<&Url>,
    title: Option<&str>,
    rules: &HtmlRules,
) -> Extraction {
    let mut ex = Extractor {
        doc,
        base,
        rules,
        stats: FxHashMap::default(),
        dropped: Default::default(),
        chrome_cache: Default::default(),
        debug: std::env::var_os("NEWSROOM_DEBUG_EXTRACT").is_some(),
    };
    ex.clean();
    let root = doc.tree.root();
    ex.measure(root);

    let named = ex.named_body();
    let scored = ex.scored_body();
    let named_chars = named.as_ref().map_or(0, |n| ex.pruned_chars(n));
    let scored_chars = scored.as_ref().map_or(0, |n| ex.pruned_chars(n));
    let named_dbg = named.clone().unwrap_or_default();
    let scored_dbg = scored.clone().unwrap_or_default();
    let roots = match (named, scored) {
        (Some(n), Some(s)) => {
            // A named container that holds far less text than the scored one missed the article
            // (a teaser `<article>`, a lead-only `.entry-content`).
            if named_chars * 2 >= scored_chars {
                n
            } else {
                s
            }
        }
        (Some(n), None) => n,
        (None, Some(s)) => s,
        // Nothing stands out (a short page): the whole body, pruned, as a best effort.
        (None, None) => {
            static BODY: std::sync::LazyLock<Selector> =
                std::sync::LazyLock::new(|| Selector::parse("body").expect("selector"));
            doc.select(&BODY).map(|b| b.id()).take(1).collect()
        }
    };

    if ex.debug {
        let describe = |id: &NodeId| {
            doc.tree.get(*id).and_then(|n| {
                n.value().as_element().map(|e| {
                    format!(
                        "<{} class={:?} id={:?}>",
                        e.name(),
                        e.attr("class"),
                        e.attr("id")
                    )
                })
            })
        };
        eprintln!(
            "extract: named {named_chars} chars {:?}; scored {scored_chars} chars {:?}; chose {:?}",
            named_dbg.iter().map(describe).collect::<Vec<_>>(),
            scored_dbg.iter().map(describe).collect::<Vec<_>>(),
            roots.iter().map(describe).collect::<Vec<_>>()
        );
    }
    let mut em = Emitter::new(&ex, &roots);
    em.title_key = title.map(squash).unwrap_or_default();
    if let Some(h1) = ex.title_h1(title)
        && !roots.iter().any(|r| is_ancestor(*r, h1))
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

fn is_ancestor(anc: NodeId, node: NodeRef<'_, Node>) -> bool {
    node.id() == anc || node.ancestors().any(|a| a.id() == anc)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chrome {
    No,
    Weak,
    Strong,
}

struct Extractor<'a> {
    doc: &'a Html,
    base: Option<&'a Url>,
    rules: &'a HtmlRules,
    stats: FxHashMap<NodeId, Stats>,
    /// Nodes removed by cleaning: their subtrees are skipped.
    dropped: std::collections::HashSet<NodeId, crate::hash::FxBuildHasher>,
    /// `NEWSROOM_DEBUG_EXTRACT` is set: say which body was chosen and what was pruned.
    debug: bool,
    /// What class/id words say, by element address (asked many times per element).
    chrome_cache: std::cell::RefCell<FxHashMap<usize, Chrome>>,
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
fn tokens(el: &Element) -> Vec<String> {
    let mut out = Vec::new();
    for v in [el.attr("class"), el.attr("id")].into_iter().flatten() {
        let mut cur = String::new();
        let mut prev_lower = false;
        for c in v.chars() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                cur.push(c.to_ascii_lowercase());
            } else {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                prev_lower = false;
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

impl<'a> Extractor<'a> {
    fn is_dropped(&self, id: NodeId) -> bool {
        self.dropped.contains(&id)
    }

    /// Step 1: elements that are never article text.
    fn clean(&mut self) {
        for node in self.doc.tree.root().descendants() {
            let Node::Element(el) = node.value() else {
                continue;
            };
            let name = el.name();
            let hidden = el.attr("hidden").is_some()
                || el.attr("aria-hidden") == Some("true")
                || attr_has_hidden_style(el);
            let role = el.attr("role").map(str::to_ascii_lowercase);
            let chrome_role = role.as_deref().is_some_and(|r| CHROME_ROLES.contains(&r));
            if DROP_TAGS.contains(&name) || hidden || chrome_role {
                // Never drop the page itself (a `<body role=…>`).
                if !matches!(name, "html" | "body") {
                    self.dropped.insert(node.id());
                }
            }
        }
    }

    /// Post-order pass: text statistics of every node (iterative: no recursion on depth).
    fn measure(&mut self, root: NodeRef<'_, Node>) {
        use ego_tree::iter::Edge;
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
                            let top = stack.last_mut().expect("stack");
                            for c in t.chars() {
                                if !c.is_whitespace() {
                                    top.chars += 1;
                                }
                                if matches!(c, ',' | '，' | '、') {
                                    top.commas += 1;
                                }
                            }
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
    fn walk<'b>(&self, root: NodeRef<'b, Node>, mut visit: impl FnMut(NodeRef<'b, Node>) -> bool) {
        let mut skip: Option<NodeId> = None;
        for edge in root.traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) => {
                    if skip.is_none() && (self.is_dropped(n.id()) || !visit(n)) {
                        skip = Some(n.id());
                    }
                }
                ego_tree::iter::Edge::Close(n) => {
                    if skip == Some(n.id()) {
                        skip = None;
                    }
                }
            }
        }
    }

    /// The text a reader sees in a subtree: no script, style or other dropped parts.
    fn visible_text(&self, node: NodeRef<'_, Node>, sep: &str) -> String {
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

    fn stats(&self, id: NodeId) -> Stats {
        self.stats.get(&id).copied().unwrap_or_default()
    }

    fn link_density(&self, id: NodeId) -> f32 {
        let s = self.stats(id);
        if s.chars == 0 {
            0.0
        } else {
            s.link_chars as f32 / s.chars as f32
        }
    }

    /// What class/id words say: a word that begins like chrome (`share…`, `related…`,
    /// `comment…`) is strong; a whole chrome word (`meta`, `date`, `toc`) is weak.
    fn chrome_class(&self, el: &Element) -> Chrome {
        let key = el as *const Element as usize;
        if let Some(c) = self.chrome_cache.borrow().get(&key) {
            return *c;
        }
        let c = self.chrome_class_uncached(el);
        self.chrome_cache.borrow_mut().insert(key, c);
        c
    }

    fn chrome_class_uncached(&self, el: &Element) -> Chrome {
        let toks = tokens(el);
        if toks.iter().any(|t| {
            self.rules
                .discard_prefixes
                .iter()
                .any(|p| t.starts_with(p.as_str()))
        }) {
            Chrome::Strong
        } else if toks
            .iter()
            .any(|t| self.rules.discard_tokens.iter().any(|d| d == t))
        {
            Chrome::Weak
        } else {
            Chrome::No
        }
    }

    /// Text left in a body after pruning (what emission would keep, roughly).
    fn pruned_chars(&self, roots: &[NodeId]) -> u32 {
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

    /// Whether an element inside the body is chrome: class/id, or link-dense.
    fn prune(&self, node: NodeRef<'_, Node>, el: &Element, root: NodeId) -> bool {
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

    /// Step 2a: the body named by markup (tiers of selectors, first tier with text wins).
    fn named_body(&self) -> Option<Vec<NodeId>> {
        // One pass over the containers (not every element against every tier: selector
        // matching was an eighth of the conversion time).
        let tiers = &self.rules.body_tiers;
        let mut best: Vec<Option<(u32, NodeId)>> = vec![None; tiers.len()];
        self.walk(self.doc.tree.root(), |n| {
            let Some(el) = ElementRef::wrap(n) else {
                return true;
            };
            if !matches!(
                el.value().name(),
                "article" | "div" | "main" | "section" | "td"
            ) {
                return true;
            }
            let mut chars = None;
            for (i, tier) in tiers.iter().enumerate() {
                if !tier.matches(&el) {
                    continue;
                }
                let c = *chars.get_or_insert_with(|| self.pruned_chars(&[el.id()]));
                if c >= 100 && best[i].is_none_or(|(b, _)| c > b) {
                    best[i] = Some((c, el.id()));
                }
            }
            true
        });
        best.into_iter().flatten().next().map(|(_, id)| vec![id])
    }

    /// Class weight of Readability: +25 for words that name content, −25 for chrome.
    fn class_weight(&self, el: &Element) -> f32 {
        let mut w = 0.0;
        if self.class_begins(el, &self.rules.positive_prefixes) {
            w += 25.0;
        }
        if self.chrome_class(el) != Chrome::No
            || self.class_begins(el, &self.rules.negative_prefixes)
        {
            w -= 25.0;
        }
        w
    }

    /// Whether a class/id word begins with one of `prefixes`.
    fn class_begins(&self, el: &Element, prefixes: &[String]) -> bool {
        tokens(el)
            .iter()
            .any(|t| prefixes.iter().any(|p| t.starts_with(p.as_str())))
    }

    /// Step 2b: Readability's scoring. Paragraphs credit their parent fully, grandparent half,
    /// further ancestors less; the best candidate (scaled by 1 − link density) and its
    /// sibling paragraphs are the body.
    fn scored_body(&self) -> Option<Vec<NodeId>> {
        let mut scores: FxHashMap<NodeId, f32> = FxHashMap::default();
        self.walk(self.doc.tree.root(), |n| {
            let Node::Element(el) = n.value() else {
                return true;
            };
            // Readability's "unlikely candidates": chrome classes, unless they look like
            // content too.
            if !matches!(el.name(), "html" | "body" | "article" | "main")
                && self.chrome_class(el) == Chrome::Strong
                && !self.class_begins(el, &self.rules.positive_prefixes)
            {
                return false;
            }
            let chars = match el.name() {
                "p" | "pre" | "td" | "blockquote" => self.stats(n.id()).chars,
                "div" | "section" => direct_text_chars(n) as u32,
                _ => 0,
            };
            if chars < 25 {
                return true;
            }
            let score = 1.0 + self.stats(n.id()).commas as f32 + (chars as f32 / 100.0).min(3.0);
            for (level, anc) in n.ancestors().take(5).enumerate() {
                let Node::Element(ae) = anc.value() else {
                    break;
                };
                let entry = scores
                    .entry(anc.id())
                    .or_insert_with(|| self.initial_score(ae));
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                *entry += score / div;
            }
            true
        });
        let mut best: Option<(f32, NodeId)> = None;
        for (id, score) in &scores {
            let scaled = score * (1.0 - self.link_density(*id));
            if best.is_none_or(|(b, bid)| scaled > b || (scaled == b && *id < bid)) {
                best = Some((scaled, *id));
            }
        }
        let (top_score, top) = best?;
        let mut top = self.doc.tree.get(top)?;
        // A candidate that is the only substantial child of its parent: the parent is the body.
        while let Some(p) = top.parent() {
            let Node::Element(pe) = p.value() else { break };
            if matches!(pe.name(), "body" | "html") {
                break;
            }
            let ps = self.stats(p.id());
            let ts = self.stats(top.id());
            if ps.chars as f32 * 0.9 <= ts.chars as f32 && ps.chars > 0 {
                top = p;
            } else {
                break;
            }
        }
        // Siblings that belong to the article.
        let Some(parent) = top.parent() else {
            return Some(vec![top.id()]);
        };
        let threshold = (top_score * 0.2).max(10.0);
        let mut out = Vec::new();
        for sib in parent.children() {
            if sib.id() == top.id() {
                out.push(sib.id());
                continue;
            }
            let Node::Element(se) = sib.value() else {
                continue;
            };
            if self.is_dropped(sib.id()) {
                continue;
            }
            let mut append = false;
            let mut bonus = 0.0;
            if let (Some(a), Node::Element(te)) = (se.attr("class"), top.value())
                && !a.is_empty()
                && te.attr("class") == Some(a)
            {
                bonus = top_score * 0.2;
            }
            if let Some(sc) = scores.get(&sib.id())
                && sc * (1.0 - self.link_density(sib.id())) + bonus >= threshold
            {
                append = true;
            } else if se.name() == "p" {
                let s = self.stats(sib.id());
                let ld = self.link_density(sib.id());
                if (s.chars > 80 && ld < 0.25) || (s.chars > 0 && ld == 0.0 && ends_sentence(sib)) {
                    append = true;
                }
            }
            if append && self.chrome_class(se) == Chrome::No {
                out.push(sib.id());
            }
        }
        Some(out)
    }

    fn initial_score(&self, el: &Element) -> f32 {
        let base = match el.name() {
            "div" | "article" | "main" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        base + self.class_weight(el)
    }

    /// The `<h1>` that is the article's headline: the one matching the page title, else the
    /// first one with text.
    fn title_h1(&self, title: Option<&str>) -> Option<NodeRef<'a, Node>> {
        static H1: std::sync::LazyLock<Selector> =
            std::sync::LazyLock::new(|| Selector::parse("h1").expect("selector"));
        let want = title.map(squash).unwrap_or_default();
        let mut first = None;
        for h in self.doc.select(&H1) {
            if h.ancestors().any(|a| self.is_dropped(a.id())) || self.is_dropped(h.id()) {
                continue;
            }
            let t = squash(&h.text().collect::<String>());
            if t.is_empty() {
                continue;
            }
            if !want.is_empty() && (want.starts_with(&t) || t.starts_with(&want)) {
                return Some(*h);
            }
            first.get_or_insert(*h);
        }
        first
    }
}

/// Letters and digits only: for comparing titles.
fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn direct_text_chars(n: NodeRef<'_, Node>) -> usize {
    n.children()
        .filter_map(|c| match c.value() {
            Node::Text(t) => Some(t.chars().filter(|c| !c.is_whitespace()).count()),
            Node::Element(e) if matches!(e.name(), "a" | "span" | "strong" | "b" | "em" | "i") => {
                Some(ElementRef::wrap(c).map_or(0, |e| {
                    e.text()
                        .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
                        .sum()
                }))
            }
            _ => None,
        })
        .sum()
}

fn ends_sentence(n: NodeRef<'_, Node>) -> bool {
    let text: String = ElementRef::wrap(n)
        .map(|e| e.text().collect())
        .unwrap_or_default();
    text.trim_end()
        .ends_with(['.', '!', '?', '。', '！', '？', '"', '”'])
}

/// A URL a link may point to: absolute http(s) or mailto, resolved against the page.
pub fn safe_link(href: &str, base: Option<&Url>) -> Option<String> {
    if href.trim().starts_with('#') {
        return None;
    }
    let url = super::head::resolve_url(href, base)?;
    match url.scheme() {
        "mailto" => Some(url.to_string()),
        _ => super::head::absolute_url(url.as_str(), None),
    }
}

/// An image source that may be shown: http(s), or an inline raster image.
pub fn safe_image(src: &str, base: Option<&Url>) -> Option<String> {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("data:") {
        let raster = [
            "data:image/png",
            "data:image/jpeg",
            "data:image/gif",
            "data:image/webp",
        ]
        .iter()
        .any(|p| lower.starts_with(p));
        return (raster && src.len() < 100_000 && !src.contains(['(', ')', ' ', '"']))
            .then(|| src.to_string());
    }
    super::head::absolute_url(src, base)
}

/// Emission: walks the chosen body and builds blocks with inline Markdown.
struct Emitter<'e, 'a> {
    ex: &'e Extractor<'a>,
    roots: Vec<NodeId>,
    out: Vec<Block>,
    text: String,
    md: String,
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
    title_key: String,
    /// The headline's text, squashed.
    h1_key: String,
    /// A headline was emitted / a body paragraph after it: between the two is the byline area.
    seen_title: bool,
    body_started: bool,
    prose_seen: usize,
}

impl<'e, 'a> Emitter<'e, 'a> {
    fn new(ex: &'e Extractor<'a>, roots: &[NodeId]) -> Self {
        Emitter {
            ex,
            roots: roots.to_vec(),
            out: Vec::new(),
            text: String::new(),
            md: String::new(),
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

    fn base(&self) -> Option<&Url> {
        self.ex.base
    }

    /// Short text elements after the headline and before the body, in document order.
    fn header_area(&mut self, h1: NodeRef<'_, Node>, body: NodeId) {
        let mut taken = 0usize;
        let mut chars = 0usize;
        let mut node = h1;
        loop {
            // Next node in document order after `node`'s subtree.
            let next =
                std::iter::successors(Some(node), |n| n.parent()).find_map(|n| n.next_sibling());
            let Some(n) = next else { break };
            node = n;
            if is_ancestor(n.id(), self.ex.doc.tree.get(body).expect("body")) || n.id() == body {
                break;
            }
            if self.ex.is_dropped(n.id()) {
                continue;
            }
            let Some(el) = n.value().as_element() else {
                continue;
            };
            let s = self.ex.stats(n.id());
            if s.chars == 0 {
                continue;
            }
            if s.chars > 300 || taken >= 8 || chars > 600 {
                break;
            }
            if el.name() == "a" || self.ex.link_density(n.id()) > 0.5 {
                continue;
            }
            // Leaf-ish boxes only: one line each.
            self.flush();
            self.byline_line(n);
            taken += 1;
            chars += s.chars as usize;
        }
    }

    /// A box of the byline area as one plain line (no markup): the metadata stage takes its
    /// dates and authors, the structure stage drops what is left.
    fn byline_line(&mut self, node: NodeRef<'_, Node>) {
        let t = self.ex.visible_text(node, " ");
        let line = clean_line(&normalize_chars(
            &t.split_whitespace().collect::<Vec<_>>().join(" "),
        ));
        if !line.is_empty() {
            self.out
                .push(Block::new(self.out.len() + 1, line, true, Hint::None));
        }
    }

    fn emit_title(&mut self, h1: NodeRef<'_, Node>) {
        self.flush();
        self.hint = Hint::Title;
        self.markup.level = 1;
        self.inline_children(h1, 0);
        self.flush();
    }

    /// Ends the current block.
    fn flush(&mut self) {
        self.flushes += 1;
        let text = clean_line(&normalize_chars(&self.text));
        let md = self.md.trim().to_string();
        let hint = std::mem::take(&mut self.hint);
        let mut markup = std::mem::take(&mut self.markup);
        self.text.clear();
        self.md.clear();
        if text.is_empty() && !md.starts_with("![") {
            return;
        }
        markup.inline = clean_line(&normalize_chars(&md));
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
            // Chrome in the byline area (a `.byline`, a `.meta` date): one line for the
            // metadata stage, which takes dates and authors and drops the rest.
            let s = self.ex.stats(node.id());
            if s.chars > 0 && s.chars <= 300 && self.ex.link_density(node.id()) <= 0.5 {
                self.byline_line(node);
            }
        }
        if pruned && self.ex.debug {
            let s = self.ex.stats(node.id());
            eprintln!(
                "extract: pruned <{} class={:?} id={:?}> {} chars, ld {:.2}",
                el.name(),
                el.attr("class"),
                el.attr("id"),
                s.chars,
                self.ex.link_density(node.id())
            );
        }
        pruned
    }

    /// A node in block context.
    fn block(&mut self, node: NodeRef<'_, Node>, depth: usize) {
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
                        for c in node.children() {
                            self.block(c, depth + 1);
                        }
                        self.lists.pop();
                        self.flush();
                    }
                    "li" => {
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
                    "pre" => self.code_block(node),
                    "table" => self.table(node, depth),
                    "img" => self.image(el),
                    "br" | "hr" => self.flush(),
                    "figcaption" => {
                        self.start(Hint::Caption);
                        self.mixed_children(node, depth);
                        self.flush();
                    }
                    "blockquote" => {
                        self.flush();
                        self.quote += 1;
                        for c in node.children() {
                            self.block(c, depth + 1);
                        }
                        self.flush();
                        self.quote -= 1;
                    }
                    _ if BLOCK_TAGS.contains(&name) => {
                        self.flush();
                        if matches!(name, "p" | "dd" | "dt" | "address") && bold_only(node) {
                            self.text.push_str("**");
                            self.md.push_str("**");
                            self.inline_children(node, depth);
                            let t = self.text.trim_end().to_string();
                            self.text = t + "**";
                            let m = self.md.trim_end().to_string();
                            self.md = m + "**";
                        } else {
                            self.mixed_children(node, depth);
                        }
                        self.flush();
                    }
                    _ => self.inline(node, el, depth),
                }
            }
            Node::Document | Node::Fragment => {
                for c in node.children() {
                    self.block(c, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Children that may be inline or block.
    fn mixed_children(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for c in node.children() {
            self.block(c, depth + 1);
        }
    }

    fn inline_children(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        for c in node.children() {
            match c.value() {
                Node::Text(t) => self.text_node(t),
                Node::Element(el) => {
                    if self.skip(c, el) {
                        continue;
                    }
                    if depth > MAX_DEPTH {
                        continue;
                    }
                    if matches!(el.name(), "br") {
                        self.text.push(' ');
                        self.md.push(' ');
                    } else {
                        self.inline(c, el, depth + 1);
                    }
                }
                _ => {}
            }
        }
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
        escape_inline(&chunk, &mut self.md);
    }

    /// An inline element (or an unknown one): links, emphasis, code.
    fn inline(&mut self, node: NodeRef<'_, Node>, el: &Element, depth: usize) {
        match el.name() {
            "a" => {
                let href = el
                    .attr("href")
                    .filter(|_| !self.in_link)
                    .and_then(|h| safe_link(h, self.base()));
                match href {
                    Some(url) => {
                        let at = self.md.len();
                        let flushes = self.flushes;
                        self.in_link = true;
                        self.mixed_children_inline(node, depth);
                        self.in_link = false;
                        if self.flushes != flushes {
                            return;
                        }
                        let inner = self.md[at..].to_string();
                        if inner.trim().is_empty() || inner.contains("\n") {
                            self.md.truncate(at);
                            self.md.push_str(&inner);
                        } else {
                            let url = url.replace('(', "%28").replace(')', "%29");
                            self.md.truncate(at);
                            let (lead, core, trail) = split_ws(&inner);
                            self.md.push_str(&format!("{lead}[{core}]({url}){trail}"));
                        }
                    }
                    None => self.mixed_children_inline(node, depth),
                }
            }
            "strong" | "b" => self.wrap(node, depth, "**"),
            "em" | "i" | "cite" => self.wrap(node, depth, "*"),
            "s" | "del" | "strike" => self.wrap(node, depth, "~~"),
            "code" | "kbd" | "samp" | "tt" => {
                let t = self.ex.visible_text(node, "");
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if t.is_empty() {
                    return;
                }
                self.text.push_str(&t);
                let ticks = "`".repeat(longest_run(&t, '`') + 1);
                let pad = if t.starts_with('`') || t.ends_with('`') {
                    " "
                } else {
                    ""
                };
                self.md.push_str(&format!("{ticks}{pad}{t}{pad}{ticks}"));
            }
            "img" => self.image(el),
            "br" => {
                self.text.push(' ');
                self.md.push(' ');
            }
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

    fn wrap(&mut self, node: NodeRef<'_, Node>, depth: usize, mark: &str) {
        let at = self.md.len();
        let flushes = self.flushes;
        self.mixed_children_inline(node, depth);
        if self.flushes != flushes {
            return;
        }
        let inner = self.md[at..].to_string();
        let (lead, core, trail) = split_ws(&inner);
        if core.is_empty() || core.contains('\n') || core.ends_with('\\') {
            return;
        }
        // CommonMark does not close `**注意：**正文`: trailing CJK punctuation goes outside.
        let cut = core
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_cjk_punct(*c))
            .last()
            .map_or(core.len(), |(i, _)| i);
        let (core, punct) = core.split_at(cut);
        if core.is_empty() {
            return;
        }
        self.md.truncate(at);
        self.md
            .push_str(&format!("{lead}{mark}{core}{mark}{punct}{trail}"));
    }

    /// An image: a block of its own when it stands alone, inline in a paragraph; inside link
    /// text (a linked thumbnail) the text is enough.
    fn image(&mut self, el: &Element) {
        let tiny = |a: &str| {
            el.attr(a)
                .and_then(|v| v.trim_end_matches("px").parse::<u32>().ok())
                .is_some_and(|v| v <= 2)
        };
        if tiny("width") || tiny("height") {
            return;
        }
        let candidates = [
            el.attr("data-src"),
            el.attr("data-original"),
            el.attr("data-lazy-src"),
            el.attr("data-url"),
            el.attr("src"),
        ];
        let src = candidates
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .filter(|s| {
                !s.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("data:image/gif")
            })
            .find_map(|s| safe_image(s, self.base()))
            .or_else(|| el.attr("src").and_then(|s| safe_image(s, self.base())));
        let Some(src) = src else { return };
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
        let mut alt_md = String::new();
        escape_inline(&alt, &mut alt_md);
        let src = src
            .replace('(', "%28")
            .replace(')', "%29")
            .replace(' ', "%20");
        if self.text.trim().is_empty() && !self.in_link {
            // A picture on its own: an image block.
            self.flush();
            self.hint = Hint::Image;
            self.markup.image = Some((src.clone(), alt.clone()));
            self.md = format!("![{alt_md}]({src})");
            self.flush();
        } else if !self.in_link {
            self.md.push_str(&format!("![{alt_md}]({src})"));
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
        let lang = std::iter::once(node)
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
            .map(str::to_string);
        let text = code.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut b = Block::new(self.out.len() + 1, text, true, Hint::Code);
        b.markup = Some(Markup {
            inline: code,
            lang,
            ..Markup::default()
        });
        self.out.push(b);
    }

    fn table(&mut self, node: NodeRef<'_, Node>, depth: usize) {
        self.flush();
        // A layout table (cells holding paragraphs, lists, other tables) is read as blocks.
        let layout = node.descendants().skip(1).any(|d| {
            d.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "table" | "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "blockquote" | "pre"
                ) && !self.ex.is_dropped(d.id())
            })
        });
        if layout {
            for c in node.children() {
                self.block(c, depth + 1);
            }
            self.flush();
            return;
        }
        let rows: Vec<NodeRef<'_, Node>> = node
            .descendants()
            .filter(|d| d.value().as_element().is_some_and(|e| e.name() == "tr"))
            .collect();
        let mut first = true;
        for row in rows {
            let cells: Vec<(String, String, bool)> = row
                .children()
                .filter_map(|c| {
                    let e = c.value().as_element()?;
                    matches!(e.name(), "td" | "th").then_some((c, e.name() == "th"))
                })
                .map(|(c, th)| {
                    let mut sub = Emitter::new(self.ex, &self.roots);
                    sub.inline_children(c, depth + 1);
                    let text = clean_line(&normalize_chars(&sub.text));
                    let md = clean_line(&normalize_chars(sub.md.trim()));
                    (text, md, th)
                })
                .collect();
            if cells.iter().all(|(t, _, _)| t.is_empty()) {
                continue;
            }
            let header = first
                && (cells.iter().all(|c| c.2)
                    || row.parent().is_some_and(|p| {
                        p.value().as_element().is_some_and(|e| e.name() == "thead")
                    }));
            first = false;
            let texts: Vec<String> = cells.iter().map(|c| c.0.clone()).collect();
            let mds: Vec<String> = cells.iter().map(|c| c.1.clone()).collect();
            let mut b = Block::new(
                self.out.len() + 1,
                texts.join(" | "),
                true,
                Hint::TableRow(texts, header),
            );
            b.markup = Some(Markup {
                cells: mds,
                ..Markup::default()
            });
            self.out.push(b);
        }
    }
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

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn split_ws(s: &str) -> (&str, &str, &str) {
    let core = s.trim();
    let lead = &s[..s.len() - s.trim_start().len()];
    let trail = &s[s.trim_end().len()..];
    (lead, core, trail)
}

fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '“' | '”' | '‘' | '’' | '…' | '—')
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
