//! `serve`'s engine: build a site into memory, then apply each batch of changes incrementally
//! (re-render the outputs whose views changed, copy changed assets). The HTTP side is
//! [`http`], the pure classifier of changed paths is [`watch`]; the command (arguments,
//! listening, the watch loop, printing) is `cmd/serve.rs`. Nothing here imports `cli` or `cmd`.

pub mod http;
pub mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Result;

use crate::config::Config;
use crate::content::Library;
use crate::content::library::{Delta, Sources};
use crate::output::MemoryOutput;
use crate::render::templates::{self, Theme};
use crate::render::{Manifest, RenderMemo};
use crate::site::{self, LoadError, RenderedSite, SiteRules};
use http::Files;
use watch::Change;

/// What the last good build left for the next one.
pub struct State {
    pub root: PathBuf,
    pub base_url: String,
    pub drafts: bool,
    pub config: Config,
    /// Shared with the search worker, which indexes it while the next edit is handled.
    pub library: Arc<Library>,
    pub manifest: Manifest,
    pub memo: RenderMemo,
    /// The theme, loaded again when a template (or anything that reloads the site) changes.
    pub theme: Theme,
    /// The site's rules (vocabulary, dates, search), re-read when anything under rules/ changes.
    pub rules: SiteRules,
    /// The search index builder, which keeps the terms of unchanged articles between rebuilds.
    pub indexer: Option<crate::search::Indexer>,
    /// Articles whose last change failed to load: retried with the next change, so a broken
    /// file is reported until it is fixed or deleted.
    pub pending: Vec<PathBuf>,
    /// The outputs the last build or update rendered, sorted.
    pub rendered: Vec<String>,
}

fn load_error(e: LoadError) -> anyhow::Error {
    match e {
        LoadError::Other(e) => e,
        LoadError::Content(diags) => diagnostics(&diags),
    }
}

fn diagnostics(diags: &[crate::content::Diagnostic]) -> anyhow::Error {
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    anyhow::anyhow!("{}", lines.join("\n"))
}

/// The broken links of article bodies ([`crate::content::check::check_body_links`]) once
/// `out` is applied to `live` (`None`: `out` is the whole site): an error lists them (the
/// overlay shows it, nothing is applied); warnings join the library's.
fn check_links(
    config: &Config,
    library: &mut Library,
    out: &MemoryOutput,
    live: Option<&RwLock<Files>>,
) -> Result<()> {
    let removed = out.removed();
    let new = out.files.lock().expect("memory output poisoned");
    let live = live.map(|l| l.read().expect("site poisoned"));
    let has = |path: &str| {
        new.contains_key(path)
            || live
                .as_ref()
                .is_some_and(|l| l.contains_key(path) && !removed.iter().any(|r| r == path))
    };
    let warnings = crate::content::check::body_links_or_error(config, library, &has)?;
    library.warnings.extend(warnings);
    Ok(())
}

fn into_files(out: MemoryOutput) -> Files {
    out.files
        .into_inner()
        .expect("memory output poisoned")
        .into_iter()
        .map(|(k, v)| (k, Arc::new(v)))
        .collect()
}

impl State {
    /// A full build into memory. Content warnings are on `state.library.warnings`.
    pub fn build(root: &Path, base_url: &str, drafts: bool) -> Result<(State, Files)> {
        let (config, mut library) =
            site::load_site(root, Some(base_url), drafts, Sources::Keep).map_err(load_error)?;
        let rules = SiteRules::load(root)?;
        let mut theme = templates::load(root)?;
        let out = MemoryOutput::default();
        let (mut manifest, mut memo) = (Manifest::default(), RenderMemo::default());
        let r = site::render_pages(
            &mut theme,
            &config,
            &library,
            &rules,
            (&manifest, &memo),
            None,
            &out,
        )?;
        let stats = r.keep(&mut manifest, &mut memo);
        site::copy_assets(root, &config, &library, &out)?;
        let mut indexer = config.search.enabled.then(|| rules.indexer(&config));
        if let Some(ix) = &mut indexer {
            crate::render::search::write_with(ix, &library, &out)?;
        }
        check_links(&config, &mut library, &out, None)?;
        let state = State {
            indexer,
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            drafts,
            config,
            library: Arc::new(library),
            manifest,
            memo,
            theme,
            rules,
            pending: Vec::new(),
            rendered: stats.rendered_paths,
        };
        Ok((state, into_files(out)))
    }

    /// Applies a change to the live files and returns how many files were rendered or copied.
    /// Articles are re-parsed alone; a config, template or rules change reloads the whole
    /// site. Either way only the outputs whose views changed are re-rendered.
    pub fn update(&mut self, change: &Change, files: &RwLock<Files>) -> Result<usize> {
        let mut rendered = if change.full {
            self.reload(files)?
        } else {
            self.update_articles(change, files)?
        };
        let plan = if change.assets.is_empty() {
            crate::content::assets::Plan::default()
        } else {
            let extra = &self.config.assets.extensions;
            crate::content::assets::plan(
                &self.root,
                extra,
                &self.library.draft_files,
                &self.library.bundle_dirs(),
            )?
        };
        for asset in &change.assets {
            let Some(key) = watch::asset_output_path(&self.root, asset) else {
                continue;
            };
            let mut live = files.write().expect("site poisoned");
            if plan.copy.iter().any(|c| &c.from == asset) {
                let bytes = crate::fsx::read(asset)?;
                live.insert(key, Arc::new(bytes));
            } else {
                live.remove(&key);
            }
            rendered += 1;
        }
        Ok(rendered)
    }

    /// Config, templates or rules changed: load everything again, render what changed.
    fn reload(&mut self, files: &RwLock<Files>) -> Result<usize> {
        let (config, mut library) =
            site::load_site(&self.root, Some(&self.base_url), self.drafts, Sources::Keep)
                .map_err(load_error)?;
        let rules = SiteRules::load(&self.root)?;
        let mut theme = templates::load(&self.root)?;
        let out = MemoryOutput::default();
        let prev = (&self.manifest, &self.memo);
        let r = site::render_pages(&mut theme, &config, &library, &rules, prev, None, &out)?;
        check_links(&config, &mut library, &out, Some(files))?;
        apply(out, files);
        self.theme = theme;
        self.indexer = config.search.enabled.then(|| rules.indexer(&config));
        (self.config, self.library, self.rules) = (config, Arc::new(library), rules);
        self.pending.clear();
        Ok(self.keep(r))
    }

    /// Re-parses the changed articles (and those that failed last time) and renders what
    /// changed.
    fn update_articles(&mut self, change: &Change, files: &RwLock<Files>) -> Result<usize> {
        let mut articles = change.articles.clone();
        for p in &self.pending {
            if !articles.contains(p) {
                articles.push(p.clone());
            }
        }
        if articles.is_empty() {
            self.rendered.clear();
            return Ok(0);
        }
        let content = self.root.join("content");
        let (mut lib, delta) =
            match self
                .library
                .update(&content, &self.config, self.drafts, &articles)
            {
                Ok(lib) => lib,
                Err(d) => {
                    self.pending = articles;
                    return Err(diagnostics(&d));
                }
            };
        self.pending.clear();
        let out = MemoryOutput::default();
        let prev = (&self.manifest, &self.memo);
        let changed = match &delta {
            Delta::InPlace(pages) => Some(pages.as_slice()),
            Delta::Restructured => None,
        };
        let r = site::render_pages(
            &mut self.theme,
            &self.config,
            &lib,
            &self.rules,
            prev,
            changed,
            &out,
        )?;
        if let Err(e) = check_links(&self.config, &mut lib, &out, Some(files)) {
            // Tried again with the next change (one that adds the page linked to, say).
            self.pending = articles;
            return Err(e);
        }
        apply(out, files);
        self.library = Arc::new(lib);
        Ok(self.keep(r))
    }

    fn keep(&mut self, r: RenderedSite) -> usize {
        let stats = r.keep(&mut self.manifest, &mut self.memo);
        self.rendered = stats.rendered_paths;
        stats.rendered
    }

    /// Re-indexes the library for search (after the pages are served: readers see the edit
    /// first) and swaps in the index files that changed.
    pub fn update_search(&mut self, files: &RwLock<Files>) -> Result<usize> {
        let Some(ix) = &mut self.indexer else {
            return Ok(0);
        };
        index_search(ix, &self.library, files)
    }

    /// Hands the search index over to a worker (`serve` indexes in the background, so the
    /// next edit is not kept waiting): the library as it is now and, the first time and after
    /// a reload, the indexer to use from then on.
    pub fn search_job(&mut self) -> SearchJob {
        SearchJob {
            library: Arc::clone(&self.library),
            indexer: self.indexer.take(),
            enabled: self.config.search.enabled,
        }
    }
}

/// One update of the search index for a worker: see [`State::search_job`].
pub struct SearchJob {
    pub library: Arc<Library>,
    /// A new indexer (the site's search rules changed), replacing the worker's.
    pub indexer: Option<crate::search::Indexer>,
    /// Whether the site has search at all (after a reload that turned it off, the worker
    /// drops its indexer).
    pub enabled: bool,
}

/// Indexes `library` with `ix` (which keeps the terms of unchanged articles) and swaps in the
/// index files that changed. Returns how many did.
pub fn index_search(
    ix: &mut crate::search::Indexer,
    library: &Library,
    files: &RwLock<Files>,
) -> Result<usize> {
    let out = MemoryOutput::default();
    crate::render::search::write_with(ix, library, &out)?;
    Ok(apply(out, files))
}

/// Applies a render to the live files: removals, and the files whose bytes changed (so
/// pages that render the same are not replaced). Returns how many files changed.
fn apply(out: MemoryOutput, files: &RwLock<Files>) -> usize {
    let removed = out.removed();
    let new_files = out.files.into_inner().expect("memory output poisoned");
    let mut live = files.write().expect("site poisoned");
    let mut changed = 0;
    for path in removed {
        if live.remove(&path).is_some() {
            changed += 1;
        }
    }
    for (k, v) in new_files {
        if live
            .get(&k)
            .is_none_or(|old| old.as_slice() != v.as_slice())
        {
            live.insert(k, Arc::new(v));
            changed += 1;
        }
    }
    changed
}
