//! The interface's words by language: data in `rules/ui.toml` (embedded default, then the
//! site's own file on top, string by string). Templates get every table as the global `ui`
//! and pick one with a page's [`Strings::key`]; this module knows nothing of templates.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;

/// Language key → string key → text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Strings {
    tables: BTreeMap<String, BTreeMap<String, String>>,
}

/// The language every other one falls back to, and whose keys every table must have.
const FALLBACK: &str = "en";

impl Default for Strings {
    fn default() -> Strings {
        Strings::from_texts(&[(
            "rules/ui.toml (embedded)",
            crate::rules::layers::embedded("ui.toml"),
        )])
        .expect("the embedded rules/ui.toml parses")
    }
}

impl Strings {
    /// The layers of `rules/ui.toml` (the embedded default, then the site's).
    pub fn from_layers(layers: &crate::rules::Layers) -> Result<Strings> {
        Strings::from_texts(&layers.texts("ui.toml"))
    }

    /// Parses the files in order; a later file's strings replace earlier ones one by one.
    pub fn from_texts(files: &[(&str, &str)]) -> Result<Strings> {
        let mut tables: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (name, text) in files {
            let f: BTreeMap<String, BTreeMap<String, String>> =
                crate::diag::parse_toml(name, text)?;
            for (lang, table) in f {
                tables.entry(lang).or_default().extend(table);
            }
        }
        let Some(base) = tables.get(FALLBACK) else {
            bail!(
                "rules/ui.toml: there is no `[{FALLBACK}]` table (every language falls back to it)"
            );
        };
        for (lang, table) in &tables {
            let missing: Vec<&str> = base
                .keys()
                .filter(|k| !table.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                bail!(
                    "rules/ui.toml: `[{lang}]` lacks {} (every language has every key of `[{FALLBACK}]`)",
                    missing.join(", ")
                );
            }
        }
        Ok(Strings { tables })
    }

    /// The table for `lang`: the longest key that is a prefix of it at a `-` boundary
    /// (`zh` for `zh-CN`), else `en`.
    pub fn key<'a>(&'a self, lang: &str) -> &'a str {
        let lang = lang.to_ascii_lowercase();
        self.tables
            .keys()
            .filter(|k| {
                let k = k.to_ascii_lowercase();
                lang == k
                    || lang
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with(['-', '_']))
            })
            .max_by_key(|k| k.len())
            .map_or(FALLBACK, String::as_str)
    }

    /// The whole table for `lang` (see [`Strings::key`]).
    pub fn table(&self, lang: &str) -> &BTreeMap<String, String> {
        &self.tables[self.key(lang)]
    }

    /// One string of `lang`'s table.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.tables
            .get(self.key(lang))
            .and_then(|t| t.get(key))
            .map(String::as_str)
    }

    /// Every language's value of `key` (for tests that look for a language's words on
    /// another's pages).
    pub fn all(&self, key: &str) -> impl Iterator<Item = (&str, &str)> {
        self.tables
            .iter()
            .filter_map(move |(l, t)| Some((l.as_str(), t.get(key)?.as_str())))
    }

    /// Every key of the fallback table.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.tables[FALLBACK].keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_picks_its_longest_prefix_and_falls_back_to_english() {
        let s = Strings::default();
        assert_eq!(s.key("zh"), "zh");
        assert_eq!(s.key("zh-CN"), "zh");
        assert_eq!(s.key("zh_TW"), "zh");
        assert_eq!(s.key("en-GB"), "en");
        assert_eq!(s.key("de"), "en");
        // `zhx` is not Chinese.
        assert_eq!(s.key("zhx"), "en");
        assert_eq!(s.get("zh-CN", "latest"), Some("最新"));
    }

    #[test]
    fn a_site_file_replaces_single_strings_and_must_be_complete() {
        let base = crate::rules::layers::embedded("ui.toml");
        let s = Strings::from_texts(&[("d", base), ("site", "[zh]\nlatest = \"要闻\"\n")]).unwrap();
        assert_eq!(s.get("zh", "latest"), Some("要闻"));
        assert_eq!(s.get("zh", "search"), Some("搜索"));
        let err = Strings::from_texts(&[("d", base), ("site", "[fr]\nlatest = \"À la une\"\n")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`[fr]` lacks") && err.contains("search"),
            "{err}"
        );
    }
}
