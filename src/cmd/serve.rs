//! `newsroom serve`: arguments, listening on 127.0.0.1, the file watcher and its loop, and
//! what is printed. The engine (build into memory, incremental updates) is [`crate::serve`].

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{RecursiveMode, Watcher};

use crate::cli::ServeArgs;
use crate::serve::http::Server;
use crate::serve::{SearchJob, State, index_search, watch};

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

/// Binds the listener (warning when it is not loopback) and returns it with the site's URL.
fn listen(args: &ServeArgs) -> Result<(TcpListener, String)> {
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
    Ok((listener, format!("http://{host}:{}/", addr.port())))
}

/// Watches the site's inputs: content, templates, static files, rules and the config.
fn watch_site(
    root: &Path,
    tx: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
) -> Result<impl Watcher> {
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
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("failed to watch `{}`", root.display()))?;
    Ok(watcher)
}

pub fn run(root: &Path, args: &ServeArgs) -> Result<()> {
    let root = root
        .canonicalize()
        .with_context(|| format!("failed to open site `{}`", root.display()))?;
    let (listener, base_url) = listen(args)?;
    let started = Instant::now();
    let (mut state, files) = State::build(&root, &base_url, args.drafts)?;
    for w in &state.config.warnings {
        eprintln!("warning: {w}");
    }
    for w in &state.library.warnings {
        eprintln!("warning: {w}");
    }
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
    let search = search_worker(Arc::clone(&server));
    let _ = search.send(state.search_job());
    let (tx, rx) = std::sync::mpsc::channel();
    let _watcher = watch_site(&root, tx)?;
    while let Some(paths) = debounce(&rx) {
        let change = watch::classify(&root, &paths);
        if !change.is_empty() && rebuild(&mut state, &change, &server) {
            let _ = search.send(state.search_job());
        }
    }
    Ok(())
}

/// Keeps the search index up to date on its own thread, so that indexing after one edit never
/// delays the reload after the next. Jobs that queue up while it works are merged: only the
/// newest library is indexed.
fn search_worker(server: Arc<Server>) -> Sender<SearchJob> {
    let (tx, rx) = std::sync::mpsc::channel::<SearchJob>();
    std::thread::spawn(move || {
        // Its own single thread: edits keep the shared pool (both cores) to themselves.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
        let mut indexer = None;
        while let Ok(mut job) = rx.recv() {
            loop {
                if let Some(ix) = job.indexer.take() {
                    indexer = Some(ix);
                }
                if !job.enabled {
                    indexer = None;
                }
                match rx.try_recv() {
                    Ok(newer) => job = newer,
                    Err(_) => break,
                }
            }
            let index = |ix: &mut _| index_search(ix, &job.library, &server.files);
            let done = match (&mut indexer, &pool) {
                (Some(ix), Ok(pool)) => pool.install(|| index(ix)),
                (Some(ix), Err(_)) => index(ix),
                (None, _) => Ok(0),
            };
            if let Err(e) = done {
                eprintln!("error: search index: {e:#}");
            }
        }
    });
    tx
}

/// Applies one change, then reloads the browser (or shows the error there). Returns whether
/// the site changed (then its search index is to be updated).
fn rebuild(state: &mut State, change: &watch::Change, server: &Server) -> bool {
    let t = Instant::now();
    match state.update(change, &server.files) {
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
            return false;
        }
    }
    true
}
