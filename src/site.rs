//! A whole site as the library sees it: load it (config, content, rules) and render it into
//! an [`Output`]. No printing and no CLI here: content errors come back as diagnostics and
//! warnings stay on the library, for the command to show (`cmd/build.rs`, `cmd/serve.rs`,
//! `cmd/check.rs`).

use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::config::Config;
use crate::content::bodies::BodyCache;
use crate::content::{Diagnostic, Library, library};
use crate::dates::Dates;
use crate::fsx;
use crate::output::Output;
use crate::output::dir::Writer;
use crate::output::manifest::{Kind, Stamp};
use crate::render::templates::{self, Theme};
use crate::render::{Manifest, MemoUpdate, RenderMemo, Renderer, Rules, Stats, hash_of};
use crate::search::{Indexer, SearchRules};
use crate::strings::Strings;
use crate::tagging::Vocabulary;

/// Why a site did not load.
#[derive(Debug)]
pub enum LoadError {
    /// The content has errors (every one of them, `file:line: message`).
    Content(Vec<Diagnostic>),
    /// The config or the file system failed.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for LoadError {
    fn from(e: anyhow::Error) -> LoadError {
        LoadError::Other(e)
    }
}

/// Reads the site's `config.toml` with what `templates/` adds to it: the shortcodes its
/// pages' bodies call.
pub fn load_config(root: &Path) -> Result<Config> {
    let mut config = Config::load(root)?;
    config.markdown.shortcodes =
        std::sync::Arc::new(crate::shortcode::Shortcodes::load(root, &config.markdown)?);
    Ok(config)
}

/// Loads the config (with an optional base URL override) and the library.
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    sources: library::Sources,
) -> Result<(Config, Library), LoadError> {
    let mut config = load_config(root)?;
    if let Some(b) = base_url {
        config.base_url = b.to_string();
    }
    let library = library::load(&root.join("content"), &config, drafts, sources)
        .map_err(LoadError::Content)?;
    Ok((config, library))
}

/// [`load_site`] for a one-shot build: bodies are dropped once measured, and the measures of
/// unchanged files are taken from the last build's [`BodyCache`] (`saved`, its bytes) instead
/// of rendering them. Returns the cache read, for saving the new measures.
pub fn load_site_cached(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    saved: Option<&[u8]>,
) -> Result<(Config, Library, BodyCache), LoadError> {
    let mut config = load_config(root)?;
    if let Some(b) = base_url {
        config.base_url = b.to_string();
    }
    let bodies = BodyCache::read(saved, BodyCache::key(&config, program_key()));
    let library = library::load_with(
        &root.join("content"),
        &config,
        drafts,
        library::Sources::Drop,
        Some(&bodies),
    )
    .map_err(LoadError::Content)?;
    Ok((config, library, bodies))
}

/// Every `rules/*.toml` rendering reads, loaded once per build (embedded defaults, then the
/// site's own files): the vocabulary (term pages, search aliases), date formats, search rules.
#[derive(Debug, Clone)]
pub struct SiteRules {
    pub vocab: std::sync::Arc<Vocabulary>,
    pub dates: Dates,
    pub search: SearchRules,
    pub strings: Strings,
}

impl SiteRules {
    pub fn load(root: &Path) -> Result<SiteRules> {
        let layers = crate::rules::Layers::load(root)?;
        Ok(SiteRules {
            vocab: std::sync::Arc::new(Vocabulary::from_layers(&layers)?),
            dates: Dates::from_layers(&layers)?,
            search: SearchRules::from_layers(&layers)?,
            strings: Strings::from_layers(&layers)?,
        })
    }

    pub fn render(&self) -> Rules<'_> {
        Rules {
            vocab: &self.vocab,
            dates: &self.dates,
            strings: &self.strings,
        }
    }

    /// A search indexer for `config` with these rules.
    pub fn indexer(&self, config: &Config) -> Indexer {
        Indexer::for_site(config, &self.vocab, &self.search, &self.dates)
    }
}

/// Renders the whole site (pages, listings, feeds, search index, static files) into `out`.
pub fn render_site(
    root: &Path,
    config: &Config,
    library: &Library,
    out: &dyn Output,
) -> Result<Stats> {
    let rules = SiteRules::load(root)?;
    let mut theme = templates::load(root)?;
    unknown_templates(library, None, &theme.tera)?;
    let renderer = Renderer::new(config, library, &mut theme, rules.render());
    let mut stats = renderer.render_all(out)?;
    stats.files +=
        crate::render::search::write(config, library, || rules.indexer(config), out)?.files;
    stats.files += copy_assets(root, config, library, out)?;
    Ok(stats)
}

/// Every page and section naming a `template` the theme does not have, as one error
/// listing each `file:line` (checked before anything is rendered).
/// With `only` (an in-place update), just the pages at those indices: nothing else changed.
fn unknown_templates(library: &Library, only: Option<&[usize]>, tera: &tera::Tera) -> Result<()> {
    let known: Vec<&str> = tera.get_template_names().collect();
    let mut problems: Vec<String> = Vec::new();
    let mut check = |name: Option<&String>, file: &Path, line: Option<usize>| {
        if let Some(t) = name
            && !known.contains(&t.as_str())
        {
            let at = line.map_or(String::new(), |l| format!(":{l}"));
            problems.push(format!(
                "{}{at}: unknown template `{t}`; the theme has no templates/{t}",
                file.display()
            ));
        }
    };
    if let Some(only) = only {
        for p in only.iter().filter_map(|&i| library.pages.get(i)) {
            check(p.meta.template.as_ref(), &p.file, p.key_lines.template);
        }
    } else {
        for p in &library.pages {
            check(p.meta.template.as_ref(), &p.file, p.key_lines.template);
        }
        for s in &library.sections {
            check(s.meta.template.as_ref(), &s.file, s.template_line);
            check(s.meta.page_template.as_ref(), &s.file, s.page_template_line);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.sort();
    anyhow::bail!("{}", problems.join("\n"))
}

/// What rendering the pages gives besides the files: what `serve` keeps for the next edit.
pub struct RenderedSite {
    pub stats: Stats,
    /// Every templated file's fingerprint; after an in-place update only those it looked at
    /// ([`RenderedSite::keep`] merges them).
    pub manifest: Manifest,
    /// A [`MemoUpdate::Patch`] after an in-place update, which looked at only some files.
    pub memo: MemoUpdate,
}

impl RenderedSite {
    /// Makes `manifest` and `memo` what this render leaves for the next one.
    pub fn keep(self, manifest: &mut Manifest, memo: &mut RenderMemo) -> Stats {
        if matches!(self.memo, MemoUpdate::Patch { .. }) {
            manifest.merge(self.manifest);
        } else {
            *manifest = self.manifest;
        }
        memo.apply(self.memo);
        self.stats
    }
}

/// Renders the templated files whose views changed since `prev` (everything for an empty
/// manifest), fingerprinting each. With `changed` (the pages of a
/// [`crate::content::library::Delta::InPlace`] update), only the outputs that show those
/// pages are looked at. Static files and the search index are not touched.
pub fn render_pages(
    theme: &mut Theme,
    config: &Config,
    library: &Library,
    rules: &SiteRules,
    prev: (&Manifest, &RenderMemo),
    changed: Option<&[usize]>,
    out: &dyn Output,
) -> Result<RenderedSite> {
    unknown_templates(library, changed, &theme.tera)?;
    let renderer = match changed {
        Some(changed) => {
            Renderer::in_place(config, library, theme, rules.render(), prev.1, changed)
        }
        None => Renderer::tracking(config, library, theme, rules.render(), prev.1),
    };
    let (stats, manifest) = renderer.render_changed(prev.0, out)?;
    Ok(RenderedSite {
        stats,
        manifest,
        memo: renderer.memo_update(),
    })
}

/// What [`render_into`] leaves for the commit: the fingerprint of every templated file and
/// the key of the search inputs.
pub struct Rendered {
    pub stats: Stats,
    pub manifest: Manifest,
    pub search: Option<u64>,
    /// How long each step took (`build --timings`).
    pub timings: Vec<Lap>,
}

/// Renders the whole site into an output directory's [`Writer`], doing only the work the
/// last build's record does not cover: templated files whose views are unchanged are not
/// rendered, the search index is not rebuilt when its inputs are the same, assets whose
/// source is unchanged are not read. Nothing is final until the writer commits. The pages'
/// rendered bodies are dropped once the templated files are written (see
/// [`Library::forget_bodies`]), so the search index is built in the memory they held.
pub fn render_into(
    root: &Path,
    config: &Config,
    library: &mut Library,
    writer: &Writer,
) -> Result<Rendered> {
    let mut clock = Clock::start();
    let rules = SiteRules::load(root)?;
    clock.lap("rules");
    let prev = Manifest::from_pairs(writer.known_keys(Kind::Template));
    let mut theme = templates::load(root)?;
    unknown_templates(library, None, &theme.tera)?;
    let memo = RenderMemo::default();
    // A build keeps no memo: its cards are serialized where they are shown.
    let renderer =
        Renderer::tracking(config, library, &mut theme, rules.render(), &memo).one_shot();
    let (page_stats, manifest) = renderer.render_changed(&prev, &writer.part(Kind::Template))?;
    drop(renderer);
    library.forget_bodies();
    release_freed_memory();
    clock.lap("pages");
    let mut stats = page_stats;
    let search = if config.search.enabled {
        let (key, files) = update_search(config, library, &rules, writer)?;
        stats.files += files;
        Some(key)
    } else {
        None
    };
    clock.lap("search");
    stats.files += copy_assets(root, config, library, &writer.part(Kind::Asset))?;
    clock.lap("assets");
    Ok(Rendered {
        stats,
        manifest,
        search,
        timings: clock.laps,
    })
}

/// Hands the pages of memory freed by the last step (the rendered pages, their views) back to
/// the system, so the next step's peak is not stacked on them: glibc keeps freed memory in
/// its arenas, where the search index, made of small allocations of other sizes, cannot use
/// most of it.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Step timings: each lap is the time since the previous one (or the start).
pub struct Clock {
    last: std::time::Instant,
    pub laps: Vec<Lap>,
}

/// One step of a build: how long it took and how much memory the process held at its end.
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub name: &'static str,
    pub took: std::time::Duration,
    /// Resident set size in KiB at the end of the step (Linux only).
    pub rss_kib: Option<u64>,
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`): `None` off Linux.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

impl Clock {
    pub fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    /// Starts the next lap now (after laps timed elsewhere were added).
    pub fn restart(&mut self) {
        self.last = std::time::Instant::now();
    }

    pub fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push(Lap {
            name,
            took: now - self.last,
            rss_kib: proc_status_kib("VmRSS"),
        });
        self.last = now;
    }
}

/// The key of every input of a build: the path, size, mtime, ctime and inode of each file and
/// folder under the site's `config.toml`, `content/`, `templates/`, `static/` and `rules/`,
/// the options that change the output, and the newsroom binary itself. The ctime changes
/// with every write, rename or chmod and cannot be set back, so an equal key means the
/// sources are the ones the last build read. `None` when a folder cannot be read (the build
/// then reports it).
pub fn sources_key(root: &Path, base_url: Option<&str>, drafts: bool) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (program_key(), base_url, drafts).hash(&mut h);
    for input in ["config.toml", "content", "templates", "static", "rules"] {
        let path = root.join(input);
        if std::fs::symlink_metadata(&path).is_err() {
            input.hash(&mut h); // absent: still part of the key
            continue;
        }
        for e in walkdir::WalkDir::new(&path)
            .follow_links(true)
            .sort_by_file_name()
        {
            let e = e.ok()?;
            e.path().strip_prefix(root).ok()?.hash(&mut h);
            stamp_of(&e.metadata().ok()?).hash(&mut h);
        }
    }
    Some(h.finish())
}

fn stamp_of(meta: &std::fs::Metadata) -> (Stamp, bool, i64, i64) {
    #[cfg(unix)]
    let ctime = {
        use std::os::unix::fs::MetadataExt;
        (meta.ctime(), meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let ctime = (0, 0);
    (Stamp::of(meta), meta.is_dir(), ctime.0, ctime.1)
}

/// The state file that keeps each article's search terms between builds.
const SEARCH_CACHE: &str = "search-terms";

/// How many articles the saved search terms may lack before a build saves them again.
const SEARCH_CACHE_SLACK: usize = 64;

/// Writes the search index unless the last build wrote it from the same inputs and its files
/// are intact; only articles whose indexed text changed since the last build are tokenized
/// (the others' terms come from the state directory's cache). Returns the key of the inputs
/// and how many files the index has.
fn update_search(
    config: &Config,
    library: &Library,
    rules: &SiteRules,
    writer: &Writer,
) -> Result<(u64, usize)> {
    use std::hash::{Hash, Hasher};
    let mut indexer = rules.indexer(config);
    let plan = indexer.plan(library);
    let program = program_key();
    let mut h = rustc_hash::FxHasher::default();
    (program, plan.key).hash(&mut h);
    let key = h.finish();
    let files = writer.known_keys(Kind::Search).count();
    if writer.search_key() == Some(key) && writer.keep_all(Kind::Search) {
        return Ok((key, files));
    }
    if let Some(bytes) = writer.dir().read_cache(SEARCH_CACHE) {
        indexer.load_cache(&bytes, program);
    }
    let part = writer.part(Kind::Search);
    let index = indexer.index_planned(library, plan, Some(&part))?;
    let files = index.write(&part)?.files;
    drop(index);
    // Saving costs as much as reading the whole cache; a few stale articles cost less (they
    // are tokenized again by the next build), so a daily edit does not rewrite it.
    if indexer.cache_staleness() > SEARCH_CACHE_SLACK {
        writer
            .dir()
            .write_cache(SEARCH_CACHE, &indexer.save_cache(program))?;
    }
    Ok((key, files))
}

/// The identity of the running program (its file's size, mtime and inode): what a cache
/// made by another build of newsroom must not be mistaken for.
pub fn program_key() -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|e| std::fs::metadata(e).ok())
    {
        stamp_of(&meta).hash(&mut h);
    }
    h.finish()
}

/// Copies the asset files of `static/` and `content/` the allow-list admits
/// ([`crate::content::assets`]); what it leaves out is for `check` to report. A file the
/// output already holds from the same source (same path, size and mtime) is not read again.
pub fn copy_assets(
    root: &Path,
    config: &Config,
    library: &Library,
    out: &dyn Output,
) -> Result<usize> {
    let plan = crate::content::assets::plan(
        root,
        &config.assets.extensions,
        &library.draft_files,
        &library.bundle_dirs(),
    )?;
    plan.copy.par_iter().try_for_each(|c| {
        let meta = std::fs::metadata(&c.from)
            .with_context(|| format!("failed to read `{}`", c.from.display()))?;
        let key = hash_of(&(&c.from, Stamp::of(&meta).size, Stamp::of(&meta).mtime_ns));
        if out.reuse(&c.to, key) {
            return Ok(());
        }
        out.write_keyed(&c.to, key, &fsx::read(&c.from)?)
    })?;
    Ok(plan.copy.len())
}
