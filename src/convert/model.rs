//! The document model every convert stage works on: a scrape as a sequence of [`Block`]s (each
//! with a [`Decision`]), HTML structure as [`Markup`] and [`Inline`] spans, and the finished
//! [`Article`] with its [`Meta`].
//!
//! This file is the bottom of `convert/`: it holds data and the small accessors on it, and
//! imports no stage. In particular it holds no Markdown: spans carry text as the page has it
//! and only the writer (`write.rs`) escapes and renders them.

use crate::content::Date;

/// What a kept block is in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Paragraph,
    /// A section heading; the text is without its numbering.
    Heading,
    /// An image caption with content (`说明 | 图片来源:X`), rendered as an italic paragraph.
    Caption,
    /// An item of a bullet list.
    ListItem,
    /// A quoted paragraph (HTML `<blockquote>`).
    Quote,
    /// A table row (HTML `<tr>`); the cells are in the block's [`Hint::TableRow`].
    TableRow,
    /// A code block (HTML `<pre>`); the code is in the block's [`Markup::code`].
    Code,
    /// An image (HTML `<img>`); source and alt text are in [`Markup::image`].
    Image,
}

/// What the markup said about a block (HTML scrapes); text scrapes have no hints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Hint {
    #[default]
    None,
    /// `<h1>`: the page's headline.
    Title,
    /// `<h2>`…`<h6>`.
    Heading,
    ListItem,
    /// `<figcaption>`.
    Caption,
    Quote,
    /// A `<tr>`: its cells, and whether it is a header row.
    TableRow(Vec<String>, bool),
    /// `<pre>`.
    Code,
    /// `<img>` on its own.
    Image,
}

/// A piece of inline content of an HTML block, as the page has it: text is not escaped and
/// URLs are the safe absolute ones, not yet written for Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// One text node, whitespace collapsed as a browser shows it.
    Text(String),
    /// `<br>` inside a paragraph: a Markdown paragraph is one line, so it reads as a space.
    Break,
    /// `<a href>` to an http(s) or mailto URL.
    Link { url: String, content: Vec<Inline> },
    /// `<em>`, `<i>`, `<cite>`.
    Emphasis(Vec<Inline>),
    /// `<strong>`, `<b>`.
    Strong(Vec<Inline>),
    /// `<s>`, `<del>`, `<strike>`.
    Strike(Vec<Inline>),
    /// A paragraph that is one bold phrase (`<p><strong>一、…</strong></p>`, a heading in
    /// disguise): the block's text carries the `**` too, so the structure stage sees it.
    BoldLine(Vec<Inline>),
    /// `<code>`, `<kbd>`, `<samp>`, `<tt>`: the code, whitespace collapsed.
    Code(String),
    /// An image inside a paragraph: its http(s) or `data:image/` source and alt text.
    Image { src: String, alt: String },
}

/// How an HTML block is written in Markdown, beyond its plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// The block's inline content (links, emphasis, code).
    pub spans: Vec<Inline>,
    /// Heading level (1–6).
    pub level: u8,
    /// List nesting (0 = top level).
    pub depth: u8,
    /// The number of an ordered list item.
    pub ordered: Option<u32>,
    /// A code block's code as written (line breaks kept).
    pub code: Option<String>,
    /// A code block's language.
    pub lang: Option<String>,
    /// An image's absolute source and alt text.
    pub image: Option<(String, String)>,
    /// A table row's cells as inline content.
    pub cells: Vec<Vec<Inline>>,
}

/// Why (part of) a block was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    /// Rule id, e.g. `disclaimer.zh-label` or `structure.footer`.
    pub rule: String,
    pub reason: String,
    /// The dropped text (the whole block, or the tail a `cut` rule removed).
    pub text: String,
}

/// The decision about one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not decided yet (the stages run in order).
    Open,
    Keep(Role),
    Drop(Drop),
}

/// One line of the scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line in the decoded input.
    pub line: usize,
    /// The normalised line, trimmed.
    pub text: String,
    /// A blank line precedes this block.
    pub gap_before: bool,
    pub decision: Decision,
    /// The article text of a kept block; shorter than `text` when a cut rule removed a tail.
    pub kept: String,
    /// A tail removed from a kept block (a disclaimer glued to the last sentence).
    pub cut: Option<Drop>,
    pub hint: Hint,
    /// HTML scrapes: how the block is written (used while the block's text is unchanged).
    pub markup: Option<Markup>,
}

impl Block {
    pub fn new(line: usize, text: String, gap_before: bool, hint: Hint) -> Block {
        Block {
            line,
            kept: text.clone(),
            text,
            gap_before,
            decision: Decision::Open,
            cut: None,
            hint,
            markup: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.decision == Decision::Open
    }

    pub fn is_dropped(&self) -> bool {
        matches!(self.decision, Decision::Drop(_))
    }

    pub fn role(&self) -> Option<Role> {
        match self.decision {
            Decision::Keep(r) => Some(r),
            _ => None,
        }
    }

    /// The text that is article text, if any.
    pub fn kept_text(&self) -> Option<&str> {
        match self.decision {
            Decision::Keep(_) => Some(&self.kept),
            _ => None,
        }
    }

    pub fn drop(&mut self, rule: &str, reason: &str) {
        self.decision = Decision::Drop(Drop {
            rule: rule.to_string(),
            reason: reason.to_string(),
            text: self.text.clone(),
        });
    }

    /// All drops this block contributes (whole block or cut tail).
    pub fn drops(&self) -> impl Iterator<Item = &Drop> {
        let whole = match &self.decision {
            Decision::Drop(d) => Some(d),
            _ => None,
        };
        whole.into_iter().chain(self.cut.as_ref())
    }
}

/// Who a byline names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub editors: Vec<String>,
    pub translators: Vec<String>,
    pub reviewers: Vec<String>,
    /// Outlets credited with 来源 / "NAME, Outlet".
    pub credits: Vec<String>,
}

impl Byline {
    pub fn is_empty(&self) -> bool {
        self.authors.is_empty()
            && self.editors.is_empty()
            && self.translators.is_empty()
            && self.reviewers.is_empty()
            && self.credits.is_empty()
    }

    pub fn merge(&mut self, other: Byline) {
        for (dst, src) in [
            (&mut self.authors, other.authors),
            (&mut self.editors, other.editors),
            (&mut self.translators, other.translators),
            (&mut self.reviewers, other.reviewers),
            (&mut self.credits, other.credits),
        ] {
            for v in src {
                if !dst.contains(&v) {
                    dst.push(v);
                }
            }
        }
    }
}

/// Everything known about the article besides its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub date: Option<Date>,
    /// A relative date the page showed instead of a date ("3小时前"): no date is guessed.
    pub relative_date: Option<String>,
    pub byline: Byline,
    /// A creator handle (`@TechPulseDaily`) of a square/feed post.
    pub handle: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    /// The page's own summary (`og:description`, …), when it gives one.
    pub description: Option<String>,
    /// The page's lead image (`og:image`, …), an absolute http(s) URL.
    pub cover_image: Option<String>,
    /// Companies and topics (filled by tagging, see `convert::tag_article`).
    pub tags: crate::tagging::Tags,
}

/// A converted article: metadata and every block with its decision.
#[derive(Debug, Clone)]
pub struct Article {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// Doubts about the input worth telling the user (an HTML page with no article).
    pub warnings: Vec<String>,
}

impl Article {
    /// Kept blocks with their role and text, in order: what the Markdown and a tagger use.
    pub fn kept(&self) -> impl Iterator<Item = (Role, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| b.role().map(|r| (r, b.kept.as_str())))
    }

    /// Every drop: (line, drop), in order.
    pub fn drops(&self) -> impl Iterator<Item = (usize, &Drop)> {
        self.blocks
            .iter()
            .flat_map(|b| b.drops().map(move |d| (b.line, d)))
    }
}
