//! What stands between a page's Markdown and its renderer: an [`Expand`] (the site's
//! shortcodes, [`crate::shortcode::Shortcodes`]) turns the body into [`Expanded`] Markdown,
//! whose HTML parts wait behind placeholders until the body is rendered and sanitized
//! ([`Expanded::restore`]). The renderer knows this contract only, so the settings that carry
//! the expander (`[markdown]`) do not depend on the template engine behind it.

use std::ops::Range;

/// Expands the calls of a page body before it is rendered.
pub trait Expand: std::fmt::Debug + Send + Sync {
    /// `None` when `md` calls nothing; else the Markdown to render and every call that could
    /// not be (the others are expanded all the same).
    fn expand(
        &self,
        md: &str,
        page: &Page<'_>,
        options: pulldown_cmark::Options,
    ) -> Option<(Expanded, Vec<Problem>)>;

    /// A fingerprint of everything the expansion depends on (a cached body is keyed by it).
    fn id(&self) -> u64;

    /// Whether an expanded body may hold `@/` links (then it needs every page's URL).
    fn may_link(&self) -> bool;
}

/// Expands nothing: settings made without a site ([`crate::config::MarkdownConfig::default`]).
#[derive(Debug, Default)]
pub struct Nothing;

impl Expand for Nothing {
    fn expand(
        &self,
        _: &str,
        _: &Page<'_>,
        _: pulldown_cmark::Options,
    ) -> Option<(Expanded, Vec<Problem>)> {
        None
    }

    fn id(&self) -> u64 {
        0
    }

    fn may_link(&self) -> bool {
        false
    }
}

/// An expander serializes as its fingerprint: settings that include it (the key of cached
/// bodies) change when it does.
pub fn serialize_id<S: serde::Serializer>(
    expander: &std::sync::Arc<dyn Expand>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_u64(expander.id())
}

/// What a Markdown body is once its shortcodes are expanded.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The Markdown to render: Markdown shortcodes' output in place, HTML shortcodes'
    /// replaced by placeholders.
    pub md: String,
    /// The output of each HTML shortcode, by placeholder number.
    pub html: Vec<String>,
    /// Each replaced span: (start in `md`, end in `md`, start in the source, end in the
    /// source), in order.
    edits: Vec<(usize, usize, usize, usize)>,
}

/// A shortcode that cannot be rendered, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
}

/// What a page gives its shortcodes besides their arguments.
pub struct Page<'p> {
    /// The `page` variable (its front matter, path, permalink and language).
    pub page: &'p serde_json::Value,
    pub lang: &'p str,
    /// The site's base path (`/` or `/blog/`), for the `markdown` filter's links.
    pub base_path: &'p str,
    /// The page bundle's folder and the URL its files are published under.
    pub bundle: Option<(&'p std::path::Path, &'p str)>,
}

/// First and last placeholder characters (Unicode noncharacters: never in text a page
/// means to show; any in the body are replaced before expanding, so none can be forged).
const OPEN: char = '\u{FDEF}';
const DIGIT0: u32 = 0xFDD0;

fn is_marker(c: char) -> bool {
    ('\u{FDD0}'..='\u{FDEF}').contains(&c)
}

pub(crate) fn placeholder(n: usize) -> String {
    let mut s = String::new();
    s.push(OPEN);
    for d in format!("{n:x}").chars() {
        let v = d.to_digit(16).expect("hex digit");
        s.push(char::from_u32(DIGIT0 + v).expect("noncharacter"));
    }
    s.push(OPEN);
    s
}

impl Expanded {
    pub fn with_capacity(n: usize) -> Expanded {
        Expanded {
            md: String::with_capacity(n),
            ..Expanded::default()
        }
    }

    /// Appends text of the body, any placeholder character in it replaced (by one of the
    /// same UTF-8 length, so offsets into the source stay right): none can be forged.
    pub fn push_text(&mut self, text: &str) {
        if text.chars().any(is_marker) {
            self.md.extend(
                text.chars()
                    .map(|c| if is_marker(c) { '\u{FFFD}' } else { c }),
            );
        } else {
            self.md.push_str(text);
        }
    }

    /// Appends Markdown that replaces the body's `source` span.
    pub fn push_markdown(&mut self, source: Range<usize>, md: &str) {
        let start = self.md.len();
        self.md.push_str(md);
        self.edits
            .push((start, self.md.len(), source.start, source.end));
    }

    /// Appends a placeholder for `html`, which replaces the body's `source` span.
    pub fn push_html(&mut self, source: Range<usize>, html: String) {
        self.html.push(html);
        let placeholder = placeholder(self.html.len() - 1);
        self.push_markdown(source, &placeholder);
    }

    /// The offset in the source of an offset in [`Expanded::md`]: inside a replaced span,
    /// the start of the call.
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = self.edits.partition_point(|e| e.0 <= offset);
        if i == 0 {
            return offset;
        }
        let (start, end, src_start, src_end) = self.edits[i - 1];
        if offset < end || start == end && offset == start {
            src_start
        } else {
            src_end + (offset - end)
        }
    }

    /// Puts each HTML shortcode's output where its placeholder is in `html` (a paragraph
    /// that is only a placeholder becomes the output: a block in a `<p>` is invalid).
    pub fn restore(&self, html: &str) -> String {
        if self.html.is_empty() || !html.contains(OPEN) {
            return html.to_string();
        }
        let mut out =
            String::with_capacity(html.len() + self.html.iter().map(String::len).sum::<usize>());
        let mut rest = html;
        while let Some(i) = rest.find(OPEN) {
            let after = &rest[i + OPEN.len_utf8()..];
            let Some(j) = after.find(OPEN) else { break };
            let n = after[..j].chars().try_fold(0usize, |n, c| {
                let d = (c as u32).checked_sub(DIGIT0).filter(|d| *d < 16)?;
                Some(n * 16 + d as usize)
            });
            let Some(output) = n.and_then(|n| self.html.get(n)) else {
                out.push_str(&rest[..i + OPEN.len_utf8()]);
                rest = after;
                continue;
            };
            let mut head = &rest[..i];
            let mut tail = &after[j + OPEN.len_utf8()..];
            if let (Some(h), Some(t)) = (head.strip_suffix("<p>"), tail.strip_prefix("</p>")) {
                (head, tail) = (h, t);
            }
            out.push_str(head);
            out.push_str(output);
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

/// Removes placeholders from text meant for reading (plain text, headings, the lead).
pub fn strip_markers(text: &mut String) {
    if text.chars().any(is_marker) {
        text.retain(|c| !is_marker(c));
    }
}
