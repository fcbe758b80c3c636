//! `newsroom tag [PATHS] [--dry-run]`: recomputes `[taxonomies] companies` and `topics` of
//! Markdown files that already exist (after the vocabulary changed). Here: finding the files,
//! reading, printing and writing; what a file becomes is [`crate::tagging::retag`]. A file
//! whose tags do not change is not touched.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::TagArgs;
use crate::tagging::{Vocabulary, retag::retag};

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
            crate::fsx::write_atomic(&path, &content)?;
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
