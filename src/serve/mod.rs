//! `newsroom serve`: build into memory, serve on 127.0.0.1, watch the inputs, rebuild what an
//! edit affects, and reload the browser (or show the error of a failed rebuild).

pub mod http;
pub mod watch;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};

use crate::cli::ServeArgs;
use crate::cmd::build::{self, RenderedSite};
use crate::config::Config;
use crate::content::{Library, library};
use crate::render::output::MemoryOutput;
use crate::render::{CardCache, Manifest};
use crate::tagging::Vocabulary;
use http::{Files, Server};
use watch::Change;

/// What the last good build left for the next one.
pub struct State {
    pub root: PathBuf,
    pub base_url: String,
    pub drafts: bool,
    pub config: Config,
    pub library: Library,
    pub manifest: Manifest,
    pub cards: CardCache,
    /// The vocabulary (rules/), read at the full build: a change there rebuilds everything.
    pub vocab: Vocabulary,
    /// The search index builder, which keeps the terms of unchanged articles between rebuilds.
    pub indexer: Option<crate::search::Indexer>,
    /// Articles whose last change failed to load: retried with the next change, so a broken
    /// file is reported until it is fixed or deleted.
    pub pending: Vec<PathBuf>,
}

fn diagnostics(diags: &[crate::content::Diagnostic]) -> anyhow::Error {
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    anyhow::anyhow!("{}", lines.join("\n"))
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
    /// A full build into memory.
    pub fn build(root: &Path, base_url: &str, drafts: bool) -> Result<(State, Files)> {
        let mut config = Config::load(root)?;
        config.base_url = base_url.to_string();
        let library =
            library::load(&root.join("content"), &config, drafts).map_err(|d| diagnostics(&d))?;
        for w in &library.warnings {
            eprintln!("warning: {w}");
        }
        let vocab = Vocabulary::load(root)?;
        let out = MemoryOutput::default();
        let RenderedSite {
            manifest, cards, ..
        } = build::render_pages(
            root,
            &config,
            &library,
            &Manifest::default(),
            &CardCache::default(),
            &vocab,
            &out,
        )?;
        build::copy_assets(root, &out)?;
        let mut indexer = config
            .search
            .enabled
            .then(|| crate::search::Indexer::with_vocabulary(&config, &vocab));
        if let Some(ix) = &mut indexer {
            ix.index(&library).write(&out)?;
        }
        let state = State {
            indexer,
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            drafts,
            config,
            library,
            manifest,
            cards,
            vocab,
            pending: Vec::new(),
        };
        Ok((state, into_files(out)))
    }

    /// Applies an incremental change to the live files: re-parses the changed articles,
    /// re-renders the files whose inputs changed, copies changed assets. Returns how many
    /// files were rendered.
    pub fn update(&mut self, change: &Change, files: &std::sync::RwLock<Files>) -> Result<usize> {
        let mut rendered = 0;
        let mut articles = change.articles.clone();
        for p in &self.pending {
            if !articles.contains(p) {
                articles.push(p.clone());
            }
        }
        if !articles.is_empty() {
            let lib = match self.library.update(
                &self.root.join("content"),
                &self.config,
                self.drafts,
                &articles,
            ) {
                Ok(lib) => lib,
                Err(d) => {
                    self.pending = articles;
                    return Err(diagnostics(&d));
                }
            };
            self.pending.clear();
            let out = MemoryOutput::default();
            let r = build::render_pages(
                &self.root,
                &self.config,
                &lib,
                &self.manifest,
                &self.cards,
                &self.vocab,
                &out,
            )?;
            rendered = r.stats.rendered;
            apply(out, files);
            self.library = lib;
            self.manifest = r.manifest;
            self.cards = r.cards;
        }
        for asset in &change.assets {
            let Some(key) = watch::asset_output_path(&self.root, asset) else {
                continue;
            };
            let mut live = files.write().expect("site poisoned");
            if asset.is_file() {
                let bytes = crate::fsx::read(asset)?;
                live.insert(key, Arc::new(bytes));
            } else {
                live.remove(&key);
            }
            rendered += 1;
        }
        Ok(rendered)
    }
}

/// Applies a render to the live files: removals, and the files whose bytes changed (so
/// pages that render the same are not replaced). Returns how many files changed.
fn apply(out: MemoryOutput, files: &std::sync::RwLock<Files>) -> usize {
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

impl State {
    /// Re-indexes the library for search (after the pages are served: readers see the edit
    /// first) and swaps in the index files that changed.
    pub fn update_search(&mut self, files: &std::sync::RwLock<Files>) -> Result<usize> {
        let Some(ix) = &mut self.indexer else {
            return Ok(0);
        };
        let out = MemoryOutput::default();
        ix.index(&self.library).write(&out)?;
        Ok(apply(out, files))
    }
}

/// Waits for a burst of events to end (editors save in several steps), then returns them.
fn debounce(rx: &Receiver<notify::Result<notify::Event>>) -> Option<Vec<PathBuf>> {
    // Reading a file is an event too (access): only writes, creations and removals count,
    // or every rebuild would trigger the next.
    let paths_of = |ev: notify::Result<notify::Event>| match ev {
        Ok(e) if !matches!(e.kind, notify::EventKind::Access(_)) => e.paths,
        _ => Vec::new(),
    };
    let mut paths: Vec<PathBuf> = paths_of(rx.recv().ok()?);
    let started = Instant::now();
    loop {
        match rx.recv_timeout(Duration::from_millis(10)) {
            Ok(ev) => paths.extend(paths_of(ev)),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
        if started.elapsed() > Duration::from_millis(400) {
            break;
        }
    }
    Some(paths)
}

pub fn run(root: &Path, args: &ServeArgs) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to open site `{}`", root.display()))?;
    if args.bind != "127.0.0.1" && args.bind != "localhost" && args.bind != "::1" {
        eprintln!(
            "warning: serving on {} makes the preview reachable from other machines",
            args.bind
        );
    }
    let listener = TcpListener::bind((args.bind.as_str(), args.port))
        .with_context(|| format!("failed to listen on {}:{}", args.bind, args.port))?;
    let addr = listener.local_addr()?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let base_url = format!("http://{host}:{}/", addr.port());

    let started = Instant::now();
    let (mut state, files) = State::build(&root, &base_url, args.drafts)?;
    eprintln!(
        "Built {} pages in {:.2}s. Serving {} at {base_url} (Ctrl-C to stop)",
        state.library.pages.len(),
        started.elapsed().as_secs_f64(),
        root.display()
    );
    let server = Arc::new(Server::new(files));
    {
        let server = Arc::clone(&server);
        std::thread::spawn(move || server.run(listener));
    }
    if args.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(&base_url)
            .spawn();
    }

    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).context("failed to start the file watcher")?;
    for dir in ["content", "templates", "static", "rules"] {
        let p = root.join(dir);
        if p.is_dir() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .with_context(|| format!("failed to watch `{}`", p.display()))?;
        }
    }
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("failed to watch `{}`", root.display()))?;

    while let Some(paths) = debounce(&rx) {
        let change = watch::classify(&root, &paths);
        if change.is_empty() {
            continue;
        }
        let t = Instant::now();
        let result = if change.full {
            State::build(&root, &base_url, args.drafts).map(|(s, f)| {
                let n = f.len();
                state = s;
                *server.files.write().expect("site poisoned") = f;
                n
            })
        } else {
            state.update(&change, &server.files)
        };
        match result {
            // Nothing changed and nothing to clear: no need to disturb the reader.
            Ok(0) if !server.hub.has_error() => {}
            Ok(n) => {
                server.hub.reload();
                eprintln!(
                    "Rebuilt: {n} files in {:.0} ms",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
            Err(e) => {
                let msg = format!("{e:#}");
                eprintln!("error: {msg}");
                server.hub.error(msg);
            }
        }
    }
    Ok(())
}
