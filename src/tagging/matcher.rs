//! One aho-corasick automaton (leftmost-longest) over every company alias and topic keyword,
//! run on a folded copy of the text: NFKC (full-width letters and punctuation become ASCII),
//! Traditional Chinese characters as Simplified, lower case, whitespace runs as one space. The folded copy is for matching only; a byte map
//! leads back to the original, where case-sensitive aliases are compared as written.
//!
//! ASCII aliases match only between ASCII word boundaries: `AI` matches in `用AI做` and
//! `AI-powered` but not in `said` or `OpenAI`. Han text has no spaces, so no boundary is needed
//! next to a non-ASCII character.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use anyhow::{Context, Result};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// What to do with a guarded alias at the start of a sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SentenceStart {
    /// Counts like anywhere else.
    #[default]
    Ok,
    /// Counts only when the company has other mentions ("Apple pie…", "Zoom in…").
    NeedsEvidence,
}

/// How an ambiguous alias is kept from matching the ordinary word.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guard {
    pub case_sensitive: bool,
    /// At least one of these (any case) within `window` characters of the mention.
    pub context: Vec<String>,
    pub window: usize,
    /// Other mentions the company needs for this one to count.
    pub min_other: usize,
    pub sentence_start: SentenceStart,
}

/// What a pattern means.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Company {
        index: usize,
        /// A product, unit or person standing for the company.
        product: bool,
        guard: Guard,
    },
    Topic {
        index: usize,
        weight: f64,
    },
}

#[derive(Debug, Clone)]
struct Pattern {
    /// NFKC with whitespace collapsed, case as written: compared for case-sensitive targets.
    exact: String,
    /// All-capital ASCII of up to five letters (`AI`, `EV`, `SEC`): matches only in capitals.
    capitals: bool,
    ascii_start: bool,
    ascii_end: bool,
    targets: Vec<Target>,
}

/// The compiled automaton and what each pattern means.
#[derive(Debug, Clone)]
pub struct Matcher {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
    sentence: SentenceMarks,
}

/// What marks a sentence's start (`rules/tagging.toml` `[sentence_start]`), folded like the
/// text it is compared with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceMarks {
    /// May stand between the sentence's beginning and a mention (quotes, brackets, space).
    pub skip: Vec<char>,
    /// End the sentence before.
    pub ends: Vec<char>,
}

impl SentenceMarks {
    /// Each mark as the folded text has it (NFKC, lower case, white space as one space).
    pub fn new(skip: &str, ends: &str) -> SentenceMarks {
        let folded = |marks: &str| -> Vec<char> {
            let mut out: Vec<char> = Vec::new();
            for c in marks.chars() {
                for d in std::iter::once(c).nfkc().map(super::hans::simplify) {
                    let d = if d.is_whitespace() { ' ' } else { d };
                    for l in d.to_lowercase() {
                        if !out.contains(&l) {
                            out.push(l);
                        }
                    }
                }
            }
            out
        };
        SentenceMarks {
            skip: folded(skip),
            ends: folded(ends),
        }
    }
}

/// A folded copy of a text and, per folded byte, the byte offset of its source character.
#[derive(Debug, Clone)]
pub struct Folded<'a> {
    pub original: &'a str,
    pub text: String,
    map: Vec<usize>,
}

impl<'a> Folded<'a> {
    pub fn new(original: &'a str) -> Folded<'a> {
        let mut text = String::with_capacity(original.len());
        let mut map = Vec::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            for d in std::iter::once(c).nfkc().map(super::hans::simplify) {
                if d.is_whitespace() {
                    if !text.is_empty() && !text.ends_with(' ') {
                        text.push(' ');
                        map.push(i);
                    }
                    continue;
                }
                for l in d.to_lowercase() {
                    let before = text.len();
                    text.push(l);
                    map.extend(std::iter::repeat_n(i, text.len() - before));
                }
            }
        }
        Folded {
            original,
            text,
            map,
        }
    }

    /// The original text of a folded span.
    pub fn original_span(&self, start: usize, end: usize) -> &'a str {
        let s = self.map.get(start).copied().unwrap_or(self.original.len());
        let e = self.map.get(end).copied().unwrap_or(self.original.len());
        &self.original[s..e.max(s)]
    }
}

/// NFKC with whitespace runs as one space, case kept.
fn exact(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().nfkc() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The folded form of an alias or context word.
pub fn fold(s: &str) -> String {
    Folded::new(s.trim()).text
}

/// One accepted mention.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'m> {
    pub target: &'m Target,
    /// Which pattern matched (one per distinct folded alias or keyword).
    pub pattern: usize,
    /// Byte offset in the folded text.
    pub start: usize,
    pub end: usize,
    /// Other mentions of the company this one needs (0: counts on its own).
    pub needs: usize,
}

fn is_word(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric())
}

impl Matcher {
    pub fn new(targets: Vec<(String, Target)>, sentence: SentenceMarks) -> Result<Matcher> {
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for (alias, target) in targets {
            let key = fold(&alias);
            if key.is_empty() {
                continue;
            }
            let target = match target {
                Target::Company {
                    index,
                    product,
                    mut guard,
                } => {
                    guard.context = guard.context.iter().map(|w| fold(w)).collect();
                    Target::Company {
                        index,
                        product,
                        guard,
                    }
                }
                t => t,
            };
            if let Some(&i) = by_key.get(&key) {
                // Two spellings that fold alike (台積電 / 台积电) are one alias, counted once.
                let same = |t: &Target| match (t, &target) {
                    (Target::Company { index: a, .. }, Target::Company { index: b, .. }) => a == b,
                    (Target::Topic { index: a, .. }, Target::Topic { index: b, .. }) => a == b,
                    _ => false,
                };
                if !patterns[i].targets.iter().any(same) {
                    patterns[i].targets.push(target);
                }
                continue;
            }
            let ex = exact(&alias);
            let letters = ex.chars().filter(char::is_ascii_alphabetic).count();
            patterns.push(Pattern {
                capitals: ex.len() <= 5
                    && letters >= 2
                    && ex
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                ascii_start: key.as_bytes()[0].is_ascii_alphanumeric(),
                ascii_end: key.as_bytes()[key.len() - 1].is_ascii_alphanumeric(),
                exact: ex,
                targets: vec![target],
            });
            by_key.insert(key.clone(), patterns.len() - 1);
            keys.push(key);
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&keys)
            .context("cannot compile the tagging vocabulary")?;
        Ok(Matcher {
            ac,
            patterns,
            sentence,
        })
    }

    /// Every accepted mention in one folded block of text, in order.
    pub fn find<'m>(&'m self, f: &Folded<'_>) -> Vec<Hit<'m>> {
        let bytes = f.text.as_bytes();
        let mut hits = Vec::new();
        for m in self.ac.find_iter(&f.text) {
            let pattern = m.pattern().as_usize();
            let p = &self.patterns[pattern];
            let (start, end) = (m.start(), m.end());
            if p.ascii_start && start > 0 && is_word(bytes.get(start - 1)) {
                continue;
            }
            let exact_end = !(p.ascii_end && is_word(bytes.get(end)));
            // A plural `s` after an English keyword ("chips", "EVs"); companies need the exact name.
            let plural_end = p.ascii_end
                && p.exact.ends_with(|c: char| c.is_ascii_alphabetic())
                && bytes.get(end) == Some(&b's')
                && !is_word(bytes.get(end + 1));
            if !exact_end && !plural_end {
                continue;
            }
            let as_written = || exact(f.original_span(start, end)) == p.exact;
            for t in &p.targets {
                let (guard, plural_ok) = match t {
                    Target::Company { guard, .. } => (Some(guard), false),
                    Target::Topic { .. } => (None, true),
                };
                if !exact_end && !plural_ok {
                    continue;
                }
                let case_sensitive = p.capitals || guard.is_some_and(|g| g.case_sensitive);
                if case_sensitive && !as_written() {
                    continue;
                }
                let mut needs = 0;
                if let Some(g) = guard {
                    if !g.context.is_empty() && !near(&f.text, start, end, g.window, &g.context) {
                        continue;
                    }
                    needs = g.min_other;
                    if g.sentence_start == SentenceStart::NeedsEvidence
                        && self.sentence.at_start(&f.text, start)
                    {
                        needs = needs.max(1);
                    }
                }
                hits.push(Hit {
                    target: t,
                    pattern,
                    start,
                    end,
                    needs,
                });
            }
        }
        hits
    }
}

/// Whether one of `words` occurs within `window` characters around `start..end`.
fn near(text: &str, start: usize, end: usize, window: usize, words: &[String]) -> bool {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(window.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(window)
        .map_or(text.len(), |(i, _)| end + i);
    let around = [&text[from..start], &text[end..to]];
    words
        .iter()
        .any(|w| around.iter().any(|part| part.contains(w.as_str())))
}

impl SentenceMarks {
    /// Nothing but `skip` marks between the start of the text or an `ends` mark and `start`.
    fn at_start(&self, text: &str, start: usize) -> bool {
        for c in text[..start].chars().rev() {
            if self.skip.contains(&c) {
                continue;
            }
            return self.ends.contains(&c);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(i: usize) -> Target {
        Target::Topic {
            index: i,
            weight: 1.0,
        }
    }

    fn found(m: &Matcher, text: &str) -> Vec<String> {
        let f = Folded::new(text);
        m.find(&f)
            .iter()
            .map(|h| f.original_span(h.start, h.end).to_string())
            .collect()
    }

    #[test]
    fn folding_maps_back_to_the_original() {
        let f = Folded::new("ＯｐｅｎＡＩ发布  GPT");
        assert_eq!(f.text, "openai发布 gpt");
        assert_eq!(f.original_span(0, 6), "ＯｐｅｎＡＩ");
        assert_eq!(f.original_span(13, 16), "GPT");
    }

    #[test]
    fn ascii_word_boundaries() {
        let targets = vec![("AI".into(), topic(0)), ("OpenAI".into(), topic(1))];
        let m = Matcher::new(targets, SentenceMarks::default()).unwrap();
        assert_eq!(found(&m, "he said"), Vec::<String>::new());
        assert_eq!(found(&m, "用AI做新闻"), ["AI"]);
        assert_eq!(
            found(&m, "OpenAI and AI-powered AIs"),
            ["OpenAI", "AI", "AI"]
        );
        assert_eq!(found(&m, "ＡＩ芯片"), ["ＡＩ"]);
        // All-capital short keywords match only in capitals.
        assert_eq!(found(&m, "ai weiwei"), Vec::<String>::new());
    }
}
