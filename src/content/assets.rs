//! Which files of `static/` and `content/` a build copies: an allow-list of asset kinds
//! (extensions, extendable with `[assets] extensions` in `config.toml`). Editor backups, swap
//! files, dotfiles, unknown kinds and anything beside a draft are skipped, and said so, for
//! `check` to warn about.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

/// Media any folder may hold: images, video, audio, PDF, fonts.
pub const MEDIA: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff", "mp4", "webm",
    "ogv", "mov", "m4v", "mp3", "ogg", "oga", "opus", "wav", "flac", "m4a", "aac", "pdf", "woff",
    "woff2", "ttf", "otf", "eot",
];

/// What only `static/` may hold besides media: the theme's code and site-level files.
pub const STATIC_ONLY: &[&str] = &[
    "css",
    "js",
    "mjs",
    "map",
    "json",
    "txt",
    "xml",
    "html",
    "webmanifest",
    "wasm",
];

/// One file to copy: where it is and its site-relative output path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub from: PathBuf,
    pub to: String,
}

/// What a build copies and what it leaves out (with why).
#[derive(Debug, Default)]
pub struct Plan {
    pub copy: Vec<Copy>,
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Plans the copy of `root/static` and `root/content`. `extra` are the site's own extensions
/// (lowercase, no dot), allowed in both; the assets beside the `drafts` left out (content
/// paths, as [`crate::content::Library::draft_files`] lists them) are not copied.
///
/// A page bundle's files go beside its page, wherever its `slug` or `path` put it:
/// `bundles` maps a bundle's folder (content-relative, `news/2024-05-01-x/`) to its page's
/// site path (`news/x/`), as [`crate::content::Library::bundle_dirs`] gives it.
pub fn plan(
    root: &Path,
    extra: &[String],
    drafts: &[PathBuf],
    bundles: &[(String, String)],
) -> Result<Plan> {
    let mut plan = Plan::default();
    let in_static = |e: &str| MEDIA.contains(&e) || STATIC_ONLY.contains(&e);
    walk(&root.join("static"), &mut plan, |p| {
        kind_ok(p, extra, in_static)
    })?;
    let content = root.join("content");
    let draft_marks = draft_marks(&content, drafts);
    walk(&content, &mut plan, |p| {
        if p.extension().is_some_and(|e| e == "md") {
            return Ok(false);
        }
        if draft_marks.iter().any(|m| m.covers(p)) {
            return Err("beside a draft");
        }
        kind_ok(p, extra, |e| MEDIA.contains(&e))
    })?;
    if !bundles.is_empty() {
        let content_files = plan
            .copy
            .iter_mut()
            .filter(|c| c.from.starts_with(&content));
        for c in content_files {
            // The innermost bundle holding the file.
            let home = bundles
                .iter()
                .filter(|(dir, _)| c.to.starts_with(dir.as_str()))
                .max_by_key(|(dir, _)| dir.len());
            if let Some((dir, path)) = home {
                c.to = format!("{path}{}", &c.to[dir.len()..]);
            }
        }
    }
    Ok(plan)
}

/// `Ok(true)`: copy; `Err(why)`: skip and say so.
fn kind_ok(
    p: &Path,
    extra: &[String],
    allowed: impl Fn(&str) -> bool,
) -> Result<bool, &'static str> {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with('~') || (name.starts_with('#') && name.ends_with('#')) {
        return Err("an editor backup");
    }
    let ext = p
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if allowed(&ext) || extra.iter().any(|x| x.eq_ignore_ascii_case(&ext)) {
        Ok(true)
    } else {
        Err("not an asset kind a site publishes (see `[assets] extensions`)")
    }
}

fn walk(
    dir: &Path,
    plan: &mut Plan,
    keep: impl Fn(&Path) -> Result<bool, &'static str>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            plan.skipped.push((entry.path().to_path_buf(), "a dotfile"));
            continue;
        }
        match keep(entry.path()) {
            Ok(true) => plan.copy.push(Copy {
                from: entry.path().to_path_buf(),
                to: rel.to_string_lossy().replace('\\', "/"),
            }),
            Ok(false) => {}
            Err(why) => plan.skipped.push((entry.path().to_path_buf(), why)),
        }
    }
    Ok(())
}

/// Where a draft's files are: its whole folder for a bundle (`index.md`, `_index.md`), else
/// the files named after it (`secret.md` → `secret.*`).
enum DraftMark {
    Folder(PathBuf),
    Stem(PathBuf, String),
}

impl DraftMark {
    fn covers(&self, p: &Path) -> bool {
        match self {
            DraftMark::Folder(d) => p.starts_with(d),
            DraftMark::Stem(d, stem) => {
                p.parent() == Some(d.as_path())
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(stem.as_str()))
            }
        }
    }
}

fn draft_marks(content: &Path, drafts: &[PathBuf]) -> Vec<DraftMark> {
    let mut marks = Vec::new();
    for rel in drafts {
        let full = content.join(rel);
        let dir = full.parent().unwrap_or(content).to_path_buf();
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name == "index.md" || name == "_index.md" {
            marks.push(DraftMark::Folder(dir));
        } else {
            let stem = name.strip_suffix(".md").unwrap_or(&name);
            marks.push(DraftMark::Stem(dir, format!("{stem}.")));
        }
    }
    marks
}
