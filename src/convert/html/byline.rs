//! The byline area: the short lines between the headline and the body (dates, authors, a
//! standfirst), and chrome-classed boxes there (`.byline`, `.meta`), each emitted as one plain
//! line without markup.
//!
//! The metadata stage (`metadata.rs`, `article.rs`) reads dates and authors from these lines
//! and the structure stage drops what is left: this file only finds and emits them, it never
//! decides what they say.

use ego_tree::{NodeId, NodeRef};
use scraper::Node;

use super::emit::Emitter;
use super::tree::is_ancestor;
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
        let mut node = h1;
        loop {
            // Next node in document order after `node`'s subtree.
            let next =
                std::iter::successors(Some(node), |n| n.parent()).find_map(|n| n.next_sibling());
            let Some(n) = next else { break };
            node = n;
            if is_ancestor(n.id(), body_node) || n.id() == body {
                break;
            }
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
            let is_link = n.value().as_element().is_some_and(|e| e.name() == "a");
            if is_link || self.ex.link_density(n.id()) > 0.5 {
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
