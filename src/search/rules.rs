//! What search reads from `rules/search.toml`: the embedded default, then the site's own file
//! on top (its stop words are added to ours).

use anyhow::Result;
use rustc_hash::FxHashSet;
use serde::Deserialize;

const DEFAULT_SEARCH: &str = include_str!("../../rules/search.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFile {
    #[serde(default)]
    stop_words: Vec<String>,
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

/// The search rules of a site.
#[derive(Debug, Clone)]
pub struct SearchRules {
    pub stop_words: StopWords,
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

    /// Parses the files in order; later files add stop words.
    pub fn from_texts(files: &[(&str, &str)]) -> Result<SearchRules> {
        let mut words = Vec::new();
        for (name, text) in files {
            let f: SearchFile = crate::diag::parse_toml(name, text)?;
            words.extend(f.stop_words);
        }
        Ok(SearchRules {
            stop_words: StopWords::new(words),
        })
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
}
