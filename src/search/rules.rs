//! What search reads from `rules/search.toml`: the embedded default, then the site's own file
//! on top (its stop words are added to ours; its plural rules replace ours by `ending`).
//! Both travel to the browser in `search/meta.json`, and the Rust query engine reads them back
//! from there too, so a query is tokenized as the index was.

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

const DEFAULT_SEARCH: &str = include_str!("../../rules/search.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFile {
    #[serde(default)]
    stop_words: Vec<String>,
    #[serde(default)]
    plural: Vec<PluralRule>,
}

/// One plural ending (`[[plural]]` in `rules/search.toml`, and `plural_endings` in
/// `meta.json`): see the comment there for what the fields do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluralRule {
    pub ending: String,
    /// What comes before the ending must end with one of these (any, when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Shortest word, in characters, the rule applies to.
    #[serde(default)]
    pub min_chars: usize,
    /// Put in place of the ending.
    #[serde(default)]
    pub becomes: String,
    /// The word stays as it is (`status` is not a plural of `statu`).
    #[serde(default)]
    pub keep: bool,
}

impl PluralRule {
    fn lowercased(self) -> PluralRule {
        let lower = |s: &str| s.trim().to_lowercase();
        PluralRule {
            ending: lower(&self.ending),
            after: self.after.iter().map(|a| lower(a)).collect(),
            becomes: lower(&self.becomes),
            ..self
        }
    }

    /// Why the rule cannot be used, if it cannot.
    fn problem(&self) -> Option<&'static str> {
        if self.ending.is_empty() {
            Some("`ending` is empty")
        } else if self.keep && !self.becomes.is_empty() {
            Some("`keep = true` and `becomes` contradict each other")
        } else if !self.keep && self.min_chars <= self.ending.chars().count() {
            Some("`min_chars` must be longer than the ending, or a word could fold to nothing")
        } else {
            None
        }
    }
}

/// The plural rules, longest ending first: the order the tokenizer tries them in
/// (`tokenize::fold_plural`), and the order `meta.json` lists them in for the browser.
#[derive(Debug, Clone, Default)]
pub struct Plurals {
    rules: Vec<PluralRule>,
}

impl Plurals {
    /// The rules a built index lists in its `meta.json`.
    pub fn from_list(rules: &[PluralRule]) -> Plurals {
        let mut rules: Vec<PluralRule> =
            rules.iter().cloned().map(PluralRule::lowercased).collect();
        rules.sort_by_key(|r| std::cmp::Reverse(r.ending.chars().count()));
        Plurals { rules }
    }

    /// Longest ending first.
    pub fn rules(&self) -> &[PluralRule] {
        &self.rules
    }
}

/// Words too common to index, in file order (as `meta.json` lists them) and as a set.
#[derive(Debug, Clone)]
pub struct StopWords {
    list: Vec<String>,
    set: FxHashSet<String>,
}

impl StopWords {
    fn new(words: impl IntoIterator<Item = String>) -> StopWords {
        let mut s = StopWords {
            list: Vec::new(),
            set: FxHashSet::default(),
        };
        for w in words {
            let w = w.trim().to_lowercase();
            if !w.is_empty() && s.set.insert(w.clone()) {
                s.list.push(w);
            }
        }
        s
    }

    /// The stop words a built index lists in its `meta.json`.
    pub fn from_list(words: &[String]) -> StopWords {
        StopWords::new(words.iter().cloned())
    }

    pub fn contains(&self, word: &str) -> bool {
        self.set.contains(word)
    }

    /// The words, for `meta.json`.
    pub fn list(&self) -> &[String] {
        &self.list
    }
}

impl Default for StopWords {
    fn default() -> StopWords {
        SearchRules::default().stop_words
    }
}

/// The search rules of a site: what the tokenizer reads besides the text.
#[derive(Debug, Clone)]
pub struct SearchRules {
    pub stop_words: StopWords,
    pub plurals: Plurals,
}

impl Default for SearchRules {
    fn default() -> SearchRules {
        SearchRules::from_texts(&[("rules/search.toml (embedded)", DEFAULT_SEARCH)])
            .expect("the embedded rules/search.toml parses")
    }
}

impl SearchRules {
    /// Compiled from the layers of `rules/search.toml` (the embedded default, then the site's).
    pub fn from_layers(layers: &crate::rules::Layers) -> Result<SearchRules> {
        SearchRules::from_texts(&layers.texts("search.toml"))
    }

    /// Parses the files in order; later files add stop words and replace plural rules with
    /// the same ending (a new ending is added).
    pub fn from_texts(files: &[(&str, &str)]) -> Result<SearchRules> {
        let mut words = Vec::new();
        let mut plurals: Vec<PluralRule> = Vec::new();
        for (name, text) in files {
            let f: SearchFile = crate::diag::parse_toml(name, text)?;
            words.extend(f.stop_words);
            for rule in f.plural {
                let rule = rule.lowercased();
                if let Some(why) = rule.problem() {
                    let at = crate::diag::line_of(text, &format!("\"{}\"", rule.ending))
                        .map_or(String::new(), |l| format!(":{l}"));
                    bail!("{name}{at}: plural ending `{}`: {why}", rule.ending);
                }
                crate::rules::upsert(&mut plurals, rule, |a, b| a.ending == b.ending);
            }
        }
        Ok(SearchRules {
            stop_words: StopWords::new(words),
            plurals: Plurals::from_list(&plurals),
        })
    }

    /// The rules a built index was made with, as its `meta.json` lists them.
    pub fn from_lists(stop_words: &[String], plurals: &[PluralRule]) -> SearchRules {
        SearchRules {
            stop_words: StopWords::from_list(stop_words),
            plurals: Plurals::from_list(plurals),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_file_adds_stop_words() {
        let r = SearchRules::from_texts(&[
            ("default", DEFAULT_SEARCH),
            ("site", "stop_words = [\"Reportedly\", \"the\"]\n"),
        ])
        .unwrap();
        assert!(r.stop_words.contains("the") && r.stop_words.contains("reportedly"));
        assert_eq!(
            r.stop_words.list().last().map(String::as_str),
            Some("reportedly")
        );
        assert_eq!(
            r.stop_words.list().len(),
            SearchRules::default().stop_words.list().len() + 1
        );
        assert!(SearchRules::from_texts(&[("site", "stopwords = []\n")]).is_err());
    }

    #[test]
    fn a_site_plural_rule_replaces_ours_by_ending_and_a_bad_one_names_its_line() {
        let default = SearchRules::default().plurals;
        let r = SearchRules::from_texts(&[
            ("default", DEFAULT_SEARCH),
            ("site", "[[plural]]\nending = \"S\"\nkeep = true\n\n[[plural]]\nending = \"en\"\nmin_chars = 5\n"),
        ])
        .unwrap();
        assert_eq!(r.plurals.rules().len(), default.rules().len() + 1);
        let s = r.plurals.rules().iter().find(|p| p.ending == "s").unwrap();
        assert!(s.keep);
        let lens: Vec<usize> = r.plurals.rules().iter().map(|p| p.ending.len()).collect();
        assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");

        let e = SearchRules::from_texts(&[("site.toml", "\n[[plural]]\nending = \"en\"\n")])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("site.toml:3: plural ending `en`: `min_chars`"),
            "{e}"
        );
    }
}
