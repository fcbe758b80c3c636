//! The byline area: the short lines between the headline and the body (dates, authors, a
//! standfirst), and chrome-classed boxes there (`.byline`, `.meta`), each emitted as one plain
//! line without markup.
//!
//! The metadata stage (`metadata.rs`, `article.rs`) reads dates and authors from these lines
//! and the structure stage drops what is left: this file only finds and emits them, it never
//! decides what they say.

use ego_tree::{NodeId, NodeRef};
use scraper::Node;

use super::emit::{BLOCK_TAGS, Emitter};
use super::tree::{is_ancestor, tokens};
use crate::convert::model::{Block, Hint};
use crate::convert::normalize::{clean_line, normalize_chars};

/// At most this many lines are taken from the byline area.
const MAX_LINES: usize = 8;

impl Emitter<'_, '_> {
    /// Short text elements after the headline `h1` and before the body, in document order.
    pub fn header_area(&mut self, h1: NodeRef<'_, Node>, body: NodeId) {
        let Some(body_node) = self.ex.doc.tree.get(body) else {
            return;
        };
        let mut taken = 0usize;
        let mut chars = 0usize;
        let mut next = after(h1);
        while let Some(n) = next {
            if n.id() == body {
                break;
            }
            // A box that holds the body also holds what stands before it (a cover image,
            // then the standfirst): go into it.
            if is_ancestor(n.id(), body_node) {
                next = n.first_child();
                continue;
            }
            next = after(n);
            if self.ex.is_dropped(n.id()) || n.value().as_element().is_none() {
                continue;
            }
            let s = self.ex.stats(n.id());
            if s.chars == 0 {
                continue;
            }
            if s.chars > 300 || taken >= MAX_LINES || chars > 600 {
                break;
            }
            let Some(el) = n.value().as_element() else {
                continue;
            };
            if el.name() == "a" || self.ex.link_density(n.id()) > 0.5 {
                continue;
            }
            // The cover image's caption, without its image, says nothing.
            if matches!(el.name(), "figure" | "figcaption" | "picture")
                || tokens(el, &self.ex.rules.anchor_words)
                    .iter()
                    .any(|t| t == "caption")
            {
                continue;
            }
            // A box of text blocks (a caption and the standfirst, a kicker, the byline and a
            // lead; a wrapper around a figure) is as many lines as it has blocks: go into it.
            let in_blocks: u32 = n
                .children()
                .filter(|c| {
                    c.value()
                        .as_element()
                        .is_some_and(|e| BLOCK_TAGS.contains(&e.name()))
                })
                .map(|c| self.ex.stats(c.id()).chars)
                .sum();
            if in_blocks > 0
                && in_blocks == s.chars
                && matches!(el.name(), "div" | "section" | "header" | "hgroup")
            {
                next = n.first_child();
                continue;
            }
            // Leaf-ish boxes only: one line each.
            self.flush();
            self.byline_line(n);
            taken += 1;
            chars += s.chars as usize;
        }
    }

    /// A box of the byline area that pruning removed from the body (a `.byline`, a `.meta`
    /// date): still one line for the metadata stage, when it is short and not a link list.
    pub fn pruned_byline(&mut self, node: NodeRef<'_, Node>) {
        let s = self.ex.stats(node.id());
        if s.chars > 0 && s.chars <= 300 && self.ex.link_density(node.id()) <= 0.5 {
            self.byline_line(node);
        }
    }

    /// A box of the byline area as one plain line (no markup).
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
}

/// The next node in document order after `n`'s subtree.
fn after(n: NodeRef<'_, Node>) -> Option<NodeRef<'_, Node>> {
    std::iter::successors(Some(n), |n| n.parent()).find_map(|n| n.next_sibling())
}
