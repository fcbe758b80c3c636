//! Re-tagging one Markdown file (`newsroom tag`): its title and body are tagged again and only
//! the two arrays in the `[taxonomies]` table are rewritten (with `toml_edit`); every other
//! byte of the file stays as it was. A curator's hand-set tags survive: `[extra]
//! pinned_companies` / `pinned_topics` are always kept (first), `excluded_companies` /
//! `excluded_topics` are never written. Pure: text in, text out (the command reads and writes).

use anyhow::{Context, Result, bail};

use super::{Document, Vocabulary};
use crate::content::FrontMatter;
use crate::content::front_matter::{Fence, split};

/// The keys in `[extra]` a curator uses to pin or exclude tags.
pub const PIN_KEYS: [(&str, &str, &str); 2] = [
    ("companies", "pinned_companies", "excluded_companies"),
    ("topics", "pinned_topics", "excluded_topics"),
];

/// The new tags of one file, and the file with them (`None`: nothing changes).
#[derive(Debug, Clone, PartialEq)]
pub struct Retagged {
    /// (taxonomy, old terms, new terms) for each taxonomy that changes.
    pub changes: Vec<(String, Vec<String>, Vec<String>)>,
    pub content: Option<String>,
    /// Scores behind the tags (see [`super::explain`]).
    pub explain: Vec<String>,
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Recomputes the tags of one file's text. Pure: parse, tag, edit in memory.
pub fn retag(text: &str, vocab: &Vocabulary) -> Result<Retagged> {
    let s = split(text).map_err(|e| anyhow::anyhow!("{e}"))?;
    if s.fence != Fence::Toml {
        bail!("only `+++` TOML front matter can be re-tagged");
    }
    let (fm, body) = FrontMatter::parse(text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let parts = super::markdown::parts(&fm.title, body);
    let doc = Document {
        parts: parts.iter().map(|(p, t)| (*p, t.as_str())).collect(),
        source: fm.extra.source.as_deref(),
    };
    let tags = super::tag(&doc, vocab);
    let explain = super::explain(&doc, vocab);
    let mut new = Vec::new();
    let mut changes = Vec::new();
    for ((tax, pin, ex), computed) in PIN_KEYS.iter().zip([&tags.companies, &tags.topics]) {
        let pinned = strings(fm.extra.rest.get(*pin));
        let excluded = strings(fm.extra.rest.get(*ex));
        let terms = super::apply_pins(computed, &pinned, &excluded);
        let old = fm.taxonomies.get(*tax).cloned().unwrap_or_default();
        if old != terms {
            changes.push((tax.to_string(), old, terms.clone()));
        }
        new.push((*tax, terms));
    }
    if changes.is_empty() {
        return Ok(Retagged {
            changes,
            content: None,
            explain,
        });
    }
    let start = s.front_matter.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + s.front_matter.len();
    let edited = set_taxonomies(s.front_matter, &new)?;
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    out.push_str(&edited);
    out.push_str(&text[end..]);
    Ok(Retagged {
        changes,
        content: Some(out),
        explain,
    })
}

/// Sets `[taxonomies] name = [...]` in a TOML text, touching nothing else: an unchanged array
/// keeps its bytes, a changed one keeps its key and surrounding whitespace and comments.
pub fn set_taxonomies(front_matter: &str, terms: &[(&str, Vec<String>)]) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = front_matter
        .parse()
        .context("front matter is not valid TOML")?;
    let tax = doc
        .entry("taxonomies")
        .or_insert_with(toml_edit::table)
        .as_table_like_mut()
        .context("`taxonomies` is not a table")?;
    for (name, values) in terms {
        let same = tax.get(name).and_then(|i| i.as_array()).is_some_and(|a| {
            a.iter().map(|v| v.as_str()).collect::<Vec<_>>()
                == values.iter().map(|v| Some(v.as_str())).collect::<Vec<_>>()
        });
        if same {
            continue;
        }
        let mut array: toml_edit::Array = values.iter().map(String::as_str).collect();
        match tax.get_mut(name).and_then(|i| i.as_value_mut()) {
            Some(v) => {
                let decor = v.decor().clone();
                *array.decor_mut() = decor;
                *v = toml_edit::Value::Array(array);
            }
            None => {
                tax.insert(name, toml_edit::value(array));
            }
        }
    }
    Ok(doc.to_string())
}
