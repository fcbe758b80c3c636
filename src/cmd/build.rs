//! `newsroom build`: config → library → render into a staging directory → swap into place.
//! A failed build leaves the previous output untouched.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

use crate::cli::BuildArgs;
use crate::config::Config;
use crate::content::{Library, library};
use crate::fsx;
use crate::render::output::{DiskOutput, Output};
use crate::render::{CardCache, Manifest, Renderer, Stats, templates};
use crate::tagging::Vocabulary;

/// Loads the site: config (with CLI overrides) and the library. Content errors are all
/// printed, then one error says how many there were.
pub fn load_site(root: &Path, base_url: Option<&str>, drafts: bool) -> Result<(Config, Library)> {
    let mut config = Config::load(root)?;
    if let Some(b) = base_url {
        config.base_url = b.to_string();
    }
    let library = match library::load(&root.join("content"), &config, drafts) {
        Ok(lib) => lib,
        Err(diags) => {
            for d in &diags {
                eprintln!("error: {d}");
            }
            bail!(
                "{} error{} in content; nothing was written",
                diags.len(),
                if diags.len() == 1 { "" } else { "s" }
            );
        }
    };
    for w in &library.warnings {
        eprintln!("warning: {w}");
    }
    Ok((config, library))
}

/// Renders the whole site (pages, listings, feeds, static files) into `out`.
pub fn render_site(
    root: &Path,
    config: &Config,
    library: &Library,
    out: &dyn Output,
) -> Result<Stats> {
    // The vocabulary (rules/) is read once: term pages and search both use it.
    let vocab = Vocabulary::load(root)?;
    let mut r = render_pages(
        root,
        config,
        library,
        &Manifest::default(),
        &CardCache::default(),
        &vocab,
        out,
    )?;
    r.stats.files += crate::search::write(config, library, &vocab, out)?.files;
    r.stats.files += copy_assets(root, out)?;
    Ok(r.stats)
}

/// What rendering the pages gives besides the files: what `serve` keeps for the next edit.
pub struct RenderedSite {
    pub stats: Stats,
    pub manifest: Manifest,
    pub cards: CardCache,
}

/// Renders the templated files whose inputs changed since `prev` (everything for an empty
/// manifest). Static files are not touched.
pub fn render_pages(
    root: &Path,
    config: &Config,
    library: &Library,
    prev: &Manifest,
    cards: &CardCache,
    vocab: &Vocabulary,
    out: &dyn Output,
) -> Result<RenderedSite> {
    let mut tera = templates::load(root)?;
    let renderer = Renderer::with_cache(config, library, &mut tera, cards).with_vocabulary(vocab);
    let (stats, manifest) = renderer.render_changed(prev, out)?;
    Ok(RenderedSite {
        stats,
        manifest,
        cards: renderer.card_cache(),
    })
}

/// Copies `static/` and the non-Markdown files of `content/` (images beside articles).
pub fn copy_assets(root: &Path, out: &dyn Output) -> Result<usize> {
    let mut n = copy_tree(&root.join("static"), out, |_| true)?;
    n += copy_tree(&root.join("content"), out, |p| {
        p.extension().is_none_or(|e| e != "md")
    })?;
    Ok(n)
}

fn copy_tree(dir: &Path, out: &dyn Output, keep: impl Fn(&Path) -> bool) -> Result<usize> {
    if !dir.is_dir() {
        return Ok(0);
    }
    let mut n = 0;
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("failed to read `{}`", dir.display()))?;
        if !entry.file_type().is_file() || !keep(entry.path()) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        out.write(&rel, &fsx::read(entry.path())?)?;
        n += 1;
    }
    Ok(n)
}

fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to open `{}`", root.display()))?;
    let out = match output.canonicalize() {
        Ok(p) => p,
        Err(_) => return Ok(()), // does not exist yet
    };
    if root.starts_with(&out) {
        bail!(
            "output directory `{}` contains the site itself; choose another (default: public/)",
            output.display()
        );
    }
    for keep in ["content", "templates", "static", "rules"] {
        if out.starts_with(root.join(keep)) {
            bail!(
                "output directory `{}` is inside the site's {keep}/",
                output.display()
            );
        }
    }
    Ok(())
}

/// Builds into a sibling staging directory, then swaps it in place of `output`.
pub fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let output = args
        .output_dir
        .clone()
        .unwrap_or_else(|| root.join("public"));
    check_output_dir(root, &output)?;
    let (config, library) = load_site(root, args.base_url.as_deref(), args.drafts)?;

    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output.parent().map(Path::to_path_buf).unwrap_or_default();
    let parent = if parent.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        parent
    };
    fsx::create_dir_all(&parent)?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        fsx::remove_dir_all(&staging)?;
    }
    fsx::create_dir_all(&staging)?;
    let result = render_site(root, &config, &library, &DiskOutput::new(&staging));
    let stats = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e.context("build failed; the previous output is unchanged"));
        }
    };
    swap_into_place(&staging, &output)?;
    eprintln!(
        "Built {} pages, {} terms, {} files into {} in {:.2}s",
        stats.pages,
        stats.terms,
        stats.files,
        output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    if output.exists() {
        let old = output.with_file_name(format!(
            ".{}.old-{}",
            output.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        fsx::rename(output, &old)?;
        if let Err(e) = fsx::rename(staging, output) {
            let _ = std::fs::rename(&old, output);
            return Err(e);
        }
        fsx::remove_dir_all(&old)?;
    } else {
        fsx::rename(staging, output)?;
    }
    Ok(())
}
