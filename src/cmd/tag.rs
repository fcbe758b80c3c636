//! `newsroom tag [PATHS] [--dry-run]`: recomputes `[taxonomies] companies` and `topics` of
//! Markdown files that already exist (after the vocabulary changed), from the title and the body.
//!
//! Only the two arrays in the `[taxonomies]` table are rewritten (with `toml_edit`); every other
//! byte of the file stays as it was. A curator's hand-set tags survive: `[extra]
//! pinned_companies` / `pinned_topics` are always kept (first), `excluded_companies` /
//! `excluded_topics` are never written. A file whose tags do not change is not touched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::TagArgs;
use crate::content::FrontMatter;
use crate::content::front_matter::{Fence, split};
use crate::tagging::{self, Document, Vocabulary};

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
    /// Scores behind the tags (see [`tagging::explain`]).
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
    let parts = tagging::markdown::parts(&fm.title, body);
    let doc = Document {
        parts: parts.iter().map(|(p, t)| (*p, t.as_str())).collect(),
        source: fm.extra.source.as_deref(),
    };
    let tags = tagging::tag(&doc, vocab);
    let explain = tagging::explain(&doc, vocab);
    let mut new = Vec::new();
    let mut changes = Vec::new();
    for ((tax, pin, ex), computed) in PIN_KEYS.iter().zip([&tags.companies, &tags.topics]) {
        let pinned = strings(fm.extra.rest.get(*pin));
        let excluded = strings(fm.extra.rest.get(*ex));
        let terms = tagging::apply_pins(computed, &pinned, &excluded);
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

fn markdown_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
                .flatten()
            {
                let name = e.file_name().to_string_lossy();
                // `_index.md` describes a section, not an article.
                if e.file_type().is_file() && name.ends_with(".md") && !name.starts_with('_') {
                    out.push(e.into_path());
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn show(terms: &[String]) -> String {
    format!("{terms:?}")
}

pub fn run(root: &Path, args: &TagArgs) -> Result<ExitCode> {
    let vocab = Vocabulary::load(root)?;
    let paths = if args.paths.is_empty() {
        vec![root.join("content")]
    } else {
        args.paths.clone()
    };
    let (mut changed, mut unchanged, mut failed) = (0, 0, 0);
    for path in markdown_files(&paths) {
        let result = crate::fsx::read_to_string(&path)
            .and_then(|text| retag(&text, &vocab).with_context(|| format!("`{}`", path.display())));
        let r = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e:#}");
                failed += 1;
                continue;
            }
        };
        if args.explain {
            eprintln!("explain: {}", path.display());
            for line in &r.explain {
                eprintln!("  {line}");
            }
        }
        let Some(content) = r.content else {
            unchanged += 1;
            continue;
        };
        let verb = if args.dry_run {
            "would retag"
        } else {
            "retagged"
        };
        eprintln!("{verb} {}", path.display());
        for (tax, old, new) in &r.changes {
            eprintln!("  {tax}: {} → {}", show(old), show(new));
        }
        if !args.dry_run {
            let tmp = path.with_extension("md.tmp");
            crate::fsx::write(&tmp, &content)?;
            crate::fsx::rename(&tmp, &path)?;
        }
        changed += 1;
    }
    eprintln!(
        "{} {changed}, unchanged {unchanged}, failed {failed}{}",
        if args.dry_run {
            "would retag"
        } else {
            "retagged"
        },
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
