//! Converting one scraped article: bytes → [`article::Article`] → Markdown file with front
//! matter. [`convert`] is the one entry: the `newsroom convert` command (`crate::cmd::convert`),
//! `check` and every convert test call it, so a snapshot shows exactly what the command writes.
//!
//! ```text
//! bytes ─input::decode─▶ text ─┬─ text:  normalize → one block per line ─────────┐
//!                              └─ HTML:  html::parse → hinted blocks + <head> ────┤
//!   title → metadata lines → boilerplate rules (rules/boilerplate.toml) → structure
//!   → headings/roles ─▶ Article { meta, blocks + decisions } ─write─▶ content/<file>.md
//! ```
//!
//! Module map: [`input`] (read, size limit, decode), [`normalize`] (compatibility characters,
//! spaces, punctuation), [`blocks`] (the block model and text measures), [`html`] (DOM →
//! blocks), [`metadata`] (dates, bylines, language, source brand), [`boilerplate`] (data rules
//! and structure), [`headings`] (roles), [`article`] (the pipeline), [`write`](mod@write) (Markdown, front
//! matter, file name), [`images`] (an article's images for `--fetch-images`). Rules data:
//! `crate::rules`.
//!
//! Pure: no file walking, no printing, no writing (the command does that) and no `cli`.
pub mod article;
pub mod blocks;
pub mod boilerplate;
pub mod headings;
pub mod html;
pub mod images;
pub mod input;
pub mod metadata;
pub mod model;
pub mod normalize;
pub mod write;

use std::path::Path;

use anyhow::{Result, bail};

use crate::content::FrontMatter;
use crate::rules::Rules;
use crate::tagging::Vocabulary;
use input::Kind;

/// Deeper HTML is refused: parsing it takes time quadratic in the depth.
const MAX_NESTING: usize = 8_000;

/// One input: its bytes and where they came from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub bytes: &'a [u8],
    /// The file the bytes were read from: its extension says HTML, its stem names an article
    /// without a title. `None` for standard input.
    pub path: Option<&'a Path>,
}

impl Input<'_> {
    /// File stem used when the article has no title.
    pub fn stem(&self) -> String {
        match self.path {
            Some(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None => "stdin".into(),
        }
    }
}

/// What the user told us about the input and the output.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// URL, source brand and language given on the command line (override detection).
    pub article: article::Options,
    /// Keep ASCII punctuation next to Chinese characters as it is (`--keep-punctuation`).
    pub keep_punctuation: bool,
}

/// The data `convert` needs: boilerplate rules and sources, and the tagging vocabulary.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub rules: Rules,
    pub vocab: Vocabulary,
}

impl Knowledge {
    /// The embedded defaults only.
    pub fn defaults() -> Result<Knowledge> {
        Ok(Knowledge {
            rules: Rules::defaults()?,
            vocab: Vocabulary::defaults()?,
        })
    }

    /// The defaults extended by the site's `<root>/rules/*.toml`.
    pub fn load(root: &Path) -> Result<Knowledge> {
        let layers = crate::rules::Layers::load(root)?;
        Ok(Knowledge {
            rules: Rules::from_layers(&layers)?,
            vocab: Vocabulary::from_layers(&layers)?,
        })
    }
}

/// A block the rules dropped (or a tail they cut), for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Line of the input the block starts on.
    pub line: usize,
    /// Id of the rule (`share.toast`, `structure.tail`…).
    pub rule: String,
    pub reason: String,
    pub text: String,
}

/// One converted input: what `newsroom convert` writes, and what it reports.
#[derive(Debug, Clone)]
pub struct Converted {
    pub front_matter: FrontMatter,
    /// The Markdown body (after the front matter).
    pub markdown: String,
    /// The whole file: `+++ front matter +++` and the body, byte for byte what is written.
    pub content: String,
    /// `<date>-<slug>.md` (no directory).
    pub file_name: String,
    /// `extra.input_hash`: converting the same bytes again is `unchanged`.
    pub input_hash: String,
    /// Every drop, in input order.
    pub drops: Vec<Dropped>,
    /// Doubts about the input worth telling the user.
    pub warnings: Vec<String>,
}

/// Everything `newsroom convert` does to one input: decode, analyse, tag, the punctuation
/// step, front matter and Markdown. An input with no article text is an error.
pub fn convert(input: &Input<'_>, knowledge: &Knowledge, opts: &Options) -> Result<Converted> {
    let decoded = input::decode(input.bytes, input.path)?;
    if decoded.kind == Kind::Html {
        let depth = html::nesting_depth(&decoded.text);
        if depth > MAX_NESTING {
            bail!(
                "HTML elements nest {depth} deep (more than {MAX_NESTING}): refusing to parse it; \
                 a saved article page is never this deep"
            );
        }
    }
    let rules = &knowledge.rules;
    let mut article = match decoded.kind {
        Kind::Html => article::analyze_html(&decoded.text, rules, &opts.article),
        Kind::Text => article::analyze(&decoded.text, rules, &opts.article),
    };
    if article.kept().next().is_none() {
        // Say what was dropped, by rule, most lines first: the curator sees why.
        let mut by_rule: Vec<(String, usize)> = Vec::new();
        for (_, d) in article.drops() {
            match by_rule.iter_mut().find(|(r, _)| *r == d.rule) {
                Some((_, n)) => *n += 1,
                None => by_rule.push((d.rule.clone(), 1)),
            }
        }
        by_rule.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let why: Vec<String> = by_rule
            .iter()
            .take(5)
            .map(|(r, n)| format!("{n} × {r}"))
            .collect();
        if why.is_empty() {
            bail!("no article text found (no text block in the page's body)");
        }
        bail!(
            "no article text found (every line looks like page chrome: dropped {})",
            why.join(", ")
        );
    }
    article.meta.tags = tag_article(&article, &knowledge.vocab);
    let input_hash = write::input_hash(input.bytes);
    // One rule for text scrapes and HTML pages: Chinese prose gets full-width marks, except
    // those the prose itself writes in ASCII by house style.
    let prose = article
        .kept()
        .map(|(_, t)| t)
        .chain(article.meta.title.as_deref());
    let house = normalize::house_marks(prose, &rules.text);
    let style = write::Style {
        keep_punctuation: opts.keep_punctuation,
        punctuation: &rules.text,
        house: &house,
    };
    let stem = input.stem();
    let front_matter = write::front_matter(&article, &input_hash, &stem, style);
    let markdown = write::body(&article, style);
    let drops = article
        .drops()
        .map(|(line, d)| Dropped {
            line,
            rule: d.rule.clone(),
            reason: d.reason.clone(),
            text: d.text.clone(),
        })
        .collect();
    let undated = front_matter.date.is_none();
    Ok(Converted {
        content: front_matter.to_file_string(&markdown),
        file_name: write::file_name(&front_matter, &stem),
        front_matter,
        markdown,
        input_hash,
        drops,
        warnings: decoded
            .warning
            .into_iter()
            .chain(article.warnings)
            .chain(undated.then(|| {
                "no publication date found (none is guessed): set `date` in the front matter"
                    .to_string()
            }))
            .collect(),
    })
}

/// Tags from the title and the kept blocks only: boilerplate never counts (issue 4).
pub fn tag_article(
    article: &article::Article,
    vocab: &crate::tagging::Vocabulary,
) -> crate::tagging::Tags {
    use crate::tagging::Part;
    let title = article
        .meta
        .title
        .as_deref()
        .into_iter()
        .map(|t| (Part::Title, t));
    let blocks = article.kept().map(|(role, text)| {
        let part = match role {
            blocks::Role::Heading => Part::Heading,
            blocks::Role::Caption => Part::Caption,
            blocks::Role::ListItem => Part::ListItem,
            blocks::Role::Paragraph | blocks::Role::Quote => Part::Paragraph,
            blocks::Role::TableRow => Part::ListItem,
            blocks::Role::Code | blocks::Role::Image => Part::Caption,
        };
        (part, text)
    });
    let doc = crate::tagging::Document {
        parts: title.chain(blocks).collect(),
        source: article.meta.source.as_deref(),
    };
    crate::tagging::tag(&doc, vocab)
}
