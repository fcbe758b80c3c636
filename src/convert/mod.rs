//! `newsroom convert`: scraped article → [`article::Article`] → Markdown file with front matter.
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
//! matter, file name). Rules data: `crate::rules`.
//!
//! Output streams: stdout carries only Markdown (`--dry-run`; several inputs are printed one
//! after the other); per-file status lines, the `--explain` report (every dropped block or cut
//! tail with its line, rule id, reason and text) and the summary line (`converted N, unchanged
//! N, skipped N (exists), failed N`) go to stderr. An existing file is never overwritten
//! without `--force`; when it records the same `extra.input_hash` the input is reported
//! `unchanged` (and a curator's edits stay). One bad input does not stop the batch; the exit
//! status is non-zero when any input failed. Analysis runs in parallel; reporting and writing
//! run in input order, so output is deterministic.

pub mod article;
pub mod blocks;
pub mod boilerplate;
pub mod headings;
pub mod html;
pub mod input;
pub mod metadata;
pub mod model;
pub mod normalize;
pub mod write;

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use rayon::prelude::*;

use crate::cli::ConvertArgs;
use crate::content::FrontMatter;
use crate::rules::Rules;
use input::{Kind, Origin};

/// Deeper HTML is refused: parsing it takes time quadratic in the depth.
const MAX_NESTING: usize = 8_000;

/// File extensions taken when a directory is given.
const INPUT_EXTENSIONS: &[&str] = &["txt", "text", "html", "htm"];

/// One input after analysis, before anything is written.
struct Prepared {
    origin: Origin,
    result: std::result::Result<Ready, String>,
}

struct Ready {
    rendered: write::Rendered,
    hash: String,
    explain: Vec<String>,
    warnings: Vec<String>,
}

#[derive(Default)]
struct Tally {
    converted: usize,
    unchanged: usize,
    skipped: usize,
    failed: usize,
}

pub fn run(root: &Path, args: &ConvertArgs) -> Result<ExitCode> {
    let rules = Rules::load(root)?;
    let vocab = crate::tagging::Vocabulary::load(root)?;
    let out_dir = args.out.clone().unwrap_or_else(|| root.join("content"));
    let mut tally = Tally::default();
    let mut origins = Vec::new();
    for (origin, err) in expand_inputs(&args.inputs) {
        match err {
            None => origins.push(origin),
            Some(e) => {
                eprintln!("error: {origin}: {e}");
                tally.failed += 1;
            }
        }
    }
    let opts = article::Options {
        url: args.url.clone(),
        source: args.source.clone(),
        lang: args.lang.clone(),
    };
    let style = write::Style {
        keep_punctuation: args.keep_punctuation,
    };
    let prepared: Vec<Prepared> = origins
        .into_par_iter()
        .map(|origin| {
            // A bug on one hostile page must not take the batch down: it becomes that file's error.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                prepare(&origin, args, &rules, &vocab, &opts, style)
            }))
            .unwrap_or_else(|_| {
                Err(
                    "internal error while converting (a bug: please report it with this file)"
                        .into(),
                )
            });
            Prepared { origin, result }
        })
        .collect();

    let progress = prepared.len() > 1 && std::io::stderr().is_terminal() && !args.dry_run;
    let total = prepared.len();
    let mut claimed: BTreeSet<PathBuf> = BTreeSet::new();
    for (n, p) in prepared.into_iter().enumerate() {
        if progress {
            eprint!("\r\x1b[2K[{}/{total}] {}", n + 1, p.origin);
            let _ = std::io::stderr().flush();
        }
        let ready = match p.result {
            Ok(r) => r,
            Err(e) => {
                clear_progress(progress);
                eprintln!("error: {}: {e}", p.origin);
                tally.failed += 1;
                continue;
            }
        };
        for w in &ready.warnings {
            clear_progress(progress);
            eprintln!("warning: {}: {w}", p.origin);
        }
        if args.explain {
            clear_progress(progress);
            eprintln!("explain: {}: {} dropped", p.origin, ready.explain.len());
            for line in &ready.explain {
                eprintln!("  {line}");
            }
        }
        let target = unique_target(&out_dir, &ready.rendered.file_name, &mut claimed);
        if args.dry_run {
            eprintln!("would write {} (dry run)", target.display());
            print!("{}", ready.rendered.content);
            tally.converted += 1;
            continue;
        }
        clear_progress(progress);
        match write_one(&target, &ready, args.force) {
            Ok(Outcome::Written) => {
                eprintln!("converted {} → {}", p.origin, target.display());
                tally.converted += 1;
            }
            Ok(Outcome::Unchanged) => {
                eprintln!("unchanged {} ({})", p.origin, target.display());
                tally.unchanged += 1;
            }
            Ok(Outcome::Exists) => {
                eprintln!(
                    "skipped {}: {} exists (use --force to overwrite)",
                    p.origin,
                    target.display()
                );
                tally.skipped += 1;
            }
            Err(e) => {
                eprintln!("error: {}: {e:#}", p.origin);
                tally.failed += 1;
            }
        }
    }
    clear_progress(progress);
    eprintln!(
        "converted {}, unchanged {}, skipped {} (exists), failed {}{}",
        tally.converted,
        tally.unchanged,
        tally.skipped,
        tally.failed,
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if tally.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn clear_progress(on: bool) {
    if on {
        eprint!("\r\x1b[2K");
    }
}

/// Files as given, directories walked (sorted, hidden entries skipped), `-` for stdin. A path
/// that does not exist comes back with its error so that the batch goes on.
fn expand_inputs(inputs: &[PathBuf]) -> Vec<(Origin, Option<String>)> {
    let mut out = Vec::new();
    for path in inputs {
        if path.as_os_str() == "-" {
            out.push((Origin::Stdin, None));
        } else if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let ext = e
                            .path()
                            .extension()
                            .and_then(|x| x.to_str())
                            .map(str::to_ascii_lowercase);
                        if ext.is_some_and(|x| INPUT_EXTENSIONS.contains(&x.as_str())) {
                            out.push((Origin::File(e.into_path()), None));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let p = e.path().unwrap_or(path).to_path_buf();
                        out.push((Origin::File(p), Some(format!("cannot read: {e}"))));
                    }
                }
            }
        } else if path.is_file() {
            out.push((Origin::File(path.clone()), None));
        } else {
            out.push((
                Origin::File(path.clone()),
                Some("no such file or directory".into()),
            ));
        }
    }
    out
}

/// Reads, decodes, analyses and renders one input.
fn prepare(
    origin: &Origin,
    args: &ConvertArgs,
    rules: &Rules,
    vocab: &crate::tagging::Vocabulary,
    opts: &article::Options,
    style: write::Style,
) -> std::result::Result<Ready, String> {
    let bytes = input::read(origin, args.max_size).map_err(|e| e.0)?;
    let path = match origin {
        Origin::File(p) => Some(p.as_path()),
        Origin::Stdin => None,
    };
    let decoded = input::decode(&bytes, path).map_err(|e| e.0)?;
    if decoded.kind == Kind::Html {
        let depth = html::nesting_depth(&decoded.text);
        if depth > MAX_NESTING {
            return Err(format!(
                "HTML elements nest {depth} deep (more than {MAX_NESTING}): refusing to parse it; \
                 a saved article page is never this deep"
            ));
        }
    }
    let mut article = match decoded.kind {
        Kind::Html => article::analyze_html(&decoded.text, rules, opts),
        Kind::Text => article::analyze(&decoded.text, rules, opts),
    };
    if article.kept().next().is_none() {
        return Err("no article text found (every line looks like page chrome)".into());
    }
    article.meta.tags = tag_article(&article, vocab);
    let hash = write::input_hash(&bytes);
    // An HTML page is typeset by its publisher: its punctuation is kept as it is.
    let style = write::Style {
        keep_punctuation: style.keep_punctuation || decoded.kind == Kind::Html,
    };
    let rendered = write::render(&article, &hash, &origin.stem(), style);
    let explain = article
        .drops()
        .map(|(line, d)| {
            format!(
                "line {line}: [{}] {}: {}",
                d.rule,
                d.reason,
                excerpt(&d.text, 60)
            )
        })
        .collect();
    Ok(Ready {
        rendered,
        hash,
        explain,
        warnings: article.warnings.clone(),
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

fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// The target path; a second input of this batch with the same name (and other content) gets
/// `-2`, `-3`… rather than overwriting the first.
fn unique_target(out_dir: &Path, name: &str, claimed: &mut BTreeSet<PathBuf>) -> PathBuf {
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            out_dir.join(name)
        } else {
            out_dir.join(format!("{stem}-{n}.md"))
        };
        if claimed.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

enum Outcome {
    Written,
    Unchanged,
    Exists,
}

/// Writes unless a file is there: same input hash → unchanged (rewritten only with `--force`
/// when the converter's output changed); other content → kept unless `--force`.
fn write_one(target: &Path, ready: &Ready, force: bool) -> Result<Outcome> {
    if target.exists() {
        let existing = crate::fsx::read_to_string(target)?;
        if existing == ready.rendered.content {
            return Ok(Outcome::Unchanged);
        }
        let same_input = FrontMatter::parse(&existing).ok().is_some_and(|(fm, _)| {
            fm.extra.rest.get("input_hash").and_then(|v| v.as_str()) == Some(ready.hash.as_str())
        });
        if !force {
            return Ok(if same_input {
                Outcome::Unchanged
            } else {
                Outcome::Exists
            });
        }
    }
    // Write next to the target and rename, so that a failure never leaves half a file.
    let tmp = target.with_extension("md.tmp");
    crate::fsx::write(&tmp, &ready.rendered.content)?;
    crate::fsx::rename(&tmp, target)?;
    Ok(Outcome::Written)
}
