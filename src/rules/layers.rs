//! The one loader of every data file in `rules/`: the embedded default first, then the site's
//! own `<root>/rules/<same name>` on top. What "on top" means is the file's own business (a
//! later entry replaces the earlier one with the same key, see [`upsert`](super::upsert)); this
//! module only finds, reads and parses the layers, and names the file and line of a typo.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::de::DeserializeOwned;

/// Every data file with its embedded default. A site may put a file of the same name in its
/// own `rules/`.
pub const FILES: &[(&str, &str)] = &[
    (
        "boilerplate.toml",
        include_str!("../../rules/boilerplate.toml"),
    ),
    ("sources.toml", include_str!("../../rules/sources.toml")),
    ("companies.toml", include_str!("../../rules/companies.toml")),
    ("topics.toml", include_str!("../../rules/topics.toml")),
    ("bylines.toml", include_str!("../../rules/bylines.toml")),
    ("text.toml", include_str!("../../rules/text.toml")),
    ("dates.toml", include_str!("../../rules/dates.toml")),
    ("search.toml", include_str!("../../rules/search.toml")),
    ("tagging.toml", include_str!("../../rules/tagging.toml")),
    ("ui.toml", include_str!("../../rules/ui.toml")),
];

/// The embedded default of one data file.
pub fn embedded(file: &str) -> &'static str {
    FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no embedded rules file `{file}`"))
}

/// The text layers of every data file, in the order they apply.
#[derive(Debug, Clone)]
pub struct Layers {
    /// File name → (name shown in messages, text), default first.
    by_file: BTreeMap<&'static str, Vec<(String, String)>>,
}

impl Layers {
    /// The embedded defaults only.
    pub fn embedded() -> Layers {
        let by_file = FILES
            .iter()
            .map(|(file, text)| {
                (
                    *file,
                    vec![(format!("rules/{file} (embedded)"), text.to_string())],
                )
            })
            .collect();
        Layers { by_file }
    }

    /// The defaults, each extended by `<root>/rules/<name>` when the site has one.
    pub fn load(root: &Path) -> Result<Layers> {
        let mut layers = Layers::embedded();
        for (file, _) in FILES {
            let path = root.join("rules").join(file);
            if path.is_file() {
                let text = crate::fsx::read_to_string(&path)?;
                layers.push(file, &path.display().to_string(), &text);
            }
        }
        Ok(layers)
    }

    /// Adds a layer on top of `file` (a site file given as text, in tests).
    pub fn push(&mut self, file: &str, name: &str, text: &str) {
        self.list(file).push((name.to_string(), text.to_string()));
    }

    /// Replaces every layer of `file` with these.
    pub fn set(&mut self, file: &str, texts: &[(&str, &str)]) {
        *self.list(file) = texts
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
    }

    fn list(&mut self, file: &str) -> &mut Vec<(String, String)> {
        let key = FILES
            .iter()
            .map(|(f, _)| *f)
            .find(|f| *f == file)
            .unwrap_or_else(|| panic!("no rules file `{file}`"));
        self.by_file.entry(key).or_default()
    }

    /// Each layer of `file` as (name shown in messages, text), default first.
    pub fn texts(&self, file: &str) -> Vec<(&str, &str)> {
        self.by_file
            .get(file)
            .into_iter()
            .flatten()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect()
    }

    /// Each layer of `file` parsed, default first; a typo is reported as `file:line:col`.
    pub fn parse<T: DeserializeOwned>(&self, file: &str) -> Result<Vec<(&str, T)>> {
        let mut out = Vec::new();
        for (name, text) in self.by_file.get(file).into_iter().flatten() {
            out.push((name.as_str(), crate::diag::parse_toml(name, text)?));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_parses_as_toml() {
        for (file, text) in FILES {
            let parsed: Result<toml::Table> = crate::diag::parse_toml(file, text);
            assert!(parsed.is_ok(), "{file}: {parsed:?}");
        }
    }

    #[test]
    fn a_site_file_comes_after_the_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("rules/text.toml"), "# site\n").unwrap();
        let layers = Layers::load(dir.path()).unwrap();
        let texts: Vec<(&str, toml::Table)> = layers.parse("text.toml").unwrap();
        assert_eq!(texts.len(), 2);
        assert!(texts[0].0.contains("embedded"));
        assert!(texts[1].0.ends_with("text.toml"));
        assert_eq!(
            layers.parse::<toml::Table>("sources.toml").unwrap().len(),
            1
        );
    }
}
