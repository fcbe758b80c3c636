//! Rules as data: every `rules/*.toml` file, loaded by one layered loader ([`layers`]) and
//! compiled for the stages that use them: boilerplate rules and `[html]` tokens, source brands
//! ([`Rules`]), byline words ([`bylines`]), punctuation (`crate::text::Punctuation`); the
//! tagging vocabulary (`companies.toml`, `topics.toml`) is compiled by `tagging::vocab` from
//! the same [`Layers`].
//!
//! The defaults live in `rules/*.toml` at the crate root and are embedded in the binary; a site's
//! own `<root>/rules/<same name>.toml` extends them. A site rule with the id of a default rule
//! replaces it (`enabled = false` switches it off); a site source with the name of a default
//! source replaces it. This module parses and compiles; it knows nothing about blocks or articles.

pub mod bylines;
pub mod date_words;
pub mod layers;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use regex::Regex;
use serde::Deserialize;

pub use bylines::{BylineRole, Bylines, Captions};
pub use date_words::DateWords;
pub use layers::Layers;

use crate::text::{Punctuation, RawText};

/// How a boilerplate rule's patterns are applied to a block of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A pattern must match the whole (trimmed) line: the block is dropped.
    Line,
    /// A pattern occurs somewhere in a line of at most `max_chars` characters: the block is dropped.
    Contains,
    /// Boilerplate starts at the sentence holding the match and runs to the end of the block
    /// (disclaimers that begin mid-paragraph). A match in the first sentence drops the block.
    Cut,
    /// A whole-line header (相关推荐, Related articles) whose following list lines go with it.
    Section,
}

/// One rule as written in a TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    /// Unique id, `group.name`; `--explain` prints it.
    id: String,
    /// Concept the rule belongs to (share, nav, disclaimer, promo, related, footer…).
    #[serde(default)]
    group: Option<String>,
    /// Why the rule exists (for people reading the file).
    #[serde(default)]
    comment: Option<String>,
    /// Short reason shown by `--explain`; defaults to the comment.
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    kind: Option<RuleKind>,
    #[serde(default)]
    patterns: Vec<String>,
    /// For `contains`: longest line (in characters) the rule may drop.
    #[serde(default)]
    max_chars: Option<usize>,
    /// For `section`: also take up to this many following paragraphs (a disclaimer or author bio
    /// under its own header), not only list lines.
    #[serde(default)]
    take_paragraphs: usize,
    /// `false` in a site file switches a default rule off.
    #[serde(default = "yes")]
    enabled: bool,
    /// Lines the rule must match: documentation that `cargo test` checks.
    #[serde(default)]
    examples: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoilerplateFile {
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    html: Option<RawHtml>,
}

/// The `[html]` table: what class/id words and selectors say about parts of an HTML page.
/// A site file's `[html]` keys replace the default's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHtml {
    body: Option<Vec<String>>,
    discard_tokens: Option<Vec<String>>,
    discard_prefixes: Option<Vec<String>>,
    positive_prefixes: Option<Vec<String>>,
    negative_prefixes: Option<Vec<String>>,
    byline_classes: Option<Vec<String>>,
    byline_outside: Option<Vec<String>>,
    anchor_words: Option<Vec<String>>,
    updated_markers: Option<Vec<String>>,
}

/// Compiled `[html]` rules (see `rules/boilerplate.toml`).
#[derive(Debug, Clone, Default)]
pub struct HtmlRules {
    /// Tiers of CSS selectors naming the article body; the first tier that matches wins.
    pub body_tiers: Vec<scraper::Selector>,
    /// Class/id words (whole) that mark chrome.
    pub discard_tokens: Vec<String>,
    /// Class/id word beginnings that mark chrome.
    pub discard_prefixes: Vec<String>,
    /// Class/id word beginnings that mark content (Readability's positive weight).
    pub positive_prefixes: Vec<String>,
    /// Class/id word beginnings that count against content.
    pub negative_prefixes: Vec<String>,
    /// Parts of a class value that mark a byline element (read as byline evidence).
    pub byline_classes: Vec<String>,
    /// Beginnings of class/id words of containers whose bylines are not the article's
    /// (comments, replies).
    pub byline_outside: Vec<String>,
    /// Small words of sentences: an id of four or more words holding one is a heading's
    /// anchor (`sharing-with-a-single-developer`), not a name for the box's role.
    pub anchor_words: Vec<String>,
    /// Parts of a class or itemprop value that mark a modified, not published, date.
    pub updated_markers: Vec<String>,
}

/// A compiled boilerplate rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub group: String,
    pub reason: String,
    pub kind: RuleKind,
    pub patterns: Vec<Regex>,
    pub max_chars: usize,
    pub take_paragraphs: usize,
    pub examples: Vec<String>,
}

impl Rule {
    /// Byte offset of the first match in `text` according to the rule's kind, if it applies.
    pub fn find(&self, text: &str) -> Option<usize> {
        match self.kind {
            RuleKind::Line | RuleKind::Section => {
                self.patterns.iter().any(|p| p.is_match(text)).then_some(0)
            }
            RuleKind::Contains => {
                if text.chars().count() > self.max_chars {
                    return None;
                }
                self.patterns.iter().any(|p| p.is_match(text)).then_some(0)
            }
            RuleKind::Cut => self
                .patterns
                .iter()
                .filter_map(|p| p.find(text).map(|m| m.start()))
                .min(),
        }
    }
}

/// A canonical source brand and the names and domains that mean it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Canonical English brand written to `extra.source`.
    pub name: String,
    /// Other spellings and brands seen in chrome (OKEx, 欧易, 币安广场…).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Host names (`okx.com`), optionally with a path part (`binance.com/square`).
    #[serde(default)]
    pub domains: Vec<String>,
    /// A more general brand this one belongs to (Binance Square → Binance).
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<RawSource>,
}

/// A compiled source brand.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub parent: Option<String>,
    /// Matches any alias or domain in running text.
    pub pattern: Regex,
    /// `(host suffix, path part)` pairs for matching a URL.
    pub domains: Vec<(String, String)>,
}

/// All rules `convert` needs.
#[derive(Debug, Clone)]
pub struct Rules {
    pub boilerplate: Vec<Rule>,
    pub sources: Vec<Source>,
    pub html: HtmlRules,
    /// Byline labels and the words around names (`rules/bylines.toml`).
    pub bylines: Bylines,
    /// Sentence punctuation and title separators (`rules/text.toml`).
    pub text: Punctuation,
    /// The words dates are read by (`rules/dates.toml` `[read]`).
    pub dates: DateWords,
}

impl Rules {
    /// The embedded defaults only.
    pub fn defaults() -> Result<Rules> {
        Rules::from_layers(&Layers::embedded())
    }

    /// The defaults extended by the site's `<root>/rules/*.toml`.
    pub fn load(root: &Path) -> Result<Rules> {
        Rules::from_layers(&Layers::load(root)?)
    }

    /// The embedded defaults with these boilerplate and sources layers instead (tests).
    pub fn from_texts(boilerplate: &[(&str, &str)], sources: &[(&str, &str)]) -> Result<Rules> {
        let mut layers = Layers::embedded();
        layers.set("boilerplate.toml", boilerplate);
        layers.set("sources.toml", sources);
        Rules::from_layers(&layers)
    }

    /// Compiles every layer in order; later layers extend and override earlier ones.
    pub fn from_layers(layers: &Layers) -> Result<Rules> {
        let (boilerplate, html) = compile_boilerplate(layers)?;
        let text = layers.parse::<RawText>("text.toml")?;
        Ok(Rules {
            boilerplate,
            sources: compile_sources(layers)?,
            html,
            bylines: Bylines::from_layers(layers)?,
            text: Punctuation::from_layers(text.into_iter().map(|(_, t)| t).collect()),
            dates: DateWords::from_layers(layers)?,
        })
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.boilerplate.iter().find(|r| r.id == id)
    }

    pub fn source(&self, name: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.name == name)
    }
}

fn compile_boilerplate(layers: &Layers) -> Result<(Vec<Rule>, HtmlRules)> {
    let mut raw_rules: Vec<RawRule> = Vec::new();
    let mut raw_html = RawHtml::default();
    let mut html_file = "rules/boilerplate.toml";
    for (name, file) in layers.parse::<BoilerplateFile>("boilerplate.toml")? {
        if let Some(h) = file.html {
            html_file = name;
            raw_html.body = h.body.or(raw_html.body);
            raw_html.discard_tokens = h.discard_tokens.or(raw_html.discard_tokens);
            raw_html.discard_prefixes = h.discard_prefixes.or(raw_html.discard_prefixes);
            raw_html.positive_prefixes = h.positive_prefixes.or(raw_html.positive_prefixes);
            raw_html.negative_prefixes = h.negative_prefixes.or(raw_html.negative_prefixes);
            raw_html.byline_classes = h.byline_classes.or(raw_html.byline_classes);
            raw_html.byline_outside = h.byline_outside.or(raw_html.byline_outside);
            raw_html.anchor_words = h.anchor_words.or(raw_html.anchor_words);
            raw_html.updated_markers = h.updated_markers.or(raw_html.updated_markers);
        }
        for rule in file.rule {
            upsert(&mut raw_rules, rule, |a, b| a.id == b.id);
        }
    }
    let mut rules = Vec::new();
    for raw in raw_rules.into_iter().filter(|r| r.enabled) {
        rules.push(compile_rule(raw)?);
    }
    Ok((rules, compile_html(raw_html, html_file)?))
}

fn compile_sources(layers: &Layers) -> Result<Vec<Source>> {
    let mut raw_sources: Vec<RawSource> = Vec::new();
    for (_, file) in layers.parse::<SourcesFile>("sources.toml")? {
        for s in file.source {
            upsert(&mut raw_sources, s, |a, b| a.name == b.name);
        }
    }
    let names: BTreeMap<&str, ()> = raw_sources.iter().map(|s| (s.name.as_str(), ())).collect();
    let mut compiled = Vec::new();
    for s in &raw_sources {
        if let Some(p) = &s.parent
            && !names.contains_key(p.as_str())
        {
            bail!("source `{}` names an unknown parent `{p}`", s.name);
        }
        compiled.push(compile_source(s)?);
    }
    Ok(compiled)
}

/// A later file's entry replaces the earlier one it is `same` as, else it is added: how site
/// files extend the embedded rules and vocabularies.
pub fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match list.iter_mut().find(|e| same(e, &item)) {
        Some(existing) => *existing = item,
        None => list.push(item),
    }
}

fn compile_html(raw: RawHtml, file: &str) -> Result<HtmlRules> {
    let lower = |v: Option<Vec<String>>| -> Vec<String> {
        v.unwrap_or_default()
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect()
    };
    let mut body_tiers = Vec::new();
    for sel in raw.body.unwrap_or_default() {
        body_tiers.push(
            scraper::Selector::parse(&sel)
                .map_err(|e| anyhow::anyhow!("{file}: [html] body selector `{sel}`: {e}"))?,
        );
    }
    Ok(HtmlRules {
        body_tiers,
        discard_tokens: lower(raw.discard_tokens),
        discard_prefixes: lower(raw.discard_prefixes),
        positive_prefixes: lower(raw.positive_prefixes),
        negative_prefixes: lower(raw.negative_prefixes),
        byline_classes: lower(raw.byline_classes),
        byline_outside: lower(raw.byline_outside),
        anchor_words: lower(raw.anchor_words),
        updated_markers: lower(raw.updated_markers),
    })
}

fn compile_rule(raw: RawRule) -> Result<Rule> {
    let kind = raw
        .kind
        .with_context(|| format!("rule `{}` has no `kind`", raw.id))?;
    if raw.patterns.is_empty() {
        bail!("rule `{}` has no patterns", raw.id);
    }
    let mut patterns = Vec::new();
    for p in &raw.patterns {
        let src = match kind {
            RuleKind::Line | RuleKind::Section => format!("^(?:{p})$"),
            RuleKind::Contains | RuleKind::Cut => p.clone(),
        };
        patterns.push(
            Regex::new(&src).with_context(|| format!("rule `{}`: bad pattern `{p}`", raw.id))?,
        );
    }
    let group = raw
        .group
        .clone()
        .unwrap_or_else(|| raw.id.split('.').next().unwrap_or("").to_string());
    Ok(Rule {
        reason: raw.reason.or(raw.comment).unwrap_or_else(|| group.clone()),
        id: raw.id,
        group,
        kind,
        patterns,
        max_chars: raw.max_chars.unwrap_or(120),
        take_paragraphs: raw.take_paragraphs,
        examples: raw.examples,
    })
}

fn compile_source(s: &RawSource) -> Result<Source> {
    let mut alts = Vec::new();
    let mut domains = Vec::new();
    // Longest first: the regex takes the first alternative that matches (`Gate学院` over `Gate`).
    let mut names: Vec<&String> = std::iter::once(&s.name).chain(&s.aliases).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for name in names {
        alts.push(alias_pattern(name));
    }
    for d in &s.domains {
        let d = d.trim().to_ascii_lowercase();
        let (host, path) = d.split_once('/').unwrap_or((&d, ""));
        alts.push(alias_pattern(host));
        domains.push((host.to_string(), path.to_string()));
    }
    let src = alts.join("|");
    let pattern = Regex::new(&src).with_context(|| format!("source `{}`: bad alias", s.name))?;
    Ok(Source {
        name: s.name.clone(),
        parent: s.parent.clone(),
        pattern,
        domains,
    })
}

/// ASCII names match case-insensitively between ASCII word boundaries (so `OKX` matches in
/// `OKX学院` and `OKX.COM` but not in `OKXY`); other names match as written.
fn alias_pattern(alias: &str) -> String {
    let esc = regex::escape(alias.trim());
    let first_ascii = alias
        .trim()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let last_ascii = alias
        .trim()
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    format!(
        "(?i:{}{esc}{})",
        if first_ascii { "(?-u:\\b)" } else { "" },
        if last_ascii { "(?-u:\\b)" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_compile_and_ids_are_unique() {
        let rules = Rules::defaults().unwrap();
        let mut ids: Vec<&str> = rules.boilerplate.iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(n, ids.len(), "duplicate rule ids");
        assert!(rules.source("OKX").is_some());
    }

    #[test]
    fn every_default_rule_matches_its_examples() {
        let rules = Rules::defaults().unwrap();
        for rule in &rules.boilerplate {
            assert!(
                !rule.examples.is_empty(),
                "rule `{}` has no examples",
                rule.id
            );
            for ex in &rule.examples {
                assert!(
                    rule.find(ex).is_some(),
                    "rule `{}` does not match its example {ex:?}",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn site_rules_override_and_disable_defaults() {
        let site = r#"
[[rule]]
id = "share.toast"
enabled = false

[[rule]]
id = "site.banner"
kind = "line"
patterns = ["Our banner"]
"#;
        let rules = Rules::from_texts(
            &[
                ("default", layers::embedded("boilerplate.toml")),
                ("site", site),
            ],
            &[("default", layers::embedded("sources.toml"))],
        )
        .unwrap();
        assert!(rules.rule("share.toast").is_none());
        assert_eq!(
            rules.rule("site.banner").unwrap().find("Our banner"),
            Some(0)
        );
    }

    #[test]
    fn a_typo_in_a_site_file_is_located() {
        let err = Rules::from_texts(&[("site.toml", "[[rule]]\nidd = 1\n")], &[]).unwrap_err();
        assert!(err.to_string().starts_with("site.toml:2:1"), "{err}");
    }

    #[test]
    fn ascii_aliases_respect_word_boundaries() {
        let rules = Rules::defaults().unwrap();
        let okx = rules.source("OKX").unwrap();
        assert!(okx.pattern.is_match("OKEx学院仅提供信息参考"));
        assert!(okx.pattern.is_match("©2017 - 2024 OKX.COM"));
        assert!(!okx.pattern.is_match("ROKXY"));
    }
}
