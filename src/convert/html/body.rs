//! Choosing the body: which elements of the page are the article.
//!
//! First by markup that names it (`itemprop=articleBody`, `.entry-content`, `<article>`, … —
//! tiers in `rules/boilerplate.toml` `[html]`), then by Readability's scoring (paragraphs credit
//! their ancestors). The two are compared: a named container that holds much less text than
//! the scored one lost the article. Also the `<h1>` that is the headline.
//!
//! This file only points at nodes; it emits no block and reads no metadata.

use std::sync::LazyLock;

use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Node, Selector, node::Element};

use super::tree::{Chrome, Page, squash};
use crate::convert::blocks;
use crate::text::Marks;
use rustc_hash::FxHashMap;

static BODY: LazyLock<Selector> = LazyLock::new(|| Selector::parse("body").expect("selector"));
static H1: LazyLock<Selector> = LazyLock::new(|| Selector::parse("h1").expect("selector"));

/// How many elements with text of their own before the body may hold the headline of a page
/// with no `<h1>` (the headline, then a byline and a breadcrumb row, at most a few more).
const HEADLINE_LOOKBACK: usize = 4;

/// The roots of the article body, in document order.
pub(super) fn choose(page: &Page) -> Vec<NodeId> {
    let named = page.named_body();
    let scored = page.scored_body();
    let named_chars = named.as_ref().map_or(0, |n| page.pruned_chars(n));
    let scored_chars = scored.as_ref().map_or(0, |n| page.pruned_chars(n));
    if page.debug {
        let list = |ids: &Option<Vec<NodeId>>| -> Vec<String> {
            ids.iter()
                .flatten()
                .filter_map(|id| page.describe(*id))
                .collect()
        };
        eprintln!(
            "extract: named {named_chars} chars {:?}; scored {scored_chars} chars {:?}",
            list(&named),
            list(&scored)
        );
    }
    match (named, scored) {
        // A named container that holds far less text than the scored one missed the article
        // (a teaser `<article>`, a lead-only `.entry-content`).
        (Some(n), Some(s)) => {
            if named_chars * 2 >= scored_chars {
                n
            } else {
                s
            }
        }
        (Some(n), None) => n,
        (None, Some(s)) => s,
        // Nothing stands out (a short page): the whole body, pruned, as a best effort.
        (None, None) => page.doc.select(&BODY).map(|b| b.id()).take(1).collect(),
    }
}

impl<'a> Page<'a> {
    /// The body named by markup (tiers of selectors, first tier with text wins).
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

    /// Readability's scoring: the best candidate (scaled by 1 − link density) and its sibling
    /// paragraphs are the body.
    fn scored_body(&self) -> Option<Vec<NodeId>> {
        let scores = self.paragraph_scores();
        let mut best: Option<(f32, NodeId)> = None;
        for (id, score) in &scores {
            let scaled = score * (1.0 - self.link_density(*id));
            if best.is_none_or(|(b, bid)| scaled > b || (scaled == b && *id < bid)) {
                best = Some((scaled, *id));
            }
        }
        let (top_score, top) = best?;
        let top = self.widen(self.doc.tree.get(top)?);
        let Some(parent) = top.parent() else {
            return Some(vec![top.id()]);
        };
        Some(
            parent
                .children()
                .filter(|sib| sib.id() == top.id() || self.belongs(*sib, top, top_score, &scores))
                .map(|sib| sib.id())
                .collect(),
        )
    }

    /// Paragraphs credit their parent fully, grandparent half, further ancestors less.
    fn paragraph_scores(&self) -> FxHashMap<NodeId, f32> {
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
        scores
    }

    /// A candidate that is the only substantial child of its parent: the parent is the body.
    fn widen<'b>(&self, mut top: NodeRef<'b, Node>) -> NodeRef<'b, Node> {
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
        top
    }

    /// Whether a sibling of the top candidate belongs to the article.
    fn belongs(
        &self,
        sib: NodeRef<'_, Node>,
        top: NodeRef<'_, Node>,
        top_score: f32,
        scores: &FxHashMap<NodeId, f32>,
    ) -> bool {
        let Node::Element(se) = sib.value() else {
            return false;
        };
        if self.is_dropped(sib.id()) {
            return false;
        }
        let threshold = (top_score * 0.2).max(10.0);
        let mut bonus = 0.0;
        if let (Some(a), Node::Element(te)) = (se.attr("class"), top.value())
            && !a.is_empty()
            && te.attr("class") == Some(a)
        {
            bonus = top_score * 0.2;
        }
        let append = if let Some(sc) = scores.get(&sib.id())
            && sc * (1.0 - self.link_density(sib.id())) + bonus >= threshold
        {
            true
        } else if matches!(se.name(), "div" | "section" | "article")
            && let s = self.stats(sib.id())
            && s.paragraphs >= 3
            && s.chars >= 400
            && s.chars * 4 >= self.stats(top.id()).chars
            && self.link_density(sib.id()) < 0.2
        {
            // Prose nested deeper than the top candidate's (a page that alternates article
            // sections and figure boxes): its paragraphs credit it too little to reach the
            // threshold, but it is text, not chrome.
            true
        } else if se.name() == "p" {
            let s = self.stats(sib.id());
            let ld = self.link_density(sib.id());
            (s.chars > 80 && ld < 0.25)
                || (s.chars > 0 && ld == 0.0 && ends_sentence(self.marks, sib))
        } else {
            false
        };
        append && self.chrome_class(se) == Chrome::No
    }

    /// Readability's starting score of a candidate: by tag, and +25 for class/id words that
    /// name content, −25 for chrome.
    fn initial_score(&self, el: &Element) -> f32 {
        let base = match el.name() {
            "div" | "article" | "main" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        let mut w = 0.0;
        if self.class_begins(el, &self.rules.positive_prefixes) {
            w += 25.0;
        }
        if self.chrome_class(el) != Chrome::No
            || self.class_begins(el, &self.rules.negative_prefixes)
        {
            w -= 25.0;
        }
        base + w
    }

    /// On a page with no `<h1>`: the headline before `body`, among the last
    /// [`HEADLINE_LOOKBACK`] elements with text of their own before it. It is a short line
    /// (4–80 characters, no sentence end, not a link) that is emphasised: bold, a large
    /// `<font>`, an `<h2>`–`<h4>`, a class or id saying `title`, or the head's title itself.
    pub fn headline_box(&self, body: NodeId, title: Option<&str>) -> Option<NodeRef<'a, Node>> {
        if self.doc.select(&H1).next().is_some() {
            return None;
        }
        let want = title.map(squash).unwrap_or_default();
        let mut before: Vec<NodeRef<'a, Node>> = Vec::new();
        for n in self.doc.tree.root().descendants() {
            if n.id() == body {
                break;
            }
            let Some(el) = n.value().as_element() else {
                continue;
            };
            let own_text = n
                .children()
                .any(|c| c.value().as_text().is_some_and(|t| !t.trim().is_empty()));
            if own_text
                && !self.is_dropped(n.id())
                && !n.ancestors().any(|a| self.is_dropped(a.id()))
                && el.name() != "a"
            {
                before.push(n);
            }
        }
        let emphasised = |n: NodeRef<'a, Node>| {
            std::iter::once(n)
                .chain(n.ancestors().take(2))
                .filter_map(|a| a.value().as_element())
                .any(|e| {
                    let big_font = e.name() == "font"
                        && e.attr("size").is_some_and(|s| {
                            s.trim().starts_with('+')
                                || s.trim().parse::<u8>().is_ok_and(|v| v >= 4)
                        });
                    let titled = ["class", "id"].iter().any(|k| {
                        e.attr(k)
                            .is_some_and(|v| v.to_ascii_lowercase().contains("title"))
                    });
                    matches!(e.name(), "b" | "strong" | "h2" | "h3" | "h4") || big_font || titled
                })
        };
        before
            .iter()
            .rev()
            .take(HEADLINE_LOOKBACK)
            .copied()
            .find(|&n| {
                let text = squash(&self.visible_text(n, ""));
                let chars = text.chars().count();
                let in_link = n
                    .ancestors()
                    .take(3)
                    .any(|a| a.value().as_element().is_some_and(|e| e.name() == "a"));
                (4..=80).contains(&chars)
                    && !in_link
                    && !text.ends_with(['。', '.', '！', '!', '？', '?', '：', ':'])
                    && (emphasised(n) || (!want.is_empty() && want.contains(&text)))
            })
    }

    /// The `<h1>` that is the article's headline: the one matching the page title, else the
    /// first one with text.
    pub fn title_h1(&self, title: Option<&str>) -> Option<NodeRef<'a, Node>> {
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

/// The element's text ends a sentence or a question (closing quotes aside).
fn ends_sentence(m: &Marks, n: NodeRef<'_, Node>) -> bool {
    let text: String = ElementRef::wrap(n)
        .map(|e| e.text().collect())
        .unwrap_or_default();
    blocks::last_mark(m, &text)
        .is_some_and(|c| m.sentence_end.contains(&c) || m.question.contains(&c))
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

    fn para(words: &str, n: usize) -> String {
        (0..n)
            .map(|i| format!("<p>{words} number {i}, with a comma and a full stop.</p>"))
            .collect()
    }

    /// The class of the chosen root (or the tag when it has none).
    fn chosen(html: &str) -> Vec<String> {
        let rules = crate::rules::Rules::defaults().unwrap();
        let doc = Html::parse_document(html);
        let page = Page::new(
            &doc,
            &rules.html,
            &rules.text.blocks,
            crate::convert::html::tree::Reading::Strict,
        );
        choose(&page)
            .into_iter()
            .map(|id| {
                let e = doc.tree.get(id).unwrap().value().as_element().unwrap();
                e.attr("class").unwrap_or(e.name()).to_string()
            })
            .collect()
    }

    #[test]
    fn markup_that_names_the_body_wins() {
        let html = format!(
            r#"<body><div class="sidebar">{}</div><div class="entry-content">{}</div></body>"#,
            para("Sidebar teaser text about another story", 6),
            para("The article's own paragraph goes on", 4)
        );
        assert_eq!(chosen(&html), ["entry-content"]);
    }

    #[test]
    fn a_named_teaser_loses_to_the_scored_article() {
        let html = format!(
            r#"<body><article><p>A teaser of one line that is short but has enough text to count.</p></article>
            <div class="wrap"><div class="story">{}</div></div></body>"#,
            para("The long story told paragraph by paragraph", 8)
        );
        assert_eq!(chosen(&html), ["story"]);
    }

    #[test]
    fn without_names_paragraphs_choose_their_container() {
        let html = format!(
            r#"<body><div id="x"><ul class="links"><li><a href="/a">One link</a></li>
            <li><a href="/b">Another link</a></li></ul></div><div class="col">{}</div></body>"#,
            para("Plain paragraphs in an unnamed column", 5)
        );
        assert_eq!(chosen(&html), ["col"]);
        // Nothing stands out: the whole body.
        assert_eq!(chosen("<body><span>hi</span></body>"), ["body"]);
    }
}
